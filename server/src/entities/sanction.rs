//! Table `sanctions`: people barred from long-term care work for a period (处理).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sanctions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    /// Who is sanctioned: `caregiver` or `legal_representative`.
    pub subject: String,
    /// The caregiver record the sanction was decided on.
    pub caregiver_id: Option<Uuid>,
    /// The institution the person worked for (or represented) when sanctioned.
    pub institution_id: Uuid,
    pub name: String,
    /// The keyed hash of the person's ID number: a new registration under it is refused.
    pub id_number_hash: String,
    pub id_number_masked: String,
    /// `barred` (禁止从事长期护理服务).
    pub measure: String,
    pub starts_on: Date,
    /// The last day of the ban.
    pub ends_on: Date,
    pub reason: String,
    pub decided_by: Uuid,
    pub decided_at: DateTimeUtc,
    /// Lifted early (on appeal, say): the ban holds no longer from this day.
    pub lifted_on: Option<Date>,
    pub lift_reason: Option<String>,
    pub lifted_by: Option<Uuid>,
    /// When the lift was recorded (解除时间).
    pub lifted_at: Option<DateTimeUtc>,
    pub version: i32,
    /// The confirmed finding it was decided on, if any.
    pub finding_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
