//! Care institutions (定点机构): designation from application to agreement, suspension and
//! termination, their documents, profile and legal representative, annual evaluation, beneficiaries' choices of
//! institution, and service relations (who serves whom).

pub mod attachments;
pub mod choices;
pub mod designation;
pub mod evaluation;
pub mod evaluation_routes;
pub mod lifecycle;
pub mod lookup;
pub mod profile;
pub mod relations;
pub mod representative;
pub mod routes;
pub mod sheet;
pub mod views;
