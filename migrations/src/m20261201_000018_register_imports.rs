//! Bringing a city's existing registers in (存量数据导入): the audit trail says where an imported
//! record came from (the file and the old system's reference), and a certificate issued before
//! this system keeps the old system's number.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .add_column(ColumnDef::new(AuditEvents::Source).string_len(80))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .add_column(ColumnDef::new(AuditEvents::Reference).string_len(100))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Certificates::Table)
                    .add_column(ColumnDef::new(Certificates::ExternalRef).string_len(64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_certificates_region_external_ref")
                    .table(Certificates::Table)
                    .col(Certificates::RegionId)
                    .col(Certificates::ExternalRef)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("uq_certificates_region_external_ref").table(Certificates::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Certificates::Table).drop_column(Certificates::ExternalRef).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(AuditEvents::Table).drop_column(AuditEvents::Reference).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(AuditEvents::Table).drop_column(AuditEvents::Source).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Source,
    Reference,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    RegionId,
    ExternalRef,
}
