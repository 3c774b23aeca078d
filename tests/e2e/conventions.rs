//! API conventions: the error envelope for bad input, request ids, the OpenAPI document and UI,
//! health, readiness, metrics, and migrations on both databases.

use ltci_e2e::world::person;
use ltci_e2e::{TestApp, on_both_databases};
use ltci_migrations::{Migrator, MigratorTrait};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    bad_input_gets_the_error_envelope_naming_the_field,
    unknown_routes_and_methods_get_the_envelope,
    every_response_carries_a_request_id,
    the_openapi_document_lists_every_route,
    health_readiness_and_metrics,
    migrations_are_all_applied,
);

async fn envelope(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let body: Value = resp.json().await.expect("every error is JSON");
    assert!(body["error"]["code"].is_string(), "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
    assert!(body["error"]["details"].is_object(), "{body}");
    (status, body)
}

async fn bad_input_gets_the_error_envelope_naming_the_field(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let post = |body: &'static str| {
        admin.request(Method::POST, "/api/v1/insured-persons").header("content-type", "application/json").body(body)
    };

    let (status, body) = envelope(post("{\"name\": ").send().await.expect("send")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_json")));

    let mut wrong_type = serde_json::to_value(person("类型", 1)).expect("json");
    wrong_type["enrolled_on"] = json!(20230701);
    let resp = admin.request(Method::POST, "/api/v1/insured-persons").json(&wrong_type).send().await.expect("send");
    let (status, body) = envelope(resp).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["details"]["enrolled_on"]["code"], "invalid_type", "{body}");

    let mut nested = serde_json::to_value(person("嵌套", 1)).expect("json");
    nested["address"]["latitude"] = json!("north");
    let resp = admin.request(Method::POST, "/api/v1/insured-persons").json(&nested).send().await.expect("send");
    let (_, body) = envelope(resp).await;
    assert_eq!(body["error"]["details"]["address.latitude"]["code"], "invalid_type", "{body}");

    let mut bad_enum = serde_json::to_value(person("枚举", 1)).expect("json");
    bad_enum["scheme"] = json!("farmer");
    let resp = admin.request(Method::POST, "/api/v1/insured-persons").json(&bad_enum).send().await.expect("send");
    let (status, body) = envelope(resp).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["scheme"]["code"], "unknown_value", "{body}");

    let mut missing = serde_json::to_value(person("缺项", 1)).expect("json");
    missing.as_object_mut().expect("object").remove("id_number");
    let resp = admin.request(Method::POST, "/api/v1/insured-persons").json(&missing).send().await.expect("send");
    let (_, body) = envelope(resp).await;
    assert_eq!(body["error"]["details"]["id_number"]["code"], "required", "{body}");

    let resp = admin.request(Method::POST, "/api/v1/insured-persons").body("name=x").send().await.expect("send");
    let (status, body) = envelope(resp).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media_type"))
    );

    let resp = admin.request(Method::GET, "/api/v1/insured-persons/not-a-uuid").send().await.expect("send");
    let (status, body) = envelope(resp).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["details"]["id"]["code"], "invalid_id");

    let resp = admin
        .request(Method::GET, "/api/v1/insured-persons")
        .query(&[("status", "zombie")])
        .send()
        .await
        .expect("send");
    let (_, body) = envelope(resp).await;
    assert_eq!(body["error"]["details"]["status"]["code"], "unknown_value", "{body}");

    // None of the refused requests wrote anything.
    assert_eq!(admin.list_insured_persons(&Default::default(), Default::default()).await.expect("list").total, 0);
}

async fn unknown_routes_and_methods_get_the_envelope(app: TestApp) {
    let (status, body) =
        envelope(app.client.request(Method::GET, "/api/v1/nothing-here").send().await.expect("send")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, body) =
        envelope(app.client.request(Method::DELETE, "/api/v1/auth/login").send().await.expect("send")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")));
}

async fn every_response_carries_a_request_id(app: TestApp) {
    let a = app.client.request(Method::GET, "/healthz").send().await.expect("send");
    let b = app.client.request(Method::GET, "/api/v1/me").send().await.expect("send");
    let id_a = a.headers()["x-request-id"].to_str().expect("ascii").to_string();
    let id_b = b.headers()["x-request-id"].to_str().expect("ascii").to_string();
    assert_ne!(id_a, id_b);
    assert!(uuid::Uuid::parse_str(&id_a).is_ok());
    let given = app
        .client
        .request(Method::GET, "/healthz")
        .header("x-request-id", "from-the-phone-42")
        .send()
        .await
        .expect("send");
    assert_eq!(given.headers()["x-request-id"], "from-the-phone-42");
}

async fn the_openapi_document_lists_every_route(app: TestApp) {
    let doc: Value =
        app.client.request(Method::GET, "/api/v1/openapi.json").send().await.expect("send").json().await.expect("json");
    let mut routes: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            routes.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    routes.sort();
    let expected = [
        "GET /api/v1/assessment/cases",
        "GET /api/v1/assessment/cases/{id}",
        "GET /api/v1/assessment/instruments",
        "GET /api/v1/assessment/instruments/{version}",
        "GET /api/v1/assessment/settings",
        "GET /api/v1/assessors",
        "GET /api/v1/audit-chain",
        "GET /api/v1/audit-events",
        "GET /api/v1/care-plans",
        "GET /api/v1/care-plans/{id}",
        "GET /api/v1/caregiver-assignments",
        "GET /api/v1/caregivers",
        "GET /api/v1/caregivers/{id}",
        "GET /api/v1/caregivers/{id}/trainings",
        "GET /api/v1/certificates",
        "GET /api/v1/certificates/expiring",
        "GET /api/v1/certificates/{id}",
        "GET /api/v1/counties",
        "GET /api/v1/disputes",
        "GET /api/v1/disputes/{id}",
        "GET /api/v1/evaluation-schemes/{year}",
        "GET /api/v1/findings",
        "GET /api/v1/findings-report",
        "GET /api/v1/findings-report.csv",
        "GET /api/v1/findings/{id}",
        "GET /api/v1/follow-up-averages",
        "GET /api/v1/follow-up-samples/{month}",
        "GET /api/v1/follow-ups",
        "GET /api/v1/follow-ups/{id}",
        "GET /api/v1/funding/accounts",
        "GET /api/v1/funding/health",
        "GET /api/v1/funding/health/chart.svg",
        "GET /api/v1/funding/health/series",
        "GET /api/v1/funding/reports/income.csv",
        "GET /api/v1/funding/reports/trial-balance.csv",
        "GET /api/v1/funding/reserve-draws",
        "GET /api/v1/funding/settings",
        "GET /api/v1/hospitalisations",
        "GET /api/v1/inspection-conflicts",
        "GET /api/v1/inspection-draws",
        "GET /api/v1/inspection-draws/{id}",
        "GET /api/v1/inspections",
        "GET /api/v1/inspections/{id}",
        "GET /api/v1/institutions",
        "GET /api/v1/institutions/{id}",
        "GET /api/v1/institutions/{id}/attachments",
        "GET /api/v1/institutions/{id}/attachments/{attachment_id}",
        "GET /api/v1/institutions/{id}/evaluations",
        "GET /api/v1/institutions/{id}/statement",
        "GET /api/v1/institutions/{id}/violations",
        "GET /api/v1/insured-persons",
        "GET /api/v1/insured-persons/{id}",
        "GET /api/v1/insured-persons/{id}/bill-lines",
        "GET /api/v1/insured-persons/{id}/contributions",
        "GET /api/v1/insured-persons/{id}/provider-choices",
        "GET /api/v1/ledger/entries",
        "GET /api/v1/ledger/entries/{id}",
        "GET /api/v1/me",
        "GET /api/v1/monitor-runs",
        "GET /api/v1/monitor-runs/{id}",
        "GET /api/v1/partner-events",
        "GET /api/v1/policies",
        "GET /api/v1/policies/in-force",
        "GET /api/v1/policies/{id}",
        "GET /api/v1/public/regions/{code}/inspections",
        "GET /api/v1/public/regions/{code}/sanctions",
        "GET /api/v1/regions",
        "GET /api/v1/reports/caregiver-training",
        "GET /api/v1/sanctions",
        "GET /api/v1/sanctions/{id}",
        "GET /api/v1/service-relations",
        "GET /api/v1/settlements",
        "GET /api/v1/settlements/month-end-runs",
        "GET /api/v1/settlements/month-end-runs/{id}",
        "GET /api/v1/settlements/{id}",
        "GET /api/v1/settlements/{id}/lines",
        "GET /api/v1/settlements/{id}/lines.csv",
        "GET /api/v1/stays",
        "GET /api/v1/stays/charges/sheet",
        "GET /api/v1/stays/{id}",
        "GET /api/v1/stays/{id}/charges",
        "GET /api/v1/supervision-dashboard",
        "GET /api/v1/supervision-dashboard/visits",
        "GET /api/v1/sync/changes",
        "GET /api/v1/users",
        "GET /api/v1/users/{id}",
        "GET /api/v1/visits",
        "GET /api/v1/visits/exceptions",
        "GET /api/v1/visits/{id}",
        "GET /api/v1/visits/{id}/events",
        "GET /healthz",
        "GET /metrics",
        "GET /readyz",
        "PATCH /api/v1/caregivers/{id}",
        "PATCH /api/v1/institutions/{id}",
        "PATCH /api/v1/insured-persons/{id}",
        "POST /api/v1/assessment/cases",
        "POST /api/v1/assessment/cases/{id}/appeal",
        "POST /api/v1/assessment/cases/{id}/assessment",
        "POST /api/v1/assessment/cases/{id}/assignment",
        "POST /api/v1/assessment/cases/{id}/certificate",
        "POST /api/v1/assessment/cases/{id}/confirmation",
        "POST /api/v1/assessment/cases/{id}/objection",
        "POST /api/v1/assessment/cases/{id}/return",
        "POST /api/v1/assessment/grade",
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/logout",
        "POST /api/v1/auth/refresh",
        "POST /api/v1/care-plans",
        "POST /api/v1/care-plans/{id}/end",
        "POST /api/v1/caregiver-assignments",
        "POST /api/v1/caregiver-assignments/import",
        "POST /api/v1/caregiver-assignments/{id}/end",
        "POST /api/v1/caregivers",
        "POST /api/v1/caregivers/import",
        "POST /api/v1/caregivers/{id}/account",
        "POST /api/v1/caregivers/{id}/departure",
        "POST /api/v1/caregivers/{id}/trainings",
        "POST /api/v1/certificates/import",
        "POST /api/v1/counties",
        "POST /api/v1/disputes/{id}/answer",
        "POST /api/v1/findings/{id}/answer",
        "POST /api/v1/findings/{id}/decide",
        "POST /api/v1/follow-up-samples",
        "POST /api/v1/follow-ups",
        "POST /api/v1/follow-ups/{id}/answer",
        "POST /api/v1/funding/contributions",
        "POST /api/v1/funding/contributions/import",
        "POST /api/v1/funding/health/chart-links",
        "POST /api/v1/funding/receipts",
        "POST /api/v1/funding/reserve-draws",
        "POST /api/v1/funding/reserve-draws/{id}/approval",
        "POST /api/v1/funding/reserve-draws/{id}/rejection",
        "POST /api/v1/inspection-conflicts",
        "POST /api/v1/inspection-draws",
        "POST /api/v1/inspections/{id}/result",
        "POST /api/v1/institutions",
        "POST /api/v1/institutions/import",
        "POST /api/v1/institutions/{id}/agreement",
        "POST /api/v1/institutions/{id}/attachments",
        "POST /api/v1/institutions/{id}/decision",
        "POST /api/v1/institutions/{id}/deposit-releases",
        "POST /api/v1/institutions/{id}/document-review",
        "POST /api/v1/institutions/{id}/evaluations",
        "POST /api/v1/institutions/{id}/inspection",
        "POST /api/v1/institutions/{id}/renewal",
        "POST /api/v1/institutions/{id}/resumption",
        "POST /api/v1/institutions/{id}/suspension",
        "POST /api/v1/institutions/{id}/termination",
        "POST /api/v1/institutions/{id}/violations",
        "POST /api/v1/insured-persons",
        "POST /api/v1/insured-persons/import",
        "POST /api/v1/insured-persons/lookup",
        "POST /api/v1/insured-persons/{id}/id-number",
        "POST /api/v1/insured-persons/{id}/provider-choices",
        "POST /api/v1/ledger/entries/{id}/reversal",
        "POST /api/v1/monitor-runs",
        "POST /api/v1/partner-events",
        "POST /api/v1/partner-events/import",
        "POST /api/v1/partner-events/rematch",
        "POST /api/v1/partner-events/{id}/dismiss",
        "POST /api/v1/policies",
        "POST /api/v1/policies/what-if",
        "POST /api/v1/policies/what-if/csv",
        "POST /api/v1/provider-choices/{id}/withdrawal",
        "POST /api/v1/regions",
        "POST /api/v1/sanctions",
        "POST /api/v1/sanctions/{id}/lift",
        "POST /api/v1/service-relations",
        "POST /api/v1/service-relations/import",
        "POST /api/v1/service-relations/{id}/end",
        "POST /api/v1/service-relations/{id}/transfer",
        "POST /api/v1/settlements",
        "POST /api/v1/settlements/month-end",
        "POST /api/v1/settlements/month-end-runs",
        "POST /api/v1/settlements/{id}/approval",
        "POST /api/v1/settlements/{id}/lines/{line_no}/disputes",
        "POST /api/v1/settlements/{id}/payment",
        "POST /api/v1/settlements/{id}/return",
        "POST /api/v1/settlements/{id}/sample",
        "POST /api/v1/settlements/{id}/submission",
        "POST /api/v1/stays",
        "POST /api/v1/stays/{id}/discharge",
        "POST /api/v1/sync/events",
        "POST /api/v1/users",
        "POST /api/v1/users/{id}/deactivate",
        "POST /api/v1/users/{id}/password",
        "POST /api/v1/visits/schedule",
        "POST /api/v1/visits/{id}/corrections",
        "PUT /api/v1/assessment/settings",
        "PUT /api/v1/assessors/{id}/profile",
        "PUT /api/v1/evaluation-schemes/{year}",
        "PUT /api/v1/funding/settings",
        "PUT /api/v1/settlements/{id}/lines/{line_no}/deduction",
        "PUT /api/v1/stays/charges",
        "PUT /api/v1/stays/charges/sheet",
    ];
    assert_eq!(routes, expected);
    // Every documented route is served (none answers "no such endpoint"; a public route may
    // answer that its region does not exist).
    let no_such: Value = app
        .client
        .request(Method::GET, "/api/v1/no-such-route")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    for route in &routes {
        let (method, path) = route.split_once(' ').expect("route");
        let path = path
            .replace("{id}", &uuid::Uuid::nil().to_string())
            .replace("{version}", "CN-NHSA-2021")
            .replace("{attachment_id}", &uuid::Uuid::nil().to_string())
            .replace("{year}", "2026")
            .replace("{line_no}", "1")
            .replace("{code}", "000000");
        let resp = app.client.request(method.parse().expect("method"), &path).send().await.expect("send");
        assert_ne!(resp.status(), StatusCode::METHOD_NOT_ALLOWED, "{route}");
        if resp.status() == StatusCode::NOT_FOUND {
            let body: Value = resp.json().await.expect("json");
            assert_ne!(body, no_such, "{route} is documented but not routed");
        }
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let ui = app.client.request(Method::GET, "/docs/").send().await.expect("send");
    assert_eq!(ui.status(), StatusCode::OK);
    assert!(ui.text().await.expect("text").contains("swagger"), "the API browser is served from the binary");
}

async fn health_readiness_and_metrics(app: TestApp) {
    for path in ["/healthz", "/readyz"] {
        let resp = app.client.request(Method::GET, path).send().await.expect("send");
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(resp.json::<Value>().await.expect("json")["status"], "ok");
    }
    let _ = app.client.me().await;
    let text = app.client.request(Method::GET, "/metrics").send().await.expect("send").text().await.expect("text");
    assert!(text.contains(r#"ltci_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1"#), "{text}");
    assert!(text.contains("ltci_http_request_duration_seconds_bucket"), "{text}");
    // Every database statement is counted: a sign-in attempt reads the account.
    let statements = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("ltci_db_statements_total "))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .expect("the statements counter")
    };
    let before = statements(&text);
    let _ = app.client.login("nobody-here", "wrong-password-1").await;
    let text = app.client.request(Method::GET, "/metrics").send().await.expect("send").text().await.expect("text");
    assert!(statements(&text) > before, "{text}");
}

async fn migrations_are_all_applied(app: TestApp) {
    let pending = Migrator::get_pending_migrations(&app.db).await.expect("status");
    assert!(pending.is_empty());
    let applied = Migrator::get_applied_migrations(&app.db).await.expect("status");
    assert_eq!(applied.len(), Migrator::migrations().len());
}
