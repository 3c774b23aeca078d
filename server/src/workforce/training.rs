//! Training records of caregivers (培训记录) and the training programme's report: hours per
//! caregiver and per county. Hours are kept as whole tenths, so sums are exact.

use ltci_shared::messages as m;
use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use ltci_shared::api::workforce::{
    CaregiverStatus, CaregiverTrainingLine, CountyTrainingLine, Training, TrainingReport, TrainingReportQuery,
    TrainingRequest,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::caregivers::find_in_scope;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{caregiver, caregiver_training as tr, county, enum_from_db, enum_to_db};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::state::AppState;

/// The most hours one course record may carry.
const MAX_HOURS_TENTHS: i64 = 5_000;

fn hours(tenths: i64) -> Decimal {
    Decimal::new(tenths, 1)
}

/// Whole tenths of an hour, or why not.
fn tenths(h: Decimal) -> crate::http::error::Rule<i64> {
    let t = h * Decimal::TEN;
    if !t.fract().is_zero() {
        return Err(("too_precise", m::hours_precision()));
    }
    match t.to_i64() {
        Some(v) if v > 0 && v <= MAX_HOURS_TENTHS => Ok(v),
        _ => Err(("out_of_range", m::hours_range(MAX_HOURS_TENTHS / 10))),
    }
}

fn view(m: tr::Model) -> Training {
    Training {
        id: m.id,
        caregiver_id: m.caregiver_id,
        course: m.course,
        hours: hours(i64::from(m.hours_tenths)),
        completed_on: m.completed_on,
        provider: m.provider,
        certificate_number: m.certificate_number,
        recorded_at: m.recorded_at,
    }
}

fn optional_text(errors: &mut FieldErrors, field: &str, v: Option<&str>, max: usize) -> Option<String> {
    let v = v.map(str::trim).filter(|s| !s.is_empty())?;
    errors.take(field, check_text(v, max))
}

/// Total training tenths of each caregiver in `ids`.
pub(crate) async fn totals<C: ConnectionTrait>(db: &C, ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, i64>> {
    let rows = tr::Entity::find().filter(tr::Column::CaregiverId.is_in(ids)).all(db).await?;
    let mut out = HashMap::new();
    for r in rows {
        *out.entry(r.caregiver_id).or_insert(0) += i64::from(r.hours_tenths);
    }
    Ok(out)
}

/// Records a completed course. The same course on the same day is one record: a retry answers
/// 409 and adds no hours.
pub async fn add(state: &AppState, actor: &Actor, caregiver_id: Uuid, req: TrainingRequest) -> ApiResult<Training> {
    actor.require(Permission::ManageCaregivers)?;
    let mut errors = FieldErrors::new();
    let course = errors.take("course", check_text(&req.course, 200));
    let t = errors.take("hours", tenths(req.hours));
    let provider = optional_text(&mut errors, "provider", req.provider.as_deref(), 200);
    let certificate_number = optional_text(&mut errors, "certificate_number", req.certificate_number.as_deref(), 50);
    let txn = state.db.begin().await?;
    let cg = find_in_scope(&txn, actor, caregiver_id).await?;
    if req.completed_on > actor.today {
        errors.add("completed_on", "in_future", m::course_not_completed());
    }
    errors.finish()?;
    let (Some(course), Some(t)) = (course, t) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    let duplicate = || ApiError::conflict("course", m::course_already_recorded());
    let exists = tr::Entity::find()
        .filter(tr::Column::CaregiverId.eq(cg.id))
        .filter(tr::Column::Course.eq(&course))
        .filter(tr::Column::CompletedOn.eq(req.completed_on))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(duplicate());
    }
    let m = tr::ActiveModel {
        id: Set(Uuid::now_v7()),
        caregiver_id: Set(cg.id),
        course: Set(course),
        hours_tenths: Set(i32::try_from(t).unwrap_or(i32::MAX)),
        completed_on: Set(req.completed_on),
        provider: Set(provider),
        certificate_number: Set(certificate_number),
        recorded_by: Set(actor.user_id),
        recorded_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(unique_as(duplicate))?;
    audit::record(&txn, &AuditActor::from(actor), "caregiver.training", "caregiver", cg.id, &["trainings"]).await?;
    audit::commit(txn).await?;
    Ok(view(m))
}

/// A caregiver's training records, latest first.
pub async fn list(state: &AppState, actor: &Actor, caregiver_id: Uuid) -> ApiResult<Vec<Training>> {
    actor.require(Permission::ReadCaregivers)?;
    let cg = find_in_scope(&state.db, actor, caregiver_id).await?;
    let rows = tr::Entity::find()
        .filter(tr::Column::CaregiverId.eq(cg.id))
        .order_by_desc(tr::Column::CompletedOn)
        .order_by_asc(tr::Column::Id)
        .all(&state.db)
        .await?;
    Ok(rows.into_iter().map(view).collect())
}

/// Hours per active caregiver and per county for courses completed in `[from, to]`.
pub async fn report(state: &AppState, actor: &Actor, q: TrainingReportQuery) -> ApiResult<TrainingReport> {
    actor.require(Permission::ReadWorkforceReports)?;
    if q.to < q.from {
        return Err(ApiError::invalid_field("to", "before_start", m::period_ends_before_start()));
    }
    let mut cq = caregiver::Entity::find()
        .filter(scope::caregivers(actor))
        .filter(caregiver::Column::Status.eq(enum_to_db(&CaregiverStatus::Active)));
    if let Some(c) = q.county_id {
        cq = cq.filter(caregiver::Column::CountyId.eq(c));
    }
    let carers = cq.order_by_asc(caregiver::Column::Name).order_by_asc(caregiver::Column::Id).all(&state.db).await?;
    let sessions = tr::Entity::find()
        .filter(tr::Column::CaregiverId.is_in(carers.iter().map(|c| c.id).collect::<Vec<_>>()))
        .filter(tr::Column::CompletedOn.between(q.from, q.to))
        .all(&state.db)
        .await?;
    let mut per_carer: HashMap<Uuid, (u32, i64)> = HashMap::new();
    for s in &sessions {
        let e = per_carer.entry(s.caregiver_id).or_default();
        e.0 += 1;
        e.1 += i64::from(s.hours_tenths);
    }
    let mut cty = county::Entity::find().filter(county::Column::RegionId.eq(actor.region_id));
    if let Some(c) = q.county_id {
        cty = cty.filter(county::Column::Id.eq(c));
    }
    let counties = cty.order_by_asc(county::Column::Code).all(&state.db).await?;
    let order: HashMap<Uuid, usize> = counties.iter().enumerate().map(|(i, c)| (c.id, i)).collect();

    // (caregivers, trained, courses, tenths) per county
    let mut per_county: BTreeMap<usize, (u32, u32, u32, i64)> = BTreeMap::new();
    let mut lines = Vec::with_capacity(carers.len());
    for c in carers {
        let (courses, t) = per_carer.get(&c.id).copied().unwrap_or_default();
        let idx = order.get(&c.county_id).copied().unwrap_or(usize::MAX);
        let e = per_county.entry(idx).or_default();
        e.0 += 1;
        e.1 += u32::from(courses > 0);
        e.2 += courses;
        e.3 += t;
        lines.push((
            idx,
            CaregiverTrainingLine {
                caregiver_id: c.id,
                name: c.name,
                id_number: c.id_number_masked,
                institution_id: c.institution_id,
                county_id: c.county_id,
                qualification: enum_from_db(&c.qualification)?,
                courses,
                hours: hours(t),
            },
        ));
    }
    lines.sort_by_key(|(idx, _)| *idx);
    let counties = counties
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let (carers, trained, courses, t) = per_county.get(&i).copied().unwrap_or_default();
            let per = if carers == 0 {
                hours(0)
            } else {
                (hours(t) / Decimal::from(carers)).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
            };
            CountyTrainingLine {
                county_id: c.id,
                county_code: c.code,
                county_name: c.name,
                caregivers: carers,
                trained_caregivers: trained,
                courses,
                hours: hours(t),
                hours_per_caregiver: per,
            }
        })
        .collect();
    Ok(TrainingReport { from: q.from, to: q.to, counties, caregivers: lines.into_iter().map(|(_, l)| l).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_whole_tenths_within_range() {
        assert_eq!(tenths(Decimal::new(75, 1)), Ok(75));
        assert_eq!(tenths(Decimal::from(2)), Ok(20));
        assert_eq!(tenths(Decimal::new(125, 2)).map_err(|e| e.0), Err("too_precise"));
        assert_eq!(tenths(Decimal::ZERO).map_err(|e| e.0), Err("out_of_range"));
        assert_eq!(tenths(Decimal::from(-3)).map_err(|e| e.0), Err("out_of_range"));
        assert_eq!(tenths(Decimal::from(501)).map_err(|e| e.0), Err("out_of_range"));
        assert_eq!(tenths(Decimal::from(500)), Ok(5_000));
    }
}
