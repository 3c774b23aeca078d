//! The exception queue of home visits finds an institution's visits by state and day (missed
//! check-ins, check-outs, reviews): an index on institution, state and day.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_visits_institution_state_day")
                    .table(Visits::Table)
                    .col(Visits::InstitutionId)
                    .col(Visits::State)
                    .col(Visits::ScheduledOn)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_visits_institution_state_day").table(Visits::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Visits {
    Table,
    InstitutionId,
    State,
    ScheduledOn,
}
