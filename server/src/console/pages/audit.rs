//! 审计日志: the region's audit trail searched by entity, actor, action and date, each event with
//! the state before and after, the fields changed and the reason given (officers and auditors).

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
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let body = rsx! {
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
                        td { {format::at(e.at, ctx.tz)} }
                        td { {e.actor_username.clone().unwrap_or_default()} }
                        td { code { "{e.action}" } }
                        td { "{e.entity_type} " code { "{e.entity_id}" } }
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
