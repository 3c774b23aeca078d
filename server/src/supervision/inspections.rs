//! Random inspections (双随机、一公开): inspectors' declared links to institutions (回避), draws
//! of institutions — weighted by risk if asked — and of inspectors with the seed recorded (the
//! draw itself is `ltci_shared::draw`, so anyone can repeat it), the results recorded (each
//! problem opens a finding of the institution) and the closed draws published.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use ltci_shared::Page;
use ltci_shared::api::evaluation::CreditClass;
use ltci_shared::api::inspections::{
    DeclareConflict, DrawCandidate, DrawInspector, DrawRequest, Inspection, InspectionConflict, InspectionDraw,
    InspectionFilter, InspectionOutcome, InspectionProblem, InspectionResult, InspectionStatus, PublicCandidate,
    PublicDraw, PublicInspection,
};
use ltci_shared::api::institutions::InstitutionStatus;
use ltci_shared::api::supervision::{FindingStatus, Rule};
use ltci_shared::api::users::Role;
use ltci_shared::draw;
use ltci_shared::messages as m;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::analysis::rules::Found;
use super::signals;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{
    enum_from_db, enum_to_db, finding, inspection, inspection_conflict, inspection_draw, institution,
    institution_evaluation, region, user,
};
use crate::fields::{check_paragraph, check_text};
use crate::http::error::{ApiError, ApiResult, FieldErrors, is_unique_violation, unique_as};
use crate::http::pagination::{PageRequest, fetch_page, try_fetch_page};
use crate::state::AppState;

/// The most institutions one draw takes.
const MAX_DRAWN: u32 = 100;
/// The most inspectors sent to one institution.
const MAX_EACH: u32 = 5;
/// The most problems one inspection lists.
const MAX_PROBLEMS: usize = 10;

/// An inspector of the region: an active officer's or auditor's account.
async fn inspectors<C: ConnectionTrait>(db: &C, region_id: Uuid, ids: Option<&[Uuid]>) -> ApiResult<Vec<user::Model>> {
    let roles = [Role::Admin.as_str(), Role::Auditor.as_str()];
    let mut q = user::Entity::find()
        .filter(user::Column::RegionId.eq(region_id))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Role.is_in(roles));
    if let Some(ids) = ids {
        q = q.filter(user::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(q.order_by_asc(user::Column::Id).all(db).await?)
}

fn unknown_inspector(field: &str) -> ApiError {
    ApiError::invalid_field(field, "unknown_inspector", m::unknown_inspector())
}

/// Declares an inspector's link to an institution (agency officers): no draw sends them there.
pub async fn declare_conflict(state: &AppState, actor: &Actor, req: DeclareConflict) -> ApiResult<InspectionConflict> {
    actor.require(Permission::ManageInspections)?;
    let reason = check_text(&req.reason, 300).map_err(|(code, text)| ApiError::invalid_field("reason", code, text))?;
    let txn = state.db.begin().await?;
    let found = inspectors(&txn, actor.region_id, Some(&[req.inspector_id])).await?;
    let inspector = found.into_iter().next().ok_or_else(|| unknown_inspector("inspector_id"))?;
    let inst = crate::institutions::designation::require_in_region(
        &txn,
        actor.region_id,
        req.institution_id,
        "institution_id",
    )
    .await?;
    let row = inspection_conflict::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(actor.region_id),
        inspector_id: Set(inspector.id),
        institution_id: Set(inst.id),
        reason: Set(reason),
        declared_by: Set(actor.user_id),
        declared_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await
    .map_err(unique_as(|| ApiError::conflict("institution_id", m::conflict_already_declared())))?;
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "inspection_conflict.declare",
        "inspection_conflict",
        row.id,
        &["inspector_id", "institution_id", "reason"],
    )
    .await?;
    audit::commit(txn).await?;
    Ok(InspectionConflict {
        id: row.id,
        inspector_id: inspector.id,
        inspector_name: inspector.display_name,
        institution_id: inst.id,
        institution_name: inst.name,
        reason: row.reason,
        declared_at: row.declared_at,
    })
}

/// The region's declared links, newest first (officers and auditors).
pub async fn conflicts(state: &AppState, actor: &Actor, page: PageRequest) -> ApiResult<Page<InspectionConflict>> {
    actor.require(Permission::ReadSupervisionPlans)?;
    let q = inspection_conflict::Entity::find()
        .filter(inspection_conflict::Column::RegionId.eq(actor.region_id))
        .order_by_desc(inspection_conflict::Column::DeclaredAt)
        .order_by_desc(inspection_conflict::Column::Id);
    let found = fetch_page(&state.db, q, page, |r| r).await?;
    let people = user_names(&state.db, found.items.iter().map(|r| r.inspector_id)).await?;
    let places = institution_names(&state.db, found.items.iter().map(|r| r.institution_id)).await?;
    let items = found
        .items
        .into_iter()
        .map(|r| InspectionConflict {
            id: r.id,
            inspector_name: people.get(&r.inspector_id).cloned().unwrap_or_default(),
            inspector_id: r.inspector_id,
            institution_name: places.get(&r.institution_id).cloned().unwrap_or_default(),
            institution_id: r.institution_id,
            reason: r.reason,
            declared_at: r.declared_at,
        })
        .collect();
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}

async fn user_names<C: ConnectionTrait>(db: &C, ids: impl Iterator<Item = Uuid>) -> ApiResult<HashMap<Uuid, String>> {
    let ids: HashSet<Uuid> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

async fn institution_names<C: ConnectionTrait>(
    db: &C,
    ids: impl Iterator<Item = Uuid>,
) -> ApiResult<HashMap<Uuid, String>> {
    let ids: HashSet<Uuid> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(institution::Entity::find()
        .filter(institution::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect())
}

/// A credit class's risk points: A 0 … E 4; never evaluated 1.
fn class_points(class: Option<CreditClass>) -> u32 {
    match class {
        Some(CreditClass::A) => 0,
        Some(CreditClass::B) | None => 1,
        Some(CreditClass::C) => 2,
        Some(CreditClass::D) => 3,
        Some(CreditClass::E) => 4,
    }
}

/// The institutions a draw is made from — designated (active or suspended) — with their risk.
async fn candidates<C: ConnectionTrait>(db: &C, region_id: Uuid, weighted: bool) -> ApiResult<Vec<DrawCandidate>> {
    let designated = [enum_to_db(&InstitutionStatus::Active), enum_to_db(&InstitutionStatus::Suspended)];
    let list = institution::Entity::find()
        .filter(institution::Column::RegionId.eq(region_id))
        .filter(institution::Column::Status.is_in(designated))
        .order_by_asc(institution::Column::Id)
        .all(db)
        .await?;
    let open: HashMap<Uuid, i64> = finding::Entity::find()
        .select_only()
        .column(finding::Column::InstitutionId)
        .column_as(finding::Column::Id.count(), "n")
        .filter(finding::Column::RegionId.eq(region_id))
        .filter(finding::Column::Status.eq(enum_to_db(&FindingStatus::Open)))
        .filter(finding::Column::InstitutionId.is_not_null())
        .group_by(finding::Column::InstitutionId)
        .into_tuple::<(Option<Uuid>, i64)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, n)| Some((id?, n)))
        .collect();
    let mut classes: HashMap<Uuid, CreditClass> = HashMap::new();
    let evaluations = institution_evaluation::Entity::find()
        .filter(institution_evaluation::Column::RegionId.eq(region_id))
        .order_by_desc(institution_evaluation::Column::Year)
        .all(db)
        .await?;
    for e in evaluations {
        if let std::collections::hash_map::Entry::Vacant(slot) = classes.entry(e.institution_id) {
            slot.insert(enum_from_db(&e.credit_class)?);
        }
    }
    Ok(list
        .into_iter()
        .map(|i| {
            let open_findings = u32::try_from(open.get(&i.id).copied().unwrap_or(0)).unwrap_or(u32::MAX);
            let credit_class = classes.get(&i.id).copied();
            let weight = if weighted { 1 + open_findings.min(9) + class_points(credit_class) } else { 1 };
            DrawCandidate { institution_id: i.id, institution_name: i.name, weight, open_findings, credit_class }
        })
        .collect())
}

/// The labels the draw hashes: an institution's and an inspector's.
fn institution_label(id: Uuid) -> String {
    format!("institution:{id}")
}

fn inspector_label(id: Uuid) -> String {
    format!("inspector:{id}")
}

/// What a draw drew from its inputs — the candidates (institution, weight), the pool and the
/// links — per institution drawn, in order, its inspectors. The same inputs draw the same
/// (`ltci_shared::draw`); `Err` names the institution lacking inspectors.
pub fn drawn(
    seed: &str,
    candidates: &[(Uuid, u32)],
    pool: &[Uuid],
    conflicts: &[(Uuid, Uuid)],
    n: usize,
    each: usize,
) -> Result<Vec<(Uuid, Vec<Uuid>)>, Uuid> {
    let items: Vec<(String, u32)> = candidates.iter().map(|(id, w)| (institution_label(*id), *w)).collect();
    let chosen: Vec<Uuid> = draw::sample(seed, &items, n).into_iter().map(|i| candidates[i].0).collect();
    let labels: Vec<String> = chosen.iter().map(|id| institution_label(*id)).collect();
    let pool_labels: Vec<String> = pool.iter().map(|id| inspector_label(*id)).collect();
    let linked: HashSet<(Uuid, Uuid)> = conflicts.iter().copied().collect();
    let teams = draw::assign(seed, &labels, &pool_labels, |d, p| linked.contains(&(pool[p], chosen[d])), each)
        .map_err(|i| chosen[i])?;
    Ok(chosen.into_iter().zip(teams.into_iter().map(|t| t.into_iter().map(|p| pool[p]).collect())).collect())
}

/// Draws institutions and inspectors (agency officers). Sending the same `id` again returns the
/// draw made the first time; the same `id` with other parameters is `409`. Two copies of one
/// request at once: the one that loses the race reads the draw the other made.
pub async fn create_draw(state: &AppState, actor: &Actor, req: DrawRequest) -> ApiResult<InspectionDraw> {
    match draw_once(state, actor, &req).await? {
        Some(d) => Ok(d),
        None => draw_once(state, actor, &req).await?.ok_or_else(|| ApiError::conflict("id", m::draw_id_reused())),
    }
}

/// One attempt at a draw; none when another request inserted the same id meanwhile.
async fn draw_once(state: &AppState, actor: &Actor, req: &DrawRequest) -> ApiResult<Option<InspectionDraw>> {
    actor.require(Permission::ManageInspections)?;
    let mut errors = FieldErrors::new();
    let title = errors.take("title", check_text(&req.title, 100));
    if !(1..=MAX_DRAWN).contains(&req.institutions) {
        errors.add("institutions", "out_of_range", m::draw_count_range(MAX_DRAWN));
    }
    if !(1..=MAX_EACH).contains(&req.inspectors_each) {
        errors.add("inspectors_each", "out_of_range", m::draw_count_range(MAX_EACH));
    }
    let seed = super::seed::given(&mut errors, req.seed.as_deref());
    errors.finish()?;
    let Some(title) = title else { return Err(ApiError::internal(anyhow::anyhow!("validated title missing"))) };
    let txn = state.db.begin().await?;
    if let Some(known) = inspection_draw::Entity::find_by_id(req.id).one(&txn).await? {
        let pool: Vec<DrawInspector> = parse(&known.pool_json)?;
        let mut asked: Vec<Uuid> = req.inspector_ids.clone().unwrap_or_default();
        asked.sort();
        asked.dedup();
        let same = known.region_id == actor.region_id
            && known.title == title
            && known.weighted == req.weighted
            && known.institutions_requested == i32::try_from(req.institutions).unwrap_or(-1)
            && known.inspectors_each == i32::try_from(req.inspectors_each).unwrap_or(-1)
            && seed.as_ref().is_none_or(|s| *s == known.seed)
            && (req.inspector_ids.is_none() || asked == pool.iter().map(|p| p.user_id).collect::<Vec<_>>());
        if !same {
            return Err(ApiError::conflict("id", m::draw_id_reused()));
        }
        return view_draw(&txn, known).await.map(Some);
    }
    let candidates = candidates(&txn, actor.region_id, req.weighted).await?;
    if candidates.is_empty() {
        return Err(ApiError::invalid_field("institutions", "no_candidates", m::no_candidates()));
    }
    let pool = match &req.inspector_ids {
        Some(ids) => {
            let found: HashSet<Uuid> =
                inspectors(&txn, actor.region_id, Some(ids)).await?.into_iter().map(|u| u.id).collect();
            if let Some(i) = ids.iter().position(|id| !found.contains(id)) {
                return Err(unknown_inspector(&format!("inspector_ids[{i}]")));
            }
            let mut pool: Vec<Uuid> = found.into_iter().collect();
            pool.sort();
            pool
        }
        None => inspectors(&txn, actor.region_id, None).await?.into_iter().map(|u| u.id).collect(),
    };
    let conflicts: Vec<(Uuid, Uuid)> = inspection_conflict::Entity::find()
        .filter(inspection_conflict::Column::RegionId.eq(actor.region_id))
        .order_by_asc(inspection_conflict::Column::InspectorId)
        .order_by_asc(inspection_conflict::Column::InstitutionId)
        .all(&txn)
        .await?
        .into_iter()
        .filter(|c| pool.contains(&c.inspector_id))
        .map(|c| (c.inspector_id, c.institution_id))
        .collect();
    let seed = seed.unwrap_or_else(super::seed::fresh);
    let n = usize::try_from(req.institutions).unwrap_or(0).min(candidates.len());
    let each = usize::try_from(req.inspectors_each).unwrap_or(0);
    let weights: Vec<(Uuid, u32)> = candidates.iter().map(|c| (c.institution_id, c.weight)).collect();
    let teams = drawn(&seed, &weights, &pool, &conflicts, n, each).map_err(|short| {
        let name = candidates.iter().find(|c| c.institution_id == short).map(|c| c.institution_name.clone());
        ApiError::invalid_field(
            "inspectors_each",
            "not_enough_inspectors",
            m::not_enough_inspectors(name.unwrap_or_default()),
        )
    })?;
    let people = user_names(&txn, pool.iter().copied()).await?;
    let pool_view: Vec<DrawInspector> = pool
        .iter()
        .map(|id| DrawInspector { user_id: *id, name: people.get(id).cloned().unwrap_or_default() })
        .collect();
    let row = inspection_draw::ActiveModel {
        id: Set(req.id),
        region_id: Set(actor.region_id),
        title: Set(title),
        seed: Set(seed),
        weighted: Set(req.weighted),
        institutions_requested: Set(i32::try_from(req.institutions).unwrap_or(i32::MAX)),
        inspectors_each: Set(i32::try_from(req.inspectors_each).unwrap_or(i32::MAX)),
        candidates_json: Set(serde_json::to_string(&candidates).map_err(anyhow::Error::from)?),
        pool_json: Set(serde_json::to_string(&pool_view).map_err(anyhow::Error::from)?),
        conflicts_json: Set(serde_json::to_string(&conflicts).map_err(anyhow::Error::from)?),
        drawn_by: Set(actor.user_id),
        drawn_at: Set(Utc::now()),
        drawn_on: Set(actor.today),
    }
    .insert(&txn)
    .await;
    let row = match row {
        Err(e) if is_unique_violation(&e) => return Ok(None),
        other => other?,
    };
    for (rank, (institution_id, team)) in teams.into_iter().enumerate() {
        inspection::ActiveModel {
            id: Set(Uuid::now_v7()),
            draw_id: Set(row.id),
            region_id: Set(actor.region_id),
            institution_id: Set(institution_id),
            rank: Set(i32::try_from(rank + 1).unwrap_or(i32::MAX)),
            inspector_ids_json: Set(serde_json::to_string(&team).map_err(anyhow::Error::from)?),
            status: Set(enum_to_db(&InspectionStatus::Planned)),
            inspected_on: Set(None),
            outcome: Set(None),
            summary: Set(None),
            problems_json: Set(None),
            recorded_by: Set(None),
            recorded_at: Set(None),
            version: Set(1),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "inspection_draw.create",
        "inspection_draw",
        row.id,
        &["title", "seed", "weighted", "institutions", "inspectors_each"],
    )
    .await?;
    let view = view_draw(&txn, row).await?;
    audit::commit(txn).await?;
    tracing::info!(draw_id = %view.id, drawn = view.inspections.len(), "inspection draw made");
    Ok(Some(view))
}

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> ApiResult<T> {
    Ok(serde_json::from_str(json).map_err(anyhow::Error::from)?)
}

/// Inspections as the API shows them, naming institutions and inspectors in two queries.
async fn view_inspections<C: ConnectionTrait>(db: &C, rows: Vec<inspection::Model>) -> ApiResult<Vec<Inspection>> {
    let teams: Vec<Vec<Uuid>> = rows.iter().map(|r| parse(&r.inspector_ids_json)).collect::<ApiResult<_>>()?;
    let people = user_names(db, teams.iter().flatten().copied()).await?;
    let places = institution_names(db, rows.iter().map(|r| r.institution_id)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for (r, team) in rows.into_iter().zip(teams) {
        out.push(Inspection {
            id: r.id,
            draw_id: r.draw_id,
            institution_name: places.get(&r.institution_id).cloned().unwrap_or_default(),
            institution_id: r.institution_id,
            rank: u32::try_from(r.rank).unwrap_or(0),
            inspectors: team
                .iter()
                .map(|id| DrawInspector { user_id: *id, name: people.get(id).cloned().unwrap_or_default() })
                .collect(),
            status: enum_from_db(&r.status)?,
            inspected_on: r.inspected_on,
            outcome: r.outcome.as_deref().map(enum_from_db).transpose()?,
            summary: r.summary,
            problems: r.problems_json.as_deref().map(parse).transpose()?.unwrap_or_default(),
            recorded_at: r.recorded_at,
            version: r.version,
        });
    }
    Ok(out)
}

async fn view_draw<C: ConnectionTrait>(db: &C, d: inspection_draw::Model) -> ApiResult<InspectionDraw> {
    let rows = inspection::Entity::find()
        .filter(inspection::Column::DrawId.eq(d.id))
        .order_by_asc(inspection::Column::Rank)
        .all(db)
        .await?;
    let inspections = view_inspections(db, rows).await?;
    Ok(InspectionDraw {
        id: d.id,
        title: d.title,
        seed: d.seed,
        weighted: d.weighted,
        institutions_requested: u32::try_from(d.institutions_requested).unwrap_or(0),
        inspectors_each: u32::try_from(d.inspectors_each).unwrap_or(0),
        candidates: parse(&d.candidates_json)?,
        pool: parse(&d.pool_json)?,
        conflicts: parse(&d.conflicts_json)?,
        drawn_by: d.drawn_by,
        drawn_at: d.drawn_at,
        closed: inspections.iter().all(|i| i.status == InspectionStatus::Done),
        inspections,
    })
}

/// One draw (officers and auditors; another region's answers like one that does not exist).
pub async fn get_draw(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<InspectionDraw> {
    actor.require(Permission::ReadSupervisionPlans)?;
    let d = inspection_draw::Entity::find_by_id(id)
        .filter(inspection_draw::Column::RegionId.eq(actor.region_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_inspection_draw()))?;
    view_draw(&state.db, d).await
}

/// The region's draws, newest first (officers and auditors).
pub async fn list_draws(state: &AppState, actor: &Actor, page: PageRequest) -> ApiResult<Page<InspectionDraw>> {
    actor.require(Permission::ReadSupervisionPlans)?;
    let q = inspection_draw::Entity::find()
        .filter(inspection_draw::Column::RegionId.eq(actor.region_id))
        .order_by_desc(inspection_draw::Column::DrawnAt)
        .order_by_desc(inspection_draw::Column::Id);
    let found = fetch_page(&state.db, q, page, |d| d).await?;
    let mut items = Vec::with_capacity(found.items.len());
    for d in found.items {
        items.push(view_draw(&state.db, d).await?);
    }
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}

/// Inspections in scope, newest draw first: officers and auditors the region's, institution
/// staff their own once recorded.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    f: InspectionFilter,
    page: PageRequest,
) -> ApiResult<Page<Inspection>> {
    actor.require(Permission::ReadInspections)?;
    let mut q = inspection::Entity::find().filter(scope::inspections(actor));
    if let Some(id) = f.institution_id {
        q = q.filter(inspection::Column::InstitutionId.eq(id));
    }
    if let Some(s) = f.status {
        q = q.filter(inspection::Column::Status.eq(enum_to_db(&s)));
    }
    let q = q.order_by_desc(inspection::Column::DrawId).order_by_asc(inspection::Column::Rank);
    let found = try_fetch_page(&state.db, q, page, Ok).await?;
    let items = view_inspections(&state.db, found.items).await?;
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}

async fn find<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<inspection::Model> {
    inspection::Entity::find_by_id(id)
        .filter(scope::inspections(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_inspection()))
}

/// One inspection in scope.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Inspection> {
    actor.require(Permission::ReadInspections)?;
    let row = find(&state.db, actor, id).await?;
    Ok(view_inspections(&state.db, vec![row]).await?.remove(0))
}

/// The checked problems of a result: one to ten for `problems_found`, none for `compliant`.
fn check_problems(errors: &mut FieldErrors, req: &InspectionResult) -> Vec<String> {
    let mut out = Vec::new();
    match req.outcome {
        InspectionOutcome::Compliant if !req.problems.is_empty() => {
            errors.add("problems", "not_allowed", m::problems_not_allowed());
        }
        InspectionOutcome::ProblemsFound if req.problems.is_empty() || req.problems.len() > MAX_PROBLEMS => {
            errors.add("problems", "out_of_range", m::problems_required());
        }
        _ => {
            for (i, p) in req.problems.iter().enumerate() {
                if let Some(p) = errors.take(&format!("problems[{i}]"), check_text(p, 300)) {
                    out.push(p);
                }
            }
        }
    }
    out
}

/// Records what the inspectors found (agency officers): each problem opens a finding of the
/// institution (moment `inspection`), worked like any other; the draw is published once every
/// inspection of it is recorded.
pub async fn record_result(state: &AppState, actor: &Actor, id: Uuid, req: InspectionResult) -> ApiResult<Inspection> {
    actor.require(Permission::ManageInspections)?;
    let mut errors = FieldErrors::new();
    let summary = errors.take("summary", check_paragraph(&req.summary, 1000));
    let problems = check_problems(&mut errors, &req);
    errors.finish()?;
    let Some(summary) = summary else { return Err(ApiError::internal(anyhow::anyhow!("validated summary missing"))) };
    let txn = state.db.begin().await?;
    let row = find(&txn, actor, id).await?;
    if row.version != req.version {
        return Err(ApiError::conflict("version", m::inspection_changed_meanwhile()));
    }
    if row.status != enum_to_db(&InspectionStatus::Planned) {
        return Err(ApiError::conflict("version", m::inspection_already_recorded()));
    }
    let d = inspection_draw::Entity::find_by_id(row.draw_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("draw of inspection {id} missing")))?;
    if req.inspected_on > actor.today || req.inspected_on < d.drawn_on {
        return Err(ApiError::invalid_field("inspected_on", "out_of_range", m::inspection_day_outside()));
    }
    let who = AuditActor::from(actor);
    let team: Vec<Uuid> = parse(&row.inspector_ids_json)?;
    let mut found = Vec::with_capacity(problems.len());
    for (n, description) in problems.into_iter().enumerate() {
        let evidence = serde_json::json!({
            "inspection_id": row.id, "draw_id": row.draw_id, "inspectors": team, "problem": description,
        });
        let f = Found {
            rule: Rule::InspectionProblem,
            key: format!("{}:{}", row.id, n + 1),
            occurred_on: req.inspected_on,
            institution_id: Some(row.institution_id),
            caregiver_id: None,
            person_id: None,
            summary: m::inspection_problem_summary(description.clone()),
            evidence,
            records: Vec::new(),
        };
        let finding_id = signals::raise(&txn, &who, row.region_id, None, f).await?;
        found.push(InspectionProblem { description, finding_id });
    }
    let updated = inspection::Entity::update_many()
        .col_expr(inspection::Column::Status, Expr::value(enum_to_db(&InspectionStatus::Done)))
        .col_expr(inspection::Column::InspectedOn, Expr::value(req.inspected_on))
        .col_expr(inspection::Column::Outcome, Expr::value(enum_to_db(&req.outcome)))
        .col_expr(inspection::Column::Summary, Expr::value(summary))
        .col_expr(
            inspection::Column::ProblemsJson,
            Expr::value(serde_json::to_string(&found).map_err(anyhow::Error::from)?),
        )
        .col_expr(inspection::Column::RecordedBy, Expr::value(actor.user_id))
        .col_expr(inspection::Column::RecordedAt, Expr::value(Utc::now()))
        .col_expr(inspection::Column::Version, Expr::value(row.version + 1))
        .filter(inspection::Column::Id.eq(row.id))
        .filter(inspection::Column::Version.eq(row.version))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::inspection_changed_meanwhile()));
    }
    audit::record(&txn, &who, "inspection.record", "inspection", row.id, &["inspected_on", "outcome", "summary"])
        .await?;
    let row = find(&txn, actor, id).await?;
    let view = view_inspections(&txn, vec![row]).await?.remove(0);
    audit::commit(txn).await?;
    Ok(view)
}

/// The region's closed draws as published (公开), newest first: enough to draw again, and each
/// inspection's outcome. A draw with an inspection still to make is not shown: inspections are
/// not announced beforehand. Anyone may read it.
pub async fn public(state: &AppState, region_code: &str, page: PageRequest) -> ApiResult<Page<PublicDraw>> {
    let region = region::Entity::find()
        .filter(region::Column::Code.eq(region_code.trim()))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_region()))?;
    let open = Query::select()
        .column(inspection::Column::DrawId)
        .from(inspection::Entity)
        .and_where(inspection::Column::RegionId.eq(region.id))
        .and_where(inspection::Column::Status.eq(enum_to_db(&InspectionStatus::Planned)))
        .to_owned();
    let q = inspection_draw::Entity::find()
        .filter(inspection_draw::Column::RegionId.eq(region.id))
        .filter(inspection_draw::Column::Id.not_in_subquery(open))
        .order_by_desc(inspection_draw::Column::DrawnAt)
        .order_by_desc(inspection_draw::Column::Id);
    let found = fetch_page(&state.db, q, page, |d| d).await?;
    let mut items = Vec::with_capacity(found.items.len());
    for d in found.items {
        let full = view_draw(&state.db, d).await?;
        items.push(PublicDraw {
            title: full.title,
            seed: full.seed,
            weighted: full.weighted,
            institutions_requested: full.institutions_requested,
            inspectors_each: full.inspectors_each,
            drawn_at: full.drawn_at,
            candidates: full
                .candidates
                .into_iter()
                .map(|c| PublicCandidate {
                    institution_id: c.institution_id,
                    institution_name: c.institution_name,
                    weight: c.weight,
                })
                .collect(),
            pool: full.pool,
            conflicts: full.conflicts,
            inspections: full
                .inspections
                .into_iter()
                .map(|i| PublicInspection {
                    rank: i.rank,
                    institution_id: i.institution_id,
                    institution_name: i.institution_name,
                    inspectors: i.inspectors.into_iter().map(|p| p.name).collect(),
                    inspected_on: i.inspected_on,
                    outcome: i.outcome,
                    summary: i.summary,
                    problems: u32::try_from(i.problems.len()).unwrap_or(u32::MAX),
                })
                .collect(),
        });
    }
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}
