//! The console's refusals as pages: sign-in again (a redirect), or a page that says what went
//! wrong in the reader's language — never more than the JSON API would say.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ltci_shared::messages as m;

use super::html;
use super::session::NoSession;
use crate::http::error::ApiError;

/// Why a console request was not answered with its page.
#[derive(Debug)]
pub enum Refusal {
    /// Not signed in (or no longer): to the sign-in page.
    SignIn(NoSession),
    /// A form that is not one of ours (unreadable, too large).
    BadForm,
    /// What the service answered.
    Api(ApiError),
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Refusal::Api(e)
    }
}

impl From<sea_orm::DbErr> for Refusal {
    fn from(e: sea_orm::DbErr) -> Self {
        Refusal::Api(e.into())
    }
}

/// The sign-in page's address saying why the user is there.
pub fn sign_in_again(why: NoSession) -> Response {
    let to = match why {
        NoSession::Absent => "/login",
        NoSession::Idle => "/login?why=idle",
        NoSession::Ended => "/login?why=ended",
    };
    let mut resp = Redirect::to(to).into_response();
    if why != NoSession::Absent {
        // The cookie opens nothing any more: the browser may forget it.
        resp.headers_mut().append(header::SET_COOKIE, super::session::clear_cookie());
    }
    resp
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let lang = crate::language::current();
        match self {
            Refusal::SignIn(why) => sign_in_again(why),
            Refusal::BadForm => html::error_page(StatusCode::BAD_REQUEST, &m::ui_bad_form().render(lang)),
            Refusal::Api(e) if e.status() == StatusCode::UNAUTHORIZED => sign_in_again(NoSession::Ended),
            Refusal::Api(e) => {
                let (status, retry) = (e.status(), e.retry_after_secs());
                let mut page = if status.is_server_error() {
                    // Rendering the JSON answer logs the cause inside the request's span (with its
                    // id, which the answer's `x-request-id` header also carries).
                    drop(e.into_response());
                    html::error_page(status, &m::ui_server_error().render(lang))
                } else {
                    html::error_page(status, &e.message().render(lang))
                };
                with_retry_after(&mut page, retry);
                page
            }
        }
    }
}

/// `Retry-After` on a page answering a lockout or an overload.
pub fn with_retry_after(resp: &mut Response, secs: Option<u64>) {
    if let Some(v) = secs.and_then(|s| axum::http::HeaderValue::from_str(&s.to_string()).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
}

/// What every console handler answers.
pub type PageResult = Result<Response, Refusal>;
