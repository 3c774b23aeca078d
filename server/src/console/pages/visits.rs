//! 上门服务: visits by day, caregiver, person and state with their verification; a visit's page
//! with its event stream (check-in and check-out times and distance from the registered address,
//! items done or not with reasons, notes, corrections) and the corrections staff make; and the
//! exception queue (异常处理) — waiting for review, missed check-ins and check-outs, unscheduled
//! visits to link — each item worked in place. Every action is a correction through the
//! function the API calls: who, when, the reason and the resolution are kept, nothing deleted.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use dioxus::prelude::*;
use ltci_shared::api::care::{
    CorrectionReason, CorrectionRequest, NotDeliveredReason, Position, QueueKind, QueueQuery, RecordedEvent,
    ResolutionCode, Severity, Visit, VisitEventBody, VisitFilter, VisitKind, VisitState,
};
use ltci_shared::api::workforce::{CaregiverFilter, CaregiverStatus};
use ltci_shared::geo::{Point, distance_m};
use ltci_shared::messages as m;
use ltci_shared::text::{Lang, Text};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::{PageResult, Refusal};
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::labels;
use crate::console::session::{Ctx, Posted};
use crate::entities::enum_to_db;
use crate::http::error::ApiError;
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::workforce::caregivers;
use crate::{audit, care, registry};

const PAGE_SIZE: u64 = 50;
const STATES: [VisitState; 7] = [
    VisitState::Scheduled,
    VisitState::InProgress,
    VisitState::Completed,
    VisitState::Verified,
    VisitState::NeedsReview,
    VisitState::Rejected,
    VisitState::Missed,
];
const REASONS: [CorrectionReason; 5] = [
    CorrectionReason::ForgotToCheck,
    CorrectionReason::DeviceClockWrong,
    CorrectionReason::GpsDrift,
    CorrectionReason::ServedElsewhere,
    CorrectionReason::Other,
];
const RESOLUTIONS: [ResolutionCode; 4] = [
    ResolutionCode::ConfirmedByBeneficiary,
    ResolutionCode::ConfirmedBySupervisor,
    ResolutionCode::DocumentationProvided,
    ResolutionCode::NotConfirmed,
];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    day: Option<String>,
    caregiver: Option<String>,
    person: Option<String>,
    state: Option<String>,
    offset: Option<u64>,
}

/// Visits by day (today unless another is chosen), caregiver, person and state.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let day = match q.day.as_deref() {
        None => Some(a.today),
        Some(text) => html::day_of("day", text)?,
    };
    let caregiver: Option<Uuid> = q.caregiver.as_deref().and_then(|c| c.parse().ok());
    let person: Option<Uuid> = q.person.as_deref().and_then(|p| p.parse().ok());
    let filter = VisitFilter {
        caregiver_id: caregiver,
        insured_person_id: person,
        state: html::choice(&q.state),
        from: day,
        to: day,
    };
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found = care::visits::list(&state, a, filter, page).await?;
    let names = Names::of(&state, &ctx, &found.items).await?;
    let carers = caregiver_choices(&state, &ctx).await?;
    let day_text = day.map(format::day).unwrap_or_default();
    let query = html::query_of(&[
        ("day", &Some(day_text.clone())),
        ("caregiver", &q.caregiver),
        ("person", &q.person),
        ("state", &q.state),
    ]);
    let chosen_state: Option<VisitState> = html::choice(&q.state);
    let chosen_carer = q.caregiver.clone().unwrap_or_default();
    let body = rsx! {
        p { a { href: "/visits/exceptions", {m::ui_exception_queue().render(l)} } }
        form { class: "filters", method: "get", action: "/visits",
            div { class: "field",
                label { r#for: "f-day", {m::ui_day().render(l)} }
                input { id: "f-day", r#type: "date", name: "day", value: "{day_text}" }
            }
            div { class: "field",
                label { r#for: "f-caregiver", {m::ui_caregiver().render(l)} }
                select { id: "f-caregiver", name: "caregiver", "data-autosubmit": "true",
                    option { value: "", {m::ui_all_caregivers().render(l)} }
                    for (id, name) in carers.iter() {
                        option { value: "{id}", selected: *id == chosen_carer, "{name}" }
                    }
                }
            }
            div { class: "field",
                label { r#for: "f-state", {m::ui_status().render(l)} }
                select { id: "f-state", name: "state", "data-autosubmit": "true",
                    option { value: "", {m::ui_any().render(l)} }
                    for s in STATES {
                        option { value: enum_to_db(&s), selected: chosen_state == Some(s), {labels::visit_state(s).render(l)} }
                    }
                }
            }
            if let Some(p) = &q.person { input { r#type: "hidden", name: "person", value: "{p}" } }
            button { r#type: "submit", {m::ui_search().render(l)} }
        }
        {visit_table(l, &ctx, &found.items, &names)}
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        {html::pager(l, "/visits", &query, found.offset, found.limit, found.total)}
    };
    Ok(html::respond(&ctx, Page::new("/visits", m::ui_visits().render(l), body)))
}

/// The names a list of visits shows: people and caregivers, one query each.
#[derive(Debug, Default)]
pub(super) struct Names {
    people: HashMap<Uuid, String>,
    carers: HashMap<Uuid, String>,
}

impl Names {
    pub(super) async fn of(state: &AppState, ctx: &Ctx, visits: &[Visit]) -> Result<Names, Refusal> {
        let a = &ctx.actor;
        let people: Vec<Uuid> = visits.iter().map(|v| v.insured_person_id).collect();
        let carers: Vec<Uuid> = visits.iter().map(|v| v.caregiver_id).collect();
        Ok(Names {
            people: registry::persons::names(state, a, &people).await?.into_iter().collect(),
            carers: if a.can(Permission::ReadCaregivers) {
                caregivers::names(state, a, &carers).await?
            } else {
                HashMap::new()
            },
        })
    }
}

/// The institution's active caregivers by name, for the filter (the first 200).
async fn caregiver_choices(state: &AppState, ctx: &Ctx) -> Result<Vec<(String, String)>, Refusal> {
    if !ctx.actor.can(Permission::ReadCaregivers) {
        return Ok(Vec::new());
    }
    let filter = CaregiverFilter { status: Some(CaregiverStatus::Active), ..CaregiverFilter::default() };
    let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
    let found = caregivers::list(state, &ctx.actor, filter, page).await?;
    Ok(found.items.into_iter().map(|c| (c.id.to_string(), c.name)).collect())
}

fn kind_text(v: &Visit) -> Text {
    match (v.kind, v.unscheduled_reason) {
        (VisitKind::Unscheduled, Some(r)) => m::ui_kind_unscheduled(labels::unscheduled_reason(r)),
        (VisitKind::Unscheduled, None) => m::ui_kind_unscheduled(m::ui_unscheduled_other()),
        (VisitKind::Scheduled, _) => m::ui_kind_scheduled(),
    }
}

fn times(ctx: &Ctx, v: &Visit) -> String {
    let at = |t: Option<DateTime<Utc>>| t.map(|t| t.with_timezone(&ctx.tz).format("%H:%M").to_string());
    match (at(v.checked_in_at), at(v.checked_out_at)) {
        (None, None) => String::new(),
        (i, o) => format!("{} – {}", i.unwrap_or_default(), o.unwrap_or_default()),
    }
}

pub(super) fn visit_table(l: Lang, ctx: &Ctx, visits: &[Visit], names: &Names) -> Element {
    rsx! {
        if !visits.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_day().render(l)} }
                    th { scope: "col", {m::ui_person().render(l)} }
                    th { scope: "col", {m::ui_caregiver().render(l)} }
                    th { scope: "col", {m::ui_plan_items().render(l)} }
                    th { scope: "col", {m::ui_checked_in_out().render(l)} }
                    th { scope: "col", {m::ui_status().render(l)} }
                    th { scope: "col", {m::ui_findings().render(l)} }
                } }
                tbody {
                    for v in visits.iter() {
                        tr {
                            td { a { href: "/visits/{v.id}", {format::day(v.scheduled_on)} } br {} span { class: "muted", {kind_text(v).render(l)} } }
                            td { {names.people.get(&v.insured_person_id).cloned().unwrap_or_default()} }
                            td { {names.carers.get(&v.caregiver_id).cloned().unwrap_or_default()} }
                            td { {items_text(v)} }
                            td { {times(ctx, v)} }
                            td { span { class: "state", {labels::visit_state(v.state).render(l)} } }
                            td {
                                for x in v.exceptions.iter().filter(|x| x.severity != Severity::Info) {
                                    div { class: if x.severity == Severity::Block { "bad" } else { "warn" }, "{x.message}" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn items_text(v: &Visit) -> String {
    v.planned_items
        .iter()
        .map(|i| if i.times > 1 { format!("{}×{}", i.code, i.times) } else { i.code.clone() })
        .collect::<Vec<_>>()
        .join("、")
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

const DONE: [fn() -> Text; 4] = [m::ui_done_corrected, m::ui_done_closed, m::ui_done_decided, m::ui_done_linked];

/// One visit: its facts, findings, event stream and the corrections staff may make.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render(&state, &ctx, id, notice).await
}

/// What a correction form sends. `action` says which: `resolve` (a finding), `times`, `close`
/// (not delivered), `decide` (the whole visit), `link` (an unscheduled visit replaced the day's
/// scheduled one: the scheduled visit is closed, naming it).
#[derive(Debug, Default, Deserialize)]
pub struct CorrectionForm {
    /// Made with the form, so the same form sent twice is one correction.
    #[serde(default)]
    correction_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    exception: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    check_in_at: String,
    #[serde(default)]
    check_out_at: String,
    #[serde(default)]
    not_delivered: String,
    #[serde(default)]
    replaced_by: String,
    #[serde(default)]
    note: String,
    /// The page to go back to: the exception queue or the visit.
    #[serde(default)]
    back: String,
}

impl CorrectionForm {
    /// A local time of the region from an `<input type="datetime-local">`; none when empty.
    fn local_time(&self, ctx: &Ctx, field: &str, text: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || ApiError::invalid_field(field, "invalid_format", m::ui_invalid_time());
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").map_err(|_| bad())?;
        ctx.tz.from_local_datetime(&naive).earliest().map(|t| Some(t.with_timezone(&Utc))).ok_or_else(bad)
    }

    fn request(&self, ctx: &Ctx) -> Result<CorrectionRequest, ApiError> {
        let reason = html::choice(&Some(self.reason.clone())).unwrap_or(CorrectionReason::Other);
        let mut req = CorrectionRequest {
            id: self.correction_id.parse().unwrap_or_else(|_| Uuid::now_v7()),
            reason,
            exception: None,
            resolution: None,
            check_in_at: None,
            check_out_at: None,
            note: Some(self.note.trim().to_owned()).filter(|n| !n.is_empty()),
            not_delivered: None,
            replaced_by: None,
        };
        let resolution = || html::required_choice::<ResolutionCode>("resolution", &self.resolution);
        match self.action.as_str() {
            "resolve" => {
                req.exception = html::choice(&Some(self.exception.clone()));
                req.resolution = Some(resolution()?);
            }
            "decide" => req.resolution = Some(resolution()?),
            "times" => {
                req.check_in_at = self.local_time(ctx, "check_in_at", &self.check_in_at)?;
                req.check_out_at = self.local_time(ctx, "check_out_at", &self.check_out_at)?;
            }
            "close" => {
                req.not_delivered = Some(html::required_choice("not_delivered", &self.not_delivered)?);
            }
            "link" => {
                req.not_delivered = Some(NotDeliveredReason::ReplacedByUnscheduled);
                req.replaced_by = Some(self.replaced_by.parse().unwrap_or_default());
            }
            _ => return Err(html::missing("action")),
        }
        Ok(req)
    }

    fn done(&self) -> Text {
        match self.action.as_str() {
            "close" => m::ui_done_closed(),
            "decide" => m::ui_done_decided(),
            "link" => m::ui_done_linked(),
            _ => m::ui_done_corrected(),
        }
    }

    /// Where to go after the step: the queue (any of its tabs) or the visit's page.
    fn back_to(&self, id: Uuid) -> String {
        if self.back.starts_with("/visits/exceptions") && !self.back.contains("//") {
            self.back.clone()
        } else {
            format!("/visits/{id}")
        }
    }
}

/// Records a correction on the visit (from its page or the exception queue).
pub async fn correct(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    posted: Posted<CorrectionForm>,
) -> PageResult {
    let Posted { ctx, form } = posted;
    let done = async {
        let req = form.request(&ctx)?;
        care::events::correct(&state, &ctx.actor, id, req).await
    }
    .await;
    match done {
        Ok(_) => Ok(html::done_at(&form.back_to(id), form.done())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, id, n)).await,
    }
}

fn position_text(l: Lang, p: &Position, home: Option<Point>) -> String {
    match p {
        Position::Gps { latitude, longitude, accuracy_m, .. } => {
            let at = m::ui_position(format!("{latitude:.5}"), format!("{longitude:.5}"), format!("{accuracy_m:.0}"));
            let mut text = at.render(l);
            if let Some(home) = home {
                let d = distance_m(home, Point { latitude: *latitude, longitude: *longitude });
                text.push('；');
                text.push_str(&m::ui_from_home(format!("{d:.0}")).render(l));
            }
            text
        }
        Position::Unavailable { reason } => m::ui_no_position(reason.text()).render(l),
    }
}

/// What an event says, for people.
fn event_text(ctx: &Ctx, e: &RecordedEvent, home: Option<Point>) -> (Text, String) {
    let l = ctx.lang;
    let at = |t: &DateTime<Utc>| format::at(*t, ctx.tz);
    match &e.body {
        VisitEventBody::CheckIn { position, .. } => (m::ui_ev_check_in(), position_text(l, position, home)),
        VisitEventBody::CheckOut { position, .. } => (m::ui_ev_check_out(), position_text(l, position, home)),
        VisitEventBody::Task { item, done, reason, .. } => {
            let what = match (done, reason) {
                (true, _) => m::ui_done().render(l),
                (false, Some(r)) => m::ui_not_done(labels::not_done(*r)).render(l),
                (false, None) => m::ui_not_done(m::ui_not_done_other()).render(l),
            };
            (m::ui_ev_task(), format!("{item}：{what}"))
        }
        VisitEventBody::Note { text, .. } => (m::ui_ev_note(), text.clone()),
        VisitEventBody::Correction {
            reason,
            exception,
            resolution,
            check_in_at,
            check_out_at,
            note,
            not_delivered,
            replaced_by,
            ..
        } => {
            let mut parts = vec![labels::correction_reason(*reason).render(l)];
            if check_in_at.is_some() || check_out_at.is_some() {
                let show = |t: &Option<DateTime<Utc>>| t.as_ref().map(at).unwrap_or_else(|| "—".into());
                parts.push(m::ui_corrected_times(show(check_in_at), show(check_out_at)).render(l));
            }
            match (exception, resolution) {
                (Some(x), Some(r)) => parts.push(format!(
                    "{} → {}",
                    labels::exception_code(*x).render(l),
                    labels::resolution(*r).render(l)
                )),
                (None, Some(r)) => parts.push(m::ui_decision_on_visit(labels::resolution(*r)).render(l)),
                _ => {}
            }
            if let Some(r) = not_delivered {
                parts.push(m::ui_not_delivered_because(r.text()).render(l));
            }
            if let Some(u) = replaced_by {
                parts.push(format!("{} {u}", m::ui_replaced_by().render(l)));
            }
            if let Some(n) = note {
                parts.push(n.clone());
            }
            (m::ui_ev_correction(), parts.join("；"))
        }
    }
}

/// A `datetime-local` value in the region's zone.
fn local_input(ctx: &Ctx, t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.with_timezone(&ctx.tz).format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
}

fn reason_select(l: Lang, id: &str, chosen: CorrectionReason) -> Element {
    rsx! {
        label { r#for: "{id}", {m::ui_correction_reason().render(l)} }
        select { id: "{id}", name: "reason",
            for r in REASONS {
                option { value: enum_to_db(&r), selected: r == chosen, {labels::correction_reason(r).render(l)} }
            }
        }
    }
}

fn not_delivered_select(l: Lang, id: &str) -> Element {
    rsx! {
        label { r#for: "{id}", {m::ui_not_delivered_reason().render(l)} }
        select { id: "{id}", name: "not_delivered", required: true,
            for r in NotDeliveredReason::ALL.into_iter().filter(|r| *r != NotDeliveredReason::ReplacedByUnscheduled) {
                option { value: enum_to_db(&r), {r.text().render(l)} }
            }
        }
    }
}

fn note_input(l: Lang, id: &str) -> Element {
    rsx! {
        label { r#for: "{id}", {m::ui_notes().render(l)} }
        input { id: "{id}", name: "note", maxlength: "500" }
    }
}

async fn render(state: &AppState, ctx: &Ctx, id: Uuid, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let v = care::visits::get(state, a, id).await?;
    let events = care::visits::events(state, a, id).await?;
    let person = registry::persons::get(state, a, v.insured_person_id).await?;
    let home = match (person.address.latitude, person.address.longitude) {
        (Some(latitude), Some(longitude)) => Some(Point { latitude, longitude }),
        _ => None,
    };
    let names = Names::of(state, ctx, std::slice::from_ref(&v)).await?;
    let who: Vec<Uuid> = events.iter().map(|e| e.recorded_by).collect();
    let who = audit::usernames(&state.db, a.region_id, &who).await?;
    let reviews = a.can(Permission::ReviewVisits);
    let delivered = v.checked_in_at.is_some() || v.checked_out_at.is_some();
    let open_findings: Vec<_> =
        v.exceptions.iter().filter(|x| x.severity == Severity::Review && x.resolution.is_none()).cloned().collect();
    let minutes = match (v.checked_in_at, v.checked_out_at) {
        (Some(i), Some(o)) if o > i => Some((o - i).num_minutes()),
        _ => None,
    };
    let rows: Vec<(RecordedEvent, Text, String)> = events
        .into_iter()
        .map(|e| {
            let (what, detail) = event_text(ctx, &e, home);
            (e, what, detail)
        })
        .collect();
    let fresh = || Uuid::now_v7().to_string();
    let title = m::ui_visit_of(person.name.clone(), format::day(v.scheduled_on)).render(l);
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_person().render(l)} } dd { a { href: "/persons/{v.insured_person_id}", "{person.name}" } " · " {person.address.text.clone()} }
            dt { {m::ui_caregiver().render(l)} } dd { {names.carers.get(&v.caregiver_id).cloned().unwrap_or_default()} }
            dt { {m::ui_day().render(l)} } dd { {format::day(v.scheduled_on)} " · " {kind_text(&v).render(l)} }
            dt { {m::ui_plan_items().render(l)} } dd { {items_text(&v)} }
            dt { {m::ui_check_in().render(l)} } dd { {v.checked_in_at.map(|t| format::at(t, ctx.tz)).unwrap_or_else(|| "—".into())} }
            dt { {m::ui_check_out().render(l)} } dd { {v.checked_out_at.map(|t| format::at(t, ctx.tz)).unwrap_or_else(|| "—".into())} }
            if let Some(n) = minutes { dt { {m::ui_duration().render(l)} } dd { {m::ui_minutes(n).render(l)} } }
            dt { {m::ui_status().render(l)} } dd { span { class: "state", {labels::visit_state(v.state).render(l)} } }
        }
        if !v.tasks.is_empty() {
            h2 { {m::ui_tasks().render(l)} }
            ul {
                for t in v.tasks.iter() {
                    li {
                        code { "{t.item}" } " "
                        if t.done { {m::ui_done().render(l)} } else { {m::ui_not_done(t.reason.map(labels::not_done).unwrap_or_else(m::ui_not_done_other)).render(l)} }
                    }
                }
            }
        }
        if !v.exceptions.is_empty() {
            h2 { {m::ui_findings().render(l)} }
            ul {
                for x in v.exceptions.iter() {
                    li { class: if x.severity == Severity::Block { "bad" } else if x.severity == Severity::Review { "warn" } else { "" },
                        span { class: "state", {labels::severity(x.severity).render(l)} } " {x.message}"
                        if let Some(r) = x.resolution { " · " {m::ui_resolved_as(labels::resolution(r)).render(l)} }
                    }
                }
            }
        }
        h2 { {m::ui_events().render(l)} }
        table {
            thead { tr {
                th { scope: "col", {m::ui_event_at().render(l)} }
                th { scope: "col", {m::ui_event_what().render(l)} }
                th { scope: "col", {m::ui_event_detail().render(l)} }
                th { scope: "col", {m::ui_recorded().render(l)} }
            } }
            tbody {
                for (e, what, detail) in rows.iter() {
                    tr {
                        td { {format::at(e.body.at(), ctx.tz)} }
                        td { {what.render(l)} }
                        td { "{detail}" }
                        td { {who.get(&e.recorded_by).cloned().unwrap_or_default()} " · {e.device_id} · " {format::at(e.received_at, ctx.tz)} }
                    }
                }
            }
        }
        if rows.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        if reviews {
            for x in open_findings.iter() {
                form { class: "step no-print", method: "post", action: "/visits/{v.id}/correct",
                    h3 { {m::ui_resolve_finding(x.message.clone()).render(l)} }
                    {html::csrf(ctx)}
                    input { r#type: "hidden", name: "correction_id", value: fresh() }
                    input { r#type: "hidden", name: "action", value: "resolve" }
                    input { r#type: "hidden", name: "exception", value: enum_to_db(&x.code) }
                    div { class: "field",
                        label { r#for: "res-{enum_to_db(&x.code)}", {m::ui_resolution().render(l)} }
                        select { id: "res-{enum_to_db(&x.code)}", name: "resolution", required: true,
                            for r in RESOLUTIONS { option { value: enum_to_db(&r), {labels::resolution(r).render(l)} } }
                        }
                    }
                    div { class: "field", {reason_select(l, &format!("why-{}", enum_to_db(&x.code)), CorrectionReason::Other)} }
                    div { class: "field", {note_input(l, &format!("note-{}", enum_to_db(&x.code)))} }
                    button { r#type: "submit", {m::ui_resolve().render(l)} }
                }
            }
            form { class: "step no-print", method: "post", action: "/visits/{v.id}/correct",
                h3 { {m::ui_record_times().render(l)} " " span { class: "muted", {m::ui_time_in_zone().render(l)} } }
                {html::csrf(ctx)}
                input { r#type: "hidden", name: "correction_id", value: fresh() }
                input { r#type: "hidden", name: "action", value: "times" }
                div { class: if notice.field("check_in_at").is_some() { "field invalid" } else { "field" },
                    label { r#for: "f-check_in_at", {m::ui_check_in_at().render(l)} }
                    input { id: "f-check_in_at", r#type: "datetime-local", name: "check_in_at", value: local_input(ctx, v.checked_in_at) }
                    if let Some(w) = notice.field("check_in_at") { span { class: "why", "{w}" } }
                }
                div { class: if notice.field("check_out_at").is_some() { "field invalid" } else { "field" },
                    label { r#for: "f-check_out_at", {m::ui_check_out_at().render(l)} }
                    input { id: "f-check_out_at", r#type: "datetime-local", name: "check_out_at", value: local_input(ctx, v.checked_out_at) }
                    if let Some(w) = notice.field("check_out_at") { span { class: "why", "{w}" } }
                }
                div { class: "field", {reason_select(l, "why-times", CorrectionReason::ForgotToCheck)} }
                div { class: "field", {note_input(l, "note-times")} }
                button { r#type: "submit", {m::ui_record().render(l)} }
            }
            if !delivered && v.state != VisitState::Missed {
                form { class: "step no-print", method: "post", action: "/visits/{v.id}/correct",
                    h3 { {m::ui_close_not_delivered().render(l)} }
                    {html::csrf(ctx)}
                    input { r#type: "hidden", name: "correction_id", value: fresh() }
                    input { r#type: "hidden", name: "action", value: "close" }
                    div { class: "field", {not_delivered_select(l, "why-closed")} }
                    div { class: "field", {note_input(l, "note-closed")} }
                    button { r#type: "submit", class: "danger", {m::ui_close_not_delivered().render(l)} }
                }
            }
            if delivered {
                form { class: "step no-print", method: "post", action: "/visits/{v.id}/correct",
                    h3 { {m::ui_decide_visit().render(l)} }
                    {html::csrf(ctx)}
                    input { r#type: "hidden", name: "correction_id", value: fresh() }
                    input { r#type: "hidden", name: "action", value: "decide" }
                    div { class: "field",
                        label { r#for: "f-decision", {m::ui_resolution().render(l)} }
                        select { id: "f-decision", name: "resolution", required: true,
                            for r in RESOLUTIONS.into_iter().rev() { option { value: enum_to_db(&r), {labels::resolution(r).render(l)} } }
                        }
                    }
                    div { class: "field", {note_input(l, "note-decision")} }
                    button { r#type: "submit", class: "secondary", {m::ui_decide_visit().render(l)} }
                }
            }
        }
    };
    let page = Page::new("/visits", title, body).under(m::ui_visits().render(l), "/visits").with_notice(notice);
    Ok(html::respond(ctx, page))
}

#[derive(Debug, Default, Deserialize)]
pub struct QueuePageQuery {
    kind: Option<String>,
    caregiver: Option<String>,
    offset: Option<u64>,
    done: Option<String>,
}

/// The exception queue: every kind counted, one kind's items oldest first, each worked in place.
pub async fn queue(ctx: Ctx, State(state): State<AppState>, Query(q): Query<QueuePageQuery>) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let notice = Notice::after(q.done.as_deref(), &DONE, l);
    let kind: QueueKind = html::choice(&q.kind).unwrap_or(QueueKind::NeedsReview);
    let caregiver: Option<Uuid> = q.caregiver.as_deref().and_then(|c| c.parse().ok());
    let page = PageRequest { limit: PAGE_SIZE, offset: q.offset.unwrap_or(0).min(ltci_shared::page::MAX_OFFSET) };
    let found =
        care::exceptions::queue(&state, a, QueueQuery { kind: Some(kind), caregiver_id: caregiver }, page).await?;
    let visits: Vec<Visit> = found.items.iter().map(|i| i.visit.clone()).collect();
    let names = Names::of(&state, &ctx, &visits).await?;
    let reviews = a.can(Permission::ReviewVisits);
    let kind_key = enum_to_db(&kind);
    let back = format!("/visits/exceptions?kind={kind_key}");
    let query = html::query_of(&[("kind", &Some(kind_key.clone())), ("caregiver", &q.caregiver)]);
    let fresh = || Uuid::now_v7().to_string();
    let age = |hours: u32| {
        if hours >= 24 { m::ui_days_hours(hours / 24, hours % 24) } else { m::ui_age_hours(hours) }
    };
    let body = rsx! {
        p { class: "muted", {m::ui_queue_window(format::day(found.from)).render(l)} }
        nav { class: "tabs", aria_label: m::ui_exception_queue().render(l),
            for c in found.counts.iter() {
                a { href: "/visits/exceptions?kind={enum_to_db(&c.kind)}",
                    class: if c.kind == kind { "card current" } else if c.count == 0 { "card zero" } else { "card warn" },
                    aria_current: if c.kind == kind { "page" } else { "false" },
                    span { class: "n", {format::count(c.count)} }
                    {labels::queue_kind(c.kind).render(l)}
                }
            }
        }
        if found.items.is_empty() { p { class: "muted", {m::ui_nothing_found().render(l)} } }
        if !found.items.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_waiting_since().render(l)} }
                    th { scope: "col", {m::ui_day().render(l)} }
                    th { scope: "col", {m::ui_person().render(l)} }
                    th { scope: "col", {m::ui_caregiver().render(l)} }
                    th { scope: "col", {m::ui_event_detail().render(l)} }
                    th { scope: "col", class: "no-print", {m::ui_next_step().render(l)} }
                } }
                tbody {
                    for item in found.items.iter() {
                        tr {
                            td { {age(item.age_hours).render(l)} br {} span { class: "muted", {format::at(item.since, ctx.tz)} } }
                            td { a { href: "/visits/{item.visit.id}", {format::day(item.visit.scheduled_on)} } br {} span { class: "muted", {kind_text(&item.visit).render(l)} } }
                            td { {names.people.get(&item.visit.insured_person_id).cloned().unwrap_or_default()} }
                            td { {names.carers.get(&item.visit.caregiver_id).cloned().unwrap_or_default()} }
                            td {
                                {times(&ctx, &item.visit)}
                                for x in item.visit.exceptions.iter().filter(|x| x.severity == Severity::Review && x.resolution.is_none()) {
                                    div { class: "warn", "{x.message}" }
                                }
                            }
                            td { class: "no-print",
                                if !reviews || kind == QueueKind::NeedsReview {
                                    a { href: "/visits/{item.visit.id}", {m::ui_open_visit().render(l)} }
                                }
                                if reviews && kind == QueueKind::MissedCheckIn {
                                    form { class: "row", method: "post", action: "/visits/{item.visit.id}/correct",
                                        {html::csrf(&ctx)}
                                        input { r#type: "hidden", name: "correction_id", value: fresh() }
                                        input { r#type: "hidden", name: "action", value: "close" }
                                        input { r#type: "hidden", name: "back", value: "{back}" }
                                        {not_delivered_select(l, &format!("nd-{}", item.visit.id))}
                                        {note_input(l, &format!("nn-{}", item.visit.id))}
                                        button { r#type: "submit", class: "secondary", {m::ui_close_not_delivered().render(l)} }
                                    }
                                    a { href: "/visits/{item.visit.id}", {m::ui_record_times().render(l)} }
                                }
                                if reviews && kind == QueueKind::MissedCheckOut {
                                    form { class: "row", method: "post", action: "/visits/{item.visit.id}/correct",
                                        {html::csrf(&ctx)}
                                        input { r#type: "hidden", name: "correction_id", value: fresh() }
                                        input { r#type: "hidden", name: "action", value: "times" }
                                        input { r#type: "hidden", name: "reason", value: "forgot_to_check" }
                                        input { r#type: "hidden", name: "back", value: "{back}" }
                                        label { r#for: "out-{item.visit.id}", {m::ui_check_out_at().render(l)} }
                                        input { id: "out-{item.visit.id}", r#type: "datetime-local", name: "check_out_at", required: true }
                                        {note_input(l, &format!("on-{}", item.visit.id))}
                                        button { r#type: "submit", class: "secondary", {m::ui_record().render(l)} }
                                    }
                                }
                                if reviews && kind == QueueKind::Unmatched {
                                    if let Some(twin) = item.scheduled_visit_id {
                                        form { class: "row", method: "post", action: "/visits/{twin}/correct",
                                            {html::csrf(&ctx)}
                                            input { r#type: "hidden", name: "correction_id", value: fresh() }
                                            input { r#type: "hidden", name: "action", value: "link" }
                                            input { r#type: "hidden", name: "replaced_by", value: "{item.visit.id}" }
                                            input { r#type: "hidden", name: "back", value: "{back}" }
                                            {note_input(l, &format!("ln-{}", item.visit.id))}
                                            button { r#type: "submit", class: "secondary", {m::ui_link_visit().render(l)} }
                                        }
                                    }
                                    form { class: "row", method: "post", action: "/visits/{item.visit.id}/correct", "data-confirm": m::ui_reject_visit().render(l),
                                        {html::csrf(&ctx)}
                                        input { r#type: "hidden", name: "correction_id", value: fresh() }
                                        input { r#type: "hidden", name: "action", value: "decide" }
                                        input { r#type: "hidden", name: "resolution", value: "not_confirmed" }
                                        input { r#type: "hidden", name: "back", value: "{back}" }
                                        {note_input(l, &format!("rn-{}", item.visit.id))}
                                        button { r#type: "submit", class: "danger", {m::ui_reject_visit().render(l)} }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        {html::pager(l, "/visits/exceptions", &query, found.offset, found.limit, found.total)}
    };
    let page = Page::new("/visits", m::ui_exception_queue().render(l), body)
        .under(m::ui_visits().render(l), "/visits")
        .with_notice(notice);
    Ok(html::respond(&ctx, page))
}
