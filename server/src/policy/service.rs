//! Importing policy versions and finding the one in force. Versions are never changed or deleted:
//! a new rule is a new version with its own effective date.

use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use ltci_shared::api::policy::{PolicySummary, PolicyVersion};
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use ltci_shared::policy::PolicyDocument;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::policy_version as pv;
use crate::http::error::{ApiError, ApiResult, unique_as};
use crate::registry::regions::region_of;

/// A stored version's document.
pub fn document_of(m: &pv::Model) -> ApiResult<PolicyDocument> {
    serde_json::from_str(&m.document).map_err(|e| ApiError::internal(anyhow::anyhow!("policy version {}: {e}", m.id)))
}

fn to_api(m: pv::Model) -> ApiResult<PolicyVersion> {
    Ok(PolicyVersion {
        document: document_of(&m)?,
        id: m.id,
        region_id: m.region_id,
        version: u32::try_from(m.version).unwrap_or(0),
        name: m.name,
        effective_from: m.effective_from,
        sha256: m.sha256,
        imported_by: m.imported_by,
        imported_at: m.imported_at,
    })
}

/// Reads a document file (UTF-8, TOML or JSON) and imports it ([`import`]).
pub async fn import_file(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    bytes: &[u8],
    format: super::document::Format,
) -> ApiResult<(PolicyVersion, bool)> {
    actor.require(Permission::ManagePolicy)?;
    import(db, actor, read_file(bytes, format)?).await
}

/// A document file (UTF-8, TOML or JSON) read, not yet checked.
pub fn read_file(bytes: &[u8], format: super::document::Format) -> ApiResult<PolicyDocument> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::invalid_field("document", "invalid_encoding", m::document_utf8()))?;
    super::document::parse(text, format)
}

/// The document checked, and checked to be for the actor's region when it names one: what an
/// import and a what-if (政策测算) take.
pub async fn checked_for_region<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    doc: PolicyDocument,
) -> ApiResult<PolicyDocument> {
    let doc = super::document::check(doc)?;
    let region = region_of(db, actor.region_id).await?;
    if let Some(code) = &doc.region
        && *code != region.code
    {
        return Err(ApiError::invalid_field("region", "wrong_region", m::policy_wrong_region(code, &region.code)));
    }
    Ok(doc)
}

/// Imports a checked document as the next version of the actor's region. The same document
/// again answers the version it became the first time (`false`: nothing new).
pub async fn import(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    doc: PolicyDocument,
) -> ApiResult<(PolicyVersion, bool)> {
    actor.require(Permission::ManagePolicy)?;
    let doc = checked_for_region(db, actor, doc).await?;
    let canonical = serde_json::to_string(&doc).map_err(ApiError::internal)?;
    let sha256 = crate::digest::sha256_hex(&canonical);
    let same = || {
        pv::Entity::find()
            .filter(pv::Column::RegionId.eq(actor.region_id))
            .filter(pv::Column::Sha256.eq(sha256.clone()))
    };
    if let Some(existing) = same().one(db).await? {
        return Ok((to_api(existing)?, false));
    }
    let txn = db.begin().await?;
    let last: Option<i32> = pv::Entity::find()
        .select_only()
        .column_as(pv::Column::Version.max(), "v")
        .filter(pv::Column::RegionId.eq(actor.region_id))
        .into_tuple()
        .one(&txn)
        .await?
        .flatten();
    let row = pv::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        version: Set(last.unwrap_or(0) + 1),
        name: Set(doc.name.trim().to_owned()),
        effective_from: Set(doc.effective_from),
        document: Set(canonical),
        sha256: Set(sha256.clone()),
        imported_by: Set(actor.user_id),
        imported_at: Set(Utc::now()),
    };
    let conflict = || ApiError::conflict("document", m::policy_import_raced());
    let inserted = row.insert(&txn).await.map_err(unique_as(conflict))?;
    audit::record(&txn, &AuditActor::from(actor), "policy.import", "policy_version", inserted.id, &["document"])
        .await?;
    audit::commit(txn).await?;
    tracing::info!(version = inserted.version, effective_from = %inserted.effective_from, "policy imported");
    Ok((to_api(inserted)?, true))
}

/// The version in force in a region on a date: the latest effective date on or before it (the
/// later import when two share a date).
pub async fn in_force<C: ConnectionTrait>(db: &C, region_id: Uuid, on: NaiveDate) -> ApiResult<Option<pv::Model>> {
    Ok(pv::Entity::find()
        .filter(pv::Column::RegionId.eq(region_id))
        .filter(pv::Column::EffectiveFrom.lte(on))
        .order_by_desc(pv::Column::EffectiveFrom)
        .order_by_desc(pv::Column::Version)
        .one(db)
        .await?)
}

/// The document in force in a region on a date, if the region has one.
pub async fn in_force_document<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    on: NaiveDate,
) -> ApiResult<Option<PolicyDocument>> {
    in_force(db, region_id, on).await?.as_ref().map(document_of).transpose()
}

/// `409 governed_by_policy` when a benefit policy is in force in the actor's region today: the
/// setting `field` is then the policy's, changed by importing a new version.
pub async fn refuse_if_governed<C: ConnectionTrait>(db: &C, actor: &Actor, field: &str) -> ApiResult<()> {
    match in_force(db, actor.region_id, actor.today).await? {
        None => Ok(()),
        Some(v) => Err(governed(&v, field)),
    }
}

/// `refuse_if_governed` for one value: refused only when `changes` says the request would change
/// what the version in force today decides.
pub async fn refuse_change_if_governed<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    field: &str,
    changes: impl FnOnce(&PolicyDocument) -> bool,
) -> ApiResult<()> {
    match in_force(db, actor.region_id, actor.today).await? {
        Some(v) if changes(&document_of(&v)?) => Err(governed(&v, field)),
        _ => Ok(()),
    }
}

fn governed(v: &pv::Model, field: &str) -> ApiError {
    let message = m::governed_by_policy(v.version, v.effective_from);
    ApiError::other(StatusCode::CONFLICT, codes::GOVERNED_BY_POLICY, message.clone()).with_field(
        field,
        codes::GOVERNED_BY_POLICY,
        message,
    )
}

pub async fn current<C: ConnectionTrait>(db: &C, actor: &Actor, on: NaiveDate) -> ApiResult<PolicyVersion> {
    actor.require(Permission::ReadPolicy)?;
    match in_force(db, actor.region_id, on).await? {
        Some(m) => to_api(m),
        None => Err(ApiError::not_found(m::thing_policy_in_force())),
    }
}

pub async fn get<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<PolicyVersion> {
    actor.require(Permission::ReadPolicy)?;
    match pv::Entity::find_by_id(id).one(db).await? {
        Some(m) if m.region_id == actor.region_id => to_api(m),
        _ => Err(ApiError::not_found(m::thing_policy_version())),
    }
}

/// Every version of the actor's region, newest first.
pub async fn list<C: ConnectionTrait>(db: &C, actor: &Actor) -> ApiResult<Vec<PolicySummary>> {
    actor.require(Permission::ReadPolicy)?;
    let current = in_force(db, actor.region_id, actor.today).await?.map(|m| m.id);
    let rows = pv::Entity::find()
        .filter(pv::Column::RegionId.eq(actor.region_id))
        .order_by_desc(pv::Column::Version)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| PolicySummary {
            in_force: Some(m.id) == current,
            id: m.id,
            version: u32::try_from(m.version).unwrap_or(0),
            name: m.name,
            effective_from: m.effective_from,
            sha256: m.sha256,
            imported_at: m.imported_at,
        })
        .collect())
}
