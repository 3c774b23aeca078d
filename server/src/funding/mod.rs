//! Multi-source funding (多渠道筹资): the double-entry ledger and its check, money coming in
//! (contributions, imports, receipts), reserve draws, reports and fund health.

pub mod chart;
pub mod check;
pub mod contributions;
pub mod health;
pub mod import;
pub mod income;
pub mod journal;
pub mod ledger;
pub mod reports;
pub mod reserve;
pub mod routes;
