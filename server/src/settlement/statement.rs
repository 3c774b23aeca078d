//! An institution's statement (对账单): what the fund owes it, the quality deposit withheld, what
//! was paid, its bills and the ledger entries on its own accounts — nothing of anyone else's.

use std::collections::HashMap;

use ltci_shared::api::registry::Scheme;
use ltci_shared::api::settlement::{BillStatus, Statement, StatementEntry};
use ltci_shared::money::to_yuan;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::bills::{self, deposit, payable};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{bill, enum_to_db, journal_entry as je, ledger_account as acct, ledger_posting as lp};
use crate::http::error::ApiResult;
use crate::state::AppState;

pub async fn statement(state: &AppState, actor: &Actor, institution_id: Uuid) -> ApiResult<Statement> {
    actor.require(Permission::ReadBills)?;
    let inst = bills::institution_in_scope(&state.db, actor, institution_id).await?;
    let payable_code = payable(inst.id).code;
    let deposit_codes: Vec<String> = [Scheme::Employee, Scheme::Resident].map(|s| deposit(inst.id, s).code).to_vec();
    let mut codes = deposit_codes.clone();
    codes.push(payable_code.clone());
    let accounts: HashMap<Uuid, String> = acct::Entity::find()
        .filter(acct::Column::RegionId.eq(actor.region_id))
        .filter(acct::Column::Code.is_in(codes))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.code))
        .collect();
    let postings = lp::Entity::find()
        .filter(lp::Column::AccountId.is_in(accounts.keys().copied().collect::<Vec<_>>()))
        .all(&state.db)
        .await?;
    let entry_ids: Vec<Uuid> = postings.iter().map(|p| p.entry_id).collect();
    let journal = je::Entity::find()
        .filter(je::Column::Id.is_in(entry_ids))
        .order_by_asc(je::Column::EffectiveOn)
        .order_by_asc(je::Column::CreatedAt)
        .all(&state.db)
        .await?;
    // Liabilities: a credit (negative posting) adds to what the fund owes.
    let owed = |entry: Uuid, of: &dyn Fn(&str) -> bool| -> i64 {
        postings
            .iter()
            .filter(|p| p.entry_id == entry && accounts.get(&p.account_id).is_some_and(|c| of(c)))
            .map(|p| -p.amount_fen)
            .sum()
    };
    let mut payable_total = 0;
    let mut deposit_total = 0;
    let mut entries = Vec::with_capacity(journal.len());
    for e in journal {
        let (p, d) = (owed(e.id, &|c| c == payable_code), owed(e.id, &|c| deposit_codes.iter().any(|d| d == c)));
        payable_total += p;
        deposit_total += d;
        entries.push(StatementEntry {
            entry_id: e.id,
            reference: e.reference,
            kind: e.kind,
            description: e.description,
            effective_on: e.effective_on,
            payable: to_yuan(p),
            deposit: to_yuan(d),
        });
    }
    let rows = bill::Entity::find()
        .filter(scope::bills(actor))
        .filter(bill::Column::InstitutionId.eq(inst.id))
        .order_by_desc(bill::Column::Month)
        .all(&state.db)
        .await?;
    let paid: i64 = rows
        .iter()
        .filter(|b| b.status == enum_to_db(&BillStatus::Paid))
        .map(|b| b.fund_fen - b.deducted_fen - b.withheld_fen.unwrap_or(0))
        .sum();
    Ok(Statement {
        institution_id: inst.id,
        payable: to_yuan(payable_total),
        deposit_withheld: to_yuan(deposit_total),
        paid: to_yuan(paid),
        bills: bills::views(&state.db, rows).await?,
        entries,
    })
}
