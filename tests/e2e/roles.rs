//! Who may do what: a role × endpoint matrix, and attempts across institutions and regions.

use ltci_e2e::world::{caregiver_request, person};
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::api::registry::UpdateInsuredPersonRequest;
use ltci_shared::api::users::{CreateUserRequest, Role};
use reqwest::Method;
use serde_json::json;

on_both_databases!(
    role_endpoint_matrix,
    institutions_cannot_reach_each_others_accounts,
    regions_cannot_reach_each_others_data,
    scoped_lists_show_only_what_the_role_may_see,
);

const ROLES: [&str; 6] = ["admin_a", "assessor_a", "auditor_a", "inst_a1", "carer_a1", "admin_b"];

/// Every (role, endpoint) pair and the status the role must get. Writes by a role that may not
/// write are refused before anything changes.
async fn role_endpoint_matrix(app: TestApp) {
    let world = app.world().await;
    let seeded = world.as_user("admin_a").create_insured_person(&person("矩阵测试", 11)).await.expect("seed person");
    let a1 = world.institution("a1");
    type Body = Box<dyn Fn(usize) -> serde_json::Value>;
    type Case = (Method, String, Option<Body>, [u16; 6]);
    let new_region: Body = Box::new(|k| json!({"code": format!("{}", 500_000 + k), "name": "新区"}));
    let new_staff: Body = Box::new(
        move |k| json!({"username": format!("new_{k}"), "display_name": "新员工", "password": "password-1", "role": "institution", "institution_id": a1}),
    );
    let county_a1 = world.county("a1");
    let new_caregiver: Body = Box::new(move |k| {
        let mut req = caregiver_request("矩阵护理员", 200 + u16::try_from(k).expect("small"), county_a1);
        req.institution_id = Some(a1);
        json!(req)
    });
    let new_person: Body = Box::new(|k| json!(person("矩阵新人", 100 + u16::try_from(k).expect("small"))));
    let patch: Body = Box::new(|_| json!({"version": 1, "phone": "13700137000"}));
    let report = "/api/v1/reports/caregiver-training?from=2026-01-01&to=2026-12-31".to_string();
    let receipt: Body = Box::new(
        |k| json!({"reference": format!("RCPT-{k}"), "scheme": "resident", "source": "donation", "amount": "100.00", "description": "慈善捐赠"}),
    );
    let chart_link: Body = Box::new(|_| json!({"scheme": "resident", "months": 12}));
    let settings: Body = Box::new(|_| json!(ltci_shared::api::assessment::AssessmentSettings::default()));
    let nil = uuid::Uuid::nil();
    let batch: Body = Box::new(|_| json!({"device_id": "matrix", "events": []}));
    let schedule: Body =
        Box::new(move |_| json!({"plan_id": nil, "caregiver_id": nil, "from": "2026-01-05", "to": "2026-01-06"}));
    let correction: Body = Box::new(
        |_| json!({"id": uuid::Uuid::now_v7(), "reason": "forgot_to_check", "check_out_at": "2026-01-05T02:00:00Z"}),
    );
    let admission: Body = Box::new(
        move |_| json!({"institution_id": a1, "insured_person_id": nil, "care_mode": "institutional", "admitted_on": "2026-01-05"}),
    );
    let charges: Body = Box::new(
        move |_| json!({"institution_id": a1, "month": "2026-01", "charges": [{"stay_id": nil, "on": "2026-01-05", "amount": "60.00"}]}),
    );
    let partner_batch: Body = Box::new(|_| json!({"events": []}));
    let bill: Body = Box::new(move |_| json!({"institution_id": a1, "month": "2026-01"}));
    let month_end: Body = Box::new(|_| json!({"month": "2026-01"}));
    let deposit_release: Body = Box::new(|_| json!({"year": 2026}));
    let choice: Body = Box::new(move |_| json!({"institution_id": a1, "care_mode": "home_visit"}));
    let seeded_number = person("矩阵测试", 11).id_number;
    let lookup: Body = Box::new(move |_| json!({"id_number": seeded_number}));
    //                                                                   admin assess audit inst  carer admin_b
    let cases: Vec<Case> = vec![
        (Method::GET, "/api/v1/me".into(), None, [200, 200, 200, 200, 200, 200]),
        (Method::GET, "/api/v1/regions".into(), None, [200, 200, 200, 200, 200, 200]),
        (Method::GET, "/api/v1/policies".into(), None, [200, 200, 200, 200, 200, 200]),
        (Method::POST, "/api/v1/regions".into(), Some(new_region), [201, 403, 403, 403, 403, 201]),
        (Method::GET, "/api/v1/users".into(), None, [200, 403, 200, 200, 403, 200]),
        // Region B's officer names an institution of region A: not one of theirs. Institution
        // staff create no accounts but caregivers' (through the caregiver's record).
        (Method::POST, "/api/v1/users".into(), Some(new_staff), [201, 403, 403, 403, 403, 422]),
        (Method::GET, format!("/api/v1/users/{}", world.user("carer_a1")), None, [200, 403, 200, 200, 403, 404]),
        (Method::GET, "/api/v1/insured-persons".into(), None, [200, 200, 200, 200, 200, 200]),
        (Method::POST, "/api/v1/insured-persons".into(), Some(new_person), [201, 403, 403, 403, 403, 201]),
        (Method::GET, format!("/api/v1/insured-persons/{}", seeded.id), None, [200, 200, 200, 404, 404, 404]),
        (Method::PATCH, format!("/api/v1/insured-persons/{}", seeded.id), Some(patch), [200, 403, 403, 403, 403, 404]),
        // Only officers record a beneficiary's choice of institution; officers and auditors read them.
        (
            Method::POST,
            format!("/api/v1/insured-persons/{}/provider-choices", seeded.id),
            Some(choice),
            [201, 403, 403, 403, 403, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/insured-persons/{}/provider-choices", seeded.id),
            None,
            [200, 403, 200, 403, 403, 404],
        ),
        // Officers and institution staff look a person up by the full number; region B has nobody by it.
        (Method::POST, "/api/v1/insured-persons/lookup".into(), Some(lookup), [200, 403, 403, 200, 403, 404]),
        (Method::GET, "/api/v1/audit-events".into(), None, [200, 403, 200, 403, 403, 200]),
        (Method::GET, "/api/v1/assessment/instruments".into(), None, [200, 200, 200, 403, 403, 200]),
        (Method::GET, "/api/v1/assessment/cases".into(), None, [200, 200, 200, 200, 403, 200]),
        (Method::GET, "/api/v1/certificates".into(), None, [200, 200, 200, 200, 403, 200]),
        (Method::GET, "/api/v1/assessment/settings".into(), None, [200, 200, 200, 200, 403, 200]),
        (Method::PUT, "/api/v1/assessment/settings".into(), Some(settings), [200, 403, 403, 403, 403, 200]),
        (Method::GET, "/api/v1/assessors".into(), None, [200, 403, 200, 403, 403, 200]),
        (Method::GET, "/api/v1/counties".into(), None, [200, 200, 200, 200, 200, 200]),
        (Method::GET, "/api/v1/caregivers".into(), None, [200, 403, 200, 200, 200, 200]),
        (Method::POST, "/api/v1/caregivers".into(), Some(new_caregiver), [201, 403, 403, 201, 403, 422]),
        (
            Method::GET,
            format!("/api/v1/caregivers/{}", world.caregiver("carer_a1")),
            None,
            [200, 403, 200, 200, 200, 404],
        ),
        (Method::GET, "/api/v1/caregiver-assignments".into(), None, [200, 403, 200, 200, 200, 200]),
        (Method::GET, report, None, [200, 403, 200, 403, 403, 200]),
        (Method::GET, format!("/api/v1/institutions/{a1}/evaluations"), None, [200, 403, 200, 200, 403, 404]),
        (Method::GET, format!("/api/v1/institutions/{a1}/attachments"), None, [200, 403, 200, 200, 403, 404]),
        (Method::GET, "/api/v1/evaluation-schemes/2026".into(), None, [200, 403, 200, 200, 403, 200]),
        (Method::GET, "/api/v1/funding/accounts".into(), None, [200, 403, 200, 403, 403, 200]),
        (Method::GET, "/api/v1/ledger/entries".into(), None, [200, 403, 200, 403, 403, 200]),
        (Method::POST, "/api/v1/funding/receipts".into(), Some(receipt), [201, 403, 403, 403, 403, 201]),
        (Method::POST, "/api/v1/funding/health/chart-links".into(), Some(chart_link), [201, 403, 201, 403, 403, 201]),
        (Method::GET, "/api/v1/care-plans".into(), None, [200, 403, 200, 200, 200, 200]),
        (Method::GET, "/api/v1/visits".into(), None, [200, 403, 200, 200, 200, 200]),
        (Method::POST, "/api/v1/visits/schedule".into(), Some(schedule), [422, 403, 403, 422, 403, 422]),
        (Method::POST, format!("/api/v1/visits/{nil}/corrections"), Some(correction), [404, 403, 403, 404, 403, 404]),
        (Method::GET, "/api/v1/sync/changes".into(), None, [403, 403, 403, 403, 200, 403]),
        (Method::POST, "/api/v1/sync/events".into(), Some(batch), [403, 403, 403, 403, 200, 403]),
        (Method::GET, "/api/v1/stays".into(), None, [200, 403, 200, 200, 200, 200]),
        (Method::POST, "/api/v1/stays".into(), Some(admission), [422, 403, 403, 422, 403, 422]),
        (Method::PUT, "/api/v1/stays/charges".into(), Some(charges), [422, 403, 403, 422, 403, 422]),
        (Method::POST, "/api/v1/partner-events".into(), Some(partner_batch), [422, 403, 403, 403, 403, 422]),
        (Method::GET, "/api/v1/hospitalisations".into(), None, [200, 403, 200, 403, 403, 200]),
        (Method::GET, "/api/v1/settlements".into(), None, [200, 403, 200, 200, 403, 200]),
        // Nothing was charged in that month; region B's officer names an institution of region A.
        (Method::POST, "/api/v1/settlements".into(), Some(bill), [422, 403, 403, 422, 403, 422]),
        (Method::POST, format!("/api/v1/settlements/{nil}/approval"), None, [404, 403, 403, 403, 403, 404]),
        (Method::POST, "/api/v1/settlements/month-end".into(), Some(month_end), [200, 403, 403, 403, 403, 200]),
        (Method::GET, format!("/api/v1/institutions/{a1}/statement"), None, [200, 403, 200, 200, 403, 404]),
        // Not evaluated; region B's officer does not find region A's institution.
        (
            Method::POST,
            format!("/api/v1/institutions/{a1}/deposit-releases"),
            Some(deposit_release),
            [422, 403, 403, 403, 403, 404],
        ),
        (
            Method::POST,
            format!("/api/v1/assessment/cases/{}/certificate", uuid::Uuid::nil()),
            None,
            [404, 403, 403, 403, 403, 404],
        ),
    ];
    let mut failures = Vec::new();
    for (n, (method, path, body, expected)) in cases.into_iter().enumerate() {
        for (i, role) in ROLES.iter().enumerate() {
            let mut req = world.as_user(role).request(method.clone(), &path);
            if let Some(body) = &body {
                // Each write is unique, so an allowed write succeeds on its own merits.
                req = req.json(&body(n * 10 + i));
            }
            let status = req.send().await.expect("send").status().as_u16();
            if status != expected[i] {
                failures.push(format!("{role} {method} {path}: got {status}, expected {}", expected[i]));
            }
        }
    }
    assert!(failures.is_empty(), "role matrix mismatches:\n{}", failures.join("\n"));
}

async fn institutions_cannot_reach_each_others_accounts(app: TestApp) {
    let world = app.world().await;
    let inst_a1 = world.as_user("inst_a1");
    let carer_a2 = world.user("carer_a2");
    assert_eq!(inst_a1.get_user(carer_a2).await.expect_err("other institution").code(), Some("not_found"));
    assert_eq!(inst_a1.deactivate_user(carer_a2).await.expect_err("other institution").code(), Some("not_found"));
    assert_eq!(
        inst_a1.reset_password(carer_a2, "hijacked-123").await.expect_err("other institution").code(),
        Some("not_found")
    );
    let into_a2 = CreateUserRequest {
        username: "sneaky".into(),
        display_name: "x".into(),
        password: "password-1".into(),
        role: Role::Caregiver,
        institution_id: Some(world.institution("a2")),
    };
    assert_eq!(inst_a1.create_user(&into_a2).await.expect_err("other institution").code(), Some("forbidden"));
    let officer = CreateUserRequest { role: Role::Admin, institution_id: None, ..into_a2 };
    assert_eq!(inst_a1.create_user(&officer).await.expect_err("escalation").code(), Some("forbidden"));
    // Nothing changed for the other institution's caregiver.
    let still = world.as_user("admin_a").get_user(carer_a2).await.expect("visible to the officer");
    assert!(still.active);
    assert!(world.as_user("carer_a2").me().await.is_ok());
    // Its own caregiver it can manage.
    assert!(!inst_a1.deactivate_user(world.user("carer_a1")).await.expect("own caregiver").active);
}

async fn regions_cannot_reach_each_others_data(app: TestApp) {
    let world = app.world().await;
    let p = world.as_user("admin_a").create_insured_person(&person("跨区测试", 21)).await.expect("create");
    let admin_b = world.as_user("admin_b");
    assert_eq!(admin_b.get_insured_person(p.id).await.expect_err("other region").code(), Some("not_found"));
    let update = UpdateInsuredPersonRequest { version: 1, phone: Some("13700000000".into()), ..Default::default() };
    assert_eq!(admin_b.update_insured_person(p.id, &update).await.expect_err("other region").code(), Some("not_found"));
    assert_eq!(
        admin_b.deactivate_user(world.user("admin_a")).await.expect_err("other region").code(),
        Some("not_found")
    );
    let listed = admin_b.list_insured_persons(&Default::default(), Default::default()).await.expect("list");
    assert_eq!(listed.total, 0);
    // The same ID number can be registered in region B: uniqueness is per region.
    let mut same = person("跨区测试", 21);
    same.name = "乙区同号".into();
    assert!(admin_b.create_insured_person(&same).await.is_ok());
}

async fn scoped_lists_show_only_what_the_role_may_see(app: TestApp) {
    let world = app.world().await;
    world.as_user("admin_a").create_insured_person(&person("名单甲", 31)).await.expect("create");
    for who in ["admin_a", "assessor_a", "auditor_a"] {
        let page =
            world.as_user(who).list_insured_persons(&Default::default(), Default::default()).await.expect("list");
        assert_eq!(page.total, 1, "{who}");
    }
    // Institutions and caregivers see only people they serve: none are assigned yet.
    for who in ["inst_a1", "carer_a1"] {
        let page =
            world.as_user(who).list_insured_persons(&Default::default(), Default::default()).await.expect("list");
        assert_eq!(page.total, 0, "{who}");
    }
    let users = world.as_user("inst_a1").list_users(&Default::default(), Default::default()).await.expect("list");
    let names: Vec<&str> = users.items.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["carer_a1", "inst_a1"]);
    let all_a = world.as_user("admin_a").list_users(&Default::default(), Default::default()).await.expect("list");
    assert_eq!(all_a.total, 8, "region A has 8 users; region B's officer is not listed");
}
