//! Events from partner systems: hospital admissions and discharges from the medical-insurance
//! system (医保), deaths from civil affairs (民政). Each is kept once per source and reference;
//! they stop benefits for the days concerned.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Most events in one batch or file (a JSON batch this size stays under the 2 MB body limit).
pub const MAX_PARTNER_EVENTS: usize = 5_000;

/// The system an event comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerSource {
    /// 医疗保险信息系统: hospital admissions and discharges.
    MedicalInsurance,
    /// 民政 / 殡葬管理: deaths.
    CivilAffairs,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerEventKind {
    /// 入院: admitted to hospital on `on` (a hospital day: no LTCI benefit).
    HospitalAdmission,
    /// 出院: discharged on `on` (benefits resume that day).
    HospitalDischarge,
    /// 死亡: died on `on`.
    Death,
}

/// One partner event, as sent in a batch or a CSV line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartnerEvent {
    pub source: PartnerSource,
    /// The event's identifier in the partner's system: the same reference is applied once.
    pub external_ref: String,
    pub kind: PartnerEventKind,
    /// The person's resident ID number (18 characters).
    pub id_number: String,
    #[serde(with = "crate::strict::day")]
    pub on: NaiveDate,
    /// For hospital events: the hospital episode (住院号) an admission and its discharge share.
    #[serde(default)]
    pub episode_ref: Option<String>,
    /// For hospital events: the hospital's name.
    #[serde(default)]
    pub hospital: Option<String>,
}

/// `POST /api/v1/partner-events`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerBatch {
    pub events: Vec<PartnerEvent>,
}

/// What became of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerOutcome {
    /// Recorded and applied to the person.
    Applied,
    /// Recorded before with the same content: nothing changed.
    Duplicate,
    /// Recorded, but nobody in the region's register has the ID number.
    Unmatched,
}

/// The result for one event, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartnerResult {
    pub source: PartnerSource,
    pub external_ref: String,
    pub outcome: PartnerOutcome,
    pub insured_person_id: Option<Uuid>,
}

/// What a batch or file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartnerImportOutcome {
    pub applied: u32,
    pub duplicates: u32,
    pub unmatched: u32,
    /// Checked-out visits verified again because a hospital stay or a death now covers their day.
    pub visits_reverified: u32,
    /// Care plans ended and stays discharged because of a death.
    pub plans_ended: u32,
    pub stays_discharged: u32,
    pub results: Vec<PartnerResult>,
}

/// A hospital stay made up from partner events: no LTCI benefit from the admission day up to the
/// day before discharge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Hospitalisation {
    pub id: Uuid,
    pub insured_person_id: Uuid,
    pub source: PartnerSource,
    pub episode_ref: String,
    pub hospital: Option<String>,
    /// Unknown until the admission is reported (a discharge may arrive first).
    pub admitted_on: Option<NaiveDate>,
    pub discharged_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

/// Filter of `GET /api/v1/hospitalisations`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HospitalisationFilter {
    pub insured_person_id: Option<Uuid>,
    /// Only hospital stays covering this date.
    #[serde(default, with = "crate::strict::day_opt")]
    pub on: Option<NaiveDate>,
}

/// Where a recorded event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerEventState {
    /// Applied to a person of the register.
    Matched,
    /// Nobody in the register had the ID number when it arrived: waiting to be matched again
    /// (after the person is registered) or put aside (待匹配).
    Unmatched,
    /// Put aside by an officer with a reason (不予处理).
    Dismissed,
}

/// Why an officer put an unmatched event aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DismissalCode {
    /// 非本统筹区参保人: the person is insured elsewhere (or not at all).
    NotInsuredHere,
    /// 合作方误报: the partner confirms the report was wrong (wrong number, wrong person).
    ReportedInError,
}

/// An officer's decision to put an event aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Dismissal {
    pub code: DismissalCode,
    pub reason: String,
    pub by: Uuid,
    pub at: DateTime<Utc>,
}

/// A recorded partner event. The ID number it named is not kept (only its blind index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RecordedPartnerEvent {
    pub id: Uuid,
    pub source: PartnerSource,
    pub external_ref: String,
    pub kind: PartnerEventKind,
    pub on: NaiveDate,
    pub episode_ref: Option<String>,
    pub hospital: Option<String>,
    pub state: PartnerEventState,
    pub insured_person_id: Option<Uuid>,
    pub received_by: Uuid,
    pub received_at: DateTime<Utc>,
    pub dismissal: Option<Dismissal>,
}

/// Filter of `GET /api/v1/partner-events`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnerEventFilter {
    pub state: Option<PartnerEventState>,
    pub source: Option<PartnerSource>,
    pub kind: Option<PartnerEventKind>,
}

/// `POST /api/v1/partner-events/{id}/dismiss`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DismissRequest {
    pub code: DismissalCode,
    /// What the officer found out (1–200 characters).
    pub reason: String,
}
