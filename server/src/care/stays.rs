//! Stays (入住 / 住院) in hospital nursing wards and care institutions: admission under a service
//! relation, discharge, and the daily charges institutions report in bulk each month. One
//! beneficiary is never in two beds on the same day.

use ltci_shared::messages as m;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::settlement::BillStatus;
use ltci_shared::api::stays::{
    AdmitRequest, ChargeReport, ChargeReportOutcome, ChargesQuery, DischargeRequest, MAX_CHARGES_PER_REPORT, Stay,
    StayCharge, StayFilter,
};
use ltci_shared::money::{positive_fen, to_yuan};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::plans::serving_institution;
use crate::assessment::certificates;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{
    bill, enum_from_db, enum_to_db, insured_person, service_relation as rel, stay, stay_charge as charge,
};
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::institutions::relations;
use crate::state::AppState;

/// The highest daily charge accepted: 10,000 yuan (anything above is a typing error).
const MAX_DAILY_FEN: i64 = 1_000_000;

/// Rows per multi-row insert of charges (6 columns: well under every bind-parameter limit).
const CHUNK: usize = 2000;

/// The first day a stay no longer occupies its bed (`None`: still in). Bed-days run from the
/// admission day up to the day before discharge; a same-day stay has one.
pub fn bed_days_end(admitted_on: NaiveDate, discharged_on: Option<NaiveDate>) -> Option<NaiveDate> {
    discharged_on.map(|d| d.max(admitted_on + Days::new(1)))
}

/// Whether `day` is a bed-day of a stay.
pub fn is_bed_day(admitted_on: NaiveDate, discharged_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    admitted_on <= day && bed_days_end(admitted_on, discharged_on).is_none_or(|end| day < end)
}

/// Stays with a bed-day on `on`.
fn present_on(on: NaiveDate) -> Condition {
    Condition::all().add(stay::Column::AdmittedOn.lte(on)).add(
        Condition::any()
            .add(stay::Column::DischargedOn.is_null())
            .add(stay::Column::DischargedOn.gt(on))
            .add(Condition::all().add(stay::Column::DischargedOn.eq(on)).add(stay::Column::AdmittedOn.eq(on))),
    )
}

pub(crate) fn view(m: stay::Model) -> ApiResult<Stay> {
    Ok(Stay {
        care_mode: enum_from_db(&m.care_mode)?,
        discharge_reason: m.discharge_reason.as_deref().map(enum_from_db).transpose()?,
        id: m.id,
        institution_id: m.institution_id,
        insured_person_id: m.insured_person_id,
        relation_id: m.relation_id,
        admitted_on: m.admitted_on,
        discharged_on: m.discharged_on,
    })
}

/// Admits a beneficiary: certified on the day, under an open service relation of the institution
/// in that mode, and in no other bed from that day on.
pub async fn admit(state: &AppState, actor: &Actor, req: AdmitRequest) -> ApiResult<Stay> {
    actor.require(Permission::ManageStays)?;
    let institution_id = serving_institution(actor, req.institution_id)?;
    if !req.care_mode.occupies_a_bed() {
        return Err(ApiError::invalid_field("care_mode", "not_a_stay_mode", m::not_a_stay_mode()));
    }
    if req.admitted_on > actor.today {
        return Err(ApiError::invalid_field("admitted_on", "in_future", m::admission_in_future()));
    }
    let txn = state.db.begin().await?;
    // Admissions of one person are made one at a time: the person's row is the lock.
    let person = insured_person::Entity::find_by_id(req.insured_person_id)
        .filter(insured_person::Column::RegionId.eq(actor.region_id))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::invalid_field("insured_person_id", "unknown_person", m::unknown_person()))?;
    if person.died_on.is_some_and(|d| d <= req.admitted_on) {
        return Err(ApiError::invalid_field("admitted_on", "deceased", m::died_before_admission()));
    }
    if certificates::in_force_for_person(&txn, person.id, req.admitted_on).await?.is_none() {
        return Err(ApiError::invalid_field("insured_person_id", "not_certified", m::not_certified_on_admission()));
    }
    let relation = rel::Entity::find()
        .filter(rel::Column::InsuredPersonId.eq(person.id))
        .filter(rel::Column::InstitutionId.eq(institution_id))
        .filter(rel::Column::CareMode.eq(enum_to_db(&req.care_mode)))
        .filter(relations::open_on(req.admitted_on))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            ApiError::invalid_field("insured_person_id", "no_service_relation", m::no_relation_on_admission())
        })?;
    // The new stay is open-ended: every stay still occupying a bed on or after the admission day
    // overlaps it, whichever institution it is in.
    let others = stay::Entity::find()
        .filter(stay::Column::InsuredPersonId.eq(person.id))
        .order_by_asc(stay::Column::AdmittedOn)
        .all(&txn)
        .await?;
    if let Some(o) =
        others.iter().find(|o| bed_days_end(o.admitted_on, o.discharged_on).is_none_or(|end| end > req.admitted_on))
    {
        let until = o.discharged_on.map_or_else(m::stay_still_in, m::stay_discharged_on);
        let place = if o.institution_id == institution_id { m::this_institution() } else { m::another_institution() };
        return Err(ApiError::conflict("admitted_on", m::stay_overlaps(place, o.admitted_on, until)));
    }
    let now = Utc::now();
    let m = stay::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        institution_id: Set(institution_id),
        insured_person_id: Set(person.id),
        relation_id: Set(relation.id),
        care_mode: Set(enum_to_db(&req.care_mode)),
        admitted_on: Set(req.admitted_on),
        discharged_on: Set(None),
        discharge_reason: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "stay.admit",
        "stay",
        m.id,
        &["insured_person_id", "institution_id", "care_mode", "admitted_on"],
    )
    .await?;
    audit::commit(txn).await?;
    view(m)
}

/// Ends a stay on `discharged_on`; the caller owns the transaction and has checked the actor.
/// Unless told otherwise (a reported death ends the stay whatever was charged), charges for days
/// after the new end refuse the discharge.
pub(crate) async fn close<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    m: stay::Model,
    req: &DischargeRequest,
    check_charges: bool,
) -> ApiResult<stay::Model> {
    if let Some(d) = m.discharged_on {
        return Err(ApiError::conflict("discharged_on", m::stay_ended_on(d)));
    }
    if req.discharged_on < m.admitted_on {
        return Err(ApiError::invalid_field("discharged_on", "before_admission", m::stay_ends_before_start()));
    }
    let end = bed_days_end(m.admitted_on, Some(req.discharged_on)).unwrap_or(req.discharged_on);
    let charged_later = if !check_charges {
        None
    } else {
        charge::Entity::find()
            .filter(charge::Column::StayId.eq(m.id))
            .filter(charge::Column::ServiceOn.gte(end))
            .order_by_asc(charge::Column::ServiceOn)
            .one(db)
            .await?
    };
    if let Some(c) = charged_later {
        return Err(ApiError::conflict("discharged_on", m::charge_after_discharge(c.service_on)));
    }
    let mut a: stay::ActiveModel = m.into();
    a.discharged_on = Set(Some(req.discharged_on));
    a.discharge_reason = Set(Some(enum_to_db(&req.reason)));
    a.updated_at = Set(Utc::now());
    let m = a.update(db).await?;
    audit::record(db, &AuditActor::from(actor), "stay.discharge", "stay", m.id, &["discharged_on", "discharge_reason"])
        .await?;
    Ok(m)
}

/// Discharges a beneficiary (the day they left and why).
pub async fn discharge(state: &AppState, actor: &Actor, id: Uuid, req: DischargeRequest) -> ApiResult<Stay> {
    actor.require(Permission::ManageStays)?;
    if req.discharged_on > actor.today {
        return Err(ApiError::invalid_field("discharged_on", "in_future", m::discharge_in_future()));
    }
    let txn = state.db.begin().await?;
    let m = stay::Entity::find_by_id(id)
        .filter(scope::stays(actor))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_stay()))?;
    let m = close(&txn, actor, m, &req, true).await?;
    audit::commit(txn).await?;
    view(m)
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Stay> {
    actor.require(Permission::ReadCare)?;
    view(find_in_scope(&state.db, actor, id).await?)
}

async fn find_in_scope<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<stay::Model> {
    stay::Entity::find_by_id(id)
        .filter(scope::stays(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_stay()))
}

/// Stays in scope, latest admission first.
pub async fn list(state: &AppState, actor: &Actor, filter: StayFilter, page: PageRequest) -> ApiResult<Page<Stay>> {
    actor.require(Permission::ReadCare)?;
    let mut q = stay::Entity::find().filter(scope::stays(actor));
    if let Some(p) = filter.insured_person_id {
        q = q.filter(stay::Column::InsuredPersonId.eq(p));
    }
    if let Some(i) = filter.institution_id {
        q = q.filter(stay::Column::InstitutionId.eq(i));
    }
    if let Some(on) = filter.present_on {
        q = q.filter(present_on(on));
    }
    if let Some(month) = filter.month.as_deref() {
        let (first, last) =
            month_bounds(month).ok_or_else(|| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
        q = q.filter(in_period(first, last));
    }
    let q = q.order_by_desc(stay::Column::AdmittedOn).order_by_asc(stay::Column::Id);
    try_fetch_page(&state.db, q, page, view).await
}

/// Stays with a bed-day in `first..=last`: admitted by its end, and not discharged before its
/// first day (a discharge on the first day leaves no bed-day, unless admitted that day too).
fn in_period(first: NaiveDate, last: NaiveDate) -> Condition {
    Condition::all().add(stay::Column::AdmittedOn.lte(last)).add(
        Condition::any()
            .add(stay::Column::DischargedOn.is_null())
            .add(stay::Column::DischargedOn.gt(first))
            .add(stay::Column::AdmittedOn.gte(first)),
    )
}

/// The stays in scope with a bed-day of `month` up to `through` (a past day) that has no charge
/// reported yet, and how many such days they have: the institution's reminder before the month's
/// bill. Two queries: the month's stays, and its charges counted per stay.
pub async fn uncharged_days(state: &AppState, actor: &Actor, month: &str, through: NaiveDate) -> ApiResult<(u64, u64)> {
    actor.require(Permission::ReadCare)?;
    let (first, last) =
        month_bounds(month).ok_or_else(|| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
    let last = last.min(through);
    if last < first {
        return Ok((0, 0));
    }
    let stays = stay::Entity::find().filter(scope::stays(actor)).filter(in_period(first, last)).all(&state.db).await?;
    let counted: Vec<(Uuid, i64)> = charge::Entity::find()
        .select_only()
        .column(charge::Column::StayId)
        .column_as(charge::Column::Id.count(), "n")
        .filter(charge::Column::StayId.is_in(stays.iter().map(|s| s.id)))
        .filter(charge::Column::ServiceOn.between(first, last))
        .group_by(charge::Column::StayId)
        .into_tuple()
        .all(&state.db)
        .await?;
    let charged: HashMap<Uuid, i64> = counted.into_iter().collect();
    let (mut stays_missing, mut days_missing) = (0, 0);
    for s in &stays {
        let from = s.admitted_on.max(first);
        let until =
            bed_days_end(s.admitted_on, s.discharged_on).map_or(last, |end| end.pred_opt().unwrap_or(end).min(last));
        let bed_days = if until < from { 0 } else { (until - from).num_days() + 1 };
        let missing = bed_days - charged.get(&s.id).copied().unwrap_or(0);
        if missing > 0 {
            stays_missing += 1;
            days_missing += u64::try_from(missing).unwrap_or(0);
        }
    }
    Ok((stays_missing, days_missing))
}

/// The charged bed-days of the stays `ids` (in scope) in a month, by stay and day: a month's
/// charges grid reads a page of stays' days in one query.
pub async fn charges_in_month(
    state: &AppState,
    actor: &Actor,
    ids: &[Uuid],
    month: &str,
) -> ApiResult<HashMap<(Uuid, NaiveDate), rust_decimal::Decimal>> {
    actor.require(Permission::ReadCare)?;
    let (first, last) =
        month_bounds(month).ok_or_else(|| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
    let in_scope = sea_orm::sea_query::Query::select()
        .column(stay::Column::Id)
        .from(stay::Entity)
        .cond_where(scope::stays(actor))
        .and_where(stay::Column::Id.is_in(ids.iter().copied()))
        .to_owned();
    Ok(charge::Entity::find()
        .filter(charge::Column::StayId.in_subquery(in_scope))
        .filter(charge::Column::ServiceOn.between(first, last))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| ((c.stay_id, c.service_on), to_yuan(c.amount_fen)))
        .collect())
}

/// The first and last day of a `YYYY-MM` month.
pub fn month_bounds(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    crate::fields::month(text).ok()
}

/// The charged bed-days of a stay, by day.
pub async fn charges(state: &AppState, actor: &Actor, id: Uuid, q: ChargesQuery) -> ApiResult<Vec<StayCharge>> {
    actor.require(Permission::ReadCare)?;
    let m = find_in_scope(&state.db, actor, id).await?;
    let mut select = charge::Entity::find().filter(charge::Column::StayId.eq(m.id));
    if let Some(month) = q.month.as_deref() {
        let (first, last) =
            month_bounds(month).ok_or_else(|| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
        select = select.filter(charge::Column::ServiceOn.between(first, last));
    }
    let rows = select.order_by_asc(charge::Column::ServiceOn).all(&state.db).await?;
    Ok(rows
        .into_iter()
        .map(|c| StayCharge { on: c.service_on, amount: to_yuan(c.amount_fen), reported_at: c.reported_at })
        .collect())
}

/// Records an institution's daily charges for a month: everything is checked first (every problem
/// keyed `charges[i].<field>`) and then written in one transaction, or nothing is.
pub async fn report_charges(state: &AppState, actor: &Actor, req: ChargeReport) -> ApiResult<ChargeReportOutcome> {
    actor.require(Permission::ManageStays)?;
    let institution_id = serving_institution(actor, req.institution_id)?;
    let (first, last) = month_bounds(&req.month)
        .ok_or_else(|| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
    if first > actor.today {
        return Err(ApiError::invalid_field("month", "in_future", m::charges_for_past_days()));
    }
    if req.charges.is_empty() {
        return Err(ApiError::invalid_field("charges", "required", m::charges_required()));
    }
    if req.charges.len() > MAX_CHARGES_PER_REPORT {
        return Err(ApiError::invalid_field("charges", "too_many", m::charges_too_many(MAX_CHARGES_PER_REPORT)));
    }
    let txn = state.db.begin().await?;
    // A month whose bill is submitted is closed: its bill stays as it was submitted. The bill's
    // row is the lock, so a submission and a report of the same month do not interleave.
    if let Some(b) = bill::Entity::find()
        .filter(bill::Column::InstitutionId.eq(institution_id))
        .filter(bill::Column::Month.eq(&req.month))
        .lock(LockType::Update)
        .one(&txn)
        .await?
        && b.status != enum_to_db(&BillStatus::Draft)
    {
        return Err(ApiError::conflict(
            "month",
            m::month_closed_for_charges(&req.month, enum_from_db::<BillStatus>(&b.status)?.text()),
        ));
    }
    let ids: Vec<Uuid> = req.charges.iter().map(|c| c.stay_id).collect::<HashSet<_>>().into_iter().collect();
    let stays: HashMap<Uuid, stay::Model> = stay::Entity::find()
        .filter(scope::stays(actor))
        .filter(stay::Column::InstitutionId.eq(institution_id))
        .filter(stay::Column::Id.is_in(ids.clone()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let person_ids: Vec<Uuid> = stays.values().map(|s| s.insured_person_id).collect();
    let died: HashMap<Uuid, NaiveDate> = insured_person::Entity::find()
        .filter(insured_person::Column::Id.is_in(person_ids))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|p| p.died_on.map(|d| (p.id, d)))
        .collect();

    let mut errors = FieldErrors::new();
    let mut lines: BTreeMap<(Uuid, NaiveDate), i64> = BTreeMap::new();
    for (i, c) in req.charges.iter().enumerate() {
        let field = |name: &str| format!("charges[{i}].{name}");
        let Some(s) = stays.get(&c.stay_id) else {
            errors.add(field("stay_id"), "unknown_stay", m::unknown_stay());
            continue;
        };
        if c.on < first || c.on > last {
            errors.add(field("on"), "not_in_month", m::report_is_for_month(&req.month));
        } else if c.on > actor.today {
            errors.add(field("on"), "in_future", m::day_not_yet_come());
        } else if !is_bed_day(s.admitted_on, s.discharged_on, c.on) {
            errors.add(field("on"), "not_a_bed_day", m::not_a_bed_day());
        } else if died.get(&s.insured_person_id).is_some_and(|d| c.on >= *d) {
            errors.add(field("on"), "after_death", m::person_had_died());
        }
        match positive_fen(c.amount) {
            Ok(fen) if fen <= MAX_DAILY_FEN => {
                if lines.insert((c.stay_id, c.on), fen).is_some() {
                    errors.add(field("on"), "duplicate_day", m::stay_day_on_earlier_line());
                }
            }
            Ok(_) => errors.add(field("amount"), "out_of_range", m::amount_above(to_yuan(MAX_DAILY_FEN))),
            Err(e) => errors.add(field("amount"), e.code(), e.text()),
        }
    }
    errors.finish()?;

    let before: HashMap<(Uuid, NaiveDate), charge::Model> = charge::Entity::find()
        .filter(charge::Column::StayId.is_in(ids))
        .filter(charge::Column::ServiceOn.between(first, last))
        .all(&txn)
        .await?
        .into_iter()
        .map(|c| ((c.stay_id, c.service_on), c))
        .collect();
    let now = Utc::now();
    let (mut fresh, mut changed, mut unchanged) = (Vec::new(), 0u32, 0u32);
    for ((stay_id, on), fen) in lines {
        match before.get(&(stay_id, on)) {
            None => fresh.push(charge::ActiveModel {
                id: Set(Uuid::now_v7()),
                stay_id: Set(stay_id),
                service_on: Set(on),
                amount_fen: Set(fen),
                reported_by: Set(actor.user_id),
                reported_at: Set(now),
            }),
            Some(old) if old.amount_fen == fen => unchanged += 1,
            Some(old) => {
                let mut a: charge::ActiveModel = old.clone().into();
                a.amount_fen = Set(fen);
                a.reported_by = Set(actor.user_id);
                a.reported_at = Set(now);
                a.update(&txn).await?;
                changed += 1;
            }
        }
    }
    let recorded = u32::try_from(fresh.len()).unwrap_or(u32::MAX);
    while !fresh.is_empty() {
        let rest = fresh.split_off(fresh.len().min(CHUNK));
        charge::Entity::insert_many(std::mem::replace(&mut fresh, rest))
            .exec(&txn)
            .await
            .map_err(unique_as(|| ApiError::conflict("charges", m::charges_raced())))?;
    }
    if recorded + changed > 0 {
        audit::record(
            &txn,
            &AuditActor::from(actor),
            "stay.charges_report",
            "institution",
            institution_id,
            &["month", "charges"],
        )
        .await?;
    }
    let month_total = month_total(&txn, institution_id, first, last).await?;
    audit::commit(txn).await?;
    Ok(ChargeReportOutcome { month: req.month, recorded, changed, unchanged, month_total: to_yuan(month_total) })
}

/// The sum of an institution's charges over `first..=last`, in fen (summed by the database).
async fn month_total<C: ConnectionTrait>(
    db: &C,
    institution_id: Uuid,
    first: NaiveDate,
    last: NaiveDate,
) -> ApiResult<i64> {
    let total: Option<Option<i64>> = charge::Entity::find()
        .select_only()
        .column_as(sea_orm::sea_query::Expr::cust("CAST(SUM(stay_charges.amount_fen) AS BIGINT)"), "total")
        .filter(charge::Column::ServiceOn.between(first, last))
        .filter(
            charge::Column::StayId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(stay::Column::Id)
                    .from(stay::Entity)
                    .and_where(stay::Column::InstitutionId.eq(institution_id))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn bed_days_run_from_admission_to_the_day_before_discharge() {
        let (a, b) = (d("2026-11-03"), Some(d("2026-11-05")));
        assert!(!is_bed_day(a, b, d("2026-11-02")));
        assert!(is_bed_day(a, b, d("2026-11-03")));
        assert!(is_bed_day(a, b, d("2026-11-04")));
        assert!(!is_bed_day(a, b, d("2026-11-05")), "the discharge day is the next stay's");
        assert!(is_bed_day(a, Some(a), a), "a same-day stay has one bed-day");
        assert!(!is_bed_day(a, Some(a), d("2026-11-04")));
        assert!(is_bed_day(a, None, d("2027-03-01")), "an open stay goes on");
    }

    #[test]
    fn months_are_year_dash_month() {
        assert_eq!(month_bounds("2026-02"), Some((d("2026-02-01"), d("2026-02-28"))));
        assert_eq!(month_bounds("2028-02"), Some((d("2028-02-01"), d("2028-02-29"))));
        assert_eq!(month_bounds("2026-12"), Some((d("2026-12-01"), d("2026-12-31"))));
        for bad in ["2026-13", "2026-1", "26-01", "2026/01", "", "2026-01-01"] {
            assert_eq!(month_bounds(bad), None, "{bad}");
        }
    }
}
