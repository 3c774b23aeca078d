//! Fund health (基金运行分析与预警): balance, income by source, expenditure by month, months of
//! payment the balance covers (可支付月数) and the warning level — for a region, a scheme and a date.
//!
//! Months covered = balance ÷ average monthly expenditure over the last 12 months (or over the
//! months since the ledger began, if fewer). The level is decided on the exact ratio, in integers,
//! so 2.99 months is never shown as 3.0 and called safe.

use ltci_shared::messages as m;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use ltci_shared::api::funding::{
    FundHealth, FundingSettings, HealthQuery, MonthAmount, MonthPoint, SeriesQuery, SourceAmount, WarningLevel,
};
use ltci_shared::api::registry::Scheme;
use ltci_shared::money::to_yuan;
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::income;
use crate::auth::{Actor, Permission};
use crate::entities::{enum_from_db, enum_to_db, ledger_account as acct, ledger_day_total as day_total};
use crate::http::error::{ApiError, ApiResult};

/// The months covered, to one decimal (half up); `None` without expenditure.
pub fn months_covered(balance_fen: i64, expenditure_fen: i64, months: u32) -> Option<Decimal> {
    if expenditure_fen <= 0 || months == 0 {
        return None;
    }
    let ratio = Decimal::from(balance_fen) * Decimal::from(months) / Decimal::from(expenditure_fen);
    Some(ratio.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
}

/// The warning level of a balance against `expenditure_fen` spent over `months`, decided exactly.
pub fn level(balance_fen: i64, expenditure_fen: i64, months: u32, s: &FundingSettings) -> WarningLevel {
    if expenditure_fen <= 0 || months == 0 {
        return WarningLevel::NoExpenditure;
    }
    // covered < t  ⇔  balance × months < t × expenditure
    let lhs = i128::from(balance_fen) * i128::from(months);
    let below = |t: u32| lhs < i128::from(t) * i128::from(expenditure_fen);
    let above = |t: u32| lhs > i128::from(t) * i128::from(expenditure_fen);
    if below(s.critical_months) {
        WarningLevel::Critical
    } else if below(s.warning_months) {
        WarningLevel::Warning
    } else if above(s.surplus_months) {
        WarningLevel::ExcessSurplus
    } else {
        WarningLevel::Normal
    }
}

/// The monthly average in yuan, two decimals (half up).
fn average(expenditure_fen: i64, months: u32) -> Decimal {
    let mut avg = if months == 0 {
        Decimal::ZERO
    } else {
        (to_yuan(expenditure_fen) / Decimal::from(months))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    };
    avg.rescale(2);
    avg
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Sums per (day, account) of the region's entries effective on or before `to` (the day totals
/// kept with every posting).
async fn daily<C: ConnectionTrait>(db: &C, region_id: Uuid, to: NaiveDate) -> ApiResult<Vec<(NaiveDate, Uuid, i64)>> {
    Ok(day_total::Entity::find()
        .filter(day_total::Column::RegionId.eq(region_id))
        .filter(day_total::Column::Day.lte(to))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.day, t.account_id, t.amount_fen))
        .collect())
}

/// What an account is to a scheme's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AccountRole {
    Fund,
    Income(Option<ltci_shared::api::funding::FundingSource>),
    Expense,
}

/// The scheme's accounts among the region's and what each is: its fund, its income accounts (by
/// source) and its expense accounts (`expense:<what>:<scheme>`, debited by benefit payments).
fn roles(accounts: &[acct::Model], scheme: Scheme) -> HashMap<Uuid, AccountRole> {
    let suffix = format!(":{}", enum_to_db(&scheme));
    let fund_code = income::fund(scheme).code;
    let mut out = HashMap::new();
    for a in accounts {
        let role = if a.code == fund_code {
            Some(AccountRole::Fund)
        } else if a.code.starts_with("income:") && a.code.ends_with(&suffix) {
            let source = a.code.split(':').nth(1).and_then(|s| enum_from_db(s).ok());
            Some(AccountRole::Income(source))
        } else if a.code.starts_with("expense:") && a.code.ends_with(&suffix) {
            Some(AccountRole::Expense)
        } else {
            None
        };
        if let Some(r) = role {
            out.insert(a.id, r);
        }
    }
    out
}

/// What every scheme's health is read from, in two queries: the region's accounts and its
/// ledger summed per day and account up to a date.
struct Ledger {
    accounts: Vec<acct::Model>,
    daily: Vec<(NaiveDate, Uuid, i64)>,
}

impl Ledger {
    async fn read<C: ConnectionTrait>(db: &C, region_id: Uuid, to: NaiveDate) -> ApiResult<Ledger> {
        let accounts = acct::Entity::find().filter(acct::Column::RegionId.eq(region_id)).all(db).await?;
        Ok(Ledger { accounts, daily: daily(db, region_id, to).await? })
    }
}

/// Per month (first day): (income, expenditure, change of the fund), in fen.
type Monthly = BTreeMap<NaiveDate, (i64, i64, i64)>;

/// Income by source: each day's amount, in fen.
type BySource = HashMap<Option<ltci_shared::api::funding::FundingSource>, Vec<(NaiveDate, i64)>>;

fn monthly(ledger: &Ledger, scheme: Scheme) -> (Monthly, BySource) {
    let roles = roles(&ledger.accounts, scheme);
    let mut months = Monthly::new();
    let mut by_source = BySource::new();
    for &(day, account, fen) in &ledger.daily {
        let Some(role) = roles.get(&account) else { continue };
        let m = months.entry(month_start(day)).or_default();
        match role {
            AccountRole::Fund => m.2 += fen,
            AccountRole::Income(source) => {
                m.0 -= fen;
                by_source.entry(*source).or_default().push((day, -fen));
            }
            AccountRole::Expense => m.1 += fen,
        }
    }
    (months, by_source)
}

/// Balance at the end of each month and the expenditure window ending there.
struct Point {
    balance: i64,
    window_expenditure: i64,
    window_months: u32,
}

fn point_at(months: &Monthly, month: NaiveDate) -> Point {
    let balance = months.range(..=month).map(|(_, v)| v.2).sum();
    let first = months.keys().next().copied().unwrap_or(month);
    let window_start = Ord::max(month.checked_sub_months(Months::new(11)).unwrap_or(month), first);
    let window_months = if window_start > month {
        0
    } else {
        u32::try_from(
            (month.year() - window_start.year()) * 12 + i32::try_from(month.month()).unwrap_or(0)
                - i32::try_from(window_start.month()).unwrap_or(0)
                + 1,
        )
        .unwrap_or(0)
    };
    let window_expenditure =
        if window_start > month { 0 } else { months.range(window_start..=month).map(|(_, v)| v.1).sum() };
    Point { balance, window_expenditure, window_months }
}

/// A scheme's fund health on a day (`on`, today when none), income counted from `from` (the
/// year's first day when none).
pub async fn health<C: ConnectionTrait>(db: &C, actor: &Actor, q: HealthQuery) -> ApiResult<FundHealth> {
    actor.require(Permission::ReadFunding)?;
    let (on, from) = period(actor, &q)?;
    let settings = income::settings(db, actor.region_id, actor.today).await?;
    let ledger = Ledger::read(db, actor.region_id, on).await?;
    Ok(assemble(&ledger, q.scheme, on, from, settings))
}

/// Every scheme's fund health today, the ledger read once (the home and funds pages).
pub async fn health_of_every_scheme<C: ConnectionTrait>(db: &C, actor: &Actor) -> ApiResult<Vec<FundHealth>> {
    actor.require(Permission::ReadFunding)?;
    let (on, from) = period(actor, &HealthQuery { scheme: Scheme::Employee, on: None, from: None })?;
    let settings = income::settings(db, actor.region_id, actor.today).await?;
    let ledger = Ledger::read(db, actor.region_id, on).await?;
    Ok(Scheme::ALL.into_iter().map(|scheme| assemble(&ledger, scheme, on, from, settings)).collect())
}

fn period(actor: &Actor, q: &HealthQuery) -> ApiResult<(NaiveDate, NaiveDate)> {
    let on = q.on.unwrap_or(actor.today);
    let from = q.from.unwrap_or_else(|| NaiveDate::from_ymd_opt(on.year(), 1, 1).unwrap_or(on));
    if on < from {
        return Err(ApiError::invalid_field("from", "after_end", m::income_period_after_date()));
    }
    Ok((on, from))
}

fn assemble(ledger: &Ledger, scheme: Scheme, on: NaiveDate, from: NaiveDate, settings: FundingSettings) -> FundHealth {
    let (months, by_source) = monthly(ledger, scheme);
    let p = point_at(&months, month_start(on));
    let mut income_by_source: Vec<SourceAmount> = by_source
        .into_iter()
        .filter_map(|(source, days)| {
            let fen: i64 = days.iter().filter(|(d, _)| *d >= from && *d <= on).map(|(_, f)| f).sum();
            source.map(|s| SourceAmount { source: s, amount: to_yuan(fen) })
        })
        .collect();
    income_by_source.sort_by_key(|s| s.source);
    let last_month = month_start(on);
    let expenditure_by_month = (0..12u32)
        .rev()
        .filter_map(|back| last_month.checked_sub_months(Months::new(back)))
        .map(|m| MonthAmount {
            month: m.format("%Y-%m").to_string(),
            amount: to_yuan(months.get(&m).map_or(0, |v| v.1)),
        })
        .collect();
    FundHealth {
        scheme,
        on,
        balance: to_yuan(p.balance),
        income_from: from,
        income_by_source,
        expenditure_by_month,
        average_monthly_expenditure: average(p.window_expenditure, p.window_months),
        months_covered: months_covered(p.balance, p.window_expenditure, p.window_months),
        level: level(p.balance, p.window_expenditure, p.window_months, &settings),
        settings,
    }
}

/// One point per month, oldest first, ending with the current month.
/// The number of months of a series: 1–120, 24 when not given.
pub fn series_months(months: Option<u32>) -> ApiResult<u32> {
    let count = months.unwrap_or(24);
    if (1..=120).contains(&count) {
        Ok(count)
    } else {
        Err(ApiError::invalid_field("months", "out_of_range", m::between(1, 120)))
    }
}

pub async fn series<C: ConnectionTrait>(db: &C, actor: &Actor, q: SeriesQuery) -> ApiResult<Vec<MonthPoint>> {
    actor.require(Permission::ReadFunding)?;
    let count = series_months(q.months)?;
    let settings = income::settings(db, actor.region_id, actor.today).await?;
    let ledger = Ledger::read(db, actor.region_id, actor.today).await?;
    let (months, _) = monthly(&ledger, q.scheme);
    let last = month_start(actor.today);
    Ok((0..count)
        .rev()
        .filter_map(|back| last.checked_sub_months(Months::new(back)))
        .map(|m| {
            let p = point_at(&months, m);
            let (income, expenditure, _) = months.get(&m).copied().unwrap_or_default();
            MonthPoint {
                month: m.format("%Y-%m").to_string(),
                income: to_yuan(income),
                expenditure: to_yuan(expenditure),
                balance: to_yuan(p.balance),
                months_covered: months_covered(p.balance, p.window_expenditure, p.window_months),
                level: level(p.balance, p.window_expenditure, p.window_months, &settings),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> FundingSettings {
        FundingSettings::default()
    }

    #[test]
    fn levels_change_exactly_at_the_thresholds() {
        // 12 months spending 100.00 a month in all: 1200.00.
        let spent = 120_000;
        for (balance, expected) in [
            (29_999, WarningLevel::Critical), // 2.9999 months
            (30_000, WarningLevel::Warning),  // 3 months
            (59_999, WarningLevel::Warning),
            (60_000, WarningLevel::Normal),  // 6 months
            (240_000, WarningLevel::Normal), // 24 months
            (240_001, WarningLevel::ExcessSurplus),
            (-5, WarningLevel::Critical),
        ] {
            assert_eq!(level(balance, spent, 12, &settings()), expected, "{balance}");
        }
        assert_eq!(level(1_000, 0, 12, &settings()), WarningLevel::NoExpenditure);
    }

    #[test]
    fn months_covered_use_the_months_available() {
        // Three months of history, 300.00 spent: 100.00 a month; 450.00 covers 4.5 months.
        assert_eq!(months_covered(45_000, 30_000, 3), Some(Decimal::new(45, 1)));
        // 2.96 months shows as 3.0, but the level stays critical.
        assert_eq!(months_covered(29_600, 120_000, 12), Some(Decimal::new(30, 1)));
        assert_eq!(level(29_600, 120_000, 12, &settings()), WarningLevel::Critical);
        assert_eq!(months_covered(1, 0, 12), None);
        assert_eq!(average(0, 12).to_string(), "0.00");
        assert_eq!(average(130_000, 3).to_string(), "433.33");
    }

    #[test]
    fn the_window_is_twelve_months_or_what_there_is() {
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("date");
        let mut months = Monthly::new();
        months.insert(d(2025, 1), (0, 100, 1_000));
        months.insert(d(2025, 6), (0, 200, 0));
        months.insert(d(2026, 3), (0, 300, -100));
        let p = point_at(&months, d(2025, 6));
        assert_eq!((p.balance, p.window_expenditure, p.window_months), (1_000, 300, 6));
        let p = point_at(&months, d(2026, 3));
        // April 2025 to March 2026: January's 100 has left the window.
        assert_eq!((p.balance, p.window_expenditure, p.window_months), (900, 500, 12));
        // Before the ledger began: nothing.
        let p = point_at(&months, d(2024, 11));
        assert_eq!((p.balance, p.window_expenditure, p.window_months), (0, 0, 0));
    }
}
