//! The past months of a generated city, recorded as the application records them: the
//! contributions (through the contributions import), app accounts for institution staff and home
//! caregivers, care plans, stays, each institution's daily charges (through the charge report),
//! home visits with their event streams, and hospital stays and deaths (through the partner-event
//! import, which ends plans and stays and verifies visits again). Rows the services write one
//! request at a time are written in bulk here, built by the same functions where the services
//! have them. Each stage skips what an earlier run wrote, so running again completes an
//! interrupted generation and otherwise changes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate, Utc};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{PlanItem, PlanStatus};
use ltci_shared::api::institutions::InstitutionKind;
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::stays::{ChargeReport, DailyCharge, MAX_CHARGES_PER_REPORT};
use ltci_shared::api::users::Role;
use ltci_shared::api::workforce::CaregiverQualification;
use ltci_shared::geo::Point;
use ltci_shared::policy::PolicyDocument;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait};
use uuid::Uuid;

use super::register::{Beneficiary, Csv, Register};
use super::visits::{self, Client};
use crate::audit::{self, AuditActor};
use crate::auth::Actor;
use crate::entities::{
    care_plan, caregiver, enum_to_db, institution, insured_person as person, policy_version as pv,
    service_relation as rel, stay, stay_charge, user, visit, visit_event,
};
use crate::imports::rows_per_statement;
use crate::state::AppState;

/// The period services are recorded for: its first day and yesterday.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Period {
    /// The months of the period, as `(first day, last day within the period)`.
    pub fn months(self) -> Vec<(NaiveDate, NaiveDate)> {
        let mut out = Vec::new();
        let mut start = self.first;
        while start <= self.last {
            let next =
                start.with_day(1).and_then(|d| d.checked_add_months(chrono::Months::new(1))).unwrap_or(self.last);
            let end = (next - Days::new(1)).min(self.last);
            out.push((start, end));
            start = next;
        }
        out
    }
}

/// Hospital stays and deaths of the beneficiaries over the period, drawn before anything is
/// recorded so that nobody is served in hospital or after death.
pub struct Life {
    pub died: Vec<Option<NaiveDate>>,
    /// Admission and discharge (none while still in hospital), in order, not overlapping.
    pub spells: Vec<Vec<(NaiveDate, Option<NaiveDate>)>>,
}

impl Life {
    /// Whether beneficiary `b` is away from care on `day`: in hospital, or dead.
    pub fn away(&self, b: usize, day: NaiveDate) -> bool {
        self.died[b].is_some_and(|d| day >= d)
            || self.spells[b].iter().any(|(a, d)| *a <= day && d.is_none_or(|d| day < d))
    }

    /// Deaths of about 1.2% of beneficiaries a month, and hospital stays of 3–20 days for about
    /// 2.5% a month (not for those already in a hospital ward).
    pub fn draw(rng: &mut ChaCha8Rng, reg: &Register, period: Period, today: NaiveDate) -> Life {
        let months = period.months();
        let mut died = Vec::with_capacity(reg.beneficiaries.len());
        let mut spells = Vec::with_capacity(reg.beneficiaries.len());
        for b in &reg.beneficiaries {
            let from = b.start_on.max(period.first);
            let death = (from <= period.last && rng.random_bool((0.012 * months.len() as f64).min(1.0)))
                .then(|| super::names::day_between(rng, from, period.last));
            let mut own: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
            if b.mode != CareMode::HospitalWard {
                for (start, end) in &months {
                    let start = (*start).max(from);
                    if start > *end || !rng.random_bool(0.025) {
                        continue;
                    }
                    let admitted = super::names::day_between(rng, start, *end);
                    if own.last().is_some_and(|(_, d)| d.is_none_or(|d| d > admitted)) {
                        continue;
                    }
                    if death.is_some_and(|d| admitted >= d) {
                        continue;
                    }
                    let mut discharged = Some(admitted + Days::new(rng.random_range(3..=20)));
                    if let Some(d) = death
                        && discharged.is_some_and(|x| x > d)
                    {
                        discharged = Some(d);
                    }
                    if discharged.is_some_and(|d| d >= today) {
                        discharged = None;
                    }
                    own.push((admitted, discharged));
                }
            }
            died.push(death);
            spells.push(own);
        }
        Life { died, spells }
    }
}

/// The database ids of the register's records, by their index in the register.
pub struct Ids {
    pub persons: Vec<Uuid>,
    pub institutions: Vec<Uuid>,
    pub caregivers: Vec<Uuid>,
    pub relations: Vec<Uuid>,
    /// Each institution's staff member, who reports charges and corrects visits.
    pub staff: Vec<Uuid>,
    /// Home caregivers' app accounts.
    pub carer_users: Vec<Option<Uuid>>,
}

/// Looks the imported register up.
pub async fn ids(state: &AppState, actor: &Actor, reg: &Register) -> anyhow::Result<Ids> {
    let db = &state.db;
    let persons: HashMap<String, Uuid> = person::Entity::find()
        .select_only()
        .column(person::Column::IdNumberHash)
        .column(person::Column::Id)
        .filter(person::Column::RegionId.eq(actor.region_id))
        .into_tuple::<(String, Uuid)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let institutions: HashMap<String, Uuid> = institution::Entity::find()
        .select_only()
        .column(institution::Column::Uscc)
        .column(institution::Column::Id)
        .filter(institution::Column::RegionId.eq(actor.region_id))
        .filter(institution::Column::Uscc.is_not_null())
        .into_tuple::<(String, Uuid)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let caregivers: HashMap<String, (Uuid, Option<Uuid>)> = caregiver::Entity::find()
        .filter(caregiver::Column::RegionId.eq(actor.region_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id_number_hash, (c.id, c.user_id)))
        .collect();
    let relations: HashMap<(Uuid, Uuid, String), Uuid> = rel::Entity::find()
        .filter(rel::Column::RegionId.eq(actor.region_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| ((r.insured_person_id, r.institution_id, r.care_mode), r.id))
        .collect();
    let missing = || anyhow::anyhow!("the imported register is incomplete");
    let persons: Vec<Uuid> = reg
        .persons
        .iter()
        .map(|p| persons.get(&state.pii.index(&p.id_number)).copied().ok_or_else(missing))
        .collect::<anyhow::Result<_>>()?;
    let institutions: Vec<Uuid> = reg
        .institutions
        .iter()
        .map(|i| institutions.get(&i.uscc).copied().ok_or_else(missing))
        .collect::<anyhow::Result<_>>()?;
    let (mut carers, mut carer_users) = (Vec::new(), Vec::new());
    for c in &reg.caregivers {
        let (id, user) = caregivers.get(&state.pii.index(&c.id_number)).copied().ok_or_else(missing)?;
        carers.push(id);
        carer_users.push(user);
    }
    let relations = reg
        .beneficiaries
        .iter()
        .map(|b| {
            let key = (persons[b.person], institutions[b.institution], enum_to_db(&b.mode));
            relations.get(&key).copied().ok_or_else(missing)
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Ids { persons, institutions, caregivers: carers, relations, staff: Vec::new(), carer_users })
}

/// The username of institution `i`'s staff member and of caregiver `c`'s app account.
pub fn staff_username(region_code: &str, reference: &str) -> String {
    format!("{region_code}-{}", reference.replace('-', "").to_lowercase())
}

/// App accounts: one staff member per institution, one per home caregiver, with the demo
/// password; the accounts there already are kept.
pub async fn accounts(
    state: &AppState,
    actor: &Actor,
    region_code: &str,
    reg: &Register,
    ids: &mut Ids,
) -> anyhow::Result<usize> {
    let db = &state.db;
    let hash = state.passwords.hash(crate::demo::DEMO_PASSWORD).await?;
    let wanted: Vec<(String, String, Role, Uuid)> = reg
        .institutions
        .iter()
        .zip(&ids.institutions)
        .map(|(i, id)| {
            (
                staff_username(region_code, &i.reference),
                format!("{} {}", i.name, i.contact_name),
                Role::Institution,
                *id,
            )
        })
        .chain(reg.caregivers.iter().filter(|c| c.visits_homes).map(|c| {
            let institution = ids.institutions[c.institution];
            (staff_username(region_code, &c.reference), c.name.clone(), Role::Caregiver, institution)
        }))
        .collect();
    let names: Vec<String> = wanted.iter().map(|w| w.0.clone()).collect();
    let mut known: HashMap<String, Uuid> = HashMap::new();
    for chunk in names.chunks(rows_per_statement(1)) {
        let found: Vec<(String, Uuid)> = user::Entity::find()
            .select_only()
            .column(user::Column::Username)
            .column(user::Column::Id)
            .filter(user::Column::Username.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        known.extend(found);
    }
    let who = AuditActor::from(actor);
    let now = Utc::now();
    let (mut rows, mut audits) = (Vec::new(), Vec::new());
    for (username, display, role, institution) in &wanted {
        if known.contains_key(username) {
            continue;
        }
        let id = Uuid::now_v7();
        known.insert(username.clone(), id);
        rows.push(user::ActiveModel {
            id: Set(id),
            username: Set(username.clone()),
            display_name: Set(display.clone()),
            password_hash: Set(hash.clone()),
            role: Set(role.as_str().to_owned()),
            region_id: Set(actor.region_id),
            institution_id: Set(Some(*institution)),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        });
        audits.push(audit::row(
            &who,
            "user.create",
            "user",
            &id.to_string(),
            &["username", "display_name", "role", "institution_id"],
        ));
    }
    let created = rows.len();
    let txn = db.begin().await?;
    for chunk in rows.chunks(rows_per_statement(10)) {
        user::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    // Each home caregiver's record points at its account, as `POST /caregivers/{id}/account` does.
    for (k, c) in reg.caregivers.iter().enumerate().filter(|(_, c)| c.visits_homes) {
        let account = known.get(&staff_username(region_code, &c.reference)).copied();
        if ids.carer_users[k].is_none()
            && let Some(account) = account
        {
            use sea_orm::sea_query::ExprTrait as _;
            caregiver::Entity::update_many()
                .col_expr(caregiver::Column::UserId, Expr::value(account))
                .col_expr(caregiver::Column::Version, Expr::col(caregiver::Column::Version).add(Expr::value(1)))
                .col_expr(caregiver::Column::UpdatedAt, Expr::value(now))
                .filter(caregiver::Column::Id.eq(ids.caregivers[k]))
                .exec(&txn)
                .await?;
            audits.push(audit::row(
                &who,
                "caregiver.account",
                "caregiver",
                &ids.caregivers[k].to_string(),
                &["user_id"],
            ));
            ids.carer_users[k] = Some(account);
        }
    }
    audit::commit_with(txn, audits).await?;
    ids.staff = reg
        .institutions
        .iter()
        .map(|i| known.get(&staff_username(region_code, &i.reference)).copied().unwrap_or_default())
        .collect();
    Ok(created)
}

/// The region's policy versions in force over `from..=to`, by day.
pub struct Policies {
    by_day: BTreeMap<NaiveDate, Uuid>,
    docs: HashMap<Uuid, PolicyDocument>,
}

impl Policies {
    pub async fn load(state: &AppState, region: Uuid, from: NaiveDate, to: NaiveDate) -> anyhow::Result<Policies> {
        let versions = pv::Entity::find().filter(pv::Column::RegionId.eq(region)).all(&state.db).await?;
        let mut docs = HashMap::new();
        for v in &versions {
            docs.insert(
                v.id,
                crate::policy::service::document_of(v).map_err(|e| anyhow::anyhow!("{}", e.message().zh()))?,
            );
        }
        let mut by_day = BTreeMap::new();
        for day in from.iter_days().take_while(|d| *d <= to) {
            if let Some(v) = crate::policy::service::in_force(&state.db, region, day)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message().zh()))?
            {
                by_day.insert(day, v.id);
            }
        }
        Ok(Policies { by_day, docs })
    }

    pub fn version_on(&self, day: NaiveDate) -> Option<Uuid> {
        self.by_day.get(&day).copied()
    }

    pub fn on(&self, day: NaiveDate) -> Option<&PolicyDocument> {
        self.version_on(day).and_then(|v| self.docs.get(&v))
    }
}

/// A home plan's weekly items for a level: the catalogue's items for certified caregivers, more
/// often the higher the level, and for a nurse also the first nursing item.
pub fn plan_items(doc: &PolicyDocument, level: u8, nurse: bool) -> Vec<PlanItem> {
    let wanted: &[u32] = match level {
        0..=2 => &[2, 1],
        3 => &[3, 1, 2],
        4 => &[3, 3, 2],
        _ => &[5, 5, 3],
    };
    let mut items: Vec<PlanItem> = doc
        .catalogue
        .iter()
        .filter(|c| c.qualification != CaregiverQualification::Nurse)
        .zip(wanted)
        .map(|(c, w)| PlanItem { code: c.code.clone(), per_week: (*w).min(c.max_per_week).max(1) })
        .collect();
    if nurse
        && level >= 4
        && let Some(c) = doc.catalogue.iter().find(|c| c.qualification == CaregiverQualification::Nurse)
    {
        items.push(PlanItem { code: c.code.clone(), per_week: 2.min(c.max_per_week).max(1) });
    }
    items
}

/// A plan of the generated city: one of the ≤ 366-day plans a beneficiary's care runs under.
pub struct PlanRow {
    pub beneficiary: usize,
    pub id: Uuid,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub items: Vec<PlanItem>,
}

/// Care plans for home visits and family care, one after another from a little before the
/// period (or the relation's start) until past today, each made by the institution's staff as
/// `POST /care-plans` makes it. Beneficiaries with plans already keep them.
pub async fn plans(
    state: &AppState,
    actor: &Actor,
    reg: &Register,
    ids: &Ids,
    policies: &Policies,
    rng: &mut ChaCha8Rng,
    period: Period,
) -> anyhow::Result<(Vec<PlanRow>, usize)> {
    let db = &state.db;
    let today = period.last + Days::new(1);
    let planned: Vec<usize> = (0..reg.beneficiaries.len())
        .filter(|&b| matches!(reg.beneficiaries[b].mode, CareMode::HomeVisit | CareMode::FamilyCare))
        .collect();
    let people: Vec<Uuid> = planned.iter().map(|&b| ids.persons[reg.beneficiaries[b].person]).collect();
    let mut existing: HashMap<(Uuid, String), Vec<care_plan::Model>> = HashMap::new();
    for chunk in people.chunks(rows_per_statement(1)) {
        for p in
            care_plan::Entity::find().filter(care_plan::Column::InsuredPersonId.is_in(chunk.to_vec())).all(db).await?
        {
            existing.entry((p.insured_person_id, p.care_mode.clone())).or_default().push(p);
        }
    }
    let now = Utc::now();
    let (mut out, mut rows, mut audits) = (Vec::new(), Vec::new(), Vec::new());
    for b in planned {
        let ben = &reg.beneficiaries[b];
        let person_id = ids.persons[ben.person];
        let nurse =
            ben.caregiver.is_some_and(|(c, _)| reg.caregivers[c].qualification == CaregiverQualification::Nurse);
        let lead = u64::from(rng.random_range(0..40u32));
        if let Some(plans) = existing.get(&(person_id, enum_to_db(&ben.mode))) {
            for p in plans {
                let items = crate::care::plans::items_of(p).map_err(|e| anyhow::anyhow!("{}", e.message().zh()))?;
                out.push(PlanRow { beneficiary: b, id: p.id, start_on: p.start_on, end_on: p.end_on, items });
            }
            continue;
        }
        let mut start = ben.start_on.max(period.first - Days::new(lead));
        while policies.version_on(start).is_none() && start <= period.last {
            start = start + Days::new(1);
        }
        let who = AuditActor {
            user_id: Some(ids.staff[ben.institution]),
            role: Some(Role::Institution),
            ..AuditActor::from(actor)
        };
        while start <= today && start < ben.expires_on {
            let end = (start + Days::new(365)).min(ben.expires_on);
            let (Some(version), Some(doc)) = (policies.version_on(start), policies.on(start)) else { break };
            if !doc.eligible(ben.mode, ben.level) {
                break;
            }
            let items = if ben.mode == CareMode::HomeVisit { plan_items(doc, ben.level, nurse) } else { Vec::new() };
            let id = Uuid::now_v7();
            rows.push(care_plan::ActiveModel {
                id: Set(id),
                region_id: Set(actor.region_id),
                institution_id: Set(ids.institutions[ben.institution]),
                insured_person_id: Set(person_id),
                care_mode: Set(enum_to_db(&ben.mode)),
                start_on: Set(start),
                end_on: Set(end),
                level: Set(i32::from(ben.level)),
                items: Set(crate::care::plans::items_json(&items).map_err(|e| anyhow::anyhow!("{}", e.message().zh()))?),
                policy_version_id: Set(version),
                status: Set(enum_to_db(&PlanStatus::Active)),
                end_reason: Set(None),
                created_by: Set(ids.staff[ben.institution]),
                created_at: Set(now),
                updated_at: Set(now),
            });
            audits.push(audit::row(
                &who,
                "care_plan.create",
                "care_plan",
                &id.to_string(),
                &["insured_person_id", "care_mode", "start_on", "end_on", "items"],
            ));
            out.push(PlanRow { beneficiary: b, id, start_on: start, end_on: end, items });
            start = end + Days::new(1);
        }
    }
    let created = rows.len();
    let txn = db.begin().await?;
    for chunk in rows.chunks(rows_per_statement(15)) {
        care_plan::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    audit::commit_with(txn, audits).await?;
    Ok((out, created))
}

/// The stays of the beneficiaries in beds, admitted the day their relation began, as
/// `POST /stays` admits them; stays there already are kept. Answers each one's stay id.
pub async fn stays(
    state: &AppState,
    actor: &Actor,
    reg: &Register,
    ids: &Ids,
) -> anyhow::Result<(HashMap<usize, Uuid>, usize)> {
    let db = &state.db;
    let mut existing: HashMap<Uuid, Uuid> = HashMap::new();
    for chunk in ids.relations.chunks(rows_per_statement(1)) {
        let found: Vec<(Uuid, Uuid)> = stay::Entity::find()
            .select_only()
            .column(stay::Column::RelationId)
            .column(stay::Column::Id)
            .filter(stay::Column::RelationId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        existing.extend(found);
    }
    let now = Utc::now();
    let (mut out, mut rows, mut audits) = (HashMap::new(), Vec::new(), Vec::new());
    for (b, ben) in reg.beneficiaries.iter().enumerate().filter(|(_, b)| b.mode.occupies_a_bed()) {
        if let Some(id) = existing.get(&ids.relations[b]) {
            out.insert(b, *id);
            continue;
        }
        let id = Uuid::now_v7();
        let staff = ids.staff[ben.institution];
        rows.push(stay::ActiveModel {
            id: Set(id),
            region_id: Set(actor.region_id),
            institution_id: Set(ids.institutions[ben.institution]),
            insured_person_id: Set(ids.persons[ben.person]),
            relation_id: Set(ids.relations[b]),
            care_mode: Set(enum_to_db(&ben.mode)),
            admitted_on: Set(ben.start_on),
            discharged_on: Set(None),
            discharge_reason: Set(None),
            created_by: Set(staff),
            created_at: Set(now),
            updated_at: Set(now),
        });
        let who = AuditActor { user_id: Some(staff), role: Some(Role::Institution), ..AuditActor::from(actor) };
        audits.push(audit::row(
            &who,
            "stay.admit",
            "stay",
            &id.to_string(),
            &["insured_person_id", "institution_id", "care_mode", "admitted_on"],
        ));
        out.insert(b, id);
    }
    let created = rows.len();
    let txn = db.begin().await?;
    for chunk in rows.chunks(rows_per_statement(12)) {
        stay::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    audit::commit_with(txn, audits).await?;
    Ok((out, created))
}

/// What a bed-day of a beneficiary costs at their institution, in fen.
fn daily_fen(reg: &Register, b: &Beneficiary) -> i64 {
    let inst = &reg.institutions[b.institution];
    match inst.kind {
        InstitutionKind::NursingHome => inst.daily_fen + 1_000 * (i64::from(b.level) - 3).max(0),
        _ => inst.daily_fen,
    }
}

/// The institution's staff member, as their requests would carry them.
fn staff_actor(actor: &Actor, ids: &Ids, institution: usize) -> Actor {
    Actor {
        user_id: ids.staff[institution],
        role: Role::Institution,
        institution_id: Some(ids.institutions[institution]),
        request_id: Some("demo-city".into()),
        ..actor.clone()
    }
}

/// Each bed-based institution reports its charged bed-days month by month through the charge
/// report (`PUT /stays/charges`), for every day its residents were in their beds — not the days
/// in hospital, not from the day of death. Months an institution reported already are left.
#[allow(clippy::too_many_arguments)]
pub async fn charges(
    state: &AppState,
    actor: &Actor,
    reg: &Register,
    ids: &Ids,
    stays: &HashMap<usize, Uuid>,
    life: &Life,
    period: Period,
    progress: &mut dyn FnMut(usize, usize),
) -> anyhow::Result<u64> {
    let mut by_institution: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for b in stays.keys() {
        by_institution.entry(reg.beneficiaries[*b].institution).or_default().push(*b);
    }
    let months = period.months();
    let total = by_institution.len() * months.len();
    let mut recorded = 0u64;
    let mut done = 0;
    for (institution, mut residents) in by_institution {
        residents.sort_unstable();
        let staff = staff_actor(actor, ids, institution);
        let stay_ids: Vec<Uuid> = residents.iter().map(|b| stays[b]).collect();
        for (first, last) in &months {
            done += 1;
            let reported = stay_charge::Entity::find()
                .filter(stay_charge::Column::StayId.is_in(stay_ids.clone()))
                .filter(stay_charge::Column::ServiceOn.between(*first, *last))
                .one(&state.db)
                .await?;
            if reported.is_some() {
                progress(done, total);
                continue;
            }
            let mut lines = Vec::new();
            for &b in &residents {
                let ben = &reg.beneficiaries[b];
                let amount = Decimal::new(daily_fen(reg, ben), 2);
                for day in first.iter_days().take_while(|d| d <= last) {
                    if day >= ben.start_on && !life.away(b, day) {
                        lines.push(DailyCharge { stay_id: stays[&b], on: day, amount });
                    }
                }
            }
            for chunk in lines.chunks(MAX_CHARGES_PER_REPORT) {
                let report = ChargeReport {
                    institution_id: Some(ids.institutions[institution]),
                    month: first.format("%Y-%m").to_string(),
                    charges: chunk.to_vec(),
                };
                let outcome = crate::care::stays::report_charges(state, &staff, report)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}: {:?}", e.message().zh(), e.details()))?;
                recorded += u64::from(outcome.recorded);
            }
            progress(done, total);
        }
    }
    Ok(recorded)
}

/// Home visits of every home plan over the period, with their events; plans with visits already
/// are left. Written a few hundred plans to a transaction.
#[allow(clippy::too_many_arguments)]
pub async fn home_visits(
    state: &AppState,
    actor: &Actor,
    reg: &Register,
    ids: &Ids,
    plans: &[PlanRow],
    policies: &Policies,
    life: &Life,
    rng: &mut ChaCha8Rng,
    period: Period,
    progress: &mut dyn FnMut(usize, usize),
) -> anyhow::Result<(u64, u64)> {
    let db = &state.db;
    let zone = state.time_zones.zone(db, actor.region_id).await.map_err(|e| anyhow::anyhow!("{}", e.message().zh()))?;
    let home: Vec<&PlanRow> =
        plans.iter().filter(|p| reg.beneficiaries[p.beneficiary].mode == CareMode::HomeVisit).collect();
    let mut visited: HashSet<Uuid> = HashSet::new();
    let plan_ids: Vec<Uuid> = home.iter().map(|p| p.id).collect();
    for chunk in plan_ids.chunks(rows_per_statement(1)) {
        let found: Vec<Option<Uuid>> = visit::Entity::find()
            .select_only()
            .column(visit::Column::PlanId)
            .distinct()
            .filter(visit::Column::PlanId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        visited.extend(found.into_iter().flatten());
    }
    let now = Utc::now();
    let (mut visits_written, mut events_written) = (0u64, 0u64);
    let mut batch = visits::Written::default();
    let doc_on = |d: NaiveDate| policies.on(d);
    for (k, p) in home.iter().enumerate() {
        if visited.contains(&p.id) {
            continue;
        }
        let b = p.beneficiary;
        let ben = &reg.beneficiaries[b];
        let Some((carer, slot)) = ben.caregiver else { continue };
        let person = &reg.persons[ben.person];
        let away = |day: NaiveDate| life.away(b, day);
        let client = Client {
            region_id: actor.region_id,
            institution_id: ids.institutions[ben.institution],
            person_id: ids.persons[ben.person],
            home: person.coordinates.map(|(latitude, longitude)| Point { latitude, longitude }),
            caregiver_id: ids.caregivers[carer],
            caregiver_user: ids.carer_users[carer].unwrap_or(ids.staff[ben.institution]),
            qualification: reg.caregivers[carer].qualification,
            device: format!("phone-{}", reg.caregivers[carer].reference.to_lowercase()),
            slot,
            rural: person.rural,
            plan_id: p.id,
            plan_items: &p.items,
            from: p.start_on.max(period.first).max(ben.start_on),
            to: p.end_on.min(period.last),
            away: &away,
            staff_user: ids.staff[ben.institution],
        };
        let written =
            visits::write(rng, &client, &doc_on, zone, now).map_err(|e| anyhow::anyhow!("{}", e.message().zh()))?;
        batch.visits.extend(written.visits);
        batch.events.extend(written.events);
        if batch.visits.len() >= 20_000 || k + 1 == home.len() {
            let (v, e) = (batch.visits.len() as u64, batch.events.len() as u64);
            let txn = db.begin().await?;
            for chunk in batch.visits.chunks(rows_per_statement(19)) {
                visit::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
            }
            for chunk in batch.events.chunks(rows_per_statement(9)) {
                visit_event::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
            }
            audit::commit(txn).await?;
            (visits_written, events_written) = (visits_written + v, events_written + e);
            batch = visits::Written::default();
        }
        progress(k + 1, home.len());
    }
    if !batch.visits.is_empty() {
        let txn = db.begin().await?;
        for chunk in batch.visits.chunks(rows_per_statement(19)) {
            visit::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        }
        for chunk in batch.events.chunks(rows_per_statement(9)) {
            visit_event::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        }
        audit::commit(txn).await?;
        visits_written += batch.visits.len() as u64;
        events_written += batch.events.len() as u64;
    }
    crate::imports::analyze(db, usize::try_from(events_written).unwrap_or(usize::MAX), "visits, visit_events")
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message().zh()))?;
    Ok((visits_written, events_written))
}

/// The partner events of the period as the medical-insurance and civil-affairs systems send
/// them: admissions and discharges of each hospital stay, deaths. Episodes in file order.
pub fn partner_events(reg: &Register, life: &Life) -> Vec<Vec<[String; 7]>> {
    let hospitals: Vec<&str> =
        reg.institutions.iter().filter(|i| i.kind == InstitutionKind::Hospital).map(|i| i.name.as_str()).collect();
    let mut episodes = Vec::new();
    let mut n = 0;
    for (b, ben) in reg.beneficiaries.iter().enumerate() {
        let id = &reg.persons[ben.person].id_number;
        for (admitted, discharged) in &life.spells[b] {
            n += 1;
            let episode = format!("ZY{}{n:07}", admitted.format("%Y"));
            let hospital = hospitals.get(n % hospitals.len().max(1)).copied().unwrap_or("市立医院").to_owned();
            let line = |kind: &str, suffix: &str, on: NaiveDate| {
                [
                    "medical_insurance".to_owned(),
                    format!("YB-{episode}-{suffix}"),
                    kind.to_owned(),
                    id.clone(),
                    on.format("%Y-%m-%d").to_string(),
                    episode.clone(),
                    hospital.clone(),
                ]
            };
            let mut lines = vec![line("hospital_admission", "R", *admitted)];
            if let Some(d) = discharged {
                lines.push(line("hospital_discharge", "C", *d));
            }
            episodes.push(lines);
        }
        if let Some(d) = life.died[b] {
            episodes.push(vec![[
                "civil_affairs".to_owned(),
                format!("MZ-{}-{:07}", d.format("%Y%m"), b + 1),
                "death".to_owned(),
                id.clone(),
                d.format("%Y-%m-%d").to_string(),
                String::new(),
                String::new(),
            ]]);
        }
    }
    episodes.sort_by(|a, b| a[0][4].cmp(&b[0][4]));
    episodes
}

/// The partner events file.
pub fn partner_file(episodes: &[Vec<[String; 7]>]) -> Vec<u8> {
    let mut w = Csv::new(&crate::care::partners::HEADER);
    for line in episodes.iter().flatten() {
        w.row(line.iter().cloned());
    }
    w.finish()
}

/// The contributions of every insured person for each month of the period: employees' by
/// transfer from the medical insurance fund (about 0.2% of the wage), residents' from the fiscal
/// subsidy.
pub fn contributions_file(reg: &Register, rng: &mut ChaCha8Rng, period: Period) -> Vec<u8> {
    let mut w = Csv::new(&crate::funding::import::HEADER);
    for (start, _) in period.months() {
        let month = start.format("%Y-%m").to_string();
        for p in &reg.persons {
            let (source, amount) = match p.scheme {
                Scheme::Employee => {
                    ("medical_insurance_fund", Decimal::new(i64::from(rng.random_range(800..3_000u32)), 2))
                }
                Scheme::Resident => ("fiscal_subsidy", Decimal::new(500, 2)),
            };
            w.row([
                format!("JF-{}-{}", start.format("%Y%m"), p.reference),
                p.id_number.clone(),
                month.clone(),
                enum_to_db(&p.scheme),
                source.to_owned(),
                amount.to_string(),
            ]);
        }
    }
    w.finish()
}
