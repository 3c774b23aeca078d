//! PostgreSQL for tests: one template database migrated per process, one clone per test.
//!
//! Database names carry the test process id (`ltci_t_<pid>_…`), so a later run can drop what a
//! crashed run left behind without touching a run still in progress.

use std::io::Write;
use std::sync::OnceLock;

use ltci_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
use tokio::sync::{Mutex, OnceCell};

/// The server's URL for administrative connections.
pub fn admin_url() -> String {
    std::env::var("LTCI_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

pub(crate) fn url_for(database: &str) -> String {
    let admin = admin_url();
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b.to_string(), format!("?{q}")),
        None => (admin.clone(), String::new()),
    };
    let root = base.rsplit_once('/').map_or(base.as_str(), |(r, _)| r).to_string();
    format!("{root}/{database}{query}")
}

async fn connect(url: &str) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(1).connect_timeout(std::time::Duration::from_secs(3)).sqlx_logging(false);
    Database::connect(opts).await
}

async fn exec(db: &DatabaseConnection, sql: String) -> Result<(), sea_orm::DbErr> {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql)).await.map(|_| ())
}

/// The migrated template of this process, made on first use; `Err` holds why PostgreSQL is
/// unusable.
async fn template() -> Result<&'static str, String> {
    static TEMPLATE: OnceCell<Result<String, String>> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let admin = connect(&admin_url()).await.map_err(|e| e.to_string())?;
            remove_leftovers(&admin).await;
            let name = format!("ltci_t_{}_template", std::process::id());
            exec(&admin, format!("DROP DATABASE IF EXISTS {name}")).await.map_err(|e| e.to_string())?;
            exec(&admin, format!("CREATE DATABASE {name}")).await.map_err(|e| e.to_string())?;
            let tpl = connect(&url_for(&name)).await.map_err(|e| e.to_string())?;
            Migrator::up(&tpl, None).await.map_err(|e| format!("migrating the template: {e}"))?;
            tpl.close().await.ok();
            admin.close().await.ok();
            Ok(name)
        })
        .await
        .as_deref()
        .map_err(Clone::clone)
}

/// Drops test databases of processes that no longer run.
async fn remove_leftovers(admin: &DatabaseConnection) {
    let rows = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'ltci_t_%'".to_string(),
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else { continue };
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()) {
            let _ = exec(admin, format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// A new database cloned from the template: `(url, name)`, or `None` when PostgreSQL is skipped.
pub async fn fresh_database() -> Option<(String, String)> {
    // CREATE DATABASE … TEMPLATE fails while another session copies the same template.
    static CREATE: Mutex<()> = Mutex::const_new(());
    let template = match template().await {
        Ok(t) => t,
        Err(why) => {
            if in_ci() {
                panic!("PostgreSQL is required in CI (CI=true) but is not usable at {}: {why}", admin_url());
            }
            announce_skip(&why);
            return None;
        }
    };
    let name = format!("ltci_t_{}_{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let _guard = CREATE.lock().await;
    let admin = connect(&admin_url()).await.expect("PostgreSQL admin connection");
    exec(&admin, format!("CREATE DATABASE {name} TEMPLATE {template}")).await.expect("clone template database");
    admin.close().await.ok();
    Some((url_for(&name), name))
}

/// A new database with nothing in it (for a test of the migrations themselves): `(url, name)`,
/// or `None` when PostgreSQL is skipped. Drop it with [`drop_database`].
pub async fn empty_database() -> Option<(String, String)> {
    template().await.ok().or_else(|| in_ci().then(|| panic!("PostgreSQL is required in CI (CI=true)")))?;
    let name = format!("ltci_t_{}_{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let admin = connect(&admin_url()).await.expect("PostgreSQL admin connection");
    exec(&admin, format!("CREATE DATABASE {name}")).await.expect("create database");
    admin.close().await.ok();
    Some((url_for(&name), name))
}

/// Drops a test database (from `Drop`, so on a thread of its own with its own runtime).
pub fn drop_database(name: &str) {
    let name = name.to_string();
    let handle = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        rt.block_on(async {
            if let Ok(admin) = connect(&admin_url()).await {
                let _ = exec(&admin, format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                admin.close().await.ok();
            }
        });
    });
    let _ = handle.join();
}

/// Says once, past the test harness's output capture, that PostgreSQL tests are skipped.
fn announce_skip(why: &str) {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = writeln!(
            std::io::stderr(),
            "\n*** PostgreSQL not usable at {} ({why}): the PostgreSQL variants of the end-to-end tests are SKIPPED. \
             Set LTCI_TEST_POSTGRES_URL, or CI=true to make this an error. ***\n",
            admin_url()
        );
    });
}
