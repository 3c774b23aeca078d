//! Table `institution_events`: the steps of an institution's designation and status changes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "institution_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub institution_id: Uuid,
    pub kind: String,
    pub reason: Option<String>,
    pub effective_on: Option<Date>,
    pub details_json: Option<String>,
    pub by_user_id: Uuid,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
