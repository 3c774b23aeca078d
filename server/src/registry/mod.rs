//! The registry: pooling regions (统筹区), their counties (区县) and insured persons (参保人).

pub mod counties;
pub mod persons;
pub mod regions;
pub mod routes;
pub mod validate;
