//! Input at the edge, the same for every endpoint: paging bounds, the shape of lists, the
//! language of messages, strict money and dates, control characters, and CSV cells that a
//! spreadsheet would run.

use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::text::Lang;
use reqwest::{Method, StatusCode};
use serde_json::Value;

on_both_databases!(
    huge_offsets_and_limits_are_refused_on_every_list,
    every_list_answers_a_page,
    messages_are_chinese_unless_english_is_asked_for_and_codes_stay_the_same,
    control_characters_are_refused_on_the_field_that_holds_them,
    money_and_days_are_strict,
    every_request_body_is_described_as_what_it_is,
    every_operation_documents_the_errors_answered_before_it_runs,
);

/// The GET operations of the OpenAPI document: (path, operation).
async fn get_operations(app: &TestApp) -> Vec<(String, Value)> {
    let doc: Value =
        app.client.request(Method::GET, "/api/v1/openapi.json").send().await.expect("send").json().await.expect("json");
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if let Some(op) = item.get("get") {
            out.push((path.clone(), op.clone()));
        }
    }
    out
}

/// `path` with every `{parameter}` filled in: an id that names nothing, a number otherwise.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let name = &rest[open + 1..close];
        out.push_str(if name == "id" || name.ends_with("_id") { "0190a000-0000-7000-8000-000000000000" } else { "1" });
        rest = &rest[(close + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

fn takes(op: &Value, param: &str) -> bool {
    op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == param))
}

async fn huge_offsets_and_limits_are_refused_on_every_list(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let mut lists = 0;
    for (path, op) in get_operations(&app).await {
        if !takes(&op, "offset") {
            continue;
        }
        lists += 1;
        let url = concrete(&path);
        for (offset, code) in [("9223372036854775808", "out_of_range"), ("18446744073709551616", "invalid_type")] {
            let resp = admin.request(Method::GET, &url).query(&[("offset", offset)]).send().await.expect("send");
            assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}?offset={offset}");
            let body: Value = resp.json().await.expect("json");
            assert_eq!(body["error"]["details"]["offset"]["code"], code, "{path}: {body}");
        }
        let resp = admin.request(Method::GET, &url).query(&[("limit", "201")]).send().await.expect("send");
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}?limit=201");
    }
    assert!(lists >= 25, "{lists} lists take an offset");
}

/// Whether a response schema (possibly a `$ref`) is a JSON array.
fn is_array(schema: &Value) -> bool {
    schema["type"] == "array"
}

async fn every_list_answers_a_page(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let mut bare = Vec::new();
    for (path, op) in get_operations(&app).await {
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        // A time series (one point a month, as many months as asked) is not a list of records.
        if is_array(schema) && path != "/api/v1/funding/health/series" {
            bare.push(path.clone());
        }
        if takes(&op, "offset") && !path.contains('{') {
            let resp = admin.request(Method::GET, &path).query(&[("limit", "1")]).send().await.expect("send");
            let status = resp.status();
            let body: Value = resp.json().await.expect("json");
            if status == StatusCode::OK {
                assert!(body["items"].is_array() && body["total"].is_u64(), "{path}: {body}");
                assert_eq!((body["limit"].as_u64(), body["offset"].as_u64()), (Some(1), Some(0)), "{path}");
            }
        }
    }
    assert!(bare.is_empty(), "lists answered as bare arrays: {bare:?}");
}

async fn messages_are_chinese_unless_english_is_asked_for_and_codes_stay_the_same(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let mut bad = serde_json::to_value(ltci_e2e::world::person("语言", 1)).expect("json");
    bad["id_number"] = "370202195001010016".into();
    let mut answers = Vec::new();
    for lang in [None, Some("zh-CN,zh;q=0.9"), Some("en-US,en;q=0.9"), Some("fr")] {
        let mut req = admin.request(Method::POST, "/api/v1/insured-persons").json(&bad);
        if let Some(l) = lang {
            req = req.header("accept-language", l);
        }
        let resp = req.send().await.expect("send");
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let content_language = resp.headers()["content-language"].to_str().expect("header").to_owned();
        let body: Value = resp.json().await.expect("json");
        answers.push((content_language, body));
    }
    let detail = |i: usize| answers[i].1["error"]["details"]["id_number"].clone();
    for i in 0..4 {
        assert_eq!(detail(i)["code"], "invalid_check_character", "the code is the same in every language");
    }
    assert_eq!(answers[0].0, "zh-CN");
    let zh = detail(0)["message"].as_str().expect("message").to_owned();
    assert!(zh.starts_with("校验码为 6，应为"), "{zh}");
    assert_eq!(detail(1)["message"], detail(0)["message"]);
    assert_eq!(answers[2].0, "en");
    assert!(
        detail(2)["message"].as_str().is_some_and(|m| m.starts_with("the check character is 6")),
        "{:?}",
        detail(2)
    );
    assert_eq!(detail(3)["message"], detail(0)["message"], "a language we do not speak gets Chinese");
    assert!(answers[0].1["error"]["message"].as_str().is_some_and(|m| m.starts_with("输入有误")));

    // The typed client asks in the language it is told to.
    let english = admin.with_language(Lang::English);
    let err = english.get_insured_person(uuid::Uuid::now_v7()).await.expect_err("none");
    let ltci_shared::client::ClientError::Api { body, .. } = err else { panic!("envelope") };
    assert_eq!((body.error.code.as_str(), body.error.message.as_str()), ("not_found", "insured person not found"));
    let err = admin.get_insured_person(uuid::Uuid::now_v7()).await.expect_err("none");
    let ltci_shared::client::ClientError::Api { body, .. } = err else { panic!("envelope") };
    assert_eq!(body.error.message, "未找到该参保人");
}

async fn control_characters_are_refused_on_the_field_that_holds_them(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    for (field, at) in
        [("name", "/name"), ("address.text", "/address/text"), ("emergency_contact.name", "/emergency_contact/name")]
    {
        let mut body = serde_json::to_value(ltci_e2e::world::person("控制", 7)).expect("json");
        *body.pointer_mut(at).expect(at) = "空\u{0}字".into();
        let resp = admin.request(Method::POST, "/api/v1/insured-persons").json(&body).send().await.expect("send");
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let body: Value = resp.json().await.expect("json");
        assert_eq!(body["error"]["details"][field]["code"], "invalid_characters", "{body}");
    }
    // A line break in a one-line field is refused by the field's rule.
    let mut body = serde_json::to_value(ltci_e2e::world::person("换行", 7)).expect("json");
    body["name"] = "两\n行".into();
    let resp = admin.request(Method::POST, "/api/v1/insured-persons").json(&body).send().await.expect("send");
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["error"]["details"]["name"]["code"], "invalid_characters", "{body}");
    // Nothing was written.
    let all = admin.list_insured_persons(&Default::default(), ltci_e2e::all()).await.expect("list");
    assert!(all.items.iter().all(|p| !p.name.contains('字') && !p.name.contains('行')), "{:?}", all.items);
}

/// The reason code the server gives `field` for `body` posted to `path`, or `None` if it took it.
async fn refusal(client: &ltci_shared::client::ApiClient, path: &str, body: &Value, field: &str) -> Option<String> {
    let resp = client.request(Method::POST, path).json(body).send().await.expect("send");
    if resp.status().is_success() {
        return None;
    }
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path} {body}");
    let err: Value = resp.json().await.expect("json");
    Some(err["error"]["details"][field]["code"].as_str().unwrap_or_else(|| panic!("no {field} in {err}")).to_owned())
}

async fn money_and_days_are_strict(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&ltci_e2e::world::person("缴费", 8)).await.expect("person");
    let month = ltci_e2e::today().format("%Y-%m").to_string();
    let contribution = |reference: &str, amount: Value, period: &str| {
        serde_json::json!({"reference": reference, "insured_person_id": p.id, "period": period,
            "scheme": "resident", "source": "individual", "amount": amount})
    };
    let path = "/api/v1/funding/contributions";
    for (i, (amount, code)) in [
        (Value::from("1e9"), "invalid_amount"),
        (Value::from(30.5), "invalid_amount"),
        (Value::from(30), "invalid_amount"),
        (Value::from("+5"), "invalid_amount"),
        (Value::from("5."), "invalid_amount"),
        (Value::from(".5"), "invalid_amount"),
        (Value::from("-5.00"), "invalid_amount"),
        (Value::from("5.001"), "too_precise"),
        (Value::from("100000.01"), "out_of_range"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = contribution(&format!("M-{i}"), amount.clone(), &month);
        assert_eq!(refusal(admin, path, &body, "amount").await.as_deref(), Some(code), "{amount}");
    }
    for period in ["9999-12", "0000-01", "2026-13", "26-01"] {
        let body = contribution("P-1", "30.00".into(), period);
        assert!(refusal(admin, path, &body, "period").await.is_some(), "{period}");
    }
    // Plain, quoted, at most two decimals: taken.
    assert_eq!(refusal(admin, path, &contribution("OK-1", "30.5".into(), &month), "amount").await, None);

    let receipt = |reference: &str, on: &str| {
        serde_json::json!({"reference": reference, "scheme": "resident", "source": "fiscal_subsidy",
            "amount": "1000.00", "description": "财政补助", "received_on": on})
    };
    let tomorrow = (ltci_e2e::today() + chrono::Duration::days(1)).to_string();
    for (on, code) in [
        ("0000-01-01", "out_of_range"),
        ("-0001-01-01", "invalid_date"),
        ("2999-01-01", "out_of_range"),
        ("+10000-01-01", "invalid_date"),
        ("2026-02-30", "invalid_date"),
        (tomorrow.as_str(), "in_future"),
    ] {
        let body = receipt(&format!("R-{on}"), on);
        assert_eq!(
            refusal(admin, "/api/v1/funding/receipts", &body, "received_on").await.as_deref(),
            Some(code),
            "{on}"
        );
    }
    // Nothing of it reached the ledger: the fund holds the one good contribution.
    let entries = admin.request(Method::GET, "/api/v1/ledger/entries").send().await.expect("send");
    let entries: Value = entries.json().await.expect("json");
    assert_eq!(entries["total"], 1, "{entries}");

    // Training hours: a quoted decimal with at most one decimal.
    let carer = world.caregiver("carer_a1");
    let training =
        |hours: Value| serde_json::json!({"course": "失能照护", "hours": hours, "completed_on": ltci_e2e::today()});
    let path = format!("/api/v1/caregivers/{carer}/trainings");
    for (hours, code) in [
        (Value::from(7.5), "invalid_amount"),
        (Value::from("7.55"), "too_precise"),
        (Value::from("1e1"), "invalid_amount"),
    ] {
        assert_eq!(refusal(admin, &path, &training(hours.clone()), "hours").await.as_deref(), Some(code), "{hours}");
    }
    assert_eq!(refusal(admin, &path, &training("7.5".into()), "hours").await, None);
}

async fn every_request_body_is_described_as_what_it_is(app: TestApp) {
    let doc: Value =
        app.client.request(Method::GET, "/api/v1/openapi.json").send().await.expect("send").json().await.expect("json");
    let mut bodies = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let Some(content) = op["requestBody"]["content"].as_object() else { continue };
            bodies += 1;
            for (media, body) in content {
                let schema = &body["schema"];
                let bytes_as_numbers = schema["type"] == "array" && schema["items"]["type"] == "integer";
                assert!(!bytes_as_numbers, "{method} {path} {media}: a file described as an array of integers");
                if media != "application/json" {
                    assert_eq!(schema["type"], "string", "{method} {path} {media}: {schema}");
                }
            }
        }
    }
    assert!(bodies > 50, "{bodies} request bodies");
    let upload = &doc["paths"]["/api/v1/institutions/{id}/attachments"]["post"]["requestBody"]["content"];
    for media in ["application/pdf", "image/jpeg", "image/png"] {
        assert_eq!(upload[media]["schema"]["format"], "binary", "{upload}");
    }
    let policy = &doc["paths"]["/api/v1/policies"]["post"]["requestBody"]["content"];
    assert_eq!(policy["application/json"]["schema"]["$ref"], "#/components/schemas/PolicyDocument", "{policy}");
    assert!(doc["components"]["schemas"]["PolicyDocument"].is_object(), "the policy document's schema is there");
    assert_eq!(policy["application/toml"]["schema"]["type"], "string");
}

/// A client generated from the document learns every error the common layers answer: each
/// operation lists them in the envelope, and a call without a token gets one it lists.
async fn every_operation_documents_the_errors_answered_before_it_runs(app: TestApp) {
    let doc: Value =
        app.client.request(Method::GET, "/api/v1/openapi.json").send().await.expect("send").json().await.expect("json");
    let (mut secured, mut answered_otherwise) = (0, Vec::new());
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let responses = op["responses"].as_object().expect("responses");
            let documents = |status: &str| {
                let r = &responses.get(status).unwrap_or_else(|| panic!("{method} {path}: {status} not documented"));
                assert_eq!(
                    r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
            };
            let has_params = op["parameters"].as_array().is_some_and(|p| !p.is_empty());
            if op["requestBody"].is_object() {
                ["400", "415", "422"].into_iter().for_each(documents);
            } else if has_params {
                documents("422");
            }
            if path.contains('{') {
                documents("404");
            }
            if op["security"].as_array().is_none_or(|s| s.is_empty()) {
                continue;
            }
            secured += 1;
            ["401", "403"].into_iter().for_each(documents);
            // An operation that also takes another credential (a signed link) is not asked here.
            if op["security"].as_array().is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|o| o.is_empty())))
            {
                continue;
            }
            // Without a token: an answer the document lists, before anything else is looked at.
            let concrete = path.replace("{year}", "2026").replace("{version}", "1");
            let concrete = with_ids_that_name_nothing(&concrete);
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let resp = app.client.request(m, &concrete).send().await.expect("send");
            if resp.status() != StatusCode::UNAUTHORIZED {
                answered_otherwise.push(format!("{method} {concrete}: {}", resp.status()));
            }
        }
    }
    assert_eq!(answered_otherwise, Vec::<String>::new(), "without a token, these did not answer 401");
    assert!(secured > 100, "{secured} operations that need a token");
}

/// `path` with every remaining `{param}` replaced by an id that names nothing.
fn with_ids_that_name_nothing(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e + 1);
        out.push_str("01890000-0000-7000-8000-000000000000");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
