//! Care institutions (定点机构): designation from application to agreement, suspension and
//! termination; service relations (who serves whom).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::assessment::CareMode;
use super::registry::Address;

/// What kind of institution it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    /// 医院 (with a tier 1–3)
    Hospital,
    /// 养老机构
    NursingHome,
    /// 居家服务机构
    HomeCareAgency,
    /// 社区服务站
    CommunityStation,
}

/// A kind of service an institution may be designated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMode {
    /// 医疗专护
    HospitalWard,
    /// 机构护理
    Institutional,
    /// 居家上门
    HomeVisit,
    /// Supervising trained family carers (亲情护理指导).
    FamilyCareSupervision,
}

impl ServiceMode {
    /// The designation a beneficiary's care mode needs from the serving institution.
    pub fn for_care_mode(mode: CareMode) -> ServiceMode {
        match mode {
            CareMode::HospitalWard => ServiceMode::HospitalWard,
            CareMode::Institutional => ServiceMode::Institutional,
            CareMode::HomeVisit => ServiceMode::HomeVisit,
            CareMode::FamilyCare => ServiceMode::FamilyCareSupervision,
        }
    }
}

/// Where an institution stands. Transitions are enforced by the server (`409
/// invalid_state_transition` otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionStatus {
    /// 已申请: waiting for document review.
    Submitted,
    /// 待现场核查: documents accepted; the on-site inspection is next.
    InspectionPending,
    /// 已核查: inspected and scored; a decision is next.
    Inspected,
    /// 已批准: an agreement can be signed.
    Approved,
    /// 不予批准 (final).
    Rejected,
    /// 协议期内: designated and serving.
    Active,
    /// 暂停: no new beneficiaries.
    Suspended,
    /// 解除协议 (final).
    Terminated,
}

impl InstitutionStatus {
    /// The status's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            InstitutionStatus::Submitted => m::institution_status_submitted(),
            InstitutionStatus::InspectionPending => m::institution_status_inspection_pending(),
            InstitutionStatus::Inspected => m::institution_status_inspected(),
            InstitutionStatus::Approved => m::institution_status_approved(),
            InstitutionStatus::Rejected => m::institution_status_rejected(),
            InstitutionStatus::Active => m::institution_status_active(),
            InstitutionStatus::Suspended => m::institution_status_suspended(),
            InstitutionStatus::Terminated => m::institution_status_terminated(),
        }
    }
}

/// `POST /api/v1/institutions`: an application for designation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InstitutionApplication {
    pub name: String,
    /// 统一社会信用代码, 18 characters (GB 32100-2015).
    pub uscc: String,
    pub kind: InstitutionKind,
    /// 1, 2 or 3; required for hospitals only.
    #[serde(default)]
    pub hospital_tier: Option<u8>,
    pub requested_modes: Vec<ServiceMode>,
    pub licensed_beds: u32,
    pub doctors: u32,
    pub nurses: u32,
    pub certified_caregivers: u32,
    pub address: Address,
    pub contact_name: String,
    pub contact_phone: String,
    /// 法定代表人, as the business licence names them. Refused while they are barred.
    #[serde(default)]
    pub legal_representative: Option<LegalRepresentative>,
}

/// An institution's legal representative (法定代表人) as an application or a profile edit names
/// them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LegalRepresentative {
    pub name: String,
    /// 18-character resident ID number. Only its keyed hash and its mask are kept.
    pub id_number: String,
}

/// The legal representative as the API shows them: the name and the masked ID number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LegalRepresentativeShown {
    pub name: String,
    pub id_number_masked: String,
}

/// `POST /institutions/{id}/document-review`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DocumentReview {
    pub accepted: bool,
    /// Required when the documents are not accepted.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One line of the on-site inspection checklist (现场核查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChecklistItem {
    pub item: String,
    pub max_points: u32,
    pub points: u32,
}

/// `POST /institutions/{id}/inspection`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InspectionReport {
    pub checklist: Vec<ChecklistItem>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// `POST /institutions/{id}/decision`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DesignationDecision {
    pub approved: bool,
    /// Required when rejected.
    #[serde(default)]
    pub reason: Option<String>,
    /// When approved: the modes granted (a subset of those requested).
    #[serde(default)]
    pub approved_modes: Vec<ServiceMode>,
    /// When approved: beds covered by the scheme (at most the licensed beds).
    #[serde(default)]
    pub bed_quota: u32,
}

/// `POST /institutions/{id}/agreement` and `/renewal`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AgreementRequest {
    /// First day of the agreement (for a renewal: the day after the current one ends, by default).
    #[serde(with = "crate::strict::day_opt", default)]
    pub start_on: Option<NaiveDate>,
    /// Last day; by default three years from the start, less a day.
    #[serde(with = "crate::strict::day_opt", default)]
    pub end_on: Option<NaiveDate>,
}

/// `POST /institutions/{id}/suspension`, `/resumption`, `/termination`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatusChange {
    pub reason: String,
    /// From when it applies (default: today).
    #[serde(with = "crate::strict::day_opt", default)]
    pub effective_on: Option<NaiveDate>,
}

/// An agreement (服务协议).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Agreement {
    pub id: Uuid,
    /// `<region code>-XY-<year>-<sequence>`.
    pub number: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub modes: Vec<ServiceMode>,
    pub bed_quota: u32,
    pub signed_at: DateTime<Utc>,
}

/// A step in an institution's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InstitutionEvent {
    /// `applied`, `documents_accepted`, `documents_rejected`, `inspected`, `approved`, `rejected`,
    /// `agreement_signed`, `renewed`, `suspended`, `resumed`, `terminated`, `evaluated`.
    pub kind: String,
    pub reason: Option<String>,
    pub effective_on: Option<NaiveDate>,
    /// The inspection checklist, for `inspected`; year, total, grade and credit class for
    /// `evaluated`.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub by_user_id: Uuid,
    pub at: DateTime<Utc>,
}

/// Staff counts given at application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StaffCounts {
    pub doctors: u32,
    pub nurses: u32,
    pub certified_caregivers: u32,
}

/// An institution as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Institution {
    pub id: Uuid,
    pub region_id: Uuid,
    pub name: String,
    pub uscc: Option<String>,
    pub kind: Option<InstitutionKind>,
    pub hospital_tier: Option<u8>,
    pub requested_modes: Vec<ServiceMode>,
    pub licensed_beds: Option<u32>,
    pub staff: Option<StaffCounts>,
    pub address: Option<Address>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub legal_representative: Option<LegalRepresentativeShown>,
    pub status: InstitutionStatus,
    /// Total of the on-site inspection checklist.
    pub inspection_score: Option<u32>,
    pub approved_modes: Vec<ServiceMode>,
    pub bed_quota: Option<u32>,
    pub agreements: Vec<Agreement>,
    pub events: Vec<InstitutionEvent>,
    /// Changes on every update; send it back with `PATCH`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

/// Filters of `GET /api/v1/institutions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InstitutionFilter {
    pub status: Option<InstitutionStatus>,
    /// Institutions designated for this mode (before a decision: applying for it).
    pub mode: Option<ServiceMode>,
}

/// A service relation: a certified beneficiary served by one institution in one care mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ServiceRelation {
    pub id: Uuid,
    pub insured_person_id: Uuid,
    pub institution_id: Uuid,
    pub care_mode: CareMode,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

/// Where a beneficiary's choice of institution was recorded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceSource {
    /// Recorded by an agency officer (the beneficiary or family chose at the agency's window).
    Agency,
    /// Named by the assessment application, recorded when the certificate was issued.
    Application,
    /// Brought in from the city's former system.
    Import,
}

/// A beneficiary's choice of a designated institution for a care mode (选择定点机构). Institution
/// staff open a service relation only where the beneficiary chose them for that mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProviderChoice {
    pub id: Uuid,
    pub insured_person_id: Uuid,
    pub institution_id: Uuid,
    pub care_mode: CareMode,
    pub chosen_on: NaiveDate,
    pub source: ChoiceSource,
    /// The application that named the institution, for `source: application`.
    pub case_id: Option<Uuid>,
    /// Set once the beneficiary withdrew the choice.
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawal_reason: Option<String>,
}

/// `POST /api/v1/insured-persons/{id}/provider-choices`: record a beneficiary's choice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProviderChoiceRequest {
    pub institution_id: Uuid,
    pub care_mode: CareMode,
    /// Default: today.
    #[serde(default, with = "crate::strict::day_opt")]
    pub chosen_on: Option<NaiveDate>,
}

/// `POST /api/v1/provider-choices/{id}/withdrawal`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChoiceWithdrawal {
    pub reason: String,
}

/// `POST /api/v1/service-relations`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateServiceRelation {
    pub insured_person_id: Uuid,
    pub institution_id: Uuid,
    pub care_mode: CareMode,
    #[serde(with = "crate::strict::day")]
    pub start_on: NaiveDate,
}

/// `POST /api/v1/service-relations/{id}/end`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EndServiceRelation {
    /// Last day served.
    #[serde(with = "crate::strict::day")]
    pub end_on: NaiveDate,
    pub reason: String,
}

/// `POST /api/v1/service-relations/{id}/transfer`: end this relation and start one with another
/// institution the next day, in one step.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransferRequest {
    pub to_institution_id: Uuid,
    /// Last day with the current institution.
    #[serde(with = "crate::strict::day")]
    pub end_on: NaiveDate,
    pub reason: String,
    /// Care mode with the new institution (default: unchanged).
    #[serde(default)]
    pub care_mode: Option<CareMode>,
}

/// The answer to a termination: the institution, and the beneficiaries who must be transferred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TerminationOutcome {
    pub institution: Institution,
    /// Service relations still open on the termination date.
    pub beneficiaries_to_transfer: Vec<ServiceRelation>,
}

/// Filters of `GET /api/v1/service-relations`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceRelationFilter {
    pub insured_person_id: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    /// Only relations in this care mode.
    #[serde(default)]
    pub care_mode: Option<CareMode>,
    /// Only relations not yet ended.
    pub open: Option<bool>,
}

/// `PATCH /api/v1/institutions/{id}`: what an institution keeps up to date itself (its own staff,
/// or an agency officer). Fields present are changed; `version` must match the stored one.
/// Designation fields (modes, beds quota, status) change only through the workflow.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct UpdateInstitutionProfile {
    pub version: i32,
    #[serde(default)]
    pub address: Option<Address>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub staff: Option<StaffCounts>,
    /// A new legal representative (a change recorded on the business licence).
    #[serde(default)]
    pub legal_representative: Option<LegalRepresentative>,
}

/// What a stored document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// 营业执照 / 法人登记证书
    BusinessLicence,
    /// 医疗机构执业许可证 or 养老机构备案
    PracticeLicence,
    /// 消防验收 or fire-safety certificate
    FireSafety,
    /// Staff qualification certificates
    StaffCertificates,
    /// 申诉材料: evidence supporting a dispute of a bill line.
    DisputeEvidence,
    Other,
}

/// Query of `POST /api/v1/institutions/{id}/attachments`; the body is the file itself, with its
/// `Content-Type` (`application/pdf`, `image/jpeg` or `image/png`).
#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentUpload {
    pub kind: AttachmentKind,
    /// The original file name, shown on download.
    pub file_name: String,
}

/// A stored document (licence, certificate) of an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub kind: AttachmentKind,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
}
