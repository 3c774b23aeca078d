//! Table `bill_lines`: one priced line of a bill — a bed-day, a delivered item, a family-care
//! day or an adjustment of an approved bill — with its rule and inputs.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bill_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub bill_id: Uuid,
    pub line_no: i32,
    pub insured_person_id: Uuid,
    pub care_mode: String,
    pub scheme: String,
    pub level: Option<i32>,
    pub service_on: Date,
    /// What the line bills: `stay` (a charged bed-day), `visit` (an item delivered on a home
    /// visit), `family_care` (a day of a family-care plan).
    pub source: String,
    pub source_id: Uuid,
    /// For a visit line: the catalogue item and how many times it was delivered.
    pub item: Option<String>,
    pub times: Option<i32>,
    pub policy_version_id: Option<Uuid>,
    /// The payment basis applied (`capped_per_day`, `flat_per_day`, …).
    pub rule: Option<String>,
    pub claimed_fen: i64,
    pub allowed_fen: i64,
    pub fund_fen: i64,
    pub rejection: Option<String>,
    /// Deducted by the agency's audit, with the reason.
    pub deducted_fen: i64,
    pub deduction_reason: Option<String>,
    /// Drawn for the agency's manual review.
    pub sampled: bool,
    /// For an adjustment line: the approved bill and its line this line corrects.
    pub adjusts_bill_id: Option<Uuid>,
    pub adjusts_line_no: Option<i32>,
    /// JSON: the inputs and the steps of the rule.
    pub explanation: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
