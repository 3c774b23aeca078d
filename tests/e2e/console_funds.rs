//! 基金管理 in the console: each fund's health with its chart, the accounts, the income and
//! trial-balance reports downloaded, a reserve draw requested by one officer (a bad amount refused
//! beside its field, a second submission asking once) and approved by another (the requester
//! refused, on the page), an entry reversed once however often the form is sent; the auditor sees
//! it all without a form; institutions see none of it; another region's draw answers like none.

use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::PageQuery;
use ltci_shared::api::funding::{DrawStatus, EntryFilter};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

use crate::console::Browser;
use crate::settlement::fiscal_transfer;

on_both_databases!(the_funds_are_watched_drawn_on_and_corrected_from_the_console);

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

fn pairs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn reference_of(html: &str) -> String {
    let at = html.find("name=\"reference\" value=\"").expect("the draw form's reference") + 24;
    html[at..].split('"').next().unwrap_or_default().to_owned()
}

async fn the_funds_are_watched_drawn_on_and_corrected_from_the_console(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    fiscal_transfer(admin, "CZ-FUNDS").await;
    let mut officer = signed_in(&app, "admin_a").await;

    // Health, chart, accounts; the reports.
    let page = officer.get("/funds").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("¥9,500.00") && page.body.contains("src=\"/funds/chart.svg?scheme=resident\""),
        "{}",
        page.body
    );
    let chart = officer.get("/funds/chart.svg?scheme=resident").await;
    assert!(
        chart.headers.get(CONTENT_TYPE).is_some_and(|v| v.to_str().unwrap_or_default().starts_with("image/svg+xml"))
    );
    assert!(chart.body.contains("<svg"));
    let income = officer.get("/funds/income.csv?from=2000-01-01&to=2100-12-31").await;
    assert_eq!(income.status, StatusCode::OK);
    assert!(income.body.contains("fiscal_subsidy") && income.body.contains("10000.00"), "{}", income.body);
    let bad = officer.get("/funds/income.csv?from=2026-02-30&to=2026-12-31").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("class=\"why\""), "{}", bad.body);
    let trial = officer.get("/funds/trial-balance.csv").await;
    assert_eq!(trial.status, StatusCode::OK);
    assert!(trial.body.contains("fund:resident"), "{}", trial.body);

    // A reserve draw: a bad amount refused beside its field; sent twice, asked once.
    let reference = reference_of(&page.body);
    let draw = |amount: &'static str| {
        vec![
            ("reference", reference.clone()),
            ("scheme", "resident".into()),
            ("amount", amount.into()),
            ("reason", "年末支付缺口".into()),
        ]
    };
    let form = draw("12.345");
    let refused = officer.submit("/funds", "/funds/draws", &pairs(&form)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("class=\"why\""));
    let form = draw("200.00");
    for _ in 0..2 {
        let asked = officer.submit("/funds", "/funds/draws", &pairs(&form)).await;
        assert_eq!(asked.location.as_deref(), Some("/funds?done=ui_done_draw_requested"));
    }
    let draws = admin.reserve_draws(PageQuery::default()).await.expect("draws").items;
    assert_eq!(draws.len(), 1, "asked once");
    let approve = format!("/funds/draws/{}/approve", draws[0].id);
    assert!(!officer.get("/funds").await.body.contains(&approve), "not offered to the requester");
    let own = officer.submit("/funds", &approve, &[]).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "the requester is refused on the page");
    assert!(own.body.contains("class=\"notice refused\""));
    let mut second = signed_in(&app, "admin_a2").await;
    assert!(second.get("/funds").await.body.contains(&approve));
    let approved = second.submit("/funds", &approve, &[]).await;
    assert_eq!(approved.location.as_deref(), Some("/funds?done=ui_done_draw_approved"));
    let d = admin.reserve_draws(PageQuery::default()).await.expect("draws").items.remove(0);
    assert_eq!((d.status, d.decided_by), (DrawStatus::Approved, Some(world.user("admin_a2"))));

    // The receipt reversed once, however often the form is sent; a reversal needs a reason.
    let receipt = admin
        .journal_entries(&EntryFilter { reference: Some("CZ-FUNDS".into()), account_code: None }, PageQuery::default())
        .await
        .expect("entries")
        .items
        .remove(0);
    let reverse = format!("/funds/entries/{}/reverse", receipt.id);
    let journal = officer.get("/funds/entries?reference=CZ-FUNDS").await;
    assert!(journal.body.contains(&reverse), "{}", journal.body);
    let blank = officer.submit("/funds/entries", &reverse, &[("reason", "")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    for _ in 0..2 {
        let done = officer.submit("/funds/entries", &reverse, &[("reason", "财政补助到账金额有误")]).await;
        assert_eq!(done.location.as_deref(), Some("/funds/entries?done=ui_done_reversed"));
    }
    let all = admin
        .journal_entries(&EntryFilter::default(), PageQuery { limit: Some(200), offset: None })
        .await
        .expect("entries");
    assert_eq!(all.items.iter().filter(|e| e.reverses_entry_id == Some(receipt.id)).count(), 1);
    assert!(officer.get("/funds/entries?reference=CZ-FUNDS").await.body.contains("已冲销"));

    // The auditor sees it all without a form; a crafted request is refused.
    let mut auditor = signed_in(&app, "auditor_a").await;
    let seen = auditor.get("/funds").await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("action=\"/funds/draws\"") && !seen.body.contains("/approve\""), "{}", seen.body);
    assert!(!auditor.get("/funds/entries").await.body.contains("/reverse\""));
    let crafted = auditor.submit("/funds", "/funds/draws", &pairs(&form)).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);

    // Institutions see none of it; another region's draw answers like none.
    let mut inst = signed_in(&app, "inst_a1").await;
    for path in ["/funds", "/funds/entries", "/funds/chart.svg?scheme=resident", "/funds/trial-balance.csv"] {
        assert_eq!(inst.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let mut other = signed_in(&app, "admin_b").await;
    let theirs = other.submit("/funds", &approve, &[]).await;
    let nobody = other.submit("/funds", &format!("/funds/draws/{}/approve", uuid::Uuid::now_v7()), &[]).await;
    assert_eq!((theirs.status, nobody.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
}
