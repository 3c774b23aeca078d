//! Fund health: balance, income by source, expenditure by month, months covered and the warning
//! level, reconciled to the ledger, and the monthly series.

use chrono::{Datelike, Months};
use ltci_e2e::world::person;
use ltci_e2e::{TestApp, field_code, on_both_databases, today};
use ltci_server::auth::Actor;
use ltci_server::funding::ledger::{self, AccountSpec, NewEntry};
use ltci_shared::api::funding::{
    AccountKind, ChartLinkRequest, ContributionRequest, FundingSettings, FundingSource, HealthQuery, SeriesQuery,
    WarningLevel,
};
use ltci_shared::api::registry::Scheme;
use rust_decimal::Decimal;

on_both_databases!(months_covered_and_levels_follow_the_ledger);

fn yuan(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// Benefit payments are posted by settlement (a later capability); until then the test posts the
/// same entry settlement will: debit the scheme's benefit expense, credit its fund.
async fn pay_benefits(app: &TestApp, actor: &Actor, reference: &str, on: chrono::NaiveDate, fen: i64) {
    let entry = NewEntry {
        reference: reference.into(),
        kind: "benefit_payment",
        description: "待遇支付".into(),
        effective_on: on,
        reverses_entry_id: None,
        request: serde_json::json!({"kind": "benefit_payment", "reference": reference}),
        lines: vec![
            (
                AccountSpec {
                    code: "expense:benefits:resident".into(),
                    name: "居民长护待遇支出".into(),
                    kind: AccountKind::Expense,
                },
                fen,
            ),
            (
                AccountSpec {
                    code: "fund:resident".into(),
                    name: "居民长期护理保险基金".into(),
                    kind: AccountKind::Asset,
                },
                -fen,
            ),
        ],
    };
    ledger::post(&app.db, actor, entry, async |_, _| Ok(())).await.expect("payment");
}

async fn months_covered_and_levels_follow_the_ledger(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    admin
        .put_funding_settings(&FundingSettings { reserve_share_bp: 0, ..FundingSettings::default() })
        .await
        .expect("no reserve share, to keep the sums round");
    let p = admin.create_insured_person(&person("基金分析", 861)).await.expect("person");
    let q = HealthQuery { scheme: Scheme::Resident, on: None, from: None };

    // Income only: no expenditure, months covered undefined.
    let contribution = |reference: &str, source, amount: &str| ContributionRequest {
        reference: reference.into(),
        insured_person_id: p.id,
        period: "2026-01".into(),
        scheme: Scheme::Resident,
        source,
        amount: yuan(amount),
        received_on: Some(today().with_day(1).expect("day") - Months::new(2)),
    };
    admin.post_contribution(&contribution("H-1", FundingSource::Individual, "1000.00")).await.expect("post");
    admin.post_contribution(&contribution("H-2", FundingSource::FiscalSubsidy, "500.00")).await.expect("post");
    let h = world.as_user("auditor_a").fund_health(&q).await.expect("health");
    assert_eq!((h.balance, h.months_covered, h.level), (yuan("1500.00"), None, WarningLevel::NoExpenditure));

    // 100.00 paid in each of the last three months (this one included): 1200.00 left covers 4.0
    // months of the 3-month average — a warning.
    let actor = Actor::for_command_line(&app.db, "admin_a").await.expect("officer");
    for back in 0..3u32 {
        let on = today().with_day(1).expect("day") - Months::new(back);
        pay_benefits(&app, &actor, &format!("PAY-{back}"), on, 10_000).await;
    }
    let h = admin.fund_health(&q).await.expect("health");
    assert_eq!(h.balance, yuan("1200.00"));
    assert_eq!(h.average_monthly_expenditure, yuan("100.00"), "three months available, not twelve");
    assert_eq!((h.months_covered, h.level), (Some(yuan("12.0")), WarningLevel::Normal));
    let by_source: Vec<(FundingSource, Decimal)> = h.income_by_source.iter().map(|s| (s.source, s.amount)).collect();
    if h.income_from <= today().with_day(1).expect("day") - Months::new(2) {
        assert!(by_source.contains(&(FundingSource::Individual, yuan("1000.00"))), "{by_source:?}");
    }
    assert_eq!(h.expenditure_by_month.len(), 12);
    assert_eq!(h.expenditure_by_month.last().map(|m| m.amount), Some(yuan("100.00")));

    // Spending 1000.00 more this month: 200.00 left, average 433.33 — under a month: critical.
    pay_benefits(&app, &actor, "PAY-big", today(), 100_000).await;
    let h = admin.fund_health(&q).await.expect("health");
    assert_eq!((h.balance, h.level), (yuan("200.00"), WarningLevel::Critical));
    assert_eq!(h.months_covered, Some(yuan("0.5")));

    // The series ends with this month and its balance is the report's.
    let series =
        admin.fund_health_series(&SeriesQuery { scheme: Scheme::Resident, months: Some(6) }).await.expect("series");
    assert_eq!(series.len(), 6);
    let last = series.last().expect("last month");
    assert_eq!((last.balance, last.expenditure, last.level), (yuan("200.00"), yuan("1100.00"), WarningLevel::Critical));
    let income: Decimal = series.iter().map(|m| m.income).sum();
    assert_eq!(income, yuan("1500.00"));
    assert!(ltci_server::funding::check::run(&app.db).await.expect("check").is_sound());
    let svg = world
        .as_user("auditor_a")
        .fund_health_chart(&SeriesQuery { scheme: Scheme::Resident, months: Some(6) })
        .await
        .expect("chart");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "an SVG document");
    assert!(svg.contains("居民长期护理保险基金") && svg.contains(&series[5].month), "titled, with month labels");
    assert!(svg.matches("<polyline").count() >= 3, "balance, income and expenditure lines");

    // A signed link opens the same chart in a browser without a bearer token, for these
    // parameters only, and only while its user may read the funds.
    let auditor = world.as_user("auditor_a");
    let link =
        auditor.create_chart_link(&ChartLinkRequest { scheme: Scheme::Resident, months: Some(6) }).await.expect("link");
    assert!(link.url.starts_with("/api/v1/funding/health/chart.svg?scheme=resident&months=6&link="), "{}", link.url);
    let secs = (link.expires_at - chrono::Utc::now()).num_seconds();
    assert!((240..=300).contains(&secs), "about five minutes: {secs} s");
    assert_eq!(auditor.open_link(&link.url).await.expect("opened without a token"), svg);
    let widened = link.url.replace("months=6", "months=120");
    assert_eq!(auditor.open_link(&widened).await.expect_err("other months").code(), Some("invalid_token"));
    let employee = link.url.replace("scheme=resident", "scheme=employee");
    assert_eq!(auditor.open_link(&employee).await.expect_err("other scheme").code(), Some("invalid_token"));
    let no_link = link.url.split("&link=").next().expect("url").to_owned();
    assert_eq!(auditor.open_link(&no_link).await.expect_err("no link").code(), Some("unauthenticated"));
    let too_long = ChartLinkRequest { scheme: Scheme::Resident, months: Some(121) };
    assert_eq!(field_code(&auditor.create_chart_link(&too_long).await.expect_err("months"), "months"), "out_of_range");
    admin.deactivate_user(world.user("auditor_a")).await.expect("deactivate");
    assert_eq!(auditor.open_link(&link.url).await.expect_err("deactivated").code(), Some("invalid_token"));

    let bad = FundingSettings { critical_months: 6, warning_months: 6, ..FundingSettings::default() };
    assert_eq!(
        field_code(&admin.put_funding_settings(&bad).await.expect_err("thresholds"), "warning_months"),
        "not_ascending"
    );
    let too_many = SeriesQuery { scheme: Scheme::Resident, months: Some(500) };
    assert_eq!(field_code(&admin.fund_health_series(&too_many).await.expect_err("months"), "months"), "out_of_range");
    assert_eq!(world.as_user("inst_a1").fund_health(&q).await.expect_err("institution").code(), Some("forbidden"));
}
