//! Strict readers for what a request may say about money and days, used with
//! `#[serde(with = "…")]` on the request types:
//!
//! - money: a JSON string of a plain decimal (`"30.00"`, `"5"`, `"0.5"`) — never a JSON number
//!   (binary floats lose fen), nor `"1e9"`, `"+5"`, `"5."`, `".5"` or a negative amount. How many
//!   decimals (two: fen) and how large an amount may be is each field's rule, checked with the
//!   request's other fields so that every problem is reported at once;
//! - days: exactly `YYYY-MM-DD`, in the years 1900–2100 (no year 0, no negative or five-digit
//!   years); each capability then applies its own, stricter window (e.g. not after today).
//!
//! A refusal reaches the error envelope as the field's reason code (see [`MARK`]).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

use crate::messages as m;
use crate::text::Text;

/// Starts the message of a refusal made here, followed by `code:key`; the server's extractor
/// turns it into the field's reason code and the catalogue's message ([`text_of`]).
pub const MARK: &str = "\u{1f}";

/// Earliest and latest year a business date may name at all.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2100;

fn refuse<E: de::Error>(code: &str, key: &str) -> E {
    E::custom(format!("{MARK}{code}:{key}"))
}

/// The catalogue's message for a refusal of this module.
pub fn text_of(code: &str, key: &str) -> Text {
    match (code, key) {
        ("too_precise", _) => m::money_too_precise(),
        ("out_of_range", _) => m::date_out_of_window(FIRST_YEAR, LAST_YEAR),
        ("invalid_date", _) => m::invalid_date(),
        ("invalid_month", _) => m::invalid_month(),
        (_, "hours") => m::invalid_hours(),
        _ => m::invalid_amount(),
    }
}

/// Parses a plain decimal text: digits (at most 15), optionally a point and at most `scale`
/// digits. `Err((code, key))`.
pub fn parse_decimal(text: &str, scale: u32, key: &'static str) -> Result<Decimal, (&'static str, &'static str)> {
    let bad = ("invalid_amount", key);
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if int.is_empty() || int.len() > 15 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad);
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad);
        }
        if f.len() > scale as usize && f.trim_end_matches('0').len() > scale as usize {
            return Err(("too_precise", key));
        }
    }
    text.parse::<Decimal>().map_err(|_| bad)
}

/// Decimals a request's amount may be written with; the field's rule then allows two (fen).
const WRITTEN_SCALE: u32 = 10;

/// Parses an amount of money: see the module's rules.
pub fn parse_money(text: &str) -> Result<Decimal, (&'static str, &'static str)> {
    parse_decimal(text, WRITTEN_SCALE, "money")
}

/// Parses a day: exactly `YYYY-MM-DD`, 1900–2100.
pub fn parse_day(text: &str) -> Result<NaiveDate, (&'static str, &'static str)> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(("invalid_date", "day"));
    }
    let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| ("invalid_date", "day"))?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        return Err(("out_of_range", "day"));
    }
    Ok(d)
}

/// Parses a month: exactly `YYYY-MM`, 1900–2100; the month's first day.
pub fn parse_month(text: &str) -> Result<NaiveDate, (&'static str, &'static str)> {
    let b = text.as_bytes();
    let shape = b.len() == 7 && b[4] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
    if !shape {
        return Err(("invalid_month", "month"));
    }
    let d = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map_err(|_| ("invalid_month", "month"))?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        return Err(("out_of_range", "month"));
    }
    Ok(d)
}

struct TextVisitor {
    expecting: &'static str,
    parse: fn(&str) -> Result<Decimal, (&'static str, &'static str)>,
    key: &'static str,
}

impl Visitor<'_> for TextVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        (self.parse)(v).map_err(|(code, key)| refuse(code, key))
    }

    // A JSON number is refused: a binary float cannot carry fen exactly.
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Decimal, E> {
        Err(refuse("invalid_amount", self.key))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Decimal, E> {
        Err(refuse("invalid_amount", self.key))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Decimal, E> {
        Err(refuse("invalid_amount", self.key))
    }
}

/// `#[serde(with = "strict::money")]`: an amount of money, as a string.
pub mod money {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(TextVisitor { expecting: "an amount as a string", parse: parse_money, key: "money" })
    }

    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
}

/// `#[serde(with = "strict::money_opt")]`: an optional amount of money, as a string when given.
pub mod money_opt {
    use super::*;

    struct Optional;

    impl<'de> Visitor<'de> for Optional {
        type Value = Option<Decimal>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an amount as a string, or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            money::deserialize(d).map(Some)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_option(Optional)
    }

    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => money::serialize(v, s),
            None => s.serialize_none(),
        }
    }
}

fn parse_hours(text: &str) -> Result<Decimal, (&'static str, &'static str)> {
    parse_decimal(text, WRITTEN_SCALE, "hours").map_err(|(code, _)| (code, "hours"))
}

/// `#[serde(with = "strict::hours")]`: hours with at most one decimal, as a string (`"7.5"`).
pub mod hours {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(TextVisitor { expecting: "hours as a string", parse: parse_hours, key: "hours" })
    }

    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
}

struct DayVisitor;

impl Visitor<'_> for DayVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a day as YYYY-MM-DD")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NaiveDate, E> {
        parse_day(v).map_err(|(code, key)| refuse(code, key))
    }
}

/// `#[serde(with = "strict::day")]`: a business date.
pub mod day {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        d.deserialize_str(DayVisitor)
    }

    pub fn serialize<S: Serializer>(v: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.format("%Y-%m-%d").to_string())
    }
}

/// `#[serde(default, with = "strict::day_opt")]`: an optional business date.
pub mod day_opt {
    use serde::Deserialize;

    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(t) => parse_day(&t).map(Some).map_err(|(code, key)| refuse(code, key)),
        }
    }

    pub fn serialize<S: Serializer>(v: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_a_plain_decimal_with_at_most_two_decimals() {
        for ok in ["30.00", "5", "0.5", "0", "1234567.89", "12.50"] {
            assert!(parse_money(ok).is_ok(), "{ok}");
        }
        for bad in ["1e9", "+5", "5.", ".5", "-1.00", " 5", "5 ", "", "0x10", "1,000", "NaN", "١٢"] {
            assert_eq!(parse_money(bad).map_err(|e| e.0), Err("invalid_amount"), "{bad}");
        }
        // Precision and size are each field's rule, checked with the request's other fields.
        assert_eq!(parse_money("1.005").map(|d| d.to_string()), Ok("1.005".to_string()));
        assert_eq!(parse_money("1.00000000001").map_err(|e| e.0), Err("too_precise"));
        assert_eq!(parse_money("1234567890123456").map_err(|e| e.0), Err("invalid_amount"));
        let number: Result<Wrapper, _> = serde_json::from_str(r#"{"amount": 30.5}"#);
        assert!(number.expect_err("a number").to_string().contains("invalid_amount"));
        let text: Wrapper = serde_json::from_str(r#"{"amount": "30.50"}"#).expect("a string");
        assert_eq!(text.amount.to_string(), "30.50");
    }

    #[derive(Debug, serde::Deserialize)]
    struct Wrapper {
        #[serde(with = "money")]
        amount: Decimal,
    }

    #[test]
    fn days_are_exact_and_in_a_sane_window() {
        assert_eq!(parse_day("2026-11-30").map(|d| d.to_string()), Ok("2026-11-30".to_string()));
        for (bad, code) in [
            ("0000-01-01", "out_of_range"),
            ("-0001-01-01", "invalid_date"),
            ("+10000-01-01", "invalid_date"),
            ("2999-01-01", "out_of_range"),
            ("1899-12-31", "out_of_range"),
            ("2026-02-30", "invalid_date"),
            ("2026-1-5", "invalid_date"),
            ("20261105", "invalid_date"),
        ] {
            assert_eq!(parse_day(bad).map_err(|e| e.0), Err(code), "{bad}");
        }
        assert!(parse_month("2026-11").is_ok());
        assert_eq!(parse_month("9999-12").map_err(|e| e.0), Err("out_of_range"));
        assert_eq!(parse_month("2026-13").map_err(|e| e.0), Err("invalid_month"));
    }
}
