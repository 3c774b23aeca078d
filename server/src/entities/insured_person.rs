//! Table `insured_persons`: 参保人.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "insured_persons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub name: String,
    /// The validated 居民身份证号, encrypted (see `crate::pii`).
    pub id_number_enc: String,
    /// Keyed blind index of the ID number: unique per region, used for exact search.
    pub id_number_hash: String,
    /// `370202***********X`: what most roles see.
    pub id_number_masked: String,
    pub birth_date: Date,
    pub sex: String,
    pub scheme: String,
    pub enrolled_on: Date,
    pub status: String,
    pub died_on: Option<Date>,
    pub address_text: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
    pub emergency_name: Option<String>,
    pub emergency_phone: Option<String>,
    pub emergency_relation: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
