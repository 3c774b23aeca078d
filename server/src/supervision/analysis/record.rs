//! Recording what the monthly analysis found: a finding new to the month is added (open), one
//! already known and still open gets the new evidence and records, one already decided is left
//! as decided, and an open one the rules no longer find is dismissed as lapsed — so a rerun
//! updates and never duplicates. A chunk of findings per transaction, the run's progress written
//! in the same transaction.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use ltci_shared::api::supervision::{FindingStatus, Moment, MonitorRuleCount, Rule};
use ltci_shared::messages as m;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

use super::rules::{Found, Rec};
use super::{Stage, progressed};
use crate::audit::{self, AuditActor};
use crate::auth::Actor;
use crate::entities::{enum_to_db, finding, finding_record};
use crate::http::error::ApiResult;

/// Findings written per transaction.
const CHUNK: usize = 500;

/// Record rows per insert (7 values each).
const RECORDS_PER_INSERT: usize = 1_000;

/// Records the run's findings; returns what each rule found and how many open findings lapsed.
pub async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    run_id: Uuid,
    month: &str,
    policy_version_id: Option<Uuid>,
    found: Vec<Found>,
    tick: &mut (dyn FnMut(u64) + Send),
) -> ApiResult<(Vec<MonitorRuleCount>, u64)> {
    let after: Vec<String> = Rule::ALL.iter().filter(|r| r.moment() == Moment::After).map(enum_to_db).collect();
    let known: HashMap<(String, String), finding::Model> = finding::Entity::find()
        .filter(finding::Column::RegionId.eq(actor.region_id))
        .filter(finding::Column::Month.eq(month))
        .filter(finding::Column::Rule.is_in(after))
        .all(db)
        .await?
        .into_iter()
        .map(|f| ((f.rule.clone(), f.key.clone()), f))
        .collect();
    let who = AuditActor::from(actor);
    let mut counts: BTreeMap<Rule, MonitorRuleCount> = BTreeMap::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let total = found.len() as u64;
    let mut done = 0;
    let mut found = found.into_iter().peekable();
    while found.peek().is_some() {
        let chunk: Vec<Found> = found.by_ref().take(CHUNK).collect();
        let txn = db.begin().await?;
        let (mut new_rows, mut records, mut trail, mut refreshed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let now = Utc::now();
        for f in chunk {
            let rule = enum_to_db(&f.rule);
            let count = counts.entry(f.rule).or_insert(MonitorRuleCount { rule: f.rule, found: 0, new: 0 });
            count.found += 1;
            let key = (rule.clone(), f.key.clone());
            if !seen.insert(key.clone()) {
                continue;
            }
            let summary = f.summary.stored();
            let evidence = f.evidence.to_string();
            match known.get(&key) {
                None => {
                    count.new += 1;
                    let id = Uuid::now_v7();
                    records.extend(rows_of(id, &f.records));
                    trail.push(audit::row(&who, "finding.found", "finding", &id.to_string(), &[]));
                    let origin = Origin {
                        region_id: actor.region_id,
                        month: month.to_owned(),
                        policy_version_id,
                        run_id: Some(run_id),
                        now,
                    };
                    new_rows.push(open_row(id, &origin, &f));
                }
                Some(k) if k.status == enum_to_db(&FindingStatus::Open) => {
                    let changed = k.summary != summary || k.evidence != evidence;
                    finding::Entity::update_many()
                        .col_expr(finding::Column::Summary, Expr::value(summary))
                        .col_expr(finding::Column::Evidence, Expr::value(evidence))
                        .col_expr(finding::Column::OccurredOn, Expr::value(f.occurred_on))
                        .col_expr(finding::Column::PolicyVersionId, Expr::value(policy_version_id))
                        .col_expr(finding::Column::RunId, Expr::value(run_id))
                        .col_expr(finding::Column::UpdatedAt, Expr::value(now))
                        .filter(finding::Column::Id.eq(k.id))
                        .exec(&txn)
                        .await?;
                    refreshed.push(k.id);
                    records.extend(rows_of(k.id, &f.records));
                    if changed {
                        trail.push(audit::row(&who, "finding.updated", "finding", &k.id.to_string(), &["evidence"]));
                    }
                }
                // Decided: the decision stands.
                Some(_) => {}
            }
        }
        if !refreshed.is_empty() {
            finding_record::Entity::delete_many()
                .filter(finding_record::Column::FindingId.is_in(refreshed))
                .exec(&txn)
                .await?;
        }
        for rows in new_rows.chunks(CHUNK) {
            finding::Entity::insert_many(rows.to_vec()).exec_without_returning(&txn).await?;
        }
        for rows in records.chunks(RECORDS_PER_INSERT) {
            finding_record::Entity::insert_many(rows.to_vec()).exec_without_returning(&txn).await?;
        }
        done = (done + CHUNK as u64).min(total);
        progressed(&txn, run_id, Stage::Recording, done, total).await?;
        audit::commit_with(txn, trail).await?;
        tick(done);
    }
    let lapsed =
        lapse(db, &who, known.into_values().filter(|k| !seen.contains(&(k.rule.clone(), k.key.clone())))).await?;
    Ok((counts.into_values().collect(), lapsed))
}

/// Dismisses the open findings the analysis no longer finds, as lapsed.
async fn lapse(
    db: &DatabaseConnection,
    who: &AuditActor,
    gone: impl Iterator<Item = finding::Model>,
) -> ApiResult<u64> {
    let open = enum_to_db(&FindingStatus::Open);
    let ids: Vec<Uuid> = gone.filter(|k| k.status == open).map(|k| k.id).collect();
    let dismissed = enum_to_db(&FindingStatus::Dismissed);
    for chunk in ids.chunks(CHUNK) {
        let txn = db.begin().await?;
        finding::Entity::update_many()
            .col_expr(finding::Column::Status, Expr::value(dismissed.clone()))
            .col_expr(finding::Column::DecisionReason, Expr::value(m::finding_lapsed().stored()))
            .col_expr(finding::Column::DecidedAt, Expr::value(Utc::now()))
            .col_expr(finding::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(finding::Column::Id.is_in(chunk.to_vec()))
            .filter(finding::Column::Status.eq(open.clone()))
            .exec(&txn)
            .await?;
        let trail = chunk
            .iter()
            .map(|id| {
                let mut row = audit::row(who, "finding.lapsed", "finding", &id.to_string(), &["status"]);
                row.state_before = Set(Some(open.clone()));
                row.state_after = Set(Some(dismissed.clone()));
                row
            })
            .collect();
        audit::commit_with(txn, trail).await?;
    }
    Ok(ids.len() as u64)
}

/// The rows of a finding's records, in order.
/// Where a new finding comes from.
pub(crate) struct Origin {
    pub region_id: Uuid,
    /// The month of the services it concerns.
    pub month: String,
    pub policy_version_id: Option<Uuid>,
    /// The monthly analysis that found it (none for one raised before or during care).
    pub run_id: Option<Uuid>,
    pub now: chrono::DateTime<Utc>,
}

/// A new open finding of `f`, its summary and evidence in their stored form.
pub(crate) fn open_row(id: Uuid, origin: &Origin, f: &Found) -> finding::ActiveModel {
    finding::ActiveModel {
        id: Set(id),
        region_id: Set(origin.region_id),
        rule: Set(enum_to_db(&f.rule)),
        key: Set(f.key.clone()),
        month: Set(origin.month.clone()),
        occurred_on: Set(f.occurred_on),
        institution_id: Set(f.institution_id),
        caregiver_id: Set(f.caregiver_id),
        insured_person_id: Set(f.person_id),
        summary: Set(f.summary.stored()),
        evidence: Set(f.evidence.to_string()),
        policy_version_id: Set(origin.policy_version_id),
        status: Set(enum_to_db(&FindingStatus::Open)),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        decision_reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        deducted_fen: Set(0),
        recovered_fen: Set(0),
        violation_id: Set(None),
        run_id: Set(origin.run_id),
        created_at: Set(origin.now),
        updated_at: Set(origin.now),
    }
}

pub(crate) fn rows_of(finding_id: Uuid, records: &[Rec]) -> Vec<finding_record::ActiveModel> {
    let mut seen = HashSet::new();
    records
        .iter()
        .filter(|r| seen.insert((r.source, r.id, r.on)))
        .enumerate()
        .map(|(i, r)| finding_record::ActiveModel {
            finding_id: Set(finding_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            source: Set(r.source.code().to_owned()),
            source_id: Set(r.id),
            service_on: Set(r.on),
            institution_id: Set(Some(r.institution_id)),
            affected: Set(r.affected),
        })
        .collect()
}
