//! HTTP handlers of the imports: `POST …/import` with the CSV file as the body (`text/csv`).

use axum::extract::State;
use axum::http::StatusCode;
use ltci_shared::ErrorBody;
use ltci_shared::api::imports::{ImportKind, ImportSummary};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::Actor;
use crate::http::error::ApiResult;
use crate::http::extract::{ApiJson, CsvBody};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_persons))
        .routes(routes!(import_certificates))
        .routes(routes!(import_institutions))
        .routes(routes!(import_caregivers))
        .routes(routes!(import_relations))
        .routes(routes!(import_assignments))
}

type Imported = ApiResult<(StatusCode, ApiJson<ImportSummary>)>;

async fn run(state: &AppState, actor: &Actor, kind: ImportKind, csv: &[u8]) -> Imported {
    let summary = super::import(state, actor, kind, csv, &mut |_, _, _| {}).await?;
    Ok((if summary.created > 0 { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(summary)))
}

/// Import insured persons (参保人) from a CSV file (docs/imports.md). The whole file is checked
/// first: any bad line refuses it whole (`422`, every problem at `lines[n].column`). `201` when
/// something was created, `200` when every line was there already.
#[utoipa::path(post, path = "/insured-persons/import", tag = "imports", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportSummary), (status = 200, body = ImportSummary), (status = 422, body = ErrorBody)))]
async fn import_persons(actor: Actor, State(state): State<AppState>, CsvBody(csv): CsvBody) -> Imported {
    run(&state, &actor, ImportKind::Persons, &csv).await
}

/// Import certificates issued before this system (存量证书); the persons must be registered.
#[utoipa::path(post, path = "/certificates/import", tag = "imports", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportSummary), (status = 200, body = ImportSummary), (status = 422, body = ErrorBody)))]
async fn import_certificates(actor: Actor, State(state): State<AppState>, CsvBody(csv): CsvBody) -> Imported {
    run(&state, &actor, ImportKind::Certificates, &csv).await
}

/// Import institutions already designated, with their agreements (存量定点机构).
#[utoipa::path(post, path = "/institutions/import", tag = "imports", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportSummary), (status = 200, body = ImportSummary), (status = 422, body = ErrorBody)))]
async fn import_institutions(actor: Actor, State(state): State<AppState>, CsvBody(csv): CsvBody) -> Imported {
    run(&state, &actor, ImportKind::Institutions, &csv).await
}

/// Import caregivers with their qualifications; their institutions must be imported.
#[utoipa::path(post, path = "/caregivers/import", tag = "imports", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportSummary), (status = 200, body = ImportSummary), (status = 422, body = ErrorBody)))]
async fn import_caregivers(actor: Actor, State(state): State<AppState>, CsvBody(csv): CsvBody) -> Imported {
    run(&state, &actor, ImportKind::Caregivers, &csv).await
}

/// Import running service relations (with the beneficiaries' choices of institution).
#[utoipa::path(post, path = "/service-relations/import", tag = "imports", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportSummary), (status = 200, body = ImportSummary), (status = 422, body = ErrorBody)))]
async fn import_relations(actor: Actor, State(state): State<AppState>, CsvBody(csv): CsvBody) -> Imported {
    run(&state, &actor, ImportKind::Relations, &csv).await
}

/// Import caregiver assignments; the caregivers and the relations must be imported.
#[utoipa::path(post, path = "/caregiver-assignments/import", tag = "imports", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportSummary), (status = 200, body = ImportSummary), (status = 422, body = ErrorBody)))]
async fn import_assignments(actor: Actor, State(state): State<AppState>, CsvBody(csv): CsvBody) -> Imported {
    run(&state, &actor, ImportKind::Assignments, &csv).await
}
