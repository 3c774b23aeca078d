//! Reading a region's month for the analysis: the checked-in home visits with their positions,
//! and what the database finds quicker than a walk over every bed-day — bed-days charged twice,
//! inside a hospital stay, after a death, on a visit's day — and each institution's activity in
//! the month and the six before it.

use std::collections::HashMap;

use chrono::{Months, NaiveDate, Timelike};
use chrono_tz::Tz;
use ltci_shared::api::care::{PlannedItem, Position, VisitEvent, VisitEventBody};
use ltci_shared::geo::Point;
use ltci_shared::policy::PolicyDocument;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryResult, QuerySelect, Statement, Value,
};
use uuid::Uuid;

use super::rules::{Activity, BedDay, Month, Visit};
use crate::entities::{caregiver, hospitalisation, institution, insured_person, visit, visit_event};
use crate::http::error::{ApiError, ApiResult};

/// Months before the analysed one that an institution is held against.
pub const HISTORY_MONTHS: u32 = 6;

/// Runs `sql` (written with `?` placeholders) on either database.
async fn rows<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<Value>) -> ApiResult<Vec<QueryResult>> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            let mut n = 0;
            sql.chars()
                .map(|c| match c {
                    '?' => {
                        n += 1;
                        format!("${n}")
                    }
                    c => c.to_string(),
                })
                .collect()
        }
        _ => sql.to_owned(),
    };
    Ok(db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?)
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, i: usize) -> ApiResult<T> {
    row.try_get_by_index(i).map_err(|e| ApiError::internal(anyhow::anyhow!("reading the analysis: {e}")))
}

/// A bed-day from the first four columns: stay, institution, beneficiary, day.
fn bed_day(row: &QueryResult) -> ApiResult<BedDay> {
    Ok(BedDay { stay_id: get(row, 0)?, institution_id: get(row, 1)?, person_id: get(row, 2)?, day: get(row, 3)? })
}

/// The charged bed-days, joined with their stays.
const CHARGES: &str = "FROM stay_charges c JOIN stays s ON s.id = c.stay_id";

/// Those of the region in the month.
const IN_MONTH: &str = "WHERE s.region_id = ? AND c.service_on >= ? AND c.service_on <= ?";

/// A bed-day's columns, as [`bed_day`] reads them.
const BED: &str = "s.id, s.institution_id, s.insured_person_id, c.service_on";

/// Reads the region's month `first..=last`; planned minutes and the policy's thresholds come from
/// `policy`.
pub async fn read<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    zone: Tz,
    month: &str,
    (first, last): (NaiveDate, NaiveDate),
    policy: Option<&PolicyDocument>,
) -> ApiResult<(Month, u64)> {
    let period = || vec![Value::from(region_id), Value::from(first), Value::from(last)];
    let mut m = Month { month: month.to_owned(), ..Default::default() };
    m.visits = visits(db, region_id, zone, (first, last), policy).await?;

    let twice = format!(
        "SELECT {BED} {CHARGES} {IN_MONTH} AND EXISTS (SELECT 1 FROM stay_charges c2 \
         JOIN stays s2 ON s2.id = c2.stay_id WHERE s2.insured_person_id = s.insured_person_id \
         AND c2.service_on = c.service_on AND s2.institution_id <> s.institution_id)"
    );
    for row in rows(db, &twice, period()).await? {
        m.billed_twice.push(bed_day(&row)?);
    }
    let visited = format!(
        "SELECT {BED}, v.id {CHARGES} JOIN visits v ON v.insured_person_id = s.insured_person_id \
         AND v.scheduled_on = c.service_on AND v.checked_in_at IS NOT NULL {IN_MONTH}"
    );
    for row in rows(db, &visited, period()).await? {
        m.visits_in_stay.push((get(&row, 4)?, bed_day(&row)?));
    }
    let in_hospital = format!(
        "SELECT {BED} {CHARGES} {IN_MONTH} AND EXISTS (SELECT 1 FROM hospitalisations h \
         WHERE h.insured_person_id = s.insured_person_id AND h.admitted_on IS NOT NULL \
         AND h.admitted_on < c.service_on AND (h.discharged_on IS NULL OR c.service_on < h.discharged_on))"
    );
    for row in rows(db, &in_hospital, period()).await? {
        m.beds_in_hospital.push(bed_day(&row)?);
    }
    let after_death = format!(
        "SELECT {BED}, p.died_on {CHARGES} JOIN insured_persons p ON p.id = s.insured_person_id {IN_MONTH} \
         AND p.died_on IS NOT NULL AND p.died_on < c.service_on"
    );
    for row in rows(db, &after_death, period()).await? {
        m.beds_after_death.push((bed_day(&row)?, get(&row, 4)?));
    }

    // The region's hospital stays overlapping the month (no list of persons: a city's is longer
    // than a statement may bind).
    for h in hospitalisation::Entity::find()
        .filter(hospitalisation::Column::RegionId.eq(region_id))
        .filter(hospitalisation::Column::AdmittedOn.lte(last))
        .filter(
            sea_orm::Condition::any()
                .add(hospitalisation::Column::DischargedOn.is_null())
                .add(hospitalisation::Column::DischargedOn.gte(first)),
        )
        .all(db)
        .await?
    {
        m.hospital.entry(h.insured_person_id).or_default().push((h.admitted_on, h.discharged_on));
    }

    let mut bed_days = 0;
    for back in 0..=HISTORY_MONTHS {
        let (Some(from), Some(to)) = (first.checked_sub_months(Months::new(back)), month_end(first, back)) else {
            continue;
        };
        let values = || vec![Value::from(region_id), Value::from(from), Value::from(to)];
        let charged = format!(
            "SELECT s.institution_id, COUNT(*), COUNT(DISTINCT s.insured_person_id) {CHARGES} {IN_MONTH} \
             GROUP BY s.institution_id"
        );
        let charged = rows(db, &charged, values()).await?;
        let visited = rows(
            db,
            "SELECT institution_id, COUNT(*), COUNT(DISTINCT insured_person_id) FROM visits \
             WHERE region_id = ? AND scheduled_on >= ? AND scheduled_on <= ? AND checked_in_at IS NOT NULL \
             GROUP BY institution_id",
            values(),
        )
        .await?;
        for row in charged.iter().chain(&visited) {
            let (services, persons): (i64, i64) = (get(row, 1)?, get(row, 2)?);
            m.activity.push(Activity {
                institution_id: get(row, 0)?,
                months_back: back,
                services: services.max(0) as u64,
                persons: persons.max(0) as u64,
            });
        }
        if back == 0 {
            bed_days = charged.iter().map(|r| get::<i64>(r, 1).unwrap_or(0).max(0) as u64).sum();
        }
    }
    for (id, kind, name) in institution::Entity::find()
        .select_only()
        .column(institution::Column::Id)
        .column(institution::Column::Kind)
        .column(institution::Column::Name)
        .filter(institution::Column::RegionId.eq(region_id))
        .into_tuple::<(Uuid, Option<String>, String)>()
        .all(db)
        .await?
    {
        m.institutions.insert(id, (kind.unwrap_or_default(), name));
    }
    Ok((m, bed_days))
}

/// The last day of the month `back` months before the one starting `first`.
fn month_end(first: NaiveDate, back: u32) -> Option<NaiveDate> {
    first.checked_sub_months(Months::new(back))?.checked_add_months(Months::new(1))?.pred_opt()
}

/// The checked-in home visits of the month, with check-in and check-out positions, the
/// caregiver as a person, the beneficiary's home and the planned minimum minutes.
async fn visits<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    zone: Tz,
    (first, last): (NaiveDate, NaiveDate),
    policy: Option<&PolicyDocument>,
) -> ApiResult<Vec<Visit>> {
    let of_month = Query::select()
        .column(visit::Column::Id)
        .from(visit::Entity)
        .and_where(visit::Column::RegionId.eq(region_id))
        .and_where(visit::Column::ScheduledOn.between(first, last))
        .and_where(visit::Column::CheckedInAt.is_not_null())
        .to_owned();
    let rows = visit::Entity::find().filter(visit::Column::Id.in_subquery(of_month.clone())).all(db).await?;
    let mut positions: HashMap<Uuid, (Option<Point>, Option<Point>)> = HashMap::new();
    let events = visit_event::Entity::find()
        .filter(visit_event::Column::VisitId.in_subquery(of_month))
        .filter(visit_event::Column::Kind.is_in(["check_in", "check_out"]))
        .all(db)
        .await?;
    for e in events {
        let Ok(event) = serde_json::from_str::<VisitEvent>(&e.body) else { continue };
        let point = |p: &Position| match p {
            Position::Gps { latitude, longitude, .. } => Some(Point { latitude: *latitude, longitude: *longitude }),
            Position::Unavailable { .. } => None,
        };
        let slot = positions.entry(e.visit_id).or_default();
        match &event.body {
            VisitEventBody::CheckIn { position, .. } => slot.0 = point(position),
            VisitEventBody::CheckOut { position, .. } => slot.1 = point(position),
            _ => {}
        }
    }
    let carers: HashMap<Uuid, String> = caregiver::Entity::find()
        .select_only()
        .column(caregiver::Column::Id)
        .column(caregiver::Column::IdNumberHash)
        .filter(caregiver::Column::RegionId.eq(region_id))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let homes: HashMap<Uuid, Point> = insured_person::Entity::find()
        .select_only()
        .column(insured_person::Column::Id)
        .column(insured_person::Column::Latitude)
        .column(insured_person::Column::Longitude)
        .filter(insured_person::Column::RegionId.eq(region_id))
        .filter(insured_person::Column::Latitude.is_not_null())
        .into_tuple::<(Uuid, Option<f64>, Option<f64>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, lat, lon)| Some((id, Point { latitude: lat?, longitude: lon? })))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for v in rows {
        let Some(check_in) = v.checked_in_at else { continue };
        let planned: Vec<PlannedItem> = serde_json::from_str(&v.planned_items).unwrap_or_default();
        let min_minutes = policy.map_or(0, |p| {
            planned.iter().filter_map(|i| p.item(&i.code).map(|c| c.min_minutes * i.times)).sum::<u32>()
        });
        let local = check_in.with_timezone(&zone);
        let (in_at, out_at) = positions.get(&v.id).copied().unwrap_or_default();
        out.push(Visit {
            id: v.id,
            institution_id: v.institution_id,
            caregiver_id: v.caregiver_id,
            carer: carers.get(&v.caregiver_id).cloned().unwrap_or_else(|| v.caregiver_id.to_string()),
            person_id: v.insured_person_id,
            day: v.scheduled_on,
            check_in,
            check_out: v.checked_out_at,
            local_day: local.date_naive(),
            local_minute: local.hour() * 60 + local.minute(),
            in_at,
            out_at,
            home: homes.get(&v.insured_person_id).copied(),
            min_minutes,
        });
    }
    Ok(out)
}
