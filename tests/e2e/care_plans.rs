//! Care plans: checked against the certificate, the service relation and the benefit policy in
//! force; scheduling spreads a plan's items over the week, once per day however often it is asked.

use chrono::Duration;
use ltci_e2e::world::{home_care_beneficiary, import_policy_a, person, seed_certificate};
use ltci_e2e::{TestApp, field_code, field_codes, on_both_databases, today};
use ltci_shared::PageQuery;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{CarePlanFilter, CreateCarePlan, EndCarePlan, PlanItem, ScheduleRequest, VisitState};
use reqwest::StatusCode;

on_both_databases!(plans_are_checked_against_the_policy, scheduling_spreads_items_and_never_duplicates);

fn item(code: &str, per_week: u32) -> PlanItem {
    PlanItem { code: code.into(), per_week }
}

fn home_plan(person: uuid::Uuid, items: Vec<PlanItem>) -> CreateCarePlan {
    CreateCarePlan {
        institution_id: None,
        insured_person_id: person,
        care_mode: CareMode::HomeVisit,
        start_on: today() - Duration::days(2),
        end_on: today() + Duration::days(90),
        items,
    }
}

async fn plans_are_checked_against_the_policy(app: TestApp) {
    let world = app.world().await;
    let staff = world.as_user("inst_a1");
    let person = home_care_beneficiary(&app, &world, "计划甲", 31, 3).await;
    let items = vec![item("SF-01", 7), item("SF-03", 2)];

    // Without a policy in force nothing can be planned.
    let err = staff.create_care_plan(&home_plan(person, items.clone())).await.expect_err("no policy");
    assert_eq!(field_code(&err, "start_on"), "no_policy");
    import_policy_a(&world).await;

    // Each item problem at its index; nothing created.
    let bad = vec![item("SF-01", 8), item("XX-99", 1), item("SF-03", 2), item("SF-03", 1), item("SF-02", 0)];
    let err = staff.create_care_plan(&home_plan(person, bad)).await.expect_err("bad items");
    let mut expected: Vec<(String, String)> = [
        ("items[0].per_week", "over_maximum"),
        ("items[1].code", "unknown_item"),
        ("items[3].code", "duplicate"),
        ("items[4].per_week", "out_of_range"),
    ]
    .iter()
    .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
    .collect();
    expected.sort();
    assert_eq!(field_codes(&err), expected);
    let err = staff.create_care_plan(&home_plan(person, vec![])).await.expect_err("no items");
    assert_eq!(field_code(&err, "items"), "required");
    let mut backwards = home_plan(person, items.clone());
    backwards.end_on = backwards.start_on - Duration::days(1);
    assert_eq!(field_code(&staff.create_care_plan(&backwards).await.expect_err("dates"), "end_on"), "before_start");

    // The person must be served in that mode, certified, and at an eligible level.
    let mut institutional = home_plan(person, vec![]);
    institutional.care_mode = CareMode::Institutional;
    assert_eq!(field_code(&staff.create_care_plan(&institutional).await.expect_err("mode"), "care_mode"), "not_served");
    let stranger = world.as_user("admin_a").create_insured_person(&person_req(32)).await.expect("register");
    let err = staff.create_care_plan(&home_plan(stranger.id, items.clone())).await.expect_err("uncertified");
    assert_eq!(field_code(&err, "insured_person_id"), "not_certified");
    let mild = home_care_beneficiary(&app, &world, "轻度", 33, 1).await;
    let err = staff.create_care_plan(&home_plan(mild, items.clone())).await.expect_err("level 1");
    assert_eq!(field_code(&err, "care_mode"), "level_not_eligible");
    seed_certificate(&app, world.region_a, stranger.id, 3).await;
    let err = staff.create_care_plan(&home_plan(stranger.id, items.clone())).await.expect_err("not a1's");
    assert_eq!(field_code(&err, "care_mode"), "not_served");

    // A sound plan; a second overlapping one is a conflict; another institution may not plan for a1.
    let plan = staff.create_care_plan(&home_plan(person, items.clone())).await.expect("plan");
    assert_eq!((plan.level, plan.items.clone()), (3, items.clone()));
    let again = staff.create_care_plan(&home_plan(person, items.clone())).await.expect_err("overlap");
    assert_eq!(again.status(), Some(StatusCode::CONFLICT));
    let mut for_a1 = home_plan(person, items.clone());
    for_a1.institution_id = Some(world.institution("a1"));
    assert_eq!(world.as_user("inst_a2").create_care_plan(&for_a1).await.expect_err("other").code(), Some("forbidden"));
    assert_eq!(world.as_user("carer_a1").create_care_plan(&for_a1).await.expect_err("carer").code(), Some("forbidden"));

    // Who sees it: a1 and its caregiver of the person, officers; not a2, not region B.
    assert_eq!(world.as_user("carer_a1").care_plan(plan.id).await.expect("caregiver reads").id, plan.id);
    assert_eq!(world.as_user("auditor_a").care_plan(plan.id).await.expect("auditor reads").id, plan.id);
    for other in ["inst_a2", "carer_a2", "admin_b"] {
        let err = world.as_user(other).care_plan(plan.id).await.expect_err(other);
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND), "{other}");
    }
    let filter = CarePlanFilter { insured_person_id: Some(person), active_on: Some(today()), ..Default::default() };
    assert_eq!(world.as_user("admin_a").care_plans(&filter, PageQuery::default()).await.expect("list").total, 1);

    // Ending early: the plan stops on its new last day, a new plan may follow it.
    let end = EndCarePlan { end_on: today() + Duration::days(10), reason: "改为机构护理".into() };
    let ended = staff.end_care_plan(plan.id, &end).await.expect("end");
    assert_eq!(ended.end_on, end.end_on);
    let mut next = home_plan(person, vec![item("SF-02", 14)]);
    next.start_on = end.end_on + Duration::days(1);
    staff.create_care_plan(&next).await.expect("a plan after the first");
}

fn person_req(seq: u16) -> ltci_shared::api::registry::CreateInsuredPersonRequest {
    person("路人", seq)
}

async fn scheduling_spreads_items_and_never_duplicates(app: TestApp) {
    let world = app.world().await;
    import_policy_a(&world).await;
    let staff = world.as_user("inst_a1");
    let person = home_care_beneficiary(&app, &world, "排班", 41, 4).await;
    let plan = staff
        .create_care_plan(&home_plan(person, vec![item("SF-01", 7), item("SF-03", 2), item("SF-02", 14)]))
        .await
        .expect("plan");
    let req = ScheduleRequest {
        plan_id: plan.id,
        caregiver_id: world.caregiver("carer_a1"),
        from: today(),
        to: today() + Duration::days(13),
    };
    let first = staff.schedule_visits(&req).await.expect("schedule two weeks");
    assert_eq!((first.created.len(), first.existing), (14, 0));
    let count = |code: &str| -> u32 {
        first.created.iter().flat_map(|v| &v.planned_items).filter(|p| p.code == code).map(|p| p.times).sum()
    };
    assert_eq!((count("SF-01"), count("SF-03"), count("SF-02")), (14, 4, 28), "each item its weekly frequency");
    assert!(first.created.iter().all(|v| v.state == VisitState::Scheduled && v.caregiver_id == req.caregiver_id));

    // Asking again creates nothing; a longer range only the new days.
    let again = staff.schedule_visits(&req).await.expect("again");
    assert_eq!((again.created.len(), again.existing), (0, 14));
    let longer = ScheduleRequest { to: today() + Duration::days(15), ..req.clone() };
    assert_eq!(staff.schedule_visits(&longer).await.expect("longer").created.len(), 2);

    // Only a caregiver assigned to the person, of the plan's institution.
    let other = ScheduleRequest { caregiver_id: world.caregiver("carer_a2"), ..req.clone() };
    let err = staff.schedule_visits(&other).await.expect_err("a2's caregiver");
    assert_eq!(field_code(&err, "caregiver_id"), "unknown_caregiver");
    let too_long = ScheduleRequest { to: today() + Duration::days(80), ..req.clone() };
    assert_eq!(field_code(&staff.schedule_visits(&too_long).await.expect_err("range"), "to"), "too_long");
}
