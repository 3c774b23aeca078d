//! Importing running service relations (服务关系): who each institution serves, in which care
//! mode, since when. An imported relation also records the beneficiary's choice of the
//! institution (`source: import`), as the agency's register held it.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::imports::{ImportKind, ImportSummary};
use ltci_shared::api::institutions::{ChoiceSource, InstitutionStatus, ServiceMode};
use ltci_shared::api::registry::PersonStatus;
use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::{Progress, Stage};
use crate::audit;
use crate::auth::Actor;
use crate::entities::{
    agreement, audit_event, certificate, enum_from_db, enum_to_db, insured_person as person, provider_choice,
    service_relation as rel,
};
use crate::fields::check_text;
use crate::http::error::ApiResult;
use crate::registry::persons::id_number_rule;
use crate::state::AppState;

/// The first line of the file.
pub const HEADER: &[&str] = &["reference", "id_number", "institution_uscc", "care_mode", "start_on"];

struct Line {
    line: u64,
    reference: String,
    hash: String,
    uscc: String,
    mode: CareMode,
    start_on: NaiveDate,
}

/// Persons of the region by the blind index of their numbers.
pub(crate) async fn persons_by_hash<C: ConnectionTrait>(
    db: &C,
    region: Uuid,
    hashes: Vec<String>,
) -> ApiResult<HashMap<String, Uuid>> {
    Ok(persons_with_status(db, region, hashes).await?.into_iter().map(|(h, (id, _))| (h, id)).collect())
}

/// Persons of the region by the blind index of their numbers, with their status.
async fn persons_with_status<C: ConnectionTrait>(
    db: &C,
    region: Uuid,
    hashes: Vec<String>,
) -> ApiResult<HashMap<String, (Uuid, String)>> {
    let mut out = HashMap::new();
    for chunk in hashes.chunks(super::rows_per_statement(1)) {
        let found: Vec<(Uuid, String, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::IdNumberHash)
            .column(person::Column::Status)
            .filter(person::Column::RegionId.eq(region))
            .filter(person::Column::IdNumberHash.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(found.into_iter().map(|(id, h, status)| (h, (id, status))));
    }
    Ok(out)
}

/// The relations of these persons, ended or not.
pub(crate) async fn relations_of<C: ConnectionTrait>(db: &C, persons: Vec<Uuid>) -> ApiResult<Vec<rel::Model>> {
    let mut out = Vec::new();
    for chunk in persons.chunks(super::rows_per_statement(1)) {
        out.extend(rel::Entity::find().filter(rel::Column::InsuredPersonId.is_in(chunk.to_vec())).all(db).await?);
    }
    Ok(out)
}

/// Imports a file of running service relations into the actor's region; the persons, their
/// certificates and the institutions first.
pub async fn import(state: &AppState, actor: &Actor, bytes: &[u8], progress: Progress<'_>) -> ApiResult<ImportSummary> {
    let (mut problems, file) = super::open(actor, bytes, HEADER, progress)?;
    let mut refs = HashSet::new();
    let mut lines = Vec::new();
    for (line, r) in &file.lines {
        let line = *line;
        let before = problems.count();
        let reference = super::reference(&mut problems, &mut refs, line, &r[0]);
        let id = problems.take(line, "id_number", id_number_rule(&r[1], actor.today));
        let uscc = problems.take(line, "institution_uscc", check_text(&r[2], 18));
        let mode: Option<CareMode> = super::one_of(
            &mut problems,
            line,
            "care_mode",
            &r[3],
            "hospital_ward, institutional, home_visit, family_care",
        );
        let start_on = super::day(&mut problems, line, "start_on", &r[4]);
        if let Some(d) = start_on {
            problems.take(line, "start_on", crate::fields::happened_by(d, actor.today));
        }
        if problems.count() != before {
            continue;
        }
        if let (Some(reference), Some(id), Some(uscc), Some(mode), Some(start_on)) =
            (reference, id, uscc, mode, start_on)
        {
            lines.push(Line { line, reference, hash: state.pii.index(id.as_str()), uscc, mode, start_on });
        }
    }

    let txn = super::begin(state, actor).await?;
    let persons = persons_with_status(&txn, actor.region_id, lines.iter().map(|l| l.hash.clone()).collect()).await?;
    let institutions = super::institutions_by_uscc(&txn, actor.region_id, lines.iter().map(|l| l.uscc.clone())).await?;
    let ids: Vec<Uuid> = persons.values().map(|(id, _)| *id).collect();
    let known = relations_of(&txn, ids.clone()).await?;
    let open: Vec<&rel::Model> = known.iter().filter(|r| r.end_on.is_none()).collect();
    // The modes each institution named has an agreement in force for today.
    let mut agreed: HashMap<Uuid, Vec<ServiceMode>> = HashMap::new();
    let named: Vec<Uuid> = institutions.values().map(|i| i.id).collect();
    for chunk in named.chunks(super::rows_per_statement(1)) {
        for a in agreement::Entity::find()
            .filter(agreement::Column::InstitutionId.is_in(chunk.to_vec()))
            .filter(agreement::Column::StartOn.lte(actor.today))
            .filter(agreement::Column::EndOn.gte(actor.today))
            .all(&txn)
            .await?
        {
            let modes: Vec<ServiceMode> = serde_json::from_str(&a.modes).unwrap_or_default();
            agreed.entry(a.institution_id).or_default().extend(modes);
        }
    }
    let mut certificates: HashMap<Uuid, Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
    for chunk in ids.chunks(super::rows_per_statement(1)) {
        let found: Vec<(Uuid, NaiveDate, NaiveDate)> = certificate::Entity::find()
            .select_only()
            .column(certificate::Column::InsuredPersonId)
            .column(certificate::Column::EffectiveOn)
            .column(certificate::Column::ExpiresOn)
            .filter(certificate::Column::InsuredPersonId.is_in(chunk.to_vec()))
            .filter(
                Condition::any()
                    .add(certificate::Column::Status.eq("active"))
                    .add(certificate::Column::Status.eq("superseded")),
            )
            .into_tuple()
            .all(&txn)
            .await?;
        for (p, from, to) in found {
            certificates.entry(p).or_default().push((from, to));
        }
    }
    let mut beds: HashMap<Uuid, u64> = HashMap::new();
    for r in &open {
        if enum_from_db::<CareMode>(&r.care_mode).is_ok_and(CareMode::occupies_a_bed) {
            beds.entry(r.insured_person_id).or_insert(0);
        }
    }
    let mut fresh = Vec::new();
    let mut unchanged = 0;
    for l in lines {
        let Some((person, status)) = persons.get(&l.hash) else {
            problems.add(l.line, "id_number", "unknown_person", m::no_person_with_id_number());
            continue;
        };
        let person = *person;
        let taken = [enum_to_db(&InstitutionStatus::Active), enum_to_db(&InstitutionStatus::Suspended)];
        let Some(inst) = institutions.get(&l.uscc).filter(|i| taken.contains(&i.status)) else {
            problems.add(l.line, "institution_uscc", "unknown_institution", m::unknown_institution());
            continue;
        };
        // The same relation there already, even if it has ended since (a death, a transfer), is
        // unchanged; an open one from another day contradicts the line.
        let same = |r: &&rel::Model| {
            r.insured_person_id == person && r.institution_id == inst.id && r.care_mode == enum_to_db(&l.mode)
        };
        if known.iter().filter(same).any(|r| r.start_on == l.start_on) {
            unchanged += 1;
            continue;
        }
        if open.iter().any(same) {
            problems.add(l.line, "start_on", "reference_conflict", m::relation_recorded_otherwise());
            continue;
        }
        if *status != PersonStatus::Active.as_str() {
            problems.add(l.line, "id_number", "person_not_active", m::person_not_insured_now());
            continue;
        }
        if inst.status != enum_to_db(&InstitutionStatus::Active) {
            let text = m::institution_takes_no_beneficiaries(m::institution_status_suspended());
            problems.add(l.line, "institution_uscc", "institution_not_active", text);
            continue;
        }
        let approved: Vec<ServiceMode> =
            inst.approved_modes.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
        let needed = ServiceMode::for_care_mode(l.mode);
        if !approved.contains(&needed) {
            problems.add(l.line, "care_mode", "mode_not_approved", m::mode_not_designated());
            continue;
        }
        if !agreed.get(&inst.id).is_some_and(|modes| modes.contains(&needed)) {
            problems.add(l.line, "care_mode", "mode_not_approved", m::no_agreement_in_force_for_mode());
            continue;
        }
        let certified = certificates
            .get(&person)
            .is_some_and(|c| c.iter().any(|(from, to)| *from <= actor.today.max(l.start_on) && *to >= l.start_on));
        if !certified {
            problems.add(l.line, "id_number", "not_certified", m::not_certified_since_start());
            continue;
        }
        if l.mode.occupies_a_bed() {
            if beds.contains_key(&person) {
                problems.add(l.line, "care_mode", "conflict", m::already_in_a_bed());
                continue;
            }
            beds.insert(person, l.line);
        }
        fresh.push((l, person, inst.id));
    }
    progress(Stage::Checking, file.lines.len(), file.lines.len());
    problems.finish()?;

    // The choices in force already (an imported relation records one where there is none).
    let mut chosen: HashSet<(Uuid, Uuid, String)> = HashSet::new();
    let people: Vec<Uuid> = fresh.iter().map(|(_, p, _)| *p).collect::<HashSet<_>>().into_iter().collect();
    for chunk in people.chunks(super::rows_per_statement(1)) {
        let found: Vec<(Uuid, Uuid, String)> = provider_choice::Entity::find()
            .select_only()
            .column(provider_choice::Column::InsuredPersonId)
            .column(provider_choice::Column::InstitutionId)
            .column(provider_choice::Column::CareMode)
            .filter(provider_choice::Column::InsuredPersonId.is_in(chunk.to_vec()))
            .filter(provider_choice::Column::WithdrawnOn.is_null())
            .into_tuple()
            .all(&txn)
            .await?;
        chosen.extend(found);
    }
    let source = super::source(ImportKind::Relations, &file);
    let who = audit::AuditActor::from(actor);
    let now = Utc::now();
    let total = fresh.len();
    let mut done = 0;
    let mut audit_records = Vec::new();
    for chunk in fresh.chunks(super::rows_per_statement(14)) {
        let (mut relations, mut choices, mut audits) = (Vec::new(), Vec::new(), Vec::<audit_event::ActiveModel>::new());
        for (l, person, institution_id) in chunk {
            let id = Uuid::now_v7();
            relations.push(rel::ActiveModel {
                id: Set(id),
                region_id: Set(actor.region_id),
                insured_person_id: Set(*person),
                institution_id: Set(*institution_id),
                care_mode: Set(enum_to_db(&l.mode)),
                start_on: Set(l.start_on),
                end_on: Set(None),
                end_reason: Set(None),
                created_at: Set(now),
            });
            choices.push(provider_choice::ActiveModel {
                id: Set(Uuid::now_v7()),
                region_id: Set(actor.region_id),
                insured_person_id: Set(*person),
                institution_id: Set(*institution_id),
                care_mode: Set(enum_to_db(&l.mode)),
                chosen_on: Set(l.start_on),
                source: Set(enum_to_db(&ChoiceSource::Import)),
                case_id: Set(None),
                recorded_by: Set(actor.user_id),
                recorded_at: Set(now),
                withdrawn_on: Set(None),
                withdrawn_by: Set(None),
                withdrawal_reason: Set(None),
            });
            audits.push(audit::imported(
                &who,
                "service_relation.import",
                "service_relation",
                id,
                &source,
                &l.reference,
            ));
        }
        rel::Entity::insert_many(relations).exec_without_returning(&txn).await?;
        // A choice in force already is kept as it is.
        let choices: Vec<_> = choices
            .into_iter()
            .filter(|c| {
                !chosen.contains(&(
                    *c.insured_person_id.as_ref(),
                    *c.institution_id.as_ref(),
                    c.care_mode.as_ref().clone(),
                ))
            })
            .collect();
        if !choices.is_empty() {
            provider_choice::Entity::insert_many(choices).exec_without_returning(&txn).await?;
        }
        // The chunk's size fits the audit rows' 14 columns in one statement too.
        audit_records.extend(audits);
        done += chunk.len();
        progress(Stage::Writing, done, total);
    }
    audit::commit_with(txn, audit_records).await?;
    super::analyze(&state.db, total, "service_relations, provider_choices, audit_events").await?;
    tracing::info!(lines = file.lines.len(), created = total, unchanged, "service relations imported");
    Ok(super::summary(ImportKind::Relations, &file, total, unchanged))
}
