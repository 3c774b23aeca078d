//! Funding reports as CSV: income by source and scheme for a period, and the trial balance
//! (试算平衡表) on a date. Both are computed from the postings in the database, grouped there.

use ltci_shared::messages as m;
use std::collections::HashMap;

use chrono::NaiveDate;
use ltci_shared::api::funding::AccountKind;
use ltci_shared::money::to_yuan;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::ledger::balance_of;
use crate::auth::{Actor, Permission};
use crate::entities::{enum_from_db, journal_entry as je, ledger_account as acct, ledger_posting as lp};
use crate::http::download::csv_text;
use crate::http::error::{ApiError, ApiResult};

/// Per account: (debits, credits) in fen, over the entries of the region effective in `[from, to]`.
async fn totals<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    from: Option<NaiveDate>,
    to: NaiveDate,
) -> ApiResult<HashMap<Uuid, (i64, i64)>> {
    let mut entries = Query::select();
    entries
        .column(je::Column::Id)
        .from(je::Entity)
        .and_where(je::Column::RegionId.eq(region_id))
        .and_where(je::Column::EffectiveOn.lte(to));
    if let Some(from) = from {
        entries.and_where(je::Column::EffectiveOn.gte(from));
    }
    let rows: Vec<(Uuid, Option<i64>, Option<i64>)> = lp::Entity::find()
        .select_only()
        .column(lp::Column::AccountId)
        .column_as(
            Expr::cust("CAST(SUM(CASE WHEN ledger_postings.amount_fen > 0 THEN ledger_postings.amount_fen ELSE 0 END) AS BIGINT)"),
            "debits",
        )
        .column_as(
            Expr::cust("CAST(SUM(CASE WHEN ledger_postings.amount_fen < 0 THEN -ledger_postings.amount_fen ELSE 0 END) AS BIGINT)"),
            "credits",
        )
        .filter(lp::Column::EntryId.in_subquery(entries.to_owned()))
        .group_by(lp::Column::AccountId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, d, c)| (id, (d.unwrap_or(0), c.unwrap_or(0)))).collect())
}

fn check_period(from: NaiveDate, to: NaiveDate) -> ApiResult<()> {
    if to < from {
        return Err(ApiError::invalid_field("to", "before_start", m::period_ends_before_start()));
    }
    Ok(())
}

/// `source,scheme,account,amount`: money received in the period per income account (reversals
/// in the period count against it), then a total line.
pub async fn income_csv<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<String> {
    actor.require(Permission::ReadFunding)?;
    check_period(from, to)?;
    let totals = totals(db, actor.region_id, Some(from), to).await?;
    let accounts = acct::Entity::find()
        .filter(acct::Column::RegionId.eq(actor.region_id))
        .filter(acct::Column::Code.starts_with("income:"))
        .order_by_asc(acct::Column::Code)
        .all(db)
        .await?;
    let lang = crate::language::current();
    let header = [m::col_source(), m::col_scheme(), m::col_account(), m::col_amount()];
    let mut rows = vec![header.iter().map(|t| t.render(lang)).collect::<Vec<_>>()];
    let mut sum = 0i64;
    for a in accounts {
        let (d, c) = totals.get(&a.id).copied().unwrap_or((0, 0));
        let amount = c - d;
        if d == 0 && c == 0 {
            continue;
        }
        sum += amount;
        let mut parts = a.code.splitn(3, ':').skip(1);
        let (source, scheme) =
            (parts.next().unwrap_or_default().to_string(), parts.next().unwrap_or_default().to_string());
        rows.push(vec![source, scheme, a.name, to_yuan(amount).to_string()]);
    }
    rows.push(vec![m::row_total().render(lang), String::new(), String::new(), to_yuan(sum).to_string()]);
    csv_text(rows)
}

/// `code,name,kind,debits,credits,balance` for every account on `on`, then the totals, whose
/// debits equal their credits.
pub async fn trial_balance_csv<C: ConnectionTrait>(db: &C, actor: &Actor, on: NaiveDate) -> ApiResult<String> {
    actor.require(Permission::ReadFunding)?;
    let totals = totals(db, actor.region_id, None, on).await?;
    let accounts = acct::Entity::find()
        .filter(acct::Column::RegionId.eq(actor.region_id))
        .order_by_asc(acct::Column::Code)
        .all(db)
        .await?;
    let lang = crate::language::current();
    let header = [m::col_code(), m::col_name(), m::col_kind(), m::col_debits(), m::col_credits(), m::col_balance()];
    let mut rows = vec![header.iter().map(|t| t.render(lang)).collect::<Vec<_>>()];
    let (mut all_d, mut all_c) = (0i64, 0i64);
    for a in accounts {
        let kind: AccountKind = enum_from_db(&a.kind)?;
        let (d, c) = totals.get(&a.id).copied().unwrap_or((0, 0));
        all_d += d;
        all_c += c;
        rows.push(vec![
            a.code,
            a.name,
            a.kind,
            to_yuan(d).to_string(),
            to_yuan(c).to_string(),
            to_yuan(balance_of(kind, d - c)).to_string(),
        ]);
    }
    rows.push(vec![
        m::row_total().render(lang),
        String::new(),
        String::new(),
        to_yuan(all_d).to_string(),
        to_yuan(all_c).to_string(),
        String::new(),
    ]);
    csv_text(rows)
}
