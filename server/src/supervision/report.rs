//! The findings report (监控发现统计): findings in scope counted by status and the money they
//! moved (deducted from submitted bills, to recover from approved ones), grouped by rule,
//! institution, county (the caregiver's) or month, over a range of months; as rows and as CSV.

use std::collections::{BTreeMap, HashMap};

use ltci_shared::api::supervision::{FindingStatus, FindingsReport, ReportFilter, ReportGroup, ReportRow, Rule};
use ltci_shared::messages as m;
use ltci_shared::money::to_yuan;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::{Actor, Permission, scope};
use crate::entities::{caregiver, county, enum_from_db, enum_to_db, finding, institution};
use crate::http::download::csv_text;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Counts and sums per group.
#[derive(Default)]
struct Tally {
    open: u64,
    confirmed: u64,
    dismissed: u64,
    deducted: i64,
    recovered: i64,
}

/// The report: its rows in the group's order (rules in catalogue order, institutions and
/// counties by name, months in order), and the total.
pub async fn report(state: &AppState, actor: &Actor, f: &ReportFilter) -> ApiResult<FindingsReport> {
    actor.require(Permission::ReadFindings)?;
    let mut q = finding::Entity::find().filter(scope::findings(actor));
    for (field, month, upper) in [("from", &f.from, false), ("to", &f.to, true)] {
        let Some(month) = month.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { continue };
        crate::fields::month(month).map_err(|(c, t)| ApiError::invalid_field(field, c, t))?;
        q = q.filter(if upper { finding::Column::Month.lte(month) } else { finding::Column::Month.gte(month) });
    }
    let found = q.all(&state.db).await?;
    let lang = crate::language::current();
    let label_of: HashMap<String, String> = match f.group_by {
        ReportGroup::Rule => Rule::ALL.iter().map(|r| (enum_to_db(r), r.text().render(lang))).collect(),
        ReportGroup::Institution => institution::Entity::find()
            .filter(institution::Column::RegionId.eq(actor.region_id))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|i| (i.id.to_string(), i.name))
            .collect(),
        ReportGroup::County => county::Entity::find()
            .filter(county::Column::RegionId.eq(actor.region_id))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|c| (c.id.to_string(), c.name))
            .collect(),
        ReportGroup::Month => HashMap::new(),
    };
    let carers: HashMap<Uuid, Uuid> = match f.group_by {
        ReportGroup::County => caregiver::Entity::find()
            .filter(caregiver::Column::RegionId.eq(actor.region_id))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.county_id))
            .collect(),
        _ => HashMap::new(),
    };
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for x in &found {
        let key = match f.group_by {
            ReportGroup::Rule => x.rule.clone(),
            ReportGroup::Institution => x.institution_id.map(|i| i.to_string()).unwrap_or_default(),
            ReportGroup::County => {
                x.caregiver_id.and_then(|c| carers.get(&c)).map(|c| c.to_string()).unwrap_or_default()
            }
            ReportGroup::Month => x.month.clone(),
        };
        for t in [groups.entry(key).or_default(), &mut total] {
            match enum_from_db::<FindingStatus>(&x.status)? {
                FindingStatus::Open => t.open += 1,
                FindingStatus::Confirmed => t.confirmed += 1,
                FindingStatus::Dismissed => t.dismissed += 1,
            }
            t.deducted += x.deducted_fen;
            t.recovered += x.recovered_fen;
        }
    }
    let row = |key: String, label: String, t: &Tally| ReportRow {
        key,
        label,
        open: t.open,
        confirmed: t.confirmed,
        dismissed: t.dismissed,
        deducted: to_yuan(t.deducted),
        recovered: to_yuan(t.recovered),
    };
    let mut out: Vec<ReportRow> = groups
        .iter()
        .map(|(k, t)| {
            let label = match f.group_by {
                ReportGroup::Month => k.clone(),
                _ if k.is_empty() => m::report_unassigned().render(lang),
                _ => label_of.get(k).cloned().unwrap_or_else(|| k.clone()),
            };
            row(k.clone(), label, t)
        })
        .collect();
    match f.group_by {
        ReportGroup::Rule => {
            let order = |k: &str| Rule::ALL.iter().position(|r| enum_to_db(r) == k).unwrap_or(usize::MAX);
            out.sort_by_key(|r| order(&r.key));
        }
        ReportGroup::Institution | ReportGroup::County => out.sort_by(|a, b| a.label.cmp(&b.label)),
        ReportGroup::Month => {}
    }
    Ok(FindingsReport {
        group_by: f.group_by,
        from: f.from.clone(),
        to: f.to.clone(),
        rows: out,
        total: row(String::new(), m::report_total().render(lang), &total),
    })
}

/// The report as CSV: a header, a row per group and the total.
pub async fn csv(state: &AppState, actor: &Actor, f: &ReportFilter) -> ApiResult<(String, String)> {
    let r = report(state, actor, f).await?;
    let lang = crate::language::current();
    let group = match f.group_by {
        ReportGroup::Rule => m::col_finding_rule(),
        ReportGroup::Institution => m::col_report_institution(),
        ReportGroup::County => m::col_report_county(),
        ReportGroup::Month => m::col_report_month(),
    };
    let header = [
        group,
        m::col_findings_open(),
        m::col_findings_confirmed(),
        m::col_findings_dismissed(),
        m::col_finding_deducted(),
        m::col_finding_recovered(),
    ];
    let mut out = vec![header.iter().map(|h| h.render(lang)).collect::<Vec<_>>()];
    for r in r.rows.into_iter().chain([r.total]) {
        out.push(vec![
            r.label,
            r.open.to_string(),
            r.confirmed.to_string(),
            r.dismissed.to_string(),
            r.deducted.to_string(),
            r.recovered.to_string(),
        ]);
    }
    Ok((format!("findings-by-{}.csv", enum_to_db(&f.group_by)), csv_text(out)?))
}
