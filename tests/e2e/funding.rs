//! The funding ledger: contributions and receipts posted as balanced entries with the reserve
//! share, idempotent by reference, reversals, exact money, and who may post.

use ltci_e2e::world::person;
use ltci_e2e::{TestApp, field_code, on_both_databases};
use ltci_shared::api::funding::{
    Account, ContributionRequest, EntryFilter, FundingSettings, FundingSource, JournalEntry, ReceiptRequest,
    ReversalRequest,
};
use ltci_shared::api::registry::Scheme;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use sea_orm::EntityTrait;
use uuid::Uuid;

on_both_databases!(
    contributions_fill_fund_and_reserve_exactly,
    references_make_posting_idempotent,
    reversals_cancel_entries_once,
    contributions_decide_the_contribution_period,
    the_ledger_check_finds_what_does_not_add_up,
    postings_at_the_same_moment_all_count_in_the_balances,
    reserve_draws_need_a_second_officer,
    reports_reconcile_to_the_ledger,
);

fn yuan(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn contribution(reference: &str, person: Uuid, amount: &str) -> ContributionRequest {
    ContributionRequest {
        reference: reference.into(),
        insured_person_id: person,
        period: "2026-10".into(),
        scheme: Scheme::Resident,
        source: FundingSource::Individual,
        amount: yuan(amount),
        received_on: None,
    }
}

fn balance(accounts: &[Account], code: &str) -> Decimal {
    accounts.iter().find(|a| a.code == code).map(|a| a.balance).unwrap_or(Decimal::ZERO)
}

fn assert_balanced(e: &JournalEntry) {
    let sum: Decimal = e.postings.iter().map(|p| p.amount).sum();
    assert_eq!(sum, Decimal::ZERO, "entry {} is unbalanced: {:?}", e.reference, e.postings);
}

async fn contributions_fill_fund_and_reserve_exactly(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("缴费人", 801)).await.expect("person");
    // 0.10 + 0.20 must be 0.30, and the largest contribution a person may pay must stay exact.
    let mut entries = Vec::new();
    for (reference, amount) in [("R-1", "0.10"), ("R-2", "0.20"), ("R-3", "99999.99")] {
        let posted = admin.post_contribution(&contribution(reference, p.id, amount)).await.expect("post");
        assert!(posted.created);
        assert_balanced(&posted.entry);
        entries.push(posted.entry);
    }
    // 5 % to the reserve, rounded half up to the fen: 0.10 → 0.01 (0.005), 0.20 → 0.01.
    let first = &entries[0];
    let line = |e: &JournalEntry, code: &str| e.postings.iter().find(|l| l.account_code == code).map(|l| l.amount);
    assert_eq!(line(first, "reserve"), Some(yuan("0.01")));
    assert_eq!(line(first, "fund:resident"), Some(yuan("0.09")));
    assert_eq!(line(first, "income:individual:resident"), Some(yuan("-0.10")));

    let fiscal = ReceiptRequest {
        reference: "CZ-2026-11".into(),
        scheme: Scheme::Resident,
        source: FundingSource::FiscalSubsidy,
        amount: yuan("2000000.00"),
        description: "市财政居民长护补助 11月".into(),
        received_on: None,
    };
    assert!(admin.post_receipt(&fiscal).await.expect("receipt").created);

    let accounts = world.as_user("auditor_a").funding_accounts(ltci_e2e::all()).await.expect("accounts").items;
    assert_eq!(balance(&accounts, "income:individual:resident"), yuan("100000.29"));
    assert_eq!(balance(&accounts, "income:fiscal_subsidy:resident"), yuan("2000000.00"));
    let reserve = balance(&accounts, "reserve");
    let fund = balance(&accounts, "fund:resident");
    assert_eq!(reserve + fund, yuan("2100000.29"), "every fen received is in the fund or the reserve");
    // 5 % of 99999.99 is 4999.9995: 5000.00, half up.
    assert_eq!(reserve, yuan("0.01") + yuan("0.01") + yuan("5000.00") + yuan("100000.00"));
    assert_eq!(balance(&accounts, "income:fiscal_subsidy:resident").to_string(), "2000000.00", "two decimals");

    // Amounts are validated: sub-fen, zero, unknown person, malformed month — all at once.
    let mut bad = contribution("R-BAD", Uuid::now_v7(), "1.005");
    bad.period = "2026-13".into();
    let err = admin.post_contribution(&bad).await.expect_err("invalid");
    for (field, code) in
        [("amount", "too_precise"), ("insured_person_id", "unknown_person"), ("period", "invalid_period")]
    {
        assert_eq!(field_code(&err, field), code);
    }
    let zero = admin.post_contribution(&contribution("R-0", p.id, "0")).await.expect_err("zero");
    assert_eq!(field_code(&zero, "amount"), "not_positive");

    // Only officers post; auditors read; institutions and caregivers see nothing of it.
    let err = world.as_user("auditor_a").post_contribution(&contribution("R-9", p.id, "1")).await.expect_err("auditor");
    assert_eq!(err.code(), Some("forbidden"));
    assert_eq!(
        world.as_user("inst_a1").funding_accounts(ltci_e2e::all()).await.expect_err("institution").code(),
        Some("forbidden")
    );
    assert!(world.as_user("admin_b").funding_accounts(ltci_e2e::all()).await.expect("region B").items.is_empty());
}

async fn references_make_posting_idempotent(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("重复提交", 803)).await.expect("person");
    let req = contribution("JF-0001", p.id, "30.00");
    let first = admin.post_contribution(&req).await.expect("post");
    let again = admin.post_contribution(&req).await.expect("repeat");
    assert_eq!((again.created, again.entry.id), (false, first.entry.id));
    let raw =
        admin.request(reqwest::Method::POST, "/api/v1/funding/contributions").json(&req).send().await.expect("send");
    assert_eq!(raw.status(), StatusCode::OK, "a repeat answers 200, a new entry 201");
    let mut changed = req.clone();
    changed.amount = yuan("31.00");
    let err = admin.post_contribution(&changed).await.expect_err("other content");
    assert_eq!((err.status(), field_code(&err, "reference").as_str()), (Some(StatusCode::CONFLICT), "conflict"));
    let accounts = admin.funding_accounts(ltci_e2e::all()).await.expect("accounts").items;
    assert_eq!(balance(&accounts, "income:individual:resident"), yuan("30.00"), "posted once");
    let listed = admin
        .journal_entries(&EntryFilter { reference: Some("JF-0001".into()), account_code: None }, Default::default())
        .await
        .expect("entries");
    assert_eq!(listed.total, 1);
    // The same reference in another region is another entry.
    let q = world.as_user("admin_b").create_insured_person(&person("乙区缴费", 803)).await.expect("person");
    assert!(
        world.as_user("admin_b").post_contribution(&contribution("JF-0001", q.id, "30.00")).await.expect("B").created
    );
}

async fn reversals_cancel_entries_once(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    admin
        .put_funding_settings(&FundingSettings { reserve_share_bp: 1000, ..FundingSettings::default() })
        .await
        .expect("10 %");
    let p = admin.create_insured_person(&person("冲销", 805)).await.expect("person");
    let posted = admin.post_contribution(&contribution("JF-0100", p.id, "88.88")).await.expect("post");
    let reserve_line = posted.entry.postings.iter().find(|l| l.account_code == "reserve").expect("reserve").amount;
    assert_eq!(reserve_line, yuan("8.89"));

    let rev = ReversalRequest { reference: "CX-0100".into(), reason: "重复缴费，退回".into() };
    let reversal = admin.reverse_entry(posted.entry.id, &rev).await.expect("reverse");
    assert!(reversal.created);
    assert_balanced(&reversal.entry);
    assert_eq!(reversal.entry.reverses_entry_id, Some(posted.entry.id));
    assert_eq!(
        admin.journal_entry(posted.entry.id).await.expect("original").reversed_by_entry_id,
        Some(reversal.entry.id)
    );
    for a in admin.funding_accounts(ltci_e2e::all()).await.expect("accounts").items {
        assert_eq!(a.balance, Decimal::ZERO, "{} is back to zero", a.code);
    }
    // A retry of the same reversal is answered with it; a second reversal is refused, as is
    // reversing the reversal.
    assert_eq!(admin.reverse_entry(posted.entry.id, &rev).await.expect("retry").entry.id, reversal.entry.id);
    let other = ReversalRequest { reference: "CX-0101".into(), reason: "再次冲销".into() };
    assert_eq!(
        admin.reverse_entry(posted.entry.id, &other).await.expect_err("twice").status(),
        Some(StatusCode::CONFLICT)
    );
    assert_eq!(
        admin.reverse_entry(reversal.entry.id, &other).await.expect_err("of a reversal").status(),
        Some(StatusCode::CONFLICT)
    );
    assert_eq!(admin.reverse_entry(Uuid::now_v7(), &other).await.expect_err("unknown").code(), Some("not_found"));
    let entries = admin
        .journal_entries(&EntryFilter { reference: None, account_code: Some("reserve".into()) }, Default::default())
        .await
        .expect("list");
    assert_eq!(entries.total, 2);
}

/// Once a region posts contributions, assessment eligibility counts contributed months (not
/// reversed), not months since enrolment.
async fn contributions_decide_the_contribution_period(app: TestApp) {
    use chrono::{Datelike, Months};
    use ltci_shared::api::assessment::{ApplyRequest, CareMode, CaseState};
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let apply = |id| ApplyRequest {
        insured_person_id: id,
        care_mode: CareMode::HomeVisit,
        reason: "卧床，生活不能自理".into(),
        institution_id: None,
        change_of_condition: false,
    };
    // Enrolled in 2023: by enrolment alone long enough; with contributions only 11 months paid.
    let short = admin.create_insured_person(&person("缴费不足", 811)).await.expect("person");
    let enough = admin.create_insured_person(&person("缴费足额", 813)).await.expect("person");
    let this_month = ltci_e2e::today().with_day(1).expect("first of month");
    for back in 0..12u32 {
        let period = (this_month - Months::new(back)).format("%Y-%m").to_string();
        let mut c = contribution(&format!("E-{back}"), enough.id, "25.00");
        c.period = period.clone();
        admin.post_contribution(&c).await.expect("enough");
        if back < 11 {
            let mut c = contribution(&format!("S-{back}"), short.id, "25.00");
            c.period = period;
            admin.post_contribution(&c).await.expect("short");
        }
    }
    // A month paid twice (two sources) counts once; a reversed month not at all.
    let mut twice = contribution("S-employer", short.id, "10.00");
    twice.period = this_month.format("%Y-%m").to_string();
    twice.source = FundingSource::Employer;
    admin.post_contribution(&twice).await.expect("second source");
    let mut extra = contribution("S-extra", short.id, "25.00");
    extra.period = (this_month - Months::new(11)).format("%Y-%m").to_string();
    let extra = admin.post_contribution(&extra).await.expect("twelfth month");
    admin
        .reverse_entry(extra.entry.id, &ReversalRequest { reference: "S-extra-cx".into(), reason: "缴费退回".into() })
        .await
        .expect("reverse");

    // The person's months as the officer reads them: latest first, two sources in a month, the
    // reversed month marked; the auditor reads them too, institution staff and another region not.
    let months = admin.person_contributions(short.id, ltci_shared::PageQuery::default()).await.expect("months").items;
    assert_eq!(months.len(), 13);
    let latest = this_month.format("%Y-%m").to_string();
    assert_eq!(
        months.iter().take(2).map(|c| (c.period.as_str(), c.source, c.amount.to_string())).collect::<Vec<_>>(),
        [
            (latest.as_str(), FundingSource::Employer, "10.00".to_string()),
            (latest.as_str(), FundingSource::Individual, "25.00".to_string())
        ]
    );
    let reversed: Vec<_> = months.iter().filter(|c| c.reversed).map(|c| c.entry_id).collect();
    assert_eq!(reversed, [extra.entry.id]);
    assert_eq!(
        world
            .as_user("auditor_a")
            .person_contributions(short.id, ltci_shared::PageQuery::default())
            .await
            .expect("auditor")
            .total,
        13
    );
    let e = world
        .as_user("inst_a1")
        .person_contributions(short.id, ltci_shared::PageQuery::default())
        .await
        .expect_err("institution");
    assert_eq!(e.status(), Some(StatusCode::FORBIDDEN));
    let e = world
        .as_user("admin_b")
        .person_contributions(short.id, ltci_shared::PageQuery::default())
        .await
        .expect_err("another region");
    assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));

    let refused = admin.apply_for_assessment(&apply(short.id)).await.expect("recorded");
    assert_eq!(refused.state, CaseState::Refused);
    let refusal = refused.refusal.expect("refusal");
    assert_eq!(refusal.code, "contribution_period_too_short");
    assert!(refusal.message.starts_with("缴费仅 11 个月，须满 12 个月"), "{}", refusal.message);
    let accepted = admin.apply_for_assessment(&apply(enough.id)).await.expect("recorded");
    assert_ne!(accepted.state, CaseState::Refused, "{:?}", accepted.refusal);
}

/// The check recomputes from the raw postings: sound after normal use, and it names an entry that
/// no longer balances.
async fn the_ledger_check_finds_what_does_not_add_up(app: TestApp) {
    use ltci_server::entities::ledger_posting;
    use sea_orm::{ActiveModelTrait, Set};
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("核对", 821)).await.expect("person");
    let posted = admin.post_contribution(&contribution("CK-1", p.id, "12.34")).await.expect("post");
    admin
        .reverse_entry(posted.entry.id, &ReversalRequest { reference: "CK-1-cx".into(), reason: "核对".into() })
        .await
        .expect("reverse");
    admin.post_contribution(&contribution("CK-2", p.id, "56.78")).await.expect("post");
    let report = ltci_server::funding::check::run(&app.db).await.expect("check");
    assert!(report.is_sound(), "{report:?}");
    assert_eq!((report.entries, report.postings), (3, 9));
    assert_eq!(report.sums[&(world.region_a, "income:individual:resident".to_string())], -5678);

    // Someone writes a stray posting behind the ledger's back: the check names the entry.
    let account =
        ltci_server::entities::ledger_account::Entity::find().one(&app.db).await.expect("query").expect("an account");
    ledger_posting::ActiveModel {
        id: Set(Uuid::now_v7()),
        entry_id: Set(posted.entry.id),
        account_id: Set(account.id),
        amount_fen: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("stray posting");
    let report = ltci_server::funding::check::run(&app.db).await.expect("check");
    assert_eq!(report.unbalanced, vec![(posted.entry.id, 1)]);
    // The account's total of that day was not told: the check names the account and the day.
    let day = posted.entry.effective_on;
    assert_eq!(report.totals_off.len(), 1, "{:?}", report.totals_off);
    let (off_account, off_day, fen, kept) = report.totals_off[0];
    assert_eq!((off_account, off_day, fen - kept), (account.id, day, 1));
    assert!(!report.is_sound());
}

/// Balances are read from day totals that every posting adds to: twelve contributions posted at
/// the same moment to the same accounts all count, and a retry of each adds nothing.
async fn postings_at_the_same_moment_all_count_in_the_balances(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("并发", 822)).await.expect("person");
    let requests: Vec<ContributionRequest> =
        (1..=12).map(|n| contribution(&format!("AT-{n}"), p.id, &format!("{n}.01"))).collect();
    let at_once = |requests: Vec<ContributionRequest>| {
        let sends: Vec<_> = requests
            .into_iter()
            .map(|r| {
                let admin = admin.clone();
                tokio::spawn(async move { admin.post_contribution(&r).await.map(|o| o.created) })
            })
            .collect();
        async move {
            let mut created = Vec::new();
            for send in sends {
                created.push(send.await.expect("task").expect("posted"));
            }
            created
        }
    };
    assert_eq!(at_once(requests.clone()).await, vec![true; 12]);
    assert_eq!(at_once(requests).await, vec![false; 12]);
    // 1.01 + 2.01 + … + 12.01 = 78.12 in all, reserve share included.
    let accounts = admin.funding_accounts(ltci_e2e::all()).await.expect("accounts").items;
    assert_eq!(balance(&accounts, "fund:resident") + balance(&accounts, "reserve"), yuan("78.12"));
    assert_eq!(balance(&accounts, "income:individual:resident"), yuan("78.12"));
    let report = ltci_server::funding::check::run(&app.db).await.expect("check");
    assert!(report.is_sound(), "{report:?}");
}

/// A draw from the reserve is requested by one officer and approved by another; it cannot exceed
/// what the reserve holds.
async fn reserve_draws_need_a_second_officer(app: TestApp) {
    use ltci_shared::api::funding::{DrawRejection, DrawStatus, ReserveDrawRequest};
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let second = world.as_user("admin_a2").clone();
    let receipt = ReceiptRequest {
        reference: "CZ-1".into(),
        scheme: Scheme::Employee,
        source: FundingSource::FiscalSubsidy,
        amount: yuan("1000.00"),
        description: "财政补助".into(),
        received_on: None,
    };
    admin.post_receipt(&receipt).await.expect("receipt"); // 50.00 to the reserve
    let ask = |reference: &str, amount: &str| ReserveDrawRequest {
        reference: reference.into(),
        scheme: Scheme::Resident,
        amount: yuan(amount),
        reason: "居民基金支付缺口".into(),
    };
    let d = admin.request_reserve_draw(&ask("DR-1", "30.00")).await.expect("request");
    assert_eq!(d.status, DrawStatus::Requested);
    assert_eq!(admin.request_reserve_draw(&ask("DR-1", "30.00")).await.expect("repeat").id, d.id);
    assert_eq!(
        admin.request_reserve_draw(&ask("DR-1", "31.00")).await.expect_err("other").status(),
        Some(StatusCode::CONFLICT)
    );
    // Not by the officer who asked.
    assert_eq!(admin.approve_reserve_draw(d.id).await.expect_err("own").code(), Some("four_eyes_required"));
    assert_eq!(
        world.as_user("auditor_a").approve_reserve_draw(d.id).await.expect_err("auditor").code(),
        Some("forbidden")
    );
    let approved = second.approve_reserve_draw(d.id).await.expect("approve");
    assert_eq!(
        (approved.status, approved.decided_by.is_some(), approved.entry_id.is_some()),
        (DrawStatus::Approved, true, true)
    );
    assert_eq!(second.approve_reserve_draw(d.id).await.expect_err("again").code(), Some("invalid_state_transition"));
    let accounts = admin.funding_accounts(ltci_e2e::all()).await.expect("accounts").items;
    assert_eq!(balance(&accounts, "reserve"), yuan("20.00"));
    assert_eq!(balance(&accounts, "fund:resident"), yuan("30.00"));
    // More than the reserve holds is refused; a rejection needs a reason and posts nothing.
    let big = admin.request_reserve_draw(&ask("DR-2", "20.01")).await.expect("request");
    assert_eq!(second.approve_reserve_draw(big.id).await.expect_err("too much").code(), Some("insufficient_reserve"));
    let rejected =
        second.reject_reserve_draw(big.id, &DrawRejection { reason: "超出调剂金余额".into() }).await.expect("reject");
    assert_eq!(rejected.status, DrawStatus::Rejected);
    assert_eq!(
        balance(&admin.funding_accounts(ltci_e2e::all()).await.expect("accounts").items, "reserve"),
        yuan("20.00")
    );
    assert_eq!(admin.reserve_draws(ltci_e2e::all()).await.expect("list").items.len(), 2);
    // Two draws approved at the same moment cannot together take more than the reserve holds.
    let a = admin.request_reserve_draw(&ask("DR-3", "15.00")).await.expect("request");
    let b = admin.request_reserve_draw(&ask("DR-4", "15.00")).await.expect("request");
    let (ra, rb) = tokio::join!(second.approve_reserve_draw(a.id), second.approve_reserve_draw(b.id));
    let codes: Vec<Option<String>> =
        [ra, rb].into_iter().map(|r| r.err().and_then(|e| e.code().map(str::to_string))).collect();
    assert_eq!(codes.iter().filter(|c| c.is_none()).count(), 1, "exactly one approved: {codes:?}");
    assert!(codes.contains(&Some("insufficient_reserve".into())), "{codes:?}");
    assert_eq!(
        balance(&admin.funding_accounts(ltci_e2e::all()).await.expect("accounts").items, "reserve"),
        yuan("5.00")
    );
    assert!(ltci_server::funding::check::run(&app.db).await.expect("check").is_sound());
}

/// The CSV reports add up to what the ledger holds.
async fn reports_reconcile_to_the_ledger(app: TestApp) {
    use ltci_shared::api::funding::{OnDateQuery, PeriodQuery};
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("报表", 841)).await.expect("person");
    let mut employer = contribution("RP-2", p.id, "200.00");
    employer.source = FundingSource::Employer;
    for req in [contribution("RP-1", p.id, "100.00"), employer, contribution("RP-3", p.id, "0.30")] {
        admin.post_contribution(&req).await.expect("post");
    }
    let third = admin
        .journal_entries(&EntryFilter { reference: Some("RP-3".into()), account_code: None }, Default::default())
        .await
        .expect("list");
    admin
        .reverse_entry(third.items[0].id, &ReversalRequest { reference: "RP-3-cx".into(), reason: "退费".into() })
        .await
        .expect("reverse");
    let today = ltci_e2e::today();
    let period = PeriodQuery { from: today - chrono::Duration::days(1), to: today };
    let income = world.as_user("auditor_a").income_report_csv(&period).await.expect("income csv");
    let lines: Vec<&str> = income.lines().collect();
    assert_eq!(lines[0], "来源,险种,科目,金额");
    assert!(lines.contains(&"employer,resident,单位缴费（居民）,200.00"), "{income}");
    assert!(lines.contains(&"individual,resident,个人缴费（居民）,100.00"), "the reversed 0.30 nets out: {income}");
    assert_eq!(lines.last().copied(), Some("合计,,,300.00"));
    let earlier = PeriodQuery { from: today - chrono::Duration::days(30), to: today - chrono::Duration::days(2) };
    assert_eq!(admin.income_report_csv(&earlier).await.expect("empty").lines().last(), Some("合计,,,0.00"));
    let backwards = PeriodQuery { from: today, to: today - chrono::Duration::days(1) };
    assert_eq!(field_code(&admin.income_report_csv(&backwards).await.expect_err("period"), "to"), "before_start");

    // Asked in English, the report's header and total line are English; the figures the same.
    let tb = admin
        .with_language(ltci_shared::text::Lang::English)
        .trial_balance_csv(&OnDateQuery::default())
        .await
        .expect("trial balance");
    assert!(tb.starts_with("code,name,kind,debits,credits,balance\n"), "{tb}");
    let total = tb.lines().last().expect("total line");
    let cols: Vec<&str> = total.split(',').collect();
    assert_eq!(cols[0], "total");
    assert_eq!(cols[3], cols[4], "debits equal credits: {tb}");
    let reserve = tb.lines().find(|l| l.starts_with("reserve,")).expect("reserve line");
    assert!(reserve.ends_with(",15.00"), "5 % of 300.00: {reserve}");
    assert_eq!(
        world.as_user("inst_a1").trial_balance_csv(&OnDateQuery::default()).await.expect_err("institution").code(),
        Some("forbidden")
    );
}
