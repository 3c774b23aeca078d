//! Group commit of visit events: phones sending at the same moment have their events applied
//! together — one transaction, one lock query, one multi-row insert — when each event needs no
//! more than its visit (check-ins, tasks and notes on a visit not yet checked out). Anything else
//! (a check-out to verify, an unscheduled visit to create, an event to refuse, an id sent twice in
//! one group) goes back to the one-by-one path in `events`, which gives the same results; so does
//! every event of a group whose transaction fails.
//!
//! There is no background task: the first sender to find the queue unattended applies what has
//! gathered in it, at most [`LEADERS`] groups at a time; the others wait for their answer.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::{NaiveDate, Utc};
use ltci_shared::api::care::{EventOutcome, EventResult, VisitEvent, VisitEventBody, VisitState};
use ltci_shared::api::users::Role;
use ltci_shared::api::workforce::CaregiverStatus;
use ltci_shared::policy::PolicyDocument;
use ltci_shared::visit as fold;
use sea_orm::sea_query::{LockType, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    TransactionTrait, Value,
};
use tokio::sync::{Semaphore, oneshot};
use uuid::Uuid;

use super::events::{derive, store_derived};
use crate::entities::{caregiver, enum_from_db, enum_to_db, refresh_token, user, visit, visit_event};
use crate::http::error::{ApiError, ApiResult};
use crate::policy::service as policy;
use crate::state::AppState;

/// Groups applied at the same time.
const LEADERS: usize = 2;

/// Most senders in one group.
const MAX_GROUP: usize = 128;

/// The most values one statement carries. A message larger than the socket's send buffer leaves
/// in two writes, and sqlx before 0.9.1 set no TCP_NODELAY: the second part then waited for the
/// server's delayed acknowledgement, 40 ms. Statements under 8 KiB leave in one (kept since).
const STATEMENT_BYTES: usize = 8 * 1024;

/// One event, checked on its own and serialised as it will be stored.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub event: VisitEvent,
    pub canonical: String,
    pub sha256: String,
}

/// One sender's events (a phone's batch), all or none of them in a group.
#[derive(Debug)]
pub struct Job {
    /// The caregiver's account (its active caregiver record is looked up with the group's).
    pub user_id: Uuid,
    /// The login the sender's token belongs to: an ended login goes the one-by-one way, which
    /// refuses it.
    pub session_id: Uuid,
    /// The sender's language, for the refusals the group answers.
    pub lang: ltci_shared::text::Lang,
    pub device: String,
    pub events: Vec<Prepared>,
}

/// An answer for each event of the job, or `None`: apply them one by one.
type Reply = Option<Vec<EventResult>>;

/// The queue of senders waiting to be applied together.
#[derive(Debug)]
pub struct GroupCommit {
    queue: Mutex<Vec<(Job, oneshot::Sender<Reply>)>>,
    leaders: Semaphore,
}

impl Default for GroupCommit {
    fn default() -> Self {
        GroupCommit { queue: Mutex::new(Vec::new()), leaders: Semaphore::new(LEADERS) }
    }
}

impl GroupCommit {
    /// Applies `job` with whatever else is waiting; `None` when it must go one by one.
    pub async fn submit(&self, state: &AppState, job: Job) -> Reply {
        let (tx, mut rx) = oneshot::channel();
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((job, tx));
        loop {
            let permit = tokio::select! {
                biased;
                reply = &mut rx => return reply.unwrap_or(None),
                permit = self.leaders.acquire() => permit.ok()?,
            };
            let group: Vec<(Job, oneshot::Sender<Reply>)> = {
                let mut queue = self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let n = queue.len().min(MAX_GROUP);
                queue.drain(..n).collect()
            };
            if group.is_empty() {
                drop(permit);
                return rx.await.unwrap_or(None);
            }
            // Applied on its own task, so a sender that hangs up does not cut the others' group short.
            let worker = state.clone();
            let _ = tokio::spawn(async move { run(&worker, group).await }).await;
            drop(permit);
            match rx.try_recv() {
                Ok(reply) => return reply,
                Err(oneshot::error::TryRecvError::Empty) => continue,
                Err(oneshot::error::TryRecvError::Closed) => return None,
            }
        }
    }
}

async fn run(state: &AppState, group: Vec<(Job, oneshot::Sender<Reply>)>) {
    let (jobs, senders): (Vec<Job>, Vec<oneshot::Sender<Reply>>) = group.into_iter().unzip();
    let replies = match apply_group(state, &jobs).await {
        Ok(replies) => replies,
        Err(e) => {
            tracing::warn!(error = %e.message().en(), "group commit failed; applying its events one by one");
            jobs.iter().map(|_| None).collect()
        }
    };
    for (reply, sender) in replies.into_iter().zip(senders) {
        let _ = sender.send(reply);
    }
}

/// Whether every event of `job` can be applied here, given the locked visits.
fn eligible(
    job: &Job,
    caregiver: Option<Uuid>,
    visits: &HashMap<Uuid, visit::Model>,
    docs: &HashMap<(Uuid, NaiveDate), Option<PolicyDocument>>,
    taken_visits: &HashSet<Uuid>,
    taken_events: &HashSet<Uuid>,
) -> bool {
    let Some(caregiver) = caregiver else { return false };
    let mut ids = HashSet::new();
    job.events.iter().all(|p| {
        let e = &p.event;
        let Some(v) = visits.get(&e.visit_id) else { return false };
        let body_ok = match &e.body {
            VisitEventBody::CheckIn { .. } | VisitEventBody::Note { .. } => true,
            VisitEventBody::Task { item, .. } => docs
                .get(&(v.region_id, v.scheduled_on))
                .and_then(Option::as_ref)
                .is_some_and(|d| d.item(item).is_some()),
            VisitEventBody::CheckOut { .. } | VisitEventBody::Correction { .. } => false,
        };
        body_ok
            && v.caregiver_id == caregiver
            && v.checked_out_at.is_none()
            && e.unscheduled.as_ref().is_none_or(|u| u.insured_person_id == v.insured_person_id)
            && !taken_visits.contains(&v.id)
            && !taken_events.contains(&e.id)
            && ids.insert(e.id)
    })
}

/// Rows split so that no statement carries more than [`STATEMENT_BYTES`] of values (`size` gives a
/// row's variable part; each row also counts a fixed 256 bytes for its other columns).
fn small_statements<T>(rows: Vec<T>, size: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut bytes = 0;
    for row in rows {
        let n = size(&row) + 256;
        match out.last_mut() {
            Some(last) if bytes + n <= STATEMENT_BYTES => last.push(row),
            _ => {
                out.push(vec![row]);
                bytes = 0;
            }
        }
        bytes += n;
    }
    out
}

/// One `UPDATE … FROM (VALUES …)` storing the derived columns of many visits (PostgreSQL; SQLite
/// writes one at a time anyway).
fn update_many_postgres(rows: &[visit::Model]) -> Statement {
    let mut values: Vec<Value> = Vec::with_capacity(rows.len() * 8);
    let mut tuples = Vec::with_capacity(rows.len());
    for v in rows {
        let n = values.len();
        tuples.push(format!(
            "(${}::uuid, ${}, ${}::timestamptz, ${}::timestamptz, ${}, ${}, ${}::integer, ${}::timestamptz)",
            n + 1,
            n + 2,
            n + 3,
            n + 4,
            n + 5,
            n + 6,
            n + 7,
            n + 8
        ));
        values.extend([
            v.id.into(),
            v.state.clone().into(),
            v.checked_in_at.into(),
            v.checked_out_at.into(),
            v.tasks.clone().into(),
            v.exceptions.clone().into(),
            v.event_count.into(),
            v.updated_at.into(),
        ]);
    }
    let sql = format!(
        "UPDATE visits AS v SET state = d.state, checked_in_at = d.checked_in_at, checked_out_at = d.checked_out_at, \
         tasks = d.tasks, exceptions = d.exceptions, event_count = d.event_count, updated_at = d.updated_at \
         FROM (VALUES {}) AS d(id, state, checked_in_at, checked_out_at, tasks, exceptions, event_count, updated_at) \
         WHERE v.id = d.id",
        tuples.join(", ")
    );
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// Applies the eligible jobs of a group in one transaction; the others get `None`.
async fn apply_group(state: &AppState, jobs: &[Job]) -> ApiResult<Vec<Reply>> {
    let txn = state.db.begin().await?;
    let mut visit_ids: Vec<Uuid> = jobs.iter().flat_map(|j| j.events.iter().map(|p| p.event.visit_id)).collect();
    visit_ids.sort();
    visit_ids.dedup();
    // Locked in id order, as every writer of several visits does, so groups cannot deadlock.
    let visits: HashMap<Uuid, visit::Model> = visit::Entity::find()
        .filter(visit::Column::Id.is_in(visit_ids))
        .order_by_asc(visit::Column::Id)
        .lock(LockType::Update)
        .all(&txn)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut docs = HashMap::new();
    for job in jobs {
        for p in &job.events {
            if let (VisitEventBody::Task { .. }, Some(v)) = (&p.event.body, visits.get(&p.event.visit_id))
                && let Entry::Vacant(slot) = docs.entry((v.region_id, v.scheduled_on))
            {
                slot.insert(policy::in_force_document(&txn, v.region_id, v.scheduled_on).await?);
            }
        }
    }
    // The senders' active caregiver records, of active caregiver accounts (the token alone is
    // not enough: an account deactivated since it was issued is refused on the one-by-one path).
    let users: Vec<Uuid> = jobs.iter().map(|j| j.user_id).collect::<HashSet<_>>().into_iter().collect();
    let active_accounts = Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::Id.is_in(users))
        .and_where(user::Column::Active.eq(true))
        .and_where(user::Column::Role.eq(Role::Caregiver.as_str()))
        .to_owned();
    let caregivers: HashMap<Uuid, Uuid> = caregiver::Entity::find()
        .select_only()
        .column(caregiver::Column::UserId)
        .column(caregiver::Column::Id)
        .filter(caregiver::Column::UserId.in_subquery(active_accounts))
        .filter(caregiver::Column::Status.eq(enum_to_db(&CaregiverStatus::Active)))
        .into_tuple::<(Uuid, Uuid)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    // The senders' logins that have not ended (logout, a reused refresh token): a token of an
    // ended login goes the one-by-one way, which refuses it.
    let sessions: Vec<Uuid> = jobs.iter().map(|j| j.session_id).collect::<HashSet<_>>().into_iter().collect();
    let live: HashSet<(Uuid, Uuid)> = refresh_token::Entity::find()
        .select_only()
        .column(refresh_token::Column::UserId)
        .column(refresh_token::Column::FamilyId)
        .filter(refresh_token::Column::FamilyId.is_in(sessions))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .into_tuple::<(Uuid, Uuid)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let (mut taken_visits, mut taken_events) = (HashSet::new(), HashSet::new());
    let mut fast = Vec::new();
    for (j, job) in jobs.iter().enumerate() {
        let caregiver = caregivers.get(&job.user_id).copied().filter(|_| live.contains(&(job.user_id, job.session_id)));
        if eligible(job, caregiver, &visits, &docs, &taken_visits, &taken_events) {
            taken_visits.extend(job.events.iter().map(|p| p.event.visit_id));
            taken_events.extend(job.events.iter().map(|p| p.event.id));
            fast.push(j);
        }
    }
    if fast.is_empty() {
        return Ok(jobs.iter().map(|_| None).collect());
    }

    // Stored unless the id is already taken: then it is a retry (same content) or a reused id.
    let now = Utc::now();
    let rows: Vec<visit_event::ActiveModel> = fast
        .iter()
        .flat_map(|&j| {
            let job = &jobs[j];
            job.events.iter().map(move |p| visit_event::ActiveModel {
                id: Set(p.event.id),
                visit_id: Set(p.event.visit_id),
                kind: Set(p.event.body.kind().to_owned()),
                occurred_at: Set(p.event.body.at()),
                body: Set(p.canonical.clone()),
                sha256: Set(p.sha256.clone()),
                device_id: Set(job.device.clone()),
                recorded_by: Set(job.user_id),
                received_at: Set(now),
            })
        })
        .collect();
    let mut inserted: HashSet<Uuid> = HashSet::new();
    for chunk in small_statements(rows, |r| r.body.as_ref().len()) {
        match visit_event::Entity::insert_many(chunk)
            .on_conflict(OnConflict::column(visit_event::Column::Id).do_nothing().to_owned())
            .exec_with_returning_keys(&txn)
            .await
        {
            Ok(keys) => inserted.extend(keys),
            Err(DbErr::RecordNotInserted) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let fast_events = || fast.iter().flat_map(|&j| jobs[j].events.iter());
    let retried: Vec<Uuid> = fast_events().map(|p| p.event.id).filter(|id| !inserted.contains(id)).collect();
    let earlier: HashMap<Uuid, visit_event::Model> = if retried.is_empty() {
        HashMap::new()
    } else {
        let rows = visit_event::Entity::find().filter(visit_event::Column::Id.is_in(retried)).all(&txn).await?;
        rows.into_iter().map(|e| (e.id, e)).collect()
    };

    // Each visit with a new event derived again: from the new events alone when they are its
    // first, else from everything stored.
    let mut changed: HashMap<Uuid, Vec<VisitEventBody>> = HashMap::new();
    for p in fast_events().filter(|p| inserted.contains(&p.event.id)) {
        changed.entry(p.event.visit_id).or_default().push(p.event.body.clone());
    }
    let reread: Vec<Uuid> = changed.keys().filter(|id| visits[*id].event_count > 0).copied().collect();
    if !reread.is_empty() {
        for id in &reread {
            changed.insert(*id, Vec::new());
        }
        for e in visit_event::Entity::find().filter(visit_event::Column::VisitId.is_in(reread)).all(&txn).await? {
            let body = serde_json::from_str::<VisitEvent>(&e.body).map_err(ApiError::internal)?.body;
            changed.entry(e.visit_id).or_default().push(body);
        }
    }
    let mut states: HashMap<Uuid, VisitState> = HashMap::new();
    let mut derived = Vec::with_capacity(changed.len());
    for (id, bodies) in changed {
        let v = derive(visits[&id].clone(), &fold::fold(&bodies), Vec::new(), bodies.len())?;
        states.insert(id, enum_from_db(&v.state)?);
        derived.push(v);
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        for chunk in small_statements(derived, |v| v.tasks.len() + v.exceptions.len()) {
            txn.execute_raw(update_many_postgres(&chunk)).await?;
        }
    } else {
        for v in derived {
            store_derived(&txn, v).await?;
        }
    }
    crate::audit::commit(txn).await?;

    let mut replies: Vec<Reply> = jobs.iter().map(|_| None).collect();
    for &j in &fast {
        let mut results = Vec::with_capacity(jobs[j].events.len());
        for p in &jobs[j].events {
            let id = p.event.id;
            let visit_state = |visit_id: Uuid| -> ApiResult<VisitState> {
                match (states.get(&visit_id), visits.get(&visit_id)) {
                    (Some(s), _) => Ok(*s),
                    (None, Some(v)) => Ok(enum_from_db(&v.state)?),
                    (None, None) => Ok(VisitState::Scheduled),
                }
            };
            let result = if inserted.contains(&id) {
                EventResult {
                    id,
                    outcome: EventOutcome::Applied,
                    replay: false,
                    visit_state: Some(visit_state(p.event.visit_id)?),
                    error: None,
                }
            } else {
                let e = earlier
                    .get(&id)
                    .ok_or_else(|| ApiError::internal(anyhow::anyhow!("event {id} neither inserted nor found")))?;
                if e.sha256 == p.sha256 {
                    EventResult {
                        id,
                        outcome: EventOutcome::Applied,
                        replay: true,
                        visit_state: Some(visit_state(e.visit_id)?),
                        error: None,
                    }
                } else {
                    super::events::id_reused(id, jobs[j].lang)
                }
            };
            results.push(result);
        }
        replies[j] = Some(results);
    }
    Ok(replies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_stay_under_the_byte_budget_and_keep_every_row_in_order() {
        let rows: Vec<usize> = vec![100, 3000, 3000, 3000, 10, 9000, 1];
        let chunks = small_statements(rows.clone(), |r| *r);
        assert_eq!(chunks.concat(), rows, "nothing lost or reordered");
        for c in &chunks {
            let bytes: usize = c.iter().map(|r| r + 256).sum();
            assert!(c.len() == 1 || bytes <= STATEMENT_BYTES, "{c:?}");
        }
        assert_eq!(chunks, [vec![100, 3000, 3000], vec![3000, 10], vec![9000], vec![1]]);
        assert!(small_statements(Vec::<usize>::new(), |r| *r).is_empty());
    }
}
