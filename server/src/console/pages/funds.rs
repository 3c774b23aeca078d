//! 基金管理: each scheme's fund health with its chart inline, the accounts and their balances,
//! the income and trial-balance reports to download, reserve draws requested by one officer and
//! approved or rejected by another, and the journal with its reversals. Each form calls the
//! function the API calls.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use ltci_shared::api::funding::{
    DrawRejection, DrawStatus, EntryFilter, ReserveDraw, ReserveDrawRequest, ReversalRequest, SeriesQuery,
};
use ltci_shared::api::registry::Scheme;
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::{PageResult, Refusal};
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::funding::{chart, health, journal, reports, reserve};
use crate::http::download::csv_response;
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;

const ENTRIES_PER_PAGE: u64 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

const DONE: [fn() -> Text; 3] = [m::ui_done_draw_requested, m::ui_done_draw_approved, m::ui_done_draw_rejected];

/// The funds page.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ShowQuery>) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render(&state, &ctx, &DrawForm::default(), notice).await
}

async fn render(state: &AppState, ctx: &Ctx, sent: &DrawForm, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let healths = health::health_of_every_scheme(&state.db, a).await?;
    let accounts = journal::accounts(state, a).await?;
    let draws = reserve::list(state, a).await?;
    let who: Vec<Uuid> = draws.iter().flat_map(|d| [Some(d.requested_by), d.decided_by]).flatten().collect();
    let who = crate::audit::usernames(&state.db, a.region_id, &who).await?;
    let posts = a.can(Permission::PostFunding);
    let year_start = a.today.format("%Y-01-01").to_string();
    let today = a.today.to_string();
    let body = rsx! {
        for h in healths.iter() {
            section { class: "fund",
                h2 { {h.scheme.text().render(l)} }
                dl { class: "facts",
                    dt { {m::ui_balance().render(l)} } dd { strong { {format::yuan(h.balance)} } }
                    dt { {m::ui_average_expenditure().render(l)} } dd { {format::yuan(h.average_monthly_expenditure)} }
                    dt { {m::ui_months_covered().render(l)} } dd { {h.months_covered.map(|v| v.round_dp(1).to_string()).unwrap_or_else(|| "—".into())} }
                    dt { {m::ui_warning_level().render(l)} } dd { {super::home::warning_text(h.level).0.render(l)} }
                }
                img { class: "chart", src: "/funds/chart.svg?scheme={h.scheme.as_str()}", alt: m::ui_chart_of(h.scheme.text()).render(l), width: "720", height: "240" }
            }
        }
        h2 { {m::ui_accounts().render(l)} }
        table {
            thead { tr {
                th { scope: "col", {m::ui_account_code().render(l)} }
                th { scope: "col", {m::ui_account_name().render(l)} }
                th { scope: "col", class: "num", {m::ui_balance().render(l)} }
            } }
            tbody {
                for acc in accounts.iter() {
                    tr {
                        td { a { href: "/funds/entries?account={acc.code}", code { "{acc.code}" } } }
                        td { "{acc.name}" }
                        td { class: "num", {format::yuan(acc.balance)} }
                    }
                }
            }
        }
        p { a { href: "/funds/entries", {m::ui_journal().render(l)} } }
        h2 { {m::ui_reports().render(l)} }
        div { class: "actions no-print",
            form { class: "step", method: "get", action: "/funds/income.csv",
                {html::date_field("from", &m::ui_from_day().render(l), &year_start, &notice)}
                {html::date_field("to", &m::ui_to_day().render(l), &today, &notice)}
                button { r#type: "submit", class: "secondary", {m::ui_income_report().render(l)} }
            }
            form { class: "step", method: "get", action: "/funds/trial-balance.csv",
                {html::date_field("on", &m::ui_on_day().render(l), &today, &notice)}
                button { r#type: "submit", class: "secondary", {m::ui_trial_balance().render(l)} }
            }
        }
        h2 { {m::ui_reserve_draws().render(l)} }
        if draws.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        if !draws.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_requested_at().render(l)} }
                    th { scope: "col", {m::ui_scheme().render(l)} }
                    th { scope: "col", class: "num", {m::ui_amount().render(l)} }
                    th { scope: "col", {m::ui_reason().render(l)} }
                    th { scope: "col", {m::ui_status().render(l)} }
                    th { scope: "col", {m::ui_next_step().render(l)} }
                } }
                tbody {
                    for d in draws.iter() {
                        tr {
                            td { {format::at(d.requested_at, ctx.tz)} br {} span { class: "muted", {who.get(&d.requested_by).cloned().unwrap_or_default()} } }
                            td { {d.scheme.text().render(l)} }
                            td { class: "num", {format::yuan(d.amount)} }
                            td { "{d.reason}" }
                            td {
                                {draw_status(d.status).render(l)}
                                if let Some(by) = d.decided_by { br {} span { class: "muted", {who.get(&by).cloned().unwrap_or_default()} } }
                                if let Some(r) = &d.decision_reason { br {} span { class: "muted", "{r}" } }
                            }
                            td { {draw_actions(ctx, d, posts)} }
                        }
                    }
                }
            }
        }
        if posts {
            form { class: "step", method: "post", action: "/funds/draws",
                h3 { {m::ui_request_draw().render(l)} }
                {html::csrf(ctx)}
                input { r#type: "hidden", name: "reference", value: "{sent.reference_or_new()}" }
                div { class: "field",
                    label { r#for: "f-scheme", {m::ui_scheme().render(l)} }
                    select { id: "f-scheme", name: "scheme",
                        for s in Scheme::ALL {
                            option { value: s.as_str(), selected: sent.scheme == s.as_str(), {s.text().render(l)} }
                        }
                    }
                }
                {html::text_field("amount", &m::ui_amount_yuan().render(l), &sent.amount, &notice, true)}
                {html::text_field("reason", &m::ui_draw_reason().render(l), &sent.reason, &notice, true)}
                p { class: "muted", {m::ui_draw_hint().render(l)} }
                button { r#type: "submit", {m::ui_request_draw().render(l)} }
            }
        }
    };
    let page = Page::new("/funds", m::ui_funds_page().render(l), body).with_notice(notice);
    Ok(html::respond(ctx, page))
}

fn draw_actions(ctx: &Ctx, d: &ReserveDraw, posts: bool) -> Element {
    let l = ctx.lang;
    // The requester may not decide: the service refuses, and the page does not offer it.
    if !posts || d.status != DrawStatus::Requested || d.requested_by == ctx.actor.user_id {
        return rsx! {};
    }
    rsx! {
        form { class: "inline", method: "post", action: "/funds/draws/{d.id}/approve", "data-confirm": m::ui_approve_draw_confirm().render(l),
            {html::csrf(ctx)}
            button { r#type: "submit", {m::ui_approve_draw().render(l)} }
        }
        form { class: "inline", method: "post", action: "/funds/draws/{d.id}/reject",
            {html::csrf(ctx)}
            input { name: "reason", required: true, maxlength: "500", aria_label: m::ui_reject_reason().render(l), placeholder: m::ui_reject_reason().render(l) }
            button { r#type: "submit", class: "secondary", {m::ui_reject_draw().render(l)} }
        }
    }
}

fn draw_status(s: DrawStatus) -> Text {
    match s {
        DrawStatus::Requested => m::ui_draw_requested(),
        DrawStatus::Approved => m::ui_draw_approved(),
        DrawStatus::Rejected => m::ui_draw_rejected(),
    }
}

/// The draw request's form.
#[derive(Debug, Default, Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    scheme: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

impl DrawForm {
    /// The request's reference: made when the form is drawn, so sending it twice asks once.
    fn reference_or_new(&self) -> String {
        if self.reference.is_empty() { format!("TJ-{}", Uuid::now_v7().simple()) } else { self.reference.clone() }
    }
}

/// Requests a draw from the reserve.
pub async fn request_draw(State(state): State<AppState>, posted: Posted<DrawForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = match (Scheme::from_name(&form.scheme), html::money_of("amount", &form.amount)) {
        (Some(scheme), Ok(amount)) => {
            let req =
                ReserveDrawRequest { reference: form.reference.clone(), scheme, amount, reason: form.reason.clone() };
            reserve::request(&state, &ctx.actor, req).await.map(|_| ())
        }
        (None, _) => Err(ApiError::invalid_field("scheme", "required", m::ui_scheme())),
        (_, Err(e)) => Err(e),
    };
    match done {
        Ok(()) => Ok(html::done_at("/funds", m::ui_done_draw_requested())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &form, n)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    reason: String,
}

/// Approves or rejects a draw (another officer than the one who asked).
pub async fn decide_draw(
    State(state): State<AppState>,
    Path((id, step)): Path<(Uuid, String)>,
    posted: Posted<DecisionForm>,
) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = match step.as_str() {
        "approve" => reserve::approve(&state, &ctx.actor, id).await.map(|_| m::ui_done_draw_approved()),
        "reject" => reserve::reject(&state, &ctx.actor, id, DrawRejection { reason: form.reason })
            .await
            .map(|_| m::ui_done_draw_rejected()),
        _ => return Err(Refusal::Api(ApiError::not_found(m::thing_reserve_draw()))),
    };
    match done {
        Ok(text) => Ok(html::done_at("/funds", text)),
        Err(e) => {
            let blank = DrawForm::default();
            html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, &blank, n)).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ChartQuery {
    scheme: String,
}

/// A fund's twelve months as an SVG chart (the API's chart), for the page's `<img>`.
pub async fn chart_svg(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<ChartQuery>,
) -> Result<Response, Refusal> {
    let scheme = Scheme::from_name(&q.scheme).ok_or_else(|| ApiError::not_found(m::thing_fund()))?;
    let points = health::series(&state.db, &ctx.actor, SeriesQuery { scheme, months: None }).await?;
    let svg = chart::render(&m::ui_chart_of(scheme.text()).render(ctx.lang), &points).map_err(ApiError::internal)?;
    let mut resp = svg.into_response();
    html::secure_headers(resp.headers_mut());
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml; charset=utf-8"));
    Ok(resp)
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    on: String,
}

/// Income by source and scheme for a period, as CSV.
pub async fn income_csv(ctx: Ctx, State(state): State<AppState>, Query(q): Query<PeriodForm>) -> PageResult {
    let period = html::day_of("from", &q.from).and_then(|from| Ok((from, html::day_of("to", &q.to)?)));
    match period {
        Ok((Some(from), Some(to))) => {
            let body = reports::income_csv(&state.db, &ctx.actor, from, to).await?;
            Ok(download(csv_response(&format!("income-{from}-{to}.csv"), body)))
        }
        Ok(_) => report_refused(&state, &ctx, ApiError::invalid_field("from", "required", m::ui_from_day())).await,
        Err(e) => report_refused(&state, &ctx, e).await,
    }
}

/// The trial balance on a day, as CSV.
pub async fn trial_balance_csv(ctx: Ctx, State(state): State<AppState>, Query(q): Query<PeriodForm>) -> PageResult {
    match html::day_of("on", &q.on) {
        Ok(on) => {
            let on = on.unwrap_or(ctx.actor.today);
            let body = reports::trial_balance_csv(&state.db, &ctx.actor, on).await?;
            Ok(download(csv_response(&format!("trial-balance-{on}.csv"), body)))
        }
        Err(e) => report_refused(&state, &ctx, e).await,
    }
}

fn download(mut resp: Response) -> Response {
    html::secure_headers(resp.headers_mut());
    resp
}

async fn report_refused(state: &AppState, ctx: &Ctx, e: ApiError) -> PageResult {
    let blank = DrawForm::default();
    html::refused_on_page(e, ctx.lang, |n| render(state, ctx, &blank, n)).await
}

#[derive(Debug, Default, Deserialize)]
pub struct EntriesQuery {
    reference: Option<String>,
    account: Option<String>,
    offset: Option<u64>,
    done: Option<String>,
}

/// The journal, newest first, by reference or account.
pub async fn entries(ctx: Ctx, State(state): State<AppState>, Query(q): Query<EntriesQuery>) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &[m::ui_done_reversed], ctx.lang);
    render_entries(&state, &ctx, &q, notice).await
}

async fn render_entries(state: &AppState, ctx: &Ctx, q: &EntriesQuery, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let f = EntryFilter {
        reference: q.reference.clone().filter(|v| !v.trim().is_empty()),
        account_code: q.account.clone().filter(|v| !v.trim().is_empty()),
    };
    let page =
        PageRequest { limit: ENTRIES_PER_PAGE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = journal::entries(state, a, f, page).await?;
    let query = html::query_of(&[("reference", &q.reference), ("account", &q.account)]);
    let posts = a.can(Permission::PostFunding);
    let body = rsx! {
        form { class: "filters", method: "get", action: "/funds/entries",
            {html::text_field("reference", &m::ui_reference().render(l), q.reference.as_deref().unwrap_or(""), &Notice::default(), false)}
            {html::text_field("account", &m::ui_account_code().render(l), q.account.as_deref().unwrap_or(""), &Notice::default(), false)}
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_entry_date().render(l)} }
                th { scope: "col", {m::ui_reference().render(l)} }
                th { scope: "col", {m::ui_entry_description().render(l)} }
                th { scope: "col", {m::ui_postings().render(l)} }
                th { scope: "col", {m::ui_next_step().render(l)} }
            } }
            tbody {
                for e in found.items.iter() {
                    tr {
                        td { {format::day(e.effective_on)} }
                        td { code { "{e.reference}" } br {} span { class: "muted", "{e.kind}" } }
                        td { "{e.description}" }
                        td {
                            ul { class: "postings",
                                for p in e.postings.iter() {
                                    li { code { "{p.account_code}" } " " {format::yuan(p.amount)} }
                                }
                            }
                        }
                        td {
                            if e.reversed_by_entry_id.is_some() {
                                span { class: "state", {m::ui_reversed().render(l)} }
                            } else if e.reverses_entry_id.is_some() {
                                span { class: "state", {m::ui_is_reversal().render(l)} }
                            } else if posts {
                                form { class: "inline", method: "post", action: "/funds/entries/{e.id}/reverse", "data-confirm": m::ui_reverse_confirm().render(l),
                                    {html::csrf(ctx)}
                                    input { name: "reason", required: true, maxlength: "500", aria_label: m::ui_reversal_reason().render(l), placeholder: m::ui_reversal_reason().render(l) }
                                    button { r#type: "submit", class: "secondary", {m::ui_reverse().render(l)} }
                                }
                            }
                        }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/funds/entries", &query, found.offset, found.limit, found.total)}
    };
    let page = Page::new("/funds", m::ui_journal().render(l), body)
        .under(m::ui_funds_page().render(l), "/funds")
        .with_notice(notice);
    Ok(html::respond(ctx, page))
}

#[derive(Debug, Default, Deserialize)]
pub struct ReversalForm {
    #[serde(default)]
    reason: String,
}

/// Cancels an entry with a reversing entry; the reference is the entry's own, so a second
/// submission answers the first reversal.
pub async fn reverse(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<ReversalForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let req = ReversalRequest { reference: format!("CX-{}", id.simple()), reason: form.reason };
    match crate::funding::income::reverse(&state, &ctx.actor, id, req).await {
        Ok(_) => Ok(html::done_at("/funds/entries", m::ui_done_reversed())),
        Err(e) => {
            let all = EntriesQuery::default();
            html::refused_on_page(e, ctx.lang, |n| render_entries(&state, &ctx, &all, n)).await
        }
    }
}
