//! Late corrections that cost what changed: an approved month whose facts did not change since it
//! was last checked is not priced again; where some beneficiaries' facts changed, exactly their
//! lines are adjusted; a change that concerns every line (a policy version imported before the
//! approval) prices the month again whole; and facts stamped before a check but written after it
//! are caught by the margin.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, TimeDelta};
use ltci_e2e::world::policy_for_region_a;
use ltci_e2e::{TestApp, World, on_both_databases, today};
use ltci_server::entities::{bill, institution, insured_person, region};
use ltci_server::settlement::adjust;
use ltci_server::settlement::changes::Changed;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::partners::{PartnerBatch, PartnerEvent, PartnerEventKind, PartnerSource};
use ltci_shared::api::settlement::{BillLine, ComputeBill};
use ltci_shared::api::stays::{ChargeReport, DailyCharge};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::settlement::{all_lines, import_policy, last_month, month_before_last, resident};

on_both_databases!(
    only_the_beneficiaries_whose_facts_changed_are_priced_again,
    a_policy_imported_before_approval_prices_the_month_again
);

fn yuan(s: &str) -> Decimal {
    s.parse().expect("amount")
}

async fn a1(app: &TestApp, world: &World) -> institution::Model {
    institution::Entity::find_by_id(world.institution("a1")).one(&app.db).await.expect("read").expect("a1")
}

/// What is pending for a draft of the month starting `first`: each bill to price again and what changed.
async fn pending(
    app: &TestApp,
    inst: &institution::Model,
    first: NaiveDate,
    margin: TimeDelta,
) -> Vec<(String, Changed)> {
    let (bills, _) = adjust::pending(&app.db, inst, first, None, margin).await.expect("pending");
    bills.into_iter().map(|(b, c)| (b.month, c)).collect()
}

/// A bill's adjustments per beneficiary: (day, fund amount, whether it adjusts a settled line) in
/// order.
fn adjustments(lines: &[BillLine]) -> BTreeMap<Uuid, Vec<(NaiveDate, Decimal, bool)>> {
    let mut out: BTreeMap<Uuid, Vec<_>> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.adjusts_bill_id.is_some()) {
        out.entry(l.insured_person_id).or_default().push((l.service_on, l.fund_amount, l.adjusts_line_no.is_some()));
    }
    out
}

/// Charges of 95.00 for each of `days` of the stay.
async fn charge(world: &World, stay: Uuid, month: &str, days: impl Iterator<Item = NaiveDate>) {
    let charges = days.map(|on| DailyCharge { stay_id: stay, on, amount: yuan("95.00") }).collect();
    let report = ChargeReport { institution_id: None, month: month.into(), charges };
    world.as_user("inst_a1").report_stay_charges(&report).await.expect("charges");
}

fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

async fn only_the_beneficiaries_whose_facts_changed_are_priced_again(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (admin, a1_user) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    let (first_a, last_a, month_a) = month_before_last();
    let (first_b, last_b, month_b) = last_month();
    let first_now = today().with_day(1).expect("first of this month");
    let none = TimeDelta::zero();

    // Five residents since the first of the month before last, charged 95.00 a day (45.00 from the
    // fund) every day of both months (a month's charges are closed once its bill is approved).
    let mut residents = Vec::new();
    for seq in 0..5u16 {
        residents.push(resident(&app, &world, 801 + seq, first_a).await);
    }
    for (_, _, stay) in &residents {
        charge(&world, *stay, &month_a, days(first_a, last_a)).await;
        charge(&world, *stay, &month_b, days(first_b, last_b)).await;
    }
    let person = |n: usize| residents[n].0;
    let bill_a = a1_user.compute_bill(&ComputeBill { institution_id: None, month: month_a.clone() }).await.expect("a");
    a1_user.submit_bill(bill_a.id).await.expect("submit");
    admin.approve_bill(bill_a.id).await.expect("approve");
    let inst = a1(&app, &world).await;

    // Nothing changed since the approved month was submitted: nothing to price again, no adjustment.
    assert_eq!(pending(&app, &inst, first_b, none).await, vec![]);
    let compute_b = ComputeBill { institution_id: None, month: month_b.clone() };
    let bill_b = a1_user.compute_bill(&compute_b).await.expect("b");
    assert!(adjustments(&all_lines(a1_user, bill_b.id).await).is_empty());

    // Late facts, each for one resident: the first died on the 20th; the second was in hospital
    // from the 10th to the 13th; the third was reassessed at level 2 (not eligible for institutional
    // care) from the 15th. The fourth's and fifth's facts stay as they were.
    let event = |n: usize, reference: &str, kind, on| PartnerEvent {
        source: if kind == PartnerEventKind::Death {
            PartnerSource::CivilAffairs
        } else {
            PartnerSource::MedicalInsurance
        },
        external_ref: reference.into(),
        kind,
        id_number: residents[n].1.clone(),
        on,
        episode_ref: (kind != PartnerEventKind::Death).then(|| "ZY-81".into()),
        hospital: (kind != PartnerEventKind::Death).then(|| "市人民医院".into()),
    };
    let died_on = first_a + Duration::days(19);
    let (admitted, discharged) = (first_a + Duration::days(9), first_a + Duration::days(12));
    let events = vec![
        event(0, "MZ-81", PartnerEventKind::Death, died_on),
        event(1, "YB-81", PartnerEventKind::HospitalAdmission, admitted),
        event(1, "YB-82", PartnerEventKind::HospitalDischarge, discharged),
    ];
    admin.record_partner_events(&PartnerBatch { events }).await.expect("events");
    let region = region::Entity::find_by_id(world.region_a).one(&app.db).await.expect("read").expect("region");
    let reassessed_on = first_a + Duration::days(14);
    let existing = ltci_server::assessment::certificates::Existing {
        region,
        person_id: person(2),
        institution_id: None,
        care_mode: CareMode::Institutional,
        level: 2,
        effective_on: reassessed_on,
        expires_on: today() + Duration::days(700),
        recorded_by: Uuid::nil(),
        reason: "复评".into(),
        supersedes: true,
    };
    ltci_server::assessment::certificates::record_existing(&app.db, existing).await.expect("reassessed");

    let changed: BTreeSet<Uuid> = (0..3).map(person).collect();
    assert_eq!(pending(&app, &inst, first_b, none).await, vec![(month_a.clone(), Changed::Persons(changed.clone()))]);

    // Exactly their lines are adjusted.
    let bill_b = a1_user.compute_bill(&compute_b).await.expect("b again");
    let found = adjustments(&all_lines(a1_user, bill_b.id).await);
    assert_eq!(found.keys().copied().collect::<BTreeSet<_>>(), changed);
    let recovered =
        |from: NaiveDate, to: NaiveDate| days(from, to).map(|d| (d, yuan("-45.00"), true)).collect::<Vec<_>>();
    assert_eq!(found[&person(0)], recovered(died_on, last_a));
    assert_eq!(found[&person(1)], recovered(admitted, discharged - Duration::days(1)));
    assert_eq!(found[&person(2)], recovered(reassessed_on, last_a));

    // Once the bill carrying them is submitted and approved, both months are checked: nothing is
    // pending for this month's draft.
    a1_user.submit_bill(bill_b.id).await.expect("submit b");
    admin.approve_bill(bill_b.id).await.expect("approve b");
    assert_eq!(pending(&app, &inst, first_now, none).await, vec![]);

    // A writer that stamped the fifth resident's death an hour before B's submission but wrote it
    // after (a long import): no margin misses it; a day's margin prices both months again (all
    // this test wrote lies in the day before their checks) — and adjusts only the fifth's lines.
    let submitted_at = bill::Entity::find_by_id(bill_b.id)
        .one(&app.db)
        .await
        .expect("read")
        .and_then(|b| b.submitted_at)
        .expect("submitted");
    let fifth_died = first_a + Duration::days(24);
    insured_person::Entity::update_many()
        .col_expr(insured_person::Column::DiedOn, Expr::value(fifth_died))
        .col_expr(insured_person::Column::UpdatedAt, Expr::value(submitted_at - Duration::hours(1)))
        .filter(insured_person::Column::Id.eq(person(4)))
        .exec(&app.db)
        .await
        .expect("late write");
    assert_eq!(pending(&app, &inst, first_now, none).await, vec![]);
    let day = TimeDelta::days(1);
    let widened = pending(&app, &inst, first_now, day).await;
    assert_eq!(widened.iter().map(|(m, _)| m.clone()).collect::<Vec<_>>(), vec![month_a.clone(), month_b.clone()]);
    // (Whole: the policy version and the institution were written that day too.)
    assert!(widened.iter().all(|(_, c)| *c == Changed::Month), "{widened:?}");
    let rows = adjust::rows(&app.db, &inst, first_now, None, day).await.expect("rows");
    assert!(rows.iter().all(|r| r.person_id == person(4) && r.fund_fen == -4_500), "only the fifth's days");
    let in_a = rows.iter().filter(|r| r.on <= last_a).count();
    assert_eq!((in_a, rows.len() - in_a), (days(fifth_died, last_a).count(), days(first_b, last_b).count()));
}

async fn a_policy_imported_before_approval_prices_the_month_again(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (admin, a1_user) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    let (first_a, last_a, month_a) = month_before_last();
    let (first_b, _, month_b) = last_month();
    let (_, _, stay) = resident(&app, &world, 821, first_a).await;
    charge(&world, stay, &month_a, days(first_a, last_a)).await;
    let bill_a = a1_user.compute_bill(&ComputeBill { institution_id: None, month: month_a.clone() }).await.expect("a");
    a1_user.submit_bill(bill_a.id).await.expect("submit");

    // After the submission and before the approval, a version from the first of that month: the
    // daily cap 80.00 at 70 % (56.00 a day, 45.00 before). The approved month is priced under it.
    let version = policy_for_region_a()
        .replace(&format!("effective_from = \"{}-01-01\"", today().year()), &format!("effective_from = \"{first_a}\""))
        .replace(
            "mode = \"institutional\"\nlevels = [3, 4, 5]\nbasis = \"capped_per_day\"\namount = \"60.00\"\nfund_share = \"0.75\"",
            "mode = \"institutional\"\nlevels = [3, 4, 5]\nbasis = \"capped_per_day\"\namount = \"80.00\"\nfund_share = \"0.70\"",
        );
    assert!(version.contains("amount = \"80.00\""), "the version is rewritten");
    admin.import_policy(version, "application/toml").await.expect("version");
    admin.approve_bill(bill_a.id).await.expect("approve");
    let inst = a1(&app, &world).await;
    assert_eq!(pending(&app, &inst, first_b, TimeDelta::zero()).await, vec![(month_a.clone(), Changed::Month)]);

    let bill_b = a1_user.compute_bill(&ComputeBill { institution_id: None, month: month_b }).await.expect("b");
    let lines = all_lines(a1_user, bill_b.id).await;
    let adjusted: Vec<Decimal> =
        lines.iter().filter(|l| l.adjusts_bill_id == Some(bill_a.id)).map(|l| l.fund_amount).collect();
    assert_eq!(adjusted, vec![yuan("11.00"); days(first_a, last_a).count()]);
}
