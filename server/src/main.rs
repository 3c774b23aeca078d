//! The `ltci-server` command: serve, migrate, run the demo, import, settle, check.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ltci_server::cli::{self, ImportTarget};
use ltci_server::pii::PiiCipher;
use ltci_server::{Application, Config, db, demo, telemetry};
use ltci_shared::messages as m;
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
    /// Apply pending database migrations and exit (the production path for PostgreSQL); audit
    /// records written before the audit chain existed are then linked into it.
    Migrate,
    /// Seed the demo region, users and insured persons into the database, then serve. With
    /// `--scale N`, also a whole city of N beneficiaries in the demo region (docs/imports.md):
    /// its registers written as CSV files and imported, the past months' services recorded.
    Demo {
        /// Certified beneficiaries of the generated city.
        #[arg(long, value_name = "N")]
        scale: Option<u32>,
        /// The generator's seed: the same seed and scale give the same city.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Whole months of services before this one (and this month up to yesterday).
        #[arg(long, default_value_t = 2)]
        months: u32,
        /// Where the city's CSV files are written (default: `city-N` in the data directory).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Build, print the summary and exit instead of serving.
        #[arg(long)]
        no_serve: bool,
        /// Only write the city's register files (to try an import with), then exit.
        #[arg(long, requires = "scale")]
        files_only: bool,
        /// Plant K frauds of each kind the monthly analysis finds in the city's last whole month
        /// (docs/supervision.md), listed in `frauds.csv` beside the register files; once only.
        #[arg(long, value_name = "K", requires = "scale", conflicts_with = "files_only")]
        frauds: Option<usize>,
    },
    /// Import a CSV file of KIND as the agency officer USERNAME, into their region: the registers
    /// a city brings in (persons, certificates, institutions, caregivers, relations, assignments;
    /// docs/imports.md), contributions (docs/funding.md) or partner events (docs/care.md). The
    /// whole file is checked first; any bad line refuses it whole (every problem on standard
    /// error, exit code 2). A progress bar on standard error; the summary on standard output.
    Import {
        kind: ImportTarget,
        file: PathBuf,
        /// The agency officer the import is made by (and audited as).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The former name of `import contributions --json`.
    #[command(hide = true)]
    ImportContributions {
        file: PathBuf,
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
    },
    /// The former name of `import partner-events --json`.
    #[command(hide = true)]
    ImportPartnerEvents {
        file: PathBuf,
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
    /// Every line of the bills of MONTH (`YYYY-MM`) the user may read, as CSV on standard output:
    /// codes as stored, amounts in fen (docs/settlement.md).
    BillLines {
        month: String,
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
    },
    /// The policy what-if (政策测算, docs/policy.md): the facts of the months FROM to TO
    /// (`YYYY-MM`, over) priced again under the draft document POLICY from its effective date —
    /// nothing written — with a progress bar; prints each month, now against the draft, and each
    /// fund's months covered.
    WhatIf {
        /// The draft policy document (`.toml` or `.json`, as imported).
        #[arg(long, value_name = "DRAFT")]
        policy: PathBuf,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// The agency officer the what-if is made by; the region is theirs.
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
        /// Also write the rows (month, institution, care mode, scheme) as CSV into FILE.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// The monthly analysis of a region's services (事后分析, docs/supervision.md): every rule run
    /// over MONTH (`YYYY-MM`, over), its findings recorded — a rerun updates, never duplicates —
    /// with a progress bar; prints what each rule found.
    Monitor {
        month: String,
        /// The agency officer the run is made by (and audited as); the region is theirs.
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
    },
    /// The audit trail (docs/api.md).
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
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
enum AuditCommand {
    /// Walk every region's audit chain, recomputing each record's hash: prints each region's
    /// record count and last hash, or its first broken link (a record edited, deleted or written
    /// outside the chain); exit code 1 if any chain does not hold.
    Verify,
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
    let config = cli.config.clone();
    cli::in_language(&config, Box::pin(run(cli))).await
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = cli.config.language();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => Application::build(cli.config).await?.run_until_stopped().await?,
        Command::Migrate => {
            let conn = db::connect(&cli.config).await?;
            db::migrate(&conn).await?;
            let linked = ltci_server::audit::chain::seal_backlog(&conn).await?;
            tracing::info!(linked, "migrations applied; audit records written before the chain linked into it");
        }
        Command::Demo { scale, seed, months, out, no_serve, files_only, frauds } => {
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
            demo::seed_partner_events(&state).await?;
            demo::seed_residents(&state).await?;
            if let Some(scale) = scale {
                let out = out.unwrap_or_else(|| cli.config.data_dir.join(format!("city-{scale}")));
                let options = demo::city::CityOptions { scale, seed, months, out };
                cli::city(&state, &options, files_only, lang).await?;
                if let Some(count) = frauds {
                    cli::plant_frauds(&state, &options, count, lang).await?;
                }
            }
            if no_serve || files_only {
                return Ok(ExitCode::SUCCESS);
            }
            conn.close().await.ok();
            let app = Application::build(cli.config).await?;
            let url = format!("http://127.0.0.1:{}", app.port());
            let mut out = std::io::stdout().lock();
            let state = if seeded { m::demo_seeded() } else { m::demo_present() };
            writeln!(out, "\n{}", m::demo_heading(state).render(lang))?;
            writeln!(out, "{}", m::demo_api(format!("{url}/api/v1")).render(lang))?;
            writeln!(out, "{}", m::demo_docs(format!("{url}/docs")).render(lang))?;
            writeln!(out, "{}", m::demo_logins(demo::DEMO_PASSWORD).render(lang))?;
            for (username, name, role) in demo::DEMO_USERS {
                writeln!(out, "    {username:<10} {:<12} {name}", role.as_str())?;
            }
            let login = format!(
                "curl -s {url}/api/v1/auth/login -H 'content-type: application/json' -d '{{\"username\":\"admin\",\"password\":\"{}\"}}'",
                demo::DEMO_PASSWORD
            );
            writeln!(out, "{}\n", m::demo_try(login).render(lang))?;
            drop(out);
            app.run_until_stopped().await?;
        }
        Command::Assess { file, instrument } => return assess(file, instrument.as_deref(), lang),
        Command::Import { kind, file, as_user, json } => {
            return cli::import(cli.config, kind, &file, &as_user, json).await;
        }
        Command::ImportContributions { file, as_user } => {
            return cli::import(cli.config, ImportTarget::Contributions, &file, &as_user, true).await;
        }
        Command::ImportPartnerEvents { file, as_user } => {
            return cli::import(cli.config, ImportTarget::PartnerEvents, &file, &as_user, true).await;
        }
        Command::Policy { action: PolicyCommand::Import { file, as_user } } => {
            return import_policy(&cli.config, &file, &as_user).await;
        }
        Command::MonthEnd { month, as_user } => return cli::month_end(cli.config, month, &as_user).await,
        Command::BillLines { month, as_user } => return cli::bill_lines(cli.config, &month, &as_user).await,
        Command::Monitor { month, as_user } => return cli::monitor(cli.config, month, &as_user).await,
        Command::WhatIf { policy, from, to, as_user, csv } => {
            return cli::what_if(cli.config, &policy, from, to, &as_user, csv.as_deref()).await;
        }
        Command::LedgerCheck => return cli::ledger_check(&cli.config).await,
        Command::Audit { action: AuditCommand::Verify } => {
            return cli::audit_verify(&cli.config, &mut std::io::stdout().lock()).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn assess(file: Option<PathBuf>, instrument: Option<&str>, lang: Lang) -> anyhow::Result<ExitCode> {
    let input = match &file {
        Some(path) => std::fs::read_to_string(path).map_err(|e| cli::unreadable(path, &e, lang))?,
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
    let format = Format::of_path(file)
        .ok_or_else(|| anyhow::anyhow!("{}", m::policy_file_kind(file.display().to_string()).render(lang)))?;
    let text = std::fs::read_to_string(file).map_err(|e| cli::unreadable(file, &e, lang))?;
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
        Err(e) => Ok(cli::refused(file, &e, lang)),
    }
}
