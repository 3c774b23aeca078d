//! Settlement benchmark: an institution with `BEDS` (200) residents charged every day for thirteen
//! months. The first month is computed with no history (the baseline); the next eleven are
//! computed, submitted and approved in turn, so each carries the late-correction check of every
//! approved month before it; the thirteenth is computed with twelve approved months behind it.
//! The facts are stamped as written two days before the run (history, not this run's writes) and
//! the server keeps its default margin for late facts (a day). The first and the thirteenth month
//! are computed once to warm the caches, then `REPEAT` (7) times (the median counts). Prints
//! lines, milliseconds and lines per second for each, the ratio of the thirteenth to the first
//! (nothing changed), and then the thirteenth again after one resident's death is reported late
//! for the third month.
//!
//! Run it with `scripts/bench-settle.sh` (release build; `DATABASE=postgres` for PostgreSQL).

use std::io::Write;
use std::time::Instant;

use chrono::{Datelike, Days, Months};
use ltci_e2e::world::{person, policy_for_region_a};
use ltci_e2e::{Backend, TestApp, today};
use ltci_server::entities::{agreement, region, stay_charge};
use ltci_shared::PageQuery;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::CreateServiceRelation;
use ltci_shared::api::partners::{PartnerBatch, PartnerEvent, PartnerEventKind, PartnerSource};
use ltci_shared::api::settlement::{Bill, ComputeBill, LinesQuery};
use ltci_shared::api::stays::AdmitRequest;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

fn say(line: impl AsRef<str>) {
    let _ = writeln!(std::io::stdout(), "{}", line.as_ref());
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let beds: u16 = std::env::var("BEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let backend =
        if std::env::var("DATABASE").as_deref() == Ok("postgres") { Backend::Postgres } else { Backend::Sqlite };
    let repeat: usize = std::env::var("REPEAT").ok().and_then(|v| v.parse().ok()).unwrap_or(7).max(1);
    // The server's default margin for late facts (a day), not the tests' strict one; a margin
    // longer than the history (`MARGIN_SECS=40000000`) prices every approved month again, as
    // before the check looked at what changed.
    let margin: u64 = std::env::var("MARGIN_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(86_400);
    let app = TestApp::spawn_with(backend, |c| c.late_fact_margin_secs = margin)
        .await
        .ok_or_else(|| anyhow::anyhow!("the database is not reachable"))?;
    let world = app.world().await;
    let (admin, staff) = (world.as_user("admin_a"), world.as_user("inst_a1"));
    let a1 = world.institution("a1");

    // Thirteen months before this one, under the demo policy in force since two years ago.
    let year = today().year();
    let policy = policy_for_region_a()
        .replace(&format!("effective_from = \"{year}-01-01\""), &format!("effective_from = \"{}-01-01\"", year - 2));
    admin.import_policy(policy, "application/toml").await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let this_month = today().with_day(1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let months: Vec<(chrono::NaiveDate, chrono::NaiveDate, String)> = (1..=13u32)
        .rev()
        .filter_map(|k| {
            let first = this_month.checked_sub_months(Months::new(k))?;
            let last = first.checked_add_months(Months::new(1))? - Days::new(1);
            Some((first, last, first.format("%Y-%m").to_string()))
        })
        .collect();
    let start = months[0].0;
    agreement::Entity::update_many()
        .col_expr(agreement::Column::StartOn, Expr::value(start - Days::new(60)))
        .filter(agreement::Column::InstitutionId.eq(a1))
        .exec(&app.db)
        .await?;

    say(format!("seeding {beds} residents of one institution, charged every day for 13 months…"));
    let region =
        region::Entity::find_by_id(world.region_a).one(&app.db).await?.ok_or_else(|| anyhow::anyhow!("region"))?;
    let mut stays = Vec::new();
    let mut id_numbers = Vec::new();
    for n in 0..beds {
        let p =
            admin.create_insured_person(&person("压测老人", 2_000 + n)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let existing = ltci_server::assessment::certificates::Existing {
            region: region.clone(),
            person_id: p.id,
            institution_id: None,
            care_mode: CareMode::Institutional,
            level: 4,
            effective_on: start - Days::new(30),
            expires_on: today() + Days::new(700),
            recorded_by: Uuid::nil(),
            reason: "bench".into(),
            supersedes: false,
        };
        ltci_server::assessment::certificates::record_existing(&app.db, existing)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message().en()))?;
        let choice = ltci_shared::api::institutions::ProviderChoiceRequest {
            institution_id: a1,
            care_mode: CareMode::Institutional,
            chosen_on: Some(start - Days::new(10)),
        };
        admin.record_provider_choice(p.id, &choice).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let relation = CreateServiceRelation {
            insured_person_id: p.id,
            institution_id: a1,
            care_mode: CareMode::Institutional,
            start_on: start - Days::new(10),
        };
        staff.start_service_relation(&relation).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let admit = AdmitRequest {
            institution_id: None,
            insured_person_id: p.id,
            care_mode: CareMode::Institutional,
            admitted_on: start,
        };
        stays.push(staff.admit(&admit).await.map_err(|e| anyhow::anyhow!("{e}"))?.id);
        id_numbers.push((p.id, person("压测老人", 2_000 + n).id_number));
    }
    let reporter = world.user("inst_a1");
    let last_day = months[months.len() - 1].1;
    let mut rows = Vec::new();
    for day in start.iter_days().take_while(|d| *d <= last_day) {
        for (n, stay) in stays.iter().enumerate() {
            rows.push(stay_charge::ActiveModel {
                id: Set(Uuid::now_v7()),
                stay_id: Set(*stay),
                service_on: Set(day),
                // 50.00 to 99.99: below and above the 60.00 cap.
                amount_fen: Set(5_000 + i64::try_from(n % 5_000).unwrap_or(0)),
                reported_by: Set(reporter),
                reported_at: Set(chrono::Utc::now()),
            });
        }
    }
    let charges = rows.len();
    for chunk in rows.chunks(2_000) {
        stay_charge::Entity::insert_many(chunk.to_vec()).exec(&app.db).await?;
    }
    history(&app.db, chrono::Utc::now() - chrono::Duration::days(2)).await?;
    if backend == Backend::Postgres {
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, "ANALYZE").await?;
    }
    say(format!("{charges} charged bed-days"));

    say("month    history  lines  compute ms  lines/s");
    let mut timings = Vec::new();
    let compute = |month: &str| {
        let request = ComputeBill { institution_id: None, month: month.to_owned() };
        let staff = staff.clone();
        async move {
            let began = Instant::now();
            let bill = staff.compute_bill(&request).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            anyhow::Ok((bill, began.elapsed().as_secs_f64()))
        }
    };
    for (k, (_, _, month)) in months.iter().enumerate() {
        let times = if k == 0 || k + 1 == months.len() { repeat + 1 } else { 1 };
        let mut runs = Vec::new();
        for _ in 0..times {
            runs.push(compute(month).await?);
        }
        let (bill, secs) = median(runs)?;
        say(format!(
            "{month}  {k:>7}  {:>6}  {:>10.1}  {:>7.0}",
            bill.line_count,
            secs * 1_000.0,
            f64::from(bill.line_count) / secs
        ));
        timings.push(secs);
        if k + 1 < months.len() {
            staff.submit_bill(bill.id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            admin.approve_bill(bill.id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    let (first, last) = (timings[0], timings[timings.len() - 1]);
    say(format!(
        "ratio: the month with 12 approved months behind it, nothing changed / the month with none = {:.2} (target ≤ 1.3)",
        last / first
    ));
    // The check alone: which approved months changed since they were last checked.
    let inst = ltci_server::entities::institution::Entity::find_by_id(a1)
        .one(&app.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("institution"))?;
    let mut checks = Vec::new();
    for _ in 0..=repeat {
        let began = Instant::now();
        let (pending, _) = ltci_server::settlement::adjust::pending(
            &app.db,
            &inst,
            this_month - Months::new(1),
            None,
            app.state.config.late_fact_margin(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message().en()))?;
        checks.push((pending.len(), began.elapsed().as_secs_f64()));
    }
    let mut check_secs: Vec<f64> = checks.iter().skip(1).map(|(_, s)| *s).collect();
    check_secs.sort_by(f64::total_cmp);
    say(format!(
        "the check of the 12 approved months: {:.1} ms, {} to price again",
        check_secs[check_secs.len() / 2] * 1_000.0,
        checks[0].0
    ));

    // One resident's death reported late, on the 20th of the third month.
    let died_on = months[2].0 + Days::new(19);
    let death = PartnerEvent {
        source: PartnerSource::CivilAffairs,
        external_ref: "MZ-BENCH-1".into(),
        kind: PartnerEventKind::Death,
        id_number: id_numbers[0].1.clone(),
        on: died_on,
        episode_ref: None,
        hospital: None,
    };
    admin.record_partner_events(&PartnerBatch { events: vec![death] }).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut runs = Vec::new();
    for _ in 0..=repeat {
        runs.push(compute(&months[months.len() - 1].2).await?);
    }
    let (bill, secs) = median(runs)?;
    let theirs = LinesQuery { insured_person_id: Some(id_numbers[0].0), ..LinesQuery::default() };
    let mut adjusted = Vec::new();
    loop {
        let page = PageQuery { limit: Some(100), offset: Some(adjusted.len() as u64) };
        let lines = staff.bill_lines(bill.id, &theirs, page).await.map_err(|e| anyhow::anyhow!("{e}"))?.items;
        if lines.is_empty() {
            break;
        }
        adjusted.extend(lines);
    }
    say(format!(
        "one death reported late for {}: the thirteenth month {:.1} ms ({:.2} × the first), {} lines adjusted",
        months[2].2,
        secs * 1_000.0,
        secs / first,
        adjusted.iter().filter(|l| l.adjusts_bill_id.is_some()).count()
    ));
    Ok(())
}

/// The last bill of several computations of one month, and their median time — the first left
/// out when there are several (it warms the caches).
fn median(runs: Vec<(Bill, f64)>) -> anyhow::Result<(Bill, f64)> {
    let mut secs: Vec<f64> = runs.iter().skip(usize::from(runs.len() > 1)).map(|(_, s)| *s).collect();
    secs.sort_by(f64::total_cmp);
    let middle = secs.get(secs.len() / 2).copied().ok_or_else(|| anyhow::anyhow!("no run"))?;
    let last = runs.into_iter().last().ok_or_else(|| anyhow::anyhow!("no run"))?;
    Ok((last.0, middle))
}

/// Stamps every fact the late-correction check looks at as written at `at`: the history the
/// benchmark seeds was written before the months were billed, not in the same second.
async fn history(db: &sea_orm::DatabaseConnection, at: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    use ltci_server::entities::{certificate, institution, insured_person, policy_version, stay};
    stay_charge::Entity::update_many().col_expr(stay_charge::Column::ReportedAt, Expr::value(at)).exec(db).await?;
    stay::Entity::update_many().col_expr(stay::Column::UpdatedAt, Expr::value(at)).exec(db).await?;
    insured_person::Entity::update_many().col_expr(insured_person::Column::UpdatedAt, Expr::value(at)).exec(db).await?;
    certificate::Entity::update_many().col_expr(certificate::Column::IssuedAt, Expr::value(at)).exec(db).await?;
    institution::Entity::update_many().col_expr(institution::Column::UpdatedAt, Expr::value(at)).exec(db).await?;
    policy_version::Entity::update_many()
        .col_expr(policy_version::Column::ImportedAt, Expr::value(at))
        .exec(db)
        .await?;
    Ok(())
}
