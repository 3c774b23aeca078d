//! Sanctions against people (处理): a caregiver barred for a period has their assignments ended,
//! is refused at assignment and at registration under any institution of the region, is paid
//! nothing for visits in the ban, and is listed publicly by surname only; officers decide and
//! lift, auditors and the caregiver's institution read, nobody else sees one.

use chrono::Duration;
use ltci_e2e::phone::{gps, proper_visit, upload};
use ltci_e2e::world::{TEST_PASSWORD, caregiver_request, home_care_beneficiary};
use ltci_e2e::{TestApp, all, field_code, on_both_databases, today};
use ltci_server::entities::sanction;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::care::{CreateCarePlan, PlanItem, ScheduleRequest};
use ltci_shared::api::institutions::{LegalRepresentative, UpdateInstitutionProfile};
use ltci_shared::api::settlement::{ComputeBill, LineRejection};
use ltci_shared::api::supervision::{
    CreateSanction, DecideFinding, FindingDecision, LiftSanction, Rule, SanctionFilter, SanctionSubject,
};
use ltci_shared::api::workforce::{AssignmentFilter, CreateAssignment, EndAssignment};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::settlement::{all_lines, beneficiary, import_policy, last_month, status};

on_both_databases!(
    a_barred_caregiver_is_refused_everywhere_and_published,
    visits_in_a_ban_are_not_paid,
    an_officer_bars_and_lifts_in_the_console,
    a_legal_representative_is_barred_on_a_confirmed_finding,
);

fn ban(caregiver_id: uuid::Uuid, days: i64) -> CreateSanction {
    CreateSanction {
        subject: SanctionSubject::Caregiver,
        caregiver_id: Some(caregiver_id),
        institution_id: None,
        legal_representative_masked: None,
        finding_id: None,
        starts_on: today(),
        ends_on: today() + Duration::days(days),
        reason: "伪造签到记录，冒用他人名义提交服务".into(),
    }
}

async fn a_barred_caregiver_is_refused_everywhere_and_published(app: TestApp) {
    let world = app.world().await;
    let (admin, a1) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    let carer = world.caregiver("carer_a1");
    let person = home_care_beneficiary(&app, &world, "受监管", 31, 3).await;
    // A second person, assigned to the caregiver from today only.
    let second = home_care_beneficiary(&app, &world, "今日起", 32, 3).await;
    let theirs = AssignmentFilter { caregiver_id: Some(carer), insured_person_id: Some(second), open: Some(true) };
    let first_one = a1.list_assignments(&theirs, all()).await.expect("assignments").items[0].id;
    let yesterday = EndAssignment { end_on: today() - Duration::days(1), reason: "改为今日起分派".into() };
    a1.end_assignment(first_one, &yesterday).await.expect("ended");
    let from_today = CreateAssignment { caregiver_id: carer, insured_person_id: second, start_on: today() };
    let todays = a1.assign_caregiver(&from_today).await.expect("assigned from today").id;
    let open = AssignmentFilter { caregiver_id: Some(carer), insured_person_id: None, open: Some(true) };
    assert_eq!(a1.list_assignments(&open, all()).await.expect("assignments").total, 2);

    // What is refused before anything is written.
    let mut bad = ban(carer, 90);
    bad.starts_on = today() - Duration::days(1);
    bad.ends_on = bad.starts_on - Duration::days(2);
    bad.reason = " ".into();
    let e = admin.create_sanction(&bad).await.expect_err("refused");
    assert_eq!(
        (field_code(&e, "starts_on"), field_code(&e, "ends_on"), field_code(&e, "reason")),
        ("in_past".into(), "before_start".into(), "required".into())
    );
    let e = admin.create_sanction(&ban(carer, 5 * 366)).await.expect_err("too long");
    assert_eq!(field_code(&e, "ends_on"), "too_long");
    // Region B's officer, the institution and the auditor cannot bar region A's caregiver.
    let e = world.as_user("admin_b").create_sanction(&ban(carer, 90)).await.expect_err("another region's");
    assert_eq!(field_code(&e, "caregiver_id"), "unknown_caregiver");
    for who in ["inst_a1", "auditor_a"] {
        assert_eq!(status(&world.as_user(who).create_sanction(&ban(carer, 90)).await.expect_err(who)), 403, "{who}");
    }

    // Barred for 90 days: the assignment ended yesterday, and a new one is refused.
    let s = admin.create_sanction(&ban(carer, 90)).await.expect("barred");
    assert!(s.in_force && s.name == "护理员 carer_a1" && s.id_number_masked.contains('*'), "{s:?}");
    let all_of_them = AssignmentFilter { caregiver_id: Some(carer), insured_person_id: None, open: None };
    let ended: Vec<_> = a1.list_assignments(&all_of_them, all()).await.expect("assignments").items;
    assert!(ended.iter().all(|x| x.end_on.is_some()), "assignments ended: {ended:?}");
    let ends = |id| ended.iter().find(|x| x.id == id).and_then(|x| x.end_on);
    assert_eq!(ends(todays), Some(today()), "one starting on the ban's first day ends that day");
    let before = ended.iter().find(|x| x.insured_person_id == person).and_then(|x| x.end_on);
    assert_eq!(before, Some(today() - Duration::days(1)), "the others end the day before");
    let again = CreateAssignment { caregiver_id: carer, insured_person_id: person, start_on: today() };
    let e = a1.assign_caregiver(&again).await.expect_err("barred");
    assert_eq!(field_code(&e, "caregiver_id"), "caregiver_barred");
    assert_eq!(status(&admin.create_sanction(&ban(carer, 30)).await.expect_err("twice")), 409);

    // The same person registering under another institution of the region is refused.
    let mut elsewhere = caregiver_request("护理员 carer_a1", 900, world.county("a1"));
    elsewhere.institution_id = None;
    let e = world.as_user("inst_a2").register_caregiver(&elsewhere).await.expect_err("barred");
    assert_eq!(field_code(&e, "id_number"), "person_barred");

    // Who reads it: officers and auditors of the region, the caregiver's own institution.
    let none = SanctionFilter::default();
    for (who, seen) in [("admin_a", 1), ("auditor_a", 1), ("inst_a1", 1), ("inst_a2", 0), ("admin_b", 0)] {
        assert_eq!(world.as_user(who).sanctions(&none, all()).await.expect(who).total, seen, "{who}");
    }
    assert_eq!(status(&world.as_user("carer_a1").sanctions(&none, all()).await.expect_err("carer")), 403);

    // Published to anyone, by surname only, with no ID number.
    let public = app.client.public_sanctions("370200", all()).await.expect("public");
    assert_eq!(public.total, 1);
    let p = &public.items[0];
    assert_eq!((p.name.as_str(), p.ends_on, p.reason.as_str()), ("护某", s.ends_on, s.reason.as_str()));
    assert!(!p.institution_name.is_empty());
    let text = serde_json::to_string(&public).expect("json");
    assert!(!text.contains(&s.id_number_masked) && !text.contains("carer_a1"), "{text}");
    assert_eq!(app.client.public_sanctions("370300", all()).await.expect("region B").total, 0);
    assert_eq!(status(&app.client.public_sanctions("999999", all()).await.expect_err("no region")), 404);

    // Lifted on appeal from today: the caregiver may be assigned again.
    let stale = LiftSanction { lifted_on: today(), reason: "复核撤销".into(), version: s.version + 1 };
    assert_eq!(status(&admin.lift_sanction(s.id, &stale).await.expect_err("stale")), 409);
    let lifted = admin.lift_sanction(s.id, &LiftSanction { version: s.version, ..stale.clone() }).await.expect("lift");
    assert!(!lifted.in_force && lifted.lifted_on == Some(today()));
    a1.assign_caregiver(&again).await.expect("assigned again");
    let e = admin.lift_sanction(s.id, &LiftSanction { version: lifted.version, ..stale }).await.expect_err("twice");
    assert_eq!(status(&e), 409);
    let in_force = SanctionFilter { caregiver_id: Some(carer), in_force: Some(true), institution_id: None };
    assert_eq!(admin.sanctions(&in_force, all()).await.expect("in force").total, 0);
}

async fn visits_in_a_ban_are_not_paid(app: TestApp) {
    let world = app.world().await;
    let (first, last, month) = last_month();
    import_policy(&world).await;
    let (a1, carer) = (world.as_user("inst_a1"), world.as_user("carer_a1"));
    let (person, _) = beneficiary(&app, &world, "禁业期间", 41, 3, CareMode::HomeVisit).await;
    a1.assign_caregiver(&CreateAssignment {
        caregiver_id: world.caregiver("carer_a1"),
        insured_person_id: person,
        start_on: first - Duration::days(10),
    })
    .await
    .expect("assign");
    let plan = a1
        .create_care_plan(&CreateCarePlan {
            institution_id: None,
            insured_person_id: person,
            care_mode: CareMode::HomeVisit,
            start_on: first,
            end_on: last,
            items: vec![PlanItem { code: "SF-01".into(), per_week: 7 }],
        })
        .await
        .expect("plan");
    let schedule = ScheduleRequest {
        plan_id: plan.id,
        caregiver_id: world.caregiver("carer_a1"),
        from: first,
        to: first + Duration::days(5),
    };
    let visits = a1.schedule_visits(&schedule).await.expect("schedule").created;
    for v in &visits {
        upload(carer, &proper_visit(v, gps(0.0))).await;
    }

    // Barred (as decided last month) from the fourth day: the API decides bans from today on,
    // so the decision is moved back in the database.
    let s = world.as_user("admin_a").create_sanction(&ban(world.caregiver("carer_a1"), 30)).await.expect("barred");
    let mut decided: sanction::ActiveModel =
        sanction::Entity::find_by_id(s.id).one(&app.db).await.expect("load").expect("the sanction").into();
    decided.starts_on = Set(first + Duration::days(3));
    decided.update(&app.db).await.expect("moved back");

    let bill = a1.compute_bill(&ComputeBill { institution_id: None, month }).await.expect("bill");
    let lines = all_lines(a1, bill.id).await;
    assert_eq!(lines.len(), visits.len());
    for l in &lines {
        let in_ban = l.service_on >= first + Duration::days(3);
        if in_ban {
            assert_eq!((l.rejection, l.fund_amount), (Some(LineRejection::ItemBlocked), Decimal::ZERO), "{l:?}");
            assert_eq!(l.explanation["inputs"]["blocked_by"], "caregiver_barred", "{l:?}");
        } else {
            assert_eq!((l.rejection, l.fund_amount > Decimal::ZERO), (None, true), "{l:?}");
        }
    }
    assert_eq!(bill.rejected_lines, 3);
}

async fn an_officer_bars_and_lifts_in_the_console(app: TestApp) {
    let world = app.world().await;
    let page = format!("/caregivers/{}", world.caregiver("carer_a1"));
    let action = format!("{page}/sanction");
    let mut officer = crate::console::Browser::new(&app);
    officer.sign_in("admin_a", TEST_PASSWORD).await;
    let ends = (today() + Duration::days(180)).to_string();
    let starts = today().to_string();

    // Without a reason the form says so beside its own field, not beside the departure form's.
    let refused = officer.submit(&page, &action, &[("starts_on", &starts), ("ends_on", &ends), ("reason", " ")]).await;
    assert_eq!(refused.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body.matches("class=\"why\"").count(), 1, "{}", refused.body);
    assert!(refused.body.contains("id=\"sanction-reason\""));

    let reason = "多次关闭定位签到，冒领护理费用";
    let done = officer.submit(&page, &action, &[("starts_on", &starts), ("ends_on", &ends), ("reason", reason)]).await;
    assert_eq!(done.status, reqwest::StatusCode::SEE_OTHER, "{}", done.body);
    let shown = officer.get(done.location.as_deref().expect("back to the caregiver")).await;
    assert!(shown.body.contains("已作出处理") && shown.body.contains(reason) && shown.body.contains("执行中"));

    // The list shows it with the public list's address; the institution sees it, without the form.
    let list = officer.get("/sanctions").await;
    assert!(list.body.contains(reason) && list.body.contains("/api/v1/public/regions/370200/sanctions"));
    let mut staff = crate::console::Browser::new(&app);
    staff.sign_in("inst_a1", TEST_PASSWORD).await;
    let theirs = staff.get("/sanctions").await;
    assert!(theirs.body.contains(reason) && !theirs.body.contains("/lift"), "{}", theirs.body);
    let mut other = crate::console::Browser::new(&app);
    other.sign_in("inst_a2", TEST_PASSWORD).await;
    assert!(!other.get("/sanctions").await.body.contains(reason));

    // Lifted from the list; a crafted lift by the institution is refused.
    let s = world.as_user("admin_a").sanctions(&SanctionFilter::default(), all()).await.expect("list").items[0].clone();
    let lift = format!("/sanctions/{}/lift", s.id);
    let version = s.version.to_string();
    let fields = [("lifted_on", starts.as_str()), ("reason", "复核撤销"), ("version", version.as_str())];
    assert_eq!(staff.submit("/sanctions", &lift, &fields).await.status, reqwest::StatusCode::FORBIDDEN);
    let lifted = officer.submit("/sanctions", &lift, &fields).await;
    assert_eq!(lifted.status, reqwest::StatusCode::SEE_OTHER);
    let after = officer.get(lifted.location.as_deref().expect("back to the list")).await;
    assert!(after.body.contains("已解除处理") && after.body.contains("复核撤销"), "{}", after.body);
}

/// The legal representative of a1, recorded on its profile.
fn representative() -> LegalRepresentative {
    LegalRepresentative {
        name: "赵立新".into(),
        id_number: ltci_e2e::world::id_number(chrono::NaiveDate::from_ymd_opt(1969, 3, 8).expect("day"), 771),
    }
}

async fn a_legal_representative_is_barred_on_a_confirmed_finding(app: TestApp) {
    let world = app.world().await;
    crate::monitoring_moments::import_policy_with(&world, "").await;
    let (admin, a1, a2) = (world.as_user("admin_a"), world.as_user("inst_a1"), world.as_user("inst_a2"));
    let inst = world.institution("a1");
    let of_rep = |finding_id, masked: &str| CreateSanction {
        subject: SanctionSubject::LegalRepresentative,
        caregiver_id: None,
        institution_id: Some(inst),
        legal_representative_masked: Some(masked.to_owned()),
        finding_id,
        ..ban(world.caregiver("carer_a1"), 365)
    };

    // Nobody to bar while none is on record; the subject's id is required and the other refused.
    let e = admin.create_sanction(&of_rep(None, "-")).await.expect_err("no representative");
    assert_eq!(field_code(&e, "institution_id"), "no_legal_representative");
    let e = admin
        .create_sanction(&CreateSanction {
            institution_id: None,
            caregiver_id: Some(world.caregiver("carer_a1")),
            ..of_rep(None, "-")
        })
        .await
        .expect_err("wrong ids");
    assert_eq!(
        (field_code(&e, "institution_id"), field_code(&e, "caregiver_id")),
        ("required".into(), "not_allowed".into())
    );

    // The institution records its representative: shown masked, never in full.
    let a1_now = a1.institution(inst).await.expect("a1");
    let mut bad = representative();
    bad.id_number.replace_range(17..18, if bad.id_number.ends_with('0') { "1" } else { "0" });
    let e = a1
        .update_institution_profile(
            inst,
            &UpdateInstitutionProfile {
                version: a1_now.version,
                legal_representative: Some(bad),
                ..Default::default()
            },
        )
        .await
        .expect_err("bad check character");
    assert!(field_code(&e, "legal_representative.id_number").starts_with("invalid"), "{e:?}");
    let change = UpdateInstitutionProfile {
        version: a1_now.version,
        legal_representative: Some(representative()),
        ..Default::default()
    };
    let saved = a1.update_institution_profile(inst, &change).await.expect("recorded");
    let shown = saved.legal_representative.expect("shown");
    assert_eq!(shown.name, "赵立新");
    assert!(shown.id_number_masked.contains('*') && !shown.id_number_masked.contains("19690308"), "{shown:?}");

    // A finding about a1 and carer_a1 (assigned to a person in hospital), still open: no sanction.
    let person = crate::monitoring_moments::in_hospital(&app, &world, 770).await;
    let assign =
        CreateAssignment { caregiver_id: world.caregiver("carer_a1"), insured_person_id: person, start_on: today() };
    let warned = a1.assign_caregiver(&assign).await.expect("assigned, warned");
    assert_eq!(warned.warnings.iter().map(|w| w.rule).collect::<Vec<_>>(), [Rule::PlannedInHospital]);
    let finding = warned.warnings[0].finding_id;
    let e = admin.create_sanction(&of_rep(Some(finding), &shown.id_number_masked)).await.expect_err("open finding");
    assert_eq!(field_code(&e, "finding_id"), "finding_not_confirmed");
    let confirm = DecideFinding {
        decision: FindingDecision::Confirmed,
        reason: "安排住院期间上门服务属实".into(),
        points: Some(0),
        serious: false,
    };
    admin.decide_finding(finding, &confirm).await.expect("confirmed");
    // A finding of another caregiver cannot ground carer_a2's ban; another region's is unknown.
    let e = admin
        .create_sanction(&CreateSanction { finding_id: Some(finding), ..ban(world.caregiver("carer_a2"), 30) })
        .await;
    assert_eq!(field_code(&e.expect_err("elsewhere"), "finding_id"), "finding_elsewhere");
    let e = admin.create_sanction(&of_rep(Some(finding), "370202********771X")).await.expect_err("another person");
    assert_eq!(status(&e), 409, "the representative read is no longer the one recorded");
    let e = world
        .as_user("admin_b")
        .create_sanction(&of_rep(Some(finding), &shown.id_number_masked))
        .await
        .expect_err("region B");
    assert_eq!(field_code(&e, "institution_id"), "unknown_institution");

    // Before the ban, the representative also works as a caregiver of a2, assigned to someone.
    let mut as_carer = caregiver_request("赵立新", 771, world.county("a1"));
    as_carer.id_number = representative().id_number;
    let rep_carer = a2.register_caregiver(&as_carer).await.expect("registered at a2").id;
    let served = ltci_e2e::world::home_care_beneficiary_of(&app, &world, "a2", "受服务", 772, 3).await;
    let theirs = CreateAssignment { caregiver_id: rep_carer, insured_person_id: served, start_on: today() };
    let before_ban = a2.assign_caregiver(&theirs).await.expect("assigned before the ban").id;
    // The officer goes from the confirmed finding to the institution's form, which carries it.
    let mut officer = crate::console::Browser::new(&app);
    officer.sign_in("admin_a", TEST_PASSWORD).await;
    let finding_page = officer.get(&format!("/findings/{finding}")).await;
    let page = format!("/institutions/{inst}?finding={finding}");
    assert!(finding_page.body.contains(&format!("{page}#sanction")), "{}", finding_page.body);
    let form = officer.get(&page).await;
    assert!(form.body.contains(&format!("value=\"{finding}\"")) && form.body.contains("禁止法定代表人从业"));
    let (starts, ends, finding_text) =
        (today().to_string(), (today() + Duration::days(365)).to_string(), finding.to_string());
    let fields = [
        ("finding_id", finding_text.as_str()),
        ("legal_representative_masked", shown.id_number_masked.as_str()),
        ("starts_on", &starts),
        ("ends_on", &ends),
        ("reason", "机构长期挂床套取基金"),
    ];
    let done = officer.submit(&page, &format!("/institutions/{inst}/sanction"), &fields).await;
    assert_eq!(done.status, reqwest::StatusCode::SEE_OTHER, "{}", done.body);
    let s = admin.sanctions(&SanctionFilter { institution_id: Some(inst), ..SanctionFilter::default() }, all()).await;
    let s = s.expect("sanctions").items.into_iter().next().expect("barred on the finding");
    assert_eq!(
        (s.subject, s.finding_id, s.caregiver_id, s.institution_id),
        (SanctionSubject::LegalRepresentative, Some(finding), None, inst)
    );
    assert_eq!(
        status(&admin.create_sanction(&of_rep(Some(finding), &shown.id_number_masked)).await.expect_err("twice")),
        409
    );

    // Refused wherever the person turns up: as another institution's representative (applying
    // or on a profile), as a caregiver (registering again, or assigned under the old record).
    let mut applying = crate::institutions::application(
        "新设护理站",
        771,
        vec![ltci_shared::api::institutions::ServiceMode::HomeVisit],
    );
    applying.legal_representative = Some(representative());
    let e = admin.apply_for_designation(&applying).await.expect_err("barred representative");
    assert_eq!(field_code(&e, "legal_representative.id_number"), "person_barred");
    let a2_now = a2.institution(world.institution("a2")).await.expect("a2");
    let rep_change = UpdateInstitutionProfile {
        version: a2_now.version,
        legal_representative: Some(representative()),
        ..Default::default()
    };
    let e = a2.update_institution_profile(world.institution("a2"), &rep_change).await.expect_err("barred");
    assert_eq!(field_code(&e, "legal_representative.id_number"), "person_barred");
    let of_rep_carer = AssignmentFilter { caregiver_id: Some(rep_carer), insured_person_id: None, open: None };
    let ended = a2.list_assignments(&of_rep_carer, all()).await.expect("assignments").items;
    assert_eq!(ended.iter().find(|x| x.id == before_ban).and_then(|x| x.end_on), Some(today()), "{ended:?}");
    let e = a2.assign_caregiver(&theirs).await.expect_err("barred as a caregiver too");
    assert_eq!(field_code(&e, "caregiver_id"), "caregiver_barred");

    // a1 reads the sanction of its representative, a2 does not; the public list names the
    // representative by surname only.
    let of_a1 = SanctionFilter { institution_id: Some(inst), ..SanctionFilter::default() };
    assert_eq!(a1.sanctions(&of_a1, all()).await.expect("a1").total, 1);
    assert_eq!(a2.sanctions(&SanctionFilter::default(), all()).await.expect("a2").total, 0);
    let public = app.client.public_sanctions("370200", all()).await.expect("public");
    let p = &public.items[0];
    assert_eq!((p.name.as_str(), p.subject), ("赵某", SanctionSubject::LegalRepresentative));
    assert!(!serde_json::to_string(&public).expect("json").contains(&shown.id_number_masked));
}
