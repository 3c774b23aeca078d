//! Counties and districts (区县) of a region: list and create.

use chrono::Utc;
use ltci_shared::api::registry::{County, CreateCountyRequest};
use ltci_shared::messages as m;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::county;
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::state::AppState;

pub fn view(m: county::Model) -> County {
    County { id: m.id, region_id: m.region_id, code: m.code, name: m.name }
}

/// The counties of the actor's region, by code.
pub async fn list(state: &AppState, actor: &Actor) -> ApiResult<Vec<County>> {
    actor.require(Permission::ReadRegions)?;
    let rows = county::Entity::find()
        .filter(county::Column::RegionId.eq(actor.region_id))
        .order_by_asc(county::Column::Code)
        .all(&state.db)
        .await?;
    Ok(rows.into_iter().map(view).collect())
}

/// The county `id` if it belongs to the region.
pub async fn in_region<C: ConnectionTrait>(db: &C, region_id: Uuid, id: Uuid) -> ApiResult<Option<county::Model>> {
    Ok(county::Entity::find_by_id(id).filter(county::Column::RegionId.eq(region_id)).one(db).await?)
}

/// Adds a county to the actor's region. Its code shares the region code's first four digits
/// (the prefecture) and is not the region's own code.
pub async fn create(state: &AppState, actor: &Actor, req: CreateCountyRequest) -> ApiResult<County> {
    actor.require(Permission::ManageRegions)?;
    let region = super::regions::region_of(&state.db, actor.region_id).await?;
    let mut errors = FieldErrors::new();
    let code = req.code.trim().to_string();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        errors.add("code", "invalid_county_code", m::county_code_format());
    } else if code[..4] != region.code[..4.min(region.code.len())] || code == region.code {
        errors.add("code", "outside_region", m::county_outside_region(&region.code, &region.code[..4]));
    }
    let name = errors.take("name", check_text(&req.name, 50));
    errors.finish()?;
    let name = name.ok_or_else(|| ApiError::internal(anyhow::anyhow!("validated name missing")))?;
    let txn = state.db.begin().await?;
    let exists = county::Entity::find()
        .filter(county::Column::RegionId.eq(region.id))
        .filter(county::Column::Code.eq(&code))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(ApiError::conflict("code", m::county_exists()));
    }
    let m = county::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(region.id),
        code: Set(code),
        name: Set(name),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, &AuditActor::from(actor), "county.create", "county", m.id, &["code", "name"]).await?;
    audit::commit(txn).await?;
    Ok(view(m))
}
