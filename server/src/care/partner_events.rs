//! The recorded partner events by state (待匹配 / 已匹配 / 不予处理): the unmatched ones matched
//! again once their person is in the register, or put aside by an officer with a reason.

use chrono::Utc;
use ltci_shared::Page;
use ltci_shared::api::partners::{
    DismissRequest, Dismissal, MAX_PARTNER_EVENTS, PartnerEvent, PartnerEventFilter, PartnerEventState,
    PartnerImportOutcome, RecordedPartnerEvent,
};
use ltci_shared::messages as m;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::partners::{self, Checked};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{enum_from_db, enum_to_db, insured_person, partner_event as pe};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::state::AppState;

fn view(e: pe::Model) -> ApiResult<RecordedPartnerEvent> {
    let dismissal = match (e.dismissal_code, e.dismissal_reason, e.dismissed_by, e.dismissed_at) {
        (Some(code), Some(reason), Some(by), Some(at)) => {
            Some(Dismissal { code: enum_from_db(&code)?, reason, by, at })
        }
        _ => None,
    };
    let state = match (e.insured_person_id, &dismissal) {
        (Some(_), _) => PartnerEventState::Matched,
        (None, Some(_)) => PartnerEventState::Dismissed,
        (None, None) => PartnerEventState::Unmatched,
    };
    Ok(RecordedPartnerEvent {
        id: e.id,
        source: enum_from_db(&e.source)?,
        external_ref: e.external_ref,
        kind: enum_from_db(&e.kind)?,
        on: e.occurred_on,
        episode_ref: e.episode_ref,
        hospital: e.hospital,
        state,
        insured_person_id: e.insured_person_id,
        received_by: e.received_by,
        received_at: e.received_at,
        dismissal,
    })
}

/// The events of `state` (all when none).
fn of_state(q: sea_orm::Select<pe::Entity>, state: Option<PartnerEventState>) -> sea_orm::Select<pe::Entity> {
    match state {
        None => q,
        Some(PartnerEventState::Matched) => q.filter(pe::Column::InsuredPersonId.is_not_null()),
        Some(PartnerEventState::Unmatched) => {
            q.filter(pe::Column::InsuredPersonId.is_null()).filter(pe::Column::DismissedAt.is_null())
        }
        Some(PartnerEventState::Dismissed) => {
            q.filter(pe::Column::InsuredPersonId.is_null()).filter(pe::Column::DismissedAt.is_not_null())
        }
    }
}

/// The recorded events in scope, latest received first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: PartnerEventFilter,
    page: PageRequest,
) -> ApiResult<Page<RecordedPartnerEvent>> {
    actor.require(Permission::ReadPartnerEvents)?;
    let mut q = of_state(pe::Entity::find().filter(scope::partner_events(actor)), filter.state);
    if let Some(source) = filter.source {
        q = q.filter(pe::Column::Source.eq(enum_to_db(&source)));
    }
    if let Some(kind) = filter.kind {
        q = q.filter(pe::Column::Kind.eq(enum_to_db(&kind)));
    }
    let q = q.order_by_desc(pe::Column::ReceivedAt).order_by_desc(pe::Column::Id);
    try_fetch_page(&state.db, q, page, view).await
}

/// Matches the unmatched events again against the register as it is now (the person may have
/// been registered since) and applies those that now match, as if they had just arrived, all or
/// nothing; at most `MAX_PARTNER_EVENTS` at once, oldest first (call again for the rest).
pub async fn rematch(state: &AppState, actor: &Actor) -> ApiResult<PartnerImportOutcome> {
    actor.require(Permission::ImportPartnerEvents)?;
    let registered = Query::select()
        .column(insured_person::Column::IdNumberHash)
        .from(insured_person::Entity)
        .and_where(insured_person::Column::RegionId.eq(actor.region_id))
        .to_owned();
    let rows = of_state(pe::Entity::find().filter(scope::partner_events(actor)), Some(PartnerEventState::Unmatched))
        .filter(pe::Column::IdNumberHash.in_subquery(registered))
        .order_by_asc(pe::Column::OccurredOn)
        .order_by_asc(pe::Column::Id)
        .limit(MAX_PARTNER_EVENTS as u64)
        .all(&state.db)
        .await?;
    let mut checked = Vec::with_capacity(rows.len());
    for r in rows {
        let event = PartnerEvent {
            source: enum_from_db(&r.source)?,
            external_ref: r.external_ref,
            kind: enum_from_db(&r.kind)?,
            // Not kept: the person is found by the blind index.
            id_number: String::new(),
            on: r.occurred_on,
            episode_ref: r.episode_ref,
            hospital: r.hospital,
        };
        let at = format!("partner_events[{}]", r.id);
        checked.push(Checked { at, event, id_hash: r.id_number_hash, sha256: r.sha256, stored: Some(r.id) });
    }
    partners::apply(state, actor, checked).await
}

/// Puts an unmatched event aside (不予处理) with a code and a reason; it stays recorded, so the
/// partner's resending it is still a duplicate. Sending the same decision again answers it.
pub async fn dismiss(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    req: DismissRequest,
) -> ApiResult<RecordedPartnerEvent> {
    actor.require(Permission::ImportPartnerEvents)?;
    let mut errors = FieldErrors::new();
    let reason = errors.take("reason", check_text(&req.reason, 200));
    errors.finish()?;
    let reason = reason.unwrap_or_default();
    let txn = state.db.begin().await?;
    let e = pe::Entity::find_by_id(id)
        .filter(scope::partner_events(actor))
        .lock(sea_orm::sea_query::LockType::Update)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_partner_event()))?;
    let code = enum_to_db(&req.code);
    if e.insured_person_id.is_some() {
        return Err(ApiError::state_conflict(
            ltci_shared::error::codes::INVALID_STATE_TRANSITION,
            "matched",
            m::partner_event_matched(),
        ));
    }
    if e.dismissed_at.is_some() {
        if e.dismissal_code.as_deref() == Some(code.as_str()) && e.dismissal_reason.as_deref() == Some(reason.as_str())
        {
            return view(e);
        }
        return Err(ApiError::state_conflict(
            ltci_shared::error::codes::INVALID_STATE_TRANSITION,
            "dismissed",
            m::partner_event_dismissed(),
        ));
    }
    let mut a: pe::ActiveModel = e.into();
    a.dismissed_by = Set(Some(actor.user_id));
    a.dismissed_at = Set(Some(Utc::now()));
    a.dismissal_code = Set(Some(code));
    a.dismissal_reason = Set(Some(reason));
    let e = a.update(&txn).await?;
    audit::record(&txn, &AuditActor::from(actor), "partner_event.dismiss", "partner_event", id, &["dismissal"]).await?;
    audit::commit(txn).await?;
    view(e)
}
