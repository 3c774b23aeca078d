//! Disability level certificates (失能等级证书): issuing with a region-wide number, superseding,
//! listing, and the list of certificates about to expire.

use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use ltci_shared::Page;
use ltci_shared::api::assessment::{CareMode, Certificate, CertificateFilter};
use ltci_shared::assessment;
use ltci_shared::messages as m;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::auth::{Actor, Permission, scope};
use crate::entities::{assessment_case, certificate, enum_to_db, region, sequence};
use crate::http::error::{ApiError, ApiResult};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::registry::regions;
use crate::state::AppState;

pub const ACTIVE: &str = "active";
pub const SUPERSEDED: &str = "superseded";
/// How far ahead the expiry list looks by default.
pub const DEFAULT_EXPIRY_NOTICE_DAYS: u32 = 60;

pub fn view(m: certificate::Model) -> ApiResult<Certificate> {
    let level = u8::try_from(m.level).map_err(anyhow::Error::from)?;
    let level_name =
        assessment::instrument(&m.instrument_version).map(|i| i.level_name(level).to_string()).unwrap_or_default();
    Ok(Certificate {
        id: m.id,
        number: m.number,
        insured_person_id: m.insured_person_id,
        case_id: m.case_id,
        level,
        level_name,
        instrument: m.instrument_version,
        effective_on: m.effective_on,
        expires_on: m.expires_on,
        appeal_deadline: m.appeal_deadline,
        status: m.status,
        issued_at: m.issued_at,
        former_number: m.external_ref,
    })
}

/// The person's certificate in force on `day`, if any: of the certificates valid that day, the
/// one that took effect last — a certificate superseded by a reassessment (复评) still counts for
/// the days before its successor took effect, so a day's care is judged by the level of that day.
pub async fn in_force_for_person<C: ConnectionTrait>(
    db: &C,
    person_id: Uuid,
    day: NaiveDate,
) -> ApiResult<Option<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::InsuredPersonId.eq(person_id))
        .filter(certificate::Column::Status.is_in([ACTIVE, SUPERSEDED]))
        .filter(certificate::Column::EffectiveOn.lte(day))
        .filter(certificate::Column::ExpiresOn.gte(day))
        .order_by_desc(certificate::Column::EffectiveOn)
        .order_by_desc(certificate::Column::IssuedAt)
        .one(db)
        .await?)
}

/// The certificates in force on `on` of the people `ids` in the actor's scope, by person (as
/// [`in_force_for_person`] chooses): lists of beneficiaries show each one's level and expiry in
/// one query.
pub async fn in_force_for_persons(
    state: &AppState,
    actor: &Actor,
    ids: &[Uuid],
    on: NaiveDate,
) -> ApiResult<std::collections::HashMap<Uuid, Certificate>> {
    actor.require(Permission::ReadAssessmentCases)?;
    let rows = certificate::Entity::find()
        .filter(scope::certificates(actor))
        .filter(certificate::Column::InsuredPersonId.is_in(ids.iter().copied()))
        .filter(certificate::Column::Status.is_in([ACTIVE, SUPERSEDED]))
        .filter(certificate::Column::EffectiveOn.lte(on))
        .filter(certificate::Column::ExpiresOn.gte(on))
        .order_by_asc(certificate::Column::EffectiveOn)
        .order_by_asc(certificate::Column::IssuedAt)
        .all(&state.db)
        .await?;
    let mut out = std::collections::HashMap::new();
    for c in rows {
        out.insert(c.insured_person_id, view(c)?);
    }
    Ok(out)
}

/// What a new certificate says.
#[derive(Debug)]
pub struct Issue {
    pub region: region::Model,
    pub person_id: Uuid,
    pub case_id: Uuid,
    pub level: u8,
    pub instrument: String,
    pub validity_months: u32,
    /// Days to appeal; `None` for a final (appeal) result.
    pub appeal_window_days: Option<u32>,
}

/// Issues a certificate effective today (in the region's time zone), superseding the person's
/// earlier active ones.
pub async fn issue<C: ConnectionTrait>(db: &C, i: Issue) -> ApiResult<certificate::Model> {
    let today = regions::today(&i.region);
    let year = today.year();
    let seq = sequence::next(db, i.region.id, &format!("certificate-{year}")).await?;
    let expires_on = today
        .checked_add_months(Months::new(i.validity_months))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("certificate expiry out of range")))?;
    let id = Uuid::now_v7();
    certificate::Entity::update_many()
        .col_expr(certificate::Column::Status, Expr::value(SUPERSEDED))
        .col_expr(certificate::Column::SupersededBy, Expr::value(id))
        .filter(certificate::Column::InsuredPersonId.eq(i.person_id))
        .filter(certificate::Column::Status.eq(ACTIVE))
        .exec(db)
        .await?;
    Ok(certificate::ActiveModel {
        id: Set(id),
        region_id: Set(i.region.id),
        insured_person_id: Set(i.person_id),
        case_id: Set(i.case_id),
        number: Set(format!("{}-{year}-{seq:06}", i.region.code)),
        level: Set(i32::from(i.level)),
        instrument_version: Set(i.instrument),
        effective_on: Set(today),
        expires_on: Set(expires_on),
        appeal_deadline: Set(i.appeal_window_days.and_then(|d| today.checked_add_days(Days::new(u64::from(d))))),
        status: Set(ACTIVE.to_string()),
        superseded_by: Set(None),
        issued_at: Set(Utc::now()),
        external_ref: Set(None),
    }
    .insert(db)
    .await?)
}

/// A certificate issued before this system (存量证书): the level, its validity, and who applied.
#[derive(Debug)]
pub struct Existing {
    pub region: region::Model,
    pub person_id: Uuid,
    /// The institution that serves the person, if any.
    pub institution_id: Option<Uuid>,
    pub care_mode: CareMode,
    pub level: u8,
    pub effective_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// The officer recording it.
    pub recorded_by: Uuid,
    pub reason: String,
    /// A reassessment's result (复评): the person's active certificates are superseded by it.
    pub supersedes: bool,
}

/// Records a certificate issued before this system, with the closed (`certified`) case it
/// belongs to, in one transaction: what the demo data and the tests start from.
pub async fn record_existing(db: &DatabaseConnection, e: Existing) -> ApiResult<Uuid> {
    let now = Utc::now();
    let (case_id, id) = (Uuid::now_v7(), Uuid::now_v7());
    let txn = db.begin().await?;
    assessment_case::ActiveModel {
        id: Set(case_id),
        region_id: Set(e.region.id),
        insured_person_id: Set(e.person_id),
        applied_by_user_id: Set(e.recorded_by),
        applied_by_institution_id: Set(None),
        institution_id: Set(e.institution_id),
        care_mode: Set(enum_to_db(&e.care_mode)),
        reason: Set(e.reason),
        change_of_condition: Set(false),
        state: Set("certified".into()),
        refusal_code: Set(None),
        refusal_message: Set(None),
        current_round: Set(1),
        publicity_ends_at: Set(None),
        certificate_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if e.supersedes {
        certificate::Entity::update_many()
            .col_expr(certificate::Column::Status, Expr::value(SUPERSEDED))
            .col_expr(certificate::Column::SupersededBy, Expr::value(id))
            .filter(certificate::Column::InsuredPersonId.eq(e.person_id))
            .filter(certificate::Column::Status.eq(ACTIVE))
            .exec(&txn)
            .await?;
    }
    certificate::ActiveModel {
        id: Set(id),
        region_id: Set(e.region.id),
        insured_person_id: Set(e.person_id),
        case_id: Set(case_id),
        number: Set(format!("{}-ZS-{}", e.region.code, &id.simple().to_string()[20..])),
        level: Set(i32::from(e.level)),
        instrument_version: Set(assessment::CN_NHSA_2021.into()),
        effective_on: Set(e.effective_on),
        expires_on: Set(e.expires_on),
        appeal_deadline: Set(None),
        status: Set(ACTIVE.into()),
        superseded_by: Set(None),
        issued_at: Set(now),
        external_ref: Set(None),
    }
    .insert(&txn)
    .await?;
    assessment_case::Entity::update_many()
        .col_expr(assessment_case::Column::CertificateId, Expr::value(id))
        .filter(assessment_case::Column::Id.eq(case_id))
        .exec(&txn)
        .await?;
    crate::audit::commit(txn).await?;
    Ok(id)
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<Certificate> {
    actor.require(Permission::ReadAssessmentCases)?;
    let m = certificate::Entity::find_by_id(id)
        .filter(scope::certificates(actor))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_certificate()))?;
    view(m)
}

/// Certificates in scope; with `expiring_within_days`, the active ones expiring from today to that
/// many days ahead, soonest first (to schedule re-assessment, 复评).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: CertificateFilter,
    page: PageRequest,
) -> ApiResult<Page<Certificate>> {
    actor.require(Permission::ReadAssessmentCases)?;
    let mut q = certificate::Entity::find().filter(scope::certificates(actor));
    if let Some(p) = filter.insured_person_id {
        q = q.filter(certificate::Column::InsuredPersonId.eq(p));
    }
    let q = match filter.expiring_within_days {
        Some(days) => {
            if days > 3660 {
                return Err(ApiError::invalid_field("expiring_within_days", "out_of_range", m::between(0, 3660)));
            }
            let today = actor.today;
            let until = today.checked_add_days(Days::new(u64::from(days))).unwrap_or(today);
            q.filter(certificate::Column::Status.eq(ACTIVE))
                .filter(certificate::Column::ExpiresOn.gte(today))
                .filter(certificate::Column::ExpiresOn.lte(until))
                .order_by_asc(certificate::Column::ExpiresOn)
                .order_by_asc(certificate::Column::Id)
        }
        None => q.order_by_desc(certificate::Column::IssuedAt).order_by_desc(certificate::Column::Id),
    };
    let page = fetch_page(&state.db, q, page, |m| m).await?;
    let items = page.items.into_iter().map(view).collect::<ApiResult<Vec<_>>>()?;
    Ok(Page { items, total: page.total, limit: page.limit, offset: page.offset })
}
