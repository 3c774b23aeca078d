//! Demo data for `ltci-server demo`: the region 示范市 with two counties, a home-care agency and
//! a nursing home, one user per role (a staff member per institution; the caregiver with a
//! caregiver record and a training course), a few insured persons, a year of contributions, the
//! benefit policy, home care (certificates, plans, a week of visits for the caregiver), an
//! application waiting for its on-site assessment by `assessor1` and `assessor2`, and the nursing
//! home's residents. The password `demo1234` exists only here.

pub mod city;
mod residents;

pub use residents::seed_residents;

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, Utc};
use ltci_shared::api::assessment::Qualification;
use ltci_shared::api::institutions::{InstitutionKind, InstitutionStatus, ServiceMode};
use ltci_shared::api::users::Role;
use ltci_shared::id_number::check_character;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::auth::password::PasswordHasher;
use crate::entities::{
    agreement, assessor_profile, caregiver, caregiver_training, county, enum_to_db, institution, insured_person,
    region, user,
};
use crate::pii::PiiCipher;

/// Region code of the demo city (fictional: no real division has it).
pub const DEMO_REGION_CODE: &str = "990100";
/// Password of every demo user.
pub const DEMO_PASSWORD: &str = "demo1234";
/// The demo logins and what they are.
pub const DEMO_USERS: [(&str, &str, Role); 8] = [
    ("admin", "示范市医保经办 王敏", Role::Admin),
    // A second officer: a bill's audit, approval and payment are taken by different officers.
    ("admin2", "示范市医保经办 刘洋", Role::Admin),
    ("assessor1", "评估员 李华", Role::Assessor),
    ("assessor2", "评估员 赵强", Role::Assessor),
    ("inst1", "康乐居家护理服务中心 周静", Role::Institution),
    // The nursing home's staff: admissions, the daily charges, its bill.
    ("inst2", "颐养护理院 陈芳", Role::Institution),
    ("carer1", "护理员 孙丽", Role::Caregiver),
    ("auditor1", "稽核员 郑刚", Role::Auditor),
];

/// The demo home-care agency (居家上门, 亲情护理指导), where `inst1` works.
pub const DEMO_AGENCY: &str = "示范市康乐居家护理服务中心";
/// The demo nursing home (机构护理), where `inst2` works.
pub const DEMO_NURSING_HOME: &str = "示范市颐养护理院";

/// A designated institution of the demo, as its application and inspection left it.
struct Designated {
    name: &'static str,
    uscc_first17: &'static str,
    kind: InstitutionKind,
    modes: &'static [ServiceMode],
    beds: (i32, i32),
    staff: (i32, i32, i32),
    address: (&'static str, f64, f64),
    contact: (&'static str, &'static str),
    /// The legal representative: name and the first 17 characters of the ID number.
    legal_rep: (&'static str, &'static str),
    inspection_score: i32,
}

const DESIGNATED: [Designated; 2] = [
    Designated {
        name: DEMO_AGENCY,
        uscc_first17: "52990100MJ0000001",
        kind: InstitutionKind::HomeCareAgency,
        modes: &[ServiceMode::HomeVisit, ServiceMode::FamilyCareSupervision],
        beds: (0, 0),
        staff: (1, 6, 24),
        address: ("示范市市南区福州南路 88号", 36.0671, 120.4102),
        contact: ("周静", "0532-88886666"),
        legal_rep: ("孙海涛", "37020219700512003"),
        inspection_score: 92,
    },
    Designated {
        name: DEMO_NURSING_HOME,
        uscc_first17: "52990100MJ0000002",
        kind: InstitutionKind::NursingHome,
        modes: &[ServiceMode::Institutional],
        beds: (120, 80),
        staff: (2, 14, 36),
        address: ("示范市李沧区九水东路 320号", 36.1702, 120.4297),
        contact: ("陈芳", "0532-87651234"),
        legal_rep: ("刘建华", "37021319681120004"),
        inspection_score: 88,
    },
];

/// Inserts a designated institution with an agreement signed a year ago for three years.
async fn designate<C: sea_orm::ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    d: &Designated,
    sequence: usize,
    now: chrono::DateTime<Utc>,
    pii: &PiiCipher,
) -> anyhow::Result<Uuid> {
    let mut digits = [0u8; 17];
    digits.copy_from_slice(d.legal_rep.1.as_bytes());
    let rep_id_number = format!("{}{}", d.legal_rep.1, check_character(&digits));
    let id = Uuid::now_v7();
    let modes_json = serde_json::to_string(d.modes)?;
    let uscc =
        format!("{}{}", d.uscc_first17, ltci_shared::uscc::check_character(d.uscc_first17.as_bytes()).unwrap_or('0'));
    institution::ActiveModel {
        id: Set(id),
        region_id: Set(region_id),
        name: Set(d.name.into()),
        created_at: Set(now),
        uscc: Set(Some(uscc)),
        kind: Set(Some(enum_to_db(&d.kind))),
        hospital_tier: Set(None),
        requested_modes: Set(Some(modes_json.clone())),
        licensed_beds: Set(Some(d.beds.0)),
        doctors: Set(Some(d.staff.0)),
        nurses: Set(Some(d.staff.1)),
        certified_caregivers: Set(Some(d.staff.2)),
        address_text: Set(Some(d.address.0.into())),
        latitude: Set(Some(d.address.1)),
        longitude: Set(Some(d.address.2)),
        contact_name: Set(Some(d.contact.0.into())),
        contact_phone: Set(Some(d.contact.1.into())),
        inspection_score: Set(Some(d.inspection_score)),
        approved_modes: Set(Some(modes_json.clone())),
        bed_quota: Set(Some(d.beds.1)),
        status: Set(enum_to_db(&InstitutionStatus::Active)),
        version: Set(1),
        updated_at: Set(Some(now)),
        legal_rep_name: Set(Some(d.legal_rep.0.into())),
        legal_rep_id_hash: Set(Some(pii.index(&rep_id_number))),
        legal_rep_id_masked: Set(Some(ltci_shared::id_number::mask(&rep_id_number))),
    }
    .insert(db)
    .await?;
    let signed_on = now.date_naive().checked_sub_months(chrono::Months::new(12)).unwrap_or(now.date_naive());
    agreement::ActiveModel {
        id: Set(Uuid::now_v7()),
        institution_id: Set(id),
        number: Set(format!("{DEMO_REGION_CODE}-XY-{}-{sequence:06}", signed_on.format("%Y"))),
        start_on: Set(signed_on),
        end_on: Set(signed_on.checked_add_months(chrono::Months::new(36)).unwrap_or(signed_on)),
        modes: Set(modes_json),
        bed_quota: Set(d.beds.1),
        signed_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Seeds the demo data unless the demo region already exists. Returns whether it seeded.
pub async fn seed(db: &DatabaseConnection, pii: &PiiCipher) -> anyhow::Result<bool> {
    if region::Entity::find().filter(region::Column::Code.eq(DEMO_REGION_CODE)).one(db).await?.is_some() {
        return Ok(false);
    }
    let hasher = PasswordHasher::new()?;
    let mut hashes = Vec::new();
    for _ in DEMO_USERS {
        hashes.push(hasher.hash(DEMO_PASSWORD).await?);
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let region_id = Uuid::now_v7();
    region::ActiveModel {
        id: Set(region_id),
        code: Set(DEMO_REGION_CODE.into()),
        name: Set("示范市".into()),
        time_zone: Set("Asia/Shanghai".into()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let institution_id = designate(&txn, region_id, &DESIGNATED[0], 1, now, pii).await?;
    let nursing_home_id = designate(&txn, region_id, &DESIGNATED[1], 2, now, pii).await?;
    let (mut carer_user, mut admin_user) = (None, None);
    for ((username, display_name, role), hash) in DEMO_USERS.into_iter().zip(hashes) {
        let user_id = Uuid::now_v7();
        match role {
            Role::Caregiver => carer_user = Some(user_id),
            Role::Admin => admin_user = Some(user_id),
            _ => {}
        }
        user::ActiveModel {
            id: Set(user_id),
            username: Set(username.into()),
            display_name: Set(display_name.into()),
            password_hash: Set(hash),
            role: Set(role.as_str().into()),
            region_id: Set(region_id),
            institution_id: Set(role.belongs_to_institution().then_some(if username == "inst2" {
                nursing_home_id
            } else {
                institution_id
            })),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        // assessor1 is a physician, assessor2 a nurse: together they can be assigned a case.
        let qualification = match username {
            "assessor1" => Some(Qualification::Physician),
            "assessor2" => Some(Qualification::Nurse),
            _ => None,
        };
        if let Some(q) = qualification {
            assessor_profile::ActiveModel {
                user_id: Set(user_id),
                region_id: Set(region_id),
                qualification: Set(enum_to_db(&q)),
                is_expert: Set(false),
                employer_institution_id: Set(None),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    let mut county_ids = Vec::new();
    for (code, name) in [("990102", "示范区"), ("990181", "示范县")] {
        let id = Uuid::now_v7();
        county::ActiveModel {
            id: Set(id),
            region_id: Set(region_id),
            code: Set(code.into()),
            name: Set(name.into()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        county_ids.push(id);
    }
    // carer1's record: a certified caregiver (level 4) in the rural county, with one course.
    let carer_first17 = "37028119780302002";
    let mut digits = [0u8; 17];
    digits.copy_from_slice(carer_first17.as_bytes());
    let carer_id_number = format!("{carer_first17}{}", check_character(&digits));
    let caregiver_id = Uuid::now_v7();
    caregiver::ActiveModel {
        id: Set(caregiver_id),
        region_id: Set(region_id),
        institution_id: Set(institution_id),
        county_id: Set(county_ids[1]),
        name: Set("孙丽".into()),
        id_number_enc: Set(pii.encrypt(&carer_id_number)?),
        id_number_hash: Set(pii.index(&carer_id_number)),
        id_number_masked: Set(ltci_shared::id_number::mask(&carer_id_number)),
        birth_date: Set(NaiveDate::parse_from_str(&carer_first17[6..14], "%Y%m%d")?),
        sex: Set("female".into()),
        phone: Set("13600136000".into()),
        qualification: Set("caregiver_certified".into()),
        certificate_level: Set(Some(4)),
        certificate_number: Set(Some("YLHL-2023-0042".into())),
        status: Set("active".into()),
        left_on: Set(None),
        user_id: Set(carer_user),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    caregiver_training::ActiveModel {
        id: Set(Uuid::now_v7()),
        caregiver_id: Set(caregiver_id),
        course: Set("农村护理员能力提升培训".into()),
        hours_tenths: Set(160),
        completed_on: Set(now.date_naive() - chrono::Days::new(30)),
        provider: Set(Some("示范市护理职业培训中心".into())),
        certificate_number: Set(None),
        recorded_by: Set(admin_user.unwrap_or(caregiver_id)),
        recorded_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let persons = [
        ("张桂兰", "37020219380512002", "resident", "示范市市南区香港中路街道 12号 3单元 101", 36.0662, 120.3826),
        ("李守田", "37020219411103003", "employee", "示范市崂山区沙子口街道 东麦窑村 58号", 36.1189, 120.6248),
        ("王秀英", "37028119450220004", "resident", "示范市胶州市李哥庄镇 西王村 7号", 36.3457, 120.1623),
        ("刘德福", "37020319360918005", "employee", "示范市市北区辽宁路 201号 2单元 502", 36.0789, 120.3574),
        ("陈玉梅", "37028519500707006", "resident", "示范市莱西市院上镇 后庄扶村 33号", 36.8891, 120.5173),
        ("赵淑珍", "37021219421126007", "resident", "示范市崂山区北宅街道 卧龙村 19号", 36.1875, 120.5612),
        // Certified, chose the agency, not served yet: whom inst1 takes on (`seed_residents`).
        ("孙玉珍", "37020219440815008", "resident", "示范市市南区江西路 76号 1单元 302", 36.0702, 120.3941),
        // The nursing home's residents (`seed_residents`).
        ("马凤英", "37021119390611024", "employee", "示范市李沧区书院路 15号 4单元 201", 36.1611, 120.4203),
        ("高德顺", "37021419370304013", "resident", "示范市城阳区流亭街道 双埠村 41号", 36.2698, 120.3652),
    ];
    for (name, first17, scheme, address, lat, lng) in persons {
        let mut digits = [0u8; 17];
        digits.copy_from_slice(first17.as_bytes());
        let id_number = format!("{first17}{}", check_character(&digits));
        let birth = NaiveDate::parse_from_str(&first17[6..14], "%Y%m%d")?;
        let sex = if (digits[16] - b'0') % 2 == 1 { "male" } else { "female" };
        insured_person::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_id: Set(region_id),
            name: Set(name.into()),
            id_number_enc: Set(pii.encrypt(&id_number)?),
            id_number_hash: Set(pii.index(&id_number)),
            id_number_masked: Set(ltci_shared::id_number::mask(&id_number)),
            birth_date: Set(birth),
            sex: Set(sex.into()),
            scheme: Set(scheme.into()),
            enrolled_on: Set(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or(birth)),
            status: Set("active".into()),
            died_on: Set(None),
            address_text: Set(address.into()),
            latitude: Set(Some(lat)),
            longitude: Set(Some(lng)),
            phone: Set(Some("13800138000".into())),
            emergency_name: Set(Some("家属".into())),
            emergency_phone: Set(Some("13900139000".into())),
            emergency_relation: Set(Some("子女".into())),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    crate::audit::commit(txn).await?;
    Ok(true)
}

/// The demo city's benefit policy (`server/policies/demo.toml`).
pub const DEMO_POLICY: &str = include_str!("../../policies/demo.toml");

/// Imports the demo city's policy as `admin` (nothing new when it is already there).
pub async fn seed_policy(db: &DatabaseConnection) -> anyhow::Result<()> {
    use crate::policy::document::{Format, parse};
    let actor = crate::auth::Actor::for_command_line(db, "admin").await?;
    let doc = parse(DEMO_POLICY, Format::Toml).map_err(|e| anyhow::anyhow!("demo policy: {:?}", e.details()))?;
    crate::policy::service::import(db, &actor, doc).await.map_err(|e| anyhow::anyhow!("{}", e.message().zh()))?;
    Ok(())
}

/// A year of the demo persons' monthly contributions (individual and employer or fiscal shares)
/// posted through the ledger as `admin`, so the funding pages have figures. Posting is idempotent
/// by reference, so running it again adds nothing.
pub async fn seed_funding(db: &DatabaseConnection) -> anyhow::Result<()> {
    use chrono::Months;
    use ltci_shared::api::funding::FundingSource;
    use ltci_shared::api::registry::Scheme;

    use crate::funding::income::{contribution_request, fund, income, reserve};
    use crate::funding::ledger::{self, NewEntry};

    let actor = crate::auth::Actor::for_command_line(db, "admin").await?;
    let persons =
        insured_person::Entity::find().filter(insured_person::Column::RegionId.eq(actor.region_id)).all(db).await?;
    let this_month = actor.today.with_day(1).unwrap_or(actor.today);
    // Only the demo's own persons: those with no contribution yet, or with the demo's. A generated
    // city's persons in the region have theirs from the city's contributions file.
    use crate::entities::{contribution, journal_entry};
    let paying: HashSet<Uuid> = contribution::Entity::find()
        .select_only()
        .column(contribution::Column::InsuredPersonId)
        .filter(contribution::Column::RegionId.eq(actor.region_id))
        .distinct()
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let demo_entries = sea_orm::sea_query::Query::select()
        .column(journal_entry::Column::Id)
        .from(journal_entry::Entity)
        .and_where(journal_entry::Column::Reference.starts_with("DEMO-"))
        .to_owned();
    let ours: HashSet<Uuid> = contribution::Entity::find()
        .select_only()
        .column(contribution::Column::InsuredPersonId)
        .filter(contribution::Column::RegionId.eq(actor.region_id))
        .filter(contribution::Column::EntryId.in_subquery(demo_entries))
        .distinct()
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let persons: Vec<_> = persons.into_iter().filter(|p| !paying.contains(&p.id) || ours.contains(&p.id)).collect();
    // Each entry with its contribution row, as `POST /funding/contributions` records them.
    let post = async |entry: NewEntry, row: contribution::ActiveModel| -> anyhow::Result<()> {
        ledger::post(db, &actor, entry, async |txn, e| {
            let mut row = row.clone();
            row.entry_id = Set(e.id);
            row.insert(txn).await?;
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message().zh()))?;
        Ok(())
    };
    for back in (1..=12u32).rev() {
        let month = this_month - Months::new(back);
        let period = month.format("%Y-%m").to_string();
        for p in &persons {
            let scheme = if p.scheme == "employee" { Scheme::Employee } else { Scheme::Resident };
            let second =
                if scheme == Scheme::Employee { FundingSource::Employer } else { FundingSource::FiscalSubsidy };
            for (source, fen) in [(FundingSource::Individual, 3_000), (second, 3_000)] {
                let to_reserve = ltci_shared::money::share_of(fen, 500);
                let entry = NewEntry {
                    reference: format!("DEMO-{period}-{}-{}", p.id.simple(), enum_to_db(&source)),
                    kind: "contribution",
                    description: format!("示范缴费 {period}"),
                    effective_on: month,
                    reverses_entry_id: None,
                    request: contribution_request(p.id, &period, scheme, source, fen, Some(month)),
                    lines: vec![
                        (fund(scheme), fen - to_reserve),
                        (reserve(), to_reserve),
                        (income(source, scheme), -fen),
                    ],
                };
                let row = contribution::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    region_id: Set(actor.region_id),
                    insured_person_id: Set(p.id),
                    period: Set(period.clone()),
                    scheme: Set(enum_to_db(&scheme)),
                    source: Set(enum_to_db(&source)),
                    amount_fen: Set(fen),
                    entry_id: Set(Uuid::nil()),
                    reversed: Set(false),
                };
                post(entry, row).await?;
            }
        }
    }
    Ok(())
}

/// Home care for the demo: four of the persons certified (levels 3, 4, 5 and 2; the fifth is left
/// for an assessment), served at home by the demo agency, assigned to `carer1`, each with a care
/// plan and the coming week of visits scheduled — what the caregiver's phone downloads. The level-4
/// person was cared for by the family (亲情护理) from the first of last month until today. Done
/// once: a region that already has care plans is left alone.
pub async fn seed_care(state: &crate::state::AppState) -> anyhow::Result<()> {
    use chrono::Days;
    use ltci_shared::api::assessment::CareMode;
    use ltci_shared::api::care::{CreateCarePlan, PlanItem, ScheduleRequest};
    use ltci_shared::api::institutions::CreateServiceRelation;
    use ltci_shared::api::workforce::CreateAssignment;

    use crate::entities::care_plan;

    let db = &state.db;
    let actor = crate::auth::Actor::for_command_line(db, "admin").await?;
    let plans = care_plan::Entity::find().filter(care_plan::Column::RegionId.eq(actor.region_id)).one(db).await?;
    if plans.is_some() {
        return Ok(());
    }
    let institution = demo_institution(db, actor.region_id).await?;
    let carer = caregiver::Entity::find()
        .filter(caregiver::Column::RegionId.eq(actor.region_id))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo caregiver is missing"))?;
    let mut persons =
        insured_person::Entity::find().filter(insured_person::Column::RegionId.eq(actor.region_id)).all(db).await?;
    persons.sort_by_key(|p| p.id);
    let item = |code: &str, per_week| PlanItem { code: code.into(), per_week };
    let plans = [
        (3, vec![item("SF-01", 7), item("SF-03", 2)]),
        (4, vec![item("SF-01", 7), item("SF-02", 7), item("SF-04", 3)]),
        (5, vec![item("SF-01", 7), item("SF-02", 14), item("SF-04", 7)]),
        (2, vec![item("SF-01", 3)]),
    ];
    let today = actor.today;
    let first_of_last_month = (today.with_day(1).unwrap_or(today) - Days::new(1)).with_day(1).unwrap_or(today);
    let region = region::Entity::find_by_id(actor.region_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo region is missing"))?;
    let fail = |e: crate::http::error::ApiError| anyhow::anyhow!("demo care: {}: {:?}", e.message().zh(), e.details());
    for (p, (level, items)) in persons.iter().zip(plans) {
        let existing = crate::assessment::certificates::Existing {
            region: region.clone(),
            person_id: p.id,
            institution_id: Some(institution.id),
            care_mode: CareMode::HomeVisit,
            level,
            effective_on: first_of_last_month - Days::new(30),
            expires_on: today + Days::new(700),
            recorded_by: actor.user_id,
            reason: "示范数据：居家失能老人".into(),
            supersedes: false,
        };
        crate::assessment::certificates::record_existing(db, existing).await.map_err(fail)?;
        if level == 4 {
            // Cared for by the family, with the agency's supervision, from the first of last month
            // until the agency's home visits begin today: last month's bill has those days.
            let family = CreateServiceRelation {
                insured_person_id: p.id,
                institution_id: institution.id,
                care_mode: CareMode::FamilyCare,
                start_on: first_of_last_month,
            };
            crate::institutions::relations::create(state, &actor, family).await.map_err(fail)?;
            let plan = CreateCarePlan {
                institution_id: Some(institution.id),
                insured_person_id: p.id,
                care_mode: CareMode::FamilyCare,
                start_on: first_of_last_month,
                end_on: today - Days::new(1),
                items: vec![],
            };
            crate::care::plans::create(state, &actor, plan).await.map_err(fail)?;
        }

        // Home visits began two days ago for those not cared for by the family: the past days'
        // visits are what the agency's exception queue shows (`seed_visit_history`).
        let start = if level == 4 { today } else { today - Days::new(2) };
        let relation = CreateServiceRelation {
            insured_person_id: p.id,
            institution_id: institution.id,
            care_mode: CareMode::HomeVisit,
            start_on: start,
        };
        crate::institutions::relations::create(state, &actor, relation).await.map_err(fail)?;
        let assignment = CreateAssignment { caregiver_id: carer.id, insured_person_id: p.id, start_on: start };
        crate::workforce::assignments::create(state, &actor, assignment).await.map_err(fail)?;
        let plan = CreateCarePlan {
            institution_id: Some(institution.id),
            insured_person_id: p.id,
            care_mode: CareMode::HomeVisit,
            start_on: start,
            end_on: today + Days::new(89),
            items,
        };
        let plan = crate::care::plans::create(state, &actor, plan).await.map_err(fail)?;
        let week = ScheduleRequest { plan_id: plan.id, caregiver_id: carer.id, from: start, to: today + Days::new(6) };
        crate::care::schedule::schedule(state, &actor, week).await.map_err(fail)?;
    }
    seed_visit_history(state, &persons).await
}

/// What `carer1`'s phone recorded on the past two days, as the phone sends it: the level-5 person
/// served the day before yesterday with the check-in 900 m from home (waiting for review) and
/// served yesterday on an unscheduled visit instead of the scheduled one (to link); the level-3
/// person not visited the day before yesterday (a missed check-in) and checked in yesterday but
/// never out (a missed check-out). Each is an item of the exception queue whatever the hour.
async fn seed_visit_history(state: &crate::state::AppState, persons: &[insured_person::Model]) -> anyhow::Result<()> {
    use chrono::{Days, TimeZone};
    use ltci_shared::api::care::{Position, UnscheduledReason, UnscheduledVisit, VisitEvent, VisitEventBody};

    let admin = crate::auth::Actor::for_command_line(&state.db, "admin").await?;
    let account = user::Entity::find()
        .filter(user::Column::Username.eq("carer1"))
        .one(&state.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo user carer1 is missing"))?;
    // The caregiver, as their phone's requests would carry them.
    let carer = crate::auth::Actor {
        user_id: account.id,
        username: account.username,
        role: Role::Caregiver,
        institution_id: account.institution_id,
        ..admin
    };
    let fail =
        |e: crate::http::error::ApiError| anyhow::anyhow!("demo visits: {}: {:?}", e.message().zh(), e.details());
    let zone = state.time_zones.zone(&state.db, carer.region_id).await.map_err(fail)?;
    let (Some(level3), Some(level5)) = (persons.first(), persons.get(2)) else { return Ok(()) };
    let day = |back: u64| carer.today - Days::new(back);
    let at = |back: u64, hour: u32, minute: u32| {
        let local = day(back).and_hms_opt(hour, minute, 0).unwrap_or_default();
        zone.from_local_datetime(&local).earliest().map(|t| t.to_utc()).unwrap_or_default()
    };
    let home = |p: &insured_person::Model, dlat: f64| {
        Position::gps(p.latitude.unwrap_or_default() + dlat, p.longitude.unwrap_or_default(), 10.0)
    };
    let event = |visit_id, body| VisitEvent { id: Uuid::now_v7(), visit_id, unscheduled: None, body };
    let mut events = Vec::new();
    // The level-5 person, the day before yesterday: every item done, the check-in 900 m away.
    let far = visit_on(state, &carer, level5.id, day(2)).await?;
    events.push(event(far.id, VisitEventBody::CheckIn { at: at(2, 9, 0), position: home(level5, 0.0081) }));
    for (n, item) in far.planned_items.iter().enumerate() {
        for _ in 0..item.times {
            let body =
                VisitEventBody::Task { at: at(2, 9, 10 + n as u32), item: item.code.clone(), done: true, reason: None };
            events.push(event(far.id, body));
        }
    }
    events.push(event(far.id, VisitEventBody::Note { at: at(2, 10, 30), text: "老人午睡前完成洗漱和助餐".into() }));
    events.push(event(far.id, VisitEventBody::CheckOut { at: at(2, 11, 0), position: home(level5, 0.0) }));
    // The level-5 person, yesterday: an unscheduled visit in the afternoon instead.
    let instead = Uuid::now_v7();
    let unscheduled =
        UnscheduledVisit { insured_person_id: level5.id, on: day(1), reason: UnscheduledReason::Rescheduled };
    let mut afternoon = vec![
        event(instead, VisitEventBody::CheckIn { at: at(1, 15, 0), position: home(level5, 0.0) }),
        event(instead, VisitEventBody::Task { at: at(1, 15, 20), item: "SF-01".into(), done: true, reason: None }),
        event(instead, VisitEventBody::CheckOut { at: at(1, 15, 40), position: home(level5, 0.0) }),
    ];
    for e in &mut afternoon {
        e.unscheduled = Some(unscheduled.clone());
    }
    events.extend(afternoon);
    // The level-3 person, yesterday: checked in at nine, never out.
    let open = visit_on(state, &carer, level3.id, day(1)).await?;
    events.push(event(open.id, VisitEventBody::CheckIn { at: at(1, 9, 0), position: home(level3, 0.0) }));
    crate::care::events::apply_as_caregiver(state, &carer, "demo-phone", events).await.map_err(fail)?;
    Ok(())
}

/// The person's scheduled visit on `day`, as the caregiver sees it.
async fn visit_on(
    state: &crate::state::AppState,
    carer: &crate::auth::Actor,
    person: Uuid,
    day: NaiveDate,
) -> anyhow::Result<ltci_shared::api::care::Visit> {
    use ltci_shared::api::care::VisitFilter;
    let filter = VisitFilter { insured_person_id: Some(person), from: Some(day), to: Some(day), ..Default::default() };
    let one = crate::http::pagination::PageRequest { limit: 1, offset: 0 };
    crate::care::visits::list(state, carer, filter, one)
        .await
        .map_err(|e| anyhow::anyhow!("demo visits: {}", e.message().zh()))?
        .items
        .pop()
        .ok_or_else(|| anyhow::anyhow!("demo visits: no visit on {day}"))
}

/// Last month's bill of the demo agency, computed and submitted by `inst1`: what an officer audits,
/// approves and pays. Done once: nothing when the bill exists.
pub async fn seed_settlement(state: &crate::state::AppState) -> anyhow::Result<()> {
    use chrono::Days;
    use ltci_shared::api::settlement::ComputeBill;

    use crate::entities::bill;

    let db = &state.db;
    let admin = crate::auth::Actor::for_command_line(db, "admin").await?;
    let institution = demo_institution(db, admin.region_id).await?;
    let staff = staff_of(db, &admin, "inst1", institution.id).await?;
    let today = staff.today;
    let last_month = today.with_day(1).unwrap_or(today) - Days::new(1);
    let month = last_month.format("%Y-%m").to_string();
    let existing = bill::Entity::find()
        .filter(bill::Column::InstitutionId.eq(institution.id))
        .filter(bill::Column::Month.eq(&month))
        .one(db)
        .await?;
    if existing.is_some() {
        return Ok(());
    }
    let fail =
        |e: crate::http::error::ApiError| anyhow::anyhow!("demo settlement: {}: {:?}", e.message().zh(), e.details());
    let (_, draft) = crate::settlement::compute::compute(state, &staff, ComputeBill { institution_id: None, month })
        .await
        .map_err(fail)?;
    crate::settlement::bills::submit(state, &staff, draft.id).await.map_err(fail)?;
    Ok(())
}

/// A hospital admission medical insurance reported for someone the register does not have yet
/// (insured in another city): what waits in the officer's unmatched queue. The same reference
/// every time, so seeding again records it once.
pub async fn seed_partner_events(state: &crate::state::AppState) -> anyhow::Result<()> {
    use chrono::Days;
    use ltci_shared::api::partners::{PartnerEvent, PartnerEventKind, PartnerSource};

    let admin = crate::auth::Actor::for_command_line(&state.db, "admin").await?;
    let admission = PartnerEvent {
        source: PartnerSource::MedicalInsurance,
        external_ref: "YB-DEMO-0001".into(),
        kind: PartnerEventKind::HospitalAdmission,
        id_number: "370281194803070143".into(),
        on: admin.today - Days::new(10),
        episode_ref: Some("ZY-DEMO-0001".into()),
        hospital: Some("胶州市中心医院".into()),
    };
    crate::care::partners::import_batch(state, &admin, vec![admission])
        .await
        .map_err(|e| anyhow::anyhow!("demo partner events: {}: {:?}", e.message().zh(), e.details()))?;
    Ok(())
}

/// A demo institution's staff member `username`, as their requests would carry them.
async fn staff_of(
    db: &DatabaseConnection,
    admin: &crate::auth::Actor,
    username: &str,
    institution_id: Uuid,
) -> anyhow::Result<crate::auth::Actor> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo user {username} is missing"))?;
    Ok(crate::auth::Actor {
        user_id: u.id,
        username: u.username,
        role: Role::Institution,
        institution_id: Some(institution_id),
        ..admin.clone()
    })
}

/// The demo agency.
async fn demo_institution(db: &DatabaseConnection, region_id: Uuid) -> anyhow::Result<institution::Model> {
    demo_institution_named(db, region_id, DEMO_AGENCY).await
}

/// One of the demo's institutions, by name.
async fn demo_institution_named(
    db: &DatabaseConnection,
    region_id: Uuid,
    name: &str,
) -> anyhow::Result<institution::Model> {
    institution::Entity::find()
        .filter(institution::Column::RegionId.eq(region_id))
        .filter(institution::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo institution {name} is missing"))
}

/// An assessment for the demo's assessors: the fifth person (not certified) applies for home care
/// through the demo agency, and the officer assigns `assessor1` (lead, a physician) and `assessor2`
/// (a nurse) — the case the assessor's phone shows. Done once: nothing when the person already has
/// a case.
pub async fn seed_assessment(state: &crate::state::AppState) -> anyhow::Result<()> {
    use ltci_shared::api::assessment::{ApplyRequest, AssignRequest, CareMode, CaseState};

    use crate::entities::assessment_case;

    let db = &state.db;
    let actor = crate::auth::Actor::for_command_line(db, "admin").await?;
    let mut persons =
        insured_person::Entity::find().filter(insured_person::Column::RegionId.eq(actor.region_id)).all(db).await?;
    persons.sort_by_key(|p| p.id);
    let Some(person) = persons.get(4) else {
        return Err(anyhow::anyhow!("the demo persons are missing"));
    };
    let cases =
        assessment_case::Entity::find().filter(assessment_case::Column::InsuredPersonId.eq(person.id)).one(db).await?;
    if cases.is_some() {
        return Ok(());
    }
    let institution = demo_institution(db, actor.region_id).await?;
    let assessor = |name: &'static str| async move {
        user::Entity::find()
            .filter(user::Column::Username.eq(name))
            .one(db)
            .await?
            .map(|u| u.id)
            .ok_or_else(|| anyhow::anyhow!("the demo user {name} is missing"))
    };
    let (lead, second) = (assessor("assessor1").await?, assessor("assessor2").await?);
    let fail =
        |e: crate::http::error::ApiError| anyhow::anyhow!("demo assessment: {}: {:?}", e.message().zh(), e.details());
    let application = ApplyRequest {
        insured_person_id: person.id,
        care_mode: CareMode::HomeVisit,
        reason: "示范数据：中风后行动不便，申请居家护理".into(),
        institution_id: Some(institution.id),
        change_of_condition: false,
    };
    let case = crate::assessment::cases::apply(state, &actor, application).await.map_err(fail)?;
    if case.state != CaseState::AwaitingAssignment {
        return Err(anyhow::anyhow!("demo assessment refused: {:?}", case.refusal));
    }
    let assignment = AssignRequest { assessor_ids: vec![lead, second], lead_assessor_id: lead };
    crate::assessment::workflow::assign(state, &actor, case.id, assignment.clone()).await.map_err(fail)?;

    // A second application taken to publicity, its seven days already over (as if filed a week
    // ago): the officer issues its certificate (公示期满，发放失能等级证书).
    let mut other = None;
    for p in persons.iter().filter(|p| p.id != person.id) {
        let has_case =
            assessment_case::Entity::find().filter(assessment_case::Column::InsuredPersonId.eq(p.id)).one(db).await?;
        let has_certificate = crate::entities::certificate::Entity::find()
            .filter(crate::entities::certificate::Column::InsuredPersonId.eq(p.id))
            .one(db)
            .await?;
        if has_case.is_none() && has_certificate.is_none() {
            other = Some(p.clone());
            break;
        }
    }
    let Some(other) = other else {
        return Err(anyhow::anyhow!("no demo person is left for a second application"));
    };
    let application = ApplyRequest {
        insured_person_id: other.id,
        care_mode: CareMode::HomeVisit,
        reason: "示范数据：脑梗后卧床，进食、如厕需他人帮助".into(),
        institution_id: None,
        change_of_condition: false,
    };
    let case = crate::assessment::cases::apply(state, &actor, application).await.map_err(fail)?;
    crate::assessment::workflow::assign(state, &actor, case.id, assignment).await.map_err(fail)?;
    // The assessors, as their requests would carry them.
    let as_assessor = |user_id: Uuid, username: &str| crate::auth::Actor {
        user_id,
        username: username.into(),
        role: Role::Assessor,
        institution_id: None,
        ..actor.clone()
    };
    let instrument = ltci_shared::assessment::current();
    let mut answers = ltci_shared::assessment::Answers::new();
    for d in &instrument.dimensions {
        for item in &d.items {
            let points = item.options.iter().map(|o| o.points);
            let chosen = if d.code == "adl" { points.min() } else { points.max() }.unwrap_or(0);
            answers.insert(item.code.clone(), serde_json::Value::from(chosen));
        }
    }
    let visited_at = Utc::now() - chrono::Duration::minutes(30);
    let form =
        ltci_shared::api::assessment::SubmitAssessmentRequest { answers, visited_at, latitude: None, longitude: None };
    crate::assessment::workflow::submit(state, &as_assessor(lead, "assessor1"), case.id, form).await.map_err(fail)?;
    crate::assessment::workflow::confirm(state, &as_assessor(second, "assessor2"), case.id).await.map_err(fail)?;
    assessment_case::Entity::update_many()
        .col_expr(
            assessment_case::Column::PublicityEndsAt,
            sea_orm::sea_query::Expr::value(Utc::now() - chrono::Duration::hours(1)),
        )
        .filter(assessment_case::Column::Id.eq(case.id))
        .exec(db)
        .await?;
    Ok(())
}
