//! Fund supervision (基金监管): sanctions against people (处理) — a caregiver barred from
//! long-term care work for a period, checked at registration, assignment and settlement, and
//! listed publicly per region (the 公开 of 双随机、一公开).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Who a sanction is against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SanctionSubject {
    /// 护理人员.
    Caregiver,
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

/// `POST /api/v1/sanctions`: bar a caregiver for a period (agency officers).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateSanction {
    pub caregiver_id: Uuid,
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
}

/// Filters of `GET /api/v1/sanctions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SanctionFilter {
    pub caregiver_id: Option<Uuid>,
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
