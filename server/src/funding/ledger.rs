//! The double-entry ledger (复式记账): accounts, balanced journal entries posted once per
//! reference, reversals, and balances derived from postings (summed per account and day as they
//! are written: `ledger_day_totals`).
//!
//! Postings are signed whole fen, debits positive; every entry sums to zero. Nothing here updates
//! or deletes a posting: a correction is a reversing entry that references the original.

use ltci_shared::messages as m;
use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use ltci_shared::api::funding::{Account, AccountKind, JournalEntry, Posting};
use ltci_shared::money::to_yuan;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::entities::{
    enum_from_db, enum_to_db, journal_entry as je, ledger_account as acct, ledger_day_total as day_total,
    ledger_posting as lp,
};
use crate::http::error::{ApiError, ApiResult};

/// An account by its code, created on first use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    pub code: String,
    pub name: String,
    pub kind: AccountKind,
}

/// An entry to post: the caller's reference, what it is, and its lines (signed fen).
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub reference: String,
    pub kind: &'static str,
    pub description: String,
    pub effective_on: NaiveDate,
    pub reverses_entry_id: Option<Uuid>,
    /// What the caller asked for, canonically: the same reference with other content is a 409.
    pub request: serde_json::Value,
    pub lines: Vec<(AccountSpec, i64)>,
}

/// Lower-case hex SHA-256 of a request's canonical JSON.
pub(crate) fn fingerprint(request: &serde_json::Value) -> String {
    crate::digest::sha256_hex(request.to_string())
}

/// The ids of the accounts, creating missing ones. Runs outside the posting transaction (each
/// insert on its own), so a concurrent creation of the same account is simply read back.
pub async fn ensure_accounts(
    db: &DatabaseConnection,
    region_id: Uuid,
    specs: &[&AccountSpec],
) -> ApiResult<HashMap<String, Uuid>> {
    let mut out = HashMap::new();
    for spec in specs {
        if out.contains_key(&spec.code) {
            continue;
        }
        let find = || {
            acct::Entity::find().filter(acct::Column::RegionId.eq(region_id)).filter(acct::Column::Code.eq(&spec.code))
        };
        let id = match find().one(db).await? {
            Some(a) => a.id,
            None => {
                let inserted = acct::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    region_id: Set(region_id),
                    code: Set(spec.code.clone()),
                    name: Set(spec.name.clone()),
                    kind: Set(enum_to_db(&spec.kind)),
                    created_at: Set(Utc::now()),
                }
                .insert(db)
                .await;
                match inserted {
                    Ok(a) => a.id,
                    Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => find()
                        .one(db)
                        .await?
                        .map(|a| a.id)
                        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("account {} vanished", spec.code)))?,
                    Err(e) => return Err(e.into()),
                }
            }
        };
        out.insert(spec.code.clone(), id);
    }
    Ok(out)
}

async fn by_reference<C: ConnectionTrait>(db: &C, region_id: Uuid, reference: &str) -> ApiResult<Option<je::Model>> {
    Ok(je::Entity::find()
        .filter(je::Column::RegionId.eq(region_id))
        .filter(je::Column::Reference.eq(reference))
        .one(db)
        .await?)
}

/// The earlier entry of this reference if it has the same content; 409 if other content.
fn repeat_of(existing: je::Model, print: &str) -> ApiResult<je::Model> {
    if existing.fingerprint == print {
        Ok(existing)
    } else {
        Err(ApiError::conflict("reference", m::reference_posted_otherwise()))
    }
}

/// Posts `entry` in the caller's transaction, or finds the earlier posting of its reference.
/// Answers the entry and whether it is new. `then` runs in the same transaction after a new
/// entry is written (to record what the entry is for).
pub async fn post(
    db: &DatabaseConnection,
    actor: &Actor,
    entry: NewEntry,
    then: impl AsyncFnOnce(&DatabaseTransaction, &je::Model) -> ApiResult<()>,
) -> ApiResult<(bool, je::Model)> {
    let sum: i128 = entry.lines.iter().map(|(_, fen)| i128::from(*fen)).sum();
    if sum != 0 || entry.lines.iter().all(|(_, fen)| *fen == 0) {
        return Err(ApiError::internal(anyhow::anyhow!("unbalanced entry {} (sum {sum})", entry.reference)));
    }
    let print = fingerprint(&entry.request);
    if let Some(existing) = by_reference(db, actor.region_id, &entry.reference).await? {
        return repeat_of(existing, &print).map(|e| (false, e));
    }
    let specs: Vec<&AccountSpec> = entry.lines.iter().map(|(s, _)| s).collect();
    let accounts = ensure_accounts(db, actor.region_id, &specs).await?;
    let txn = db.begin().await?;
    let model = je::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        reference: Set(entry.reference.clone()),
        kind: Set(entry.kind.to_string()),
        description: Set(entry.description.clone()),
        effective_on: Set(entry.effective_on),
        reverses_entry_id: Set(entry.reverses_entry_id),
        fingerprint: Set(print.clone()),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await;
    let model = match model {
        Ok(m) => m,
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            // A concurrent call won: the same reference (answer as a repeat) or the same reversal.
            drop(txn);
            return match by_reference(db, actor.region_id, &entry.reference).await? {
                Some(existing) => repeat_of(existing, &print).map(|e| (false, e)),
                None => Err(ApiError::conflict("id", m::already_reversed())),
            };
        }
        Err(e) => return Err(e.into()),
    };
    for (spec, fen) in &entry.lines {
        if *fen == 0 {
            continue;
        }
        lp::ActiveModel {
            id: Set(Uuid::now_v7()),
            entry_id: Set(model.id),
            account_id: Set(accounts[&spec.code]),
            amount_fen: Set(*fen),
        }
        .insert(&txn)
        .await?;
    }
    let lines = entry.lines.iter().map(|(spec, fen)| (accounts[&spec.code], *fen));
    add_to_day_totals(&txn, actor.region_id, entry.effective_on, lines).await?;
    then(&txn, &model).await?;
    crate::audit::record(
        &txn,
        &crate::audit::AuditActor::from(actor),
        &format!("ledger.{}", entry.kind),
        "journal_entry",
        model.id,
        &["postings"],
    )
    .await?;
    crate::audit::commit(txn).await?;
    tracing::info!(entry_id = %model.id, kind = entry.kind, "journal entry posted");
    Ok((true, model))
}

/// Adds postings effective on `day` to their accounts' day totals, in the posting's transaction.
/// One statement; the rows in account order, so two transactions touching the same accounts take
/// their row locks in the same order (PostgreSQL) and never wait for each other in a circle.
pub async fn add_to_day_totals<C: ConnectionTrait>(
    txn: &C,
    region_id: Uuid,
    day: NaiveDate,
    postings: impl IntoIterator<Item = (Uuid, i64)>,
) -> ApiResult<()> {
    let mut per_account: BTreeMap<Uuid, i64> = BTreeMap::new();
    for (account, fen) in postings {
        *per_account.entry(account).or_default() += fen;
    }
    per_account.retain(|_, fen| *fen != 0);
    if per_account.is_empty() {
        return Ok(());
    }
    let rows = per_account.into_iter().map(|(account_id, fen)| day_total::ActiveModel {
        account_id: Set(account_id),
        day: Set(day),
        region_id: Set(region_id),
        amount_fen: Set(fen),
    });
    let add = OnConflict::columns([day_total::Column::AccountId, day_total::Column::Day])
        .value(day_total::Column::AmountFen, Expr::cust("ledger_day_totals.amount_fen + excluded.amount_fen"))
        .to_owned();
    day_total::Entity::insert_many(rows).on_conflict(add).exec_without_returning(txn).await?;
    Ok(())
}

/// The API views of entries, with their postings and reversals (one query each).
pub async fn views<C: ConnectionTrait>(db: &C, entries: Vec<je::Model>) -> ApiResult<Vec<JournalEntry>> {
    let ids: Vec<Uuid> = entries.iter().map(|e| e.id).collect();
    let postings = lp::Entity::find().filter(lp::Column::EntryId.is_in(ids.clone())).all(db).await?;
    let account_ids: Vec<Uuid> = postings.iter().map(|p| p.account_id).collect();
    let codes: HashMap<Uuid, String> = acct::Entity::find()
        .filter(acct::Column::Id.is_in(account_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.code))
        .collect();
    let reversals: HashMap<Uuid, Uuid> = je::Entity::find()
        .filter(je::Column::ReversesEntryId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| r.reverses_entry_id.map(|of| (of, r.id)))
        .collect();
    Ok(entries
        .into_iter()
        .map(|e| {
            let mut lines: Vec<Posting> = postings
                .iter()
                .filter(|p| p.entry_id == e.id)
                .map(|p| Posting {
                    account_code: codes.get(&p.account_id).cloned().unwrap_or_default(),
                    amount: to_yuan(p.amount_fen),
                })
                .collect();
            lines.sort_by(|a, b| a.account_code.cmp(&b.account_code));
            JournalEntry {
                reversed_by_entry_id: reversals.get(&e.id).copied(),
                id: e.id,
                reference: e.reference,
                kind: e.kind,
                description: e.description,
                effective_on: e.effective_on,
                reverses_entry_id: e.reverses_entry_id,
                postings: lines,
                created_by: e.created_by,
                created_at: e.created_at,
            }
        })
        .collect())
}

pub async fn view_one<C: ConnectionTrait>(db: &C, m: je::Model) -> ApiResult<JournalEntry> {
    views(db, vec![m]).await?.pop().ok_or_else(|| ApiError::internal(anyhow::anyhow!("entry view missing")))
}

/// Sum of postings per account of the region, in fen (debits positive), from the day totals.
pub async fn sums<C: ConnectionTrait>(db: &C, region_id: Uuid) -> ApiResult<HashMap<Uuid, i64>> {
    let rows: Vec<(Uuid, Option<i64>)> = day_total::Entity::find()
        .select_only()
        .column(day_total::Column::AccountId)
        .column_as(Expr::cust("CAST(SUM(ledger_day_totals.amount_fen) AS BIGINT)"), "total")
        .filter(day_total::Column::RegionId.eq(region_id))
        .group_by(day_total::Column::AccountId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, total)| (id, total.unwrap_or(0))).collect())
}

/// A balance in the account's own sense: assets and expenses debit-positive, the others
/// credit-positive.
pub fn balance_of(kind: AccountKind, sum_fen: i64) -> i64 {
    match kind {
        AccountKind::Asset | AccountKind::Expense => sum_fen,
        AccountKind::Liability | AccountKind::Income => -sum_fen,
    }
}

/// Every account of the region with its balance, by code.
pub async fn accounts<C: ConnectionTrait>(db: &C, region_id: Uuid) -> ApiResult<Vec<Account>> {
    let sums = sums(db, region_id).await?;
    acct::Entity::find()
        .filter(acct::Column::RegionId.eq(region_id))
        .order_by_asc(acct::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|a| {
            let kind: AccountKind = enum_from_db(&a.kind)?;
            Ok(Account {
                balance: to_yuan(balance_of(kind, sums.get(&a.id).copied().unwrap_or(0))),
                id: a.id,
                code: a.code,
                name: a.name,
                kind,
            })
        })
        .collect()
}
