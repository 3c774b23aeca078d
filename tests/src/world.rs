//! The standard test world and builders for test data.
//!
//! Two regions; region A has two institutions, two counties and one user of every role (two
//! officers, two of the institution roles, one per institution); region B has its own officer, institution and
//! county. The two caregiver accounts belong to caregiver records of their institutions. Each
//! user is signed in.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use ltci_server::entities::{agreement, caregiver, county, institution, region, user};
use ltci_shared::api::institutions::ServiceMode;
use ltci_shared::api::registry::{Address, CreateInsuredPersonRequest, EmergencyContact, Scheme};
use ltci_shared::api::users::Role;
use ltci_shared::api::workforce::{CaregiverQualification, CreateCaregiverRequest};
use ltci_shared::client::ApiClient;
use ltci_shared::id_number::check_character;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::TestApp;

/// Password of every seeded test user.
pub const TEST_PASSWORD: &str = "correct-horse-battery";

/// Who is who in the world: (name, role, region, institution).
const PEOPLE: [(&str, Role, char, Option<&str>); 9] = [
    ("admin_a", Role::Admin, 'a', None),
    // A second officer of region A: settlement's steps are taken by different officers.
    ("admin_a2", Role::Admin, 'a', None),
    ("assessor_a", Role::Assessor, 'a', None),
    ("auditor_a", Role::Auditor, 'a', None),
    ("inst_a1", Role::Institution, 'a', Some("a1")),
    ("inst_a2", Role::Institution, 'a', Some("a2")),
    ("carer_a1", Role::Caregiver, 'a', Some("a1")),
    ("carer_a2", Role::Caregiver, 'a', Some("a2")),
    ("admin_b", Role::Admin, 'b', None),
];

/// Seeded regions, institutions and signed-in users.
#[derive(Debug)]
pub struct World {
    pub region_a: Uuid,
    pub region_b: Uuid,
    pub institutions: HashMap<&'static str, Uuid>,
    pub users: HashMap<&'static str, Uuid>,
    /// `a1`, `a2` (region A), `b1` (region B).
    pub counties: HashMap<&'static str, Uuid>,
    /// The caregiver records behind `carer_a1` and `carer_a2`.
    pub caregivers: HashMap<&'static str, Uuid>,
    clients: HashMap<&'static str, ApiClient>,
}

impl World {
    pub(crate) async fn build(app: &TestApp) -> World {
        let region_a = seed_region(app, "370200", "测试市甲").await;
        let region_b = seed_region(app, "370300", "测试市乙").await;
        let mut institutions = HashMap::new();
        for (key, region) in [("a1", region_a), ("a2", region_a), ("b1", region_b)] {
            institutions.insert(key, seed_institution(app, region, &format!("机构 {key}")).await);
        }
        let mut users = HashMap::new();
        let mut clients = HashMap::new();
        for (name, role, r, inst) in PEOPLE {
            let region = if r == 'a' { region_a } else { region_b };
            let id = seed_user(app, name, role, region, inst.map(|k| institutions[k])).await;
            users.insert(name, id);
            let (client, _) = app.client.signed_in(name, TEST_PASSWORD).await.expect("seeded user signs in");
            clients.insert(name, client);
        }
        let mut counties = HashMap::new();
        for (key, region, code) in [("a1", region_a, "370211"), ("a2", region_a, "370212"), ("b1", region_b, "370311")]
        {
            counties.insert(key, seed_county(app, region, code, &format!("测试县 {key}")).await);
        }
        let mut world =
            World { region_a, region_b, institutions, users, counties, caregivers: HashMap::new(), clients };
        for (n, (carer, staff)) in [("carer_a1", "inst_a1"), ("carer_a2", "inst_a2")].into_iter().enumerate() {
            let seq = 900 + u16::try_from(n).unwrap_or(0) * 2;
            let req = caregiver_request(&format!("护理员 {carer}"), seq, world.counties["a1"]);
            let record = world.as_user(staff).register_caregiver(&req).await.expect("register caregiver");
            let mut link: caregiver::ActiveModel =
                caregiver::Entity::find_by_id(record.id).one(&app.db).await.expect("load").expect("exists").into();
            link.user_id = Set(Some(world.users[carer]));
            link.update(&app.db).await.expect("link caregiver account");
            world.caregivers.insert(carer, record.id);
        }
        world
    }

    pub fn county(&self, key: &str) -> Uuid {
        self.counties[key]
    }

    /// The caregiver record of `carer_a1` or `carer_a2`.
    pub fn caregiver(&self, carer: &str) -> Uuid {
        self.caregivers[carer]
    }

    /// The signed-in client of a seeded user (`admin_a`, `inst_a1`, …).
    pub fn as_user(&self, name: &str) -> &ApiClient {
        self.clients.get(name).unwrap_or_else(|| panic!("no seeded user {name}"))
    }

    pub fn user(&self, name: &str) -> Uuid {
        self.users[name]
    }

    pub fn institution(&self, key: &str) -> Uuid {
        self.institutions[key]
    }
}

async fn password_hash() -> &'static str {
    static HASH: OnceCell<String> = OnceCell::const_new();
    HASH.get_or_init(|| async {
        let hasher = ltci_server::auth::password::PasswordHasher::new().expect("hasher");
        hasher.hash(TEST_PASSWORD).await.expect("hash")
    })
    .await
}

pub async fn seed_region(app: &TestApp, code: &str, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    region::ActiveModel {
        id: Set(id),
        code: Set(code.into()),
        name: Set(name.into()),
        time_zone: Set("Asia/Shanghai".into()),
        created_at: Set(Utc::now()),
    }
    .insert(&app.db)
    .await
    .expect("seed region");
    id
}

/// An active institution approved for every service mode, with an agreement in force.
pub async fn seed_institution(app: &TestApp, region_id: Uuid, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let all = serde_json::to_string(&[
        ServiceMode::HospitalWard,
        ServiceMode::Institutional,
        ServiceMode::HomeVisit,
        ServiceMode::FamilyCareSupervision,
    ])
    .expect("json");
    institution::ActiveModel {
        id: Set(id),
        region_id: Set(region_id),
        name: Set(name.into()),
        created_at: Set(now),
        approved_modes: Set(Some(all.clone())),
        bed_quota: Set(Some(50)),
        status: Set("active".into()),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("seed institution");
    let today = now.date_naive();
    agreement::ActiveModel {
        id: Set(Uuid::now_v7()),
        institution_id: Set(id),
        number: Set(format!("T-{}", id.simple())),
        start_on: Set(today - chrono::Duration::days(365)),
        end_on: Set(today + chrono::Duration::days(365)),
        modes: Set(all),
        bed_quota: Set(50),
        signed_at: Set(now),
    }
    .insert(&app.db)
    .await
    .expect("seed agreement");
    id
}

pub async fn seed_county(app: &TestApp, region_id: Uuid, code: &str, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    county::ActiveModel {
        id: Set(id),
        region_id: Set(region_id),
        code: Set(code.into()),
        name: Set(name.into()),
        created_at: Set(Utc::now()),
    }
    .insert(&app.db)
    .await
    .expect("seed county");
    id
}

/// A valid registration of a certified caregiver (level 4) born in 1975, ID sequence `seq`.
pub fn caregiver_request(name: &str, seq: u16, county_id: Uuid) -> CreateCaregiverRequest {
    CreateCaregiverRequest {
        institution_id: None,
        name: name.into(),
        id_number: id_number(NaiveDate::from_ymd_opt(1975, 6, 1).expect("date"), seq),
        phone: "13600136000".into(),
        county_id,
        qualification: CaregiverQualification::CaregiverCertified,
        certificate_level: Some(4),
        certificate_number: Some(format!("YLHL-{seq:05}")),
    }
}

pub async fn seed_user(
    app: &TestApp,
    username: &str,
    role: Role,
    region_id: Uuid,
    institution_id: Option<Uuid>,
) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    user::ActiveModel {
        id: Set(id),
        username: Set(username.into()),
        display_name: Set(format!("测试 {username}")),
        password_hash: Set(password_hash().await.to_string()),
        role: Set(role.as_str().into()),
        region_id: Set(region_id),
        institution_id: Set(institution_id),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.db)
    .await
    .expect("seed user");
    id
}

/// A valid ID number for a person born on `birth` with sequence `seq` (odd: male, even: female).
pub fn id_number(birth: NaiveDate, seq: u16) -> String {
    let first17 = format!("370202{}{:03}", birth.format("%Y%m%d"), seq % 1000);
    let mut digits = [0u8; 17];
    digits.copy_from_slice(first17.as_bytes());
    format!("{first17}{}", check_character(&digits))
}

/// A complete, valid registration for `name` with ID sequence `seq`.
pub fn person(name: &str, seq: u16) -> CreateInsuredPersonRequest {
    let birth = NaiveDate::from_ymd_opt(1940, 3, 15).expect("date");
    CreateInsuredPersonRequest {
        name: name.into(),
        id_number: id_number(birth, seq),
        scheme: Scheme::Resident,
        enrolled_on: NaiveDate::from_ymd_opt(2023, 7, 1).expect("date"),
        address: Address {
            text: "山东省测试市甲 幸福村 8号".into(), latitude: Some(36.07), longitude: Some(120.38)
        },
        phone: Some("13800138000".into()),
        emergency_contact: Some(EmergencyContact {
            name: "家属".into(),
            phone: "13900139000".into(),
            relation: Some("女儿".into()),
        }),
    }
}

/// A valid level certificate for `person_id` from today, as if the assessment workflow had run
/// (with the closed case it belongs to).
pub async fn seed_certificate(app: &TestApp, region_id: Uuid, person_id: Uuid, level: u8) -> Uuid {
    let region = region::Entity::find_by_id(region_id).one(&app.db).await.expect("region").expect("seeded region");
    let today = Utc::now().date_naive();
    let existing = ltci_server::assessment::certificates::Existing {
        region,
        person_id,
        institution_id: None,
        care_mode: ltci_shared::api::assessment::CareMode::HomeVisit,
        level,
        effective_on: today - chrono::Duration::days(30),
        expires_on: today + chrono::Duration::days(700),
        recorded_by: Uuid::nil(),
        reason: "test".into(),
        supersedes: false,
    };
    ltci_server::assessment::certificates::record_existing(&app.db, existing).await.expect("seed certificate")
}

/// The demo city's policy rewritten for region A (370200), in force from 1 January of this year.
pub fn policy_for_region_a() -> String {
    use chrono::Datelike;
    ltci_server::demo::DEMO_POLICY
        .replace("region = \"990100\"", "region = \"370200\"")
        .replace("effective_from = \"2026-01-01\"", &format!("effective_from = \"{}-01-01\"", crate::today().year()))
}

/// Region A's officer imports [`policy_for_region_a`].
pub async fn import_policy_a(world: &World) {
    world
        .as_user("admin_a")
        .import_policy(policy_for_region_a(), "application/toml")
        .await
        .expect("import the demo policy for region A");
}

/// Records, as `admin_a`, that the person chose institution `inst` (`a1`, `a2`) for `mode` on
/// `chosen_on`: what lets the institution's staff open the relation.
pub async fn choose(
    world: &World,
    person: Uuid,
    inst: &str,
    mode: ltci_shared::api::assessment::CareMode,
    chosen_on: NaiveDate,
) {
    use ltci_shared::api::institutions::ProviderChoiceRequest;
    let req =
        ProviderChoiceRequest { institution_id: world.institution(inst), care_mode: mode, chosen_on: Some(chosen_on) };
    world.as_user("admin_a").record_provider_choice(person, &req).await.expect("record the choice");
}

/// A beneficiary of institution a1 at home: registered (at the test address), certified at
/// `level`, served in home-visit mode by a1 from a week ago and assigned to `carer_a1`.
pub async fn home_care_beneficiary(app: &TestApp, world: &World, name: &str, seq: u16, level: u8) -> Uuid {
    home_care_beneficiary_of(app, world, "a1", name, seq, level).await
}

/// A beneficiary of institution `inst` (`a1`, `a2`) at home, as [`home_care_beneficiary`], assigned
/// to the institution's caregiver (`carer_<inst>`).
pub async fn home_care_beneficiary_of(
    app: &TestApp,
    world: &World,
    inst: &str,
    name: &str,
    seq: u16,
    level: u8,
) -> Uuid {
    use ltci_shared::api::assessment::CareMode;
    use ltci_shared::api::institutions::CreateServiceRelation;
    use ltci_shared::api::workforce::CreateAssignment;
    let p = world.as_user("admin_a").create_insured_person(&person(name, seq)).await.expect("register beneficiary");
    seed_certificate(app, world.region_a, p.id, level).await;
    let week_ago = crate::today() - chrono::Duration::days(7);
    choose(world, p.id, inst, CareMode::HomeVisit, week_ago).await;
    let staff = world.as_user(&format!("inst_{inst}"));
    staff
        .start_service_relation(&CreateServiceRelation {
            insured_person_id: p.id,
            institution_id: world.institution(inst),
            care_mode: CareMode::HomeVisit,
            start_on: week_ago,
        })
        .await
        .expect("home-visit relation");
    staff
        .assign_caregiver(&CreateAssignment {
            caregiver_id: world.caregiver(&format!("carer_{inst}")),
            insured_person_id: p.id,
            start_on: week_ago,
        })
        .await
        .expect("assign the institution's caregiver");
    p.id
}

/// Scores on the default evaluation sheet adding up to `total` (filled category by category).
pub fn evaluation_scores(total: u32) -> Vec<ltci_shared::api::evaluation::CategoryScore> {
    let maxima = [
        ("management", 150),
        ("service_quality", 300),
        ("staffing", 150),
        ("fund_use", 200),
        ("records", 100),
        ("satisfaction", 100),
    ];
    let mut left = total;
    maxima
        .iter()
        .map(|(code, max)| {
            let points = left.min(*max);
            left -= points;
            ltci_shared::api::evaluation::CategoryScore { category: (*code).into(), points, note: None }
        })
        .collect()
}
