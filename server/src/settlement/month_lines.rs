//! Every line of the bills of a month an actor may read, as CSV with codes as stored and amounts
//! in fen (`ltci-server bill-lines`): what an officer reconciles a month with outside the
//! product, and what the month-end benchmark compares line by line with its floor.

use std::io::Write;

use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::packs;
use crate::auth::{Actor, Permission, scope};
use crate::entities::bill;
use crate::http::error::{ApiError, ApiResult};

/// The columns, in order.
pub const HEADER: [&str; 18] = [
    "institution_id",
    "line_no",
    "insured_person_id",
    "care_mode",
    "scheme",
    "level",
    "service_on",
    "source",
    "source_id",
    "item",
    "times",
    "policy_version_id",
    "rule",
    "claimed_fen",
    "allowed_fen",
    "fund_fen",
    "rejection",
    "adjusts_bill_id",
];

/// Writes the lines of `month`'s bills, institution by institution, into `out`; answers how
/// many.
pub async fn write<C: ConnectionTrait>(db: &C, actor: &Actor, month: &str, out: impl Write) -> ApiResult<u64> {
    actor.require(Permission::ReadBills)?;
    crate::care::stays::month_bounds(month)
        .ok_or_else(|| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
    let bills = bill::Entity::find()
        .filter(scope::bills(actor))
        .filter(bill::Column::Month.eq(month))
        .order_by_asc(bill::Column::InstitutionId)
        .all(db)
        .await?;
    let mut w = csv::Writer::from_writer(out);
    let failed = |e: csv::Error| ApiError::internal(anyhow::anyhow!(e));
    w.write_record(HEADER).map_err(failed)?;
    let mut count = 0;
    let text = |v: Option<String>| v.unwrap_or_default();
    for b in bills {
        for l in packs::of_bill(db, b.id).await? {
            let r = l.row;
            w.write_record([
                b.institution_id.to_string(),
                l.line_no.to_string(),
                r.person_id.to_string(),
                r.care_mode,
                r.scheme,
                text(r.level.map(|v| v.to_string())),
                r.on.to_string(),
                r.source,
                r.source_id.to_string(),
                text(r.item),
                text(r.times.map(|v| v.to_string())),
                text(r.policy_version_id.map(|v| v.to_string())),
                text(r.rule),
                r.claimed_fen.to_string(),
                r.allowed_fen.to_string(),
                r.fund_fen.to_string(),
                text(r.rejection),
                text(r.adjusts_bill_id.map(|v| v.to_string())),
            ])
            .map_err(failed)?;
            count += 1;
        }
    }
    w.flush().map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
    Ok(count)
}
