//! The home visits of a generated city: each plan's visits scheduled as the scheduler spreads
//! them over the week, and the visits the caregivers made written with their event streams
//! (check-in, tasks, a note, check-out; now and then a correction by the institution), the visit's
//! state derived and verified from those events by the same functions the event service uses.
//! Most visits verify; some are left for review (off the geofence, no location fix, too short), a
//! few are rejected, missed or never checked out.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use ltci_shared::api::care::{
    CorrectionReason, ExceptionCode, NoGpsReason, NotDoneReason, PlanItem, PlannedItem, Position, ResolutionCode,
    Severity, VisitEvent, VisitEventBody, VisitException, VisitState,
};
use ltci_shared::api::workforce::CaregiverQualification;
use ltci_shared::geo::Point;
use ltci_shared::policy::PolicyDocument;
use ltci_shared::visit as fold;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveModelTrait, Set, TryIntoModel};
use uuid::Uuid;

use crate::care::events::{derive, prepare};
use crate::care::schedule::weekly_pattern;
use crate::care::verify::{self, Facts};
use crate::care::visits::NewVisit;
use crate::entities::{enum_to_db, visit, visit_event};
use crate::http::error::ApiResult;

/// Minutes between the starts of a caregiver's visits: five fit one day from 07:30.
const SLOT_MINUTES: i64 = 120;
/// The longest visit, so that a visit ends before the next slot begins.
const MAX_MINUTES: f64 = 110.0;

/// One home-visit beneficiary's part: who, where, which plan, who visits, and the days in
/// hospital or after death when nobody comes.
pub struct Client<'a> {
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub person_id: Uuid,
    pub home: Option<Point>,
    pub caregiver_id: Uuid,
    pub caregiver_user: Uuid,
    pub qualification: CaregiverQualification,
    /// The caregiver's device, as the phone names itself.
    pub device: String,
    /// The beneficiary's slot of the caregiver's day (0–4).
    pub slot: u8,
    pub rural: bool,
    pub plan_id: Uuid,
    pub plan_items: &'a [PlanItem],
    /// The days the plan's visits run over (within the plan and the services recorded).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days nobody visits: in hospital, on or after the death.
    pub away: &'a dyn Fn(NaiveDate) -> bool,
    /// The institution's staff member who corrects visits.
    pub staff_user: Uuid,
}

/// The rows of a client's visits.
#[derive(Default)]
pub struct Written {
    pub visits: Vec<visit::ActiveModel>,
    pub events: Vec<visit_event::ActiveModel>,
}

fn event_id(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

fn gps(rng: &mut ChaCha8Rng, home: Point, off_by: f64) -> Position {
    let jitter = |rng: &mut ChaCha8Rng| rng.random_range(-0.00018..0.00018);
    // Phones report fixes to six decimals (about 0.1 m).
    let six = |x: f64| (x * 1e6).round() / 1e6;
    Position::gps(
        six(home.latitude + jitter(rng) + off_by),
        six(home.longitude + jitter(rng)),
        f64::from(rng.random_range(5..25u32)),
    )
}

/// The events one visit of `items` made, starting at `check_in`, by the caregiver (and perhaps a
/// correction by staff, made later), with the time they reached the server.
struct Made {
    events: Vec<(VisitEvent, DateTime<Utc>, bool)>,
}

/// What happens on one visit: the caregiver's events as the phone makes them.
fn make(
    rng: &mut ChaCha8Rng,
    c: &Client,
    visit_id: Uuid,
    items: &[PlannedItem],
    doc: &PolicyDocument,
    check_in: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Made {
    let home = c.home.unwrap_or(Point { latitude: super::names::CENTRE.0, longitude: super::names::CENTRE.1 });
    let required: f64 =
        items.iter().filter_map(|p| doc.item(&p.code).map(|i| f64::from(i.min_minutes) * f64::from(p.times))).sum();
    let factor = if rng.random_bool(0.03) { 0.6 } else { rng.random_range(1.0..1.25) };
    let minutes = (required * factor).clamp(5.0, MAX_MINUTES);
    let check_out = check_in + chrono::Duration::seconds((minutes * 60.0) as i64);
    let position = |rng: &mut ChaCha8Rng| {
        let x: f64 = rng.random();
        if x < 0.015 {
            Position::Unavailable { reason: NoGpsReason::NoSignal }
        } else if x < 0.035 {
            let off = rng.random_range(0.006..0.015);
            gps(rng, home, off)
        } else {
            gps(rng, home, 0.0)
        }
    };
    // Offline in the villages: the day's events reach the server the next morning.
    let synced = if c.rural && rng.random_bool(0.3) {
        check_out + chrono::Duration::hours(15)
    } else {
        check_out + chrono::Duration::minutes(rng.random_range(1..40))
    }
    .min(now);
    let mut events = Vec::new();
    let mut push = |rng: &mut ChaCha8Rng, body: VisitEventBody| {
        events.push((VisitEvent { id: event_id(rng), visit_id, unscheduled: None, body }, synced, false));
    };
    let at_door = position(rng);
    push(rng, VisitEventBody::CheckIn { at: check_in, position: at_door });
    for (k, p) in items.iter().enumerate() {
        let at = check_in + chrono::Duration::minutes(5 * (k as i64 + 1));
        let done = !rng.random_bool(0.02);
        let reason = (!done).then(|| super::names::pick(rng, &[NotDoneReason::Refused, NotDoneReason::NotNeeded]));
        push(rng, VisitEventBody::Task { at, item: p.code.clone(), done, reason });
    }
    if rng.random_bool(0.05) {
        let text = super::names::pick(rng, &["老人今日精神较好，进食正常", "家属反映夜间睡眠欠佳", "皮肤完好，无压红"]);
        push(rng, VisitEventBody::Note { at: check_out - chrono::Duration::minutes(2), text: text.to_owned() });
    }
    // Now and then the phone dies before the check-out.
    if !rng.random_bool(0.005) {
        let leaving = position(rng);
        push(rng, VisitEventBody::CheckOut { at: check_out, position: leaving });
    }
    Made { events }
}

/// The visit's columns derived from its events, verified as at check-out with the facts known
/// then (partner events come later and verify it again on import).
fn derived(
    c: &Client,
    doc: &PolicyDocument,
    zone: chrono_tz::Tz,
    row: visit::Model,
    bodies: &[VisitEventBody],
    elsewhere: &BTreeMap<String, u32>,
) -> ApiResult<visit::Model> {
    let folded = fold::fold(bodies);
    let planned: Vec<PlannedItem> = serde_json::from_str(&row.planned_items).unwrap_or_default();
    let exceptions = match (&folded.check_in, &folded.check_out) {
        (Some((check_in, in_at)), Some((check_out, out_at))) => verify::verify(&Facts {
            day: row.scheduled_on,
            check_in_day: check_in.with_timezone(&zone).date_naive(),
            check_in: *check_in,
            check_out: *check_out,
            positions: [*in_at, *out_at],
            home: c.home,
            policy: Some(doc),
            planned: &planned,
            plan_items: c.plan_items,
            tasks: &folded.tasks,
            qualification: c.qualification,
            certified: true,
            hospitalised: false,
            died_on: None,
            overlapping: 0,
            // The generator's caregivers serve the clients they are assigned, each at their door.
            same_point: 0,
            assigned: true,
            delivered_elsewhere_this_week: elsewhere,
        }),
        _ => Vec::new(),
    };
    derive(row, &folded, exceptions, bodies.len())
}

/// The one finding a correction may resolve: a visit left for review for a single reason.
fn reviewable(exceptions: &[VisitException]) -> Option<ExceptionCode> {
    let open: Vec<&VisitException> =
        exceptions.iter().filter(|x| x.severity == Severity::Review && x.resolution.is_none()).collect();
    match open.as_slice() {
        [only] if exceptions.iter().all(|x| x.severity != Severity::Block) => Some(only.code),
        _ => None,
    }
}

/// Every visit of a client's plan over its days, made or missed, in day order.
pub fn write<'a>(
    rng: &mut ChaCha8Rng,
    c: &Client<'_>,
    doc_on: &dyn Fn(NaiveDate) -> Option<&'a PolicyDocument>,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> ApiResult<Written> {
    let week = weekly_pattern(c.plan_items);
    let mut out = Written::default();
    // Deliveries per item in each ISO week (by its Monday) of the visits checked out and not rejected.
    let mut delivered: BTreeMap<NaiveDate, BTreeMap<String, u32>> = BTreeMap::new();
    let mut day = c.from;
    while day <= c.to {
        let items = &week[day.weekday().num_days_from_monday() as usize];
        let Some(doc) = doc_on(day) else {
            day = day + Days::new(1);
            continue;
        };
        if items.is_empty() {
            day = day + Days::new(1);
            continue;
        }
        let new = NewVisit {
            id: Uuid::now_v7(),
            region_id: c.region_id,
            institution_id: c.institution_id,
            insured_person_id: c.person_id,
            caregiver_id: c.caregiver_id,
            plan_id: Some(c.plan_id),
            scheduled_on: day,
        };
        let row = new.scheduled(items)?.try_into_model()?;
        // Nobody comes on a day away, and now and then a visit is missed.
        if (c.away)(day) || rng.random_bool(0.03) {
            out.visits.push(all_set(row));
            day = day + Days::new(1);
            continue;
        }
        let minutes = 7 * 60 + 30 + SLOT_MINUTES * i64::from(c.slot) + rng.random_range(0..5);
        let local = day.and_hms_opt(0, 0, 0).unwrap_or_default() + chrono::Duration::minutes(minutes);
        let check_in =
            zone.from_local_datetime(&local).earliest().map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc));
        let mut made = make(rng, c, row.id, items, doc, check_in, now);
        let monday = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
        let elsewhere = delivered.get(&monday).cloned().unwrap_or_default();
        let bodies: Vec<VisitEventBody> = made.events.iter().map(|(e, _, _)| e.body.clone()).collect();
        let mut v = derived(c, doc, zone, row.clone(), &bodies, &elsewhere)?;
        // The institution resolves most visits left for one reason: the family confirms on the
        // phone (and once in a while does not).
        let exceptions: Vec<VisitException> = serde_json::from_str(&v.exceptions).unwrap_or_default();
        if let Some(code) = reviewable(&exceptions).filter(|_| rng.random_bool(0.6))
            && let Some(out_at) = v.checked_out_at
        {
            let at = (out_at + chrono::Duration::hours(20)).min(now);
            let resolution = if rng.random_bool(0.1) {
                ResolutionCode::NotConfirmed
            } else {
                ResolutionCode::ConfirmedByBeneficiary
            };
            let reason = if code == ExceptionCode::OutsideGeofence {
                CorrectionReason::GpsDrift
            } else {
                CorrectionReason::Other
            };
            let body = VisitEventBody::Correction {
                at,
                reason,
                exception: Some(code),
                resolution: Some(resolution),
                check_in_at: None,
                check_out_at: None,
                note: Some("电话回访家属核实".into()),
                not_delivered: None,
                replaced_by: None,
            };
            made.events.push((VisitEvent { id: event_id(rng), visit_id: row.id, unscheduled: None, body }, at, true));
            let bodies: Vec<VisitEventBody> = made.events.iter().map(|(e, _, _)| e.body.clone()).collect();
            v = derived(c, doc, zone, row.clone(), &bodies, &elsewhere)?;
        }
        if v.checked_out_at.is_some() && v.state != enum_to_db(&VisitState::Rejected) {
            let planned: Vec<PlannedItem> = serde_json::from_str(&v.planned_items).unwrap_or_default();
            let tasks: Vec<ltci_shared::api::care::TaskResult> = serde_json::from_str(&v.tasks).unwrap_or_default();
            let week = delivered.entry(monday).or_default();
            for (code, times) in verify::delivered(&planned, &tasks) {
                *week.entry(code).or_insert(0) += times;
            }
        }
        for (event, received_at, by_staff) in made.events {
            let p = prepare(event)?;
            out.events.push(visit_event::ActiveModel {
                id: Set(p.event.id),
                visit_id: Set(p.event.visit_id),
                kind: Set(p.event.body.kind().to_owned()),
                occurred_at: Set(p.event.body.at()),
                body: Set(p.canonical),
                sha256: Set(p.sha256),
                device_id: Set(if by_staff { "web".into() } else { c.device.clone() }),
                recorded_by: Set(if by_staff { c.staff_user } else { c.caregiver_user }),
                received_at: Set(received_at),
            });
        }
        out.visits.push(all_set(v));
        day = day + Days::new(1);
    }
    Ok(out)
}

/// A visit as a row whose every column is to be written.
fn all_set(v: visit::Model) -> visit::ActiveModel {
    visit::ActiveModel::from(v).reset_all()
}
