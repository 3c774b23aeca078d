//! HTTP handlers under `/users`.

use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::users::{CreateUserRequest, ResetPasswordRequest, UserFilter, UserView};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::service;
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user))
        .routes(routes!(deactivate_user))
        .routes(routes!(reset_password))
}

/// List the user accounts in the caller's scope, ordered by username.
#[utoipa::path(get, path = "/users", tag = "users", security(("bearer" = [])), params(UserFilter, PageQuery),
    responses((status = 200, body = Page<UserView>), (status = 403, body = ErrorBody)))]
async fn list_users(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<UserFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<UserView>>> {
    service::list(&state, &actor, filter, page.try_into()?).await.map(ApiJson)
}

/// Create a user account.
#[utoipa::path(post, path = "/users", tag = "users", security(("bearer" = [])), request_body = CreateUserRequest,
    responses((status = 201, body = UserView), (status = 409, description = "username taken", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> ApiResult<(StatusCode, ApiJson<UserView>)> {
    Ok((StatusCode::CREATED, ApiJson(service::create(&state, &actor, req).await?)))
}

/// One user account.
#[utoipa::path(get, path = "/users/{id}", tag = "users", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
async fn get_user(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<UserView>> {
    service::get(&state, &actor, id).await.map(ApiJson)
}

/// Deactivate an account: it can no longer sign in and its tokens stop working at once.
#[utoipa::path(post, path = "/users/{id}/deactivate", tag = "users", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
async fn deactivate_user(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<UserView>> {
    service::deactivate(&state, &actor, id).await.map(ApiJson)
}

/// Set a new password; the user's logins are ended and any lock is lifted.
#[utoipa::path(post, path = "/users/{id}/password", tag = "users", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ResetPasswordRequest, responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reset_password(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    service::reset_password(&state, &actor, id, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
