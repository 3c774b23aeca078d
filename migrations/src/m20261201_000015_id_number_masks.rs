//! Masked ID numbers that do not give the number back: the first six characters and the check
//! character, the birth date and the sequence starred (`370202***********6`). The former mask
//! kept the last four, so with an age (or a birth year) only a few dozen numbers fitted it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Both tables keep the masked form beside the encrypted number; the new mask is made from the
/// old one (same first six, same last character), so no key is needed.
const TABLES: [&str; 2] = ["insured_persons", "caregivers"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET id_number_masked = \
                 substr(id_number_masked, 1, 6) || '***********' || substr(id_number_masked, 18, 1) \
                 WHERE length(id_number_masked) = 18"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The starred digits cannot come back from the mask; the new one is kept.
        Ok(())
    }
}
