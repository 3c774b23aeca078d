//! The registry: pooling regions (统筹区) and insured persons (参保人).

pub mod persons;
pub mod regions;
pub mod routes;
pub mod validate;
