//! A caregiver's phone in tests: visit events as the app makes them (check-in at the door, every
//! planned item done, check-out), uploads, and a beneficiary with a plan and scheduled visits.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{
    CreateCarePlan, EventBatch, EventOutcome, PlanItem, Position, ScheduleRequest, Visit, VisitEvent, VisitEventBody,
    VisitState,
};
use ltci_shared::client::ApiClient;
use uuid::Uuid;

use crate::world::{home_care_beneficiary, import_policy_a};
use crate::{TestApp, World, today};

/// The test beneficiaries' registered address (see `world::person`).
pub const HOME: (f64, f64) = (36.07, 120.38);

/// `minutes` after 09:00 Beijing time on `day`.
pub fn local(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    day.and_hms_opt(1, 0, 0).expect("time").and_utc() + Duration::minutes(minutes)
}

/// A fix `dlat` degrees north of the registered address (0.001° ≈ 111 m).
pub fn gps(dlat: f64) -> Position {
    Position::gps(HOME.0 + dlat, HOME.1, 8.0)
}

pub fn event(visit: Uuid, body: VisitEventBody) -> VisitEvent {
    VisitEvent { id: Uuid::now_v7(), visit_id: visit, unscheduled: None, body }
}

/// The events of a proper visit on its day: check-in at the door at 09:00, every planned item
/// done, a note, check-out 70 minutes later.
pub fn proper_visit(v: &Visit, check_in_at: Position) -> Vec<VisitEvent> {
    let day = v.scheduled_on;
    let mut events = vec![event(v.id, VisitEventBody::CheckIn { at: local(day, 0), position: check_in_at })];
    for (n, p) in v.planned_items.iter().enumerate() {
        let at = local(day, 10 + i64::try_from(n).expect("small"));
        events.push(event(v.id, VisitEventBody::Task { at, item: p.code.clone(), done: true, reason: None }));
    }
    events.push(event(v.id, VisitEventBody::Note { at: local(day, 60), text: "老人精神好，食欲正常".into() }));
    events.push(event(v.id, VisitEventBody::CheckOut { at: local(day, 70), position: gps(0.0) }));
    events
}

pub async fn upload(phone: &ApiClient, events: &[VisitEvent]) -> Vec<(EventOutcome, bool, Option<VisitState>)> {
    let batch = EventBatch { device_id: "phone-001".into(), events: events.to_vec() };
    let out = phone.sync_events(&batch).await.expect("upload");
    assert_eq!(out.results.len(), events.len());
    out.results.iter().zip(events).for_each(|(r, e)| assert_eq!(r.id, e.id, "results in the batch's order"));
    out.results.into_iter().map(|r| (r.outcome, r.replay, r.visit_state)).collect()
}

/// Region A's policy, a beneficiary at home with a plan (SF-01 daily, SF-03 twice a week) and
/// `days` of visits from today for `carer_a1`.
pub async fn planned_visits(app: &TestApp, world: &World, seq: u16, days: i64) -> (Uuid, Vec<Visit>) {
    import_policy_a(world).await;
    let person = home_care_beneficiary(app, world, "上门", seq, 3).await;
    let staff = world.as_user("inst_a1");
    let plan = staff
        .create_care_plan(&CreateCarePlan {
            institution_id: None,
            insured_person_id: person,
            care_mode: CareMode::HomeVisit,
            start_on: today() - Duration::days(1),
            end_on: today() + Duration::days(60),
            items: vec![PlanItem { code: "SF-01".into(), per_week: 7 }, PlanItem { code: "SF-03".into(), per_week: 2 }],
        })
        .await
        .expect("plan");
    let req = ScheduleRequest {
        plan_id: plan.id,
        caregiver_id: world.caregiver("carer_a1"),
        from: today(),
        to: today() + Duration::days(days - 1),
    };
    let visits = staff.schedule_visits(&req).await.expect("schedule").created;
    assert_eq!(visits.len(), usize::try_from(days).expect("days"));
    (person, visits)
}
