//! The assessor's phone against the real server: the assigned case pulled, the form filled in
//! offline with the app killed halfway, the submission sent over a line that loses the request
//! and then the answer (settled once, shown as sent), sent back by the other assessor, refused for
//! a wrong clock and corrected, confirmed — and only caregivers and assessors may sign in, another
//! person only once nothing waits to be sent; signing out revokes the session.

use std::collections::VecDeque;
use std::sync::Mutex;

use chrono::{Duration, Utc};
use ltci_e2e::world::{TEST_PASSWORD, person, seed_user};
use ltci_e2e::{TestApp, on_both_databases};
use ltci_mobile::MobileError;
use ltci_mobile::assess::{self, CaseBadge, CaseTransport, Submission, case_badge, sync_cases};
use ltci_mobile::session::Session;
use ltci_mobile::store::Store;
use ltci_mobile::visit::FixedLocation;
use ltci_shared::api::assessment::{
    ApplyRequest, AssessmentCase, AssessorProfileRequest, AssignRequest, CareMode, CaseState, Qualification,
    SubmitAssessmentRequest,
};
use ltci_shared::api::registry::InsuredPerson;
use ltci_shared::api::users::Role;
use ltci_shared::assessment;
use ltci_shared::client::ClientError;
use ltci_shared::{Page, PageQuery};
use uuid::Uuid;

on_both_databases!(an_assessment_filled_in_offline_reaches_the_server_once_and_follows_its_case);

/// What happens to the next submission on the way.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// The request never reaches the server.
    LoseRequest,
    /// The server does its work; the answer never reaches the phone.
    LoseAnswer,
}

/// The session behind a line that fails the next submissions as scripted.
struct BadLine<'a> {
    inner: &'a Session,
    faults: Mutex<VecDeque<Fault>>,
}

fn broken() -> ClientError {
    ClientError::Unexpected { status: reqwest::StatusCode::BAD_GATEWAY, text: "connection lost".into() }
}

impl CaseTransport for BadLine<'_> {
    async fn cases(&self, state: CaseState, page: PageQuery) -> Result<Page<AssessmentCase>, ClientError> {
        self.inner.cases(state, page).await
    }

    async fn case(&self, id: Uuid) -> Result<AssessmentCase, ClientError> {
        self.inner.case(id).await
    }

    async fn applicant(&self, id: Uuid) -> Result<InsuredPerson, ClientError> {
        self.inner.applicant(id).await
    }

    async fn submit(&self, id: Uuid, req: &SubmitAssessmentRequest) -> Result<AssessmentCase, ClientError> {
        let fault = self.faults.lock().expect("faults").pop_front();
        match fault {
            Some(Fault::LoseRequest) => Err(broken()),
            Some(Fault::LoseAnswer) => {
                let _ = self.inner.submit(id, req).await;
                Err(broken())
            }
            None => self.inner.submit(id, req).await,
        }
    }
}

async fn an_assessment_filled_in_offline_reaches_the_server_once_and_follows_its_case(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let mut ids = Vec::new();
    for (name, qualification) in [("doc_phone", Qualification::Physician), ("nurse_phone", Qualification::Nurse)] {
        let id = seed_user(&app, name, Role::Assessor, world.region_a, None).await;
        let profile = AssessorProfileRequest { qualification, expert: false, employer_institution_id: None };
        admin.put_assessor_profile(id, &profile).await.expect("profile");
        ids.push(id);
    }
    let (lead, second) = (ids[0], ids[1]);
    let (second_client, _) = app.client.signed_in("nurse_phone", TEST_PASSWORD).await.expect("second assessor");
    let applicant = admin.create_insured_person(&person("赵淑芬", 401)).await.expect("person");
    let application = ApplyRequest {
        insured_person_id: applicant.id,
        care_mode: CareMode::HomeVisit,
        reason: "中风后行动不便".into(),
        institution_id: None,
        change_of_condition: false,
    };
    let case_id = admin.apply_for_assessment(&application).await.expect("apply").id;
    let assignment = AssignRequest { assessor_ids: vec![lead, second], lead_assessor_id: lead };
    admin.assign_assessors(case_id, &assignment).await.expect("assign");

    // Only caregivers and assessors sign in on the phone.
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("phone.db");
    let store = Store::open(&path).await.expect("store");
    let officer = Session::sign_in(&store, &app.base_url, "admin_a", TEST_PASSWORD).await;
    assert!(matches!(officer, Err(MobileError::NotForThisApp(Role::Admin))), "{officer:?}");
    assert!(store.session().await.expect("session").is_none(), "nothing kept for an officer");
    let session = Session::sign_in(&store, &app.base_url, "doc_phone", TEST_PASSWORD).await.expect("sign in");
    assert_eq!((session.role, session.user_id), (Role::Assessor, lead));

    // The case comes down with its applicant (masked ID number); the second assessor's phone
    // shows nothing to fill in.
    let report = sync_cases(&store, &session, lead).await.expect("first sync");
    assert_eq!(report.cases, 1);
    let case = store.assigned_cases().await.expect("cases").remove(0);
    assert_eq!((case.case_id, case.round_no, case.applicant.name.as_str()), (case_id, 1, "赵淑芬"));
    assert!(case.applicant.id_number.contains('*'), "{}", case.applicant.id_number);
    let other_phone = Store::open_in_memory().await.expect("store");
    let second_session = Session::sign_in(&other_phone, &app.base_url, "nurse_phone", TEST_PASSWORD).await.expect("in");
    assert_eq!(sync_cases(&other_phone, &second_session, second).await.expect("sync").cases, 0);

    // Offline in the applicant's home: half the form, the app killed, the rest.
    let items: Vec<_> = assessment::current().dimensions.iter().flat_map(|d| &d.items).collect();
    let worst = |item: &assessment::Item| item.options.iter().map(|o| o.points).min().unwrap_or(0);
    let (first_half, second_half) = items.split_at(items.len() / 2);
    for item in first_half {
        assert!(assess::answer(&store, &case, &item.code, worst(item)).await.expect("answer"));
    }
    drop(store);
    let store = Store::open(&path).await.expect("started again");
    let session = Session::resume(&store).await.expect("resume").expect("still signed in");
    assert_eq!(store.draft(case_id).await.expect("draft").map(|d| d.answers.len()), Some(first_half.len()));
    // Nobody else signs in on this phone while the form is unsent.
    let switch = Session::sign_in(&store, &app.base_url, "nurse_phone", TEST_PASSWORD).await;
    assert!(matches!(switch, Err(MobileError::OtherUsersWork)), "{switch:?}");
    assert_eq!(store.identity().await.expect("identity"), Some((Role::Assessor, lead)));
    for item in second_half {
        assess::answer(&store, &case, &item.code, worst(item)).await.expect("answer");
    }
    let at_the_door = FixedLocation::at(36.0701, 120.3802, 12.0);
    assess::submit(&store, &case, &at_the_door, Utc::now()).await.expect("store").expect("submitted");
    let (mut made, mut refused) = (1, 0);
    assert_eq!(store.status().await.expect("status").pending, 1);

    // The request is lost, then the answer: the submission waits; the third try finds the server
    // already holding it and settles it as sent — not refused, not sent twice.
    let line = BadLine { inner: &session, faults: Mutex::new([Fault::LoseRequest, Fault::LoseAnswer].into()) };
    assert!(sync_cases(&store, &line, lead).await.is_err());
    assert!(sync_cases(&store, &line, lead).await.is_err());
    assert_eq!(store.status().await.expect("status").pending, 1, "still waiting after the lost answer");
    let report = sync_cases(&store, &line, lead).await.expect("sync");
    assert_eq!((report.sent, report.refused), (1, 0));
    let draft = store.draft(case_id).await.expect("draft").expect("kept");
    assert_eq!((draft.status, draft.level), (Submission::Sent, Some(5)), "every item at its worst: level 5");
    let status = store.status().await.expect("status");
    assert_eq!((status.pending, status.failed.len()), (0, 0));
    let on_server = admin.assessment_case(case_id).await.expect("case");
    assert_eq!(on_server.state, CaseState::AwaitingConfirmation);
    assert_eq!(on_server.rounds.iter().filter(|r| r.submitted_at.is_some()).count(), 1, "submitted once");
    assert_eq!(on_server.rounds[0].answers.as_ref(), Some(&draft.api_answers()));
    let shown = store.assigned_cases().await.expect("cases").remove(0);
    assert_eq!(case_badge(&shown, Some(&draft)), CaseBadge::Submitted);

    // The second assessor sends it back: the phone reopens the answers sent, with the reason.
    second_client.return_assessment(case_id, "进食项与现场不符，请复核").await.expect("return");
    sync_cases(&store, &session, lead).await.expect("sync");
    let case = store.assigned_cases().await.expect("cases").remove(0);
    assert_eq!(case.returned_because.as_deref(), Some("进食项与现场不符，请复核"));
    let draft = store.draft(case_id).await.expect("draft").expect("kept");
    assert_eq!((draft.status, draft.round_no, draft.answers.len()), (Submission::Draft, 2, items.len()));
    assert_eq!(case_badge(&case, Some(&draft)), CaseBadge::NeedsAttention);

    // Corrected, but the phone's clock is a day ahead: the server refuses it, the phone says why
    // and keeps the form to correct.
    let best = items[0].options.iter().map(|o| o.points).max().unwrap_or(0);
    assess::answer(&store, &case, &items[0].code, best).await.expect("correct");
    assert!(store.queue_submission(case_id, 2, Utc::now() + Duration::days(1), None).await.expect("queue"));
    made += 1;
    let report = sync_cases(&store, &session, lead).await.expect("sync");
    assert_eq!((report.sent, report.refused), (0, 1));
    refused += report.refused;
    let status = store.status().await.expect("status");
    assert_eq!((status.pending, status.failed.len()), (0, 1));
    assert_eq!(status.failed[0].code, "validation_failed");
    assert!(status.failed[0].message.contains("visited_at"), "{}", status.failed[0].message);
    let draft = store.draft(case_id).await.expect("draft").expect("kept");
    assert_eq!(case_badge(&case, Some(&draft)), CaseBadge::NeedsAttention);

    // Submitted again with the right time: sent; the other assessor confirms and the case leaves
    // the phone with its draft.
    assess::answer(&store, &case, &items[0].code, best).await.expect("touch");
    assess::submit(&store, &case, &at_the_door, Utc::now()).await.expect("store").expect("submitted");
    made += 1;
    let report = sync_cases(&store, &session, lead).await.expect("sync");
    assert_eq!((report.sent, report.refused), (1, 0));
    let on_server = admin.assessment_case(case_id).await.expect("case");
    assert_eq!(
        on_server.rounds.last().and_then(|r| r.answers.as_ref().and_then(|a| a.get(&items[0].code)).cloned()),
        Some(best.into())
    );
    let submitted = on_server.rounds.iter().filter(|r| r.submitted_at.is_some()).count() as u32;
    eprintln!(
        "an assessment over a bad line ({:?}): {made} submissions made on the phone, {refused} refused for a wrong \
         clock and corrected, {submitted} on the server ({} duplicated, {} lost); 1 request and 1 answer lost",
        app.backend,
        submitted.saturating_sub(made - refused),
        (made - refused).saturating_sub(submitted),
    );
    assert_eq!(submitted, made - refused, "each accepted submission once, in its round");
    // Everything sent: another person may sign in on this phone, and the lead's case is gone from
    // it; the lead signs in again.
    let nurse = Session::sign_in(&store, &app.base_url, "nurse_phone", TEST_PASSWORD).await.expect("switch");
    assert!(store.assigned_cases().await.expect("cases").is_empty(), "the last user's cases wiped");
    assert_eq!(sync_cases(&store, &nurse, second).await.expect("sync").cases, 0);
    let session = Session::sign_in(&store, &app.base_url, "doc_phone", TEST_PASSWORD).await.expect("back");
    assert_eq!(sync_cases(&store, &session, lead).await.expect("sync").cases, 1);
    second_client.confirm_assessment(case_id).await.expect("confirm");
    sync_cases(&store, &session, lead).await.expect("sync");
    assert!(store.assigned_cases().await.expect("cases").is_empty());
    assert!(store.drafts().await.expect("drafts").is_empty());
    assert!(store.status().await.expect("status").failed.is_empty());

    // Signing out revokes the refresh token on the server and forgets the tokens on the phone.
    let kept = store.session().await.expect("session").expect("signed in");
    session.sign_out().await.expect("sign out");
    assert!(Session::resume(&store).await.expect("resume").is_none(), "asks for the password");
    let refused = app.client.refresh(&kept.refresh_token).await.expect_err("revoked");
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401), "{refused:?}");
}
