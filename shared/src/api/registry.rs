//! Regions (统筹区) and insured persons (参保人).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::Sex;

/// A pooling region (统筹区): a city or county running its own scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Region {
    pub id: Uuid,
    /// 6-digit administrative division code (行政区划代码), e.g. `370400`.
    pub code: String,
    pub name: String,
    /// IANA time zone of the region's business dates, e.g. `Asia/Shanghai`.
    pub time_zone: String,
}

/// `POST /api/v1/regions`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateRegionRequest {
    pub code: String,
    pub name: String,
    /// Defaults to `Asia/Shanghai`.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// A county or district (区县) of a pooling region: where caregivers work, for the training
/// programme's reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct County {
    pub id: Uuid,
    pub region_id: Uuid,
    /// 6-digit administrative division code, sharing the region code's first four digits.
    pub code: String,
    pub name: String,
}

/// `POST /api/v1/counties`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateCountyRequest {
    pub code: String,
    pub name: String,
}

/// Insurance scheme (险种) the person is enrolled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// 职工: employee scheme.
    Employee,
    /// 居民: resident scheme.
    Resident,
}

/// Enrolment status (参保状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    /// 正常参保
    Active,
    /// 暂停参保
    Suspended,
    /// 死亡 (with `died_on`)
    Deceased,
}

/// Where the person lives; the coordinates are the centre of the home-visit geofence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Address {
    /// Full address text (省市区县、乡镇街道、村/小区、门牌).
    pub text: String,
    /// WGS-84 latitude in degrees.
    pub latitude: Option<f64>,
    /// WGS-84 longitude in degrees.
    pub longitude: Option<f64>,
}

/// Who to call in an emergency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EmergencyContact {
    pub name: String,
    pub phone: String,
    /// Relation to the insured person, e.g. 女儿.
    #[serde(default)]
    pub relation: Option<String>,
}

/// `POST /api/v1/insured-persons`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateInsuredPersonRequest {
    pub name: String,
    /// 居民身份证号, 18 characters.
    pub id_number: String,
    pub scheme: Scheme,
    /// Date of enrolment in the LTCI scheme.
    #[serde(with = "crate::strict::day")]
    pub enrolled_on: NaiveDate,
    pub address: Address,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub emergency_contact: Option<EmergencyContact>,
}

/// `PATCH /api/v1/insured-persons/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct UpdateInsuredPersonRequest {
    /// The `version` the client last saw; a stale version is rejected with `409 conflict`
    /// so that one officer's edit never silently overwrites another's.
    pub version: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Corrects a mistyped number; validated like a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    #[serde(with = "crate::strict::day_opt", default, skip_serializing_if = "Option::is_none")]
    pub enrolled_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency_contact: Option<EmergencyContact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PersonStatus>,
    /// Required when `status` becomes `deceased`.
    #[serde(with = "crate::strict::day_opt", default, skip_serializing_if = "Option::is_none")]
    pub died_on: Option<NaiveDate>,
}

/// An insured person as the API shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InsuredPerson {
    pub id: Uuid,
    pub region_id: Uuid,
    pub name: String,
    /// Masked (`370402***********X`: the birth date and sequence starred) unless the caller's
    /// role needs the full number.
    pub id_number: String,
    /// Whether `id_number` is masked in this response.
    pub id_number_masked: bool,
    /// Derived from the ID number; only beside the full number — with a masked one it would
    /// give the number back (docs/api.md, "What each role sees of a person").
    pub birth_date: Option<NaiveDate>,
    /// Age in whole years on the region's today, derived from the ID number.
    pub age: u32,
    /// Derived from the ID number.
    pub sex: Sex,
    pub scheme: Scheme,
    pub enrolled_on: NaiveDate,
    pub status: PersonStatus,
    pub died_on: Option<NaiveDate>,
    pub address: Address,
    pub phone: Option<String>,
    pub emergency_contact: Option<EmergencyContact>,
    /// Increases with every change; send it back with an update.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/insured-persons/lookup`: find a person by the full ID number (in the body, never
/// in a URL), as institution staff do before opening a service relation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonLookupRequest {
    pub id_number: String,
}

/// What a lookup tells: only what opening a service relation needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PersonLookup {
    pub id: Uuid,
    pub name: String,
    /// Masked, e.g. `370202***********X`.
    pub id_number: String,
    /// Whether the person holds a valid disability certificate today.
    pub certified: bool,
    /// The care modes the certified level is eligible for under the policy in force today.
    pub eligible_modes: Vec<crate::api::assessment::CareMode>,
    /// The care modes the person chose the caller's institution for (empty for officers).
    pub chosen_modes: Vec<crate::api::assessment::CareMode>,
}

/// Filters of `GET /api/v1/insured-persons`.
/// `POST /insured-persons/{id}/id-number`: why the officer needs the full number (查看完整号码).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealIdNumberRequest {
    /// 1–200 characters; kept in the audit trail with who asked and when.
    pub reason: String,
}

/// The full ID number, answered to an officer who gave a reason.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RevealedIdNumber {
    pub id_number: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InsuredPersonFilter {
    /// Part of the name.
    pub name: Option<String>,
    /// The full ID number (exact match).
    pub id_number: Option<String>,
    pub status: Option<PersonStatus>,
    pub scheme: Option<Scheme>,
    /// The county of household registration (户籍地): the 6-digit code that begins the ID number.
    pub county_code: Option<String>,
    /// Only people who hold (`true`) or do not hold (`false`) a disability certificate in force
    /// today.
    pub certified: Option<bool>,
}

impl Scheme {
    /// The scheme's name for people.
    pub fn text(self) -> crate::text::Text {
        match self {
            Scheme::Employee => crate::messages::scheme_employee(),
            Scheme::Resident => crate::messages::scheme_resident(),
        }
    }

    pub const ALL: [Scheme; 2] = [Scheme::Employee, Scheme::Resident];

    /// The snake_case name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Employee => "employee",
            Scheme::Resident => "resident",
        }
    }

    pub fn from_name(s: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl PersonStatus {
    pub const ALL: [PersonStatus; 3] = [PersonStatus::Active, PersonStatus::Suspended, PersonStatus::Deceased];

    /// The snake_case name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonStatus::Active => "active",
            PersonStatus::Suspended => "suspended",
            PersonStatus::Deceased => "deceased",
        }
    }

    pub fn from_name(s: &str) -> Option<PersonStatus> {
        PersonStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }
}
