//! The `ltci-server` command: serve, migrate, or run the demo.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ltci_server::pii::PiiCipher;
use ltci_server::{Application, Config, db, demo, telemetry};
use ltci_shared::text::Lang;

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
    /// Import contributions from a CSV file (format in docs/funding.md) as the agency officer
    /// USERNAME, into their region. The whole file is checked first; any bad line refuses it
    /// whole (every problem on standard error, exit code 2). Progress goes to standard error.
    ImportContributions {
        file: PathBuf,
        /// The agency officer the postings are made by (and audited as).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
    },
    /// Record hospital admissions, discharges and deaths reported by partner systems from a CSV
    /// file (format in docs/care.md) as the agency officer USERNAME. The whole file is checked
    /// first; any bad line refuses it whole (every problem on standard error, exit code 2).
    /// Lines recorded before are skipped. Prints what was done as JSON.
    ImportPartnerEvents {
        file: PathBuf,
        /// The agency officer the events are recorded by (and audited as).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
    },
    /// Benefit policy documents (format in docs/policy.md).
    Policy {
        #[command(subcommand)]
        action: PolicyCommand,
    },
    /// The month-end run (docs/settlement.md): compute every institution's draft bill for MONTH
    /// (`YYYY-MM`, over), each claimed so that several runs share the work; prints one line per
    /// institution.
    MonthEnd {
        month: String,
        /// The agency officer the run is made by (and audited as).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
    },
    /// Check the funding ledger from its raw postings (every entry balanced, postings within their
    /// region) and print each account's balance; exit code 1 if anything is wrong.
    LedgerCheck,
    /// Grade assessment answers (a JSON object of item code → points) from FILE or standard input;
    /// prints the result as JSON, or the problems on standard error with exit code 2.
    Assess {
        /// The answers file; standard input when absent.
        file: Option<PathBuf>,
        /// Instrument version (default: the current national instrument).
        #[arg(long)]
        instrument: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Import FILE (`.toml` or `.json`) as the next policy version of the agency officer
    /// USERNAME's region. Prints the version as JSON; importing the same document again changes
    /// nothing. Every problem goes to standard error with the key it concerns (exit code 2).
    Import {
        file: PathBuf,
        /// The agency officer the import is made by (and audited as).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    telemetry::init(&cli.config);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => Application::build(cli.config).await?.run_until_stopped().await?,
        Command::Migrate => {
            let conn = db::connect(&cli.config).await?;
            db::migrate(&conn).await?;
            tracing::info!("migrations applied");
        }
        Command::Demo => {
            let conn = db::connect(&cli.config).await?;
            db::migrate(&conn).await?;
            let pii = PiiCipher::new(&cli.config.resolve_data_key()?)?;
            let seeded = demo::seed(&conn, &pii).await?;
            // Idempotent by reference: completes an earlier, interrupted seeding.
            demo::seed_funding(&conn).await?;
            demo::seed_policy(&conn).await?;
            let state = ltci_server::state::AppState::new(cli.config.clone(), conn.clone())?;
            demo::seed_care(&state).await?;
            demo::seed_assessment(&state).await?;
            demo::seed_settlement(&state).await?;
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
            app.run_until_stopped().await?;
        }
        Command::Assess { file, instrument } => return assess(file, instrument.as_deref(), cli.config.language()),
        Command::ImportContributions { file, as_user } => {
            return import_contributions(&cli.config, &file, &as_user).await;
        }
        Command::ImportPartnerEvents { file, as_user } => {
            return import_partner_events(cli.config, &file, &as_user).await;
        }
        Command::Policy { action: PolicyCommand::Import { file, as_user } } => {
            return import_policy(&cli.config, &file, &as_user).await;
        }
        Command::MonthEnd { month, as_user } => return month_end(cli.config, month, &as_user).await,
        Command::LedgerCheck => {
            let conn = db::connect_current(&cli.config).await?;
            let report = ltci_server::funding::check::run(&conn).await?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{} entries, {} postings", report.entries, report.postings)?;
            for ((region, code), fen) in &report.sums {
                let sign = if *fen < 0 { "-" } else { "" };
                writeln!(out, "  {region} {code:<40} {sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)?;
            }
            for (id, sum) in &report.unbalanced {
                writeln!(out, "UNBALANCED entry {id}: postings sum to {sum} fen")?;
            }
            for id in &report.empty {
                writeln!(out, "EMPTY entry {id}: no postings")?;
            }
            for id in &report.misplaced {
                writeln!(out, "MISPLACED posting {id}: account missing or of another region")?;
            }
            if !report.is_sound() {
                return Ok(ExitCode::from(1));
            }
            writeln!(out, "ledger sound")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn assess(file: Option<PathBuf>, instrument: Option<&str>, lang: Lang) -> anyhow::Result<ExitCode> {
    let input = match &file {
        Some(path) => std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
    };
    match ltci_server::assessment::assess_document(&input, instrument, lang) {
        Ok(json) => {
            writeln!(std::io::stdout(), "{json}")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            let mut err = std::io::stderr().lock();
            for p in problems {
                writeln!(err, "{p}")?;
            }
            Ok(ExitCode::from(2))
        }
    }
}

async fn import_policy(config: &Config, file: &std::path::Path, username: &str) -> anyhow::Result<ExitCode> {
    let lang = config.language();
    use ltci_server::policy::document::{self, Format};
    let format =
        Format::of_path(file).ok_or_else(|| anyhow::anyhow!("{}: name a .toml or .json file", file.display()))?;
    let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?;
    let conn = db::connect_current(config).await?;
    let actor = ltci_server::auth::Actor::for_command_line(&conn, username).await?;
    let imported = match document::parse(&text, format) {
        Ok(doc) => ltci_server::policy::service::import(&conn, &actor, doc).await,
        Err(e) => Err(e),
    };
    match imported {
        Ok((version, created)) => {
            let mut out = std::io::stdout().lock();
            let summary = serde_json::json!({
                "id": version.id, "version": version.version, "name": version.name,
                "effective_from": version.effective_from, "sha256": version.sha256, "created": created,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(refused(file, &e, lang)),
    }
}

/// Every problem of a refused file on standard error, with the key it concerns; exit code 2.
fn refused(file: &std::path::Path, e: &ltci_server::http::error::ApiError, lang: Lang) -> ExitCode {
    eprintln!("{}: {}", file.display(), e.message().render(lang));
    for (field, issue) in e.details() {
        eprintln!("  {field}: {} ({})", issue.text.render(lang), issue.code);
    }
    ExitCode::from(2)
}

async fn month_end(config: Config, month: String, username: &str) -> anyhow::Result<ExitCode> {
    let state_lang = config.language();
    use ltci_shared::api::settlement::MonthEndRequest;
    let conn = db::connect_current(&config).await?;
    let actor = ltci_server::auth::Actor::for_command_line(&conn, username).await?;
    let state = ltci_server::state::AppState::new(config, conn)?;
    match ltci_server::settlement::month_end::run(&state, &actor, MonthEndRequest { month }).await {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "month-end run for {}", report.month)?;
            for r in &report.results {
                let outcome = ltci_server::entities::enum_to_db(&r.outcome);
                let amount = r.fund_amount.map(|a| a.to_string()).unwrap_or_default();
                writeln!(out, "  {} {outcome:<18} {amount}", r.institution_id)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let lang = state_lang;
            writeln!(err, "{}: {}", e.code(), e.message().render(lang))?;
            for (field, issue) in e.details() {
                writeln!(err, "  {field}: {} ({})", issue.text.render(lang), issue.code)?;
            }
            Ok(ExitCode::from(2))
        }
    }
}

async fn import_partner_events(config: Config, file: &std::path::Path, username: &str) -> anyhow::Result<ExitCode> {
    let lang = config.language();
    use ltci_server::care::partners;
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?;
    let conn = db::connect_current(&config).await?;
    let actor = ltci_server::auth::Actor::for_command_line(&conn, username).await?;
    let state = ltci_server::state::AppState::new(config, conn)?;
    let done = match partners::parse_csv(&bytes) {
        Ok((events, places)) => partners::import(&state, &actor, events, places).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(outcome) => {
            writeln!(std::io::stdout().lock(), "{}", serde_json::to_string_pretty(&outcome)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(refused(file, &e, lang)),
    }
}

async fn import_contributions(config: &Config, file: &std::path::Path, username: &str) -> anyhow::Result<ExitCode> {
    let lang = config.language();
    let conn = db::connect_current(config).await?;
    let pii = PiiCipher::new(&config.resolve_data_key()?)?;
    let actor = ltci_server::auth::Actor::for_command_line(&conn, username).await?;
    let input = std::io::BufReader::new(std::fs::File::open(file)?);
    let started = std::time::Instant::now();
    let mut progress = |stage: &'static str, done: usize, total: usize| {
        if total > 0 {
            eprint!("\r{stage} {done}/{total}   ");
        } else {
            eprint!("\r{stage} {done} lines   ");
        }
    };
    match ltci_server::funding::import::import_contributions(&conn, &pii, &actor, input, &mut progress).await {
        Ok(outcome) => {
            eprintln!();
            writeln!(std::io::stdout().lock(), "{}", serde_json::to_string_pretty(&outcome)?)?;
            eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!();
            Ok(refused(file, &e, lang))
        }
    }
}
