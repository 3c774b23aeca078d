//! 参保人员: the register searched by name, county, scheme, status and certification (an exact ID
//! number is posted, never put in an address); a person's page with masked number and age, their
//! certificates, assessments and service relations; 查看完整号码 with a reason, audited.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use dioxus::prelude::*;
use ltci_shared::api::assessment::{ApplyRequest, CareMode, CaseFilter, CertificateFilter};
use ltci_shared::api::institutions::ServiceRelationFilter;
use ltci_shared::api::registry::{InsuredPerson, InsuredPersonFilter, PersonStatus, Scheme};
use ltci_shared::messages as m;
use ltci_shared::text::Lang;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::{assessment, institutions, registry};

const PAGE_SIZE: u64 = 20;

/// The list's filters, as the address carries them (nothing that identifies a person alone).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    name: Option<String>,
    county: Option<String>,
    scheme: Option<String>,
    status: Option<String>,
    certified: Option<String>,
    offset: Option<u64>,
}

impl ListQuery {
    fn filter(&self) -> InsuredPersonFilter {
        InsuredPersonFilter {
            name: self.name.clone().filter(|s| !s.trim().is_empty()),
            id_number: None,
            status: self.status.as_deref().and_then(PersonStatus::from_name),
            scheme: self.scheme.as_deref().and_then(Scheme::from_name),
            county_code: self.county.clone().filter(|s| !s.trim().is_empty()),
            certified: match self.certified.as_deref() {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => None,
            },
        }
    }

    /// The filters as a query string, for the pager's links.
    fn query_string(&self) -> String {
        html::query_of(&[
            ("name", &self.name),
            ("county", &self.county),
            ("scheme", &self.scheme),
            ("status", &self.status),
            ("certified", &self.certified),
        ])
    }
}

/// The register, filtered and paged on the server.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    render_list(&state, &ctx, &q, Notice::default()).await
}

async fn render_list(state: &AppState, ctx: &Ctx, q: &ListQuery, notice: Notice) -> PageResult {
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let (found, notice) = match registry::persons::search(state, &ctx.actor, q.filter(), page).await {
        Ok(found) => (Some(found), notice),
        Err(e) if e.status().is_client_error() && e.status() != axum::http::StatusCode::FORBIDDEN => {
            (None, Notice::refused(&e, ctx.lang))
        }
        Err(e) => return Err(e.into()),
    };
    let counties = registry::counties::list(state, &ctx.actor).await?;
    let l = ctx.lang;
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let body = rsx! {
        if ctx.actor.can(Permission::LookUpPersons) || ctx.actor.can(Permission::SeeFullIdNumbers) {
            form { class: "filters", method: "post", action: "/persons/find",
                {html::csrf(ctx)}
                {html::text_field("id_number", &m::ui_exact_id_number().render(l), "", &notice, true)}
                button { r#type: "submit", {m::ui_find().render(l)} }
            }
        }
        form { class: "filters", method: "get", action: "/persons",
            {html::text_field("name", &m::ui_name().render(l), q.name.as_deref().unwrap_or(""), &notice, false)}
            div { class: "field",
                label { r#for: "f-county", {m::ui_county().render(l)} }
                select { id: "f-county", name: "county",
                    option { value: "", {m::ui_any().render(l)} }
                    for c in counties.iter() {
                        option { value: "{c.code}", selected: sel(&q.county, &c.code), "{c.name}（{c.code}）" }
                    }
                }
            }
            div { class: "field",
                label { r#for: "f-scheme", {m::ui_scheme().render(l)} }
                select { id: "f-scheme", name: "scheme",
                    option { value: "", {m::ui_any().render(l)} }
                    for s in Scheme::ALL {
                        option { value: s.as_str(), selected: sel(&q.scheme, s.as_str()), {s.text().render(l)} }
                    }
                }
            }
            div { class: "field",
                label { r#for: "f-status", {m::ui_status().render(l)} }
                select { id: "f-status", name: "status",
                    option { value: "", {m::ui_any().render(l)} }
                    for s in PersonStatus::ALL {
                        option { value: s.as_str(), selected: sel(&q.status, s.as_str()), {status_text(s).render(l)} }
                    }
                }
            }
            div { class: "field",
                label { r#for: "f-certified", {m::ui_certification().render(l)} }
                select { id: "f-certified", name: "certified",
                    option { value: "", {m::ui_any().render(l)} }
                    option { value: "yes", selected: sel(&q.certified, "yes"), {m::ui_certified().render(l)} }
                    option { value: "no", selected: sel(&q.certified, "no"), {m::ui_not_certified().render(l)} }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        if let Some(found) = found {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_name().render(l)} }
                    th { scope: "col", {m::ui_id_number().render(l)} }
                    th { scope: "col", {m::ui_sex_age().render(l)} }
                    th { scope: "col", {m::ui_scheme().render(l)} }
                    th { scope: "col", {m::ui_status().render(l)} }
                    th { scope: "col", {m::ui_enrolled_on().render(l)} }
                } }
                tbody {
                    for p in found.items.iter() {
                        tr {
                            td { a { href: "/persons/{p.id}", "{p.name}" } }
                            td { {masked(p)} }
                            td { {sex_age(p, l)} }
                            td { {p.scheme.text().render(l)} }
                            td { {status_text(p.status).render(l)} }
                            td { {format::day(p.enrolled_on)} }
                        }
                    }
                }
            }
            if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
            {html::pager(l, "/persons", &q.query_string(), found.offset, found.limit, found.total)}
        }
    };
    Ok(html::respond(ctx, Page::new("/persons", m::ui_persons().render(l), body).with_notice(notice)))
}

/// The masked number, whatever the role's API view holds: pages show no full number unasked.
fn masked(p: &InsuredPerson) -> String {
    if p.id_number_masked { p.id_number.clone() } else { ltci_shared::id_number::mask(&p.id_number) }
}

fn sex_age(p: &InsuredPerson, l: Lang) -> String {
    m::ui_sex_and_age(crate::console::labels::sex(p.sex), p.age).render(l)
}

fn status_text(s: PersonStatus) -> ltci_shared::text::Text {
    match s {
        PersonStatus::Active => m::ui_person_active(),
        PersonStatus::Suspended => m::ui_person_suspended(),
        PersonStatus::Deceased => m::ui_person_deceased(),
    }
}

#[derive(Debug, Deserialize)]
pub struct FindForm {
    id_number: String,
}

/// Finds a person by the exact ID number (posted, so the number is in no address or log) and
/// opens their page.
pub async fn find(State(state): State<AppState>, posted: Posted<FindForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let filter = InsuredPersonFilter { id_number: Some(form.id_number.trim().to_owned()), ..Default::default() };
    let one = PageRequest { limit: 1, offset: 0 };
    let found = registry::persons::search(&state, &ctx.actor, filter, one).await?;
    match found.items.first() {
        Some(p) => Ok(Redirect::to(&format!("/persons/{}", p.id)).into_response()),
        None => {
            let notice = Notice {
                refused: Some(m::ui_no_person_with_id_number().render(ctx.lang)),
                fields: vec![("id_number".into(), m::ui_no_person_with_id_number().render(ctx.lang))],
                done: None,
            };
            render_list(&state, &ctx, &ListQuery::default(), notice).await
        }
    }
}

/// One person's page.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<Uuid>) -> PageResult {
    render_person(&state, &ctx, id, None, Notice::default()).await
}

const CARE_MODES: [CareMode; 4] =
    [CareMode::HomeVisit, CareMode::FamilyCare, CareMode::Institutional, CareMode::HospitalWard];

fn mode_code(mode: CareMode) -> String {
    crate::entities::enum_to_db(&mode)
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    care_mode: CareMode,
    reason: String,
}

/// 申请评估 at the agency's window: the case opens (or is refused with the eligibility reason).
pub async fn apply(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<ApplyForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let req = ApplyRequest {
        insured_person_id: id,
        care_mode: form.care_mode,
        reason: form.reason,
        institution_id: None,
        change_of_condition: false,
    };
    match assessment::cases::apply(&state, &ctx.actor, req).await {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response()),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_person(&state, &ctx, id, None, n)).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct RevealForm {
    reason: String,
}

/// 查看完整号码: the full number, on this answer only, after a reason that the audit trail keeps.
pub async fn reveal(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<RevealForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    match registry::persons::reveal_id_number(&state, &ctx.actor, id, &form.reason).await {
        Ok(full) => render_person(&state, &ctx, id, Some(full), Notice::done(m::ui_id_number_viewed(), ctx.lang)).await,
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_person(&state, &ctx, id, None, n)).await,
    }
}

pub(super) async fn render_person(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    full: Option<String>,
    notice: Notice,
) -> PageResult {
    let a = &ctx.actor;
    let p = registry::persons::get(state, a, id).await?;
    let l = ctx.lang;
    let all = PageRequest { limit: 50, offset: 0 };
    let certificates = if a.can(Permission::ReadAssessmentCases) {
        let f = CertificateFilter { insured_person_id: Some(id), expiring_within_days: None };
        assessment::certificates::list(state, a, f, all).await?.items
    } else {
        Vec::new()
    };
    let cases = if a.can(Permission::ReadAssessmentCases) {
        assessment::cases::list(
            state,
            a,
            CaseFilter { state: None, insured_person_id: Some(id), publicity_over: None },
            all,
        )
        .await?
        .items
    } else {
        Vec::new()
    };
    let relations = if a.can(Permission::ReadInstitutions) {
        let f = ServiceRelationFilter { insured_person_id: Some(id), ..ServiceRelationFilter::default() };
        institutions::relations::list(state, a, f, all).await?.items
    } else {
        Vec::new()
    };
    let ids: Vec<Uuid> = relations.iter().map(|r| r.institution_id).collect();
    let names = if ids.is_empty() { HashMap::new() } else { institutions::designation::names(state, a, &ids).await? };
    let history = super::person_history::sections(state, ctx, id).await?;
    let may_reveal = a.can(Permission::SeeFullIdNumbers) && full.is_none();
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_name().render(l)} } dd { "{p.name}" }
            dt { {m::ui_id_number().render(l)} }
            dd {
                if let Some(full) = &full { strong { class: "full-id", "{full}" } } else { {masked(&p)} }
            }
            dt { {m::ui_sex_age().render(l)} } dd { {sex_age(&p, l)} }
            dt { {m::ui_scheme().render(l)} } dd { {p.scheme.text().render(l)} }
            dt { {m::ui_status().render(l)} } dd { {status_text(p.status).render(l)} }
            dt { {m::ui_enrolled_on().render(l)} } dd { {format::day(p.enrolled_on)} }
            dt { {m::ui_address().render(l)} } dd { "{p.address.text}" }
        }
        if may_reveal {
            form { class: "step no-print", method: "post", action: "/persons/{p.id}/id-number",
                {html::csrf(ctx)}
                {html::reason_field("reason", &m::ui_reveal_reason().render(l), &notice)}
                button { r#type: "submit", class: "secondary", {m::ui_reveal_id_number().render(l)} }
            }
        }
        if a.can(Permission::ApplyForAssessment) && a.can(Permission::ManageAssessments) {
            form { class: "step no-print", method: "post", action: "/persons/{p.id}/apply",
                {html::csrf(ctx)}
                h2 { {m::ui_apply_for_assessment().render(l)} }
                div { class: "field",
                    label { r#for: "f-care_mode", {m::ui_care_mode().render(l)} }
                    select { id: "f-care_mode", name: "care_mode",
                        for mode in CARE_MODES {
                            option { value: "{mode_code(mode)}", {mode.text().render(l)} }
                        }
                    }
                }
                {html::reason_field("reason", &m::ui_application_reason().render(l), &notice)}
                button { r#type: "submit", {m::ui_apply().render(l)} }
            }
        }
        h2 { {m::ui_certificates().render(l)} }
        if certificates.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } } else {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_certificate_number().render(l)} }
                    th { scope: "col", {m::ui_level().render(l)} }
                    th { scope: "col", {m::ui_effective().render(l)} }
                    th { scope: "col", {m::ui_status().render(l)} }
                } }
                tbody {
                    for c in certificates.iter() {
                        tr {
                            td { "{c.number}" }
                            td { "{c.level_name}" }
                            td { {format::day(c.effective_on)} " – " {format::day(c.expires_on)} }
                            td { {if c.status == "active" { m::ui_certificate_active() } else { m::ui_certificate_superseded() }.render(l)} }
                        }
                    }
                }
            }
        }
        h2 { {m::ui_cases().render(l)} }
        if cases.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } } else {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_applied_at().render(l)} }
                    th { scope: "col", {m::ui_care_mode().render(l)} }
                    th { scope: "col", {m::ui_status().render(l)} }
                } }
                tbody {
                    for c in cases.iter() {
                        tr {
                            td { a { href: "/cases/{c.id}", {format::at(c.created_at, ctx.tz)} } }
                            td { {c.care_mode.text().render(l)} }
                            td { span { class: "state", {c.state.text().render(l)} } }
                        }
                    }
                }
            }
        }
        if a.can(Permission::ReadInstitutions) {
            h2 { {m::ui_service_relations().render(l)} }
            if relations.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } } else {
                table {
                    thead { tr {
                        th { scope: "col", {m::ui_institution().render(l)} }
                        th { scope: "col", {m::ui_care_mode().render(l)} }
                        th { scope: "col", {m::ui_period().render(l)} }
                    } }
                    tbody {
                        for r in relations.iter() {
                            tr {
                                td { {names.get(&r.institution_id).cloned().unwrap_or_default()} }
                                td { {r.care_mode.text().render(l)} }
                                td { {format::day(r.start_on)} " – " {r.end_on.map(format::day).unwrap_or_default()} }
                            }
                        }
                    }
                }
            }
        }
        {super::follow_ups::request_form(ctx, p.id, &notice)}
        {history}
    };
    let page = Page::new("/persons", p.name.clone(), body)
        .under(m::ui_persons().render(l), "/persons")
        .with_notice(notice)
        .with_history("insured_person", p.id);
    Ok(html::respond(ctx, page))
}
