//! Disability assessment (失能等级评估): the instruments and grading, over HTTP and on the command
//! line. Both call [`ltci_shared::assessment::Instrument::grade`], the function the phone runs too.

pub mod assessors;
pub mod case_routes;
pub mod cases;
pub mod certificates;
pub mod routes;
pub mod settings;
pub mod state_machine;
pub mod workflow;

use ltci_shared::Issue;
use ltci_shared::assessment::{self, AnswerError, Answers, Grading};
use ltci_shared::messages as m;
use ltci_shared::text::Lang;

use crate::http::error::ApiError;

/// Why a set of answers could not be graded.
#[derive(Debug)]
pub enum GradeFailure {
    /// No instrument has this version.
    UnknownInstrument(String),
    /// The answers are wrong; each error names its item.
    Answers(Vec<AnswerError>),
}

/// Grades `answers` with the instrument `version` (the current one when `None`).
pub fn grade(version: Option<&str>, answers: &Answers) -> Result<Grading, GradeFailure> {
    let instrument = match version {
        Some(v) => assessment::instrument(v).ok_or_else(|| GradeFailure::UnknownInstrument(v.to_string()))?,
        None => assessment::current(),
    };
    instrument.grade(answers).map_err(GradeFailure::Answers)
}

/// `ltci-server assess`: the answers as a JSON document in, the grading as one line of JSON out,
/// or the problems (one per line, each naming its item).
pub fn assess_document(input: &str, version: Option<&str>, lang: Lang) -> Result<String, Vec<String>> {
    let answers: Answers = match serde_json::from_str::<serde_json::Value>(input) {
        Ok(serde_json::Value::Object(map)) => map.into_iter().collect(),
        Ok(_) => return Err(vec![m::answers_not_an_object().render(lang)]),
        Err(e) => return Err(vec![m::answers_not_json(e).render(lang)]),
    };
    match grade(version, &answers) {
        Ok(g) => serde_json::to_string(&g).map_err(|e| vec![e.to_string()]),
        Err(GradeFailure::UnknownInstrument(v)) => Err(vec![m::unknown_instrument_version(v).render(lang)]),
        Err(GradeFailure::Answers(errors)) => Err(errors.iter().map(|e| e.render(lang)).collect()),
    }
}

/// A grading failure as the API reports it: `422` with one detail per item under
/// `answers.<item code>`, or on `instrument`.
pub fn answer_errors(failure: GradeFailure) -> ApiError {
    match failure {
        GradeFailure::UnknownInstrument(_) => {
            ApiError::invalid_field("instrument", "unknown_instrument", m::no_such_instrument())
        }
        GradeFailure::Answers(errors) => ApiError::validation(
            errors.into_iter().map(|e| (format!("answers.{}", e.item), Issue::new(e.code, e.text))).collect(),
        ),
    }
}
