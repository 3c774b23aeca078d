//! Random inspections (双随机、一公开): institutions and inspectors drawn at random — by risk
//! weight if asked — with the seed recorded so anyone can draw again and get the same, no
//! inspector sent where they declared a link, the results recorded (problems become findings)
//! and the closed draws published.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::evaluation::CreditClass;

/// `POST /api/v1/inspection-conflicts`: an inspector's link to an institution (回避: worked
/// there, a relative works there, …), so no draw sends them there (agency officers).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeclareConflict {
    /// The inspector: an officer's or auditor's account of the region.
    pub inspector_id: Uuid,
    pub institution_id: Uuid,
    pub reason: String,
}

/// A declared link, as the agency sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InspectionConflict {
    pub id: Uuid,
    pub inspector_id: Uuid,
    pub inspector_name: String,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub reason: String,
    pub declared_at: DateTime<Utc>,
}

/// `POST /api/v1/inspection-draws`: draw institutions and inspectors (agency officers).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DrawRequest {
    /// Made by the client: sending the same draw again returns it, never a second one.
    pub id: Uuid,
    /// What the draw is for, e.g. "2026年第四季度长护定点机构双随机抽查".
    pub title: String,
    /// How many institutions to draw (1–100; all the candidates if there are fewer).
    pub institutions: u32,
    /// How many inspectors go to each (1–5; default 2).
    #[serde(default = "two")]
    pub inspectors_each: u32,
    /// Weight institutions by risk (open findings, credit class); default yes.
    #[serde(default = "yes")]
    pub weighted: bool,
    /// Letters and digits, up to 64; made at random when left out. Given, it makes the draw
    /// chosen in advance reproducible (e.g. a lottery number announced beforehand).
    #[serde(default)]
    pub seed: Option<String>,
    /// The inspectors to draw from; default every active officer and auditor of the region.
    #[serde(default)]
    pub inspector_ids: Option<Vec<Uuid>>,
}

fn two() -> u32 {
    2
}

fn yes() -> bool {
    true
}

/// An institution a draw was made from, with its weight and what made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DrawCandidate {
    pub institution_id: Uuid,
    pub institution_name: String,
    /// 1 + open findings (at most 9) + the credit class's points (A 0 … E 4, none 1); 1 when the
    /// draw is not weighted.
    pub weight: u32,
    pub open_findings: u32,
    pub credit_class: Option<CreditClass>,
}

/// An inspector of a draw's pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DrawInspector {
    pub user_id: Uuid,
    pub name: String,
}

/// A draw with everything it was made from and what it drew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InspectionDraw {
    pub id: Uuid,
    pub title: String,
    pub seed: String,
    pub weighted: bool,
    pub institutions_requested: u32,
    pub inspectors_each: u32,
    pub candidates: Vec<DrawCandidate>,
    pub pool: Vec<DrawInspector>,
    /// The declared links excluded: (inspector, institution).
    pub conflicts: Vec<(Uuid, Uuid)>,
    pub drawn_by: Uuid,
    pub drawn_at: DateTime<Utc>,
    pub inspections: Vec<Inspection>,
    /// Every inspection's result is recorded: the draw is published.
    pub closed: bool,
}

/// Where an inspection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    /// 待检查
    Planned,
    /// 已检查
    Done,
}

impl InspectionStatus {
    pub fn text(self) -> crate::text::Text {
        match self {
            InspectionStatus::Planned => crate::messages::inspection_planned(),
            InspectionStatus::Done => crate::messages::inspection_done(),
        }
    }
}

/// What an inspection found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionOutcome {
    /// 未发现问题
    Compliant,
    /// 发现问题: each problem opens a finding.
    ProblemsFound,
}

impl InspectionOutcome {
    pub fn text(self) -> crate::text::Text {
        match self {
            InspectionOutcome::Compliant => crate::messages::inspection_compliant(),
            InspectionOutcome::ProblemsFound => crate::messages::inspection_problems_found(),
        }
    }
}

/// A problem found on site, with the finding it opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InspectionProblem {
    pub description: String,
    pub finding_id: Uuid,
}

/// One institution drawn, its inspectors and its result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Inspection {
    pub id: Uuid,
    pub draw_id: Uuid,
    pub institution_id: Uuid,
    pub institution_name: String,
    /// The place in the draw, from 1.
    pub rank: u32,
    pub inspectors: Vec<DrawInspector>,
    pub status: InspectionStatus,
    pub inspected_on: Option<NaiveDate>,
    pub outcome: Option<InspectionOutcome>,
    pub summary: Option<String>,
    pub problems: Vec<InspectionProblem>,
    pub recorded_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// `POST /api/v1/inspections/{id}/result`: what the inspectors found (agency officers).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InspectionResult {
    /// The day of the visit: not after today, not before the draw.
    #[serde(with = "crate::strict::day")]
    pub inspected_on: NaiveDate,
    pub outcome: InspectionOutcome,
    /// What was checked and seen (published with the outcome: name no one).
    pub summary: String,
    /// `problems_found`: one to ten problems, each opening a finding of the institution; none
    /// for `compliant`.
    #[serde(default)]
    pub problems: Vec<String>,
    /// The version read (409 `conflict` if it changed since).
    pub version: i32,
}

/// Filters of `GET /api/v1/inspections`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionFilter {
    pub institution_id: Option<Uuid>,
    pub status: Option<InspectionStatus>,
}

/// A closed draw as published (`GET /api/v1/public/regions/{code}/inspections`): enough to draw
/// again (the seed, the candidates with their weights, the pool and the links excluded) and each
/// inspection's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicDraw {
    pub title: String,
    pub seed: String,
    pub weighted: bool,
    pub institutions_requested: u32,
    pub inspectors_each: u32,
    pub drawn_at: DateTime<Utc>,
    pub candidates: Vec<PublicCandidate>,
    pub pool: Vec<DrawInspector>,
    pub conflicts: Vec<(Uuid, Uuid)>,
    pub inspections: Vec<PublicInspection>,
}

/// A candidate as published: its weight, not what made it (open findings are not yet decided).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicCandidate {
    pub institution_id: Uuid,
    pub institution_name: String,
    pub weight: u32,
}

/// An inspection as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicInspection {
    pub rank: u32,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub inspectors: Vec<String>,
    pub inspected_on: Option<NaiveDate>,
    pub outcome: Option<InspectionOutcome>,
    pub summary: Option<String>,
    pub problems: u32,
}
