//! 数据导入: the imports as upload pages — the contributions file, the partner systems' events
//! and the go-live registers. Each file is checked whole by the same function the API calls: a
//! file with any bad line is refused with every problem listed by line and column and nothing
//! written; an accepted one shows what it did.

use axum::extract::{Path, State};
use dioxus::prelude::*;
use ltci_shared::api::imports::ImportKind;
use ltci_shared::messages as m;
use ltci_shared::text::Text;

use crate::auth::Permission;
use crate::console::error::{PageResult, Refusal};
use crate::console::html::{self, Notice, Page};
use crate::console::session::Ctx;
use crate::console::upload::Uploaded;
use crate::http::error::ApiError;
use crate::state::AppState;

/// One kind of file the page takes: its address, its name, who may send it.
struct Kind {
    slug: &'static str,
    label: Text,
    hint: Text,
    permission: Permission,
}

fn kinds() -> Vec<Kind> {
    let mut out = vec![
        Kind {
            slug: "contributions",
            label: m::ui_import_contributions(),
            hint: m::ui_import_contributions_hint(),
            permission: Permission::PostFunding,
        },
        Kind {
            slug: "partner-events",
            label: m::ui_import_partner_events(),
            hint: m::ui_import_partner_events_hint(),
            permission: Permission::ImportPartnerEvents,
        },
    ];
    for k in ImportKind::ALL {
        out.push(Kind {
            slug: k.as_str(),
            label: k.text(),
            hint: m::ui_import_register_hint(),
            permission: Permission::ImportRegisters,
        });
    }
    out
}

/// The upload forms the actor may use.
pub async fn show(ctx: Ctx) -> PageResult {
    render(&ctx, None, Notice::default(), Vec::new())
}

/// Checks and imports one file; the page again with what it did or every problem.
pub async fn upload(State(state): State<AppState>, Path(slug): Path<String>, up: Uploaded) -> PageResult {
    let ctx = up.ctx.clone();
    let kind = kinds().into_iter().find(|k| k.slug == slug).ok_or_else(|| ApiError::not_found(m::thing_import()))?;
    ctx.actor.require(kind.permission)?;
    let Some(file) = &up.file else {
        let e = ApiError::invalid_field("file", "required", m::ui_choose_file());
        return render(&ctx, Some(kind.slug), Notice::refused(&e, ctx.lang), Vec::new());
    };
    let a = &ctx.actor;
    let l = ctx.lang;
    let done: Result<Vec<(Text, String)>, ApiError> = match kind.slug {
        "contributions" => {
            crate::funding::import::import_contributions(&state.db, &state.pii, a, &file.bytes[..], &mut |_, _, _| {})
                .await
                .map(|o| {
                    vec![
                        (m::ui_lines_in_file(), o.lines.to_string()),
                        (m::ui_lines_posted(), o.posted.to_string()),
                        (m::ui_lines_already_posted(), o.already_posted.to_string()),
                        (m::ui_amount_posted(), crate::console::format::yuan(o.posted_amount)),
                        (m::ui_file_sha256(), o.file_sha256),
                    ]
                })
        }
        "partner-events" => crate::care::partners::import_csv(&state, a, &file.bytes).await.map(|o| {
            vec![
                (m::ui_events_applied(), o.applied.to_string()),
                (m::ui_events_duplicates(), o.duplicates.to_string()),
                (m::ui_events_unmatched(), o.unmatched.to_string()),
                (m::ui_visits_reverified(), o.visits_reverified.to_string()),
                (m::ui_plans_ended(), o.plans_ended.to_string()),
                (m::ui_stays_discharged(), o.stays_discharged.to_string()),
            ]
        }),
        other => {
            let register = ImportKind::ALL
                .into_iter()
                .find(|k| k.as_str() == other)
                .ok_or_else(|| ApiError::not_found(m::thing_import()))?;
            crate::imports::import(&state, a, register, &file.bytes, &mut |_, _, _| {}).await.map(|o| {
                vec![
                    (m::ui_lines_in_file(), o.lines.to_string()),
                    (m::ui_records_created(), o.created.to_string()),
                    (m::ui_records_unchanged(), o.unchanged.to_string()),
                    (m::ui_file_sha256(), o.file_sha256),
                ]
            })
        }
    };
    match done {
        Ok(rows) => render(&ctx, Some(kind.slug), Notice::done(m::ui_done_imported(&file.name), l), rows),
        Err(e) if Notice::belongs_on_page(&e) => render(&ctx, Some(kind.slug), Notice::refused(&e, l), Vec::new()),
        Err(e) => Err(Refusal::Api(e)),
    }
}

/// A problem's place as people read it: `lines[12].id_number` → (12, id_number).
fn place(key: &str) -> (String, String) {
    match key.strip_prefix("lines[").and_then(|r| r.split_once(']')) {
        Some((n, rest)) => (n.to_owned(), rest.trim_start_matches('.').to_owned()),
        None => (String::new(), key.to_owned()),
    }
}

fn render(ctx: &Ctx, sent: Option<&str>, notice: Notice, outcome: Vec<(Text, String)>) -> PageResult {
    let l = ctx.lang;
    let allowed: Vec<Kind> = kinds().into_iter().filter(|k| ctx.actor.can(k.permission)).collect();
    if allowed.is_empty() {
        return Err(Refusal::Api(ApiError::forbidden()));
    }
    let problems: Vec<(String, String, String)> = notice
        .fields
        .iter()
        .map(|(k, why)| {
            let (line, column) = place(k);
            (line, column, why.clone())
        })
        .collect();
    // Listed once, in the table below, however many there are.
    let notice = Notice { fields: Vec::new(), ..notice };
    let body = rsx! {
        p { class: "muted", {m::ui_imports_hint().render(l)} }
        if !outcome.is_empty() {
            table { class: "outcome",
                tbody {
                    for (k, v) in outcome.iter() {
                        tr { th { scope: "row", {k.render(l)} } td { "{v}" } }
                    }
                }
            }
        }
        if !problems.is_empty() {
            table { class: "problems",
                caption { {m::ui_problems_found(problems.len()).render(l)} }
                thead { tr {
                    th { scope: "col", class: "num", {m::ui_line().render(l)} }
                    th { scope: "col", {m::ui_column().render(l)} }
                    th { scope: "col", {m::ui_problem().render(l)} }
                } }
                tbody {
                    for (line, column, why) in problems.iter() {
                        tr { td { class: "num", "{line}" } td { code { "{column}" } } td { "{why}" } }
                    }
                }
            }
        }
        for k in allowed.iter() {
            form { class: if sent == Some(k.slug) { "step current" } else { "step" }, method: "post", action: "/imports/{k.slug}", enctype: "multipart/form-data",
                h2 { {k.label.render(l)} }
                {html::csrf(ctx)}
                div { class: "field",
                    label { r#for: "file-{k.slug}", {m::ui_csv_file().render(l)} }
                    input { id: "file-{k.slug}", r#type: "file", name: "file", required: true, accept: ".csv,text/csv" }
                }
                p { class: "muted", {k.hint.render(l)} }
                button { r#type: "submit", {m::ui_check_and_import().render(l)} }
            }
        }
    };
    Ok(html::respond(ctx, Page::new("/imports", m::ui_imports().render(l), body).with_notice(notice)))
}
