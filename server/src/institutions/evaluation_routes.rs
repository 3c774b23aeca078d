//! HTTP handlers under `/evaluation-schemes` and `/institutions/{id}/evaluations|violations`.

use crate::http::extract::ApiQuery;
use crate::http::pagination::PageRequest;
use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::ErrorBody;
use ltci_shared::Page;
use ltci_shared::PageQuery;
use ltci_shared::api::evaluation::{
    Evaluation, EvaluationRequest, EvaluationScheme, SchemeInForce, Violation, ViolationRequest,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::evaluation;
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_scheme, put_scheme))
        .routes(routes!(list_evaluations, evaluate))
        .routes(routes!(list_violations, add_violation))
}

/// The evaluation sheet in force for a year (the latest set at or before it, else the default).
#[utoipa::path(get, path = "/evaluation-schemes/{year}", tag = "evaluation", security(("bearer" = [])), params(("year" = i32, Path)),
    responses((status = 200, body = SchemeInForce), (status = 422, body = ErrorBody)))]
async fn get_scheme(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<ApiJson<SchemeInForce>> {
    evaluation::get_scheme(&state, &actor, year).await.map(ApiJson)
}

/// Set the sheet from a year on: categories adding up to 1000, grade thresholds, deposit release
/// per credit class. Refused once evaluations of that year exist.
#[utoipa::path(put, path = "/evaluation-schemes/{year}", tag = "evaluation", security(("bearer" = [])), params(("year" = i32, Path)),
    request_body = EvaluationScheme,
    responses((status = 200, body = SchemeInForce), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_scheme(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(year): ApiPath<i32>,
    ApiJson(s): ApiJson<EvaluationScheme>,
) -> ApiResult<ApiJson<SchemeInForce>> {
    evaluation::put_scheme(&state, &actor, year, s).await.map(ApiJson)
}

/// An institution's evaluation history, latest year first.
#[utoipa::path(get, path = "/institutions/{id}/evaluations", tag = "evaluation", security(("bearer" = [])), params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<Evaluation>), (status = 404, body = ErrorBody)))]
async fn list_evaluations(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Evaluation>>> {
    let page: PageRequest = page.try_into()?;
    evaluation::list(&state, &actor, id).await.map(|all| ApiJson(page.of(all)))
}

/// Record the annual evaluation (评鉴): the server totals the sheet, deducts pending violations,
/// and gives grade, credit class and deposit release.
#[utoipa::path(post, path = "/institutions/{id}/evaluations", tag = "evaluation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = EvaluationRequest,
    responses((status = 201, body = Evaluation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn evaluate(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<EvaluationRequest>,
) -> ApiResult<(StatusCode, ApiJson<Evaluation>)> {
    Ok((StatusCode::CREATED, ApiJson(evaluation::evaluate(&state, &actor, id, req).await?)))
}

/// An institution's confirmed violations, latest first.
#[utoipa::path(get, path = "/institutions/{id}/violations", tag = "evaluation", security(("bearer" = [])), params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<Violation>), (status = 404, body = ErrorBody)))]
async fn list_violations(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Violation>>> {
    let page: PageRequest = page.try_into()?;
    evaluation::list_violations(&state, &actor, id).await.map(|all| ApiJson(page.of(all)))
}

/// Record a confirmed violation; its points come off the next evaluation.
#[utoipa::path(post, path = "/institutions/{id}/violations", tag = "evaluation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ViolationRequest,
    responses((status = 201, body = Violation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_violation(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ViolationRequest>,
) -> ApiResult<(StatusCode, ApiJson<Violation>)> {
    Ok((StatusCode::CREATED, ApiJson(evaluation::add_violation(&state, &actor, id, req).await?)))
}
