//! Importing certificates issued before this system (存量失能等级证书): the level, the instrument
//! it was assessed with, its validity, the old system's number kept as the reference. Each comes
//! with the closed (`certified`) case it belongs to, as a certificate of the workflow does.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::imports::{ImportKind, ImportSummary};
use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::{Problems, Progress, Stage};
use crate::audit;
use crate::auth::Actor;
use crate::entities::{assessment_case, audit_event, certificate, enum_to_db, insured_person as person};
use crate::http::error::{ApiError, ApiResult, unique_as};
use crate::registry::persons::id_number_rule;
use crate::state::AppState;

/// The first line of the file.
pub const HEADER: &[&str] =
    &["reference", "id_number", "level", "instrument", "effective_on", "expires_on", "care_mode"];

/// The status of a certificate in force (as the workflow writes it).
const ACTIVE: &str = "active";

/// One line, checked.
struct Line {
    line: u64,
    reference: String,
    hash: String,
    level: u8,
    instrument: String,
    effective_on: NaiveDate,
    expires_on: NaiveDate,
    care_mode: CareMode,
}

fn check(state: &AppState, actor: &Actor, file: &super::File, problems: &mut Problems) -> Vec<Line> {
    let mut refs = HashSet::new();
    let mut people = HashSet::new();
    let mut out = Vec::with_capacity(file.lines.len());
    for (line, r) in &file.lines {
        let line = *line;
        let before = problems.count();
        let reference = super::reference(problems, &mut refs, line, &r[0]);
        let id = problems.take(line, "id_number", id_number_rule(&r[1], actor.today));
        let level = match r[2].trim().parse::<u8>() {
            Ok(l) if (1..=5).contains(&l) => Some(l),
            _ => {
                problems.add(line, "level", "out_of_range", m::between(1, 5));
                None
            }
        };
        let instrument = match ltci_shared::assessment::instrument(r[3].trim()) {
            Some(i) => Some(i.version.clone()),
            None => {
                let known: Vec<&str> =
                    ltci_shared::assessment::instruments().iter().map(|i| i.version.as_str()).collect();
                problems.add(line, "instrument", "unknown_instrument", m::unknown_value(r[3].trim(), known.join(", ")));
                None
            }
        };
        let effective_on = super::day(problems, line, "effective_on", &r[4]);
        let expires_on = super::day(problems, line, "expires_on", &r[5]);
        let care_mode: Option<CareMode> =
            super::one_of(problems, line, "care_mode", &r[6], "hospital_ward, institutional, home_visit, family_care");
        if let Some(on) = effective_on {
            problems.take(line, "effective_on", crate::fields::happened_by(on, actor.today));
        }
        if let (Some(from), Some(to)) = (effective_on, expires_on)
            && to < from
        {
            problems.add(line, "expires_on", "before_start", m::expires_before_effective());
        }
        let hash = id.as_ref().map(|id| state.pii.index(id.as_str()));
        if let Some(h) = &hash
            && !people.insert(h.clone())
        {
            problems.add(line, "id_number", "duplicate_person", m::person_on_earlier_line());
        }
        if problems.count() != before {
            continue;
        }
        if let (
            Some(reference),
            Some(hash),
            Some(level),
            Some(instrument),
            Some(effective_on),
            Some(expires_on),
            Some(care_mode),
        ) = (reference, hash, level, instrument, effective_on, expires_on, care_mode)
        {
            out.push(Line { line, reference, hash, level, instrument, effective_on, expires_on, care_mode });
        }
    }
    out
}

/// Imports a file of certificates issued before this system into the actor's region; the
/// persons must be registered (imported) first.
pub async fn import(state: &AppState, actor: &Actor, bytes: &[u8], progress: Progress<'_>) -> ApiResult<ImportSummary> {
    let (mut problems, file) = super::open(actor, bytes, HEADER, progress)?;
    let lines = check(state, actor, &file, &mut problems);

    let txn = super::begin(state, actor).await?;
    // The persons, by the blind index of the number; their certificates in force.
    let mut persons: HashMap<String, Uuid> = HashMap::new();
    let hashes: Vec<String> = lines.iter().map(|l| l.hash.clone()).collect();
    for chunk in hashes.chunks(super::rows_per_statement(1)) {
        let found: Vec<(Uuid, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::IdNumberHash)
            .filter(person::Column::RegionId.eq(actor.region_id))
            .filter(person::Column::IdNumberHash.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&txn)
            .await?;
        persons.extend(found.into_iter().map(|(id, h)| (h, id)));
    }
    let mut by_reference: HashMap<String, certificate::Model> = HashMap::new();
    let mut certified: HashMap<Uuid, certificate::Model> = HashMap::new();
    let ids: Vec<Uuid> = persons.values().copied().collect();
    for chunk in ids.chunks(super::rows_per_statement(1)) {
        for c in certificate::Entity::find()
            .filter(certificate::Column::InsuredPersonId.is_in(chunk.to_vec()))
            .filter(certificate::Column::Status.eq(ACTIVE))
            .all(&txn)
            .await?
        {
            certified.insert(c.insured_person_id, c);
        }
    }
    let refs: Vec<String> = lines.iter().map(|l| l.reference.clone()).collect();
    for chunk in refs.chunks(super::rows_per_statement(1)) {
        for c in certificate::Entity::find()
            .filter(certificate::Column::RegionId.eq(actor.region_id))
            .filter(certificate::Column::ExternalRef.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            if let Some(r) = c.external_ref.clone() {
                by_reference.insert(r, c);
            }
        }
    }
    let mut fresh = Vec::new();
    let mut unchanged = 0;
    for l in lines {
        let Some(&person) = persons.get(&l.hash) else {
            problems.add(l.line, "id_number", "unknown_person", m::no_person_with_id_number());
            continue;
        };
        let same = |c: &certificate::Model| {
            c.insured_person_id == person
                && c.level == i32::from(l.level)
                && c.effective_on == l.effective_on
                && c.expires_on == l.expires_on
        };
        match (by_reference.get(&l.reference), certified.get(&person)) {
            (Some(c), _) if same(c) => unchanged += 1,
            (Some(_), _) => problems.add(l.line, "reference", "reference_conflict", m::reference_recorded_otherwise()),
            (None, Some(c)) => {
                problems.add(l.line, "id_number", "already_certified", m::person_already_certified(&c.number))
            }
            (None, None) => fresh.push((l, person)),
        }
    }
    progress(Stage::Checking, file.lines.len(), file.lines.len());
    problems.finish()?;

    let region = crate::registry::regions::region_of(&txn, actor.region_id).await?;
    let source = super::source(ImportKind::Certificates, &file);
    let who = audit::AuditActor::from(actor);
    let now = Utc::now();
    let total = fresh.len();
    let mut done = 0;
    let mut audit_records = Vec::new();
    for chunk in fresh.chunks(super::rows_per_statement(18)) {
        let (mut cases, mut certificates, mut audits) =
            (Vec::new(), Vec::new(), Vec::<audit_event::ActiveModel>::new());
        for (l, person) in chunk {
            let (case_id, id) = (Uuid::now_v7(), Uuid::now_v7());
            cases.push(assessment_case::ActiveModel {
                id: Set(case_id),
                region_id: Set(actor.region_id),
                insured_person_id: Set(*person),
                applied_by_user_id: Set(actor.user_id),
                applied_by_institution_id: Set(None),
                institution_id: Set(None),
                care_mode: Set(enum_to_db(&l.care_mode)),
                reason: Set(m::imported_certificate(&l.reference).zh()),
                change_of_condition: Set(false),
                state: Set("certified".into()),
                refusal_code: Set(None),
                refusal_message: Set(None),
                current_round: Set(0),
                publicity_ends_at: Set(None),
                certificate_id: Set(Some(id)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            certificates.push(certificate::ActiveModel {
                id: Set(id),
                region_id: Set(actor.region_id),
                insured_person_id: Set(*person),
                case_id: Set(case_id),
                number: Set(format!("{}-ZS-{}", region.code, &id.simple().to_string()[16..])),
                level: Set(i32::from(l.level)),
                instrument_version: Set(l.instrument.clone()),
                effective_on: Set(l.effective_on),
                expires_on: Set(l.expires_on),
                appeal_deadline: Set(None),
                status: Set(ACTIVE.into()),
                superseded_by: Set(None),
                issued_at: Set(now),
                external_ref: Set(Some(l.reference.clone())),
            });
            audits.push(audit::imported(&who, "certificate.import", "certificate", id, &source, &l.reference));
        }
        assessment_case::Entity::insert_many(cases).exec_without_returning(&txn).await?;
        certificate::Entity::insert_many(certificates)
            .exec_without_returning(&txn)
            .await
            .map_err(unique_as(|| ApiError::conflict("reference", m::import_raced())))?;
        // The chunk's size fits the audit rows' 14 columns in one statement too.
        audit_records.extend(audits);
        done += chunk.len();
        progress(Stage::Writing, done, total);
    }
    audit::commit_with(txn, audit_records).await?;
    super::analyze(&state.db, total, "assessment_cases, certificates, audit_events").await?;
    tracing::info!(lines = file.lines.len(), created = total, unchanged, "certificates imported");
    Ok(super::summary(ImportKind::Certificates, &file, total, unchanged))
}
