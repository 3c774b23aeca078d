//! Care delivery (护理服务): care plans, scheduled and unscheduled home visits as append-only
//! event streams verified at check-out, and the caregiver phone's offline sync.

pub mod events;
pub mod plans;
pub mod routes;
pub mod schedule;
pub mod sync;
pub mod verify;
pub mod visits;
