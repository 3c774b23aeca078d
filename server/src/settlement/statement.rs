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
use crate::entities::{bill, journal_entry as je, ledger_account as acct, ledger_posting as lp};
use crate::http::error::ApiResult;
use crate::state::AppState;

pub async fn statement(state: &AppState, actor: &Actor, institution_id: Uuid) -> ApiResult<Statement> {
    actor.require(Permission::ReadBills)?;
    let inst = bills::institution_in_scope(&state.db, actor, institution_id).await?;
    // Each of its accounts: whether it is the payable (else a deposit).
    let payable_code = payable(inst.id).code;
    let mut codes: Vec<String> = [Scheme::Employee, Scheme::Resident].map(|s| deposit(inst.id, s).code).to_vec();
    codes.push(payable_code.clone());
    let accounts: HashMap<Uuid, bool> = acct::Entity::find()
        .filter(acct::Column::RegionId.eq(actor.region_id))
        .filter(acct::Column::Code.is_in(codes))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.code == payable_code))
        .collect();
    // What each entry added to (payable, deposit). Liabilities: a credit adds to what is owed.
    let mut moves: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for p in lp::Entity::find()
        .filter(lp::Column::AccountId.is_in(accounts.keys().copied().collect::<Vec<_>>()))
        .all(&state.db)
        .await?
    {
        let m = moves.entry(p.entry_id).or_default();
        if accounts.get(&p.account_id).copied().unwrap_or(false) {
            m.0 -= p.amount_fen;
        } else {
            m.1 -= p.amount_fen;
        }
    }
    let journal = je::Entity::find()
        .filter(je::Column::Id.is_in(moves.keys().copied().collect::<Vec<_>>()))
        .order_by_asc(je::Column::EffectiveOn)
        .order_by_asc(je::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let (payable_total, deposit_total) = moves.values().fold((0, 0), |(p, d), m| (p + m.0, d + m.1));
    let entries = journal
        .into_iter()
        .map(|e| {
            let (p, d) = moves.get(&e.id).copied().unwrap_or_default();
            StatementEntry {
                entry_id: e.id,
                reference: e.reference,
                kind: e.kind,
                description: e.description,
                effective_on: e.effective_on,
                payable: to_yuan(p),
                deposit: to_yuan(d),
            }
        })
        .collect();
    let rows = bill::Entity::find()
        .filter(scope::bills(actor))
        .filter(bill::Column::InstitutionId.eq(inst.id))
        .order_by_desc(bill::Column::Month)
        .all(&state.db)
        .await?;
    let bills = bills::views(&state.db, rows).await?;
    let paid = bills.iter().filter(|b| b.status == BillStatus::Paid).filter_map(|b| b.paid).sum();
    Ok(Statement {
        institution_id: inst.id,
        payable: to_yuan(payable_total),
        deposit_withheld: to_yuan(deposit_total),
        paid,
        bills,
        entries,
    })
}
