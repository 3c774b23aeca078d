//! The console's names for the API's enums that have none of their own in the catalogue.

use ltci_shared::Sex;
use ltci_shared::api::care::VisitState;
use ltci_shared::api::partners::{DismissalCode, PartnerEventKind, PartnerEventState, PartnerSource};
use ltci_shared::api::users::Role;
use ltci_shared::messages as m;
use ltci_shared::text::Text;

pub fn role(r: Role) -> Text {
    match r {
        Role::Admin => m::ui_role_admin(),
        Role::Assessor => m::ui_role_assessor(),
        Role::Institution => m::ui_role_institution(),
        Role::Caregiver => m::ui_role_caregiver(),
        Role::Auditor => m::ui_role_auditor(),
    }
}

pub fn sex(s: Sex) -> Text {
    match s {
        Sex::Male => m::ui_male(),
        Sex::Female => m::ui_female(),
    }
}

pub fn partner_source(s: PartnerSource) -> Text {
    match s {
        PartnerSource::MedicalInsurance => m::ui_source_medical_insurance(),
        PartnerSource::CivilAffairs => m::ui_source_civil_affairs(),
    }
}

pub fn partner_kind(k: PartnerEventKind) -> Text {
    match k {
        PartnerEventKind::HospitalAdmission => m::ui_event_admission(),
        PartnerEventKind::HospitalDischarge => m::ui_event_discharge(),
        PartnerEventKind::Death => m::ui_event_death(),
    }
}

pub fn partner_state(s: PartnerEventState) -> Text {
    match s {
        PartnerEventState::Unmatched => m::ui_event_unmatched(),
        PartnerEventState::Matched => m::ui_event_matched(),
        PartnerEventState::Dismissed => m::ui_event_dismissed(),
    }
}

pub fn dismissal(c: DismissalCode) -> Text {
    match c {
        DismissalCode::NotInsuredHere => m::ui_dismissal_not_insured_here(),
        DismissalCode::ReportedInError => m::ui_dismissal_reported_in_error(),
    }
}

/// A visit's state (待服务, 服务中, 已核验 …).
pub fn visit_state(s: VisitState) -> Text {
    match s {
        VisitState::Scheduled => m::ui_visit_scheduled(),
        VisitState::InProgress => m::ui_visit_in_progress(),
        VisitState::Completed => m::ui_visit_completed(),
        VisitState::Verified => m::ui_visit_verified(),
        VisitState::NeedsReview => m::ui_visit_needs_review(),
        VisitState::Rejected => m::ui_visit_rejected(),
        VisitState::Missed => m::ui_visit_missed(),
    }
}
