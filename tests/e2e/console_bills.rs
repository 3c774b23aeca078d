//! 月度结算 in the console, as a browser without script uses it: the month's bills, the month-end
//! run started from the page and followed to its report, a bill's lines filtered on the server,
//! the audit (sample, a deduction with its reason), the separation of duties shown on the page,
//! approval and payment by different officers, the lines as CSV; the auditor sees and cannot act;
//! another institution's or region's bill answers like one that does not exist.

use chrono::Duration;
use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::PageQuery;
use ltci_shared::api::settlement::{BillFilter, BillStatus, ComputeBill};
use ltci_shared::api::stays::{ChargeReport, DailyCharge};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use uuid::Uuid;

use crate::console::Browser;
use crate::settlement::{fiscal_transfer, import_policy, month_before_last, resident, yuan};

on_both_databases!(a_bill_is_audited_approved_and_paid_from_the_console);

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

async fn a_bill_is_audited_approved_and_paid_from_the_console(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (first, last, month) = month_before_last();
    let (person, _, stay) = resident(&app, &world, 901, first - Duration::days(5)).await;
    let a1 = world.as_user("inst_a1");
    let charges =
        first.iter_days().take_while(|d| *d <= last).map(|on| DailyCharge { stay_id: stay, on, amount: yuan("50.00") });
    a1.report_stay_charges(&ChargeReport { institution_id: None, month: month.clone(), charges: charges.collect() })
        .await
        .expect("charges");
    fiscal_transfer(world.as_user("admin_a"), "CZ-CONSOLE").await;
    let draft = a1.compute_bill(&ComputeBill { institution_id: None, month: month.clone() }).await.expect("bill");
    a1.submit_bill(draft.id).await.expect("submit");
    let page = format!("/settlements/{}", draft.id);

    // The month's bills, then the month-end run from the page, followed until it reports.
    let mut officer = signed_in(&app, "admin_a").await;
    let list = officer.get(&format!("/settlements?month={month}")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("href=\"{page}\"")) && list.body.contains("已提交"), "{}", list.body);
    let bad = officer.submit("/settlements", "/settlements/month-end", &[("month", "2026-13")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("class=\"notice refused\""), "{}", bad.body);
    let started = officer.submit("/settlements", "/settlements/month-end", &[("month", &month)]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let run = started.location.expect("the run's page");
    assert!(run.starts_with("/settlements/runs/"), "{run}");
    let report = loop {
        let p = officer.get(&run).await;
        assert_eq!(p.status, StatusCode::OK);
        if !p.body.contains("http-equiv=\"refresh\"") {
            break p.body;
        }
        tokio::task::yield_now().await;
    };
    assert!(report.contains("已处理 2 / 2 家机构") && report.contains("已提交，未改变"), "{report}");
    assert!(report.contains(&format!("href=\"{page}\"")));

    // The bill: its totals, its lines, filtered on the server.
    let bill = officer.get(&page).await;
    assert!(bill.body.contains("入住老人") && bill.body.contains("¥"), "{}", bill.body);
    assert!(bill.body.contains(&format!("action=\"{page}/approve\"")));
    let none = officer.get(&format!("{page}?deducted=true")).await;
    assert!(none.body.contains("没有符合条件的记录"), "no line is deducted yet");

    // The audit: a bad sample size is shown beside its field; a sample; a deduction with its
    // reason, back on the filtered lines.
    let bad = officer.submit(&page, &format!("{page}/sample"), &[("size", "0")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("class=\"why\""), "{}", bad.body);
    let sampled = officer.submit(&page, &format!("{page}/sample"), &[("size", "3")]).await;
    assert_eq!(sampled.location.as_deref(), Some(format!("{page}?done=ui_done_sampled").as_str()));
    let too_precise = officer
        .submit(&page, &format!("{page}/deduct"), &[("line_no", "1"), ("amount", "5.001"), ("reason", "核减")])
        .await;
    assert_eq!(too_precise.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_precise.body.contains("分"), "{}", too_precise.body);
    let cut = officer
        .submit(
            &page,
            &format!("{page}/deduct"),
            &[("line_no", "1"), ("amount", "5.00"), ("reason", "护理记录缺签名"), ("view", "deducted=true")],
        )
        .await;
    assert_eq!(cut.location.as_deref(), Some(format!("{page}?deducted=true&done=ui_done_deducted").as_str()));
    let cut = officer.get(cut.location.as_deref().unwrap_or_default()).await;
    assert!(cut.body.contains("护理记录缺签名") && cut.body.contains("已记录扣款"), "{}", cut.body);
    assert!(cut.body.contains("第 1–1 条，共 1 条"), "only the deducted line: {}", cut.body);

    // The officer who audited may not approve: said on the page, by the API's rule.
    let own = officer.submit(&page, &format!("{page}/approve"), &[]).await;
    assert!(own.body.contains("须由另一名经办人复核"), "{}", own.body);

    // The auditor sees the bill and its lines, has no form, and a crafted step is refused.
    let mut auditor = signed_in(&app, "auditor_a").await;
    let seen = auditor.get(&page).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("护理记录缺签名") && !seen.body.contains("/approve\""), "{}", seen.body);
    let crafted = auditor.submit(&page, &format!("{page}/approve"), &[]).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);

    // Another officer approves; the approver may not pay; the first officer pays.
    let mut second = signed_in(&app, "admin_a2").await;
    let approved = second.submit(&page, &format!("{page}/approve"), &[]).await;
    assert_eq!(approved.location.as_deref(), Some(format!("{page}?done=ui_done_approved").as_str()));
    let own = second.submit(&page, &format!("{page}/pay"), &[("bank_reference", "YH-CONSOLE-1")]).await;
    assert!(own.body.contains("须由另一名经办人支付"), "{}", own.body);
    let blank = officer.submit(&page, &format!("{page}/pay"), &[("bank_reference", "")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_day =
        officer.submit(&page, &format!("{page}/pay"), &[("bank_reference", "YH-1"), ("paid_on", "2026-02-30")]).await;
    assert_eq!(bad_day.status, StatusCode::UNPROCESSABLE_ENTITY);
    let paid = officer.submit(&page, &format!("{page}/pay"), &[("bank_reference", "YH-CONSOLE-1")]).await;
    assert_eq!(paid.location.as_deref(), Some(format!("{page}?done=ui_done_paid").as_str()));
    let bills = world
        .as_user("admin_a")
        .bills(&BillFilter { month: Some(month.clone()), ..Default::default() }, PageQuery::default())
        .await
        .expect("bills");
    let b = bills.items.iter().find(|b| b.id == draft.id).expect("the bill");
    assert_eq!(
        (b.status, b.deducted, b.bank_reference.as_deref()),
        (BillStatus::Paid, yuan("5.00"), Some("YH-CONSOLE-1"))
    );
    let shown = officer.get(&page).await;
    assert!(shown.body.contains("已支付") && shown.body.contains("YH-CONSOLE-1") && shown.body.contains("admin_a2"));

    // The person's page shows the stay and the lines that paid for it, each leading to its bill.
    let theirs = officer.get(&format!("/persons/{person}")).await;
    assert!(
        theirs.body.contains("入住记录") && theirs.body.contains(&(first - Duration::days(5)).to_string()),
        "{}",
        theirs.body
    );
    assert!(theirs.body.contains(&format!("href=\"{page}?person={person}\"")), "{}", theirs.body);

    // The lines as CSV, for the auditor too.
    let csv = auditor.get(&format!("{page}/lines.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers.get(CONTENT_TYPE).is_some_and(|v| v.to_str().unwrap_or_default().starts_with("text/csv")));
    assert!(csv.body.contains("护理记录缺签名"), "{}", csv.body);

    // Another institution, another region: exactly like a bill that does not exist.
    for user in ["inst_a2", "admin_b"] {
        let mut b = signed_in(&app, user).await;
        for path in [page.clone(), format!("{page}/lines.csv")] {
            let nobody = path.replace(&draft.id.to_string(), &Uuid::now_v7().to_string());
            let (x, y) = (b.get(&path).await, b.get(&nobody).await);
            assert_eq!((x.status, y.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND), "{user} {path}");
            assert!(!x.body.contains("入住老人"));
        }
        let run_page = b.get(&run).await;
        assert!(matches!(run_page.status.as_u16(), 403 | 404), "{user} {run}");
    }
}
