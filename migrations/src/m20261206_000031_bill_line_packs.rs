//! Bill lines packed (明细压缩): a bill's lines of one beneficiary, care mode and scheme in one
//! row — the lines' facts and amounts encoded together, their explanation derived again on read —
//! instead of a row of ~700 bytes per line. The lines stored before are carried over one per
//! row, their written explanation kept, and `bill_lines` dropped.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The old lines, each as a one-line pack in the written (JSON) form the server reads back.
const CARRY_OVER_PG: &str = "INSERT INTO bill_line_packs (bill_id, first_line_no, line_count, insured_person_id, \
     care_mode, scheme, adjustments, claimed_fen, allowed_fen, fund_fen, deducted_fen, rejected_lines, lines) \
     SELECT bill_id, line_no, 1, insured_person_id, care_mode, scheme, adjusts_bill_id IS NOT NULL, claimed_fen, \
     allowed_fen, fund_fen, deducted_fen, CASE WHEN rejection IS NULL THEN 0 ELSE 1 END, \
     convert_to(json_build_array(json_build_object('service_on', service_on, 'level', level, 'source', source, \
     'source_id', source_id, 'item', item, 'times', times, 'policy_version_id', policy_version_id, 'rule', rule, \
     'claimed_fen', claimed_fen, 'allowed_fen', allowed_fen, 'fund_fen', fund_fen, 'rejection', rejection, \
     'deducted_fen', deducted_fen, 'deduction_reason', deduction_reason, 'sampled', sampled, \
     'adjusts_bill_id', adjusts_bill_id, 'adjusts_line_no', adjusts_line_no, 'explanation', explanation))::text, \
     'UTF8') FROM bill_lines";

/// The same on SQLite, where ids are 16-byte blobs: written as hex (`hex(NULL)` is `''`, hence the
/// cases), which the server reads as ids.
const CARRY_OVER_SQLITE: &str = "INSERT INTO bill_line_packs (bill_id, first_line_no, line_count, \
     insured_person_id, care_mode, scheme, adjustments, claimed_fen, allowed_fen, fund_fen, deducted_fen, \
     rejected_lines, lines) \
     SELECT bill_id, line_no, 1, insured_person_id, care_mode, scheme, adjusts_bill_id IS NOT NULL, claimed_fen, \
     allowed_fen, fund_fen, deducted_fen, CASE WHEN rejection IS NULL THEN 0 ELSE 1 END, \
     CAST(json_array(json_object('service_on', service_on, 'level', level, 'source', source, \
     'source_id', lower(hex(source_id)), 'item', item, 'times', times, \
     'policy_version_id', CASE WHEN policy_version_id IS NULL THEN NULL ELSE lower(hex(policy_version_id)) END, 'rule', rule, 'claimed_fen', claimed_fen, \
     'allowed_fen', allowed_fen, 'fund_fen', fund_fen, 'rejection', rejection, 'deducted_fen', deducted_fen, \
     'deduction_reason', deduction_reason, 'sampled', json(CASE WHEN sampled THEN 'true' ELSE 'false' END), \
     'adjusts_bill_id', CASE WHEN adjusts_bill_id IS NULL THEN NULL ELSE lower(hex(adjusts_bill_id)) END, 'adjusts_line_no', adjusts_line_no, \
     'explanation', explanation)) AS BLOB) FROM bill_lines";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BillLinePacks::Table)
                    .col(ColumnDef::new(BillLinePacks::BillId).uuid().not_null())
                    .col(ColumnDef::new(BillLinePacks::FirstLineNo).integer().not_null())
                    .col(ColumnDef::new(BillLinePacks::LineCount).integer().not_null())
                    .col(ColumnDef::new(BillLinePacks::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(BillLinePacks::CareMode).string_len(32).not_null())
                    .col(ColumnDef::new(BillLinePacks::Scheme).string_len(32).not_null())
                    .col(ColumnDef::new(BillLinePacks::Adjustments).boolean().not_null())
                    .col(ColumnDef::new(BillLinePacks::ClaimedFen).big_integer().not_null())
                    .col(ColumnDef::new(BillLinePacks::AllowedFen).big_integer().not_null())
                    .col(ColumnDef::new(BillLinePacks::FundFen).big_integer().not_null())
                    .col(ColumnDef::new(BillLinePacks::DeductedFen).big_integer().not_null())
                    .col(ColumnDef::new(BillLinePacks::RejectedLines).integer().not_null())
                    .col(ColumnDef::new(BillLinePacks::Lines).blob().not_null())
                    .primary_key(Index::create().col(BillLinePacks::BillId).col(BillLinePacks::FirstLineNo))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BillLinePacks::Table, BillLinePacks::BillId)
                            .to(Bills::Table, Bills::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_bill_line_packs_person")
                    .table(BillLinePacks::Table)
                    .col(BillLinePacks::InsuredPersonId)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let carry = match db.get_database_backend() {
            DbBackend::Postgres => CARRY_OVER_PG,
            _ => CARRY_OVER_SQLITE,
        };
        db.execute_unprepared(carry).await?;
        manager.drop_table(Table::drop().table(BillLines::Table).to_owned()).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "packed bill lines are not unpacked by a migration: restore the backup taken before".into(),
        ))
    }
}

#[derive(DeriveIden)]
enum BillLinePacks {
    Table,
    BillId,
    FirstLineNo,
    LineCount,
    InsuredPersonId,
    CareMode,
    Scheme,
    Adjustments,
    ClaimedFen,
    AllowedFen,
    FundFen,
    DeductedFen,
    RejectedLines,
    Lines,
}

#[derive(DeriveIden)]
enum Bills {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum BillLines {
    Table,
}
