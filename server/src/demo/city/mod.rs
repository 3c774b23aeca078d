//! A city of any size (`ltci-server demo --scale N`): a seeded, reproducible register of N
//! certified beneficiaries over institutions of every mode — nursing homes, hospital wards of the
//! three tiers, home-care agencies with home visits and family care — written as the go-live CSV
//! files and brought in through the imports, then the past months' services recorded (see
//! [`services`]), with a policy change and reassessments within the period ([`changes`]). The
//! benchmarks of the console, supervision and month-end run on it.

mod changes;
pub mod frauds;
pub mod names;
pub mod register;
mod services;
mod visits;

pub use services::staff_username;

use std::path::PathBuf;
use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate};
use ltci_shared::api::imports::ImportSummary;
use ltci_shared::api::institutions::InstitutionKind;
use ltci_shared::messages as m;
use ltci_shared::text::Text;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use self::register::{Plan, Register};
use self::services::{Life, Period, Policies};
use crate::auth::Actor;
use crate::entities::{county, policy_version as pv, region};
use crate::state::AppState;

/// What to build.
#[derive(Debug, Clone)]
pub struct CityOptions {
    /// Certified beneficiaries.
    pub scale: u32,
    pub seed: u64,
    /// Whole months of services before this one (this month's days up to yesterday too).
    pub months: u32,
    /// Where the CSV files are written.
    pub out: PathBuf,
}

/// One stage done: its name, how many records it wrote, how long it took.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: Text,
    pub count: u64,
    pub seconds: f64,
}

/// What was built.
#[derive(Debug, Clone)]
pub struct CityReport {
    pub imports: Vec<ImportSummary>,
    pub stages: Vec<Stage>,
    pub first_service_day: NaiveDate,
    /// The staff logins of the largest nursing home and agency and the first home caregiver's
    /// (password `demo1234`).
    pub logins: Vec<String>,
    pub seconds: f64,
}

/// How far a stage is, for a progress display: the stage, done, in all.
pub type Progress<'a> = &'a mut (dyn FnMut(&Text, usize, usize) + Send);

/// The first day services are recorded for: the first of the month `months` before this one, and
/// not before the region's first benefit policy.
fn first_service_day(today: NaiveDate, months: u32, policy_from: NaiveDate) -> NaiveDate {
    let this_month = today.with_day(1).unwrap_or(today);
    this_month.checked_sub_months(Months::new(months)).unwrap_or(this_month).max(policy_from)
}

/// The register's plan for the officer's region: its name and counties, today, the first day
/// of the services recorded.
async fn plan_for(state: &AppState, actor: &Actor, o: &CityOptions) -> anyhow::Result<(Plan, Period, region::Model)> {
    let db = &state.db;
    let region = region::Entity::find_by_id(actor.region_id).one(db).await?.ok_or_else(|| anyhow::anyhow!("region"))?;
    let counties: Vec<String> = county::Entity::find()
        .filter(county::Column::RegionId.eq(actor.region_id))
        .order_by_asc(county::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    anyhow::ensure!(!counties.is_empty(), "{}", m::city_needs_a_county().zh());
    let policy_from = pv::Entity::find()
        .filter(pv::Column::RegionId.eq(actor.region_id))
        .order_by_asc(pv::Column::EffectiveFrom)
        .one(db)
        .await?
        .map(|v| v.effective_from)
        .ok_or_else(|| anyhow::anyhow!("{}", m::city_needs_a_policy().zh()))?;
    let today = actor.today;
    let first = first_service_day(today, o.months, policy_from);
    let period = Period { first, last: today.pred_opt().unwrap_or(today) };
    let plan =
        Plan { scale: o.scale, seed: o.seed, today, first_service_day: first, city: region.name.clone(), counties };
    Ok((plan, period, region))
}

/// Writes the city's register files into `o.out` and nothing else (`demo --scale N --files-only`:
/// files of a city's size to try an import with). Answers each file's kind and lines.
pub async fn write_register(
    state: &AppState,
    actor: &Actor,
    o: &CityOptions,
) -> anyhow::Result<Vec<(ImportSummary, PathBuf)>> {
    let (plan, _, _) = plan_for(state, actor, o).await?;
    std::fs::create_dir_all(&o.out)?;
    let mut out = Vec::new();
    for (kind, bytes) in Register::generate(&plan).files(&plan) {
        let path = o.out.join(format!("{}.csv", kind.as_str()));
        std::fs::write(&path, &bytes)?;
        let lines = u32::try_from(bytes.iter().filter(|b| **b == b'\n').count().saturating_sub(1)).unwrap_or(u32::MAX);
        let summary =
            ImportSummary { kind, lines, created: 0, unchanged: 0, file_sha256: crate::digest::sha256_hex(&bytes) };
        out.push((summary, path));
    }
    Ok(out)
}

/// Builds the city into the officer's region.
pub async fn build(
    state: &AppState,
    actor: &Actor,
    o: &CityOptions,
    progress: Progress<'_>,
) -> anyhow::Result<CityReport> {
    let started = Instant::now();
    let db = &state.db;
    let (plan, period, region) = plan_for(state, actor, o).await?;
    let (today, first) = (plan.today, plan.first_service_day);
    let mut stages = Vec::new();
    let mut stage = |name: Text, count: u64, since: Instant| {
        stages.push(Stage { name, count, seconds: since.elapsed().as_secs_f64() });
    };

    // The register, as files, through the imports.
    let t = Instant::now();
    let name = m::city_stage_register();
    progress(&name, 0, 1);
    let reg = Register::generate(&plan);
    std::fs::create_dir_all(&o.out)?;
    let mut imports = Vec::new();
    for (kind, bytes) in reg.files(&plan) {
        std::fs::write(o.out.join(format!("{}.csv", kind.as_str())), &bytes)?;
        let kind_name = kind.text();
        let mut tick = |_: crate::imports::Stage, done: usize, total: usize| progress(&kind_name, done, total);
        let summary =
            crate::imports::import(state, actor, kind, &bytes, &mut tick).await.map_err(refused(kind.as_str()))?;
        imports.push(summary);
    }
    stage(name, imports.iter().map(|s| u64::from(s.created)).sum(), t);

    let mut rng = ChaCha8Rng::seed_from_u64(o.seed ^ 0x5345_5256_4943_4553);
    let t = Instant::now();
    let name = m::city_stage_contributions();
    progress(&name, 0, 1);
    let file = services::contributions_file(&reg, &mut rng, period);
    std::fs::write(o.out.join("contributions.csv"), &file)?;
    let mut tick = |_: &'static str, done: usize, total: usize| progress(&name, done, total);
    let outcome = crate::funding::import::import_contributions(db, &state.pii, actor, file.as_slice(), &mut tick)
        .await
        .map_err(refused("contributions"))?;
    stage(m::city_stage_contributions(), u64::from(outcome.posted), t);

    let t = Instant::now();
    let mut ids = services::ids(state, actor, &reg).await?;
    let created = services::accounts(state, actor, &region.code, &reg, &mut ids).await?;
    stage(m::city_stage_accounts(), created as u64, t);
    let first_of = |kind| reg.institutions.iter().find(|i| i.kind == kind);
    let logins = [
        first_of(InstitutionKind::NursingHome).map(|i| staff_username(&region.code, &i.reference)),
        first_of(InstitutionKind::HomeCareAgency).map(|i| staff_username(&region.code, &i.reference)),
        reg.caregivers.iter().find(|c| c.visits_homes).map(|c| staff_username(&region.code, &c.reference)),
    ]
    .into_iter()
    .flatten()
    .collect();

    let life = Life::draw(&mut rng, &reg, period, today);
    let t = Instant::now();
    let changed = changes::policy_change(state, actor, period).await?;
    stage(m::city_stage_policy_change(), u64::from(changed), t);
    let policies =
        Policies::load(state, actor.region_id, first.checked_sub_days(chrono::Days::new(45)).unwrap_or(first), today)
            .await?;
    let t = Instant::now();
    let (plans, created) = services::plans(state, actor, &reg, &ids, &policies, &mut rng, period).await?;
    stage(m::city_stage_plans(), created as u64, t);
    let t = Instant::now();
    let (stays, created) = services::stays(state, actor, &reg, &ids).await?;
    stage(m::city_stage_stays(), created as u64, t);

    let t = Instant::now();
    let name = m::city_stage_charges();
    let mut tick = |done: usize, total: usize| progress(&name, done, total);
    let recorded = services::charges(state, actor, &reg, &ids, &stays, &life, period, &mut tick).await?;
    stage(m::city_stage_charges(), recorded, t);

    let t = Instant::now();
    let name = m::city_stage_visits();
    let mut tick = |done: usize, total: usize| progress(&name, done, total);
    let (visits, events) =
        services::home_visits(state, actor, &reg, &ids, &plans, &policies, &life, &mut rng, period, &mut tick).await?;
    stage(m::city_stage_visits(), visits, t);
    stage(m::city_stage_visit_events(), events, t);

    // Hospital stays and deaths, a day's feed at a time as the partners send them.
    let t = Instant::now();
    let name = m::city_stage_partner_events();
    let episodes = services::partner_events(&reg, &life);
    std::fs::write(o.out.join("partner-events.csv"), services::partner_file(&episodes))?;
    let mut applied = 0u64;
    let mut batch: Vec<[String; 7]> = Vec::new();
    let total = episodes.len();
    for (k, episode) in episodes.into_iter().enumerate() {
        if batch.len() + episode.len() > ltci_shared::api::partners::MAX_PARTNER_EVENTS {
            applied += apply_partner_events(state, actor, std::mem::take(&mut batch)).await?;
        }
        batch.extend(episode);
        progress(&name, k + 1, total);
    }
    if !batch.is_empty() {
        applied += apply_partner_events(state, actor, batch).await?;
    }
    stage(name, applied, t);

    // Reassessments, recorded after the services they change the price of (as they would be).
    let t = Instant::now();
    let mut changes_rng = ChaCha8Rng::seed_from_u64(o.seed ^ 0x4c45_5645_4c53);
    let reassessed = changes::level_changes(state, actor, &reg, &ids, &life, &mut changes_rng, period).await?;
    stage(m::city_stage_level_changes(), reassessed as u64, t);

    Ok(CityReport { imports, stages, first_service_day: first, logins, seconds: started.elapsed().as_secs_f64() })
}

async fn apply_partner_events(state: &AppState, actor: &Actor, lines: Vec<[String; 7]>) -> anyhow::Result<u64> {
    let file = services::partner_file(&[lines]);
    let (events, places) = crate::care::partners::parse_csv(&file).map_err(refused("partner-events"))?;
    let outcome =
        crate::care::partners::import(state, actor, events, places).await.map_err(refused("partner-events"))?;
    Ok(u64::from(outcome.applied))
}

/// An import the generator's own file failed: a defect of the generator, told with every problem.
fn refused(what: &'static str) -> impl Fn(crate::http::error::ApiError) -> anyhow::Error {
    move |e| {
        let problems: Vec<String> =
            e.details().iter().take(20).map(|(f, i)| format!("{f}: {} ({})", i.text.zh(), i.code)).collect();
        anyhow::anyhow!("{what}: {}\n{}", e.message().zh(), problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    #[test]
    fn services_begin_whole_months_back_but_not_before_the_first_policy() {
        assert_eq!(first_service_day(d("2026-12-01"), 2, d("2026-01-01")), d("2026-10-01"));
        assert_eq!(first_service_day(d("2026-12-15"), 0, d("2026-01-01")), d("2026-12-01"));
        assert_eq!(first_service_day(d("2026-02-10"), 3, d("2026-01-01")), d("2026-01-01"));
    }
}
