//! 回访: a month's follow-ups (last month's by default) with the sample's draw, each pending one's
//! answer form (officers), the year's averages per institution and caregiver; the on-demand form
//! lives on the person's page. Institution staff see their own recorded follow-ups.

use axum::extract::{Path, Query, State};
use chrono::Datelike;
use dioxus::prelude::*;
use ltci_shared::api::follow_ups::{
    FollowUp, FollowUpAnswer, FollowUpAverage, FollowUpChannel, FollowUpFilter, FollowUpSampleRequest, FollowUpStatus,
    RequestFollowUp,
};
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::entities::enum_to_db;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::supervision::follow_ups;

const PAGE_SIZE: u64 = 50;

const DONE: [fn() -> Text; 3] = [m::ui_done_sample_drawn, m::ui_done_answers_recorded, m::ui_done_follow_up_requested];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    month: Option<String>,
    status: Option<String>,
    offset: Option<u64>,
    done: Option<String>,
}

/// The month's follow-ups, its sample and the year's averages.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render(&state, &ctx, &q, notice).await
}

async fn render(state: &AppState, ctx: &Ctx, q: &ListQuery, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let month = q.month.clone().filter(|m| !m.trim().is_empty()).unwrap_or_else(|| format::last_month(ctx.actor.today));
    let status: Option<FollowUpStatus> = html::choice(&q.status);
    let filter = FollowUpFilter { month: Some(month.clone()), status, ..FollowUpFilter::default() };
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = follow_ups::list(state, a, filter, page).await?;
    let agency = a.can(Permission::ReadSupervisionPlans);
    let sample = if agency { follow_ups::sample_of(state, a, &month).await? } else { None };
    let manages = a.can(Permission::ManageFollowUps);
    let year = month.get(..4).and_then(|y| y.parse().ok()).unwrap_or(a.today.year());
    let averages = follow_ups::averages(state, a, year).await?;
    let query = html::query_of(&[("month", &Some(month.clone())), ("status", &q.status)]);
    let statuses = [FollowUpStatus::Pending, FollowUpStatus::Done, FollowUpStatus::Unreachable];
    let sample_notice = notice.of_form("sample");
    let body = rsx! {
        p { class: "muted", {m::ui_follow_up_hint().render(l)} }
        form { class: "filters", method: "get", action: "/follow-ups",
            label { r#for: "f-month", {m::ui_month_of_care().render(l)} }
            input { id: "f-month", r#type: "month", name: "month", value: "{month}" }
            label { r#for: "f-status", {m::ui_status().render(l)} }
            select { id: "f-status", name: "status",
                option { value: "", "—" }
                for s in statuses {
                    option { value: enum_to_db(&s), selected: status == Some(s), {s.text().render(l)} }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        if let Some(s) = &sample {
            p { {m::ui_sample_drawn(s.size, s.population, s.seed.clone()).render(l)} }
        } else if manages {
            form { id: "sample", class: "row no-print", method: "post", action: "/follow-ups/sample",
                {html::csrf(ctx)}
                input { r#type: "hidden", name: "month", value: "{month}" }
                label { r#for: "sample-size", {m::ui_follow_up_sample_size().render(l)} }
                input { id: "sample-size", name: "size", value: "20", inputmode: "numeric", size: "5", required: true }
                label { r#for: "sample-seed", {m::ui_seed().render(l)} }
                input { id: "sample-seed", name: "seed", maxlength: "64" }
                button { r#type: "submit", {m::ui_draw_follow_up_sample().render(l)} }
                for (field, why) in sample_notice.fields.iter() { span { class: "why", "{field}: {why}" } }
            }
        }
        {table(ctx, &found.items, manages, &notice)}
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/follow-ups", &query, found.offset, found.limit, found.total)}
        h2 { {m::ui_follow_up_averages(year).render(l)} }
        {averages_table(ctx, m::ui_institution(), &averages.institutions, "institutions")}
        {averages_table(ctx, m::ui_caregiver(), &averages.caregivers, "caregivers")}
    };
    Ok(html::respond(ctx, Page::new("/follow-ups", m::ui_follow_ups().render(l), body).with_notice(notice)))
}

fn yes_no(v: Option<bool>, l: ltci_shared::text::Lang) -> String {
    v.map(|b| if b { m::ui_yes() } else { m::ui_no() }.render(l)).unwrap_or_default()
}

fn table(ctx: &Ctx, items: &[FollowUp], forms: bool, notice: &Notice) -> Element {
    let l = ctx.lang;
    if items.is_empty() {
        return rsx! {};
    }
    rsx! {
        table {
            thead { tr {
                th { scope: "col", {m::ui_person().render(l)} }
                th { scope: "col", {m::ui_institution().render(l)} }
                th { scope: "col", {m::ui_caregiver().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
                th { scope: "col", {m::ui_follow_up_answers().render(l)} }
            } }
            tbody {
                for f in items.iter() {
                    tr {
                        td {
                            a { href: "/persons/{f.insured_person_id}", "{f.person_name}" }
                            if let Some(r) = &f.reason { br {} span { class: "muted", "{r}" } }
                        }
                        td { "{f.institution_name}" }
                        td {
                            match (f.caregiver_id, &f.caregiver_name) {
                                (Some(c), Some(n)) => rsx! { a { href: "/caregivers/{c}", "{n}" } },
                                _ => rsx! {},
                            }
                        }
                        td { {f.status.text().render(l)} if let Some(c) = f.channel { " · " {c.text().render(l)} } }
                        td {
                            if f.status == FollowUpStatus::Done {
                                {m::ui_care_given_q().render(l)} " " strong { {yes_no(f.care_given, l)} } br {}
                                {m::ui_payment_asked_q().render(l)} " " strong { {yes_no(f.payment_asked, l)} } br {}
                                {m::ui_satisfaction().render(l)} " " strong { {f.satisfaction.map(|s| s.to_string()).unwrap_or_default()} }
                            }
                            if let Some(c) = &f.comment { p { class: "muted", "{c}" } }
                            for id in f.finding_ids.iter() {
                                a { href: "/findings/{id}", {m::ui_finding().render(l)} } " "
                            }
                            if forms && f.status == FollowUpStatus::Pending {
                                {answer_form(ctx, f, &notice.of_form(&format!("answer-{}", f.id)))}
                            }
                        }
                    }
                }
            }
        }
    }
}

fn answer_form(ctx: &Ctx, f: &FollowUp, notice: &Notice) -> Element {
    let l = ctx.lang;
    let why = |field: &str| notice.field(field).map(str::to_owned);
    let yes_no_field = |name: &'static str, label: Text| {
        let why = why(name);
        rsx! {
            fieldset {
                legend { {label.render(l)} }
                label { input { r#type: "radio", name: name, value: "true" } " " {m::ui_yes().render(l)} }
                label { input { r#type: "radio", name: name, value: "false" } " " {m::ui_no().render(l)} }
                if let Some(w) = why { span { class: "why", "{w}" } }
            }
        }
    };
    let satisfaction_why = why("satisfaction");
    rsx! {
        details { class: "no-print", open: !notice.fields.is_empty(),
            summary { {m::ui_record_answers().render(l)} }
            form { id: "answer-{f.id}", class: "step", method: "post", action: "/follow-ups/{f.id}/answer",
                {html::csrf(ctx)}
                input { r#type: "hidden", name: "version", value: "{f.version}" }
                div { class: "field",
                    label { r#for: "status-{f.id}", {m::ui_status().render(l)} }
                    select { id: "status-{f.id}", name: "status",
                        option { value: "done", {m::ui_reached().render(l)} }
                        option { value: "unreachable", {FollowUpStatus::Unreachable.text().render(l)} }
                    }
                }
                div { class: "field",
                    label { r#for: "channel-{f.id}", {m::ui_channel().render(l)} }
                    select { id: "channel-{f.id}", name: "channel",
                        for c in [FollowUpChannel::Phone, FollowUpChannel::Visit] {
                            option { value: enum_to_db(&c), {c.text().render(l)} }
                        }
                    }
                }
                {yes_no_field("care_given", m::ui_care_given_q())}
                {yes_no_field("payment_asked", m::ui_payment_asked_q())}
                fieldset {
                    legend { {m::ui_satisfaction().render(l)} }
                    for n in 1..=5u8 {
                        label { input { r#type: "radio", name: "satisfaction", value: "{n}" } " {n}" }
                    }
                    if let Some(w) = satisfaction_why { span { class: "why", "{w}" } }
                }
                div { class: "field",
                    label { r#for: "comment-{f.id}", {m::ui_comment().render(l)} }
                    textarea { id: "comment-{f.id}", name: "comment", rows: "2", maxlength: "1000" }
                }
                button { r#type: "submit", {m::ui_record_answers().render(l)} }
            }
        }
    }
}

fn averages_table(ctx: &Ctx, who: Text, rows: &[FollowUpAverage], kind: &str) -> Element {
    let l = ctx.lang;
    if rows.is_empty() {
        return rsx! {};
    }
    rsx! {
        table { id: "averages-{kind}",
            thead { tr {
                th { scope: "col", {who.render(l)} }
                th { scope: "col", class: "num", {m::ui_answered_n().render(l)} }
                th { scope: "col", class: "num", {m::ui_unreachable_n().render(l)} }
                th { scope: "col", class: "num", {m::ui_mean_satisfaction().render(l)} }
                th { scope: "col", class: "num", {m::ui_care_not_given_n().render(l)} }
                th { scope: "col", class: "num", {m::ui_payment_asked_n().render(l)} }
            } }
            tbody {
                for r in rows.iter() {
                    tr {
                        td { "{r.name}" }
                        td { class: "num", "{r.answered}" }
                        td { class: "num", "{r.unreachable}" }
                        td { class: "num", {r.average_satisfaction.map(|a| format!("{a:.2}")).unwrap_or_else(|| "—".into())} }
                        td { class: "num", "{r.care_not_given}" }
                        td { class: "num", "{r.payment_asked}" }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SampleForm {
    #[serde(default)]
    month: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    seed: String,
}

/// Draws the month's sample (officers), back to the month.
pub async fn sample(State(state): State<AppState>, posted: Posted<SampleForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let req = FollowUpSampleRequest {
        month: form.month.clone(),
        size: form.size.trim().parse().unwrap_or(0),
        seed: Some(form.seed.clone()),
    };
    let q = ListQuery { month: Some(form.month.clone()), ..ListQuery::default() };
    match follow_ups::sample(&state, &ctx.actor, req).await {
        Ok(_) => Ok(html::done_at(&format!("/follow-ups?month={}", form.month.trim()), m::ui_done_sample_drawn())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, n.for_form("sample"))).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    care_given: String,
    #[serde(default)]
    payment_asked: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    version: String,
}

fn flag(text: &str) -> Option<bool> {
    match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Records the answers (officers), back to the follow-up's month.
pub async fn answer(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<AnswerForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let a = &ctx.actor;
    let month = follow_ups::get(&state, a, id).await?.month;
    let done = match (html::required_choice("status", &form.status), html::required_choice("channel", &form.channel)) {
        (Ok(status), Ok(channel)) => {
            let req = FollowUpAnswer {
                status,
                channel,
                care_given: flag(&form.care_given),
                payment_asked: flag(&form.payment_asked),
                satisfaction: form.satisfaction.trim().parse().ok(),
                comment: Some(form.comment.clone()),
                version: form.version.trim().parse().unwrap_or(-1),
            };
            follow_ups::answer(&state, a, id, req).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let q = ListQuery { month: Some(month.clone()), ..ListQuery::default() };
    match done {
        Ok(_) => Ok(html::done_at(&format!("/follow-ups?month={month}"), m::ui_done_answers_recorded())),
        Err(e) => {
            html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, n.for_form(&format!("answer-{id}")))).await
        }
    }
}

/// The on-demand form of a person's page (officers): the month (last month by default), why.
pub fn request_form(ctx: &Ctx, person: Uuid, notice: &Notice) -> Element {
    let l = ctx.lang;
    if !ctx.actor.can(Permission::ManageFollowUps) {
        return rsx! {};
    }
    let notice = notice.of_form("follow-up");
    let id = Uuid::now_v7();
    rsx! {
        form { id: "follow-up", class: "step no-print", method: "post", action: "/follow-ups/request",
            h2 { {m::ui_request_follow_up().render(l)} }
            {html::csrf(ctx)}
            input { r#type: "hidden", name: "id", value: "{id}" }
            input { r#type: "hidden", name: "insured_person_id", value: "{person}" }
            div { class: "field",
                label { r#for: "follow-up-month", {m::ui_month_of_care().render(l)} }
                input { id: "follow-up-month", r#type: "month", name: "month", value: format::last_month(ctx.actor.today), required: true }
                if let Some(w) = notice.field("month") { span { class: "why", "{w}" } }
            }
            {html::reason_field_at("follow-up-reason", "reason", &m::ui_follow_up_reason().render(l), &notice)}
            button { r#type: "submit", class: "secondary", {m::ui_request_follow_up().render(l)} }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    insured_person_id: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    reason: String,
}

/// Asks for a follow-up from a person's page (officers), on to its month.
pub async fn request(State(state): State<AppState>, posted: Posted<RequestForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let person: Uuid = form.insured_person_id.trim().parse().unwrap_or_default();
    let req = RequestFollowUp {
        id: form.id.trim().parse().unwrap_or_default(),
        insured_person_id: person,
        month: form.month.clone(),
        reason: form.reason.clone(),
    };
    match follow_ups::request(&state, &ctx.actor, req).await {
        Ok(f) => Ok(html::done_at(&format!("/follow-ups?month={}", f.month), m::ui_done_follow_up_requested())),
        Err(e) => {
            html::refused_on_page(e, ctx.lang, |n| {
                super::persons::render_person(&state, &ctx, person, None, n.for_form("follow-up"))
            })
            .await
        }
    }
}
