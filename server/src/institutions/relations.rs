//! Service relations (服务关系): which institution serves which certified beneficiary, in which
//! care mode, from when — and transfers between institutions.

use chrono::{Days, NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::{
    CreateServiceRelation, EndServiceRelation, InstitutionStatus, ServiceMode, ServiceRelation, ServiceRelationFilter,
    TransferRequest,
};
use ltci_shared::api::users::Role;
use ltci_shared::messages as m;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::views::{modes, relation_view, status};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{agreement, enum_to_db, insured_person, service_relation as rel};
use crate::fields::check_paragraph;
use crate::http::error::{ApiError, ApiResult};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::state::AppState;
use crate::workforce::assignments;

/// Relations open on `on` (started, not ended before it).
pub(crate) fn open_on(on: NaiveDate) -> Condition {
    Condition::all()
        .add(rel::Column::StartOn.lte(on))
        .add(Condition::any().add(rel::Column::EndOn.is_null()).add(rel::Column::EndOn.gte(on)))
}

/// Checks and inserts a relation; the caller owns the transaction.
async fn start<C: ConnectionTrait>(db: &C, actor: &Actor, req: &CreateServiceRelation) -> ApiResult<rel::Model> {
    if actor.role == Role::Institution {
        if Some(req.institution_id) != actor.institution_id {
            return Err(ApiError::forbidden());
        }
        // Institution staff serve only those who chose them, and hear nothing about anyone else:
        // the same answer whether the person exists, is certified or is served elsewhere.
        if !super::choices::chosen(db, req.insured_person_id, req.institution_id, req.care_mode, req.start_on).await? {
            return Err(ApiError::invalid_field("insured_person_id", "not_chosen", m::not_chosen()));
        }
    }
    let person = insured_person::Entity::find_by_id(req.insured_person_id)
        .filter(insured_person::Column::RegionId.eq(actor.region_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::invalid_field("insured_person_id", "unknown_person", m::unknown_person()))?;
    let certified = crate::assessment::certificates::in_force_for_person(db, person.id, req.start_on).await?;
    if certified.is_none() {
        return Err(ApiError::invalid_field("insured_person_id", "not_certified", m::not_certified_on_start()));
    }
    let inst = super::designation::require_in_region(db, actor.region_id, req.institution_id, "institution_id").await?;
    if status(&inst)? != InstitutionStatus::Active {
        return Err(ApiError::invalid_field(
            "institution_id",
            "institution_not_active",
            m::institution_takes_no_beneficiaries(status(&inst)?.text()),
        ));
    }
    let needed = ServiceMode::for_care_mode(req.care_mode);
    let agreement = agreement::Entity::find()
        .filter(agreement::Column::InstitutionId.eq(inst.id))
        .filter(agreement::Column::StartOn.lte(req.start_on))
        .filter(agreement::Column::EndOn.gte(req.start_on))
        .one(db)
        .await?;
    let covered = match &agreement {
        Some(a) => modes(Some(&a.modes))?.contains(&needed) && modes(inst.approved_modes.as_deref())?.contains(&needed),
        None => false,
    };
    if !covered {
        return Err(ApiError::invalid_field("care_mode", "mode_not_approved", m::no_agreement_for_mode()));
    }
    let open = rel::Entity::find()
        .filter(rel::Column::InsuredPersonId.eq(person.id))
        .filter(open_on(req.start_on))
        .all(db)
        .await?;
    for o in &open {
        let mode: CareMode = crate::entities::enum_from_db(&o.care_mode)?;
        if o.institution_id == inst.id && mode == req.care_mode {
            return Err(ApiError::conflict("insured_person_id", m::already_served_in_mode()));
        }
        if mode.occupies_a_bed() && req.care_mode.occupies_a_bed() {
            return Err(ApiError::conflict("insured_person_id", m::already_in_a_bed()));
        }
    }
    let m = rel::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        insured_person_id: Set(person.id),
        institution_id: Set(inst.id),
        care_mode: Set(enum_to_db(&req.care_mode)),
        start_on: Set(req.start_on),
        end_on: Set(None),
        end_reason: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        &AuditActor::from(actor),
        "service_relation.start",
        "service_relation",
        m.id,
        &["insured_person_id", "institution_id", "care_mode", "start_on"],
    )
    .await?;
    Ok(m)
}

/// Starts a relation (agency officers, or institution staff for their own institution).
pub async fn create(state: &AppState, actor: &Actor, req: CreateServiceRelation) -> ApiResult<ServiceRelation> {
    actor.require(Permission::ManageServiceRelations)?;
    crate::fields::planned("start_on", req.start_on, actor.today, state.config.date_horizon_days)?;
    let txn = state.db.begin().await?;
    let m = start(&txn, actor, &req).await?;
    audit::commit(txn).await?;
    relation_view(m)
}

async fn find_in_scope<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<rel::Model> {
    rel::Entity::find_by_id(id)
        .filter(scope::service_relations(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_service_relation()))
}

pub(crate) async fn close<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    r: rel::Model,
    end_on: NaiveDate,
    reason: String,
) -> ApiResult<rel::Model> {
    if r.end_on.is_some() {
        return Err(ApiError::conflict("end_on", m::relation_already_ended()));
    }
    if end_on < r.start_on {
        return Err(ApiError::invalid_field("end_on", "before_start", m::relation_ends_before_start()));
    }
    assignments::end_with_relation(db, actor, &r, end_on, &reason).await?;
    let mut a: rel::ActiveModel = r.into();
    a.end_on = Set(Some(end_on));
    a.end_reason = Set(Some(reason));
    let m = a.update(db).await?;
    audit::record(
        db,
        &AuditActor::from(actor),
        "service_relation.end",
        "service_relation",
        m.id,
        &["end_on", "end_reason"],
    )
    .await?;
    Ok(m)
}

/// Ends a relation with the last day served and the reason.
pub async fn end(state: &AppState, actor: &Actor, id: Uuid, req: EndServiceRelation) -> ApiResult<ServiceRelation> {
    actor.require(Permission::ManageServiceRelations)?;
    let reason = check_paragraph(&req.reason, 300).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    crate::fields::planned("end_on", req.end_on, actor.today, state.config.date_horizon_days)?;
    let txn = state.db.begin().await?;
    let r = find_in_scope(&txn, actor, id).await?;
    let m = close(&txn, actor, r, req.end_on, reason).await?;
    audit::commit(txn).await?;
    relation_view(m)
}

/// Transfers a beneficiary (转机构): ends this relation and starts one with the other institution
/// the next day, all or nothing.
pub async fn transfer(state: &AppState, actor: &Actor, id: Uuid, req: TransferRequest) -> ApiResult<ServiceRelation> {
    // Moving a beneficiary between institutions is the agency's decision.
    actor.require(Permission::ManageInstitutions)?;
    let reason = check_paragraph(&req.reason, 300).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    crate::fields::planned("end_on", req.end_on, actor.today, state.config.date_horizon_days)?;
    let txn = state.db.begin().await?;
    let r = find_in_scope(&txn, actor, id).await?;
    let care_mode = match req.care_mode {
        Some(m) => m,
        None => crate::entities::enum_from_db(&r.care_mode)?,
    };
    let person = r.insured_person_id;
    let start_on = req
        .end_on
        .checked_add_days(Days::new(1))
        .ok_or_else(|| ApiError::invalid_field("end_on", "out_of_range", m::date_out_of_range()))?;
    close(&txn, actor, r, req.end_on, reason).await?;
    let m = start(
        &txn,
        actor,
        &CreateServiceRelation {
            insured_person_id: person,
            institution_id: req.to_institution_id,
            care_mode,
            start_on,
        },
    )
    .await?;
    audit::commit(txn).await?;
    relation_view(m)
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: ServiceRelationFilter,
    page: PageRequest,
) -> ApiResult<Page<ServiceRelation>> {
    actor.require(Permission::ReadInstitutions)?;
    let mut q = rel::Entity::find().filter(scope::service_relations(actor));
    if let Some(p) = filter.insured_person_id {
        q = q.filter(rel::Column::InsuredPersonId.eq(p));
    }
    if let Some(i) = filter.institution_id {
        q = q.filter(rel::Column::InstitutionId.eq(i));
    }
    if let Some(mode) = filter.care_mode {
        q = q.filter(rel::Column::CareMode.eq(enum_to_db(&mode)));
    }
    if filter.open == Some(true) {
        q = q.filter(rel::Column::EndOn.is_null());
    }
    let q = q.order_by_desc(rel::Column::StartOn).order_by_asc(rel::Column::Id);
    let page = fetch_page(&state.db, q, page, |m| m).await?;
    let items = page.items.into_iter().map(relation_view).collect::<ApiResult<Vec<_>>>()?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}
