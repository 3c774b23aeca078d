//! Fund supervision (基金监管): the monthly analysis of every service (事后分析), the findings
//! officers work from it and their report, sanctions against people (处理), listed publicly, and
//! random inspections (双随机、一公开) and beneficiary follow-up (回访).

pub mod analysis;
pub mod dashboard;
pub mod findings;
pub mod follow_up_routes;
pub mod follow_ups;
pub mod inspection_routes;
pub mod inspections;
pub mod report;
pub mod routes;
pub mod sanctions;
pub mod seed;
pub mod signals;
