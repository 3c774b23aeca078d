//! Text for people, Chinese first: a message of the catalogue ([`crate::messages`]) with its
//! arguments, rendered in the reader's language only when it is shown.
//!
//! A message is written once, in the catalogue, in both languages; code elsewhere names it by a
//! function of the catalogue (`messages::too_long(50)`), so no sentence is scattered through
//! handlers and a message without its Chinese text cannot be written at all.

use std::fmt;

/// The language a person reads (zh-CN first, English second).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 简体中文, the default.
    #[default]
    Zh,
    English,
}

impl Lang {
    /// The language an `Accept-Language` header asks for: English when the most preferred
    /// language it names (by `q`, then order) is English, Chinese otherwise.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::English
            } else if tag == "zh" || tag.starts_with("zh-") {
                Lang::Zh
            } else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Zh, |(_, l)| l)
    }

    /// `zh` or `en`, as a setting or a cookie value says it.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" => Some(Lang::Zh),
            "en" => Some(Lang::English),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::English => "en",
        }
    }
}

/// One message of the catalogue: its key and its templates, with `{name}` where an argument goes.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// The arguments' names, as the templates use them.
    pub args: &'static [&'static str],
}

impl Entry {
    pub fn template(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::English => self.en,
        }
    }
}

/// A value put into a message: plain (a number, an amount, a code) or itself a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Plain(String),
    Text(Text),
}

impl<T: fmt::Display> From<T> for Arg {
    fn from(v: T) -> Self {
        Arg::Plain(v.to_string())
    }
}

impl From<Text> for Arg {
    fn from(t: Text) -> Self {
        Arg::Text(t)
    }
}

/// A message with its arguments, not yet in a language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    entry: &'static Entry,
    args: Vec<(&'static str, Arg)>,
}

impl Text {
    /// Used by the catalogue's functions.
    pub fn new(entry: &'static Entry, args: Vec<(&'static str, Arg)>) -> Text {
        Text { entry, args }
    }

    /// The message's key in the catalogue.
    pub fn key(&self) -> &'static str {
        self.entry.key
    }

    /// The value of argument `name`, rendered in `lang`.
    pub fn arg(&self, name: &str, lang: Lang) -> Option<String> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| render_arg(a, lang))
    }

    /// The message in `lang`, its arguments in place.
    pub fn render(&self, lang: Lang) -> String {
        let template = self.entry.template(lang);
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let name = &after[..close];
                    match self.args.iter().find(|(n, _)| *n == name) {
                        Some((_, a)) => out.push_str(&render_arg(a, lang)),
                        None => {
                            out.push('{');
                            out.push_str(name);
                            out.push('}');
                        }
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Chinese.
    pub fn zh(&self) -> String {
        self.render(Lang::Zh)
    }

    /// English.
    pub fn en(&self) -> String {
        self.render(Lang::English)
    }
}

impl Text {
    /// The form kept in the database for a message shown later (a refusal, a finding, a bill
    /// line's explanation): its key and arguments as JSON, so it is rendered in the language of
    /// whoever reads it. `{"k":"key","a":{"name":"value"}}`, a nested message as an object.
    pub fn stored(&self) -> String {
        self.stored_value().to_string()
    }

    /// [`Text::stored`] as a JSON value, to be embedded in a larger stored document.
    pub fn stored_value(&self) -> serde_json::Value {
        let args: serde_json::Map<String, serde_json::Value> = self
            .args
            .iter()
            .map(|(n, a)| {
                let v = match a {
                    Arg::Plain(s) => serde_json::Value::String(s.clone()),
                    Arg::Text(t) => t.stored_value(),
                };
                ((*n).to_owned(), v)
            })
            .collect();
        let mut o = serde_json::Map::new();
        o.insert("k".into(), self.entry.key.into());
        if !args.is_empty() {
            o.insert("a".into(), serde_json::Value::Object(args));
        }
        serde_json::Value::Object(o)
    }

    /// A message read back from [`Text::stored`]. Text stored before the catalogue existed (or
    /// under a key since removed) comes back as it was written.
    pub fn from_stored(stored: &str) -> Text {
        match serde_json::from_str::<serde_json::Value>(stored) {
            Ok(v @ serde_json::Value::Object(_)) => {
                Text::from_stored_value(&v).unwrap_or_else(|| crate::messages::verbatim(stored))
            }
            _ => crate::messages::verbatim(stored),
        }
    }

    /// [`Text::from_stored`] of an embedded value; `None` if it is not a stored message.
    pub fn from_stored_value(v: &serde_json::Value) -> Option<Text> {
        let key = v.get("k")?.as_str()?;
        let entry = crate::messages::entry(key)?;
        let mut args = Vec::new();
        if let Some(serde_json::Value::Object(a)) = v.get("a") {
            for name in entry.args {
                let arg = match a.get(*name) {
                    Some(serde_json::Value::String(s)) => Arg::Plain(s.clone()),
                    Some(o @ serde_json::Value::Object(_)) => Arg::Text(Text::from_stored_value(o)?),
                    Some(other) => Arg::Plain(other.to_string()),
                    None => Arg::Plain(String::new()),
                };
                args.push((*name, arg));
            }
        }
        Some(Text { entry, args })
    }
}

/// Puts every stored message inside a stored document (a bill line's explanation) into `lang`,
/// in place: each object that is a stored message of the catalogue becomes its text.
pub fn render_stored_in(value: &mut serde_json::Value, lang: Lang) {
    let is_message = value.as_object().is_some_and(|o| o.contains_key("k") && o.keys().all(|k| k == "k" || k == "a"));
    if is_message && let Some(t) = Text::from_stored_value(value) {
        *value = serde_json::Value::String(t.render(lang));
        return;
    }
    match value {
        serde_json::Value::Object(o) => o.values_mut().for_each(|v| render_stored_in(v, lang)),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| render_stored_in(v, lang)),
        _ => {}
    }
}

fn render_arg(a: &Arg, lang: Lang) -> String {
    match a {
        Arg::Plain(s) => s.clone(),
        Arg::Text(t) => t.render(lang),
    }
}

/// The names between braces in a template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// Declares messages: for each, a function of its arguments returning the [`Text`], and the list
/// of the section's entries (named by the first line) for the catalogue's tests.
///
/// ```ignore
/// catalogue! {
///     const COMMON;
///     too_long(max) = "最多 {max} 个字符" / "at most {max} characters";
/// }
/// ```
#[macro_export]
macro_rules! catalogue {
    (const $all:ident; $( $(#[$doc:meta])* $name:ident ( $($arg:ident),* ) = $zh:literal / $en:literal ; )*) => {
        $(
            $(#[$doc])*
            #[doc = concat!("「", $zh, "」 / \"", $en, "\"")]
            pub fn $name($($arg: impl Into<$crate::text::Arg>),*) -> $crate::text::Text {
                const ENTRY: &$crate::text::Entry = &$crate::text::Entry {
                    key: stringify!($name), zh: $zh, en: $en, args: &[$(stringify!($arg)),*],
                };
                $crate::text::Text::new(ENTRY, vec![$((stringify!($arg), $arg.into())),*])
            }
        )*
        /// Every entry of this section, for the catalogue's tests.
        pub(super) const $all: &[$crate::text::Entry] = &[$(
            $crate::text::Entry { key: stringify!($name), zh: $zh, en: $en, args: &[$(stringify!($arg)),*] }
        ),*];
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    mod sample {
        crate::catalogue! {
            const ALL;
            between(lo, hi) = "应在 {lo} 到 {hi} 之间" / "between {lo} and {hi}";
            of_thing(thing) = "未找到{thing}" / "{thing} not found";
            person() = "参保人" / "insured person";
        }
    }

    #[test]
    fn messages_render_in_either_language_with_their_arguments() {
        let t = sample::between(1, 200);
        assert_eq!(t.zh(), "应在 1 到 200 之间");
        assert_eq!(t.en(), "between 1 and 200");
        assert_eq!(t.key(), "between");
        let nested = sample::of_thing(sample::person());
        assert_eq!(nested.zh(), "未找到参保人");
        assert_eq!(nested.en(), "insured person not found");
        assert_eq!(sample::ALL.len(), 3);
        assert_eq!(placeholders("a {x} b {y}"), ["x", "y"]);
    }

    #[test]
    fn a_stored_message_comes_back_in_any_language() {
        let t = crate::messages::between(1, crate::messages::thing_bill());
        let back = Text::from_stored(&t.stored());
        assert_eq!(back, t);
        assert_eq!(back.zh(), "应在 1 到 结算单 之间");
        let legacy = Text::from_stored("certificate 370200-1 is valid until 2027-01-01");
        assert_eq!(legacy.zh(), "certificate 370200-1 is valid until 2027-01-01");
        assert_eq!(legacy.en(), legacy.zh());
    }

    #[test]
    fn the_language_follows_the_strongest_preference() {
        assert_eq!(Lang::from_accept_language("en"), Lang::English);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::English);
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr, en;q=0.5"), Lang::English);
        assert_eq!(Lang::from_accept_language("zh;q=0.4, en;q=0.6"), Lang::English);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(Lang::from_accept_language("de"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Zh);
    }
}
