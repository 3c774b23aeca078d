//! HTTP handlers under `/settlements` and `/institutions/{id}/statement`.

use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::settlement::{
    AnswerDispute, Bill, BillDispute, BillFilter, BillLine, ComputeBill, Deduction, DepositRelease,
    DepositReleaseRequest, DisputeFilter, LinesQuery, MonthEndReport, MonthEndRequest, MonthEndRun, MonthEndRunFilter,
    PayBill, PersonBillLine, RaiseDispute, ReturnBill, SampleRequest, Statement,
};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{bills, compute, deposits, disputes, month_end, review, statement};
use crate::auth::Actor;
use crate::http::download::csv_response;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(raise_dispute))
        .routes(routes!(list_disputes))
        .routes(routes!(get_dispute))
        .routes(routes!(answer_dispute))
        .routes(routes!(list_bills, compute_bill))
        .routes(routes!(get_bill))
        .routes(routes!(bill_lines))
        .routes(routes!(bill_lines_csv))
        .routes(routes!(sample_bill))
        .routes(routes!(deduct))
        .routes(routes!(submit_bill))
        .routes(routes!(return_bill))
        .routes(routes!(approve_bill))
        .routes(routes!(pay_bill))
        .routes(routes!(institution_statement))
        .routes(routes!(person_bill_lines))
        .routes(routes!(month_end))
        .routes(routes!(list_month_end_runs, start_month_end))
        .routes(routes!(get_month_end_run))
        .routes(routes!(release_deposit))
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

/// A bill's lines in order, each with its rule, inputs, rejection and deduction.
#[utoipa::path(get, path = "/settlements/{id}/lines", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path), LinesQuery, PageQuery), responses((status = 200, body = Page<BillLine>), (status = 404, body = ErrorBody)))]
async fn bill_lines(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<LinesQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<BillLine>>> {
    bills::lines(&state, &actor, id, q, page.try_into()?).await.map(ApiJson)
}

/// A bill's lines as CSV (`line_no,insured_person_id,care_mode,…,deducted,deduction_reason`).
#[utoipa::path(get, path = "/settlements/{id}/lines.csv", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn bill_lines_csv(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::response::Response> {
    let (name, body) = bills::lines_csv(&state, &actor, id).await?;
    Ok(csv_response(&name, body))
}

/// Draw paid lines of a submitted bill at random for manual review (once per submission; asked
/// again, the same lines).
#[utoipa::path(post, path = "/settlements/{id}/sample", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = SampleRequest,
    responses((status = 200, body = Vec<BillLine>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn sample_bill(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SampleRequest>,
) -> ApiResult<ApiJson<Vec<BillLine>>> {
    review::sample(&state, &actor, id, req).await.map(ApiJson)
}

/// Set the agency's deduction from one line of a submitted bill, with the reason (`0` takes it back).
#[utoipa::path(put, path = "/settlements/{id}/lines/{line_no}/deduction", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("line_no" = u32, Path)), request_body = Deduction,
    responses((status = 200, body = BillLine), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn deduct(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath((id, line_no)): ApiPath<(Uuid, u32)>,
    ApiJson(req): ApiJson<Deduction>,
) -> ApiResult<ApiJson<BillLine>> {
    review::deduct(&state, &actor, id, line_no, req).await.map(ApiJson)
}

/// Institution staff comment on a line of their draft, or dispute a deduction from a line or its
/// rejection once the bill is submitted (申诉); `201` new, `200` the same dispute sent again.
#[utoipa::path(post, path = "/settlements/{id}/lines/{line_no}/disputes", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("line_no" = u32, Path)), request_body = RaiseDispute,
    responses((status = 201, body = BillDispute), (status = 200, body = BillDispute), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn raise_dispute(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath((id, line_no)): ApiPath<(Uuid, u32)>,
    ApiJson(req): ApiJson<RaiseDispute>,
) -> ApiResult<(StatusCode, ApiJson<BillDispute>)> {
    let (created, d) = disputes::raise(&state, &actor, id, line_no, req).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(d)))
}

/// Disputes of bill lines in scope, oldest first: `status=open` is the agency's queue.
#[utoipa::path(get, path = "/disputes", tag = "settlement", security(("bearer" = [])), params(DisputeFilter, PageQuery),
    responses((status = 200, body = Page<BillDispute>)))]
async fn list_disputes(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<DisputeFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<BillDispute>>> {
    disputes::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// One dispute.
#[utoipa::path(get, path = "/disputes/{id}", tag = "settlement", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = BillDispute), (status = 404, body = ErrorBody)))]
async fn get_dispute(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<BillDispute>> {
    disputes::get(&state, &actor, id).await.map(ApiJson)
}

/// The agency answers a dispute: accepted (a deduction lifted on a bill being audited, or paid on
/// the next bill; a rejection paid on the next bill at the amount given) or rejected, with the
/// reason.
#[utoipa::path(post, path = "/disputes/{id}/answer", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = AnswerDispute,
    responses((status = 200, body = BillDispute), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn answer_dispute(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AnswerDispute>,
) -> ApiResult<ApiJson<BillDispute>> {
    disputes::answer(&state, &actor, id, req).await.map(ApiJson)
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

/// A person's bill lines across the bills the caller may read, latest day first: what paid (or
/// refused) each day of the person's care.
#[utoipa::path(get, path = "/insured-persons/{id}/bill-lines", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path), PageQuery), responses((status = 200, body = Page<PersonBillLine>), (status = 404, body = ErrorBody)))]
async fn person_bill_lines(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<PersonBillLine>>> {
    super::person_lines::of_person(&state, &actor, id, page.try_into()?).await.map(ApiJson)
}

/// The month-end run: every institution's draft for a month that is over, each claimed so that
/// several runs share the work.
#[utoipa::path(post, path = "/settlements/month-end", tag = "settlement", security(("bearer" = [])),
    request_body = MonthEndRequest, responses((status = 200, body = MonthEndReport), (status = 422, body = ErrorBody)))]
async fn month_end(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<MonthEndRequest>,
) -> ApiResult<ApiJson<MonthEndReport>> {
    month_end::run(&state, &actor, req, &mut |_, _| {}).await.map(ApiJson)
}

/// The region's month-end runs, latest first, with their progress (officers and auditors).
#[utoipa::path(get, path = "/settlements/month-end-runs", tag = "settlement", security(("bearer" = [])),
    params(MonthEndRunFilter, PageQuery), responses((status = 200, body = Page<MonthEndRun>)))]
async fn list_month_end_runs(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<MonthEndRunFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<MonthEndRun>>> {
    month_end::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Start the month-end run in the background (`202`): the month is checked and the run recorded
/// before the answer; follow it at `GET /settlements/month-end-runs/{id}`.
#[utoipa::path(post, path = "/settlements/month-end-runs", tag = "settlement", security(("bearer" = [])),
    request_body = MonthEndRequest, responses((status = 202, body = MonthEndRun), (status = 422, body = ErrorBody)))]
async fn start_month_end(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<MonthEndRequest>,
) -> ApiResult<(StatusCode, ApiJson<MonthEndRun>)> {
    Ok((StatusCode::ACCEPTED, ApiJson(month_end::start(&state, &actor, req).await?)))
}

/// One month-end run: how far it has come and, once finished, its report.
#[utoipa::path(get, path = "/settlements/month-end-runs/{id}", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = MonthEndRun), (status = 404, body = ErrorBody)))]
async fn get_month_end_run(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<MonthEndRun>> {
    month_end::get(&state, &actor, id).await.map(ApiJson)
}

/// Settle the quality deposits withheld from an institution's payments in a year, by its
/// evaluation's credit class: the released share paid back, the rest kept (`201`; `200` with the
/// same release when asked again).
#[utoipa::path(post, path = "/institutions/{id}/deposit-releases", tag = "settlement", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = DepositReleaseRequest,
    responses((status = 201, body = DepositRelease), (status = 200, body = DepositRelease), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn release_deposit(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<DepositReleaseRequest>,
) -> ApiResult<(StatusCode, ApiJson<DepositRelease>)> {
    let (created, r) = deposits::release(&state, &actor, id, req).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(r)))
}
