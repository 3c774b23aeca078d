//! Importing caregiver assignments (护理人员分派): which caregiver cares for whom since when,
//! where the caregiver's institution serves the person.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::imports::{ImportKind, ImportSummary};
use ltci_shared::api::workforce::{CaregiverQualification, CaregiverStatus};
use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::relations::{persons_by_hash, relations_of};
use super::{Progress, Stage};
use crate::audit;
use crate::auth::Actor;
use crate::entities::{audit_event, caregiver, caregiver_assignment as asg, enum_to_db};
use crate::http::error::ApiResult;
use crate::registry::persons::id_number_rule;
use crate::state::AppState;

/// The first line of the file.
pub const HEADER: &[&str] = &["reference", "caregiver_id_number", "id_number", "start_on"];

struct Line {
    line: u64,
    reference: String,
    caregiver: String,
    person: String,
    start_on: NaiveDate,
}

/// Imports a file of caregiver assignments into the actor's region; the caregivers and the
/// service relations first.
pub async fn import(state: &AppState, actor: &Actor, bytes: &[u8], progress: Progress<'_>) -> ApiResult<ImportSummary> {
    let (mut problems, file) = super::open(actor, bytes, HEADER, progress)?;
    let mut refs = HashSet::new();
    let mut lines = Vec::new();
    for (line, r) in &file.lines {
        let line = *line;
        let before = problems.count();
        let reference = super::reference(&mut problems, &mut refs, line, &r[0]);
        let carer = problems.take(line, "caregiver_id_number", id_number_rule(&r[1], actor.today));
        let person = problems.take(line, "id_number", id_number_rule(&r[2], actor.today));
        let start_on = super::day(&mut problems, line, "start_on", &r[3]);
        if let Some(d) = start_on {
            problems.take(line, "start_on", crate::fields::happened_by(d, actor.today));
        }
        if problems.count() != before {
            continue;
        }
        if let (Some(reference), Some(carer), Some(person), Some(start_on)) = (reference, carer, person, start_on) {
            lines.push(Line {
                line,
                reference,
                caregiver: state.pii.index(carer.as_str()),
                person: state.pii.index(person.as_str()),
                start_on,
            });
        }
    }

    let txn = super::begin(state, actor).await?;
    let persons = persons_by_hash(&txn, actor.region_id, lines.iter().map(|l| l.person.clone()).collect()).await?;
    let mut caregivers: HashMap<String, caregiver::Model> = HashMap::new();
    let hashes: Vec<String> = lines.iter().map(|l| l.caregiver.clone()).collect::<HashSet<_>>().into_iter().collect();
    for chunk in hashes.chunks(super::rows_per_statement(1)) {
        for c in caregiver::Entity::find()
            .filter(caregiver::Column::RegionId.eq(actor.region_id))
            .filter(caregiver::Column::IdNumberHash.is_in(chunk.to_vec()))
            .filter(caregiver::Column::Status.eq(enum_to_db(&CaregiverStatus::Active)))
            .all(&txn)
            .await?
        {
            caregivers.insert(c.id_number_hash.clone(), c);
        }
    }
    let ids: Vec<Uuid> = persons.values().copied().collect();
    let relations: Vec<_> = relations_of(&txn, ids.clone()).await?.into_iter().filter(|r| r.end_on.is_none()).collect();
    let mut assigned: Vec<asg::Model> = Vec::new();
    for chunk in ids.chunks(super::rows_per_statement(1)) {
        assigned
            .extend(asg::Entity::find().filter(asg::Column::InsuredPersonId.is_in(chunk.to_vec())).all(&txn).await?);
    }
    let family = enum_to_db(&CareMode::FamilyCare);
    let mut fresh = Vec::new();
    let mut unchanged = 0;
    let mut in_file = HashSet::new();
    for l in lines {
        let Some(cg) = caregivers.get(&l.caregiver) else {
            problems.add(l.line, "caregiver_id_number", "unknown_caregiver", m::unknown_caregiver());
            continue;
        };
        let Some(&person) = persons.get(&l.person) else {
            problems.add(l.line, "id_number", "unknown_person", m::no_person_with_id_number());
            continue;
        };
        // The same assignment there already, even if it has ended since, is unchanged.
        let pair = |a: &&asg::Model| a.caregiver_id == cg.id && a.insured_person_id == person;
        if assigned.iter().filter(pair).any(|a| a.start_on == l.start_on) {
            if !in_file.insert((cg.id, person)) {
                problems.add(l.line, "id_number", "duplicate_reference", m::assignment_on_earlier_line());
            } else {
                unchanged += 1;
            }
            continue;
        }
        let served: Vec<&crate::entities::service_relation::Model> = relations
            .iter()
            .filter(|r| {
                r.insured_person_id == person && r.institution_id == cg.institution_id && r.start_on <= l.start_on
            })
            .collect();
        if served.is_empty() {
            problems.add(l.line, "id_number", "not_served", m::caregiver_institution_does_not_serve());
            continue;
        }
        if cg.qualification == enum_to_db(&CaregiverQualification::FamilyCaregiver)
            && !served.iter().any(|r| r.care_mode == family)
        {
            problems.add(
                l.line,
                "caregiver_id_number",
                "qualification_mismatch",
                m::family_caregiver_only_family_care(),
            );
            continue;
        }
        if !in_file.insert((cg.id, person)) {
            problems.add(l.line, "id_number", "duplicate_reference", m::assignment_on_earlier_line());
            continue;
        }
        if assigned.iter().filter(pair).any(|a| a.end_on.is_none()) {
            problems.add(l.line, "start_on", "reference_conflict", m::already_assigned());
        } else {
            fresh.push((l, cg.clone(), person));
        }
    }
    progress(Stage::Checking, file.lines.len(), file.lines.len());
    problems.finish()?;

    let source = super::source(ImportKind::Assignments, &file);
    let who = audit::AuditActor::from(actor);
    let now = Utc::now();
    let total = fresh.len();
    let mut done = 0;
    let mut audit_records = Vec::new();
    for chunk in fresh.chunks(super::rows_per_statement(14)) {
        let mut rows = Vec::with_capacity(chunk.len());
        let mut audits: Vec<audit_event::ActiveModel> = Vec::with_capacity(chunk.len());
        for (l, cg, person) in chunk {
            let id = Uuid::now_v7();
            rows.push(asg::ActiveModel {
                id: Set(id),
                region_id: Set(actor.region_id),
                institution_id: Set(cg.institution_id),
                caregiver_id: Set(cg.id),
                insured_person_id: Set(*person),
                start_on: Set(l.start_on),
                end_on: Set(None),
                end_reason: Set(None),
                created_at: Set(now),
            });
            audits.push(audit::imported(
                &who,
                "caregiver_assignment.import",
                "caregiver_assignment",
                id,
                &source,
                &l.reference,
            ));
        }
        asg::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        audit_records.extend(audits);
        done += chunk.len();
        progress(Stage::Writing, done, total);
    }
    audit::commit_with(txn, audit_records).await?;
    super::analyze(&state.db, total, "caregiver_assignments, audit_events").await?;
    tracing::info!(lines = file.lines.len(), created = total, unchanged, "caregiver assignments imported");
    Ok(super::summary(ImportKind::Assignments, &file, total, unchanged))
}
