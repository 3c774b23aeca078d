//! Check-in load benchmark: 64 phones checking in at once through `POST /api/v1/sync/events`
//! against a real server on PostgreSQL, next to the rate at which the same PostgreSQL takes an
//! equivalent single-row insert from pgbench with 64 clients, in the same run.
//!
//! Run it with `scripts/bench-checkin.sh` (release build). Prints events per second, p50 and
//! p99 latency, pgbench's transactions per second and the ratio of the two.

use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use ltci_e2e::world::{home_care_beneficiary, import_policy_a};
use ltci_e2e::{Backend, TestApp, today};
use ltci_server::care::visits::NewVisit;
use ltci_server::entities::visit;
use ltci_shared::api::care::{EventBatch, EventOutcome, PlannedItem, Position, VisitEvent, VisitEventBody};
use sea_orm::EntityTrait;
use uuid::Uuid;

/// Concurrent phones.
const CLIENTS: usize = 64;

fn seconds(var: &str, default: u64) -> Duration {
    Duration::from_secs(std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default))
}

fn say(line: impl AsRef<str>) {
    let _ = writeln!(std::io::stdout(), "{}", line.as_ref());
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let warmup = seconds("WARMUP_SECS", 3);
    let measure = seconds("MEASURE_SECS", 15);
    // The server's pool: the production default unless POOL says otherwise.
    let pool: Option<u32> = std::env::var("POOL").ok().and_then(|v| v.parse().ok());
    let app = TestApp::spawn_with(Backend::Postgres, |c| {
        if let Some(n) = pool {
            c.db_max_connections = n;
        }
    })
    .await
    .ok_or_else(|| anyhow::anyhow!("PostgreSQL is not reachable"))?;
    let url = app.pg_url().ok_or_else(|| anyhow::anyhow!("not on PostgreSQL"))?;
    let world = app.world().await;
    import_policy_a(&world).await;
    let person = home_care_beneficiary(&app, &world, "压测", 77, 3).await;

    // Enough scheduled visits for every check-in of the run (one check-in per visit).
    let needed = 300_000;
    let caregiver = world.caregiver("carer_a1");
    let ids: Vec<Uuid> = (0..needed).map(|_| Uuid::now_v7()).collect();
    for chunk in ids.chunks(2_000) {
        let planned = [PlannedItem { code: "SF-01".into(), times: 1 }];
        let rows = chunk
            .iter()
            .map(|&id| {
                NewVisit {
                    id,
                    region_id: world.region_a,
                    institution_id: world.institution("a1"),
                    insured_person_id: person,
                    caregiver_id: caregiver,
                    plan_id: None,
                    scheduled_on: today(),
                }
                .scheduled(&planned)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("{}", e.message().en()))?;
        visit::Entity::insert_many(rows).exec(&app.db).await?;
    }
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, "ANALYZE").await?;

    let phone = world.as_user("carer_a1").clone();
    let ids = Arc::new(ids);
    let next = Arc::new(AtomicUsize::new(0));
    let run = |until: Instant| {
        let mut tasks = Vec::new();
        for c in 0..CLIENTS {
            let (phone, ids, next) = (phone.clone(), ids.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < until {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&visit_id) = ids.get(i) else { break };
                    let event = VisitEvent {
                        id: Uuid::now_v7(),
                        visit_id,
                        unscheduled: None,
                        body: VisitEventBody::CheckIn { at: Utc::now(), position: Position::gps(36.07, 120.38, 8.0) },
                    };
                    let batch = EventBatch { device_id: format!("bench-{c}"), events: vec![event] };
                    let started = Instant::now();
                    let out = phone.sync_events(&batch).await.expect("check-in");
                    latencies.push(started.elapsed());
                    assert_eq!(out.results[0].outcome, EventOutcome::Applied, "{:?}", out.results[0]);
                }
                latencies
            }));
        }
        tasks
    };
    // Warm up (connections, caches), then measure.
    for t in run(Instant::now() + warmup) {
        t.await?;
    }
    let started = Instant::now();
    let mut latencies: Vec<Duration> = Vec::new();
    for t in run(started + measure) {
        latencies.extend(t.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    if std::env::var("SHOW_METRICS").is_ok() {
        let m = reqwest::get(format!("{}/metrics", app.base_url)).await?.text().await?;
        for l in m.lines().filter(|l| l.contains("sync/events") && l.contains("bucket")) {
            say(l);
        }
    }
    anyhow::ensure!(next.load(Ordering::Relaxed) < needed, "ran out of visits: raise `needed`");
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64() * 1e3;
    let rate = latencies.len() as f64 / elapsed;
    let pool = pool.unwrap_or_else(|| ltci_server::Config::for_database("postgres://", "-").db_max_connections);
    say(format!(
        "check-in through the API, {CLIENTS} clients, pool {pool}, {elapsed:.1} s: {} events",
        latencies.len()
    ));
    say(format!(
        "  {rate:.0} events/s   p50 {:.1} ms   p90 {:.1} ms   p99 {:.1} ms   max {:.1} ms",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    ));

    // The raw rate: the same PostgreSQL, an equivalent single-row insert into visit_events.
    let script = std::env::temp_dir().join(format!("bench-checkin-{}.sql", std::process::id()));
    let body = r#"{"id":"00000000-0000-0000-0000-000000000000","visit_id":"00000000-0000-0000-0000-000000000000","unscheduled":null,"kind":"check_in","at":"2026-11-29T01:00:00Z","position":{"source":"gps","latitude":36.07,"longitude":120.38,"accuracy_m":8.0}}"#;
    std::fs::write(
        &script,
        format!(
            "INSERT INTO visit_events (id, visit_id, kind, occurred_at, body, sha256, device_id, recorded_by, received_at) \
             VALUES (gen_random_uuid(), '{}', 'check_in', now(), '{body}', md5(random()::text) || md5(random()::text), \
             'pgbench', '{}', now());\n",
            ids[0],
            world.user("carer_a1")
        ),
    )?;
    let out = Command::new("pgbench")
        .args(["-n", "-c", &CLIENTS.to_string(), "-j", "2", "-T", &measure.as_secs().to_string(), "-f"])
        .arg(&script)
        .arg(&url)
        .output()
        .map_err(|e| anyhow::anyhow!("pgbench (it comes with PostgreSQL's client tools): {e}"))?;
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(out.status.success(), "pgbench failed: {}{}", text, String::from_utf8_lossy(&out.stderr));
    let tps: f64 = text
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.trim_start_matches("tps = ").split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no tps in pgbench's output:\n{text}"))?;
    let latency = text.lines().find(|l| l.starts_with("latency average")).unwrap_or("latency average = ?");
    say(format!("raw single-row insert (pgbench, {CLIENTS} clients, {} s):", measure.as_secs()));
    say(format!("  {tps:.0} inserts/s   {latency}"));
    say(format!("ratio API / raw: {:.2}   (target at least 0.5; p99 target under 50 ms)", rate / tps));
    Ok(())
}
