//! Connecting to the database (SQLite or PostgreSQL) and applying migrations.

use std::time::Duration;

use anyhow::Context;
use ltci_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::PgSslMode;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::config::{Config, DbTls};

/// Opens the pool. For SQLite the data directory is created, and the pool has one connection:
/// SQLite allows one writer at a time, and one connection turns "database is locked" failures into
/// an orderly queue. That is the embedded, one-machine mode; PostgreSQL is for load.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.database_url();
    let sqlite = config.is_sqlite();
    if sqlite
        && let Some(path) = sqlite_path(&url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let explicit_tls = url.contains("sslmode=") || std::env::var_os("PGSSLMODE").is_some();
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(if sqlite { 1 } else { config.db_max_connections })
        .min_connections(if sqlite { 1 } else { 0 })
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if !sqlite {
        let tls = config.db_tls;
        opts.map_sqlx_postgres_opts(move |o| match ssl_mode(tls, explicit_tls, o.get_host()) {
            Some(mode) => o.ssl_mode(mode),
            None => o,
        });
    }
    let db = Database::connect(opts).await.context("connecting to the database")?;
    if sqlite {
        // WAL lets readers go on while a write is in progress; it is remembered by the file.
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
        db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    }
    Ok(db)
}

/// The TLS mode of a connection to `host` under the setting `tls`; `None` leaves what the URL
/// (or `PGSSLMODE`) says, when it says something and the setting is `auto`.
fn ssl_mode(tls: DbTls, explicit: bool, host: &str) -> Option<PgSslMode> {
    Some(match tls {
        DbTls::Auto if explicit => return None,
        DbTls::Auto if on_this_machine(host) => PgSslMode::Disable,
        DbTls::Auto | DbTls::Require => PgSslMode::Require,
        DbTls::Disable => PgSslMode::Disable,
        DbTls::Prefer => PgSslMode::Prefer,
        DbTls::VerifyFull => PgSslMode::VerifyFull,
    })
}

/// A Unix socket's directory, `localhost` or a loopback address: traffic that never leaves the
/// machine, where TLS costs time and protects nothing.
fn on_this_machine(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.starts_with(":memory:")).then_some(path)
}

/// Connects to a database with the current schema. On SQLite pending migrations are applied (the
/// embedded database looks after itself); on PostgreSQL they are a deliberate step
/// (`ltci-server migrate`), and an out-of-date schema is refused.
pub async fn connect_current(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = connect(config).await?;
    if config.is_sqlite() {
        migrate(&db).await?;
    } else {
        let pending = Migrator::get_pending_migrations_read_only(&db).await.context("reading migration status")?;
        anyhow::ensure!(
            pending.is_empty(),
            "the database schema is behind by {} migration(s): run `ltci-server migrate` first",
            pending.len()
        );
    }
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(sqlite_path("sqlite://data/ltci.db?mode=rwc"), Some("data/ltci.db"));
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[test]
    fn tls_is_off_on_this_machine_and_required_elsewhere_unless_said() {
        let mode = |tls, explicit, host| ssl_mode(tls, explicit, host);
        assert!(matches!(mode(DbTls::Auto, false, "127.0.0.1"), Some(PgSslMode::Disable)));
        assert!(matches!(mode(DbTls::Auto, false, "::1"), Some(PgSslMode::Disable)));
        assert!(matches!(mode(DbTls::Auto, false, "localhost"), Some(PgSslMode::Disable)));
        assert!(matches!(mode(DbTls::Auto, false, "/var/run/postgresql"), Some(PgSslMode::Disable)));
        assert!(matches!(mode(DbTls::Auto, false, "db.example.cn"), Some(PgSslMode::Require)));
        assert!(matches!(mode(DbTls::Auto, false, "10.0.0.5"), Some(PgSslMode::Require)));
        assert!(mode(DbTls::Auto, true, "db.example.cn").is_none(), "the URL's sslmode wins over auto");
        assert!(matches!(mode(DbTls::Require, true, "127.0.0.1"), Some(PgSslMode::Require)));
        assert!(matches!(mode(DbTls::VerifyFull, false, "db.example.cn"), Some(PgSslMode::VerifyFull)));
    }
}
