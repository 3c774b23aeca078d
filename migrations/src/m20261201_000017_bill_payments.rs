//! A bill's payment records the bank transfer's reference (银行流水号), unique in the region: the
//! same transfer cannot settle two bills.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Bills::Table)
                    .add_column(ColumnDef::new(Bills::BankReference).string_len(64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_bills_region_bank_reference")
                    .table(Bills::Table)
                    .col(Bills::RegionId)
                    .col(Bills::BankReference)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("uq_bills_region_bank_reference").table(Bills::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Bills::Table).drop_column(Bills::BankReference).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Bills {
    Table,
    RegionId,
    BankReference,
}
