//! `ltci-migrations`: the database schema, as ordered migrations that run on SQLite and PostgreSQL.
//!
//! Self-contained on purpose: migrations never import the server's entities, so an old migration
//! keeps meaning what it meant when it shipped. Conventions (see `docs/database.md`): ids are UUIDs,
//! instants are `timestamp with time zone` written from Rust (never SQL defaults), money is integer
//! fen, enums are snake_case strings.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_regions_institutions;
mod m20261122_000002_users_and_sessions;
mod m20261122_000003_insured_persons;
mod m20261122_000004_audit_events;
mod m20261122_000005_assessment_workflow;
mod m20261122_000006_institution_designation;
mod m20261122_000007_workforce_evaluation;
mod m20261122_000008_funding_ledger;
mod m20261122_000009_reserve_draws;
mod m20261122_000010_fund_health_settings;
mod m20261122_000011_policy_versions;
mod m20261122_000012_care_delivery;
mod m20261129_000013_stays_partner_events;
mod m20261129_000014_settlement;
mod m20261201_000015_id_number_masks;
mod m20261201_000016_provider_choices;
mod m20261201_000017_bill_payments;
mod m20261201_000018_register_imports;
mod m20261202_000019_console_sessions;
mod m20261202_000020_month_end_runs;
mod m20261202_000021_person_bill_lines;
mod m20261202_000022_partner_event_dismissal;
mod m20261203_000023_ledger_day_totals;
mod m20261203_000024_visit_queue_index;
mod m20261203_000025_bill_disputes;
mod m20261204_000026_audit_chain;
mod m20261204_000027_sanctions;
mod m20261205_000028_findings;
mod m20261205_000029_legal_representatives;
mod m20261205_000030_inspections_follow_ups;
mod m20261206_000031_bill_line_packs;
mod m20261206_000032_late_fact_stamps;

/// Every migration, in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_regions_institutions::Migration),
            Box::new(m20261122_000002_users_and_sessions::Migration),
            Box::new(m20261122_000003_insured_persons::Migration),
            Box::new(m20261122_000004_audit_events::Migration),
            Box::new(m20261122_000005_assessment_workflow::Migration),
            Box::new(m20261122_000006_institution_designation::Migration),
            Box::new(m20261122_000007_workforce_evaluation::Migration),
            Box::new(m20261122_000008_funding_ledger::Migration),
            Box::new(m20261122_000009_reserve_draws::Migration),
            Box::new(m20261122_000010_fund_health_settings::Migration),
            Box::new(m20261122_000011_policy_versions::Migration),
            Box::new(m20261122_000012_care_delivery::Migration),
            Box::new(m20261129_000013_stays_partner_events::Migration),
            Box::new(m20261129_000014_settlement::Migration),
            Box::new(m20261201_000015_id_number_masks::Migration),
            Box::new(m20261201_000016_provider_choices::Migration),
            Box::new(m20261201_000017_bill_payments::Migration),
            Box::new(m20261201_000018_register_imports::Migration),
            Box::new(m20261202_000019_console_sessions::Migration),
            Box::new(m20261202_000020_month_end_runs::Migration),
            Box::new(m20261202_000021_person_bill_lines::Migration),
            Box::new(m20261202_000022_partner_event_dismissal::Migration),
            Box::new(m20261203_000023_ledger_day_totals::Migration),
            Box::new(m20261203_000024_visit_queue_index::Migration),
            Box::new(m20261203_000025_bill_disputes::Migration),
            Box::new(m20261204_000026_audit_chain::Migration),
            Box::new(m20261204_000027_sanctions::Migration),
            Box::new(m20261205_000028_findings::Migration),
            Box::new(m20261205_000029_legal_representatives::Migration),
            Box::new(m20261205_000030_inspections_follow_ups::Migration),
            Box::new(m20261206_000031_bill_line_packs::Migration),
            Box::new(m20261206_000032_late_fact_stamps::Migration),
        ]
    }
}
