//! Console sessions (控制台会话): a browser's cookie bound to a login (the same `sid` as the API's
//! tokens), so logout and deactivation end it at once; it also ends after a time without use.

use chrono::{Duration, Utc};
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use ltci_shared::text::Lang;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

use super::Actor;
use super::service::{open_login, revoke_family};
use super::token::{hash_refresh_token, random_token};
use crate::audit::{self, AuditActor};
use crate::entities::{console_session, user_preference};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A session's use is written back at most this often: a page view is not a write each time.
const TOUCH_EVERY_SECS: i64 = 15;

/// A signed-in browser: who it is (checked as every API request is) and what its forms carry.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    pub actor: Actor,
    /// The value each form of this session must send back (`_csrf`).
    pub csrf_token: String,
    /// The language the user chose for the console, if they chose one.
    pub language: Option<Lang>,
}

/// Signs in with username and password (the API's lockout applies) and opens a session; the
/// answer is the cookie's value, shown to nobody but the browser.
pub async fn open(state: &AppState, username: &str, password: &str, request_id: Option<String>) -> ApiResult<String> {
    let login = open_login(state, username, password, request_id).await?;
    let token = random_token();
    let now = Utc::now();
    console_session::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(hash_refresh_token(&token)),
        user_id: Set(login.user.id),
        family_id: Set(login.family_id),
        csrf_token: Set(random_token()),
        created_at: Set(now),
        last_seen_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    Ok(token)
}

/// The session of a cookie, its login checked as every API request's is. A session left unused
/// for longer than the idle timeout is ended (`401 session_idle`); an ended login or a
/// deactivated account answers `401 invalid_token`.
pub async fn resume(state: &AppState, cookie: &str, request_id: Option<String>) -> ApiResult<ConsoleSession> {
    let hash = hash_refresh_token(cookie.trim());
    let row = console_session::Entity::find()
        .filter(console_session::Column::TokenHash.eq(&hash))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::unauthorized(codes::UNAUTHENTICATED, m::login_ended()))?;
    let now = Utc::now();
    let idle = Duration::seconds(i64::try_from(state.config.console_idle_secs).unwrap_or(1800));
    if row.last_seen_at + idle <= now {
        end_row(state, &row, "auth.session_idle", request_id).await?;
        return Err(ApiError::unauthorized(codes::SESSION_IDLE, m::console_session_idle()));
    }
    let actor = Actor::load(state, row.user_id, row.family_id, request_id).await?;
    if (now - row.last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
        console_session::Entity::update_many()
            .col_expr(console_session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
            .filter(console_session::Column::Id.eq(row.id))
            .exec(&state.db)
            .await?;
    }
    let language = user_preference::Entity::find_by_id(actor.user_id)
        .one(&state.db)
        .await?
        .and_then(|p| Lang::from_code(&p.language));
    Ok(ConsoleSession { actor, csrf_token: row.csrf_token, language })
}

/// Signs out: ends the session's login (so its API tokens stop too). Signing out twice, or with
/// a cookie that opens nothing, is not an error.
pub async fn end(state: &AppState, cookie: &str, request_id: Option<String>) -> ApiResult<()> {
    let hash = hash_refresh_token(cookie.trim());
    if let Some(row) =
        console_session::Entity::find().filter(console_session::Column::TokenHash.eq(&hash)).one(&state.db).await?
    {
        end_row(state, &row, "auth.logout", request_id).await?;
    }
    Ok(())
}

async fn end_row(
    state: &AppState,
    row: &console_session::Model,
    action: &str,
    request_id: Option<String>,
) -> ApiResult<()> {
    let region_id = crate::entities::user::Entity::find_by_id(row.user_id).one(&state.db).await?.map(|u| u.region_id);
    let txn = state.db.begin().await?;
    revoke_family(&txn, row.family_id).await?;
    console_session::Entity::delete_by_id(row.id).exec(&txn).await?;
    if let Some(region_id) = region_id {
        let actor = AuditActor { region_id, user_id: Some(row.user_id), role: None, request_id };
        audit::record(&txn, &actor, action, "user", row.user_id, &[]).await?;
    }
    audit::commit(txn).await?;
    Ok(())
}

/// Whether `sent` is the session's CSRF token `expected` (compared in constant time).
pub fn csrf_matches(expected: &str, sent: Option<&str>) -> bool {
    let Some(sent) = sent else { return false };
    let (a, b) = (expected.as_bytes(), sent.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 403 `csrf_token_invalid`: a form that did not come from this session's pages.
pub fn csrf_refused() -> ApiError {
    ApiError::other(axum::http::StatusCode::FORBIDDEN, codes::CSRF_TOKEN_INVALID, m::console_csrf_invalid())
}

/// Remembers the console language `actor` chose.
pub async fn set_language(state: &AppState, actor: &Actor, lang: Lang) -> ApiResult<()> {
    user_preference::Entity::insert(user_preference::ActiveModel {
        user_id: Set(actor.user_id),
        language: Set(lang.code().to_owned()),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(user_preference::Column::UserId)
            .update_columns([user_preference::Column::Language, user_preference::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(&state.db)
    .await?;
    Ok(())
}
