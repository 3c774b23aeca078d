//! Frauds planted in a generated city's month, for the monitoring benchmark and tests: of each
//! kind, `count` cases written as they would have reached the system, and the list of what was
//! planted to hold the monthly analysis's findings against.
//! - 挂床 in hospital: a resident charged every day of the month gets a hospital stay from the
//!   10th to the 16th (reported late), so five charged days lie inside it;
//! - 挂床 after death: another resident charged every day is reported dead five days before the
//!   month's end;
//! - impossible travel: a caregiver's next visit of a day, at least 1.5 km on, checked in one
//!   minute after the last one's check-out;
//! - one GPS point: a caregiver's check-in at one beneficiary's door replayed, to the millionth
//!   of a degree, at a visit to another of theirs living at least 1 km away.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, NaiveDate, Utc};
use ltci_shared::api::care::{Position, VisitEvent, VisitEventBody};
use ltci_shared::api::supervision::Rule;
use ltci_shared::geo::{Point, distance_m};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{hospitalisation, insured_person, stay, stay_charge, visit, visit_event};

/// One planted case: the rule that should find it, the institution and the record it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    pub rule: Rule,
    pub institution_id: Uuid,
    /// The stay or visit the finding should name.
    pub record: Uuid,
}

impl Planted {
    /// The case as a line of `frauds.csv`.
    pub fn csv_line(&self) -> String {
        format!("{},{},{}", crate::entities::enum_to_db(&self.rule), self.institution_id, self.record)
    }
}

/// Plants `count` cases of each kind in the region's month `first..=last`; answers what was
/// planted (fewer of a kind where the city has too few candidates).
pub async fn plant(
    db: &DatabaseConnection,
    region_id: Uuid,
    (first, last): (NaiveDate, NaiveDate),
    count: usize,
    seed: u64,
) -> anyhow::Result<Vec<Planted>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x4652_4155_4453);
    let txn = db.begin().await?;
    let mut planted = Vec::new();

    // Residents charged every day of the month, in a random order.
    let days = (last - first).num_days() + 1;
    let charged: HashMap<Uuid, i64> = stay_charge::Entity::find()
        .select_only()
        .column(stay_charge::Column::StayId)
        .column_as(stay_charge::Column::Id.count(), "n")
        .filter(
            stay_charge::Column::StayId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(stay::Column::Id)
                    .from(stay::Entity)
                    .and_where(stay::Column::RegionId.eq(region_id))
                    .and_where(stay::Column::CareMode.eq("institutional"))
                    .to_owned(),
            ),
        )
        .filter(stay_charge::Column::ServiceOn.between(first, last))
        .group_by(stay_charge::Column::StayId)
        .into_tuple::<(Uuid, i64)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let mut full: Vec<(Uuid, Uuid, Uuid)> = stay::Entity::find()
        .select_only()
        .column(stay::Column::Id)
        .column(stay::Column::InstitutionId)
        .column(stay::Column::InsuredPersonId)
        .filter(stay::Column::RegionId.eq(region_id))
        .filter(stay::Column::CareMode.eq("institutional"))
        .order_by_asc(stay::Column::Id)
        .into_tuple::<(Uuid, Uuid, Uuid)>()
        .all(&txn)
        .await?
        .into_iter()
        .filter(|(id, _, _)| charged.get(id) == Some(&days))
        .collect();
    full.shuffle(&mut rng);
    let mut residents = full.into_iter();
    for (stay_id, institution_id, person) in residents.by_ref().take(count) {
        hospitalisation::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_id: Set(region_id),
            insured_person_id: Set(person),
            source: Set("medical_insurance".into()),
            episode_ref: Set(format!("PLANTED-{stay_id}")),
            hospital: Set(Some("市人民医院".into())),
            admitted_on: Set(Some(first + Days::new(9))),
            discharged_on: Set(Some(first + Days::new(15))),
            updated_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        planted.push(Planted { rule: Rule::BedWhileHospitalised, institution_id, record: stay_id });
    }
    for (stay_id, institution_id, person) in residents.take(count) {
        insured_person::Entity::update_many()
            .col_expr(insured_person::Column::DiedOn, Expr::value(last - Days::new(5)))
            .filter(insured_person::Column::Id.eq(person))
            .exec(&txn)
            .await?;
        planted.push(Planted { rule: Rule::BedAfterDeath, institution_id, record: stay_id });
    }

    // The month's checked-out home visits with their check-in events, by caregiver.
    let visits = visit::Entity::find()
        .filter(visit::Column::RegionId.eq(region_id))
        .filter(visit::Column::ScheduledOn.between(first, last))
        .filter(visit::Column::CheckedInAt.is_not_null())
        .filter(visit::Column::CheckedOutAt.is_not_null())
        .order_by_asc(visit::Column::CheckedInAt)
        .all(&txn)
        .await?;
    let ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
    let mut check_ins: HashMap<Uuid, (visit_event::Model, VisitEvent, Point)> = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for e in visit_event::Entity::find()
            .filter(visit_event::Column::VisitId.is_in(chunk.to_vec()))
            .filter(visit_event::Column::Kind.eq("check_in"))
            .all(&txn)
            .await?
        {
            let Ok(parsed) = serde_json::from_str::<VisitEvent>(&e.body) else { continue };
            if let VisitEventBody::CheckIn { position: Position::Gps { latitude, longitude, .. }, .. } = &parsed.body {
                let at = Point { latitude: *latitude, longitude: *longitude };
                check_ins.insert(e.visit_id, (e, parsed, at));
            }
        }
    }
    let mut by_carer: BTreeMap<Uuid, Vec<&visit::Model>> = BTreeMap::new();
    for v in visits.iter().filter(|v| check_ins.contains_key(&v.id)) {
        by_carer.entry(v.caregiver_id).or_default().push(v);
    }
    let mut carers: Vec<Uuid> = by_carer.keys().copied().collect();
    carers.shuffle(&mut rng);
    let mut used: HashSet<Uuid> = HashSet::new();

    let mut travel = 0;
    for carer in &carers {
        if travel == count {
            break;
        }
        let list = &by_carer[carer];
        let pair = list.windows(2).find(|w| {
            w[0].scheduled_on == w[1].scheduled_on
                && distance_m(check_ins[&w[0].id].2, check_ins[&w[1].id].2) >= 1_500.0
        });
        let Some([a, b]) = pair.map(|w| [w[0], w[1]]) else { continue };
        let Some(left) = a.checked_out_at else { continue };
        let at = left + chrono::Duration::minutes(1);
        let (event, mut parsed, _) = check_ins[&b.id].clone();
        if let VisitEventBody::CheckIn { at: when, .. } = &mut parsed.body {
            *when = at;
        }
        visit_event::Entity::update_many()
            .col_expr(visit_event::Column::Body, Expr::value(serde_json::to_string(&parsed)?))
            .col_expr(visit_event::Column::OccurredAt, Expr::value(at))
            .filter(visit_event::Column::Id.eq(event.id))
            .exec(&txn)
            .await?;
        visit::Entity::update_many()
            .col_expr(visit::Column::CheckedInAt, Expr::value(at))
            .filter(visit::Column::Id.eq(b.id))
            .exec(&txn)
            .await?;
        used.insert(*carer);
        travel += 1;
        planted.push(Planted { rule: Rule::ImpossibleTravel, institution_id: b.institution_id, record: b.id });
    }

    let mut points = 0;
    for carer in carers.iter().filter(|c| !used.contains(c)) {
        if points == count {
            break;
        }
        let list = &by_carer[carer];
        let Some(a) = list.first() else { continue };
        let from = check_ins[&a.id].2;
        let far = list.iter().find(|b| {
            b.insured_person_id != a.insured_person_id
                && b.scheduled_on != a.scheduled_on
                && distance_m(from, check_ins[&b.id].2) >= 1_000.0
        });
        let Some(b) = far else { continue };
        let (event, mut parsed, _) = check_ins[&b.id].clone();
        if let VisitEventBody::CheckIn { position: Position::Gps { latitude, longitude, .. }, .. } = &mut parsed.body {
            (*latitude, *longitude) = (from.latitude, from.longitude);
        }
        visit_event::Entity::update_many()
            .col_expr(visit_event::Column::Body, Expr::value(serde_json::to_string(&parsed)?))
            .filter(visit_event::Column::Id.eq(event.id))
            .exec(&txn)
            .await?;
        points += 1;
        planted.push(Planted { rule: Rule::SameGpsPoint, institution_id: b.institution_id, record: b.id });
    }
    txn.commit().await?;
    Ok(planted)
}
