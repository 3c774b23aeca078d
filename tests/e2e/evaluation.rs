//! Annual evaluation (评鉴): the sheet, grades at each boundary, credit class, violations that
//! deduct once, history, and who may do what.

use chrono::{Datelike, Duration, NaiveDate};
use ltci_e2e::world::{World, evaluation_scores};
use ltci_e2e::{TestApp, field_code, on_both_databases, today};
use ltci_shared::api::evaluation::{
    CategoryScore, CreditClass, EvaluationCategory, EvaluationRequest, EvaluationScheme, Grade, GradeThresholds,
    ViolationRequest, ViolationSource,
};
use ltci_shared::api::institutions::{InstitutionApplication, InstitutionKind, ServiceMode};
use ltci_shared::api::registry::Address;
use reqwest::StatusCode;
use uuid::Uuid;

on_both_databases!(
    grades_change_at_each_boundary,
    violations_deduct_once_and_serious_ones_make_credit_e,
    sheets_are_configurable_per_year
);

fn request(year: i32, total: u32) -> EvaluationRequest {
    EvaluationRequest { year, scores: evaluation_scores(total), evaluated_on: None, notes: Some("年度评鉴".into()) }
}

fn violation(points: u32, serious: bool) -> ViolationRequest {
    ViolationRequest {
        occurred_on: today() - Duration::days(20),
        confirmed_on: None,
        description: "虚记上门服务时长".into(),
        points,
        serious,
        source: ViolationSource::Monitoring,
    }
}

async fn grades_change_at_each_boundary(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let a1 = world.institution("a1");
    let year = today().year();
    let cases = [(900, Grade::A), (899, Grade::B), (800, Grade::B), (799, Grade::C), (700, Grade::C), (699, Grade::D)];
    for (i, (total, grade)) in cases.into_iter().enumerate() {
        let y = year - 1 - i32::try_from(i).expect("small");
        let e = admin.evaluate_institution(a1, &request(y, total)).await.expect("evaluate");
        assert_eq!((e.total, e.grade, e.category_points, e.deducted_points), (total, grade, total, 0), "{total}");
        let class = match grade {
            Grade::A => CreditClass::A,
            Grade::B => CreditClass::B,
            Grade::C => CreditClass::C,
            Grade::D => CreditClass::D,
        };
        assert_eq!(e.credit_class, class);
    }
    // History, latest year first, visible to the institution itself.
    let history = world.as_user("inst_a1").list_evaluations(a1, ltci_e2e::all()).await.expect("history").items;
    assert_eq!(history.iter().map(|e| e.total).collect::<Vec<_>>(), [900, 899, 800, 799, 700, 699]);
    assert_eq!(history[0].deposit_release_percent, 100);
    assert_eq!(history[5].deposit_release_percent, 0);
    let events = admin.institution(a1).await.expect("institution").events;
    assert_eq!(events.iter().filter(|e| e.kind == "evaluated").count(), 6);

    // Once per year; every category once, within its maximum.
    let err = admin.evaluate_institution(a1, &request(year - 1, 950)).await.expect_err("twice");
    assert_eq!((err.status(), field_code(&err, "year").as_str()), (Some(StatusCode::CONFLICT), "conflict"));
    let mut bad = request(year, 500);
    bad.scores[0].points = 151;
    bad.scores[1].category = "hygiene".into();
    bad.scores.pop();
    let err = admin.evaluate_institution(a1, &bad).await.expect_err("bad scores");
    assert_eq!(field_code(&err, "scores[0].points"), "out_of_range");
    assert_eq!(field_code(&err, "scores[1].category"), "unknown_category");
    assert_eq!(field_code(&err, "scores"), "missing_category");
    let mut early = request(year, 800);
    early.evaluated_on = NaiveDate::from_ymd_opt(year - 1, 12, 31);
    assert_eq!(
        field_code(&admin.evaluate_institution(a1, &early).await.expect_err("early"), "evaluated_on"),
        "out_of_range"
    );

    // Only the agency evaluates; an institution never sees another's evaluations.
    assert_eq!(
        world.as_user("inst_a1").evaluate_institution(a1, &request(year, 900)).await.expect_err("staff").code(),
        Some("forbidden")
    );
    assert_eq!(
        world.as_user("inst_a2").list_evaluations(a1, ltci_e2e::all()).await.expect_err("other").code(),
        Some("not_found")
    );
    // An institution not yet designated is not evaluated.
    let applicant = admin.apply_for_designation(&applicant()).await.expect("apply");
    let err = admin.evaluate_institution(applicant.id, &request(year, 900)).await.expect_err("not designated");
    assert_eq!(err.code(), Some("invalid_state_transition"));
}

fn applicant() -> InstitutionApplication {
    let first17 = "52370200MJ7654321";
    let uscc = format!("{first17}{}", ltci_shared::uscc::check_character(first17.as_bytes()).expect("charset"));
    InstitutionApplication {
        name: "新申请护理站".into(),
        uscc,
        kind: InstitutionKind::CommunityStation,
        hospital_tier: None,
        requested_modes: vec![ServiceMode::HomeVisit],
        licensed_beds: 0,
        doctors: 0,
        nurses: 2,
        certified_caregivers: 6,
        address: Address { text: "测试市甲 新华路 9号".into(), latitude: None, longitude: None },
        contact_name: "吴站长".into(),
        contact_phone: "13700137000".into(),
        legal_representative: None,
    }
}

async fn violations_deduct_once_and_serious_ones_make_credit_e(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let a2 = world.institution("a2");
    let year = today().year();
    let v = admin.record_violation(a2, &violation(30, false)).await.expect("violation");
    assert_eq!(v.evaluation_id, None);
    let mut wrong = violation(0, false);
    wrong.occurred_on = today() + Duration::days(1);
    wrong.description = " ".into();
    let err = admin.record_violation(a2, &wrong).await.expect_err("invalid");
    for (field, code) in
        [("points", "out_of_range"), ("occurred_on", "after_confirmation"), ("description", "required")]
    {
        assert_eq!(field_code(&err, field), code);
    }

    let e = admin.evaluate_institution(a2, &request(year - 1, 920)).await.expect("evaluate");
    assert_eq!((e.category_points, e.deducted_points, e.total, e.grade), (920, 30, 890, Grade::B));
    assert_eq!(e.deductions.iter().map(|d| d.id).collect::<Vec<_>>(), [v.id]);
    // Already deducted: the next evaluation does not count it again.
    let next = admin.evaluate_institution(a2, &request(year - 2, 920)).await.expect("evaluate");
    assert_eq!((next.deducted_points, next.total), (0, 920));
    let listed = world.as_user("inst_a2").list_violations(a2, ltci_e2e::all()).await.expect("own violations").items;
    assert_eq!(listed[0].evaluation_id, Some(e.id));

    // A serious violation: credit class E and no deposit released, whatever the points.
    admin.record_violation(a2, &violation(5, true)).await.expect("serious");
    let worst = admin.evaluate_institution(a2, &request(year, 990)).await.expect("evaluate");
    assert_eq!(
        (worst.total, worst.grade, worst.credit_class, worst.deposit_release_percent),
        (985, Grade::A, CreditClass::E, 0)
    );
    assert_eq!(
        world.as_user("inst_a2").record_violation(a2, &violation(5, false)).await.expect_err("staff").code(),
        Some("forbidden")
    );
    assert_eq!(
        world.as_user("admin_b").list_violations(a2, ltci_e2e::all()).await.expect_err("other region").code(),
        Some("not_found")
    );
}

async fn sheets_are_configurable_per_year(app: TestApp) {
    let world: World = app.world().await;
    let admin = world.as_user("admin_a");
    let year = today().year();
    let default = admin.evaluation_scheme(year).await.expect("default sheet");
    assert_eq!((default.set_for_year, default.scheme.categories.len()), (None, 6));
    assert_eq!(default.scheme.thresholds, GradeThresholds { a: 900, b: 800, c: 700 });

    let cat =
        |code: &str, max_points| EvaluationCategory { code: code.into(), name: format!("类别 {code}"), max_points };
    let mut sheet = EvaluationScheme {
        categories: vec![cat("care", 600), cat("funds", 350)],
        thresholds: GradeThresholds { a: 950, b: 850, c: 750 },
        deposit_release_percent: Default::default(),
    };
    let err = admin.put_evaluation_scheme(year, &sheet).await.expect_err("950 points");
    assert_eq!(field_code(&err, "categories"), "not_thousand");
    sheet.categories[1].max_points = 400;
    let set = admin.put_evaluation_scheme(year, &sheet).await.expect("set");
    assert_eq!(set.set_for_year, Some(year));
    assert_eq!(
        world.as_user("inst_a1").put_evaluation_scheme(year, &sheet).await.expect_err("staff").code(),
        Some("forbidden")
    );
    // Later years inherit it; earlier ones keep the default.
    assert_eq!(admin.evaluation_scheme(year + 1).await.expect("later").set_for_year, Some(year));
    assert_eq!(admin.evaluation_scheme(year - 1).await.expect("earlier").set_for_year, None);

    let a1: Uuid = world.institution("a1");
    let on_new_sheet = EvaluationRequest {
        year,
        scores: vec![
            CategoryScore { category: "care".into(), points: 560, note: Some("服务规范".into()) },
            CategoryScore { category: "funds".into(), points: 380, note: None },
        ],
        evaluated_on: None,
        notes: None,
    };
    let e = admin.evaluate_institution(a1, &on_new_sheet).await.expect("evaluate");
    assert_eq!((e.total, e.grade), (940, Grade::B), "940 is below this sheet's A threshold of 950");
    assert_eq!(e.categories[0].name, "类别 care");
    // The year's sheet is frozen once used; the evaluation keeps what it was scored on.
    assert_eq!(
        admin.put_evaluation_scheme(year, &sheet).await.expect_err("frozen").status(),
        Some(StatusCode::CONFLICT)
    );
    let old = admin.evaluate_institution(a1, &request(year - 1, 940)).await.expect("default sheet");
    assert_eq!(old.grade, Grade::A);
}
