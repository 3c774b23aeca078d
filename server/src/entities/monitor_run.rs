//! Table `monitor_runs`: the monthly analysis (事后分析) of a region's services, with its progress.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitor_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub month: String,
    pub started_by: Uuid,
    pub started_at: DateTimeUtc,
    /// `reading`, `checking`, `recording` or `done`.
    pub stage: String,
    pub done: i64,
    pub total: i64,
    pub finished_at: Option<DateTimeUtc>,
    /// JSON: the report, once done.
    pub report: Option<String>,
    /// The error code it stopped on.
    pub failure: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
