//! `ltci-shared`: the vocabulary the LTCI server and the phone app both speak.
//!
//! Everything here is pure (no database, no web framework): API request and response types,
//! domain newtypes validated once at the edge, the error envelope, and — behind the `client`
//! feature — the typed HTTP client that the app and the end-to-end tests use.

pub mod api;
pub mod assessment;
pub mod draw;
pub mod error;
pub mod geo;
pub mod id_number;
pub mod messages;
pub mod money;
pub mod page;
pub mod policy;
pub mod strict;
pub mod text;
pub mod uscc;
pub mod visit;

#[cfg(feature = "client")]
pub mod client;

pub use error::{ErrorBody, ErrorDetail, FieldIssue, Issue};
pub use id_number::{IdNumber, IdNumberError, Sex};
pub use page::{Page, PageQuery};
pub use uscc::{Uscc, UsccError};
