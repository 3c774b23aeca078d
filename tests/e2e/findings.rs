//! Monitoring findings (智能监控): the monthly analysis finds planted cases with their evidence
//! (impossible travel between two visits, bed-days charged in hospital), a rerun updates and
//! never duplicates, the institution answers once, and a confirmed finding reaches the money —
//! deducted from a submitted bill, recovered by the next bill once approved — and the
//! institution's violations; each actor sees only what is theirs.

use chrono::{Duration, NaiveDate};
use ltci_e2e::phone::{HOME, gps, local, proper_visit, upload};
use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{TestApp, World, all, on_both_databases};
use ltci_server::entities::{insured_person, monitor_run};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{CreateCarePlan, PlanItem, ScheduleRequest, Visit, VisitEventBody, VisitState};
use ltci_shared::api::partners::{PartnerBatch, PartnerEvent, PartnerEventKind, PartnerSource};
use ltci_shared::api::settlement::{BillStatus, ComputeBill};
use ltci_shared::api::stays::{ChargeReport, DailyCharge};
use ltci_shared::api::supervision::{
    AnswerFinding, DecideFinding, Finding, FindingDecision, FindingFilter, FindingStatus, MonitorRequest, MonitorRun,
    ReportFilter, ReportGroup, Rule,
};
use ltci_shared::api::workforce::CreateAssignment;
use ltci_shared::client::ApiClient;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

use crate::settlement::{all_lines, beneficiary, import_policy, last_month, month_before_last, resident, status, yuan};

on_both_databases!(planted_cases_are_found_worked_and_reach_the_bills);

/// Ten kilometres north, in degrees of latitude.
const TEN_KM: f64 = 0.089_932;

/// A home-care beneficiary of a1 living `dlat` degrees north of the test address, with carer_a1
/// assigned, a daily SF-01 plan over `first..=last` and one visit scheduled on `day`.
pub(crate) async fn visited(app: &TestApp, world: &World, name: &str, seq: u16, dlat: f64, day: NaiveDate) -> Visit {
    let (first, _, _) = month_before_last();
    let (_, last, _) = last_month();
    let a1 = world.as_user("inst_a1");
    let (person, _) = beneficiary(app, world, name, seq, 3, CareMode::HomeVisit).await;
    let mut moved: insured_person::ActiveModel =
        insured_person::Entity::find_by_id(person).one(&app.db).await.expect("load").expect("person").into();
    moved.latitude = Set(Some(HOME.0 + dlat));
    moved.update(&app.db).await.expect("lives further north");
    let carer = world.caregiver("carer_a1");
    let assign =
        CreateAssignment { caregiver_id: carer, insured_person_id: person, start_on: first - Duration::days(5) };
    a1.assign_caregiver(&assign).await.expect("assign");
    let plan = CreateCarePlan {
        institution_id: None,
        insured_person_id: person,
        care_mode: CareMode::HomeVisit,
        start_on: first,
        end_on: last,
        items: vec![PlanItem { code: "SF-01".into(), per_week: 7 }],
    };
    let plan = a1.create_care_plan(&plan).await.expect("plan");
    let schedule = ScheduleRequest { plan_id: plan.id, caregiver_id: carer, from: day, to: day };
    a1.schedule_visits(&schedule).await.expect("schedule").created.remove(0)
}

/// The visit's events with the check-in `start` minutes after 09:00, at `dlat` north of the test
/// address, and the check-out 70 minutes later at the same place.
pub(crate) fn visit_at(v: &Visit, start: i64, dlat: f64) -> Vec<ltci_shared::api::care::VisitEvent> {
    let mut events = proper_visit(v, gps(dlat));
    for e in &mut events {
        match &mut e.body {
            VisitEventBody::CheckIn { at, .. } => *at = local(v.scheduled_on, start),
            VisitEventBody::CheckOut { at, position } => {
                *at = local(v.scheduled_on, start + 70);
                *position = gps(dlat);
            }
            VisitEventBody::Task { at, .. } | VisitEventBody::Note { at, .. } => {
                *at = local(v.scheduled_on, start + 20)
            }
            _ => {}
        }
    }
    events
}

/// Runs the analysis of `month` through the API and waits for it to finish.
async fn analyse(admin: &ApiClient, month: &str) -> MonitorRun {
    let run = admin.start_monitor_run(&MonitorRequest { month: month.into() }).await.expect("started");
    for _ in 0..600 {
        let now = admin.monitor_run(run.id).await.expect("run");
        if now.finished_at.is_some() {
            assert_eq!(now.failure, None, "{now:?}");
            return now;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the analysis did not finish");
}

async fn findings(client: &ApiClient, month: &str) -> Vec<Finding> {
    let filter = FindingFilter { month: Some(month.into()), ..Default::default() };
    let mut found = client.findings(&filter, all()).await.expect("findings").items;
    found.sort_by_key(|f| (f.rule, f.occurred_on));
    found
}

async fn planted_cases_are_found_worked_and_reach_the_bills(app: TestApp) {
    let world = app.world().await;
    let (first, _, month) = month_before_last();
    let (next_first, _, next_month) = last_month();
    import_policy(&world).await;
    let (admin, checker, a1) = (world.as_user("admin_a"), world.as_user("admin_a2"), world.as_user("inst_a1"));
    let carer = world.as_user("carer_a1");

    // Two days on which carer_a1 leaves 甲 at 10:10 and checks in at the next home, ten
    // kilometres away, at 10:15 (120 km/h); and a day with a fair twenty minutes between them.
    let (d1, d2, d3) = (first + Duration::days(10), first + Duration::days(11), first + Duration::days(12));
    let mut pairs = Vec::new();
    for (n, (day, gap)) in [(d1, 5), (d2, 5), (d3, 20)].into_iter().enumerate() {
        let seq = 600 + 2 * u16::try_from(n).expect("small");
        let near = visited(&app, &world, "甲", seq, 0.0, day).await;
        let far = visited(&app, &world, "乙", seq + 1, TEN_KM, day).await;
        upload(carer, &visit_at(&near, 0, 0.0)).await;
        let outcomes = upload(carer, &visit_at(&far, 70 + gap, TEN_KM)).await;
        assert_eq!(outcomes.last().and_then(|o| o.2), Some(VisitState::Verified), "at the beneficiary's own door");
        pairs.push((near, far));
    }
    // 王, a resident, charged ten bed-days; in hospital from the 3rd to the 8th, reported later:
    // the 4th to the 7th were charged while in hospital.
    let (_, wang_id, stay) = resident(&app, &world, 620, first - Duration::days(5)).await;
    let charges = first.iter_days().take(10).map(|on| DailyCharge { stay_id: stay, on, amount: yuan("50.00") });
    let report = ChargeReport { institution_id: None, month: month.clone(), charges: charges.collect() };
    a1.report_stay_charges(&report).await.expect("charges");
    let next = ChargeReport {
        institution_id: None,
        month: next_month.clone(),
        charges: vec![DailyCharge { stay_id: stay, on: next_first, amount: yuan("50.00") }],
    };
    a1.report_stay_charges(&next).await.expect("next month's charge");
    let spell = |r: &str, kind, on| PartnerEvent {
        source: PartnerSource::MedicalInsurance,
        external_ref: r.into(),
        kind,
        id_number: wang_id.clone(),
        on,
        episode_ref: Some("ZY-9".into()),
        hospital: Some("市人民医院".into()),
    };
    let events = vec![
        spell("YB-91", PartnerEventKind::HospitalAdmission, first + Duration::days(2)),
        spell("YB-92", PartnerEventKind::HospitalDischarge, first + Duration::days(7)),
    ];
    admin.record_partner_events(&PartnerBatch { events }).await.expect("hospital stay");

    // The month's bill, submitted by the institution.
    let bill = a1.compute_bill(&ComputeBill { institution_id: None, month: month.clone() }).await.expect("bill");
    a1.submit_bill(bill.id).await.expect("submitted");

    // Only officers run the analysis; not for a month that is not over.
    let e = a1.start_monitor_run(&MonitorRequest { month: month.clone() }).await.expect_err("institution");
    assert_eq!(status(&e), 403);
    let this_month = ltci_e2e::today().format("%Y-%m").to_string();
    let e = admin.start_monitor_run(&MonitorRequest { month: this_month }).await.expect_err("not over");
    assert_eq!(ltci_e2e::field_code(&e, "month"), "month_not_over");

    // A run of the month unfinished on another server holds it; one started hours ago no longer.
    let elsewhere = monitor_run::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(world.region_a),
        month: Set(month.clone()),
        started_by: Set(world.user("admin_a2")),
        started_at: Set(chrono::Utc::now()),
        stage: Set("reading".into()),
        done: Set(0),
        total: Set(0),
        finished_at: Set(None),
        report: Set(None),
        failure: Set(None),
    }
    .insert(&app.db)
    .await
    .expect("a run elsewhere");
    let e = admin.start_monitor_run(&MonitorRequest { month: month.clone() }).await.expect_err("running");
    assert_eq!(status(&e), 409);
    let mut stale: monitor_run::ActiveModel = elsewhere.clone().into();
    stale.started_at = Set(chrono::Utc::now() - Duration::hours(3));
    stale.update(&app.db).await.expect("hours ago");

    let run = analyse(admin, &month).await;
    let abandoned = monitor_run::Entity::find_by_id(elsewhere.id).one(&app.db).await.expect("read").expect("run");
    assert_eq!(abandoned.failure.as_deref(), Some("abandoned"));
    let report = run.report.expect("report");
    let count = |rule| report.rules.iter().find(|r| r.rule == rule).map(|r| (r.found, r.new));
    assert_eq!(count(Rule::ImpossibleTravel), Some((2, 2)), "{report:?}");
    assert_eq!(count(Rule::BedWhileHospitalised), Some((1, 1)), "{report:?}");
    assert_eq!((report.visits, report.bed_days), (6, 10));
    let found = findings(admin, &month).await;
    assert_eq!(found.len(), 3, "the fair day is not a finding: {found:?}");
    let (travel, second_travel, bed) = (&found[0], &found[1], &found[2]);
    assert_eq!((travel.rule, travel.status, travel.occurred_on), (Rule::ImpossibleTravel, FindingStatus::Open, d1));
    assert_eq!(travel.evidence["speed_kmh"], 120.0, "{travel:?}");
    assert_eq!(travel.evidence["max_travel_speed_kmh"], 60);
    assert!(travel.summary.contains("时速 120 公里") && travel.policy_version_id.is_some(), "{travel:?}");
    let affected: Vec<(Uuid, bool)> = travel.records.iter().map(|r| (r.source_id, r.affected)).collect();
    assert_eq!(affected, [(pairs[0].0.id, false), (pairs[0].1.id, true)]);
    assert_eq!((bed.rule, bed.records.len()), (Rule::BedWhileHospitalised, 4));
    assert!(bed.records.iter().all(|r| r.affected && r.source == "stay"));

    // Who sees them: the region's officers and auditors, the institution its own; no one else.
    let none = FindingFilter::default();
    for (who, seen) in [("auditor_a", 3), ("inst_a1", 3), ("inst_a2", 0), ("admin_b", 0)] {
        assert_eq!(world.as_user(who).findings(&none, all()).await.expect(who).total, seen, "{who}");
    }
    assert_eq!(status(&carer.findings(&none, all()).await.expect_err("caregiver")), 403);
    assert_eq!(status(&world.as_user("admin_b").finding(travel.id).await.expect_err("region B")), 404);

    // Analysed again: the same findings, updated, none added.
    let again = analyse(admin, &month).await.report.expect("report");
    assert!(again.rules.iter().all(|r| r.new == 0), "{again:?}");
    assert_eq!(findings(admin, &month).await.len(), 3);

    // The institution answers once; another institution cannot; an auditor does not decide.
    let answer = AnswerFinding { text: "护理员当日改乘出租车，已核实行程".into() };
    let e = world.as_user("inst_a2").answer_finding(travel.id, &answer).await.expect_err("not theirs");
    assert_eq!(status(&e), 404);
    let answered = a1.answer_finding(travel.id, &answer).await.expect("answered");
    assert_eq!(answered.answer.as_deref(), Some(answer.text.as_str()));
    a1.answer_finding(travel.id, &answer).await.expect("the same answer again changes nothing");
    let other = AnswerFinding { text: "补充说明".into() };
    assert_eq!(status(&a1.answer_finding(travel.id, &other).await.expect_err("twice")), 409);
    let confirm = DecideFinding {
        decision: FindingDecision::Confirmed,
        reason: "出租车票据与签到时间不符，确认虚假签到".into(),
        points: None,
        serious: false,
    };
    assert_eq!(
        status(&world.as_user("auditor_a").decide_finding(travel.id, &confirm).await.expect_err("auditor")),
        403
    );
    let blank = DecideFinding { reason: " ".into(), ..confirm.clone() };
    let e = admin.decide_finding(travel.id, &blank).await.expect_err("no reason");
    assert_eq!(ltci_e2e::field_code(&e, "reason"), "required");

    // Confirmed while the bill is submitted: the visit's line deducted in full, the finding the
    // reason; a violation of 10 points (serious rule) for the institution's next evaluation.
    let confirmed = admin.decide_finding(travel.id, &confirm).await.expect("confirmed");
    assert_eq!(confirmed.status, FindingStatus::Confirmed);
    let lines = all_lines(admin, bill.id).await;
    let line = lines.iter().find(|l| l.source_id == pairs[0].1.id).expect("the far visit's line");
    assert!(line.fund_amount > Decimal::ZERO);
    assert_eq!(line.deducted, line.fund_amount);
    assert!(line.deduction_reason.as_deref().is_some_and(|r| r.contains("监控发现已确认")), "{line:?}");
    assert_eq!((confirmed.deducted, confirmed.recovered), (line.fund_amount, Decimal::ZERO));
    let violations = admin.list_violations(world.institution("a1"), all()).await.expect("violations").items;
    assert_eq!(violations.len(), 1);
    assert_eq!((violations[0].points, confirmed.violation_id), (10, Some(violations[0].id)));
    assert_eq!(
        status(
            &admin
                .decide_finding(travel.id, &DecideFinding { reason: "再议".into(), ..confirm.clone() })
                .await
                .expect_err("decided")
        ),
        409
    );
    admin.decide_finding(travel.id, &confirm).await.expect("the same decision again changes nothing");

    // In the console: the queue lists the open 挂床 finding; its page shows the evidence, the
    // records and the decision form; the officer dismisses it there (the hospital days were
    // refused anyway). The institution sees its answer form on the other open finding.
    let mut officer = crate::console::Browser::new(&app);
    officer.sign_in("admin_a", TEST_PASSWORD).await;
    let queue = officer.get("/findings").await;
    assert!(
        queue.body.contains("挂床：住院期间收取床日") && queue.body.contains("住院期间收取床日 4 天"),
        "{}",
        queue.body
    );
    assert!(queue.body.contains("运行月度监控分析"), "officers start the analysis here");
    let page = format!("/findings/{}", bed.id);
    let shown = officer.get(&page).await;
    assert!(shown.body.contains("入住床日") && shown.body.contains("作出决定"), "{}", shown.body);
    let refused = officer.submit(&page, &format!("{page}/decide"), &[("decision", "dismissed"), ("reason", "")]).await;
    assert_eq!(refused.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let fields = [("decision", "dismissed"), ("reason", "床日已按住院拒付，不另作处理"), ("points", "10")];
    let done = officer.submit(&page, &format!("{page}/decide"), &fields).await;
    assert_eq!(done.status, reqwest::StatusCode::SEE_OTHER, "{}", done.body);
    let after = officer.get(done.location.as_deref().expect("back to the finding")).await;
    assert!(after.body.contains("已作出处理决定") && after.body.contains("已排除"), "{}", after.body);
    let dismissed = admin.finding(bed.id).await.expect("finding");
    assert_eq!((dismissed.status, dismissed.violation_id), (FindingStatus::Dismissed, None));
    let mut staff = crate::console::Browser::new(&app);
    staff.sign_in("inst_a1", TEST_PASSWORD).await;
    let theirs = staff.get(&format!("/findings/{}", second_travel.id)).await;
    assert!(theirs.body.contains("提交答复") && !theirs.body.contains("作出决定"), "{}", theirs.body);
    // The confirmed finding's page: its evidence named, what it moved, and the way to sanction the
    // caregiver.
    let decided = officer.get(&format!("/findings/{}", travel.id)).await;
    assert!(decided.body.contains("折合时速（公里/小时）") && decided.body.contains("已扣减"), "{}", decided.body);
    let to_sanction = format!("/caregivers/{}?finding={}#sanction", world.caregiver("carer_a1"), travel.id);
    assert!(decided.body.contains(&to_sanction), "{}", decided.body);

    // Approved (by another officer), then the second case is confirmed: what was paid for it is
    // recovered by the next month's bill.
    let approved = checker.approve_bill(bill.id).await.expect("approved");
    assert_eq!(approved.status, BillStatus::Approved);
    let second = admin
        .decide_finding(second_travel.id, &DecideFinding { points: Some(0), ..confirm.clone() })
        .await
        .expect("confirmed after approval");
    let paid = lines.iter().find(|l| l.source_id == pairs[1].1.id).expect("the second far visit's line");
    assert_eq!((second.deducted, second.recovered, second.violation_id), (Decimal::ZERO, paid.fund_amount, None));
    let next_bill = a1.compute_bill(&ComputeBill { institution_id: None, month: next_month }).await.expect("next bill");
    let next_lines = all_lines(a1, next_bill.id).await;
    let recovery: Vec<_> = next_lines.iter().filter(|l| l.adjusts_bill_id == Some(bill.id)).collect();
    assert_eq!(recovery.len(), 1, "{next_lines:?}");
    assert_eq!(recovery[0].fund_amount, -paid.fund_amount);
    assert_eq!(recovery[0].explanation["now_explanation"]["inputs"]["service_on"], d2.to_string());
    let refused = &recovery[0].explanation["now_explanation"];
    assert!(refused.to_string().contains("监控发现"), "{refused}");

    // The report: by rule, what was found, decided, deducted and is to be recovered; the same
    // as CSV and in the console; an institution's only its own.
    let by_rule = admin.findings_report(&ReportFilter { from: Some(month.clone()), ..Default::default() }).await;
    let by_rule = by_rule.expect("report");
    let travel_row = by_rule.rows.iter().find(|r| r.key == "impossible_travel").expect("travel row");
    assert_eq!((travel_row.open, travel_row.confirmed, travel_row.dismissed), (0, 2, 0), "{by_rule:?}");
    assert_eq!((travel_row.deducted, travel_row.recovered), (line.fund_amount, paid.fund_amount));
    assert_eq!((by_rule.total.confirmed, by_rule.total.dismissed), (2, 1));
    let by_institution = ReportFilter { group_by: ReportGroup::Institution, ..Default::default() };
    let theirs = world.as_user("inst_a2").findings_report(&by_institution).await.expect("a2's report");
    assert_eq!(theirs.total.confirmed + theirs.total.dismissed + theirs.total.open, 0, "{theirs:?}");
    let csv = admin.request(reqwest::Method::GET, "/api/v1/findings-report.csv").send().await.expect("csv");
    let csv = csv.text().await.expect("text");
    assert!(csv.starts_with("监控规则,待处理,已确认,已排除") && csv.contains("合计,0,2,1"), "{csv}");
    let page = officer.get("/findings/report?group_by=institution").await;
    assert!(page.body.contains("监控发现统计") && page.body.contains("合计"), "{}", page.body);
}
