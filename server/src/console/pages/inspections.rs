//! 双随机抽查: the draws (officers draw, auditors read), the inspectors' declared links, a draw's
//! page with what it was drawn from and each inspection's result form; institution staff see
//! their own inspections once recorded.

use axum::extract::{Path, Query, State};
use dioxus::prelude::*;
use ltci_shared::api::inspections::{
    DeclareConflict, DrawRequest, Inspection, InspectionDraw, InspectionFilter, InspectionOutcome, InspectionResult,
    InspectionStatus,
};
use ltci_shared::api::users::Role;
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
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::supervision::inspections;

const PAGE_SIZE: u64 = 20;

const DONE: [fn() -> Text; 3] = [m::ui_done_drawn, m::ui_done_result_recorded, m::ui_done_conflict_declared];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    offset: Option<u64>,
    done: Option<String>,
}

/// The draws and the declared links (the agency), or the institution's own inspections.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render(&state, &ctx, &q, notice, &DrawForm::default()).await
}

async fn render(state: &AppState, ctx: &Ctx, q: &ListQuery, notice: Notice, sent: &DrawForm) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    if !a.can(Permission::ReadSupervisionPlans) {
        let own = inspections::list(state, a, InspectionFilter::default(), page).await?;
        let body = rsx! {
            h2 { {m::ui_own_inspections().render(l)} }
            {inspection_table(ctx, &own.items, false, &notice)}
            {html::pager(l, "/inspections", "", own.offset, own.limit, own.total)}
        };
        return Ok(html::respond(
            ctx,
            Page::new("/inspections", m::ui_inspections().render(l), body).with_notice(notice),
        ));
    }
    let draws = inspections::list_draws(state, a, page).await?;
    let all = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
    let conflicts = inspections::conflicts(state, a, all).await?.items;
    let manages = a.can(Permission::ManageInspections);
    let region = crate::registry::regions::region_of(&state.db, a.region_id).await?;
    let public = format!("/api/v1/public/regions/{}/inspections", region.code);
    let (inspectors, institutions) = if manages { choices(state, ctx).await? } else { Default::default() };
    let draw_notice = notice.of_form("draw");
    let conflict_notice = notice.of_form("conflict");
    let fresh_id = Uuid::now_v7().to_string();
    let body = rsx! {
        p { class: "muted", {m::ui_public_list(public).render(l)} }
        h2 { {m::ui_inspection_draws().render(l)} }
        if draws.items.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        if !draws.items.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_draw_title().render(l)} }
                    th { scope: "col", {m::ui_drawn_at().render(l)} }
                    th { scope: "col", {m::ui_seed().render(l)} }
                    th { scope: "col", {m::ui_status().render(l)} }
                } }
                tbody {
                    for d in draws.items.iter() {
                        tr {
                            td { a { href: "/inspections/draws/{d.id}", "{d.title}" } }
                            td { {format::at(d.drawn_at, ctx.tz)} }
                            td { code { "{d.seed}" } }
                            td { {draw_state(d).render(l)} }
                        }
                    }
                }
            }
        }
        {html::pager(l, "/inspections", "", draws.offset, draws.limit, draws.total)}
        if manages {
            form { id: "draw", class: "step no-print", method: "post", action: "/inspections/draw",
                h3 { {m::ui_new_draw().render(l)} }
                {html::csrf(ctx)}
                p { class: "muted", {m::ui_inspection_draw_hint().render(l)} }
                input { r#type: "hidden", name: "id", value: if sent.id.is_empty() { fresh_id } else { sent.id.clone() } }
                {html::text_field("title", &m::ui_draw_title().render(l), &sent.title, &draw_notice, true)}
                {html::text_field("institutions", &m::ui_draw_institutions().render(l), or(&sent.institutions, "5"), &draw_notice, true)}
                {html::text_field("inspectors_each", &m::ui_draw_inspectors_each().render(l), or(&sent.inspectors_each, "2"), &draw_notice, true)}
                div { class: "field check",
                    input { id: "f-weighted", r#type: "checkbox", name: "weighted", value: "true", checked: sent.id.is_empty() || sent.weighted == "true" }
                    label { r#for: "f-weighted", {m::ui_draw_weighted().render(l)} }
                }
                {html::text_field("seed", &m::ui_seed().render(l), &sent.seed, &draw_notice, false)}
                p { class: "muted", {m::ui_seed_hint().render(l)} }
                button { r#type: "submit", {m::ui_new_draw().render(l)} }
            }
        }
        h2 { {m::ui_conflicts().render(l)} }
        p { class: "muted", {m::ui_conflict_hint().render(l)} }
        if conflicts.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        if !conflicts.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_inspector().render(l)} }
                    th { scope: "col", {m::ui_institution().render(l)} }
                    th { scope: "col", {m::ui_reason().render(l)} }
                    th { scope: "col", {m::ui_decided_at().render(l)} }
                } }
                tbody {
                    for c in conflicts.iter() {
                        tr {
                            td { "{c.inspector_name}" }
                            td { a { href: "/institutions/{c.institution_id}", "{c.institution_name}" } }
                            td { "{c.reason}" }
                            td { {format::at(c.declared_at, ctx.tz)} }
                        }
                    }
                }
            }
        }
        if manages {
            form { id: "conflict", class: "step no-print", method: "post", action: "/inspections/conflicts",
                h3 { {m::ui_declare_conflict().render(l)} }
                {html::csrf(ctx)}
                {html::select_field("inspector_id", &m::ui_inspector().render(l), &inspectors, "", &conflict_notice, true)}
                {html::select_field("institution_id", &m::ui_institution().render(l), &institutions, "", &conflict_notice, true)}
                {html::reason_field_at("conflict-reason", "reason", &m::ui_reason().render(l), &conflict_notice)}
                button { r#type: "submit", class: "secondary", {m::ui_declare_conflict().render(l)} }
            }
        }
    };
    Ok(html::respond(ctx, Page::new("/inspections", m::ui_inspections().render(l), body).with_notice(notice)))
}

fn or<'a>(sent: &'a str, default: &'a str) -> &'a str {
    if sent.is_empty() { default } else { sent }
}

/// The region's inspectors and institutions, as choices of the link form.
async fn choices(state: &AppState, ctx: &Ctx) -> Result<(Vec<(String, String)>, Vec<(String, String)>), ApiError> {
    use crate::entities::{institution, user};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let region = ctx.actor.region_id;
    let roles = [Role::Admin.as_str(), Role::Auditor.as_str()];
    let people = user::Entity::find()
        .filter(user::Column::RegionId.eq(region))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Role.is_in(roles))
        .order_by_asc(user::Column::DisplayName)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id.to_string(), format!("{} ({})", u.display_name, u.username)))
        .collect();
    let places = institution::Entity::find()
        .filter(institution::Column::RegionId.eq(region))
        .order_by_asc(institution::Column::Name)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|i| (i.id.to_string(), i.name))
        .collect();
    Ok((people, places))
}

fn draw_state(d: &InspectionDraw) -> Text {
    if d.closed {
        m::ui_draw_published()
    } else {
        let done = d.inspections.iter().filter(|i| i.status == InspectionStatus::Done).count();
        m::ui_draw_progress(done, d.inspections.len())
    }
}

/// Inspections as a table; with `forms` (the draw's page, officers), the result form of each one
/// still to record.
fn inspection_table(ctx: &Ctx, items: &[Inspection], forms: bool, notice: &Notice) -> Element {
    let l = ctx.lang;
    if items.is_empty() {
        return rsx! { p { class: "muted", {m::ui_none_yet().render(l)} } };
    }
    let today = ctx.actor.today.to_string();
    rsx! {
        table {
            thead { tr {
                th { scope: "col", class: "num", {m::ui_drawn_rank().render(l)} }
                th { scope: "col", {m::ui_institution().render(l)} }
                th { scope: "col", {m::ui_inspectors().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
                th { scope: "col", {m::ui_inspection_outcome().render(l)} }
            } }
            tbody {
                for i in items.iter() {
                    tr {
                        td { class: "num", "{i.rank}" }
                        td { a { href: "/institutions/{i.institution_id}", "{i.institution_name}" } }
                        td { {i.inspectors.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join("、")} }
                        td {
                            {i.status.text().render(l)}
                            if let Some(on) = i.inspected_on { br {} span { class: "muted", {format::day(on)} } }
                        }
                        td {
                            if let Some(o) = i.outcome { strong { {o.text().render(l)} } }
                            if let Some(s) = &i.summary { p { "{s}" } }
                            if !i.problems.is_empty() {
                                ol {
                                    for p in i.problems.iter() {
                                        li { "{p.description} " a { href: "/findings/{p.finding_id}", {m::ui_finding().render(l)} } }
                                    }
                                }
                            }
                            if forms && i.status == InspectionStatus::Planned {
                                {result_form(ctx, i, &today, &notice.of_form(&format!("result-{}", i.id)))}
                            }
                        }
                    }
                }
            }
        }
    }
}

fn result_form(ctx: &Ctx, i: &Inspection, today: &str, notice: &Notice) -> Element {
    let l = ctx.lang;
    let outcomes: Vec<(String, String)> = [InspectionOutcome::Compliant, InspectionOutcome::ProblemsFound]
        .into_iter()
        .map(|o| (enum_to_db(&o), o.text().render(l)))
        .collect();
    rsx! {
        details { class: "no-print", open: !notice.fields.is_empty(),
            summary { {m::ui_record_result().render(l)} }
            form { id: "result-{i.id}", class: "step", method: "post", action: "/inspections/{i.id}/result",
                {html::csrf(ctx)}
                input { r#type: "hidden", name: "version", value: "{i.version}" }
                div { class: "field",
                    label { r#for: "on-{i.id}", {m::ui_inspected_on().render(l)} }
                    input { id: "on-{i.id}", r#type: "date", name: "inspected_on", value: "{today}", required: true }
                    if let Some(w) = notice.field("inspected_on") { span { class: "why", "{w}" } }
                }
                div { class: "field",
                    label { r#for: "outcome-{i.id}", {m::ui_inspection_outcome().render(l)} }
                    select { id: "outcome-{i.id}", name: "outcome",
                        for (v, t) in outcomes.iter() { option { value: "{v}", "{t}" } }
                    }
                }
                div { class: "field",
                    label { r#for: "summary-{i.id}", {m::ui_inspection_summary().render(l)} }
                    textarea { id: "summary-{i.id}", name: "summary", rows: "3", required: true, maxlength: "1000" }
                    if let Some(w) = notice.field("summary") { span { class: "why", "{w}" } }
                }
                div { class: "field",
                    label { r#for: "problems-{i.id}", {m::ui_problems().render(l)} }
                    textarea { id: "problems-{i.id}", name: "problems", rows: "3", maxlength: "3100" }
                    if let Some(w) = notice.fields.iter().find(|(k, _)| k.starts_with("problems")).map(|(_, v)| v.clone()) { span { class: "why", "{w}" } }
                }
                button { r#type: "submit", {m::ui_record_result().render(l)} }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// One draw: what it was drawn from, by whom and with which seed, and its inspections.
pub async fn draw_page(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render_draw(&state, &ctx, id, notice).await
}

async fn render_draw(state: &AppState, ctx: &Ctx, id: Uuid, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let d = inspections::get_draw(state, &ctx.actor, id).await?;
    let forms = ctx.actor.can(Permission::ManageInspections);
    let rank = |inst: Uuid| d.inspections.iter().find(|i| i.institution_id == inst).map(|i| i.rank);
    let mut candidates = d.candidates.clone();
    candidates.sort_by_key(|c| (rank(c.institution_id).unwrap_or(u32::MAX), c.institution_name.clone()));
    let who = crate::audit::usernames(&state.db, ctx.actor.region_id, &[d.drawn_by]).await?;
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_seed().render(l)} } dd { code { "{d.seed}" } }
            dt { {m::ui_draw_weighted().render(l)} } dd { {if d.weighted { m::ui_yes() } else { m::ui_no() }.render(l)} }
            dt { {m::ui_draw_inspectors_each().render(l)} } dd { "{d.inspectors_each}" }
            dt { {m::ui_drawn_at().render(l)} } dd { {format::at(d.drawn_at, ctx.tz)} " · " {who.get(&d.drawn_by).cloned().unwrap_or_default()} }
            dt { {m::ui_status().render(l)} } dd { {draw_state(&d).render(l)} }
        }
        h2 { {m::ui_inspections().render(l)} }
        {inspection_table(ctx, &d.inspections, forms, &notice)}
        h2 { {m::ui_candidates().render(l)} }
        table {
            thead { tr {
                th { scope: "col", {m::ui_institution().render(l)} }
                th { scope: "col", class: "num", {m::ui_weight().render(l)} }
                th { scope: "col", class: "num", {m::ui_open_findings().render(l)} }
                th { scope: "col", {m::ui_credit_class().render(l)} }
                th { scope: "col", class: "num", {m::ui_drawn_rank().render(l)} }
            } }
            tbody {
                for c in candidates.iter() {
                    tr {
                        td { "{c.institution_name}" }
                        td { class: "num", "{c.weight}" }
                        td { class: "num", "{c.open_findings}" }
                        td { {c.credit_class.map(|x| enum_to_db(&x).to_uppercase()).unwrap_or_else(|| "—".into())} }
                        td { class: "num", {rank(c.institution_id).map(|r| r.to_string()).unwrap_or_default()} }
                    }
                }
            }
        }
    };
    let page = Page::new("/inspections", d.title.clone(), body)
        .under(m::ui_inspections().render(l), "/inspections")
        .with_notice(notice)
        .with_history("inspection_draw", d.id);
    Ok(html::respond(ctx, page))
}

#[derive(Debug, Default, Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    institutions: String,
    #[serde(default)]
    inspectors_each: String,
    #[serde(default)]
    weighted: String,
    #[serde(default)]
    seed: String,
}

/// A whole number of a form; what is not one becomes 0, which the service refuses on the field.
fn number(text: &str) -> u32 {
    text.trim().parse().unwrap_or(0)
}

/// Draws (officers), on to the draw's page; a refusal back on the list with what was typed.
pub async fn draw(State(state): State<AppState>, posted: Posted<DrawForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let req = DrawRequest {
        id: form.id.trim().parse().unwrap_or_default(),
        title: form.title.clone(),
        institutions: number(&form.institutions),
        inspectors_each: number(&form.inspectors_each),
        weighted: form.weighted == "true",
        seed: Some(form.seed.clone()),
        inspector_ids: None,
    };
    match inspections::create_draw(&state, &ctx.actor, req).await {
        Ok(d) => Ok(html::done_at(&format!("/inspections/draws/{}", d.id), m::ui_done_drawn())),
        Err(e) => {
            let q = ListQuery::default();
            html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, n.for_form("draw"), &form)).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ConflictForm {
    #[serde(default)]
    inspector_id: String,
    #[serde(default)]
    institution_id: String,
    #[serde(default)]
    reason: String,
}

/// Declares a link (officers), back to the list.
pub async fn declare(State(state): State<AppState>, posted: Posted<ConflictForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let req = DeclareConflict {
        inspector_id: form.inspector_id.trim().parse().unwrap_or_default(),
        institution_id: form.institution_id.trim().parse().unwrap_or_default(),
        reason: form.reason.clone(),
    };
    match inspections::declare_conflict(&state, &ctx.actor, req).await {
        Ok(_) => Ok(html::done_at("/inspections", m::ui_done_conflict_declared())),
        Err(e) => {
            let (q, blank) = (ListQuery::default(), DrawForm::default());
            html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &q, n.for_form("conflict"), &blank)).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ResultForm {
    #[serde(default)]
    inspected_on: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    problems: String,
    #[serde(default)]
    version: String,
}

/// Records an inspection's result (officers), back to its draw's page.
pub async fn record(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<ResultForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let a = &ctx.actor;
    let draw_id = inspections::get(&state, a, id).await?.draw_id;
    let done =
        match (html::required_day("inspected_on", &form.inspected_on), html::required_choice("outcome", &form.outcome))
        {
            (Ok(inspected_on), Ok(outcome)) => {
                let req = InspectionResult {
                    inspected_on,
                    outcome,
                    summary: form.summary.clone(),
                    problems: form
                        .problems
                        .lines()
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    version: form.version.trim().parse().unwrap_or(-1),
                };
                inspections::record_result(&state, a, id, req).await
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
    match done {
        Ok(_) => Ok(html::done_at(&format!("/inspections/draws/{draw_id}"), m::ui_done_result_recorded())),
        Err(e) => {
            html::refused_on_page(e, ctx.lang, |n| {
                render_draw(&state, &ctx, draw_id, n.for_form(&format!("result-{id}")))
            })
            .await
        }
    }
}
