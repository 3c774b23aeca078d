//! Stays (住院/入住) in wards and institutions with their daily charges, and events from partner
//! systems (hospital admissions and discharges, deaths) with the hospitalisations they make up.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Stays::Table)
                    .col(ColumnDef::new(Stays::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Stays::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Stays::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(Stays::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(Stays::RelationId).uuid().not_null())
                    .col(ColumnDef::new(Stays::CareMode).string_len(20).not_null())
                    .col(ColumnDef::new(Stays::AdmittedOn).date().not_null())
                    .col(ColumnDef::new(Stays::DischargedOn).date())
                    .col(ColumnDef::new(Stays::DischargeReason).string_len(20))
                    .col(ColumnDef::new(Stays::CreatedBy).uuid().not_null())
                    .col(ColumnDef::new(Stays::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Stays::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create().from(Stays::Table, Stays::RegionId).to(Regions::Table, Regions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Stays::Table, Stays::InstitutionId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Stays::Table, Stays::InsuredPersonId)
                            .to(InsuredPersons::Table, InsuredPersons::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Stays::Table, Stays::RelationId)
                            .to(ServiceRelations::Table, ServiceRelations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in
            [("idx_stays_person", Stays::InsuredPersonId), ("idx_stays_institution", Stays::InstitutionId)]
        {
            manager
                .create_index(Index::create().name(name).table(Stays::Table).col(col).col(Stays::AdmittedOn).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(StayCharges::Table)
                    .col(ColumnDef::new(StayCharges::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(StayCharges::StayId).uuid().not_null())
                    .col(ColumnDef::new(StayCharges::ServiceOn).date().not_null())
                    // Whole fen.
                    .col(ColumnDef::new(StayCharges::AmountFen).big_integer().not_null())
                    .col(ColumnDef::new(StayCharges::ReportedBy).uuid().not_null())
                    .col(ColumnDef::new(StayCharges::ReportedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create().from(StayCharges::Table, StayCharges::StayId).to(Stays::Table, Stays::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_stay_charges_day")
                    .table(StayCharges::Table)
                    .col(StayCharges::StayId)
                    .col(StayCharges::ServiceOn)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerEvents::Table)
                    .col(ColumnDef::new(PartnerEvents::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(PartnerEvents::RegionId).uuid().not_null())
                    .col(ColumnDef::new(PartnerEvents::Source).string_len(20).not_null())
                    .col(ColumnDef::new(PartnerEvents::ExternalRef).string_len(100).not_null())
                    .col(ColumnDef::new(PartnerEvents::Kind).string_len(20).not_null())
                    // Null when no insured person of the region has the event's ID number.
                    .col(ColumnDef::new(PartnerEvents::InsuredPersonId).uuid())
                    .col(ColumnDef::new(PartnerEvents::IdNumberHash).string_len(64).not_null())
                    .col(ColumnDef::new(PartnerEvents::OccurredOn).date().not_null())
                    .col(ColumnDef::new(PartnerEvents::EpisodeRef).string_len(100))
                    .col(ColumnDef::new(PartnerEvents::Hospital).string_len(200))
                    .col(ColumnDef::new(PartnerEvents::Sha256).string_len(64).not_null())
                    .col(ColumnDef::new(PartnerEvents::ReceivedBy).uuid().not_null())
                    .col(ColumnDef::new(PartnerEvents::ReceivedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnerEvents::Table, PartnerEvents::RegionId)
                            .to(Regions::Table, Regions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_partner_events_ref")
                    .table(PartnerEvents::Table)
                    .col(PartnerEvents::RegionId)
                    .col(PartnerEvents::Source)
                    .col(PartnerEvents::ExternalRef)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_partner_events_person")
                    .table(PartnerEvents::Table)
                    .col(PartnerEvents::InsuredPersonId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Hospitalisations::Table)
                    .col(ColumnDef::new(Hospitalisations::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Hospitalisations::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Hospitalisations::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(Hospitalisations::Source).string_len(20).not_null())
                    .col(ColumnDef::new(Hospitalisations::EpisodeRef).string_len(100).not_null())
                    .col(ColumnDef::new(Hospitalisations::Hospital).string_len(200))
                    // Null until the admission is reported (a discharge may arrive first).
                    .col(ColumnDef::new(Hospitalisations::AdmittedOn).date())
                    .col(ColumnDef::new(Hospitalisations::DischargedOn).date())
                    .col(ColumnDef::new(Hospitalisations::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Hospitalisations::Table, Hospitalisations::InsuredPersonId)
                            .to(InsuredPersons::Table, InsuredPersons::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_hospitalisations_episode")
                    .table(Hospitalisations::Table)
                    .col(Hospitalisations::RegionId)
                    .col(Hospitalisations::Source)
                    .col(Hospitalisations::EpisodeRef)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_hospitalisations_person")
                    .table(Hospitalisations::Table)
                    .col(Hospitalisations::InsuredPersonId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Hospitalisations::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PartnerEvents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StayCharges::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Stays::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Stays {
    Table,
    Id,
    RegionId,
    InstitutionId,
    InsuredPersonId,
    RelationId,
    CareMode,
    AdmittedOn,
    DischargedOn,
    DischargeReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StayCharges {
    Table,
    Id,
    StayId,
    ServiceOn,
    AmountFen,
    ReportedBy,
    ReportedAt,
}

#[derive(DeriveIden)]
enum PartnerEvents {
    Table,
    Id,
    RegionId,
    Source,
    ExternalRef,
    Kind,
    InsuredPersonId,
    IdNumberHash,
    OccurredOn,
    EpisodeRef,
    Hospital,
    Sha256,
    ReceivedBy,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Hospitalisations {
    Table,
    Id,
    RegionId,
    InsuredPersonId,
    Source,
    EpisodeRef,
    Hospital,
    AdmittedOn,
    DischargedOn,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Institutions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InsuredPersons {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ServiceRelations {
    Table,
    Id,
}
