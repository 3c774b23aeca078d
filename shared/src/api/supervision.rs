//! Fund supervision (基金监管): monitoring findings (智能监控) and how officers work them, the
//! monthly analysis, and sanctions against people (处理) — a caregiver or an institution's legal
//! representative barred from long-term care work for a period, checked at registration,
//! assignment and settlement, and listed
//! publicly per region (the 公开 of 双随机、一公开).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Who a sanction is against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SanctionSubject {
    /// 护理人员.
    #[default]
    Caregiver,
    /// 机构法定代表人: named on the institution's application or profile.
    LegalRepresentative,
}

impl SanctionSubject {
    pub fn text(self) -> crate::text::Text {
        match self {
            SanctionSubject::Caregiver => crate::messages::sanction_subject_caregiver(),
            SanctionSubject::LegalRepresentative => crate::messages::sanction_subject_legal_representative(),
        }
    }
}

/// What a sanction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SanctionMeasure {
    /// 禁止从事长期护理服务: no registration, no assignment, nothing paid for their work.
    Barred,
}

impl SanctionMeasure {
    pub fn text(self) -> crate::text::Text {
        match self {
            SanctionMeasure::Barred => crate::messages::sanction_barred(),
        }
    }
}

/// `POST /api/v1/sanctions`: bar a caregiver or an institution's legal representative for a
/// period (agency officers).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateSanction {
    /// Who: a caregiver (the default) or an institution's legal representative.
    #[serde(default)]
    pub subject: SanctionSubject,
    /// The caregiver barred; required for `caregiver`.
    #[serde(default)]
    pub caregiver_id: Option<Uuid>,
    /// The institution whose legal representative is barred; required for `legal_representative`.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// For `legal_representative`, required: the representative's masked ID number as read from
    /// the institution (409 `conflict` if the institution has recorded another since).
    #[serde(default)]
    pub legal_representative_masked: Option<String>,
    /// The confirmed finding the sanction is decided on, if any: it must concern the same
    /// caregiver or institution.
    #[serde(default)]
    pub finding_id: Option<Uuid>,
    /// The first day of the ban: today or later.
    #[serde(with = "crate::strict::day")]
    pub starts_on: NaiveDate,
    /// The last day of the ban: at most five years after the first.
    #[serde(with = "crate::strict::day")]
    pub ends_on: NaiveDate,
    /// Why: the violation found. Published with the sanction, so no one else's personal data.
    pub reason: String,
}

/// `POST /api/v1/sanctions/{id}/lift`: end a ban early (on appeal, say).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LiftSanction {
    /// The first day the person may work again: today or later, within the ban.
    #[serde(with = "crate::strict::day")]
    pub lifted_on: NaiveDate,
    pub reason: String,
    /// The version read (409 `conflict` if it changed since).
    pub version: i32,
}

/// A sanction as the agency sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Sanction {
    pub id: Uuid,
    pub subject: SanctionSubject,
    pub caregiver_id: Option<Uuid>,
    pub institution_id: Uuid,
    pub name: String,
    pub id_number_masked: String,
    pub measure: SanctionMeasure,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
    pub decided_by: Uuid,
    pub decided_at: DateTime<Utc>,
    pub lifted_on: Option<NaiveDate>,
    pub lift_reason: Option<String>,
    /// Whether it bars the person today (the region's calendar).
    pub in_force: bool,
    pub version: i32,
    /// The confirmed finding it was decided on.
    pub finding_id: Option<Uuid>,
}

/// Filters of `GET /api/v1/sanctions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SanctionFilter {
    pub caregiver_id: Option<Uuid>,
    /// Those decided on the institution's caregivers or its legal representative.
    pub institution_id: Option<Uuid>,
    /// Only those barring someone today.
    pub in_force: Option<bool>,
}

/// A sanction as the public list shows it (`GET /api/v1/public/regions/{code}/sanctions`): the
/// person by surname only, no ID number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicSanction {
    /// The surname followed by 某 (e.g. 王某某), as published decisions name people.
    pub name: String,
    pub subject: SanctionSubject,
    pub institution_name: String,
    pub measure: SanctionMeasure,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
    pub lifted_on: Option<NaiveDate>,
}

/// When a rule looks (事前提醒 / 事中审核 / 事后分析).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Moment {
    /// 事前: when a plan is saved, a visit scheduled or a caregiver assigned.
    Before,
    /// 事中: at check-in and check-out.
    During,
    /// 事后: the monthly analysis of every service.
    After,
    /// 现场检查: found on site by a random inspection (双随机).
    Inspection,
    /// 回访: reported by the beneficiary or their family when followed up.
    FollowUp,
}

impl Moment {
    pub const ALL: [Moment; 5] = [Moment::Before, Moment::During, Moment::After, Moment::Inspection, Moment::FollowUp];

    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            Moment::Before => m::moment_before(),
            Moment::During => m::moment_during(),
            Moment::After => m::moment_after(),
            Moment::Inspection => m::moment_inspection(),
            Moment::FollowUp => m::moment_follow_up(),
        }
    }
}

/// How grave a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingSeverity {
    /// 提示: worth a look.
    Notice,
    /// 疑点: likely wrong.
    Warning,
    /// 严重: money paid (or asked) for care that cannot have been given.
    Serious,
}

impl FindingSeverity {
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            FindingSeverity::Notice => m::severity_notice(),
            FindingSeverity::Warning => m::severity_warning(),
            FindingSeverity::Serious => m::severity_serious(),
        }
    }

    /// The points a confirmed finding of this severity deducts from the institution's next
    /// evaluation unless the officer says otherwise.
    pub fn default_points(self) -> u32 {
        match self {
            FindingSeverity::Notice => 2,
            FindingSeverity::Warning => 5,
            FindingSeverity::Serious => 10,
        }
    }
}

/// A monitoring rule (监控规则), by its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// 轨迹异常: a caregiver's consecutive visits further apart than the policy's speed allows.
    ImpossibleTravel,
    /// 超时长服务: a caregiver's visits of one day longer in all than the policy's daily maximum.
    LongDay,
    /// 跨机构重叠: one person, caregiver for two institutions, in two visits at once.
    CrossInstitutionOverlap,
    /// 重复结算: the same beneficiary's bed-days charged by two institutions for one day.
    BilledTwice,
    /// 住院/入住期间上门: a home visit on a day the beneficiary was charged a bed-day.
    VisitDuringStay,
    /// 挂床（住院）: bed-days charged while the beneficiary was in hospital.
    BedWhileHospitalised,
    /// 挂床（身故）: bed-days charged on or after the beneficiary's death.
    BedAfterDeath,
    /// 签到时间雷同: many check-ins of one caregiver at the same minute of the day.
    RepeatedCheckInTime,
    /// 时长贴线: most visits of a caregiver ending just at the items' minimum minutes.
    MinimumDuration,
    /// 同点签到: identical check-in coordinates for visits to different beneficiaries.
    SameGpsPoint,
    /// 指标异常: an institution's services per beneficiary far above its peers' and its own history.
    PeerOutlier,
    /// 事前 · 住院期间安排服务: a plan, schedule or assignment while the beneficiary is in hospital.
    PlannedInHospital,
    /// 事前 · 身故后安排服务: a plan or assignment reaching past the beneficiary's recorded death.
    PlannedAfterDeath,
    /// 事前 · 证书先于计划到期: the disability certificate ends before the plan (or a scheduled range).
    CertificateEndsFirst,
    /// 事前 · 护理员资质不符: a caregiver scheduled or assigned for items needing a qualification they lack.
    CaregiverUnqualified,
    /// 事前 · 排班超时: a caregiver's planned hours above the policy's daily or weekly maximum.
    CaregiverOverbooked,
    /// 事前 · 机构暂停期间安排服务: care planned with an institution whose designation is suspended.
    InstitutionSuspended,
    /// 事中 · 模拟定位: the phone reported that its location was mocked (a spoofing app).
    MockLocation,
    /// 事中 · 无定位签到: a caregiver's visits of a month without a location fix, above the policy's count.
    NoLocationFix,
    /// 事中 · 同日同点签到: one caregiver's check-ins for different homes on one day at the very same point.
    SamePointSameDay,
    /// 事中 · 非指派护理员: a visit by a caregiver not assigned to the beneficiary on its day.
    UnassignedCaregiver,
    /// 现场检查 · 发现问题: a problem an on-site inspection (双随机) found.
    InspectionProblem,
    /// 回访 · 服务未提供: the beneficiary or their family said the care recorded was not given.
    CareNotGiven,
    /// 回访 · 索要费用: the beneficiary or their family said payment was asked for.
    PaymentAsked,
}

impl Rule {
    pub const ALL: [Rule; 24] = [
        Rule::ImpossibleTravel,
        Rule::LongDay,
        Rule::CrossInstitutionOverlap,
        Rule::BilledTwice,
        Rule::VisitDuringStay,
        Rule::BedWhileHospitalised,
        Rule::BedAfterDeath,
        Rule::RepeatedCheckInTime,
        Rule::MinimumDuration,
        Rule::SameGpsPoint,
        Rule::PeerOutlier,
        Rule::PlannedInHospital,
        Rule::PlannedAfterDeath,
        Rule::CertificateEndsFirst,
        Rule::CaregiverUnqualified,
        Rule::CaregiverOverbooked,
        Rule::InstitutionSuspended,
        Rule::MockLocation,
        Rule::NoLocationFix,
        Rule::SamePointSameDay,
        Rule::UnassignedCaregiver,
        Rule::InspectionProblem,
        Rule::CareNotGiven,
        Rule::PaymentAsked,
    ];

    /// The rule's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            Rule::ImpossibleTravel => m::rule_impossible_travel(),
            Rule::LongDay => m::rule_long_day(),
            Rule::CrossInstitutionOverlap => m::rule_cross_institution_overlap(),
            Rule::BilledTwice => m::rule_billed_twice(),
            Rule::VisitDuringStay => m::rule_visit_during_stay(),
            Rule::BedWhileHospitalised => m::rule_bed_while_hospitalised(),
            Rule::BedAfterDeath => m::rule_bed_after_death(),
            Rule::RepeatedCheckInTime => m::rule_repeated_check_in_time(),
            Rule::MinimumDuration => m::rule_minimum_duration(),
            Rule::SameGpsPoint => m::rule_same_gps_point(),
            Rule::PeerOutlier => m::rule_peer_outlier(),
            Rule::PlannedInHospital => m::rule_planned_in_hospital(),
            Rule::PlannedAfterDeath => m::rule_planned_after_death(),
            Rule::CertificateEndsFirst => m::rule_certificate_ends_first(),
            Rule::CaregiverUnqualified => m::rule_caregiver_unqualified(),
            Rule::CaregiverOverbooked => m::rule_caregiver_overbooked(),
            Rule::InstitutionSuspended => m::rule_institution_suspended(),
            Rule::MockLocation => m::rule_mock_location(),
            Rule::NoLocationFix => m::rule_no_location_fix(),
            Rule::SamePointSameDay => m::rule_same_point_same_day(),
            Rule::UnassignedCaregiver => m::rule_unassigned_caregiver(),
            Rule::InspectionProblem => m::rule_inspection_problem(),
            Rule::CareNotGiven => m::rule_care_not_given(),
            Rule::PaymentAsked => m::rule_payment_asked(),
        }
    }

    /// When the rule looks: the ones the monthly analysis owns are `After`.
    pub fn moment(self) -> Moment {
        match self {
            Rule::PlannedInHospital
            | Rule::PlannedAfterDeath
            | Rule::CertificateEndsFirst
            | Rule::CaregiverUnqualified
            | Rule::CaregiverOverbooked
            | Rule::InstitutionSuspended => Moment::Before,
            Rule::MockLocation | Rule::NoLocationFix | Rule::SamePointSameDay | Rule::UnassignedCaregiver => {
                Moment::During
            }
            Rule::InspectionProblem => Moment::Inspection,
            Rule::CareNotGiven | Rule::PaymentAsked => Moment::FollowUp,
            _ => Moment::After,
        }
    }

    pub fn severity(self) -> FindingSeverity {
        match self {
            Rule::ImpossibleTravel
            | Rule::CrossInstitutionOverlap
            | Rule::BilledTwice
            | Rule::VisitDuringStay
            | Rule::BedWhileHospitalised
            | Rule::BedAfterDeath
            | Rule::SameGpsPoint
            | Rule::MockLocation
            | Rule::SamePointSameDay
            | Rule::CareNotGiven => FindingSeverity::Serious,
            Rule::LongDay
            | Rule::RepeatedCheckInTime
            | Rule::MinimumDuration
            | Rule::PlannedAfterDeath
            | Rule::CaregiverUnqualified
            | Rule::CaregiverOverbooked
            | Rule::InstitutionSuspended
            | Rule::NoLocationFix
            | Rule::UnassignedCaregiver
            | Rule::InspectionProblem
            | Rule::PaymentAsked => FindingSeverity::Warning,
            Rule::PeerOutlier | Rule::PlannedInHospital | Rule::CertificateEndsFirst => FindingSeverity::Notice,
        }
    }
}

/// A warning of the checks made before care is given (事前提醒), returned with the plan, the
/// schedule or the assignment that raised it and kept as an open finding for the agency. A rule
/// the policy makes blocking (`[monitoring.before] blocking`) refuses instead: 422 with the rule's
/// code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Warning {
    pub rule: Rule,
    /// The request's field it is about.
    pub field: String,
    /// What was found, in the reader's language.
    pub message: String,
    /// The finding it is kept as.
    pub finding_id: Uuid,
}

/// Where a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// 待处理: waiting for an officer (and, until then, for the institution's answer).
    Open,
    /// 已确认: a violation — its lines refused, the institution's evaluation deducted.
    Confirmed,
    /// 已排除: not a violation (or no longer found when the analysis ran again).
    Dismissed,
}

impl FindingStatus {
    pub const ALL: [FindingStatus; 3] = [FindingStatus::Open, FindingStatus::Confirmed, FindingStatus::Dismissed];

    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            FindingStatus::Open => m::finding_open(),
            FindingStatus::Confirmed => m::finding_confirmed(),
            FindingStatus::Dismissed => m::finding_dismissed(),
        }
    }
}

/// A record a finding names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FindingRecord {
    /// `visit`, `stay`, or `plan` (a warning before care is given).
    pub source: String,
    pub source_id: Uuid,
    pub service_on: NaiveDate,
    pub institution_id: Option<Uuid>,
    /// Refused payment once the finding is confirmed.
    pub affected: bool,
}

/// A monitoring finding (监控发现).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    pub id: Uuid,
    pub rule: Rule,
    /// The rule's name, in the reader's language.
    pub rule_name: String,
    pub moment: Moment,
    pub severity: FindingSeverity,
    pub status: FindingStatus,
    /// The month of the services it concerns.
    pub month: String,
    pub occurred_on: NaiveDate,
    pub institution_id: Option<Uuid>,
    pub caregiver_id: Option<Uuid>,
    pub insured_person_id: Option<Uuid>,
    /// What was found, with its numbers, in the reader's language.
    pub summary: String,
    /// The numbers that triggered it and the thresholds they were held against.
    #[schema(value_type = Object)]
    pub evidence: serde_json::Value,
    /// The policy version whose thresholds were used.
    pub policy_version_id: Option<Uuid>,
    /// The records it names (institution staff: their institution's only).
    pub records: Vec<FindingRecord>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Deducted from submitted bills when confirmed.
    #[schema(value_type = String)]
    pub deducted: rust_decimal::Decimal,
    /// Paid on approved bills, recovered by the institution's next bill.
    #[schema(value_type = String)]
    pub recovered: rust_decimal::Decimal,
    pub violation_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of `GET /api/v1/findings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingFilter {
    pub status: Option<FindingStatus>,
    pub rule: Option<Rule>,
    /// Only the rules of one moment (事前 / 事中 / 事后).
    pub moment: Option<Moment>,
    /// Only the warnings raised on one care plan (its plan, its scheduling).
    pub plan_id: Option<Uuid>,
    pub caregiver_id: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    /// `YYYY-MM`.
    pub month: Option<String>,
}

/// `POST /api/v1/findings/{id}/answer`: the institution's answer, once, before the decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnswerFinding {
    pub text: String,
}

/// An officer's decision on an open finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingDecision {
    Confirmed,
    Dismissed,
}

/// `POST /api/v1/findings/{id}/decide`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DecideFinding {
    pub decision: FindingDecision,
    pub reason: String,
    /// Confirmed: the points the violation deducts from the institution's next evaluation
    /// (0–1000; default by severity: 2, 5 or 10; 0 records none).
    #[serde(default)]
    pub points: Option<u32>,
    /// Confirmed: a serious violation (严重违规), which makes the next evaluation's class E.
    #[serde(default)]
    pub serious: bool,
}

/// `POST /api/v1/monitor-runs`: the monthly analysis of a month that is over.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MonitorRequest {
    /// `YYYY-MM`.
    pub month: String,
}

/// What the monthly analysis found, per rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonitorRuleCount {
    pub rule: Rule,
    /// Found this run (new and already known).
    pub found: u64,
    pub new: u64,
}

/// The monthly analysis's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonitorReport {
    pub month: String,
    /// Services looked at: visits and bed-days.
    pub visits: u64,
    pub bed_days: u64,
    pub rules: Vec<MonitorRuleCount>,
    /// Open findings of the month that this run no longer found (dismissed as lapsed).
    pub lapsed: u64,
}

/// A monthly analysis, running or done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonitorRun {
    pub id: Uuid,
    pub month: String,
    pub started_by: Uuid,
    pub started_at: DateTime<Utc>,
    /// `reading`, `checking`, `recording`, `done`.
    pub stage: String,
    pub done: u64,
    pub total: u64,
    pub finished_at: Option<DateTime<Utc>>,
    pub report: Option<MonitorReport>,
    pub failure: Option<String>,
}

/// How the findings report groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReportGroup {
    #[default]
    Rule,
    Institution,
    County,
    Month,
}

/// Filters of `GET /api/v1/findings-report`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportFilter {
    #[serde(default)]
    pub group_by: ReportGroup,
    /// From this month (`YYYY-MM`), inclusive.
    pub from: Option<String>,
    /// To this month, inclusive.
    pub to: Option<String>,
}

/// One row of the findings report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportRow {
    /// The rule's code, the institution's or county's id, or the month.
    pub key: String,
    /// The rule's, institution's or county's name, or the month.
    pub label: String,
    pub open: u64,
    pub confirmed: u64,
    pub dismissed: u64,
    #[schema(value_type = String)]
    pub deducted: rust_decimal::Decimal,
    #[schema(value_type = String)]
    pub recovered: rust_decimal::Decimal,
}

/// `GET /api/v1/findings-report`: a row per group and the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FindingsReport {
    pub group_by: ReportGroup,
    pub from: Option<String>,
    pub to: Option<String>,
    pub rows: Vec<ReportRow>,
    pub total: ReportRow,
}

/// `GET /api/v1/supervision-dashboard?month=`: a month's care per institution as supervision
/// reads it (officers and auditors every institution of the region; institution staff their own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SupervisionDashboard {
    pub month: String,
    pub institutions: Vec<DashboardRow>,
}

/// One institution's month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DashboardRow {
    pub institution_id: Uuid,
    pub institution_name: String,
    /// Home visits of the month (by service day).
    pub visits: u32,
    /// Scheduled and never checked into (漏服务).
    pub missed: u32,
    /// Started on the spot, not scheduled (计划外).
    pub unscheduled: u32,
    /// Checked in or out outside the beneficiary's geofence.
    pub outside_geofence: u32,
    pub verified: u32,
    /// Verified by a person (a correction or a reviewer's decision), not by the checks alone.
    pub manually_verified: u32,
    /// `manually_verified / verified`, in per cent to one decimal.
    pub manually_verified_percent: Option<rust_decimal::Decimal>,
    /// Visits of the month corrected by staff (one or more correction events).
    pub corrections: u32,
    /// Findings of the month about the institution: still open, and in all.
    pub findings_open: u32,
    pub findings: u32,
}

/// What a dashboard figure counts, to list its visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DashboardMeasure {
    Missed,
    Unscheduled,
    OutsideGeofence,
    ManuallyVerified,
    Corrected,
}

impl DashboardMeasure {
    pub const ALL: [DashboardMeasure; 5] = [
        DashboardMeasure::Missed,
        DashboardMeasure::Unscheduled,
        DashboardMeasure::OutsideGeofence,
        DashboardMeasure::ManuallyVerified,
        DashboardMeasure::Corrected,
    ];

    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            DashboardMeasure::Missed => m::measure_missed(),
            DashboardMeasure::Unscheduled => m::measure_unscheduled(),
            DashboardMeasure::OutsideGeofence => m::measure_outside_geofence(),
            DashboardMeasure::ManuallyVerified => m::measure_manually_verified(),
            DashboardMeasure::Corrected => m::measure_corrected(),
        }
    }
}

/// Query of `GET /api/v1/supervision-dashboard`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// `YYYY-MM`.
    pub month: String,
}

/// Query of `GET /api/v1/supervision-dashboard/visits`: the visits behind one figure.
#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardVisitsQuery {
    /// Required.
    pub institution_id: Option<Uuid>,
    /// `YYYY-MM`; required.
    pub month: Option<String>,
    /// Required.
    pub measure: Option<DashboardMeasure>,
}
