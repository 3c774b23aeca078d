//! Beneficiary follow-up (回访与评价): who received care in a month (the institution with most
//! services, the caregiver with most visits), the month's seeded sample (`ltci_shared::draw`) and
//! follow-ups on demand, the answers — "not given" and "payment asked" opening findings — and
//! the averages per institution and caregiver that feed the evaluation.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::care::VisitState;
use ltci_shared::api::follow_ups::{
    FollowUp, FollowUpAnswer, FollowUpAverage, FollowUpAverages, FollowUpFilter, FollowUpSample, FollowUpSampleRequest,
    FollowUpStatus, RequestFollowUp,
};
use ltci_shared::api::supervision::Rule;
use ltci_shared::draw;
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::analysis::rules::{Found, Rec, Source};
use super::signals;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{
    caregiver, enum_from_db, enum_to_db, follow_up, follow_up_sample, institution, insured_person, stay, visit,
};
use crate::fields::{check_paragraph, check_text};
use crate::http::error::{ApiError, ApiResult, FieldErrors, is_unique_violation};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::state::AppState;

/// The largest monthly sample.
const MAX_SAMPLE: u32 = 1000;

/// The visit states that count as care recorded for the month.
const DELIVERED: [VisitState; 3] = [VisitState::Completed, VisitState::Verified, VisitState::NeedsReview];

/// Who served a person in a month.
#[derive(Debug, Clone, Copy)]
struct Served {
    institution_id: Uuid,
    caregiver_id: Option<Uuid>,
}

fn delivered() -> Vec<String> {
    DELIVERED.iter().map(enum_to_db).collect()
}

/// The month's visits recorded as delivered, of the region or of one person.
async fn visits_of<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    (first, last): (NaiveDate, NaiveDate),
    person: Option<Uuid>,
) -> ApiResult<Vec<visit::Model>> {
    let mut q = visit::Entity::find()
        .filter(visit::Column::RegionId.eq(region_id))
        .filter(visit::Column::ScheduledOn.between(first, last))
        .filter(visit::Column::State.is_in(delivered()));
    if let Some(p) = person {
        q = q.filter(visit::Column::InsuredPersonId.eq(p));
    }
    Ok(q.all(db).await?)
}

/// The stays overlapping the month, of the region or of one person.
async fn stays_of<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    (first, last): (NaiveDate, NaiveDate),
    person: Option<Uuid>,
) -> ApiResult<Vec<stay::Model>> {
    let mut q = stay::Entity::find()
        .filter(stay::Column::RegionId.eq(region_id))
        .filter(stay::Column::AdmittedOn.lte(last))
        .filter(Condition::any().add(stay::Column::DischargedOn.is_null()).add(stay::Column::DischargedOn.gte(first)));
    if let Some(p) = person {
        q = q.filter(stay::Column::InsuredPersonId.eq(p));
    }
    Ok(q.all(db).await?)
}

/// The days of a stay within the month (a discharge day is not a bed-day).
fn stay_days(s: &stay::Model, (first, last): (NaiveDate, NaiveDate)) -> impl Iterator<Item = NaiveDate> {
    let from = s.admitted_on.max(first);
    let to = s.discharged_on.and_then(|d| d.pred_opt()).map_or(last, |d| d.min(last));
    from.iter_days().take_while(move |d| *d <= to)
}

/// Who received care in the month: each person with the institution of most services (visits
/// and bed-days; ties by id) and, there, the caregiver of most visits.
fn served(visits: &[visit::Model], stays: &[stay::Model], month: (NaiveDate, NaiveDate)) -> BTreeMap<Uuid, Served> {
    let mut by_place: BTreeMap<(Uuid, Uuid), usize> = BTreeMap::new();
    let mut by_carer: BTreeMap<(Uuid, Uuid, Uuid), usize> = BTreeMap::new();
    for v in visits {
        *by_place.entry((v.insured_person_id, v.institution_id)).or_default() += 1;
        *by_carer.entry((v.insured_person_id, v.institution_id, v.caregiver_id)).or_default() += 1;
    }
    for s in stays {
        *by_place.entry((s.insured_person_id, s.institution_id)).or_default() += stay_days(s, month).count();
    }
    let mut out: BTreeMap<Uuid, (usize, Uuid)> = BTreeMap::new();
    for ((person, inst), n) in by_place.into_iter().filter(|(_, n)| *n > 0) {
        let best = out.entry(person).or_insert((n, inst));
        if n > best.0 {
            *best = (n, inst);
        }
    }
    out.into_iter()
        .map(|(person, (_, institution_id))| {
            let caregiver_id = by_carer
                .iter()
                .filter(|((p, i, _), _)| *p == person && *i == institution_id)
                .fold(None::<(usize, Uuid)>, |best, ((_, _, c), n)| match best {
                    Some((bn, _)) if bn >= *n => best,
                    _ => Some((*n, *c)),
                })
                .map(|(_, c)| c);
            (person, Served { institution_id, caregiver_id })
        })
        .collect()
}

/// A month that is over: its first and last day.
fn month_over(text: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), (&'static str, Text)> {
    let bounds = crate::fields::month(text)?;
    if bounds.1 >= today {
        return Err(("month_not_over", m::sample_month_not_over()));
    }
    Ok(bounds)
}

fn new_row(
    id: Uuid,
    actor: &Actor,
    month: &str,
    person: Uuid,
    who: Served,
    sample_id: Option<Uuid>,
    reason: Option<String>,
) -> follow_up::ActiveModel {
    follow_up::ActiveModel {
        id: Set(id),
        region_id: Set(actor.region_id),
        month: Set(month.to_owned()),
        insured_person_id: Set(person),
        institution_id: Set(who.institution_id),
        caregiver_id: Set(who.caregiver_id),
        sample_id: Set(sample_id),
        reason: Set(reason),
        status: Set(enum_to_db(&FollowUpStatus::Pending)),
        channel: Set(None),
        care_given: Set(None),
        payment_asked: Set(None),
        satisfaction: Set(None),
        comment: Set(None),
        finding_ids_json: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
        recorded_by: Set(None),
        recorded_at: Set(None),
        version: Set(1),
    }
}

/// Draws the month's sample (agency officers): `size` of those who received care in the month,
/// each as likely, from the seed. Once per month: sending it again returns the sample drawn; a
/// different size or seed for a month already sampled is `409`.
pub async fn sample(state: &AppState, actor: &Actor, req: FollowUpSampleRequest) -> ApiResult<FollowUpSample> {
    match sample_once(state, actor, &req).await? {
        Some(s) => Ok(s),
        None => {
            sample_once(state, actor, &req).await?.ok_or_else(|| ApiError::conflict("month", m::sample_already_drawn()))
        }
    }
}

/// One attempt at the sample; none when another request drew the month meanwhile.
async fn sample_once(
    state: &AppState,
    actor: &Actor,
    req: &FollowUpSampleRequest,
) -> ApiResult<Option<FollowUpSample>> {
    actor.require(Permission::ManageFollowUps)?;
    let mut errors = FieldErrors::new();
    let bounds = errors.take("month", month_over(&req.month, actor.today));
    if !(1..=MAX_SAMPLE).contains(&req.size) {
        errors.add("size", "out_of_range", m::sample_size_range(MAX_SAMPLE));
    }
    let seed = super::seed::given(&mut errors, req.seed.as_deref());
    errors.finish()?;
    let Some(bounds) = bounds else { return Err(ApiError::internal(anyhow::anyhow!("validated month missing"))) };
    let month = bounds.0.format("%Y-%m").to_string();
    let txn = state.db.begin().await?;
    let known = follow_up_sample::Entity::find()
        .filter(follow_up_sample::Column::RegionId.eq(actor.region_id))
        .filter(follow_up_sample::Column::Month.eq(&month))
        .one(&txn)
        .await?;
    if let Some(k) = known {
        if i64::from(k.size) != i64::from(req.size) || seed.as_ref().is_some_and(|s| *s != k.seed) {
            return Err(ApiError::conflict("month", m::sample_already_drawn()));
        }
        return view_sample(&txn, actor, k).await.map(Some);
    }
    let visits = visits_of(&txn, actor.region_id, bounds, None).await?;
    let stays = stays_of(&txn, actor.region_id, bounds, None).await?;
    let population = served(&visits, &stays, bounds);
    if population.is_empty() {
        return Err(ApiError::invalid_field("month", "nobody_served", m::nobody_served()));
    }
    let seed = seed.unwrap_or_else(super::seed::fresh);
    let people: Vec<(Uuid, Served)> = population.into_iter().collect();
    let items: Vec<(String, u32)> = people.iter().map(|(p, _)| (format!("person:{p}"), 1)).collect();
    let chosen = draw::sample(&seed, &items, usize::try_from(req.size).unwrap_or(0));
    let s = follow_up_sample::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        month: Set(month.clone()),
        seed: Set(seed),
        size: Set(i32::try_from(req.size).unwrap_or(i32::MAX)),
        population: Set(i32::try_from(people.len()).unwrap_or(i32::MAX)),
        drawn_by: Set(actor.user_id),
        drawn_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await;
    let s = match s {
        Err(e) if is_unique_violation(&e) => return Ok(None),
        other => other?,
    };
    for i in chosen {
        let (person, who) = people[i];
        new_row(Uuid::now_v7(), actor, &month, person, who, Some(s.id), None).insert(&txn).await?;
    }
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "follow_up_sample.create",
        "follow_up_sample",
        s.id,
        &["month", "size", "seed"],
    )
    .await?;
    let view = view_sample(&txn, actor, s).await?;
    audit::commit(txn).await?;
    Ok(Some(view))
}

async fn view_sample<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    s: follow_up_sample::Model,
) -> ApiResult<FollowUpSample> {
    let rows = follow_up::Entity::find()
        .filter(follow_up::Column::SampleId.eq(s.id))
        .filter(scope::follow_ups(actor))
        .order_by_asc(follow_up::Column::Id)
        .all(db)
        .await?;
    Ok(FollowUpSample {
        id: s.id,
        month: s.month,
        seed: s.seed,
        size: u32::try_from(s.size).unwrap_or(0),
        population: u32::try_from(s.population).unwrap_or(0),
        drawn_by: s.drawn_by,
        drawn_at: s.drawn_at,
        follow_ups: views(db, rows).await?,
    })
}

/// The month's sample, if drawn (officers and auditors: who will be asked is not told to the
/// institutions beforehand).
pub async fn sample_of(state: &AppState, actor: &Actor, month: &str) -> ApiResult<Option<FollowUpSample>> {
    actor.require(Permission::ReadSupervisionPlans)?;
    let (first, _) = crate::fields::month(month.trim()).map_err(|(c, t)| ApiError::invalid_field("month", c, t))?;
    let found = follow_up_sample::Entity::find()
        .filter(follow_up_sample::Column::RegionId.eq(actor.region_id))
        .filter(follow_up_sample::Column::Month.eq(first.format("%Y-%m").to_string()))
        .one(&state.db)
        .await?;
    match found {
        Some(s) => Ok(Some(view_sample(&state.db, actor, s).await?)),
        None => Ok(None),
    }
}

/// Asks for a follow-up of one person about one month (agency officers), idempotent by the
/// client's id: two copies at once, the one that loses the race reads what the other wrote.
pub async fn request(state: &AppState, actor: &Actor, req: RequestFollowUp) -> ApiResult<FollowUp> {
    match request_once(state, actor, &req).await? {
        Some(f) => Ok(f),
        None => {
            request_once(state, actor, &req).await?.ok_or_else(|| ApiError::conflict("id", m::follow_up_id_reused()))
        }
    }
}

/// One attempt; none when another request inserted the same id meanwhile.
async fn request_once(state: &AppState, actor: &Actor, req: &RequestFollowUp) -> ApiResult<Option<FollowUp>> {
    actor.require(Permission::ManageFollowUps)?;
    let mut errors = FieldErrors::new();
    let reason = errors.take("reason", check_text(&req.reason, 300));
    let bounds = errors.take("month", crate::fields::month(&req.month));
    errors.finish()?;
    let (Some(reason), Some(bounds)) = (reason, bounds) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    let month = bounds.0.format("%Y-%m").to_string();
    let txn = state.db.begin().await?;
    if let Some(k) = follow_up::Entity::find_by_id(req.id).one(&txn).await? {
        if k.region_id != actor.region_id || k.insured_person_id != req.insured_person_id || k.month != month {
            return Err(ApiError::conflict("id", m::follow_up_id_reused()));
        }
        return Ok(Some(views(&txn, vec![k]).await?.remove(0)));
    }
    let person = insured_person::Entity::find_by_id(req.insured_person_id)
        .filter(scope::insured_persons(actor))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::invalid_field("insured_person_id", "unknown_person", m::unknown_person()))?;
    let visits = visits_of(&txn, actor.region_id, bounds, Some(person.id)).await?;
    let stays = stays_of(&txn, actor.region_id, bounds, Some(person.id)).await?;
    let Some(who) = served(&visits, &stays, bounds).remove(&person.id) else {
        return Err(ApiError::invalid_field("month", "person_not_served", m::person_not_served(month)));
    };
    let row = match new_row(req.id, actor, &month, person.id, who, None, Some(reason)).insert(&txn).await {
        Err(e) if is_unique_violation(&e) => return Ok(None),
        other => other?,
    };
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "follow_up.request",
        "follow_up",
        row.id,
        &["insured_person_id", "month", "reason"],
    )
    .await?;
    let view = views(&txn, vec![row]).await?.remove(0);
    audit::commit(txn).await?;
    Ok(Some(view))
}

/// Checks an answer's fields: `done` needs every answer, `unreachable` none.
fn check_answer(req: &FollowUpAnswer) -> ApiResult<Option<String>> {
    let mut errors = FieldErrors::new();
    let comment = req.comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let comment = comment.and_then(|c| errors.take("comment", check_paragraph(c, 1000)));
    match req.status {
        FollowUpStatus::Pending => errors.add("status", "not_allowed", m::follow_up_status_answered()),
        FollowUpStatus::Done => {
            if req.care_given.is_none() {
                errors.add("care_given", "required", m::follow_up_answer_required());
            }
            if req.payment_asked.is_none() {
                errors.add("payment_asked", "required", m::follow_up_answer_required());
            }
            match req.satisfaction {
                None => errors.add("satisfaction", "required", m::follow_up_answer_required()),
                Some(1..=5) => {}
                Some(_) => errors.add("satisfaction", "out_of_range", m::satisfaction_range()),
            }
        }
        FollowUpStatus::Unreachable => {
            for (field, given) in [
                ("care_given", req.care_given.is_some()),
                ("payment_asked", req.payment_asked.is_some()),
                ("satisfaction", req.satisfaction.is_some()),
            ] {
                if given {
                    errors.add(field, "not_allowed", m::follow_up_answer_not_allowed());
                }
            }
        }
    }
    errors.finish()?;
    Ok(comment)
}

/// What "care not given" is about: the month's visits and bed-days of the person at the
/// institution, each a record the confirmation refuses.
async fn month_records<C: ConnectionTrait>(db: &C, f: &follow_up::Model) -> ApiResult<Vec<Rec>> {
    let bounds = crate::fields::month(&f.month).map_err(|(_, t)| ApiError::internal(anyhow::anyhow!("{t:?}")))?;
    let visits = visits_of(db, f.region_id, bounds, Some(f.insured_person_id)).await?;
    let stays = stays_of(db, f.region_id, bounds, Some(f.insured_person_id)).await?;
    let mut out: Vec<Rec> = visits
        .iter()
        .filter(|v| v.institution_id == f.institution_id)
        .map(|v| Rec {
            source: Source::Visit,
            id: v.id,
            on: v.scheduled_on,
            institution_id: v.institution_id,
            affected: true,
        })
        .collect();
    for s in stays.iter().filter(|s| s.institution_id == f.institution_id) {
        out.extend(stay_days(s, bounds).map(|on| Rec {
            source: Source::Stay,
            id: s.id,
            on,
            institution_id: s.institution_id,
            affected: true,
        }));
    }
    Ok(out)
}

/// Records the answers (agency officers), once: "care not given" opens a finding naming the
/// month's services of the person at the institution (a confirmation refuses their pay);
/// "payment asked" opens one too.
pub async fn answer(state: &AppState, actor: &Actor, id: Uuid, req: FollowUpAnswer) -> ApiResult<FollowUp> {
    actor.require(Permission::ManageFollowUps)?;
    let comment = check_answer(&req)?;
    let txn = state.db.begin().await?;
    let f = follow_up::Entity::find_by_id(id)
        .filter(scope::follow_ups(actor))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_follow_up()))?;
    if f.version != req.version {
        return Err(ApiError::conflict("version", m::follow_up_changed_meanwhile()));
    }
    if f.status != enum_to_db(&FollowUpStatus::Pending) {
        return Err(ApiError::conflict("version", m::follow_up_already_recorded()));
    }
    let who = AuditActor::from(actor);
    let first = crate::fields::month(&f.month).map(|b| b.0).unwrap_or(actor.today);
    let evidence = serde_json::json!({
        "follow_up_id": f.id, "month": f.month, "channel": req.channel, "satisfaction": req.satisfaction,
    });
    let mut raised = Vec::new();
    if req.care_given == Some(false) {
        let records = month_records(&txn, &f).await?;
        let mut evidence = evidence.clone();
        evidence["services"] = serde_json::json!(records.len());
        raised.push(Found {
            rule: Rule::CareNotGiven,
            key: format!("{}:care", f.id),
            occurred_on: first,
            institution_id: Some(f.institution_id),
            caregiver_id: f.caregiver_id,
            person_id: Some(f.insured_person_id),
            summary: m::care_not_given_summary(f.month.clone()),
            evidence,
            records,
        });
    }
    if req.payment_asked == Some(true) {
        raised.push(Found {
            rule: Rule::PaymentAsked,
            key: format!("{}:payment", f.id),
            occurred_on: first,
            institution_id: Some(f.institution_id),
            caregiver_id: f.caregiver_id,
            person_id: Some(f.insured_person_id),
            summary: m::payment_asked_summary(f.month.clone()),
            evidence: evidence.clone(),
            records: Vec::new(),
        });
    }
    let mut finding_ids = Vec::with_capacity(raised.len());
    for found in raised {
        finding_ids.push(signals::raise(&txn, &who, f.region_id, None, found).await?);
    }
    let updated = follow_up::Entity::update_many()
        .col_expr(follow_up::Column::Status, Expr::value(enum_to_db(&req.status)))
        .col_expr(follow_up::Column::Channel, Expr::value(enum_to_db(&req.channel)))
        .col_expr(follow_up::Column::CareGiven, Expr::value(req.care_given))
        .col_expr(follow_up::Column::PaymentAsked, Expr::value(req.payment_asked))
        .col_expr(follow_up::Column::Satisfaction, Expr::value(req.satisfaction.map(i32::from)))
        .col_expr(follow_up::Column::Comment, Expr::value(comment))
        .col_expr(
            follow_up::Column::FindingIdsJson,
            Expr::value(serde_json::to_string(&finding_ids).map_err(anyhow::Error::from)?),
        )
        .col_expr(follow_up::Column::RecordedBy, Expr::value(actor.user_id))
        .col_expr(follow_up::Column::RecordedAt, Expr::value(Utc::now()))
        .col_expr(follow_up::Column::Version, Expr::value(f.version + 1))
        .filter(follow_up::Column::Id.eq(f.id))
        .filter(follow_up::Column::Version.eq(f.version))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::follow_up_changed_meanwhile()));
    }
    audit::record(
        &txn,
        &who,
        "follow_up.answer",
        "follow_up",
        f.id,
        &["status", "channel", "care_given", "payment_asked", "satisfaction", "comment"],
    )
    .await?;
    let row =
        follow_up::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| ApiError::not_found(m::thing_follow_up()))?;
    let view = views(&txn, vec![row]).await?.remove(0);
    audit::commit(txn).await?;
    Ok(view)
}

/// Follow-ups as the API shows them, naming people, institutions and caregivers in three queries.
async fn views<C: ConnectionTrait>(db: &C, rows: Vec<follow_up::Model>) -> ApiResult<Vec<FollowUp>> {
    let persons: HashSet<Uuid> = rows.iter().map(|r| r.insured_person_id).collect();
    let places: HashSet<Uuid> = rows.iter().map(|r| r.institution_id).collect();
    let carers: HashSet<Uuid> = rows.iter().filter_map(|r| r.caregiver_id).collect();
    let person_names: HashMap<Uuid, String> = if persons.is_empty() {
        HashMap::new()
    } else {
        insured_person::Entity::find()
            .filter(insured_person::Column::Id.is_in(persons))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect()
    };
    let place_names: HashMap<Uuid, String> = if places.is_empty() {
        HashMap::new()
    } else {
        institution::Entity::find()
            .filter(institution::Column::Id.is_in(places))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect()
    };
    let carer_names: HashMap<Uuid, String> = if carers.is_empty() {
        HashMap::new()
    } else {
        caregiver::Entity::find()
            .filter(caregiver::Column::Id.is_in(carers))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect()
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(FollowUp {
            id: r.id,
            month: r.month,
            person_name: person_names.get(&r.insured_person_id).cloned().unwrap_or_default(),
            insured_person_id: r.insured_person_id,
            institution_name: place_names.get(&r.institution_id).cloned().unwrap_or_default(),
            institution_id: r.institution_id,
            caregiver_name: r.caregiver_id.and_then(|c| carer_names.get(&c).cloned()),
            caregiver_id: r.caregiver_id,
            sample_id: r.sample_id,
            reason: r.reason,
            status: enum_from_db(&r.status)?,
            channel: r.channel.as_deref().map(enum_from_db).transpose()?,
            care_given: r.care_given,
            payment_asked: r.payment_asked,
            satisfaction: r.satisfaction.and_then(|s| u8::try_from(s).ok()),
            comment: r.comment,
            finding_ids: match r.finding_ids_json.as_deref() {
                Some(j) => serde_json::from_str(j).map_err(anyhow::Error::from)?,
                None => Vec::new(),
            },
            created_at: r.created_at,
            recorded_at: r.recorded_at,
            version: r.version,
        });
    }
    Ok(out)
}

/// Follow-ups in scope, newest first: officers and auditors the region's, institution staff
/// those about their own institution once recorded.
pub async fn list(state: &AppState, actor: &Actor, f: FollowUpFilter, page: PageRequest) -> ApiResult<Page<FollowUp>> {
    actor.require(Permission::ReadFollowUps)?;
    let mut q = follow_up::Entity::find().filter(scope::follow_ups(actor));
    if let Some(month) = f.month.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let (first, _) = crate::fields::month(month).map_err(|(c, t)| ApiError::invalid_field("month", c, t))?;
        q = q.filter(follow_up::Column::Month.eq(first.format("%Y-%m").to_string()));
    }
    if let Some(id) = f.institution_id {
        q = q.filter(follow_up::Column::InstitutionId.eq(id));
    }
    if let Some(id) = f.caregiver_id {
        q = q.filter(follow_up::Column::CaregiverId.eq(id));
    }
    if let Some(s) = f.status {
        q = q.filter(follow_up::Column::Status.eq(enum_to_db(&s)));
    }
    let q = q.order_by_desc(follow_up::Column::Month).order_by_desc(follow_up::Column::Id);
    let found = try_fetch_page(&state.db, q, page, Ok).await?;
    let items = views(&state.db, found.items).await?;
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}

/// One follow-up in scope.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<FollowUp> {
    actor.require(Permission::ReadFollowUps)?;
    let row = follow_up::Entity::find_by_id(id)
        .filter(scope::follow_ups(actor))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_follow_up()))?;
    Ok(views(&state.db, vec![row]).await?.remove(0))
}

/// Running totals of the answers about one institution or caregiver.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub answered: u32,
    pub unreachable: u32,
    pub satisfaction_sum: u32,
    pub care_not_given: u32,
    pub payment_asked: u32,
}

impl Tally {
    fn add(&mut self, r: &follow_up::Model) {
        if r.status == enum_to_db(&FollowUpStatus::Unreachable) {
            self.unreachable += 1;
            return;
        }
        self.answered += 1;
        self.satisfaction_sum += r.satisfaction.and_then(|s| u32::try_from(s).ok()).unwrap_or(0);
        self.care_not_given += u32::from(r.care_given == Some(false));
        self.payment_asked += u32::from(r.payment_asked == Some(true));
    }

    /// The mean satisfaction, to two decimals (halves away from zero); none before any answer.
    pub fn average(&self) -> Option<Decimal> {
        (self.answered > 0).then(|| {
            (Decimal::from(self.satisfaction_sum) / Decimal::from(self.answered))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
    }
}

/// The year's recorded follow-ups of the region (or of one institution).
async fn recorded<C: ConnectionTrait>(db: &C, within: Condition, year: i32) -> ApiResult<Vec<follow_up::Model>> {
    Ok(follow_up::Entity::find()
        .filter(within)
        .filter(follow_up::Column::Month.between(format!("{year:04}-01"), format!("{year:04}-12")))
        .filter(follow_up::Column::Status.ne(enum_to_db(&FollowUpStatus::Pending)))
        .all(db)
        .await?)
}

/// What the year's follow-ups said of one institution (the evaluation's `satisfaction`).
pub async fn tally_of<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    institution_id: Uuid,
    year: i32,
) -> ApiResult<Tally> {
    let mut t = Tally::default();
    let of = Condition::all()
        .add(follow_up::Column::RegionId.eq(region_id))
        .add(follow_up::Column::InstitutionId.eq(institution_id));
    for r in recorded(db, of, year).await? {
        t.add(&r);
    }
    Ok(t)
}

/// The evaluation sheet's category scored from follow-ups (参保人满意度).
pub const SATISFACTION_CATEGORY: &str = "satisfaction";

/// The points of the `satisfaction` category (at most `max_points`) from the year's answered
/// follow-ups of the institution — `max_points × mean / 5`, rounded — with the note saying so;
/// none before any answer, when the officer scores it.
pub async fn satisfaction_score<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    institution_id: Uuid,
    year: i32,
    max_points: u32,
) -> ApiResult<Option<(u32, Text)>> {
    let t = tally_of(db, region_id, institution_id, year).await?;
    let Some(mean) = t.average() else { return Ok(None) };
    // From the exact mean, rounded once.
    let exact = Decimal::from(max_points) * Decimal::from(t.satisfaction_sum) / Decimal::from(5 * t.answered);
    let points = exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let points = rust_decimal::prelude::ToPrimitive::to_u32(&points).unwrap_or(max_points).min(max_points);
    Ok(Some((points, m::satisfaction_from_follow_ups(t.answered, format!("{mean:.2}")))))
}

/// The year's averages per institution and per caregiver, in scope (institution staff: their
/// own institution and caregivers).
pub async fn averages(state: &AppState, actor: &Actor, year: i32) -> ApiResult<FollowUpAverages> {
    actor.require(Permission::ReadFollowUps)?;
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::invalid_field("year", "out_of_range", m::year_range(2000, 2100)));
    }
    let rows: Vec<follow_up::Model> = recorded(&state.db, scope::follow_ups(actor), year).await?;
    let mut places: BTreeMap<Uuid, Tally> = BTreeMap::new();
    let mut carers: BTreeMap<Uuid, Tally> = BTreeMap::new();
    for r in &rows {
        places.entry(r.institution_id).or_default().add(r);
        if let Some(c) = r.caregiver_id {
            carers.entry(c).or_default().add(r);
        }
    }
    let views = views(&state.db, rows).await?;
    let place_name = |id: Uuid| views.iter().find(|v| v.institution_id == id).map(|v| v.institution_name.clone());
    let carer_name =
        |id: Uuid| views.iter().find(|v| v.caregiver_id == Some(id)).and_then(|v| v.caregiver_name.clone());
    let row = |id: Uuid, name: Option<String>, t: &Tally| FollowUpAverage {
        id,
        name: name.unwrap_or_default(),
        answered: t.answered,
        unreachable: t.unreachable,
        average_satisfaction: t.average(),
        care_not_given: t.care_not_given,
        payment_asked: t.payment_asked,
    };
    Ok(FollowUpAverages {
        year,
        institutions: places.iter().map(|(id, t)| row(*id, place_name(*id), t)).collect(),
        caregivers: carers.iter().map(|(id, t)| row(*id, carer_name(*id), t)).collect(),
    })
}
