//! Table `assessment_settings`: a region's assessment settings.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_id: Uuid,
    pub min_assessors: i32,
    pub publicity_days: i32,
    pub validity_months: i32,
    pub appeal_window_days: i32,
    pub min_contribution_months: i32,
    pub recertify_after_months: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
