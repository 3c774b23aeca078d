//! The caregiver's change feed (`GET /sync/changes`): what the phone keeps offline — the people
//! the caregiver serves, the coming week's visits, the catalogue — first in full, then only what
//! changed since the cursor.
//!
//! The cursor is `1.<server time in µs>.<last day of the visit window>.<policy version>`. Rows
//! are picked by their `updated_at` with a minute of overlap, because a transaction can commit a
//! little after the time it wrote; the phone applies everything as upserts by id, so a row seen
//! twice is harmless.

use ltci_shared::messages as m;
use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{Changes, ChangesQuery, OfflineBeneficiary, PlanItem};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{events, plans, visits};
use crate::assessment::certificates;
use crate::auth::Actor;
use crate::entities::{care_plan, caregiver_assignment as asg, certificate, enum_to_db, insured_person, visit};
use crate::http::error::{ApiError, ApiResult};
use crate::policy::service as policy;
use crate::registry::persons;
use crate::state::AppState;

/// Days of visits kept on the phone, today included.
pub const WINDOW_DAYS: u64 = 7;

/// How far back a cursor's time is moved to catch transactions that committed late.
const OVERLAP: TimeDelta = TimeDelta::seconds(60);

#[derive(Debug, Clone, PartialEq)]
struct Cursor {
    at: DateTime<Utc>,
    window_end: NaiveDate,
    policy: Option<Uuid>,
}

impl Cursor {
    fn parse(text: &str) -> Option<Cursor> {
        let mut parts = text.split('.');
        if parts.next()? != "1" {
            return None;
        }
        let at = DateTime::from_timestamp_micros(parts.next()?.parse().ok()?)?;
        let window_end = parts.next()?.parse().ok()?;
        let policy = match parts.next()? {
            "-" => None,
            id => Some(id.parse().ok()?),
        };
        parts.next().is_none().then_some(Cursor { at, window_end, policy })
    }

    fn render(&self) -> String {
        let policy = self.policy.map_or_else(|| "-".to_owned(), |p| p.to_string());
        format!("1.{}.{}.{policy}", self.at.timestamp_micros(), self.window_end)
    }
}

/// The changes for the signed-in caregiver since `since` (everything without a valid cursor).
pub async fn changes(state: &AppState, actor: &Actor, q: ChangesQuery) -> ApiResult<Changes> {
    let cg = events::own_caregiver(state, actor).await?;
    let since = match q.since.as_deref() {
        None => None,
        Some(text) => Some(
            Cursor::parse(text)
                .ok_or_else(|| ApiError::invalid_field("since", "invalid_cursor", m::invalid_cursor()))?,
        ),
    };
    let now = Utc::now();
    let today = actor.today;
    let window_end = today + Days::new(WINDOW_DAYS - 1);
    let changed_after = since.as_ref().map(|c| c.at - OVERLAP);
    let fresh = |t: DateTime<Utc>| changed_after.is_none_or(|after| t > after);

    // Whom the caregiver serves today or later this week.
    let assignments = asg::Entity::find()
        .filter(asg::Column::CaregiverId.eq(cg.id))
        .filter(asg::Column::StartOn.lte(window_end))
        .filter(Condition::any().add(asg::Column::EndOn.is_null()).add(asg::Column::EndOn.gte(today)))
        .all(&state.db)
        .await?;
    let mut assigned_at: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for a in &assignments {
        let t = assigned_at.entry(a.insured_person_id).or_insert(a.created_at);
        *t = (*t).max(a.created_at);
    }
    let ids: Vec<Uuid> = assigned_at.keys().copied().collect();
    let persons = insured_person::Entity::find()
        .filter(insured_person::Column::Id.is_in(ids.clone()))
        .order_by_asc(insured_person::Column::Id)
        .all(&state.db)
        .await?;
    let certificates: HashMap<Uuid, certificate::Model> = certificate::Entity::find()
        .filter(certificate::Column::InsuredPersonId.is_in(ids.clone()))
        .filter(certificate::Column::Status.eq(certificates::ACTIVE))
        .filter(certificate::Column::EffectiveOn.lte(today))
        .filter(certificate::Column::ExpiresOn.gte(today))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.insured_person_id, c))
        .collect();
    let plans_today: HashMap<Uuid, care_plan::Model> = care_plan::Entity::find()
        .filter(care_plan::Column::InsuredPersonId.is_in(ids.clone()))
        .filter(care_plan::Column::InstitutionId.eq(cg.institution_id))
        .filter(care_plan::Column::CareMode.eq(enum_to_db(&CareMode::HomeVisit)))
        .filter(plans::running_on(today))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.insured_person_id, p))
        .collect();
    let mut beneficiaries = Vec::new();
    for p in persons {
        let cert = certificates.get(&p.id);
        let plan = plans_today.get(&p.id);
        let changed = [
            Some(p.updated_at),
            assigned_at.get(&p.id).copied(),
            cert.map(|c| c.issued_at),
            plan.map(|p| p.updated_at),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(p.updated_at);
        if !fresh(changed) {
            continue;
        }
        let plan_items: Vec<PlanItem> = plan.map(plans::items_of).transpose()?.unwrap_or_default();
        let emergency_contact = persons::emergency_contact(&p);
        beneficiaries.push(OfflineBeneficiary {
            id: p.id,
            name: p.name,
            id_number_masked: p.id_number_masked,
            address: p.address_text,
            latitude: p.latitude,
            longitude: p.longitude,
            phone: p.phone,
            emergency_contact,
            level: cert.and_then(|c| u8::try_from(c.level).ok()),
            plan_id: plan.map(|p| p.id),
            plan_items,
        });
    }

    // The visit window, plus visits changed since the cursor.
    let in_window = Condition::all().add(visit::Column::ScheduledOn.between(today, window_end));
    let which = match (&since, changed_after) {
        (Some(c), Some(after)) => Condition::any()
            .add(
                Condition::all()
                    .add(visit::Column::UpdatedAt.gt(after))
                    .add(visit::Column::ScheduledOn.gte(today - Days::new(WINDOW_DAYS))),
            )
            .add(in_window.add(visit::Column::ScheduledOn.gt(c.window_end))),
        _ => in_window,
    };
    let visits = visit::Entity::find()
        .filter(visit::Column::CaregiverId.eq(cg.id))
        .filter(which)
        .order_by_asc(visit::Column::ScheduledOn)
        .order_by_asc(visit::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(visits::view)
        .collect::<ApiResult<Vec<_>>>()?;

    let version = policy::in_force(&state.db, actor.region_id, today).await?;
    let version_id = version.as_ref().map(|v| v.id);
    let send_policy = since.as_ref().is_none_or(|c| c.policy != version_id);
    let doc = match (&version, send_policy) {
        (Some(v), true) => Some(policy::document_of(v)?),
        _ => None,
    };
    let mut beneficiary_ids = ids;
    beneficiary_ids.sort();
    Ok(Changes {
        cursor: Cursor { at: now, window_end, policy: version_id }.render(),
        full: since.is_none(),
        beneficiaries,
        beneficiary_ids,
        visits,
        policy_version_id: version_id,
        catalogue: doc.as_ref().map(|d| d.catalogue.clone()),
        monitoring: doc.map(|d| d.monitoring),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        let c = Cursor {
            at: DateTime::from_timestamp_micros(1_790_000_000_123_456).expect("time"),
            window_end: NaiveDate::from_ymd_opt(2026, 12, 5).expect("date"),
            policy: Some(Uuid::now_v7()),
        };
        assert_eq!(Cursor::parse(&c.render()), Some(c.clone()));
        let none = Cursor { policy: None, ..c };
        assert_eq!(Cursor::parse(&none.render()), Some(none));
        for bad in ["", "2.1.2026-12-05.-", "1.x.2026-12-05.-", "1.1.2026-12-05.-.extra", "1.1.2026-13-05.-"] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }
}
