//! Money (金额): yuan with at most two decimals in the API (`rust_decimal`, as strings), whole fen
//! (分, `i64`) in storage and arithmetic, so every sum is exact on every database.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The largest amount accepted in one posting: one trillion yuan.
pub const MAX_FEN: i64 = 100_000_000_000_000;

/// Why an amount was refused (the code is the API's field reason code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amounts have at most two decimal places (fen)")]
    TooPrecise,
    #[error("the amount is out of range")]
    OutOfRange,
    #[error("the amount must be more than zero")]
    NotPositive,
}

impl MoneyError {
    /// The message for a person, in the catalogue.
    pub fn text(self) -> crate::text::Text {
        use crate::messages as m;
        match self {
            MoneyError::TooPrecise => m::money_too_precise(),
            MoneyError::OutOfRange => m::money_out_of_range(),
            MoneyError::NotPositive => m::money_not_positive(),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            MoneyError::TooPrecise => "too_precise",
            MoneyError::OutOfRange => "out_of_range",
            MoneyError::NotPositive => "not_positive",
        }
    }
}

/// Whole fen of a yuan amount (any sign), refusing sub-fen precision and absurd sizes.
pub fn to_fen(yuan: Decimal) -> Result<i64, MoneyError> {
    let fen = yuan * Decimal::ONE_HUNDRED;
    if !fen.fract().is_zero() {
        return Err(MoneyError::TooPrecise);
    }
    match fen.to_i64() {
        Some(v) if v.abs() <= MAX_FEN => Ok(v),
        _ => Err(MoneyError::OutOfRange),
    }
}

/// Whole fen of an amount that must be positive.
pub fn positive_fen(yuan: Decimal) -> Result<i64, MoneyError> {
    match to_fen(yuan)? {
        v if v > 0 => Ok(v),
        _ => Err(MoneyError::NotPositive),
    }
}

/// The yuan amount of whole fen, always with two decimals (`12.50`).
pub fn to_yuan(fen: i64) -> Decimal {
    Decimal::new(fen, 2)
}

/// `share_bp` basis points (1/10000) of `fen`, rounded half up to the fen.
pub fn share_of(fen: i64, share_bp: u32) -> i64 {
    let num = i128::from(fen) * i128::from(share_bp);
    let rounded = (num.abs() + 5_000) / 10_000;
    let signed = if num < 0 { -rounded } else { rounded };
    i64::try_from(signed).unwrap_or(if num < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn amounts_are_whole_fen() {
        assert_eq!(to_fen(d("0.1")), Ok(10));
        assert_eq!(to_fen(d("0.10")).map(|a| a + to_fen(d("0.2")).expect("ok")), Ok(30));
        assert_eq!(to_fen(d("12.345")), Err(MoneyError::TooPrecise));
        assert_eq!(to_fen(d("-3.5")), Ok(-350));
        assert_eq!(to_fen(d("1000000000000.01")), Err(MoneyError::OutOfRange));
        assert_eq!(positive_fen(d("0")), Err(MoneyError::NotPositive));
        assert_eq!(to_yuan(1250).to_string(), "12.50");
        assert_eq!(to_yuan(-5).to_string(), "-0.05");
    }

    #[test]
    fn shares_round_half_up_to_the_fen() {
        assert_eq!(share_of(10_000, 500), 500); // 5 % of 100.00 is 5.00
        assert_eq!(share_of(10, 500), 1); // 5 % of 0.10 is 0.005, rounds to 0.01
        assert_eq!(share_of(9, 500), 0); // 0.0045 rounds down
        assert_eq!(share_of(-10, 500), -1);
        assert_eq!(share_of(MAX_FEN, 10_000), MAX_FEN);
    }
}
