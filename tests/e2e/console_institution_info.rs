//! 机构信息 in the console, as the institution's staff use it: the profile form (every bad field
//! named at once with what was typed kept, nothing recorded; then saved; a stale form refused),
//! documents uploaded (the same file twice stored once, a file of the wrong type refused on the
//! page) with their review state, the agreement's term, and what a violation not yet counted
//! means for the next evaluation and the deposit; the auditor reads without a form; another
//! institution's page and forms answer like ones that do not exist.

use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::api::evaluation::{ViolationRequest, ViolationSource};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::console::Browser;

on_both_databases!(an_institution_keeps_its_profile_and_documents_in_the_console);

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

/// The value of the input named `name` on a page.
fn value_of(body: &str, name: &str) -> String {
    let at = body.find(&format!("name=\"{name}\"")).unwrap_or_else(|| panic!("no input {name}: {body}"));
    body[at..].split("value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or_default().to_owned()
}

async fn an_institution_keeps_its_profile_and_documents_in_the_console(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let id = world.institution("a1");
    let page = format!("/institutions/{id}");
    let mut staff = signed_in(&app, "inst_a1").await;
    let shown = staff.get(&page).await.body;
    assert!(shown.contains("action=\"/institutions/") && shown.contains("/profile\""), "the profile form: {shown}");
    assert!(shown.contains("尚余") && shown.contains("T-"), "the agreement's term: {shown}");
    let version = value_of(&shown, "version");

    // Every bad field at once, what was typed kept, nothing recorded.
    let bad = [
        ("version", version.as_str()),
        ("address.text", "示范市市南区香港中路 10 号"),
        ("address.latitude", "36.06"),
        ("address.longitude", ""),
        ("contact_name", "王芳"),
        ("contact_phone", "123"),
        ("staff.doctors", "2"),
        ("staff.nurses", "十二"),
        ("staff.certified_caregivers", "30"),
    ];
    let refused = staff.submit(&page, &format!("{page}/profile"), &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.body.matches("class=\"why\"").count(), 3, "phone, nurses, longitude: {}", refused.body);
    assert!(refused.body.contains("value=\"十二\"") && refused.body.contains("value=\"123\""), "{}", refused.body);
    let recorded = admin.institution(id).await.expect("institution");
    assert_eq!(recorded.version.to_string(), version, "nothing recorded");
    assert!(recorded.contact_phone.as_deref() != Some("123"));

    // Saved; the same form again is stale and refused on the page.
    let mut good = bad;
    good[3].1 = "120.38";
    good[5].1 = "0532-82860000";
    good[7].1 = "12";
    let saved = staff.submit(&page, &format!("{page}/profile"), &good).await;
    assert_eq!(saved.location, Some(format!("{page}?done=ui_done_institution_saved")), "{}", saved.body);
    let recorded = admin.institution(id).await.expect("institution");
    assert_eq!(recorded.contact_phone.as_deref(), Some("0532-82860000"));
    assert_eq!(recorded.staff.map(|s| s.nurses), Some(12));
    assert_eq!(recorded.address.as_ref().and_then(|a| a.longitude), Some(120.38));
    let stale = staff.submit(&page, &format!("{page}/profile"), &good).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", stale.body);
    assert!(stale.body.contains("已被他人修改"), "{}", stale.body);

    // A document: stored once however often it is sent, waiting for the agency's review; a text
    // file sent as a PNG is refused on the page.
    let docs = format!("{page}/documents");
    let up = staff.upload(&page, &docs, &[("kind", "fire_safety")], ("消防验收.png", "image/png", PNG)).await;
    assert_eq!(up.location, Some(format!("{page}?done=ui_done_document_uploaded")), "{}", up.body);
    let again = staff.upload(&page, &docs, &[("kind", "fire_safety")], ("消防验收.png", "image/png", PNG)).await;
    assert_eq!(again.location, Some(format!("{page}?done=ui_done_document_known")), "{}", again.body);
    let shown = staff.get(&page).await.body;
    assert_eq!(shown.matches("消防验收.png").count(), 1, "{shown}");
    assert!(shown.contains("待审核"), "{shown}");
    let wrong = staff.upload(&page, &docs, &[("kind", "other")], ("note.png", "image/png", b"hello")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.body);
    assert!(wrong.body.contains("class=\"why\"") && !wrong.body.contains("note.png"), "{}", wrong.body);
    let no_kind = staff.upload(&page, &docs, &[("kind", "dispute_evidence")], ("x.png", "image/png", PNG)).await;
    assert_eq!(no_kind.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_kind.body);

    // A violation not yet counted: the points the next evaluation takes off, and a serious one
    // making the year's class E.
    let v = ViolationRequest {
        occurred_on: chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day"),
        confirmed_on: None,
        description: "虚记服务时长".into(),
        points: 30,
        serious: true,
        source: ViolationSource::Monitoring,
    };
    admin.record_violation(id, &v).await.expect("violation");
    let shown = staff.get(&page).await.body;
    assert!(shown.contains("共扣 30 分") && shown.contains("信用等级将为 E"), "{shown}");

    // The auditor reads it all with no form.
    let mut auditor = signed_in(&app, "auditor_a").await;
    let seen = auditor.get(&page).await.body;
    assert!(seen.contains("消防验收.png") && !seen.contains("/profile\"") && !seen.contains("multipart"), "{seen}");
    let crafted = auditor.submit(&page, &format!("{page}/profile"), &good).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);

    // Another institution's page, profile and documents answer like ones that do not exist.
    for other in [world.institution("a2"), Uuid::now_v7()] {
        let theirs = format!("/institutions/{other}");
        assert_eq!(staff.get(&theirs).await.status, StatusCode::NOT_FOUND);
        let mut form = good;
        form[0].1 = "1";
        let edit = staff.submit(&page, &format!("{theirs}/profile"), &form).await;
        assert_eq!(edit.status, StatusCode::NOT_FOUND, "{}", edit.body);
        let upload = staff
            .upload(&page, &format!("{theirs}/documents"), &[("kind", "other")], ("y.png", "image/png", PNG))
            .await;
        assert_eq!(upload.status, StatusCode::NOT_FOUND, "{}", upload.body);
    }
    let theirs = admin.institution(world.institution("a2")).await.expect("institution");
    assert_eq!(theirs.version, 1, "nothing changed at the other institution");
}
