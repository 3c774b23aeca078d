//! 数据导入 in the console: a contributions file with bad lines refused whole, every problem
//! listed by line and column and nothing posted; the file corrected and imported; the same file
//! again skipped line by line; a partner-events file and a register file checked the same way;
//! a file without the session's token refused; roles without an import refused the page. The
//! unmatched partner events counted on the home page, matched again once the person is
//! registered, or put aside with a reason shown beside the form; the auditor reads them only.

use ltci_e2e::world::{TEST_PASSWORD, person};
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::PageQuery;
use ltci_shared::api::funding::EntryFilter;
use ltci_shared::api::partners::{
    PartnerBatch, PartnerEvent, PartnerEventFilter, PartnerEventKind, PartnerEventState, PartnerSource,
};
use reqwest::StatusCode;

use crate::console::Browser;

on_both_databases!(
    files_are_checked_whole_and_imported_once_from_the_console,
    unmatched_partner_events_are_worked_from_their_queue
);

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

async fn unmatched_partner_events_are_worked_from_their_queue(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let (later, stranger) = (person("周桂香", 62), person("外地人员", 63));
    let day = ltci_e2e::today() - chrono::Duration::days(3);
    let admission = |reference: &str, id: &str| PartnerEvent {
        source: PartnerSource::MedicalInsurance,
        external_ref: reference.into(),
        kind: PartnerEventKind::HospitalAdmission,
        id_number: id.into(),
        on: day,
        episode_ref: Some(format!("ZY-{reference}")),
        hospital: Some("市人民医院".into()),
    };
    let events = vec![admission("YB-71", &later.id_number), admission("YB-72", &stranger.id_number)];
    admin.record_partner_events(&PartnerBatch { events }).await.expect("two unmatched events");

    // The home page counts them and links to the queue.
    let mut officer = signed_in(&app, "admin_a").await;
    let home = officer.get("/").await;
    assert!(home.body.contains("href=\"/partner-events\"") && home.body.contains("未匹配到参保人的合作方事件"));
    let queue = officer.get("/partner-events").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("YB-71") && queue.body.contains("YB-72") && queue.body.contains("待匹配"));
    assert!(!queue.body.contains(&later.id_number), "the ID number is not shown (nor kept)");

    // One of them is registered now: matching again applies it.
    admin.create_insured_person(&later).await.expect("register");
    let matched = officer.submit("/partner-events", "/partner-events/rematch", &[]).await;
    assert_eq!(matched.status, StatusCode::OK, "{}", matched.body);
    assert!(matched.body.contains("已重新匹配：1 条事件已处理，1 条仍待匹配"), "{}", matched.body);
    assert!(!matched.body.contains("YB-71") && matched.body.contains("YB-72"));

    // The other is put aside; a blank reason is refused beside its form.
    let id = admin
        .partner_events(
            &PartnerEventFilter { state: Some(PartnerEventState::Unmatched), ..Default::default() },
            PageQuery::default(),
        )
        .await
        .expect("queue")
        .items[0]
        .id;
    let action = format!("/partner-events/{id}/dismiss");
    let blank = officer.submit("/partner-events", &action, &[("code", "not_insured_here"), ("reason", " ")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("class=\"why\""), "{}", blank.body);
    let done = officer
        .submit("/partner-events", &action, &[("code", "not_insured_here"), ("reason", "外市参保，已告知医保")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let after = officer.get(done.location.as_deref().expect("back to the queue")).await;
    assert!(after.body.contains("已不予处理") && after.body.contains("没有符合条件的记录"), "{}", after.body);
    let aside = officer.get("/partner-events?state=dismissed").await;
    assert!(aside.body.contains("外市参保，已告知医保") && aside.body.contains("admin_a"), "{}", aside.body);

    // The auditor reads every state and is offered nothing to do; a crafted step is refused.
    let mut auditor = signed_in(&app, "auditor_a").await;
    let all = auditor.get("/partner-events?state=all").await;
    assert!(all.body.contains("YB-71") && all.body.contains("YB-72"));
    assert!(!all.body.contains("/dismiss\"") && !all.body.contains("/rematch\""));
    let crafted = auditor.submit("/partner-events", "/partner-events/rematch", &[]).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);
}
