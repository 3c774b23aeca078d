//! A region's assessment settings (评估参数): read with defaults, changed by agency officers.

use chrono::Utc;
use ltci_shared::api::assessment::AssessmentSettings;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionTrait};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::assessment_setting as setting;
use crate::http::error::{ApiResult, FieldErrors};
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

/// The region's settings, or the defaults when none were saved.
pub async fn for_region<C: ConnectionTrait>(db: &C, region_id: Uuid) -> ApiResult<AssessmentSettings> {
    Ok(setting::Entity::find_by_id(region_id).one(db).await?.as_ref().map(from_row).unwrap_or_default())
}

pub async fn get(state: &AppState, actor: &Actor) -> ApiResult<AssessmentSettings> {
    actor.require(Permission::ReadAssessmentCases)?;
    for_region(&state.db, actor.region_id).await
}

pub async fn put(state: &AppState, actor: &Actor, s: AssessmentSettings) -> ApiResult<AssessmentSettings> {
    actor.require(Permission::ManageAssessments)?;
    let mut errors = FieldErrors::new();
    let mut range = |field: &str, v: u32, lo: u32, hi: u32| {
        if !(lo..=hi).contains(&v) {
            errors.add(field, "out_of_range", format!("between {lo} and {hi}"));
        }
    };
    range("min_assessors", s.min_assessors, 2, 9);
    range("publicity_days", s.publicity_days, 0, 60);
    range("validity_months", s.validity_months, 1, 120);
    range("appeal_window_days", s.appeal_window_days, 0, 365);
    range("min_contribution_months", s.min_contribution_months, 0, 120);
    range("recertify_after_months", s.recertify_after_months, 0, 60);
    errors.finish()?;
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
    txn.commit().await?;
    Ok(s)
}
