//! Working findings (监控发现处理): officers and auditors read the region's, institution staff
//! their own (and only their own records of each); the institution answers once while a finding
//! is open; an officer confirms or dismisses it with a reason. Confirming refuses the affected
//! services through the existing mechanisms — deducted from a submitted bill with the finding as
//! the reason, recovered by the next bill where the bill was approved, refused when a draft is
//! computed — and records a violation for the institution's next evaluation.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::evaluation::ViolationSource;
use ltci_shared::api::settlement::BillStatus;
use ltci_shared::api::supervision::{
    AnswerFinding, DecideFinding, Finding, FindingDecision, FindingFilter, FindingRecord, FindingStatus, Moment, Rule,
};
use ltci_shared::api::users::Role;
use ltci_shared::messages as m;
use ltci_shared::money::to_yuan;
use ltci_shared::text::Text;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{bill, enum_from_db, enum_to_db, finding, finding_record, institution_violation};
use crate::fields::check_paragraph;
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::settlement::packs::Marking;
use crate::state::AppState;
use crate::supervision::analysis::rules::Source;

/// The longest answer or reason, in characters.
const MAX_TEXT: usize = 1000;

/// The finding as `actor` may see it: records of other institutions left out for institution
/// staff.
fn view(f: finding::Model, records: Vec<finding_record::Model>, actor: &Actor) -> ApiResult<Finding> {
    let lang = crate::language::current();
    let rule: Rule = enum_from_db(&f.rule)?;
    let own = |r: &finding_record::Model| actor.role != Role::Institution || r.institution_id == actor.institution_id;
    Ok(Finding {
        id: f.id,
        rule,
        rule_name: rule.text().render(lang),
        moment: rule.moment(),
        severity: rule.severity(),
        status: enum_from_db(&f.status)?,
        month: f.month,
        occurred_on: f.occurred_on,
        institution_id: f.institution_id,
        caregiver_id: f.caregiver_id,
        insured_person_id: f.insured_person_id,
        summary: Text::from_stored(&f.summary).render(lang),
        evidence: serde_json::from_str(&f.evidence).unwrap_or(serde_json::Value::Null),
        policy_version_id: f.policy_version_id,
        records: records
            .into_iter()
            .filter(own)
            .map(|r| FindingRecord {
                source: r.source,
                source_id: r.source_id,
                service_on: r.service_on,
                institution_id: r.institution_id,
                affected: r.affected,
            })
            .collect(),
        answer: f.answer,
        answered_at: f.answered_at,
        decision_reason: f.decision_reason.map(|r| Text::from_stored(&r).render(lang)),
        decided_by: f.decided_by,
        decided_at: f.decided_at,
        deducted: to_yuan(f.deducted_fen),
        recovered: to_yuan(f.recovered_fen),
        violation_id: f.violation_id,
        created_at: f.created_at,
        updated_at: f.updated_at,
    })
}

/// The records of `ids`, in order, by finding.
async fn records_of<C: ConnectionTrait>(
    db: &C,
    ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, Vec<finding_record::Model>>> {
    let mut out: HashMap<Uuid, Vec<finding_record::Model>> = HashMap::new();
    for r in finding_record::Entity::find()
        .filter(finding_record::Column::FindingId.is_in(ids))
        .order_by_asc(finding_record::Column::FindingId)
        .order_by_asc(finding_record::Column::Position)
        .all(db)
        .await?
    {
        out.entry(r.finding_id).or_default().push(r);
    }
    Ok(out)
}

/// Findings in scope, open first, then the latest.
pub async fn list(state: &AppState, actor: &Actor, f: FindingFilter, page: PageRequest) -> ApiResult<Page<Finding>> {
    actor.require(Permission::ReadFindings)?;
    let mut q = finding::Entity::find().filter(scope::findings(actor));
    if let Some(s) = f.status {
        q = q.filter(finding::Column::Status.eq(enum_to_db(&s)));
    }
    if let Some(r) = f.rule {
        q = q.filter(finding::Column::Rule.eq(enum_to_db(&r)));
    }
    if let Some(i) = f.institution_id {
        q = q.filter(finding::Column::InstitutionId.eq(i));
    }
    if let Some(c) = f.caregiver_id {
        q = q.filter(finding::Column::CaregiverId.eq(c));
    }
    if let Some(moment) = f.moment {
        let rules: Vec<String> = Rule::ALL.iter().filter(|r| r.moment() == moment).map(enum_to_db).collect();
        q = q.filter(finding::Column::Rule.is_in(rules));
    }
    if let Some(plan) = f.plan_id {
        let on_plan = Query::select()
            .column(finding_record::Column::FindingId)
            .from(finding_record::Entity)
            .and_where(finding_record::Column::Source.eq(Source::Plan.code()))
            .and_where(finding_record::Column::SourceId.eq(plan))
            .to_owned();
        q = q.filter(finding::Column::Id.in_subquery(on_plan));
    }
    if let Some(month) = f.month.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        crate::fields::month(month).map_err(|(c, t)| ApiError::invalid_field("month", c, t))?;
        q = q.filter(finding::Column::Month.eq(month));
    }
    let q = q
        .order_by_desc(finding::Column::Month)
        .order_by_asc(finding::Column::Rule)
        .order_by_asc(finding::Column::OccurredOn)
        .order_by_asc(finding::Column::Id);
    let found = fetch_page(&state.db, q, page, |f| f).await?;
    let mut records = records_of(&state.db, found.items.iter().map(|f| f.id).collect()).await?;
    let items = found
        .items
        .into_iter()
        .map(|f| {
            let r = records.remove(&f.id).unwrap_or_default();
            view(f, r, actor)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}

/// A finding in scope (an id out of scope answers like one that does not exist).
pub(crate) async fn find<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<finding::Model> {
    finding::Entity::find_by_id(id)
        .filter(scope::findings(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_finding()))
}

/// One finding with its records.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Finding> {
    actor.require(Permission::ReadFindings)?;
    let f = find(&state.db, actor, id).await?;
    let records = records_of(&state.db, vec![f.id]).await?.remove(&f.id).unwrap_or_default();
    view(f, records, actor)
}

/// The institution's answer: once, while the finding is open. The same answer sent again
/// changes nothing.
pub async fn answer(state: &AppState, actor: &Actor, id: Uuid, req: AnswerFinding) -> ApiResult<Finding> {
    actor.require(Permission::AnswerFindings)?;
    let text = check_paragraph(&req.text, MAX_TEXT).map_err(|(c, t)| ApiError::invalid_field("text", c, t))?;
    let txn = state.db.begin().await?;
    let f = find(&txn, actor, id).await?;
    if f.answer.as_deref() == Some(text.as_str()) {
        drop(txn);
        return get(state, actor, id).await;
    }
    if f.status != enum_to_db(&FindingStatus::Open) {
        return Err(ApiError::state_conflict("invalid_state_transition", &f.status, m::finding_not_open()));
    }
    if f.answer.is_some() {
        return Err(ApiError::conflict("text", m::finding_already_answered()));
    }
    let done = finding::Entity::update_many()
        .col_expr(finding::Column::Answer, Expr::value(text))
        .col_expr(finding::Column::AnsweredBy, Expr::value(actor.user_id))
        .col_expr(finding::Column::AnsweredAt, Expr::value(Utc::now()))
        .col_expr(finding::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(finding::Column::Id.eq(f.id))
        .filter(finding::Column::Answer.is_null())
        .filter(finding::Column::Status.eq(enum_to_db(&FindingStatus::Open)))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ApiError::conflict("text", m::finding_already_answered()));
    }
    audit::record(&txn, &AuditActor::from(actor), "finding.answered", "finding", f.id, &["answer"]).await?;
    audit::commit(txn).await?;
    get(state, actor, id).await
}

/// An officer's decision. Confirmed: the affected lines of submitted bills deducted, those of
/// approved bills counted as to be recovered (the next bill carries it), and a violation
/// recorded against the institution (unless 0 points). The same decision sent again changes
/// nothing.
pub async fn decide(state: &AppState, actor: &Actor, id: Uuid, req: DecideFinding) -> ApiResult<Finding> {
    actor.require(Permission::DecideFindings)?;
    let mut errors = FieldErrors::new();
    let reason = errors.take("reason", check_paragraph(&req.reason, MAX_TEXT));
    if req.points.is_some_and(|p| p > 1000) {
        errors.add("points", "out_of_range", m::between(0, 1000));
    }
    errors.finish()?;
    let reason = m::verbatim(reason.unwrap_or_default()).stored();
    let status = match req.decision {
        FindingDecision::Confirmed => FindingStatus::Confirmed,
        FindingDecision::Dismissed => FindingStatus::Dismissed,
    };
    let txn = state.db.begin().await?;
    let f = find(&txn, actor, id).await?;
    if f.status == enum_to_db(&status) && f.decision_reason.as_deref() == Some(reason.as_str()) {
        drop(txn);
        return get(state, actor, id).await;
    }
    let open = enum_to_db(&FindingStatus::Open);
    if f.status != open {
        return Err(ApiError::state_conflict("invalid_state_transition", &f.status, m::finding_not_open()));
    }
    let now = Utc::now();
    let done = finding::Entity::update_many()
        .col_expr(finding::Column::Status, Expr::value(enum_to_db(&status)))
        .col_expr(finding::Column::DecisionReason, Expr::value(reason))
        .col_expr(finding::Column::DecidedBy, Expr::value(actor.user_id))
        .col_expr(finding::Column::DecidedAt, Expr::value(now))
        .col_expr(finding::Column::UpdatedAt, Expr::value(now))
        .filter(finding::Column::Id.eq(f.id))
        .filter(finding::Column::Status.eq(open.clone()))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ApiError::state_conflict("invalid_state_transition", &f.status, m::finding_not_open()));
    }
    let who = AuditActor::from(actor);
    audit::record_transition(&txn, &who, "finding.decided", "finding", f.id, Some(&open), &enum_to_db(&status)).await?;
    if status == FindingStatus::Confirmed {
        let rule: Rule = enum_from_db(&f.rule)?;
        let (deducted, recovered) = refuse_affected(&txn, &who, &f, rule).await?;
        let points = req.points.unwrap_or_else(|| rule.severity().default_points());
        let violation = match f.institution_id {
            Some(inst) if points > 0 => Some(violation(&txn, actor, &f, inst, rule, points, req.serious).await?),
            _ => None,
        };
        finding::Entity::update_many()
            .col_expr(finding::Column::DeductedFen, Expr::value(deducted))
            .col_expr(finding::Column::RecoveredFen, Expr::value(recovered))
            .col_expr(finding::Column::ViolationId, Expr::value(violation))
            .filter(finding::Column::Id.eq(f.id))
            .exec(&txn)
            .await?;
    }
    audit::commit(txn).await?;
    get(state, actor, id).await
}

/// Deducts the affected lines of the institution's submitted bills in full, the finding as the
/// reason, and counts what its approved or paid bills paid for them (the next bill recovers it,
/// the services now refused). Returns (deducted, to recover), in fen.
async fn refuse_affected<C: ConnectionTrait>(
    db: &C,
    who: &AuditActor,
    f: &finding::Model,
    rule: Rule,
) -> ApiResult<(i64, i64)> {
    let Some(inst) = f.institution_id else { return Ok((0, 0)) };
    let affected: Vec<finding_record::Model> = finding_record::Entity::find()
        .filter(finding_record::Column::FindingId.eq(f.id))
        .filter(finding_record::Column::Affected.eq(true))
        .filter(finding_record::Column::InstitutionId.eq(inst))
        .all(db)
        .await?;
    if affected.is_empty() {
        return Ok((0, 0));
    }
    // Only the bills of the months the affected services fall in.
    let months: HashSet<String> = affected.iter().map(|r| r.service_on.format("%Y-%m").to_string()).collect();
    let bills: HashMap<Uuid, bill::Model> = bill::Entity::find()
        .filter(bill::Column::InstitutionId.eq(inst))
        .filter(bill::Column::Month.is_in(months))
        .filter(bill::Column::Status.ne(enum_to_db(&BillStatus::Draft)))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let wanted: HashSet<(String, Uuid, NaiveDate)> =
        affected.iter().map(|r| (r.source.clone(), r.source_id, r.service_on)).collect();
    let lines = crate::settlement::packs::of_bills(db, bills.keys().copied(), Some(false)).await?;
    let reason = m::finding_deduction(rule.text().zh()).zh();
    let (mut deducted, mut recovered) = (0, 0);
    let mut marks: HashMap<Uuid, BTreeMap<i32, Marking>> = HashMap::new();
    for l in lines.iter().filter(|l| wanted.contains(&(l.row.source.clone(), l.row.source_id, l.row.on))) {
        let Some(b) = bills.get(&l.bill_id) else { continue };
        let (fund, already) = (l.row.fund_fen, l.mark.deducted_fen);
        if b.status == enum_to_db(&BillStatus::Submitted) {
            if fund > already {
                deducted += fund - already;
                let deduction = Marking::Deduction { fen: fund, reason: Some(reason.clone()) };
                marks.entry(b.id).or_default().insert(l.line_no, deduction);
            }
        } else {
            recovered += fund - already;
        }
    }
    let touched: Vec<Uuid> = marks.keys().copied().collect();
    for (bill_id, marks) in &marks {
        crate::settlement::packs::mark(db, *bill_id, marks).await?;
    }
    for id in touched {
        // The bill's version moves, so an approval that read it before cannot post the amount read.
        bill::Entity::update_many()
            .col_expr(bill::Column::Version, Expr::col(bill::Column::Version).add(1))
            .filter(bill::Column::Id.eq(id))
            .exec(db)
            .await?;
        audit::record(db, who, "bill.deduct", "bill", id, &["deducted", "deduction_reason"]).await?;
    }
    Ok((deducted, recovered))
}

/// Records the confirmed finding as a violation of the institution — found by monitoring, on
/// site or on follow-up, as the rule's moment says — deducting `points` from its next
/// evaluation.
async fn violation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    f: &finding::Model,
    inst: Uuid,
    rule: Rule,
    points: u32,
    serious: bool,
) -> ApiResult<Uuid> {
    let description: String =
        format!("{}：{}", rule.text().zh(), Text::from_stored(&f.summary).zh()).chars().take(500).collect();
    let v = institution_violation::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(f.region_id),
        institution_id: Set(inst),
        occurred_on: Set(f.occurred_on),
        confirmed_on: Set(actor.today),
        description: Set(description),
        points: Set(i32::try_from(points).unwrap_or(i32::MAX)),
        serious: Set(serious),
        source: Set(enum_to_db(&match rule.moment() {
            Moment::Inspection => ViolationSource::Inspection,
            Moment::FollowUp => ViolationSource::FollowUp,
            Moment::Before | Moment::During | Moment::After => ViolationSource::Monitoring,
        })),
        evaluation_id: Set(None),
        recorded_by: Set(actor.user_id),
        recorded_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    audit::record(db, &AuditActor::from(actor), "institution.violation", "institution", inst, &["violations"]).await?;
    Ok(v.id)
}

/// The services of the institution from `from` to `to` that a confirmed finding refuses:
/// (source, id, day), as bill lines name them.
pub async fn refused_within<C: ConnectionTrait>(
    db: &C,
    institution_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<HashSet<(String, Uuid, NaiveDate)>> {
    let confirmed = Query::select()
        .column(finding::Column::Id)
        .from(finding::Entity)
        .and_where(finding::Column::InstitutionId.eq(institution_id))
        .and_where(finding::Column::Status.eq(enum_to_db(&FindingStatus::Confirmed)))
        .to_owned();
    Ok(finding_record::Entity::find()
        .filter(finding_record::Column::FindingId.in_subquery(confirmed))
        .filter(finding_record::Column::Affected.eq(true))
        .filter(finding_record::Column::InstitutionId.eq(institution_id))
        .filter(finding_record::Column::ServiceOn.between(from, to))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.source, r.source_id, r.service_on))
        .collect())
}
