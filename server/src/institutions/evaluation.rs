//! Annual evaluation (评鉴): the sheet in force per region and year, evaluations with their
//! grade, credit class and deposit release, and confirmed violations that deduct points.
//!
//! A violation deducts from the first evaluation recorded on or after its confirmation date, and
//! from that one only: an evaluation never changes once recorded, and no violation is lost or
//! counted twice.

use ltci_shared::messages as m;
use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Utc};
use ltci_shared::api::evaluation::{
    CategoryScore, Evaluation, EvaluationRequest, EvaluationScheme, GradeThresholds, SchemeInForce, ScoredCategory,
    Violation, ViolationRequest,
};
use ltci_shared::api::institutions::InstitutionStatus;
use ltci_shared::error::codes;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::designation::{add_event, find_in_scope};
use super::sheet::{self, check_scheme, credit_class, default_scheme};
use super::views::status;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::{
    enum_from_db, enum_to_db, evaluation_scheme as scheme_row, institution, institution_evaluation as ev,
    institution_violation as vio,
};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::state::AppState;
use crate::supervision::follow_ups;

fn check_year(year: i32) -> ApiResult<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(ApiError::invalid_field("year", "out_of_range", m::year_range(2000, 2100)))
    }
}

fn json<T: serde::Serialize>(v: &T) -> ApiResult<String> {
    Ok(serde_json::to_string(v).map_err(anyhow::Error::from)?)
}

fn parse<T: serde::de::DeserializeOwned>(s: &str) -> ApiResult<T> {
    Ok(serde_json::from_str(s).map_err(anyhow::Error::from)?)
}

/// The sheet in force for `year`: the latest set for that year or before, else the default.
async fn in_force<C: ConnectionTrait>(db: &C, region_id: Uuid, year: i32) -> ApiResult<SchemeInForce> {
    let row = scheme_row::Entity::find()
        .filter(scheme_row::Column::RegionId.eq(region_id))
        .filter(scheme_row::Column::Year.lte(year))
        .order_by_desc(scheme_row::Column::Year)
        .one(db)
        .await?;
    Ok(match row {
        Some(r) => SchemeInForce { year, set_for_year: Some(r.year), scheme: parse(&r.scheme_json)? },
        None => SchemeInForce { year, set_for_year: None, scheme: default_scheme() },
    })
}

pub async fn get_scheme(state: &AppState, actor: &Actor, year: i32) -> ApiResult<SchemeInForce> {
    actor.require(Permission::ReadInstitutions)?;
    check_year(year)?;
    in_force(&state.db, actor.region_id, year).await
}

/// Sets the sheet from `year` on. Refused once evaluations of that year are recorded, so every
/// evaluation of a year is scored on the same sheet.
pub async fn put_scheme(state: &AppState, actor: &Actor, year: i32, s: EvaluationScheme) -> ApiResult<SchemeInForce> {
    actor.require(Permission::EvaluateInstitutions)?;
    check_year(year)?;
    let mut errors = FieldErrors::new();
    check_scheme(&mut errors, &s);
    errors.finish()?;
    let s = EvaluationScheme {
        categories: s
            .categories
            .into_iter()
            .map(|c| ltci_shared::api::evaluation::EvaluationCategory { name: c.name.trim().to_string(), ..c })
            .collect(),
        ..s
    };
    let txn = state.db.begin().await?;
    let used = ev::Entity::find()
        .filter(ev::Column::RegionId.eq(actor.region_id))
        .filter(ev::Column::Year.eq(year))
        .one(&txn)
        .await?;
    if used.is_some() {
        return Err(ApiError::conflict("year", m::sheet_in_use()));
    }
    let existing = scheme_row::Entity::find()
        .filter(scheme_row::Column::RegionId.eq(actor.region_id))
        .filter(scheme_row::Column::Year.eq(year))
        .one(&txn)
        .await?;
    let now = Utc::now();
    let id = match existing {
        Some(row) => {
            let id = row.id;
            let mut a: scheme_row::ActiveModel = row.into();
            a.scheme_json = Set(json(&s)?);
            a.updated_by = Set(actor.user_id);
            a.updated_at = Set(now);
            a.update(&txn).await?;
            id
        }
        None => {
            scheme_row::ActiveModel {
                id: Set(Uuid::now_v7()),
                region_id: Set(actor.region_id),
                year: Set(year),
                scheme_json: Set(json(&s)?),
                updated_by: Set(actor.user_id),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    audit::record(&txn, &AuditActor::from(actor), "evaluation_scheme.set", "evaluation_scheme", id, &["scheme"])
        .await?;
    audit::commit(txn).await?;
    Ok(SchemeInForce { year, set_for_year: Some(year), scheme: s })
}

fn violation_view(m: vio::Model) -> ApiResult<Violation> {
    Ok(Violation {
        id: m.id,
        institution_id: m.institution_id,
        occurred_on: m.occurred_on,
        confirmed_on: m.confirmed_on,
        description: m.description,
        points: u32::try_from(m.points).unwrap_or(0),
        serious: m.serious,
        source: enum_from_db(&m.source)?,
        evaluation_id: m.evaluation_id,
        recorded_by: m.recorded_by,
        recorded_at: m.recorded_at,
    })
}

fn u(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

async fn evaluation_views<C: ConnectionTrait>(db: &C, rows: Vec<ev::Model>) -> ApiResult<Vec<Evaluation>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut deductions: HashMap<Uuid, Vec<Violation>> = HashMap::new();
    for v in vio::Entity::find()
        .filter(vio::Column::EvaluationId.is_in(ids))
        .order_by_asc(vio::Column::ConfirmedOn)
        .all(db)
        .await?
    {
        if let Some(e) = v.evaluation_id {
            deductions.entry(e).or_default().push(violation_view(v)?);
        }
    }
    rows.into_iter()
        .map(|r| {
            let thresholds: GradeThresholds = parse(&r.thresholds_json)?;
            Ok(Evaluation {
                id: r.id,
                institution_id: r.institution_id,
                year: r.year,
                categories: parse(&r.categories_json)?,
                category_points: u(r.category_points),
                deductions: deductions.remove(&r.id).unwrap_or_default(),
                deducted_points: u(r.deducted_points),
                total: u(r.total),
                grade: enum_from_db(&r.grade)?,
                credit_class: enum_from_db(&r.credit_class)?,
                thresholds,
                deposit_release_percent: u8::try_from(r.deposit_release_percent).unwrap_or(0),
                evaluated_on: r.evaluated_on,
                evaluated_by: r.evaluated_by,
                notes: r.notes,
                created_at: r.created_at,
            })
        })
        .collect()
}

/// Designated at some point: only those are evaluated or charged with violations.
fn ensure_designated(m: &institution::Model) -> ApiResult<()> {
    match status(m)? {
        InstitutionStatus::Active | InstitutionStatus::Suspended | InstitutionStatus::Terminated => Ok(()),
        _ => Err(ApiError::state_conflict(codes::INVALID_STATE_TRANSITION, &m.status, m::only_designated_evaluated())),
    }
}

/// Matches the scores against the sheet: every category once, within its maximum.
fn score_sheet(scheme: &EvaluationScheme, scores: &[CategoryScore]) -> ApiResult<Vec<ScoredCategory>> {
    let mut errors = FieldErrors::new();
    let mut given: HashMap<&str, (usize, &CategoryScore)> = HashMap::new();
    for (i, s) in scores.iter().enumerate() {
        match scheme.categories.iter().find(|c| c.code == s.category) {
            None => errors.add(format!("scores[{i}].category"), "unknown_category", m::not_a_sheet_category()),
            Some(c) if s.points > c.max_points => {
                errors.add(format!("scores[{i}].points"), "out_of_range", m::at_most_points(c.max_points))
            }
            Some(_) => {}
        }
        if let Some(note) = s.note.as_deref()
            && let Err((code, text)) = crate::fields::check_paragraph(note, 500)
            && code != "required"
        {
            errors.add(format!("scores[{i}].note"), code, text);
        }
        if given.insert(s.category.as_str(), (i, s)).is_some() {
            errors.add(format!("scores[{i}].category"), "duplicate", m::category_scored_once());
        }
    }
    let missing: BTreeSet<&str> =
        scheme.categories.iter().map(|c| c.code.as_str()).filter(|c| !given.contains_key(c)).collect();
    if !missing.is_empty() {
        let list: Vec<&str> = missing.into_iter().collect();
        errors.add("scores", "missing_category", m::missing_categories(list.join(", ")));
    }
    errors.finish()?;
    Ok(scheme
        .categories
        .iter()
        .filter_map(|c| {
            given.get(c.code.as_str()).map(|(_, s)| ScoredCategory {
                code: c.code.clone(),
                name: c.name.clone(),
                max_points: c.max_points,
                points: s.points,
                note: s.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string),
            })
        })
        .collect())
}

/// Records the evaluation of a year: scores on the year's sheet, less the violations confirmed
/// by the evaluation date and not yet deducted.
pub async fn evaluate(state: &AppState, actor: &Actor, id: Uuid, req: EvaluationRequest) -> ApiResult<Evaluation> {
    actor.require(Permission::EvaluateInstitutions)?;
    check_year(req.year)?;
    let notes = match req.notes.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(check_text(n, 1000).map_err(|(c, m)| ApiError::invalid_field("notes", c, m))?),
        None => None,
    };
    let txn = state.db.begin().await?;
    let inst = find_in_scope(&txn, actor, id).await?;
    ensure_designated(&inst)?;
    let today = actor.today;
    let on = req.evaluated_on.unwrap_or(today);
    if on.year() < req.year || on > today {
        return Err(ApiError::invalid_field("evaluated_on", "out_of_range", m::evaluation_date_rule()));
    }
    let sheet_in_force = in_force(&txn, inst.region_id, req.year).await?;
    // Satisfaction comes from the year's follow-ups (回访) once any is answered.
    let mut scores = req.scores.clone();
    if let Some(c) = sheet_in_force.scheme.categories.iter().find(|c| c.code == follow_ups::SATISFACTION_CATEGORY)
        && let Some((points, note)) =
            follow_ups::satisfaction_score(&txn, inst.region_id, inst.id, req.year, c.max_points).await?
    {
        scores.retain(|s| s.category != c.code);
        scores.push(CategoryScore {
            category: c.code.clone(),
            points,
            note: Some(note.render(crate::language::current())),
        });
    }
    let categories = score_sheet(&sheet_in_force.scheme, &scores)?;
    let done = ev::Entity::find()
        .filter(ev::Column::InstitutionId.eq(inst.id))
        .filter(ev::Column::Year.eq(req.year))
        .one(&txn)
        .await?;
    if done.is_some() {
        return Err(ApiError::conflict("year", m::already_evaluated()));
    }
    let pending = vio::Entity::find()
        .filter(vio::Column::InstitutionId.eq(inst.id))
        .filter(vio::Column::EvaluationId.is_null())
        .filter(vio::Column::ConfirmedOn.lte(on))
        .all(&txn)
        .await?;
    let category_points: u32 = categories.iter().map(|c| c.points).sum();
    let deducted: u32 = pending.iter().map(|v| u(v.points)).sum();
    let total = category_points.saturating_sub(deducted);
    let thresholds = sheet_in_force.scheme.thresholds;
    let grade = sheet::grade(total, &thresholds);
    let class = credit_class(grade, pending.iter().any(|v| v.serious));
    let release = sheet_in_force.scheme.deposit_release_percent.percent(class);
    let evaluation_id = Uuid::now_v7();
    let i = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    ev::ActiveModel {
        id: Set(evaluation_id),
        region_id: Set(inst.region_id),
        institution_id: Set(inst.id),
        year: Set(req.year),
        categories_json: Set(json(&categories)?),
        thresholds_json: Set(json(&thresholds)?),
        category_points: Set(i(category_points)),
        deducted_points: Set(i(deducted)),
        total: Set(i(total)),
        grade: Set(enum_to_db(&grade)),
        credit_class: Set(enum_to_db(&class)),
        deposit_release_percent: Set(i32::from(release)),
        evaluated_on: Set(on),
        evaluated_by: Set(actor.user_id),
        notes: Set(notes),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(unique_as(|| ApiError::conflict("year", m::already_evaluated())))?;
    let pending_ids: Vec<Uuid> = pending.iter().map(|v| v.id).collect();
    let claimed = vio::Entity::update_many()
        .col_expr(vio::Column::EvaluationId, sea_orm::sea_query::Expr::value(evaluation_id))
        .filter(vio::Column::Id.is_in(pending_ids.clone()))
        .filter(vio::Column::EvaluationId.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != pending_ids.len() as u64 {
        return Err(ApiError::conflict("year", m::violations_taken_meanwhile()));
    }
    let details = serde_json::json!({
        "year": req.year, "total": total, "grade": grade, "credit_class": class,
        "deposit_release_percent": release,
    });
    add_event(&txn, actor, inst.id, "evaluated", None, Some(on), Some(details)).await?;
    audit::record(&txn, &AuditActor::from(actor), "institution.evaluate", "institution", inst.id, &["evaluations"])
        .await?;
    let row = ev::Entity::find_by_id(evaluation_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("evaluation vanished")))?;
    let out = evaluation_views(&txn, vec![row]).await?;
    audit::commit(txn).await?;
    tracing::info!(institution_id = %inst.id, year = req.year, total, "institution evaluated");
    out.into_iter().next().ok_or_else(|| ApiError::internal(anyhow::anyhow!("evaluation view missing")))
}

/// The evaluation history of an institution, latest year first.
pub async fn list(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Vec<Evaluation>> {
    actor.require(Permission::ReadInstitutions)?;
    let inst = find_in_scope(&state.db, actor, id).await?;
    let rows = ev::Entity::find()
        .filter(ev::Column::InstitutionId.eq(inst.id))
        .order_by_desc(ev::Column::Year)
        .all(&state.db)
        .await?;
    evaluation_views(&state.db, rows).await
}

/// Records a violation confirmed by the agency (from monitoring, inspection or a complaint).
pub async fn add_violation(state: &AppState, actor: &Actor, id: Uuid, req: ViolationRequest) -> ApiResult<Violation> {
    actor.require(Permission::EvaluateInstitutions)?;
    let mut errors = FieldErrors::new();
    let description = errors.take("description", check_text(&req.description, 500));
    if !(1..=sheet::SHEET_POINTS).contains(&req.points) {
        errors.add("points", "out_of_range", m::between(1, 1000));
    }
    let txn = state.db.begin().await?;
    let inst = find_in_scope(&txn, actor, id).await?;
    ensure_designated(&inst)?;
    let today = actor.today;
    let confirmed_on = req.confirmed_on.unwrap_or(today);
    if confirmed_on > today {
        errors.add("confirmed_on", "in_future", m::violation_confirmed_first());
    }
    if req.occurred_on > confirmed_on {
        errors.add("occurred_on", "after_confirmation", m::violation_after_confirmation());
    }
    errors.finish()?;
    let description = description.ok_or_else(|| ApiError::internal(anyhow::anyhow!("validated field missing")))?;
    let m = vio::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(inst.region_id),
        institution_id: Set(inst.id),
        occurred_on: Set(req.occurred_on),
        confirmed_on: Set(confirmed_on),
        description: Set(description),
        points: Set(i32::try_from(req.points).unwrap_or(i32::MAX)),
        serious: Set(req.serious),
        source: Set(enum_to_db(&req.source)),
        evaluation_id: Set(None),
        recorded_by: Set(actor.user_id),
        recorded_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, &AuditActor::from(actor), "institution.violation", "institution", inst.id, &["violations"])
        .await?;
    audit::commit(txn).await?;
    violation_view(m)
}

/// An institution's violations, latest confirmed first.
pub async fn list_violations(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Vec<Violation>> {
    actor.require(Permission::ReadInstitutions)?;
    let inst = find_in_scope(&state.db, actor, id).await?;
    vio::Entity::find()
        .filter(vio::Column::InstitutionId.eq(inst.id))
        .order_by_desc(vio::Column::ConfirmedOn)
        .order_by_asc(vio::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(violation_view)
        .collect()
}
