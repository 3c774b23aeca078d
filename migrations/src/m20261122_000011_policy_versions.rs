//! Benefit policy versions (待遇政策): each region's imported policy documents, effective-dated.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PolicyVersions::Table)
                    .col(ColumnDef::new(PolicyVersions::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(PolicyVersions::RegionId).uuid().not_null())
                    .col(ColumnDef::new(PolicyVersions::Version).integer().not_null())
                    .col(ColumnDef::new(PolicyVersions::Name).string_len(200).not_null())
                    .col(ColumnDef::new(PolicyVersions::EffectiveFrom).date().not_null())
                    .col(ColumnDef::new(PolicyVersions::Document).text().not_null())
                    .col(ColumnDef::new(PolicyVersions::Sha256).string_len(64).not_null())
                    .col(ColumnDef::new(PolicyVersions::ImportedBy).uuid().not_null())
                    .col(ColumnDef::new(PolicyVersions::ImportedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(PolicyVersions::Table, PolicyVersions::RegionId)
                            .to(Regions::Table, Regions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("uq_policy_versions_region_version", [PolicyVersions::RegionId, PolicyVersions::Version]),
            ("uq_policy_versions_region_sha256", [PolicyVersions::RegionId, PolicyVersions::Sha256]),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(PolicyVersions::Table)
                        .col(cols[0])
                        .col(cols[1])
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_policy_versions_region_effective")
                    .table(PolicyVersions::Table)
                    .col(PolicyVersions::RegionId)
                    .col(PolicyVersions::EffectiveFrom)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PolicyVersions::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyVersions {
    Table,
    Id,
    RegionId,
    Version,
    Name,
    EffectiveFrom,
    Document,
    Sha256,
    ImportedBy,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}
