//! Writing a bill's lines: on PostgreSQL its bulk path — each column sent as one array and the
//! arrays unnested by one statement, the same text every time, so it is prepared once per
//! connection whatever the number of lines — and multi-row inserts on SQLite.

use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use uuid::Uuid;

use super::rows::Row;
use crate::entities::bill_line;
use crate::http::error::ApiResult;

/// Lines per statement: a few megabytes of arrays on PostgreSQL; on SQLite well under its limit
/// of bind parameters (24 a line).
const CHUNK: usize = 5000;
const SQLITE_CHUNK: usize = 1000;

/// The statement that writes a chunk of lines of one bill, not deducted, not sampled.
const UNNEST: &str = "INSERT INTO bill_lines (id, bill_id, line_no, insured_person_id, care_mode, scheme, level, \
     service_on, source, source_id, item, times, policy_version_id, rule, claimed_fen, allowed_fen, fund_fen, \
     rejection, deducted_fen, deduction_reason, sampled, adjusts_bill_id, adjusts_line_no, explanation) \
     SELECT u.id, $1, u.line_no, u.person, u.care_mode, u.scheme, u.level, u.service_on, u.source, u.source_id, \
     u.item, u.times, u.policy_version_id, u.rule, u.claimed_fen, u.allowed_fen, u.fund_fen, u.rejection, 0, NULL, \
     false, u.adjusts_bill_id, u.adjusts_line_no, u.explanation \
     FROM unnest($2::text::uuid[], $3::text::int4[], $4::text::uuid[], $5::text::text[], $6::text::text[], \
     $7::text::int4[], $8::text::date[], $9::text::text[], $10::text::uuid[], $11::text::text[], $12::text::int4[], \
     $13::text::uuid[], $14::text::text[], $15::text::int8[], $16::text::int8[], $17::text::int8[], \
     $18::text::text[], $19::text::uuid[], $20::text::int4[], $21::text::text[]) \
     AS u(id, line_no, person, care_mode, scheme, level, service_on, source, source_id, item, times, \
     policy_version_id, rule, claimed_fen, allowed_fen, fund_fen, rejection, adjusts_bill_id, adjusts_line_no, \
     explanation)";

/// Writes `rows` as lines 1, 2, … of `bill_id`.
pub async fn insert<C: ConnectionTrait>(db: &C, bill_id: Uuid, rows: Vec<Row>) -> ApiResult<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        let mut numbered = rows.into_iter().enumerate().peekable();
        while numbered.peek().is_some() {
            let chunk: Vec<bill_line::ActiveModel> =
                numbered.by_ref().take(SQLITE_CHUNK).map(|(n, row)| row.into_active(bill_id, line_no(n))).collect();
            bill_line::Entity::insert_many(chunk).exec(db).await?;
        }
        return Ok(());
    }
    for (k, chunk) in rows.chunks(CHUNK).enumerate() {
        let mut c = Columns::default();
        for (n, r) in chunk.iter().enumerate() {
            c.push(line_no(k * CHUNK + n), r);
        }
        let mut values: Vec<sea_orm::Value> = vec![bill_id.into()];
        values.extend(c.finish().into_iter().map(sea_orm::Value::from));
        db.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, UNNEST, values)).await?;
    }
    Ok(())
}

fn line_no(index: usize) -> i32 {
    i32::try_from(index + 1).unwrap_or(i32::MAX)
}

/// The columns of a chunk as PostgreSQL array literals (`{a,"b c",NULL}`), one per statement
/// parameter after the bill's id.
#[derive(Default)]
struct Columns([String; 20]);

impl Columns {
    fn push(&mut self, line_no: i32, r: &Row) {
        let [
            id,
            no,
            person,
            mode,
            scheme,
            level,
            on,
            source,
            source_id,
            item,
            times,
            policy,
            rule,
            claimed,
            allowed,
            fund,
            rejection,
            adjusts_bill,
            adjusts_line,
            explanation,
        ] = &mut self.0;
        plain(id, Some(Uuid::now_v7()));
        plain(no, Some(line_no));
        plain(person, Some(r.person_id));
        text(mode, Some(&r.care_mode));
        text(scheme, Some(&r.scheme));
        plain(level, r.level);
        plain(on, Some(r.on));
        text(source, Some(&r.source));
        plain(source_id, Some(r.source_id));
        text(item, r.item.as_deref());
        plain(times, r.times);
        plain(policy, r.policy_version_id);
        text(rule, r.rule.as_deref());
        plain(claimed, Some(r.claimed_fen));
        plain(allowed, Some(r.allowed_fen));
        plain(fund, Some(r.fund_fen));
        text(rejection, r.rejection.as_deref());
        plain(adjusts_bill, r.adjusts_bill_id);
        plain(adjusts_line, r.adjusts_line_no);
        text(explanation, Some(&r.explanation));
    }

    fn finish(self) -> [String; 20] {
        self.0.map(|mut column| {
            if column.is_empty() {
                column.push('{');
            }
            column.push('}');
            column
        })
    }
}

/// Opens the array or separates the next element.
fn next(column: &mut String) {
    column.push(if column.is_empty() { '{' } else { ',' });
}

/// A number, a date or an id: written as it is.
fn plain<T: std::fmt::Display>(column: &mut String, v: Option<T>) {
    use std::fmt::Write;
    next(column);
    match v {
        Some(v) => {
            let _ = write!(column, "{v}");
        }
        None => column.push_str("NULL"),
    }
}

/// Text: quoted.
fn text(column: &mut String, v: Option<&str>) {
    next(column);
    match v {
        Some(v) => quote(column, v),
        None => column.push_str("NULL"),
    }
}

/// `v` as a quoted element of an array literal: in double quotes, `"` and `\` escaped.
fn quote(out: &mut String, v: &str) {
    out.push('"');
    for ch in v.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_quoted_and_escaped_in_array_literals() {
        let mut out = String::new();
        quote(&mut out, r#"{"a":"b\c"} NULL"#);
        assert_eq!(out, r#""{\"a\":\"b\\c\"} NULL""#);
    }
}
