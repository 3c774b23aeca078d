//! The supervision dashboard (监管看板): a month's visits per institution — missed, unscheduled,
//! outside the geofence, verified by a person, corrections — and its findings, each figure
//! listing the visits behind it; institution staff see only their own row.

use ltci_e2e::phone::{gps, proper_visit, upload};
use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{TestApp, all, on_both_databases};
use ltci_shared::api::care::{
    CorrectionReason, CorrectionRequest, ExceptionCode, NotDeliveredReason, ResolutionCode, VisitState,
};
use ltci_shared::api::supervision::{DashboardMeasure, DashboardVisitsQuery};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::settlement::{import_policy, last_month, scheduled_last_month};

on_both_databases!(the_dashboard_counts_a_months_visits_and_lists_each_figure);

fn correction() -> CorrectionRequest {
    CorrectionRequest {
        id: Uuid::now_v7(),
        reason: CorrectionReason::GpsDrift,
        exception: None,
        resolution: None,
        check_in_at: None,
        check_out_at: None,
        note: None,
        not_delivered: None,
        replaced_by: None,
    }
}

async fn the_dashboard_counts_a_months_visits_and_lists_each_figure(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (_, _, month) = last_month();
    let (admin, a1) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    let (_, v) = scheduled_last_month(&app, &world, "看板对象", 851, 4).await;
    let phone = world.as_user("carer_a1");
    // Two proper visits; one checked in 1.1 km away (outside the geofence), then confirmed by a
    // supervisor; one never checked into, closed as not delivered.
    upload(phone, &proper_visit(&v[0], gps(0.0))).await;
    upload(phone, &proper_visit(&v[1], gps(0.01))).await;
    upload(phone, &proper_visit(&v[3], gps(0.0))).await;
    let confirm = CorrectionRequest {
        exception: Some(ExceptionCode::OutsideGeofence),
        resolution: Some(ResolutionCode::ConfirmedBySupervisor),
        ..correction()
    };
    assert_eq!(a1.correct_visit(v[1].id, &confirm).await.expect("confirmed").state, VisitState::Verified);
    let absent = CorrectionRequest { not_delivered: Some(NotDeliveredReason::BeneficiaryAbsent), ..correction() };
    assert_eq!(a1.correct_visit(v[2].id, &absent).await.expect("closed").state, VisitState::Missed);

    let d = admin.supervision_dashboard(&month).await.expect("dashboard");
    let row = d.institutions.iter().find(|r| r.institution_id == world.institution("a1")).expect("a1's row");
    assert_eq!(
        (
            row.visits,
            row.missed,
            row.unscheduled,
            row.outside_geofence,
            row.verified,
            row.manually_verified,
            row.corrections
        ),
        (4, 1, 0, 1, 3, 1, 2)
    );
    assert_eq!(row.manually_verified_percent, Some(Decimal::new(333, 1)));
    assert_eq!(status_of(&admin.supervision_dashboard("2026-13").await.expect_err("bad month")), 422);

    // Each figure lists its visits.
    let list = |measure| DashboardVisitsQuery {
        institution_id: Some(world.institution("a1")),
        month: Some(month.clone()),
        measure: Some(measure),
    };
    for (measure, expected) in [
        (DashboardMeasure::Missed, vec![v[2].id]),
        (DashboardMeasure::OutsideGeofence, vec![v[1].id]),
        (DashboardMeasure::ManuallyVerified, vec![v[1].id]),
        (DashboardMeasure::Corrected, vec![v[1].id, v[2].id]),
        (DashboardMeasure::Unscheduled, vec![]),
    ] {
        let found = admin.dashboard_visits(&list(measure), all()).await.expect("visits").items;
        assert_eq!(found.iter().map(|x| x.id).collect::<Vec<_>>(), expected, "{measure:?}");
    }

    let none = DashboardVisitsQuery { institution_id: None, month: None, measure: None };
    let e = admin.dashboard_visits(&none, all()).await.expect_err("nothing named");
    let fields: Vec<String> = ltci_e2e::field_codes(&e).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields.len(), 3, "{fields:?}");

    // Institution staff: their own row only; another institution's visits are not listed.
    let own = a1.supervision_dashboard(&month).await.expect("a1");
    assert!(own.institutions.iter().all(|r| r.institution_id == world.institution("a1")));
    let theirs = world.as_user("inst_a2").supervision_dashboard(&month).await.expect("a2");
    assert!(theirs.institutions.iter().all(|r| r.institution_id != world.institution("a1")));
    let peek = world.as_user("inst_a2").dashboard_visits(&list(DashboardMeasure::Corrected), all()).await.expect("a2");
    assert!(peek.items.is_empty());
    assert_eq!(status_of(&world.as_user("carer_a1").supervision_dashboard(&month).await.expect_err("carer")), 403);

    // The console: the figures link to their visits.
    let mut officer = crate::console::Browser::new(&app);
    officer.sign_in("admin_a", TEST_PASSWORD).await;
    let page = officer.get(&format!("/supervision?month={month}")).await;
    let drill = format!(
        "/supervision/visits?institution={}&#38;month={month}&#38;measure=outside_geofence",
        world.institution("a1")
    );
    assert!(page.body.contains(&drill) && page.body.contains("33.3%"), "{}", page.body);
    let listed = officer.get(&drill.replace("&#38;", "&")).await;
    assert!(
        listed.body.contains(&format!("/visits/{}", v[1].id)) && !listed.body.contains(&format!("/visits/{}", v[0].id)),
        "{}",
        listed.body
    );
}

fn status_of(e: &ltci_shared::client::ClientError) -> u16 {
    crate::settlement::status(e)
}
