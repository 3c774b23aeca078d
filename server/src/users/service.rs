//! User administration, scoped through [`crate::auth::scope::users`].

use chrono::Utc;
use ltci_shared::Page;
use ltci_shared::api::users::{CreateUserRequest, Role, UserFilter, UserView};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditActor};
use ltci_shared::messages as m;

use crate::auth::password::check_password_rules;
use crate::auth::{Actor, Permission, scope, service::revoke_all_for_user};
use crate::entities::user;
use crate::fields::{check_text, check_username};
use crate::http::error::{ApiError, ApiResult, FieldErrors, unique_as};
use crate::http::pagination::{PageRequest, fetch_page};
use crate::institutions::designation;
use crate::state::AppState;

pub fn view(m: user::Model) -> UserView {
    UserView {
        id: m.id,
        username: m.username,
        display_name: m.display_name,
        role: Role::from_name(&m.role).unwrap_or(Role::Auditor),
        region_id: m.region_id,
        institution_id: m.institution_id,
        active: m.active,
        created_at: m.created_at,
    }
}

/// The user `id` if the actor may see it (or it is the actor), else 404.
pub async fn find_in_scope_or_self(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<user::Model> {
    let mut q = user::Entity::find_by_id(id);
    if id != actor.user_id {
        q = q.filter(scope::users(actor));
    }
    q.one(&state.db).await?.ok_or_else(|| ApiError::not_found(m::thing_user()))
}

/// Whether the actor may change this (visible) account: institution staff only manage caregivers.
fn ensure_manageable(actor: &Actor, target: &user::Model) -> ApiResult<()> {
    actor.require(Permission::ManageUsers)?;
    if actor.role == Role::Institution && target.role != Role::Caregiver.as_str() {
        return Err(ApiError::forbidden());
    }
    Ok(())
}

pub async fn create(state: &AppState, actor: &Actor, req: CreateUserRequest) -> ApiResult<UserView> {
    actor.require(Permission::ManageUsers)?;
    let mut errors = FieldErrors::new();
    let username = errors.take("username", check_username(&req.username));
    let display_name = errors.take("display_name", check_text(&req.display_name, 100));
    errors.take("password", check_password_rules(&req.password));
    let institution_id = match actor.role {
        Role::Institution => {
            if req.role != Role::Caregiver {
                return Err(ApiError::forbidden());
            }
            if req.institution_id.is_some_and(|i| Some(i) != actor.institution_id) {
                return Err(ApiError::forbidden());
            }
            actor.institution_id
        }
        _ => req.institution_id,
    };
    match (req.role.belongs_to_institution(), institution_id) {
        (true, None) => errors.add("institution_id", "required", m::staff_belong_to_institution()),
        (false, Some(_)) => errors.add("institution_id", "not_allowed", m::only_staff_belong_to_institution()),
        (true, Some(inst)) => {
            if designation::in_region(&state.db, actor.region_id, inst).await?.is_none() {
                errors.add("institution_id", "unknown_institution", m::unknown_institution());
            }
        }
        (false, None) => {}
    }
    if req.role == Role::Caregiver {
        // One way in: the account hangs off the caregiver's record, which holds who they are.
        errors.add("role", "use_caregiver_registry", m::use_caregiver_registry());
    }
    errors.finish()?;
    let (Some(username), Some(display_name)) = (username, display_name) else {
        return Err(ApiError::internal(anyhow::anyhow!("validated fields missing")));
    };
    let password_hash = state.passwords.hash(&req.password).await?;
    let txn = state.db.begin().await?;
    let model = insert_account(&txn, actor, username, display_name, password_hash, req.role, institution_id).await?;
    audit::commit(txn).await?;
    tracing::info!(user_id = %model.id, role = %model.role, "user created");
    Ok(view(model))
}

/// Inserts an account (its username checked free in the caller's transaction) with its audit
/// record. The caller has validated the fields and hashed the password.
pub(crate) async fn insert_account<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    username: String,
    display_name: String,
    password_hash: String,
    role: Role,
    institution_id: Option<Uuid>,
) -> ApiResult<user::Model> {
    let taken = || ApiError::conflict("username", m::username_taken());
    if user::Entity::find().filter(user::Column::Username.eq(&username)).one(db).await?.is_some() {
        return Err(taken());
    }
    let now = Utc::now();
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(username),
        display_name: Set(display_name),
        password_hash: Set(password_hash),
        role: Set(role.as_str().to_string()),
        region_id: Set(actor.region_id),
        institution_id: Set(institution_id),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(unique_as(taken))?;
    audit::record(
        db,
        &AuditActor::from(actor),
        "user.create",
        "user",
        model.id,
        &["username", "display_name", "role", "institution_id"],
    )
    .await?;
    Ok(model)
}

pub async fn list(state: &AppState, actor: &Actor, filter: UserFilter, page: PageRequest) -> ApiResult<Page<UserView>> {
    actor.require(Permission::ReadUsers)?;
    let mut q = user::Entity::find().filter(scope::users(actor));
    if let Some(role) = filter.role {
        q = q.filter(user::Column::Role.eq(role.as_str()));
    }
    if let Some(active) = filter.active {
        q = q.filter(user::Column::Active.eq(active));
    }
    let q = q.order_by_asc(user::Column::Username);
    fetch_page(&state.db, q, page, view).await
}

/// The accounts `ids` within the actor's scope (the others left out), for lists that show each
/// row's account: one query.
pub async fn by_ids(state: &AppState, actor: &Actor, ids: &[Uuid]) -> ApiResult<Vec<UserView>> {
    actor.require(Permission::ReadUsers)?;
    let rows = user::Entity::find()
        .filter(scope::users(actor))
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(&state.db)
        .await?;
    Ok(rows.into_iter().map(view).collect())
}

pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<UserView> {
    actor.require(Permission::ReadUsers)?;
    find_in_scope_or_self(state, actor, id).await.map(view)
}

pub async fn deactivate(state: &AppState, actor: &Actor, id: Uuid) -> ApiResult<UserView> {
    actor.require(Permission::ManageUsers)?;
    if id == actor.user_id {
        return Err(ApiError::invalid_field("id", "cannot_deactivate_self", m::cannot_deactivate_self()));
    }
    let target = find_in_scope_or_self(state, actor, id).await?;
    ensure_manageable(actor, &target)?;
    let txn = state.db.begin().await?;
    let mut active: user::ActiveModel = target.into();
    active.active = Set(false);
    active.updated_at = Set(Utc::now());
    let model = active.update(&txn).await?;
    revoke_all_for_user(&txn, id).await?;
    audit::record(&txn, &AuditActor::from(actor), "user.deactivate", "user", id, &["active"]).await?;
    audit::commit(txn).await?;
    tracing::info!(user_id = %id, "user deactivated");
    Ok(view(model))
}

pub async fn reset_password(state: &AppState, actor: &Actor, id: Uuid, new_password: &str) -> ApiResult<()> {
    actor.require(Permission::ManageUsers)?;
    let target = find_in_scope_or_self(state, actor, id).await?;
    ensure_manageable(actor, &target)?;
    check_password_rules(new_password).map_err(|(code, msg)| ApiError::invalid_field("new_password", code, msg))?;
    let hash = state.passwords.hash(new_password).await?;
    let username = target.username.clone();
    let txn = state.db.begin().await?;
    let mut active: user::ActiveModel = target.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    revoke_all_for_user(&txn, id).await?;
    // A reset also lifts a lock: the officer has just verified who the user is.
    crate::entities::login_throttle::Entity::delete_by_id(username).exec(&txn).await?;
    audit::record(&txn, &AuditActor::from(actor), "user.reset_password", "user", id, &["password"]).await?;
    audit::commit(txn).await?;
    tracing::info!(user_id = %id, "password reset");
    Ok(())
}
