//! Fund supervision (基金监管): the monthly analysis of every service (事后分析), the findings
//! officers work from it and their report, and sanctions against people (处理), listed publicly.

pub mod analysis;
pub mod findings;
pub mod report;
pub mod routes;
pub mod sanctions;
pub mod signals;
