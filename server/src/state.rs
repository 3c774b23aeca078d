//! The state every request handler can reach: the database, configuration, keys and metrics.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::password::PasswordHasher;
use crate::auth::token::TokenKeys;
use crate::care::group_commit::GroupCommit;
use crate::config::Config;
use crate::http::metrics::Metrics;
use crate::pii::PiiCipher;
use crate::registry::regions::TimeZones;

/// Cheap to clone; shared by all requests. Holds no per-user state: the database is the only
/// shared state, so several servers can run behind one load balancer.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub tokens: Arc<TokenKeys>,
    pub passwords: Arc<PasswordHasher>,
    pub metrics: Arc<Metrics>,
    pub pii: Arc<PiiCipher>,
    /// Regions' time zones, for each request's business date.
    pub time_zones: Arc<TimeZones>,
    /// Phones' visit events applied together when they arrive at the same moment.
    pub visit_writes: Arc<GroupCommit>,
}

impl AppState {
    /// The state for `config` over a connected database: keys resolved, metrics empty.
    pub fn new(config: Config, mut db: DatabaseConnection) -> anyhow::Result<AppState> {
        let metrics = Metrics::default();
        metrics.count_statements(&mut db);
        let secret = config.resolve_jwt_secret()?;
        let tokens = TokenKeys::new(&secret, config.access_token_ttl_secs, config.refresh_token_ttl_secs);
        Ok(AppState {
            passwords: Arc::new(PasswordHasher::new()?),
            pii: Arc::new(PiiCipher::new(&config.resolve_data_key()?)?),
            db,
            config: Arc::new(config),
            tokens: Arc::new(tokens),
            metrics: Arc::new(metrics),
            time_zones: Arc::default(),
            visit_writes: Arc::default(),
        })
    }
}
