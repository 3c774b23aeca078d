//! Caregivers: registration with qualifications, app accounts, training and the county report,
//! assignments that follow service relations, departure, and scoping between institutions.

use chrono::Duration;
use ltci_e2e::world::{World, caregiver_request, person, seed_certificate};
use ltci_e2e::{TestApp, field_code, on_both_databases, today};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::{CreateServiceRelation, EndServiceRelation};
use ltci_shared::api::users::{CreateUserRequest, Role};
use ltci_shared::api::workforce::{
    AssignmentFilter, CaregiverAccountRequest, CaregiverDeparture, CaregiverFilter, CaregiverQualification,
    CaregiverStatus, CreateAssignment, EndAssignment, TrainingReportQuery, TrainingRequest, UpdateCaregiverRequest,
};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use uuid::Uuid;

on_both_databases!(
    caregivers_are_registered_with_qualifications_and_accounts,
    training_records_and_the_county_report,
    assignments_follow_service_relations_and_scope_caregivers,
    institutions_cannot_reach_each_others_caregivers,
);

fn hours(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn training(course: &str, h: &str, days_ago: i64) -> TrainingRequest {
    TrainingRequest {
        course: course.into(),
        hours: hours(h),
        completed_on: today() - Duration::days(days_ago),
        provider: Some("市护理职业培训中心".into()),
        certificate_number: None,
    }
}

async fn caregivers_are_registered_with_qualifications_and_accounts(app: TestApp) {
    let world = app.world().await;
    let staff = world.as_user("inst_a1");

    let mut bad = caregiver_request("王护理", 11, world.county("b1"));
    bad.qualification = CaregiverQualification::Nurse;
    bad.certificate_number = None;
    bad.id_number.replace_range(17.., if bad.id_number.ends_with('0') { "1" } else { "0" });
    bad.phone = "12".into();
    let err = staff.register_caregiver(&bad).await.expect_err("invalid");
    assert_eq!(field_code(&err, "id_number"), "invalid_check_character");
    assert_eq!(field_code(&err, "certificate_level"), "not_allowed");
    assert_eq!(field_code(&err, "certificate_number"), "required");
    assert_eq!(field_code(&err, "phone"), "invalid_phone");
    let mut level = caregiver_request("王护理", 11, world.county("a1"));
    level.certificate_level = Some(7);
    assert_eq!(
        field_code(&staff.register_caregiver(&level).await.expect_err("level"), "certificate_level"),
        "out_of_range"
    );
    let mut young = caregiver_request("小王", 13, world.county("a1"));
    young.id_number = ltci_e2e::world::id_number(today() - Duration::days(365 * 15), 13);
    assert_eq!(field_code(&staff.register_caregiver(&young).await.expect_err("young"), "id_number"), "too_young");
    let foreign = staff
        .register_caregiver(&caregiver_request("王护理", 11, world.county("b1")))
        .await
        .expect_err("county of region B");
    assert_eq!(field_code(&foreign, "county_id"), "unknown_county");

    // An officer must name the institution; every problem is reported at once.
    let mut unnamed = caregiver_request("王护理", 11, world.county("b1"));
    unnamed.phone = "x".into();
    let err = world.as_user("admin_a").register_caregiver(&unnamed).await.expect_err("no institution");
    assert_eq!(field_code(&err, "institution_id"), "required");
    assert_eq!(field_code(&err, "phone"), "invalid_phone");
    assert_eq!(field_code(&err, "county_id"), "unknown_county");

    let req = caregiver_request("王护理", 11, world.county("a1"));
    let carer = staff.register_caregiver(&req).await.expect("register");
    assert_eq!(carer.institution_id, world.institution("a1"));
    assert!(carer.id_number.contains('*') && carer.id_number != req.id_number, "the ID number is shown masked");
    assert_eq!((carer.status, carer.training_hours, carer.user_id), (CaregiverStatus::Active, Decimal::ZERO, None));
    // One active registration per person: not again here, nor at another institution.
    let err = world.as_user("inst_a2").register_caregiver(&req).await.expect_err("duplicate");
    assert_eq!((err.status(), field_code(&err, "id_number").as_str()), (Some(StatusCode::CONFLICT), "conflict"));

    // Accounts come from the caregiver's record, not from the user administration.
    let direct = CreateUserRequest {
        username: "wang_direct".into(),
        display_name: "王护理".into(),
        password: "a-long-password".into(),
        role: Role::Caregiver,
        institution_id: None,
    };
    assert_eq!(field_code(&staff.create_user(&direct).await.expect_err("direct"), "role"), "use_caregiver_registry");
    let account = CaregiverAccountRequest { username: "Wang.HL".into(), password: "a-long-password".into() };
    let created = staff
        .request(reqwest::Method::POST, &format!("/api/v1/caregivers/{}/account", carer.id))
        .json(&account)
        .send()
        .await
        .expect("send");
    assert_eq!(created.status(), StatusCode::CREATED, "an account is created");
    let with_account: ltci_shared::api::workforce::CaregiverAccount = created.json().await.expect("json");
    assert_eq!(with_account.caregiver.user_id, Some(with_account.account.id));
    assert_eq!((with_account.account.username.as_str(), with_account.account.role), ("wang.hl", Role::Caregiver));
    let again = CaregiverAccountRequest { username: "wang2".into(), ..account.clone() };
    assert_eq!(
        staff.create_caregiver_account(carer.id, &again).await.expect_err("twice").status(),
        Some(StatusCode::CONFLICT)
    );
    let (phone, _) = app.client.signed_in("wang.hl", "a-long-password").await.expect("caregiver signs in");
    let me = phone.me().await.expect("me");
    assert_eq!((me.role, me.institution_id), (Role::Caregiver, Some(world.institution("a1"))));
    let own = phone.list_caregivers(&CaregiverFilter::default(), Default::default()).await.expect("own record");
    assert_eq!(own.items.iter().map(|c| c.id).collect::<Vec<_>>(), [carer.id]);
    assert_eq!(
        phone.register_caregiver(&caregiver_request("x", 15, world.county("a1"))).await.expect_err("role").code(),
        Some("forbidden")
    );

    // Updates need the current version; a new qualification replaces the certificate fields.
    let stale = UpdateCaregiverRequest {
        version: with_account.caregiver.version,
        phone: Some("13911112222".into()),
        ..Default::default()
    };
    let updated = staff.update_caregiver(carer.id, &stale).await.expect("update");
    assert_eq!((updated.phone.as_str(), updated.version), ("13911112222", with_account.caregiver.version + 1));
    assert_eq!(staff.update_caregiver(carer.id, &stale).await.expect_err("stale").status(), Some(StatusCode::CONFLICT));
    let to_family = UpdateCaregiverRequest {
        version: updated.version,
        qualification: Some(CaregiverQualification::FamilyCaregiver),
        ..Default::default()
    };
    let family = staff.update_caregiver(carer.id, &to_family).await.expect("requalify");
    assert_eq!((family.certificate_level, family.certificate_number), (None, None));

    // Leaving disables the account at once.
    let gone = staff
        .caregiver_departure(carer.id, &CaregiverDeparture { left_on: today(), reason: "外出务工".into() })
        .await
        .expect("depart");
    assert_eq!((gone.status, gone.left_on), (CaregiverStatus::Left, Some(today())));
    assert_eq!(phone.me().await.expect_err("disabled").status(), Some(StatusCode::UNAUTHORIZED));
    assert!(app.client.signed_in("wang.hl", "a-long-password").await.is_err());
    // Once gone, the same person can be registered again (by another institution).
    assert!(world.as_user("inst_a2").register_caregiver(&req).await.is_ok());
}

async fn training_records_and_the_county_report(app: TestApp) {
    let world = app.world().await;
    let staff = world.as_user("inst_a1");
    let a1 = world.caregiver("carer_a1");
    staff.add_training(a1, &training("失能老人照护基础", "7.5", 10)).await.expect("course 1");
    staff.add_training(a1, &training("压疮预防与护理", "12", 5)).await.expect("course 2");
    // Too precise, zero, in the future: each named on its field.
    let err = staff.add_training(a1, &training("x", "1.25", 1)).await.expect_err("precision");
    assert_eq!(field_code(&err, "hours"), "too_precise");
    assert_eq!(
        field_code(&staff.add_training(a1, &training("x", "0", 1)).await.expect_err("zero"), "hours"),
        "out_of_range"
    );
    assert_eq!(
        field_code(&staff.add_training(a1, &training("x", "2", -30)).await.expect_err("future"), "completed_on"),
        "in_future"
    );
    // A retried submission adds nothing.
    let retry = staff.add_training(a1, &training("压疮预防与护理", "12", 5)).await.expect_err("retry");
    assert_eq!(retry.status(), Some(StatusCode::CONFLICT));
    assert_eq!(staff.caregiver(a1).await.expect("caregiver").training_hours, hours("19.5"));
    // Outside the report's period.
    staff.add_training(a1, &training("岗前培训", "40", 400)).await.expect("old course");

    // A caregiver in the second county, trained by institution a2.
    let mut other = caregiver_request("李护理", 31, world.county("a2"));
    other.qualification = CaregiverQualification::FamilyCaregiver;
    other.certificate_level = None;
    let li = world.as_user("inst_a2").register_caregiver(&other).await.expect("register");
    world.as_user("inst_a2").add_training(li.id, &training("亲情护理技能", "3", 20)).await.expect("course");
    let listed = world.as_user("auditor_a").list_trainings(a1, ltci_e2e::all()).await.expect("trainings").items;
    assert_eq!(
        listed.iter().map(|t| t.course.as_str()).collect::<Vec<_>>(),
        ["压疮预防与护理", "失能老人照护基础", "岗前培训"]
    );

    let q = TrainingReportQuery { from: today() - Duration::days(90), to: today(), county_id: None };
    let report = world.as_user("auditor_a").training_report(&q).await.expect("report");
    let county = |id: Uuid| report.counties.iter().find(|c| c.county_id == id).expect("county line");
    // County a1 has carer_a1 (19.5 h) and carer_a2 (untrained).
    let c1 = county(world.county("a1"));
    assert_eq!((c1.caregivers, c1.trained_caregivers, c1.courses, c1.hours), (2, 1, 2, hours("19.5")));
    assert_eq!(c1.hours_per_caregiver, hours("9.8"));
    let c2 = county(world.county("a2"));
    assert_eq!((c2.caregivers, c2.trained_caregivers, c2.hours), (1, 1, hours("3")));
    assert!(report.counties.iter().all(|c| c.county_id != world.county("b1")), "region B's counties are not reported");
    let line = report.caregivers.iter().find(|l| l.caregiver_id == a1).expect("caregiver line");
    assert_eq!((line.courses, line.hours), (2, hours("19.5")));
    assert!(line.id_number.contains('*'));
    let only_a2 = TrainingReportQuery { county_id: Some(world.county("a2")), ..q.clone() };
    let narrowed = world.as_user("admin_a").training_report(&only_a2).await.expect("report");
    assert_eq!(narrowed.caregivers.iter().map(|l| l.caregiver_id).collect::<Vec<_>>(), [li.id]);
    assert_eq!(staff.training_report(&q).await.expect_err("agency only").code(), Some("forbidden"));
    let backwards = TrainingReportQuery { from: today(), to: today() - Duration::days(1), county_id: None };
    assert_eq!(
        field_code(&world.as_user("admin_a").training_report(&backwards).await.expect_err("period"), "to"),
        "before_start"
    );
}

/// A certified person served by institution a1 at home from ten days ago.
async fn served_person(app: &TestApp, world: &World, seq: u16) -> (Uuid, Uuid) {
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("赵奶奶", seq)).await.expect("person");
    seed_certificate(app, world.region_a, p.id, 3).await;
    let rel = CreateServiceRelation {
        insured_person_id: p.id,
        institution_id: world.institution("a1"),
        care_mode: CareMode::HomeVisit,
        start_on: today() - Duration::days(10),
    };
    let r = admin.start_service_relation(&rel).await.expect("relation");
    (p.id, r.id)
}

async fn assignments_follow_service_relations_and_scope_caregivers(app: TestApp) {
    let world = app.world().await;
    let staff = world.as_user("inst_a1");
    let (person_id, relation_id) = served_person(&app, &world, 701).await;
    let carer = world.as_user("carer_a1");
    assert_eq!(carer.get_insured_person(person_id).await.expect_err("not yet").code(), Some("not_found"));

    let assign = |caregiver_id, start_days_ago: i64| CreateAssignment {
        caregiver_id,
        insured_person_id: person_id,
        start_on: today() - Duration::days(start_days_ago),
    };
    let a = staff.assign_caregiver(&assign(world.caregiver("carer_a1"), 5)).await.expect("assign");
    assert_eq!(a.institution_id, world.institution("a1"));
    // The assigned caregiver now sees the person (masked); the other institution's does not.
    let seen = carer.get_insured_person(person_id).await.expect("assigned");
    assert!(seen.id_number_masked);
    assert_eq!(
        world.as_user("carer_a2").get_insured_person(person_id).await.expect_err("other").code(),
        Some("not_found")
    );
    assert_eq!(carer.list_assignments(&AssignmentFilter::default(), Default::default()).await.expect("own").total, 1);

    assert_eq!(
        staff.assign_caregiver(&assign(world.caregiver("carer_a1"), 2)).await.expect_err("twice").status(),
        Some(StatusCode::CONFLICT)
    );
    let err = staff
        .assign_caregiver(&assign(world.caregiver("carer_a2"), 5))
        .await
        .expect_err("other institution's caregiver");
    assert_eq!(field_code(&err, "caregiver_id"), "unknown_caregiver");
    let err = world
        .as_user("admin_a")
        .assign_caregiver(&assign(world.caregiver("carer_a2"), 5))
        .await
        .expect_err("not served");
    assert_eq!(field_code(&err, "insured_person_id"), "not_served");
    let err = staff.assign_caregiver(&assign(world.caregiver("carer_a1"), 30)).await.expect_err("before the relation");
    assert_eq!(field_code(&err, "insured_person_id"), "not_served");
    let mut family = caregiver_request("钱家属", 41, world.county("a1"));
    family.qualification = CaregiverQualification::FamilyCaregiver;
    family.certificate_level = None;
    let family = staff.register_caregiver(&family).await.expect("family caregiver");
    let err = staff.assign_caregiver(&assign(family.id, 5)).await.expect_err("home visit needs a professional");
    assert_eq!(field_code(&err, "caregiver_id"), "qualification_mismatch");

    // A second caregiver, ended on their own; then the relation ends and takes the rest with it.
    let mut nurse = caregiver_request("孙护士", 43, world.county("a1"));
    nurse.qualification = CaregiverQualification::Nurse;
    nurse.certificate_level = None;
    let nurse = staff.register_caregiver(&nurse).await.expect("nurse");
    let b = staff.assign_caregiver(&assign(nurse.id, 3)).await.expect("assign nurse");
    let err = staff
        .end_assignment(b.id, &EndAssignment { end_on: today() - Duration::days(4), reason: "x".into() })
        .await
        .expect_err("before start");
    assert_eq!(field_code(&err, "end_on"), "before_start");
    staff
        .end_assignment(b.id, &EndAssignment { end_on: today() - Duration::days(2), reason: "排班调整".into() })
        .await
        .expect("end");
    let yesterday = today() - Duration::days(1);
    staff
        .end_service_relation(relation_id, &EndServiceRelation { end_on: yesterday, reason: "入住养老院".into() })
        .await
        .expect("end relation");
    let all = staff
        .list_assignments(
            &AssignmentFilter { insured_person_id: Some(person_id), ..Default::default() },
            Default::default(),
        )
        .await
        .expect("list");
    let ends: Vec<_> = all.items.iter().map(|x| (x.id, x.end_on)).collect();
    assert!(ends.contains(&(a.id, Some(yesterday))), "{ends:?}");
    assert!(ends.contains(&(b.id, Some(today() - Duration::days(2)))), "an earlier end is kept: {ends:?}");
    assert_eq!(carer.get_insured_person(person_id).await.expect_err("no longer assigned").code(), Some("not_found"));
    let open = AssignmentFilter { open: Some(true), ..Default::default() };
    assert_eq!(staff.list_assignments(&open, Default::default()).await.expect("open").total, 0);
}

async fn institutions_cannot_reach_each_others_caregivers(app: TestApp) {
    let world = app.world().await;
    let a1 = world.as_user("inst_a1");
    let theirs = world.caregiver("carer_a2");
    let not_found = |e: ltci_shared::client::ClientError| assert_eq!(e.code(), Some("not_found"), "{e}");
    not_found(a1.caregiver(theirs).await.expect_err("read"));
    not_found(
        a1.update_caregiver(
            theirs,
            &UpdateCaregiverRequest { version: 1, phone: Some("13900000000".into()), ..Default::default() },
        )
        .await
        .expect_err("update"),
    );
    not_found(a1.add_training(theirs, &training("越权培训", "2", 1)).await.expect_err("training"));
    not_found(a1.list_trainings(theirs, ltci_e2e::all()).await.expect_err("trainings"));
    not_found(
        a1.caregiver_departure(theirs, &CaregiverDeparture { left_on: today(), reason: "x".into() })
            .await
            .expect_err("depart"),
    );
    not_found(
        a1.create_caregiver_account(
            theirs,
            &CaregiverAccountRequest { username: "hijack".into(), password: "a-long-password".into() },
        )
        .await
        .expect_err("account"),
    );
    let mut into_a2 = caregiver_request("越权登记", 51, world.county("a1"));
    into_a2.institution_id = Some(world.institution("a2"));
    assert_eq!(a1.register_caregiver(&into_a2).await.expect_err("other institution").code(), Some("forbidden"));
    let listed = a1.list_caregivers(&CaregiverFilter::default(), Default::default()).await.expect("list");
    assert_eq!(listed.items.iter().map(|c| c.id).collect::<Vec<_>>(), [world.caregiver("carer_a1")]);
    // Nothing changed for institution a2's caregiver.
    let still = world.as_user("inst_a2").caregiver(theirs).await.expect("own");
    assert_eq!((still.version, still.status, still.training_hours), (1, CaregiverStatus::Active, Decimal::ZERO));
    // Region B sees none of region A's; a caregiver only their own record.
    assert_eq!(
        world
            .as_user("admin_b")
            .list_caregivers(&CaregiverFilter::default(), Default::default())
            .await
            .expect("list")
            .total,
        0
    );
    not_found(world.as_user("carer_a1").caregiver(theirs).await.expect_err("other caregiver"));
    assert_eq!(
        world
            .as_user("admin_a")
            .list_caregivers(&CaregiverFilter::default(), Default::default())
            .await
            .expect("all")
            .total,
        2
    );
}
