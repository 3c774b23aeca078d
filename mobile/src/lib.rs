//! The caregiver and assessor phone app (dioxus). The app arrives with its own issue; for now the
//! crate fixes the app's one way to the server: the shared typed client.

pub use ltci_shared::client::{ApiClient, ClientError};
