//! Table `console_sessions`: a browser's console session, bound to a login (refresh-token family).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "console_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SHA-256 (hex) of the cookie's value.
    pub token_hash: String,
    pub user_id: Uuid,
    /// The login this session belongs to: ending it (logout, deactivation) ends the session.
    pub family_id: Uuid,
    /// The value every form of this session carries back.
    pub csrf_token: String,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
