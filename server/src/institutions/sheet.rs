//! The evaluation sheet's rules (千分制), as pure functions: the default sheet, what makes a sheet
//! valid, and how a total becomes a grade and a credit class.

use ltci_shared::api::evaluation::{
    CreditClass, DepositRelease, EvaluationCategory, EvaluationScheme, Grade, GradeThresholds,
};
use ltci_shared::messages as m;

use crate::http::error::FieldErrors;

/// Every sheet adds up to this many points.
pub const SHEET_POINTS: u32 = 1000;

/// The sheet used until a region sets its own: six categories in the manner of Jingmen's
/// 千分制 for designated institutions.
pub fn default_scheme() -> EvaluationScheme {
    let c =
        |code: &str, name: &str, max_points| EvaluationCategory { code: code.into(), name: name.into(), max_points };
    EvaluationScheme {
        categories: vec![
            c("management", "基础管理", 150),
            c("service_quality", "服务质量", 300),
            c("staffing", "人员配备与培训", 150),
            c("fund_use", "基金使用与结算", 200),
            c("records", "信息与档案管理", 100),
            c("satisfaction", "参保人满意度", 100),
        ],
        thresholds: GradeThresholds::default(),
        deposit_release_percent: DepositRelease::default(),
    }
}

/// Records every problem of a sheet: categories with unique `a-z 0-9 _` codes and names, maxima
/// adding up to 1000, thresholds falling from A to C, release shares of at most 100 % that never
/// rise from a better class to a worse one.
pub fn check_scheme(errors: &mut FieldErrors, s: &EvaluationScheme) {
    if s.categories.is_empty() {
        errors.add("categories", "required", m::sheet_needs_category());
    }
    let mut seen = std::collections::HashSet::new();
    for (i, c) in s.categories.iter().enumerate() {
        let code_ok = !c.code.is_empty()
            && c.code.len() <= 32
            && c.code.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        if !code_ok {
            errors.add(format!("categories[{i}].code"), "invalid_code", m::category_code_format());
        } else if !seen.insert(c.code.as_str()) {
            errors.add(format!("categories[{i}].code"), "duplicate", m::category_code_once());
        }
        if c.name.trim().is_empty() || c.name.chars().count() > 50 {
            errors.add(format!("categories[{i}].name"), "invalid_length", m::characters_between(1, 50));
        }
        if c.max_points == 0 {
            errors.add(format!("categories[{i}].max_points"), "out_of_range", m::category_min_points());
        }
    }
    let sum: u64 = s.categories.iter().map(|c| u64::from(c.max_points)).sum();
    if !s.categories.is_empty() && sum != u64::from(SHEET_POINTS) {
        errors.add("categories", "not_thousand", m::categories_sum(sum, SHEET_POINTS));
    }
    let t = s.thresholds;
    if !(t.a <= SHEET_POINTS && t.a > t.b && t.b > t.c && t.c > 0) {
        errors.add("thresholds", "not_descending", m::thresholds_descending());
    }
    let r = s.deposit_release_percent;
    let shares = [r.a, r.b, r.c, r.d, r.e];
    if shares.iter().any(|&p| p > 100) || shares.windows(2).any(|w| w[1] > w[0]) {
        errors.add("deposit_release_percent", "out_of_order", m::release_shares_order());
    }
}

/// The grade of a total.
pub fn grade(total: u32, t: &GradeThresholds) -> Grade {
    if total >= t.a {
        Grade::A
    } else if total >= t.b {
        Grade::B
    } else if total >= t.c {
        Grade::C
    } else {
        Grade::D
    }
}

/// The credit class: the grade's letter, or E when a serious violation was counted.
pub fn credit_class(grade: Grade, serious_violation: bool) -> CreditClass {
    match (serious_violation, grade) {
        (true, _) => CreditClass::E,
        (false, Grade::A) => CreditClass::A,
        (false, Grade::B) => CreditClass::B,
        (false, Grade::C) => CreditClass::C,
        (false, Grade::D) => CreditClass::D,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_sheet_is_valid_and_worth_a_thousand() {
        let mut errors = FieldErrors::new();
        check_scheme(&mut errors, &default_scheme());
        assert!(errors.is_empty());
        assert_eq!(default_scheme().categories.iter().map(|c| c.max_points).sum::<u32>(), SHEET_POINTS);
    }

    #[test]
    fn grades_change_exactly_at_the_thresholds() {
        let t = GradeThresholds::default();
        for (total, expected) in [
            (1000, Grade::A),
            (900, Grade::A),
            (899, Grade::B),
            (800, Grade::B),
            (799, Grade::C),
            (700, Grade::C),
            (699, Grade::D),
            (0, Grade::D),
        ] {
            assert_eq!(grade(total, &t), expected, "{total}");
        }
        let strict = GradeThresholds { a: 950, b: 850, c: 600 };
        assert_eq!(grade(949, &strict), Grade::B);
        assert_eq!(grade(600, &strict), Grade::C);
    }

    #[test]
    fn a_serious_violation_makes_the_credit_class_e() {
        assert_eq!(credit_class(Grade::A, false), CreditClass::A);
        assert_eq!(credit_class(Grade::D, false), CreditClass::D);
        assert_eq!(credit_class(Grade::A, true), CreditClass::E);
    }

    #[test]
    fn bad_sheets_name_each_problem() {
        let mut s = default_scheme();
        s.categories[0].max_points = 100; // now 950
        s.categories[1].code = "management".into();
        s.thresholds = GradeThresholds { a: 800, b: 800, c: 700 };
        s.deposit_release_percent.c = 90;
        let mut errors = FieldErrors::new();
        check_scheme(&mut errors, &s);
        let e = errors.finish().expect_err("invalid");
        let body = format!("{e:?}");
        for field in ["\"categories\"", "categories[1].code", "thresholds", "deposit_release_percent"] {
            assert!(body.contains(field), "{field} in {body}");
        }
    }
}
