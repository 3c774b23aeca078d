//! 护理人员: an institution's caregivers — the list by status and name with what needs attention,
//! registering one (every bad field shown at once, as the API answers), and a caregiver's page:
//! the record and its changes, training records, the phone app account (create, reset, disable),
//! assignments to the beneficiaries the institution serves, and departure. Each form calls the
//! function the API calls.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use dioxus::prelude::*;
use ltci_shared::api::institutions::{InstitutionFilter, ServiceRelationFilter};
use ltci_shared::api::supervision::FindingFilter;
use ltci_shared::api::supervision::{CreateSanction, SanctionFilter, SanctionSubject};
use ltci_shared::api::users::{Role, UserView};
use ltci_shared::api::workforce::{
    AssignmentFilter, Caregiver, CaregiverAccountRequest, CaregiverDeparture, CaregiverFilter, CaregiverQualification,
    CaregiverStatus, CreateAssignment, CreateCaregiverRequest, EndAssignment, TrainingRequest, UpdateCaregiverRequest,
};
use ltci_shared::messages as m;
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
use crate::supervision::sanctions;
use crate::workforce::{assignments, caregivers, training};
use crate::{institutions, registry, users};

const PAGE_SIZE: u64 = 20;
const QUALIFICATIONS: [CaregiverQualification; 3] = [
    CaregiverQualification::Nurse,
    CaregiverQualification::CaregiverCertified,
    CaregiverQualification::FamilyCaregiver,
];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    name: Option<String>,
    offset: Option<u64>,
}

/// The caregivers in scope, by name.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    render_list(&state, &ctx, &q, &NewCaregiver::default(), Notice::default()).await
}

/// What the registration form sent (kept to show it again with its refusals).
#[derive(Debug, Default, Deserialize)]
pub struct NewCaregiver {
    #[serde(default)]
    institution_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    county_id: String,
    #[serde(default)]
    qualification: String,
    #[serde(default)]
    certificate_level: String,
    #[serde(default)]
    certificate_number: String,
}

/// Registers a caregiver; the caregiver's page, or the list again with every refusal beside its
/// field. The choices (county, qualification, level) come from lists; a value no list offers is
/// sent on as none, for the API to name.
pub async fn register(State(state): State<AppState>, posted: Posted<NewCaregiver>) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = match html::choice::<CaregiverQualification>(&Some(form.qualification.clone())) {
        Some(qualification) => {
            let req = CreateCaregiverRequest {
                institution_id: form.institution_id.parse().ok(),
                name: form.name.trim().to_owned(),
                id_number: form.id_number.trim().to_owned(),
                phone: form.phone.trim().to_owned(),
                county_id: form.county_id.parse().unwrap_or_default(),
                qualification,
                certificate_level: form.certificate_level.parse().ok(),
                certificate_number: Some(form.certificate_number.trim().to_owned()).filter(|n| !n.is_empty()),
            };
            caregivers::register(&state, &ctx.actor, req).await
        }
        None => Err(html::missing("qualification")),
    };
    match done {
        Ok(c) => Ok(html::done_at(&format!("/caregivers/{}", c.id), m::ui_done_caregiver_registered())),
        Err(e) => {
            let all = ListQuery::default();
            html::refused_on_page(e, ctx.lang, |n| render_list(&state, &ctx, &all, &form, n)).await
        }
    }
}

fn status_text(s: CaregiverStatus) -> Text {
    match s {
        CaregiverStatus::Active => m::ui_caregiver_active(),
        CaregiverStatus::Left => m::ui_caregiver_left(),
    }
}

/// What needs the institution's attention about an active caregiver: the app account (a
/// caregiver without one cannot check visits in; a disabled one has been signed out) and, for a
/// nurse or a certified caregiver, the certificate number the agency checks.
fn attention(c: &Caregiver, accounts: &HashMap<Uuid, UserView>) -> Vec<Text> {
    if c.status != CaregiverStatus::Active {
        return Vec::new();
    }
    let mut out = Vec::new();
    match c.user_id.and_then(|u| accounts.get(&u)) {
        None if c.user_id.is_none() => out.push(m::ui_attention_no_account()),
        Some(u) if !u.active => out.push(m::ui_attention_account_disabled()),
        _ => {}
    }
    if c.qualification != CaregiverQualification::FamilyCaregiver && c.certificate_number.is_none() {
        out.push(m::ui_attention_no_certificate());
    }
    out
}

/// The accounts of `caregivers` the actor may read, by id (one query).
async fn accounts_of(
    state: &AppState,
    ctx: &Ctx,
    caregivers: &[&Caregiver],
) -> Result<HashMap<Uuid, UserView>, Refusal> {
    if !ctx.actor.can(Permission::ReadUsers) {
        return Ok(HashMap::new());
    }
    let ids: Vec<Uuid> = caregivers.iter().filter_map(|c| c.user_id).collect();
    Ok(users::service::by_ids(state, &ctx.actor, &ids).await?.into_iter().map(|u| (u.id, u)).collect())
}

/// Options of the registration form: the region's counties and, for officers, the institutions.
async fn choices(state: &AppState, ctx: &Ctx) -> Result<(Vec<(String, String)>, Vec<(String, String)>), Refusal> {
    let counties = registry::counties::list(state, &ctx.actor)
        .await?
        .into_iter()
        .map(|c| (c.id.to_string(), format!("{} {}", c.code, c.name)))
        .collect();
    let institutions = if ctx.actor.role == Role::Admin {
        let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
        institutions::designation::list(state, &ctx.actor, InstitutionFilter::default(), page)
            .await?
            .items
            .into_iter()
            .map(|i| (i.id.to_string(), i.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok((counties, institutions))
}

/// The names of the institutions `ids`, for those who may read institutions (a caregiver, who
/// sees only their own record, is not shown the name).
async fn institution_names(state: &AppState, ctx: &Ctx, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, Refusal> {
    if !ctx.actor.can(Permission::ReadInstitutions) {
        return Ok(HashMap::new());
    }
    Ok(institutions::designation::names(state, &ctx.actor, ids).await?)
}

fn qualification_options(l: Lang) -> Vec<(String, String)> {
    QUALIFICATIONS.into_iter().map(|q| (enum_to_db(&q), q.text().render(l))).collect()
}

fn level_options(l: Lang) -> Vec<(String, String)> {
    (1..=5).map(|n| (n.to_string(), m::ui_level_n(n).render(l))).collect()
}

async fn render_list(state: &AppState, ctx: &Ctx, q: &ListQuery, sent: &NewCaregiver, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let status: Option<CaregiverStatus> = html::choice(&q.status);
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let filter = CaregiverFilter { status, name: q.name.clone(), ..CaregiverFilter::default() };
    let found = caregivers::list(state, a, filter, page).await?;
    let accounts = accounts_of(state, ctx, &found.items.iter().collect::<Vec<_>>()).await?;
    let manages = a.can(Permission::ManageCaregivers);
    let (counties, institution_choices) = if manages { choices(state, ctx).await? } else { Default::default() };
    let ids: Vec<Uuid> = found.items.iter().map(|c| c.institution_id).collect();
    let names = institution_names(state, ctx, &ids).await?;
    let query = html::query_of(&[("status", &q.status), ("name", &q.name)]);
    let name_filter = q.name.clone().unwrap_or_default();
    let body = rsx! {
        form { class: "filters", method: "get", action: "/caregivers",
            div { class: "field",
                label { r#for: "f-status", {m::ui_status().render(l)} }
                select { id: "f-status", name: "status", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for s in [CaregiverStatus::Active, CaregiverStatus::Left] {
                        option { value: enum_to_db(&s), selected: status == Some(s), {status_text(s).render(l)} }
                    }
                }
            }
            div { class: "field",
                label { r#for: "q-name", {m::ui_name().render(l)} }
                input { id: "q-name", name: "name", value: "{name_filter}" }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_name().render(l)} }
                th { scope: "col", {m::ui_id_number().render(l)} }
                th { scope: "col", {m::ui_qualification().render(l)} }
                if a.role != Role::Institution { th { scope: "col", {m::ui_institution().render(l)} } }
                th { scope: "col", class: "num", {m::ui_training_hours().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
                th { scope: "col", {m::ui_attention().render(l)} }
            } }
            tbody {
                for c in found.items.iter() {
                    tr {
                        td { a { href: "/caregivers/{c.id}", "{c.name}" } }
                        td { code { "{c.id_number}" } }
                        td { {c.qualification.text().render(l)} }
                        if a.role != Role::Institution { td { {names.get(&c.institution_id).cloned().unwrap_or_default()} } }
                        td { class: "num", "{c.training_hours}" }
                        td { {status_text(c.status).render(l)} }
                        td { class: "warn",
                            for t in attention(c, &accounts) { span { class: "state", {t.render(l)} } " " }
                        }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/caregivers", &query, found.offset, found.limit, found.total)}
        if manages {
            form { class: "step", method: "post", action: "/caregivers",
                h2 { {m::ui_new_caregiver().render(l)} }
                {html::csrf(ctx)}
                if !institution_choices.is_empty() {
                    {html::select_field("institution_id", &m::ui_institution().render(l), &institution_choices, &sent.institution_id, &notice, true)}
                }
                {html::text_field("name", &m::ui_name().render(l), &sent.name, &notice, true)}
                {html::text_field("id_number", &m::ui_id_number().render(l), &sent.id_number, &notice, true)}
                {html::text_field("phone", &m::ui_phone().render(l), &sent.phone, &notice, true)}
                {html::select_field("county_id", &m::ui_work_county().render(l), &counties, &sent.county_id, &notice, true)}
                {html::select_field("qualification", &m::ui_qualification().render(l), &qualification_options(l), &sent.qualification, &notice, true)}
                {html::select_field("certificate_level", &m::ui_certificate_level().render(l), &level_options(l), &sent.certificate_level, &notice, false)}
                {html::text_field("certificate_number", &m::ui_caregiver_certificate().render(l), &sent.certificate_number, &notice, false)}
                button { r#type: "submit", {m::ui_register().render(l)} }
            }
        }
    };
    Ok(html::respond(ctx, Page::new("/caregivers", m::ui_caregivers().render(l), body).with_notice(notice)))
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
    /// The confirmed finding a sanction would rest on (from the finding's page).
    finding: Option<String>,
}

const DONE: [fn() -> Text; 10] = [
    m::ui_done_caregiver_registered,
    m::ui_done_caregiver_updated,
    m::ui_done_training_added,
    m::ui_done_account_created,
    m::ui_done_password_reset,
    m::ui_done_account_disabled,
    m::ui_done_assigned_caregiver,
    m::ui_done_assignment_ended,
    m::ui_done_departed,
    m::ui_done_sanctioned,
];

/// One caregiver.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    let sent = StepForm { finding_id: q.finding.unwrap_or_default(), ..StepForm::default() };
    render_one(&state, &ctx, id, &sent, notice).await
}

/// The fields any step's form may send.
#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    county_id: String,
    #[serde(default)]
    qualification: String,
    #[serde(default)]
    certificate_level: String,
    #[serde(default)]
    certificate_number: String,
    #[serde(default)]
    course: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    completed_on: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    insured_person_id: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    assignment_id: String,
    #[serde(default)]
    end_on: String,
    #[serde(default)]
    left_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    finding_id: String,
}

/// Takes one step on the caregiver: changes the record, records a course, creates, resets or
/// disables the app account, assigns or ends an assignment, or records the departure.
pub async fn step(
    State(state): State<AppState>,
    Path((id, step)): Path<(Uuid, String)>,
    posted: Posted<StepForm>,
) -> PageResult {
    let Posted { ctx, form } = posted;
    let a = &ctx.actor;
    let done = match step.as_str() {
        "update" => {
            let req = UpdateCaregiverRequest {
                version: form.version.parse().unwrap_or(-1),
                phone: Some(form.phone.trim().to_owned()),
                county_id: form.county_id.parse().ok(),
                qualification: html::choice(&Some(form.qualification.clone())),
                certificate_level: form.certificate_level.parse().ok(),
                certificate_number: Some(form.certificate_number.trim().to_owned()),
            };
            caregivers::update(&state, a, id, req).await.map(|_| m::ui_done_caregiver_updated())
        }
        "training" => match (hours_of(&form.hours), html::required_day("completed_on", &form.completed_on)) {
            (Ok(hours), Ok(completed_on)) => {
                let req = TrainingRequest {
                    course: form.course.trim().to_owned(),
                    hours,
                    completed_on,
                    provider: Some(form.provider.trim().to_owned()).filter(|p| !p.is_empty()),
                    certificate_number: None,
                };
                training::add(&state, a, id, req).await.map(|_| m::ui_done_training_added())
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
        "account" => {
            let req =
                CaregiverAccountRequest { username: form.username.trim().to_owned(), password: form.password.clone() };
            caregivers::create_account(&state, a, id, req).await.map(|_| m::ui_done_account_created())
        }
        "password" => match account_of(&state, &ctx, id).await {
            Ok(user_id) => users::service::reset_password(&state, a, user_id, &form.new_password)
                .await
                .map(|_| m::ui_done_password_reset()),
            Err(e) => Err(e),
        },
        "disable" => match account_of(&state, &ctx, id).await {
            Ok(user_id) => users::service::deactivate(&state, a, user_id).await.map(|_| m::ui_done_account_disabled()),
            Err(e) => Err(e),
        },
        "assign" => match html::required_day("start_on", &form.start_on) {
            Ok(start_on) => {
                let req = CreateAssignment {
                    caregiver_id: id,
                    insured_person_id: form.insured_person_id.parse().unwrap_or_default(),
                    start_on,
                };
                assignments::create(&state, a, req).await.map(|_| m::ui_done_assigned_caregiver())
            }
            Err(e) => Err(e),
        },
        "end-assignment" => match html::required_day("end_on", &form.end_on) {
            Ok(end_on) => {
                let req = EndAssignment { end_on, reason: form.reason.trim().to_owned() };
                let assignment = form.assignment_id.parse().unwrap_or_default();
                match assignment_of(&state, &ctx, id, assignment).await {
                    Ok(()) => assignments::end(&state, a, assignment, req).await.map(|_| m::ui_done_assignment_ended()),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        },
        "sanction" => {
            match (html::required_day("starts_on", &form.starts_on), html::required_day("ends_on", &form.ends_on)) {
                (Ok(starts_on), Ok(ends_on)) => {
                    let req = CreateSanction {
                        subject: SanctionSubject::Caregiver,
                        caregiver_id: Some(id),
                        institution_id: None,
                        legal_representative_masked: None,
                        finding_id: html::optional_id(&form.finding_id),
                        starts_on,
                        ends_on,
                        reason: form.reason.trim().to_owned(),
                    };
                    sanctions::create(&state, a, req).await.map(|_| m::ui_done_sanctioned())
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
        "depart" => match html::required_day("left_on", &form.left_on) {
            Ok(left_on) => {
                let req = CaregiverDeparture { left_on, reason: form.reason.trim().to_owned() };
                caregivers::depart(&state, a, id, req).await.map(|_| m::ui_done_departed())
            }
            Err(e) => Err(e),
        },
        _ => return Err(Refusal::Api(ApiError::not_found(m::thing_record()))),
    };
    // The sanction form shares field names (reason) with the departure form: its refusal is its own.
    let own_form = |n: Notice| if step == "sanction" { n.for_form("sanction") } else { n };
    match done {
        Ok(text) => Ok(html::done_at(&format!("/caregivers/{id}"), text)),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_one(&state, &ctx, id, &form, own_form(n))).await,
    }
}

/// Hours of a course as the API reads them (at most one decimal).
fn hours_of(text: &str) -> Result<rust_decimal::Decimal, ApiError> {
    ltci_shared::strict::parse_decimal(text.trim(), 10, "hours")
        .map_err(|(code, key)| ApiError::invalid_field("hours", code, ltci_shared::strict::text_of(code, key)))
}

/// `Ok` when `assignment` is one of the caregiver `id`'s (in scope); 404 otherwise, so a
/// caregiver's page ends only that caregiver's assignments.
async fn assignment_of(state: &AppState, ctx: &Ctx, id: Uuid, assignment: Uuid) -> Result<(), ApiError> {
    let filter = AssignmentFilter { caregiver_id: Some(id), ..AssignmentFilter::default() };
    let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
    let theirs = assignments::list(state, &ctx.actor, filter, page).await?;
    if theirs.items.iter().any(|x| x.id == assignment) {
        Ok(())
    } else {
        Err(ApiError::not_found(m::thing_caregiver_assignment()))
    }
}

/// The app account of the caregiver `id` in scope; 404 (as for a caregiver out of scope) when
/// there is none.
async fn account_of(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Uuid, ApiError> {
    caregivers::get(state, &ctx.actor, id).await?.user_id.ok_or_else(|| ApiError::not_found(m::thing_user()))
}

async fn render_one(state: &AppState, ctx: &Ctx, id: Uuid, sent: &StepForm, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let c = caregivers::get(state, a, id).await?;
    let trainings = training::list(state, a, id).await?;
    let filter = AssignmentFilter { caregiver_id: Some(id), ..AssignmentFilter::default() };
    let asgs =
        assignments::list(state, a, filter, PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 }).await?;
    let account = match c.user_id {
        Some(u) if a.can(Permission::ReadUsers) => users::service::get(state, a, u).await.ok(),
        _ => None,
    };
    let manages = a.can(Permission::ManageCaregivers) && c.status == CaregiverStatus::Active;
    let assigns = a.can(Permission::ManageCaregiverAssignments) && c.status == CaregiverStatus::Active;
    // Whom the caregiver may be assigned to: the people the institution serves now.
    let served = if assigns {
        let f =
            ServiceRelationFilter { institution_id: Some(c.institution_id), open: Some(true), ..Default::default() };
        let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
        institutions::relations::list(state, a, f, page).await?.items
    } else {
        Vec::new()
    };
    let mut people: Vec<Uuid> = asgs.items.iter().map(|x| x.insured_person_id).collect();
    people.extend(served.iter().map(|r| r.insured_person_id));
    let names: HashMap<Uuid, String> = registry::persons::names(state, a, &people).await?.into_iter().collect();
    let assigned_now: Vec<Uuid> =
        asgs.items.iter().filter(|x| x.end_on.is_none()).map(|x| x.insured_person_id).collect();
    let mut to_assign: Vec<(String, String)> = served
        .iter()
        .filter(|r| !assigned_now.contains(&r.insured_person_id))
        .map(|r| (r.insured_person_id.to_string(), names.get(&r.insured_person_id).cloned().unwrap_or_default()))
        .collect();
    to_assign.sort_by(|x, y| x.1.cmp(&y.1));
    to_assign.dedup();
    let (counties, _) = if manages { choices(state, ctx).await? } else { Default::default() };
    let reads_sanctions = a.can(Permission::ReadSanctions);
    let bans = if reads_sanctions {
        let f = SanctionFilter { caregiver_id: Some(id), ..SanctionFilter::default() };
        sanctions::list(state, a, f, PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 }).await?.items
    } else {
        Vec::new()
    };
    let bars = a.can(Permission::ManageSanctions) && c.status == CaregiverStatus::Active;
    let sanction_notice = notice.of_form("sanction");
    let inst = institution_names(state, ctx, &[c.institution_id]).await?;
    let today = a.today.to_string();
    let level = c.certificate_level.map(|n| m::ui_level_n(n).render(l)).unwrap_or_default();
    let sent_or = |sent: &str, stored: String| if sent.is_empty() { stored } else { sent.to_owned() };
    let warnings =
        super::findings::warnings_before(state, ctx, FindingFilter { caregiver_id: Some(id), ..Default::default() })
            .await?;
    let body = rsx! {
        {warnings}
        dl { class: "facts",
            dt { {m::ui_id_number().render(l)} } dd { code { "{c.id_number}" } }
            dt { {m::ui_sex_age().render(l)} } dd { {m::ui_sex_and_age(crate::console::labels::sex(c.sex), c.age).render(l)} }
            dt { {m::ui_institution().render(l)} } dd { {inst.get(&c.institution_id).cloned().unwrap_or_default()} }
            dt { {m::ui_phone().render(l)} } dd { "{c.phone}" }
            dt { {m::ui_qualification().render(l)} } dd { {c.qualification.text().render(l)} " {level}" }
            dt { {m::ui_caregiver_certificate().render(l)} } dd { {c.certificate_number.clone().unwrap_or_else(|| "—".into())} }
            dt { {m::ui_training_hours().render(l)} } dd { "{c.training_hours}" }
            dt { {m::ui_status().render(l)} } dd {
                {status_text(c.status).render(l)}
                if let Some(d) = c.left_on { " " {format::day(d)} }
            }
            dt { {m::ui_app_account().render(l)} } dd {
                match (&c.user_id, &account) {
                    (None, _) => rsx! { {m::ui_no_account().render(l)} },
                    (Some(_), Some(u)) if !u.active => rsx! { code { "{u.username}" } " " {m::ui_account_disabled().render(l)} },
                    (Some(_), Some(u)) => rsx! { code { "{u.username}" } },
                    (Some(_), None) => rsx! { "✓" },
                }
            }
        }
        if manages {
            details { class: "no-print",
                summary { {m::ui_edit_caregiver().render(l)} }
                form { class: "step", method: "post", action: "/caregivers/{c.id}/update",
                    {html::csrf(ctx)}
                    input { r#type: "hidden", name: "version", value: "{c.version}" }
                    {html::text_field("phone", &m::ui_phone().render(l), &sent_or(&sent.phone, c.phone.clone()), &notice, true)}
                    {html::select_field("county_id", &m::ui_work_county().render(l), &counties, &sent_or(&sent.county_id, c.county_id.to_string()), &notice, true)}
                    {html::select_field("qualification", &m::ui_qualification().render(l), &qualification_options(l), &sent_or(&sent.qualification, enum_to_db(&c.qualification)), &notice, true)}
                    {html::select_field("certificate_level", &m::ui_certificate_level().render(l), &level_options(l), &sent_or(&sent.certificate_level, c.certificate_level.map(|n| n.to_string()).unwrap_or_default()), &notice, false)}
                    {html::text_field("certificate_number", &m::ui_caregiver_certificate().render(l), &sent_or(&sent.certificate_number, c.certificate_number.clone().unwrap_or_default()), &notice, false)}
                    button { r#type: "submit", {m::ui_save().render(l)} }
                }
            }
        }
        h2 { {m::ui_app_account().render(l)} }
        if manages && c.user_id.is_none() {
            form { class: "step", method: "post", action: "/caregivers/{c.id}/account",
                {html::csrf(ctx)}
                {html::text_field("username", &m::ui_username().render(l), &sent.username, &notice, true)}
                {html::password_field("password", &m::ui_initial_password().render(l), &notice)}
                button { r#type: "submit", {m::ui_create_account().render(l)} }
            }
        }
        if let (true, Some(u)) = (manages && a.can(Permission::ManageUsers), account.as_ref().filter(|u| u.active)) {
            div { class: "actions",
                form { class: "step", method: "post", action: "/caregivers/{c.id}/password",
                    {html::csrf(ctx)}
                    p { class: "muted", {m::ui_reset_password_hint().render(l)} }
                    {html::password_field("new_password", &m::ui_new_password().render(l), &notice)}
                    button { r#type: "submit", {m::ui_reset_password().render(l)} }
                }
                form { class: "step", method: "post", action: "/caregivers/{c.id}/disable", "data-confirm": m::ui_disable_account_confirm().render(l),
                    {html::csrf(ctx)}
                    p { code { "{u.username}" } }
                    button { r#type: "submit", class: "danger", {m::ui_disable_account().render(l)} }
                }
            }
        }
        h2 { {m::ui_trainings().render(l)} }
        if trainings.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        if !trainings.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_course().render(l)} }
                    th { scope: "col", class: "num", {m::ui_hours().render(l)} }
                    th { scope: "col", {m::ui_completed_on().render(l)} }
                    th { scope: "col", {m::ui_training_provider().render(l)} }
                } }
                tbody {
                    for t in trainings.iter() {
                        tr {
                            td { "{t.course}" }
                            td { class: "num", "{t.hours}" }
                            td { {format::day(t.completed_on)} }
                            td { {t.provider.clone().unwrap_or_default()} }
                        }
                    }
                }
            }
        }
        if manages {
            form { class: "step", method: "post", action: "/caregivers/{c.id}/training",
                h3 { {m::ui_add_training().render(l)} }
                {html::csrf(ctx)}
                {html::text_field("course", &m::ui_course().render(l), &sent.course, &notice, true)}
                {html::text_field("hours", &m::ui_hours().render(l), &sent.hours, &notice, true)}
                {html::date_field("completed_on", &m::ui_completed_on().render(l), &sent.completed_on, &notice)}
                {html::text_field("provider", &m::ui_training_provider().render(l), &sent.provider, &notice, false)}
                button { r#type: "submit", {m::ui_add_training().render(l)} }
            }
        }
        h2 { {m::ui_assignments().render(l)} }
        if asgs.items.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        if !asgs.items.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_person().render(l)} }
                    th { scope: "col", {m::ui_period().render(l)} }
                    th { scope: "col", {m::ui_end_reason().render(l)} }
                    if assigns { th { scope: "col", class: "no-print", {m::ui_next_step().render(l)} } }
                } }
                tbody {
                    for x in asgs.items.iter() {
                        tr {
                            td { a { href: "/persons/{x.insured_person_id}", {names.get(&x.insured_person_id).cloned().unwrap_or_default()} } }
                            td { {format::day(x.start_on)} " – " {x.end_on.map(format::day).unwrap_or_default()} }
                            td { {x.end_reason.clone().unwrap_or_default()} }
                            if assigns {
                                td { class: "no-print",
                                    if x.end_on.is_none() {
                                        form { class: "row", method: "post", action: "/caregivers/{c.id}/end-assignment",
                                            {html::csrf(ctx)}
                                            input { r#type: "hidden", name: "assignment_id", value: "{x.id}" }
                                            label { r#for: "end-on-{x.id}", {m::ui_end_on().render(l)} }
                                            input { id: "end-on-{x.id}", r#type: "date", name: "end_on", value: "{today}", required: true }
                                            label { r#for: "end-why-{x.id}", {m::ui_end_reason().render(l)} }
                                            input { id: "end-why-{x.id}", name: "reason", required: true, maxlength: "300" }
                                            button { r#type: "submit", class: "secondary", {m::ui_end_assignment().render(l)} }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if assigns {
            if to_assign.is_empty() { p { class: "muted", {m::ui_no_one_to_assign().render(l)} } }
            if !to_assign.is_empty() {
                form { class: "step", method: "post", action: "/caregivers/{c.id}/assign",
                    h3 { {m::ui_assign_to().render(l)} }
                    {html::csrf(ctx)}
                    {html::select_field("insured_person_id", &m::ui_person().render(l), &to_assign, &sent.insured_person_id, &notice, true)}
                    {html::date_field("start_on", &m::ui_start_on().render(l), &sent_or(&sent.start_on, today.clone()), &notice)}
                    button { r#type: "submit", {m::ui_assign().render(l)} }
                }
            }
        }
        if reads_sanctions {
            h2 { {m::ui_sanctions().render(l)} }
            if bans.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
            if !bans.is_empty() { {super::sanctions::table(ctx, &bans, &HashMap::new(), false)} }
            if bars {
                form { id: "sanction", class: "step", method: "post", action: "/caregivers/{c.id}/sanction", "data-confirm": m::ui_sanction_confirm().render(l),
                    h3 { {m::ui_bar_caregiver().render(l)} }
                    {html::csrf(ctx)}
                    p { class: "muted", {m::ui_sanction_hint().render(l)} }
                    {super::sanctions::grounds_field(ctx, &sent.finding_id, &sanction_notice)}
                    {html::date_field("starts_on", &m::ui_start_on().render(l), &sent_or(&sent.starts_on, today.clone()), &sanction_notice)}
                    {html::date_field("ends_on", &m::ui_end_on().render(l), &sent.ends_on, &sanction_notice)}
                    {html::reason_field_at("sanction-reason", "reason", &m::ui_sanction_reason().render(l), &sanction_notice)}
                    button { r#type: "submit", class: "danger", {m::ui_bar_caregiver().render(l)} }
                }
            }
        }
        if manages {
            form { class: "step", method: "post", action: "/caregivers/{c.id}/depart", "data-confirm": m::ui_departure_confirm().render(l),
                h2 { {m::ui_departure().render(l)} }
                {html::csrf(ctx)}
                {html::date_field("left_on", &m::ui_left_on().render(l), &sent_or(&sent.left_on, today.clone()), &notice)}
                {html::reason_field("reason", &m::ui_departure_reason().render(l), &notice)}
                button { r#type: "submit", class: "danger", {m::ui_departure().render(l)} }
            }
        }
    };
    let page = Page::new("/caregivers", c.name.clone(), body)
        .under(m::ui_caregivers().render(l), "/caregivers")
        .with_notice(notice)
        .with_history("caregiver", c.id);
    Ok(html::respond(ctx, page))
}
