//! Importing insured persons (参保人): one line a person, known by the ID number.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use ltci_shared::api::imports::{ImportKind, ImportSummary};
use ltci_shared::api::registry::{PersonStatus, Scheme};
use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::{Problems, Progress, Stage, optional};
use crate::audit;
use crate::auth::Actor;
use crate::entities::{audit_event, insured_person as person};
use crate::fields::check_text;
use crate::http::error::{ApiResult, unique_as};
use crate::registry::persons::{id_number_rule, sex_name};
use crate::registry::validate;
use crate::state::AppState;

/// The first line of the file.
pub const HEADER: &[&str] = &[
    "reference",
    "id_number",
    "name",
    "scheme",
    "enrolled_on",
    "address",
    "latitude",
    "longitude",
    "phone",
    "emergency_name",
    "emergency_phone",
    "emergency_relation",
];

/// One line, checked.
struct Line {
    line: u64,
    reference: String,
    row: person::ActiveModel,
    hash: String,
    name: String,
    scheme: String,
    enrolled_on: chrono::NaiveDate,
}

fn coordinate(problems: &mut Problems, line: u64, column: &str, value: &str, limit: f64) -> Option<Option<f64>> {
    let Some(v) = optional(value) else { return Some(None) };
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && (-limit..=limit).contains(&x) => Some(Some(x)),
        _ => {
            let text = if limit > 90.0 { m::longitude_range() } else { m::latitude_range() };
            problems.add(line, column, "out_of_range", text);
            None
        }
    }
}

/// Checks every line on its own (the registers are looked at afterwards).
fn check(state: &AppState, actor: &Actor, file: &super::File, problems: &mut Problems) -> Vec<Line> {
    let today = actor.today;
    let mut refs = HashSet::new();
    let mut numbers = HashSet::new();
    let mut out = Vec::with_capacity(file.lines.len());
    let now = Utc::now();
    for (line, r) in &file.lines {
        let line = *line;
        let before = problems.count();
        let reference = super::reference(problems, &mut refs, line, &r[0]);
        let id = problems.take(line, "id_number", id_number_rule(&r[1], today));
        let name = problems.take(line, "name", check_text(&r[2], 50));
        let scheme: Option<Scheme> = super::one_of(problems, line, "scheme", &r[3], "employee, resident");
        let enrolled_on = super::day(problems, line, "enrolled_on", &r[4]);
        let address = problems.take(line, "address", check_text(&r[5], 300));
        let latitude = coordinate(problems, line, "latitude", &r[6], 90.0);
        let longitude = coordinate(problems, line, "longitude", &r[7], 180.0);
        if let (Some(a), Some(b)) = (latitude, longitude)
            && a.is_some() != b.is_some()
        {
            problems.add(
                line,
                if a.is_none() { "latitude" } else { "longitude" },
                "required",
                m::coordinates_in_pairs(),
            );
        }
        let phone = match optional(&r[8]) {
            Some(p) => problems.take(line, "phone", validate::phone(p)).map(Some),
            None => Some(None),
        };
        let contact = match (optional(&r[9]), optional(&r[10])) {
            (None, None) => Some(None),
            (Some(n), Some(p)) => {
                let name = problems.take(line, "emergency_name", check_text(n, 50));
                let phone = problems.take(line, "emergency_phone", validate::phone(p));
                let relation = match optional(&r[11]) {
                    Some(rel) => problems.take(line, "emergency_relation", check_text(rel, 20)).map(Some),
                    None => Some(None),
                };
                match (name, phone, relation) {
                    (Some(n), Some(p), Some(rel)) => Some(Some((n, p, rel))),
                    _ => None,
                }
            }
            (None, Some(_)) => {
                problems.add(line, "emergency_name", "required", m::emergency_contact_in_pairs());
                None
            }
            (Some(_), None) => {
                problems.add(line, "emergency_phone", "required", m::emergency_contact_in_pairs());
                None
            }
        };
        if let (Some(id), Some(on)) = (&id, enrolled_on) {
            if on < id.birth_date() {
                problems.add(line, "enrolled_on", "before_birth", m::enrolled_before_birth());
            } else {
                problems.take(
                    line,
                    "enrolled_on",
                    crate::fields::in_horizon(on, today, state.config.date_horizon_days),
                );
            }
        }
        if let Some(id) = &id
            && !numbers.insert(state.pii.index(id.as_str()))
        {
            problems.add(line, "id_number", "duplicate_id_number", m::id_number_on_earlier_line());
        }
        let (Some(reference), Some(id), Some(name), Some(scheme), Some(enrolled_on), Some(address)) =
            (reference, id, name, scheme, enrolled_on, address)
        else {
            continue;
        };
        let (Some(latitude), Some(longitude), Some(phone), Some(contact)) = (latitude, longitude, phone, contact)
        else {
            continue;
        };
        if problems.count() != before {
            continue;
        }
        let encrypted = match state.pii.encrypt(id.as_str()) {
            Ok(e) => e,
            Err(_) => {
                problems.add(line, "id_number", "invalid_value", m::internal_error());
                continue;
            }
        };
        let hash = state.pii.index(id.as_str());
        let scheme = scheme.as_str().to_owned();
        let row = person::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_id: Set(actor.region_id),
            name: Set(name.clone()),
            id_number_enc: Set(encrypted),
            id_number_hash: Set(hash.clone()),
            id_number_masked: Set(id.masked()),
            birth_date: Set(id.birth_date()),
            sex: Set(sex_name(id.sex()).to_owned()),
            scheme: Set(scheme.clone()),
            enrolled_on: Set(enrolled_on),
            status: Set(PersonStatus::Active.as_str().to_owned()),
            died_on: Set(None),
            address_text: Set(address),
            latitude: Set(latitude),
            longitude: Set(longitude),
            phone: Set(phone),
            emergency_name: Set(contact.as_ref().map(|c| c.0.clone())),
            emergency_phone: Set(contact.as_ref().map(|c| c.1.clone())),
            emergency_relation: Set(contact.and_then(|c| c.2)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        };
        out.push(Line { line, reference, row, hash, name, scheme, enrolled_on });
    }
    out
}

/// Imports a file of insured persons into the actor's region.
pub async fn import(state: &AppState, actor: &Actor, bytes: &[u8], progress: Progress<'_>) -> ApiResult<ImportSummary> {
    let (mut problems, file) = super::open(actor, bytes, HEADER, progress)?;
    let lines = check(state, actor, &file, &mut problems);
    progress(Stage::Checking, file.lines.len(), file.lines.len());

    let txn = super::begin(state, actor).await?;
    // Who is registered already, by the blind index of the number.
    let mut known: HashMap<String, person::Model> = HashMap::new();
    let hashes: Vec<String> = lines.iter().map(|l| l.hash.clone()).collect();
    for chunk in hashes.chunks(super::rows_per_statement(1)) {
        for p in person::Entity::find()
            .filter(person::Column::RegionId.eq(actor.region_id))
            .filter(person::Column::IdNumberHash.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            known.insert(p.id_number_hash.clone(), p);
        }
    }
    let mut fresh = Vec::new();
    let mut unchanged = 0;
    for l in lines {
        match known.get(&l.hash) {
            Some(p) if p.name == l.name && p.scheme == l.scheme && p.enrolled_on == l.enrolled_on => unchanged += 1,
            Some(_) => problems.add(l.line, "id_number", "registered_otherwise", m::registered_otherwise()),
            None => fresh.push(l),
        }
    }
    problems.finish()?;

    let source = super::source(ImportKind::Persons, &file);
    let who = audit::AuditActor::from(actor);
    let total = fresh.len();
    let mut done = 0;
    let mut audit_records = Vec::new();
    for chunk in super::owned_chunks(fresh, super::rows_per_statement(22)) {
        let n = chunk.len();
        let mut rows = Vec::with_capacity(n);
        let mut audits: Vec<audit_event::ActiveModel> = Vec::with_capacity(n);
        for l in chunk {
            let id = *l.row.id.as_ref();
            audits.push(audit::imported(&who, "insured_person.import", "insured_person", id, &source, &l.reference));
            rows.push(l.row);
        }
        person::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await
            .map_err(unique_as(|| crate::http::error::ApiError::conflict("id_number", m::import_raced())))?;
        audit_records.extend(audits);
        done += n;
        progress(Stage::Writing, done, total);
    }
    audit::commit_with(txn, audit_records).await?;
    super::analyze(&state.db, total, "insured_persons, audit_events").await?;
    tracing::info!(lines = file.lines.len(), created = total, unchanged, "insured persons imported");
    Ok(super::summary(ImportKind::Persons, &file, total, unchanged))
}
