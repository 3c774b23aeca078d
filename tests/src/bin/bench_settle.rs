//! Settlement benchmark: an institution with `BEDS` (200) residents charged every day for thirteen
//! months. The first month is computed with no history (the baseline); the next eleven are
//! computed, submitted and approved in turn, so each carries the late-correction check of every
//! approved month before it; the thirteenth is computed with twelve approved months behind it.
//! Prints lines, seconds and lines per second for each, and the ratio of the last to the first.
//!
//! Run it with `scripts/bench-settle.sh` (release build; `DATABASE=postgres` for PostgreSQL).

use std::io::Write;
use std::time::Instant;

use chrono::{Datelike, Days, Months};
use ltci_e2e::world::{person, policy_for_region_a};
use ltci_e2e::{Backend, TestApp, today};
use ltci_server::entities::{agreement, region, stay_charge};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::CreateServiceRelation;
use ltci_shared::api::settlement::ComputeBill;
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
    let app = TestApp::spawn(backend).await.ok_or_else(|| anyhow::anyhow!("the database is not reachable"))?;
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
    if backend == Backend::Postgres {
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, "ANALYZE").await?;
    }
    say(format!("{charges} charged bed-days"));

    say("month    history  lines   compute s  lines/s");
    let mut timings = Vec::new();
    for (k, (_, _, month)) in months.iter().enumerate() {
        let began = Instant::now();
        let bill = staff
            .compute_bill(&ComputeBill { institution_id: None, month: month.clone() })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let secs = began.elapsed().as_secs_f64();
        say(format!(
            "{month}  {k:>7}  {:>6}  {secs:>9.2}  {:>7.0}",
            bill.line_count,
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
        "ratio: the month with 12 approved months behind it / the month with none = {:.1} (13 months priced against 1)",
        last / first
    ));
    Ok(())
}
