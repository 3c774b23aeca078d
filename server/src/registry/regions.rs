//! Pooling regions (统筹区): list and create.

use chrono::Utc;
use ltci_shared::Page;
use ltci_shared::api::registry::{CreateRegionRequest, Region};
use ltci_shared::messages as m;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::region;
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::state::AppState;

/// Time zone of business dates when a region does not say.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

pub fn view(m: region::Model) -> Region {
    Region { id: m.id, code: m.code, name: m.name, time_zone: m.time_zone }
}

/// The region's time zone (falls back to Asia/Shanghai for an unparseable stored value).
pub fn time_zone(m: &region::Model) -> chrono_tz::Tz {
    m.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
}

/// The time zone of each region, read from the database once: a region's time zone does not
/// change after it is created, so every server may keep its own copy. Gives "today" per request
/// without a query.
#[derive(Debug, Default)]
pub struct TimeZones(std::sync::RwLock<std::collections::HashMap<Uuid, chrono_tz::Tz>>);

impl TimeZones {
    /// Today's business date in the region.
    pub async fn today<C: sea_orm::ConnectionTrait>(&self, db: &C, region_id: Uuid) -> ApiResult<chrono::NaiveDate> {
        Ok(Utc::now().with_timezone(&self.zone(db, region_id).await?).date_naive())
    }

    /// The region's time zone.
    pub async fn zone<C: sea_orm::ConnectionTrait>(&self, db: &C, region_id: Uuid) -> ApiResult<chrono_tz::Tz> {
        let known = self.0.read().ok().and_then(|m| m.get(&region_id).copied());
        let tz = match known {
            Some(tz) => tz,
            None => {
                let tz = time_zone(&region_of(db, region_id).await?);
                if let Ok(mut m) = self.0.write() {
                    m.insert(region_id, tz);
                }
                tz
            }
        };
        Ok(tz)
    }
}

/// A region by id (an internal error if it is missing: every row that names one has it).
pub async fn region_of<C: sea_orm::ConnectionTrait>(db: &C, region_id: Uuid) -> ApiResult<region::Model> {
    region::Entity::find_by_id(region_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("region {region_id} missing")))
}

/// Today's business date in the region.
pub fn today(m: &region::Model) -> chrono::NaiveDate {
    local_date(m, Utc::now())
}

/// The business date of an instant in the region.
pub fn local_date(m: &region::Model, at: chrono::DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&time_zone(m)).date_naive()
}

pub async fn list(state: &AppState, actor: &Actor, page: PageRequest) -> ApiResult<Page<Region>> {
    actor.require(Permission::ReadRegions)?;
    fetch_page(&state.db, region::Entity::find().order_by_asc(region::Column::Code), page, view).await
}

pub async fn create(state: &AppState, actor: &Actor, req: CreateRegionRequest) -> ApiResult<Region> {
    actor.require(Permission::ManageRegions)?;
    let mut errors = FieldErrors::new();
    let code = req.code.trim().to_string();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        errors.add("code", "invalid_region_code", m::region_code_format());
    }
    let name = errors.take("name", check_text(&req.name, 100));
    let tz = req.time_zone.as_deref().map(str::trim).unwrap_or(DEFAULT_TIME_ZONE).to_string();
    if tz.parse::<chrono_tz::Tz>().is_err() {
        errors.add("time_zone", "unknown_time_zone", m::unknown_time_zone());
    }
    errors.finish()?;
    let name = name.ok_or_else(|| ApiError::internal(anyhow::anyhow!("validated name missing")))?;
    let txn = state.db.begin().await?;
    if region::Entity::find().filter(region::Column::Code.eq(&code)).one(&txn).await?.is_some() {
        return Err(ApiError::conflict("code", m::region_exists()));
    }
    let model = region::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code),
        name: Set(name),
        time_zone: Set(tz),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, &AuditActor::from(actor), "region.create", "region", model.id, &["code", "name", "time_zone"])
        .await?;
    audit::commit(txn).await?;
    Ok(view(model))
}
