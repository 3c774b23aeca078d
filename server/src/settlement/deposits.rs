//! Settling a year's quality deposits (质量保证金返还): what was withheld from an institution's
//! payments in a year is released by the share its evaluation of that year grants (by credit
//! class, `docs/institutions.md`) — paid back out of each scheme's fund — and the rest is kept by
//! the fund as income. Once per institution and year.

use ltci_shared::api::funding::AccountKind;
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::settlement::{DepositRelease, DepositReleaseRequest};
use ltci_shared::messages as m;
use ltci_shared::money::to_yuan;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::bills::{deposit, institution_in_scope, refuse_overdraft};
use super::pricing::share_of_fen;
use crate::auth::{Actor, Permission};
use crate::entities::{
    enum_to_db, institution_evaluation as evaluation, journal_entry as je, ledger_account as acct, ledger_posting as lp,
};
use crate::funding::income::{fund, scheme_name};
use crate::funding::ledger::{self, AccountSpec, NewEntry};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Deposits the fund keeps, as income of the scheme.
fn forfeited(scheme: Scheme) -> AccountSpec {
    AccountSpec {
        code: format!("income:forfeited_deposit:{}", enum_to_db(&scheme)),
        name: format!("质量保证金扣留（{}）", scheme_name(scheme)),
        kind: AccountKind::Income,
    }
}

/// Releases the deposits withheld from the institution's payments in `year`. Asked again, it
/// answers the same release (`false`): nothing is posted twice.
pub async fn release(
    state: &AppState,
    actor: &Actor,
    institution_id: Uuid,
    req: DepositReleaseRequest,
) -> ApiResult<(bool, DepositRelease)> {
    actor.require(Permission::SettleBills)?;
    let inst = institution_in_scope(&state.db, actor, institution_id).await?;
    let eval = evaluation::Entity::find()
        .filter(evaluation::Column::InstitutionId.eq(inst.id))
        .filter(evaluation::Column::Year.eq(req.year))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::invalid_field("year", "not_evaluated", m::no_evaluation_for_year(req.year)))?;
    let (first, last) =
        (chrono::NaiveDate::from_ymd_opt(req.year, 1, 1), chrono::NaiveDate::from_ymd_opt(req.year, 12, 31));
    let (Some(first), Some(last)) = (first, last) else {
        return Err(ApiError::invalid_field("year", "out_of_range", m::year_range(2000, 2100)));
    };
    let percent = u32::try_from(eval.deposit_release_percent).unwrap_or(0).min(100);
    let share = rust_decimal::Decimal::new(i64::from(percent), 2);
    let mut parts = Vec::new();
    for scheme in [Scheme::Employee, Scheme::Resident] {
        let withheld = withheld_in(state, actor.region_id, &deposit(inst.id, scheme).code, first, last).await?;
        if withheld > 0 {
            let released = share_of_fen(withheld, share);
            parts.push((scheme, withheld, released, withheld - released));
        }
    }
    if parts.is_empty() {
        return Err(ApiError::invalid_field("year", "nothing_withheld", m::nothing_withheld(req.year)));
    }
    let mut lines = Vec::new();
    for (scheme, withheld, released, kept) in &parts {
        lines.push((deposit(inst.id, *scheme), *withheld));
        lines.push((fund(*scheme), -released));
        lines.push((forfeited(*scheme), -kept));
    }
    let entry = NewEntry {
        reference: format!("deposit-release:{}:{}", inst.id, req.year),
        kind: "deposit_release",
        description: format!(
            "{} 年度质量保证金返还 {}（信用等级 {}，返还 {percent}%）",
            req.year,
            inst.name.chars().take(100).collect::<String>(),
            eval.credit_class
        ),
        effective_on: actor.today,
        reverses_entry_id: None,
        request: serde_json::json!({"kind": "deposit_release", "institution": inst.id, "year": req.year,
            "evaluation": eval.id, "withheld": parts.iter().map(|p| p.1).collect::<Vec<_>>()}),
        lines,
    };
    let paying: Vec<Scheme> = parts.iter().filter(|p| p.2 > 0).map(|p| p.0).collect();
    let region_id = actor.region_id;
    let (created, e) =
        ledger::post(&state.db, actor, entry, async |txn, _| refuse_overdraft(txn, region_id, &paying).await)
            .await
            .map_err(|e| {
                if e.details().contains_key("reference") {
                    ApiError::conflict("year", m::deposits_released_before(req.year))
                } else {
                    e
                }
            })?;
    let sum = |f: fn(&(Scheme, i64, i64, i64)) -> i64| parts.iter().map(f).sum::<i64>();
    Ok((
        created,
        DepositRelease {
            institution_id: inst.id,
            year: req.year,
            credit_class: eval.credit_class,
            release_percent: percent,
            withheld: to_yuan(sum(|p| p.1)),
            released: to_yuan(sum(|p| p.2)),
            forfeited: to_yuan(sum(|p| p.3)),
            entry_id: e.id,
        },
    ))
}

/// What payments effective in `first..=last` credited to the deposit account `code`, in fen.
async fn withheld_in(
    state: &AppState,
    region_id: Uuid,
    code: &str,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> ApiResult<i64> {
    let total: Option<Option<i64>> = lp::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(ledger_postings.amount_fen) AS BIGINT)"), "total")
        .filter(
            lp::Column::AccountId.in_subquery(
                Query::select()
                    .column(acct::Column::Id)
                    .from(acct::Entity)
                    .and_where(acct::Column::RegionId.eq(region_id))
                    .and_where(acct::Column::Code.eq(code))
                    .to_owned(),
            ),
        )
        .filter(
            lp::Column::EntryId.in_subquery(
                Query::select()
                    .column(je::Column::Id)
                    .from(je::Entity)
                    .and_where(je::Column::Kind.eq("settlement_payment"))
                    .and_where(je::Column::EffectiveOn.between(first, last))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .one(&state.db)
        .await?;
    Ok(-total.flatten().unwrap_or(0))
}
