//! Care institutions (定点机构): designation from application to agreement, suspension and
//! termination, and service relations (who serves whom).

pub mod designation;
pub mod lifecycle;
pub mod relations;
pub mod routes;
pub mod views;
