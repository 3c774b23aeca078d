//! Caregivers (护理员): register under an institution, keep the record, leave, and the app
//! account — scoped, masked, audited.

use ltci_shared::messages as m;
use std::collections::HashMap;

use chrono::Utc;
use ltci_shared::api::institutions::InstitutionStatus;
use ltci_shared::api::users::Role;
use ltci_shared::api::workforce::{
    Caregiver, CaregiverAccount, CaregiverAccountRequest, CaregiverDeparture, CaregiverFilter, CaregiverQualification,
    CaregiverStatus, CreateCaregiverRequest, UpdateCaregiverRequest,
};
use ltci_shared::{IdNumber, Page};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::{assignments, training};
use crate::audit::{self, AuditActor};
use crate::auth::password::check_password_rules;
use crate::auth::service::revoke_all_for_user;
use crate::auth::{Actor, Permission, scope};
use crate::entities::{caregiver, enum_from_db, enum_to_db, institution, user};
use crate::fields::{check_text, check_username};
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::institutions::designation;
use crate::registry::persons::{id_number_rule, sex_name};
use crate::registry::{counties, validate};
use crate::state::AppState;
use crate::supervision::sanctions;
use crate::users::service::insert_account;

/// The youngest a caregiver may be registered (legal working age).
pub(crate) const MIN_AGE: u32 = 16;

fn view(m: caregiver::Model, training_tenths: i64, today: chrono::NaiveDate) -> ApiResult<Caregiver> {
    Ok(Caregiver {
        id: m.id,
        region_id: m.region_id,
        institution_id: m.institution_id,
        name: m.name,
        id_number: m.id_number_masked,
        age: today.years_since(m.birth_date).unwrap_or(0),
        sex: enum_from_db(&m.sex)?,
        phone: m.phone,
        county_id: m.county_id,
        qualification: enum_from_db(&m.qualification)?,
        certificate_level: m.certificate_level.and_then(|l| u8::try_from(l).ok()),
        certificate_number: m.certificate_number,
        status: enum_from_db(&m.status)?,
        left_on: m.left_on,
        user_id: m.user_id,
        training_hours: Decimal::new(training_tenths, 1),
        version: m.version,
        created_at: m.created_at,
    })
}

/// The API views, with their training totals (one query).
async fn views<C: ConnectionTrait>(
    db: &C,
    list: Vec<caregiver::Model>,
    today: chrono::NaiveDate,
) -> ApiResult<Vec<Caregiver>> {
    let totals: HashMap<Uuid, i64> = training::totals(db, list.iter().map(|c| c.id).collect()).await?;
    list.into_iter()
        .map(|m| {
            let t = totals.get(&m.id).copied().unwrap_or(0);
            view(m, t, today)
        })
        .collect()
}

async fn view_one<C: ConnectionTrait>(db: &C, m: caregiver::Model, today: chrono::NaiveDate) -> ApiResult<Caregiver> {
    views(db, vec![m], today).await?.pop().ok_or_else(|| ApiError::not_found(m::thing_caregiver()))
}

pub(crate) async fn find_in_scope<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<caregiver::Model> {
    caregiver::Entity::find_by_id(id)
        .filter(scope::caregivers(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_caregiver()))
}

/// Which certificate fields a qualification needs (`certificate_level`, `certificate_number`).
fn check_qualification(errors: &mut FieldErrors, q: CaregiverQualification, level: Option<u8>, number: Option<&str>) {
    for (field, code, text) in qualification_problems(q, level, number) {
        errors.add(field, code, text);
    }
}

/// What is wrong with a qualification's certificate fields: (field, code, message).
pub(crate) fn qualification_problems(
    q: CaregiverQualification,
    level: Option<u8>,
    number: Option<&str>,
) -> Vec<(&'static str, &'static str, ltci_shared::text::Text)> {
    let mut out = Vec::new();
    let number = number.map(str::trim).filter(|n| !n.is_empty());
    match q {
        CaregiverQualification::CaregiverCertified => match level {
            None => out.push(("certificate_level", "required", m::certificate_level_required())),
            Some(1..=5) => {}
            Some(_) => out.push(("certificate_level", "out_of_range", m::certificate_level_range())),
        },
        _ if level.is_some() => out.push(("certificate_level", "not_allowed", m::certificate_level_not_allowed())),
        _ => {}
    }
    if matches!(q, CaregiverQualification::Nurse | CaregiverQualification::CaregiverCertified) && number.is_none() {
        out.push(("certificate_number", "required", m::certificate_number_required()));
    }
    if number.is_some_and(|n| n.chars().count() > 50 || n.chars().any(char::is_control)) {
        out.push(("certificate_number", "too_long", m::too_long(50)));
    }
    out
}

/// The institution a new caregiver joins: the staff member's own, or (for officers) the one
/// named, which must be in the region and not closed. Problems with it go to `errors`.
async fn employing_institution<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    requested: Option<Uuid>,
    errors: &mut FieldErrors,
) -> ApiResult<Option<institution::Model>> {
    let id = match actor.role {
        Role::Institution => {
            if requested.is_some_and(|i| Some(i) != actor.institution_id) {
                return Err(ApiError::forbidden());
            }
            actor.institution_id
        }
        _ => requested,
    };
    let Some(id) = id else {
        errors.add("institution_id", "required", m::employing_institution_required());
        return Ok(None);
    };
    let Some(inst) = designation::in_region(db, actor.region_id, id).await? else {
        errors.add("institution_id", "unknown_institution", m::unknown_institution());
        return Ok(None);
    };
    let status: InstitutionStatus = enum_from_db(&inst.status)?;
    if matches!(status, InstitutionStatus::Rejected | InstitutionStatus::Terminated) {
        errors.add("institution_id", "institution_closed", m::institution_registers_no_caregivers(status.text()));
        return Ok(None);
    }
    Ok(Some(inst))
}

fn duplicate() -> ApiError {
    ApiError::conflict("id_number", m::caregiver_id_number_taken())
}

/// Registers a caregiver (institution staff for their institution; officers for any).
pub async fn register(state: &AppState, actor: &Actor, req: CreateCaregiverRequest) -> ApiResult<Caregiver> {
    actor.require(Permission::ManageCaregivers)?;
    let today = actor.today;
    let mut errors = FieldErrors::new();
    let inst = employing_institution(&state.db, actor, req.institution_id, &mut errors).await?;
    let name = errors.take("name", check_text(&req.name, 50));
    let id_number: Option<IdNumber> = errors.take("id_number", id_number_rule(&req.id_number, today));
    if let Some(id) = &id_number
        && id.age_on(today) < MIN_AGE
    {
        errors.add("id_number", "too_young", m::caregiver_too_young(MIN_AGE));
    }
    let phone = errors.take("phone", validate::phone(&req.phone));
    check_qualification(&mut errors, req.qualification, req.certificate_level, req.certificate_number.as_deref());
    if counties::in_region(&state.db, actor.region_id, req.county_id).await?.is_none() {
        errors.add("county_id", "unknown_county", m::unknown_county());
    }
    errors.finish()?;
    let (Some(inst), Some(name), Some(id_number), Some(phone)) = (inst, name, id_number, phone) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    let txn = state.db.begin().await?;
    let id_hash = state.pii.index(id_number.as_str());
    // A person barred (处理) is refused whoever registers them, before anything else.
    if let Some(ban) = sanctions::barring(&txn, actor.region_id, &id_hash, today).await? {
        return Err(ApiError::invalid_field("id_number", "person_barred", m::person_barred(sanctions::last_day(&ban))));
    }
    let taken = caregiver::Entity::find()
        .filter(caregiver::Column::RegionId.eq(actor.region_id))
        .filter(caregiver::Column::IdNumberHash.eq(&id_hash))
        .filter(caregiver::Column::Status.eq(enum_to_db(&CaregiverStatus::Active)))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(duplicate());
    }
    let now = Utc::now();
    let m = caregiver::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        institution_id: Set(inst.id),
        county_id: Set(req.county_id),
        name: Set(name),
        id_number_enc: Set(state.pii.encrypt(id_number.as_str())?),
        id_number_hash: Set(id_hash),
        id_number_masked: Set(id_number.masked()),
        birth_date: Set(id_number.birth_date()),
        sex: Set(sex_name(id_number.sex()).to_string()),
        phone: Set(phone),
        qualification: Set(enum_to_db(&req.qualification)),
        certificate_level: Set(req.certificate_level.map(i32::from)),
        certificate_number: Set(req.certificate_number.map(|n| n.trim().to_string()).filter(|n| !n.is_empty())),
        status: Set(enum_to_db(&CaregiverStatus::Active)),
        left_on: Set(None),
        user_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(unique_as(duplicate))?;
    audit::record(&txn, &AuditActor::from(actor), "caregiver.register", "caregiver", m.id, &[]).await?;
    audit::commit(txn).await?;
    tracing::info!(caregiver_id = %m.id, institution_id = %m.institution_id, "caregiver registered");
    view(m, 0, actor.today)
}

/// The names of the caregivers `ids` within the actor's scope (the others left out), for lists
/// that name each row's caregiver: one query.
pub async fn names(state: &AppState, actor: &Actor, ids: &[Uuid]) -> ApiResult<HashMap<Uuid, String>> {
    actor.require(Permission::ReadCaregivers)?;
    Ok(caregiver::Entity::find()
        .filter(scope::caregivers(actor))
        .filter(caregiver::Column::Id.is_in(ids.iter().copied()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// How many active caregivers in scope need attention: without an app account, with a disabled
/// one, and (nurses and certified caregivers) without a certificate number — three counts.
pub async fn attention_counts(state: &AppState, actor: &Actor) -> ApiResult<(u64, u64, u64)> {
    use sea_orm::PaginatorTrait;
    actor.require(Permission::ReadCaregivers)?;
    let active = || {
        caregiver::Entity::find()
            .filter(scope::caregivers(actor))
            .filter(caregiver::Column::Status.eq(enum_to_db(&CaregiverStatus::Active)))
    };
    let no_account = active().filter(caregiver::Column::UserId.is_null()).count(&state.db).await?;
    let disabled_accounts = sea_orm::sea_query::Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::Active.eq(false))
        .to_owned();
    let disabled = active().filter(caregiver::Column::UserId.in_subquery(disabled_accounts)).count(&state.db).await?;
    let no_certificate = active()
        .filter(caregiver::Column::Qualification.ne(enum_to_db(&CaregiverQualification::FamilyCaregiver)))
        .filter(caregiver::Column::CertificateNumber.is_null())
        .count(&state.db)
        .await?;
    Ok((no_account, disabled, no_certificate))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Caregiver> {
    actor.require(Permission::ReadCaregivers)?;
    let m = find_in_scope(&state.db, actor, id).await?;
    view_one(&state.db, m, actor.today).await
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: CaregiverFilter,
    page: PageRequest,
) -> ApiResult<Page<Caregiver>> {
    actor.require(Permission::ReadCaregivers)?;
    let mut q = caregiver::Entity::find().filter(scope::caregivers(actor));
    if let Some(i) = filter.institution_id {
        q = q.filter(caregiver::Column::InstitutionId.eq(i));
    }
    if let Some(c) = filter.county_id {
        q = q.filter(caregiver::Column::CountyId.eq(c));
    }
    if let Some(s) = filter.status {
        q = q.filter(caregiver::Column::Status.eq(enum_to_db(&s)));
    }
    if let Some(name) = filter.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        q = q.filter(caregiver::Column::Name.contains(name));
    }
    let q = q.order_by_asc(caregiver::Column::Name).order_by_asc(caregiver::Column::Id);
    let page = fetch_page(&state.db, q, page, |m| m).await?;
    let items = views(&state.db, page.items, actor.today).await?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

/// A caregiver in scope that the actor may change (not a caregiver's own record, not one who left).
async fn find_manageable<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<caregiver::Model> {
    actor.require(Permission::ManageCaregivers)?;
    let m = find_in_scope(db, actor, id).await?;
    if m.status != enum_to_db(&CaregiverStatus::Active) {
        return Err(ApiError::state_conflict(
            ltci_shared::error::codes::INVALID_STATE_TRANSITION,
            &m.status,
            m::caregiver_left(),
        ));
    }
    Ok(m)
}

/// Saves `next` if the stored version is still `expected`; 409 otherwise.
async fn save<C: ConnectionTrait>(db: &C, id: Uuid, expected: i32, mut next: caregiver::ActiveModel) -> ApiResult<()> {
    next.version = Set(expected + 1);
    next.updated_at = Set(Utc::now());
    let result = caregiver::Entity::update_many()
        .set(next)
        .filter(caregiver::Column::Id.eq(id))
        .filter(caregiver::Column::Version.eq(expected))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::caregiver_changed_meanwhile()));
    }
    Ok(())
}

/// Changes the fields present; a stale `version` gets 409 so no edit is lost.
pub async fn update(state: &AppState, actor: &Actor, id: Uuid, req: UpdateCaregiverRequest) -> ApiResult<Caregiver> {
    let txn = state.db.begin().await?;
    let m = find_manageable(&txn, actor, id).await?;
    if m.version != req.version {
        return Err(ApiError::conflict("version", m::caregiver_changed_meanwhile()));
    }
    let mut errors = FieldErrors::new();
    let phone = req.phone.as_deref().map(|p| errors.take("phone", validate::phone(p)));
    let qualification = match req.qualification {
        Some(q) => q,
        None => enum_from_db(&m.qualification)?,
    };
    // A new qualification replaces the certificate fields; otherwise unchanged fields stay.
    let (level, number) = if req.qualification.is_some() {
        (req.certificate_level, req.certificate_number.clone())
    } else {
        (
            req.certificate_level.or(m.certificate_level.and_then(|l| u8::try_from(l).ok())),
            req.certificate_number.clone().or(m.certificate_number.clone()),
        )
    };
    check_qualification(&mut errors, qualification, level, number.as_deref());
    if let Some(c) = req.county_id
        && counties::in_region(&txn, actor.region_id, c).await?.is_none()
    {
        errors.add("county_id", "unknown_county", m::unknown_county());
    }
    errors.finish()?;
    let mut next = <caregiver::ActiveModel as Default>::default();
    let mut changed = Vec::new();
    if let Some(Some(p)) = phone {
        next.phone = Set(p);
        changed.push("phone");
    }
    if let Some(c) = req.county_id {
        next.county_id = Set(c);
        changed.push("county_id");
    }
    next.qualification = Set(enum_to_db(&qualification));
    next.certificate_level = Set(level.map(i32::from));
    next.certificate_number = Set(number.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()));
    if req.qualification.is_some() || req.certificate_level.is_some() || req.certificate_number.is_some() {
        changed.extend(["qualification", "certificate_level", "certificate_number"]);
    }
    save(&txn, m.id, m.version, next).await?;
    audit::record(&txn, &AuditActor::from(actor), "caregiver.update", "caregiver", m.id, &changed).await?;
    let m = find_in_scope(&txn, actor, id).await?;
    audit::commit(txn).await?;
    view_one(&state.db, m, actor.today).await
}

/// The caregiver leaves (离职): open assignments end on the last working day, and the app
/// account is disabled with its sessions revoked.
pub async fn depart(state: &AppState, actor: &Actor, id: Uuid, req: CaregiverDeparture) -> ApiResult<Caregiver> {
    let reason =
        crate::fields::check_paragraph(&req.reason, 300).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    let txn = state.db.begin().await?;
    let m = find_manageable(&txn, actor, id).await?;
    crate::fields::planned("left_on", req.left_on, actor.today, state.config.date_horizon_days)?;
    if req.left_on < m.created_at.date_naive() {
        return Err(ApiError::invalid_field("left_on", "before_registration", m::left_before_registration()));
    }
    assignments::end_all_of_caregiver(&txn, actor, m.id, req.left_on, &reason).await?;
    let next = caregiver::ActiveModel {
        status: Set(enum_to_db(&CaregiverStatus::Left)),
        left_on: Set(Some(req.left_on)),
        ..Default::default()
    };
    save(&txn, m.id, m.version, next).await?;
    if let Some(user_id) = m.user_id {
        user::Entity::update_many()
            .col_expr(user::Column::Active, sea_orm::sea_query::Expr::value(false))
            .col_expr(user::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .filter(user::Column::Id.eq(user_id))
            .exec(&txn)
            .await?;
        revoke_all_for_user(&txn, user_id).await?;
    }
    audit::record(&txn, &AuditActor::from(actor), "caregiver.depart", "caregiver", m.id, &["status", "left_on"])
        .await?;
    let m = find_in_scope(&txn, actor, id).await?;
    audit::commit(txn).await?;
    view_one(&state.db, m, actor.today).await
}

/// Creates the caregiver's account for the phone app (role `caregiver`, same institution).
pub async fn create_account(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    req: CaregiverAccountRequest,
) -> ApiResult<CaregiverAccount> {
    let m = find_manageable(&state.db, actor, id).await?;
    let mut errors = FieldErrors::new();
    let username = errors.take("username", check_username(&req.username));
    errors.take("password", check_password_rules(&req.password));
    errors.finish()?;
    let username = username.ok_or_else(|| ApiError::internal(anyhow::anyhow!("validated username missing")))?;
    if m.user_id.is_some() {
        return Err(ApiError::conflict("username", m::caregiver_has_account()));
    }
    let password_hash = state.passwords.hash(&req.password).await?;
    let txn = state.db.begin().await?;
    let user =
        insert_account(&txn, actor, username, m.name.clone(), password_hash, Role::Caregiver, Some(m.institution_id))
            .await?;
    // Only if nobody linked an account meanwhile (the version moves on every change).
    let next = caregiver::ActiveModel { user_id: Set(Some(user.id)), ..Default::default() };
    save(&txn, m.id, m.version, next).await?;
    audit::record(&txn, &AuditActor::from(actor), "caregiver.account", "caregiver", m.id, &["user_id"]).await?;
    let m = find_in_scope(&txn, actor, id).await?;
    audit::commit(txn).await?;
    Ok(CaregiverAccount {
        account: crate::users::service::view(user),
        caregiver: view_one(&state.db, m, actor.today).await?,
    })
}
