//! The phone app served through dioxus liveview: the same components, rendered in a browser,
//! with the local store on this machine. For the browser test and for trying the app without a
//! phone.
//!
//! `ltci-app-liveview --server URL --store FILE [--bind ADDR] [--at LAT,LON]`

use std::io::Write;
use std::path::PathBuf;

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;
use dioxus::prelude::*;
use dioxus_liveview::LiveviewRouter;
use ltci_mobile::ui::app::{App, AppConfig, AppProps};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let server = arg(&args, "--server").unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let store_path = PathBuf::from(arg(&args, "--store").unwrap_or_else(|| "phone.db".into()));
    let bind = arg(&args, "--bind").unwrap_or_else(|| "127.0.0.1:8090".into());
    // The demo beneficiary 张桂兰's door, unless told otherwise.
    let location = arg(&args, "--at")
        .and_then(|s| s.split_once(',').and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?))))
        .unwrap_or((36.0662, 120.3826));
    let config = AppConfig { server, store_path, location, device_id: format!("liveview-{}", std::process::id()) };
    let app = Router::new()
        .route("/", get(|| async { Redirect::to("/app") }))
        .with_virtual_dom("/", move || VirtualDom::new_with_props(App, AppProps { config: config.clone() }));
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    writeln!(std::io::stdout(), "the app: http://{}/app", listener.local_addr()?)?;
    axum::serve(listener, app).await
}
