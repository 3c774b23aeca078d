//! 月度结算: a month's bills of every institution, the month-end run started here with its
//! progress, and a bill's page — totals by mode and scheme, the lines with their filters and
//! explanations, the audit (sample, deductions), return, approval and payment as forms, the lines
//! as CSV, the bill printed on A4. Each form calls the function the API calls.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use dioxus::prelude::*;
use ltci_shared::api::settlement::{
    Bill, BillDispute, BillFilter, BillLine, BillStatus, ComputeBill, Deduction, LineRejection, LinesQuery,
    MonthEndRequest, MonthEndRun, MonthEndRunFilter, PayBill, ReturnBill, SampleRequest,
};
use ltci_shared::messages as m;
use ltci_shared::text::{Lang, Text};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::{PageResult, Refusal};
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::{audit, institutions, settlement};

const PAGE_SIZE: u64 = 20;
const LINES_PER_PAGE: u64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    month: Option<String>,
    status: Option<String>,
    offset: Option<u64>,
}

/// The bills of a month (the last month over by default), with the month-end run.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    render_list(&state, &ctx, &q, Notice::default()).await
}

async fn render_list(state: &AppState, ctx: &Ctx, q: &ListQuery, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let last_over = a.today.checked_sub_months(chrono::Months::new(1)).unwrap_or(a.today).format("%Y-%m").to_string();
    let month = q.month.clone().filter(|v| crate::fields::month(v).is_ok()).unwrap_or(last_over);
    let status: Option<BillStatus> = html::choice(&q.status);
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let f = BillFilter { institution_id: None, month: Some(month.clone()), status };
    let found = settlement::bills::list(state, a, f, page).await?;
    let names = institution_names(state, ctx, found.items.iter().map(|b| b.institution_id).collect()).await?;
    let runs = if a.can(Permission::ReadFunding) {
        let f = MonthEndRunFilter { month: Some(month.clone()) };
        settlement::month_end::list(state, a, f, PageRequest { limit: 5, offset: 0 }).await?.items
    } else {
        Vec::new()
    };
    let query = html::query_of(&[("month", &Some(month.clone())), ("status", &q.status)]);
    let body = rsx! {
        form { class: "filters", method: "get", action: "/settlements",
            div { class: "field",
                label { r#for: "f-month", {m::ui_month().render(l)} }
                input { id: "f-month", r#type: "month", name: "month", value: "{month}", "data-autosubmit": "true" }
            }
            div { class: "field",
                label { r#for: "f-status", {m::ui_status().render(l)} }
                select { id: "f-status", name: "status", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for s in BillStatus::ALL {
                        option { value: crate::entities::enum_to_db(&s), selected: status == Some(s), {s.text().render(l)} }
                    }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_institution().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
                th { scope: "col", class: "num", {m::ui_lines().render(l)} }
                th { scope: "col", class: "num", {m::ui_rejected_lines().render(l)} }
                th { scope: "col", class: "num", {m::ui_fund_amount().render(l)} }
                th { scope: "col", class: "num", {m::ui_deducted().render(l)} }
                th { scope: "col", class: "num", {m::ui_payable().render(l)} }
            } }
            tbody {
                for b in found.items.iter() {
                    tr {
                        td { a { href: "/settlements/{b.id}", {names.get(&b.institution_id).cloned().unwrap_or_else(|| b.institution_id.to_string())} } }
                        td { span { class: "state", {b.status.text().render(l)} } }
                        td { class: "num", {format::count(u64::from(b.line_count))} }
                        td { class: "num", {format::count(u64::from(b.rejected_lines))} }
                        td { class: "num", {format::yuan(b.fund_amount)} }
                        td { class: "num", {format::yuan(b.deducted)} }
                        td { class: "num", {format::yuan(b.payable)} }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/settlements", &query, found.offset, found.limit, found.total)}
        if a.can(Permission::SettleBills) {
            form { class: "step", method: "post", action: "/settlements/month-end",
                {html::csrf(ctx)}
                input { r#type: "hidden", name: "month", value: "{month}" }
                p { class: "muted", {m::ui_run_month_end_hint().render(l)} }
                button { r#type: "submit", {m::ui_run_month_end().render(l)} " · " {format::month_text(l, &month)} }
            }
        }
        if a.institution_id.is_some() && a.can(Permission::PrepareBills) {
            form { class: "step", method: "post", action: "/settlements",
                {html::csrf(ctx)}
                input { r#type: "hidden", name: "month", value: "{month}" }
                p { class: "muted", {m::ui_compute_draft_hint().render(l)} }
                if let Some(why) = notice.field("month") { p { class: "why", "{why}" } }
                button { r#type: "submit", {m::ui_compute_draft().render(l)} " · " {format::month_text(l, &month)} }
            }
        }
        if !runs.is_empty() {
            h2 { {m::ui_month_end_runs().render(l)} }
            ul {
                for r in runs.iter() {
                    li { a { href: "/settlements/runs/{r.id}", {format::at(r.started_at, ctx.tz)} } " · " {run_state(ctx, r).render(l)} }
                }
            }
        }
    };
    let page = Page::new("/settlements", m::ui_settlements().render(l), body).with_notice(notice);
    Ok(html::respond(ctx, page))
}

#[derive(Debug, Deserialize)]
pub struct MonthForm {
    #[serde(default)]
    month: String,
}

/// The institution's draft of a month computed (again): its page.
pub async fn compute(State(state): State<AppState>, posted: Posted<MonthForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let req = ComputeBill { institution_id: None, month: form.month.clone() };
    match settlement::compute::compute(&state, &ctx.actor, req).await {
        Ok((_, b)) => Ok(html::done_at(&format!("/settlements/{}", b.id), m::ui_done_computed())),
        Err(e) => {
            let q = ListQuery { month: Some(form.month), ..ListQuery::default() };
            html::refused_on_page(e, ctx.lang, |n| render_list(&state, &ctx, &q, n)).await
        }
    }
}

/// Starts the month-end run in the background and shows its progress.
pub async fn start_month_end(State(state): State<AppState>, posted: Posted<MonthForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    match settlement::month_end::start(&state, &ctx.actor, MonthEndRequest { month: form.month.clone() }).await {
        Ok(run) => Ok(Redirect::to(&format!("/settlements/runs/{}", run.id)).into_response()),
        Err(e) => {
            let q = ListQuery { month: Some(form.month), ..ListQuery::default() };
            html::refused_on_page(e, ctx.lang, |n| render_list(&state, &ctx, &q, n)).await
        }
    }
}

/// A run's progress, reloading itself until it is finished; then what it did for each institution.
pub async fn run(ctx: Ctx, State(state): State<AppState>, Path(id): Path<Uuid>) -> PageResult {
    let l = ctx.lang;
    let r = settlement::month_end::get(&state, &ctx.actor, id).await?;
    let results = r.report.as_ref().map(|rep| rep.results.clone()).unwrap_or_default();
    let names = institution_names(&state, &ctx, results.iter().map(|x| x.institution_id).collect()).await?;
    let by = audit::usernames(&state.db, ctx.actor.region_id, &[r.started_by]).await?;
    let running = r.finished_at.is_none();
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_started_at().render(l)} } dd { {format::at(r.started_at, ctx.tz)} }
            dt { {m::ui_started_by().render(l)} } dd { {by.get(&r.started_by).cloned().unwrap_or_default()} }
            dt { {m::ui_progress().render(l)} }
            dd {
                progress { value: "{r.done}", max: "{r.institutions.max(1)}" }
                " " {m::ui_run_progress(r.done, r.institutions).render(l)}
            }
            dt { {m::ui_status().render(l)} } dd { {run_state(&ctx, &r).render(l)} }
        }
        if !results.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_institution().render(l)} }
                    th { scope: "col", {m::ui_outcome().render(l)} }
                    th { scope: "col", class: "num", {m::ui_fund_amount().render(l)} }
                } }
                tbody {
                    for x in results.iter() {
                        tr {
                            td {
                                if let Some(bill) = x.bill_id {
                                    a { href: "/settlements/{bill}", {names.get(&x.institution_id).cloned().unwrap_or_default()} }
                                } else {
                                    {names.get(&x.institution_id).cloned().unwrap_or_default()}
                                }
                            }
                            td { {x.outcome.text().render(l)} }
                            td { class: "num", {x.fund_amount.map(format::yuan).unwrap_or_default()} }
                        }
                    }
                }
            }
        }
        p { a { href: "/settlements?month={r.month}", {m::ui_bills().render(l)} " · " {format::month_text(l, &r.month)} } }
    };
    let title = m::ui_month_end_run_of(format::month_text(l, &r.month)).render(l);
    let mut page = Page::new("/settlements", title, body).under(m::ui_settlements().render(l), "/settlements");
    if running {
        page = page.refreshing(2);
    }
    Ok(html::respond(&ctx, page))
}

fn run_state(ctx: &Ctx, r: &MonthEndRun) -> Text {
    match (&r.finished_at, &r.failure) {
        (None, _) => m::ui_run_running(),
        (Some(_), Some(code)) => m::ui_run_failed(code),
        (Some(at), None) => m::ui_run_finished(format::at(*at, ctx.tz)),
    }
}

pub(super) async fn institution_names(
    state: &AppState,
    ctx: &Ctx,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, Refusal> {
    if ids.is_empty() || !ctx.actor.can(Permission::ReadInstitutions) {
        return Ok(HashMap::new());
    }
    Ok(institutions::designation::names(state, &ctx.actor, &ids).await?)
}

/// A bill page's filters of its lines, and the notice of the step just taken.
#[derive(Debug, Default, Deserialize)]
pub struct BillQuery {
    rejection: Option<String>,
    sampled: Option<String>,
    deducted: Option<String>,
    person: Option<String>,
    day: Option<String>,
    offset: Option<u64>,
    done: Option<String>,
}

impl BillQuery {
    fn lines(&self) -> LinesQuery {
        LinesQuery {
            sampled: flag(&self.sampled),
            rejected: None,
            rejection: html::choice(&self.rejection),
            deducted: flag(&self.deducted),
            insured_person_id: self.person.as_deref().and_then(|p| p.parse().ok()),
            service_on: self.day.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        }
    }

    /// The filters as a query string (only the ones understood, so nothing else travels on).
    fn query(&self) -> String {
        let f = self.lines();
        let person = f.insured_person_id.map(|p| p.to_string());
        let day = f.service_on.map(|d| d.to_string());
        let rejection = f.rejection.map(|r| crate::entities::enum_to_db(&r));
        let sampled = f.sampled.map(|v| v.to_string());
        let deducted = f.deducted.map(|v| v.to_string());
        html::query_of(&[
            ("rejection", &rejection),
            ("sampled", &sampled),
            ("deducted", &deducted),
            ("person", &person),
            ("day", &day),
        ])
    }
}

fn flag(v: &Option<String>) -> Option<bool> {
    v.as_deref().and_then(|v| v.parse().ok())
}

/// What a step says once done.
const DONE: [fn() -> Text; 10] = [
    m::ui_done_sampled,
    m::ui_done_deducted,
    m::ui_done_bill_returned,
    m::ui_done_approved,
    m::ui_done_paid,
    m::ui_done_computed,
    m::ui_done_submitted,
    m::ui_done_disputed,
    m::ui_done_commented,
    m::ui_done_dispute_answered,
];

/// A bill's page with the lines' filters of `view`.
pub(super) fn address(id: Uuid, view: &BillQuery) -> String {
    let q = view.query();
    if q.is_empty() { format!("/settlements/{id}") } else { format!("/settlements/{id}?{q}") }
}

/// One bill (after a step, saying it was done).
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<BillQuery>,
) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render_bill(&state, &ctx, id, &q, notice).await
}

/// The fields any step's form may send.
#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    size: String,
    #[serde(default)]
    line_no: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    bank_reference: String,
    #[serde(default)]
    paid_on: String,
    /// The page's filters, to come back to the same lines.
    #[serde(default)]
    view: String,
}

/// Runs one step on a bill; the bill's page again, saying it was done or why it was refused.
pub async fn step(
    State(state): State<AppState>,
    Path((id, step)): Path<(Uuid, String)>,
    posted: Posted<StepForm>,
) -> PageResult {
    let Posted { ctx, form } = posted;
    let a = &ctx.actor;
    let view: BillQuery = serde_urlencoded::from_str(&form.view).unwrap_or_default();
    let done = match step.as_str() {
        "sample" => {
            // A size that is not a number is the service's "out of range" (0).
            let size = form.size.trim().parse::<u32>().unwrap_or(0);
            settlement::review::sample(&state, a, id, SampleRequest { size }).await.map(|_| m::ui_done_sampled())
        }
        "deduct" => deduct(&state, &ctx, id, &form).await.map(|_| m::ui_done_deducted()),
        "return" => settlement::bills::return_bill(&state, a, id, ReturnBill { reason: form.reason.clone() })
            .await
            .map(|_| m::ui_done_bill_returned()),
        "approve" => settlement::bills::approve(&state, a, id).await.map(|_| m::ui_done_approved()),
        "pay" => pay(&state, &ctx, id, &form).await.map(|_| m::ui_done_paid()),
        "compute" => compute_again(&state, &ctx, id).await.map(|_| m::ui_done_computed()),
        "submit" => settlement::bills::submit(&state, a, id).await.map(|_| m::ui_done_submitted()),
        _ => return Err(Refusal::Api(ApiError::not_found(m::thing_bill()))),
    };
    match done {
        Ok(text) => Ok(html::done_at(&address(id, &view), text)),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_bill(&state, &ctx, id, &view, n)).await,
    }
}

async fn deduct(state: &AppState, ctx: &Ctx, id: Uuid, form: &StepForm) -> Result<BillLine, ApiError> {
    let line_no: u32 = form.line_no.parse().map_err(|_| ApiError::not_found(m::thing_bill_line()))?;
    let amount = html::money_of("amount", &form.amount)?;
    let reason = Some(form.reason.clone()).filter(|r| !r.trim().is_empty());
    settlement::review::deduct(state, &ctx.actor, id, line_no, Deduction { amount, reason }).await
}

/// The draft computed again from the facts as they are now (its month, its institution).
async fn compute_again(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Bill, ApiError> {
    let b = settlement::bills::get(state, &ctx.actor, id).await?;
    let institution_id = ctx.actor.institution_id.is_none().then_some(b.institution_id);
    settlement::compute::compute(state, &ctx.actor, ComputeBill { institution_id, month: b.month })
        .await
        .map(|(_, b)| b)
}

async fn pay(state: &AppState, ctx: &Ctx, id: Uuid, form: &StepForm) -> Result<Bill, ApiError> {
    let paid_on = html::day_of("paid_on", &form.paid_on)?;
    let req = PayBill { bank_reference: form.bank_reference.clone(), paid_on };
    settlement::bills::pay(state, &ctx.actor, id, req).await
}

/// The bill's lines as CSV, as the API answers them.
pub async fn lines_csv(ctx: Ctx, State(state): State<AppState>, Path(id): Path<Uuid>) -> Result<Response, Refusal> {
    let (name, body) = settlement::bills::lines_csv(&state, &ctx.actor, id).await?;
    let mut resp = crate::http::download::csv_response(&name, body);
    html::secure_headers(resp.headers_mut());
    Ok(resp)
}

pub(super) async fn render_bill(state: &AppState, ctx: &Ctx, id: Uuid, q: &BillQuery, notice: Notice) -> PageResult {
    let a = &ctx.actor;
    let l = ctx.lang;
    let b = settlement::bills::get(state, a, id).await?;
    let page = PageRequest { limit: LINES_PER_PAGE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let lines = settlement::bills::lines(state, a, id, q.lines(), page).await?;
    let institution =
        institution_names(state, ctx, vec![b.institution_id]).await?.remove(&b.institution_id).unwrap_or_default();
    let people: HashMap<Uuid, String> = if a.can(Permission::ReadInsuredPersons) {
        let mut ids: Vec<Uuid> = lines.items.iter().map(|x| x.insured_person_id).collect();
        ids.sort();
        ids.dedup();
        crate::registry::persons::names(state, a, &ids).await?.into_iter().collect()
    } else {
        HashMap::new()
    };
    let who: Vec<Uuid> =
        [Some(b.computed_by), b.submitted_by, b.approved_by, b.paid_by].into_iter().flatten().collect();
    let who = audit::usernames(&state.db, a.region_id, &who).await?;
    let name_of = |id: Option<Uuid>| id.and_then(|i| who.get(&i).cloned()).unwrap_or_default();
    let threads = settlement::disputes::of_bill(&state.db, b.id).await?;
    let who_wrote = super::disputes::names_of(state, ctx, &threads.values().flatten().collect::<Vec<_>>()).await?;
    let settles = a.can(Permission::SettleBills);
    let auditing = settles && b.status == BillStatus::Submitted;
    let prepares = a.can(Permission::PrepareBills) && b.status == BillStatus::Draft;
    let filters = q.lines();
    let query = q.query();
    let csrf = html::csrf(ctx);
    let row_ctx = Rows { ctx, b: &b, people: &people, auditing, query: &query };
    let title = m::ui_bill_of(&institution, format::month_text(l, &b.month)).render(l);
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_institution().render(l)} } dd { "{institution}" }
            dt { {m::ui_month().render(l)} } dd { {format::month_text(l, &b.month)} }
            dt { {m::ui_status().render(l)} } dd { span { class: "state", {b.status.text().render(l)} } }
            dt { {m::ui_lines().render(l)} } dd { {format::count(u64::from(b.line_count))} " · " {m::ui_rejected_lines().render(l)} " " {format::count(u64::from(b.rejected_lines))} }
            dt { {m::ui_claimed().render(l)} } dd { {format::yuan(b.claimed)} }
            dt { {m::ui_fund_amount().render(l)} } dd { {format::yuan(b.fund_amount)} }
            dt { {m::ui_deducted().render(l)} } dd { {format::yuan(b.deducted)} }
            dt { {m::ui_payable().render(l)} } dd { strong { {format::yuan(b.payable)} } }
            if let Some(w) = b.withheld { dt { {m::ui_withheld().render(l)} } dd { {format::yuan(w)} } }
            if let Some(p) = b.paid { dt { {m::ui_paid().render(l)} } dd { {format::yuan(p)} } }
            if let Some(r) = &b.bank_reference { dt { {m::ui_bank_reference().render(l)} } dd { "{r}" } }
            if let Some(r) = &b.return_reason { dt { {m::ui_returned_because().render(l)} } dd { "{r}" } }
        }
        h2 { {m::ui_subtotals().render(l)} }
        table {
            thead { tr {
                th { scope: "col", {m::ui_care_mode().render(l)} }
                th { scope: "col", {m::ui_scheme().render(l)} }
                th { scope: "col", class: "num", {m::ui_lines().render(l)} }
                th { scope: "col", class: "num", {m::ui_fund_amount().render(l)} }
                th { scope: "col", class: "num", {m::ui_deducted().render(l)} }
            } }
            tbody {
                for s in b.subtotals.iter() {
                    tr {
                        td { {s.care_mode.text().render(l)} }
                        td { {s.scheme.text().render(l)} }
                        td { class: "num", {format::count(u64::from(s.lines))} }
                        td { class: "num", {format::yuan(s.fund_amount)} }
                        td { class: "num", {format::yuan(s.deducted)} }
                    }
                }
            }
        }
        h2 { {m::ui_taken_by().render(l)} }
        ul { class: "steps-taken",
            li { {m::ui_computed_by().render(l)} "：" {name_of(Some(b.computed_by))} " · " {format::at(b.computed_at, ctx.tz)} }
            if let Some(at) = b.submitted_at { li { {m::ui_submitted_by().render(l)} "：" {name_of(b.submitted_by)} " · " {format::at(at, ctx.tz)} } }
            if let Some(at) = b.approved_at { li { {m::ui_approved_by().render(l)} "：" {name_of(b.approved_by)} " · " {format::at(at, ctx.tz)} } }
            if let Some(on) = b.paid_on { li { {m::ui_paid_by().render(l)} "：" {name_of(b.paid_by)} " · " {format::day(on)} } }
        }
        p { class: "no-print",
            a { href: "/settlements/{b.id}/lines.csv", {m::ui_download_csv().render(l)} }
            " · "
            button { r#type: "button", class: "link", "data-print": "true", {m::ui_print().render(l)} }
        }
        if prepares {
            section { class: "no-print",
                form { class: "step", method: "post", action: "/settlements/{b.id}/compute",
                    {csrf.clone()}
                    input { r#type: "hidden", name: "view", value: "{query}" }
                    p { class: "muted", {m::ui_compute_draft_hint().render(l)} }
                    button { r#type: "submit", class: "secondary", {m::ui_compute_draft().render(l)} }
                }
                form { class: "step", method: "post", action: "/settlements/{b.id}/submit", "data-confirm": m::ui_submit_bill_confirm().render(l),
                    {csrf.clone()}
                    input { r#type: "hidden", name: "view", value: "{query}" }
                    button { r#type: "submit", {m::ui_submit_bill().render(l)} }
                }
            }
        }
        if auditing {
            section { class: "no-print",
                h2 { {m::ui_audit_steps().render(l)} }
                form { class: "step", method: "post", action: "/settlements/{b.id}/sample",
                    {csrf.clone()}
                    input { r#type: "hidden", name: "view", value: "{query}" }
                    {html::text_field("size", &m::ui_sample_size().render(l), "20", &notice, true)}
                    button { r#type: "submit", class: "secondary", {m::ui_draw_sample().render(l)} }
                }
                form { class: "step", method: "post", action: "/settlements/{b.id}/approve",
                    {csrf.clone()}
                    input { r#type: "hidden", name: "view", value: "{query}" }
                    button { r#type: "submit", {m::ui_approve_bill().render(l)} }
                }
                form { class: "step", method: "post", action: "/settlements/{b.id}/return", "data-confirm": m::ui_return_bill_confirm().render(l),
                    {csrf.clone()}
                    {html::reason_field("reason", &m::ui_return_reason().render(l), &notice)}
                    button { r#type: "submit", class: "secondary", {m::ui_return_bill().render(l)} }
                }
            }
        }
        if settles && b.status == BillStatus::Approved {
            form { class: "step", method: "post", action: "/settlements/{b.id}/pay", "data-confirm": m::ui_pay_bill_confirm().render(l),
                {csrf.clone()}
                {html::text_field("bank_reference", &m::ui_bank_reference().render(l), "", &notice, true)}
                {html::date_field("paid_on", &m::ui_paid_on().render(l), "", &notice)}
                button { r#type: "submit", {m::ui_pay_bill().render(l)} }
            }
        }
        {super::disputes::section(ctx, &threads, &who_wrote, &notice)}
        h2 { {m::ui_bill_lines_heading().render(l)} }
        form { class: "filters no-print", method: "get", action: "/settlements/{b.id}",
            div { class: "field",
                label { r#for: "f-rejection", {m::ui_rejection().render(l)} }
                select { id: "f-rejection", name: "rejection", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for r in LineRejection::ALL {
                        option { value: crate::entities::enum_to_db(&r), selected: filters.rejection == Some(r), {r.text().render(l)} }
                    }
                }
            }
            {yes_no("sampled", &m::ui_sampled().render(l), filters.sampled, l)}
            {yes_no("deducted", &m::ui_deducted().render(l), filters.deducted, l)}
            div { class: "field",
                label { r#for: "f-day", {m::ui_service_on().render(l)} }
                input { id: "f-day", r#type: "date", name: "day", value: filters.service_on.map(|d| d.to_string()).unwrap_or_default() }
            }
            if let Some(p) = filters.insured_person_id {
                div { class: "field",
                    label { r#for: "f-person", {m::ui_person().render(l)} }
                    select { id: "f-person", name: "person", "data-autosubmit": "true",
                        option { value: "{p}", selected: true, {people.get(&p).cloned().unwrap_or_default()} }
                        option { value: "", {m::ui_all_people().render(l)} }
                    }
                }
            }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table { class: "lines",
            thead { tr {
                th { scope: "col", class: "num", {m::ui_line_no().render(l)} }
                th { scope: "col", {m::ui_person().render(l)} }
                th { scope: "col", {m::ui_service_on().render(l)} }
                th { scope: "col", {m::ui_what_is_billed().render(l)} }
                th { scope: "col", class: "num", {m::ui_claimed().render(l)} }
                th { scope: "col", class: "num", {m::ui_fund_amount().render(l)} }
                th { scope: "col", {m::ui_rejection().render(l)} }
                th { scope: "col", class: "num", {m::ui_deducted().render(l)} }
                th { scope: "col", class: "no-print", {m::ui_explanation().render(l)} }
            } }
            tbody {
                for x in lines.items.iter() {
                    {line_row(&row_ctx, x, threads.get(&x.line_no))}
                }
            }
        }
        if lines.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, &format!("/settlements/{}", b.id), &query, lines.offset, lines.limit, lines.total)}
    };
    let page = Page::new("/settlements", title, body)
        .under(m::ui_settlements().render(l), format!("/settlements?month={}", b.month))
        .with_notice(notice)
        .with_history("bill", b.id);
    Ok(html::respond(ctx, page.signed()))
}

fn yes_no(name: &str, label: &str, chosen: Option<bool>, l: Lang) -> Element {
    let id = format!("f-{name}");
    rsx! {
        div { class: "field",
            label { r#for: "{id}", "{label}" }
            select { id: "{id}", name: "{name}", "data-autosubmit": "true",
                option { value: "", {m::ui_any().render(l)} }
                option { value: "true", selected: chosen == Some(true), {m::ui_yes().render(l)} }
                option { value: "false", selected: chosen == Some(false), {m::ui_no().render(l)} }
            }
        }
    }
}

fn source_text(source: &str) -> Text {
    match source {
        "stay" => m::ui_source_stay(),
        "visit" => m::ui_source_visit(),
        "family_care" => m::ui_source_family_care(),
        other => m::verbatim(other),
    }
}

/// What every line of a bill's page is shown with.
struct Rows<'a> {
    ctx: &'a Ctx,
    b: &'a Bill,
    people: &'a HashMap<Uuid, String>,
    /// Whether the deduction form is shown (the bill is being audited by this officer).
    auditing: bool,
    /// The page's filters, to come back to the same lines.
    query: &'a str,
}

/// One line: who, when, what, the amounts, and its explanation opened on demand (with the
/// deduction form while the bill is being audited, the line's disputes and the institution's
/// form to comment or dispute it).
fn line_row(r: &Rows, x: &BillLine, thread: Option<&Vec<BillDispute>>) -> Element {
    let Rows { ctx, b, people, auditing, query } = *r;
    let l = ctx.lang;
    let steps: Vec<String> = x.explanation["steps"]
        .as_array()
        .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let what = match (&x.item, x.times) {
        (Some(item), Some(t)) => format!("{} · {item} × {t}", source_text(&x.source).render(l)),
        _ => source_text(&x.source).render(l),
    };
    let person = people.get(&x.insured_person_id).cloned().unwrap_or_else(|| x.insured_person_id.to_string());
    let sep = if query.is_empty() { "" } else { "&" };
    let only_person = format!("/settlements/{}?{query}{sep}person={}", b.id, x.insured_person_id);
    let disputes = thread.map(Vec::len).unwrap_or(0);
    let raises = super::disputes::may_raise(ctx, b, x);
    rsx! {
        tr { class: if x.sampled { "sampled" } else { "" },
            td { class: "num", "{x.line_no}" }
            td { a { href: "{only_person}", title: m::ui_only_this_person().render(l), "{person}" } }
            td { {format::day(x.service_on)} }
            td { "{what}"
                if x.sampled { " · " span { class: "state", {m::ui_sampled().render(l)} } }
                if disputes > 0 { " · " a { class: "state", href: "#dispute-{thread.map(|t| t[0].id).unwrap_or_default()}", {m::ui_line_disputes(disputes).render(l)} } }
            }
            td { class: "num", {format::yuan(x.claimed)} }
            td { class: "num", {format::yuan(x.fund_amount)} }
            td { {x.rejection.map(|r| r.text().render(l)).unwrap_or_default()} }
            td { class: "num",
                {format::yuan(x.deducted)}
                if let Some(r) = &x.deduction_reason { br {} span { class: "muted", "{r}" } }
            }
            td { class: "no-print",
                details {
                    summary { {m::ui_explanation().render(l)} }
                    ol { for s in steps.iter() { li { "{s}" } } }
                    if auditing && x.rejection.is_none() {
                        form { class: "step", method: "post", action: "/settlements/{b.id}/deduct",
                            {html::csrf(ctx)}
                            input { r#type: "hidden", name: "view", value: "{query}" }
                            input { r#type: "hidden", name: "line_no", value: "{x.line_no}" }
                            div { class: "field",
                                label { r#for: "amount-{x.line_no}", {m::ui_deduction_amount().render(l)} }
                                input { id: "amount-{x.line_no}", name: "amount", inputmode: "decimal", required: true, value: "{x.deducted}" }
                            }
                            div { class: "field",
                                label { r#for: "reason-{x.line_no}", {m::ui_deduction_reason().render(l)} }
                                input { id: "reason-{x.line_no}", name: "reason", maxlength: "500", value: x.deduction_reason.clone().unwrap_or_default() }
                            }
                            button { r#type: "submit", class: "secondary", {m::ui_deduct().render(l)} }
                        }
                    }
                    if raises { {super::disputes::raise_form(ctx, b, x, query)} }
                }
            }
        }
    }
}
