//! Beneficiary follow-up (回访与评价): a month's sample drawn from those who received care,
//! reproducible from its seed and drawn once; answers recorded once, "care not given" opening a
//! finding whose confirmation deducts the month's services from the submitted bill, "payment
//! asked" another; institutions see their recorded follow-ups only; the averages per
//! institution and caregiver, and the evaluation's satisfaction category scored from them.

use chrono::{Datelike, Duration};
use ltci_e2e::phone::{gps, proper_visit, upload};
use ltci_e2e::{TestApp, World, all, field_code, on_both_databases, today};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::evaluation::{EvaluationRequest, ViolationSource};
use ltci_shared::api::follow_ups::{
    FollowUpAnswer, FollowUpChannel, FollowUpFilter, FollowUpSampleRequest, FollowUpStatus, RequestFollowUp,
};
use ltci_shared::api::settlement::ComputeBill;
use ltci_shared::api::supervision::{DecideFinding, FindingDecision, FindingFilter, Moment, Rule};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::settlement::{all_lines, beneficiary, import_policy, last_month, resident, scheduled_last_month, status};

on_both_databases!(
    a_months_sample_is_reproducible_and_answers_open_findings,
    on_demand_care_not_given_reaches_the_bill_and_the_evaluation,
    an_officer_samples_and_records_in_the_console,
);

/// A home-visit beneficiary of a1 visited three times by carer_a1 last month.
async fn visited_last_month(app: &TestApp, world: &World, seq: u16) -> Uuid {
    let (person, visits) = scheduled_last_month(app, world, "回访对象", seq, 3).await;
    for v in &visits {
        upload(world.as_user("carer_a1"), &proper_visit(v, gps(0.0))).await;
    }
    person
}

fn answered(satisfaction: u8, care_given: bool, payment_asked: bool, version: i32) -> FollowUpAnswer {
    FollowUpAnswer {
        status: FollowUpStatus::Done,
        channel: FollowUpChannel::Phone,
        care_given: Some(care_given),
        payment_asked: Some(payment_asked),
        satisfaction: Some(satisfaction),
        comment: Some("家属表示护理员上月未上门".into()),
        version,
    }
}

async fn a_months_sample_is_reproducible_and_answers_open_findings(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (first, _, month) = last_month();
    let admin = world.as_user("admin_a");
    let visited = visited_last_month(&app, &world, 811).await;
    let (r1, _, _) = resident(&app, &world, 812, first - Duration::days(3)).await;
    let (r2, _, _) = resident(&app, &world, 813, first + Duration::days(4)).await;
    // Registered and certified, but served by nobody last month: never drawn.
    let (idle, _) = beneficiary(&app, &world, "未服务", 814, 3, CareMode::HomeVisit).await;

    // Refused: a month not over, no size, a bad seed.
    let this_month = format!("{:04}-{:02}", today().year(), today().month());
    let e = admin
        .draw_follow_up_sample(&FollowUpSampleRequest { month: this_month, size: 0, seed: Some("a b".into()) })
        .await;
    let e = e.expect_err("refused");
    for (field, code) in [("month", "month_not_over"), ("size", "out_of_range"), ("seed", "invalid_seed")] {
        assert_eq!(field_code(&e, field), code, "{field}");
    }
    assert_eq!(
        status(
            &world
                .as_user("auditor_a")
                .draw_follow_up_sample(&FollowUpSampleRequest { month: month.clone(), size: 2, seed: None })
                .await
                .expect_err("auditor")
        ),
        403
    );

    // Two of the three served, drawn from the seed: anyone drawing again gets the same two.
    let req = FollowUpSampleRequest { month: month.clone(), size: 2, seed: Some("HF-2026".into()) };
    let s = admin.draw_follow_up_sample(&req).await.expect("sampled");
    assert_eq!((s.population, s.follow_ups.len()), (3, 2));
    let mut served = [visited, r1, r2];
    served.sort();
    let labels: Vec<(String, u32)> = served.iter().map(|p| (format!("person:{p}"), 1)).collect();
    let mut again: Vec<Uuid> =
        ltci_shared::draw::sample("HF-2026", &labels, 2).into_iter().map(|i| served[i]).collect();
    let mut drawn: Vec<Uuid> = s.follow_ups.iter().map(|f| f.insured_person_id).collect();
    again.sort();
    drawn.sort();
    assert_eq!(drawn, again);
    assert!(!drawn.contains(&idle));
    assert!(
        s.follow_ups.iter().all(|f| f.status == FollowUpStatus::Pending && f.institution_id == world.institution("a1"))
    );
    // Once a month: sent again, the same sample; another size is refused.
    let same = admin.draw_follow_up_sample(&req).await.expect("same");
    assert_eq!(
        same.follow_ups.iter().map(|f| f.id).collect::<Vec<_>>(),
        s.follow_ups.iter().map(|f| f.id).collect::<Vec<_>>()
    );
    assert_eq!(
        status(
            &admin
                .draw_follow_up_sample(&FollowUpSampleRequest { size: 3, ..req.clone() })
                .await
                .expect_err("other size")
        ),
        409
    );
    assert_eq!(admin.follow_up_sample(&month).await.expect("read").id, s.id);
    assert_eq!(world.as_user("auditor_a").follow_up_sample(&month).await.expect("auditor").id, s.id);
    let e = world.as_user("inst_a1").follow_up_sample(&month).await.expect_err("not told beforehand");
    assert_eq!(status(&e), 403);

    // Not yet asked: the institution sees nothing.
    assert_eq!(world.as_user("inst_a1").follow_ups(&FollowUpFilter::default(), all()).await.expect("a1").total, 0);

    // Refused answers.
    let (one, two) = (&s.follow_ups[0], &s.follow_ups[1]);
    let mut missing = answered(3, true, false, one.version);
    missing.satisfaction = None;
    assert_eq!(
        field_code(&admin.answer_follow_up(one.id, &missing).await.expect_err("missing"), "satisfaction"),
        "required"
    );
    let mut too_high = answered(6, true, false, one.version);
    too_high.care_given = None;
    let e = admin.answer_follow_up(one.id, &too_high).await.expect_err("bad");
    assert_eq!(
        (field_code(&e, "satisfaction"), field_code(&e, "care_given")),
        ("out_of_range".into(), "required".into())
    );
    let unreachable_with =
        FollowUpAnswer { status: FollowUpStatus::Unreachable, ..answered(3, true, false, two.version) };
    assert_eq!(
        field_code(&admin.answer_follow_up(two.id, &unreachable_with).await.expect_err("answers"), "satisfaction"),
        "not_allowed"
    );
    assert_eq!(
        status(&admin.answer_follow_up(one.id, &answered(3, true, false, one.version + 1)).await.expect_err("stale")),
        409
    );
    assert_eq!(
        status(
            &world
                .as_user("admin_b")
                .answer_follow_up(one.id, &answered(3, true, false, one.version))
                .await
                .expect_err("B")
        ),
        404
    );

    // Care not given and payment asked: two findings of moment follow-up; the other unreachable.
    let done = admin.answer_follow_up(one.id, &answered(2, false, true, one.version)).await.expect("recorded");
    assert_eq!((done.status, done.finding_ids.len()), (FollowUpStatus::Done, 2));
    assert_eq!(
        status(&admin.answer_follow_up(one.id, &answered(2, false, true, done.version)).await.expect_err("twice")),
        409
    );
    let unreachable = FollowUpAnswer {
        status: FollowUpStatus::Unreachable,
        care_given: None,
        payment_asked: None,
        satisfaction: None,
        comment: None,
        channel: FollowUpChannel::Visit,
        version: two.version,
    };
    admin.answer_follow_up(two.id, &unreachable).await.expect("unreachable");
    let found = admin
        .findings(&FindingFilter { moment: Some(Moment::FollowUp), ..Default::default() }, all())
        .await
        .expect("findings")
        .items;
    let rules: Vec<Rule> = found.iter().map(|f| f.rule).collect();
    assert!(
        rules.contains(&Rule::CareNotGiven) && rules.contains(&Rule::PaymentAsked) && found.len() == 2,
        "{rules:?}"
    );
    let not_given = found.iter().find(|f| f.rule == Rule::CareNotGiven).expect("care not given");
    assert_eq!(not_given.insured_person_id, Some(one.insured_person_id));
    assert!(!not_given.records.is_empty() && not_given.records.iter().all(|r| r.affected), "{:?}", not_given.records);
    assert_eq!(not_given.evidence["follow_up_id"], serde_json::json!(one.id));

    // The institution sees the two recorded, a2 none; the averages per institution and caregiver.
    assert_eq!(world.as_user("inst_a1").follow_ups(&FollowUpFilter::default(), all()).await.expect("a1").total, 2);
    assert_eq!(world.as_user("inst_a2").follow_ups(&FollowUpFilter::default(), all()).await.expect("a2").total, 0);
    let avg = admin.follow_up_averages(first.year()).await.expect("averages");
    let a1 = avg.institutions.iter().find(|r| r.id == world.institution("a1")).expect("a1");
    assert_eq!(
        (a1.answered, a1.unreachable, a1.average_satisfaction, a1.care_not_given, a1.payment_asked),
        (1, 1, Some(Decimal::new(200, 2)), 1, 1)
    );
    let theirs = world.as_user("inst_a2").follow_up_averages(first.year()).await.expect("a2");
    assert!(theirs.institutions.is_empty());
}

async fn on_demand_care_not_given_reaches_the_bill_and_the_evaluation(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (first, _, month) = last_month();
    let (admin, a1) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    let visited = visited_last_month(&app, &world, 821).await;
    let (resident_id, _, _) = resident(&app, &world, 822, first - Duration::days(3)).await;
    let (idle, _) = beneficiary(&app, &world, "未服务", 823, 3, CareMode::HomeVisit).await;

    // On demand, idempotent by its id; someone not served that month, or of another region, refused.
    let ask = RequestFollowUp {
        id: Uuid::now_v7(),
        insured_person_id: visited,
        month: month.clone(),
        reason: "家属来电投诉未上门".into(),
    };
    let f = admin.request_follow_up(&ask).await.expect("asked");
    assert_eq!((f.caregiver_id, f.sample_id), (Some(world.caregiver("carer_a1")), None));
    assert_eq!(admin.request_follow_up(&ask).await.expect("again").id, f.id);
    let e =
        admin.request_follow_up(&RequestFollowUp { id: Uuid::now_v7(), insured_person_id: idle, ..ask.clone() }).await;
    assert_eq!(field_code(&e.expect_err("not served"), "month"), "person_not_served");
    let e = world.as_user("admin_b").request_follow_up(&RequestFollowUp { id: Uuid::now_v7(), ..ask.clone() }).await;
    assert_eq!(field_code(&e.expect_err("region B"), "insured_person_id"), "unknown_person");

    // The month's bill is submitted; then "care not given", confirmed, deducts the three visits.
    let bill = a1.compute_bill(&ComputeBill { institution_id: None, month: month.clone() }).await.expect("bill");
    let visit_lines: Decimal =
        all_lines(a1, bill.id).await.iter().filter(|l| l.source == "visit").map(|l| l.fund_amount).sum();
    assert!(visit_lines > Decimal::ZERO);
    a1.submit_bill(bill.id).await.expect("submitted");
    let done = admin.answer_follow_up(f.id, &answered(2, false, false, f.version)).await.expect("recorded");
    assert_eq!(done.finding_ids.len(), 1);
    let confirm = DecideFinding {
        decision: FindingDecision::Confirmed,
        reason: "回访核实未上门".into(),
        points: None,
        serious: false,
    };
    let decided = admin.decide_finding(done.finding_ids[0], &confirm).await.expect("confirmed");
    assert_eq!(decided.deducted, visit_lines, "the month's visits deducted from the submitted bill");
    let violations = admin.list_violations(world.institution("a1"), all()).await.expect("violations").items;
    let v = violations.iter().find(|v| Some(v.id) == decided.violation_id).expect("a violation recorded");
    assert_eq!((v.source, v.points), (ViolationSource::FollowUp, 10), "{v:?}");

    // The resident, satisfied (4): the year's mean is 3, so satisfaction scores 60 of 100 —
    // whatever the officer sends for it.
    let r = admin
        .request_follow_up(&RequestFollowUp { id: Uuid::now_v7(), insured_person_id: resident_id, ..ask.clone() })
        .await
        .expect("asked");
    admin.answer_follow_up(r.id, &answered(4, true, false, r.version)).await.expect("recorded");
    let req = EvaluationRequest {
        year: first.year(),
        scores: ltci_e2e::world::evaluation_scores(1000),
        evaluated_on: Some(today()),
        notes: None,
    };
    let evaluation = admin.evaluate_institution(world.institution("a1"), &req).await.expect("evaluated");
    let satisfaction = evaluation.categories.iter().find(|c| c.code == "satisfaction").expect("category");
    assert_eq!(satisfaction.points, 60);
    assert!(satisfaction.note.as_deref().is_some_and(|n| n.contains("回访") && n.contains('2')), "{satisfaction:?}");
    assert_eq!(evaluation.category_points, 960);
    assert_eq!(
        (evaluation.deducted_points, evaluation.total),
        (10, 950),
        "the confirmed follow-up finding's violation"
    );
}

async fn an_officer_samples_and_records_in_the_console(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (first, _, month) = last_month();
    let visited = visited_last_month(&app, &world, 831).await;
    let (resident_id, _, _) = resident(&app, &world, 832, first - Duration::days(3)).await;
    let mut officer = crate::console::Browser::new(&app);
    officer.sign_in("admin_a", ltci_e2e::world::TEST_PASSWORD).await;

    // The month's page offers the draw; a bad size is refused beside the form.
    let page = format!("/follow-ups?month={month}");
    let shown = officer.get(&page).await;
    assert!(shown.body.contains("抽取回访样本"), "{}", shown.body);
    let refused = officer.submit(&page, "/follow-ups/sample", &[("month", &month), ("size", "0"), ("seed", "")]).await;
    assert_eq!(refused.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let drawn =
        officer.submit(&page, "/follow-ups/sample", &[("month", &month), ("size", "2"), ("seed", "console")]).await;
    assert_eq!(drawn.status, reqwest::StatusCode::SEE_OTHER, "{}", drawn.body);
    let after = officer.get(drawn.location.as_deref().expect("back to the month")).await;
    assert!(after.body.contains("已抽取回访样本") && after.body.contains("随机种子 console"), "{}", after.body);

    // Both served are in the sample; the visited one answers "not given".
    let sample = world.as_user("admin_a").follow_up_sample(&month).await.expect("sample");
    let f = sample.follow_ups.iter().find(|f| f.insured_person_id == visited).expect("visited drawn");
    assert!(sample.follow_ups.iter().any(|f| f.insured_person_id == resident_id));
    let action = format!("/follow-ups/{}/answer", f.id);
    let version = f.version.to_string();
    let missing =
        officer.submit(&page, &action, &[("status", "done"), ("channel", "phone"), ("version", &version)]).await;
    assert_eq!(missing.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("请填写"), "{}", missing.body);
    let answer = [
        ("status", "done"),
        ("channel", "visit"),
        ("care_given", "false"),
        ("payment_asked", "false"),
        ("satisfaction", "1"),
        ("comment", "未见护理员上门"),
        ("version", &version),
    ];
    let recorded = officer.submit(&page, &action, &answer).await;
    assert_eq!(recorded.status, reqwest::StatusCode::SEE_OTHER, "{}", recorded.body);
    let after = officer.get(recorded.location.as_deref().expect("back")).await;
    assert!(
        after.body.contains("已登记回访结果")
            && after.body.contains("未见护理员上门")
            && after.body.contains("/findings/"),
        "{}",
        after.body
    );

    // On demand from the person's page, for the resident.
    let person_page = format!("/persons/{resident_id}");
    let form = officer.get(&person_page).await;
    assert!(form.body.contains("发起回访"), "{}", form.body);
    let id = Uuid::now_v7().to_string();
    let asked = officer
        .submit(
            &person_page,
            "/follow-ups/request",
            &[
                ("id", &id),
                ("insured_person_id", &resident_id.to_string()),
                ("month", &month),
                ("reason", "子女来电反映"),
            ],
        )
        .await;
    assert_eq!(asked.status, reqwest::StatusCode::SEE_OTHER, "{}", asked.body);
    assert!(officer.get(asked.location.as_deref().expect("to the month")).await.body.contains("子女来电反映"));

    // The institution sees the recorded one, not those still to ask.
    let mut staff = crate::console::Browser::new(&app);
    staff.sign_in("inst_a1", ltci_e2e::world::TEST_PASSWORD).await;
    let theirs = staff.get(&page).await;
    assert!(
        theirs.body.contains("未见护理员上门")
            && !theirs.body.contains("子女来电反映")
            && !theirs.body.contains("抽取回访样本"),
        "{}",
        theirs.body
    );
}
