//! Beneficiary follow-up (回访与评价): agency staff ask beneficiaries or their families, by phone or
//! at home, whether the care recorded was given, whether any payment was asked and how satisfied
//! they are — a seeded random sample each month, and on demand. "Not given" and "payment asked"
//! open findings; the averages feed the institution's evaluation (category `satisfaction`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `POST /api/v1/follow-up-samples`: draw a month's sample (agency officers). One per month:
/// sending it again returns the sample drawn.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FollowUpSampleRequest {
    /// `YYYY-MM`, a month that is over.
    pub month: String,
    /// How many beneficiaries to follow up (1–1000; all those served, if fewer).
    pub size: u32,
    /// 1–64 letters, digits, `-` or `_`; made at random when left out.
    #[serde(default)]
    pub seed: Option<String>,
}

/// A month's sample and the follow-ups it made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FollowUpSample {
    pub id: Uuid,
    pub month: String,
    pub seed: String,
    pub size: u32,
    /// How many beneficiaries received care that month: the sample is drawn from them.
    pub population: u32,
    pub drawn_by: Uuid,
    pub drawn_at: DateTime<Utc>,
    pub follow_ups: Vec<FollowUp>,
}

/// `POST /api/v1/follow-ups`: a follow-up on demand (a complaint, a suspicion; agency officers).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestFollowUp {
    /// Made by the client: sending it again returns the follow-up made the first time.
    pub id: Uuid,
    pub insured_person_id: Uuid,
    /// `YYYY-MM`: the month of care to ask about (the person must have received care then).
    pub month: String,
    pub reason: String,
}

/// Where a follow-up is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    /// 待回访
    Pending,
    /// 已回访: the answers are recorded.
    Done,
    /// 联系不上
    Unreachable,
}

impl FollowUpStatus {
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            FollowUpStatus::Pending => m::follow_up_pending(),
            FollowUpStatus::Done => m::follow_up_done(),
            FollowUpStatus::Unreachable => m::follow_up_unreachable(),
        }
    }
}

/// How the person was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpChannel {
    /// 电话回访
    Phone,
    /// 上门回访
    Visit,
}

impl FollowUpChannel {
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            FollowUpChannel::Phone => m::channel_phone(),
            FollowUpChannel::Visit => m::channel_visit(),
        }
    }
}

/// `POST /api/v1/follow-ups/{id}/answer`: what the person said, or that they could not be reached
/// (agency officers). Recorded once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FollowUpAnswer {
    /// `done` with every answer, or `unreachable` with none.
    pub status: FollowUpStatus,
    pub channel: FollowUpChannel,
    /// Was the care recorded for the month given? No opens a finding (`care_not_given`) naming
    /// the month's services, so a confirmation refuses their pay.
    #[serde(default)]
    pub care_given: Option<bool>,
    /// Was any payment asked for? Yes opens a finding (`payment_asked`).
    #[serde(default)]
    pub payment_asked: Option<bool>,
    /// 1 (very dissatisfied) to 5 (very satisfied).
    #[serde(default)]
    pub satisfaction: Option<u8>,
    #[serde(default)]
    pub comment: Option<String>,
    /// The version read (409 `conflict` if it changed since).
    pub version: i32,
}

/// A follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FollowUp {
    pub id: Uuid,
    pub month: String,
    pub insured_person_id: Uuid,
    pub person_name: String,
    /// The institution that served the person that month (the one with most services).
    pub institution_id: Uuid,
    pub institution_name: String,
    /// The caregiver who made most of the month's visits, if any.
    pub caregiver_id: Option<Uuid>,
    pub caregiver_name: Option<String>,
    /// The month's sample it was drawn in; none for one asked on demand.
    pub sample_id: Option<Uuid>,
    pub reason: Option<String>,
    pub status: FollowUpStatus,
    pub channel: Option<FollowUpChannel>,
    pub care_given: Option<bool>,
    pub payment_asked: Option<bool>,
    pub satisfaction: Option<u8>,
    pub comment: Option<String>,
    /// The findings the answer opened.
    pub finding_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub recorded_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// Filters of `GET /api/v1/follow-ups`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpFilter {
    /// `YYYY-MM`.
    pub month: Option<String>,
    pub institution_id: Option<Uuid>,
    pub caregiver_id: Option<Uuid>,
    pub status: Option<FollowUpStatus>,
}

/// `GET /api/v1/follow-up-averages?year=`: what the year's follow-ups said, per institution and
/// per caregiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FollowUpAverages {
    pub year: i32,
    pub institutions: Vec<FollowUpAverage>,
    pub caregivers: Vec<FollowUpAverage>,
}

/// The answers about one institution or caregiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FollowUpAverage {
    pub id: Uuid,
    pub name: String,
    /// Follow-ups answered (`done`).
    pub answered: u32,
    pub unreachable: u32,
    /// The mean satisfaction of those answered, to two decimals (1–5).
    pub average_satisfaction: Option<rust_decimal::Decimal>,
    pub care_not_given: u32,
    pub payment_asked: u32,
}

/// Query of `GET /api/v1/follow-up-averages`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AveragesQuery {
    pub year: i32,
}
