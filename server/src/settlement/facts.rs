//! The facts a month's bill is priced from, read in a handful of queries: the institution's
//! charged bed-days, its beneficiaries' schemes, deaths, certificates and hospital stays, and the
//! region's policy versions.

use std::collections::HashMap;

use chrono::NaiveDate;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::registry::Scheme;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::pricing::{Day, Policy};
use crate::assessment::certificates::{ACTIVE, SUPERSEDED};
use crate::care::partners::in_hospital;
use crate::entities::{
    certificate, enum_from_db, hospitalisation as hosp, insured_person, policy_version as pv, stay,
    stay_charge as charge,
};
use crate::http::error::ApiResult;
use crate::policy::service::document_of;

/// One charged bed-day of one of the institution's stays.
#[derive(Debug, Clone)]
pub struct ChargedDay {
    pub stay_id: Uuid,
    pub person_id: Uuid,
    pub mode: CareMode,
    pub on: NaiveDate,
    pub charged_fen: i64,
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
    pub days: Vec<ChargedDay>,
    persons: HashMap<Uuid, (Scheme, Option<NaiveDate>)>,
    certificates: HashMap<Uuid, Vec<Cert>>,
    hospital: HashMap<Uuid, Vec<Spell>>,
    /// The region's versions, by effective date then import order.
    policies: Vec<(NaiveDate, Policy)>,
}

/// Reads the facts of an institution's month `first..=last`.
pub async fn read<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    institution_id: Uuid,
    first: NaiveDate,
    last: NaiveDate,
) -> ApiResult<Facts> {
    let stays_of_month = Query::select()
        .column(stay::Column::Id)
        .from(stay::Entity)
        .and_where(stay::Column::InstitutionId.eq(institution_id))
        .and_where(stay::Column::AdmittedOn.lte(last))
        .cond_where(
            Condition::any().add(stay::Column::DischargedOn.is_null()).add(stay::Column::DischargedOn.gte(first)),
        )
        .to_owned();
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
        .order_by_asc(charge::Column::ServiceOn)
        .order_by_asc(charge::Column::StayId)
        .all(db)
        .await?;
    let mut days = Vec::with_capacity(charges.len());
    for c in charges {
        let Some(s) = stays.get(&c.stay_id) else { continue };
        days.push(ChargedDay {
            stay_id: s.id,
            person_id: s.insured_person_id,
            mode: enum_from_db(&s.care_mode)?,
            on: c.service_on,
            charged_fen: c.amount_fen,
        });
    }
    let mut ids: Vec<Uuid> = days.iter().map(|d| d.person_id).collect();
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
    for v in pv::Entity::find()
        .filter(pv::Column::RegionId.eq(region_id))
        .filter(pv::Column::EffectiveFrom.lte(last))
        .order_by_asc(pv::Column::EffectiveFrom)
        .order_by_asc(pv::Column::Version)
        .all(db)
        .await?
    {
        policies.push((v.effective_from, Policy { id: v.id, version: v.version, document: document_of(&v)? }));
    }
    Ok(Facts { days, persons, certificates, hospital, policies })
}

impl Facts {
    /// The version in force on `on`: the latest effective on or before it, the later import of
    /// two on one date.
    pub fn policy_on(&self, on: NaiveDate) -> Option<&Policy> {
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

    /// A charged day with everything the pricing needs.
    pub fn day(&self, d: &ChargedDay, tier: Option<u8>) -> Day<'_> {
        let (scheme, died_on) = self.persons.get(&d.person_id).copied().unwrap_or((Scheme::Resident, None));
        Day {
            on: d.on,
            mode: d.mode,
            scheme,
            tier: if d.mode == CareMode::HospitalWard { tier } else { None },
            claimed_fen: d.charged_fen,
            level: self.level_on(d.person_id, d.on),
            hospitalised: self
                .hospital
                .get(&d.person_id)
                .is_some_and(|spells| spells.iter().any(|(a, b)| in_hospital(*a, *b, d.on))),
            died_on,
            policy: self.policy_on(d.on),
        }
    }
}
