//! The care workforce: caregivers (护理员) registered under institutions, their training records,
//! their app accounts, and caregiver assignments (who cares for whom).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::Sex;

/// A caregiver's qualification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaregiverQualification {
    /// 护士 (registered nurse).
    Nurse,
    /// 持证护理员: holds a caregiver vocational certificate (养老护理员/医疗护理员) of a level 1–5.
    CaregiverCertified,
    /// 亲情护理员: a trained family member; serves only under family care.
    FamilyCaregiver,
}

impl CaregiverQualification {
    /// The qualification's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            CaregiverQualification::Nurse => m::qualification_nurse(),
            CaregiverQualification::CaregiverCertified => m::qualification_certified(),
            CaregiverQualification::FamilyCaregiver => m::qualification_family(),
        }
    }

    /// The order of qualifications: nurse above certified caregiver above family caregiver.
    pub fn rank(self) -> u8 {
        match self {
            CaregiverQualification::Nurse => 2,
            CaregiverQualification::CaregiverCertified => 1,
            CaregiverQualification::FamilyCaregiver => 0,
        }
    }

    /// Whether a caregiver holding this qualification may deliver an item requiring `need`.
    pub fn may_deliver(self, need: CaregiverQualification) -> bool {
        self.rank() >= need.rank()
    }
}

/// Whether the caregiver still works for the institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaregiverStatus {
    Active,
    /// 离职: no longer serves; the app account is disabled and assignments ended.
    Left,
}

/// `POST /api/v1/caregivers`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateCaregiverRequest {
    /// The employing institution; institution staff may leave it out (their own).
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    pub name: String,
    /// 18-character resident ID number, validated like an insured person's.
    pub id_number: String,
    pub phone: String,
    /// The county (区县) the caregiver works in, for the training programme's reports.
    pub county_id: Uuid,
    pub qualification: CaregiverQualification,
    /// For `caregiver_certified`: the vocational level, 1 (高级技师) to 5 (初级工).
    #[serde(default)]
    pub certificate_level: Option<u8>,
    /// For `nurse` and `caregiver_certified`: the practising or vocational certificate number.
    #[serde(default)]
    pub certificate_number: Option<String>,
}

/// `PATCH /api/v1/caregivers/{id}`: fields present are changed; `version` must match.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct UpdateCaregiverRequest {
    pub version: i32,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub county_id: Option<Uuid>,
    #[serde(default)]
    pub qualification: Option<CaregiverQualification>,
    #[serde(default)]
    pub certificate_level: Option<u8>,
    #[serde(default)]
    pub certificate_number: Option<String>,
}

/// `POST /api/v1/caregivers/{id}/departure`: the caregiver leaves the institution (离职).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaregiverDeparture {
    /// Last working day.
    #[serde(with = "crate::strict::day")]
    pub left_on: NaiveDate,
    pub reason: String,
}

/// `POST /api/v1/caregivers/{id}/account`: the caregiver's login for the phone app.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaregiverAccountRequest {
    pub username: String,
    pub password: String,
}

/// A caregiver as the API shows it. The ID number is always masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Caregiver {
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub name: String,
    /// Masked, e.g. `370202***********X`.
    pub id_number: String,
    /// Age in whole years on the region's today (the birth date is not shown: beside the masked
    /// number it would give the number back).
    pub age: u32,
    pub sex: Sex,
    pub phone: String,
    pub county_id: Uuid,
    pub qualification: CaregiverQualification,
    pub certificate_level: Option<u8>,
    pub certificate_number: Option<String>,
    pub status: CaregiverStatus,
    pub left_on: Option<NaiveDate>,
    /// The caregiver's app account, once created.
    pub user_id: Option<Uuid>,
    /// Total training hours recorded.
    pub training_hours: Decimal,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/caregivers/{id}/account` (201): the new app account and the caregiver's record
/// that now names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaregiverAccount {
    pub account: crate::api::users::UserView,
    pub caregiver: Caregiver,
}

/// Filters of `GET /api/v1/caregivers`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaregiverFilter {
    pub institution_id: Option<Uuid>,
    pub county_id: Option<Uuid>,
    pub status: Option<CaregiverStatus>,
    /// Part of the name.
    pub name: Option<String>,
}

/// `POST /api/v1/caregivers/{id}/trainings`: one completed course (培训记录).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TrainingRequest {
    pub course: String,
    /// Hours, as a decimal string with at most one decimal place, e.g. `"7.5"`.
    #[schema(value_type = String, example = "7.5")]
    #[serde(with = "crate::strict::hours")]
    pub hours: Decimal,
    #[serde(with = "crate::strict::day")]
    pub completed_on: NaiveDate,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub certificate_number: Option<String>,
}

/// A training record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Training {
    pub id: Uuid,
    pub caregiver_id: Uuid,
    pub course: String,
    #[schema(value_type = String, example = "7.5")]
    pub hours: Decimal,
    pub completed_on: NaiveDate,
    pub provider: Option<String>,
    pub certificate_number: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// Filters of `GET /api/v1/reports/caregiver-training`: completion dates, both inclusive.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainingReportQuery {
    #[serde(with = "crate::strict::day")]
    pub from: NaiveDate,
    #[serde(with = "crate::strict::day")]
    pub to: NaiveDate,
    /// Only this county.
    pub county_id: Option<Uuid>,
}

/// One caregiver's line of the training report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaregiverTrainingLine {
    pub caregiver_id: Uuid,
    pub name: String,
    /// Masked.
    pub id_number: String,
    pub institution_id: Uuid,
    pub county_id: Uuid,
    pub qualification: CaregiverQualification,
    /// Courses completed in the period.
    pub courses: u32,
    #[schema(value_type = String)]
    pub hours: Decimal,
}

/// One county's totals of the training report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CountyTrainingLine {
    pub county_id: Uuid,
    pub county_code: String,
    pub county_name: String,
    /// Active caregivers working in the county (today).
    pub caregivers: u32,
    /// Caregivers with at least one course in the period.
    pub trained_caregivers: u32,
    pub courses: u32,
    #[schema(value_type = String)]
    pub hours: Decimal,
    /// Hours per active caregiver, to one decimal place (rounded half up, 四舍五入).
    #[schema(value_type = String)]
    pub hours_per_caregiver: Decimal,
}

/// The rural caregiver training programme report (护理员培训情况): hours per caregiver and per
/// county.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrainingReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub counties: Vec<CountyTrainingLine>,
    /// Every active caregiver in scope (trained or not), by county then name.
    pub caregivers: Vec<CaregiverTrainingLine>,
}

/// `POST /api/v1/caregiver-assignments`: a caregiver of the institution takes care of one of its
/// beneficiaries from a date.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateAssignment {
    pub caregiver_id: Uuid,
    pub insured_person_id: Uuid,
    #[serde(with = "crate::strict::day")]
    pub start_on: NaiveDate,
}

/// `POST /api/v1/caregiver-assignments/{id}/end`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EndAssignment {
    /// Last day of the assignment.
    #[serde(with = "crate::strict::day")]
    pub end_on: NaiveDate,
    pub reason: String,
}

/// A caregiver assignment (护理员分配).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Assignment {
    pub id: Uuid,
    pub caregiver_id: Uuid,
    pub insured_person_id: Uuid,
    pub institution_id: Uuid,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    /// Warnings of the checks made before care (事前提醒), in the answer that started it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::api::supervision::Warning>,
}

/// Filters of `GET /api/v1/caregiver-assignments`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentFilter {
    pub caregiver_id: Option<Uuid>,
    pub insured_person_id: Option<Uuid>,
    /// Only assignments not yet ended.
    pub open: Option<bool>,
}
