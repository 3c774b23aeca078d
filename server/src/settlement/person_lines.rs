//! A person's bill lines across bills: what paid (or refused) each day of the person's care, with
//! the bill it is on, latest day first.

use ltci_shared::Page;
use ltci_shared::api::settlement::PersonBillLine;
use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::bills::line_view;
use crate::auth::{Actor, Permission, scope};
use crate::entities::{bill, bill_line, enum_from_db};
use crate::http::error::ApiResult;
use crate::http::pagination::{PageRequest, fetch_page};
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
    let q = bill_line::Entity::find()
        .filter(bill_line::Column::InsuredPersonId.eq(p.id))
        .filter(bill_line::Column::BillId.in_subquery(readable))
        .order_by_desc(bill_line::Column::ServiceOn)
        .order_by_desc(bill_line::Column::BillId)
        .order_by_asc(bill_line::Column::LineNo);
    let found = fetch_page(&state.db, q, page, |m| m).await?;
    let ids: Vec<Uuid> = found.items.iter().map(|l| l.bill_id).collect();
    let bills: HashMap<Uuid, bill::Model> = bill::Entity::find()
        .filter(bill::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let items = found
        .items
        .into_iter()
        .filter_map(|line| bills.get(&line.bill_id).map(|b| (line, b)))
        .map(|(line, b)| {
            Ok(PersonBillLine {
                bill_id: b.id,
                institution_id: b.institution_id,
                month: b.month.clone(),
                bill_status: enum_from_db(&b.status)?,
                line: line_view(line)?,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}
