//! Table `provider_choices`: which institution a beneficiary chose for which care mode (选择定点机构).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_choices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub insured_person_id: Uuid,
    pub institution_id: Uuid,
    pub care_mode: String,
    pub chosen_on: Date,
    /// `agency` (recorded by an officer), `application` (named by the assessment application),
    /// `import` (brought in from the city's former system).
    pub source: String,
    pub case_id: Option<Uuid>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTimeUtc,
    pub withdrawn_on: Option<Date>,
    pub withdrawn_by: Option<Uuid>,
    pub withdrawal_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
