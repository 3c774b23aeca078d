//! 床位与费用 in the console, as a nursing home's staff use it: a resident admitted by the form;
//! the month's grid with a bad cell and a day not yet come refused, each beside its cell, nothing
//! recorded; the cells saved with the month's total; the month's template downloaded and uploaded
//! back (a bad cell named by line and day, nothing recorded); the discharge; another institution's
//! stay refused like one that does not exist; the auditor reading the grid with no input.

use chrono::{Datelike, Duration};
use ltci_e2e::world::{TEST_PASSWORD, choose, person, seed_certificate};
use ltci_e2e::{TestApp, on_both_databases, today};
use ltci_shared::PageQuery;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::CreateServiceRelation;
use ltci_shared::api::stays::{ChargeSheetQuery, ChargesQuery, StayFilter};
use reqwest::StatusCode;

use crate::console::Browser;

on_both_databases!(a_month_of_charges_is_entered_in_the_grid_and_uploaded);

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

async fn a_month_of_charges_is_entered_in_the_grid_and_uploaded(app: TestApp) {
    let world = app.world().await;
    let p = world.as_user("admin_a").create_insured_person(&person("钱月英", 451)).await.expect("person");
    seed_certificate(&app, world.region_a, p.id, 4).await;
    let first = today().with_day(1).expect("first");
    choose(&world, p.id, "a1", CareMode::Institutional, first - Duration::days(3)).await;
    world
        .as_user("inst_a1")
        .start_service_relation(&CreateServiceRelation {
            insured_person_id: p.id,
            institution_id: world.institution("a1"),
            care_mode: CareMode::Institutional,
            start_on: first - Duration::days(3),
        })
        .await
        .expect("relation");
    let mut staff = signed_in(&app, "inst_a1").await;
    let person_id = p.id.to_string();
    let first_text = first.to_string();
    let admitted = staff
        .submit(
            "/stays",
            "/stays",
            &[("insured_person_id", &person_id), ("care_mode", "institutional"), ("admitted_on", &first_text)],
        )
        .await;
    assert_eq!(admitted.location.as_deref(), Some("/stays?done=ui_done_admitted"), "{}", admitted.body);
    let api = world.as_user("inst_a1");
    let stay = api.stays(&StayFilter::default(), PageQuery::default()).await.expect("stays").items.remove(0);
    let stay_id = stay.id.to_string();

    // The grid: one row, the days that have come are cells.
    let month = format!("{:04}-{:02}", first.year(), first.month());
    let grid = format!("/stays/charges?month={month}");
    let page = staff.get(&grid).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("钱月英") && page.body.contains("name=\"c1_1\""), "{}", page.body);
    // A cell that is no amount: refused beside its cell, kept as typed, nothing recorded.
    let fields = [("month", month.as_str()), ("offset", "0"), ("s1", stay_id.as_str()), ("c1_1", "九十五")];
    let refused = staff.submit(&grid, "/stays/charges", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("td class=\"invalid\""), "the bad cell marked: {}", refused.body);
    assert!(refused.body.contains("请填写金额") && refused.body.contains("value=\"九十五\""), "kept as typed");
    let recorded = || async {
        api.stay_charges(stay.id, &ChargesQuery { month: Some(month.clone()) }, PageQuery::default())
            .await
            .expect("charges")
            .items
    };
    assert!(recorded().await.is_empty(), "nothing recorded");
    // The amount right, but a day that has not come (when tomorrow is in this month): refused by
    // the report itself, listed with its cell; still nothing recorded.
    let tomorrow = today() + Duration::days(1);
    if tomorrow.month() == first.month() {
        let key = format!("c1_{}", tomorrow.day());
        let fields = [
            ("month", month.as_str()),
            ("offset", "0"),
            ("s1", stay_id.as_str()),
            ("c1_1", "95.00"),
            (key.as_str(), "95.00"),
        ];
        let refused = staff.submit(&grid, "/stays/charges", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains(&format!("钱月英 {} 日", tomorrow.day())), "{}", refused.body);
        assert!(recorded().await.is_empty(), "nothing recorded");
    }
    let saved = staff
        .submit(&grid, "/stays/charges", &[("month", &month), ("offset", "0"), ("s1", &stay_id), ("c1_1", "95.00")])
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("新增 1 天") && saved.body.contains("¥95.00"), "{}", saved.body);

    // The template has the stay and its charge; uploaded back with a bad cell, it is refused by
    // line and day; corrected, it records.
    let template = staff.get(&format!("/stays/charges.csv?month={month}")).await;
    assert_eq!(template.status, StatusCode::OK);
    let lines: Vec<String> = template.body.lines().map(str::to_owned).collect();
    assert!(
        lines[0].starts_with("stay_id,name,1,2,") && lines[1].starts_with(&format!("{stay_id},钱月英,95.00")),
        "{lines:?}"
    );
    // The amount cell is changed after the stay's id, so nothing in the id is touched.
    let with_amount = |amount: &str| {
        let mut changed = lines.clone();
        let prefix = format!("{stay_id},钱月英,");
        changed[1] = format!("{prefix}{}", lines[1][prefix.len()..].replacen("95.00", amount, 1));
        changed.join("\n")
    };
    let bad = with_amount("-1");
    let refused = staff
        .upload(&grid, "/stays/charges/upload", &[("month", &month)], ("charges.csv", "text/csv", bad.as_bytes()))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("钱月英 1 日"), "the cell named: {}", refused.body);
    let good = with_amount("88.50");
    let uploaded = staff
        .upload(&grid, "/stays/charges/upload", &[("month", &month)], ("charges.csv", "text/csv", good.as_bytes()))
        .await;
    assert_eq!(uploaded.status, StatusCode::OK, "{}", uploaded.body);
    assert!(uploaded.body.contains("修改 1 天") && uploaded.body.contains("¥88.50"), "{}", uploaded.body);

    // The same sheet through the API: read, and a cell of another day changed.
    let q = ChargeSheetQuery { month: month.clone() };
    let sheet = api.charge_sheet(&q).await.expect("sheet");
    assert!(sheet.contains(&format!("{stay_id},钱月英,88.50")), "{sheet}");
    let outcome = api.report_charge_sheet(&q, sheet.replacen("88.50", "90.00", 1)).await.expect("reported");
    assert_eq!((outcome.recorded, outcome.changed), (0, 1));
    let refused = api.report_charge_sheet(&q, sheet.replacen("88.50", "x", 1)).await.expect_err("no amount");
    assert_eq!(ltci_e2e::field_code(&refused, "lines[2].1"), "invalid_amount");
    assert!(world.as_user("carer_a1").report_charge_sheet(&q, sheet.clone()).await.is_err(), "not the caregiver's");

    // Another institution neither sees the stay nor charges it.
    let mut other = signed_in(&app, "inst_a2").await;
    assert!(!other.get(&grid).await.body.contains("钱月英"));
    let crafted = other
        .submit(&grid, "/stays/charges", &[("month", &month), ("offset", "0"), ("s1", &stay_id), ("c1_1", "10.00")])
        .await;
    assert_eq!(crafted.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(crafted.body.contains("本机构没有这条入住记录"), "{}", crafted.body);

    // The auditor reads the grid with no input and cannot save it.
    let mut auditor = signed_in(&app, "auditor_a").await;
    let read = auditor.get(&grid).await;
    assert!(read.body.contains("90.00") && !read.body.contains("name=\"c1_1\""), "{}", read.body);
    let crafted = auditor
        .submit(&grid, "/stays/charges", &[("month", &month), ("offset", "0"), ("s1", &stay_id), ("c1_1", "10.00")])
        .await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);

    // Discharged by the form.
    let discharge = format!("/stays/{stay_id}/discharge");
    let today_text = today().to_string();
    let out = staff.submit("/stays", &discharge, &[("discharged_on", &today_text), ("reason", "home")]).await;
    assert_eq!(out.location.as_deref(), Some("/stays?done=ui_done_discharged"), "{}", out.body);
}
