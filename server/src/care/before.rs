//! Checks made before care is given (事前提醒) when a plan is saved, visits are scheduled or a
//! caregiver is assigned: the beneficiary in hospital or deceased, the certificate ending first,
//! a caregiver not qualified for the plan's items or planned above the policy's hours, an
//! institution whose designation is suspended. Each is a [`Found`] for `supervision::signals`,
//! which warns or (when the policy says so) refuses.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use ltci_shared::api::care::{PlanItem, PlannedItem, VisitState};
use ltci_shared::api::institutions::InstitutionStatus;
use ltci_shared::api::supervision::Rule;
use ltci_shared::api::workforce::CaregiverQualification;
use ltci_shared::messages as m;
use ltci_shared::policy::PolicyDocument;
use ltci_shared::text::Text;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::entities::{enum_from_db, enum_to_db, institution, visit};
use crate::http::error::{ApiError, ApiResult};
use crate::supervision::analysis::rules::{Found, Rec, Source};

/// Who and what a warning is about.
#[derive(Debug, Clone)]
pub struct Subject {
    pub institution_id: Uuid,
    pub person_id: Uuid,
    pub caregiver_id: Option<Uuid>,
    /// The plan it concerns, named as the finding's record.
    pub plan: Option<(Uuid, NaiveDate)>,
    /// The finding's key: what the warning was raised on (`plan:…`, `schedule:…`, `assignment:…`).
    pub key: String,
}

impl Subject {
    fn found(&self, rule: Rule, occurred_on: NaiveDate, summary: Text, evidence: serde_json::Value) -> Found {
        Found {
            rule,
            key: self.key.clone(),
            occurred_on,
            institution_id: Some(self.institution_id),
            caregiver_id: self.caregiver_id,
            person_id: Some(self.person_id),
            summary,
            evidence,
            records: self
                .plan
                .map(|(id, on)| Rec {
                    source: Source::Plan,
                    id,
                    on,
                    institution_id: self.institution_id,
                    affected: false,
                })
                .into_iter()
                .collect(),
        }
    }
}

/// A hospital stay overlapping `from..=to`, if any: the first one.
pub fn hospital_warning(
    s: &Subject,
    spells: &[(Option<NaiveDate>, Option<NaiveDate>)],
    from: NaiveDate,
    to: NaiveDate,
) -> Option<Found> {
    let (admitted, discharged) = spells
        .iter()
        .filter_map(|(a, d)| Some((a.as_ref().copied()?, *d)))
        .filter(|(a, d)| *a <= to && d.is_none_or(|d| d > from))
        .min_by_key(|(a, _)| *a)?;
    let until = discharged.map_or_else(m::warn_still_in_hospital, m::warn_discharged_on);
    Some(s.found(
        Rule::PlannedInHospital,
        admitted.max(from),
        m::warn_in_hospital(admitted, until),
        json!({ "admitted_on": admitted, "discharged_on": discharged }),
    ))
}

/// A recorded death on or before `to`.
pub fn death_warning(s: &Subject, died_on: Option<NaiveDate>, to: NaiveDate) -> Option<Found> {
    let died = died_on.filter(|d| *d <= to)?;
    Some(s.found(Rule::PlannedAfterDeath, died, m::warn_died_on(died), json!({ "died_on": died })))
}

/// A certificate expiring before `end`.
pub fn certificate_warning(s: &Subject, expires_on: NaiveDate, end: NaiveDate) -> Option<Found> {
    (expires_on < end).then(|| {
        s.found(
            Rule::CertificateEndsFirst,
            expires_on,
            m::warn_certificate_ends(expires_on, end),
            json!({ "expires_on": expires_on, "end_on": end }),
        )
    })
}

/// The institution's designation suspended.
pub async fn suspension_warning(txn: &DatabaseTransaction, s: &Subject, on: NaiveDate) -> ApiResult<Option<Found>> {
    let inst = institution::Entity::find_by_id(s.institution_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("institution {} missing", s.institution_id)))?;
    let suspended = enum_from_db::<InstitutionStatus>(&inst.status)? == InstitutionStatus::Suspended;
    Ok(suspended.then(|| s.found(Rule::InstitutionSuspended, on, m::warn_institution_suspended(), json!({}))))
}

/// Plan items the caregiver may not deliver.
pub fn qualification_warning(
    s: &Subject,
    have: CaregiverQualification,
    items: &[PlanItem],
    doc: &PolicyDocument,
    on: NaiveDate,
) -> Option<Found> {
    let beyond: Vec<(&str, CaregiverQualification)> = items
        .iter()
        .filter_map(|i| doc.item(&i.code).map(|c| (i.code.as_str(), c.qualification)))
        .filter(|(_, need)| !have.may_deliver(*need))
        .collect();
    let need = beyond.iter().map(|(_, q)| *q).max_by_key(|q| q.rank())?;
    let codes: Vec<&str> = beyond.iter().map(|(c, _)| *c).collect();
    Some(s.found(
        Rule::CaregiverUnqualified,
        on,
        m::warn_unqualified(codes.join("、"), need.text()),
        json!({ "items": codes.len() }),
    ))
}

/// Minutes a visit's planned items take at their minimum.
fn planned_minutes(planned: &[PlannedItem], doc: &PolicyDocument) -> u32 {
    planned.iter().filter_map(|p| doc.item(&p.code).map(|i| i.min_minutes * p.times)).sum()
}

/// The weeks (from `from`'s Monday to `to`'s Sunday) in which the caregiver's planned visits go
/// above the policy's daily or weekly hours: one finding per week, keyed by caregiver and week.
pub async fn overbooking(
    txn: &DatabaseTransaction,
    caregiver_id: Uuid,
    institution_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    doc: &PolicyDocument,
) -> ApiResult<Vec<Found>> {
    let monday = from - Days::new(u64::from(from.weekday().num_days_from_monday()));
    let sunday = to + Days::new(u64::from(6 - to.weekday().num_days_from_monday()));
    let rows: Vec<(NaiveDate, String)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::ScheduledOn)
        .column(visit::Column::PlannedItems)
        .filter(visit::Column::CaregiverId.eq(caregiver_id))
        .filter(visit::Column::ScheduledOn.between(monday, sunday))
        .filter(visit::Column::State.is_not_in([enum_to_db(&VisitState::Rejected), enum_to_db(&VisitState::Missed)]))
        .into_tuple()
        .all(txn)
        .await?;
    let mut per_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for (day, planned) in rows {
        let planned: Vec<PlannedItem> = serde_json::from_str(&planned).map_err(ApiError::internal)?;
        *per_day.entry(day).or_default() += planned_minutes(&planned, doc);
    }
    let day_max = doc.monitoring.analysis.max_caregiver_hours_per_day * 60;
    let week_max = doc.monitoring.before.max_caregiver_hours_per_week * 60;
    let hours = |minutes: u32| format!("{:.1}", f64::from(minutes) / 60.0);
    Ok(over_hours(&per_day, day_max, week_max)
        .into_iter()
        .map(|w| Found {
            rule: Rule::CaregiverOverbooked,
            key: format!("caregiver:{caregiver_id}:{}", w.monday),
            occurred_on: w.worst.map_or(w.monday, |d| d.0),
            institution_id: Some(institution_id),
            caregiver_id: Some(caregiver_id),
            person_id: None,
            summary: match w.worst {
                _ if w.minutes > week_max => m::warn_over_week(w.monday, hours(w.minutes), week_max / 60),
                Some((day, minutes)) => m::warn_over_day(day, hours(minutes), day_max / 60),
                None => m::warn_over_week(w.monday, hours(w.minutes), week_max / 60),
            },
            evidence: json!({
                "week_hours": hours(w.minutes),
                "max_caregiver_hours_per_week": week_max / 60,
                "days_over": w.days_over,
                "max_caregiver_hours_per_day": day_max / 60,
            }),
            records: Vec::new(),
        })
        .collect())
}

/// A week in which a caregiver is planned above the maximum.
#[derive(Debug, PartialEq, Eq)]
pub struct OverWeek {
    pub monday: NaiveDate,
    /// Minutes planned in the week.
    pub minutes: u32,
    pub days_over: usize,
    /// The day furthest above the daily maximum, with its minutes.
    pub worst: Option<(NaiveDate, u32)>,
}

/// The weeks whose planned minutes go above `week_max` in all or `day_max` on some day.
pub fn over_hours(per_day: &BTreeMap<NaiveDate, u32>, day_max: u32, week_max: u32) -> Vec<OverWeek> {
    let mut weeks: BTreeMap<NaiveDate, Vec<(NaiveDate, u32)>> = BTreeMap::new();
    for (day, minutes) in per_day {
        let monday = *day - Days::new(u64::from(day.weekday().num_days_from_monday()));
        weeks.entry(monday).or_default().push((*day, *minutes));
    }
    weeks
        .into_iter()
        .filter_map(|(monday, days)| {
            let minutes: u32 = days.iter().map(|d| d.1).sum();
            let over: Vec<(NaiveDate, u32)> = days.into_iter().filter(|d| d.1 > day_max).collect();
            let worst = over.iter().copied().max_by_key(|d| d.1);
            (minutes > week_max || worst.is_some()).then_some(OverWeek {
                monday,
                minutes,
                days_over: over.len(),
                worst,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        // 2026-11-02 is a Monday.
        NaiveDate::from_ymd_opt(2026, 11, day).expect("day")
    }

    #[test]
    fn planned_hours_on_both_sides_of_the_daily_and_weekly_maximum() {
        // Ten hours a day and 48 a week: five days of exactly 9 h 36 min are 48 h, within both.
        let week: BTreeMap<NaiveDate, u32> = (2..=6).map(|n| (d(n), 576)).collect();
        assert!(over_hours(&week, 600, 48 * 60).is_empty());
        // One more minute on Friday: the week is over, no day is.
        let mut more = week.clone();
        more.insert(d(6), 577);
        let over = over_hours(&more, 600, 48 * 60);
        assert_eq!(over, [OverWeek { monday: d(2), minutes: 2881, days_over: 0, worst: None }]);
        // A single day of 10 h 01 min is over the daily maximum in a light week; the next week,
        // with one short day, is fine.
        let long_day = BTreeMap::from([(d(4), 601), (d(10), 120)]);
        let over = over_hours(&long_day, 600, 48 * 60);
        assert_eq!(over, [OverWeek { monday: d(2), minutes: 601, days_over: 1, worst: Some((d(4), 601)) }]);
        assert!(over_hours(&BTreeMap::from([(d(4), 600)]), 600, 48 * 60).is_empty());
    }
}
