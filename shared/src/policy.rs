//! Benefit policy (待遇政策) as data: what a city pays for which care, at which rates, from which
//! date — the document an agency officer loads, its validation, and the lookups that price care.
//!
//! The format is documented in `docs/policy.md`. The document is deserialised strictly (unknown
//! keys are errors) and then [`PolicyDocument::problems`] checks what types cannot: ranges, money,
//! duplicates, and that every eligible level of every mode has a rate.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Issue;
use crate::api::assessment::{AssessmentSettings, CareMode};
use crate::api::registry::Scheme;
use crate::api::workforce::CaregiverQualification;
use crate::messages as m;
use crate::text::Text;

/// Disability levels a policy may make eligible (1 轻度 … 5 重度三级; 0 is "basically normal").
pub const LEVELS: std::ops::RangeInclusive<u8> = 1..=5;

/// A region's benefit policy from `effective_from` until the next version takes effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// A title, e.g. `滕州市长期护理保险待遇标准（2023）`.
    pub name: String,
    /// The region's code (6-digit administrative division code); when given it must be the
    /// importing officer's region.
    #[serde(default)]
    pub region: Option<String>,
    /// The first day the policy applies (`YYYY-MM-DD`).
    pub effective_from: NaiveDate,
    /// Where the rules come from (the city's document number), for the record.
    #[serde(default)]
    pub source: Option<String>,
    /// Levels eligible for each care mode. A mode left out is not offered.
    pub eligibility: Eligibility,
    /// What the fund pays, per scheme × mode × level × facility tier.
    pub rates: Vec<Rate>,
    /// Home-care service items (居家护理服务项目目录); required when a rate pays `per_item`.
    #[serde(default)]
    pub catalogue: Vec<CatalogueItem>,
    /// Share of every contribution posted to the adjustment reserve (调剂金), e.g. `0.05`.
    #[serde(with = "decimal_text")]
    #[schema(value_type = String)]
    pub reserve_share: Decimal,
    /// Share of every payment to an institution withheld as quality deposit (质量保证金), e.g. `0.05`.
    #[serde(with = "decimal_text")]
    #[schema(value_type = String)]
    pub quality_withholding: Decimal,
    pub assessment: AssessmentSettings,
    pub monitoring: Monitoring,
    /// Separation of duties in settlement (不相容岗位分离); every rule on when left out.
    #[serde(default)]
    pub duties: Duties,
}

/// Which steps of a monthly bill different officers must take (不相容岗位分离: 申报、初审、复核、支付).
/// Safe by default: a document that says nothing separates them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Duties {
    /// An officer who computed or submitted a bill for an institution does not audit it (draw its
    /// sample, set a deduction).
    #[serde(default = "yes")]
    pub submitter_not_auditor: bool,
    /// An officer who audited a bill does not approve it.
    #[serde(default = "yes")]
    pub auditor_not_approver: bool,
    /// The officer who approved a bill does not pay it.
    #[serde(default = "yes")]
    pub approver_not_payer: bool,
}

fn yes() -> bool {
    true
}

impl Default for Duties {
    fn default() -> Self {
        Duties { submitter_not_auditor: true, auditor_not_approver: true, approver_not_payer: true }
    }
}

/// Levels eligible per care mode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    #[serde(default)]
    pub hospital_ward: Vec<u8>,
    #[serde(default)]
    pub institutional: Vec<u8>,
    #[serde(default)]
    pub home_visit: Vec<u8>,
    #[serde(default)]
    pub family_care: Vec<u8>,
}

impl Eligibility {
    pub fn levels(&self, mode: CareMode) -> &[u8] {
        match mode {
            CareMode::HospitalWard => &self.hospital_ward,
            CareMode::Institutional => &self.institutional,
            CareMode::HomeVisit => &self.home_visit,
            CareMode::FamilyCare => &self.family_care,
        }
    }
}

/// How a day or a visit is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentBasis {
    /// The actual daily charge up to `amount` (限额), times the fund share (按床日限额).
    CappedPerDay,
    /// Each delivered catalogue item at its unit price, times the fund share (按项目).
    PerItem,
    /// `amount` per day whatever was charged (定额), times the fund share.
    FlatPerDay,
}

/// One rate row. It applies to the schemes, levels and tier it names; leaving out `schemes` or
/// `tier` means all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    #[serde(default)]
    pub schemes: Vec<Scheme>,
    pub mode: CareMode,
    pub levels: Vec<u8>,
    /// Facility tier (hospital grade 1–3), for hospital-ward rates that differ by tier.
    #[serde(default)]
    pub tier: Option<u8>,
    pub basis: PaymentBasis,
    /// Yuan: the daily cap (`capped_per_day`) or the daily amount (`flat_per_day`); not given for
    /// `per_item`.
    #[serde(default, with = "decimal_text::option")]
    #[schema(value_type = Option<String>)]
    pub amount: Option<Decimal>,
    /// The fund's share of the allowed amount, more than 0 and at most 1 (e.g. `0.75`).
    #[serde(with = "decimal_text")]
    #[schema(value_type = String)]
    pub fund_share: Decimal,
    /// Yuan: the most the fund pays one beneficiary in a calendar month under this rate.
    #[serde(default, with = "decimal_text::option")]
    #[schema(value_type = Option<String>)]
    pub monthly_cap: Option<Decimal>,
}

impl Rate {
    /// Whether this row prices (scheme, mode, level, tier). A row without a tier prices every tier.
    pub fn applies(&self, scheme: Scheme, mode: CareMode, level: u8, tier: Option<u8>) -> bool {
        self.mode == mode
            && (self.schemes.is_empty() || self.schemes.contains(&scheme))
            && self.levels.contains(&level)
            && (self.tier.is_none() || self.tier == tier)
    }
}

/// A home-care service item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueItem {
    /// Short code, `A`–`Z`, digits and `-` (e.g. `JJ-01`), unique in the catalogue.
    pub code: String,
    /// Chinese name, e.g. `头面部清洁护理`.
    pub name: String,
    /// Yuan per unit.
    #[serde(with = "decimal_text")]
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    /// The unit, e.g. `次`.
    pub unit: String,
    /// The least time a delivery of the item takes, in minutes.
    pub min_minutes: u32,
    /// Who may deliver it.
    pub qualification: CaregiverQualification,
    /// At most this many deliveries a week per beneficiary.
    pub max_per_week: u32,
}

/// Thresholds of the checks made when a visit ends (事中审核).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    /// Check-in and check-out must be within this many metres of the beneficiary's address.
    pub geofence_radius_m: u32,
    /// A visit may be this many percent shorter than its items' minimum minutes.
    pub duration_tolerance_pct: u32,
    /// Faster travel between two visits of one caregiver is impossible, in km/h.
    pub max_travel_speed_kmh: u32,
    /// A scheduled visit with no check-in this many hours after its day ended is a missed
    /// check-in (漏签到) in the institution's exception queue. Default 2; a document that leaves
    /// it out keeps its stored form.
    #[serde(default = "default_missed_check_in_grace_hours", skip_serializing_if = "is_default_grace")]
    pub missed_check_in_grace_hours: u32,
    /// A visit checked in and not out this many hours later is a missed check-out (漏签退).
    /// Default 4.
    #[serde(default = "default_missed_check_out_hours", skip_serializing_if = "is_default_check_out")]
    pub missed_check_out_hours: u32,
    /// Thresholds of the monthly analysis (事后分析); a document that leaves them out gets the
    /// defaults and keeps its stored form.
    #[serde(default, skip_serializing_if = "Analysis::is_default")]
    pub analysis: Analysis,
    /// The checks made when care is planned (事前提醒): which of them refuse instead of warning,
    /// and the weekly hours a caregiver may be planned for.
    #[serde(default, skip_serializing_if = "Before::is_default")]
    pub before: Before,
    /// The checks made when a visit is verified (事中审核) that become findings.
    #[serde(default, skip_serializing_if = "During::is_default")]
    pub during: During,
}

/// `[monitoring.before]` (docs/supervision.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Before {
    /// Codes of the rules checked before care that refuse (422 with the rule's code) instead of
    /// warning. Default none: every one warns.
    pub blocking: Vec<crate::api::supervision::Rule>,
    /// A caregiver's planned visits of one week lasting more than this many hours in all (the
    /// daily maximum is `analysis.max_caregiver_hours_per_day`). Default 48.
    pub max_caregiver_hours_per_week: u32,
}

impl Default for Before {
    fn default() -> Self {
        Before { blocking: Vec::new(), max_caregiver_hours_per_week: 48 }
    }
}

impl Before {
    fn is_default(&self) -> bool {
        *self == Before::default()
    }
}

/// `[monitoring.during]` (docs/supervision.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct During {
    /// A caregiver's visits of one month without a location fix at check-in or check-out: from
    /// this many on, a finding (each visit is also in the institution's review queue). Default 5.
    pub no_fix_visits_per_month: u32,
}

impl Default for During {
    fn default() -> Self {
        During { no_fix_visits_per_month: 5 }
    }
}

impl During {
    fn is_default(&self) -> bool {
        *self == During::default()
    }
}

/// Thresholds of the monthly analysis (`[monitoring.analysis]`, docs/supervision.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Analysis {
    /// A caregiver's visits of one day lasting more than this many hours in all. Default 10.
    pub max_caregiver_hours_per_day: u32,
    /// A caregiver checking in at the same minute of the day at least this many times in a
    /// month. Default 8.
    pub repeated_check_in_min: u32,
    /// … and that minute holding at least this percentage of the caregiver's check-ins of the
    /// month (a routine keeps to a few minutes, not to one). Default 50.
    pub repeated_check_in_share_pct: u32,
    /// A caregiver with at least `min_duration_visits` visits in a month, at least this
    /// percentage of which lasted no more than `min_duration_margin_pct` percent beyond the
    /// items' minimum minutes. Default 80.
    pub min_duration_share_pct: u32,
    /// Default 5.
    pub min_duration_margin_pct: u32,
    /// Default 10.
    pub min_duration_visits: u32,
    /// An institution whose services per beneficiary score at least this robust z-score
    /// against its peers of the same kind and against its own last six months. Default 4.
    pub peer_score_min: u32,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            max_caregiver_hours_per_day: 10,
            repeated_check_in_min: 8,
            repeated_check_in_share_pct: 50,
            min_duration_share_pct: 80,
            min_duration_margin_pct: 5,
            min_duration_visits: 10,
            peer_score_min: 4,
        }
    }
}

impl Analysis {
    fn is_default(&self) -> bool {
        *self == Analysis::default()
    }
}

const DEFAULT_MISSED_CHECK_IN_GRACE_HOURS: u32 = 2;
const DEFAULT_MISSED_CHECK_OUT_HOURS: u32 = 4;

fn default_missed_check_in_grace_hours() -> u32 {
    DEFAULT_MISSED_CHECK_IN_GRACE_HOURS
}

fn default_missed_check_out_hours() -> u32 {
    DEFAULT_MISSED_CHECK_OUT_HOURS
}

fn is_default_grace(v: &u32) -> bool {
    *v == DEFAULT_MISSED_CHECK_IN_GRACE_HOURS
}

fn is_default_check_out(v: &u32) -> bool {
    *v == DEFAULT_MISSED_CHECK_OUT_HOURS
}

impl AssessmentSettings {
    /// What is out of range, keyed by field name.
    pub fn problems(&self) -> BTreeMap<String, Issue> {
        let mut out = BTreeMap::new();
        for (field, v, lo, hi) in [
            ("min_assessors", self.min_assessors, 2, 9),
            ("publicity_days", self.publicity_days, 0, 60),
            ("validity_months", self.validity_months, 1, 120),
            ("appeal_window_days", self.appeal_window_days, 0, 365),
            ("min_contribution_months", self.min_contribution_months, 0, 120),
            ("recertify_after_months", self.recertify_after_months, 0, 60),
        ] {
            if !(lo..=hi).contains(&v) {
                out.insert(field.to_owned(), Issue::new("out_of_range", m::between(lo, hi)));
            }
        }
        out
    }
}

/// Collects problems keyed by the path of the offending key.
#[derive(Default)]
struct Problems(BTreeMap<String, Issue>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, code: &str, message: Text) {
        self.0.entry(path.into()).or_insert_with(|| Issue::new(code, message));
    }

    fn money(&mut self, path: impl Into<String>, v: Decimal) {
        if v <= Decimal::ZERO {
            self.add(path, "not_positive", m::policy_money_positive());
        } else if v.normalize().scale() > 2 {
            self.add(path, "too_precise", m::money_too_precise());
        }
    }

    fn share(&mut self, path: impl Into<String>, v: Decimal, zero_ok: bool) {
        let path = path.into();
        if v > Decimal::ONE || v < Decimal::ZERO || (!zero_ok && v.is_zero()) {
            let text = if zero_ok { m::policy_share_from_zero() } else { m::policy_share_above_zero() };
            self.add(path, "out_of_range", text);
        } else if v.normalize().scale() > 4 {
            self.add(path, "too_precise", m::policy_share_precision());
        }
    }

    fn range(&mut self, path: impl Into<String>, v: u32, lo: u32, hi: u32) {
        if !(lo..=hi).contains(&v) {
            self.add(path, "out_of_range", m::between(lo, hi));
        }
    }

    fn text(&mut self, path: impl Into<String>, v: &str, max: usize) {
        let n = v.trim().chars().count();
        if n == 0 {
            self.add(path, "required", m::must_not_be_empty());
        } else if v.chars().any(char::is_control) {
            self.add(path, "invalid_characters", m::one_line_only());
        } else if n > max {
            self.add(path, "too_long", m::too_long(max));
        }
    }
}

impl PolicyDocument {
    /// Everything wrong with the document, keyed by the path of the offending key (`rates[2].amount`,
    /// `catalogue[0].code`, `eligibility.home_visit`); empty when it is sound.
    pub fn problems(&self) -> BTreeMap<String, Issue> {
        let mut p = Problems::default();
        p.text("name", &self.name, 200);
        if let Some(code) = &self.region
            && !(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()))
        {
            p.add("region", "invalid_format", m::region_code_format());
        }
        for mode in MODES {
            let levels = self.eligibility.levels(mode);
            let path = format!("eligibility.{}", mode_key(mode));
            if levels.iter().any(|l| !LEVELS.contains(l)) {
                p.add(&path, "out_of_range", m::policy_levels_range());
            } else if levels.iter().collect::<BTreeSet<_>>().len() != levels.len() {
                p.add(&path, "duplicate", m::policy_level_twice());
            }
        }
        for (i, r) in self.rates.iter().enumerate() {
            self.rate_problems(&mut p, i, r);
        }
        if !self.eligibility.home_visit.is_empty() && self.catalogue.is_empty() {
            p.add("catalogue", "required", m::policy_catalogue_required());
        }
        self.coverage_problems(&mut p);
        let mut seen = BTreeSet::new();
        for (i, c) in self.catalogue.iter().enumerate() {
            let at = |k: &str| format!("catalogue[{i}].{k}");
            if c.code.is_empty()
                || c.code.len() > 16
                || !c.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            {
                p.add(at("code"), "invalid_format", m::policy_item_code_format());
            } else if !seen.insert(c.code.as_str()) {
                p.add(at("code"), "duplicate", m::policy_item_code_twice());
            }
            p.text(at("name"), &c.name, 100);
            p.text(at("unit"), &c.unit, 10);
            p.money(at("unit_price"), c.unit_price);
            p.range(at("min_minutes"), c.min_minutes, 1, 600);
            p.range(at("max_per_week"), c.max_per_week, 1, 21);
        }
        p.share("reserve_share", self.reserve_share, true);
        if self.quality_withholding > Decimal::new(5, 1) {
            p.add("quality_withholding", "out_of_range", m::policy_withholding_range());
        } else {
            p.share("quality_withholding", self.quality_withholding, true);
        }
        for (field, issue) in self.assessment.problems() {
            p.0.entry(format!("assessment.{field}")).or_insert(issue);
        }
        p.range("monitoring.geofence_radius_m", self.monitoring.geofence_radius_m, 10, 5_000);
        p.range("monitoring.duration_tolerance_pct", self.monitoring.duration_tolerance_pct, 0, 50);
        p.range("monitoring.max_travel_speed_kmh", self.monitoring.max_travel_speed_kmh, 5, 200);
        p.range("monitoring.missed_check_in_grace_hours", self.monitoring.missed_check_in_grace_hours, 0, 72);
        p.range("monitoring.missed_check_out_hours", self.monitoring.missed_check_out_hours, 1, 24);
        let a = &self.monitoring.analysis;
        p.range("monitoring.analysis.max_caregiver_hours_per_day", a.max_caregiver_hours_per_day, 1, 24);
        p.range("monitoring.analysis.repeated_check_in_min", a.repeated_check_in_min, 3, 100);
        p.range("monitoring.analysis.min_duration_share_pct", a.min_duration_share_pct, 50, 100);
        p.range("monitoring.analysis.repeated_check_in_share_pct", a.repeated_check_in_share_pct, 10, 100);
        p.range("monitoring.analysis.min_duration_margin_pct", a.min_duration_margin_pct, 0, 50);
        p.range("monitoring.analysis.min_duration_visits", a.min_duration_visits, 3, 100);
        p.range("monitoring.analysis.peer_score_min", a.peer_score_min, 2, 20);
        let b = &self.monitoring.before;
        p.range("monitoring.before.max_caregiver_hours_per_week", b.max_caregiver_hours_per_week, 1, 168);
        for (i, rule) in b.blocking.iter().enumerate() {
            if rule.moment() != crate::api::supervision::Moment::Before {
                p.add(format!("monitoring.before.blocking[{i}]"), "not_before_rule", m::not_a_before_rule());
            }
        }
        let d = &self.monitoring.during;
        p.range("monitoring.during.no_fix_visits_per_month", d.no_fix_visits_per_month, 1, 100);
        p.0
    }

    fn rate_problems(&self, p: &mut Problems, i: usize, r: &Rate) {
        let at = |k: &str| format!("rates[{i}].{k}");
        let eligible = self.eligibility.levels(r.mode);
        if r.levels.is_empty() {
            p.add(at("levels"), "required", m::policy_at_least_one_level());
        } else if let Some(l) = r.levels.iter().find(|l| !eligible.contains(l)) {
            p.add(at("levels"), "not_eligible", m::policy_level_not_eligible(l, mode_key(r.mode)));
        }
        match r.tier {
            Some(_) if r.mode != CareMode::HospitalWard => {
                p.add(at("tier"), "not_allowed", m::policy_tier_only_hospital())
            }
            Some(t) if !(1..=3).contains(&t) => p.add(at("tier"), "out_of_range", m::policy_tier_range()),
            _ => {}
        }
        match (r.basis, r.amount) {
            (PaymentBasis::PerItem, Some(_)) => p.add(at("amount"), "not_allowed", m::policy_per_item_amount()),
            (PaymentBasis::PerItem, None) if r.mode != CareMode::HomeVisit => {
                p.add(at("basis"), "not_allowed", m::policy_per_item_home_only())
            }
            (PaymentBasis::CappedPerDay | PaymentBasis::FlatPerDay, None) => {
                p.add(at("amount"), "required", m::policy_daily_amount_required())
            }
            (_, Some(v)) => p.money(at("amount"), v),
            _ => {}
        }
        p.share(at("fund_share"), r.fund_share, false);
        if let Some(cap) = r.monthly_cap {
            p.money(at("monthly_cap"), cap);
        }
        // Another row pricing the same scheme, level and tier makes the price ambiguous.
        for (j, other) in self.rates[..i].iter().enumerate() {
            let schemes = |x: &Rate| if x.schemes.is_empty() { Scheme::ALL.to_vec() } else { x.schemes.clone() };
            let overlap = other.mode == r.mode
                && other.tier == r.tier
                && schemes(other).iter().any(|s| schemes(r).contains(s))
                && other.levels.iter().any(|l| r.levels.contains(l));
            if overlap {
                p.add(at("levels"), "duplicate_rate", m::policy_duplicate_rate(format!("rates[{j}]")));
            }
        }
    }

    /// Every eligible (scheme, mode, level) must be priced for every tier.
    fn coverage_problems(&self, p: &mut Problems) {
        for mode in MODES {
            for &level in self.eligibility.levels(mode) {
                let tiers: &[Option<u8>] =
                    if mode == CareMode::HospitalWard { &[Some(1), Some(2), Some(3)] } else { &[None] };
                for scheme in Scheme::ALL {
                    let priced = tiers.iter().all(|&tier| self.rate_for(scheme, mode, level, tier).is_some());
                    if !priced {
                        p.add(
                            format!("eligibility.{}", mode_key(mode)),
                            "no_rate",
                            m::policy_no_rate(level, scheme.as_str()),
                        );
                    }
                }
            }
        }
    }

    /// The rate pricing (scheme, mode, level, tier): a row for the tier before a row for every tier.
    pub fn rate_for(&self, scheme: Scheme, mode: CareMode, level: u8, tier: Option<u8>) -> Option<&Rate> {
        let matching = || self.rates.iter().filter(move |r| r.applies(scheme, mode, level, tier));
        matching().find(|r| r.tier.is_some()).or_else(|| matching().next())
    }

    pub fn eligible(&self, mode: CareMode, level: u8) -> bool {
        self.eligibility.levels(mode).contains(&level)
    }

    pub fn item(&self, code: &str) -> Option<&CatalogueItem> {
        self.catalogue.iter().find(|c| c.code == code)
    }

    /// The reserve share in basis points (the unit the ledger posts with).
    pub fn reserve_share_bp(&self) -> u32 {
        use rust_decimal::prelude::ToPrimitive;
        (self.reserve_share * Decimal::from(10_000)).trunc().to_u32().unwrap_or(0)
    }
}

/// Money and shares are written as quoted decimals (`"80.00"`): a binary float cannot hold 0.1
/// exactly, so a number written without quotes is refused rather than rounded.
mod decimal_text {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    /// A quoted plain decimal (at most four decimals: shares are basis points); the
    /// document's own checks then say what each value may be.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(d).map_err(|_| refuse("invalid_amount"))?;
        parse(&text)
    }

    fn refuse<E: Error>(code: &str) -> E {
        E::custom(format!("{}{code}:policy", crate::strict::MARK))
    }

    fn parse<E: Error>(text: &str) -> Result<Decimal, E> {
        crate::strict::parse_decimal(text.trim(), 4, "policy").map_err(|(code, _)| refuse(code))
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => super::serialize(v, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            let text = Option::<String>::deserialize(d).map_err(|_| refuse("invalid_amount"))?;
            text.map(|t| parse(&t)).transpose()
        }
    }
}

/// The care modes, in the document's order.
pub const MODES: [CareMode; 4] =
    [CareMode::HospitalWard, CareMode::Institutional, CareMode::HomeVisit, CareMode::FamilyCare];

/// A mode's key in the document.
pub fn mode_key(mode: CareMode) -> &'static str {
    match mode {
        CareMode::HospitalWard => "hospital_ward",
        CareMode::Institutional => "institutional",
        CareMode::HomeVisit => "home_visit",
        CareMode::FamilyCare => "family_care",
    }
}

#[cfg(test)]
mod tests;
