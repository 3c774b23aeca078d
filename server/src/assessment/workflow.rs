//! The steps of an assessment case after the application: assignment with recusal, on-site
//! submission, confirmation, return, objection, certification and appeal. Each step checks the
//! state machine, changes the case only if nobody changed it meanwhile, and is audited with the
//! state before and after, in one transaction.

use ltci_shared::messages as m;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, Utc};
use ltci_shared::api::assessment::{
    AssessmentCase, AssignRequest, CaseState, ReasonRequest, RoundKind, SubmitAssessmentRequest,
};
use ltci_shared::api::users::Role;
use ltci_shared::error::codes;
use ltci_shared::text::Text;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::assessors::is_medical;
use super::cases::{ANSWERS_PURPOSE, find_in_scope, views};
use super::state_machine::{Step, next, round_kind_for_assignment};
use super::{answer_errors, certificates, settings};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::{
    assessment_case as case, assessment_case_event as event, assessment_round as round,
    assessment_round_assessor as round_assessor, assessor_profile, certificate, enum_from_db, enum_to_db,
    service_relation, user,
};
use crate::fields::check_paragraph;
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::registry::regions::region_of;
use crate::state::AppState;

fn current_state(c: &case::Model) -> ApiResult<CaseState> {
    CaseState::from_name(&c.state).ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown case state {}", c.state)))
}

fn not_allowed(state: CaseState, step: Step) -> ApiError {
    ApiError::state_conflict(
        codes::INVALID_STATE_TRANSITION,
        state.as_str(),
        m::case_state_does_not_allow(state.text(), step.text()),
    )
}

/// The next state for `step`, or `409 invalid_state_transition`.
fn check_step(c: &case::Model, step: Step, round: Option<RoundKind>) -> ApiResult<(CaseState, CaseState)> {
    let from = current_state(c)?;
    let to = next(from, step, round).ok_or_else(|| not_allowed(from, step))?;
    Ok((from, to))
}

/// Moves the case to `to` (applying `change` too) only if its version is still the one read:
/// of two officers acting at once, one wins and the other gets `409 conflict`.
async fn advance(
    txn: &DatabaseTransaction,
    actor: &Actor,
    c: &case::Model,
    step: Step,
    (from, to): (CaseState, CaseState),
    change: impl FnOnce(&mut case::ActiveModel),
) -> ApiResult<()> {
    let mut next = case::ActiveModel {
        state: Set(to.as_str().to_string()),
        version: Set(c.version + 1),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    change(&mut next);
    let result = case::Entity::update_many()
        .set(next)
        .filter(case::Column::Id.eq(c.id))
        .filter(case::Column::Version.eq(c.version))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::case_changed_meanwhile()));
    }
    audit::record_transition(
        txn,
        &AuditActor::from(actor),
        step.action(),
        "assessment_case",
        c.id,
        Some(from.as_str()),
        to.as_str(),
    )
    .await?;
    tracing::info!(case_id = %c.id, from = from.as_str(), to = to.as_str(), "assessment case advanced");
    Ok(())
}

async fn finish(state: &AppState, actor: &Actor, txn: DatabaseTransaction, id: Uuid) -> ApiResult<AssessmentCase> {
    audit::commit(txn).await?;
    let c = case::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_assessment_case()))?;
    let mut v = views(state, actor, vec![c]).await?;
    v.pop().ok_or_else(|| ApiError::not_found(m::thing_assessment_case()))
}

async fn current_round<C: ConnectionTrait>(db: &C, c: &case::Model) -> ApiResult<Option<round::Model>> {
    Ok(round::Entity::find()
        .filter(round::Column::CaseId.eq(c.id))
        .filter(round::Column::RoundNo.eq(c.current_round))
        .one(db)
        .await?)
}

async fn round_members<C: ConnectionTrait>(db: &C, round_id: Uuid) -> ApiResult<BTreeSet<Uuid>> {
    Ok(round_assessor::Entity::find()
        .filter(round_assessor::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.assessor_id)
        .collect())
}

async fn add_event<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    case_id: Uuid,
    kind: &str,
    reason: &str,
) -> ApiResult<()> {
    event::ActiveModel {
        id: Set(Uuid::now_v7()),
        case_id: Set(case_id),
        kind: Set(kind.to_string()),
        reason: Set(reason.to_string()),
        by_user_id: Set(actor.user_id),
        at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn insert_round<C: ConnectionTrait>(
    db: &C,
    c: &case::Model,
    round_no: i32,
    kind: RoundKind,
    lead: Uuid,
    assessors: &[Uuid],
) -> ApiResult<()> {
    let round_id = Uuid::now_v7();
    round::ActiveModel {
        id: Set(round_id),
        case_id: Set(c.id),
        round_no: Set(round_no),
        kind: Set(enum_to_db(&kind)),
        lead_assessor_id: Set(lead),
        assigned_at: Set(Utc::now()),
        submitted_at: Set(None),
        visited_at: Set(None),
        latitude: Set(None),
        longitude: Set(None),
        instrument_version: Set(None),
        answers_enc: Set(None),
        level: Set(None),
        result_json: Set(None),
        confirmed_at: Set(None),
        confirmed_by: Set(None),
    }
    .insert(db)
    .await?;
    for a in assessors {
        round_assessor::ActiveModel { round_id: Set(round_id), assessor_id: Set(*a), case_id: Set(c.id) }
            .insert(db)
            .await?;
    }
    Ok(())
}

/// Assigns assessors (派单). At least the configured number, at least one medically qualified;
/// nobody employed by the institution the application names or that applied (回避); for a
/// re-assessment nobody who took part before; for an appeal only the expert panel.
/// The institutions serving the applicant today: their employees must stand aside too.
async fn serving_institutions<C: ConnectionTrait>(
    db: &C,
    c: &case::Model,
    today: NaiveDate,
) -> ApiResult<BTreeSet<Uuid>> {
    Ok(service_relation::Entity::find()
        .filter(service_relation::Column::InsuredPersonId.eq(c.insured_person_id))
        .filter(service_relation::Column::StartOn.lte(today))
        .filter(
            sea_orm::Condition::any()
                .add(service_relation::Column::EndOn.is_null())
                .add(service_relation::Column::EndOn.gte(today)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.institution_id)
        .collect())
}

/// Why an assessor employed by `employer` must stand aside from case `c` (回避), if they must:
/// they work for the institution named on it or for one serving the applicant.
fn recusal(c: &case::Model, serving: &BTreeSet<Uuid>, employer: Option<Uuid>) -> Option<Text> {
    let employer = employer?;
    if Some(employer) == c.institution_id || Some(employer) == c.applied_by_institution_id {
        Some(m::recusal_named_institution())
    } else if serving.contains(&employer) {
        Some(m::recusal_serving_institution())
    } else {
        None
    }
}

/// The region's assessors who must stand aside from case `id` (回避), with why: what the
/// assignment form shows before an officer chooses.
pub async fn recusals(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<BTreeMap<Uuid, Text>> {
    actor.require(Permission::ReadAssessmentCases)?;
    let c = find_in_scope(&state.db, actor, id).await?;
    let serving = serving_institutions(&state.db, &c, actor.today).await?;
    let profiles = assessor_profile::Entity::find()
        .filter(assessor_profile::Column::RegionId.eq(c.region_id))
        .all(&state.db)
        .await?;
    Ok(profiles
        .into_iter()
        .filter_map(|p| recusal(&c, &serving, p.employer_institution_id).map(|why| (p.user_id, why)))
        .collect())
}

pub async fn assign(state: &AppState, actor: &Actor, id: Uuid, req: AssignRequest) -> ApiResult<AssessmentCase> {
    actor.require(Permission::ManageAssessments)?;
    let txn = state.db.begin().await?;
    let c = find_in_scope(&txn, actor, id).await?;
    let from = current_state(&c)?;
    let kind = round_kind_for_assignment(from).ok_or_else(|| not_allowed(from, Step::Assign))?;
    let transition = check_step(&c, Step::Assign, None)?;
    let s = settings::for_region(&txn, c.region_id, actor.today).await?;

    let mut ids: Vec<Uuid> = Vec::new();
    for a in &req.assessor_ids {
        if !ids.contains(a) {
            ids.push(*a);
        }
    }
    let mut errors = FieldErrors::new();
    if ids.len() < s.min_assessors as usize {
        errors.add("assessor_ids", "too_few_assessors", m::too_few_assessors(s.min_assessors));
    }
    if !ids.contains(&req.lead_assessor_id) {
        errors.add("lead_assessor_id", "lead_not_assigned", m::lead_not_assigned());
    }
    let users = user::Entity::find().filter(user::Column::Id.is_in(ids.clone())).all(&txn).await?;
    let profiles =
        assessor_profile::Entity::find().filter(assessor_profile::Column::UserId.is_in(ids.clone())).all(&txn).await?;
    let took_part: BTreeSet<Uuid> = round_assessor::Entity::find()
        .filter(round_assessor::Column::CaseId.eq(c.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| a.assessor_id)
        .collect();
    let serving = serving_institutions(&txn, &c, actor.today).await?;
    let mut medical = false;
    for (i, assessor_id) in ids.iter().enumerate() {
        let field = format!("assessor_ids[{i}]");
        let Some(u) = users.iter().find(|u| {
            u.id == *assessor_id && u.region_id == c.region_id && u.active && u.role == Role::Assessor.as_str()
        }) else {
            errors.add(field, "not_an_assessor", m::not_an_active_assessor());
            continue;
        };
        let Some(p) = profiles.iter().find(|p| p.user_id == *assessor_id) else {
            errors.add(field, "no_assessor_profile", m::no_assessor_profile(&u.username));
            continue;
        };
        if let Some(why) = recusal(&c, &serving, p.employer_institution_id) {
            errors.add(field, "recusal_required", m::recusal_required(&u.username, why));
            continue;
        }
        if kind != RoundKind::Initial && took_part.contains(assessor_id) {
            errors.add(field, "took_part_before", m::took_part_before(&u.username));
            continue;
        }
        if kind == RoundKind::Appeal && !p.is_expert {
            errors.add(field, "not_an_expert", m::not_an_expert(&u.username));
            continue;
        }
        medical |= is_medical(enum_from_db(&p.qualification)?);
    }
    if errors.is_empty() && !medical {
        errors.add("assessor_ids", "no_medical_assessor", m::no_medical_assessor());
    }
    errors.finish()?;

    let round_no = c.current_round + 1;
    insert_round(&txn, &c, round_no, kind, req.lead_assessor_id, &ids).await?;
    advance(&txn, actor, &c, Step::Assign, transition, |m| m.current_round = Set(round_no)).await?;
    finish(state, actor, txn, id).await
}

/// The lead assessor submits the on-site assessment. The server grades the answers itself.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    req: SubmitAssessmentRequest,
) -> ApiResult<AssessmentCase> {
    actor.require(Permission::PerformAssessments)?;
    let txn = state.db.begin().await?;
    let c = find_in_scope(&txn, actor, id).await?;
    let r = current_round(&txn, &c).await?;
    let transition = check_step(&c, Step::Submit, None)?;
    let r = r.ok_or_else(|| not_allowed(transition.0, Step::Submit))?;
    if r.lead_assessor_id != actor.user_id {
        return Err(ApiError::forbidden());
    }
    let mut errors = FieldErrors::new();
    if req.visited_at > Utc::now() + Duration::minutes(5) {
        errors.add("visited_at", "in_the_future", m::visit_in_the_future());
    }
    if req.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
        errors.add("latitude", "out_of_range", m::latitude_range());
    }
    if req.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
        errors.add("longitude", "out_of_range", m::longitude_range());
    }
    errors.finish()?;
    let grading = super::grade(None, &req.answers).map_err(answer_errors)?;
    let answers_json = serde_json::to_string(&req.answers).map_err(anyhow::Error::from)?;
    let mut active: round::ActiveModel = r.into();
    active.submitted_at = Set(Some(Utc::now()));
    active.visited_at = Set(Some(req.visited_at));
    active.latitude = Set(req.latitude);
    active.longitude = Set(req.longitude);
    active.instrument_version = Set(Some(grading.instrument.clone()));
    active.answers_enc = Set(Some(state.pii.seal(ANSWERS_PURPOSE, &answers_json)?));
    active.level = Set(Some(i32::from(grading.level)));
    active.result_json = Set(Some(serde_json::to_string(&grading).map_err(anyhow::Error::from)?));
    active.update(&txn).await?;
    advance(&txn, actor, &c, Step::Submit, transition, |_| {}).await?;
    finish(state, actor, txn, id).await
}

/// The current round, if the actor is one of its assessors other than the lead.
async fn round_for_second_assessor(
    txn: &DatabaseTransaction,
    actor: &Actor,
    c: &case::Model,
    step: Step,
) -> ApiResult<(round::Model, (CaseState, CaseState))> {
    let r = current_round(txn, c).await?;
    let kind = r.as_ref().map(|r| enum_from_db::<RoundKind>(&r.kind)).transpose()?;
    let transition = check_step(c, step, kind)?;
    let r = r.ok_or_else(|| not_allowed(transition.0, step))?;
    if r.lead_assessor_id == actor.user_id {
        // 双人评估: the second assessor confirms or returns what the lead submitted, never the
        // lead themselves.
        return Err(ApiError::refused(codes::OWN_SUBMISSION, m::own_submission()));
    }
    if !round_members(txn, r.id).await?.contains(&actor.user_id) {
        return Err(ApiError::forbidden());
    }
    Ok((r, transition))
}

/// Another assessor of the round confirms the submission (双人评估). An initial or re-assessment
/// result goes to publicity; an appeal result is final and gets its certificate at once.
pub async fn confirm(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<AssessmentCase> {
    actor.require(Permission::PerformAssessments)?;
    let txn = state.db.begin().await?;
    let c = find_in_scope(&txn, actor, id).await?;
    let (r, transition) = round_for_second_assessor(&txn, actor, &c, Step::Confirm).await?;
    let level = r
        .level
        .and_then(|l| u8::try_from(l).ok())
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("submitted round without level")))?;
    let instrument = r.instrument_version.clone().unwrap_or_default();
    let mut active: round::ActiveModel = r.into();
    active.confirmed_at = Set(Some(Utc::now()));
    active.confirmed_by = Set(Some(actor.user_id));
    active.update(&txn).await?;
    let s = settings::for_region(&txn, c.region_id, actor.today).await?;
    let change: Box<dyn FnOnce(&mut case::ActiveModel) + Send> = if transition.1 == CaseState::Final {
        let cert = certificates::issue(
            &txn,
            certificates::Issue {
                region: region_of(&txn, c.region_id).await?,
                person_id: c.insured_person_id,
                case_id: c.id,
                level,
                instrument,
                validity_months: s.validity_months,
                appeal_window_days: None,
            },
        )
        .await?;
        Box::new(move |m| m.certificate_id = Set(Some(cert.id)))
    } else {
        let ends = Utc::now() + Duration::days(i64::from(s.publicity_days));
        Box::new(move |m| m.publicity_ends_at = Set(Some(ends)))
    };
    advance(&txn, actor, &c, Step::Confirm, transition, change).await?;
    finish(state, actor, txn, id).await
}

/// Another assessor of the round sends the submission back with a reason; a new round with the
/// same assessors starts, so the returned submission stays on record.
pub async fn return_submission(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    req: ReasonRequest,
) -> ApiResult<AssessmentCase> {
    actor.require(Permission::PerformAssessments)?;
    let reason = check_paragraph(&req.reason, 500).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    let txn = state.db.begin().await?;
    let c = find_in_scope(&txn, actor, id).await?;
    let (r, transition) = round_for_second_assessor(&txn, actor, &c, Step::Return).await?;
    let members: Vec<Uuid> = round_members(&txn, r.id).await?.into_iter().collect();
    let round_no = c.current_round + 1;
    insert_round(&txn, &c, round_no, enum_from_db(&r.kind)?, r.lead_assessor_id, &members).await?;
    add_event(&txn, actor, c.id, "returned", &reason).await?;
    advance(&txn, actor, &c, Step::Return, transition, |m| m.current_round = Set(round_no)).await?;
    finish(state, actor, txn, id).await
}

/// An objection during publicity (公示异议), recorded by the agency: the case goes to
/// re-assessment by assessors who did not take part.
pub async fn object(state: &AppState, actor: &Actor, id: Uuid, req: ReasonRequest) -> ApiResult<AssessmentCase> {
    actor.require(Permission::ManageAssessments)?;
    let reason = check_paragraph(&req.reason, 500).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    let txn = state.db.begin().await?;
    let c = find_in_scope(&txn, actor, id).await?;
    let transition = check_step(&c, Step::Object, None)?;
    if c.publicity_ends_at.is_some_and(|end| Utc::now() >= end) {
        return Err(ApiError::state_conflict(codes::PUBLICITY_OVER, transition.0.as_str(), m::publicity_over()));
    }
    add_event(&txn, actor, c.id, "objection", &reason).await?;
    advance(&txn, actor, &c, Step::Object, transition, |m| m.publicity_ends_at = Set(None)).await?;
    finish(state, actor, txn, id).await
}

/// After publicity without objection, the certificate (鉴定结论书) is issued.
pub async fn certify(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<AssessmentCase> {
    actor.require(Permission::ManageAssessments)?;
    let txn = state.db.begin().await?;
    let c = find_in_scope(&txn, actor, id).await?;
    let transition = check_step(&c, Step::Certify, None)?;
    if let Some(end) = c.publicity_ends_at.filter(|end| Utc::now() < *end) {
        return Err(ApiError::state_conflict(
            codes::PUBLICITY_NOT_OVER,
            transition.0.as_str(),
            m::publicity_runs_until(end.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M")),
        ));
    }
    let r = current_round(&txn, &c).await?.ok_or_else(|| not_allowed(transition.0, Step::Certify))?;
    let level = r
        .level
        .and_then(|l| u8::try_from(l).ok())
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("round without level")))?;
    let s = settings::for_region(&txn, c.region_id, actor.today).await?;
    let cert = certificates::issue(
        &txn,
        certificates::Issue {
            region: region_of(&txn, c.region_id).await?,
            person_id: c.insured_person_id,
            case_id: c.id,
            level,
            instrument: r.instrument_version.unwrap_or_default(),
            validity_months: s.validity_months,
            appeal_window_days: Some(s.appeal_window_days),
        },
    )
    .await?;
    // The institution the application named is the beneficiary's choice (选择定点机构): its
    // staff may open the relation in that mode.
    if let Some(institution) = c.institution_id {
        let new = crate::institutions::choices::NewChoice {
            person: c.insured_person_id,
            institution,
            mode: enum_from_db(&c.care_mode)?,
            chosen_on: actor.today,
            source: ltci_shared::api::institutions::ChoiceSource::Application,
            case_id: Some(c.id),
        };
        crate::institutions::choices::record_in(&txn, actor, c.region_id, new).await?;
    }
    advance(&txn, actor, &c, Step::Certify, transition, |m| m.certificate_id = Set(Some(cert.id))).await?;
    finish(state, actor, txn, id).await
}

/// An appeal (复核申请) within the window after the certificate: an expert panel re-assesses.
pub async fn appeal(state: &AppState, actor: &Actor, id: Uuid, req: ReasonRequest) -> ApiResult<AssessmentCase> {
    actor.require(Permission::ManageAssessments)?;
    let reason = check_paragraph(&req.reason, 500).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    let txn = state.db.begin().await?;
    let c = find_in_scope(&txn, actor, id).await?;
    let transition = check_step(&c, Step::Appeal, None)?;
    let cert = match c.certificate_id {
        Some(cid) => certificate::Entity::find_by_id(cid).one(&txn).await?,
        None => None,
    };
    let today = actor.today;
    let deadline = cert.and_then(|x| x.appeal_deadline);
    if deadline.is_none_or(|d| today > d) {
        return Err(ApiError::state_conflict(
            codes::APPEAL_WINDOW_CLOSED,
            transition.0.as_str(),
            match deadline {
                Some(d) => m::appeal_window_closed(d),
                None => m::certificate_not_appealable(),
            },
        ));
    }
    add_event(&txn, actor, c.id, "appeal", &reason).await?;
    advance(&txn, actor, &c, Step::Appeal, transition, |_| {}).await?;
    finish(state, actor, txn, id).await
}
