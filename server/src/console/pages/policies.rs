//! 待遇政策: the region's policy versions with their effective dates; one version as readable
//! tables (eligibility, rates by scheme × mode × level × tier, the catalogue, shares, monitoring,
//! assessment, duties); two versions side by side with what differs; a document file imported
//! with every problem listed at its key (the import calls the function the API calls); the link
//! to the what-if of a draft (`what_if.rs`).

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use dioxus::prelude::*;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::policy::PolicyVersion;
use ltci_shared::messages as m;
use ltci_shared::policy::{PaymentBasis, PolicyDocument, Rate};
use ltci_shared::text::{Lang, Text};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Permission;
use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::Ctx;
use crate::console::upload::Uploaded;
use crate::http::error::ApiError;
use crate::policy::document::Format;
use crate::policy::service;
use crate::state::AppState;

const MODES: [CareMode; 4] =
    [CareMode::HospitalWard, CareMode::Institutional, CareMode::HomeVisit, CareMode::FamilyCare];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    done: Option<String>,
}

/// The versions, newest first, the comparison form and the import.
pub async fn list(ctx: Ctx, State(state): State<AppState>, Query(q): Query<ListQuery>) -> PageResult {
    let notice = Notice::after(q.done.as_deref(), &[m::ui_done_policy_same], ctx.lang);
    render_list(&state, &ctx, notice).await
}

async fn render_list(state: &AppState, ctx: &Ctx, notice: Notice) -> PageResult {
    let l = ctx.lang;
    let versions = service::list(&state.db, &ctx.actor).await?;
    let manages = ctx.actor.can(Permission::ManagePolicy);
    let why = notice.field("document").map(str::to_owned);
    // Every other problem names a key of the document (`rates[2].amount`): listed in full.
    let problems: Vec<(String, String)> = notice.fields.iter().filter(|(k, _)| k != "document").cloned().collect();
    // Listed once, in the table below.
    let notice = Notice { fields: Vec::new(), ..notice };
    let body = rsx! {
        table {
            thead { tr {
                th { scope: "col", {m::ui_policy_version().render(l)} }
                th { scope: "col", {m::ui_policy_name().render(l)} }
                th { scope: "col", {m::ui_effective_from_day().render(l)} }
                th { scope: "col", {m::ui_imported_at().render(l)} }
                th { scope: "col", {m::ui_status().render(l)} }
            } }
            tbody {
                for v in versions.iter() {
                    tr {
                        td { a { href: "/policies/{v.id}", {m::ui_version_no(v.version).render(l)} } }
                        td { "{v.name}" }
                        td { {format::day(v.effective_from)} }
                        td { {format::at(v.imported_at, ctx.tz)} }
                        td { if v.in_force { span { class: "state", {m::ui_in_force().render(l)} } } }
                    }
                }
            }
        }
        if versions.is_empty() { p { class: "muted", {m::ui_no_policy().render(l)} } }
        if versions.len() >= 2 {
            form { class: "filters", method: "get", action: "/policies/compare",
                div { class: "field",
                    label { r#for: "f-a", {m::ui_compare_from().render(l)} }
                    select { id: "f-a", name: "a",
                        for (n, v) in versions.iter().enumerate() {
                            option { value: "{v.id}", selected: n == 1, {m::ui_version_no(v.version).render(l)} " · " {format::day(v.effective_from)} }
                        }
                    }
                }
                div { class: "field",
                    label { r#for: "f-b", {m::ui_compare_to().render(l)} }
                    select { id: "f-b", name: "b",
                        for (n, v) in versions.iter().enumerate() {
                            option { value: "{v.id}", selected: n == 0, {m::ui_version_no(v.version).render(l)} " · " {format::day(v.effective_from)} }
                        }
                    }
                }
                button { r#type: "submit", {m::ui_compare().render(l)} }
            }
        }
        if manages {
            p { a { href: "/policies/what-if", {m::ui_what_if().render(l)} } " — " {m::ui_what_if_lead().render(l)} }
            form { class: "step", method: "post", action: "/policies", enctype: "multipart/form-data",
                h2 { {m::ui_import_policy().render(l)} }
                {html::csrf(ctx)}
                div { class: if why.is_some() { "field invalid" } else { "field" },
                    label { r#for: "f-file", {m::ui_policy_file().render(l)} }
                    input { id: "f-file", r#type: "file", name: "file", required: true, accept: ".toml,.json,application/toml,application/json" }
                    if let Some(w) = &why { span { class: "why", "{w}" } }
                }
                p { class: "muted", {m::ui_policy_file_hint().render(l)} }
                button { r#type: "submit", {m::ui_import().render(l)} }
            }
            if !problems.is_empty() {
                {problems_table(m::ui_problems_found(problems.len()), &problems, l)}
            }
        }
    };
    Ok(html::respond(ctx, Page::new("/policies", m::ui_policies().render(l), body).with_notice(notice)))
}

/// A document's problems, each at its key (`rates[2].amount`), under `caption`.
pub(super) fn problems_table(caption: Text, problems: &[(String, String)], l: Lang) -> Element {
    rsx! {
        table { class: "problems",
            caption { {caption.render(l)} }
            thead { tr {
                th { scope: "col", {m::ui_key().render(l)} }
                th { scope: "col", {m::ui_problem().render(l)} }
            } }
            tbody {
                for (k, v) in problems.iter() {
                    tr { td { code { "{k}" } } td { "{v}" } }
                }
            }
        }
    }
}

/// The uploaded document file and its format (by its name, else its content type), refused at
/// `document` when none was chosen or it is of another kind.
pub(super) fn uploaded_document(up: &Uploaded) -> Result<(&[u8], Format), ApiError> {
    let f = up.file.as_ref().ok_or_else(|| ApiError::invalid_field("document", "required", m::ui_choose_file()))?;
    let format = Format::of_path(std::path::Path::new(&f.name))
        .or_else(|| f.content_type.as_deref().and_then(Format::of_content_type))
        .ok_or_else(|| ApiError::invalid_field("document", "unsupported_media_type", m::send_policy()))?;
    Ok((&f.bytes, format))
}

/// Imports the chosen file as the next version; its page, or the list with every problem.
pub async fn import(State(state): State<AppState>, up: Uploaded) -> PageResult {
    let ctx = up.ctx.clone();
    let done = match uploaded_document(&up) {
        Ok((bytes, format)) => service::import_file(&state.db, &ctx.actor, bytes, format).await,
        Err(e) => Err(e),
    };
    match done {
        Ok((v, true)) => Ok(html::done_at(&format!("/policies/{}", v.id), m::ui_done_policy_imported())),
        Ok((_, false)) => Ok(html::done_at("/policies", m::ui_done_policy_same())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| render_list(&state, &ctx, n)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// One version as readable tables.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let l = ctx.lang;
    let v = service::get(&state.db, &ctx.actor, id).await?;
    let notice = Notice::after(q.done.as_deref(), &[m::ui_done_policy_imported], l);
    let d = &v.document;
    let body = rsx! {
        dl { class: "facts",
            dt { {m::ui_policy_version().render(l)} } dd { {m::ui_version_no(v.version).render(l)} }
            dt { {m::ui_effective_from_day().render(l)} } dd { {format::day(v.effective_from)} }
            if let Some(s) = &d.source { dt { {m::ui_policy_source().render(l)} } dd { "{s}" } }
            dt { {m::ui_imported_at().render(l)} } dd { {format::at(v.imported_at, ctx.tz)} }
            dt { "SHA-256" } dd { code { "{v.sha256}" } }
        }
        h2 { {m::ui_eligibility().render(l)} }
        table {
            thead { tr {
                th { scope: "col", {m::ui_care_mode().render(l)} }
                th { scope: "col", {m::ui_levels().render(l)} }
            } }
            tbody {
                for mode in MODES {
                    tr { td { {mode.text().render(l)} } td { {levels(d.eligibility.levels(mode))} } }
                }
            }
        }
        h2 { {m::ui_rates().render(l)} }
        {rates_table(d, l)}
        if !d.catalogue.is_empty() {
            h2 { {m::ui_catalogue().render(l)} }
            table {
                thead { tr {
                    th { scope: "col", {m::ui_item_code().render(l)} }
                    th { scope: "col", {m::ui_item_name().render(l)} }
                    th { scope: "col", class: "num", {m::ui_unit_price().render(l)} }
                    th { scope: "col", class: "num", {m::ui_min_minutes().render(l)} }
                    th { scope: "col", {m::ui_qualification().render(l)} }
                    th { scope: "col", class: "num", {m::ui_max_per_week().render(l)} }
                } }
                tbody {
                    for c in d.catalogue.iter() {
                        tr {
                            td { code { "{c.code}" } }
                            td { "{c.name}" }
                            td { class: "num", {format::yuan(c.unit_price)} " / {c.unit}" }
                            td { class: "num", "{c.min_minutes}" }
                            td { {c.qualification.text().render(l)} }
                            td { class: "num", "{c.max_per_week}" }
                        }
                    }
                }
            }
        }
        h2 { {m::ui_rules().render(l)} }
        table {
            tbody {
                for (k, val) in settings(d, l) {
                    tr { th { scope: "row", {k.render(l)} } td { "{val}" } }
                }
            }
        }
    };
    let title = format!("{} · {}", m::ui_version_no(v.version).render(l), v.name);
    let page = Page::new("/policies", title, body).under(m::ui_policies().render(l), "/policies").with_notice(notice);
    Ok(html::respond(&ctx, page))
}

#[derive(Debug, Deserialize)]
pub struct CompareQuery {
    a: Uuid,
    b: Uuid,
}

/// Two versions side by side: each rate, catalogue item and rule that differs (or exists in one
/// only), and how many are the same.
pub async fn compare(ctx: Ctx, State(state): State<AppState>, Query(q): Query<CompareQuery>) -> PageResult {
    let l = ctx.lang;
    let (a, b) = (service::get(&state.db, &ctx.actor, q.a).await?, service::get(&state.db, &ctx.actor, q.b).await?);
    let rows = differences(&a, &b, l);
    let same = rows.iter().filter(|r| r.1 == r.2).count();
    let differ: Vec<&(String, String, String)> = rows.iter().filter(|r| r.1 != r.2).collect();
    let body = rsx! {
        p { {m::ui_compare_summary(differ.len(), same).render(l)} }
        table { class: "compare",
            thead { tr {
                th { scope: "col", {m::ui_key().render(l)} }
                th { scope: "col", a { href: "/policies/{a.id}", {m::ui_version_no(a.version).render(l)} } " · " {format::day(a.effective_from)} }
                th { scope: "col", a { href: "/policies/{b.id}", {m::ui_version_no(b.version).render(l)} } " · " {format::day(b.effective_from)} }
            } }
            tbody {
                for (k, x, y) in differ.iter() {
                    tr { class: "changed",
                        th { scope: "row", "{k}" }
                        td { if x.is_empty() { span { class: "muted", "—" } } else { "{x}" } }
                        td { if y.is_empty() { span { class: "muted", "—" } } else { "{y}" } }
                    }
                }
            }
        }
    };
    let title = m::ui_compare_title(a.version, b.version).render(l);
    let page = Page::new("/policies", title, body).under(m::ui_policies().render(l), "/policies");
    Ok(html::respond(&ctx, page))
}

/// Every comparable row of two versions: (what, in `a`, in `b`); empty where a version has none.
fn differences(a: &PolicyVersion, b: &PolicyVersion, l: Lang) -> Vec<(String, String, String)> {
    let mut rows: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (side, v) in [(0, a), (1, b)] {
        let d = &v.document;
        let mut put = |k: String, val: String| {
            let e = rows.entry(k).or_default();
            if side == 0 { e.0 = val } else { e.1 = val }
        };
        for mode in MODES {
            put(
                format!("{} · {}", m::ui_eligibility().render(l), mode.text().render(l)),
                levels(d.eligibility.levels(mode)),
            );
        }
        for r in &d.rates {
            put(format!("{} · {}", m::ui_rates().render(l), rate_key(r, l)), rate_terms(r, l));
        }
        for c in &d.catalogue {
            let terms = format!(
                "{} {} / {} · {} min · {} · ≤{}/wk",
                c.name,
                format::yuan(c.unit_price),
                c.unit,
                c.min_minutes,
                c.qualification.text().render(l),
                c.max_per_week
            );
            put(format!("{} · {}", m::ui_catalogue().render(l), c.code), terms);
        }
        for (k, val) in settings(d, l) {
            put(k.render(l), val);
        }
    }
    rows.into_iter().map(|(k, (x, y))| (k, x, y)).collect()
}

fn rate_key(r: &Rate, l: Lang) -> String {
    let schemes = if r.schemes.is_empty() {
        m::ui_all_schemes().render(l)
    } else {
        r.schemes.iter().map(|s| s.text().render(l)).collect::<Vec<_>>().join("、")
    };
    let tier = r.tier.map(|t| format!(" · {}", m::ui_hospital_tier(t).render(l))).unwrap_or_default();
    format!("{schemes} · {} · {}{tier}", r.mode.text().render(l), levels(&r.levels))
}

fn rate_terms(r: &Rate, l: Lang) -> String {
    let amount = r.amount.map(|a| format!(" {}", format::yuan(a))).unwrap_or_default();
    let cap =
        r.monthly_cap.map(|c| format!(" · {}", m::ui_monthly_cap_of(format::yuan(c)).render(l))).unwrap_or_default();
    format!(
        "{}{amount} · {} {}{cap}",
        basis_text(r.basis).render(l),
        m::ui_fund_share().render(l),
        percent(r.fund_share)
    )
}

fn rates_table(d: &PolicyDocument, l: Lang) -> Element {
    rsx! {
        table {
            thead { tr {
                th { scope: "col", {m::ui_scheme().render(l)} }
                th { scope: "col", {m::ui_care_mode().render(l)} }
                th { scope: "col", {m::ui_levels().render(l)} }
                th { scope: "col", {m::ui_tier().render(l)} }
                th { scope: "col", {m::ui_payment_basis().render(l)} }
                th { scope: "col", class: "num", {m::ui_rate_amount().render(l)} }
                th { scope: "col", class: "num", {m::ui_fund_share().render(l)} }
                th { scope: "col", class: "num", {m::ui_monthly_cap().render(l)} }
            } }
            tbody {
                for r in d.rates.iter() {
                    tr {
                        td { {if r.schemes.is_empty() { m::ui_all_schemes().render(l) } else { r.schemes.iter().map(|s| s.text().render(l)).collect::<Vec<_>>().join("、") }} }
                        td { {r.mode.text().render(l)} }
                        td { {levels(&r.levels)} }
                        td { {r.tier.map(|t| m::ui_hospital_tier(t).render(l)).unwrap_or_else(|| "—".into())} }
                        td { {basis_text(r.basis).render(l)} }
                        td { class: "num", {r.amount.map(format::yuan).unwrap_or_else(|| "—".into())} }
                        td { class: "num", {percent(r.fund_share)} }
                        td { class: "num", {r.monthly_cap.map(format::yuan).unwrap_or_else(|| "—".into())} }
                    }
                }
            }
        }
    }
}

/// The document's rules beyond rates and catalogue, as (what, value).
fn settings(d: &PolicyDocument, l: Lang) -> Vec<(Text, String)> {
    let yes_no = |b: bool| if b { m::ui_yes().render(l) } else { m::ui_no().render(l) };
    let a = &d.assessment;
    let mo = &d.monitoring;
    vec![
        (m::ui_reserve_share(), percent(d.reserve_share)),
        (m::ui_quality_withholding(), percent(d.quality_withholding)),
        (m::ui_rule_min_assessors(), a.min_assessors.to_string()),
        (m::ui_rule_publicity_days(), a.publicity_days.to_string()),
        (m::ui_rule_validity_months(), a.validity_months.to_string()),
        (m::ui_rule_appeal_window_days(), a.appeal_window_days.to_string()),
        (m::ui_rule_min_contribution_months(), a.min_contribution_months.to_string()),
        (m::ui_rule_recertify_after_months(), a.recertify_after_months.to_string()),
        (m::ui_rule_geofence(), mo.geofence_radius_m.to_string()),
        (m::ui_rule_duration_tolerance(), format!("{}%", mo.duration_tolerance_pct)),
        (m::ui_rule_travel_speed(), mo.max_travel_speed_kmh.to_string()),
        (m::ui_rule_submitter_not_auditor(), yes_no(d.duties.submitter_not_auditor)),
        (m::ui_rule_auditor_not_approver(), yes_no(d.duties.auditor_not_approver)),
        (m::ui_rule_approver_not_payer(), yes_no(d.duties.approver_not_payer)),
    ]
}

fn levels(levels: &[u8]) -> String {
    if levels.is_empty() { "—".into() } else { levels.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("、") }
}

fn percent(share: rust_decimal::Decimal) -> String {
    format!("{}%", (share * rust_decimal::Decimal::from(100)).normalize())
}

fn basis_text(b: PaymentBasis) -> Text {
    match b {
        PaymentBasis::CappedPerDay => m::ui_basis_capped_per_day(),
        PaymentBasis::PerItem => m::ui_basis_per_item(),
        PaymentBasis::FlatPerDay => m::ui_basis_flat_per_day(),
    }
}
