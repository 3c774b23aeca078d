//! Disputes of bill lines (申诉): institution staff comment on a line of their draft, or dispute
//! the agency's deduction from a line or the line's rejection once the bill is submitted; an
//! officer accepts or rejects with a reason. What an accepted dispute changes, it changes once:
//! a deduction disputed while the bill is still submitted is lifted there (its payable rises); a
//! deduction of an approved bill is paid back on the institution's next bill; a rejection accepted
//! pays the amount the officer set, on the next bill after the disputed one is approved, through
//! the late corrections (the facts of that line count as paying at least that amount, so a later
//! change of the facts pays only the difference and never recovers what the dispute decided).
//! Both sides read the thread on the line; nothing is deleted.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use ltci_shared::Page;
use ltci_shared::api::settlement::{
    AnswerDispute, BillDispute, BillStatus, DisputeDecision, DisputeFilter, DisputeKind, DisputeOutcome, DisputeStatus,
    RaiseDispute,
};
use ltci_shared::messages as m;
use ltci_shared::money::{to_fen, to_yuan};
use sea_orm::sea_query::{Expr, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::bills::find;
use super::packs::{self, Line, Marking};
use super::rows::{Explanation, Key, Row};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{bill, bill_dispute as dispute, enum_from_db, enum_to_db, institution_attachment};
use crate::http::error::{ApiError, ApiResult, unique_as};
use crate::http::pagination::{PageRequest, try_fetch_page};
use crate::state::AppState;

/// The most documents a dispute names.
const MAX_ATTACHMENTS: usize = 10;
/// The source of a line paying back a deduction (a line's `source`).
pub const REFUND_SOURCE: &str = "dispute_refund";

fn view(m: dispute::Model, month: &str, line_no: i32) -> ApiResult<BillDispute> {
    Ok(BillDispute {
        id: m.id,
        bill_id: m.bill_id,
        institution_id: m.institution_id,
        month: month.to_owned(),
        line_no: u32::try_from(line_no).unwrap_or(0),
        source: m.source,
        source_id: m.source_id,
        service_on: m.service_on,
        item: m.item,
        kind: enum_from_db(&m.kind)?,
        reason: m.reason,
        attachment_ids: serde_json::from_str(&m.attachment_ids).map_err(ApiError::internal)?,
        raised_by: m.raised_by,
        raised_at: m.raised_at,
        status: enum_from_db(&m.status)?,
        amount: m.amount_fen.map(to_yuan),
        outcome: m.outcome.as_deref().map(enum_from_db).transpose()?,
        answer: m.answer,
        answered_by: m.answered_by,
        answered_at: m.answered_at,
    })
}

fn key_of(m: &dispute::Model) -> Key {
    (m.source.clone(), m.source_id, m.service_on, m.item.clone())
}

/// The views of disputes with their bills' months and the current numbers of their lines (a
/// draft computed again keeps the care, perhaps under another number): two queries.
async fn views<C: ConnectionTrait>(db: &C, rows: Vec<dispute::Model>) -> ApiResult<Vec<BillDispute>> {
    let bill_ids: Vec<Uuid> = rows.iter().map(|d| d.bill_id).collect();
    let months: HashMap<Uuid, String> = bill::Entity::find()
        .filter(bill::Column::Id.is_in(bill_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.month))
        .collect();
    let source_ids: Vec<Uuid> = rows.iter().map(|d| d.source_id).collect();
    let source_ids: HashSet<Uuid> = source_ids.into_iter().collect();
    let lines: HashMap<(Uuid, Key), i32> = packs::of_bills(db, bill_ids, Some(false))
        .await?
        .into_iter()
        .filter(|l| source_ids.contains(&l.row.source_id))
        .map(|l| ((l.bill_id, l.row.key()), l.line_no))
        .collect();
    rows.into_iter()
        .map(|d| {
            let line_no = lines.get(&(d.bill_id, key_of(&d))).copied().unwrap_or(d.line_no);
            let month = months.get(&d.bill_id).cloned().unwrap_or_default();
            view(d, &month, line_no)
        })
        .collect()
}

/// One dispute's view.
async fn view_one<C: ConnectionTrait>(db: &C, d: dispute::Model) -> ApiResult<BillDispute> {
    views(db, vec![d]).await?.pop().ok_or_else(|| ApiError::internal(anyhow::anyhow!("a dispute without its view")))
}

/// What was asked, canonically: the same id with other content is a conflict.
fn fingerprint(bill_id: Uuid, line_no: u32, req: &RaiseDispute, reason: &str) -> String {
    crate::digest::sha256_hex(
        json!({"bill_id": bill_id, "line_no": line_no, "reason": reason, "attachment_ids": req.attachment_ids})
            .to_string(),
    )
}

/// Raises a dispute (or, on a draft, a comment) on line `line_no` of a bill of the institution's:
/// `(created, dispute)`; the same dispute sent again answers the first.
pub async fn raise(
    state: &AppState,
    actor: &Actor,
    bill_id: Uuid,
    line_no: u32,
    req: RaiseDispute,
) -> ApiResult<(bool, BillDispute)> {
    actor.require(Permission::RaiseDisputes)?;
    let reason =
        crate::fields::check_paragraph(&req.reason, 500).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    if req.attachment_ids.len() > MAX_ATTACHMENTS {
        let text = m::dispute_too_many_attachments(MAX_ATTACHMENTS);
        return Err(ApiError::invalid_field("attachment_ids", "too_many", text));
    }
    let print = fingerprint(bill_id, line_no, &req, &reason);
    if let Some(known) = dispute::Entity::find_by_id(req.id).one(&state.db).await? {
        if known.fingerprint == print && known.region_id == actor.region_id && known.raised_by == actor.user_id {
            return Ok((false, view_one(&state.db, known).await?));
        }
        return Err(ApiError::conflict("id", m::dispute_id_reused()));
    }
    let txn = state.db.begin().await?;
    let (b, line, kind, state_now) = what_it_would_be(&txn, actor, bill_id, line_no, true).await?;
    for (i, id) in req.attachment_ids.iter().enumerate() {
        let theirs = institution_attachment::Entity::find_by_id(*id)
            .filter(institution_attachment::Column::InstitutionId.eq(b.institution_id))
            .one(&txn)
            .await?;
        if theirs.is_none() {
            let field = format!("attachment_ids[{i}]");
            return Err(ApiError::invalid_field(&field, "unknown_attachment", m::dispute_unknown_attachment()));
        }
    }
    let row = dispute::ActiveModel {
        id: Set(req.id),
        region_id: Set(actor.region_id),
        institution_id: Set(b.institution_id),
        bill_id: Set(b.id),
        line_no: Set(line.line_no),
        source: Set(line.row.source.clone()),
        source_id: Set(line.row.source_id),
        service_on: Set(line.row.on),
        item: Set(line.row.item.clone()),
        kind: Set(enum_to_db(&kind)),
        reason: Set(reason),
        attachment_ids: Set(serde_json::to_string(&req.attachment_ids).map_err(ApiError::internal)?),
        fingerprint: Set(print),
        raised_by: Set(actor.user_id),
        raised_at: Set(Utc::now()),
        status: Set(enum_to_db(&state_now)),
        amount_fen: Set(None),
        outcome: Set(None),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(unique_as(|| ApiError::conflict("id", m::dispute_id_reused())))?;
    audit::record(&txn, &AuditActor::from(actor), "bill.dispute", "bill", b.id, &["disputes"]).await?;
    audit::commit(txn).await?;
    tracing::info!(bill_id = %b.id, line_no, dispute_id = %row.id, kind = ?kind, "bill line disputed");
    Ok((true, view_one(&state.db, row).await?))
}

/// Whether the dispute `id` (or a comment) with this reason may be raised on the line now,
/// refused as [`raise`] would refuse it, without writing anything: what a form checks before it
/// stores the documents sent with the dispute. A dispute already recorded under `id` passes: its
/// form sent again is answered by [`raise`] itself.
pub async fn check_raise(
    state: &AppState,
    actor: &Actor,
    bill_id: Uuid,
    line_no: u32,
    id: Uuid,
    reason: &str,
) -> ApiResult<()> {
    actor.require(Permission::RaiseDisputes)?;
    crate::fields::check_paragraph(reason, 500).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    if dispute::Entity::find_by_id(id).one(&state.db).await?.is_some() {
        return Ok(());
    }
    what_it_would_be(&state.db, actor, bill_id, line_no, false).await.map(|_| ())
}

/// What a dispute of the line would be now: the bill and the line in scope, its kind (a comment
/// on a draft; a dispute of a deduction or a rejection once submitted) and the state it starts
/// in; refused when the line has nothing to dispute or a dispute of it is open.
async fn what_it_would_be<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    bill_id: Uuid,
    line_no: u32,
    lock: bool,
) -> ApiResult<(bill::Model, Line, DisputeKind, DisputeStatus)> {
    let b = find(db, actor, bill_id, lock).await?;
    let line = packs::line(db, b.id, line_no).await?.ok_or_else(|| ApiError::not_found(m::thing_bill_line()))?;
    let status: BillStatus = enum_from_db(&b.status)?;
    let (kind, state_now) = match status {
        BillStatus::Draft => (DisputeKind::Comment, DisputeStatus::Noted),
        _ if line.mark.deducted_fen > 0 => (DisputeKind::Deduction, DisputeStatus::Open),
        _ if line.row.rejection.is_some() => (DisputeKind::Rejection, DisputeStatus::Open),
        _ => return Err(ApiError::invalid_field("line_no", "nothing_to_dispute", m::nothing_to_dispute())),
    };
    if kind != DisputeKind::Comment {
        let open = dispute::Entity::find()
            .filter(dispute::Column::BillId.eq(b.id))
            .filter(dispute::Column::LineNo.eq(line.line_no))
            .filter(dispute::Column::Status.eq(enum_to_db(&DisputeStatus::Open)))
            .one(db)
            .await?;
        if open.is_some() {
            return Err(ApiError::conflict("line_no", m::dispute_open_on_line()));
        }
    }
    Ok((b, line, kind, state_now))
}

/// Answers an open dispute: accepted, with what it changes (see the module), or rejected; the
/// reason either way. The same answer sent again answers the dispute as it is.
pub async fn answer(state: &AppState, actor: &Actor, id: Uuid, req: AnswerDispute) -> ApiResult<BillDispute> {
    actor.require(Permission::SettleBills)?;
    let reason =
        crate::fields::check_paragraph(&req.reason, 500).map_err(|(c, t)| ApiError::invalid_field("reason", c, t))?;
    let txn = state.db.begin().await?;
    let d = in_scope(&txn, actor, id, true).await?;
    let status: DisputeStatus = enum_from_db(&d.status)?;
    if status != DisputeStatus::Open {
        let decided = match req.decision {
            DisputeDecision::Accept => DisputeStatus::Accepted,
            DisputeDecision::Reject => DisputeStatus::Rejected,
        };
        if status == decided && d.answer.as_deref() == Some(reason.as_str()) {
            drop(txn);
            return view_one(&state.db, d).await;
        }
        return Err(ApiError::state_conflict(
            ltci_shared::error::codes::INVALID_STATE_TRANSITION,
            &d.status,
            m::dispute_not_open(status.text()),
        ));
    }
    let b = find(&txn, actor, d.bill_id, true).await?;
    let line = packs::line(&txn, b.id, u32::try_from(d.line_no).unwrap_or(u32::MAX))
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_bill_line()))?;
    let kind: DisputeKind = enum_from_db(&d.kind)?;
    let bill_status: BillStatus = enum_from_db(&b.status)?;
    let (next, amount, outcome) = match (req.decision, kind) {
        (DisputeDecision::Reject, _) => (DisputeStatus::Rejected, None, None),
        (DisputeDecision::Accept, DisputeKind::Deduction)
            if bill_status != BillStatus::Approved && bill_status != BillStatus::Paid =>
        {
            // Still being audited (or returned): the deduction is lifted on the bill itself.
            lift_deduction(&txn, &b, &line).await?;
            (DisputeStatus::Accepted, Some(line.mark.deducted_fen), Some(DisputeOutcome::Lifted))
        }
        (DisputeDecision::Accept, DisputeKind::Deduction) => {
            (DisputeStatus::Accepted, Some(line.mark.deducted_fen), Some(DisputeOutcome::NextBill))
        }
        (DisputeDecision::Accept, _) => {
            let given = req
                .amount
                .ok_or_else(|| ApiError::invalid_field("amount", "required", m::dispute_amount_required()))?;
            let fen = to_fen(given).map_err(|e| ApiError::invalid_field("amount", e.code(), e.text()))?;
            let most = line.row.claimed_fen.max(line.row.allowed_fen);
            if fen <= 0 || fen > most {
                return Err(ApiError::invalid_field("amount", "out_of_range", m::dispute_amount_above(to_yuan(most))));
            }
            (DisputeStatus::Accepted, Some(fen), Some(DisputeOutcome::NextBill))
        }
    };
    let mut a: dispute::ActiveModel = d.into();
    a.status = Set(enum_to_db(&next));
    a.amount_fen = Set(amount);
    a.outcome = Set(outcome.as_ref().map(enum_to_db));
    a.answer = Set(Some(reason));
    a.answered_by = Set(Some(actor.user_id));
    a.answered_at = Set(Some(Utc::now()));
    let d = a.update(&txn).await?;
    audit::record(&txn, &AuditActor::from(actor), "bill.dispute_answer", "bill", b.id, &["disputes"]).await?;
    audit::commit(txn).await?;
    tracing::info!(dispute_id = %d.id, bill_id = %b.id, status = %d.status, "dispute answered");
    view_one(&state.db, d).await
}

/// Lifts the deduction of a line of a bill still being audited; the bill's version moves, so an
/// approval that read the bill before cannot post the amount it read.
async fn lift_deduction<C: ConnectionTrait>(txn: &C, b: &bill::Model, line: &Line) -> ApiResult<()> {
    let lifted = Marking::Deduction { fen: 0, reason: None };
    packs::mark(txn, b.id, &BTreeMap::from([(line.line_no, lifted)])).await?;
    let done = bill::Entity::update_many()
        .col_expr(bill::Column::Version, Expr::value(b.version + 1))
        .filter(bill::Column::Id.eq(b.id))
        .filter(bill::Column::Version.eq(b.version))
        .exec(txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::bill_changed_meanwhile()));
    }
    Ok(())
}

/// The bills in the actor's scope, as a subquery.
fn bills_in_scope(actor: &Actor) -> sea_orm::sea_query::SelectStatement {
    Query::select().column(bill::Column::Id).from(bill::Entity).cond_where(scope::bills(actor)).to_owned()
}

async fn in_scope<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid, lock: bool) -> ApiResult<dispute::Model> {
    let mut q = dispute::Entity::find_by_id(id).filter(dispute::Column::BillId.in_subquery(bills_in_scope(actor)));
    if lock {
        q = q.lock(LockType::Update);
    }
    q.one(db).await?.ok_or_else(|| ApiError::not_found(m::thing_dispute()))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<BillDispute> {
    actor.require(Permission::ReadBills)?;
    let d = in_scope(&state.db, actor, id, false).await?;
    view_one(&state.db, d).await
}

/// Disputes in scope, oldest first (the agency's queue: `status=open`).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    f: DisputeFilter,
    page: PageRequest,
) -> ApiResult<Page<BillDispute>> {
    actor.require(Permission::ReadBills)?;
    let mut q = dispute::Entity::find().filter(dispute::Column::BillId.in_subquery(bills_in_scope(actor)));
    if let Some(s) = f.status {
        q = q.filter(dispute::Column::Status.eq(enum_to_db(&s)));
    }
    if let Some(i) = f.institution_id {
        q = q.filter(dispute::Column::InstitutionId.eq(i));
    }
    if let Some(b) = f.bill_id {
        q = q.filter(dispute::Column::BillId.eq(b));
    }
    let q = q.order_by_asc(dispute::Column::RaisedAt).order_by_asc(dispute::Column::Id);
    let page = try_fetch_page(&state.db, q, page, Ok).await?;
    let items = views(&state.db, page.items).await?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

/// The disputes of a bill the caller may read, by the current number of their lines, oldest
/// first: the thread each line shows.
pub async fn of_bill<C: ConnectionTrait>(db: &C, bill_id: Uuid) -> ApiResult<HashMap<u32, Vec<BillDispute>>> {
    let rows = dispute::Entity::find()
        .filter(dispute::Column::BillId.eq(bill_id))
        .order_by_asc(dispute::Column::RaisedAt)
        .order_by_asc(dispute::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<u32, Vec<BillDispute>> = HashMap::new();
    for d in views(db, rows).await? {
        out.entry(d.line_no).or_default().push(d);
    }
    Ok(out)
}

/// The amounts accepted disputes of the bills' rejections decided, by bill and by the care of each
/// line: what the late corrections count the facts as paying at least. One query for all the bills.
pub async fn decided_floors<C: ConnectionTrait>(
    db: &C,
    bill_ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, HashMap<Key, i64>>> {
    let mut out: HashMap<Uuid, HashMap<Key, i64>> = HashMap::new();
    if bill_ids.is_empty() {
        return Ok(out);
    }
    let accepted = dispute::Entity::find()
        .filter(dispute::Column::BillId.is_in(bill_ids.iter().copied()))
        .filter(dispute::Column::Kind.eq(enum_to_db(&DisputeKind::Rejection)))
        .filter(dispute::Column::Status.eq(enum_to_db(&DisputeStatus::Accepted)))
        .order_by_asc(dispute::Column::AnsweredAt)
        .all(db)
        .await?;
    for d in accepted {
        if let Some(fen) = d.amount_fen {
            out.entry(d.bill_id).or_default().insert(key_of(&d), fen);
        }
    }
    Ok(out)
}

/// The lines paying back deductions that accepted disputes of approved bills decided, for the
/// institution's bill being computed (`this_bill` once it exists): each what is still to be paid —
/// the deduction less what bills other than this one, not drafts, already carried — so each is
/// paid once.
pub async fn refund_rows<C: ConnectionTrait>(
    db: &C,
    institution_id: Uuid,
    this_bill: Option<Uuid>,
) -> ApiResult<Vec<Row>> {
    let accepted = dispute::Entity::find()
        .filter(dispute::Column::InstitutionId.eq(institution_id))
        .filter(dispute::Column::Kind.eq(enum_to_db(&DisputeKind::Deduction)))
        .filter(dispute::Column::Status.eq(enum_to_db(&DisputeStatus::Accepted)))
        .filter(dispute::Column::Outcome.eq(enum_to_db(&DisputeOutcome::NextBill)))
        .order_by_asc(dispute::Column::AnsweredAt)
        .all(db)
        .await?;
    if accepted.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = accepted.iter().map(|d| d.id).collect();
    let not_drafts = Query::select()
        .column(bill::Column::Id)
        .from(bill::Entity)
        .and_where(bill::Column::Status.ne(enum_to_db(&BillStatus::Draft)))
        .to_owned();
    let mut carried: HashMap<Uuid, i64> = HashMap::new();
    let carrying = bill::Entity::find()
        .select_only()
        .column(bill::Column::Id)
        .filter(bill::Column::InstitutionId.eq(institution_id))
        .filter(bill::Column::Id.in_subquery(not_drafts))
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    let ids: HashSet<Uuid> = ids.into_iter().collect();
    for l in packs::of_bills(db, carrying, Some(true))
        .await?
        .into_iter()
        .filter(|l| Some(l.bill_id) != this_bill && l.row.source == REFUND_SOURCE && ids.contains(&l.row.source_id))
    {
        *carried.entry(l.row.source_id).or_default() += l.row.fund_fen;
    }
    let bills: HashMap<Uuid, String> = bill::Entity::find()
        .filter(bill::Column::Id.is_in(accepted.iter().map(|d| d.bill_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.month))
        .collect();
    let mut disputed: HashMap<(Uuid, i32), Line> = HashMap::new();
    for d in &accepted {
        if let Some(l) = packs::line(db, d.bill_id, u32::try_from(d.line_no).unwrap_or(u32::MAX)).await? {
            disputed.insert((d.bill_id, d.line_no), l);
        }
    }
    let mut out = Vec::new();
    for d in accepted {
        let owed = d.amount_fen.unwrap_or(0) - carried.get(&d.id).copied().unwrap_or(0);
        let Some(line) = disputed.get(&(d.bill_id, d.line_no)).map(|l| &l.row) else { continue };
        if owed == 0 {
            continue;
        }
        let month = bills.get(&d.bill_id).cloned().unwrap_or_default();
        let step = m::step_dispute_refund(&month, d.line_no, to_yuan(owed));
        out.push(Row {
            person_id: line.person_id,
            care_mode: line.care_mode.clone(),
            scheme: line.scheme.clone(),
            level: line.level,
            on: line.on,
            source: REFUND_SOURCE.to_owned(),
            source_id: d.id,
            item: line.item.clone(),
            times: None,
            policy_version_id: line.policy_version_id,
            rule: None,
            claimed_fen: 0,
            allowed_fen: 0,
            fund_fen: owed,
            rejection: None,
            explanation: Explanation::Written(
                json!({
                    "dispute": {"id": d.id, "bill_id": d.bill_id, "month": month, "line_no": d.line_no},
                    "steps": [step.stored_value()],
                })
                .to_string(),
            ),
            adjusts_bill_id: Some(d.bill_id),
            adjusts_line_no: Some(d.line_no),
        });
    }
    Ok(out)
}
