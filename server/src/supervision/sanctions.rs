//! Sanctions against people (处理): a caregiver or an institution's legal representative barred
//! from long-term care work for a period, on a confirmed finding or not — their assignments
//! ended, a new registration (as a caregiver, or as the representative of an applicant
//! institution) or assignment refused, their visits in the ban not paid — and the region's
//! sanctions listed publicly.

use chrono::{Months, NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::supervision::{
    CreateSanction, FindingStatus, LiftSanction, PublicSanction, Sanction, SanctionFilter, SanctionMeasure,
    SanctionSubject,
};
use ltci_shared::api::workforce::CaregiverStatus;
use ltci_shared::messages as m;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{caregiver, enum_from_db, enum_to_db, institution, region, sanction};
use crate::fields::{check_paragraph, within_horizon};
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::institutions::designation;
use crate::state::AppState;
use crate::supervision::findings;
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
/// A ban names the person (their ID number), so it holds for every caregiver record of theirs in
/// the region, whatever the sanction was decided on.
pub async fn bans_within<C: ConnectionTrait>(
    db: &C,
    caregivers: &[Uuid],
    first: NaiveDate,
    last: NaiveDate,
) -> ApiResult<Vec<(Uuid, NaiveDate, NaiveDate)>> {
    if caregivers.is_empty() {
        return Ok(Vec::new());
    }
    let people: Vec<(Uuid, Uuid, String)> = caregiver::Entity::find()
        .select_only()
        .columns([caregiver::Column::Id, caregiver::Column::RegionId, caregiver::Column::IdNumberHash])
        .filter(caregiver::Column::Id.is_in(caregivers.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let found = sanction::Entity::find()
        .filter(sanction::Column::IdNumberHash.is_in(people.iter().map(|(_, _, h)| h.clone())))
        .filter(sanction::Column::StartsOn.lte(last))
        .filter(sanction::Column::EndsOn.gte(first))
        .all(db)
        .await?;
    let mut bans = Vec::new();
    for (id, region, hash) in &people {
        for s in found.iter().filter(|s| &s.id_number_hash == hash && s.region_id == *region) {
            bans.push((*id, s.starts_on, last_day(s)));
        }
    }
    Ok(bans)
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
        finding_id: s.finding_id,
    })
}

/// The person a sanction names, as found in scope.
struct Person {
    region_id: Uuid,
    caregiver_id: Option<Uuid>,
    institution_id: Uuid,
    name: String,
    id_number_hash: String,
    id_number_masked: String,
}

/// The caregiver or legal representative `req` names, in the actor's scope: another region's
/// answers like one that does not exist.
async fn person<C: ConnectionTrait>(db: &C, actor: &Actor, req: &CreateSanction) -> ApiResult<Person> {
    match (req.subject, req.caregiver_id, req.institution_id) {
        (SanctionSubject::Caregiver, Some(id), _) => {
            let cg = caregivers::find_in_scope(db, actor, id)
                .await
                .map_err(|_| ApiError::invalid_field("caregiver_id", "unknown_caregiver", m::unknown_caregiver()))?;
            if cg.status != enum_to_db(&CaregiverStatus::Active) {
                return Err(ApiError::invalid_field("caregiver_id", "caregiver_left", m::sanction_caregiver_left()));
            }
            Ok(Person {
                region_id: cg.region_id,
                caregiver_id: Some(cg.id),
                institution_id: cg.institution_id,
                name: cg.name,
                id_number_hash: cg.id_number_hash,
                id_number_masked: cg.id_number_masked,
            })
        }
        (SanctionSubject::LegalRepresentative, _, Some(id)) => {
            let unknown = || ApiError::invalid_field("institution_id", "unknown_institution", m::unknown_institution());
            let inst = designation::find_in_scope(db, actor, id).await.map_err(|_| unknown())?;
            let (Some(name), Some(hash), Some(masked)) =
                (inst.legal_rep_name, inst.legal_rep_id_hash, inst.legal_rep_id_masked)
            else {
                return Err(ApiError::invalid_field(
                    "institution_id",
                    "no_legal_representative",
                    m::no_legal_representative(),
                ));
            };
            // The person barred is the one the officer read, not one recorded since.
            if req.legal_representative_masked.as_deref().map(str::trim) != Some(masked.as_str()) {
                return Err(ApiError::conflict("legal_representative_masked", m::legal_representative_changed()));
            }
            Ok(Person {
                region_id: inst.region_id,
                caregiver_id: None,
                institution_id: inst.id,
                name,
                id_number_hash: hash,
                id_number_masked: masked,
            })
        }
        _ => Err(ApiError::internal(anyhow::anyhow!("sanction subject checked before"))),
    }
}

/// Checks the fields that need no database into `errors`.
fn check(req: &CreateSanction, errors: &mut FieldErrors, today: NaiveDate, horizon_days: u32) -> Option<String> {
    let reason = errors.take("reason", check_paragraph(&req.reason, 600));
    if req.starts_on < today {
        errors.add("starts_on", "in_past", m::sanction_starts_before_today());
    }
    within_horizon(errors, "starts_on", req.starts_on, today, horizon_days);
    let longest = req.starts_on.checked_add_months(Months::new(LONGEST_MONTHS)).unwrap_or(NaiveDate::MAX);
    if req.ends_on < req.starts_on {
        errors.add("ends_on", "before_start", m::sanction_ends_before_start());
    } else if req.ends_on >= longest {
        errors.add("ends_on", "too_long", m::sanction_too_long());
    }
    let (needed, other) = match req.subject {
        SanctionSubject::Caregiver => (("caregiver_id", req.caregiver_id), ("institution_id", req.institution_id)),
        SanctionSubject::LegalRepresentative => {
            (("institution_id", req.institution_id), ("caregiver_id", req.caregiver_id))
        }
    };
    if needed.1.is_none() {
        let text = match req.subject {
            SanctionSubject::Caregiver => m::sanction_caregiver_required(),
            SanctionSubject::LegalRepresentative => m::sanction_institution_required(),
        };
        errors.add(needed.0, "required", text);
    }
    if other.1.is_some() {
        errors.add(other.0, "not_allowed", m::sanction_not_for_subject());
    }
    match (req.subject, req.legal_representative_masked.is_some()) {
        (SanctionSubject::LegalRepresentative, false) => {
            errors.add("legal_representative_masked", "required", m::legal_representative_changed());
        }
        (SanctionSubject::Caregiver, true) => {
            errors.add("legal_representative_masked", "not_allowed", m::sanction_not_for_subject());
        }
        _ => {}
    }
    reason
}

/// The confirmed finding a sanction rests on: in scope (or 422 `unknown_finding`), confirmed,
/// and about the same caregiver, or the same institution for its legal representative.
async fn grounds<C: ConnectionTrait>(db: &C, actor: &Actor, id: Uuid, who: &Person) -> ApiResult<()> {
    let f = findings::find(db, actor, id)
        .await
        .map_err(|_| ApiError::invalid_field("finding_id", "unknown_finding", m::unknown_finding()))?;
    if f.status != enum_to_db(&FindingStatus::Confirmed) {
        return Err(ApiError::invalid_field(
            "finding_id",
            "finding_not_confirmed",
            m::sanction_finding_not_confirmed(),
        ));
    }
    let same = match who.caregiver_id {
        Some(c) => f.caregiver_id == Some(c),
        None => f.institution_id == Some(who.institution_id),
    };
    if !same {
        return Err(ApiError::invalid_field("finding_id", "finding_elsewhere", m::sanction_finding_elsewhere()));
    }
    Ok(())
}

/// Bars a caregiver or an institution's legal representative from `starts_on` to `ends_on`
/// (agency officers), on a confirmed finding when one is named. The sanction is named by the
/// person's ID number, so the ban follows them to any institution of the region; the
/// assignments of any caregiver record of theirs end the day before (or on their first day, for
/// those starting later).
pub async fn create(state: &AppState, actor: &Actor, req: CreateSanction) -> ApiResult<Sanction> {
    actor.require(Permission::ManageSanctions)?;
    let mut errors = FieldErrors::new();
    let reason = check(&req, &mut errors, actor.today, state.config.date_horizon_days);
    errors.finish()?;
    let Some(reason) = reason else { return Err(ApiError::internal(anyhow::anyhow!("validated reason missing"))) };
    let txn = state.db.begin().await?;
    let who = person(&txn, actor, &req).await?;
    if let Some(id) = req.finding_id {
        grounds(&txn, actor, id, &who).await?;
    }
    let overlapping = sanction::Entity::find()
        .filter(sanction::Column::RegionId.eq(who.region_id))
        .filter(sanction::Column::IdNumberHash.eq(&who.id_number_hash))
        .filter(sanction::Column::StartsOn.lte(req.ends_on))
        .filter(sanction::Column::EndsOn.gte(req.starts_on))
        .all(&txn)
        .await?;
    if let Some(s) = overlapping.iter().find(|s| last_day(s) >= req.starts_on) {
        let field = if who.caregiver_id.is_some() { "caregiver_id" } else { "institution_id" };
        return Err(ApiError::conflict(field, m::sanction_already_barred(last_day(s))));
    }
    // Whatever the subject, the person's caregiver records in the region stop working.
    let records = caregiver::Entity::find()
        .filter(caregiver::Column::RegionId.eq(who.region_id))
        .filter(caregiver::Column::IdNumberHash.eq(&who.id_number_hash))
        .all(&txn)
        .await?;
    for cg in records {
        assignments::end_all_for_ban(&txn, actor, cg.id, req.starts_on, &reason).await?;
    }
    let s = sanction::ActiveModel {
        id: Set(Uuid::now_v7()),
        region_id: Set(who.region_id),
        subject: Set(enum_to_db(&req.subject)),
        caregiver_id: Set(who.caregiver_id),
        institution_id: Set(who.institution_id),
        name: Set(who.name),
        id_number_hash: Set(who.id_number_hash),
        id_number_masked: Set(who.id_number_masked),
        measure: Set(enum_to_db(&SanctionMeasure::Barred)),
        starts_on: Set(req.starts_on),
        ends_on: Set(req.ends_on),
        reason: Set(reason),
        decided_by: Set(actor.user_id),
        decided_at: Set(Utc::now()),
        lifted_on: Set(None),
        lift_reason: Set(None),
        lifted_by: Set(None),
        lifted_at: Set(None),
        version: Set(1),
        finding_id: Set(req.finding_id),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "sanction.create",
        "sanction",
        s.id,
        &["subject", "caregiver_id", "institution_id", "finding_id", "starts_on", "ends_on", "reason"],
    )
    .await?;
    audit::commit(txn).await?;
    tracing::info!(sanction_id = %s.id, subject = %s.subject, "person barred");
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
    next.lifted_at = Set(Some(Utc::now()));
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
    if let Some(id) = f.institution_id {
        q = q.filter(sanction::Column::InstitutionId.eq(id));
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
