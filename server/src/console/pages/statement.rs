//! 对账单: an institution's statement — what the fund owes it, what was paid, the quality deposit
//! withheld and settled year by year, its bills and the entries on its accounts with running
//! balances — printed on A4 with signature lines and downloaded as CSV, from the function the API
//! answers `GET /institutions/{id}/statement` with.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Datelike;
use dioxus::prelude::*;
use ltci_shared::api::settlement::{Statement, StatementEntry};
use ltci_shared::messages as m;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::console::error::{PageResult, Refusal};
use crate::console::format;
use crate::console::html::{self, Page};
use crate::console::session::Ctx;
use crate::settlement;
use crate::state::AppState;

/// A year's deposit: withheld from the year's payments, settled (paid back or kept) by the year's
/// release, still held.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct DepositYear {
    pub(super) withheld: Decimal,
    pub(super) settled: Decimal,
}

/// The deposit by the year it was withheld in: a release entry (`deposit-release:<id>:<year>`)
/// settles its own year, whenever it was posted.
pub(super) fn deposit_by_year(entries: &[StatementEntry]) -> BTreeMap<i32, DepositYear> {
    let mut years: BTreeMap<i32, DepositYear> = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.deposit.is_zero()) {
        let released_year = (e.kind == "deposit_release")
            .then(|| e.reference.rsplit(':').next().and_then(|y| y.parse::<i32>().ok()))
            .flatten();
        let y = years.entry(released_year.unwrap_or_else(|| e.effective_on.year())).or_default();
        if e.deposit > Decimal::ZERO { y.withheld += e.deposit } else { y.settled -= e.deposit }
    }
    years
}

/// The entries with what the fund owes and the deposit held after each.
fn running(entries: &[StatementEntry]) -> Vec<(&StatementEntry, Decimal, Decimal)> {
    let (mut owed, mut held) = (Decimal::ZERO, Decimal::ZERO);
    entries
        .iter()
        .map(|e| {
            owed += e.payable;
            held += e.deposit;
            (e, owed, held)
        })
        .collect()
}

/// The statement's page.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<Uuid>) -> PageResult {
    let l = ctx.lang;
    let st: Statement = settlement::statement::statement(&state, &ctx.actor, id).await?;
    let name = super::bills::institution_names(&state, &ctx, vec![id]).await?.remove(&id).unwrap_or_default();
    let years = deposit_by_year(&st.entries);
    let rows = running(&st.entries);
    let body = rsx! {
        p { class: "muted", {m::ui_statement_on(format::day(ctx.actor.today)).render(l)} }
        dl { class: "facts",
            dt { {m::ui_institution().render(l)} } dd { "{name}" }
            dt { {m::ui_owed().render(l)} } dd { strong { {format::yuan(st.payable)} } }
            dt { {m::ui_paid_total().render(l)} } dd { {format::yuan(st.paid)} }
            dt { {m::ui_deposit_held().render(l)} } dd { {format::yuan(st.deposit_withheld)} }
        }
        p { class: "no-print",
            a { href: "/institutions/{id}/statement.csv", {m::ui_download_statement().render(l)} }
            " · "
            button { r#type: "button", class: "link", "data-print": "true", {m::ui_print_statement().render(l)} }
        }
        h2 { {m::ui_deposit_by_year().render(l)} }
        table {
            thead { tr {
                th { scope: "col", {m::ui_year().render(l)} }
                th { scope: "col", class: "num", {m::ui_deposit_withheld_in_year().render(l)} }
                th { scope: "col", class: "num", {m::ui_deposit_released_in_year().render(l)} }
                th { scope: "col", class: "num", {m::ui_deposit_kept_in_year().render(l)} }
            } }
            tbody {
                for (year, y) in years.iter() {
                    tr {
                        td { "{year}" }
                        td { class: "num", {format::yuan(y.withheld)} }
                        td { class: "num", {format::yuan(y.settled)} }
                        td { class: "num", {format::yuan(y.withheld - y.settled)} }
                    }
                }
            }
        }
        if years.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        h2 { {m::ui_home_bills().render(l)} }
        table {
            thead { tr {
                th { scope: "col", {m::ui_month().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
                th { scope: "col", class: "num", {m::ui_fund_amount().render(l)} }
                th { scope: "col", class: "num", {m::ui_deducted().render(l)} }
                th { scope: "col", class: "num", {m::ui_payable().render(l)} }
                th { scope: "col", class: "num", {m::ui_withheld().render(l)} }
                th { scope: "col", class: "num", {m::ui_paid().render(l)} }
                th { scope: "col", {m::ui_bank_reference().render(l)} }
            } }
            tbody {
                for b in st.bills.iter() {
                    tr {
                        td { a { href: "/settlements/{b.id}", {format::month_text(l, &b.month)} } }
                        td { span { class: "state", {b.status.text().render(l)} } }
                        td { class: "num", {format::yuan(b.fund_amount)} }
                        td { class: "num", {format::yuan(b.deducted)} }
                        td { class: "num", {format::yuan(b.payable)} }
                        td { class: "num", {b.withheld.map(format::yuan).unwrap_or_default()} }
                        td { class: "num", {b.paid.map(format::yuan).unwrap_or_default()} }
                        td { {b.bank_reference.clone().unwrap_or_default()} }
                    }
                }
            }
        }
        h2 { {m::ui_entries().render(l)} }
        table {
            thead { tr {
                th { scope: "col", {m::ui_entry_date().render(l)} }
                th { scope: "col", {m::ui_reference().render(l)} }
                th { scope: "col", {m::ui_description().render(l)} }
                th { scope: "col", class: "num", {m::ui_payable().render(l)} }
                th { scope: "col", class: "num", {m::ui_owed().render(l)} }
                th { scope: "col", class: "num", {m::ui_deposit_held().render(l)} }
            } }
            tbody {
                for (e, owed, held) in rows.iter() {
                    tr {
                        td { {format::day(e.effective_on)} }
                        td { "{e.reference}" }
                        td { "{e.description}" }
                        td { class: "num", {format::yuan(e.payable)} }
                        td { class: "num", {format::yuan(*owed)} }
                        td { class: "num", {format::yuan(*held)} }
                    }
                }
            }
        }
    };
    let mut page = Page::new("/institutions", m::ui_statement_of(&name).render(l), body);
    if ctx.actor.institution_id.is_none() {
        page = page.under(m::ui_institutions().render(l), "/institutions");
    }
    let page = page.under(name.clone(), format!("/institutions/{id}"));
    Ok(html::respond(&ctx, page.signed()))
}

/// The statement's entries with running balances, then its bills, as CSV.
pub async fn csv(ctx: Ctx, State(state): State<AppState>, Path(id): Path<Uuid>) -> Result<Response, Refusal> {
    let lang = ctx.lang;
    let st = settlement::statement::statement(&state, &ctx.actor, id).await?;
    let header = [
        m::ui_entry_date(),
        m::ui_reference(),
        m::ui_description(),
        m::ui_payable(),
        m::ui_deposit_change(),
        m::ui_owed(),
        m::ui_deposit_held(),
    ];
    let mut out = vec![header.iter().map(|h| h.render(lang)).collect::<Vec<_>>()];
    for (e, owed, held) in running(&st.entries) {
        out.push(vec![
            e.effective_on.to_string(),
            e.reference.clone(),
            e.description.clone(),
            e.payable.to_string(),
            e.deposit.to_string(),
            owed.to_string(),
            held.to_string(),
        ]);
    }
    let body = crate::http::download::csv_text(out)?;
    let mut resp = crate::http::download::csv_response(&format!("statement-{id}.csv"), body);
    html::secure_headers(resp.headers_mut());
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn entry(kind: &str, reference: &str, on: &str, deposit: &str) -> StatementEntry {
        StatementEntry {
            entry_id: Uuid::nil(),
            reference: reference.into(),
            kind: kind.into(),
            description: String::new(),
            effective_on: on.parse::<NaiveDate>().expect("day"),
            payable: Decimal::ZERO,
            deposit: deposit.parse().expect("amount"),
        }
    }

    #[test]
    fn a_release_settles_the_year_it_names_whenever_it_is_posted() {
        let entries = [
            entry("settlement_payment", "pay:1", "2025-11-05", "12.40"),
            entry("settlement_payment", "pay:2", "2026-01-05", "10.00"),
            entry("deposit_release", "deposit-release:x:2025", "2026-03-01", "-12.40"),
        ];
        let years = deposit_by_year(&entries);
        let y2025 = DepositYear { withheld: "12.40".parse().expect("d"), settled: "12.40".parse().expect("d") };
        assert_eq!(years.get(&2025), Some(&y2025));
        assert_eq!(
            years.get(&2026),
            Some(&DepositYear { withheld: "10.00".parse().expect("d"), settled: Decimal::ZERO })
        );
        let balances: Vec<Decimal> = running(&entries).into_iter().map(|(_, _, held)| held).collect();
        assert_eq!(balances, ["12.40", "22.40", "10.00"].map(|v| v.parse::<Decimal>().expect("d")));
    }
}
