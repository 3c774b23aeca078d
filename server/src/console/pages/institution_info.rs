//! 机构信息, what an institution keeps and reads about itself: the profile form (address,
//! contact, staff counts, legal representative), its documents with their review and the upload form, the agreement's
//! term, and what its evaluations and violations mean for the quality deposit.

use axum::body::Body;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use dioxus::prelude::*;
use ltci_shared::api::evaluation::{Evaluation, SchemeInForce, Violation};
use ltci_shared::api::institutions::{
    Attachment, AttachmentKind, AttachmentUpload, Institution, InstitutionStatus, LegalRepresentative, StaffCounts,
    UpdateInstitutionProfile,
};
use ltci_shared::api::registry::Address;
use ltci_shared::api::settlement::Statement;
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use uuid::Uuid;

use super::institutions::{self, attachment_text};
use super::statement::deposit_by_year;
use crate::auth::Permission;
use crate::console::error::PageResult;
use crate::console::format;
use crate::console::html::{self, Notice};
use crate::console::session::Ctx;
use crate::console::upload::{self, Uploaded};
use crate::entities::enum_to_db;
use crate::http::error::{ApiError, FieldErrors};
use crate::institutions::{attachments, profile};
use crate::state::AppState;

/// An agreement ending within this many days is said to need renewing.
const RENEW_WITHIN_DAYS: i64 = 90;

/// The documents an institution uploads itself (dispute evidence goes with a dispute).
const UPLOADED_KINDS: [AttachmentKind; 5] = [
    AttachmentKind::BusinessLicence,
    AttachmentKind::PracticeLicence,
    AttachmentKind::FireSafety,
    AttachmentKind::StaffCertificates,
    AttachmentKind::Other,
];

/// Whether the institution still keeps its own record (not once it is rejected or terminated).
fn open(i: &Institution) -> bool {
    !matches!(i.status, InstitutionStatus::Rejected | InstitutionStatus::Terminated)
}

/// Stores a file sent from a console form as one of the institution's documents, as the API's
/// upload does: the same checks of type and size, the same content stored once.
pub(super) async fn store(
    state: &AppState,
    ctx: &Ctx,
    institution_id: Uuid,
    kind: AttachmentKind,
    file: &upload::File,
) -> Result<(bool, Attachment), ApiError> {
    let meta = AttachmentUpload { kind, file_name: file.name.clone() };
    let length = Some(file.bytes.len() as u64);
    let body = Body::from(file.bytes.clone());
    attachments::upload(state, &ctx.actor, institution_id, meta, file.content_type.as_deref(), length, body).await
}

/// The profile form, filled in with what is recorded (or, after a refusal, with what was typed);
/// its version sent back so no edit is lost.
pub(super) fn profile_form(ctx: &Ctx, i: &Institution, notice: &Notice, posted: &[(String, String)]) -> Element {
    let l = ctx.lang;
    if !(ctx.actor.can(Permission::EditInstitutionProfile) && open(i)) {
        return rsx! {};
    }
    let a = i.address.as_ref();
    let coordinate = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let staff = i.staff.unwrap_or(StaffCounts { doctors: 0, nurses: 0, certified_caregivers: 0 });
    let recorded = [
        ("version", i.version.to_string()),
        ("address.text", a.map(|a| a.text.clone()).unwrap_or_default()),
        ("address.latitude", coordinate(a.and_then(|a| a.latitude))),
        ("address.longitude", coordinate(a.and_then(|a| a.longitude))),
        ("contact_name", i.contact_name.clone().unwrap_or_default()),
        ("contact_phone", i.contact_phone.clone().unwrap_or_default()),
        ("staff.doctors", staff.doctors.to_string()),
        ("staff.nurses", staff.nurses.to_string()),
        ("staff.certified_caregivers", staff.certified_caregivers.to_string()),
        ("legal_representative.name", i.legal_representative.as_ref().map(|r| r.name.clone()).unwrap_or_default()),
    ];
    let value = |k: &str| -> String {
        match posted.iter().find(|(n, _)| n == k) {
            Some((_, v)) => v.clone(),
            None => recorded.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()).unwrap_or_default(),
        }
    };
    let field = |name: &str, label: Text, required: bool| {
        html::text_field(name, &label.render(l), &value(name), notice, required)
    };
    rsx! {
        details { class: "no-print", open: !notice.fields.is_empty(),
            summary { {m::ui_edit_profile().render(l)} }
            form { class: "step", method: "post", action: "/institutions/{i.id}/profile",
                {html::csrf(ctx)}
                input { r#type: "hidden", name: "version", value: value("version") }
                {field("address.text", m::ui_institution_address(), true)}
                {field("address.latitude", m::ui_latitude(), false)}
                {field("address.longitude", m::ui_longitude(), false)}
                {field("contact_name", m::ui_contact(), true)}
                {field("contact_phone", m::ui_phone(), true)}
                {field("staff.doctors", m::ui_doctors(), true)}
                {field("staff.nurses", m::ui_nurses(), true)}
                {field("staff.certified_caregivers", m::ui_certified_caregivers(), true)}
                fieldset {
                    legend { {m::ui_legal_representative().render(l)} }
                    if let Some(r) = &i.legal_representative {
                        p { class: "muted", "{r.name} · " code { "{r.id_number_masked}" } }
                    }
                    p { class: "muted", {m::ui_legal_representative_hint().render(l)} }
                    {field("legal_representative.name", m::ui_name(), false)}
                    {field("legal_representative.id_number", m::ui_id_number(), false)}
                }
                button { r#type: "submit", {m::ui_save_profile().render(l)} }
            }
        }
    }
}

/// Records the profile form: a count or a coordinate that is not a number is named together
/// with everything the service refuses, and nothing is recorded while any is wrong.
pub(super) async fn update_profile(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    get: impl Fn(&str) -> String,
) -> Result<(), ApiError> {
    ctx.actor.require(Permission::EditInstitutionProfile)?;
    let mut errors = FieldErrors::new();
    let mut number = |field: &str| -> u32 {
        match get(field).trim().parse::<u32>() {
            Ok(n) if n <= 100_000 => n,
            _ => {
                errors.add(field, "invalid_number", m::ui_whole_number());
                0
            }
        }
    };
    let staff = StaffCounts {
        doctors: number("staff.doctors"),
        nurses: number("staff.nurses"),
        certified_caregivers: number("staff.certified_caregivers"),
    };
    let mut coordinate = |field: &str| -> Option<f64> {
        let text = get(field);
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        text.parse::<f64>().ok().filter(|v| v.is_finite()).or_else(|| {
            errors.add(field, "invalid_number", m::ui_decimal_number());
            None
        })
    };
    let address = Address {
        text: get("address.text"),
        latitude: coordinate("address.latitude"),
        longitude: coordinate("address.longitude"),
    };
    // The representative changes only when an ID number is typed: the recorded one is shown masked.
    let rep_id = get("legal_representative.id_number");
    let legal_representative = (!rep_id.trim().is_empty())
        .then(|| LegalRepresentative { name: get("legal_representative.name"), id_number: rep_id });
    let req = UpdateInstitutionProfile {
        version: get("version").trim().parse().unwrap_or(-1),
        address: Some(address),
        contact_name: Some(get("contact_name")),
        contact_phone: Some(get("contact_phone")),
        staff: Some(staff),
        legal_representative,
    };
    profile::check(&req, &mut errors, ctx.actor.today);
    errors.finish()?;
    profile::update(state, &ctx.actor, id, req).await.map(|_| ())
}

/// How a document stands with the agency's review of the documents (made when the application
/// is checked): reviewed with the outcome, or uploaded since and not reviewed.
fn review_of(i: &Institution, d: &Attachment) -> Option<(bool, NaiveDate, Option<String>)> {
    i.events
        .iter()
        .filter(|e| matches!(e.kind.as_str(), "documents_accepted" | "documents_rejected"))
        .filter(|e| e.at >= d.uploaded_at)
        .map(|e| (e.kind == "documents_accepted", e.at.date_naive(), e.reason.clone()))
        .next_back()
}

/// The institution's documents, each with its review, and the upload form.
pub(super) fn documents(ctx: &Ctx, i: &Institution, documents: &[Attachment], notice: &Notice) -> Element {
    let l = ctx.lang;
    let uploads = ctx.actor.can(Permission::UploadInstitutionDocuments) && open(i);
    rsx! {
        h2 { {m::ui_documents().render(l)} }
        if documents.is_empty() { p { class: "muted", {m::ui_none_yet().render(l)} } }
        if !documents.is_empty() {
            table {
                thead { tr {
                    th { scope: "col", {m::ui_document().render(l)} }
                    th { scope: "col", {m::ui_document_kind().render(l)} }
                    th { scope: "col", {m::ui_uploaded_at().render(l)} }
                    th { scope: "col", {m::ui_review().render(l)} }
                } }
                tbody {
                    for d in documents.iter() {
                        tr {
                            td { a { href: "/institutions/{i.id}/documents/{d.id}", "{d.file_name}" } " · " {format::count(d.size_bytes.div_ceil(1024))} " KB" }
                            td { {attachment_text(d.kind).render(l)} }
                            td { {format::at(d.uploaded_at, ctx.tz)} }
                            td {
                                match (d.kind, review_of(i, d)) {
                                    (AttachmentKind::DisputeEvidence, _) => rsx! { {m::ui_with_dispute().render(l)} },
                                    (_, Some((true, on, _))) => rsx! { span { class: "state", {m::ui_review_accepted(format::day(on)).render(l)} } },
                                    (_, Some((false, on, reason))) => rsx! {
                                        span { class: "state", {m::ui_review_returned(format::day(on)).render(l)} }
                                        if let Some(r) = reason { " — " "{r}" }
                                    },
                                    (_, None) => rsx! { span { class: "state", {m::ui_review_pending().render(l)} } },
                                }
                            }
                        }
                    }
                }
            }
        }
        if uploads {
            form { class: "step no-print", method: "post", enctype: "multipart/form-data", action: "/institutions/{i.id}/documents",
                {html::csrf(ctx)}
                {html::select_field("kind", &m::ui_document_kind().render(l),
                    &UPLOADED_KINDS.map(|k| (enum_to_db(&k), attachment_text(k).render(l))), "", notice, true)}
                div { class: if notice.field("file").is_some() { "field invalid" } else { "field" },
                    label { r#for: "f-document", {m::ui_document_file().render(l)} }
                    input { id: "f-document", r#type: "file", name: "file", required: true, accept: "application/pdf,image/jpeg,image/png" }
                    if let Some(w) = notice.field("file").or(notice.field("file_name")) { span { class: "why", "{w}" } }
                }
                button { r#type: "submit", class: "secondary", {m::ui_upload_document().render(l)} }
            }
        }
    }
}

/// Stores a document sent from the institution's page; the page again.
pub async fn upload(State(state): State<AppState>, Path(id): Path<Uuid>, up: Uploaded) -> PageResult {
    let ctx = &up.ctx;
    let done = async {
        let kind: AttachmentKind = html::required_choice("kind", up.field("kind"))?;
        if kind == AttachmentKind::DisputeEvidence {
            return Err(ApiError::invalid_field("kind", "invalid", m::ui_choose_from_list()));
        }
        let file = up.file.as_ref().ok_or_else(|| html::missing("file"))?;
        store(&state, ctx, id, kind, file).await
    };
    match done.await {
        Ok((true, _)) => Ok(html::done_at(&format!("/institutions/{id}"), m::ui_done_document_uploaded())),
        Ok((false, _)) => Ok(html::done_at(&format!("/institutions/{id}"), m::ui_done_document_known())),
        Err(e) => html::refused_on_page(e, ctx.lang, |n| institutions::render(&state, ctx, id, n)).await,
    }
}

/// The agreement in force (or the last one) and how long it has to run.
pub(super) fn agreement_term(ctx: &Ctx, i: &Institution) -> Element {
    let l = ctx.lang;
    let today = ctx.actor.today;
    let Some(g) = i.agreements.iter().max_by_key(|g| g.end_on) else {
        return rsx! {};
    };
    let left = (g.end_on - today).num_days();
    rsx! {
        p { class: if (0..=RENEW_WITHIN_DAYS).contains(&left) { "warn" } else { "" },
            if left < 0 {
                {m::ui_agreement_ended(g.number.clone(), format::day(g.end_on)).render(l)}
            } else if g.start_on > today {
                {m::ui_agreement_starts(g.number.clone(), format::day(g.start_on), format::day(g.end_on)).render(l)}
            } else {
                {m::ui_agreement_runs(g.number.clone(), format::day(g.end_on), left).render(l)}
                if left <= RENEW_WITHIN_DAYS { " " {m::ui_agreement_renew_soon().render(l)} }
            }
        }
    }
}

/// What the evaluations and violations mean for the quality deposit: the share released by
/// credit class under the sheet in force, each evaluated year's deposit and its share, and the
/// points the violations not yet counted will take off.
pub(super) fn deposit_meaning(
    ctx: &Ctx,
    sheet: &SchemeInForce,
    evaluations: &[Evaluation],
    violations: &[Violation],
    statement: Option<&Statement>,
) -> Element {
    let l = ctx.lang;
    let s = &sheet.scheme;
    let r = s.deposit_release_percent;
    let years = statement.map(|st| deposit_by_year(&st.entries)).unwrap_or_default();
    let pending: Vec<&Violation> = violations.iter().filter(|v| v.evaluation_id.is_none()).collect();
    let pending_points: u32 = pending.iter().map(|v| v.points).sum();
    let serious = pending.iter().any(|v| v.serious);
    rsx! {
        section { class: "deposit-meaning",
            h3 { {m::ui_deposit_meaning().render(l)} }
            p { {m::ui_deposit_rule(s.thresholds.a, s.thresholds.b, s.thresholds.c).render(l)} }
            table {
                thead { tr {
                    th { scope: "col", {m::ui_credit_class().render(l)} }
                    for c in ["A", "B", "C", "D", "E"] { th { scope: "col", class: "num", "{c}" } }
                } }
                tbody { tr {
                    th { scope: "row", {m::ui_deposit_release().render(l)} }
                    for p in [r.a, r.b, r.c, r.d, r.e] { td { class: "num", "{p}%" } }
                } }
            }
            ul {
                for e in evaluations.iter() {
                    li {
                        {m::ui_year_outcome(e.year, enum_to_db(&e.credit_class), e.deposit_release_percent).render(l)}
                        if let Some(y) = years.get(&e.year) {
                            " " {m::ui_year_deposit(format::yuan(y.withheld), format::yuan(y.settled)).render(l)}
                        }
                    }
                }
                if !pending.is_empty() {
                    li { {m::ui_pending_violations(pending.len(), pending_points).render(l)} }
                }
                if serious {
                    li { strong { {m::ui_serious_violation_class(r.e).render(l)} } }
                }
            }
        }
    }
}
