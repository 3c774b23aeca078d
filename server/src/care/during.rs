//! Checks made when a visit is verified (事中审核) that become findings for the agency as well as
//! exceptions for the institution: a mocked location, a check-in at the very point of another
//! home's that day, a caregiver not assigned, and a month of check-ins without a location fix.

use std::collections::{HashMap, HashSet};

use ltci_shared::api::care::{ExceptionCode, Position, VisitEvent, VisitEventBody, VisitException};
use ltci_shared::api::supervision::Rule;
use ltci_shared::geo::Point;
use ltci_shared::messages as m;
use ltci_shared::policy::PolicyDocument;
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditActor;
use crate::entities::{caregiver_assignment as asg, insured_person, visit, visit_event};
use crate::http::error::{ApiError, ApiResult};
use crate::supervision::analysis::rules::{Found, Rec, Source};
use crate::supervision::signals;

/// A point to a millionth of a degree, as the monthly analysis compares check-ins.
fn exact(p: Point) -> (i64, i64) {
    ((p.latitude * 1e6).round() as i64, (p.longitude * 1e6).round() as i64)
}

/// A home to ~10 m: a couple living together is one home.
fn home_key(p: Point) -> (i64, i64) {
    ((p.latitude * 1e4).round() as i64, (p.longitude * 1e4).round() as i64)
}

/// The caregiver's other visits of the day, for beneficiaries living elsewhere (both homes
/// registered), checked in at the very point `at`.
pub async fn same_point(
    txn: &DatabaseTransaction,
    v: &visit::Model,
    at: Point,
    home: Option<Point>,
) -> ApiResult<Vec<Uuid>> {
    let Some(home) = home else { return Ok(Vec::new()) };
    let others: Vec<(Uuid, Uuid)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::Id)
        .column(visit::Column::InsuredPersonId)
        .filter(visit::Column::CaregiverId.eq(v.caregiver_id))
        .filter(visit::Column::ScheduledOn.eq(v.scheduled_on))
        .filter(visit::Column::Id.ne(v.id))
        .filter(visit::Column::InsuredPersonId.ne(v.insured_person_id))
        .filter(visit::Column::CheckedInAt.is_not_null())
        .into_tuple()
        .all(txn)
        .await?;
    if others.is_empty() {
        return Ok(Vec::new());
    }
    let homes: HashMap<Uuid, Point> = insured_person::Entity::find()
        .select_only()
        .column(insured_person::Column::Id)
        .column(insured_person::Column::Latitude)
        .column(insured_person::Column::Longitude)
        .filter(insured_person::Column::Id.is_in(others.iter().map(|o| o.1)))
        .into_tuple::<(Uuid, Option<f64>, Option<f64>)>()
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|(id, lat, lon)| Some((id, Point { latitude: lat?, longitude: lon? })))
        .collect();
    let elsewhere: HashMap<Uuid, Uuid> = others
        .into_iter()
        .filter(|(_, person)| homes.get(person).is_some_and(|h| home_key(*h) != home_key(home)))
        .collect();
    let bodies: Vec<(Uuid, String)> = visit_event::Entity::find()
        .select_only()
        .column(visit_event::Column::VisitId)
        .column(visit_event::Column::Body)
        .filter(visit_event::Column::VisitId.is_in(elsewhere.keys().copied()))
        .filter(visit_event::Column::Kind.eq("check_in"))
        .into_tuple()
        .all(txn)
        .await?;
    let mut out = HashSet::new();
    for (visit_id, body) in bodies {
        let e: VisitEvent = serde_json::from_str(&body).map_err(ApiError::internal)?;
        if let VisitEventBody::CheckIn { position: Position::Gps { latitude, longitude, .. }, .. } = e.body
            && exact(Point { latitude, longitude }) == exact(at)
        {
            out.insert(visit_id);
        }
    }
    let mut out: Vec<Uuid> = out.into_iter().collect();
    out.sort();
    Ok(out)
}

/// Whether the caregiver was assigned to the beneficiary on the visit's day.
pub async fn assigned(txn: &DatabaseTransaction, v: &visit::Model) -> ApiResult<bool> {
    Ok(asg::Entity::find()
        .filter(asg::Column::CaregiverId.eq(v.caregiver_id))
        .filter(asg::Column::InsuredPersonId.eq(v.insured_person_id))
        .filter(asg::Column::StartOn.lte(v.scheduled_on))
        .filter(Condition::any().add(asg::Column::EndOn.is_null()).add(asg::Column::EndOn.gte(v.scheduled_on)))
        .one(txn)
        .await?
        .is_some())
}

/// What a verification found, as it reaches the agency: a finding for each of the visit's
/// exceptions that is one (and, for a visit without a fix, the caregiver's month once it holds
/// the policy's count of them).
pub async fn raise(
    txn: &DatabaseTransaction,
    v: &visit::Model,
    policy: Option<(Uuid, &PolicyDocument)>,
    exceptions: &[VisitException],
    same_point: &[Uuid],
) -> ApiResult<()> {
    let who = AuditActor { region_id: v.region_id, user_id: None, role: None, request_id: None };
    let has = |code| exceptions.iter().any(|x| x.code == code);
    let rec = |id, affected| Rec {
        source: Source::Visit,
        id,
        on: v.scheduled_on,
        institution_id: v.institution_id,
        affected,
    };
    let found = |rule, key: String, summary, evidence, records| Found {
        rule,
        key,
        occurred_on: v.scheduled_on,
        institution_id: Some(v.institution_id),
        caregiver_id: Some(v.caregiver_id),
        person_id: Some(v.insured_person_id),
        summary,
        evidence,
        records,
    };
    let mut raised = Vec::new();
    if has(ExceptionCode::MockLocation) {
        let evidence = json!({ "day": v.scheduled_on });
        raised.push(found(
            Rule::MockLocation,
            format!("visit:{}", v.id),
            m::sum_mock_location(),
            evidence,
            vec![rec(v.id, true)],
        ));
    }
    if has(ExceptionCode::SamePoint) {
        let mut records = vec![rec(v.id, true)];
        records.extend(same_point.iter().map(|id| rec(*id, false)));
        let evidence = json!({ "day": v.scheduled_on, "visits": same_point.len() });
        raised.push(found(
            Rule::SamePointSameDay,
            format!("visit:{}", v.id),
            m::sum_same_point_same_day(same_point.len()),
            evidence,
            records,
        ));
    }
    if has(ExceptionCode::NotAssigned) {
        let evidence = json!({ "day": v.scheduled_on });
        raised.push(found(
            Rule::UnassignedCaregiver,
            format!("visit:{}", v.id),
            m::sum_unassigned_caregiver(v.scheduled_on),
            evidence,
            vec![rec(v.id, true)],
        ));
    }
    if has(ExceptionCode::LocationUnavailable) {
        let min = policy.map_or(5, |(_, d)| d.monitoring.during.no_fix_visits_per_month);
        let month = v.scheduled_on.format("%Y-%m").to_string();
        let (first, last) =
            crate::fields::month(&month).map_err(|_| ApiError::internal(anyhow::anyhow!("month {month}")))?;
        let mut ids: Vec<Uuid> = visit::Entity::find()
            .select_only()
            .column(visit::Column::Id)
            .filter(visit::Column::CaregiverId.eq(v.caregiver_id))
            .filter(visit::Column::Id.ne(v.id))
            .filter(visit::Column::ScheduledOn.gte(first))
            .filter(visit::Column::ScheduledOn.lte(last))
            .filter(visit::Column::Exceptions.contains("\"location_unavailable\""))
            .into_tuple()
            .all(txn)
            .await?;
        ids.push(v.id);
        ids.sort();
        if ids.len() >= min as usize {
            let evidence = json!({ "visits": ids.len(), "no_fix_visits_per_month": min });
            raised.push(Found {
                person_id: None,
                ..found(
                    Rule::NoLocationFix,
                    format!("caregiver:{}:{month}", v.caregiver_id),
                    m::sum_no_location_fix(ids.len(), min),
                    evidence,
                    ids.iter().map(|id| rec(*id, false)).collect(),
                )
            });
        }
    }
    for f in raised {
        signals::raise(txn, &who, v.region_id, policy.map(|(id, _)| id), f).await?;
    }
    Ok(())
}
