//! HTTP handlers under `/care-plans`, `/visits` and `/sync`.

use crate::http::pagination::PageRequest;
use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::care::{
    BatchOutcome, CarePlan, CarePlanFilter, Changes, ChangesQuery, CorrectionRequest, CreateCarePlan, EndCarePlan,
    EventBatch, ExceptionQueue, QueueQuery, RecordedEvent, ScheduleOutcome, ScheduleRequest, Visit, VisitFilter,
};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{events, exceptions, plans, schedule, sync, visits};
use crate::auth::Actor;
use crate::auth::actor::Bearer;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(get_plan))
        .routes(routes!(end_plan))
        .routes(routes!(schedule_visits))
        .routes(routes!(list_visits))
        .routes(routes!(exception_queue))
        .routes(routes!(get_visit))
        .routes(routes!(visit_events))
        .routes(routes!(correct_visit))
        .routes(routes!(sync_events))
        .routes(routes!(sync_changes))
}

/// Care plans in scope, latest start first.
#[utoipa::path(get, path = "/care-plans", tag = "care", security(("bearer" = [])), params(CarePlanFilter, PageQuery),
    responses((status = 200, body = Page<CarePlan>)))]
async fn list_plans(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<CarePlanFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<CarePlan>>> {
    plans::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Make a care plan (护理计划), checked against the certificate, the service relation and the
/// benefit policy in force on the start date.
#[utoipa::path(post, path = "/care-plans", tag = "care", security(("bearer" = [])), request_body = CreateCarePlan,
    responses((status = 201, body = CarePlan), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_plan(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CreateCarePlan>,
) -> ApiResult<(StatusCode, ApiJson<CarePlan>)> {
    Ok((StatusCode::CREATED, ApiJson(plans::create(&state, &actor, req).await?)))
}

/// One care plan.
#[utoipa::path(get, path = "/care-plans/{id}", tag = "care", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = CarePlan), (status = 404, body = ErrorBody)))]
async fn get_plan(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<CarePlan>> {
    plans::get(&state, &actor, id).await.map(ApiJson)
}

/// End a plan early (new last day, reason).
#[utoipa::path(post, path = "/care-plans/{id}/end", tag = "care", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = EndCarePlan, responses((status = 200, body = CarePlan), (status = 409, body = ErrorBody)))]
async fn end_plan(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<EndCarePlan>,
) -> ApiResult<ApiJson<CarePlan>> {
    plans::end(&state, &actor, id, req).await.map(ApiJson)
}

/// Schedule a home-visit plan's visits over a date range for one caregiver (idempotent per day).
#[utoipa::path(post, path = "/visits/schedule", tag = "care", security(("bearer" = [])), request_body = ScheduleRequest,
    responses((status = 200, body = ScheduleOutcome), (status = 422, body = ErrorBody)))]
async fn schedule_visits(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ScheduleRequest>,
) -> ApiResult<ApiJson<ScheduleOutcome>> {
    schedule::schedule(&state, &actor, req).await.map(ApiJson)
}

/// Visits in scope, by service day.
#[utoipa::path(get, path = "/visits", tag = "care", security(("bearer" = [])), params(VisitFilter, PageQuery),
    responses((status = 200, body = Page<Visit>)))]
async fn list_visits(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<VisitFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Visit>>> {
    visits::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// The exception queue of home visits (异常处理队列) as of now: visits waiting for review, missed
/// check-ins and check-outs (the policy's hours), unscheduled visits matching no scheduled one;
/// every kind counted, one kind's items oldest first. Each is worked with a correction.
#[utoipa::path(get, path = "/visits/exceptions", tag = "care", security(("bearer" = [])), params(QueueQuery, PageQuery),
    responses((status = 200, body = ExceptionQueue)))]
async fn exception_queue(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<QueueQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<ExceptionQueue>> {
    exceptions::queue(&state, &actor, q, page.try_into()?).await.map(ApiJson)
}

/// One visit, with its derived state, tasks and exceptions.
#[utoipa::path(get, path = "/visits/{id}", tag = "care", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Visit), (status = 404, body = ErrorBody)))]
async fn get_visit(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Visit>> {
    visits::get(&state, &actor, id).await.map(ApiJson)
}

/// A visit's events, corrections included, as received.
#[utoipa::path(get, path = "/visits/{id}/events", tag = "care", security(("bearer" = [])), params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<RecordedEvent>), (status = 404, body = ErrorBody)))]
async fn visit_events(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<RecordedEvent>>> {
    let page: PageRequest = page.try_into()?;
    visits::events(&state, &actor, id).await.map(|all| ApiJson(page.of(all)))
}

/// Correct a visit or resolve one of its review exceptions (a new event; nothing is overwritten).
#[utoipa::path(post, path = "/visits/{id}/corrections", tag = "care", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = CorrectionRequest,
    responses((status = 200, body = Visit), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn correct_visit(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<CorrectionRequest>,
) -> ApiResult<ApiJson<Visit>> {
    events::correct(&state, &actor, id, req).await.map(ApiJson)
}

/// Upload a batch of visit events from the phone; each is applied exactly once.
#[utoipa::path(post, path = "/sync/events", tag = "sync", security(("bearer" = [])), request_body = EventBatch,
    responses((status = 200, body = BatchOutcome), (status = 422, body = ErrorBody)))]
async fn sync_events(
    bearer: Bearer,
    State(state): State<AppState>,
    ApiJson(batch): ApiJson<EventBatch>,
) -> ApiResult<ApiJson<BatchOutcome>> {
    events::apply_batch(&state, &bearer, batch).await.map(ApiJson)
}

/// What the caregiver's phone needs offline, changed since the cursor.
#[utoipa::path(get, path = "/sync/changes", tag = "sync", security(("bearer" = [])), params(ChangesQuery),
    responses((status = 200, body = Changes), (status = 422, body = ErrorBody)))]
async fn sync_changes(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ChangesQuery>,
) -> ApiResult<ApiJson<Changes>> {
    sync::changes(&state, &actor, q).await.map(ApiJson)
}
