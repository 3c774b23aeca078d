//! Reading the journal (记账凭证) for people: the region's entries, newest first, filtered by
//! reference or account; one entry with its postings; the accounts with their balances.

use ltci_shared::Page;
use ltci_shared::api::funding::{Account, EntryFilter, JournalEntry};
use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::ledger;
use crate::auth::{Actor, Permission};
use crate::entities::{journal_entry as je, ledger_account as acct, ledger_posting as lp};
use crate::http::error::{ApiError, ApiResult};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::state::AppState;

/// The region's accounts with their balances, by code.
pub async fn accounts(state: &AppState, actor: &Actor) -> ApiResult<Vec<Account>> {
    actor.require(Permission::ReadFunding)?;
    ledger::accounts(&state.db, actor.region_id).await
}

/// The region's entries, newest first.
pub async fn entries(
    state: &AppState,
    actor: &Actor,
    f: EntryFilter,
    page: PageRequest,
) -> ApiResult<Page<JournalEntry>> {
    actor.require(Permission::ReadFunding)?;
    let mut q = je::Entity::find().filter(je::Column::RegionId.eq(actor.region_id));
    if let Some(r) = f.reference {
        q = q.filter(je::Column::Reference.eq(r));
    }
    if let Some(code) = f.account_code {
        let account = acct::Entity::find()
            .filter(acct::Column::RegionId.eq(actor.region_id))
            .filter(acct::Column::Code.eq(code))
            .one(&state.db)
            .await?;
        let id = account.map(|a| a.id).unwrap_or_else(Uuid::nil);
        q = q.filter(
            je::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(lp::Column::EntryId)
                    .from(lp::Entity)
                    .and_where(lp::Column::AccountId.eq(id))
                    .to_owned(),
            ),
        );
    }
    let q = q.order_by_desc(je::Column::CreatedAt).order_by_desc(je::Column::Id);
    let page = fetch_page(&state.db, q, page, |m| m).await?;
    let items = ledger::views(&state.db, page.items).await?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

/// One entry of the region with its postings.
pub async fn entry(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<JournalEntry> {
    actor.require(Permission::ReadFunding)?;
    let m = je::Entity::find_by_id(id)
        .filter(je::Column::RegionId.eq(actor.region_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_journal_entry()))?;
    ledger::view_one(&state.db, m).await
}
