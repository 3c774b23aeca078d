//! Monitoring findings (智能监控发现): what a rule found — in the monthly analysis, at a visit or
//! when a plan is saved — with its evidence, the records it names (those whose lines a
//! confirmation refuses are marked `affected`), the institution's one answer and the officer's
//! decision; and the monthly analysis runs with their progress. A rerun finds the same finding by
//! its key (`region_id`, `rule`, `key`) and updates it, never adds it twice.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Findings::Table)
                    .col(ColumnDef::new(Findings::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Findings::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Findings::Rule).string_len(40).not_null())
                    .col(ColumnDef::new(Findings::Key).string_len(200).not_null())
                    .col(ColumnDef::new(Findings::Month).string_len(7).not_null())
                    .col(ColumnDef::new(Findings::OccurredOn).date().not_null())
                    .col(ColumnDef::new(Findings::InstitutionId).uuid().null())
                    .col(ColumnDef::new(Findings::CaregiverId).uuid().null())
                    .col(ColumnDef::new(Findings::InsuredPersonId).uuid().null())
                    .col(ColumnDef::new(Findings::Summary).text().not_null())
                    .col(ColumnDef::new(Findings::Evidence).text().not_null())
                    .col(ColumnDef::new(Findings::PolicyVersionId).uuid().null())
                    .col(ColumnDef::new(Findings::Status).string_len(12).not_null())
                    .col(ColumnDef::new(Findings::Answer).string_len(1200).null())
                    .col(ColumnDef::new(Findings::AnsweredBy).uuid().null())
                    .col(ColumnDef::new(Findings::AnsweredAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Findings::DecisionReason).string_len(1200).null())
                    .col(ColumnDef::new(Findings::DecidedBy).uuid().null())
                    .col(ColumnDef::new(Findings::DecidedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Findings::DeductedFen).big_integer().not_null())
                    .col(ColumnDef::new(Findings::RecoveredFen).big_integer().not_null())
                    .col(ColumnDef::new(Findings::ViolationId).uuid().null())
                    .col(ColumnDef::new(Findings::RunId).uuid().null())
                    .col(ColumnDef::new(Findings::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Findings::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_findings_key")
                    .table(Findings::Table)
                    .col(Findings::RegionId)
                    .col(Findings::Rule)
                    .col(Findings::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_findings_region_status", vec![Findings::RegionId, Findings::Status, Findings::Month]),
            ("idx_findings_region_month", vec![Findings::RegionId, Findings::Month]),
            ("idx_findings_institution", vec![Findings::InstitutionId, Findings::Status]),
        ] {
            let mut index = Index::create().name(name).table(Findings::Table).to_owned();
            for c in cols {
                index.col(c);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(FindingRecords::Table)
                    .col(ColumnDef::new(FindingRecords::FindingId).uuid().not_null())
                    .col(ColumnDef::new(FindingRecords::Position).integer().not_null())
                    .col(ColumnDef::new(FindingRecords::Source).string_len(16).not_null())
                    .col(ColumnDef::new(FindingRecords::SourceId).uuid().not_null())
                    .col(ColumnDef::new(FindingRecords::ServiceOn).date().not_null())
                    .col(ColumnDef::new(FindingRecords::InstitutionId).uuid().null())
                    .col(ColumnDef::new(FindingRecords::Affected).boolean().not_null())
                    .primary_key(Index::create().col(FindingRecords::FindingId).col(FindingRecords::Position))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_finding_records_source")
                    .table(FindingRecords::Table)
                    .col(FindingRecords::SourceId)
                    .col(FindingRecords::ServiceOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MonitorRuns::Table)
                    .col(ColumnDef::new(MonitorRuns::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(MonitorRuns::RegionId).uuid().not_null())
                    .col(ColumnDef::new(MonitorRuns::Month).string_len(7).not_null())
                    .col(ColumnDef::new(MonitorRuns::StartedBy).uuid().not_null())
                    .col(ColumnDef::new(MonitorRuns::StartedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(MonitorRuns::Stage).string_len(24).not_null())
                    .col(ColumnDef::new(MonitorRuns::Done).big_integer().not_null())
                    .col(ColumnDef::new(MonitorRuns::Total).big_integer().not_null())
                    .col(ColumnDef::new(MonitorRuns::FinishedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(MonitorRuns::Report).text().null())
                    .col(ColumnDef::new(MonitorRuns::Failure).string_len(60).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_monitor_runs_region")
                    .table(MonitorRuns::Table)
                    .col(MonitorRuns::RegionId)
                    .col(MonitorRuns::StartedAt)
                    .to_owned(),
            )
            .await?;
        // One unfinished run per region and month: a second one started meanwhile is refused.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_monitor_runs_running ON monitor_runs (region_id, month) \
                 WHERE finished_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MonitorRuns::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(FindingRecords::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Findings::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Findings {
    Table,
    Id,
    RegionId,
    Rule,
    Key,
    Month,
    OccurredOn,
    InstitutionId,
    CaregiverId,
    InsuredPersonId,
    Summary,
    Evidence,
    PolicyVersionId,
    Status,
    Answer,
    AnsweredBy,
    AnsweredAt,
    DecisionReason,
    DecidedBy,
    DecidedAt,
    DeductedFen,
    RecoveredFen,
    ViolationId,
    RunId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FindingRecords {
    Table,
    FindingId,
    Position,
    Source,
    SourceId,
    ServiceOn,
    InstitutionId,
    Affected,
}

#[derive(DeriveIden)]
enum MonitorRuns {
    Table,
    Id,
    RegionId,
    Month,
    StartedBy,
    StartedAt,
    Stage,
    Done,
    Total,
    FinishedAt,
    Report,
    Failure,
}
