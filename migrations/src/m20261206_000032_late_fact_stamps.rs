//! When a sanction was lifted (解除时间), and the indexes that answer "what of this institution's
//! facts changed since a time" — so a late correction looks only at what changed since the bills
//! it corrects were last checked.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::prelude::{ChronoDateTimeUtc, ChronoUtc};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns) of each index added.
fn indexes() -> Vec<(&'static str, Alias, [Alias; 2])> {
    let a = |s: &str| Alias::new(s);
    vec![
        ("idx_stays_institution_updated", a("stays"), [a("institution_id"), a("updated_at")]),
        ("idx_stay_charges_stay_reported", a("stay_charges"), [a("stay_id"), a("reported_at")]),
        ("idx_visits_institution_updated", a("visits"), [a("institution_id"), a("updated_at")]),
        ("idx_care_plans_institution_updated", a("care_plans"), [a("institution_id"), a("updated_at")]),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sanctions::Table)
                    .add_column(ColumnDef::new(Sanctions::LiftedAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        // A lift recorded before counts as recorded now: the next late corrections look at the
        // months it touches once more (bound as the server binds a time, so both compare alike).
        let now: ChronoDateTimeUtc = ChronoUtc::now();
        manager
            .exec_stmt(
                Query::update()
                    .table(Sanctions::Table)
                    .value(Sanctions::LiftedAt, now)
                    .and_where(Expr::col(Sanctions::LiftedOn).is_not_null())
                    .to_owned(),
            )
            .await?;
        for (name, table, [first, second]) in indexes() {
            manager.create_index(Index::create().name(name).table(table).col(first).col(second).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in indexes() {
            manager.drop_index(Index::drop().name(name).table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(Sanctions::Table).drop_column(Sanctions::LiftedAt).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Sanctions {
    Table,
    LiftedOn,
    LiftedAt,
}
