//! Table `audit_events`: who changed what, when, under which request.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub at: DateTimeUtc,
    pub region_id: Uuid,
    pub actor_user_id: Option<Uuid>,
    pub actor_role: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub request_id: Option<String>,
    /// JSON array of the names of the fields that changed (never their values).
    pub changed_fields: String,
    /// For workflow steps: the state before and after.
    pub state_before: Option<String>,
    pub state_after: Option<String>,
    /// Where an imported record came from: `import:<kind>:<the file's SHA-256, 16 hex>`.
    pub source: Option<String>,
    /// The old system's reference of an imported record.
    pub reference: Option<String>,
    /// Why the actor did it, where the action needs a reason (viewing a full ID number).
    pub reason: Option<String>,
    /// Its place in the region's chain (1, 2, …); empty until its transaction commits.
    pub seq: Option<i64>,
    /// The hash of the record before it in the chain (64 zeros for the first).
    pub prev_hash: Option<String>,
    /// SHA-256 of this record's fields and `prev_hash` (`audit::chain::link_hash`).
    pub hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
