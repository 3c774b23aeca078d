//! 定点机构: institutions by status and mode; an institution's page — its profile, designation
//! timeline, agreements, documents (download), the step its status allows as a form (document
//! review, inspection checklist, decision, agreement, renewal, suspension, resumption,
//! termination), annual evaluations (the year's 千分制 sheet as a form), violations and its
//! statement (对账单). The same page is the institution staff's 机构信息, with what they keep
//! themselves ([`super::institution_info`]). Each form calls the function the API calls.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use ltci_shared::api::evaluation::{CategoryScore, EvaluationRequest, ViolationRequest, ViolationSource};
use ltci_shared::api::institutions::{
    AgreementRequest, AttachmentKind, ChecklistItem, DesignationDecision, DocumentReview, InspectionReport,
    Institution, InstitutionFilter, InstitutionKind, InstitutionStatus, ServiceMode, StatusChange,
};
use ltci_shared::api::supervision::{CreateSanction, SanctionFilter, SanctionSubject};
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use serde::Deserialize;
use uuid::Uuid;

use super::institution_info;
use crate::auth::Permission;
use crate::console::error::{PageResult, Refusal};
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::entities::enum_to_db;
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::institutions::{attachments, designation, evaluation};
use crate::state::AppState;
use crate::supervision::{follow_ups, sanctions};
use crate::{audit, settlement};

const PAGE_SIZE: u64 = 20;
/// Rows of the inspection checklist form (blank rows are left out).
const CHECKLIST_ROWS: usize = 6;

const STATUSES: [InstitutionStatus; 8] = [
    InstitutionStatus::Submitted,
    InstitutionStatus::InspectionPending,
    InstitutionStatus::Inspected,
    InstitutionStatus::Approved,
    InstitutionStatus::Rejected,
    InstitutionStatus::Active,
    InstitutionStatus::Suspended,
    InstitutionStatus::Terminated,
];
const MODES: [ServiceMode; 4] =
    [ServiceMode::HospitalWard, ServiceMode::Institutional, ServiceMode::HomeVisit, ServiceMode::FamilyCareSupervision];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    mode: Option<String>,
    offset: Option<u64>,
}

/// Institutions in scope, by name.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    // Institution staff have one institution: the entry opens its page.
    if let (ltci_shared::api::users::Role::Institution, Some(own)) = (ctx.actor.role, ctx.actor.institution_id) {
        return Ok(axum::response::Redirect::to(&format!("/institutions/{own}")).into_response());
    }
    let l = ctx.lang;
    let status: Option<InstitutionStatus> = html::choice(&q.status);
    let mode: Option<ServiceMode> = html::choice(&q.mode);
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = designation::list(&state, &ctx.actor, InstitutionFilter { status, mode }, page).await?;
    let query = html::query_of(&[("status", &q.status), ("mode", &q.mode)]);
    let body = rsx! {
        form { class: "filters", method: "get", action: "/institutions",
            div { class: "field",
                label { r#for: "f-status", {m::ui_status().render(l)} }
                select { id: "f-status", name: "status", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for s in STATUSES {
                        option { value: enum_to_db(&s), selected: status == Some(s), {s.text().render(l)} }
                    }
                }
            }
            div { class: "field",
                label { r#for: "f-mode", {m::ui_service_mode().render(l)} }
                select { id: "f-mode", name: "mode", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for md in MODES {
                        option { value: enum_to_db(&md), selected: mode == Some(md), {mode_text(md).render(l)} }
                    }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_institution().render(l)} }
                th { scope: "col", {m::ui_institution_kind().render(l)} }
                th { scope: "col", {m::ui_service_mode().render(l)} }
                th { scope: "col", class: "num", {m::ui_bed_quota().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
            } }
            tbody {
                for i in found.items.iter() {
                    tr {
                        td { a { href: "/institutions/{i.id}", "{i.name}" } }
                        td { {i.kind.map(|k| kind_text(k).render(l)).unwrap_or_default()} }
                        td { {modes_text(if i.approved_modes.is_empty() { &i.requested_modes } else { &i.approved_modes }, l)} }
                        td { class: "num", {i.bed_quota.map(|b| b.to_string()).unwrap_or_default()} }
                        td { span { class: "state", {i.status.text().render(l)} } }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/institutions", &query, found.offset, found.limit, found.total)}
    };
    Ok(html::respond(&ctx, Page::new("/institutions", m::ui_institutions().render(l), body)))
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
    /// The confirmed finding a sanction of the legal representative would rest on.
    finding: Option<String>,
}

const DONE: [fn() -> Text; 7] = [
    m::ui_done_sanctioned,
    m::ui_done_step_recorded,
    m::ui_done_evaluated,
    m::ui_done_violation,
    m::ui_done_institution_saved,
    m::ui_done_document_uploaded,
    m::ui_done_document_known,
];

/// One institution.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    let grounds = q.finding.map(|f| vec![("finding_id".to_owned(), f)]).unwrap_or_default();
    render_with(&state, &ctx, id, notice, &grounds).await
}

/// A document of the institution, as uploaded.
pub async fn document(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((id, doc)): Path<(Uuid, Uuid)>,
) -> Result<Response, Refusal> {
    let (a, bytes) = attachments::download(&state, &ctx.actor, id, doc).await?;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    html::secure_headers(h);
    if let Ok(v) = HeaderValue::from_str(&a.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&attachments::content_disposition(&a.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// Runs one step; the institution's page again, saying it was done or why it was refused.
pub async fn step(
    State(state): State<AppState>,
    Path((id, step)): Path<(Uuid, String)>,
    posted: Posted<Vec<(String, String)>>,
) -> PageResult {
    let Posted { ctx, form } = posted;
    let f = Fields(form);
    let a = &ctx.actor;
    let done = match step.as_str() {
        "review" => {
            let req = DocumentReview { accepted: f.get("accepted") == "true", reason: f.opt("reason") };
            designation::review_documents(&state, a, id, req).await.map(|_| m::ui_done_step_recorded())
        }
        "inspect" => {
            let checklist = (0..CHECKLIST_ROWS)
                .filter(|i| !f.get(&format!("item{i}")).trim().is_empty())
                .map(|i| ChecklistItem {
                    item: f.get(&format!("item{i}")).trim().to_owned(),
                    max_points: f.number(&format!("max{i}")),
                    points: f.number(&format!("points{i}")),
                })
                .collect();
            let req = InspectionReport { checklist, notes: f.opt("notes") };
            designation::inspect(&state, a, id, req).await.map(|_| m::ui_done_step_recorded())
        }
        "decide" => {
            let approved = f.get("approved") == "true";
            let req = DesignationDecision {
                approved,
                reason: f.opt("reason"),
                approved_modes: f.all("mode").filter_map(|v| html::choice(&Some(v.to_owned()))).collect(),
                bed_quota: f.number("bed_quota"),
            };
            designation::decide(&state, a, id, req).await.map(|_| m::ui_done_step_recorded())
        }
        "agreement" | "renew" => {
            match (html::day_of("start_on", f.get("start_on")), html::day_of("end_on", f.get("end_on"))) {
                (Ok(start_on), Ok(end_on)) => {
                    let req = AgreementRequest { start_on, end_on };
                    if step == "agreement" {
                        designation::sign_agreement(&state, a, id, req).await.map(|_| m::ui_done_step_recorded())
                    } else {
                        designation::renew(&state, a, id, req).await.map(|_| m::ui_done_step_recorded())
                    }
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
        "suspend" | "resume" | "terminate" => match html::day_of("effective_on", f.get("effective_on")) {
            Ok(effective_on) => {
                let req = StatusChange { reason: f.get("reason").to_owned(), effective_on };
                match step.as_str() {
                    "suspend" => designation::suspend(&state, a, id, req).await.map(|_| ()),
                    "resume" => designation::resume(&state, a, id, req).await.map(|_| ()),
                    _ => designation::terminate(&state, a, id, req).await.map(|_| ()),
                }
                .map(|_| m::ui_done_step_recorded())
            }
            Err(e) => Err(e),
        },
        "evaluate" => evaluate(&state, &ctx, id, &f).await.map(|_| m::ui_done_evaluated()),
        "violation" => violation(&state, &ctx, id, &f).await.map(|_| m::ui_done_violation()),
        "profile" => institution_info::update_profile(&state, &ctx, id, |k| f.get(k).to_owned())
            .await
            .map(|_| m::ui_done_institution_saved()),
        "sanction" => bar_representative(&state, &ctx, id, &f).await.map(|_| m::ui_done_sanctioned()),
        _ => return Err(Refusal::Api(ApiError::not_found(m::thing_institution()))),
    };
    match done {
        Ok(text) => Ok(html::done_at(&format!("/institutions/{id}"), text)),
        // The profile form shows again what was typed in it; the sanction form's refusal is its own.
        Err(e) if step == "profile" => {
            html::refused_on_page(e, ctx.lang, |n| render_with(&state, &ctx, id, n, &f.0)).await
        }
        Err(e) if step == "sanction" => {
            html::refused_on_page(e, ctx.lang, |n| render_with(&state, &ctx, id, n.for_form("sanction"), &f.0)).await
        }
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, id, n)).await,
    }
}

/// A posted form's fields (some repeat: the modes granted).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, k: &str) -> &str {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("")
    }
    fn opt(&self, k: &str) -> Option<String> {
        Some(self.get(k).trim().to_owned()).filter(|v| !v.is_empty())
    }
    fn all<'a>(&'a self, k: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(n, _)| n == k).map(|(_, v)| v.as_str())
    }
    /// A whole number; what is not one counts as 0, which the service's own limits then refuse
    /// where 0 is not allowed.
    fn number(&self, k: &str) -> u32 {
        self.get(k).trim().parse().unwrap_or(0)
    }
}

/// Bars the institution's legal representative (处理), on the finding carried from its page.
async fn bar_representative(state: &AppState, ctx: &Ctx, id: Uuid, f: &Fields) -> Result<(), ApiError> {
    let (starts_on, ends_on) =
        (html::required_day("starts_on", f.get("starts_on"))?, html::required_day("ends_on", f.get("ends_on"))?);
    let req = CreateSanction {
        subject: SanctionSubject::LegalRepresentative,
        caregiver_id: None,
        institution_id: Some(id),
        legal_representative_masked: f.opt("legal_representative_masked"),
        finding_id: html::optional_id(f.get("finding_id")),
        starts_on,
        ends_on,
        reason: f.get("reason").trim().to_owned(),
    };
    sanctions::create(state, &ctx.actor, req).await.map(|_| ())
}

async fn evaluate(state: &AppState, ctx: &Ctx, id: Uuid, f: &Fields) -> Result<(), ApiError> {
    let year: i32 =
        f.get("year").trim().parse().map_err(|_| ApiError::invalid_field("year", "required", m::ui_year()))?;
    let sheet = evaluation::get_scheme(state, &ctx.actor, year).await?;
    let scores = sheet
        .scheme
        .categories
        .iter()
        .map(|c| CategoryScore {
            category: c.code.clone(),
            points: f.number(&format!("score_{}", c.code)),
            note: f.opt(&format!("note_{}", c.code)),
        })
        .collect();
    let evaluated_on = html::day_of("evaluated_on", f.get("evaluated_on"))?;
    let req = EvaluationRequest { year, scores, evaluated_on, notes: f.opt("notes") };
    evaluation::evaluate(state, &ctx.actor, id, req).await.map(|_| ())
}

async fn violation(state: &AppState, ctx: &Ctx, id: Uuid, f: &Fields) -> Result<(), ApiError> {
    let occurred_on = html::day_of("occurred_on", f.get("occurred_on"))?
        .ok_or_else(|| ApiError::invalid_field("occurred_on", "required", m::ui_occurred_on()))?;
    let confirmed_on = html::day_of("confirmed_on", f.get("confirmed_on"))?;
    let source = html::choice(&Some(f.get("source").to_owned()))
        .ok_or_else(|| ApiError::invalid_field("source", "required", m::ui_violation_source()))?;
    let req = ViolationRequest {
        occurred_on,
        confirmed_on,
        description: f.get("description").to_owned(),
        points: f.number("points"),
        serious: f.get("serious") == "true",
        source,
    };
    evaluation::add_violation(state, &ctx.actor, id, req).await.map(|_| ())
}

pub(super) async fn render(state: &AppState, ctx: &Ctx, id: Uuid, notice: Notice) -> PageResult {
    render_with(state, ctx, id, notice, &[]).await
}

/// The page, its profile form holding `posted` (a refused edit) when given.
async fn render_with(state: &AppState, ctx: &Ctx, id: Uuid, notice: Notice, posted: &[(String, String)]) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let i = designation::get(state, a, id).await?;
    let documents = attachments::list(state, a, id).await?;
    let evaluations = evaluation::list(state, a, id).await?;
    let violations = evaluation::list_violations(state, a, id).await?;
    let statement =
        if a.can(Permission::ReadBills) { Some(settlement::statement::statement(state, a, id).await?) } else { None };
    let manages = a.can(Permission::ManageInstitutions);
    let year = ctx.actor.today.format("%Y").to_string().parse::<i32>().unwrap_or(2026) - 1;
    // The sheet of the next evaluation (last year's): its form for officers, its meaning for all.
    let sheet = evaluation::get_scheme(state, a, year).await?;
    // The satisfaction category, scored from the year's follow-ups once any is answered.
    let derived = match sheet.scheme.categories.iter().find(|c| c.code == follow_ups::SATISFACTION_CATEGORY) {
        Some(c) if manages => follow_ups::satisfaction_score(&state.db, a.region_id, id, year, c.max_points).await?,
        _ => None,
    };
    let who: Vec<Uuid> = i.events.iter().map(|e| e.by_user_id).collect();
    let who = audit::usernames(&state.db, a.region_id, &who).await?;
    let bans = if a.can(Permission::ReadSanctions) {
        let f = SanctionFilter { institution_id: Some(id), ..SanctionFilter::default() };
        Some(sanctions::list(state, a, f, PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 }).await?.items)
    } else {
        None
    };
    let posted_value = |k: &str| posted.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let sanction_notice = notice.of_form("sanction");
    let csrf = html::csrf(ctx);
    let body = rsx! {
        {facts(ctx, &i)}
        {institution_info::profile_form(ctx, &i, &notice, posted)}
        h2 { {m::ui_designation_timeline().render(l)} }
        if i.events.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        ol { class: "timeline",
            for e in i.events.iter() {
                li {
                    {format::at(e.at, ctx.tz)} " · " strong { {event_text(&e.kind).render(l)} }
                    if let Some(on) = e.effective_on { " · " {m::ui_effective_from(format::day(on)).render(l)} }
                    if let Some(r) = &e.reason { " · " "{r}" }
                    " · " {who.get(&e.by_user_id).cloned().unwrap_or_default()}
                }
            }
        }
        if !i.agreements.is_empty() {
            h2 { {m::ui_agreements().render(l)} }
            {institution_info::agreement_term(ctx, &i)}
            table {
                thead { tr {
                    th { scope: "col", {m::ui_agreement_number().render(l)} }
                    th { scope: "col", {m::ui_period().render(l)} }
                    th { scope: "col", {m::ui_service_mode().render(l)} }
                    th { scope: "col", class: "num", {m::ui_bed_quota().render(l)} }
                } }
                tbody {
                    for g in i.agreements.iter() {
                        tr {
                            td { "{g.number}" }
                            td { {format::day(g.start_on)} " – " {format::day(g.end_on)} }
                            td { {modes_text(&g.modes, l)} }
                            td { class: "num", "{g.bed_quota}" }
                        }
                    }
                }
            }
        }
        {institution_info::documents(ctx, &i, &documents, &notice)}
        if manages {
            {step_forms(ctx, &i, &notice)}
        }
        h2 { {m::ui_evaluations().render(l)} }
        if evaluations.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        if !evaluations.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_year().render(l)} }
                    th { scope: "col", class: "num", {m::ui_category_points().render(l)} }
                    th { scope: "col", class: "num", {m::ui_deducted_points().render(l)} }
                    th { scope: "col", class: "num", {m::ui_total_points().render(l)} }
                    th { scope: "col", {m::ui_grade().render(l)} }
                    th { scope: "col", {m::ui_credit_class().render(l)} }
                    th { scope: "col", class: "num", {m::ui_deposit_release().render(l)} }
                } }
                tbody {
                    for e in evaluations.iter() {
                        tr {
                            td { "{e.year}" }
                            td { class: "num", "{e.category_points}" }
                            td { class: "num", "{e.deducted_points}" }
                            td { class: "num", strong { "{e.total}" } }
                            td { {enum_to_db(&e.grade)} }
                            td { {enum_to_db(&e.credit_class)} }
                            td { class: "num", "{e.deposit_release_percent}%" }
                        }
                    }
                }
            }
        }
        {institution_info::deposit_meaning(ctx, &sheet, &evaluations, &violations, statement.as_ref())}
        if manages {
            form { class: "step", method: "post", action: "/institutions/{i.id}/evaluate",
                h3 { {m::ui_evaluate_year(sheet.year).render(l)} }
                {csrf.clone()}
                input { r#type: "hidden", name: "year", value: "{sheet.year}" }
                table {
                    thead { tr {
                        th { scope: "col", {m::ui_category().render(l)} }
                        th { scope: "col", class: "num", {m::ui_max_points().render(l)} }
                        th { scope: "col", {m::ui_points().render(l)} }
                        th { scope: "col", {m::ui_note().render(l)} }
                    } }
                    tbody {
                        for (n, c) in sheet.scheme.categories.iter().enumerate() {
                            tr {
                                td { label { r#for: "score-{c.code}", "{c.name}" } }
                                td { class: "num", "{c.max_points}" }
                                match derived.as_ref().filter(|_| c.code == follow_ups::SATISFACTION_CATEGORY) {
                                    Some((points, note)) => rsx! {
                                        td { input { id: "score-{c.code}", name: "score_{c.code}", value: "{points}", readonly: true, size: "5" } }
                                        td { class: "muted", {note.render(l)} }
                                    },
                                    None => rsx! {
                                        td {
                                            input { id: "score-{c.code}", name: "score_{c.code}", inputmode: "numeric", required: true, size: "5" }
                                            if let Some(w) = notice.field(&format!("scores[{n}].points")) { span { class: "why", "{w}" } }
                                        }
                                        td { input { name: "note_{c.code}", aria_label: m::ui_note_for(&c.name).render(l), maxlength: "200" } }
                                    },
                                }
                            }
                        }
                    }
                }
                {html::date_field("evaluated_on", &m::ui_evaluated_on().render(l), "", &notice)}
                button { r#type: "submit", {m::ui_record_evaluation().render(l)} }
            }
        }
        h2 { {m::ui_violations().render(l)} }
        if violations.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        ul {
            for v in violations.iter() {
                li {
                    {format::day(v.occurred_on)} " · " "{v.description}" " · " {m::ui_minus_points(v.points).render(l)}
                    if v.serious { " · " strong { {m::ui_serious().render(l)} } }
                    " · " {source_text(v.source).render(l)}
                    if v.evaluation_id.is_some() { " · " {m::ui_deducted_in_evaluation().render(l)} }
                }
            }
        }
        if manages {
            form { class: "step", method: "post", action: "/institutions/{i.id}/violation",
                h3 { {m::ui_record_violation().render(l)} }
                {csrf.clone()}
                {html::date_field("occurred_on", &m::ui_occurred_on().render(l), "", &notice)}
                {html::date_field("confirmed_on", &m::ui_confirmed_on().render(l), "", &notice)}
                {html::text_field("description", &m::ui_violation_description().render(l), "", &notice, true)}
                {html::text_field("points", &m::ui_violation_points().render(l), "", &notice, true)}
                div { class: "field",
                    label { r#for: "f-source", {m::ui_violation_source().render(l)} }
                    select { id: "f-source", name: "source",
                        for s in [ViolationSource::Monitoring, ViolationSource::Inspection, ViolationSource::Complaint, ViolationSource::FollowUp] {
                            option { value: enum_to_db(&s), {source_text(s).render(l)} }
                        }
                    }
                }
                div { class: "field check",
                    input { id: "f-serious", r#type: "checkbox", name: "serious", value: "true" }
                    label { r#for: "f-serious", {m::ui_serious_hint().render(l)} }
                }
                button { r#type: "submit", class: "secondary", {m::ui_record_violation().render(l)} }
            }
        }
        if let Some(bans) = &bans {
            h2 { {m::ui_sanctions().render(l)} }
            if bans.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
            if !bans.is_empty() { {super::sanctions::table(ctx, bans, &HashMap::new(), true)} }
            if a.can(Permission::ManageSanctions) && i.legal_representative.is_some() {
                form { id: "sanction", class: "step", method: "post", action: "/institutions/{i.id}/sanction", "data-confirm": m::ui_sanction_rep_confirm().render(l),
                    h3 { {m::ui_bar_legal_representative().render(l)} }
                    {csrf.clone()}
                    p { class: "muted", {m::ui_sanction_rep_hint().render(l)} }
                    input { r#type: "hidden", name: "legal_representative_masked", value: i.legal_representative.as_ref().map(|r| r.id_number_masked.clone()).unwrap_or_default() }
                    {super::sanctions::grounds_field(ctx, &posted_value("finding_id"), &sanction_notice)}
                    {html::date_field("starts_on", &m::ui_start_on().render(l), &a.today.to_string(), &sanction_notice)}
                    {html::date_field("ends_on", &m::ui_end_on().render(l), &posted_value("ends_on"), &sanction_notice)}
                    {html::reason_field_at("sanction-reason", "reason", &m::ui_sanction_reason().render(l), &sanction_notice)}
                    button { r#type: "submit", class: "danger", {m::ui_bar_legal_representative().render(l)} }
                }
            }
        }
        if let Some(st) = &statement {
            h2 { {m::ui_statement().render(l)} }
            p { a { href: "/institutions/{id}/statement", {m::ui_statement().render(l)} } }
            dl { class: "facts",
                dt { {m::ui_payable().render(l)} } dd { {format::yuan(st.payable)} }
                dt { {m::ui_withheld().render(l)} } dd { {format::yuan(st.deposit_withheld)} }
                dt { {m::ui_paid().render(l)} } dd { {format::yuan(st.paid)} }
            }
            table {
                thead { tr {
                    th { scope: "col", {m::ui_month().render(l)} }
                    th { scope: "col", {m::ui_status().render(l)} }
                    th { scope: "col", class: "num", {m::ui_payable().render(l)} }
                    th { scope: "col", class: "num", {m::ui_paid().render(l)} }
                } }
                tbody {
                    for b in st.bills.iter() {
                        tr {
                            td { a { href: "/settlements/{b.id}", {format::month_text(l, &b.month)} } }
                            td { span { class: "state", {b.status.text().render(l)} } }
                            td { class: "num", {format::yuan(b.payable)} }
                            td { class: "num", {b.paid.map(format::yuan).unwrap_or_default()} }
                        }
                    }
                }
            }
        }
    };
    let page = Page::new("/institutions", i.name.clone(), body)
        .under(m::ui_institutions().render(l), "/institutions")
        .with_notice(notice)
        .with_history("institution", i.id);
    Ok(html::respond(ctx, page.signed()))
}

fn facts(ctx: &Ctx, i: &Institution) -> Element {
    let l = ctx.lang;
    rsx! {
        dl { class: "facts",
            dt { {m::ui_status().render(l)} } dd { span { class: "state", {i.status.text().render(l)} } }
            if let Some(u) = &i.uscc { dt { {m::ui_uscc().render(l)} } dd { "{u}" } }
            if let Some(k) = i.kind {
                dt { {m::ui_institution_kind().render(l)} }
                dd { {kind_text(k).render(l)} if let Some(t) = i.hospital_tier { " · " {m::ui_hospital_tier(t).render(l)} } }
            }
            dt { {m::ui_requested_modes().render(l)} } dd { {modes_text(&i.requested_modes, l)} }
            if !i.approved_modes.is_empty() { dt { {m::ui_approved_modes().render(l)} } dd { {modes_text(&i.approved_modes, l)} } }
            if let Some(b) = i.licensed_beds { dt { {m::ui_licensed_beds().render(l)} } dd { "{b}" } }
            if let Some(b) = i.bed_quota { dt { {m::ui_bed_quota().render(l)} } dd { "{b}" } }
            if let Some(s) = &i.staff {
                dt { {m::ui_staff().render(l)} }
                dd { {m::ui_staff_counts(s.doctors, s.nurses, s.certified_caregivers).render(l)} }
            }
            if let Some(a) = &i.address { dt { {m::ui_address().render(l)} } dd { "{a.text}" } }
            if let Some(c) = &i.contact_name { dt { {m::ui_contact().render(l)} } dd { "{c} " {i.contact_phone.clone().unwrap_or_default()} } }
            if let Some(r) = &i.legal_representative {
                dt { {m::ui_legal_representative().render(l)} }
                dd { "{r.name} " code { "{r.id_number_masked}" } }
            }
            if let Some(s) = i.inspection_score { dt { {m::ui_inspection_score().render(l)} } dd { "{s}" } }
        }
    }
}

/// The form of the step the institution's status allows.
fn step_forms(ctx: &Ctx, i: &Institution, notice: &Notice) -> Element {
    let l = ctx.lang;
    let csrf = html::csrf(ctx);
    let reason = |label: Text| html::reason_field("reason", &label.render(l), notice);
    rsx! {
        section { class: "no-print",
            h2 { {m::ui_next_step().render(l)} }
            match i.status {
                InstitutionStatus::Submitted => rsx! {
                    form { class: "step", method: "post", action: "/institutions/{i.id}/review",
                        {csrf.clone()}
                        input { r#type: "hidden", name: "accepted", value: "true" }
                        button { r#type: "submit", {m::ui_documents_complete().render(l)} }
                    }
                    form { class: "step", method: "post", action: "/institutions/{i.id}/review",
                        {csrf.clone()}
                        input { r#type: "hidden", name: "accepted", value: "false" }
                        {reason(m::ui_documents_missing_reason())}
                        button { r#type: "submit", class: "secondary", {m::ui_documents_incomplete().render(l)} }
                    }
                },
                InstitutionStatus::InspectionPending => rsx! {
                    form { class: "step", method: "post", action: "/institutions/{i.id}/inspect",
                        {csrf.clone()}
                        table {
                            thead { tr {
                                th { scope: "col", {m::ui_checklist_item().render(l)} }
                                th { scope: "col", {m::ui_max_points().render(l)} }
                                th { scope: "col", {m::ui_points().render(l)} }
                            } }
                            tbody {
                                for n in 0..CHECKLIST_ROWS {
                                    tr {
                                        td {
                                            input { name: "item{n}", aria_label: m::ui_checklist_row(n + 1).render(l), maxlength: "200" }
                                            if let Some(w) = notice.field(&format!("checklist[{n}].item")) { span { class: "why", "{w}" } }
                                        }
                                        td { input { name: "max{n}", inputmode: "numeric", size: "5", aria_label: m::ui_max_points().render(l) } }
                                        td {
                                            input { name: "points{n}", inputmode: "numeric", size: "5", aria_label: m::ui_points().render(l) }
                                            if let Some(w) = notice.field(&format!("checklist[{n}].points")) { span { class: "why", "{w}" } }
                                        }
                                    }
                                }
                            }
                        }
                        if let Some(w) = notice.field("checklist") { p { class: "why", "{w}" } }
                        {html::text_field("notes", &m::ui_notes().render(l), "", notice, false)}
                        button { r#type: "submit", {m::ui_record_inspection().render(l)} }
                    }
                },
                InstitutionStatus::Inspected => rsx! {
                    form { class: "step", method: "post", action: "/institutions/{i.id}/decide",
                        {csrf.clone()}
                        input { r#type: "hidden", name: "approved", value: "true" }
                        fieldset {
                            legend { {m::ui_modes_granted().render(l)} }
                            for md in i.requested_modes.iter() {
                                div { class: "field check",
                                    input { id: "mode-{enum_to_db(md)}", r#type: "checkbox", name: "mode", value: enum_to_db(md), checked: true }
                                    label { r#for: "mode-{enum_to_db(md)}", {mode_text(*md).render(l)} }
                                }
                            }
                            if let Some(w) = notice.field("approved_modes") { p { class: "why", "{w}" } }
                        }
                        {html::text_field("bed_quota", &m::ui_bed_quota().render(l), &i.licensed_beds.unwrap_or(0).to_string(), notice, true)}
                        button { r#type: "submit", {m::ui_approve_designation().render(l)} }
                    }
                    form { class: "step", method: "post", action: "/institutions/{i.id}/decide",
                        {csrf.clone()}
                        input { r#type: "hidden", name: "approved", value: "false" }
                        {reason(m::ui_rejection_reason())}
                        button { r#type: "submit", class: "secondary", {m::ui_reject_designation().render(l)} }
                    }
                },
                InstitutionStatus::Approved => rsx! {
                    form { class: "step", method: "post", action: "/institutions/{i.id}/agreement",
                        {csrf.clone()}
                        {html::date_field("start_on", &m::ui_agreement_start().render(l), "", notice)}
                        {html::date_field("end_on", &m::ui_agreement_end().render(l), "", notice)}
                        button { r#type: "submit", {m::ui_sign_agreement().render(l)} }
                    }
                },
                InstitutionStatus::Active => rsx! {
                    form { class: "step", method: "post", action: "/institutions/{i.id}/renew",
                        {csrf.clone()}
                        {html::date_field("start_on", &m::ui_renewal_start().render(l), "", notice)}
                        {html::date_field("end_on", &m::ui_agreement_end().render(l), "", notice)}
                        button { r#type: "submit", class: "secondary", {m::ui_renew_agreement().render(l)} }
                    }
                    {status_change(ctx, i, "suspend", m::ui_suspend(), m::ui_suspend_confirm(), notice)}
                    {status_change(ctx, i, "terminate", m::ui_terminate(), m::ui_terminate_confirm(), notice)}
                },
                InstitutionStatus::Suspended => rsx! {
                    {status_change(ctx, i, "resume", m::ui_resume(), m::ui_resume_confirm(), notice)}
                    {status_change(ctx, i, "terminate", m::ui_terminate(), m::ui_terminate_confirm(), notice)}
                },
                InstitutionStatus::Rejected | InstitutionStatus::Terminated => rsx! {
                    p { class: "muted", {m::ui_no_further_step().render(l)} }
                },
            }
        }
    }
}

fn status_change(ctx: &Ctx, i: &Institution, step: &str, label: Text, confirm: Text, notice: &Notice) -> Element {
    let l = ctx.lang;
    rsx! {
        form { class: "step", method: "post", action: "/institutions/{i.id}/{step}", "data-confirm": confirm.render(l),
            {html::csrf(ctx)}
            {html::reason_field("reason", &m::ui_reason().render(l), notice)}
            {html::date_field("effective_on", &m::ui_effective_on().render(l), "", notice)}
            button { r#type: "submit", class: if step == "resume" { "" } else { "danger" }, {label.render(l)} }
        }
    }
}

pub fn mode_text(md: ServiceMode) -> Text {
    match md {
        ServiceMode::HospitalWard => m::ui_mode_hospital_ward(),
        ServiceMode::Institutional => m::ui_mode_institutional(),
        ServiceMode::HomeVisit => m::ui_mode_home_visit(),
        ServiceMode::FamilyCareSupervision => m::ui_mode_family_care_supervision(),
    }
}

fn modes_text(modes: &[ServiceMode], l: ltci_shared::text::Lang) -> String {
    modes.iter().map(|md| mode_text(*md).render(l)).collect::<Vec<_>>().join("、")
}

fn kind_text(k: InstitutionKind) -> Text {
    match k {
        InstitutionKind::Hospital => m::ui_kind_hospital(),
        InstitutionKind::NursingHome => m::ui_kind_nursing_home(),
        InstitutionKind::HomeCareAgency => m::ui_kind_home_care_agency(),
        InstitutionKind::CommunityStation => m::ui_kind_community_station(),
    }
}

pub(super) fn attachment_text(k: AttachmentKind) -> Text {
    match k {
        AttachmentKind::BusinessLicence => m::ui_doc_business_licence(),
        AttachmentKind::PracticeLicence => m::ui_doc_practice_licence(),
        AttachmentKind::FireSafety => m::ui_doc_fire_safety(),
        AttachmentKind::StaffCertificates => m::ui_doc_staff_certificates(),
        AttachmentKind::DisputeEvidence => m::ui_doc_dispute_evidence(),
        AttachmentKind::Other => m::ui_doc_other(),
    }
}

fn source_text(s: ViolationSource) -> Text {
    match s {
        ViolationSource::Monitoring => m::ui_source_monitoring(),
        ViolationSource::Inspection => m::ui_source_inspection(),
        ViolationSource::Complaint => m::ui_source_complaint(),
        ViolationSource::FollowUp => m::ui_source_follow_up(),
    }
}

fn event_text(kind: &str) -> Text {
    match kind {
        "applied" => m::ui_ev_applied(),
        "documents_accepted" => m::ui_ev_documents_accepted(),
        "documents_rejected" => m::ui_ev_documents_rejected(),
        "inspected" => m::ui_ev_inspected(),
        "approved" => m::ui_ev_approved(),
        "rejected" => m::ui_ev_rejected(),
        "agreement_signed" => m::ui_ev_agreement_signed(),
        "renewed" => m::ui_ev_renewed(),
        "suspended" => m::ui_ev_suspended(),
        "resumed" => m::ui_ev_resumed(),
        "terminated" => m::ui_ev_terminated(),
        "evaluated" => m::ui_ev_evaluated(),
        other => m::verbatim(other),
    }
}
