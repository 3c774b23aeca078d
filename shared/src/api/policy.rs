//! Benefit policy versions (待遇政策版本): what was imported for a region, and the one in force.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::policy::PolicyDocument;

/// One imported version of a region's policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PolicyVersion {
    pub id: Uuid,
    pub region_id: Uuid,
    /// 1, 2, … per region, in import order.
    pub version: u32,
    pub name: String,
    pub effective_from: NaiveDate,
    /// SHA-256 of the document's canonical JSON: the same document imported twice is one version.
    pub sha256: String,
    pub imported_by: Uuid,
    pub imported_at: DateTime<Utc>,
    pub document: PolicyDocument,
}

/// A version in a list (without its document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicySummary {
    pub id: Uuid,
    pub version: u32,
    pub name: String,
    pub effective_from: NaiveDate,
    pub sha256: String,
    pub imported_at: DateTime<Utc>,
    /// Whether this is the version in force today.
    pub in_force: bool,
}

/// Query of `GET /api/v1/policies/in-force`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InForceQuery {
    /// The date (`YYYY-MM-DD`); today in the region when absent.
    #[serde(default, with = "crate::strict::day_opt")]
    pub on: Option<NaiveDate>,
}
