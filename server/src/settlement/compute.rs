//! Computing an institution's draft bill for a month that is over: every charged bed-day,
//! delivered visit item and family-care day priced, the adjustments of earlier approved bills
//! added, the lines written in one transaction. Computing a draft again
//! replaces its lines; a submitted bill is never computed again.

use chrono::{NaiveDate, TimeDelta, Utc};
use ltci_shared::api::settlement::{Bill, BillStatus, ComputeBill};
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::rows::{Row, rows_of};
use super::{adjust, bills, disputes, facts, packs};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::care::plans::serving_institution;
use crate::care::stays::month_bounds;
use crate::entities::{bill, enum_to_db, institution};
use crate::http::error::{ApiError, ApiResult, unique_as};
use crate::state::AppState;

/// A draft's lines as the facts give them now: the month's lines, then the adjustments of the
/// bills approved before it (facts stamped up to `margin` before their last check counting as
/// changed: the server's `LTCI_LATE_FACT_MARGIN_SECS`).
pub async fn draft_rows<C: ConnectionTrait>(
    db: &C,
    institution: &institution::Model,
    (first, last): (NaiveDate, NaiveDate),
    this_bill: Option<Uuid>,
    margin: TimeDelta,
) -> ApiResult<Vec<Row>> {
    let tier = institution.hospital_tier.and_then(|t| u8::try_from(t).ok());
    let facts = facts::read(db, institution.region_id, institution.id, tier, (first, last), None, None).await?;
    let mut rows = rows_of(&facts);
    rows.extend(adjust::rows(db, institution, first, this_bill, margin).await?);
    rows.extend(disputes::refund_rows(db, institution.id, this_bill).await?);
    Ok(rows)
}

/// Computes the bill of an institution for a month: `201` for a new draft, `200` when a draft was
/// computed again.
pub async fn compute(state: &AppState, actor: &Actor, req: ComputeBill) -> ApiResult<(bool, Bill)> {
    actor.require(Permission::PrepareBills)?;
    let institution_id = serving_institution(actor, req.institution_id)?;
    let bounds = month_over(actor, &req.month)?;
    let inst = institution::Entity::find_by_id(institution_id)
        .filter(institution::Column::RegionId.eq(actor.region_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::invalid_field("institution_id", "unknown_institution", m::unknown_institution()))?;
    let txn = state.db.begin().await?;
    let (created, bill) = compute_in(&txn, actor, &inst, &req.month, bounds, state.config.late_fact_margin()).await?;
    audit::commit(txn).await?;
    tracing::info!(bill_id = %bill.id, lines = bill.line_count, created, "bill computed");
    Ok((created, bills::view_one(&state.db, bill).await?))
}

/// The first and last day of `month`, once it is over.
pub fn month_over(actor: &Actor, month: &str) -> ApiResult<(NaiveDate, NaiveDate)> {
    let (first, last) =
        month_bounds(month).ok_or_else(|| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
    if last >= actor.today {
        return Err(ApiError::invalid_field("month", "month_not_over", m::month_not_over()));
    }
    Ok((first, last))
}

/// An institution's draft for a month, priced in a transaction and not yet written: the bill it
/// replaces (a draft, locked) and its lines.
#[derive(Debug)]
pub struct Draft {
    pub existing: Option<bill::Model>,
    pub rows: Vec<Row>,
}

/// Computes the draft in the caller's transaction: `(created, bill)`.
pub async fn compute_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    inst: &institution::Model,
    month: &str,
    bounds: (NaiveDate, NaiveDate),
    margin: TimeDelta,
) -> ApiResult<(bool, bill::Model)> {
    let existing = bill_of(txn, inst.id, month).await?;
    let draft = price_in(txn, inst, month, bounds, existing, margin).await?;
    write_in(txn, actor, inst.id, month, draft).await
}

/// The institution's bill for `month`, if any, locked for the computation.
pub async fn bill_of(txn: &DatabaseTransaction, institution_id: Uuid, month: &str) -> ApiResult<Option<bill::Model>> {
    Ok(bill::Entity::find()
        .filter(bill::Column::InstitutionId.eq(institution_id))
        .filter(bill::Column::Month.eq(month))
        .lock(LockType::Update)
        .one(txn)
        .await?)
}

/// Prices the draft that replaces `existing` (read with [`bill_of`]): `409` when that bill is no
/// longer a draft, `422 nothing_to_bill` when the month has no line.
pub async fn price_in(
    txn: &DatabaseTransaction,
    inst: &institution::Model,
    month: &str,
    (first, last): (NaiveDate, NaiveDate),
    existing: Option<bill::Model>,
    margin: TimeDelta,
) -> ApiResult<Draft> {
    if let Some(b) = &existing
        && b.status != enum_to_db(&BillStatus::Draft)
    {
        return Err(ApiError::state_conflict(codes::INVALID_STATE_TRANSITION, &b.status, m::only_draft_computed()));
    }
    let rows = draft_rows(txn, inst, (first, last), existing.as_ref().map(|b| b.id), margin).await?;
    if rows.is_empty() {
        return Err(ApiError::invalid_field("month", "nothing_to_bill", m::nothing_to_bill(month)));
    }
    Ok(Draft { existing, rows })
}

/// Writes a priced draft in the transaction it was priced in: the bill created or its draft
/// replaced (one version more), its lines, the audit record. Answers `(created, bill)`.
pub async fn write_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    institution_id: Uuid,
    month: &str,
    Draft { existing, rows }: Draft,
) -> ApiResult<(bool, bill::Model)> {
    let claimed: i64 = rows.iter().map(|p| p.claimed_fen).sum();
    let fund: i64 = rows.iter().map(|p| p.fund_fen).sum();
    let rejected = rows.iter().filter(|p| p.rejection.is_some()).count();
    let now = Utc::now();
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let created = existing.is_none();
    let bill = match existing {
        Some(b) => {
            packs::delete(txn, b.id).await?;
            let version = b.version;
            let mut a = b.into_active_model();
            a.line_count = Set(count(rows.len()));
            a.rejected_lines = Set(count(rejected));
            a.claimed_fen = Set(claimed);
            a.fund_fen = Set(fund);
            a.computed_by = Set(actor.user_id);
            a.computed_at = Set(now);
            a.version = Set(version + 1);
            a.update(txn).await?
        }
        None => bill::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_id: Set(actor.region_id),
            institution_id: Set(institution_id),
            month: Set(month.to_string()),
            status: Set(enum_to_db(&BillStatus::Draft)),
            line_count: Set(count(rows.len())),
            rejected_lines: Set(count(rejected)),
            claimed_fen: Set(claimed),
            fund_fen: Set(fund),
            withheld_fen: Set(None),
            computed_by: Set(actor.user_id),
            computed_at: Set(now),
            submitted_by: Set(None),
            submitted_at: Set(None),
            return_reason: Set(None),
            approved_by: Set(None),
            approved_at: Set(None),
            approval_entry_id: Set(None),
            paid_by: Set(None),
            paid_on: Set(None),
            payment_entry_id: Set(None),
            bank_reference: Set(None),
            version: Set(1),
        }
        .insert(txn)
        .await
        .map_err(unique_as(|| ApiError::conflict("month", m::bill_being_computed())))?,
    };
    packs::write(txn, bill.id, rows).await?;
    audit::record(txn, &AuditActor::from(actor), "bill.compute", "bill", bill.id, &["lines", "claimed", "fund_amount"])
        .await?;
    Ok((created, bill))
}
