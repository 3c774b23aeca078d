//! The catalogue of everything the server says to people, Chinese first, English second: error
//! messages, field reasons, visit findings, bill-line explanations, CSV headers. One section a
//! capability; every message is a function returning its [`Text`](crate::text::Text).
//!
//! Codes (error codes, field reason codes) stay in the code; only the sentences live here.

mod assessment;
mod auth;
mod care;
mod commands;
mod common;
mod console;
mod console_institution;
mod funding;
mod imports;
mod inspections;
mod institutions;
mod policy;
mod registry;
mod settlement;
mod supervision;
mod workforce;

pub use assessment::*;
pub use auth::*;
pub use care::*;
pub use commands::*;
pub use common::*;
pub use console::*;
pub use console_institution::*;
pub use funding::*;
pub use imports::*;
pub use inspections::*;
pub use institutions::*;
pub use policy::*;
pub use registry::*;
pub use settlement::*;
pub use supervision::*;
pub use workforce::*;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::text::Entry;

/// The entry of `key`, for messages read back from the database.
pub fn entry(key: &str) -> Option<&'static Entry> {
    static BY_KEY: OnceLock<HashMap<&'static str, &'static Entry>> = OnceLock::new();
    BY_KEY.get_or_init(|| all().map(|e| (e.key, e)).collect()).get(key).copied()
}

/// Every entry of the catalogue.
pub fn all() -> impl Iterator<Item = &'static Entry> {
    [
        ASSESSMENT,
        AUTH,
        CARE,
        COMMANDS,
        CONSOLE,
        CONSOLE_INSTITUTION,
        COMMON,
        FUNDING,
        IMPORTS,
        INSPECTIONS,
        INSTITUTIONS,
        POLICY,
        REGISTRY,
        SETTLEMENT,
        SUPERVISION,
        WORKFORCE,
    ]
    .into_iter()
    .flatten()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::text::placeholders;

    /// Whether `s` has a Chinese character (CJK Unified Ideographs).
    fn has_han(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_message_has_its_chinese_and_english_text_with_the_same_arguments() {
        let mut keys = BTreeSet::new();
        let mut count = 0;
        for e in super::all() {
            count += 1;
            assert!(keys.insert(e.key), "{} is in the catalogue twice", e.key);
            // A message may be only its arguments and signs (`{a} × {b} = {c}`) in both languages.
            let mut words = e.zh.to_string();
            for a in e.args {
                words = words.replace(&format!("{{{a}}}"), "");
            }
            let only_args = !words.chars().any(char::is_alphabetic);
            assert!(has_han(e.zh) || only_args, "{}: no Chinese text: {:?}", e.key, e.zh);
            assert!(!e.en.trim().is_empty(), "{}: no English text", e.key);
            // English may name a Chinese term of the domain (回避), but is English.
            assert!(only_args || e.en.chars().any(|c| c.is_ascii_alphabetic()), "{}: no English text", e.key);
            let declared: BTreeSet<&str> = e.args.iter().copied().collect();
            for (lang, template) in [("zh", e.zh), ("en", e.en)] {
                let used: BTreeSet<&str> = placeholders(template).into_iter().collect();
                assert_eq!(used, declared, "{}: the {lang} text uses other arguments than declared", e.key);
            }
        }
        assert!(count > 100, "the catalogue has {count} entries");
    }
}
