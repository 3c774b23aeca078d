//! The one JSON error envelope every API error uses, and the stable error codes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::text::{Lang, Text};

/// `{"error": {"code": ..., "message": ..., "details": {...}}}`: the body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// The content of the error envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, snake_case, machine-readable: the app localises by this code.
    pub code: String,
    /// Human-readable explanation, in Chinese unless the request asked for English
    /// (`Accept-Language: en`); never contains personal data.
    pub message: String,
    /// One entry per offending field (the key is the field's path, e.g. `address.latitude`).
    #[serde(default)]
    pub details: BTreeMap<String, FieldIssue>,
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldIssue {
    /// Stable reason code, e.g. `invalid_check_character`, `required`, `too_long`.
    pub code: String,
    pub message: String,
}

impl FieldIssue {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into() }
    }
}

/// What is wrong with one field, before it is put into the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The stable reason code.
    pub code: String,
    pub text: Text,
}

impl Issue {
    pub fn new(code: impl Into<String>, text: Text) -> Self {
        Self { code: code.into(), text }
    }

    /// The wire form, in `lang`.
    pub fn render(&self, lang: Lang) -> FieldIssue {
        FieldIssue { code: self.code.clone(), message: self.text.render(lang) }
    }
}

/// The stable top-level error codes. The app keys its translations on these strings.
pub mod codes {
    pub const MALFORMED_JSON: &str = "malformed_json";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const VALIDATION_FAILED: &str = "validation_failed";
    /// A setting that the benefit policy in force decides was sent for change (409).
    pub const GOVERNED_BY_POLICY: &str = "governed_by_policy";
    pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
    pub const ACCOUNT_LOCKED: &str = "account_locked";
    pub const UNAUTHENTICATED: &str = "unauthenticated";
    pub const TOKEN_EXPIRED: &str = "token_expired";
    pub const INVALID_TOKEN: &str = "invalid_token";
    pub const REFRESH_TOKEN_REUSED: &str = "refresh_token_reused";
    pub const FORBIDDEN: &str = "forbidden";
    /// A console form sent without its session's CSRF token (403).
    pub const CSRF_TOKEN_INVALID: &str = "csrf_token_invalid";
    /// A console session unused for longer than the idle timeout (401).
    pub const SESSION_IDLE: &str = "session_idle";
    /// A lead assessor confirming or returning their own submission (双人评估).
    pub const OWN_SUBMISSION: &str = "own_submission";
    /// Separation of duties (不相容岗位分离): the officer who submitted a bill audits it.
    pub const SAME_OFFICER_SUBMIT_AUDIT: &str = "same_officer_submit_audit";
    /// The officer who audited a bill approves it.
    pub const SAME_OFFICER_AUDIT_APPROVE: &str = "same_officer_audit_approve";
    /// The officer who approved a bill pays it.
    pub const SAME_OFFICER_APPROVE_PAY: &str = "same_officer_approve_pay";
    pub const NOT_FOUND: &str = "not_found";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    pub const CONFLICT: &str = "conflict";
    /// A workflow step that the record's current state does not allow.
    pub const INVALID_STATE_TRANSITION: &str = "invalid_state_transition";
    /// An objection after the publicity period (公示期) ended.
    pub const PUBLICITY_OVER: &str = "publicity_over";
    /// A certificate requested before the publicity period ended.
    pub const PUBLICITY_NOT_OVER: &str = "publicity_not_over";
    /// An appeal after the appeal window closed.
    pub const APPEAL_WINDOW_CLOSED: &str = "appeal_window_closed";
    /// A decision that must be made by another person than the one who asked (four-eyes).
    pub const FOUR_EYES_REQUIRED: &str = "four_eyes_required";
    /// A draw larger than what the reserve holds.
    pub const INSUFFICIENT_RESERVE: &str = "insufficient_reserve";
    /// A payment larger than what the scheme's fund holds (draw from the reserve first).
    pub const INSUFFICIENT_FUND: &str = "insufficient_fund";
    /// A bill submitted while an earlier month's bill of the institution is still open.
    pub const EARLIER_BILL_OPEN: &str = "earlier_bill_open";
    /// A draft submitted after its facts changed: compute it again and review it.
    pub const STALE_DRAFT: &str = "stale_draft";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const SERVICE_UNAVAILABLE: &str = "service_unavailable";
    pub const INTERNAL: &str = "internal_error";
}
