//! Table `visit_events`: the append-only events of home visits, each applied once by its UUID.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub visit_id: Uuid,
    pub kind: String,
    pub occurred_at: DateTimeUtc,
    /// The event body as JSON (`VisitEventBody`).
    pub body: String,
    pub sha256: String,
    pub device_id: String,
    pub recorded_by: Uuid,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
