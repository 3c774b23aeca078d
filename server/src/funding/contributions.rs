//! A person's contributions (缴费记录) month by month, as posted: the contribution period that
//! assessment eligibility counts (reversed months shown, and not counted).

use ltci_shared::Page;
use ltci_shared::api::funding::PersonContribution;
use ltci_shared::money::to_yuan;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::auth::{Actor, Permission};
use crate::entities::{contribution, enum_from_db};
use crate::http::error::ApiResult;
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::state::AppState;

/// The person's contributions, latest month first (the person within the actor's scope).
pub async fn of_person(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    page: PageRequest,
) -> ApiResult<Page<PersonContribution>> {
    actor.require(Permission::ReadFunding)?;
    let p = crate::registry::persons::find_in_scope(&state.db, actor, person_id).await?;
    let q = contribution::Entity::find()
        .filter(contribution::Column::RegionId.eq(actor.region_id))
        .filter(contribution::Column::InsuredPersonId.eq(p.id))
        .order_by_desc(contribution::Column::Period)
        .order_by_asc(contribution::Column::Source)
        .order_by_asc(contribution::Column::Id);
    try_fetch_page(&state.db, q, page, |c| {
        Ok(PersonContribution {
            period: c.period,
            scheme: enum_from_db(&c.scheme)?,
            source: enum_from_db(&c.source)?,
            amount: to_yuan(c.amount_fen),
            reversed: c.reversed,
            entry_id: c.entry_id,
        })
    })
    .await
}
