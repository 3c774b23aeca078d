//! The care workforce and institution quality: counties, caregivers with training records and
//! assignments, evaluation sheets, evaluations and violations, and institution attachments.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().primary_key().to_owned()
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from_col).to(to, to_col).to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + Clone,
    cols: &[&str],
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(Alias::new(*c));
    }
    manager.create_index(stmt.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Counties::Table)
                    .col(id(Counties::Id))
                    .col(ColumnDef::new(Counties::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Counties::Code).string_len(6).not_null())
                    .col(ColumnDef::new(Counties::Name).string_len(50).not_null())
                    .col(ColumnDef::new(Counties::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(Counties::Table, Counties::RegionId, Regions::Table, Regions::Id))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_counties_region_code")
                    .table(Counties::Table)
                    .col(Counties::RegionId)
                    .col(Counties::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Caregivers::Table)
                    .col(id(Caregivers::Id))
                    .col(ColumnDef::new(Caregivers::RegionId).uuid().not_null())
                    .col(ColumnDef::new(Caregivers::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(Caregivers::CountyId).uuid().not_null())
                    .col(ColumnDef::new(Caregivers::Name).string_len(50).not_null())
                    .col(ColumnDef::new(Caregivers::IdNumberEnc).string_len(200).not_null())
                    .col(ColumnDef::new(Caregivers::IdNumberHash).string_len(64).not_null())
                    .col(ColumnDef::new(Caregivers::IdNumberMasked).string_len(18).not_null())
                    .col(ColumnDef::new(Caregivers::BirthDate).date().not_null())
                    .col(ColumnDef::new(Caregivers::Sex).string_len(8).not_null())
                    .col(ColumnDef::new(Caregivers::Phone).string_len(20).not_null())
                    .col(ColumnDef::new(Caregivers::Qualification).string_len(32).not_null())
                    .col(ColumnDef::new(Caregivers::CertificateLevel).integer().null())
                    .col(ColumnDef::new(Caregivers::CertificateNumber).string_len(50).null())
                    .col(ColumnDef::new(Caregivers::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Caregivers::LeftOn).date().null())
                    .col(ColumnDef::new(Caregivers::UserId).uuid().null().unique_key())
                    .col(ColumnDef::new(Caregivers::Version).integer().not_null())
                    .col(ColumnDef::new(Caregivers::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Caregivers::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        Caregivers::Table,
                        Caregivers::InstitutionId,
                        Institutions::Table,
                        Institutions::Id,
                    ))
                    .foreign_key(&mut fk(Caregivers::Table, Caregivers::CountyId, Counties::Table, Counties::Id))
                    .foreign_key(&mut fk(Caregivers::Table, Caregivers::UserId, Users::Table, Users::Id))
                    .to_owned(),
            )
            .await?;
        // A person works as a caregiver for one institution at a time (partial unique index: same
        // syntax on SQLite and PostgreSQL).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_caregivers_active_id_number ON caregivers (region_id, id_number_hash) \
                 WHERE status = 'active'",
            )
            .await?;
        index(manager, "idx_caregivers_institution", Caregivers::Table, &["institution_id"]).await?;
        index(manager, "idx_caregivers_county", Caregivers::Table, &["county_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(CaregiverTrainings::Table)
                    .col(id(CaregiverTrainings::Id))
                    .col(ColumnDef::new(CaregiverTrainings::CaregiverId).uuid().not_null())
                    .col(ColumnDef::new(CaregiverTrainings::Course).string_len(200).not_null())
                    .col(ColumnDef::new(CaregiverTrainings::HoursTenths).integer().not_null())
                    .col(ColumnDef::new(CaregiverTrainings::CompletedOn).date().not_null())
                    .col(ColumnDef::new(CaregiverTrainings::Provider).string_len(200).null())
                    .col(ColumnDef::new(CaregiverTrainings::CertificateNumber).string_len(50).null())
                    .col(ColumnDef::new(CaregiverTrainings::RecordedBy).uuid().not_null())
                    .col(ColumnDef::new(CaregiverTrainings::RecordedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        CaregiverTrainings::Table,
                        CaregiverTrainings::CaregiverId,
                        Caregivers::Table,
                        Caregivers::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        // The same course on the same day is one record: a retried submission cannot double hours.
        manager
            .create_index(
                Index::create()
                    .name("uq_caregiver_trainings_course_day")
                    .table(CaregiverTrainings::Table)
                    .col(CaregiverTrainings::CaregiverId)
                    .col(CaregiverTrainings::Course)
                    .col(CaregiverTrainings::CompletedOn)
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_caregiver_trainings_completed", CaregiverTrainings::Table, &["completed_on"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(CaregiverAssignments::Table)
                    .col(id(CaregiverAssignments::Id))
                    .col(ColumnDef::new(CaregiverAssignments::RegionId).uuid().not_null())
                    .col(ColumnDef::new(CaregiverAssignments::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(CaregiverAssignments::CaregiverId).uuid().not_null())
                    .col(ColumnDef::new(CaregiverAssignments::InsuredPersonId).uuid().not_null())
                    .col(ColumnDef::new(CaregiverAssignments::StartOn).date().not_null())
                    .col(ColumnDef::new(CaregiverAssignments::EndOn).date().null())
                    .col(ColumnDef::new(CaregiverAssignments::EndReason).string_len(300).null())
                    .col(ColumnDef::new(CaregiverAssignments::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        CaregiverAssignments::Table,
                        CaregiverAssignments::CaregiverId,
                        Caregivers::Table,
                        Caregivers::Id,
                    ))
                    .foreign_key(&mut fk(
                        CaregiverAssignments::Table,
                        CaregiverAssignments::InsuredPersonId,
                        InsuredPersons::Table,
                        InsuredPersons::Id,
                    ))
                    .foreign_key(&mut fk(
                        CaregiverAssignments::Table,
                        CaregiverAssignments::InstitutionId,
                        Institutions::Table,
                        Institutions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_caregiver_assignments_caregiver", CaregiverAssignments::Table, &["caregiver_id"]).await?;
        index(manager, "idx_caregiver_assignments_person", CaregiverAssignments::Table, &["insured_person_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(EvaluationSchemes::Table)
                    .col(id(EvaluationSchemes::Id))
                    .col(ColumnDef::new(EvaluationSchemes::RegionId).uuid().not_null())
                    .col(ColumnDef::new(EvaluationSchemes::Year).integer().not_null())
                    .col(ColumnDef::new(EvaluationSchemes::SchemeJson).text().not_null())
                    .col(ColumnDef::new(EvaluationSchemes::UpdatedBy).uuid().not_null())
                    .col(ColumnDef::new(EvaluationSchemes::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        EvaluationSchemes::Table,
                        EvaluationSchemes::RegionId,
                        Regions::Table,
                        Regions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_evaluation_schemes_region_year")
                    .table(EvaluationSchemes::Table)
                    .col(EvaluationSchemes::RegionId)
                    .col(EvaluationSchemes::Year)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InstitutionEvaluations::Table)
                    .col(id(InstitutionEvaluations::Id))
                    .col(ColumnDef::new(InstitutionEvaluations::RegionId).uuid().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::Year).integer().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::CategoriesJson).text().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::ThresholdsJson).string_len(200).not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::CategoryPoints).integer().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::DeductedPoints).integer().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::Total).integer().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::Grade).string_len(1).not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::CreditClass).string_len(1).not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::DepositReleasePercent).integer().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::EvaluatedOn).date().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::EvaluatedBy).uuid().not_null())
                    .col(ColumnDef::new(InstitutionEvaluations::Notes).string_len(1000).null())
                    .col(ColumnDef::new(InstitutionEvaluations::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        InstitutionEvaluations::Table,
                        InstitutionEvaluations::InstitutionId,
                        Institutions::Table,
                        Institutions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_institution_evaluations_year")
                    .table(InstitutionEvaluations::Table)
                    .col(InstitutionEvaluations::InstitutionId)
                    .col(InstitutionEvaluations::Year)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InstitutionViolations::Table)
                    .col(id(InstitutionViolations::Id))
                    .col(ColumnDef::new(InstitutionViolations::RegionId).uuid().not_null())
                    .col(ColumnDef::new(InstitutionViolations::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(InstitutionViolations::OccurredOn).date().not_null())
                    .col(ColumnDef::new(InstitutionViolations::ConfirmedOn).date().not_null())
                    .col(ColumnDef::new(InstitutionViolations::Description).string_len(500).not_null())
                    .col(ColumnDef::new(InstitutionViolations::Points).integer().not_null())
                    .col(ColumnDef::new(InstitutionViolations::Serious).boolean().not_null())
                    .col(ColumnDef::new(InstitutionViolations::Source).string_len(16).not_null())
                    .col(ColumnDef::new(InstitutionViolations::EvaluationId).uuid().null())
                    .col(ColumnDef::new(InstitutionViolations::RecordedBy).uuid().not_null())
                    .col(ColumnDef::new(InstitutionViolations::RecordedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        InstitutionViolations::Table,
                        InstitutionViolations::InstitutionId,
                        Institutions::Table,
                        Institutions::Id,
                    ))
                    .foreign_key(&mut fk(
                        InstitutionViolations::Table,
                        InstitutionViolations::EvaluationId,
                        InstitutionEvaluations::Table,
                        InstitutionEvaluations::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_institution_violations_institution", InstitutionViolations::Table, &["institution_id"])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InstitutionAttachments::Table)
                    .col(id(InstitutionAttachments::Id))
                    .col(ColumnDef::new(InstitutionAttachments::InstitutionId).uuid().not_null())
                    .col(ColumnDef::new(InstitutionAttachments::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(InstitutionAttachments::FileName).string_len(200).not_null())
                    .col(ColumnDef::new(InstitutionAttachments::ContentType).string_len(50).not_null())
                    .col(ColumnDef::new(InstitutionAttachments::SizeBytes).big_integer().not_null())
                    .col(ColumnDef::new(InstitutionAttachments::Sha256).string_len(64).not_null())
                    .col(ColumnDef::new(InstitutionAttachments::UploadedBy).uuid().not_null())
                    .col(ColumnDef::new(InstitutionAttachments::UploadedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        InstitutionAttachments::Table,
                        InstitutionAttachments::InstitutionId,
                        Institutions::Table,
                        Institutions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        // The same file uploaded again for the same institution is the same attachment.
        manager
            .create_index(
                Index::create()
                    .name("uq_institution_attachments_content")
                    .table(InstitutionAttachments::Table)
                    .col(InstitutionAttachments::InstitutionId)
                    .col(InstitutionAttachments::Sha256)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            InstitutionAttachments::Table.into_iden(),
            InstitutionViolations::Table.into_iden(),
            InstitutionEvaluations::Table.into_iden(),
            EvaluationSchemes::Table.into_iden(),
            CaregiverAssignments::Table.into_iden(),
            CaregiverTrainings::Table.into_iden(),
            Caregivers::Table.into_iden(),
            Counties::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
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
enum Users {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum InsuredPersons {
    Table,
    Id,
}
#[derive(DeriveIden, Clone)]
enum Counties {
    Table,
    Id,
    RegionId,
    Code,
    Name,
    CreatedAt,
}
#[derive(DeriveIden, Clone)]
enum Caregivers {
    Table,
    Id,
    RegionId,
    InstitutionId,
    CountyId,
    Name,
    IdNumberEnc,
    IdNumberHash,
    IdNumberMasked,
    BirthDate,
    Sex,
    Phone,
    Qualification,
    CertificateLevel,
    CertificateNumber,
    Status,
    LeftOn,
    UserId,
    Version,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden, Clone)]
enum CaregiverTrainings {
    Table,
    Id,
    CaregiverId,
    Course,
    HoursTenths,
    CompletedOn,
    Provider,
    CertificateNumber,
    RecordedBy,
    RecordedAt,
}
#[derive(DeriveIden, Clone)]
enum CaregiverAssignments {
    Table,
    Id,
    RegionId,
    InstitutionId,
    CaregiverId,
    InsuredPersonId,
    StartOn,
    EndOn,
    EndReason,
    CreatedAt,
}
#[derive(DeriveIden, Clone)]
enum EvaluationSchemes {
    Table,
    Id,
    RegionId,
    Year,
    SchemeJson,
    UpdatedBy,
    UpdatedAt,
}
#[derive(DeriveIden, Clone)]
enum InstitutionEvaluations {
    Table,
    Id,
    RegionId,
    InstitutionId,
    Year,
    CategoriesJson,
    ThresholdsJson,
    CategoryPoints,
    DeductedPoints,
    Total,
    Grade,
    CreditClass,
    DepositReleasePercent,
    EvaluatedOn,
    EvaluatedBy,
    Notes,
    CreatedAt,
}
#[derive(DeriveIden, Clone)]
enum InstitutionViolations {
    Table,
    Id,
    RegionId,
    InstitutionId,
    OccurredOn,
    ConfirmedOn,
    Description,
    Points,
    Serious,
    Source,
    EvaluationId,
    RecordedBy,
    RecordedAt,
}
#[derive(DeriveIden, Clone)]
enum InstitutionAttachments {
    Table,
    Id,
    InstitutionId,
    Kind,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    UploadedBy,
    UploadedAt,
}
