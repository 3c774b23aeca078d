//! Table `certificates`: disability level certificates.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub insured_person_id: Uuid,
    pub case_id: Uuid,
    pub number: String,
    pub level: i32,
    pub instrument_version: String,
    pub effective_on: Date,
    pub expires_on: Date,
    pub appeal_deadline: Option<Date>,
    pub status: String,
    pub superseded_by: Option<Uuid>,
    pub issued_at: DateTimeUtc,
    /// The old system's certificate number, for a certificate issued before this system.
    pub external_ref: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
