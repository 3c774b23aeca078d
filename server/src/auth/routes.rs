//! HTTP handlers: `/auth/login`, `/auth/refresh`, `/auth/logout`, `/me`.

use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::ErrorBody;
use ltci_shared::api::auth::{LoginRequest, Me, RefreshRequest, TokenPair};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::actor::ReqId;
use super::{Actor, service};
use crate::http::error::ApiResult;
use crate::http::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(refresh)).routes(routes!(logout)).routes(routes!(me))
}

/// Sign in with username and password.
///
/// After repeated failures for a username it is locked for a while (`429 account_locked`,
/// with `Retry-After`).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "invalid_credentials", body = ErrorBody),
        (status = 429, description = "account_locked", body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    ReqId(rid): ReqId,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<ApiJson<TokenPair>> {
    service::login(&state, &req.username, &req.password, rid).await.map(ApiJson)
}

/// Exchange a refresh token for a new token pair (the old refresh token stops working).
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "invalid_token, token_expired or refresh_token_reused", body = ErrorBody),
    ))]
async fn refresh(
    State(state): State<AppState>,
    ReqId(rid): ReqId,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> ApiResult<ApiJson<TokenPair>> {
    service::refresh(&state, &req.refresh_token, rid).await.map(ApiJson)
}

/// End the login the refresh token belongs to.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "signed out")))]
async fn logout(
    State(state): State<AppState>,
    ReqId(rid): ReqId,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> ApiResult<StatusCode> {
    service::logout(&state, &req.refresh_token, rid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who am I.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(actor: Actor, State(state): State<AppState>) -> ApiResult<ApiJson<Me>> {
    let user = crate::users::service::find_in_scope_or_self(&state, &actor, actor.user_id).await?;
    Ok(ApiJson(Me {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: actor.role,
        region_id: user.region_id,
        institution_id: user.institution_id,
    }))
}
