//! Provider choices (选择定点机构): which designated institution a beneficiary chose for which care
//! mode. The agency records them (or the assessment application names the institution, recorded
//! with the certificate); institution staff open a service relation only where one exists, so an
//! institution cannot take on someone else's beneficiary by typing an id.

use chrono::{NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::{ChoiceSource, ChoiceWithdrawal, ProviderChoice, ProviderChoiceRequest};
use ltci_shared::messages as m;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{enum_from_db, enum_to_db, insured_person, provider_choice as choice};
use crate::fields::check_paragraph;
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::state::AppState;

fn view(c: choice::Model) -> ApiResult<ProviderChoice> {
    Ok(ProviderChoice {
        id: c.id,
        insured_person_id: c.insured_person_id,
        institution_id: c.institution_id,
        care_mode: enum_from_db(&c.care_mode)?,
        chosen_on: c.chosen_on,
        source: enum_from_db(&c.source)?,
        case_id: c.case_id,
        withdrawn_on: c.withdrawn_on,
        withdrawal_reason: c.withdrawal_reason,
    })
}

/// Choices in force on `on`: made on or before it, not withdrawn by then.
fn in_force_on(on: NaiveDate) -> Condition {
    Condition::all()
        .add(choice::Column::ChosenOn.lte(on))
        .add(Condition::any().add(choice::Column::WithdrawnOn.is_null()).add(choice::Column::WithdrawnOn.gt(on)))
}

/// Whether the person chose the institution for the mode, in force on `on`.
pub(crate) async fn chosen<C: ConnectionTrait>(
    db: &C,
    person: Uuid,
    institution: Uuid,
    mode: CareMode,
    on: NaiveDate,
) -> ApiResult<bool> {
    Ok(choice::Entity::find()
        .filter(choice::Column::InsuredPersonId.eq(person))
        .filter(choice::Column::InstitutionId.eq(institution))
        .filter(choice::Column::CareMode.eq(enum_to_db(&mode)))
        .filter(in_force_on(on))
        .one(db)
        .await?
        .is_some())
}

/// The modes the person chose the institution for, in force on `on`.
pub(crate) async fn chosen_modes<C: ConnectionTrait>(
    db: &C,
    person: Uuid,
    institution: Uuid,
    on: NaiveDate,
) -> ApiResult<Vec<CareMode>> {
    let rows = choice::Entity::find()
        .filter(choice::Column::InsuredPersonId.eq(person))
        .filter(choice::Column::InstitutionId.eq(institution))
        .filter(in_force_on(on))
        .order_by_asc(choice::Column::CareMode)
        .all(db)
        .await?;
    rows.iter().map(|c| enum_from_db(&c.care_mode).map_err(ApiError::from)).collect()
}

/// A choice to record (its checks are the caller's).
#[derive(Debug)]
pub(crate) struct NewChoice {
    pub person: Uuid,
    pub institution: Uuid,
    pub mode: CareMode,
    pub chosen_on: NaiveDate,
    pub source: ChoiceSource,
    pub case_id: Option<Uuid>,
}

/// Records a choice in the caller's transaction; the same choice in force already is answered
/// as it is (`false`: nothing new).
pub(crate) async fn record_in<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    region_id: Uuid,
    new: NewChoice,
) -> ApiResult<(bool, choice::Model)> {
    let open = choice::Entity::find()
        .filter(choice::Column::InsuredPersonId.eq(new.person))
        .filter(choice::Column::InstitutionId.eq(new.institution))
        .filter(choice::Column::CareMode.eq(enum_to_db(&new.mode)))
        .filter(choice::Column::WithdrawnOn.is_null())
        .one(db)
        .await?;
    if let Some(existing) = open {
        return Ok((false, existing));
    }
    let m = choice::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(region_id),
        insured_person_id: Set(new.person),
        institution_id: Set(new.institution),
        care_mode: Set(enum_to_db(&new.mode)),
        chosen_on: Set(new.chosen_on),
        source: Set(enum_to_db(&new.source)),
        case_id: Set(new.case_id),
        recorded_by: Set(actor.user_id),
        recorded_at: Set(Utc::now()),
        withdrawn_on: Set(None),
        withdrawn_by: Set(None),
        withdrawal_reason: Set(None),
    }
    .insert(db)
    .await
    .map_err(unique_as(|| ApiError::conflict("institution_id", m::choice_recorded_meanwhile())))?;
    audit::record(db, &AuditActor::from(actor), "provider_choice.record", "provider_choice", m.id, &[]).await?;
    Ok((true, m))
}

/// Records a beneficiary's choice of a designated institution for a care mode (agency officers).
pub async fn record(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    req: ProviderChoiceRequest,
) -> ApiResult<(bool, ProviderChoice)> {
    actor.require(Permission::RecordProviderChoices)?;
    let chosen_on = req.chosen_on.unwrap_or(actor.today);
    let mut errors = FieldErrors::new();
    crate::fields::happened(&mut errors, "chosen_on", chosen_on, actor.today);
    errors.finish()?;
    let txn = state.db.begin().await?;
    let person = insured_person::Entity::find_by_id(person_id)
        .filter(scope::insured_persons(actor))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_insured_person()))?;
    super::designation::require_in_region(&txn, actor.region_id, req.institution_id, "institution_id").await?;
    let new = NewChoice {
        person: person.id,
        institution: req.institution_id,
        mode: req.care_mode,
        chosen_on,
        source: ChoiceSource::Agency,
        case_id: None,
    };
    let (created, m) = record_in(&txn, actor, person.region_id, new).await?;
    audit::commit(txn).await?;
    Ok((created, view(m)?))
}

/// A person's choices, latest first (agency officers and auditors).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    page: PageRequest,
) -> ApiResult<Page<ProviderChoice>> {
    actor.require(Permission::ReadProviderChoices)?;
    let person = insured_person::Entity::find_by_id(person_id)
        .filter(scope::insured_persons(actor))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_insured_person()))?;
    let q = choice::Entity::find()
        .filter(choice::Column::InsuredPersonId.eq(person.id))
        .order_by_desc(choice::Column::ChosenOn)
        .order_by_desc(choice::Column::Id);
    let page = fetch_page(&state.db, q, page, |c| c).await?;
    let items = page.items.into_iter().map(view).collect::<ApiResult<Vec<_>>>()?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

/// Withdraws a choice from today: the institution opens no new relation on it (relations already
/// open go on until ended or transferred).
pub async fn withdraw(state: &AppState, actor: &Actor, id: Uuid, req: ChoiceWithdrawal) -> ApiResult<ProviderChoice> {
    actor.require(Permission::RecordProviderChoices)?;
    let reason = check_paragraph(&req.reason, 300).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    let txn = state.db.begin().await?;
    let c = choice::Entity::find_by_id(id)
        .filter(choice::Column::RegionId.eq(actor.region_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_provider_choice()))?;
    if c.withdrawn_on.is_some() {
        return Err(ApiError::conflict("id", m::choice_already_withdrawn()));
    }
    let mut a: choice::ActiveModel = c.into();
    a.withdrawn_on = Set(Some(actor.today));
    a.withdrawn_by = Set(Some(actor.user_id));
    a.withdrawal_reason = Set(Some(reason));
    let m = a.update(&txn).await?;
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "provider_choice.withdraw",
        "provider_choice",
        m.id,
        &["withdrawn_on"],
    )
    .await?;
    audit::commit(txn).await?;
    view(m)
}
