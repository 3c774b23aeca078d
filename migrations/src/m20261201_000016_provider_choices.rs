//! Provider choices (选择定点机构): which designated institution a beneficiary chose for which
//! care mode, as the agency recorded it (or the application named it). Institution staff open a
//! service relation only where such a choice exists.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProviderChoices::Table)
                    .col(ColumnDef::new(ProviderChoices::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ProviderChoices::RegionId).uuid().not_null())
                    .col(ColumnDef::new(ProviderChoices::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(ProviderChoices::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(ProviderChoices::CareMode).string_len(20).not_null())
                    .col(ColumnDef::new(ProviderChoices::ChosenOn).date().not_null())
                    .col(ColumnDef::new(ProviderChoices::Source).string_len(16).not_null())
                    .col(ColumnDef::new(ProviderChoices::CaseId).uuid())
                    .col(ColumnDef::new(ProviderChoices::RecordedBy).uuid().not_null())
                    .col(ColumnDef::new(ProviderChoices::RecordedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(ProviderChoices::WithdrawnOn).date())
                    .col(ColumnDef::new(ProviderChoices::WithdrawnBy).uuid())
                    .col(ColumnDef::new(ProviderChoices::WithdrawalReason).string_len(300))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProviderChoices::Table, ProviderChoices::RegionId)
                            .to(Regions::Table, Regions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProviderChoices::Table, ProviderChoices::InsuredPersonId)
                            .to(InsuredPersons::Table, InsuredPersons::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProviderChoices::Table, ProviderChoices::InstitutionId)
                            .to(Institutions::Table, Institutions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One choice in force per person, institution and mode: recording it again is a repeat.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_provider_choices_open ON provider_choices \
                 (insured_person_id, institution_id, care_mode) WHERE withdrawn_on IS NULL",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_provider_choices_institution")
                    .table(ProviderChoices::Table)
                    .col(ProviderChoices::InstitutionId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ProviderChoices::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ProviderChoices {
    Table,
    Id,
    RegionId,
    InsuredPersonId,
    InstitutionId,
    CareMode,
    ChosenOn,
    Source,
    CaseId,
    RecordedBy,
    RecordedAt,
    WithdrawnOn,
    WithdrawnBy,
    WithdrawalReason,
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
