//! Monthly settlement (月度结算): an institution's bill for a month, its priced lines, and the
//! institution's statement (对账单) of what the fund owes and paid it. Amounts are yuan as decimal
//! strings with two decimals.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::assessment::CareMode;
use super::registry::Scheme;

/// Where a bill stands: computed (and recomputable) as a `draft`, `submitted` by the institution,
/// `approved` by the agency (the payable is posted), `paid` (the payment is posted, the quality
/// deposit withheld).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BillStatus {
    /// 草稿
    Draft,
    /// 已提交
    Submitted,
    /// 已审核
    Approved,
    /// 已支付
    Paid,
}

/// Why a line is not paid (拒付原因).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineRejection {
    /// The beneficiary had no valid disability certificate that day.
    NotCertified,
    /// The certified level is not served in this care mode under the policy of the day.
    NotEligible,
    /// In hospital that day (reported by the medical-insurance system).
    Hospitalised,
    /// On or after the day of death.
    Deceased,
    /// No benefit policy was in force that day.
    NoPolicy,
    /// The policy of the day prices nothing for this scheme, mode, level and tier.
    NoRate,
    /// The beneficiary's monthly cap under the rate was already reached.
    OverCap,
    /// A home visit that is not verified (in progress, waiting for review, or rejected).
    VisitNotVerified,
    /// An item-level finding blocks this item (e.g. a caregiver without the qualification).
    ItemBlocked,
    /// The item is not in the catalogue of the policy of the day.
    UnknownItem,
    /// The item was already delivered as often this week (ISO week) as the catalogue allows.
    OverFrequency,
    /// A confirmed monitoring finding names this service (监控发现已确认).
    FindingConfirmed,
}

impl BillStatus {
    pub const ALL: [BillStatus; 4] = [BillStatus::Draft, BillStatus::Submitted, BillStatus::Approved, BillStatus::Paid];

    /// The status's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            BillStatus::Draft => m::bill_status_draft(),
            BillStatus::Submitted => m::bill_status_submitted(),
            BillStatus::Approved => m::bill_status_approved(),
            BillStatus::Paid => m::bill_status_paid(),
        }
    }
}

impl LineRejection {
    pub const ALL: [LineRejection; 12] = [
        LineRejection::NotCertified,
        LineRejection::NotEligible,
        LineRejection::Hospitalised,
        LineRejection::Deceased,
        LineRejection::NoPolicy,
        LineRejection::NoRate,
        LineRejection::OverCap,
        LineRejection::VisitNotVerified,
        LineRejection::ItemBlocked,
        LineRejection::UnknownItem,
        LineRejection::OverFrequency,
        LineRejection::FindingConfirmed,
    ];

    /// The reason's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            LineRejection::NotCertified => m::rejection_not_certified(),
            LineRejection::NotEligible => m::rejection_not_eligible(),
            LineRejection::Hospitalised => m::rejection_hospitalised(),
            LineRejection::Deceased => m::rejection_deceased(),
            LineRejection::NoPolicy => m::rejection_no_policy(),
            LineRejection::NoRate => m::rejection_no_rate(),
            LineRejection::OverCap => m::rejection_over_cap(),
            LineRejection::VisitNotVerified => m::rejection_visit_not_verified(),
            LineRejection::ItemBlocked => m::rejection_item_blocked(),
            LineRejection::UnknownItem => m::rejection_unknown_item(),
            LineRejection::OverFrequency => m::rejection_over_frequency(),
            LineRejection::FindingConfirmed => m::rejection_finding_confirmed(),
        }
    }
}

/// `POST /api/v1/settlements`: compute (or compute again) an institution's draft bill for a month
/// that is over.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ComputeBill {
    /// The institution; institution staff may leave it out (their own).
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// `YYYY-MM`.
    pub month: String,
}

/// The fund's amount of a bill for one care mode and scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BillSubtotal {
    pub care_mode: CareMode,
    pub scheme: Scheme,
    pub lines: u32,
    /// What the lines pay before the agency's audit.
    #[schema(value_type = String, example = "1350.00")]
    pub fund_amount: Decimal,
    /// Deducted by the audit.
    #[schema(value_type = String, example = "45.00")]
    pub deducted: Decimal,
}

/// A monthly bill (月度结算单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Bill {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub month: String,
    pub status: BillStatus,
    pub line_count: u32,
    pub rejected_lines: u32,
    /// What the institution charged, over all lines.
    #[schema(value_type = String, example = "2850.00")]
    pub claimed: Decimal,
    /// What the lines pay: the sum of their fund amounts.
    #[schema(value_type = String, example = "1350.00")]
    pub fund_amount: Decimal,
    /// Deducted by the agency's audit (审核扣款), over all lines.
    #[schema(value_type = String, example = "45.00")]
    pub deducted: Decimal,
    /// What the fund owes: `fund_amount − deducted`, posted as the payable on approval.
    #[schema(value_type = String, example = "1305.00")]
    pub payable: Decimal,
    pub subtotals: Vec<BillSubtotal>,
    /// The quality deposit (质量保证金) withheld from the payment, once paid.
    #[schema(value_type = Option<String>, example = "67.50")]
    pub withheld: Option<Decimal>,
    /// What was transferred to the institution, once paid.
    #[schema(value_type = Option<String>, example = "1282.50")]
    pub paid: Option<Decimal>,
    pub computed_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Why the agency sent the bill back, when it did.
    pub return_reason: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// The journal entry of the payable (debit expense, credit the institution's payable).
    pub approval_entry_id: Option<Uuid>,
    pub paid_on: Option<NaiveDate>,
    /// The journal entry of the payment (debit the payable, credit the funds and the deposit).
    pub payment_entry_id: Option<Uuid>,
    /// Who took each step (申报、复核、支付): the separation of duties shows.
    pub computed_by: Uuid,
    pub submitted_by: Option<Uuid>,
    pub approved_by: Option<Uuid>,
    pub paid_by: Option<Uuid>,
    /// The bank transfer's reference (银行流水号), once paid.
    pub bank_reference: Option<String>,
}

/// One line of a bill: a bed-day, a delivered item or a family-care day, priced under the policy
/// in force that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BillLine {
    pub line_no: u32,
    pub insured_person_id: Uuid,
    pub care_mode: CareMode,
    pub scheme: Scheme,
    /// The certified level that day.
    pub level: Option<u8>,
    pub service_on: NaiveDate,
    /// What the line bills: `stay` (a charged bed-day; `source_id` the stay), `visit` (an item
    /// delivered on a home visit; the visit), `family_care` (a day of a family-care plan; the plan).
    pub source: String,
    pub source_id: Uuid,
    /// For a visit line: the catalogue item and how many times it was delivered.
    pub item: Option<String>,
    pub times: Option<u32>,
    /// The policy version the day was priced under.
    pub policy_version_id: Option<Uuid>,
    /// The payment basis applied (`capped_per_day`, `per_item`, `flat_per_day`).
    pub rule: Option<String>,
    #[schema(value_type = String, example = "95.00")]
    pub claimed: Decimal,
    /// The amount the rule allows (the charge or the items' price up to the daily cap, the items'
    /// price, or the flat amount).
    #[schema(value_type = String, example = "60.00")]
    pub allowed: Decimal,
    /// The fund's share of the allowed amount, rounded half up to the fen (0 when rejected).
    #[schema(value_type = String, example = "45.00")]
    pub fund_amount: Decimal,
    pub rejection: Option<LineRejection>,
    /// Deducted by the agency's audit, with the reason.
    #[schema(value_type = String, example = "0.00")]
    pub deducted: Decimal,
    pub deduction_reason: Option<String>,
    /// Drawn for the agency's manual review.
    pub sampled: bool,
    /// For an adjustment (补差/追回) of an approved bill: that bill, and its line when the care was
    /// billed there. The line's `fund_amount` is then the difference (negative: recovered).
    pub adjusts_bill_id: Option<Uuid>,
    pub adjusts_line_no: Option<u32>,
    /// The inputs and the steps, so the line explains itself.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

/// A person's bill line with its bill (`GET /api/v1/insured-persons/{id}/bill-lines`): what paid
/// for the care the person received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PersonBillLine {
    pub bill_id: Uuid,
    pub institution_id: Uuid,
    pub month: String,
    pub bill_status: BillStatus,
    pub line: BillLine,
}

/// `GET /api/v1/settlements`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BillFilter {
    pub institution_id: Option<Uuid>,
    /// `YYYY-MM`.
    pub month: Option<String>,
    pub status: Option<BillStatus>,
}

/// `GET /api/v1/settlements/{id}/lines`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinesQuery {
    /// Only the lines drawn for review (`true`) or the others (`false`).
    pub sampled: Option<bool>,
    /// Only the lines not paid (`true`) or the paid ones (`false`).
    pub rejected: Option<bool>,
    /// Only the lines rejected for this reason.
    pub rejection: Option<LineRejection>,
    /// Only the lines the audit deducted from (`true`) or the others (`false`).
    pub deducted: Option<bool>,
    /// Only one beneficiary's lines.
    pub insured_person_id: Option<Uuid>,
    /// Only the lines of one day (`YYYY-MM-DD`).
    pub service_on: Option<NaiveDate>,
}

/// `POST /api/v1/settlements/{id}/sample`: draw lines at random for the agency's manual review.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SampleRequest {
    /// How many of the paid lines to draw, 1–500.
    pub size: u32,
}

/// `PUT /api/v1/settlements/{id}/lines/{line_no}/deduction`: the agency's deduction from one line
/// (`0` takes it back).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Deduction {
    /// Yuan, at most the line's fund amount.
    #[schema(value_type = String, example = "45.00")]
    #[serde(with = "crate::strict::money")]
    pub amount: Decimal,
    /// Why (required unless the amount is 0).
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /api/v1/settlements/{id}/return`: the agency sends a submitted bill back as a draft.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReturnBill {
    pub reason: String,
}

/// `POST /api/v1/settlements/{id}/payment`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PayBill {
    /// The bank transfer's reference (银行流水号), unique in the region: the payment's receipt.
    pub bank_reference: String,
    /// The day of the transfer; today when left out.
    #[serde(with = "crate::strict::day_opt", default)]
    pub paid_on: Option<NaiveDate>,
}

/// One ledger entry that moved the institution's accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatementEntry {
    pub entry_id: Uuid,
    pub reference: String,
    /// `settlement_payable`, `settlement_payment`.
    pub kind: String,
    pub description: String,
    pub effective_on: NaiveDate,
    /// What the entry added to (positive) or took from what the fund owes the institution.
    #[schema(value_type = String, example = "1350.00")]
    pub payable: Decimal,
    /// What the entry added to the quality deposit withheld.
    #[schema(value_type = String, example = "67.50")]
    pub deposit: Decimal,
}

/// `GET /api/v1/institutions/{id}/statement`: an institution's statement (对账单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Statement {
    pub institution_id: Uuid,
    /// Approved and not yet paid (应付未付).
    #[schema(value_type = String, example = "0.00")]
    pub payable: Decimal,
    /// Quality deposits withheld and held by the fund (质量保证金).
    #[schema(value_type = String, example = "67.50")]
    pub deposit_withheld: Decimal,
    /// Transferred to the institution, over all payments.
    #[schema(value_type = String, example = "1282.50")]
    pub paid: Decimal,
    /// The institution's bills, latest month first.
    pub bills: Vec<Bill>,
    /// The ledger entries on its accounts, oldest first.
    pub entries: Vec<StatementEntry>,
}

/// `POST /api/v1/settlements/month-end`: compute every institution's draft for a month that is
/// over (月末结算).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MonthEndRequest {
    /// `YYYY-MM`.
    pub month: String,
}

/// What the month-end run did for one institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MonthEndOutcome {
    /// A new draft.
    Created,
    /// Its draft computed again.
    Computed,
    /// Nothing to bill that month.
    NothingToBill,
    /// Its bill is already submitted, approved or paid: left as it is.
    AlreadySubmitted,
    /// Another run (or the institution) was computing it at that moment.
    Busy,
    /// Its draft was computed after this run began — by another run sharing the work, or by the
    /// institution: already current, left as it is.
    ComputedMeanwhile,
}

impl MonthEndOutcome {
    /// The outcome's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            MonthEndOutcome::Created => m::ui_outcome_created(),
            MonthEndOutcome::Computed => m::ui_outcome_computed(),
            MonthEndOutcome::NothingToBill => m::ui_outcome_nothing(),
            MonthEndOutcome::AlreadySubmitted => m::ui_outcome_submitted(),
            MonthEndOutcome::Busy => m::ui_outcome_busy(),
            MonthEndOutcome::ComputedMeanwhile => m::ui_outcome_meanwhile(),
        }
    }
}

/// One institution's result of the month-end run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthEndResult {
    pub institution_id: Uuid,
    pub outcome: MonthEndOutcome,
    pub bill_id: Option<Uuid>,
    #[schema(value_type = Option<String>, example = "1350.00")]
    pub fund_amount: Option<Decimal>,
}

/// The month-end run's report, one result per institution of the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthEndReport {
    pub month: String,
    pub results: Vec<MonthEndResult>,
    /// What the drafts this run computed add up to.
    #[serde(default)]
    pub totals: MonthEndTotals,
}

/// The drafts a month-end run computed, summed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthEndTotals {
    pub lines: u64,
    pub rejected_lines: u64,
    #[schema(value_type = String, example = "1350.00")]
    pub claimed: Decimal,
    #[schema(value_type = String, example = "1012.50")]
    pub fund_amount: Decimal,
    /// The lines not paid, per reason, most first.
    pub rejections: Vec<RejectionCount>,
}

/// How many lines a reason refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RejectionCount {
    pub rejection: LineRejection,
    pub lines: u64,
}

/// A month-end run (月末结算批次) as it stands: started in the background by
/// `POST /api/v1/settlements/month-end-runs`, or run at once by `POST /api/v1/settlements/month-end`
/// and the command line; its progress and, once finished, its report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthEndRun {
    pub id: Uuid,
    pub month: String,
    pub started_by: Uuid,
    pub started_at: DateTime<Utc>,
    /// The region's institutions when the run began, and how many it has been through.
    pub institutions: u32,
    pub done: u32,
    pub finished_at: Option<DateTime<Utc>>,
    /// One result per institution, once finished.
    pub report: Option<MonthEndReport>,
    /// The error code the run stopped on, if it stopped on one.
    pub failure: Option<String>,
}

/// `GET /api/v1/settlements/month-end-runs`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthEndRunFilter {
    /// `YYYY-MM`.
    pub month: Option<String>,
}

/// `POST /api/v1/institutions/{id}/deposit-releases`: settle the quality deposits withheld from
/// an institution's payments in a year, by the credit class of its evaluation for that year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DepositReleaseRequest {
    pub year: i32,
}

/// A year's quality deposit settled (质量保证金返还): the released share paid to the institution,
/// the rest kept by the fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DepositRelease {
    pub institution_id: Uuid,
    pub year: i32,
    /// The evaluation's credit class (信用等级) and the share of the deposit it releases.
    pub credit_class: String,
    pub release_percent: u32,
    /// Withheld from the payments made in the year.
    #[schema(value_type = String, example = "62.00")]
    pub withheld: Decimal,
    /// Paid back to the institution.
    #[schema(value_type = String, example = "49.60")]
    pub released: Decimal,
    /// Kept by the fund (income `forfeited_deposit`).
    #[schema(value_type = String, example = "12.40")]
    pub forfeited: Decimal,
    pub entry_id: Uuid,
}

/// What a dispute of a bill line is about (申诉).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeKind {
    /// A note on a line of a draft, before it is submitted: no answer is needed.
    Comment,
    /// The agency's deduction from the line is disputed.
    Deduction,
    /// The line's rejection (拒付) is disputed.
    Rejection,
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// A comment: recorded, nothing to answer.
    Noted,
    /// Waiting for the agency's answer.
    Open,
    Accepted,
    Rejected,
}

/// What an accepted dispute changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeOutcome {
    /// The deduction was lifted on the submitted bill: its payable rose.
    Lifted,
    /// The amount is paid on the institution's next bill (补付), once.
    NextBill,
}

/// `POST /api/v1/settlements/{id}/lines/{line_no}/disputes`: institution staff comment on a line
/// of a draft, or dispute a deduction or a rejection of a submitted, approved or paid bill.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RaiseDispute {
    /// Made by the caller: sending the same dispute again answers the first.
    pub id: Uuid,
    /// 1–500 characters.
    pub reason: String,
    /// The institution's documents that support it (uploaded as attachments of kind `evidence`).
    #[serde(default)]
    pub attachment_ids: Vec<Uuid>,
}

/// The agency's decision on a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeDecision {
    Accept,
    Reject,
}

/// `POST /api/v1/disputes/{id}/answer`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnswerDispute {
    pub decision: DisputeDecision,
    /// 1–500 characters.
    pub reason: String,
    /// For an accepted rejection: what the fund pays for the line, at most what was claimed.
    #[schema(value_type = Option<String>, example = "45.00")]
    #[serde(default, with = "crate::strict::money_opt")]
    pub amount: Option<Decimal>,
}

/// A dispute of a bill line and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BillDispute {
    pub id: Uuid,
    pub bill_id: Uuid,
    pub institution_id: Uuid,
    pub month: String,
    /// The line's number in the bill as it stands (for a draft computed again, the line billing
    /// the same care), and what it bills.
    pub line_no: u32,
    pub source: String,
    pub source_id: Uuid,
    pub service_on: NaiveDate,
    pub item: Option<String>,
    pub kind: DisputeKind,
    pub reason: String,
    pub attachment_ids: Vec<Uuid>,
    pub raised_by: Uuid,
    pub raised_at: DateTime<Utc>,
    pub status: DisputeStatus,
    #[schema(value_type = Option<String>, example = "45.00")]
    pub amount: Option<Decimal>,
    pub outcome: Option<DisputeOutcome>,
    pub answer: Option<String>,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/disputes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisputeFilter {
    pub status: Option<DisputeStatus>,
    pub institution_id: Option<Uuid>,
    pub bill_id: Option<Uuid>,
}

impl DisputeStatus {
    /// The status's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            DisputeStatus::Noted => m::dispute_status_noted(),
            DisputeStatus::Open => m::dispute_status_open(),
            DisputeStatus::Accepted => m::dispute_status_accepted(),
            DisputeStatus::Rejected => m::dispute_status_rejected(),
        }
    }
}

impl DisputeKind {
    /// The kind's name for people.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            DisputeKind::Comment => m::dispute_kind_comment(),
            DisputeKind::Deduction => m::dispute_kind_deduction(),
            DisputeKind::Rejection => m::dispute_kind_rejection(),
        }
    }
}

impl BillDispute {
    /// The dispute and its answer in one line of text, as the CSV and the console's plain views show
    /// the thread: 「扣款申诉（已受理）：理由 → 答复」.
    pub fn thread_text(&self) -> crate::text::Text {
        use crate::messages as m;
        let head = m::dispute_thread_head(self.kind.text(), self.status.text(), self.reason.clone());
        match &self.answer {
            Some(a) => m::dispute_thread_answered(head, a.clone()),
            None => head,
        }
    }
}

/// The months a policy what-if (政策测算) reprices: `YYYY-MM` to `YYYY-MM`, both over, at most 24.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WhatIfQuery {
    /// The first month, `YYYY-MM`.
    pub from: Option<String>,
    /// The last month, `YYYY-MM`.
    pub to: Option<String>,
}

/// A draft policy's what-if over past months: the facts of each month priced under the versions
/// in force (`now`) and under the draft (`draft`, from its effective date), against what the
/// settled bills paid (`paid`); nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WhatIfReport {
    pub from: String,
    pub to: String,
    pub draft_name: String,
    pub draft_effective_from: NaiveDate,
    /// The region's totals per month, oldest first.
    pub months: Vec<WhatIfMonth>,
    /// Per month, institution, care mode and scheme.
    pub rows: Vec<WhatIfRow>,
    /// Each scheme's fund: the months of payment its balance covers now and under the draft.
    pub funds: Vec<WhatIfFund>,
}

/// A month's totals in a what-if.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WhatIfMonth {
    pub month: String,
    pub lines: u64,
    #[schema(value_type = String, example = "1350.00")]
    pub paid: Decimal,
    #[schema(value_type = String, example = "1350.00")]
    pub now: Decimal,
    #[schema(value_type = String, example = "1420.00")]
    pub draft: Decimal,
}

/// One month, institution, care mode and scheme of a what-if.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WhatIfRow {
    pub month: String,
    pub institution_id: Uuid,
    pub care_mode: CareMode,
    pub scheme: Scheme,
    /// The lines the facts give (bed-days, items, family-care days).
    pub lines: u64,
    /// What the approved and paid bills paid for the month (their own lines, less deductions).
    #[schema(value_type = String, example = "1350.00")]
    pub paid: Decimal,
    /// What the versions in force pay for the facts as they stand.
    #[schema(value_type = String, example = "1350.00")]
    pub now: Decimal,
    /// What the draft would pay for the same facts.
    #[schema(value_type = String, example = "1420.00")]
    pub draft: Decimal,
}

/// A scheme's fund under a what-if: its balance today and the months of payment it covers
/// (可支付月数) as the fund page says (the ledger's average monthly expenditure of the last twelve
/// months); then the months it would cover at the pace of the what-if's months, paying what the
/// versions in force pay for them (`now`) and what the draft would (`draft`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WhatIfFund {
    pub scheme: Scheme,
    #[schema(value_type = String, example = "1200000.00")]
    pub balance: Decimal,
    #[schema(value_type = String, example = "100000.00")]
    pub average_monthly_expenditure: Decimal,
    #[schema(value_type = Option<String>, example = "12.0")]
    pub months_covered: Option<Decimal>,
    /// The what-if's months' average under the versions in force.
    #[schema(value_type = String, example = "98000.00")]
    pub now_monthly: Decimal,
    #[schema(value_type = Option<String>, example = "12.2")]
    pub now_months_covered: Option<Decimal>,
    /// The same months' average under the draft.
    #[schema(value_type = String, example = "104000.00")]
    pub draft_monthly: Decimal,
    #[schema(value_type = Option<String>, example = "11.5")]
    pub draft_months_covered: Option<Decimal>,
}
