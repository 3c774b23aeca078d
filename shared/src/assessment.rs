//! Disability assessment (失能等级评估): instruments as versioned data, and the grading function
//! the phone (offline) and the server both run, so they always agree.
//!
//! An [`Instrument`] is a JSON document (see `shared/instruments/`): dimensions with their items,
//! each item's allowed options and points, score bands giving each dimension a grade, and the
//! combination table that turns grades into a level 0–5. A city's local variant or a later revision
//! is another document with another version, not new code.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// The national instrument, 《长期护理失能等级评估标准（试行）》 (医保办发〔2021〕37号).
pub const CN_NHSA_2021: &str = "CN-NHSA-2021";

/// The embedded instrument documents, newest last.
const DOCUMENTS: &[&str] = &[include_str!("../instruments/cn-nhsa-2021.json")];

/// An assessment instrument (评估量表), as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Instrument {
    pub version: String,
    pub name_zh: String,
    pub name_en: String,
    /// The document that defines it.
    pub source: String,
    /// Dimension grades, from best to worst.
    pub grades: Vec<GradeDef>,
    pub dimensions: Vec<Dimension>,
    pub combination: Combination,
    pub levels: Vec<LevelDef>,
}

/// A dimension grade, e.g. `mild` 轻度受损.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GradeDef {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A dimension: its items are summed into a score, the score falls in a band, the band is a grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Dimension {
    /// `adl`, `cognition`, `sensory`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub items: Vec<Item>,
    pub bands: Vec<Band>,
}

/// One question of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Item {
    /// e.g. `adl.eating`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The answers an assessor can choose, best first.
    pub options: Vec<Choice>,
}

/// One answer to an item, with its points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Choice {
    pub points: u32,
    pub label_zh: String,
    pub label_en: String,
}

/// Scores `min..=max` of a dimension give `grade`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Band {
    pub grade: String,
    pub min: u32,
    pub max: u32,
}

/// How grades combine into a level: the `row` dimension's grade selects the row, the worst grade
/// of the `column_worst_of` dimensions the column; rows and columns follow the order of `grades`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Combination {
    pub row: String,
    pub column_worst_of: Vec<String>,
    pub table: Vec<Vec<u8>>,
}

/// A disability level (失能等级).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LevelDef {
    pub level: u8,
    pub name_zh: String,
    pub name_en: String,
}

/// A dimension's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DimensionResult {
    pub score: u32,
    pub grade: String,
}

/// The outcome of grading a complete, valid set of answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Grading {
    pub instrument: String,
    /// 0 基本正常 … 5 重度失能Ⅲ级.
    pub level: u8,
    pub level_name: String,
    /// One entry per dimension code (`adl`, `cognition`, `sensory`), in code order.
    #[serde(flatten)]
    pub dimensions: BTreeMap<String, DimensionResult>,
}

/// What is wrong with the answer to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    /// The item code, e.g. `adl.walking`.
    pub item: String,
    /// `missing`, `unknown_item`, `not_a_number` or `not_allowed`.
    pub code: String,
    pub text: crate::text::Text,
}

impl AnswerError {
    /// `item: message`, in `lang`.
    pub fn render(&self, lang: crate::text::Lang) -> String {
        format!("{}: {}", self.item, self.text.render(lang))
    }
}

/// Answers as sent: item code → points. Values stay JSON so that a string or a fraction is
/// reported against its item instead of failing the whole document.
pub type Answers = BTreeMap<String, Value>;

/// The embedded instrument with this version.
pub fn instrument(version: &str) -> Option<&'static Instrument> {
    instruments().iter().find(|i| i.version == version)
}

/// Every embedded instrument, oldest first.
pub fn instruments() -> &'static [Instrument] {
    static PARSED: OnceLock<Vec<Instrument>> = OnceLock::new();
    PARSED.get_or_init(|| {
        DOCUMENTS
            .iter()
            .map(|doc| {
                let inst: Instrument = serde_json::from_str(doc).expect("embedded instrument parses"); // checked by tests
                if let Err(e) = inst.check() {
                    panic!("embedded instrument {} is inconsistent: {e}", inst.version); // checked by tests
                }
                inst
            })
            .collect()
    })
}

/// The instrument new assessments use.
pub fn current() -> &'static Instrument {
    instrument(CN_NHSA_2021).expect("the national instrument is embedded")
}

impl Instrument {
    /// Checks that the document is usable: known grades and levels everywhere, bands that do not
    /// overlap and cover every score the items can add up to, a complete combination table.
    pub fn check(&self) -> Result<(), String> {
        let grade_index = |g: &str| self.grades.iter().position(|d| d.code == g);
        let mut item_codes = std::collections::BTreeSet::new();
        for dim in &self.dimensions {
            let mut reachable = vec![true];
            for item in &dim.items {
                if !item_codes.insert(item.code.as_str()) {
                    return Err(format!("item {} appears twice", item.code));
                }
                if item.options.is_empty() {
                    return Err(format!("item {} has no options", item.code));
                }
                let max = item.options.iter().map(|o| o.points).max().unwrap_or(0) as usize;
                let mut next = vec![false; reachable.len() + max];
                for (score, ok) in reachable.iter().enumerate() {
                    if *ok {
                        for o in &item.options {
                            next[score + o.points as usize] = true;
                        }
                    }
                }
                reachable = next;
            }
            for band in &dim.bands {
                if grade_index(&band.grade).is_none() {
                    return Err(format!("dimension {} has a band with unknown grade {}", dim.code, band.grade));
                }
            }
            for (score, ok) in reachable.iter().enumerate() {
                let n = dim.bands.iter().filter(|b| (b.min..=b.max).contains(&(score as u32))).count();
                if *ok && n != 1 {
                    return Err(format!("dimension {}: score {score} falls in {n} bands", dim.code));
                }
            }
        }
        let dim_exists = |c: &str| self.dimensions.iter().any(|d| d.code == c);
        if !dim_exists(&self.combination.row) || !self.combination.column_worst_of.iter().all(|c| dim_exists(c)) {
            return Err("the combination names an unknown dimension".into());
        }
        let n = self.grades.len();
        if self.combination.table.len() != n || self.combination.table.iter().any(|r| r.len() != n) {
            return Err(format!("the combination table must be {n}×{n}"));
        }
        for level in self.combination.table.iter().flatten() {
            if !self.levels.iter().any(|l| l.level == *level) {
                return Err(format!("the combination table names unknown level {level}"));
            }
        }
        Ok(())
    }

    fn grade_of<'a>(&self, dim: &'a Dimension, score: u32) -> &'a str {
        dim.bands
            .iter()
            .find(|b| (b.min..=b.max).contains(&score))
            .map(|b| b.grade.as_str())
            .expect("check() ensures every reachable score has a band")
    }

    fn grade_rank(&self, grade: &str) -> usize {
        self.grades.iter().position(|g| g.code == grade).expect("check() ensures known grades")
    }

    /// The level for a set of dimension grades, by the combination table.
    pub fn level_for(&self, grades: &BTreeMap<String, String>) -> u8 {
        let row = self.grade_rank(&grades[&self.combination.row]);
        let col = self.combination.column_worst_of.iter().map(|d| self.grade_rank(&grades[d])).max().unwrap_or(0);
        self.combination.table[row][col]
    }

    /// The Chinese name of a level.
    pub fn level_name(&self, level: u8) -> &str {
        self.levels.iter().find(|l| l.level == level).map_or("", |l| l.name_zh.as_str())
    }

    /// Grades a complete set of answers. Every problem is reported, each naming its item, and no
    /// level is produced unless every item has an allowed answer.
    pub fn grade(&self, answers: &Answers) -> Result<Grading, Vec<AnswerError>> {
        let mut errors = Vec::new();
        for code in answers.keys() {
            if !self.dimensions.iter().flat_map(|d| &d.items).any(|i| &i.code == code) {
                errors.push(AnswerError {
                    item: code.clone(),
                    code: "unknown_item".into(),
                    text: crate::messages::unknown_item(code, &self.version),
                });
            }
        }
        let mut scores = Vec::new();
        for dim in &self.dimensions {
            let mut score = 0;
            for item in &dim.items {
                match answer_points(item, answers.get(&item.code)) {
                    Ok(points) => score += points,
                    Err(e) => errors.push(e),
                }
            }
            scores.push((dim, score));
        }
        if !errors.is_empty() {
            errors.sort_by(|a, b| a.item.cmp(&b.item));
            return Err(errors);
        }
        let dimensions: BTreeMap<String, DimensionResult> = scores
            .into_iter()
            .map(|(dim, score)| {
                (dim.code.clone(), DimensionResult { score, grade: self.grade_of(dim, score).to_string() })
            })
            .collect();
        let grades: BTreeMap<String, String> = dimensions.iter().map(|(k, v)| (k.clone(), v.grade.clone())).collect();
        let level = self.level_for(&grades);
        Ok(Grading {
            instrument: self.version.clone(),
            level,
            level_name: self.level_name(level).to_string(),
            dimensions,
        })
    }
}

fn allowed_list(item: &Item) -> String {
    let mut points: Vec<u32> = item.options.iter().map(|o| o.points).collect();
    points.sort_unstable();
    points.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

fn answer_points(item: &Item, value: Option<&Value>) -> Result<u32, AnswerError> {
    use crate::messages as m;
    let err = |code: &str, text| AnswerError { item: item.code.clone(), code: code.into(), text };
    let Some(value) = value else {
        return Err(err("missing", m::answer_missing(&item.name_zh)));
    };
    let Value::Number(n) = value else {
        return Err(err("not_a_number", m::answer_not_a_number(allowed_list(item))));
    };
    let points = n.as_u64().and_then(|p| u32::try_from(p).ok());
    match points {
        Some(p) if item.options.iter().any(|o| o.points == p) => Ok(p),
        _ => Err(err("not_allowed", m::answer_not_allowed(n, allowed_list(item)))),
    }
}

#[cfg(test)]
mod tests;
