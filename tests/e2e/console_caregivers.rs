//! 护理人员 in the console, as institution staff use it: every bad field of a registration shown at
//! once and nothing registered; a caregiver registered, trained (bad hours refused beside the
//! field), given an app account that signs in, reset and disabled; assigned to a beneficiary the
//! institution serves and the assignment ended; the departure; another institution's caregiver and
//! a crafted step on it answering like one that does not exist; the auditor reading with no form.

use ltci_e2e::world::{TEST_PASSWORD, home_care_beneficiary, id_number};
use ltci_e2e::{TestApp, on_both_databases};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::console::Browser;

on_both_databases!(a_caregiver_is_registered_trained_given_an_account_assigned_and_leaves);

async fn signed_in(app: &TestApp, user: &str, password: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, password).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

async fn a_caregiver_is_registered_trained_given_an_account_assigned_and_leaves(app: TestApp) {
    let world = app.world().await;
    let served = home_care_beneficiary(&app, &world, "陈桂香", 431, 3).await;
    let county = world.county("a1").to_string();
    let mut staff = signed_in(&app, "inst_a1", TEST_PASSWORD).await;
    let list = staff.get("/caregivers").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("护理员 carer_a1") && !list.body.contains("护理员 carer_a2"), "{}", list.body);

    // Every bad field at once: the name, the ID number's check character, the phone, and a
    // certified caregiver without a level; nothing registered.
    let bad_number = {
        let mut n = id_number(chrono::NaiveDate::from_ymd_opt(1980, 5, 1).expect("day"), 433);
        let last = if n.ends_with('1') { '2' } else { '1' };
        n.pop();
        n.push(last);
        n
    };
    let bad = staff
        .submit(
            "/caregivers",
            "/caregivers",
            &[
                ("name", ""),
                ("id_number", &bad_number),
                ("phone", "12"),
                ("county_id", &county),
                ("qualification", "caregiver_certified"),
                ("certificate_level", ""),
                ("certificate_number", "YL-1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "id_number", "phone", "certificate_level"] {
        assert!(bad.body.contains(&format!("id=\"f-{field}\"")), "{field}");
    }
    assert_eq!(bad.body.matches("class=\"why\"").count(), 4, "{}", bad.body);
    assert!(!staff.get("/caregivers").await.body.contains("王春梅"));

    let number = id_number(chrono::NaiveDate::from_ymd_opt(1980, 5, 1).expect("day"), 435);
    let made = staff
        .submit(
            "/caregivers",
            "/caregivers",
            &[
                ("name", "王春梅"),
                ("id_number", &number),
                ("phone", "13900001111"),
                ("county_id", &county),
                ("qualification", "caregiver_certified"),
                ("certificate_level", "4"),
                ("certificate_number", "YL-2026-7"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let location = made.location.expect("the caregiver's page");
    let page = location.split('?').next().unwrap_or_default().to_owned();
    assert_eq!(location, format!("{page}?done=ui_done_caregiver_registered"));
    let shown = staff.get(&page).await;
    assert!(shown.body.contains("王春梅") && !shown.body.contains(&number), "the number is masked");
    assert!(staff.get("/caregivers").await.body.contains("未开通 App 账号"), "attention: no account");

    // Training: hours with two decimals refused beside the field, then recorded.
    let refused = staff
        .submit(
            &page,
            &format!("{page}/training"),
            &[("course", "失能照护"), ("hours", "7.55"), ("completed_on", "2026-01-10")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("class=\"field invalid\"") && refused.body.contains("id=\"f-hours\""));
    let trained = staff
        .submit(
            &page,
            &format!("{page}/training"),
            &[("course", "失能照护"), ("hours", "7.5"), ("completed_on", "2026-01-10")],
        )
        .await;
    assert_eq!(trained.location, Some(format!("{page}?done=ui_done_training_added")));
    assert!(staff.get(&page).await.body.contains("失能照护"));

    // The app account: a short password refused, then made; it signs in; reset and disabled,
    // each ending its console session at once.
    let short =
        staff.submit(&page, &format!("{page}/account"), &[("username", "carer.wang"), ("password", "abc")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let account = staff
        .submit(&page, &format!("{page}/account"), &[("username", "carer.wang"), ("password", "long-enough-1")])
        .await;
    assert_eq!(account.location, Some(format!("{page}?done=ui_done_account_created")));
    let mut carer = signed_in(&app, "carer.wang", "long-enough-1").await;
    assert_eq!(carer.get("/").await.status, StatusCode::OK);
    let reset = staff.submit(&page, &format!("{page}/password"), &[("new_password", "long-enough-2")]).await;
    assert_eq!(reset.location, Some(format!("{page}?done=ui_done_password_reset")));
    assert_eq!(carer.get("/").await.location.as_deref(), Some("/login?why=ended"));
    let carer = signed_in(&app, "carer.wang", "long-enough-2").await;
    let off = staff.submit(&page, &format!("{page}/disable"), &[]).await;
    assert_eq!(off.location, Some(format!("{page}?done=ui_done_account_disabled")));
    let mut carer = carer;
    assert_eq!(carer.get("/").await.location.as_deref(), Some("/login?why=ended"));
    assert!(staff.get("/caregivers").await.body.contains("App 账号已停用"), "attention: disabled");

    // Assigned to the beneficiary the institution serves, then the assignment ended.
    let served_id = served.to_string();
    let today = ltci_e2e::today().to_string();
    let assigned = staff
        .submit(&page, &format!("{page}/assign"), &[("insured_person_id", &served_id), ("start_on", &today)])
        .await;
    assert_eq!(assigned.location, Some(format!("{page}?done=ui_done_assigned_caregiver")), "{}", assigned.body);
    let shown = staff.get(&page).await;
    assert!(shown.body.contains("陈桂香"));
    let assignment = shown.body.split("name=\"assignment_id\" value=\"").nth(1).expect("an open assignment");
    let assignment = assignment.split('"').next().unwrap_or_default().to_owned();
    let no_reason = staff
        .submit(
            &page,
            &format!("{page}/end-assignment"),
            &[("assignment_id", &assignment), ("end_on", &today), ("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another caregiver's assignment cannot be ended from this caregiver's page.
    let carer_a1 = format!("/caregivers/{}", world.caregiver("carer_a1"));
    let elsewhere = staff
        .submit(
            &carer_a1,
            &format!("{carer_a1}/end-assignment"),
            &[("assignment_id", &assignment), ("end_on", &today), ("reason", "调整")],
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    let ended = staff
        .submit(
            &page,
            &format!("{page}/end-assignment"),
            &[("assignment_id", &assignment), ("end_on", &today), ("reason", "调整排班")],
        )
        .await;
    assert_eq!(ended.location, Some(format!("{page}?done=ui_done_assignment_ended")));
    assert!(staff.get(&page).await.body.contains("调整排班"));

    // Another institution's staff: the page and a crafted step answer like a caregiver that does
    // not exist.
    let mut other = signed_in(&app, "inst_a2", TEST_PASSWORD).await;
    let nobody = format!("/caregivers/{}", Uuid::now_v7());
    assert_eq!(other.get(&page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&nobody).await.status, StatusCode::NOT_FOUND);
    let crafted = other.submit("/caregivers", &format!("{page}/depart"), &[("left_on", &today), ("reason", "x")]).await;
    assert_eq!(crafted.status, StatusCode::NOT_FOUND);

    // The auditor reads the caregiver with no form, and a crafted step is refused.
    let mut auditor = signed_in(&app, "auditor_a", TEST_PASSWORD).await;
    let read = auditor.get(&page).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("method=\"post\" action=\"/caregivers"), "no step form for the auditor");
    let crafted =
        auditor.submit("/caregivers", &format!("{page}/depart"), &[("left_on", &today), ("reason", "x")]).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);

    // The departure: a blank reason refused; then the caregiver leaves and no step is offered.
    let blank = staff.submit(&page, &format!("{page}/depart"), &[("left_on", &today), ("reason", " ")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let left = staff.submit(&page, &format!("{page}/depart"), &[("left_on", &today), ("reason", "家庭原因")]).await;
    assert_eq!(left.location, Some(format!("{page}?done=ui_done_departed")));
    let after = staff.get(&page).await;
    assert!(after.body.contains("已离职") && !after.body.contains(&format!("action=\"{page}/depart\"")));
}
