//! Table `caregivers`: caregivers (护理员) registered under an institution.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "caregivers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub county_id: Uuid,
    pub name: String,
    pub id_number_enc: String,
    pub id_number_hash: String,
    pub id_number_masked: String,
    pub birth_date: Date,
    pub sex: String,
    pub phone: String,
    pub qualification: String,
    pub certificate_level: Option<i32>,
    pub certificate_number: Option<String>,
    pub status: String,
    pub left_on: Option<Date>,
    pub user_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
