//! Every route of the server, in one place, with the middleware stack.

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use ltci_shared::error::codes;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use ltci_shared::messages as m;

use super::error::ApiError;
use super::{metrics, openapi::ApiDoc, ops};
use crate::state::AppState;
use crate::{
    assessment, audit, auth, care, funding, imports, institutions, policy, registry, settlement, supervision, users,
    workforce,
};

/// The API routes (under `/api/v1`) and the operational ones, with their OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .merge(auth::routes::router())
        .merge(users::routes::router())
        .merge(registry::routes::router())
        .merge(assessment::routes::router())
        .merge(assessment::case_routes::router())
        .merge(institutions::routes::router())
        .merge(institutions::evaluation_routes::router())
        .merge(workforce::routes::router())
        .merge(funding::routes::router())
        .merge(policy::routes::router())
        .merge(care::routes::router())
        .merge(care::stay_routes::router())
        .merge(settlement::routes::router())
        .merge(imports::routes::router())
        .merge(supervision::routes::router())
        .merge(supervision::inspection_routes::router())
        .merge(supervision::follow_up_routes::router())
        .merge(audit::router());
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(ltci_shared::api::API_PREFIX, v1)
        .merge(ops::router())
        .split_for_parts();
    (router, super::openapi::complete(doc))
}

/// The whole application: routes, API docs at `/docs`, error fallbacks, metrics, request ids, logs.
pub fn app(state: AppState) -> Router {
    let (routes, openapi) = api();
    let request_span = |req: &Request| {
        let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
        // The path only: query strings can carry personal data (an ID-number search).
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %request_id)
    };
    routes
        .merge(SwaggerUi::new("/docs").url("/api/v1/openapi.json", openapi))
        .merge(crate::console::router(state.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::x_request_id())
                // Messages speak the language the request asks for (Chinese unless English).
                .layer(axum::middleware::from_fn(super::lang::negotiate))
                // gzip when the client accepts it: a caregiver's first sync shrinks to a fraction
                // on a village's weak connection. Bodies under 1 KiB (most answers) gain little
                // and would cost both ends the work.
                .layer(
                    CompressionLayer::new().compress_when(
                        SizeAbove::new(1024)
                            .and(NotForContentType::GRPC)
                            .and(NotForContentType::IMAGES)
                            .and(NotForContentType::SSE),
                    ),
                )
                // A bug that panics answers 500 with the envelope (and is logged), not a dropped
                // connection.
                .layer(CatchPanicLayer::custom(panicked)),
        )
        .with_state(state)
}

fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let what = cause
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| cause.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    axum::response::IntoResponse::into_response(ApiError::internal(anyhow::anyhow!("handler panicked: {what}")))
}

async fn not_found() -> ApiError {
    ApiError::other(StatusCode::NOT_FOUND, codes::NOT_FOUND, m::no_such_endpoint())
}

async fn method_not_allowed() -> ApiError {
    ApiError::other(StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED, m::method_not_allowed())
}
