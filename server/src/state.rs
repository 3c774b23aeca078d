//! The state every request handler can reach: the database, configuration, keys and metrics.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::password::PasswordHasher;
use crate::auth::token::TokenKeys;
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
}
