//! Pricing one beneficiary-day under the policy in force that day, and the monthly caps: pure
//! functions, so a bill computed twice from the same facts is the same bill.

use std::collections::HashMap;

use chrono::NaiveDate;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::settlement::LineRejection;
use ltci_shared::money::to_yuan;
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

/// The facts of one beneficiary-day.
#[derive(Debug, Clone)]
pub struct Day<'a> {
    pub on: NaiveDate,
    pub mode: CareMode,
    pub scheme: Scheme,
    /// The hospital's tier, for hospital wards.
    pub tier: Option<u8>,
    /// What the institution charged for the day, in fen.
    pub claimed_fen: i64,
    /// The level certified that day, if any certificate was valid.
    pub level: Option<u8>,
    pub hospitalised: bool,
    pub died_on: Option<NaiveDate>,
    /// The version in force that day.
    pub policy: Option<&'a Policy>,
}

/// A priced day.
#[derive(Debug, Clone, PartialEq)]
pub struct Priced {
    pub policy_version_id: Option<Uuid>,
    pub rule: Option<PaymentBasis>,
    pub allowed_fen: i64,
    pub fund_fen: i64,
    pub rejection: Option<LineRejection>,
    /// The rate's monthly cap in fen, with the rate it belongs to (policy version, row).
    pub monthly_cap: Option<((Uuid, usize), i64)>,
    pub explanation: Value,
}

/// `fen × share`, rounded half up to the fen (shares are exact decimals).
pub fn share_of_fen(fen: i64, share: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (Decimal::from(fen) * share).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64().unwrap_or(0)
}

fn yuan(fen: i64) -> String {
    to_yuan(fen).to_string()
}

/// Prices one day: the first reason not to pay it, else the rate of the day applied.
pub fn price_day(day: &Day<'_>) -> Priced {
    let inputs = json!({
        "service_on": day.on,
        "care_mode": day.mode,
        "scheme": day.scheme,
        "tier": day.tier,
        "charged": yuan(day.claimed_fen),
        "certified_level": day.level,
        "hospitalised": day.hospitalised,
        "died_on": day.died_on,
    });
    let reject = |code: LineRejection, why: &str| Priced {
        policy_version_id: day.policy.map(|p| p.id),
        rule: None,
        allowed_fen: 0,
        fund_fen: 0,
        rejection: Some(code),
        monthly_cap: None,
        explanation: json!({"inputs": inputs, "policy_version": day.policy.map(|p| p.version), "steps": [why]}),
    };
    if day.died_on.is_some_and(|d| d <= day.on) {
        return reject(LineRejection::Deceased, "no benefit on or after the day of death");
    }
    let Some(level) = day.level else {
        return reject(LineRejection::NotCertified, "no valid disability certificate on the day");
    };
    if day.hospitalised {
        return reject(LineRejection::Hospitalised, "no long-term care benefit while in hospital");
    }
    let Some(policy) = day.policy else {
        return reject(LineRejection::NoPolicy, "no benefit policy in force on the day");
    };
    let doc = &policy.document;
    if !doc.eligible(day.mode, level) {
        return reject(LineRejection::NotEligible, "the certified level is not served in this care mode");
    }
    let Some(rate) = doc.rate_for(day.scheme, day.mode, level, day.tier) else {
        return reject(LineRejection::NoRate, "the policy prices nothing for this scheme, mode, level and tier");
    };
    let amount_fen = rate.amount.and_then(|a| ltci_shared::money::to_fen(a).ok());
    let (allowed_fen, step) = match (rate.basis, amount_fen) {
        (PaymentBasis::CappedPerDay, Some(cap)) => {
            let allowed = day.claimed_fen.min(cap);
            (
                allowed,
                format!(
                    "allowed = min(charged {}, daily cap {}) = {}",
                    yuan(day.claimed_fen),
                    yuan(cap),
                    yuan(allowed)
                ),
            )
        }
        (PaymentBasis::FlatPerDay, Some(flat)) => (flat, format!("allowed = the flat daily amount {}", yuan(flat))),
        _ => return reject(LineRejection::NoRate, "the rate of this mode does not price days"),
    };
    let fund_fen = share_of_fen(allowed_fen, rate.fund_share);
    let row = doc.rates.iter().position(|r| std::ptr::eq(r, rate)).unwrap_or(0);
    Priced {
        policy_version_id: Some(policy.id),
        rule: Some(rate.basis),
        allowed_fen,
        fund_fen,
        rejection: None,
        monthly_cap: rate.monthly_cap.and_then(|c| ltci_shared::money::to_fen(c).ok()).map(|c| ((policy.id, row), c)),
        explanation: json!({
            "inputs": inputs,
            "policy_version": policy.version,
            "rate": {"row": row, "basis": rate.basis, "amount": rate.amount.map(|a| a.to_string()),
                     "fund_share": rate.fund_share.to_string(),
                     "monthly_cap": rate.monthly_cap.map(|c| c.to_string())},
            "steps": [step, format!("fund = {} × {} = {} (half up to the fen)", yuan(allowed_fen), rate.fund_share, yuan(fund_fen))],
        }),
    }
}

/// Applies each rate's monthly cap per beneficiary, in the order of `lines` (by day): the line
/// that reaches the cap is paid what is left of it, later ones are `over_cap`.
pub fn apply_monthly_caps(lines: &mut [(Uuid, Priced)]) {
    let mut used: HashMap<(Uuid, (Uuid, usize)), i64> = HashMap::new();
    for (person, p) in lines.iter_mut() {
        let Some((rate, cap)) = p.monthly_cap else { continue };
        if p.rejection.is_some() {
            continue;
        }
        let so_far = used.entry((*person, rate)).or_insert(0);
        let left = (cap - *so_far).max(0);
        if p.fund_fen > left {
            let step =
                format!("monthly cap {}: {} paid before this day, {} left", yuan(cap), yuan(*so_far), yuan(left));
            if let Some(steps) = p.explanation.get_mut("steps").and_then(Value::as_array_mut) {
                steps.push(Value::String(step));
            }
            p.fund_fen = left;
            if left == 0 {
                p.rejection = Some(LineRejection::OverCap);
            }
        }
        *so_far += p.fund_fen;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn policy(extra: &str) -> Policy {
        let text = format!(
            r#"
name = "test"
effective_from = "2026-01-01"
reserve_share = "0.05"
quality_withholding = "0.05"
[eligibility]
hospital_ward = [4, 5]
institutional = [3, 4, 5]
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
{extra}
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
"#
        );
        let document: PolicyDocument = toml::from_str(&text).expect("test policy");
        Policy { id: Uuid::nil(), version: 1, document }
    }

    fn day<'a>(p: &'a Policy, charged_fen: i64) -> Day<'a> {
        Day {
            on: d("2026-10-05"),
            mode: CareMode::Institutional,
            scheme: Scheme::Resident,
            tier: None,
            claimed_fen: charged_fen,
            level: Some(4),
            hospitalised: false,
            died_on: None,
            policy: Some(p),
        }
    }

    #[test]
    fn below_the_cap_the_charge_is_used_above_it_the_cap() {
        let p = policy("");
        let below = price_day(&day(&p, 5_000));
        assert_eq!((below.allowed_fen, below.fund_fen, below.rejection), (5_000, 3_750, None));
        let above = price_day(&day(&p, 9_500));
        assert_eq!((above.allowed_fen, above.fund_fen), (6_000, 4_500));
        assert_eq!(above.rule, Some(PaymentBasis::CappedPerDay));
        let steps = above.explanation["steps"].to_string();
        assert!(steps.contains("min(charged 95.00, daily cap 60.00) = 60.00"), "{steps}");
        assert!(steps.contains("60.00 × 0.75 = 45.00"), "{steps}");
    }

    #[test]
    fn the_fund_share_is_rounded_half_up_to_the_fen() {
        let p = policy("");
        // 33.33 × 0.75 = 24.9975 → 25.00; 0.02 × 0.75 = 0.015 → 0.02; 0.01 × 0.75 = 0.0075 → 0.01.
        assert_eq!(price_day(&day(&p, 3_333)).fund_fen, 2_500);
        assert_eq!(price_day(&day(&p, 2)).fund_fen, 2);
        assert_eq!(price_day(&day(&p, 1)).fund_fen, 1);
        assert_eq!(share_of_fen(1_234_567_890_123, "0.7".parse().expect("share")), 864_197_523_086);
    }

    #[test]
    fn hospital_wards_are_priced_by_tier_with_a_row_for_every_other_tier() {
        let p = policy("");
        let ward = |tier| Day { mode: CareMode::HospitalWard, tier, ..day(&p, 15_000) };
        assert_eq!(price_day(&ward(Some(1))).fund_fen, 6_400); // 80 × 0.80
        assert_eq!(price_day(&ward(Some(3))).fund_fen, 8_400); // 120 × 0.70
        assert_eq!(price_day(&ward(Some(2))).fund_fen, 7_500); // 100 × 0.75, the row for every tier
    }

    #[test]
    fn days_not_paid_say_why_in_this_order() {
        let p = policy("");
        let base = day(&p, 9_500);
        let cases = [
            (Day { died_on: Some(d("2026-10-05")), level: None, ..base.clone() }, LineRejection::Deceased),
            (Day { died_on: Some(d("2026-10-06")), ..base.clone() }, LineRejection::Deceased),
            (Day { level: None, hospitalised: true, ..base.clone() }, LineRejection::NotCertified),
            (Day { hospitalised: true, ..base.clone() }, LineRejection::Hospitalised),
            (Day { policy: None, ..base.clone() }, LineRejection::NoPolicy),
            (Day { level: Some(2), ..base.clone() }, LineRejection::NotEligible),
            (Day { mode: CareMode::HospitalWard, level: Some(3), ..base.clone() }, LineRejection::NotEligible),
        ];
        for (i, (case, code)) in cases.iter().enumerate() {
            let priced = price_day(case);
            if i == 1 {
                // Dying the next day: this day is still paid.
                assert_eq!((priced.rejection, priced.fund_fen), (None, 4_500));
                continue;
            }
            assert_eq!((priced.rejection, priced.fund_fen, priced.allowed_fen), (Some(*code), 0, 0), "case {i}");
            assert!(priced.explanation["steps"][0].is_string(), "case {i} explains itself");
        }
    }

    #[test]
    fn flat_rates_ignore_the_charge_and_monthly_caps_stop_the_fund() {
        let p = policy("");
        let mut doc = p.document.clone();
        doc.rates[3].basis = PaymentBasis::FlatPerDay;
        doc.rates[3].amount = Some("50.00".parse().expect("amount"));
        doc.rates[3].monthly_cap = Some("100.00".parse().expect("cap"));
        let flat = Policy { document: doc, ..p };
        let priced = price_day(&day(&flat, 1));
        assert_eq!((priced.allowed_fen, priced.fund_fen), (5_000, 3_750));
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut lines: Vec<(Uuid, Priced)> =
            [a, a, b, a, a].iter().map(|who| (*who, price_day(&day(&flat, 1)))).collect();
        apply_monthly_caps(&mut lines);
        let paid: Vec<(i64, Option<LineRejection>)> = lines.iter().map(|(_, p)| (p.fund_fen, p.rejection)).collect();
        assert_eq!(
            paid,
            vec![(3_750, None), (3_750, None), (3_750, None), (2_500, None), (0, Some(LineRejection::OverCap))]
        );
        assert!(lines[3].1.explanation["steps"].to_string().contains("monthly cap 100.00: 75.00 paid before this day"));
    }
}
