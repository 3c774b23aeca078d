//! Table `caregiver_trainings`: completed training courses of caregivers (hours in tenths).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "caregiver_trainings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub caregiver_id: Uuid,
    pub course: String,
    pub hours_tenths: i32,
    pub completed_on: Date,
    pub provider: Option<String>,
    pub certificate_number: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
