//! Multi-source funding (多渠道筹资): the double-entry ledger and its check, money coming in, and
//! (to come) imports and fund health.

pub mod check;
pub mod import;
pub mod income;
pub mod ledger;
pub mod reports;
pub mod reserve;
pub mod routes;
