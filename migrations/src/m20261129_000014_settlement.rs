//! Monthly settlement (月度结算): an institution's bill for a month and its priced lines.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Bills::Table)
                    .col(ColumnDef::new(Bills::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Bills::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Bills::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(Bills::Month).string_len(7).not_null())
                    .col(ColumnDef::new(Bills::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Bills::LineCount).integer().not_null())
                    .col(ColumnDef::new(Bills::RejectedLines).integer().not_null())
                    // Whole fen.
                    .col(ColumnDef::new(Bills::ClaimedFen).big_integer().not_null())
                    .col(ColumnDef::new(Bills::FundFen).big_integer().not_null())
                    .col(ColumnDef::new(Bills::WithheldFen).big_integer())
                    .col(ColumnDef::new(Bills::ComputedBy).uuid().not_null())
                    .col(ColumnDef::new(Bills::ComputedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Bills::SubmittedBy).uuid())
                    .col(ColumnDef::new(Bills::SubmittedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(Bills::ReturnReason).string_len(300))
                    .col(ColumnDef::new(Bills::ApprovedBy).uuid())
                    .col(ColumnDef::new(Bills::ApprovedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(Bills::ApprovalEntryId).uuid())
                    .col(ColumnDef::new(Bills::PaidBy).uuid())
                    .col(ColumnDef::new(Bills::PaidOn).date())
                    .col(ColumnDef::new(Bills::PaymentEntryId).uuid())
                    .col(ColumnDef::new(Bills::Version).integer().not_null())
                    .foreign_key(
                        ForeignKey::create().from(Bills::Table, Bills::RegionId).to(Regions::Table, Regions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bills::Table, Bills::InstitutionId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bills::Table, Bills::ApprovalEntryId)
                            .to(JournalEntries::Table, JournalEntries::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bills::Table, Bills::PaymentEntryId)
                            .to(JournalEntries::Table, JournalEntries::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One bill per institution and month: two computations at once cannot make two.
        manager
            .create_index(
                Index::create()
                    .name("uq_bills_institution_month")
                    .table(Bills::Table)
                    .col(Bills::InstitutionId)
                    .col(Bills::Month)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BillLines::Table)
                    .col(ColumnDef::new(BillLines::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(BillLines::BillId).uuid().not_null())
                    .col(ColumnDef::new(BillLines::LineNo).integer().not_null())
                    .col(ColumnDef::new(BillLines::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(BillLines::CareMode).string_len(20).not_null())
                    .col(ColumnDef::new(BillLines::Scheme).string_len(16).not_null())
                    .col(ColumnDef::new(BillLines::Level).integer())
                    .col(ColumnDef::new(BillLines::ServiceOn).date().not_null())
                    .col(ColumnDef::new(BillLines::Source).string_len(16).not_null())
                    .col(ColumnDef::new(BillLines::SourceId).uuid().not_null())
                    .col(ColumnDef::new(BillLines::Item).string_len(16))
                    .col(ColumnDef::new(BillLines::Times).integer())
                    .col(ColumnDef::new(BillLines::PolicyVersionId).uuid())
                    .col(ColumnDef::new(BillLines::Rule).string_len(20))
                    .col(ColumnDef::new(BillLines::ClaimedFen).big_integer().not_null())
                    .col(ColumnDef::new(BillLines::AllowedFen).big_integer().not_null())
                    .col(ColumnDef::new(BillLines::FundFen).big_integer().not_null())
                    .col(ColumnDef::new(BillLines::Rejection).string_len(24))
                    .col(ColumnDef::new(BillLines::DeductedFen).big_integer().not_null())
                    .col(ColumnDef::new(BillLines::DeductionReason).string_len(300))
                    .col(ColumnDef::new(BillLines::Sampled).boolean().not_null())
                    // For an adjustment line: the approved bill and line it corrects.
                    .col(ColumnDef::new(BillLines::AdjustsBillId).uuid())
                    .col(ColumnDef::new(BillLines::AdjustsLineNo).integer())
                    // JSON: the inputs and the steps of the rule.
                    .col(ColumnDef::new(BillLines::Explanation).text().not_null())
                    .foreign_key(
                        ForeignKey::create().from(BillLines::Table, BillLines::BillId).to(Bills::Table, Bills::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_bill_lines_number")
                    .table(BillLines::Table)
                    .col(BillLines::BillId)
                    .col(BillLines::LineNo)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_bill_lines_adjusts")
                    .table(BillLines::Table)
                    .col(BillLines::AdjustsBillId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(BillLines::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Bills::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Institutions {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum JournalEntries {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Bills {
    Table,
    Id,
    RegionId,
    InstitutionId,
    Month,
    Status,
    LineCount,
    RejectedLines,
    ClaimedFen,
    FundFen,
    WithheldFen,
    ComputedBy,
    ComputedAt,
    SubmittedBy,
    SubmittedAt,
    ReturnReason,
    ApprovedBy,
    ApprovedAt,
    ApprovalEntryId,
    PaidBy,
    PaidOn,
    PaymentEntryId,
    Version,
}
#[derive(DeriveIden)]
enum BillLines {
    Table,
    Id,
    BillId,
    LineNo,
    InsuredPersonId,
    CareMode,
    Scheme,
    Level,
    ServiceOn,
    Source,
    SourceId,
    Item,
    Times,
    PolicyVersionId,
    Rule,
    ClaimedFen,
    AllowedFen,
    FundFen,
    Rejection,
    DeductedFen,
    DeductionReason,
    Sampled,
    AdjustsBillId,
    AdjustsLineNo,
    Explanation,
}
