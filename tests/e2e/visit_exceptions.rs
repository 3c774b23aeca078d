//! The exception queue of home visits (异常处理队列), computed as of now: a visit waiting for
//! review, a missed check-in, a missed check-out and unscheduled visits matching no scheduled one,
//! each counted and worked with a correction — resolved, the check-out recorded, linked to the
//! scheduled visit it replaced, rejected, closed as not delivered — with the refusals of a
//! correction that does not fit the visit; a phone's late check-in opening a closed visit again;
//! nothing deleted; another institution seeing none of it.

use chrono::Duration;
use ltci_e2e::phone::{event, gps, local, proper_visit, upload};
use ltci_e2e::world::{home_care_beneficiary, import_policy_a};
use ltci_e2e::{TestApp, field_code, on_both_databases, today};
use ltci_shared::PageQuery;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{
    CorrectionReason, CorrectionRequest, CreateCarePlan, EventOutcome, ExceptionCode, ExceptionQueue,
    NotDeliveredReason, PlanItem, QueueKind, QueueQuery, ResolutionCode, ScheduleRequest, UnscheduledReason,
    UnscheduledVisit, VisitEvent, VisitEventBody, VisitState,
};
use ltci_shared::client::ApiClient;
use uuid::Uuid;

on_both_databases!(the_exception_queue_is_worked_item_by_item);

fn count(q: &ExceptionQueue, kind: QueueKind) -> u64 {
    q.counts.iter().find(|c| c.kind == kind).map_or(0, |c| c.count)
}

async fn queue(client: &ApiClient, kind: QueueKind) -> ExceptionQueue {
    client
        .visit_exceptions(&QueueQuery { kind: Some(kind), caregiver_id: None }, PageQuery::default())
        .await
        .expect("queue")
}

fn correction(reason: CorrectionReason) -> CorrectionRequest {
    CorrectionRequest {
        id: Uuid::now_v7(),
        reason,
        exception: None,
        resolution: None,
        check_in_at: None,
        check_out_at: None,
        note: None,
        not_delivered: None,
        replaced_by: None,
    }
}

/// The events of an unscheduled visit on `day`, made on the phone with a new id.
fn unscheduled(person: Uuid, day: chrono::NaiveDate) -> (Uuid, Vec<VisitEvent>) {
    let id = Uuid::now_v7();
    let u = UnscheduledVisit { insured_person_id: person, on: day, reason: UnscheduledReason::Rescheduled };
    let mut events = vec![
        event(id, VisitEventBody::CheckIn { at: local(day, 240), position: gps(0.0) }),
        event(id, VisitEventBody::Task { at: local(day, 250), item: "SF-01".into(), done: true, reason: None }),
        event(id, VisitEventBody::CheckOut { at: local(day, 300), position: gps(0.0) }),
    ];
    for e in &mut events {
        e.unscheduled = Some(u.clone());
    }
    (id, events)
}

async fn the_exception_queue_is_worked_item_by_item(app: TestApp) {
    let world = app.world().await;
    import_policy_a(&world).await;
    let person = home_care_beneficiary(&app, &world, "异常", 61, 3).await;
    let staff = world.as_user("inst_a1");
    let phone = world.as_user("carer_a1");
    let day = |back: i64| today() - Duration::days(back);
    let plan = staff
        .create_care_plan(&CreateCarePlan {
            institution_id: None,
            insured_person_id: person,
            care_mode: CareMode::HomeVisit,
            start_on: day(5),
            end_on: today() + Duration::days(30),
            items: vec![PlanItem { code: "SF-01".into(), per_week: 7 }],
        })
        .await
        .expect("plan");
    // Days 5 to 2 back: every one of them is over by more than a day, whatever the hour now.
    let req = ScheduleRequest { plan_id: plan.id, caregiver_id: world.caregiver("carer_a1"), from: day(5), to: day(2) };
    let visits = staff.schedule_visits(&req).await.expect("schedule").created;
    let on = |back: i64| visits.iter().find(|v| v.scheduled_on == day(back)).expect("a visit that day").clone();
    let (review, open, replaced, missed) = (on(5), on(4), on(3), on(2));

    // Day 5: checked in and out far from home (review). Day 4: checked in, never out. Days 3 and
    // 2: unscheduled visits instead of the scheduled ones, which nobody checked into.
    upload(phone, &proper_visit(&review, gps(0.01))).await;
    upload(phone, &proper_visit(&open, gps(0.0))[..1]).await;
    let (u3, events) = unscheduled(person, day(3));
    assert!(upload(phone, &events).await.iter().all(|r| r.0 == EventOutcome::Applied));
    let (u2, events) = unscheduled(person, day(2));
    upload(phone, &events).await;

    let q = queue(staff, QueueKind::NeedsReview).await;
    assert_eq!(
        QueueKind::ALL.map(|k| count(&q, k)),
        [1, 2, 1, 2],
        "review, missed check-ins (days 3 and 2), missed check-out, unmatched: {:?}",
        q.counts
    );
    assert_eq!(q.items.iter().map(|i| i.visit.id).collect::<Vec<_>>(), [review.id]);
    assert!(q.items[0].age_hours >= 24, "it has waited since its check-out");
    let missed_in = queue(staff, QueueKind::MissedCheckIn).await;
    assert_eq!(
        missed_in.items.iter().map(|i| i.visit.id).collect::<Vec<_>>(),
        [replaced.id, missed.id],
        "oldest first"
    );
    let unmatched = queue(staff, QueueKind::Unmatched).await;
    assert_eq!(
        unmatched.items.iter().map(|i| (i.visit.id, i.scheduled_visit_id)).collect::<Vec<_>>(),
        [(u3, Some(replaced.id)), (u2, Some(missed.id))]
    );
    // Another institution's queue is empty, and its staff cannot correct these visits.
    let other = world.as_user("inst_a2");
    assert!(queue(other, QueueKind::NeedsReview).await.counts.iter().all(|c| c.count == 0));
    let mut close = correction(CorrectionReason::Other);
    close.not_delivered = Some(NotDeliveredReason::BeneficiaryAbsent);
    assert_eq!(
        other.correct_visit(missed.id, &close).await.expect_err("not theirs").status(),
        Some(reqwest::StatusCode::NOT_FOUND)
    );

    // Corrections that do not fit the visit are refused, naming the field.
    let refused = staff.correct_visit(open.id, &close).await.expect_err("it was checked into");
    assert_eq!(field_code(&refused, "not_delivered"), "delivered");
    let mut decide = correction(CorrectionReason::Other);
    decide.resolution = Some(ResolutionCode::NotConfirmed);
    let refused = staff.correct_visit(missed.id, &decide).await.expect_err("nothing to decide on");
    assert_eq!(field_code(&refused, "resolution"), "not_delivered");
    let mut link = correction(CorrectionReason::Other);
    link.not_delivered = Some(NotDeliveredReason::ReplacedByUnscheduled);
    link.replaced_by = Some(u2);
    let refused = staff.correct_visit(replaced.id, &link).await.expect_err("another day's visit");
    assert_eq!(field_code(&refused, "replaced_by"), "not_matching");
    link.id = Uuid::now_v7();
    link.replaced_by = None;
    let refused = staff.correct_visit(replaced.id, &link).await.expect_err("which visit replaced it");
    assert_eq!(field_code(&refused, "replaced_by"), "required");

    // Work each item: the review resolved, the check-out recorded, day 3 linked to the
    // unscheduled visit that replaced it, day 2's unscheduled visit rejected and the scheduled
    // one closed as not delivered.
    let mut resolve = correction(CorrectionReason::GpsDrift);
    resolve.exception = Some(ExceptionCode::OutsideGeofence);
    resolve.resolution = Some(ResolutionCode::ConfirmedByBeneficiary);
    assert_eq!(staff.correct_visit(review.id, &resolve).await.expect("resolved").state, VisitState::Verified);
    let mut check_out = correction(CorrectionReason::ForgotToCheck);
    check_out.check_out_at = Some(local(open.scheduled_on, 80));
    // Its item was never recorded on the phone: the visit moves to review, and is resolved.
    let recorded = staff.correct_visit(open.id, &check_out).await.expect("recorded");
    assert_eq!(recorded.state, VisitState::NeedsReview);
    assert!(recorded.exceptions.iter().any(|x| x.code == ExceptionCode::TaskNotRecorded), "{:?}", recorded.exceptions);
    let mut signed = correction(CorrectionReason::ForgotToCheck);
    signed.exception = Some(ExceptionCode::TaskNotRecorded);
    signed.resolution = Some(ResolutionCode::DocumentationProvided);
    assert_eq!(staff.correct_visit(open.id, &signed).await.expect("resolved").state, VisitState::Verified);
    link.id = Uuid::now_v7();
    link.replaced_by = Some(u3);
    link.note = Some("护理员改到下午上门，用了计划外服务".into());
    let linked = staff.correct_visit(replaced.id, &link).await.expect("linked");
    assert_eq!(linked.state, VisitState::Missed);
    assert_eq!(staff.correct_visit(replaced.id, &link).await.expect("the same again").events, linked.events);
    decide.id = Uuid::now_v7();
    decide.note = Some("家属称当天未上门".into());
    assert_eq!(staff.correct_visit(u2, &decide).await.expect("rejected").state, VisitState::Rejected);
    assert_eq!(staff.correct_visit(missed.id, &close).await.expect("closed").state, VisitState::Missed);
    let q = queue(staff, QueueKind::NeedsReview).await;
    assert!(q.counts.iter().all(|c| c.count == 0), "every item worked: {:?}", q.counts);

    // Nothing is deleted: the linked visit keeps its history with the correction, and the
    // phone's check-in for day 2, recorded offline and arriving now, opens the visit again.
    let history = staff.visit_events(replaced.id, PageQuery::default()).await.expect("history").items;
    assert_eq!(history.len(), 1);
    let late = proper_visit(&missed, gps(0.0));
    let out = upload(phone, &late[..1]).await;
    assert_eq!(out, [(EventOutcome::Applied, false, Some(VisitState::InProgress))]);
    let q = queue(staff, QueueKind::MissedCheckOut).await;
    assert_eq!(q.items.iter().map(|i| i.visit.id).collect::<Vec<_>>(), [missed.id], "now a missed check-out");
}
