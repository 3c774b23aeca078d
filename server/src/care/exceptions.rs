//! The exception queue of home visits (异常处理队列), as electronic visit verification systems keep
//! it: visits waiting for review, missed check-ins, missed check-outs and unscheduled visits that
//! matched no scheduled one — computed from the schedule and the events as of now, so no
//! background job is needed. Each item is worked with a correction (`events::correct`), which
//! records who, when, the reason and the resolution and never deletes an event.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use ltci_shared::api::care::{ExceptionQueue, QueueCount, QueueItem, QueueKind, QueueQuery, VisitKind, VisitState};
use ltci_shared::policy::Monitoring;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

use super::visits;
use crate::auth::{Actor, Permission, scope};
use crate::entities::{enum_to_db, visit};
use crate::http::error::ApiResult;
use crate::http::pagination::PageRequest;
use crate::policy::service as policy;
use crate::state::AppState;

/// Days looked back: the month being billed and the one before it.
pub const WINDOW_DAYS: u64 = 62;

/// What decides when a visit becomes an item: now, the region's zone and the policy's hours.
struct Clock {
    now: DateTime<Utc>,
    zone: Tz,
    from: NaiveDate,
    /// The last day whose visits, still without a check-in, are missed by now.
    missed_through: Option<NaiveDate>,
    grace: Duration,
    check_out_after: Duration,
}

impl Clock {
    /// When a visit of `day` with no check-in became missed: the end of its day plus the grace.
    fn missed_since(&self, day: NaiveDate) -> DateTime<Utc> {
        let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
        let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
        let local = self.zone.from_local_datetime(&midnight).earliest().map(|t| t.with_timezone(&Utc));
        local.unwrap_or_else(|| Utc.from_utc_datetime(&midnight)) + self.grace
    }
}

async fn clock(state: &AppState, actor: &Actor) -> ApiResult<Clock> {
    let now = Utc::now();
    let zone = state.time_zones.zone(&state.db, actor.region_id).await?;
    let monitoring = policy::in_force_document(&state.db, actor.region_id, actor.today)
        .await?
        .map(|d| d.monitoring)
        .unwrap_or_else(|| Monitoring {
            geofence_radius_m: 0,
            duration_tolerance_pct: 0,
            max_travel_speed_kmh: 0,
            missed_check_in_grace_hours: 2,
            missed_check_out_hours: 4,
            analysis: Default::default(),
            before: Default::default(),
            during: Default::default(),
        });
    let grace = Duration::hours(i64::from(monitoring.missed_check_in_grace_hours));
    // Day D is missed once now ≥ (D + 1) 00:00 local + grace, i.e. D ≤ (now − grace, local) − 1.
    let local_then = (now - grace).with_timezone(&zone).date_naive();
    let missed_through = local_then.checked_sub_days(Days::new(1));
    Ok(Clock {
        now,
        zone,
        from: actor.today.checked_sub_days(Days::new(WINDOW_DAYS)).unwrap_or(actor.today),
        missed_through,
        grace,
        check_out_after: Duration::hours(i64::from(monitoring.missed_check_out_hours)),
    })
}

/// The visits of one kind in scope (unmatched ones before the same-day check, see [`unmatched`]).
fn select(actor: &Actor, c: &Clock, kind: QueueKind, caregiver: Option<Uuid>) -> Option<Select<visit::Entity>> {
    let mut q = visit::Entity::find().filter(scope::visits(actor)).filter(visit::Column::ScheduledOn.gte(c.from));
    if let Some(id) = caregiver {
        q = q.filter(visit::Column::CaregiverId.eq(id));
    }
    let state = |s: VisitState| visit::Column::State.eq(enum_to_db(&s));
    Some(
        match kind {
            QueueKind::NeedsReview => {
                q.filter(state(VisitState::NeedsReview)).order_by_asc(visit::Column::CheckedOutAt)
            }
            QueueKind::MissedCheckIn => q
                .filter(state(VisitState::Scheduled))
                .filter(visit::Column::ScheduledOn.lte(c.missed_through?))
                .order_by_asc(visit::Column::ScheduledOn),
            QueueKind::MissedCheckOut => q
                .filter(state(VisitState::InProgress))
                .filter(visit::Column::CheckedInAt.lte(c.now - c.check_out_after))
                .order_by_asc(visit::Column::CheckedInAt),
            QueueKind::Unmatched => q
                .filter(visit::Column::Kind.eq(enum_to_db(&VisitKind::Unscheduled)))
                .filter(visit::Column::State.ne(enum_to_db(&VisitState::Rejected)))
                .filter(Expr::exists(same_day_undelivered()))
                .order_by_asc(visit::Column::CreatedAt),
        }
        .order_by_asc(visit::Column::Id),
    )
}

/// A scheduled visit of the same person and day that nobody checked into (for [`select`]'s
/// unmatched kind: `EXISTS (…)` correlated on the outer visit).
fn same_day_undelivered() -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Alias, Query};
    let s = Alias::new("s");
    Query::select()
        .expr(Expr::val(1))
        .from_as(visit::Entity, s.clone())
        .and_where(
            Expr::col((s.clone(), visit::Column::InsuredPersonId))
                .equals((visit::Entity, visit::Column::InsuredPersonId)),
        )
        .and_where(
            Expr::col((s.clone(), visit::Column::ScheduledOn)).equals((visit::Entity, visit::Column::ScheduledOn)),
        )
        .and_where(Expr::col((s.clone(), visit::Column::Kind)).eq(enum_to_db(&VisitKind::Scheduled)))
        .and_where(Expr::col((s, visit::Column::State)).eq(enum_to_db(&VisitState::Scheduled)))
        .to_owned()
}

/// For each unmatched visit, the undelivered scheduled visit of its person and day (one query).
async fn scheduled_twins(state: &AppState, rows: &[visit::Model]) -> ApiResult<HashMap<Uuid, Uuid>> {
    let persons: HashSet<Uuid> = rows.iter().map(|v| v.insured_person_id).collect();
    let days: HashSet<NaiveDate> = rows.iter().map(|v| v.scheduled_on).collect();
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let twins = visit::Entity::find()
        .filter(visit::Column::InsuredPersonId.is_in(persons))
        .filter(visit::Column::ScheduledOn.is_in(days))
        .filter(visit::Column::Kind.eq(enum_to_db(&VisitKind::Scheduled)))
        .filter(visit::Column::State.eq(enum_to_db(&VisitState::Scheduled)))
        .all(&state.db)
        .await?;
    let by_day: HashMap<(Uuid, NaiveDate), Uuid> =
        twins.into_iter().map(|t| ((t.insured_person_id, t.scheduled_on), t.id)).collect();
    Ok(rows.iter().filter_map(|v| by_day.get(&(v.insured_person_id, v.scheduled_on)).map(|t| (v.id, *t))).collect())
}

fn since(c: &Clock, kind: QueueKind, v: &visit::Model) -> DateTime<Utc> {
    match kind {
        QueueKind::NeedsReview => v.checked_out_at.unwrap_or(v.updated_at),
        QueueKind::MissedCheckIn => c.missed_since(v.scheduled_on),
        QueueKind::MissedCheckOut => v.checked_in_at.map_or(v.updated_at, |t| t + c.check_out_after),
        QueueKind::Unmatched => v.created_at,
    }
}

/// The queue as of now: every kind counted, one page of `kind`'s items, oldest first.
pub async fn queue(state: &AppState, actor: &Actor, q: QueueQuery, page: PageRequest) -> ApiResult<ExceptionQueue> {
    actor.require(Permission::ReadCare)?;
    let c = clock(state, actor).await?;
    let mut counts = Vec::with_capacity(QueueKind::ALL.len());
    for kind in QueueKind::ALL {
        let count = match select(actor, &c, kind, q.caregiver_id) {
            Some(s) => s.count(&state.db).await?,
            None => 0,
        };
        counts.push(QueueCount { kind, count });
    }
    let kind = q.kind.unwrap_or(QueueKind::NeedsReview);
    let total = counts.iter().find(|n| n.kind == kind).map_or(0, |n| n.count);
    let rows = match select(actor, &c, kind, q.caregiver_id) {
        Some(s) => s.limit(page.limit).offset(page.offset).all(&state.db).await?,
        None => Vec::new(),
    };
    let twins = if kind == QueueKind::Unmatched { scheduled_twins(state, &rows).await? } else { HashMap::new() };
    let mut items = Vec::with_capacity(rows.len());
    for v in rows {
        let since = since(&c, kind, &v);
        let age_hours = u32::try_from(Ord::max((c.now - since).num_hours(), 0)).unwrap_or(u32::MAX);
        let scheduled_visit_id = twins.get(&v.id).copied();
        items.push(QueueItem { kind, since, age_hours, scheduled_visit_id, visit: visits::view(v)? });
    }
    Ok(ExceptionQueue { from: c.from, counts, kind, items, total, limit: page.limit, offset: page.offset })
}
