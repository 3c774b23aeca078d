//! Insured persons (参保人): identity, scheme, status, address with coordinates, contacts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InsuredPersons::Table)
                    .col(ColumnDef::new(InsuredPersons::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(InsuredPersons::RegionId).uuid().not_null())
                    .col(ColumnDef::new(InsuredPersons::Name).string_len(50).not_null())
                    // 居民身份证号, encrypted (AES-256-GCM, `v1:` prefix), its keyed blind index
                    // (HMAC-SHA256, hex) for uniqueness and search, and its masked display form.
                    .col(ColumnDef::new(InsuredPersons::IdNumberEnc).string_len(128).not_null())
                    .col(ColumnDef::new(InsuredPersons::IdNumberHash).string_len(64).not_null())
                    .col(ColumnDef::new(InsuredPersons::IdNumberMasked).string_len(18).not_null())
                    .col(ColumnDef::new(InsuredPersons::BirthDate).date().not_null())
                    .col(ColumnDef::new(InsuredPersons::Sex).string_len(8).not_null())
                    .col(ColumnDef::new(InsuredPersons::Scheme).string_len(16).not_null())
                    .col(ColumnDef::new(InsuredPersons::EnrolledOn).date().not_null())
                    .col(ColumnDef::new(InsuredPersons::Status).string_len(16).not_null())
                    .col(ColumnDef::new(InsuredPersons::DiedOn).date().null())
                    .col(ColumnDef::new(InsuredPersons::AddressText).string_len(300).not_null())
                    .col(ColumnDef::new(InsuredPersons::Latitude).double().null())
                    .col(ColumnDef::new(InsuredPersons::Longitude).double().null())
                    .col(ColumnDef::new(InsuredPersons::Phone).string_len(20).null())
                    .col(ColumnDef::new(InsuredPersons::EmergencyName).string_len(50).null())
                    .col(ColumnDef::new(InsuredPersons::EmergencyPhone).string_len(20).null())
                    .col(ColumnDef::new(InsuredPersons::EmergencyRelation).string_len(20).null())
                    .col(ColumnDef::new(InsuredPersons::Version).integer().not_null())
                    .col(ColumnDef::new(InsuredPersons::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(InsuredPersons::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_insured_persons_region")
                            .from(InsuredPersons::Table, InsuredPersons::RegionId)
                            .to(Regions::Table, Regions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One person per ID number within a region; the name of this index is what the server
        // maps to a `409 conflict` on `id_number`.
        manager
            .create_index(
                Index::create()
                    .name("uq_insured_persons_region_id_number")
                    .table(InsuredPersons::Table)
                    .col(InsuredPersons::RegionId)
                    .col(InsuredPersons::IdNumberHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_insured_persons_region_name")
                    .table(InsuredPersons::Table)
                    .col(InsuredPersons::RegionId)
                    .col(InsuredPersons::Name)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(InsuredPersons::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InsuredPersons {
    Table,
    Id,
    RegionId,
    Name,
    IdNumberEnc,
    IdNumberHash,
    IdNumberMasked,
    BirthDate,
    Sex,
    Scheme,
    EnrolledOn,
    Status,
    DiedOn,
    AddressText,
    Latitude,
    Longitude,
    Phone,
    EmergencyName,
    EmergencyPhone,
    EmergencyRelation,
    Version,
    CreatedAt,
    UpdatedAt,
}
