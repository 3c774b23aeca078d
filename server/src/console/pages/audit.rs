//! 审计日志: the region's audit trail searched by entity, actor, action and date, each event with
//! the state before and after, the fields changed and the reason given, each entity and actor a
//! link to their whole history; the audit chain's head, and the chain verified on demand
//! (officers and auditors).

use axum::extract::{Query, State};
use dioxus::prelude::*;
use ltci_shared::messages as m;
use serde::Deserialize;

use crate::audit::{self, AuditFilter};
use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::Ctx;
use crate::http::pagination::PageRequest;
use crate::state::AppState;

const PAGE_SIZE: u64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    entity_type: Option<String>,
    entity_id: Option<String>,
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    offset: Option<u64>,
}

impl ListQuery {
    fn query_string(&self) -> String {
        html::query_of(&[
            ("entity_type", &self.entity_type),
            ("entity_id", &self.entity_id),
            ("action", &self.action),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
        ])
    }
}

/// The trail, newest first, 50 a page.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let l = ctx.lang;
    let mut notice = Notice::default();
    let mut day = |field: &str, v: &Option<String>| match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                notice.refused = Some(m::ui_check_fields().render(l));
                notice.fields.push((field.to_owned(), m::invalid_date().render(l)));
                None
            }
        },
    };
    let (from, to) = (day("from", &q.from), day("to", &q.to));
    let filter = AuditFilter {
        entity_type: q.entity_type.clone(),
        entity_id: q.entity_id.clone(),
        action: q.action.clone(),
        actor: q.actor.clone(),
        from,
        to,
    };
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = audit::list(&state, &ctx.actor, filter, page).await?;
    let head = audit::chain_head(&state, &ctx.actor).await?;
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let body = rsx! {
        section { class: "chain",
            h2 { {m::ui_audit_chain().render(l)} }
            {head_facts(&ctx, head.as_ref())}
            p { class: "muted", {m::ui_chain_note().render(l)} }
            p { a { href: "/audit/chain", {m::ui_chain_verify().render(l)} } }
        }
        form { class: "filters", method: "get", action: "/audit",
            {html::text_field("entity_type", &m::ui_entity_type().render(l), &v(&q.entity_type), &notice, false)}
            {html::text_field("entity_id", &m::ui_entity_id().render(l), &v(&q.entity_id), &notice, false)}
            {html::text_field("action", &m::ui_action().render(l), &v(&q.action), &notice, false)}
            {html::text_field("actor", &m::ui_actor().render(l), &v(&q.actor), &notice, false)}
            {html::date_field("from", &m::ui_from_day().render(l), &v(&q.from), &notice)}
            {html::date_field("to", &m::ui_to_day().render(l), &v(&q.to), &notice)}
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", class: "num", {m::ui_chain_seq().render(l)} }
                th { scope: "col", {m::ui_time().render(l)} }
                th { scope: "col", {m::ui_actor().render(l)} }
                th { scope: "col", {m::ui_action().render(l)} }
                th { scope: "col", {m::ui_entity().render(l)} }
                th { scope: "col", {m::ui_before_after().render(l)} }
                th { scope: "col", {m::ui_fields_changed().render(l)} }
                th { scope: "col", {m::ui_reason().render(l)} }
            } }
            tbody {
                for e in found.items.iter() {
                    tr {
                        td { class: "num", {e.seq.map(|s| s.to_string()).unwrap_or_default()} }
                        td { {format::at(e.at, ctx.tz)} }
                        td {
                            if let Some(who) = &e.actor_username {
                                a { href: html::actions_href(who), "{who}" }
                            }
                        }
                        td { code { "{e.action}" } }
                        td { a { href: html::history_href(&e.entity_type, &e.entity_id), "{e.entity_type} " code { "{e.entity_id}" } } }
                        td {
                            if e.state_before.is_some() || e.state_after.is_some() {
                                {format!("{} → {}", v(&e.state_before), v(&e.state_after))}
                            }
                        }
                        td { {e.changed_fields.join(", ")} }
                        td { {v(&e.reason)} }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/audit", &q.query_string(), found.offset, found.limit, found.total)}
    };
    Ok(html::respond(&ctx, Page::new("/audit", m::ui_audit_trail().render(l), body).with_notice(notice)))
}

/// The chain's head: how many records, the last hash, when it was last linked.
fn head_facts(ctx: &Ctx, head: Option<&crate::entities::audit_chain_head::Model>) -> Element {
    let l = ctx.lang;
    match head {
        None => rsx! { p { {m::ui_chain_pending().render(l)} } },
        Some(h) => rsx! {
            dl { class: "facts",
                dt { {m::ui_chain_records().render(l)} } dd { "{h.seq}" }
                dt { {m::ui_chain_last_hash().render(l)} } dd { code { class: "hash", "{h.hash}" } }
                dt { {m::ui_chain_linked_at().render(l)} } dd { {format::at(h.updated_at, ctx.tz)} }
            }
        },
    }
}

/// 校验审计链: the region's chain walked now, every hash recomputed; sound, or its first broken
/// link and the records written outside it.
pub async fn chain(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let l = ctx.lang;
    let c = audit::verify_region(&state, &ctx.actor).await?;
    let head = audit::chain_head(&state, &ctx.actor).await?;
    let body = rsx! {
        if c.first_break.is_none() {
            p { class: "notice done", {m::ui_chain_sound(c.head_seq).render(l)} }
        }
        if let Some(b) = &c.first_break {
            div { class: "notice refused",
                strong { {m::ui_chain_broken(c.verified).render(l)} }
                p { {b.text().render(l).trim().to_owned()} }
            }
        }
        if c.unlinked > 0 {
            p { class: "notice refused", {m::ui_chain_unlinked(c.unlinked).render(l)} }
        }
        {head_facts(&ctx, head.as_ref())}
        p { class: "muted", {m::ui_chain_note().render(l)} }
    };
    Ok(html::respond(
        &ctx,
        Page::new("/audit", m::ui_chain_verify().render(l), body).under(m::ui_audit_trail().render(l), "/audit"),
    ))
}
