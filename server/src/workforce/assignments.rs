//! Caregiver assignments (护理员分配): a caregiver of an institution cares for one of the
//! institution's beneficiaries from a date. They end when the caregiver leaves or the service
//! relation ends.

use chrono::{NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::InstitutionStatus;
use ltci_shared::api::supervision::Warning;
use ltci_shared::api::workforce::{
    Assignment, AssignmentFilter, CaregiverQualification, CaregiverStatus, CreateAssignment, EndAssignment,
};
use ltci_shared::messages as m;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::caregivers;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::care::before::{self, Subject};
use crate::care::{partners, plans};
use crate::entities::{
    care_plan, caregiver_assignment as asg, enum_from_db, enum_to_db, institution, insured_person, service_relation,
};
use crate::http::error::{ApiError, ApiResult};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::institutions::relations;
use crate::policy::service as policy;
use crate::state::AppState;
use crate::supervision::{sanctions, signals};

fn view(m: asg::Model) -> Assignment {
    Assignment {
        id: m.id,
        caregiver_id: m.caregiver_id,
        insured_person_id: m.insured_person_id,
        institution_id: m.institution_id,
        start_on: m.start_on,
        end_on: m.end_on,
        end_reason: m.end_reason,
        warnings: Vec::new(),
    }
}

/// Assignments not ended before `on`.
fn not_ended_before(on: NaiveDate) -> Condition {
    Condition::any().add(asg::Column::EndOn.is_null()).add(asg::Column::EndOn.gte(on))
}

/// Starts an assignment. The caregiver must be active and not barred on the start date (处理);
/// their institution must serve the person
/// on the start date and not be terminated; a family caregiver only serves under family care.
pub async fn create(state: &AppState, actor: &Actor, req: CreateAssignment) -> ApiResult<Assignment> {
    actor.require(Permission::ManageCaregiverAssignments)?;
    crate::fields::planned("start_on", req.start_on, actor.today, state.config.date_horizon_days)?;
    let txn = state.db.begin().await?;
    let cg = caregivers::find_in_scope(&txn, actor, req.caregiver_id)
        .await
        .map_err(|_| ApiError::invalid_field("caregiver_id", "unknown_caregiver", m::unknown_caregiver()))?;
    if cg.status != enum_to_db(&CaregiverStatus::Active) {
        return Err(ApiError::invalid_field("caregiver_id", "caregiver_left", m::caregiver_left()));
    }
    if let Some(ban) = sanctions::barring(&txn, cg.region_id, &cg.id_number_hash, req.start_on).await? {
        return Err(ApiError::invalid_field(
            "caregiver_id",
            "caregiver_barred",
            m::caregiver_barred(sanctions::last_day(&ban)),
        ));
    }
    let inst = institution::Entity::find_by_id(cg.institution_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("institution of caregiver {} missing", cg.id)))?;
    let status: InstitutionStatus = enum_from_db(&inst.status)?;
    if !matches!(status, InstitutionStatus::Active | InstitutionStatus::Suspended) {
        return Err(ApiError::invalid_field(
            "caregiver_id",
            "institution_not_active",
            m::caregiver_institution_status(status.text()),
        ));
    }
    let relations = service_relation::Entity::find()
        .filter(service_relation::Column::InstitutionId.eq(cg.institution_id))
        .filter(service_relation::Column::InsuredPersonId.eq(req.insured_person_id))
        .filter(relations::open_on(req.start_on))
        .all(&txn)
        .await?;
    if relations.is_empty() {
        return Err(ApiError::invalid_field(
            "insured_person_id",
            "not_served",
            m::caregiver_institution_does_not_serve(),
        ));
    }
    let qualification: CaregiverQualification = enum_from_db(&cg.qualification)?;
    if qualification == CaregiverQualification::FamilyCaregiver {
        let family_care = enum_to_db(&CareMode::FamilyCare);
        if !relations.iter().any(|r| r.care_mode == family_care) {
            return Err(ApiError::invalid_field(
                "caregiver_id",
                "qualification_mismatch",
                m::family_caregiver_only_family_care(),
            ));
        }
    }
    let overlapping = asg::Entity::find()
        .filter(asg::Column::CaregiverId.eq(cg.id))
        .filter(asg::Column::InsuredPersonId.eq(req.insured_person_id))
        .filter(not_ended_before(req.start_on))
        .one(&txn)
        .await?;
    if overlapping.is_some() {
        return Err(ApiError::conflict("insured_person_id", m::already_assigned()));
    }
    let m = asg::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(cg.region_id),
        institution_id: Set(cg.institution_id),
        caregiver_id: Set(cg.id),
        insured_person_id: Set(req.insured_person_id),
        start_on: Set(req.start_on),
        end_on: Set(None),
        end_reason: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    let who = AuditActor::from(actor);
    audit::record(
        &txn,
        &who,
        "caregiver_assignment.start",
        "caregiver_assignment",
        m.id,
        &["caregiver_id", "insured_person_id", "start_on"],
    )
    .await?;
    let warnings = warnings(&txn, &who, &m, qualification).await?;
    audit::commit(txn).await?;
    Ok(Assignment { warnings, ..view(m) })
}

/// The checks made before care on a new assignment (事前提醒): the beneficiary in hospital or
/// deceased on its first day, the institution suspended, the caregiver not qualified for the
/// items of the person's home-visit plan with the institution.
async fn warnings(
    txn: &DatabaseTransaction,
    who: &AuditActor,
    a: &asg::Model,
    have: CaregiverQualification,
) -> ApiResult<Vec<Warning>> {
    let subject = Subject {
        institution_id: a.institution_id,
        person_id: a.insured_person_id,
        caregiver_id: Some(a.caregiver_id),
        plan: None,
        key: format!("assignment:{}", a.id),
    };
    let died_on = insured_person::Entity::find_by_id(a.insured_person_id).one(txn).await?.and_then(|p| p.died_on);
    let spells = partners::hospital_spells(txn, a.insured_person_id).await?;
    let mut raised: Vec<(&str, _)> = Vec::new();
    raised.extend(before::hospital_warning(&subject, &spells, a.start_on, a.start_on).map(|f| ("start_on", f)));
    raised.extend(before::death_warning(&subject, died_on, a.start_on).map(|f| ("insured_person_id", f)));
    raised.extend(before::suspension_warning(txn, &subject, a.start_on).await?.map(|f| ("caregiver_id", f)));
    let version = policy::in_force(txn, a.region_id, a.start_on).await?;
    let doc = version.as_ref().map(policy::document_of).transpose()?;
    let plan = care_plan::Entity::find()
        .filter(care_plan::Column::InsuredPersonId.eq(a.insured_person_id))
        .filter(care_plan::Column::InstitutionId.eq(a.institution_id))
        .filter(care_plan::Column::CareMode.eq(enum_to_db(&CareMode::HomeVisit)))
        .filter(plans::running_on(a.start_on))
        .one(txn)
        .await?;
    if let (Some(doc), Some(plan)) = (&doc, plan) {
        let subject = Subject { plan: Some((plan.id, plan.start_on)), ..subject.clone() };
        let items = plans::items_of(&plan)?;
        raised.extend(
            before::qualification_warning(&subject, have, &items, doc, a.start_on).map(|f| ("caregiver_id", f)),
        );
    }
    let policy = version.as_ref().map(|v| v.id).zip(doc.as_ref());
    signals::warn(txn, who, a.region_id, policy, raised).await
}

/// Ends one assignment on its last day.
pub async fn end(state: &AppState, actor: &Actor, id: Uuid, req: EndAssignment) -> ApiResult<Assignment> {
    actor.require(Permission::ManageCaregiverAssignments)?;
    let reason =
        crate::fields::check_paragraph(&req.reason, 300).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    crate::fields::planned("end_on", req.end_on, actor.today, state.config.date_horizon_days)?;
    let txn = state.db.begin().await?;
    let m = asg::Entity::find_by_id(id)
        .filter(scope::caregiver_assignments(actor))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_caregiver_assignment()))?;
    if m.end_on.is_some_and(|e| e <= req.end_on) {
        return Err(ApiError::conflict("end_on", m::assignment_already_ended()));
    }
    if req.end_on < m.start_on {
        return Err(ApiError::invalid_field("end_on", "before_start", m::assignment_ends_before_start()));
    }
    let mut a: asg::ActiveModel = m.into();
    a.end_on = Set(Some(req.end_on));
    a.end_reason = Set(Some(reason));
    let m = a.update(&txn).await?;
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "caregiver_assignment.end",
        "caregiver_assignment",
        m.id,
        &["end_on", "end_reason"],
    )
    .await?;
    audit::commit(txn).await?;
    Ok(view(m))
}

/// Ends, on `end_on`, every assignment matching `which` that runs past it. An assignment that
/// starts after `end_on` makes this a 409 on `field`: it has to be ended on its own first.
async fn end_matching<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    which: Condition,
    end_on: NaiveDate,
    reason: &str,
    field: &str,
) -> ApiResult<()> {
    let open = asg::Entity::find()
        .filter(which)
        .filter(Condition::any().add(asg::Column::EndOn.is_null()).add(asg::Column::EndOn.gt(end_on)))
        .all(db)
        .await?;
    if open.iter().any(|a| a.start_on > end_on) {
        return Err(ApiError::conflict(field, m::assignments_start_later()));
    }
    for a in open {
        end_one(db, actor, a, end_on, reason).await?;
    }
    Ok(())
}

/// Ends assignment `a` on `end_on`, audited.
async fn end_one<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    a: asg::Model,
    end_on: NaiveDate,
    reason: &str,
) -> ApiResult<()> {
    let mut am: asg::ActiveModel = a.into();
    am.end_on = Set(Some(end_on));
    am.end_reason = Set(Some(reason.to_string()));
    let m = am.update(db).await?;
    audit::record(
        db,
        &AuditActor::from(actor),
        "caregiver_assignment.end",
        "caregiver_assignment",
        m.id,
        &["end_on", "end_reason"],
    )
    .await
}

/// Ends the assignments of a caregiver who leaves (field `left_on`).
pub(crate) async fn end_all_of_caregiver<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    caregiver_id: Uuid,
    left_on: NaiveDate,
    reason: &str,
) -> ApiResult<()> {
    let which = Condition::all().add(asg::Column::CaregiverId.eq(caregiver_id));
    end_matching(db, actor, which, left_on, reason, "left_on").await
}

/// Ends the assignments of a caregiver barred from `first_day` (处理): on the day before it, or,
/// for one that starts on that day or later, on its own first day — the shortest an assignment
/// can be, and the ban sees to it that nothing on it is paid.
pub(crate) async fn end_all_for_ban<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    caregiver_id: Uuid,
    first_day: NaiveDate,
    reason: &str,
) -> ApiResult<()> {
    let day_before = first_day.pred_opt().unwrap_or(first_day);
    let open = asg::Entity::find()
        .filter(asg::Column::CaregiverId.eq(caregiver_id))
        .filter(Condition::any().add(asg::Column::EndOn.is_null()).add(asg::Column::EndOn.gt(day_before)))
        .all(db)
        .await?;
    for a in open {
        let last = day_before.max(a.start_on);
        if a.end_on.is_none_or(|end| end > last) {
            end_one(db, actor, a, last, reason).await?;
        }
    }
    Ok(())
}

/// Ends the assignments tied to a service relation that ends (field `end_on`), unless the
/// institution goes on serving the person under another relation.
pub(crate) async fn end_with_relation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    relation: &service_relation::Model,
    end_on: NaiveDate,
    reason: &str,
) -> ApiResult<()> {
    let still_served = service_relation::Entity::find()
        .filter(service_relation::Column::Id.ne(relation.id))
        .filter(service_relation::Column::InstitutionId.eq(relation.institution_id))
        .filter(service_relation::Column::InsuredPersonId.eq(relation.insured_person_id))
        .filter(
            Condition::any()
                .add(service_relation::Column::EndOn.is_null())
                .add(service_relation::Column::EndOn.gt(end_on)),
        )
        .one(db)
        .await?;
    if still_served.is_some() {
        return Ok(());
    }
    let which = Condition::all()
        .add(asg::Column::InstitutionId.eq(relation.institution_id))
        .add(asg::Column::InsuredPersonId.eq(relation.insured_person_id));
    end_matching(db, actor, which, end_on, reason, "end_on").await
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: AssignmentFilter,
    page: PageRequest,
) -> ApiResult<Page<Assignment>> {
    actor.require(Permission::ReadCaregivers)?;
    let mut q = asg::Entity::find().filter(scope::caregiver_assignments(actor));
    if let Some(c) = filter.caregiver_id {
        q = q.filter(asg::Column::CaregiverId.eq(c));
    }
    if let Some(p) = filter.insured_person_id {
        q = q.filter(asg::Column::InsuredPersonId.eq(p));
    }
    if filter.open == Some(true) {
        q = q.filter(not_ended_before(actor.today));
    }
    let q = q.order_by_desc(asg::Column::StartOn).order_by_asc(asg::Column::Id);
    fetch_page(&state.db, q, page, view).await
}
