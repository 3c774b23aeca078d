//! The month-end run (月末结算): every institution of the region gets its draft for a month that is
//! over, each in its own transaction, claimed with `SELECT … FOR NO KEY UPDATE SKIP LOCKED` on the
//! institution's row, so several runs — on several servers — share the work without a
//! coordinator and never compute one institution twice at once (SQLite has one writer anyway).
//! `NO KEY UPDATE` rather than `UPDATE`: rows referencing the institution (visits, stays, …) can
//! still be written meanwhile, their foreign keys taking only a key-share lock.

use ltci_shared::api::settlement::{MonthEndOutcome, MonthEndReport, MonthEndRequest, MonthEndResult};
use ltci_shared::error::codes;
use ltci_shared::money::to_yuan;
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use uuid::Uuid;

use super::compute::{compute_in, month_over};
use crate::auth::{Actor, Permission};
use crate::entities::{bill, institution};
use crate::http::error::ApiResult;
use crate::state::AppState;

/// Computes the drafts of every institution of the actor's region for `month`.
pub async fn run(state: &AppState, actor: &Actor, req: MonthEndRequest) -> ApiResult<MonthEndReport> {
    actor.require(Permission::SettleBills)?;
    let bounds = month_over(actor, &req.month)?;
    let ids: Vec<Uuid> = institution::Entity::find()
        .select_only()
        .column(institution::Column::Id)
        .filter(institution::Column::RegionId.eq(actor.region_id))
        .order_by_asc(institution::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let txn = state.db.begin().await?;
        let claimed = institution::Entity::find_by_id(id)
            .lock_with_behavior(LockType::NoKeyUpdate, LockBehavior::SkipLocked)
            .one(&txn)
            .await?;
        let Some(inst) = claimed else {
            results.push(MonthEndResult {
                institution_id: id,
                outcome: MonthEndOutcome::Busy,
                bill_id: None,
                fund_amount: None,
            });
            continue;
        };
        let result = match compute_in(&txn, actor, &inst, &req.month, bounds).await {
            Ok((created, b)) => {
                txn.commit().await?;
                let outcome = if created { MonthEndOutcome::Created } else { MonthEndOutcome::Computed };
                MonthEndResult {
                    institution_id: id,
                    outcome,
                    bill_id: Some(b.id),
                    fund_amount: Some(to_yuan(b.fund_fen)),
                }
            }
            Err(e) => {
                drop(txn);
                let outcome = match e.code() {
                    codes::VALIDATION_FAILED
                        if e.details().get("month").is_some_and(|i| i.code == "nothing_to_bill") =>
                    {
                        MonthEndOutcome::NothingToBill
                    }
                    codes::INVALID_STATE_TRANSITION => MonthEndOutcome::AlreadySubmitted,
                    codes::CONFLICT => MonthEndOutcome::Busy,
                    _ => return Err(e),
                };
                let existing = bill::Entity::find()
                    .filter(bill::Column::InstitutionId.eq(id))
                    .filter(bill::Column::Month.eq(&req.month))
                    .one(&state.db)
                    .await?;
                MonthEndResult {
                    institution_id: id,
                    outcome,
                    bill_id: existing.as_ref().map(|b| b.id),
                    fund_amount: existing.map(|b| to_yuan(b.fund_fen)),
                }
            }
        };
        results.push(result);
    }
    tracing::info!(month = %req.month, institutions = results.len(), "month-end run");
    Ok(MonthEndReport { month: req.month, results })
}
