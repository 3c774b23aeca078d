//! Being signed in on the phone: the server's address and the token pair kept in the local store,
//! so the app stays signed in across restarts; an expired access token is refreshed once and the
//! request sent again; when the refresh fails too, the tokens are dropped and the app asks for the
//! password — the outbox is never touched, so no unsent work is lost.

use std::sync::RwLock;

use ltci_shared::api::auth::TokenPair;
use ltci_shared::api::care::{BatchOutcome, Changes, ChangesQuery, EventBatch};
use ltci_shared::client::{ApiClient, ClientError};

use crate::MobileError;
use crate::store::Store;
use crate::sync::Transport;

/// A signed-in caregiver or assessor on this phone.
#[derive(Debug)]
pub struct Session {
    store: Store,
    base_url: String,
    client: RwLock<ApiClient>,
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
        store.save_session(base_url, username, &pair.access_token, &pair.refresh_token).await?;
        Ok(Session::with(store, base_url, &pair.access_token))
    }

    /// The session kept from the last run, if the app is still signed in.
    pub async fn resume(store: &Store) -> Result<Option<Session>, MobileError> {
        Ok(store.session().await?.map(|s| Session::with(store, &s.base_url, &s.access_token)))
    }

    fn with(store: &Store, base_url: &str, access_token: &str) -> Session {
        Session {
            store: store.clone(),
            base_url: base_url.to_owned(),
            client: RwLock::new(ApiClient::new(base_url).with_token(access_token)),
        }
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

impl Transport for Session {
    async fn send_events(&self, batch: &EventBatch) -> Result<BatchOutcome, ClientError> {
        match self.client().sync_events(batch).await {
            Err(e) if unauthorised(&e) => {
                self.refresh().await?;
                self.client().sync_events(batch).await
            }
            other => other,
        }
    }

    async fn changes(&self, q: &ChangesQuery) -> Result<Changes, ClientError> {
        match self.client().sync_changes(q).await {
            Err(e) if unauthorised(&e) => {
                self.refresh().await?;
                self.client().sync_changes(q).await
            }
            other => other,
        }
    }
}
