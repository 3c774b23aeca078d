//! 数据导入 in the console: a contributions file with bad lines refused whole, every problem
//! listed by line and column and nothing posted; the file corrected and imported; the same file
//! again skipped line by line; a partner-events file and a register file checked the same way;
//! a file without the session's token refused; roles without an import refused the page.

use ltci_e2e::world::{TEST_PASSWORD, person};
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::PageQuery;
use ltci_shared::api::funding::EntryFilter;
use reqwest::StatusCode;

use crate::console::Browser;

on_both_databases!(files_are_checked_whole_and_imported_once_from_the_console);

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

async fn files_are_checked_whole_and_imported_once_from_the_console(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = person("孙桂芝", 61);
    admin.create_insured_person(&p).await.expect("register");
    let mut officer = signed_in(&app, "admin_a").await;
    let page = officer.get("/imports").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("action=\"/imports/contributions\"") && page.body.contains("action=\"/imports/persons\"")
    );

    // A file with bad lines: every problem by line and column, nothing posted.
    let header = "reference,id_number,period,scheme,source,amount\n";
    let bad = format!(
        "{header}JF-1,{},2026-10,resident,individual,30.00\nJF-2,12345,2026-13,resident,individual,30.00\n",
        p.id_number
    );
    let refused =
        officer.upload("/imports", "/imports/contributions", &[], ("jf.csv", "text/csv", bad.as_bytes())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("<td class=\"num\">3</td><td><code>id_number</code>"), "{}", refused.body);
    assert!(refused.body.contains("<code>period</code>"));
    let posted = |reference: &str| {
        let f = EntryFilter { reference: Some(reference.into()), account_code: None };
        async move { admin.journal_entries(&f, PageQuery::default()).await.expect("entries").total }
    };
    assert_eq!(posted("JF-1").await, 0, "nothing posted from a refused file");

    // Corrected: imported; the same file again posts nothing new.
    let good = format!(
        "{header}JF-1,{},2026-10,resident,individual,30.00\nJF-2,{},2026-11,resident,individual,30.00\n",
        p.id_number, p.id_number
    );
    let done = officer.upload("/imports", "/imports/contributions", &[], ("jf.csv", "text/csv", good.as_bytes())).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("已导入 jf.csv") && done.body.contains("¥60.00"), "{}", done.body);
    let again =
        officer.upload("/imports", "/imports/contributions", &[], ("jf.csv", "text/csv", good.as_bytes())).await;
    assert!(again.body.contains("此前已记账（跳过）</th><td>2</td>"), "{}", again.body);
    assert_eq!((posted("JF-1").await, posted("JF-2").await), (1, 1));

    // Partner events and a register, checked the same way.
    let events = "source,external_ref,kind,id_number,on,episode_ref,hospital\nmedical_insurance,YB-1,hospital_admission,123,2026-11-03,ZY-1,市人民医院\n";
    let refused =
        officer.upload("/imports", "/imports/partner-events", &[], ("yb.csv", "text/csv", events.as_bytes())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("<code>id_number</code>"), "{}", refused.body);
    let register = "name,id_number\n张三,123\n";
    let refused =
        officer.upload("/imports", "/imports/persons", &[], ("persons.csv", "text/csv", register.as_bytes())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("class=\"problems\""), "{}", refused.body);
    let unknown = officer.upload("/imports", "/imports/payroll", &[], ("x.csv", "text/csv", b"a\n1\n")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Without the session's token nothing is read.
    let forged = officer.post("/imports/contributions", &[]).await;
    assert!(matches!(forged.status.as_u16(), 400 | 403), "{}", forged.status);

    // Roles without an import: refused the page and the upload.
    for user in ["auditor_a", "inst_a1", "assessor_a"] {
        let mut b = signed_in(&app, user).await;
        assert_eq!(b.get("/imports").await.status, StatusCode::FORBIDDEN, "{user}");
    }
    let mut auditor = signed_in(&app, "auditor_a").await;
    let crafted = auditor.upload("/", "/imports/contributions", &[], ("jf.csv", "text/csv", good.as_bytes())).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);
}
