//! HTTP handlers under `/caregivers`, `/caregiver-assignments` and `/reports/caregiver-training`.

use crate::http::pagination::PageRequest;
use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::workforce::{
    Assignment, AssignmentFilter, Caregiver, CaregiverAccount, CaregiverAccountRequest, CaregiverDeparture,
    CaregiverFilter, CreateAssignment, CreateCaregiverRequest, EndAssignment, Training, TrainingReport,
    TrainingReportQuery, TrainingRequest, UpdateCaregiverRequest,
};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{assignments, caregivers, training};
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_caregivers, register_caregiver))
        .routes(routes!(get_caregiver, update_caregiver))
        .routes(routes!(caregiver_departure))
        .routes(routes!(caregiver_account))
        .routes(routes!(list_trainings, add_training))
        .routes(routes!(training_report))
        .routes(routes!(list_assignments, create_assignment))
        .routes(routes!(end_assignment))
}

type CaregiverResult = ApiResult<ApiJson<Caregiver>>;

/// Caregivers in scope, by name.
#[utoipa::path(get, path = "/caregivers", tag = "workforce", security(("bearer" = [])), params(CaregiverFilter, PageQuery),
    responses((status = 200, body = Page<Caregiver>)))]
async fn list_caregivers(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<CaregiverFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Caregiver>>> {
    caregivers::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Register a caregiver (护理员) under an institution. The ID number is validated like an
/// insured person's, stored encrypted and shown masked.
#[utoipa::path(post, path = "/caregivers", tag = "workforce", security(("bearer" = [])), request_body = CreateCaregiverRequest,
    responses((status = 201, body = Caregiver), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn register_caregiver(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CreateCaregiverRequest>,
) -> ApiResult<(StatusCode, ApiJson<Caregiver>)> {
    Ok((StatusCode::CREATED, ApiJson(caregivers::register(&state, &actor, req).await?)))
}

/// One caregiver, with total training hours.
#[utoipa::path(get, path = "/caregivers/{id}", tag = "workforce", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Caregiver), (status = 404, body = ErrorBody)))]
async fn get_caregiver(actor: Actor, State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> CaregiverResult {
    caregivers::get(&state, &actor, id).await.map(ApiJson)
}

/// Change phone, county or qualification (`version` must match).
#[utoipa::path(patch, path = "/caregivers/{id}", tag = "workforce", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateCaregiverRequest,
    responses((status = 200, body = Caregiver), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_caregiver(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateCaregiverRequest>,
) -> CaregiverResult {
    caregivers::update(&state, &actor, id, req).await.map(ApiJson)
}

/// The caregiver leaves (离职): assignments end, the app account is disabled.
#[utoipa::path(post, path = "/caregivers/{id}/departure", tag = "workforce", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = CaregiverDeparture, responses((status = 200, body = Caregiver), (status = 409, body = ErrorBody)))]
async fn caregiver_departure(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<CaregiverDeparture>,
) -> CaregiverResult {
    caregivers::depart(&state, &actor, id, req).await.map(ApiJson)
}

/// Create the caregiver's phone-app account (role `caregiver`).
#[utoipa::path(post, path = "/caregivers/{id}/account", tag = "workforce", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = CaregiverAccountRequest,
    responses((status = 201, body = CaregiverAccount), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn caregiver_account(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<CaregiverAccountRequest>,
) -> ApiResult<(StatusCode, ApiJson<CaregiverAccount>)> {
    Ok((StatusCode::CREATED, ApiJson(caregivers::create_account(&state, &actor, id, req).await?)))
}

/// A caregiver's training records, latest first.
#[utoipa::path(get, path = "/caregivers/{id}/trainings", tag = "workforce", security(("bearer" = [])), params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<Training>), (status = 404, body = ErrorBody)))]
async fn list_trainings(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Training>>> {
    let page: PageRequest = page.try_into()?;
    training::list(&state, &actor, id).await.map(|all| ApiJson(page.of(all)))
}

/// Record a completed course (the same course on the same day only once).
#[utoipa::path(post, path = "/caregivers/{id}/trainings", tag = "workforce", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = TrainingRequest,
    responses((status = 201, body = Training), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_training(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<TrainingRequest>,
) -> ApiResult<(StatusCode, ApiJson<Training>)> {
    Ok((StatusCode::CREATED, ApiJson(training::add(&state, &actor, id, req).await?)))
}

/// The caregiver training programme report: hours per caregiver and per county in a period.
#[utoipa::path(get, path = "/reports/caregiver-training", tag = "workforce", security(("bearer" = [])), params(TrainingReportQuery),
    responses((status = 200, body = TrainingReport), (status = 422, body = ErrorBody)))]
async fn training_report(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<TrainingReportQuery>,
) -> ApiResult<ApiJson<TrainingReport>> {
    training::report(&state, &actor, q).await.map(ApiJson)
}

/// Caregiver assignments in scope, latest start first.
#[utoipa::path(get, path = "/caregiver-assignments", tag = "workforce", security(("bearer" = [])), params(AssignmentFilter, PageQuery),
    responses((status = 200, body = Page<Assignment>)))]
async fn list_assignments(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<AssignmentFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Assignment>>> {
    assignments::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Assign a caregiver to a beneficiary their institution serves.
#[utoipa::path(post, path = "/caregiver-assignments", tag = "workforce", security(("bearer" = [])), request_body = CreateAssignment,
    responses((status = 201, body = Assignment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_assignment(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CreateAssignment>,
) -> ApiResult<(StatusCode, ApiJson<Assignment>)> {
    Ok((StatusCode::CREATED, ApiJson(assignments::create(&state, &actor, req).await?)))
}

/// End an assignment (last day, reason).
#[utoipa::path(post, path = "/caregiver-assignments/{id}/end", tag = "workforce", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = EndAssignment, responses((status = 200, body = Assignment), (status = 409, body = ErrorBody)))]
async fn end_assignment(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<EndAssignment>,
) -> ApiResult<ApiJson<Assignment>> {
    assignments::end(&state, &actor, id, req).await.map(ApiJson)
}
