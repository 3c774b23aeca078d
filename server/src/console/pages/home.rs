//! 工作台: the signed-in user's queues with their counts, each linking to where the work is done.
//! Every count is the `total` of the same list the API answers, so permissions and scope apply.

use axum::response::Response;
use dioxus::prelude::*;
use ltci_shared::api::assessment::{CaseFilter, CaseState, CertificateFilter};
use ltci_shared::api::funding::{DrawStatus, WarningLevel};
use ltci_shared::api::institutions::{InstitutionFilter, InstitutionStatus};
use ltci_shared::api::partners::{PartnerEventFilter, PartnerEventState};
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::settlement::{BillFilter, BillStatus, DisputeFilter, DisputeStatus};
use ltci_shared::messages as m;
use ltci_shared::text::{Lang, Text};

use crate::auth::Permission;
use crate::console::error::{PageResult, sign_in_again};
use crate::console::format;
use crate::console::html::{self, Page};
use crate::console::session::{Ctx, NoSession};
use crate::http::pagination::PageRequest;
use crate::state::AppState;
use crate::{assessment, care, funding, institutions, settlement};

/// One queue: what waits, how many, where it is worked.
#[derive(Debug)]
pub(super) struct Queue {
    pub label: Text,
    pub count: u64,
    pub href: String,
    /// `warn` or `bad` for a queue that needs attention beyond its count.
    pub tone: &'static str,
}

/// The queues as cards, each leading to where it is worked.
pub(super) fn cards(l: Lang, queues: &[Queue]) -> Element {
    rsx! {
        div { class: "cards",
            for q in queues.iter() {
                a { class: if q.count == 0 { "card zero".to_string() } else { format!("card {}", q.tone) }, href: "{q.href}",
                    span { class: "n", {format::count(q.count)} }
                    {q.label.render(l)}
                }
            }
        }
    }
}

const ONE: PageRequest = PageRequest { limit: 1, offset: 0 };

/// The home page; the sign-in page for anyone not signed in.
pub async fn show(
    ctx: Option<Ctx>,
    axum::extract::State(state): axum::extract::State<AppState>,
    why: Option<axum::Extension<NoSession>>,
) -> PageResult {
    let Some(ctx) = ctx else {
        return Ok(sign_in_again(why.map_or(NoSession::Absent, |w| w.0)));
    };
    if let (ltci_shared::api::users::Role::Institution, Some(institution)) = (ctx.actor.role, ctx.actor.institution_id)
    {
        return super::institution_home::show(&state, &ctx, institution).await;
    }
    let queues = queues(&state, &ctx).await?;
    let funds = funds(&state, &ctx).await?;
    Ok(render(&ctx, queues, funds))
}

async fn queues(state: &AppState, ctx: &Ctx) -> Result<Vec<Queue>, crate::console::error::Refusal> {
    let a = &ctx.actor;
    let mut out = Vec::new();
    if a.can(Permission::ReadAssessmentCases) {
        for (s, label) in [
            (CaseState::AwaitingAssignment, m::ui_queue_awaiting_assignment()),
            (CaseState::ReassessmentPending, m::ui_queue_objections()),
            (CaseState::AppealPending, m::ui_queue_appeals()),
            (CaseState::AwaitingConfirmation, m::ui_queue_awaiting_confirmation()),
            (CaseState::InPublicity, m::ui_queue_in_publicity()),
        ] {
            // In publicity: those still running (the ones over are the next queue's).
            let publicity_over = (s == CaseState::InPublicity).then_some(false);
            let f = CaseFilter { state: Some(s), insured_person_id: None, publicity_over };
            let count = assessment::cases::list(state, a, f, ONE).await?.total;
            out.push(Queue { label, count, href: format!("/cases?state={}", s.as_str()), tone: "" });
        }
        let f = CaseFilter { state: None, insured_person_id: None, publicity_over: Some(true) };
        let count = assessment::cases::list(state, a, f, ONE).await?.total;
        out.push(Queue { label: m::ui_queue_to_certify(), count, href: "/cases?publicity=over".into(), tone: "warn" });
        let f = CertificateFilter { insured_person_id: None, expiring_within_days: Some(60) };
        let count = assessment::certificates::list(state, a, f, ONE).await?.total;
        out.push(Queue { label: m::ui_queue_expiring(), count, href: "/cases?state=certified".into(), tone: "warn" });
    }
    if a.can(Permission::ReadInstitutions) && a.can(Permission::ReadFunding) {
        for s in [InstitutionStatus::Submitted, InstitutionStatus::InspectionPending, InstitutionStatus::Inspected] {
            let f = InstitutionFilter { status: Some(s), mode: None };
            let count = institutions::designation::list(state, a, f, ONE).await?.total;
            let label = m::ui_queue_designation(s.text());
            let href = format!("/institutions?status={}", crate::entities::enum_to_db(&s));
            out.push(Queue { label, count, href, tone: "" });
        }
    }
    if a.can(Permission::ReadBills) && a.can(Permission::ReadFunding) {
        for (s, label) in
            [(BillStatus::Submitted, m::ui_queue_bills_to_audit()), (BillStatus::Approved, m::ui_queue_bills_to_pay())]
        {
            let f = BillFilter { institution_id: None, month: None, status: Some(s) };
            let count = settlement::bills::list(state, a, f, ONE).await?.total;
            let href = format!("/settlements?status={}", crate::entities::enum_to_db(&s));
            out.push(Queue { label, count, href, tone: "" });
        }
        let f = DisputeFilter { status: Some(DisputeStatus::Open), ..DisputeFilter::default() };
        let count = settlement::disputes::list(state, a, f, ONE).await?.total;
        out.push(Queue { label: m::ui_disputes_queue(), count, href: "/disputes".into(), tone: "warn" });
    }
    if a.can(Permission::ReadFunding) {
        let waiting =
            funding::reserve::list(state, a).await?.iter().filter(|d| d.status == DrawStatus::Requested).count();
        out.push(Queue { label: m::ui_queue_reserve_draws(), count: waiting as u64, href: "/funds".into(), tone: "" });
    }
    if a.can(Permission::ReadPartnerEvents) {
        let f = PartnerEventFilter { state: Some(PartnerEventState::Unmatched), ..PartnerEventFilter::default() };
        let count = care::partner_events::list(state, a, f, ONE).await?.total;
        let href = "/partner-events".into();
        out.push(Queue { label: m::ui_queue_unmatched_events(), count, href, tone: "warn" });
    }
    Ok(out)
}

/// Each scheme's fund: balance, months covered and the warning level (officers and auditors).
async fn funds(
    state: &AppState,
    ctx: &Ctx,
) -> Result<Vec<(Scheme, String, String, WarningLevel)>, crate::console::error::Refusal> {
    if !ctx.actor.can(Permission::ReadFunding) {
        return Ok(Vec::new());
    }
    let healths = funding::health::health_of_every_scheme(&state.db, &ctx.actor).await?;
    Ok(healths
        .into_iter()
        .map(|h| {
            let months = h.months_covered.map(|m| m.round_dp(1).to_string()).unwrap_or_else(|| "—".into());
            (h.scheme, format::yuan(h.balance), months, h.level)
        })
        .collect())
}

pub(super) fn warning_text(level: WarningLevel) -> (Text, &'static str) {
    match level {
        WarningLevel::Critical => (m::ui_fund_critical(), "bad"),
        WarningLevel::Warning => (m::ui_fund_warning(), "warn"),
        WarningLevel::Normal => (m::ui_fund_normal(), ""),
        WarningLevel::ExcessSurplus => (m::ui_fund_surplus(), "warn"),
        WarningLevel::NoExpenditure => (m::ui_fund_no_expenditure(), ""),
    }
}

fn render(ctx: &Ctx, queues: Vec<Queue>, funds: Vec<(Scheme, String, String, WarningLevel)>) -> Response {
    let l: Lang = ctx.lang;
    let today = format::day(ctx.actor.today);
    let body = rsx! {
        p { class: "muted", {m::ui_today_is(&today).render(l)} }
        if !queues.is_empty() {
            h2 { {m::ui_queues().render(l)} }
            {cards(l, &queues)}
        }
        if !funds.is_empty() {
            h2 { {m::ui_funds().render(l)} }
            table {
                thead { tr {
                    th { scope: "col", {m::ui_scheme().render(l)} }
                    th { scope: "col", class: "num", {m::ui_balance().render(l)} }
                    th { scope: "col", class: "num", {m::ui_months_covered().render(l)} }
                    th { scope: "col", {m::ui_warning_level().render(l)} }
                } }
                tbody {
                    for (scheme, balance, months, level) in funds.iter() {
                        tr {
                            td { {scheme.text().render(l)} }
                            td { class: "num", "{balance}" }
                            td { class: "num", "{months}" }
                            td { class: "{warning_text(*level).1}", {warning_text(*level).0.render(l)} }
                        }
                    }
                }
            }
        }
    };
    html::respond(ctx, Page::new("/", m::ui_home().render(l), body))
}
