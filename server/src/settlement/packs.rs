//! Bill lines packed (明细压缩): a bill's lines stored as runs of one beneficiary, care mode and
//! scheme — one row of `bill_line_packs` per run, its lines encoded together (postcard: integers
//! of variable length, the run's texts and ids written once, days counted from the run's first)
//! and their sums beside them for the database to add up. A line priced from the facts keeps
//! those facts, not its explanation: [`explained`] prices it again on read. The lines carried
//! over from before packing are read from their written (JSON) form.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::pricing::Policy;
use super::rows::{Explanation, Inputs, Row};
use crate::entities::{bill_line_pack as pack, policy_version as pv};
use crate::http::error::{ApiError, ApiResult};

/// A line of a bill as read: its number, what was priced, and the audit's marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub bill_id: Uuid,
    pub line_no: i32,
    pub row: Row,
    pub mark: Mark,
}

/// What the agency's audit marked on a line: a deduction with its reason (审核扣款), drawn for
/// manual review.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mark {
    pub deducted_fen: i64,
    pub deduction_reason: Option<String>,
    pub sampled: bool,
}

/// The first byte of a pack written by this module; a pack carried over from before packing
/// starts with `[` (a JSON array).
const FORMAT: u8 = 1;

/// Packs per insert statement (13 parameters each).
const CHUNK: usize = 1000;

/// A run's lines as encoded.
#[derive(Serialize, Deserialize)]
struct Packed {
    /// The run's first day, in days from the common era; lines count their days from it.
    base: i32,
    texts: Vec<String>,
    ids: Vec<Uuid>,
    lines: Vec<Packed1>,
}

/// One line: texts and ids as indexes into the run's.
#[derive(Serialize, Deserialize)]
struct Packed1 {
    day: i32,
    level: Option<i32>,
    source: u32,
    source_id: u32,
    item: Option<u32>,
    times: Option<i32>,
    policy: Option<u32>,
    rule: Option<u32>,
    claimed: i64,
    allowed: i64,
    fund: i64,
    rejection: Option<u32>,
    deducted: i64,
    reason: Option<u32>,
    sampled: bool,
    adjusts_bill: Option<u32>,
    adjusts_line: Option<i32>,
    how: How,
}

/// How the line explains itself, encoded.
#[derive(Serialize, Deserialize)]
enum How {
    Facts {
        tier: Option<u8>,
        hospitalised: bool,
        died_on: Option<i32>,
        refused: bool,
        verified: bool,
        blocked_by: Option<u32>,
        prior: Option<u32>,
    },
    Written(String),
}

/// A line carried over from before packing (the migration's JSON).
#[derive(Deserialize)]
struct Carried {
    service_on: NaiveDate,
    level: Option<i32>,
    source: String,
    source_id: String,
    item: Option<String>,
    times: Option<i32>,
    policy_version_id: Option<String>,
    rule: Option<String>,
    claimed_fen: i64,
    allowed_fen: i64,
    fund_fen: i64,
    rejection: Option<String>,
    deducted_fen: i64,
    deduction_reason: Option<String>,
    sampled: bool,
    adjusts_bill_id: Option<String>,
    adjusts_line_no: Option<i32>,
    explanation: String,
}

/// Texts and ids of a run, each written once.
#[derive(Default)]
struct Interned {
    texts: Vec<String>,
    text_at: HashMap<String, u32>,
    ids: Vec<Uuid>,
    id_at: HashMap<Uuid, u32>,
}

impl Interned {
    fn text(&mut self, t: &str) -> u32 {
        if let Some(i) = self.text_at.get(t) {
            return *i;
        }
        let i = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        self.texts.push(t.to_owned());
        self.text_at.insert(t.to_owned(), i);
        i
    }

    fn id(&mut self, id: Uuid) -> u32 {
        *self.id_at.entry(id).or_insert_with(|| {
            self.ids.push(id);
            u32::try_from(self.ids.len() - 1).unwrap_or(u32::MAX)
        })
    }
}

fn days(on: NaiveDate) -> i32 {
    on.num_days_from_ce()
}

fn day(n: i32) -> ApiResult<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(n).ok_or_else(|| corrupt("a day out of range"))
}

fn corrupt(what: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("a bill line pack is unreadable: {what}"))
}

/// The run `lines` (consecutive, of one beneficiary, care mode and scheme, all adjustments or
/// none) as one pack of `bill_id`.
fn pack_of(bill_id: Uuid, lines: &[Line]) -> ApiResult<pack::Model> {
    let first = &lines[0];
    let base = days(first.row.on);
    let mut i = Interned::default();
    let mut packed = Vec::with_capacity(lines.len());
    for l in lines {
        let r = &l.row;
        let how = match &r.explanation {
            Explanation::Facts(x) => How::Facts {
                tier: x.tier,
                hospitalised: x.hospitalised,
                died_on: x.died_on.map(days),
                refused: x.refused_by_finding,
                verified: x.verified,
                blocked_by: x.blocked_by.as_deref().map(|b| i.text(b)),
                prior: x.prior,
            },
            Explanation::Written(text) => How::Written(text.clone()),
        };
        packed.push(Packed1 {
            day: days(r.on) - base,
            level: r.level,
            source: i.text(&r.source),
            source_id: i.id(r.source_id),
            item: r.item.as_deref().map(|t| i.text(t)),
            times: r.times,
            policy: r.policy_version_id.map(|id| i.id(id)),
            rule: r.rule.as_deref().map(|t| i.text(t)),
            claimed: r.claimed_fen,
            allowed: r.allowed_fen,
            fund: r.fund_fen,
            rejection: r.rejection.as_deref().map(|t| i.text(t)),
            deducted: l.mark.deducted_fen,
            reason: l.mark.deduction_reason.as_deref().map(|t| i.text(t)),
            sampled: l.mark.sampled,
            adjusts_bill: r.adjusts_bill_id.map(|id| i.id(id)),
            adjusts_line: r.adjusts_line_no,
            how,
        });
    }
    let mut bytes = vec![FORMAT];
    let body = Packed { base, texts: i.texts, ids: i.ids, lines: packed };
    bytes.extend(postcard::to_stdvec(&body).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?);
    let sum = |f: fn(&Line) -> i64| lines.iter().map(f).sum::<i64>();
    Ok(pack::Model {
        bill_id,
        first_line_no: first.line_no,
        line_count: i32::try_from(lines.len()).unwrap_or(i32::MAX),
        insured_person_id: first.row.person_id,
        care_mode: first.row.care_mode.clone(),
        scheme: first.row.scheme.clone(),
        adjustments: first.row.adjusts_bill_id.is_some(),
        claimed_fen: sum(|l| l.row.claimed_fen),
        allowed_fen: sum(|l| l.row.allowed_fen),
        fund_fen: sum(|l| l.row.fund_fen),
        deducted_fen: sum(|l| l.mark.deducted_fen),
        rejected_lines: i32::try_from(lines.iter().filter(|l| l.row.rejection.is_some()).count()).unwrap_or(0),
        lines: bytes,
    })
}

/// The lines of a bill, in order, as packs: one per run of one beneficiary, care mode and
/// scheme, adjustments apart.
fn packs_of(bill_id: Uuid, lines: &[Line]) -> ApiResult<Vec<pack::Model>> {
    fn run(l: &Line) -> (Uuid, &str, &str, bool) {
        (l.row.person_id, &l.row.care_mode, &l.row.scheme, l.row.adjusts_bill_id.is_some())
    }
    lines.chunk_by(|a, b| run(a) == run(b) && b.line_no == a.line_no + 1).map(|lines| pack_of(bill_id, lines)).collect()
}

/// The lines of one pack, in order.
pub fn lines_of(p: &pack::Model) -> ApiResult<Vec<Line>> {
    let line_no = |k: usize| p.first_line_no + i32::try_from(k).unwrap_or(i32::MAX);
    match p.lines.first() {
        Some(&FORMAT) => {}
        Some(b'[') => return carried(p),
        _ => return Err(corrupt("unknown format")),
    }
    let body: Packed = postcard::from_bytes(&p.lines[1..]).map_err(|e| corrupt(&e.to_string()))?;
    let text = |k: u32| body.texts.get(k as usize).cloned().ok_or_else(|| corrupt("a text out of range"));
    let id = |k: u32| body.ids.get(k as usize).copied().ok_or_else(|| corrupt("an id out of range"));
    let mut out = Vec::with_capacity(body.lines.len());
    for (k, l) in body.lines.into_iter().enumerate() {
        let explanation = match l.how {
            How::Facts { tier, hospitalised, died_on, refused, verified, blocked_by, prior } => {
                Explanation::Facts(Inputs {
                    tier,
                    hospitalised,
                    died_on: died_on.map(day).transpose()?,
                    refused_by_finding: refused,
                    verified,
                    blocked_by: blocked_by.map(text).transpose()?,
                    prior,
                })
            }
            How::Written(t) => Explanation::Written(t),
        };
        out.push(Line {
            bill_id: p.bill_id,
            line_no: line_no(k),
            row: Row {
                person_id: p.insured_person_id,
                care_mode: p.care_mode.clone(),
                scheme: p.scheme.clone(),
                level: l.level,
                on: day(body.base + l.day)?,
                source: text(l.source)?,
                source_id: id(l.source_id)?,
                item: l.item.map(text).transpose()?,
                times: l.times,
                policy_version_id: l.policy.map(id).transpose()?,
                rule: l.rule.map(text).transpose()?,
                claimed_fen: l.claimed,
                allowed_fen: l.allowed,
                fund_fen: l.fund,
                rejection: l.rejection.map(text).transpose()?,
                explanation,
                adjusts_bill_id: l.adjusts_bill.map(id).transpose()?,
                adjusts_line_no: l.adjusts_line,
            },
            mark: Mark {
                deducted_fen: l.deducted,
                deduction_reason: l.reason.map(text).transpose()?,
                sampled: l.sampled,
            },
        });
    }
    Ok(out)
}

/// The lines of a pack carried over from before packing.
fn carried(p: &pack::Model) -> ApiResult<Vec<Line>> {
    let lines: Vec<Carried> = serde_json::from_slice(&p.lines).map_err(|e| corrupt(&e.to_string()))?;
    let id = |s: &str| Uuid::parse_str(s).map_err(|e| corrupt(&e.to_string()));
    let opt_id = |s: Option<String>| s.as_deref().map(id).transpose();
    lines
        .into_iter()
        .enumerate()
        .map(|(k, c)| {
            Ok(Line {
                bill_id: p.bill_id,
                line_no: p.first_line_no + i32::try_from(k).unwrap_or(i32::MAX),
                row: Row {
                    person_id: p.insured_person_id,
                    care_mode: p.care_mode.clone(),
                    scheme: p.scheme.clone(),
                    level: c.level,
                    on: c.service_on,
                    source: c.source,
                    source_id: id(&c.source_id)?,
                    item: c.item,
                    times: c.times,
                    policy_version_id: opt_id(c.policy_version_id)?,
                    rule: c.rule,
                    claimed_fen: c.claimed_fen,
                    allowed_fen: c.allowed_fen,
                    fund_fen: c.fund_fen,
                    rejection: c.rejection,
                    explanation: Explanation::Written(c.explanation),
                    adjusts_bill_id: opt_id(c.adjusts_bill_id)?,
                    adjusts_line_no: c.adjusts_line_no,
                },
                mark: Mark { deducted_fen: c.deducted_fen, deduction_reason: c.deduction_reason, sampled: c.sampled },
            })
        })
        .collect()
}

/// Writes `rows` as lines 1, 2, … of `bill_id`, not deducted, not sampled.
pub async fn write<C: ConnectionTrait>(db: &C, bill_id: Uuid, rows: Vec<Row>) -> ApiResult<()> {
    let lines: Vec<Line> = rows
        .into_iter()
        .enumerate()
        .map(|(k, row)| Line { bill_id, line_no: i32::try_from(k + 1).unwrap_or(i32::MAX), row, mark: Mark::default() })
        .collect();
    for chunk in packs_of(bill_id, &lines)?.chunks(CHUNK) {
        let models: Vec<pack::ActiveModel> = chunk.iter().cloned().map(Into::into).collect();
        pack::Entity::insert_many(models).exec(db).await?;
    }
    Ok(())
}

/// Deletes a bill's lines (a draft computed again).
pub async fn delete<C: ConnectionTrait>(db: &C, bill_id: Uuid) -> ApiResult<()> {
    pack::Entity::delete_many().filter(pack::Column::BillId.eq(bill_id)).exec(db).await?;
    Ok(())
}

/// The lines of the packs `q` selects, in bill and line order.
async fn read<C: ConnectionTrait>(db: &C, q: Select<pack::Entity>) -> ApiResult<Vec<Line>> {
    let packs = q.order_by_asc(pack::Column::BillId).order_by_asc(pack::Column::FirstLineNo).all(db).await?;
    let mut out = Vec::new();
    for p in &packs {
        out.extend(lines_of(p)?);
    }
    Ok(out)
}

/// A bill's lines, in order.
pub async fn of_bill<C: ConnectionTrait>(db: &C, bill_id: Uuid) -> ApiResult<Vec<Line>> {
    read(db, pack::Entity::find().filter(pack::Column::BillId.eq(bill_id))).await
}

/// The lines of `bills` (a bill's lines in order): only adjustments, or none of them, if
/// `adjustments` says so.
pub async fn of_bills<C: ConnectionTrait>(
    db: &C,
    bills: impl IntoIterator<Item = Uuid>,
    adjustments: Option<bool>,
) -> ApiResult<Vec<Line>> {
    let mut q = pack::Entity::find().filter(pack::Column::BillId.is_in(bills));
    if let Some(a) = adjustments {
        q = q.filter(pack::Column::Adjustments.eq(a));
    }
    read(db, q).await
}

/// A bill's lines of the given beneficiaries, in order: only its own lines or only its
/// adjustments when `adjustments` says which.
pub async fn of_bill_and_persons<C: ConnectionTrait>(
    db: &C,
    bill_id: Uuid,
    persons: impl IntoIterator<Item = Uuid>,
    adjustments: Option<bool>,
) -> ApiResult<Vec<Line>> {
    let mut q = pack::Entity::find()
        .filter(pack::Column::BillId.eq(bill_id))
        .filter(pack::Column::InsuredPersonId.is_in(persons));
    if let Some(a) = adjustments {
        q = q.filter(pack::Column::Adjustments.eq(a));
    }
    read(db, q).await
}

/// A beneficiary's lines on the bills `readable` selects (their ids).
pub async fn of_person<C: ConnectionTrait>(
    db: &C,
    person_id: Uuid,
    readable: sea_orm::sea_query::SelectStatement,
) -> ApiResult<Vec<Line>> {
    let q = pack::Entity::find()
        .filter(pack::Column::InsuredPersonId.eq(person_id))
        .filter(pack::Column::BillId.in_subquery(readable));
    read(db, q).await
}

/// The pack holding line `line_no` of a bill, locked for an update if `lock`.
async fn pack_with<C: ConnectionTrait>(
    db: &C,
    bill_id: Uuid,
    line_no: i32,
    lock: bool,
) -> ApiResult<Option<pack::Model>> {
    let mut q = pack::Entity::find()
        .filter(pack::Column::BillId.eq(bill_id))
        .filter(pack::Column::FirstLineNo.lte(line_no))
        .order_by_desc(pack::Column::FirstLineNo)
        .limit(1);
    if lock {
        q = q.lock(LockType::Update);
    }
    Ok(q.one(db).await?.filter(|p| line_no < p.first_line_no + p.line_count))
}

/// Line `line_no` of a bill, if it has one.
pub async fn line<C: ConnectionTrait>(db: &C, bill_id: Uuid, line_no: u32) -> ApiResult<Option<Line>> {
    let Ok(n) = i32::try_from(line_no) else { return Ok(None) };
    let Some(p) = pack_with(db, bill_id, n, false).await? else { return Ok(None) };
    Ok(lines_of(&p)?.into_iter().find(|l| l.line_no == n))
}

/// A change of the audit's marks of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marking {
    /// Drawn for manual review.
    Sampled,
    /// The deduction set (`0` and no reason take it back).
    Deduction { fen: i64, reason: Option<String> },
}

impl Marking {
    /// `mark` changed.
    pub fn applied(&self, mut mark: Mark) -> Mark {
        match self {
            Marking::Sampled => mark.sampled = true,
            Marking::Deduction { fen, reason } => {
                mark.deducted_fen = *fen;
                mark.deduction_reason = reason.clone();
            }
        }
        mark
    }
}

/// Changes the audit's marks of lines of a bill (by number), applied to each line as its pack is
/// read under a lock and written back. A number the bill does not have is skipped.
pub async fn mark<C: ConnectionTrait>(db: &C, bill_id: Uuid, marks: &BTreeMap<i32, Marking>) -> ApiResult<()> {
    let packs: Vec<pack::Model> = if marks.len() == 1 {
        let (n, _) = marks.iter().next().expect("one mark");
        pack_with(db, bill_id, *n, true).await?.into_iter().collect()
    } else {
        pack::Entity::find()
            .filter(pack::Column::BillId.eq(bill_id))
            .order_by_asc(pack::Column::FirstLineNo)
            .lock(LockType::Update)
            .all(db)
            .await?
    };
    for p in packs {
        let mut lines = lines_of(&p)?;
        let mut changed = false;
        for l in &mut lines {
            if let Some(m) = marks.get(&l.line_no) {
                let next = m.applied(l.mark.clone());
                changed |= next != l.mark;
                l.mark = next;
            }
        }
        if changed {
            rewrite(db, &p, &lines).await?;
        }
    }
    Ok(())
}

/// Takes back every mark of a bill's lines (a bill returned: audited afresh).
pub async fn clear_marks<C: ConnectionTrait>(db: &C, bill_id: Uuid) -> ApiResult<()> {
    let packs = pack::Entity::find().filter(pack::Column::BillId.eq(bill_id)).lock(LockType::Update).all(db).await?;
    for p in packs {
        let mut lines = lines_of(&p)?;
        if lines.iter().all(|l| l.mark == Mark::default()) {
            continue;
        }
        for l in &mut lines {
            l.mark = Mark::default();
        }
        rewrite(db, &p, &lines).await?;
    }
    Ok(())
}

/// Writes a pack's lines back with their marks changed.
async fn rewrite<C: ConnectionTrait>(db: &C, p: &pack::Model, lines: &[Line]) -> ApiResult<()> {
    let new = pack_of(p.bill_id, lines)?;
    pack::Entity::update_many()
        .col_expr(pack::Column::Lines, Expr::value(new.lines))
        .col_expr(pack::Column::DeductedFen, Expr::value(new.deducted_fen))
        .filter(pack::Column::BillId.eq(p.bill_id))
        .filter(pack::Column::FirstLineNo.eq(p.first_line_no))
        .exec(db)
        .await?;
    Ok(())
}

/// The lines with their explanations (stored form): a line priced from the facts priced again,
/// with every line of its beneficiary on its bill, under its policy version; a line written out
/// read.
pub async fn explained<C: ConnectionTrait>(db: &C, lines: Vec<Line>) -> ApiResult<Vec<(Line, Value)>> {
    // Every line of the beneficiaries concerned, per bill, and the versions they were priced under.
    let mut wanted: BTreeMap<Uuid, HashSet<Uuid>> = BTreeMap::new();
    for l in lines.iter().filter(|l| matches!(l.row.explanation, Explanation::Facts(_))) {
        wanted.entry(l.bill_id).or_default().insert(l.row.person_id);
    }
    let mut context: Vec<Line> = Vec::new();
    for (bill_id, persons) in wanted {
        let q = pack::Entity::find()
            .filter(pack::Column::BillId.eq(bill_id))
            .filter(pack::Column::InsuredPersonId.is_in(persons))
            .filter(pack::Column::Adjustments.eq(false));
        context.extend(read(db, q).await?);
    }
    let versions: HashSet<Uuid> = context.iter().filter_map(|l| l.row.policy_version_id).collect();
    let mut policies = HashMap::new();
    for v in pv::Entity::find().filter(pv::Column::Id.is_in(versions)).all(db).await? {
        let document = crate::policy::service::document_of(&v)?;
        policies.insert(v.id, Policy { id: v.id, version: v.version, document });
    }
    let mut by_line: HashMap<(Uuid, i32), Value> = HashMap::new();
    for bill in context.chunk_by(|a, b| a.bill_id == b.bill_id) {
        let rows: Vec<&Row> = bill.iter().map(|l| &l.row).collect();
        for (l, x) in bill.iter().zip(super::rows::explain(&rows, &policies)) {
            if let Some(x) = x {
                by_line.insert((l.bill_id, l.line_no), x);
            }
        }
    }
    lines
        .into_iter()
        .map(|l| {
            let x = match &l.row.explanation {
                Explanation::Written(text) => {
                    serde_json::from_str(text).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?
                }
                Explanation::Facts(_) => by_line.remove(&(l.bill_id, l.line_no)).unwrap_or(Value::Null),
            };
            Ok((l, x))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(person: u128, day: u32, mode: &str) -> Row {
        Row {
            person_id: Uuid::from_u128(person),
            care_mode: mode.into(),
            scheme: "resident".into(),
            level: Some(4),
            on: NaiveDate::from_ymd_opt(2026, 9, day).expect("day"),
            source: "visit".into(),
            source_id: Uuid::from_u128(77),
            item: Some("H01".into()),
            times: Some(2),
            policy_version_id: Some(Uuid::from_u128(5)),
            rule: Some("per_item".into()),
            claimed_fen: 9_500,
            allowed_fen: 6_000,
            fund_fen: 4_200,
            rejection: (day == 3).then(|| "over_frequency".into()),
            explanation: Explanation::Facts(Inputs {
                verified: true,
                prior: (day == 1).then_some(3),
                died_on: NaiveDate::from_ymd_opt(2026, 9, 20),
                ..Inputs::default()
            }),
            adjusts_bill_id: None,
            adjusts_line_no: None,
        }
    }

    #[test]
    fn a_bills_lines_pack_by_beneficiary_and_mode_and_read_back_the_same() {
        let bill = Uuid::from_u128(1);
        let mut rows: Vec<Row> = (1..=30).map(|d| row(9, d, "home")).collect();
        rows.push(row(9, 30, "institutional"));
        rows.extend((1..=3).map(|d| row(10, d, "home")));
        rows.push(Row {
            adjusts_bill_id: Some(Uuid::from_u128(2)),
            adjusts_line_no: Some(4),
            explanation: Explanation::Written(r#"{"steps":["x"]}"#.into()),
            ..row(10, 3, "home")
        });
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .map(|(k, r)| Line { bill_id: bill, line_no: k as i32 + 1, row: r.clone(), mark: Mark::default() })
            .collect();
        let packs = packs_of(bill, &lines).expect("packed");
        let runs: Vec<(i32, i32, bool)> =
            packs.iter().map(|p| (p.first_line_no, p.line_count, p.adjustments)).collect();
        assert_eq!(runs, [(1, 30, false), (31, 1, false), (32, 3, false), (35, 1, true)]);
        assert_eq!(packs[0].fund_fen, 30 * 4_200);
        assert_eq!(packs[0].rejected_lines, 1);
        let back: Vec<Line> = packs.iter().flat_map(|p| lines_of(p).expect("readable")).collect();
        assert_eq!(back, lines);
        let bytes: usize = packs.iter().map(|p| p.lines.len()).sum();
        assert!(bytes < 60 * lines.len(), "{bytes} bytes for {} lines", lines.len());
    }

    #[test]
    fn lines_carried_over_from_before_packing_are_read_from_their_json() {
        let json = r#"[{"service_on":"2026-09-04","level":3,"source":"stay","source_id":"0000000000000000000000000000000a",
            "item":null,"times":null,"policy_version_id":"00000000-0000-0000-0000-000000000005","rule":"capped_per_day",
            "claimed_fen":9500,"allowed_fen":6000,"fund_fen":4200,"rejection":null,"deducted_fen":100,
            "deduction_reason":"x","sampled":true,"adjusts_bill_id":null,"adjusts_line_no":null,"explanation":"{}"}]"#;
        let p = pack::Model {
            bill_id: Uuid::from_u128(1),
            first_line_no: 7,
            line_count: 1,
            insured_person_id: Uuid::from_u128(9),
            care_mode: "institutional".into(),
            scheme: "resident".into(),
            adjustments: false,
            claimed_fen: 9_500,
            allowed_fen: 6_000,
            fund_fen: 4_200,
            deducted_fen: 100,
            rejected_lines: 0,
            lines: json.as_bytes().to_vec(),
        };
        let lines = lines_of(&p).expect("readable");
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        assert_eq!(
            (l.line_no, l.row.source_id, l.row.policy_version_id),
            (7, Uuid::from_u128(10), Some(Uuid::from_u128(5)))
        );
        assert_eq!(l.mark, Mark { deducted_fen: 100, deduction_reason: Some("x".into()), sampled: true });
        assert_eq!(l.row.explanation, Explanation::Written("{}".into()));
    }
}
