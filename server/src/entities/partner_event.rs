//! Table `partner_events`: events reported by partner systems (medical insurance, civil affairs),
//! each kept once per source and reference.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub source: String,
    pub external_ref: String,
    pub kind: String,
    /// Null when no insured person of the region has the ID number.
    pub insured_person_id: Option<Uuid>,
    pub id_number_hash: String,
    pub occurred_on: Date,
    pub episode_ref: Option<String>,
    pub hospital: Option<String>,
    pub sha256: String,
    pub received_by: Uuid,
    pub received_at: DateTimeUtc,
    /// Set when an officer put the unmatched event aside (不予处理).
    pub dismissed_by: Option<Uuid>,
    pub dismissed_at: Option<DateTimeUtc>,
    pub dismissal_code: Option<String>,
    pub dismissal_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
