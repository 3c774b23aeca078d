//! Stays in institutions: admission under a service relation, one bed a day across institutions,
//! the monthly bulk report of daily charges, discharge, and a reported death ending the stay.

use chrono::{Datelike, Duration, NaiveDate};
use ltci_e2e::world::{person, seed_certificate};
use ltci_e2e::{TestApp, World, field_code, field_codes, on_both_databases, today};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::{CreateServiceRelation, EndServiceRelation, ServiceRelationFilter};
use ltci_shared::api::partners::{PartnerBatch, PartnerEvent, PartnerEventKind, PartnerSource};
use ltci_shared::api::stays::{
    AdmitRequest, ChargeReport, ChargesQuery, DailyCharge, DischargeReason, DischargeRequest, StayFilter,
};
use ltci_shared::client::ClientError;
use ltci_shared::{PageQuery, money::to_yuan};
use rust_decimal::Decimal;
use uuid::Uuid;

on_both_databases!(one_bed_a_day_and_monthly_charges, a_reported_death_ends_the_stay);

/// A certified person (level 4) with an institutional-care relation with `inst` from 20 days ago.
pub(crate) async fn resident(app: &TestApp, world: &World, seq: u16, inst: &str) -> (Uuid, String) {
    let req = person("入住老人", seq);
    let p = world.as_user("admin_a").create_insured_person(&req).await.expect("register");
    seed_certificate(app, world.region_a, p.id, 4).await;
    ltci_e2e::world::choose(world, p.id, inst, CareMode::Institutional, today() - Duration::days(20)).await;
    world
        .as_user(&format!("inst_{inst}"))
        .start_service_relation(&CreateServiceRelation {
            insured_person_id: p.id,
            institution_id: world.institution(inst),
            care_mode: CareMode::Institutional,
            start_on: today() - Duration::days(20),
        })
        .await
        .expect("institutional relation");
    (p.id, req.id_number)
}

fn admit(person: Uuid, admitted_on: NaiveDate) -> AdmitRequest {
    AdmitRequest { institution_id: None, insured_person_id: person, care_mode: CareMode::Institutional, admitted_on }
}

fn month_of(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn yuan(s: &str) -> Decimal {
    s.parse().expect("amount")
}

fn conflict(e: &ClientError) -> bool {
    matches!(e, ClientError::Api { status, .. } if status.as_u16() == 409)
}

async fn one_bed_a_day_and_monthly_charges(app: TestApp) {
    let world = app.world().await;
    let (person, _) = resident(&app, &world, 301, "a1").await;
    let a1 = world.as_user("inst_a1");
    let a2 = world.as_user("inst_a2");

    // Home care is visits, not a stay; a2 serves the person in no bed-based mode.
    let mut home = admit(person, today() - Duration::days(12));
    home.care_mode = CareMode::HomeVisit;
    assert_eq!(field_code(&a1.admit(&home).await.expect_err("not a stay"), "care_mode"), "not_a_stay_mode");
    let e = a2.admit(&admit(person, today() - Duration::days(12))).await.expect_err("no relation with a2");
    assert_eq!(field_code(&e, "insured_person_id"), "no_service_relation");

    let admitted_on = today() - Duration::days(12);
    let stay = a1.admit(&admit(person, admitted_on)).await.expect("admitted to a1");
    assert_eq!(
        (stay.institution_id, stay.admitted_on, stay.discharged_on),
        (world.institution("a1"), admitted_on, None)
    );
    assert!(conflict(&a1.admit(&admit(person, today() - Duration::days(2))).await.expect_err("already in")));

    // The person moves to a2: a1's relation ends, a2's starts; a2 cannot admit while a1's bed is
    // still taken, and can from a1's discharge day (a transfer day is a bed-day of the new stay).
    let mine = ServiceRelationFilter { insured_person_id: Some(person), ..Default::default() };
    let relation = a1.list_service_relations(&mine, PageQuery::default()).await.expect("relations").items.remove(0);
    let moved_on = today() - Duration::days(4);
    a1.end_service_relation(
        relation.id,
        &EndServiceRelation { end_on: moved_on - Duration::days(1), reason: "转院".into() },
    )
    .await
    .expect("end a1's relation");
    ltci_e2e::world::choose(&world, person, "a2", CareMode::Institutional, moved_on).await;
    a2.start_service_relation(&CreateServiceRelation {
        insured_person_id: person,
        institution_id: world.institution("a2"),
        care_mode: CareMode::Institutional,
        start_on: moved_on,
    })
    .await
    .expect("a2's relation");
    let e = a2.admit(&admit(person, moved_on)).await.expect_err("a1's stay is open");
    assert!(conflict(&e), "{e}");

    // Before discharging, a1 reports the month's charges for the days the person was in.
    let month_day = moved_on - Duration::days(1);
    let month = month_of(month_day);
    let days: Vec<NaiveDate> =
        admitted_on.iter_days().take_while(|d| *d < moved_on).filter(|d| month_of(*d) == month).collect();
    let charge = |on: NaiveDate, amount: &str| DailyCharge { stay_id: stay.id, on, amount: yuan(amount) };

    // A report with mistakes is refused whole, each mistake named.
    let bad = ChargeReport {
        institution_id: None,
        month: month.clone(),
        charges: vec![
            charge(days[0], "95.00"),
            charge(admitted_on - Duration::days(1), "95.00"),
            charge(days[0], "95.00"),
            charge(*days.last().expect("a day"), "95.555"),
            charge(*days.last().expect("a day"), "0"),
            DailyCharge { stay_id: Uuid::now_v7(), on: days[0], amount: yuan("95.00") },
        ],
    };
    let e = a1.report_stay_charges(&bad).await.expect_err("refused");
    let codes = field_codes(&e);
    let before_admission =
        if month_of(admitted_on - Duration::days(1)) == month { "not_a_bed_day" } else { "not_in_month" };
    for (field, code) in [
        ("charges[1].on", before_admission),
        ("charges[2].on", "duplicate_day"),
        ("charges[3].amount", "too_precise"),
        ("charges[4].amount", "not_positive"),
        ("charges[5].stay_id", "unknown_stay"),
    ] {
        assert!(codes.contains(&(field.to_owned(), code.to_owned())), "{field} {code} in {codes:?}");
    }
    assert!(
        a1.stay_charges(stay.id, &ChargesQuery::default(), ltci_e2e::all()).await.expect("charges").items.is_empty(),
        "nothing written"
    );
    // Another institution cannot charge a1's stay.
    let theirs = ChargeReport { institution_id: None, month: month.clone(), charges: vec![charge(days[0], "95.00")] };
    assert_eq!(
        field_code(&a2.report_stay_charges(&theirs).await.expect_err("not a2's"), "charges[0].stay_id"),
        "unknown_stay"
    );

    let good = ChargeReport {
        institution_id: None,
        month: month.clone(),
        charges: days.iter().map(|d| charge(*d, "95.00")).collect(),
    };
    let n = u32::try_from(days.len()).expect("days");
    let out = a1.report_stay_charges(&good).await.expect("reported");
    assert_eq!((out.recorded, out.changed, out.unchanged), (n, 0, 0));
    assert_eq!(out.month_total, to_yuan(9500 * i64::from(n)));
    let again = a1.report_stay_charges(&good).await.expect("retry");
    assert_eq!((again.recorded, again.changed, again.unchanged, again.month_total), (0, 0, n, out.month_total));
    let fix = ChargeReport { institution_id: None, month: month.clone(), charges: vec![charge(days[0], "80.50")] };
    let fixed = a1.report_stay_charges(&fix).await.expect("corrected");
    assert_eq!((fixed.recorded, fixed.changed), (0, 1));
    assert_eq!(fixed.month_total, to_yuan(9500 * i64::from(n) - 1450));
    let stored = a1
        .stay_charges(stay.id, &ChargesQuery { month: Some(month.clone()) }, ltci_e2e::all())
        .await
        .expect("charges")
        .items;
    assert_eq!(stored.len(), days.len());
    assert_eq!((stored[0].on, stored[0].amount), (days[0], yuan("80.50")));

    // Discharging before a charged day is refused; on the move day it is accepted, and a2 admits.
    let last_charged = *days.last().expect("a day");
    let early = DischargeRequest { discharged_on: last_charged, reason: DischargeReason::Transferred };
    if last_charged > admitted_on {
        assert!(conflict(&a1.discharge(stay.id, &early).await.expect_err("charged that day")));
    }
    let out_req = DischargeRequest { discharged_on: moved_on, reason: DischargeReason::Transferred };
    let done = a1.discharge(stay.id, &out_req).await.expect("discharged");
    assert_eq!((done.discharged_on, done.discharge_reason), (Some(moved_on), Some(DischargeReason::Transferred)));
    assert!(conflict(&a1.discharge(stay.id, &out_req).await.expect_err("once")));
    let second = a2.admit(&admit(person, moved_on)).await.expect("admitted to a2 on the transfer day");

    // Each institution sees its own stays; the agency sees both; one stay has the person on a day.
    let hidden = a2.stay(stay.id).await.expect_err("a1's stay");
    assert!(matches!(&hidden, ClientError::Api { status, .. } if status.as_u16() == 404), "{hidden}");
    let all = world
        .as_user("auditor_a")
        .stays(&StayFilter { insured_person_id: Some(person), ..Default::default() }, PageQuery::default())
        .await
        .expect("stays");
    assert_eq!(all.items.iter().map(|s| s.id).collect::<Vec<_>>(), [second.id, stay.id]);
    let present = StayFilter { insured_person_id: Some(person), present_on: Some(moved_on), ..Default::default() };
    let on_move_day = world.as_user("admin_a").stays(&present, PageQuery::default()).await.expect("stays");
    assert_eq!(on_move_day.items.iter().map(|s| s.id).collect::<Vec<_>>(), [second.id]);
}

async fn a_reported_death_ends_the_stay(app: TestApp) {
    let world = app.world().await;
    let (person, id_number) = resident(&app, &world, 302, "a1").await;
    let a1 = world.as_user("inst_a1");
    let stay = a1.admit(&admit(person, today() - Duration::days(10))).await.expect("admitted");
    let died_on = today() - Duration::days(3);
    let death = PartnerEvent {
        source: PartnerSource::CivilAffairs,
        external_ref: "MZ-2026-0001".into(),
        kind: PartnerEventKind::Death,
        id_number,
        on: died_on,
        episode_ref: None,
        hospital: None,
    };
    let admin = world.as_user("admin_a");
    let out = admin.record_partner_events(&PartnerBatch { events: vec![death.clone()] }).await.expect("death");
    assert_eq!((out.applied, out.stays_discharged), (1, 1));
    let ended = a1.stay(stay.id).await.expect("stay");
    assert_eq!((ended.discharged_on, ended.discharge_reason), (Some(died_on), Some(DischargeReason::Deceased)));
    // No bed-day on or after the death; no new admission either.
    let report = ChargeReport {
        institution_id: None,
        month: month_of(died_on),
        charges: vec![DailyCharge { stay_id: stay.id, on: died_on, amount: yuan("60.00") }],
    };
    assert_eq!(
        field_code(&a1.report_stay_charges(&report).await.expect_err("after"), "charges[0].on"),
        "not_a_bed_day"
    );
    let e = a1.admit(&admit(person, today())).await.expect_err("deceased");
    assert_eq!(field_code(&e, "admitted_on"), "deceased");
    // The same report again is a duplicate and changes nothing.
    let again = admin.record_partner_events(&PartnerBatch { events: vec![death] }).await.expect("again");
    assert_eq!((again.applied, again.duplicates, again.stays_discharged), (0, 1, 0));
}
