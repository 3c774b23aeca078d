//! Request and response bodies of the HTTP API under `/api/v1`, grouped by capability.

pub mod assessment;
pub mod auth;
pub mod care;
pub mod evaluation;
pub mod follow_ups;
pub mod funding;
pub mod imports;
pub mod inspections;
pub mod institutions;
pub mod partners;
pub mod policy;
pub mod registry;
pub mod settlement;
pub mod stays;
pub mod supervision;
pub mod users;
pub mod workforce;

/// Prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";
