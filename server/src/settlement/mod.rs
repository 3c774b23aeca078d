//! Monthly settlement (月度结算): an institution's bill for a month priced under the policy of each
//! day, its review and approval, the payable and the payment posted to the ledger with the quality
//! deposit withheld, institutions' disputes of lines, late corrections, the month-end run, the
//! year's deposit release, the institution's statement, and the policy what-if over past months.

pub mod adjust;
pub mod bills;
pub mod changes;
pub mod compute;
pub mod deposits;
pub mod disputes;
pub mod duties;
pub mod facts;
pub mod month_end;
pub mod month_lines;
pub mod packs;
pub mod person_lines;
pub mod pricing;
pub mod review;
pub mod routes;
pub mod rows;
pub mod statement;
pub mod what_if;

/// How far a run over a region's institutions is (the month-end, the what-if): done, of all.
pub type Progress<'a> = &'a mut (dyn FnMut(usize, usize) + Send);
