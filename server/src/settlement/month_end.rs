//! The month-end run (月末结算): every institution of the region gets its draft for a month that is
//! over, each in its own transaction, claimed with `SELECT … FOR NO KEY UPDATE SKIP LOCKED` on the
//! institution's row, so several runs — on several servers — share the work without a
//! coordinator and never compute one institution twice at once (SQLite has one writer anyway).
//! `NO KEY UPDATE` rather than `UPDATE`: rows referencing the institution (visits, stays, …) can
//! still be written meanwhile, their foreign keys taking only a key-share lock. Every run is
//! recorded (`month_end_runs`) with its progress, so a run started in the background is followed
//! from any server.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::settlement::{
    BillStatus, MonthEndOutcome, MonthEndReport, MonthEndRequest, MonthEndResult, MonthEndRun, MonthEndRunFilter,
    MonthEndTotals, RejectionCount,
};
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use ltci_shared::money::to_yuan;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::compute::{Draft, bill_of, month_over, price_in, write_in};
use super::rows::Row;
use crate::auth::{Actor, Permission};
use crate::entities::{bill, enum_from_db, enum_to_db, institution, month_end_run};
use crate::http::error::{ApiError, ApiResult};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::state::AppState;

/// What a run is about to do: its record, the month's bounds and the institutions to go through.
#[derive(Debug)]
pub struct Planned {
    run: month_end_run::Model,
    bounds: (NaiveDate, NaiveDate),
    ids: Vec<Uuid>,
}

/// Checks the request and records the run, before any bill is computed.
pub async fn plan(state: &AppState, actor: &Actor, req: &MonthEndRequest) -> ApiResult<Planned> {
    // The run begins when it is asked for, before it waits for anything.
    let started_at = Utc::now();
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
        started_at: Set(started_at),
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
/// it is done; `progress` is told after each institution.
pub async fn run(
    state: &AppState,
    actor: &Actor,
    req: MonthEndRequest,
    progress: super::Progress<'_>,
) -> ApiResult<MonthEndReport> {
    let planned = plan(state, actor, &req).await?;
    execute(state, actor, planned, progress).await
}

/// Starts the month-end run in the background: the request is checked and the run recorded
/// before this answers; its progress is then read with [`get`].
pub async fn start(state: &AppState, actor: &Actor, req: MonthEndRequest) -> ApiResult<MonthEndRun> {
    let planned = plan(state, actor, &req).await?;
    let view = view(planned.run.clone())?;
    let (state, actor) = (state.clone(), actor.clone());
    tokio::spawn(async move {
        if let Err(e) = execute(&state, &actor, planned, &mut |_, _| {}).await {
            tracing::warn!(code = e.code(), "month-end run stopped");
        }
    });
    Ok(view)
}

/// Goes through the planned institutions, recording the progress after each, then the report
/// (or the error it stopped on).
pub async fn execute(
    state: &AppState,
    actor: &Actor,
    planned: Planned,
    progress: super::Progress<'_>,
) -> ApiResult<MonthEndReport> {
    let Planned { run, bounds, ids } = planned;
    // Boxed: the two halves of the run, joined, make a large future.
    let outcome = Box::pin(go_through(state, actor, &run, bounds, ids, progress)).await;
    let mut finish = month_end_run::Entity::update_many()
        .col_expr(month_end_run::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(month_end_run::Column::Id.eq(run.id));
    finish = match &outcome {
        Ok(report) => {
            let json = serde_json::to_string(report).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
            finish
                .col_expr(month_end_run::Column::Report, Expr::value(json))
                .col_expr(month_end_run::Column::Done, Expr::value(run.institutions))
        }
        Err(e) => finish.col_expr(month_end_run::Column::Failure, Expr::value(e.code())),
    };
    finish.exec(&state.db).await?;
    outcome
}

/// One institution after its claim: priced and waiting to be written in the transaction that
/// holds the claim, or settled without writing.
enum Step {
    Priced { txn: DatabaseTransaction, institution_id: Uuid, draft: Box<Draft> },
    Settled(MonthEndResult),
}

/// Prices and writes every institution's draft. On PostgreSQL the two overlap — the next
/// institution is claimed and priced on one connection while the last one's lines are written
/// on another — so the server's work and the database's run side by side; on SQLite (one
/// connection) they take turns.
async fn go_through(
    state: &AppState,
    actor: &Actor,
    run: &month_end_run::Model,
    bounds: (NaiveDate, NaiveDate),
    ids: Vec<Uuid>,
    progress: super::Progress<'_>,
) -> ApiResult<MonthEndReport> {
    let total = ids.len();
    let mut results = Vec::with_capacity(total);
    let mut totals = Totals::default();
    if state.db.get_database_backend() != DbBackend::Postgres {
        for id in ids {
            let step = claim_and_price(state, run, bounds, id).await?;
            results.push(write(state, actor, run, step, results.len() + 1, &mut totals).await?);
            progress(results.len(), total);
        }
    } else {
        let (send, mut receive) = tokio::sync::mpsc::channel::<Step>(1);
        let pricing = async move {
            for id in ids {
                let step = claim_and_price(state, run, bounds, id).await?;
                if send.send(step).await.is_err() {
                    break; // the writer stopped on an error, which it answers
                }
            }
            Ok::<(), ApiError>(())
        };
        let writing = async {
            while let Some(step) = receive.recv().await {
                results.push(write(state, actor, run, step, results.len() + 1, &mut totals).await?);
                progress(results.len(), total);
            }
            Ok::<(), ApiError>(())
        };
        let (priced, written) = tokio::join!(pricing, writing);
        written?;
        priced?;
    }
    tracing::info!(month = %run.month, institutions = results.len(), lines = totals.lines, "month-end run");
    Ok(MonthEndReport { month: run.month.clone(), results, totals: totals.finish() })
}

/// Claims an institution — its row locked, skipping one another run holds — and prices its
/// draft, unless its bill is no longer a draft or was computed after this run began (by another
/// run sharing the work: the claim that survives the other run's commit).
async fn claim_and_price(
    state: &AppState,
    run: &month_end_run::Model,
    bounds: (NaiveDate, NaiveDate),
    id: Uuid,
) -> ApiResult<Step> {
    let settled = |outcome, bill: Option<&bill::Model>| {
        Step::Settled(MonthEndResult {
            institution_id: id,
            outcome,
            bill_id: bill.map(|b| b.id),
            fund_amount: bill.map(|b| to_yuan(b.fund_fen)),
        })
    };
    let txn = state.db.begin().await?;
    let claimed = institution::Entity::find_by_id(id)
        .lock_with_behavior(LockType::NoKeyUpdate, LockBehavior::SkipLocked)
        .one(&txn)
        .await?;
    let Some(inst) = claimed else { return Ok(settled(MonthEndOutcome::Busy, None)) };
    let existing = bill_of(&txn, id, &run.month).await?;
    if let Some(b) = &existing
        && b.status == enum_to_db(&BillStatus::Draft)
        && b.computed_at >= run.started_at
    {
        return Ok(settled(MonthEndOutcome::ComputedMeanwhile, Some(b)));
    }
    let kept = existing.clone();
    match price_in(&txn, &inst, &run.month, bounds, existing, state.config.late_fact_margin()).await {
        Ok(draft) => Ok(Step::Priced { txn, institution_id: id, draft: Box::new(draft) }),
        Err(e) => {
            let outcome = match e.code() {
                codes::VALIDATION_FAILED if e.details().get("month").is_some_and(|i| i.code == "nothing_to_bill") => {
                    MonthEndOutcome::NothingToBill
                }
                codes::INVALID_STATE_TRANSITION => MonthEndOutcome::AlreadySubmitted,
                codes::CONFLICT => MonthEndOutcome::Busy,
                _ => return Err(e),
            };
            Ok(settled(outcome, kept.as_ref()))
        }
    }
}

/// Writes a priced draft and the run's progress (`done` institutions) in the draft's
/// transaction, and commits it.
async fn write(
    state: &AppState,
    actor: &Actor,
    run: &month_end_run::Model,
    step: Step,
    done: usize,
    totals: &mut Totals,
) -> ApiResult<MonthEndResult> {
    let (txn, institution_id, draft) = match step {
        Step::Priced { txn, institution_id, draft } => (txn, institution_id, draft),
        Step::Settled(result) => {
            progressed(&state.db, run.id, done).await?;
            return Ok(result);
        }
    };
    totals.add(&draft.rows);
    let (created, b) = write_in(&txn, actor, institution_id, &run.month, *draft).await?;
    progressed(&txn, run.id, done).await?;
    crate::audit::commit(txn).await?;
    Ok(MonthEndResult {
        institution_id,
        outcome: if created { MonthEndOutcome::Created } else { MonthEndOutcome::Computed },
        bill_id: Some(b.id),
        fund_amount: Some(to_yuan(b.fund_fen)),
    })
}

/// The drafts' lines summed as the run writes them.
#[derive(Default)]
struct Totals {
    lines: u64,
    rejected: u64,
    claimed_fen: i64,
    fund_fen: i64,
    rejections: HashMap<String, u64>,
}

impl Totals {
    fn add(&mut self, rows: &[Row]) {
        for r in rows {
            self.lines += 1;
            self.claimed_fen += r.claimed_fen;
            self.fund_fen += r.fund_fen;
            if let Some(code) = &r.rejection {
                self.rejected += 1;
                *self.rejections.entry(code.clone()).or_insert(0) += 1;
            }
        }
    }

    fn finish(self) -> MonthEndTotals {
        let mut rejections: Vec<RejectionCount> = self
            .rejections
            .into_iter()
            .filter_map(|(code, lines)| enum_from_db(&code).ok().map(|rejection| RejectionCount { rejection, lines }))
            .collect();
        rejections.sort_by(|a, b| {
            b.lines.cmp(&a.lines).then_with(|| enum_to_db(&a.rejection).cmp(&enum_to_db(&b.rejection)))
        });
        MonthEndTotals {
            lines: self.lines,
            rejected_lines: self.rejected,
            claimed: to_yuan(self.claimed_fen),
            fund_amount: to_yuan(self.fund_fen),
            rejections,
        }
    }
}

async fn progressed<C: ConnectionTrait>(db: &C, run: Uuid, done: usize) -> ApiResult<()> {
    month_end_run::Entity::update_many()
        .col_expr(month_end_run::Column::Done, Expr::value(i32::try_from(done).unwrap_or(i32::MAX)))
        .filter(month_end_run::Column::Id.eq(run))
        .exec(db)
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
