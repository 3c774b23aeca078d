//! Table `bill_disputes`: an institution's comment on a draft bill line or its dispute of a
//! deduction or a rejection (申诉), and the agency's answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bill_disputes")]
pub struct Model {
    /// Made by the caller: the same dispute sent again is one dispute.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub institution_id: Uuid,
    pub bill_id: Uuid,
    pub line_no: i32,
    /// What the line bills (as `bill_lines`): a comment follows its care when a draft is
    /// computed again.
    pub source: String,
    pub source_id: Uuid,
    pub service_on: Date,
    pub item: Option<String>,
    /// `comment`, `deduction` or `rejection`.
    pub kind: String,
    pub reason: String,
    /// JSON array of the institution's attachments (evidence).
    pub attachment_ids: String,
    /// SHA-256 of what was asked: the same id with other content is a conflict.
    pub fingerprint: String,
    pub raised_by: Uuid,
    pub raised_at: DateTimeUtc,
    /// `noted` (a comment), `open`, `accepted`, `rejected`.
    pub status: String,
    /// Accepted: what the fund pays back (a deduction) or pays (a rejection), in fen.
    pub amount_fen: Option<i64>,
    /// Accepted: `lifted` (the deduction lifted on the submitted bill) or `next_bill`.
    pub outcome: Option<String>,
    pub answer: Option<String>,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
