//! The phone app served through dioxus liveview: the same components, rendered in a browser,
//! with the local store on this machine. For the browser test and for trying the app without a
//! phone.
//!
//! `ltci-app-liveview --server URL --store FILE [--bind ADDR] [--at LAT,LON]`

use std::io::Write;

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;
use dioxus::prelude::*;
use dioxus_liveview::LiveviewRouter;
use ltci_mobile::ui::app::{App, AppConfig, AppProps};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let config = AppConfig::from_args(&args, "liveview");
    let bind = args
        .iter()
        .position(|a| a == "--bind")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| "127.0.0.1:8090".into());
    let app = Router::new()
        .route("/", get(|| async { Redirect::to("/app") }))
        .with_virtual_dom("/", move || VirtualDom::new_with_props(App, AppProps { config: config.clone() }));
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    writeln!(std::io::stdout(), "the app: http://{}/app", listener.local_addr()?)?;
    axum::serve(listener, app).await
}
