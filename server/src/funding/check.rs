//! The ledger check (`ltci-server ledger-check`): recomputes what the ledger promises from the raw
//! postings — every entry balances, every posting stays within its entry's region, no entry is
//! empty, each account's day totals equal its postings of the day — and reports each account's
//! balance.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use chrono::NaiveDate;

use crate::entities::{
    journal_entry as je, ledger_account as acct, ledger_day_total as day_total, ledger_posting as lp,
};

/// What the check found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LedgerReport {
    pub entries: usize,
    pub postings: usize,
    /// Entries whose postings do not sum to zero, with the sum in fen.
    pub unbalanced: Vec<(Uuid, i128)>,
    /// Entries without postings.
    pub empty: Vec<Uuid>,
    /// Postings on an account of another region than their entry's, or on no account.
    pub misplaced: Vec<Uuid>,
    /// Day totals that differ from their postings: (account, day, sum of the postings, the
    /// stored total), in fen.
    pub totals_off: Vec<(Uuid, NaiveDate, i128, i128)>,
    /// Sum of postings per (region, account code), in fen.
    pub sums: BTreeMap<(Uuid, String), i128>,
}

impl LedgerReport {
    pub fn is_sound(&self) -> bool {
        self.unbalanced.is_empty() && self.empty.is_empty() && self.misplaced.is_empty() && self.totals_off.is_empty()
    }
}

/// Reads every entry, posting and account once and checks them.
pub async fn run<C: ConnectionTrait>(db: &C) -> anyhow::Result<LedgerReport> {
    let accounts: HashMap<Uuid, acct::Model> =
        acct::Entity::find().all(db).await?.into_iter().map(|a| (a.id, a)).collect();
    let entries: HashMap<Uuid, je::Model> = je::Entity::find().all(db).await?.into_iter().map(|e| (e.id, e)).collect();
    let postings = lp::Entity::find().all(db).await?;
    let mut report = LedgerReport { entries: entries.len(), postings: postings.len(), ..Default::default() };
    let mut per_entry: HashMap<Uuid, i128> = HashMap::new();
    let mut per_day: BTreeMap<(Uuid, NaiveDate), i128> = BTreeMap::new();
    for p in &postings {
        *per_entry.entry(p.entry_id).or_default() += i128::from(p.amount_fen);
        if let Some(e) = entries.get(&p.entry_id) {
            *per_day.entry((p.account_id, e.effective_on)).or_default() += i128::from(p.amount_fen);
        }
        match (accounts.get(&p.account_id), entries.get(&p.entry_id)) {
            (Some(a), Some(e)) if a.region_id == e.region_id => {
                *report.sums.entry((a.region_id, a.code.clone())).or_default() += i128::from(p.amount_fen);
            }
            _ => report.misplaced.push(p.id),
        }
    }
    for id in entries.keys() {
        match per_entry.get(id) {
            None => report.empty.push(*id),
            Some(0) => {}
            Some(sum) => report.unbalanced.push((*id, *sum)),
        }
    }
    let mut stored: BTreeMap<(Uuid, NaiveDate), i128> = day_total::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| ((t.account_id, t.day), i128::from(t.amount_fen)))
        .collect();
    for (key, fen) in per_day {
        let kept = stored.remove(&key).unwrap_or(0);
        if kept != fen {
            report.totals_off.push((key.0, key.1, fen, kept));
        }
    }
    report.totals_off.extend(stored.into_iter().filter(|(_, kept)| *kept != 0).map(|((a, d), kept)| (a, d, 0, kept)));
    report.unbalanced.sort();
    report.empty.sort();
    report.misplaced.sort();
    Ok(report)
}
