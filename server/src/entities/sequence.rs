//! Table `sequences`: per-region counters for human-readable numbers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sequences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub value: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The next value of a per-region counter (starting at 1). The upsert takes the row's lock, so
/// concurrent transactions get distinct values.
pub async fn next<C: ConnectionTrait>(db: &C, region_id: Uuid, name: &str) -> Result<i64, DbErr> {
    use sea_orm::Set;
    use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
    Entity::insert(ActiveModel { region_id: Set(region_id), name: Set(name.to_string()), value: Set(1) })
        .on_conflict(
            OnConflict::columns([Column::RegionId, Column::Name])
                .value(Column::Value, Expr::col((Entity, Column::Value)).add(1))
                .to_owned(),
        )
        .exec(db)
        .await?;
    let row = Entity::find_by_id((region_id, name.to_string()))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("sequence {name}")))?;
    Ok(row.value)
}
