//! Care delivery (护理服务): care plans, scheduled and unscheduled home visits as append-only
//! event streams verified at check-out, the caregiver phone's offline sync, stays in wards and
//! institutions, and the partner events (hospital stays, deaths) that stop benefits.

pub mod before;
pub mod charge_sheet;
pub mod during;
pub mod events;
pub mod exceptions;
pub mod group_commit;
pub mod partner_events;
pub mod partners;
pub mod plans;
pub mod routes;
pub mod schedule;
pub mod stay_routes;
pub mod stays;
pub mod sync;
pub mod verify;
pub mod visits;
