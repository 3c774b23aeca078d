//! Late corrections (补差 / 追回): an approved bill never changes, but the facts it was priced from
//! may (a death or a hospital stay reported late, a visit confirmed after review, a plan ended
//! earlier). The next bill the institution computes carries the difference, for every bill
//! approved in the twelve months before whose facts changed since it was last checked
//! ([`changes`]), as adjustment lines — priced under the policy versions that had been imported
//! when that bill was approved.

use ltci_shared::messages as m;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Months, NaiveDate, TimeDelta, Utc};
use ltci_shared::api::settlement::BillStatus;
use ltci_shared::money::to_yuan;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};
use uuid::Uuid;

use super::changes::{self, Changed};
use super::facts;
use super::packs::{self, Line};
use super::rows::{Explanation, Key, Row, rows_explained, rows_of};
use crate::care::stays::month_bounds;
use crate::entities::{bill, enum_to_db, institution};
use crate::http::error::ApiResult;

/// How far back approved bills are corrected.
pub const LOOKBACK_MONTHS: u32 = 12;

/// The adjustment rows for one approved bill: per line (by key) what the facts pay now less what
/// was settled — the bill's own line and the adjustments already carried by other bills. Where an
/// accepted dispute decided what a rejected line pays (`floors`), the facts count as paying at
/// least that. What the agency's audit deducted from a line (`deducted`) stays deducted: the line
/// settled its amount less the deduction, and pays now what the facts pay less it (never below 0).
/// An adjustment carries the explanation of the line as the facts price it now (`explanations`).
#[allow(clippy::too_many_arguments)]
pub fn deltas(
    bill_id: Uuid,
    month: &str,
    settled: &[(i32, Row)],
    deducted: &HashMap<Key, i64>,
    earlier: &HashMap<Key, i64>,
    now: &[Row],
    explanations: &HashMap<Key, Value>,
    floors: &HashMap<Key, i64>,
) -> Vec<Row> {
    let now_by_key: HashMap<Key, &Row> = now.iter().map(|r| (r.key(), r)).collect();
    let settled_keys: HashSet<Key> = settled.iter().map(|(_, r)| r.key()).collect();
    let mut out = Vec::new();
    let mut push = |line_no: Option<i32>, was: Option<&Row>, current: Option<&Row>| {
        let Some(basis) = current.or(was) else { return };
        let key = basis.key();
        let kept = if was.is_some() { deducted.get(&key).copied().unwrap_or(0) } else { 0 };
        let before = was.map_or(0, |r| r.fund_fen - kept) + earlier.get(&key).copied().unwrap_or(0);
        let facts_pay = current.map_or(0, |r| r.fund_fen);
        let decided = floors.get(&key).copied().filter(|f| *f > facts_pay);
        let after = (decided.unwrap_or(facts_pay) - kept).max(0);
        if after == before {
            return;
        }
        let why = match current.and_then(|r| r.rejection.as_deref()) {
            _ if decided.is_some() => m::word_dispute_accepted(to_yuan(after)),
            Some(code) => crate::entities::enum_from_db::<ltci_shared::api::settlement::LineRejection>(code)
                .map(|r| r.text())
                .unwrap_or_else(|_| m::verbatim(code)),
            None => m::word_paid(),
        };
        let step = match line_no {
            Some(n) => m::step_adjust_line(n, month, to_yuan(before), to_yuan(after), why, to_yuan(after - before)),
            None => m::step_adjust_new(month, to_yuan(after), to_yuan(after)),
        };
        let now_explanation = current.and_then(|r| explanations.get(&r.key())).cloned().unwrap_or_default();
        out.push(Row {
            claimed_fen: 0,
            allowed_fen: 0,
            fund_fen: after - before,
            rejection: None,
            explanation: Explanation::Written(
                json!({
                    "adjusts": {"bill_id": bill_id, "month": month, "line_no": line_no},
                    "settled": to_yuan(before).to_string(),
                    "now": to_yuan(after).to_string(),
                    "now_explanation": now_explanation,
                    "steps": [step.stored_value()],
                })
                .to_string(),
            ),
            adjusts_bill_id: Some(bill_id),
            adjusts_line_no: line_no,
            ..basis.clone()
        });
    };
    for (n, was) in settled {
        push(Some(*n), Some(was), now_by_key.get(&was.key()).copied());
    }
    for r in now.iter().filter(|r| !settled_keys.contains(&r.key())) {
        push(None, None, Some(r));
    }
    out
}

/// The bills a draft of the month starting `first` corrects (`this_bill` once it exists): each
/// bill approved or paid in the twelve months before whose facts changed since it was last checked
/// ([`changes`], with its `margin`), with what changed; and the institution's other bills that are
/// not drafts (they carry the adjustments made before).
pub async fn pending<C: ConnectionTrait>(
    db: &C,
    institution: &institution::Model,
    first: NaiveDate,
    this_bill: Option<Uuid>,
    margin: TimeDelta,
) -> ApiResult<(Vec<(bill::Model, Changed)>, Vec<Uuid>)> {
    let month_of = |d: NaiveDate| d.format("%Y-%m").to_string();
    let since = month_of(first.checked_sub_months(Months::new(LOOKBACK_MONTHS)).unwrap_or(first));
    let settled_statuses = [enum_to_db(&BillStatus::Approved), enum_to_db(&BillStatus::Paid)];
    let bills = bill::Entity::find()
        .filter(bill::Column::InstitutionId.eq(institution.id))
        .filter(bill::Column::Status.is_in(settled_statuses))
        .filter(bill::Column::Month.gte(since))
        .filter(bill::Column::Month.lt(month_of(first)))
        .order_by_asc(bill::Column::Month)
        .all(db)
        .await?;
    if bills.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    // Each was checked against the facts when it was submitted.
    let others: Vec<(Uuid, String, Option<DateTime<Utc>>)> = bill::Entity::find()
        .select_only()
        .columns([bill::Column::Id, bill::Column::Month, bill::Column::SubmittedAt])
        .filter(bill::Column::InstitutionId.eq(institution.id))
        .filter(bill::Column::Status.ne(enum_to_db(&BillStatus::Draft)))
        .into_tuple()
        .all(db)
        .await?;
    let others: Vec<_> = others.into_iter().filter(|(id, _, _)| Some(*id) != this_bill).collect();
    let checks: Vec<(&bill::Model, Option<DateTime<Utc>>)> =
        bills.iter().map(|b| (b, last_checked(b, &others))).collect();
    let mut changed = changes::since(db, institution, &checks, margin).await?;
    let bills = bills
        .into_iter()
        .filter_map(|b| match changed.remove(&b.id).unwrap_or(Changed::Month) {
            Changed::Nothing => None,
            c => Some((b, c)),
        })
        .collect();
    Ok((bills, others.into_iter().map(|(id, _, _)| id).collect()))
}

/// The adjustment rows for the institution's bill of the month starting `first` (`this_bill`
/// once it exists): every bill [`pending`] names, priced again — for the beneficiaries concerned
/// only, or the whole month.
pub async fn rows<C: ConnectionTrait>(
    db: &C,
    institution: &institution::Model,
    first: NaiveDate,
    this_bill: Option<Uuid>,
    margin: TimeDelta,
) -> ApiResult<Vec<Row>> {
    let (region_id, institution_id) = (institution.region_id, institution.id);
    let tier = institution.hospital_tier.and_then(|t| u8::try_from(t).ok());
    let (bills, carriers) = pending(db, institution, first, this_bill, margin).await?;
    if bills.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = bills.iter().map(|(b, _)| b.id).collect();
    let floors = super::disputes::decided_floors(db, &ids).await?;
    let carried = packs::of_bills(db, carriers, Some(true)).await?;
    let none = HashMap::new();
    let mut out = Vec::new();
    for (b, change) in bills {
        let Some(bounds) = month_bounds(&b.month) else { continue };
        let persons: Option<Vec<Uuid>> = match change {
            Changed::Persons(p) => Some(p.into_iter().collect()),
            _ => None,
        };
        let persons = persons.as_deref();
        let facts = facts::read(db, region_id, institution_id, tier, bounds, b.approved_at, persons).await?;
        let now = rows_of(&facts);
        // The bill's own lines (its runs that adjust nothing) of the beneficiaries concerned.
        let own: Vec<Line> = match persons {
            Some(p) => packs::of_bill_and_persons(db, b.id, p.iter().copied(), Some(false)).await?,
            None => packs::of_bills(db, [b.id], Some(false)).await?,
        };
        let concerned = |person: Uuid| persons.is_none_or(|p| p.binary_search(&person).is_ok());
        let settled: Vec<(i32, Row)> = own.iter().map(|l| (l.line_no, l.row.clone())).collect();
        let deducted: HashMap<Key, i64> =
            own.iter().filter(|l| l.mark.deducted_fen > 0).map(|l| (l.row.key(), l.mark.deducted_fen)).collect();
        let mut earlier: HashMap<Key, i64> = HashMap::new();
        for l in carried.iter().filter(|l| l.row.adjusts_bill_id == Some(b.id) && concerned(l.row.person_id)) {
            *earlier.entry(l.row.key()).or_insert(0) += l.row.fund_fen;
        }
        let floors = floors.get(&b.id).unwrap_or(&none);
        let unexplained = deltas(b.id, &b.month, &settled, &deducted, &earlier, &now, &HashMap::new(), floors);
        if unexplained.is_empty() {
            continue;
        }
        // Something changed: priced again with the explanations the adjustments carry.
        let (now, explanations): (Vec<Row>, Vec<Value>) = rows_explained(&facts, true).into_iter().unzip();
        let explanations: HashMap<Key, Value> = now.iter().map(Row::key).zip(explanations).collect();
        out.extend(deltas(b.id, &b.month, &settled, &deducted, &earlier, &now, &explanations, floors));
    }
    Ok(out)
}

/// When `b` was last checked against the facts: its own submission, or the latest submission
/// of a later bill of the institution that is not a draft (`others`) and whose twelve months
/// behind it include `b`'s.
fn last_checked(b: &bill::Model, others: &[(Uuid, String, Option<DateTime<Utc>>)]) -> Option<DateTime<Utc>> {
    let reach = month_bounds(&b.month)
        .and_then(|(first, _)| first.checked_add_months(Months::new(LOOKBACK_MONTHS)))
        .map(|d| d.format("%Y-%m").to_string())?;
    others
        .iter()
        .filter(|(_, month, _)| *month > b.month && *month <= reach)
        .filter_map(|(_, _, at)| *at)
        .chain(b.submitted_at)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(source_id: u128, day: u32, fund: i64, rejection: Option<&str>) -> Row {
        Row {
            person_id: Uuid::from_u128(9),
            care_mode: "institutional".into(),
            scheme: "resident".into(),
            level: Some(4),
            on: NaiveDate::from_ymd_opt(2026, 9, day).expect("day"),
            source: "stay".into(),
            source_id: Uuid::from_u128(source_id),
            item: None,
            times: None,
            policy_version_id: None,
            rule: Some("capped_per_day".into()),
            claimed_fen: 9_500,
            allowed_fen: 6_000,
            fund_fen: fund,
            rejection: rejection.map(Into::into),
            explanation: Explanation::Written("{}".into()),
            adjusts_bill_id: None,
            adjusts_line_no: None,
        }
    }

    #[test]
    fn what_the_facts_pay_now_less_what_was_settled() {
        let bill = Uuid::from_u128(1);
        let settled =
            vec![(1, row(7, 24, 4_500, None)), (2, row(7, 25, 4_500, None)), (3, row(7, 26, 0, Some("hospitalised")))];
        // A death reported on the 25th; the hospital stay turned out to end before the 26th; a
        // day found that was not billed.
        let now = vec![
            row(7, 24, 4_500, None),
            row(7, 25, 0, Some("deceased")),
            row(7, 26, 4_500, None),
            row(8, 27, 1_000, None),
        ];
        let none = HashMap::new();
        let out = deltas(bill, "2026-09", &settled, &none, &none, &now, &HashMap::new(), &none);
        let got: Vec<(u32, i64, Option<i32>)> =
            out.iter().map(|r| (chrono::Datelike::day(&r.on), r.fund_fen, r.adjusts_line_no)).collect();
        assert_eq!(got, [(25, -4_500, Some(2)), (26, 4_500, Some(3)), (27, 1_000, None)]);
        assert!(out.iter().all(|r| r.adjusts_bill_id == Some(bill) && r.claimed_fen == 0 && r.rejection.is_none()));
        let Explanation::Written(written) = &out[0].explanation else { panic!("written out") };
        let mut explanation: Value = serde_json::from_str(written).expect("json");
        ltci_shared::text::render_stored_in(&mut explanation, ltci_shared::text::Lang::English);
        assert!(
            explanation["steps"][0].as_str().is_some_and(
                |s| s == "line 2 of 2026-09 settled 45.00; the facts pay 0.00 now (deceased): adjustment -45.00"
            ),
            "{explanation}"
        );

        // Once another bill carries them, nothing is adjusted twice.
        let earlier: HashMap<Key, i64> = out.iter().map(|r| (r.key(), r.fund_fen)).collect();
        assert!(deltas(bill, "2026-09", &settled, &none, &earlier, &now, &HashMap::new(), &none).is_empty());
    }

    #[test]
    fn a_deduction_stays_deducted() {
        let bill = Uuid::from_u128(1);
        let settled = vec![(1, row(7, 24, 4_500, None)), (2, row(7, 25, 4_500, None)), (3, row(7, 26, 4_500, None))];
        // Day 24 deducted 1,500 and still paid by the facts; day 25 deducted 1,500 and now refused;
        // day 26 deducted in full and now refused.
        let deducted: HashMap<Key, i64> =
            [(settled[0].1.key(), 1_500), (settled[1].1.key(), 1_500), (settled[2].1.key(), 4_500)].into();
        let now = vec![
            row(7, 24, 4_500, None),
            row(7, 25, 0, Some("finding_confirmed")),
            row(7, 26, 0, Some("finding_confirmed")),
        ];
        let none = HashMap::new();
        let out = deltas(bill, "2026-09", &settled, &deducted, &none, &now, &HashMap::new(), &none);
        let got: Vec<(u32, i64)> = out.iter().map(|r| (chrono::Datelike::day(&r.on), r.fund_fen)).collect();
        assert_eq!(got, [(25, -3_000)], "what was paid is recovered, not what was deducted");
    }

    #[test]
    fn a_bill_is_last_checked_by_the_latest_submission_that_reached_back_to_it() {
        let at = |h: u32| NaiveDate::from_ymd_opt(2026, 3, 1).and_then(|d| d.and_hms_opt(h, 0, 0)).map(|t| t.and_utc());
        let b = bill::Model {
            id: Uuid::from_u128(1),
            region_id: Uuid::nil(),
            institution_id: Uuid::nil(),
            month: "2026-01".into(),
            status: enum_to_db(&BillStatus::Approved),
            line_count: 0,
            rejected_lines: 0,
            claimed_fen: 0,
            fund_fen: 0,
            withheld_fen: None,
            computed_by: Uuid::nil(),
            computed_at: at(0).expect("time"),
            submitted_by: None,
            submitted_at: at(1),
            return_reason: None,
            approved_by: None,
            approved_at: at(2),
            approval_entry_id: None,
            paid_by: None,
            paid_on: None,
            payment_entry_id: None,
            bank_reference: None,
            version: 1,
        };
        let other = |n: u128, month: &str, h: Option<u32>| (Uuid::from_u128(n), month.to_owned(), h.and_then(at));
        // Its own submission when no later bill was submitted.
        assert_eq!(last_checked(&b, &[]), at(1));
        // A later month's submission twelve months on reaches back to it; an earlier month's or one
        // thirteen months on does not.
        let others = [
            other(2, "2026-02", Some(3)),
            other(3, "2027-01", Some(5)),
            other(4, "2027-02", Some(9)),
            other(5, "2025-12", Some(8)),
            other(6, "2026-06", None),
        ];
        assert_eq!(last_checked(&b, &others), at(5));
        assert_eq!(last_checked(&bill::Model { submitted_at: None, ..b.clone() }, &others[3..]), None);
    }
}
