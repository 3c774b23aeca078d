//! HTTP handlers under `/funding` and `/ledger`.

use crate::http::pagination::PageRequest;
use axum::extract::State;
use axum::http::{StatusCode, header};
use ltci_shared::api::funding::{
    Account, ChartLinkRequest, ChartQuery, ContributionRequest, DrawRejection, EntryFilter, FundHealth,
    FundingSettings, HealthQuery, ImportOutcome, JournalEntry, MonthPoint, OnDateQuery, PeriodQuery,
    PersonContribution, Posted, ReceiptRequest, ReserveDraw, ReserveDrawRequest, ReversalRequest, SeriesQuery,
    SignedLink,
};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{chart, health, import, income, journal, reports, reserve};
use crate::auth::actor::request_id;
use crate::auth::{Actor, Permission};
use crate::http::download::csv_response;
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, CsvBody};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts))
        .routes(routes!(person_contributions))
        .routes(routes!(contribute))
        .routes(routes!(import_contributions))
        .routes(routes!(receive))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(list_entries))
        .routes(routes!(get_entry))
        .routes(routes!(reverse))
        .routes(routes!(fund_health))
        .routes(routes!(fund_health_series))
        .routes(routes!(fund_health_chart))
        .routes(routes!(create_chart_link))
        .routes(routes!(income_report))
        .routes(routes!(trial_balance_report))
        .routes(routes!(list_draws, request_draw))
        .routes(routes!(approve_draw))
        .routes(routes!(reject_draw))
}

/// 201 for a new entry, 200 for the repeat of an earlier call with the same reference.
fn posted(p: Posted) -> (StatusCode, ApiJson<Posted>) {
    (if p.created { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(p))
}

/// The region's ledger accounts with their balances (derived from the postings), by code.
#[utoipa::path(get, path = "/funding/accounts", tag = "funding", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<Account>)))]
async fn list_accounts(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Account>>> {
    let page: PageRequest = page.try_into()?;
    journal::accounts(&state, &actor).await.map(|all| ApiJson(page.of(all)))
}

/// A person's contributions month by month, latest first (reversed ones marked).
#[utoipa::path(get, path = "/insured-persons/{id}/contributions", tag = "funding", security(("bearer" = [])),
    params(("id" = Uuid, Path), PageQuery), responses((status = 200, body = Page<PersonContribution>), (status = 404, body = ErrorBody)))]
async fn person_contributions(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<PersonContribution>>> {
    super::contributions::of_person(&state, &actor, id, page.try_into()?).await.map(ApiJson)
}

/// Post one person's contribution for a month: the fund and the reserve are debited, the
/// source's income credited. Posting the same reference again answers the first entry (200).
#[utoipa::path(post, path = "/funding/contributions", tag = "funding", security(("bearer" = [])), request_body = ContributionRequest,
    responses((status = 201, body = Posted), (status = 200, body = Posted), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn contribute(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ContributionRequest>,
) -> ApiResult<(StatusCode, ApiJson<Posted>)> {
    income::contribute(&state, &actor, req).await.map(posted)
}

/// Import contributions from a CSV file (the body, `Content-Type: text/csv`; format in
/// docs/funding.md). The whole file is checked first: any bad line refuses it whole (422, every
/// problem as `lines[<n>].<column>`), nothing posted. Lines posted before are skipped.
#[utoipa::path(post, path = "/funding/contributions/import", tag = "funding", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportOutcome), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_contributions(
    actor: Actor,
    State(state): State<AppState>,
    CsvBody(bytes): CsvBody,
) -> ApiResult<ApiJson<ImportOutcome>> {
    actor.require(Permission::PostFunding)?;
    import::import_contributions(&state.db, &state.pii, &actor, &bytes[..], &mut |_, _, _| {}).await.map(ApiJson)
}

/// Post a lump-sum receipt (fiscal subsidy, lottery fund, donation, …).
#[utoipa::path(post, path = "/funding/receipts", tag = "funding", security(("bearer" = [])), request_body = ReceiptRequest,
    responses((status = 201, body = Posted), (status = 200, body = Posted), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn receive(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ReceiptRequest>,
) -> ApiResult<(StatusCode, ApiJson<Posted>)> {
    income::receive(&state, &actor, req).await.map(posted)
}

/// The region's funding settings (reserve share).
#[utoipa::path(get, path = "/funding/settings", tag = "funding", security(("bearer" = [])),
    responses((status = 200, body = FundingSettings)))]
async fn get_settings(actor: Actor, State(state): State<AppState>) -> ApiResult<ApiJson<FundingSettings>> {
    income::get_settings(&state, &actor).await.map(ApiJson)
}

/// Change the region's funding settings.
#[utoipa::path(put, path = "/funding/settings", tag = "funding", security(("bearer" = [])), request_body = FundingSettings,
    responses((status = 200, body = FundingSettings), (status = 409, body = ErrorBody, description = "governed_by_policy: a benefit policy in force sets these"), (status = 422, body = ErrorBody)))]
async fn put_settings(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(s): ApiJson<FundingSettings>,
) -> ApiResult<ApiJson<FundingSettings>> {
    income::put_settings(&state, &actor, s).await.map(ApiJson)
}

/// Journal entries of the region, newest first.
#[utoipa::path(get, path = "/ledger/entries", tag = "funding", security(("bearer" = [])), params(EntryFilter, PageQuery),
    responses((status = 200, body = Page<JournalEntry>)))]
async fn list_entries(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<EntryFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<JournalEntry>>> {
    journal::entries(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// One journal entry with its postings.
#[utoipa::path(get, path = "/ledger/entries/{id}", tag = "funding", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = JournalEntry), (status = 404, body = ErrorBody)))]
async fn get_entry(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<JournalEntry>> {
    journal::entry(&state, &actor, id).await.map(ApiJson)
}

/// Cancel an entry with a reversing entry (once; the reversal references the original).
#[utoipa::path(post, path = "/ledger/entries/{id}/reversal", tag = "funding", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ReversalRequest,
    responses((status = 201, body = Posted), (status = 200, body = Posted), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn reverse(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReversalRequest>,
) -> ApiResult<(StatusCode, ApiJson<Posted>)> {
    income::reverse(&state, &actor, id, req).await.map(posted)
}

/// Draws from the reserve (调剂金), newest first.
#[utoipa::path(get, path = "/funding/reserve-draws", tag = "funding", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<ReserveDraw>)))]
async fn list_draws(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<ReserveDraw>>> {
    let page: PageRequest = page.try_into()?;
    reserve::list(&state, &actor).await.map(|all| ApiJson(page.of(all)))
}

/// Request a draw from the reserve into a fund; another officer approves or rejects it.
#[utoipa::path(post, path = "/funding/reserve-draws", tag = "funding", security(("bearer" = [])), request_body = ReserveDrawRequest,
    responses((status = 201, body = ReserveDraw), (status = 200, body = ReserveDraw), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request_draw(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ReserveDrawRequest>,
) -> ApiResult<(StatusCode, ApiJson<ReserveDraw>)> {
    let (created, d) = reserve::request(&state, &actor, req).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(d)))
}

/// Approve a draw (not the requesting officer): the transfer is posted.
#[utoipa::path(post, path = "/funding/reserve-draws/{id}/approval", tag = "funding", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ReserveDraw), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn approve_draw(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<ReserveDraw>> {
    reserve::approve(&state, &actor, id).await.map(ApiJson)
}

/// Reject a draw with a reason (not the requesting officer).
#[utoipa::path(post, path = "/funding/reserve-draws/{id}/rejection", tag = "funding", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = DrawRejection,
    responses((status = 200, body = ReserveDraw), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn reject_draw(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<DrawRejection>,
) -> ApiResult<ApiJson<ReserveDraw>> {
    reserve::reject(&state, &actor, id, req).await.map(ApiJson)
}

/// Income by source and scheme for a period, as CSV (`source,scheme,account,amount`, then the
/// total).
#[utoipa::path(get, path = "/funding/reports/income.csv", tag = "funding", security(("bearer" = [])), params(PeriodQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = ErrorBody)))]
async fn income_report(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<axum::response::Response> {
    let body = reports::income_csv(&state.db, &actor, q.from, q.to).await?;
    Ok(csv_response(&format!("income-{}-{}.csv", q.from, q.to), body))
}

/// The trial balance on a date, as CSV (`code,name,kind,debits,credits,balance`, then the totals:
/// debits equal credits).
#[utoipa::path(get, path = "/funding/reports/trial-balance.csv", tag = "funding", security(("bearer" = [])), params(OnDateQuery),
    responses((status = 200, content_type = "text/csv", body = String)))]
async fn trial_balance_report(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<OnDateQuery>,
) -> ApiResult<axum::response::Response> {
    let on = q.on.unwrap_or(actor.today);
    let body = reports::trial_balance_csv(&state.db, &actor, on).await?;
    Ok(csv_response(&format!("trial-balance-{on}.csv"), body))
}

/// Fund health of a scheme on a date: balance, income by source, expenditure by month, months of
/// payment covered (可支付月数) and the warning level.
#[utoipa::path(get, path = "/funding/health", tag = "funding", security(("bearer" = [])), params(HealthQuery),
    responses((status = 200, body = FundHealth), (status = 422, body = ErrorBody)))]
async fn fund_health(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<HealthQuery>,
) -> ApiResult<ApiJson<FundHealth>> {
    health::health(&state.db, &actor, q).await.map(ApiJson)
}

/// The fund's monthly time series (income, expenditure, balance, months covered, level), oldest
/// first, ending with the current month.
#[utoipa::path(get, path = "/funding/health/series", tag = "funding", security(("bearer" = [])), params(SeriesQuery),
    responses((status = 200, body = Vec<MonthPoint>), (status = 422, body = ErrorBody)))]
async fn fund_health_series(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SeriesQuery>,
) -> ApiResult<ApiJson<Vec<MonthPoint>>> {
    health::series(&state.db, &actor, q).await.map(ApiJson)
}

/// The fund's monthly series as an SVG chart (balance, income, expenditure), for a browser: with
/// a bearer token, or with a signed link from `POST /funding/health/chart-links` in `link`.
#[utoipa::path(get, path = "/funding/health/chart.svg", tag = "funding", security(("bearer" = []), ()), params(ChartQuery),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn fund_health_chart(
    State(state): State<AppState>,
    mut parts: axum::http::request::Parts,
    ApiQuery(q): ApiQuery<ChartQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::extract::FromRequestParts;
    use axum::response::IntoResponse;
    let months = health::series_months(q.months)?;
    let actor = match &q.link {
        Some(link) => {
            let claims = state.tokens.verify_link(link, &chart_resource(q.scheme, months))?;
            Actor::load(&state, claims.sub, claims.sid, request_id(&parts)).await?
        }
        None => Actor::from_request_parts(&mut parts, &state).await?,
    };
    let points = health::series(&state.db, &actor, SeriesQuery { scheme: q.scheme, months: Some(months) }).await?;
    let title = match q.scheme {
        ltci_shared::api::registry::Scheme::Employee => "职工长期护理保险基金 Employee fund",
        ltci_shared::api::registry::Scheme::Resident => "居民长期护理保险基金 Resident fund",
    };
    let svg = chart::render(title, &points)?;
    let headers =
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"), (header::CACHE_CONTROL, "private, no-store")];
    Ok((headers, svg).into_response())
}

/// The chart's path and query under `/api/v1`, as a signed link names it.
fn chart_resource(scheme: ltci_shared::api::registry::Scheme, months: u32) -> String {
    format!("/funding/health/chart.svg?scheme={}&months={months}", scheme.as_str())
}

/// A link that opens the fund chart in a browser for five minutes without a bearer token (so no
/// token goes into an address bar or a browser's history). It acts with the caller's rights,
/// checked again when it is opened.
#[utoipa::path(post, path = "/funding/health/chart-links", tag = "funding", security(("bearer" = [])),
    request_body = ChartLinkRequest,
    responses((status = 201, body = SignedLink), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_chart_link(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ChartLinkRequest>,
) -> ApiResult<(StatusCode, ApiJson<SignedLink>)> {
    actor.require(Permission::ReadFunding)?;
    let resource = chart_resource(req.scheme, health::series_months(req.months)?);
    let (link, exp) =
        state.tokens.issue_link(actor.user_id, actor.session_id, &resource).map_err(ApiError::internal)?;
    let expires_at =
        chrono::DateTime::from_timestamp(exp, 0).ok_or_else(|| ApiError::internal(anyhow::anyhow!("expiry {exp}")))?;
    Ok((StatusCode::CREATED, ApiJson(SignedLink { url: format!("/api/v1{resource}&link={link}"), expires_at })))
}
