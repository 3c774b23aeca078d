//! The agency's audit of a submitted bill (审核): a random sample of its paid lines drawn once for
//! manual review, and deductions from lines with reasons (审核扣款), which lower what is posted as
//! the payable on approval.

use chrono::Utc;
use ltci_shared::api::settlement::{BillLine, BillStatus, Deduction, SampleRequest};
use ltci_shared::messages as m;
use ltci_shared::money::to_fen;
use rand::seq::IndexedRandom;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::bills::{expect, find, line_views};
use super::packs::{self, Line, Marking};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::bill;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use std::collections::BTreeMap;

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
    let lines = packs::of_bill(&txn, b.id).await?;
    let drawn: Vec<Line> = lines.iter().filter(|l| l.mark.sampled).cloned().collect();
    if !drawn.is_empty() {
        drop(txn);
        return line_views(&state.db, drawn).await;
    }
    let paid: Vec<&Line> = lines.iter().filter(|l| l.row.rejection.is_none()).collect();
    let size = usize::try_from(req.size).unwrap_or(usize::MAX).min(paid.len());
    let chosen: BTreeMap<i32, Marking> =
        paid.choose_multiple(&mut rand::rng(), size).map(|l| (l.line_no, Marking::Sampled)).collect();
    packs::mark(&txn, b.id, &chosen).await?;
    audit::record(&txn, &AuditActor::from(actor), "bill.sample", "bill", b.id, &["sampled"]).await?;
    audit::commit(txn).await?;
    let drawn: Vec<Line> = lines
        .into_iter()
        .filter_map(|l| chosen.get(&l.line_no).map(|m| Line { mark: m.applied(l.mark.clone()), ..l }))
        .collect();
    line_views(&state.db, drawn).await
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
    let line = packs::line(&txn, b.id, line_no).await?.ok_or_else(|| ApiError::not_found(m::thing_bill_line()))?;
    if fen > line.row.fund_fen {
        return Err(ApiError::invalid_field(
            "amount",
            "out_of_range",
            m::line_pays(ltci_shared::money::to_yuan(line.row.fund_fen)),
        ));
    }
    if line.mark.deducted_fen == fen && line.mark.deduction_reason == reason {
        drop(txn);
        return one_view(&state.db, line).await;
    }
    let deduction = Marking::Deduction { fen, reason };
    let mark = deduction.applied(line.mark.clone());
    packs::mark(&txn, b.id, &BTreeMap::from([(line.line_no, deduction)])).await?;
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
    one_view(&state.db, Line { mark, ..line }).await
}

/// One line as the API shows it.
async fn one_view<C: sea_orm::ConnectionTrait>(db: &C, line: Line) -> ApiResult<BillLine> {
    line_views(db, vec![line]).await?.pop().ok_or_else(|| ApiError::not_found(m::thing_bill_line()))
}
