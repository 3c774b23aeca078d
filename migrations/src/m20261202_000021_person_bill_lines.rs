//! A person's bill lines found without reading whole bills: an index on the beneficiary and the
//! day (the person page's "what paid for the care").

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_bill_lines_person_day")
                    .table(BillLines::Table)
                    .col(BillLines::InsuredPersonId)
                    .col(BillLines::ServiceOn)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_bill_lines_person_day").table(BillLines::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum BillLines {
    Table,
    InsuredPersonId,
    ServiceOn,
}
