//! Care delivery: care plans (护理计划), home visits and their append-only event streams.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CarePlans::Table)
                    .col(ColumnDef::new(CarePlans::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(CarePlans::RegionId).uuid().not_null())
                    .col(ColumnDef::new(CarePlans::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(CarePlans::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(CarePlans::CareMode).string_len(20).not_null())
                    .col(ColumnDef::new(CarePlans::StartOn).date().not_null())
                    .col(ColumnDef::new(CarePlans::EndOn).date().not_null())
                    .col(ColumnDef::new(CarePlans::Level).integer().not_null())
                    // JSON array of {code, per_week}.
                    .col(ColumnDef::new(CarePlans::Items).text().not_null())
                    .col(ColumnDef::new(CarePlans::PolicyVersionId).uuid().not_null())
                    .col(ColumnDef::new(CarePlans::Status).string_len(10).not_null())
                    .col(ColumnDef::new(CarePlans::EndReason).string_len(300))
                    .col(ColumnDef::new(CarePlans::CreatedBy).uuid().not_null())
                    .col(ColumnDef::new(CarePlans::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(CarePlans::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(CarePlans::Table, CarePlans::RegionId)
                            .to(Regions::Table, Regions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CarePlans::Table, CarePlans::InstitutionId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CarePlans::Table, CarePlans::InsuredPersonId)
                            .to(InsuredPersons::Table, InsuredPersons::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CarePlans::Table, CarePlans::PolicyVersionId)
                            .to(PolicyVersions::Table, PolicyVersions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_care_plans_person_mode")
                    .table(CarePlans::Table)
                    .col(CarePlans::InsuredPersonId)
                    .col(CarePlans::CareMode)
                    .col(CarePlans::StartOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Visits::Table)
                    .col(ColumnDef::new(Visits::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Visits::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Visits::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(Visits::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(Visits::CaregiverId).uuid().not_null())
                    .col(ColumnDef::new(Visits::PlanId).uuid())
                    .col(ColumnDef::new(Visits::Kind).string_len(12).not_null())
                    .col(ColumnDef::new(Visits::ScheduledOn).date().not_null())
                    // `plan id/date` for scheduled visits (one per plan and day); null otherwise.
                    .col(ColumnDef::new(Visits::ScheduleKey).string_len(60))
                    // JSON array of {code, times}.
                    .col(ColumnDef::new(Visits::PlannedItems).text().not_null())
                    .col(ColumnDef::new(Visits::UnscheduledReason).string_len(20))
                    // Derived from the events (the cache of the fold; the events are the truth).
                    .col(ColumnDef::new(Visits::State).string_len(14).not_null())
                    .col(ColumnDef::new(Visits::CheckedInAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(Visits::CheckedOutAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(Visits::Tasks).text().not_null())
                    .col(ColumnDef::new(Visits::Exceptions).text().not_null())
                    .col(ColumnDef::new(Visits::EventCount).integer().not_null())
                    .col(ColumnDef::new(Visits::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Visits::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create().from(Visits::Table, Visits::RegionId).to(Regions::Table, Regions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Visits::Table, Visits::InstitutionId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Visits::Table, Visits::InsuredPersonId)
                            .to(InsuredPersons::Table, InsuredPersons::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Visits::Table, Visits::CaregiverId)
                            .to(Caregivers::Table, Caregivers::Id),
                    )
                    .foreign_key(
                        ForeignKey::create().from(Visits::Table, Visits::PlanId).to(CarePlans::Table, CarePlans::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_visits_schedule_key")
                    .table(Visits::Table)
                    .col(Visits::ScheduleKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_visits_caregiver_day", Visits::CaregiverId),
            ("idx_visits_person_day", Visits::InsuredPersonId),
            ("idx_visits_institution_day", Visits::InstitutionId),
        ] {
            manager
                .create_index(
                    Index::create().name(name).table(Visits::Table).col(col).col(Visits::ScheduledOn).to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(VisitEvents::Table)
                    .col(ColumnDef::new(VisitEvents::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(VisitEvents::VisitId).uuid().not_null())
                    .col(ColumnDef::new(VisitEvents::Kind).string_len(12).not_null())
                    .col(ColumnDef::new(VisitEvents::OccurredAt).timestamp_with_time_zone().not_null())
                    // The event as sent (canonical JSON), and its SHA-256 to tell a retry from a clash.
                    .col(ColumnDef::new(VisitEvents::Body).text().not_null())
                    .col(ColumnDef::new(VisitEvents::Sha256).string_len(64).not_null())
                    .col(ColumnDef::new(VisitEvents::DeviceId).string_len(64).not_null())
                    .col(ColumnDef::new(VisitEvents::RecordedBy).uuid().not_null())
                    .col(ColumnDef::new(VisitEvents::ReceivedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(VisitEvents::Table, VisitEvents::VisitId)
                            .to(Visits::Table, Visits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_visit_events_visit")
                    .table(VisitEvents::Table)
                    .col(VisitEvents::VisitId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(VisitEvents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Visits::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(CarePlans::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CarePlans {
    Table,
    Id,
    RegionId,
    InstitutionId,
    InsuredPersonId,
    CareMode,
    StartOn,
    EndOn,
    Level,
    Items,
    PolicyVersionId,
    Status,
    EndReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Visits {
    Table,
    Id,
    RegionId,
    InstitutionId,
    InsuredPersonId,
    CaregiverId,
    PlanId,
    Kind,
    ScheduledOn,
    ScheduleKey,
    PlannedItems,
    UnscheduledReason,
    State,
    CheckedInAt,
    CheckedOutAt,
    Tasks,
    Exceptions,
    EventCount,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum VisitEvents {
    Table,
    Id,
    VisitId,
    Kind,
    OccurredAt,
    Body,
    Sha256,
    DeviceId,
    RecordedBy,
    ReceivedAt,
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
enum Caregivers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PolicyVersions {
    Table,
    Id,
}
