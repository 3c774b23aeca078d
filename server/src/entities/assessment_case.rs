//! Table `assessment_cases`: an application and where it stands.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub insured_person_id: Uuid,
    pub applied_by_user_id: Uuid,
    pub applied_by_institution_id: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    pub care_mode: String,
    pub reason: String,
    pub change_of_condition: bool,
    pub state: String,
    pub refusal_code: Option<String>,
    pub refusal_message: Option<String>,
    pub current_round: i32,
    pub publicity_ends_at: Option<DateTimeUtc>,
    pub certificate_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
