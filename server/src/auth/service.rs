//! Login, refresh-token rotation with reuse detection, and logout.

use chrono::{Duration, Utc};
use ltci_shared::api::auth::TokenPair;
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

use super::token::{hash_refresh_token, random_token};
use crate::audit::{self, AuditActor};
use crate::entities::{login_throttle, refresh_token, user};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Usernames longer than this cannot exist; they are refused without touching the throttle table.
const MAX_USERNAME_LEN: usize = 64;

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized(codes::INVALID_CREDENTIALS, m::wrong_credentials())
}

/// Checks the password and opens a new login (refresh-token family).
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    request_id: Option<String>,
) -> ApiResult<TokenPair> {
    let login = open_login(state, username, password, request_id).await?;
    token_pair(state, login.user.id, login.family_id, login.refresh_token)
}

/// A login just opened: the account, the login's id (`sid`) and its first refresh token.
#[derive(Debug)]
pub struct OpenedLogin {
    pub user: user::Model,
    pub family_id: Uuid,
    pub refresh_token: String,
}

/// Checks the password (with the lockout) and opens a new login: what both the API's sign-in and
/// the console's do.
pub async fn open_login(
    state: &AppState,
    username: &str,
    password: &str,
    request_id: Option<String>,
) -> ApiResult<OpenedLogin> {
    let username = username.trim().to_lowercase();
    if username.is_empty() || username.len() > MAX_USERNAME_LEN {
        state.passwords.verify(password, None).await?;
        return Err(invalid_credentials());
    }
    let now = Utc::now();
    if let Some(t) = login_throttle::Entity::find_by_id(username.clone()).one(&state.db).await?
        && let Some(until) = t.locked_until.filter(|u| *u > now)
    {
        let secs = Ord::max((until - now).num_seconds(), 1);
        return Err(ApiError::locked(u64::try_from(secs).unwrap_or(1)));
    }
    let found = user::Entity::find().filter(user::Column::Username.eq(&username)).one(&state.db).await?;
    let hash = found.as_ref().filter(|u| u.active).map(|u| u.password_hash.as_str());
    if !state.passwords.verify(password, hash).await? {
        record_failure(state, &username).await?;
        tracing::info!(username = %username, "login failed");
        return Err(invalid_credentials());
    }
    let user = found.ok_or_else(invalid_credentials)?;
    let family_id = Uuid::new_v4();
    let txn = state.db.begin().await?;
    login_throttle::Entity::delete_by_id(username).exec(&txn).await?;
    let refresh = insert_refresh_token(&txn, state, user.id, family_id).await?;
    let actor = AuditActor { region_id: user.region_id, user_id: Some(user.id), role: None, request_id };
    audit::record(&txn, &actor, "auth.login", "user", user.id, &[]).await?;
    audit::commit(txn).await?;
    tracing::info!(user_id = %user.id, "login");
    Ok(OpenedLogin { user, family_id, refresh_token: refresh })
}

/// Counts a failed login for `username` and locks it after too many in a row. An upsert, so
/// concurrent failures all count and no unique violation can occur.
async fn record_failure(state: &AppState, username: &str) -> ApiResult<()> {
    let now = Utc::now();
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        username: Set(username.to_string()),
        failures: Set(1),
        locked_until: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(login_throttle::Column::Username)
            .value(
                login_throttle::Column::Failures,
                Expr::col((login_throttle::Entity, login_throttle::Column::Failures)).add(1),
            )
            .value(login_throttle::Column::UpdatedAt, now)
            .to_owned(),
    )
    .exec(&state.db)
    .await?;
    let row = login_throttle::Entity::find_by_id(username.to_string()).one(&state.db).await?;
    if let Some(row) = row.filter(|r| r.failures >= i32::try_from(state.config.login_max_failures).unwrap_or(i32::MAX))
    {
        let lock = Duration::seconds(i64::try_from(state.config.login_lock_secs).unwrap_or(900));
        let mut active: login_throttle::ActiveModel = row.into();
        active.failures = Set(0);
        active.locked_until = Set(Some(now + lock));
        active.updated_at = Set(now);
        active.update(&state.db).await?;
        tracing::warn!(username = %username, "login locked after repeated failures");
    }
    Ok(())
}

/// Exchanges a refresh token for a new pair. Each refresh token works once: presenting a used one
/// means it was copied, so the whole login is revoked and both holders must sign in again.
pub async fn refresh(state: &AppState, token: &str, request_id: Option<String>) -> ApiResult<TokenPair> {
    let now = Utc::now();
    let hash = hash_refresh_token(token.trim());
    let txn = state.db.begin().await?;
    let Some(row) = refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(&hash)).one(&txn).await?
    else {
        return Err(ApiError::unauthorized(codes::INVALID_TOKEN, m::unknown_refresh_token()));
    };
    if row.revoked_at.is_some() {
        return Err(ApiError::unauthorized(codes::INVALID_TOKEN, m::login_ended()));
    }
    if row.used_at.is_some() {
        revoke_family(&txn, row.family_id).await?;
        audit::commit(txn).await?;
        tracing::warn!(user_id = %row.user_id, family_id = %row.family_id, "refresh token reused: login revoked");
        return Err(reused());
    }
    if row.expires_at <= now {
        return Err(ApiError::unauthorized(codes::TOKEN_EXPIRED, m::refresh_token_expired()));
    }
    let user = user::Entity::find_by_id(row.user_id).one(&txn).await?;
    let Some(user) = user.filter(|u| u.active) else {
        return Err(ApiError::unauthorized(codes::INVALID_TOKEN, m::account_inactive()));
    };
    // Claim the token atomically: of two concurrent refreshes with the same token only one
    // updates a row; the other is a reuse.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        revoke_family(&txn, row.family_id).await?;
        audit::commit(txn).await?;
        return Err(reused());
    }
    let new_token = insert_refresh_token(&txn, state, user.id, row.family_id).await?;
    let actor = AuditActor { region_id: user.region_id, user_id: Some(user.id), role: None, request_id };
    audit::record(&txn, &actor, "auth.refresh", "user", user.id, &[]).await?;
    audit::commit(txn).await?;
    token_pair(state, user.id, row.family_id, new_token)
}

fn reused() -> ApiError {
    ApiError::unauthorized(codes::REFRESH_TOKEN_REUSED, m::refresh_token_reused())
}

/// Ends the login the refresh token belongs to. Unknown or already-ended tokens are fine: logging
/// out twice is not an error.
pub async fn logout(state: &AppState, token: &str, request_id: Option<String>) -> ApiResult<()> {
    let hash = hash_refresh_token(token.trim());
    let txn = state.db.begin().await?;
    if let Some(row) =
        refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(&hash)).one(&txn).await?
        && let Some(user) = user::Entity::find_by_id(row.user_id).one(&txn).await?
    {
        revoke_family(&txn, row.family_id).await?;
        let actor = AuditActor { region_id: user.region_id, user_id: Some(user.id), role: None, request_id };
        audit::record(&txn, &actor, "auth.logout", "user", user.id, &[]).await?;
    }
    audit::commit(txn).await?;
    Ok(())
}

/// Revokes every refresh token of a user (on deactivation or password reset).
pub async fn revoke_all_for_user<C: ConnectionTrait>(db: &C, user_id: Uuid) -> ApiResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends one login (all its refresh tokens): logout, and a console session left idle.
pub async fn revoke_family<C: ConnectionTrait>(db: &C, family_id: Uuid) -> ApiResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn insert_refresh_token<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    user_id: Uuid,
    family_id: Uuid,
) -> ApiResult<String> {
    let token = random_token();
    let now = Utc::now();
    let ttl = Duration::seconds(i64::try_from(state.tokens.refresh_ttl_secs).unwrap_or(i64::MAX / 4));
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        family_id: Set(family_id),
        token_hash: Set(hash_refresh_token(&token)),
        issued_at: Set(now),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}

fn token_pair(state: &AppState, user_id: Uuid, family_id: Uuid, refresh_token: String) -> ApiResult<TokenPair> {
    Ok(TokenPair {
        access_token: state.tokens.issue_access(user_id, family_id)?,
        token_type: "Bearer".into(),
        expires_in: state.tokens.access_ttl_secs,
        refresh_token,
    })
}
