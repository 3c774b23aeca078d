//! How the console writes numbers, money, dates and masked identities for people (the Chinese
//! way: ¥1,234.50, 2026年11月, 2026-11-30 14:05).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use ltci_shared::text::Lang;

/// Fen as yuan with a thousands separator: `¥1,234.50`, `-¥12.00`.
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let (yuan, cents) = (abs / 100, abs % 100);
    format!("{sign}¥{}.{cents:02}", group(yuan))
}

/// An amount of the API (yuan, at most two decimals) the same way.
pub fn yuan(amount: rust_decimal::Decimal) -> String {
    money(ltci_shared::money::to_fen(amount).unwrap_or(0))
}

/// A count with a thousands separator: `12,345`.
pub fn count(n: u64) -> String {
    group(n)
}

fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A month: `2026年11月`, or `Nov 2026`.
pub fn month(lang: Lang, year: i32, month: u32) -> String {
    match lang {
        Lang::Zh => format!("{year}年{month}月"),
        Lang::English => {
            const NAMES: [&str; 12] =
                ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
            let name = NAMES.get(month.saturating_sub(1) as usize).copied().unwrap_or("?");
            format!("{name} {year}")
        }
    }
}

/// A `YYYY-MM` month of the API as [`month`] writes it (the text itself if it is not one).
pub fn month_text(lang: Lang, text: &str) -> String {
    match crate::fields::month(text) {
        Ok((first, _)) => month(lang, first.year(), first.month()),
        Err(_) => text.to_owned(),
    }
}

/// A day: `2026-11-30` (ISO, read the same in both languages and sorted as text).
pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// An instant in the region's time zone, to the minute: `2026-11-30 14:05`.
pub fn at(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// The month before `today`'s, `YYYY-MM`: the last one that is over, which month pages open on.
pub fn last_month(today: NaiveDate) -> String {
    use chrono::Datelike;
    (today.with_day0(0).unwrap_or(today) - chrono::Duration::days(1)).format("%Y-%m").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_with_yuan_sign_separators_and_two_decimals() {
        assert_eq!(money(123_450), "¥1,234.50");
        assert_eq!(money(5), "¥0.05");
        assert_eq!(money(-1_200), "-¥12.00");
        assert_eq!(money(100_000_000_000), "¥1,000,000,000.00");
        assert_eq!(count(12_345), "12,345");
        assert_eq!(count(999), "999");
    }

    #[test]
    fn months_are_written_the_chinese_way_or_the_english_way() {
        assert_eq!(month(Lang::Zh, 2026, 11), "2026年11月");
        assert_eq!(month(Lang::English, 2026, 11), "Nov 2026");
        assert_eq!(month_text(Lang::Zh, "2026-01"), "2026年1月");
    }
}
