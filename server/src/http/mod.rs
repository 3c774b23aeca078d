//! The HTTP layer: every route in [`router`], the error envelope, extractors, pagination,
//! metrics, request ids, the request's language, CSV downloads and the operational endpoints.

pub mod download;
pub mod error;
pub mod extract;
pub mod lang;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod pagination;
pub mod router;
