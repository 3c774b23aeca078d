//! What an institution keeps up to date itself: address, contact, staff counts and its legal
//! representative. Designation
//! fields change only through the workflow in [`super::designation`].

use chrono::{NaiveDate, Utc};
use ltci_shared::api::institutions::{Institution, InstitutionStatus, UpdateInstitutionProfile};
use ltci_shared::api::registry::Address;
use ltci_shared::error::codes;
use ltci_shared::messages as m;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

use super::designation::{find_in_scope, view_one};
use super::representative;
use super::views::status;
use crate::audit::{self, AuditActor};
use crate::auth::{Actor, Permission};
use crate::entities::institution;
use crate::fields::check_text;
use crate::http::error::{ApiError, ApiResult, FieldErrors};
use crate::registry::validate;
use crate::state::AppState;

fn count(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// The fields of an edit as they are recorded, once checked.
#[derive(Debug)]
pub struct Checked {
    address: Option<Address>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    legal_representative: Option<representative::Checked>,
}

/// Checks the fields present into `errors` (every bad one named, under its path).
pub fn check(req: &UpdateInstitutionProfile, errors: &mut FieldErrors, today: NaiveDate) -> Checked {
    Checked {
        address: req.address.as_ref().and_then(|a| validate::address(errors, "address", a)),
        contact_name: req.contact_name.as_deref().and_then(|n| errors.take("contact_name", check_text(n, 50))),
        contact_phone: req.contact_phone.as_deref().and_then(|p| errors.take("contact_phone", validate::phone(p))),
        legal_representative: req.legal_representative.as_ref().and_then(|r| representative::check(errors, r, today)),
    }
}

/// Changes the fields present (institution staff for their own institution, officers for any in
/// the region); a stale `version` gets 409 so no edit is lost.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    req: UpdateInstitutionProfile,
) -> ApiResult<Institution> {
    actor.require(Permission::EditInstitutionProfile)?;
    let mut errors = FieldErrors::new();
    let Checked { address, contact_name, contact_phone, legal_representative } = check(&req, &mut errors, actor.today);
    errors.finish()?;
    let txn = state.db.begin().await?;
    let m = find_in_scope(&txn, actor, id).await?;
    let st = status(&m)?;
    if matches!(st, InstitutionStatus::Rejected | InstitutionStatus::Terminated) {
        return Err(ApiError::state_conflict(codes::INVALID_STATE_TRANSITION, &m.status, m::closed_record()));
    }
    if m.version != req.version {
        return Err(ApiError::conflict("version", m::institution_changed_meanwhile()));
    }
    let mut next = institution::ActiveModel {
        version: Set(m.version + 1),
        updated_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    let mut changed = Vec::new();
    if let Some(a) = address {
        next.address_text = Set(Some(a.text));
        next.latitude = Set(a.latitude);
        next.longitude = Set(a.longitude);
        changed.push("address");
    }
    if let Some(n) = contact_name {
        next.contact_name = Set(Some(n));
        changed.push("contact_name");
    }
    if let Some(p) = contact_phone {
        next.contact_phone = Set(Some(p));
        changed.push("contact_phone");
    }
    if let Some(r) = legal_representative {
        let (name, hash, masked) = representative::admit(&txn, &state.pii, m.region_id, r, actor.today).await?;
        next.legal_rep_name = Set(Some(name));
        next.legal_rep_id_hash = Set(Some(hash));
        next.legal_rep_id_masked = Set(Some(masked));
        changed.push("legal_representative");
    }
    if let Some(s) = req.staff {
        next.doctors = Set(Some(count(s.doctors)));
        next.nurses = Set(Some(count(s.nurses)));
        next.certified_caregivers = Set(Some(count(s.certified_caregivers)));
        changed.push("staff");
    }
    let result = institution::Entity::update_many()
        .set(next)
        .filter(institution::Column::Id.eq(m.id))
        .filter(institution::Column::Version.eq(m.version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(ApiError::conflict("version", m::institution_changed_meanwhile()));
    }
    audit::record(&txn, &AuditActor::from(actor), "institution.update", "institution", m.id, &changed).await?;
    audit::commit(txn).await?;
    view_one(&state.db, id).await
}
