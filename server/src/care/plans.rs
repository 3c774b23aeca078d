//! Care plans (护理计划): a certified beneficiary served by an institution in one care mode over a
//! period, and for home visits the catalogue items with their weekly frequency — checked against
//! the benefit policy in force on the start date.

use ltci_shared::messages as m;
use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{CarePlan, CarePlanFilter, CreateCarePlan, EndCarePlan, PlanItem, PlanStatus};
use ltci_shared::api::users::Role;
use ltci_shared::policy::PolicyDocument;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::before::{self, Subject};
use super::partners;
use crate::assessment::certificates;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{care_plan as plan, enum_from_db, enum_to_db, insured_person, service_relation};
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::institutions::{designation, relations};
use crate::policy::service as policy;
use crate::state::AppState;
use crate::supervision::signals;

/// The longest plan: a year (366 days with a leap day).
const MAX_DAYS: i64 = 366;

/// The planned items stored with a plan.
pub(crate) fn items_of(m: &plan::Model) -> ApiResult<Vec<PlanItem>> {
    let raw: Vec<(String, u32)> = serde_json::from_str(&m.items)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("care plan {} items: {e}", m.id)))?;
    Ok(raw.into_iter().map(|(code, per_week)| PlanItem { code, per_week }).collect())
}

pub(crate) fn items_json(items: &[PlanItem]) -> ApiResult<String> {
    let raw: Vec<(&str, u32)> = items.iter().map(|i| (i.code.as_str(), i.per_week)).collect();
    serde_json::to_string(&raw).map_err(ApiError::internal)
}

pub(crate) fn view(m: plan::Model) -> ApiResult<CarePlan> {
    Ok(CarePlan {
        items: items_of(&m)?,
        care_mode: enum_from_db(&m.care_mode)?,
        status: enum_from_db(&m.status)?,
        level: u8::try_from(m.level).unwrap_or(0),
        id: m.id,
        institution_id: m.institution_id,
        insured_person_id: m.insured_person_id,
        start_on: m.start_on,
        end_on: m.end_on,
        policy_version_id: m.policy_version_id,
        end_reason: m.end_reason,
        created_at: m.created_at,
        warnings: Vec::new(),
    })
}

/// Plans running on `on` (started, not ended before it).
pub(crate) fn running_on(on: NaiveDate) -> Condition {
    Condition::all().add(plan::Column::StartOn.lte(on)).add(plan::Column::EndOn.gte(on))
}

/// The items of a plan checked against the policy's catalogue, problems keyed `items[i].…`.
fn check_items(errors: &mut FieldErrors, mode: CareMode, items: &[PlanItem], doc: &PolicyDocument) {
    if mode != CareMode::HomeVisit {
        if !items.is_empty() {
            errors.add("items", "not_allowed", m::only_home_visit_plans_list_items());
        }
        return;
    }
    if items.is_empty() {
        errors.add("items", "required", m::plan_items_required());
    }
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let Some(entry) = doc.item(&item.code) else {
            errors.add(format!("items[{i}].code"), "unknown_item", m::item_not_in_catalogue(&item.code));
            continue;
        };
        if !seen.insert(item.code.as_str()) {
            errors.add(format!("items[{i}].code"), "duplicate", m::item_listed_twice());
        }
        if item.per_week == 0 {
            errors.add(format!("items[{i}].per_week"), "out_of_range", m::at_least_once_a_week());
        } else if item.per_week > entry.max_per_week {
            errors.add(
                format!("items[{i}].per_week"),
                "over_maximum",
                m::policy_allows_per_week(&entry.name, entry.max_per_week),
            );
        }
    }
}

/// The serving institution: the staff member's own, or (for officers) the one named.
pub(crate) fn serving_institution(actor: &Actor, requested: Option<Uuid>) -> ApiResult<Uuid> {
    match actor.role {
        Role::Institution => {
            if requested.is_some_and(|i| Some(i) != actor.institution_id) {
                return Err(ApiError::forbidden());
            }
            actor.institution_id.ok_or_else(ApiError::forbidden)
        }
        _ => requested
            .ok_or_else(|| ApiError::invalid_field("institution_id", "required", m::serving_institution_required())),
    }
}

/// Creates a plan after checking it against the person's certificate, the service relation and
/// the policy in force on the start date.
pub async fn create(state: &AppState, actor: &Actor, req: CreateCarePlan) -> ApiResult<CarePlan> {
    actor.require(Permission::ManageCarePlans)?;
    let institution_id = serving_institution(actor, req.institution_id)?;
    let mut errors = FieldErrors::new();
    crate::fields::within_horizon(&mut errors, "start_on", req.start_on, actor.today, state.config.date_horizon_days);
    if req.end_on < req.start_on {
        errors.add("end_on", "before_start", m::plan_ends_before_start());
    } else if (req.end_on - req.start_on).num_days() >= MAX_DAYS {
        errors.add("end_on", "too_long", m::plan_at_most_a_year());
    }
    errors.finish()?;
    let txn = state.db.begin().await?;
    designation::require_in_region(&txn, actor.region_id, institution_id, "institution_id").await?;
    let person = insured_person::Entity::find_by_id(req.insured_person_id)
        .filter(insured_person::Column::RegionId.eq(actor.region_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::invalid_field("insured_person_id", "unknown_person", m::unknown_person()))?;
    if person.died_on.is_some_and(|d| d < req.start_on) {
        return Err(ApiError::invalid_field("insured_person_id", "deceased", m::died_before_start()));
    }
    let certificate = certificates::in_force_for_person(&txn, person.id, req.start_on)
        .await?
        .ok_or_else(|| ApiError::invalid_field("insured_person_id", "not_certified", m::not_certified_on_start()))?;
    let served = service_relation::Entity::find()
        .filter(service_relation::Column::InstitutionId.eq(institution_id))
        .filter(service_relation::Column::InsuredPersonId.eq(person.id))
        .filter(service_relation::Column::CareMode.eq(enum_to_db(&req.care_mode)))
        .filter(relations::open_on(req.start_on))
        .one(&txn)
        .await?;
    if served.is_none() {
        return Err(ApiError::invalid_field("care_mode", "not_served", m::no_relation_in_mode()));
    }
    let version = policy::in_force(&txn, actor.region_id, req.start_on)
        .await?
        .ok_or_else(|| ApiError::invalid_field("start_on", "no_policy", m::no_policy_on_start()))?;
    let doc = policy::document_of(&version)?;
    let level = u8::try_from(certificate.level).unwrap_or(0);
    let mut errors = FieldErrors::new();
    if !doc.eligible(req.care_mode, level) {
        errors.add("care_mode", "level_not_eligible", m::level_not_eligible(level, req.care_mode.text()));
    }
    check_items(&mut errors, req.care_mode, &req.items, &doc);
    errors.finish()?;
    let overlapping = plan::Entity::find()
        .filter(plan::Column::InsuredPersonId.eq(person.id))
        .filter(plan::Column::CareMode.eq(enum_to_db(&req.care_mode)))
        .filter(plan::Column::StartOn.lte(req.end_on))
        .filter(plan::Column::EndOn.gte(req.start_on))
        .one(&txn)
        .await?;
    if let Some(o) = overlapping {
        return Err(ApiError::conflict("start_on", m::plan_overlaps(req.care_mode.text(), o.start_on, o.end_on)));
    }
    let now = Utc::now();
    let m = plan::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        institution_id: Set(institution_id),
        insured_person_id: Set(person.id),
        care_mode: Set(enum_to_db(&req.care_mode)),
        start_on: Set(req.start_on),
        end_on: Set(req.end_on),
        level: Set(certificate.level),
        items: Set(items_json(&req.items)?),
        policy_version_id: Set(version.id),
        status: Set(enum_to_db(&PlanStatus::Active)),
        end_reason: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let who = AuditActor::from(actor);
    audit::record(
        &txn,
        &who,
        "care_plan.create",
        "care_plan",
        m.id,
        &["insured_person_id", "care_mode", "start_on", "end_on", "items"],
    )
    .await?;
    let subject = Subject {
        institution_id,
        person_id: person.id,
        caregiver_id: None,
        plan: Some((m.id, m.start_on)),
        key: format!("plan:{}", m.id),
    };
    let spells = partners::hospital_spells(&txn, person.id).await?;
    let mut raised: Vec<(&str, _)> = Vec::new();
    raised.extend(before::hospital_warning(&subject, &spells, m.start_on, m.end_on).map(|f| ("start_on", f)));
    raised.extend(before::death_warning(&subject, person.died_on, m.end_on).map(|f| ("end_on", f)));
    raised.extend(before::certificate_warning(&subject, certificate.expires_on, m.end_on).map(|f| ("end_on", f)));
    raised.extend(before::suspension_warning(&txn, &subject, m.start_on).await?.map(|f| ("institution_id", f)));
    let warnings = signals::warn(&txn, &who, actor.region_id, Some((version.id, &doc)), raised).await?;
    audit::commit(txn).await?;
    Ok(CarePlan { warnings, ..view(m)? })
}

/// Ends a plan early; scheduled visits after the new end that have not started are left to the
/// institution (they will not be verified: no plan runs on their day).
pub async fn end(state: &AppState, actor: &Actor, id: Uuid, req: EndCarePlan) -> ApiResult<CarePlan> {
    actor.require(Permission::ManageCarePlans)?;
    let reason =
        crate::fields::check_paragraph(&req.reason, 300).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    let txn = state.db.begin().await?;
    let m = find_in_scope(&txn, actor, id).await?;
    if req.end_on < m.start_on {
        return Err(ApiError::invalid_field("end_on", "before_start", m::plan_ends_before_start()));
    }
    if req.end_on >= m.end_on {
        return Err(ApiError::conflict("end_on", m::plan_already_ends(m.end_on)));
    }
    let mut a: plan::ActiveModel = m.into();
    a.end_on = Set(req.end_on);
    a.status = Set(enum_to_db(&PlanStatus::Ended));
    a.end_reason = Set(Some(reason));
    a.updated_at = Set(Utc::now());
    let m = a.update(&txn).await?;
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "care_plan.end",
        "care_plan",
        m.id,
        &["end_on", "status", "end_reason"],
    )
    .await?;
    audit::commit(txn).await?;
    view(m)
}

pub(crate) async fn find_in_scope<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<plan::Model> {
    plan::Entity::find_by_id(id)
        .filter(scope::care_plans(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_care_plan()))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<CarePlan> {
    actor.require(Permission::ReadCare)?;
    view(find_in_scope(&state.db, actor, id).await?)
}

/// The plans in scope of the people `ids` running on `on` (lists of beneficiaries show each
/// one's plans in one query).
pub async fn running_for_persons(
    state: &AppState,
    actor: &Actor,
    ids: &[Uuid],
    on: NaiveDate,
) -> ApiResult<Vec<CarePlan>> {
    actor.require(Permission::ReadCare)?;
    plan::Entity::find()
        .filter(scope::care_plans(actor))
        .filter(plan::Column::InsuredPersonId.is_in(ids.iter().copied()))
        .filter(running_on(on))
        .order_by_asc(plan::Column::StartOn)
        .all(&state.db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// Plans in scope, latest start first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: CarePlanFilter,
    page: PageRequest,
) -> ApiResult<Page<CarePlan>> {
    actor.require(Permission::ReadCare)?;
    let mut q = plan::Entity::find().filter(scope::care_plans(actor));
    if let Some(p) = filter.insured_person_id {
        q = q.filter(plan::Column::InsuredPersonId.eq(p));
    }
    if let Some(i) = filter.institution_id {
        q = q.filter(plan::Column::InstitutionId.eq(i));
    }
    if let Some(on) = filter.active_on {
        q = q.filter(running_on(on));
    }
    let q = q.order_by_desc(plan::Column::StartOn).order_by_asc(plan::Column::Id);
    try_fetch_page(&state.db, q, page, view).await
}
