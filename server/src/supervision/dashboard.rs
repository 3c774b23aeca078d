//! The supervision dashboard (监管看板): a month's home visits per institution — missed,
//! unscheduled, outside the geofence, verified by a person, corrected by staff — and its findings, each
//! figure leading to the visits behind it. Grouped queries; nothing stored.

use std::collections::{BTreeMap, HashSet};

use ltci_shared::Page;
use ltci_shared::api::care::{ExceptionCode, Visit, VisitKind, VisitState};
use ltci_shared::api::supervision::{
    DashboardMeasure, DashboardRow, DashboardVisitsQuery, FindingStatus, SupervisionDashboard,
};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::auth::{Actor, Permission, scope};
use crate::entities::{enum_to_db, finding, institution, visit, visit_event};
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::state::AppState;

/// The stored kind of a staff correction event.
const CORRECTION: &str = "correction";

fn month_bounds(month: &str) -> ApiResult<(chrono::NaiveDate, chrono::NaiveDate)> {
    crate::fields::month(month).map_err(|(c, t)| ApiError::invalid_field("month", c, t))
}

/// How an exception code appears in a visit's stored exceptions (JSON).
fn exception_pattern(code: ExceptionCode) -> String {
    format!("%\"{}\"%", enum_to_db(&code))
}

/// Ids of the visits (of `within`) with a staff correction.
fn corrected_visits() -> SelectStatement {
    Query::select()
        .column(visit_event::Column::VisitId)
        .from(visit_event::Entity)
        .and_where(visit_event::Column::Kind.eq(CORRECTION))
        .to_owned()
}

/// The month's figures per institution in scope.
pub async fn dashboard(state: &AppState, actor: &Actor, month: &str) -> ApiResult<SupervisionDashboard> {
    actor.require(Permission::ReadFindings)?;
    let (first, last) = month_bounds(month)?;
    let month = first.format("%Y-%m").to_string();
    let db = &state.db;
    let in_month = Condition::all().add(scope::visits(actor)).add(visit::Column::ScheduledOn.between(first, last));
    let mut rows: BTreeMap<Uuid, DashboardRow> = BTreeMap::new();
    let by_state: Vec<(Uuid, String, String, i64)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::InstitutionId)
        .column(visit::Column::State)
        .column(visit::Column::Kind)
        .column_as(visit::Column::Id.count(), "n")
        .filter(in_month.clone())
        .group_by(visit::Column::InstitutionId)
        .group_by(visit::Column::State)
        .group_by(visit::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let (missed, verified, unscheduled) =
        (enum_to_db(&VisitState::Missed), enum_to_db(&VisitState::Verified), enum_to_db(&VisitKind::Unscheduled));
    for (inst, st, kind, n) in by_state {
        let r = entry(&mut rows, inst);
        r.visits += count(n);
        if st == missed {
            r.missed += count(n);
        }
        if st == verified {
            r.verified += count(n);
        }
        if kind == unscheduled {
            r.unscheduled += count(n);
        }
    }
    let outside: Vec<(Uuid, i64)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::InstitutionId)
        .column_as(visit::Column::Id.count(), "n")
        .filter(in_month.clone())
        .filter(visit::Column::Exceptions.like(exception_pattern(ExceptionCode::OutsideGeofence)))
        .group_by(visit::Column::InstitutionId)
        .into_tuple()
        .all(db)
        .await?;
    for (inst, n) in outside {
        entry(&mut rows, inst).outside_geofence = count(n);
    }
    let manual: Vec<(Uuid, i64)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::InstitutionId)
        .column_as(visit::Column::Id.count(), "n")
        .filter(in_month.clone())
        .filter(visit::Column::State.eq(verified.as_str()))
        .filter(visit::Column::Id.in_subquery(corrected_visits()))
        .group_by(visit::Column::InstitutionId)
        .into_tuple()
        .all(db)
        .await?;
    for (inst, n) in manual {
        entry(&mut rows, inst).manually_verified = count(n);
    }
    let corrections: Vec<(Uuid, i64)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::InstitutionId)
        .column_as(visit::Column::Id.count(), "n")
        .filter(in_month.clone())
        .filter(visit::Column::Id.in_subquery(corrected_visits()))
        .group_by(visit::Column::InstitutionId)
        .into_tuple()
        .all(db)
        .await?;
    for (inst, n) in corrections {
        entry(&mut rows, inst).corrections = count(n);
    }
    let findings: Vec<(Option<Uuid>, String, i64)> = finding::Entity::find()
        .select_only()
        .column(finding::Column::InstitutionId)
        .column(finding::Column::Status)
        .column_as(finding::Column::Id.count(), "n")
        .filter(scope::findings(actor))
        .filter(finding::Column::Month.eq(month.as_str()))
        .filter(finding::Column::InstitutionId.is_not_null())
        .group_by(finding::Column::InstitutionId)
        .group_by(finding::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let open = enum_to_db(&FindingStatus::Open);
    for (inst, st, n) in findings {
        let Some(inst) = inst else { continue };
        let r = entry(&mut rows, inst);
        r.findings += count(n);
        if st == open {
            r.findings_open += count(n);
        }
    }
    let ids: HashSet<Uuid> = rows.keys().copied().collect();
    let names: BTreeMap<Uuid, String> = institution::Entity::find()
        .filter(institution::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let mut institutions: Vec<DashboardRow> = rows
        .into_values()
        .map(|mut r| {
            r.institution_name = names.get(&r.institution_id).cloned().unwrap_or_default();
            r.manually_verified_percent = (r.verified > 0).then(|| {
                (Decimal::from(r.manually_verified) * Decimal::from(100) / Decimal::from(r.verified)).round_dp(1)
            });
            r
        })
        .collect();
    institutions
        .sort_by(|a, b| a.institution_name.cmp(&b.institution_name).then(a.institution_id.cmp(&b.institution_id)));
    Ok(SupervisionDashboard { month, institutions })
}

fn entry(rows: &mut BTreeMap<Uuid, DashboardRow>, id: Uuid) -> &mut DashboardRow {
    rows.entry(id).or_insert_with(|| DashboardRow { institution_id: id, ..DashboardRow::default() })
}

/// The visits behind one figure of one institution's month, in scope, by day.
pub async fn visits(
    state: &AppState,
    actor: &Actor,
    q: DashboardVisitsQuery,
    page: PageRequest,
) -> ApiResult<Page<Visit>> {
    actor.require(Permission::ReadFindings)?;
    actor.require(Permission::ReadCare)?;
    let mut errors = FieldErrors::new();
    let bounds = match q.month.as_deref() {
        Some(m) => errors.take("month", crate::fields::month(m)),
        None => None,
    };
    for (field, given) in
        [("institution_id", q.institution_id.is_some()), ("month", q.month.is_some()), ("measure", q.measure.is_some())]
    {
        if !given {
            errors.add(field, "required", ltci_shared::messages::field_required(field.to_owned()));
        }
    }
    errors.finish()?;
    let (Some(institution_id), Some((first, last)), Some(measure)) = (q.institution_id, bounds, q.measure) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated query missing")));
    };
    let mut select = visit::Entity::find()
        .filter(scope::visits(actor))
        .filter(visit::Column::InstitutionId.eq(institution_id))
        .filter(visit::Column::ScheduledOn.between(first, last));
    select = match measure {
        DashboardMeasure::Missed => select.filter(visit::Column::State.eq(enum_to_db(&VisitState::Missed))),
        DashboardMeasure::Unscheduled => select.filter(visit::Column::Kind.eq(enum_to_db(&VisitKind::Unscheduled))),
        DashboardMeasure::OutsideGeofence => {
            select.filter(visit::Column::Exceptions.like(exception_pattern(ExceptionCode::OutsideGeofence)))
        }
        DashboardMeasure::ManuallyVerified => select
            .filter(visit::Column::State.eq(enum_to_db(&VisitState::Verified)))
            .filter(visit::Column::Id.in_subquery(corrected_visits())),
        DashboardMeasure::Corrected => select.filter(visit::Column::Id.in_subquery(corrected_visits())),
    };
    let select = select.order_by_asc(visit::Column::ScheduledOn).order_by_asc(visit::Column::Id);
    try_fetch_page(&state.db, select, page, crate::care::visits::view).await
}
