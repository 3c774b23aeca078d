//! The tamper-evident audit trail: each region's records chained by hash, `ltci-server audit
//! verify` finding a record edited, re-hashed, deleted or written behind the system's back, and
//! concurrent writers never forking a chain.

use std::process::ExitCode;

use ltci_e2e::world::{TEST_PASSWORD, person};
use ltci_e2e::{Backend, TEST_JWT_SECRET, TestApp, on_both_backends, on_both_databases};
use ltci_server::Config;
use ltci_server::audit::chain::{link_hash, seal_backlog};
use ltci_server::audit::verify::{self, Break, RegionChain};
use ltci_server::entities::{audit_chain_head, audit_event};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

on_both_backends!(an_edited_a_rehashed_a_deleted_or_a_forged_record_is_found);

on_both_databases!(
    concurrent_writers_never_fork_the_chain,
    records_written_before_the_chain_are_linked_at_start_up,
    every_object_and_every_user_leads_to_their_history,
);

/// `ltci-server audit verify` against the test's database: its exit code and what it printed.
async fn verify_command(app: &TestApp) -> (ExitCode, String) {
    let mut config = Config::for_database(app.database_url().to_owned(), TEST_JWT_SECRET);
    config.log_filter = "off".into();
    let mut out = Vec::new();
    let code = ltci_server::cli::audit_verify(&config, &mut out).await.expect("verify runs");
    (code, String::from_utf8(out).expect("utf-8"))
}

/// `GET /audit-chain` as `user`: their region's chain, verified.
async fn chain_answer(world: &ltci_e2e::World, user: &str) -> serde_json::Value {
    let resp = world.as_user(user).request(reqwest::Method::GET, "/api/v1/audit-chain").send().await.expect("send");
    resp.json().await.expect("json")
}

async fn chain_of(app: &TestApp, region: Uuid) -> RegionChain {
    verify::run(&app.db, Some(region), &mut |_, _| {}).await.expect("walk").pop().expect("the region's chain")
}

async fn record(app: &TestApp, region: Uuid, seq: i64) -> audit_event::Model {
    audit_event::Entity::find()
        .filter(audit_event::Column::RegionId.eq(region))
        .filter(audit_event::Column::Seq.eq(seq))
        .one(&app.db)
        .await
        .expect("read")
        .expect("the record")
}

async fn an_edited_a_rehashed_a_deleted_or_a_forged_record_is_found(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    for seq in 1..=3 {
        admin.create_insured_person(&person("链", seq)).await.expect("register");
    }
    let (a, b) = (world.region_a, world.region_b);
    let (code, out) = verify_command(&app).await;
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let mut officer = crate::console::Browser::new(&app);
    officer.sign_in("admin_a", TEST_PASSWORD).await;
    let page = officer.get("/audit/chain").await;
    assert!(page.body.contains("审计链完整"), "{}", page.body);
    assert!(out.contains("370200：审计链完整") && out.contains("370300：审计链完整"), "{out}");
    let sound = chain_of(&app, a).await;
    let records = audit_event::Entity::find().filter(audit_event::Column::RegionId.eq(a)).count(&app.db).await;
    assert_eq!(sound.head_seq as u64, records.expect("count"), "every record of region A is in its chain");
    assert!(sound.head_seq >= 5, "{sound:?}");

    // An edit made in the database: record 2 says another state.
    let original = record(&app, a, 2).await;
    audit_event::Entity::update_many()
        .col_expr(audit_event::Column::EntityId, Expr::value("someone-else"))
        .filter(audit_event::Column::Id.eq(original.id))
        .exec(&app.db)
        .await
        .expect("edit");
    let broken = chain_of(&app, a).await;
    assert!(matches!(broken.first_break, Some(Break::Altered { seq: 2, id, .. }) if id == original.id), "{broken:?}");
    assert_eq!(broken.verified, 1, "record 1 still holds");
    let (code, out) = verify_command(&app).await;
    assert_eq!(code, ExitCode::from(1));
    assert!(out.contains("370200：审计链断裂") && out.contains("第 2 条记录") && out.contains("已被改动"), "{out}");
    assert!(out.contains("370300：审计链完整"), "region B's chain is its own: {out}");
    // The auditor sees it in the console, and in the API.
    let mut auditor = crate::console::Browser::new(&app);
    auditor.sign_in("auditor_a", TEST_PASSWORD).await;
    let page = auditor.get("/audit/chain").await;
    assert!(page.body.contains("审计链断裂：此前 1 条完好") && page.body.contains("第 2 条记录"), "{}", page.body);
    let answer = chain_answer(&world, "admin_b").await;
    assert!(answer["first_break"].is_null() && answer["head_seq"].as_i64() > Some(0), "region B's: {answer}");
    let answer = chain_answer(&world, "auditor_a").await;
    assert_eq!(answer["first_break"]["kind"], "altered", "{answer}");
    assert_eq!(answer["first_break"]["seq"], 2, "{answer}");

    // The same edit with the record's hash recomputed: its successor no longer links to it.
    let mut rehashed = record(&app, a, 2).await;
    let hash = link_hash(&rehashed, 2, original.prev_hash.as_deref().expect("linked"));
    rehashed.hash = Some(hash.clone());
    let mut active = rehashed.into_active_model();
    active.hash = Set(Some(hash));
    active.update(&app.db).await.expect("re-hash");
    let broken = chain_of(&app, a).await;
    assert!(matches!(broken.first_break, Some(Break::Relinked { seq: 3, .. })), "{broken:?}");

    // Put back as it was, the chain holds again.
    original.clone().into_active_model().reset_all().update(&app.db).await.expect("restore");
    assert!(chain_of(&app, a).await.is_sound());

    // A deletion in the middle of region A and at the end of region B.
    audit_event::Entity::delete_by_id(record(&app, a, 3).await.id).exec(&app.db).await.expect("delete");
    let broken = chain_of(&app, a).await;
    assert_eq!(broken.first_break, Some(Break::Missing { from: 3, to: 3 }), "{broken:?}");
    let last = chain_of(&app, b).await.head_seq;
    audit_event::Entity::delete_by_id(record(&app, b, last).await.id).exec(&app.db).await.expect("delete");
    let broken = chain_of(&app, b).await;
    assert_eq!(broken.first_break, Some(Break::Missing { from: last, to: last }), "{broken:?}");
    let (code, out) = verify_command(&app).await;
    assert_eq!(code, ExitCode::from(1));
    assert!(out.contains("第 3 条记录缺失（已被删除）"), "{out}");
    assert!(out.contains(&format!("370300：审计链断裂（此前 {} 条完好）", last - 1)), "{out}");
    assert!(out.contains(&format!("第 {last} 条记录缺失")), "{out}");

    // A record written into the table behind the system's back is outside the chain.
    let mut forged = original.into_active_model();
    forged.id = Set(Uuid::now_v7());
    forged.region_id = Set(b);
    forged.seq = Set(None);
    forged.prev_hash = Set(None);
    forged.hash = Set(None);
    forged.insert(&app.db).await.expect("forge");
    assert_eq!(chain_of(&app, b).await.unlinked, 1);
    let (_, out) = verify_command(&app).await;
    assert!(out.contains("370300：1 条记录不在链中"), "{out}");
    // … and stays out: neither the region's next write nor a restart takes it in.
    world.as_user("admin_b").create_insured_person(&person("链", 9)).await.expect("register");
    assert_eq!(seal_backlog(&app.db).await.expect("start-up"), 0);
    let after = chain_of(&app, b).await;
    assert_eq!(after.unlinked, 1, "{after:?}");
    assert!(after.head_seq > last, "the write itself was linked: {after:?}");

    // Deleting the head does not hide the chain's records.
    audit_chain_head::Entity::delete_by_id(a).exec(&app.db).await.expect("delete the head");
    assert!(matches!(chain_of(&app, a).await.first_break, Some(Break::Missing { from: 3, to: 3 })));
}

async fn concurrent_writers_never_fork_the_chain(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let mut writers = tokio::task::JoinSet::new();
    for seq in 1..=24 {
        let admin = admin.clone();
        writers.spawn(async move { admin.create_insured_person(&person("并发", seq)).await });
    }
    while let Some(answer) = writers.join_next().await {
        answer.expect("the writer ran").expect("registered");
    }
    let chain = chain_of(&app, world.region_a).await;
    assert!(chain.is_sound(), "{chain:?}");
    let records =
        audit_event::Entity::find().filter(audit_event::Column::RegionId.eq(world.region_a)).count(&app.db).await;
    assert_eq!(chain.head_seq as u64, records.expect("count"), "one chain, every record in it once");
}

async fn records_written_before_the_chain_are_linked_at_start_up(app: TestApp) {
    let world = app.world().await;
    // As the records were before the chain's migration: no place, no hashes, no heads.
    audit_event::Entity::update_many()
        .col_expr(audit_event::Column::Seq, Expr::value(Option::<i64>::None))
        .col_expr(audit_event::Column::PrevHash, Expr::value(Option::<String>::None))
        .col_expr(audit_event::Column::Hash, Expr::value(Option::<String>::None))
        .exec(&app.db)
        .await
        .expect("unlink");
    audit_chain_head::Entity::delete_many().exec(&app.db).await.expect("no heads");
    let outside = chain_of(&app, world.region_a).await;
    assert!(outside.unlinked > 0 && outside.head_seq == 0, "{outside:?}");

    let total = audit_event::Entity::find().count(&app.db).await.expect("count");
    assert_eq!(seal_backlog(&app.db).await.expect("link"), total);
    for region in [world.region_a, world.region_b] {
        let chain = chain_of(&app, region).await;
        assert!(chain.is_sound() && chain.head_seq > 0, "{chain:?}");
    }
    assert_eq!(seal_backlog(&app.db).await.expect("nothing left"), 0);
}

/// The first `href` in `body` starting with `prefix`, its escaped `&` undone.
fn link(body: &str, prefix: &str) -> String {
    let at = body.find(&format!("href=\"{prefix}")).unwrap_or_else(|| panic!("no link to {prefix}: {body}"));
    let rest = &body[at + 6..];
    rest[..rest.find('"').expect("closing quote")].replace("&amp;", "&").replace("&#38;", "&")
}

async fn every_object_and_every_user_leads_to_their_history(app: TestApp) {
    let world = app.world().await;
    let p = world.as_user("admin_a").create_insured_person(&person("历史", 7)).await.expect("register");
    let mut auditor = crate::console::Browser::new(&app);
    auditor.sign_in("auditor_a", TEST_PASSWORD).await;

    // The person's page leads to the person's history: their registration, by admin_a.
    let page = auditor.get(&format!("/persons/{}", p.id)).await;
    let history = link(&page.body, "/audit?entity_type=insured_person");
    assert_eq!(history, format!("/audit?entity_type=insured_person&entity_id={}", p.id));
    let trail = auditor.get(&history).await;
    assert!(trail.body.contains("insured_person.create") && trail.body.contains("admin_a"), "{}", trail.body);
    assert!(!trail.body.contains("auth.login"), "only this person's history: {}", trail.body);

    // Who acted leads to everything they did; a user's page leads there too.
    let theirs = auditor.get(&link(&trail.body, "/audit?actor=")).await;
    assert!(theirs.body.contains("insured_person.create"), "{}", theirs.body);
    let account = auditor.get(&format!("/users/{}", world.user("admin_a"))).await;
    assert_eq!(link(&account.body, "/audit?actor="), "/audit?actor=admin_a");

    // Institution staff read no trail, and are offered no link to it.
    let mut staff = crate::console::Browser::new(&app);
    staff.sign_in("inst_a1", TEST_PASSWORD).await;
    let own = staff.get(&format!("/caregivers/{}", world.caregiver("carer_a1"))).await;
    assert_eq!(own.status, reqwest::StatusCode::OK);
    assert!(!own.body.contains("href=\"/audit"), "{}", own.body);
    let officers = auditor.get(&format!("/caregivers/{}", world.caregiver("carer_a1"))).await;
    assert_eq!(
        link(&officers.body, "/audit?entity_type=caregiver"),
        format!("/audit?entity_type=caregiver&entity_id={}", world.caregiver("carer_a1"))
    );
}
