//! The caregiver and assessor phone app (dioxus): the local store with the outbox of visit events
//! and the assessors' drafts ([`store`]), the signed-in session ([`session`]), the sync with the
//! server ([`sync`], [`assess::sync_cases`]) over the shared typed client — the app's one way to
//! the server — the caregiver's visit actions and badges ([`visit`]), the assessor's cases and
//! form ([`assess`]), and the screens ([`ui`]) in Chinese and English ([`i18n`]).

pub mod assess;
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
    /// The account is neither a caregiver's nor an assessor's.
    #[error("this app is for caregivers and assessors, not for the role {0:?}")]
    NotForThisApp(ltci_shared::api::users::Role),
    /// Someone else signs in while the last person's work waits to be sent.
    #[error("the last user's records on this phone are not all sent yet")]
    OtherUsersWork,
    /// The local store holds something this version cannot read.
    #[error("local data: {0}")]
    Corrupt(String),
}
