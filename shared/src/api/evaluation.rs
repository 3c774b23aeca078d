//! Annual evaluation of designated institutions (年度评鉴, a 1000-point sheet, 千分制): the sheet
//! per region and year, evaluations with grade and credit class, and the violations that deduct
//! points.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The evaluation grade (评鉴等级), from the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

/// The credit class (信用等级): the grade's letter, or `E` (严重失信) when a serious violation was
/// counted in the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub enum CreditClass {
    A,
    B,
    C,
    D,
    E,
}

/// One category of the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EvaluationCategory {
    /// Stable key, `a-z 0-9 _`, e.g. `service_quality`.
    pub code: String,
    pub name: String,
    pub max_points: u32,
}

/// The lowest total of each grade; anything below `c` is D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GradeThresholds {
    pub a: u32,
    pub b: u32,
    pub c: u32,
}

impl Default for GradeThresholds {
    fn default() -> Self {
        Self { a: 900, b: 800, c: 700 }
    }
}

/// Share of the withheld quality deposit (质量保证金) released for each credit class, in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DepositRelease {
    pub a: u8,
    pub b: u8,
    pub c: u8,
    pub d: u8,
    pub e: u8,
}

impl Default for DepositRelease {
    fn default() -> Self {
        Self { a: 100, b: 80, c: 50, d: 0, e: 0 }
    }
}

impl DepositRelease {
    pub fn percent(&self, class: CreditClass) -> u8 {
        match class {
            CreditClass::A => self.a,
            CreditClass::B => self.b,
            CreditClass::C => self.c,
            CreditClass::D => self.d,
            CreditClass::E => self.e,
        }
    }
}

/// The evaluation sheet of a region for a year: `PUT /api/v1/evaluation-schemes/{year}` and the
/// answer of `GET`. Category maxima add up to exactly 1000.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EvaluationScheme {
    pub categories: Vec<EvaluationCategory>,
    #[serde(default)]
    pub thresholds: GradeThresholds,
    #[serde(default)]
    pub deposit_release_percent: DepositRelease,
}

/// The sheet in force for a year, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SchemeInForce {
    pub year: i32,
    /// The year the sheet was set for (the latest at or before `year`); `None` for the built-in
    /// default sheet.
    pub set_for_year: Option<i32>,
    pub scheme: EvaluationScheme,
}

/// The points given in one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CategoryScore {
    pub category: String,
    pub points: u32,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/institutions/{id}/evaluations`: one score per category of the year's sheet.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvaluationRequest {
    pub year: i32,
    pub scores: Vec<CategoryScore>,
    /// Default: today.
    #[serde(with = "crate::strict::day_opt", default)]
    pub evaluated_on: Option<NaiveDate>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// One category of a recorded evaluation, as it was scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScoredCategory {
    pub code: String,
    pub name: String,
    pub max_points: u32,
    pub points: u32,
    pub note: Option<String>,
}

/// A recorded evaluation. It keeps the sheet, thresholds and deductions it was computed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub year: i32,
    pub categories: Vec<ScoredCategory>,
    /// Sum of the category points.
    pub category_points: u32,
    /// The violations deducted in this evaluation.
    pub deductions: Vec<Violation>,
    pub deducted_points: u32,
    /// `category_points - deducted_points`, not below zero.
    pub total: u32,
    pub grade: Grade,
    pub credit_class: CreditClass,
    pub thresholds: GradeThresholds,
    /// Share of the withheld quality deposit to release, from the credit class.
    pub deposit_release_percent: u8,
    pub evaluated_on: NaiveDate,
    pub evaluated_by: Uuid,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Where a violation was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ViolationSource {
    /// 智能监控 / 稽核: found by monitoring of visits and bills.
    Monitoring,
    /// 现场检查
    Inspection,
    /// 投诉举报
    Complaint,
    /// 回访: what a beneficiary or their family said when followed up.
    FollowUp,
}

/// `POST /api/v1/institutions/{id}/violations`: a violation confirmed by the agency.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ViolationRequest {
    #[serde(with = "crate::strict::day")]
    pub occurred_on: NaiveDate,
    /// When it was confirmed (default: today).
    #[serde(with = "crate::strict::day_opt", default)]
    pub confirmed_on: Option<NaiveDate>,
    pub description: String,
    /// Points deducted from the next evaluation (1–1000).
    pub points: u32,
    /// 严重违规: the next evaluation's credit class becomes E.
    #[serde(default)]
    pub serious: bool,
    pub source: ViolationSource,
}

/// A confirmed violation. It deducts its points from the first evaluation recorded on or after
/// its confirmation date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Violation {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub occurred_on: NaiveDate,
    pub confirmed_on: NaiveDate,
    pub description: String,
    pub points: u32,
    pub serious: bool,
    pub source: ViolationSource,
    /// The evaluation that deducted it, once one has.
    pub evaluation_id: Option<Uuid>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}
