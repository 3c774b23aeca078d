//! A bill line as the bill stores it, without its id: what a computation produces, what a draft
//! holds, and how the two are compared when a draft is submitted.

use chrono::NaiveDate;
use sea_orm::Set;
use uuid::Uuid;

use super::facts::Facts;
use super::pricing::{Claim, price_month};
use crate::entities::{bill_line, enum_to_db};

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
    pub explanation: String,
    pub adjusts_bill_id: Option<Uuid>,
    pub adjusts_line_no: Option<i32>,
}

/// What identifies the care a line bills across computations: source, its id, day and item.
pub type Key = (String, Uuid, NaiveDate, Option<String>);

impl Row {
    pub fn key(&self) -> Key {
        (self.source.clone(), self.source_id, self.on, self.item.clone())
    }

    pub fn of_model(m: &bill_line::Model) -> Row {
        Row {
            person_id: m.insured_person_id,
            care_mode: m.care_mode.clone(),
            scheme: m.scheme.clone(),
            level: m.level,
            on: m.service_on,
            source: m.source.clone(),
            source_id: m.source_id,
            item: m.item.clone(),
            times: m.times,
            policy_version_id: m.policy_version_id,
            rule: m.rule.clone(),
            claimed_fen: m.claimed_fen,
            allowed_fen: m.allowed_fen,
            fund_fen: m.fund_fen,
            rejection: m.rejection.clone(),
            explanation: m.explanation.clone(),
            adjusts_bill_id: m.adjusts_bill_id,
            adjusts_line_no: m.adjusts_line_no,
        }
    }

    /// The row as line `line_no` of `bill_id`, not deducted, not sampled.
    pub fn into_active(self, bill_id: Uuid, line_no: i32) -> bill_line::ActiveModel {
        bill_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            bill_id: Set(bill_id),
            line_no: Set(line_no),
            insured_person_id: Set(self.person_id),
            care_mode: Set(self.care_mode),
            scheme: Set(self.scheme),
            level: Set(self.level),
            service_on: Set(self.on),
            source: Set(self.source),
            source_id: Set(self.source_id),
            item: Set(self.item),
            times: Set(self.times),
            policy_version_id: Set(self.policy_version_id),
            rule: Set(self.rule),
            claimed_fen: Set(self.claimed_fen),
            allowed_fen: Set(self.allowed_fen),
            fund_fen: Set(self.fund_fen),
            rejection: Set(self.rejection),
            deducted_fen: Set(0),
            deduction_reason: Set(None),
            sampled: Set(false),
            adjusts_bill_id: Set(self.adjusts_bill_id),
            adjusts_line_no: Set(self.adjusts_line_no),
            explanation: Set(self.explanation),
        }
    }
}

/// The month's lines priced, in the bill's order.
pub fn rows_of(facts: &Facts) -> Vec<Row> {
    let claims: Vec<Claim<'_>> = facts.lines.iter().map(|l| facts.claim(l)).collect();
    let priced = price_month(&claims, &facts.prior);
    facts
        .lines
        .iter()
        .zip(priced)
        .map(|(l, p)| Row {
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
            explanation: p.explanation.to_string(),
            adjusts_bill_id: None,
            adjusts_line_no: None,
        })
        .collect()
}
