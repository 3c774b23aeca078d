//! HTTP handlers under `/assessment`: the instruments (for the app to render the form) and grading.

use crate::http::extract::ApiQuery;
use crate::http::pagination::PageRequest;
use ltci_shared::ErrorBody;
use ltci_shared::Page;
use ltci_shared::PageQuery;
use ltci_shared::assessment::{self, Answers, Grading, Instrument};
use ltci_shared::messages as m;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{answer_errors, grade};
use crate::auth::{Actor, Permission};
use crate::http::error::{ApiError, ApiResult};
use crate::http::extract::{ApiJson, ApiPath};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_instruments))
        .routes(routes!(get_instrument))
        .routes(routes!(grade_answers))
}

/// An instrument's identity, without its items.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InstrumentSummary {
    pub version: String,
    pub name_zh: String,
    pub name_en: String,
    pub source: String,
    /// Whether new assessments use it.
    pub current: bool,
}

/// `POST /assessment/grade`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GradeRequest {
    /// Instrument version; the current one when absent.
    #[serde(default)]
    pub instrument: Option<String>,
    /// Item code → points, e.g. `{"adl.eating": 10, …}`.
    #[schema(value_type = Object)]
    pub answers: Answers,
}

/// The instruments the server knows.
#[utoipa::path(get, path = "/assessment/instruments", tag = "assessment", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<InstrumentSummary>), (status = 403, body = ErrorBody)))]
async fn list_instruments(
    actor: Actor,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<ApiJson<Page<InstrumentSummary>>> {
    actor.require(Permission::UseAssessmentInstruments)?;
    let page: PageRequest = page.try_into()?;
    let current = assessment::current().version.clone();
    Ok(ApiJson(
        page.of(assessment::instruments()
            .iter()
            .map(|i| InstrumentSummary {
                version: i.version.clone(),
                name_zh: i.name_zh.clone(),
                name_en: i.name_en.clone(),
                source: i.source.clone(),
                current: i.version == current,
            })
            .collect()),
    ))
}

/// One instrument in full: dimensions, items with their options and Chinese labels, bands, the
/// combination table and the levels.
#[utoipa::path(get, path = "/assessment/instruments/{version}", tag = "assessment", security(("bearer" = [])),
    params(("version" = String, Path)), responses((status = 200, body = Instrument), (status = 404, body = ErrorBody)))]
async fn get_instrument(actor: Actor, ApiPath(version): ApiPath<String>) -> ApiResult<ApiJson<Instrument>> {
    actor.require(Permission::UseAssessmentInstruments)?;
    assessment::instrument(&version).cloned().map(ApiJson).ok_or_else(|| ApiError::not_found(m::thing_instrument()))
}

/// Grade a set of answers (what the assessor's tablet shows offline, computed by the server).
/// Problems are reported per item under `answers.<item code>`.
#[utoipa::path(post, path = "/assessment/grade", tag = "assessment", security(("bearer" = [])), request_body = GradeRequest,
    responses((status = 200, body = Grading), (status = 422, body = ErrorBody)))]
async fn grade_answers(actor: Actor, ApiJson(req): ApiJson<GradeRequest>) -> ApiResult<ApiJson<Grading>> {
    actor.require(Permission::UseAssessmentInstruments)?;
    grade(req.instrument.as_deref(), &req.answers).map(ApiJson).map_err(answer_errors)
}
