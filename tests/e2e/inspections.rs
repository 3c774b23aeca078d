//! Random inspections (双随机、一公开): a draw weighted by open findings, reproducible from its
//! seed and published inputs, never sending an inspector where they declared a link; its results
//! recorded (problems open findings of the institution, worked like any other); institutions see
//! their inspection only once recorded, and the public list only closed draws.

use chrono::Duration;
use ltci_e2e::{TestApp, World, all, field_code, on_both_databases, today};
use ltci_server::supervision::inspections::drawn;
use ltci_shared::api::evaluation::ViolationSource;
use ltci_shared::api::inspections::{
    DeclareConflict, DrawRequest, InspectionDraw, InspectionFilter, InspectionOutcome, InspectionResult,
    InspectionStatus,
};
use ltci_shared::api::supervision::{DecideFinding, FindingDecision, FindingFilter, Moment, Rule};
use ltci_shared::api::workforce::CreateAssignment;
use uuid::Uuid;

use crate::settlement::status;

on_both_databases!(
    a_draw_is_reproducible_weighted_and_respects_links,
    results_open_findings_and_are_published,
    an_officer_draws_and_records_in_the_console,
);

fn request(title: &str, each: u32, seed: Option<&str>) -> DrawRequest {
    DrawRequest {
        id: Uuid::now_v7(),
        title: title.into(),
        institutions: 2,
        inspectors_each: each,
        weighted: true,
        seed: seed.map(str::to_owned),
        inspector_ids: None,
    }
}

/// What the draw's published inputs draw again: institution and inspectors, in order.
fn drawn_again(d: &InspectionDraw) -> Vec<(Uuid, Vec<Uuid>)> {
    let pool: Vec<Uuid> = d.pool.iter().map(|p| p.user_id).collect();
    let n = usize::try_from(d.institutions_requested).expect("n").min(d.candidates.len());
    let each = usize::try_from(d.inspectors_each).expect("k");
    let weights: Vec<(Uuid, u32)> = d.candidates.iter().map(|c| (c.institution_id, c.weight)).collect();
    drawn(&d.seed, &weights, &pool, &d.conflicts, n, each).expect("the same inputs draw again")
}

fn as_drawn(d: &InspectionDraw) -> Vec<(Uuid, Vec<Uuid>)> {
    d.inspections.iter().map(|i| (i.institution_id, i.inspectors.iter().map(|p| p.user_id).collect())).collect()
}

/// The auditor declares a link to a1; a1 gets an open finding (an assignment to a person in
/// hospital), so it weighs more.
async fn prepare(app: &TestApp, world: &World) {
    let admin = world.as_user("admin_a");
    let link = DeclareConflict {
        inspector_id: world.user("auditor_a"),
        institution_id: world.institution("a1"),
        reason: "其配偶在该机构任职".into(),
    };
    admin.declare_inspection_conflict(&link).await.expect("declared");
    crate::monitoring_moments::import_policy_with(world, "").await;
    let person = crate::monitoring_moments::in_hospital(app, world, 790).await;
    let assign =
        CreateAssignment { caregiver_id: world.caregiver("carer_a1"), insured_person_id: person, start_on: today() };
    world.as_user("inst_a1").assign_caregiver(&assign).await.expect("assigned, warned");
}

async fn a_draw_is_reproducible_weighted_and_respects_links(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    prepare(&app, &world).await;

    // Who may declare a link, and to whom.
    let mut bad = DeclareConflict {
        inspector_id: world.user("inst_a1"),
        institution_id: world.institution("a1"),
        reason: "x".into(),
    };
    let e = admin.declare_inspection_conflict(&bad).await.expect_err("not an inspector");
    assert_eq!(field_code(&e, "inspector_id"), "unknown_inspector");
    bad.inspector_id = world.user("admin_b");
    assert_eq!(
        field_code(&admin.declare_inspection_conflict(&bad).await.expect_err("region B"), "inspector_id"),
        "unknown_inspector"
    );
    bad.inspector_id = world.user("auditor_a");
    assert_eq!(status(&admin.declare_inspection_conflict(&bad).await.expect_err("twice")), 409);
    let e = world.as_user("auditor_a").declare_inspection_conflict(&bad).await.expect_err("auditor");
    assert_eq!(status(&e), 403);
    assert_eq!(world.as_user("auditor_a").inspection_conflicts(all()).await.expect("auditor reads").total, 1);
    assert_eq!(status(&world.as_user("inst_a1").inspection_conflicts(all()).await.expect_err("institution")), 403);

    // Refused before anything is drawn.
    let mut wrong = request(" ", 9, Some("no spaces"));
    wrong.institutions = 0;
    let e = admin.draw_inspections(&wrong).await.expect_err("refused");
    for (field, code) in [
        ("title", "required"),
        ("institutions", "out_of_range"),
        ("inspectors_each", "out_of_range"),
        ("seed", "invalid_seed"),
    ] {
        assert_eq!(field_code(&e, field), code, "{field}");
    }
    // Three inspectors each (of the region's three) cannot be found for a1: the auditor is
    // linked to it.
    let e = admin.draw_inspections(&request("三人一组", 3, Some("s1"))).await.expect_err("not enough");
    assert_eq!(field_code(&e, "inspectors_each"), "not_enough_inspectors");
    assert!(
        admin.inspections(&InspectionFilter::default(), all()).await.expect("list").items.is_empty(),
        "nothing written"
    );

    // The draw: a1 weighs 1 + 1 open finding + 1 (never evaluated), a2 1 + 0 + 1.
    let req = request("2026年第四季度双随机抽查", 1, Some("2026Q4-lottery-0815"));
    let d = admin.draw_inspections(&req).await.expect("drawn");
    let weight = |inst: &str| {
        d.candidates.iter().find(|c| c.institution_id == world.institution(inst)).map(|c| (c.weight, c.open_findings))
    };
    assert_eq!((weight("a1"), weight("a2")), (Some((3, 1)), Some((2, 0))));
    assert_eq!(d.inspections.len(), 2);
    assert!(d.inspections.iter().all(|i| i.status == InspectionStatus::Planned && i.inspectors.len() == 1));
    let to_a1 = d.inspections.iter().find(|i| i.institution_id == world.institution("a1")).expect("a1 drawn");
    assert_ne!(to_a1.inspectors[0].user_id, world.user("auditor_a"), "the auditor is never sent to a1");
    assert_eq!(d.conflicts, vec![(world.user("auditor_a"), world.institution("a1"))]);
    // Anyone repeating the draw from its seed and inputs gets the same.
    assert_eq!(drawn_again(&d), as_drawn(&d));
    // Sent again, the same draw; the same id for another draw is refused.
    let again = admin.draw_inspections(&req).await.expect("sent again");
    assert_eq!(
        again.inspections.iter().map(|i| i.id).collect::<Vec<_>>(),
        d.inspections.iter().map(|i| i.id).collect::<Vec<_>>()
    );
    let e =
        admin.draw_inspections(&DrawRequest { title: "另一批".into(), ..req.clone() }).await.expect_err("id reused");
    assert_eq!(status(&e), 409);
    // The same seed in a new draw draws the same; another seed may not, but is as reproducible.
    let same_seed = admin.draw_inspections(&DrawRequest { id: Uuid::now_v7(), ..req.clone() }).await.expect("again");
    assert_eq!(as_drawn(&same_seed), as_drawn(&d));
    let fresh = admin.draw_inspections(&request("随机种子", 1, None)).await.expect("seed made");
    assert_eq!(fresh.seed.len(), 32);
    assert_eq!(drawn_again(&fresh), as_drawn(&fresh));
    // An unweighted draw weighs every institution alike.
    let flat = admin
        .draw_inspections(&DrawRequest { weighted: false, ..request("不加权", 1, Some("flat")) })
        .await
        .expect("flat");
    assert!(flat.candidates.iter().all(|c| c.weight == 1));

    // Who reads draws: officers and auditors of the region; region B sees none of A's.
    assert_eq!(world.as_user("auditor_a").inspection_draw(d.id).await.expect("auditor").id, d.id);
    assert_eq!(status(&world.as_user("admin_b").inspection_draw(d.id).await.expect_err("region B")), 404);
    assert_eq!(status(&world.as_user("inst_a1").inspection_draw(d.id).await.expect_err("institution")), 403);
    assert_eq!(
        status(&world.as_user("auditor_a").draw_inspections(&request("审计", 1, None)).await.expect_err("auditor")),
        403
    );
}

async fn results_open_findings_and_are_published(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    prepare(&app, &world).await;
    let d = admin.draw_inspections(&request("年度抽查", 1, Some("annual-2026"))).await.expect("drawn");
    let inspection = |inst: &str| {
        d.inspections.iter().find(|i| i.institution_id == world.institution(inst)).cloned().expect("drawn")
    };
    let (to_a1, to_a2) = (inspection("a1"), inspection("a2"));

    // Not announced: the institution sees nothing, the public list shows nothing.
    assert_eq!(world.as_user("inst_a1").inspections(&InspectionFilter::default(), all()).await.expect("a1").total, 0);
    assert_eq!(app.client.public_inspections("370200", all()).await.expect("public").total, 0);

    // Refused results.
    let result = |outcome, problems: Vec<&str>| InspectionResult {
        inspected_on: today(),
        outcome,
        summary: "现场核查服务记录、护理员资质与在院人员".into(),
        problems: problems.into_iter().map(str::to_owned).collect(),
        version: to_a1.version,
    };
    let e = admin.record_inspection_result(to_a1.id, &result(InspectionOutcome::Compliant, vec!["多余"])).await;
    assert_eq!(field_code(&e.expect_err("problems with compliant"), "problems"), "not_allowed");
    let e = admin.record_inspection_result(to_a1.id, &result(InspectionOutcome::ProblemsFound, vec![])).await;
    assert_eq!(field_code(&e.expect_err("no problem listed"), "problems"), "out_of_range");
    let mut early = result(InspectionOutcome::Compliant, vec![]);
    early.inspected_on = today() - Duration::days(3);
    assert_eq!(
        field_code(
            &admin.record_inspection_result(to_a1.id, &early).await.expect_err("before the draw"),
            "inspected_on"
        ),
        "out_of_range"
    );
    let mut stale = result(InspectionOutcome::Compliant, vec![]);
    stale.version += 1;
    assert_eq!(status(&admin.record_inspection_result(to_a1.id, &stale).await.expect_err("stale")), 409);
    let compliant = result(InspectionOutcome::Compliant, vec![]);
    let theirs = world.as_user("admin_b").record_inspection_result(to_a1.id, &compliant).await;
    assert_eq!(status(&theirs.expect_err("region B")), 404);

    // a1: two problems, two findings of moment `inspection`.
    let problems = vec!["护理记录与实际在院人员不符", "一名护理员无资格证书上岗"];
    let done = admin
        .record_inspection_result(to_a1.id, &result(InspectionOutcome::ProblemsFound, problems.clone()))
        .await
        .expect("recorded");
    assert_eq!(
        (done.status, done.outcome, done.problems.len()),
        (InspectionStatus::Done, Some(InspectionOutcome::ProblemsFound), 2)
    );
    let again = admin
        .record_inspection_result(
            to_a1.id,
            &InspectionResult { version: done.version, ..result(InspectionOutcome::Compliant, vec![]) },
        )
        .await;
    assert_eq!(status(&again.expect_err("recorded once")), 409);
    let found = admin
        .findings(&FindingFilter { moment: Some(Moment::Inspection), ..Default::default() }, all())
        .await
        .expect("findings")
        .items;
    assert_eq!(found.len(), 2);
    assert!(
        found.iter().all(|f| f.rule == Rule::InspectionProblem && f.institution_id == Some(world.institution("a1")))
    );
    assert!(found.iter().any(|f| f.summary.contains(problems[1])), "{found:?}");
    assert_eq!(found[0].evidence["inspection_id"], serde_json::json!(to_a1.id));
    // Confirmed, it counts against the institution like any finding: a violation.
    let confirm =
        DecideFinding {
            decision: FindingDecision::Confirmed, reason: "现场核实".into(), points: None, serious: false
        };
    let decided = admin.decide_finding(found[0].id, &confirm).await.expect("confirmed");
    let violations = admin.list_violations(world.institution("a1"), all()).await.expect("violations").items;
    let v = violations.iter().find(|v| Some(v.id) == decided.violation_id).expect("a violation recorded");
    assert_eq!((v.source, v.points), (ViolationSource::Inspection, 5), "{v:?}");

    // a1 now sees its own inspection and its findings; the draw is not public until a2's is in.
    let own = world.as_user("inst_a1").inspections(&InspectionFilter::default(), all()).await.expect("a1").items;
    assert_eq!(own.iter().map(|i| i.id).collect::<Vec<_>>(), vec![to_a1.id]);
    assert_eq!(world.as_user("inst_a2").inspections(&InspectionFilter::default(), all()).await.expect("a2").total, 0);
    assert_eq!(app.client.public_inspections("370200", all()).await.expect("public").total, 0);
    admin
        .record_inspection_result(
            to_a2.id,
            &InspectionResult { version: to_a2.version, ..result(InspectionOutcome::Compliant, vec![]) },
        )
        .await
        .expect("a2 compliant");

    // Published: outcomes, and the inputs that draw the same again.
    let public = app.client.public_inspections("370200", all()).await.expect("public");
    assert_eq!(public.total, 1);
    let p = &public.items[0];
    assert_eq!(p.seed, "annual-2026");
    let text = serde_json::to_string(&public).expect("json");
    assert!(!text.contains("open_findings") && !text.contains("credit_class"), "undecided findings are not published");
    let pool: Vec<Uuid> = p.pool.iter().map(|x| x.user_id).collect();
    let weights: Vec<(Uuid, u32)> = p.candidates.iter().map(|c| (c.institution_id, c.weight)).collect();
    let again = drawn(&p.seed, &weights, &pool, &p.conflicts, 2, 1).expect("drawn again");
    assert_eq!(
        again.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        p.inspections.iter().map(|i| i.institution_id).collect::<Vec<_>>()
    );
    let of_a1 = p.inspections.iter().find(|i| i.institution_id == world.institution("a1")).expect("a1");
    assert_eq!((of_a1.outcome, of_a1.problems), (Some(InspectionOutcome::ProblemsFound), 2));
    assert_eq!(app.client.public_inspections("370300", all()).await.expect("region B").total, 0);
}

async fn an_officer_draws_and_records_in_the_console(app: TestApp) {
    let world = app.world().await;
    let mut officer = crate::console::Browser::new(&app);
    officer.sign_in("admin_a", ltci_e2e::world::TEST_PASSWORD).await;

    // A link declared from the form; a refused draw keeps what was typed beside its own form.
    let link = [
        ("inspector_id", world.user("auditor_a").to_string()),
        ("institution_id", world.institution("a2").to_string()),
        ("reason", "曾在该机构任职".to_owned()),
    ];
    let link: Vec<(&str, &str)> = link.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let declared = officer.submit("/inspections", "/inspections/conflicts", &link).await;
    assert_eq!(declared.status, reqwest::StatusCode::SEE_OTHER, "{}", declared.body);
    let id = Uuid::now_v7().to_string();
    let refused = officer
        .submit(
            "/inspections",
            "/inspections/draw",
            &[
                ("id", &id),
                ("title", "季度抽查"),
                ("institutions", "2"),
                ("inspectors_each", "2"),
                ("weighted", "true"),
                ("seed", "含 空格"),
            ],
        )
        .await;
    assert_eq!(refused.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("value=\"季度抽查\"") && refused.body.contains("随机种子只能是"), "{}", refused.body);

    let fields = [
        ("id", id.as_str()),
        ("title", "季度抽查"),
        ("institutions", "2"),
        ("inspectors_each", "1"),
        ("weighted", "true"),
        ("seed", "Q4"),
    ];
    let drawn = officer.submit("/inspections", "/inspections/draw", &fields).await;
    assert_eq!(drawn.status, reqwest::StatusCode::SEE_OTHER, "{}", drawn.body);
    let page = drawn.location.expect("to the draw");
    // Sent twice (a double click), still one draw.
    officer.submit("/inspections", "/inspections/draw", &fields).await;
    let draws = world.as_user("admin_a").inspection_draw(id.parse().expect("id")).await.expect("the draw");
    let shown = officer.get(&page).await;
    assert!(
        shown.body.contains("已完成抽取") && shown.body.contains("Q4") && shown.body.contains("登记检查结果"),
        "{}",
        shown.body
    );
    let list = officer.get("/inspections").await;
    assert_eq!(list.body.matches("季度抽查").count(), 1, "one draw listed");

    // The result of the first inspection, with two problems typed on two lines.
    let first = &draws.inspections[0];
    let action = format!("/inspections/{}/result", first.id);
    let version = first.version.to_string();
    let today = today().to_string();
    let result = [
        ("version", version.as_str()),
        ("inspected_on", today.as_str()),
        ("outcome", "problems_found"),
        ("summary", "抽查护理记录"),
        ("problems", "记录缺签名\r\n\r\n护理员未持证"),
    ];
    let recorded = officer.submit(&page, &action, &result).await;
    assert_eq!(recorded.status, reqwest::StatusCode::SEE_OTHER, "{}", recorded.body);
    let after = officer.get(recorded.location.as_deref().expect("back to the draw")).await;
    assert!(
        after.body.contains("已登记检查结果")
            && after.body.contains("护理员未持证")
            && after.body.contains("/findings/"),
        "{}",
        after.body
    );

    // The institution sees its own inspection once recorded, and no draw.
    let mut staff = crate::console::Browser::new(&app);
    let inst = if first.institution_id == world.institution("a1") { "inst_a1" } else { "inst_a2" };
    staff.sign_in(inst, ltci_e2e::world::TEST_PASSWORD).await;
    let theirs = staff.get("/inspections").await;
    assert!(theirs.body.contains("护理员未持证") && !theirs.body.contains("Q4"), "{}", theirs.body);
}
