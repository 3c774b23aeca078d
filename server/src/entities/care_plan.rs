//! Table `care_plans`: care plans (护理计划).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "care_plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub insured_person_id: Uuid,
    pub care_mode: String,
    pub start_on: Date,
    pub end_on: Date,
    pub level: i32,
    /// JSON array of planned items (`PlanItem`).
    pub items: String,
    pub policy_version_id: Uuid,
    pub status: String,
    pub end_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
