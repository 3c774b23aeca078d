//! Insured persons (参保人): register, view, correct, search — scoped, masked, audited.

use chrono::{NaiveDate, Utc};
use ltci_shared::api::registry::{
    Address, CreateInsuredPersonRequest, EmergencyContact, InsuredPerson, InsuredPersonFilter, PersonStatus, Scheme,
    UpdateInsuredPersonRequest,
};
use ltci_shared::messages as m;
use ltci_shared::{IdNumber, Page, Sex};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::validate;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{certificate, insured_person as person};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::state::AppState;

/// The person's emergency contact (家属), when both name and phone are registered.
pub(crate) fn emergency_contact(m: &person::Model) -> Option<EmergencyContact> {
    match (&m.emergency_name, &m.emergency_phone) {
        (Some(name), Some(phone)) => {
            Some(EmergencyContact { name: name.clone(), phone: phone.clone(), relation: m.emergency_relation.clone() })
        }
        _ => None,
    }
}

/// The API view; the ID number is masked unless the actor's role needs it in full, in which case
/// it is decrypted.
pub fn view(state: &AppState, actor: &Actor, m: person::Model) -> ApiResult<InsuredPerson> {
    let full_id = actor.can(Permission::SeeFullIdNumbers);
    let emergency_contact = emergency_contact(&m);
    let id_number = if full_id { state.pii.decrypt(&m.id_number_enc)? } else { m.id_number_masked };
    Ok(InsuredPerson {
        id: m.id,
        region_id: m.region_id,
        name: m.name,
        id_number,
        id_number_masked: !full_id,
        // Beside a masked number the birth date would give the number back: the age instead.
        birth_date: full_id.then_some(m.birth_date),
        age: actor.today.years_since(m.birth_date).unwrap_or(0),
        sex: if m.sex == "male" { Sex::Male } else { Sex::Female },
        scheme: Scheme::from_name(&m.scheme).unwrap_or(Scheme::Resident),
        enrolled_on: m.enrolled_on,
        status: PersonStatus::from_name(&m.status).unwrap_or(PersonStatus::Active),
        died_on: m.died_on,
        address: Address { text: m.address_text, latitude: m.latitude, longitude: m.longitude },
        phone: m.phone,
        emergency_contact,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub(crate) fn sex_name(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

pub(crate) fn id_number_rule(value: &str, today: NaiveDate) -> validate::Rule<IdNumber> {
    IdNumber::parse_on(value, today).map_err(|e| (e.code(), e.text()))
}

fn duplicate_id() -> ApiError {
    ApiError::conflict("id_number", m::person_id_number_taken())
}

async fn id_number_taken<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    id_number_hash: &str,
    except: Option<Uuid>,
) -> ApiResult<bool> {
    let mut q = person::Entity::find()
        .filter(person::Column::RegionId.eq(region_id))
        .filter(person::Column::IdNumberHash.eq(id_number_hash));
    if let Some(id) = except {
        q = q.filter(person::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

pub async fn create(state: &AppState, actor: &Actor, req: CreateInsuredPersonRequest) -> ApiResult<InsuredPerson> {
    actor.require(Permission::WriteInsuredPersons)?;
    let today = actor.today;
    let mut errors = FieldErrors::new();
    let name = errors.take("name", check_text(&req.name, 50));
    let id_number = errors.take("id_number", id_number_rule(&req.id_number, today));
    let address = validate::address(&mut errors, "address", &req.address);
    let phone = req.phone.as_deref().filter(|p| !p.trim().is_empty()).map(|p| errors.take("phone", validate::phone(p)));
    let contact =
        req.emergency_contact.as_ref().map(|c| validate::emergency_contact(&mut errors, "emergency_contact", c));
    crate::fields::within_horizon(&mut errors, "enrolled_on", req.enrolled_on, today, state.config.date_horizon_days);
    if let Some(id) = &id_number
        && req.enrolled_on < id.birth_date()
    {
        errors.add("enrolled_on", "before_birth", m::enrolled_before_birth());
    }
    errors.finish()?;
    let (Some(name), Some(id_number), Some(address)) = (name, id_number, address) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    let contact = contact.flatten();
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let id_hash = state.pii.index(id_number.as_str());
    if id_number_taken(&txn, actor.region_id, &id_hash, None).await? {
        return Err(duplicate_id());
    }
    let model = person::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        name: Set(name),
        id_number_enc: Set(state.pii.encrypt(id_number.as_str())?),
        id_number_hash: Set(id_hash),
        id_number_masked: Set(id_number.masked()),
        birth_date: Set(id_number.birth_date()),
        sex: Set(sex_name(id_number.sex()).to_string()),
        scheme: Set(req.scheme.as_str().to_string()),
        enrolled_on: Set(req.enrolled_on),
        status: Set(PersonStatus::Active.as_str().to_string()),
        died_on: Set(None),
        address_text: Set(address.text),
        latitude: Set(address.latitude),
        longitude: Set(address.longitude),
        phone: Set(phone.flatten()),
        emergency_name: Set(contact.as_ref().map(|c| c.name.clone())),
        emergency_phone: Set(contact.as_ref().map(|c| c.phone.clone())),
        emergency_relation: Set(contact.and_then(|c| c.relation)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(unique_as(duplicate_id))?;
    audit::record(&txn, &AuditActor::from(actor), "insured_person.create", "insured_person", model.id, &[]).await?;
    audit::commit(txn).await?;
    tracing::info!(person_id = %model.id, "insured person registered");
    view(state, actor, model)
}

pub async fn find_in_scope<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<person::Model> {
    person::Entity::find_by_id(id)
        .filter(scope::insured_persons(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_insured_person()))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<InsuredPerson> {
    actor.require(Permission::ReadInsuredPersons)?;
    let m = find_in_scope(&state.db, actor, id).await?;
    view(state, actor, m)
}

/// The full ID number of a person (查看完整号码), for an officer who says why: the reason, who
/// and when are kept in the audit trail. Lists and pages show the masked number otherwise.
pub async fn reveal_id_number(state: &AppState, actor: &Actor, id: Uuid, reason: &str) -> ApiResult<String> {
    actor.require(Permission::SeeFullIdNumbers)?;
    let reason = crate::fields::check_paragraph(reason, 200)
        .map_err(|(code, message)| ApiError::invalid_field("reason", code, message))?;
    let m = find_in_scope(&state.db, actor, id).await?;
    let full = state.pii.decrypt(&m.id_number_enc)?;
    let actor = AuditActor::from(actor);
    let txn = state.db.begin().await?;
    audit::record_reason(&txn, &actor, "insured_person.id_number_viewed", "insured_person", id, &reason).await?;
    audit::commit(txn).await?;
    Ok(full)
}

/// The names of the people `ids` within the actor's scope (the others are left out), for lists
/// that name an applicant or a beneficiary: one query, whatever the list's length.
pub async fn names(state: &AppState, actor: &Actor, ids: &[Uuid]) -> ApiResult<Vec<(Uuid, String)>> {
    actor.require(Permission::ReadInsuredPersons)?;
    Ok(person::Entity::find()
        .filter(scope::insured_persons(actor))
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

pub async fn search(
    state: &AppState,
    actor: &Actor,
    filter: InsuredPersonFilter,
    page: PageRequest,
) -> ApiResult<Page<InsuredPerson>> {
    actor.require(Permission::ReadInsuredPersons)?;
    let mut q = person::Entity::find().filter(scope::insured_persons(actor));
    if let Some(name) = filter.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        q = q.filter(person::Column::Name.contains(name));
    }
    if let Some(id) = filter.id_number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        q = q.filter(person::Column::IdNumberHash.eq(state.pii.index(&id.to_ascii_uppercase())));
    }
    if let Some(status) = filter.status {
        q = q.filter(person::Column::Status.eq(status.as_str()));
    }
    if let Some(scheme) = filter.scheme {
        q = q.filter(person::Column::Scheme.eq(scheme.as_str()));
    }
    if let Some(code) = filter.county_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid_field("county_code", "format", m::county_code_format()));
        }
        q = q.filter(person::Column::IdNumberMasked.starts_with(code));
    }
    if let Some(certified) = filter.certified {
        let holders = sea_orm::sea_query::Query::select()
            .column(certificate::Column::InsuredPersonId)
            .from(certificate::Entity)
            .and_where(certificate::Column::Status.eq("active"))
            .and_where(certificate::Column::EffectiveOn.lte(actor.today))
            .and_where(certificate::Column::ExpiresOn.gte(actor.today))
            .to_owned();
        q = q.filter(if certified {
            person::Column::Id.in_subquery(holders)
        } else {
            person::Column::Id.not_in_subquery(holders)
        });
    }
    let q = q.order_by_asc(person::Column::Name).order_by_asc(person::Column::Id);
    let page = fetch_page(&state.db, q, page, |m| m).await?;
    let items = page.items.into_iter().map(|m| view(state, actor, m)).collect::<ApiResult<Vec<_>>>()?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

/// Applies the fields present in `req`; rejects a stale `version` with 409 so no edit is lost.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    req: UpdateInsuredPersonRequest,
) -> ApiResult<InsuredPerson> {
    actor.require(Permission::WriteInsuredPersons)?;
    let today = actor.today;
    let txn = state.db.begin().await?;
    let current = find_in_scope(&txn, actor, id).await?;
    if current.version != req.version {
        return Err(ApiError::conflict("version", m::person_changed_meanwhile()));
    }
    let mut errors = FieldErrors::new();
    let mut changed: Vec<&str> = Vec::new();
    let mut next = current.clone().into_active_model();

    if let Some(v) = &req.name
        && let Some(name) = errors.take("name", check_text(v, 50))
        && name != current.name
    {
        next.name = Set(name);
        changed.push("name");
    }
    let mut birth_date = current.birth_date;
    if let Some(v) = &req.id_number
        && let Some(idn) = errors.take("id_number", id_number_rule(v, today))
        && state.pii.index(idn.as_str()) != current.id_number_hash
    {
        let id_hash = state.pii.index(idn.as_str());
        if id_number_taken(&txn, current.region_id, &id_hash, Some(id)).await? {
            return Err(duplicate_id());
        }
        birth_date = idn.birth_date();
        next.birth_date = Set(birth_date);
        next.sex = Set(sex_name(idn.sex()).to_string());
        next.id_number_enc = Set(state.pii.encrypt(idn.as_str())?);
        next.id_number_hash = Set(id_hash);
        next.id_number_masked = Set(idn.masked());
        changed.push("id_number");
    }
    if let Some(scheme) = req.scheme.filter(|s| s.as_str() != current.scheme) {
        next.scheme = Set(scheme.as_str().to_string());
        changed.push("scheme");
    }
    let enrolled_on = req.enrolled_on.unwrap_or(current.enrolled_on);
    crate::fields::within_horizon(&mut errors, "enrolled_on", enrolled_on, today, state.config.date_horizon_days);
    if enrolled_on < birth_date {
        errors.add("enrolled_on", "before_birth", m::enrolled_before_birth());
    } else if enrolled_on != current.enrolled_on {
        next.enrolled_on = Set(enrolled_on);
        changed.push("enrolled_on");
    }
    if let Some(a) = &req.address
        && let Some(a) = validate::address(&mut errors, "address", a)
    {
        next.address_text = Set(a.text);
        next.latitude = Set(a.latitude);
        next.longitude = Set(a.longitude);
        changed.push("address");
    }
    if let Some(p) = &req.phone {
        let p = p.trim();
        let value = if p.is_empty() { Some(None) } else { errors.take("phone", validate::phone(p)).map(Some) };
        if let Some(v) = value {
            next.phone = Set(v);
            changed.push("phone");
        }
    }
    if let Some(c) = &req.emergency_contact
        && let Some(c) = validate::emergency_contact(&mut errors, "emergency_contact", c)
    {
        next.emergency_name = Set(Some(c.name));
        next.emergency_phone = Set(Some(c.phone));
        next.emergency_relation = Set(c.relation);
        changed.push("emergency_contact");
    }
    let status = req.status.unwrap_or(PersonStatus::from_name(&current.status).unwrap_or(PersonStatus::Active));
    match (status, req.died_on.or(current.died_on)) {
        (PersonStatus::Deceased, None) => errors.add("died_on", "required", m::died_on_required()),
        (PersonStatus::Deceased, Some(d)) if d > today || d < birth_date => {
            errors.add("died_on", "out_of_range", m::died_on_out_of_range())
        }
        (PersonStatus::Deceased, Some(d)) => {
            if Some(d) != current.died_on {
                next.died_on = Set(Some(d));
                changed.push("died_on");
            }
        }
        (_, _) if req.died_on.is_some() => errors.add("died_on", "not_allowed", m::died_on_without_death()),
        (_, _) => {
            if current.died_on.is_some() {
                next.died_on = Set(None);
                changed.push("died_on");
            }
        }
    }
    if status.as_str() != current.status {
        next.status = Set(status.as_str().to_string());
        changed.push("status");
    }
    errors.finish()?;
    if changed.is_empty() {
        return view(state, actor, current);
    }
    next.version = Set(current.version + 1);
    next.updated_at = Set(Utc::now());
    // The version in the WHERE clause makes a concurrent edit fail instead of being overwritten.
    let result = person::Entity::update_many()
        .set(next)
        .filter(person::Column::Id.eq(id))
        .filter(person::Column::Version.eq(current.version))
        .exec(&txn)
        .await
        .map_err(unique_as(duplicate_id))?;
    if result.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::person_changed_meanwhile()));
    }
    audit::record(&txn, &AuditActor::from(actor), "insured_person.update", "insured_person", id, &changed).await?;
    let updated = person::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_insured_person()))?;
    audit::commit(txn).await?;
    tracing::info!(person_id = %id, fields = ?changed, "insured person updated");
    view(state, actor, updated)
}
