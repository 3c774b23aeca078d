//! The assessment workflow: assessor profiles, per-region settings, cases with their rounds and
//! events, certificates, per-region number sequences; before/after state on audit records.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn ts(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .add_column(ColumnDef::new(AuditEvents::StateBefore).string_len(32).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .add_column(ColumnDef::new(AuditEvents::StateAfter).string_len(32).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessorProfiles::Table)
                    .col(ColumnDef::new(AssessorProfiles::UserId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AssessorProfiles::RegionId).uuid().not_null())
                    .col(ColumnDef::new(AssessorProfiles::Qualification).string_len(16).not_null())
                    .col(ColumnDef::new(AssessorProfiles::IsExpert).boolean().not_null())
                    .col(ColumnDef::new(AssessorProfiles::EmployerInstitutionId).uuid().null())
                    .col(ts(AssessorProfiles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssessorProfiles::Table, AssessorProfiles::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentSettings::Table)
                    .col(ColumnDef::new(AssessmentSettings::RegionId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AssessmentSettings::MinAssessors).integer().not_null())
                    .col(ColumnDef::new(AssessmentSettings::PublicityDays).integer().not_null())
                    .col(ColumnDef::new(AssessmentSettings::ValidityMonths).integer().not_null())
                    .col(ColumnDef::new(AssessmentSettings::AppealWindowDays).integer().not_null())
                    .col(ColumnDef::new(AssessmentSettings::MinContributionMonths).integer().not_null())
                    .col(ColumnDef::new(AssessmentSettings::RecertifyAfterMonths).integer().not_null())
                    .col(ts(AssessmentSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssessmentSettings::Table, AssessmentSettings::RegionId)
                            .to(Regions::Table, Regions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentCases::Table)
                    .col(ColumnDef::new(AssessmentCases::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AssessmentCases::RegionId).uuid().not_null())
                    .col(ColumnDef::new(AssessmentCases::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(AssessmentCases::AppliedByUserId).uuid().not_null())
                    .col(ColumnDef::new(AssessmentCases::AppliedByInstitutionId).uuid().null())
                    .col(ColumnDef::new(AssessmentCases::InstitutionId).uuid().null())
                    .col(ColumnDef::new(AssessmentCases::CareMode).string_len(32).not_null())
                    .col(ColumnDef::new(AssessmentCases::Reason).string_len(500).not_null())
                    .col(ColumnDef::new(AssessmentCases::ChangeOfCondition).boolean().not_null())
                    .col(ColumnDef::new(AssessmentCases::State).string_len(32).not_null())
                    .col(ColumnDef::new(AssessmentCases::RefusalCode).string_len(64).null())
                    .col(ColumnDef::new(AssessmentCases::RefusalMessage).string_len(300).null())
                    .col(ColumnDef::new(AssessmentCases::CurrentRound).integer().not_null())
                    .col(ColumnDef::new(AssessmentCases::PublicityEndsAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(AssessmentCases::CertificateId).uuid().null())
                    .col(ColumnDef::new(AssessmentCases::Version).integer().not_null())
                    .col(ts(AssessmentCases::CreatedAt))
                    .col(ts(AssessmentCases::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssessmentCases::Table, AssessmentCases::InsuredPersonId)
                            .to(InsuredPersons::Table, InsuredPersons::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_assessment_cases_person")
                    .table(AssessmentCases::Table)
                    .col(AssessmentCases::InsuredPersonId)
                    .to_owned(),
            )
            .await?;
        // One open case per person, enforced by the database so that two officers applying at
        // once cannot both succeed (partial unique index: same syntax on SQLite and PostgreSQL).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_assessment_cases_open_per_person ON assessment_cases (insured_person_id) \
                 WHERE state NOT IN ('refused', 'certified', 'final')",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_assessment_cases_region_state")
                    .table(AssessmentCases::Table)
                    .col(AssessmentCases::RegionId)
                    .col(AssessmentCases::State)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentRounds::Table)
                    .col(ColumnDef::new(AssessmentRounds::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AssessmentRounds::CaseId).uuid().not_null())
                    .col(ColumnDef::new(AssessmentRounds::RoundNo).integer().not_null())
                    .col(ColumnDef::new(AssessmentRounds::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(AssessmentRounds::LeadAssessorId).uuid().not_null())
                    .col(ts(AssessmentRounds::AssignedAt))
                    .col(ColumnDef::new(AssessmentRounds::SubmittedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(AssessmentRounds::VisitedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(AssessmentRounds::Latitude).double().null())
                    .col(ColumnDef::new(AssessmentRounds::Longitude).double().null())
                    .col(ColumnDef::new(AssessmentRounds::InstrumentVersion).string_len(32).null())
                    // The item answers are health data: encrypted like ID numbers.
                    .col(ColumnDef::new(AssessmentRounds::AnswersEnc).text().null())
                    .col(ColumnDef::new(AssessmentRounds::Level).integer().null())
                    .col(ColumnDef::new(AssessmentRounds::ResultJson).text().null())
                    .col(ColumnDef::new(AssessmentRounds::ConfirmedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(AssessmentRounds::ConfirmedBy).uuid().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssessmentRounds::Table, AssessmentRounds::CaseId)
                            .to(AssessmentCases::Table, AssessmentCases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_assessment_rounds_case_round")
                    .table(AssessmentRounds::Table)
                    .col(AssessmentRounds::CaseId)
                    .col(AssessmentRounds::RoundNo)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentRoundAssessors::Table)
                    .col(ColumnDef::new(AssessmentRoundAssessors::RoundId).uuid().not_null())
                    .col(ColumnDef::new(AssessmentRoundAssessors::AssessorId).uuid().not_null())
                    .col(ColumnDef::new(AssessmentRoundAssessors::CaseId).uuid().not_null())
                    .primary_key(
                        Index::create()
                            .col(AssessmentRoundAssessors::RoundId)
                            .col(AssessmentRoundAssessors::AssessorId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssessmentRoundAssessors::Table, AssessmentRoundAssessors::RoundId)
                            .to(AssessmentRounds::Table, AssessmentRounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_round_assessors_assessor")
                    .table(AssessmentRoundAssessors::Table)
                    .col(AssessmentRoundAssessors::AssessorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentCaseEvents::Table)
                    .col(ColumnDef::new(AssessmentCaseEvents::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AssessmentCaseEvents::CaseId).uuid().not_null())
                    .col(ColumnDef::new(AssessmentCaseEvents::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(AssessmentCaseEvents::Reason).string_len(500).not_null())
                    .col(ColumnDef::new(AssessmentCaseEvents::ByUserId).uuid().not_null())
                    .col(ts(AssessmentCaseEvents::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssessmentCaseEvents::Table, AssessmentCaseEvents::CaseId)
                            .to(AssessmentCases::Table, AssessmentCases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_events_case")
                    .table(AssessmentCaseEvents::Table)
                    .col(AssessmentCaseEvents::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Certificates::Table)
                    .col(ColumnDef::new(Certificates::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Certificates::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Certificates::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(Certificates::CaseId).uuid().not_null())
                    .col(ColumnDef::new(Certificates::Number).string_len(32).not_null().unique_key())
                    .col(ColumnDef::new(Certificates::Level).integer().not_null())
                    .col(ColumnDef::new(Certificates::InstrumentVersion).string_len(32).not_null())
                    .col(ColumnDef::new(Certificates::EffectiveOn).date().not_null())
                    .col(ColumnDef::new(Certificates::ExpiresOn).date().not_null())
                    .col(ColumnDef::new(Certificates::AppealDeadline).date().null())
                    .col(ColumnDef::new(Certificates::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Certificates::SupersededBy).uuid().null())
                    .col(ts(Certificates::IssuedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::CaseId)
                            .to(AssessmentCases::Table, AssessmentCases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_certificates_person")
                    .table(Certificates::Table)
                    .col(Certificates::InsuredPersonId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_certificates_region_expiry")
                    .table(Certificates::Table)
                    .col(Certificates::RegionId)
                    .col(Certificates::ExpiresOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sequences::Table)
                    .col(ColumnDef::new(Sequences::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Sequences::Name).string_len(32).not_null())
                    .col(ColumnDef::new(Sequences::Value).big_integer().not_null())
                    .primary_key(Index::create().col(Sequences::RegionId).col(Sequences::Name))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Sequences::Table.into_iden(),
            Certificates::Table.into_iden(),
            AssessmentCaseEvents::Table.into_iden(),
            AssessmentRoundAssessors::Table.into_iden(),
            AssessmentRounds::Table.into_iden(),
            AssessmentCases::Table.into_iden(),
            AssessmentSettings::Table.into_iden(),
            AssessorProfiles::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        manager
            .alter_table(Table::alter().table(AuditEvents::Table).drop_column(AuditEvents::StateAfter).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(AuditEvents::Table).drop_column(AuditEvents::StateBefore).to_owned())
            .await
    }
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
#[derive(DeriveIden)]
enum InsuredPersons {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    StateBefore,
    StateAfter,
}
#[derive(DeriveIden)]
enum AssessorProfiles {
    Table,
    UserId,
    RegionId,
    Qualification,
    IsExpert,
    EmployerInstitutionId,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum AssessmentSettings {
    Table,
    RegionId,
    MinAssessors,
    PublicityDays,
    ValidityMonths,
    AppealWindowDays,
    MinContributionMonths,
    RecertifyAfterMonths,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum AssessmentCases {
    Table,
    Id,
    RegionId,
    InsuredPersonId,
    AppliedByUserId,
    AppliedByInstitutionId,
    InstitutionId,
    CareMode,
    Reason,
    ChangeOfCondition,
    State,
    RefusalCode,
    RefusalMessage,
    CurrentRound,
    PublicityEndsAt,
    CertificateId,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum AssessmentRounds {
    Table,
    Id,
    CaseId,
    RoundNo,
    Kind,
    LeadAssessorId,
    AssignedAt,
    SubmittedAt,
    VisitedAt,
    Latitude,
    Longitude,
    InstrumentVersion,
    AnswersEnc,
    Level,
    ResultJson,
    ConfirmedAt,
    ConfirmedBy,
}
#[derive(DeriveIden)]
enum AssessmentRoundAssessors {
    Table,
    RoundId,
    AssessorId,
    CaseId,
}
#[derive(DeriveIden)]
enum AssessmentCaseEvents {
    Table,
    Id,
    CaseId,
    Kind,
    Reason,
    ByUserId,
    At,
}
#[derive(DeriveIden)]
enum Certificates {
    Table,
    Id,
    RegionId,
    InsuredPersonId,
    CaseId,
    Number,
    Level,
    InstrumentVersion,
    EffectiveOn,
    ExpiresOn,
    AppealDeadline,
    Status,
    SupersededBy,
    IssuedAt,
}
#[derive(DeriveIden)]
enum Sequences {
    Table,
    RegionId,
    Name,
    Value,
}
