//! The phone's local store (SQLite): the outbox of visit events made on the device, and what the
//! change feed brought down (beneficiaries, visits, the cursor); for an assessor, the assigned
//! cases and the drafts of their forms ([`assessments`]). Every action is written here first;
//! nothing leaves the outbox until the server has answered for it.

mod assessments;

use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use ltci_shared::api::care::{BatchOutcome, Changes, EventOutcome, OfflineBeneficiary, Visit, VisitEvent};
use ltci_shared::api::users::Role;
use ltci_shared::policy::CatalogueItem;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use uuid::Uuid;

use crate::MobileError;

const SCHEMA: [&str; 6] = [
    "CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        visit_id TEXT NOT NULL,
        event TEXT NOT NULL,
        status TEXT NOT NULL,
        error_code TEXT,
        error_message TEXT,
        created_at TEXT NOT NULL,
        settled_at TEXT)",
    "CREATE TABLE IF NOT EXISTS visits (id TEXT PRIMARY KEY, scheduled_on TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS beneficiaries (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS cases (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS drafts (case_id TEXT PRIMARY KEY, status TEXT NOT NULL, body TEXT NOT NULL)",
];

/// Where an event made on the phone stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// In the outbox, not yet answered for by the server.
    Pending,
    /// The server has it (recorded now or before).
    Sent,
    /// The server refused it: the caregiver must look at it.
    Rejected,
    /// The server holds other content under the same id.
    Conflict,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::Pending => "pending",
            Delivery::Sent => "sent",
            Delivery::Rejected => "rejected",
            Delivery::Conflict => "conflict",
        }
    }
}

impl FromStr for Delivery {
    type Err = MobileError;

    fn from_str(s: &str) -> Result<Self, MobileError> {
        Ok(match s {
            "pending" => Delivery::Pending,
            "sent" => Delivery::Sent,
            "rejected" => Delivery::Rejected,
            "conflict" => Delivery::Conflict,
            other => return Err(MobileError::Corrupt(format!("unknown delivery status {other}"))),
        })
    }
}

/// A record the server did not take (a visit event, or an assessment's submission), with its
/// reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// The event's id, or the case's for a submission.
    pub id: Uuid,
    /// The visit or the case it is about.
    pub subject: Uuid,
    pub status: Delivery,
    pub code: String,
    pub message: String,
}

/// What the sync screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    pub pending: u32,
    pub sent: u32,
    pub failed: Vec<Failed>,
    /// When the change feed last came down whole.
    pub last_pull: Option<DateTime<Utc>>,
    /// When the outbox was last emptied (everything answered for).
    pub last_push: Option<DateTime<Utc>>,
}

/// A signed-in session kept on the phone (in the app's private storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptSession {
    pub base_url: String,
    pub username: String,
    pub access_token: String,
    pub refresh_token: String,
}

/// The local store: one SQLite file (or memory, in tests). Two handles are equal when they come
/// from the same opening.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    opened: Uuid,
}

impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        self.opened == other.opened
    }
}

impl Store {
    /// Opens (creating if need be) the store in `path`. Writes are durable when they return
    /// (write-ahead log, synchronous commits): an app killed a moment later keeps them.
    pub async fn open(path: &Path) -> Result<Store, MobileError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        Store::init(pool).await
    }

    /// A store that lives as long as the value (tests, previews).
    pub async fn open_in_memory() -> Result<Store, MobileError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        Store::init(pool).await
    }

    async fn init(pool: SqlitePool) -> Result<Store, MobileError> {
        for statement in SCHEMA {
            sqlx::query(statement).execute(&pool).await?;
        }
        Ok(Store { pool, opened: Uuid::now_v7() })
    }

    /// Puts an event made on the phone in the outbox. The same event again changes nothing.
    pub async fn record(&self, event: &VisitEvent) -> Result<(), MobileError> {
        sqlx::query(
            "INSERT INTO outbox (id, visit_id, event, status, created_at) VALUES (?, ?, ?, 'pending', ?)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(event.id.to_string())
        .bind(event.visit_id.to_string())
        .bind(serde_json::to_string(event)?)
        .bind(Utc::now().to_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The oldest `limit` events the server has not answered for, in the order they were made.
    pub async fn pending(&self, limit: u32) -> Result<Vec<VisitEvent>, MobileError> {
        let rows = sqlx::query("SELECT event FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?")
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| json_column(r, "event")).collect()
    }

    /// Records the server's answers, all in one transaction: an event is settled only together
    /// with the answer that settles it.
    pub async fn settle(&self, outcome: &BatchOutcome) -> Result<(), MobileError> {
        let now = Utc::now().to_rfc3339();
        let mut txn = self.pool.begin().await?;
        for r in &outcome.results {
            let status = match r.outcome {
                EventOutcome::Applied => Delivery::Sent,
                EventOutcome::Rejected => Delivery::Rejected,
                EventOutcome::Conflict => Delivery::Conflict,
            };
            let (code, message) = r.error.as_ref().map(|e| (e.code.clone(), e.message.clone())).unzip();
            sqlx::query(
                "UPDATE outbox SET status = ?, error_code = ?, error_message = ?, settled_at = ?
                 WHERE id = ? AND status = 'pending'",
            )
            .bind(status.as_str())
            .bind(code)
            .bind(message)
            .bind(&now)
            .bind(r.id.to_string())
            .execute(&mut *txn)
            .await?;
        }
        note_if_all_sent(&mut txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Applies the change feed: people and visits upserted, those no longer served dropped, the
    /// cursor kept for next time (all or nothing).
    pub async fn apply_changes(&self, changes: &Changes) -> Result<(), MobileError> {
        let mut txn = self.pool.begin().await?;
        if changes.full {
            sqlx::query("DELETE FROM visits").execute(&mut *txn).await?;
        }
        for b in &changes.beneficiaries {
            sqlx::query("INSERT INTO beneficiaries (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body")
                .bind(b.id.to_string())
                .bind(serde_json::to_string(b)?)
                .execute(&mut *txn)
                .await?;
        }
        let keep: Vec<String> = changes.beneficiary_ids.iter().map(Uuid::to_string).collect();
        let ids = serde_json::to_string(&keep)?;
        sqlx::query("DELETE FROM beneficiaries WHERE id NOT IN (SELECT value FROM json_each(?))")
            .bind(&ids)
            .execute(&mut *txn)
            .await?;
        for v in &changes.visits {
            sqlx::query(
                "INSERT INTO visits (id, scheduled_on, body) VALUES (?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET scheduled_on = excluded.scheduled_on, body = excluded.body",
            )
            .bind(v.id.to_string())
            .bind(v.scheduled_on.to_string())
            .bind(serde_json::to_string(v)?)
            .execute(&mut *txn)
            .await?;
        }
        if let Some(catalogue) = &changes.catalogue {
            set_meta(&mut txn, "catalogue", &serde_json::to_string(catalogue)?).await?;
        }
        set_meta(&mut txn, "cursor", &changes.cursor).await?;
        set_meta(&mut txn, "last_pull", &Utc::now().to_rfc3339()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The home-care catalogue of the policy in force, as last pulled (empty before the first pull).
    pub async fn catalogue(&self) -> Result<Vec<CatalogueItem>, MobileError> {
        match get_meta(&self.pool, "catalogue").await? {
            Some(json) => Ok(serde_json::from_str(&json)?),
            None => Ok(Vec::new()),
        }
    }

    /// Keeps the signed-in session (server, user, token pair) for the next start.
    pub async fn save_session(
        &self,
        base_url: &str,
        username: &str,
        access_token: &str,
        refresh_token: &str,
    ) -> Result<(), MobileError> {
        let mut txn = self.pool.begin().await?;
        for (key, value) in [
            ("server", base_url),
            ("username", username),
            ("access_token", access_token),
            ("refresh_token", refresh_token),
        ] {
            set_meta(&mut txn, key, value).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Keeps who signed in: their role and user id.
    pub async fn save_identity(&self, role: Role, user_id: Uuid) -> Result<(), MobileError> {
        let mut txn = self.pool.begin().await?;
        set_meta(&mut txn, "role", role.as_str()).await?;
        set_meta(&mut txn, "user_id", &user_id.to_string()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Who signed in last (role and user id), if known.
    pub async fn identity(&self) -> Result<Option<(Role, Uuid)>, MobileError> {
        let role = get_meta(&self.pool, "role").await?.and_then(|r| Role::from_name(&r));
        let user = get_meta(&self.pool, "user_id").await?.and_then(|u| u.parse().ok());
        Ok(role.zip(user))
    }

    /// The session kept from the last run, if any.
    pub async fn session(&self) -> Result<Option<KeptSession>, MobileError> {
        let mut values = Vec::new();
        for key in ["server", "username", "access_token", "refresh_token"] {
            match get_meta(&self.pool, key).await? {
                Some(v) => values.push(v),
                None => return Ok(None),
            }
        }
        let [base_url, username, access_token, refresh_token] =
            <[String; 4]>::try_from(values).map_err(|_| MobileError::Corrupt("session".into()))?;
        Ok(Some(KeptSession { base_url, username, access_token, refresh_token }))
    }

    /// Forgets the tokens (the server's address and the username stay, for the sign-in form); the
    /// outbox and everything pulled stay as they are.
    pub async fn forget_session(&self) -> Result<(), MobileError> {
        sqlx::query("DELETE FROM meta WHERE key IN ('access_token', 'refresh_token')").execute(&self.pool).await?;
        Ok(())
    }

    /// Records made on the phone and not yet on the server: visit events waiting in the outbox,
    /// assessments being filled in or waiting to be sent.
    pub async fn unsent_work(&self) -> Result<u32, MobileError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending')
                  + (SELECT COUNT(*) FROM drafts WHERE status IN ('draft', 'pending'))",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Wipes what the last user pulled and what reached the server — visits, beneficiaries, cases,
    /// sent events and submissions, the cursor and the sync times — when another person signs in
    /// on the phone. Records the server refused stay (the phone holds their only copy).
    pub async fn forget_user_data(&self) -> Result<(), MobileError> {
        let mut txn = self.pool.begin().await?;
        for statement in [
            "DELETE FROM visits",
            "DELETE FROM beneficiaries",
            "DELETE FROM outbox WHERE status = 'sent'",
            "DELETE FROM drafts WHERE status = 'sent'",
            "DELETE FROM cases WHERE id NOT IN (SELECT case_id FROM drafts)",
            "DELETE FROM meta WHERE key IN ('cursor', 'catalogue', 'last_pull', 'last_push')",
        ] {
            sqlx::query(statement).execute(&mut *txn).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// The change feed's cursor from the last pull.
    pub async fn cursor(&self) -> Result<Option<String>, MobileError> {
        get_meta(&self.pool, "cursor").await
    }

    /// The visits of `day` as last pulled, by id.
    pub async fn visits_on(&self, day: NaiveDate) -> Result<Vec<Visit>, MobileError> {
        let rows = sqlx::query("SELECT body FROM visits WHERE scheduled_on = ? ORDER BY id")
            .bind(day.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| json_column(r, "body")).collect()
    }

    /// One visit as last pulled.
    pub async fn visit(&self, id: Uuid) -> Result<Option<Visit>, MobileError> {
        let row =
            sqlx::query("SELECT body FROM visits WHERE id = ?").bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.map(|r| json_column(&r, "body")).transpose()
    }

    /// Visits before `day` as last pulled, latest first (at most `limit`).
    pub async fn visits_before(&self, day: NaiveDate, limit: u32) -> Result<Vec<Visit>, MobileError> {
        let rows = sqlx::query("SELECT body FROM visits WHERE scheduled_on < ? ORDER BY scheduled_on DESC, id LIMIT ?")
            .bind(day.to_string())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| json_column(r, "body")).collect()
    }

    /// The beneficiaries kept offline, by id.
    pub async fn beneficiaries(&self) -> Result<Vec<OfflineBeneficiary>, MobileError> {
        let rows = sqlx::query("SELECT body FROM beneficiaries ORDER BY id").fetch_all(&self.pool).await?;
        rows.iter().map(|r| json_column(r, "body")).collect()
    }

    /// The events made on the phone for `visit_id` and where each stands, in the order made.
    pub async fn outbox_of(&self, visit_id: Uuid) -> Result<Vec<(VisitEvent, Delivery)>, MobileError> {
        let rows = sqlx::query("SELECT event, status FROM outbox WHERE visit_id = ? ORDER BY seq")
            .bind(visit_id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((json_column(r, "event")?, r.try_get::<&str, _>("status")?.parse()?))).collect()
    }

    /// Counts, failures and times for the sync screen.
    pub async fn status(&self) -> Result<SyncStatus, MobileError> {
        let count = |status: &'static str| async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE status = ?")
                .bind(status)
                .fetch_one(&self.pool)
                .await
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        let rows = sqlx::query(
            "SELECT id, visit_id, status, error_code, error_message FROM outbox
             WHERE status IN ('rejected', 'conflict') ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut failed = rows
            .iter()
            .map(|r| {
                Ok(Failed {
                    id: parse_id(r.try_get("id")?)?,
                    subject: parse_id(r.try_get("visit_id")?)?,
                    status: r.try_get::<&str, _>("status")?.parse()?,
                    code: r.try_get::<Option<String>, _>("error_code")?.unwrap_or_default(),
                    message: r.try_get::<Option<String>, _>("error_message")?.unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, MobileError>>()?;
        let (submissions_pending, refused) = self.submissions_status().await?;
        failed.extend(refused);
        let time = |t: Option<String>| t.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.to_utc());
        Ok(SyncStatus {
            pending: count("pending").await? + submissions_pending,
            sent: count("sent").await?,
            failed,
            last_pull: time(get_meta(&self.pool, "last_pull").await?),
            last_push: time(get_meta(&self.pool, "last_push").await?),
        })
    }
}

/// A column holding JSON, read back into its type.
fn json_column<T: serde::de::DeserializeOwned>(row: &SqliteRow, column: &str) -> Result<T, MobileError> {
    Ok(serde_json::from_str(row.try_get::<&str, _>(column)?)?)
}

fn parse_id(text: &str) -> Result<Uuid, MobileError> {
    text.parse().map_err(|_| MobileError::Corrupt(format!("bad id {text}")))
}

/// Keeps now as the last time everything was sent, when nothing waits any more: no visit event in
/// the outbox, no assessment's submission.
async fn note_if_all_sent(txn: &mut sqlx::SqliteConnection) -> Result<(), MobileError> {
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending') + (SELECT COUNT(*) FROM drafts WHERE status = 'pending')",
    )
    .fetch_one(&mut *txn)
    .await?;
    if left == 0 {
        set_meta(txn, "last_push", &Utc::now().to_rfc3339()).await?;
    }
    Ok(())
}

async fn get_meta<'e, E: sqlx::SqliteExecutor<'e>>(db: E, key: &str) -> Result<Option<String>, MobileError> {
    Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = ?").bind(key).fetch_optional(db).await?)
}

async fn set_meta(txn: &mut sqlx::SqliteConnection, key: &str, value: &str) -> Result<(), MobileError> {
    sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(txn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use ltci_shared::api::care::{EventError, EventResult, Position, VisitEventBody, VisitState};

    use super::*;

    fn check_in(visit_id: Uuid) -> VisitEvent {
        VisitEvent {
            id: Uuid::now_v7(),
            visit_id,
            unscheduled: None,
            body: VisitEventBody::CheckIn { at: Utc::now(), position: Position::gps(36.07, 120.38, 8.0) },
        }
    }

    fn answer(id: Uuid, outcome: EventOutcome, code: Option<&str>) -> EventResult {
        EventResult {
            id,
            outcome,
            replay: false,
            visit_state: (outcome == EventOutcome::Applied).then_some(VisitState::InProgress),
            error: code.map(|c| EventError { code: c.into(), field: None, message: format!("{c}!") }),
        }
    }

    #[tokio::test]
    async fn events_wait_in_the_outbox_until_the_server_answers_for_them() {
        let store = Store::open_in_memory().await.expect("store");
        let visit = Uuid::now_v7();
        let (a, b, c) = (check_in(visit), check_in(visit), check_in(Uuid::now_v7()));
        for e in [&a, &b, &c, &a] {
            store.record(e).await.expect("record");
        }
        let pending = store.pending(10).await.expect("pending");
        assert_eq!(pending.iter().map(|e| e.id).collect::<Vec<_>>(), [a.id, b.id, c.id], "once each, in order");
        assert_eq!(store.pending(2).await.expect("pending").len(), 2);

        // An answer for a and b only (c's was lost): c stays pending.
        let outcome = BatchOutcome {
            results: vec![
                answer(a.id, EventOutcome::Applied, None),
                answer(b.id, EventOutcome::Rejected, Some("unknown_item")),
            ],
        };
        store.settle(&outcome).await.expect("settle");
        // The same answer again (a retry's) changes nothing.
        store.settle(&outcome).await.expect("settle again");
        assert_eq!(store.pending(10).await.expect("pending").iter().map(|e| e.id).collect::<Vec<_>>(), [c.id]);
        let delivered: Vec<(Uuid, Delivery)> =
            store.outbox_of(visit).await.expect("outbox").into_iter().map(|(e, d)| (e.id, d)).collect();
        assert_eq!(delivered, [(a.id, Delivery::Sent), (b.id, Delivery::Rejected)]);
        let status = store.status().await.expect("status");
        assert_eq!((status.pending, status.sent, status.last_push), (1, 1, None));
        assert_eq!(status.failed.len(), 1);
        assert_eq!((status.failed[0].id, status.failed[0].code.as_str()), (b.id, "unknown_item"));

        store
            .settle(&BatchOutcome { results: vec![answer(c.id, EventOutcome::Conflict, Some("id_reused"))] })
            .await
            .expect("settle");
        let status = store.status().await.expect("status");
        assert_eq!(status.pending, 0);
        assert!(status.last_push.is_some(), "the outbox was emptied");
        assert_eq!(
            status.failed.iter().map(|f| f.status).collect::<Vec<_>>(),
            [Delivery::Rejected, Delivery::Conflict]
        );
    }

    fn changes(days: &[&str], full: bool, cursor: &str) -> Changes {
        let visits: Vec<serde_json::Value> = days
            .iter()
            .map(|d| {
                serde_json::json!({
                    "id": Uuid::now_v7(), "kind": "scheduled", "plan_id": null,
                    "institution_id": Uuid::now_v7(), "insured_person_id": Uuid::now_v7(), "caregiver_id": Uuid::now_v7(),
                    "scheduled_on": d, "planned_items": [], "unscheduled_reason": null, "state": "scheduled",
                    "checked_in_at": null, "checked_out_at": null, "tasks": [], "exceptions": [], "events": 0,
                    "updated_at": Utc::now(),
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "cursor": cursor, "full": full, "beneficiaries": [], "beneficiary_ids": [], "visits": visits,
            "policy_version_id": null, "catalogue": null, "monitoring": null,
        }))
        .expect("changes")
    }

    #[tokio::test]
    async fn the_change_feed_is_kept_with_its_cursor_and_read_by_day() {
        let store = Store::open_in_memory().await.expect("store");
        assert_eq!(store.cursor().await.expect("cursor"), None);
        store.apply_changes(&changes(&["2026-11-27", "2026-11-28", "2026-11-29"], true, "c1")).await.expect("apply");
        store.apply_changes(&changes(&["2026-11-29"], false, "c2")).await.expect("apply");
        assert_eq!(store.cursor().await.expect("cursor").as_deref(), Some("c2"));
        let day: NaiveDate = "2026-11-29".parse().expect("day");
        assert_eq!(store.visits_on(day).await.expect("today").len(), 2, "an incremental feed adds");
        let past: Vec<NaiveDate> =
            store.visits_before(day, 10).await.expect("past").iter().map(|v| v.scheduled_on).collect();
        assert_eq!(past, ["2026-11-28".parse::<NaiveDate>().expect("d"), "2026-11-27".parse().expect("d")]);
        store.apply_changes(&changes(&["2026-11-30"], true, "c3")).await.expect("apply");
        assert!(store.visits_on(day).await.expect("today").is_empty(), "a full feed replaces");
        assert!(store.status().await.expect("status").last_pull.is_some());
    }

    #[tokio::test]
    async fn a_closed_store_keeps_its_outbox() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("phone.db");
        let e = check_in(Uuid::now_v7());
        {
            let store = Store::open(&path).await.expect("open");
            store.record(&e).await.expect("record");
        }
        let again = Store::open(&path).await.expect("reopen");
        assert_eq!(again.pending(10).await.expect("pending").iter().map(|p| p.id).collect::<Vec<_>>(), [e.id]);
    }
}
