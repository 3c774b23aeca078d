//! What changes in a generated city's year: a new version of the benefit policy from a month in
//! the middle of the period (daily amounts and monthly caps raised), and beneficiaries
//! reassessed (复评) at another level on a day of the period — what the late corrections and the
//! policy what-if are measured on.

use std::collections::HashSet;

use chrono::{Days, Months, NaiveDate};
use ltci_shared::api::assessment::CareMode;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::register::Register;
use super::services::{Ids, Life, Period};
use crate::assessment::certificates::{Existing, record_existing};
use crate::auth::Actor;
use crate::entities::{certificate, region};
use crate::state::AppState;

/// How much a daily amount and a monthly cap rise in the new version.
const DAILY_RISE: Decimal = Decimal::from_parts(500, 0, 0, false, 2);
const MONTHLY_RISE: Decimal = Decimal::from_parts(10000, 0, 0, false, 2);

/// The first day of the period's middle month, when the period spans two months or more.
pub fn policy_change_on(period: Period) -> Option<NaiveDate> {
    let months = period.months();
    (months.len() >= 2).then(|| months[months.len() / 2].0).filter(|d| *d > period.first)
}

/// Imports the new version (once: the same document again is not a new version): the version in
/// force on the period's first day with every daily amount raised by 5.00 and every monthly cap
/// by 100.00, effective from [`policy_change_on`]. Answers whether it was imported now.
pub async fn policy_change(state: &AppState, actor: &Actor, period: Period) -> anyhow::Result<bool> {
    let Some(on) = policy_change_on(period) else { return Ok(false) };
    let fail = |e: crate::http::error::ApiError| anyhow::anyhow!("policy change: {}", e.message().zh());
    let Some(before) =
        crate::policy::service::in_force(&state.db, actor.region_id, period.first).await.map_err(fail)?
    else {
        return Ok(false);
    };
    let mut doc = crate::policy::service::document_of(&before).map_err(fail)?;
    doc.name = format!("{}（年中调整）", doc.name);
    doc.effective_from = on;
    for rate in &mut doc.rates {
        rate.amount = rate.amount.map(|a| a + DAILY_RISE);
        rate.monthly_cap = rate.monthly_cap.map(|c| c + MONTHLY_RISE);
    }
    let (_, created) = crate::policy::service::import(&state.db, actor, doc).await.map_err(fail)?;
    Ok(created)
}

/// About 4% of the beneficiaries reassessed on a day of the period after their care began and
/// before their death: one level up (three in four), or down where a lower level is still
/// certified for their mode. Each gets a certificate from that day superseding the earlier one, as
/// the assessment records a reassessment's result. Answers how many were recorded now (none the
/// second time).
pub async fn level_changes(
    state: &AppState,
    actor: &Actor,
    reg: &Register,
    ids: &Ids,
    life: &Life,
    rng: &mut ChaCha8Rng,
    period: Period,
) -> anyhow::Result<usize> {
    let region =
        region::Entity::find_by_id(actor.region_id).one(&state.db).await?.ok_or_else(|| anyhow::anyhow!("region"))?;
    let recorded: HashSet<(Uuid, NaiveDate)> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::InsuredPersonId)
        .column(certificate::Column::EffectiveOn)
        .filter(certificate::Column::RegionId.eq(actor.region_id))
        .into_tuple()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let mut created = 0;
    for (k, b) in reg.beneficiaries.iter().enumerate() {
        // Drawn for every beneficiary, so that each one's change is the same whatever the others'.
        let (chosen, up, x) = (rng.random_bool(0.04), rng.random_bool(0.75), rng.random::<f64>());
        let from = b.start_on.max(period.first) + Days::new(1);
        let to = life.died[k].map_or(period.last, |d| d.pred_opt().unwrap_or(d)).min(period.last);
        if !chosen || from > to {
            continue;
        }
        let span = (to - from).num_days();
        let on = from + Days::new(((span as f64) * x) as u64);
        // The lowest level the demo policies make eligible for the mode.
        let lowest = match b.mode {
            CareMode::HomeVisit => 2,
            CareMode::HospitalWard => 4,
            _ => 3,
        };
        let level = match (up, b.level) {
            (true, l) if l < 5 => l + 1,
            (_, l) if l > lowest => l - 1,
            _ => continue,
        };
        let person_id = ids.persons[b.person];
        if recorded.contains(&(person_id, on)) {
            continue;
        }
        let existing = Existing {
            region: region.clone(),
            person_id,
            institution_id: Some(ids.institutions[b.institution]),
            care_mode: b.mode,
            level,
            effective_on: on,
            expires_on: on.checked_add_months(Months::new(24)).and_then(|d| d.pred_opt()).unwrap_or(on),
            recorded_by: actor.user_id,
            reason: "复评：失能等级变更".into(),
            supersedes: true,
        };
        record_existing(&state.db, existing)
            .await
            .map_err(|e| anyhow::anyhow!("reassessment: {}", e.message().zh()))?;
        created += 1;
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    #[test]
    fn the_policy_changes_in_the_middle_month() {
        let period = |first, last| Period { first: d(first), last: d(last) };
        assert_eq!(policy_change_on(period("2026-10-01", "2026-12-04")), Some(d("2026-11-01")));
        assert_eq!(policy_change_on(period("2026-01-01", "2026-12-04")), Some(d("2026-07-01")));
        assert_eq!(policy_change_on(period("2026-12-01", "2026-12-04")), None);
        assert_eq!(DAILY_RISE.to_string(), "5.00");
        assert_eq!(MONTHLY_RISE.to_string(), "100.00");
    }
}
