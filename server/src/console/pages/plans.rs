//! 护理计划: making a plan for a person served (for home visits the policy's catalogue with its
//! prices, minutes, qualification and weekly limit, and the level's monthly cap shown while
//! planning), a plan's page with its estimate against the cap, ending it early, scheduling its
//! visits for a caregiver assigned to the person, and the visits of the coming four weeks. Each
//! form calls the function the API calls.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use chrono::{Days, NaiveDate};
use dioxus::prelude::*;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{
    CarePlan, CreateCarePlan, EndCarePlan, PlanItem, PlanStatus, ScheduleRequest, VisitFilter,
};
use ltci_shared::api::supervision::FindingFilter;
use ltci_shared::api::workforce::AssignmentFilter;
use ltci_shared::messages as m;
use ltci_shared::policy::{PaymentBasis, PolicyDocument};
use ltci_shared::text::{Lang, Text};
use rust_decimal::Decimal;
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
use crate::workforce::{assignments, caregivers};
use crate::{assessment, care, policy, registry};

/// Weeks in a month, for the plan's monthly estimate (52 ÷ 12, rounded as planners do).
const WEEKS_A_MONTH: Decimal = Decimal::from_parts(43, 0, 0, false, 1);
/// How far ahead the plan's page lists visits.
const COMING_DAYS: u64 = 27;

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    person: Option<Uuid>,
    mode: Option<String>,
}

/// The form of a new plan for a person and a mode.
pub async fn new(ctx: Ctx, State(state): State<AppState>, Query(q): Query<NewQuery>) -> PageResult {
    let sent = PlanForm {
        insured_person_id: q.person.map(|p| p.to_string()).unwrap_or_default(),
        care_mode: q.mode.unwrap_or_default(),
        ..PlanForm::default()
    };
    render_new(&state, &ctx, &sent, Notice::default()).await
}

/// What the plan form sent: the person, the mode, the period and, per catalogue item,
/// `per_week_<code>`.
#[derive(Debug, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    insured_person_id: String,
    #[serde(default)]
    care_mode: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    end_on: String,
    #[serde(flatten)]
    per_week: HashMap<String, String>,
}

impl PlanForm {
    /// The items planned: every `per_week_<code>` with a number above zero; a number that is not
    /// one is refused on its item.
    fn items(&self) -> Result<Vec<PlanItem>, ApiError> {
        let mut items = Vec::new();
        let mut keys: Vec<&String> = self.per_week.keys().filter(|k| k.starts_with("per_week_")).collect();
        keys.sort();
        for key in keys {
            let text = self.per_week[key].trim();
            if text.is_empty() {
                continue;
            }
            let code = key.trim_start_matches("per_week_").to_owned();
            match text.parse::<u32>() {
                Ok(0) => {}
                Ok(per_week) => items.push(PlanItem { code, per_week }),
                Err(_) => return Err(ApiError::invalid_field(key, "out_of_range", m::between(1, 7))),
            }
        }
        Ok(items)
    }
}

/// Saves a plan; its page, or the form again with the refusals beside the fields.
pub async fn create(State(state): State<AppState>, posted: Posted<PlanForm>) -> PageResult {
    let Posted { ctx, form } = posted;
    let a = &ctx.actor;
    let done = async {
        let care_mode: CareMode = html::required_choice("care_mode", &form.care_mode)?;
        let start_on = html::day_of("start_on", &form.start_on)?.unwrap_or(a.today);
        let end_on = html::required_day("end_on", &form.end_on)?;
        let req = CreateCarePlan {
            institution_id: a.institution_id,
            insured_person_id: form.insured_person_id.parse().unwrap_or_default(),
            care_mode,
            start_on,
            end_on,
            items: form.items()?,
        };
        care::plans::create(&state, a, req).await
    }
    .await;
    match done {
        Ok(p) => Ok(html::done_at(&format!("/plans/{}", p.id), m::ui_done_plan_created())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_new(&state, &ctx, &form, n)).await,
    }
}

/// The person's scheme and level today and the policy in force: what a plan is checked against.
struct Basis {
    name: String,
    level: Option<u8>,
    scheme: ltci_shared::api::registry::Scheme,
    policy: Option<PolicyDocument>,
}

async fn basis(state: &AppState, ctx: &Ctx, person: Uuid, on: NaiveDate) -> Result<Basis, Refusal> {
    let a = &ctx.actor;
    let p = registry::persons::get(state, a, person).await?;
    let level =
        assessment::certificates::in_force_for_persons(state, a, &[person], on).await?.get(&person).map(|c| c.level);
    let policy = match policy::service::current(&state.db, a, on).await {
        Ok(v) => Some(v.document),
        Err(e) if e.status() == axum::http::StatusCode::NOT_FOUND => None,
        Err(e) => return Err(e.into()),
    };
    Ok(Basis { name: p.name, level, scheme: p.scheme, policy })
}

/// What the level may be paid a month in the mode under the policy (`None`: no cap, or no rate).
fn cap_text(b: &Basis, mode: CareMode, l: Lang) -> Option<String> {
    let level = b.level?;
    let rate = b.policy.as_ref()?.rate_for(b.scheme, mode, level, None)?;
    Some(match (rate.monthly_cap, rate.basis) {
        (Some(cap), _) => m::ui_level_cap(level, format::yuan(cap)).render(l),
        (None, PaymentBasis::PerItem) => m::ui_level_no_cap(level).render(l),
        (None, _) => m::ui_level_cap(level, format::yuan(rate.amount.unwrap_or_default())).render(l),
    })
}

/// The plan's items priced at the catalogue's unit prices over a month (4.3 weeks), to the fen.
fn monthly_estimate(items: &[PlanItem], doc: &PolicyDocument) -> Decimal {
    let weekly: Decimal =
        items.iter().filter_map(|i| doc.item(&i.code).map(|c| c.unit_price * Decimal::from(i.per_week))).sum();
    (weekly * WEEKS_A_MONTH).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// Why the catalogue item `code` was refused: the API names a planned item by its place among
/// the items sent (`items[1].per_week`), the form by its code (`per_week_SF-03`).
fn item_refusal<'a>(notice: &'a Notice, planned: &[PlanItem], code: &str) -> Option<&'a str> {
    let at = planned.iter().position(|i| i.code == code);
    let by_place =
        at.and_then(|i| notice.field(&format!("items[{i}].per_week")).or(notice.field(&format!("items[{i}].code"))));
    by_place.or(notice.field(&format!("per_week_{code}")))
}

async fn render_new(state: &AppState, ctx: &Ctx, sent: &PlanForm, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    a.require(Permission::ManageCarePlans)?;
    let person: Uuid = sent.insured_person_id.parse().map_err(|_| ApiError::not_found(m::thing_insured_person()))?;
    let mode: CareMode = html::required_choice("care_mode", &sent.care_mode)?;
    let b = basis(state, ctx, person, a.today).await?;
    let cap = cap_text(&b, mode, l);
    let catalogue = if mode == CareMode::HomeVisit {
        b.policy.as_ref().map(|d| d.catalogue.clone()).unwrap_or_default()
    } else {
        Vec::new()
    };
    let planned = sent.items().unwrap_or_default();
    let start = if sent.start_on.is_empty() { a.today.to_string() } else { sent.start_on.clone() };
    let end = if sent.end_on.is_empty() {
        a.today.checked_add_days(Days::new(89)).unwrap_or(a.today).to_string()
    } else {
        sent.end_on.clone()
    };
    let body = rsx! {
        form { class: "step wide", method: "post", action: "/plans",
            {html::csrf(ctx)}
            input { r#type: "hidden", name: "insured_person_id", value: "{person}" }
            input { r#type: "hidden", name: "care_mode", value: enum_to_db(&mode) }
            if let Some(cap) = &cap { p { strong { "{cap}" } } }
            {html::date_field("start_on", &m::ui_start_on().render(l), &start, &notice)}
            {html::date_field("end_on", &m::ui_end_on().render(l), &end, &notice)}
            if let Some(why) = notice.field("care_mode").or(notice.field("insured_person_id")).or(notice.field("items")) {
                p { class: "why", "{why}" }
            }
            if !catalogue.is_empty() {
                table {
                    caption { {m::ui_catalogue().render(l)} }
                    thead { tr {
                        th { scope: "col", {m::ui_item_code().render(l)} }
                        th { scope: "col", {m::ui_item_name().render(l)} }
                        th { scope: "col", class: "num", {m::ui_unit_price().render(l)} }
                        th { scope: "col", class: "num", {m::ui_min_minutes().render(l)} }
                        th { scope: "col", {m::ui_required_qualification().render(l)} }
                        th { scope: "col", class: "num", {m::ui_max_per_week().render(l)} }
                        th { scope: "col", {m::ui_per_week().render(l)} }
                    } }
                    tbody {
                        for item in catalogue.iter() {
                            tr {
                                td { code { "{item.code}" } }
                                td { label { r#for: "pw-{item.code}", "{item.name}" } }
                                td { class: "num", {format::yuan(item.unit_price)} }
                                td { class: "num", "{item.min_minutes}" }
                                td { {item.qualification.text().render(l)} }
                                td { class: "num", "{item.max_per_week}" }
                                td {
                                    input { id: "pw-{item.code}", r#type: "number", min: "0", max: "{item.max_per_week}", name: "per_week_{item.code}",
                                        value: sent.per_week.get(&format!("per_week_{}", item.code)).cloned().unwrap_or_default() }
                                    if let Some(why) = item_refusal(&notice, &planned, &item.code) {
                                        span { class: "why", " {why}" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            button { r#type: "submit", {m::ui_create_plan().render(l)} }
        }
    };
    let title = m::ui_new_plan_of(b.name, mode.text()).render(l);
    let page = Page::new("/beneficiaries", title, body)
        .under(m::ui_beneficiaries().render(l), "/beneficiaries")
        .with_notice(notice);
    Ok(html::respond(ctx, page))
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

const DONE: [fn() -> Text; 3] = [m::ui_done_plan_created, m::ui_done_plan_ended, m::ui_done_scheduled];

/// One plan.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &DONE, ctx.lang);
    render(&state, &ctx, id, &StepForm::default(), notice).await
}

/// What the plan's forms send.
#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    end_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    caregiver_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// Ends the plan early or schedules its visits.
pub async fn step(
    State(state): State<AppState>,
    Path((id, step)): Path<(Uuid, String)>,
    posted: Posted<StepForm>,
) -> PageResult {
    let Posted { ctx, form } = posted;
    let a = &ctx.actor;
    let done = async {
        match step.as_str() {
            "end" => {
                let end_on = html::day_of("end_on", &form.end_on)?.unwrap_or(a.today);
                let req = EndCarePlan { end_on, reason: form.reason.trim().to_owned() };
                care::plans::end(&state, a, id, req).await.map(|_| m::ui_done_plan_ended())
            }
            "schedule" => {
                let from = html::day_of("from", &form.from)?.unwrap_or(a.today);
                let to = html::required_day("to", &form.to)?;
                let caregiver_id = form.caregiver_id.parse().unwrap_or_default();
                let req = ScheduleRequest { plan_id: id, caregiver_id, from, to };
                care::schedule::schedule(&state, a, req).await.map(|_| m::ui_done_scheduled())
            }
            _ => Err(ApiError::not_found(m::thing_care_plan())),
        }
    }
    .await;
    match done {
        Ok(text) => Ok(html::done_at(&format!("/plans/{id}"), text)),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render(&state, &ctx, id, &form, n)).await,
    }
}

async fn render(state: &AppState, ctx: &Ctx, id: Uuid, sent: &StepForm, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let a = &ctx.actor;
    let plan: CarePlan = care::plans::get(state, a, id).await?;
    let b = basis(state, ctx, plan.insured_person_id, plan.start_on).await?;
    let version = policy::service::get(&state.db, a, plan.policy_version_id).await?;
    let doc = &version.document;
    let estimate = (plan.care_mode == CareMode::HomeVisit).then(|| monthly_estimate(&plan.items, doc));
    let cap = doc.rate_for(b.scheme, plan.care_mode, plan.level, None).and_then(|r| r.monthly_cap);
    let at_start = Basis { level: Some(plan.level), policy: Some(doc.clone()), name: String::new(), scheme: b.scheme };
    let cap_line = cap_text(&at_start, plan.care_mode, l);
    let until = a.today.checked_add_days(Days::new(COMING_DAYS)).unwrap_or(a.today);
    let visits = if plan.care_mode == CareMode::HomeVisit {
        let f = VisitFilter {
            insured_person_id: Some(plan.insured_person_id),
            from: Some(a.today),
            to: Some(until),
            ..VisitFilter::default()
        };
        let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
        care::visits::list(state, a, f, page).await?.items.into_iter().filter(|v| v.plan_id == Some(id)).collect()
    } else {
        Vec::new()
    };
    let open =
        AssignmentFilter { insured_person_id: Some(plan.insured_person_id), open: Some(true), ..Default::default() };
    let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset: 0 };
    let assigned = if a.can(Permission::ReadCaregivers) {
        assignments::list(state, a, open, page).await?.items
    } else {
        Vec::new()
    };
    let mut carer_ids: Vec<Uuid> = assigned.iter().map(|x| x.caregiver_id).collect();
    carer_ids.extend(visits.iter().map(|v: &ltci_shared::api::care::Visit| v.caregiver_id));
    let carers =
        if a.can(Permission::ReadCaregivers) { caregivers::names(state, a, &carer_ids).await? } else { HashMap::new() };
    let mut carer_choices: Vec<(String, String)> = assigned
        .iter()
        .map(|x| (x.caregiver_id.to_string(), carers.get(&x.caregiver_id).cloned().unwrap_or_default()))
        .collect();
    carer_choices.dedup();
    let manages = a.can(Permission::ManageCarePlans) && plan.status == PlanStatus::Active;
    let schedules = manages && plan.care_mode == CareMode::HomeVisit && plan.end_on >= a.today;
    let today = a.today.to_string();
    let to_default = until.min(plan.end_on).to_string();
    let item_name = |code: &str| doc.item(code).map(|i| i.name.clone()).unwrap_or_default();
    let or = |sent: &str, d: &str| if sent.is_empty() { d.to_owned() } else { sent.to_owned() };
    let warnings =
        super::findings::warnings_before(state, ctx, FindingFilter { plan_id: Some(id), ..Default::default() }).await?;
    let body = rsx! {
        {warnings}
        dl { class: "facts",
            dt { {m::ui_person().render(l)} } dd { a { href: "/persons/{plan.insured_person_id}", "{b.name}" } }
            dt { {m::ui_care_mode().render(l)} } dd { {plan.care_mode.text().render(l)} }
            dt { {m::ui_period().render(l)} } dd { {format::day(plan.start_on)} " – " {format::day(plan.end_on)} }
            dt { {m::ui_level().render(l)} } dd { "{plan.level}" }
            dt { {m::ui_policy_version().render(l)} } dd { a { href: "/policies/{version.id}", {m::ui_version_no(version.version).render(l)} " {version.name}" } }
            dt { {m::ui_status().render(l)} } dd {
                if plan.status == PlanStatus::Active { {m::ui_plan_active().render(l)} } else { {m::ui_plan_ended().render(l)} }
                if let Some(r) = &plan.end_reason { " · {r}" }
            }
        }
        if !plan.items.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_item_code().render(l)} }
                    th { scope: "col", {m::ui_item_name().render(l)} }
                    th { scope: "col", class: "num", {m::ui_per_week().render(l)} }
                } }
                tbody {
                    for i in plan.items.iter() {
                        tr {
                            td { code { "{i.code}" } }
                            td { {item_name(&i.code)} }
                            td { class: "num", "{i.per_week}" }
                        }
                    }
                }
            }
        }
        if let Some(c) = &cap_line { p { strong { "{c}" } } }
        if let Some(e) = estimate {
            p { {m::ui_plan_estimate(format::yuan(e)).render(l)} }
            if let Some(c) = cap.filter(|c| e > *c) {
                p { class: "notice refused", {m::ui_plan_over_cap(format::yuan(c)).render(l)} }
            }
        }
        if plan.care_mode == CareMode::HomeVisit {
            h2 { {m::ui_coming_visits().render(l)} }
            if visits.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
            if !visits.is_empty() {
                table {
                    thead { tr {
                        th { scope: "col", {m::ui_service_on().render(l)} }
                        th { scope: "col", {m::ui_caregiver().render(l)} }
                        th { scope: "col", {m::ui_plan_items().render(l)} }
                        th { scope: "col", {m::ui_status().render(l)} }
                    } }
                    tbody {
                        for v in visits.iter() {
                            tr {
                                td { a { href: "/visits/{v.id}", {format::day(v.scheduled_on)} } }
                                td { {carers.get(&v.caregiver_id).cloned().unwrap_or_default()} }
                                td { {v.planned_items.iter().map(|i| if i.times > 1 { format!("{}×{}", i.code, i.times) } else { i.code.clone() }).collect::<Vec<_>>().join("、")} }
                                td { span { class: "state", {labels::visit_state(v.state).render(l)} } }
                            }
                        }
                    }
                }
            }
        }
        if schedules {
            form { class: "step", method: "post", action: "/plans/{plan.id}/schedule",
                h2 { {m::ui_schedule().render(l)} }
                p { class: "muted", {m::ui_schedule_hint().render(l)} }
                {html::csrf(ctx)}
                if carer_choices.is_empty() { p { class: "notice refused", {m::ui_no_caregiver_assigned().render(l)} } }
                {html::select_field("caregiver_id", &m::ui_caregiver().render(l), &carer_choices, &sent.caregiver_id, &notice, true)}
                {html::date_field("from", &m::ui_from_day().render(l), &or(&sent.from, &today), &notice)}
                {html::date_field("to", &m::ui_to_day().render(l), &or(&sent.to, &to_default), &notice)}
                button { r#type: "submit", {m::ui_schedule_visits().render(l)} }
            }
        }
        if manages {
            form { class: "step", method: "post", action: "/plans/{plan.id}/end",
                h2 { {m::ui_end_plan().render(l)} }
                {html::csrf(ctx)}
                {html::date_field("end_on", &m::ui_end_on().render(l), &or(&sent.end_on, &today), &notice)}
                {html::reason_field("reason", &m::ui_end_plan_reason().render(l), &notice)}
                button { r#type: "submit", class: "danger", {m::ui_end_plan().render(l)} }
            }
        }
    };
    let title = m::ui_plan_of(b.name.clone(), plan.care_mode.text()).render(l);
    let page = Page::new("/beneficiaries", title, body)
        .under(m::ui_beneficiaries().render(l), "/beneficiaries")
        .with_notice(notice);
    Ok(html::respond(ctx, page))
}
