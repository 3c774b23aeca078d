//! Table `policy_versions`: a region's imported benefit policy documents (待遇政策), effective-dated.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    /// 1, 2, … per region, in import order.
    pub version: i32,
    pub name: String,
    pub effective_from: Date,
    /// The document as canonical JSON.
    pub document: String,
    /// SHA-256 of `document`, hex: importing the same document again is a no-op.
    pub sha256: String,
    pub imported_by: Uuid,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
