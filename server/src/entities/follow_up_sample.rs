//! Table `follow_up_samples`: a month's random sample of beneficiaries to follow up (回访), with
//! its seed; one per region and month.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follow_up_samples")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    /// `YYYY-MM`: the month of care asked about.
    pub month: String,
    pub seed: String,
    pub size: i32,
    /// How many beneficiaries received care that month (drawn from).
    pub population: i32,
    pub drawn_by: Uuid,
    pub drawn_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
