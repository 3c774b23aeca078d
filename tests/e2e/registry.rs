//! Insured persons: ID-number validation, derived fields, masking, uniqueness, updates with
//! version checks, search, pagination and the audit trail.

use chrono::NaiveDate;
use ltci_e2e::world::{id_number, person};
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::api::registry::{InsuredPersonFilter, PersonStatus, UpdateInsuredPersonRequest};
use ltci_shared::{PageQuery, Sex};
use reqwest::{Method, StatusCode};

on_both_databases!(
    registering_derives_birth_date_and_sex_and_masks_for_other_roles,
    mistyped_id_numbers_are_refused_with_the_reason,
    an_id_number_is_registered_once_per_region,
    updates_check_the_version_and_are_audited,
    death_needs_a_date,
    search_and_pagination,
    nothing_is_half_written_and_server_errors_reveal_nothing,
    id_numbers_are_encrypted_at_rest,
);

async fn registering_derives_birth_date_and_sex_and_masks_for_other_roles(app: TestApp) {
    let world = app.world().await;
    let req = person("王淑芬", 22); // even sequence: female
    let created = world.as_user("admin_a").create_insured_person(&req).await.expect("create");
    assert_eq!(created.birth_date, Some(NaiveDate::from_ymd_opt(1940, 3, 15).expect("date")));
    assert_eq!(
        created.age,
        ltci_e2e::today().years_since(NaiveDate::from_ymd_opt(1940, 3, 15).expect("date")).unwrap_or(0)
    );
    assert_eq!(created.sex, Sex::Female);
    assert_eq!(created.status, PersonStatus::Active);
    assert_eq!(created.version, 1);
    assert_eq!(created.id_number, req.id_number, "agency officers see the full number");
    assert!(!created.id_number_masked);
    for who in ["auditor_a", "assessor_a"] {
        let seen = world.as_user(who).get_insured_person(created.id).await.expect("get");
        assert!(seen.id_number_masked, "{who}");
        assert_eq!(seen.id_number, format!("{}***********{}", &req.id_number[..6], &req.id_number[17..]), "{who}");
        assert_eq!((seen.birth_date, seen.age), (None, created.age), "{who} sees the age, not the birth date");
        assert_eq!(seen.name, "王淑芬");
    }
    let male = world.as_user("admin_a").create_insured_person(&person("赵大山", 23)).await.expect("create");
    assert_eq!(male.sex, Sex::Male);
}

async fn mistyped_id_numbers_are_refused_with_the_reason(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let good = id_number(NaiveDate::from_ymd_opt(1950, 6, 1).expect("date"), 5);
    let wrong_check = {
        let last = good.chars().last().expect("char");
        let other = if last == '0' { '1' } else { '0' };
        format!("{}{other}", &good[..17])
    };
    let impossible_date = {
        let first17 = "37020219500231005"; // 31 February
        let mut d = [0u8; 17];
        d.copy_from_slice(first17.as_bytes());
        format!("{first17}{}", ltci_shared::id_number::check_character(&d))
    };
    let cases = [
        (wrong_check.as_str(), "invalid_check_character"),
        (impossible_date.as_str(), "invalid_birth_date"),
        (&good[..17], "wrong_length"),
        ("37020219500601005XX", "wrong_length"),
        ("37020219500601O05X", "invalid_characters"),
        ("99020219500601005X", "unknown_region"),
    ];
    for (id, reason) in cases {
        let mut req = person("录入测试", 1);
        req.id_number = id.to_string();
        let err = admin.create_insured_person(&req).await.expect_err(id);
        assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY), "{id}");
        assert_eq!(err.code(), Some("validation_failed"), "{id}");
        let ltci_shared::client::ClientError::Api { body, .. } = &err else { panic!("envelope") };
        assert_eq!(body.error.details["id_number"].code, reason, "{id}");
        // The message helps the person fix it but does not echo the number back.
        assert!(!body.error.message.contains(id), "{id}");
    }
    let mut lower_x = person("小写x", 1);
    lower_x.id_number = lower_x.id_number.to_lowercase();
    assert!(admin.create_insured_person(&lower_x).await.is_ok(), "a lower-case x is accepted");
    assert_eq!(admin.list_insured_persons(&Default::default(), Default::default()).await.expect("list").total, 1);
}

async fn an_id_number_is_registered_once_per_region(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    admin.create_insured_person(&person("第一次", 41)).await.expect("create");
    let err = admin.create_insured_person(&person("第二次", 41)).await.expect_err("duplicate");
    assert_eq!(err.status(), Some(StatusCode::CONFLICT));
    let ltci_shared::client::ClientError::Api { body, .. } = &err else { panic!("envelope") };
    assert!(body.error.details.contains_key("id_number"));
    // Correcting another person's number into a taken one is refused too.
    let other = admin.create_insured_person(&person("第三人", 43)).await.expect("create");
    let update =
        UpdateInsuredPersonRequest { version: 1, id_number: Some(person("x", 41).id_number), ..Default::default() };
    assert_eq!(
        admin.update_insured_person(other.id, &update).await.expect_err("taken").status(),
        Some(StatusCode::CONFLICT)
    );
}

async fn updates_check_the_version_and_are_audited(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("改址测试", 51)).await.expect("create");
    let update = UpdateInsuredPersonRequest { version: 1, phone: Some("13611112222".into()), ..Default::default() };
    let resp = admin
        .request(Method::PATCH, &format!("/api/v1/insured-persons/{}", p.id))
        .header("x-request-id", "req-audit-check-1")
        .json(&update)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["x-request-id"], "req-audit-check-1");
    let updated: ltci_shared::api::registry::InsuredPerson = resp.json().await.expect("json");
    assert_eq!(updated.version, 2);
    assert_eq!(updated.phone.as_deref(), Some("13611112222"));
    // A second officer still holding version 1 cannot overwrite the change.
    let stale = UpdateInsuredPersonRequest { version: 1, phone: Some("13000000000".into()), ..Default::default() };
    let err = admin.update_insured_person(p.id, &stale).await.expect_err("stale");
    assert_eq!(err.status(), Some(StatusCode::CONFLICT));
    assert_eq!(admin.get_insured_person(p.id).await.expect("get").phone.as_deref(), Some("13611112222"));

    let trail: serde_json::Value = ltci_shared::client::ApiClient::send(
        world
            .as_user("auditor_a")
            .request(Method::GET, "/api/v1/audit-events")
            .query(&[("entity_id", p.id.to_string())]),
    )
    .await
    .expect("audit");
    let actions: Vec<&str> =
        trail["items"].as_array().expect("items").iter().map(|e| e["action"].as_str().expect("action")).collect();
    assert_eq!(actions, ["insured_person.update", "insured_person.create"]);
    let upd = &trail["items"][0];
    assert_eq!(upd["request_id"], "req-audit-check-1");
    assert_eq!(upd["actor_user_id"], world.user("admin_a").to_string());
    assert_eq!(upd["changed_fields"], serde_json::json!(["phone"]));
    assert!(!trail.to_string().contains("13611112222"), "the trail names fields, never values");
}

async fn death_needs_a_date(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("身故测试", 61)).await.expect("create");
    let no_date = UpdateInsuredPersonRequest { version: 1, status: Some(PersonStatus::Deceased), ..Default::default() };
    let err = admin.update_insured_person(p.id, &no_date).await.expect_err("no date");
    let ltci_shared::client::ClientError::Api { body, .. } = &err else { panic!("envelope") };
    assert_eq!(body.error.details["died_on"].code, "required");
    let before_birth = UpdateInsuredPersonRequest { died_on: NaiveDate::from_ymd_opt(1930, 1, 1), ..no_date.clone() };
    assert_eq!(
        admin.update_insured_person(p.id, &before_birth).await.expect_err("before birth").code(),
        Some("validation_failed")
    );
    let ok = UpdateInsuredPersonRequest { died_on: NaiveDate::from_ymd_opt(2025, 12, 30), ..no_date };
    let dead = admin.update_insured_person(p.id, &ok).await.expect("deceased");
    assert_eq!(dead.status, PersonStatus::Deceased);
    assert_eq!(dead.died_on, NaiveDate::from_ymd_opt(2025, 12, 30));
    let filter = InsuredPersonFilter { status: Some(PersonStatus::Deceased), ..Default::default() };
    assert_eq!(admin.list_insured_persons(&filter, PageQuery::default()).await.expect("list").total, 1);
}

async fn search_and_pagination(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let names = ["张一", "张二", "李三", "张四", "王五"];
    let mut created = Vec::new();
    for (i, name) in names.iter().enumerate() {
        created.push(
            admin.create_insured_person(&person(name, 70 + u16::try_from(i).expect("small"))).await.expect("create"),
        );
    }
    let by_name = InsuredPersonFilter { name: Some("张".into()), ..Default::default() };
    let page = admin.list_insured_persons(&by_name, PageQuery::default()).await.expect("search");
    assert_eq!(page.total, 3);
    assert!(page.items.iter().all(|p| p.name.starts_with('张')));

    let by_id = InsuredPersonFilter { id_number: Some(created[2].id_number.clone()), ..Default::default() };
    let found = admin.list_insured_persons(&by_id, PageQuery::default()).await.expect("search");
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].name, "李三");

    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = admin
            .list_insured_persons(&Default::default(), PageQuery { limit: Some(2), offset: Some(offset) })
            .await
            .expect("page");
        assert_eq!(page.total, 5);
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|p| p.id));
        if !page.has_more() {
            break;
        }
        offset += 2;
    }
    assert_eq!(seen.len(), 5);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5, "pages neither repeat nor skip anyone");

    for bad in ["0", "201", "ten"] {
        let resp =
            admin.request(Method::GET, "/api/v1/insured-persons").query(&[("limit", bad)]).send().await.expect("send");
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "limit={bad}");
        let body: serde_json::Value = resp.json().await.expect("json");
        assert!(body["error"]["details"]["limit"].is_object(), "limit={bad}: {body}");
    }
}

async fn nothing_is_half_written_and_server_errors_reveal_nothing(app: TestApp) {
    use sea_orm::ConnectionTrait;
    let world = app.world().await;
    // Hide the audit chain's heads: registering a person writes the person and its audit record,
    // then links the record into the chain, all in one transaction, so the failure at the last
    // step must leave no person (and no record) behind.
    app.db.execute_unprepared("ALTER TABLE audit_chain_heads RENAME TO audit_chain_heads_hidden").await.expect("hide");
    let resp = world
        .as_user("admin_a")
        .request(Method::POST, "/api/v1/insured-persons")
        .json(&person("原子性", 81))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(resp.headers().contains_key("x-request-id"), "the request id lets support find the logged cause");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(
        body,
        serde_json::json!({"error": {"code": "internal_error", "message": "服务器内部错误", "details": {}}})
    );
    let listed =
        world.as_user("admin_a").list_insured_persons(&Default::default(), Default::default()).await.expect("list");
    assert_eq!(listed.total, 0, "no half-written person");
    app.db
        .execute_unprepared("ALTER TABLE audit_chain_heads_hidden RENAME TO audit_chain_heads")
        .await
        .expect("restore");
}

async fn id_numbers_are_encrypted_at_rest(app: TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    let world = app.world().await;
    let req = person("加密测试", 91);
    let created = world.as_user("admin_a").create_insured_person(&req).await.expect("create");
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT id_number_enc, id_number_hash, id_number_masked FROM insured_persons".to_string(),
        ))
        .await
        .expect("query");
    assert_eq!(rows.len(), 1);
    let enc: String = rows[0].try_get("", "id_number_enc").expect("enc");
    let hash: String = rows[0].try_get("", "id_number_hash").expect("hash");
    let masked: String = rows[0].try_get("", "id_number_masked").expect("masked");
    for stored in [&enc, &hash, &masked] {
        assert!(!stored.contains(&req.id_number[6..14]), "the birth-date digits are not stored in clear: {stored}");
    }
    assert!(enc.starts_with("v1:"));
    // The officer still gets the number back, and exact search still finds the person.
    assert_eq!(world.as_user("admin_a").get_insured_person(created.id).await.expect("get").id_number, req.id_number);
    let filter = InsuredPersonFilter { id_number: Some(req.id_number.to_lowercase()), ..Default::default() };
    assert_eq!(
        world.as_user("auditor_a").list_insured_persons(&filter, PageQuery::default()).await.expect("search").total,
        1
    );
}
