//! The audit trail made tamper-evident (防篡改): each record carries its place in its region's
//! chain (`seq`), the hash of its predecessor and its own hash, and `audit_chain_heads` keeps each
//! region's last link. Records written before the chain existed are linked when the server next
//! starts (`audit::chain::seal_backlog`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            ColumnDef::new(AuditEvents::Seq).big_integer().null().to_owned(),
            ColumnDef::new(AuditEvents::PrevHash).string_len(64).null().to_owned(),
            ColumnDef::new(AuditEvents::Hash).string_len(64).null().to_owned(),
        ] {
            // One column per statement: SQLite adds columns one at a time.
            manager.alter_table(Table::alter().table(AuditEvents::Table).add_column(col).to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_events_region_seq")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::RegionId)
                    .col(AuditEvents::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The records not yet linked: few at any moment (those of transactions being committed).
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX idx_audit_events_unchained ON audit_events (region_id) WHERE seq IS NULL")
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditChainHeads::Table)
                    .col(ColumnDef::new(AuditChainHeads::RegionId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AuditChainHeads::Seq).big_integer().not_null())
                    .col(ColumnDef::new(AuditChainHeads::Hash).string_len(64).not_null())
                    .col(ColumnDef::new(AuditChainHeads::BacklogSealed).boolean().not_null())
                    .col(ColumnDef::new(AuditChainHeads::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditChainHeads::Table).to_owned()).await?;
        manager.get_connection().execute_unprepared("DROP INDEX idx_audit_events_unchained").await?;
        manager
            .drop_index(Index::drop().name("idx_audit_events_region_seq").table(AuditEvents::Table).to_owned())
            .await?;
        for col in [AuditEvents::Hash, AuditEvents::PrevHash, AuditEvents::Seq] {
            manager.alter_table(Table::alter().table(AuditEvents::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    RegionId,
    Seq,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditChainHeads {
    Table,
    RegionId,
    Seq,
    Hash,
    BacklogSealed,
    UpdatedAt,
}
