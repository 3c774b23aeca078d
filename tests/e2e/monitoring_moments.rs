//! Monitoring before and during care (事前提醒、事中审核): warnings shown with the plan, the
//! schedule and the assignment that raised them and kept as findings (or refusing, when the
//! policy makes a rule blocking); a mocked location, one point for two homes, a caregiver not
//! assigned and a month of check-ins without a fix found when a visit is verified.

use chrono::Duration;
use ltci_e2e::phone::{HOME, gps, upload};
use ltci_e2e::world::{TEST_PASSWORD, policy_for_region_a};
use ltci_e2e::{TestApp, World, all, on_both_databases};
use ltci_server::entities::certificate;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{
    CarePlanFilter, CreateCarePlan, MockLocation, NoGpsReason, PlanItem, Position, ScheduleRequest, VisitEventBody,
    VisitState,
};
use ltci_shared::api::partners::{PartnerBatch, PartnerEvent, PartnerEventKind, PartnerSource};
use ltci_shared::api::supervision::{Finding, FindingFilter, FindingStatus, Moment, Rule, Warning};
use ltci_shared::api::workforce::{AssignmentFilter, CreateAssignment, EndAssignment};
use ltci_shared::client::ApiClient;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::findings::{visit_at, visited};
use crate::settlement::{beneficiary, month_before_last, status};

on_both_databases!(warnings_before_care_are_shown_and_kept, a_blocking_rule_refuses_and_writes_nothing);
on_both_databases!(checks_during_care_become_findings);

fn rules(w: &[Warning]) -> Vec<Rule> {
    let mut r: Vec<Rule> = w.iter().map(|w| w.rule).collect();
    r.sort();
    r
}

/// Region A's policy since last year, with `extra` TOML appended.
pub(crate) async fn import_policy_with(world: &World, extra: &str) {
    use chrono::Datelike;
    let year = ltci_e2e::today().year();
    let policy = policy_for_region_a()
        .replace(&format!("effective_from = \"{year}-01-01\""), &format!("effective_from = \"{}-01-01\"", year - 1));
    let policy = format!("{policy}\n{extra}\n");
    world.as_user("admin_a").import_policy(policy, "application/toml").await.expect("policy");
}

/// A home-care beneficiary of a1 whose certificate ends in 20 days and who was admitted to
/// hospital yesterday.
pub(crate) async fn in_hospital(app: &TestApp, world: &World, seq: u16) -> Uuid {
    let today = ltci_e2e::today();
    let (person, id_number) = beneficiary(app, world, "丁", seq, 3, CareMode::HomeVisit).await;
    certificate::Entity::update_many()
        .col_expr(certificate::Column::ExpiresOn, Expr::value(today + Duration::days(20)))
        .filter(certificate::Column::InsuredPersonId.eq(person))
        .exec(&app.db)
        .await
        .expect("the certificate ends in 20 days");
    let admitted = PartnerEvent {
        source: PartnerSource::MedicalInsurance,
        external_ref: format!("YB-{seq}"),
        kind: PartnerEventKind::HospitalAdmission,
        id_number,
        on: today - Duration::days(1),
        episode_ref: Some(format!("ZY-{seq}")),
        hospital: Some("市人民医院".into()),
    };
    world.as_user("admin_a").record_partner_events(&PartnerBatch { events: vec![admitted] }).await.expect("admitted");
    person
}

fn plan_of(person: Uuid) -> CreateCarePlan {
    let today = ltci_e2e::today();
    CreateCarePlan {
        institution_id: None,
        insured_person_id: person,
        care_mode: CareMode::HomeVisit,
        start_on: today,
        end_on: today + Duration::days(60),
        // SF-05 (vital signs) needs a nurse; carer_a1 is a certified caregiver.
        items: vec![PlanItem { code: "SF-01".into(), per_week: 7 }, PlanItem { code: "SF-05".into(), per_week: 1 }],
    }
}

async fn warnings_before_care_are_shown_and_kept(app: TestApp) {
    let world = app.world().await;
    import_policy_with(&world, "").await;
    let (admin, a1, a2) = (world.as_user("admin_a"), world.as_user("inst_a1"), world.as_user("inst_a2"));
    let today = ltci_e2e::today();
    let person = in_hospital(&app, &world, 720).await;
    let carer = world.caregiver("carer_a1");

    // Assigning a caregiver to someone in hospital: saved, with the warning.
    let assign = CreateAssignment { caregiver_id: carer, insured_person_id: person, start_on: today };
    let assigned = a1.assign_caregiver(&assign).await.expect("assigned, with a warning");
    assert_eq!(rules(&assigned.warnings), [Rule::PlannedInHospital]);
    assert_eq!(assigned.warnings[0].field, "start_on");
    assert!(assigned.warnings[0].message.contains("住院"), "{:?}", assigned.warnings);

    // The plan: saved, warned of the hospital stay and of the certificate ending first.
    let plan = a1.create_care_plan(&plan_of(person)).await.expect("saved, with warnings");
    assert_eq!(rules(&plan.warnings), [Rule::PlannedInHospital, Rule::CertificateEndsFirst]);
    let read = a1.care_plan(plan.id).await.expect("plan");
    assert!(read.warnings.is_empty(), "warnings come with the answer that raised them");
    let kept = admin.findings(&FindingFilter { plan_id: Some(plan.id), ..Default::default() }, all()).await;
    let kept: Vec<Finding> = kept.expect("findings").items;
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|f| f.moment == Moment::Before && f.status == FindingStatus::Open));
    assert!(kept.iter().all(|f| plan.warnings.iter().any(|w| w.finding_id == f.id)));
    assert!(kept.iter().all(|f| f.records.iter().any(|r| r.source == "plan" && r.source_id == plan.id)));

    // Scheduling: no visit on a day in hospital, and the warnings say why, with the caregiver
    // not qualified for SF-05. Scheduling again adds no finding.
    let req = ScheduleRequest { plan_id: plan.id, caregiver_id: carer, from: today, to: today + Duration::days(30) };
    let out = a1.schedule_visits(&req).await.expect("scheduled");
    assert!(out.created.is_empty(), "every day of the range is in hospital");
    assert_eq!(rules(&out.warnings), [Rule::PlannedInHospital, Rule::CertificateEndsFirst, Rule::CaregiverUnqualified]);
    let again = a1.schedule_visits(&req).await.expect("scheduled again");
    let ids = |w: &[Warning]| w.iter().map(|w| w.finding_id).collect::<Vec<_>>();
    assert_eq!(ids(&again.warnings), ids(&out.warnings));
    let before = FindingFilter { moment: Some(Moment::Before), ..Default::default() };
    let all_before = admin.findings(&before, all()).await.expect("findings").items;
    assert_eq!(all_before.len(), 6, "assignment 1, plan 2, schedule 3: {all_before:#?}");
    let during = FindingFilter { moment: Some(Moment::During), ..Default::default() };
    assert!(admin.findings(&during, all()).await.expect("findings").items.is_empty());
    // The institution sees its own; another institution none of them.
    assert_eq!(a1.findings(&before, all()).await.expect("own").items.len(), 6);
    assert!(a2.findings(&before, all()).await.expect("none").items.is_empty());

    // In the console: the plan's page and the caregiver's page show the open warnings.
    let mut staff = crate::console::Browser::new(&app);
    staff.sign_in("inst_a1", TEST_PASSWORD).await;
    let page = staff.get(&format!("/plans/{}", plan.id)).await;
    assert!(page.body.contains("事前提醒") && page.body.contains("失能证书先于计划到期"), "{}", page.body);
    let page = staff.get(&format!("/caregivers/{carer}")).await;
    assert!(page.body.contains("护理员资质不符"), "{}", page.body);
    let mut officer = crate::console::Browser::new(&app);
    officer.sign_in("admin_a", TEST_PASSWORD).await;
    let queue = officer.get("/findings?moment=before").await;
    assert!(queue.body.contains("住院期间安排服务") && !queue.body.contains("挂床"), "{}", queue.body);
}

async fn a_blocking_rule_refuses_and_writes_nothing(app: TestApp) {
    let world = app.world().await;
    import_policy_with(&world, "[monitoring.before]\nblocking = [\"certificate_ends_first\"]").await;
    let (admin, a1) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    let person = in_hospital(&app, &world, 730).await;
    let e = a1.create_care_plan(&plan_of(person)).await.expect_err("refused");
    assert_eq!(status(&e), 422);
    assert_eq!(ltci_e2e::field_code(&e, "end_on"), "certificate_ends_first");
    let plans = CarePlanFilter { insured_person_id: Some(person), ..Default::default() };
    assert!(a1.care_plans(&plans, all()).await.expect("plans").items.is_empty(), "no plan saved");
    assert!(admin.findings(&FindingFilter::default(), all()).await.expect("findings").items.is_empty());
    // A plan ending with the certificate passes, warned of the stay only.
    let short = CreateCarePlan { end_on: ltci_e2e::today() + Duration::days(20), ..plan_of(person) };
    let plan = a1.create_care_plan(&short).await.expect("saved");
    assert_eq!(rules(&plan.warnings), [Rule::PlannedInHospital]);
    // Only rules checked before care may block.
    let wrong = format!("{}\n[monitoring.before]\nblocking = [\"mock_location\"]\n", policy_for_region_a());
    let e = admin.import_policy(wrong, "application/toml").await.expect_err("refused");
    assert_eq!(ltci_e2e::field_code(&e, "monitoring.before.blocking[0]"), "not_before_rule");
}

fn with_check_in(events: &mut [ltci_shared::api::care::VisitEvent], position: Position) {
    for e in events {
        if let VisitEventBody::CheckIn { position: p, .. } = &mut e.body {
            *p = position;
        }
    }
}

async fn during(client: &ApiClient, rule: Rule) -> Vec<Finding> {
    let filter = FindingFilter { rule: Some(rule), ..Default::default() };
    client.findings(&filter, all()).await.expect("findings").items
}

async fn checks_during_care_become_findings(app: TestApp) {
    let world = app.world().await;
    import_policy_with(&world, "[monitoring.during]\nno_fix_visits_per_month = 2").await;
    let (admin, a1) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    let carer = world.as_user("carer_a1");
    let (first, _, _) = month_before_last();
    let day = first + Duration::days(3);

    // A mocked location at the door: the visit waits for review, the agency gets a finding.
    let v = visited(&app, &world, "戊", 740, 0.0, day).await;
    let mut events = visit_at(&v, 0, 0.0);
    let mocked = Position::Gps { latitude: HOME.0, longitude: HOME.1, accuracy_m: 5.0, mock: MockLocation::Yes };
    with_check_in(&mut events, mocked);
    let out = upload(carer, &events).await;
    assert_eq!(out.last().and_then(|o| o.2), Some(VisitState::NeedsReview));
    let found = during(admin, Rule::MockLocation).await;
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].moment, found[0].insured_person_id), (Moment::During, Some(v.insured_person_id)));
    assert!(found[0].records.iter().any(|r| r.source_id == v.id && r.affected));
    // A platform that says "not mocked" passes.
    let honest = visited(&app, &world, "己", 741, 0.0, day + Duration::days(1)).await;
    let mut events = visit_at(&honest, 0, 0.0);
    let honest_fix = Position::Gps { latitude: HOME.0, longitude: HOME.1, accuracy_m: 5.0, mock: MockLocation::No };
    with_check_in(&mut events, honest_fix);
    assert_eq!(upload(carer, &events).await.last().and_then(|o| o.2), Some(VisitState::Verified));

    // Two homes ten kilometres apart checked in at the very same point on one day.
    let next = day + Duration::days(2);
    let near = visited(&app, &world, "庚", 742, 0.0, next).await;
    let far = visited(&app, &world, "辛", 743, 0.089_932, next).await;
    upload(carer, &visit_at(&near, 0, 0.0)).await;
    let mut events = visit_at(&far, 120, 0.0);
    with_check_in(&mut events, gps(0.0));
    upload(carer, &events).await;
    let found = during(admin, Rule::SamePointSameDay).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].records.iter().any(|r| r.source_id == far.id && r.affected));
    assert!(found[0].records.iter().any(|r| r.source_id == near.id && !r.affected));

    // A visit on a day the caregiver's assignment had ended.
    let late = visited(&app, &world, "壬", 744, 0.0, day + Duration::days(5)).await;
    let open =
        AssignmentFilter { insured_person_id: Some(late.insured_person_id), open: Some(true), ..Default::default() };
    let asg = a1.list_assignments(&open, all()).await.expect("assignments").items.remove(0);
    let end = EndAssignment { end_on: day, reason: "调岗".into() };
    a1.end_assignment(asg.id, &end).await.expect("ended");
    upload(carer, &visit_at(&late, 0, 0.0)).await;
    let found = during(admin, Rule::UnassignedCaregiver).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(during(admin, Rule::MockLocation).await.len() == 1, "nothing else raised again");

    // Check-ins without a fix: the first of the month is only in the review queue; the second
    // reaches the policy's count of two and opens one finding for the caregiver's month.
    let no_fix = Position::Unavailable { reason: NoGpsReason::NoSignal };
    for (n, seq) in [745u16, 746].into_iter().enumerate() {
        let v = visited(&app, &world, "癸", seq, 0.0, day + Duration::days(7 + n as i64)).await;
        let mut events = visit_at(&v, 0, 0.0);
        with_check_in(&mut events, no_fix);
        upload(carer, &events).await;
        let found = during(admin, Rule::NoLocationFix).await;
        assert_eq!(found.len(), n, "after {} visits without a fix", n + 1);
    }
    let found = during(admin, Rule::NoLocationFix).await;
    assert_eq!(found[0].records.len(), 2);
    assert_eq!(found[0].evidence["visits"], 2);
}
