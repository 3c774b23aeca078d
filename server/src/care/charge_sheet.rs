//! A month's daily charges as a sheet (费用明细表): one line per stay, one column per day, as an
//! institution keeps them in a spreadsheet — written out as a CSV template with the charges
//! already reported, and read back into a charge report (`stays::report_charges`), every bad cell
//! named by its line and day before anything is written.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use ltci_shared::api::stays::{ChargeReport, ChargeReportOutcome, DailyCharge, StayFilter};
use ltci_shared::messages as m;
use uuid::Uuid;

use super::stays;
use crate::auth::{Actor, Permission};
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::http::pagination::PageRequest;
use crate::state::AppState;

/// The first two columns; then one column per day of the month (`1` … `31`).
const STAY: &str = "stay_id";
const NAME: &str = "name";

/// A cell of the sheet: its line (1 is the header) and column.
pub type Cell = (u64, String);

/// The month's template: every stay with a bed-day in it, its beneficiary's name and the charges
/// already reported (stays a page of 200 at a time, all of them).
pub async fn template(state: &AppState, actor: &Actor, month: &str) -> ApiResult<String> {
    let (first, last) = stays::month_bounds(month)
        .ok_or_else(|| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = PageRequest { limit: ltci_shared::page::MAX_LIMIT, offset };
        let filter = StayFilter { month: Some(month.to_owned()), ..StayFilter::default() };
        let found = stays::list(state, actor, filter, page).await?;
        let n = found.items.len() as u64;
        all.extend(found.items);
        offset += n;
        if n == 0 || offset >= found.total {
            break;
        }
    }
    let ids: Vec<Uuid> = all.iter().map(|s| s.id).collect();
    let persons: Vec<Uuid> = all.iter().map(|s| s.insured_person_id).collect();
    let names: HashMap<Uuid, String> =
        crate::registry::persons::names(state, actor, &persons).await?.into_iter().collect();
    let charged = stays::charges_in_month(state, actor, &ids, month).await?;
    let days = last.day();
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec![STAY.to_owned(), NAME.to_owned()];
    header.extend((1..=days).map(|d| d.to_string()));
    out.write_record(&header).map_err(ApiError::internal)?;
    for s in &all {
        let name = names.get(&s.insured_person_id).map(|n| crate::http::download::inert(n).into_owned());
        let mut row = vec![s.id.to_string(), name.unwrap_or_default()];
        for d in 0..days {
            let day = first + chrono::Days::new(u64::from(d));
            row.push(charged.get(&(s.id, day)).map(|a| a.to_string()).unwrap_or_default());
        }
        out.write_record(&row).map_err(ApiError::internal)?;
    }
    let bytes = out.into_inner().map_err(ApiError::internal)?;
    String::from_utf8(bytes).map_err(ApiError::internal)
}

/// What a sheet says: the charges and, for each, its cell.
#[derive(Debug, Default)]
pub struct Read {
    pub charges: Vec<DailyCharge>,
    pub cells: Vec<Cell>,
}

/// Reads a filled-in sheet of `month`: the charges of its non-empty day cells, or `422` with every
/// bad cell as `lines[<line>].<column>` (an unknown column, a stay id that is no id, an amount
/// that is no amount).
pub fn read(month: &str, bytes: &[u8]) -> ApiResult<Read> {
    let (first, last) = stays::month_bounds(month)
        .ok_or_else(|| ApiError::invalid_field("month", "invalid_month", m::invalid_month()))?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(bytes);
    let mut errors = FieldErrors::new();
    let mut read = Read::default();
    let mut columns: Vec<Option<NaiveDate>> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n as u64 + 1;
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                errors.add(format!("lines[{line}].line"), "unreadable", m::csv_unreadable());
                break;
            }
        };
        if line == 1 {
            if record.get(0) != Some(STAY) {
                errors.add("lines[1].header", "wrong_header", m::csv_header(format!("{STAY},{NAME},1,2,…")));
                break;
            }
            for (i, col) in record.iter().enumerate().skip(2) {
                let day = col.parse::<u32>().ok().and_then(|d| first.with_day(d)).filter(|d| *d <= last);
                if day.is_none() {
                    errors.add(format!("lines[1].{col}"), "unknown_column", m::ui_unknown_column(col.to_owned()));
                }
                columns.resize(i + 1, None);
                columns[i] = day;
            }
            continue;
        }
        let Some(stay_id) = record.get(0).filter(|s| !s.is_empty()) else { continue };
        let Ok(stay_id) = stay_id.parse::<Uuid>() else {
            errors.add(format!("lines[{line}].{STAY}"), "unknown_stay", m::unknown_stay());
            continue;
        };
        for (i, text) in record.iter().enumerate().skip(2) {
            let Some(Some(day)) = columns.get(i) else { continue };
            if text.is_empty() {
                continue;
            }
            let cell = (line, day.day().to_string());
            match ltci_shared::strict::parse_money(text) {
                Ok(amount) => {
                    read.charges.push(DailyCharge { stay_id, on: *day, amount });
                    read.cells.push(cell);
                }
                Err(_) => errors.add(format!("lines[{line}].{}", cell.1), "invalid_amount", m::ui_not_a_number()),
            }
        }
    }
    errors.finish()?;
    if read.charges.is_empty() {
        return Err(ApiError::invalid_field("file", "required", m::charges_required()));
    }
    Ok(read)
}

/// Reports a filled-in sheet (the permission checked before the file is read).
pub async fn report_sheet(
    state: &AppState,
    actor: &Actor,
    month: &str,
    bytes: &[u8],
) -> ApiResult<ChargeReportOutcome> {
    actor.require(Permission::ManageStays)?;
    let read = read(month, bytes)?;
    report(state, actor, month, read.charges, &read.cells).await
}

/// Reports `charges` whose cells are `cells` (same order): the report's refusals of
/// `charges[i].<field>` are given back as the cells' (`lines[n].<day>`, or `.stay_id`), and the
/// message counts them.
pub async fn report(
    state: &AppState,
    actor: &Actor,
    month: &str,
    charges: Vec<DailyCharge>,
    cells: &[Cell],
) -> ApiResult<ChargeReportOutcome> {
    let req = ChargeReport { institution_id: None, month: month.to_owned(), charges };
    stays::report_charges(state, actor, req).await.map_err(|e| on_cells(e, cells))
}

/// A report's refusal with each `charges[i].<field>` named by its cell instead.
fn on_cells(e: ApiError, cells: &[Cell]) -> ApiError {
    if e.details().keys().all(|k| !k.starts_with("charges[")) {
        return e;
    }
    let mut by_cell = BTreeMap::new();
    for (key, issue) in e.details() {
        let cell = key
            .strip_prefix("charges[")
            .and_then(|rest| rest.split_once("]."))
            .and_then(|(i, field)| Some((i.parse::<usize>().ok()?, field)))
            .and_then(|(i, field)| cells.get(i).map(|(line, day)| (line, day, field)));
        let name = match cell {
            Some((line, _, "stay_id")) => format!("lines[{line}].{STAY}"),
            Some((line, day, _)) => format!("lines[{line}].{day}"),
            None => key.clone(),
        };
        by_cell.entry(name).or_insert_with(|| issue.clone());
    }
    let count = by_cell.len();
    ApiError::validation(by_cell).with_message(m::file_refused(count))
}
