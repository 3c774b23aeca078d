//! Findings raised one at a time, inside the transaction that saw them: warnings before care is
//! given (事前提醒: a plan saved, visits scheduled, a caregiver assigned) and checks when a visit is
//! verified (事中审核). Keyed like the monthly analysis's — region, rule and key — so seeing the
//! same thing again updates an open finding and never adds a second one; a decided one stays
//! decided.

use chrono::Utc;
use ltci_shared::api::supervision::{FindingStatus, Rule, Warning};
use ltci_shared::policy::PolicyDocument;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::analysis::record::{Origin, open_row, rows_of};
use super::analysis::rules::Found;
use crate::audit::{self, AuditActor};
use crate::entities::{enum_to_db, finding, finding_record};
use crate::http::error::{ApiError, ApiResult};

/// Records `found` in `region`: returns the finding's id (new, refreshed or already decided).
pub async fn raise<C: ConnectionTrait>(
    db: &C,
    who: &AuditActor,
    region_id: Uuid,
    policy_version_id: Option<Uuid>,
    found: Found,
) -> ApiResult<Uuid> {
    let rule = enum_to_db(&found.rule);
    let known = finding::Entity::find()
        .filter(finding::Column::RegionId.eq(region_id))
        .filter(finding::Column::Rule.eq(rule.as_str()))
        .filter(finding::Column::Key.eq(found.key.as_str()))
        .one(db)
        .await?;
    let summary = found.summary.stored();
    let evidence = found.evidence.to_string();
    let now = Utc::now();
    let id = match known {
        Some(k) if k.status != enum_to_db(&FindingStatus::Open) => return Ok(k.id),
        Some(k) if k.summary == summary && k.evidence == evidence => return Ok(k.id),
        Some(k) => {
            finding::Entity::update_many()
                .col_expr(finding::Column::Summary, Expr::value(summary))
                .col_expr(finding::Column::Evidence, Expr::value(evidence))
                .col_expr(finding::Column::OccurredOn, Expr::value(found.occurred_on))
                .col_expr(finding::Column::PolicyVersionId, Expr::value(policy_version_id))
                .col_expr(finding::Column::UpdatedAt, Expr::value(now))
                .filter(finding::Column::Id.eq(k.id))
                .exec(db)
                .await?;
            finding_record::Entity::delete_many().filter(finding_record::Column::FindingId.eq(k.id)).exec(db).await?;
            audit::record(db, who, "finding.updated", "finding", k.id, &["evidence"]).await?;
            k.id
        }
        None => {
            let id = Uuid::now_v7();
            let origin = Origin {
                region_id,
                month: found.occurred_on.format("%Y-%m").to_string(),
                policy_version_id,
                run_id: None,
                now,
            };
            finding::Entity::insert(open_row(id, &origin, &found)).exec_without_returning(db).await?;
            audit::record(db, who, "finding.found", "finding", id, &[]).await?;
            id
        }
    };
    let rows = rows_of(id, &found.records);
    if !rows.is_empty() {
        finding_record::Entity::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(id)
}

/// Checks made before care is given, as they come out of a request: each is refused (422 with
/// the rule's code, naming `field`) if the policy makes its rule blocking, and otherwise kept as
/// a finding and returned as a warning in the reader's language.
pub async fn warn<C: ConnectionTrait>(
    db: &C,
    who: &AuditActor,
    region_id: Uuid,
    policy: Option<(Uuid, &PolicyDocument)>,
    raised: Vec<(&str, Found)>,
) -> ApiResult<Vec<Warning>> {
    let blocking: &[Rule] = policy.map_or(&[], |(_, d)| &d.monitoring.before.blocking);
    if let Some((field, f)) = raised.iter().find(|(_, f)| blocking.contains(&f.rule)) {
        return Err(ApiError::invalid_field(field, &enum_to_db(&f.rule), f.summary.clone()));
    }
    let lang = crate::language::current();
    let mut out = Vec::with_capacity(raised.len());
    for (field, f) in raised {
        let (rule, message) = (f.rule, f.summary.render(lang));
        let finding_id = raise(db, who, region_id, policy.map(|(id, _)| id), f).await?;
        out.push(Warning { rule, field: field.to_owned(), message, finding_id });
    }
    Ok(out)
}
