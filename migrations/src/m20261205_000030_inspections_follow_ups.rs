//! Random inspections (双随机、一公开) — the inspectors' declared links to institutions, each
//! draw with its seed and everything drawn from (so anyone can draw again), and the inspections
//! with their results — and beneficiary follow-up (回访): each month's seeded sample and the
//! follow-ups with their answers.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InspectionConflicts::Table)
                    .col(ColumnDef::new(InspectionConflicts::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(InspectionConflicts::RegionId).uuid().not_null())
                    .col(ColumnDef::new(InspectionConflicts::InspectorId).uuid().not_null())
                    .col(ColumnDef::new(InspectionConflicts::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(InspectionConflicts::Reason).string_len(300).not_null())
                    .col(ColumnDef::new(InspectionConflicts::DeclaredBy).uuid().not_null())
                    .col(ColumnDef::new(InspectionConflicts::DeclaredAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_inspection_conflicts_pair")
                    .table(InspectionConflicts::Table)
                    .col(InspectionConflicts::InspectorId)
                    .col(InspectionConflicts::InstitutionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InspectionDraws::Table)
                    .col(ColumnDef::new(InspectionDraws::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(InspectionDraws::RegionId).uuid().not_null())
                    .col(ColumnDef::new(InspectionDraws::Title).string_len(100).not_null())
                    .col(ColumnDef::new(InspectionDraws::Seed).string_len(64).not_null())
                    .col(ColumnDef::new(InspectionDraws::Weighted).boolean().not_null())
                    .col(ColumnDef::new(InspectionDraws::InstitutionsRequested).integer().not_null())
                    .col(ColumnDef::new(InspectionDraws::InspectorsEach).integer().not_null())
                    .col(ColumnDef::new(InspectionDraws::CandidatesJson).text().not_null())
                    .col(ColumnDef::new(InspectionDraws::PoolJson).text().not_null())
                    .col(ColumnDef::new(InspectionDraws::ConflictsJson).text().not_null())
                    .col(ColumnDef::new(InspectionDraws::DrawnBy).uuid().not_null())
                    .col(ColumnDef::new(InspectionDraws::DrawnAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(InspectionDraws::DrawnOn).date().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_inspection_draws_region")
                    .table(InspectionDraws::Table)
                    .col(InspectionDraws::RegionId)
                    .col(InspectionDraws::DrawnAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Inspections::Table)
                    .col(ColumnDef::new(Inspections::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Inspections::DrawId).uuid().not_null())
                    .col(ColumnDef::new(Inspections::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Inspections::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(Inspections::Rank).integer().not_null())
                    .col(ColumnDef::new(Inspections::InspectorIdsJson).text().not_null())
                    .col(ColumnDef::new(Inspections::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Inspections::InspectedOn).date().null())
                    .col(ColumnDef::new(Inspections::Outcome).string_len(24).null())
                    .col(ColumnDef::new(Inspections::Summary).string_len(1000).null())
                    .col(ColumnDef::new(Inspections::ProblemsJson).text().null())
                    .col(ColumnDef::new(Inspections::RecordedBy).uuid().null())
                    .col(ColumnDef::new(Inspections::RecordedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Inspections::Version).integer().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_inspections_draw", vec![Inspections::DrawId, Inspections::Rank]),
            ("idx_inspections_institution", vec![Inspections::InstitutionId, Inspections::Status]),
        ] {
            let mut index = Index::create().name(name).table(Inspections::Table).to_owned();
            for c in cols {
                index.col(c);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(FollowUpSamples::Table)
                    .col(ColumnDef::new(FollowUpSamples::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(FollowUpSamples::RegionId).uuid().not_null())
                    .col(ColumnDef::new(FollowUpSamples::Month).string_len(7).not_null())
                    .col(ColumnDef::new(FollowUpSamples::Seed).string_len(64).not_null())
                    .col(ColumnDef::new(FollowUpSamples::Size).integer().not_null())
                    .col(ColumnDef::new(FollowUpSamples::Population).integer().not_null())
                    .col(ColumnDef::new(FollowUpSamples::DrawnBy).uuid().not_null())
                    .col(ColumnDef::new(FollowUpSamples::DrawnAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_follow_up_samples_month")
                    .table(FollowUpSamples::Table)
                    .col(FollowUpSamples::RegionId)
                    .col(FollowUpSamples::Month)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FollowUps::Table)
                    .col(ColumnDef::new(FollowUps::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(FollowUps::RegionId).uuid().not_null())
                    .col(ColumnDef::new(FollowUps::Month).string_len(7).not_null())
                    .col(ColumnDef::new(FollowUps::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(FollowUps::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(FollowUps::CaregiverId).uuid().null())
                    .col(ColumnDef::new(FollowUps::SampleId).uuid().null())
                    .col(ColumnDef::new(FollowUps::Reason).string_len(300).null())
                    .col(ColumnDef::new(FollowUps::Status).string_len(16).not_null())
                    .col(ColumnDef::new(FollowUps::Channel).string_len(16).null())
                    .col(ColumnDef::new(FollowUps::CareGiven).boolean().null())
                    .col(ColumnDef::new(FollowUps::PaymentAsked).boolean().null())
                    .col(ColumnDef::new(FollowUps::Satisfaction).integer().null())
                    .col(ColumnDef::new(FollowUps::Comment).string_len(1000).null())
                    .col(ColumnDef::new(FollowUps::FindingIdsJson).text().null())
                    .col(ColumnDef::new(FollowUps::CreatedBy).uuid().not_null())
                    .col(ColumnDef::new(FollowUps::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(FollowUps::RecordedBy).uuid().null())
                    .col(ColumnDef::new(FollowUps::RecordedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(FollowUps::Version).integer().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_follow_ups_region_month", vec![FollowUps::RegionId, FollowUps::Month]),
            ("idx_follow_ups_institution", vec![FollowUps::InstitutionId, FollowUps::Month]),
        ] {
            let mut index = Index::create().name(name).table(FollowUps::Table).to_owned();
            for c in cols {
                index.col(c);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(FollowUps::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(FollowUpSamples::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Inspections::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(InspectionDraws::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(InspectionConflicts::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum InspectionConflicts {
    Table,
    Id,
    RegionId,
    InspectorId,
    InstitutionId,
    Reason,
    DeclaredBy,
    DeclaredAt,
}

#[derive(DeriveIden)]
enum InspectionDraws {
    Table,
    Id,
    RegionId,
    Title,
    Seed,
    Weighted,
    InstitutionsRequested,
    InspectorsEach,
    CandidatesJson,
    PoolJson,
    ConflictsJson,
    DrawnBy,
    DrawnAt,
    DrawnOn,
}

#[derive(DeriveIden)]
enum Inspections {
    Table,
    Id,
    DrawId,
    RegionId,
    InstitutionId,
    Rank,
    InspectorIdsJson,
    Status,
    InspectedOn,
    Outcome,
    Summary,
    ProblemsJson,
    RecordedBy,
    RecordedAt,
    Version,
}

#[derive(DeriveIden)]
enum FollowUpSamples {
    Table,
    Id,
    RegionId,
    Month,
    Seed,
    Size,
    Population,
    DrawnBy,
    DrawnAt,
}

#[derive(DeriveIden)]
enum FollowUps {
    Table,
    Id,
    RegionId,
    Month,
    InsuredPersonId,
    InstitutionId,
    CaregiverId,
    SampleId,
    Reason,
    Status,
    Channel,
    CareGiven,
    PaymentAsked,
    Satisfaction,
    Comment,
    FindingIdsJson,
    CreatedBy,
    CreatedAt,
    RecordedBy,
    RecordedAt,
    Version,
}
