//! Table `institution_violations`: confirmed violations of institutions, deducted at the next evaluation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "institution_violations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub occurred_on: Date,
    pub confirmed_on: Date,
    pub description: String,
    pub points: i32,
    pub serious: bool,
    pub source: String,
    pub evaluation_id: Option<Uuid>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
