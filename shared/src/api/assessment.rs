//! The assessment workflow (申请 → 评估 → 公示 → 结论): cases, rounds, certificates, assessors.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::assessment::{Answers, Grading};

/// Care mode (护理方式) an application asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CareMode {
    /// 医疗专护: hospital nursing ward.
    HospitalWard,
    /// 机构护理: care in a nursing home.
    Institutional,
    /// 居家上门: home visits by an agency.
    HomeVisit,
    /// 居家自护 / 亲情护理: a trained family member, paid a daily allowance.
    FamilyCare,
}

impl CareMode {
    /// The mode's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            CareMode::HospitalWard => m::mode_hospital_ward(),
            CareMode::Institutional => m::mode_institutional(),
            CareMode::HomeVisit => m::mode_home_visit(),
            CareMode::FamilyCare => m::mode_family_care(),
        }
    }

    /// Whether care in this mode takes a bed (ward or institution): a person has one such
    /// relation, and one stay, at a time.
    pub fn occupies_a_bed(self) -> bool {
        matches!(self, CareMode::HospitalWard | CareMode::Institutional)
    }
}

/// An assessor's professional qualification; physicians and nurses count as medically qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Qualification {
    /// 医师
    Physician,
    /// 护士
    Nurse,
    /// 其他 (social workers, rehabilitation therapists, …)
    Other,
}

/// `PUT /api/v1/assessors/{user_id}/profile`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssessorProfileRequest {
    pub qualification: Qualification,
    /// Member of the expert panel that hears appeals (复核).
    #[serde(default)]
    pub expert: bool,
    /// The care institution employing the assessor, if any (drives recusal 回避).
    #[serde(default)]
    pub employer_institution_id: Option<Uuid>,
}

/// An assessor with their profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssessorProfile {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub qualification: Qualification,
    pub expert: bool,
    pub employer_institution_id: Option<Uuid>,
}

/// A region's assessment settings (defaults in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssessmentSettings {
    /// Assessors per on-site assessment, at least one medically qualified [2].
    pub min_assessors: u32,
    /// Days the result is published for objections (公示) [7].
    pub publicity_days: u32,
    /// Months a certificate is valid [24].
    pub validity_months: u32,
    /// Days after a certificate within which the applicant may appeal (复核) [30].
    pub appeal_window_days: u32,
    /// Months of enrolment required before applying [12].
    pub min_contribution_months: u32,
    /// Months after a certificate before a change of condition may be declared [6].
    pub recertify_after_months: u32,
}

impl Default for AssessmentSettings {
    fn default() -> Self {
        Self {
            min_assessors: 2,
            publicity_days: 7,
            validity_months: 24,
            appeal_window_days: 30,
            min_contribution_months: 12,
            recertify_after_months: 6,
        }
    }
}

/// `POST /api/v1/assessment/cases`: an application (申请).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApplyRequest {
    pub insured_person_id: Uuid,
    pub care_mode: CareMode,
    /// Why care is needed, in the applicant's words.
    pub reason: String,
    /// The institution the applicant wants care from, if any; institution staff applying on a
    /// person's behalf are recorded as that institution.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// Declared change of condition (病情变化), allowing a new assessment while a certificate is
    /// valid, once enough time has passed.
    #[serde(default)]
    pub change_of_condition: bool,
}

/// Where a case is. Transitions are enforced by the server; an illegal one is `409
/// invalid_state_transition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// 不予受理: failed an eligibility check; `refusal` says why. Final.
    Refused,
    /// 已受理: waiting for assessors to be assigned.
    AwaitingAssignment,
    /// 已派单: assessors assigned; the lead submits the on-site assessment.
    Assigned,
    /// 待复核确认: submitted; another assessor of the round confirms.
    AwaitingConfirmation,
    /// 公示中: the result is published; objections possible until `publicity_ends_at`.
    InPublicity,
    /// 待复评: an objection was raised; new assessors must be assigned.
    ReassessmentPending,
    /// 已发证: a certificate was issued; an appeal is possible within the window.
    Certified,
    /// 复核中: appealed; an expert panel must be assigned.
    AppealPending,
    /// 终结: the expert panel's result is final.
    Final,
}

impl CaseState {
    /// The state's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            CaseState::Refused => m::case_state_refused(),
            CaseState::AwaitingAssignment => m::case_state_awaiting_assignment(),
            CaseState::Assigned => m::case_state_assigned(),
            CaseState::AwaitingConfirmation => m::case_state_awaiting_confirmation(),
            CaseState::InPublicity => m::case_state_in_publicity(),
            CaseState::ReassessmentPending => m::case_state_reassessment_pending(),
            CaseState::Certified => m::case_state_certified(),
            CaseState::AppealPending => m::case_state_appeal_pending(),
            CaseState::Final => m::case_state_final(),
        }
    }

    pub const ALL: [CaseState; 9] = [
        CaseState::Refused,
        CaseState::AwaitingAssignment,
        CaseState::Assigned,
        CaseState::AwaitingConfirmation,
        CaseState::InPublicity,
        CaseState::ReassessmentPending,
        CaseState::Certified,
        CaseState::AppealPending,
        CaseState::Final,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Refused => "refused",
            CaseState::AwaitingAssignment => "awaiting_assignment",
            CaseState::Assigned => "assigned",
            CaseState::AwaitingConfirmation => "awaiting_confirmation",
            CaseState::InPublicity => "in_publicity",
            CaseState::ReassessmentPending => "reassessment_pending",
            CaseState::Certified => "certified",
            CaseState::AppealPending => "appeal_pending",
            CaseState::Final => "final",
        }
    }

    pub fn from_name(s: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the case is still being worked (another application for the person must wait).
    pub fn is_open(self) -> bool {
        !matches!(self, CaseState::Refused | CaseState::Certified | CaseState::Final)
    }
}

/// What kind of on-site assessment a round is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundKind {
    /// 初评
    Initial,
    /// 复评: after an objection, by assessors who did not take part before.
    Reassessment,
    /// 复核: after an appeal, by the expert panel; final.
    Appeal,
}

/// `POST /cases/{id}/assignment`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssignRequest {
    pub assessor_ids: Vec<Uuid>,
    /// One of `assessor_ids`: the one who submits the answers.
    pub lead_assessor_id: Uuid,
}

/// `POST /cases/{id}/assessment`: the on-site assessment, by the lead assessor.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubmitAssessmentRequest {
    /// Item code → points, for the current instrument.
    #[schema(value_type = Object)]
    pub answers: Answers,
    /// When the visit took place.
    pub visited_at: DateTime<Utc>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

/// A reason given with an objection, appeal or return.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReasonRequest {
    pub reason: String,
}

/// Why an application was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Refusal {
    /// `person_not_active`, `contribution_period_too_short`, `already_certified`,
    /// `too_soon_after_certificate`, `application_open`.
    pub code: String,
    pub message: String,
}

/// One on-site assessment of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Round {
    pub round_no: u32,
    pub kind: RoundKind,
    pub assessor_ids: Vec<Uuid>,
    pub lead_assessor_id: Uuid,
    pub assigned_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub visited_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmed_by: Option<Uuid>,
    /// Scores, grades and level, as graded by the server.
    pub result: Option<Grading>,
    /// The item answers: shown to agency officers and the case's assessors only.
    #[schema(value_type = Option<Object>)]
    pub answers: Option<Answers>,
}

/// An objection, appeal or return recorded on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseEvent {
    /// `objection`, `appeal` or `returned`.
    pub kind: String,
    pub reason: String,
    pub by_user_id: Uuid,
    pub at: DateTime<Utc>,
}

/// A disability level certificate (失能等级鉴定结论).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Certificate {
    pub id: Uuid,
    /// `<region code>-<year>-<sequence>`, e.g. `990100-2026-000001`.
    pub number: String,
    pub insured_person_id: Uuid,
    pub case_id: Uuid,
    pub level: u8,
    pub level_name: String,
    pub instrument: String,
    pub effective_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// Last day to appeal; none for a certificate from an appeal (final).
    pub appeal_deadline: Option<NaiveDate>,
    /// `active`, or `superseded` by a later certificate.
    pub status: String,
    pub issued_at: DateTime<Utc>,
    /// For a certificate brought in from the former system (存量证书), its number there.
    pub former_number: Option<String>,
}

/// An assessment case with its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AssessmentCase {
    pub id: Uuid,
    pub region_id: Uuid,
    pub insured_person_id: Uuid,
    pub care_mode: CareMode,
    pub reason: String,
    pub institution_id: Option<Uuid>,
    pub applied_by_institution_id: Option<Uuid>,
    pub change_of_condition: bool,
    pub state: CaseState,
    pub refusal: Option<Refusal>,
    pub publicity_ends_at: Option<DateTime<Utc>>,
    pub certificate: Option<Certificate>,
    pub rounds: Vec<Round>,
    pub events: Vec<CaseEvent>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of `GET /api/v1/assessment/cases`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    pub state: Option<CaseState>,
    pub insured_person_id: Option<Uuid>,
    /// Only cases in publicity whose period is over (`true`: the certificate can be issued) or
    /// still running (`false`).
    pub publicity_over: Option<bool>,
}

/// `GET /api/v1/certificates/expiring?within_days=`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpiringQuery {
    /// Days ahead to look (default 60, at most 3660).
    pub within_days: Option<u32>,
}

/// Filters of `GET /api/v1/certificates`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificateFilter {
    pub insured_person_id: Option<Uuid>,
    /// Active certificates expiring within this many days from today (e.g. 60), to schedule
    /// re-assessment; soonest first.
    pub expiring_within_days: Option<u32>,
}
