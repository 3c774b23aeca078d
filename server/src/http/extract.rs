//! Request extractors that answer bad input with the error envelope, naming the field.
//!
//! axum's own `Json`, `Query` and `Path` reject with plain text; these read the same input and
//! report syntax errors as `400 malformed_json` and type errors (wrong type, unknown enum value,
//! missing field) as `422 validation_failed` with the field's path as the detail key.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON request body (and, as a response, a JSON body).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::other(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                m::send_json(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::other(StatusCode::PAYLOAD_TOO_LARGE, codes::PAYLOAD_TOO_LARGE, m::body_too_large())
            } else {
                ApiError::bad_request(codes::MALFORMED_JSON, m::body_unreadable())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Largest CSV file accepted over HTTP (the command line has no limit).
pub const MAX_CSV_BYTES: usize = 64 * 1024 * 1024;

/// A CSV file as the request body (`Content-Type: text/csv`), at most [`MAX_CSV_BYTES`].
#[derive(Debug, Clone)]
pub struct CsvBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        use http_body_util::{BodyExt, LengthLimitError, Limited};
        let csv = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv")));
        if !csv {
            return Err(ApiError::other(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                m::send_csv(),
            ));
        }
        match Limited::new(req.into_body(), MAX_CSV_BYTES).collect().await {
            Ok(c) => Ok(CsvBody(c.to_bytes())),
            Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
                Err(ApiError::other(StatusCode::PAYLOAD_TOO_LARGE, codes::PAYLOAD_TOO_LARGE, m::csv_too_large(64)))
            }
            Err(_) => Err(ApiError::bad_request("upload_interrupted", m::upload_interrupted())),
        }
    }
}

/// Deserialises JSON, mapping serde's error to the envelope with the failing field's path. A
/// string holding a control character (NUL, bell, …; line breaks and tabs are for the fields
/// that take them to decide) is refused here, for every field, naming it: PostgreSQL cannot
/// even store a NUL.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if may_hold_control_characters(bytes)
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(path) = control_character_at(&value, String::new())
    {
        let field = if path.is_empty() { "body".to_owned() } else { path };
        return Err(ApiError::invalid_field(&field, "invalid_characters", m::invalid_control_in_body()));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => field_error(&path, &inner.to_string()),
            _ => ApiError::bad_request(codes::MALFORMED_JSON, m::not_json(inner)),
        }
    })
}

/// Whether a JSON text can hold a control character other than a line break or tab in a string:
/// raw JSON cannot, so only an escape (`\u0000`, `\b`, `\f`), a raw DEL or a C1 character can
/// put one there. Cheap, so the body is parsed a second time only when it may.
fn may_hold_control_characters(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                match bytes.get(i + 1) {
                    Some(b'b' | b'f') => return true,
                    Some(b'u') => {
                        let hex = bytes.get(i + 2..i + 6).and_then(|h| std::str::from_utf8(h).ok());
                        if hex
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .and_then(char::from_u32)
                            .is_some_and(refused)
                        {
                            return true;
                        }
                    }
                    _ => {}
                }
                i += 2;
            }
            0x7f => return true,
            0xc2 if bytes.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) => return true,
            _ => i += 1,
        }
    }
    false
}

/// A control character no text field takes.
fn refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\t' | '\r')
}

/// The path (`a.b[2].c`, as serde names fields) of the first string holding a refused control
/// character, keys included.
fn control_character_at(v: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) => s.chars().any(refused).then_some(path),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| control_character_at(item, format!("{path}[{i}]")))
        }
        Value::Object(o) => o.iter().find_map(|(k, item)| {
            let at = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            if k.chars().any(refused) { Some(at) } else { control_character_at(item, at) }
        }),
        _ => None,
    }
}

/// Turns a serde data error at `path` into a 422 naming the field.
fn field_error(path: &str, message: &str) -> ApiError {
    // Drop serde_json's " at line 1 column 5" suffix: the field path says where.
    let message = message.split(" at line ").next().unwrap_or(message).to_string();
    // A missing field is reported at its parent's path; name the field itself.
    if let Some(name) = message.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        let field = if path == "." || path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
        return ApiError::invalid_field(&field, "required", m::field_required(&field));
    }
    let field = if path == "." || path.is_empty() { "body".to_string() } else { path.to_string() };
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (given, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected.strip_prefix("one of ").unwrap_or(expected);
        return ApiError::invalid_field(&field, "unknown_value", m::unknown_value(given, expected));
    }
    if let Some(custom) = message.strip_prefix(ltci_shared::strict::MARK) {
        // One of our own strict readers (money, dates): its code and message, after the mark.
        let (code, key) = custom.split_once(':').unwrap_or(("invalid_value", custom));
        return ApiError::invalid_field(&field, code, ltci_shared::strict::text_of(code, key));
    }
    ApiError::invalid_field(&field, "invalid_type", m::invalid_type(message))
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Query-string parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(ApiQuery).map_err(|err| {
            let path = err.path().to_string();
            field_error(&path, &err.into_inner().to_string())
        })
    }
}

/// Path parameters (ids, numbers). A malformed one is a `422` on that parameter: `invalid_id` for
/// an id, `invalid_value` for anything else.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rejection) => {
                use axum::extract::path::ErrorKind;
                use axum::extract::rejection::PathRejection;
                let index = match &rejection {
                    PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
                        ErrorKind::ParseErrorAtIndex { index, .. } => Some(*index),
                        _ => None,
                    },
                    _ => None,
                };
                let raw = axum::extract::RawPathParams::from_request_parts(parts, state).await.ok();
                let key = index
                    .and_then(|i| raw.as_ref().and_then(|r| r.iter().nth(i)).map(|(k, _)| k.to_string()))
                    .unwrap_or_else(|| "id".into());
                let code = if key == "id" || key.ends_with("_id") { "invalid_id" } else { "invalid_value" };
                Err(ApiError::invalid_field(&key, code, m::invalid_path_value(rejection.body_text())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_on_the_field_that_holds_them() {
        #[derive(Debug, serde::Deserialize)]
        #[expect(dead_code, reason = "only read by the deserialiser")]
        struct Body {
            name: String,
            notes: Vec<String>,
        }
        let field = |json: &str| {
            parse_json::<Body>(json.as_bytes())
                .err()
                .map(|e| e.details().iter().map(|(k, v)| (k.clone(), v.code.clone())).collect::<Vec<_>>())
        };
        let bad = |f: &str| Some(vec![(f.to_owned(), "invalid_characters".to_owned())]);
        assert_eq!(field(r#"{"name":"空\u0000字","notes":[]}"#), bad("name"));
        assert_eq!(field(r#"{"name":"x","notes":["a","响\u0007铃"]}"#), bad("notes[1]"));
        assert_eq!(field(r#"{"name":"退\b格","notes":[]}"#), bad("name"));
        assert_eq!(field("{\"name\":\"\u{7f}\",\"notes\":[]}"), bad("name"));
        // Line breaks and tabs are for the field's own rule; an escaped backslash is no escape.
        assert_eq!(field(r#"{"name":"两\n行\t","notes":["C:\\u0000"]}"#), None);
    }
}
