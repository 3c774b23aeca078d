//! Each account's postings summed per day (日记账汇总), kept in the same transaction as every
//! posting, so fund health and balances read accounts × days rows instead of every posting.
//! Filled from the postings already written.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LedgerDayTotals::Table)
                    .col(ColumnDef::new(LedgerDayTotals::AccountId).uuid().not_null())
                    .col(ColumnDef::new(LedgerDayTotals::Day).date().not_null())
                    .col(ColumnDef::new(LedgerDayTotals::RegionId).uuid().not_null())
                    .col(ColumnDef::new(LedgerDayTotals::AmountFen).big_integer().not_null())
                    .primary_key(Index::create().col(LedgerDayTotals::AccountId).col(LedgerDayTotals::Day))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerDayTotals::Table, LedgerDayTotals::AccountId)
                            .to(LedgerAccounts::Table, LedgerAccounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_day_totals_region_day")
                    .table(LedgerDayTotals::Table)
                    .col(LedgerDayTotals::RegionId)
                    .col(LedgerDayTotals::Day)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO ledger_day_totals (account_id, day, region_id, amount_fen) \
                 SELECT p.account_id, e.effective_on, e.region_id, CAST(SUM(p.amount_fen) AS BIGINT) \
                 FROM ledger_postings p JOIN journal_entries e ON e.id = p.entry_id \
                 GROUP BY p.account_id, e.effective_on, e.region_id",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LedgerDayTotals::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum LedgerDayTotals {
    Table,
    AccountId,
    Day,
    RegionId,
    AmountFen,
}

#[derive(DeriveIden)]
enum LedgerAccounts {
    Table,
    Id,
}
