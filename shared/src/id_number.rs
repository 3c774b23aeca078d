//! Resident identity card number (居民身份证号码, GB 11643-1999): parsing, check character, masking.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A valid 18-character resident ID number: 6-digit address code, 8-digit birth date,
/// 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character.
///
/// Personal data under PIPL: its `Debug` form is masked so it never reaches a log by accident.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

/// Sex (性别) as encoded in the ID number's sequence digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

/// Why a string is not a valid ID number. [`IdNumberError::code`] is the stable API reason code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("an ID number has 18 characters, this one has {0}")]
    WrongLength(usize),
    #[error("an ID number is 17 digits followed by a digit or X")]
    InvalidCharacters,
    #[error("the first two digits ({0}) are not a province code")]
    UnknownRegion(String),
    #[error("characters 7–14 ({0}) are not a possible birth date")]
    InvalidBirthDate(String),
    #[error("the check character is {found}, it should be {expected}: the number was probably mistyped")]
    InvalidCheckCharacter { expected: char, found: char },
}

impl IdNumberError {
    /// The message for a person, in the catalogue. It never repeats the digits of the number.
    pub fn text(&self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            Self::WrongLength(n) => m::id_wrong_length(n),
            Self::InvalidCharacters => m::id_invalid_characters(),
            Self::UnknownRegion(c) => m::id_unknown_region(c),
            Self::InvalidBirthDate(_) => m::id_invalid_birth_date(),
            Self::InvalidCheckCharacter { expected, found } => m::id_invalid_check_character(found, expected),
        }
    }

    /// The stable reason code used in API error details.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongLength(_) => "wrong_length",
            Self::InvalidCharacters => "invalid_characters",
            Self::UnknownRegion(_) => "unknown_region",
            Self::InvalidBirthDate(_) => "invalid_birth_date",
            Self::InvalidCheckCharacter { .. } => "invalid_check_character",
        }
    }
}

/// Province-level codes (GB/T 2260) that may begin an ID number; 83 is used for the residence
/// permits of Taiwan residents.
const PROVINCE_CODES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82, 83,
];

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The ISO 7064 MOD 11-2 check character for the first 17 digits.
pub fn check_character(first17: &[u8; 17]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl IdNumber {
    /// Parses a number as typed by a person: surrounding spaces are ignored and a lower-case `x`
    /// is accepted. A birth date after `today` is rejected.
    pub fn parse_on(input: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let s = input.trim().to_ascii_uppercase();
        let len = s.chars().count();
        if len != 18 {
            return Err(IdNumberError::WrongLength(len));
        }
        let bytes = s.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit) || !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
            return Err(IdNumberError::InvalidCharacters);
        }
        let province = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
        if !PROVINCE_CODES.contains(&province) {
            return Err(IdNumberError::UnknownRegion(s[..2].to_string()));
        }
        let birth = &s[6..14];
        match NaiveDate::parse_from_str(birth, "%Y%m%d") {
            Ok(date) if date.year() >= 1900 && date <= today => {}
            _ => return Err(IdNumberError::InvalidBirthDate(birth.to_string())),
        }
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(&bytes[..17]);
        let expected = check_character(&first17);
        let found = char::from(bytes[17]);
        if expected != found {
            return Err(IdNumberError::InvalidCheckCharacter { expected, found });
        }
        Ok(Self(s))
    }

    /// Parses against today's date on this device's clock.
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        Self::parse_on(input, chrono::Local::now().date_naive())
    }

    /// The full number. Only for storage and for roles entitled to see it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Birth date (出生日期) from characters 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("validated at parse") // invariant of the type
    }

    /// Age in whole years on `date` (0 before the first birthday).
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        date.years_since(self.birth_date()).unwrap_or(0)
    }

    /// Sex from the 17th character: odd for men, even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// The form shown to roles that do not need the full number: the first 6 and the check
    /// character kept (`370202***********6`). The birth date and the sequence stay hidden, so
    /// with the age and sex a view shows beside it, thousands of numbers still fit
    /// ([`numbers_fitting`]).
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks any ID-like string: keeps the first 6 and the last character, stars the rest.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..6].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - 7));
    out.push(chars[chars.len() - 1]);
    out
}

/// What a view shows of a person beside the masked number.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shown {
    /// Age in whole years on `on`.
    pub age: Option<(u32, NaiveDate)>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
}

/// How many valid ID numbers fit a masked number (its visible characters kept, `*` any digit)
/// and what else a view shows: the measure of how well a view hides the number. One means the
/// view gives the number back. Counting stops at `enough`.
pub fn numbers_fitting(masked: &str, shown: Shown, enough: usize) -> usize {
    let m: Vec<char> = masked.chars().collect();
    if m.len() != 18 || m[..6].iter().any(|c| !c.is_ascii_digit()) {
        return 0;
    }
    let digit = |c: char| c.to_digit(10).unwrap_or(0);
    let fits = |i: usize, d: u32| m[i] == '*' || m[i].to_digit(10) == Some(d);
    let prefix: u32 = (0..6).map(|i| digit(m[i]) * WEIGHTS[i]).sum();
    // The birth dates possible: the one shown, those of the age shown, or any.
    let (mut day, last) = match (shown.birth_date, shown.age) {
        (Some(b), _) => (b, b),
        (None, Some((age, on))) => {
            let latest = on.checked_sub_months(chrono::Months::new(age * 12)).unwrap_or(on);
            let earliest =
                on.checked_sub_months(chrono::Months::new((age + 1) * 12)).unwrap_or(on) + chrono::Days::new(1);
            (earliest, latest)
        }
        (None, None) => (
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or_default(),
        ),
    };
    let mut count = 0;
    while day <= last {
        let (y, mo, d) = (u32::try_from(day.year()).unwrap_or(0), day.month(), day.day());
        let date = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, mo / 10, mo % 10, d / 10, d % 10];
        if date.iter().enumerate().all(|(i, &x)| fits(6 + i, x))
            && shown.age.is_none_or(|(age, on)| on.years_since(day) == Some(age))
        {
            let date_sum: u32 = date.iter().enumerate().map(|(i, &x)| x * WEIGHTS[6 + i]).sum();
            for seq in 0..1000u32 {
                let digits = [seq / 100, seq / 10 % 10, seq % 10];
                if !digits.iter().enumerate().all(|(i, &x)| fits(14 + i, x)) {
                    continue;
                }
                if shown.sex.is_some_and(|s| (s == Sex::Male) != (seq % 2 == 1)) {
                    continue;
                }
                let sum = prefix + date_sum + digits.iter().enumerate().map(|(i, &x)| x * WEIGHTS[14 + i]).sum::<u32>();
                let check = CHECK_CHARS[(sum % 11) as usize];
                if m[17] == '*' || m[17] == check {
                    count += 1;
                    if count >= enough {
                        return count;
                    }
                }
            }
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    count
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

impl fmt::Display for IdNumber {
    /// Masked: displaying an ID number never reveals it. Use [`IdNumber::as_str`] deliberately.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date")
    }

    #[test]
    fn accepts_the_standard_example_and_derives_birth_date_and_sex() {
        let id = IdNumber::parse_on("11010519491231002X", today()).expect("valid");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).expect("date"));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "110105***********X");
    }

    #[test]
    fn the_masked_number_with_the_age_and_sex_does_not_give_the_number_back() {
        let id = IdNumber::parse_on("11010519491231002X", today()).expect("valid");
        let shown = Shown { age: Some((id.age_on(today()), today())), sex: Some(id.sex()), birth_date: None };
        let fitting = numbers_fitting(&id.masked(), shown, usize::MAX);
        assert!(fitting > 10_000, "{fitting} numbers fit the masked number, the age and the sex");
        // The former mask, with the birth date beside it, gave it back.
        let former = Shown { birth_date: Some(id.birth_date()), sex: Some(id.sex()), age: None };
        assert_eq!(numbers_fitting("110105********002X", former, usize::MAX), 1);
        // And with the age instead, a few dozen: a guess, not a secret.
        assert!(numbers_fitting("110105********002X", shown, usize::MAX) < 50);
    }

    #[test]
    fn accepts_lower_case_x_and_surrounding_spaces() {
        let id = IdNumber::parse_on("  11010519491231002x ", today()).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn odd_sequence_digit_is_male() {
        // 370402195003150011: sequence 001 → odd → male; check character computed below.
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(b"37040219500315001");
        let full = format!("37040219500315001{}", check_character(&first17));
        let id = IdNumber::parse_on(&full, today()).expect("valid");
        assert_eq!(id.sex(), Sex::Male);
    }

    #[test]
    fn rejects_a_wrong_check_character_and_says_which_is_expected() {
        let err = IdNumber::parse_on("110105194912310021", today()).expect_err("invalid");
        assert_eq!(err, IdNumberError::InvalidCheckCharacter { expected: 'X', found: '1' });
        assert_eq!(err.code(), "invalid_check_character");
    }

    #[test]
    fn rejects_impossible_and_future_birth_dates() {
        for bad in ["19490230", "19491301", "18991231", "20270101"] {
            let mut first17 = [0u8; 17];
            first17.copy_from_slice(format!("110105{bad}002").as_bytes());
            let full = format!("110105{bad}002{}", check_character(&first17));
            let err = IdNumber::parse_on(&full, today()).expect_err(bad);
            assert_eq!(err.code(), "invalid_birth_date", "{bad}");
        }
    }

    #[test]
    fn rejects_wrong_length_characters_and_region() {
        assert_eq!(IdNumber::parse_on("1101051949123100", today()).expect_err("short").code(), "wrong_length");
        assert_eq!(IdNumber::parse_on("11010519491231002XX", today()).expect_err("long").code(), "wrong_length");
        assert_eq!(IdNumber::parse_on("1101051949123100AX", today()).expect_err("chars").code(), "invalid_characters");
        assert_eq!(IdNumber::parse_on("99010519491231002X", today()).expect_err("region").code(), "unknown_region");
        assert_eq!(
            IdNumber::parse_on("１１０１０５19491231002X", today()).expect_err("full-width").code(),
            "invalid_characters"
        );
    }

    #[test]
    fn debug_and_display_never_show_the_full_number() {
        let id = IdNumber::parse_on("11010519491231002X", today()).expect("valid");
        assert!(!format!("{id:?}").contains("19491231"));
        assert!(!format!("{id}").contains("19491231"));
    }
}
