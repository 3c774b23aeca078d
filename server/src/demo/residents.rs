//! The demo's nursing home at work and the agency's next beneficiary: two residents certified for
//! institutional care and admitted on the first of last month, their bed-days charged through
//! all but the month's last week (what `inst2` fills in the grid); one of their certificates
//! runs out within 60 days. And a person certified for home care who chose the agency and is not
//! served yet (whom `inst1` takes on: a service relation and a care plan).

use chrono::{Datelike, Days};
use ltci_shared::api::assessment::CareMode;
use ltci_shared::api::institutions::{CreateServiceRelation, ProviderChoiceRequest};
use ltci_shared::api::stays::{AdmitRequest, ChargeReport, DailyCharge};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{DEMO_AGENCY, DEMO_NURSING_HOME, demo_institution_named};
use crate::entities::{insured_person, region, stay};
use crate::http::error::ApiError;
use crate::state::AppState;

/// What the nursing home charges for a bed-day (the fund pays its share of the policy's cap).
const BED_DAY: &str = "128.00";

/// Seeds them once: nothing when the nursing home already has a stay.
pub async fn seed_residents(state: &AppState) -> anyhow::Result<()> {
    let db = &state.db;
    let admin = crate::auth::Actor::for_command_line(db, "admin").await?;
    let home = demo_institution_named(db, admin.region_id, DEMO_NURSING_HOME).await?;
    let agency = demo_institution_named(db, admin.region_id, DEMO_AGENCY).await?;
    if stay::Entity::find().filter(stay::Column::InstitutionId.eq(home.id)).one(db).await?.is_some() {
        return Ok(());
    }
    let mut persons =
        insured_person::Entity::find().filter(insured_person::Column::RegionId.eq(admin.region_id)).all(db).await?;
    persons.sort_by_key(|p| p.id);
    let [newcomer, first, second] = match persons.get(6..9) {
        Some([a, b, c]) => [a.clone(), b.clone(), c.clone()],
        _ => return Err(anyhow::anyhow!("the demo persons are missing")),
    };
    let region = region::Entity::find_by_id(admin.region_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo region is missing"))?;
    let fail = |e: ApiError| anyhow::anyhow!("demo residents: {}: {:?}", e.message().zh(), e.details());
    let today = admin.today;
    let first_of_month = today.with_day(1).unwrap_or(today);
    let first_of_last_month = (first_of_month - Days::new(1)).with_day(1).unwrap_or(today);
    let certify = |person: &insured_person::Model, institution_id, care_mode, level, expires_on, reason: &str| {
        crate::assessment::certificates::Existing {
            region: region.clone(),
            person_id: person.id,
            institution_id: Some(institution_id),
            care_mode,
            level,
            effective_on: first_of_last_month - Days::new(30),
            expires_on,
            recorded_by: admin.user_id,
            reason: reason.into(),
            supersedes: false,
        }
    };

    // The agency's next beneficiary: certified, chose the agency yesterday, not served yet.
    let existing =
        certify(&newcomer, agency.id, CareMode::HomeVisit, 3, today + Days::new(700), "示范数据：居家失能老人");
    crate::assessment::certificates::record_existing(db, existing).await.map_err(fail)?;
    let choice = ProviderChoiceRequest {
        institution_id: agency.id,
        care_mode: CareMode::HomeVisit,
        chosen_on: Some(today - Days::new(1)),
    };
    crate::institutions::choices::record(state, &admin, newcomer.id, choice).await.map_err(fail)?;

    // The residents, in since the first of last month.
    let residents = [(&first, 5, today + Days::new(45)), (&second, 4, today + Days::new(700))];
    let mut stays = Vec::new();
    for (person, level, expires_on) in residents {
        let existing = certify(person, home.id, CareMode::Institutional, level, expires_on, "示范数据：入住护理院");
        crate::assessment::certificates::record_existing(db, existing).await.map_err(fail)?;
        let relation = CreateServiceRelation {
            insured_person_id: person.id,
            institution_id: home.id,
            care_mode: CareMode::Institutional,
            start_on: first_of_last_month,
        };
        crate::institutions::relations::create(state, &admin, relation).await.map_err(fail)?;
        let admission = AdmitRequest {
            institution_id: Some(home.id),
            insured_person_id: person.id,
            care_mode: CareMode::Institutional,
            admitted_on: first_of_last_month,
        };
        stays.push(crate::care::stays::admit(state, &admin, admission).await.map_err(fail)?.id);
    }

    // Last month's bed-days charged by the home's staff, all but the last week.
    let staff = super::staff_of(db, &admin, "inst2", home.id).await?;
    let amount: rust_decimal::Decimal = BED_DAY.parse()?;
    let through = first_of_month - Days::new(8);
    let charges = stays
        .iter()
        .flat_map(|stay| {
            first_of_last_month.iter_days().take_while(move |d| *d <= through).map(move |on| DailyCharge {
                stay_id: *stay,
                on,
                amount,
            })
        })
        .collect();
    let report = ChargeReport { institution_id: None, month: first_of_last_month.format("%Y-%m").to_string(), charges };
    crate::care::stays::report_charges(state, &staff, report).await.map_err(fail)?;
    Ok(())
}
