//! Table `assessment_rounds`: one on-site assessment of a case.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_rounds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub round_no: i32,
    pub kind: String,
    pub lead_assessor_id: Uuid,
    pub assigned_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub visited_at: Option<DateTimeUtc>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub instrument_version: Option<String>,
    /// The item answers, encrypted (health data).
    pub answers_enc: Option<String>,
    pub level: Option<i32>,
    /// The grading (scores, grades, level) as JSON.
    pub result_json: Option<String>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub confirmed_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
