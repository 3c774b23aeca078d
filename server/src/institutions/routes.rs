//! HTTP handlers under `/institutions`, `/service-relations` and the provider choices
//! (`/insured-persons/{id}/provider-choices`, `/provider-choices`).

use crate::http::pagination::PageRequest;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ltci_shared::api::institutions::{
    AgreementRequest, Attachment, AttachmentUpload, ChoiceWithdrawal, CreateServiceRelation, DesignationDecision,
    DocumentReview, EndServiceRelation, InspectionReport, Institution, InstitutionApplication, InstitutionFilter,
    ProviderChoice, ProviderChoiceRequest, ServiceRelation, ServiceRelationFilter, StatusChange, TerminationOutcome,
    TransferRequest, UpdateInstitutionProfile,
};
use ltci_shared::api::registry::{PersonLookup, PersonLookupRequest};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{attachments, choices, designation, lookup, profile, relations};
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_institutions, apply))
        .routes(routes!(get_institution, update_profile))
        .routes(routes!(list_attachments, upload_attachment))
        .routes(routes!(download_attachment))
        .routes(routes!(review_documents))
        .routes(routes!(inspect))
        .routes(routes!(decide))
        .routes(routes!(sign_agreement))
        .routes(routes!(renew))
        .routes(routes!(suspend))
        .routes(routes!(resume))
        .routes(routes!(terminate))
        .routes(routes!(list_relations, create_relation))
        .routes(routes!(end_relation))
        .routes(routes!(transfer_relation))
        .routes(routes!(list_choices, record_choice))
        .routes(routes!(withdraw_choice))
        .routes(routes!(look_up_person))
}

type InstitutionResult = ApiResult<ApiJson<Institution>>;

/// Institutions in scope, by name.
#[utoipa::path(get, path = "/institutions", tag = "institutions", security(("bearer" = [])), params(InstitutionFilter, PageQuery),
    responses((status = 200, body = Page<Institution>)))]
async fn list_institutions(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<InstitutionFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Institution>>> {
    designation::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Record an application for designation (定点申请).
#[utoipa::path(post, path = "/institutions", tag = "institutions", security(("bearer" = [])), request_body = InstitutionApplication,
    responses((status = 201, body = Institution), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn apply(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<InstitutionApplication>,
) -> ApiResult<(StatusCode, ApiJson<Institution>)> {
    Ok((StatusCode::CREATED, ApiJson(designation::apply(&state, &actor, req).await?)))
}

/// One institution with its agreements and history.
#[utoipa::path(get, path = "/institutions/{id}", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Institution), (status = 404, body = ErrorBody)))]
async fn get_institution(actor: Actor, State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> InstitutionResult {
    designation::get(&state, &actor, id).await.map(ApiJson)
}

/// Update address, contact or staff counts (`version` must match). Institution staff may do
/// this for their own institution.
#[utoipa::path(patch, path = "/institutions/{id}", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateInstitutionProfile,
    responses((status = 200, body = Institution), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_profile(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateInstitutionProfile>,
) -> InstitutionResult {
    profile::update(&state, &actor, id, req).await.map(ApiJson)
}

/// The institution's documents, latest first.
#[utoipa::path(get, path = "/institutions/{id}/attachments", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<Attachment>), (status = 404, body = ErrorBody)))]
async fn list_attachments(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Attachment>>> {
    let page: PageRequest = page.try_into()?;
    attachments::list(&state, &actor, id).await.map(|all| ApiJson(page.of(all)))
}

/// Upload a document: the body is the file, `Content-Type` says which (PDF, JPEG or PNG).
/// Answers 201 with the new attachment, or 200 with the existing one if the same content was
/// uploaded before; 413 if too large, 415 if not one of the types.
#[utoipa::path(post, path = "/institutions/{id}/attachments", tag = "institutions", security(("bearer" = [])),
    params(("id" = Uuid, Path), AttachmentUpload),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "or image/jpeg, image/png"),
    responses((status = 201, body = Attachment), (status = 200, body = Attachment), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_attachment(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(meta): ApiQuery<AttachmentUpload>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, ApiJson<Attachment>)> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let (created, a) = attachments::upload(&state, &actor, id, meta, content_type, length, body).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(a)))
}

/// Download a document (its content, checked against the stored SHA-256).
#[utoipa::path(get, path = "/institutions/{id}/attachments/{attachment_id}", tag = "institutions", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("attachment_id" = Uuid, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn download_attachment(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath((id, attachment_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let (a, bytes) = attachments::download(&state, &actor, id, attachment_id).await?;
    let headers = [
        (header::CONTENT_TYPE, a.content_type.clone()),
        (header::CONTENT_DISPOSITION, attachments::content_disposition(&a.file_name)),
        (header::HeaderName::from_static("x-content-sha256"), a.sha256.clone()),
    ];
    Ok((headers, bytes).into_response())
}

/// Document review: complete (to inspection) or not (rejected with the reason).
#[utoipa::path(post, path = "/institutions/{id}/document-review", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = DocumentReview, responses((status = 200, body = Institution), (status = 409, body = ErrorBody)))]
async fn review_documents(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<DocumentReview>,
) -> InstitutionResult {
    designation::review_documents(&state, &actor, id, req).await.map(ApiJson)
}

/// Record the on-site inspection and its scored checklist.
#[utoipa::path(post, path = "/institutions/{id}/inspection", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = InspectionReport, responses((status = 200, body = Institution), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn inspect(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<InspectionReport>,
) -> InstitutionResult {
    designation::inspect(&state, &actor, id, req).await.map(ApiJson)
}

/// Approve (modes and bed quota) or reject (reason).
#[utoipa::path(post, path = "/institutions/{id}/decision", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = DesignationDecision, responses((status = 200, body = Institution), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<DesignationDecision>,
) -> InstitutionResult {
    designation::decide(&state, &actor, id, req).await.map(ApiJson)
}

/// Sign the agreement (default term three years): the institution becomes active.
#[utoipa::path(post, path = "/institutions/{id}/agreement", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AgreementRequest, responses((status = 200, body = Institution), (status = 409, body = ErrorBody)))]
async fn sign_agreement(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AgreementRequest>,
) -> InstitutionResult {
    designation::sign_agreement(&state, &actor, id, req).await.map(ApiJson)
}

/// Renew the agreement before it expires.
#[utoipa::path(post, path = "/institutions/{id}/renewal", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AgreementRequest, responses((status = 200, body = Institution), (status = 409, body = ErrorBody)))]
async fn renew(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AgreementRequest>,
) -> InstitutionResult {
    designation::renew(&state, &actor, id, req).await.map(ApiJson)
}

/// Suspend (暂停): no new beneficiaries.
#[utoipa::path(post, path = "/institutions/{id}/suspension", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = StatusChange, responses((status = 200, body = Institution), (status = 409, body = ErrorBody)))]
async fn suspend(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<StatusChange>,
) -> InstitutionResult {
    designation::suspend(&state, &actor, id, req).await.map(ApiJson)
}

/// Lift a suspension.
#[utoipa::path(post, path = "/institutions/{id}/resumption", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = StatusChange, responses((status = 200, body = Institution), (status = 409, body = ErrorBody)))]
async fn resume(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<StatusChange>,
) -> InstitutionResult {
    designation::resume(&state, &actor, id, req).await.map(ApiJson)
}

/// Terminate the agreement (解除); lists the beneficiaries to transfer.
#[utoipa::path(post, path = "/institutions/{id}/termination", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = StatusChange, responses((status = 200, body = TerminationOutcome), (status = 409, body = ErrorBody)))]
async fn terminate(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<StatusChange>,
) -> ApiResult<ApiJson<TerminationOutcome>> {
    designation::terminate(&state, &actor, id, req).await.map(ApiJson)
}

/// Service relations in scope, latest start first.
#[utoipa::path(get, path = "/service-relations", tag = "institutions", security(("bearer" = [])), params(ServiceRelationFilter, PageQuery),
    responses((status = 200, body = Page<ServiceRelation>)))]
async fn list_relations(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(f): ApiQuery<ServiceRelationFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<ServiceRelation>>> {
    relations::list(&state, &actor, f, page.try_into()?).await.map(ApiJson)
}

/// Start serving a certified beneficiary (the institution must be active and have an agreement
/// covering the mode; one bed-based relation at a time).
#[utoipa::path(post, path = "/service-relations", tag = "institutions", security(("bearer" = [])), request_body = CreateServiceRelation,
    responses((status = 201, body = ServiceRelation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_relation(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CreateServiceRelation>,
) -> ApiResult<(StatusCode, ApiJson<ServiceRelation>)> {
    Ok((StatusCode::CREATED, ApiJson(relations::create(&state, &actor, req).await?)))
}

/// End a relation (last day served, reason).
#[utoipa::path(post, path = "/service-relations/{id}/end", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = EndServiceRelation, responses((status = 200, body = ServiceRelation), (status = 409, body = ErrorBody)))]
async fn end_relation(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<EndServiceRelation>,
) -> ApiResult<ApiJson<ServiceRelation>> {
    relations::end(&state, &actor, id, req).await.map(ApiJson)
}

/// Transfer the beneficiary to another institution (ends this relation, starts the new one the
/// next day, in one step). Answers with the new relation.
#[utoipa::path(post, path = "/service-relations/{id}/transfer", tag = "institutions", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = TransferRequest, responses((status = 200, body = ServiceRelation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn transfer_relation(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> ApiResult<ApiJson<ServiceRelation>> {
    relations::transfer(&state, &actor, id, req).await.map(ApiJson)
}

/// A person's choices of institution (选择定点机构), latest first (agency officers and auditors).
#[utoipa::path(get, path = "/insured-persons/{id}/provider-choices", tag = "institutions", security(("bearer" = [])),
    params(("id" = Uuid, Path), PageQuery), responses((status = 200, body = Page<ProviderChoice>), (status = 404, body = ErrorBody)))]
async fn list_choices(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<ProviderChoice>>> {
    choices::list(&state, &actor, id, page.try_into()?).await.map(ApiJson)
}

/// Record that the beneficiary chose this designated institution for this care mode (agency
/// officers): its staff may then open the service relation. 201 when recorded; 200 with the
/// choice already in force.
#[utoipa::path(post, path = "/insured-persons/{id}/provider-choices", tag = "institutions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ProviderChoiceRequest,
    responses((status = 201, body = ProviderChoice), (status = 200, body = ProviderChoice), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_choice(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ProviderChoiceRequest>,
) -> ApiResult<(StatusCode, ApiJson<ProviderChoice>)> {
    let (created, c) = choices::record(&state, &actor, id, req).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(c)))
}

/// Withdraw a choice from today (the relations already open go on until ended or transferred).
#[utoipa::path(post, path = "/provider-choices/{id}/withdrawal", tag = "institutions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ChoiceWithdrawal,
    responses((status = 200, body = ProviderChoice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn withdraw_choice(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ChoiceWithdrawal>,
) -> ApiResult<ApiJson<ProviderChoice>> {
    choices::withdraw(&state, &actor, id, req).await.map(ApiJson)
}

/// Find a person of your region by the full ID number, in the body (never in a URL): name, masked
/// number, whether certified and for which modes, and the modes the person chose your
/// institution for — what opening a service relation needs, and nothing more. Audited.
#[utoipa::path(post, path = "/insured-persons/lookup", tag = "institutions", security(("bearer" = [])),
    request_body = PersonLookupRequest,
    responses((status = 200, body = PersonLookup), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn look_up_person(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PersonLookupRequest>,
) -> ApiResult<ApiJson<PersonLookup>> {
    lookup::lookup(&state, &actor, req).await.map(ApiJson)
}
