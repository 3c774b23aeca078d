//! The month-end runs (月末结算批次): who started which month when, how far each has come, and
//! what it did for every institution, so an officer follows a run from any server.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MonthEndRuns::Table)
                    .col(ColumnDef::new(MonthEndRuns::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(MonthEndRuns::RegionId).uuid().not_null())
                    .col(ColumnDef::new(MonthEndRuns::Month).string_len(7).not_null())
                    .col(ColumnDef::new(MonthEndRuns::StartedBy).uuid().not_null())
                    .col(ColumnDef::new(MonthEndRuns::StartedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(MonthEndRuns::Institutions).integer().not_null())
                    .col(ColumnDef::new(MonthEndRuns::Done).integer().not_null())
                    .col(ColumnDef::new(MonthEndRuns::FinishedAt).timestamp_with_time_zone())
                    // The report (JSON, one result per institution) once finished.
                    .col(ColumnDef::new(MonthEndRuns::Report).text())
                    // The error code when the run stopped on one.
                    .col(ColumnDef::new(MonthEndRuns::Failure).string_len(64))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_month_end_runs_region")
                            .from(MonthEndRuns::Table, MonthEndRuns::RegionId)
                            .to(Regions::Table, Regions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_month_end_runs_user")
                            .from(MonthEndRuns::Table, MonthEndRuns::StartedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_month_end_runs_region_month")
                    .table(MonthEndRuns::Table)
                    .col(MonthEndRuns::RegionId)
                    .col(MonthEndRuns::Month)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MonthEndRuns::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum MonthEndRuns {
    Table,
    Id,
    RegionId,
    Month,
    StartedBy,
    StartedAt,
    Institutions,
    Done,
    FinishedAt,
    Report,
    Failure,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
