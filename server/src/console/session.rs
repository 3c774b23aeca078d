//! The console's request context: the session cookie read once per request (before the handler,
//! so the whole answer speaks the user's language), the signed-in actor, and forms checked
//! against the session's CSRF token.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono_tz::Tz;
use ltci_shared::error::codes;
use ltci_shared::text::Lang;
use serde::de::DeserializeOwned;

use super::error::Refusal;
use crate::auth::Actor;
use crate::auth::session::{self, ConsoleSession};
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "ltci_console";

/// Largest form the console accepts (the reason of a step, a search): uploads have their own.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// A signed-in console request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub csrf: String,
    pub lang: Lang,
    /// The region's time zone, for times shown.
    pub tz: Tz,
    /// The region's name (the agency's heading on every page and print-out).
    pub region_name: String,
}

/// Why a request has no [`Ctx`]: the sign-in page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSession {
    /// No cookie: not signed in.
    Absent,
    /// The session was left unused too long.
    Idle,
    /// The login ended (signed out elsewhere, account deactivated).
    Ended,
}

/// The value of the session cookie, if the request has one.
pub fn cookie(headers: &HeaderMap) -> Option<String> {
    cookie_named(headers, COOKIE)
}

/// The value of cookie `name`, if the request has one.
pub fn cookie_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` opening a session: HttpOnly (no script reads it), SameSite=Strict (no other
/// site's page sends it), for the whole console; `Secure` when the console is served over HTTPS.
pub fn set_cookie(value: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static("ltci_console=; Path=/; Max-Age=0"))
}

/// `Set-Cookie` removing the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("ltci_console=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Middleware of every console page: resumes the session (if any) and answers in the language
/// the user chose (else the browser's).
pub async fn resume(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let request_id = req
        .extensions()
        .get::<tower_http::request_id::RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .map(str::to_owned);
    let found = match cookie(req.headers()) {
        None => Err(NoSession::Absent),
        Some(value) => match session::resume(&state, &value, request_id).await {
            Ok(s) => context(&state, s).await.map_err(|_| NoSession::Ended),
            Err(e) if e.code() == codes::SESSION_IDLE => Err(NoSession::Idle),
            Err(_) => Err(NoSession::Ended),
        },
    };
    let lang = match &found {
        Ok(ctx) => ctx.lang,
        Err(_) => crate::http::lang::of_request(&req),
    };
    match found {
        Ok(ctx) => {
            req.extensions_mut().insert(ctx);
        }
        Err(why) => {
            req.extensions_mut().insert(why);
        }
    }
    crate::language::scope(lang, next.run(req)).await
}

async fn context(state: &AppState, s: ConsoleSession) -> crate::http::error::ApiResult<Ctx> {
    let region = crate::registry::regions::region_of(&state.db, s.actor.region_id).await?;
    let lang = s.language.unwrap_or_else(crate::language::current);
    Ok(Ctx {
        tz: crate::registry::regions::time_zone(&region),
        region_name: region.name,
        lang,
        csrf: s.csrf_token,
        actor: s.actor,
    })
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Ctx>() {
            Some(ctx) => Ok(ctx.clone()),
            None => Err(Refusal::SignIn(parts.extensions.get::<NoSession>().copied().unwrap_or(NoSession::Absent))),
        }
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Ctx>().cloned())
    }
}

/// A form posted from a console page: the session's, its CSRF token checked, its fields `T`.
#[derive(Debug)]
pub struct Posted<T> {
    pub ctx: Ctx,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = Refusal;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(|_| Refusal::BadForm)?;
        if bytes.len() > MAX_FORM_BYTES {
            return Err(Refusal::BadForm);
        }
        let sent: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| Refusal::BadForm)?;
        if !session::csrf_matches(&ctx.csrf, sent.csrf.as_deref()) {
            return Err(Refusal::Api(session::csrf_refused()));
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| Refusal::BadForm)?;
        Ok(Posted { ctx, form })
    }
}
