//! Table `audit_chain_heads`: each region's last link of the audit chain.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_chain_heads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_id: Uuid,
    /// The number of records in the chain (the last record's `seq`).
    pub seq: i64,
    /// The last record's hash.
    pub hash: String,
    /// Whether the records written before the chain existed are all linked (after which an
    /// unlinked record can only have been written into the table directly, and stays out).
    pub backlog_sealed: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
