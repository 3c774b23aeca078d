//! Pagination: every list endpoint takes `limit`/`offset` and answers with the total.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Largest page a client may ask for.
pub const MAX_LIMIT: u64 = 200;
/// Largest offset a client may ask for (far past any list; keeps the number a database binds
/// within range).
pub const MAX_OFFSET: u64 = 1_000_000_000;
/// Page size when the client does not say.
pub const DEFAULT_LIMIT: u64 = 50;

/// `?limit=&offset=` on every list endpoint (offset pagination, ordered stably by the endpoint).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50).
    pub limit: Option<u64>,
    /// Items to skip (default 0, at most 1,000,000,000).
    pub offset: Option<u64>,
}

/// One page of a list, with the total number of matching items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items matching the query, over all pages.
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
}

impl<T> Page<T> {
    /// Whether a further page exists after this one.
    pub fn has_more(&self) -> bool {
        self.offset + (self.items.len() as u64) < self.total
    }
}
