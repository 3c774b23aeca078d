//! Offset pagination shared by every list endpoint: validate `limit`/`offset`, count, fetch a page.

use ltci_shared::messages as m;
use ltci_shared::page::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};
use ltci_shared::{Page, PageQuery};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QuerySelect, Select};

use super::error::{ApiError, ApiResult};

/// A validated page request.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub limit: u64,
    pub offset: u64,
}

impl TryFrom<PageQuery> for PageRequest {
    type Error = ApiError;

    fn try_from(q: PageQuery) -> ApiResult<Self> {
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::invalid_field("limit", "out_of_range", m::limit_out_of_range(MAX_LIMIT)));
        }
        // Bounded here, at the edge: an offset past what the database binds as a signed 64-bit
        // number would otherwise reach its driver.
        let offset = q.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(ApiError::invalid_field("offset", "out_of_range", m::offset_out_of_range(MAX_OFFSET)));
        }
        Ok(Self { limit, offset })
    }
}

impl PageRequest {
    /// One page of a list already loaded whole, in its order: for lists their owner bounds (a
    /// visit's events, a region's accounts or policy versions), answered like every other list.
    pub fn of<T>(self, items: Vec<T>) -> Page<T> {
        let total = items.len() as u64;
        let skip = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let take = usize::try_from(self.limit).unwrap_or(usize::MAX);
        Page { items: items.into_iter().skip(skip).take(take).collect(), total, limit: self.limit, offset: self.offset }
    }
}

/// Runs `select` (already filtered and ordered) for one page, with the total count.
pub async fn fetch_page<E, C, T>(
    db: &C,
    select: Select<E>,
    page: PageRequest,
    map: impl Fn(E::Model) -> T,
) -> ApiResult<Page<T>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
    C: ConnectionTrait,
{
    let total = select.clone().count(db).await?;
    let rows = select.limit(page.limit).offset(page.offset).all(db).await?;
    Ok(Page { items: rows.into_iter().map(map).collect(), total, limit: page.limit, offset: page.offset })
}

/// [`fetch_page`] with a conversion that can fail (a stored JSON column that must parse).
pub async fn try_fetch_page<E, C, T>(
    db: &C,
    select: Select<E>,
    page: PageRequest,
    map: impl Fn(E::Model) -> ApiResult<T>,
) -> ApiResult<Page<T>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
    C: ConnectionTrait,
{
    let page = fetch_page(db, select, page, map).await?;
    let items = page.items.into_iter().collect::<ApiResult<Vec<T>>>()?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

/// The page of items already read and filtered in memory (the lines of a bill, decoded from
/// their packs).
pub fn page_of<T>(all: Vec<T>, page: PageRequest) -> Page<T> {
    let total = u64::try_from(all.len()).unwrap_or(u64::MAX);
    let skip = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let take = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let items = all.into_iter().skip(skip).take(take).collect();
    Page { items, total, limit: page.limit, offset: page.offset }
}
