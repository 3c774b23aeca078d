//! A generated city (`ltci-server demo --scale N`): its registers come in through the imports, its
//! past months' services are the rows the services write (each visit what the event service
//! derives from its events, each event what a phone's retry is recognised by), its month bills,
//! nobody is billed in hospital or after death, and building it again changes nothing.

use chrono::{Datelike, Duration};
use ltci_e2e::world::{World, policy_for_region_a};
use ltci_e2e::{TestApp, on_both_databases, today};
use ltci_server::auth::Actor;
use ltci_server::care::stays::month_bounds;
use ltci_server::demo::city::{self, CityOptions, CityReport};
use ltci_server::entities::{certificate, institution, insured_person, visit};
use ltci_server::settlement::rows::rows_explained;
use ltci_server::settlement::{facts, month_lines, packs};
use ltci_server::supervision::analysis;
use ltci_shared::api::care::{EventBatch, EventOutcome, VisitEvent, VisitFilter, VisitState};
use ltci_shared::api::registry::{InsuredPersonFilter, PersonStatus};
use ltci_shared::api::settlement::{BillFilter, LinesQuery, MonthEndRequest};
use ltci_shared::api::supervision::{FindingFilter, MonitorRequest, Rule};
use ltci_shared::client::ApiClient;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

on_both_databases!(a_generated_city_is_brought_in_served_and_billed);

/// Region A's officer imports the demo policy, in force since 1 January of last year (so the
/// two months of services are covered in January too).
async fn import_policy(world: &World) {
    let year = today().year();
    let policy = policy_for_region_a()
        .replace(&format!("effective_from = \"{year}-01-01\""), &format!("effective_from = \"{}-01-01\"", year - 1));
    world.as_user("admin_a").import_policy(policy, "application/toml").await.expect("policy");
}

async fn build(app: &TestApp, options: &CityOptions) -> CityReport {
    let actor = Actor::for_command_line(&app.db, "admin_a").await.expect("officer");
    city::build(&app.state, &actor, options, &mut |_, _, _| {}).await.expect("the city builds")
}

async fn a_generated_city_is_brought_in_served_and_billed(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let dir = tempfile::tempdir().expect("dir");
    let options = CityOptions { scale: 80, seed: 7, months: 2, out: dir.path().to_path_buf() };
    let report = build(&app, &options).await;

    // Every register came in whole through its import, from the files written.
    assert_eq!(report.imports.len(), 6);
    for s in &report.imports {
        assert_eq!((s.created, s.unchanged), (s.lines, 0), "{:?}", s.kind);
        let file = std::fs::read_to_string(dir.path().join(format!("{}.csv", s.kind.as_str()))).expect("file");
        assert_eq!(file.lines().count() - 1, s.lines as usize, "{:?}", s.kind);
    }
    let admin = world.as_user("admin_a");
    let persons = admin.list_insured_persons(&InsuredPersonFilter::default(), ltci_e2e::all()).await.expect("persons");
    assert_eq!(persons.total, 88, "80 beneficiaries and 8 insured without a certificate");

    // What changes within the period: a new policy version from the middle month, and a few
    // beneficiaries reassessed at another level (their earlier certificate superseded, still in
    // force for the days before: every visit below verifies as it did when it was recorded).
    let count = |name: &str| report.stages.iter().find(|s| s.name.en() == name).map(|s| s.count);
    assert_eq!(count("policy changed within the period"), Some(1));
    let reassessed = count("reassessed at another level").expect("the stage");
    assert!(reassessed > 0, "some beneficiaries reassessed");
    let superseded = certificate::Entity::find()
        .filter(certificate::Column::RegionId.eq(world.region_a))
        .filter(certificate::Column::Status.eq("superseded"))
        .all(&app.db)
        .await
        .expect("certificates");
    assert_eq!(superseded.len() as u64, reassessed);

    // Deaths came through the partner-event import: the persons deceased, as many as reported.
    let partner = std::fs::read_to_string(dir.path().join("partner-events.csv")).expect("partner events");
    let deaths = partner.lines().filter(|l| l.contains(",death,")).count();
    let deceased = persons.items.iter().filter(|p| p.status == PersonStatus::Deceased).count();
    assert_eq!(deceased, deaths);

    // Home visits verified and not; each one's derived columns are what the event service
    // derives from its stored events.
    let visits =
        visit::Entity::find().filter(visit::Column::RegionId.eq(world.region_a)).all(&app.db).await.expect("visits");
    assert!(visits.len() > 100, "{} visits", visits.len());
    let states: std::collections::BTreeSet<String> = visits.iter().map(|v| v.state.clone()).collect();
    for state in ["verified", "needs_review", "scheduled"] {
        assert!(states.contains(state), "{state} in {states:?}");
    }
    for v in &visits {
        let txn = app.db.begin().await.expect("txn");
        let again = ltci_server::care::events::reverify(&app.state, &txn, v.id).await.expect("reverify");
        txn.rollback().await.expect("rollback");
        assert_eq!(
            (
                &again.state,
                &again.tasks,
                &again.exceptions,
                again.event_count,
                again.checked_in_at,
                again.checked_out_at
            ),
            (&v.state, &v.tasks, &v.exceptions, v.event_count, v.checked_in_at, v.checked_out_at),
            "visit {} on {}",
            v.id,
            v.scheduled_on
        );
    }

    // The first home caregiver signs in with the demo password; the phone's resent events are
    // each recognised as the stored one.
    let [_, _, carer_login] = report.logins.as_slice() else { panic!("logins {:?}", report.logins) };
    let (carer, _) =
        ApiClient::new(&app.base_url).signed_in(carer_login, ltci_server::demo::DEMO_PASSWORD).await.expect("login");
    let own = carer.visits(&VisitFilter::default(), ltci_e2e::all()).await.expect("own visits").items;
    assert!(!own.is_empty());
    let mut resent = Vec::new();
    for v in own.iter().filter(|v| v.state != VisitState::Scheduled) {
        for e in admin.visit_events(v.id, ltci_e2e::all()).await.expect("events").items {
            if !matches!(e.body, ltci_shared::api::care::VisitEventBody::Correction { .. }) {
                resent.push((VisitEvent { id: e.id, visit_id: e.visit_id, unscheduled: None, body: e.body }, v.state));
            }
        }
    }
    for chunk in resent.chunks(100) {
        let batch =
            EventBatch { device_id: "the same phone".into(), events: chunk.iter().map(|(e, _)| e.clone()).collect() };
        let outcome = carer.sync_events(&batch).await.expect("sync");
        for ((_, state), r) in chunk.iter().zip(&outcome.results) {
            assert_eq!((r.outcome, r.replay, r.visit_state), (EventOutcome::Applied, true, Some(*state)), "{r:?}");
        }
    }

    // Last month bills: bed-days, visit items and family-care days, none payable in hospital or
    // after death.
    let first_this = today().with_day(1).expect("first");
    let last_month = (first_this - Duration::days(1)).format("%Y-%m").to_string();
    let run = admin.month_end(&MonthEndRequest { month: last_month.clone() }).await.expect("month-end");
    assert!(run.results.iter().any(|r| r.fund_amount.is_some_and(|a| a > rust_decimal::Decimal::ZERO)));
    let bills = admin
        .bills(&BillFilter { month: Some(last_month), ..Default::default() }, ltci_e2e::all())
        .await
        .expect("bills")
        .items;
    let mut sources = std::collections::BTreeSet::new();
    let died: std::collections::HashMap<uuid::Uuid, chrono::NaiveDate> = insured_person::Entity::find()
        .filter(insured_person::Column::RegionId.eq(world.region_a))
        .all(&app.db)
        .await
        .expect("persons")
        .into_iter()
        .filter_map(|p| p.died_on.map(|d| (p.id, d)))
        .collect();
    for b in &bills {
        for line in admin.bill_lines(b.id, &LinesQuery::default(), ltci_e2e::all()).await.expect("lines").items {
            sources.insert(line.source.clone());
            if let Some(d) = died.get(&line.insured_person_id) {
                assert!(line.service_on < *d || line.fund_amount.is_zero(), "billed after death: {line:?}");
            }
        }
    }
    assert_eq!(sources.into_iter().collect::<Vec<_>>(), ["family_care", "stay", "visit"]);

    // Lines are stored packed, without their explanations: read back, each is the line the
    // month-end priced and explains itself with the steps it had then — its beneficiary's lines
    // priced again alone give what the whole institution's month gave.
    for b in &bills {
        let inst = institution::Entity::find_by_id(b.institution_id).one(&app.db).await.expect("read").expect("one");
        let tier = inst.hospital_tier.and_then(|t| u8::try_from(t).ok());
        let bounds = month_bounds(&b.month).expect("month");
        let facts = facts::read(&app.db, world.region_a, inst.id, tier, bounds, None, None).await.expect("facts");
        let priced = rows_explained(&facts, true);
        let stored = packs::explained(&app.db, packs::of_bill(&app.db, b.id).await.expect("lines")).await.expect("x");
        assert_eq!(stored.len(), priced.len());
        for ((row, x), (line, y)) in priced.iter().zip(&stored) {
            assert_eq!((row, x), (&line.row, y), "line {} of {}", line.line_no, b.id);
        }
    }
    // `ltci-server bill-lines`: every line of the month's bills, a row each.
    let officer = Actor::for_command_line(&app.db, "admin_a").await.expect("officer");
    let mut csv = Vec::new();
    let written = month_lines::write(&app.db, &officer, &bills[0].month, &mut csv).await.expect("lines");
    assert_eq!(written, bills.iter().map(|b| u64::from(b.line_count)).sum::<u64>());
    assert_eq!(String::from_utf8(csv).expect("utf-8").lines().count() as u64, written + 1);
    let wrong = month_lines::write(&app.db, &officer, "2026-13", Vec::new()).await.expect_err("no such month");
    assert_eq!(wrong.details().keys().map(String::as_str).collect::<Vec<_>>(), ["month"]);

    // Built again: every import finds its lines there, every stage writes nothing.
    let again = build(&app, &options).await;
    for s in &again.imports {
        assert_eq!((s.created, s.unchanged), (0, s.lines), "{:?}", s.kind);
    }
    for s in &again.stages {
        assert_eq!(s.count, 0, "{}", s.name.en());
    }
    let after =
        visit::Entity::find().filter(visit::Column::RegionId.eq(world.region_a)).all(&app.db).await.expect("visits");
    assert_eq!(after.len(), visits.len());

    // The monthly analysis of last month: on the clean city at most a couple of findings (a
    // caregiver's next home a little far for the time between visits, say); with a fraud of each
    // kind planted, every one of them found, naming its stay or visit.
    let first_of_last = first_this - Duration::days(1);
    let month = first_of_last.format("%Y-%m").to_string();
    let officer = Actor::for_command_line(&app.db, "admin_a").await.expect("officer");
    let analyse = || async {
        let req = MonitorRequest { month: month.clone() };
        analysis::run(&app.state, &officer, req, &mut |_, _, _| {}).await.expect("analysis")
    };
    let clean = analyse().await;
    assert!(clean.visits > 100 && clean.bed_days > 100, "{clean:?}");
    let false_positives: u64 = clean.rules.iter().map(|r| r.found).sum();
    assert!(false_positives <= 2, "findings on the clean city: {:?}", clean.rules);
    let bounds = (first_of_last.with_day(1).expect("first"), first_of_last);
    let planted = city::frauds::plant(&app.db, world.region_a, bounds, 1, 7).await.expect("planted");
    for rule in [Rule::BedWhileHospitalised, Rule::BedAfterDeath, Rule::ImpossibleTravel, Rule::SameGpsPoint] {
        assert_eq!(planted.iter().filter(|p| p.rule == rule).count(), 1, "{rule:?} planted: {planted:?}");
    }
    let report = analyse().await;
    let filter = FindingFilter { month: Some(month.clone()), ..Default::default() };
    let found = admin.findings(&filter, ltci_e2e::all()).await.expect("findings").items;
    for p in &planted {
        let hit = found.iter().any(|f| {
            f.rule == p.rule
                && f.institution_id == Some(p.institution_id)
                && f.records.iter().any(|r| r.source_id == p.record && r.affected)
        });
        assert!(hit, "{p:?} not found in {report:?}");
    }
}
