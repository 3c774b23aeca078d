//! 合作方事件: the hospital stays and deaths partner systems reported, by state; the queue of
//! those whose ID number matched nobody, matched again or put aside with a reason. Each form
//! calls the function the API calls.

use axum::extract::{Path, Query, State};
use dioxus::prelude::*;
use ltci_shared::api::partners::{
    DismissRequest, DismissalCode, PartnerEventFilter, PartnerEventKind, PartnerEventState, PartnerSource,
};
use ltci_shared::messages as m;
use serde::Deserialize;
use uuid::Uuid;

use crate::audit;
use crate::auth::Permission;
use crate::care::partner_events;
use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::labels;
use crate::console::session::{Ctx, Posted};
use crate::entities::enum_to_db;
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;

const PAGE_SIZE: u64 = 50;
const STATES: [PartnerEventState; 3] =
    [PartnerEventState::Unmatched, PartnerEventState::Matched, PartnerEventState::Dismissed];
const SOURCES: [PartnerSource; 2] = [PartnerSource::MedicalInsurance, PartnerSource::CivilAffairs];
const KINDS: [PartnerEventKind; 3] =
    [PartnerEventKind::HospitalAdmission, PartnerEventKind::HospitalDischarge, PartnerEventKind::Death];
const CODES: [DismissalCode; 2] = [DismissalCode::NotInsuredHere, DismissalCode::ReportedInError];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `unmatched` when not given (the queue); `all` for every state.
    state: Option<String>,
    source: Option<String>,
    kind: Option<String>,
    offset: Option<u64>,
    done: Option<String>,
}

/// The events of a state (the unmatched queue first), latest received first.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &[m::ui_done_dismissed], ctx.lang);
    render(&state, &ctx, &q, notice, None).await
}

/// 重新匹配: the unmatched events against the register as it is now; says how many applied.
/// (Sending it again matches nothing more, so the answer is the page itself.)
pub async fn rematch(State(state): State<AppState>, posted: Posted<NoFields>) -> PageResult {
    let ctx = posted.ctx;
    let q = ListQuery::default();
    match partner_events::rematch(&state, &ctx.actor).await {
        Ok(o) => {
            let waiting =
                PartnerEventFilter { state: Some(PartnerEventState::Unmatched), ..PartnerEventFilter::default() };
            let left =
                partner_events::list(&state, &ctx.actor, waiting, PageRequest { limit: 1, offset: 0 }).await?.total;
            let notice = Notice::done(m::ui_done_rematched(o.applied, left), ctx.lang);
            render(&state, &ctx, &q, notice, None).await
        }
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, n, None)).await,
    }
}

/// A form with nothing in it but its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

#[derive(Debug, Default, Deserialize)]
pub struct DismissForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    reason: String,
}

/// 不予处理: one unmatched event put aside with a code and a reason.
pub async fn dismiss(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<DismissForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = match html::choice::<DismissalCode>(&Some(form.code)) {
        Some(code) => partner_events::dismiss(&state, &ctx.actor, id, DismissRequest { code, reason: form.reason })
            .await
            .map(|_| ()),
        None => Err(ApiError::invalid_field("code", "required", m::dismissal_code_values())),
    };
    match done {
        Ok(()) => Ok(html::done_at("/partner-events", m::ui_done_dismissed())),
        Err(e) => {
            let q = ListQuery::default();
            html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, n, Some(id))).await
        }
    }
}

/// The list; `failed` is the event whose form the notice's fields belong to.
async fn render(state: &AppState, ctx: &Ctx, q: &ListQuery, notice: Notice, failed: Option<Uuid>) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let wanted = match q.state.as_deref() {
        Some("all") => None,
        other => Some(html::choice(&other.map(str::to_owned)).unwrap_or(PartnerEventState::Unmatched)),
    };
    let f = PartnerEventFilter { state: wanted, source: html::choice(&q.source), kind: html::choice(&q.kind) };
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = partner_events::list(state, a, f, page).await?;
    let who: Vec<Uuid> = found.items.iter().filter_map(|e| e.dismissal.as_ref().map(|d| d.by)).collect();
    let names = audit::usernames(&state.db, a.region_id, &who).await?;
    let state_value = wanted.map_or("all".to_owned(), |s| enum_to_db(&s));
    let query = html::query_of(&[("state", &Some(state_value.clone())), ("source", &q.source), ("kind", &q.kind)]);
    let acts = a.can(Permission::ImportPartnerEvents);
    let why = |field: &str| notice.field(field).map(str::to_owned);
    let (why_code, why_reason) = (why("code"), why("reason"));
    let body = rsx! {
        p { class: "muted", {m::ui_partner_events_hint().render(l)} }
        if acts && wanted == Some(PartnerEventState::Unmatched) && found.total > 0 {
            form { class: "inline", method: "post", action: "/partner-events/rematch",
                {html::csrf(ctx)}
                button { r#type: "submit", {m::ui_rematch().render(l)} }
            }
        }
        form { class: "filters", method: "get", action: "/partner-events",
            div { class: "field",
                label { r#for: "f-state", {m::ui_status().render(l)} }
                select { id: "f-state", name: "state", "data-autosubmit": "true",
                    for s in STATES {
                        option { value: enum_to_db(&s), selected: wanted == Some(s), {labels::partner_state(s).render(l)} }
                    }
                    option { value: "all", selected: wanted.is_none(), {m::ui_any().render(l)} }
                }
            }
            div { class: "field",
                label { r#for: "f-source", {m::ui_event_source().render(l)} }
                select { id: "f-source", name: "source", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for s in SOURCES {
                        option { value: enum_to_db(&s), selected: html::choice(&q.source) == Some(s), {labels::partner_source(s).render(l)} }
                    }
                }
            }
            div { class: "field",
                label { r#for: "f-kind", {m::ui_event_kind().render(l)} }
                select { id: "f-kind", name: "kind", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for k in KINDS {
                        option { value: enum_to_db(&k), selected: html::choice(&q.kind) == Some(k), {labels::partner_kind(k).render(l)} }
                    }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_event_source().render(l)} }
                th { scope: "col", {m::ui_reference().render(l)} }
                th { scope: "col", {m::ui_event_kind().render(l)} }
                th { scope: "col", {m::ui_event_on().render(l)} }
                th { scope: "col", {m::ui_episode().render(l)} }
                th { scope: "col", {m::ui_received().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
            } }
            tbody {
                for e in found.items.iter() {
                    tr {
                        td { {labels::partner_source(e.source).render(l)} }
                        td { code { "{e.external_ref}" } }
                        td { {labels::partner_kind(e.kind).render(l)} }
                        td { {format::day(e.on)} }
                        td { "{e.episode_ref.as_deref().unwrap_or(\"\")}" br {} span { class: "muted", "{e.hospital.as_deref().unwrap_or(\"\")}" } }
                        td { {format::at(e.received_at, ctx.tz)} }
                        td {
                            span { class: "state", {labels::partner_state(e.state).render(l)} }
                            if let Some(p) = e.insured_person_id {
                                " " a { href: "/persons/{p}", {m::ui_person().render(l)} }
                            }
                            if let Some(d) = &e.dismissal {
                                br {}
                                span { class: "muted",
                                    {labels::dismissal(d.code).render(l)} "：{d.reason} — "
                                    {names.get(&d.by).cloned().unwrap_or_default()} " " {format::at(d.at, ctx.tz)}
                                }
                            }
                            if acts && e.state == PartnerEventState::Unmatched {
                                form { class: "inline", method: "post", action: "/partner-events/{e.id}/dismiss", "data-confirm": m::ui_dismiss_confirm().render(l),
                                    {html::csrf(ctx)}
                                    select { name: "code", required: true, aria_label: m::ui_dismissal_code().render(l),
                                        for c in CODES {
                                            option { value: enum_to_db(&c), {labels::dismissal(c).render(l)} }
                                        }
                                    }
                                    input { name: "reason", required: true, maxlength: "200", aria_label: m::ui_reason().render(l), placeholder: m::ui_reason().render(l) }
                                    button { r#type: "submit", class: "secondary", {m::ui_dismiss().render(l)} }
                                    if failed == Some(e.id) {
                                        if let Some(w) = &why_code { span { class: "why", "{w}" } }
                                        if let Some(w) = &why_reason { span { class: "why", "{w}" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/partner-events", &query, found.offset, found.limit, found.total)}
    };
    let page = Page::new("/partner-events", m::ui_partner_events().render(l), body).with_notice(notice);
    Ok(html::respond(ctx, page))
}
