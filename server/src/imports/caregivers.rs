//! Importing caregivers (护理人员) with their qualifications, each under an institution imported
//! before (by its credit code) and a county of the region (by its code).

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use ltci_shared::api::imports::{ImportKind, ImportSummary};
use ltci_shared::api::institutions::InstitutionStatus;
use ltci_shared::api::workforce::{CaregiverQualification, CaregiverStatus};
use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::{Progress, Stage, optional};
use crate::audit;
use crate::auth::Actor;
use crate::entities::{audit_event, caregiver, county, enum_to_db};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, unique_as};
use crate::registry::persons::{id_number_rule, sex_name};
use crate::registry::validate;
use crate::state::AppState;
use crate::workforce::caregivers::{MIN_AGE, qualification_problems};

/// The first line of the file.
pub const HEADER: &[&str] = &[
    "reference",
    "id_number",
    "name",
    "phone",
    "institution_uscc",
    "county_code",
    "qualification",
    "certificate_level",
    "certificate_number",
];

struct Line {
    line: u64,
    reference: String,
    hash: String,
    uscc: String,
    county: String,
    row: caregiver::ActiveModel,
}

/// Imports a file of caregivers into the actor's region; their institutions first.
pub async fn import(state: &AppState, actor: &Actor, bytes: &[u8], progress: Progress<'_>) -> ApiResult<ImportSummary> {
    let (mut problems, file) = super::open(actor, bytes, HEADER, progress)?;
    let (mut refs, mut numbers) = (HashSet::new(), HashSet::new());
    let now = Utc::now();
    let mut lines = Vec::new();
    for (line, r) in &file.lines {
        let line = *line;
        let before = problems.count();
        let reference = super::reference(&mut problems, &mut refs, line, &r[0]);
        let id = problems.take(line, "id_number", id_number_rule(&r[1], actor.today));
        if let Some(id) = &id {
            if id.age_on(actor.today) < MIN_AGE {
                problems.add(line, "id_number", "too_young", m::caregiver_too_young(MIN_AGE));
            }
            if !numbers.insert(state.pii.index(id.as_str())) {
                problems.add(line, "id_number", "duplicate_id_number", m::id_number_on_earlier_line());
            }
        }
        let name = problems.take(line, "name", check_text(&r[2], 50));
        let phone = problems.take(line, "phone", validate::phone(&r[3]));
        let uscc = problems.take(line, "institution_uscc", check_text(&r[4], 18));
        let county = problems.take(line, "county_code", check_text(&r[5], 6));
        let qualification: Option<CaregiverQualification> =
            super::one_of(&mut problems, line, "qualification", &r[6], "nurse, caregiver_certified, family_caregiver");
        let level = match optional(&r[7]).map(str::parse::<u8>) {
            None => Some(None),
            Some(Ok(l)) => Some(Some(l)),
            Some(Err(_)) => {
                problems.add(line, "certificate_level", "out_of_range", m::certificate_level_range());
                None
            }
        };
        let number = optional(&r[8]).map(str::to_owned);
        if let (Some(q), Some(level)) = (qualification, level) {
            for (field, code, text) in qualification_problems(q, level, number.as_deref()) {
                problems.add(line, field, code, text);
            }
        }
        if problems.count() != before {
            continue;
        }
        let (Some(reference), Some(id), Some(name), Some(phone), Some(uscc), Some(county), Some(q), Some(level)) =
            (reference, id, name, phone, uscc, county, qualification, level)
        else {
            continue;
        };
        let hash = state.pii.index(id.as_str());
        let Ok(encrypted) = state.pii.encrypt(id.as_str()) else {
            problems.add(line, "id_number", "invalid_value", m::internal_error());
            continue;
        };
        let row = caregiver::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_id: Set(actor.region_id),
            institution_id: Set(Uuid::nil()),
            county_id: Set(Uuid::nil()),
            name: Set(name),
            id_number_enc: Set(encrypted),
            id_number_hash: Set(hash.clone()),
            id_number_masked: Set(id.masked()),
            birth_date: Set(id.birth_date()),
            sex: Set(sex_name(id.sex()).to_owned()),
            phone: Set(phone),
            qualification: Set(enum_to_db(&q)),
            certificate_level: Set(level.map(i32::from)),
            certificate_number: Set(number),
            status: Set(enum_to_db(&CaregiverStatus::Active)),
            left_on: Set(None),
            user_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        };
        lines.push(Line { line, reference, hash, uscc, county, row });
    }

    let txn = super::begin(state, actor).await?;
    // The institutions and counties named, and who is registered already.
    let institutions = super::institutions_by_uscc(&txn, actor.region_id, lines.iter().map(|l| l.uscc.clone())).await?;
    let counties: HashMap<String, Uuid> = county::Entity::find()
        .filter(county::Column::RegionId.eq(actor.region_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|c| (c.code, c.id))
        .collect();
    let hashes: Vec<String> = lines.iter().map(|l| l.hash.clone()).collect();
    let mut known: HashMap<String, Vec<caregiver::Model>> = HashMap::new();
    for chunk in hashes.chunks(super::rows_per_statement(1)) {
        for c in caregiver::Entity::find()
            .filter(caregiver::Column::RegionId.eq(actor.region_id))
            .filter(caregiver::Column::IdNumberHash.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            known.entry(c.id_number_hash.clone()).or_default().push(c);
        }
    }
    let closed = [enum_to_db(&InstitutionStatus::Rejected), enum_to_db(&InstitutionStatus::Terminated)];
    let mut fresh = Vec::new();
    let mut unchanged = 0;
    for mut l in lines {
        let Some(inst) = institutions.get(&l.uscc).filter(|i| !closed.contains(&i.status)) else {
            problems.add(l.line, "institution_uscc", "unknown_institution", m::unknown_institution());
            continue;
        };
        let Some(&county) = counties.get(&l.county) else {
            problems.add(l.line, "county_code", "unknown_county", m::unknown_county());
            continue;
        };
        // A record at this institution (even one who has left since) is the line's caregiver; one
        // working elsewhere now contradicts it.
        let records = known.get(&l.hash).map_or(&[][..], Vec::as_slice);
        let active = enum_to_db(&CaregiverStatus::Active);
        if records.iter().any(|c| c.institution_id == inst.id) {
            unchanged += 1;
        } else if records.iter().any(|c| c.status == active) {
            problems.add(l.line, "id_number", "registered_otherwise", m::caregiver_id_number_taken());
        } else {
            l.row.institution_id = Set(inst.id);
            l.row.county_id = Set(county);
            fresh.push(l);
        }
    }
    progress(Stage::Checking, file.lines.len(), file.lines.len());
    problems.finish()?;

    let source = super::source(ImportKind::Caregivers, &file);
    let who = audit::AuditActor::from(actor);
    let total = fresh.len();
    let mut done = 0;
    let mut audit_records = Vec::new();
    for chunk in fresh.chunks(super::rows_per_statement(20)) {
        let rows: Vec<caregiver::ActiveModel> = chunk.iter().map(|l| l.row.clone()).collect();
        let audits: Vec<audit_event::ActiveModel> = chunk
            .iter()
            .map(|l| audit::imported(&who, "caregiver.import", "caregiver", *l.row.id.as_ref(), &source, &l.reference))
            .collect();
        caregiver::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await
            .map_err(unique_as(|| ApiError::conflict("id_number", m::import_raced())))?;
        audit_records.extend(audits);
        done += chunk.len();
        progress(Stage::Writing, done, total);
    }
    audit::commit_with(txn, audit_records).await?;
    super::analyze(&state.db, total, "caregivers, audit_events").await?;
    tracing::info!(lines = file.lines.len(), created = total, unchanged, "caregivers imported");
    Ok(super::summary(ImportKind::Caregivers, &file, total, unchanged))
}
