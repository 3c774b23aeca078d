//! Fund supervision (基金监管): sanctions against people (处理), listed publicly.

pub mod routes;
pub mod sanctions;
