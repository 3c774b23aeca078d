//! The designation workflow (定点申请 → 材料审核 → 现场核查 → 审批 → 签订协议), renewal, suspension
//! and termination; every step audited with the status before and after.

use ltci_shared::messages as m;
use std::collections::BTreeSet;

use chrono::{Days, Months, NaiveDate, Utc};
use ltci_shared::api::institutions::{
    AgreementRequest, DesignationDecision, DocumentReview, InspectionReport, Institution, InstitutionApplication,
    InstitutionFilter, InstitutionKind, InstitutionStatus, ServiceMode, StatusChange, TerminationOutcome,
};
use ltci_shared::error::codes;
use ltci_shared::{Page, Uscc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::lifecycle::{Step, next};
use super::representative;
use super::views::{self, modes, relation_view, status};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{agreement, enum_to_db, institution, institution_event, sequence, service_relation};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::registry::{regions, validate};
use crate::state::AppState;

/// Default agreement term (协议期限): three years.
const AGREEMENT_MONTHS: u32 = 36;

/// The institution `id` if it belongs to the region.
pub async fn in_region<C: ConnectionTrait>(db: &C, region_id: Uuid, id: Uuid) -> ApiResult<Option<institution::Model>> {
    Ok(institution::Entity::find_by_id(id).filter(institution::Column::RegionId.eq(region_id)).one(db).await?)
}

/// The institution `id` of the region, or `422 unknown_institution` on `field`.
/// The names of the institutions `ids` in the actor's region (others left out), for pages that
/// name the institution of each row: one query.
pub async fn names(
    state: &AppState,
    actor: &Actor,
    ids: &[Uuid],
) -> ApiResult<std::collections::HashMap<Uuid, String>> {
    actor.require(Permission::ReadInstitutions)?;
    Ok(institution::Entity::find()
        .filter(institution::Column::Id.is_in(ids.iter().copied()))
        .filter(institution::Column::RegionId.eq(actor.region_id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect())
}

pub async fn require_in_region<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    id: Uuid,
    field: &str,
) -> ApiResult<institution::Model> {
    in_region(db, region_id, id)
        .await?
        .ok_or_else(|| ApiError::invalid_field(field, "unknown_institution", m::unknown_institution()))
}

pub async fn find_in_scope<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<institution::Model> {
    institution::Entity::find_by_id(id)
        .filter(scope::institutions(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_institution()))
}

pub(crate) async fn view_one<C: ConnectionTrait>(db: &C, id: Uuid) -> ApiResult<Institution> {
    let m = institution::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_institution()))?;
    views::institutions(db, vec![m]).await?.pop().ok_or_else(|| ApiError::not_found(m::thing_institution()))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Institution> {
    actor.require(Permission::ReadInstitutions)?;
    let m = find_in_scope(&state.db, actor, id).await?;
    views::institutions(&state.db, vec![m]).await?.pop().ok_or_else(|| ApiError::not_found(m::thing_institution()))
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: InstitutionFilter,
    page: PageRequest,
) -> ApiResult<Page<Institution>> {
    actor.require(Permission::ReadInstitutions)?;
    let mut q = institution::Entity::find().filter(scope::institutions(actor));
    if let Some(s) = filter.status {
        q = q.filter(institution::Column::Status.eq(enum_to_db(&s)));
    }
    if let Some(mode) = filter.mode {
        // The modes are stored as JSON arrays of their names, each quoted.
        let quoted = format!("%\"{}\"%", enum_to_db(&mode));
        q = q.filter(
            sea_orm::Condition::any().add(institution::Column::ApprovedModes.like(&quoted)).add(
                sea_orm::Condition::all()
                    .add(institution::Column::ApprovedModes.is_null())
                    .add(institution::Column::RequestedModes.like(&quoted)),
            ),
        );
    }
    let q = q.order_by_asc(institution::Column::Name).order_by_asc(institution::Column::Id);
    let page = fetch_page(&state.db, q, page, |m| m).await?;
    let items = views::institutions(&state.db, page.items).await?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

fn count(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Records an application for designation (agency officers, from the institution's documents).
pub async fn apply(state: &AppState, actor: &Actor, req: InstitutionApplication) -> ApiResult<Institution> {
    actor.require(Permission::ManageInstitutions)?;
    let mut errors = FieldErrors::new();
    let name = errors.take("name", check_text(&req.name, 200));
    let uscc = errors.take("uscc", Uscc::parse(&req.uscc).map_err(|e| (e.code(), e.text())));
    match (req.kind, req.hospital_tier) {
        (InstitutionKind::Hospital, None) => errors.add("hospital_tier", "required", m::hospital_tier_required()),
        (InstitutionKind::Hospital, Some(1..=3)) => {}
        (InstitutionKind::Hospital, Some(_)) => errors.add("hospital_tier", "out_of_range", m::hospital_tier_range()),
        (_, Some(_)) => errors.add("hospital_tier", "not_allowed", m::only_hospitals_have_tier()),
        (_, None) => {}
    }
    let requested: BTreeSet<ServiceMode> = req.requested_modes.iter().copied().collect();
    if requested.is_empty() {
        errors.add("requested_modes", "required", m::at_least_one_mode());
    }
    if requested.contains(&ServiceMode::HospitalWard) && req.kind != InstitutionKind::Hospital {
        errors.add("requested_modes", "not_allowed", m::only_hospitals_run_wards());
    }
    let bed_based = requested.contains(&ServiceMode::HospitalWard) || requested.contains(&ServiceMode::Institutional);
    if bed_based && req.licensed_beds == 0 {
        errors.add("licensed_beds", "required", m::beds_required());
    }
    let address = validate::address(&mut errors, "address", &req.address);
    let contact_name = errors.take("contact_name", check_text(&req.contact_name, 50));
    let contact_phone = errors.take("contact_phone", validate::phone(&req.contact_phone));
    let rep = req.legal_representative.as_ref().map(|r| representative::check(&mut errors, r, actor.today));
    errors.finish()?;
    let (Some(name), Some(uscc), Some(address), Some(contact_name), Some(contact_phone)) =
        (name, uscc, address, contact_name, contact_phone)
    else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let rep = match rep.flatten() {
        Some(r) => Some(representative::admit(&txn, &state.pii, actor.region_id, r, actor.today).await?),
        None => None,
    };
    let (rep_name, rep_hash, rep_masked) = match rep {
        Some((n, h, m)) => (Some(n), Some(h), Some(m)),
        None => (None, None, None),
    };
    if institution::Entity::find().filter(institution::Column::Uscc.eq(uscc.as_str())).one(&txn).await?.is_some() {
        return Err(ApiError::conflict("uscc", m::uscc_taken()));
    }
    let requested_json = serde_json::to_string(&requested).map_err(anyhow::Error::from)?;
    let m = institution::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        name: Set(name),
        created_at: Set(now),
        uscc: Set(Some(uscc.as_str().to_string())),
        kind: Set(Some(enum_to_db(&req.kind))),
        hospital_tier: Set(req.hospital_tier.map(i32::from)),
        requested_modes: Set(Some(requested_json)),
        licensed_beds: Set(Some(count(req.licensed_beds))),
        doctors: Set(Some(count(req.doctors))),
        nurses: Set(Some(count(req.nurses))),
        certified_caregivers: Set(Some(count(req.certified_caregivers))),
        address_text: Set(Some(address.text)),
        latitude: Set(address.latitude),
        longitude: Set(address.longitude),
        contact_name: Set(Some(contact_name)),
        contact_phone: Set(Some(contact_phone)),
        inspection_score: Set(None),
        approved_modes: Set(None),
        bed_quota: Set(None),
        status: Set(enum_to_db(&InstitutionStatus::Submitted)),
        version: Set(1),
        updated_at: Set(Some(now)),
        legal_rep_name: Set(rep_name),
        legal_rep_id_hash: Set(rep_hash),
        legal_rep_id_masked: Set(rep_masked),
    }
    .insert(&txn)
    .await
    .map_err(unique_as(|| ApiError::conflict("uscc", m::uscc_taken())))?;
    add_event(&txn, actor, m.id, "applied", None, None, None).await?;
    audit::record_transition(
        &txn,
        &AuditActor::from(actor),
        "institution.apply",
        "institution",
        m.id,
        None,
        "submitted",
    )
    .await?;
    audit::commit(txn).await?;
    view_one(&state.db, m.id).await
}

pub(crate) async fn add_event<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    institution_id: Uuid,
    kind: &str,
    reason: Option<String>,
    effective_on: Option<NaiveDate>,
    details: Option<serde_json::Value>,
) -> ApiResult<()> {
    institution_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        institution_id: Set(institution_id),
        kind: Set(kind.to_string()),
        reason: Set(reason),
        effective_on: Set(effective_on),
        details_json: Set(details.map(|d| d.to_string())),
        by_user_id: Set(actor.user_id),
        at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Checks the step against the state machine, applies `change` if nobody changed the institution
/// meanwhile, records the event and the audit record.
async fn advance(
    txn: &DatabaseTransaction,
    actor: &Actor,
    m: &institution::Model,
    step: Step,
    event: (Option<String>, Option<NaiveDate>, Option<serde_json::Value>),
    change: impl FnOnce(&mut institution::ActiveModel),
) -> ApiResult<InstitutionStatus> {
    let from = status(m)?;
    let to = next(from, step).ok_or_else(|| {
        let from_name = enum_to_db(&from);
        ApiError::state_conflict(
            codes::INVALID_STATE_TRANSITION,
            &from_name,
            m::institution_status_does_not_allow(from.text(), step.text()),
        )
    })?;
    let mut next_model = institution::ActiveModel {
        status: Set(enum_to_db(&to)),
        version: Set(m.version + 1),
        updated_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    change(&mut next_model);
    let result = institution::Entity::update_many()
        .set(next_model)
        .filter(institution::Column::Id.eq(m.id))
        .filter(institution::Column::Version.eq(m.version))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::institution_changed_meanwhile()));
    }
    let (reason, effective_on, details) = event;
    add_event(txn, actor, m.id, step.event_kind(), reason, effective_on, details).await?;
    audit::record_transition(
        txn,
        &AuditActor::from(actor),
        &format!("institution.{}", step.event_kind()),
        "institution",
        m.id,
        Some(&enum_to_db(&from)),
        &enum_to_db(&to),
    )
    .await?;
    tracing::info!(institution_id = %m.id, step = step.event_kind(), "institution advanced");
    Ok(to)
}

fn reason_required(reason: Option<&str>) -> ApiResult<String> {
    check_text(reason.unwrap_or_default(), 500).map_err(|(c, m)| ApiError::invalid_field("reason", c, m))
}

/// The documents are complete (to inspection) or not (rejected, with the reason).
pub async fn review_documents(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    req: DocumentReview,
) -> ApiResult<Institution> {
    actor.require(Permission::ManageInstitutions)?;
    let txn = state.db.begin().await?;
    let m = find_in_scope(&txn, actor, id).await?;
    if req.accepted {
        advance(&txn, actor, &m, Step::AcceptDocuments, (req.reason, None, None), |_| {}).await?;
    } else {
        let reason = reason_required(req.reason.as_deref())?;
        advance(&txn, actor, &m, Step::RejectDocuments, (Some(reason), None, None), |_| {}).await?;
    }
    audit::commit(txn).await?;
    view_one(&state.db, id).await
}

/// Records the on-site inspection (现场核查) and its checklist score.
pub async fn inspect(state: &AppState, actor: &Actor, id: Uuid, req: InspectionReport) -> ApiResult<Institution> {
    actor.require(Permission::ManageInstitutions)?;
    let mut errors = FieldErrors::new();
    if req.checklist.is_empty() {
        errors.add("checklist", "required", m::checklist_required());
    }
    for (i, item) in req.checklist.iter().enumerate() {
        if item.item.trim().is_empty() {
            errors.add(format!("checklist[{i}].item"), "required", m::checklist_item_name());
        }
        if item.points > item.max_points {
            errors.add(format!("checklist[{i}].points"), "out_of_range", m::at_most_points(item.max_points));
        }
    }
    errors.finish()?;
    let score: u32 = req.checklist.iter().map(|i| i.points).sum();
    let max: u32 = req.checklist.iter().map(|i| i.max_points).sum();
    let details = serde_json::json!({"checklist": req.checklist, "score": score, "max_score": max, "notes": req.notes});
    let txn = state.db.begin().await?;
    let m = find_in_scope(&txn, actor, id).await?;
    advance(&txn, actor, &m, Step::Inspect, (None, None, Some(details)), |n| {
        n.inspection_score = Set(Some(count(score)))
    })
    .await?;
    audit::commit(txn).await?;
    view_one(&state.db, id).await
}

/// Approves (with the modes granted and the bed quota) or rejects (with the reason).
pub async fn decide(state: &AppState, actor: &Actor, id: Uuid, req: DesignationDecision) -> ApiResult<Institution> {
    actor.require(Permission::ManageInstitutions)?;
    let txn = state.db.begin().await?;
    let m = find_in_scope(&txn, actor, id).await?;
    if !req.approved {
        let reason = reason_required(req.reason.as_deref())?;
        advance(&txn, actor, &m, Step::Reject, (Some(reason), None, None), |_| {}).await?;
    } else {
        let requested: BTreeSet<ServiceMode> = modes(m.requested_modes.as_deref())?.into_iter().collect();
        let approved: BTreeSet<ServiceMode> = req.approved_modes.iter().copied().collect();
        let mut errors = FieldErrors::new();
        if approved.is_empty() {
            errors.add("approved_modes", "required", m::approve_at_least_one_mode());
        } else if !approved.is_subset(&requested) {
            errors.add("approved_modes", "not_requested", m::mode_not_requested());
        }
        let beds = m.licensed_beds.and_then(|b| u32::try_from(b).ok()).unwrap_or(0);
        if req.bed_quota > beds {
            errors.add("bed_quota", "out_of_range", m::at_most_licensed_beds(beds));
        }
        errors.finish()?;
        let approved_json = serde_json::to_string(&approved).map_err(anyhow::Error::from)?;
        let quota = count(req.bed_quota);
        // The decision day: no agreement may start before it.
        advance(&txn, actor, &m, Step::Approve, (req.reason, Some(actor.today), None), move |n| {
            n.approved_modes = Set(Some(approved_json));
            n.bed_quota = Set(Some(quota));
        })
        .await?;
    }
    audit::commit(txn).await?;
    view_one(&state.db, id).await
}

/// Inserts an agreement for the approved modes and quota, numbered `<region>-XY-<year>-<seq>`.
async fn insert_agreement(
    txn: &DatabaseTransaction,
    m: &institution::Model,
    start_on: NaiveDate,
    end_on: Option<NaiveDate>,
) -> ApiResult<agreement::Model> {
    let end_on = match end_on {
        Some(e) => e,
        None => start_on
            .checked_add_months(Months::new(AGREEMENT_MONTHS))
            .and_then(|d| d.checked_sub_days(Days::new(1)))
            .ok_or_else(|| ApiError::invalid_field("start_on", "out_of_range", m::date_out_of_range()))?,
    };
    if end_on <= start_on {
        return Err(ApiError::invalid_field("end_on", "before_start", m::agreement_ends_after_start()));
    }
    let region = regions::region_of(txn, m.region_id).await?;
    let year = start_on.format("%Y").to_string();
    let seq = sequence::next(txn, m.region_id, &format!("agreement-{year}")).await?;
    Ok(agreement::ActiveModel {
        id: Set(Uuid::now_v7()),
        institution_id: Set(m.id),
        number: Set(format!("{}-XY-{year}-{seq:06}", region.code)),
        start_on: Set(start_on),
        end_on: Set(end_on),
        modes: Set(m.approved_modes.clone().unwrap_or_else(|| "[]".into())),
        bed_quota: Set(m.bed_quota.unwrap_or(0)),
        signed_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?)
}

/// The day the institution was approved (the last approval, in the region's time zone when the
/// decision was recorded without its day).
async fn approval_day<C: ConnectionTrait>(db: &C, m: &institution::Model) -> ApiResult<Option<NaiveDate>> {
    let approved = institution_event::Entity::find()
        .filter(institution_event::Column::InstitutionId.eq(m.id))
        .filter(institution_event::Column::Kind.eq(Step::Approve.event_kind()))
        .order_by_desc(institution_event::Column::At)
        .one(db)
        .await?;
    let Some(e) = approved else { return Ok(None) };
    if let Some(day) = e.effective_on {
        return Ok(Some(day));
    }
    let region = regions::region_of(db, m.region_id).await?;
    Ok(Some(regions::local_date(&region, e.at)))
}

/// An agreement's start and end lie within the planning horizon.
fn agreement_dates(state: &AppState, actor: &Actor, start: NaiveDate, end: Option<NaiveDate>) -> ApiResult<()> {
    let mut errors = FieldErrors::new();
    let horizon = state.config.date_horizon_days;
    crate::fields::within_horizon(&mut errors, "start_on", start, actor.today, horizon);
    if let Some(end) = end {
        crate::fields::within_horizon(&mut errors, "end_on", end, actor.today, horizon);
    }
    errors.finish()
}

/// Signs the agreement (协议): the institution becomes active.
pub async fn sign_agreement(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    req: AgreementRequest,
) -> ApiResult<Institution> {
    actor.require(Permission::ManageInstitutions)?;
    let txn = state.db.begin().await?;
    let m = find_in_scope(&txn, actor, id).await?;
    let start = req.start_on.unwrap_or(actor.today);
    agreement_dates(state, actor, start, req.end_on)?;
    // Care before the designation decision is not the scheme's to pay: the first agreement
    // starts on or after the day the institution was approved.
    if let Some(approved_on) = approval_day(&txn, &m).await?
        && start < approved_on
    {
        return Err(ApiError::invalid_field(
            "start_on",
            "before_designation",
            m::agreement_before_designation(approved_on),
        ));
    }
    advance(&txn, actor, &m, Step::SignAgreement, (None, Some(start), None), |_| {}).await?;
    insert_agreement(&txn, &m, start, req.end_on).await?;
    audit::commit(txn).await?;
    view_one(&state.db, id).await
}

/// Renews the agreement before it expires: a new agreement from the day after the current one ends.
pub async fn renew(state: &AppState, actor: &Actor, id: Uuid, req: AgreementRequest) -> ApiResult<Institution> {
    actor.require(Permission::ManageInstitutions)?;
    let txn = state.db.begin().await?;
    let m = find_in_scope(&txn, actor, id).await?;
    let latest = agreement::Entity::find()
        .filter(agreement::Column::InstitutionId.eq(m.id))
        .order_by_desc(agreement::Column::EndOn)
        .one(&txn)
        .await?;
    let default_start = latest.as_ref().and_then(|a| a.end_on.checked_add_days(Days::new(1)));
    let start = req
        .start_on
        .or(default_start)
        .ok_or_else(|| ApiError::invalid_field("start_on", "required", m::no_agreement_to_renew()))?;
    agreement_dates(state, actor, start, req.end_on)?;
    advance(&txn, actor, &m, Step::Renew, (None, Some(start), None), |_| {}).await?;
    insert_agreement(&txn, &m, start, req.end_on).await?;
    audit::commit(txn).await?;
    view_one(&state.db, id).await
}

async fn status_change(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    req: StatusChange,
    step: Step,
) -> ApiResult<(Institution, NaiveDate)> {
    actor.require(Permission::ManageInstitutions)?;
    if let Some(on) = req.effective_on {
        crate::fields::planned("effective_on", on, actor.today, state.config.date_horizon_days)?;
    }
    let reason = reason_required(Some(&req.reason))?;
    let txn = state.db.begin().await?;
    let m = find_in_scope(&txn, actor, id).await?;
    let on = req.effective_on.unwrap_or(actor.today);
    advance(&txn, actor, &m, step, (Some(reason), Some(on), None), |_| {}).await?;
    audit::commit(txn).await?;
    Ok((view_one(&state.db, id).await?, on))
}

/// Suspends (暂停): no new beneficiaries until resumed.
pub async fn suspend(state: &AppState, actor: &Actor, id: Uuid, req: StatusChange) -> ApiResult<Institution> {
    status_change(state, actor, id, req, Step::Suspend).await.map(|(i, _)| i)
}

/// Lifts a suspension.
pub async fn resume(state: &AppState, actor: &Actor, id: Uuid, req: StatusChange) -> ApiResult<Institution> {
    status_change(state, actor, id, req, Step::Resume).await.map(|(i, _)| i)
}

/// Terminates the agreement (解除): answers with the beneficiaries the institution would still
/// serve after that date, who must be transferred to another institution.
pub async fn terminate(state: &AppState, actor: &Actor, id: Uuid, req: StatusChange) -> ApiResult<TerminationOutcome> {
    let (institution, on) = status_change(state, actor, id, req, Step::Terminate).await?;
    let open = service_relation::Entity::find()
        .filter(service_relation::Column::InstitutionId.eq(id))
        .filter(
            sea_orm::Condition::any()
                .add(service_relation::Column::EndOn.is_null())
                .add(service_relation::Column::EndOn.gt(on)),
        )
        .order_by_asc(service_relation::Column::StartOn)
        .all(&state.db)
        .await?;
    let beneficiaries_to_transfer = open.into_iter().map(relation_view).collect::<ApiResult<Vec<_>>>()?;
    Ok(TerminationOutcome { institution, beneficiaries_to_transfer })
}
