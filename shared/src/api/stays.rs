//! Stays (入住 / 住院) in hospital nursing wards and care institutions, and the daily charges the
//! institution reports for them each month.
//!
//! A stay's bed-days run from the admission day up to the day before discharge (a stay admitted and
//! discharged on the same day has one bed-day), so a transfer on one day is never a bed-day twice.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::assessment::CareMode;

/// Most daily charges in one monthly report.
pub const MAX_CHARGES_PER_REPORT: usize = 20_000;

/// `POST /api/v1/stays`: admit a beneficiary to a ward or an institution bed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AdmitRequest {
    /// The institution; institution staff may leave it out (their own).
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    pub insured_person_id: Uuid,
    /// `hospital_ward` or `institutional`.
    pub care_mode: CareMode,
    #[serde(with = "crate::strict::day")]
    pub admitted_on: NaiveDate,
}

/// Why a stay ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DischargeReason {
    /// Went home.
    Home,
    /// Moved to another institution or ward.
    Transferred,
    /// Admitted to hospital for acute treatment.
    Hospitalised,
    /// Died (also recorded when civil affairs reports the death).
    Deceased,
    Other,
}

/// `POST /api/v1/stays/{id}/discharge`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DischargeRequest {
    /// The day the beneficiary left (not a bed-day unless it is also the admission day).
    #[serde(with = "crate::strict::day")]
    pub discharged_on: NaiveDate,
    pub reason: DischargeReason,
}

/// A stay: who, where, in which mode, from when to when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Stay {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub insured_person_id: Uuid,
    /// The service relation (服务关系) the stay belongs to.
    pub relation_id: Uuid,
    pub care_mode: CareMode,
    pub admitted_on: NaiveDate,
    pub discharged_on: Option<NaiveDate>,
    pub discharge_reason: Option<DischargeReason>,
}

/// Filter of `GET /api/v1/stays`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StayFilter {
    pub insured_person_id: Option<Uuid>,
    pub institution_id: Option<Uuid>,
    /// Only stays with a bed-day on this date.
    #[serde(default, with = "crate::strict::day_opt")]
    pub present_on: Option<NaiveDate>,
    /// Only stays with a bed-day in this month (`YYYY-MM`).
    pub month: Option<String>,
}

/// What one bed-day of a stay was charged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DailyCharge {
    pub stay_id: Uuid,
    #[serde(with = "crate::strict::day")]
    pub on: NaiveDate,
    /// Yuan, at most two decimals, more than zero.
    #[schema(value_type = String, example = "95.00")]
    #[serde(with = "crate::strict::money")]
    pub amount: Decimal,
}

/// `PUT /api/v1/stays/charges`: an institution's daily charges for one month, in bulk. Days not
/// listed keep what was reported before; a day reported again with another amount is replaced.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChargeReport {
    /// The reporting institution; institution staff may leave it out (their own).
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// `YYYY-MM`; every charge's day is in it.
    pub month: String,
    pub charges: Vec<DailyCharge>,
}

/// What a charge report did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChargeReportOutcome {
    pub month: String,
    /// Days charged for the first time.
    pub recorded: u32,
    /// Days reported before with another amount, now replaced.
    pub changed: u32,
    /// Days reported before with the same amount (a retry changes nothing).
    pub unchanged: u32,
    /// The institution's charges for the month after the report.
    #[schema(value_type = String, example = "2850.00")]
    pub month_total: Decimal,
}

/// A charged bed-day, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StayCharge {
    pub on: NaiveDate,
    #[schema(value_type = String, example = "95.00")]
    pub amount: Decimal,
    pub reported_at: DateTime<Utc>,
}

/// Query of `GET /api/v1/stays/{id}/charges`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChargesQuery {
    /// `YYYY-MM`; all months without it.
    pub month: Option<String>,
}

/// `GET` / `PUT /api/v1/stays/charges/sheet?month=`: a month's charges as a sheet (CSV): a line
/// per stay (`stay_id`, `name`), a column per day (`1` … `31`), each cell the day's charge.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChargeSheetQuery {
    /// `YYYY-MM`.
    pub month: String,
}
