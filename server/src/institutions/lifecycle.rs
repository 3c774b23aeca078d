//! The designation state machine, as a pure function.
//!
//! ```text
//! submitted ─documents accepted─► inspection_pending ─inspection─► inspected ─approve─► approved ─agreement─► active
//!     │ documents rejected                                             │ reject                               │  ▲
//!     ▼                                                                ▼                             suspend │  │ resume
//!  rejected ◄──────────────────────────────────────────────────────────┘                                     ▼  │
//!                                                          terminated ◄──── terminate (active or suspended) suspended
//! ```
//! Renewal (a new agreement) keeps an active or suspended institution where it is.

use ltci_shared::api::institutions::InstitutionStatus;

/// A step of the designation workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    AcceptDocuments,
    RejectDocuments,
    Inspect,
    Approve,
    Reject,
    SignAgreement,
    Renew,
    Suspend,
    Resume,
    Terminate,
}

impl Step {
    /// The event kind recorded on the institution, and the audit action `institution.<kind>`.
    /// The step's name for people.
    pub fn text(self) -> ltci_shared::text::Text {
        use ltci_shared::messages as m;
        match self {
            Step::AcceptDocuments => m::istep_accept_documents(),
            Step::RejectDocuments => m::istep_reject_documents(),
            Step::Inspect => m::istep_inspect(),
            Step::Approve => m::istep_approve(),
            Step::Reject => m::istep_reject(),
            Step::SignAgreement => m::istep_sign_agreement(),
            Step::Renew => m::istep_renew(),
            Step::Suspend => m::istep_suspend(),
            Step::Resume => m::istep_resume(),
            Step::Terminate => m::istep_terminate(),
        }
    }

    pub fn event_kind(self) -> &'static str {
        match self {
            Step::AcceptDocuments => "documents_accepted",
            Step::RejectDocuments => "documents_rejected",
            Step::Inspect => "inspected",
            Step::Approve => "approved",
            Step::Reject => "rejected",
            Step::SignAgreement => "agreement_signed",
            Step::Renew => "renewed",
            Step::Suspend => "suspended",
            Step::Resume => "resumed",
            Step::Terminate => "terminated",
        }
    }
}

/// The status after `step`, or `None` if `status` does not allow it.
pub fn next(status: InstitutionStatus, step: Step) -> Option<InstitutionStatus> {
    use InstitutionStatus::*;
    match (status, step) {
        (Submitted, Step::AcceptDocuments) => Some(InspectionPending),
        (Submitted, Step::RejectDocuments) => Some(Rejected),
        (InspectionPending, Step::Inspect) => Some(Inspected),
        (Inspected, Step::Approve) => Some(Approved),
        (Inspected, Step::Reject) => Some(Rejected),
        (Approved, Step::SignAgreement) => Some(Active),
        (Active | Suspended, Step::Renew) => Some(status),
        (Active, Step::Suspend) => Some(Suspended),
        (Suspended, Step::Resume) => Some(Active),
        (Active | Suspended, Step::Terminate) => Some(Terminated),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InstitutionStatus::*;

    #[test]
    fn the_designation_path() {
        let path = [
            (Submitted, Step::AcceptDocuments, InspectionPending),
            (InspectionPending, Step::Inspect, Inspected),
            (Inspected, Step::Approve, Approved),
            (Approved, Step::SignAgreement, Active),
            (Active, Step::Suspend, Suspended),
            (Suspended, Step::Renew, Suspended),
            (Suspended, Step::Resume, Active),
            (Active, Step::Terminate, Terminated),
        ];
        for (from, step, to) in path {
            assert_eq!(next(from, step), Some(to), "{from:?} {step:?}");
        }
    }

    #[test]
    fn final_states_and_skipped_steps_are_refused() {
        for step in
            [Step::AcceptDocuments, Step::Inspect, Step::Approve, Step::SignAgreement, Step::Resume, Step::Terminate]
        {
            assert_eq!(next(Rejected, step), None);
            assert_eq!(next(Terminated, step), None);
        }
        assert_eq!(next(Submitted, Step::Approve), None, "no approval without inspection");
        assert_eq!(next(Inspected, Step::SignAgreement), None, "no agreement without approval");
        assert_eq!(next(Suspended, Step::Suspend), None);
    }
}
