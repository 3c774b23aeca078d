//! The monthly analysis (事后分析): a region's month read ([`facts`]), every rule run over it
//! ([`rules`]), and what they found recorded as findings ([`record`]) — a rerun updating the
//! same findings, never adding them twice. Each run is recorded (`monitor_runs`) with its stage
//! and progress, so a run started in the background is followed from any server.

pub mod facts;
pub mod record;
pub mod rules;

use chrono::{Duration, NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::supervision::{MonitorReport, MonitorRequest, MonitorRun};
use ltci_shared::messages as m;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::auth::{Actor, Permission};
use crate::entities::monitor_run;
use crate::http::error::{ApiError, ApiResult};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::state::AppState;

/// The stages of a run, as `monitor_runs.stage` records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Checking,
    Recording,
    Done,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Checking => "checking",
            Stage::Recording => "recording",
            Stage::Done => "done",
        }
    }
}

/// Told of the progress: the stage, and how far into it.
pub type Tick<'a> = &'a mut (dyn FnMut(Stage, u64, u64) + Send);

/// A run not finished after this long is taken to have stopped (its server went away).
const STALE_AFTER_HOURS: i64 = 2;

/// What a run is about to do.
struct Planned {
    run: monitor_run::Model,
    bounds: (NaiveDate, NaiveDate),
}

/// Checks the request and records the run: the month must be over, and no other run of the
/// region's month under way.
async fn plan(state: &AppState, actor: &Actor, req: &MonitorRequest) -> ApiResult<Planned> {
    actor.require(Permission::RunMonitoring)?;
    let bounds = crate::fields::month(req.month.trim()).map_err(|(c, t)| ApiError::invalid_field("month", c, t))?;
    if bounds.1 >= actor.today {
        return Err(ApiError::invalid_field("month", "month_not_over", m::monitor_month_not_over()));
    }
    let month = bounds.0.format("%Y-%m").to_string();
    // A run unfinished for hours stopped with its server: it no longer holds the month.
    monitor_run::Entity::update_many()
        .col_expr(monitor_run::Column::FinishedAt, Expr::value(Utc::now()))
        .col_expr(monitor_run::Column::Failure, Expr::value("abandoned"))
        .filter(monitor_run::Column::RegionId.eq(actor.region_id))
        .filter(monitor_run::Column::Month.eq(&month))
        .filter(monitor_run::Column::FinishedAt.is_null())
        .filter(monitor_run::Column::StartedAt.lt(Utc::now() - Duration::hours(STALE_AFTER_HOURS)))
        .exec(&state.db)
        .await?;
    // One unfinished run per region and month (a unique index): a second one is refused.
    let run = monitor_run::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        month: Set(month),
        started_by: Set(actor.user_id),
        started_at: Set(Utc::now()),
        stage: Set(Stage::Reading.code().to_owned()),
        done: Set(0),
        total: Set(0),
        finished_at: Set(None),
        report: Set(None),
        failure: Set(None),
    }
    .insert(&state.db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ApiError::conflict("month", m::monitor_running()),
        _ => e.into(),
    })?;
    Ok(Planned { run, bounds })
}

/// Analyses the actor's region's month and answers when done (`ltci-server monitor`).
pub async fn run(state: &AppState, actor: &Actor, req: MonitorRequest, tick: Tick<'_>) -> ApiResult<MonitorReport> {
    let planned = plan(state, actor, &req).await?;
    execute(state, actor, planned, tick).await
}

/// Starts the analysis in the background: the request is checked and the run recorded before
/// this answers; its progress is then read with [`get`].
pub async fn start(state: &AppState, actor: &Actor, req: MonitorRequest) -> ApiResult<MonitorRun> {
    let planned = plan(state, actor, &req).await?;
    let answer = view(planned.run.clone())?;
    let (state, actor) = (state.clone(), actor.clone());
    tokio::spawn(async move {
        if let Err(e) = execute(&state, &actor, planned, &mut |_, _, _| {}).await {
            tracing::warn!(code = e.code(), "monitoring run stopped");
        }
    });
    Ok(answer)
}

/// Runs the planned analysis, recording each stage, then the report (or the error it stopped on).
async fn execute(state: &AppState, actor: &Actor, planned: Planned, tick: Tick<'_>) -> ApiResult<MonitorReport> {
    let Planned { run, bounds } = planned;
    let run_id = run.id;
    let outcome = analyse(state, actor, &run, bounds, tick).await;
    let mut finish = monitor_run::Entity::update_many()
        .col_expr(monitor_run::Column::FinishedAt, Expr::value(Utc::now()))
        .filter(monitor_run::Column::Id.eq(run_id));
    finish = match &outcome {
        Ok(report) => {
            let json = serde_json::to_string(report).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
            finish
                .col_expr(monitor_run::Column::Report, Expr::value(json))
                .col_expr(monitor_run::Column::Stage, Expr::value(Stage::Done.code()))
        }
        Err(e) => finish.col_expr(monitor_run::Column::Failure, Expr::value(e.code())),
    };
    finish.exec(&state.db).await?;
    outcome
}

/// Records a run's stage and progress.
pub async fn progressed<C: sea_orm::ConnectionTrait>(
    db: &C,
    run: Uuid,
    stage: Stage,
    done: u64,
    total: u64,
) -> ApiResult<()> {
    monitor_run::Entity::update_many()
        .col_expr(monitor_run::Column::Stage, Expr::value(stage.code()))
        .col_expr(monitor_run::Column::Done, Expr::value(i64::try_from(done).unwrap_or(i64::MAX)))
        .col_expr(monitor_run::Column::Total, Expr::value(i64::try_from(total).unwrap_or(i64::MAX)))
        .filter(monitor_run::Column::Id.eq(run))
        .exec(db)
        .await?;
    Ok(())
}

async fn analyse(
    state: &AppState,
    actor: &Actor,
    run: &monitor_run::Model,
    bounds: (NaiveDate, NaiveDate),
    tick: Tick<'_>,
) -> ApiResult<MonitorReport> {
    let db = &state.db;
    tick(Stage::Reading, 0, 1);
    progressed(db, run.id, Stage::Reading, 0, 1).await?;
    let version = crate::policy::in_force(db, actor.region_id, bounds.1).await?;
    let document = version.as_ref().map(crate::policy::service::document_of).transpose()?;
    let thresholds = rules::Thresholds {
        max_speed_kmh: document.as_ref().map_or(60, |d| d.monitoring.max_travel_speed_kmh),
        geofence_m: document.as_ref().map_or(300, |d| d.monitoring.geofence_radius_m),
        analysis: document.as_ref().map(|d| d.monitoring.analysis.clone()).unwrap_or_default(),
    };
    let zone = state.time_zones.zone(db, actor.region_id).await?;
    let (month, bed_days) = facts::read(db, actor.region_id, zone, &run.month, bounds, document.as_ref()).await?;
    tick(Stage::Checking, 0, 1);
    progressed(db, run.id, Stage::Checking, 0, 1).await?;
    let found = rules::check(&month, &thresholds);
    let total = found.len() as u64;
    progressed(db, run.id, Stage::Recording, 0, total).await?;
    let mut recorded = |done: u64| tick(Stage::Recording, done, total);
    let (rules, lapsed) =
        record::record(db, actor, run.id, &run.month, version.map(|v| v.id), found, &mut recorded).await?;
    tracing::info!(month = %run.month, findings = total, lapsed, "monitoring run");
    Ok(MonitorReport { month: run.month.clone(), visits: month.visits.len() as u64, bed_days, rules, lapsed })
}

/// A stored run; a report that no longer reads is an error, as a month-end run's is.
fn view(r: monitor_run::Model) -> ApiResult<MonitorRun> {
    let report = r
        .report
        .as_deref()
        .map(serde_json::from_str::<MonitorReport>)
        .transpose()
        .map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
    Ok(MonitorRun {
        id: r.id,
        month: r.month,
        started_by: r.started_by,
        started_at: r.started_at,
        stage: r.stage,
        done: u64::try_from(r.done).unwrap_or(0),
        total: u64::try_from(r.total).unwrap_or(0),
        finished_at: r.finished_at,
        report,
        failure: r.failure,
    })
}

/// One run of the actor's region.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<MonitorRun> {
    actor.require(Permission::RunMonitoring)?;
    monitor_run::Entity::find_by_id(id)
        .filter(monitor_run::Column::RegionId.eq(actor.region_id))
        .one(&state.db)
        .await?
        .map(view)
        .ok_or_else(|| ApiError::not_found(m::thing_monitor_run()))?
}

/// The region's runs, newest first.
pub async fn list(state: &AppState, actor: &Actor, page: PageRequest) -> ApiResult<Page<MonitorRun>> {
    actor.require(Permission::RunMonitoring)?;
    let q = monitor_run::Entity::find()
        .filter(monitor_run::Column::RegionId.eq(actor.region_id))
        .order_by_desc(monitor_run::Column::StartedAt)
        .order_by_desc(monitor_run::Column::Id);
    try_fetch_page(&state.db, q, page, view).await
}
