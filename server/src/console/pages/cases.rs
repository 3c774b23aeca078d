//! 失能评估: cases by state; a case with its rounds, the answers under the instrument's labels,
//! the dimension scores and grades, the level and its history; every workflow step as a form
//! that calls the same function as the API (assign with recusal shown, confirm or return,
//! objection, certificate, appeal).

use axum::extract::{Path, Query, State};
use dioxus::prelude::*;
use ltci_shared::api::assessment::{
    AssessmentCase, AssessorProfile, AssignRequest, CaseFilter, CaseState, Qualification, ReasonRequest, RoundKind,
};
use ltci_shared::messages as m;
use ltci_shared::text::{Lang, Text};
use serde::Deserialize;
use uuid::Uuid;

use crate::assessment;
use crate::auth::Permission;
use crate::console::error::{PageResult, Refusal};
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::http::pagination::PageRequest;
use crate::state::AppState;

const PAGE_SIZE: u64 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    /// `over`: cases in publicity whose period is over (the certificate can be issued).
    publicity: Option<String>,
    offset: Option<u64>,
}

/// Cases, newest first, by state.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let l = ctx.lang;
    let chosen = q.state.as_deref().and_then(CaseState::from_name);
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let over = q.publicity.as_deref() == Some("over");
    let f = CaseFilter { state: chosen, insured_person_id: None, publicity_over: over.then_some(true) };
    let found = assessment::cases::list(&state, &ctx.actor, f, page).await?;
    let names = person_names(&state, &ctx, found.items.iter().map(|c| c.insured_person_id).collect()).await?;
    let publicity = over.then(|| "over".to_owned());
    let query = html::query_of(&[("state", &chosen.map(|s| s.as_str().to_owned())), ("publicity", &publicity)]);
    let body = rsx! {
        form { class: "filters", method: "get", action: "/cases",
            div { class: "field",
                label { r#for: "f-state", {m::ui_status().render(l)} }
                select { id: "f-state", name: "state", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for s in CaseState::ALL {
                        option { value: s.as_str(), selected: chosen == Some(s), {s.text().render(l)} }
                    }
                }
            }
            div { class: "field check",
                input { id: "f-publicity", r#type: "checkbox", name: "publicity", value: "over", checked: over, "data-autosubmit": "true" }
                label { r#for: "f-publicity", {m::ui_publicity_over().render(l)} }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_applied_at().render(l)} }
                th { scope: "col", {m::ui_name().render(l)} }
                th { scope: "col", {m::ui_care_mode().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
                th { scope: "col", {m::ui_level().render(l)} }
            } }
            tbody {
                for c in found.items.iter() {
                    tr {
                        td { a { href: "/cases/{c.id}", {format::at(c.created_at, ctx.tz)} } }
                        td { {names.iter().find(|(id, _)| *id == c.insured_person_id).map(|(_, n)| n.clone()).unwrap_or_default()} }
                        td { {c.care_mode.text().render(l)} }
                        td { span { class: "state", {c.state.text().render(l)} } }
                        td { {latest_level(c).unwrap_or_default()} }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/cases", &query, found.offset, found.limit, found.total)}
    };
    Ok(html::respond(&ctx, Page::new("/cases", m::ui_cases().render(l), body)))
}

/// The applicants' names, in one search of the register (within the actor's scope).
async fn person_names(state: &AppState, ctx: &Ctx, ids: Vec<Uuid>) -> Result<Vec<(Uuid, String)>, Refusal> {
    if ids.is_empty() || !ctx.actor.can(Permission::ReadInsuredPersons) {
        return Ok(Vec::new());
    }
    Ok(crate::registry::persons::names(state, &ctx.actor, &ids).await?)
}

fn latest_level(c: &AssessmentCase) -> Option<String> {
    c.rounds.iter().rev().find_map(|r| r.result.as_ref()).map(|g| g.level_name.clone())
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// One case (after a step, saying it was done).
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render_case(&state, &ctx, id, notice).await
}

/// What a step says once done.
const DONE: [fn() -> Text; 6] = [
    m::ui_done_assigned,
    m::ui_done_confirmed,
    m::ui_done_returned,
    m::ui_done_objection,
    m::ui_done_certified,
    m::ui_done_appeal,
];

/// The fields any step's form may send.
#[derive(Debug, Default)]
struct StepForm {
    reason: Option<String>,
    lead: Option<Uuid>,
    /// The chosen assessors (`assessor=<id>` once per box ticked).
    assessor: Vec<Uuid>,
}

impl StepForm {
    /// From the form's pairs (a field may repeat); an id that is not one counts as none chosen.
    fn from_pairs(pairs: Vec<(String, String)>) -> StepForm {
        let mut f = StepForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "reason" => f.reason = Some(v),
                "lead" => f.lead = v.parse().ok(),
                "assessor" => f.assessor.extend(v.parse::<Uuid>().ok()),
                _ => {}
            }
        }
        f
    }
}

/// Runs one workflow step; the case page again, saying it was done or why it was refused.
pub async fn step(
    State(state): State<AppState>,
    Path((id, step)): Path<(Uuid, String)>,
    posted: Posted<Vec<(String, String)>>,
) -> PageResult {
    let Posted { ctx, form } = posted;
    let form = StepForm::from_pairs(form);
    let a = &ctx.actor;
    let reason = || ReasonRequest { reason: form.reason.clone().unwrap_or_default() };
    let done = match step.as_str() {
        "assign" => {
            let req = AssignRequest {
                assessor_ids: form.assessor.clone(),
                lead_assessor_id: form.lead.unwrap_or(Uuid::nil()),
            };
            assessment::workflow::assign(&state, a, id, req).await.map(|_| m::ui_done_assigned())
        }
        "confirm" => assessment::workflow::confirm(&state, a, id).await.map(|_| m::ui_done_confirmed()),
        "return" => {
            assessment::workflow::return_submission(&state, a, id, reason()).await.map(|_| m::ui_done_returned())
        }
        "object" => assessment::workflow::object(&state, a, id, reason()).await.map(|_| m::ui_done_objection()),
        "certify" => assessment::workflow::certify(&state, a, id).await.map(|_| m::ui_done_certified()),
        "appeal" => assessment::workflow::appeal(&state, a, id, reason()).await.map(|_| m::ui_done_appeal()),
        _ => return Err(Refusal::Api(crate::http::error::ApiError::not_found(m::thing_assessment_case()))),
    };
    match done {
        // After a change, the page's own address (a reload does not send the form again).
        Ok(text) => Ok(html::done_at(&format!("/cases/{id}"), text)),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_case(&state, &ctx, id, n)).await,
    }
}

async fn render_case(state: &AppState, ctx: &Ctx, id: Uuid, notice: Notice) -> PageResult {
    let a = &ctx.actor;
    let l = ctx.lang;
    let c = assessment::cases::get(state, a, id).await?;
    let name = person_names(state, ctx, vec![c.insured_person_id]).await?.pop().map(|(_, n)| n).unwrap_or_default();
    let manages = a.can(Permission::ManageAssessments);
    let performs = a.can(Permission::PerformAssessments);
    let assignable = manages
        && matches!(c.state, CaseState::AwaitingAssignment | CaseState::ReassessmentPending | CaseState::AppealPending);
    let (assessors, recusals) = if assignable {
        (assessment::assessors::list(state, a).await?, assessment::workflow::recusals(state, a, id).await?)
    } else {
        (Vec::new(), Default::default())
    };
    let instrument = ltci_shared::assessment::current();
    let title = m::ui_case_of(&name).render(l);
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_name().render(l)} } dd { a { href: "/persons/{c.insured_person_id}", "{name}" } }
            dt { {m::ui_status().render(l)} } dd { span { class: "state", {c.state.text().render(l)} } }
            dt { {m::ui_care_mode().render(l)} } dd { {c.care_mode.text().render(l)} }
            dt { {m::ui_reason().render(l)} } dd { "{c.reason}" }
            dt { {m::ui_applied_at().render(l)} } dd { {format::at(c.created_at, ctx.tz)} }
            if let Some(end) = c.publicity_ends_at {
                dt { {m::ui_publicity_ends().render(l)} } dd { {format::at(end, ctx.tz)} }
            }
            if let Some(r) = &c.refusal {
                dt { {m::ui_refusal().render(l)} } dd { "{r.message}" }
            }
            if let Some(cert) = &c.certificate {
                dt { {m::ui_certificate_number().render(l)} }
                dd { "{cert.number} · {cert.level_name} · " {format::day(cert.effective_on)} " – " {format::day(cert.expires_on)} }
            }
        }
        for r in c.rounds.iter() {
            section { class: "round",
                h2 { {m::ui_round(r.round_no, round_kind(r.kind)).render(l)} }
                p { class: "muted",
                    {m::ui_assigned_at(format::at(r.assigned_at, ctx.tz)).render(l)}
                    if let Some(v) = r.visited_at { " · " {m::ui_visited_at(format::at(v, ctx.tz)).render(l)} }
                    if let Some(v) = r.confirmed_at { " · " {m::ui_confirmed_at(format::at(v, ctx.tz)).render(l)} }
                }
                if let Some(g) = &r.result {
                    table {
                        thead { tr {
                            th { scope: "col", {m::ui_dimension().render(l)} }
                            th { scope: "col", class: "num", {m::ui_score().render(l)} }
                            th { scope: "col", {m::ui_grade().render(l)} }
                        } }
                        tbody {
                            for d in instrument.dimensions.iter() {
                                if let Some(res) = g.dimensions.get(&d.code) {
                                    tr {
                                        td { {pick(l, &d.name_zh, &d.name_en)} }
                                        td { class: "num", "{res.score}" }
                                        td { {grade_name(instrument, &res.grade, l)} }
                                    }
                                }
                            }
                        }
                    }
                    p { strong { {m::ui_level_is(&g.level_name).render(l)} } }
                }
                if let Some(answers) = &r.answers {
                    details {
                        summary { {m::ui_answers().render(l)} }
                        table {
                            thead { tr {
                                th { scope: "col", {m::ui_item().render(l)} }
                                th { scope: "col", {m::ui_answer().render(l)} }
                                th { scope: "col", class: "num", {m::ui_points().render(l)} }
                            } }
                            tbody {
                                for d in instrument.dimensions.iter() {
                                    for item in d.items.iter() {
                                        if let Some(points) = answers.get(&item.code) {
                                            tr {
                                                td { {pick(l, &item.name_zh, &item.name_en)} }
                                                td { {item.options.iter().find(|o| o.points == *points).map(|o| pick(l, &o.label_zh, &o.label_en)).unwrap_or_default()} }
                                                td { class: "num", "{points}" }
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
        if !c.events.is_empty() {
            h2 { {m::ui_case_history().render(l)} }
            ul {
                for e in c.events.iter() {
                    li { {format::at(e.at, ctx.tz)} " · " {event_kind(&e.kind).render(l)} " · " "{e.reason}" }
                }
            }
        }
        if assignable {
            {assign_form(ctx, &c, &assessors, &recusals, &notice)}
        }
        if performs && c.state == CaseState::AwaitingConfirmation {
            form { class: "step", method: "post", action: "/cases/{c.id}/confirm",
                {html::csrf(ctx)}
                button { r#type: "submit", {m::ui_confirm_submission().render(l)} }
            }
            form { class: "step", method: "post", action: "/cases/{c.id}/return",
                {html::csrf(ctx)}
                {html::reason_field("reason", &m::ui_return_reason().render(l), &notice)}
                button { r#type: "submit", class: "secondary", {m::ui_return_submission().render(l)} }
            }
        }
        if manages && c.state == CaseState::InPublicity {
            form { class: "step", method: "post", action: "/cases/{c.id}/object",
                {html::csrf(ctx)}
                {html::reason_field("reason", &m::ui_objection_reason().render(l), &notice)}
                button { r#type: "submit", class: "secondary", {m::ui_record_objection().render(l)} }
            }
            form { class: "step", method: "post", action: "/cases/{c.id}/certify",
                {html::csrf(ctx)}
                button { r#type: "submit", {m::ui_issue_certificate().render(l)} }
            }
        }
        if manages && c.state == CaseState::Certified {
            form { class: "step", method: "post", action: "/cases/{c.id}/appeal",
                {html::csrf(ctx)}
                {html::reason_field("reason", &m::ui_appeal_reason().render(l), &notice)}
                button { r#type: "submit", class: "secondary", {m::ui_record_appeal().render(l)} }
            }
        }
    };
    let page = Page::new("/cases", title, body)
        .under(m::ui_cases().render(l), "/cases")
        .with_notice(notice)
        .with_history("assessment_case", c.id);
    Ok(html::respond(ctx, page.signed()))
}

fn assign_form(
    ctx: &Ctx,
    c: &AssessmentCase,
    assessors: &[AssessorProfile],
    recusals: &std::collections::BTreeMap<Uuid, Text>,
    notice: &Notice,
) -> Element {
    let l = ctx.lang;
    let why = notice.field("assessor_ids").map(str::to_owned);
    let lead_why = notice.field("lead_assessor_id").map(str::to_owned);
    rsx! {
        form { class: "step", method: "post", action: "/cases/{c.id}/assign",
            {html::csrf(ctx)}
            fieldset {
                legend { {m::ui_assign_assessors().render(l)} }
                table {
                    thead { tr {
                        th { scope: "col", {m::ui_choose().render(l)} }
                        th { scope: "col", {m::ui_lead().render(l)} }
                        th { scope: "col", {m::ui_assessor().render(l)} }
                        th { scope: "col", {m::ui_qualification().render(l)} }
                        th { scope: "col", {m::ui_recusal().render(l)} }
                    } }
                    tbody {
                        for (i, p) in assessors.iter().enumerate() {
                            tr {
                                td { input { r#type: "checkbox", id: "as-{p.user_id}", name: "assessor", value: "{p.user_id}", disabled: recusals.contains_key(&p.user_id) } }
                                td { input { r#type: "radio", name: "lead", value: "{p.user_id}", aria_label: m::ui_lead_named(&p.display_name).render(l), disabled: recusals.contains_key(&p.user_id) } }
                                td { label { r#for: "as-{p.user_id}", "{p.display_name}（{p.username}）" } }
                                td { {qualification(p.qualification, p.expert).render(l)} }
                                td {
                                    if let Some(r) = recusals.get(&p.user_id) { span { class: "why", {r.render(l)} } }
                                    if let Some(w) = notice.field(&format!("assessor_ids[{i}]")) { span { class: "why", "{w}" } }
                                }
                            }
                        }
                    }
                }
                if assessors.is_empty() { p { class: "muted", {m::ui_no_assessors().render(l)} } }
                if let Some(w) = why { p { class: "why", "{w}" } }
                if let Some(w) = lead_why { p { class: "why", "{w}" } }
            }
            button { r#type: "submit", {m::ui_assign().render(l)} }
        }
    }
}

fn pick(l: Lang, zh: &str, en: &str) -> String {
    if l == Lang::Zh { zh.to_owned() } else { en.to_owned() }
}

fn grade_name(instrument: &ltci_shared::assessment::Instrument, code: &str, l: Lang) -> String {
    instrument
        .grades
        .iter()
        .find(|g| g.code == code)
        .map(|g| pick(l, &g.name_zh, &g.name_en))
        .unwrap_or_else(|| code.to_owned())
}

fn round_kind(k: RoundKind) -> Text {
    match k {
        RoundKind::Initial => m::ui_round_initial(),
        RoundKind::Reassessment => m::ui_round_reassessment(),
        RoundKind::Appeal => m::ui_round_appeal(),
    }
}

fn qualification(q: Qualification, expert: bool) -> Text {
    let base = match q {
        Qualification::Physician => m::ui_physician(),
        Qualification::Nurse => m::ui_nurse(),
        Qualification::Other => m::ui_other_qualification(),
    };
    if expert { m::ui_with_expert(base) } else { base }
}

fn event_kind(kind: &str) -> Text {
    match kind {
        "objection" => m::ui_event_objection(),
        "appeal" => m::ui_event_appeal(),
        "returned" => m::ui_event_returned(),
        other => m::verbatim(other),
    }
}
