//! The assessment workflow end to end: refused applications, assignment with recusal, a forged
//! level, objection and re-assessment, certificate, appeal to the expert panel, expiry list,
//! scoping and the audit trail.

use chrono::{Duration, Utc};
use ltci_e2e::world::{TEST_PASSWORD, World, person, seed_user};
use ltci_e2e::{TestApp, field_code, on_both_databases};
use ltci_shared::PageQuery;
use ltci_shared::api::assessment::{
    ApplyRequest, AssessmentCase, AssessmentSettings, AssessorProfileRequest, AssignRequest, CareMode, CaseState,
    CertificateFilter, Qualification, RoundKind, SubmitAssessmentRequest,
};
use ltci_shared::api::registry::{PersonStatus, UpdateInsuredPersonRequest};
use ltci_shared::api::users::Role;
use ltci_shared::assessment::{self, Answers};
use ltci_shared::client::{ApiClient, ClientError};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

on_both_databases!(
    the_whole_workflow_with_objection_and_appeal,
    ineligible_applications_are_refused_with_a_reason,
    illegal_steps_are_refused_with_a_stable_code,
);

/// Assessors of region A: (username, qualification, expert, employed by institution a1).
const ASSESSORS: [(&str, Qualification, bool, bool); 7] = [
    ("doc1", Qualification::Physician, false, false),
    ("nurse1", Qualification::Nurse, false, false),
    ("other1", Qualification::Other, false, true),
    ("doc2", Qualification::Physician, false, false),
    ("nurse2", Qualification::Nurse, false, false),
    ("expert1", Qualification::Physician, true, false),
    ("expert2", Qualification::Nurse, true, false),
];

struct Panel {
    ids: std::collections::HashMap<&'static str, Uuid>,
    clients: std::collections::HashMap<&'static str, ApiClient>,
}

impl Panel {
    fn id(&self, name: &str) -> Uuid {
        self.ids[name]
    }
    fn as_user(&self, name: &str) -> &ApiClient {
        &self.clients[name]
    }
}

async fn panel(app: &TestApp, world: &World) -> Panel {
    let mut ids = std::collections::HashMap::new();
    let mut clients = std::collections::HashMap::new();
    for (name, qualification, expert, employed) in ASSESSORS {
        let id = seed_user(app, name, Role::Assessor, world.region_a, None).await;
        let employer_institution_id = employed.then(|| world.institution("a1"));
        let req = AssessorProfileRequest { qualification, expert, employer_institution_id };
        world.as_user("admin_a").put_assessor_profile(id, &req).await.expect("profile");
        ids.insert(name, id);
        clients.insert(name, app.client.signed_in(name, TEST_PASSWORD).await.expect("login").0);
    }
    Panel { ids, clients }
}

/// Answers giving ADL `adl` (a multiple of 5 from the items in order) and full cognition/sensory.
fn answers(adl_zeroed: &[&str]) -> Answers {
    let mut a = Answers::new();
    for item in assessment::current().dimensions.iter().flat_map(|d| &d.items) {
        let max = item.options.iter().map(|o| o.points).max().unwrap_or(0);
        let v = if adl_zeroed.contains(&item.code.as_str()) { 0 } else { max };
        a.insert(item.code.clone(), json!(v));
    }
    a
}

fn submission(answers: Answers) -> SubmitAssessmentRequest {
    SubmitAssessmentRequest {
        answers,
        visited_at: Utc::now() - Duration::hours(1),
        latitude: Some(36.07),
        longitude: Some(120.38),
    }
}

fn apply_req(person_id: Uuid) -> ApplyRequest {
    ApplyRequest {
        insured_person_id: person_id,
        care_mode: CareMode::HomeVisit,
        reason: "卧床两年，生活不能自理".into(),
        institution_id: None,
        change_of_condition: false,
    }
}

async fn the_whole_workflow_with_objection_and_appeal(app: TestApp) {
    let world = app.world().await;
    let p = panel(&app, &world).await;
    let admin = world.as_user("admin_a");
    let person = admin.create_insured_person(&person("刘秀兰", 301)).await.expect("person");

    // An institution applies on the person's behalf.
    let applied = world.as_user("inst_a1").apply_for_assessment(&apply_req(person.id)).await.expect("apply");
    assert_eq!(applied.state, CaseState::AwaitingAssignment);
    assert_eq!(applied.applied_by_institution_id, Some(world.institution("a1")));
    let id = applied.id;

    // Recusal: other1 works for the applying institution. Two assessors without a physician or
    // nurse, or too few, are refused too.
    let with_conflict =
        AssignRequest { assessor_ids: vec![p.id("doc1"), p.id("other1")], lead_assessor_id: p.id("doc1") };
    let err = admin.assign_assessors(id, &with_conflict).await.expect_err("recusal");
    assert_eq!(field_code(&err, "assessor_ids[1]"), "recusal_required");
    let alone = AssignRequest { assessor_ids: vec![p.id("doc1")], lead_assessor_id: p.id("doc1") };
    assert_eq!(
        field_code(&admin.assign_assessors(id, &alone).await.expect_err("few"), "assessor_ids"),
        "too_few_assessors"
    );
    let not_assessor =
        AssignRequest { assessor_ids: vec![p.id("doc1"), world.user("carer_a1")], lead_assessor_id: p.id("doc1") };
    assert_eq!(
        field_code(&admin.assign_assessors(id, &not_assessor).await.expect_err("carer"), "assessor_ids[1]"),
        "not_an_assessor"
    );

    let first = AssignRequest { assessor_ids: vec![p.id("doc1"), p.id("nurse1")], lead_assessor_id: p.id("doc1") };
    let assigned = admin.assign_assessors(id, &first).await.expect("assign");
    assert_eq!(assigned.state, CaseState::Assigned);
    assert_eq!(assigned.rounds.len(), 1);

    // Only the lead submits; an assessor of another case does not even see this one.
    let severe = answers(&[
        "adl.walking",
        "adl.transfer",
        "adl.stairs",
        "adl.bathing",
        "adl.eating",
        "adl.dressing",
        "adl.bowel",
    ]);
    assert_eq!(
        p.as_user("nurse1").submit_assessment(id, &submission(severe.clone())).await.expect_err("not lead").code(),
        Some("forbidden")
    );
    assert_eq!(
        p.as_user("doc2").submit_assessment(id, &submission(severe.clone())).await.expect_err("not assigned").code(),
        Some("not_found")
    );

    // A tampered tablet sends level 0 with severe answers: the server grades the answers.
    let mut forged = serde_json::to_value(submission(severe.clone())).expect("json");
    forged["level"] = json!(0);
    forged["result"] = json!({"level": 0});
    let submitted: AssessmentCase = ApiClient::send(
        p.as_user("doc1").request(Method::POST, &format!("/api/v1/assessment/cases/{id}/assessment")).json(&forged),
    )
    .await
    .expect("submit");
    assert_eq!(submitted.state, CaseState::AwaitingConfirmation);
    let result = submitted.rounds[0].result.clone().expect("graded");
    assert_eq!(result.dimensions["adl"].score, 25);
    assert_eq!(result.level, 3, "ADL 25 is severe: level 3, whatever the client said");

    // The lead cannot confirm their own submission, and hears so by its own code; the second
    // assessor can.
    let own = p.as_user("doc1").confirm_assessment(id).await.expect_err("own");
    assert_eq!((own.status(), own.code()), (Some(StatusCode::FORBIDDEN), Some("own_submission")));
    let published = p.as_user("nurse1").confirm_assessment(id).await.expect("confirm");
    assert_eq!(published.state, CaseState::InPublicity);
    assert!(published.publicity_ends_at.expect("end") > Utc::now() + Duration::days(6));

    // The cases whose publicity is over (the certificates to issue) do not include it yet.
    let publicity =
        |over| ltci_shared::api::assessment::CaseFilter { publicity_over: Some(over), ..Default::default() };
    let ids = |f| async move {
        admin
            .list_assessment_cases(&f, PageQuery::default())
            .await
            .expect("list")
            .items
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };
    assert_eq!((ids(publicity(false)).await, ids(publicity(true)).await), (vec![id], vec![]));

    // During publicity a certificate is premature; an objection sends the case to re-assessment.
    let early = admin.certify_assessment(id).await.expect_err("publicity");
    assert_eq!(early.code(), Some("publicity_not_over"));
    let objected =
        admin.object_to_assessment(id, "家属认为评估时老人状态较好，不能反映日常情况").await.expect("object");
    assert_eq!(objected.state, CaseState::ReassessmentPending);
    assert_eq!(objected.events[0].kind, "objection");

    // Re-assessment only by assessors who did not take part.
    let same = AssignRequest { assessor_ids: vec![p.id("doc1"), p.id("nurse2")], lead_assessor_id: p.id("nurse2") };
    assert_eq!(
        field_code(&admin.assign_assessors(id, &same).await.expect_err("again"), "assessor_ids[0]"),
        "took_part_before"
    );
    let second = AssignRequest { assessor_ids: vec![p.id("doc2"), p.id("nurse2")], lead_assessor_id: p.id("doc2") };
    let reassigned = admin.assign_assessors(id, &second).await.expect("assign");
    assert_eq!(reassigned.rounds[1].kind, RoundKind::Reassessment);
    // Severe ADL and, this time, moderately impaired cognition (score 3).
    let mut worse = answers(&[
        "adl.walking",
        "adl.transfer",
        "adl.stairs",
        "adl.bathing",
        "adl.eating",
        "adl.dressing",
        "adl.bowel",
        "adl.bladder",
        "adl.toileting",
    ]);
    for (item, points) in [("cog.time", 0), ("cog.person", 0), ("cog.place", 0), ("cog.memory", 3)] {
        worse.insert(item.into(), json!(points));
    }
    p.as_user("doc2").submit_assessment(id, &submission(worse.clone())).await.expect("submit");
    // The second assessor sends it back once; the returned submission stays on record.
    let returned = p.as_user("nurse2").return_assessment(id, "大便控制项需再核实").await.expect("return");
    assert_eq!((returned.state, returned.rounds.len()), (CaseState::Assigned, 3));
    assert!(returned.rounds[1].submitted_at.is_some());
    p.as_user("doc2").submit_assessment(id, &submission(worse)).await.expect("resubmit");

    // The region shortens publicity to none (settings are data), so the certificate can follow.
    let settings = AssessmentSettings { publicity_days: 0, ..AssessmentSettings::default() };
    admin.put_assessment_settings(&settings).await.expect("settings");
    p.as_user("nurse2").confirm_assessment(id).await.expect("confirm");
    assert_eq!((ids(publicity(false)).await, ids(publicity(true)).await), (vec![], vec![id]));
    let certified = admin.certify_assessment(id).await.expect("certify");
    assert_eq!(certified.state, CaseState::Certified);
    let cert = certified.certificate.clone().expect("certificate");
    assert_eq!((cert.level, cert.level_name.as_str()), (4, "重度失能Ⅱ级"), "severe ADL with moderate cognition");
    assert!(cert.number.starts_with("370200-"), "{}", cert.number);
    assert_eq!(cert.status, "active");
    assert!(cert.appeal_deadline.is_some());
    assert_eq!((cert.expires_on - cert.effective_on).num_days() / 30, 24, "two years");

    // Appeal: the expert panel only, nobody from before; its result is final.
    let appealed = admin.appeal_assessment(id, "申请人对等级有异议，申请复核").await.expect("appeal");
    assert_eq!(appealed.state, CaseState::AppealPending);
    let non_experts =
        AssignRequest { assessor_ids: vec![p.id("expert1"), p.id("nurse1")], lead_assessor_id: p.id("expert1") };
    let err = admin.assign_assessors(id, &non_experts).await.expect_err("non-expert");
    assert_eq!(field_code(&err, "assessor_ids[1]"), "took_part_before");
    let fresh_non_expert = seed_user(&app, "nurse3", Role::Assessor, world.region_a, None).await;
    admin
        .put_assessor_profile(
            fresh_non_expert,
            &AssessorProfileRequest {
                qualification: Qualification::Nurse,
                expert: false,
                employer_institution_id: None,
            },
        )
        .await
        .expect("profile");
    let err = admin
        .assign_assessors(
            id,
            &AssignRequest { assessor_ids: vec![p.id("expert1"), fresh_non_expert], lead_assessor_id: p.id("expert1") },
        )
        .await
        .expect_err("non-expert");
    assert_eq!(field_code(&err, "assessor_ids[1]"), "not_an_expert");
    let experts =
        AssignRequest { assessor_ids: vec![p.id("expert1"), p.id("expert2")], lead_assessor_id: p.id("expert1") };
    admin.assign_assessors(id, &experts).await.expect("experts");
    p.as_user("expert1").submit_assessment(id, &submission(severe)).await.expect("submit");
    let last = p.as_user("expert2").confirm_assessment(id).await.expect("confirm");
    assert_eq!(last.state, CaseState::Final);
    let final_cert = last.certificate.clone().expect("final certificate");
    assert_eq!(final_cert.level, 3);
    assert_eq!(final_cert.appeal_deadline, None, "the panel's result is final");
    assert_ne!(final_cert.number, cert.number);
    assert_eq!(admin.certificate(cert.id).await.expect("old").status, "superseded");
    assert_eq!(
        admin.appeal_assessment(id, "再次申请").await.expect_err("final").code(),
        Some("invalid_state_transition")
    );

    // Expiry list: active certificates only, soonest first.
    let within = |days| CertificateFilter { insured_person_id: None, expiring_within_days: Some(days) };
    assert_eq!(admin.list_certificates(&within(60), PageQuery::default()).await.expect("list").total, 0);
    let soon = admin.list_certificates(&within(800), PageQuery::default()).await.expect("list");
    assert_eq!(soon.items.iter().map(|c| c.id).collect::<Vec<_>>(), [final_cert.id]);
    assert_eq!(admin.expiring_certificates(None, PageQuery::default()).await.expect("default 60 days").total, 0);
    assert_eq!(admin.expiring_certificates(Some(800), PageQuery::default()).await.expect("800 days").total, 1);

    // Who sees what: item answers only for the agency and the case's assessors.
    let seen_by_admin = admin.assessment_case(id).await.expect("admin");
    assert!(seen_by_admin.rounds.iter().all(|r| r.submitted_at.is_none() || r.answers.is_some()));
    let seen_by_doc = p.as_user("doc1").assessment_case(id).await.expect("assessor of the case");
    assert!(seen_by_doc.rounds[0].answers.is_some());
    for who in ["inst_a1", "auditor_a"] {
        let seen = world.as_user(who).assessment_case(id).await.expect(who);
        assert!(seen.rounds.iter().all(|r| r.answers.is_none()), "{who} must not see item answers");
        assert_eq!(seen.certificate.as_ref().map(|c| c.level), Some(3), "{who}");
    }
    assert!(world.as_user("inst_a1").certificate(final_cert.id).await.is_ok());
    for who in ["inst_a2", "assessor_a", "carer_a1", "admin_b"] {
        assert!(matches!(world.as_user(who).assessment_case(id).await, Err(ClientError::Api { .. })), "{who}");
        assert!(world.as_user(who).certificate(final_cert.id).await.is_err(), "{who}");
    }

    // Every step is in the audit trail with the state before and after.
    let trail: Value = ApiClient::send(
        admin
            .request(Method::GET, "/api/v1/audit-events")
            .query(&[("entity_id", id.to_string()), ("limit", "100".into())]),
    )
    .await
    .expect("audit");
    let mut steps: Vec<(String, String, String)> = trail["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_string(),
                e["state_before"].as_str().unwrap_or("-").to_string(),
                e["state_after"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    steps.reverse();
    let expected = [
        ("assessment_case.apply", "-", "awaiting_assignment"),
        ("assessment_case.assign", "awaiting_assignment", "assigned"),
        ("assessment_case.submit", "assigned", "awaiting_confirmation"),
        ("assessment_case.confirm", "awaiting_confirmation", "in_publicity"),
        ("assessment_case.object", "in_publicity", "reassessment_pending"),
        ("assessment_case.assign", "reassessment_pending", "assigned"),
        ("assessment_case.submit", "assigned", "awaiting_confirmation"),
        ("assessment_case.return", "awaiting_confirmation", "assigned"),
        ("assessment_case.submit", "assigned", "awaiting_confirmation"),
        ("assessment_case.confirm", "awaiting_confirmation", "in_publicity"),
        ("assessment_case.certify", "in_publicity", "certified"),
        ("assessment_case.appeal", "certified", "appeal_pending"),
        ("assessment_case.assign", "appeal_pending", "assigned"),
        ("assessment_case.submit", "assigned", "awaiting_confirmation"),
        ("assessment_case.confirm", "awaiting_confirmation", "final"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(steps, expected);
}

async fn ineligible_applications_are_refused_with_a_reason(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");

    let mut newcomer = person("新参保", 401);
    newcomer.enrolled_on = (Utc::now() - Duration::days(60)).date_naive();
    let newcomer = admin.create_insured_person(&newcomer).await.expect("person");
    let refused = admin.apply_for_assessment(&apply_req(newcomer.id)).await.expect("recorded");
    assert_eq!(refused.state, CaseState::Refused);
    assert_eq!(refused.refusal.as_ref().map(|r| r.code.as_str()), Some("contribution_period_too_short"));

    let gone = admin.create_insured_person(&person("已故", 403)).await.expect("person");
    let died = UpdateInsuredPersonRequest {
        version: 1,
        status: Some(PersonStatus::Deceased),
        died_on: Some((Utc::now() - Duration::days(3)).date_naive()),
        ..Default::default()
    };
    admin.update_insured_person(gone.id, &died).await.expect("deceased");
    let refused = admin.apply_for_assessment(&apply_req(gone.id)).await.expect("recorded");
    assert_eq!(refused.refusal.as_ref().map(|r| r.code.as_str()), Some("person_not_active"));

    let p = admin.create_insured_person(&person("重复申请", 405)).await.expect("person");
    let open = admin.apply_for_assessment(&apply_req(p.id)).await.expect("apply");
    assert_eq!(open.state, CaseState::AwaitingAssignment);
    let twice = admin.apply_for_assessment(&apply_req(p.id)).await.expect("recorded");
    assert_eq!(twice.refusal.as_ref().map(|r| r.code.as_str()), Some("application_open"));

    // Refused applications are kept (the applicant is owed a written refusal), and audited.
    let all = admin.list_assessment_cases(&Default::default(), PageQuery::default()).await.expect("list");
    assert_eq!(all.total, 4);

    let bad_person = admin.apply_for_assessment(&apply_req(Uuid::new_v4())).await.expect_err("unknown");
    assert_eq!(field_code(&bad_person, "insured_person_id"), "unknown_person");
    // Roles that may not apply.
    for who in ["auditor_a", "assessor_a", "carer_a1"] {
        assert_eq!(
            world.as_user(who).apply_for_assessment(&apply_req(p.id)).await.expect_err(who).code(),
            Some("forbidden")
        );
    }
    // An institution applying for someone already certified hears only that the application was
    // not accepted: the certificate behind the refusal is not its business (the agency tells
    // the applicant). The agency sees why.
    let certified = admin.create_insured_person(&person("已认定", 407)).await.expect("person");
    ltci_e2e::world::seed_certificate(&app, world.region_a, certified.id, 3).await;
    let by_institution =
        world.as_user("inst_a1").apply_for_assessment(&apply_req(certified.id)).await.expect("recorded");
    assert_eq!(by_institution.state, CaseState::Refused);
    let told = by_institution.refusal.expect("refusal");
    assert_eq!(told.code, "not_accepted");
    assert!(!told.message.contains("证书") || told.message.contains("告知"), "{}", told.message);
    let text =
        serde_json::to_string(&world.as_user("inst_a1").assessment_case(by_institution.id).await.expect("own case"))
            .expect("json");
    assert!(!text.contains("already_certified") && !text.contains("有效期至"), "{text}");
    let agency_view = admin.assessment_case(by_institution.id).await.expect("case");
    assert_eq!(agency_view.refusal.map(|r| r.code), Some("already_certified".to_owned()));

    // An institution cannot apply in another institution's name.
    let mut other = apply_req(p.id);
    other.institution_id = Some(world.institution("a2"));
    assert_eq!(
        world.as_user("inst_a1").apply_for_assessment(&other).await.expect_err("other").code(),
        Some("forbidden")
    );
}

async fn illegal_steps_are_refused_with_a_stable_code(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("状态机", 501)).await.expect("person");
    let case = admin.apply_for_assessment(&apply_req(p.id)).await.expect("apply");
    for attempt in [
        admin.certify_assessment(case.id).await,
        admin.appeal_assessment(case.id, "x").await,
        admin.object_to_assessment(case.id, "x").await,
    ] {
        let err = attempt.expect_err("illegal");
        assert_eq!(err.status(), Some(StatusCode::CONFLICT));
        assert_eq!(err.code(), Some("invalid_state_transition"));
        assert_eq!(field_code(&err, "state"), "awaiting_assignment");
    }
    // Nothing changed.
    assert_eq!(admin.assessment_case(case.id).await.expect("case").state, CaseState::AwaitingAssignment);
    let bad = AssessmentSettings { min_assessors: 1, ..AssessmentSettings::default() };
    assert_eq!(
        field_code(&admin.put_assessment_settings(&bad).await.expect_err("one"), "min_assessors"),
        "out_of_range"
    );
}
