//! Home visits from the caregiver's phone: a day downloaded, worked offline and uploaded out of
//! order; retries and reused ids; verification at check-out, corrections and resolutions.

use chrono::Duration;
use ltci_e2e::phone::{event, gps, local, planned_visits, proper_visit, upload};
use ltci_e2e::world::{home_care_beneficiary, import_policy_a};
use ltci_e2e::{TestApp, field_code, on_both_databases, today};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{
    ChangesQuery, CorrectionReason, CorrectionRequest, CreateCarePlan, EventBatch, EventOutcome, ExceptionCode,
    NoGpsReason, PlanItem, Position, ResolutionCode, ScheduleRequest, UnscheduledReason, UnscheduledVisit, VisitEvent,
    VisitEventBody, VisitState,
};
use ltci_shared::api::registry::{PersonStatus, UpdateInsuredPersonRequest};
use uuid::Uuid;

on_both_databases!(
    a_caregivers_day_offline_then_uploaded,
    verification_findings_corrections_and_death,
    first_sync_of_a_typical_caregiver_is_small,
    phones_sending_at_once_are_applied_once_each,
    a_retry_is_answered_by_its_stored_id_whatever_todays_checks_say,
);

async fn a_caregivers_day_offline_then_uploaded(app: TestApp) {
    let world = app.world().await;
    let (person, scheduled) = planned_visits(&app, &world, 51, 7).await;
    let phone = world.as_user("carer_a1");

    // Morning, with signal: the first sync brings everything needed offline.
    let first = phone.sync_changes(&ChangesQuery::default()).await.expect("first sync");
    assert!(first.full);
    assert_eq!(first.beneficiary_ids, [person]);
    let b = &first.beneficiaries[0];
    assert_eq!((b.id, b.level, b.plan_items.len()), (person, Some(3), 2));
    assert!(b.id_number_masked.contains("********"), "masked: {}", b.id_number_masked);
    assert_eq!(
        b.emergency_contact.as_ref().map(|c| (c.name.as_str(), c.phone.as_str())),
        Some(("家属", "13900139000"))
    );
    assert_eq!(first.visits.len(), 7);
    assert_eq!(first.catalogue.as_ref().map(Vec::len), Some(6));
    assert_eq!(first.monitoring.as_ref().map(|m| m.geofence_radius_m), Some(300));

    // Offline all morning; back in signal the phone uploads. The check-out arrives first.
    let today_visit = first.visits.iter().find(|v| v.scheduled_on == today()).expect("today's visit").clone();
    let events = proper_visit(&today_visit, gps(0.0005));
    let (check_in, rest) = events.split_first().expect("events");
    let check_out = rest.last().expect("check-out");
    let out = upload(phone, std::slice::from_ref(check_out)).await;
    assert_eq!(out, [(EventOutcome::Applied, false, Some(VisitState::Completed))]);
    let out = upload(phone, &rest[..rest.len() - 1]).await;
    assert!(out.iter().all(|r| r.0 == EventOutcome::Applied));
    let out = upload(phone, std::slice::from_ref(check_in)).await;
    assert_eq!(out, [(EventOutcome::Applied, false, Some(VisitState::Verified))]);
    let visit = phone.visit(today_visit.id).await.expect("visit");
    assert_eq!(visit.state, VisitState::Verified, "{:?}", visit.exceptions);
    assert_eq!(visit.checked_in_at, Some(local(today(), 0)));
    assert_eq!(visit.events, u32::try_from(events.len()).expect("small"));
    assert!(visit.tasks.iter().all(|t| t.done));

    // The connection dropped before the answer came: the whole day again changes nothing.
    let out = upload(phone, &events).await;
    assert!(out.iter().all(|r| *r == (EventOutcome::Applied, true, Some(VisitState::Verified))), "{out:?}");
    assert_eq!(phone.visit(today_visit.id).await.expect("visit").events, visit.events);
    // An id reused for other content is a conflict, and changes nothing either.
    let mut reused = check_in.clone();
    reused.body = VisitEventBody::CheckIn { at: local(today(), 5), position: gps(0.0) };
    let out = phone.sync_events(&EventBatch { device_id: "phone-001".into(), events: vec![reused] }).await;
    let result = &out.expect("upload").results[0];
    assert_eq!(
        (result.outcome, result.error.as_ref().map(|e| e.code.as_str())),
        (EventOutcome::Conflict, Some("id_reused"))
    );
    assert_eq!(phone.visit(today_visit.id).await.expect("visit"), visit);

    // Another caregiver cannot write into this visit; the caregiver cannot correct it.
    let intruder = world.as_user("carer_a2");
    let foreign = event(today_visit.id, VisitEventBody::Note { at: local(today(), 80), text: "x".into() });
    let out = intruder.sync_events(&EventBatch { device_id: "p2".into(), events: vec![foreign] }).await.expect("send");
    assert_eq!(out.results[0].error.as_ref().map(|e| e.code.as_str()), Some("not_your_visit"));
    let self_correction = event(
        today_visit.id,
        VisitEventBody::Correction {
            at: local(today(), 90),
            reason: CorrectionReason::Other,
            exception: None,
            resolution: None,
            check_in_at: Some(local(today(), -30)),
            check_out_at: None,
            note: None,
            not_delivered: None,
            replaced_by: None,
        },
    );
    let out = phone.sync_events(&EventBatch { device_id: "phone-001".into(), events: vec![self_correction] }).await;
    assert_eq!(out.expect("send").results[0].error.as_ref().map(|e| e.code.as_str()), Some("correction_not_allowed"));

    // An unscheduled visit in the afternoon, made on the phone with its own id; feeding assistance
    // is not in the plan, so it waits for review. An item not done needs its reason.
    let extra = Uuid::now_v7();
    let unscheduled =
        UnscheduledVisit { insured_person_id: person, on: today(), reason: UnscheduledReason::UrgentNeed };
    let with = |body| VisitEvent { id: Uuid::now_v7(), visit_id: extra, unscheduled: Some(unscheduled.clone()), body };
    let no_reason =
        with(VisitEventBody::Task { at: local(today(), 310), item: "SF-01".into(), done: false, reason: None });
    let afternoon = vec![
        with(VisitEventBody::CheckIn { at: local(today(), 300), position: gps(0.0) }),
        with(VisitEventBody::Task { at: local(today(), 305), item: "SF-02".into(), done: true, reason: None }),
        no_reason,
        with(VisitEventBody::CheckOut { at: local(today(), 330), position: gps(0.0) }),
    ];
    let out = phone.sync_events(&EventBatch { device_id: "phone-001".into(), events: afternoon }).await.expect("send");
    let errors: Vec<Option<&str>> = out.results.iter().map(|r| r.error.as_ref().map(|e| e.code.as_str())).collect();
    assert_eq!(errors, [None, None, Some("reason_required"), None]);
    let v = phone.visit(extra).await.expect("unscheduled visit");
    assert_eq!((v.state, v.unscheduled_reason), (VisitState::NeedsReview, Some(UnscheduledReason::UrgentNeed)));
    let codes: Vec<ExceptionCode> = v.exceptions.iter().map(|x| x.code).collect();
    assert_eq!(codes, [ExceptionCode::NotInPlan]);

    // Evening sync: only what changed — the two visits of today, no catalogue, no beneficiary.
    let next = phone.sync_changes(&ChangesQuery { since: Some(first.cursor.clone()) }).await.expect("sync");
    assert!(!next.full);
    let changed: Vec<Uuid> = next.visits.iter().map(|v| v.id).collect();
    // Visits written within the cursor's minute of overlap come again; today's two must be there.
    assert!([today_visit.id, extra].iter().all(|id| changed.contains(id)), "{changed:?}");
    assert!(next.catalogue.is_none());
    let bad = phone.sync_changes(&ChangesQuery { since: Some("yesterday".into()) }).await.expect_err("cursor");
    assert_eq!(field_code(&bad, "since"), "invalid_cursor");

    // The institution reads the whole history; the other institution sees nothing.
    let history = world.as_user("inst_a1").visit_events(today_visit.id, ltci_e2e::all()).await.expect("history").items;
    assert_eq!(history.len(), events.len());
    assert!(world.as_user("inst_a2").visit(today_visit.id).await.is_err());
    assert_eq!(scheduled.len(), 7);
}

async fn verification_findings_corrections_and_death(app: TestApp) {
    let world = app.world().await;
    let (person, visits) = planned_visits(&app, &world, 61, 4).await;
    let phone = world.as_user("carer_a1");
    let staff = world.as_user("inst_a1");

    // Day 1: checked in 1.1 km away: review; staff confirm by phone call: verified; a later
    // "not confirmed" decision rejects it. Resolving an exception the visit lacks is refused.
    let v = &visits[0];
    upload(phone, &proper_visit(v, gps(0.01))).await;
    let seen = phone.visit(v.id).await.expect("visit");
    assert_eq!(seen.state, VisitState::NeedsReview);
    assert_eq!(seen.exceptions.iter().map(|x| x.code).collect::<Vec<_>>(), [ExceptionCode::OutsideGeofence]);
    let resolve = |resolution| CorrectionRequest {
        id: Uuid::now_v7(),
        reason: CorrectionReason::GpsDrift,
        exception: Some(ExceptionCode::OutsideGeofence),
        resolution: Some(resolution),
        check_in_at: None,
        check_out_at: None,
        note: Some("电话回访家属确认".into()),
        not_delivered: None,
        replaced_by: None,
    };
    let confirm = resolve(ResolutionCode::ConfirmedByBeneficiary);
    let fixed = staff.correct_visit(v.id, &confirm).await.expect("confirm");
    assert_eq!(fixed.state, VisitState::Verified);
    assert_eq!(fixed.exceptions[0].resolution, Some(ResolutionCode::ConfirmedByBeneficiary));
    assert_eq!(staff.correct_visit(v.id, &confirm).await.expect("same again").events, fixed.events);
    let mut wrong = resolve(ResolutionCode::ConfirmedBySupervisor);
    wrong.exception = Some(ExceptionCode::TooShort);
    assert_eq!(
        field_code(&staff.correct_visit(v.id, &wrong).await.expect_err("no such"), "exception"),
        "no_such_exception"
    );
    assert!(phone.correct_visit(v.id, &resolve(ResolutionCode::NotConfirmed)).await.is_err(), "not the caregiver's");
    let rejected = staff.correct_visit(v.id, &resolve(ResolutionCode::NotConfirmed)).await.expect("not confirmed");
    assert_eq!(rejected.state, VisitState::Rejected);

    // Day 2: the caregiver forgot to check out; the institution records the time with a reason.
    let v = &visits[1];
    let mut events = proper_visit(v, gps(0.0));
    events.pop();
    upload(phone, &events).await;
    assert_eq!(phone.visit(v.id).await.expect("visit").state, VisitState::InProgress);
    let forgot = CorrectionRequest {
        id: Uuid::now_v7(),
        reason: CorrectionReason::ForgotToCheck,
        exception: None,
        resolution: None,
        check_in_at: None,
        check_out_at: Some(local(v.scheduled_on, 75)),
        note: None,
        not_delivered: None,
        replaced_by: None,
    };
    let corrected = staff.correct_visit(v.id, &forgot).await.expect("check-out recorded");
    assert_eq!((corrected.state, corrected.checked_out_at), (VisitState::Verified, Some(local(v.scheduled_on, 75))));
    let history = staff.visit_events(v.id, ltci_e2e::all()).await.expect("history").items;
    assert_eq!(history.len(), events.len() + 1, "the correction is an event; nothing overwritten");

    // Day 3: ten minutes for items that take an hour: too short. No GPS at check-out: review too.
    let v = &visits[2];
    let mut events = proper_visit(v, gps(0.0));
    let last = events.len() - 1;
    events[last].body = VisitEventBody::CheckOut {
        at: local(v.scheduled_on, 10),
        position: Position::Unavailable { reason: NoGpsReason::NoSignal },
    };
    upload(phone, &events).await;
    let short = phone.visit(v.id).await.expect("visit");
    let mut codes: Vec<ExceptionCode> = short.exceptions.iter().map(|x| x.code).collect();
    codes.sort();
    assert_eq!(codes, [ExceptionCode::LocationUnavailable, ExceptionCode::TooShort]);
    assert_eq!(short.state, VisitState::NeedsReview);

    // The beneficiary dies today: the visit after today is rejected, and no more are scheduled.
    let admin = world.as_user("admin_a");
    let current = admin.get_insured_person(person).await.expect("person");
    let death = UpdateInsuredPersonRequest {
        version: current.version,
        status: Some(PersonStatus::Deceased),
        died_on: Some(today()),
        ..Default::default()
    };
    admin.update_insured_person(person, &death).await.expect("record the death");
    let v = &visits[3];
    assert!(v.scheduled_on > today());
    upload(phone, &proper_visit(v, gps(0.0))).await;
    let after = phone.visit(v.id).await.expect("visit");
    assert_eq!(after.state, VisitState::Rejected);
    assert!(after.exceptions.iter().any(|x| x.code == ExceptionCode::Deceased));
    let plan_id = v.plan_id.expect("plan");
    let more = ScheduleRequest {
        plan_id,
        caregiver_id: world.caregiver("carer_a1"),
        from: today(),
        to: today() + Duration::days(20),
    };
    let outcome = staff.schedule_visits(&more).await.expect("schedule");
    assert!(outcome.created.is_empty(), "no visits after the death");
}

/// A typical village caregiver: 30 beneficiaries, a week of daily visits. The first sync's body
/// is printed (the figure in `docs/care.md`) and must stay small enough for a weak connection.
async fn first_sync_of_a_typical_caregiver_is_small(app: TestApp) {
    let world = app.world().await;
    import_policy_a(&world).await;
    let staff = world.as_user("inst_a1");
    for n in 0..30u16 {
        let person = home_care_beneficiary(&app, &world, &format!("村民{n}"), 100 + n, 3).await;
        let plan = staff
            .create_care_plan(&CreateCarePlan {
                institution_id: None,
                insured_person_id: person,
                care_mode: CareMode::HomeVisit,
                start_on: today(),
                end_on: today() + Duration::days(30),
                items: vec![
                    PlanItem { code: "SF-01".into(), per_week: 7 },
                    PlanItem { code: "SF-02".into(), per_week: 7 },
                    PlanItem { code: "SF-04".into(), per_week: 3 },
                ],
            })
            .await
            .expect("plan");
        let req = ScheduleRequest {
            plan_id: plan.id,
            caregiver_id: world.caregiver("carer_a1"),
            from: today(),
            to: today() + Duration::days(6),
        };
        staff.schedule_visits(&req).await.expect("schedule");
    }
    let phone = world.as_user("carer_a1");
    let changes = phone.sync_changes(&ChangesQuery::default()).await.expect("first sync");
    assert_eq!((changes.beneficiaries.len(), changes.visits.len()), (30, 210));
    // What travels: the body as sent with and without gzip (the client normally asks for gzip).
    let token = phone.access_token().expect("signed in");
    let raw = reqwest::Client::builder().no_gzip().build().expect("client");
    let mut sizes = Vec::new();
    for encoding in ["identity", "gzip"] {
        let resp = raw
            .get(format!("{}/api/v1/sync/changes", app.base_url))
            .bearer_auth(token)
            .header("accept-encoding", encoding)
            .send()
            .await
            .expect("first sync");
        assert_eq!(resp.status(), reqwest::StatusCode::OK);
        let gzipped = resp.headers().get("content-encoding").is_some_and(|v| v == "gzip");
        assert_eq!(gzipped, encoding == "gzip");
        sizes.push(resp.bytes().await.expect("body").len());
    }
    eprintln!(
        "first sync of a caregiver with 30 beneficiaries and 7 days of visits: {} bytes, {} bytes gzipped",
        sizes[0], sizes[1]
    );
    assert!(sizes[1] < 64 * 1024, "the gzipped first sync grew to {} bytes", sizes[1]);
}

/// Phones of the same moment are applied together (group commit): each event once, retries as
/// replays, a reused id as a conflict, another caregiver's visit refused — as one by one.
async fn phones_sending_at_once_are_applied_once_each(app: TestApp) {
    let world = app.world().await;
    let (_, visits) = planned_visits(&app, &world, 91, 7).await;
    let phone = world.as_user("carer_a1");
    let check_in = |v: &ltci_shared::api::care::Visit, minutes| {
        event(v.id, VisitEventBody::CheckIn { at: local(v.scheduled_on, minutes), position: gps(0.0) })
    };
    // Each visit's check-in and a note, sent three times over (a phone retrying) all at once, with
    // another caregiver writing into one of the visits.
    let batches: Vec<Vec<_>> = visits
        .iter()
        .map(|v| {
            vec![
                check_in(v, 0),
                event(v.id, VisitEventBody::Note { at: local(v.scheduled_on, 5), text: "到达".into() }),
            ]
        })
        .collect();
    let mut reused = batches[0][0].clone();
    reused.body = VisitEventBody::CheckIn { at: local(visits[0].scheduled_on, 9), position: gps(0.0) };
    let mut sends = Vec::new();
    for round in 0..3 {
        for b in &batches {
            let (phone, b) = (phone.clone(), b.clone());
            sends.push(tokio::spawn(async move { (round, b.clone(), upload(&phone, &b).await) }));
        }
    }
    let foreign = world.as_user("carer_a2").clone();
    let intruder = event(visits[1].id, VisitEventBody::Note { at: local(visits[1].scheduled_on, 7), text: "x".into() });
    let stranger = tokio::spawn(async move {
        foreign.sync_events(&EventBatch { device_id: "p2".into(), events: vec![intruder] }).await.expect("send")
    });
    let mut first_time: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    for s in sends {
        let (_, batch, out) = s.await.expect("task");
        for (e, (outcome, replay, state)) in batch.iter().zip(out) {
            assert_eq!((outcome, state), (EventOutcome::Applied, Some(VisitState::InProgress)), "{e:?}");
            if !replay {
                *first_time.entry(e.id).or_default() += 1;
            }
        }
    }
    assert_eq!(first_time.len(), 14, "every event applied");
    assert!(first_time.values().all(|n| *n == 1), "each exactly once: {first_time:?}");
    let out = stranger.await.expect("task");
    assert_eq!(out.results[0].error.as_ref().map(|e| e.code.as_str()), Some("not_your_visit"));
    // The first check-in's id reused for another time, with a fresh note: a conflict, and the note
    // is applied.
    let note =
        event(visits[0].id, VisitEventBody::Note { at: local(visits[0].scheduled_on, 20), text: "血压正常".into() });
    let out =
        phone.sync_events(&EventBatch { device_id: "p3".into(), events: vec![reused, note] }).await.expect("send");
    assert_eq!(out.results[0].error.as_ref().map(|e| e.code.as_str()), Some("id_reused"));
    assert_eq!((out.results[1].outcome, out.results[1].replay), (EventOutcome::Applied, false));
    let kept = phone.visit_events(visits[0].id, ltci_e2e::all()).await.expect("history").items;
    assert_eq!(kept.len(), 3, "check-in and two notes");
    assert_eq!(kept.iter().filter(|e| e.body.at() == local(visits[0].scheduled_on, 9)).count(), 0);
    for v in &visits[1..] {
        let seen = phone.visit(v.id).await.expect("visit");
        assert_eq!((seen.state, seen.events), (VisitState::InProgress, 2));
    }

    // The token alone is not enough: once the account is deactivated, nothing more is taken.
    world.as_user("inst_a1").deactivate_user(world.user("carer_a1")).await.expect("deactivate");
    let late = event(visits[2].id, VisitEventBody::Note { at: local(visits[2].scheduled_on, 30), text: "补记".into() });
    let e = phone.sync_events(&EventBatch { device_id: "p1".into(), events: vec![late] }).await.expect_err("inactive");
    assert!(matches!(&e, ltci_shared::client::ClientError::Api { status, .. } if status.as_u16() == 401), "{e}");
    assert_eq!(world.as_user("inst_a1").visit(visits[2].id).await.expect("visit").events, 2);
}

async fn a_retry_is_answered_by_its_stored_id_whatever_todays_checks_say(app: TestApp) {
    use ltci_server::entities::visit_event;
    use sea_orm::{ActiveModelTrait, Set};
    let world = app.world().await;
    let (_, visits) = planned_visits(&app, &world, 93, 2).await;
    let phone = world.as_user("carer_a1");
    let v = &visits[0];
    // An event the server took under an earlier rule: an item not done without a reason, which
    // today's checks refuse.
    let old = event(
        v.id,
        VisitEventBody::Task { at: local(v.scheduled_on, 12), item: "SF-01".into(), done: false, reason: None },
    );
    let canonical = serde_json::to_string(&old).expect("json");
    visit_event::ActiveModel {
        id: Set(old.id),
        visit_id: Set(v.id),
        kind: Set("task".into()),
        occurred_at: Set(old.body.at()),
        body: Set(canonical.clone()),
        sha256: Set(ltci_server::digest::sha256_hex(&canonical)),
        device_id: Set("phone-001".into()),
        recorded_by: Set(world.user("carer_a1")),
        received_at: Set(chrono::Utc::now()),
    }
    .insert(&app.db)
    .await
    .expect("stored under the earlier rule");
    // The phone that lost the answer sends it again: a replay, not a refusal it would re-enter.
    assert_eq!(upload(phone, std::slice::from_ref(&old)).await[0].0, EventOutcome::Applied);
    let out = phone
        .sync_events(&EventBatch { device_id: "phone-001".into(), events: vec![old.clone()] })
        .await
        .expect("send");
    assert_eq!((out.results[0].outcome, out.results[0].replay), (EventOutcome::Applied, true), "{:?}", out.results[0]);

    // The id with other content is a conflict — from this phone, or from another caregiver, on
    // this visit or on their own: never an answer that depends on who asks first.
    let mut other = old.clone();
    other.body = VisitEventBody::Note { at: local(v.scheduled_on, 13), text: "另一条".into() };
    let code_of = |out: ltci_shared::api::care::BatchOutcome| {
        (out.results[0].outcome, out.results[0].error.as_ref().map(|e| e.code.clone()))
    };
    let conflict = (EventOutcome::Conflict, Some("id_reused".to_owned()));
    let out = phone
        .sync_events(&EventBatch { device_id: "phone-001".into(), events: vec![other.clone()] })
        .await
        .expect("send");
    assert_eq!(code_of(out), conflict);
    let stranger = world.as_user("carer_a2");
    let out =
        stranger.sync_events(&EventBatch { device_id: "p2".into(), events: vec![other.clone()] }).await.expect("send");
    assert_eq!(code_of(out), conflict, "another caregiver on this visit");
    let out =
        stranger.sync_events(&EventBatch { device_id: "p2".into(), events: vec![old.clone()] }).await.expect("send");
    assert_eq!(out.results[0].outcome, EventOutcome::Applied, "the very event: a replay that changes nothing");

    // At once: a new event sent six times and its id with other content twice. One of the two
    // contents is taken, once; every copy of it is answered applied, every copy of the other a
    // conflict.
    let fresh = event(v.id, VisitEventBody::Note { at: local(v.scheduled_on, 20), text: "同时".into() });
    let mut rival = fresh.clone();
    rival.body = VisitEventBody::Note { at: local(v.scheduled_on, 21), text: "同号".into() };
    let mut sends = Vec::new();
    for (n, e) in std::iter::repeat_n(fresh.clone(), 6).chain(std::iter::repeat_n(rival.clone(), 2)).enumerate() {
        let phone = phone.clone();
        sends.push(tokio::spawn(async move {
            let out = phone.sync_events(&EventBatch { device_id: format!("p{n}"), events: vec![e.clone()] }).await;
            (e, out.expect("send").results.remove(0))
        }));
    }
    let mut answers = Vec::new();
    for s in sends {
        answers.push(s.await.expect("task"));
    }
    let firsts: Vec<_> = answers.iter().filter(|(_, r)| r.outcome == EventOutcome::Applied && !r.replay).collect();
    assert_eq!(firsts.len(), 1, "taken once: {answers:?}");
    let taken = firsts[0].0.body.clone();
    for (e, r) in &answers {
        let expected = if e.body == taken { EventOutcome::Applied } else { EventOutcome::Conflict };
        assert_eq!(r.outcome, expected, "{e:?}: {r:?}");
    }
    let stored = phone.visit_events(v.id, ltci_e2e::all()).await.expect("history").items;
    assert_eq!(stored.iter().filter(|e| e.id == fresh.id).count(), 1);
}
