//! Downloads: CSV documents written with the `csv` crate and sent as attachments.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::ApiResult;

/// Rows as CSV text (quoted where needed).
pub fn csv_text(rows: Vec<Vec<String>>) -> ApiResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).map_err(anyhow::Error::from)?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    Ok(String::from_utf8(bytes).map_err(anyhow::Error::from)?)
}

/// A CSV body as a download named `file_name`.
pub fn csv_response(file_name: &str, body: String) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
    ];
    (headers, body).into_response()
}
