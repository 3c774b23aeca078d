//! Assessment instruments and grading over the API.

use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::assessment::{self, Grading, Instrument};
use ltci_shared::client::ApiClient;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(the_app_can_fetch_the_form, the_server_grades_and_ignores_a_level_sent_by_the_client);

async fn the_app_can_fetch_the_form(app: TestApp) {
    let world = app.world().await;
    let assessor = world.as_user("assessor_a");
    let list: Value =
        ApiClient::send(assessor.request(Method::GET, "/api/v1/assessment/instruments")).await.expect("list");
    assert_eq!(list["items"][0]["version"], "CN-NHSA-2021");
    assert_eq!(list["items"][0]["current"], true);
    let inst: Instrument =
        ApiClient::send(assessor.request(Method::GET, "/api/v1/assessment/instruments/CN-NHSA-2021"))
            .await
            .expect("get");
    assert_eq!(&inst, assessment::current(), "the app renders exactly the instrument the server grades with");
    let walking = inst.dimensions[0].items.iter().find(|i| i.code == "adl.walking").expect("item");
    assert_eq!(walking.name_zh, "平地行走");
    assert_eq!(walking.options.len(), 4);
    let missing = assessor.request(Method::GET, "/api/v1/assessment/instruments/XX-1999").send().await.expect("send");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

fn full_marks() -> Value {
    let mut answers = serde_json::Map::new();
    for item in assessment::current().dimensions.iter().flat_map(|d| &d.items) {
        answers.insert(item.code.clone(), json!(item.options.iter().map(|o| o.points).max()));
    }
    Value::Object(answers)
}

async fn the_server_grades_and_ignores_a_level_sent_by_the_client(app: TestApp) {
    let world = app.world().await;
    let assessor = world.as_user("assessor_a");
    let mut answers = full_marks();
    answers["adl.walking"] = json!(0);
    answers["adl.transfer"] = json!(0);
    answers["adl.stairs"] = json!(0); // ADL 60: moderate
    // A tampered client claims level 5; the server computes from the answers alone.
    let body = json!({"answers": answers, "level": 5, "level_name": "重度失能Ⅲ级"});
    let g: Grading =
        ApiClient::send(assessor.request(Method::POST, "/api/v1/assessment/grade").json(&body)).await.expect("grade");
    assert_eq!((g.level, g.level_name.as_str()), (2, "中度失能"));
    assert_eq!(g.dimensions["adl"].score, 60);
    let answers_map = serde_json::from_value(answers.clone()).expect("answers");
    assert_eq!(g, assessment::current().grade(&answers_map).expect("valid"), "phone and server agree");

    answers["adl.eating"] = json!(7);
    answers.as_object_mut().expect("object").remove("sen.hearing");
    let resp = assessor
        .request(Method::POST, "/api/v1/assessment/grade")
        .json(&json!({"answers": answers}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = resp.json().await.expect("json");
    let details = err["error"]["details"].as_object().expect("details");
    assert_eq!(details.keys().collect::<Vec<_>>(), ["answers.adl.eating", "answers.sen.hearing"]);
    assert_eq!(details["answers.adl.eating"]["code"], "not_allowed");
    assert_eq!(details["answers.sen.hearing"]["code"], "missing");
}
