//! Field rules for registry input: phones, coordinates, addresses, contacts.

use ltci_shared::api::registry::{Address, EmergencyContact};
use ltci_shared::messages as m;

use crate::fields::check_text;
use crate::http::error::FieldErrors;

pub use crate::http::error::Rule;

/// Phone numbers as people write them: digits with optional `+`, `-`, spaces, parentheses;
/// 5–20 characters with at least 5 digits (an 11-digit mobile or a landline with area code).
pub fn phone(value: &str) -> Rule<String> {
    let v = value.trim();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if !allowed || digits < 5 || v.len() > 20 {
        return Err(("invalid_phone", m::invalid_phone()));
    }
    Ok(v.to_string())
}

/// Validates an address into `errors` under `prefix`, returning the cleaned value.
pub fn address(errors: &mut FieldErrors, prefix: &str, a: &Address) -> Option<Address> {
    let text = errors.take(&format!("{prefix}.text"), check_text(&a.text, 300));
    let mut ok = true;
    if let Some(lat) = a.latitude
        && (!(-90.0..=90.0).contains(&lat) || !lat.is_finite())
    {
        errors.add(format!("{prefix}.latitude"), "out_of_range", m::latitude_range());
        ok = false;
    }
    if let Some(lng) = a.longitude
        && (!(-180.0..=180.0).contains(&lng) || !lng.is_finite())
    {
        errors.add(format!("{prefix}.longitude"), "out_of_range", m::longitude_range());
        ok = false;
    }
    if a.latitude.is_some() != a.longitude.is_some() {
        let missing = if a.latitude.is_none() { "latitude" } else { "longitude" };
        errors.add(format!("{prefix}.{missing}"), "required", m::coordinates_in_pairs());
        ok = false;
    }
    match (text, ok) {
        (Some(text), true) => Some(Address { text, latitude: a.latitude, longitude: a.longitude }),
        _ => None,
    }
}

/// Validates an emergency contact into `errors` under `prefix`.
pub fn emergency_contact(errors: &mut FieldErrors, prefix: &str, c: &EmergencyContact) -> Option<EmergencyContact> {
    let name = errors.take(&format!("{prefix}.name"), check_text(&c.name, 50));
    let phone = errors.take(&format!("{prefix}.phone"), phone(&c.phone));
    let relation = match c.relation.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => errors.take(&format!("{prefix}.relation"), check_text(r, 20)).map(Some),
        None => Some(None),
    };
    Some(EmergencyContact { name: name?, phone: phone?, relation: relation? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        assert!(phone("13800138000").is_ok());
        assert!(phone("0532-88886666").is_ok());
        assert!(phone("+86 138 0013 8000").is_ok());
        assert_eq!(phone("call me").map_err(|e| e.0), Err("invalid_phone"));
        assert_eq!(phone("123").map_err(|e| e.0), Err("invalid_phone"));
    }

    #[test]
    fn coordinates_must_be_in_range_and_paired() {
        let mut errors = FieldErrors::new();
        let a = Address { text: "x".into(), latitude: Some(95.0), longitude: None };
        assert!(address(&mut errors, "address", &a).is_none());
        let err = errors.finish().expect_err("invalid");
        assert_eq!(err.code(), "validation_failed");
    }
}
