//! 监控发现: the findings in scope (officers and auditors the region's, institution staff their
//! own) filtered by status, rule and month; the monthly analysis started and followed; one
//! finding with its evidence and records, the institution's answer form and the officer's
//! decision form; the findings report by rule, institution, county or month, and its CSV.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use dioxus::prelude::*;
use ltci_shared::api::supervision::{
    AnswerFinding, DecideFinding, FindingDecision, FindingFilter, FindingStatus, Moment, MonitorRequest, MonitorRun,
    ReportFilter, ReportGroup, Rule,
};
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use serde::Deserialize;
use uuid::Uuid;

use super::bills::institution_names;
use crate::auth::Permission;
use crate::console::error::PageResult;
use crate::console::html::{self, Notice, Page};
use crate::console::session::{Ctx, Posted};
use crate::console::{format, labels};
use crate::entities::enum_to_db;
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::supervision::{analysis, findings, report};

const PAGE_SIZE: u64 = 50;

const DONE: [fn() -> Text; 2] = [m::ui_done_finding_answered, m::ui_done_finding_decided];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    moment: Option<String>,
    rule: Option<String>,
    month: Option<String>,
    /// One institution's (from the supervision dashboard).
    institution: Option<String>,
    offset: Option<u64>,
}

/// The findings in scope, open first by default, 50 a page; officers start the analysis here.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    render_list(&state, &ctx, &q, Notice::default()).await
}

async fn render_list(state: &AppState, ctx: &Ctx, q: &ListQuery, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let status: Option<FindingStatus> = match q.status.as_deref() {
        None => Some(FindingStatus::Open),
        Some("") => None,
        Some(_) => html::choice(&q.status),
    };
    let rule: Option<Rule> = html::choice(&q.rule);
    let moment: Option<Moment> = html::choice(&q.moment);
    let month = q.month.clone().filter(|m| !m.trim().is_empty());
    let institution_id: Option<Uuid> = q.institution.as_deref().and_then(|i| i.parse().ok());
    let filter = FindingFilter { status, rule, moment, month: month.clone(), institution_id, ..Default::default() };
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = findings::list(state, a, filter, page).await?;
    let names = institution_names(state, ctx, found.items.iter().filter_map(|f| f.institution_id).collect()).await?;
    let runs = match a.can(Permission::RunMonitoring) {
        true => analysis::list(state, a, PageRequest { limit: 1, offset: 0 }).await?.items,
        false => Vec::new(),
    };
    let status_code = status.map(|s| enum_to_db(&s)).unwrap_or_default();
    let rule_code = rule.map(|r| enum_to_db(&r));
    let moment_code = moment.map(|r| enum_to_db(&r));
    let query = html::query_of(&[
        ("status", &Some(status_code.clone())),
        ("moment", &moment_code),
        ("rule", &rule_code),
        ("month", &month),
        ("institution", &q.institution),
    ]);
    let last_month = format::last_month(ctx.actor.today);
    let body = rsx! {
        if a.can(Permission::RunMonitoring) {
            form { class: "row no-print", method: "post", action: "/findings/analyse",
                {html::csrf(ctx)}
                label { r#for: "analyse-month", {m::ui_month().render(l)} }
                input { id: "analyse-month", r#type: "month", name: "month", value: "{last_month}", required: true }
                button { r#type: "submit", {m::ui_run_analysis().render(l)} }
                span { class: "muted", {m::ui_run_analysis_hint().render(l)} }
            }
            if let Some(r) = runs.first() {
                p { class: "muted",
                    a { href: "/findings/runs/{r.id}", {m::ui_latest_run(format::month_text(l, &r.month), run_state(ctx, r)).render(l)} }
                }
            }
        }
        form { class: "filters", method: "get", action: "/findings",
            if let Some(i) = institution_id { input { r#type: "hidden", name: "institution", value: "{i}" } }
            label { r#for: "f-status", {m::ui_status().render(l)} }
            select { id: "f-status", name: "status", "data-autosubmit": "true",
                option { value: "", selected: status.is_none(), {m::ui_any().render(l)} }
                for s in FindingStatus::ALL {
                    option { value: enum_to_db(&s), selected: status == Some(s), {s.text().render(l)} }
                }
            }
            label { r#for: "f-moment", {m::ui_moment().render(l)} }
            select { id: "f-moment", name: "moment", "data-autosubmit": "true",
                option { value: "", {m::ui_any().render(l)} }
                for x in Moment::ALL {
                    option { value: enum_to_db(&x), selected: moment == Some(x), {x.text().render(l)} }
                }
            }
            label { r#for: "f-rule", {m::ui_rule().render(l)} }
            select { id: "f-rule", name: "rule", "data-autosubmit": "true",
                option { value: "", {m::ui_any().render(l)} }
                for r in Rule::ALL.into_iter().filter(|r| moment.is_none_or(|x| r.moment() == x)) {
                    option { value: enum_to_db(&r), selected: rule == Some(r), {r.text().render(l)} }
                }
            }
            label { r#for: "f-month", {m::ui_month().render(l)} }
            input { id: "f-month", r#type: "month", name: "month", value: month.clone().unwrap_or_default() }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {m::ui_rule().render(l)} }
                th { scope: "col", {m::ui_moment().render(l)} }
                th { scope: "col", {m::ui_severity().render(l)} }
                th { scope: "col", {m::ui_day().render(l)} }
                th { scope: "col", {m::ui_institution().render(l)} }
                th { scope: "col", {m::ui_summary().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
            } }
            tbody {
                for f in found.items.iter() {
                    tr {
                        td { a { href: "/findings/{f.id}", "{f.rule_name}" } }
                        td { {f.moment.text().render(l)} }
                        td { {f.severity.text().render(l)} }
                        td { {format::day(f.occurred_on)} }
                        td { {f.institution_id.and_then(|i| names.get(&i).cloned()).unwrap_or_default()} }
                        td { "{f.summary}" }
                        td {
                            {f.status.text().render(l)}
                            if f.answer.is_some() && f.status == FindingStatus::Open { " · " {m::ui_finding_answered().render(l)} }
                        }
                    }
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/findings", &query, found.offset, found.limit, found.total)}
        p { a { href: "/findings/report", {m::ui_findings_report().render(l)} } }
    };
    Ok(html::respond(ctx, Page::new("/findings", m::ui_monitor_findings().render(l), body).with_notice(notice)))
}

fn run_state(ctx: &Ctx, r: &MonitorRun) -> String {
    let l = ctx.lang;
    match (&r.finished_at, &r.failure) {
        (None, _) => m::ui_run_running().render(l),
        (Some(_), Some(code)) => m::ui_run_failed(code).render(l),
        (Some(at), None) => m::ui_run_finished(format::at(*at, ctx.tz)).render(l),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MonthForm {
    #[serde(default)]
    month: String,
}

/// Starts the monthly analysis in the background and shows its progress.
pub async fn analyse(State(state): State<AppState>, posted: Posted<MonthForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    match analysis::start(&state, &ctx.actor, MonitorRequest { month: form.month.clone() }).await {
        Ok(run) => Ok(Redirect::to(&format!("/findings/runs/{}", run.id)).into_response()),
        Err(e) => {
            let q = ListQuery::default();
            html::refused_on_page(e, ctx.lang, |n| render_list(&state, &ctx, &q, n)).await
        }
    }
}

/// A run's stage and progress, reloading itself until it is finished; then what each rule found.
pub async fn run(ctx: Ctx, State(state): State<AppState>, Path(id): Path<Uuid>) -> PageResult {
    let l = ctx.lang;
    let r = analysis::get(&state, &ctx.actor, id).await?;
    let by = crate::audit::usernames(&state.db, ctx.actor.region_id, &[r.started_by]).await?;
    let running = r.finished_at.is_none();
    let stage = match r.stage.as_str() {
        "reading" => m::stage_reading(),
        "checking" => m::stage_analysing(),
        _ => m::stage_recording(),
    };
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_started_at().render(l)} } dd { {format::at(r.started_at, ctx.tz)} }
            dt { {m::ui_started_by().render(l)} } dd { {by.get(&r.started_by).cloned().unwrap_or_default()} }
            dt { {m::ui_progress().render(l)} }
            dd {
                if running { {stage.render(l)} " " }
                progress { value: "{r.done}", max: "{r.total.max(1)}" }
                " {r.done} / {r.total}"
            }
            dt { {m::ui_status().render(l)} } dd { {run_state(&ctx, &r)} }
        }
        if let Some(rep) = &r.report {
            p { {m::monitor_summary(rep.visits, rep.bed_days, rep.lapsed).render(l)} }
            table {
                thead { tr {
                    th { scope: "col", {m::ui_rule().render(l)} }
                    th { scope: "col", class: "num", {m::ui_found().render(l)} }
                    th { scope: "col", class: "num", {m::ui_new().render(l)} }
                } }
                tbody {
                    for c in rep.rules.iter() {
                        tr {
                            td { a { href: "/findings?status=&rule={enum_to_db(&c.rule)}&month={r.month}", {c.rule.text().render(l)} } }
                            td { class: "num", "{c.found}" }
                            td { class: "num", "{c.new}" }
                        }
                    }
                }
            }
            if rep.rules.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        }
        p { a { href: "/findings?status=&month={r.month}", {m::ui_monitor_findings().render(l)} " · " {format::month_text(l, &r.month)} } }
    };
    let title = m::monitor_heading(format::month_text(l, &r.month)).render(l);
    let mut page = Page::new("/findings", title, body).under(m::ui_monitor_findings().render(l), "/findings");
    if running {
        page = page.refreshing(2);
    }
    Ok(html::respond(&ctx, page))
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// One finding: what was found, its evidence and records, the answer and the decision.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render(&state, &ctx, id, notice).await
}

async fn render(state: &AppState, ctx: &Ctx, id: Uuid, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let f = findings::get(state, a, id).await?;
    let names = institution_names(state, ctx, f.institution_id.into_iter().collect()).await?;
    let open = f.status == FindingStatus::Open;
    let answers = open && f.answer.is_none() && a.can(Permission::AnswerFindings);
    let decides = open && a.can(Permission::DecideFindings);
    let evidence: Vec<(String, String)> = f
        .evidence
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect())
        .unwrap_or_default();
    let default_points = f.severity.default_points();
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_rule().render(l)} } dd { "{f.rule_name}" " · " code { {enum_to_db(&f.rule)} } }
            dt { {m::ui_severity().render(l)} } dd { {f.severity.text().render(l)} " · " {f.moment.text().render(l)} }
            dt { {m::ui_status().render(l)} } dd { {f.status.text().render(l)} }
            dt { {m::ui_day().render(l)} } dd { {format::day(f.occurred_on)} " · " {format::month_text(l, &f.month)} }
            if let Some(i) = f.institution_id {
                dt { {m::ui_institution().render(l)} }
                dd { a { href: "/institutions/{i}", {names.get(&i).cloned().unwrap_or_default()} } }
            }
            if let Some(c) = f.caregiver_id {
                dt { {m::ui_caregiver().render(l)} } dd { a { href: "/caregivers/{c}", {m::ui_view().render(l)} } }
            }
            if let Some(p) = f.insured_person_id {
                dt { {m::ui_person().render(l)} } dd { a { href: "/persons/{p}", {m::ui_view().render(l)} } }
            }
            dt { {m::ui_summary().render(l)} } dd { "{f.summary}" }
        }
        h2 { {m::ui_finding_evidence().render(l)} }
        table {
            tbody {
                for (k, v) in evidence.iter() {
                    tr {
                        th { scope: "row",
                            if let Some(name) = labels::evidence(k) { {name.render(l)} " " }
                            code { class: "muted", "{k}" }
                        }
                        td { "{v}" }
                    }
                }
            }
        }
        if !f.records.is_empty() {
            h2 { {m::ui_records().render(l)} }
            table {
                thead { tr {
                    th { scope: "col", {m::ui_day().render(l)} }
                    th { scope: "col", {m::ui_finding_record().render(l)} }
                    th { scope: "col", {m::ui_affected().render(l)} }
                } }
                tbody {
                    for r in f.records.iter() {
                        tr {
                            td { {format::day(r.service_on)} }
                            td {
                                match r.source.as_str() {
                                    "visit" => rsx! { a { href: "/visits/{r.source_id}", {m::ui_visit_record().render(l)} } },
                                    "plan" => rsx! { a { href: "/plans/{r.source_id}", {m::ui_plan_record().render(l)} } },
                                    _ => rsx! { a { href: "/stays/{r.source_id}", {m::ui_stay_record().render(l)} } },
                                }
                            }
                            td { if r.affected { {m::ui_affected_yes().render(l)} } }
                        }
                    }
                }
            }
        }
        h2 { {m::ui_finding_answer().render(l)} }
        if let Some(text) = &f.answer {
            p { "{text}" }
            if let Some(at) = f.answered_at { p { class: "muted", {format::at(at, ctx.tz)} } }
        } else if answers {
            form { method: "post", action: "/findings/{f.id}/answer",
                {html::csrf(ctx)}
                label { r#for: "answer-text", {m::ui_finding_answer_hint().render(l)} }
                textarea { id: "answer-text", name: "text", required: true, maxlength: "1000", rows: "4" }
                button { r#type: "submit", {m::ui_answer_finding().render(l)} }
            }
        } else {
            p { class: "muted", {m::ui_no_answer().render(l)} }
        }
        h2 { {m::ui_decision().render(l)} }
        if let Some(why) = &f.decision_reason {
            p { {f.status.text().render(l)} "：" "{why}" }
            if let Some(at) = f.decided_at { p { class: "muted", {format::at(at, ctx.tz)} } }
            if f.status == FindingStatus::Confirmed {
                p { {m::ui_finding_money(format::yuan(f.deducted), format::yuan(f.recovered)).render(l)} }
                if let Some(c) = f.caregiver_id.filter(|_| a.can(Permission::ManageSanctions)) {
                    p { a { href: "/caregivers/{c}?finding={f.id}#sanction", {m::ui_sanction_from_finding().render(l)} } }
                }
                if let Some(i) = f.institution_id.filter(|_| a.can(Permission::ManageSanctions)) {
                    p { a { href: "/institutions/{i}?finding={f.id}#sanction", {m::ui_sanction_rep_from_finding().render(l)} } }
                }
            }
        } else if decides {
            form { method: "post", action: "/findings/{f.id}/decide",
                {html::csrf(ctx)}
                fieldset {
                    legend { {m::ui_decision().render(l)} }
                    label { input { r#type: "radio", name: "decision", value: "confirmed", required: true } " " {m::ui_confirm_finding().render(l)} }
                    label { input { r#type: "radio", name: "decision", value: "dismissed" } " " {m::ui_dismiss_finding().render(l)} }
                }
                label { r#for: "decide-reason", {m::ui_reason().render(l)} }
                textarea { id: "decide-reason", name: "reason", required: true, maxlength: "1000", rows: "3" }
                label { r#for: "decide-points", {m::ui_finding_points().render(l)} }
                input { id: "decide-points", r#type: "number", name: "points", min: "0", max: "1000", value: "{default_points}" }
                label { input { r#type: "checkbox", name: "serious", value: "1" } " " {m::ui_serious_hint().render(l)} }
                p { class: "muted", {m::ui_confirm_finding_hint().render(l)} }
                button { r#type: "submit", {m::ui_decide().render(l)} }
            }
        } else {
            p { class: "muted", {m::ui_not_decided().render(l)} }
        }
    };
    let title = format!("{} · {}", m::ui_finding().render(l), f.rule_name);
    let page = Page::new("/findings", title, body)
        .under(m::ui_monitor_findings().render(l), "/findings")
        .with_notice(notice)
        .with_history("finding", f.id);
    Ok(html::respond(ctx, page))
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    text: String,
}

/// The institution's answer, back to the finding.
pub async fn answer(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<AnswerForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    match findings::answer(&state, &ctx.actor, id, AnswerFinding { text: form.text }).await {
        Ok(_) => Ok(html::done_at(&format!("/findings/{id}"), m::ui_done_finding_answered())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, id, n)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    serious: Option<String>,
}

/// An officer's decision, back to the finding.
pub async fn decide(State(state): State<AppState>, Path(id): Path<Uuid>, posted: Posted<DecideForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let decision = match form.decision.as_str() {
        "confirmed" => Some(FindingDecision::Confirmed),
        "dismissed" => Some(FindingDecision::Dismissed),
        _ => None,
    };
    let done = match decision {
        Some(decision) => {
            let req = DecideFinding {
                decision,
                reason: form.reason,
                points: form.points.trim().parse().ok(),
                serious: form.serious.is_some(),
            };
            findings::decide(&state, &ctx.actor, id, req).await
        }
        None => Err(ApiError::invalid_field("decision", "required", m::ui_choose_decision())),
    };
    match done {
        Ok(_) => Ok(html::done_at(&format!("/findings/{id}"), m::ui_done_finding_decided())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, id, n)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    group_by: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl ReportQuery {
    fn filter(&self) -> ReportFilter {
        let month = |v: &Option<String>| v.clone().filter(|m| !m.trim().is_empty());
        ReportFilter {
            group_by: html::choice(&self.group_by).unwrap_or_default(),
            from: month(&self.from),
            to: month(&self.to),
        }
    }
}

const GROUPS: [ReportGroup; 4] = [ReportGroup::Rule, ReportGroup::Institution, ReportGroup::County, ReportGroup::Month];

fn group_text(g: ReportGroup) -> Text {
    match g {
        ReportGroup::Rule => m::col_finding_rule(),
        ReportGroup::Institution => m::col_report_institution(),
        ReportGroup::County => m::col_report_county(),
        ReportGroup::Month => m::col_report_month(),
    }
}

/// The findings report, grouped as chosen, with its CSV.
pub async fn report_page(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ReportQuery>) -> PageResult {
    let l = ctx.lang;
    let f = q.filter();
    let r = report::report(&state, &ctx.actor, &f).await?;
    let group = enum_to_db(&f.group_by);
    let query = html::query_of(&[("group_by", &Some(group.clone())), ("from", &f.from), ("to", &f.to)]);
    let body = rsx! {
        form { class: "filters", method: "get", action: "/findings/report",
            label { r#for: "r-group", {m::ui_group_by().render(l)} }
            select { id: "r-group", name: "group_by", "data-autosubmit": "true",
                for g in GROUPS {
                    option { value: enum_to_db(&g), selected: g == f.group_by, {group_text(g).render(l)} }
                }
            }
            label { r#for: "r-from", {m::ui_from_month().render(l)} }
            input { id: "r-from", r#type: "month", name: "from", value: f.from.clone().unwrap_or_default() }
            label { r#for: "r-to", {m::ui_to_month().render(l)} }
            input { id: "r-to", r#type: "month", name: "to", value: f.to.clone().unwrap_or_default() }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        table {
            thead { tr {
                th { scope: "col", {group_text(f.group_by).render(l)} }
                th { scope: "col", class: "num", {m::col_findings_open().render(l)} }
                th { scope: "col", class: "num", {m::col_findings_confirmed().render(l)} }
                th { scope: "col", class: "num", {m::col_findings_dismissed().render(l)} }
                th { scope: "col", class: "num", {m::col_finding_deducted().render(l)} }
                th { scope: "col", class: "num", {m::col_finding_recovered().render(l)} }
            } }
            tbody {
                for x in r.rows.iter().chain([&r.total]) {
                    tr {
                        th { scope: "row", "{x.label}" }
                        td { class: "num", "{x.open}" }
                        td { class: "num", "{x.confirmed}" }
                        td { class: "num", "{x.dismissed}" }
                        td { class: "num", {format::yuan(x.deducted)} }
                        td { class: "num", {format::yuan(x.recovered)} }
                    }
                }
            }
        }
        p { a { href: "/findings/report.csv?{query}", {m::ui_download_report_csv().render(l)} } }
    };
    let page = Page::new("/findings", m::ui_findings_report().render(l), body)
        .under(m::ui_monitor_findings().render(l), "/findings");
    Ok(html::respond(&ctx, page))
}

/// The findings report as CSV, as the API answers it.
pub async fn report_csv(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<ReportQuery>,
) -> Result<axum::response::Response, crate::console::error::Refusal> {
    let (name, body) = report::csv(&state, &ctx.actor, &q.filter()).await?;
    let mut resp = crate::http::download::csv_response(&name, body);
    html::secure_headers(resp.headers_mut());
    Ok(resp)
}

/// The open warnings before care (事前提醒) about a plan or a caregiver, each leading to its
/// finding; nothing for a reader who may not read findings.
pub async fn warnings_before(state: &AppState, ctx: &Ctx, filter: FindingFilter) -> Result<Element, ApiError> {
    let l = ctx.lang;
    if !ctx.actor.can(Permission::ReadFindings) {
        return Ok(rsx! {});
    }
    let filter = FindingFilter { status: Some(FindingStatus::Open), moment: Some(Moment::Before), ..filter };
    let found = findings::list(state, &ctx.actor, filter, PageRequest { limit: PAGE_SIZE, offset: 0 }).await?.items;
    if found.is_empty() {
        return Ok(rsx! {});
    }
    Ok(rsx! {
        section { class: "warnings", id: "warnings-before",
            h2 { {m::ui_warnings_before().render(l)} }
            p { class: "muted", {m::ui_warnings_before_hint().render(l)} }
            ul {
                for f in found.iter() {
                    li { class: "notice warning",
                        a { href: "/findings/{f.id}", "{f.rule_name}" }
                        " · {f.summary}"
                    }
                }
            }
        }
    })
}
