//! HTTP handlers under `/sanctions` and the public `/public/regions/{code}/sanctions`.

use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::supervision::{CreateSanction, LiftSanction, PublicSanction, Sanction, SanctionFilter};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::sanctions;
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

/// Bar a caregiver from long-term care work for a period (处理, agency officers): their
/// assignments end the day before; registering or assigning them is refused, and their visits
/// in the ban are not paid, until it ends.
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
