//! The demo data seeds cleanly on both databases, its ledger is sound, its benefit policy is in
//! force, its caregiver has a week of home visits to download, its assessors a case to assess, its
//! two officers last month's bill to audit, approve and pay, its nursing home two residents with
//! last month charged but for its last week, its agency a newcomer to take on, and seeding again
//! adds nothing.

use chrono::Datelike;
use ltci_e2e::{TestApp, on_both_databases, today};
use ltci_server::pii::PiiCipher;
use ltci_shared::PageQuery;
use ltci_shared::api::assessment::{CaseFilter, CaseState};
use ltci_shared::api::care::{ChangesQuery, VisitState};
use ltci_shared::api::partners::{PartnerEventFilter, PartnerEventState};
use ltci_shared::api::settlement::{BillFilter, BillStatus, PayBill, SampleRequest};
use ltci_shared::api::stays::{ChargesQuery, StayFilter};

on_both_databases!(demo_data_is_sound_and_seeding_twice_adds_nothing);

async fn demo_data_is_sound_and_seeding_twice_adds_nothing(app: TestApp) {
    let pii = PiiCipher::new(b"demo-test-key-demo-test-key-0123456789").expect("key");
    assert!(ltci_server::demo::seed(&app.db, &pii).await.expect("seed"));
    ltci_server::demo::seed_funding(&app.db).await.expect("funding");
    let first = ltci_server::funding::check::run(&app.db).await.expect("check");
    assert!(first.is_sound(), "{first:?}");
    assert_eq!(first.entries, 9 * 12 * 2, "nine persons, twelve months, two sources");
    assert!(!ltci_server::demo::seed(&app.db, &pii).await.expect("again"), "the demo region exists");
    ltci_server::demo::seed_funding(&app.db).await.expect("funding again");
    let second = ltci_server::funding::check::run(&app.db).await.expect("check");
    assert_eq!((second.entries, second.sums), (first.entries, first.sums));
    let (admin, _) = app.client.signed_in("admin", ltci_server::demo::DEMO_PASSWORD).await.expect("demo officer");
    // A person of the region paying their own (as a generated city's persons do) is left alone
    // when the demo is seeded again: one entry more, not the demo's year of contributions.
    let own = admin.create_insured_person(&ltci_e2e::world::person("自缴", 77)).await.expect("registered");
    let paid = ltci_shared::api::funding::ContributionRequest {
        reference: "OWN-1".into(),
        insured_person_id: own.id,
        period: today().format("%Y-%m").to_string(),
        scheme: ltci_shared::api::registry::Scheme::Resident,
        source: ltci_shared::api::funding::FundingSource::Individual,
        amount: rust_decimal::Decimal::new(3000, 2),
        received_on: None,
    };
    admin.post_contribution(&paid).await.expect("their own contribution");
    ltci_server::demo::seed_funding(&app.db).await.expect("funding once more");
    let third = ltci_server::funding::check::run(&app.db).await.expect("check");
    assert_eq!(third.entries, first.entries + 1);
    let accounts = admin.funding_accounts(ltci_e2e::all()).await.expect("accounts").items;
    assert!(accounts.iter().any(|a| a.code == "reserve" && a.balance > rust_decimal::Decimal::ZERO));

    // The demo city's benefit policy is in force, once however often it is seeded.
    ltci_server::demo::seed_policy(&app.db).await.expect("policy");
    ltci_server::demo::seed_policy(&app.db).await.expect("policy again");
    let versions = admin.policies(ltci_e2e::all()).await.expect("policies").items;
    assert_eq!(versions.iter().map(|v| (v.version, v.in_force)).collect::<Vec<_>>(), [(1, true)]);

    // Home care: carer1's phone downloads four beneficiaries and their coming week, once.
    ltci_server::demo::seed_care(&app.state).await.expect("care");
    ltci_server::demo::seed_care(&app.state).await.expect("care again");
    let (carer, _) = app.client.signed_in("carer1", ltci_server::demo::DEMO_PASSWORD).await.expect("demo caregiver");
    let day = carer.sync_changes(&ChangesQuery::default()).await.expect("first sync");
    assert_eq!(day.beneficiaries.len(), 4);
    let levels: Vec<Option<u8>> = day.beneficiaries.iter().map(|b| b.level).collect();
    assert_eq!(levels.iter().flatten().count(), 4, "{levels:?}");
    assert!(day.beneficiaries.iter().all(|b| b.plan_id.is_some() && b.latitude.is_some()));
    // Three daily plans and one three times a week: 3 × 7 + 3 visits.
    assert_eq!(day.visits.len(), 24);
    assert!(day.visits.iter().all(|v| v.state == VisitState::Scheduled));
    assert_eq!(day.catalogue.as_ref().map(Vec::len), Some(6));

    // An application assigned to assessor1 (lead) and assessor2, and one whose publicity is over
    // (its certificate to issue), once.
    ltci_server::demo::seed_assessment(&app.state).await.expect("assessment");
    ltci_server::demo::seed_assessment(&app.state).await.expect("assessment again");
    let (lead, _) = app.client.signed_in("assessor1", ltci_server::demo::DEMO_PASSWORD).await.expect("demo assessor");
    let all = lead.list_assessment_cases(&CaseFilter::default(), PageQuery::default()).await.expect("cases");
    assert_eq!(all.total, 2);
    let over = CaseFilter { publicity_over: Some(true), ..CaseFilter::default() };
    let to_certify = admin.list_assessment_cases(&over, PageQuery::default()).await.expect("to certify");
    assert_eq!(to_certify.total, 1);
    let assigned = CaseFilter { state: Some(CaseState::Assigned), ..CaseFilter::default() };
    let cases = lead.list_assessment_cases(&assigned, PageQuery::default()).await.expect("cases");
    assert_eq!(cases.items.len(), 1);
    let case = &cases.items[0];
    assert_eq!(case.state, CaseState::Assigned);
    let me = lead.me().await.expect("me");
    assert_eq!(case.rounds.last().map(|r| r.lead_assessor_id), Some(me.id));
    let person = lead.get_insured_person(case.insured_person_id).await.expect("the applicant");
    assert!(!day.beneficiaries.iter().any(|b| b.id == person.id), "the applicant is not yet certified");

    // Last month's bill of the demo agency, submitted for the officer's audit, once: the level-4
    // person's family-care days at 30.00.
    ltci_server::demo::seed_settlement(&app.state).await.expect("settlement");
    ltci_server::demo::seed_settlement(&app.state).await.expect("settlement again");
    let bills = admin.bills(&BillFilter::default(), PageQuery::default()).await.expect("bills");
    assert_eq!(bills.items.len(), 1);
    let bill = &bills.items[0];
    let first_of_month = today().with_day(1).expect("first");
    let last_month = first_of_month - chrono::Duration::days(1);
    assert_eq!((bill.status, bill.month.clone()), (BillStatus::Submitted, last_month.format("%Y-%m").to_string()));
    assert_eq!(bill.line_count, last_month.day());
    assert_eq!((bill.rejected_lines, bill.fund_amount), (0, rust_decimal::Decimal::from(30 * last_month.day())));

    // Two officers take it through: admin2 audits, admin approves, admin2 pays.
    let (second, _) = app.client.signed_in("admin2", ltci_server::demo::DEMO_PASSWORD).await.expect("second officer");
    second.sample_bill(bill.id, &SampleRequest { size: 3 }).await.expect("admin2 audits");
    assert_eq!(second.approve_bill(bill.id).await.expect_err("the auditor").code(), Some("same_officer_audit_approve"));
    admin.approve_bill(bill.id).await.expect("admin approves");
    let pay = PayBill { bank_reference: "DEMO-YH-1".into(), paid_on: None };
    assert_eq!(admin.pay_bill(bill.id, &pay).await.expect_err("the approver").code(), Some("same_officer_approve_pay"));
    let paid = second.pay_bill(bill.id, &pay).await.expect("admin2 pays");
    assert_eq!(paid.status, BillStatus::Paid);

    // A hospital admission of someone the register does not have waits in the unmatched queue,
    // once.
    ltci_server::demo::seed_partner_events(&app.state).await.expect("partner events");
    ltci_server::demo::seed_partner_events(&app.state).await.expect("partner events again");
    let unmatched = PartnerEventFilter { state: Some(PartnerEventState::Unmatched), ..PartnerEventFilter::default() };
    let queue = admin.partner_events(&unmatched, PageQuery::default()).await.expect("queue");
    assert_eq!(queue.items.iter().map(|e| e.external_ref.as_str()).collect::<Vec<_>>(), ["YB-DEMO-0001"]);

    // The nursing home: two residents in since the first of last month, charged through all but
    // its last week, once; the agency's newcomer certified and choosing it, not yet served.
    ltci_server::demo::seed_residents(&app.state).await.expect("residents");
    ltci_server::demo::seed_residents(&app.state).await.expect("residents again");
    let (home, _) = app.client.signed_in("inst2", ltci_server::demo::DEMO_PASSWORD).await.expect("the nursing home");
    let stays = home.stays(&StayFilter::default(), PageQuery::default()).await.expect("stays").items;
    assert_eq!(stays.len(), 2);
    let month = last_month.format("%Y-%m").to_string();
    for s in &stays {
        assert_eq!(s.admitted_on, last_month.with_day(1).expect("first"));
        let q = ChargesQuery { month: Some(month.clone()) };
        let charged = home.stay_charges(s.id, &q, PageQuery::default()).await.expect("charges");
        assert_eq!(charged.total, u64::from(last_month.day() - 7), "all but the last week");
    }
    let (agency, _) = app.client.signed_in("inst1", ltci_server::demo::DEMO_PASSWORD).await.expect("the agency");
    let served = agency.stays(&StayFilter::default(), PageQuery::default()).await.expect("no stays").items;
    assert!(served.is_empty(), "the agency has no beds");
}
