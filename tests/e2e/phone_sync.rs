//! The phone's outbox against the real server over a connection that loses messages: requests
//! lost on the way, answers lost on the way back, the app killed in the middle of a sync and
//! started again on the same store. Every event must end up on the server exactly once and be
//! shown as sent. Prints the figures (events made, on the server, duplicates, lost).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ltci_e2e::phone::{event, gps, local, planned_visits, proper_visit};
use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{TestApp, on_both_databases, today};
use ltci_mobile::session::Session;
use ltci_mobile::store::Store;
use ltci_mobile::sync::{Transport, sync_once};
use ltci_mobile::ui::day::day_rows;
use ltci_mobile::visit::{Badge, badge};
use ltci_shared::api::care::{BatchOutcome, Changes, ChangesQuery, EventBatch, VisitEventBody, VisitState};
use ltci_shared::client::{ApiClient, ClientError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

on_both_databases!(
    an_offline_day_reaches_the_server_exactly_once_over_a_lossy_connection,
    signed_in_across_restarts_and_expiry_and_no_work_lost_when_the_refresh_fails,
);

/// The shared client behind a connection that loses a share of requests and of answers.
struct Lossy {
    inner: ApiClient,
    rng: Mutex<StdRng>,
    lost_requests: AtomicU32,
    lost_answers: AtomicU32,
}

impl Lossy {
    /// Whether the next message is lost (one in three).
    fn lose(&self) -> bool {
        self.rng.lock().expect("rng").random_ratio(1, 3)
    }

    fn broken() -> ClientError {
        ClientError::Unexpected { status: reqwest::StatusCode::BAD_GATEWAY, text: "connection lost".into() }
    }
}

impl Transport for Lossy {
    async fn send_events(&self, batch: &EventBatch) -> Result<BatchOutcome, ClientError> {
        if self.lose() {
            self.lost_requests.fetch_add(1, Ordering::Relaxed);
            return Err(Self::broken());
        }
        let answer = self.inner.sync_events(batch).await;
        if self.lose() {
            // The server has done its work; the phone never hears of it.
            self.lost_answers.fetch_add(1, Ordering::Relaxed);
            return Err(Self::broken());
        }
        answer
    }

    async fn changes(&self, q: &ChangesQuery) -> Result<Changes, ClientError> {
        if self.lose() {
            self.lost_requests.fetch_add(1, Ordering::Relaxed);
            return Err(Self::broken());
        }
        self.inner.sync_changes(q).await
    }
}

async fn an_offline_day_reaches_the_server_exactly_once_over_a_lossy_connection(app: TestApp) {
    let world = app.world().await;
    let (_, visits) = planned_visits(&app, &world, 95, 7).await;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("phone.db");

    // A week of visits done offline: each with its check-in, tasks, a dozen notes and check-out.
    let store = Store::open(&path).await.expect("store");
    let mut made = HashSet::new();
    for v in &visits {
        let mut events = proper_visit(v, gps(0.0));
        for n in 0..12 {
            let text = format!("第{n}条记录");
            events.push(event(v.id, VisitEventBody::Note { at: local(v.scheduled_on, 20 + n), text }));
        }
        for e in &events {
            store.record(e).await.expect("record");
            made.insert(e.id);
        }
    }
    drop(store);

    // Back in signal, over a bad line: syncs cut short by lost messages and by the app being
    // killed at random moments, each time started again on the same file.
    let phone = Lossy {
        inner: world.as_user("carer_a1").clone(),
        rng: Mutex::new(StdRng::seed_from_u64(20261129)),
        lost_requests: AtomicU32::new(0),
        lost_answers: AtomicU32::new(0),
    };
    let mut kill = StdRng::seed_from_u64(7);
    let (mut kills, mut attempts, mut done) = (0u32, 0u32, false);
    while !done {
        attempts += 1;
        assert!(attempts < 500, "the outbox never emptied");
        let store = Store::open(&path).await.expect("app starts");
        // The first starts end with the app killed after a few milliseconds (a whole pass takes
        // far longer), then one start in three at a random moment; the others run until done or
        // a message is lost.
        let life = match attempts {
            1..=4 => Duration::from_millis(u64::from(attempts) * 3),
            _ if kill.random_ratio(1, 3) => Duration::from_millis(kill.random_range(1..200)),
            _ => Duration::from_secs(120),
        };
        match tokio::time::timeout(life, sync_once(&store, &phone, "phone-95", 8)).await {
            Err(_) => kills += 1,
            Ok(Err(_)) => {}
            Ok(Ok(_)) => done = store.status().await.expect("status").pending == 0,
        }
    }

    // What the server holds for these visits.
    let staff = world.as_user("inst_a1");
    let mut on_server: HashMap<Uuid, u32> = HashMap::new();
    for v in &visits {
        for e in staff.visit_events(v.id, ltci_e2e::all()).await.expect("history").items {
            *on_server.entry(e.id).or_default() += 1;
        }
    }
    let duplicates: u32 = on_server.values().map(|n| n - 1).sum::<u32>()
        + u32::try_from(on_server.keys().filter(|id| !made.contains(*id)).count()).expect("count");
    let lost = made.iter().filter(|id| !on_server.contains_key(*id)).count();
    let store = Store::open(&path).await.expect("app starts");
    let status = store.status().await.expect("status");
    eprintln!(
        "exactly once over a lossy line ({:?}): {} events made, {} on the server, {duplicates} duplicated, {lost} lost; \
         {} requests and {} answers lost, the app killed {kills} times, {attempts} syncs",
        app.backend,
        made.len(),
        on_server.len(),
        phone.lost_requests.load(Ordering::Relaxed),
        phone.lost_answers.load(Ordering::Relaxed),
    );
    assert_eq!((duplicates, lost), (0, 0));
    assert_eq!(on_server.len(), made.len());
    assert!(phone.lost_requests.load(Ordering::Relaxed) > 0 && phone.lost_answers.load(Ordering::Relaxed) > 0);
    assert!(kills > 0, "the app was killed mid-sync at least once");
    // The phone tells the truth: everything sent, nothing failed, and the visits it pulled show
    // the server's verification.
    assert_eq!((status.pending, status.sent, status.failed.len()), (0, u32::try_from(made.len()).expect("n"), 0));
    for v in &visits {
        let pulled = store.visits_on(v.scheduled_on).await.expect("visits");
        let mine = pulled.iter().find(|p| p.id == v.id).expect("pulled");
        assert_eq!(mine.state, VisitState::Verified, "{:?}", mine.exceptions);
        assert_eq!(badge(mine, &store.outbox_of(v.id).await.expect("outbox")), Badge::Done);
        assert_eq!(mine.events, u32::try_from(proper_visit(v, gps(0.0)).len() + 12).expect("n"));
    }
    // The day's list on the phone, from the store alone.
    let rows = day_rows(&store, today()).await.expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].name.as_str(), rows[0].badge), ("上门", Badge::Done));
    assert!(rows[0].items.iter().any(|i| i == "头面部清洁护理"), "{:?}", rows[0].items);
}

async fn signed_in_across_restarts_and_expiry_and_no_work_lost_when_the_refresh_fails(app: TestApp) {
    let world = app.world().await;
    let (_, visits) = planned_visits(&app, &world, 97, 1).await;
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("phone.db")).await.expect("store");
    let wrong = Session::sign_in(&store, &app.base_url, "carer_a1", "not-the-password").await;
    assert!(wrong.is_err() && store.session().await.expect("session").is_none());
    Session::sign_in(&store, &app.base_url, "carer_a1", TEST_PASSWORD).await.expect("sign in");

    // The app restarts: still signed in. The access token has expired meanwhile: it is refreshed
    // once and the check-in goes through.
    assert!(Session::resume(&store).await.expect("resume").is_some(), "still signed in");
    let kept = store.session().await.expect("session").expect("kept");
    store.save_session(&kept.base_url, &kept.username, "expired", &kept.refresh_token).await.expect("expire");
    let session = Session::resume(&store).await.expect("resume").expect("signed in");
    let v = &visits[0];
    store.record(&proper_visit(v, gps(0.0))[0]).await.expect("record");
    sync_once(&store, &session, "phone-97", 50).await.expect("sync after a refresh");
    assert_eq!(store.status().await.expect("status").pending, 0);
    let renewed = store.session().await.expect("session").expect("kept");
    assert_ne!(renewed.refresh_token, kept.refresh_token, "the spent refresh token was replaced");

    // Both tokens refused (the login was revoked elsewhere): the app asks for the password, and
    // the note written meanwhile waits in the outbox.
    store.save_session(&kept.base_url, &kept.username, "expired", "revoked").await.expect("revoke");
    let session = Session::resume(&store).await.expect("resume").expect("signed in");
    let note = event(v.id, VisitEventBody::Note { at: local(v.scheduled_on, 30), text: "血压偏高，已告知家属".into() });
    store.record(&note).await.expect("record");
    assert!(sync_once(&store, &session, "phone-97", 50).await.is_err());
    assert!(Session::resume(&store).await.expect("resume").is_none(), "sign in again");
    assert_eq!(store.status().await.expect("status").pending, 1, "the note is kept");
    let session = Session::sign_in(&store, &app.base_url, "carer_a1", TEST_PASSWORD).await.expect("sign in again");
    sync_once(&store, &session, "phone-97", 50).await.expect("sync");
    assert_eq!(store.status().await.expect("status").pending, 0);
    let history = world.as_user("inst_a1").visit_events(v.id, ltci_e2e::all()).await.expect("history").items;
    assert_eq!(history.len(), 2, "the check-in and the note, once each");
    assert!(history.iter().any(|e| e.id == note.id));
}
