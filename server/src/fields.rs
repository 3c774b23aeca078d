//! Field rules every capability applies to what people type: one line of text, a paragraph,
//! usernames, business dates in their window. Each rule gives the clean value or the reason code
//! with its message.

use chrono::{Days, NaiveDate};
use ltci_shared::messages as m;

use crate::http::error::{FieldErrors, Rule};

/// Whether `c` may stand in a paragraph (line breaks and tabs allowed, other control characters
/// not: a NUL cannot even be stored by PostgreSQL).
fn paragraph_char(c: char) -> bool {
    !c.is_control() || matches!(c, '\n' | '\t')
}

/// A required one-line text field of 1..=max characters, trimmed: names, titles, references.
/// Line breaks, tabs and other control characters are refused.
pub fn check_text(value: &str, max: usize) -> Rule<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(("required", m::must_not_be_empty()));
    }
    if v.chars().any(char::is_control) {
        return Err(("invalid_characters", m::one_line_only()));
    }
    if v.chars().count() > max {
        return Err(("too_long", m::too_long(max)));
    }
    Ok(v.to_string())
}

/// A required text of 1..=max characters that may span lines (reasons, notes, comments),
/// trimmed, with `\r\n` made `\n`. Control characters other than line breaks and tabs are
/// refused.
pub fn check_paragraph(value: &str, max: usize) -> Rule<String> {
    let v = value.replace("\r\n", "\n");
    let v = v.trim();
    if v.is_empty() {
        return Err(("required", m::must_not_be_empty()));
    }
    if !v.chars().all(paragraph_char) {
        return Err(("invalid_characters", m::no_control_characters()));
    }
    if v.chars().count() > max {
        return Err(("too_long", m::too_long(max)));
    }
    Ok(v.to_string())
}

/// Usernames: 3–32 of `a-z 0-9 . _ -`, stored lower-case.
pub fn check_username(username: &str) -> Rule<String> {
    let u = username.trim().to_lowercase();
    if u.len() < 3 || u.len() > 32 {
        return Err(("invalid_length", m::username_length(3, 32)));
    }
    if !u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')) {
        return Err(("invalid_characters", m::username_characters()));
    }
    Ok(u)
}

/// A day on which something happened (money received, a person enrolled, a course completed):
/// not after the region's today. (Every day of a request is already within 1900–2100: see
/// `ltci_shared::strict`.)
pub fn happened(errors: &mut FieldErrors, field: &str, day: NaiveDate, today: NaiveDate) {
    errors.take(field, happened_by(day, today));
}

/// [`happened`] as a rule.
pub fn happened_by(day: NaiveDate, today: NaiveDate) -> Rule<()> {
    if day > today { Err(("in_future", m::date_after_today(today))) } else { Ok(()) }
}

/// A day something is planned for (an agreement's or a plan's end, a relation's start): not
/// further after the region's today than the configured horizon (`LTCI_DATE_HORIZON_DAYS`).
pub fn within_horizon(errors: &mut FieldErrors, field: &str, day: NaiveDate, today: NaiveDate, horizon_days: u32) {
    errors.take(field, in_horizon(day, today, horizon_days));
}

/// [`within_horizon`] as a rule.
pub fn in_horizon(day: NaiveDate, today: NaiveDate, horizon_days: u32) -> Rule<()> {
    let last = today.checked_add_days(Days::new(u64::from(horizon_days))).unwrap_or(NaiveDate::MAX);
    if day > last { Err(("out_of_range", m::date_beyond_horizon(last))) } else { Ok(()) }
}

/// [`within_horizon`] for one field: `422` on it if the day lies beyond the horizon.
pub fn planned(field: &str, day: NaiveDate, today: NaiveDate, horizon_days: u32) -> crate::http::error::ApiResult<()> {
    let mut errors = FieldErrors::new();
    within_horizon(&mut errors, field, day, today, horizon_days);
    errors.finish()
}

/// A month as `YYYY-MM`, 1900–2100: its first and last day.
pub fn month(text: &str) -> Rule<(NaiveDate, NaiveDate)> {
    let first = ltci_shared::strict::parse_month(text.trim())
        .map_err(|(code, key)| (code, ltci_shared::strict::text_of(code, key)))?;
    let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_refuses_line_breaks_and_control_characters_a_paragraph_only_the_latter() {
        assert_eq!(check_text(" 王秀英 ", 10).map_err(|e| e.0), Ok("王秀英".to_string()));
        assert_eq!(check_text("空\u{0}字", 10).map_err(|e| e.0), Err("invalid_characters"));
        assert_eq!(check_text("两\n行", 10).map_err(|e| e.0), Err("invalid_characters"));
        assert_eq!(check_text("   ", 10).map_err(|e| e.0), Err("required"));
        assert_eq!(check_text("一二三", 2).map_err(|e| e.0), Err("too_long"));
        assert_eq!(check_paragraph("第一行\r\n第二行", 20).map_err(|e| e.0), Ok("第一行\n第二行".to_string()));
        assert_eq!(check_paragraph("空\u{0}字", 20).map_err(|e| e.0), Err("invalid_characters"));
        assert_eq!(check_paragraph("响\u{7}铃", 20).map_err(|e| e.0), Err("invalid_characters"));
    }
}
