//! Table `inspections`: one institution drawn for an on-site inspection, its inspectors and, once
//! recorded, the result.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub draw_id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    /// The place in the draw, from 1.
    pub rank: i32,
    /// JSON array of the inspectors' user ids.
    pub inspector_ids_json: String,
    /// `planned` or `done`.
    pub status: String,
    pub inspected_on: Option<Date>,
    /// `compliant` or `problems_found`.
    pub outcome: Option<String>,
    pub summary: Option<String>,
    /// JSON: the problems found, each with the finding it opened.
    pub problems_json: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
