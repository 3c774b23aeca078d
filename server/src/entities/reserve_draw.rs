//! Table `reserve_draws`: requested, approved or rejected draws from the reserve (调剂金).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reserve_draws")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub reference: String,
    pub scheme: String,
    pub amount_fen: i64,
    pub reason: String,
    pub status: String,
    pub requested_by: Uuid,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
    pub entry_id: Option<Uuid>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
