//! A bill's life after it is computed: read, submitted by the institution, returned or approved
//! by the agency (the payable posted), paid (the payment posted, the quality deposit withheld).
//! Every step is audited with the status before and after; an approved bill never changes.

use ltci_shared::messages as m;
use ltci_shared::text::Text;
use std::collections::HashMap;

use chrono::Utc;
use ltci_shared::Page;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::funding::AccountKind;
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::settlement::{
    Bill, BillFilter, BillLine, BillStatus, BillSubtotal, LinesQuery, PayBill, ReturnBill,
};
use ltci_shared::error::codes;
use ltci_shared::money::to_yuan;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use super::packs::{self, Line};
use super::pricing::share_of_fen;
use super::rows::Row;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{bill, bill_line_pack as pack, enum_from_db, enum_to_db, institution, ledger_account as acct};
use crate::fields::check_text;
use crate::funding::income::fund;
use crate::funding::ledger::{self, AccountSpec, NewEntry};
use crate::http::error::{ApiError, ApiResult};
use crate::http::pagination::{PageRequest, page_of, try_fetch_page};
use crate::policy::service::in_force_document;
use crate::state::AppState;

/// What the fund owes an institution for approved bills (应付机构款).
pub fn payable(institution_id: Uuid) -> AccountSpec {
    AccountSpec {
        code: format!("payable:{institution_id}"),
        name: "应付定点机构结算款".into(),
        kind: AccountKind::Liability,
    }
}

/// Quality deposits (质量保证金) withheld from an institution's payments out of a scheme's fund.
pub fn deposit(institution_id: Uuid, scheme: Scheme) -> AccountSpec {
    AccountSpec {
        code: format!("deposit:{institution_id}:{}", enum_to_db(&scheme)),
        name: format!("质量保证金（{}）", crate::funding::income::scheme_name(scheme)),
        kind: AccountKind::Liability,
    }
}

/// `409 insufficient_fund` when, after what the caller's transaction posted, one of `schemes`'
/// funds holds less than nothing. Checked under a lock on each fund account, so two payments at
/// once cannot together overdraw a fund (`FOR NO KEY UPDATE`: see reserve draws).
pub(crate) async fn refuse_overdraft(txn: &DatabaseTransaction, region_id: Uuid, schemes: &[Scheme]) -> ApiResult<()> {
    for scheme in schemes {
        let account = acct::Entity::find()
            .filter(acct::Column::RegionId.eq(region_id))
            .filter(acct::Column::Code.eq(fund(*scheme).code))
            .lock(LockType::NoKeyUpdate)
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("fund account missing")))?;
        let left = ledger::sums(txn, region_id).await?.get(&account.id).copied().unwrap_or(0);
        if left < 0 {
            return Err(ApiError::conflict_code(
                codes::INSUFFICIENT_FUND,
                m::insufficient_fund(scheme.text(), to_yuan(-left)),
            ));
        }
    }
    Ok(())
}

/// Benefits paid in a care mode from a scheme's fund (待遇支出).
pub fn expense(mode: CareMode, scheme: Scheme) -> AccountSpec {
    AccountSpec {
        code: format!("expense:{}:{}", enum_to_db(&mode), enum_to_db(&scheme)),
        name: format!("{}待遇支出 ({})", crate::funding::income::scheme_name(scheme), enum_to_db(&mode)),
        kind: AccountKind::Expense,
    }
}

/// One bill's lines of one care mode and scheme, summed.
#[derive(Debug, sea_orm::FromQueryResult)]
struct SubtotalRow {
    bill_id: Uuid,
    care_mode: String,
    scheme: String,
    lines: Option<i64>,
    fund: Option<i64>,
    deducted: Option<i64>,
}

/// The fund's amount per (care mode, scheme) of each bill, summed by the database over the
/// bills' packs of lines.
async fn subtotals<C: ConnectionTrait>(db: &C, ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, Vec<BillSubtotal>>> {
    let rows = pack::Entity::find()
        .select_only()
        .column(pack::Column::BillId)
        .column(pack::Column::CareMode)
        .column(pack::Column::Scheme)
        .column_as(Expr::cust("CAST(SUM(bill_line_packs.line_count) AS BIGINT)"), "lines")
        .column_as(Expr::cust("CAST(SUM(bill_line_packs.fund_fen) AS BIGINT)"), "fund")
        .column_as(Expr::cust("CAST(SUM(bill_line_packs.deducted_fen) AS BIGINT)"), "deducted")
        .filter(pack::Column::BillId.is_in(ids))
        .group_by(pack::Column::BillId)
        .group_by(pack::Column::CareMode)
        .group_by(pack::Column::Scheme)
        .order_by_asc(pack::Column::CareMode)
        .order_by_asc(pack::Column::Scheme)
        .into_model::<SubtotalRow>()
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<BillSubtotal>> = HashMap::new();
    for r in rows {
        out.entry(r.bill_id).or_default().push(BillSubtotal {
            care_mode: enum_from_db(&r.care_mode)?,
            scheme: enum_from_db(&r.scheme)?,
            lines: u32::try_from(r.lines.unwrap_or(0)).unwrap_or(0),
            fund_amount: to_yuan(r.fund.unwrap_or(0)),
            deducted: to_yuan(r.deducted.unwrap_or(0)),
        });
    }
    Ok(out)
}

fn view(m: bill::Model, subtotals: Vec<BillSubtotal>) -> ApiResult<Bill> {
    let deducted: Decimal = subtotals.iter().map(|s| s.deducted).sum();
    let payable = to_yuan(m.fund_fen) - deducted;
    Ok(Bill {
        status: enum_from_db(&m.status)?,
        paid: m.withheld_fen.map(|w| payable - to_yuan(w)),
        withheld: m.withheld_fen.map(to_yuan),
        id: m.id,
        institution_id: m.institution_id,
        month: m.month,
        line_count: u32::try_from(m.line_count).unwrap_or(0),
        rejected_lines: u32::try_from(m.rejected_lines).unwrap_or(0),
        claimed: to_yuan(m.claimed_fen),
        fund_amount: to_yuan(m.fund_fen),
        deducted,
        payable,
        subtotals,
        computed_at: m.computed_at,
        submitted_at: m.submitted_at,
        return_reason: m.return_reason,
        approved_at: m.approved_at,
        approval_entry_id: m.approval_entry_id,
        paid_on: m.paid_on,
        payment_entry_id: m.payment_entry_id,
        computed_by: m.computed_by,
        submitted_by: m.submitted_by,
        approved_by: m.approved_by,
        paid_by: m.paid_by,
        bank_reference: m.bank_reference,
    })
}

/// The API views of bills, with their subtotals (one query).
pub async fn views<C: ConnectionTrait>(db: &C, bills: Vec<bill::Model>) -> ApiResult<Vec<Bill>> {
    let mut subs = subtotals(db, bills.iter().map(|b| b.id).collect()).await?;
    bills.into_iter().map(|b| view(b.clone(), subs.remove(&b.id).unwrap_or_default())).collect()
}

pub async fn view_one<C: ConnectionTrait>(db: &C, m: bill::Model) -> ApiResult<Bill> {
    views(db, vec![m]).await?.pop().ok_or_else(|| ApiError::internal(anyhow::anyhow!("bill view missing")))
}

pub(crate) async fn find<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid, lock: bool) -> ApiResult<bill::Model> {
    let mut q = bill::Entity::find_by_id(id).filter(scope::bills(actor));
    if lock {
        q = q.lock(LockType::Update);
    }
    q.one(db).await?.ok_or_else(|| ApiError::not_found(m::thing_bill()))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Bill> {
    actor.require(Permission::ReadBills)?;
    view_one(&state.db, find(&state.db, actor, id, false).await?).await
}

/// Bills in scope, latest month first.
pub async fn list(state: &AppState, actor: &Actor, f: BillFilter, page: PageRequest) -> ApiResult<Page<Bill>> {
    actor.require(Permission::ReadBills)?;
    let mut q = bill::Entity::find().filter(scope::bills(actor));
    if let Some(i) = f.institution_id {
        q = q.filter(bill::Column::InstitutionId.eq(i));
    }
    if let Some(m) = f.month {
        q = q.filter(bill::Column::Month.eq(m));
    }
    if let Some(s) = f.status {
        q = q.filter(bill::Column::Status.eq(enum_to_db(&s)));
    }
    let q = q.order_by_desc(bill::Column::Month).order_by_asc(bill::Column::InstitutionId);
    let page = try_fetch_page(&state.db, q, page, Ok).await?;
    let items = views(&state.db, page.items).await?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

/// A line as the API shows it, with its explanation (stored form) in the reader's language.
pub(crate) fn line_view((l, mut explanation): (Line, serde_json::Value)) -> ApiResult<BillLine> {
    let r = l.row;
    ltci_shared::text::render_stored_in(&mut explanation, crate::language::current());
    Ok(BillLine {
        line_no: u32::try_from(l.line_no).unwrap_or(0),
        insured_person_id: r.person_id,
        care_mode: enum_from_db(&r.care_mode)?,
        scheme: enum_from_db(&r.scheme)?,
        level: r.level.and_then(|l| u8::try_from(l).ok()),
        service_on: r.on,
        source: r.source,
        source_id: r.source_id,
        item: r.item,
        times: r.times.and_then(|t| u32::try_from(t).ok()),
        policy_version_id: r.policy_version_id,
        rule: r.rule,
        claimed: to_yuan(r.claimed_fen),
        allowed: to_yuan(r.allowed_fen),
        fund_amount: to_yuan(r.fund_fen),
        rejection: r.rejection.as_deref().map(enum_from_db).transpose()?,
        deducted: to_yuan(l.mark.deducted_fen),
        deduction_reason: l.mark.deduction_reason,
        sampled: l.mark.sampled,
        adjusts_bill_id: r.adjusts_bill_id,
        adjusts_line_no: r.adjusts_line_no.and_then(|n| u32::try_from(n).ok()),
        explanation,
    })
}

/// Lines as the API shows them, explained.
pub(crate) async fn line_views<C: ConnectionTrait>(db: &C, lines: Vec<Line>) -> ApiResult<Vec<BillLine>> {
    packs::explained(db, lines).await?.into_iter().map(line_view).collect()
}

/// The steps of an explanation as one line of text, for the CSV.
fn steps_text(explanation: &serde_json::Value) -> String {
    explanation["steps"]
        .as_array()
        .map(|steps| steps.iter().filter_map(|s| s.as_str()).collect::<Vec<_>>().join("; "))
        .unwrap_or_default()
}

/// A bill's lines in order.
pub async fn lines(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    f: LinesQuery,
    page: PageRequest,
) -> ApiResult<Page<BillLine>> {
    actor.require(Permission::ReadBills)?;
    let b = find(&state.db, actor, id, false).await?;
    let lines = match f.insured_person_id {
        Some(p) => packs::of_bill_and_persons(&state.db, b.id, [p], None).await?,
        None => packs::of_bill(&state.db, b.id).await?,
    };
    let rejection = f.rejection.map(|r| enum_to_db(&r));
    let wanted = |l: &Line| {
        f.sampled.is_none_or(|s| l.mark.sampled == s)
            && f.rejected.is_none_or(|r| l.row.rejection.is_some() == r)
            && rejection.as_ref().is_none_or(|r| l.row.rejection.as_ref() == Some(r))
            && f.deducted.is_none_or(|d| (l.mark.deducted_fen != 0) == d)
            && f.service_on.is_none_or(|day| l.row.on == day)
    };
    let found = page_of(lines.into_iter().filter(wanted).collect(), page);
    let items = line_views(&state.db, found.items).await?;
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}

/// A bill's lines as CSV, in order: what an institution reconciles its own records with.
pub async fn lines_csv(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<(String, String)> {
    actor.require(Permission::ReadBills)?;
    let b = find(&state.db, actor, id, false).await?;
    let rows = packs::explained(&state.db, packs::of_bill(&state.db, b.id).await?).await?;
    let lang = crate::language::current();
    let header = [
        m::col_line_no(),
        m::col_insured_person_id(),
        m::col_care_mode(),
        m::col_scheme(),
        m::col_level(),
        m::col_service_on(),
        m::col_line_source(),
        m::col_source_id(),
        m::col_item(),
        m::col_times(),
        m::col_rule(),
        m::col_claimed(),
        m::col_allowed(),
        m::col_fund_amount(),
        m::col_rejection(),
        m::col_deducted(),
        m::col_deduction_reason(),
        m::col_explanation(),
        m::col_disputes(),
    ];
    let threads = super::disputes::of_bill(&state.db, b.id).await?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    let mut out = vec![header.iter().map(|h| h.render(lang)).collect::<Vec<_>>()];
    for (l, mut explanation) in rows {
        ltci_shared::text::render_stored_in(&mut explanation, lang);
        let explanation = steps_text(&explanation);
        let thread = u32::try_from(l.line_no).ok().and_then(|n| threads.get(&n));
        let (r, mark) = (l.row, l.mark);
        let thread = thread.map(|t| t.iter().map(|d| d.thread_text().render(lang)).collect::<Vec<_>>().join("；"));
        out.push(vec![
            l.line_no.to_string(),
            r.person_id.to_string(),
            r.care_mode,
            r.scheme,
            opt(r.level.map(|v| v.to_string())),
            r.on.to_string(),
            r.source,
            r.source_id.to_string(),
            opt(r.item),
            opt(r.times.map(|v| v.to_string())),
            opt(r.rule),
            to_yuan(r.claimed_fen).to_string(),
            to_yuan(r.allowed_fen).to_string(),
            to_yuan(r.fund_fen).to_string(),
            opt(r.rejection),
            to_yuan(mark.deducted_fen).to_string(),
            opt(mark.deduction_reason),
            explanation,
            opt(thread),
        ]);
    }
    Ok((format!("bill-{}-{}.csv", b.month, b.institution_id), crate::http::download::csv_text(out)?))
}

/// Moves a bill from `from` to `to` if nobody moved it meanwhile, with the columns `set`, and
/// audits the step.
pub(crate) async fn step(
    db: &DatabaseTransaction,
    actor: &Actor,
    b: &bill::Model,
    to: BillStatus,
    set: Vec<(bill::Column, sea_orm::sea_query::SimpleExpr)>,
) -> ApiResult<()> {
    let mut update = bill::Entity::update_many()
        .col_expr(bill::Column::Status, Expr::value(enum_to_db(&to)))
        .col_expr(bill::Column::Version, Expr::value(b.version + 1));
    for (col, value) in set {
        update = update.col_expr(col, value);
    }
    let done = update.filter(bill::Column::Id.eq(b.id)).filter(bill::Column::Version.eq(b.version)).exec(db).await?;
    if done.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::bill_changed_meanwhile()));
    }
    let to = enum_to_db(&to);
    audit::record_transition(db, &AuditActor::from(actor), &format!("bill.{to}"), "bill", b.id, Some(&b.status), &to)
        .await
}

/// `Ok` if the bill is in `status`; `409 invalid_state_transition` with `what` (which bills the
/// step takes) otherwise.
pub(crate) fn expect(b: &bill::Model, status: BillStatus, what: Text) -> ApiResult<()> {
    if b.status == enum_to_db(&status) {
        Ok(())
    } else {
        Err(ApiError::state_conflict(codes::INVALID_STATE_TRANSITION, &b.status, what))
    }
}

/// The institution (or an officer for it) submits a draft for review.
pub async fn submit(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Bill> {
    actor.require(Permission::PrepareBills)?;
    let txn = state.db.begin().await?;
    let b = find(&txn, actor, id, true).await?;
    expect(&b, BillStatus::Draft, m::only_draft_submitted())?;
    // Months are settled in order: an adjustment is carried by exactly one bill.
    let open = [enum_to_db(&BillStatus::Draft), enum_to_db(&BillStatus::Submitted)];
    if let Some(earlier) = bill::Entity::find()
        .filter(bill::Column::InstitutionId.eq(b.institution_id))
        .filter(bill::Column::Month.lt(&b.month))
        .filter(bill::Column::Status.is_in(open))
        .order_by_asc(bill::Column::Month)
        .one(&txn)
        .await?
    {
        let status = enum_from_db::<BillStatus>(&earlier.status)?.text();
        return Err(ApiError::conflict_code(codes::EARLIER_BILL_OPEN, m::earlier_bill_open(&earlier.month, status)));
    }
    // What is submitted is what the facts say now.
    let inst = institution_in_scope(&txn, actor, b.institution_id).await?;
    let bounds = crate::care::stays::month_bounds(&b.month)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("stored month {} unreadable", b.month)))?;
    let margin = state.config.late_fact_margin();
    let now = super::compute::draft_rows(&txn, &inst, bounds, Some(b.id), margin).await?;
    let stored: Vec<Row> = packs::of_bill(&txn, b.id).await?.into_iter().map(|l| l.row).collect();
    if now != stored {
        return Err(ApiError::conflict_code(codes::STALE_DRAFT, m::stale_draft()));
    }
    let set = vec![
        (bill::Column::SubmittedBy, Expr::value(actor.user_id)),
        (bill::Column::SubmittedAt, Expr::value(Utc::now())),
        (bill::Column::ReturnReason, Expr::value(Option::<String>::None)),
    ];
    step(&txn, actor, &b, BillStatus::Submitted, set).await?;
    audit::commit(txn).await?;
    get(state, actor, id).await
}

/// The agency sends a submitted bill back as a draft, with the reason. Its sample and deductions
/// go with it: the bill submitted again is audited afresh.
pub async fn return_bill(state: &AppState, actor: &Actor, id: Uuid, req: ReturnBill) -> ApiResult<Bill> {
    actor.require(Permission::SettleBills)?;
    let reason = check_text(&req.reason, 300).map_err(|(c, m)| ApiError::invalid_field("reason", c, m))?;
    let txn = state.db.begin().await?;
    let b = find(&txn, actor, id, true).await?;
    expect(&b, BillStatus::Submitted, m::only_submitted_returned())?;
    packs::clear_marks(&txn, b.id).await?;
    step(&txn, actor, &b, BillStatus::Draft, vec![(bill::Column::ReturnReason, Expr::value(reason))]).await?;
    audit::commit(txn).await?;
    get(state, actor, id).await
}

/// What the fund owes per (care mode, scheme) of a bill after the audit's deductions, in fen.
async fn amounts<C: ConnectionTrait>(db: &C, b: &bill::Model) -> ApiResult<Vec<(CareMode, Scheme, i64)>> {
    let fen = |d: Decimal| ltci_shared::money::to_fen(d).map_err(|e| ApiError::internal(anyhow::anyhow!(e)));
    let mut out = Vec::new();
    for s in subtotals(db, vec![b.id]).await?.remove(&b.id).unwrap_or_default() {
        let owed = fen(s.fund_amount)? - fen(s.deducted)?;
        if owed != 0 {
            out.push((s.care_mode, s.scheme, owed));
        }
    }
    Ok(out)
}

/// The agency approves a submitted bill: the payable — what the lines pay less the audit's
/// deductions — is posted (debit each mode and scheme's benefit expense, credit the institution's
/// payable) and the bill is approved, in one transaction. A bill whose every subtotal is zero is
/// approved without an entry.
pub async fn approve(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Bill> {
    actor.require(Permission::SettleBills)?;
    let b = find(&state.db, actor, id, false).await?;
    expect(&b, BillStatus::Submitted, m::only_submitted_approved())?;
    super::duties::may_approve(&state.db, actor, &b).await?;
    let parts = amounts(&state.db, &b).await?;
    let mut lines: Vec<(AccountSpec, i64)> = parts.iter().map(|(m, s, f)| (expense(*m, *s), *f)).collect();
    let owed: i64 = parts.iter().map(|(_, _, f)| f).sum();
    lines.push((payable(b.institution_id), -owed));
    let now = Utc::now();
    let set = move |entry: Option<Uuid>| {
        vec![
            (bill::Column::ApprovedBy, Expr::value(actor.user_id)),
            (bill::Column::ApprovedAt, Expr::value(now)),
            (bill::Column::ApprovalEntryId, Expr::value(entry)),
        ]
    };
    if parts.is_empty() {
        let txn = state.db.begin().await?;
        step(&txn, actor, &b, BillStatus::Approved, set(None)).await?;
        audit::commit(txn).await?;
        return get(state, actor, id).await;
    }
    let entry = NewEntry {
        reference: format!("settlement:{}", b.id),
        kind: "settlement_payable",
        description: format!("{} 月度结算 {}", b.month, institution_name(&state.db, b.institution_id).await?),
        effective_on: actor.today,
        reverses_entry_id: None,
        request: serde_json::json!({"kind": "settlement_payable", "bill": b.id, "version": b.version}),
        lines,
    };
    let row = b.clone();
    ledger::post(&state.db, actor, entry, async |txn, e| {
        step(txn, actor, &row, BillStatus::Approved, set(Some(e.id))).await
    })
    .await?;
    tracing::info!(bill_id = %id, "bill approved");
    get(state, actor, id).await
}

/// The agency pays an approved bill: debit the institution's payable, credit each scheme's fund
/// with what is transferred and the institution's deposit with the quality deposit withheld (the
/// policy's `quality_withholding` in force on the month's last day, half up to the fen per
/// scheme). A scheme's fund must hold what it pays (`409 insufficient_fund`). A scheme's part that
/// is negative — adjustments recovering more than the month bills — is the institution's refund:
/// the same entry debits that fund.
pub async fn pay(state: &AppState, actor: &Actor, id: Uuid, req: PayBill) -> ApiResult<Bill> {
    actor.require(Permission::SettleBills)?;
    let paid_on = req.paid_on.unwrap_or(actor.today);
    let mut errors = crate::http::error::FieldErrors::new();
    if paid_on > actor.today {
        errors.add("paid_on", "in_future", m::payment_in_future());
    }
    let bank_reference = errors.take("bank_reference", check_text(&req.bank_reference, 64));
    errors.finish()?;
    let bank_reference = bank_reference.unwrap_or_default();
    let b = find(&state.db, actor, id, false).await?;
    // A retry of the payment that went through is answered as it was.
    if b.status == enum_to_db(&BillStatus::Paid) && b.bank_reference.as_deref() == Some(bank_reference.as_str()) {
        return get(state, actor, id).await;
    }
    expect(&b, BillStatus::Approved, m::only_approved_paid())?;
    super::duties::may_pay(&state.db, actor, &b).await?;
    let used = bill::Entity::find()
        .filter(bill::Column::RegionId.eq(actor.region_id))
        .filter(bill::Column::BankReference.eq(&bank_reference))
        .one(&state.db)
        .await?;
    if used.is_some() {
        return Err(ApiError::conflict("bank_reference", m::bank_reference_used()));
    }
    let last = crate::care::stays::month_bounds(&b.month).map(|(_, l)| l).unwrap_or(actor.today);
    let share =
        in_force_document(&state.db, actor.region_id, last).await?.map(|d| d.quality_withholding).unwrap_or_default();
    let mut per_scheme: Vec<(Scheme, i64)> = Vec::new();
    for (_, scheme, fen) in amounts(&state.db, &b).await? {
        match per_scheme.iter_mut().find(|(s, _)| *s == scheme) {
            Some((_, total)) => *total += fen,
            None => per_scheme.push((scheme, fen)),
        }
    }
    // The deposit is withheld from what is transferred; a scheme's part that is negative (more
    // recovered by adjustments than billed) is what the institution refunds to that fund.
    let withheld: Vec<(Scheme, i64, i64)> = per_scheme
        .iter()
        .map(|(s, f)| {
            let w = if *f > 0 { share_of_fen(*f, share) } else { 0 };
            (*s, f - w, w)
        })
        .collect();
    let withheld_total: i64 = withheld.iter().map(|(_, _, w)| w).sum();
    let recorded_reference = bank_reference.clone();
    let set = move |entry: Option<Uuid>| {
        vec![
            (bill::Column::PaidBy, Expr::value(actor.user_id)),
            (bill::Column::PaidOn, Expr::value(paid_on)),
            (bill::Column::BankReference, Expr::value(recorded_reference.clone())),
            (bill::Column::WithheldFen, Expr::value(withheld_total)),
            (bill::Column::PaymentEntryId, Expr::value(entry)),
        ]
    };
    let owed: i64 = per_scheme.iter().map(|(_, f)| f).sum();
    if withheld.iter().all(|(_, net, w)| *net == 0 && *w == 0) {
        let txn = state.db.begin().await?;
        step(&txn, actor, &b, BillStatus::Paid, set(None)).await?;
        audit::commit(txn).await?;
        return get(state, actor, id).await;
    }
    let mut lines = vec![(payable(b.institution_id), owed)];
    lines.extend(withheld.iter().map(|(s, net, _)| (fund(*s), -net)));
    lines.extend(withheld.iter().map(|(s, _, w)| (deposit(b.institution_id, *s), -w)));
    let entry = NewEntry {
        reference: format!("settlement-payment:{}", b.id),
        kind: "settlement_payment",
        description: format!("{} 月度结算支付 {}", b.month, institution_name(&state.db, b.institution_id).await?),
        effective_on: paid_on,
        reverses_entry_id: None,
        request: serde_json::json!({"kind": "settlement_payment", "bill": b.id, "paid_on": paid_on,
            "bank_reference": bank_reference}),
        lines,
    };
    let row = b.clone();
    let region_id = actor.region_id;
    ledger::post(&state.db, actor, entry, async |txn, e| {
        let paying: Vec<Scheme> = withheld.iter().filter(|(_, net, _)| *net > 0).map(|(s, _, _)| *s).collect();
        refuse_overdraft(txn, region_id, &paying).await?;
        step(txn, actor, &row, BillStatus::Paid, set(Some(e.id))).await
    })
    .await?;
    tracing::info!(bill_id = %id, "bill paid");
    get(state, actor, id).await
}

/// An institution's name, for the descriptions of its entries (at most 100 characters).
async fn institution_name<C: ConnectionTrait>(db: &C, id: Uuid) -> ApiResult<String> {
    let name = institution::Entity::find_by_id(id).one(db).await?.map(|i| i.name).unwrap_or_default();
    Ok(name.chars().take(100).collect())
}

/// The institution of a bill-related request, in the actor's scope (`404` otherwise).
pub async fn institution_in_scope<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: Uuid,
) -> ApiResult<institution::Model> {
    institution::Entity::find_by_id(id)
        .filter(scope::institutions(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_institution()))
}
