//! What each role sees of a person (docs/api.md): no view, for any role, lets a masked ID number
//! be rebuilt from the rest of what it shows.

use ltci_e2e::world::{caregiver_request, home_care_beneficiary, import_policy_a, person};
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::Sex;
use ltci_shared::id_number::{Shown, numbers_fitting};
use reqwest::Method;
use serde_json::Value;

on_both_databases!(no_view_of_a_person_gives_the_masked_number_back);

/// The fewest ID numbers that must fit what a view shows of a masked one.
const ENOUGH: usize = 1_000;

/// Every object in `v` that names an ID number (`id_number` or `id_number_masked` as text).
fn people(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(o) => {
            let named = ["id_number", "id_number_masked"].iter().any(|k| o.get(*k).is_some_and(Value::is_string));
            if named {
                out.push(v.clone());
            }
            o.values().for_each(|x| people(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| people(x, out)),
        _ => {}
    }
}

/// Checks one response of `who`: the full numbers and birth dates it must not show are not in
/// it, and every masked number in it is hidden among at least [`ENOUGH`] numbers.
fn check(who: &str, path: &str, body: &Value, secrets: &[&str]) -> usize {
    let text = body.to_string();
    for s in secrets {
        assert!(!text.contains(s), "{who} {path} shows {s}: {text}");
    }
    let mut found = Vec::new();
    people(body, &mut found);
    for p in &found {
        let masked =
            p.get("id_number_masked").and_then(Value::as_str).or_else(|| p["id_number"].as_str()).unwrap_or("");
        assert!(masked.contains('*'), "{who} {path}: an unmasked number {p}");
        let today = ltci_e2e::today();
        let shown = Shown {
            age: p["age"].as_u64().and_then(|a| u32::try_from(a).ok()).map(|a| (a, today)),
            birth_date: p["birth_date"].as_str().and_then(|d| d.parse().ok()),
            sex: match p["sex"].as_str() {
                Some("male") => Some(Sex::Male),
                Some("female") => Some(Sex::Female),
                _ => None,
            },
        };
        let fitting = numbers_fitting(masked, shown, ENOUGH);
        assert!(fitting >= ENOUGH, "{who} {path}: only {fitting} numbers fit {p}");
    }
    found.len()
}

async fn get(app: &TestApp, client: &ltci_shared::client::ApiClient, path: &str) -> Value {
    let resp = client.request(Method::GET, path).send().await.expect("send");
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    let _ = app;
    resp.json().await.expect("json")
}

async fn no_view_of_a_person_gives_the_masked_number_back(app: TestApp) {
    let world = app.world().await;
    import_policy_a(&world).await;
    let id = home_care_beneficiary(&app, &world, "隐私", 31, 4).await;
    let full = person("隐私", 31).id_number;
    let person_secrets = [full.as_str(), "1940-03-15", "19400315"];
    let carer = world.caregiver("carer_a1");
    let carer_full = caregiver_request("护理员 carer_a1", 900, world.county("a1")).id_number;
    let carer_secrets = [carer_full.as_str(), "1975-06-01", "19750601"];

    // Agency officers see the person's full number and birth date: nothing is masked for them.
    let admin = get(&app, world.as_user("admin_a"), &format!("/api/v1/insured-persons/{id}")).await;
    assert_eq!((admin["id_number"].as_str(), admin["birth_date"].as_str()), (Some(full.as_str()), Some("1940-03-15")));

    let today = ltci_e2e::today();
    let person_views = [
        ("auditor_a", format!("/api/v1/insured-persons/{id}")),
        ("auditor_a", "/api/v1/insured-persons?name=隐私".to_owned()),
        ("assessor_a", format!("/api/v1/insured-persons/{id}")),
        ("inst_a1", format!("/api/v1/insured-persons/{id}")),
        ("inst_a1", "/api/v1/insured-persons".to_owned()),
        ("carer_a1", format!("/api/v1/insured-persons/{id}")),
        ("carer_a1", "/api/v1/sync/changes".to_owned()),
    ];
    let mut seen = 0;
    for (who, path) in &person_views {
        let body = get(&app, world.as_user(who), path).await;
        seen += check(who, path, &body, &person_secrets);
    }
    assert!(seen >= person_views.len(), "every view showed the person ({seen})");

    let report = format!("/api/v1/reports/caregiver-training?from={}&to={today}", today - chrono::Duration::days(365));
    let caregiver_views = [
        ("admin_a", format!("/api/v1/caregivers/{carer}")),
        ("admin_a", "/api/v1/caregivers".to_owned()),
        ("admin_a", report.clone()),
        ("auditor_a", format!("/api/v1/caregivers/{carer}")),
        ("auditor_a", report),
        ("inst_a1", "/api/v1/caregivers".to_owned()),
        ("carer_a1", format!("/api/v1/caregivers/{carer}")),
    ];
    for (who, path) in &caregiver_views {
        let body = get(&app, world.as_user(who), path).await;
        check(who, path, &body, &carer_secrets);
    }
}
