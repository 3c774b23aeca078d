//! Draws from the adjustment reserve (调剂金) into a scheme's fund: one officer requests, another
//! approves (four-eyes) and the transfer is posted, or rejects it with a reason. Every step is
//! audited; the reserve never goes below zero.

use chrono::Utc;
use ltci_shared::api::funding::{DrawRejection, DrawStatus, ReserveDraw, ReserveDrawRequest};
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use ltci_shared::money::{positive_fen, to_yuan};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::income::{fund, reserve};
use super::ledger::{self, NewEntry};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::{enum_from_db, enum_to_db, ledger_account as acct, reserve_draw as draw};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::state::AppState;

fn view(m: draw::Model) -> ApiResult<ReserveDraw> {
    Ok(ReserveDraw {
        id: m.id,
        reference: m.reference,
        scheme: enum_from_db(&m.scheme)?,
        amount: to_yuan(m.amount_fen),
        reason: m.reason,
        status: enum_from_db(&m.status)?,
        requested_by: m.requested_by,
        requested_at: m.requested_at,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
        decision_reason: m.decision_reason,
        entry_id: m.entry_id,
    })
}

/// Records a request. The same reference with the same content answers the earlier request.
pub async fn request(state: &AppState, actor: &Actor, req: ReserveDrawRequest) -> ApiResult<(bool, ReserveDraw)> {
    actor.require(Permission::PostFunding)?;
    let mut errors = FieldErrors::new();
    let reference = errors.take("reference", check_text(&req.reference, 100));
    let reason = errors.take("reason", check_text(&req.reason, 300));
    let fen = errors.take("amount", positive_fen(req.amount).map_err(|e| (e.code(), e.text())));
    errors.finish()?;
    let (Some(reference), Some(reason), Some(fen)) = (reference, reason, fen) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    let existing = draw::Entity::find()
        .filter(draw::Column::RegionId.eq(actor.region_id))
        .filter(draw::Column::Reference.eq(&reference))
        .one(&state.db)
        .await?;
    let conflict = || ApiError::conflict("reference", m::reference_used_for_draw());
    if let Some(d) = existing {
        let same = d.scheme == enum_to_db(&req.scheme) && d.amount_fen == fen && d.reason == reason;
        return if same { Ok((false, view(d)?)) } else { Err(conflict()) };
    }
    let txn = state.db.begin().await?;
    let m = draw::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        reference: Set(reference),
        scheme: Set(enum_to_db(&req.scheme)),
        amount_fen: Set(fen),
        reason: Set(reason),
        status: Set(enum_to_db(&DrawStatus::Requested)),
        requested_by: Set(actor.user_id),
        requested_at: Set(Utc::now()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_reason: Set(None),
        entry_id: Set(None),
        version: Set(1),
    }
    .insert(&txn)
    .await
    .map_err(unique_as(conflict))?;
    audit::record_transition(
        &txn,
        &AuditActor::from(actor),
        "reserve_draw.request",
        "reserve_draw",
        m.id,
        None,
        "requested",
    )
    .await?;
    audit::commit(txn).await?;
    Ok((true, view(m)?))
}

/// A requested draw of the region that another officer than `actor` asked for.
async fn pending<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<draw::Model> {
    let d = draw::Entity::find_by_id(id)
        .filter(draw::Column::RegionId.eq(actor.region_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_reserve_draw()))?;
    if d.status != enum_to_db(&DrawStatus::Requested) {
        return Err(ApiError::state_conflict(codes::INVALID_STATE_TRANSITION, &d.status, m::draw_already_decided()));
    }
    if d.requested_by == actor.user_id {
        return Err(ApiError::refused(codes::FOUR_EYES_REQUIRED, m::draw_four_eyes()));
    }
    Ok(d)
}

/// Marks the draw decided if nobody decided it meanwhile.
async fn decide<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    d: &draw::Model,
    status: DrawStatus,
    reason: Option<String>,
    entry_id: Option<Uuid>,
) -> ApiResult<()> {
    let result = draw::Entity::update_many()
        .col_expr(draw::Column::Status, Expr::value(enum_to_db(&status)))
        .col_expr(draw::Column::DecidedBy, Expr::value(actor.user_id))
        .col_expr(draw::Column::DecidedAt, Expr::value(Utc::now()))
        .col_expr(draw::Column::DecisionReason, Expr::value(reason))
        .col_expr(draw::Column::EntryId, Expr::value(entry_id))
        .col_expr(draw::Column::Version, Expr::value(d.version + 1))
        .filter(draw::Column::Id.eq(d.id))
        .filter(draw::Column::Version.eq(d.version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::draw_decided_meanwhile()));
    }
    audit::record_transition(
        db,
        &AuditActor::from(actor),
        &format!("reserve_draw.{}", enum_to_db(&status)),
        "reserve_draw",
        d.id,
        Some("requested"),
        &enum_to_db(&status),
    )
    .await
}

/// Approves and posts the transfer: debit the fund, credit the reserve.
pub async fn approve(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<ReserveDraw> {
    actor.require(Permission::PostFunding)?;
    let d = pending(&state.db, actor, id).await?;
    let reserve_id = acct::Entity::find()
        .filter(acct::Column::RegionId.eq(actor.region_id))
        .filter(acct::Column::Code.eq(reserve().code))
        .one(&state.db)
        .await?
        .map(|a| a.id);
    let held = match reserve_id {
        Some(rid) => ledger::sums(&state.db, actor.region_id).await?.get(&rid).copied().unwrap_or(0),
        None => 0,
    };
    if held < d.amount_fen {
        return Err(ApiError::conflict_code(codes::INSUFFICIENT_RESERVE, m::reserve_holds(to_yuan(held))));
    }
    let scheme = enum_from_db(&d.scheme)?;
    let entry = NewEntry {
        reference: format!("reserve-draw:{}", d.reference),
        kind: "reserve_transfer",
        description: format!("调剂金调拨: {}", d.reason),
        effective_on: actor.today,
        reverses_entry_id: None,
        request: serde_json::json!({"kind": "reserve_transfer", "draw": d.id}),
        lines: vec![(fund(scheme), d.amount_fen), (reserve(), -d.amount_fen)],
    };
    let draw_row = d.clone();
    let region_id = actor.region_id;
    let (_, m) = ledger::post(&state.db, actor, entry, async |txn, e| {
        // Checked again inside the transaction, under a lock on the reserve account, so two
        // approvals at once cannot together overdraw it. `FOR NO KEY UPDATE`, not `FOR UPDATE`:
        // the postings just written hold a key-share lock on the account (their foreign key), and
        // two approvals each waiting for the other's key-share lock would deadlock.
        let account = acct::Entity::find()
            .filter(acct::Column::RegionId.eq(region_id))
            .filter(acct::Column::Code.eq(reserve().code))
            .lock(sea_orm::sea_query::LockType::NoKeyUpdate)
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("reserve account missing")))?;
        let left = ledger::sums(txn, region_id).await?.get(&account.id).copied().unwrap_or(0);
        if left < 0 {
            return Err(ApiError::conflict_code(codes::INSUFFICIENT_RESERVE, m::reserve_drawn_meanwhile()));
        }
        decide(txn, actor, &draw_row, DrawStatus::Approved, None, Some(e.id)).await
    })
    .await?;
    tracing::info!(draw_id = %d.id, entry_id = %m.id, "reserve draw approved");
    get(state, actor, id).await
}

/// Rejects the draw with a reason.
pub async fn reject(state: &AppState, actor: &Actor, id: Uuid, req: DrawRejection) -> ApiResult<ReserveDraw> {
    actor.require(Permission::PostFunding)?;
    let reason = check_text(&req.reason, 300).map_err(|(c, m)| ApiError::invalid_field("reason", c, m))?;
    let txn = state.db.begin().await?;
    let d = pending(&txn, actor, id).await?;
    decide(&txn, actor, &d, DrawStatus::Rejected, Some(reason), None).await?;
    audit::commit(txn).await?;
    get(state, actor, id).await
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<ReserveDraw> {
    actor.require(Permission::ReadFunding)?;
    let d = draw::Entity::find_by_id(id)
        .filter(draw::Column::RegionId.eq(actor.region_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_reserve_draw()))?;
    view(d)
}

/// The region's draws, newest first.
pub async fn list(state: &AppState, actor: &Actor) -> ApiResult<Vec<ReserveDraw>> {
    actor.require(Permission::ReadFunding)?;
    draw::Entity::find()
        .filter(draw::Column::RegionId.eq(actor.region_id))
        .order_by_desc(draw::Column::RequestedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}
