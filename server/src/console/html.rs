//! The console's page frame: the document, the agency's heading, the left menu by role, the
//! breadcrumb, notices, forms' common parts and the print footer; rendered on the server with
//! dioxus (`dioxus-ssr`), answered with the headers every console page carries.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dioxus::prelude::*;
use ltci_shared::messages as m;
use ltci_shared::text::{Lang, Text};

use super::error::PageResult;
use super::menu;
use super::session::Ctx;
use crate::http::error::ApiError;

/// The stylesheet's and script's addresses (versioned by the build, so browsers may cache them).
pub const CSS: &str = concat!("/static/console.css?v=", env!("CARGO_PKG_VERSION"));
pub const JS: &str = concat!("/static/console.js?v=", env!("CARGO_PKG_VERSION"));

/// What a page says above its content after an action: done, or refused (with the fields).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notice {
    pub done: Option<String>,
    pub refused: Option<String>,
    /// Field name → why it was refused, shown next to the field.
    pub fields: Vec<(String, String)>,
}

impl Notice {
    pub fn done(text: Text, lang: Lang) -> Notice {
        Notice { done: Some(text.render(lang)), ..Notice::default() }
    }

    /// What a page says after a step redirected to it with `?done=<key>`: the one of `steps`
    /// with that key (nothing for another key: the address cannot make a page say anything else).
    pub fn after(done: Option<&str>, steps: &[fn() -> Text], lang: Lang) -> Notice {
        steps.iter().map(|f| f()).find(|t| Some(t.key()) == done).map(|t| Notice::done(t, lang)).unwrap_or_default()
    }

    /// A refusal of the service: its message, and each field's reason for the field.
    pub fn refused(e: &ApiError, lang: Lang) -> Notice {
        // A refusal naming fields says so above, and each field's reason beside the field.
        let message = if e.code() == ltci_shared::error::codes::VALIDATION_FAILED {
            m::ui_check_fields().render(lang)
        } else {
            e.message().render(lang)
        };
        Notice {
            refused: Some(message),
            fields: e.details().iter().map(|(k, v)| (k.clone(), v.text.render(lang))).collect(),
            done: None,
        }
    }

    /// Whether a step's refusal is shown on its page (a bad field, a state that moved on, a rule
    /// such as the separation of duties, a file sent too large or of a type not taken) rather than
    /// as an error page (not found, not allowed).
    pub fn belongs_on_page(e: &ApiError) -> bool {
        match e.status() {
            StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::CONFLICT
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNSUPPORTED_MEDIA_TYPE => true,
            StatusCode::FORBIDDEN => e.code() != ltci_shared::error::codes::FORBIDDEN,
            _ => false,
        }
    }

    /// The refusal of one of several forms of a page: its fields put under `form` (see
    /// [`Notice::of_form`]), so the page's other forms do not show them.
    pub fn for_form(mut self, form: &str) -> Notice {
        for (k, _) in &mut self.fields {
            *k = format!("{form}/{k}");
        }
        self
    }

    /// What a refusal says to the form `form` of a page: its own fields, by their names.
    pub fn of_form(&self, form: &str) -> Notice {
        let prefix = format!("{form}/");
        let fields = self
            .fields
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|k| (k.to_owned(), v.clone())))
            .collect();
        Notice { fields, ..self.clone() }
    }

    /// Why `field` was refused, if it was.
    pub fn field(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == field).map(|(_, v)| v.as_str())
    }
}

/// After a step: its page's own address with `done=<key>`, so a reload does not send the form
/// again and the page says what was done (`Notice::after`).
pub fn done_at(path: &str, text: Text) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    axum::response::Redirect::to(&format!("{path}{sep}done={}", text.key())).into_response()
}

/// A refused step: its page again with the refusal (`render`) when it belongs there, else the
/// error page.
pub async fn refused_on_page<F: Future<Output = PageResult>>(
    e: ApiError,
    lang: Lang,
    render: impl FnOnce(Notice) -> F,
) -> PageResult {
    if Notice::belongs_on_page(&e) { render(Notice::refused(&e, lang)).await } else { Err(e.into()) }
}

/// One page of the console: where it is, what it is called, what it shows.
#[derive(Debug)]
pub struct Page {
    /// The menu entry it belongs to (its path).
    pub section: &'static str,
    pub title: String,
    /// Parent pages above it (label, address); the page itself ends the trail.
    pub trail: Vec<(String, String)>,
    pub notice: Notice,
    pub body: Element,
    /// Whether the page prints as a document with signature lines (bills, certificates).
    pub signed_print: bool,
    /// Seconds after which the browser loads the page again (a run in progress), without script.
    pub refresh_secs: Option<u32>,
    /// Links into the audit trail: the history of what the page shows, or of what a user did
    /// (shown to those who may read the trail).
    pub history: Vec<(Text, String)>,
}

impl Page {
    pub fn new(section: &'static str, title: impl Into<String>, body: Element) -> Page {
        Page {
            section,
            title: title.into(),
            trail: Vec::new(),
            notice: Notice::default(),
            body,
            signed_print: false,
            refresh_secs: None,
            history: Vec::new(),
        }
    }

    /// Links the page to the audit trail's history of `entity_type` `id` (变更历史).
    pub fn with_history(mut self, entity_type: &str, id: impl std::fmt::Display) -> Page {
        self.history.push((m::ui_history_of_entity(), history_href(entity_type, &id.to_string())));
        self
    }

    /// Links the page to everything user `username` did, in the audit trail (操作记录).
    pub fn with_actions_of(mut self, username: &str) -> Page {
        self.history.push((m::ui_actions_of_user(), actions_href(username)));
        self
    }

    pub fn refreshing(mut self, secs: u32) -> Page {
        self.refresh_secs = Some(secs);
        self
    }

    pub fn under(mut self, label: impl Into<String>, href: impl Into<String>) -> Page {
        self.trail.push((label.into(), href.into()));
        self
    }

    pub fn with_notice(mut self, notice: Notice) -> Page {
        self.notice = notice;
        self
    }

    pub fn signed(mut self) -> Page {
        self.signed_print = true;
        self
    }
}

/// The audit trail's page of one object's history.
pub fn history_href(entity_type: &str, id: &str) -> String {
    format!(
        "/audit?{}",
        query_of(&[("entity_type", &Some(entity_type.to_owned())), ("entity_id", &Some(id.to_owned()))])
    )
}

/// The audit trail's page of everything one user did.
pub fn actions_href(username: &str) -> String {
    format!("/audit?{}", query_of(&[("actor", &Some(username.to_owned()))]))
}

/// The answer for a page: 200, or `status` for a page shown again with a refusal.
pub fn respond(ctx: &Ctx, page: Page) -> Response {
    let status = if page.notice.refused.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let refresh = page.refresh_secs;
    document(status, ctx.lang, &page.title.clone(), refresh, frame(ctx, page))
}

fn frame(ctx: &Ctx, page: Page) -> Element {
    let l = ctx.lang;
    let home = m::ui_home().render(l);
    let other_lang = if l == Lang::Zh { "en" } else { "zh" };
    let other_label = if l == Lang::Zh { "English" } else { "中文" };
    let role = super::labels::role(ctx.actor.role).render(l);
    let heading = m::ui_system_name(&ctx.region_name).render(l);
    let notice = page.notice.clone();
    let items = menu::for_actor(&ctx.actor);
    let csrf = ctx.csrf.clone();
    rsx! {
        a { class: "skip", href: "#main", {m::ui_skip_to_content().render(l)} }
        header { class: "top",
            span { class: "brand", "{heading}" }
            span { class: "who", "{ctx.actor.username} · {role}" }
            form { method: "post", action: "/language", class: "inline",
                input { r#type: "hidden", name: "_csrf", value: "{csrf}" }
                input { r#type: "hidden", name: "lang", value: "{other_lang}" }
                input { r#type: "hidden", name: "back", value: "{page.section}" }
                button { r#type: "submit", class: "link", lang: "{other_lang}", "{other_label}" }
            }
            form { method: "post", action: "/logout", class: "inline",
                input { r#type: "hidden", name: "_csrf", value: "{csrf}" }
                button { r#type: "submit", class: "link", {m::ui_sign_out().render(l)} }
            }
        }
        div { class: "layout",
            nav { class: "menu", aria_label: m::ui_main_menu().render(l),
                ul {
                    for item in items {
                        li {
                            if item.path == page.section {
                                a { href: item.path, aria_current: "page", class: "current", {item.label.render(l)} }
                            } else {
                                a { href: item.path, {item.label.render(l)} }
                            }
                        }
                    }
                }
            }
            main { id: "main",
                nav { class: "crumbs", aria_label: m::ui_breadcrumb().render(l),
                    ol {
                        if page.section != "/" || !page.trail.is_empty() {
                            li { a { href: "/", "{home}" } }
                        }
                        for (label, href) in page.trail.iter() {
                            li { a { href: "{href}", "{label}" } }
                        }
                        li { aria_current: "page", "{page.title}" }
                    }
                }
                p { class: "print-only agency", "{heading}" }
                h1 { "{page.title}" }
                {notice_box(&notice)}
                {page.body}
                if ctx.actor.can(crate::auth::Permission::ReadAuditTrail) && !page.history.is_empty() {
                    p { class: "history no-print",
                        for (label, href) in page.history.iter() {
                            a { href: "{href}", {label.render(l)} }
                            " "
                        }
                    }
                }
                if page.signed_print {
                    footer { class: "print-only signatures",
                        span { {m::ui_sign_officer().render(l)} }
                        span { {m::ui_sign_reviewer().render(l)} }
                        span { {m::ui_sign_date().render(l)} }
                    }
                }
            }
        }
    }
}

fn notice_box(n: &Notice) -> Element {
    rsx! {
        if let Some(done) = &n.done {
            p { class: "notice done", role: "status", "{done}" }
        }
        if let Some(refused) = &n.refused {
            div { class: "notice refused", role: "alert",
                p { "{refused}" }
                if !n.fields.is_empty() {
                    ul {
                        for (_, why) in n.fields.iter() {
                            li { "{why}" }
                        }
                    }
                }
            }
        }
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf(ctx: &Ctx) -> Element {
    rsx! { input { r#type: "hidden", name: "_csrf", value: "{ctx.csrf}" } }
}

/// A labelled text input with the refusal of its field beside it.
pub fn text_field(name: &str, label: &str, value: &str, notice: &Notice, required: bool) -> Element {
    input_field("text", &format!("f-{name}"), name, label, value, notice, required)
}

/// A labelled, empty text input of one of several forms on a page, under its own `id`.
pub fn text_field_at(id: &str, name: &str, label: &str, notice: &Notice, required: bool) -> Element {
    input_field("text", id, name, label, "", notice, required)
}

/// A labelled password input (never filled in again) with its field's refusal beside it.
pub fn password_field(name: &str, label: &str, notice: &Notice) -> Element {
    input_field("password", &format!("f-{name}"), name, label, "", notice, true)
}

/// A labelled date input (YYYY-MM-DD) with its field's refusal beside it.
pub fn date_field(name: &str, label: &str, value: &str, notice: &Notice) -> Element {
    input_field("date", &format!("f-{name}"), name, label, value, notice, false)
}

fn input_field(kind: &str, id: &str, name: &str, label: &str, value: &str, notice: &Notice, required: bool) -> Element {
    let err_id = format!("e-{}", id.strip_prefix("f-").unwrap_or(id));
    let why = notice.field(name).map(str::to_owned);
    rsx! {
        div { class: if why.is_some() { "field invalid" } else { "field" },
            label { r#for: "{id}", "{label}" }
            input { id: "{id}", r#type: "{kind}", name: "{name}", value: "{value}", required: required,
                aria_invalid: if why.is_some() { "true" } else { "false" },
                aria_describedby: if why.is_some() { "{err_id}" } else { "" } }
            if let Some(why) = &why {
                span { id: "{err_id}", class: "why", "{why}" }
            }
        }
    }
}

/// A labelled choice among `options` (value, label), the first one `—` unless `required`, with
/// its field's refusal beside it.
pub fn select_field(
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
    notice: &Notice,
    required: bool,
) -> Element {
    let id = format!("f-{name}");
    let why = notice.field(name).map(str::to_owned);
    rsx! {
        div { class: if why.is_some() { "field invalid" } else { "field" },
            label { r#for: "{id}", "{label}" }
            select { id: "{id}", name: "{name}", required: required,
                if !required { option { value: "", "—" } }
                for (value, text) in options.iter() {
                    option { value: "{value}", selected: value == selected, "{text}" }
                }
            }
            if let Some(why) = &why {
                span { class: "why", "{why}" }
            }
        }
    }
}

/// A labelled multi-line input (a reason) with its field's refusal beside it.
pub fn reason_field(name: &str, label: &str, notice: &Notice) -> Element {
    reason_field_at(&format!("f-{name}-{}", label.len()), name, label, notice)
}

/// A labelled multi-line input of one of several forms on a page, under its own `id`.
pub fn reason_field_at(id: &str, name: &str, label: &str, notice: &Notice) -> Element {
    let why = notice.field(name).map(str::to_owned);
    rsx! {
        div { class: if why.is_some() { "field invalid" } else { "field" },
            label { r#for: "{id}", "{label}" }
            textarea { id: "{id}", name: "{name}", rows: "2", required: true, maxlength: "500" }
            if let Some(why) = &why {
                span { class: "why", "{why}" }
            }
        }
    }
}

/// A value of the API's closed lists (a status, a rejection code) from a filter's text; none for
/// an empty or unknown one.
pub fn choice<T: serde::de::DeserializeOwned>(v: &Option<String>) -> Option<T> {
    v.as_deref().filter(|v| !v.is_empty()).and_then(|v| serde_json::from_value(serde_json::Value::from(v)).ok())
}

/// The refusal of a form's field left empty.
pub fn missing(field: &str) -> ApiError {
    ApiError::invalid_field(field, "required", m::field_required(field.to_owned()))
}

/// A required value of the API's closed lists (a mode, a reason) from a form's text; refused on
/// `field` when empty or unknown.
pub fn required_choice<T: serde::de::DeserializeOwned>(field: &str, text: &str) -> Result<T, ApiError> {
    choice(&Some(text.to_owned())).ok_or_else(|| missing(field))
}

/// A form's required day (`YYYY-MM-DD`), checked by the API's rules.
pub fn required_day(field: &str, text: &str) -> Result<chrono::NaiveDate, ApiError> {
    day_of(field, text)?.ok_or_else(|| missing(field))
}

/// A form's amount of money (yuan), checked by the API's rules; the refusal names `field`.
pub fn money_of(field: &str, text: &str) -> Result<rust_decimal::Decimal, ApiError> {
    ltci_shared::strict::parse_money(text.trim())
        .map_err(|(code, key)| ApiError::invalid_field(field, code, ltci_shared::strict::text_of(code, key)))
}

/// A form's optional record id: none when empty; one that is not an id becomes the nil id, which
/// the service refuses as unknown on its field.
pub fn optional_id(text: &str) -> Option<uuid::Uuid> {
    match text.trim() {
        "" => None,
        t => Some(t.parse().unwrap_or_default()),
    }
}

/// A form's optional day (`YYYY-MM-DD`, none when empty), checked by the API's rules.
pub fn day_of(field: &str, text: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
    match text.trim() {
        "" => Ok(None),
        t => ltci_shared::strict::parse_day(t)
            .map(Some)
            .map_err(|(code, key)| ApiError::invalid_field(field, code, ltci_shared::strict::text_of(code, key))),
    }
}

/// A list's filters as a query string for its pager's links (empty filters left out).
pub fn query_of(filters: &[(&str, &Option<String>)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in filters {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            q.append_pair(k, v);
        }
    }
    q.finish()
}

/// Links to the previous and next page of a list, keeping its filters (`query` without paging).
pub fn pager(l: Lang, path: &str, query: &str, offset: u64, limit: u64, total: u64) -> Element {
    let sep = if query.is_empty() { "" } else { "&" };
    let prev = (offset > 0).then(|| format!("{path}?{query}{sep}offset={}", offset.saturating_sub(limit)));
    let next = (offset + limit < total).then(|| format!("{path}?{query}{sep}offset={}", offset + limit));
    let from = if total == 0 { 0 } else { offset + 1 };
    let to = Ord::min(offset + limit, total);
    let shown = m::ui_showing(super::format::count(from), super::format::count(to), super::format::count(total));
    rsx! {
        nav { class: "pager", aria_label: m::ui_pages().render(l),
            span { {shown.render(l)} }
            if let Some(p) = prev { a { href: "{p}", rel: "prev", {m::ui_previous_page().render(l)} } }
            if let Some(n) = next { a { href: "{n}", rel: "next", {m::ui_next_page().render(l)} } }
        }
    }
}

/// A page outside the frame (signed out, or an error before the frame can be drawn).
pub fn bare(status: StatusCode, lang: Lang, title: &str, body: Element) -> Response {
    document(status, lang, title, None, rsx! { main { id: "main", class: "bare", {body} } })
}

/// The page for a refusal: what went wrong, and the way back.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let l = crate::language::current();
    let title = match status {
        StatusCode::FORBIDDEN => m::ui_forbidden_title().render(l),
        StatusCode::NOT_FOUND => m::ui_not_found_title().render(l),
        s if s.is_server_error() => m::ui_server_error_title().render(l),
        _ => m::ui_refused_title().render(l),
    };
    bare(
        status,
        l,
        &title.clone(),
        rsx! {
            h1 { "{title}" }
            p { class: "notice refused", role: "alert", "{message}" }
            p { a { href: "/", {m::ui_back_home().render(l)} } }
        },
    )
}

fn document(status: StatusCode, lang: Lang, title: &str, refresh: Option<u32>, body: Element) -> Response {
    let html_lang = if lang == Lang::Zh { "zh-CN" } else { "en" };
    let suffix = m::ui_product().render(lang);
    let inner = dioxus_ssr::render_element(rsx! {
        head {
            meta { charset: "utf-8" }
            meta { name: "viewport", content: "width=device-width, initial-scale=1" }
            if let Some(secs) = refresh { meta { http_equiv: "refresh", content: "{secs}" } }
            title { "{title} · {suffix}" }
            link { rel: "stylesheet", href: CSS }
            script { src: JS, defer: true }
        }
        body { {body} }
    });
    let html = format!("<!DOCTYPE html><html lang=\"{html_lang}\">{inner}</html>");
    let mut resp = (status, html).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    secure_headers(h);
    resp
}

/// What every console answer carries: no caching (pages show personal data), a
/// Content-Security-Policy that allows only the console's own stylesheet, script and images (no
/// inline script, no other site), no framing, no sniffing, no referrer.
pub fn secure_headers(h: &mut axum::http::HeaderMap) {
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}
