use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;

fn t() -> Thresholds {
    Thresholds { max_speed_kmh: 60, geofence_m: 300, analysis: Analysis::default() }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("day")
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// A visit by caregiver `carer` (record `carer`, institution 100) to person `person`, checked in
/// on day `d` at `hh:mm` (UTC as local) for `minutes`, at `home` (where they live).
fn visit(n: u128, carer: u128, person: u128, d: u32, (hh, mm): (u32, u32), minutes: i64, home: Point) -> Visit {
    let check_in = Utc.with_ymd_and_hms(2026, 11, d, hh, mm, 0).single().expect("instant");
    Visit {
        id: id(n),
        institution_id: id(100),
        caregiver_id: id(carer),
        carer: format!("carer-{carer}"),
        person_id: id(person),
        day: day(d),
        check_in,
        check_out: Some(check_in + Duration::minutes(minutes)),
        local_day: day(d),
        local_minute: hh * 60 + mm,
        in_at: Some(home),
        out_at: Some(home),
        home: Some(home),
        min_minutes: 30,
    }
}

fn p(lat: f64, lon: f64) -> Point {
    Point { latitude: lat, longitude: lon }
}

fn month(visits: Vec<Visit>) -> Month {
    Month { month: "2026-11".into(), visits, ..Default::default() }
}

fn rules(found: &[Found]) -> Vec<Rule> {
    found.iter().map(|f| f.rule).collect()
}

/// 0.09 degrees of latitude: 10.0 km.
const TEN_KM: f64 = 0.089_932;

#[test]
fn travel_faster_than_the_policy_allows_is_found_with_its_numbers() {
    let home = p(36.0, 117.0);
    let far = p(36.0 + TEN_KM, 117.0);
    // 30 minutes' visit ending 09:30, the next at 09:40 ten km away: 60 km/h, the limit itself.
    let at_limit = month(vec![visit(1, 7, 1, 3, (9, 0), 30, home), visit(2, 7, 2, 3, (9, 40), 30, far)]);
    assert!(check(&at_limit, &t()).is_empty());
    // At 09:35: 120 km/h.
    let too_fast = month(vec![visit(1, 7, 1, 3, (9, 0), 30, home), visit(2, 7, 2, 3, (9, 35), 30, far)]);
    let found = check(&too_fast, &t());
    assert_eq!(rules(&found), [Rule::ImpossibleTravel]);
    let f = &found[0];
    assert_eq!(f.evidence["distance_km"], 10.0);
    assert_eq!(f.evidence["minutes"], 5.0);
    assert_eq!(f.evidence["speed_kmh"], 120.0);
    assert_eq!(f.evidence["max_travel_speed_kmh"], 60);
    assert_eq!(f.records.iter().map(|r| (r.id, r.affected)).collect::<Vec<_>>(), [(id(1), false), (id(2), true)]);
    assert_eq!(f.summary.zh(), "两次服务签到相距 10 公里、间隔 5 分钟，折合时速 120 公里，超过政策上限 60 公里");
    // Under a kilometre is never travel, however quick.
    let near = month(vec![visit(1, 7, 1, 3, (9, 0), 30, home), visit(2, 7, 2, 3, (9, 30), 30, p(36.008, 117.0))]);
    assert!(check(&near, &t()).is_empty());
}

#[test]
fn one_person_in_two_institutions_visits_at_once_is_found() {
    let home = p(36.0, 117.0);
    let mut other = visit(2, 8, 2, 3, (9, 20), 30, home);
    other.institution_id = id(200);
    other.carer = "carer-7".into();
    let found = check(&month(vec![visit(1, 7, 1, 3, (9, 0), 30, home), other.clone()]), &t());
    assert_eq!(rules(&found), [Rule::CrossInstitutionOverlap]);
    assert_eq!(found[0].institution_id, Some(id(200)));
    assert_eq!(found[0].evidence["overlap_minutes"], 10);
    // Once the first visit ended: no overlap.
    other.check_in += Duration::minutes(10);
    assert!(check(&month(vec![visit(1, 7, 1, 3, (9, 0), 30, home), other]), &t()).is_empty());
}

#[test]
fn a_day_above_the_maximum_hours_marks_the_visits_beyond_it() {
    let home = p(36.0, 117.0);
    // Five visits of two hours: ten hours, the maximum itself.
    let ten: Vec<Visit> = (0..5).map(|i| visit(i + 1, 7, 1, 3, (7 + 2 * i as u32, 0), 120, home)).collect();
    assert!(check(&month(ten.clone()), &t()).is_empty());
    let mut eleven = ten;
    eleven.push(visit(6, 7, 1, 3, (17, 0), 60, home));
    let found = check(&month(eleven), &t());
    assert_eq!(rules(&found), [Rule::LongDay]);
    assert_eq!(found[0].evidence["hours"], 11.0);
    let affected: Vec<Uuid> = found[0].records.iter().filter(|r| r.affected).map(|r| r.id).collect();
    assert_eq!(affected, [id(6)], "only the visit beyond the tenth hour");
}

#[test]
fn check_ins_repeated_to_the_minute_are_found_from_the_policys_count_and_share() {
    let home = p(36.0, 117.0);
    let seven: Vec<Visit> = (1..=7).map(|d| visit(d as u128, 7, 1, d, (8, 0), 45, home)).collect();
    assert!(check(&month(seven.clone()), &t()).is_empty());
    let mut eight = seven;
    eight.push(visit(8, 7, 1, 8, (8, 0), 45, home));
    let found = check(&month(eight.clone()), &t());
    assert_eq!(rules(&found), [Rule::RepeatedCheckInTime]);
    assert_eq!(found[0].evidence["minute"], "08:00");
    assert_eq!(found[0].evidence["at_the_same_minute"], 8);
    // Eight of seventeen check-ins at one minute: under half, a routine.
    let mut routine = eight;
    routine.extend((9..=17).map(|d| visit(d as u128, 7, 1, d, (8, d - 8), 45, home)));
    assert!(check(&month(routine), &t()).is_empty());
}

#[test]
fn durations_at_the_minimum_are_found_from_the_policys_share() {
    let home = p(36.0, 117.0);
    // Ten visits at different times (minimum 30 minutes); `short` of them last 31 minutes (within
    // 5 %), the rest 40.
    let visits = |short: u32| -> Vec<Visit> {
        (1..=10).map(|d| visit(d as u128, 7, 1, d, (8, d), if d <= short { 31 } else { 40 }, home)).collect()
    };
    assert!(check(&month(visits(7)), &t()).is_empty(), "70 % is under 80 %");
    let found = check(&month(visits(8)), &t());
    assert_eq!(rules(&found), [Rule::MinimumDuration]);
    assert_eq!(found[0].evidence["share_pct"], 80.0);
    // Nine visits are too few to judge; visits cut short are not at the minimum.
    assert!(check(&month(visits(9).into_iter().take(9).collect()), &t()).is_empty());
    let short: Vec<Visit> = (1..=10).map(|d| visit(d as u128, 7, 1, d, (8, d), 20, home)).collect();
    assert!(check(&month(short), &t()).is_empty());
}

#[test]
fn the_same_point_for_people_living_apart_is_found_but_not_for_a_couple() {
    let home_a = p(36.0, 117.0);
    let home_b = p(36.05, 117.0);
    let mut a = visit(1, 7, 1, 3, (8, 0), 45, home_a);
    let mut b = visit(2, 7, 2, 4, (8, 30), 45, home_b);
    b.in_at = a.in_at;
    let found = check(&month(vec![a.clone(), b.clone()]), &t());
    assert_eq!(rules(&found), [Rule::SameGpsPoint]);
    let affected: Vec<Uuid> = found[0].records.iter().filter(|r| r.affected).map(|r| r.id).collect();
    assert_eq!(affected, [id(2)], "the visit checked in far from its beneficiary's home");
    // A couple: one home, two people.
    a.home = Some(home_a);
    b.home = Some(home_a);
    assert!(check(&month(vec![a, b]), &t()).is_empty());
}

#[test]
fn bed_days_against_other_facts() {
    let bed = |stay: u128, inst: u128, d: u32| BedDay {
        stay_id: id(stay),
        institution_id: id(inst),
        person_id: id(1),
        day: day(d),
    };
    let home = p(36.0, 117.0);
    let mut m = month(vec![visit(9, 7, 1, 5, (9, 0), 45, home), visit(10, 7, 1, 12, (9, 0), 45, home)]);
    m.billed_twice = vec![bed(50, 300, 2), bed(50, 300, 3), bed(60, 400, 2)];
    m.visits_in_stay = vec![(id(9), bed(50, 300, 5))];
    m.beds_in_hospital = vec![bed(50, 300, 20), bed(50, 300, 21)];
    m.beds_after_death = vec![(bed(50, 300, 29), day(27))];
    // In hospital from the 11th: the visit on the 12th is inside the stay.
    m.hospital.insert(id(1), vec![(Some(day(11)), Some(day(13)))]);
    let found = check(&m, &t());
    let mut got: Vec<(Rule, Option<Uuid>, usize)> =
        found.iter().map(|f| (f.rule, f.institution_id, f.records.iter().filter(|r| r.affected).count())).collect();
    got.sort();
    assert_eq!(
        got,
        [
            (Rule::BilledTwice, Some(id(300)), 2),
            (Rule::BilledTwice, Some(id(400)), 1),
            (Rule::VisitDuringStay, Some(id(100)), 2),
            (Rule::BedWhileHospitalised, Some(id(300)), 2),
            (Rule::BedAfterDeath, Some(id(300)), 1),
        ]
    );
    // The visit on the day of admission is not inside the stay.
    let mut m = month(vec![visit(10, 7, 1, 11, (9, 0), 45, home)]);
    m.hospital.insert(id(1), vec![(Some(day(11)), Some(day(13)))]);
    assert!(check(&m, &t()).is_empty());
}

#[test]
fn an_institution_far_above_its_peers_and_its_history_is_found() {
    let act = |inst: u128, back: u32, services: u64| Activity {
        institution_id: id(inst),
        months_back: back,
        services,
        persons: 10,
    };
    let mut m = month(Vec::new());
    for inst in 1..=6 {
        m.institutions.insert(id(inst), ("home_care".into(), format!("机构{inst}")));
    }
    for inst in 1..=5 {
        m.activity.push(act(inst, 0, 300 + inst as u64 * 5));
    }
    m.activity.push(act(6, 0, 600));
    for back in 1..=4 {
        m.activity.push(act(6, back, 320));
    }
    let found = check(&m, &t());
    assert_eq!(rules(&found), [Rule::PeerOutlier]);
    assert_eq!(found[0].institution_id, Some(id(6)));
    assert_eq!(found[0].evidence["services_per_beneficiary"], 60.0);
    // The same level as its own last months: not a jump.
    m.activity.retain(|a| !(a.institution_id == id(6) && a.months_back > 0));
    for back in 1..=4 {
        m.activity.push(act(6, back, 590 + back as u64));
    }
    assert!(check(&m, &t()).is_empty());
}

#[test]
fn the_robust_score_holds_against_identical_peers() {
    let (score, median) = robust_score(31.0, &[30.0; 8]);
    assert_eq!(median, 30.0);
    assert!((score - 1.0 / 3.0).abs() < 1e-9, "{score}");
}
