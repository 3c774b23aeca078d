//! 用户管理 in the console: accounts by role, a new account with every bad field shown beside it,
//! an assessor's profile, a password reset and a deactivation that end the user's logins at once;
//! the auditor reading with no form, assessors refused; another region's account answering like none.

use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{TestApp, on_both_databases};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::console::Browser;

on_both_databases!(accounts_are_made_profiled_reset_and_deactivated_from_the_console);

async fn signed_in(app: &TestApp, user: &str, password: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, password).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

async fn accounts_are_made_profiled_reset_and_deactivated_from_the_console(app: TestApp) {
    let world = app.world().await;
    let mut officer = signed_in(&app, "admin_a", TEST_PASSWORD).await;
    let list = officer.get("/users?role=assessor").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("assessor_a") && !list.body.contains(">admin_a<"), "{}", list.body);

    // Bad fields, each shown beside its field; nothing created.
    let bad = officer
        .submit(
            "/users",
            "/users",
            &[("username", "A"), ("display_name", ""), ("password", "short"), ("role", "assessor")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body.matches("class=\"why\"").count(), 3, "{}", bad.body);
    assert!(!officer.get("/users").await.body.contains(">A<"));
    let staff = officer
        .submit(
            "/users",
            "/users",
            &[
                ("username", "front.desk"),
                ("display_name", "前台"),
                ("password", "long-enough-1"),
                ("role", "institution"),
            ],
        )
        .await;
    assert_eq!(staff.status, StatusCode::UNPROCESSABLE_ENTITY, "institution staff need their institution");

    // A new assessor, then the profile that assignment reads.
    let made = officer
        .submit(
            "/users",
            "/users",
            &[
                ("username", "assessor.qian"),
                ("display_name", "钱评估"),
                ("password", "long-enough-1"),
                ("role", "assessor"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let page = made.location.expect("the user's page").split('?').next().unwrap_or_default().to_owned();
    let id: Uuid = page.trim_start_matches("/users/").parse().expect("an id");
    let saved = officer
        .submit(
            &page,
            &format!("{page}/profile"),
            &[("qualification", "nurse"), ("expert", "true"), ("employer_institution_id", "")],
        )
        .await;
    assert_eq!(saved.location, Some(format!("{page}?done=ui_done_profile_saved")));
    let profiles =
        world.as_user("admin_a").list_assessors(ltci_shared::PageQuery::default()).await.expect("profiles").items;
    let p = profiles.iter().find(|p| p.user_id == id).expect("the profile");
    assert!(p.expert && p.employer_institution_id.is_none());

    // The new assessor signs in; a reset ends that session at once; so does a deactivation.
    let mut qian = signed_in(&app, "assessor.qian", "long-enough-1").await;
    assert_eq!(qian.get("/").await.status, StatusCode::OK);
    let short = officer.submit(&page, &format!("{page}/password"), &[("new_password", "abc")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("class=\"why\""));
    let reset = officer.submit(&page, &format!("{page}/password"), &[("new_password", "another-long-2")]).await;
    assert_eq!(reset.location, Some(format!("{page}?done=ui_done_password_reset")));
    assert_eq!(qian.get("/").await.location.as_deref(), Some("/login?why=ended"));
    let mut qian = signed_in(&app, "assessor.qian", "another-long-2").await;
    let off = officer.submit(&page, &format!("{page}/deactivate"), &[]).await;
    assert_eq!(off.location, Some(format!("{page}?done=ui_done_deactivated")));
    assert_eq!(qian.get("/").await.location.as_deref(), Some("/login?why=ended"));
    assert!(officer.get(&page).await.body.contains("已停用"));
    let mut again = Browser::new(&app);
    assert_eq!(again.sign_in("assessor.qian", "another-long-2").await.status, StatusCode::UNAUTHORIZED);

    // The officer cannot deactivate themself; the auditor reads the accounts with no form (and a
    // crafted step is refused); assessors may not see accounts; institution staff see their own
    // caregivers and no form to create officers.
    let me = format!("/users/{}", world.user("admin_a"));
    let own = officer.submit(&me, &format!("{me}/deactivate"), &[]).await;
    assert!(matches!(own.status.as_u16(), 403 | 422), "{}", own.status);
    let mut auditor = signed_in(&app, "auditor_a", TEST_PASSWORD).await;
    let list = auditor.get("/users").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("assessor.qian") && !list.body.contains("admin_b"), "{}", list.body);
    assert!(!list.body.contains("method=\"post\" action=\"/users\""), "no form to create accounts");
    let active = format!("/users/{}", world.user("assessor_a"));
    let account = auditor.get(&active).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(!account.body.contains("/password\"") && !account.body.contains("/deactivate\""), "{}", account.body);
    let crafted = auditor.submit(&active, &format!("{active}/password"), &[("new_password", "crafted-long-1")]).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);
    let mut assessor = signed_in(&app, "assessor_a", TEST_PASSWORD).await;
    assert_eq!(assessor.get("/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(assessor.get(&page).await.status, StatusCode::FORBIDDEN);
    let mut inst = signed_in(&app, "inst_a1", TEST_PASSWORD).await;
    let theirs = inst.get("/users").await;
    assert!(theirs.body.contains("carer_a1") && !theirs.body.contains("carer_a2"), "{}", theirs.body);
    assert!(!theirs.body.contains("method=\"post\" action=\"/users\""), "no form to create accounts");
    assert_eq!(inst.get(&page).await.status, StatusCode::NOT_FOUND);

    // Another region's account answers like one that does not exist.
    let theirs = format!("/users/{}", world.user("admin_b"));
    let nobody = format!("/users/{}", Uuid::now_v7());
    let (x, y) = (officer.get(&theirs).await, officer.get(&nobody).await);
    assert_eq!((x.status, y.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    let crafted = officer.submit("/users", &format!("{theirs}/deactivate"), &[]).await;
    assert_eq!(crafted.status, StatusCode::NOT_FOUND);
}
