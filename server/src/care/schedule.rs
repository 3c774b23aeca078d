//! Scheduling (排班): the visits of a home-visit plan over a date range, spread evenly over each
//! week and assigned to one caregiver. Checks made before care is given (事前): days without a
//! valid certificate, in hospital or after the beneficiary's death get no visit.

use ltci_shared::messages as m;
use std::collections::HashSet;

use chrono::Datelike;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{PlanItem, PlannedItem, ScheduleOutcome, ScheduleRequest};
use ltci_shared::api::workforce::{CaregiverQualification, CaregiverStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};
use uuid::Uuid;

use super::before::{self, Subject};
use super::{partners, plans, visits};
use crate::assessment::certificates;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::{caregiver_assignment as asg, certificate, enum_from_db, enum_to_db, insured_person, visit};
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::policy::service as policy;
use crate::state::AppState;
use crate::supervision::signals;
use crate::workforce::caregivers;

/// The longest range scheduled at once.
const MAX_RANGE_DAYS: i64 = 62;

/// What each weekday (Monday first) of a week delivers: visit days spread evenly over the week
/// (as many as the most frequent item needs, at most seven), each item on as many of them as
/// its frequency, spread evenly too; an item planned more than once a day on some days gets
/// `times` above one.
pub fn weekly_pattern(items: &[PlanItem]) -> [Vec<PlannedItem>; 7] {
    let mut week: [Vec<PlannedItem>; 7] = Default::default();
    let days = items.iter().map(|i| i.per_week).max().unwrap_or(0).min(7) as usize;
    if days == 0 {
        return week;
    }
    let visit_days: Vec<usize> = (0..days).map(|i| i * 7 / days).collect();
    for item in items {
        let f = item.per_week as usize;
        let mut times = vec![0u32; days];
        if f <= days {
            for k in 0..f {
                times[k * days / f] += 1;
            }
        } else {
            for (slot, t) in times.iter_mut().enumerate() {
                *t = u32::try_from(f / days + usize::from(slot < f % days)).unwrap_or(u32::MAX);
            }
        }
        for (slot, &t) in times.iter().enumerate() {
            if t > 0 {
                week[visit_days[slot]].push(PlannedItem { code: item.code.clone(), times: t });
            }
        }
    }
    week
}

/// Creates the plan's missing visits in the range for the caregiver.
pub async fn schedule(state: &AppState, actor: &Actor, req: ScheduleRequest) -> ApiResult<ScheduleOutcome> {
    actor.require(Permission::ManageCarePlans)?;
    let mut errors = FieldErrors::new();
    crate::fields::within_horizon(&mut errors, "to", req.to, actor.today, state.config.date_horizon_days);
    if req.to < req.from {
        errors.add("to", "before_start", m::period_ends_before_start());
    } else if (req.to - req.from).num_days() >= MAX_RANGE_DAYS {
        errors.add("to", "too_long", m::schedule_at_most_days(MAX_RANGE_DAYS));
    }
    errors.finish()?;
    let txn = state.db.begin().await?;
    let plan = plans::find_in_scope(&txn, actor, req.plan_id)
        .await
        .map_err(|_| ApiError::invalid_field("plan_id", "unknown_plan", m::unknown_plan()))?;
    let mode: CareMode = enum_from_db(&plan.care_mode)?;
    if mode != CareMode::HomeVisit {
        return Err(ApiError::invalid_field("plan_id", "not_home_visit", m::only_home_visit_plans_have_visits()));
    }
    let (from, to) = (req.from.max(plan.start_on), req.to.min(plan.end_on));
    if from > to {
        return Err(ApiError::invalid_field("from", "outside_plan", m::plan_runs(plan.start_on, plan.end_on)));
    }
    let cg = caregivers::find_in_scope(&txn, actor, req.caregiver_id)
        .await
        .map_err(|_| ApiError::invalid_field("caregiver_id", "unknown_caregiver", m::unknown_caregiver()))?;
    if cg.institution_id != plan.institution_id || cg.status != enum_to_db(&CaregiverStatus::Active) {
        return Err(ApiError::invalid_field("caregiver_id", "not_available", m::caregiver_not_of_plan_institution()));
    }
    if enum_from_db::<CaregiverQualification>(&cg.qualification)? == CaregiverQualification::FamilyCaregiver {
        return Err(ApiError::invalid_field(
            "caregiver_id",
            "qualification_mismatch",
            m::family_caregiver_only_family_care(),
        ));
    }
    let assigned = asg::Entity::find()
        .filter(asg::Column::CaregiverId.eq(cg.id))
        .filter(asg::Column::InsuredPersonId.eq(plan.insured_person_id))
        .filter(asg::Column::StartOn.lte(from))
        .filter(Condition::any().add(asg::Column::EndOn.is_null()).add(asg::Column::EndOn.gte(to)))
        .one(&txn)
        .await?;
    if assigned.is_none() {
        return Err(ApiError::invalid_field("caregiver_id", "not_assigned", m::caregiver_not_assigned_for_range()));
    }
    let person = insured_person::Entity::find_by_id(plan.insured_person_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("person of plan {} missing", plan.id)))?;
    let certified: Vec<(chrono::NaiveDate, chrono::NaiveDate)> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::EffectiveOn)
        .column(certificate::Column::ExpiresOn)
        .filter(certificate::Column::InsuredPersonId.eq(person.id))
        .filter(certificate::Column::Status.eq(certificates::ACTIVE))
        .into_tuple()
        .all(&txn)
        .await?;
    let in_hospital = partners::hospital_spells(&txn, person.id).await?;
    let existing: HashSet<String> = visit::Entity::find()
        .select_only()
        .column(visit::Column::ScheduleKey)
        .filter(visit::Column::PlanId.eq(plan.id))
        .filter(visit::Column::ScheduledOn.between(from, to))
        .into_tuple::<Option<String>>()
        .all(&txn)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let plan_items = plans::items_of(&plan)?;
    let pattern = weekly_pattern(&plan_items);
    let mut created = Vec::new();
    let mut already = 0u32;
    for day in from.iter_days().take_while(|d| *d <= to) {
        let items = &pattern[day.weekday().num_days_from_monday() as usize];
        let alive = person.died_on.is_none_or(|d| day <= d);
        let covered = certified.iter().any(|(a, b)| *a <= day && day <= *b);
        let hospitalised = in_hospital.iter().any(|(a, d)| partners::in_hospital(*a, *d, day));
        if items.is_empty() || !alive || !covered || hospitalised {
            continue;
        }
        let row = visits::NewVisit {
            id: Uuid::now_v7(),
            region_id: plan.region_id,
            institution_id: plan.institution_id,
            insured_person_id: plan.insured_person_id,
            caregiver_id: cg.id,
            plan_id: Some(plan.id),
            scheduled_on: day,
        }
        .scheduled(items)?;
        if row.schedule_key.as_ref().as_ref().is_some_and(|k| existing.contains(k)) {
            already += 1;
            continue;
        }
        let m = row.insert(&txn).await.map_err(unique_as(|| ApiError::conflict("plan_id", m::scheduling_raced())))?;
        created.push(visits::view(m)?);
    }
    let who = AuditActor::from(actor);
    if !created.is_empty() {
        audit::record(&txn, &who, "visits.schedule", "care_plan", plan.id, &["visits"]).await?;
    }
    let subject = Subject {
        institution_id: plan.institution_id,
        person_id: person.id,
        caregiver_id: Some(cg.id),
        plan: Some((plan.id, plan.start_on)),
        key: format!("schedule:{}:{from}:{to}", plan.id),
    };
    let mut raised: Vec<(&str, _)> = Vec::new();
    raised.extend(before::hospital_warning(&subject, &in_hospital, from, to).map(|f| ("from", f)));
    raised.extend(before::death_warning(&subject, person.died_on, to).map(|f| ("to", f)));
    let covered_until = certified.iter().filter(|(a, b)| *a <= from && from <= *b).map(|(_, b)| *b).max();
    if let Some(until) = covered_until {
        raised.extend(before::certificate_warning(&subject, until, to).map(|f| ("to", f)));
    }
    raised.extend(before::suspension_warning(&txn, &subject, from).await?.map(|f| ("plan_id", f)));
    let version = policy::in_force(&txn, plan.region_id, from).await?;
    let doc = version.as_ref().map(policy::document_of).transpose()?;
    if let Some(doc) = &doc {
        let have = enum_from_db(&cg.qualification)?;
        raised
            .extend(before::qualification_warning(&subject, have, &plan_items, doc, from).map(|f| ("caregiver_id", f)));
        for f in before::overbooking(&txn, cg.id, plan.institution_id, from, to, doc).await? {
            raised.push(("caregiver_id", f));
        }
    }
    let policy = version.as_ref().map(|v| v.id).zip(doc.as_ref());
    let warnings = signals::warn(&txn, &who, plan.region_id, policy, raised).await?;
    audit::commit(txn).await?;
    Ok(ScheduleOutcome { created, existing: already, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, per_week: u32) -> PlanItem {
        PlanItem { code: code.into(), per_week }
    }

    fn count(week: &[Vec<PlannedItem>; 7], code: &str) -> u32 {
        week.iter().flatten().filter(|p| p.code == code).map(|p| p.times).sum()
    }

    #[test]
    fn every_item_gets_its_weekly_frequency() {
        let items = [item("A", 7), item("B", 2), item("C", 14), item("D", 3)];
        let week = weekly_pattern(&items);
        for i in &items {
            assert_eq!(count(&week, &i.code), i.per_week, "{}", i.code);
        }
        // Seven visit days; the twice-a-week item three or four days apart.
        assert!(week.iter().all(|d| !d.is_empty()));
        let b: Vec<usize> = (0..7).filter(|d| week[*d].iter().any(|p| p.code == "B")).collect();
        assert_eq!(b, [0, 3]);
        assert!(week.iter().flatten().filter(|p| p.code == "C").all(|p| p.times == 2));
    }

    #[test]
    fn fewer_visit_days_when_items_are_rarer() {
        let week = weekly_pattern(&[item("A", 3), item("B", 1), item("C", 5)]);
        assert_eq!(week.iter().filter(|d| !d.is_empty()).count(), 5);
        assert_eq!(count(&week, "A"), 3);
        assert_eq!(count(&week, "B"), 1);
        // An item planned more often than there are visit days repeats within a visit.
        let dense = weekly_pattern(&[item("A", 2), item("B", 3)]);
        assert_eq!(dense.iter().filter(|d| !d.is_empty()).count(), 3);
        assert_eq!(count(&dense, "A"), 2);
        assert!(weekly_pattern(&[]).iter().all(Vec::is_empty));
    }
}
