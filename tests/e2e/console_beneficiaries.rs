//! 服务对象 and 护理计划 in the console, as institution staff use them: a person found by the exact
//! ID number (posted; a bad number refused beside the field, nobody's number said so) and served
//! where they chose the institution; a home-visit plan made from the catalogue with the level's
//! cap shown (a frequency above the catalogue's refused beside its item), its estimate, its visits
//! scheduled for the assigned caregiver and listed; the service ended with a reason; another
//! institution's staff seeing none of it and refused a crafted step like an id that does not exist.

use ltci_e2e::world::{TEST_PASSWORD, choose, id_number, import_policy_a, person, seed_certificate};
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::workforce::CreateAssignment;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::console::Browser;

on_both_databases!(a_person_is_found_served_planned_scheduled_and_the_service_ended);

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

async fn a_person_is_found_served_planned_scheduled_and_the_service_ended(app: TestApp) {
    let world = app.world().await;
    import_policy_a(&world).await;
    let newcomer = person("赵春兰", 441);
    let p = world.as_user("admin_a").create_insured_person(&newcomer).await.expect("person");
    seed_certificate(&app, world.region_a, p.id, 3).await;
    let today = ltci_e2e::today();
    choose(&world, p.id, "a1", CareMode::HomeVisit, today).await;
    let mut staff = signed_in(&app, "inst_a1").await;
    assert!(!staff.get("/beneficiaries").await.body.contains("赵春兰"), "not served yet");

    // A mistyped number is refused beside the field; a valid number of nobody here is said so.
    let mut typo = newcomer.id_number.clone();
    let last = if typo.ends_with('1') { '2' } else { '1' };
    typo.pop();
    typo.push(last);
    let refused = staff.submit("/beneficiaries", "/beneficiaries/find", &[("id_number", &typo)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("class=\"field invalid\""), "{}", refused.body);
    let nobody = id_number(chrono::NaiveDate::from_ymd_opt(1950, 1, 1).expect("day"), 443);
    let none = staff.submit("/beneficiaries", "/beneficiaries/find", &[("id_number", &nobody)]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("本统筹区没有此身份证号码的参保人"));
    let found = staff.submit("/beneficiaries", "/beneficiaries/find", &[("id_number", &newcomer.id_number)]).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains("赵春兰") && !found.body.contains(&newcomer.id_number), "masked");
    assert!(found.body.contains("开始服务：居家上门护理"), "{}", found.body);
    let person_id = p.id.to_string();
    let today_text = today.to_string();
    let opened = staff
        .submit(
            "/beneficiaries",
            "/beneficiaries",
            &[("insured_person_id", &person_id), ("care_mode", "home_visit"), ("start_on", &today_text)],
        )
        .await;
    assert_eq!(opened.location.as_deref(), Some("/beneficiaries?done=ui_done_relation_opened"), "{}", opened.body);
    let list = staff.get("/beneficiaries").await;
    assert!(list.body.contains("赵春兰"));
    let new_plan = format!("/plans/new?person={person_id}&mode=home_visit");
    assert!(list.body.contains(&new_plan.replace('&', "&#38;")), "a link to make the plan: {}", list.body);

    // The plan form shows the catalogue and the level's cap; a frequency above the catalogue's
    // is refused beside its item and nothing is saved.
    let form = staff.get(&new_plan).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("头面部清洁护理") && form.body.contains("每月最高支付"), "{}", form.body);
    let end = (today + chrono::Duration::days(59)).to_string();
    let fields = |sf03: &'static str| {
        [
            ("insured_person_id", person_id.as_str()),
            ("care_mode", "home_visit"),
            ("start_on", today_text.as_str()),
            ("end_on", end.as_str()),
            ("per_week_SF-01", "3"),
            ("per_week_SF-03", sf03),
        ]
    };
    let refused = staff.submit(&new_plan, "/plans", &fields("5")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body.matches("class=\"why\"").count(), 1, "{}", refused.body);
    let sf03_row = refused.body.split("<code>SF-03</code>").nth(1).and_then(|r| r.split("</tr>").next());
    assert!(sf03_row.is_some_and(|r| r.contains("class=\"why\"")), "the refusal beside SF-03: {}", refused.body);
    let made = staff.submit(&new_plan, "/plans", &fields("1")).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let plan_page = made.location.expect("the plan").split('?').next().unwrap_or_default().to_owned();
    let plan = staff.get(&plan_page).await;
    assert!(plan.body.contains("按计划频次估算每月费用"), "{}", plan.body);
    assert!(plan.body.contains("尚无护理人员分派给此人"), "nobody assigned yet");

    // Scheduled once the caregiver is assigned: the coming visits are listed.
    world
        .as_user("inst_a1")
        .assign_caregiver(&CreateAssignment {
            caregiver_id: world.caregiver("carer_a1"),
            insured_person_id: p.id,
            start_on: today,
        })
        .await
        .expect("assign");
    let carer = world.caregiver("carer_a1").to_string();
    let to = (today + chrono::Duration::days(13)).to_string();
    let scheduled = staff
        .submit(
            &plan_page,
            &format!("{plan_page}/schedule"),
            &[("caregiver_id", &carer), ("from", &today_text), ("to", &to)],
        )
        .await;
    assert_eq!(scheduled.location, Some(format!("{plan_page}?done=ui_done_scheduled")), "{}", scheduled.body);
    let plan = staff.get(&plan_page).await;
    assert!(plan.body.matches("href=\"/visits/").count() >= 6, "two weeks of visits: {}", plan.body);

    // Another institution: nothing of it is shown, and a crafted step answers like none.
    let mut other = signed_in(&app, "inst_a2").await;
    assert!(!other.get("/beneficiaries").await.body.contains("赵春兰"));
    assert_eq!(other.get(&plan_page).await.status, StatusCode::NOT_FOUND);
    let crafted =
        other.submit("/beneficiaries", &format!("{plan_page}/end"), &[("end_on", &today_text), ("reason", "x")]).await;
    assert_eq!(crafted.status, StatusCode::NOT_FOUND);
    let nobody_plan = format!("/plans/{}", Uuid::now_v7());
    assert_eq!(other.get(&nobody_plan).await.status, StatusCode::NOT_FOUND);
    // The person did not choose a2: its staff find them but are offered no service to open.
    let found = other.submit("/beneficiaries", "/beneficiaries/find", &[("id_number", &newcomer.id_number)]).await;
    assert!(!found.body.contains("开始服务"), "{}", found.body);

    // The service ends with a reason (a blank one refused).
    let list = staff.get("/beneficiaries").await;
    let relation = list
        .body
        .split("action=\"/beneficiaries/")
        .nth(1)
        .expect("an end form")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let action = format!("/beneficiaries/{relation}/end");
    let blank = staff.submit("/beneficiaries", &action, &[("end_on", &today_text), ("reason", "")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let crafted = other.submit("/beneficiaries", &action, &[("end_on", &today_text), ("reason", "x")]).await;
    assert_eq!(crafted.status, StatusCode::NOT_FOUND);
    let ended = staff.submit("/beneficiaries", &action, &[("end_on", &today_text), ("reason", "家属接回")]).await;
    assert_eq!(ended.location.as_deref(), Some("/beneficiaries?done=ui_done_relation_ended"), "{}", ended.body);
    assert!(!staff.get("/beneficiaries").await.body.contains("赵春兰"), "served now: no longer");
    assert!(staff.get("/beneficiaries?show=all").await.body.contains("赵春兰"));
}
