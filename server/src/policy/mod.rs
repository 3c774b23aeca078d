//! Benefit policy (待遇政策) as effective-dated data: reading documents, importing versions, and
//! the version in force on a date.

pub mod document;
pub mod routes;
pub mod service;

pub use service::{in_force, in_force_document};
