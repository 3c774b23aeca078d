//! Bulk import of contributions from CSV (the format is in `docs/funding.md`): the whole file is
//! read and checked first — every bad line reported with its number and reason, and nothing
//! posted — then every new line is posted in one transaction. Lines whose reference was posted
//! before with the same content are skipped, so importing a file again posts nothing twice.

use ltci_shared::messages as m;
use std::collections::{HashMap, HashSet};
use std::io::Read;

use chrono::Utc;
use ltci_shared::api::funding::{FundingSource, ImportOutcome};
use ltci_shared::api::registry::Scheme;
use ltci_shared::money::to_yuan;
use ltci_shared::text::Text;
use ltci_shared::{IdNumber, Issue};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::income::{self, contribution_fen, contribution_request, period_rule, split};
use super::ledger::{self, AccountSpec};
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::csv_lines::CsvLines;
use crate::entities::{
    contribution, enum_from_db, enum_to_db, insured_person, journal_entry as je, ledger_posting as lp,
};
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult};
use crate::pii::PiiCipher;

/// The header every file starts with.
pub const HEADER: [&str; 6] = ["reference", "id_number", "period", "scheme", "source", "amount"];

/// Lines per multi-row insert: at most 3 postings of 4 columns a line, 24,000 parameters, under
/// the bind-parameter limits of SQLite (32,766) and PostgreSQL (65,535). Fewer, larger statements
/// also spare round trips (see the import benchmark in `docs/funding.md`).
const CHUNK: usize = 2000;

/// Imports posting at least this many lines refresh the PostgreSQL planner's statistics.
const ANALYZE_AFTER: usize = 1000;

/// How far an import is, for a progress display: (stage, done, total).
pub type Progress<'a> = &'a mut (dyn FnMut(&'static str, usize, usize) + Send);

/// One checked line.
struct Line {
    line: u64,
    reference: String,
    id_hash: String,
    period: String,
    scheme: Scheme,
    source: FundingSource,
    fen: i64,
}

fn issue(errors: &mut Vec<(String, Issue)>, line: u64, field: &str, code: &str, message: Text) {
    errors.push((format!("lines[{line}].{field}"), Issue::new(code, message)));
}

/// Reads and checks every line; the errors name `lines[<line number>].<column>`.
fn parse(
    input: impl Read,
    pii: &PiiCipher,
    today: chrono::NaiveDate,
    errors: &mut Vec<(String, Issue)>,
    progress: Progress<'_>,
) -> ApiResult<(Vec<Line>, String)> {
    let mut hasher = Sha256::new();
    let mut reader = CsvLines::new(HashingReader { inner: input, hasher: &mut hasher }, &HEADER);
    let mut lines = Vec::new();
    let mut seen = HashSet::new();
    for item in &mut reader {
        let (line, record) = match item {
            Ok(read) => read,
            Err(p) => {
                issue(errors, p.line, p.column, p.code, p.message);
                continue;
            }
        };
        let before = errors.len();
        let reference = match check_text(&record[0], 100) {
            Ok(r) if !seen.contains(&r) => Some(r),
            Ok(_) => {
                issue(errors, line, "reference", "duplicate_reference", m::reference_on_earlier_line());
                None
            }
            Err((code, message)) => {
                issue(errors, line, "reference", code, message);
                None
            }
        };
        let id = IdNumber::parse_on(&record[1], today)
            .map_err(|e| issue(errors, line, "id_number", e.code(), e.text()))
            .ok();
        if let Err((code, text)) = period_rule(&record[2], today) {
            issue(errors, line, "period", code, text);
        }
        let scheme: Option<Scheme> = enum_from_db(&record[3])
            .map_err(|_| issue(errors, line, "scheme", "unknown_value", m::scheme_values()))
            .ok();
        let source: Option<FundingSource> = enum_from_db(&record[4])
            .map_err(|_| issue(errors, line, "source", "unknown_value", m::funding_source_values()))
            .ok();
        let fen = ltci_shared::strict::parse_money(&record[5])
            .map_err(|(code, key)| (code, ltci_shared::strict::text_of(code, key)))
            .and_then(contribution_fen)
            .map_err(|(code, message)| issue(errors, line, "amount", code, message))
            .ok();
        if let (Some(reference), Some(id), Some(scheme), Some(source), Some(fen)) = (reference, id, scheme, source, fen)
            && errors.len() == before
        {
            seen.insert(reference.clone());
            lines.push(Line {
                line,
                reference,
                id_hash: pii.index(id.as_str()),
                period: record[2].to_string(),
                scheme,
                source,
                fen,
            });
            if lines.len() % 10_000 == 0 {
                progress("read", lines.len(), 0);
            }
        }
    }
    // Read the rest so the digest covers the whole file even when reading stopped early.
    let mut rest = reader.into_inner();
    std::io::copy(&mut rest, &mut std::io::sink()).ok();
    let digest = crate::digest::hex(&hasher.finalize());
    Ok((lines, digest))
}

/// Passes bytes through while hashing them (the file's SHA-256 goes to the audit trail).
struct HashingReader<'a, R> {
    inner: R,
    hasher: &'a mut Sha256,
}

impl<R: Read> Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Checks and posts a contributions file for the actor's region.
pub async fn import_contributions(
    db: &DatabaseConnection,
    pii: &PiiCipher,
    actor: &Actor,
    input: impl Read,
    progress: Progress<'_>,
) -> ApiResult<ImportOutcome> {
    actor.require(Permission::PostFunding)?;
    let mut errors = Vec::new();
    let (lines, digest) = parse(input, pii, actor.today, &mut errors, progress)?;

    // Who the ID numbers are, in this region.
    let mut persons: HashMap<String, Uuid> = HashMap::new();
    let hashes: Vec<String> = lines.iter().map(|l| l.id_hash.clone()).collect::<HashSet<_>>().into_iter().collect();
    for chunk in hashes.chunks(CHUNK) {
        for p in insured_person::Entity::find()
            .filter(insured_person::Column::RegionId.eq(actor.region_id))
            .filter(insured_person::Column::IdNumberHash.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            persons.insert(p.id_number_hash, p.id);
        }
    }
    // What was posted before under the same references.
    let mut earlier: HashMap<String, String> = HashMap::new();
    let references: Vec<String> = lines.iter().map(|l| l.reference.clone()).collect();
    for chunk in references.chunks(CHUNK) {
        for e in je::Entity::find()
            .filter(je::Column::RegionId.eq(actor.region_id))
            .filter(je::Column::Reference.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            earlier.insert(e.reference, e.fingerprint);
        }
    }
    let bp = income::settings(db, actor.region_id, actor.today).await?.reserve_share_bp;
    let mut new = Vec::new();
    let mut already = 0u32;
    for l in &lines {
        let Some(&person) = persons.get(&l.id_hash) else {
            issue(&mut errors, l.line, "id_number", "unknown_person", m::no_person_with_id_number());
            continue;
        };
        let request = contribution_request(person, &l.period, l.scheme, l.source, l.fen, None);
        match earlier.get(&l.reference) {
            Some(print) if *print == ledger::fingerprint(&request) => already += 1,
            Some(_) => issue(&mut errors, l.line, "reference", "reference_conflict", m::reference_posted_otherwise()),
            None => new.push((l, person, request)),
        }
    }
    if !errors.is_empty() {
        let count = errors.len();
        let mut e = ApiError::validation(errors.into_iter().collect());
        e = e.with_message(m::file_refused(count));
        return Err(e);
    }

    // Post every new line in one transaction: all or nothing.
    let mut specs: Vec<AccountSpec> = vec![income::reserve()];
    for (l, _, _) in &new {
        for (spec, _) in split(l.source, l.scheme, l.fen, bp) {
            if !specs.contains(&spec) {
                specs.push(spec);
            }
        }
    }
    let accounts = ledger::ensure_accounts(db, actor.region_id, &specs.iter().collect::<Vec<_>>()).await?;
    let now = Utc::now();
    let total = new.len();
    let mut total_fen: i64 = 0;
    let txn = db.begin().await?;
    for (n, chunk) in new.chunks(CHUNK).enumerate() {
        let mut entries = Vec::with_capacity(chunk.len());
        let mut postings = Vec::with_capacity(chunk.len() * 3);
        let mut contributions = Vec::with_capacity(chunk.len());
        for (l, person, request) in chunk {
            let entry_id = Uuid::now_v7();
            total_fen += l.fen;
            entries.push(je::ActiveModel {
                id: Set(entry_id),
                region_id: Set(actor.region_id),
                reference: Set(l.reference.clone()),
                kind: Set("contribution".into()),
                description: Set(format!(
                    "{} {} {}",
                    income::source_name(l.source),
                    income::scheme_name(l.scheme),
                    l.period
                )),
                effective_on: Set(actor.today),
                reverses_entry_id: Set(None),
                fingerprint: Set(ledger::fingerprint(request)),
                created_by: Set(actor.user_id),
                created_at: Set(now),
            });
            for (spec, fen) in split(l.source, l.scheme, l.fen, bp) {
                if fen != 0 {
                    postings.push(lp::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        entry_id: Set(entry_id),
                        account_id: Set(accounts[&spec.code]),
                        amount_fen: Set(fen),
                    });
                }
            }
            contributions.push(contribution::ActiveModel {
                id: Set(Uuid::now_v7()),
                region_id: Set(actor.region_id),
                insured_person_id: Set(*person),
                period: Set(l.period.clone()),
                scheme: Set(enum_to_db(&l.scheme)),
                source: Set(enum_to_db(&l.source)),
                amount_fen: Set(l.fen),
                entry_id: Set(entry_id),
                reversed: Set(false),
            });
        }
        let conflict = || ApiError::conflict("reference", m::import_raced());
        je::Entity::insert_many(entries)
            .exec_without_returning(&txn)
            .await
            .map_err(crate::http::error::unique_as(conflict))?;
        let day_postings = postings.iter().map(|p| (*p.account_id.as_ref(), *p.amount_fen.as_ref()));
        ledger::add_to_day_totals(&txn, actor.region_id, actor.today, day_postings).await?;
        lp::Entity::insert_many(postings).exec_without_returning(&txn).await?;
        contribution::Entity::insert_many(contributions).exec_without_returning(&txn).await?;
        progress("posted", ((n + 1) * CHUNK).min(total), total);
    }
    if total > 0 {
        audit::record(
            &txn,
            &AuditActor::from(actor),
            "ledger.import",
            "contribution_file",
            &digest,
            &["contributions"],
        )
        .await?;
    }
    audit::commit(txn).await?;
    if total >= ANALYZE_AFTER && db.get_database_backend() == DbBackend::Postgres {
        // Fresh statistics after a bulk load, as PostgreSQL advises: with stale ones the planner
        // takes the region's entries for a handful and filters them row by row instead of
        // probing the (region, reference) index, which made the next large import quadratic.
        db.execute_unprepared("ANALYZE journal_entries, ledger_postings, contributions").await?;
    }
    tracing::info!(lines = lines.len(), posted = total, file = %digest, "contributions imported");
    Ok(ImportOutcome {
        lines: u32::try_from(lines.len()).unwrap_or(u32::MAX),
        posted: u32::try_from(total).unwrap_or(u32::MAX),
        already_posted: already,
        posted_amount: to_yuan(total_fen),
        file_sha256: digest,
    })
}
