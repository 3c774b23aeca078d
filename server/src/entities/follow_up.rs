//! Table `follow_ups`: a beneficiary (or their family) asked about a month's care (回访) — drawn
//! in the month's sample or on demand — and their answers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follow_ups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    /// `YYYY-MM`: the month of care asked about.
    pub month: String,
    pub insured_person_id: Uuid,
    /// The institution that served the person that month.
    pub institution_id: Uuid,
    /// The caregiver who made most of the month's visits, if any.
    pub caregiver_id: Option<Uuid>,
    /// The month's sample it was drawn in (none: on demand).
    pub sample_id: Option<Uuid>,
    /// Why it was asked for, on demand.
    pub reason: Option<String>,
    /// `pending`, `done` or `unreachable`.
    pub status: String,
    /// `phone` or `visit`.
    pub channel: Option<String>,
    pub care_given: Option<bool>,
    pub payment_asked: Option<bool>,
    /// 1–5.
    pub satisfaction: Option<i32>,
    pub comment: Option<String>,
    /// JSON array: the findings the answer opened (care not given, payment asked).
    pub finding_ids_json: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
