//! The phone app in a desktop window (the same components as on the phone, in a webview), with
//! the local store in a file and a fixed position instead of GPS.
//!
//! `ltci-app [--server URL] [--store FILE] [--at LAT,LON]`

use std::path::PathBuf;
use std::sync::OnceLock;

use dioxus::prelude::*;
use ltci_mobile::ui::app::{App, AppConfig};

static CONFIG: OnceLock<AppConfig> = OnceLock::new();

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// The root: the app with this device's settings.
fn root() -> Element {
    let config = CONFIG.get().cloned().expect("configured before launch");
    rsx! { App { config } }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let location = arg(&args, "--at")
        .and_then(|s| s.split_once(',').and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?))))
        .unwrap_or((36.0662, 120.3826));
    let config = AppConfig {
        server: arg(&args, "--server").unwrap_or_else(|| "http://127.0.0.1:8080".into()),
        store_path: PathBuf::from(arg(&args, "--store").unwrap_or_else(|| "phone.db".into())),
        location,
        device_id: format!("desktop-{}", std::process::id()),
    };
    let _ = CONFIG.set(config);
    let window = dioxus::desktop::WindowBuilder::new()
        .with_title("长护险 护理员")
        .with_inner_size(dioxus::desktop::LogicalSize::new(412.0, 860.0));
    LaunchBuilder::desktop().with_cfg(dioxus::desktop::Config::new().with_window(window)).launch(root);
}
