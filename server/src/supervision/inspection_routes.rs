//! HTTP handlers under `/inspection-conflicts`, `/inspection-draws`, `/inspections` and the
//! public `/public/regions/{code}/inspections` (双随机、一公开).

use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::inspections::{
    DeclareConflict, DrawRequest, Inspection, InspectionConflict, InspectionDraw, InspectionFilter, InspectionResult,
    PublicDraw,
};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::inspections;
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_conflicts, declare_conflict))
        .routes(routes!(list_draws, create_draw))
        .routes(routes!(get_draw))
        .routes(routes!(list_inspections))
        .routes(routes!(get_inspection))
        .routes(routes!(record_result))
        .routes(routes!(public_inspections))
}

/// The region's declared links between inspectors and institutions (回避; officers and auditors).
#[utoipa::path(get, path = "/inspection-conflicts", tag = "supervision", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<InspectionConflict>), (status = 403, body = ErrorBody)))]
async fn list_conflicts(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<InspectionConflict>>> {
    inspections::conflicts(&state, &actor, page.try_into()?).await.map(ApiJson)
}

/// Declare an inspector's link to an institution: no draw sends them there (agency officers).
#[utoipa::path(post, path = "/inspection-conflicts", tag = "supervision", security(("bearer" = [])),
    request_body = DeclareConflict,
    responses((status = 201, body = InspectionConflict), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn declare_conflict(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<DeclareConflict>,
) -> ApiResult<(StatusCode, ApiJson<InspectionConflict>)> {
    Ok((StatusCode::CREATED, ApiJson(inspections::declare_conflict(&state, &actor, req).await?)))
}

/// The region's draws, newest first (officers and auditors).
#[utoipa::path(get, path = "/inspection-draws", tag = "supervision", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<InspectionDraw>), (status = 403, body = ErrorBody)))]
async fn list_draws(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<InspectionDraw>>> {
    inspections::list_draws(&state, &actor, page.try_into()?).await.map(ApiJson)
}

/// Draw institutions (by risk weight if asked) and inspectors for on-site inspections, with the
/// seed recorded (agency officers). Sending the same `id` again returns the same draw.
#[utoipa::path(post, path = "/inspection-draws", tag = "supervision", security(("bearer" = [])),
    request_body = DrawRequest,
    responses((status = 201, body = InspectionDraw), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_draw(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<DrawRequest>,
) -> ApiResult<(StatusCode, ApiJson<InspectionDraw>)> {
    Ok((StatusCode::CREATED, ApiJson(inspections::create_draw(&state, &actor, req).await?)))
}

/// One draw with what it was drawn from and its inspections.
#[utoipa::path(get, path = "/inspection-draws/{id}", tag = "supervision", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = InspectionDraw), (status = 404, body = ErrorBody)))]
async fn get_draw(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<InspectionDraw>> {
    inspections::get_draw(&state, &actor, id).await.map(ApiJson)
}

/// Inspections in scope (institution staff: their own, once recorded).
#[utoipa::path(get, path = "/inspections", tag = "supervision", security(("bearer" = [])),
    params(InspectionFilter, PageQuery),
    responses((status = 200, body = Page<Inspection>), (status = 403, body = ErrorBody)))]
async fn list_inspections(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<InspectionFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Inspection>>> {
    inspections::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// One inspection.
#[utoipa::path(get, path = "/inspections/{id}", tag = "supervision", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Inspection), (status = 404, body = ErrorBody)))]
async fn get_inspection(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Inspection>> {
    inspections::get(&state, &actor, id).await.map(ApiJson)
}

/// Record what the inspectors found (agency officers): each problem opens a finding.
#[utoipa::path(post, path = "/inspections/{id}/result", tag = "supervision", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = InspectionResult,
    responses((status = 200, body = Inspection), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_result(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<InspectionResult>,
) -> ApiResult<ApiJson<Inspection>> {
    inspections::record_result(&state, &actor, id, req).await.map(ApiJson)
}

/// The region's closed draws as published (公开): the seed, the candidates with their weights,
/// the pool and the links excluded — enough to draw again — and each inspection's outcome.
/// No sign-in.
#[utoipa::path(get, path = "/public/regions/{code}/inspections", tag = "supervision",
    params(("code" = String, Path), PageQuery),
    responses((status = 200, body = Page<PublicDraw>), (status = 404, body = ErrorBody)))]
async fn public_inspections(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<PublicDraw>>> {
    inspections::public(&state, &code, page.try_into()?).await.map(ApiJson)
}
