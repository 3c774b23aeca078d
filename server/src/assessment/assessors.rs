//! Assessors (评估员): their qualification, expert-panel membership and employer, which decide
//! who may be assigned to a case.

use chrono::Utc;
use ltci_shared::api::assessment::{AssessorProfile, AssessorProfileRequest, Qualification};
use ltci_shared::api::users::Role;
use ltci_shared::messages as m;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::{assessor_profile as profile, enum_from_db, enum_to_db, user};
use crate::http::error::{ApiError, ApiResult};
use crate::institutions::designation;
use crate::state::AppState;

fn view(u: user::Model, p: profile::Model) -> ApiResult<AssessorProfile> {
    Ok(AssessorProfile {
        user_id: u.id,
        username: u.username,
        display_name: u.display_name,
        qualification: enum_from_db(&p.qualification)?,
        expert: p.is_expert,
        employer_institution_id: p.employer_institution_id,
    })
}

/// Whether a qualification counts as medical for the "at least one medically qualified" rule.
pub fn is_medical(q: Qualification) -> bool {
    matches!(q, Qualification::Physician | Qualification::Nurse)
}

/// Active assessors of the region that have a profile, by username.
pub async fn list(state: &AppState, actor: &Actor) -> ApiResult<Vec<AssessorProfile>> {
    actor.require(Permission::ReadAssessmentCases)?;
    if !matches!(actor.role, Role::Admin | Role::Auditor) {
        return Err(ApiError::forbidden());
    }
    let users = user::Entity::find()
        .filter(user::Column::RegionId.eq(actor.region_id))
        .filter(user::Column::Role.eq(Role::Assessor.as_str()))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Username)
        .all(&state.db)
        .await?;
    let profiles = profile::Entity::find()
        .filter(profile::Column::UserId.is_in(users.iter().map(|u| u.id)))
        .all(&state.db)
        .await?;
    let mut out = Vec::new();
    for u in users {
        if let Some(p) = profiles.iter().find(|p| p.user_id == u.id) {
            out.push(view(u, p.clone())?);
        }
    }
    Ok(out)
}

/// Sets an assessor's profile (agency officers).
pub async fn put(
    state: &AppState,
    actor: &Actor,
    user_id: Uuid,
    req: AssessorProfileRequest,
) -> ApiResult<AssessorProfile> {
    actor.require(Permission::ManageAssessments)?;
    let u = user::Entity::find_by_id(user_id)
        .filter(user::Column::RegionId.eq(actor.region_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_user()))?;
    if u.role != Role::Assessor.as_str() {
        return Err(ApiError::invalid_field("user_id", "not_an_assessor", m::only_assessors_have_profiles()));
    }
    if let Some(inst) = req.employer_institution_id {
        designation::require_in_region(&state.db, actor.region_id, inst, "employer_institution_id").await?;
    }
    let row = profile::ActiveModel {
        user_id: Set(u.id),
        region_id: Set(actor.region_id),
        qualification: Set(enum_to_db(&req.qualification)),
        is_expert: Set(req.expert),
        employer_institution_id: Set(req.employer_institution_id),
        updated_at: Set(Utc::now()),
    };
    let txn = state.db.begin().await?;
    let saved = if profile::Entity::find_by_id(u.id).one(&txn).await?.is_some() {
        row.update(&txn).await?
    } else {
        row.insert(&txn).await?
    };
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "assessor_profile.update",
        "user",
        u.id,
        &["qualification", "expert", "employer_institution_id"],
    )
    .await?;
    audit::commit(txn).await?;
    view(u, saved)
}
