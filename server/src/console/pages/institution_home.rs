//! The institution's 工作台: today's visits by caregiver and state; what waits — the visits'
//! exception queue by kind, caregivers whose app account or certificate needs attention, people
//! served whose certificate expires within 60 days, stays with past bed-days of the month not
//! charged; last month's and this month's bills; the statement's payable, payments and deposit.
//! Visits show only for an institution designated for home visits or family care, stays only for
//! one with beds. Every figure comes from the same functions as the API.

use std::collections::{BTreeMap, HashMap};

use axum::response::Response;
use chrono::{Datelike, Days};
use dioxus::prelude::*;
use ltci_shared::api::assessment::CertificateFilter;
use ltci_shared::api::care::{QueueKind, QueueQuery, VisitState};
use ltci_shared::api::institutions::ServiceMode;
use ltci_shared::api::settlement::BillFilter;
use ltci_shared::messages as m;
use uuid::Uuid;

use super::home::{Queue, cards};
use crate::auth::Permission;
use crate::console::error::Refusal;
use crate::console::format;
use crate::console::html::{self, Page};
use crate::console::labels;
use crate::console::session::Ctx;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::workforce::caregivers;
use crate::{assessment, care, institutions, settlement};

const ONE: PageRequest = PageRequest { limit: 1, offset: 0 };
const DAY_STATES: [VisitState; 6] = [
    VisitState::Scheduled,
    VisitState::InProgress,
    VisitState::Verified,
    VisitState::NeedsReview,
    VisitState::Rejected,
    VisitState::Missed,
];

/// The institution's home page.
pub async fn show(state: &AppState, ctx: &Ctx, institution: Uuid) -> Result<Response, Refusal> {
    let l = ctx.lang;
    let a = &ctx.actor;
    // What the institution is designated for: a nursing home has no visits, an agency no beds.
    let designated = match institutions::designation::in_region(&state.db, a.region_id, institution).await? {
        Some(i) => institutions::views::modes(i.approved_modes.as_deref())?,
        None => Vec::new(),
    };
    let visits = designated.iter().any(|md| matches!(md, ServiceMode::HomeVisit | ServiceMode::FamilyCareSupervision));
    let beds = designated.iter().any(|md| matches!(md, ServiceMode::Institutional | ServiceMode::HospitalWard));
    // Today's visits, counted per caregiver and state.
    let mut today: BTreeMap<String, HashMap<VisitState, u64>> = BTreeMap::new();
    if visits && a.can(Permission::ReadCare) {
        let counted = care::visits::day_by_caregiver(state, a, a.today).await?;
        let ids: Vec<Uuid> = counted.iter().map(|(c, ..)| *c).collect();
        let names = caregivers::names(state, a, &ids).await?;
        for (carer, visit_state, n) in counted {
            // Completed (the check-in still to arrive) is counted with those in progress.
            let shown = if visit_state == VisitState::Completed { VisitState::InProgress } else { visit_state };
            *today.entry(names.get(&carer).cloned().unwrap_or_default()).or_default().entry(shown).or_default() += n;
        }
    }
    let mut queues = Vec::new();
    let exceptions =
        if visits { care::exceptions::queue(state, a, QueueQuery::default(), ONE).await?.counts } else { Vec::new() };
    for c in &exceptions {
        let tone = if c.kind == QueueKind::NeedsReview { "warn" } else { "bad" };
        let href = format!("/visits/exceptions?kind={}", crate::entities::enum_to_db(&c.kind));
        queues.push(Queue { label: labels::queue_kind(c.kind), count: c.count, href, tone });
    }
    let (no_account, disabled, no_certificate) = caregivers::attention_counts(state, a).await?;
    for (label, count) in [
        (m::ui_home_caregivers_no_account(), no_account),
        (m::ui_home_caregivers_disabled(), disabled),
        (m::ui_home_caregivers_no_certificate(), no_certificate),
    ] {
        queues.push(Queue { label, count, href: "/caregivers?status=active".into(), tone: "warn" });
    }
    let f = CertificateFilter { insured_person_id: None, expiring_within_days: Some(60) };
    let expiring = assessment::certificates::list(state, a, f, ONE).await?.total;
    queues.push(Queue { label: m::ui_home_expiring(), count: expiring, href: "/beneficiaries".into(), tone: "warn" });
    let month = a.today.format("%Y-%m").to_string();
    let yesterday = a.today.checked_sub_days(Days::new(1)).unwrap_or(a.today);
    if beds {
        let (stays, _days) = care::stays::uncharged_days(state, a, &month, yesterday).await?;
        let href = format!("/stays/charges?month={month}");
        queues.push(Queue { label: m::ui_home_uncharged(), count: stays, href, tone: "warn" });
    }
    // The bills of last month and this one, and the statement's figures.
    let first = a.today.with_day(1).unwrap_or(a.today);
    let last_month = first.checked_sub_days(Days::new(1)).unwrap_or(first).format("%Y-%m").to_string();
    let mut bills = Vec::new();
    for mo in [last_month, month.clone()] {
        let f = BillFilter { institution_id: Some(institution), month: Some(mo.clone()), status: None };
        bills.push((mo, settlement::bills::list(state, a, f, ONE).await?.items.pop()));
    }
    let statement = settlement::statement::statement(state, a, institution).await?;
    let payments: Vec<_> = statement.bills.iter().filter(|b| b.paid.is_some()).take(3).collect();
    let body = rsx! {
        p { class: "muted", {m::ui_today_is(format::day(a.today)).render(l)} }
        if visits { h2 { {m::ui_todays_visits().render(l)} } }
        if visits && today.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        if !today.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_caregiver().render(l)} }
                    for s in DAY_STATES { th { scope: "col", class: "num", {labels::visit_state(s).render(l)} } }
                    th { scope: "col", class: "num", {m::ui_total().render(l)} }
                } }
                tbody {
                    for (name, by_state) in today.iter() {
                        tr {
                            td { a { href: "/visits", "{name}" } }
                            for s in DAY_STATES { td { class: "num", {by_state.get(&s).map(|n| format::count(*n)).unwrap_or_default()} } }
                            td { class: "num", {format::count(by_state.values().sum())} }
                        }
                    }
                }
            }
        }
        h2 { {m::ui_queues().render(l)} }
        {cards(l, &queues)}
        h2 { {m::ui_home_bills().render(l)} }
        table {
            thead { tr {
                th { scope: "col", {m::ui_month().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
                th { scope: "col", class: "num", {m::ui_lines().render(l)} }
                th { scope: "col", class: "num", {m::ui_payable().render(l)} }
            } }
            tbody {
                for (mo, bill) in bills.iter() {
                    tr {
                        td { {format::month_text(l, mo)} }
                        match bill {
                            Some(b) => rsx! {
                                td { a { href: "/settlements/{b.id}", span { class: "state", {b.status.text().render(l)} } } }
                                td { class: "num", {format::count(u64::from(b.line_count))} }
                                td { class: "num", {format::yuan(b.payable)} }
                            },
                            None => rsx! { td { class: "muted", {m::ui_home_no_bill().render(l)} } td {} td {} },
                        }
                    }
                }
            }
        }
        h2 { {m::ui_statement_summary().render(l)} }
        dl { class: "facts",
            dt { {m::ui_owed().render(l)} } dd { {format::yuan(statement.payable)} }
            dt { {m::ui_paid_total().render(l)} } dd { {format::yuan(statement.paid)} }
            dt { {m::ui_deposit_held().render(l)} } dd { {format::yuan(statement.deposit_withheld)} }
            for b in payments.iter() {
                dt { {format::month_text(l, &b.month)} }
                dd { {b.paid.map(format::yuan).unwrap_or_default()} " · " {b.paid_on.map(format::day).unwrap_or_default()} }
            }
        }
        p { a { href: "/institutions/{institution}/statement", {m::ui_statement().render(l)} } }
    };
    Ok(html::respond(ctx, Page::new("/", m::ui_home().render(l), body)))
}
