//! Disputes of bill lines (申诉): an institution's comment on a draft line, or its dispute of a
//! deduction or a rejection once the bill is submitted, and the agency's answer. The line is named
//! by its bill and number and by what it bills (source, id, day, item), so a comment stays on its
//! care when a draft is computed again. Nothing is deleted.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BillDisputes::Table)
                    .col(ColumnDef::new(BillDisputes::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(BillDisputes::RegionId).uuid().not_null())
                    .col(ColumnDef::new(BillDisputes::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(BillDisputes::BillId).uuid().not_null())
                    .col(ColumnDef::new(BillDisputes::LineNo).integer().not_null())
                    .col(ColumnDef::new(BillDisputes::Source).string_len(16).not_null())
                    .col(ColumnDef::new(BillDisputes::SourceId).uuid().not_null())
                    .col(ColumnDef::new(BillDisputes::ServiceOn).date().not_null())
                    .col(ColumnDef::new(BillDisputes::Item).string_len(16).null())
                    .col(ColumnDef::new(BillDisputes::Kind).string_len(12).not_null())
                    .col(ColumnDef::new(BillDisputes::Reason).string_len(600).not_null())
                    .col(ColumnDef::new(BillDisputes::AttachmentIds).text().not_null())
                    .col(ColumnDef::new(BillDisputes::Fingerprint).string_len(64).not_null())
                    .col(ColumnDef::new(BillDisputes::RaisedBy).uuid().not_null())
                    .col(ColumnDef::new(BillDisputes::RaisedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(BillDisputes::Status).string_len(12).not_null())
                    .col(ColumnDef::new(BillDisputes::AmountFen).big_integer().null())
                    .col(ColumnDef::new(BillDisputes::Outcome).string_len(16).null())
                    .col(ColumnDef::new(BillDisputes::Answer).string_len(600).null())
                    .col(ColumnDef::new(BillDisputes::AnsweredBy).uuid().null())
                    .col(ColumnDef::new(BillDisputes::AnsweredAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(BillDisputes::Table, BillDisputes::BillId)
                            .to(Bills::Table, Bills::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_bill_disputes_bill", vec![BillDisputes::BillId, BillDisputes::LineNo]),
            ("idx_bill_disputes_region_status", vec![BillDisputes::RegionId, BillDisputes::Status]),
            ("idx_bill_disputes_institution", vec![BillDisputes::InstitutionId, BillDisputes::Status]),
        ] {
            let mut index = Index::create().name(name).table(BillDisputes::Table).to_owned();
            for c in cols {
                index.col(c);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(BillDisputes::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum BillDisputes {
    Table,
    Id,
    RegionId,
    InstitutionId,
    BillId,
    LineNo,
    Source,
    SourceId,
    ServiceOn,
    Item,
    Kind,
    Reason,
    AttachmentIds,
    Fingerprint,
    RaisedBy,
    RaisedAt,
    Status,
    AmountFen,
    Outcome,
    Answer,
    AnsweredBy,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum Bills {
    Table,
    Id,
}
