//! Building and running the server: what `serve`, `demo` and the tests all use.

use std::future::Future;

use anyhow::Context;
use axum::serve::ListenerExt;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::state::AppState;
use crate::{db, http};

/// A server bound to its port, not yet serving.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects to the database and binds the port. On SQLite pending migrations are applied (the
    /// embedded database looks after itself); on PostgreSQL they are a deliberate step
    /// (`ltci-server migrate`) and a server on an out-of-date schema refuses to start.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = db::connect_current(&config).await?;
        Self::build_with_db(config, db).await
    }

    /// Like [`Application::build`] with a database the caller has connected and migrated.
    pub async fn build_with_db(config: Config, db: DatabaseConnection) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.bind).await.with_context(|| format!("binding {}", config.bind))?;
        let linked = crate::audit::chain::seal_backlog(&db).await.context("linking the audit chain")?;
        if linked > 0 {
            tracing::info!(linked, "audit records written before the chain linked into it");
        }
        let state = AppState::new(config, db)?;
        Ok(Self { listener, state })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes, then finishes the requests in flight.
    pub async fn run_until(self, signal: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let addr = self.listener.local_addr()?;
        tracing::info!(%addr, "listening");
        let db = self.state.db.clone();
        // Answers leave at once: without TCP_NODELAY a response written in two parts waits for the
        // client's delayed acknowledgement (up to 40 ms on Linux).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY not set");
            }
        });
        axum::serve(listener, http::router::app(self.state)).with_graceful_shutdown(signal).await.context("serving")?;
        db.close().await.ok();
        tracing::info!("stopped");
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested: finishing requests in flight");
}
