//! A bill line as the bill stores it, without its number: what a computation produces, what a
//! draft holds, and how the two are compared when a draft is submitted.

use chrono::NaiveDate;
use uuid::Uuid;

use super::facts::{Facts, Source};
use super::pricing::{Claim, Policy, What, price_month, week_of};
use crate::entities::{enum_from_db, enum_to_db};
use serde_json::Value;
use std::collections::HashMap;

/// The stored content of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub person_id: Uuid,
    pub care_mode: String,
    pub scheme: String,
    pub level: Option<i32>,
    pub on: NaiveDate,
    pub source: String,
    pub source_id: Uuid,
    pub item: Option<String>,
    pub times: Option<i32>,
    pub policy_version_id: Option<Uuid>,
    pub rule: Option<String>,
    pub claimed_fen: i64,
    pub allowed_fen: i64,
    pub fund_fen: i64,
    pub rejection: Option<String>,
    pub explanation: Explanation,
    pub adjusts_bill_id: Option<Uuid>,
    pub adjusts_line_no: Option<i32>,
}

/// How a line explains itself (计算说明).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explanation {
    /// Priced from the facts: the facts of its day not otherwise on the line, from which the
    /// pricing explains it again on read, under its policy version (`packs::explained`).
    Facts(Inputs),
    /// Written out (JSON): adjustments, refunds, and the lines stored before lines were packed.
    Written(String),
}

/// The facts a line was priced from beyond its own columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// The hospital's tier, for a hospital ward.
    pub tier: Option<u8>,
    pub hospitalised: bool,
    pub died_on: Option<NaiveDate>,
    /// A confirmed monitoring finding refused the service.
    pub refused_by_finding: bool,
    /// For a visit item: the visit was verified, or which finding blocks the item.
    pub verified: bool,
    pub blocked_by: Option<String>,
    /// For a visit item: how many were delivered in its week before the month.
    pub prior: Option<u32>,
}

/// What identifies the care a line bills across computations: source, its id, day and item.
pub type Key = (String, Uuid, NaiveDate, Option<String>);

impl Row {
    pub fn key(&self) -> Key {
        (self.source.clone(), self.source_id, self.on, self.item.clone())
    }

    /// The facts the line was priced from, under `policy` (its version), for pricing it again:
    /// `None` for a line whose explanation is written out.
    pub fn claim<'a>(&self, policy: Option<&'a Policy>) -> Option<Claim<'a>> {
        let Explanation::Facts(i) = &self.explanation else { return None };
        let source = self.source.as_str();
        let what = match &self.item {
            _ if source == Source::Stay.code() => What::BedDay { charged_fen: self.claimed_fen },
            Some(code) if source == Source::Visit.code() => What::VisitItem {
                code: code.clone(),
                times: self.times.and_then(|t| u32::try_from(t).ok()).unwrap_or(0),
                verified: i.verified,
                blocked_by: i.blocked_by.clone(),
            },
            _ if source == Source::FamilyCare.code() => What::FamilyCareDay,
            _ => return None,
        };
        Some(Claim {
            person: self.person_id,
            on: self.on,
            mode: enum_from_db(&self.care_mode).ok()?,
            scheme: enum_from_db(&self.scheme).ok()?,
            tier: i.tier,
            level: self.level.and_then(|l| u8::try_from(l).ok()),
            hospitalised: i.hospitalised,
            died_on: i.died_on,
            refused_by_finding: i.refused_by_finding,
            policy,
            what,
        })
    }
}

/// The month's lines priced, in the bill's order.
pub fn rows_of(facts: &Facts) -> Vec<Row> {
    rows_explained(facts, false).into_iter().map(|(row, _)| row).collect()
}

/// The month's lines priced, in the bill's order, each with its explanation (stored form) if
/// `explain`.
pub fn rows_explained(facts: &Facts, explain: bool) -> Vec<(Row, Value)> {
    let claims: Vec<Claim<'_>> = facts.lines.iter().map(|l| facts.claim(l)).collect();
    let priced = price_month(&claims, &facts.prior, explain);
    facts
        .lines
        .iter()
        .zip(claims.iter())
        .zip(priced)
        .map(|((l, c), p)| {
            (
                Row {
                    person_id: l.person_id,
                    care_mode: enum_to_db(&l.mode),
                    scheme: enum_to_db(&facts.scheme(l.person_id)),
                    level: facts.level(l).map(i32::from),
                    on: l.on,
                    source: l.source.code().into(),
                    source_id: l.source_id,
                    item: l.item().map(|(code, _)| code.to_string()),
                    times: l.item().map(|(_, times)| i32::try_from(times).unwrap_or(i32::MAX)),
                    policy_version_id: p.policy_version_id,
                    rule: p.rule.map(|r| enum_to_db(&r)),
                    claimed_fen: p.claimed_fen,
                    allowed_fen: p.allowed_fen,
                    fund_fen: p.fund_fen,
                    rejection: p.rejection.map(|r| enum_to_db(&r)),
                    explanation: Explanation::Facts(Inputs {
                        tier: c.tier,
                        hospitalised: c.hospitalised,
                        died_on: c.died_on,
                        refused_by_finding: c.refused_by_finding,
                        verified: matches!(c.what, What::VisitItem { verified: true, .. }),
                        blocked_by: match &c.what {
                            What::VisitItem { blocked_by, .. } => blocked_by.clone(),
                            _ => None,
                        },
                        prior: l.item().and_then(|(code, _)| {
                            facts.prior.get(&(l.person_id, code.to_string(), week_of(l.on))).copied()
                        }),
                    }),
                    adjusts_bill_id: None,
                    adjusts_line_no: None,
                },
                p.explanation,
            )
        })
        .collect()
}

/// The explanations (stored form) of lines priced from their facts, priced again under their
/// policy versions (`policies`, by id): the steps they had when their bill was computed. `rows`
/// holds, in bill order, every line of the beneficiaries concerned in one bill; a line written
/// out answers `None`.
pub fn explain(rows: &[&Row], policies: &HashMap<Uuid, Policy>) -> Vec<Option<Value>> {
    let mut prior = HashMap::new();
    let mut claims = Vec::new();
    let mut at = Vec::with_capacity(rows.len());
    for r in rows {
        let policy = r.policy_version_id.and_then(|id| policies.get(&id));
        match r.claim(policy) {
            Some(c) => {
                if let (Explanation::Facts(Inputs { prior: Some(n), .. }), Some(code)) = (&r.explanation, &r.item) {
                    prior.insert((r.person_id, code.clone(), week_of(r.on)), *n);
                }
                at.push(Some(claims.len()));
                claims.push(c);
            }
            None => at.push(None),
        }
    }
    let mut priced: Vec<Option<Value>> =
        price_month(&claims, &prior, true).into_iter().map(|p| Some(p.explanation)).collect();
    at.into_iter().map(|i| i.and_then(|i| priced[i].take())).collect()
}
