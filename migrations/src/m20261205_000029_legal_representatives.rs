//! An institution's legal representative (法定代表人), named by the ID number's keyed hash so a
//! barred representative is refused when they apply for another institution, and the finding a
//! sanction was decided on.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite adds one at a time.
        for column in [
            ColumnDef::new(Institutions::LegalRepName).string_len(50).null().to_owned(),
            ColumnDef::new(Institutions::LegalRepIdHash).string_len(64).null().to_owned(),
            ColumnDef::new(Institutions::LegalRepIdMasked).string_len(18).null().to_owned(),
        ] {
            manager.alter_table(Table::alter().table(Institutions::Table).add_column(column).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Sanctions::Table)
                    .add_column(ColumnDef::new(Sanctions::FindingId).uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_institutions_legal_rep")
                    .table(Institutions::Table)
                    .col(Institutions::RegionId)
                    .col(Institutions::LegalRepIdHash)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_institutions_legal_rep").table(Institutions::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Sanctions::Table).drop_column(Sanctions::FindingId).to_owned())
            .await?;
        for column in [Institutions::LegalRepIdMasked, Institutions::LegalRepIdHash, Institutions::LegalRepName] {
            manager.alter_table(Table::alter().table(Institutions::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Institutions {
    Table,
    RegionId,
    LegalRepName,
    LegalRepIdHash,
    LegalRepIdMasked,
}

#[derive(DeriveIden)]
enum Sanctions {
    Table,
    FindingId,
}
