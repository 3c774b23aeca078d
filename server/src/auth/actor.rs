//! The actor: who is making this request (role, region, institution, user), from the bearer token.

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use ltci_shared::api::users::Role;
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tower_http::request_id::RequestId;
use uuid::Uuid;

use super::permission::{Permission, allows};
use crate::entities::{refresh_token, user};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The authenticated caller of a request. Extracting it authenticates the request: a handler that
/// takes an `Actor` cannot run for an anonymous caller.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub username: String,
    pub role: Role,
    pub region_id: Uuid,
    pub institution_id: Option<Uuid>,
    /// The login this request's token came from.
    pub session_id: Uuid,
    /// The request id (also in the `x-request-id` response header), for the audit trail.
    pub request_id: Option<String>,
    /// Today's business date in the actor's region (its time zone), for date-bound scopes.
    pub today: chrono::NaiveDate,
}

impl Actor {
    /// `Ok` if the actor's role allows `permission`, `403 forbidden` otherwise.
    pub fn require(&self, permission: Permission) -> ApiResult<()> {
        if allows(self.role, permission) { Ok(()) } else { Err(ApiError::forbidden()) }
    }

    pub fn can(&self, permission: Permission) -> bool {
        allows(self.role, permission)
    }
}

impl Actor {
    /// The actor of a command-line operation: an active agency officer by username.
    pub async fn for_command_line(db: &sea_orm::DatabaseConnection, username: &str) -> anyhow::Result<Actor> {
        let user = user::Entity::find()
            .filter(user::Column::Username.eq(username.trim().to_lowercase()))
            .one(db)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| anyhow::anyhow!("{}", m::no_active_user(username).render(crate::language::current())))?;
        anyhow::ensure!(
            user.role == Role::Admin.as_str(),
            "{}",
            m::not_an_officer(username).render(crate::language::current())
        );
        let region = crate::registry::regions::region_of(db, user.region_id)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message().render(crate::language::current())))?;
        Ok(Actor {
            today: crate::registry::regions::today(&region),
            user_id: user.id,
            username: user.username,
            role: Role::Admin,
            region_id: user.region_id,
            institution_id: None,
            session_id: Uuid::nil(),
            request_id: Some("command-line".into()),
        })
    }
}

/// The request id tower-http assigned, as text.
pub fn request_id(parts: &Parts) -> Option<String> {
    parts.extensions.get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).map(str::to_owned)
}

/// A valid access token, not yet checked against the account: for the one handler that checks the
/// account together with the rest of its work (`POST /sync/events`, see `care::group_commit`).
/// Everything else takes an [`Actor`].
#[derive(Debug, Clone)]
pub struct Bearer {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub request_id: Option<String>,
}

impl Bearer {
    /// The actor behind the token, loaded from the database (refused if the account is inactive).
    pub async fn actor(&self, state: &AppState) -> ApiResult<Actor> {
        Actor::load(state, self.user_id, self.session_id, self.request_id.clone()).await
    }
}

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .ok_or_else(|| ApiError::unauthorized(codes::UNAUTHENTICATED, m::sign_in_first()))?;
        let claims = state.tokens.verify_access(token.trim())?;
        Ok(Bearer { user_id: claims.sub, session_id: claims.sid, request_id: request_id(parts) })
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Bearer::from_request_parts(parts, state).await?.actor(state).await
    }
}

impl Actor {
    /// The actor for user `user_id` in login `session_id`, reloaded from the database: an account
    /// deactivated, or a login ended (logout, a reused refresh token, a password reset), since the
    /// token or link was issued is refused; a changed role applies at once. One query: the login
    /// is checked in the same statement that reads the account.
    pub async fn load(
        state: &AppState,
        user_id: Uuid,
        session_id: Uuid,
        request_id: Option<String>,
    ) -> ApiResult<Actor> {
        let user = user::Entity::find_by_id(user_id)
            .filter(user::Column::Active.eq(true))
            .filter(Expr::exists(live_login(user_id, session_id)))
            .one(&state.db)
            .await?
            .ok_or_else(|| ApiError::unauthorized(codes::INVALID_TOKEN, m::login_ended()))?;
        let role = Role::from_name(&user.role)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("user {} has unknown role", user.id)))?;
        Ok(Actor {
            today: state.time_zones.today(&state.db, user.region_id).await?,
            user_id: user.id,
            username: user.username,
            role,
            region_id: user.region_id,
            institution_id: user.institution_id,
            session_id,
            request_id,
        })
    }
}

/// A login that has not ended: one of its refresh tokens is not revoked (each refresh adds one,
/// logout and reuse revoke them all). An access token of an ended login is refused at once.
pub fn live_login(user_id: Uuid, session_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(refresh_token::Entity)
        .and_where(refresh_token::Column::FamilyId.eq(session_id))
        .and_where(refresh_token::Column::UserId.eq(user_id))
        .and_where(refresh_token::Column::RevokedAt.is_null())
        .to_owned()
}

/// The request id alone, for handlers that run before anyone is signed in (login, refresh).
#[derive(Debug, Clone)]
pub struct ReqId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ReqId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqId(request_id(parts)))
    }
}
