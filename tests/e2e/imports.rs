//! Bringing a city's registers in (存量数据导入): each register from its CSV file; a file with any
//! bad line refused whole, every line and column named; references across files checked; the
//! same file again writing nothing twice; the audit trail naming the file and the former
//! reference; only agency officers importing, and only into their own region.

use chrono::{Days, NaiveDate};
use ltci_e2e::world::id_number;
use ltci_e2e::{TestApp, field_codes, on_both_databases, today};
use ltci_shared::api::imports::{ImportKind, ImportSummary, path_of};
use ltci_shared::api::institutions::{ChoiceSource, InstitutionFilter, InstitutionStatus};
use ltci_shared::api::registry::InsuredPersonFilter;
use ltci_shared::api::workforce::AssignmentFilter;
use ltci_shared::client::{ApiClient, ClientError};
use ltci_shared::uscc::check_character;
use reqwest::{Method, StatusCode};
use serde_json::Value;

on_both_databases!(
    a_city_is_brought_in_register_by_register,
    a_file_with_any_bad_line_is_refused_whole,
    references_across_files_name_the_line_and_the_missing_key,
    only_officers_import_and_only_into_their_own_region,
    two_imports_of_one_file_at_once_write_it_once,
    the_sample_register_comes_into_the_demo_city,
);

const PERSONS: &str = "reference,id_number,name,scheme,enrolled_on,address,latitude,longitude,phone,emergency_name,emergency_phone,emergency_relation";
const CERTIFICATES: &str = "reference,id_number,level,instrument,effective_on,expires_on,care_mode";
const INSTITUTIONS: &str = "reference,uscc,name,kind,hospital_tier,modes,licensed_beds,bed_quota,address,latitude,longitude,contact_name,contact_phone,designated_on,agreement_number,agreement_start,agreement_end";
const CAREGIVERS: &str =
    "reference,id_number,name,phone,institution_uscc,county_code,qualification,certificate_level,certificate_number";
const RELATIONS: &str = "reference,id_number,institution_uscc,care_mode,start_on";
const ASSIGNMENTS: &str = "reference,caregiver_id_number,id_number,start_on";

fn born(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// A day `n` days before today (negative: after).
fn ago(n: i64) -> NaiveDate {
    if n >= 0 { today() - Days::new(n.unsigned_abs()) } else { today() + Days::new(n.unsigned_abs()) }
}

fn uscc(n: u32) -> String {
    let first17 = format!("52370200MK{n:07}");
    format!("{first17}{}", check_character(first17.as_bytes()).expect("charset"))
}

/// The beneficiaries and carers of the test city, by their ID numbers.
struct People {
    wang: String,
    zhao: String,
    sun: String,
    qian: String,
    carer: String,
    family_carer: String,
}

fn people() -> People {
    People {
        wang: id_number(born(1940, 5, 12), 101),
        zhao: id_number(born(1938, 3, 2), 103),
        sun: id_number(born(1945, 11, 20), 106),
        qian: id_number(born(1950, 7, 7), 108),
        carer: id_number(born(1980, 1, 15), 201),
        family_carer: id_number(born(1972, 9, 9), 204),
    }
}

fn persons_csv(p: &People) -> String {
    format!(
        "{PERSONS}\n\
         P-1,{},王桂芝,resident,2020-01-01,测试市甲滨海路 1号,36.07,120.38,13800138001,王强,13900139001,儿子\n\
         P-2,{},赵守田,employee,2019-07-01,测试市甲中山路 8号 2单元,,,,,,\n\
         P-3,{},孙秀英,resident,2021-03-15,测试市甲东村 33号,36.10,120.41,13800138003,孙明,13900139003,\n\
         P-4,{},钱德福,employee,2018-01-01,测试市甲南路 5号,,,13800138004,,,\n",
        p.wang, p.zhao, p.sun, p.qian
    )
}

fn certificates_csv(p: &People) -> String {
    format!(
        "{CERTIFICATES}\n\
         ZS-OLD-0001,{},4,CN-NHSA-2021,{},{},home_visit\n\
         ZS-OLD-0002,{},3,CN-NHSA-2021,{},{},institutional\n\
         ZS-OLD-0003,{},4,CN-NHSA-2021,{},{},family_care\n",
        p.wang,
        ago(300),
        ago(-400),
        p.zhao,
        ago(200),
        ago(-500),
        p.sun,
        ago(100),
        ago(-600),
    )
}

fn institutions_csv() -> String {
    let (designated, start, end) = (ago(400), ago(400), ago(-700));
    format!(
        "{INSTITUTIONS}\n\
         JG-1,{},颐养院,nursing_home,,institutional,120,100,测试市甲山路 2号,36.05,120.35,周院长,13600136001,{designated},XY-001,{start},{end}\n\
         JG-2,{},第二人民医院,hospital,2,hospital_ward;home_visit,40,30,测试市甲医院路 9号,,,吴主任,13600136002,{designated},XY-002,{start},{end}\n\
         JG-3,{},康乐居家护理服务中心,home_care_agency,,home_visit;family_care_supervision,,,测试市甲康乐街 3号,,,郑经理,13600136003,{designated},XY-003,{start},{end}\n",
        uscc(1),
        uscc(2),
        uscc(3)
    )
}

fn caregivers_csv(p: &People) -> String {
    format!(
        "{CAREGIVERS}\n\
         HL-1,{},李护理,13700137001,{},370211,caregiver_certified,4,HLY-0001\n\
         HL-2,{},孙大勇,13700137002,{},370212,family_caregiver,,\n",
        p.carer,
        uscc(3),
        p.family_carer,
        uscc(3)
    )
}

fn relations_csv(p: &People) -> String {
    format!(
        "{RELATIONS}\n\
         GX-1,{},{},home_visit,{}\n\
         GX-2,{},{},institutional,{}\n\
         GX-3,{},{},family_care,{}\n",
        p.wang,
        uscc(3),
        ago(30),
        p.zhao,
        uscc(1),
        ago(60),
        p.sun,
        uscc(3),
        ago(30)
    )
}

fn assignments_csv(p: &People) -> String {
    format!(
        "{ASSIGNMENTS}\n\
         FP-1,{},{},{}\n\
         FP-2,{},{},{}\n",
        p.carer,
        p.wang,
        ago(30),
        p.family_carer,
        p.sun,
        ago(30)
    )
}

/// Every register of the test city, in the order they depend on each other.
fn city(p: &People) -> Vec<(ImportKind, String)> {
    vec![
        (ImportKind::Persons, persons_csv(p)),
        (ImportKind::Certificates, certificates_csv(p)),
        (ImportKind::Institutions, institutions_csv()),
        (ImportKind::Caregivers, caregivers_csv(p)),
        (ImportKind::Relations, relations_csv(p)),
        (ImportKind::Assignments, assignments_csv(p)),
    ]
}

/// Posts a file and answers the status and the body.
async fn post(client: &ApiClient, kind: ImportKind, csv: &str) -> (StatusCode, Value) {
    let resp = client
        .request(Method::POST, &format!("/api/v1{}", path_of(kind)))
        .header(reqwest::header::CONTENT_TYPE, "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .expect("send");
    let status = resp.status();
    (status, resp.json().await.expect("json"))
}

/// The problems of a refused file as `field=code`, sorted.
fn problems(err: &ClientError) -> Vec<String> {
    let mut out: Vec<String> = field_codes(err).into_iter().map(|(f, c)| format!("{f}={c}")).collect();
    out.sort();
    out
}

async fn a_city_is_brought_in_register_by_register(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = people();
    let files = city(&p);
    for (kind, csv) in &files {
        let (status, body) = post(admin, *kind, csv).await;
        assert_eq!(status, StatusCode::CREATED, "{kind:?}: {body}");
        let summary: ImportSummary = serde_json::from_value(body).expect("summary");
        let lines = u32::try_from(csv.lines().count() - 1).expect("lines");
        assert_eq!((summary.kind, summary.lines, summary.created, summary.unchanged), (*kind, lines, lines, 0));
    }

    // What officers now find: the persons by their numbers, the certificates with their former
    // numbers, the institutions designated with their agreements, who serves whom.
    let find = |id: String| InsuredPersonFilter { id_number: Some(id), ..Default::default() };
    let wang = admin.list_insured_persons(&find(p.wang.clone()), ltci_e2e::all()).await.expect("persons").items;
    assert_eq!(wang.len(), 1);
    let wang = &wang[0];
    assert_eq!((wang.name.as_str(), wang.phone.as_deref()), ("王桂芝", Some("13800138001")));
    assert_eq!(wang.emergency_contact.as_ref().map(|c| c.name.as_str()), Some("王强"));
    let certificates = admin
        .list_certificates(
            &ltci_shared::api::assessment::CertificateFilter { insured_person_id: Some(wang.id), ..Default::default() },
            ltci_e2e::all(),
        )
        .await
        .expect("certificates")
        .items;
    assert_eq!(certificates.len(), 1);
    let c = &certificates[0];
    assert_eq!(
        (c.level, c.status.as_str(), c.former_number.as_deref(), c.effective_on, c.expires_on),
        (4, "active", Some("ZS-OLD-0001"), ago(300), ago(-400))
    );
    assert!(c.number.starts_with("370200-ZS-"), "{}", c.number);
    let institutions =
        admin.list_institutions(&InstitutionFilter::default(), ltci_e2e::all()).await.expect("list").items;
    let home = institutions.iter().find(|i| i.name == "康乐居家护理服务中心").expect("imported institution");
    assert_eq!(home.status, InstitutionStatus::Active);
    let home = admin.institution(home.id).await.expect("institution");
    assert_eq!(home.agreements.len(), 1);
    let agreement = &home.agreements[0];
    assert_eq!((agreement.number.as_str(), agreement.start_on, agreement.end_on), ("XY-003", ago(400), ago(-700)));
    let choices = admin.provider_choices(wang.id, ltci_e2e::all()).await.expect("choices").items;
    assert_eq!(choices.len(), 1);
    assert_eq!((choices[0].institution_id, choices[0].source), (home.id, ChoiceSource::Import));
    let assignments = admin
        .list_assignments(&AssignmentFilter { insured_person_id: Some(wang.id), ..Default::default() }, ltci_e2e::all())
        .await
        .expect("assignments")
        .items;
    assert_eq!(assignments.len(), 1);
    assert_eq!(assignments[0].start_on, ago(30));

    // The audit trail marks each record as imported: the file and the former reference.
    let resp = admin
        .request(Method::GET, &format!("/api/v1/audit-events?entity_type=insured_person&entity_id={}", wang.id))
        .send()
        .await
        .expect("send");
    let trail: Value = resp.json().await.expect("json");
    let record = &trail["items"][0];
    assert_eq!(record["action"], "insured_person.import");
    assert_eq!(record["reference"], "P-1");
    let sha = ltci_server::digest::sha256_hex(files[0].1.as_bytes());
    assert_eq!(record["source"], format!("import:persons:{}", &sha[..16]));

    // The same files again: nothing written twice, every line counted unchanged (200, not 201).
    for (kind, csv) in &files {
        let (status, body) = post(admin, *kind, csv).await;
        assert_eq!(status, StatusCode::OK, "{kind:?}: {body}");
        let summary: ImportSummary = serde_json::from_value(body).expect("summary");
        assert_eq!((summary.created, summary.unchanged), (0, summary.lines), "{kind:?}");
    }
    let everyone = admin.list_insured_persons(&InsuredPersonFilter::default(), ltci_e2e::all()).await.expect("all");
    assert_eq!(everyone.total, 4);
    let relations = admin.list_service_relations(&Default::default(), ltci_e2e::all()).await.expect("relations");
    assert_eq!(relations.total, 3);

    // A line naming a record that is there with other details refuses the file, naming the line.
    let changed = persons_csv(&p).replace("王桂芝", "王桂枝");
    let err = admin.import_register(ImportKind::Persons, changed).await.expect_err("changed");
    assert_eq!(problems(&err), ["lines[2].id_number=registered_otherwise"]);
}

async fn a_file_with_any_bad_line_is_refused_whole(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = people();
    let good = |r: &str, id: &str| format!("{r},{id},某人,resident,2020-01-01,某路 1号,,,,,,");
    let mistyped = format!("{}{}", &p.wang[..17], if p.wang.ends_with('1') { '2' } else { '1' });
    let file = [
        PERSONS.to_string(),
        good("P-1", &p.wang),
        good("P-2", &mistyped),
        format!("P-3,{},某人,retired,2020-01-01,某路 1号,,,,,,", p.zhao),
        format!("P-4,{},某人,resident,2020-13-01,某路 1号,,,,,,", p.sun),
        good("P-1", &p.qian),
        format!("P-6,{},某\u{0}人,resident,2020-01-01,某路 1号,,,,,,", p.carer),
        format!("P-7,{},某人,resident", p.family_carer),
        format!("P-8,{},某人,resident,2020-01-01,某路 1号,36.1,,,,,", id_number(born(1941, 1, 1), 111)),
        good("P-9", &p.wang),
        format!("P-10,{},某人,resident,1930-01-01,某路 1号,,,,,,", id_number(born(1941, 2, 2), 113)),
    ]
    .join("\n");
    let err = admin.import_register(ImportKind::Persons, file).await.expect_err("refused");
    assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(
        problems(&err),
        [
            "lines[10].id_number=duplicate_id_number",
            "lines[11].enrolled_on=before_birth",
            "lines[3].id_number=invalid_check_character",
            "lines[4].scheme=unknown_value",
            "lines[5].enrolled_on=invalid_date",
            "lines[6].reference=duplicate_reference",
            "lines[7].name=invalid_characters",
            "lines[8].line=wrong_column_count",
            "lines[9].longitude=required",
        ]
    );
    // Nothing of the file was written, not even its good first line.
    assert_eq!(
        admin.list_insured_persons(&InsuredPersonFilter::default(), ltci_e2e::all()).await.expect("list").total,
        0
    );

    // The message says so, in Chinese unless English is asked for.
    let ClientError::Api { body, .. } = &err else { panic!("envelope") };
    assert!(body.error.message.contains("未写入任何数据"), "{}", body.error.message);

    let wrong_header = "id,name\n1,2\n".to_string();
    let err = admin.import_register(ImportKind::Certificates, wrong_header).await.expect_err("header");
    assert_eq!(problems(&err), ["lines[1].header=invalid_header"]);
    let err = admin.import_register(ImportKind::Institutions, String::new()).await.expect_err("empty");
    assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
}

async fn references_across_files_name_the_line_and_the_missing_key(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = people();
    // Certificates before their persons: each line names the number it cannot find.
    let err = admin.import_register(ImportKind::Certificates, certificates_csv(&p)).await.expect_err("no persons");
    assert_eq!(
        problems(&err),
        ["lines[2].id_number=unknown_person", "lines[3].id_number=unknown_person", "lines[4].id_number=unknown_person"]
    );
    admin.import_register(ImportKind::Persons, persons_csv(&p)).await.expect("persons");
    // An instrument this system does not know gives no meaning to a level.
    let legacy = certificates_csv(&p).replacen("CN-NHSA-2021", "BARTHEL-2010", 1);
    let err = admin.import_register(ImportKind::Certificates, legacy).await.expect_err("instrument");
    assert_eq!(problems(&err), ["lines[2].instrument=unknown_instrument"]);
    admin.import_register(ImportKind::Certificates, certificates_csv(&p)).await.expect("certificates");
    // A certificate for a person holding one already.
    let second =
        format!("{CERTIFICATES}\nZS-OLD-0009,{},5,CN-NHSA-2021,{},{},home_visit\n", p.wang, ago(10), ago(-300));
    let err = admin.import_register(ImportKind::Certificates, second).await.expect_err("certified");
    assert_eq!(problems(&err), ["lines[2].id_number=already_certified"]);

    // Caregivers and relations before their institutions; an unknown county.
    let err = admin.import_register(ImportKind::Caregivers, caregivers_csv(&p)).await.expect_err("no institutions");
    assert_eq!(
        problems(&err),
        ["lines[2].institution_uscc=unknown_institution", "lines[3].institution_uscc=unknown_institution"]
    );
    let err = admin.import_register(ImportKind::Relations, relations_csv(&p)).await.expect_err("no institutions");
    assert_eq!(
        problems(&err),
        [
            "lines[2].institution_uscc=unknown_institution",
            "lines[3].institution_uscc=unknown_institution",
            "lines[4].institution_uscc=unknown_institution"
        ]
    );
    admin.import_register(ImportKind::Institutions, institutions_csv()).await.expect("institutions");
    let elsewhere = caregivers_csv(&p).replace(",370212,", ",379999,");
    let err = admin.import_register(ImportKind::Caregivers, elsewhere).await.expect_err("county");
    assert_eq!(problems(&err), ["lines[3].county_code=unknown_county"]);

    // Relations: a mode the institution is not designated for; a person not certified.
    let ward = format!(
        "{RELATIONS}\nGX-9,{},{},hospital_ward,{}\nGX-10,{},{},home_visit,{}\n",
        p.zhao,
        uscc(1),
        ago(5),
        p.qian,
        uscc(3),
        ago(5)
    );
    let err = admin.import_register(ImportKind::Relations, ward).await.expect_err("mode");
    assert_eq!(problems(&err), ["lines[2].care_mode=mode_not_approved", "lines[3].id_number=not_certified"]);

    // Assignments before their caregivers and relations.
    let err = admin.import_register(ImportKind::Assignments, assignments_csv(&p)).await.expect_err("no caregivers");
    assert_eq!(
        problems(&err),
        ["lines[2].caregiver_id_number=unknown_caregiver", "lines[3].caregiver_id_number=unknown_caregiver"]
    );
    admin.import_register(ImportKind::Caregivers, caregivers_csv(&p)).await.expect("caregivers");
    let err = admin.import_register(ImportKind::Assignments, assignments_csv(&p)).await.expect_err("no relations");
    assert_eq!(problems(&err), ["lines[2].id_number=not_served", "lines[3].id_number=not_served"]);
    admin.import_register(ImportKind::Relations, relations_csv(&p)).await.expect("relations");
    // A family caregiver only cares in family care.
    let swapped = format!("{ASSIGNMENTS}\nFP-9,{},{},{}\n", p.family_carer, p.wang, ago(5));
    let err = admin.import_register(ImportKind::Assignments, swapped).await.expect_err("qualification");
    assert_eq!(problems(&err), ["lines[2].caregiver_id_number=qualification_mismatch"]);
    let done = admin.import_register(ImportKind::Assignments, assignments_csv(&p)).await.expect("assignments");
    assert_eq!(done.created, 2);
}

async fn only_officers_import_and_only_into_their_own_region(app: TestApp) {
    let world = app.world().await;
    let p = people();
    let files = city(&p);
    for user in ["inst_a1", "assessor_a", "auditor_a", "carer_a1"] {
        for (kind, csv) in &files {
            let (status, body) = post(world.as_user(user), *kind, csv).await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (StatusCode::FORBIDDEN, Some("forbidden")),
                "{user} {kind:?}"
            );
        }
    }
    let admin_a = world.as_user("admin_a");
    for (kind, csv) in &files[..4] {
        admin_a.import_register(*kind, csv.clone()).await.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
    // Region B's officer hears of region A's persons and institutions exactly as of none at all.
    let admin_b = world.as_user("admin_b");
    let mut absent = p.wang.clone();
    absent.replace_range(14..17, "999");
    let digits: [u8; 17] = absent.as_bytes()[..17].try_into().expect("17");
    absent.replace_range(17..18, &ltci_shared::id_number::check_character(&digits).to_string());
    let theirs = format!("{CERTIFICATES}\nB-1,{},4,CN-NHSA-2021,{},{},home_visit\n", p.wang, ago(5), ago(-5));
    let nobody = format!("{CERTIFICATES}\nB-1,{absent},4,CN-NHSA-2021,{},{},home_visit\n", ago(5), ago(-5));
    let (a, b) = (
        admin_b.import_register(ImportKind::Certificates, theirs).await.expect_err("other region"),
        admin_b.import_register(ImportKind::Certificates, nobody).await.expect_err("nobody"),
    );
    assert_eq!((problems(&a), a.status()), (problems(&b), b.status()));
    assert_eq!(problems(&a), ["lines[2].id_number=unknown_person"]);
    let theirs = format!("{CAREGIVERS}\nB-1,{},某人,13700137009,{},370311,family_caregiver,,\n", p.qian, uscc(3));
    let nobody = format!("{CAREGIVERS}\nB-1,{},某人,13700137009,{},370311,family_caregiver,,\n", p.qian, uscc(99));
    let (a, b) = (
        admin_b.import_register(ImportKind::Caregivers, theirs).await.expect_err("other region"),
        admin_b.import_register(ImportKind::Caregivers, nobody).await.expect_err("nobody"),
    );
    assert_eq!((problems(&a), a.status()), (problems(&b), b.status()));
    assert_eq!(problems(&a), ["lines[2].institution_uscc=unknown_institution"]);
    // Region B brings in its own persons, the same numbers as region A's: each region its own.
    let summary = admin_b.import_register(ImportKind::Persons, persons_csv(&p)).await.expect("region B");
    assert_eq!(summary.created, 4);
}

async fn two_imports_of_one_file_at_once_write_it_once(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = people();
    let files = city(&p);
    for (kind, csv) in &files[..3] {
        admin.import_register(*kind, csv.clone()).await.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
    // Relations have no key of their own in the database: the import's lock keeps them single.
    let csv = relations_csv(&p);
    let (a, b) = tokio::join!(
        admin.import_register(ImportKind::Relations, csv.clone()),
        admin.import_register(ImportKind::Relations, csv.clone())
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!((a.created + b.created, a.unchanged + b.unchanged), (3, 3));
    let relations = admin.list_service_relations(&Default::default(), ltci_e2e::all()).await.expect("relations");
    assert_eq!(relations.total, 3);
    let choices = admin.provider_choices(relations.items[0].insured_person_id, ltci_e2e::all()).await.expect("choices");
    assert_eq!(choices.total, 1);
}

/// `server/samples/`, as shipped: the six files come into the demo city as of the day they were
/// written (2026-12-01; the import checks dates against the region's today), every line created,
/// and a second time nothing.
async fn the_sample_register_comes_into_the_demo_city(app: TestApp) {
    assert!(ltci_server::demo::seed(&app.db, &app.state.pii).await.expect("the demo region"));
    let mut officer = ltci_server::auth::Actor::for_command_line(&app.db, "admin").await.expect("the demo officer");
    officer.today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../server/samples");
    for kind in [
        ImportKind::Persons,
        ImportKind::Certificates,
        ImportKind::Institutions,
        ImportKind::Caregivers,
        ImportKind::Relations,
        ImportKind::Assignments,
    ] {
        let bytes = std::fs::read(format!("{dir}/{}.csv", kind.as_str())).expect("a sample file");
        let lines = bytes.iter().filter(|b| **b == b'\n').count() - 1;
        let first = ltci_server::imports::import(&app.state, &officer, kind, &bytes, &mut |_, _, _| {})
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
        assert!(lines > 0, "{kind:?}");
        assert_eq!((first.lines as usize, first.created as usize, first.unchanged), (lines, lines, 0), "{kind:?}");
        let again = ltci_server::imports::import(&app.state, &officer, kind, &bytes, &mut |_, _, _| {})
            .await
            .expect("the same file again");
        assert_eq!((again.created, again.unchanged as usize), (0, lines), "{kind:?}");
    }
}
