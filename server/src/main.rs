//! The `ltci-server` command: serve, migrate, or run the demo.

use std::io::Write;

use clap::{Parser, Subcommand};
use ltci_server::pii::PiiCipher;
use ltci_server::{Application, Config, db, demo, telemetry};

/// Long-term care insurance (长期护理保险) management server.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the default). On the embedded SQLite database, migrations are applied first.
    Serve,
    /// Apply pending database migrations and exit (the production path for PostgreSQL).
    Migrate,
    /// Seed the demo region, users and insured persons into the database, then serve.
    Demo,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(&cli.config);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => Application::build(cli.config).await?.run_until_stopped().await,
        Command::Migrate => {
            let conn = db::connect(&cli.config).await?;
            db::migrate(&conn).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let conn = db::connect(&cli.config).await?;
            db::migrate(&conn).await?;
            let pii = PiiCipher::new(&cli.config.resolve_data_key()?)?;
            let seeded = demo::seed(&conn, &pii).await?;
            conn.close().await.ok();
            let app = Application::build(cli.config).await?;
            let url = format!("http://127.0.0.1:{}", app.port());
            let mut out = std::io::stdout().lock();
            writeln!(out, "\nLTCI demo {}", if seeded { "data seeded" } else { "data already present" })?;
            writeln!(out, "  API:       {url}/api/v1")?;
            writeln!(out, "  API docs:  {url}/docs")?;
            writeln!(out, "  Logins (password {}):", demo::DEMO_PASSWORD)?;
            for (username, name, role) in demo::DEMO_USERS {
                writeln!(out, "    {username:<10} {:<12} {name}", role.as_str())?;
            }
            writeln!(
                out,
                "  Try: curl -s {url}/api/v1/auth/login -H 'content-type: application/json' -d '{{\"username\":\"admin\",\"password\":\"{}\"}}'\n",
                demo::DEMO_PASSWORD
            )?;
            drop(out);
            app.run_until_stopped().await
        }
    }
}
