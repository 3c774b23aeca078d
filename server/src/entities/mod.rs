//! sea-orm entities: one module per table, mirroring `ltci-migrations`.

pub mod audit_event;
pub mod institution;
pub mod insured_person;
pub mod login_throttle;
pub mod refresh_token;
pub mod region;
pub mod user;
