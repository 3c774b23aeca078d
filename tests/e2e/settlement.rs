//! Monthly settlement of stays: a month's charged bed-days priced under the policy of each day
//! (daily cap, fund share, fen rounding, days in hospital and after death refused), computed
//! again while a draft, submitted, returned, approved (the payable posted), paid (the quality
//! deposit withheld), and the institution's statement that shows only its own money.

use chrono::{Datelike, Duration, NaiveDate};
use ltci_e2e::phone::{gps, proper_visit, upload};
use ltci_e2e::world::{evaluation_scores, person, policy_for_region_a};
use ltci_e2e::{TestApp, World, field_code, on_both_databases, today};
use ltci_server::entities::region;
use ltci_shared::PageQuery;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{
    CorrectionReason, CorrectionRequest, CreateCarePlan, ExceptionCode, PlanItem, ResolutionCode, ScheduleRequest,
    Visit, VisitState,
};
use ltci_shared::api::evaluation::EvaluationRequest;
use ltci_shared::api::funding::{EntryFilter, FundingSource, HealthQuery, ReceiptRequest};
use ltci_shared::api::institutions::CreateServiceRelation;
use ltci_shared::api::partners::{PartnerBatch, PartnerEvent, PartnerEventKind, PartnerSource};
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::settlement::{
    BillFilter, BillLine, BillStatus, ComputeBill, Deduction, DepositReleaseRequest, LineRejection, LinesQuery,
    MonthEndOutcome, MonthEndReport, MonthEndRequest, MonthEndRunFilter, PayBill, ReturnBill, SampleRequest,
};
use ltci_shared::api::stays::{AdmitRequest, ChargeReport, DailyCharge};
use ltci_shared::api::workforce::CreateAssignment;
use ltci_shared::client::{ApiClient, ClientError};
use rust_decimal::Decimal;
use sea_orm::EntityTrait;
use uuid::Uuid;

on_both_databases!(
    a_month_of_stays_is_billed_approved_and_paid,
    a_month_of_home_and_family_care_is_billed,
    a_death_reported_after_approval_is_recovered_next_month,
    the_month_end_run_computes_every_institution_once,
    a_bills_steps_are_taken_by_different_officers
);

pub(crate) fn yuan(s: &str) -> Decimal {
    s.parse().expect("amount")
}

pub(crate) fn status(e: &ClientError) -> u16 {
    match e {
        ClientError::Api { status, .. } => status.as_u16(),
        other => panic!("expected an API error, got {other}"),
    }
}

fn code(e: &ClientError) -> String {
    match e {
        ClientError::Api { body, .. } => body.error.code.clone(),
        other => panic!("expected an API error, got {other}"),
    }
}

/// The first and last day of last month.
pub(crate) fn last_month() -> (NaiveDate, NaiveDate, String) {
    let first_this = today().with_day(1).expect("first of the month");
    let last = first_this - Duration::days(1);
    let first = last.with_day(1).expect("first of last month");
    (first, last, format!("{:04}-{:02}", first.year(), first.month()))
}

/// Region A's officer imports the demo policy, in force since 1 January of last year.
pub(crate) async fn import_policy(world: &World) {
    let year = today().year();
    let policy = policy_for_region_a()
        .replace(&format!("effective_from = \"{year}-01-01\""), &format!("effective_from = \"{}-01-01\"", year - 1));
    world.as_user("admin_a").import_policy(policy, "application/toml").await.expect("policy");
}

/// The first and last day of the month before last month.
pub(crate) fn month_before_last() -> (NaiveDate, NaiveDate, String) {
    let (first_of_last, _, _) = last_month();
    let last = first_of_last - Duration::days(1);
    let first = last.with_day(1).expect("first of the month before");
    (first, last, format!("{:04}-{:02}", first.year(), first.month()))
}

/// A person of region A certified at `level` since a month before the month before last, served
/// by a1 in `mode` from ten days before the month before last.
pub(crate) async fn beneficiary(
    app: &TestApp,
    world: &World,
    name: &str,
    seq: u16,
    level: u8,
    mode: CareMode,
) -> (Uuid, String) {
    let (first, _, _) = month_before_last();
    let req = person(name, seq);
    let p = world.as_user("admin_a").create_insured_person(&req).await.expect("register");
    let region = region::Entity::find_by_id(world.region_a).one(&app.db).await.expect("region").expect("region a");
    ltci_server::assessment::certificates::record_existing(
        &app.db,
        ltci_server::assessment::certificates::Existing {
            region,
            person_id: p.id,
            institution_id: None,
            care_mode: mode,
            level,
            effective_on: first - Duration::days(30),
            expires_on: today() + Duration::days(700),
            recorded_by: Uuid::nil(),
            reason: "test".into(),
            supersedes: false,
        },
    )
    .await
    .expect("certificate");
    ltci_e2e::world::choose(world, p.id, "a1", mode, first - Duration::days(10)).await;
    world
        .as_user("inst_a1")
        .start_service_relation(&CreateServiceRelation {
            insured_person_id: p.id,
            institution_id: world.institution("a1"),
            care_mode: mode,
            start_on: first - Duration::days(10),
        })
        .await
        .expect("relation");
    (p.id, req.id_number)
}

/// A home-visit beneficiary of a1 assigned to carer_a1, planned SF-01 daily through last month,
/// with visits scheduled on its first `days` days. Answers the person and the visits.
pub(crate) async fn scheduled_last_month(
    app: &TestApp,
    world: &World,
    name: &str,
    seq: u16,
    days: i64,
) -> (Uuid, Vec<Visit>) {
    use ltci_shared::api::care::{CreateCarePlan, PlanItem, ScheduleRequest};
    let (first, last, _) = last_month();
    let a1 = world.as_user("inst_a1");
    let (person, _) = beneficiary(app, world, name, seq, 3, CareMode::HomeVisit).await;
    let carer = world.caregiver("carer_a1");
    let assign =
        CreateAssignment { caregiver_id: carer, insured_person_id: person, start_on: first - Duration::days(10) };
    a1.assign_caregiver(&assign).await.expect("assigned");
    let plan = CreateCarePlan {
        institution_id: None,
        insured_person_id: person,
        care_mode: CareMode::HomeVisit,
        start_on: first,
        end_on: last,
        items: vec![PlanItem { code: "SF-01".into(), per_week: 7 }],
    };
    let plan = a1.create_care_plan(&plan).await.expect("plan");
    let req =
        ScheduleRequest { plan_id: plan.id, caregiver_id: carer, from: first, to: first + Duration::days(days - 1) };
    (person, a1.schedule_visits(&req).await.expect("scheduled").created)
}

/// A level-4 resident of institution a1 since before last month, admitted on `admitted_on`.
/// Answers the person, the ID number and the stay.
pub(crate) async fn resident(app: &TestApp, world: &World, seq: u16, admitted_on: NaiveDate) -> (Uuid, String, Uuid) {
    let (person, id_number) = beneficiary(app, world, "入住老人", seq, 4, CareMode::Institutional).await;
    let stay = world
        .as_user("inst_a1")
        .admit(&AdmitRequest {
            institution_id: None,
            insured_person_id: person,
            care_mode: CareMode::Institutional,
            admitted_on,
        })
        .await
        .expect("admit");
    (person, id_number, stay.id)
}

/// A fiscal transfer of 10,000.00 into the resident scheme (95 % into the fund).
pub(crate) async fn fiscal_transfer(admin: &ApiClient, reference: &str) {
    admin
        .post_receipt(&ReceiptRequest {
            reference: reference.into(),
            scheme: Scheme::Resident,
            source: FundingSource::FiscalSubsidy,
            amount: yuan("10000.00"),
            description: "财政补助".into(),
            received_on: None,
        })
        .await
        .expect("receipt");
}

pub(crate) async fn all_lines(client: &ApiClient, bill: Uuid) -> Vec<BillLine> {
    let mut out = Vec::new();
    loop {
        let page = client
            .bill_lines(bill, &LinesQuery::default(), PageQuery { limit: Some(20), offset: Some(out.len() as u64) })
            .await
            .expect("lines");
        let done = page.items.is_empty();
        out.extend(page.items);
        if done || out.len() as u64 >= page.total {
            return out;
        }
    }
}

async fn a_month_of_stays_is_billed_approved_and_paid(app: TestApp) {
    let world = app.world().await;
    let (first, last, month) = last_month();
    // The demo policy (institutional care: the charge up to 60.00 a day, 75 % from the fund; a
    // quality deposit of 5 %) in force since before last month.
    let policy = policy_for_region_a().replace(
        &format!("effective_from = \"{}-01-01\"", today().year()),
        &format!("effective_from = \"{}-01-01\"", today().year() - 1),
    );
    world.as_user("admin_a").import_policy(policy, "application/toml").await.expect("policy");
    let (admin, a1, a2, auditor) =
        (world.as_user("admin_a"), world.as_user("inst_a1"), world.as_user("inst_a2"), world.as_user("auditor_a"));
    // Separation of duties: one officer audits (samples, deducts) and pays, another approves.
    let checker = world.as_user("admin_a2");

    // 张: in all month, 95.00 a day (above the cap); dies on the 25th, reported after the charges.
    // 李: from the 10th to the 20th at 33.33 (below the cap: 24.9975 from the fund, 25.00 to the
    // fen); in hospital from the 15th, discharged on the 18th.
    let (zhang, zhang_id, zhang_stay) = resident(&app, &world, 401, first).await;
    let (li, li_id, li_stay) = resident(&app, &world, 402, first + Duration::days(9)).await;
    let days = |from: NaiveDate, to: NaiveDate| from.iter_days().take_while(move |d| *d <= to);
    let mut charges: Vec<DailyCharge> =
        days(first, last).map(|on| DailyCharge { stay_id: zhang_stay, on, amount: yuan("95.00") }).collect();
    charges.extend(days(first + Duration::days(9), first + Duration::days(19)).map(|on| DailyCharge {
        stay_id: li_stay,
        on,
        amount: yuan("33.33"),
    }));
    let report = ChargeReport { institution_id: None, month: month.clone(), charges };
    a1.report_stay_charges(&report).await.expect("charges");
    let event = |external_ref: &str, kind, id_number: &str, on, episode: Option<&str>| PartnerEvent {
        source: if kind == PartnerEventKind::Death {
            PartnerSource::CivilAffairs
        } else {
            PartnerSource::MedicalInsurance
        },
        external_ref: external_ref.into(),
        kind,
        id_number: id_number.into(),
        on,
        episode_ref: episode.map(Into::into),
        hospital: episode.map(|_| "市人民医院".into()),
    };
    let events = vec![
        event("YB-1", PartnerEventKind::HospitalAdmission, &li_id, first + Duration::days(14), Some("ZY-1")),
        event("YB-2", PartnerEventKind::HospitalDischarge, &li_id, first + Duration::days(17), Some("ZY-1")),
        event("MZ-1", PartnerEventKind::Death, &zhang_id, first + Duration::days(24), None),
    ];
    admin.record_partner_events(&PartnerBatch { events }).await.expect("partner events");

    // A month that is not over is not billed; only agency and institution staff compute bills,
    // and an institution only its own.
    let this_month = format!("{:04}-{:02}", today().year(), today().month());
    let e = a1.compute_bill(&ComputeBill { institution_id: None, month: this_month }).await.expect_err("not over");
    assert_eq!(field_code(&e, "month"), "month_not_over");
    let e =
        a1.compute_bill(&ComputeBill { institution_id: None, month: "2026-13".into() }).await.expect_err("bad month");
    assert_eq!(field_code(&e, "month"), "invalid_month");
    let e = a2.compute_bill(&ComputeBill { institution_id: None, month: month.clone() }).await.expect_err("nothing");
    assert_eq!(field_code(&e, "month"), "nothing_to_bill");
    let theirs = ComputeBill { institution_id: Some(world.institution("a1")), month: month.clone() };
    assert_eq!(status(&a2.compute_bill(&theirs).await.expect_err("not a2's")), 403);
    assert_eq!(status(&auditor.compute_bill(&theirs).await.expect_err("auditors read")), 403);

    let draft = a1.compute_bill(&ComputeBill { institution_id: None, month: month.clone() }).await.expect("bill");
    let n = u32::try_from(days(first, last).count()).expect("days");
    let zhang_rejected = n - 24;
    assert_eq!((draft.status, draft.month.as_str(), draft.line_count), (BillStatus::Draft, month.as_str(), n + 11));
    assert_eq!(draft.rejected_lines, zhang_rejected + 3);
    assert_eq!(draft.claimed, Decimal::from(95 * n) + yuan("366.63"));
    // 24 days × 45.00 + 8 days × 25.00.
    assert_eq!(draft.fund_amount, yuan("1280.00"));
    assert_eq!(draft.subtotals.len(), 1);
    assert_eq!(
        (draft.subtotals[0].care_mode, draft.subtotals[0].scheme, draft.subtotals[0].fund_amount),
        (CareMode::Institutional, Scheme::Resident, yuan("1280.00"))
    );

    // Every line explains itself.
    let lines = all_lines(a1, draft.id).await;
    assert_eq!(lines.len() as u32, n + 11);
    assert_eq!(lines.iter().map(|l| l.line_no).collect::<Vec<_>>(), (1..=n + 11).collect::<Vec<_>>());
    let line = |who: Uuid, on: NaiveDate| {
        lines.iter().find(|l| l.insured_person_id == who && l.service_on == on).expect("a line for the day").clone()
    };
    let capped = line(zhang, first);
    assert_eq!(
        (capped.claimed, capped.allowed, capped.fund_amount, capped.rejection),
        (yuan("95.00"), yuan("60.00"), yuan("45.00"), None)
    );
    assert_eq!(
        (capped.level, capped.rule.as_deref(), capped.source.as_str()),
        (Some(4), Some("capped_per_day"), "stay")
    );
    assert!(
        capped.explanation["steps"].to_string().contains("准予支付 = min(收费 95.00，日限额 60.00) = 60.00"),
        "{}",
        capped.explanation
    );
    let rounded = line(li, first + Duration::days(9));
    assert_eq!((rounded.allowed, rounded.fund_amount), (yuan("33.33"), yuan("25.00")));
    for (who, on, why) in [
        (li, first + Duration::days(14), LineRejection::Hospitalised),
        (li, first + Duration::days(16), LineRejection::Hospitalised),
        (zhang, first + Duration::days(24), LineRejection::Deceased),
        (zhang, last, LineRejection::Deceased),
    ] {
        let l = line(who, on);
        assert_eq!((l.rejection, l.fund_amount), (Some(why), Decimal::ZERO), "{on}");
    }
    // Discharged from hospital on the 18th: that day is paid again.
    assert_eq!(line(li, first + Duration::days(17)).rejection, None);

    // The lines filter on the server: by rejection code, beneficiary and day.
    let found = |q: LinesQuery| async move {
        let page = a1.bill_lines(draft.id, &q, PageQuery { limit: Some(100), offset: None }).await.expect("lines");
        page.items.iter().map(|l| (l.insured_person_id, l.service_on)).collect::<Vec<_>>()
    };
    let hospital = LinesQuery { rejection: Some(LineRejection::Hospitalised), ..LinesQuery::default() };
    let in_hospital: Vec<_> =
        lines.iter().filter(|l| l.rejection == Some(LineRejection::Hospitalised)).map(|l| (li, l.service_on)).collect();
    assert!(in_hospital.len() >= 2);
    assert_eq!(found(hospital).await, in_hospital);
    let one_day = LinesQuery { insured_person_id: Some(zhang), service_on: Some(first), ..LinesQuery::default() };
    assert_eq!(found(one_day).await, [(zhang, first)]);
    let deducted = LinesQuery { deducted: Some(true), ..LinesQuery::default() };
    assert_eq!(found(deducted).await, []);

    // A person's lines across bills, latest day first, for the officer and the institution;
    // another institution does not find the person.
    let theirs = admin.person_bill_lines(zhang, PageQuery { limit: Some(100), offset: None }).await.expect("lines");
    let mut days: Vec<NaiveDate> =
        lines.iter().filter(|l| l.insured_person_id == zhang).map(|l| l.service_on).collect();
    days.sort_by(|a, b| b.cmp(a));
    assert_eq!(theirs.items.iter().map(|x| x.line.service_on).collect::<Vec<_>>(), days);
    assert!(
        theirs.items.iter().all(|x| x.bill_id == draft.id && x.month == month && x.bill_status == BillStatus::Draft)
    );
    assert_eq!(a1.person_bill_lines(zhang, PageQuery::default()).await.expect("a1").total, days.len() as u64);
    assert_eq!(status(&a2.person_bill_lines(zhang, PageQuery::default()).await.expect_err("a2")), 404);

    // Computing the draft again gives the identical bill.
    let again = a1.compute_bill(&ComputeBill { institution_id: None, month: month.clone() }).await.expect("again");
    assert_eq!((again.id, again.fund_amount, again.line_count), (draft.id, draft.fund_amount, draft.line_count));
    assert_eq!(all_lines(a1, draft.id).await, lines);

    // Nobody else's: another institution does not find it, nor lists it.
    assert_eq!(status(&a2.bill(draft.id).await.expect_err("a1's")), 404);
    assert!(a2.bills(&BillFilter::default(), PageQuery::default()).await.expect("list").items.is_empty());
    assert_eq!(auditor.bills(&BillFilter::default(), PageQuery::default()).await.expect("list").total, 1);

    // Submitted: no longer computed again, its month's charges closed; approving needs a submission.
    assert_eq!(code(&admin.approve_bill(draft.id).await.expect_err("a draft")), "invalid_state_transition");
    let submitted = a1.submit_bill(draft.id).await.expect("submit");
    assert_eq!(submitted.status, BillStatus::Submitted);
    let e = a1.compute_bill(&ComputeBill { institution_id: None, month: month.clone() }).await.expect_err("submitted");
    assert_eq!(code(&e), "invalid_state_transition");
    let fix = ChargeReport {
        institution_id: None,
        month: month.clone(),
        charges: vec![DailyCharge { stay_id: li_stay, on: first + Duration::days(9), amount: yuan("40.00") }],
    };
    let e = a1.report_stay_charges(&fix).await.expect_err("month closed");
    assert_eq!((status(&e), field_code(&e, "month")), (409, "conflict".to_string()));

    // The agency sends it back; the institution corrects a day and computes it again.
    assert_eq!(
        status(&a1.return_bill(draft.id, &ReturnBill { reason: "x".into() }).await.expect_err("agency only")),
        403
    );
    let e = admin.return_bill(draft.id, &ReturnBill { reason: " ".into() }).await.expect_err("a reason");
    assert_eq!(field_code(&e, "reason"), "required");
    // A first look drew lines and deducted from one; the return takes both back.
    checker.sample_bill(draft.id, &SampleRequest { size: 3 }).await.expect("first sample");
    let early = Deduction { amount: yuan("10.00"), reason: Some("初审".into()) };
    checker.deduct(draft.id, 1, &early).await.expect("first deduction");
    let returned = admin.return_bill(draft.id, &ReturnBill { reason: "10日收费有误".into() }).await.expect("returned");
    assert_eq!((returned.status, returned.return_reason.as_deref()), (BillStatus::Draft, Some("10日收费有误")));
    assert_eq!((returned.deducted, returned.payable), (Decimal::ZERO, returned.fund_amount));
    let kept = all_lines(a1, draft.id).await;
    assert!(kept.iter().all(|l| !l.sampled && l.deducted.is_zero() && l.deduction_reason.is_none()));
    // Submitting again without computing: the corrected charge makes the draft stale.
    a1.report_stay_charges(&fix).await.expect("corrected charge");
    assert_eq!(code(&a1.submit_bill(draft.id).await.expect_err("stale")), "stale_draft");
    let corrected = a1.compute_bill(&ComputeBill { institution_id: None, month: month.clone() }).await.expect("again");
    assert_eq!(corrected.fund_amount, yuan("1285.00"));
    a1.submit_bill(draft.id).await.expect("submitted again");

    // The agency audits: five paid lines drawn for review (the same five when asked again), and a
    // deduction from one of 张's days with its reason.
    let sample = checker.sample_bill(draft.id, &SampleRequest { size: 5 }).await.expect("sample");
    assert_eq!(sample.len(), 5);
    assert!(sample.iter().all(|l| l.sampled && l.rejection.is_none()), "{sample:?}");
    let again = checker.sample_bill(draft.id, &SampleRequest { size: 9 }).await.expect("same sample");
    assert_eq!(again, sample);
    let drawn = a1
        .bill_lines(draft.id, &LinesQuery { sampled: Some(true), ..LinesQuery::default() }, PageQuery::default())
        .await
        .expect("the sample");
    assert_eq!(drawn.items, sample);
    let day2 = line(zhang, first + Duration::days(1)).line_no;
    let cut = |amount: &str, reason: Option<&str>| Deduction { amount: yuan(amount), reason: reason.map(Into::into) };
    let e = checker.deduct(draft.id, day2, &cut("45.01", Some("超出"))).await.expect_err("more than the line");
    assert_eq!(field_code(&e, "amount"), "out_of_range");
    let e = checker.deduct(draft.id, day2, &cut("45.00", None)).await.expect_err("a reason");
    assert_eq!(field_code(&e, "reason"), "required");
    assert_eq!(status(&a1.deduct(draft.id, day2, &cut("1.00", Some("x"))).await.expect_err("agency only")), 403);
    assert_eq!(status(&checker.deduct(draft.id, 9_999, &cut("1.00", Some("x"))).await.expect_err("no line")), 404);
    let resp = checker
        .request(reqwest::Method::PUT, &format!("/api/v1/settlements/{}/lines/first/deduction", draft.id))
        .json(&cut("1.00", Some("x")))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 422);
    let body: serde_json::Value = resp.json().await.expect("envelope");
    assert_eq!(body["error"]["details"]["line_no"]["code"], "invalid_value", "{body}");
    let deducted = checker.deduct(draft.id, day2, &cut("45.00", Some("护理记录缺失"))).await.expect("deduct");
    assert_eq!((deducted.deducted, deducted.deduction_reason.as_deref()), (yuan("45.00"), Some("护理记录缺失")));
    checker.deduct(draft.id, day2, &cut("45.00", Some("护理记录缺失"))).await.expect("the same again");
    // A reason a spreadsheet would run as a formula reaches the institution's CSV as text.
    let formula = "=HYPERLINK(\"http://x.example\",\"详情\")";
    checker.deduct(draft.id, day2, &cut("45.00", Some(formula))).await.expect("a reason like a formula");
    let csv = a1.bill_lines_csv(draft.id).await.expect("csv");
    let row = csv.lines().nth(day2 as usize).expect("the line");
    assert!(row.contains(",\"'=HYPERLINK(\"\"http://x.example\"\","), "{row}");
    assert!(!csv.lines().any(|l| l.contains(",=")), "no cell begins a formula: {csv}");
    checker.deduct(draft.id, day2, &cut("45.00", Some("护理记录缺失"))).await.expect("the reason corrected");
    let audited = admin.bill(draft.id).await.expect("bill");
    assert_eq!(
        (audited.fund_amount, audited.deducted, audited.payable),
        (yuan("1285.00"), yuan("45.00"), yuan("1240.00"))
    );
    assert_eq!(audited.subtotals[0].deducted, yuan("45.00"));
    // The institution reads its lines, the deduction and its reason as CSV.
    let csv = a1.bill_lines_csv(draft.id).await.expect("csv");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len() as u32, 1 + n + 11);
    assert!(rows[0].starts_with("行号,参保人编号,护理方式,险种,失能等级,服务日期,明细来源"), "{}", rows[0]);
    assert!(rows[0].ends_with(",审核扣款,扣款理由,计算说明,申诉与答复"), "{}", rows[0]);
    let deducted_row = rows[day2 as usize];
    assert!(deducted_row.contains(",45.00,护理记录缺失,"), "{deducted_row}");
    assert!(deducted_row.contains("基金支付 = 60.00 × 0.75 = 45.00"), "the line explains itself: {deducted_row}");

    // Approval posts the payable once (less the deduction): expense debited, the institution's
    // payable credited.
    assert_eq!(status(&a1.approve_bill(draft.id).await.expect_err("agency only")), 403);
    // The officer who audited does not approve (不相容岗位分离).
    let e = checker.approve_bill(draft.id).await.expect_err("the auditor");
    assert_eq!((status(&e), code(&e)), (403, "same_officer_audit_approve".to_string()));
    let approved = admin.approve_bill(draft.id).await.expect("approve");
    assert_eq!(approved.approved_by, Some(world.user("admin_a")));
    assert_eq!(approved.status, BillStatus::Approved);
    let entry = approved.approval_entry_id.expect("payable entry");
    assert_eq!(code(&admin.approve_bill(draft.id).await.expect_err("once")), "invalid_state_transition");
    assert_eq!(
        code(&checker.deduct(draft.id, day2, &cut("0", None)).await.expect_err("approved bills never change")),
        "invalid_state_transition"
    );
    let posted = admin
        .journal_entries(
            &EntryFilter { reference: Some(format!("settlement:{}", draft.id)), ..Default::default() },
            PageQuery::default(),
        )
        .await
        .expect("entries");
    assert_eq!(posted.items.iter().map(|e| e.id).collect::<Vec<_>>(), [entry]);
    let health =
        admin.fund_health(&HealthQuery { scheme: Scheme::Resident, on: None, from: None }).await.expect("health");
    let this = format!("{:04}-{:02}", today().year(), today().month());
    let spent = health.expenditure_by_month.iter().find(|m| m.month == this).expect("this month").amount;
    assert_eq!(spent, yuan("1240.00"));

    // Paying needs the money in the resident fund: first refused, then paid with 5 % withheld.
    let transfer = |r: &str| PayBill { bank_reference: r.into(), paid_on: None };
    let e = checker.pay_bill(draft.id, &transfer("YH-20261101-001")).await.expect_err("empty fund");
    assert_eq!((status(&e), code(&e)), (409, "insufficient_fund".to_string()));
    fiscal_transfer(admin, "CZ-1").await;
    let e = checker
        .pay_bill(draft.id, &PayBill { bank_reference: "YH-1".into(), paid_on: Some(today() + Duration::days(1)) })
        .await
        .expect_err("future");
    assert_eq!(field_code(&e, "paid_on"), "in_future");
    let e = checker.pay_bill(draft.id, &transfer(" ")).await.expect_err("no bank reference");
    assert_eq!(field_code(&e, "bank_reference"), "required");
    // The officer who approved does not pay.
    let e = admin.pay_bill(draft.id, &transfer("YH-20261101-001")).await.expect_err("the approver");
    assert_eq!((status(&e), code(&e)), (403, "same_officer_approve_pay".to_string()));
    let paid = checker.pay_bill(draft.id, &transfer("YH-20261101-001")).await.expect("pay");
    assert_eq!((paid.status, paid.withheld, paid.paid), (BillStatus::Paid, Some(yuan("62.00")), Some(yuan("1178.00"))));
    assert_eq!((paid.paid_by, paid.bank_reference.as_deref()), (Some(world.user("admin_a2")), Some("YH-20261101-001")));
    // The same payment sent again is answered as it was; another transfer is refused.
    assert_eq!(checker.pay_bill(draft.id, &transfer("YH-20261101-001")).await.expect("a retry"), paid);
    assert_eq!(
        code(&checker.pay_bill(draft.id, &transfer("YH-20261101-002")).await.expect_err("once")),
        "invalid_state_transition"
    );

    // The institution's statement: only its own accounts, reconciled with the ledger.
    let statement = a1.institution_statement(world.institution("a1")).await.expect("statement");
    assert_eq!(
        (statement.payable, statement.deposit_withheld, statement.paid),
        (Decimal::ZERO, yuan("62.00"), yuan("1178.00"))
    );
    assert_eq!(statement.bills.iter().map(|b| b.id).collect::<Vec<_>>(), [draft.id]);
    let moves: Vec<(&str, Decimal, Decimal)> =
        statement.entries.iter().map(|e| (e.kind.as_str(), e.payable, e.deposit)).collect();
    assert_eq!(
        moves,
        [
            ("settlement_payable", yuan("1240.00"), Decimal::ZERO),
            ("settlement_payment", yuan("-1240.00"), yuan("62.00"))
        ]
    );
    assert_eq!(status(&a2.institution_statement(world.institution("a1")).await.expect_err("a1's")), 404);
    let own = a2.institution_statement(world.institution("a2")).await.expect("a2's own");
    assert!(own.bills.is_empty() && own.entries.is_empty() && own.payable.is_zero());
    assert_eq!(status(&a1.funding_accounts(ltci_e2e::all()).await.expect_err("not the ledger")), 403);
    assert_eq!(auditor.institution_statement(world.institution("a1")).await.expect("auditor reads"), statement);

    let report = ltci_server::funding::check::run(&app.db).await.expect("check");
    assert!(report.is_sound(), "{report:?}");
    let sum = |code: String| report.sums.get(&(world.region_a, code)).copied().unwrap_or(0);
    let a1_id = world.institution("a1");
    assert_eq!(sum(format!("payable:{a1_id}")), 0);
    assert_eq!(sum(format!("deposit:{a1_id}:resident")), -6_200);
    assert_eq!(sum("expense:institutional:resident".into()), 124_000);
    // 10,000.00 received, 95 % into the fund, 1,178.00 paid out of it.
    assert_eq!(sum("fund:resident".into()), 950_000 - 117_800);

    // The year's evaluation (850 points: B, 80 % of the deposit released) settles the deposit:
    // 49.60 paid back to the institution, 12.40 kept by the fund; once.
    let year = today().year();
    let release = DepositReleaseRequest { year };
    assert_eq!(status(&a1.release_deposit(a1_id, &release).await.expect_err("agency only")), 403);
    let e = admin.release_deposit(a1_id, &release).await.expect_err("not evaluated");
    assert_eq!(field_code(&e, "year"), "not_evaluated");
    let evaluation = EvaluationRequest { year, scores: evaluation_scores(850), evaluated_on: None, notes: None };
    admin.evaluate_institution(a1_id, &evaluation).await.expect("evaluation");
    admin.evaluate_institution(world.institution("a2"), &evaluation).await.expect("a2's evaluation");
    let e = admin.release_deposit(world.institution("a2"), &release).await.expect_err("nothing withheld");
    assert_eq!(field_code(&e, "year"), "nothing_withheld");
    let released = admin.release_deposit(a1_id, &release).await.expect("release");
    assert_eq!(
        (
            released.credit_class.as_str(),
            released.release_percent,
            released.withheld,
            released.released,
            released.forfeited
        ),
        ("B", 80, yuan("62.00"), yuan("49.60"), yuan("12.40"))
    );
    assert_eq!(admin.release_deposit(a1_id, &release).await.expect("again"), released);
    let statement = a1.institution_statement(a1_id).await.expect("statement");
    assert_eq!((statement.deposit_withheld, statement.entries.len()), (Decimal::ZERO, 3));
    assert_eq!((statement.entries[2].kind.as_str(), statement.entries[2].deposit), ("deposit_release", yuan("-62.00")));
    let report = ltci_server::funding::check::run(&app.db).await.expect("check");
    let sum = |code: String| report.sums.get(&(world.region_a, code)).copied().unwrap_or(0);
    assert_eq!(sum(format!("deposit:{a1_id}:resident")), 0);
    assert_eq!(sum("income:forfeited_deposit:resident".into()), -1_240);
    assert_eq!(sum("fund:resident".into()), 950_000 - 117_800 - 4_960);
}

async fn a_month_of_home_and_family_care_is_billed(app: TestApp) {
    let world = app.world().await;
    let (first, last, month) = last_month();
    // Home visits per item at catalogue prices, 80 % for residents; family care 30.00 a day.
    import_policy(&world).await;
    let (a1, carer) = (world.as_user("inst_a1"), world.as_user("carer_a1"));

    // 王 at home, visited on the first week of last month; one visit checked in 1 km away.
    let (wang, _) = beneficiary(&app, &world, "居家老人", 501, 3, CareMode::HomeVisit).await;
    a1.assign_caregiver(&CreateAssignment {
        caregiver_id: world.caregiver("carer_a1"),
        insured_person_id: wang,
        start_on: first - Duration::days(10),
    })
    .await
    .expect("assign");
    let plan = a1
        .create_care_plan(&CreateCarePlan {
            institution_id: None,
            insured_person_id: wang,
            care_mode: CareMode::HomeVisit,
            start_on: first,
            end_on: last,
            items: vec![PlanItem { code: "SF-01".into(), per_week: 7 }, PlanItem { code: "SF-03".into(), per_week: 2 }],
        })
        .await
        .expect("plan");
    let visits = a1
        .schedule_visits(&ScheduleRequest {
            plan_id: plan.id,
            caregiver_id: world.caregiver("carer_a1"),
            from: first,
            to: first + Duration::days(6),
        })
        .await
        .expect("schedule")
        .created;
    assert_eq!(visits.len(), 7);
    for (n, v) in visits.iter().enumerate() {
        let at = if n == 2 { gps(0.01) } else { gps(0.0) };
        upload(carer, &proper_visit(v, at)).await;
    }
    let far = &visits[2];
    assert_eq!(a1.visit(far.id).await.expect("visit").state, VisitState::NeedsReview);

    // 赵 cared for by the family from the 21st.
    let (zhao, _) = beneficiary(&app, &world, "亲情护理", 502, 4, CareMode::FamilyCare).await;
    a1.create_care_plan(&CreateCarePlan {
        institution_id: None,
        insured_person_id: zhao,
        care_mode: CareMode::FamilyCare,
        start_on: first + Duration::days(20),
        end_on: last + Duration::days(30),
        items: vec![],
    })
    .await
    .expect("family-care plan");
    let family_days = u32::try_from((last - first).num_days() - 19).expect("days");

    // What the visits delivered, at the fund's 80 %: SF-01 12.00, SF-03 32.00 each time.
    let fund_of = |v: &Visit| -> Decimal {
        v.planned_items
            .iter()
            .map(|p| Decimal::from(p.times) * if p.code == "SF-01" { yuan("12.00") } else { yuan("32.00") })
            .sum()
    };
    let items = |v: &Visit| u32::try_from(v.planned_items.len()).expect("items");
    let all_items: u32 = visits.iter().map(items).sum();
    let verified_fund: Decimal = visits.iter().filter(|v| v.id != far.id).map(fund_of).sum();
    let family = Decimal::from(30 * family_days);

    let bill = a1.compute_bill(&ComputeBill { institution_id: None, month: month.clone() }).await.expect("bill");
    assert_eq!(bill.line_count, all_items + family_days);
    assert_eq!(bill.rejected_lines, items(far));
    assert_eq!(bill.fund_amount, verified_fund + family);
    let mut subtotals: Vec<(CareMode, Decimal)> = bill.subtotals.iter().map(|s| (s.care_mode, s.fund_amount)).collect();
    subtotals.sort_by_key(|(m, _)| *m as u8);
    assert_eq!(subtotals, [(CareMode::HomeVisit, verified_fund), (CareMode::FamilyCare, family)]);

    let lines = all_lines(a1, bill.id).await;
    let far_lines: Vec<&BillLine> = lines.iter().filter(|l| l.source_id == far.id).collect();
    assert_eq!(far_lines.len() as u32, items(far));
    for l in &far_lines {
        assert_eq!(
            (l.source.as_str(), l.rejection, l.fund_amount),
            ("visit", Some(LineRejection::VisitNotVerified), Decimal::ZERO)
        );
    }
    let sf01 = lines
        .iter()
        .find(|l| l.source_id == visits[0].id && l.item.as_deref() == Some("SF-01"))
        .expect("SF-01 on the first visit");
    assert_eq!(
        (sf01.times, sf01.claimed, sf01.allowed, sf01.fund_amount, sf01.rule.as_deref()),
        (Some(1), yuan("15.00"), yuan("15.00"), yuan("12.00"), Some("per_item"))
    );
    assert_eq!(sf01.explanation["inputs"]["item_name"], "头面部清洁护理");
    let care_day = lines.iter().find(|l| l.insured_person_id == zhao).expect("a family-care day");
    assert_eq!(
        (care_day.source.as_str(), care_day.service_on, care_day.allowed, care_day.fund_amount),
        ("family_care", first + Duration::days(20), yuan("30.00"), yuan("30.00"))
    );

    // The institution has the far visit confirmed, computes again and the visit is paid.
    a1.correct_visit(
        far.id,
        &CorrectionRequest {
            id: Uuid::now_v7(),
            reason: CorrectionReason::GpsDrift,
            exception: Some(ExceptionCode::OutsideGeofence),
            resolution: Some(ResolutionCode::ConfirmedBySupervisor),
            check_in_at: None,
            check_out_at: None,
            note: Some("电话回访确认".into()),
            not_delivered: None,
            replaced_by: None,
        },
    )
    .await
    .expect("confirmed");
    let again = a1.compute_bill(&ComputeBill { institution_id: None, month }).await.expect("again");
    assert_eq!((again.id, again.rejected_lines), (bill.id, 0));
    assert_eq!(again.fund_amount, verified_fund + fund_of(far) + family);
}

async fn a_death_reported_after_approval_is_recovered_next_month(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (admin, a1) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    let (first2, last2, month2) = month_before_last();
    let (first1, _, month1) = last_month();

    // 孙 in the institution from the first of the month before last, 95.00 a day (45.00 from the
    // fund): that whole month, and the first ten days of last month.
    let (sun, sun_id, stay) = resident(&app, &world, 601, first2).await;
    let charge = |on: NaiveDate| DailyCharge { stay_id: stay, on, amount: yuan("95.00") };
    let report =
        |month: &str, days: Vec<DailyCharge>| ChargeReport { institution_id: None, month: month.into(), charges: days };
    a1.report_stay_charges(&report(&month2, first2.iter_days().take_while(|d| *d <= last2).map(charge).collect()))
        .await
        .expect("charges");
    a1.report_stay_charges(&report(&month1, first1.iter_days().take(10).map(charge).collect())).await.expect("charges");
    let days2 = u32::try_from((last2 - first2).num_days() + 1).expect("days");

    // Last month's draft waits for the month before: months are settled in order.
    let earlier = a1.compute_bill(&ComputeBill { institution_id: None, month: month2.clone() }).await.expect("bill");
    let later = a1.compute_bill(&ComputeBill { institution_id: None, month: month1.clone() }).await.expect("bill");
    assert_eq!(later.fund_amount, yuan("450.00"));
    let e = a1.submit_bill(later.id).await.expect_err("the earlier month is open");
    assert_eq!((status(&e), code(&e)), (409, "earlier_bill_open".to_string()));
    a1.submit_bill(earlier.id).await.expect("submit");
    admin.approve_bill(earlier.id).await.expect("approve");
    fiscal_transfer(admin, "CZ-2").await;
    let payer = world.as_user("admin_a2");
    let transfer = |r: &str| PayBill { bank_reference: r.into(), paid_on: None };
    let paid = payer.pay_bill(earlier.id, &transfer("YH-2")).await.expect("pay");
    assert_eq!(paid.payable, Decimal::from(45 * days2));

    // Civil affairs reports, after the payment, that 孙 died on the 20th of that month.
    let died_on = first2 + Duration::days(19);
    let death = PartnerEvent {
        source: PartnerSource::CivilAffairs,
        external_ref: "MZ-601".into(),
        kind: PartnerEventKind::Death,
        id_number: sun_id,
        on: died_on,
        episode_ref: None,
        hospital: None,
    };
    admin.record_partner_events(&PartnerBatch { events: vec![death] }).await.expect("death");

    // The paid bill does not change; the draft computed before the news is stale.
    assert_eq!(admin.bill(earlier.id).await.expect("bill"), paid);
    let e = a1.submit_bill(later.id).await.expect_err("stale");
    assert_eq!((status(&e), code(&e)), (409, "stale_draft".to_string()));

    // Computed again: last month's days are after the death, and the days paid after it the month
    // before are recovered, line by line.
    let recovered = u32::try_from((last2 - died_on).num_days() + 1).expect("days");
    let bill = a1.compute_bill(&ComputeBill { institution_id: None, month: month1.clone() }).await.expect("again");
    assert_eq!((bill.line_count, bill.rejected_lines), (10 + recovered, 10));
    assert_eq!(bill.fund_amount, -Decimal::from(45 * recovered));
    let lines = all_lines(a1, bill.id).await;
    let adjustments: Vec<&BillLine> = lines.iter().filter(|l| l.adjusts_bill_id.is_some()).collect();
    assert_eq!(adjustments.len() as u32, recovered);
    let first_recovered = adjustments[0];
    assert_eq!(
        (
            first_recovered.adjusts_bill_id,
            first_recovered.service_on,
            first_recovered.fund_amount,
            first_recovered.insured_person_id
        ),
        (Some(earlier.id), died_on, yuan("-45.00"), sun)
    );
    assert_eq!(first_recovered.adjusts_line_no, Some(20));
    let steps = first_recovered.explanation["steps"].to_string();
    assert!(steps.contains(&format!("{month2} 结算单第 20 行已结算 45.00；按现有事实应付 0.00（已去世）")), "{steps}");

    // Submitted, approved and settled by the institution's refund into the resident fund.
    a1.submit_bill(bill.id).await.expect("submit");
    let approved = admin.approve_bill(bill.id).await.expect("approve");
    assert_eq!(approved.payable, -Decimal::from(45 * recovered));
    let before = ltci_server::funding::check::run(&app.db).await.expect("check");
    // A bank transfer settles one bill only.
    let e = payer.pay_bill(bill.id, &transfer("YH-2")).await.expect_err("the same transfer");
    assert_eq!(field_code(&e, "bank_reference"), "conflict");
    let refunded = payer.pay_bill(bill.id, &transfer("YH-3-退款")).await.expect("refund");
    assert_eq!((refunded.withheld, refunded.paid), (Some(Decimal::ZERO), Some(-Decimal::from(45 * recovered))));
    let after = ltci_server::funding::check::run(&app.db).await.expect("check");
    assert!(after.is_sound(), "{after:?}");
    let sum = |r: &ltci_server::funding::check::LedgerReport, code: &str| {
        r.sums.get(&(world.region_a, code.to_string())).copied().unwrap_or(0)
    };
    assert_eq!(sum(&after, "fund:resident") - sum(&before, "fund:resident"), i128::from(4_500 * recovered));
    let a1_id = world.institution("a1");
    assert_eq!(sum(&after, &format!("payable:{a1_id}")), 0);
    // What the fund spent on 孙 is the days up to the death.
    assert_eq!(sum(&after, "expense:institutional:resident"), i128::from(4_500 * (days2 - recovered)));
    let statement = a1.institution_statement(a1_id).await.expect("statement");
    assert_eq!(statement.paid, Decimal::from(45 * days2) * yuan("0.95") - Decimal::from(45 * recovered));
}

async fn the_month_end_run_computes_every_institution_once(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (first, _, month) = last_month();
    let (_, _, stay) = resident(&app, &world, 701, first).await;
    let charges =
        first.iter_days().take(5).map(|on| DailyCharge { stay_id: stay, on, amount: yuan("50.00") }).collect();
    let a1 = world.as_user("inst_a1");
    a1.report_stay_charges(&ChargeReport { institution_id: None, month: month.clone(), charges })
        .await
        .expect("charges");
    let (admin, a1_id, a2_id) = (world.as_user("admin_a"), world.institution("a1"), world.institution("a2"));
    let run = MonthEndRequest { month: month.clone() };
    assert_eq!(status(&a1.month_end(&run).await.expect_err("agency only")), 403);
    let e = admin.month_end(&MonthEndRequest { month: "2026-1".into() }).await.expect_err("bad month");
    assert_eq!(field_code(&e, "month"), "invalid_month");

    // Two runs at once, both begun before either computes anything: a1 is computed by one of
    // them (the other finds it claimed, or computed since it began), a2 has nothing to bill (or is
    // claimed by the other run while it finds that out); one bill in the end, computed once.
    use ltci_server::settlement::month_end;
    let officer = ltci_server::auth::Actor::for_command_line(&app.db, "admin_a").await.expect("officer");
    let planned =
        [month_end::plan(&app.state, &officer, &run).await, month_end::plan(&app.state, &officer, &run).await];
    let [one, two] = planned.map(|p| p.expect("plan"));
    let (mut quiet_one, mut quiet_two) = (|_, _| {}, |_, _| {});
    let (one, two) = tokio::join!(
        month_end::execute(&app.state, &officer, one, &mut quiet_one),
        month_end::execute(&app.state, &officer, two, &mut quiet_two)
    );
    let (one, two) = (one.expect("run"), two.expect("run"));
    let outcome = |r: &MonthEndReport, id| {
        r.results.iter().find(|x| x.institution_id == id).map(|x| x.outcome).expect("every institution")
    };
    let mut a1_outcomes = [outcome(&one, a1_id), outcome(&two, a1_id)];
    a1_outcomes.sort_by_key(|o| *o as u8);
    assert!(
        matches!(a1_outcomes, [MonthEndOutcome::Created, MonthEndOutcome::Busy | MonthEndOutcome::ComputedMeanwhile]),
        "{a1_outcomes:?}"
    );
    let mut a2_outcomes = [outcome(&one, a2_id), outcome(&two, a2_id)];
    a2_outcomes.sort_by_key(|o| *o as u8);
    assert!(
        matches!(a2_outcomes, [MonthEndOutcome::NothingToBill, MonthEndOutcome::NothingToBill | MonthEndOutcome::Busy]),
        "{a2_outcomes:?}"
    );
    let bills = admin
        .bills(&BillFilter { month: Some(month.clone()), ..Default::default() }, PageQuery::default())
        .await
        .expect("bills");
    assert_eq!(
        bills.items.iter().map(|b| (b.institution_id, b.fund_amount)).collect::<Vec<_>>(),
        [(a1_id, yuan("187.50"))]
    );
    let version = || async {
        let b = ltci_server::entities::bill::Entity::find_by_id(bills.items[0].id).one(&app.db).await;
        b.expect("read").expect("the bill").version
    };
    assert_eq!(version().await, 1, "computed once between the two runs");
    let totals = [&one, &two].map(|r| r.totals.lines);
    assert!(matches!(totals, [5, 0] | [0, 5]), "the lines computed, counted by the run that did: {totals:?}");

    // A run that began before another computed a bill leaves it as the other computed it, even
    // once the other has finished (the claim outlives the other's transaction); a run that began
    // after computes it again.
    let earlier = month_end::plan(&app.state, &officer, &run).await.expect("plan");
    let later = month_end::plan(&app.state, &officer, &run).await.expect("plan");
    let first = month_end::execute(&app.state, &officer, later, &mut |_, _| {}).await.expect("run");
    assert_eq!(outcome(&first, a1_id), MonthEndOutcome::Computed);
    assert_eq!(version().await, 2);
    let mut seen = Vec::new();
    let second = month_end::execute(&app.state, &officer, earlier, &mut |done, of| seen.push((done, of))).await;
    let second = second.expect("run");
    assert_eq!(outcome(&second, a1_id), MonthEndOutcome::ComputedMeanwhile);
    assert_eq!((version().await, second.totals.lines), (2, 0));
    assert_eq!(seen, [(1, 2), (2, 2)], "the progress after each institution");
    assert_eq!(
        (first.totals.lines, first.totals.rejected_lines, first.totals.fund_amount),
        (5, 0, yuan("187.50")),
        "the run's totals"
    );

    // Once submitted, the run leaves the bill alone.
    a1.submit_bill(bills.items[0].id).await.expect("submit");
    let again = admin.month_end(&run).await.expect("run");
    let a1_result = again.results.iter().find(|r| r.institution_id == a1_id).expect("a1");
    assert_eq!((a1_result.outcome, a1_result.bill_id), (MonthEndOutcome::AlreadySubmitted, Some(bills.items[0].id)));

    // A run started in the background is recorded before the answer and followed to its report;
    // a bad month is refused before anything starts; auditors follow runs, institutions do not.
    let e = admin.start_month_end(&MonthEndRequest { month: "2026-13".into() }).await.expect_err("bad month");
    assert_eq!(field_code(&e, "month"), "invalid_month");
    assert_eq!(status(&a1.start_month_end(&run).await.expect_err("agency only")), 403);
    let started = admin.start_month_end(&run).await.expect("start");
    assert_eq!((started.month.as_str(), started.institutions), (month.as_str(), 2));
    let finished = loop {
        let r = admin.month_end_run(started.id).await.expect("run");
        if r.finished_at.is_some() {
            break r;
        }
        assert!(r.done <= r.institutions);
        tokio::task::yield_now().await;
    };
    assert_eq!((finished.done, finished.failure.as_deref()), (2, None));
    let report = finished.report.expect("the report");
    let a1_result = report.results.iter().find(|r| r.institution_id == a1_id).expect("a1");
    assert_eq!(a1_result.outcome, MonthEndOutcome::AlreadySubmitted);
    let runs = world
        .as_user("auditor_a")
        .month_end_runs(&MonthEndRunFilter { month: Some(month.clone()) }, PageQuery::default())
        .await
        .expect("the auditor lists runs");
    // The six runs above (two at once, two one after the other, one after the submission, one in
    // the background).
    assert_eq!((runs.total, runs.items[0].id), (6, started.id));
    assert_eq!(status(&a1.month_end_run(started.id).await.expect_err("not the institution's")), 403);
    let theirs = world.as_user("admin_b").month_end_run(started.id).await.expect_err("another region's");
    assert_eq!(status(&theirs), 404);
}

/// 不相容岗位分离: the officer who declared a bill for an institution does not audit it, the one
/// who audited does not approve it, the one who approved does not pay it — unless the policy in
/// force says otherwise (`[duties]`), as a one-officer county office may have to.
async fn a_bills_steps_are_taken_by_different_officers(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (admin, other) = (world.as_user("admin_a"), world.as_user("admin_a2"));
    let (first2, last2, month2) = month_before_last();
    let (first1, last1, month1) = last_month();
    let (_, _, stay) = resident(&app, &world, 801, first2).await;
    let charges = |first: NaiveDate, last: NaiveDate, month: &str| ChargeReport {
        institution_id: None,
        month: month.to_owned(),
        charges: first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|on| DailyCharge { stay_id: stay, on, amount: yuan("50.00") })
            .collect(),
    };
    let a1 = world.as_user("inst_a1");
    a1.report_stay_charges(&charges(first2, last2, &month2)).await.expect("charges");
    a1.report_stay_charges(&charges(first1, last1, &month1)).await.expect("charges");
    fiscal_transfer(admin, "CZ-SOD").await;
    let inst = Some(world.institution("a1"));

    // The officer declares the bill for the institution (申报) ...
    let bill = admin.compute_bill(&ComputeBill { institution_id: inst, month: month2.clone() }).await.expect("bill");
    let submitted = admin.submit_bill(bill.id).await.expect("submit");
    assert_eq!(submitted.submitted_by, Some(world.user("admin_a")));
    // ... so another audits it (初审) ...
    let refused = |e: ClientError| (status(&e), code(&e));
    let e = admin.sample_bill(bill.id, &SampleRequest { size: 2 }).await.expect_err("the declarer samples");
    assert_eq!(refused(e), (403, "same_officer_submit_audit".to_string()));
    let cut = Deduction { amount: yuan("1.00"), reason: Some("核减".into()) };
    let e = admin.deduct(bill.id, 1, &cut).await.expect_err("the declarer deducts");
    assert_eq!(refused(e), (403, "same_officer_submit_audit".to_string()));
    other.sample_bill(bill.id, &SampleRequest { size: 2 }).await.expect("sample");
    other.deduct(bill.id, 1, &cut).await.expect("deduct");
    // ... and not the auditor approves it (复核) ...
    let e = other.approve_bill(bill.id).await.expect_err("the auditor approves");
    assert_eq!(refused(e), (403, "same_officer_audit_approve".to_string()));
    admin.approve_bill(bill.id).await.expect("approve");
    // ... and not the approver pays it (支付).
    let pay = |r: &str| PayBill { bank_reference: r.into(), paid_on: None };
    let e = admin.pay_bill(bill.id, &pay("YH-SOD-1")).await.expect_err("the approver pays");
    assert_eq!(refused(e), (403, "same_officer_approve_pay".to_string()));
    let paid = other.pay_bill(bill.id, &pay("YH-SOD-1")).await.expect("pay");
    assert_eq!(
        (paid.submitted_by, paid.approved_by, paid.paid_by),
        (Some(world.user("admin_a")), Some(world.user("admin_a")), Some(world.user("admin_a2")))
    );

    // A policy version from today that lets one officer do it all: the next bill goes through
    // one pair of hands.
    let year = today().year();
    let relaxed = format!(
        "{}\n[duties]\nsubmitter_not_auditor = false\nauditor_not_approver = false\napprover_not_payer = false\n",
        policy_for_region_a()
            .replace(&format!("effective_from = \"{year}-01-01\""), &format!("effective_from = \"{}\"", today()))
    );
    admin.import_policy(relaxed, "application/toml").await.expect("policy without the separation");
    let next = admin.compute_bill(&ComputeBill { institution_id: inst, month: month1 }).await.expect("bill");
    admin.submit_bill(next.id).await.expect("submit");
    admin.sample_bill(next.id, &SampleRequest { size: 1 }).await.expect("sample");
    admin.approve_bill(next.id).await.expect("approve");
    let paid = admin.pay_bill(next.id, &pay("YH-SOD-2")).await.expect("pay");
    assert_eq!((paid.status, paid.paid_by), (BillStatus::Paid, Some(world.user("admin_a"))));
}
