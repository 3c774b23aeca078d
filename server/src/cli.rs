//! What the `ltci-server` command line does beyond serving: the imports with their progress bar
//! and summary, the month-end run and the ledger check, printed in the configured language
//! (`LTCI_LANG`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use ltci_shared::api::imports::ImportKind;
use ltci_shared::messages as m;
use ltci_shared::text::{Lang, Text};

use crate::auth::Actor;
use crate::http::error::ApiError;
use crate::imports::Stage;
use crate::state::AppState;
use crate::{Config, db, language};

/// What `ltci-server import KIND` brings in (formats in docs/imports.md, docs/funding.md and
/// docs/care.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportTarget {
    /// Insured persons (参保人).
    Persons,
    /// Certificates issued before this system (存量失能等级证书).
    Certificates,
    /// Institutions already designated, with their agreements (定点机构).
    Institutions,
    /// Caregivers with their qualifications (护理人员).
    Caregivers,
    /// Service relations running now (服务关系).
    Relations,
    /// Caregiver assignments (护理人员分派).
    Assignments,
    /// Contributions (缴费).
    Contributions,
    /// Hospital admissions, discharges and deaths reported by partner systems.
    PartnerEvents,
}

impl ImportTarget {
    fn register(self) -> Option<ImportKind> {
        Some(match self {
            ImportTarget::Persons => ImportKind::Persons,
            ImportTarget::Certificates => ImportKind::Certificates,
            ImportTarget::Institutions => ImportKind::Institutions,
            ImportTarget::Caregivers => ImportKind::Caregivers,
            ImportTarget::Relations => ImportKind::Relations,
            ImportTarget::Assignments => ImportKind::Assignments,
            ImportTarget::Contributions | ImportTarget::PartnerEvents => return None,
        })
    }

    fn name(self) -> Text {
        match (self, self.register()) {
            (_, Some(kind)) => kind.text(),
            (ImportTarget::Contributions, None) => m::kind_contributions(),
            (_, None) => m::kind_partner_events(),
        }
    }
}

/// A progress bar with `template`, on standard error (hidden when it is not a terminal).
fn styled_bar(template: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> "));
    bar
}

/// A progress bar on standard error (hidden when it is not a terminal).
fn bar(target: ImportTarget, lang: Lang) -> ProgressBar {
    let bar = styled_bar("{prefix} {msg:4} [{bar:40}] {pos}/{len} {per_sec} {eta}");
    bar.set_prefix(target.name().render(lang));
    bar
}

/// Shows `stage` at `done` of `total` lines.
fn show(bar: &ProgressBar, stage: Stage, done: usize, total: usize, lang: Lang) {
    let message = match stage {
        Stage::Checking => m::stage_analysing(),
        Stage::Writing => m::stage_writing(),
    }
    .render(lang);
    if bar.message() != message {
        bar.set_message(message);
        bar.reset();
    }
    bar.set_length(total as u64);
    bar.set_position(done as u64);
}

fn seconds_and_rate(started: Instant, lines: u32) -> (String, String) {
    let secs = started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 { f64::from(lines) / secs } else { 0.0 };
    (format!("{secs:.1}"), format!("{rate:.0}"))
}

/// `ltci-server import KIND FILE --as USERNAME`: the whole file checked first, any bad line
/// refusing it whole (every problem on standard error, exit code 2); a progress bar on standard
/// error and the summary on standard output (as JSON with `json`).
pub async fn import(
    config: Config,
    target: ImportTarget,
    file: &Path,
    username: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let lang = config.language();
    let bytes = std::fs::read(file).map_err(|e| unreadable(file, &e, lang))?;
    let conn = db::connect_current(&config).await?;
    let actor = Actor::for_command_line(&conn, username).await?;
    let state = AppState::new(config, conn)?;
    let progress = bar(target, lang);
    let started = Instant::now();
    let summary = match target.register() {
        Some(kind) => {
            let mut tick = |stage, done, total| show(&progress, stage, done, total, lang);
            crate::imports::import(&state, &actor, kind, &bytes, &mut tick).await.map(|s| {
                let (seconds, rate) = seconds_and_rate(started, s.lines);
                let line = m::register_imported(target.name(), s.lines, s.created, s.unchanged, seconds, rate);
                (serde_json::to_value(&s), line)
            })
        }
        None if target == ImportTarget::Contributions => {
            let mut tick = |stage: &'static str, done, total| {
                let stage = if stage == "posted" { Stage::Writing } else { Stage::Checking };
                show(&progress, stage, done, total, lang);
            };
            crate::funding::import::import_contributions(&state.db, &state.pii, &actor, bytes.as_slice(), &mut tick)
                .await
                .map(|o| {
                    let (seconds, rate) = seconds_and_rate(started, o.lines);
                    let amount = o.posted_amount.to_string();
                    let line = m::contributions_imported(o.lines, o.posted, o.already_posted, amount, seconds, rate);
                    (serde_json::to_value(&o), line)
                })
        }
        None => {
            use crate::care::partners;
            partners::import_csv(&state, &actor, &bytes).await.map(|o| {
                let line = m::partner_events_imported(
                    o.applied,
                    o.duplicates,
                    o.unmatched,
                    o.visits_reverified,
                    o.plans_ended,
                    o.stays_discharged,
                );
                (serde_json::to_value(&o), line)
            })
        }
    };
    progress.finish_and_clear();
    match summary {
        Ok((value, line)) => {
            let mut out = std::io::stdout().lock();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&value?)?)?;
            } else {
                writeln!(out, "{}", line.render(lang))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(refused(file, &e, lang)),
    }
}

/// A file that cannot be read, in the reader's language.
pub fn unreadable(file: &Path, e: &std::io::Error, lang: Lang) -> anyhow::Error {
    anyhow::anyhow!("{}", m::file_unreadable(file.display().to_string(), e.to_string()).render(lang))
}

/// Every problem of a refused file on standard error, with the key it concerns; exit code 2.
pub fn refused(file: &Path, e: &ApiError, lang: Lang) -> ExitCode {
    eprintln!("{}: {}", file.display(), e.message().render(lang));
    problems(e, lang);
    ExitCode::from(2)
}

/// Each problem of `e` on standard error: `field: reason (code)`.
fn problems(e: &ApiError, lang: Lang) {
    for (field, issue) in e.details() {
        eprintln!("  {field}: {} ({})", issue.text.render(lang), issue.code);
    }
}

/// `ltci-server bill-lines MONTH --as USER`: the lines as CSV on standard output.
pub async fn bill_lines(config: Config, month: &str, username: &str) -> anyhow::Result<ExitCode> {
    let lang = config.language();
    let conn = db::connect_current(&config).await?;
    let actor = Actor::for_command_line(&conn, username).await?;
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    match crate::settlement::month_lines::write(&conn, &actor, month, out).await {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("{}", e.message().render(lang));
            problems(&e, lang);
            Ok(ExitCode::from(2))
        }
    }
}

/// `ltci-server month-end MONTH --as USERNAME`: a progress bar, one line per institution, then the
/// run's summary — institutions by outcome, lines, amounts, lines not paid by reason.
pub async fn month_end(config: Config, month: String, username: &str) -> anyhow::Result<ExitCode> {
    use ltci_shared::api::settlement::{MonthEndOutcome, MonthEndRequest};
    let lang = config.language();
    let conn = db::connect_current(&config).await?;
    let actor = Actor::for_command_line(&conn, username).await?;
    let state = AppState::new(config, conn)?;
    let bar = styled_bar("{prefix} [{bar:40}] {pos}/{len} {eta}");
    bar.set_prefix(m::month_end_heading(month.clone()).render(lang));
    let mut tick = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let started = Instant::now();
    let outcome = crate::settlement::month_end::run(&state, &actor, MonthEndRequest { month }, &mut tick).await;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    match outcome {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", m::month_end_heading(report.month.clone()).render(lang))?;
            for r in &report.results {
                let amount = r.fund_amount.map(|a| a.to_string()).unwrap_or_default();
                writeln!(out, "  {} {} {amount}", r.institution_id, r.outcome.text().render(lang))?;
            }
            let mut counts: Vec<(MonthEndOutcome, usize)> = Vec::new();
            for r in &report.results {
                match counts.iter_mut().find(|(o, _)| *o == r.outcome) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((r.outcome, 1)),
                }
            }
            let parts: Vec<String> =
                counts.iter().map(|(o, n)| m::month_end_outcome(o.text(), *n).render(lang)).collect();
            let sep = if lang == Lang::Zh { "，" } else { ", " };
            writeln!(out, "{}{}", m::month_end_institutions(report.results.len()).render(lang), parts.join(sep))?;
            let t = &report.totals;
            let rate = if seconds > 0.0 { (t.lines as f64 / seconds).round() } else { 0.0 };
            let line =
                m::month_end_lines(t.lines, t.rejected_lines, t.claimed, t.fund_amount, format!("{seconds:.1}"), rate);
            writeln!(out, "{}", line.render(lang))?;
            for r in &t.rejections {
                writeln!(out, "  {}", m::month_end_rejection(r.rejection.text(), r.lines).render(lang))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}: {}", e.code(), e.message().render(lang));
            problems(&e, lang);
            Ok(ExitCode::from(2))
        }
    }
}

/// `ltci-server what-if --policy DRAFT --from M --to M --as USERNAME [--csv FILE]`: the policy
/// what-if with a progress bar; prints each month (now, draft, difference, what was paid), the
/// totals and each fund's months covered; `--csv` writes the rows.
pub async fn what_if(
    config: Config,
    policy: &Path,
    from: String,
    to: String,
    username: &str,
    csv: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    use crate::policy::document::Format;
    use crate::settlement::what_if;
    use ltci_shared::api::settlement::WhatIfQuery;
    let lang = config.language();
    let format = Format::of_path(policy)
        .ok_or_else(|| anyhow::anyhow!("{}", m::policy_file_kind(policy.display().to_string()).render(lang)))?;
    let bytes = std::fs::read(policy).map_err(|e| unreadable(policy, &e, lang))?;
    let conn = db::connect_current(&config).await?;
    let actor = Actor::for_command_line(&conn, username).await?;
    let state = AppState::new(config, conn)?;
    let draft = match crate::policy::service::read_file(&bytes, format) {
        Ok(doc) => doc,
        Err(e) => return Ok(refused(policy, &e, lang)),
    };
    let bar = styled_bar("{prefix} [{bar:40}] {pos}/{len} {eta}");
    bar.set_prefix(m::what_if_heading(&draft.name, &from, &to).render(lang));
    let mut tick = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let started = Instant::now();
    let outcome =
        Box::pin(what_if::run(&state, &actor, WhatIfQuery { from: Some(from), to: Some(to) }, draft, &mut tick)).await;
    bar.finish_and_clear();
    let report = match outcome {
        Ok(report) => report,
        Err(e) => return Ok(refused(policy, &e, lang)),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", m::what_if_heading(&report.draft_name, &report.from, &report.to).render(lang))?;
    for mo in &report.months {
        let line = m::what_if_month_line(&mo.month, mo.now, mo.draft, mo.draft - mo.now, mo.paid);
        writeln!(out, "{}", line.render(lang))?;
    }
    let (now, draft) = report.months.iter().fold(
        (Default::default(), Default::default()),
        |(n, d): (rust_decimal::Decimal, rust_decimal::Decimal), mo| (n + mo.now, d + mo.draft),
    );
    let seconds = format!("{:.1}", started.elapsed().as_secs_f64());
    writeln!(out, "{}", m::what_if_total(now, draft, draft - now, seconds).render(lang))?;
    let covered = |v: Option<rust_decimal::Decimal>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
    for f in &report.funds {
        let line = m::what_if_fund(
            f.scheme.text(),
            f.balance,
            covered(f.months_covered),
            covered(f.now_months_covered),
            covered(f.draft_months_covered),
        );
        writeln!(out, "{}", line.render(lang))?;
    }
    if let Some(path) = csv {
        let names = what_if::institution_names(&state, &actor, &report)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message().render(lang)))?;
        let text = language::scope(lang, async { what_if::csv(&report, &names) })
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message().render(lang)))?;
        std::fs::write(path, text).map_err(|e| unreadable(path, &e, lang))?;
        writeln!(out, "{}", m::what_if_csv_written(path.display().to_string()).render(lang))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `ltci-server monitor MONTH --as USERNAME`: the monthly analysis with a progress bar, then one
/// line per rule that found something.
pub async fn monitor(config: Config, month: String, username: &str) -> anyhow::Result<ExitCode> {
    use crate::supervision::analysis::{self, Stage};
    use ltci_shared::api::supervision::MonitorRequest;
    let lang = config.language();
    let conn = db::connect_current(&config).await?;
    let actor = Actor::for_command_line(&conn, username).await?;
    let state = AppState::new(config, conn)?;
    let bar = styled_bar("{msg:6} [{bar:40}] {pos}/{len} {eta}");
    let mut tick = |stage: Stage, done: u64, total: u64| {
        let message = match stage {
            Stage::Reading => m::stage_reading(),
            Stage::Checking => m::stage_analysing(),
            Stage::Recording | Stage::Done => m::stage_recording(),
        }
        .render(lang);
        if bar.message() != message {
            bar.set_message(message);
            bar.reset();
        }
        bar.set_length(total);
        bar.set_position(done);
    };
    let outcome = analysis::run(&state, &actor, MonitorRequest { month }, &mut tick).await;
    bar.finish_and_clear();
    match outcome {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", m::monitor_heading(report.month.clone()).render(lang))?;
            for r in &report.rules {
                writeln!(out, "{}", m::monitor_rule_line(r.rule.text().render(lang), r.found, r.new).render(lang))?;
            }
            writeln!(out, "{}", m::monitor_summary(report.visits, report.bed_days, report.lapsed).render(lang))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}: {}", e.code(), e.message().render(lang));
            problems(&e, lang);
            Ok(ExitCode::from(2))
        }
    }
}

/// `ltci-server ledger-check`: each account's balance; exit code 1 if anything is wrong.
pub async fn ledger_check(config: &Config) -> anyhow::Result<ExitCode> {
    let lang = config.language();
    let conn = db::connect_current(config).await?;
    let report = crate::funding::check::run(&conn).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", m::ledger_counts(report.entries, report.postings).render(lang))?;
    for ((region, code), fen) in &report.sums {
        let sign = if *fen < 0 { "-" } else { "" };
        writeln!(out, "  {region} {code:<40} {sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)?;
    }
    for (id, sum) in &report.unbalanced {
        writeln!(out, "{}", m::ledger_unbalanced(id.to_string(), sum.to_string()).render(lang))?;
    }
    for id in &report.empty {
        writeln!(out, "{}", m::ledger_empty(id.to_string()).render(lang))?;
    }
    for id in &report.misplaced {
        writeln!(out, "{}", m::ledger_misplaced(id.to_string()).render(lang))?;
    }
    for (account, day, fen, kept) in &report.totals_off {
        writeln!(
            out,
            "{}",
            m::ledger_total_off(account.to_string(), day.to_string(), fen.to_string(), kept.to_string()).render(lang)
        )?;
    }
    if !report.is_sound() {
        return Ok(ExitCode::from(1));
    }
    writeln!(out, "{}", m::ledger_sound().render(lang))?;
    Ok(ExitCode::SUCCESS)
}

/// `ltci-server audit verify`: every region's audit chain walked; the first broken link of each
/// region printed; exit code 1 if any chain does not hold.
pub async fn audit_verify(config: &Config, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let lang = config.language();
    let conn = db::connect_current(config).await?;
    let bar = styled_bar("{msg:4} [{bar:40}] {pos}/{len} {per_sec} {eta}");
    bar.set_message(m::stage_verifying().render(lang));
    let chains = crate::audit::verify::run(&conn, None, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await;
    bar.finish_and_clear();
    let mut sound = true;
    for c in chains? {
        match &c.first_break {
            None => writeln!(out, "{}", m::audit_chain_sound(&c.region_code, c.head_seq, &c.head_hash).render(lang))?,
            Some(b) => {
                sound = false;
                writeln!(out, "{}", m::audit_chain_broken(&c.region_code, c.verified).render(lang))?;
                writeln!(out, "{}", b.text().render(lang))?;
            }
        }
        if c.unlinked > 0 {
            sound = false;
            writeln!(out, "{}", m::audit_unlinked(&c.region_code, c.unlinked).render(lang))?;
        }
    }
    Ok(if sound { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Runs a command in the configured language.
pub async fn in_language<F: Future>(config: &Config, f: F) -> F::Output {
    language::scope(config.language(), f).await
}

/// `ltci-server demo --scale N --frauds K`: K frauds of each kind planted in the city's last
/// whole month, listed in `frauds.csv` in the city's directory; nothing more once that file is
/// there.
pub async fn plant_frauds(
    state: &AppState,
    o: &crate::demo::city::CityOptions,
    count: usize,
    lang: Lang,
) -> anyhow::Result<()> {
    let path = o.out.join("frauds.csv");
    let mut out = std::io::stdout().lock();
    if path.exists() {
        writeln!(out, "{}", m::city_frauds_there(path.display().to_string()).render(lang))?;
        return Ok(());
    }
    let actor = Actor::for_command_line(&state.db, "admin").await?;
    let this_month = chrono::Datelike::with_day(&actor.today, 1).unwrap_or(actor.today);
    let last = this_month.pred_opt().unwrap_or(this_month);
    let first = chrono::Datelike::with_day(&last, 1).unwrap_or(last);
    let planted = crate::demo::city::frauds::plant(&state.db, actor.region_id, (first, last), count, o.seed).await?;
    let mut file = String::from("rule,institution_id,record_id\n");
    for p in &planted {
        file.push_str(&p.csv_line());
        file.push('\n');
    }
    std::fs::write(&path, file)?;
    let month = last.format("%Y-%m").to_string();
    writeln!(out, "{}", m::city_frauds(planted.len(), month, path.display().to_string()).render(lang))?;
    Ok(())
}

/// `ltci-server demo --scale N`: builds the city in the demo region with a progress bar, then
/// prints what each stage wrote and how long it took.
pub async fn city(
    state: &AppState,
    o: &crate::demo::city::CityOptions,
    files_only: bool,
    lang: Lang,
) -> anyhow::Result<()> {
    let actor = Actor::for_command_line(&state.db, "admin").await?;
    if files_only {
        let mut out = std::io::stdout().lock();
        for (file, path) in crate::demo::city::write_register(state, &actor, o).await? {
            writeln!(
                out,
                "{}",
                m::city_file_line(file.kind.text(), file.lines, path.display().to_string()).render(lang)
            )?;
        }
        return Ok(());
    }
    let bar = styled_bar("{msg:12} [{bar:40}] {pos}/{len} {eta}");
    let mut tick = |stage: &Text, done: usize, total: usize| {
        let message = stage.render(lang);
        if bar.message() != message {
            bar.set_message(message);
            bar.reset();
        }
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let report = crate::demo::city::build(state, &actor, o, &mut tick).await;
    bar.finish_and_clear();
    let report = report?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", m::city_heading(o.scale, o.seed, report.first_service_day).render(lang))?;
    for s in &report.stages {
        writeln!(out, "{}", m::city_stage_line(s.name.clone(), s.count, format!("{:.1}", s.seconds)).render(lang))?;
        if s.name.key() == m::city_stage_register().key() {
            for i in &report.imports {
                writeln!(out, "{}", m::city_import_line(i.kind.text(), i.lines, i.created).render(lang))?;
            }
        }
    }
    if let [home, agency, carer] = report.logins.as_slice() {
        writeln!(out, "{}", m::city_logins(home, agency, carer, crate::demo::DEMO_PASSWORD).render(lang))?;
    }
    writeln!(out, "{}", m::city_done(format!("{:.1}", report.seconds), o.out.display().to_string()).render(lang))?;
    Ok(())
}
