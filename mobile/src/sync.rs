//! The background sync: the outbox sent in batches, each event settled only by the server's
//! answer for it, then the change feed pulled with the cursor. Whatever fails on the way — the
//! request, the answer, the app itself — leaves the events pending, and sending them again is
//! harmless: the server applies each event id once and answers a retry as a replay.

use std::future::Future;
use std::time::Duration;

use ltci_shared::api::care::{BatchOutcome, Changes, ChangesQuery, EventBatch};
use ltci_shared::client::{ApiClient, ClientError};

use crate::MobileError;
use crate::store::Store;

/// Events per request by default (the server takes up to 500); smaller on a poor connection, so a
/// lost request costs less.
pub const BATCH: u32 = 100;

/// The way to the server: the shared client, or in tests a client that loses messages.
pub trait Transport: Sync {
    fn send_events(&self, batch: &EventBatch) -> impl Future<Output = Result<BatchOutcome, ClientError>> + Send;
    fn changes(&self, q: &ChangesQuery) -> impl Future<Output = Result<Changes, ClientError>> + Send;
}

impl Transport for ApiClient {
    fn send_events(&self, batch: &EventBatch) -> impl Future<Output = Result<BatchOutcome, ClientError>> + Send {
        self.sync_events(batch)
    }

    fn changes(&self, q: &ChangesQuery) -> impl Future<Output = Result<Changes, ClientError>> + Send {
        self.sync_changes(q)
    }
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Events the server answered for.
    pub settled: u32,
    /// Batches sent (answered or not).
    pub requests: u32,
    /// Whether the change feed came down.
    pub pulled: bool,
}

/// Sends the whole outbox, `batch` events a request, then pulls the changes. Stops at the first
/// failure (the caller waits [`backoff`] and tries again); what was settled before it stays settled.
pub async fn sync_once(
    store: &Store,
    server: &impl Transport,
    device_id: &str,
    batch: u32,
) -> Result<SyncReport, MobileError> {
    let mut report = SyncReport::default();
    loop {
        let events = store.pending(batch.clamp(1, 500)).await?;
        if events.is_empty() {
            break;
        }
        report.requests += 1;
        let outcome = server.send_events(&EventBatch { device_id: device_id.to_owned(), events }).await?;
        store.settle(&outcome).await?;
        report.settled += u32::try_from(outcome.results.len()).unwrap_or(u32::MAX);
    }
    let since = store.cursor().await?;
    let changes = server.changes(&ChangesQuery { since }).await?;
    store.apply_changes(&changes).await?;
    report.pulled = true;
    Ok(report)
}

/// How long to wait after the `attempt`-th failure in a row: 2, 4, 8 … seconds, at most 5 minutes.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempt.clamp(1, 16)).min(300))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        let secs: Vec<u64> = (0..12).map(|a| backoff(a).as_secs()).collect();
        assert_eq!(secs, [2, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
        assert_eq!(backoff(u32::MAX).as_secs(), 300);
    }
}
