//! Table `caregiver_assignments`: which caregiver cares for which beneficiary, from when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "caregiver_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub caregiver_id: Uuid,
    pub insured_person_id: Uuid,
    pub start_on: Date,
    pub end_on: Option<Date>,
    pub end_reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
