//! HTTP handlers under `/regions`, `/counties` and `/insured-persons`.

use crate::http::pagination::PageRequest;
use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::api::registry::{
    County, CreateCountyRequest, CreateInsuredPersonRequest, CreateRegionRequest, InsuredPerson, InsuredPersonFilter,
    Region, RevealIdNumberRequest, RevealedIdNumber, UpdateInsuredPersonRequest,
};
use ltci_shared::{ErrorBody, Page, PageQuery};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{counties, persons, regions};
use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_regions, create_region))
        .routes(routes!(list_counties, create_county))
        .routes(routes!(search_insured_persons, create_insured_person))
        .routes(routes!(get_insured_person, update_insured_person))
        .routes(routes!(reveal_id_number))
}

/// List pooling regions.
#[utoipa::path(get, path = "/regions", tag = "registry", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<Region>)))]
async fn list_regions(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<Region>>> {
    regions::list(&state, &actor, page.try_into()?).await.map(ApiJson)
}

/// Create a pooling region (agency officers).
#[utoipa::path(post, path = "/regions", tag = "registry", security(("bearer" = [])), request_body = CreateRegionRequest,
    responses((status = 201, body = Region), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_region(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CreateRegionRequest>,
) -> ApiResult<(StatusCode, ApiJson<Region>)> {
    Ok((StatusCode::CREATED, ApiJson(regions::create(&state, &actor, req).await?)))
}

/// The counties (区县) of the caller's region, by code.
#[utoipa::path(get, path = "/counties", tag = "registry", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<County>)))]
async fn list_counties(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<County>>> {
    let page: PageRequest = page.try_into()?;
    counties::list(&state, &actor).await.map(|all| ApiJson(page.of(all)))
}

/// Add a county to the caller's region (agency officers).
#[utoipa::path(post, path = "/counties", tag = "registry", security(("bearer" = [])), request_body = CreateCountyRequest,
    responses((status = 201, body = County), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_county(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CreateCountyRequest>,
) -> ApiResult<(StatusCode, ApiJson<County>)> {
    Ok((StatusCode::CREATED, ApiJson(counties::create(&state, &actor, req).await?)))
}

/// Search insured persons in the caller's scope, ordered by name.
#[utoipa::path(get, path = "/insured-persons", tag = "registry", security(("bearer" = [])), params(InsuredPersonFilter, PageQuery),
    responses((status = 200, body = Page<InsuredPerson>), (status = 403, body = ErrorBody)))]
async fn search_insured_persons(
    actor: Actor,
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<InsuredPersonFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<InsuredPerson>>> {
    persons::search(&state, &actor, filter, page.try_into()?).await.map(ApiJson)
}

/// Register an insured person. The ID number is validated (length, region, birth date, check
/// character); birth date and sex are derived from it.
#[utoipa::path(post, path = "/insured-persons", tag = "registry", security(("bearer" = [])), request_body = CreateInsuredPersonRequest,
    responses((status = 201, body = InsuredPerson), (status = 409, description = "ID number already registered", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_insured_person(
    actor: Actor,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<CreateInsuredPersonRequest>,
) -> ApiResult<(StatusCode, ApiJson<InsuredPerson>)> {
    Ok((StatusCode::CREATED, ApiJson(persons::create(&state, &actor, req).await?)))
}

/// One insured person.
#[utoipa::path(get, path = "/insured-persons/{id}", tag = "registry", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = InsuredPerson), (status = 404, body = ErrorBody)))]
async fn get_insured_person(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<InsuredPerson>> {
    persons::get(&state, &actor, id).await.map(ApiJson)
}

/// Change an insured person's details or status; send the `version` you last read.
#[utoipa::path(patch, path = "/insured-persons/{id}", tag = "registry", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateInsuredPersonRequest,
    responses((status = 200, body = InsuredPerson), (status = 404, body = ErrorBody), (status = 409, description = "stale version or duplicate ID number", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_insured_person(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateInsuredPersonRequest>,
) -> ApiResult<ApiJson<InsuredPerson>> {
    persons::update(&state, &actor, id, req).await.map(ApiJson)
}

/// The full ID number (查看完整号码, agency officers): the reason is kept in the audit trail with
/// who asked and when.
#[utoipa::path(post, path = "/insured-persons/{id}/id-number", tag = "registry", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = RevealIdNumberRequest,
    responses((status = 200, body = RevealedIdNumber), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reveal_id_number(
    actor: Actor,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<RevealIdNumberRequest>,
) -> ApiResult<ApiJson<RevealedIdNumber>> {
    let id_number = persons::reveal_id_number(&state, &actor, id, &req.reason).await?;
    Ok(ApiJson(RevealedIdNumber { id_number }))
}
