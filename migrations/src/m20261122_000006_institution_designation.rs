//! Designation of care institutions (定点): their application details and status, agreements,
//! the events of the review, and service relations (who serves whom).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Institutions recorded before designation was tracked count as active; every new one
        // starts as `submitted`.
        let columns = [
            ColumnDef::new(Institutions::Uscc).string_len(18).null().to_owned(),
            ColumnDef::new(Institutions::Kind).string_len(32).null().to_owned(),
            ColumnDef::new(Institutions::HospitalTier).integer().null().to_owned(),
            ColumnDef::new(Institutions::RequestedModes).string_len(200).null().to_owned(),
            ColumnDef::new(Institutions::LicensedBeds).integer().null().to_owned(),
            ColumnDef::new(Institutions::Doctors).integer().null().to_owned(),
            ColumnDef::new(Institutions::Nurses).integer().null().to_owned(),
            ColumnDef::new(Institutions::CertifiedCaregivers).integer().null().to_owned(),
            ColumnDef::new(Institutions::AddressText).string_len(300).null().to_owned(),
            ColumnDef::new(Institutions::Latitude).double().null().to_owned(),
            ColumnDef::new(Institutions::Longitude).double().null().to_owned(),
            ColumnDef::new(Institutions::ContactName).string_len(50).null().to_owned(),
            ColumnDef::new(Institutions::ContactPhone).string_len(20).null().to_owned(),
            ColumnDef::new(Institutions::InspectionScore).integer().null().to_owned(),
            ColumnDef::new(Institutions::ApprovedModes).string_len(200).null().to_owned(),
            ColumnDef::new(Institutions::BedQuota).integer().null().to_owned(),
            ColumnDef::new(Institutions::Status).string_len(32).not_null().default("active").to_owned(),
            ColumnDef::new(Institutions::Version).integer().not_null().default(1).to_owned(),
            ColumnDef::new(Institutions::UpdatedAt).timestamp_with_time_zone().null().to_owned(),
        ];
        for mut col in columns {
            manager.alter_table(Table::alter().table(Institutions::Table).add_column(&mut col).to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("uq_institutions_uscc")
                    .table(Institutions::Table)
                    .col(Institutions::Uscc)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Agreements::Table)
                    .col(ColumnDef::new(Agreements::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Agreements::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(Agreements::Number).string_len(40).not_null().unique_key())
                    .col(ColumnDef::new(Agreements::StartOn).date().not_null())
                    .col(ColumnDef::new(Agreements::EndOn).date().not_null())
                    .col(ColumnDef::new(Agreements::Modes).string_len(200).not_null())
                    .col(ColumnDef::new(Agreements::BedQuota).integer().not_null())
                    .col(ColumnDef::new(Agreements::SignedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Agreements::Table, Agreements::InstitutionId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agreements_institution")
                    .table(Agreements::Table)
                    .col(Agreements::InstitutionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InstitutionEvents::Table)
                    .col(ColumnDef::new(InstitutionEvents::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(InstitutionEvents::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(InstitutionEvents::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(InstitutionEvents::Reason).string_len(500).null())
                    .col(ColumnDef::new(InstitutionEvents::EffectiveOn).date().null())
                    .col(ColumnDef::new(InstitutionEvents::DetailsJson).text().null())
                    .col(ColumnDef::new(InstitutionEvents::ByUserId).uuid().not_null())
                    .col(ColumnDef::new(InstitutionEvents::At).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(InstitutionEvents::Table, InstitutionEvents::InstitutionId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_institution_events_institution")
                    .table(InstitutionEvents::Table)
                    .col(InstitutionEvents::InstitutionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ServiceRelations::Table)
                    .col(ColumnDef::new(ServiceRelations::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ServiceRelations::RegionId).uuid().not_null())
                    .col(ColumnDef::new(ServiceRelations::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(ServiceRelations::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(ServiceRelations::CareMode).string_len(32).not_null())
                    .col(ColumnDef::new(ServiceRelations::StartOn).date().not_null())
                    .col(ColumnDef::new(ServiceRelations::EndOn).date().null())
                    .col(ColumnDef::new(ServiceRelations::EndReason).string_len(300).null())
                    .col(ColumnDef::new(ServiceRelations::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ServiceRelations::Table, ServiceRelations::InsuredPersonId)
                            .to(InsuredPersons::Table, InsuredPersons::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ServiceRelations::Table, ServiceRelations::InstitutionId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_service_relations_person")
                    .table(ServiceRelations::Table)
                    .col(ServiceRelations::InsuredPersonId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_service_relations_institution")
                    .table(ServiceRelations::Table)
                    .col(ServiceRelations::InstitutionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ServiceRelations::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(InstitutionEvents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Agreements::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("uq_institutions_uscc").table(Institutions::Table).to_owned()).await?;
        for col in [
            Institutions::Uscc,
            Institutions::Kind,
            Institutions::HospitalTier,
            Institutions::RequestedModes,
            Institutions::LicensedBeds,
            Institutions::Doctors,
            Institutions::Nurses,
            Institutions::CertifiedCaregivers,
            Institutions::AddressText,
            Institutions::Latitude,
            Institutions::Longitude,
            Institutions::ContactName,
            Institutions::ContactPhone,
            Institutions::InspectionScore,
            Institutions::ApprovedModes,
            Institutions::BedQuota,
            Institutions::Status,
            Institutions::Version,
            Institutions::UpdatedAt,
        ] {
            manager.alter_table(Table::alter().table(Institutions::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Institutions {
    Table,
    Id,
    Uscc,
    Kind,
    HospitalTier,
    RequestedModes,
    LicensedBeds,
    Doctors,
    Nurses,
    CertifiedCaregivers,
    AddressText,
    Latitude,
    Longitude,
    ContactName,
    ContactPhone,
    InspectionScore,
    ApprovedModes,
    BedQuota,
    Status,
    Version,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum InsuredPersons {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Agreements {
    Table,
    Id,
    InstitutionId,
    Number,
    StartOn,
    EndOn,
    Modes,
    BedQuota,
    SignedAt,
}
#[derive(DeriveIden)]
enum InstitutionEvents {
    Table,
    Id,
    InstitutionId,
    Kind,
    Reason,
    EffectiveOn,
    DetailsJson,
    ByUserId,
    At,
}
#[derive(DeriveIden)]
enum ServiceRelations {
    Table,
    Id,
    RegionId,
    InsuredPersonId,
    InstitutionId,
    CareMode,
    StartOn,
    EndOn,
    EndReason,
    CreatedAt,
}
