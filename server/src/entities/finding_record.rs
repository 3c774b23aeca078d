//! Table `finding_records`: the records a finding names, in order; those `affected` are refused
//! payment once the finding is confirmed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "finding_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub finding_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    /// `visit` or `stay` (as bill lines name their source).
    pub source: String,
    pub source_id: Uuid,
    /// The service day (for a stay: the bed-day).
    pub service_on: Date,
    /// The institution whose record it is (institution staff see only their own).
    pub institution_id: Option<Uuid>,
    pub affected: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
