//! Multi-source funding (多渠道筹资) on a double-entry ledger: accounts and balances, journal
//! entries, contributions, lump-sum receipts, reversals, and the region's funding settings.
//! Amounts are yuan as decimal strings with at most two decimals.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::registry::Scheme;

/// Where money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    /// 个人缴费
    Individual,
    /// 单位缴费
    Employer,
    /// 医保统筹基金划转
    MedicalInsuranceFund,
    /// 个人账户划转
    PersonalAccount,
    /// 财政补助
    FiscalSubsidy,
    /// 福彩公益金
    WelfareLottery,
    /// 慈善捐赠
    Donation,
    Other,
}

/// What an account holds, which decides the sign of its balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Money the scheme holds (funds, the reserve): balance = debits − credits.
    Asset,
    /// Money the scheme owes (institution payables, deposits withheld): credits − debits.
    Liability,
    /// Money received, by source and scheme: credits − debits.
    Income,
    /// Money paid out: debits − credits.
    Expense,
}

/// A ledger account with its balance derived from its postings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    pub id: Uuid,
    /// `fund:employee`, `fund:resident`, `reserve`, `income:<source>:<scheme>`, …
    pub code: String,
    pub name: String,
    pub kind: AccountKind,
    #[schema(value_type = String, example = "1250.00")]
    pub balance: Decimal,
}

/// One line of a journal entry: positive amounts are debits, negative ones credits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Posting {
    pub account_code: String,
    #[schema(value_type = String, example = "-100.00")]
    pub amount: Decimal,
}

/// A journal entry (记账凭证). Its postings sum to zero; it never changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JournalEntry {
    pub id: Uuid,
    /// The caller's reference: posting it again is answered with this entry.
    pub reference: String,
    /// `contribution`, `receipt`, `reversal`, …
    pub kind: String,
    pub description: String,
    pub effective_on: NaiveDate,
    /// For a reversal: the entry it cancels.
    pub reverses_entry_id: Option<Uuid>,
    /// The reversal that cancelled this entry, if any.
    pub reversed_by_entry_id: Option<Uuid>,
    pub postings: Vec<Posting>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/funding/contributions`: one person's contribution for one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContributionRequest {
    /// Unique per region, e.g. the collection system's receipt number.
    pub reference: String,
    pub insured_person_id: Uuid,
    /// The month paid for, `YYYY-MM`.
    pub period: String,
    pub scheme: Scheme,
    pub source: FundingSource,
    #[schema(value_type = String, example = "30.00")]
    #[serde(with = "crate::strict::money")]
    pub amount: Decimal,
    /// Posting date (default: today).
    #[serde(with = "crate::strict::day_opt", default)]
    pub received_on: Option<NaiveDate>,
}

/// `POST /api/v1/funding/receipts`: a lump sum (a fiscal transfer, a donation, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReceiptRequest {
    pub reference: String,
    pub scheme: Scheme,
    pub source: FundingSource,
    #[schema(value_type = String, example = "2000000.00")]
    #[serde(with = "crate::strict::money")]
    pub amount: Decimal,
    pub description: String,
    #[serde(with = "crate::strict::day_opt", default)]
    pub received_on: Option<NaiveDate>,
}

/// `POST /api/v1/ledger/entries/{id}/reversal`: cancel an entry with its mirror image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReversalRequest {
    pub reference: String,
    pub reason: String,
}

/// The answer to a posting: the entry, and whether this call created it (`false` for a repeat
/// of an earlier call with the same reference and content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Posted {
    pub created: bool,
    pub entry: JournalEntry,
}

/// One month's contribution of a person (`GET /api/v1/insured-persons/{id}/contributions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PersonContribution {
    /// `YYYY-MM`.
    pub period: String,
    pub scheme: Scheme,
    pub source: FundingSource,
    #[schema(value_type = String, example = "30.00")]
    pub amount: Decimal,
    /// Cancelled by a reversal: not counted toward the contribution period.
    pub reversed: bool,
    /// The journal entry that posted it.
    pub entry_id: Uuid,
}

/// Filters of `GET /api/v1/ledger/entries`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryFilter {
    pub reference: Option<String>,
    /// Entries touching this account code.
    pub account_code: Option<String>,
}

/// A region's funding settings (defaults in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FundingSettings {
    /// Share of every contribution and receipt posted to the reserve (调剂金), in basis points [500].
    pub reserve_share_bp: u32,
    /// Fewer months of payment covered than this is `critical` [3].
    #[serde(default = "default_critical")]
    pub critical_months: u32,
    /// Fewer than this is `warning` [6].
    #[serde(default = "default_warning")]
    pub warning_months: u32,
    /// More than this is `excess_surplus` (结余过多) [24].
    #[serde(default = "default_surplus")]
    pub surplus_months: u32,
}

fn default_critical() -> u32 {
    3
}
fn default_warning() -> u32 {
    6
}
fn default_surplus() -> u32 {
    24
}

impl Default for FundingSettings {
    fn default() -> Self {
        Self {
            reserve_share_bp: 500,
            critical_months: default_critical(),
            warning_months: default_warning(),
            surplus_months: default_surplus(),
        }
    }
}

/// The fund's warning level (预警等级).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningLevel {
    /// Fewer months covered than `critical_months`.
    Critical,
    /// Fewer than `warning_months`.
    Warning,
    Normal,
    /// More than `surplus_months`: too much is kept back.
    ExcessSurplus,
    /// Nothing was spent in the window: months covered are not defined.
    NoExpenditure,
}

/// Query of `GET /api/v1/funding/health`.
#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HealthQuery {
    pub scheme: Scheme,
    /// The date (default: today).
    #[serde(default, with = "crate::strict::day_opt")]
    pub on: Option<NaiveDate>,
    /// Start of the income period (default: 1 January of the date's year).
    #[serde(default, with = "crate::strict::day_opt")]
    pub from: Option<NaiveDate>,
}

/// Money from one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SourceAmount {
    pub source: FundingSource,
    #[schema(value_type = String)]
    pub amount: Decimal,
}

/// An amount for a month (`YYYY-MM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthAmount {
    pub month: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
}

/// Fund health (基金运行分析) of a scheme on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FundHealth {
    pub scheme: Scheme,
    pub on: NaiveDate,
    /// The scheme's fund at the end of the date.
    #[schema(value_type = String)]
    pub balance: Decimal,
    pub income_from: NaiveDate,
    /// Income by source from `income_from` to `on`.
    pub income_by_source: Vec<SourceAmount>,
    /// The twelve months ending with the date's month.
    pub expenditure_by_month: Vec<MonthAmount>,
    /// Over the last twelve months, or the months since the ledger began if fewer.
    #[schema(value_type = String)]
    pub average_monthly_expenditure: Decimal,
    /// 可支付月数, one decimal; absent without expenditure.
    #[schema(value_type = Option<String>)]
    pub months_covered: Option<Decimal>,
    pub level: WarningLevel,
    pub settings: FundingSettings,
}

/// Query of `GET /api/v1/funding/health/series`.
#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    pub scheme: Scheme,
    /// How many months, ending with the current one (1–120, default 24).
    pub months: Option<u32>,
}

/// Query of `GET /api/v1/funding/health/chart.svg`: the series' query, and a signed link in place of
/// a bearer token when the chart is opened from a browser's address bar.
#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChartQuery {
    pub scheme: Scheme,
    /// How many months, ending with the current one (1–120, default 24).
    pub months: Option<u32>,
    /// A signed link from `POST /api/v1/funding/health/chart-links` (instead of a bearer token).
    pub link: Option<String>,
}

/// What a signed link opens: the fund chart of one scheme over a number of months.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChartLinkRequest {
    pub scheme: Scheme,
    /// 1–120, default 24.
    pub months: Option<u32>,
}

/// A short-lived signed link: `url` (relative to the server root) opens the resource in a browser,
/// with the rights of the user who asked for it (checked again when opened), until `expires_at`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignedLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// One month of the fund's time series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthPoint {
    pub month: String,
    #[schema(value_type = String)]
    pub income: Decimal,
    #[schema(value_type = String)]
    pub expenditure: Decimal,
    /// At the end of the month.
    #[schema(value_type = String)]
    pub balance: Decimal,
    #[schema(value_type = Option<String>)]
    pub months_covered: Option<Decimal>,
    pub level: WarningLevel,
}

/// The answer to a contributions import (`POST /api/v1/funding/contributions/import` or
/// `ltci-server import-contributions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportOutcome {
    /// Data lines in the file (without the header).
    pub lines: u32,
    /// Lines posted now.
    pub posted: u32,
    /// Lines whose reference was posted before with the same content (skipped).
    pub already_posted: u32,
    /// Sum of the lines posted now.
    #[schema(value_type = String)]
    pub posted_amount: Decimal,
    /// SHA-256 of the file, as recorded in the audit trail.
    pub file_sha256: String,
}

/// Where a reserve draw stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrawStatus {
    Requested,
    /// Approved by a second officer and posted.
    Approved,
    Rejected,
}

/// `POST /api/v1/funding/reserve-draws`: ask to move money from the reserve into a fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReserveDrawRequest {
    pub reference: String,
    /// The fund that receives the money.
    pub scheme: Scheme,
    #[schema(value_type = String, example = "500000.00")]
    #[serde(with = "crate::strict::money")]
    pub amount: Decimal,
    pub reason: String,
}

/// `POST /api/v1/funding/reserve-draws/{id}/rejection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DrawRejection {
    pub reason: String,
}

/// A draw from the reserve (调剂金调拨).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReserveDraw {
    pub id: Uuid,
    pub reference: String,
    pub scheme: Scheme,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub reason: String,
    pub status: DrawStatus,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    /// The posted transfer, once approved.
    pub entry_id: Option<Uuid>,
}

/// Query of `GET /api/v1/funding/reports/income.csv`: entry dates, both inclusive.
#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    #[serde(with = "crate::strict::day")]
    pub from: NaiveDate,
    #[serde(with = "crate::strict::day")]
    pub to: NaiveDate,
}

/// Query of `GET /api/v1/funding/reports/trial-balance.csv`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnDateQuery {
    /// Entries effective on or before this date (default: today).
    #[serde(default, with = "crate::strict::day_opt")]
    pub on: Option<NaiveDate>,
}
