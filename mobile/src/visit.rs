//! A caregiver's visit on the phone: the actions (check-in with the location and its distance to
//! the registered address, item results, notes, check-out), each written to the outbox first, and
//! the badge the day's list shows for a visit.

use chrono::{DateTime, Utc};
use ltci_shared::api::care::{
    NoGpsReason, NotDoneReason, OfflineBeneficiary, Position, Visit, VisitEvent, VisitEventBody, VisitState,
};
use ltci_shared::geo::{self, Point};
use ltci_shared::visit as fold;
use uuid::Uuid;

use crate::MobileError;
use crate::i18n::Text;
use crate::store::{Delivery, Store};

/// Where the phone is: the platform's location service on a phone; on the desktop a configured
/// position (or none, with a reason), so the app runs and is tested without GPS.
pub trait LocationProvider {
    fn current(&self) -> Position;
}

/// A location provider that always answers the same (desktop builds, tests, manual entry).
#[derive(Debug, Clone, Copy)]
pub struct FixedLocation(pub Position);

impl LocationProvider for FixedLocation {
    fn current(&self) -> Position {
        self.0
    }
}

impl FixedLocation {
    /// A fix at `latitude`, `longitude` with an accuracy of `accuracy_m`.
    pub fn at(latitude: f64, longitude: f64, accuracy_m: f64) -> FixedLocation {
        FixedLocation(Position::gps(latitude, longitude, accuracy_m))
    }

    /// No fix, for the given reason.
    pub fn unavailable(reason: NoGpsReason) -> FixedLocation {
        FixedLocation(Position::Unavailable { reason })
    }
}

/// The coordinates of a beneficiary's registered address, when registered.
pub fn home_of(person: &OfflineBeneficiary) -> Option<Point> {
    person.latitude.zip(person.longitude).map(|(latitude, longitude)| Point { latitude, longitude })
}

/// Metres from `home` to where `position` puts the phone (`None`: no fix, or no registered place).
pub fn distance_from_home(position: Position, home: Option<Point>) -> Option<f64> {
    match (position, home) {
        (Position::Gps { latitude, longitude, .. }, Some(home)) => {
            Some(geo::distance_m(home, Point { latitude, longitude }))
        }
        _ => None,
    }
}

/// What the day's list shows for a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    /// 未开始
    NotStarted,
    /// 服务中: checked in, not yet out.
    InProgress,
    /// 待上传: finished on the phone, some of it not yet on the server.
    WaitingToSend,
    /// 已上传: everything on the server, verification not finished.
    Sent,
    /// 已完成: the server verified it.
    Done,
    /// 需处理: the server refused an event, or the visit needs review or was rejected.
    NeedsAttention,
}

impl Badge {
    /// The badge's label.
    pub fn text(self) -> Text {
        match self {
            Badge::NotStarted => Text::BadgeNotStarted,
            Badge::InProgress => Text::BadgeInProgress,
            Badge::WaitingToSend => Text::BadgeWaitingToSend,
            Badge::Sent => Text::BadgeSent,
            Badge::Done => Text::BadgeDone,
            Badge::NeedsAttention => Text::BadgeNeedsAttention,
        }
    }
}

/// The badge of `visit` (as last pulled) given the events the phone made for it.
pub fn badge(visit: &Visit, local: &[(VisitEvent, Delivery)]) -> Badge {
    let refused = local.iter().any(|(_, d)| matches!(d, Delivery::Rejected | Delivery::Conflict));
    if refused || matches!(visit.state, VisitState::NeedsReview | VisitState::Rejected) {
        return Badge::NeedsAttention;
    }
    let bodies: Vec<VisitEventBody> = local.iter().map(|(e, _)| e.body.clone()).collect();
    let mine = fold::fold(&bodies);
    let checked_in = mine.check_in.is_some() || visit.checked_in_at.is_some();
    let checked_out = mine.check_out.is_some() || visit.checked_out_at.is_some();
    let pending = local.iter().any(|(_, d)| *d == Delivery::Pending);
    match (checked_in, checked_out) {
        (_, true) if pending => Badge::WaitingToSend,
        (_, true) if visit.state == VisitState::Verified => Badge::Done,
        (_, true) => Badge::Sent,
        (true, false) => Badge::InProgress,
        (false, false) => Badge::NotStarted,
    }
}

/// The caregiver's actions on one visit, each an event in the outbox with a UUID made here.
#[derive(Debug)]
pub struct VisitActions<'a> {
    pub store: &'a Store,
    pub visit_id: Uuid,
}

impl VisitActions<'_> {
    async fn record(&self, body: VisitEventBody) -> Result<VisitEvent, MobileError> {
        let event = VisitEvent { id: Uuid::now_v7(), visit_id: self.visit_id, unscheduled: None, body };
        self.store.record(&event).await?;
        Ok(event)
    }

    /// Checks in where `location` says the phone is; returns the event and, when there is a fix
    /// and a registered address, the distance to it in metres (shown at once, offline).
    pub async fn check_in(
        &self,
        location: &impl LocationProvider,
        home: Option<Point>,
        at: DateTime<Utc>,
    ) -> Result<(VisitEvent, Option<f64>), MobileError> {
        let position = location.current();
        Ok((self.record(VisitEventBody::CheckIn { at, position }).await?, distance_from_home(position, home)))
    }

    /// An item done, or not done with a reason from the list.
    pub async fn task(
        &self,
        item: &str,
        not_done: Option<NotDoneReason>,
        at: DateTime<Utc>,
    ) -> Result<VisitEvent, MobileError> {
        let body = VisitEventBody::Task { at, item: item.to_owned(), done: not_done.is_none(), reason: not_done };
        self.record(body).await
    }

    pub async fn note(&self, text: &str, at: DateTime<Utc>) -> Result<VisitEvent, MobileError> {
        self.record(VisitEventBody::Note { at, text: text.to_owned() }).await
    }

    pub async fn check_out(
        &self,
        location: &impl LocationProvider,
        at: DateTime<Utc>,
    ) -> Result<VisitEvent, MobileError> {
        self.record(VisitEventBody::CheckOut { at, position: location.current() }).await
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeDelta};
    use ltci_shared::api::care::{PlannedItem, VisitKind};

    use super::*;

    fn visit(state: VisitState) -> Visit {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::now_v7(), "kind": VisitKind::Scheduled, "plan_id": null,
            "institution_id": Uuid::now_v7(), "insured_person_id": Uuid::now_v7(), "caregiver_id": Uuid::now_v7(),
            "scheduled_on": NaiveDate::from_ymd_opt(2026, 11, 30), "planned_items": [PlannedItem { code: "SF-01".into(), times: 1 }],
            "unscheduled_reason": null, "state": state, "checked_in_at": null, "checked_out_at": null,
            "tasks": [], "exceptions": [], "events": 0, "updated_at": Utc::now(),
        }))
        .expect("a visit")
    }

    #[tokio::test]
    async fn the_day_list_badge_follows_the_caregiver_and_the_server() {
        let store = Store::open_in_memory().await.expect("store");
        let v = visit(VisitState::Scheduled);
        let actions = VisitActions { store: &store, visit_id: v.id };
        let local = async || store.outbox_of(v.id).await.expect("outbox");
        assert_eq!(badge(&v, &local().await), Badge::NotStarted);

        // At the door, 40 m from the registered address.
        let home = Point { latitude: 36.07, longitude: 120.38 };
        let here = FixedLocation::at(36.07036, 120.38, 8.0);
        let t0 = Utc::now();
        let (_, distance) = actions.check_in(&here, Some(home), t0).await.expect("check in");
        assert!((distance.expect("a distance") - 40.0).abs() < 1.0, "{distance:?}");
        assert_eq!(badge(&v, &local().await), Badge::InProgress);
        actions.task("SF-01", None, t0 + TimeDelta::minutes(10)).await.expect("task");
        actions.note("老人精神好", t0 + TimeDelta::minutes(20)).await.expect("note");
        let no_signal = FixedLocation::unavailable(NoGpsReason::NoSignal);
        actions.check_out(&no_signal, t0 + TimeDelta::minutes(30)).await.expect("check out");
        assert_eq!(badge(&v, &local().await), Badge::WaitingToSend, "finished, not yet sent");
        let (_, no_fix) = VisitActions { store: &store, visit_id: Uuid::now_v7() }
            .check_in(&FixedLocation::unavailable(NoGpsReason::PermissionDenied), Some(home), t0)
            .await
            .expect("check in without a fix");
        assert_eq!(no_fix, None);
    }

    #[test]
    fn the_server_decides_done_and_needs_attention() {
        let mut v = visit(VisitState::Verified);
        v.checked_in_at = Some(Utc::now());
        v.checked_out_at = Some(Utc::now());
        assert_eq!(badge(&v, &[]), Badge::Done);
        v.state = VisitState::Completed;
        assert_eq!(badge(&v, &[]), Badge::Sent);
        v.state = VisitState::NeedsReview;
        assert_eq!(badge(&v, &[]), Badge::NeedsAttention);
        let refused = VisitEvent {
            id: Uuid::now_v7(),
            visit_id: v.id,
            unscheduled: None,
            body: VisitEventBody::Note { at: Utc::now(), text: "x".into() },
        };
        let fresh = visit(VisitState::Scheduled);
        assert_eq!(badge(&fresh, &[(refused, Delivery::Rejected)]), Badge::NeedsAttention);
        assert_eq!(crate::i18n::t(crate::i18n::Lang::Zh, Badge::WaitingToSend.text()), "待上传");
    }
}
