//! Separation of duties (不相容岗位分离) in settlement: declaration, first review (the audit:
//! sample and deductions), second review (approval) and payment are taken by different people.
//! Which pairs are kept apart is policy data (`[duties]` of the benefit policy in force), every
//! pair kept apart when the policy says nothing.

use ltci_shared::error::codes;
use ltci_shared::messages as m;
use ltci_shared::policy::Duties;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::auth::Actor;
use crate::entities::{audit_event, bill};
use crate::http::error::{ApiError, ApiResult};
use crate::policy::service as policy;

/// The rules of the policy in force today in the actor's region (all on without one).
async fn duties<C: ConnectionTrait>(db: &C, actor: &Actor) -> ApiResult<Duties> {
    Ok(policy::in_force_document(db, actor.region_id, actor.today).await?.map(|d| d.duties).unwrap_or_default())
}

/// Whether the actor audited the bill since it was last submitted (drew its sample or set a
/// deduction): the audit trail says, and it is never changed.
async fn audited_by<C: ConnectionTrait>(db: &C, actor: &Actor, b: &bill::Model) -> ApiResult<bool> {
    let mut q = audit_event::Entity::find()
        .filter(audit_event::Column::EntityType.eq("bill"))
        .filter(audit_event::Column::EntityId.eq(b.id.to_string()))
        .filter(audit_event::Column::Action.is_in(["bill.sample", "bill.deduct"]))
        .filter(audit_event::Column::ActorUserId.eq(actor.user_id));
    if let Some(at) = b.submitted_at {
        q = q.filter(audit_event::Column::At.gte(at));
    }
    Ok(q.count(db).await? > 0)
}

/// The actor may audit the bill: not the officer who submitted (declared) it for the institution.
/// Computing a draft is not declaring it: an officer's month-end run computes every draft.
pub async fn may_audit<C: ConnectionTrait>(db: &C, actor: &Actor, b: &bill::Model) -> ApiResult<()> {
    if b.submitted_by == Some(actor.user_id) && duties(db, actor).await?.submitter_not_auditor {
        return Err(ApiError::refused(codes::SAME_OFFICER_SUBMIT_AUDIT, m::same_officer_submit_audit()));
    }
    Ok(())
}

/// The actor may approve the bill: not an officer who audited it.
pub async fn may_approve<C: ConnectionTrait>(db: &C, actor: &Actor, b: &bill::Model) -> ApiResult<()> {
    if duties(db, actor).await?.auditor_not_approver && audited_by(db, actor, b).await? {
        return Err(ApiError::refused(codes::SAME_OFFICER_AUDIT_APPROVE, m::same_officer_audit_approve()));
    }
    Ok(())
}

/// The actor may pay the bill: not the officer who approved it.
pub async fn may_pay<C: ConnectionTrait>(db: &C, actor: &Actor, b: &bill::Model) -> ApiResult<()> {
    if b.approved_by == Some(actor.user_id) && duties(db, actor).await?.approver_not_payer {
        return Err(ApiError::refused(codes::SAME_OFFICER_APPROVE_PAY, m::same_officer_approve_pay()));
    }
    Ok(())
}
