//! Data scope: which rows an actor may see, as query conditions. Every query of scoped data goes
//! through a function here, so the rules live in one place and default to "nothing".

use ltci_shared::api::users::Role;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement};

use super::Actor;
use crate::entities::{
    assessment_case, assessment_round_assessor, audit_event, bill, care_plan, caregiver, caregiver_assignment,
    certificate, finding, follow_up, inspection, institution, insured_person, partner_event, sanction,
    service_relation, stay, user, visit,
};

/// A condition that matches no row.
fn nothing() -> Condition {
    Condition::all().add(Expr::value(1).eq(0))
}

/// Users an actor may see: agency officers their region's; institution staff their own
/// institution's; nobody else anyone (but themselves, through `/me`).
pub fn users(actor: &Actor) -> Condition {
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => Condition::all().add(user::Column::RegionId.eq(actor.region_id)),
        (Role::Institution, Some(inst)) => {
            Condition::all().add(user::Column::RegionId.eq(actor.region_id)).add(user::Column::InstitutionId.eq(inst))
        }
        _ => nothing(),
    }
}

/// People an institution serves or served (any service relation).
fn persons_served_by(institution_id: uuid::Uuid) -> SelectStatement {
    Query::select()
        .column(service_relation::Column::InsuredPersonId)
        .from(service_relation::Entity)
        .and_where(service_relation::Column::InstitutionId.eq(institution_id))
        .to_owned()
}

/// The caregiver record(s) behind a caregiver's account.
fn own_caregiver_records(actor: &Actor) -> SelectStatement {
    Query::select()
        .column(caregiver::Column::Id)
        .from(caregiver::Entity)
        .and_where(caregiver::Column::UserId.eq(actor.user_id))
        .and_where(caregiver::Column::Status.eq("active"))
        .to_owned()
}

/// People a caregiver is currently assigned to (assignments not ended before the region's today).
fn persons_assigned_to(actor: &Actor) -> SelectStatement {
    let today = actor.today;
    Query::select()
        .column(caregiver_assignment::Column::InsuredPersonId)
        .from(caregiver_assignment::Entity)
        .and_where(caregiver_assignment::Column::CaregiverId.in_subquery(own_caregiver_records(actor)))
        .cond_where(
            Condition::any()
                .add(caregiver_assignment::Column::EndOn.is_null())
                .add(caregiver_assignment::Column::EndOn.gte(today)),
        )
        .to_owned()
}

/// Insured persons an actor may see. Agency officers, auditors and assessors see their region;
/// institution staff the people their institution serves or served; caregivers the people
/// currently assigned to them.
pub fn insured_persons(actor: &Actor) -> Condition {
    let region = Condition::all().add(insured_person::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor | Role::Assessor, _) => region,
        (Role::Institution, Some(inst)) => region.add(insured_person::Column::Id.in_subquery(persons_served_by(inst))),
        (Role::Caregiver, Some(_)) => region.add(insured_person::Column::Id.in_subquery(persons_assigned_to(actor))),
        _ => nothing(),
    }
}

/// Caregivers an actor may see: officers and auditors their region's; institution staff their
/// own institution's; a caregiver their own record.
pub fn caregivers(actor: &Actor) -> Condition {
    let region = Condition::all().add(caregiver::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(caregiver::Column::InstitutionId.eq(inst)),
        (Role::Caregiver, Some(_)) => region.add(caregiver::Column::UserId.eq(actor.user_id)),
        _ => nothing(),
    }
}

/// Caregiver assignments an actor may see, by the same rules as [`caregivers`].
pub fn caregiver_assignments(actor: &Actor) -> Condition {
    let region = Condition::all().add(caregiver_assignment::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(caregiver_assignment::Column::InstitutionId.eq(inst)),
        (Role::Caregiver, Some(_)) => {
            region.add(caregiver_assignment::Column::CaregiverId.in_subquery(own_caregiver_records(actor)))
        }
        _ => nothing(),
    }
}

/// Institutions an actor may see: officers and auditors their region's; institution staff
/// their own.
pub fn institutions(actor: &Actor) -> Condition {
    let region = Condition::all().add(institution::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(institution::Column::Id.eq(inst)),
        _ => nothing(),
    }
}

/// Service relations an actor may see: officers and auditors their region's; institution staff
/// their own institution's.
pub fn service_relations(actor: &Actor) -> Condition {
    let region = Condition::all().add(service_relation::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(service_relation::Column::InstitutionId.eq(inst)),
        _ => nothing(),
    }
}

/// Stays an actor may see: officers and auditors their region's; institution staff their own
/// institution's.
pub fn stays(actor: &Actor) -> Condition {
    let region = Condition::all().add(stay::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(stay::Column::InstitutionId.eq(inst)),
        _ => nothing(),
    }
}

/// Bills an actor may see: officers and auditors their region's; institution staff their own
/// institution's.
pub fn bills(actor: &Actor) -> Condition {
    let region = Condition::all().add(bill::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(bill::Column::InstitutionId.eq(inst)),
        _ => nothing(),
    }
}

/// Sanctions an actor may see: officers and auditors their region's; institution staff those
/// decided on their own caregivers. (The public list is `supervision::sanctions::public`.)
pub fn sanctions(actor: &Actor) -> Condition {
    let region = Condition::all().add(sanction::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(sanction::Column::InstitutionId.eq(inst)),
        _ => nothing(),
    }
}

/// Inspections an actor may see: officers and auditors their region's; institution staff their
/// own once the result is recorded (a random inspection is not announced beforehand).
pub fn inspections(actor: &Actor) -> Condition {
    let region = Condition::all().add(inspection::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => {
            region.add(inspection::Column::InstitutionId.eq(inst)).add(inspection::Column::Status.eq("done"))
        }
        _ => nothing(),
    }
}

/// Follow-ups an actor may see: officers and auditors their region's; institution staff those
/// about their own institution once recorded.
pub fn follow_ups(actor: &Actor) -> Condition {
    let region = Condition::all().add(follow_up::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => {
            region.add(follow_up::Column::InstitutionId.eq(inst)).add(follow_up::Column::Status.ne("pending"))
        }
        _ => nothing(),
    }
}

/// Findings an actor may see: officers and auditors their region's; institution staff those
/// about their own institution.
pub fn findings(actor: &Actor) -> Condition {
    let region = Condition::all().add(finding::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(finding::Column::InstitutionId.eq(inst)),
        _ => nothing(),
    }
}

/// Partner events an actor may see: officers and auditors their region's; nobody else any.
pub fn partner_events(actor: &Actor) -> Condition {
    match actor.role {
        Role::Admin | Role::Auditor => Condition::all().add(partner_event::Column::RegionId.eq(actor.region_id)),
        _ => nothing(),
    }
}

/// Audit events an actor may read: their region's.
pub fn audit_events(actor: &Actor) -> Condition {
    match actor.role {
        Role::Admin | Role::Auditor => Condition::all().add(audit_event::Column::RegionId.eq(actor.region_id)),
        _ => nothing(),
    }
}

/// Cases an assessor is (or was) assigned to, in any round.
fn cases_assigned_to(actor: &Actor) -> SelectStatement {
    Query::select()
        .column(assessment_round_assessor::Column::CaseId)
        .from(assessment_round_assessor::Entity)
        .and_where(assessment_round_assessor::Column::AssessorId.eq(actor.user_id))
        .to_owned()
}

/// Cases an institution applied for or that name it.
fn cases_of_institution(institution_id: uuid::Uuid) -> Condition {
    Condition::any()
        .add(assessment_case::Column::AppliedByInstitutionId.eq(institution_id))
        .add(assessment_case::Column::InstitutionId.eq(institution_id))
}

/// Assessment cases an actor may see: officers and auditors their region's; assessors the cases
/// they are assigned to; institution staff the cases they applied for or that name them.
pub fn assessment_cases(actor: &Actor) -> Condition {
    let region = Condition::all().add(assessment_case::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Assessor, _) => region.add(assessment_case::Column::Id.in_subquery(cases_assigned_to(actor))),
        (Role::Institution, Some(inst)) => region.add(cases_of_institution(inst)),
        _ => nothing(),
    }
}

/// Certificates an actor may see, following the same rules through the certificate's case; an
/// institution also sees the certificates of the people it serves.
pub fn certificates(actor: &Actor) -> Condition {
    let region = Condition::all().add(certificate::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Assessor, _) => region.add(certificate::Column::CaseId.in_subquery(cases_assigned_to(actor))),
        (Role::Institution, Some(inst)) => region.add(
            Condition::any()
                .add(
                    certificate::Column::CaseId.in_subquery(
                        Query::select()
                            .column(assessment_case::Column::Id)
                            .from(assessment_case::Entity)
                            .cond_where(cases_of_institution(inst))
                            .to_owned(),
                    ),
                )
                .add(certificate::Column::InsuredPersonId.in_subquery(persons_served_by(inst))),
        ),
        _ => nothing(),
    }
}

/// Care plans an actor may see: officers and auditors their region's; institution staff their
/// own institution's; a caregiver the plans of the people currently assigned to them.
pub fn care_plans(actor: &Actor) -> Condition {
    let region = Condition::all().add(care_plan::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(care_plan::Column::InstitutionId.eq(inst)),
        (Role::Caregiver, Some(inst)) => region
            .add(care_plan::Column::InstitutionId.eq(inst))
            .add(care_plan::Column::InsuredPersonId.in_subquery(persons_assigned_to(actor))),
        _ => nothing(),
    }
}

/// Visits an actor may see: officers and auditors their region's; institution staff their own
/// institution's; a caregiver their own.
pub fn visits(actor: &Actor) -> Condition {
    let region = Condition::all().add(visit::Column::RegionId.eq(actor.region_id));
    match (actor.role, actor.institution_id) {
        (Role::Admin | Role::Auditor, _) => region,
        (Role::Institution, Some(inst)) => region.add(visit::Column::InstitutionId.eq(inst)),
        (Role::Caregiver, Some(_)) => region.add(visit::Column::CaregiverId.in_subquery(own_caregiver_records(actor))),
        _ => nothing(),
    }
}
