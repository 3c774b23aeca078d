//! The audit trail (审计日志): one record per state change, written in the change's transaction.
//!
//! Records name the fields that changed, never their values: the trail must not become a second
//! copy of personal data. Every write transaction ends with [`commit`], which links its records
//! into the region's chain ([`chain`]) so that an edit or a deletion in the database shows
//! ([`verify`]).

pub mod chain;
pub mod verify;

use chrono::{SubsecRound, Utc};
use ltci_shared::api::users::Role;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Actor;
use crate::entities::audit_event;
use crate::http::error::ApiResult;

/// Who caused a change, as the trail records it.
#[derive(Debug, Clone)]
pub struct AuditActor {
    pub region_id: Uuid,
    pub user_id: Option<Uuid>,
    pub role: Option<Role>,
    pub request_id: Option<String>,
}

impl From<&Actor> for AuditActor {
    fn from(a: &Actor) -> Self {
        Self { region_id: a.region_id, user_id: Some(a.user_id), role: Some(a.role), request_id: a.request_id.clone() }
    }
}

/// Commits a write transaction, its audit records linked into their region's chain first. Every
/// transaction that changes state ends here rather than in `txn.commit()`.
pub async fn commit(txn: sea_orm::DatabaseTransaction) -> Result<(), sea_orm::DbErr> {
    commit_with(txn, Vec::new()).await
}

/// Commits a write transaction that also writes `records` (many, built with [`row`] or
/// [`imported`]): they are written already linked, at the end, rather than written and then
/// linked.
pub async fn commit_with(
    txn: sea_orm::DatabaseTransaction,
    records: Vec<audit_event::ActiveModel>,
) -> Result<(), sea_orm::DbErr> {
    chain::link(&txn, records).await?;
    txn.commit().await
}

/// Writes one audit record with `db` — pass the transaction that makes the change.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: &AuditActor,
    action: &str,
    entity_type: &str,
    entity_id: impl ToString,
    changed_fields: &[&str],
) -> ApiResult<()> {
    write(db, actor, action, entity_type, &entity_id.to_string(), changed_fields, None).await
}

/// Writes the audit record of an access that needs a reason (查看完整号码: who saw a full ID
/// number, and why).
pub async fn record_reason<C: ConnectionTrait>(
    db: &C,
    actor: &AuditActor,
    action: &str,
    entity_type: &str,
    entity_id: impl ToString,
    reason: &str,
) -> ApiResult<()> {
    let mut a = row(actor, action, entity_type, &entity_id.to_string(), &[]);
    a.reason = Set(Some(reason.to_string()));
    a.insert(db).await?;
    Ok(())
}

/// Writes the audit record of a workflow step, with the state before and after.
pub async fn record_transition<C: ConnectionTrait>(
    db: &C,
    actor: &AuditActor,
    action: &str,
    entity_type: &str,
    entity_id: impl ToString,
    before: Option<&str>,
    after: &str,
) -> ApiResult<()> {
    write(db, actor, action, entity_type, &entity_id.to_string(), &["state"], Some((before, after))).await
}

async fn write<C: ConnectionTrait>(
    db: &C,
    actor: &AuditActor,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    changed_fields: &[&str],
    states: Option<(Option<&str>, &str)>,
) -> ApiResult<()> {
    let mut a = row(actor, action, entity_type, entity_id, changed_fields);
    a.state_before = Set(states.and_then(|(b, _)| b.map(str::to_string)));
    a.state_after = Set(states.map(|(_, a)| a.to_string()));
    a.insert(db).await?;
    Ok(())
}

/// The audit record of one change, as [`record`] writes it, built for a multi-row insert of
/// many changes at once.
pub fn row(
    actor: &AuditActor,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    changed_fields: &[&str],
) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        // To the microsecond, as both databases keep it (the chain hashes what is read back).
        at: Set(Utc::now().trunc_subsecs(6)),
        region_id: Set(actor.region_id),
        actor_user_id: Set(actor.user_id),
        actor_role: Set(actor.role.map(|r| r.as_str().to_string())),
        action: Set(action.to_string()),
        entity_type: Set(entity_type.to_string()),
        entity_id: Set(entity_id.to_string()),
        request_id: Set(actor.request_id.clone()),
        changed_fields: Set(serde_json::to_string(changed_fields).unwrap_or_else(|_| "[]".into())),
        state_before: Set(None),
        state_after: Set(None),
        source: Set(None),
        reference: Set(None),
        reason: Set(None),
        seq: Set(None),
        // Linked by the writing transaction as it commits ([`commit`]).
        prev_hash: Set(Some(chain::pending().to_owned())),
        hash: Set(None),
    }
}

/// The audit record of a record brought in from a city's former system: `source` names the import
/// and its file, `reference` the old system's identifier. Built for a multi-row insert.
pub fn imported(
    actor: &AuditActor,
    action: &str,
    entity_type: &str,
    entity_id: Uuid,
    source: &str,
    reference: &str,
) -> audit_event::ActiveModel {
    let mut a = row(actor, action, entity_type, &entity_id.to_string(), &[]);
    a.source = Set(Some(source.to_string()));
    a.reference = Set(Some(reference.to_string()));
    a
}

/// One audit record as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEventView {
    pub id: Uuid,
    pub at: chrono::DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    /// Who acted, by username (in the actor's region).
    pub actor_username: Option<String>,
    pub actor_role: Option<String>,
    /// `<entity>.<verb>`, e.g. `insured_person.update`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub request_id: Option<String>,
    pub changed_fields: Vec<String>,
    /// For workflow steps: the state before and after.
    pub state_before: Option<String>,
    pub state_after: Option<String>,
    /// Where an imported record came from (`import:<kind>:<file>`), and its old reference.
    pub source: Option<String>,
    pub reference: Option<String>,
    /// Why, where the action needs a reason (viewing a full ID number).
    pub reason: Option<String>,
    /// Its place in the region's audit chain (`GET /audit-chain` verifies the chain).
    pub seq: Option<i64>,
}

impl From<audit_event::Model> for AuditEventView {
    fn from(m: audit_event::Model) -> Self {
        Self {
            id: m.id,
            at: m.at,
            actor_user_id: m.actor_user_id,
            actor_username: None,
            actor_role: m.actor_role,
            action: m.action,
            entity_type: m.entity_type,
            entity_id: m.entity_id,
            request_id: m.request_id,
            changed_fields: serde_json::from_str(&m.changed_fields).unwrap_or_default(),
            state_before: m.state_before,
            state_after: m.state_after,
            source: m.source,
            reference: m.reference,
            reason: m.reason,
            seq: m.seq,
        }
    }
}

/// Filters of `GET /api/v1/audit-events`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    /// The username of who acted.
    pub actor: Option<String>,
    /// From this day (the region's calendar), inclusive.
    #[serde(default, with = "ltci_shared::strict::day_opt")]
    pub from: Option<chrono::NaiveDate>,
    /// To this day, inclusive.
    #[serde(default, with = "ltci_shared::strict::day_opt")]
    pub to: Option<chrono::NaiveDate>,
}

/// The `/audit-events` and `/audit-chain` routes.
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(list_audit_events))
        .routes(utoipa_axum::routes!(verify_audit_chain))
}

/// The region's audit chain verified now (防篡改校验): every record's hash recomputed and every
/// link checked, up to the head, whose hash can be noted outside the system (agency officers and
/// auditors).
#[utoipa::path(get, path = "/audit-chain", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = verify::RegionChain), (status = 403, body = ltci_shared::ErrorBody)))]
async fn verify_audit_chain(
    actor: Actor,
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
) -> ApiResult<crate::http::extract::ApiJson<verify::RegionChain>> {
    verify_region(&state, &actor).await.map(crate::http::extract::ApiJson)
}

/// The head of the actor's region's chain (none before its first record).
pub async fn chain_head(
    state: &crate::state::AppState,
    actor: &Actor,
) -> ApiResult<Option<crate::entities::audit_chain_head::Model>> {
    use sea_orm::EntityTrait;
    actor.require(crate::auth::Permission::ReadAuditTrail)?;
    Ok(crate::entities::audit_chain_head::Entity::find_by_id(actor.region_id).one(&state.db).await?)
}

/// The actor's region's chain, walked.
pub async fn verify_region(state: &crate::state::AppState, actor: &Actor) -> ApiResult<verify::RegionChain> {
    actor.require(crate::auth::Permission::ReadAuditTrail)?;
    let chains = verify::run(&state.db, Some(actor.region_id), &mut |_, _| {}).await?;
    chains
        .into_iter()
        .next()
        .ok_or_else(|| crate::http::error::ApiError::not_found(ltci_shared::messages::thing_region()))
}

/// The region's audit trail, newest first (agency officers and auditors).
#[utoipa::path(get, path = "/audit-events", tag = "audit", security(("bearer" = [])), params(AuditFilter, ltci_shared::PageQuery),
    responses((status = 200, body = ltci_shared::Page<AuditEventView>), (status = 403, body = ltci_shared::ErrorBody)))]
async fn list_audit_events(
    actor: Actor,
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    crate::http::extract::ApiQuery(filter): crate::http::extract::ApiQuery<AuditFilter>,
    crate::http::extract::ApiQuery(page): crate::http::extract::ApiQuery<ltci_shared::PageQuery>,
) -> ApiResult<crate::http::extract::ApiJson<ltci_shared::Page<AuditEventView>>> {
    list(&state, &actor, filter, page.try_into()?).await.map(crate::http::extract::ApiJson)
}

/// The region's audit trail, newest first, filtered; each record names who acted.
pub async fn list(
    state: &crate::state::AppState,
    actor: &Actor,
    filter: AuditFilter,
    page: crate::http::pagination::PageRequest,
) -> ApiResult<ltci_shared::Page<AuditEventView>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    use crate::entities::user;
    actor.require(crate::auth::Permission::ReadAuditTrail)?;
    let mut q = audit_event::Entity::find().filter(crate::auth::scope::audit_events(actor));
    let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if let Some(v) = text(filter.entity_type) {
        q = q.filter(audit_event::Column::EntityType.eq(v));
    }
    if let Some(v) = text(filter.entity_id) {
        q = q.filter(audit_event::Column::EntityId.eq(v));
    }
    if let Some(v) = text(filter.action) {
        q = q.filter(audit_event::Column::Action.eq(v));
    }
    if let Some(v) = text(filter.actor) {
        let who = user::Entity::find()
            .filter(user::Column::RegionId.eq(actor.region_id))
            .filter(user::Column::Username.eq(v.to_lowercase()))
            .one(&state.db)
            .await?;
        q = q.filter(audit_event::Column::ActorUserId.eq(who.map_or(Uuid::nil(), |u| u.id)));
    }
    let tz = state.time_zones.zone(&state.db, actor.region_id).await?;
    let start_of = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(tz).earliest()).map(|t| t.with_timezone(&Utc))
    };
    if let Some(at) = filter.from.and_then(start_of) {
        q = q.filter(audit_event::Column::At.gte(at));
    }
    if let Some(at) = filter.to.and_then(|d| d.succ_opt()).and_then(start_of) {
        q = q.filter(audit_event::Column::At.lt(at));
    }
    let q = q.order_by_desc(audit_event::Column::At).order_by_desc(audit_event::Column::Id);
    let mut page = crate::http::pagination::fetch_page(&state.db, q, page, AuditEventView::from).await?;
    let ids: Vec<Uuid> = page.items.iter().filter_map(|e| e.actor_user_id).collect();
    let names = usernames(&state.db, actor.region_id, &ids).await?;
    for e in &mut page.items {
        e.actor_username = e.actor_user_id.and_then(|id| names.get(&id).cloned());
    }
    Ok(page)
}

/// The usernames of the region's users among `ids` (who took a step), in one query.
pub async fn usernames<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    ids: &[Uuid],
) -> ApiResult<std::collections::HashMap<Uuid, String>> {
    use crate::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(user::Entity::find()
        .filter(user::Column::RegionId.eq(region_id))
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect())
}
