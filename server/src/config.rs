//! Server configuration, read once at start-up from flags or environment variables.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `LTCI_DATA_DIR` | `./data` | directory for the embedded database and the generated JWT secret |
//! | `LTCI_DATABASE_URL` | `sqlite://<data dir>/ltci.db?mode=rwc` | `sqlite://…` or `postgres://…` |
//! | `LTCI_BIND` | `127.0.0.1:8080` | address and port to listen on (port 0 picks a free one) |
//! | `LTCI_JWT_SECRET` | generated into `<data dir>/jwt-secret` on SQLite; required on PostgreSQL | HMAC key of access tokens, at least 32 bytes |
//! | `LTCI_DATA_KEY` | generated into `<data dir>/data-key` on SQLite; required on PostgreSQL | key that encrypts ID numbers at rest, at least 32 bytes; back it up apart from the database |
//! | `LTCI_LOG_FORMAT` | `pretty` | `pretty` for people, `json` for log collectors |
//! | `LTCI_LOG` | `info,sqlx=warn` | log filter (`tracing` env-filter syntax) |
//! | `LTCI_ACCESS_TOKEN_TTL_SECS` | `900` | access token lifetime |
//! | `LTCI_REFRESH_TOKEN_TTL_SECS` | `2592000` | refresh token lifetime (30 days: caregivers may be offline for days) |
//! | `LTCI_LOGIN_MAX_FAILURES` | `5` | consecutive failed logins before a username is locked |
//! | `LTCI_LOGIN_LOCK_SECS` | `900` | how long the lock lasts |
//! | `LTCI_CONSOLE_IDLE_SECS` | `1800` | a console session unused this long ends (the officer signs in again) |
//! | `LTCI_CONSOLE_SECURE_COOKIE` | `false` | mark the console's session cookie `Secure` (set it when the console is reached over HTTPS) |
//! | `LTCI_STORAGE_DIR` | `<data dir>/attachments` | where uploaded documents are kept, named by their SHA-256 (not in the database) |
//! | `LTCI_ATTACHMENT_MAX_BYTES` | `10485760` (10 MiB) | largest document accepted |
//! | `LTCI_DB_MAX_CONNECTIONS` | `10` (PostgreSQL) | pool size; SQLite always uses one writer connection |
//! | `LTCI_DB_TLS` | `auto` | TLS to PostgreSQL: `auto` is off for a database on this machine (loopback address or Unix socket) and required for any other host; `disable`, `prefer`, `require`, `verify-full` say it outright; an `sslmode` in the URL (or `PGSSLMODE`) wins over `auto` |
//! | `LTCI_LANG` | `zh` | language of what the command line prints (`zh` or `en`); HTTP answers follow each request's `Accept-Language` |
//! | `LTCI_DATE_HORIZON_DAYS` | `3660` | how far after the region's today a planned date (an agreement's or plan's end, a schedule) may lie |

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Whether connections to PostgreSQL are encrypted (`LTCI_DB_TLS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DbTls {
    /// Off for a database on this machine (a loopback address or a Unix socket), required for any
    /// other host; an `sslmode` in the URL or `PGSSLMODE` wins.
    Auto,
    Disable,
    /// Encrypted when the database offers it.
    Prefer,
    /// Always encrypted, the certificate not checked.
    Require,
    /// Always encrypted, the certificate checked against the host's name.
    VerifyFull,
}

/// Everything the server reads from its environment.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    #[arg(long, env = "LTCI_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    #[arg(long, env = "LTCI_DATABASE_URL")]
    pub database_url: Option<String>,
    #[arg(long, env = "LTCI_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[arg(long, env = "LTCI_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    #[arg(long, env = "LTCI_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<String>,
    #[arg(long, env = "LTCI_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,
    #[arg(long, env = "LTCI_LOG", default_value = "info,sqlx=warn")]
    pub log_filter: String,
    #[arg(long, env = "LTCI_ACCESS_TOKEN_TTL_SECS", default_value_t = 900)]
    pub access_token_ttl_secs: u64,
    #[arg(long, env = "LTCI_REFRESH_TOKEN_TTL_SECS", default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl_secs: u64,
    #[arg(long, env = "LTCI_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,
    #[arg(long, env = "LTCI_LOGIN_LOCK_SECS", default_value_t = 900)]
    pub login_lock_secs: u64,
    #[arg(long, env = "LTCI_CONSOLE_IDLE_SECS", default_value_t = 1800)]
    pub console_idle_secs: u64,
    #[arg(long, env = "LTCI_CONSOLE_SECURE_COOKIE", default_value_t = false)]
    pub console_secure_cookie: bool,
    #[arg(long, env = "LTCI_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
    #[arg(long, env = "LTCI_DB_TLS", value_enum, default_value = "auto")]
    pub db_tls: DbTls,
    #[arg(long, env = "LTCI_STORAGE_DIR")]
    pub storage_dir: Option<PathBuf>,
    #[arg(long, env = "LTCI_ATTACHMENT_MAX_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub attachment_max_bytes: u64,
    #[arg(long, env = "LTCI_LANG", default_value = "zh", value_parser = ["zh", "en"])]
    pub lang: String,
    #[arg(long, env = "LTCI_DATE_HORIZON_DAYS", default_value_t = 3660)]
    pub date_horizon_days: u32,
    /// How long before a late-correction check a fact's timestamp may lie and the check still not
    /// have seen it (the longest a transaction writing facts runs): such facts count as changed.
    #[arg(long, env = "LTCI_LATE_FACT_MARGIN_SECS", default_value_t = 86_400)]
    pub late_fact_margin_secs: u64,
}

impl Config {
    /// The language the command line prints in.
    pub fn language(&self) -> ltci_shared::text::Lang {
        ltci_shared::text::Lang::from_code(&self.lang).unwrap_or_default()
    }

    /// Defaults for a given database and secret: what tests and tools build on.
    pub fn for_database(database_url: impl Into<String>, jwt_secret: impl Into<String>) -> Self {
        let jwt_secret = jwt_secret.into();
        Self {
            data_dir: PathBuf::from("data"),
            database_url: Some(database_url.into()),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_key: Some(format!("data-key:{jwt_secret}")),
            jwt_secret: Some(jwt_secret),
            log_format: LogFormat::Pretty,
            log_filter: "info".into(),
            access_token_ttl_secs: 900,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            login_max_failures: 5,
            login_lock_secs: 900,
            console_idle_secs: 1800,
            console_secure_cookie: false,
            db_max_connections: 10,
            db_tls: DbTls::Auto,
            storage_dir: None,
            attachment_max_bytes: 10 * 1024 * 1024,
            lang: "zh".into(),
            date_horizon_days: 3660,
            late_fact_margin_secs: 86_400,
        }
    }

    /// [`Config::late_fact_margin_secs`] as a span of time, at most a hundred years (a longer one
    /// means the same: every fact counts as changed).
    pub fn late_fact_margin(&self) -> chrono::TimeDelta {
        const CENTURY_SECS: u64 = 100 * 366 * 86_400;
        chrono::TimeDelta::seconds(i64::try_from(self.late_fact_margin_secs.min(CENTURY_SECS)).unwrap_or(0))
    }

    /// Where uploaded documents are kept.
    pub fn storage_dir(&self) -> PathBuf {
        self.storage_dir.clone().unwrap_or_else(|| self.data_dir.join("attachments"))
    }

    /// The database URL, defaulting to the embedded SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("ltci.db").display()),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }

    /// The JWT secret: configured, or — on the embedded SQLite default only — generated once and
    /// kept in the data directory so tokens survive a restart.
    pub fn resolve_jwt_secret(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(secret) = &self.jwt_secret {
            anyhow::ensure!(secret.len() >= 32, "LTCI_JWT_SECRET must be at least 32 bytes long");
            return Ok(secret.as_bytes().to_vec());
        }
        anyhow::ensure!(
            self.is_sqlite(),
            "LTCI_JWT_SECRET must be set when the database is not the embedded SQLite default: \
             every server behind the same database must sign with the same key"
        );
        load_or_create_secret(&self.data_dir.join("jwt-secret"), "LTCI_JWT_SECRET")
    }

    /// The key that encrypts ID numbers at rest: configured, or — on the embedded SQLite default
    /// only — generated once into the data directory (back that file up with the database).
    pub fn resolve_data_key(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(key) = &self.data_key {
            anyhow::ensure!(key.len() >= 32, "LTCI_DATA_KEY must be at least 32 bytes long");
            return Ok(key.as_bytes().to_vec());
        }
        anyhow::ensure!(
            self.is_sqlite(),
            "LTCI_DATA_KEY must be set when the database is not the embedded SQLite default: \
             it encrypts ID numbers, and every server behind the same database needs the same key"
        );
        load_or_create_secret(&self.data_dir.join("data-key"), "LTCI_DATA_KEY")
    }
}

fn load_or_create_secret(path: &Path, variable: &str) -> anyhow::Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let secret = existing.trim().to_string();
        anyhow::ensure!(secret.len() >= 32, "{} is too short; delete it to regenerate", path.display());
        return Ok(secret.into_bytes());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let secret = crate::auth::token::random_token();
    write_private(path, &secret).with_context(|| format!("writing {}", path.display()))?;
    tracing::warn!(path = %path.display(), "{variable} is not set: generated one into the data directory; set it in production");
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}
