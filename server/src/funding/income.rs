//! Money coming in: per-person contributions (个人/单位缴费 …) and lump-sum receipts (财政补助,
//! 捐赠 …), each posted as one balanced entry that credits the source's income account and debits
//! the scheme's fund and the reserve (调剂金) with its configured share; reversals; settings.

use chrono::{NaiveDate, Utc};
use ltci_shared::api::funding::{
    AccountKind, ContributionRequest, FundingSettings, FundingSource, Posted, ReceiptRequest, ReversalRequest,
};
use ltci_shared::api::registry::Scheme;
use ltci_shared::messages as m;
use ltci_shared::money::{positive_fen, share_of, to_yuan};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::ledger::{self, AccountSpec, NewEntry};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission, scope};
use crate::entities::{
    contribution, enum_to_db, funding_setting, insured_person, journal_entry as je, ledger_posting as lp,
};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::state::AppState;

pub(crate) fn scheme_name(s: Scheme) -> &'static str {
    match s {
        Scheme::Employee => "职工",
        Scheme::Resident => "居民",
    }
}

pub(crate) fn source_name(s: FundingSource) -> &'static str {
    match s {
        FundingSource::Individual => "个人缴费",
        FundingSource::Employer => "单位缴费",
        FundingSource::MedicalInsuranceFund => "医保统筹基金划转",
        FundingSource::PersonalAccount => "个人账户划转",
        FundingSource::FiscalSubsidy => "财政补助",
        FundingSource::WelfareLottery => "福彩公益金",
        FundingSource::Donation => "慈善捐赠",
        FundingSource::Other => "其他收入",
    }
}

/// The fund of a scheme (长护基金).
pub fn fund(scheme: Scheme) -> AccountSpec {
    AccountSpec {
        code: format!("fund:{}", enum_to_db(&scheme)),
        name: format!("{}长期护理保险基金", scheme_name(scheme)),
        kind: AccountKind::Asset,
    }
}

/// The adjustment reserve (调剂金).
pub fn reserve() -> AccountSpec {
    AccountSpec { code: "reserve".into(), name: "调剂金".into(), kind: AccountKind::Asset }
}

/// Income from one source for one scheme.
pub fn income(source: FundingSource, scheme: Scheme) -> AccountSpec {
    AccountSpec {
        code: format!("income:{}:{}", enum_to_db(&source), enum_to_db(&scheme)),
        name: format!("{}（{}）", source_name(source), scheme_name(scheme)),
        kind: AccountKind::Income,
    }
}

/// The lines of money received: the fund and the reserve debited, the income credited.
pub(crate) fn split(source: FundingSource, scheme: Scheme, fen: i64, reserve_bp: u32) -> Vec<(AccountSpec, i64)> {
    let to_reserve = share_of(fen, reserve_bp);
    vec![(fund(scheme), fen - to_reserve), (reserve(), to_reserve), (income(source, scheme), -fen)]
}

/// The funding settings on a date. The reserve share is the benefit policy's in force then, when
/// the region has one.
pub async fn settings<C: ConnectionTrait>(db: &C, region_id: Uuid, on: NaiveDate) -> ApiResult<FundingSettings> {
    let mut settings = match funding_setting::Entity::find_by_id(region_id).one(db).await? {
        Some(s) => {
            let u = |v: i32| u32::try_from(v).unwrap_or(0);
            FundingSettings {
                reserve_share_bp: u(s.reserve_share_bp),
                critical_months: u(s.critical_months),
                warning_months: u(s.warning_months),
                surplus_months: u(s.surplus_months),
            }
        }
        None => FundingSettings::default(),
    };
    if let Some(policy) = crate::policy::in_force_document(db, region_id, on).await? {
        settings.reserve_share_bp = policy.reserve_share_bp();
    }
    Ok(settings)
}

pub async fn get_settings(state: &AppState, actor: &Actor) -> ApiResult<FundingSettings> {
    actor.require(Permission::ReadFunding)?;
    settings(&state.db, actor.region_id, actor.today).await
}

pub async fn put_settings(state: &AppState, actor: &Actor, s: FundingSettings) -> ApiResult<FundingSettings> {
    actor.require(Permission::PostFunding)?;
    let mut errors = FieldErrors::new();
    if s.reserve_share_bp > 10_000 {
        errors.add("reserve_share_bp", "out_of_range", m::between(0, 10_000));
    }
    if !(s.critical_months < s.warning_months && s.warning_months < s.surplus_months && s.surplus_months <= 600) {
        errors.add("warning_months", "not_ascending", m::health_months_ascending());
    }
    errors.finish()?;
    crate::policy::service::refuse_change_if_governed(&state.db, actor, "reserve_share_bp", |policy| {
        policy.reserve_share_bp() != s.reserve_share_bp
    })
    .await?;
    let i = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let row = funding_setting::ActiveModel {
        region_id: Set(actor.region_id),
        reserve_share_bp: Set(i(s.reserve_share_bp)),
        critical_months: Set(i(s.critical_months)),
        warning_months: Set(i(s.warning_months)),
        surplus_months: Set(i(s.surplus_months)),
        updated_at: Set(Utc::now()),
    };
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    if funding_setting::Entity::find_by_id(actor.region_id).one(&txn).await?.is_some() {
        row.update(&txn).await?;
    } else {
        row.insert(&txn).await?;
    }
    audit::record(
        &txn,
        &AuditActor::from(actor),
        "funding.settings",
        "region",
        actor.region_id,
        &["reserve_share_bp", "critical_months", "warning_months", "surplus_months"],
    )
    .await?;
    audit::commit(txn).await?;
    Ok(s)
}

fn check_reference(errors: &mut FieldErrors, reference: &str) -> Option<String> {
    errors.take("reference", check_text(reference, 100))
}

/// `YYYY-MM`, a real month.
fn check_period(errors: &mut FieldErrors, period: &str, today: NaiveDate) {
    errors.take("period", period_rule(period, today));
}

/// What identifies a contribution's content, for the idempotency of its reference: the same for
/// one posted through the API and one imported from a file.
pub(crate) fn contribution_request(
    person: Uuid,
    period: &str,
    scheme: Scheme,
    source: FundingSource,
    fen: i64,
    received_on: Option<NaiveDate>,
) -> serde_json::Value {
    serde_json::json!({
        "kind": "contribution", "insured_person_id": person, "period": period,
        "scheme": scheme, "source": source, "amount_fen": fen, "received_on": received_on,
    })
}

/// A month as `YYYY-MM`.
/// The most one contribution of one person for one month may be: far above any scheme's.
pub(crate) const MAX_CONTRIBUTION_FEN: i64 = 10_000_000;

/// A contribution's month (缴费所属期): `YYYY-MM`, paid at most a year ahead.
pub(crate) fn period_rule(period: &str, today: NaiveDate) -> crate::http::error::Rule<()> {
    let (first, _) = crate::fields::month(period).map_err(|(_, t)| ("invalid_period", t))?;
    let last = today.checked_add_months(chrono::Months::new(12)).unwrap_or(today);
    if first > last {
        return Err(("out_of_range", m::period_too_far_ahead(last.format("%Y-%m"))));
    }
    Ok(())
}

/// A contribution's amount: more than zero, at most [`MAX_CONTRIBUTION_FEN`].
pub(crate) fn contribution_fen(amount: rust_decimal::Decimal) -> crate::http::error::Rule<i64> {
    match positive_fen(amount) {
        Ok(fen) if fen <= MAX_CONTRIBUTION_FEN => Ok(fen),
        Ok(_) => Err(("out_of_range", m::amount_above(to_yuan(MAX_CONTRIBUTION_FEN)))),
        Err(e) => Err((e.code(), e.text())),
    }
}

/// Posts one person's contribution for one month.
pub async fn contribute(state: &AppState, actor: &Actor, req: ContributionRequest) -> ApiResult<Posted> {
    actor.require(Permission::PostFunding)?;
    let mut errors = FieldErrors::new();
    let reference = check_reference(&mut errors, &req.reference);
    check_period(&mut errors, &req.period, actor.today);
    let fen = errors.take("amount", contribution_fen(req.amount));
    if let Some(on) = req.received_on {
        crate::fields::happened(&mut errors, "received_on", on, actor.today);
    }
    let person = insured_person::Entity::find_by_id(req.insured_person_id)
        .filter(scope::insured_persons(actor))
        .one(&state.db)
        .await?;
    if person.is_none() {
        errors.add("insured_person_id", "unknown_person", m::unknown_person());
    }
    errors.finish()?;
    let (Some(reference), Some(fen)) = (reference, fen) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    // The reserve share of the policy in force when the money was received.
    let bp = settings(&state.db, actor.region_id, req.received_on.unwrap_or(actor.today)).await?.reserve_share_bp;
    let request =
        contribution_request(req.insured_person_id, &req.period, req.scheme, req.source, fen, req.received_on);
    let entry = NewEntry {
        reference,
        kind: "contribution",
        description: format!("{} {} {}", source_name(req.source), scheme_name(req.scheme), req.period),
        effective_on: req.received_on.unwrap_or(actor.today),
        reverses_entry_id: None,
        request,
        lines: split(req.source, req.scheme, fen, bp),
    };
    let (created, m) = ledger::post(&state.db, actor, entry, async |txn, e| {
        contribution::ActiveModel {
            id: Set(Uuid::now_v7()),
            region_id: Set(actor.region_id),
            insured_person_id: Set(req.insured_person_id),
            period: Set(req.period.clone()),
            scheme: Set(enum_to_db(&req.scheme)),
            source: Set(enum_to_db(&req.source)),
            amount_fen: Set(fen),
            entry_id: Set(e.id),
            reversed: Set(false),
        }
        .insert(txn)
        .await?;
        Ok(())
    })
    .await?;
    Ok(Posted { created, entry: ledger::view_one(&state.db, m).await? })
}

/// Posts a lump-sum receipt.
pub async fn receive(state: &AppState, actor: &Actor, req: ReceiptRequest) -> ApiResult<Posted> {
    actor.require(Permission::PostFunding)?;
    let mut errors = FieldErrors::new();
    let reference = check_reference(&mut errors, &req.reference);
    let description = errors.take("description", check_text(&req.description, 300));
    let fen = errors.take("amount", positive_fen(req.amount).map_err(|e| (e.code(), e.text())));
    if let Some(on) = req.received_on {
        crate::fields::happened(&mut errors, "received_on", on, actor.today);
    }
    errors.finish()?;
    let (Some(reference), Some(description), Some(fen)) = (reference, description, fen) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    // The reserve share of the policy in force when the money was received.
    let bp = settings(&state.db, actor.region_id, req.received_on.unwrap_or(actor.today)).await?.reserve_share_bp;
    let request = serde_json::json!({
        "kind": "receipt", "scheme": req.scheme, "source": req.source, "amount_fen": fen,
        "description": description, "received_on": req.received_on,
    });
    let entry = NewEntry {
        reference,
        kind: "receipt",
        description,
        effective_on: req.received_on.unwrap_or(actor.today),
        reverses_entry_id: None,
        request,
        lines: split(req.source, req.scheme, fen, bp),
    };
    let (created, m) = ledger::post(&state.db, actor, entry, async |_, _| Ok(())).await?;
    Ok(Posted { created, entry: ledger::view_one(&state.db, m).await? })
}

/// Cancels an entry with its mirror image (红字冲销). An entry is reversed at most once; a
/// reversal is not itself reversed (post the entry again instead).
pub async fn reverse(state: &AppState, actor: &Actor, id: Uuid, req: ReversalRequest) -> ApiResult<Posted> {
    actor.require(Permission::PostFunding)?;
    let mut errors = FieldErrors::new();
    let reference = check_reference(&mut errors, &req.reference);
    let reason = errors.take("reason", crate::fields::check_paragraph(&req.reason, 200));
    errors.finish()?;
    let (Some(reference), Some(reason)) = (reference, reason) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    let original = je::Entity::find_by_id(id)
        .filter(je::Column::RegionId.eq(actor.region_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_journal_entry()))?;
    let request = serde_json::json!({"kind": "reversal", "of": id, "reason": reason});
    if original.reverses_entry_id.is_some() {
        return Err(ApiError::conflict("id", m::reversal_not_reversed()));
    }
    let postings = lp::Entity::find().filter(lp::Column::EntryId.eq(id)).all(&state.db).await?;
    // Reversing twice is refused by the ledger (one reversal per entry, enforced by a unique
    // index); a retry of this reversal with its reference is answered as a repeat.
    let accounts = crate::entities::ledger_account::Entity::find()
        .filter(
            crate::entities::ledger_account::Column::Id
                .is_in(postings.iter().map(|p| p.account_id).collect::<Vec<_>>()),
        )
        .all(&state.db)
        .await?;
    let mut lines = Vec::with_capacity(postings.len());
    for p in &postings {
        let a = accounts
            .iter()
            .find(|a| a.id == p.account_id)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("account {} missing", p.account_id)))?;
        let kind: AccountKind = crate::entities::enum_from_db(&a.kind)?;
        lines.push((AccountSpec { code: a.code.clone(), name: a.name.clone(), kind }, -p.amount_fen));
    }
    let entry = NewEntry {
        reference,
        kind: "reversal",
        description: format!("冲销 {}: {reason}", original.reference),
        effective_on: actor.today,
        reverses_entry_id: Some(id),
        request,
        lines,
    };
    let (created, m) = ledger::post(&state.db, actor, entry, async |txn, _| {
        contribution::Entity::update_many()
            .col_expr(contribution::Column::Reversed, sea_orm::sea_query::Expr::value(true))
            .filter(contribution::Column::EntryId.eq(id))
            .exec(txn)
            .await?;
        Ok(())
    })
    .await?;
    Ok(Posted { created, entry: ledger::view_one(&state.db, m).await? })
}
