//! The policy what-if (政策测算): the facts of past months priced again under a draft policy
//! version — nothing written — against what the versions in force pay for them and what the
//! settled bills paid, per month, institution, care mode and scheme; and the months of payment
//! each scheme's fund covers (可支付月数) at the pace of those months under the draft against
//! under the versions in force.

use std::collections::{BTreeMap, HashMap};

use chrono::{Months, NaiveDate};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::settlement::{BillStatus, WhatIfFund, WhatIfMonth, WhatIfQuery, WhatIfReport, WhatIfRow};
use ltci_shared::messages as m;
use ltci_shared::money::{to_fen, to_yuan};
use ltci_shared::policy::PolicyDocument;
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::facts;
use super::pricing::{Policy, fund_of_month};
use crate::auth::{Actor, Permission};
use crate::care::stays::month_bounds;
use crate::entities::{bill, bill_line_pack as pack, enum_from_db, enum_to_db, institution};
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::state::AppState;

/// The most months one what-if reprices.
pub const MAX_MONTHS: usize = 24;

/// One cell of the report: (month, institution, care mode, scheme), as stored.
type Cell = (String, Uuid, String, String);

/// A cell's lines and amounts in fen: lines, paid, now, draft.
type Sums = (u64, i64, i64, i64);

/// The months `from..=to` with their bounds, each over.
pub fn months_of(actor: &Actor, q: &WhatIfQuery) -> ApiResult<Vec<(String, (NaiveDate, NaiveDate))>> {
    let mut errors = FieldErrors::new();
    let mut bound = |field: &'static str, v: &Option<String>| match v.as_deref() {
        None => {
            errors.add(field, "required", m::what_if_month_needed());
            None
        }
        Some(text) => match month_bounds(text) {
            Some(b) if b.1 < actor.today => Some(b),
            Some(_) => {
                errors.add(field, "month_not_over", m::what_if_month_not_over());
                None
            }
            None => {
                errors.add(field, "invalid_month", m::invalid_month());
                None
            }
        },
    };
    let (from, to) = (bound("from", &q.from), bound("to", &q.to));
    errors.finish()?;
    let (Some((first, _)), Some((_, last))) = (from, to) else {
        return Err(ApiError::internal(anyhow::anyhow!("bounds")));
    };
    if first > last {
        return Err(ApiError::invalid_field("to", "before_from", m::what_if_to_before_from()));
    }
    let mut out = Vec::new();
    let mut start = first;
    while start <= last {
        let month = start.format("%Y-%m").to_string();
        let bounds = month_bounds(&month).ok_or_else(|| ApiError::internal(anyhow::anyhow!("month {month}")))?;
        out.push((month, bounds));
        if out.len() > MAX_MONTHS {
            return Err(ApiError::invalid_field("to", "out_of_range", m::what_if_too_many_months(MAX_MONTHS)));
        }
        start = start.checked_add_months(Months::new(1)).ok_or_else(|| ApiError::internal(anyhow::anyhow!("month")))?;
    }
    Ok(out)
}

/// Prices the months of `q` under `draft` (a document as imported, not imported), telling
/// `progress` after each institution's month.
pub async fn run(
    state: &AppState,
    actor: &Actor,
    q: WhatIfQuery,
    draft: PolicyDocument,
    progress: super::Progress<'_>,
) -> ApiResult<WhatIfReport> {
    actor.require(Permission::ManagePolicy)?;
    let months = months_of(actor, &q)?;
    let draft = crate::policy::service::checked_for_region(&state.db, actor, draft).await?;
    let db = &state.db;
    let institutions = institution::Entity::find()
        .filter(institution::Column::RegionId.eq(actor.region_id))
        .order_by_asc(institution::Column::Id)
        .all(db)
        .await?;
    let (draft_name, draft_effective_from) = (draft.name.clone(), draft.effective_from);
    let draft = Policy { id: Uuid::nil(), version: i32::MAX, document: draft };
    let mut cells: BTreeMap<Cell, Sums> = BTreeMap::new();
    let total = months.len() * institutions.len();
    // The next institution's facts are read while the last one's are priced.
    let (send, mut receive) = tokio::sync::mpsc::channel::<(String, Uuid, facts::Facts)>(1);
    let region = actor.region_id;
    let reading = async {
        let send = send; // dropped when the reading ends, which ends the pricing
        for (month, bounds) in months.iter() {
            for inst in &institutions {
                let tier = inst.hospital_tier.and_then(|t| u8::try_from(t).ok());
                let facts = facts::read(db, region, inst.id, tier, *bounds, None, None).await?;
                if send.send((month.clone(), inst.id, facts)).await.is_err() {
                    break;
                }
            }
        }
        Ok::<(), ApiError>(())
    };
    let pricing = async {
        let mut done = 0;
        while let Some((month, inst, facts)) = receive.recv().await {
            let claims: Vec<_> = facts.lines.iter().map(|l| facts.claim(l)).collect();
            let now = fund_of_month(&claims, &facts.prior);
            let kinds: Vec<(CareMode, Scheme)> =
                facts.lines.iter().map(|l| (l.mode, facts.scheme(l.person_id))).collect();
            drop(claims);
            let facts = facts.with_draft(&draft);
            let claims: Vec<_> = facts.lines.iter().map(|l| facts.claim(l)).collect();
            let then = fund_of_month(&claims, &facts.prior);
            let mut sums: HashMap<(CareMode, Scheme), Sums> = HashMap::new();
            for ((kind, a), b) in kinds.into_iter().zip(now).zip(then) {
                let s = sums.entry(kind).or_default();
                (s.0, s.2, s.3) = (s.0 + 1, s.2 + a, s.3 + b);
            }
            for ((mode, scheme), s) in sums {
                cells.insert((month.clone(), inst, enum_to_db(&mode), enum_to_db(&scheme)), s);
            }
            done += 1;
            progress(done, total);
        }
    };
    let (read, ()) = tokio::join!(reading, pricing);
    read?;
    for (cell, fen) in paid(state, actor, &months).await? {
        cells.entry(cell).or_default().1 += fen;
    }
    let funds = funds(state, actor, &cells, months.len()).await?;
    let mut by_month: BTreeMap<String, Sums> = months.iter().map(|(m, _)| (m.clone(), Sums::default())).collect();
    for ((month, ..), s) in &cells {
        let t = by_month.entry(month.clone()).or_default();
        (t.0, t.1, t.2, t.3) = (t.0 + s.0, t.1 + s.1, t.2 + s.2, t.3 + s.3);
    }
    let (from, to) = (months.first(), months.last());
    Ok(WhatIfReport {
        from: from.map(|(m, _)| m.clone()).unwrap_or_default(),
        to: to.map(|(m, _)| m.clone()).unwrap_or_default(),
        draft_name,
        draft_effective_from,
        months: by_month
            .into_iter()
            .map(|(month, s)| WhatIfMonth {
                month,
                lines: s.0,
                paid: to_yuan(s.1),
                now: to_yuan(s.2),
                draft: to_yuan(s.3),
            })
            .collect(),
        rows: cells
            .into_iter()
            .map(|((month, institution_id, care_mode, scheme), s)| {
                Ok(WhatIfRow {
                    month,
                    institution_id,
                    care_mode: enum_from_db::<CareMode>(&care_mode)?,
                    scheme: enum_from_db::<Scheme>(&scheme)?,
                    lines: s.0,
                    paid: to_yuan(s.1),
                    now: to_yuan(s.2),
                    draft: to_yuan(s.3),
                })
            })
            .collect::<ApiResult<Vec<_>>>()?,
        funds,
    })
}

/// What the approved and paid bills of the months paid, per cell: their own lines (not the
/// adjustments they carry for earlier months) less the audit's deductions.
async fn paid(
    state: &AppState,
    actor: &Actor,
    months: &[(String, (NaiveDate, NaiveDate))],
) -> ApiResult<Vec<(Cell, i64)>> {
    let settled = [enum_to_db(&BillStatus::Approved), enum_to_db(&BillStatus::Paid)];
    let bills: HashMap<Uuid, (String, Uuid)> = bill::Entity::find()
        .filter(bill::Column::RegionId.eq(actor.region_id))
        .filter(bill::Column::Status.is_in(settled))
        .filter(bill::Column::Month.is_in(months.iter().map(|(m, _)| m.clone())))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|b| (b.id, (b.month, b.institution_id)))
        .collect();
    let sums: Vec<(Uuid, String, String, Option<i64>)> = pack::Entity::find()
        .select_only()
        .column(pack::Column::BillId)
        .column(pack::Column::CareMode)
        .column(pack::Column::Scheme)
        .column_as(Expr::cust("CAST(SUM(bill_line_packs.fund_fen - bill_line_packs.deducted_fen) AS BIGINT)"), "paid")
        .filter(pack::Column::BillId.is_in(bills.keys().copied()))
        .filter(pack::Column::Adjustments.eq(false))
        .group_by(pack::Column::BillId)
        .group_by(pack::Column::CareMode)
        .group_by(pack::Column::Scheme)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(sums
        .into_iter()
        .filter_map(|(bill, mode, scheme, fen)| {
            bills.get(&bill).map(|(month, inst)| ((month.clone(), *inst, mode, scheme), fen.unwrap_or(0)))
        })
        .collect())
}

/// Each scheme's fund as the fund page shows it, and the months its balance covers at the
/// what-if months' average pace under the versions in force and under the draft.
async fn funds(
    state: &AppState,
    actor: &Actor,
    cells: &BTreeMap<Cell, Sums>,
    months: usize,
) -> ApiResult<Vec<WhatIfFund>> {
    let health = crate::funding::health::health_of_every_scheme(&state.db, actor).await?;
    let months = i64::try_from(months.max(1)).unwrap_or(1);
    let fen = |d: Decimal| to_fen(d).map_err(|e| ApiError::internal(anyhow::anyhow!(e)));
    let mut out = Vec::new();
    for h in health {
        let scheme = enum_to_db(&h.scheme);
        let of_scheme = || cells.iter().filter(|((.., s), _)| *s == scheme).map(|(_, v)| v);
        let now = rounded_div(of_scheme().map(|v| v.2).sum(), months);
        let draft = rounded_div(of_scheme().map(|v| v.3).sum(), months);
        let balance = fen(h.balance)?;
        let covered = |monthly| crate::funding::health::months_covered(balance, monthly, 1);
        out.push(WhatIfFund {
            scheme: h.scheme,
            balance: h.balance,
            average_monthly_expenditure: h.average_monthly_expenditure,
            months_covered: h.months_covered,
            now_monthly: to_yuan(now),
            now_months_covered: covered(now),
            draft_monthly: to_yuan(draft),
            draft_months_covered: covered(draft),
        });
    }
    Ok(out)
}

/// `a ÷ b` rounded half away from zero to the fen.
fn rounded_div(a: i64, b: i64) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (Decimal::from(a) / Decimal::from(b))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(0)
}

/// The report's rows as CSV, in the reader's language: what `POST /policies/what-if/csv` and the
/// command line's `--csv` give.
pub fn csv(report: &WhatIfReport, names: &HashMap<Uuid, String>) -> ApiResult<String> {
    let lang = crate::language::current();
    let header = [
        m::col_month(),
        m::col_institution_id(),
        m::col_institution_name(),
        m::col_care_mode(),
        m::col_scheme(),
        m::col_what_if_lines(),
        m::col_what_if_paid(),
        m::col_what_if_now(),
        m::col_what_if_draft(),
        m::col_what_if_difference(),
    ];
    let mut out = vec![header.iter().map(|h| h.render(lang)).collect::<Vec<_>>()];
    for r in &report.rows {
        out.push(vec![
            r.month.clone(),
            r.institution_id.to_string(),
            names.get(&r.institution_id).cloned().unwrap_or_default(),
            enum_to_db(&r.care_mode),
            enum_to_db(&r.scheme),
            r.lines.to_string(),
            r.paid.to_string(),
            r.now.to_string(),
            r.draft.to_string(),
            (r.draft - r.now).to_string(),
        ]);
    }
    crate::http::download::csv_text(out)
}

/// The months as a 900×420 SVG bar chart (plotters): what the versions in force and the draft
/// pay, side by side per month. Amounts become floating point here only, for drawing.
pub fn chart(title: &str, report: &WhatIfReport, lang: ltci_shared::text::Lang) -> anyhow::Result<String> {
    use plotters::prelude::*;
    use rust_decimal::prelude::ToPrimitive;
    let y = |d: Decimal| d.to_f64().unwrap_or(0.0);
    let fail = |e: &dyn std::fmt::Display| anyhow::anyhow!("{e}");
    let months = &report.months;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let hi = months.iter().flat_map(|mo| [y(mo.now), y(mo.draft)]).fold(0.0f64, f64::max);
        let hi = if hi <= 0.0 { 1.0 } else { hi * 1.1 };
        let n = months.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(100)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..hi)
            .map_err(|e| fail(&e))?;
        let label = |x: &f64| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            months.get(i as usize).map(|mo| mo.month.clone()).unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels(months.len().clamp(1, 24))
            .x_label_formatter(&label)
            .disable_x_mesh()
            .y_label_formatter(&|v: &f64| format!("{v:.0}"))
            .y_desc(m::word_yuan().render(lang))
            .draw()
            .map_err(|e| fail(&e))?;
        let bars = [
            (m::ui_what_if_now().render(lang), BLUE, -0.38, (|mo: &WhatIfMonth| mo.now) as fn(&WhatIfMonth) -> Decimal),
            (m::ui_what_if_draft().render(lang), RED, 0.02, |mo: &WhatIfMonth| mo.draft),
        ];
        for (name, color, offset, f) in bars {
            chart
                .draw_series(months.iter().enumerate().map(|(i, mo)| {
                    let x = i as f64 + offset;
                    Rectangle::new([(x, 0.0), (x + 0.36, y(f(mo)))], color.mix(0.7).filled())
                }))
                .map_err(|e| fail(&e))?
                .label(name)
                .legend(move |(x, yy)| Rectangle::new([(x, yy - 5), (x + 14, yy + 5)], color.mix(0.7).filled()));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}

/// The names of the report's institutions, for the CSV.
pub async fn institution_names(
    state: &AppState,
    actor: &Actor,
    report: &WhatIfReport,
) -> ApiResult<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = report.rows.iter().map(|r| r.institution_id).collect();
    Ok(institution::Entity::find()
        .filter(institution::Column::RegionId.eq(actor.region_id))
        .filter(institution::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::rounded_div;

    #[test]
    fn a_difference_is_spread_over_the_months_to_the_fen() {
        assert_eq!(rounded_div(1_000, 3), 333);
        assert_eq!(rounded_div(-1_000, 3), -333);
        assert_eq!(rounded_div(5, 2), 3);
        assert_eq!(rounded_div(-5, 2), -3);
    }
}
