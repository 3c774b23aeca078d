//! Being signed in on the phone: the server's address and the token pair kept in the local store,
//! so the app stays signed in across restarts; an expired access token is refreshed once and the
//! request sent again; when the refresh fails too, the tokens are dropped and the app asks for the
//! password — the outbox is never touched, so no unsent work is lost. Only caregivers and
//! assessors sign in here; who signed in (role and user id) is kept with the tokens. When someone
//! else signs in on the phone, what the last person pulled is wiped — refused while their unsent
//! work waits.

use std::future::Future;
use std::sync::RwLock;

use ltci_shared::api::assessment::{AssessmentCase, CaseState, SubmitAssessmentRequest};
use ltci_shared::api::auth::TokenPair;
use ltci_shared::api::care::{BatchOutcome, Changes, ChangesQuery, EventBatch};
use ltci_shared::api::registry::InsuredPerson;
use ltci_shared::api::users::Role;
use ltci_shared::client::{ApiClient, ClientError};
use ltci_shared::{Page, PageQuery};
use uuid::Uuid;

use crate::MobileError;
use crate::assess::CaseTransport;
use crate::store::Store;
use crate::sync::Transport;

/// A signed-in caregiver or assessor on this phone.
#[derive(Debug)]
pub struct Session {
    store: Store,
    base_url: String,
    client: RwLock<ApiClient>,
    /// `Caregiver` or `Assessor`.
    pub role: Role,
    pub user_id: Uuid,
}

/// Whether the server refused the request for want of a valid access token.
fn unauthorised(e: &ClientError) -> bool {
    matches!(e, ClientError::Api { status, .. } if status.as_u16() == 401)
}

impl Session {
    /// Signs in with the password and keeps the tokens (and the server's address) in the store.
    pub async fn sign_in(
        store: &Store,
        base_url: &str,
        username: &str,
        password: &str,
    ) -> Result<Session, MobileError> {
        let anonymous = ApiClient::new(base_url);
        let pair = anonymous.login(username, password).await?;
        let me = anonymous.with_token(&pair.access_token).me().await?;
        if !matches!(me.role, Role::Caregiver | Role::Assessor) {
            let _ = anonymous.logout(&pair.refresh_token).await;
            return Err(MobileError::NotForThisApp(me.role));
        }
        // Another person on this phone: what the last one pulled is theirs, not to be shown. Their
        // unsent work must reach the server first — they sign in again to send it.
        if store.identity().await?.is_some_and(|(_, last)| last != me.id) {
            if store.unsent_work().await? > 0 {
                let _ = anonymous.logout(&pair.refresh_token).await;
                return Err(MobileError::OtherUsersWork);
            }
            store.forget_user_data().await?;
        }
        store.save_session(base_url, username, &pair.access_token, &pair.refresh_token).await?;
        store.save_identity(me.role, me.id).await?;
        Ok(Session::with(store, base_url, &pair.access_token, me.role, me.id))
    }

    /// The session kept from the last run, if the app is still signed in.
    pub async fn resume(store: &Store) -> Result<Option<Session>, MobileError> {
        let (Some(kept), Some((role, user_id))) = (store.session().await?, store.identity().await?) else {
            return Ok(None);
        };
        Ok(Some(Session::with(store, &kept.base_url, &kept.access_token, role, user_id)))
    }

    fn with(store: &Store, base_url: &str, access_token: &str, role: Role, user_id: Uuid) -> Session {
        Session {
            store: store.clone(),
            base_url: base_url.to_owned(),
            client: RwLock::new(ApiClient::new(base_url).with_token(access_token)),
            role,
            user_id,
        }
    }

    /// Signs out (退出登录): the server revokes the refresh token (when it can be reached) and the
    /// phone forgets the tokens. Everything in the store stays: unsent work is sent when this
    /// person signs in again, and nobody else may sign in before it is.
    pub async fn sign_out(&self) -> Result<(), MobileError> {
        if let Some(kept) = self.store.session().await? {
            // A phone offline signs out all the same; the token then expires on the server.
            let _ = self.client().logout(&kept.refresh_token).await;
        }
        self.store.forget_session().await
    }

    /// The client with the current access token.
    pub fn client(&self) -> ApiClient {
        self.client.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Exchanges the refresh token for a new pair. When that fails the tokens are forgotten: the
    /// app must ask for the password (the outbox stays as it is).
    async fn refresh(&self) -> Result<(), ClientError> {
        let Some(kept) = self.store.session().await.ok().flatten() else {
            return Err(ClientError::Unexpected {
                status: reqwest::StatusCode::UNAUTHORIZED,
                text: "not signed in".into(),
            });
        };
        let fresh: Result<TokenPair, ClientError> = ApiClient::new(&self.base_url).refresh(&kept.refresh_token).await;
        match fresh {
            Ok(pair) => {
                // The new pair is kept before it is used: the old refresh token is spent now.
                if let Err(e) = self
                    .store
                    .save_session(&self.base_url, &kept.username, &pair.access_token, &pair.refresh_token)
                    .await
                {
                    return Err(ClientError::Unexpected {
                        status: reqwest::StatusCode::INTERNAL_SERVER_ERROR,
                        text: format!("keeping the new tokens failed: {e}"),
                    });
                }
                *self.client.write().unwrap_or_else(std::sync::PoisonError::into_inner) =
                    ApiClient::new(&self.base_url).with_token(pair.access_token);
                Ok(())
            }
            Err(e) => {
                if e.code().is_some() {
                    // The server refused it: sign in again. (A lost answer keeps the tokens.)
                    let _ = self.store.forget_session().await;
                }
                Err(e)
            }
        }
    }
}

impl Session {
    /// Calls the server with the current access token; refused for the token (`401`), refreshes
    /// the pair once and calls again.
    async fn call<T, F, Fut>(&self, f: F) -> Result<T, ClientError>
    where
        F: Fn(ApiClient) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        match f(self.client()).await {
            Err(e) if unauthorised(&e) => {
                self.refresh().await?;
                f(self.client()).await
            }
            other => other,
        }
    }
}

impl Transport for Session {
    async fn send_events(&self, batch: &EventBatch) -> Result<BatchOutcome, ClientError> {
        self.call(|c| async move { c.sync_events(batch).await }).await
    }

    async fn changes(&self, q: &ChangesQuery) -> Result<Changes, ClientError> {
        self.call(|c| async move { c.sync_changes(q).await }).await
    }
}

impl CaseTransport for Session {
    async fn cases(&self, state: CaseState, page: PageQuery) -> Result<Page<AssessmentCase>, ClientError> {
        self.call(|c| async move { CaseTransport::cases(&c, state, page).await }).await
    }

    async fn case(&self, id: Uuid) -> Result<AssessmentCase, ClientError> {
        self.call(|c| async move { c.assessment_case(id).await }).await
    }

    async fn applicant(&self, id: Uuid) -> Result<InsuredPerson, ClientError> {
        self.call(|c| async move { c.get_insured_person(id).await }).await
    }

    async fn submit(&self, id: Uuid, req: &SubmitAssessmentRequest) -> Result<AssessmentCase, ClientError> {
        self.call(|c| async move { c.submit_assessment(id, req).await }).await
    }
}
