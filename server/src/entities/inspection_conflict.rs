//! Table `inspection_conflicts`: an inspector's declared link to an institution (回避), so no draw
//! sends them there.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_conflicts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    /// The inspector (an officer's or auditor's account).
    pub inspector_id: Uuid,
    pub institution_id: Uuid,
    pub reason: String,
    pub declared_by: Uuid,
    pub declared_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
