//! Connecting to the database (SQLite or PostgreSQL) and applying migrations.

use std::time::Duration;

use anyhow::Context;
use ltci_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::config::Config;

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
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(if sqlite { 1 } else { config.db_max_connections })
        .min_connections(if sqlite { 1 } else { 0 })
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let db = Database::connect(opts).await.context("connecting to the database")?;
    if sqlite {
        // WAL lets readers go on while a write is in progress; it is remembered by the file.
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
        db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    }
    Ok(db)
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
    use super::sqlite_path;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(sqlite_path("sqlite://data/ltci.db?mode=rwc"), Some("data/ltci.db"));
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }
}
