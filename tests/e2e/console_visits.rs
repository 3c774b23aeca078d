//! 上门服务 and 异常处理 in the console, as institution staff use them: the queue counted by kind,
//! a missed check-in closed as not delivered and an unmatched visit linked from the queue, an
//! unscheduled visit rejected with a reason, a finding resolved and a bad time refused beside its
//! field on the visit's page, whose event stream shows the distance from home and every
//! correction; the same form sent twice recorded once; another institution's visit answering like
//! none; the auditor reading with no form.

use chrono::Duration;
use ltci_e2e::phone::{event, gps, local, proper_visit, upload};
use ltci_e2e::world::{TEST_PASSWORD, home_care_beneficiary, import_policy_a};
use ltci_e2e::{TestApp, on_both_databases, today};
use ltci_shared::PageQuery;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{
    CreateCarePlan, PlanItem, ScheduleRequest, UnscheduledReason, UnscheduledVisit, VisitEventBody, VisitState,
};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::console::Browser;

on_both_databases!(the_exception_queue_is_worked_in_the_console);

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

/// The value of the hidden field `name` in the form posting to `action` on `page`.
fn hidden(page: &str, action: &str, name: &str) -> String {
    let form = page.split(&format!("action=\"{action}\"")).nth(1).expect("the form");
    let value = form.split(&format!("name=\"{name}\" value=\"")).nth(1).expect("the field");
    value.split('"').next().unwrap_or_default().to_owned()
}

async fn the_exception_queue_is_worked_in_the_console(app: TestApp) {
    let world = app.world().await;
    import_policy_a(&world).await;
    let person = home_care_beneficiary(&app, &world, "队列", 71, 3).await;
    let api = world.as_user("inst_a1");
    let phone = world.as_user("carer_a1");
    let day = |back: i64| today() - Duration::days(back);
    let plan = api
        .create_care_plan(&CreateCarePlan {
            institution_id: None,
            insured_person_id: person,
            care_mode: CareMode::HomeVisit,
            start_on: day(4),
            end_on: today() + Duration::days(30),
            items: vec![PlanItem { code: "SF-01".into(), per_week: 7 }],
        })
        .await
        .expect("plan");
    let req = ScheduleRequest { plan_id: plan.id, caregiver_id: world.caregiver("carer_a1"), from: day(4), to: day(2) };
    let visits = api.schedule_visits(&req).await.expect("schedule").created;
    let on = |back: i64| visits.iter().find(|v| v.scheduled_on == day(back)).expect("a visit").clone();
    let (far, missed, twin) = (on(4), on(3), on(2));
    upload(phone, &proper_visit(&far, gps(0.01))).await;
    let instead = Uuid::now_v7();
    let mut afternoon = vec![
        event(instead, VisitEventBody::CheckIn { at: local(day(2), 300), position: gps(0.0) }),
        event(instead, VisitEventBody::Task { at: local(day(2), 310), item: "SF-01".into(), done: true, reason: None }),
        event(instead, VisitEventBody::CheckOut { at: local(day(2), 340), position: gps(0.0) }),
    ];
    let u = UnscheduledVisit { insured_person_id: person, on: day(2), reason: UnscheduledReason::Rescheduled };
    afternoon.iter_mut().for_each(|e| e.unscheduled = Some(u.clone()));
    upload(phone, &afternoon).await;

    let mut staff = signed_in(&app, "inst_a1").await;
    let queue = staff.get("/visits/exceptions").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("签到时距登记住址"), "the review item with its finding: {}", queue.body);
    let review_item = format!("/visits/{}", far.id);
    assert!(queue.body.contains(&review_item));

    // A missed check-in closed as not delivered from the queue, back on the queue.
    let tab = "/visits/exceptions?kind=missed_check_in";
    let listed = staff.get(tab).await;
    assert!(listed.body.contains(&format!("/visits/{}/correct", missed.id)), "{}", listed.body);
    let action = format!("/visits/{}/correct", missed.id);
    let id = hidden(&listed.body, &action, "correction_id");
    let fields = [
        ("correction_id", id.as_str()),
        ("action", "close"),
        ("not_delivered", "beneficiary_absent"),
        ("note", "家属电话告知外出就医"),
        ("back", tab),
    ];
    let closed = staff.submit(tab, &action, &fields).await;
    assert_eq!(closed.location, Some(format!("{tab}&done=ui_done_closed")), "{}", closed.body);
    // The same form sent again is the same correction: recorded once.
    staff.submit(tab, &action, &fields).await;
    let history = api.visit_events(missed.id, PageQuery::default()).await.expect("events").items;
    assert_eq!(history.len(), 1);
    assert_eq!(api.visit(missed.id).await.expect("visit").state, VisitState::Missed);

    // The unscheduled visit is linked to the day's scheduled one from the queue.
    let tab = "/visits/exceptions?kind=unmatched";
    let listed = staff.get(tab).await;
    let action = format!("/visits/{}/correct", twin.id);
    let id = hidden(&listed.body, &action, "correction_id");
    let instead_text = instead.to_string();
    let linked = staff
        .submit(
            tab,
            &action,
            &[("correction_id", &id), ("action", "link"), ("replaced_by", &instead_text), ("back", tab)],
        )
        .await;
    assert_eq!(linked.location, Some(format!("{tab}&done=ui_done_linked")), "{}", linked.body);
    assert_eq!(api.visit(twin.id).await.expect("visit").state, VisitState::Missed);

    // On the visit's page: a time that is no time refused beside its field; the finding resolved;
    // the stream shows the distance from home and the correction.
    let page = review_item.clone();
    let action = format!("{page}/correct");
    let bad = staff
        .submit(
            &page,
            &action,
            &[("correction_id", &Uuid::now_v7().to_string()), ("action", "times"), ("check_out_at", "明天")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("class=\"field invalid\"") && bad.body.contains("id=\"f-check_out_at\""), "{}", bad.body);
    let resolved = staff
        .submit(
            &page,
            &action,
            &[
                ("correction_id", &Uuid::now_v7().to_string()),
                ("action", "resolve"),
                ("exception", "outside_geofence"),
                ("resolution", "confirmed_by_beneficiary"),
                ("reason", "gps_drift"),
                ("note", "电话回访家属确认"),
            ],
        )
        .await;
    assert_eq!(resolved.location, Some(format!("{page}?done=ui_done_corrected")), "{}", resolved.body);
    let shown = staff.get(&page).await;
    assert!(shown.body.contains("距登记住址 1112 米"), "{}", shown.body);
    assert!(shown.body.contains("定位漂移") && shown.body.contains("电话回访家属确认"));
    assert_eq!(api.visit(far.id).await.expect("visit").state, VisitState::Verified);

    // Another institution: the visit and a crafted correction answer like none.
    let mut other = signed_in(&app, "inst_a2").await;
    assert_eq!(other.get(&page).await.status, StatusCode::NOT_FOUND);
    let crafted = other
        .submit(
            "/visits",
            &action,
            &[("correction_id", &Uuid::now_v7().to_string()), ("action", "decide"), ("resolution", "not_confirmed")],
        )
        .await;
    assert_eq!(crafted.status, StatusCode::NOT_FOUND);
    assert!(!other.get("/visits/exceptions?kind=unmatched").await.body.contains(&instead_text));

    // The auditor reads the queue and the visit with no form; a crafted step is refused.
    let mut auditor = signed_in(&app, "auditor_a").await;
    let read = auditor.get(&page).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("/correct\""), "no correction form for the auditor");
    let crafted = auditor
        .submit(
            "/visits",
            &action,
            &[("correction_id", &Uuid::now_v7().to_string()), ("action", "decide"), ("resolution", "not_confirmed")],
        )
        .await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);

    // The unscheduled visit itself rejected with a reason, from its page.
    let page = format!("/visits/{instead}");
    let rejected = staff
        .submit(
            &page,
            &format!("{page}/correct"),
            &[
                ("correction_id", &Uuid::now_v7().to_string()),
                ("action", "decide"),
                ("resolution", "not_confirmed"),
                ("note", "未经机构安排"),
            ],
        )
        .await;
    assert_eq!(rejected.location, Some(format!("{page}?done=ui_done_decided")));
    assert_eq!(api.visit(instead).await.expect("visit").state, VisitState::Rejected);
}
