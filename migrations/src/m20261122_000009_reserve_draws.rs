//! Draws from the adjustment reserve (调剂金) into a fund: requested by one officer, approved or
//! rejected by another.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReserveDraws::Table)
                    .col(ColumnDef::new(ReserveDraws::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ReserveDraws::RegionId).uuid().not_null())
                    .col(ColumnDef::new(ReserveDraws::Reference).string_len(100).not_null())
                    .col(ColumnDef::new(ReserveDraws::Scheme).string_len(16).not_null())
                    .col(ColumnDef::new(ReserveDraws::AmountFen).big_integer().not_null())
                    .col(ColumnDef::new(ReserveDraws::Reason).string_len(300).not_null())
                    .col(ColumnDef::new(ReserveDraws::Status).string_len(16).not_null())
                    .col(ColumnDef::new(ReserveDraws::RequestedBy).uuid().not_null())
                    .col(ColumnDef::new(ReserveDraws::RequestedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(ReserveDraws::DecidedBy).uuid().null())
                    .col(ColumnDef::new(ReserveDraws::DecidedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(ReserveDraws::DecisionReason).string_len(300).null())
                    .col(ColumnDef::new(ReserveDraws::EntryId).uuid().null())
                    .col(ColumnDef::new(ReserveDraws::Version).integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReserveDraws::Table, ReserveDraws::EntryId)
                            .to(JournalEntries::Table, JournalEntries::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_reserve_draws_region_reference")
                    .table(ReserveDraws::Table)
                    .col(ReserveDraws::RegionId)
                    .col(ReserveDraws::Reference)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ReserveDraws::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum JournalEntries {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum ReserveDraws {
    Table,
    Id,
    RegionId,
    Reference,
    Scheme,
    AmountFen,
    Reason,
    Status,
    RequestedBy,
    RequestedAt,
    DecidedBy,
    DecidedAt,
    DecisionReason,
    EntryId,
    Version,
}
