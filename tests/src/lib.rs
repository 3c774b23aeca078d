//! The end-to-end test harness: a real `ltci-server` on an ephemeral port against a fresh
//! database — a new SQLite file, or a new PostgreSQL database cloned from a template migrated
//! once per test process — driven through the shared typed client, as the phone app drives it.
//!
//! PostgreSQL comes from `LTCI_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). When it is not reachable the PostgreSQL
//! variants skip with a message on stderr — unless `CI=true`, where they fail.

pub mod pg;
pub mod phone;
pub mod world;

use std::sync::OnceLock;

use ltci_server::{Application, Config};
use ltci_shared::client::ApiClient;
use sea_orm::DatabaseConnection;
use tokio::sync::oneshot;

pub use world::World;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The JWT secret every test server signs with (tests mint expired tokens with it).
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// A running server with its own database.
#[derive(Debug)]
pub struct TestApp {
    pub backend: Backend,
    pub base_url: String,
    /// An anonymous client; `world` holds signed-in ones.
    pub client: ApiClient,
    /// The server's own pool, for builders that set up data the API cannot yet create.
    pub db: DatabaseConnection,
    /// The server's state, for server functions a test calls directly (as the command line does).
    pub state: ltci_server::state::AppState,
    shutdown: Option<oneshot::Sender<()>>,
    database_url: String,
    keep: std::sync::Arc<Keep>,
}

/// What outlives the server until the last holder lets go: its data directory (the SQLite file)
/// and its PostgreSQL database.
#[derive(Debug)]
struct Keep {
    dir: tempfile::TempDir,
    pg_database: Option<String>,
}

impl Drop for Keep {
    fn drop(&mut self) {
        if let Some(name) = self.pg_database.take() {
            pg::drop_database(&name);
        }
    }
}

/// A test's database kept after its server has stopped, to check what the test left in it.
#[derive(Debug)]
pub struct AfterTest {
    database_url: String,
    _keep: std::sync::Arc<Keep>,
}

impl AfterTest {
    /// Every audit record the test's requests wrote is linked into its region's chain, and every
    /// chain verifies (`ltci-server audit verify`).
    pub async fn audit_chain_holds(self) {
        let db = sea_orm::Database::connect(&self.database_url).await.expect("reconnect to the test's database");
        let chains = ltci_server::audit::verify::run(&db, None, &mut |_, _| {}).await.expect("the chain walks");
        for c in chains {
            assert!(c.is_sound(), "region {}'s audit chain after the test: {c:?}", c.region_code);
        }
        db.close().await.ok();
    }
}

impl TestApp {
    /// Starts a server on `backend` with default settings; `None` if that backend is skipped.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts a server after `adjust` has changed its configuration.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        // Every server gets its own data directory (uploaded documents live there).
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, pg_database) = match backend {
            Backend::Sqlite => (format!("sqlite://{}?mode=rwc", dir.path().join("ltci.db").display()), None),
            Backend::Postgres => {
                let (url, name) = pg::fresh_database().await?;
                (url, Some(name))
            }
        };
        let mut config = Config::for_database(url.clone(), TEST_JWT_SECRET);
        config.data_dir = dir.path().to_path_buf();
        config.log_filter = "warn".into();
        // The strictest check of late facts: a fact counts as changed only when stamped after the
        // bill's last check (every test's writes are one after another). A margin only adds facts
        // to price again, which change nothing where the facts did not.
        config.late_fact_margin_secs = 0;
        adjust(&mut config);
        init_logging();
        let app = Application::build(config).await.expect("server builds");
        let base_url = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let db = state.db.clone();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        Some(Self {
            backend,
            client: ApiClient::new(&base_url),
            base_url,
            db,
            state,
            shutdown: Some(tx),
            database_url: url,
            keep: std::sync::Arc::new(Keep { dir, pg_database }),
        })
    }

    /// The PostgreSQL database of this server (`None` on SQLite), for tools run against it.
    pub fn pg_url(&self) -> Option<String> {
        self.keep.pg_database.as_deref().map(pg::url_for)
    }

    /// The server's database URL, for the commands a test runs against it.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// The database kept for a check once the test is over.
    pub fn after_test(&self) -> AfterTest {
        AfterTest { database_url: self.database_url.clone(), _keep: self.keep.clone() }
    }

    /// Seeds the standard test world (two regions, institutions, one user per role).
    pub async fn world(&self) -> World {
        World::build(self).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn init_logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let config = Config::for_database("sqlite::memory:", TEST_JWT_SECRET);
        let mut config = config;
        config.log_filter = std::env::var("LTCI_TEST_LOG").unwrap_or_else(|_| "off".into());
        ltci_server::telemetry::init(&config);
    });
}

/// Declares each named `async fn(TestApp)` as two tests, `<name>::sqlite` and `<name>::postgres`.
/// Each ends by checking that the audit chain of what it wrote holds.
#[macro_export]
macro_rules! on_both_databases {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn sqlite() {
                if let Some(app) = $crate::TestApp::spawn($crate::Backend::Sqlite).await {
                    let after = app.after_test();
                    super::$test(app).await;
                    after.audit_chain_holds().await;
                }
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(app) = $crate::TestApp::spawn($crate::Backend::Postgres).await {
                    let after = app.after_test();
                    super::$test(app).await;
                    after.audit_chain_holds().await;
                }
            }
        }
    )*};
}

/// Declares each named `async fn(Backend)` as two tests, for tests that start their own server
/// with adjusted settings.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn sqlite() {
                super::$test($crate::Backend::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$test($crate::Backend::Postgres).await;
            }
        }
    )*};
}

/// Every (field, code) pair of the error envelope, by field; panics if the error is not the envelope.
pub fn field_codes(err: &ltci_shared::client::ClientError) -> Vec<(String, String)> {
    let ltci_shared::client::ClientError::Api { body, .. } = err else { panic!("expected the envelope, got {err}") };
    body.error.details.iter().map(|(k, v)| (k.clone(), v.code.clone())).collect()
}

/// The code the error envelope gives for `field`; panics if the error is not the envelope or does
/// not name the field.
pub fn field_code(err: &ltci_shared::client::ClientError, field: &str) -> String {
    let ltci_shared::client::ClientError::Api { body, .. } = err else { panic!("expected the envelope, got {err}") };
    body.error.details.get(field).unwrap_or_else(|| panic!("no {field} in {body:?}")).code.clone()
}

/// Today's date in the test regions' time zone (Asia/Shanghai).
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

impl TestApp {
    /// The server's data directory (uploaded documents are under `attachments/`).
    pub fn data_dir(&self) -> &std::path::Path {
        self.keep.dir.path()
    }
}

/// The largest page: the whole of a short list.
pub fn all() -> ltci_shared::PageQuery {
    ltci_shared::PageQuery { limit: Some(ltci_shared::page::MAX_LIMIT), offset: None }
}
