//! The caregiver and assessor phone app (dioxus). So far its offline core: the local store with
//! the outbox of visit events ([`store`]), the signed-in session ([`session`]), the sync with the
//! server ([`sync`]) over the shared typed client — the app's one way to the server — the
//! caregiver's visit actions and badges ([`visit`]), and the first screens ([`ui`]) in Chinese and
//! English ([`i18n`]).

pub mod i18n;
pub mod session;
pub mod store;
pub mod sync;
pub mod ui;
pub mod visit;

pub use ltci_shared::client::{ApiClient, ClientError};

/// What can go wrong on the phone.
#[derive(Debug, thiserror::Error)]
pub enum MobileError {
    /// The server could not be reached or refused the request as a whole.
    #[error(transparent)]
    Server(#[from] ClientError),
    /// The local store failed.
    #[error("local store: {0}")]
    Store(#[from] sqlx::Error),
    #[error("local data: {0}")]
    Json(#[from] serde_json::Error),
    /// The local store holds something this version cannot read.
    #[error("local data: {0}")]
    Corrupt(String),
}
