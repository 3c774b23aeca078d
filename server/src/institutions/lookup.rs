//! Finding the person to serve: institution staff give the full ID number (in the body, never a
//! URL) and learn only what opening a service relation needs — name, masked number, whether
//! certified and for which modes, and which modes the person chose them for. Every lookup is in
//! the audit trail.

use ltci_shared::api::registry::{PersonLookup, PersonLookupRequest};
use ltci_shared::messages as m;
use ltci_shared::policy::MODES;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::assessment::certificates;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::insured_person;
use crate::http::error::{ApiError, ApiResult};
use crate::policy::service as policy;
use crate::registry::persons::id_number_rule;
use crate::state::AppState;

/// Looks a person of the actor's region up by the full ID number; `404` for nobody there.
pub async fn lookup(state: &AppState, actor: &Actor, req: PersonLookupRequest) -> ApiResult<PersonLookup> {
    actor.require(Permission::LookUpPersons)?;
    let id =
        id_number_rule(&req.id_number, actor.today).map_err(|(c, t)| ApiError::invalid_field("id_number", c, t))?;
    let person = insured_person::Entity::find()
        .filter(insured_person::Column::RegionId.eq(actor.region_id))
        .filter(insured_person::Column::IdNumberHash.eq(state.pii.index(id.as_str())))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(m::thing_insured_person()))?;
    let certificate = certificates::in_force_for_person(&state.db, person.id, actor.today).await?;
    let level = certificate.as_ref().and_then(|c| u8::try_from(c.level).ok());
    let eligible_modes = match (level, policy::in_force_document(&state.db, actor.region_id, actor.today).await?) {
        (Some(level), Some(doc)) => MODES.into_iter().filter(|mode| doc.eligible(*mode, level)).collect(),
        _ => Vec::new(),
    };
    let chosen_modes = match actor.institution_id {
        Some(inst) => super::choices::chosen_modes(&state.db, person.id, inst, actor.today).await?,
        None => Vec::new(),
    };
    let txn = state.db.begin().await?;
    audit::record(&txn, &AuditActor::from(actor), "insured_person.lookup", "insured_person", person.id, &[]).await?;
    audit::commit(txn).await?;
    Ok(PersonLookup {
        id: person.id,
        name: person.name,
        id_number: person.id_number_masked,
        certified: certificate.is_some(),
        eligible_modes,
        chosen_modes,
    })
}
