//! The facts a month's bill is priced from, read in a handful of queries: the institution's
//! charged bed-days, delivered visit items and family-care days; its beneficiaries' schemes,
//! deaths, certificates and hospital stays; and the region's policy versions.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{PlannedItem, Severity, TaskResult, VisitException, VisitState};
use ltci_shared::api::registry::Scheme;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::pricing::{Claim, Policy, What, week_of};
use crate::assessment::certificates::{ACTIVE, SUPERSEDED};
use crate::care::partners::in_hospital;
use crate::care::verify::delivered;
use crate::entities::{
    care_plan, certificate, enum_from_db, enum_to_db, hospitalisation as hosp, insured_person, policy_version as pv,
    stay, stay_charge as charge, visit,
};
use crate::http::error::{ApiError, ApiResult};
use crate::policy::service::document_of;

/// What a line bills, as the bill records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Stay,
    Visit,
    FamilyCare,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Stay => "stay",
            Source::Visit => "visit",
            Source::FamilyCare => "family_care",
        }
    }
}

/// One line to price: a charged bed-day, an item delivered on a visit, or a family-care day.
#[derive(Debug, Clone)]
pub struct Line {
    pub person_id: Uuid,
    pub on: NaiveDate,
    pub mode: CareMode,
    pub source: Source,
    pub source_id: Uuid,
    /// Orders a day's visit items: the check-in, then the item code.
    order: (Option<chrono::DateTime<chrono::Utc>>, String),
    pub what: What,
}

impl Line {
    /// The bill's order: by beneficiary, then day, then stays, visits (by check-in, item) and
    /// family care.
    fn key(&self) -> (Uuid, NaiveDate, Source, Option<chrono::DateTime<chrono::Utc>>, Uuid, String) {
        (self.person_id, self.on, self.source, self.order.0, self.source_id, self.order.1.clone())
    }

    /// The item and times of a visit line.
    pub fn item(&self) -> Option<(&str, u32)> {
        match &self.what {
            What::VisitItem { code, times, .. } => Some((code, *times)),
            _ => None,
        }
    }
}

/// A certificate that was in force at some time: its validity, level and when it was issued.
#[derive(Debug, Clone, Copy)]
struct Cert {
    from: NaiveDate,
    to: NaiveDate,
    level: u8,
    issued_at: chrono::DateTime<chrono::Utc>,
}

/// A hospital stay: admitted (if known) and discharged (if yet).
type Spell = (Option<NaiveDate>, Option<NaiveDate>);

/// Everything a month's bill is priced from.
#[derive(Debug)]
pub struct Facts {
    /// In the bill's order.
    pub lines: Vec<Line>,
    /// Items delivered before the month in the week it starts in, per (beneficiary, item, Monday).
    pub prior: HashMap<(Uuid, String, NaiveDate), u32>,
    persons: HashMap<Uuid, (Scheme, Option<NaiveDate>)>,
    certificates: HashMap<Uuid, Vec<Cert>>,
    hospital: HashMap<Uuid, Vec<Spell>>,
    /// The region's versions, by effective date then import order.
    policies: Vec<(NaiveDate, Policy)>,
    tier: Option<u8>,
    /// Services a confirmed monitoring finding refuses: (source, id, day).
    refused: HashSet<(String, Uuid, NaiveDate)>,
}

fn json<T: serde::de::DeserializeOwned>(text: &str) -> ApiResult<T> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(anyhow::anyhow!("stored JSON unreadable: {e}")))
}

/// The charged bed-days of the institution's stays in `first..=last` (of `persons` only, when
/// given).
async fn bed_days<C: ConnectionTrait>(
    db: &C,
    institution_id: Uuid,
    first: NaiveDate,
    last: NaiveDate,
    persons: Option<&[Uuid]>,
) -> ApiResult<Vec<Line>> {
    // Every stay admitted by the month's end: a charge may lie after a discharge that a reported
    // death made later, and is then billed as not payable.
    let mut stays_of_month = Query::select()
        .column(stay::Column::Id)
        .from(stay::Entity)
        .and_where(stay::Column::InstitutionId.eq(institution_id))
        .and_where(stay::Column::AdmittedOn.lte(last))
        .to_owned();
    if let Some(ids) = persons {
        stays_of_month.and_where(stay::Column::InsuredPersonId.is_in(ids.iter().copied()));
    }
    let stays: HashMap<Uuid, stay::Model> = stay::Entity::find()
        .filter(stay::Column::Id.in_subquery(stays_of_month.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let charges = charge::Entity::find()
        .filter(charge::Column::StayId.in_subquery(stays_of_month))
        .filter(charge::Column::ServiceOn.between(first, last))
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(charges.len());
    for c in charges {
        let Some(s) = stays.get(&c.stay_id) else { continue };
        out.push(Line {
            person_id: s.insured_person_id,
            on: c.service_on,
            mode: enum_from_db(&s.care_mode)?,
            source: Source::Stay,
            source_id: s.id,
            order: (None, String::new()),
            what: What::BedDay { charged_fen: c.amount_fen },
        });
    }
    Ok(out)
}

/// What blocks the items of a visit by a caregiver barred that day (`ItemBlocked`).
pub const CAREGIVER_BARRED: &str = "caregiver_barred";

/// The items delivered on the institution's home visits (to `persons` only, when given) from the
/// Monday of `first`'s week to `last`: the month's as lines, the days before it counted for the
/// weekly frequency.
async fn visit_items<C: ConnectionTrait>(
    db: &C,
    institution_id: Uuid,
    first: NaiveDate,
    last: NaiveDate,
    persons: Option<&[Uuid]>,
) -> ApiResult<(Vec<Line>, HashMap<(Uuid, String, NaiveDate), u32>)> {
    let mut visits = visit::Entity::find()
        .filter(visit::Column::InstitutionId.eq(institution_id))
        .filter(visit::Column::ScheduledOn.between(week_of(first), last))
        // Not started, or closed as not delivered (未服务): nothing was delivered to bill.
        .filter(visit::Column::State.is_not_in([enum_to_db(&VisitState::Scheduled), enum_to_db(&VisitState::Missed)]));
    if let Some(ids) = persons {
        visits = visits.filter(visit::Column::InsuredPersonId.is_in(ids.iter().copied()));
    }
    let visits = visits.all(db).await?;
    let mut carers: Vec<Uuid> = visits.iter().map(|v| v.caregiver_id).collect();
    carers.sort();
    carers.dedup();
    // A caregiver barred (处理) is paid nothing for work in the ban.
    let bans = crate::supervision::sanctions::bans_within(db, &carers, week_of(first), last).await?;
    let barred = |carer: Uuid, on: NaiveDate| bans.iter().any(|&(c, from, to)| c == carer && from <= on && on <= to);
    let (mut lines, mut prior) = (Vec::new(), HashMap::new());
    for v in visits {
        let carer_barred = barred(v.caregiver_id, v.scheduled_on);
        let planned: Vec<PlannedItem> = json(&v.planned_items)?;
        let tasks: Vec<TaskResult> = json(&v.tasks)?;
        let findings: Vec<VisitException> = json(&v.exceptions)?;
        let verified = v.state == enum_to_db(&VisitState::Verified);
        for (code, times) in delivered(&planned, &tasks) {
            let blocked_by = findings
                .iter()
                .find(|f| f.severity == Severity::Block && f.item.as_deref() == Some(code.as_str()))
                .map(|f| enum_to_db(&f.code))
                .or_else(|| carer_barred.then(|| CAREGIVER_BARRED.to_owned()));
            if v.scheduled_on < first {
                if verified && blocked_by.is_none() {
                    *prior.entry((v.insured_person_id, code, week_of(v.scheduled_on))).or_insert(0) += times;
                }
                continue;
            }
            lines.push(Line {
                person_id: v.insured_person_id,
                on: v.scheduled_on,
                mode: CareMode::HomeVisit,
                source: Source::Visit,
                source_id: v.id,
                order: (v.checked_in_at, code.clone()),
                what: What::VisitItem { code, times, verified, blocked_by },
            });
        }
    }
    Ok((lines, prior))
}

/// The days of the institution's family-care plans (of `persons` only, when given) in
/// `first..=last`.
async fn family_care_days<C: ConnectionTrait>(
    db: &C,
    institution_id: Uuid,
    first: NaiveDate,
    last: NaiveDate,
    persons: Option<&[Uuid]>,
) -> ApiResult<Vec<Line>> {
    let mut plans = care_plan::Entity::find()
        .filter(care_plan::Column::InstitutionId.eq(institution_id))
        .filter(care_plan::Column::CareMode.eq(enum_to_db(&CareMode::FamilyCare)))
        .filter(care_plan::Column::StartOn.lte(last))
        .filter(care_plan::Column::EndOn.gte(first));
    if let Some(ids) = persons {
        plans = plans.filter(care_plan::Column::InsuredPersonId.is_in(ids.iter().copied()));
    }
    let plans = plans.all(db).await?;
    let mut out = Vec::new();
    for p in plans {
        for on in p.start_on.max(first).iter_days().take_while(|d| *d <= p.end_on.min(last)) {
            out.push(Line {
                person_id: p.insured_person_id,
                on,
                mode: CareMode::FamilyCare,
                source: Source::FamilyCare,
                source_id: p.id,
                order: (None, String::new()),
                what: What::FamilyCareDay,
            });
        }
    }
    Ok(out)
}

/// Reads the facts of an institution's month `first..=last` — of the beneficiaries `persons`
/// only, when given (each beneficiary is priced on their own) — with the policy versions imported
/// by `imported_by` (all of them when `None`).
pub async fn read<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    institution_id: Uuid,
    tier: Option<u8>,
    (first, last): (NaiveDate, NaiveDate),
    imported_by: Option<chrono::DateTime<chrono::Utc>>,
    persons: Option<&[Uuid]>,
) -> ApiResult<Facts> {
    let mut lines = bed_days(db, institution_id, first, last, persons).await?;
    let (items, prior) = visit_items(db, institution_id, first, last, persons).await?;
    lines.extend(items);
    lines.extend(family_care_days(db, institution_id, first, last, persons).await?);
    lines.sort_by_key(Line::key);

    let mut ids: Vec<Uuid> = lines.iter().map(|d| d.person_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut persons = HashMap::new();
    for p in insured_person::Entity::find().filter(insured_person::Column::Id.is_in(ids.clone())).all(db).await? {
        persons.insert(p.id, (enum_from_db(&p.scheme)?, p.died_on));
    }
    let mut certificates: HashMap<Uuid, Vec<_>> = HashMap::new();
    for c in certificate::Entity::find()
        .filter(certificate::Column::InsuredPersonId.is_in(ids.clone()))
        .filter(certificate::Column::Status.is_in([ACTIVE, SUPERSEDED]))
        .filter(certificate::Column::EffectiveOn.lte(last))
        .filter(certificate::Column::ExpiresOn.gte(first))
        .all(db)
        .await?
    {
        let level = u8::try_from(c.level).unwrap_or(0);
        certificates.entry(c.insured_person_id).or_default().push(Cert {
            from: c.effective_on,
            to: c.expires_on,
            level,
            issued_at: c.issued_at,
        });
    }
    let mut hospital: HashMap<Uuid, Vec<_>> = HashMap::new();
    for h in hosp::Entity::find()
        .filter(hosp::Column::InsuredPersonId.is_in(ids))
        .filter(hosp::Column::AdmittedOn.lte(last))
        .all(db)
        .await?
    {
        hospital.entry(h.insured_person_id).or_default().push((h.admitted_on, h.discharged_on));
    }
    let mut policies = Vec::new();
    let mut versions = pv::Entity::find().filter(pv::Column::RegionId.eq(region_id));
    if let Some(at) = imported_by {
        versions = versions.filter(pv::Column::ImportedAt.lte(at));
    }
    for v in versions
        .filter(pv::Column::EffectiveFrom.lte(last))
        .order_by_asc(pv::Column::EffectiveFrom)
        .order_by_asc(pv::Column::Version)
        .all(db)
        .await?
    {
        policies.push((v.effective_from, Policy { id: v.id, version: v.version, document: document_of(&v)? }));
    }
    let refused = crate::supervision::findings::refused_within(db, institution_id, first, last).await?;
    Ok(Facts { lines, prior, persons, certificates, hospital, policies, tier, refused })
}

impl Facts {
    /// The same facts with `draft` in force from its effective date, after every version that
    /// takes effect that day or before (as if it were imported now): the policy what-if.
    pub fn with_draft(mut self, draft: &Policy) -> Facts {
        self.policies.push((draft.document.effective_from, draft.clone()));
        self.policies.sort_by_key(|(from, _)| *from);
        self
    }

    /// The version in force on `on`: the latest effective on or before it, the later import of
    /// two on one date.
    fn policy_on(&self, on: NaiveDate) -> Option<&Policy> {
        self.policies.iter().rev().find(|(from, _)| *from <= on).map(|(_, p)| p)
    }

    /// The level certified on `on`: of the certificates valid that day, the one that took effect
    /// last (a superseded certificate counts for the days before its successor).
    fn level_on(&self, person: Uuid, on: NaiveDate) -> Option<u8> {
        self.certificates
            .get(&person)?
            .iter()
            .filter(|c| c.from <= on && on <= c.to)
            .max_by_key(|c| (c.from, c.issued_at))
            .map(|c| c.level)
    }

    /// The beneficiary's scheme (the register's foreign key guarantees the person).
    pub fn scheme(&self, person: Uuid) -> Scheme {
        self.persons.get(&person).map_or(Scheme::Resident, |(s, _)| *s)
    }

    /// A line with everything the pricing needs.
    pub fn claim(&self, l: &Line) -> Claim<'_> {
        Claim {
            person: l.person_id,
            on: l.on,
            mode: l.mode,
            scheme: self.scheme(l.person_id),
            tier: if l.mode == CareMode::HospitalWard { self.tier } else { None },
            level: self.level_on(l.person_id, l.on),
            hospitalised: self
                .hospital
                .get(&l.person_id)
                .is_some_and(|spells| spells.iter().any(|(a, b)| in_hospital(*a, *b, l.on))),
            died_on: self.persons.get(&l.person_id).and_then(|(_, d)| *d),
            refused_by_finding: self.refused.contains(&(l.source.code().to_owned(), l.source_id, l.on)),
            policy: self.policy_on(l.on),
            what: l.what.clone(),
        }
    }

    /// The level of a line's day, as the bill records it.
    pub fn level(&self, l: &Line) -> Option<u8> {
        self.level_on(l.person_id, l.on)
    }
}
