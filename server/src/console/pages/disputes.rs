//! 申诉 in the console: the thread of a bill's disputes with the officer's answer forms, the
//! institution's form on a line (a comment on a draft, a dispute once audited, a document
//! attached), and the agency's queue of disputes to answer. Each form calls the function the API
//! calls.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use dioxus::prelude::*;
use ltci_shared::api::institutions::AttachmentKind;
use ltci_shared::api::settlement::{
    AnswerDispute, Bill, BillDispute, BillLine, BillStatus, DisputeDecision, DisputeFilter, DisputeKind,
    DisputeOutcome, DisputeStatus, RaiseDispute,
};
use ltci_shared::messages as m;
use serde::Deserialize;
use uuid::Uuid;

use super::bills;
use crate::auth::Permission;
use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::console::upload::Uploaded;
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::{audit, settlement};

const PAGE_SIZE: u64 = 20;

/// Who raised and answered the disputes shown, by user id.
pub(super) async fn names_of(
    state: &AppState,
    ctx: &Ctx,
    disputes: &[&BillDispute],
) -> Result<HashMap<Uuid, String>, ApiError> {
    let ids: Vec<Uuid> = disputes.iter().flat_map(|d| [Some(d.raised_by), d.answered_by]).flatten().collect();
    audit::usernames(&state.db, ctx.actor.region_id, &ids).await
}

/// One dispute: kind and state, the reason, its documents, the answer and what it changed — with
/// the officer's answer form while it is open.
pub(super) fn thread_item(ctx: &Ctx, d: &BillDispute, who: &HashMap<Uuid, String>, notice: &Notice) -> Element {
    let l = ctx.lang;
    let name = |id: Uuid| who.get(&id).cloned().unwrap_or_default();
    let outcome = match (d.outcome, d.amount) {
        (Some(DisputeOutcome::Lifted), _) => Some(m::ui_dispute_outcome_lifted().render(l)),
        (Some(DisputeOutcome::NextBill), Some(a)) => Some(m::ui_dispute_outcome_next_bill(format::yuan(a)).render(l)),
        _ => None,
    };
    let answers = ctx.actor.can(Permission::SettleBills) && d.status == DisputeStatus::Open;
    // A refused answer is said beside this dispute's form only.
    let notice = &notice.of_form(&answer_form(d.id));
    rsx! {
        div { class: "dispute", id: "dispute-{d.id}",
            p {
                strong { {d.kind.text().render(l)} }
                " · " span { class: "state", {d.status.text().render(l)} }
                " · " {m::ui_raised().render(l)} "：" {name(d.raised_by)} " " {format::at(d.raised_at, ctx.tz)}
            }
            p { "{d.reason}" }
            if !d.attachment_ids.is_empty() {
                p { {m::ui_evidence().render(l)} "："
                    for (i, doc) in d.attachment_ids.iter().enumerate() {
                        a { href: "/institutions/{d.institution_id}/documents/{doc}", {format!("{} {}", m::ui_evidence().render(l), i + 1)} }
                        " "
                    }
                }
            }
            if let (Some(answer), Some(at)) = (&d.answer, d.answered_at) {
                p { class: "answer",
                    {m::ui_answered().render(l)} "：" {d.answered_by.map(name).unwrap_or_default()} " " {format::at(at, ctx.tz)} " — " "{answer}"
                    if let Some(o) = &outcome { " （" "{o}" "）" }
                }
            }
            if answers {
                form { class: "step no-print", method: "post", action: "/disputes/{d.id}/answer",
                    {html::csrf(ctx)}
                    div { class: "field",
                        label { r#for: "decision-{d.id}", {m::ui_answer_dispute().render(l)} }
                        select { id: "decision-{d.id}", name: "decision", required: true,
                            option { value: "accept", {m::ui_dispute_accept().render(l)} }
                            option { value: "reject", {m::ui_dispute_reject().render(l)} }
                        }
                    }
                    {html::reason_field_at(&format!("answer-{}", d.id), "reason", &m::ui_answer_reason().render(l), notice)}
                    if d.kind == DisputeKind::Rejection {
                        {html::text_field_at(&format!("amount-{}", d.id), "amount", &m::ui_dispute_amount().render(l), notice, false)}
                    }
                    button { r#type: "submit", {m::ui_answer_dispute().render(l)} }
                }
            }
        }
    }
}

/// The bill's disputes, line by line, under the lines' heading (nothing when there are none).
pub(super) fn section(
    ctx: &Ctx,
    threads: &HashMap<u32, Vec<BillDispute>>,
    who: &HashMap<Uuid, String>,
    notice: &Notice,
) -> Element {
    let l = ctx.lang;
    let mut lines: Vec<&u32> = threads.keys().collect();
    lines.sort();
    rsx! {
        if !lines.is_empty() {
            section { class: "disputes",
                h2 { {m::ui_disputes().render(l)} }
                for n in lines {
                    h3 { {m::ui_line_no().render(l)} " " "{n}" }
                    for d in threads[n].iter() { {thread_item(ctx, d, who, notice)} }
                }
            }
        }
    }
}

/// Whether the actor may write on this line now: a comment on a draft's line, a dispute of a
/// line the audit deducted from or that was rejected once the bill is submitted.
pub(super) fn may_raise(ctx: &Ctx, b: &Bill, x: &BillLine) -> bool {
    ctx.actor.can(Permission::RaiseDisputes)
        && (b.status == BillStatus::Draft || x.deducted > rust_decimal::Decimal::ZERO || x.rejection.is_some())
}

/// The institution's form on a line: a comment on a draft, a dispute after the audit, with a
/// document if one is chosen. The dispute's id is made with the form, so sending it twice
/// records it once.
pub(super) fn raise_form(ctx: &Ctx, b: &Bill, x: &BillLine, query: &str) -> Element {
    let l = ctx.lang;
    let draft = b.status == BillStatus::Draft;
    let (label, button) = if draft {
        (m::ui_comment_text(), m::ui_comment_line())
    } else {
        (m::ui_dispute_reason(), m::ui_raise_dispute())
    };
    let id = Uuid::now_v7();
    rsx! {
        form { class: "step", method: "post", enctype: "multipart/form-data", action: "/settlements/{b.id}/lines/{x.line_no}/dispute",
            {html::csrf(ctx)}
            input { r#type: "hidden", name: "dispute_id", value: "{id}" }
            input { r#type: "hidden", name: "view", value: "{query}" }
            {html::reason_field_at(&format!("dispute-{}", x.line_no), "reason", &label.render(l), &Notice::default())}
            if !draft {
                div { class: "field",
                    label { r#for: "evidence-{x.line_no}", {m::ui_evidence_file().render(l)} }
                    input { id: "evidence-{x.line_no}", r#type: "file", name: "file", accept: "application/pdf,image/jpeg,image/png" }
                }
            }
            button { r#type: "submit", class: "secondary", {button.render(l)} }
        }
    }
}

/// Raises a dispute (or a comment) from a line's form; the bill's page again.
pub async fn raise(
    State(state): State<AppState>,
    Path((bill_id, line_no)): Path<(Uuid, u32)>,
    up: Uploaded,
) -> PageResult {
    let ctx = &up.ctx;
    let view: bills::BillQuery = serde_urlencoded::from_str(up.field("view")).unwrap_or_default();
    let done = async {
        let b = settlement::bills::get(&state, &ctx.actor, bill_id).await?;
        let id = up.field("dispute_id").parse().unwrap_or_else(|_| Uuid::now_v7());
        // Refused before the document is stored, so a refused dispute leaves none behind.
        settlement::disputes::check_raise(&state, &ctx.actor, bill_id, line_no, id, up.field("reason")).await?;
        let mut attachment_ids = Vec::new();
        if let Some(file) = &up.file {
            let (_, doc) =
                super::institution_info::store(&state, ctx, b.institution_id, AttachmentKind::DisputeEvidence, file)
                    .await?;
            attachment_ids.push(doc.id);
        }
        let req = RaiseDispute { id, reason: up.field("reason").to_owned(), attachment_ids };
        settlement::disputes::raise(&state, &ctx.actor, bill_id, line_no, req).await
    };
    match done.await {
        Ok((_, d)) => {
            let text = if d.status == DisputeStatus::Noted { m::ui_done_commented() } else { m::ui_done_disputed() };
            Ok(html::done_at(&bills::address(bill_id, &view), text))
        }
        Err(e) => html::refused_on_page(e, ctx.lang, |n| bills::render_bill(&state, ctx, bill_id, &view, n)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    amount: String,
}

/// The officer's answer; the bill's page again.
pub async fn answer(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<AnswerForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let d = settlement::disputes::get(&state, &ctx.actor, id).await?;
    let done = async {
        let decision: DisputeDecision = html::required_choice("decision", &form.decision)?;
        let amount = match form.amount.trim() {
            "" => None,
            text => Some(html::money_of("amount", text)?),
        };
        settlement::disputes::answer(&state, &ctx.actor, id, AnswerDispute { decision, reason: form.reason, amount })
            .await
    };
    let view = bills::BillQuery::default();
    match done.await {
        Ok(_) => Ok(html::done_at(&bills::address(d.bill_id, &view), m::ui_done_dispute_answered())),
        Err(e) => {
            let form = answer_form(id);
            html::refused_on_page(e, ctx.lang, |n| {
                bills::render_bill(&state, &ctx, d.bill_id, &view, n.for_form(&form))
            })
            .await
        }
    }
}

/// The name of a dispute's answer form, under which its refusals are said.
fn answer_form(id: Uuid) -> String {
    format!("answer-{id}")
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
    offset: Option<u64>,
}

/// Disputes in scope, oldest first: the agency's queue (open by default).
pub async fn queue(ctx: Ctx, State(state): State<AppState>, Query(q): Query<QueueQuery>) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let status: DisputeStatus = html::choice(&q.status).unwrap_or(DisputeStatus::Open);
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let f = DisputeFilter { status: Some(status), ..DisputeFilter::default() };
    let found = settlement::disputes::list(&state, a, f, page).await?;
    let names = bills::institution_names(&state, &ctx, found.items.iter().map(|d| d.institution_id).collect()).await?;
    let status_value = crate::entities::enum_to_db(&status);
    let query = html::query_of(&[("status", &Some(status_value))]);
    let body = rsx! {
        form { class: "filters", method: "get", action: "/disputes",
            div { class: "field",
                label { r#for: "f-status", {m::ui_status().render(l)} }
                select { id: "f-status", name: "status", "data-autosubmit": "true",
                    for s in [DisputeStatus::Open, DisputeStatus::Accepted, DisputeStatus::Rejected, DisputeStatus::Noted] {
                        option { value: crate::entities::enum_to_db(&s), selected: status == s, {s.text().render(l)} }
                    }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_institution().render(l)} }
                th { scope: "col", {m::ui_month().render(l)} }
                th { scope: "col", class: "num", {m::ui_line_no().render(l)} }
                th { scope: "col", {m::ui_service_on().render(l)} }
                th { scope: "col", {m::ui_disputes().render(l)} }
                th { scope: "col", {m::ui_raised().render(l)} }
            } }
            tbody {
                for d in found.items.iter() {
                    tr {
                        td { {names.get(&d.institution_id).cloned().unwrap_or_default()} }
                        td { a { href: "/settlements/{d.bill_id}?day={d.service_on}#dispute-{d.id}", {format::month_text(l, &d.month)} } }
                        td { class: "num", "{d.line_no}" }
                        td { {format::day(d.service_on)} }
                        td { strong { {d.kind.text().render(l)} } " " "{d.reason}" }
                        td { {format::at(d.raised_at, ctx.tz)} }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_no_disputes().render(l)} } }
        {html::pager(l, "/disputes", &query, found.offset, found.limit, found.total)}
    };
    let page = Page::new("/settlements", m::ui_disputes().render(l), body)
        .under(m::ui_settlements().render(l), "/settlements");
    Ok(html::respond(&ctx, page))
}
