//! Pricing a month's lines under the policy in force on each day: pure functions, so a bill
//! computed twice from the same facts is the same bill. A line is checked (the first reason not to
//! pay it), then the month's lines pass, in order, through the weekly frequency of catalogue items,
//! the daily limit of the rate (a cap, or a flat amount paid once a day), the fund's share rounded
//! half up to the fen, and the rate's monthly cap.

use ltci_shared::messages as m;
use ltci_shared::text::Text;
use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::settlement::LineRejection;
use ltci_shared::money::{to_fen, to_yuan};
use ltci_shared::policy::{PaymentBasis, PolicyDocument};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use uuid::Uuid;

/// A policy version as the pricing names it.
#[derive(Debug, Clone)]
pub struct Policy {
    pub id: Uuid,
    pub version: i32,
    pub document: PolicyDocument,
}

/// What a line bills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A charged bed-day of a stay, with the charge in fen.
    BedDay { charged_fen: i64 },
    /// A catalogue item delivered `times` on a home visit.
    VisitItem { code: String, times: u32, verified: bool, blocked_by: Option<String> },
    /// A day of a family-care plan (亲情护理), paid an allowance.
    FamilyCareDay,
}

/// The facts of one line.
#[derive(Debug, Clone)]
pub struct Claim<'a> {
    pub person: Uuid,
    pub on: NaiveDate,
    pub mode: CareMode,
    pub scheme: Scheme,
    /// The hospital's tier, for hospital wards.
    pub tier: Option<u8>,
    /// The level certified that day, if any certificate was valid.
    pub level: Option<u8>,
    pub hospitalised: bool,
    pub died_on: Option<NaiveDate>,
    /// A confirmed monitoring finding refuses the service (监控发现已确认).
    pub refused_by_finding: bool,
    /// The version in force that day.
    pub policy: Option<&'a Policy>,
    pub what: What,
}

/// A daily limit of a rate: the allowed amounts of a beneficiary's day up to a cap, or a flat
/// amount paid once a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Daily {
    Cap(i64),
    Flat(i64),
}

/// A rate row: (policy version, row index).
type RateKey = (Uuid, usize);

/// A priced line.
#[derive(Debug, Clone, PartialEq)]
pub struct Priced {
    pub policy_version_id: Option<Uuid>,
    pub rule: Option<PaymentBasis>,
    pub claimed_fen: i64,
    pub allowed_fen: i64,
    pub fund_fen: i64,
    pub rejection: Option<LineRejection>,
    pub explanation: Value,
    rate: Option<RateKey>,
    share: Decimal,
    daily: Option<Daily>,
    monthly_cap: Option<i64>,
    /// For an item: (code, most per week, times, unit price in fen).
    frequency: Option<(String, u32, u32, i64)>,
}

impl Priced {
    /// Adds a step to the explanation, in the catalogue's stored form: the line is read in the
    /// reader's language (`bills::line_view`).
    fn step(&mut self, text: Text) {
        if let Some(steps) = self.explanation.get_mut("steps").and_then(Value::as_array_mut) {
            steps.push(text.stored_value());
        }
    }
}

/// `fen × share`, rounded half up to the fen (shares are exact decimals).
pub fn share_of_fen(fen: i64, share: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (Decimal::from(fen) * share).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64().unwrap_or(0)
}

fn yuan(fen: i64) -> String {
    to_yuan(fen).to_string()
}

/// The Monday of `on`'s ISO week.
pub fn week_of(on: NaiveDate) -> NaiveDate {
    on - Days::new(u64::from(on.weekday().num_days_from_monday()))
}

/// Checks one line and applies its rate's basis; the month's passes come after. Without
/// `explain` the line carries no explanation (a what-if needs the amounts only).
fn price_line(c: &Claim<'_>, explain: bool) -> Priced {
    let mut inputs = if explain {
        json!({
            "service_on": c.on,
            "care_mode": c.mode,
            "scheme": c.scheme,
            "certified_level": c.level,
            "hospitalised": c.hospitalised,
            "died_on": c.died_on,
        })
    } else {
        Value::Null
    };
    let item = match &c.what {
        What::BedDay { charged_fen } => {
            if explain {
                inputs["charged"] = json!(yuan(*charged_fen));
                inputs["tier"] = json!(c.tier);
            }
            None
        }
        What::VisitItem { code, times, verified, blocked_by } => {
            if explain {
                inputs["item"] = json!(code);
                inputs["times"] = json!(times);
                inputs["visit_verified"] = json!(verified);
                inputs["blocked_by"] = json!(blocked_by);
            }
            c.policy.and_then(|p| p.document.item(code)).map(|i| (i, *times))
        }
        What::FamilyCareDay => None,
    };
    let unit_fen = item.and_then(|(i, _)| to_fen(i.unit_price).ok());
    let claimed_fen = match &c.what {
        What::BedDay { charged_fen } => *charged_fen,
        What::VisitItem { times, .. } => unit_fen.unwrap_or(0) * i64::from(*times),
        What::FamilyCareDay => 0,
    };
    if let (true, Some((i, times)), Some(unit)) = (explain, item, unit_fen) {
        inputs["unit_price"] = json!(yuan(unit));
        inputs["item_name"] = json!(i.name);
        inputs["items"] = json!(yuan(unit * i64::from(times)));
    }
    let mut priced = Priced {
        policy_version_id: c.policy.map(|p| p.id),
        rule: None,
        claimed_fen,
        allowed_fen: 0,
        fund_fen: 0,
        rejection: None,
        explanation: if explain {
            json!({"inputs": inputs, "policy_version": c.policy.map(|p| p.version), "steps": []})
        } else {
            Value::Null
        },
        rate: None,
        share: Decimal::ZERO,
        daily: None,
        monthly_cap: None,
        frequency: None,
    };
    let reject = |mut p: Priced, code: LineRejection, why: Text| {
        p.rejection = Some(code);
        p.step(why);
        p
    };
    if c.died_on.is_some_and(|d| d <= c.on) {
        return reject(priced, LineRejection::Deceased, m::why_deceased());
    }
    let Some(level) = c.level else {
        return reject(priced, LineRejection::NotCertified, m::why_not_certified());
    };
    if c.hospitalised {
        return reject(priced, LineRejection::Hospitalised, m::why_hospitalised());
    }
    if let What::VisitItem { verified: false, .. } = c.what {
        return reject(priced, LineRejection::VisitNotVerified, m::why_visit_not_verified());
    }
    if let What::VisitItem { blocked_by: Some(finding), .. } = &c.what {
        return reject(priced, LineRejection::ItemBlocked, m::why_item_blocked(finding));
    }
    if c.refused_by_finding {
        return reject(priced, LineRejection::FindingConfirmed, m::why_finding_confirmed());
    }
    let Some(policy) = c.policy else {
        return reject(priced, LineRejection::NoPolicy, m::why_no_policy());
    };
    let doc = &policy.document;
    if !doc.eligible(c.mode, level) {
        return reject(priced, LineRejection::NotEligible, m::why_not_eligible());
    }
    if matches!(c.what, What::VisitItem { .. }) && item.is_none() {
        return reject(priced, LineRejection::UnknownItem, m::why_unknown_item());
    }
    let Some(rate) = doc.rate_for(c.scheme, c.mode, level, c.tier) else {
        return reject(priced, LineRejection::NoRate, m::why_no_rate());
    };
    let amount_fen = rate.amount.and_then(|a| to_fen(a).ok());
    let daily = match (rate.basis, amount_fen) {
        (PaymentBasis::CappedPerDay, Some(cap)) => Some(Daily::Cap(cap)),
        (PaymentBasis::FlatPerDay, Some(flat)) => Some(Daily::Flat(flat)),
        (PaymentBasis::PerItem, _) if item.is_some() => None,
        _ => return reject(priced, LineRejection::NoRate, m::why_rate_does_not_price()),
    };
    let row = doc.rates.iter().position(|r| std::ptr::eq(r, rate)).unwrap_or(0);
    if explain {
        priced.explanation["rate"] = json!({
            "row": row, "basis": rate.basis, "amount": rate.amount.map(|a| a.to_string()),
            "fund_share": rate.fund_share.to_string(), "monthly_cap": rate.monthly_cap.map(|c| c.to_string()),
        });
    }
    priced.rule = Some(rate.basis);
    priced.rate = Some((policy.id, row));
    priced.share = rate.fund_share;
    priced.daily = daily;
    priced.monthly_cap = rate.monthly_cap.and_then(|c| to_fen(c).ok());
    priced.allowed_fen = claimed_fen;
    if let (Some((i, times)), Some(unit)) = (item, unit_fen) {
        priced.frequency = Some((i.code.clone(), i.max_per_week, times, unit));
        priced.step(m::step_items(yuan(unit), times, yuan(claimed_fen)));
    }
    priced
}

/// Prices a month's lines, given in their bill order (by beneficiary, then day), with their
/// explanations if `explain`. `prior` counts the items delivered before the month in the week
/// the month starts in, per (beneficiary, item, Monday of the week). Every pass is per
/// beneficiary: one beneficiary's lines priced alone are priced as among the month's.
pub fn price_month(
    claims: &[Claim<'_>],
    prior: &HashMap<(Uuid, String, NaiveDate), u32>,
    explain: bool,
) -> Vec<Priced> {
    price(claims, prior, explain)
}

/// What the fund pays for each line of a month, as [`price_month`] prices it, without explaining
/// it: the policy what-if.
pub fn fund_of_month(claims: &[Claim<'_>], prior: &HashMap<(Uuid, String, NaiveDate), u32>) -> Vec<i64> {
    price(claims, prior, false).into_iter().map(|p| p.fund_fen).collect()
}

fn price(claims: &[Claim<'_>], prior: &HashMap<(Uuid, String, NaiveDate), u32>, explain: bool) -> Vec<Priced> {
    let mut lines: Vec<Priced> = claims.iter().map(|c| price_line(c, explain)).collect();
    let payable = |p: &Priced| p.rejection.is_none() && p.rate.is_some();

    // The catalogue's weekly frequency per beneficiary and item.
    let mut delivered: HashMap<(Uuid, String, NaiveDate), u32> = prior.clone();
    for (c, p) in claims.iter().zip(lines.iter_mut()) {
        let Some((code, max, times, unit)) = p.frequency.clone() else { continue };
        if !payable(p) {
            continue;
        }
        let used = delivered.entry((c.person, code.clone(), week_of(c.on))).or_insert(0);
        let left = max.saturating_sub(*used);
        if times > left {
            p.step(m::step_frequency(&code, max, *used, left));
            p.allowed_fen = unit * i64::from(left);
            if left == 0 {
                p.rejection = Some(LineRejection::OverFrequency);
            }
        }
        *used += times.min(left);
    }

    // The rate's daily limit per beneficiary and day.
    let mut day_used: HashMap<(Uuid, NaiveDate, RateKey), i64> = HashMap::new();
    for (c, p) in claims.iter().zip(lines.iter_mut()) {
        let (Some(daily), Some(rate)) = (p.daily, p.rate) else { continue };
        if !payable(p) {
            continue;
        }
        let used = day_used.entry((c.person, c.on, rate)).or_insert(0);
        let what = if matches!(c.what, What::BedDay { .. }) { m::word_charged() } else { m::word_items() };
        match daily {
            Daily::Cap(cap) => {
                let left = (cap - *used).max(0);
                let allowed = p.allowed_fen.min(left);
                p.step(if *used == 0 {
                    m::step_daily_cap(what, yuan(p.allowed_fen), yuan(cap), yuan(allowed))
                } else {
                    m::step_daily_cap_shared(what, yuan(p.allowed_fen), yuan(cap), yuan(*used), yuan(allowed))
                });
                if allowed == 0 && p.allowed_fen > 0 {
                    p.rejection = Some(LineRejection::OverCap);
                }
                p.allowed_fen = allowed;
                *used += allowed;
            }
            Daily::Flat(flat) => {
                if *used == 0 {
                    p.allowed_fen = flat;
                    p.step(m::step_flat(yuan(flat)));
                    *used = flat;
                } else {
                    p.allowed_fen = 0;
                    p.step(m::step_flat_earlier_line());
                }
            }
        }
    }

    // The fund's share of every allowed amount, per line.
    for p in lines.iter_mut().filter(|p| payable(p)) {
        p.fund_fen = share_of_fen(p.allowed_fen, p.share);
        let step = m::step_fund_share(yuan(p.allowed_fen), p.share, yuan(p.fund_fen));
        p.step(step);
    }

    // The rate's monthly cap per beneficiary.
    let mut month_used: HashMap<(Uuid, RateKey), i64> = HashMap::new();
    for (c, p) in claims.iter().zip(lines.iter_mut()) {
        let (Some(cap), Some(rate)) = (p.monthly_cap, p.rate) else { continue };
        if !payable(p) {
            continue;
        }
        let so_far = month_used.entry((c.person, rate)).or_insert(0);
        let left = (cap - *so_far).max(0);
        if p.fund_fen > left {
            p.step(m::step_monthly_cap(yuan(cap), yuan(*so_far), yuan(left)));
            p.fund_fen = left;
            if left == 0 {
                p.rejection = Some(LineRejection::OverCap);
            }
        }
        *so_far += p.fund_fen;
    }
    // A line not paid allows nothing.
    for p in lines.iter_mut().filter(|p| p.rejection.is_some()) {
        p.allowed_fen = 0;
        p.fund_fen = 0;
    }
    lines
}

#[cfg(test)]
mod tests {
    use ltci_shared::text::{Lang, render_stored_in};

    use super::*;

    /// A line's steps as a person reads them in `lang`.
    fn steps_in(p: &Priced, lang: Lang) -> String {
        let mut steps = p.explanation["steps"].clone();
        render_stored_in(&mut steps, lang);
        steps.to_string()
    }

    fn steps(p: &Priced) -> String {
        steps_in(p, Lang::English)
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn policy() -> Policy {
        let text = r#"
name = "test"
effective_from = "2026-01-01"
reserve_share = "0.05"
quality_withholding = "0.05"
[eligibility]
hospital_ward = [4, 5]
institutional = [3, 4, 5]
home_visit = [2, 3, 4, 5]
family_care = [3, 4, 5]
[[rates]]
mode = "hospital_ward"
levels = [4, 5]
tier = 1
basis = "capped_per_day"
amount = "80.00"
fund_share = "0.80"
[[rates]]
mode = "hospital_ward"
levels = [4, 5]
tier = 3
basis = "capped_per_day"
amount = "120.00"
fund_share = "0.70"
[[rates]]
mode = "hospital_ward"
levels = [4, 5]
basis = "capped_per_day"
amount = "100.00"
fund_share = "0.75"
[[rates]]
mode = "institutional"
levels = [3, 4, 5]
basis = "capped_per_day"
amount = "60.00"
fund_share = "0.75"
[[rates]]
mode = "home_visit"
levels = [2, 3, 4, 5]
basis = "per_item"
fund_share = "0.90"
monthly_cap = "100.00"
[[rates]]
mode = "family_care"
levels = [3, 4, 5]
basis = "flat_per_day"
amount = "30.00"
fund_share = "1"
[[catalogue]]
code = "SF-01"
name = "头面部清洁护理"
unit_price = "15.00"
unit = "次"
min_minutes = 20
qualification = "caregiver_certified"
max_per_week = 3
[[catalogue]]
code = "SF-03"
name = "协助沐浴"
unit_price = "40.00"
unit = "次"
min_minutes = 45
qualification = "caregiver_certified"
max_per_week = 2
[assessment]
min_assessors = 2
publicity_days = 5
validity_months = 24
appeal_window_days = 30
min_contribution_months = 0
recertify_after_months = 6
[monitoring]
geofence_radius_m = 300
duration_tolerance_pct = 10
max_travel_speed_kmh = 60
"#;
        let document: PolicyDocument = toml::from_str(text).expect("test policy");
        Policy { id: Uuid::nil(), version: 1, document }
    }

    const A: Uuid = Uuid::from_u128(1);
    const B: Uuid = Uuid::from_u128(2);

    fn bed<'a>(p: &'a Policy, charged_fen: i64) -> Claim<'a> {
        Claim {
            person: A,
            on: d("2026-10-05"),
            mode: CareMode::Institutional,
            scheme: Scheme::Resident,
            tier: None,
            level: Some(4),
            hospitalised: false,
            died_on: None,
            refused_by_finding: false,
            policy: Some(p),
            what: What::BedDay { charged_fen },
        }
    }

    fn item<'a>(p: &'a Policy, on: &str, code: &str, times: u32) -> Claim<'a> {
        Claim {
            on: d(on),
            mode: CareMode::HomeVisit,
            what: What::VisitItem { code: code.into(), times, verified: true, blocked_by: None },
            ..bed(p, 0)
        }
    }

    fn one(c: Claim<'_>) -> Priced {
        price_month(&[c], &HashMap::new(), true).remove(0)
    }

    fn paid(lines: &[Priced]) -> Vec<(i64, i64, Option<LineRejection>)> {
        lines.iter().map(|p| (p.allowed_fen, p.fund_fen, p.rejection)).collect()
    }

    #[test]
    fn below_the_cap_the_charge_is_used_above_it_the_cap() {
        let p = policy();
        assert_eq!(paid(&[one(bed(&p, 5_000))]), [(5_000, 3_750, None)]);
        let above = one(bed(&p, 9_500));
        assert_eq!((above.claimed_fen, above.allowed_fen, above.fund_fen), (9_500, 6_000, 4_500));
        assert_eq!(above.rule, Some(PaymentBasis::CappedPerDay));
        let en = steps(&above);
        assert!(en.contains("allowed = min(charged 95.00, daily cap 60.00) = 60.00"), "{en}");
        assert!(en.contains("fund = 60.00 × 0.75 = 45.00"), "{en}");
        let zh = steps_in(&above, Lang::Zh);
        assert!(zh.contains("准予支付 = min(收费 95.00，日限额 60.00) = 60.00"), "{zh}");
        assert!(zh.contains("基金支付 = 60.00 × 0.75 = 45.00（四舍五入到分）"), "{zh}");
    }

    #[test]
    fn the_fund_share_is_rounded_half_up_to_the_fen() {
        let p = policy();
        // 33.33 × 0.75 = 24.9975 → 25.00; 0.02 × 0.75 = 0.015 → 0.02; 0.01 × 0.75 = 0.0075 → 0.01.
        assert_eq!(one(bed(&p, 3_333)).fund_fen, 2_500);
        assert_eq!(one(bed(&p, 2)).fund_fen, 2);
        assert_eq!(one(bed(&p, 1)).fund_fen, 1);
        assert_eq!(share_of_fen(1_234_567_890_123, "0.7".parse().expect("share")), 864_197_523_086);
    }

    #[test]
    fn hospital_wards_are_priced_by_tier_with_a_row_for_every_other_tier() {
        let p = policy();
        let ward = |tier| Claim { mode: CareMode::HospitalWard, tier, ..bed(&p, 15_000) };
        assert_eq!(one(ward(Some(1))).fund_fen, 6_400); // 80 × 0.80
        assert_eq!(one(ward(Some(3))).fund_fen, 8_400); // 120 × 0.70
        assert_eq!(one(ward(Some(2))).fund_fen, 7_500); // 100 × 0.75, the row for every tier
    }

    #[test]
    fn lines_not_paid_say_why_in_this_order() {
        let p = policy();
        let base = bed(&p, 9_500);
        let visit = |verified, blocked_by: Option<&str>| What::VisitItem {
            code: "SF-01".into(),
            times: 1,
            verified,
            blocked_by: blocked_by.map(Into::into),
        };
        let cases = [
            (Claim { died_on: Some(d("2026-10-05")), level: None, ..base.clone() }, LineRejection::Deceased),
            (Claim { level: None, hospitalised: true, ..base.clone() }, LineRejection::NotCertified),
            (Claim { hospitalised: true, what: visit(false, None), ..base.clone() }, LineRejection::Hospitalised),
            (Claim { policy: None, what: visit(false, None), ..base.clone() }, LineRejection::VisitNotVerified),
            (
                Claim { policy: None, what: visit(true, Some("unqualified_caregiver")), ..base.clone() },
                LineRejection::ItemBlocked,
            ),
            (Claim { policy: None, refused_by_finding: true, ..base.clone() }, LineRejection::FindingConfirmed),
            (Claim { policy: None, ..base.clone() }, LineRejection::NoPolicy),
            (Claim { level: Some(2), ..base.clone() }, LineRejection::NotEligible),
            (Claim { mode: CareMode::HospitalWard, level: Some(3), ..base.clone() }, LineRejection::NotEligible),
            (item(&p, "2026-10-05", "XX-99", 1), LineRejection::UnknownItem),
        ];
        for (i, (case, code)) in cases.into_iter().enumerate() {
            let priced = one(case);
            assert_eq!((priced.rejection, priced.fund_fen, priced.allowed_fen), (Some(code), 0, 0), "case {i}");
            let mut first = priced.explanation["steps"][0].clone();
            render_stored_in(&mut first, Lang::Zh);
            assert!(first.as_str().is_some_and(|s| !s.is_empty()), "case {i} explains itself");
        }
        // Dying the next day: this day is still paid.
        assert_eq!(paid(&[one(Claim { died_on: Some(d("2026-10-06")), ..base })]), [(6_000, 4_500, None)]);
    }

    #[test]
    fn items_are_paid_at_catalogue_prices_up_to_their_weekly_frequency() {
        let p = policy();
        // SF-03 at most twice a week: once before the month (Thursday 1 October's week began on
        // Monday 28 September), then twice on 2 October (one paid), then once more on 3 October.
        let prior = HashMap::from([((A, "SF-03".to_string(), d("2026-09-28")), 1)]);
        let claims = [
            item(&p, "2026-10-02", "SF-03", 2),
            item(&p, "2026-10-03", "SF-03", 1),
            // A new week: paid again.
            item(&p, "2026-10-05", "SF-03", 1),
            Claim { person: B, ..item(&p, "2026-10-03", "SF-03", 2) },
        ];
        let lines = price_month(&claims, &prior, true);
        assert_eq!(
            paid(&lines),
            [
                (4_000, 3_600, None),
                (0, 0, Some(LineRejection::OverFrequency)),
                (4_000, 3_600, None),
                (8_000, 7_200, None)
            ]
        );
        assert_eq!(lines[0].claimed_fen, 8_000);
        assert!(steps(&lines[0]).contains("SF-03 at most 2 times a week: 1 delivered earlier this week, 1 paid"));
    }

    #[test]
    fn monthly_caps_stop_the_fund() {
        let p = policy();
        // 100.00 a month from the fund: 36.00 (40 × 0.9) three times reaches it on the third.
        let claims: Vec<Claim<'_>> = ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"]
            .iter()
            .map(|on| item(&p, on, "SF-03", 1))
            .collect();
        let lines = price_month(&claims, &HashMap::new(), true);
        assert_eq!(
            paid(&lines),
            [(4_000, 3_600, None), (4_000, 3_600, None), (4_000, 2_800, None), (0, 0, Some(LineRejection::OverCap))]
        );
        assert!(steps(&lines[2]).contains("monthly cap 100.00: 72.00 paid before this line, 28.00 left"));
    }

    #[test]
    fn daily_caps_spread_over_a_days_items_and_flat_amounts_are_paid_once_a_day() {
        let p = policy();
        let mut doc = p.document.clone();
        doc.rates[4].basis = PaymentBasis::CappedPerDay;
        doc.rates[4].amount = Some("45.00".parse().expect("amount"));
        doc.rates[4].monthly_cap = None;
        let capped = Policy { document: doc, ..p.clone() };
        let day = [
            item(&capped, "2026-10-05", "SF-01", 1),
            item(&capped, "2026-10-05", "SF-03", 1),
            item(&capped, "2026-10-05", "SF-01", 1),
        ];
        let lines = price_month(&day, &HashMap::new(), true);
        // 15 + 40 = 55 of which 45 allowed: 15, then 30, then nothing.
        assert_eq!(paid(&lines), [(1_500, 1_350, None), (3_000, 2_700, None), (0, 0, Some(LineRejection::OverCap))]);
        assert!(steps(&lines[1]).contains("daily cap 45.00 less 15.00 allowed earlier that day"));

        let family =
            |on: &str| Claim { on: d(on), mode: CareMode::FamilyCare, what: What::FamilyCareDay, ..bed(&p, 0) };
        let lines =
            price_month(&[family("2026-10-05"), family("2026-10-05"), family("2026-10-06")], &HashMap::new(), true);
        assert_eq!(paid(&lines), [(3_000, 3_000, None), (0, 0, None), (3_000, 3_000, None)]);
        assert_eq!(lines[0].rule, Some(PaymentBasis::FlatPerDay));
    }

    #[test]
    fn without_the_explanation_the_fund_pays_the_same() {
        let p = policy();
        let prior = HashMap::from([((A, "SF-03".to_string(), d("2026-09-28")), 1)]);
        let claims = [
            item(&p, "2026-10-02", "SF-03", 2),
            item(&p, "2026-10-03", "SF-03", 1),
            item(&p, "2026-10-05", "SF-01", 4),
            item(&p, "2026-10-12", "SF-03", 2),
            item(&p, "2026-10-19", "SF-03", 2),
            Claim { person: B, ..bed(&p, 9_500) },
            Claim { person: B, died_on: Some(d("2026-10-01")), ..bed(&p, 9_500) },
        ];
        let explained: Vec<i64> = price_month(&claims, &prior, true).iter().map(|l| l.fund_fen).collect();
        assert_eq!(fund_of_month(&claims, &prior), explained);
        assert!(explained.iter().filter(|f| **f > 0).count() >= 4, "{explained:?}");
        assert!(price(&claims, &prior, false).iter().all(|l| l.explanation.is_null()));
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_of(d("2026-10-01")), d("2026-09-28"));
        assert_eq!(week_of(d("2026-10-05")), d("2026-10-05"));
        assert_eq!(week_of(d("2026-10-11")), d("2026-10-05"));
    }
}
