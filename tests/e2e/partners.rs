//! Partner events: a hospital stay reported by medical insurance stops home-visit benefits for
//! its days (visits already verified are checked again), a death from civil affairs stops
//! everything after it; each reference is recorded once, by CSV file or by API.

use chrono::{Duration, NaiveDate};
use ltci_e2e::phone::{gps, planned_visits, proper_visit, upload};
use ltci_e2e::world::{id_number, person};
use ltci_e2e::{TestApp, field_code, field_codes, on_both_databases, today};
use ltci_shared::PageQuery;
use ltci_shared::api::care::{ExceptionCode, ScheduleRequest, Severity, VisitState};
use ltci_shared::api::partners::{
    DismissRequest, DismissalCode, HospitalisationFilter, PartnerBatch, PartnerEvent, PartnerEventFilter,
    PartnerEventKind, PartnerEventState, PartnerOutcome, PartnerSource,
};
use ltci_shared::api::registry::PersonStatus;
use ltci_shared::client::ClientError;

on_both_databases!(
    hospital_stays_and_deaths_stop_benefits,
    bad_partner_files_are_refused_whole,
    unmatched_events_are_matched_again_or_put_aside
);

fn csv(lines: &[String]) -> String {
    let mut out = String::from("source,external_ref,kind,id_number,on,episode_ref,hospital\n");
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn hospital(kind: PartnerEventKind, reference: &str, id: &str, on: NaiveDate, episode: &str) -> PartnerEvent {
    PartnerEvent {
        source: PartnerSource::MedicalInsurance,
        external_ref: reference.into(),
        kind,
        id_number: id.into(),
        on,
        episode_ref: Some(episode.into()),
        hospital: Some("测试市人民医院".into()),
    }
}

fn forbidden(e: &ClientError) -> bool {
    matches!(e, ClientError::Api { status, .. } if status.as_u16() == 403)
}

async fn hospital_stays_and_deaths_stop_benefits(app: TestApp) {
    let world = app.world().await;
    let (person, visits) = planned_visits(&app, &world, 71, 3).await;
    let id = world.as_user("admin_a").get_insured_person(person).await.expect("person").id_number;
    let phone = world.as_user("carer_a1");
    let admin = world.as_user("admin_a");

    // Today's visit is done and verified before anyone knows the person went into hospital.
    upload(phone, &proper_visit(&visits[0], gps(0.0))).await;
    assert_eq!(phone.visit(visits[0].id).await.expect("visit").state, VisitState::Verified);

    // Medical insurance reports yesterday's admission (and an admission of someone we do not
    // insure): today's visit is checked again and rejected; no visits are scheduled while in.
    let stranger = id_number(NaiveDate::from_ymd_opt(1950, 1, 1).expect("date"), 999);
    let file = csv(&[
        format!("medical_insurance,YB-1,hospital_admission,{id},{},ZY-77,测试市人民医院", today() - Duration::days(1)),
        format!("medical_insurance,YB-2,hospital_admission,{stranger},{},ZY-78,", today() - Duration::days(1)),
    ]);
    let out = admin.import_partner_events(file.clone()).await.expect("import");
    assert_eq!((out.applied, out.unmatched, out.duplicates, out.visits_reverified), (1, 1, 0, 1));
    assert_eq!(out.results[0].insured_person_id, Some(person));
    assert_eq!(out.results[1].outcome, PartnerOutcome::Unmatched);
    let blocked = phone.visit(visits[0].id).await.expect("visit");
    assert_eq!(blocked.state, VisitState::Rejected);
    assert_eq!(
        blocked.exceptions.iter().map(|x| (x.code, x.severity)).collect::<Vec<_>>(),
        [(ExceptionCode::Hospitalised, Severity::Block)]
    );
    let staff = world.as_user("inst_a1");
    let later = ScheduleRequest {
        plan_id: visits[0].plan_id.expect("plan"),
        caregiver_id: world.caregiver("carer_a1"),
        from: today() + Duration::days(3),
        to: today() + Duration::days(9),
    };
    assert!(staff.schedule_visits(&later).await.expect("schedule").created.is_empty(), "in hospital");

    // The same file again records nothing twice; the same reference with other content is refused.
    let again = admin.import_partner_events(file).await.expect("again");
    assert_eq!((again.applied, again.duplicates, again.unmatched, again.visits_reverified), (0, 2, 0, 0));
    let changed =
        csv(&[format!("medical_insurance,YB-1,hospital_admission,{id},{},ZY-77,", today() - Duration::days(2))]);
    let e = admin.import_partner_events(changed).await.expect_err("reference reused");
    assert_eq!(field_code(&e, "lines[2].external_ref"), "reference_conflict");

    // Discharged today: home again, today's visit counts after all, and scheduling resumes.
    let discharge = hospital(PartnerEventKind::HospitalDischarge, "YB-3", &id, today(), "ZY-77");
    let out = admin.record_partner_events(&PartnerBatch { events: vec![discharge] }).await.expect("discharge");
    assert_eq!((out.applied, out.visits_reverified), (1, 1));
    assert_eq!(phone.visit(visits[0].id).await.expect("visit").state, VisitState::Verified);
    assert_eq!(staff.schedule_visits(&later).await.expect("schedule").created.len(), 7);
    let stays = world
        .as_user("auditor_a")
        .hospitalisations(&HospitalisationFilter { insured_person_id: Some(person), on: None }, PageQuery::default())
        .await
        .expect("hospital stays");
    let h = &stays.items[0];
    assert_eq!(
        (h.episode_ref.as_str(), h.admitted_on, h.discharged_on, h.hospital.as_deref()),
        ("ZY-77", Some(today() - Duration::days(1)), Some(today()), Some("测试市人民医院"))
    );
    assert!(forbidden(
        &staff
            .hospitalisations(&HospitalisationFilter::default(), PageQuery::default())
            .await
            .expect_err("health data")
    ));
    let death = PartnerEvent {
        source: PartnerSource::CivilAffairs,
        external_ref: "MZ-9".into(),
        kind: PartnerEventKind::Death,
        id_number: id.clone(),
        on: today(),
        episode_ref: None,
        hospital: None,
    };
    assert!(forbidden(
        &staff.record_partner_events(&PartnerBatch { events: vec![death.clone()] }).await.expect_err("agency only")
    ));

    // Tomorrow's visit was recorded (the phone's clock ran ahead); then civil affairs reports the
    // death today: tomorrow's visit is rejected, today's goes to review, the plan ends today.
    upload(phone, &proper_visit(&visits[1], gps(0.0))).await;
    assert_eq!(phone.visit(visits[1].id).await.expect("visit").state, VisitState::Verified);
    let out = admin.record_partner_events(&PartnerBatch { events: vec![death] }).await.expect("death");
    assert_eq!((out.applied, out.plans_ended, out.visits_reverified), (1, 1, 2));
    let tomorrow = phone.visit(visits[1].id).await.expect("visit");
    assert_eq!(tomorrow.state, VisitState::Rejected);
    assert!(tomorrow.exceptions.iter().any(|x| (x.code, x.severity) == (ExceptionCode::Deceased, Severity::Block)));
    let on_the_day = phone.visit(visits[0].id).await.expect("visit");
    assert_eq!(on_the_day.state, VisitState::NeedsReview);
    let registered = admin.get_insured_person(person).await.expect("person");
    assert_eq!((registered.status, registered.died_on), (PersonStatus::Deceased, Some(today())));
    let plan = staff.care_plan(visits[0].plan_id.expect("plan")).await.expect("plan");
    assert_eq!(plan.end_on, today());
    let after = ScheduleRequest { from: today() + Duration::days(10), to: today() + Duration::days(20), ..later };
    let e = staff.schedule_visits(&after).await.expect_err("the plan has ended");
    assert_eq!(field_code(&e, "from"), "outside_plan");
}

async fn bad_partner_files_are_refused_whole(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("住院", 81)).await.expect("register");
    let id = p.id_number.clone();
    let mut typo = id.clone();
    typo.replace_range(17.., if id.ends_with('1') { "2" } else { "1" });
    let mut lines = vec![
        format!("medical_insurance,YB-10,hospital_admission,{id},{},ZY-1,", today()),
        format!("medical_insurance,YB-11,hospital_admission,{typo},{},ZY-2,", today()),
        format!("medical_insurance,YB-12,hospital_discharge,{id},{},,", today()),
        format!("civil_affairs,MZ-1,death,{id},{},ZY-3,", today() + Duration::days(1)),
        format!("medical_insurance,YB-10,hospital_admission,{id},{},ZY-1,", today()),
        "medical_insurance,YB-13,admission".to_owned(),
    ];
    let e = admin.import_partner_events(csv(&lines)).await.expect_err("refused");
    let fields: Vec<String> = field_codes(&e).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["lines[7].line"], "the CSV shape is checked first");
    lines.pop();
    let file = csv(&lines);
    let e = admin.import_partner_events(file).await.expect_err("refused");
    let codes = field_codes(&e);
    for (field, code) in [
        ("lines[4].episode_ref", "required"),
        ("lines[5].on", "in_future"),
        ("lines[5].episode_ref", "not_allowed"),
        ("lines[6].external_ref", "duplicate_reference"),
    ] {
        assert!(codes.contains(&(field.to_owned(), code.to_owned())), "{field} {code} in {codes:?}");
    }
    assert!(codes.iter().any(|(f, _)| f == "lines[3].id_number"), "the typo is named: {codes:?}");
    // A discharge before its admission, within one batch.
    let batch = PartnerBatch {
        events: vec![
            hospital(PartnerEventKind::HospitalAdmission, "YB-20", &id, today() - Duration::days(2), "ZY-5"),
            hospital(PartnerEventKind::HospitalDischarge, "YB-21", &id, today() - Duration::days(3), "ZY-5"),
        ],
    };
    let e = admin.record_partner_events(&batch).await.expect_err("refused");
    assert_eq!(field_code(&e, "events[1].on"), "before_admission");
    // Nothing of the refused files or batch was kept.
    let none = admin
        .hospitalisations(&HospitalisationFilter { insured_person_id: Some(p.id), on: None }, PageQuery::default())
        .await
        .expect("hospital stays");
    assert!(none.items.is_empty());
}

fn status(e: &ClientError) -> u16 {
    e.status().map_or(0, |s| s.as_u16())
}

fn in_state(state: PartnerEventState) -> PartnerEventFilter {
    PartnerEventFilter { state: Some(state), ..PartnerEventFilter::default() }
}

/// An event for someone not (yet) registered waits in the unmatched queue; once the person is
/// registered, matching again applies it as if it had just arrived; one that will never match
/// is put aside with a code and a reason, once, and stays recorded.
async fn unmatched_events_are_matched_again_or_put_aside(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let newcomer = person("后来登记", 501);
    let stranger = id_number(NaiveDate::from_ymd_opt(1950, 1, 1).expect("date"), 998);
    let admitted = today() - Duration::days(2);
    let death = PartnerEvent {
        source: PartnerSource::CivilAffairs,
        external_ref: "MZ-1".into(),
        kind: PartnerEventKind::Death,
        id_number: stranger.clone(),
        on: today() - Duration::days(1),
        episode_ref: None,
        hospital: None,
    };
    let events =
        vec![hospital(PartnerEventKind::HospitalAdmission, "YB-9", &newcomer.id_number, admitted, "ZY-9"), death];
    let out = admin.record_partner_events(&PartnerBatch { events: events.clone() }).await.expect("record");
    assert_eq!((out.applied, out.unmatched), (0, 2));
    // Another region's unmatched event is not in this region's queue.
    let b = world.as_user("admin_b");
    let elsewhere = hospital(PartnerEventKind::HospitalAdmission, "YB-B", &stranger, admitted, "ZY-B");
    b.record_partner_events(&PartnerBatch { events: vec![elsewhere] }).await.expect("region b");

    let queue =
        admin.partner_events(&in_state(PartnerEventState::Unmatched), PageQuery::default()).await.expect("queue");
    assert_eq!(queue.total, 2);
    assert!(queue.items.iter().all(|e| e.insured_person_id.is_none() && e.dismissal.is_none()));
    let auditor = world.as_user("auditor_a");
    assert_eq!(
        auditor
            .partner_events(&in_state(PartnerEventState::Unmatched), PageQuery::default())
            .await
            .expect("read")
            .total,
        2
    );
    let staff = world.as_user("inst_a1");
    assert!(forbidden(
        &staff.partner_events(&PartnerEventFilter::default(), PageQuery::default()).await.expect_err("agency only")
    ));
    assert!(forbidden(&auditor.rematch_partner_events().await.expect_err("read only")));

    // Nobody registered yet: matching again changes nothing.
    assert_eq!(admin.rematch_partner_events().await.expect("rematch").applied, 0);
    // The newcomer is registered: the admission applies now, and makes a hospital stay.
    let registered = admin.create_insured_person(&newcomer).await.expect("register");
    let out = admin.rematch_partner_events().await.expect("rematch");
    assert_eq!((out.applied, out.unmatched), (1, 0));
    assert_eq!(out.results[0].insured_person_id, Some(registered.id));
    let stays = admin
        .hospitalisations(
            &HospitalisationFilter { insured_person_id: Some(registered.id), on: None },
            PageQuery::default(),
        )
        .await
        .expect("stays");
    assert_eq!((stays.total, stays.items[0].admitted_on), (1, Some(admitted)));
    assert_eq!(admin.rematch_partner_events().await.expect("again").applied, 0, "matched once");
    let matched =
        admin.partner_events(&in_state(PartnerEventState::Matched), PageQuery::default()).await.expect("matched");
    assert_eq!(matched.items.iter().map(|e| e.external_ref.as_str()).collect::<Vec<_>>(), ["YB-9"]);

    // The death of someone the city does not insure is put aside, with a reason, once.
    let left =
        admin.partner_events(&in_state(PartnerEventState::Unmatched), PageQuery::default()).await.expect("queue");
    assert_eq!(left.total, 1);
    let id = left.items[0].id;
    let blank = DismissRequest { code: DismissalCode::NotInsuredHere, reason: " ".into() };
    assert_eq!(field_code(&admin.dismiss_partner_event(id, &blank).await.expect_err("reason"), "reason"), "required");
    let req = DismissRequest { code: DismissalCode::NotInsuredHere, reason: "经核实为外市参保人员".into() };
    assert!(forbidden(&auditor.dismiss_partner_event(id, &req).await.expect_err("read only")));
    assert_eq!(status(&b.dismiss_partner_event(id, &req).await.expect_err("another region")), 404);
    let put_aside = admin.dismiss_partner_event(id, &req).await.expect("dismiss");
    assert_eq!(put_aside.state, PartnerEventState::Dismissed);
    let d = put_aside.dismissal.clone().expect("dismissal");
    assert_eq!(
        (d.code, d.reason.as_str(), d.by),
        (DismissalCode::NotInsuredHere, "经核实为外市参保人员", world.user("admin_a"))
    );
    assert_eq!(admin.dismiss_partner_event(id, &req).await.expect("same decision again"), put_aside);
    let other = DismissRequest { code: DismissalCode::ReportedInError, reason: "误报".into() };
    assert_eq!(status(&admin.dismiss_partner_event(id, &other).await.expect_err("decided")), 409);
    assert_eq!(status(&admin.dismiss_partner_event(matched.items[0].id, &req).await.expect_err("matched")), 409);
    assert_eq!(
        admin.partner_events(&in_state(PartnerEventState::Unmatched), PageQuery::default()).await.expect("queue").total,
        0
    );

    // Still recorded: the partner's resending both is a duplicate; registering the stranger
    // later does not revive the event put aside.
    let again = admin.record_partner_events(&PartnerBatch { events }).await.expect("resend");
    assert_eq!(again.duplicates, 2);
    let mut late = person("外市人员", 1);
    late.id_number = stranger;
    let late = admin.create_insured_person(&late).await.expect("register");
    assert_eq!(admin.rematch_partner_events().await.expect("rematch").applied, 0);
    assert_eq!(admin.get_insured_person(late.id).await.expect("person").status, PersonStatus::Active);
}
