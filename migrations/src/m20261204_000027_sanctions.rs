//! Sanctions against people (处理): a caregiver barred from long-term care work for a period,
//! named by the ID number (its keyed hash) so that registering again elsewhere is refused too.
//! Lifting one (on appeal, say) is kept beside it; nothing is deleted.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sanctions::Table)
                    .col(ColumnDef::new(Sanctions::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Sanctions::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Sanctions::Subject).string_len(24).not_null())
                    .col(ColumnDef::new(Sanctions::CaregiverId).uuid().null())
                    .col(ColumnDef::new(Sanctions::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(Sanctions::Name).string_len(50).not_null())
                    .col(ColumnDef::new(Sanctions::IdNumberHash).string_len(64).not_null())
                    .col(ColumnDef::new(Sanctions::IdNumberMasked).string_len(18).not_null())
                    .col(ColumnDef::new(Sanctions::Measure).string_len(16).not_null())
                    .col(ColumnDef::new(Sanctions::StartsOn).date().not_null())
                    .col(ColumnDef::new(Sanctions::EndsOn).date().not_null())
                    .col(ColumnDef::new(Sanctions::Reason).string_len(600).not_null())
                    .col(ColumnDef::new(Sanctions::DecidedBy).uuid().not_null())
                    .col(ColumnDef::new(Sanctions::DecidedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Sanctions::LiftedOn).date().null())
                    .col(ColumnDef::new(Sanctions::LiftReason).string_len(600).null())
                    .col(ColumnDef::new(Sanctions::LiftedBy).uuid().null())
                    .col(ColumnDef::new(Sanctions::Version).integer().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_sanctions_region_person", vec![Sanctions::RegionId, Sanctions::IdNumberHash]),
            ("idx_sanctions_region_ends", vec![Sanctions::RegionId, Sanctions::EndsOn]),
            ("idx_sanctions_institution", vec![Sanctions::InstitutionId, Sanctions::EndsOn]),
        ] {
            let mut index = Index::create().name(name).table(Sanctions::Table).to_owned();
            for c in cols {
                index.col(c);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Sanctions::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Sanctions {
    Table,
    Id,
    RegionId,
    Subject,
    CaregiverId,
    InstitutionId,
    Name,
    IdNumberHash,
    IdNumberMasked,
    Measure,
    StartsOn,
    EndsOn,
    Reason,
    DecidedBy,
    DecidedAt,
    LiftedOn,
    LiftReason,
    LiftedBy,
    Version,
}
