//! Table `inspection_draws`: a random draw of institutions and inspectors (双随机) with its seed
//! and everything it was drawn from, so anyone can draw again and get the same.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_draws")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub title: String,
    pub seed: String,
    /// Drawn by risk weight (or every institution alike).
    pub weighted: bool,
    pub institutions_requested: i32,
    pub inspectors_each: i32,
    /// JSON: the candidates with their weights and what made them.
    pub candidates_json: String,
    /// JSON: the inspectors drawn from.
    pub pool_json: String,
    /// JSON: the declared links excluded, `[inspector, institution]` pairs.
    pub conflicts_json: String,
    pub drawn_by: Uuid,
    pub drawn_at: DateTimeUtc,
    /// The region's business date of the draw: no inspection is recorded before it.
    pub drawn_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
