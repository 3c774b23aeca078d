//! The register of a generated city — insured persons, certificates, institutions of every mode,
//! caregivers, service relations and assignments — drawn from a seeded generator (the same seed,
//! scale and day give the same register, byte for byte), and written as the go-live CSV files of
//! `docs/imports.md`.

use std::collections::HashSet;

use chrono::{Days, NaiveDate};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::imports::ImportKind;
use ltci_shared::api::institutions::{InstitutionKind, ServiceMode};
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::workforce::CaregiverQualification;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::names;
use crate::entities::enum_to_db;
use crate::imports;

/// What the register is drawn for.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Certified beneficiaries (N); a tenth as many insured persons without a certificate.
    pub scale: u32,
    pub seed: u64,
    /// The day the register is as of (the region's today).
    pub today: NaiveDate,
    /// The first day of services to be recorded: relations and agreements run from before it.
    pub first_service_day: NaiveDate,
    /// The city's name, as addresses begin.
    pub city: String,
    /// The region's county codes (the first urban, the last rural).
    pub counties: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub reference: String,
    pub id_number: String,
    pub name: String,
    pub scheme: Scheme,
    pub enrolled_on: NaiveDate,
    pub address: String,
    pub coordinates: Option<(f64, f64)>,
    pub phone: Option<String>,
    pub contact: Option<(String, String, String)>,
    pub rural: bool,
}

#[derive(Debug, Clone)]
pub struct Institution {
    pub reference: String,
    pub uscc: String,
    pub name: String,
    pub kind: InstitutionKind,
    pub tier: Option<u8>,
    pub modes: Vec<ServiceMode>,
    pub beds: u32,
    pub quota: u32,
    pub address: String,
    pub coordinates: (f64, f64),
    pub contact_name: String,
    pub contact_phone: String,
    pub designated_on: NaiveDate,
    pub agreement_number: String,
    pub agreement_start: NaiveDate,
    pub agreement_end: NaiveDate,
    pub rural: bool,
    /// What the institution charges a bed-day, in fen (bed-based institutions).
    pub daily_fen: i64,
}

#[derive(Debug, Clone)]
pub struct Caregiver {
    pub reference: String,
    pub id_number: String,
    pub name: String,
    pub phone: String,
    pub institution: usize,
    pub qualification: CaregiverQualification,
    pub level: Option<u8>,
    pub number: Option<String>,
    /// Visits homes (and so has the phone app).
    pub visits_homes: bool,
}

/// A certified beneficiary: who, at which level, served how, since when.
#[derive(Debug, Clone)]
pub struct Beneficiary {
    pub person: usize,
    pub level: u8,
    pub mode: CareMode,
    pub institution: usize,
    /// The assigned caregiver (home visits and family care), and the beneficiary's slot of the
    /// caregiver's day (0–4).
    pub caregiver: Option<(usize, u8)>,
    pub start_on: NaiveDate,
    pub certificate: String,
    pub effective_on: NaiveDate,
    pub expires_on: NaiveDate,
}

/// The whole register.
#[derive(Debug, Clone)]
pub struct Register {
    pub persons: Vec<Person>,
    pub institutions: Vec<Institution>,
    pub caregivers: Vec<Caregiver>,
    pub beneficiaries: Vec<Beneficiary>,
}

/// Beneficiaries of the city's largest nursing home and of its largest agency (when the city is
/// large enough): the size the console's benchmark measures an institution's pages at.
pub const FLAGSHIP: usize = 1_000;

/// Beneficiaries a home-visit caregiver serves: their visits fit one day without overlapping.
pub const CLIENTS_PER_CAREGIVER: usize = 5;

/// Whether two homes are within 5 km of each other (a home without coordinates is near any).
fn near(a: Option<(f64, f64)>, b: Option<(f64, f64)>) -> bool {
    let (Some(a), Some(b)) = (a, b) else { return true };
    let point = |(latitude, longitude): (f64, f64)| ltci_shared::geo::Point { latitude, longitude };
    ltci_shared::geo::distance_m(point(a), point(b)) <= 5_000.0
}

/// Where a home lies along a route through the city's cells of 0.05° (about 5 km): rows from
/// north to south, every other row walked west to east, the rest east to west.
fn route_key(coordinates: Option<(f64, f64)>) -> (i64, i64, i64) {
    let Some((lat, lon)) = coordinates else { return (i64::MAX, 0, 0) };
    let row = (-lat / 0.05).floor() as i64;
    let col = (lon / 0.06).floor() as i64;
    let along = if row % 2 == 0 { col } else { -col };
    // Within a cell, by latitude (to about a metre).
    (row, along, (-lat * 1e5).round() as i64)
}

/// The share of beneficiaries per care mode: most in institutions' beds, as in the pilot cities.
const MODES: [(CareMode, f64); 4] = [
    (CareMode::Institutional, 0.55),
    (CareMode::HospitalWard, 0.10),
    (CareMode::HomeVisit, 0.20),
    (CareMode::FamilyCare, 0.15),
];

fn level_for(rng: &mut ChaCha8Rng, mode: CareMode) -> u8 {
    let x: f64 = rng.random();
    match mode {
        CareMode::HospitalWard => 4 + u8::from(x < 0.5),
        CareMode::HomeVisit if x < 0.25 => 2,
        CareMode::HomeVisit if x < 0.60 => 3,
        CareMode::HomeVisit if x < 0.90 => 4,
        CareMode::HomeVisit => 5,
        _ if x < 0.4 => 3,
        _ if x < 0.8 => 4,
        _ => 5,
    }
}

fn days_before(d: NaiveDate, n: u64) -> NaiveDate {
    d - Days::new(n)
}

impl Register {
    /// Draws the register of `plan`.
    pub fn generate(plan: &Plan) -> Register {
        let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
        let n = plan.scale as usize;
        let (today, first) = (plan.today, plan.first_service_day);
        let mut taken = HashSet::new();

        // Who is served how.
        let mut modes = Vec::with_capacity(n);
        for _ in 0..n {
            let x: f64 = rng.random();
            let mut acc = 0.0;
            let mut mode = CareMode::Institutional;
            for (m, share) in MODES {
                acc += share;
                if x < acc {
                    mode = m;
                    break;
                }
            }
            modes.push(mode);
        }
        let count = |m: CareMode| modes.iter().filter(|x| **x == m).count();
        let homes = count(CareMode::Institutional).div_ceil(250).max(1);
        // Three hospitals at least, one of each tier.
        let hospitals = count(CareMode::HospitalWard).div_ceil(100).max(3);
        let agencies = (count(CareMode::HomeVisit) + count(CareMode::FamilyCare)).div_ceil(700).max(1);

        // Institutions: designated years ago, their current agreement running since before the
        // services recorded and for years to come.
        let mut institutions = Vec::new();
        let mut used_names = HashSet::new();
        let kinds = std::iter::repeat_n(InstitutionKind::NursingHome, homes)
            .chain(std::iter::repeat_n(InstitutionKind::Hospital, hospitals))
            .chain(std::iter::repeat_n(InstitutionKind::HomeCareAgency, agencies));
        for (i, kind) in kinds.enumerate() {
            let rural = rng.random_bool(0.3);
            let (district, division) = names::district(&mut rng, rural);
            let hospital = i.saturating_sub(homes);
            let tier = (kind == InstitutionKind::Hospital).then_some(match hospital % 5 {
                0 | 3 => 1,
                1 | 4 => 2,
                _ => 3,
            });
            let base = match (kind, tier) {
                (InstitutionKind::NursingHome, _) => {
                    let suffix = names::pick(&mut rng, &["护理院", "养老院", "颐养中心", "老年公寓"]);
                    format!("{}{district}{}{suffix}", plan.city, names::good_word(&mut rng))
                }
                (InstitutionKind::Hospital, Some(1)) => {
                    format!("{}{district}{}卫生院", plan.city, names::town(&mut rng))
                }
                (InstitutionKind::Hospital, Some(2)) => {
                    let kind = names::pick(&mut rng, &["人民医院", "中医医院", "中心医院"]);
                    format!("{}{district}{kind}", plan.city)
                }
                (InstitutionKind::Hospital, _) => {
                    let ordinal = ["一", "二", "三", "四", "五", "六", "七", "八", "九"][(hospital / 5) % 9];
                    format!("{}第{ordinal}人民医院", plan.city)
                }
                _ => format!("{}{}居家护理服务中心", plan.city, names::good_word(&mut rng)),
            };
            let mut name = base.clone();
            let mut k = 1;
            while !used_names.insert(name.clone()) {
                k += 1;
                name = format!("{base}（第{k}院区）");
            }
            let prefix = match kind {
                InstitutionKind::NursingHome => "52",
                InstitutionKind::Hospital => "12",
                _ => "91",
            };
            let modes = match kind {
                InstitutionKind::NursingHome => vec![ServiceMode::Institutional],
                InstitutionKind::Hospital => vec![ServiceMode::HospitalWard],
                _ => vec![ServiceMode::HomeVisit, ServiceMode::FamilyCareSupervision],
            };
            let designated_on = names::day_between(&mut rng, days_before(first, 2500), days_before(first, 60));
            let agreement_start =
                names::day_between(&mut rng, designated_on.max(days_before(first, 1000)), days_before(first, 30));
            let agreement_end = (agreement_start + Days::new(1095)).max(today + Days::new(rng.random_range(90..900)));
            let coordinates = names::scatter(&mut rng, if rural { 0.3 } else { 0.07 });
            let daily_fen = match tier {
                Some(t) => 18_000 + 7_000 * (i64::from(t) - 1) + rng.random_range(-2_000..2_000),
                None => rng.random_range(70..160) * 100,
            };
            let male = rng.random_bool(0.5);
            let (contact_name, contact_phone) = (names::person_name(&mut rng, male), names::mobile(&mut rng));
            institutions.push(Institution {
                reference: format!("JG-{:05}", i + 1),
                uscc: names::uscc(prefix, division, i + 1),
                name,
                kind,
                tier,
                modes,
                beds: 0,
                quota: 0,
                address: format!("{}{district}{}{}号", plan.city, names::road(&mut rng), rng.random_range(1..500)),
                coordinates,
                contact_name,
                contact_phone,
                designated_on,
                agreement_number: format!("XY-{}-{:05}", agreement_start.format("%Y"), i + 1),
                agreement_start,
                agreement_end,
                rural,
                daily_fen,
            });
        }
        let of_kind = |kind: InstitutionKind| -> Vec<usize> {
            institutions.iter().enumerate().filter(|(_, x)| x.kind == kind).map(|(i, _)| i).collect()
        };
        let (home_list, hospital_list, agency_list) = (
            of_kind(InstitutionKind::NursingHome),
            of_kind(InstitutionKind::Hospital),
            of_kind(InstitutionKind::HomeCareAgency),
        );

        // Insured persons: the beneficiaries first, then those not certified.
        let mut persons = Vec::new();
        for i in 0..n + n / 10 {
            let rural = rng.random_bool(0.35);
            let (id_number, male, birth) = names::id_number(&mut rng, &mut taken, (1925, 1962), rural);
            let name = names::person_name(&mut rng, male);
            let (address, lat, lon) = names::home(&mut rng, &plan.city, rural);
            let visited = modes.get(i).is_some_and(|m| matches!(m, CareMode::HomeVisit | CareMode::FamilyCare));
            let coordinates = (visited || rng.random_bool(0.8)).then_some((lat, lon));
            let enrolled_from = (birth + Days::new(365 * 18)).max(NaiveDate::from_ymd_opt(2012, 1, 1).unwrap_or(birth));
            let enrolled_on = names::day_between(&mut rng, enrolled_from, days_before(first, 400).max(enrolled_from));
            let phone = rng.random_bool(0.7).then(|| names::mobile(&mut rng));
            let contact = rng.random_bool(0.6).then(|| names::contact(&mut rng, &name));
            persons.push(Person {
                reference: format!("CB-{:07}", i + 1),
                id_number,
                name,
                scheme: if rng.random_bool(0.45) { Scheme::Employee } else { Scheme::Resident },
                enrolled_on,
                address,
                coordinates,
                phone,
                contact,
                rural,
            });
        }

        // Beneficiaries: each in one institution, since before the services recorded (one in
        // twenty since a day among them), certified since a little before.
        let mut beneficiaries = Vec::with_capacity(n);
        for (i, mode) in modes.iter().copied().enumerate() {
            let level = level_for(&mut rng, mode);
            let list = match mode {
                CareMode::Institutional => &home_list,
                CareMode::HospitalWard => &hospital_list,
                _ => &agency_list,
            };
            let institution = names::pick(&mut rng, list);
            let agreed = institutions[institution].agreement_start;
            let start_on = if rng.random_bool(0.05) && first < today {
                names::day_between(&mut rng, first, days_before(today, 1).max(first))
            } else {
                names::day_between(&mut rng, agreed.max(days_before(first, 600)), days_before(first, 1).max(agreed))
            };
            let effective_on = days_before(start_on, rng.random_range(5..60));
            let expires_on = (effective_on + Days::new(730)).max(today + Days::new(rng.random_range(30..700)));
            beneficiaries.push(Beneficiary {
                person: i,
                level,
                mode,
                institution,
                caregiver: None,
                start_on,
                certificate: format!("ZS{}{:06}", effective_on.format("%Y"), i + 1),
                effective_on,
                expires_on,
            });
        }
        // The city's largest nursing home and home-care agency, the first of each: FLAGSHIP
        // beneficiaries each once their kind serves twice as many (the rest stay spread evenly).
        for list in [&home_list, &agency_list] {
            let Some(&flagship) = list.first() else { continue };
            let served: Vec<usize> =
                (0..beneficiaries.len()).filter(|&i| list.contains(&beneficiaries[i].institution)).collect();
            if served.len() < 2 * FLAGSHIP {
                continue;
            }
            let already = served.iter().filter(|&&i| beneficiaries[i].institution == flagship).count();
            let agreed = institutions[flagship].agreement_start;
            let moved: Vec<usize> = served
                .into_iter()
                .filter(|&i| beneficiaries[i].institution != flagship)
                .take(FLAGSHIP.saturating_sub(already))
                .collect();
            for i in moved {
                let b = &mut beneficiaries[i];
                b.institution = flagship;
                b.start_on = b.start_on.max(agreed);
            }
        }
        for b in &beneficiaries {
            let inst = &mut institutions[b.institution];
            if b.mode.occupies_a_bed() {
                inst.beds += 1;
            }
        }
        for inst in &mut institutions {
            if inst.kind != InstitutionKind::HomeCareAgency {
                let occupied = inst.beds;
                inst.quota = occupied + rng.random_range(0..8);
                inst.beds = inst.quota + rng.random_range(5..40);
            }
        }

        // Caregivers: each agency's home visitors (five beneficiaries each), one family caregiver
        // per family-care beneficiary, the nursing staff of homes and wards.
        let mut caregivers = Vec::new();
        let mut carer = |rng: &mut ChaCha8Rng, institution: usize, q: CaregiverQualification, visits: bool| {
            let rural = institutions[institution].rural;
            let (id_number, male, _) = names::id_number(rng, &mut taken, (1966, 2002), rural);
            let k = caregivers.len() + 1;
            let level = (q == CaregiverQualification::CaregiverCertified).then(|| rng.random_range(2..=5));
            let number = match q {
                CaregiverQualification::Nurse => Some(format!("HS{k:08}")),
                CaregiverQualification::CaregiverCertified => Some(format!("HLY{k:07}")),
                CaregiverQualification::FamilyCaregiver => None,
            };
            caregivers.push(Caregiver {
                reference: format!("HL-{k:06}"),
                id_number,
                name: names::person_name(rng, male),
                phone: names::mobile(rng),
                institution,
                qualification: q,
                level,
                number,
                visits_homes: visits,
            });
            caregivers.len() - 1
        };
        for &agency in &agency_list {
            let mut clients: Vec<usize> = (0..n)
                .filter(|&i| beneficiaries[i].institution == agency && beneficiaries[i].mode == CareMode::HomeVisit)
                .collect();
            // A caregiver's beneficiaries live near one another: the agency's clients taken
            // along a route through cells of about 5 km (rows north to south, each row walked
            // the other way from the last), five to a caregiver, a new caregiver wherever the
            // next home is more than 5 km from the first one's.
            clients.sort_by_key(|&i| route_key(persons[beneficiaries[i].person].coordinates));
            let home = |i: usize| persons[beneficiaries[i].person].coordinates;
            let mut groups: Vec<Vec<usize>> = Vec::new();
            for i in clients {
                match groups.last_mut() {
                    Some(g) if g.len() < CLIENTS_PER_CAREGIVER && near(home(g[0]), home(i)) => g.push(i),
                    _ => groups.push(vec![i]),
                }
            }
            for group in groups {
                let q = if rng.random_bool(0.3) {
                    CaregiverQualification::Nurse
                } else {
                    CaregiverQualification::CaregiverCertified
                };
                let c = carer(&mut rng, agency, q, true);
                for (slot, &b) in group.iter().enumerate() {
                    beneficiaries[b].caregiver = Some((c, u8::try_from(slot).unwrap_or(0)));
                }
            }
        }
        for b in beneficiaries.iter_mut().filter(|b| b.mode == CareMode::FamilyCare) {
            let c = carer(&mut rng, b.institution, CaregiverQualification::FamilyCaregiver, false);
            b.caregiver = Some((c, 0));
        }
        for &i in home_list.iter().chain(&hospital_list) {
            let residents = institutions[i].quota as usize;
            for _ in 0..residents.div_ceil(if institutions[i].kind == InstitutionKind::Hospital { 8 } else { 6 }) {
                let nurse = institutions[i].kind == InstitutionKind::Hospital || rng.random_bool(0.2);
                let q = if nurse { CaregiverQualification::Nurse } else { CaregiverQualification::CaregiverCertified };
                carer(&mut rng, i, q, false);
            }
        }
        Register { persons, institutions, caregivers, beneficiaries }
    }

    /// The county a caregiver works in: the urban one for urban institutions, the rural one
    /// otherwise.
    fn county<'a>(&self, plan: &'a Plan, c: &Caregiver) -> &'a str {
        let rural = self.institutions[c.institution].rural;
        let pick = if rural { plan.counties.last() } else { plan.counties.first() };
        pick.map_or("", String::as_str)
    }

    /// The register's CSV files, in import order.
    pub fn files(&self, plan: &Plan) -> Vec<(ImportKind, Vec<u8>)> {
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let mut out = Vec::new();
        let mut w = Csv::new(imports::persons::HEADER);
        for p in &self.persons {
            let (lat, lon) =
                p.coordinates.map_or((String::new(), String::new()), |(a, b)| (a.to_string(), b.to_string()));
            let (cn, cp, cr) = p.contact.clone().unwrap_or_default();
            w.row([
                p.reference.clone(),
                p.id_number.clone(),
                p.name.clone(),
                enum_to_db(&p.scheme),
                day(p.enrolled_on),
                p.address.clone(),
                lat,
                lon,
                opt(&p.phone),
                cn,
                cp,
                cr,
            ]);
        }
        out.push((ImportKind::Persons, w.finish()));
        let mut w = Csv::new(imports::certificates::HEADER);
        for b in &self.beneficiaries {
            w.row([
                b.certificate.clone(),
                self.persons[b.person].id_number.clone(),
                b.level.to_string(),
                ltci_shared::assessment::CN_NHSA_2021.to_string(),
                day(b.effective_on),
                day(b.expires_on),
                enum_to_db(&b.mode),
            ]);
        }
        out.push((ImportKind::Certificates, w.finish()));
        let mut w = Csv::new(imports::institutions::HEADER);
        for i in &self.institutions {
            let modes: Vec<String> = i.modes.iter().map(enum_to_db).collect();
            let beds = |n: u32| if i.kind == InstitutionKind::HomeCareAgency { String::new() } else { n.to_string() };
            w.row([
                i.reference.clone(),
                i.uscc.clone(),
                i.name.clone(),
                enum_to_db(&i.kind),
                i.tier.map(|t| t.to_string()).unwrap_or_default(),
                modes.join(";"),
                beds(i.beds),
                beds(i.quota),
                i.address.clone(),
                i.coordinates.0.to_string(),
                i.coordinates.1.to_string(),
                i.contact_name.clone(),
                i.contact_phone.clone(),
                day(i.designated_on),
                i.agreement_number.clone(),
                day(i.agreement_start),
                day(i.agreement_end),
            ]);
        }
        out.push((ImportKind::Institutions, w.finish()));
        let mut w = Csv::new(imports::caregivers::HEADER);
        for c in &self.caregivers {
            w.row([
                c.reference.clone(),
                c.id_number.clone(),
                c.name.clone(),
                c.phone.clone(),
                self.institutions[c.institution].uscc.clone(),
                self.county(plan, c).to_owned(),
                enum_to_db(&c.qualification),
                c.level.map(|l| l.to_string()).unwrap_or_default(),
                opt(&c.number),
            ]);
        }
        out.push((ImportKind::Caregivers, w.finish()));
        let mut w = Csv::new(imports::relations::HEADER);
        for (k, b) in self.beneficiaries.iter().enumerate() {
            w.row([
                format!("GX-{:07}", k + 1),
                self.persons[b.person].id_number.clone(),
                self.institutions[b.institution].uscc.clone(),
                enum_to_db(&b.mode),
                day(b.start_on),
            ]);
        }
        out.push((ImportKind::Relations, w.finish()));
        let mut w = Csv::new(imports::assignments::HEADER);
        for (k, b) in self.beneficiaries.iter().enumerate() {
            if let Some((c, _)) = b.caregiver {
                w.row([
                    format!("FP-{:07}", k + 1),
                    self.caregivers[c].id_number.clone(),
                    self.persons[b.person].id_number.clone(),
                    day(b.start_on),
                ]);
            }
        }
        out.push((ImportKind::Assignments, w.finish()));
        out
    }
}

/// A CSV file being written.
pub(crate) struct Csv(csv::Writer<Vec<u8>>);

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        w.write_record(header).ok();
        Csv(w)
    }

    pub fn row<I: IntoIterator<Item = String>>(&mut self, cells: I) {
        let cells: Vec<String> = cells.into_iter().collect();
        self.0.write_record(&cells).ok();
    }

    pub fn finish(self) -> Vec<u8> {
        self.0.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(seed: u64) -> Plan {
        Plan {
            scale: 20,
            seed,
            today: NaiveDate::from_ymd_opt(2026, 12, 1).expect("day"),
            first_service_day: NaiveDate::from_ymd_opt(2026, 10, 1).expect("day"),
            city: "示范市".into(),
            counties: vec!["990102".into(), "990181".into()],
        }
    }

    fn files(p: &Plan) -> Vec<(ImportKind, Vec<u8>)> {
        Register::generate(p).files(p)
    }

    #[test]
    fn the_same_seed_draws_the_same_city_and_another_seed_another() {
        assert_eq!(files(&plan(1)), files(&plan(1)));
        assert_ne!(files(&plan(1)), files(&plan(2)));
    }

    /// `server/samples/` is the register of 20 beneficiaries, seed 1, as of 2026-12-01: what
    /// `ltci-server demo --scale 20 --seed 1` writes on that day.
    #[test]
    fn the_sample_files_are_what_the_generator_writes() {
        let samples = [
            (ImportKind::Persons, include_str!("../../../samples/persons.csv")),
            (ImportKind::Certificates, include_str!("../../../samples/certificates.csv")),
            (ImportKind::Institutions, include_str!("../../../samples/institutions.csv")),
            (ImportKind::Caregivers, include_str!("../../../samples/caregivers.csv")),
            (ImportKind::Relations, include_str!("../../../samples/relations.csv")),
            (ImportKind::Assignments, include_str!("../../../samples/assignments.csv")),
        ];
        for ((kind, written), (sample_kind, sample)) in files(&plan(1)).into_iter().zip(samples) {
            assert_eq!(kind, sample_kind);
            assert_eq!(String::from_utf8(written).expect("utf-8"), sample, "server/samples/{}.csv", kind.as_str());
        }
    }

    #[test]
    fn a_large_city_has_a_nursing_home_and_an_agency_of_a_thousand() {
        let r = Register::generate(&Plan { scale: 10_000, ..plan(5) });
        for kind in [InstitutionKind::NursingHome, InstitutionKind::HomeCareAgency] {
            let first = r.institutions.iter().position(|i| i.kind == kind).expect("one of the kind");
            let served: Vec<&Beneficiary> = r.beneficiaries.iter().filter(|b| b.institution == first).collect();
            assert_eq!(served.len(), FLAGSHIP, "{kind:?}");
            let agreed = r.institutions[first].agreement_start;
            assert!(served.iter().all(|b| b.start_on >= agreed && b.effective_on <= b.start_on), "{kind:?}");
        }
        let inst = &r.institutions[0];
        assert!(inst.quota as usize >= FLAGSHIP && inst.quota <= inst.beds);
    }

    #[test]
    fn every_mode_has_its_institutions_caregivers_and_eligible_levels() {
        let p = Plan { scale: 2_000, ..plan(3) };
        let r = Register::generate(&p);
        assert_eq!((r.beneficiaries.len(), r.persons.len()), (2_000, 2_200));
        for mode in [CareMode::Institutional, CareMode::HospitalWard, CareMode::HomeVisit, CareMode::FamilyCare] {
            let of_mode: Vec<&Beneficiary> = r.beneficiaries.iter().filter(|b| b.mode == mode).collect();
            assert!(of_mode.len() > 100, "{mode:?}: {}", of_mode.len());
            let eligible: &[u8] = match mode {
                CareMode::HospitalWard => &[4, 5],
                CareMode::HomeVisit => &[2, 3, 4, 5],
                _ => &[3, 4, 5],
            };
            assert!(of_mode.iter().all(|b| eligible.contains(&b.level)), "{mode:?}");
            let visited = matches!(mode, CareMode::HomeVisit | CareMode::FamilyCare);
            assert!(of_mode.iter().all(|b| b.caregiver.is_some() == visited), "{mode:?}");
        }
        let tiers: HashSet<Option<u8>> =
            r.institutions.iter().filter(|i| i.kind == InstitutionKind::Hospital).map(|i| i.tier).collect();
        assert_eq!(tiers.len(), 3, "hospitals of the three tiers");
        // No caregiver visits more homes than fit a day.
        let mut clients = std::collections::HashMap::new();
        for b in r.beneficiaries.iter().filter(|b| b.mode == CareMode::HomeVisit) {
            *clients.entry(b.caregiver.map(|c| c.0)).or_insert(0) += 1;
        }
        assert!(clients.values().all(|&n| n <= CLIENTS_PER_CAREGIVER));
        // Too small a city for a flagship: the beneficiaries spread evenly.
        let first_home = r.beneficiaries.iter().filter(|b| b.institution == 0).count();
        assert!(first_home < FLAGSHIP / 2, "{first_home}");
        // Every bed is within its institution's quota.
        for (i, inst) in r.institutions.iter().enumerate() {
            let beds = r.beneficiaries.iter().filter(|b| b.institution == i && b.mode.occupies_a_bed()).count();
            assert!(beds <= inst.quota as usize && inst.quota <= inst.beds, "{}", inst.name);
        }
    }
}
