//! The person page's history of care and money: contributions by month, care plans, stays, the
//! recent home visits and the bill lines that paid for them — each section shown to the roles
//! whose permission reads it, in the actor's scope, from the functions the API calls.

use std::collections::HashMap;

use dioxus::prelude::*;
use ltci_shared::api::care::{CarePlanFilter, PlanStatus, VisitFilter};
use ltci_shared::api::funding::FundingSource;
use ltci_shared::api::stays::StayFilter;
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::Refusal;
use crate::console::format;
use crate::console::labels;
use crate::console::session::Ctx;
use crate::http::pagination::PageRequest;
use crate::state::AppState;

/// Visits shown: the last ninety days, at most this many.
const RECENT_VISITS: u64 = 20;
const RECENT_LINES: u64 = 30;
/// Contribution lines shown: five years of two sources.
const CONTRIBUTIONS: u64 = 120;

/// The sections for person `id`.
pub async fn sections(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Element, Refusal> {
    let a = &ctx.actor;
    let l = ctx.lang;
    let some = |limit| PageRequest { limit, offset: 0 };
    let contributions = if a.can(Permission::ReadFunding) {
        Some(crate::funding::contributions::of_person(state, a, id, some(CONTRIBUTIONS)).await?)
    } else {
        None
    };
    let (plans, stays, visits) = if a.can(Permission::ReadCare) {
        let f = CarePlanFilter { insured_person_id: Some(id), institution_id: None, active_on: None };
        let plans = crate::care::plans::list(state, a, f, some(50)).await?.items;
        let f = StayFilter { insured_person_id: Some(id), ..StayFilter::default() };
        let stays = crate::care::stays::list(state, a, f, some(50)).await?.items;
        let from = a.today.checked_sub_days(chrono::Days::new(90));
        let f = VisitFilter { insured_person_id: Some(id), caregiver_id: None, state: None, from, to: Some(a.today) };
        let mut visits = crate::care::visits::list(state, a, f, some(200)).await?.items;
        visits.sort_by_key(|v| std::cmp::Reverse(v.scheduled_on));
        visits.truncate(RECENT_VISITS as usize);
        (Some(plans), Some(stays), Some(visits))
    } else {
        (None, None, None)
    };
    let lines = if a.can(Permission::ReadBills) {
        Some(crate::settlement::person_lines::of_person(state, a, id, some(RECENT_LINES)).await?)
    } else {
        None
    };
    let mut ids: Vec<Uuid> = Vec::new();
    ids.extend(plans.iter().flatten().map(|p| p.institution_id));
    ids.extend(stays.iter().flatten().map(|s| s.institution_id));
    ids.extend(lines.iter().flat_map(|p| p.items.iter().map(|x| x.institution_id)));
    ids.sort();
    ids.dedup();
    let names: HashMap<Uuid, String> = if ids.is_empty() || !a.can(Permission::ReadInstitutions) {
        HashMap::new()
    } else {
        crate::institutions::designation::names(state, a, &ids).await?
    };
    let name = |i: &Uuid| names.get(i).cloned().unwrap_or_default();
    Ok(rsx! {
        if let Some(cs) = &contributions {
            h2 { {m::ui_contributions().render(l)} }
            if cs.items.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } } else {
                p { class: "muted",
                    {m::ui_contribution_months(cs.items.iter().filter(|c| !c.reversed).map(|c| c.period.as_str()).collect::<std::collections::BTreeSet<_>>().len()).render(l)}
                    if cs.total > cs.items.len() as u64 { " · " {m::ui_latest_of(cs.items.len(), cs.total).render(l)} }
                }
                table {
                    thead { tr {
                        th { scope: "col", {m::ui_month_of().render(l)} }
                        th { scope: "col", {m::ui_scheme().render(l)} }
                        th { scope: "col", {m::ui_funding_source().render(l)} }
                        th { scope: "col", class: "num", {m::ui_amount().render(l)} }
                        th { scope: "col", {m::ui_status().render(l)} }
                    } }
                    tbody {
                        for c in cs.items.iter() {
                            tr {
                                td { {format::month_text(l, &c.period)} }
                                td { {c.scheme.text().render(l)} }
                                td { {source_text(c.source).render(l)} }
                                td { class: "num", {format::yuan(c.amount)} }
                                td { if c.reversed { span { class: "state", {m::ui_reversed().render(l)} } } }
                            }
                        }
                    }
                }
            }
        }
        if let Some(plans) = &plans {
            h2 { {m::ui_care_plans().render(l)} }
            if plans.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } } else {
                table {
                    thead { tr {
                        th { scope: "col", {m::ui_period().render(l)} }
                        th { scope: "col", {m::ui_institution().render(l)} }
                        th { scope: "col", {m::ui_care_mode().render(l)} }
                        th { scope: "col", {m::ui_plan_items().render(l)} }
                        th { scope: "col", {m::ui_status().render(l)} }
                    } }
                    tbody {
                        for p in plans.iter() {
                            tr {
                                td { {format::day(p.start_on)} " – " {format::day(p.end_on)} }
                                td { {name(&p.institution_id)} }
                                td { {p.care_mode.text().render(l)} }
                                td { {p.items.iter().map(|i| m::ui_times_a_week(&i.code, i.per_week).render(l)).collect::<Vec<_>>().join("、")} }
                                td { {plan_status(p.status).render(l)} if let Some(r) = &p.end_reason { " · " "{r}" } }
                            }
                        }
                    }
                }
            }
        }
        if let Some(stays) = &stays {
            h2 { {m::ui_stays().render(l)} }
            if stays.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } } else {
                table {
                    thead { tr {
                        th { scope: "col", {m::ui_institution().render(l)} }
                        th { scope: "col", {m::ui_care_mode().render(l)} }
                        th { scope: "col", {m::ui_admitted_on().render(l)} }
                        th { scope: "col", {m::ui_discharged_on().render(l)} }
                    } }
                    tbody {
                        for s in stays.iter() {
                            tr {
                                td { {name(&s.institution_id)} }
                                td { {s.care_mode.text().render(l)} }
                                td { {format::day(s.admitted_on)} }
                                td { {s.discharged_on.map(format::day).unwrap_or_else(|| m::ui_still_in().render(l))} }
                            }
                        }
                    }
                }
            }
        }
        if let Some(visits) = &visits {
            h2 { {m::ui_recent_visits().render(l)} }
            if visits.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } } else {
                table {
                    thead { tr {
                        th { scope: "col", {m::ui_service_on().render(l)} }
                        th { scope: "col", {m::ui_checked_in_out().render(l)} }
                        th { scope: "col", {m::ui_items_done().render(l)} }
                        th { scope: "col", {m::ui_status().render(l)} }
                    } }
                    tbody {
                        for v in visits.iter() {
                            tr {
                                td { {format::day(v.scheduled_on)} }
                                td {
                                    {v.checked_in_at.map(|t| format::at(t, ctx.tz)).unwrap_or_else(|| "—".into())}
                                    " – "
                                    {v.checked_out_at.map(|t| format::at(t, ctx.tz)).unwrap_or_else(|| "—".into())}
                                }
                                td { {v.tasks.iter().filter(|t| t.done).count().to_string()} " / " {v.planned_items.len().to_string()} }
                                td { span { class: "state", {labels::visit_state(v.state).render(l)} } }
                            }
                        }
                    }
                }
            }
        }
        if let Some(lines) = &lines {
            h2 { {m::ui_paid_by_lines().render(l)} }
            if lines.items.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } } else {
                p { class: "muted", {m::ui_latest_of(lines.items.len(), lines.total).render(l)} }
                table {
                    thead { tr {
                        th { scope: "col", {m::ui_service_on().render(l)} }
                        th { scope: "col", {m::ui_institution().render(l)} }
                        th { scope: "col", {m::ui_bills().render(l)} }
                        th { scope: "col", class: "num", {m::ui_fund_amount().render(l)} }
                        th { scope: "col", {m::ui_rejection().render(l)} }
                        th { scope: "col", class: "num", {m::ui_deducted().render(l)} }
                    } }
                    tbody {
                        for x in lines.items.iter() {
                            tr {
                                td { {format::day(x.line.service_on)} }
                                td { {name(&x.institution_id)} }
                                td { a { href: "/settlements/{x.bill_id}?person={id}", {format::month_text(l, &x.month)} " · " {x.bill_status.text().render(l)} } }
                                td { class: "num", {format::yuan(x.line.fund_amount)} }
                                td { {x.line.rejection.map(|r| r.text().render(l)).unwrap_or_default()} }
                                td { class: "num", {format::yuan(x.line.deducted)} }
                            }
                        }
                    }
                }
            }
        }
    })
}

fn source_text(s: FundingSource) -> Text {
    match s {
        FundingSource::Individual => m::ui_src_individual(),
        FundingSource::Employer => m::ui_src_employer(),
        FundingSource::MedicalInsuranceFund => m::ui_src_medical_insurance_fund(),
        FundingSource::PersonalAccount => m::ui_src_personal_account(),
        FundingSource::FiscalSubsidy => m::ui_src_fiscal_subsidy(),
        FundingSource::WelfareLottery => m::ui_src_welfare_lottery(),
        FundingSource::Donation => m::ui_src_donation(),
        FundingSource::Other => m::ui_src_other(),
    }
}

fn plan_status(s: PlanStatus) -> Text {
    match s {
        PlanStatus::Active => m::ui_plan_active(),
        PlanStatus::Ended => m::ui_plan_ended(),
    }
}
