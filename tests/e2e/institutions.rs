//! Care institutions: designation from application to agreement, rejection, suspension,
//! termination with the beneficiaries to transfer; service relations and their rules; scoping.

use chrono::{Datelike, Duration, Months};
use ltci_e2e::world::{TEST_PASSWORD, person, seed_certificate, seed_user};
use ltci_e2e::{TestApp, field_code, on_both_databases};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::evaluation::{CategoryScore, CreditClass, EvaluationRequest, Grade};
use ltci_shared::api::institutions::{
    AgreementRequest, ChecklistItem, CreateServiceRelation, DesignationDecision, DocumentReview, EndServiceRelation,
    InspectionReport, InstitutionApplication, InstitutionKind, InstitutionStatus, ServiceMode, StatusChange,
    TransferRequest,
};
use ltci_shared::api::registry::Address;
use ltci_shared::api::users::Role;
use ltci_shared::uscc::check_character;
use reqwest::StatusCode;

on_both_databases!(
    designation_from_application_to_agreement,
    rejection_and_illegal_steps,
    service_relations_follow_certificates_agreements_and_status,
);

fn uscc(n: u32) -> String {
    let first17 = format!("52370200MJ{n:07}");
    format!("{first17}{}", check_character(first17.as_bytes()).expect("charset"))
}

pub(crate) fn application(name: &str, n: u32, modes: Vec<ServiceMode>) -> InstitutionApplication {
    InstitutionApplication {
        name: name.into(),
        uscc: uscc(n),
        kind: InstitutionKind::HomeCareAgency,
        hospital_tier: None,
        requested_modes: modes,
        licensed_beds: 0,
        doctors: 1,
        nurses: 4,
        certified_caregivers: 20,
        address: Address { text: "测试市甲 和平路 1号".into(), latitude: Some(36.06), longitude: Some(120.38) },
        contact_name: "周主任".into(),
        contact_phone: "0532-80001234".into(),
        legal_representative: None,
    }
}

fn inspection(points: u32) -> InspectionReport {
    InspectionReport {
        checklist: vec![
            ChecklistItem { item: "服务场所与设施".into(), max_points: 40, points: points.min(40) },
            ChecklistItem { item: "人员资质与培训".into(), max_points: 60, points: points.saturating_sub(40) },
        ],
        notes: Some("现场核查合格".into()),
    }
}

fn change(reason: &str) -> StatusChange {
    StatusChange { reason: reason.into(), effective_on: None }
}

async fn designation_from_application_to_agreement(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");

    let mut bad = application("康宁居家护理", 1, vec![ServiceMode::HomeVisit]);
    bad.uscc = format!("{}0", &uscc(1)[..17]);
    if bad.uscc == uscc(1) {
        bad.uscc = format!("{}1", &uscc(1)[..17]);
    }
    bad.contact_phone = "none".into();
    let err = admin.apply_for_designation(&bad).await.expect_err("invalid");
    assert_eq!(field_code(&err, "uscc"), "invalid_check_character");
    assert_eq!(field_code(&err, "contact_phone"), "invalid_phone");
    let mut ward = application("非医院专护", 2, vec![ServiceMode::HospitalWard]);
    ward.licensed_beds = 20;
    assert_eq!(
        field_code(&admin.apply_for_designation(&ward).await.expect_err("ward"), "requested_modes"),
        "not_allowed"
    );

    let inst = admin
        .apply_for_designation(&application(
            "康宁居家护理",
            1,
            vec![ServiceMode::HomeVisit, ServiceMode::FamilyCareSupervision],
        ))
        .await
        .expect("apply");
    assert_eq!(inst.status, InstitutionStatus::Submitted);
    let dup =
        admin.apply_for_designation(&application("同码机构", 1, vec![ServiceMode::HomeVisit])).await.expect_err("dup");
    assert_eq!((dup.status(), field_code(&dup, "uscc").as_str()), (Some(StatusCode::CONFLICT), "conflict"));

    // Steps out of order are refused with the current status.
    let early =
        admin.sign_agreement(inst.id, &AgreementRequest { start_on: None, end_on: None }).await.expect_err("early");
    assert_eq!((early.code(), field_code(&early, "state").as_str()), (Some("invalid_state_transition"), "submitted"));

    let reviewed =
        admin.review_documents(inst.id, &DocumentReview { accepted: true, reason: None }).await.expect("review");
    assert_eq!(reviewed.status, InstitutionStatus::InspectionPending);
    let mut over = inspection(90);
    over.checklist[0].points = 41;
    assert_eq!(
        field_code(&admin.record_inspection(inst.id, &over).await.expect_err("over"), "checklist[0].points"),
        "out_of_range"
    );
    let inspected = admin.record_inspection(inst.id, &inspection(88)).await.expect("inspect");
    assert_eq!((inspected.status, inspected.inspection_score), (InstitutionStatus::Inspected, Some(88)));

    let not_requested = DesignationDecision {
        approved: true,
        reason: None,
        approved_modes: vec![ServiceMode::Institutional],
        bed_quota: 0,
    };
    assert_eq!(
        field_code(&admin.decide_designation(inst.id, &not_requested).await.expect_err("mode"), "approved_modes"),
        "not_requested"
    );
    let approve = DesignationDecision {
        approved: true,
        reason: None,
        approved_modes: vec![ServiceMode::HomeVisit],
        bed_quota: 0,
    };
    let approved = admin.decide_designation(inst.id, &approve).await.expect("approve");
    assert_eq!(
        (approved.status, approved.approved_modes.clone()),
        (InstitutionStatus::Approved, vec![ServiceMode::HomeVisit])
    );

    let active = admin.sign_agreement(inst.id, &AgreementRequest { start_on: None, end_on: None }).await.expect("sign");
    assert_eq!(active.status, InstitutionStatus::Active);
    let agreement = &active.agreements[0];
    assert!(agreement.number.starts_with("370200-XY-"), "{}", agreement.number);
    assert_eq!(agreement.modes, vec![ServiceMode::HomeVisit]);
    let three_years = agreement.start_on.checked_add_months(Months::new(36)).expect("date") - Duration::days(1);
    assert_eq!(agreement.end_on, three_years, "default term: three years");

    let renewed =
        admin.renew_agreement(inst.id, &AgreementRequest { start_on: None, end_on: None }).await.expect("renew");
    assert_eq!(renewed.agreements.len(), 2);
    assert_eq!(renewed.agreements[1].start_on, agreement.end_on + Duration::days(1));
    let kinds: Vec<&str> = renewed.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["applied", "documents_accepted", "inspected", "approved", "agreement_signed", "renewed"]);
    assert_eq!(renewed.events[2].details.as_ref().expect("checklist")["score"], 88);

    // Scoping: institution staff see their own institution only, and never run designation.
    let staff_id = seed_user(&app, "kangning_staff", Role::Institution, world.region_a, Some(inst.id)).await;
    let (staff, _) = app.client.signed_in("kangning_staff", TEST_PASSWORD).await.expect("login");
    assert!(staff_id != uuid::Uuid::nil());
    assert_eq!(staff.institution(inst.id).await.expect("own").name, "康宁居家护理");
    assert_eq!(staff.institution(world.institution("a1")).await.expect_err("other").code(), Some("not_found"));
    assert_eq!(staff.list_institutions(&Default::default(), Default::default()).await.expect("list").total, 1);
    assert_eq!(staff.suspend_institution(inst.id, &change("x")).await.expect_err("staff").code(), Some("forbidden"));
    assert_eq!(world.as_user("admin_b").institution(inst.id).await.expect_err("region").code(), Some("not_found"));

    // The designated institution is evaluated (评鉴) on the default sheet; the staff see the result.
    let year = ltci_e2e::today().year();
    let scores = [
        ("management", 140),
        ("service_quality", 280),
        ("staffing", 130),
        ("fund_use", 190),
        ("records", 90),
        ("satisfaction", 95),
    ]
    .into_iter()
    .map(|(category, points)| CategoryScore { category: category.into(), points, note: None })
    .collect();
    let evaluation = EvaluationRequest { year, scores, evaluated_on: None, notes: None };
    let e = admin.evaluate_institution(inst.id, &evaluation).await.expect("evaluate");
    assert_eq!((e.total, e.grade, e.credit_class, e.deposit_release_percent), (925, Grade::A, CreditClass::A, 100));
    assert_eq!(staff.list_evaluations(inst.id, ltci_e2e::all()).await.expect("own evaluations").items[0].id, e.id);
}

async fn rejection_and_illegal_steps(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let doc_reject =
        admin.apply_for_designation(&application("材料不全", 11, vec![ServiceMode::HomeVisit])).await.expect("apply");
    let err = admin
        .review_documents(doc_reject.id, &DocumentReview { accepted: false, reason: None })
        .await
        .expect_err("no reason");
    assert_eq!(field_code(&err, "reason"), "required");
    let rejected = admin
        .review_documents(doc_reject.id, &DocumentReview { accepted: false, reason: Some("缺少营业执照".into()) })
        .await
        .expect("reject");
    assert_eq!(rejected.status, InstitutionStatus::Rejected);
    assert_eq!(rejected.events.last().and_then(|e| e.reason.clone()).as_deref(), Some("缺少营业执照"));

    let inst =
        admin.apply_for_designation(&application("核查不合格", 12, vec![ServiceMode::HomeVisit])).await.expect("apply");
    admin.review_documents(inst.id, &DocumentReview { accepted: true, reason: None }).await.expect("review");
    admin.record_inspection(inst.id, &inspection(35)).await.expect("inspect");
    let no_reason = DesignationDecision { approved: false, reason: None, approved_modes: vec![], bed_quota: 0 };
    assert_eq!(
        field_code(&admin.decide_designation(inst.id, &no_reason).await.expect_err("reason"), "reason"),
        "required"
    );
    let reject = DesignationDecision { reason: Some("现场核查得分不足".into()), ..no_reason };
    assert_eq!(admin.decide_designation(inst.id, &reject).await.expect("reject").status, InstitutionStatus::Rejected);
    for attempt in [
        admin.sign_agreement(inst.id, &AgreementRequest { start_on: None, end_on: None }).await,
        admin.suspend_institution(inst.id, &change("x")).await,
        admin.record_inspection(inst.id, &inspection(90)).await,
    ] {
        assert_eq!(attempt.expect_err("final").code(), Some("invalid_state_transition"));
    }
}

async fn service_relations_follow_certificates_agreements_and_status(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    // A designated home-care agency.
    let inst = admin
        .apply_for_designation(&application("服务关系测试", 21, vec![ServiceMode::HomeVisit]))
        .await
        .expect("apply");
    admin.review_documents(inst.id, &DocumentReview { accepted: true, reason: None }).await.expect("review");
    admin.record_inspection(inst.id, &inspection(90)).await.expect("inspect");
    let approve = DesignationDecision {
        approved: true,
        reason: None,
        approved_modes: vec![ServiceMode::HomeVisit],
        bed_quota: 0,
    };
    admin.decide_designation(inst.id, &approve).await.expect("approve");
    let start_on = ltci_e2e::today();
    // Care before the designation decision is not billed: no agreement starts before it.
    let early = AgreementRequest { start_on: Some(start_on - Duration::days(5)), end_on: None };
    let err = admin.sign_agreement(inst.id, &early).await.expect_err("before the decision");
    assert_eq!(field_code(&err, "start_on"), "before_designation");
    admin.sign_agreement(inst.id, &AgreementRequest { start_on: Some(start_on), end_on: None }).await.expect("sign");
    seed_user(&app, "fuwu_staff", Role::Institution, world.region_a, Some(inst.id)).await;
    let (staff, _) = app.client.signed_in("fuwu_staff", TEST_PASSWORD).await.expect("login");

    let uncertified = admin.create_insured_person(&person("未认定", 601)).await.expect("person");
    let p = admin.create_insured_person(&person("张奶奶", 603)).await.expect("person");
    seed_certificate(&app, world.region_a, p.id, 3).await;

    let rel = |person_id, institution_id, care_mode| CreateServiceRelation {
        insured_person_id: person_id,
        institution_id,
        care_mode,
        start_on,
    };
    let err = admin
        .start_service_relation(&rel(uncertified.id, inst.id, CareMode::HomeVisit))
        .await
        .expect_err("uncertified");
    assert_eq!(field_code(&err, "insured_person_id"), "not_certified");
    let err = admin.start_service_relation(&rel(p.id, inst.id, CareMode::Institutional)).await.expect_err("mode");
    assert_eq!(field_code(&err, "care_mode"), "mode_not_approved");

    // Before any relation the institution's staff cannot see the person; after, they can. They
    // find the person by the full ID number (audited), and open the relation only once the
    // agency has recorded that the person chose them (选择定点机构): before, the same refusal as
    // for someone who does not exist, or lives in another region.
    assert_eq!(staff.list_insured_persons(&Default::default(), Default::default()).await.expect("list").total, 0);
    let found = staff.look_up_person(&person("张奶奶", 603).id_number).await.expect("lookup");
    assert_eq!((found.id, found.name.as_str(), found.certified), (p.id, "张奶奶", true));
    assert!(found.id_number.contains('*') && found.chosen_modes.is_empty(), "{found:?}");
    let other_region = world.as_user("admin_b").create_insured_person(&person("乙市老人", 607)).await.expect("b");
    let nobody = uuid::Uuid::now_v7();
    let mut refusals = Vec::new();
    for who in [p.id, other_region.id, nobody] {
        let err = staff.start_service_relation(&rel(who, inst.id, CareMode::HomeVisit)).await.expect_err("not chosen");
        let ltci_shared::client::ClientError::Api { status, body } = err else { panic!("envelope") };
        refusals
            .push((status, body.error.details.get("insured_person_id").map(|i| (i.code.clone(), i.message.clone()))));
    }
    assert_eq!(refusals[0].1.as_ref().map(|(c, _)| c.as_str()), Some("not_chosen"));
    assert!(refusals.iter().all(|r| *r == refusals[0]), "the refusal tells nothing about the person: {refusals:?}");
    assert_eq!(
        staff.look_up_person(&person("乙市老人", 607).id_number).await.expect_err("other region").code(),
        Some("not_found")
    );
    let chosen = ltci_shared::api::institutions::ProviderChoiceRequest {
        institution_id: inst.id,
        care_mode: CareMode::HomeVisit,
        chosen_on: None,
    };
    assert_eq!(staff.record_provider_choice(p.id, &chosen).await.expect_err("the agency's").code(), Some("forbidden"));
    let choice = admin.record_provider_choice(p.id, &chosen).await.expect("the person's choice");
    assert_eq!(admin.record_provider_choice(p.id, &chosen).await.expect("again").id, choice.id, "recorded once");
    assert_eq!(
        staff.look_up_person(&person("张奶奶", 603).id_number).await.expect("lookup").chosen_modes,
        [CareMode::HomeVisit]
    );
    let home = staff.start_service_relation(&rel(p.id, inst.id, CareMode::HomeVisit)).await.expect("start");
    let lookups = admin
        .request(reqwest::Method::GET, "/api/v1/audit-events")
        .query(&[("action", "insured_person.lookup")])
        .send()
        .await
        .expect("send");
    let lookups: serde_json::Value = lookups.json().await.expect("json");
    assert_eq!(lookups["total"], 2, "every lookup is audited: {lookups}");
    assert_eq!(staff.get_insured_person(p.id).await.expect("served").name, "张奶奶");
    assert_eq!(
        world.as_user("inst_a1").get_insured_person(p.id).await.expect_err("not served").code(),
        Some("not_found")
    );
    // Staff cannot start relations for another institution.
    let err = staff
        .start_service_relation(&rel(p.id, world.institution("a1"), CareMode::Institutional))
        .await
        .expect_err("other");
    assert_eq!(err.code(), Some("forbidden"));

    // One bed-based relation at a time; a transfer moves it in one step.
    let bed =
        admin.start_service_relation(&rel(p.id, world.institution("a1"), CareMode::Institutional)).await.expect("bed");
    let err = admin
        .start_service_relation(&rel(p.id, world.institution("a2"), CareMode::Institutional))
        .await
        .expect_err("second bed");
    assert_eq!(err.status(), Some(StatusCode::CONFLICT));
    let moved = admin
        .transfer_service_relation(
            bed.id,
            &TransferRequest {
                to_institution_id: world.institution("a2"),
                end_on: start_on,
                reason: "家属申请转院".into(),
                care_mode: None,
            },
        )
        .await
        .expect("transfer");
    assert_eq!((moved.institution_id, moved.start_on), (world.institution("a2"), start_on + Duration::days(1)));
    let old = admin.list_service_relations(&Default::default(), Default::default()).await.expect("list");
    let ended = old.items.iter().find(|r| r.id == bed.id).expect("old relation");
    assert_eq!(ended.end_on, Some(start_on));

    // Suspension stops new relations; resuming allows them again.
    admin.suspend_institution(inst.id, &change("服务记录造假，暂停整改")).await.expect("suspend");
    let other = admin.create_insured_person(&person("李爷爷", 605)).await.expect("person");
    seed_certificate(&app, world.region_a, other.id, 4).await;
    let err = admin.start_service_relation(&rel(other.id, inst.id, CareMode::HomeVisit)).await.expect_err("suspended");
    assert_eq!(field_code(&err, "institution_id"), "institution_not_active");
    admin.resume_institution(inst.id, &change("整改完成")).await.expect("resume");
    let second =
        admin.start_service_relation(&rel(other.id, inst.id, CareMode::HomeVisit)).await.expect("after resume");

    // Ending one, then terminating: the beneficiaries still served are listed for transfer.
    admin
        .end_service_relation(second.id, &EndServiceRelation { end_on: start_on, reason: "去世".into() })
        .await
        .expect("end");
    let outcome = admin.terminate_institution(inst.id, &change("协议期内严重违约")).await.expect("terminate");
    assert_eq!(outcome.institution.status, InstitutionStatus::Terminated);
    let ids: Vec<_> = outcome.beneficiaries_to_transfer.iter().map(|r| r.id).collect();
    assert_eq!(ids, [home.id], "only the open relation must be transferred");
    let err = admin.start_service_relation(&rel(other.id, inst.id, CareMode::HomeVisit)).await.expect_err("terminated");
    assert_eq!(field_code(&err, "institution_id"), "institution_not_active");
}
