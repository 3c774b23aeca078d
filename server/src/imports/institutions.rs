//! Importing institutions already designated (存量定点机构) with their agreement: each becomes
//! active, its designation and agreement recorded as the steps of the workflow would (an
//! `approved` event on the day it was designated, an `agreement_signed` one on the agreement's
//! first day), so the rules that follow (an agreement starts on or after the designation) hold.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use ltci_shared::Uscc;
use ltci_shared::api::imports::{ImportKind, ImportSummary};
use ltci_shared::api::institutions::{InstitutionKind, InstitutionStatus, ServiceMode};
use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::{Problems, Progress, Stage, optional};
use crate::audit;
use crate::auth::Actor;
use crate::entities::{agreement, enum_to_db, institution, institution_event};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, unique_as};
use crate::registry::validate;
use crate::state::AppState;

/// The first line of the file.
pub const HEADER: &[&str] = &[
    "reference",
    "uscc",
    "name",
    "kind",
    "hospital_tier",
    "modes",
    "licensed_beds",
    "bed_quota",
    "address",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
    "designated_on",
    "agreement_number",
    "agreement_start",
    "agreement_end",
];

/// One line, checked.
struct Line {
    line: u64,
    reference: String,
    uscc: String,
    name: String,
    agreement_number: String,
    institution: institution::ActiveModel,
    designated_on: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
    modes_json: String,
    quota: i32,
}

fn count(problems: &mut Problems, line: u64, column: &str, value: &str) -> Option<u32> {
    match optional(value).map(str::parse::<u32>) {
        None => Some(0),
        Some(Ok(n)) if n <= 100_000 => Some(n),
        Some(_) => {
            problems.add(line, column, "out_of_range", m::between(0, 100_000));
            None
        }
    }
}

fn check(actor: &Actor, file: &super::File, problems: &mut Problems) -> Vec<Line> {
    let mut refs = HashSet::new();
    let (mut codes, mut numbers) = (HashSet::new(), HashSet::new());
    let now = Utc::now();
    let mut out = Vec::new();
    for (line, r) in &file.lines {
        let line = *line;
        let before = problems.count();
        let reference = super::reference(problems, &mut refs, line, &r[0]);
        let uscc = problems.take(line, "uscc", Uscc::parse(&r[1]).map_err(|e| (e.code(), e.text())));
        if let Some(u) = &uscc
            && !codes.insert(u.as_str().to_owned())
        {
            problems.add(line, "uscc", "duplicate_uscc", m::uscc_on_earlier_line());
        }
        let name = problems.take(line, "name", check_text(&r[2], 200));
        let kind: Option<InstitutionKind> =
            super::one_of(problems, line, "kind", &r[3], "hospital, nursing_home, home_care_agency, community_station");
        let tier = match (kind, optional(&r[4]).map(str::parse::<u8>)) {
            (Some(InstitutionKind::Hospital), Some(Ok(t @ 1..=3))) => Some(Some(t)),
            (Some(InstitutionKind::Hospital), None) => {
                problems.add(line, "hospital_tier", "required", m::hospital_tier_required());
                None
            }
            (Some(InstitutionKind::Hospital), Some(_)) => {
                problems.add(line, "hospital_tier", "out_of_range", m::hospital_tier_range());
                None
            }
            (_, Some(_)) => {
                problems.add(line, "hospital_tier", "not_allowed", m::only_hospitals_have_tier());
                None
            }
            (_, None) => Some(None),
        };
        let mut modes = BTreeSet::new();
        for part in r[5].split(';').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(mode) = super::one_of::<ServiceMode>(
                problems,
                line,
                "modes",
                part,
                "hospital_ward, institutional, home_visit, family_care_supervision",
            ) {
                modes.insert(mode);
            }
        }
        if modes.is_empty() {
            problems.add(line, "modes", "required", m::at_least_one_mode());
        }
        if modes.contains(&ServiceMode::HospitalWard) && kind.is_some_and(|k| k != InstitutionKind::Hospital) {
            problems.add(line, "modes", "not_allowed", m::only_hospitals_run_wards());
        }
        let beds = count(problems, line, "licensed_beds", &r[6]);
        let quota = count(problems, line, "bed_quota", &r[7]);
        let bed_based = modes.contains(&ServiceMode::HospitalWard) || modes.contains(&ServiceMode::Institutional);
        if bed_based && beds == Some(0) {
            problems.add(line, "licensed_beds", "required", m::beds_required());
        }
        if let (Some(b), Some(q)) = (beds, quota)
            && q > b
        {
            problems.add(line, "bed_quota", "out_of_range", m::at_most_licensed_beds(b));
        }
        let address = problems.take(line, "address", check_text(&r[8], 300));
        let coordinates = match (optional(&r[9]).map(str::parse::<f64>), optional(&r[10]).map(str::parse::<f64>)) {
            (None, None) => Some((None, None)),
            (Some(Ok(a)), Some(Ok(b))) if ltci_shared::geo::valid(a, b) => Some((Some(a), Some(b))),
            _ => {
                problems.add(line, "latitude", "out_of_range", m::coordinates_in_pairs());
                None
            }
        };
        let contact_name = problems.take(line, "contact_name", check_text(&r[11], 50));
        let contact_phone = problems.take(line, "contact_phone", validate::phone(&r[12]));
        let designated_on = super::day(problems, line, "designated_on", &r[13]);
        if let Some(d) = designated_on {
            problems.take(line, "designated_on", crate::fields::happened_by(d, actor.today));
        }
        let agreement_number = problems.take(line, "agreement_number", check_text(&r[14], 40));
        if let Some(n) = &agreement_number
            && !numbers.insert(n.clone())
        {
            problems.add(line, "agreement_number", "duplicate_reference", m::reference_on_earlier_line());
        }
        let start = super::day(problems, line, "agreement_start", &r[15]);
        let end = super::day(problems, line, "agreement_end", &r[16]);
        if let (Some(d), Some(s)) = (designated_on, start)
            && s < d
        {
            problems.add(line, "agreement_start", "before_designation", m::agreement_before_designation(d));
        }
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            problems.add(line, "agreement_end", "before_start", m::agreement_ends_after_start());
        }
        if problems.count() != before {
            continue;
        }
        let (Some(reference), Some(uscc), Some(name), Some(kind), Some(tier), Some(beds), Some(quota)) =
            (reference, uscc, name, kind, tier, beds, quota)
        else {
            continue;
        };
        let (Some(address), Some((latitude, longitude)), Some(contact_name), Some(contact_phone)) =
            (address, coordinates, contact_name, contact_phone)
        else {
            continue;
        };
        let (Some(designated_on), Some(agreement_number), Some(start), Some(end)) =
            (designated_on, agreement_number, start, end)
        else {
            continue;
        };
        let modes_json = serde_json::to_string(&modes).unwrap_or_else(|_| "[]".into());
        let quota = i32::try_from(quota).unwrap_or(i32::MAX);
        let institution = institution::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_id: Set(actor.region_id),
            name: Set(name.clone()),
            created_at: Set(now),
            uscc: Set(Some(uscc.as_str().to_owned())),
            kind: Set(Some(enum_to_db(&kind))),
            hospital_tier: Set(tier.map(i32::from)),
            requested_modes: Set(Some(modes_json.clone())),
            licensed_beds: Set(Some(i32::try_from(beds).unwrap_or(i32::MAX))),
            doctors: Set(Some(0)),
            nurses: Set(Some(0)),
            certified_caregivers: Set(Some(0)),
            address_text: Set(Some(address)),
            latitude: Set(latitude),
            longitude: Set(longitude),
            contact_name: Set(Some(contact_name)),
            contact_phone: Set(Some(contact_phone)),
            inspection_score: Set(None),
            approved_modes: Set(Some(modes_json.clone())),
            bed_quota: Set(Some(quota)),
            status: Set(enum_to_db(&InstitutionStatus::Active)),
            version: Set(1),
            updated_at: Set(Some(now)),
            legal_rep_name: Set(None),
            legal_rep_id_hash: Set(None),
            legal_rep_id_masked: Set(None),
        };
        out.push(Line {
            line,
            reference,
            uscc: uscc.as_str().to_owned(),
            name,
            agreement_number,
            institution,
            designated_on,
            start,
            end,
            modes_json,
            quota,
        });
    }
    out
}

/// Imports a file of designated institutions with their agreements into the actor's region.
pub async fn import(state: &AppState, actor: &Actor, bytes: &[u8], progress: Progress<'_>) -> ApiResult<ImportSummary> {
    let (mut problems, file) = super::open(actor, bytes, HEADER, progress)?;
    let lines = check(actor, &file, &mut problems);

    let txn = super::begin(state, actor).await?;
    let codes: Vec<String> = lines.iter().map(|l| l.uscc.clone()).collect();
    let mut known: HashMap<String, institution::Model> = HashMap::new();
    for chunk in codes.chunks(super::rows_per_statement(1)) {
        for i in institution::Entity::find().filter(institution::Column::Uscc.is_in(chunk.to_vec())).all(&txn).await? {
            if let Some(u) = i.uscc.clone() {
                known.insert(u, i);
            }
        }
    }
    let numbers: Vec<String> = lines.iter().map(|l| l.agreement_number.clone()).collect();
    let mut agreements: HashMap<String, agreement::Model> = HashMap::new();
    for chunk in numbers.chunks(super::rows_per_statement(1)) {
        for a in agreement::Entity::find().filter(agreement::Column::Number.is_in(chunk.to_vec())).all(&txn).await? {
            agreements.insert(a.number.clone(), a);
        }
    }
    let mut fresh = Vec::new();
    let mut unchanged = 0;
    for l in lines {
        match (known.get(&l.uscc), agreements.get(&l.agreement_number)) {
            (Some(i), Some(a)) if i.region_id == actor.region_id && i.name == l.name && a.institution_id == i.id => {
                unchanged += 1
            }
            (Some(_), _) => problems.add(l.line, "uscc", "registered_otherwise", m::uscc_taken()),
            (None, Some(_)) => {
                problems.add(l.line, "agreement_number", "reference_conflict", m::agreement_number_taken())
            }
            (None, None) => fresh.push(l),
        }
    }
    progress(Stage::Checking, file.lines.len(), file.lines.len());
    problems.finish()?;

    let source = super::source(ImportKind::Institutions, &file);
    let who = audit::AuditActor::from(actor);
    let now = Utc::now();
    let total = fresh.len();
    let mut done = 0;
    let mut audit_records = Vec::new();
    for chunk in fresh.chunks(super::rows_per_statement(24)) {
        let (mut institutions, mut signed, mut events, mut audits) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for l in chunk {
            let id = *l.institution.id.as_ref();
            institutions.push(l.institution.clone());
            signed.push(agreement::ActiveModel {
                id: Set(Uuid::now_v7()),
                institution_id: Set(id),
                number: Set(l.agreement_number.clone()),
                start_on: Set(l.start),
                end_on: Set(l.end),
                modes: Set(l.modes_json.clone()),
                bed_quota: Set(l.quota),
                signed_at: Set(now),
            });
            for (kind, on) in [("approved", l.designated_on), ("agreement_signed", l.start)] {
                events.push(institution_event::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    institution_id: Set(id),
                    kind: Set(kind.into()),
                    reason: Set(Some(m::imported_from(&l.reference).zh())),
                    effective_on: Set(Some(on)),
                    details_json: Set(None),
                    by_user_id: Set(actor.user_id),
                    at: Set(now),
                });
            }
            audits.push(audit::imported(&who, "institution.import", "institution", id, &source, &l.reference));
        }
        institution::Entity::insert_many(institutions)
            .exec_without_returning(&txn)
            .await
            .map_err(unique_as(|| ApiError::conflict("uscc", m::import_raced())))?;
        agreement::Entity::insert_many(signed)
            .exec_without_returning(&txn)
            .await
            .map_err(unique_as(|| ApiError::conflict("agreement_number", m::import_raced())))?;
        institution_event::Entity::insert_many(events).exec_without_returning(&txn).await?;
        audit_records.extend(audits);
        done += chunk.len();
        progress(Stage::Writing, done, total);
    }
    audit::commit_with(txn, audit_records).await?;
    tracing::info!(lines = file.lines.len(), created = total, unchanged, "institutions imported");
    Ok(super::summary(ImportKind::Institutions, &file, total, unchanged))
}
