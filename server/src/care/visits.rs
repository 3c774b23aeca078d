//! Reading visits: one visit, lists for institutions, auditors and caregivers, and a visit's
//! event history.

use ltci_shared::Page;
use ltci_shared::api::care::{
    PlannedItem, RecordedEvent, UnscheduledReason, Visit, VisitEvent, VisitFilter, VisitKind, VisitState,
};
use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::auth::{Actor, Permission, scope};
use crate::entities::{enum_from_db, enum_to_db, visit, visit_event};
use crate::http::error::{ApiError, ApiResult};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::state::AppState;

fn json<T: serde::de::DeserializeOwned>(id: Uuid, what: &str, raw: &str) -> ApiResult<T> {
    serde_json::from_str(raw).map_err(|e| ApiError::internal(anyhow::anyhow!("visit {id} {what}: {e}")))
}

/// Who, whom and when of a visit about to be created.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub insured_person_id: Uuid,
    pub caregiver_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub scheduled_on: chrono::NaiveDate,
}

impl NewVisit {
    /// The row of a scheduled visit: one per plan and day (its `schedule_key`).
    pub fn scheduled(self, items: &[PlannedItem]) -> ApiResult<visit::ActiveModel> {
        let key = self.plan_id.map(|p| format!("{p}/{}", self.scheduled_on));
        let items = serde_json::to_string(items).map_err(ApiError::internal)?;
        Ok(self.row(VisitKind::Scheduled, key, items, None))
    }

    /// The row of an unscheduled visit started on the phone.
    pub fn unscheduled(self, reason: UnscheduledReason) -> visit::ActiveModel {
        self.row(VisitKind::Unscheduled, None, "[]".into(), Some(enum_to_db(&reason)))
    }

    fn row(self, kind: VisitKind, key: Option<String>, items: String, reason: Option<String>) -> visit::ActiveModel {
        let now = chrono::Utc::now();
        visit::ActiveModel {
            id: Set(self.id),
            region_id: Set(self.region_id),
            institution_id: Set(self.institution_id),
            insured_person_id: Set(self.insured_person_id),
            caregiver_id: Set(self.caregiver_id),
            plan_id: Set(self.plan_id),
            kind: Set(enum_to_db(&kind)),
            scheduled_on: Set(self.scheduled_on),
            schedule_key: Set(key),
            planned_items: Set(items),
            unscheduled_reason: Set(reason),
            state: Set(enum_to_db(&VisitState::Scheduled)),
            checked_in_at: Set(None),
            checked_out_at: Set(None),
            tasks: Set("[]".into()),
            exceptions: Set("[]".into()),
            event_count: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
        }
    }
}

/// The findings with their messages in the reader's language (they are stored in the
/// catalogue's form).
fn readable(
    mut exceptions: Vec<ltci_shared::api::care::VisitException>,
) -> Vec<ltci_shared::api::care::VisitException> {
    let lang = crate::language::current();
    for e in &mut exceptions {
        e.message = ltci_shared::text::Text::from_stored(&e.message).render(lang);
    }
    exceptions
}

pub(crate) fn view(m: visit::Model) -> ApiResult<Visit> {
    Ok(Visit {
        kind: enum_from_db(&m.kind)?,
        state: enum_from_db(&m.state)?,
        unscheduled_reason: m.unscheduled_reason.as_deref().map(enum_from_db).transpose()?,
        planned_items: json(m.id, "planned items", &m.planned_items)?,
        tasks: json(m.id, "tasks", &m.tasks)?,
        exceptions: readable(json(m.id, "exceptions", &m.exceptions)?),
        events: u32::try_from(m.event_count).unwrap_or(0),
        id: m.id,
        plan_id: m.plan_id,
        institution_id: m.institution_id,
        insured_person_id: m.insured_person_id,
        caregiver_id: m.caregiver_id,
        scheduled_on: m.scheduled_on,
        checked_in_at: m.checked_in_at,
        checked_out_at: m.checked_out_at,
        updated_at: m.updated_at,
    })
}

pub(crate) async fn find_in_scope<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<visit::Model> {
    visit::Entity::find_by_id(id)
        .filter(scope::visits(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_visit()))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Visit> {
    actor.require(Permission::ReadCare)?;
    view(find_in_scope(&state.db, actor, id).await?)
}

/// Visits in scope by service day, then id.
pub async fn list(state: &AppState, actor: &Actor, f: VisitFilter, page: PageRequest) -> ApiResult<Page<Visit>> {
    actor.require(Permission::ReadCare)?;
    let mut q = visit::Entity::find().filter(scope::visits(actor));
    if let Some(c) = f.caregiver_id {
        q = q.filter(visit::Column::CaregiverId.eq(c));
    }
    if let Some(p) = f.insured_person_id {
        q = q.filter(visit::Column::InsuredPersonId.eq(p));
    }
    if let Some(s) = f.state {
        q = q.filter(visit::Column::State.eq(enum_to_db(&s)));
    }
    if let Some(d) = f.from {
        q = q.filter(visit::Column::ScheduledOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(visit::Column::ScheduledOn.lte(d));
    }
    let q = q.order_by_asc(visit::Column::ScheduledOn).order_by_asc(visit::Column::Id);
    try_fetch_page(&state.db, q, page, view).await
}

/// The visits of `day` in scope counted per caregiver and state (the institution's home page: the
/// day's work at a glance), one grouped query.
pub async fn day_by_caregiver(
    state: &AppState,
    actor: &Actor,
    day: chrono::NaiveDate,
) -> ApiResult<Vec<(Uuid, VisitState, u64)>> {
    use sea_orm::QuerySelect;
    actor.require(Permission::ReadCare)?;
    let rows: Vec<(Uuid, String, i64)> = visit::Entity::find()
        .select_only()
        .column(visit::Column::CaregiverId)
        .column(visit::Column::State)
        .column_as(visit::Column::Id.count(), "n")
        .filter(scope::visits(actor))
        .filter(visit::Column::ScheduledOn.eq(day))
        .group_by(visit::Column::CaregiverId)
        .group_by(visit::Column::State)
        .into_tuple()
        .all(&state.db)
        .await?;
    rows.into_iter().map(|(c, s, n)| Ok((c, enum_from_db(&s)?, u64::try_from(n).unwrap_or(0)))).collect()
}

/// The stored events of a visit, in the order the server received them.
pub(crate) async fn stored_events<C: ConnectionTrait>(
    db: &C,
    visit_id: Uuid,
) -> ApiResult<Vec<(visit_event::Model, VisitEvent)>> {
    let rows = visit_event::Entity::find()
        .filter(visit_event::Column::VisitId.eq(visit_id))
        .order_by_asc(visit_event::Column::ReceivedAt)
        .order_by_asc(visit_event::Column::Id)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|m| {
            let e: VisitEvent = json(visit_id, "event", &m.body)?;
            Ok((m, e))
        })
        .collect()
}

/// A visit's whole history: every event as recorded, corrections included.
pub async fn events(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Vec<RecordedEvent>> {
    actor.require(Permission::ReadCare)?;
    let v = find_in_scope(&state.db, actor, id).await?;
    Ok(stored_events(&state.db, v.id)
        .await?
        .into_iter()
        .map(|(m, e)| RecordedEvent {
            id: m.id,
            visit_id: m.visit_id,
            body: e.body,
            recorded_by: m.recorded_by,
            device_id: m.device_id,
            received_at: m.received_at,
        })
        .collect())
}
