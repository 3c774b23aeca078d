//! Table `bills`: an institution's monthly bill (月度结算单) and where it stands.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bills")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    /// `YYYY-MM`.
    pub month: String,
    pub status: String,
    pub line_count: i32,
    pub rejected_lines: i32,
    pub claimed_fen: i64,
    /// What the lines pay before the agency's audit (its deductions are on the lines).
    pub fund_fen: i64,
    pub withheld_fen: Option<i64>,
    pub computed_by: Uuid,
    pub computed_at: DateTimeUtc,
    pub submitted_by: Option<Uuid>,
    pub submitted_at: Option<DateTimeUtc>,
    pub return_reason: Option<String>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTimeUtc>,
    pub approval_entry_id: Option<Uuid>,
    pub paid_by: Option<Uuid>,
    pub paid_on: Option<Date>,
    pub payment_entry_id: Option<Uuid>,
    /// The bank transfer's reference (银行流水号), unique in the region.
    pub bank_reference: Option<String>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
