//! Table `institutions`: care institutions (定点机构) and their designation status.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "institutions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub name: String,
    pub created_at: DateTimeUtc,
    pub uscc: Option<String>,
    pub kind: Option<String>,
    pub hospital_tier: Option<i32>,
    /// JSON array of service modes.
    pub requested_modes: Option<String>,
    pub licensed_beds: Option<i32>,
    pub doctors: Option<i32>,
    pub nurses: Option<i32>,
    pub certified_caregivers: Option<i32>,
    pub address_text: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub inspection_score: Option<i32>,
    /// JSON array of service modes granted.
    pub approved_modes: Option<String>,
    pub bed_quota: Option<i32>,
    pub status: String,
    pub version: i32,
    pub updated_at: Option<DateTimeUtc>,
    /// 法定代表人: the name, as the business licence gives it.
    pub legal_rep_name: Option<String>,
    /// The keyed hash of the representative's ID number: a barred representative is refused.
    pub legal_rep_id_hash: Option<String>,
    pub legal_rep_id_masked: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
