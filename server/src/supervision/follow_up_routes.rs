//! HTTP handlers under `/follow-up-samples`, `/follow-ups` and `/follow-up-averages` (回访).

use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::follow_ups::{
    AveragesQuery, FollowUp, FollowUpAnswer, FollowUpAverages, FollowUpFilter, FollowUpSample, FollowUpSampleRequest,
    RequestFollowUp,
};
use ltci_shared::messages as m;
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::follow_ups;
use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(draw_sample))
        .routes(routes!(get_sample))
        .routes(routes!(list_follow_ups, request_follow_up))
        .routes(routes!(get_follow_up))
        .routes(routes!(answer_follow_up))
        .routes(routes!(follow_up_averages))
}

/// Draw a month's follow-up sample from those who received care (agency officers). Once a
/// month: sent again, the sample drawn.
#[utoipa::path(post, path = "/follow-up-samples", tag = "supervision", security(("bearer" = [])),
    request_body = FollowUpSampleRequest,
    responses((status = 201, body = FollowUpSample), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn draw_sample(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<FollowUpSampleRequest>,
) -> ApiResult<(StatusCode, ApiJson<FollowUpSample>)> {
    Ok((StatusCode::CREATED, ApiJson(follow_ups::sample(&state, &actor, req).await?)))
}

/// The month's sample (`YYYY-MM`), with its follow-ups in scope.
#[utoipa::path(get, path = "/follow-up-samples/{month}", tag = "supervision", security(("bearer" = [])),
    params(("month" = String, Path)),
    responses((status = 200, body = FollowUpSample), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_sample(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(month): ApiPath<String>,
) -> ApiResult<ApiJson<FollowUpSample>> {
    follow_ups::sample_of(&state, &actor, &month)
        .await?
        .map(ApiJson)
        .ok_or_else(|| ApiError::not_found(m::thing_follow_up_sample()))
}

/// Follow-ups in scope, newest month first (institution staff: their own, once recorded).
#[utoipa::path(get, path = "/follow-ups", tag = "supervision", security(("bearer" = [])),
    params(FollowUpFilter, PageQuery),
    responses((status = 200, body = Page<FollowUp>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_follow_ups(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<FollowUpFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<FollowUp>>> {
    follow_ups::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Ask for a follow-up of one person about one month (a complaint, a suspicion; agency
/// officers). Sent again with the same id, the same follow-up.
#[utoipa::path(post, path = "/follow-ups", tag = "supervision", security(("bearer" = [])),
    request_body = RequestFollowUp,
    responses((status = 201, body = FollowUp), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request_follow_up(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RequestFollowUp>,
) -> ApiResult<(StatusCode, ApiJson<FollowUp>)> {
    Ok((StatusCode::CREATED, ApiJson(follow_ups::request(&state, &actor, req).await?)))
}

/// One follow-up.
#[utoipa::path(get, path = "/follow-ups/{id}", tag = "supervision", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = FollowUp), (status = 404, body = ErrorBody)))]
async fn get_follow_up(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<FollowUp>> {
    follow_ups::get(&state, &actor, id).await.map(ApiJson)
}

/// Record the answers, or that the person could not be reached (agency officers): "care not
/// given" and "payment asked" open findings.
#[utoipa::path(post, path = "/follow-ups/{id}/answer", tag = "supervision", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = FollowUpAnswer,
    responses((status = 200, body = FollowUp), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn answer_follow_up(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<FollowUpAnswer>,
) -> ApiResult<ApiJson<FollowUp>> {
    follow_ups::answer(&state, &actor, id, req).await.map(ApiJson)
}

/// What the year's follow-ups said, per institution and per caregiver (in scope).
#[utoipa::path(get, path = "/follow-up-averages", tag = "supervision", security(("bearer" = [])),
    params(AveragesQuery),
    responses((status = 200, body = FollowUpAverages), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn follow_up_averages(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AveragesQuery>,
) -> ApiResult<ApiJson<FollowUpAverages>> {
    follow_ups::averages(&state, &actor, q.year).await.map(ApiJson)
}
