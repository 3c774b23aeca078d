//! The month-end run (月末结算): every institution of the region gets its draft for a month that is
//! over, each in its own transaction, claimed with `SELECT … FOR NO KEY UPDATE SKIP LOCKED` on the
//! institution's row, so several runs — on several servers — share the work without a
//! coordinator and never compute one institution twice at once (SQLite has one writer anyway).
//! `NO KEY UPDATE` rather than `UPDATE`: rows referencing the institution (visits, stays, …) can
//! still be written meanwhile, their foreign keys taking only a key-share lock. Every run is
//! recorded (`month_end_runs`) with its progress, so a run started in the background is followed
//! from any server.

use chrono::{NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::settlement::{
    MonthEndOutcome, MonthEndReport, MonthEndRequest, MonthEndResult, MonthEndRun, MonthEndRunFilter,
};
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use ltci_shared::money::to_yuan;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::compute::{compute_in, month_over};
use crate::auth::{Actor, Permission};
use crate::entities::{bill, institution, month_end_run};
use crate::http::error::{ApiError, ApiResult};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::state::AppState;

/// What a run is about to do: its record, the month's bounds and the institutions to go through.
struct Planned {
    run: month_end_run::Model,
    bounds: (NaiveDate, NaiveDate),
    ids: Vec<Uuid>,
}

/// Checks the request and records the run, before any bill is computed.
async fn plan(state: &AppState, actor: &Actor, req: &MonthEndRequest) -> ApiResult<Planned> {
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
    let run = month_end_run::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        month: Set(req.month.clone()),
        started_by: Set(actor.user_id),
        started_at: Set(Utc::now()),
        institutions: Set(i32::try_from(ids.len()).unwrap_or(i32::MAX)),
        done: Set(0),
        finished_at: Set(None),
        report: Set(None),
        failure: Set(None),
    }
    .insert(&state.db)
    .await?;
    Ok(Planned { run, bounds, ids })
}

/// Computes the drafts of every institution of the actor's region for `month`, and answers when
/// it is done.
pub async fn run(state: &AppState, actor: &Actor, req: MonthEndRequest) -> ApiResult<MonthEndReport> {
    let planned = plan(state, actor, &req).await?;
    execute(state, actor, planned).await
}

/// Starts the month-end run in the background: the request is checked and the run recorded
/// before this answers; its progress is then read with [`get`].
pub async fn start(state: &AppState, actor: &Actor, req: MonthEndRequest) -> ApiResult<MonthEndRun> {
    let planned = plan(state, actor, &req).await?;
    let view = view(planned.run.clone())?;
    let (state, actor) = (state.clone(), actor.clone());
    tokio::spawn(async move {
        if let Err(e) = execute(&state, &actor, planned).await {
            tracing::warn!(code = e.code(), "month-end run stopped");
        }
    });
    Ok(view)
}

/// Goes through the planned institutions, recording the progress after each, then the report
/// (or the error it stopped on).
async fn execute(state: &AppState, actor: &Actor, planned: Planned) -> ApiResult<MonthEndReport> {
    let Planned { run, bounds, ids } = planned;
    let outcome = go_through(state, actor, &run, bounds, ids).await;
    let mut finish = month_end_run::Entity::update_many()
        .col_expr(month_end_run::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(month_end_run::Column::Id.eq(run.id));
    finish = match &outcome {
        Ok(report) => {
            let json = serde_json::to_string(report).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
            finish.col_expr(month_end_run::Column::Report, Expr::value(json))
        }
        Err(e) => finish.col_expr(month_end_run::Column::Failure, Expr::value(e.code())),
    };
    finish.exec(&state.db).await?;
    outcome
}

async fn go_through(
    state: &AppState,
    actor: &Actor,
    run: &month_end_run::Model,
    bounds: (NaiveDate, NaiveDate),
    ids: Vec<Uuid>,
) -> ApiResult<MonthEndReport> {
    let req = MonthEndRequest { month: run.month.clone() };
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        progressed(state, run.id, results.len()).await?;
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
                crate::audit::commit(txn).await?;
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
    progressed(state, run.id, results.len()).await?;
    tracing::info!(month = %req.month, institutions = results.len(), "month-end run");
    Ok(MonthEndReport { month: req.month, results })
}

async fn progressed(state: &AppState, run: Uuid, done: usize) -> ApiResult<()> {
    month_end_run::Entity::update_many()
        .col_expr(month_end_run::Column::Done, Expr::value(i32::try_from(done).unwrap_or(i32::MAX)))
        .filter(month_end_run::Column::Id.eq(run))
        .exec(&state.db)
        .await?;
    Ok(())
}

fn view(r: month_end_run::Model) -> ApiResult<MonthEndRun> {
    let report = r
        .report
        .as_deref()
        .map(serde_json::from_str::<MonthEndReport>)
        .transpose()
        .map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
    Ok(MonthEndRun {
        id: r.id,
        month: r.month,
        started_by: r.started_by,
        started_at: r.started_at,
        institutions: u32::try_from(r.institutions).unwrap_or(0),
        done: u32::try_from(r.done).unwrap_or(0),
        finished_at: r.finished_at,
        report,
        failure: r.failure,
    })
}

/// One run of the actor's region.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<MonthEndRun> {
    actor.require(Permission::ReadFunding)?;
    let r = month_end_run::Entity::find_by_id(id)
        .filter(month_end_run::Column::RegionId.eq(actor.region_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_month_end_run()))?;
    view(r)
}

/// The region's runs, latest first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    f: MonthEndRunFilter,
    page: PageRequest,
) -> ApiResult<Page<MonthEndRun>> {
    actor.require(Permission::ReadFunding)?;
    let mut q = month_end_run::Entity::find().filter(month_end_run::Column::RegionId.eq(actor.region_id));
    if let Some(month) = f.month {
        q = q.filter(month_end_run::Column::Month.eq(month));
    }
    try_fetch_page(&state.db, q.order_by_desc(month_end_run::Column::StartedAt), page, view).await
}
