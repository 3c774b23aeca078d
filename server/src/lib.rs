//! `ltci-server`: the long-term care insurance (长期护理保险) management server.
//!
//! One request flows: [`http::router`] (request id, trace span, metrics) → an extractor
//! ([`auth::Actor`] authenticates; [`http::extract`] parses the body into shared API types) →
//! a thin handler in a capability's `routes` module → that capability's `service` function, which
//! checks the permission, validates, opens the transaction, queries through [`auth::scope`],
//! writes, records the [`audit`] event and commits → the response or [`http::error::ApiError`].
//!
//! The web [`console`] at `/` is a second door onto the same capability functions: its handlers
//! take a session cookie in place of a bearer token and answer HTML in place of JSON.

pub mod assessment;
pub mod audit;
pub mod auth;
pub mod care;
pub mod cli;
pub mod config;
pub mod console;
pub mod csv_lines;
pub mod db;
pub mod demo;
pub mod digest;
pub mod entities;
pub mod fields;
pub mod funding;
pub mod http;
pub mod imports;
pub mod institutions;
pub mod language;
pub mod pii;
pub mod policy;
pub mod registry;
pub mod settlement;
pub mod startup;
pub mod state;
pub mod supervision;
pub mod telemetry;
pub mod users;
pub mod workforce;

pub use config::Config;
pub use startup::Application;
