//! Reading a policy document (TOML or JSON), with errors that name the offending key.

use ltci_shared::messages as m;
use std::collections::BTreeMap;

use ltci_shared::Issue;
use ltci_shared::policy::PolicyDocument;
use ltci_shared::text::Text;

use crate::http::error::{ApiError, ApiResult};

/// The two ways a policy document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    /// By a file's extension: `.toml` or `.json`.
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// By a request's content type: `application/toml` (or `text/toml`) or `application/json`.
    pub fn of_content_type(content_type: &str) -> Option<Format> {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/toml" | "text/toml" => Some(Format::Toml),
            "application/json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Reads and checks a document. A syntax error is reported at `document` with its line and column;
/// a missing, unknown or mistyped key at its path (`rates[2].amount`); then every problem
/// [`PolicyDocument::problems`] finds, all at once.
pub fn parse(text: &str, format: Format) -> ApiResult<PolicyDocument> {
    let doc = match format {
        Format::Toml => {
            let de = toml::Deserializer::parse(text).map_err(|e| {
                let at = e.span().map_or_else(m::at_unknown_place, |s| position(text, s.start));
                ApiError::invalid_field("document", "invalid_toml", m::invalid_toml(e.message().trim(), at))
            })?;
            serde_path_to_error::deserialize(de).map_err(|e| {
                let at = e.inner().span().map_or_else(m::at_unknown_place, |s| position(text, s.start));
                key_error(&e.path().to_string(), e.inner().message().trim(), at)
            })?
        }
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let inner = e.inner();
                if inner.is_syntax() || inner.is_eof() {
                    ApiError::invalid_field("document", "invalid_json", m::not_json(inner))
                } else {
                    let at = m::at_line_column(inner.line(), inner.column());
                    let message = inner.to_string();
                    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
                    key_error(&e.path().to_string(), &message, at)
                }
            })?
        }
    };
    check(doc)
}

/// `422` with every problem of a deserialised document, or the document.
pub fn check(doc: PolicyDocument) -> ApiResult<PolicyDocument> {
    let problems = doc.problems();
    if problems.is_empty() {
        return Ok(doc);
    }
    let count = problems.len();
    Err(ApiError::validation(problems).with_message(m::policy_refused(count)))
}

/// A deserialisation error at `path`. serde names a missing or unknown key in its message only, so
/// the key is taken from there and appended to the path of the table it belongs in.
fn key_error(path: &str, message: &str, at: Text) -> ApiError {
    let quoted = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.split('`').next()).map(str::to_owned);
    let join = |key: &str| {
        if path == "." || path.is_empty() {
            key.to_owned()
        } else if path.ends_with(key) {
            path.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    let first = message.lines().next().unwrap_or(message);
    let (key, code, text) = if let Some(key) = quoted("missing field `") {
        (join(&key), "required", m::policy_key_missing(at))
    } else if let Some(key) = quoted("unknown field `") {
        (join(&key), "unknown_key", m::policy_key_unknown(at))
    } else {
        let key = if path == "." { "document".to_owned() } else { path.to_owned() };
        match first.strip_prefix(ltci_shared::strict::MARK).and_then(|c| c.split_once(':')) {
            Some(("too_precise", _)) => (key, "too_precise", m::policy_decimal_precision(at)),
            Some(_) => (key, "invalid_value", m::policy_decimal(at)),
            None => (key, "invalid_value", m::policy_value(first, at)),
        }
    };
    ApiError::validation(BTreeMap::from([(key, Issue::new(code, text))]))
}

/// Where in the text a byte offset is: its line and column.
fn position(text: &str, offset: usize) -> Text {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    m::at_line_column(line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: [(&str, &str); 3] = [
        ("tengzhou-2023", include_str!("../../policies/tengzhou-2023.toml")),
        ("yantai", include_str!("../../policies/yantai.toml")),
        ("demo", include_str!("../../policies/demo.toml")),
    ];

    fn issue(err: &ApiError) -> Vec<(String, String)> {
        err.details().iter().map(|(k, v)| (k.clone(), v.code.clone())).collect()
    }

    #[test]
    fn the_sample_policies_are_sound_and_read_the_same_as_json() {
        for (name, text) in SAMPLES {
            let doc = parse(text, Format::Toml).unwrap_or_else(|e| panic!("{name}: {:?}", e.details()));
            let json = serde_json::to_string(&doc).expect("json");
            assert_eq!(parse(&json, Format::Json).expect("json form"), doc, "{name}");
        }
    }

    #[test]
    fn tengzhou_prices_hospital_wards_by_tier() {
        use ltci_shared::api::{assessment::CareMode, registry::Scheme};
        use rust_decimal::Decimal;
        let doc = parse(SAMPLES[0].1, Format::Toml).expect("tengzhou");
        let rate = |mode, tier| doc.rate_for(Scheme::Resident, mode, 4, tier).map(|r| (r.amount, r.fund_share));
        let d = |s: &str| s.parse::<Decimal>().expect("decimal");
        assert_eq!(rate(CareMode::HospitalWard, Some(1)), Some((Some(d("80.00")), d("0.80"))));
        assert_eq!(rate(CareMode::HospitalWard, Some(2)), Some((Some(d("100.00")), d("0.75"))));
        assert_eq!(rate(CareMode::HospitalWard, Some(3)), Some((Some(d("120.00")), d("0.70"))));
        assert_eq!(rate(CareMode::Institutional, None), Some((Some(d("60.00")), d("0.75"))));
        assert_eq!(rate(CareMode::HomeVisit, None), Some((Some(d("45.00")), d("0.90"))));
        assert_eq!(rate(CareMode::FamilyCare, None), Some((Some(d("30.00")), d("1"))));
    }

    #[test]
    fn syntax_and_key_errors_name_the_place() {
        let demo = SAMPLES[2].1;
        let err = parse(&demo.replace("name = \"示范市", "name = 示范市"), Format::Toml).expect_err("syntax");
        assert_eq!(issue(&err), [("document".to_owned(), "invalid_toml".to_owned())]);
        let message = err.details()["document"].text.en();
        assert!(message.contains("line 3"), "{message}");
        assert!(err.details()["document"].text.zh().contains("第 3 行"), "{message}");

        let err = parse(&demo.replace("amount = \"80.00\"", "amount = 80.0"), Format::Toml).expect_err("type");
        assert_eq!(issue(&err), [("rates[0].amount".to_owned(), "invalid_value".to_owned())]);
        let err = parse(&demo.replace("max_travel_speed_kmh = 60", "max_speed = 60"), Format::Toml).expect_err("key");
        assert_eq!(issue(&err), [("monitoring.max_speed".to_owned(), "unknown_key".to_owned())]);
        let err = parse(&demo.replace("quality_withholding = \"0.05\"\n", ""), Format::Toml).expect_err("missing");
        assert_eq!(issue(&err), [("quality_withholding".to_owned(), "required".to_owned())]);
        let err = parse(&demo.replace("code = \"SF-02\"\n", ""), Format::Toml).expect_err("missing in table");
        assert_eq!(issue(&err), [("catalogue[1].code".to_owned(), "required".to_owned())]);
        let err = parse(&demo.replace("mode = \"institutional\"", "mode = \"nursing_home\""), Format::Toml)
            .expect_err("value");
        assert_eq!(issue(&err), [("rates[3].mode".to_owned(), "invalid_value".to_owned())]);

        let err = parse("{\"name\": ", Format::Json).expect_err("json syntax");
        assert_eq!(issue(&err), [("document".to_owned(), "invalid_json".to_owned())]);
    }
}
