//! The one application error type, rendered as the JSON error envelope.
//!
//! Constructors are named by their HTTP meaning. Client errors carry a stable `code`, a message
//! of the catalogue ([`ltci_shared::messages`]) and, for validation, one entry per bad field; the
//! messages are put into the request's language ([`super::lang`]) only when the response is
//! written. Server errors keep their cause for the log and show the client nothing but
//! `internal_error` and the request id it already has in `x-request-id`.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ltci_shared::error::{Issue, codes};
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use ltci_shared::{ErrorBody, ErrorDetail};
use sea_orm::{DbErr, SqlErr};

/// Result of every handler and service function.
pub type ApiResult<T> = Result<T, ApiError>;

/// An error on its way to becoming a response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Text,
    details: BTreeMap<String, Issue>,
    retry_after_secs: Option<u64>,
    /// The cause of a 5xx, logged and never sent.
    cause: Option<anyhow::Error>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: Text) -> Self {
        Self { status, code, message, details: BTreeMap::new(), retry_after_secs: None, cause: None }
    }

    /// 400 with a code of the caller's choosing (malformed input that is not a field problem).
    pub fn bad_request(code: &'static str, message: Text) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422 `validation_failed` naming each bad field.
    pub fn validation(details: BTreeMap<String, Issue>) -> Self {
        let fields: Vec<&str> = details.keys().map(String::as_str).collect();
        let message = m::invalid_input(fields.join(", "));
        Self { details, ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, codes::VALIDATION_FAILED, message) }
    }

    /// 422 for one bad field.
    pub fn invalid_field(field: &str, code: &str, message: Text) -> Self {
        Self::validation(BTreeMap::from([(field.to_string(), Issue::new(code, message))]))
    }

    /// 401 with a specific code (`unauthenticated`, `invalid_token`, `token_expired`, …).
    pub fn unauthorized(code: &'static str, message: Text) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 403: authenticated, but this role may not do this.
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, codes::FORBIDDEN, m::forbidden())
    }

    /// 403 with its own code: the role may do this in general, but not this person now
    /// (separation of duties, one's own submission).
    pub fn refused(code: &'static str, message: Text) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    /// 404 for `what` (a noun of the catalogue). Also answered for things outside the caller's
    /// scope, so that scope is not revealed.
    pub fn not_found(what: Text) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, m::not_found(what))
    }

    /// 409 naming the field whose value clashes with existing data.
    pub fn conflict(field: &str, message: Text) -> Self {
        let mut e = Self::new(StatusCode::CONFLICT, codes::CONFLICT, message.clone());
        e.details.insert(field.to_string(), Issue::new("conflict", message));
        e
    }

    /// 409 with a code of its own (`insufficient_fund`, `stale_draft`, …) and no field.
    pub fn conflict_code(code: &'static str, message: Text) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 409 for a workflow step the record's state does not allow now; `details.state` carries the
    /// current state.
    pub fn state_conflict(code: &'static str, current_state: &str, message: Text) -> Self {
        let mut e = Self::new(StatusCode::CONFLICT, code, message.clone());
        e.details.insert("state".to_string(), Issue::new(current_state, message));
        e
    }

    /// 429 `account_locked`: too many failed logins.
    pub fn locked(retry_after_secs: u64) -> Self {
        let mut e =
            Self::new(StatusCode::TOO_MANY_REQUESTS, codes::ACCOUNT_LOCKED, m::account_locked(retry_after_secs));
        e.retry_after_secs = Some(retry_after_secs);
        e
    }

    /// 503: a dependency (the database pool) is saturated or down; retrying later may work.
    pub fn unavailable(cause: impl Into<anyhow::Error>) -> Self {
        let mut e = Self::new(StatusCode::SERVICE_UNAVAILABLE, codes::SERVICE_UNAVAILABLE, m::service_unavailable());
        e.cause = Some(cause.into());
        e
    }

    /// 500 with the cause kept for the log.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let mut e = Self::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL, m::internal_error());
        e.cause = Some(cause.into());
        e
    }

    /// Any status and code: for the framework's own rejections.
    pub fn other(status: StatusCode, code: &'static str, message: Text) -> Self {
        Self::new(status, code, message)
    }

    pub fn message(&self) -> &Text {
        &self.message
    }

    /// One entry per offending field.
    pub fn details(&self) -> &BTreeMap<String, Issue> {
        &self.details
    }

    /// Replaces the message (keeping the status, code and details).
    pub fn with_message(mut self, message: Text) -> Self {
        self.message = message;
        self
    }

    /// Names the field an error is about (for errors other than 422, e.g. a 413 on `file`).
    pub fn with_field(mut self, field: &str, code: &str, message: Text) -> Self {
        self.details.insert(field.to_string(), Issue::new(code, message));
        self
    }

    /// The envelope in `lang`.
    pub fn body(&self, lang: ltci_shared::text::Lang) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message.render(lang),
                details: self.details.iter().map(|(k, v)| (k.clone(), v.render(lang))).collect(),
            },
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// When to try again (`Retry-After`), for a lockout or an overloaded server.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after_secs
    }
}

/// Whether `e` is a unique-constraint violation: a create keyed by the client's id lost a race
/// with the same request, and reads what the other wrote instead.
pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// For `.map_err`: a unique-constraint violation becomes `conflict` (the service's own 409 naming
/// the field), anything else the usual mapping.
pub fn unique_as(conflict: impl FnOnce() -> ApiError) -> impl FnOnce(DbErr) -> ApiError {
    move |e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => conflict(),
        _ => e.into(),
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            // Services map the constraints they expect to a field; one that reaches here was not
            // expected, but is still the client's conflict, not our failure.
            Some(SqlErr::UniqueConstraintViolation(_)) => ApiError::conflict("unknown", m::conflicts_with_existing()),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                ApiError::invalid_field("unknown", "unknown_reference", m::unknown_reference())
            }
            _ => match err {
                DbErr::RecordNotFound(_) => ApiError::not_found(m::thing_record()),
                DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => ApiError::unavailable(err),
                other => ApiError::internal(other),
            },
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::internal(err)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            // Logged once, here, inside the request span (which carries the request id).
            tracing::error!(status = self.status.as_u16(), code = self.code, error = ?cause, "request failed");
        }
        let body = self.body(crate::language::current());
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// The outcome of a field rule: the clean value, or the reason code and its message.
pub type Rule<T> = Result<T, (&'static str, Text)>;

/// Collects field problems so a request with several bad fields hears about all of them at once.
#[derive(Debug, Default)]
pub struct FieldErrors(BTreeMap<String, Issue>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: &str, message: Text) {
        self.0.entry(field.into()).or_insert_with(|| Issue::new(code, message));
    }

    /// Every problem of `issues` (e.g. a document's own checks), keyed by `prefix` + their key.
    pub fn extend(&mut self, prefix: &str, issues: impl IntoIterator<Item = (String, Issue)>) {
        for (k, v) in issues {
            self.0.entry(format!("{prefix}{k}")).or_insert(v);
        }
    }

    /// Keeps the value if `result` is Ok, records the problem otherwise.
    pub fn take<T>(&mut self, field: &str, result: Rule<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err((code, message)) => {
                self.add(field, code, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `Err(422)` if anything was recorded.
    pub fn finish(self) -> ApiResult<()> {
        if self.0.is_empty() { Ok(()) } else { Err(ApiError::validation(self.0)) }
    }
}
