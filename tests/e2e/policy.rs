//! Benefit policy as effective-dated data: versions imported as TOML or JSON, the one in force on a
//! date, every problem reported at its key, and the settings the policy decides.

use chrono::{Datelike, Days};
use ltci_e2e::world::policy_for_region_a as policy_a;
use ltci_e2e::{TestApp, field_code, field_codes, on_both_databases, today};
use ltci_shared::api::assessment::AssessmentSettings;
use ltci_shared::api::funding::FundingSettings;
use ltci_shared::api::policy::InForceQuery;
use ltci_shared::policy::PolicyDocument;
use reqwest::{Method, StatusCode};

on_both_databases!(versions_in_force_problems_and_governed_settings);

const TOML: &str = "application/toml";

fn pair(key: &str, code: &str) -> (String, String) {
    (key.to_owned(), code.to_owned())
}

async fn versions_in_force_problems_and_governed_settings(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let new_year = today().with_month(1).and_then(|d| d.with_day(1)).expect("1 January");

    // Before any policy: none in force, and the region's own settings apply and may be changed.
    let none = admin.policy_in_force(&InForceQuery::default()).await.expect_err("no policy yet");
    assert_eq!(none.status(), Some(StatusCode::NOT_FOUND));
    let mut assessment = AssessmentSettings { publicity_days: 5, ..AssessmentSettings::default() };
    admin.put_assessment_settings(&assessment).await.expect("settings before a policy");

    // Version 1, as TOML: 201; the same document again: 200 with the same version.
    let first = admin.request(Method::POST, "/api/v1/policies").header("content-type", TOML).body(policy_a());
    assert_eq!(first.send().await.expect("send").status(), StatusCode::CREATED);
    let v1 = admin.import_policy(policy_a(), TOML).await.expect("same again");
    assert_eq!((v1.version, v1.effective_from), (1, new_year));
    let again = admin.request(Method::POST, "/api/v1/policies").header("content-type", TOML).body(policy_a());
    assert_eq!(again.send().await.expect("send").status(), StatusCode::OK);

    // Version 2, as JSON, from a date next month: a 10% reserve share and 10-day publicity.
    let mut doc: PolicyDocument = v1.document.clone();
    let next = today().checked_add_days(Days::new(40)).expect("date");
    doc.effective_from = next;
    doc.reserve_share = "0.10".parse().expect("share");
    doc.assessment.publicity_days = 10;
    let v2 =
        admin.import_policy(serde_json::to_string(&doc).expect("json"), "application/json").await.expect("version 2");
    assert_eq!((v2.version, v2.document.reserve_share_bp()), (2, 1000));

    // In force: version 1 today and until the day before version 2; version 2 from its date.
    let on = |d| InForceQuery { on: Some(d) };
    assert_eq!(admin.policy_in_force(&InForceQuery::default()).await.expect("today").id, v1.id);
    let day_before = next.pred_opt().expect("date");
    assert_eq!(admin.policy_in_force(&on(day_before)).await.expect("day before").id, v1.id);
    assert_eq!(admin.policy_in_force(&on(next)).await.expect("from its date").id, v2.id);
    let before = new_year.pred_opt().expect("date");
    assert_eq!(admin.policy_in_force(&on(before)).await.expect_err("before").status(), Some(StatusCode::NOT_FOUND));
    let list = admin.policies(ltci_e2e::all()).await.expect("list").items;
    let flags: Vec<(u32, bool)> = list.iter().map(|p| (p.version, p.in_force)).collect();
    assert_eq!(flags, [(2, false), (1, true)], "newest first, version 1 in force");

    // The policy in force decides the assessment settings and the reserve share.
    let now = admin.assessment_settings().await.expect("settings");
    assert_eq!(now, v1.document.assessment, "the policy's, not the 5 days saved before");
    assessment.publicity_days = 9;
    let refused = admin.put_assessment_settings(&assessment).await.expect_err("governed");
    assert_eq!((refused.status(), refused.code()), (Some(StatusCode::CONFLICT), Some("governed_by_policy")));
    let funding = admin.funding_settings().await.expect("funding settings");
    assert_eq!(funding.reserve_share_bp, 500);
    let other_share = FundingSettings { reserve_share_bp: 800, ..funding };
    assert_eq!(
        field_code(&admin.put_funding_settings(&other_share).await.expect_err("share"), "reserve_share_bp"),
        "governed_by_policy"
    );
    let thresholds = FundingSettings { surplus_months: 30, ..funding };
    assert_eq!(admin.put_funding_settings(&thresholds).await.expect("thresholds stay the region's").surplus_months, 30);

    // Every problem at its key; nothing imported.
    let bad = policy_a()
        .replace("amount = \"80.00\"", "amount = \"80.001\"")
        .replace(
            "levels = [3, 4, 5]\nbasis = \"capped_per_day\"\namount = \"60.00\"",
            "levels = [1, 3]\nbasis = \"capped_per_day\"\namount = \"60.00\"",
        )
        .replace("max_per_week = 14", "max_per_week = 40");
    let err = admin.import_policy(bad, TOML).await.expect_err("problems");
    let mut expected = vec![
        pair("rates[0].amount", "too_precise"),
        pair("rates[3].levels", "not_eligible"),
        pair("catalogue[1].max_per_week", "out_of_range"),
        pair("eligibility.institutional", "no_rate"),
    ];
    expected.sort();
    assert_eq!(field_codes(&err), expected);
    let typo = policy_a().replace("geofence_radius_m", "geofence_radius");
    assert_eq!(
        field_codes(&admin.import_policy(typo, TOML).await.expect_err("typo")),
        [pair("monitoring.geofence_radius", "unknown_key")]
    );
    let float = policy_a().replace("fund_share = \"0.75\"", "fund_share = 0.75");
    assert_eq!(
        field_codes(&admin.import_policy(float, TOML).await.expect_err("float")),
        [pair("rates[1].fund_share", "invalid_value")]
    );
    let other_city = ltci_server::demo::DEMO_POLICY.to_owned();
    assert_eq!(field_code(&admin.import_policy(other_city, TOML).await.expect_err("region"), "region"), "wrong_region");
    let plain = admin.import_policy(policy_a(), "text/plain").await.expect_err("media type");
    assert_eq!(plain.status(), Some(StatusCode::UNSUPPORTED_MEDIA_TYPE));
    assert_eq!(admin.policies(ltci_e2e::all()).await.expect("list").items.len(), 2, "nothing more imported");

    // Officers import; everyone of the region reads; other regions see nothing.
    let auditor = world.as_user("auditor_a");
    assert_eq!(auditor.import_policy(policy_a(), TOML).await.expect_err("auditor").code(), Some("forbidden"));
    let carer = world.as_user("carer_a1");
    let read = carer.policy_in_force(&InForceQuery::default()).await.expect("caregivers read the catalogue");
    assert_eq!(read.document.item("SF-03").map(|i| i.min_minutes), Some(45));
    let b = world.as_user("admin_b");
    assert_eq!(b.policy(v1.id).await.expect_err("other region").status(), Some(StatusCode::NOT_FOUND));
    assert!(b.policies(ltci_e2e::all()).await.expect("list").items.is_empty());
}
