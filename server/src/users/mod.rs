//! User accounts: created, listed, deactivated and reset by agency officers (any role in their
//! region) and by institution staff (caregivers of their own institution).

pub mod routes;
pub mod service;
