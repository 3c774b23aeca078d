//! Sanctions against people (处理): a caregiver barred from long-term care work for a period —
//! their assignments ended, a new registration or assignment refused, their visits in the ban
//! not paid — and the region's sanctions listed publicly.

use chrono::{Months, NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::supervision::{
    CreateSanction, LiftSanction, PublicSanction, Sanction, SanctionFilter, SanctionMeasure, SanctionSubject,
};
use ltci_shared::api::workforce::CaregiverStatus;
use ltci_shared::messages as m;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{enum_from_db, enum_to_db, institution, region, sanction};
use crate::fields::{check_paragraph, within_horizon};
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::state::AppState;
use crate::workforce::{assignments, caregivers};

/// The longest ban: five years.
const LONGEST_MONTHS: u32 = 60;

/// Sanctions holding on `on`: begun, not ended, not lifted by then.
fn holding_on(on: NaiveDate) -> Condition {
    Condition::all()
        .add(sanction::Column::StartsOn.lte(on))
        .add(sanction::Column::EndsOn.gte(on))
        .add(Condition::any().add(sanction::Column::LiftedOn.is_null()).add(sanction::Column::LiftedOn.gt(on)))
}

/// The last day a sanction holds: its end, or the day before it was lifted.
pub fn last_day(s: &sanction::Model) -> NaiveDate {
    s.lifted_on.and_then(|d| d.pred_opt()).map_or(s.ends_on, |d| d.min(s.ends_on))
}

/// The sanction barring the person with ID-number hash `id_hash` in the region on `on`, if any.
pub async fn barring<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    id_hash: &str,
    on: NaiveDate,
) -> ApiResult<Option<sanction::Model>> {
    Ok(sanction::Entity::find()
        .filter(sanction::Column::RegionId.eq(region_id))
        .filter(sanction::Column::IdNumberHash.eq(id_hash))
        .filter(holding_on(on))
        .one(db)
        .await?)
}

/// The days each of `caregivers` is barred within `first..=last`: (caregiver, first, last day).
pub async fn bans_within<C: ConnectionTrait>(
    db: &C,
    caregivers: &[Uuid],
    first: NaiveDate,
    last: NaiveDate,
) -> ApiResult<Vec<(Uuid, NaiveDate, NaiveDate)>> {
    if caregivers.is_empty() {
        return Ok(Vec::new());
    }
    let found = sanction::Entity::find()
        .filter(sanction::Column::CaregiverId.is_in(caregivers.iter().copied()))
        .filter(sanction::Column::StartsOn.lte(last))
        .filter(sanction::Column::EndsOn.gte(first))
        .all(db)
        .await?;
    Ok(found.iter().filter_map(|s| Some((s.caregiver_id?, s.starts_on, last_day(s)))).collect())
}

fn view(s: sanction::Model, today: NaiveDate) -> ApiResult<Sanction> {
    let in_force = s.starts_on <= today && today <= last_day(&s);
    Ok(Sanction {
        id: s.id,
        subject: enum_from_db(&s.subject)?,
        caregiver_id: s.caregiver_id,
        institution_id: s.institution_id,
        name: s.name,
        id_number_masked: s.id_number_masked,
        measure: enum_from_db(&s.measure)?,
        starts_on: s.starts_on,
        ends_on: s.ends_on,
        reason: s.reason,
        decided_by: s.decided_by,
        decided_at: s.decided_at,
        lifted_on: s.lifted_on,
        lift_reason: s.lift_reason,
        in_force,
        version: s.version,
    })
}

/// Bars a caregiver from `starts_on` to `ends_on` (agency officers): their assignments end the
/// day before (or on their first day, for those starting later); the sanction is named by their ID number, so the ban follows them to any
/// institution of the region.
pub async fn create(state: &AppState, actor: &Actor, req: CreateSanction) -> ApiResult<Sanction> {
    actor.require(Permission::ManageSanctions)?;
    let mut errors = FieldErrors::new();
    let reason = errors.take("reason", check_paragraph(&req.reason, 600));
    if req.starts_on < actor.today {
        errors.add("starts_on", "in_past", m::sanction_starts_before_today());
    }
    within_horizon(&mut errors, "starts_on", req.starts_on, actor.today, state.config.date_horizon_days);
    let longest = req.starts_on.checked_add_months(Months::new(LONGEST_MONTHS)).unwrap_or(NaiveDate::MAX);
    if req.ends_on < req.starts_on {
        errors.add("ends_on", "before_start", m::sanction_ends_before_start());
    } else if req.ends_on >= longest {
        errors.add("ends_on", "too_long", m::sanction_too_long());
    }
    errors.finish()?;
    let Some(reason) = reason else { return Err(ApiError::internal(anyhow::anyhow!("validated reason missing"))) };
    let txn = state.db.begin().await?;
    let cg = caregivers::find_in_scope(&txn, actor, req.caregiver_id)
        .await
        .map_err(|_| ApiError::invalid_field("caregiver_id", "unknown_caregiver", m::unknown_caregiver()))?;
    if cg.status != enum_to_db(&CaregiverStatus::Active) {
        return Err(ApiError::invalid_field("caregiver_id", "caregiver_left", m::sanction_caregiver_left()));
    }
    let overlapping = sanction::Entity::find()
        .filter(sanction::Column::RegionId.eq(cg.region_id))
        .filter(sanction::Column::IdNumberHash.eq(&cg.id_number_hash))
        .filter(sanction::Column::StartsOn.lte(req.ends_on))
        .filter(sanction::Column::EndsOn.gte(req.starts_on))
        .all(&txn)
        .await?;
    if let Some(s) = overlapping.iter().find(|s| last_day(s) >= req.starts_on) {
        return Err(ApiError::conflict("caregiver_id", m::sanction_already_barred(last_day(s))));
    }
    assignments::end_all_for_ban(&txn, actor, cg.id, req.starts_on, &reason).await?;
    let s = sanction::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(cg.region_id),
        subject: Set(enum_to_db(&SanctionSubject::Caregiver)),
        caregiver_id: Set(Some(cg.id)),
        institution_id: Set(cg.institution_id),
        name: Set(cg.name.clone()),
        id_number_hash: Set(cg.id_number_hash.clone()),
        id_number_masked: Set(cg.id_number_masked.clone()),
        measure: Set(enum_to_db(&SanctionMeasure::Barred)),
        starts_on: Set(req.starts_on),
        ends_on: Set(req.ends_on),
        reason: Set(reason),
        decided_by: Set(actor.user_id),
        decided_at: Set(Utc::now()),
        lifted_on: Set(None),
        lift_reason: Set(None),
        lifted_by: Set(None),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "sanction.create",
        "sanction",
        s.id,
        &["caregiver_id", "starts_on", "ends_on", "reason"],
    )
    .await?;
    audit::commit(txn).await?;
    tracing::info!(sanction_id = %s.id, caregiver_id = %cg.id, "caregiver barred");
    view(s, actor.today)
}

/// Ends a ban early, from `lifted_on` (agency officers).
pub async fn lift(state: &AppState, actor: &Actor, id: Uuid, req: LiftSanction) -> ApiResult<Sanction> {
    actor.require(Permission::ManageSanctions)?;
    let reason =
        check_paragraph(&req.reason, 600).map_err(|(code, text)| ApiError::invalid_field("reason", code, text))?;
    let txn = state.db.begin().await?;
    let s = find(&txn, actor, id).await?;
    if s.version != req.version {
        return Err(ApiError::conflict("version", m::sanction_changed_meanwhile()));
    }
    if s.lifted_on.is_some() {
        return Err(ApiError::conflict("lifted_on", m::sanction_already_lifted()));
    }
    if s.ends_on < actor.today {
        return Err(ApiError::conflict("lifted_on", m::sanction_not_in_force()));
    }
    if req.lifted_on < actor.today || req.lifted_on > s.ends_on {
        return Err(ApiError::invalid_field("lifted_on", "out_of_range", m::sanction_lift_outside()));
    }
    let mut next: sanction::ActiveModel = s.clone().into();
    next.lifted_on = Set(Some(req.lifted_on));
    next.lift_reason = Set(Some(reason));
    next.lifted_by = Set(Some(actor.user_id));
    next.version = Set(s.version + 1);
    let updated = sanction::Entity::update_many()
        .set(next)
        .filter(sanction::Column::Id.eq(s.id))
        .filter(sanction::Column::Version.eq(s.version))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::sanction_changed_meanwhile()));
    }
    audit::record(&txn, &AuditActor::from(actor), "sanction.lift", "sanction", s.id, &["lifted_on", "lift_reason"])
        .await?;
    let s = find(&txn, actor, id).await?;
    audit::commit(txn).await?;
    view(s, actor.today)
}

async fn find<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid) -> ApiResult<sanction::Model> {
    sanction::Entity::find_by_id(id)
        .filter(scope::sanctions(actor))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_sanction()))
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Sanction> {
    actor.require(Permission::ReadSanctions)?;
    view(find(&state.db, actor, id).await?, actor.today)
}

/// The sanctions in scope, newest first: officers and auditors the region's, institution staff
/// those decided on their own caregivers.
pub async fn list(state: &AppState, actor: &Actor, f: SanctionFilter, page: PageRequest) -> ApiResult<Page<Sanction>> {
    actor.require(Permission::ReadSanctions)?;
    let mut q = sanction::Entity::find().filter(scope::sanctions(actor));
    if let Some(id) = f.caregiver_id {
        q = q.filter(sanction::Column::CaregiverId.eq(id));
    }
    match f.in_force {
        Some(true) => q = q.filter(holding_on(actor.today)),
        Some(false) => q = q.filter(holding_on(actor.today).not()),
        None => {}
    }
    let q = q.order_by_desc(sanction::Column::DecidedAt).order_by_desc(sanction::Column::Id);
    let page = fetch_page(&state.db, q, page, |s| s).await?;
    let items = page.items.into_iter().map(|s| view(s, actor.today)).collect::<ApiResult<Vec<_>>>()?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}

/// The region's sanctions as published (公开), newest first: the person by surname only (王某),
/// the institution, the measure, the period and the reason. Anyone may read it.
pub async fn public(state: &AppState, region_code: &str, page: PageRequest) -> ApiResult<Page<PublicSanction>> {
    let region = region::Entity::find()
        .filter(region::Column::Code.eq(region_code.trim()))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_region()))?;
    let q = sanction::Entity::find()
        .filter(sanction::Column::RegionId.eq(region.id))
        .order_by_desc(sanction::Column::DecidedAt)
        .order_by_desc(sanction::Column::Id);
    let found = fetch_page(&state.db, q, page, |s| s).await?;
    let ids: Vec<Uuid> = found.items.iter().map(|s| s.institution_id).collect();
    let names: std::collections::HashMap<Uuid, String> = institution::Entity::find()
        .filter(institution::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let mut items = Vec::with_capacity(found.items.len());
    for s in found.items {
        items.push(PublicSanction {
            name: published_name(&s.name),
            subject: enum_from_db(&s.subject)?,
            institution_name: names.get(&s.institution_id).cloned().unwrap_or_default(),
            measure: enum_from_db(&s.measure)?,
            starts_on: s.starts_on,
            ends_on: s.ends_on,
            reason: s.reason,
            lifted_on: s.lifted_on,
        });
    }
    Ok(Page { items, total: found.total, limit: found.limit, offset: found.offset })
}

/// A name as published decisions give it: the surname and 某, whatever the name's length.
pub fn published_name(name: &str) -> String {
    name.chars().next().map(|c| format!("{c}某")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn published_names_keep_the_surname_only() {
        assert_eq!(super::published_name("王秀英"), "王某");
        assert_eq!(super::published_name("李明"), "李某");
        assert_eq!(super::published_name(""), "");
    }
}
