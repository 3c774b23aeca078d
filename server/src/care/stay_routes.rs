//! HTTP handlers under `/stays`, `/partner-events` and `/hospitalisations`.

use crate::http::pagination::PageRequest;
use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::partners::{
    DismissRequest, Hospitalisation, HospitalisationFilter, PartnerBatch, PartnerEventFilter, PartnerImportOutcome,
    RecordedPartnerEvent,
};
use ltci_shared::api::stays::{
    AdmitRequest, ChargeReport, ChargeReportOutcome, ChargeSheetQuery, ChargesQuery, DischargeRequest, Stay,
    StayCharge, StayFilter,
};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{charge_sheet, partner_events, partners, stays};
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, CsvBody};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_stays, admit))
        .routes(routes!(get_stay))
        .routes(routes!(discharge))
        .routes(routes!(stay_charges))
        .routes(routes!(report_charges))
        .routes(routes!(charge_sheet, report_charge_sheet))
        .routes(routes!(list_partner_events, record_partner_events))
        .routes(routes!(import_partner_events))
        .routes(routes!(rematch_partner_events))
        .routes(routes!(dismiss_partner_event))
        .routes(routes!(list_hospitalisations))
}

/// Stays in scope, latest admission first.
#[utoipa::path(get, path = "/stays", tag = "stays", security(("bearer" = [])), params(StayFilter, PageQuery),
    responses((status = 200, body = Page<Stay>)))]
async fn list_stays(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<StayFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Stay>>> {
    stays::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Admit a beneficiary to a ward or an institution bed (入住), under the institution's service
/// relation; refused if the person is in another bed on or after that day.
#[utoipa::path(post, path = "/stays", tag = "stays", security(("bearer" = [])), request_body = AdmitRequest,
    responses((status = 201, body = Stay), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn admit(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<AdmitRequest>,
) -> ApiResult<(StatusCode, ApiJson<Stay>)> {
    Ok((StatusCode::CREATED, ApiJson(stays::admit(&state, &actor, req).await?)))
}

/// One stay.
#[utoipa::path(get, path = "/stays/{id}", tag = "stays", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Stay), (status = 404, body = ErrorBody)))]
async fn get_stay(actor: Actor, State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<Stay>> {
    stays::get(&state, &actor, id).await.map(ApiJson)
}

/// Discharge (出院): the day the beneficiary left and why.
#[utoipa::path(post, path = "/stays/{id}/discharge", tag = "stays", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = DischargeRequest,
    responses((status = 200, body = Stay), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn discharge(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<DischargeRequest>,
) -> ApiResult<ApiJson<Stay>> {
    stays::discharge(&state, &actor, id, req).await.map(ApiJson)
}

/// A stay's charged bed-days.
#[utoipa::path(get, path = "/stays/{id}/charges", tag = "stays", security(("bearer" = [])),
    params(("id" = Uuid, Path), ChargesQuery, PageQuery), responses((status = 200, body = Page<StayCharge>), (status = 404, body = ErrorBody)))]
async fn stay_charges(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ChargesQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<StayCharge>>> {
    let page: PageRequest = page.try_into()?;
    stays::charges(&state, &actor, id, q).await.map(|all| ApiJson(page.of(all)))
}

/// Report an institution's daily charges for a month, in bulk (all or nothing; a retry changes
/// nothing, a day sent again with another amount is replaced).
#[utoipa::path(put, path = "/stays/charges", tag = "stays", security(("bearer" = [])), request_body = ChargeReport,
    responses((status = 200, body = ChargeReportOutcome), (status = 422, body = ErrorBody)))]
async fn report_charges(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ChargeReport>,
) -> ApiResult<ApiJson<ChargeReportOutcome>> {
    stays::report_charges(&state, &actor, req).await.map(ApiJson)
}

/// A month's charges as a sheet to fill in (CSV): a line per stay with a bed-day in the month, a
/// column per day, the charges already reported in their cells.
#[utoipa::path(get, path = "/stays/charges/sheet", tag = "stays", security(("bearer" = [])), params(ChargeSheetQuery),
    responses((status = 200, body = String, content_type = "text/csv"), (status = 422, body = ErrorBody)))]
async fn charge_sheet(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ChargeSheetQuery>,
) -> ApiResult<axum::response::Response> {
    let body = charge_sheet::template(&state, &actor, &q.month).await?;
    Ok(crate::http::download::csv_response(&format!("charges-{}.csv", q.month), body))
}

/// Report a month's charges from a filled-in sheet (`Content-Type: text/csv`): every non-empty
/// day cell, checked whole as `PUT /stays/charges` does; problems named `lines[<n>].<day>`.
#[utoipa::path(put, path = "/stays/charges/sheet", tag = "stays", security(("bearer" = [])), params(ChargeSheetQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ChargeReportOutcome), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn report_charge_sheet(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ChargeSheetQuery>,
    CsvBody(bytes): CsvBody,
) -> ApiResult<ApiJson<ChargeReportOutcome>> {
    charge_sheet::report_sheet(&state, &actor, &q.month, &bytes).await.map(ApiJson)
}

/// Record hospital admissions, discharges and deaths from partner systems (all or nothing; each
/// source and reference kept once).
#[utoipa::path(post, path = "/partner-events", tag = "partners", security(("bearer" = [])), request_body = PartnerBatch,
    responses((status = 200, body = PartnerImportOutcome), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_partner_events(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(batch): ApiJson<PartnerBatch>,
) -> ApiResult<ApiJson<PartnerImportOutcome>> {
    partners::import_batch(&state, &actor, batch.events).await.map(ApiJson)
}

/// The same from a CSV file (`Content-Type: text/csv`; format in docs/care.md); problems are
/// named `lines[<n>].<column>`.
#[utoipa::path(post, path = "/partner-events/import", tag = "partners", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = PartnerImportOutcome), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_partner_events(
    actor: Actor,
    State(state): State<AppState>,
    CsvBody(bytes): CsvBody,
) -> ApiResult<ApiJson<PartnerImportOutcome>> {
    partners::import_csv(&state, &actor, &bytes).await.map(ApiJson)
}

/// Recorded partner events, latest received first; `state=unmatched` is the queue of events
/// whose ID number nobody in the register had (agency staff only).
#[utoipa::path(get, path = "/partner-events", tag = "partners", security(("bearer" = [])),
    params(PartnerEventFilter, PageQuery), responses((status = 200, body = Page<RecordedPartnerEvent>)))]
async fn list_partner_events(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<PartnerEventFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<RecordedPartnerEvent>>> {
    partner_events::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Match the unmatched events again against the register as it is now and apply those that
/// match (all or nothing; at most 5,000 at once, oldest first).
#[utoipa::path(post, path = "/partner-events/rematch", tag = "partners", security(("bearer" = [])),
    responses((status = 200, body = PartnerImportOutcome), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn rematch_partner_events(
    actor: Actor,
    State(state): State<AppState>,
) -> ApiResult<ApiJson<PartnerImportOutcome>> {
    partner_events::rematch(&state, &actor).await.map(ApiJson)
}

/// Put an unmatched event aside (不予处理) with a code and a reason; it stays recorded.
#[utoipa::path(post, path = "/partner-events/{id}/dismiss", tag = "partners", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = DismissRequest,
    responses((status = 200, body = RecordedPartnerEvent), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn dismiss_partner_event(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<DismissRequest>,
) -> ApiResult<ApiJson<RecordedPartnerEvent>> {
    partner_events::dismiss(&state, &actor, id, req).await.map(ApiJson)
}

/// Hospital stays reported by the medical-insurance system (agency staff only).
#[utoipa::path(get, path = "/hospitalisations", tag = "partners", security(("bearer" = [])),
    params(HospitalisationFilter, PageQuery), responses((status = 200, body = Page<Hospitalisation>)))]
async fn list_hospitalisations(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<HospitalisationFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Hospitalisation>>> {
    partners::hospitalisations(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}
