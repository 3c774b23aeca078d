//! 登录 / 退出: the sign-in page (the API's password check and lockout), signing out, and the
//! language a user chooses for the console.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use dioxus::prelude::*;
use ltci_shared::messages as m;
use ltci_shared::text::Lang;
use serde::Deserialize;

use crate::auth::actor::ReqId;
use crate::auth::session as sessions;
use crate::auth::token::random_token;
use crate::console::error::{PageResult, Refusal};
use crate::console::html;
use crate::console::session::{self, Ctx, Posted};
use crate::state::AppState;

/// The cookie of the sign-in form's CSRF token (no session exists yet: the form and the cookie
/// must carry the same value).
const LOGIN_CSRF_COOKIE: &str = "ltci_login_csrf";

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    why: Option<String>,
    lang: Option<String>,
}

/// The sign-in page (the address of `/` for anyone not signed in).
pub async fn form(ctx: Option<Ctx>, Query(q): Query<SignInQuery>) -> Response {
    if ctx.is_some() {
        return Redirect::to("/").into_response();
    }
    let lang = q.lang.as_deref().and_then(Lang::from_code).unwrap_or_else(crate::language::current);
    let why = match q.why.as_deref() {
        Some("idle") => Some(m::console_session_idle()),
        Some("ended") => Some(m::login_ended()),
        _ => None,
    };
    page(lang, StatusCode::OK, "", why.map(|t| t.render(lang)))
}

fn page(lang: Lang, status: StatusCode, username: &str, refused: Option<String>) -> Response {
    let token = random_token();
    let title = m::ui_sign_in().render(lang);
    let other = if lang == Lang::Zh { ("en", "English") } else { ("zh", "中文") };
    let mut resp = html::bare(
        status,
        lang,
        &title.clone(),
        rsx! {
            p { class: "muted", {m::ui_product().render(lang)} }
            h1 { "{title}" }
            if let Some(r) = refused { p { class: "notice refused", role: "alert", "{r}" } }
            form { method: "post", action: "/login", class: "sign-in",
                input { r#type: "hidden", name: "_csrf", value: "{token}" }
                input { r#type: "hidden", name: "lang", value: lang.code() }
                div { class: "field",
                    label { r#for: "username", {m::ui_username().render(lang)} }
                    input { id: "username", name: "username", value: "{username}", autocomplete: "username", required: true, autofocus: true }
                }
                div { class: "field",
                    label { r#for: "password", {m::ui_password().render(lang)} }
                    input { id: "password", name: "password", r#type: "password", autocomplete: "current-password", required: true }
                }
                button { r#type: "submit", "{title}" }
            }
            p { a { href: "/login?lang={other.0}", lang: other.0, "{other.1}" } }
        },
    );
    if let Ok(v) =
        HeaderValue::from_str(&format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict"))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Debug, Deserialize)]
pub struct SignIn {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    username: String,
    password: String,
    lang: Option<String>,
}

/// Signs in: the same check and lockout as `POST /api/v1/auth/login`; a session cookie on success.
pub async fn submit(
    State(state): State<AppState>,
    ReqId(rid): ReqId,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Ok(f) = serde_urlencoded::from_bytes::<SignIn>(&body) else {
        return Refusal::BadForm.into_response();
    };
    let lang = f.lang.as_deref().and_then(Lang::from_code).unwrap_or_else(crate::language::current);
    let expected = session::cookie_named(&headers, LOGIN_CSRF_COOKIE);
    if expected.is_none_or(|e| !sessions::csrf_matches(&e, f.csrf.as_deref())) {
        return page(lang, StatusCode::FORBIDDEN, &f.username, Some(m::console_csrf_invalid().render(lang)));
    }
    match sessions::open(&state, &f.username, &f.password, rid).await {
        Ok(cookie) => {
            let mut resp = Redirect::to("/").into_response();
            resp.headers_mut()
                .append(header::SET_COOKIE, session::set_cookie(&cookie, state.config.console_secure_cookie));
            resp
        }
        Err(e) => {
            let mut resp = page(lang, e.status(), &f.username, Some(e.message().render(lang)));
            crate::console::error::with_retry_after(&mut resp, e.retry_after_secs());
            resp
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Nothing {}

/// Signs out: ends the login (its API tokens too) and removes the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    posted: Result<Posted<Nothing>, Refusal>,
) -> PageResult {
    let posted = match posted {
        Ok(p) => p,
        // Signing out of a session that already ended is done.
        Err(Refusal::SignIn(_)) => return Ok(signed_out()),
        Err(e) => return Err(e),
    };
    if let Some(cookie) = session::cookie(&headers) {
        sessions::end(&state, &cookie, posted.ctx.actor.request_id.clone()).await?;
    }
    Ok(signed_out())
}

fn signed_out() -> Response {
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(header::SET_COOKIE, session::clear_cookie());
    resp
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    lang: String,
    back: Option<String>,
}

/// Remembers the language the user chose and goes back to the page they were on.
pub async fn language(State(state): State<AppState>, posted: Posted<LanguageForm>) -> PageResult {
    let lang = Lang::from_code(&posted.form.lang).ok_or(Refusal::BadForm)?;
    sessions::set_language(&state, &posted.ctx.actor, lang).await?;
    let back = posted.form.back.filter(|b| b.starts_with('/') && !b.starts_with("//")).unwrap_or_else(|| "/".into());
    Ok(Redirect::to(&back).into_response())
}
