//! The language of the request being answered: `Accept-Language` (English when it prefers it,
//! Chinese otherwise), kept for the request's task so every message rendered while answering it
//! — errors, findings, bill-line explanations, CSV headers — speaks it.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use ltci_shared::text::Lang;

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request this task answers; Chinese outside a request (the command line
/// sets its own with [`scope`]).
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Runs `f` with `lang` as the current language (the command line's `--lang`).
pub async fn scope<F: Future>(lang: Lang, f: F) -> F::Output {
    LANG.scope(lang, f).await
}

/// The language a request asks for.
pub fn of_request(req: &Request) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_accept_language)
}

/// Middleware: answers the request in the language it asks for.
pub async fn negotiate(req: Request, next: Next) -> Response {
    let lang = of_request(&req);
    let mut resp = LANG.scope(lang, next.run(req)).await;
    resp.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        header::HeaderValue::from_static(if lang == Lang::English { "en" } else { "zh-CN" }),
    );
    resp
}
