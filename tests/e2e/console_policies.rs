//! 待遇政策 in the console: a document file imported from the page (a bad one refused with every
//! problem at its key and nothing imported, the same file again making no new version, a file
//! without the session's token refused), a version read as tables, two versions compared with
//! only the differences listed; the auditor reads without a form; another region's version
//! answers like none.

use ltci_e2e::world::{TEST_PASSWORD, policy_for_region_a};
use ltci_e2e::{TestApp, on_both_databases};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::console::Browser;

on_both_databases!(policy_versions_are_imported_read_and_compared_from_the_console);

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

async fn policy_versions_are_imported_read_and_compared_from_the_console(app: TestApp) {
    let world = app.world().await;
    let mut officer = signed_in(&app, "admin_a").await;
    let first = policy_for_region_a();
    let toml = "application/toml";

    // A bad document: each problem at its key; nothing imported.
    let bad = first
        .replace("fund_share = \"0.75\"", "fund_share = \"1.75\"")
        .replace("publicity_days = 7", "publicity_days = 0");
    let refused = officer.upload("/policies", "/policies", &[], ("bad.toml", toml, bad.as_bytes())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("rates[1].fund_share") && refused.body.contains("rates[3].fund_share"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("发现 2 处问题，未导入"));
    assert!(world.as_user("admin_a").policies(ltci_shared::PageQuery::default()).await.expect("list").items.is_empty());
    let none = officer.upload("/policies", "/policies", &[], ("notes.txt", "text/plain", b"hello")).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The document imported; the same file again is no new version.
    let made = officer.upload("/policies", "/policies", &[], ("policy.toml", toml, first.as_bytes())).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page = made.location.expect("the version's page").split('?').next().unwrap_or_default().to_owned();
    let again = officer.upload("/policies", "/policies", &[], ("policy.toml", toml, first.as_bytes())).await;
    assert_eq!(again.location.as_deref(), Some("/policies?done=ui_done_policy_same"));
    let shown = officer.get(&page).await;
    assert!(
        shown.body.contains("按床日限额") && shown.body.contains("¥60.00") && shown.body.contains("SF-01"),
        "{}",
        shown.body
    );

    // A second version with one rate changed: the comparison lists that one difference.
    let changed = first.replace("amount = \"60.00\"", "amount = \"66.00\"");
    let made = officer.upload("/policies", "/policies", &[], ("policy-2.toml", toml, changed.as_bytes())).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let page2 = made.location.expect("page").split('?').next().unwrap_or_default().to_owned();
    let (a, b) = (page.trim_start_matches("/policies/"), page2.trim_start_matches("/policies/"));
    let compared = officer.get(&format!("/policies/compare?a={a}&b={b}")).await;
    assert_eq!(compared.status, StatusCode::OK);
    assert!(compared.body.contains("1 项不同"), "{}", compared.body);
    assert!(compared.body.contains("¥60.00") && compared.body.contains("¥66.00"));

    // A file without the session's token is refused, nothing read.
    let mut forger = signed_in(&app, "admin_a").await;
    let resp = forger.post("/policies", &[]).await;
    assert!(matches!(resp.status.as_u16(), 400 | 403), "{}", resp.status);

    // The auditor reads it, with no import form, and a crafted import is refused.
    let mut auditor = signed_in(&app, "auditor_a").await;
    let list = auditor.get("/policies").await;
    assert!(list.body.contains(&page) && !list.body.contains("multipart/form-data"), "{}", list.body);
    let crafted = auditor.upload("/policies", "/policies", &[], ("policy.toml", toml, first.as_bytes())).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);

    // Another region's version answers like one that does not exist.
    let mut other = signed_in(&app, "admin_b").await;
    let (x, y) = (other.get(&page).await, other.get(&format!("/policies/{}", Uuid::now_v7())).await);
    assert_eq!((x.status, y.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    let cross = other.get(&format!("/policies/compare?a={a}&b={b}")).await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
}
