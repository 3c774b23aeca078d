//! Applying visit events exactly once: a phone's batch (`POST /sync/events`) and staff
//! corrections. Each event is checked, stored under its UUID in its own transaction, and the
//! visit's state is derived again from all its events (verified at check-out).

use ltci_shared::messages as m;
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, Utc};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{
    BatchOutcome, CorrectionRequest, EventBatch, EventError, EventOutcome, EventResult, ExceptionCode,
    NotDeliveredReason, PlanItem, PlannedItem, Position, ResolutionCode, Severity, TaskResult, UnscheduledVisit, Visit,
    VisitEvent, VisitEventBody, VisitException, VisitKind, VisitState,
};
use ltci_shared::api::workforce::{CaregiverQualification, CaregiverStatus};
use ltci_shared::error::codes;
use ltci_shared::geo::{self, Point};
use ltci_shared::text::Text;
use ltci_shared::visit as fold;
use sea_orm::sea_query::{LockType, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::group_commit::{Job, Prepared};
use super::verify::{self, Facts};
use super::{during, partners, plans, visits};
use crate::assessment::certificates;
use crate::auth::actor::Bearer;
use crate::auth::{Actor, Permission};
use crate::entities::{
    care_plan, caregiver, caregiver_assignment as asg, enum_from_db, enum_to_db, insured_person, visit, visit_event,
};
use crate::http::error::{ApiError, ApiResult, unique_as};
use crate::policy::service as policy;
use crate::state::AppState;

/// The most events one batch may carry.
pub const MAX_BATCH: usize = 500;

/// Who sends an event: the caregiver of the visit (from the phone) or staff (corrections).
#[derive(Debug, Clone, Copy)]
enum Author<'a> {
    Caregiver(&'a caregiver::Model),
    Staff,
}

/// A refused event, its message in the language of the request.
fn refusal(code: &str, field: Option<&str>, message: Text) -> EventError {
    let lang = crate::language::current();
    EventError { code: code.into(), field: field.map(str::to_owned), message: message.render(lang) }
}

fn rejected(id: Uuid, error: EventError) -> EventResult {
    EventResult { id, outcome: EventOutcome::Rejected, replay: false, visit_state: None, error: Some(error) }
}

fn applied(id: Uuid, state: VisitState, replay: bool) -> EventResult {
    EventResult { id, outcome: EventOutcome::Applied, replay, visit_state: Some(state), error: None }
}

/// The caregiver record behind a caregiver's account.
pub(crate) async fn own_caregiver(state: &AppState, actor: &Actor) -> ApiResult<caregiver::Model> {
    actor.require(Permission::RecordVisits)?;
    caregiver::Entity::find()
        .filter(caregiver::Column::UserId.eq(actor.user_id))
        .filter(caregiver::Column::Status.eq(enum_to_db(&CaregiverStatus::Active)))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::forbidden)
}

/// Applies a phone's batch, each event on its own: one refused event does not hold back the
/// others, and sending the batch again changes nothing. When every event passes the checks made
/// without the database, the batch joins other phones' in a group commit, which also checks the
/// account and caregiver record; otherwise (or when the group cannot take it) the actor is loaded
/// and the events applied one by one.
pub async fn apply_batch(state: &AppState, bearer: &Bearer, batch: EventBatch) -> ApiResult<BatchOutcome> {
    let device = batch.device_id.trim();
    if device.is_empty() || device.chars().count() > 64 {
        return Err(ApiError::invalid_field("device_id", "invalid_format", m::characters_between(1, 64)));
    }
    if batch.events.len() > MAX_BATCH {
        return Err(ApiError::invalid_field("events", "too_many", m::too_many_events(MAX_BATCH)));
    }
    if !batch.events.is_empty() && batch.events.iter().all(|e| check_body(&e.body, false).is_ok()) {
        let events = batch.events.iter().cloned().map(prepare).collect::<ApiResult<Vec<_>>>()?;
        let job = Job {
            user_id: bearer.user_id,
            session_id: bearer.session_id,
            lang: crate::language::current(),
            device: device.to_owned(),
            events,
        };
        if let Some(results) = state.visit_writes.submit(state, job).await {
            return Ok(BatchOutcome { results });
        }
    }
    let actor = bearer.actor(state).await?;
    Ok(BatchOutcome { results: apply_as_caregiver(state, &actor, device, batch.events).await? })
}

/// Applies a caregiver's events one by one, each in its own transaction, as a batch that could
/// not join a group is (and as the demo records its caregiver's past visits).
pub async fn apply_as_caregiver(
    state: &AppState,
    actor: &Actor,
    device: &str,
    events: Vec<VisitEvent>,
) -> ApiResult<Vec<EventResult>> {
    let cg = own_caregiver(state, actor).await?;
    let mut results = Vec::with_capacity(events.len());
    for event in events {
        results.push(apply(state, actor, Author::Caregiver(&cg), device, event).await?);
    }
    Ok(results)
}

/// An event serialised as it is stored, with the SHA-256 that tells a retry from a reused id.
pub(crate) fn prepare(event: VisitEvent) -> ApiResult<Prepared> {
    let canonical = serde_json::to_string(&event).map_err(ApiError::internal)?;
    let sha256 = crate::digest::sha256_hex(&canonical);
    Ok(Prepared { event, canonical, sha256 })
}

/// Records a correction by institution staff or the agency; the same correction id again is a
/// no-op. A refused correction is a 422 naming the field.
pub async fn correct(state: &AppState, actor: &Actor, visit_id: Uuid, req: CorrectionRequest) -> ApiResult<Visit> {
    actor.require(Permission::ReviewVisits)?;
    visits::find_in_scope(&state.db, actor, visit_id).await?;
    // A correction sent again keeps the time it was first recorded at, so it is the same event.
    let first_recorded = match visit_event::Entity::find_by_id(req.id).one(&state.db).await? {
        Some(e) => Some(serde_json::from_str::<VisitEvent>(&e.body).map_err(ApiError::internal)?.body.at()),
        None => None,
    };
    let event = VisitEvent {
        id: req.id,
        visit_id,
        unscheduled: None,
        body: VisitEventBody::Correction {
            at: first_recorded.unwrap_or_else(Utc::now),
            reason: req.reason,
            exception: req.exception,
            resolution: req.resolution,
            check_in_at: req.check_in_at,
            check_out_at: req.check_out_at,
            note: req.note,
            not_delivered: req.not_delivered,
            replaced_by: req.replaced_by,
        },
    };
    let result = apply(state, actor, Author::Staff, "web", event).await?;
    match (result.outcome, result.error) {
        (EventOutcome::Applied, _) => visits::get(state, actor, visit_id).await,
        (EventOutcome::Conflict, _) => Err(ApiError::conflict("id", m::correction_id_reused())),
        (_, Some(e)) => {
            let field = e.field.unwrap_or_else(|| "id".into());
            Err(ApiError::invalid_field(&field, &e.code, m::verbatim(e.message)))
        }
        (_, None) => Err(ApiError::internal(anyhow::anyhow!("correction refused without a reason"))),
    }
}

/// Checks an event on its own, before looking at the database (`by_staff`: a correction).
fn check_body(body: &VisitEventBody, by_staff: bool) -> Result<(), EventError> {
    let position_ok = |p: &Position| match p {
        Position::Gps { latitude, longitude, accuracy_m, .. } => {
            geo::valid(*latitude, *longitude) && accuracy_m.is_finite() && (0.0..=10_000.0).contains(accuracy_m)
        }
        Position::Unavailable { .. } => true,
    };
    let note_ok = |t: &str| (1..=500).contains(&t.trim().chars().count());
    match body {
        VisitEventBody::CheckIn { position, .. } | VisitEventBody::CheckOut { position, .. } => {
            if !position_ok(position) {
                return Err(refusal("invalid_position", Some("position"), m::invalid_position()));
            }
        }
        VisitEventBody::Task { item, done, reason, .. } => {
            if item.is_empty() || item.len() > 16 {
                return Err(refusal("invalid_format", Some("item"), m::catalogue_code_format()));
            }
            if !done && reason.is_none() {
                return Err(refusal("reason_required", Some("reason"), m::task_reason_required()));
            }
            if *done && reason.is_some() {
                return Err(refusal("not_allowed", Some("reason"), m::task_reason_not_allowed()));
            }
        }
        VisitEventBody::Note { text, .. } => {
            if !note_ok(text) {
                return Err(refusal("invalid_length", Some("text"), m::note_length(500)));
            }
        }
        VisitEventBody::Correction {
            exception,
            resolution,
            check_in_at,
            check_out_at,
            note,
            not_delivered,
            replaced_by,
            ..
        } => {
            if !by_staff {
                return Err(refusal("correction_not_allowed", Some("kind"), m::correction_by_staff()));
            }
            // An exception goes with its resolution; a resolution alone decides the whole visit.
            if exception.is_some() && resolution.is_none() {
                return Err(refusal("resolution_required", Some("resolution"), m::exception_with_resolution()));
            }
            let times = check_in_at.is_some() || check_out_at.is_some();
            if not_delivered.is_some() && (times || resolution.is_some()) {
                return Err(refusal("not_allowed", Some("not_delivered"), m::not_delivered_alone()));
            }
            let replacing = *not_delivered == Some(NotDeliveredReason::ReplacedByUnscheduled);
            if replaced_by.is_some() && !replacing {
                return Err(refusal("not_allowed", Some("replaced_by"), m::replaced_by_needs_reason()));
            }
            if replacing && replaced_by.is_none() {
                return Err(refusal("required", Some("replaced_by"), m::replaced_by_required()));
            }
            if resolution.is_none() && !times && not_delivered.is_none() {
                return Err(refusal("empty_correction", Some("reason"), m::empty_correction()));
            }
            if let (Some(a), Some(b)) = (check_in_at, check_out_at)
                && b <= a
            {
                return Err(refusal("before_check_in", Some("check_out_at"), m::check_out_before_check_in()));
            }
            if note.as_deref().is_some_and(|n| !note_ok(n)) {
                return Err(refusal("invalid_length", Some("note"), m::note_length(500)));
            }
        }
    }
    Ok(())
}

fn is_unique_violation(e: &ApiError) -> bool {
    e.code() == codes::CONFLICT
}

/// Applies one event; a race with the same event (or another event creating the same visit)
/// is retried once, and then finds the other's work.
async fn apply(
    state: &AppState,
    actor: &Actor,
    author: Author<'_>,
    device: &str,
    event: VisitEvent,
) -> ApiResult<EventResult> {
    let Prepared { event, canonical, sha256 } = prepare(event)?;
    // An id the server holds is answered by what it holds, before anything else is checked: a
    // retry is a replay even if today's checks would refuse its body (a rule tightened since, a
    // visit reassigned), and another content under the id is a conflict however it is sent.
    if let Some(known) = visit_event::Entity::find_by_id(event.id).one(&state.db).await? {
        return recorded_answer(&state.db, known, event.id, &sha256).await;
    }
    if let Err(e) = check_body(&event.body, matches!(author, Author::Staff)) {
        return Ok(rejected(event.id, e));
    }
    let mut last = None;
    for _ in 0..2 {
        match try_apply(state, actor, author, device, &event, &canonical, &sha256).await {
            Err(e) if is_unique_violation(&e) => last = Some(e),
            other => return other,
        }
    }
    Err(last.unwrap_or_else(|| ApiError::internal(anyhow::anyhow!("event {} not applied", event.id))))
}

#[allow(clippy::too_many_arguments)]
async fn try_apply(
    state: &AppState,
    actor: &Actor,
    author: Author<'_>,
    device: &str,
    event: &VisitEvent,
    canonical: &str,
    sha256: &str,
) -> ApiResult<EventResult> {
    let txn = state.db.begin().await?;
    let found = visit::Entity::find_by_id(event.visit_id).lock(LockType::Update).one(&txn).await?;
    let v = match (found, author, &event.unscheduled) {
        (Some(v), Author::Caregiver(cg), _) if v.caregiver_id != cg.id => {
            // The visit is none of this caregiver's business; an id stored meanwhile is still
            // answered by what is stored.
            return refuse(&txn, event.id, sha256, refusal("not_your_visit", Some("visit_id"), m::not_your_visit()))
                .await;
        }
        (Some(v), _, Some(u)) if u.insured_person_id != v.insured_person_id => {
            return refuse(
                &txn,
                event.id,
                sha256,
                refusal("unscheduled_mismatch", Some("unscheduled"), m::unscheduled_mismatch()),
            )
            .await;
        }
        (Some(v), _, _) => v,
        (None, Author::Caregiver(cg), Some(u)) => match start_unscheduled(&txn, cg, event.visit_id, u).await? {
            Ok(v) => v,
            Err(e) => return refuse(&txn, event.id, sha256, e).await,
        },
        (None, _, _) => {
            return refuse(&txn, event.id, sha256, refusal("unknown_visit", Some("visit_id"), m::unknown_visit()))
                .await;
        }
    };
    if let VisitEventBody::Task { item, .. } = &event.body
        && policy::in_force_document(&txn, v.region_id, v.scheduled_on).await?.is_none_or(|d| d.item(item).is_none())
    {
        return refuse(&txn, event.id, sha256, refusal("unknown_item", Some("item"), m::item_not_in_catalogue(item)))
            .await;
    }
    if let VisitEventBody::Correction { exception, resolution, not_delivered, replaced_by, .. } = &event.body
        && let Some(e) = closing_refusal(&txn, &v, *exception, *resolution, *not_delivered, *replaced_by).await?
    {
        return refuse(&txn, event.id, sha256, e).await;
    }
    if let VisitEventBody::Correction { exception: Some(code), .. } = &event.body {
        let current: Vec<VisitException> = serde_json::from_str(&v.exceptions).map_err(ApiError::internal)?;
        let open = current.iter().any(|x| x.code == *code && x.severity == Severity::Review);
        if !open {
            return refuse(
                &txn,
                event.id,
                sha256,
                refusal("no_such_exception", Some("exception"), m::no_such_exception()),
            )
            .await;
        }
    }
    // Stored unless the id is already taken: then this is a retry (same content) or a reused id.
    let stored = visit_event::Entity::insert(visit_event::ActiveModel {
        id: Set(event.id),
        visit_id: Set(v.id),
        kind: Set(event.body.kind().to_owned()),
        occurred_at: Set(event.body.at()),
        body: Set(canonical.to_owned()),
        sha256: Set(sha256.to_owned()),
        device_id: Set(device.to_owned()),
        recorded_by: Set(actor.user_id),
        received_at: Set(Utc::now()),
    })
    .on_conflict(OnConflict::column(visit_event::Column::Id).do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await?;
    if stored == 0 {
        return already_recorded(&txn, event.id, sha256).await;
    }
    let v = refresh(state, &txn, v, Some(&event.body)).await?;
    crate::audit::commit(txn).await?;
    Ok(applied(event.id, enum_from_db(&v.state)?, false))
}

/// Why a correction that closes or decides a visit cannot be applied to `v`, if it cannot: only a
/// visit never checked in or out is closed as not delivered (its replacement the same person's
/// unscheduled visit of that day, not rejected); only a visit with a check-in or check-out takes
/// a decision on the whole of it.
async fn closing_refusal(
    txn: &DatabaseTransaction,
    v: &visit::Model,
    exception: Option<ExceptionCode>,
    resolution: Option<ResolutionCode>,
    not_delivered: Option<NotDeliveredReason>,
    replaced_by: Option<Uuid>,
) -> ApiResult<Option<EventError>> {
    let delivered = v.checked_in_at.is_some() || v.checked_out_at.is_some();
    if not_delivered.is_some() && delivered {
        return Ok(Some(refusal("delivered", Some("not_delivered"), m::visit_was_delivered())));
    }
    if exception.is_none() && resolution.is_some() && !delivered {
        return Ok(Some(refusal("not_delivered", Some("resolution"), m::decision_needs_check_in())));
    }
    if let Some(other) = replaced_by {
        let replacement = visit::Entity::find_by_id(other)
            .filter(visit::Column::RegionId.eq(v.region_id))
            .filter(visit::Column::InsuredPersonId.eq(v.insured_person_id))
            .filter(visit::Column::ScheduledOn.eq(v.scheduled_on))
            .filter(visit::Column::Kind.eq(enum_to_db(&VisitKind::Unscheduled)))
            .filter(visit::Column::State.ne(enum_to_db(&VisitState::Rejected)))
            .one(txn)
            .await?;
        if replacement.is_none() || other == v.id {
            return Ok(Some(refusal("not_matching", Some("replaced_by"), m::replacement_not_matching())));
        }
    }
    Ok(None)
}

/// Refuses an event — unless its id is already recorded: a retry is answered as the first time,
/// even if what it was checked against has changed since.
async fn refuse(txn: &DatabaseTransaction, id: Uuid, sha256: &str, error: EventError) -> ApiResult<EventResult> {
    if visit_event::Entity::find_by_id(id).one(txn).await?.is_some() {
        return already_recorded(txn, id, sha256).await;
    }
    Ok(rejected(id, error))
}

/// The answer for an event id that is already recorded: the same content is a replay (with the
/// visit's state now), other content a conflict.
async fn already_recorded(txn: &DatabaseTransaction, id: Uuid, sha256: &str) -> ApiResult<EventResult> {
    let existing = visit_event::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("event {id} neither inserted nor found")))?;
    recorded_answer(txn, existing, id, sha256).await
}

/// The answer for the stored event `existing` sent again as `sha256`.
async fn recorded_answer<C: sea_orm::ConnectionTrait>(
    db: &C,
    existing: visit_event::Model,
    id: Uuid,
    sha256: &str,
) -> ApiResult<EventResult> {
    if existing.sha256 != sha256 {
        return Ok(id_reused(id, crate::language::current()));
    }
    let v = visit::Entity::find_by_id(existing.visit_id).one(db).await?;
    let state = v.map(|v| enum_from_db(&v.state)).transpose()?.unwrap_or(VisitState::Scheduled);
    Ok(applied(id, state, true))
}

/// The answer for an event id already recorded with other content, in `lang`.
pub(crate) fn id_reused(id: Uuid, lang: ltci_shared::text::Lang) -> EventResult {
    EventResult {
        id,
        outcome: EventOutcome::Conflict,
        replay: false,
        visit_state: None,
        error: Some(EventError {
            code: "id_reused".into(),
            field: Some("id".into()),
            message: m::event_id_reused().render(lang),
        }),
    }
}

/// Creates an unscheduled visit for a beneficiary the caregiver is assigned to on the day, under
/// the home-visit plan of the caregiver's institution running that day.
async fn start_unscheduled(
    txn: &DatabaseTransaction,
    cg: &caregiver::Model,
    id: Uuid,
    u: &UnscheduledVisit,
) -> ApiResult<Result<visit::Model, EventError>> {
    let assigned = asg::Entity::find()
        .filter(asg::Column::CaregiverId.eq(cg.id))
        .filter(asg::Column::InsuredPersonId.eq(u.insured_person_id))
        .filter(asg::Column::StartOn.lte(u.on))
        .filter(Condition::any().add(asg::Column::EndOn.is_null()).add(asg::Column::EndOn.gte(u.on)))
        .one(txn)
        .await?;
    if assigned.is_none() {
        return Ok(Err(refusal("not_assigned", Some("unscheduled.insured_person_id"), m::not_assigned_that_day())));
    }
    let plan = care_plan::Entity::find()
        .filter(care_plan::Column::InsuredPersonId.eq(u.insured_person_id))
        .filter(care_plan::Column::InstitutionId.eq(cg.institution_id))
        .filter(care_plan::Column::CareMode.eq(enum_to_db(&CareMode::HomeVisit)))
        .filter(plans::running_on(u.on))
        .one(txn)
        .await?;
    let Some(plan) = plan else {
        return Ok(Err(refusal("no_care_plan", Some("unscheduled.on"), m::no_plan_that_day())));
    };
    let m = visits::NewVisit {
        id,
        region_id: cg.region_id,
        institution_id: cg.institution_id,
        insured_person_id: u.insured_person_id,
        caregiver_id: cg.id,
        plan_id: Some(plan.id),
        scheduled_on: u.on,
    }
    .unscheduled(u.reason)
    .insert(txn)
    .await
    .map_err(unique_as(|| ApiError::conflict("visit_id", m::created_concurrently())))?;
    Ok(Ok(m))
}

/// Derives a visit from its events and verifies it again, as facts about its day changed (a
/// hospital stay or a death reported afterwards). The visit is locked for the caller's transaction.
pub async fn reverify(state: &AppState, txn: &DatabaseTransaction, id: Uuid) -> ApiResult<visit::Model> {
    let v = visit::Entity::find_by_id(id)
        .lock(LockType::Update)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_visit()))?;
    refresh(state, txn, v, None).await
}

/// Derives the visit from all its events again (with `new`, just stored) and stores the result.
async fn refresh(
    state: &AppState,
    txn: &DatabaseTransaction,
    v: visit::Model,
    new: Option<&VisitEventBody>,
) -> ApiResult<visit::Model> {
    // The first event of a visit (usually the check-in) is all there is to fold.
    let events: Vec<VisitEventBody> = match new {
        Some(first) if v.event_count == 0 => vec![first.clone()],
        _ => visits::stored_events(txn, v.id).await?.into_iter().map(|(_, e)| e.body).collect(),
    };
    let folded = fold::fold(&events);
    let planned: Vec<PlannedItem> = serde_json::from_str(&v.planned_items).map_err(ApiError::internal)?;
    let exceptions = match (&folded.check_in, &folded.check_out) {
        (Some((check_in, in_at)), Some((check_out, out_at))) => {
            let zone = state.time_zones.zone(txn, v.region_id).await?;
            let g = gather(txn, &v, *check_in, *check_out, *in_at).await?;
            let version = policy::in_force(txn, v.region_id, v.scheduled_on).await?;
            let doc = version.as_ref().map(policy::document_of).transpose()?;
            let exceptions = verify::verify(&Facts {
                day: v.scheduled_on,
                check_in_day: check_in.with_timezone(&zone).date_naive(),
                check_in: *check_in,
                check_out: *check_out,
                positions: [*in_at, *out_at],
                home: g.home,
                policy: doc.as_ref(),
                planned: &planned,
                plan_items: &g.plan_items,
                tasks: &folded.tasks,
                qualification: g.qualification,
                certified: g.certified,
                hospitalised: g.hospitalised,
                died_on: g.died_on,
                overlapping: g.overlapping,
                same_point: g.same_point.len(),
                assigned: g.assigned,
                delivered_elsewhere_this_week: &g.elsewhere,
            });
            let policy = version.as_ref().map(|p| p.id).zip(doc.as_ref());
            during::raise(txn, &v, policy, &exceptions, &g.same_point).await?;
            exceptions
        }
        _ => Vec::new(),
    };
    store(txn, v, &folded, exceptions, events.len()).await
}

/// What the events of a visit come to: state, times, task results and findings.
pub(crate) fn derive(
    v: visit::Model,
    folded: &fold::Folded,
    mut exceptions: Vec<VisitException>,
    event_count: usize,
) -> ApiResult<visit::Model> {
    fold::resolve(&mut exceptions, &folded.resolutions);
    let next = fold::state(folded, &exceptions);
    Ok(visit::Model {
        state: enum_to_db(&next),
        checked_in_at: folded.check_in.map(|c| c.0),
        checked_out_at: folded.check_out.map(|c| c.0),
        tasks: serde_json::to_string(&folded.tasks).map_err(ApiError::internal)?,
        exceptions: serde_json::to_string(&exceptions).map_err(ApiError::internal)?,
        event_count: i32::try_from(event_count).unwrap_or(i32::MAX),
        updated_at: Utc::now(),
        ..v
    })
}

/// Stores a visit's derived columns (those [`derive`] sets).
pub(crate) async fn store_derived(txn: &DatabaseTransaction, v: visit::Model) -> ApiResult<visit::Model> {
    let a = visit::ActiveModel {
        id: sea_orm::Unchanged(v.id),
        state: Set(v.state),
        checked_in_at: Set(v.checked_in_at),
        checked_out_at: Set(v.checked_out_at),
        tasks: Set(v.tasks),
        exceptions: Set(v.exceptions),
        event_count: Set(v.event_count),
        updated_at: Set(v.updated_at),
        ..Default::default()
    };
    Ok(a.update(txn).await?)
}

/// Derives a visit from its folded events and stores the result.
async fn store(
    txn: &DatabaseTransaction,
    v: visit::Model,
    folded: &fold::Folded,
    exceptions: Vec<VisitException>,
    event_count: usize,
) -> ApiResult<visit::Model> {
    store_derived(txn, derive(v, folded, exceptions, event_count)?).await
}

/// The facts about a visit that come from the database.
struct Gathered {
    home: Option<Point>,
    died_on: Option<chrono::NaiveDate>,
    certified: bool,
    hospitalised: bool,
    qualification: CaregiverQualification,
    plan_items: Vec<PlanItem>,
    overlapping: usize,
    same_point: Vec<Uuid>,
    assigned: bool,
    elsewhere: BTreeMap<String, u32>,
}

async fn gather(
    txn: &DatabaseTransaction,
    v: &visit::Model,
    check_in: DateTime<Utc>,
    check_out: DateTime<Utc>,
    check_in_at: Option<Position>,
) -> ApiResult<Gathered> {
    let person = insured_person::Entity::find_by_id(v.insured_person_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("person of visit {} missing", v.id)))?;
    let cg = caregiver::Entity::find_by_id(v.caregiver_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("caregiver of visit {} missing", v.id)))?;
    let certified = certificates::in_force_for_person(txn, person.id, v.scheduled_on).await?.is_some();
    let hospitalised = partners::hospital_spells(txn, person.id)
        .await?
        .into_iter()
        .any(|(a, d)| partners::in_hospital(a, d, v.scheduled_on));
    let plan_items = match v.plan_id {
        Some(id) => match care_plan::Entity::find_by_id(id).one(txn).await? {
            Some(p) => plans::items_of(&p)?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let home = match (person.latitude, person.longitude) {
        (Some(latitude), Some(longitude)) => Some(Point { latitude, longitude }),
        _ => None,
    };
    Ok(Gathered {
        home,
        died_on: person.died_on,
        certified,
        hospitalised,
        qualification: enum_from_db(&cg.qualification)?,
        plan_items,
        overlapping: overlapping(txn, v, check_in, check_out).await?,
        same_point: match check_in_at {
            Some(Position::Gps { latitude, longitude, .. }) => {
                during::same_point(txn, v, Point { latitude, longitude }, home).await?
            }
            _ => Vec::new(),
        },
        assigned: during::assigned(txn, v).await?,
        elsewhere: delivered_elsewhere(txn, v).await?,
    })
}

/// Other visits of the caregiver whose check-in to check-out overlaps this one's (looked for on
/// the service day and the days either side).
async fn overlapping(
    txn: &DatabaseTransaction,
    v: &visit::Model,
    check_in: DateTime<Utc>,
    check_out: DateTime<Utc>,
) -> ApiResult<usize> {
    let n = visit::Entity::find()
        .filter(visit::Column::CaregiverId.eq(v.caregiver_id))
        .filter(visit::Column::Id.ne(v.id))
        .filter(visit::Column::ScheduledOn.between(v.scheduled_on - Days::new(1), v.scheduled_on + Days::new(1)))
        .filter(visit::Column::CheckedInAt.lt(check_out))
        .filter(visit::Column::CheckedOutAt.gt(check_in))
        .count(txn)
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Deliveries per item in the beneficiary's other visits of the same ISO week, rejected ones left out.
async fn delivered_elsewhere(txn: &DatabaseTransaction, v: &visit::Model) -> ApiResult<BTreeMap<String, u32>> {
    let monday = v.scheduled_on - Days::new(u64::from(v.scheduled_on.weekday().num_days_from_monday()));
    let sunday = monday + Days::new(6);
    let others = visit::Entity::find()
        .filter(visit::Column::InsuredPersonId.eq(v.insured_person_id))
        .filter(visit::Column::Id.ne(v.id))
        .filter(visit::Column::ScheduledOn.between(monday, sunday))
        .filter(visit::Column::State.ne(enum_to_db(&VisitState::Rejected)))
        .filter(visit::Column::CheckedOutAt.is_not_null())
        .all(txn)
        .await?;
    let mut out = BTreeMap::new();
    for o in others {
        let planned: Vec<PlannedItem> = serde_json::from_str(&o.planned_items).map_err(ApiError::internal)?;
        let tasks: Vec<TaskResult> = serde_json::from_str(&o.tasks).map_err(ApiError::internal)?;
        for (code, times) in verify::delivered(&planned, &tasks) {
            *out.entry(code).or_insert(0) += times;
        }
    }
    Ok(out)
}
