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

use ltci_shared::FieldIssue;
use ltci_shared::assessment::{self, AnswerError, Answers, Grading};

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
pub fn assess_document(input: &str, version: Option<&str>) -> Result<String, Vec<String>> {
    let answers: Answers = match serde_json::from_str::<serde_json::Value>(input) {
        Ok(serde_json::Value::Object(map)) => map.into_iter().collect(),
        Ok(_) => return Err(vec!["the answers must be a JSON object of item code → points".into()]),
        Err(e) => return Err(vec![format!("the answers are not valid JSON: {e}")]),
    };
    match grade(version, &answers) {
        Ok(g) => serde_json::to_string(&g).map_err(|e| vec![e.to_string()]),
        Err(GradeFailure::UnknownInstrument(v)) => Err(vec![format!("unknown instrument version {v}")]),
        Err(GradeFailure::Answers(errors)) => Err(errors.iter().map(ToString::to_string).collect()),
    }
}

/// A grading failure as the API reports it: `422` with one detail per item under
/// `answers.<item code>`, or on `instrument`.
pub fn answer_errors(failure: GradeFailure) -> ApiError {
    match failure {
        GradeFailure::UnknownInstrument(_) => {
            ApiError::invalid_field("instrument", "unknown_instrument", "no instrument has this version")
        }
        GradeFailure::Answers(errors) => ApiError::validation(
            errors.into_iter().map(|e| (format!("answers.{}", e.item), FieldIssue::new(e.code, e.message))).collect(),
        ),
    }
}
