//! The console's pages, one module per menu entry.

pub mod audit;
pub mod beneficiaries;
pub mod bills;
pub mod caregivers;
pub mod cases;
pub mod disputes;
pub mod findings;
pub mod follow_ups;
pub mod funds;
pub mod home;
pub mod imports;
pub mod inspections;
pub mod institution_home;
pub mod institution_info;
pub mod institutions;
pub mod partner_events;
pub mod person_history;
pub mod persons;
pub mod plans;
pub mod policies;
pub mod sanctions;
pub mod sign_in;
pub mod statement;
pub mod stays;
pub mod users;
pub mod visits;
