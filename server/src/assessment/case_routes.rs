//! HTTP handlers of the assessment workflow: settings, assessors, cases and their steps,
//! certificates.

use crate::http::pagination::PageRequest;
use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::assessment::{
    ApplyRequest, AssessmentCase, AssessmentSettings, AssessorProfile, AssessorProfileRequest, AssignRequest,
    CaseFilter, Certificate, CertificateFilter, ExpiringQuery, ReasonRequest, SubmitAssessmentRequest,
};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{assessors, cases, certificates, settings, workflow};
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(list_assessors))
        .routes(routes!(put_assessor_profile))
        .routes(routes!(list_cases, apply))
        .routes(routes!(get_case))
        .routes(routes!(assign))
        .routes(routes!(submit))
        .routes(routes!(confirm))
        .routes(routes!(return_submission))
        .routes(routes!(object))
        .routes(routes!(certify))
        .routes(routes!(appeal))
        .routes(routes!(list_certificates))
        .routes(routes!(expiring_certificates))
        .routes(routes!(get_certificate))
}

type CaseResult = ApiResult<ApiJson<AssessmentCase>>;

/// The region's assessment settings.
#[utoipa::path(get, path = "/assessment/settings", tag = "assessment", security(("bearer" = [])),
    responses((status = 200, body = AssessmentSettings)))]
async fn get_settings(actor: Actor, State(state): State<AppState>) -> ApiResult<ApiJson<AssessmentSettings>> {
    settings::get(&state, &actor).await.map(ApiJson)
}

/// Change the region's assessment settings (agency officers).
#[utoipa::path(put, path = "/assessment/settings", tag = "assessment", security(("bearer" = [])), request_body = AssessmentSettings,
    responses((status = 200, body = AssessmentSettings), (status = 409, body = ErrorBody, description = "governed_by_policy: a benefit policy in force sets these"), (status = 422, body = ErrorBody)))]
async fn put_settings(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<AssessmentSettings>,
) -> ApiResult<ApiJson<AssessmentSettings>> {
    settings::put(&state, &actor, req).await.map(ApiJson)
}

/// Assessors with their profiles (agency officers and auditors).
#[utoipa::path(get, path = "/assessors", tag = "assessment", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<AssessorProfile>)))]
async fn list_assessors(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<AssessorProfile>>> {
    let page: PageRequest = page.try_into()?;
    assessors::list(&state, &actor).await.map(|all| ApiJson(page.of(all)))
}

/// Set an assessor's qualification, expert-panel membership and employer.
#[utoipa::path(put, path = "/assessors/{id}/profile", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AssessorProfileRequest, responses((status = 200, body = AssessorProfile), (status = 422, body = ErrorBody)))]
async fn put_assessor_profile(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AssessorProfileRequest>,
) -> ApiResult<ApiJson<AssessorProfile>> {
    assessors::put(&state, &actor, id, req).await.map(ApiJson)
}

/// Cases in the caller's scope, newest first.
#[utoipa::path(get, path = "/assessment/cases", tag = "assessment", security(("bearer" = [])), params(CaseFilter, PageQuery),
    responses((status = 200, body = Page<AssessmentCase>)))]
async fn list_cases(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<CaseFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<AssessmentCase>>> {
    cases::list(&state, &actor, filter, page.try_into()?).await.map(ApiJson)
}

/// Apply for an assessment (申请). Eligibility failures are recorded and answered with state
/// `refused` and a `refusal` code.
#[utoipa::path(post, path = "/assessment/cases", tag = "assessment", security(("bearer" = [])), request_body = ApplyRequest,
    responses((status = 201, body = AssessmentCase), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn apply(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ApplyRequest>,
) -> ApiResult<(StatusCode, ApiJson<AssessmentCase>)> {
    Ok((StatusCode::CREATED, ApiJson(cases::apply(&state, &actor, req).await?)))
}

/// One case with its rounds, events and certificate.
#[utoipa::path(get, path = "/assessment/cases/{id}", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AssessmentCase), (status = 404, body = ErrorBody)))]
async fn get_case(actor: Actor, State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> CaseResult {
    cases::get(&state, &actor, id).await.map(ApiJson)
}

/// Assign assessors (派单) — also for re-assessment (new assessors) and appeal (experts).
#[utoipa::path(post, path = "/assessment/cases/{id}/assignment", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AssignRequest, responses((status = 200, body = AssessmentCase), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn assign(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AssignRequest>,
) -> CaseResult {
    workflow::assign(&state, &actor, id, req).await.map(ApiJson)
}

/// Submit the on-site assessment (lead assessor). The server grades the answers.
#[utoipa::path(post, path = "/assessment/cases/{id}/assessment", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = SubmitAssessmentRequest, responses((status = 200, body = AssessmentCase), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SubmitAssessmentRequest>,
) -> CaseResult {
    workflow::submit(&state, &actor, id, req).await.map(ApiJson)
}

/// Confirm the submission (another assessor of the round).
#[utoipa::path(post, path = "/assessment/cases/{id}/confirmation", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AssessmentCase), (status = 409, body = ErrorBody)))]
async fn confirm(actor: Actor, State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> CaseResult {
    workflow::confirm(&state, &actor, id).await.map(ApiJson)
}

/// Send the submission back to the lead assessor with a reason (another assessor of the round).
#[utoipa::path(post, path = "/assessment/cases/{id}/return", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ReasonRequest, responses((status = 200, body = AssessmentCase), (status = 409, body = ErrorBody)))]
async fn return_submission(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> CaseResult {
    workflow::return_submission(&state, &actor, id, req).await.map(ApiJson)
}

/// Record an objection during publicity (公示异议): the case goes to re-assessment.
#[utoipa::path(post, path = "/assessment/cases/{id}/objection", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ReasonRequest, responses((status = 200, body = AssessmentCase), (status = 409, body = ErrorBody)))]
async fn object(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> CaseResult {
    workflow::object(&state, &actor, id, req).await.map(ApiJson)
}

/// Issue the certificate after publicity.
#[utoipa::path(post, path = "/assessment/cases/{id}/certificate", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AssessmentCase), (status = 409, body = ErrorBody)))]
async fn certify(actor: Actor, State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> CaseResult {
    workflow::certify(&state, &actor, id).await.map(ApiJson)
}

/// Record an appeal (复核) within the window: an expert panel re-assesses; its result is final.
#[utoipa::path(post, path = "/assessment/cases/{id}/appeal", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ReasonRequest, responses((status = 200, body = AssessmentCase), (status = 409, body = ErrorBody)))]
async fn appeal(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> CaseResult {
    workflow::appeal(&state, &actor, id, req).await.map(ApiJson)
}

/// Certificates in scope; `expiring_within_days` lists the active ones about to expire.
#[utoipa::path(get, path = "/certificates", tag = "assessment", security(("bearer" = [])), params(CertificateFilter, PageQuery),
    responses((status = 200, body = Page<Certificate>)))]
async fn list_certificates(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<CertificateFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Certificate>>> {
    certificates::list(&state, &actor, filter, page.try_into()?).await.map(ApiJson)
}

/// Active certificates expiring within `within_days` (default 60), soonest first: the list to
/// schedule re-assessment (复评) from.
#[utoipa::path(get, path = "/certificates/expiring", tag = "assessment", security(("bearer" = [])), params(ExpiringQuery, PageQuery),
    responses((status = 200, body = Page<Certificate>)))]
async fn expiring_certificates(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ExpiringQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Certificate>>> {
    let filter = CertificateFilter {
        insured_person_id: None,
        expiring_within_days: Some(q.within_days.unwrap_or(certificates::DEFAULT_EXPIRY_NOTICE_DAYS)),
    };
    certificates::list(&state, &actor, filter, page.try_into()?).await.map(ApiJson)
}

/// One certificate.
#[utoipa::path(get, path = "/certificates/{id}", tag = "assessment", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Certificate), (status = 404, body = ErrorBody)))]
async fn get_certificate(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Certificate>> {
    certificates::get(&state, &actor, id).await.map(ApiJson)
}
