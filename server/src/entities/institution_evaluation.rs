//! Table `institution_evaluations`: annual evaluations (评鉴) of institutions, with the sheet they were scored on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "institution_evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub year: i32,
    pub categories_json: String,
    pub thresholds_json: String,
    pub category_points: i32,
    pub deducted_points: i32,
    pub total: i32,
    pub grade: String,
    pub credit_class: String,
    pub deposit_release_percent: i32,
    pub evaluated_on: Date,
    pub evaluated_by: Uuid,
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
