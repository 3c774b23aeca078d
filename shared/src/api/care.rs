//! Care delivery: care plans (护理计划), home visits (居家上门服务) as event streams verified at
//! check-out (事中审核), and the phone's offline sync.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::assessment::CareMode;
use crate::policy::{CatalogueItem, Monitoring};

/// A catalogue item planned with a frequency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlanItem {
    /// The item's code in the policy's catalogue (e.g. `SF-01`).
    pub code: String,
    /// Deliveries a week, at most the catalogue's `max_per_week`.
    pub per_week: u32,
}

/// `POST /api/v1/care-plans`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateCarePlan {
    /// The serving institution; institution staff may leave it out (their own).
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    pub insured_person_id: Uuid,
    pub care_mode: CareMode,
    #[serde(with = "crate::strict::day")]
    pub start_on: NaiveDate,
    /// Last day of the plan, at most a year after the start.
    #[serde(with = "crate::strict::day")]
    pub end_on: NaiveDate,
    /// For home visits: the planned items (at least one). Other modes plan no items.
    #[serde(default)]
    pub items: Vec<PlanItem>,
}

/// Whether a plan is still in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Active,
    /// Ended early (the end date was brought forward, with a reason).
    Ended,
}

/// A care plan: a certified beneficiary, the serving institution, a mode and dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CarePlan {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub insured_person_id: Uuid,
    pub care_mode: CareMode,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub items: Vec<PlanItem>,
    /// The certified level on the start date.
    pub level: u8,
    /// The benefit policy version the plan was checked against (in force on the start date).
    pub policy_version_id: Uuid,
    pub status: PlanStatus,
    pub end_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Warnings of the checks made before care (事前提醒), in the answer that saved the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::api::supervision::Warning>,
}

/// Filter of `GET /api/v1/care-plans`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CarePlanFilter {
    pub insured_person_id: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    /// Only plans running on this date.
    #[serde(default, with = "crate::strict::day_opt")]
    pub active_on: Option<NaiveDate>,
}

/// `POST /api/v1/care-plans/{id}/end`: end a plan early.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EndCarePlan {
    /// The new last day (not before the start, not after the planned end).
    #[serde(with = "crate::strict::day")]
    pub end_on: NaiveDate,
    pub reason: String,
}

/// `POST /api/v1/visits/schedule`: scheduled visits for a home-visit plan over a date range,
/// assigned to one caregiver. Days that already have the plan's visit are left as they are, so
/// scheduling the same range again creates nothing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScheduleRequest {
    pub plan_id: Uuid,
    pub caregiver_id: Uuid,
    #[serde(with = "crate::strict::day")]
    pub from: NaiveDate,
    /// Last day, at most 62 days after `from`.
    #[serde(with = "crate::strict::day")]
    pub to: NaiveDate,
}

/// What scheduling made.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScheduleOutcome {
    /// Visits created now.
    pub created: Vec<Visit>,
    /// Days in the range that already had a visit of the plan.
    pub existing: u32,
    /// Warnings of the checks made before care (事前提醒).
    #[serde(default)]
    pub warnings: Vec<crate::api::supervision::Warning>,
}

/// A catalogue item a visit should deliver, and how many times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlannedItem {
    pub code: String,
    pub times: u32,
}

/// Scheduled from a plan, or started on the spot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    Scheduled,
    /// 计划外: started by the caregiver with a reason.
    Unscheduled,
}

/// Why a caregiver makes a visit that was not scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnscheduledReason {
    /// The beneficiary or family asked for urgent help.
    UrgentNeed,
    /// Standing in for the assigned caregiver.
    Replacement,
    /// The scheduled day was moved.
    Rescheduled,
    Other,
}

/// Where a visit stands, derived from its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// No event yet.
    Scheduled,
    /// Checked in, not out.
    InProgress,
    /// Checked out, but the check-in has not reached the server yet: verified when it arrives.
    Completed,
    /// Checked out and every check passed (or each `review` exception was resolved as accepted).
    Verified,
    /// A `review` exception waits for a reviewer.
    NeedsReview,
    /// A `block` exception, or a reviewer did not accept an exception: not payable.
    Rejected,
    /// 未服务: never checked in or out, and closed by institution staff as not delivered, with
    /// the reason. A check-in from the phone arriving later opens it again.
    Missed,
}

/// How much an exception matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Recorded for the monthly analysis; the visit is still verified.
    Info,
    /// A reviewer must resolve it before the visit counts.
    Review,
    /// The visit cannot be paid.
    Block,
}

/// What the check-out verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionCode {
    /// Check-in or check-out farther from the registered address than the policy's radius
    /// (allowing for the GPS accuracy).
    OutsideGeofence,
    /// No GPS fix at check-in or check-out (the caregiver gave a reason).
    LocationUnavailable,
    /// The beneficiary has no registered coordinates: the geofence could not be checked.
    NoRegisteredLocation,
    /// Shorter than the delivered items' minimum minutes, less the policy's tolerance.
    TooShort,
    /// Overlaps another visit of the same caregiver.
    OverlappingVisit,
    /// Checked in on another day than the visit was scheduled for.
    OffScheduleDay,
    /// No valid disability certificate on the service day.
    NotCertified,
    /// In hospital on the service day (reported by the medical-insurance system).
    Hospitalised,
    /// Died before the service day.
    Deceased,
    /// An item needs a qualification the caregiver does not hold.
    UnqualifiedCaregiver,
    /// An item delivered more often this week than the plan allows.
    OverFrequency,
    /// An item delivered that is not in the plan.
    NotInPlan,
    /// A planned item has no result (done, or not done with a reason).
    TaskNotRecorded,
    /// The phone reported a mocked location (模拟定位) at check-in or check-out.
    MockLocation,
    /// Checked in at the very same point as another of the caregiver's visits that day for a
    /// beneficiary living elsewhere.
    SamePoint,
    /// The caregiver was not assigned to the beneficiary on the day.
    NotAssigned,
}

/// A reviewer's decision on a `review` exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionCode {
    /// 电话回访确认: the beneficiary or family confirmed the visit by phone.
    ConfirmedByBeneficiary,
    /// 现场核查确认: a supervisor confirmed it on site.
    ConfirmedBySupervisor,
    /// Documents (signed sheet, photo) show the visit took place as recorded.
    DocumentationProvided,
    /// Not confirmed: the visit is rejected.
    NotConfirmed,
}

/// Why a scheduled visit was not delivered (未服务原因), as institution staff close it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotDeliveredReason {
    /// 服务对象不在家.
    BeneficiaryAbsent,
    /// 服务对象或家属拒绝服务.
    BeneficiaryDeclined,
    /// 服务对象住院.
    Hospitalised,
    /// 护理员未能到岗.
    CaregiverUnavailable,
    /// 改期.
    Rescheduled,
    /// 由计划外服务替代: the caregiver served the person that day on an unscheduled visit,
    /// named by `replaced_by`.
    ReplacedByUnscheduled,
    Other,
}

impl NotDeliveredReason {
    pub const ALL: [NotDeliveredReason; 7] = [
        NotDeliveredReason::BeneficiaryAbsent,
        NotDeliveredReason::BeneficiaryDeclined,
        NotDeliveredReason::Hospitalised,
        NotDeliveredReason::CaregiverUnavailable,
        NotDeliveredReason::Rescheduled,
        NotDeliveredReason::ReplacedByUnscheduled,
        NotDeliveredReason::Other,
    ];

    /// The reason's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            NotDeliveredReason::BeneficiaryAbsent => m::not_delivered_beneficiary_absent(),
            NotDeliveredReason::BeneficiaryDeclined => m::not_delivered_beneficiary_declined(),
            NotDeliveredReason::Hospitalised => m::not_delivered_hospitalised(),
            NotDeliveredReason::CaregiverUnavailable => m::not_delivered_caregiver_unavailable(),
            NotDeliveredReason::Rescheduled => m::not_delivered_rescheduled(),
            NotDeliveredReason::ReplacedByUnscheduled => m::not_delivered_replaced(),
            NotDeliveredReason::Other => m::not_delivered_other(),
        }
    }
}

impl ResolutionCode {
    /// Whether the exception is accepted (the visit may count).
    pub fn accepts(self) -> bool {
        !matches!(self, ResolutionCode::NotConfirmed)
    }
}

/// One finding of the verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VisitException {
    pub code: ExceptionCode,
    pub severity: Severity,
    /// What was found, with the figures (distance, minutes, …).
    pub message: String,
    /// The catalogue item concerned, for item-level findings.
    pub item: Option<String>,
    /// Set when a reviewer resolved this `review` exception.
    pub resolution: Option<ResolutionCode>,
}

/// Why a task was not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotDoneReason {
    /// The beneficiary refused.
    Refused,
    /// Already done by the family.
    DoneByFamily,
    /// Not needed today.
    NotNeeded,
    Other,
}

/// The latest recorded result of one item in a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TaskResult {
    pub item: String,
    pub done: bool,
    pub reason: Option<NotDoneReason>,
    pub at: DateTime<Utc>,
}

/// A visit as the server derives it from its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Visit {
    pub id: Uuid,
    pub kind: VisitKind,
    pub plan_id: Option<Uuid>,
    pub institution_id: Uuid,
    pub insured_person_id: Uuid,
    pub caregiver_id: Uuid,
    /// The service day.
    pub scheduled_on: NaiveDate,
    pub planned_items: Vec<PlannedItem>,
    pub unscheduled_reason: Option<UnscheduledReason>,
    pub state: VisitState,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub tasks: Vec<TaskResult>,
    pub exceptions: Vec<VisitException>,
    /// How many events the server holds for this visit.
    pub events: u32,
    pub updated_at: DateTime<Utc>,
}

/// Filter of `GET /api/v1/visits`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitFilter {
    pub caregiver_id: Option<Uuid>,
    pub insured_person_id: Option<Uuid>,
    pub state: Option<VisitState>,
    /// First service day.
    #[serde(default, with = "crate::strict::day_opt")]
    pub from: Option<NaiveDate>,
    /// Last service day.
    #[serde(default, with = "crate::strict::day_opt")]
    pub to: Option<NaiveDate>,
}

/// What an item of the institution's exception queue (异常处理队列) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// A checked-out visit whose `review` finding waits for a decision (待复核).
    NeedsReview,
    /// A scheduled visit with no check-in by the end of its day plus the policy's grace (漏签到).
    MissedCheckIn,
    /// Checked in, and no check-out after the policy's hours (漏签退).
    MissedCheckOut,
    /// An unscheduled visit on a day the same person had a scheduled visit nobody checked into
    /// (未匹配): link it to that visit, or reject it.
    Unmatched,
}

impl QueueKind {
    pub const ALL: [QueueKind; 4] =
        [QueueKind::NeedsReview, QueueKind::MissedCheckIn, QueueKind::MissedCheckOut, QueueKind::Unmatched];
}

/// `GET /api/v1/visits/exceptions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// The kind of items listed (default `needs_review`); every kind is counted.
    pub kind: Option<QueueKind>,
    pub caregiver_id: Option<Uuid>,
}

/// One item of the queue: the visit, since when it waits and, for an unmatched visit, the
/// scheduled visit of that day it may be linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueueItem {
    pub kind: QueueKind,
    pub visit: Visit,
    /// When the visit became this item: its check-out (review), the end of its day plus the
    /// grace (missed check-in), its check-in plus the hours (missed check-out), its creation
    /// (unmatched).
    pub since: DateTime<Utc>,
    /// Whole hours waited, as of the answer.
    pub age_hours: u32,
    pub scheduled_visit_id: Option<Uuid>,
}

/// How many items of one kind wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QueueCount {
    pub kind: QueueKind,
    pub count: u64,
}

/// The exception queue as of now, computed from the schedule and the events (no background
/// job): every kind counted, one kind's items oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExceptionQueue {
    /// Visits whose day is on or after this are looked at (the window is 62 days).
    pub from: NaiveDate,
    pub counts: Vec<QueueCount>,
    /// The kind listed, and one page of its items (`total` of them in all).
    pub kind: QueueKind,
    pub items: Vec<QueueItem>,
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
}

/// Why a position is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoGpsReason {
    /// No fix (indoors, no satellites).
    NoSignal,
    /// Location permission denied on the phone.
    PermissionDenied,
    DeviceFault,
    Other,
}

impl NoGpsReason {
    /// The reason's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            NoGpsReason::NoSignal => m::no_gps_no_signal(),
            NoGpsReason::PermissionDenied => m::no_gps_permission_denied(),
            NoGpsReason::DeviceFault => m::no_gps_device_fault(),
            NoGpsReason::Other => m::no_gps_other(),
        }
    }
}

/// Where the phone was: a GPS fix, or none with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Position {
    Gps {
        latitude: f64,
        longitude: f64,
        /// Radius of the fix's error circle, in metres.
        accuracy_m: f64,
        /// Whether the platform says the location was mocked; left out when it cannot say.
        #[serde(default, skip_serializing_if = "MockLocation::is_unknown")]
        mock: MockLocation,
    },
    Unavailable {
        reason: NoGpsReason,
    },
}

impl Position {
    /// A fix whose platform cannot say whether it was mocked (desktop and browser builds).
    pub const fn gps(latitude: f64, longitude: f64, accuracy_m: f64) -> Position {
        Position::Gps { latitude, longitude, accuracy_m, mock: MockLocation::Unknown }
    }
}

/// What the phone's platform says about a fix: mocked by an app (模拟定位), not mocked, or
/// unknown (the desktop and browser builds, older app versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MockLocation {
    #[default]
    Unknown,
    No,
    Yes,
}

impl MockLocation {
    pub fn is_unknown(&self) -> bool {
        *self == MockLocation::Unknown
    }
}

/// Why institution staff correct a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionReason {
    /// The phone's clock was wrong.
    DeviceClockWrong,
    /// The caregiver forgot to check out (or in).
    ForgotToCheck,
    /// The GPS fix drifted (high-rise, valley).
    GpsDrift,
    /// The beneficiary was met elsewhere (hospital appointment, relative's home).
    ServedElsewhere,
    Other,
}

/// What happened in a visit: one event, made on the phone (or by institution staff, for
/// corrections) with its own UUID. `at` is the device's clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VisitEventBody {
    /// 签到.
    CheckIn { at: DateTime<Utc>, position: Position },
    /// The result of one catalogue item; a later task event for the same item supersedes it.
    Task {
        at: DateTime<Utc>,
        item: String,
        done: bool,
        /// Required when `done` is false.
        #[serde(default)]
        reason: Option<NotDoneReason>,
    },
    /// A free-text note (at most 500 characters).
    Note { at: DateTime<Utc>, text: String },
    /// 签退.
    CheckOut { at: DateTime<Utc>, position: Position },
    /// A correction by institution staff or the agency: new check-in or check-out times, and/or
    /// the resolution of a `review` exception — or, with `resolution` and no `exception`, a
    /// decision on the whole visit (`not_confirmed` rejects it) — or a visit never checked in
    /// closed as `not_delivered`. Never sent by a caregiver.
    Correction {
        at: DateTime<Utc>,
        reason: CorrectionReason,
        /// The exception resolved, with `resolution`.
        #[serde(default)]
        exception: Option<ExceptionCode>,
        #[serde(default)]
        resolution: Option<ResolutionCode>,
        #[serde(default)]
        check_in_at: Option<DateTime<Utc>>,
        #[serde(default)]
        check_out_at: Option<DateTime<Utc>>,
        #[serde(default)]
        note: Option<String>,
        /// Why a visit never checked in was not delivered (未服务). Left out when none, so events
        /// stored before it existed keep their stored form.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        not_delivered: Option<NotDeliveredReason>,
        /// For `replaced_by_unscheduled`: the unscheduled visit that served the person that day.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaced_by: Option<Uuid>,
    },
}

impl VisitEventBody {
    /// The device time of the event.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            VisitEventBody::CheckIn { at, .. }
            | VisitEventBody::Task { at, .. }
            | VisitEventBody::Note { at, .. }
            | VisitEventBody::CheckOut { at, .. }
            | VisitEventBody::Correction { at, .. } => *at,
        }
    }

    /// The kind's name, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            VisitEventBody::CheckIn { .. } => "check_in",
            VisitEventBody::Task { .. } => "task",
            VisitEventBody::Note { .. } => "note",
            VisitEventBody::CheckOut { .. } => "check_out",
            VisitEventBody::Correction { .. } => "correction",
        }
    }
}

/// A visit started on the spot: who is visited, on which day, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnscheduledVisit {
    pub insured_person_id: Uuid,
    /// The service day (the phone's local date).
    #[serde(with = "crate::strict::day")]
    pub on: NaiveDate,
    pub reason: UnscheduledReason,
}

/// One event with its identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VisitEvent {
    /// Made on the phone; the server applies each id once.
    pub id: Uuid,
    /// A scheduled visit's id, or a new id made on the phone for an unscheduled visit.
    pub visit_id: Uuid,
    /// For an unscheduled visit: sent with each of its events, so whichever arrives first
    /// creates the visit.
    #[serde(default)]
    pub unscheduled: Option<UnscheduledVisit>,
    #[serde(flatten)]
    pub body: VisitEventBody,
}

/// `POST /api/v1/sync/events`: a batch of events from one device, in any order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventBatch {
    /// The phone's installation id, for the record (1–64 characters).
    pub device_id: String,
    /// At most 500 events.
    pub events: Vec<VisitEvent>,
}

/// What became of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventOutcome {
    /// Recorded (now, or the first time it was sent).
    Applied,
    /// The id was already used for different content: nothing changed. The phone must not
    /// reuse ids.
    Conflict,
    /// Refused (see `error`): nothing changed.
    Rejected,
}

/// The result of one event of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventResult {
    pub id: Uuid,
    pub outcome: EventOutcome,
    /// True when this id had already been applied with the same content: a retry, a no-op.
    pub replay: bool,
    /// The visit's state after the event (for applied events).
    pub visit_state: Option<VisitState>,
    /// Why it was refused: a stable code, the field and a message.
    pub error: Option<EventError>,
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventError {
    pub code: String,
    pub field: Option<String>,
    pub message: String,
}

/// The answer to a batch: one result per event, in the batch's order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BatchOutcome {
    pub results: Vec<EventResult>,
}

/// `POST /api/v1/visits/{id}/corrections`: a correction event by institution staff or the agency.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CorrectionRequest {
    /// Made by the caller; sending the same correction again is a no-op.
    pub id: Uuid,
    pub reason: CorrectionReason,
    #[serde(default)]
    pub exception: Option<ExceptionCode>,
    #[serde(default)]
    pub resolution: Option<ResolutionCode>,
    #[serde(default)]
    pub check_in_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub check_out_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub note: Option<String>,
    /// Closes a visit never checked in as not delivered (未服务), with the reason.
    #[serde(default)]
    pub not_delivered: Option<NotDeliveredReason>,
    /// With `not_delivered: replaced_by_unscheduled`: the unscheduled visit of the same person
    /// and day that took this visit's place (linking it to the schedule).
    #[serde(default)]
    pub replaced_by: Option<Uuid>,
}

/// A recorded event, as institution staff and auditors read a visit's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecordedEvent {
    pub id: Uuid,
    pub visit_id: Uuid,
    #[serde(flatten)]
    pub body: VisitEventBody,
    pub recorded_by: Uuid,
    pub device_id: String,
    pub received_at: DateTime<Utc>,
}

/// Query of `GET /api/v1/sync/changes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The cursor of the previous answer; absent for a first (full) sync.
    pub since: Option<String>,
}

/// A beneficiary as the caregiver's phone keeps them offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OfflineBeneficiary {
    pub id: Uuid,
    pub name: String,
    /// `370202***********X`: the first six characters and the check character.
    pub id_number_masked: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
    /// Whom to call when something is wrong (家属).
    #[serde(default)]
    pub emergency_contact: Option<super::registry::EmergencyContact>,
    /// The certified level today.
    pub level: Option<u8>,
    /// The home-visit plan running today.
    pub plan_id: Option<Uuid>,
    pub plan_items: Vec<PlanItem>,
}

/// `GET /api/v1/sync/changes`: what changed for the caregiver since the cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Changes {
    /// Send this as `since` next time.
    pub cursor: String,
    /// True for a first sync (no or unknown cursor): the lists are complete.
    pub full: bool,
    /// Beneficiaries new or changed since the cursor.
    pub beneficiaries: Vec<OfflineBeneficiary>,
    /// Everyone the caregiver serves now: drop the others from the phone.
    pub beneficiary_ids: Vec<Uuid>,
    /// The caregiver's visits from today for the next 7 days (and any earlier visit changed
    /// since the cursor), new or changed since the cursor.
    pub visits: Vec<Visit>,
    /// The policy version whose catalogue and thresholds follow.
    pub policy_version_id: Option<Uuid>,
    /// The home-care catalogue, when the policy in force changed since the cursor.
    pub catalogue: Option<Vec<CatalogueItem>>,
    /// The monitoring thresholds, with the catalogue.
    pub monitoring: Option<Monitoring>,
}
