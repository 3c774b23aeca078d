//! Administering user accounts.

use ltci_e2e::{TestApp, field_code, on_both_databases};
use ltci_shared::PageQuery;
use ltci_shared::api::users::{CreateUserRequest, Role, UserFilter};
use reqwest::StatusCode;

on_both_databases!(officers_create_list_and_deactivate_accounts, account_input_is_validated_field_by_field);

fn request(username: &str, role: Role, institution_id: Option<uuid::Uuid>) -> CreateUserRequest {
    CreateUserRequest {
        username: username.into(),
        display_name: "新同事".into(),
        password: "a-long-password".into(),
        role,
        institution_id,
    }
}

async fn officers_create_list_and_deactivate_accounts(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let created = admin.create_user(&request("Assessor9", Role::Assessor, None)).await.expect("create");
    assert_eq!(created.username, "assessor9", "usernames are stored lower-case");
    assert_eq!(created.region_id, world.region_a);
    assert!(created.active);
    let (client, _) = app.client.signed_in("assessor9", "a-long-password").await.expect("new user signs in");
    assert_eq!(client.me().await.expect("me").role, Role::Assessor);

    let err = admin.create_user(&request("assessor9", Role::Assessor, None)).await.expect_err("taken");
    assert_eq!(err.status(), Some(StatusCode::CONFLICT));
    assert_eq!(field_code(&err, "username"), "conflict");

    let assessors = admin
        .list_users(&UserFilter { role: Some(Role::Assessor), active: None }, PageQuery::default())
        .await
        .expect("list");
    let names: Vec<&str> = assessors.items.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["assessor9", "assessor_a"]);

    admin.deactivate_user(created.id).await.expect("deactivate");
    let active = admin
        .list_users(&UserFilter { role: Some(Role::Assessor), active: Some(true) }, PageQuery::default())
        .await
        .expect("list");
    assert_eq!(active.total, 1);
    let own = admin.deactivate_user(world.user("admin_a")).await.expect_err("self");
    assert_eq!(field_code(&own, "id"), "cannot_deactivate_self");
}

async fn account_input_is_validated_field_by_field(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let mut bad = request("x", Role::Caregiver, None);
    bad.password = "short".into();
    bad.display_name = "  ".into();
    let err = admin.create_user(&bad).await.expect_err("invalid");
    assert_eq!(err.code(), Some("validation_failed"));
    assert_eq!(field_code(&err, "username"), "invalid_length");
    assert_eq!(field_code(&err, "password"), "too_short");
    assert_eq!(field_code(&err, "display_name"), "required");
    assert_eq!(field_code(&err, "institution_id"), "required");

    let foreign = admin
        .create_user(&request("carer_x", Role::Caregiver, Some(world.institution("b1"))))
        .await
        .expect_err("foreign");
    assert_eq!(field_code(&foreign, "institution_id"), "unknown_institution");
    let officer_with_inst = admin
        .create_user(&request("admin_x", Role::Admin, Some(world.institution("a1"))))
        .await
        .expect_err("not allowed");
    assert_eq!(field_code(&officer_with_inst, "institution_id"), "not_allowed");
    let spaces = admin.create_user(&request("has space", Role::Auditor, None)).await.expect_err("chars");
    assert_eq!(field_code(&spaces, "username"), "invalid_characters");
}
