//! A region's assessment settings (评估参数): read with defaults, changed by agency officers.

use chrono::{NaiveDate, Utc};
use ltci_shared::api::assessment::AssessmentSettings;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionTrait};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::assessment_setting as setting;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

fn from_row(m: &setting::Model) -> AssessmentSettings {
    let u = |v: i32| u32::try_from(v).unwrap_or(0);
    AssessmentSettings {
        min_assessors: u(m.min_assessors),
        publicity_days: u(m.publicity_days),
        validity_months: u(m.validity_months),
        appeal_window_days: u(m.appeal_window_days),
        min_contribution_months: u(m.min_contribution_months),
        recertify_after_months: u(m.recertify_after_months),
    }
}

/// The settings on a date: the benefit policy's in force then; without a policy, the region's
/// saved settings, or the defaults when none were saved.
pub async fn for_region<C: ConnectionTrait>(db: &C, region_id: Uuid, on: NaiveDate) -> ApiResult<AssessmentSettings> {
    if let Some(policy) = crate::policy::in_force_document(db, region_id, on).await? {
        return Ok(policy.assessment);
    }
    Ok(setting::Entity::find_by_id(region_id).one(db).await?.as_ref().map(from_row).unwrap_or_default())
}

pub async fn get(state: &AppState, actor: &Actor) -> ApiResult<AssessmentSettings> {
    actor.require(Permission::ReadAssessmentCases)?;
    for_region(&state.db, actor.region_id, actor.today).await
}

/// Saves the region's settings; refused (`409 governed_by_policy`) once a benefit policy is in
/// force, whose `[assessment]` table then decides them.
pub async fn put(state: &AppState, actor: &Actor, s: AssessmentSettings) -> ApiResult<AssessmentSettings> {
    actor.require(Permission::ManageAssessments)?;
    let problems = s.problems();
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    crate::policy::service::refuse_if_governed(&state.db, actor, "min_assessors").await?;
    let i = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let txn = state.db.begin().await?;
    let row = setting::ActiveModel {
        region_id: Set(actor.region_id),
        min_assessors: Set(i(s.min_assessors)),
        publicity_days: Set(i(s.publicity_days)),
        validity_months: Set(i(s.validity_months)),
        appeal_window_days: Set(i(s.appeal_window_days)),
        min_contribution_months: Set(i(s.min_contribution_months)),
        recertify_after_months: Set(i(s.recertify_after_months)),
        updated_at: Set(Utc::now()),
    };
    if setting::Entity::find_by_id(actor.region_id).one(&txn).await?.is_some() {
        row.update(&txn).await?;
    } else {
        row.insert(&txn).await?;
    }
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "assessment_settings.update",
        "region",
        actor.region_id,
        &[
            "min_assessors",
            "publicity_days",
            "validity_months",
            "appeal_window_days",
            "min_contribution_months",
            "recertify_after_months",
        ],
    )
    .await?;
    audit::commit(txn).await?;
    Ok(s)
}
