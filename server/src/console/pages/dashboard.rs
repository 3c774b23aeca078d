//! 监管看板: a month's home visits per institution as supervision reads them — missed,
//! unscheduled, outside the geofence, verified by a person, corrections — and its findings, each
//! figure a link to the visits (or findings) behind it.

use axum::extract::{Query, State};
use dioxus::prelude::*;
use ltci_shared::api::supervision::{DashboardMeasure, DashboardRow, DashboardVisitsQuery};
use ltci_shared::messages as m;
use serde::Deserialize;
use uuid::Uuid;

use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Page};
use crate::console::session::Ctx;
use crate::entities::enum_to_db;
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::supervision::dashboard;

const PAGE_SIZE: u64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    month: Option<String>,
}

/// The month's figures per institution (last month by default).
pub async fn show(ctx: Ctx, State(state): State<AppState>, Query(q): Query<DashboardQuery>) -> PageResult {
    let l = ctx.lang;
    let month = q.month.clone().filter(|m| !m.trim().is_empty()).unwrap_or_else(|| format::last_month(ctx.actor.today));
    let d = dashboard::dashboard(&state, &ctx.actor, &month).await?;
    let cell = |r: &DashboardRow, n: u32, measure: DashboardMeasure| {
        let href = format!(
            "/supervision/visits?institution={}&month={}&measure={}",
            r.institution_id,
            d.month,
            enum_to_db(&measure)
        );
        rsx! { td { class: "num", if n > 0 { a { href: "{href}", "{n}" } } else { "0" } } }
    };
    let body = rsx! {
        p { class: "muted", {m::ui_dashboard_hint().render(l)} }
        form { class: "filters", method: "get", action: "/supervision",
            label { r#for: "f-month", {m::ui_month_of_care().render(l)} }
            input { id: "f-month", r#type: "month", name: "month", value: "{d.month}", "data-autosubmit": "true" }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        if d.institutions.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        if !d.institutions.is_empty() {
            table { id: "dashboard",
                thead { tr {
                    th { scope: "col", {m::ui_institution().render(l)} }
                    th { scope: "col", class: "num", {m::ui_visits_n().render(l)} }
                    for measure in [DashboardMeasure::Missed, DashboardMeasure::Unscheduled, DashboardMeasure::OutsideGeofence, DashboardMeasure::ManuallyVerified] {
                        th { scope: "col", class: "num", {measure.text().render(l)} }
                    }
                    th { scope: "col", class: "num", {m::ui_manual_share().render(l)} }
                    th { scope: "col", class: "num", {m::ui_corrections_n().render(l)} }
                    th { scope: "col", class: "num", {m::ui_monitor_findings().render(l)} }
                } }
                tbody {
                    for r in d.institutions.iter() {
                        tr {
                            td { a { href: "/institutions/{r.institution_id}", "{r.institution_name}" } }
                            td { class: "num", {format::count(u64::from(r.visits))} }
                            {cell(r, r.missed, DashboardMeasure::Missed)}
                            {cell(r, r.unscheduled, DashboardMeasure::Unscheduled)}
                            {cell(r, r.outside_geofence, DashboardMeasure::OutsideGeofence)}
                            {cell(r, r.manually_verified, DashboardMeasure::ManuallyVerified)}
                            td { class: "num", {r.manually_verified_percent.map(|p| format!("{p}%")).unwrap_or_else(|| "—".into())} }
                            {cell(r, r.corrections, DashboardMeasure::Corrected)}
                            td { class: "num",
                                a { href: "/findings?institution={r.institution_id}&month={d.month}&status=", {m::ui_findings_open_of(r.findings_open, r.findings).render(l)} }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html::respond(&ctx, Page::new("/supervision", m::ui_supervision_dashboard().render(l), body)))
}

#[derive(Debug, Default, Deserialize)]
pub struct VisitsQuery {
    institution: Option<String>,
    month: Option<String>,
    measure: Option<String>,
    offset: Option<u64>,
}

/// The visits behind one figure.
pub async fn visits(ctx: Ctx, State(state): State<AppState>, Query(q): Query<VisitsQuery>) -> PageResult {
    let l = ctx.lang;
    let institution_id: Uuid = q
        .institution
        .as_deref()
        .and_then(|i| i.parse().ok())
        .ok_or_else(|| ApiError::invalid_field("institution", "required", m::field_required("institution")))?;
    let measure: DashboardMeasure = html::required_choice("measure", q.measure.as_deref().unwrap_or_default())?;
    let month = q.month.clone().unwrap_or_else(|| format::last_month(ctx.actor.today));
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let query = DashboardVisitsQuery {
        institution_id: Some(institution_id),
        month: Some(month.clone()),
        measure: Some(measure),
    };
    let found = dashboard::visits(&state, &ctx.actor, query, page).await?;
    let names = super::visits::Names::of(&state, &ctx, &found.items).await?;
    let link = html::query_of(&[
        ("institution", &Some(institution_id.to_string())),
        ("month", &Some(month.clone())),
        ("measure", &Some(enum_to_db(&measure))),
    ]);
    let title = m::ui_dashboard_visits(measure.text().render(l), format::month_text(l, &month)).render(l);
    let body = rsx! {
        {super::visits::visit_table(l, &ctx, &found.items, &names)}
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/supervision/visits", &link, found.offset, found.limit, found.total)}
    };
    let page = Page::new("/supervision", title, body)
        .under(m::ui_supervision_dashboard().render(l), format!("/supervision?month={month}"));
    Ok(html::respond(&ctx, page))
}
