//! HTTP handlers under `/findings`, `/monitor-runs`, `/sanctions`, `/supervision-dashboard` and
//! the public `/public/regions/{code}/sanctions`.

use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::care::Visit;
use ltci_shared::api::supervision::{
    AnswerFinding, CreateSanction, DashboardQuery, DashboardVisitsQuery, DecideFinding, Finding, FindingFilter,
    FindingsReport, LiftSanction, MonitorRequest, MonitorRun, PublicSanction, ReportFilter, Sanction, SanctionFilter,
    SupervisionDashboard,
};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{analysis, dashboard, findings, report, sanctions};
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sanctions, create_sanction))
        .routes(routes!(get_sanction))
        .routes(routes!(lift_sanction))
        .routes(routes!(public_sanctions))
        .routes(routes!(list_findings))
        .routes(routes!(get_finding))
        .routes(routes!(answer_finding))
        .routes(routes!(decide_finding))
        .routes(routes!(list_monitor_runs, start_monitor_run))
        .routes(routes!(get_monitor_run))
        .routes(routes!(findings_report))
        .routes(routes!(findings_report_csv))
        .routes(routes!(supervision_dashboard))
        .routes(routes!(dashboard_visits))
}

/// A month's home visits per institution as supervision reads them — missed, unscheduled,
/// outside the geofence, verified by a person, corrected — and its findings (institution staff:
/// their own).
#[utoipa::path(get, path = "/supervision-dashboard", tag = "supervision", security(("bearer" = [])),
    params(DashboardQuery),
    responses((status = 200, body = SupervisionDashboard), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn supervision_dashboard(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<ApiJson<SupervisionDashboard>> {
    dashboard::dashboard(&state, &actor, &q.month).await.map(ApiJson)
}

/// The visits behind one figure of the dashboard.
#[utoipa::path(get, path = "/supervision-dashboard/visits", tag = "supervision", security(("bearer" = [])),
    params(DashboardVisitsQuery, PageQuery),
    responses((status = 200, body = Page<Visit>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn dashboard_visits(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
    ApiQuery(q): ApiQuery<DashboardVisitsQuery>,
) -> ApiResult<ApiJson<Page<Visit>>> {
    let page = page.try_into()?;
    dashboard::visits(&state, &actor, q, page).await.map(ApiJson)
}

/// The findings report: findings in scope by status, with what they deducted and what is to be
/// recovered, grouped by rule, institution, county (the caregiver's) or month; the total last.
#[utoipa::path(get, path = "/findings-report", tag = "supervision", security(("bearer" = [])), params(ReportFilter),
    responses((status = 200, body = FindingsReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn findings_report(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<ReportFilter>,
) -> ApiResult<ApiJson<FindingsReport>> {
    report::report(&state, &actor, &f).await.map(ApiJson)
}

/// The findings report as CSV.
#[utoipa::path(get, path = "/findings-report.csv", tag = "supervision", security(("bearer" = [])), params(ReportFilter),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
async fn findings_report_csv(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<ReportFilter>,
) -> ApiResult<axum::response::Response> {
    let (name, body) = report::csv(&state, &actor, &f).await?;
    Ok(crate::http::download::csv_response(&name, body))
}

/// Monitoring findings in scope (officers and auditors the region's; institution staff those
/// about their own institution, with only their own records), the latest month first.
#[utoipa::path(get, path = "/findings", tag = "supervision", security(("bearer" = [])), params(FindingFilter, PageQuery),
    responses((status = 200, body = Page<Finding>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_findings(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<FindingFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Finding>>> {
    findings::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// One finding, with its evidence and records.
#[utoipa::path(get, path = "/findings/{id}", tag = "supervision", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Finding), (status = 404, body = ErrorBody)))]
async fn get_finding(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Finding>> {
    findings::get(&state, &actor, id).await.map(ApiJson)
}

/// The institution's answer to a finding about it: once, while the finding is open.
#[utoipa::path(post, path = "/findings/{id}/answer", tag = "supervision", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AnswerFinding,
    responses((status = 200, body = Finding), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn answer_finding(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AnswerFinding>,
) -> ApiResult<ApiJson<Finding>> {
    findings::answer(&state, &actor, id, req).await.map(ApiJson)
}

/// Confirm or dismiss an open finding, with a reason (agency officers). Confirmed: its affected
/// services are deducted from submitted bills and recovered by the next bill where already
/// approved, and a violation is recorded for the institution's next evaluation.
#[utoipa::path(post, path = "/findings/{id}/decide", tag = "supervision", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = DecideFinding,
    responses((status = 200, body = Finding), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide_finding(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<DecideFinding>,
) -> ApiResult<ApiJson<Finding>> {
    findings::decide(&state, &actor, id, req).await.map(ApiJson)
}

/// The region's monthly analyses, newest first.
#[utoipa::path(get, path = "/monitor-runs", tag = "supervision", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<MonitorRun>), (status = 403, body = ErrorBody)))]
async fn list_monitor_runs(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<MonitorRun>>> {
    analysis::list(&state, &actor, page.try_into()?).await.map(ApiJson)
}

/// Start the monthly analysis (事后分析) of a month that is over, in the background (agency
/// officers); follow it with `GET /monitor-runs/{id}`. Running a month again updates its
/// findings, never duplicates them.
#[utoipa::path(post, path = "/monitor-runs", tag = "supervision", security(("bearer" = [])), request_body = MonitorRequest,
    responses((status = 202, body = MonitorRun), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn start_monitor_run(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<MonitorRequest>,
) -> ApiResult<(StatusCode, ApiJson<MonitorRun>)> {
    Ok((StatusCode::ACCEPTED, ApiJson(analysis::start(&state, &actor, req).await?)))
}

/// One monthly analysis: its stage, progress and, once done, its report.
#[utoipa::path(get, path = "/monitor-runs/{id}", tag = "supervision", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = MonitorRun), (status = 404, body = ErrorBody)))]
async fn get_monitor_run(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<MonitorRun>> {
    analysis::get(&state, &actor, id).await.map(ApiJson)
}

/// Sanctions in scope, newest first (officers and auditors the region's; institution staff
/// those on their own caregivers).
#[utoipa::path(get, path = "/sanctions", tag = "supervision", security(("bearer" = [])), params(SanctionFilter, PageQuery),
    responses((status = 200, body = Page<Sanction>), (status = 403, body = ErrorBody)))]
async fn list_sanctions(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<SanctionFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Sanction>>> {
    sanctions::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Bar a caregiver or an institution's legal representative from long-term care work for a
/// period (处理, agency officers), on a confirmed finding if one is named: their assignments end
/// the day before; registering or assigning them is refused, and their visits in the ban are not
/// paid, until it ends.
#[utoipa::path(post, path = "/sanctions", tag = "supervision", security(("bearer" = [])), request_body = CreateSanction,
    responses((status = 201, body = Sanction), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_sanction(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CreateSanction>,
) -> ApiResult<(StatusCode, ApiJson<Sanction>)> {
    Ok((StatusCode::CREATED, ApiJson(sanctions::create(&state, &actor, req).await?)))
}

/// One sanction.
#[utoipa::path(get, path = "/sanctions/{id}", tag = "supervision", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Sanction), (status = 404, body = ErrorBody)))]
async fn get_sanction(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Sanction>> {
    sanctions::get(&state, &actor, id).await.map(ApiJson)
}

/// End a ban early (on appeal, say; agency officers).
#[utoipa::path(post, path = "/sanctions/{id}/lift", tag = "supervision", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = LiftSanction,
    responses((status = 200, body = Sanction), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn lift_sanction(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<LiftSanction>,
) -> ApiResult<ApiJson<Sanction>> {
    sanctions::lift(&state, &actor, id, req).await.map(ApiJson)
}

/// The region's sanctions as published (公开), newest first: the person by surname only, the
/// institution, the measure, the period and the reason. No sign-in.
#[utoipa::path(get, path = "/public/regions/{code}/sanctions", tag = "supervision", params(("code" = String, Path), PageQuery),
    responses((status = 200, body = Page<PublicSanction>), (status = 404, body = ErrorBody)))]
async fn public_sanctions(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<PublicSanction>>> {
    sanctions::public(&state, &code, page.try_into()?).await.map(ApiJson)
}
