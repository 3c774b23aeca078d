//! The seeds of random draws (双随机, 回访抽样): one given is checked, one left out is made from the
//! operating system's generator.

use ltci_shared::draw;
use ltci_shared::messages as m;
use rand::Rng;

use crate::http::error::FieldErrors;

/// The seed sent, trimmed, if any (none when empty); a malformed one is refused on `seed`.
pub fn given(errors: &mut FieldErrors, seed: Option<&str>) -> Option<String> {
    let seed = seed.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if seed.as_deref().is_some_and(|s| !draw::is_seed(s)) {
        errors.add("seed", "invalid_seed", m::seed_invalid());
    }
    seed
}

/// A fresh seed: 32 hexadecimal digits.
pub fn fresh() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
