//! 处理: the sanctions against people in scope (officers and auditors the region's, institution
//! staff those on their own caregivers), newest first, each with its state; officers lift one
//! in force. The address of the public list is given.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use dioxus::prelude::*;
use ltci_shared::api::supervision::{LiftSanction, Sanction, SanctionFilter};
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::supervision::sanctions;

const PAGE_SIZE: u64 = 50;

const DONE: [fn() -> Text; 1] = [m::ui_done_sanction_lifted];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    in_force: Option<String>,
    offset: Option<u64>,
    done: Option<String>,
}

/// The sanctions in scope, 50 a page.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render(&state, &ctx, &q, notice).await
}

async fn render(state: &AppState, ctx: &Ctx, q: &ListQuery, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let in_force = q.in_force.as_deref() == Some("1");
    let filter = SanctionFilter { in_force: in_force.then_some(true), ..SanctionFilter::default() };
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = sanctions::list(state, a, filter, page).await?;
    let ids: Vec<Uuid> = found.items.iter().map(|s| s.institution_id).collect();
    let names = crate::institutions::designation::names(state, a, &ids).await?;
    let region = crate::registry::regions::region_of(&state.db, a.region_id).await?;
    let public = format!("/api/v1/public/regions/{}/sanctions", region.code);
    let query = html::query_of(&[("in_force", &q.in_force)]);
    let body = rsx! {
        p { class: "muted", {m::ui_public_list(public.clone()).render(l)} }
        form { class: "filters", method: "get", action: "/sanctions",
            label { input { r#type: "checkbox", name: "in_force", value: "1", checked: in_force } " " {m::ui_in_force_only().render(l)} }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        {table(ctx, &found.items, &names, true)}
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/sanctions", &query, found.offset, found.limit, found.total)}
    };
    Ok(html::respond(ctx, Page::new("/sanctions", m::ui_sanctions().render(l), body).with_notice(notice)))
}

/// The confirmed finding a sanction form rests on, carried from the finding's page: kept as a
/// hidden field and named with a link to it.
pub fn grounds_field(ctx: &Ctx, finding_id: &str, notice: &Notice) -> Element {
    let l = ctx.lang;
    let id = finding_id.trim();
    if id.is_empty() {
        return rsx! {};
    }
    rsx! {
        input { r#type: "hidden", name: "finding_id", value: "{id}" }
        p { {m::ui_sanction_on_finding().render(l)} " " a { href: "/findings/{id}", code { {id.get(..8).unwrap_or(id)} } } }
        if let Some(w) = notice.field("finding_id") { p { class: "why", "{w}" } }
    }
}

/// What a sanction's state is today.
fn state_text(s: &Sanction, today: chrono::NaiveDate) -> Text {
    match s.lifted_on {
        Some(day) if day <= today => m::ui_sanction_lifted(format::day(day)),
        _ if s.in_force => m::ui_sanction_in_force(),
        _ if s.starts_on > today => m::ui_sanction_pending(),
        _ => m::ui_sanction_ended(),
    }
}

/// Sanctions as a table; with `full`, who was sanctioned and where (the list page), and the form
/// lifting each one in force for officers.
pub fn table(ctx: &Ctx, items: &[Sanction], institutions: &HashMap<Uuid, String>, full: bool) -> Element {
    let l = ctx.lang;
    let today = ctx.actor.today;
    let lifts = full && ctx.actor.can(Permission::ManageSanctions);
    let lift_on = today.to_string();
    rsx! {
        table {
            thead { tr {
                if full {
                    th { scope: "col", {m::ui_name().render(l)} }
                    th { scope: "col", {m::ui_id_number().render(l)} }
                    th { scope: "col", {m::ui_institution().render(l)} }
                }
                th { scope: "col", {m::ui_measure().render(l)} }
                th { scope: "col", {m::ui_period().render(l)} }
                th { scope: "col", {m::ui_reason().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
                th { scope: "col", {m::ui_decided_at().render(l)} }
                if lifts { th { scope: "col", class: "no-print", {m::ui_next_step().render(l)} } }
            } }
            tbody {
                for s in items.iter() {
                    tr {
                        if full {
                            td {
                                match s.caregiver_id {
                                    Some(c) => rsx! { a { href: "/caregivers/{c}", "{s.name}" } },
                                    None => rsx! { "{s.name}" },
                                }
                                br {}
                                span { class: "muted", {s.subject.text().render(l)} }
                                if let Some(f) = s.finding_id {
                                    " · " a { class: "muted", href: "/findings/{f}", {m::ui_finding().render(l)} }
                                }
                            }
                            td { code { "{s.id_number_masked}" } }
                            td { {institutions.get(&s.institution_id).cloned().unwrap_or_default()} }
                        }
                        td { {s.measure.text().render(l)} }
                        td { {format::day(s.starts_on)} " – " {format::day(s.ends_on)} }
                        td { "{s.reason}" }
                        td {
                            {state_text(s, today).render(l)}
                            if let Some(why) = &s.lift_reason { br {} span { class: "muted", "{why}" } }
                        }
                        td { {format::at(s.decided_at, ctx.tz)} }
                        if lifts {
                            td { class: "no-print",
                                if s.in_force {
                                    form { class: "row", method: "post", action: "/sanctions/{s.id}/lift",
                                        {html::csrf(ctx)}
                                        input { r#type: "hidden", name: "version", value: "{s.version}" }
                                        label { r#for: "lift-on-{s.id}", {m::ui_lifted_on().render(l)} }
                                        input { id: "lift-on-{s.id}", r#type: "date", name: "lifted_on", value: "{lift_on}", required: true }
                                        label { r#for: "lift-why-{s.id}", {m::ui_lift_reason().render(l)} }
                                        input { id: "lift-why-{s.id}", name: "reason", required: true, maxlength: "600" }
                                        button { r#type: "submit", class: "secondary", {m::ui_lift_sanction().render(l)} }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LiftForm {
    #[serde(default)]
    lifted_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: String,
}

/// Lifts one sanction (officers), back to the list.
pub async fn lift(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<LiftForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = match html::required_day("lifted_on", &form.lifted_on) {
        Ok(lifted_on) => {
            let req = LiftSanction {
                lifted_on,
                reason: form.reason.trim().to_owned(),
                version: form.version.parse().unwrap_or(-1),
            };
            sanctions::lift(&state, &ctx.actor, id, req).await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(html::done_at("/sanctions", m::ui_done_sanction_lifted())),
        Err(e) => {
            let q = ListQuery::default();
            html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, n)).await
        }
    }
}
