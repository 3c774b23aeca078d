//! End-to-end tests, grouped by capability. Every test runs on SQLite and on PostgreSQL.

mod assessment;
mod assessment_workflow;
mod auth;
mod care_plans;
mod conventions;
mod demo;
mod edges;
mod evaluation;
mod fund_health;
mod funding;
mod funding_import;
mod funding_properties;
mod institution_documents;
mod institutions;
mod partners;
mod phone_assessment;
mod phone_sync;
mod policy;
mod privacy;
mod registry;
mod roles;
mod settlement;
mod stays;
mod users;
mod visits;
mod workforce;
