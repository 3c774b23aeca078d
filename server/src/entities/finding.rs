//! Table `findings`: what a monitoring rule found (智能监控发现), its evidence and how it was worked.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "findings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    /// The rule's stable code (`impossible_travel`, …).
    pub rule: String,
    /// What makes it the same finding when the analysis runs again (rule-specific).
    pub key: String,
    /// The month of the services it concerns (`YYYY-MM`).
    pub month: String,
    pub occurred_on: Date,
    pub institution_id: Option<Uuid>,
    pub caregiver_id: Option<Uuid>,
    pub insured_person_id: Option<Uuid>,
    /// What was found, in the message catalogue's stored form.
    pub summary: String,
    /// JSON: the numbers that triggered it and the thresholds they were held against.
    pub evidence: String,
    /// The policy version whose thresholds were used.
    pub policy_version_id: Option<Uuid>,
    /// `open`, `confirmed` or `dismissed`.
    pub status: String,
    /// The institution's answer (one, before the decision).
    pub answer: Option<String>,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    /// Deducted from submitted bills on confirmation.
    pub deducted_fen: i64,
    /// Paid on approved bills, recovered by the institution's next bill.
    pub recovered_fen: i64,
    /// The violation recorded against the institution on confirmation.
    pub violation_id: Option<Uuid>,
    /// The monthly analysis that found it last.
    pub run_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
