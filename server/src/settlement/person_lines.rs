//! A person's bill lines across bills: what paid (or refused) each day of the person's care, with
//! the bill it is on, latest day first.

use ltci_shared::Page;
use ltci_shared::api::settlement::PersonBillLine;
use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::bills::line_view;
use super::packs;
use crate::auth::{Actor, Permission, scope};
use crate::entities::{bill, enum_from_db};
use crate::http::error::ApiResult;
use crate::http::pagination::{PageRequest, page_of};
use crate::state::AppState;

/// The person's lines on the bills the actor may read (the person within the actor's scope).
pub async fn of_person(
    state: &AppState,
    actor: &Actor,
    person_id: Uuid,
    page: PageRequest,
) -> ApiResult<Page<PersonBillLine>> {
    actor.require(Permission::ReadBills)?;
    let p = crate::registry::persons::find_in_scope(&state.db, actor, person_id).await?;
    let readable = bill::Entity::find().select_only().column(bill::Column::Id).filter(scope::bills(actor)).into_query();
    let mut lines = packs::of_person(&state.db, p.id, readable).await?;
    lines.sort_by(|a, b| b.row.on.cmp(&a.row.on).then(b.bill_id.cmp(&a.bill_id)).then(a.line_no.cmp(&b.line_no)));
    let found = page_of(lines, page);
    let ids: Vec<Uuid> = found.items.iter().map(|l| l.bill_id).collect();
    let bills: HashMap<Uuid, bill::Model> = bill::Entity::find()
        .filter(bill::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let items = packs::explained(&state.db, found.items)
        .await?
        .into_iter()
        .filter_map(|(line, x)| bills.get(&line.bill_id).map(|b| (line, x, b)))
        .map(|(line, x, b)| {
            Ok(PersonBillLine {
                bill_id: b.id,
                institution_id: b.institution_id,
                month: b.month.clone(),
                bill_status: enum_from_db(&b.status)?,
                line: line_view((line, x))?,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}
