//! Data scope: which rows an actor may see, as query conditions. Every query of scoped data goes
//! through a function here, so the rules live in one place and default to "nothing".

use ltci_shared::api::users::Role;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};

use super::Actor;
use crate::entities::{audit_event, insured_person, user};

/// A condition that matches no row.
fn nothing() -> Condition {
    Condition::all().add(Expr::value(1).eq(0))
}

/// Users an actor may see: agency officers their region's; institution staff their own
/// institution's; nobody else anyone (but themselves, through `/me`).
pub fn users(actor: &Actor) -> Condition {
    match (actor.role, actor.institution_id) {
        (Role::Admin, _) => Condition::all().add(user::Column::RegionId.eq(actor.region_id)),
        (Role::Institution, Some(inst)) => {
            Condition::all().add(user::Column::RegionId.eq(actor.region_id)).add(user::Column::InstitutionId.eq(inst))
        }
        _ => nothing(),
    }
}

/// Insured persons an actor may see. Agency officers, auditors and assessors see their region.
/// Institution staff and caregivers see only the people their institution serves (their
/// assignments); service relations arrive with the institutions capability, so until then this
/// is nobody.
pub fn insured_persons(actor: &Actor) -> Condition {
    match actor.role {
        Role::Admin | Role::Auditor | Role::Assessor => {
            Condition::all().add(insured_person::Column::RegionId.eq(actor.region_id))
        }
        Role::Institution | Role::Caregiver => nothing(),
    }
}

/// Audit events an actor may read: their region's.
pub fn audit_events(actor: &Actor) -> Condition {
    match actor.role {
        Role::Admin | Role::Auditor => Condition::all().add(audit_event::Column::RegionId.eq(actor.region_id)),
        _ => nothing(),
    }
}
