//! HTTP handlers under `/settlements` and `/institutions/{id}/statement`.

use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::settlement::{Bill, BillFilter, BillLine, ComputeBill, PayBill, ReturnBill, Statement};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{bills, compute, statement};
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_bills, compute_bill))
        .routes(routes!(get_bill))
        .routes(routes!(bill_lines))
        .routes(routes!(submit_bill))
        .routes(routes!(return_bill))
        .routes(routes!(approve_bill))
        .routes(routes!(pay_bill))
        .routes(routes!(institution_statement))
}

/// Bills in scope, latest month first.
#[utoipa::path(get, path = "/settlements", tag = "settlement", security(("bearer" = [])), params(BillFilter, PageQuery),
    responses((status = 200, body = Page<Bill>)))]
async fn list_bills(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<BillFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Bill>>> {
    bills::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Compute an institution's draft bill for a month that is over (`201`), or compute a draft
/// again (`200`): every charged bed-day priced under the policy in force that day.
#[utoipa::path(post, path = "/settlements", tag = "settlement", security(("bearer" = [])), request_body = ComputeBill,
    responses((status = 201, body = Bill), (status = 200, body = Bill), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn compute_bill(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ComputeBill>,
) -> ApiResult<(StatusCode, ApiJson<Bill>)> {
    let (created, b) = compute::compute(&state, &actor, req).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(b)))
}

/// One bill with its subtotals per care mode and scheme.
#[utoipa::path(get, path = "/settlements/{id}", tag = "settlement", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Bill), (status = 404, body = ErrorBody)))]
async fn get_bill(actor: Actor, State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<Bill>> {
    bills::get(&state, &actor, id).await.map(ApiJson)
}

/// A bill's lines in order, each with its rule, inputs and rejection.
#[utoipa::path(get, path = "/settlements/{id}/lines", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path), PageQuery), responses((status = 200, body = Page<BillLine>), (status = 404, body = ErrorBody)))]
async fn bill_lines(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<BillLine>>> {
    bills::lines(&state, &actor, id, page.try_into()?).await.map(ApiJson)
}

/// The institution submits its draft for review.
#[utoipa::path(post, path = "/settlements/{id}/submission", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Bill), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn submit_bill(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Bill>> {
    bills::submit(&state, &actor, id).await.map(ApiJson)
}

/// The agency sends a submitted bill back to the institution as a draft, with the reason.
#[utoipa::path(post, path = "/settlements/{id}/return", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ReturnBill,
    responses((status = 200, body = Bill), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn return_bill(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReturnBill>,
) -> ApiResult<ApiJson<Bill>> {
    bills::return_bill(&state, &actor, id, req).await.map(ApiJson)
}

/// The agency approves a submitted bill: the payable is posted to the ledger.
#[utoipa::path(post, path = "/settlements/{id}/approval", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Bill), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn approve_bill(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Bill>> {
    bills::approve(&state, &actor, id).await.map(ApiJson)
}

/// The agency pays an approved bill: the payment is posted, the quality deposit withheld.
#[utoipa::path(post, path = "/settlements/{id}/payment", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = PayBill,
    responses((status = 200, body = Bill), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn pay_bill(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<PayBill>,
) -> ApiResult<ApiJson<Bill>> {
    bills::pay(&state, &actor, id, req).await.map(ApiJson)
}

/// An institution's statement (对账单): owed, deposit withheld, paid, its bills and the entries on
/// its accounts. Institution staff see only their own.
#[utoipa::path(get, path = "/institutions/{id}/statement", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Statement), (status = 404, body = ErrorBody)))]
async fn institution_statement(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Statement>> {
    statement::statement(&state, &actor, id).await.map(ApiJson)
}
