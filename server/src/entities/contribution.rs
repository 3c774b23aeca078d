//! Table `contributions`: per-person contributions (缴费) and the entry that posted them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contributions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub insured_person_id: Uuid,
    pub period: String,
    pub scheme: String,
    pub source: String,
    pub amount_fen: i64,
    pub entry_id: Uuid,
    pub reversed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
