//! An unmatched partner event put aside by an officer (不予处理): who, when, the code and the
//! reason. Nothing is deleted: the event stays recorded under its reference.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite adds one column per ALTER TABLE.
        for column in [
            ColumnDef::new(PartnerEvents::DismissedBy).uuid().null().to_owned(),
            ColumnDef::new(PartnerEvents::DismissedAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(PartnerEvents::DismissalCode).string_len(20).null().to_owned(),
            ColumnDef::new(PartnerEvents::DismissalReason).string_len(200).null().to_owned(),
        ] {
            manager.alter_table(Table::alter().table(PartnerEvents::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            PartnerEvents::DismissalReason,
            PartnerEvents::DismissalCode,
            PartnerEvents::DismissedAt,
            PartnerEvents::DismissedBy,
        ] {
            manager.alter_table(Table::alter().table(PartnerEvents::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum PartnerEvents {
    Table,
    DismissedBy,
    DismissedAt,
    DismissalCode,
    DismissalReason,
}
