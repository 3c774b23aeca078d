//! The monthly analysis's rules (事后分析): pure functions of a month's facts ([`Month`]), each
//! finding with its rule, its key (the same finding when the month is analysed again), the
//! numbers that triggered it against the policy's thresholds, and the records it names.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use ltci_shared::api::supervision::Rule;
use ltci_shared::geo::{Point, distance_m};
use ltci_shared::messages as m;
use ltci_shared::policy::Analysis;
use ltci_shared::text::Text;
use serde_json::json;
use uuid::Uuid;

/// Movements shorter than this are not travel (the fix's error, the same building).
const MIN_TRAVEL_KM: f64 = 1.0;

/// Institutions of a kind needed before one is held against its peers.
const MIN_PEERS: usize = 5;

/// Beneficiaries an institution serves in a month before its services per beneficiary count.
const MIN_PERSONS: u64 = 5;

/// The thresholds a month is analysed with: the policy version in force on its last day.
#[derive(Debug, Clone)]
pub struct Thresholds {
    pub max_speed_kmh: u32,
    pub geofence_m: u32,
    pub analysis: Analysis,
}

/// A home visit that was checked in.
#[derive(Debug, Clone)]
pub struct Visit {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub caregiver_id: Uuid,
    /// The caregiver as a person (the keyed hash of the ID number): one person may work for two
    /// institutions under two caregiver records.
    pub carer: String,
    pub person_id: Uuid,
    pub day: NaiveDate,
    pub check_in: DateTime<Utc>,
    pub check_out: Option<DateTime<Utc>>,
    /// The check-in's local day and minute of the day (the region's time zone).
    pub local_day: NaiveDate,
    pub local_minute: u32,
    pub in_at: Option<Point>,
    pub out_at: Option<Point>,
    /// The beneficiary's registered home.
    pub home: Option<Point>,
    /// The planned items' minimum minutes, summed (catalogue of the policy).
    pub min_minutes: u32,
}

impl Visit {
    fn minutes(&self) -> Option<i64> {
        self.check_out.map(|out| (out - self.check_in).num_minutes())
    }
}

/// A hospital stay: admitted (if known) and discharged (if yet).
pub type Spell = (Option<NaiveDate>, Option<NaiveDate>);

/// A charged bed-day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BedDay {
    pub stay_id: Uuid,
    pub institution_id: Uuid,
    pub person_id: Uuid,
    pub day: NaiveDate,
}

/// An institution's services and beneficiaries in one month.
#[derive(Debug, Clone)]
pub struct Activity {
    pub institution_id: Uuid,
    /// Months back from the analysed one (0: the month itself).
    pub months_back: u32,
    pub services: u64,
    pub persons: u64,
}

/// What the rules look at: a region's month, and what other rules' queries found.
#[derive(Debug, Default)]
pub struct Month {
    pub month: String,
    pub visits: Vec<Visit>,
    /// Bed-days charged on a day another institution charged the same beneficiary for.
    pub billed_twice: Vec<BedDay>,
    /// Visits (by id) made on a day the beneficiary was charged a bed-day, with that bed-day.
    pub visits_in_stay: Vec<(Uuid, BedDay)>,
    /// Bed-days charged strictly inside a hospital stay (after the day of admission, before the
    /// day of discharge).
    pub beds_in_hospital: Vec<BedDay>,
    /// Bed-days charged after the day of death, with that day.
    pub beds_after_death: Vec<(BedDay, NaiveDate)>,
    /// Hospital stays per beneficiary: (admitted, discharged).
    pub hospital: HashMap<Uuid, Vec<Spell>>,
    pub activity: Vec<Activity>,
    /// Each institution's kind (peers are institutions of the same kind) and name.
    pub institutions: HashMap<Uuid, (String, String)>,
}

/// Where a record a finding names comes from, as bill lines name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Visit,
    Stay,
    /// A care plan a warning before care is about.
    Plan,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Visit => "visit",
            Source::Stay => "stay",
            Source::Plan => "plan",
        }
    }
}

/// A record a finding names; `affected` records are refused payment once it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rec {
    pub source: Source,
    pub id: Uuid,
    pub on: NaiveDate,
    pub institution_id: Uuid,
    pub affected: bool,
}

/// What one rule found.
#[derive(Debug, Clone)]
pub struct Found {
    pub rule: Rule,
    pub key: String,
    pub occurred_on: NaiveDate,
    pub institution_id: Option<Uuid>,
    pub caregiver_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub summary: Text,
    pub evidence: serde_json::Value,
    pub records: Vec<Rec>,
}

fn visit_rec(v: &Visit, affected: bool) -> Rec {
    Rec { source: Source::Visit, id: v.id, on: v.day, institution_id: v.institution_id, affected }
}

fn bed_rec(b: &BedDay, affected: bool) -> Rec {
    Rec { source: Source::Stay, id: b.stay_id, on: b.day, institution_id: b.institution_id, affected }
}

/// One decimal place, as the evidence and the summaries show numbers.
fn one(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Every rule over the month.
pub fn check(month: &Month, t: &Thresholds) -> Vec<Found> {
    let mut out = Vec::new();
    let by_carer = by_carer(&month.visits);
    for visits in by_carer.values() {
        travel_and_overlap(visits, t, month, &mut out);
        long_days(visits, t, &mut out);
    }
    per_caregiver_month(&month.visits, t, &month.month, &mut out);
    same_point(&month.visits, t, &month.month, &mut out);
    stays(month, &mut out);
    peers(month, t, &mut out);
    out
}

/// Each caregiver's visits (as a person), in order of check-in.
fn by_carer(visits: &[Visit]) -> BTreeMap<&str, Vec<&Visit>> {
    let mut out: BTreeMap<&str, Vec<&Visit>> = BTreeMap::new();
    for v in visits {
        out.entry(v.carer.as_str()).or_default().push(v);
    }
    for list in out.values_mut() {
        list.sort_by_key(|v| (v.check_in, v.id));
    }
    out
}

/// Consecutive visits of one person: too far apart for the time between them (轨迹异常), or at
/// once for two institutions (跨机构重叠).
fn travel_and_overlap(visits: &[&Visit], t: &Thresholds, month: &Month, out: &mut Vec<Found>) {
    for pair in visits.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let left = a.check_out.unwrap_or(a.check_in);
        if a.institution_id != b.institution_id && b.check_in < left {
            let minutes = (left - b.check_in).num_minutes().max(1);
            let other = month.institutions.get(&a.institution_id).map(|(_, n)| n.clone()).unwrap_or_default();
            out.push(Found {
                rule: Rule::CrossInstitutionOverlap,
                key: format!("{}:{}", a.id, b.id),
                occurred_on: b.day,
                institution_id: Some(b.institution_id),
                caregiver_id: Some(b.caregiver_id),
                person_id: Some(b.person_id),
                summary: m::sum_cross_institution_overlap(minutes, other),
                // The other visit is among the records (shown to its own institution only).
                evidence: json!({"overlap_minutes": minutes}),
                records: vec![visit_rec(a, false), visit_rec(b, true)],
            });
            continue;
        }
        let (Some(from), Some(to)) = (a.out_at.or(a.in_at), b.in_at) else { continue };
        let km = distance_m(from, to) / 1000.0;
        if km < MIN_TRAVEL_KM {
            continue;
        }
        let minutes = (b.check_in - left).num_seconds().max(0) as f64 / 60.0;
        let kmh = if minutes > 0.0 { km / (minutes / 60.0) } else { f64::INFINITY };
        if kmh <= f64::from(t.max_speed_kmh) {
            continue;
        }
        let shown_kmh = if kmh.is_finite() { one(kmh) } else { 9999.0 };
        out.push(Found {
            rule: Rule::ImpossibleTravel,
            key: format!("{}:{}", a.id, b.id),
            occurred_on: b.day,
            institution_id: Some(b.institution_id),
            caregiver_id: Some(b.caregiver_id),
            person_id: Some(b.person_id),
            summary: m::sum_impossible_travel(one(km), one(minutes), shown_kmh, t.max_speed_kmh),
            evidence: json!({
                "distance_km": one(km),
                "minutes": one(minutes),
                "speed_kmh": shown_kmh,
                "max_travel_speed_kmh": t.max_speed_kmh,
            }),
            records: vec![visit_rec(a, false), visit_rec(b, true)],
        });
    }
}

/// A person's visits of one local day longer in all than the daily maximum (超时长): the visits
/// ending beyond it are the ones affected, one finding per institution they were for.
fn long_days(visits: &[&Visit], t: &Thresholds, out: &mut Vec<Found>) {
    let cap = i64::from(t.analysis.max_caregiver_hours_per_day) * 60;
    let mut days: BTreeMap<NaiveDate, Vec<&Visit>> = BTreeMap::new();
    for v in visits {
        days.entry(v.local_day).or_default().push(v);
    }
    for (day, list) in days {
        let total: i64 = list.iter().filter_map(|v| v.minutes()).map(|x| x.max(0)).sum();
        if total <= cap {
            continue;
        }
        let mut running = 0;
        let mut beyond = BTreeSet::new();
        for v in &list {
            running += v.minutes().unwrap_or(0).max(0);
            if running > cap {
                beyond.insert(v.id);
            }
        }
        let institutions: BTreeSet<Uuid> =
            list.iter().filter(|v| beyond.contains(&v.id)).map(|v| v.institution_id).collect();
        for inst in institutions {
            let Some(first) = list.iter().find(|v| v.institution_id == inst) else { continue };
            out.push(Found {
                rule: Rule::LongDay,
                key: format!("{}:{day}:{inst}", first.carer),
                occurred_on: day,
                institution_id: Some(inst),
                caregiver_id: Some(first.caregiver_id),
                person_id: None,
                summary: m::sum_long_day(list.len(), one(total as f64 / 60.0), t.analysis.max_caregiver_hours_per_day),
                evidence: json!({
                    "visits": list.len(),
                    "hours": one(total as f64 / 60.0),
                    "max_caregiver_hours_per_day": t.analysis.max_caregiver_hours_per_day,
                }),
                records: list
                    .iter()
                    .map(|v| visit_rec(v, beyond.contains(&v.id) && v.institution_id == inst))
                    .collect(),
            });
        }
    }
}

/// Per caregiver record and month: check-ins at one minute of the day (签到时间雷同: many of
/// them, and most of the month's) and durations at the items' minimum (时长贴线).
fn per_caregiver_month(visits: &[Visit], t: &Thresholds, month: &str, out: &mut Vec<Found>) {
    let a = &t.analysis;
    let mut by_caregiver: BTreeMap<Uuid, Vec<&Visit>> = BTreeMap::new();
    for v in visits {
        by_caregiver.entry(v.caregiver_id).or_default().push(v);
    }
    for (caregiver, mut list) in by_caregiver {
        list.sort_by_key(|v| (v.check_in, v.id));
        let Some(first) = list.first().copied() else { continue };
        let mut minutes: BTreeMap<u32, Vec<&Visit>> = BTreeMap::new();
        for v in &list {
            minutes.entry(v.local_minute).or_default().push(v);
        }
        let top = minutes.iter().max_by_key(|(minute, same)| (same.len(), std::cmp::Reverse(**minute)));
        if let Some((minute, same)) = top
            && same.len() >= a.repeated_check_in_min as usize
            && same.len() * 100 >= list.len() * a.repeated_check_in_share_pct as usize
        {
            let time = format!("{:02}:{:02}", minute / 60, minute % 60);
            out.push(Found {
                rule: Rule::RepeatedCheckInTime,
                key: format!("{caregiver}:{month}"),
                occurred_on: same[0].day,
                institution_id: Some(first.institution_id),
                caregiver_id: Some(caregiver),
                person_id: None,
                summary: m::sum_repeated_check_in_time(same.len(), list.len(), time.clone()),
                evidence: json!({
                    "check_ins": list.len(),
                    "at_the_same_minute": same.len(),
                    "minute": time,
                    "repeated_check_in_min": a.repeated_check_in_min,
                    "repeated_check_in_share_pct": a.repeated_check_in_share_pct,
                }),
                records: same.iter().map(|v| visit_rec(v, false)).collect(),
            });
        }
        let timed: Vec<(&Visit, i64)> =
            list.iter().filter(|v| v.min_minutes > 0).filter_map(|v| v.minutes().map(|d| (*v, d))).collect();
        if timed.len() < a.min_duration_visits as usize {
            continue;
        }
        // At most the margin above the minimum (a visit cut short is another check's).
        let at_minimum: Vec<&Visit> = timed
            .iter()
            .filter(|(v, d)| {
                let least = i64::from(v.min_minutes);
                *d >= least && (*d - least) * 100 <= least * i64::from(a.min_duration_margin_pct)
            })
            .map(|(v, _)| *v)
            .collect();
        let share = at_minimum.len() as f64 * 100.0 / timed.len() as f64;
        if share >= f64::from(a.min_duration_share_pct) {
            out.push(Found {
                rule: Rule::MinimumDuration,
                key: format!("{caregiver}:{month}"),
                occurred_on: at_minimum.first().map_or(first.day, |v| v.day),
                institution_id: Some(first.institution_id),
                caregiver_id: Some(caregiver),
                person_id: None,
                summary: m::sum_minimum_duration(at_minimum.len(), timed.len(), one(share)),
                evidence: json!({
                    "visits": timed.len(),
                    "at_minimum": at_minimum.len(),
                    "share_pct": one(share),
                    "min_duration_share_pct": a.min_duration_share_pct,
                    "min_duration_margin_pct": a.min_duration_margin_pct,
                }),
                records: at_minimum.iter().map(|v| visit_rec(v, false)).collect(),
            });
        }
    }
}

/// The very same check-in coordinates (to a millionth of a degree) for beneficiaries living
/// apart (同点签到): the visits whose beneficiary lives outside the geofence of that point are
/// the ones affected; one finding per point and institution.
fn same_point(visits: &[Visit], t: &Thresholds, month: &str, out: &mut Vec<Found>) {
    let mut points: BTreeMap<(i64, i64), Vec<&Visit>> = BTreeMap::new();
    for v in visits {
        if let Some(p) = v.in_at {
            points.entry(((p.latitude * 1e6).round() as i64, (p.longitude * 1e6).round() as i64)).or_default().push(v);
        }
    }
    for ((lat, lon), list) in points {
        // Homes to ~10 m: a couple living together is one home.
        let homes: BTreeSet<(i64, i64)> = list
            .iter()
            .filter_map(|v| v.home)
            .map(|h| ((h.latitude * 1e4).round() as i64, (h.longitude * 1e4).round() as i64))
            .collect();
        let people: BTreeSet<Uuid> = list.iter().map(|v| v.person_id).collect();
        if homes.len() < 2 || people.len() < 2 {
            continue;
        }
        let point = Point { latitude: lat as f64 / 1e6, longitude: lon as f64 / 1e6 };
        let away = |v: &Visit| v.home.is_some_and(|h| distance_m(h, point) > f64::from(t.geofence_m));
        let institutions: BTreeSet<Uuid> = list.iter().map(|v| v.institution_id).collect();
        for inst in institutions {
            let Some(first) = list.iter().find(|v| v.institution_id == inst) else { continue };
            out.push(Found {
                rule: Rule::SameGpsPoint,
                key: format!("{lat}:{lon}:{month}:{inst}"),
                occurred_on: first.day,
                institution_id: Some(inst),
                caregiver_id: Some(first.caregiver_id),
                person_id: None,
                summary: m::sum_same_gps_point(list.len(), people.len()),
                evidence: json!({
                    "latitude": point.latitude,
                    "longitude": point.longitude,
                    "visits": list.len(),
                    "beneficiaries": people.len(),
                    "geofence_radius_m": t.geofence_m,
                }),
                records: list.iter().map(|v| visit_rec(v, v.institution_id == inst && away(v))).collect(),
            });
        }
    }
}

/// Bed-days against other facts: charged by two institutions for one day (重复结算), a home visit
/// on a charged day or inside a hospital stay (入住期间上门), charged in hospital or after death
/// (挂床). One finding per institution and beneficiary (per stay for 挂床) and month.
fn stays(month: &Month, out: &mut Vec<Found>) {
    let mut twice: BTreeMap<(Uuid, Uuid), Vec<&BedDay>> = BTreeMap::new();
    for b in &month.billed_twice {
        twice.entry((b.institution_id, b.person_id)).or_default().push(b);
    }
    for ((inst, person), mut days) in twice {
        days.sort_by_key(|b| b.day);
        out.push(Found {
            rule: Rule::BilledTwice,
            key: format!("{inst}:{person}:{}", month.month),
            occurred_on: days[0].day,
            institution_id: Some(inst),
            caregiver_id: None,
            person_id: Some(person),
            summary: m::sum_billed_twice(days.len()),
            evidence: json!({"days": days.len()}),
            records: days.iter().map(|b| bed_rec(b, true)).collect(),
        });
    }

    let visits: HashMap<Uuid, &Visit> = month.visits.iter().map(|v| (v.id, v)).collect();
    let mut during: BTreeMap<(Uuid, Uuid), Vec<Rec>> = BTreeMap::new();
    for (visit_id, bed) in &month.visits_in_stay {
        let Some(v) = visits.get(visit_id) else { continue };
        let list = during.entry((v.institution_id, v.person_id)).or_default();
        list.push(visit_rec(v, true));
        list.push(bed_rec(bed, false));
    }
    for v in &month.visits {
        let inside = month.hospital.get(&v.person_id).is_some_and(|spells| {
            spells.iter().any(|(a, d)| a.is_some_and(|a| a < v.day) && d.is_none_or(|d| v.day < d))
        });
        if inside {
            during.entry((v.institution_id, v.person_id)).or_default().push(visit_rec(v, true));
        }
    }
    for ((inst, person), mut records) in during {
        records.sort_by_key(|r| (r.on, r.source, r.id));
        records.dedup();
        let visits = records.iter().filter(|r| r.source == Source::Visit).count();
        out.push(Found {
            rule: Rule::VisitDuringStay,
            key: format!("{inst}:{person}:{}", month.month),
            occurred_on: records[0].on,
            institution_id: Some(inst),
            caregiver_id: None,
            person_id: Some(person),
            summary: m::sum_visit_during_stay(visits),
            evidence: json!({"visits": visits}),
            records,
        });
    }

    let mut hospital: BTreeMap<Uuid, Vec<&BedDay>> = BTreeMap::new();
    for b in &month.beds_in_hospital {
        hospital.entry(b.stay_id).or_default().push(b);
    }
    for (stay, mut days) in hospital {
        days.sort_by_key(|b| b.day);
        days.dedup();
        out.push(Found {
            rule: Rule::BedWhileHospitalised,
            key: format!("{stay}:{}", month.month),
            occurred_on: days[0].day,
            institution_id: Some(days[0].institution_id),
            caregiver_id: None,
            person_id: Some(days[0].person_id),
            summary: m::sum_bed_while_hospitalised(days.len()),
            evidence: json!({"days": days.len()}),
            records: days.iter().map(|b| bed_rec(b, true)).collect(),
        });
    }

    let mut dead: BTreeMap<Uuid, (NaiveDate, Vec<&BedDay>)> = BTreeMap::new();
    for (b, died_on) in &month.beds_after_death {
        dead.entry(b.stay_id).or_insert_with(|| (*died_on, Vec::new())).1.push(b);
    }
    for (stay, (died_on, mut days)) in dead {
        days.sort_by_key(|b| b.day);
        out.push(Found {
            rule: Rule::BedAfterDeath,
            key: format!("{stay}:{}", month.month),
            occurred_on: days[0].day,
            institution_id: Some(days[0].institution_id),
            caregiver_id: None,
            person_id: Some(days[0].person_id),
            summary: m::sum_bed_after_death(days.len(), died_on.to_string()),
            evidence: json!({"days": days.len(), "died_on": died_on}),
            records: days.iter().map(|b| bed_rec(b, true)).collect(),
        });
    }
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

/// How far `x` lies above `xs`, in robust standard deviations: (x − median) / (1.4826 × MAD),
/// the spread floored at a tenth of the median (and at 0.1) so that identical peers do not make
/// every difference infinite. Also the median.
pub fn robust_score(x: f64, xs: &[f64]) -> (f64, f64) {
    let mut v = xs.to_vec();
    let med = median(&mut v);
    let mut dev: Vec<f64> = xs.iter().map(|y| (y - med).abs()).collect();
    let mad = median(&mut dev);
    let spread = (1.4826 * mad).max(med.abs() * 0.1).max(0.1);
    ((x - med) / spread, med)
}

/// Institutions whose services per beneficiary stand far above their peers' of the same kind and
/// their own last months (指标异常): the lower of the two robust scores at least the policy's.
fn peers(month: &Month, t: &Thresholds, out: &mut Vec<Found>) {
    let per_person = |a: &Activity| (a.persons >= MIN_PERSONS).then(|| a.services as f64 / a.persons as f64);
    let mut now: BTreeMap<Uuid, f64> = BTreeMap::new();
    let mut history: HashMap<Uuid, Vec<f64>> = HashMap::new();
    for a in &month.activity {
        let Some(x) = per_person(a) else { continue };
        if a.months_back == 0 {
            *now.entry(a.institution_id).or_default() += x;
        } else {
            history.entry(a.institution_id).or_default().push(x);
        }
    }
    let kind = |id: &Uuid| month.institutions.get(id).map(|(k, _)| k.as_str()).unwrap_or_default();
    let threshold = f64::from(t.analysis.peer_score_min);
    for (&inst, &x) in &now {
        let peer_values: Vec<f64> =
            now.iter().filter(|(other, _)| **other != inst && kind(other) == kind(&inst)).map(|(_, y)| *y).collect();
        if peer_values.len() < MIN_PEERS {
            continue;
        }
        let (peer_score, peer_median) = robust_score(x, &peer_values);
        let own = history.get(&inst).filter(|h| h.len() >= 3);
        let (own_score, own_median) = own.map_or((peer_score, None), |h| {
            let (s, med) = robust_score(x, h);
            (s, Some(med))
        });
        let score = peer_score.min(own_score);
        if score < threshold {
            continue;
        }
        let history_text = own_median.map_or_else(|| "—".to_owned(), |v| one(v).to_string());
        out.push(Found {
            rule: Rule::PeerOutlier,
            key: format!("{inst}:{}", month.month),
            occurred_on: NaiveDate::parse_from_str(&format!("{}-01", month.month), "%Y-%m-%d").unwrap_or_default(),
            institution_id: Some(inst),
            caregiver_id: None,
            person_id: None,
            summary: m::sum_peer_outlier(one(x), one(peer_median), history_text, one(score)),
            evidence: json!({
                "services_per_beneficiary": one(x),
                "peers": peer_values.len(),
                "peer_median": one(peer_median),
                "peer_score": one(peer_score),
                "own_median": own_median.map(one),
                "own_score": own.map(|_| one(own_score)),
                "peer_score_min": t.analysis.peer_score_min,
            }),
            records: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests;
