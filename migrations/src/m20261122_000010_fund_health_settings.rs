//! Warning thresholds of fund health (months of payment covered) in the funding settings.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (col, default) in [
            (FundingSettings::CriticalMonths, 3),
            (FundingSettings::WarningMonths, 6),
            (FundingSettings::SurplusMonths, 24),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(FundingSettings::Table)
                        .add_column(ColumnDef::new(col).integer().not_null().default(default))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [FundingSettings::CriticalMonths, FundingSettings::WarningMonths, FundingSettings::SurplusMonths] {
            manager.alter_table(Table::alter().table(FundingSettings::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum FundingSettings {
    Table,
    CriticalMonths,
    WarningMonths,
    SurplusMonths,
}
