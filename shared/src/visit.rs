//! A visit's state derived from its events — the fold the server stores and the phone shows
//! offline, so both agree. Events may arrive in any order: they are folded in device-time order.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::api::care::{
    ExceptionCode, NotDeliveredReason, Position, ResolutionCode, Severity, TaskResult, VisitEventBody, VisitException,
    VisitState,
};

/// What a visit's events add up to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Folded {
    /// The check-in: the earliest one, with its time corrected if a correction says so.
    pub check_in: Option<(DateTime<Utc>, Option<Position>)>,
    /// The check-out: the latest one, with its time corrected if a correction says so.
    pub check_out: Option<(DateTime<Utc>, Option<Position>)>,
    /// The latest result per item, by item code.
    pub tasks: Vec<TaskResult>,
    /// The latest resolution per exception code.
    pub resolutions: BTreeMap<ExceptionCode, ResolutionCode>,
    /// The latest decision on the whole visit (a correction with a resolution and no exception).
    pub decision: Option<ResolutionCode>,
    /// Why it was not delivered, if staff closed it so (only a visit never checked in or out is
    /// missed: see [`state`]).
    pub not_delivered: Option<NotDeliveredReason>,
}

/// Order of kinds at the same instant: a check-in first, a check-out and corrections last.
fn rank(e: &VisitEventBody) -> u8 {
    match e {
        VisitEventBody::CheckIn { .. } => 0,
        VisitEventBody::Task { .. } | VisitEventBody::Note { .. } => 1,
        VisitEventBody::CheckOut { .. } => 2,
        VisitEventBody::Correction { .. } => 3,
    }
}

/// Folds events (in any order) into the visit they describe.
pub fn fold(events: &[VisitEventBody]) -> Folded {
    let mut ordered: Vec<&VisitEventBody> = events.iter().collect();
    ordered.sort_by_key(|e| (e.at(), rank(e)));
    let mut out = Folded::default();
    let mut tasks: BTreeMap<&str, TaskResult> = BTreeMap::new();
    for e in ordered {
        match e {
            VisitEventBody::CheckIn { at, position } => {
                if out.check_in.is_none() {
                    out.check_in = Some((*at, Some(*position)));
                }
            }
            VisitEventBody::CheckOut { at, position } => out.check_out = Some((*at, Some(*position))),
            VisitEventBody::Task { at, item, done, reason } => {
                tasks.insert(item, TaskResult { item: item.clone(), done: *done, reason: *reason, at: *at });
            }
            VisitEventBody::Note { .. } => {}
            VisitEventBody::Correction { exception, resolution, check_in_at, check_out_at, not_delivered, .. } => {
                if not_delivered.is_some() {
                    out.not_delivered = *not_delivered;
                }
                if exception.is_none() && resolution.is_some() {
                    out.decision = *resolution;
                }
                if let Some(t) = check_in_at {
                    let position = out.check_in.and_then(|(_, p)| p);
                    out.check_in = Some((*t, position));
                }
                if let Some(t) = check_out_at {
                    let position = out.check_out.and_then(|(_, p)| p);
                    out.check_out = Some((*t, position));
                }
                if let (Some(x), Some(r)) = (exception, resolution) {
                    out.resolutions.insert(*x, *r);
                }
            }
        }
    }
    out.tasks = tasks.into_values().collect();
    out
}

/// Applies the reviewers' resolutions to `review` exceptions.
pub fn resolve(exceptions: &mut [VisitException], resolutions: &BTreeMap<ExceptionCode, ResolutionCode>) {
    for x in exceptions.iter_mut().filter(|x| x.severity == Severity::Review) {
        x.resolution = resolutions.get(&x.code).copied();
    }
}

/// The state of a visit from its fold and the exceptions its verification found.
///
/// A `block` exception about the whole visit rejects it; a `block` about one item (an item the
/// caregiver was not qualified for) leaves the visit standing and only that item unpaid. A
/// reviewer's `not_confirmed` on the whole visit rejects it too. A visit with neither check-in
/// nor check-out is missed once staff closed it as not delivered; the phone's check-in arriving
/// later (recorded offline before the decision) makes it a visit again, verified as any other.
pub fn state(folded: &Folded, exceptions: &[VisitException]) -> VisitState {
    match (&folded.check_in, &folded.check_out) {
        (None, None) if folded.not_delivered.is_some() => VisitState::Missed,
        (None, None) => VisitState::Scheduled,
        (Some(_), None) => VisitState::InProgress,
        (None, Some(_)) => VisitState::Completed,
        (Some(_), Some(_)) => {
            let blocked = exceptions.iter().any(|x| x.severity == Severity::Block && x.item.is_none());
            let refused = exceptions.iter().any(|x| x.resolution.is_some_and(|r| !r.accepts()))
                || folded.decision.is_some_and(|r| !r.accepts());
            let open = exceptions.iter().any(|x| x.severity == Severity::Review && x.resolution.is_none());
            if blocked || refused {
                VisitState::Rejected
            } else if open {
                VisitState::NeedsReview
            } else {
                VisitState::Verified
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::api::care::{CorrectionReason, NoGpsReason};

    fn t(min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 1, min, 0).single().expect("time")
    }

    const HERE: Position = Position::gps(36.07, 120.38, 8.0);

    fn exception(code: ExceptionCode, severity: Severity, item: Option<&str>) -> VisitException {
        VisitException { code, severity, message: String::new(), item: item.map(str::to_owned), resolution: None }
    }

    #[test]
    fn order_of_arrival_does_not_matter() {
        let events = vec![
            VisitEventBody::CheckOut { at: t(40), position: HERE },
            VisitEventBody::Task { at: t(30), item: "SF-01".into(), done: true, reason: None },
            VisitEventBody::CheckIn { at: t(0), position: HERE },
            VisitEventBody::Task { at: t(10), item: "SF-01".into(), done: false, reason: None },
        ];
        let mut reversed = events.clone();
        reversed.reverse();
        let a = fold(&events);
        assert_eq!(a, fold(&reversed));
        assert_eq!(a.check_in.map(|c| c.0), Some(t(0)));
        assert_eq!(a.check_out.map(|c| c.0), Some(t(40)));
        // The later result of the same item wins.
        assert_eq!(a.tasks.len(), 1);
        assert!(a.tasks[0].done);
    }

    #[test]
    fn states_follow_check_in_and_out() {
        let check_in = VisitEventBody::CheckIn { at: t(0), position: HERE };
        let check_out =
            VisitEventBody::CheckOut { at: t(30), position: Position::Unavailable { reason: NoGpsReason::NoSignal } };
        assert_eq!(state(&fold(&[]), &[]), VisitState::Scheduled);
        assert_eq!(state(&fold(std::slice::from_ref(&check_in)), &[]), VisitState::InProgress);
        assert_eq!(state(&fold(std::slice::from_ref(&check_out)), &[]), VisitState::Completed);
        let both = fold(&[check_in, check_out]);
        assert_eq!(state(&both, &[]), VisitState::Verified);
        assert_eq!(
            state(&both, &[exception(ExceptionCode::NoRegisteredLocation, Severity::Info, None)]),
            VisitState::Verified
        );
        let mut review = vec![exception(ExceptionCode::LocationUnavailable, Severity::Review, None)];
        assert_eq!(state(&both, &review), VisitState::NeedsReview);
        resolve(
            &mut review,
            &BTreeMap::from([(ExceptionCode::LocationUnavailable, ResolutionCode::ConfirmedByBeneficiary)]),
        );
        assert_eq!(state(&both, &review), VisitState::Verified);
        resolve(&mut review, &BTreeMap::from([(ExceptionCode::LocationUnavailable, ResolutionCode::NotConfirmed)]));
        assert_eq!(state(&both, &review), VisitState::Rejected);
        // A block on one item leaves the visit standing; a block on the visit rejects it.
        let item = [exception(ExceptionCode::UnqualifiedCaregiver, Severity::Block, Some("SF-05"))];
        assert_eq!(state(&both, &item), VisitState::Verified);
        assert_eq!(state(&both, &[exception(ExceptionCode::Deceased, Severity::Block, None)]), VisitState::Rejected);
    }

    #[test]
    fn corrections_change_times_and_keep_positions() {
        let events = vec![
            VisitEventBody::CheckIn { at: t(0), position: HERE },
            VisitEventBody::Correction {
                at: t(59),
                reason: CorrectionReason::ForgotToCheck,
                exception: None,
                resolution: None,
                check_in_at: Some(t(5)),
                check_out_at: Some(t(45)),
                note: None,
                not_delivered: None,
                replaced_by: None,
            },
        ];
        let f = fold(&events);
        assert_eq!(f.check_in, Some((t(5), Some(HERE))));
        assert_eq!(f.check_out, Some((t(45), None)));
    }

    fn closing(
        at: u32,
        not_delivered: Option<NotDeliveredReason>,
        resolution: Option<ResolutionCode>,
    ) -> VisitEventBody {
        VisitEventBody::Correction {
            at: t(at),
            reason: CorrectionReason::Other,
            exception: None,
            resolution,
            check_in_at: None,
            check_out_at: None,
            note: None,
            not_delivered,
            replaced_by: None,
        }
    }

    #[test]
    fn a_visit_closed_as_not_delivered_is_missed_until_the_phone_shows_it_was_delivered() {
        let closed = closing(50, Some(NotDeliveredReason::BeneficiaryAbsent), None);
        let f = fold(std::slice::from_ref(&closed));
        assert_eq!(state(&f, &[]), VisitState::Missed);
        // The caregiver's phone was offline: its check-in and check-out arrive after the decision.
        let delivered = fold(&[
            closed,
            VisitEventBody::CheckIn { at: t(0), position: HERE },
            VisitEventBody::CheckOut { at: t(40), position: HERE },
        ]);
        assert_eq!(state(&delivered, &[]), VisitState::Verified);
    }

    #[test]
    fn a_reviewer_rejects_a_whole_visit_or_confirms_it() {
        let both = [
            VisitEventBody::CheckIn { at: t(0), position: HERE },
            VisitEventBody::CheckOut { at: t(40), position: HERE },
        ];
        let mut rejected = both.to_vec();
        rejected.push(closing(50, None, Some(ResolutionCode::NotConfirmed)));
        assert_eq!(state(&fold(&rejected), &[]), VisitState::Rejected);
        // A later decision replaces an earlier one.
        rejected.push(closing(55, None, Some(ResolutionCode::ConfirmedBySupervisor)));
        assert_eq!(state(&fold(&rejected), &[]), VisitState::Verified);
        // Confirming the visit does not lift a block.
        let blocked = [VisitException {
            code: ExceptionCode::Deceased,
            severity: Severity::Block,
            message: String::new(),
            item: None,
            resolution: None,
        }];
        assert_eq!(state(&fold(&rejected), &blocked), VisitState::Rejected);
    }
}
