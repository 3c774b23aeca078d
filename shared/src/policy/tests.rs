use super::*;

/// A small sound policy: home visits per item for levels 2–5, hospital wards by tier for 4–5.
fn policy() -> PolicyDocument {
    serde_json::from_value(serde_json::json!({
        "name": "测试市待遇标准",
        "effective_from": "2026-01-01",
        "reserve_share": "0.05",
        "quality_withholding": "0.05",
        "eligibility": {"hospital_ward": [4, 5], "home_visit": [2, 3, 4, 5]},
        "rates": [
            {"mode": "hospital_ward", "levels": [4, 5], "basis": "capped_per_day", "amount": "100.00", "fund_share": "0.75"},
            {"mode": "hospital_ward", "levels": [4, 5], "tier": 3, "basis": "capped_per_day", "amount": "120.00", "fund_share": "0.70"},
            {"mode": "home_visit", "levels": [2, 3, 4, 5], "basis": "per_item", "fund_share": "0.9", "monthly_cap": "900.00"}
        ],
        "catalogue": [{"code": "SF-01", "name": "头面部清洁护理", "unit_price": "15.00", "unit": "次",
            "min_minutes": 20, "qualification": "caregiver_certified", "max_per_week": 7}],
        "assessment": AssessmentSettings::default(),
        "monitoring": {"geofence_radius_m": 300, "duration_tolerance_pct": 10, "max_travel_speed_kmh": 60}
    }))
    .expect("policy")
}

fn codes(p: &PolicyDocument) -> Vec<(String, String)> {
    p.problems().into_iter().map(|(k, v)| (k, v.code)).collect()
}

fn pair(path: &str, code: &str) -> (String, String) {
    (path.to_owned(), code.to_owned())
}

#[test]
fn a_sound_policy_has_no_problems_and_prices_by_tier() {
    let p = policy();
    assert_eq!(codes(&p), vec![]);
    let tier3 = p.rate_for(Scheme::Resident, CareMode::HospitalWard, 5, Some(3)).expect("tier 3");
    assert_eq!(tier3.amount, Some(Decimal::new(12_000, 2)), "the row for the tier wins");
    let tier1 = p.rate_for(Scheme::Employee, CareMode::HospitalWard, 4, Some(1)).expect("tier 1");
    assert_eq!(tier1.amount, Some(Decimal::new(10_000, 2)), "the row for every tier");
    assert!(p.rate_for(Scheme::Resident, CareMode::HospitalWard, 3, Some(1)).is_none(), "level 3 not eligible");
    assert!(p.eligible(CareMode::HomeVisit, 2) && !p.eligible(CareMode::Institutional, 5));
    assert_eq!(p.item("SF-01").map(|i| i.min_minutes), Some(20));
    assert_eq!(p.reserve_share_bp(), 500);
}

#[test]
fn every_problem_points_at_its_key() {
    let mut p = policy();
    p.name = " ".into();
    p.region = Some("37048".into());
    p.eligibility.family_care = vec![6];
    p.rates[0].amount = Some(Decimal::new(10_001, 3));
    p.rates[1].fund_share = Decimal::new(11, 1);
    p.rates[2].amount = Some(Decimal::ONE);
    p.catalogue.push(p.catalogue[0].clone());
    p.catalogue[0].min_minutes = 0;
    p.reserve_share = Decimal::new(5, 5);
    p.quality_withholding = Decimal::new(6, 1);
    p.assessment.min_assessors = 1;
    p.monitoring.geofence_radius_m = 5;
    p.monitoring.analysis.max_caregiver_hours_per_day = 25;
    p.monitoring.analysis.repeated_check_in_share_pct = 5;
    let mut expected = vec![
        pair("name", "required"),
        pair("region", "invalid_format"),
        pair("eligibility.family_care", "out_of_range"),
        pair("rates[0].amount", "too_precise"),
        pair("rates[1].fund_share", "out_of_range"),
        pair("rates[2].amount", "not_allowed"),
        pair("catalogue[0].min_minutes", "out_of_range"),
        pair("catalogue[1].code", "duplicate"),
        pair("reserve_share", "too_precise"),
        pair("quality_withholding", "out_of_range"),
        pair("assessment.min_assessors", "out_of_range"),
        pair("monitoring.geofence_radius_m", "out_of_range"),
        pair("monitoring.analysis.max_caregiver_hours_per_day", "out_of_range"),
        pair("monitoring.analysis.repeated_check_in_share_pct", "out_of_range"),
    ];
    expected.sort();
    assert_eq!(codes(&p), expected);
}

#[test]
fn rates_must_cover_every_eligible_level_once_and_only_eligible_ones() {
    let mut p = policy();
    p.eligibility.institutional = vec![5];
    p.rates[2].levels = vec![2, 3, 4, 5, 1];
    let mut twice = p.rates[1].clone();
    twice.schemes = vec![Scheme::Employee];
    twice.levels = vec![5];
    p.rates.push(twice);
    let mut expected = vec![
        pair("eligibility.institutional", "no_rate"),
        pair("rates[2].levels", "not_eligible"),
        pair("rates[3].levels", "duplicate_rate"),
    ];
    expected.sort();
    assert_eq!(codes(&p), expected);

    // A hospital ward priced only for tier 3 leaves tiers 1 and 2 unpriced.
    let mut p = policy();
    p.rates.remove(0);
    assert_eq!(codes(&p), vec![pair("eligibility.hospital_ward", "no_rate")]);
    // Tiers are for hospital wards; home visits need a catalogue; capped days need a cap.
    let mut p = policy();
    p.rates[2].tier = Some(1);
    p.catalogue.clear();
    p.rates[0].amount = None;
    let mut expected = vec![
        pair("rates[2].tier", "not_allowed"),
        pair("eligibility.home_visit", "no_rate"),
        pair("catalogue", "required"),
        pair("rates[0].amount", "required"),
    ];
    expected.sort();
    assert_eq!(codes(&p), expected);
}

#[test]
fn the_analysis_thresholds_default_and_a_document_without_them_keeps_its_form() {
    let p = policy();
    assert_eq!(p.monitoring.analysis, Analysis::default());
    let stored = serde_json::to_value(&p).expect("json");
    assert!(stored["monitoring"].get("analysis").is_none(), "{stored}");
    let mut tuned = p.clone();
    tuned.monitoring.analysis.max_caregiver_hours_per_day = 9;
    let stored = serde_json::to_value(&tuned).expect("json");
    assert_eq!(stored["monitoring"]["analysis"]["max_caregiver_hours_per_day"], 9);
    let back: PolicyDocument = serde_json::from_value(stored).expect("read back");
    assert_eq!(back, tuned);
}
