//! The console's sessions (a browser's cookie, bound to a login of `refresh_tokens`), each
//! user's remembered console language, and the reason an audited access gave (查看完整号码).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsoleSessions::Table)
                    .col(ColumnDef::new(ConsoleSessions::Id).uuid().not_null().primary_key())
                    // SHA-256 of the cookie's value: the database alone cannot open a session.
                    .col(ColumnDef::new(ConsoleSessions::TokenHash).string_len(64).not_null().unique_key())
                    .col(ColumnDef::new(ConsoleSessions::UserId).uuid().not_null())
                    // The login (refresh-token family) the session belongs to.
                    .col(ColumnDef::new(ConsoleSessions::FamilyId).uuid().not_null())
                    .col(ColumnDef::new(ConsoleSessions::CsrfToken).string_len(64).not_null())
                    .col(ColumnDef::new(ConsoleSessions::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(ConsoleSessions::LastSeenAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_console_sessions_user")
                            .from(ConsoleSessions::Table, ConsoleSessions::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserPreferences::Table)
                    .col(ColumnDef::new(UserPreferences::UserId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(UserPreferences::Language).string_len(8).not_null())
                    .col(ColumnDef::new(UserPreferences::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_preferences_user")
                            .from(UserPreferences::Table, UserPreferences::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .add_column(ColumnDef::new(AuditEvents::Reason).text())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(AuditEvents::Table).drop_column(AuditEvents::Reason).to_owned())
            .await?;
        manager.drop_table(Table::drop().table(UserPreferences::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ConsoleSessions::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ConsoleSessions {
    Table,
    Id,
    TokenHash,
    UserId,
    FamilyId,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum UserPreferences {
    Table,
    UserId,
    Language,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Reason,
}
