//! The agency's audit of a submitted bill (审核): a random sample of its paid lines drawn once for
//! manual review, and deductions from lines with reasons (审核扣款), which lower what is posted as
//! the payable on approval.

use chrono::Utc;
use ltci_shared::api::settlement::{BillLine, BillStatus, Deduction, SampleRequest};
use ltci_shared::messages as m;
use ltci_shared::money::to_fen;
use rand::seq::IndexedRandom;
use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use uuid::Uuid;

use super::bills::{expect, find, line_view};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::{bill, bill_line};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The most lines drawn for review at once.
const MAX_SAMPLE: u32 = 500;

/// Draws `size` of the bill's paid lines at random for manual review, once per submission: asked
/// again, it answers the lines drawn the first time.
pub async fn sample(state: &AppState, actor: &Actor, id: Uuid, req: SampleRequest) -> ApiResult<Vec<BillLine>> {
    actor.require(Permission::SettleBills)?;
    if req.size == 0 || req.size > MAX_SAMPLE {
        return Err(ApiError::invalid_field("size", "out_of_range", m::between(1, MAX_SAMPLE)));
    }
    let txn = state.db.begin().await?;
    let b = find(&txn, actor, id, true).await?;
    expect(&b, BillStatus::Submitted, m::only_submitted_reviewed())?;
    super::duties::may_audit(&txn, actor, &b).await?;
    let of_bill = || bill_line::Entity::find().filter(bill_line::Column::BillId.eq(b.id));
    let drawn =
        of_bill().filter(bill_line::Column::Sampled.eq(true)).order_by_asc(bill_line::Column::LineNo).all(&txn).await?;
    if !drawn.is_empty() {
        return drawn.into_iter().map(line_view).collect();
    }
    let paid: Vec<i32> = of_bill()
        .select_only()
        .column(bill_line::Column::LineNo)
        .filter(bill_line::Column::Rejection.is_null())
        .into_tuple()
        .all(&txn)
        .await?;
    let size = usize::try_from(req.size).unwrap_or(usize::MAX).min(paid.len());
    let chosen: Vec<i32> = paid.choose_multiple(&mut rand::rng(), size).copied().collect();
    bill_line::Entity::update_many()
        .col_expr(bill_line::Column::Sampled, Expr::value(true))
        .filter(bill_line::Column::BillId.eq(b.id))
        .filter(bill_line::Column::LineNo.is_in(chosen))
        .exec(&txn)
        .await?;
    audit::record(&txn, &AuditActor::from(actor), "bill.sample", "bill", b.id, &["sampled"]).await?;
    let drawn =
        of_bill().filter(bill_line::Column::Sampled.eq(true)).order_by_asc(bill_line::Column::LineNo).all(&txn).await?;
    audit::commit(txn).await?;
    drawn.into_iter().map(line_view).collect()
}

/// Sets the agency's deduction from one line of a submitted bill: at most what the line pays,
/// with a reason; `0` takes it back. Setting the same deduction again changes nothing.
pub async fn deduct(state: &AppState, actor: &Actor, id: Uuid, line_no: u32, req: Deduction) -> ApiResult<BillLine> {
    actor.require(Permission::SettleBills)?;
    let fen = to_fen(req.amount).map_err(|e| ApiError::invalid_field("amount", e.code(), e.text()))?;
    if fen < 0 {
        return Err(ApiError::invalid_field("amount", "out_of_range", m::deduction_not_negative()));
    }
    let reason = match (fen, req.reason.as_deref()) {
        (0, _) => None,
        (_, r) => Some(
            crate::fields::check_paragraph(r.unwrap_or(""), 300)
                .map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?,
        ),
    };
    let txn = state.db.begin().await?;
    let b = find(&txn, actor, id, true).await?;
    expect(&b, BillStatus::Submitted, m::only_submitted_audited())?;
    super::duties::may_audit(&txn, actor, &b).await?;
    let line = bill_line::Entity::find()
        .filter(bill_line::Column::BillId.eq(b.id))
        .filter(bill_line::Column::LineNo.eq(i32::try_from(line_no).unwrap_or(-1)))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_bill_line()))?;
    if fen > line.fund_fen {
        return Err(ApiError::invalid_field(
            "amount",
            "out_of_range",
            m::line_pays(ltci_shared::money::to_yuan(line.fund_fen)),
        ));
    }
    if line.deducted_fen == fen && line.deduction_reason == reason {
        return line_view(line);
    }
    bill_line::Entity::update_many()
        .col_expr(bill_line::Column::DeductedFen, Expr::value(fen))
        .col_expr(bill_line::Column::DeductionReason, Expr::value(reason))
        .filter(bill_line::Column::Id.eq(line.id))
        .exec(&txn)
        .await?;
    // The bill's version moves, so an approval that read the bill before this deduction cannot
    // post the amount it read.
    let done = bill::Entity::update_many()
        .col_expr(bill::Column::Version, Expr::value(b.version + 1))
        .filter(bill::Column::Id.eq(b.id))
        .filter(bill::Column::Version.eq(b.version))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::bill_changed_meanwhile()));
    }
    audit::record(&txn, &AuditActor::from(actor), "bill.deduct", "bill", b.id, &["deducted", "deduction_reason"])
        .await?;
    audit::commit(txn).await?;
    tracing::info!(bill_id = %b.id, line_no, at = %Utc::now(), "deduction set");
    let line = bill_line::Entity::find_by_id(line.id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_bill_line()))?;
    line_view(line)
}
