//! 政策测算: a draft policy document priced over past months — the form (the draft file and the
//! months), then each month now against the draft as a chart and a table, each institution's
//! difference, each fund's months covered, and the rows as a CSV download. It calls the function
//! the API calls; nothing is written.

use std::collections::BTreeMap;

use axum::extract::State;
use base64::Engine;
use dioxus::prelude::*;
use ltci_shared::api::settlement::{WhatIfQuery, WhatIfReport};
use ltci_shared::messages as m;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Notice, Page};
use crate::console::session::Ctx;
use crate::console::upload::Uploaded;
use crate::settlement::what_if;
use crate::state::AppState;

/// The form, the last whole month preselected.
pub async fn form(ctx: Ctx) -> PageResult {
    ctx.actor.require(crate::auth::Permission::ManagePolicy)?;
    let last = format::last_month(ctx.actor.today);
    Ok(render(&ctx, &WhatIfQuery { from: Some(last.clone()), to: Some(last) }, None, Notice::default()))
}

/// Runs the what-if of the uploaded draft: the form again with the report below it, or with every
/// problem.
pub async fn run(State(state): State<AppState>, up: Uploaded) -> PageResult {
    let ctx = up.ctx.clone();
    let q = WhatIfQuery { from: Some(up.field("from").to_owned()), to: Some(up.field("to").to_owned()) };
    let draft = super::policies::uploaded_document(&up)
        .and_then(|(bytes, format)| crate::policy::service::read_file(bytes, format));
    let done = match draft {
        Ok(draft) => Box::pin(what_if::run(&state, &ctx.actor, q.clone(), draft, &mut |_, _| {})).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(report) => {
            let names = what_if::institution_names(&state, &ctx.actor, &report).await?;
            let csv = what_if::csv(&report, &names)?;
            Ok(render(&ctx, &q, Some((&report, &names, csv)), Notice::default()))
        }
        Err(e) => html::refused_on_page(e, ctx.lang, |n| async { Ok(render(&ctx, &q, None, n)) }).await,
    }
}

type Shown<'a> = (&'a WhatIfReport, &'a std::collections::HashMap<Uuid, String>, String);

fn render(ctx: &Ctx, q: &WhatIfQuery, shown: Option<Shown<'_>>, notice: Notice) -> axum::response::Response {
    let l = ctx.lang;
    let why = |f: &str| notice.field(f).map(str::to_owned);
    let (why_file, why_from, why_to) = (why("document"), why("from"), why("to"));
    let problems: Vec<(String, String)> =
        notice.fields.iter().filter(|(k, _)| !["document", "from", "to"].contains(&k.as_str())).cloned().collect();
    let notice = Notice { fields: Vec::new(), ..notice };
    let class = |w: &Option<String>| if w.is_some() { "field invalid" } else { "field" };
    let body = rsx! {
        form { class: "step", method: "post", action: "/policies/what-if", enctype: "multipart/form-data",
            {html::csrf(ctx)}
            p { class: "muted", {m::ui_what_if_hint().render(l)} }
            div { class: class(&why_file),
                label { r#for: "f-file", {m::ui_draft_file().render(l)} }
                input { id: "f-file", r#type: "file", name: "file", required: true, accept: ".toml,.json,application/toml,application/json" }
                if let Some(w) = &why_file { span { class: "why", "{w}" } }
            }
            div { class: class(&why_from),
                label { r#for: "f-from", {m::ui_from_month().render(l)} }
                input { id: "f-from", r#type: "month", name: "from", required: true, value: q.from.clone().unwrap_or_default() }
                if let Some(w) = &why_from { span { class: "why", "{w}" } }
            }
            div { class: class(&why_to),
                label { r#for: "f-to", {m::ui_to_month().render(l)} }
                input { id: "f-to", r#type: "month", name: "to", required: true, value: q.to.clone().unwrap_or_default() }
                if let Some(w) = &why_to { span { class: "why", "{w}" } }
            }
            button { r#type: "submit", {m::ui_run_what_if().render(l)} }
        }
        if !problems.is_empty() {
            {super::policies::problems_table(m::ui_problems_in_draft(problems.len()), &problems, l)}
        }
        if let Some((report, names, csv)) = shown {
            {report_view(ctx, report, names, &csv)}
        }
    };
    let page = Page::new("/policies", m::ui_what_if().render(l), body).under(m::ui_policies().render(l), "/policies");
    html::respond(ctx, page.with_notice(notice))
}

fn report_view(ctx: &Ctx, r: &WhatIfReport, names: &std::collections::HashMap<Uuid, String>, csv: &str) -> Element {
    let l = ctx.lang;
    let chart = what_if::chart(&m::ui_what_if_chart(&r.draft_name).render(l), r, l)
        .map(|svg| format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)))
        .unwrap_or_default();
    let download =
        format!("data:text/csv;charset=utf-8;base64,{}", base64::engine::general_purpose::STANDARD.encode(csv));
    let file_name = format!("what-if-{}-{}.csv", r.from, r.to);
    // Each institution over the months, the largest difference first.
    let mut by_institution: BTreeMap<Uuid, (Decimal, Decimal, Decimal)> = BTreeMap::new();
    for row in &r.rows {
        let t = by_institution.entry(row.institution_id).or_default();
        (t.0, t.1, t.2) = (t.0 + row.paid, t.1 + row.now, t.2 + row.draft);
    }
    let mut institutions: Vec<(Uuid, (Decimal, Decimal, Decimal))> = by_institution.into_iter().collect();
    institutions.sort_by(|a, b| (b.1.2 - b.1.1).abs().cmp(&(a.1.2 - a.1.1).abs()).then(a.0.cmp(&b.0)));
    let total = r
        .months
        .iter()
        .fold((Decimal::ZERO, Decimal::ZERO, Decimal::ZERO), |t, mo| (t.0 + mo.paid, t.1 + mo.now, t.2 + mo.draft));
    let covered = |v: Option<Decimal>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
    rsx! {
        h2 { {m::ui_what_if_of(&r.draft_name, format::day(r.draft_effective_from)).render(l)} }
        img { class: "chart", src: "{chart}", alt: m::ui_what_if_chart(&r.draft_name).render(l), width: "900", height: "420" }
        table {
            caption { {m::ui_what_if_by_month().render(l)} }
            thead { tr {
                th { scope: "col", {m::ui_month().render(l)} }
                th { scope: "col", class: "num", {m::ui_lines().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_paid().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_now().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_draft().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_difference().render(l)} }
            } }
            tbody {
                for mo in r.months.iter() {
                    tr {
                        td { "{mo.month}" }
                        td { class: "num", "{mo.lines}" }
                        td { class: "num", {format::yuan(mo.paid)} }
                        td { class: "num", {format::yuan(mo.now)} }
                        td { class: "num", {format::yuan(mo.draft)} }
                        td { class: "num", {format::yuan(mo.draft - mo.now)} }
                    }
                }
                tr {
                    th { scope: "row", {m::ui_total().render(l)} }
                    td {}
                    td { class: "num", {format::yuan(total.0)} }
                    td { class: "num", {format::yuan(total.1)} }
                    td { class: "num", {format::yuan(total.2)} }
                    td { class: "num", {format::yuan(total.2 - total.1)} }
                }
            }
        }
        table {
            caption { {m::ui_what_if_funds().render(l)} }
            thead { tr {
                th { scope: "col", {m::ui_scheme().render(l)} }
                th { scope: "col", class: "num", {m::ui_balance().render(l)} }
                th { scope: "col", class: "num", {m::ui_months_covered().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_now_monthly().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_now_covered().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_draft_monthly().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_draft_covered().render(l)} }
            } }
            tbody {
                for f in r.funds.iter() {
                    tr {
                        td { {f.scheme.text().render(l)} }
                        td { class: "num", {format::yuan(f.balance)} }
                        td { class: "num", {covered(f.months_covered)} }
                        td { class: "num", {format::yuan(f.now_monthly)} }
                        td { class: "num", {covered(f.now_months_covered)} }
                        td { class: "num", {format::yuan(f.draft_monthly)} }
                        td { class: "num", {covered(f.draft_months_covered)} }
                    }
                }
            }
        }
        table {
            caption { {m::ui_what_if_by_institution().render(l)} }
            thead { tr {
                th { scope: "col", {m::ui_institution().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_paid().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_now().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_draft().render(l)} }
                th { scope: "col", class: "num", {m::ui_what_if_difference().render(l)} }
            } }
            tbody {
                for (id, t) in institutions.iter() {
                    tr {
                        td { a { href: "/institutions/{id}", {names.get(id).cloned().unwrap_or_else(|| id.to_string())} } }
                        td { class: "num", {format::yuan(t.0)} }
                        td { class: "num", {format::yuan(t.1)} }
                        td { class: "num", {format::yuan(t.2)} }
                        td { class: "num", {format::yuan(t.2 - t.1)} }
                    }
                }
            }
        }
        p { a { href: "{download}", download: "{file_name}", {m::ui_what_if_download().render(l)} } }
    }
}
