//! The policy what-if (政策测算): last month's facts priced again under a draft — a daily cap
//! raised, the fund's share lowered, a level made eligible — against today's policy and what the
//! approved bill paid, with differences computed by hand; nothing written; the CSV; who may run it
//! and what it refuses; the console's page.

use chrono::Duration;
use ltci_e2e::world::policy_for_region_a;
use ltci_e2e::{TestApp, field_code, on_both_databases};
use ltci_shared::PageQuery;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::settlement::{BillFilter, ComputeBill, WhatIfQuery};
use ltci_shared::api::stays::{AdmitRequest, ChargeReport, DailyCharge};
use reqwest::StatusCode;
use rust_decimal::Decimal;

use crate::settlement::{beneficiary, fiscal_transfer, import_policy, last_month, resident, status, yuan};

on_both_databases!(a_draft_policy_is_priced_against_today_and_what_was_paid);

async fn a_draft_policy_is_priced_against_today_and_what_was_paid(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (first, _, month) = last_month();
    let (admin, a1) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    fiscal_transfer(admin, "CZ-WHATIF-1").await;

    // Two residents of a1 charged 70.00 a day for four days: one at level 4, one at level 2 (not
    // eligible for institutional care today).
    let (_, _, stay4) = resident(&app, &world, 801, first).await;
    let (level2, _) = beneficiary(&app, &world, "二级老人", 802, 2, CareMode::Institutional).await;
    let admit = AdmitRequest {
        institution_id: None,
        insured_person_id: level2,
        care_mode: CareMode::Institutional,
        admitted_on: first,
    };
    let stay2 = a1.admit(&admit).await.expect("admit").id;
    let charges = [stay4, stay2]
        .into_iter()
        .flat_map(|stay_id| {
            (0..4).map(move |d| DailyCharge { stay_id, on: first + Duration::days(d), amount: yuan("70.00") })
        })
        .collect();
    a1.report_stay_charges(&ChargeReport { institution_id: None, month: month.clone(), charges })
        .await
        .expect("charges");
    // The month is settled: 4 × min(70, 60) × 0.75 = 180.00 for the level-4 resident, nothing for
    // the other.
    let a1_id = world.institution("a1");
    let bill =
        admin.compute_bill(&ComputeBill { institution_id: Some(a1_id), month: month.clone() }).await.expect("bill");
    assert_eq!(bill.fund_amount, yuan("180.00"));
    a1.submit_bill(bill.id).await.expect("submit");
    admin.approve_bill(bill.id).await.expect("approve");

    // The draft from the first of last month: the daily cap 80.00, the fund's share 0.70, level 2
    // eligible. Now: 180.00. Draft: both residents 4 × min(70, 80) × 0.70 = 196.00 each, 392.00.
    let draft = policy_for_region_a()
        .replace(&format!("effective_from = \"{}-01-01\"", ltci_e2e::today().format("%Y")), &format!("effective_from = \"{first}\""))
        .replace("name = \"示范市长期护理保险待遇标准\"", "name = \"草案：提高机构日限额\"")
        .replace("institutional = [3, 4, 5]", "institutional = [2, 3, 4, 5]")
        .replace(
            "mode = \"institutional\"\nlevels = [3, 4, 5]\nbasis = \"capped_per_day\"\namount = \"60.00\"\nfund_share = \"0.75\"",
            "mode = \"institutional\"\nlevels = [2, 3, 4, 5]\nbasis = \"capped_per_day\"\namount = \"80.00\"\nfund_share = \"0.70\"",
        );
    assert!(draft.contains("amount = \"80.00\"") && draft.contains("草案"), "the draft is rewritten");
    let q = WhatIfQuery { from: Some(month.clone()), to: Some(month.clone()) };
    let report = admin.policy_what_if(draft.clone(), "application/toml", &q).await.expect("what-if");
    assert_eq!((report.draft_name.as_str(), report.draft_effective_from), ("草案：提高机构日限额", first));
    assert_eq!(report.months.len(), 1);
    let m = &report.months[0];
    assert_eq!(
        (m.month.as_str(), m.lines, m.paid, m.now, m.draft),
        (month.as_str(), 8, yuan("180.00"), yuan("180.00"), yuan("392.00"))
    );
    let a1_rows: Vec<_> = report.rows.iter().filter(|r| r.institution_id == a1_id).collect();
    assert!(a1_rows.iter().all(|r| r.care_mode == CareMode::Institutional));
    let sum = |f: fn(&&ltci_shared::api::settlement::WhatIfRow) -> Decimal| a1_rows.iter().map(f).sum::<Decimal>();
    assert_eq!((sum(|r| r.paid), sum(|r| r.now), sum(|r| r.draft)), (yuan("180.00"), yuan("180.00"), yuan("392.00")));

    // The resident fund holds the transfer's 9,500.00 (the approval posted the payable, not yet
    // paid): at last month's pace it covers 9,500 / 180 = 52.8 months now, 9,500 / 392 = 24.2
    // under the draft.
    let fund =
        report.funds.iter().find(|f| f.scheme == ltci_shared::api::registry::Scheme::Resident).expect("resident");
    assert_eq!(fund.balance, yuan("9500.00"));
    assert_eq!((fund.now_monthly, fund.now_months_covered), (yuan("180.00"), Some(yuan("52.8"))));
    assert_eq!((fund.draft_monthly, fund.draft_months_covered), (yuan("392.00"), Some(yuan("24.2"))));

    // Nothing was written: the bill, the policy versions stand as they were.
    let bills = admin.bills(&BillFilter::default(), PageQuery::default()).await.expect("bills");
    assert_eq!(bills.total, 1);
    assert_eq!(admin.policies(PageQuery::default()).await.expect("policies").total, 1);

    // The same as CSV, in the reader's language (Chinese first).
    let csv = admin.policy_what_if_csv(draft.clone(), "application/toml", &q).await.expect("csv");
    let header = csv.lines().next().expect("header");
    assert_eq!(header, "月份,机构编号,机构名称,护理方式,险种,明细行数,已结算支付,现行政策支付,草案支付,差额");
    let a1_line = csv.lines().find(|l| l.contains(&a1_id.to_string())).expect("a1's row");
    assert!(a1_line.ends_with(",180.00,180.00,392.00,212.00"), "{a1_line}");

    // Institutions do not run it; the months are checked, each at its field.
    assert_eq!(status(&a1.policy_what_if(draft.clone(), "application/toml", &q).await.expect_err("agency only")), 403);
    let e = admin.policy_what_if(draft.clone(), "application/toml", &WhatIfQuery::default()).await.expect_err("months");
    assert_eq!((field_code(&e, "from"), field_code(&e, "to")), ("required".into(), "required".into()));
    let this_month = ltci_e2e::today().format("%Y-%m").to_string();
    let e = admin
        .policy_what_if(
            draft.clone(),
            "application/toml",
            &WhatIfQuery { from: Some(month.clone()), to: Some(this_month) },
        )
        .await
        .expect_err("not over");
    assert_eq!(field_code(&e, "to"), "month_not_over");
    let before = (first - Duration::days(1)).format("%Y-%m").to_string();
    let e = admin
        .policy_what_if(draft.clone(), "application/toml", &WhatIfQuery { from: Some(month.clone()), to: Some(before) })
        .await
        .expect_err("backwards");
    assert_eq!(field_code(&e, "to"), "before_from");
    let e = admin.policy_what_if("name = 1".into(), "application/toml", &q).await.expect_err("not a policy");
    assert_eq!(status(&e), 422);

    // The console's page: the draft file and the months; the months as a chart and tables, the
    // rows as a CSV download; a month not over refused at its field; the auditor has no page.
    let mut officer = crate::console::Browser::new(&app);
    officer.sign_in("admin_a", ltci_e2e::world::TEST_PASSWORD).await;
    let form = officer.get("/policies/what-if").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("value=\"{month}\"")), "last month preselected");
    let file = ("草案.toml", "application/toml", draft.as_bytes());
    let fields = [("from", month.as_str()), ("to", month.as_str())];
    let shown = officer.upload("/policies/what-if", "/policies/what-if", &fields, file).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    for expected in ["¥180.00", "¥392.00", "¥212.00", "52.8", "24.2", "data:image/svg+xml;base64,", "data:text/csv"]
    {
        assert!(shown.body.contains(expected), "{expected} in {}", shown.body);
    }
    let this_month = ltci_e2e::today().format("%Y-%m").to_string();
    let fields = [("from", month.as_str()), ("to", this_month.as_str())];
    let refused = officer.upload("/policies/what-if", "/policies/what-if", &fields, file).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("只能测算已结束的月份"), "{}", refused.body);
    let mut auditor = crate::console::Browser::new(&app);
    auditor.sign_in("auditor_a", ltci_e2e::world::TEST_PASSWORD).await;
    assert_eq!(auditor.get("/policies/what-if").await.status, StatusCode::FORBIDDEN);
}
