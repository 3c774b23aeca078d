//! HTTP handlers under `/policies`.

use crate::http::pagination::PageRequest;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use ltci_shared::ErrorBody;
use ltci_shared::Page;
use ltci_shared::PageQuery;
use ltci_shared::api::policy::{InForceQuery, PolicySummary, PolicyVersion};
use ltci_shared::api::settlement::{WhatIfQuery, WhatIfReport};
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::document::Format;
use super::service;
use crate::auth::Actor;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::settlement::what_if;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, import_policy))
        .routes(routes!(policy_in_force))
        .routes(routes!(get_policy))
        .routes(routes!(policy_what_if))
        .routes(routes!(policy_what_if_csv))
}

/// The draft document of a what-if, from the request's body (TOML or JSON as its content type
/// says), once the actor may run one.
fn draft_of(actor: &Actor, headers: &HeaderMap, body: &Bytes) -> ApiResult<ltci_shared::policy::PolicyDocument> {
    actor.require(crate::auth::Permission::ManagePolicy)?;
    service::read_file(body, format_of(headers)?)
}

/// A document's format, as the request's content type says (`415` for another type).
fn format_of(headers: &HeaderMap) -> ApiResult<Format> {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(Format::of_content_type).ok_or_else(|| {
        ApiError::other(StatusCode::UNSUPPORTED_MEDIA_TYPE, codes::UNSUPPORTED_MEDIA_TYPE, m::send_policy())
    })
}

/// The policy what-if (政策测算): the facts of the months `from` to `to` (over, at most 24) priced
/// under the draft document in the body (TOML with `Content-Type: application/toml`, or JSON)
/// from its effective date, against the versions in force and what the settled bills paid, per
/// month, institution, care mode and scheme, with each fund's months covered. Nothing is written.
#[utoipa::path(post, path = "/policies/what-if", tag = "policy", security(("bearer" = [])), params(WhatIfQuery),
    request_body(content = String, content_type = "application/toml", description = "the draft policy document (docs/policy.md)"),
    responses((status = 200, body = WhatIfReport), (status = 403, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn policy_what_if(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<WhatIfQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<ApiJson<WhatIfReport>> {
    let draft = draft_of(&actor, &headers, &body)?;
    Box::pin(what_if::run(&state, &actor, q, draft, &mut |_, _| {})).await.map(ApiJson)
}

/// The policy what-if as CSV: one row per month, institution, care mode and scheme with the
/// lines, what was paid, what the versions in force and the draft pay, and the difference.
#[utoipa::path(post, path = "/policies/what-if/csv", tag = "policy", security(("bearer" = [])), params(WhatIfQuery),
    request_body(content = String, content_type = "application/toml", description = "the draft policy document (docs/policy.md)"),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn policy_what_if_csv(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<WhatIfQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::response::Response> {
    let draft = draft_of(&actor, &headers, &body)?;
    let report = Box::pin(what_if::run(&state, &actor, q, draft, &mut |_, _| {})).await?;
    let names = what_if::institution_names(&state, &actor, &report).await?;
    let name = format!("what-if-{}-{}.csv", report.from, report.to);
    Ok(crate::http::download::csv_response(&name, what_if::csv(&report, &names)?))
}

/// Import a policy document (TOML with `Content-Type: application/toml`, or JSON) as the next
/// version of your region's policy. 201 for a new version; 200 with the existing version when
/// the same document was imported before. Every problem is reported at its key.
#[utoipa::path(post, path = "/policies", tag = "policy", security(("bearer" = [])),
    request_body(content = String, content_type = "application/toml", description = "the policy document (docs/policy.md)"),
    responses((status = 201, body = PolicyVersion), (status = 200, body = PolicyVersion),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_policy(
    actor: Actor,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, ApiJson<PolicyVersion>)> {
    actor.require(crate::auth::Permission::ManagePolicy)?;
    let (version, created) = service::import_file(&state.db, &actor, &body, format_of(&headers)?).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(version)))
}

/// Your region's policy versions, newest first, marking the one in force today.
#[utoipa::path(get, path = "/policies", tag = "policy", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<PolicySummary>)))]
async fn list_policies(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<PolicySummary>>> {
    let page: PageRequest = page.try_into()?;
    service::list(&state.db, &actor).await.map(|all| ApiJson(page.of(all)))
}

/// The policy version in force on a date (today when not given).
#[utoipa::path(get, path = "/policies/in-force", tag = "policy", security(("bearer" = [])), params(InForceQuery),
    responses((status = 200, body = PolicyVersion), (status = 404, body = ErrorBody)))]
async fn policy_in_force(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<InForceQuery>,
) -> ApiResult<ApiJson<PolicyVersion>> {
    let on = q.on.unwrap_or(actor.today);
    service::current(&state.db, &actor, on).await.map(ApiJson)
}

/// One policy version with its document.
#[utoipa::path(get, path = "/policies/{id}", tag = "policy", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PolicyVersion), (status = 404, body = ErrorBody)))]
async fn get_policy(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<PolicyVersion>> {
    service::get(&state.db, &actor, id).await.map(ApiJson)
}
