//! User accounts and roles, administered by agency officers and institutions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// What a user is allowed to do (see the role table in `docs/api.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 经办人员: agency officer running the region's scheme.
    Admin,
    /// 评估员: disability assessor.
    Assessor,
    /// 定点机构: staff of a designated care institution.
    Institution,
    /// 护理员: caregiver delivering home visits.
    Caregiver,
    /// 监督/审计: read-only supervisor or auditor.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Assessor, Role::Institution, Role::Caregiver, Role::Auditor];

    /// The snake_case name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Assessor => "assessor",
            Role::Institution => "institution",
            Role::Caregiver => "caregiver",
            Role::Auditor => "auditor",
        }
    }

    pub fn from_name(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Institution staff and caregivers always belong to an institution; the others never do.
    pub fn belongs_to_institution(self) -> bool {
        matches!(self, Role::Institution | Role::Caregiver)
    }
}

/// `POST /api/v1/users`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateUserRequest {
    /// 3–32 characters: lower-case letters, digits, `.`, `_`, `-`.
    pub username: String,
    pub display_name: String,
    /// 8–128 characters.
    pub password: String,
    pub role: Role,
    /// Required for `institution` and `caregiver`; institution staff may only create caregivers
    /// of their own institution and may leave it out.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
}

/// `POST /api/v1/users/{id}/password`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    pub new_password: String,
}

/// A user account as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub region_id: Uuid,
    pub institution_id: Option<Uuid>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Filters of `GET /api/v1/users`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub active: Option<bool>,
}
