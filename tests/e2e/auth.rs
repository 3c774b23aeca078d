//! Login, lockout, token expiry, refresh rotation and reuse detection, logout, deactivation.

use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{Backend, TestApp, on_both_backends, on_both_databases};
use reqwest::StatusCode;

on_both_databases!(
    login_gives_tokens_and_me_tells_who_i_am,
    wrong_password_and_unknown_user_get_the_same_answer,
    missing_or_forged_tokens_are_refused,
    refresh_rotates_the_refresh_token,
    reusing_a_refresh_token_ends_the_whole_login,
    logout_ends_the_login,
    deactivation_and_password_reset_take_effect_at_once,
);
on_both_backends!(repeated_failures_lock_the_username_for_a_while, access_tokens_expire);

async fn login_gives_tokens_and_me_tells_who_i_am(app: TestApp) {
    let world = app.world().await;
    let pair = app.client.login("inst_a1", TEST_PASSWORD).await.expect("login");
    assert_eq!(pair.token_type, "Bearer");
    assert_eq!(pair.expires_in, 900);
    assert!(!pair.refresh_token.is_empty());
    let me = app.client.with_token(pair.access_token).me().await.expect("me");
    assert_eq!(me.username, "inst_a1");
    assert_eq!(me.role, ltci_shared::api::users::Role::Institution);
    assert_eq!(me.region_id, world.region_a);
    assert_eq!(me.institution_id, Some(world.institution("a1")));
    // Usernames are case-insensitive at login.
    assert!(app.client.login("  INST_A1 ", TEST_PASSWORD).await.is_ok());
}

async fn wrong_password_and_unknown_user_get_the_same_answer(app: TestApp) {
    app.world().await;
    let wrong = app.client.login("admin_a", "not-the-password").await.expect_err("wrong password");
    let unknown = app.client.login("nobody_here", "not-the-password").await.expect_err("unknown user");
    for err in [&wrong, &unknown] {
        assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(err.code(), Some("invalid_credentials"));
    }
    assert_eq!(wrong.to_string(), unknown.to_string(), "the answer must not reveal which usernames exist");
}

async fn repeated_failures_lock_the_username_for_a_while(backend: Backend) {
    // A lock far longer than any request of a busy machine; its end is brought about by moving
    // the lock's end into the past, as the clock would.
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.login_max_failures = 3;
        c.login_lock_secs = 600;
    })
    .await
    else {
        return;
    };
    app.world().await;
    for _ in 0..3 {
        let err = app.client.login("admin_a", "guess-guess").await.expect_err("wrong");
        assert_eq!(err.code(), Some("invalid_credentials"));
    }
    // Now even the right password is refused until the lock ends, and the client is told when.
    let resp = app
        .client
        .request(reqwest::Method::POST, "/api/v1/auth/login")
        .json(&serde_json::json!({"username": "admin_a", "password": TEST_PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((300..=600).contains(&retry), "retry-after {retry} for a lock of 600 s");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"]["code"], "account_locked");
    // Unknown usernames lock the same way, so a lock reveals nothing about who exists.
    for _ in 0..3 {
        let _ = app.client.login("ghost_user", "guess-guess").await;
    }
    assert_eq!(app.client.login("ghost_user", "guess-guess").await.expect_err("locked").code(), Some("account_locked"));
    // Other users are unaffected.
    assert!(app.client.login("auditor_a", TEST_PASSWORD).await.is_ok());
    // The lock's time passes.
    use ltci_server::entities::login_throttle;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let row =
        login_throttle::Entity::find_by_id("admin_a".to_string()).one(&app.db).await.expect("read").expect("the lock");
    let ended = chrono::Utc::now() - chrono::Duration::seconds(1);
    assert!(row.locked_until.is_some_and(|until| until > ended), "locked until {:?}", row.locked_until);
    let mut lock: login_throttle::ActiveModel = row.into();
    lock.locked_until = Set(Some(ended));
    lock.update(&app.db).await.expect("the lock's end in the past");
    assert!(app.client.login("admin_a", TEST_PASSWORD).await.is_ok(), "the lock ends");
    assert_eq!(
        app.client.login("ghost_user", "guess-guess").await.expect_err("still locked").code(),
        Some("account_locked")
    );
}

async fn access_tokens_expire(backend: Backend) {
    const TTL: u64 = 3;
    let Some(app) = TestApp::spawn_with(backend, |c| c.access_token_ttl_secs = TTL).await else { return };
    app.world().await;
    let signed_in = std::time::Instant::now();
    let pair = app.client.login("admin_a", TEST_PASSWORD).await.expect("login");
    let client = app.client.with_token(&pair.access_token);
    assert!(client.me().await.is_ok());
    // Wait for the token to die (a few seconds; a busy machine takes longer, not shorter).
    let err = loop {
        match client.me().await {
            Ok(_) => {
                assert!(signed_in.elapsed().as_secs() < 60, "the access token never expired");
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(e) => break e,
        }
    };
    assert!(signed_in.elapsed().as_secs() >= TTL, "died after {:?}", signed_in.elapsed());
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(err.code(), Some("token_expired"));
    // The refresh token still works and gives a token that does.
    let fresh = app.client.refresh(&pair.refresh_token).await.expect("refresh");
    assert!(app.client.with_token(fresh.access_token).me().await.is_ok());
}

async fn missing_or_forged_tokens_are_refused(app: TestApp) {
    let world = app.world().await;
    assert_eq!(app.client.me().await.expect_err("anonymous").code(), Some("unauthenticated"));
    assert_eq!(app.client.with_token("garbage").me().await.expect_err("garbage").code(), Some("invalid_token"));
    // A well-formed token signed with another key.
    let claims = serde_json::json!({"sub": world.user("admin_a"), "sid": uuid::Uuid::new_v4(), "iat": 0, "exp": 4_000_000_000u64});
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"some-other-secret-some-other-secret!!"),
    )
    .expect("encode");
    assert_eq!(app.client.with_token(forged).me().await.expect_err("forged").code(), Some("invalid_token"));
}

async fn refresh_rotates_the_refresh_token(app: TestApp) {
    app.world().await;
    let first = app.client.login("auditor_a", TEST_PASSWORD).await.expect("login");
    let second = app.client.refresh(&first.refresh_token).await.expect("refresh");
    assert_ne!(second.refresh_token, first.refresh_token);
    let third = app.client.refresh(&second.refresh_token).await.expect("refresh again");
    assert_eq!(app.client.with_token(third.access_token).me().await.expect("me").username, "auditor_a");
}

async fn reusing_a_refresh_token_ends_the_whole_login(app: TestApp) {
    app.world().await;
    let first = app.client.login("carer_a1", TEST_PASSWORD).await.expect("login");
    let second = app.client.refresh(&first.refresh_token).await.expect("refresh");
    // Someone replays the first token (stolen, or a lost response retried by hand).
    let err = app.client.refresh(&first.refresh_token).await.expect_err("reuse");
    assert_eq!(err.code(), Some("refresh_token_reused"));
    // The legitimate newer token is revoked too: both holders must sign in again.
    assert_eq!(app.client.refresh(&second.refresh_token).await.expect_err("revoked").code(), Some("invalid_token"));
    // The access tokens of the ended login stop working at once, not when they expire.
    for access in [&first.access_token, &second.access_token] {
        let err = app.client.with_token(access.clone()).me().await.expect_err("ended login");
        assert_eq!((err.status(), err.code()), (Some(StatusCode::UNAUTHORIZED), Some("invalid_token")));
    }
    // A separate login of the same user is unaffected.
    let other = app.client.login("carer_a1", TEST_PASSWORD).await.expect("another login");
    assert!(app.client.with_token(other.access_token).me().await.is_ok());
}

async fn logout_ends_the_login(app: TestApp) {
    app.world().await;
    let pair = app.client.login("assessor_a", TEST_PASSWORD).await.expect("login");
    let signed_in = app.client.with_token(pair.access_token.clone());
    assert!(signed_in.me().await.is_ok());
    app.client.logout(&pair.refresh_token).await.expect("logout");
    app.client.logout(&pair.refresh_token).await.expect("logging out twice is fine");
    assert_eq!(app.client.refresh(&pair.refresh_token).await.expect_err("ended").code(), Some("invalid_token"));
    // The access token of the login is refused at once.
    let err = signed_in.me().await.expect_err("signed out");
    assert_eq!((err.status(), err.code()), (Some(StatusCode::UNAUTHORIZED), Some("invalid_token")));

    // So is a caregiver's, on the phone's own path (events are applied together with other
    // phones' there, without loading the account one by one).
    let carer = app.client.login("carer_a1", TEST_PASSWORD).await.expect("login");
    let phone = app.client.with_token(carer.access_token.clone());
    let batch = ltci_shared::api::care::EventBatch { device_id: "phone-1".into(), events: vec![] };
    phone.sync_events(&batch).await.expect("signed in");
    app.client.logout(&carer.refresh_token).await.expect("logout");
    let note = ltci_shared::api::care::VisitEvent {
        id: uuid::Uuid::now_v7(),
        visit_id: uuid::Uuid::now_v7(),
        unscheduled: None,
        body: ltci_shared::api::care::VisitEventBody::Note { at: chrono::Utc::now(), text: "到访".into() },
    };
    let batch = ltci_shared::api::care::EventBatch { device_id: "phone-1".into(), events: vec![note] };
    let err = phone.sync_events(&batch).await.expect_err("signed out");
    assert_eq!((err.status(), err.code()), (Some(StatusCode::UNAUTHORIZED), Some("invalid_token")));
}

async fn deactivation_and_password_reset_take_effect_at_once(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let (carer, carer_pair) = app.client.signed_in("carer_a1", TEST_PASSWORD).await.expect("login");

    admin.reset_password(world.user("carer_a1"), "new-password-123").await.expect("reset");
    assert_eq!(app.client.refresh(&carer_pair.refresh_token).await.expect_err("revoked").code(), Some("invalid_token"));
    assert_eq!(carer.me().await.expect_err("reset ends the login").code(), Some("invalid_token"));
    assert_eq!(app.client.login("carer_a1", TEST_PASSWORD).await.expect_err("old").code(), Some("invalid_credentials"));
    assert!(app.client.login("carer_a1", "new-password-123").await.is_ok());

    let deactivated = admin.deactivate_user(world.user("carer_a1")).await.expect("deactivate");
    assert!(!deactivated.active);
    assert_eq!(carer.me().await.expect_err("deactivated").code(), Some("invalid_token"));
    assert_eq!(
        app.client.login("carer_a1", "new-password-123").await.expect_err("inactive").code(),
        Some("invalid_credentials")
    );
}
