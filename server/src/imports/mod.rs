//! Bringing a city's existing registers in (存量数据导入): CSV files of insured persons, certificates
//! issued before this system, designated institutions with their agreements, caregivers, service
//! relations and caregiver assignments (formats in `docs/imports.md`).
//!
//! Every import goes the same way: the file is read and checked whole — each bad line reported as
//! `lines[n].column` with its reason, references to other registers looked up (a certificate for
//! an unknown ID number, a relation with an institution not imported) — and nothing is written
//! unless every line is good. Then everything is written in one transaction with multi-row
//! inserts. A line whose record is already there, the same, is counted unchanged: importing a
//! file again writes nothing twice; a line whose record is there with other content is a
//! problem of that line. Every record written has its audit record, naming the file
//! (`import:<kind>:<SHA-256>`) and the old system's reference.

pub mod assignments;
pub mod caregivers;
pub mod certificates;
pub mod institutions;
pub mod persons;
pub mod relations;
pub mod routes;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use csv::StringRecord;
use ltci_shared::Issue;
use ltci_shared::api::imports::{ImportKind, ImportSummary};
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use sea_orm::sea_query::LockType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::auth::{Actor, Permission};
use crate::csv_lines::CsvLines;
use crate::entities::{institution, region};
use crate::http::error::{ApiError, ApiResult, Rule};
use crate::state::AppState;

/// How far an import is, for a progress display: the stage, lines done, lines in all.
pub type Progress<'a> = &'a mut (dyn FnMut(Stage, usize, usize) + Send);

/// The two stages of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and checking every line (nothing written yet).
    Checking,
    /// Writing, in one transaction.
    Writing,
}

/// Most problems one answer lists (the count says how many there were).
const MAX_REPORTED: usize = 1_000;

/// Bind parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const PARAMETERS: usize = 20_000;

/// Rows of `columns` columns per multi-row insert.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (PARAMETERS / columns.max(1)).max(1)
}

/// `items` in owned chunks of `size`, for multi-row inserts that take their rows by value.
pub(crate) fn owned_chunks<T>(items: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let mut items = items.into_iter();
    std::iter::from_fn(move || {
        let chunk: Vec<T> = items.by_ref().take(size.max(1)).collect();
        (!chunk.is_empty()).then_some(chunk)
    })
}

/// The region's institutions of these unified social credit codes (统一社会信用代码), by code.
pub(crate) async fn institutions_by_uscc(
    txn: &DatabaseTransaction,
    region_id: Uuid,
    codes: impl Iterator<Item = String>,
) -> Result<HashMap<String, institution::Model>, DbErr> {
    let codes: Vec<String> = codes.collect::<HashSet<_>>().into_iter().collect();
    let mut found = HashMap::new();
    for chunk in codes.chunks(rows_per_statement(1)) {
        for i in institution::Entity::find()
            .filter(institution::Column::RegionId.eq(region_id))
            .filter(institution::Column::Uscc.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            if let Some(u) = i.uscc.clone() {
                found.insert(u, i);
            }
        }
    }
    Ok(found)
}

/// Imports writing at least this many rows refresh PostgreSQL's planner statistics afterwards.
const ANALYZE_AFTER: usize = 1_000;

/// The problems of a file, keyed `lines[<line number>].<column>`.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<(String, Issue)>,
    count: usize,
}

impl Problems {
    pub fn add(&mut self, line: u64, column: &str, code: &str, text: Text) {
        self.count += 1;
        if self.list.len() < MAX_REPORTED {
            self.list.push((format!("lines[{line}].{column}"), Issue::new(code, text)));
        }
    }

    /// The value if `rule` holds, the problem noted otherwise.
    pub fn take<T>(&mut self, line: u64, column: &str, rule: Rule<T>) -> Option<T> {
        match rule {
            Ok(v) => Some(v),
            Err((code, text)) => {
                self.add(line, column, code, text);
                None
            }
        }
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// `422` with every problem (the first thousand), nothing having been written.
    pub fn finish(self) -> ApiResult<()> {
        if self.count == 0 {
            return Ok(());
        }
        let count = self.count;
        let shown = self.list.len();
        let e = ApiError::validation(self.list.into_iter().collect());
        Err(if shown < count {
            e.with_message(m::file_refused_some_shown(count, shown))
        } else {
            e.with_message(m::file_refused(count))
        })
    }
}

/// A file read whole: its data lines, numbered, and its SHA-256.
#[derive(Debug)]
pub(crate) struct File {
    pub lines: Vec<(u64, StringRecord)>,
    pub sha256: String,
}

/// The start of every register import: the actor may import, and the file's data lines are read
/// with `header` (unreadable, wrongly headed or short lines become problems; the check goes on
/// to find the rest). Reports the checking stage begun.
pub(crate) fn open(
    actor: &Actor,
    bytes: &[u8],
    header: &'static [&'static str],
    progress: Progress<'_>,
) -> ApiResult<(Problems, File)> {
    actor.require(Permission::ImportRegisters)?;
    let mut problems = Problems::default();
    let mut lines = Vec::new();
    for item in CsvLines::new(bytes, header) {
        match item {
            Ok(line) => lines.push(line),
            Err(p) => problems.add(p.line, p.column, p.code, p.message),
        }
    }
    progress(Stage::Checking, 0, lines.len());
    Ok((problems, File { lines, sha256: crate::digest::sha256_hex(bytes) }))
}

/// The audit trail's name of an import of `file`.
pub(crate) fn source(kind: ImportKind, file: &File) -> String {
    format!("import:{}:{}", kind.as_str(), &file.sha256[..16])
}

/// A column left empty.
pub(crate) fn optional(value: &str) -> Option<&str> {
    let v = value.trim();
    (!v.is_empty()).then_some(v)
}

/// The old system's reference of a line: one line of text, 1–64 characters, not on an earlier
/// line of the file.
pub(crate) fn reference(problems: &mut Problems, seen: &mut HashSet<String>, line: u64, value: &str) -> Option<String> {
    let r = problems.take(line, "reference", crate::fields::check_text(value, 64))?;
    if !seen.insert(r.clone()) {
        problems.add(line, "reference", "duplicate_reference", m::reference_on_earlier_line());
        return None;
    }
    Some(r)
}

/// A day of the file: `YYYY-MM-DD` in 1900–2100.
pub(crate) fn day(problems: &mut Problems, line: u64, column: &str, value: &str) -> Option<NaiveDate> {
    let rule = ltci_shared::strict::parse_day(value.trim())
        .map_err(|(code, key)| (code, ltci_shared::strict::text_of(code, key)));
    problems.take(line, column, rule)
}

/// A value of one of the API's enums (its snake_case name).
pub(crate) fn one_of<T: serde::de::DeserializeOwned>(
    problems: &mut Problems,
    line: u64,
    column: &str,
    value: &str,
    allowed: &str,
) -> Option<T> {
    match crate::entities::enum_from_db(value.trim()) {
        Ok(v) => Some(v),
        Err(_) => {
            problems.add(line, column, "unknown_value", m::unknown_value(value.trim(), allowed));
            None
        }
    }
}

/// Begins an import's transaction, in which the registers are looked up and written: one import
/// at a time in a region (on PostgreSQL the region's row is held, `FOR NO KEY UPDATE` so that
/// other writes referring to the region go on; SQLite has one writer anyway), so two imports of
/// the same file at once write it once.
pub(crate) async fn begin(state: &AppState, actor: &Actor) -> ApiResult<DatabaseTransaction> {
    let txn = state.db.begin().await?;
    region::Entity::find_by_id(actor.region_id).lock(LockType::NoKeyUpdate).one(&txn).await?;
    Ok(txn)
}

/// Fresh planner statistics after a bulk load on PostgreSQL, as it advises.
pub(crate) async fn analyze<C: ConnectionTrait>(db: &C, rows: usize, tables: &str) -> ApiResult<()> {
    if rows >= ANALYZE_AFTER && db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("ANALYZE {tables}")).await?;
    }
    Ok(())
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The summary of an import.
pub(crate) fn summary(kind: ImportKind, file: &File, created: usize, unchanged: usize) -> ImportSummary {
    ImportSummary {
        kind,
        lines: count(file.lines.len()),
        created: count(created),
        unchanged: count(unchanged),
        file_sha256: file.sha256.clone(),
    }
}

/// Imports a file of `kind`: what `POST …/import` and `ltci-server import KIND FILE` run.
pub async fn import(
    state: &AppState,
    actor: &Actor,
    kind: ImportKind,
    bytes: &[u8],
    progress: Progress<'_>,
) -> ApiResult<ImportSummary> {
    match kind {
        ImportKind::Persons => persons::import(state, actor, bytes, progress).await,
        ImportKind::Certificates => certificates::import(state, actor, bytes, progress).await,
        ImportKind::Institutions => institutions::import(state, actor, bytes, progress).await,
        ImportKind::Caregivers => caregivers::import(state, actor, bytes, progress).await,
        ImportKind::Relations => relations::import(state, actor, bytes, progress).await,
        ImportKind::Assignments => assignments::import(state, actor, bytes, progress).await,
    }
}
