//! Pooling regions (统筹区) and the minimal institution record that users belong to.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Regions::Table)
                    .col(ColumnDef::new(Regions::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Regions::Code).string_len(6).not_null().unique_key())
                    .col(ColumnDef::new(Regions::Name).string_len(100).not_null())
                    .col(ColumnDef::new(Regions::TimeZone).string_len(64).not_null())
                    .col(ColumnDef::new(Regions::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Institutions::Table)
                    .col(ColumnDef::new(Institutions::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Institutions::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Institutions::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Institutions::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_institutions_region")
                            .from(Institutions::Table, Institutions::RegionId)
                            .to(Regions::Table, Regions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_institutions_region")
                    .table(Institutions::Table)
                    .col(Institutions::RegionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Institutions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Regions::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
    Code,
    Name,
    TimeZone,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Institutions {
    Table,
    Id,
    RegionId,
    Name,
    CreatedAt,
}
