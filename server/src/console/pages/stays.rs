//! 床位与费用: an institution's stays — admissions (to those it serves in a stay mode) and
//! discharges — and a month's daily charges as a grid (beneficiary × day) that is typed in,
//! pasted from a spreadsheet (the script spreads a pasted block over the cells) or uploaded as the
//! month's CSV template; the page is checked whole by the API's own report, every bad cell shown
//! with its reason and nothing recorded until all are right. A month closes for charges once its
//! bill is submitted.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{Datelike, Days, NaiveDate};
use dioxus::prelude::*;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::ServiceRelationFilter;
use ltci_shared::api::settlement::{BillFilter, BillStatus};
use ltci_shared::api::stays::{AdmitRequest, DailyCharge, DischargeReason, DischargeRequest, Stay, StayFilter};
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Permission;
use crate::care::{charge_sheet, stays};
use crate::console::error::{PageResult, Refusal};
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::console::upload::Uploaded;
use crate::entities::enum_to_db;
use crate::http::download::csv_response;
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::{institutions, registry, settlement};

const PAGE_SIZE: u64 = 50;
const STAY_MODES: [CareMode; 2] = [CareMode::Institutional, CareMode::HospitalWard];
const DISCHARGE_REASONS: [DischargeReason; 5] = [
    DischargeReason::Home,
    DischargeReason::Transferred,
    DischargeReason::Hospitalised,
    DischargeReason::Deceased,
    DischargeReason::Other,
];

fn discharge_text(r: DischargeReason) -> Text {
    match r {
        DischargeReason::Home => m::ui_discharge_home(),
        DischargeReason::Transferred => m::ui_discharge_transferred(),
        DischargeReason::Hospitalised => m::ui_discharge_hospitalised(),
        DischargeReason::Deceased => m::ui_discharge_deceased(),
        DischargeReason::Other => m::ui_discharge_other(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `all` to list discharged stays too.
    show: Option<String>,
    offset: Option<u64>,
    done: Option<String>,
}

const DONE: [fn() -> Text; 2] = [m::ui_done_admitted, m::ui_done_discharged];

/// The stays, in now (or all), with the admission form.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render_list(&state, &ctx, &q, &Admission::default(), notice).await
}

/// What the admission and discharge forms send.
#[derive(Debug, Default, Deserialize)]
pub struct Admission {
    #[serde(default)]
    insured_person_id: String,
    #[serde(default)]
    care_mode: String,
    #[serde(default)]
    admitted_on: String,
    #[serde(default)]
    discharged_on: String,
    #[serde(default)]
    reason: String,
}

/// Admits a person the institution serves in a stay mode.
pub async fn admit(State(state): State<AppState>, posted: Posted<Admission>) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = async {
        let care_mode: CareMode = html::required_choice("care_mode", &form.care_mode)?;
        let admitted_on = html::day_of("admitted_on", &form.admitted_on)?.unwrap_or(ctx.actor.today);
        let req = AdmitRequest {
            institution_id: ctx.actor.institution_id,
            insured_person_id: form.insured_person_id.parse().unwrap_or_default(),
            care_mode,
            admitted_on,
        };
        stays::admit(&state, &ctx.actor, req).await
    }
    .await;
    let q = ListQuery::default();
    match done {
        Ok(_) => Ok(html::done_at("/stays", m::ui_done_admitted())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_list(&state, &ctx, &q, &form, n)).await,
    }
}

/// Discharges a stay.
pub async fn discharge(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<Admission>) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = async {
        let discharged_on = html::day_of("discharged_on", &form.discharged_on)?.unwrap_or(ctx.actor.today);
        let reason: DischargeReason = html::required_choice("reason", &form.reason)?;
        stays::discharge(&state, &ctx.actor, id, DischargeRequest { discharged_on, reason }).await
    }
    .await;
    let q = ListQuery::default();
    match done {
        Ok(_) => Ok(html::done_at("/stays", m::ui_done_discharged())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_list(&state, &ctx, &q, &form, n)).await,
    }
}

async fn render_list(state: &AppState, ctx: &Ctx, q: &ListQuery, sent: &Admission, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let all = q.show.as_deref() == Some("all");
    let filter = StayFilter { present_on: (!all).then_some(a.today), ..StayFilter::default() };
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = stays::list(state, a, filter, page).await?;
    let manages = a.can(Permission::ManageStays) && a.institution_id.is_some();
    // Whom the institution may admit: those it serves in a stay mode (the API checks the rest).
    let mut admissible: Vec<(Uuid, CareMode)> = Vec::new();
    if manages {
        for mode in STAY_MODES {
            let f = ServiceRelationFilter { care_mode: Some(mode), open: Some(true), ..Default::default() };
            let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
            let relations = institutions::relations::list(state, a, f, page).await?.items;
            admissible.extend(relations.into_iter().map(|r| (r.insured_person_id, r.care_mode)));
        }
    }
    let mut people: Vec<Uuid> = found.items.iter().map(|s| s.insured_person_id).collect();
    people.extend(admissible.iter().map(|(p, _)| *p));
    let names: HashMap<Uuid, String> = registry::persons::names(state, a, &people).await?.into_iter().collect();
    let in_now: Vec<Uuid> =
        found.items.iter().filter(|s| s.discharged_on.is_none()).map(|s| s.insured_person_id).collect();
    let mut choices: Vec<(String, String)> = admissible
        .iter()
        .filter(|(p, _)| !in_now.contains(p))
        .map(|(p, _)| (p.to_string(), names.get(p).cloned().unwrap_or_default()))
        .collect();
    choices.sort_by(|x, y| x.1.cmp(&y.1));
    choices.dedup();
    let modes: Vec<(String, String)> = STAY_MODES.iter().map(|md| (enum_to_db(md), md.text().render(l))).collect();
    let reasons: Vec<(String, String)> =
        DISCHARGE_REASONS.iter().map(|r| (enum_to_db(r), discharge_text(*r).render(l))).collect();
    let today = a.today.to_string();
    let month = a.today.format("%Y-%m").to_string();
    let query = html::query_of(&[("show", &q.show)]);
    let body = rsx! {
        p { a { class: "button", href: "/stays/charges?month={month}", {m::ui_daily_charges().render(l)} } }
        form { class: "filters", method: "get", action: "/stays",
            div { class: "field",
                label { r#for: "f-show", {m::ui_status().render(l)} }
                select { id: "f-show", name: "show", "data-autosubmit": "true",
                    option { value: "", {m::ui_stays_now().render(l)} }
                    option { value: "all", selected: all, {m::ui_stays_all().render(l)} }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_person().render(l)} }
                th { scope: "col", {m::ui_care_mode().render(l)} }
                th { scope: "col", {m::ui_admitted_on().render(l)} }
                th { scope: "col", {m::ui_discharged_on().render(l)} }
                if manages { th { scope: "col", class: "no-print", {m::ui_next_step().render(l)} } }
            } }
            tbody {
                for s in found.items.iter() {
                    tr {
                        td { a { href: "/persons/{s.insured_person_id}", {names.get(&s.insured_person_id).cloned().unwrap_or_default()} } }
                        td { {s.care_mode.text().render(l)} }
                        td { {format::day(s.admitted_on)} }
                        td {
                            {s.discharged_on.map(format::day).unwrap_or_else(|| m::ui_still_in().render(l))}
                            if let Some(r) = s.discharge_reason { " · " {discharge_text(r).render(l)} }
                        }
                        if manages {
                            td { class: "no-print",
                                if s.discharged_on.is_none() {
                                    form { class: "row", method: "post", action: "/stays/{s.id}/discharge",
                                        {html::csrf(ctx)}
                                        label { r#for: "out-{s.id}", {m::ui_discharged_on().render(l)} }
                                        input { id: "out-{s.id}", r#type: "date", name: "discharged_on", value: "{today}", required: true }
                                        label { r#for: "why-{s.id}", {m::ui_discharge_reason().render(l)} }
                                        select { id: "why-{s.id}", name: "reason",
                                            for (v, t) in reasons.iter() { option { value: "{v}", "{t}" } }
                                        }
                                        button { r#type: "submit", class: "secondary", {m::ui_discharge().render(l)} }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/stays", &query, found.offset, found.limit, found.total)}
        if manages {
            if choices.is_empty() { p { class: "muted", {m::ui_no_one_to_admit().render(l)} } }
            if !choices.is_empty() {
                form { class: "step", method: "post", action: "/stays",
                    h2 { {m::ui_admit().render(l)} }
                    p { class: "muted", {m::ui_admit_hint().render(l)} }
                    {html::csrf(ctx)}
                    {html::select_field("insured_person_id", &m::ui_person().render(l), &choices, &sent.insured_person_id, &notice, true)}
                    {html::select_field("care_mode", &m::ui_care_mode().render(l), &modes, &sent.care_mode, &notice, true)}
                    {html::date_field("admitted_on", &m::ui_admitted_on().render(l), if sent.admitted_on.is_empty() { &today } else { &sent.admitted_on }, &notice)}
                    button { r#type: "submit", {m::ui_admit().render(l)} }
                }
            }
        }
    };
    Ok(html::respond(ctx, Page::new("/stays", m::ui_stays_page().render(l), body).with_notice(notice)))
}

#[derive(Debug, Default, Deserialize)]
pub struct GridQuery {
    month: Option<String>,
    offset: Option<u64>,
    done: Option<String>,
}

/// The month asked for (`YYYY-MM`), this month when none; its first and last day.
fn month_of(ctx: &Ctx, text: Option<&str>) -> Result<(String, NaiveDate, NaiveDate), ApiError> {
    let month = text
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| ctx.actor.today.format("%Y-%m").to_string());
    let (first, last) = crate::fields::month(&month)
        .map_err(|_| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
    Ok((month, first, last))
}

/// The month's charges grid, a page of stays.
pub async fn grid(ctx: Ctx, State(state): State<AppState>, Query(q): Query<GridQuery>) -> PageResult {
    let (month, ..) = month_of(&ctx, q.month.as_deref())?;
    let notice = match q.done.as_deref() {
        Some("saved") => Notice::done(m::ui_done_step_recorded(), ctx.lang),
        _ => Notice::default(),
    };
    render_grid(&state, &ctx, &month, q.offset.unwrap_or(0), &HashMap::new(), notice).await
}

/// A grid row's stay (`s<row>`) and cells (`c<row>_<day>`), as posted.
type GridForm = HashMap<String, String>;

/// Saves the grid: every typed cell of the page, checked whole by the API's report; the page
/// again with each bad cell marked, or the month's total.
pub async fn save_grid(State(state): State<AppState>, posted: Posted<GridForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let (month, first, last) = month_of(&ctx, form.get("month").map(String::as_str))?;
    let offset = form.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let mut charges = Vec::new();
    let mut cells = Vec::new();
    let mut bad = BTreeMap::new();
    for (key, text) in &form {
        let Some((row, day)) = key.strip_prefix('c').and_then(|k| k.split_once('_')) else { continue };
        let (Ok(row), Ok(day)) = (row.parse::<u64>(), day.parse::<u32>()) else { continue };
        let text = text.trim();
        let Some(on) = first.with_day(day).filter(|d| *d <= last) else { continue };
        if text.is_empty() {
            continue;
        }
        let stay_id = form.get(&format!("s{row}")).and_then(|s| s.parse().ok()).unwrap_or_default();
        match ltci_shared::strict::parse_money(text) {
            Ok(amount) => {
                charges.push(DailyCharge { stay_id, on, amount });
                cells.push((row, day.to_string()));
            }
            Err(_) => {
                bad.insert(
                    format!("lines[{row}].{day}"),
                    ltci_shared::error::Issue::new("invalid_amount", m::ui_not_a_number()),
                );
            }
        }
    }
    let done = if !bad.is_empty() {
        let count = bad.len();
        Err(ApiError::validation(bad).with_message(m::ui_cells_refused(count)))
    } else if charges.is_empty() {
        Err(ApiError::invalid_field("charges", "required", m::charges_required()))
    } else {
        charge_sheet::report(&state, &ctx.actor, &month, charges, &cells).await
    };
    match done {
        Ok(outcome) => {
            let total = format::yuan(outcome.month_total);
            let text = m::ui_done_charges(outcome.recorded, outcome.changed, outcome.unchanged, total);
            render_grid(&state, &ctx, &month, offset, &HashMap::new(), Notice::done(text, ctx.lang)).await
        }
        Err(e) => {
            let e = if e.details().is_empty() { e } else { recount(e) };
            html::refused_on_page(e, ctx.lang, |n| render_grid(&state, &ctx, &month, offset, &form, n)).await
        }
    }
}

/// A refusal naming cells says how many.
fn recount(e: ApiError) -> ApiError {
    let count = e.details().len();
    e.with_message(m::ui_cells_refused(count))
}

/// The template of the month (CSV), every stay.
pub async fn template(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<GridQuery>,
) -> Result<Response, Refusal> {
    let (month, ..) = month_of(&ctx, q.month.as_deref())?;
    let body = charge_sheet::template(&state, &ctx.actor, &month).await?;
    Ok(csv_response(&format!("charges-{month}.csv"), body))
}

/// Reports a filled-in template (its cells named by line and day when refused).
pub async fn upload(State(state): State<AppState>, upload: Uploaded) -> PageResult {
    let ctx = upload.ctx.clone();
    let (month, ..) = month_of(&ctx, Some(upload.field("month")))?;
    let done = match &upload.file {
        Some(file) => charge_sheet::report_sheet(&state, &ctx.actor, &month, &file.bytes).await,
        None => Err(ApiError::invalid_field("file", "required", m::ui_choose_file())),
    };
    match done {
        Ok(outcome) => {
            let total = format::yuan(outcome.month_total);
            let text = m::ui_done_charges(outcome.recorded, outcome.changed, outcome.unchanged, total);
            render_grid(&state, &ctx, &month, 0, &HashMap::new(), Notice::done(text, ctx.lang)).await
        }
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_sheet_refusal(&state, &ctx, &month, n)).await,
    }
}

/// The grid again with a refused file's problems listed by line and column.
async fn render_sheet_refusal(state: &AppState, ctx: &Ctx, month: &str, notice: Notice) -> PageResult {
    render_grid(state, ctx, month, 0, &HashMap::new(), notice).await
}

/// One cell of the grid: its day, the value shown (as typed, else as recorded), whether the day
/// can be charged, and why the cell was refused.
struct GridCell {
    day: u32,
    shown: String,
    open: bool,
    why: Option<String>,
}

/// Whether `day` of the stay can be charged as of today (a bed-day that has come).
fn chargeable(s: &Stay, day: NaiveDate, today: NaiveDate) -> bool {
    day <= today && stays::is_bed_day(s.admitted_on, s.discharged_on, day)
}

async fn render_grid(
    state: &AppState,
    ctx: &Ctx,
    month: &str,
    offset: u64,
    sent: &GridForm,
    notice: Notice,
) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let (month, first, last) = month_of(ctx, Some(month))?;
    let filter = StayFilter { month: Some(month.clone()), ..StayFilter::default() };
    let page = PageRequest { limit: PAGE_SIZE, offset: offset.min(ltci_shared::page::MAX_OFFSET) };
    let found = stays::list(state, a, filter, page).await?;
    let ids: Vec<Uuid> = found.items.iter().map(|s| s.id).collect();
    let charged = stays::charges_in_month(state, a, &ids, &month).await?;
    let people: Vec<Uuid> = found.items.iter().map(|s| s.insured_person_id).collect();
    let names: HashMap<Uuid, String> = registry::persons::names(state, a, &people).await?.into_iter().collect();
    let closed = if a.can(Permission::ReadBills) {
        let f = BillFilter { month: Some(month.clone()), ..BillFilter::default() };
        settlement::bills::list(state, a, f, PageRequest { limit: 1, offset: 0 })
            .await?
            .items
            .into_iter()
            .find(|b| b.status != BillStatus::Draft && Some(b.institution_id) == a.institution_id)
            .map(|b| b.status)
    } else {
        None
    };
    let edits = a.can(Permission::ManageStays) && a.institution_id.is_some() && closed.is_none();
    let days: Vec<NaiveDate> =
        (0..last.day()).filter_map(|d| first.checked_add_days(Days::new(u64::from(d)))).collect();
    let rows: Vec<(usize, &Stay, Vec<GridCell>)> = found
        .items
        .iter()
        .enumerate()
        .map(|(r, s)| {
            let row = r + 1;
            let cells = days
                .iter()
                .map(|d| {
                    let key = format!("c{row}_{}", d.day());
                    let stored = charged.get(&(s.id, *d)).map(|x| x.to_string()).unwrap_or_default();
                    let shown = sent.get(&key).cloned().unwrap_or(stored);
                    let why = notice.field(&format!("lines[{row}].{}", d.day())).map(str::to_owned);
                    GridCell { day: d.day(), shown, open: chargeable(s, *d, a.today), why }
                })
                .collect();
            (row, s, cells)
        })
        .collect();
    let refused_cells: Vec<(String, String)> = rows
        .iter()
        .flat_map(|(_, s, cells)| {
            let name = names.get(&s.insured_person_id).cloned().unwrap_or_default();
            cells.iter().filter_map(move |c| c.why.clone().map(|w| (m::ui_cell(name.clone(), c.day).render(l), w)))
        })
        .collect();
    let other_problems: Vec<(String, String)> = notice
        .fields
        .iter()
        .filter(|(k, _)| {
            !rows.iter().any(|(row, _, cells)| cells.iter().any(|c| *k == format!("lines[{row}].{}", c.day)))
        })
        .cloned()
        .collect();
    let previous = (first - Days::new(1)).format("%Y-%m").to_string();
    let next = (last + Days::new(1)).format("%Y-%m").to_string();
    let query = html::query_of(&[("month", &Some(month.clone()))]);
    let month_label = format::month_text(l, &month);
    let body = rsx! {
        nav { class: "actions no-print",
            a { href: "/stays/charges?month={previous}", "‹ " {format::month_text(l, &previous)} }
            strong { "{month_label}" }
            a { href: "/stays/charges?month={next}", {format::month_text(l, &next)} " ›" }
            a { href: "/stays/charges.csv?month={month}", {m::ui_download_template().render(l)} }
        }
        if let Some(status) = closed { p { class: "notice refused", {m::ui_month_closed_note(status.text()).render(l)} } }
        if edits { p { class: "muted", {m::ui_charges_hint().render(l)} } }
        if !refused_cells.is_empty() {
            ul { class: "notice refused",
                for (cell, why) in refused_cells.iter() { li { "{cell}：{why}" } }
            }
        }
        if !other_problems.is_empty() {
            table {
                thead { tr { th { scope: "col", {m::ui_key().render(l)} } th { scope: "col", {m::ui_problem().render(l)} } } }
                tbody { for (k, why) in other_problems.iter() { tr { td { code { "{k}" } } td { "{why}" } } } }
            }
        }
        form { method: "post", action: "/stays/charges",
            {html::csrf(ctx)}
            input { r#type: "hidden", name: "month", value: "{month}" }
            input { r#type: "hidden", name: "offset", value: "{found.offset}" }
            div { class: "grid-wrap",
                table { class: "grid",
                    thead { tr {
                        th { scope: "col", {m::ui_person().render(l)} }
                        for d in days.iter() { th { scope: "col", class: "num", "{d.day()}" } }
                    } }
                    tbody {
                        for (row, s, cells) in rows.iter() {
                            tr {
                                th { scope: "row",
                                    input { r#type: "hidden", name: "s{row}", value: "{s.id}" }
                                    {names.get(&s.insured_person_id).cloned().unwrap_or_default()}
                                }
                                for c in cells.iter() {
                                    td { class: if c.why.is_some() { "invalid" } else if !c.open { "closed" } else { "" },
                                        if c.open && edits {
                                            input { r#type: "text", inputmode: "decimal", name: "c{row}_{c.day}", value: "{c.shown}", size: "5",
                                                "data-grid-row": "{row}", "data-grid-col": "{c.day}",
                                                aria_label: m::ui_cell(names.get(&s.insured_person_id).cloned().unwrap_or_default(), c.day).render(l),
                                                aria_invalid: if c.why.is_some() { "true" } else { "false" },
                                                title: c.why.clone().unwrap_or_default() }
                                        } else {
                                            "{c.shown}"
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
            if edits && !found.items.is_empty() { button { r#type: "submit", {m::ui_save_charges().render(l)} } }
        }
        {html::pager(l, "/stays/charges", &query, found.offset, found.limit, found.total)}
        if edits {
            form { class: "step no-print", method: "post", action: "/stays/charges/upload", enctype: "multipart/form-data",
                h2 { {m::ui_upload_charges().render(l)} }
                {html::csrf(ctx)}
                input { r#type: "hidden", name: "month", value: "{month}" }
                div { class: "field",
                    label { r#for: "f-file", {m::ui_csv_file().render(l)} }
                    input { id: "f-file", r#type: "file", name: "file", accept: ".csv,text/csv", required: true }
                }
                button { r#type: "submit", {m::ui_check_and_import().render(l)} }
            }
        }
    };
    let title = m::ui_charges_of(month_label.clone()).render(l);
    let page = Page::new("/stays", title, body).under(m::ui_stays_page().render(l), "/stays").with_notice(notice);
    Ok(html::respond(ctx, page))
}
