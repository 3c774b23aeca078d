//! sea-orm entities: one module per table, mirroring `ltci-migrations`.

pub mod agreement;
pub mod assessment_case;
pub mod assessment_case_event;
pub mod assessment_round;
pub mod assessment_round_assessor;
pub mod assessment_setting;
pub mod assessor_profile;
pub mod audit_chain_head;
pub mod audit_event;
pub mod bill;
pub mod bill_dispute;
pub mod bill_line_pack;
pub mod care_plan;
pub mod caregiver;
pub mod caregiver_assignment;
pub mod caregiver_training;
pub mod certificate;
pub mod console_session;
pub mod contribution;
pub mod county;
pub mod evaluation_scheme;
pub mod finding;
pub mod finding_record;
pub mod follow_up;
pub mod follow_up_sample;
pub mod funding_setting;
pub mod hospitalisation;
pub mod inspection;
pub mod inspection_conflict;
pub mod inspection_draw;
pub mod institution;
pub mod institution_attachment;
pub mod institution_evaluation;
pub mod institution_event;
pub mod institution_violation;
pub mod insured_person;
pub mod journal_entry;
pub mod ledger_account;
pub mod ledger_day_total;
pub mod ledger_posting;
pub mod login_throttle;
pub mod monitor_run;
pub mod month_end_run;
pub mod partner_event;
pub mod policy_version;
pub mod provider_choice;
pub mod refresh_token;
pub mod region;
pub mod reserve_draw;
pub mod sanction;
pub mod sequence;
pub mod service_relation;
pub mod stay;
pub mod stay_charge;
pub mod user;
pub mod user_preference;
pub mod visit;
pub mod visit_event;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// How an API enum is stored: its serde (snake_case) name, so the database and the API agree.
pub fn enum_to_db<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Reads an API enum back from its stored name.
pub fn enum_from_db<T: DeserializeOwned>(stored: &str) -> anyhow::Result<T> {
    serde_json::from_value(serde_json::Value::String(stored.to_string()))
        .map_err(|_| anyhow::anyhow!("unexpected stored value {stored:?}"))
}
