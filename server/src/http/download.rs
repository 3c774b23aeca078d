//! Downloads: CSV documents written with the `csv` crate and sent as attachments.

use std::borrow::Cow;

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::ApiResult;

/// Rows as CSV text (quoted where needed), every cell safe to open in a spreadsheet.
pub fn csv_text(rows: Vec<Vec<String>>) -> ApiResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r.iter().map(|c| inert(c).into_owned())).map_err(anyhow::Error::from)?;
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

/// A cell a spreadsheet will not run: one that begins like a formula (`= + - @`, a tab or a
/// carriage return) gets a leading apostrophe, as OWASP advises against CSV injection. A plain
/// number (`-45.00`) is left as it is: it cannot be a formula.
pub fn inert(cell: &str) -> Cow<'_, str> {
    let formula_like = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number =
        cell.strip_prefix('-').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    if formula_like && !number { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_run_as_formulas_are_made_text() {
        for (cell, safe) in [
            ("=HYPERLINK(\"http://x\",\"点击\")", "'=HYPERLINK(\"http://x\",\"点击\")"),
            ("+1+1", "'+1+1"),
            ("-1+cmd", "'-1+cmd"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-45.00", "-45.00"),
            ("护理记录缺失", "护理记录缺失"),
            ("", ""),
        ] {
            assert_eq!(inert(cell), safe, "{cell:?}");
        }
        let text = csv_text(vec![vec!["=1+2".into(), "-3.50".into()]]).expect("csv");
        assert_eq!(text, "'=1+2,-3.50\n");
    }
}
