//! Unified Social Credit Code (统一社会信用代码, GB 32100-2015): parsing and check character.

use std::fmt;

/// The 31 characters a code may use (no I, O, S, V, Z), in the order of their values 0–30.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A valid 18-character Unified Social Credit Code: registration authority, organisation kind,
/// 6-digit administrative division, 9-character organisation code, check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

/// Why a string is not a valid code. [`UsccError::code`] is the stable API reason code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a Unified Social Credit Code has 18 characters, this one has {0}")]
    WrongLength(usize),
    #[error("character {position} ({found}) is not allowed: codes use digits and capital letters except I, O, S, V, Z")]
    InvalidCharacter { position: usize, found: char },
    #[error("characters 3–8 ({0}) must be a 6-digit administrative division code")]
    InvalidDivisionCode(String),
    #[error("the check character is {found}, it should be {expected}: the code was probably mistyped")]
    InvalidCheckCharacter { expected: char, found: char },
}

impl UsccError {
    /// The message for a person, in the catalogue.
    pub fn text(&self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            Self::WrongLength(n) => m::uscc_wrong_length(n),
            Self::InvalidCharacter { position, found } => m::uscc_invalid_character(position, found),
            Self::InvalidDivisionCode(c) => m::uscc_invalid_division(c),
            Self::InvalidCheckCharacter { expected, found } => m::uscc_invalid_check_character(found, expected),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongLength(_) => "wrong_length",
            Self::InvalidCharacter { .. } => "invalid_characters",
            Self::InvalidDivisionCode(_) => "invalid_division_code",
            Self::InvalidCheckCharacter { .. } => "invalid_check_character",
        }
    }
}

fn value(c: u8) -> Option<u32> {
    CHARSET.iter().position(|x| *x == c).and_then(|p| u32::try_from(p).ok())
}

/// The check character for the first 17 characters (which must all be in the charset).
pub fn check_character(first17: &[u8]) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    Some(char::from(CHARSET[v as usize]))
}

impl Uscc {
    /// Parses a code as typed: surrounding spaces ignored, lower case accepted.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let s = input.trim().to_ascii_uppercase();
        let n = s.chars().count();
        if n != 18 {
            return Err(UsccError::WrongLength(n));
        }
        for (i, ch) in s.chars().enumerate() {
            if !ch.is_ascii() || value(ch as u8).is_none() {
                return Err(UsccError::InvalidCharacter { position: i + 1, found: ch });
            }
        }
        let bytes = s.as_bytes();
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(UsccError::InvalidDivisionCode(s[2..8].to_string()));
        }
        let expected = check_character(&bytes[..17]).unwrap_or('?');
        let found = char::from(bytes[17]);
        if expected != found {
            return Err(UsccError::InvalidCheckCharacter { expected, found });
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative division where the organisation is registered.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid code from 17 characters.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_character(first17.as_bytes()).expect("charset"))
    }

    #[test]
    fn accepts_published_codes() {
        // Codes printed on real business licences.
        for code in ["91350100M000100Y43", "91110000600037341L"] {
            assert!(Uscc::parse(code).is_ok(), "{code}");
        }
        let code = Uscc::parse(" 91350100m000100y43 ").expect("lower case and spaces");
        assert_eq!(code.as_str(), "91350100M000100Y43");
        assert_eq!(code.division_code(), "350100");
    }

    #[test]
    fn a_check_value_of_zero_is_the_digit_0() {
        // Find a prefix whose weighted sum is a multiple of 31 and check it round-trips.
        let mut found = false;
        for n in 0..10_000u32 {
            let prefix = format!("5237020{n:04}ABCDEF");
            if check_character(prefix.as_bytes()) == Some('0') {
                assert!(Uscc::parse(&format!("{prefix}0")).is_ok());
                found = true;
                break;
            }
        }
        assert!(found);
    }

    #[test]
    fn rejects_each_kind_of_mistake() {
        let good = with_check("12370200MB1234567");
        assert!(Uscc::parse(&good).is_ok());
        let last = good.chars().last().expect("char");
        let wrong = format!("{}{}", &good[..17], if last == '1' { '2' } else { '1' });
        assert_eq!(Uscc::parse(&wrong).expect_err("check").code(), "invalid_check_character");
        assert_eq!(Uscc::parse(&good[..17]).expect_err("short").code(), "wrong_length");
        assert_eq!(Uscc::parse(&format!("{good}1")).expect_err("long").code(), "wrong_length");
        assert_eq!(
            Uscc::parse("91350100M00010OY43").expect_err("letter O"),
            UsccError::InvalidCharacter { position: 15, found: 'O' }
        );
        assert_eq!(Uscc::parse("91350100M0001-0Y43").expect_err("dash").code(), "invalid_characters");
        assert_eq!(
            Uscc::parse(&with_check("913A0100M00010012")).expect_err("division").code(),
            "invalid_division_code"
        );
    }
}
