//! Partner events (医保 hospital admissions and discharges, 民政 deaths), by API batch or CSV file:
//! checked whole first, kept once per source and reference, then applied in one transaction —
//! hospital stays assembled per episode, deaths written to the register (plans ended, stays
//! discharged, service relations closed) — and the checked-out visits they now cover verified
//! again.

use ltci_shared::messages as m;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use ltci_shared::IdNumber;
use ltci_shared::api::care::{PlanStatus, VisitState};
use ltci_shared::api::partners::{
    Hospitalisation, HospitalisationFilter, MAX_PARTNER_EVENTS, PartnerEvent, PartnerEventKind, PartnerImportOutcome,
    PartnerOutcome, PartnerResult, PartnerSource,
};
use ltci_shared::api::registry::PersonStatus;
use ltci_shared::api::stays::{DischargeReason, DischargeRequest};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use super::{events, stays};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::csv_lines::CsvLines;
use crate::entities::{
    care_plan, enum_from_db, enum_to_db, hospitalisation as hosp, insured_person, partner_event as pe,
    service_relation as rel, stay, visit,
};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::pii::PiiCipher;
use crate::state::AppState;

/// The header every CSV file starts with.
pub const HEADER: [&str; 7] = ["source", "external_ref", "kind", "id_number", "on", "episode_ref", "hospital"];

/// Rows per query or multi-row insert.
const CHUNK: usize = 1000;

/// Whether a hospital stay covers `day`: from the admission day up to the day before discharge.
/// A stay whose admission is not known yet covers nothing.
pub fn in_hospital(admitted_on: Option<NaiveDate>, discharged_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    admitted_on.is_some_and(|a| a <= day) && discharged_on.is_none_or(|d| day < d)
}

/// The person's known hospital stays as (admitted, discharged) pairs.
pub async fn hospital_spells<C: ConnectionTrait>(
    db: &C,
    person: Uuid,
) -> ApiResult<Vec<(Option<NaiveDate>, Option<NaiveDate>)>> {
    Ok(hosp::Entity::find()
        .select_only()
        .column(hosp::Column::AdmittedOn)
        .column(hosp::Column::DischargedOn)
        .filter(hosp::Column::InsuredPersonId.eq(person))
        .filter(hosp::Column::AdmittedOn.is_not_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// One event after checking, with where it came from (`events[i]`, `lines[n]`, or
/// `partner_events[<id>]` for a recorded one matched again).
pub(super) struct Checked {
    pub at: String,
    pub event: PartnerEvent,
    pub id_hash: String,
    pub sha256: String,
    /// The recorded event's id when an unmatched one is matched again.
    pub stored: Option<Uuid>,
}

/// Reads a CSV file into events; problems are keyed `lines[<n>].<column>`.
pub fn parse_csv(input: &[u8]) -> ApiResult<(Vec<PartnerEvent>, Vec<String>)> {
    let mut errors = FieldErrors::new();
    let (mut events, mut places) = (Vec::new(), Vec::new());
    for item in CsvLines::new(input, &HEADER) {
        let (line, record) = match item {
            Ok(read) => read,
            Err(p) => {
                errors.add(format!("lines[{}].{}", p.line, p.column), p.code, p.message);
                continue;
            }
        };
        let at = format!("lines[{line}]");
        let source: Option<PartnerSource> = enum_from_db(&record[0])
            .map_err(|_| errors.add(format!("{at}.source"), "unknown_value", m::partner_source_values()))
            .ok();
        let kind: Option<PartnerEventKind> = enum_from_db(&record[2])
            .map_err(|_| errors.add(format!("{at}.kind"), "unknown_value", m::partner_kind_values()))
            .ok();
        let on: Option<NaiveDate> = ltci_shared::strict::parse_day(&record[4])
            .map_err(|(code, key)| errors.add(format!("{at}.on"), code, ltci_shared::strict::text_of(code, key)))
            .ok();
        let optional = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        if let (Some(source), Some(kind), Some(on)) = (source, kind, on) {
            events.push(PartnerEvent {
                source,
                external_ref: record[1].to_owned(),
                kind,
                id_number: record[3].to_owned(),
                on,
                episode_ref: optional(&record[5]),
                hospital: optional(&record[6]),
            });
            places.push(at);
        }
    }
    errors.finish()?;
    Ok((events, places))
}

/// Checks each event on its own; problems are keyed `<place>.<field>`.
fn check(pii: &PiiCipher, today: NaiveDate, events: Vec<PartnerEvent>, places: Vec<String>) -> ApiResult<Vec<Checked>> {
    let mut errors = FieldErrors::new();
    if events.is_empty() {
        return Err(ApiError::invalid_field("events", "required", m::events_required()));
    }
    if events.len() > MAX_PARTNER_EVENTS {
        return Err(ApiError::invalid_field("events", "too_many", m::partner_events_too_many(MAX_PARTNER_EVENTS)));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (mut event, at) in events.into_iter().zip(places) {
        let before = errors.len();
        let f = |name: &str| format!("{at}.{name}");
        match check_text(&event.external_ref, 100) {
            Ok(r) if !seen.insert((event.source, r.clone())) => {
                errors.add(f("external_ref"), "duplicate_reference", m::reference_on_earlier_line())
            }
            Ok(r) => event.external_ref = r,
            Err((code, message)) => errors.add(f("external_ref"), code, message),
        }
        let id = IdNumber::parse_on(&event.id_number, today)
            .map_err(|e| errors.add(f("id_number"), e.code(), e.text()))
            .ok();
        if event.on > today {
            errors.add(f("on"), "in_future", m::day_not_yet_come());
        } else if id.as_ref().is_some_and(|id| event.on < id.birth_date()) {
            errors.add(f("on"), "before_birth", m::day_before_birth());
        }
        let hospital_event = event.kind != PartnerEventKind::Death;
        match (hospital_event, event.episode_ref.as_deref()) {
            (true, None) => errors.add(f("episode_ref"), "required", m::episode_required()),
            (true, Some(e)) => match check_text(e, 100) {
                Ok(e) => event.episode_ref = Some(e),
                Err((code, message)) => errors.add(f("episode_ref"), code, message),
            },
            (false, Some(_)) => errors.add(f("episode_ref"), "not_allowed", m::death_has_no_episode()),
            (false, None) => {}
        }
        match (hospital_event, event.hospital.as_deref()) {
            (true, Some(h)) => match check_text(h, 200) {
                Ok(h) => event.hospital = Some(h),
                Err((code, message)) => errors.add(f("hospital"), code, message),
            },
            (false, Some(_)) => errors.add(f("hospital"), "not_allowed", m::death_has_no_hospital()),
            (_, None) => {}
        }
        if let (Some(id), true) = (id, errors.len() == before) {
            let id_hash = pii.index(id.as_str());
            // The content fingerprint names the person by the blind index, never the number.
            let content = serde_json::json!([event.kind, id_hash, event.on, event.episode_ref, event.hospital]);
            let sha256 = crate::digest::sha256_hex(content.to_string().as_bytes());
            out.push(Checked { at, event, id_hash, sha256, stored: None });
        }
    }
    errors.finish()?;
    Ok(out)
}

/// A hospital episode as the batch leaves it.
#[derive(Clone)]
struct Episode {
    id: Option<Uuid>,
    person: Uuid,
    hospital: Option<String>,
    admitted_on: Option<NaiveDate>,
    discharged_on: Option<NaiveDate>,
    /// The earliest day whose benefit the batch may change.
    from: Option<NaiveDate>,
}

/// Records a CSV file of events (problems keyed `lines[n].<column>`).
pub async fn import_csv(state: &AppState, actor: &Actor, bytes: &[u8]) -> ApiResult<PartnerImportOutcome> {
    actor.require(Permission::ImportPartnerEvents)?;
    let (events, places) = parse_csv(bytes)?;
    import(state, actor, events, places).await
}

/// Records a batch sent as JSON (problems keyed `events[i].<field>`).
pub async fn import_batch(
    state: &AppState,
    actor: &Actor,
    events: Vec<PartnerEvent>,
) -> ApiResult<PartnerImportOutcome> {
    let places = (0..events.len()).map(|i| format!("events[{i}]")).collect();
    import(state, actor, events, places).await
}

/// Checks the events, refuses them all on any problem, else records and applies the new ones.
pub async fn import(
    state: &AppState,
    actor: &Actor,
    events: Vec<PartnerEvent>,
    places: Vec<String>,
) -> ApiResult<PartnerImportOutcome> {
    actor.require(Permission::ImportPartnerEvents)?;
    let checked = check(&state.pii, actor.today, events, places)?;
    apply(state, actor, checked).await
}

/// Records the new events of `checked` and applies those whose person is in the register (and
/// the recorded ones matched again), all or nothing.
pub(super) async fn apply(state: &AppState, actor: &Actor, checked: Vec<Checked>) -> ApiResult<PartnerImportOutcome> {
    let txn = state.db.begin().await?;
    let mut errors = FieldErrors::new();

    // What was recorded before under the same references.
    let mut earlier: HashMap<(String, String), pe::Model> = HashMap::new();
    let refs: Vec<String> =
        checked.iter().filter(|c| c.stored.is_none()).map(|c| c.event.external_ref.clone()).collect();
    for chunk in refs.chunks(CHUNK) {
        for e in pe::Entity::find()
            .filter(pe::Column::RegionId.eq(actor.region_id))
            .filter(pe::Column::ExternalRef.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            earlier.insert((e.source.clone(), e.external_ref.clone()), e);
        }
    }
    // Who the ID numbers are, in this region.
    let mut persons: HashMap<String, insured_person::Model> = HashMap::new();
    let hashes: Vec<String> = checked.iter().map(|c| c.id_hash.clone()).collect::<HashSet<_>>().into_iter().collect();
    for chunk in hashes.chunks(CHUNK) {
        for p in insured_person::Entity::find()
            .filter(insured_person::Column::RegionId.eq(actor.region_id))
            .filter(insured_person::Column::IdNumberHash.is_in(chunk.to_vec()))
            .lock(LockType::Update)
            .all(&txn)
            .await?
        {
            persons.insert(p.id_number_hash.clone(), p);
        }
    }
    // The hospital episodes the batch touches, as stored.
    let mut episodes: HashMap<(PartnerSource, String), Episode> = HashMap::new();
    let episode_refs: Vec<String> = checked.iter().filter_map(|c| c.event.episode_ref.clone()).collect();
    for chunk in episode_refs.chunks(CHUNK) {
        for h in hosp::Entity::find()
            .filter(hosp::Column::RegionId.eq(actor.region_id))
            .filter(hosp::Column::EpisodeRef.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            let episode = Episode {
                id: Some(h.id),
                person: h.insured_person_id,
                hospital: h.hospital,
                admitted_on: h.admitted_on,
                discharged_on: h.discharged_on,
                from: None,
            };
            episodes.insert((enum_from_db(&h.source)?, h.episode_ref), episode);
        }
    }

    let mut results = Vec::new();
    let mut new_events = Vec::new();
    // Recorded events matched again: (event, person).
    let mut rematched = Vec::new();
    let mut deaths: BTreeMap<Uuid, (NaiveDate, String)> = BTreeMap::new();
    let now = Utc::now();
    for c in &checked {
        let e = &c.event;
        let person = persons.get(&c.id_hash);
        let key = (enum_to_db(&e.source), e.external_ref.clone());
        if let Some(old) = earlier.get(&key).filter(|_| c.stored.is_none()) {
            if old.sha256 == c.sha256 {
                results.push(result(e, PartnerOutcome::Duplicate, old.insured_person_id));
            } else {
                errors.add(format!("{}.external_ref", c.at), "reference_conflict", m::reference_recorded_otherwise());
            }
            continue;
        }
        if let (Some(row), Some(person)) = (c.stored, person) {
            rematched.push((row, person.id));
        } else if c.stored.is_none() {
            new_events.push(pe::ActiveModel {
                id: Set(Uuid::now_v7()),
                region_id: Set(actor.region_id),
                source: Set(key.0),
                external_ref: Set(key.1),
                kind: Set(enum_to_db(&e.kind)),
                insured_person_id: Set(person.map(|p| p.id)),
                id_number_hash: Set(c.id_hash.clone()),
                occurred_on: Set(e.on),
                episode_ref: Set(e.episode_ref.clone()),
                hospital: Set(e.hospital.clone()),
                sha256: Set(c.sha256.clone()),
                received_by: Set(actor.user_id),
                received_at: Set(now),
                ..Default::default()
            });
        }
        let Some(person) = person else {
            results.push(result(e, PartnerOutcome::Unmatched, None));
            continue;
        };
        results.push(result(e, PartnerOutcome::Applied, Some(person.id)));
        match (e.kind, e.episode_ref.clone()) {
            (PartnerEventKind::Death, _) => {
                if let Some((other, _)) = deaths.get(&person.id).filter(|(d, _)| *d != e.on) {
                    errors.add(format!("{}.on", c.at), "conflicting_death", m::earlier_line_says(other));
                }
                deaths.insert(person.id, (e.on, c.at.clone()));
            }
            (kind, Some(episode_ref)) => {
                let ep = episodes.entry((e.source, episode_ref)).or_insert_with(|| Episode {
                    id: None,
                    person: person.id,
                    hospital: None,
                    admitted_on: None,
                    discharged_on: None,
                    from: None,
                });
                if ep.person != person.id {
                    errors.add(
                        format!("{}.episode_ref", c.at),
                        "episode_of_another_person",
                        m::episode_of_another_person(),
                    );
                    continue;
                }
                let slot = if kind == PartnerEventKind::HospitalAdmission {
                    &mut ep.admitted_on
                } else {
                    &mut ep.discharged_on
                };
                match *slot {
                    Some(d) if d != e.on => errors.add(
                        format!("{}.on", c.at),
                        "episode_date_differs",
                        if kind == PartnerEventKind::HospitalAdmission {
                            m::episode_admission_was(d)
                        } else {
                            m::episode_discharge_was(d)
                        },
                    ),
                    _ => *slot = Some(e.on),
                }
                if e.hospital.is_some() {
                    ep.hospital.clone_from(&e.hospital);
                }
                if let (Some(a), Some(d)) = (ep.admitted_on, ep.discharged_on)
                    && d < a
                {
                    errors.add(format!("{}.on", c.at), "before_admission", m::episode_admission_was(a));
                }
                ep.from = [ep.from, ep.admitted_on, Some(e.on)].into_iter().flatten().min();
            }
            (_, None) => {}
        }
    }
    let count = errors.len();
    errors.finish().map_err(|e| e.with_message(m::partner_events_refused(count)))?;

    // Record the events, then apply them.
    let new_count = new_events.len();
    while !new_events.is_empty() {
        let rest = new_events.split_off(new_events.len().min(CHUNK));
        pe::Entity::insert_many(std::mem::replace(&mut new_events, rest))
            .exec(&txn)
            .await
            .map_err(unique_as(|| ApiError::conflict("events", m::partner_events_raced())))?;
    }
    for (row, person) in &rematched {
        // Matched once: a second officer's rematch at the same time finds it matched already.
        let done = pe::Entity::update_many()
            .col_expr(pe::Column::InsuredPersonId, sea_orm::sea_query::Expr::value(*person))
            .filter(pe::Column::Id.eq(*row))
            .filter(pe::Column::InsuredPersonId.is_null())
            .filter(pe::Column::DismissedAt.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(ApiError::conflict("events", m::partner_events_raced()));
        }
    }
    let mut reverify_from: BTreeMap<Uuid, NaiveDate> = BTreeMap::new();
    let mut touch = |person: Uuid, from: NaiveDate| {
        let e = reverify_from.entry(person).or_insert(from);
        *e = (*e).min(from);
    };
    for ((source, episode_ref), ep) in &episodes {
        let Some(from) = ep.from else { continue };
        touch(ep.person, from);
        let mut a = match ep.id {
            Some(id) => hosp::ActiveModel { id: sea_orm::Unchanged(id), ..Default::default() },
            None => hosp::ActiveModel {
                id: Set(Uuid::now_v7()),
                region_id: Set(actor.region_id),
                insured_person_id: Set(ep.person),
                source: Set(enum_to_db(source)),
                episode_ref: Set(episode_ref.clone()),
                ..Default::default()
            },
        };
        a.hospital = Set(ep.hospital.clone());
        a.admitted_on = Set(ep.admitted_on);
        a.discharged_on = Set(ep.discharged_on);
        a.updated_at = Set(now);
        if ep.id.is_some() {
            a.update(&txn).await?;
        } else {
            a.insert(&txn).await?;
        }
    }
    let (mut plans_ended, mut stays_discharged) = (0u32, 0u32);
    for (person_id, (died_on, _)) in &deaths {
        touch(*person_id, *died_on);
        let (p, s) = record_death(&txn, actor, *person_id, *died_on).await?;
        plans_ended += p;
        stays_discharged += s;
    }
    let mut visits_reverified = 0u32;
    for (person, from) in reverify_from {
        visits_reverified += reverify_visits(state, &txn, person, from).await?;
    }
    if new_count > 0 {
        audit::record(&txn, &AuditActor::from(actor), "partner_events.import", "region", actor.region_id, &["events"])
            .await?;
    }
    if !rematched.is_empty() {
        audit::record(&txn, &AuditActor::from(actor), "partner_events.rematch", "region", actor.region_id, &["events"])
            .await?;
    }
    audit::commit(txn).await?;
    let count =
        |o: PartnerOutcome| u32::try_from(results.iter().filter(|r| r.outcome == o).count()).unwrap_or(u32::MAX);
    Ok(PartnerImportOutcome {
        applied: count(PartnerOutcome::Applied),
        duplicates: count(PartnerOutcome::Duplicate),
        unmatched: count(PartnerOutcome::Unmatched),
        visits_reverified,
        plans_ended,
        stays_discharged,
        results,
    })
}

fn result(e: &PartnerEvent, outcome: PartnerOutcome, person: Option<Uuid>) -> PartnerResult {
    PartnerResult { source: e.source, external_ref: e.external_ref.clone(), outcome, insured_person_id: person }
}

/// Writes a reported death to the register and stops what runs after it: care plans end on the
/// day, open stays are discharged, open service relations (and caregiver assignments) close.
async fn record_death(
    txn: &DatabaseTransaction,
    actor: &Actor,
    person_id: Uuid,
    died_on: NaiveDate,
) -> ApiResult<(u32, u32)> {
    let audit_actor = AuditActor::from(actor);
    let person = insured_person::Entity::find_by_id(person_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("person {person_id} missing")))?;
    if person.died_on != Some(died_on) || person.status != PersonStatus::Deceased.as_str() {
        let mut a: insured_person::ActiveModel = person.into();
        a.status = Set(PersonStatus::Deceased.as_str().to_owned());
        a.died_on = Set(Some(died_on));
        a.updated_at = Set(Utc::now());
        a.update(txn).await?;
        audit::record(
            txn,
            &audit_actor,
            "insured_person.death_reported",
            "insured_person",
            person_id,
            &["status", "died_on"],
        )
        .await?;
    }
    let mut plans_ended = 0;
    let running = care_plan::Entity::find()
        .filter(care_plan::Column::InsuredPersonId.eq(person_id))
        .filter(care_plan::Column::EndOn.gt(died_on))
        .filter(care_plan::Column::Status.eq(enum_to_db(&PlanStatus::Active)))
        .all(txn)
        .await?;
    for p in running {
        let id = p.id;
        let mut a: care_plan::ActiveModel = p.clone().into();
        a.end_on = Set(died_on.max(p.start_on));
        a.status = Set(enum_to_db(&PlanStatus::Ended));
        a.end_reason = Set(Some(m::ended_by_reported_death(died_on).zh()));
        a.updated_at = Set(Utc::now());
        a.update(txn).await?;
        audit::record(txn, &audit_actor, "care_plan.end", "care_plan", id, &["end_on", "status", "end_reason"]).await?;
        plans_ended += 1;
    }
    let mut stays_discharged = 0;
    let open = stay::Entity::find()
        .filter(stay::Column::InsuredPersonId.eq(person_id))
        .filter(stay::Column::DischargedOn.is_null())
        .filter(stay::Column::AdmittedOn.lte(died_on))
        .all(txn)
        .await?;
    for s in open {
        let req = DischargeRequest { discharged_on: died_on, reason: DischargeReason::Deceased };
        stays::close(txn, actor, s, &req, false).await?;
        stays_discharged += 1;
    }
    let relations = rel::Entity::find()
        .filter(rel::Column::InsuredPersonId.eq(person_id))
        .filter(rel::Column::EndOn.is_null())
        .filter(rel::Column::StartOn.lte(died_on))
        .all(txn)
        .await?;
    for r in relations {
        crate::institutions::relations::close(txn, actor, r, died_on, m::ended_by_death(died_on).zh()).await?;
    }
    Ok((plans_ended, stays_discharged))
}

/// Verifies again the person's checked-out visits from `from` on (a hospital stay or a death now
/// covers some of them, or no longer does). Returns how many were verified.
async fn reverify_visits(state: &AppState, txn: &DatabaseTransaction, person: Uuid, from: NaiveDate) -> ApiResult<u32> {
    let ids: Vec<Uuid> = visit::Entity::find()
        .select_only()
        .column(visit::Column::Id)
        .filter(visit::Column::InsuredPersonId.eq(person))
        .filter(visit::Column::ScheduledOn.gte(from))
        .filter(visit::Column::CheckedOutAt.is_not_null())
        .filter(visit::Column::State.ne(enum_to_db(&VisitState::Scheduled)))
        .order_by_asc(visit::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    for id in &ids {
        events::reverify(state, txn, *id).await?;
    }
    Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
}

fn hospitalisation_view(h: hosp::Model) -> ApiResult<Hospitalisation> {
    Ok(Hospitalisation {
        source: enum_from_db(&h.source)?,
        id: h.id,
        insured_person_id: h.insured_person_id,
        episode_ref: h.episode_ref,
        hospital: h.hospital,
        admitted_on: h.admitted_on,
        discharged_on: h.discharged_on,
        updated_at: h.updated_at,
    })
}

/// Hospital stays of the actor's region, latest admission first.
pub async fn hospitalisations(
    state: &AppState,
    actor: &Actor,
    filter: HospitalisationFilter,
    page: crate::http::pagination::PageRequest,
) -> ApiResult<ltci_shared::Page<Hospitalisation>> {
    actor.require(Permission::ReadPartnerEvents)?;
    let mut q = hosp::Entity::find().filter(hosp::Column::RegionId.eq(actor.region_id));
    if let Some(p) = filter.insured_person_id {
        q = q.filter(hosp::Column::InsuredPersonId.eq(p));
    }
    if let Some(on) = filter.on {
        q = q
            .filter(hosp::Column::AdmittedOn.lte(on))
            .filter(Condition::any().add(hosp::Column::DischargedOn.is_null()).add(hosp::Column::DischargedOn.gt(on)));
    }
    let q = q.order_by_desc(hosp::Column::AdmittedOn).order_by_asc(hosp::Column::Id);
    crate::http::pagination::try_fetch_page(&state.db, q, page, hospitalisation_view).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn a_hospital_stay_covers_admission_up_to_the_day_before_discharge() {
        let (a, b) = (Some(d("2026-11-10")), Some(d("2026-11-12")));
        assert!(!in_hospital(a, b, d("2026-11-09")));
        assert!(in_hospital(a, b, d("2026-11-10")));
        assert!(in_hospital(a, b, d("2026-11-11")));
        assert!(!in_hospital(a, b, d("2026-11-12")), "home again on the discharge day");
        assert!(in_hospital(a, None, d("2027-01-01")), "still in hospital");
        assert!(!in_hospital(None, b, d("2026-11-11")), "admission not reported yet");
    }

    #[test]
    fn csv_lines_are_read_and_bad_ones_named() {
        let ok = "source,external_ref,kind,id_number,on,episode_ref,hospital\n\
                  medical_insurance,MI-1,hospital_admission,110101194001011234,2026-11-10,ZY-9,市人民医院\n\
                  civil_affairs,CA-1,death,110101194001011234,2026-11-20,,\n";
        let (events, places) = parse_csv(ok.as_bytes()).expect("parses");
        assert_eq!(places, ["lines[2]", "lines[3]"]);
        assert_eq!(events[0].episode_ref.as_deref(), Some("ZY-9"));
        assert_eq!(events[1].kind, PartnerEventKind::Death);
        assert_eq!(events[1].hospital, None);
        let bad = "source,external_ref,kind,id_number,on,episode_ref,hospital\n\
                   hospital,MI-1,admission,110101194001011234,2026-13-10,ZY-9,\n\
                   medical_insurance,MI-2\n";
        let e = parse_csv(bad.as_bytes()).expect_err("refused");
        let fields: Vec<&str> = e.details().keys().map(String::as_str).collect();
        assert_eq!(fields, ["lines[2].kind", "lines[2].on", "lines[2].source", "lines[3].line"]);
        let e = parse_csv(b"").expect_err("empty");
        assert_eq!(e.details()["lines[1].header"].code, "empty_file");
    }
}
