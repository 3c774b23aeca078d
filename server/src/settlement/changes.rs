//! What changed since an approved bill was last checked (核对): the facts a late correction
//! looks at, found through their own timestamps, so a month whose facts are unchanged is not
//! priced again and a month where a few beneficiaries' facts changed is priced again for them only.
//!
//! A bill is checked when it is submitted (the draft must equal what the facts price then) and
//! again each time a later bill of the institution is submitted within the twelve months after it
//! (months are submitted in order, so every earlier bill is approved or paid by then, and the
//! submission prices their corrections afresh). A fact stamped after the last check, less a
//! margin, counts as changed: a writer stamps its rows when it starts and commits later, so a check
//! that read in between missed them (`LTCI_LATE_FACT_MARGIN_SECS`, a day by default — longer than
//! any transaction that writes facts, a city's register import included).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use ltci_shared::api::supervision::FindingStatus;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::pricing::week_of;
use crate::care::stays::month_bounds;
use crate::entities::{
    bill, bill_dispute, bill_line_pack as pack, care_plan, certificate, enum_to_db, finding, finding_record,
    hospitalisation as hosp, institution, insured_person, policy_version as pv, sanction, stay, stay_charge as charge,
    visit,
};
use crate::http::error::{ApiError, ApiResult};

/// Past this many beneficiaries a month is priced again whole: one pass costs less than a long
/// list of ids.
const MAX_PERSONS: usize = 1_000;

/// What of an approved bill must be priced again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// No fact of its month changed since it was checked.
    Nothing,
    /// The facts of these beneficiaries changed.
    Persons(BTreeSet<Uuid>),
    /// Something that concerns every line changed (a policy version, a sanction, a finding, the
    /// institution, a dispute's answer), or the bill was never checked.
    Month,
}

impl Changed {
    fn add(&mut self, person: Uuid) {
        match self {
            Changed::Nothing => *self = Changed::Persons(BTreeSet::from([person])),
            Changed::Persons(p) => {
                p.insert(person);
                if p.len() > MAX_PERSONS {
                    *self = Changed::Month;
                }
            }
            Changed::Month => {}
        }
    }
}

/// A sanction as the check reads it: decided, lifted, from, to.
type Ban = (DateTime<Utc>, Option<DateTime<Utc>>, NaiveDate, NaiveDate);

/// An approved bill to check: its month's days and since when a fact counts as changed.
struct Checked {
    first: NaiveDate,
    last: NaiveDate,
    approved_at: Option<DateTime<Utc>>,
    since: DateTime<Utc>,
    changed: Changed,
}

impl Checked {
    fn holds(&self, on: NaiveDate) -> bool {
        self.first <= on && on <= self.last
    }

    /// Its month, widened to the Monday of its first week (the visits counted for the weekly
    /// frequency).
    fn holds_week(&self, on: NaiveDate) -> bool {
        week_of(self.first) <= on && on <= self.last
    }

    fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        from <= self.last && week_of(self.first) <= to
    }
}

/// For each bill of the institution (approved or paid) with the time it was last checked
/// (`None`: never), what must be priced again; a fact stamped up to `margin` before a check counts
/// as changed. When nothing changed this costs two statements: the beneficiaries on the bills, and
/// one that asks of every kind of fact whether any is stamped since (each kind is then read only
/// where one is).
pub async fn since<C: ConnectionTrait>(
    db: &C,
    institution: &institution::Model,
    bills: &[(&bill::Model, Option<DateTime<Utc>>)],
    margin: TimeDelta,
) -> ApiResult<HashMap<Uuid, Changed>> {
    let (region_id, institution_id) = (institution.region_id, institution.id);
    let mut checked: HashMap<Uuid, Checked> = HashMap::new();
    let mut out = HashMap::new();
    for (b, at) in bills {
        match (month_bounds(&b.month), at) {
            (Some((first, last)), Some(at)) => {
                let c =
                    Checked { first, last, approved_at: b.approved_at, since: *at - margin, changed: Changed::Nothing };
                checked.insert(b.id, c);
            }
            _ => {
                out.insert(b.id, Changed::Month);
            }
        }
    }
    let (Some(since), Some(first), Some(last)) = (
        checked.values().map(|c| c.since).min(),
        checked.values().map(|c| week_of(c.first)).min(),
        checked.values().map(|c| c.last).max(),
    ) else {
        return Ok(out);
    };
    let ids: Vec<Uuid> = checked.keys().copied().collect();

    // A policy version imported before the bill's approval but after its check.
    let versions = pv::Entity::find()
        .select_only()
        .columns([pv::Column::ImportedAt, pv::Column::EffectiveFrom])
        .filter(pv::Column::RegionId.eq(region_id))
        .filter(pv::Column::ImportedAt.gt(since))
        .filter(pv::Column::EffectiveFrom.lte(last));
    // A caregiver's ban decided or lifted (a ban follows the person, whichever institution
    // decided it).
    let sanctions = sanction::Entity::find()
        .select_only()
        .columns([sanction::Column::DecidedAt, sanction::Column::LiftedAt, sanction::Column::StartsOn])
        .column(sanction::Column::EndsOn)
        .filter(sanction::Column::RegionId.eq(region_id))
        .filter(Condition::any().add(sanction::Column::DecidedAt.gt(since)).add(sanction::Column::LiftedAt.gt(since)))
        .filter(sanction::Column::StartsOn.lte(last))
        .filter(sanction::Column::EndsOn.gte(first));
    // A finding confirmed that refuses services of the month.
    let confirmed = finding::Entity::find()
        .select_only()
        .columns([finding::Column::Id, finding::Column::DecidedAt])
        .filter(finding::Column::InstitutionId.eq(institution_id))
        .filter(finding::Column::Status.eq(enum_to_db(&FindingStatus::Confirmed)))
        .filter(finding::Column::DecidedAt.gt(since));
    // A dispute over one of the bill's lines answered (what an accepted one decided is a floor).
    let answered = bill_dispute::Entity::find()
        .select_only()
        .columns([bill_dispute::Column::BillId, bill_dispute::Column::AnsweredAt])
        .filter(bill_dispute::Column::BillId.is_in(ids.iter().copied()))
        .filter(bill_dispute::Column::AnsweredAt.gt(since));
    // Stays admitted, discharged or moved.
    let stays = stay::Entity::find()
        .select_only()
        .columns([stay::Column::InsuredPersonId, stay::Column::AdmittedOn, stay::Column::UpdatedAt])
        .filter(stay::Column::InstitutionId.eq(institution_id))
        .filter(stay::Column::UpdatedAt.gt(since))
        .filter(stay::Column::AdmittedOn.lte(last));
    // Bed-days charged or charged again. The days are chosen after, not in the query, so the
    // index on the stay and the report's time is the one the database takes (SQLite would otherwise
    // walk every charged day of the twelve months on the stay and day's index).
    let institutions_stays = Query::select()
        .column(stay::Column::Id)
        .from(stay::Entity)
        .and_where(stay::Column::InstitutionId.eq(institution_id))
        .to_owned();
    let charges = charge::Entity::find()
        .select_only()
        .columns([charge::Column::StayId, charge::Column::ServiceOn, charge::Column::ReportedAt])
        .filter(charge::Column::StayId.in_subquery(institutions_stays))
        .filter(charge::Column::ReportedAt.gt(since));
    // Visits checked in, out, confirmed, found wanting (the days chosen after, as for charges).
    let visits = visit::Entity::find()
        .select_only()
        .columns([visit::Column::InsuredPersonId, visit::Column::ScheduledOn, visit::Column::UpdatedAt])
        .filter(visit::Column::InstitutionId.eq(institution_id))
        .filter(visit::Column::UpdatedAt.gt(since));
    // Care plans made, changed or ended.
    let plans = care_plan::Entity::find()
        .select_only()
        .columns([care_plan::Column::InsuredPersonId, care_plan::Column::StartOn, care_plan::Column::EndOn])
        .column(care_plan::Column::UpdatedAt)
        .filter(care_plan::Column::InstitutionId.eq(institution_id))
        .filter(care_plan::Column::UpdatedAt.gt(since))
        .filter(care_plan::Column::StartOn.lte(last))
        .filter(care_plan::Column::EndOn.gte(first));
    // The beneficiaries on the bills: their register (scheme, death), hospital stays and
    // certificates.
    let on_bills: Vec<Uuid> = pack::Entity::find()
        .select_only()
        .column(pack::Column::InsuredPersonId)
        .distinct()
        .filter(pack::Column::BillId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let registers = insured_person::Entity::find()
        .select_only()
        .columns([insured_person::Column::Id, insured_person::Column::UpdatedAt])
        .filter(insured_person::Column::Id.is_in(on_bills.iter().copied()))
        .filter(insured_person::Column::UpdatedAt.gt(since));
    let spells = hosp::Entity::find()
        .select_only()
        .columns([hosp::Column::InsuredPersonId, hosp::Column::UpdatedAt])
        .filter(hosp::Column::InsuredPersonId.is_in(on_bills.iter().copied()))
        .filter(hosp::Column::UpdatedAt.gt(since));
    let certificates = certificate::Entity::find()
        .select_only()
        .columns([certificate::Column::InsuredPersonId, certificate::Column::IssuedAt])
        .filter(certificate::Column::InsuredPersonId.is_in(on_bills.iter().copied()))
        .filter(certificate::Column::IssuedAt.gt(since));

    // Which kinds have anything stamped since, in one statement.
    let gate = Query::select()
        .exprs([
            Expr::exists(versions.clone().into_query()),
            Expr::exists(sanctions.clone().into_query()),
            Expr::exists(confirmed.clone().into_query()),
            Expr::exists(answered.clone().into_query()),
            Expr::exists(stays.clone().into_query()),
            Expr::exists(charges.clone().into_query()),
            Expr::exists(visits.clone().into_query()),
            Expr::exists(plans.clone().into_query()),
            Expr::exists(registers.clone().into_query()),
            Expr::exists(spells.clone().into_query()),
            Expr::exists(certificates.clone().into_query()),
        ])
        .to_owned();
    let row = db
        .query_one(&gate)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the check of late facts answered nothing")))?;
    let found = |i: usize| row.try_get_by_index::<bool>(i);
    let [
        any_versions,
        any_sanctions,
        any_confirmed,
        any_answered,
        any_stays,
        any_charges,
        any_visits,
        any_plans,
        any_registers,
        any_spells,
        any_certificates,
    ] = [
        found(0)?,
        found(1)?,
        found(2)?,
        found(3)?,
        found(4)?,
        found(5)?,
        found(6)?,
        found(7)?,
        found(8)?,
        found(9)?,
        found(10)?,
    ];

    let mut month_if = |at: DateTime<Utc>, applies: &dyn Fn(&Checked) -> bool| {
        for c in checked.values_mut().filter(|c| at > c.since && applies(c)) {
            c.changed = Changed::Month;
        }
    };
    // The institution (its hospital tier).
    if let Some(at) = institution.updated_at {
        month_if(at, &|_| true);
    }
    if any_versions {
        for (at, from) in versions.into_tuple::<(DateTime<Utc>, NaiveDate)>().all(db).await? {
            month_if(at, &|c| from <= c.last && c.approved_at.is_some_and(|approved| at <= approved));
        }
    }
    if any_sanctions {
        for (decided, lifted, from, to) in sanctions.into_tuple::<Ban>().all(db).await? {
            let at = lifted.map_or(decided, |l| l.max(decided));
            month_if(at, &|c| c.overlaps(from, to));
        }
    }
    if any_confirmed {
        let decided: HashMap<Uuid, DateTime<Utc>> = confirmed
            .into_tuple::<(Uuid, Option<DateTime<Utc>>)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(id, at)| at.map(|at| (id, at)))
            .collect();
        let records: Vec<(Uuid, NaiveDate)> = finding_record::Entity::find()
            .select_only()
            .columns([finding_record::Column::FindingId, finding_record::Column::ServiceOn])
            .filter(finding_record::Column::FindingId.is_in(decided.keys().copied()))
            .filter(finding_record::Column::Affected.eq(true))
            .filter(finding_record::Column::ServiceOn.between(first, last))
            .into_tuple()
            .all(db)
            .await?;
        for (id, on) in records {
            if let Some(at) = decided.get(&id) {
                month_if(*at, &|c| c.holds(on));
            }
        }
    }
    if any_answered {
        for (bill_id, at) in answered.into_tuple::<(Uuid, Option<DateTime<Utc>>)>().all(db).await? {
            if let (Some(c), Some(at)) = (checked.get_mut(&bill_id), at)
                && at > c.since
            {
                c.changed = Changed::Month;
            }
        }
    }

    let mut person_if = |person: Uuid, at: DateTime<Utc>, applies: &dyn Fn(&Checked) -> bool| {
        for c in checked.values_mut().filter(|c| at > c.since && applies(c)) {
            c.changed.add(person);
        }
    };
    if any_stays {
        for (person, admitted, at) in stays.into_tuple::<(Uuid, NaiveDate, DateTime<Utc>)>().all(db).await? {
            person_if(person, at, &|c| admitted <= c.last);
        }
    }
    if any_charges {
        let charges: Vec<(Uuid, NaiveDate, DateTime<Utc>)> = charges
            .into_tuple::<(Uuid, NaiveDate, DateTime<Utc>)>()
            .all(db)
            .await?
            .into_iter()
            .filter(|(_, on, _)| (first..=last).contains(on))
            .collect();
        let charged: BTreeSet<Uuid> = charges.iter().map(|(s, _, _)| *s).collect();
        let whose: HashMap<Uuid, Uuid> = stay::Entity::find()
            .select_only()
            .columns([stay::Column::Id, stay::Column::InsuredPersonId])
            .filter(stay::Column::Id.is_in(charged))
            .into_tuple::<(Uuid, Uuid)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for (stay_id, on, at) in charges {
            if let Some(person) = whose.get(&stay_id) {
                person_if(*person, at, &|c| c.holds(on));
            }
        }
    }
    if any_visits {
        for (person, on, at) in visits.into_tuple::<(Uuid, NaiveDate, DateTime<Utc>)>().all(db).await? {
            if (first..=last).contains(&on) {
                person_if(person, at, &|c| c.holds_week(on));
            }
        }
    }
    if any_plans {
        for (person, from, to, at) in plans.into_tuple::<(Uuid, NaiveDate, NaiveDate, DateTime<Utc>)>().all(db).await? {
            person_if(person, at, &|c| c.overlaps(from, to));
        }
    }
    let mut persons: Vec<(Uuid, DateTime<Utc>)> = Vec::new();
    for (found, select) in [
        (any_registers, registers.into_query()),
        (any_spells, spells.into_query()),
        (any_certificates, certificates.into_query()),
    ] {
        if found {
            for row in db.query_all(&select).await? {
                persons.push((row.try_get_by_index(0)?, row.try_get_by_index(1)?));
            }
        }
    }
    if !persons.is_empty() {
        let billed: Vec<(Uuid, Uuid)> = pack::Entity::find()
            .select_only()
            .columns([pack::Column::BillId, pack::Column::InsuredPersonId])
            .distinct()
            .filter(pack::Column::BillId.is_in(ids.iter().copied()))
            .filter(pack::Column::InsuredPersonId.is_in(persons.iter().map(|(p, _)| *p).collect::<BTreeSet<_>>()))
            .into_tuple()
            .all(db)
            .await?;
        for (person, at) in persons {
            for (bill_id, _) in billed.iter().filter(|(_, p)| *p == person) {
                if let Some(c) = checked.get_mut(bill_id)
                    && at > c.since
                {
                    c.changed.add(person);
                }
            }
        }
    }
    out.extend(checked.into_iter().map(|(id, c)| (id, c.changed)));
    Ok(out)
}
