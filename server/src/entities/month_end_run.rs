//! Table `month_end_runs`: one month-end run (月末结算批次), its progress and its report.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "month_end_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub month: String,
    pub started_by: Uuid,
    pub started_at: DateTimeUtc,
    /// Institutions of the region when the run began, and how many it has been through.
    pub institutions: i32,
    pub done: i32,
    pub finished_at: Option<DateTimeUtc>,
    /// `MonthEndReport` as JSON, once finished.
    pub report: Option<String>,
    /// The error code the run stopped on, if it did.
    pub failure: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
