//! 用户管理: the region's accounts by role and state, a new account, and one account's page —
//! deactivation, a password reset and, for an assessor, the profile that drives assignment and
//! recusal. Each form calls the function the API calls.

use axum::extract::{Path, Query, State};
use dioxus::prelude::*;
use ltci_shared::api::assessment::{AssessorProfileRequest, Qualification};
use ltci_shared::api::institutions::InstitutionFilter;
use ltci_shared::api::users::{CreateUserRequest, Role, UserFilter, UserView};
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::{PageResult, Refusal};
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::labels;
use crate::console::session::{Ctx, Posted};
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::{assessment, institutions, users};

const PAGE_SIZE: u64 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    role: Option<String>,
    active: Option<String>,
    offset: Option<u64>,
}

/// The accounts in scope, by username.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    render_list(&state, &ctx, &q, &NewUser::default(), Notice::default()).await
}

/// What the new-account form sent (kept to show it again with its refusals).
#[derive(Debug, Default, Deserialize)]
pub struct NewUser {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    institution_id: String,
}

/// Creates an account; its page, or the list again with the refusals beside the fields.
pub async fn create(State(state): State<AppState>, posted: Posted<NewUser>) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = match Role::from_name(&form.role) {
        Some(role) => {
            let req = CreateUserRequest {
                username: form.username.trim().to_owned(),
                display_name: form.display_name.trim().to_owned(),
                password: form.password.clone(),
                role,
                institution_id: form.institution_id.parse().ok(),
            };
            users::service::create(&state, &ctx.actor, req).await
        }
        None => Err(ApiError::invalid_field("role", "required", m::ui_choose_role())),
    };
    match done {
        Ok(u) => Ok(html::done_at(&format!("/users/{}", u.id), m::ui_done_user_created())),
        Err(e) => {
            let all = ListQuery::default();
            html::refused_on_page(e, ctx.lang, |n| render_list(&state, &ctx, &all, &form, n)).await
        }
    }
}

/// The region's institutions by name, for choosing one (the first 200).
async fn institution_choices(state: &AppState, ctx: &Ctx) -> Result<Vec<(Uuid, String)>, Refusal> {
    if !ctx.actor.can(Permission::ReadInstitutions) || !matches!(ctx.actor.role, Role::Admin | Role::Auditor) {
        return Ok(Vec::new());
    }
    let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
    let found = institutions::designation::list(state, &ctx.actor, InstitutionFilter::default(), page).await?;
    Ok(found.items.into_iter().map(|i| (i.id, i.name)).collect())
}

async fn render_list(state: &AppState, ctx: &Ctx, q: &ListQuery, sent: &NewUser, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let role = q.role.as_deref().and_then(Role::from_name);
    let active = q.active.as_deref().and_then(|v| v.parse::<bool>().ok());
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = users::service::list(state, a, UserFilter { role, active }, page).await?;
    let choices = institution_choices(state, ctx).await?;
    let inst_name = |id: Option<Uuid>| {
        id.and_then(|i| choices.iter().find(|(c, _)| *c == i).map(|(_, n)| n.clone())).unwrap_or_default()
    };
    let query = html::query_of(&[("role", &q.role), ("active", &q.active)]);
    // Caregivers' app accounts are made from their caregiver's record (护理人员档案), by the
    // institution; officers create the other accounts.
    let manages = a.can(Permission::ManageUsers) && a.role == Role::Admin;
    let creatable: Vec<Role> = Role::ALL.into_iter().filter(|r| *r != Role::Caregiver).collect();
    let why_role = notice.field("role").map(str::to_owned);
    let why_inst = notice.field("institution_id").map(str::to_owned);
    let body = rsx! {
        form { class: "filters", method: "get", action: "/users",
            div { class: "field",
                label { r#for: "f-role", {m::ui_role().render(l)} }
                select { id: "f-role", name: "role", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for r in Role::ALL {
                        option { value: r.as_str(), selected: role == Some(r), {labels::role(r).render(l)} }
                    }
                }
            }
            div { class: "field",
                label { r#for: "f-active", {m::ui_status().render(l)} }
                select { id: "f-active", name: "active", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    option { value: "true", selected: active == Some(true), {m::ui_user_active().render(l)} }
                    option { value: "false", selected: active == Some(false), {m::ui_user_inactive().render(l)} }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_username().render(l)} }
                th { scope: "col", {m::ui_display_name().render(l)} }
                th { scope: "col", {m::ui_role().render(l)} }
                th { scope: "col", {m::ui_institution().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
            } }
            tbody {
                for u in found.items.iter() {
                    tr {
                        td { a { href: "/users/{u.id}", "{u.username}" } }
                        td { "{u.display_name}" }
                        td { {labels::role(u.role).render(l)} }
                        td { {inst_name(u.institution_id)} }
                        td { {active_text(u).render(l)} }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/users", &query, found.offset, found.limit, found.total)}
        if manages {
            form { class: "step", method: "post", action: "/users",
                h2 { {m::ui_new_user().render(l)} }
                {html::csrf(ctx)}
                {html::text_field("username", &m::ui_username().render(l), &sent.username, &notice, true)}
                {html::text_field("display_name", &m::ui_display_name().render(l), &sent.display_name, &notice, true)}
                {html::password_field("password", &m::ui_initial_password().render(l), &notice)}
                div { class: if why_role.is_some() { "field invalid" } else { "field" },
                    label { r#for: "f-new-role", {m::ui_role().render(l)} }
                    select { id: "f-new-role", name: "role", required: true,
                        option { value: "", {m::ui_choose_role().render(l)} }
                        for r in creatable.iter() {
                            option { value: r.as_str(), selected: sent.role == r.as_str(), {labels::role(*r).render(l)} }
                        }
                    }
                    if let Some(w) = &why_role { span { class: "why", "{w}" } }
                }
                if !choices.is_empty() {
                    div { class: if why_inst.is_some() { "field invalid" } else { "field" },
                        label { r#for: "f-new-institution", {m::ui_institution_for_staff().render(l)} }
                        select { id: "f-new-institution", name: "institution_id",
                            option { value: "", "—" }
                            for (id, name) in choices.iter() {
                                option { value: "{id}", selected: sent.institution_id == id.to_string(), "{name}" }
                            }
                        }
                        if let Some(w) = &why_inst { span { class: "why", "{w}" } }
                    }
                }
                button { r#type: "submit", {m::ui_create_user().render(l)} }
            }
        }
    };
    Ok(html::respond(ctx, Page::new("/users", m::ui_users().render(l), body).with_notice(notice)))
}

fn active_text(u: &UserView) -> Text {
    if u.active { m::ui_user_active() } else { m::ui_user_inactive() }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

const DONE: [fn() -> Text; 4] =
    [m::ui_done_user_created, m::ui_done_deactivated, m::ui_done_password_reset, m::ui_done_profile_saved];

/// One account.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render_user(&state, &ctx, id, notice).await
}

/// The fields any step's form may send.
#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    qualification: String,
    #[serde(default)]
    expert: Option<String>,
    #[serde(default)]
    employer_institution_id: String,
}

/// Deactivates the account, resets its password or saves the assessor's profile.
pub async fn step(
    State(state): State<AppState>,
    Path((id, step)): Path<(Uuid, String)>,
    posted: Posted<StepForm>,
) -> PageResult {
    let Posted { ctx, form } = posted;
    let a = &ctx.actor;
    let done = match step.as_str() {
        "deactivate" => users::service::deactivate(&state, a, id).await.map(|_| m::ui_done_deactivated()),
        "password" => {
            users::service::reset_password(&state, a, id, &form.new_password).await.map(|_| m::ui_done_password_reset())
        }
        "profile" => match qualification(&form.qualification) {
            Some(q) => {
                let req = AssessorProfileRequest {
                    qualification: q,
                    expert: form.expert.is_some(),
                    employer_institution_id: form.employer_institution_id.parse().ok(),
                };
                assessment::assessors::put(&state, a, id, req).await.map(|_| m::ui_done_profile_saved())
            }
            None => Err(ApiError::invalid_field("qualification", "required", m::ui_qualification())),
        },
        _ => return Err(Refusal::Api(ApiError::not_found(m::thing_user()))),
    };
    match done {
        Ok(text) => Ok(html::done_at(&format!("/users/{id}"), text)),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_user(&state, &ctx, id, n)).await,
    }
}

const QUALIFICATIONS: [(Qualification, &str); 3] =
    [(Qualification::Physician, "physician"), (Qualification::Nurse, "nurse"), (Qualification::Other, "other")];

fn qualification(name: &str) -> Option<Qualification> {
    QUALIFICATIONS.iter().find(|(_, n)| *n == name).map(|(q, _)| *q)
}

fn qualification_text(q: Qualification) -> Text {
    match q {
        Qualification::Physician => m::ui_physician(),
        Qualification::Nurse => m::ui_nurse(),
        Qualification::Other => m::ui_other_qualification(),
    }
}

async fn render_user(state: &AppState, ctx: &Ctx, id: Uuid, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let u = users::service::get(state, a, id).await?;
    let choices = institution_choices(state, ctx).await?;
    let name_of = |id: Option<Uuid>| {
        id.and_then(|i| choices.iter().find(|(c, _)| *c == i).map(|(_, n)| n.clone())).unwrap_or_default()
    };
    let manages = a.can(Permission::ManageUsers) && u.id != a.user_id && u.active;
    let profiles = a.can(Permission::ManageAssessments) && u.role == Role::Assessor;
    let profile = if profiles {
        assessment::assessors::list(state, a).await?.into_iter().find(|p| p.user_id == u.id)
    } else {
        None
    };
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_username().render(l)} } dd { "{u.username}" }
            dt { {m::ui_display_name().render(l)} } dd { "{u.display_name}" }
            dt { {m::ui_role().render(l)} } dd { {labels::role(u.role).render(l)} }
            if u.institution_id.is_some() { dt { {m::ui_institution().render(l)} } dd { {name_of(u.institution_id)} } }
            dt { {m::ui_status().render(l)} } dd { {active_text(&u).render(l)} }
            dt { {m::ui_created_at().render(l)} } dd { {format::at(u.created_at, ctx.tz)} }
        }
        if manages {
            form { class: "step", method: "post", action: "/users/{u.id}/password",
                h2 { {m::ui_reset_password().render(l)} }
                {html::csrf(ctx)}
                {html::password_field("new_password", &m::ui_new_password().render(l), &notice)}
                p { class: "muted", {m::ui_reset_password_hint().render(l)} }
                button { r#type: "submit", class: "secondary", {m::ui_reset_password().render(l)} }
            }
            form { class: "step", method: "post", action: "/users/{u.id}/deactivate", "data-confirm": m::ui_deactivate_confirm().render(l),
                {html::csrf(ctx)}
                p { class: "muted", {m::ui_deactivate_hint().render(l)} }
                button { r#type: "submit", class: "danger", {m::ui_deactivate().render(l)} }
            }
        }
        if profiles {
            form { class: "step", method: "post", action: "/users/{u.id}/profile",
                h2 { {m::ui_assessor_profile().render(l)} }
                {html::csrf(ctx)}
                div { class: "field",
                    label { r#for: "f-qualification", {m::ui_qualification().render(l)} }
                    select { id: "f-qualification", name: "qualification", required: true,
                        for (q, name) in QUALIFICATIONS {
                            option { value: name, selected: profile.as_ref().is_some_and(|p| p.qualification == q), {qualification_text(q).render(l)} }
                        }
                    }
                }
                div { class: "field check",
                    input { id: "f-expert", r#type: "checkbox", name: "expert", value: "true", checked: profile.as_ref().is_some_and(|p| p.expert) }
                    label { r#for: "f-expert", {m::ui_expert_panel().render(l)} }
                }
                div { class: "field",
                    label { r#for: "f-employer", {m::ui_employer().render(l)} }
                    select { id: "f-employer", name: "employer_institution_id",
                        option { value: "", {m::ui_no_employer().render(l)} }
                        for (id, name) in choices.iter() {
                            option { value: "{id}", selected: profile.as_ref().and_then(|p| p.employer_institution_id) == Some(*id), "{name}" }
                        }
                    }
                }
                button { r#type: "submit", {m::ui_save().render(l)} }
            }
        }
    };
    let page = Page::new("/users", u.username.clone(), body)
        .under(m::ui_users().render(l), "/users")
        .with_notice(notice)
        .with_history("user", u.id)
        .with_actions_of(&u.username);
    Ok(html::respond(ctx, page))
}
