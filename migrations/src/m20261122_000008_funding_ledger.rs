//! The funding ledger: accounts, journal entries and their postings (money in whole fen), per-person
//! contributions, and each region's funding settings.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LedgerAccounts::Table)
                    .col(ColumnDef::new(LedgerAccounts::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(LedgerAccounts::RegionId).uuid().not_null())
                    .col(ColumnDef::new(LedgerAccounts::Code).string_len(100).not_null())
                    .col(ColumnDef::new(LedgerAccounts::Name).string_len(100).not_null())
                    .col(ColumnDef::new(LedgerAccounts::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(LedgerAccounts::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerAccounts::Table, LedgerAccounts::RegionId)
                            .to(Regions::Table, Regions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_ledger_accounts_region_code")
                    .table(LedgerAccounts::Table)
                    .col(LedgerAccounts::RegionId)
                    .col(LedgerAccounts::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JournalEntries::Table)
                    .col(ColumnDef::new(JournalEntries::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(JournalEntries::RegionId).uuid().not_null())
                    .col(ColumnDef::new(JournalEntries::Reference).string_len(100).not_null())
                    .col(ColumnDef::new(JournalEntries::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(JournalEntries::Description).string_len(300).not_null())
                    .col(ColumnDef::new(JournalEntries::EffectiveOn).date().not_null())
                    .col(ColumnDef::new(JournalEntries::ReversesEntryId).uuid().null().unique_key())
                    .col(ColumnDef::new(JournalEntries::Fingerprint).string_len(64).not_null())
                    .col(ColumnDef::new(JournalEntries::CreatedBy).uuid().not_null())
                    .col(ColumnDef::new(JournalEntries::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(JournalEntries::Table, JournalEntries::ReversesEntryId)
                            .to(JournalEntries::Table, JournalEntries::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The reference is the idempotency key: one entry per reference and region.
        manager
            .create_index(
                Index::create()
                    .name("uq_journal_entries_region_reference")
                    .table(JournalEntries::Table)
                    .col(JournalEntries::RegionId)
                    .col(JournalEntries::Reference)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LedgerPostings::Table)
                    .col(ColumnDef::new(LedgerPostings::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(LedgerPostings::EntryId).uuid().not_null())
                    .col(ColumnDef::new(LedgerPostings::AccountId).uuid().not_null())
                    .col(ColumnDef::new(LedgerPostings::AmountFen).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerPostings::Table, LedgerPostings::EntryId)
                            .to(JournalEntries::Table, JournalEntries::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerPostings::Table, LedgerPostings::AccountId)
                            .to(LedgerAccounts::Table, LedgerAccounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_ledger_postings_entry", LedgerPostings::EntryId),
            ("idx_ledger_postings_account", LedgerPostings::AccountId),
        ] {
            manager.create_index(Index::create().name(name).table(LedgerPostings::Table).col(col).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Contributions::Table)
                    .col(ColumnDef::new(Contributions::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Contributions::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Contributions::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(Contributions::Period).string_len(7).not_null())
                    .col(ColumnDef::new(Contributions::Scheme).string_len(16).not_null())
                    .col(ColumnDef::new(Contributions::Source).string_len(32).not_null())
                    .col(ColumnDef::new(Contributions::AmountFen).big_integer().not_null())
                    .col(ColumnDef::new(Contributions::EntryId).uuid().not_null().unique_key())
                    .col(ColumnDef::new(Contributions::Reversed).boolean().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Contributions::Table, Contributions::InsuredPersonId)
                            .to(InsuredPersons::Table, InsuredPersons::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Contributions::Table, Contributions::EntryId)
                            .to(JournalEntries::Table, JournalEntries::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contributions_person_period")
                    .table(Contributions::Table)
                    .col(Contributions::InsuredPersonId)
                    .col(Contributions::Period)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FundingSettings::Table)
                    .col(ColumnDef::new(FundingSettings::RegionId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(FundingSettings::ReserveShareBp).integer().not_null())
                    .col(ColumnDef::new(FundingSettings::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(FundingSettings::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Contributions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(LedgerPostings::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(JournalEntries::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(LedgerAccounts::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum InsuredPersons {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum LedgerAccounts {
    Table,
    Id,
    RegionId,
    Code,
    Name,
    Kind,
    CreatedAt,
}
#[derive(DeriveIden)]
enum JournalEntries {
    Table,
    Id,
    RegionId,
    Reference,
    Kind,
    Description,
    EffectiveOn,
    ReversesEntryId,
    Fingerprint,
    CreatedBy,
    CreatedAt,
}
#[derive(DeriveIden)]
enum LedgerPostings {
    Table,
    Id,
    EntryId,
    AccountId,
    AmountFen,
}
#[derive(DeriveIden)]
enum Contributions {
    Table,
    Id,
    RegionId,
    InsuredPersonId,
    Period,
    Scheme,
    Source,
    AmountFen,
    EntryId,
    Reversed,
}
#[derive(DeriveIden)]
enum FundingSettings {
    Table,
    RegionId,
    ReserveShareBp,
    UpdatedAt,
}
