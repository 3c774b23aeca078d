//! Table `visits`: home visits (居家上门服务); state, times, tasks and exceptions are derived from
//! the visit's events and kept here for queries.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub insured_person_id: Uuid,
    pub caregiver_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub kind: String,
    pub scheduled_on: Date,
    /// `plan id/date` for a scheduled visit, so a plan has one visit a day.
    pub schedule_key: Option<String>,
    /// JSON array of `PlannedItem`.
    pub planned_items: String,
    pub unscheduled_reason: Option<String>,
    pub state: String,
    pub checked_in_at: Option<DateTimeUtc>,
    pub checked_out_at: Option<DateTimeUtc>,
    /// JSON array of `TaskResult`.
    pub tasks: String,
    /// JSON array of `VisitException`.
    pub exceptions: String,
    pub event_count: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
