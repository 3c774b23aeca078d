//! The assessor's side of the phone (评估任务): the cases whose on-site assessment the signed-in
//! assessor leads, as last pulled; the form's answers kept on the phone as a draft; and the
//! submission — written to the store first, sent when the network is there, and settled exactly
//! once even when the server's answer was lost on the way.

use std::collections::BTreeMap;
use std::future::Future;

use chrono::{DateTime, Utc};
use ltci_shared::api::assessment::{AssessmentCase, CareMode, CaseFilter, CaseState, SubmitAssessmentRequest};
use ltci_shared::api::care::Position;
use ltci_shared::api::registry::InsuredPerson;
use ltci_shared::assessment::{self, Answers};
use ltci_shared::client::{ApiClient, ClientError};
use ltci_shared::{Page, PageQuery};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::MobileError;
use crate::i18n::Text;
use crate::store::Store;
use crate::visit::LocationProvider;

/// The person to be assessed, as the phone keeps them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Applicant {
    pub id: Uuid,
    pub name: String,
    /// Masked, as the server shows it to assessors.
    pub id_number: String,
    /// Age in whole years (the server shows assessors the age, not the birth date).
    #[serde(default)]
    pub age: u32,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
}

/// A case whose current round this assessor leads (the one who fills in and submits the form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignedCase {
    pub case_id: Uuid,
    pub round_no: u32,
    /// `assigned` (to be assessed) or `awaiting_confirmation` (submitted, the other assessor
    /// confirms).
    pub state: CaseState,
    pub care_mode: CareMode,
    /// Why the person applied.
    pub reason: String,
    pub assigned_at: DateTime<Utc>,
    /// Why the other assessor sent the submission back (退回), while it is back with this one.
    pub returned_because: Option<String>,
    pub applicant: Applicant,
}

impl AssignedCase {
    /// The phone's view of `case` for the assessor `me`: `None` unless `me` leads its current round.
    pub fn of(case: &AssessmentCase, person: &InsuredPerson, me: Uuid) -> Option<AssignedCase> {
        let round = case.rounds.last().filter(|r| r.lead_assessor_id == me)?;
        let returned_because = (case.state == CaseState::Assigned)
            .then(|| case.events.last().filter(|e| e.kind == "returned").map(|e| e.reason.clone()))
            .flatten();
        Some(AssignedCase {
            case_id: case.id,
            round_no: round.round_no,
            state: case.state,
            care_mode: case.care_mode,
            reason: case.reason.clone(),
            assigned_at: round.assigned_at,
            returned_because,
            applicant: Applicant {
                id: person.id,
                name: person.name.clone(),
                id_number: person.id_number.clone(),
                age: person.age,
                address: person.address.text.clone(),
                latitude: person.address.latitude,
                longitude: person.address.longitude,
                phone: person.phone.clone(),
            },
        })
    }
}

/// Where the assessor's form stands on the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Submission {
    /// Being filled in (or back with the assessor: returned, or refused and being corrected).
    Draft,
    /// Submitted on the phone, not yet answered for by the server.
    Pending,
    /// The server has it.
    Sent,
    /// The server refused it; the reason is kept and the form can be corrected.
    Refused,
}

impl Submission {
    pub fn as_str(self) -> &'static str {
        match self {
            Submission::Draft => "draft",
            Submission::Pending => "pending",
            Submission::Sent => "sent",
            Submission::Refused => "refused",
        }
    }
}

/// The form's answers for one case and round, kept on the phone (草稿), and their submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub case_id: Uuid,
    pub round_no: u32,
    /// Item code → points chosen.
    pub answers: BTreeMap<String, u32>,
    pub status: Submission,
    /// When the assessor submitted on site (the visit's time).
    pub visited_at: Option<DateTime<Utc>>,
    /// Where the phone was then, when it knew.
    pub position: Option<(f64, f64)>,
    /// The server's code and message for a refusal.
    pub error: Option<(String, String)>,
    /// The level the server graded, once it has the submission.
    pub level: Option<u8>,
    pub updated_at: DateTime<Utc>,
}

impl Draft {
    /// Whether the assessor may still change the answers.
    pub fn editable(&self) -> bool {
        matches!(self.status, Submission::Draft | Submission::Refused)
    }

    /// The answers as the API takes them.
    pub fn api_answers(&self) -> Answers {
        self.answers.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(*v))).collect()
    }
}

/// What the list of cases shows for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseBadge {
    /// 待评估: nothing answered yet.
    New,
    /// 草稿: answers kept on the phone.
    Draft,
    /// 待上传: submitted on the phone, not yet on the server.
    WaitingToSend,
    /// 已提交: on the server, waiting for the other assessor's confirmation.
    Submitted,
    /// 需处理: refused by the server, or sent back by the other assessor.
    NeedsAttention,
}

impl CaseBadge {
    pub fn text(self) -> Text {
        match self {
            CaseBadge::New => Text::BadgeNew,
            CaseBadge::Draft => Text::BadgeDraft,
            CaseBadge::WaitingToSend => Text::BadgeWaitingToSend,
            CaseBadge::Submitted => Text::BadgeSubmitted,
            CaseBadge::NeedsAttention => Text::BadgeNeedsAttention,
        }
    }

    /// The CSS class (and test hook) of the badge.
    pub fn class(self) -> &'static str {
        match self {
            CaseBadge::New => "new",
            CaseBadge::Draft => "draft",
            CaseBadge::WaitingToSend => "waiting",
            CaseBadge::Submitted => "submitted",
            CaseBadge::NeedsAttention => "attention",
        }
    }
}

/// The badge of `case` given the phone's draft for it.
pub fn case_badge(case: &AssignedCase, draft: Option<&Draft>) -> CaseBadge {
    let draft = draft.filter(|d| d.round_no == case.round_no);
    match draft.map(|d| d.status) {
        Some(Submission::Pending) => CaseBadge::WaitingToSend,
        Some(Submission::Refused) => CaseBadge::NeedsAttention,
        Some(Submission::Sent) => CaseBadge::Submitted,
        _ if case.state == CaseState::AwaitingConfirmation => CaseBadge::Submitted,
        _ if case.returned_because.is_some() => CaseBadge::NeedsAttention,
        Some(Submission::Draft) if draft.is_some_and(|d| !d.answers.is_empty()) => CaseBadge::Draft,
        _ => CaseBadge::New,
    }
}

/// Why a submission could not be made on the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSubmitted {
    /// Some items are not answered yet.
    Incomplete,
    /// Already on its way or on the server.
    AlreadySubmitted,
}

/// Records the answer `points` to `item` in the draft for `case` (a new draft if there is none
/// for its round). Answers are kept at once; nothing changes once the form is submitted.
pub async fn answer(store: &Store, case: &AssignedCase, item: &str, points: u32) -> Result<bool, MobileError> {
    store.answer(case.case_id, case.round_no, item, points, Utc::now()).await
}

/// Submits the draft for `case`: checks that every item is answered (the level is then graded on
/// the phone with the shared function; the server grades again), takes the position, and puts the
/// submission in the store for the next sync.
pub async fn submit(
    store: &Store,
    case: &AssignedCase,
    location: &impl LocationProvider,
    at: DateTime<Utc>,
) -> Result<Result<(), NotSubmitted>, MobileError> {
    let Some(draft) = store.draft(case.case_id).await?.filter(|d| d.round_no == case.round_no) else {
        return Ok(Err(NotSubmitted::Incomplete));
    };
    if !draft.editable() {
        return Ok(Err(NotSubmitted::AlreadySubmitted));
    }
    if assessment::current().grade(&draft.api_answers()).is_err() {
        return Ok(Err(NotSubmitted::Incomplete));
    }
    let position = match location.current() {
        Position::Gps { latitude, longitude, .. } => Some((latitude, longitude)),
        Position::Unavailable { .. } => None,
    };
    if store.queue_submission(case.case_id, case.round_no, at, position).await? {
        Ok(Ok(()))
    } else {
        Ok(Err(NotSubmitted::AlreadySubmitted))
    }
}

/// The assessor's calls to the server: the shared client, or in tests one that loses messages.
pub trait CaseTransport: Sync {
    fn cases(
        &self,
        state: CaseState,
        page: PageQuery,
    ) -> impl Future<Output = Result<Page<AssessmentCase>, ClientError>> + Send;
    fn case(&self, id: Uuid) -> impl Future<Output = Result<AssessmentCase, ClientError>> + Send;
    fn applicant(&self, id: Uuid) -> impl Future<Output = Result<InsuredPerson, ClientError>> + Send;
    fn submit(
        &self,
        id: Uuid,
        req: &SubmitAssessmentRequest,
    ) -> impl Future<Output = Result<AssessmentCase, ClientError>> + Send;
}

impl CaseTransport for ApiClient {
    async fn cases(&self, state: CaseState, page: PageQuery) -> Result<Page<AssessmentCase>, ClientError> {
        self.list_assessment_cases(&CaseFilter { state: Some(state), ..CaseFilter::default() }, page).await
    }

    async fn case(&self, id: Uuid) -> Result<AssessmentCase, ClientError> {
        self.assessment_case(id).await
    }

    async fn applicant(&self, id: Uuid) -> Result<InsuredPerson, ClientError> {
        self.get_insured_person(id).await
    }

    async fn submit(&self, id: Uuid, req: &SubmitAssessmentRequest) -> Result<AssessmentCase, ClientError> {
        self.submit_assessment(id, req).await
    }
}

/// Whether the server answered with a refusal of this request (as opposed to the request not
/// getting through, the session being refused, or the server being unable for now).
fn refusal(e: &ClientError) -> Option<(String, String)> {
    let status = e.status()?;
    let retry_later = [401, 408, 429].contains(&status.as_u16()) || !status.is_client_error();
    match e {
        ClientError::Api { body, .. } if !retry_later => Some((body.error.code.clone(), body.error.message.clone())),
        _ => None,
    }
}

/// Whether the server holds `draft` as the submission of its round (an earlier try got through
/// and only its answer was lost).
fn holds(case: &AssessmentCase, draft: &Draft) -> bool {
    let answers = draft.api_answers();
    case.rounds
        .iter()
        .any(|r| r.round_no == draft.round_no && r.submitted_at.is_some() && r.answers.as_ref() == Some(&answers))
}

/// The level graded for `round_no` in `case`, once graded.
fn graded_level(case: &AssessmentCase, round_no: u32) -> Option<u8> {
    case.rounds.iter().find(|r| r.round_no == round_no).and_then(|r| r.result.as_ref()).map(|g| g.level)
}

/// What one sync of the assessor's phone did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseSyncReport {
    /// Submissions the server took (now, or on an earlier try whose answer was lost).
    pub sent: u32,
    /// Submissions it refused.
    pub refused: u32,
    /// Cases the phone now holds.
    pub cases: u32,
}

/// Sends the waiting submissions, then pulls the cases `me` leads (with their applicants). A
/// submission refused because an earlier try already got through — its answer lost on the way
/// back — is recognised by the answers on the server and counted as sent, never sent twice. Stops
/// at the first failure to reach the server; what was settled before stays settled.
pub async fn sync_cases(store: &Store, server: &impl CaseTransport, me: Uuid) -> Result<CaseSyncReport, MobileError> {
    let mut report = CaseSyncReport::default();
    for draft in store.pending_submissions().await? {
        let req = SubmitAssessmentRequest {
            answers: draft.api_answers(),
            visited_at: draft.visited_at.unwrap_or(draft.updated_at),
            latitude: draft.position.map(|p| p.0),
            longitude: draft.position.map(|p| p.1),
        };
        let settled = match server.submit(draft.case_id, &req).await {
            Ok(case) => (Submission::Sent, None, graded_level(&case, draft.round_no)),
            Err(e) => {
                let Some(reason) = refusal(&e) else { return Err(e.into()) };
                match server.case(draft.case_id).await {
                    Ok(case) if holds(&case, &draft) => (Submission::Sent, None, graded_level(&case, draft.round_no)),
                    Ok(_) => (Submission::Refused, Some(reason), None),
                    Err(e) if refusal(&e).is_some() => (Submission::Refused, Some(reason), None),
                    Err(e) => return Err(e.into()),
                }
            }
        };
        if settled.0 == Submission::Sent {
            report.sent += 1;
        } else {
            report.refused += 1;
        }
        store.settle_submission(draft.case_id, settled.0, settled.1, settled.2).await?;
    }
    let mut cases = Vec::new();
    for state in [CaseState::Assigned, CaseState::AwaitingConfirmation] {
        let mut offset = 0;
        loop {
            let page = server.cases(state, PageQuery { limit: Some(100), offset: Some(offset) }).await?;
            for case in &page.items {
                if case.rounds.last().is_some_and(|r| r.lead_assessor_id == me) {
                    let person = server.applicant(case.insured_person_id).await?;
                    cases.extend(AssignedCase::of(case, &person, me));
                }
            }
            // An empty page ends it too: cases leaving the list meanwhile must not loop it.
            if page.items.is_empty() || !page.has_more() {
                break;
            }
            offset += page.items.len() as u64;
        }
    }
    report.cases = u32::try_from(cases.len()).unwrap_or(u32::MAX);
    store.replace_cases(&cases).await?;
    Ok(report)
}

/// A case as the phone would pull it, for tests: 陈玉梅's application for home care, round 1,
/// assigned.
#[cfg(test)]
pub(crate) fn sample_case() -> AssignedCase {
    AssignedCase {
        case_id: Uuid::now_v7(),
        round_no: 1,
        state: CaseState::Assigned,
        care_mode: CareMode::HomeVisit,
        reason: "中风后行动不便".into(),
        assigned_at: Utc::now(),
        returned_because: None,
        applicant: Applicant {
            id: Uuid::now_v7(),
            name: "陈玉梅".into(),
            id_number: "370285********0062".into(),
            age: 76,
            address: "示范市莱西市院上镇 后庄扶村 33号".into(),
            latitude: Some(36.8891),
            longitude: Some(120.5173),
            phone: Some("13800138000".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use ltci_shared::api::care::NoGpsReason;

    use super::*;
    use crate::visit::FixedLocation;

    #[tokio::test]
    async fn only_a_complete_form_is_submitted_once_and_the_badge_follows_it() {
        let store = Store::open_in_memory().await.expect("store");
        let c = sample_case();
        store.replace_cases(std::slice::from_ref(&c)).await.expect("pull");
        let here = FixedLocation::at(36.8891, 120.5173, 8.0);
        assert_eq!(submit(&store, &c, &here, Utc::now()).await.expect("submit"), Err(NotSubmitted::Incomplete));
        assert_eq!(case_badge(&c, None), CaseBadge::New);

        let items: Vec<_> = assessment::current().dimensions.iter().flat_map(|d| &d.items).collect();
        for item in &items[1..] {
            answer(&store, &c, &item.code, item.options[0].points).await.expect("answer");
        }
        let draft = store.draft(c.case_id).await.expect("draft");
        assert_eq!(case_badge(&c, draft.as_ref()), CaseBadge::Draft);
        assert_eq!(submit(&store, &c, &here, Utc::now()).await.expect("submit"), Err(NotSubmitted::Incomplete));
        answer(&store, &c, &items[0].code, items[0].options[0].points).await.expect("answer");
        assert_eq!(submit(&store, &c, &here, Utc::now()).await.expect("submit"), Ok(()));
        let draft = store.draft(c.case_id).await.expect("draft").expect("kept");
        assert_eq!((draft.status, draft.position), (Submission::Pending, Some((36.8891, 120.5173))));
        assert_eq!(case_badge(&c, Some(&draft)), CaseBadge::WaitingToSend);
        let nowhere = FixedLocation::unavailable(NoGpsReason::NoSignal);
        assert_eq!(submit(&store, &c, &nowhere, Utc::now()).await.expect("again"), Err(NotSubmitted::AlreadySubmitted));
        assert!(!answer(&store, &c, &items[0].code, 0).await.expect("locked"));

        store.settle_submission(c.case_id, Submission::Sent, None, Some(0)).await.expect("sent");
        let sent = store.draft(c.case_id).await.expect("draft");
        assert_eq!(case_badge(&c, sent.as_ref()), CaseBadge::Submitted);
        let returned = AssignedCase { round_no: 2, returned_because: Some("请复核".into()), ..c.clone() };
        store.replace_cases(std::slice::from_ref(&returned)).await.expect("pull");
        let reopened = store.draft(c.case_id).await.expect("draft");
        assert_eq!(case_badge(&returned, reopened.as_ref()), CaseBadge::NeedsAttention);
    }
}
