//! The console's names for the API's enums that have none of their own in the catalogue.

use ltci_shared::Sex;
use ltci_shared::api::care::{
    CorrectionReason, ExceptionCode, NotDoneReason, QueueKind, ResolutionCode, Severity, UnscheduledReason, VisitState,
};
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

/// Why staff corrected a visit.
pub fn correction_reason(r: CorrectionReason) -> Text {
    match r {
        CorrectionReason::DeviceClockWrong => m::ui_correction_clock(),
        CorrectionReason::ForgotToCheck => m::ui_correction_forgot(),
        CorrectionReason::GpsDrift => m::ui_correction_gps(),
        CorrectionReason::ServedElsewhere => m::ui_correction_elsewhere(),
        CorrectionReason::Other => m::ui_correction_other(),
    }
}

/// A reviewer's resolution of a finding (or decision on a whole visit).
pub fn resolution(r: ResolutionCode) -> Text {
    match r {
        ResolutionCode::ConfirmedByBeneficiary => m::ui_resolution_beneficiary(),
        ResolutionCode::ConfirmedBySupervisor => m::ui_resolution_supervisor(),
        ResolutionCode::DocumentationProvided => m::ui_resolution_documents(),
        ResolutionCode::NotConfirmed => m::ui_resolution_not_confirmed(),
    }
}

/// Why an item was not done.
pub fn not_done(r: NotDoneReason) -> Text {
    match r {
        NotDoneReason::Refused => m::ui_not_done_refused(),
        NotDoneReason::DoneByFamily => m::ui_not_done_by_family(),
        NotDoneReason::NotNeeded => m::ui_not_done_not_needed(),
        NotDoneReason::Other => m::ui_not_done_other(),
    }
}

/// Why a caregiver made an unscheduled visit.
pub fn unscheduled_reason(r: UnscheduledReason) -> Text {
    match r {
        UnscheduledReason::UrgentNeed => m::ui_unscheduled_urgent(),
        UnscheduledReason::Replacement => m::ui_unscheduled_replacement(),
        UnscheduledReason::Rescheduled => m::ui_unscheduled_rescheduled(),
        UnscheduledReason::Other => m::ui_unscheduled_other(),
    }
}

/// How much a finding matters.
pub fn severity(s: Severity) -> Text {
    match s {
        Severity::Info => m::ui_severity_info(),
        Severity::Review => m::ui_severity_review(),
        Severity::Block => m::ui_severity_block(),
    }
}

/// A kind of item of the visits' exception queue.
pub fn queue_kind(k: QueueKind) -> Text {
    match k {
        QueueKind::NeedsReview => m::ui_queue_needs_review(),
        QueueKind::MissedCheckIn => m::ui_queue_missed_check_in(),
        QueueKind::MissedCheckOut => m::ui_queue_missed_check_out(),
        QueueKind::Unmatched => m::ui_queue_unmatched(),
    }
}

/// A finding's code, named for people.
pub fn exception_code(c: ExceptionCode) -> Text {
    match c {
        ExceptionCode::OutsideGeofence => m::ui_x_outside_geofence(),
        ExceptionCode::LocationUnavailable => m::ui_x_location_unavailable(),
        ExceptionCode::NoRegisteredLocation => m::ui_x_no_registered_location(),
        ExceptionCode::TooShort => m::ui_x_too_short(),
        ExceptionCode::OverlappingVisit => m::ui_x_overlapping(),
        ExceptionCode::OffScheduleDay => m::ui_x_off_schedule_day(),
        ExceptionCode::NotCertified => m::ui_x_not_certified(),
        ExceptionCode::Hospitalised => m::ui_x_hospitalised(),
        ExceptionCode::Deceased => m::ui_x_deceased(),
        ExceptionCode::UnqualifiedCaregiver => m::ui_x_unqualified(),
        ExceptionCode::OverFrequency => m::ui_x_over_frequency(),
        ExceptionCode::NotInPlan => m::ui_x_not_in_plan(),
        ExceptionCode::TaskNotRecorded => m::ui_x_task_not_recorded(),
        ExceptionCode::MockLocation => m::ui_x_mock_location(),
        ExceptionCode::SamePoint => m::ui_x_same_point(),
        ExceptionCode::NotAssigned => m::ui_x_not_assigned(),
    }
}

/// The name of a number in a finding's evidence (its key otherwise).
pub fn evidence(key: &str) -> Option<Text> {
    Some(match key {
        "distance_km" => m::evidence_distance_km(),
        "minutes" => m::evidence_minutes(),
        "speed_kmh" => m::evidence_speed_kmh(),
        "max_travel_speed_kmh" => m::evidence_max_travel_speed_kmh(),
        "overlap_minutes" => m::evidence_overlap_minutes(),
        "visits" => m::evidence_visits(),
        "hours" => m::evidence_hours(),
        "max_caregiver_hours_per_day" => m::evidence_max_caregiver_hours_per_day(),
        "check_ins" => m::evidence_check_ins(),
        "at_the_same_minute" => m::evidence_at_the_same_minute(),
        "minute" => m::evidence_minute(),
        "repeated_check_in_min" => m::evidence_repeated_check_in_min(),
        "repeated_check_in_share_pct" => m::evidence_repeated_check_in_share_pct(),
        "at_minimum" => m::evidence_at_minimum(),
        "share_pct" => m::evidence_share_pct(),
        "min_duration_share_pct" => m::evidence_min_duration_share_pct(),
        "min_duration_margin_pct" => m::evidence_min_duration_margin_pct(),
        "latitude" => m::evidence_latitude(),
        "longitude" => m::evidence_longitude(),
        "beneficiaries" => m::evidence_beneficiaries(),
        "geofence_radius_m" => m::evidence_geofence_radius_m(),
        "days" => m::evidence_days(),
        "died_on" => m::evidence_died_on(),
        "services_per_beneficiary" => m::evidence_services_per_beneficiary(),
        "peers" => m::evidence_peers(),
        "peer_median" => m::evidence_peer_median(),
        "peer_score" => m::evidence_peer_score(),
        "own_median" => m::evidence_own_median(),
        "own_score" => m::evidence_own_score(),
        "peer_score_min" => m::evidence_peer_score_min(),
        "day" => m::evidence_day(),
        "admitted_on" => m::evidence_admitted_on(),
        "discharged_on" => m::evidence_discharged_on(),
        "expires_on" => m::evidence_expires_on(),
        "end_on" => m::evidence_end_on(),
        "items" => m::evidence_items(),
        "week_hours" => m::evidence_week_hours(),
        "max_caregiver_hours_per_week" => m::evidence_max_caregiver_hours_per_week(),
        "days_over" => m::evidence_days_over(),
        "no_fix_visits_per_month" => m::evidence_no_fix_visits_per_month(),
        _ => return None,
    })
}
