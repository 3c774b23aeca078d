//! The app's screens as dioxus components, with the view models they show (built from the local
//! store, so every screen works offline).

pub mod app;
pub mod assessment;
pub mod cases;
pub mod day;
pub mod history;
pub mod sync;
pub mod visit;
