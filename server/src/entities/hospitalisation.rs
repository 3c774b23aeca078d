//! Table `hospitalisations`: hospital stays (住院) made up from partner admission and discharge
//! events, one per source and episode.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hospitalisations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub insured_person_id: Uuid,
    pub source: String,
    pub episode_ref: String,
    pub hospital: Option<String>,
    pub admitted_on: Option<Date>,
    pub discharged_on: Option<Date>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
