//! Assessment cases (评估案件): applications with their eligibility checks, and how a case is shown
//! to each role.

use ltci_shared::messages as m;
use ltci_shared::text::Text;
use std::collections::BTreeSet;

use chrono::{Datelike, Months, NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::assessment::{ApplyRequest, AssessmentCase, CaseEvent, CaseFilter, CaseState, Refusal, Round};
use ltci_shared::api::registry::PersonStatus;
use ltci_shared::api::users::Role;
use ltci_shared::assessment::{Answers, Grading};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::{certificates, settings};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{
    assessment_case as case, assessment_case_event as event, assessment_round as round,
    assessment_round_assessor as round_assessor, certificate, contribution, enum_from_db, enum_to_db, insured_person,
};
use crate::fields::check_paragraph;
use crate::http::error::{ApiError, ApiResult, unique_as};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::institutions::designation;
use crate::state::AppState;

/// Purpose under which item answers are encrypted.
pub const ANSWERS_PURPOSE: &str = "assessment_answers";

/// Whole months from `from` to `to` (a partial month does not count).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    if to < from {
        return 0;
    }
    let mut months = (to.year() - from.year()) * 12 + i32::try_from(to.month()).unwrap_or(0)
        - i32::try_from(from.month()).unwrap_or(0);
    if to.day() < from.day() {
        months -= 1;
    }
    u32::try_from(months.max(0)).unwrap_or(0)
}

/// A refusal, its message kept in the catalogue's stored form (read in the reader's language).
fn refusal(code: &str, message: Text) -> Option<(String, String)> {
    Some((code.to_string(), message.stored()))
}

/// The contribution period (缴费年限) of a person on `today`: the distinct months, up to this one,
/// with a contribution that was not reversed. A region that has not posted any contribution yet
/// (the ledger not in use) counts whole months since enrolment instead. Answers the months and
/// what was counted.
pub async fn contribution_months<C: ConnectionTrait>(
    db: &C,
    person: &insured_person::Model,
    today: NaiveDate,
) -> ApiResult<(u32, Text)> {
    let region_posts = contribution::Entity::find()
        .filter(contribution::Column::RegionId.eq(person.region_id))
        .one(db)
        .await?
        .is_some();
    if !region_posts {
        return Ok((whole_months(person.enrolled_on, today), m::counted_enrolment()));
    }
    let this_month = today.format("%Y-%m").to_string();
    let months: BTreeSet<String> = contribution::Entity::find()
        .filter(contribution::Column::InsuredPersonId.eq(person.id))
        .filter(contribution::Column::Reversed.eq(false))
        .filter(contribution::Column::Period.lte(this_month))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.period)
        .collect();
    Ok((u32::try_from(months.len()).unwrap_or(u32::MAX), m::counted_contributions()))
}

/// The eligibility checks of an application; `Some((code, message))` refuses it.
async fn eligibility<C: ConnectionTrait>(
    db: &C,
    person: &insured_person::Model,
    req: &ApplyRequest,
    today: NaiveDate,
) -> ApiResult<Option<(String, String)>> {
    let s = settings::for_region(db, person.region_id, today).await?;
    if person.status != PersonStatus::Active.as_str() {
        return Ok(refusal("person_not_active", m::person_not_active(&person.status)));
    }
    let (months, counted) = contribution_months(db, person, today).await?;
    if months < s.min_contribution_months {
        return Ok(refusal(
            "contribution_period_too_short",
            m::contribution_period_too_short(months, counted, s.min_contribution_months),
        ));
    }
    let open = case::Entity::find()
        .filter(case::Column::InsuredPersonId.eq(person.id))
        .filter(case::Column::State.is_in(CaseState::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str())))
        .one(db)
        .await?;
    if open.is_some() {
        return Ok(refusal("application_open", m::application_open()));
    }
    if let Some(cert) = certificates::in_force_for_person(db, person.id, today).await? {
        if !req.change_of_condition {
            return Ok(refusal("already_certified", m::already_certified(cert.number, cert.expires_on)));
        }
        let allowed_from =
            cert.effective_on.checked_add_months(Months::new(s.recertify_after_months)).unwrap_or(cert.effective_on);
        if today < allowed_from {
            return Ok(refusal("too_soon_after_certificate", m::too_soon_after_certificate(allowed_from)));
        }
    }
    Ok(None)
}

/// Records an application. Eligibility failures are recorded too, as a refused case with the
/// reason (the applicant is owed a written refusal), and answered with `201` and state `refused`.
pub async fn apply(state: &AppState, actor: &Actor, req: ApplyRequest) -> ApiResult<AssessmentCase> {
    actor.require(Permission::ApplyForAssessment)?;
    let reason = check_paragraph(&req.reason, 500).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    let (applied_by_institution_id, institution_id) = match actor.role {
        Role::Institution => {
            if req.institution_id.is_some_and(|i| Some(i) != actor.institution_id) {
                return Err(ApiError::forbidden());
            }
            (actor.institution_id, actor.institution_id)
        }
        _ => (None, req.institution_id),
    };
    if let Some(inst) = institution_id {
        designation::require_in_region(&state.db, actor.region_id, inst, "institution_id").await?;
    }
    let today = actor.today;
    let txn = state.db.begin().await?;
    // Institutions apply on behalf of people they do not yet serve: the person need only be of
    // the same region (they cannot read the person's record through this).
    let person = insured_person::Entity::find_by_id(req.insured_person_id)
        .filter(insured_person::Column::RegionId.eq(actor.region_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::invalid_field("insured_person_id", "unknown_person", m::unknown_person()))?;
    let refused = eligibility(&txn, &person, &req, today).await?;
    let now = Utc::now();
    let new_state = if refused.is_some() { CaseState::Refused } else { CaseState::AwaitingAssignment };
    let (refusal_code, refusal_message) = refused.unzip();
    let model = case::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        insured_person_id: Set(person.id),
        applied_by_user_id: Set(actor.user_id),
        applied_by_institution_id: Set(applied_by_institution_id),
        institution_id: Set(institution_id),
        care_mode: Set(enum_to_db(&req.care_mode)),
        reason: Set(reason),
        change_of_condition: Set(req.change_of_condition),
        state: Set(new_state.as_str().to_string()),
        refusal_code: Set(refusal_code),
        refusal_message: Set(refusal_message),
        current_round: Set(0),
        publicity_ends_at: Set(None),
        certificate_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    // The partial unique index on open cases: a concurrent application won the race.
    .map_err(unique_as(|| ApiError::conflict("insured_person_id", m::application_open())))?;
    audit::record_transition(
        &txn,
        &AuditActor::from(actor),
        "assessment_case.apply",
        "assessment_case",
        model.id,
        None,
        new_state.as_str(),
    )
    .await?;
    audit::commit(txn).await?;
    tracing::info!(case_id = %model.id, state = new_state.as_str(), "assessment application recorded");
    let mut views = views(state, actor, vec![model]).await?;
    views.pop().ok_or_else(|| ApiError::internal(anyhow::anyhow!("view of a new case missing")))
}

/// The case `id` if the actor may see it.
pub async fn find_in_scope<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<case::Model> {
    case::Entity::find_by_id(id)
        .filter(scope::assessment_cases(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_assessment_case()))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<AssessmentCase> {
    actor.require(Permission::ReadAssessmentCases)?;
    let m = find_in_scope(&state.db, actor, id).await?;
    let mut v = views(state, actor, vec![m]).await?;
    v.pop().ok_or_else(|| ApiError::not_found(m::thing_assessment_case()))
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: CaseFilter,
    page: PageRequest,
) -> ApiResult<Page<AssessmentCase>> {
    actor.require(Permission::ReadAssessmentCases)?;
    let mut q = case::Entity::find().filter(scope::assessment_cases(actor));
    if let Some(s) = filter.state {
        q = q.filter(case::Column::State.eq(s.as_str()));
    }
    if let Some(p) = filter.insured_person_id {
        q = q.filter(case::Column::InsuredPersonId.eq(p));
    }
    if let Some(over) = filter.publicity_over {
        let now = Utc::now();
        q = q.filter(case::Column::State.eq(CaseState::InPublicity.as_str()));
        q = if over {
            q.filter(case::Column::PublicityEndsAt.lte(now))
        } else {
            q.filter(case::Column::PublicityEndsAt.gt(now))
        };
    }
    let q = q.order_by_desc(case::Column::CreatedAt).order_by_desc(case::Column::Id);
    let page = fetch_page(&state.db, q, page, |m| m).await?;
    let items = views(state, actor, page.items).await?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

/// Builds the API views of cases, loading rounds, assessors, events and certificates in one query
/// each. Item answers are shown to agency officers and to the case's own assessors only.
pub async fn views(state: &AppState, actor: &Actor, cases: Vec<case::Model>) -> ApiResult<Vec<AssessmentCase>> {
    let ids: Vec<Uuid> = cases.iter().map(|c| c.id).collect();
    let rounds = round::Entity::find()
        .filter(round::Column::CaseId.is_in(ids.clone()))
        .order_by_asc(round::Column::RoundNo)
        .all(&state.db)
        .await?;
    let assignees =
        round_assessor::Entity::find().filter(round_assessor::Column::CaseId.is_in(ids.clone())).all(&state.db).await?;
    let events = event::Entity::find()
        .filter(event::Column::CaseId.is_in(ids.clone()))
        .order_by_asc(event::Column::At)
        .all(&state.db)
        .await?;
    let cert_ids: Vec<Uuid> = cases.iter().filter_map(|c| c.certificate_id).collect();
    let certs = certificate::Entity::find().filter(certificate::Column::Id.is_in(cert_ids)).all(&state.db).await?;

    let mut out = Vec::with_capacity(cases.len());
    for c in cases {
        let case_assessors: BTreeSet<Uuid> =
            assignees.iter().filter(|a| a.case_id == c.id).map(|a| a.assessor_id).collect();
        let sees_answers = actor.role == Role::Admin || case_assessors.contains(&actor.user_id);
        let mut case_rounds = Vec::new();
        for r in rounds.iter().filter(|r| r.case_id == c.id) {
            let result: Option<Grading> = match &r.result_json {
                Some(j) => Some(serde_json::from_str(j).map_err(anyhow::Error::from)?),
                None => None,
            };
            let answers: Option<Answers> = match (&r.answers_enc, sees_answers) {
                (Some(enc), true) => {
                    Some(serde_json::from_str(&state.pii.open(ANSWERS_PURPOSE, enc)?).map_err(anyhow::Error::from)?)
                }
                _ => None,
            };
            let mut assessor_ids: Vec<Uuid> =
                assignees.iter().filter(|a| a.round_id == r.id).map(|a| a.assessor_id).collect();
            assessor_ids.sort();
            case_rounds.push(Round {
                round_no: u32::try_from(r.round_no).unwrap_or(0),
                kind: enum_from_db(&r.kind)?,
                assessor_ids,
                lead_assessor_id: r.lead_assessor_id,
                assigned_at: r.assigned_at,
                submitted_at: r.submitted_at,
                visited_at: r.visited_at,
                confirmed_at: r.confirmed_at,
                confirmed_by: r.confirmed_by,
                result,
                answers,
            });
        }
        let case_events = events
            .iter()
            .filter(|e| e.case_id == c.id)
            .map(|e| CaseEvent { kind: e.kind.clone(), reason: e.reason.clone(), by_user_id: e.by_user_id, at: e.at })
            .collect();
        let certificate = match c.certificate_id.and_then(|id| certs.iter().find(|x| x.id == id)) {
            Some(m) => Some(certificates::view(m.clone())?),
            None => None,
        };
        out.push(AssessmentCase {
            id: c.id,
            region_id: c.region_id,
            insured_person_id: c.insured_person_id,
            care_mode: enum_from_db(&c.care_mode)?,
            reason: c.reason,
            institution_id: c.institution_id,
            applied_by_institution_id: c.applied_by_institution_id,
            change_of_condition: c.change_of_condition,
            state: CaseState::from_name(&c.state).ok_or_else(|| anyhow::anyhow!("unknown case state {}", c.state))?,
            refusal: match (c.refusal_code, c.refusal_message) {
                // Why an application was refused rests on the person's records (contributions, a
                // certificate): an institution that applied hears only that it was refused; the
                // agency tells the applicant why.
                (Some(_), Some(_)) if actor.role == Role::Institution => Some(Refusal {
                    code: "not_accepted".into(),
                    message: m::application_not_accepted().render(crate::language::current()),
                }),
                (Some(code), Some(message)) => {
                    Some(Refusal { code, message: Text::from_stored(&message).render(crate::language::current()) })
                }
                _ => None,
            },
            publicity_ends_at: c.publicity_ends_at,
            certificate,
            rounds: case_rounds,
            events: case_events,
            created_at: c.created_at,
            updated_at: c.updated_at,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::whole_months;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn counts_whole_months_only() {
        assert_eq!(whole_months(d(2025, 1, 15), d(2026, 1, 15)), 12);
        assert_eq!(whole_months(d(2025, 1, 15), d(2026, 1, 14)), 11);
        assert_eq!(whole_months(d(2025, 1, 31), d(2025, 2, 28)), 0);
        assert_eq!(whole_months(d(2026, 5, 1), d(2026, 1, 1)), 0);
    }
}
