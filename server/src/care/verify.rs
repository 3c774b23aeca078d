//! Verification at check-out (事中审核): the rules a finished visit is checked against, as a pure
//! function of the facts gathered for it, each finding with a code and a severity.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use ltci_shared::api::care::{
    ExceptionCode, MockLocation, PlanItem, PlannedItem, Position, Severity, TaskResult, VisitException,
};
use ltci_shared::api::workforce::CaregiverQualification;
use ltci_shared::geo::{self, Point};
use ltci_shared::messages as m;
use ltci_shared::policy::PolicyDocument;
use ltci_shared::text::Text;

/// Everything the rules need to know about one checked-out visit.
#[derive(Debug)]
pub struct Facts<'a> {
    /// The service day the visit is for.
    pub day: NaiveDate,
    /// The local date of the check-in.
    pub check_in_day: NaiveDate,
    pub check_in: DateTime<Utc>,
    pub check_out: DateTime<Utc>,
    /// Check-in and check-out positions (`None`: the time came from a correction).
    pub positions: [Option<Position>; 2],
    /// The beneficiary's registered coordinates.
    pub home: Option<Point>,
    /// The policy in force on the service day.
    pub policy: Option<&'a PolicyDocument>,
    /// What the visit was scheduled to deliver.
    pub planned: &'a [PlannedItem],
    /// The plan's weekly items (empty without a plan).
    pub plan_items: &'a [PlanItem],
    pub tasks: &'a [TaskResult],
    pub qualification: CaregiverQualification,
    pub certified: bool,
    /// In hospital on the service day (a partner-reported stay covers it).
    pub hospitalised: bool,
    pub died_on: Option<NaiveDate>,
    /// Other visits of the same caregiver overlapping this one.
    pub overlapping: usize,
    /// The caregiver's other check-ins of the day, for beneficiaries living elsewhere, at the
    /// very same point as this check-in.
    pub same_point: usize,
    /// The caregiver was assigned to the beneficiary on the service day.
    pub assigned: bool,
    /// Deliveries per item in the beneficiary's other visits of the same week (not rejected).
    pub delivered_elsewhere_this_week: &'a BTreeMap<String, u32>,
}

/// A finding; its message is kept in the catalogue's stored form and read in the reader's
/// language (`visits::view`).
fn finding(code: ExceptionCode, severity: Severity, item: Option<&str>, message: Text) -> VisitException {
    VisitException { code, severity, message: message.stored(), item: item.map(str::to_owned), resolution: None }
}

/// The items delivered (done) and how many times each: a done item counts as many times as it
/// was planned in this visit, once if it was not planned.
pub fn delivered(planned: &[PlannedItem], tasks: &[TaskResult]) -> BTreeMap<String, u32> {
    tasks
        .iter()
        .filter(|t| t.done)
        .map(|t| {
            let times = planned.iter().find(|p| p.code == t.item).map_or(1, |p| p.times);
            (t.item.clone(), times)
        })
        .collect()
}

/// Every finding about the visit, in a stable order.
pub fn verify(f: &Facts) -> Vec<VisitException> {
    let mut out = Vec::new();
    if !f.certified {
        out.push(finding(ExceptionCode::NotCertified, Severity::Block, None, m::finding_not_certified(f.day)));
    }
    if f.hospitalised {
        out.push(finding(ExceptionCode::Hospitalised, Severity::Block, None, m::finding_hospitalised(f.day)));
    }
    match f.died_on {
        Some(d) if d < f.day => {
            out.push(finding(ExceptionCode::Deceased, Severity::Block, None, m::finding_died_before(d)))
        }
        Some(d) if d == f.day => {
            out.push(finding(ExceptionCode::Deceased, Severity::Review, None, m::finding_died_that_day(d)))
        }
        _ => {}
    }
    if f.check_in_day != f.day {
        out.push(finding(
            ExceptionCode::OffScheduleDay,
            Severity::Review,
            None,
            m::finding_off_schedule_day(f.day, f.check_in_day),
        ));
    }
    if f.overlapping > 0 {
        out.push(finding(
            ExceptionCode::OverlappingVisit,
            Severity::Review,
            None,
            m::finding_overlapping(f.overlapping),
        ));
    }
    if !f.assigned {
        out.push(finding(ExceptionCode::NotAssigned, Severity::Review, None, m::finding_not_assigned()));
    }
    if f.same_point > 0 {
        out.push(finding(ExceptionCode::SamePoint, Severity::Review, None, m::finding_same_point(f.same_point)));
    }
    location_findings(f, &mut out);
    let done = delivered(f.planned, f.tasks);
    for p in f.planned {
        if !f.tasks.iter().any(|t| t.item == p.code) {
            out.push(finding(
                ExceptionCode::TaskNotRecorded,
                Severity::Review,
                Some(&p.code),
                m::finding_task_not_recorded(&p.code),
            ));
        }
    }
    if let Some(policy) = f.policy {
        duration_finding(f, policy, &done, &mut out);
        for code in done.keys() {
            if let Some(item) = policy.item(code)
                && !f.qualification.may_deliver(item.qualification)
            {
                out.push(finding(
                    ExceptionCode::UnqualifiedCaregiver,
                    Severity::Block,
                    Some(code),
                    m::finding_unqualified(&item.name, code, item.qualification.text()),
                ));
            }
        }
    }
    for (code, times) in &done {
        match f.plan_items.iter().find(|p| p.code == *code) {
            None => {
                out.push(finding(ExceptionCode::NotInPlan, Severity::Review, Some(code), m::finding_not_in_plan(code)))
            }
            Some(p) => {
                let week = times + f.delivered_elsewhere_this_week.get(code).copied().unwrap_or(0);
                if week > p.per_week {
                    out.push(finding(
                        ExceptionCode::OverFrequency,
                        Severity::Review,
                        Some(code),
                        m::finding_over_frequency(code, week, p.per_week),
                    ));
                }
            }
        }
    }
    out
}

fn location_findings(f: &Facts, out: &mut Vec<VisitException>) {
    let radius = f.policy.map_or(300.0, |p| f64::from(p.monitoring.geofence_radius_m));
    let mut no_home_noted = false;
    for (which, position) in [m::at_check_in(), m::at_check_out()].into_iter().zip(f.positions) {
        match position {
            None => {}
            Some(Position::Unavailable { reason }) => out.push(finding(
                ExceptionCode::LocationUnavailable,
                Severity::Review,
                None,
                m::finding_no_gps(which, reason.text()),
            )),
            Some(Position::Gps { latitude, longitude, accuracy_m, mock }) => match f.home {
                _ if mock == MockLocation::Yes => out.push(finding(
                    ExceptionCode::MockLocation,
                    Severity::Review,
                    None,
                    m::finding_mock_location(which),
                )),
                None if !no_home_noted => {
                    no_home_noted = true;
                    out.push(finding(
                        ExceptionCode::NoRegisteredLocation,
                        Severity::Info,
                        None,
                        m::finding_no_home_coordinates(),
                    ));
                }
                None => {}
                Some(home) => {
                    let at = Point { latitude, longitude };
                    if !geo::within_fence(home, at, accuracy_m, radius) {
                        out.push(finding(
                            ExceptionCode::OutsideGeofence,
                            Severity::Review,
                            None,
                            m::finding_outside_geofence(
                                which,
                                format!("{:.0}", geo::distance_m(home, at)),
                                format!("{accuracy_m:.0}"),
                                format!("{radius:.0}"),
                            ),
                        ));
                    }
                }
            },
        }
    }
}

fn duration_finding(f: &Facts, policy: &PolicyDocument, done: &BTreeMap<String, u32>, out: &mut Vec<VisitException>) {
    let required: i64 = done
        .iter()
        .filter_map(|(code, times)| policy.item(code).map(|i| i64::from(i.min_minutes) * i64::from(*times)))
        .sum();
    let tolerance = i64::from(policy.monitoring.duration_tolerance_pct.min(100));
    let seconds = (f.check_out - f.check_in).num_seconds();
    // Allowed: the required minutes less the tolerance, compared in seconds.
    let allowed = required * 60 * (100 - tolerance) / 100;
    if seconds < allowed || seconds < 0 {
        out.push(finding(
            ExceptionCode::TooShort,
            Severity::Review,
            None,
            m::finding_too_short(seconds.div_euclid(60), required, tolerance),
        ));
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use ltci_shared::api::care::NoGpsReason;

    use super::*;

    const HOME: Point = Point { latitude: 36.07, longitude: 120.38 };

    /// The demo city's policy: radius 300 m, tolerance 10%, SF-01 20 minutes, SF-05 for nurses.
    fn policy() -> PolicyDocument {
        let text = include_str!("../../policies/demo.toml");
        crate::policy::document::parse(text, crate::policy::document::Format::Toml)
            .unwrap_or_else(|e| panic!("demo policy: {}", e.message().en()))
    }

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().expect("time") + Duration::minutes(min)
    }

    fn gps(dlat: f64, accuracy_m: f64) -> Option<Position> {
        Some(Position::gps(HOME.latitude + dlat, HOME.longitude, accuracy_m))
    }

    fn done(item: &str) -> TaskResult {
        TaskResult { item: item.into(), done: true, reason: None, at: at(5) }
    }

    struct Case {
        policy: PolicyDocument,
        planned: Vec<PlannedItem>,
        plan: Vec<PlanItem>,
        tasks: Vec<TaskResult>,
        week: BTreeMap<String, u32>,
    }

    impl Case {
        /// SF-01 (20 min) planned once, done; the plan allows it 7 times a week.
        fn new() -> Case {
            Case {
                policy: policy(),
                planned: vec![PlannedItem { code: "SF-01".into(), times: 1 }],
                plan: vec![PlanItem { code: "SF-01".into(), per_week: 7 }],
                tasks: vec![done("SF-01")],
                week: BTreeMap::new(),
            }
        }

        fn facts(&self) -> Facts<'_> {
            Facts {
                day: at(0).date_naive(),
                check_in_day: at(0).date_naive(),
                check_in: at(0),
                check_out: at(30),
                positions: [gps(0.0, 10.0), gps(0.0, 10.0)],
                home: Some(HOME),
                policy: Some(&self.policy),
                planned: &self.planned,
                plan_items: &self.plan,
                tasks: &self.tasks,
                qualification: CaregiverQualification::CaregiverCertified,
                certified: true,
                hospitalised: false,
                died_on: None,
                overlapping: 0,
                same_point: 0,
                assigned: true,
                delivered_elsewhere_this_week: &self.week,
            }
        }
    }

    fn codes(x: &[VisitException]) -> Vec<(ExceptionCode, Severity)> {
        x.iter().map(|e| (e.code, e.severity)).collect()
    }

    #[test]
    fn a_proper_visit_has_no_findings() {
        assert!(verify(&Case::new().facts()).is_empty());
    }

    #[test]
    fn geofence_on_both_sides_of_the_radius() {
        let c = Case::new();
        // The demo radius is 300 m; 0.0025° ≈ 278 m inside, 0.0035° ≈ 389 m outside.
        let inside = Facts { positions: [gps(0.0025, 10.0), gps(0.0, 10.0)], ..c.facts() };
        assert!(verify(&inside).is_empty());
        let outside = Facts { positions: [gps(0.0, 10.0), gps(0.0035, 10.0)], ..c.facts() };
        assert_eq!(codes(&verify(&outside)), [(ExceptionCode::OutsideGeofence, Severity::Review)]);
        // 389 m away with a ±100 m fix may have been at the door.
        let fuzzy = Facts { positions: [gps(0.0, 10.0), gps(0.0035, 100.0)], ..c.facts() };
        assert!(verify(&fuzzy).is_empty());
        let none = Facts {
            positions: [Some(Position::Unavailable { reason: NoGpsReason::NoSignal }), gps(0.0, 5.0)],
            ..c.facts()
        };
        assert_eq!(codes(&verify(&none)), [(ExceptionCode::LocationUnavailable, Severity::Review)]);
        let unknown = Facts { home: None, ..c.facts() };
        assert_eq!(codes(&verify(&unknown)), [(ExceptionCode::NoRegisteredLocation, Severity::Info)]);
    }

    #[test]
    fn duration_on_both_sides_of_the_tolerance() {
        let c = Case::new();
        // SF-01 takes 20 minutes; the demo tolerance is 10%: 18 minutes pass, 17 do not.
        let enough = Facts { check_out: at(18), ..c.facts() };
        assert!(verify(&enough).is_empty());
        let short = Facts { check_out: at(17), ..c.facts() };
        assert_eq!(codes(&verify(&short)), [(ExceptionCode::TooShort, Severity::Review)]);
        let backwards = Facts { check_out: at(-5), ..c.facts() };
        assert_eq!(codes(&verify(&backwards)), [(ExceptionCode::TooShort, Severity::Review)]);
    }

    #[test]
    fn certificate_death_overlap_and_day() {
        let c = Case::new();
        let day = at(0).date_naive();
        let f = Facts { certified: false, ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::NotCertified, Severity::Block)]);
        let f = Facts { hospitalised: true, ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::Hospitalised, Severity::Block)]);
        let f = Facts { died_on: day.pred_opt(), ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::Deceased, Severity::Block)]);
        let f = Facts { died_on: Some(day), ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::Deceased, Severity::Review)]);
        let f = Facts { died_on: day.succ_opt(), ..c.facts() };
        assert!(verify(&f).is_empty());
        let f = Facts { overlapping: 1, ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::OverlappingVisit, Severity::Review)]);
        let f = Facts { check_in_day: day.succ_opt().expect("day"), ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::OffScheduleDay, Severity::Review)]);
    }

    #[test]
    fn mocked_location_shared_point_and_assignment() {
        let c = Case::new();
        let mocked = Position::Gps {
            latitude: HOME.latitude,
            longitude: HOME.longitude,
            accuracy_m: 5.0,
            mock: MockLocation::Yes,
        };
        // A mocked fix at the very door is still a mocked fix; one the platform denies is fine.
        let f = Facts { positions: [Some(mocked), gps(0.0, 5.0)], ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::MockLocation, Severity::Review)]);
        let honest = Position::Gps {
            latitude: HOME.latitude,
            longitude: HOME.longitude,
            accuracy_m: 5.0,
            mock: MockLocation::No,
        };
        let f = Facts { positions: [Some(honest), gps(0.0, 5.0)], ..c.facts() };
        assert!(verify(&f).is_empty());
        let f = Facts { same_point: 1, ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::SamePoint, Severity::Review)]);
        let f = Facts { assigned: false, ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::NotAssigned, Severity::Review)]);
    }

    #[test]
    fn qualification_frequency_and_plan() {
        let mut c = Case::new();
        // SF-05 (vital signs) needs a nurse.
        c.tasks.push(done("SF-05"));
        c.plan.push(PlanItem { code: "SF-05".into(), per_week: 7 });
        let f = Facts { check_out: at(40), ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::UnqualifiedCaregiver, Severity::Block)]);
        let f = Facts { check_out: at(40), qualification: CaregiverQualification::Nurse, ..c.facts() };
        assert!(verify(&f).is_empty());

        // Six deliveries elsewhere this week plus this one is the plan's seven; eight is one too many.
        let mut c = Case::new();
        c.week.insert("SF-01".into(), 6);
        assert!(verify(&c.facts()).is_empty());
        c.week.insert("SF-01".into(), 7);
        assert_eq!(codes(&verify(&c.facts())), [(ExceptionCode::OverFrequency, Severity::Review)]);

        let mut c = Case::new();
        c.tasks.push(done("SF-02"));
        let f = Facts { check_out: at(45), ..c.facts() };
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::NotInPlan, Severity::Review)]);
        c.tasks.clear();
        let f = c.facts();
        assert_eq!(codes(&verify(&f)), [(ExceptionCode::TaskNotRecorded, Severity::Review)]);
    }
}
