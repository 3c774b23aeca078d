//! 服务对象: the people an institution serves, by care mode — each one's certificate (expiring
//! within 60 days marked) and plan running today; finding a certified person by the exact ID
//! number (posted, never in an address) and starting to serve them where they chose the
//! institution; ending a service, and for officers transferring it to another institution. Each
//! form calls the function the API calls.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use chrono::Days;
use dioxus::prelude::*;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::{
    CreateServiceRelation, EndServiceRelation, InstitutionFilter, ServiceRelationFilter, TransferRequest,
};
use ltci_shared::api::registry::{PersonLookup, PersonLookupRequest};
use ltci_shared::api::users::Role;
use ltci_shared::messages as m;
use ltci_shared::policy::MODES;
use ltci_shared::text::{Lang, Text};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::{PageResult, Refusal};
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::entities::enum_to_db;
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::{assessment, care, institutions, registry};

const PAGE_SIZE: u64 = 50;
/// Certificates ending within this many days are marked.
const EXPIRY_WARNING_DAYS: u64 = 60;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    mode: Option<String>,
    /// `all` to list ended services too.
    show: Option<String>,
    offset: Option<u64>,
    done: Option<String>,
}

const DONE: [fn() -> Text; 3] = [m::ui_done_relation_opened, m::ui_done_relation_ended, m::ui_done_transferred];

/// The people served, by mode.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render(&state, &ctx, &q, None, &Sent::default(), notice).await
}

/// What the forms of the page sent (kept to show them again with their refusals).
#[derive(Debug, Default, Deserialize)]
pub struct Sent {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    insured_person_id: String,
    #[serde(default)]
    care_mode: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    end_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    to_institution_id: String,
}

/// Finds a person by the exact ID number (posted): the page again with what opening a service
/// needs, or the refusal beside the field. The number is never put in an address.
pub async fn find(State(state): State<AppState>, posted: Posted<Sent>) -> PageResult {
    let Posted { ctx, form } = posted;
    let req = PersonLookupRequest { id_number: form.id_number.trim().to_owned() };
    let q = ListQuery::default();
    match institutions::lookup::lookup(&state, &ctx.actor, req).await {
        Ok(found) => render(&state, &ctx, &q, Some(found), &Sent::default(), Notice::default()).await,
        // Nobody with that number in the region is said on the page, beside the field.
        Err(e) if e.status() == axum::http::StatusCode::NOT_FOUND => {
            let e = ApiError::invalid_field("id_number", "unknown_person", m::ui_no_person_with_id_number());
            render(&state, &ctx, &q, None, &form, Notice::refused(&e, ctx.lang)).await
        }
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, None, &form, n)).await,
    }
}

/// Starts serving a person in a mode (the institution's own staff: where the person chose it).
pub async fn open(State(state): State<AppState>, posted: Posted<Sent>) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = match (html::choice::<CareMode>(&Some(form.care_mode.clone())), html::day_of("start_on", &form.start_on))
    {
        (Some(care_mode), Ok(start_on)) => {
            let req = CreateServiceRelation {
                insured_person_id: form.insured_person_id.parse().unwrap_or_default(),
                institution_id: ctx.actor.institution_id.unwrap_or_default(),
                care_mode,
                start_on: start_on.unwrap_or(ctx.actor.today),
            };
            institutions::relations::create(&state, &ctx.actor, req).await
        }
        (None, _) => Err(html::missing("care_mode")),
        (_, Err(e)) => Err(e),
    };
    let q = ListQuery::default();
    match done {
        Ok(_) => Ok(html::done_at("/beneficiaries", m::ui_done_relation_opened())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, None, &form, n)).await,
    }
}

/// Ends a service, or (officers) transfers it to another institution.
pub async fn step(
    State(state): State<AppState>,
    Path((id, step)): Path<(Uuid, String)>,
    posted: Posted<Sent>,
) -> PageResult {
    let Posted { ctx, form } = posted;
    let a = &ctx.actor;
    let end_on = html::day_of("end_on", &form.end_on).map(|d| d.unwrap_or(a.today));
    let done = match (step.as_str(), end_on) {
        (_, Err(e)) => Err(e),
        ("end", Ok(end_on)) => {
            let req = EndServiceRelation { end_on, reason: form.reason.trim().to_owned() };
            institutions::relations::end(&state, a, id, req).await.map(|_| m::ui_done_relation_ended())
        }
        ("transfer", Ok(end_on)) => {
            let req = TransferRequest {
                to_institution_id: form.to_institution_id.parse().unwrap_or_default(),
                end_on,
                reason: form.reason.trim().to_owned(),
                care_mode: None,
            };
            institutions::relations::transfer(&state, a, id, req).await.map(|_| m::ui_done_transferred())
        }
        _ => return Err(Refusal::Api(ApiError::not_found(m::thing_service_relation()))),
    };
    let q = ListQuery::default();
    match done {
        Ok(text) => Ok(html::done_at("/beneficiaries", text)),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, None, &form, n)).await,
    }
}

fn modes_text(modes: &[CareMode], l: Lang) -> String {
    if modes.is_empty() {
        return m::ui_none().render(l);
    }
    modes.iter().map(|md| md.text().render(l)).collect::<Vec<_>>().join("、")
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    q: &ListQuery,
    found: Option<PersonLookup>,
    sent: &Sent,
    notice: Notice,
) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let mode: Option<CareMode> = html::choice(&q.mode);
    let all = q.show.as_deref() == Some("all");
    let filter = ServiceRelationFilter { care_mode: mode, open: (!all).then_some(true), ..Default::default() };
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found_relations = institutions::relations::list(state, a, filter, page).await?;
    let people: Vec<Uuid> = found_relations.items.iter().map(|r| r.insured_person_id).collect();
    let names: HashMap<Uuid, String> = registry::persons::names(state, a, &people).await?.into_iter().collect();
    let certificates = assessment::certificates::in_force_for_persons(state, a, &people, a.today).await?;
    let mut plans: HashMap<(Uuid, CareMode), Uuid> = HashMap::new();
    if a.can(Permission::ReadCare) {
        for p in care::plans::running_for_persons(state, a, &people, a.today).await? {
            plans.insert((p.insured_person_id, p.care_mode), p.id);
        }
    }
    let officer = a.role == Role::Admin;
    let inst_ids: Vec<Uuid> = found_relations.items.iter().map(|r| r.institution_id).collect();
    let inst_names = institutions::designation::names(state, a, &inst_ids).await?;
    let transfer_to: Vec<(String, String)> = if officer && a.can(Permission::ManageInstitutions) {
        let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
        institutions::designation::list(state, a, InstitutionFilter::default(), page)
            .await?
            .items
            .into_iter()
            .map(|i| (i.id.to_string(), i.name))
            .collect()
    } else {
        Vec::new()
    };
    let manages = a.can(Permission::ManageServiceRelations);
    let plans_too = a.can(Permission::ManageCarePlans);
    let soon = a.today.checked_add_days(Days::new(EXPIRY_WARNING_DAYS)).unwrap_or(a.today);
    let today = a.today.to_string();
    let query = html::query_of(&[("mode", &q.mode), ("show", &q.show)]);
    let lookup = found.as_ref().map(|p| {
        let open_now: Vec<CareMode> = found_relations
            .items
            .iter()
            .filter(|r| r.insured_person_id == p.id && r.end_on.is_none())
            .map(|r| r.care_mode)
            .collect();
        let can_open: Vec<CareMode> = p
            .chosen_modes
            .iter()
            .copied()
            .filter(|md| p.eligible_modes.contains(md) && !open_now.contains(md))
            .collect();
        (p.clone(), can_open)
    });
    let body = rsx! {
        form { class: "filters", method: "get", action: "/beneficiaries",
            div { class: "field",
                label { r#for: "f-mode", {m::ui_care_mode().render(l)} }
                select { id: "f-mode", name: "mode", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for md in MODES {
                        option { value: enum_to_db(&md), selected: mode == Some(md), {md.text().render(l)} }
                    }
                }
            }
            div { class: "field",
                label { r#for: "f-show", {m::ui_status().render(l)} }
                select { id: "f-show", name: "show", "data-autosubmit": "true",
                    option { value: "", {m::ui_relation_open().render(l)} }
                    option { value: "all", selected: all, {m::ui_relation_all().render(l)} }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_person().render(l)} }
                th { scope: "col", {m::ui_care_mode().render(l)} }
                if a.role != Role::Institution { th { scope: "col", {m::ui_institution().render(l)} } }
                th { scope: "col", {m::ui_period().render(l)} }
                th { scope: "col", {m::ui_level().render(l)} }
                th { scope: "col", {m::ui_certificate_until().render(l)} }
                th { scope: "col", {m::ui_plan_now().render(l)} }
                if manages { th { scope: "col", class: "no-print", {m::ui_next_step().render(l)} } }
            } }
            tbody {
                for r in found_relations.items.iter() {
                    tr {
                        td { a { href: "/persons/{r.insured_person_id}", {names.get(&r.insured_person_id).cloned().unwrap_or_default()} } }
                        td { {r.care_mode.text().render(l)} }
                        if a.role != Role::Institution { td { {inst_names.get(&r.institution_id).cloned().unwrap_or_default()} } }
                        td { {format::day(r.start_on)} " – " {r.end_on.map(format::day).unwrap_or_default()} }
                        match certificates.get(&r.insured_person_id) {
                            Some(c) => rsx! {
                                td { "{c.level}" }
                                td { class: if c.expires_on <= soon { "warn" } else { "" },
                                    {format::day(c.expires_on)}
                                    if c.expires_on <= soon { " " span { class: "state", {m::ui_expires_soon().render(l)} } }
                                }
                            },
                            None => rsx! { td { "—" } td { class: "bad", {m::ui_no_valid_certificate().render(l)} } },
                        }
                        td {
                            match plans.get(&(r.insured_person_id, r.care_mode)) {
                                Some(p) => rsx! { a { href: "/plans/{p}", {m::ui_plan_active().render(l)} } },
                                None if plans_too && r.end_on.is_none() => rsx! {
                                    a { href: "/plans/new?person={r.insured_person_id}&mode={enum_to_db(&r.care_mode)}", {m::ui_make_plan().render(l)} }
                                },
                                None => rsx! { {m::ui_no_plan().render(l)} },
                            }
                        }
                        if manages {
                            td { class: "no-print",
                                if r.end_on.is_none() {
                                    form { class: "row", method: "post", action: "/beneficiaries/{r.id}/end", "data-confirm": m::ui_end_relation_confirm().render(l),
                                        {html::csrf(ctx)}
                                        label { r#for: "end-on-{r.id}", {m::ui_end_on().render(l)} }
                                        input { id: "end-on-{r.id}", r#type: "date", name: "end_on", value: "{today}", required: true }
                                        label { r#for: "end-why-{r.id}", {m::ui_end_reason().render(l)} }
                                        input { id: "end-why-{r.id}", name: "reason", required: true, maxlength: "300" }
                                        button { r#type: "submit", class: "secondary", {m::ui_end_relation().render(l)} }
                                    }
                                    if !transfer_to.is_empty() {
                                        form { class: "row", method: "post", action: "/beneficiaries/{r.id}/transfer",
                                            {html::csrf(ctx)}
                                            label { r#for: "to-{r.id}", {m::ui_to_institution().render(l)} }
                                            select { id: "to-{r.id}", name: "to_institution_id", required: true,
                                                for (id, name) in transfer_to.iter().filter(|(id, _)| *id != r.institution_id.to_string()) {
                                                    option { value: "{id}", "{name}" }
                                                }
                                            }
                                            label { r#for: "t-on-{r.id}", {m::ui_end_on().render(l)} }
                                            input { id: "t-on-{r.id}", r#type: "date", name: "end_on", value: "{today}", required: true }
                                            label { r#for: "t-why-{r.id}", {m::ui_reason().render(l)} }
                                            input { id: "t-why-{r.id}", name: "reason", required: true, maxlength: "300" }
                                            button { r#type: "submit", class: "secondary", {m::ui_transfer().render(l)} }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if found_relations.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/beneficiaries", &query, found_relations.offset, found_relations.limit, found_relations.total)}
        if manages && a.can(Permission::LookUpPersons) && a.institution_id.is_some() {
            form { class: "step", method: "post", action: "/beneficiaries/find",
                h2 { {m::ui_find_person().render(l)} }
                p { class: "muted", {m::ui_find_person_hint().render(l)} }
                {html::csrf(ctx)}
                {html::text_field("id_number", &m::ui_exact_id_number().render(l), &sent.id_number, &notice, true)}
                button { r#type: "submit", {m::ui_find().render(l)} }
            }
        }
        if let Some((p, can_open)) = &lookup {
            section { class: "step",
                h2 { {m::ui_found_person(p.name.clone(), p.id_number.clone()).render(l)} }
                dl { class: "facts",
                    dt { {m::ui_certification().render(l)} }
                    dd { if p.certified { {m::ui_certified().render(l)} } else { {m::ui_not_certified().render(l)} } }
                    dt { {m::ui_eligible_modes().render(l)} } dd { {modes_text(&p.eligible_modes, l)} }
                    dt { {m::ui_chosen_modes().render(l)} } dd { {modes_text(&p.chosen_modes, l)} }
                }
                p { class: "muted", {m::ui_open_relation_hint().render(l)} }
                for md in can_open.iter() {
                    form { class: "row", method: "post", action: "/beneficiaries",
                        {html::csrf(ctx)}
                        input { r#type: "hidden", name: "insured_person_id", value: "{p.id}" }
                        input { r#type: "hidden", name: "care_mode", value: enum_to_db(md) }
                        label { r#for: "start-{enum_to_db(md)}", {m::ui_start_on().render(l)} }
                        input { id: "start-{enum_to_db(md)}", r#type: "date", name: "start_on", value: "{today}", required: true }
                        button { r#type: "submit", {m::ui_open_relation(md.text()).render(l)} }
                    }
                }
            }
        }
    };
    let title = m::ui_beneficiaries().render(l);
    Ok(html::respond(ctx, Page::new("/beneficiaries", title, body).with_notice(notice)))
}
