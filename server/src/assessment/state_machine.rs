//! The assessment case state machine, as a pure function: which step may follow which state.
//!
//! ```text
//!  apply ──► refused (eligibility failed; final)
//!    │
//!    ▼
//!  awaiting_assignment ─assign─► assigned ─submit─► awaiting_confirmation ─confirm─┐
//!                                   ▲                      │                        │
//!                                   └──────── return ──────┘                        │
//!  reassessment_pending ─assign─► assigned (复评)          initial/reassessment round ▼
//!          ▲                                              in_publicity ─certify─► certified
//!          └──────────────── object (during publicity) ──────┘                      │
//!  appeal_pending ─assign (experts)─► assigned (复核) … confirm ─► final ◄── appeal ─┘ (within window)
//! ```

use ltci_shared::api::assessment::{CaseState, RoundKind};

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Assign,
    Submit,
    Return,
    Confirm,
    Object,
    Certify,
    Appeal,
}

impl Step {
    /// The step's name for people.
    pub fn text(self) -> ltci_shared::text::Text {
        use ltci_shared::messages as m;
        match self {
            Step::Assign => m::step_assign(),
            Step::Submit => m::step_submit(),
            Step::Return => m::step_return(),
            Step::Confirm => m::step_confirm(),
            Step::Object => m::step_object(),
            Step::Certify => m::step_certify(),
            Step::Appeal => m::step_appeal(),
        }
    }

    /// The audit action name.
    pub fn action(self) -> &'static str {
        match self {
            Step::Assign => "assessment_case.assign",
            Step::Submit => "assessment_case.submit",
            Step::Return => "assessment_case.return",
            Step::Confirm => "assessment_case.confirm",
            Step::Object => "assessment_case.object",
            Step::Certify => "assessment_case.certify",
            Step::Appeal => "assessment_case.appeal",
        }
    }
}

/// The state after `step` from `state`, or `None` if the step is not allowed there. `round` is the
/// kind of the case's current round (it decides where a confirmation leads).
pub fn next(state: CaseState, step: Step, round: Option<RoundKind>) -> Option<CaseState> {
    use CaseState::*;
    match (state, step) {
        (AwaitingAssignment | ReassessmentPending | AppealPending, Step::Assign) => Some(Assigned),
        (Assigned, Step::Submit) => Some(AwaitingConfirmation),
        (AwaitingConfirmation, Step::Return) => Some(Assigned),
        (AwaitingConfirmation, Step::Confirm) => match round {
            Some(RoundKind::Appeal) => Some(Final),
            Some(_) => Some(InPublicity),
            None => None,
        },
        (InPublicity, Step::Object) => Some(ReassessmentPending),
        (InPublicity, Step::Certify) => Some(Certified),
        (Certified, Step::Appeal) => Some(AppealPending),
        _ => None,
    }
}

/// The kind of round an assignment from `state` starts.
pub fn round_kind_for_assignment(state: CaseState) -> Option<RoundKind> {
    match state {
        CaseState::AwaitingAssignment => Some(RoundKind::Initial),
        CaseState::ReassessmentPending => Some(RoundKind::Reassessment),
        CaseState::AppealPending => Some(RoundKind::Appeal),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: [Step; 7] =
        [Step::Assign, Step::Submit, Step::Return, Step::Confirm, Step::Object, Step::Certify, Step::Appeal];

    #[test]
    fn final_states_allow_nothing() {
        for state in [CaseState::Refused, CaseState::Final] {
            for step in STEPS {
                assert_eq!(next(state, step, Some(RoundKind::Initial)), None, "{state:?} {step:?}");
            }
        }
    }

    #[test]
    fn the_whole_path_with_objection_and_appeal() {
        use CaseState::*;
        let path = [
            (AwaitingAssignment, Step::Assign, None, Assigned),
            (Assigned, Step::Submit, Some(RoundKind::Initial), AwaitingConfirmation),
            (AwaitingConfirmation, Step::Return, Some(RoundKind::Initial), Assigned),
            (AwaitingConfirmation, Step::Confirm, Some(RoundKind::Initial), InPublicity),
            (InPublicity, Step::Object, Some(RoundKind::Initial), ReassessmentPending),
            (ReassessmentPending, Step::Assign, Some(RoundKind::Initial), Assigned),
            (AwaitingConfirmation, Step::Confirm, Some(RoundKind::Reassessment), InPublicity),
            (InPublicity, Step::Certify, Some(RoundKind::Reassessment), Certified),
            (Certified, Step::Appeal, Some(RoundKind::Reassessment), AppealPending),
            (AppealPending, Step::Assign, Some(RoundKind::Reassessment), Assigned),
            (AwaitingConfirmation, Step::Confirm, Some(RoundKind::Appeal), Final),
        ];
        for (from, step, round, to) in path {
            assert_eq!(next(from, step, round), Some(to), "{from:?} {step:?}");
        }
    }

    #[test]
    fn illegal_steps_are_refused() {
        assert_eq!(next(CaseState::AwaitingAssignment, Step::Submit, None), None);
        assert_eq!(next(CaseState::Assigned, Step::Confirm, Some(RoundKind::Initial)), None);
        assert_eq!(next(CaseState::Certified, Step::Object, Some(RoundKind::Initial)), None);
        assert_eq!(next(CaseState::AppealPending, Step::Appeal, Some(RoundKind::Initial)), None);
        assert_eq!(next(CaseState::InPublicity, Step::Appeal, Some(RoundKind::Initial)), None);
    }
}
