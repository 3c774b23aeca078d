//! How institutions, agreements and service relations are shown through the API.

use ltci_shared::api::institutions::{
    Agreement, Institution, InstitutionEvent, InstitutionStatus, ServiceMode, ServiceRelation, StaffCounts,
};
use ltci_shared::api::registry::Address;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::{agreement, enum_from_db, institution, institution_event, service_relation};
use crate::http::error::{ApiError, ApiResult};

pub fn modes(json: Option<&str>) -> ApiResult<Vec<ServiceMode>> {
    match json {
        Some(j) => Ok(serde_json::from_str(j).map_err(anyhow::Error::from)?),
        None => Ok(Vec::new()),
    }
}

pub fn status(m: &institution::Model) -> ApiResult<InstitutionStatus> {
    enum_from_db(&m.status).map_err(ApiError::from)
}

fn u(v: Option<i32>) -> Option<u32> {
    v.and_then(|x| u32::try_from(x).ok())
}

pub fn agreement_view(a: &agreement::Model) -> ApiResult<Agreement> {
    Ok(Agreement {
        id: a.id,
        number: a.number.clone(),
        start_on: a.start_on,
        end_on: a.end_on,
        modes: modes(Some(&a.modes))?,
        bed_quota: u32::try_from(a.bed_quota).unwrap_or(0),
        signed_at: a.signed_at,
    })
}

pub fn relation_view(r: service_relation::Model) -> ApiResult<ServiceRelation> {
    Ok(ServiceRelation {
        id: r.id,
        insured_person_id: r.insured_person_id,
        institution_id: r.institution_id,
        care_mode: enum_from_db(&r.care_mode)?,
        start_on: r.start_on,
        end_on: r.end_on,
        end_reason: r.end_reason,
    })
}

/// The API views of institutions, loading agreements and events in one query each.
pub async fn institutions<C: ConnectionTrait>(db: &C, list: Vec<institution::Model>) -> ApiResult<Vec<Institution>> {
    let ids: Vec<Uuid> = list.iter().map(|i| i.id).collect();
    let agreements = agreement::Entity::find()
        .filter(agreement::Column::InstitutionId.is_in(ids.clone()))
        .order_by_asc(agreement::Column::StartOn)
        .all(db)
        .await?;
    let events = institution_event::Entity::find()
        .filter(institution_event::Column::InstitutionId.is_in(ids))
        .order_by_asc(institution_event::Column::At)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(list.len());
    for m in list {
        let staff = match (u(m.doctors), u(m.nurses), u(m.certified_caregivers)) {
            (Some(doctors), Some(nurses), Some(certified_caregivers)) => {
                Some(StaffCounts { doctors, nurses, certified_caregivers })
            }
            _ => None,
        };
        out.push(Institution {
            id: m.id,
            region_id: m.region_id,
            name: m.name.clone(),
            uscc: m.uscc.clone(),
            kind: m.kind.as_deref().map(enum_from_db).transpose()?,
            hospital_tier: m.hospital_tier.and_then(|t| u8::try_from(t).ok()),
            requested_modes: modes(m.requested_modes.as_deref())?,
            licensed_beds: u(m.licensed_beds),
            staff,
            address: m.address_text.clone().map(|text| Address { text, latitude: m.latitude, longitude: m.longitude }),
            contact_name: m.contact_name.clone(),
            contact_phone: m.contact_phone.clone(),
            legal_representative: super::representative::shown(&m),
            status: status(&m)?,
            inspection_score: u(m.inspection_score),
            approved_modes: modes(m.approved_modes.as_deref())?,
            bed_quota: u(m.bed_quota),
            agreements: agreements
                .iter()
                .filter(|a| a.institution_id == m.id)
                .map(agreement_view)
                .collect::<ApiResult<_>>()?,
            events: events
                .iter()
                .filter(|e| e.institution_id == m.id)
                .map(|e| InstitutionEvent {
                    kind: e.kind.clone(),
                    reason: e.reason.clone(),
                    effective_on: e.effective_on,
                    details: e.details_json.as_deref().and_then(|d| serde_json::from_str(d).ok()),
                    by_user_id: e.by_user_id,
                    at: e.at,
                })
                .collect(),
            version: m.version,
            created_at: m.created_at,
        });
    }
    Ok(out)
}
