//! A file sent from a console page (`multipart/form-data`): the session's, its CSRF token checked
//! (the form's `_csrf` field comes before the file), its other fields, and the file itself, at
//! most as large as the API takes.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};

use super::error::Refusal;
use super::session::Ctx;
use crate::auth::session;
use crate::http::extract::MAX_CSV_BYTES;
use crate::state::AppState;

/// The upload's body may hold the file and a few small fields besides.
pub const MAX_UPLOAD_BYTES: usize = MAX_CSV_BYTES + 64 * 1024;

/// The body limit of an upload route (other console forms keep axum's default).
pub fn limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES)
}

/// The file of an upload.
#[derive(Debug)]
pub struct File {
    pub name: String,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

/// A posted upload form.
#[derive(Debug)]
pub struct Uploaded {
    pub ctx: Ctx,
    /// The form's text fields (name, value), in order.
    pub fields: Vec<(String, String)>,
    /// The file field (`file`), when one was chosen.
    pub file: Option<File>,
}

impl Uploaded {
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }
}

impl FromRequest<AppState> for Uploaded {
    type Rejection = Refusal;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let mut form =
            Multipart::from_request(Request::from_parts(parts, body), state).await.map_err(|_| Refusal::BadForm)?;
        let mut fields = Vec::new();
        let mut file = None;
        let mut checked = false;
        while let Some(field) = form.next_field().await.map_err(|_| Refusal::BadForm)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                // Nothing of the file is read before the token is checked.
                if !checked {
                    return Err(Refusal::Api(session::csrf_refused()));
                }
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let content_type = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await.map_err(|_| Refusal::BadForm)?;
                if !bytes.is_empty() {
                    file = Some(File { name: file_name, content_type, bytes });
                }
                continue;
            }
            let value = field.text().await.map_err(|_| Refusal::BadForm)?;
            if name == "_csrf" {
                if !session::csrf_matches(&ctx.csrf, Some(&value)) {
                    return Err(Refusal::Api(session::csrf_refused()));
                }
                checked = true;
            } else {
                fields.push((name, value));
            }
        }
        if !checked {
            return Err(Refusal::Api(session::csrf_refused()));
        }
        Ok(Uploaded { ctx, fields, file })
    }
}
