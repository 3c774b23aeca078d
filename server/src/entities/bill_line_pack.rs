//! Table `bill_line_packs`: a run of a bill's lines of one beneficiary, care mode and scheme
//! (明细压缩) — lines `first_line_no ..` of the bill, encoded together (`settlement::packs`),
//! with their sums for the database to add up.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bill_line_packs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub bill_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub first_line_no: i32,
    pub line_count: i32,
    pub insured_person_id: Uuid,
    pub care_mode: String,
    pub scheme: String,
    /// The run adjusts approved bills (补差 / 追回, refunds of accepted disputes).
    pub adjustments: bool,
    pub claimed_fen: i64,
    pub allowed_fen: i64,
    pub fund_fen: i64,
    /// Deducted by the agency's audit.
    pub deducted_fen: i64,
    pub rejected_lines: i32,
    /// The lines, encoded (`settlement::packs`).
    pub lines: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
