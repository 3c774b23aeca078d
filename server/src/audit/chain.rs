//! The audit chain (防篡改审计链): each region's records linked in order, each carrying the hash
//! of its predecessor, so that a record edited, deleted or inserted in the database shows.
//!
//! Records are written marked [`pending`] (or kept back, by bulk writers, to be written linked);
//! a transaction links its own as its last statements, in [`super::commit`]: it locks its
//! region's head (`audit_chain_heads`, `FOR UPDATE`), gives each of its records the next `seq`,
//! the head's hash as `prev_hash` and its own hash, moves the head and commits. Taking the head's
//! lock last, and heads in region order, means two writers never wait on each other in a circle;
//! the unique `(region_id, seq)` means they can never fork the chain. The mark is drawn at random
//! by each process and never committed, so a record written into the table by anyone else is
//! never linked: it stays outside the chain, where [`super::verify`] reports it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::sea_query::{LockType, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait, TryIntoModel, Value,
};
use uuid::Uuid;

use crate::entities::{audit_chain_head, audit_event};

/// The `prev_hash` of a region's first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Records linked in one statement (four values, about 170 bytes each): under 8 KiB, so that a
/// statement leaves in one write (a larger one waits 40 ms for the server's delayed
/// acknowledgement; see `care::group_commit`).
const LINKS_PER_STATEMENT: usize = 40;

/// Records written in one multi-row insert (18 values each: within both databases' limits).
const ROWS_PER_INSERT: usize = 1_000;

/// Records linked per transaction when catching up with records written before the chain.
const BACKLOG_CHUNK: u64 = 10_000;

/// The mark of the records this process has written and not yet linked: `prev_hash` until
/// the writing transaction links them. Drawn at random once per process; no committed record
/// carries it, so nobody else can write a record that a transaction would take for its own.
pub fn pending() -> &'static str {
    static MARK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MARK.get_or_init(|| format!("pending:{}", Uuid::new_v4().simple()))
}

/// Which unlinked records a linking takes.
#[derive(Clone, Copy)]
enum Pick {
    /// The transaction's own ([`pending`]).
    Own,
    /// Those written before the chain existed (no mark), in the order they were written, after
    /// `after`, at most `limit`.
    Backlog { after: Option<(DateTime<Utc>, Uuid)>, limit: u64 },
}

/// The instant as the chain hashes it, to the microsecond (what both databases keep).
pub fn at_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The hash of record `e` at place `seq` after a record whose hash is `prev_hash`: SHA-256 of
/// a JSON array of every field the trail shows, in a fixed order.
pub fn link_hash(e: &audit_event::Model, seq: i64, prev_hash: &str) -> String {
    let canonical = serde_json::json!([
        seq,
        prev_hash,
        e.id,
        at_text(e.at),
        e.region_id,
        e.actor_user_id,
        e.actor_role,
        e.action,
        e.entity_type,
        e.entity_id,
        e.request_id,
        e.changed_fields,
        e.state_before,
        e.state_after,
        e.source,
        e.reference,
        e.reason,
    ]);
    crate::digest::sha256_hex(canonical.to_string())
}

/// Links the records this transaction wrote, then writes `records` (built by [`super::row`],
/// not yet written) linked behind them. Returns how many were linked.
pub async fn link<C: ConnectionTrait>(db: &C, records: Vec<audit_event::ActiveModel>) -> Result<u64, DbErr> {
    let mut fresh: BTreeMap<Uuid, Vec<audit_event::Model>> = BTreeMap::new();
    for r in records {
        let m = r.try_into_model()?;
        fresh.entry(m.region_id).or_default().push(m);
    }
    let mut regions: BTreeSet<Uuid> = unlinked_regions(db, Pick::Own).await?.into_iter().collect();
    regions.extend(fresh.keys().copied());
    let mut linked = 0;
    for region_id in regions {
        let records = fresh.remove(&region_id).unwrap_or_default();
        linked += link_region(db, region_id, Pick::Own, records).await?.len() as u64;
    }
    Ok(linked)
}

/// Links, a chunk per transaction and region by region, the records written before the chain
/// existed (by `ltci-server migrate` and at start-up), in regions whose backlog is not yet
/// sealed. Returns how many.
pub async fn seal_backlog(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let sealed: BTreeSet<Uuid> = audit_chain_head::Entity::find()
        .filter(audit_chain_head::Column::BacklogSealed.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.region_id)
        .collect();
    let mut total = 0;
    for region_id in unlinked_regions(db, Pick::Backlog { after: None, limit: 0 }).await? {
        if sealed.contains(&region_id) {
            continue;
        }
        // Each chunk starts after the last one's last record: no record linked is read again.
        let mut after = None;
        loop {
            let txn = db.begin().await?;
            let rows = link_region(&txn, region_id, Pick::Backlog { after, limit: BACKLOG_CHUNK }, Vec::new()).await?;
            let done = (rows.len() as u64) < BACKLOG_CHUNK;
            if done {
                audit_chain_head::Entity::update_many()
                    .col_expr(audit_chain_head::Column::BacklogSealed, true.into())
                    .filter(audit_chain_head::Column::RegionId.eq(region_id))
                    .exec(&txn)
                    .await?;
            }
            txn.commit().await?;
            total += rows.len() as u64;
            match rows.last() {
                Some(last) if !done => after = Some(*last),
                _ => break,
            }
        }
    }
    Ok(total)
}

/// The condition on unlinked records that `pick` takes.
fn picked(pick: Pick) -> Condition {
    let mark = match pick {
        Pick::Own => audit_event::Column::PrevHash.eq(pending()),
        Pick::Backlog { .. } => audit_event::Column::PrevHash.is_null(),
    };
    Condition::all().add(audit_event::Column::Seq.is_null()).add(mark)
}

/// The regions with records that `pick` takes, in the order their heads are locked.
async fn unlinked_regions<C: ConnectionTrait>(db: &C, pick: Pick) -> Result<Vec<Uuid>, DbErr> {
    let mut regions: Vec<Uuid> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::RegionId)
        .filter(picked(pick))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    regions.sort();
    Ok(regions)
}

/// Links the region's unlinked records that `pick` takes, in the order they were written,
/// behind its head, then writes `fresh` linked behind them, and moves the head. Returns each
/// linked record's instant and id, in order.
async fn link_region<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    pick: Pick,
    mut fresh: Vec<audit_event::Model>,
) -> Result<Vec<(DateTime<Utc>, Uuid)>, DbErr> {
    let head = lock_head(db, region_id, matches!(pick, Pick::Backlog { .. })).await?;
    // Read after the lock: a record another writer linked meanwhile is no longer unlinked.
    let mut q = audit_event::Entity::find().filter(audit_event::Column::RegionId.eq(region_id)).filter(picked(pick));
    let mut limit = None;
    if let Pick::Backlog { after, limit: most } = pick {
        limit = Some(most);
        if let Some((at, id)) = after {
            // `at >= …` bounds the walk along the index on (region_id, at); the rest breaks ties.
            q = q.filter(audit_event::Column::At.gte(at)).filter(
                Condition::any()
                    .add(audit_event::Column::At.gt(at))
                    .add(Condition::all().add(audit_event::Column::At.eq(at)).add(audit_event::Column::Id.gt(id))),
            );
        }
    }
    let rows =
        q.order_by_asc(audit_event::Column::At).order_by_asc(audit_event::Column::Id).limit(limit).all(db).await?;
    if rows.is_empty() && fresh.is_empty() {
        return Ok(Vec::new());
    }
    let (mut seq, mut hash) = (head.seq, head.hash.clone());
    let mut links = Vec::with_capacity(rows.len());
    for e in &rows {
        seq += 1;
        let h = link_hash(e, seq, &hash);
        links.push((e.id, seq, std::mem::replace(&mut hash, h.clone()), h));
    }
    for chunk in links.chunks(LINKS_PER_STATEMENT) {
        db.execute_raw(link_statement(db.get_database_backend(), chunk)).await?;
    }
    // Records not yet written are written linked: no second write of each.
    for e in &mut fresh {
        seq += 1;
        let h = link_hash(e, seq, &hash);
        e.seq = Some(seq);
        e.prev_hash = Some(std::mem::replace(&mut hash, h.clone()));
        e.hash = Some(h);
    }
    for chunk in fresh.chunks(ROWS_PER_INSERT) {
        let chunk = chunk.iter().map(|e| e.clone().into_active_model().reset_all());
        audit_event::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    let mut head = head.into_active_model();
    head.seq = Set(seq);
    head.hash = Set(hash);
    head.updated_at = Set(Utc::now());
    head.update(db).await?;
    Ok(rows.iter().chain(&fresh).map(|e| (e.at, e.id)).collect())
}

/// The region's head, locked until the transaction ends; made (at the genesis) on first use,
/// its backlog sealed unless `sealing` it or records written before the chain are waiting.
async fn lock_head<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    sealing: bool,
) -> Result<audit_chain_head::Model, DbErr> {
    let find = || audit_chain_head::Entity::find_by_id(region_id).lock(LockType::Update);
    if let Some(head) = find().one(db).await? {
        return Ok(head);
    }
    let backlog = sealing
        || audit_event::Entity::find()
            .filter(audit_event::Column::RegionId.eq(region_id))
            .filter(picked(Pick::Backlog { after: None, limit: 0 }))
            .one(db)
            .await?
            .is_some();
    audit_chain_head::Entity::insert(audit_chain_head::ActiveModel {
        region_id: Set(region_id),
        seq: Set(0),
        hash: Set(GENESIS.to_owned()),
        backlog_sealed: Set(!backlog),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(OnConflict::column(audit_chain_head::Column::RegionId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    find().one(db).await?.ok_or_else(|| DbErr::RecordNotFound("audit_chain_heads".into()))
}

/// One statement giving each record of `links` (id, seq, prev_hash, hash) its place.
fn link_statement(backend: DbBackend, links: &[(Uuid, i64, String, String)]) -> Statement {
    let mut values: Vec<Value> = Vec::with_capacity(links.len() * 4);
    let mut tuples = Vec::with_capacity(links.len());
    for (id, seq, prev, hash) in links {
        let n = values.len();
        tuples.push(match backend {
            DbBackend::Postgres => format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4),
            _ => "(?, ?, ?, ?)".to_owned(),
        });
        values.extend([(*id).into(), (*seq).into(), prev.clone().into(), hash.clone().into()]);
    }
    // VALUES names its columns column1, column2, … on both databases.
    let sql = format!(
        "UPDATE audit_events AS a SET seq = v.column2, prev_hash = v.column3, hash = v.column4 \
         FROM (VALUES {}) AS v WHERE a.id = v.column1",
        tuples.join(", ")
    );
    Statement::from_sql_and_values(backend, sql, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> audit_event::Model {
        audit_event::Model {
            id: Uuid::from_u128(1),
            at: DateTime::from_timestamp(1_764_800_000, 123_456_789).expect("instant"),
            region_id: Uuid::from_u128(2),
            actor_user_id: None,
            actor_role: Some("agency_officer".into()),
            action: "bill.approved".into(),
            entity_type: "bill".into(),
            entity_id: "b1".into(),
            request_id: None,
            changed_fields: "[\"state\"]".into(),
            state_before: Some("audited".into()),
            state_after: Some("approved".into()),
            source: None,
            reference: None,
            reason: None,
            seq: None,
            prev_hash: None,
            hash: None,
        }
    }

    #[test]
    fn every_field_and_the_link_change_the_hash() {
        let e = record();
        let h = link_hash(&e, 1, GENESIS);
        assert_eq!(h, link_hash(&e, 1, GENESIS));
        assert_ne!(h, link_hash(&e, 2, GENESIS), "the place");
        assert_ne!(h, link_hash(&e, 1, &h), "the predecessor");
        let mut other = e.clone();
        other.state_after = Some("paid".into());
        assert_ne!(h, link_hash(&other, 1, GENESIS), "a field");
        let mut moved = e.clone();
        moved.at += chrono::Duration::microseconds(1);
        assert_ne!(h, link_hash(&moved, 1, GENESIS), "the instant, to the microsecond");
        let mut finer = e;
        finer.at += chrono::Duration::nanoseconds(1);
        assert_eq!(h, link_hash(&finer, 1, GENESIS), "below a microsecond the databases differ");
    }
}
