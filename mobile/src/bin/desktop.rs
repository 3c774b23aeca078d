//! The phone app in a desktop window (the same components as on the phone, in a webview), with
//! the local store in a file and a fixed position instead of GPS.
//!
//! `ltci-app [--server URL] [--store FILE] [--at LAT,LON]`

use std::sync::OnceLock;

use dioxus::prelude::*;
use ltci_mobile::ui::app::{App, AppConfig};

static CONFIG: OnceLock<AppConfig> = OnceLock::new();

/// The root: the app with this device's settings.
fn root() -> Element {
    let config = CONFIG.get().cloned().expect("configured before launch");
    rsx! { App { config } }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let config = AppConfig::from_args(&args, "desktop");
    let _ = CONFIG.set(config);
    let window = dioxus::desktop::WindowBuilder::new()
        .with_title("长护险 护理与评估")
        .with_inner_size(dioxus::desktop::LogicalSize::new(412.0, 860.0));
    LaunchBuilder::desktop().with_cfg(dioxus::desktop::Config::new().with_window(window)).launch(root);
}
