//! The language a request asks for: `Accept-Language` (English when it prefers it, Chinese
//! otherwise), set as the [`language`](crate::language) of the task answering it.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use ltci_shared::text::Lang;

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
    let mut resp = crate::language::scope(lang, next.run(req)).await;
    resp.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        header::HeaderValue::from_static(if lang == Lang::English { "en" } else { "zh-CN" }),
    );
    resp
}
