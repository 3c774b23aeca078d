//! The assessor's part of the local store: the cases as last pulled (`cases`) and the drafts of
//! their forms with the submissions' delivery (`drafts`). A draft is written on every answer; a
//! submission waits here until the server has answered for it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use ltci_shared::api::assessment::CaseState;

use super::{Delivery, Failed, Store, json_column, note_if_all_sent, set_meta};
use crate::MobileError;
use crate::assess::{AssignedCase, Draft, Submission};

impl Store {
    /// Keeps `cases` as the assessor's cases: they replace those pulled before, except a case
    /// whose submission is still waiting or was refused (kept until that is settled). A case back
    /// with the assessor after a submission (returned by the other assessor, in a new round)
    /// reopens its draft, with the answers sent, for that round.
    /// Drafts of cases no longer assigned go. All or nothing; the time of the pull is kept.
    pub async fn replace_cases(&self, cases: &[AssignedCase]) -> Result<(), MobileError> {
        let mut txn = self.pool.begin().await?;
        let keep: Vec<String> = cases.iter().map(|c| c.case_id.to_string()).collect();
        sqlx::query(
            "DELETE FROM cases WHERE id NOT IN (SELECT value FROM json_each(?))
             AND id NOT IN (SELECT case_id FROM drafts WHERE status IN ('pending', 'refused'))",
        )
        .bind(serde_json::to_string(&keep)?)
        .execute(&mut *txn)
        .await?;
        for c in cases {
            sqlx::query(
                "INSERT INTO cases (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )
            .bind(c.case_id.to_string())
            .bind(serde_json::to_string(c)?)
            .execute(&mut *txn)
            .await?;
            let row = sqlx::query("SELECT body FROM drafts WHERE case_id = ? AND status = 'sent'")
                .bind(c.case_id.to_string())
                .fetch_optional(&mut *txn)
                .await?;
            if let Some(row) = row {
                let mut draft: Draft = json_column(&row, "body")?;
                // Sent back by the other assessor: the case is assigned again, in a new round of the
                // same assessors; the answers sent are the draft to correct.
                if c.state == CaseState::Assigned && draft.round_no <= c.round_no {
                    draft.round_no = c.round_no;
                    draft.status = Submission::Draft;
                    draft.level = None;
                    put_draft(&mut txn, &draft).await?;
                }
            }
        }
        sqlx::query("DELETE FROM drafts WHERE case_id NOT IN (SELECT id FROM cases)").execute(&mut *txn).await?;
        set_meta(&mut txn, "last_pull", &Utc::now().to_rfc3339()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The assessor's cases, in the order they were assigned.
    pub async fn assigned_cases(&self) -> Result<Vec<AssignedCase>, MobileError> {
        let rows = sqlx::query("SELECT body FROM cases").fetch_all(&self.pool).await?;
        let mut cases = rows.iter().map(|r| json_column(r, "body")).collect::<Result<Vec<AssignedCase>, _>>()?;
        cases.sort_by_key(|c| (c.assigned_at, c.case_id));
        Ok(cases)
    }

    /// One case as last pulled.
    pub async fn assigned_case(&self, id: Uuid) -> Result<Option<AssignedCase>, MobileError> {
        let row =
            sqlx::query("SELECT body FROM cases WHERE id = ?").bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.map(|r| json_column(&r, "body")).transpose()
    }

    /// The draft for a case, if any.
    pub async fn draft(&self, case_id: Uuid) -> Result<Option<Draft>, MobileError> {
        let row = sqlx::query("SELECT body FROM drafts WHERE case_id = ?")
            .bind(case_id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| json_column(&r, "body")).transpose()
    }

    /// Every draft on the phone.
    pub async fn drafts(&self) -> Result<Vec<Draft>, MobileError> {
        let rows = sqlx::query("SELECT body FROM drafts ORDER BY case_id").fetch_all(&self.pool).await?;
        rows.iter().map(|r| json_column(r, "body")).collect()
    }

    /// Keeps `points` as the answer to `item` in the draft of `case_id`'s round `round_no` (a new
    /// draft when there is none for that round). `false`, and nothing changed, once the draft is
    /// submitted; correcting a refused one makes it a draft again.
    pub async fn answer(
        &self,
        case_id: Uuid,
        round_no: u32,
        item: &str,
        points: u32,
        now: DateTime<Utc>,
    ) -> Result<bool, MobileError> {
        let mut txn = self.pool.begin().await?;
        let kept = draft_in(&mut txn, case_id).await?.filter(|d| d.round_no == round_no);
        let mut draft = match kept {
            Some(d) if !d.editable() => return Ok(false),
            Some(d) => d,
            None => Draft {
                case_id,
                round_no,
                answers: Default::default(),
                status: Submission::Draft,
                visited_at: None,
                position: None,
                error: None,
                level: None,
                updated_at: now,
            },
        };
        draft.answers.insert(item.to_owned(), points);
        draft.status = Submission::Draft;
        draft.updated_at = now;
        put_draft(&mut txn, &draft).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Marks the draft of `case_id`'s round `round_no` submitted at `at` from `position`, to be
    /// sent. `false` when there is no such draft or it is already submitted.
    pub async fn queue_submission(
        &self,
        case_id: Uuid,
        round_no: u32,
        at: DateTime<Utc>,
        position: Option<(f64, f64)>,
    ) -> Result<bool, MobileError> {
        let mut txn = self.pool.begin().await?;
        let Some(mut draft) = draft_in(&mut txn, case_id).await?.filter(|d| d.round_no == round_no && d.editable())
        else {
            return Ok(false);
        };
        draft.status = Submission::Pending;
        draft.visited_at = Some(at);
        draft.position = position;
        draft.error = None;
        draft.updated_at = at;
        put_draft(&mut txn, &draft).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Submissions waiting for the server, oldest first.
    pub async fn pending_submissions(&self) -> Result<Vec<Draft>, MobileError> {
        let rows = sqlx::query("SELECT body FROM drafts WHERE status = 'pending'").fetch_all(&self.pool).await?;
        let mut drafts = rows.iter().map(|r| json_column(r, "body")).collect::<Result<Vec<Draft>, _>>()?;
        drafts.sort_by_key(|d| (d.updated_at, d.case_id));
        Ok(drafts)
    }

    /// Records the server's answer for a waiting submission: `Sent` (with the level it graded) or
    /// `Refused` (with its code and message). Only a waiting submission changes.
    pub async fn settle_submission(
        &self,
        case_id: Uuid,
        status: Submission,
        error: Option<(String, String)>,
        level: Option<u8>,
    ) -> Result<(), MobileError> {
        let mut txn = self.pool.begin().await?;
        if let Some(mut draft) = draft_in(&mut txn, case_id).await?.filter(|d| d.status == Submission::Pending) {
            draft.status = status;
            draft.error = error;
            draft.level = level;
            put_draft(&mut txn, &draft).await?;
        }
        note_if_all_sent(&mut txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Submissions waiting, and those refused with their reasons (for the sync screen).
    pub(super) async fn submissions_status(&self) -> Result<(u32, Vec<Failed>), MobileError> {
        let rows = sqlx::query("SELECT body FROM drafts WHERE status IN ('pending', 'refused') ORDER BY case_id")
            .fetch_all(&self.pool)
            .await?;
        let drafts = rows.iter().map(|r| json_column(r, "body")).collect::<Result<Vec<Draft>, _>>()?;
        let pending = drafts.iter().filter(|d| d.status == Submission::Pending).count();
        let refused = drafts
            .into_iter()
            .filter_map(|d| {
                let (code, message) = d.error?;
                Some(Failed { id: d.case_id, subject: d.case_id, status: Delivery::Rejected, code, message })
            })
            .collect();
        Ok((u32::try_from(pending).unwrap_or(u32::MAX), refused))
    }
}

async fn draft_in(txn: &mut sqlx::SqliteConnection, case_id: Uuid) -> Result<Option<Draft>, MobileError> {
    let row =
        sqlx::query("SELECT body FROM drafts WHERE case_id = ?").bind(case_id.to_string()).fetch_optional(txn).await?;
    row.map(|r| json_column(&r, "body")).transpose()
}

async fn put_draft(txn: &mut sqlx::SqliteConnection, draft: &Draft) -> Result<(), MobileError> {
    sqlx::query(
        "INSERT INTO drafts (case_id, status, body) VALUES (?, ?, ?)
         ON CONFLICT (case_id) DO UPDATE SET status = excluded.status, body = excluded.body",
    )
    .bind(draft.case_id.to_string())
    .bind(draft.status.as_str())
    .bind(serde_json::to_string(draft)?)
    .execute(txn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::assess::sample_case;

    fn case(state: CaseState, round_no: u32) -> AssignedCase {
        AssignedCase { state, round_no, ..sample_case() }
    }

    #[tokio::test]
    async fn a_draft_is_kept_answer_by_answer_and_locked_once_submitted() {
        let store = Store::open_in_memory().await.expect("store");
        let c = case(CaseState::Assigned, 1);
        store.replace_cases(std::slice::from_ref(&c)).await.expect("pull");
        let now = Utc::now();
        assert!(store.answer(c.case_id, 1, "adl.eating", 10, now).await.expect("answer"));
        assert!(store.answer(c.case_id, 1, "adl.eating", 5, now).await.expect("changed"));
        assert!(store.answer(c.case_id, 1, "adl.dressing", 0, now).await.expect("answer"));
        let draft = store.draft(c.case_id).await.expect("draft").expect("kept");
        assert_eq!(
            draft.answers.into_iter().collect::<Vec<_>>(),
            [("adl.dressing".into(), 0), ("adl.eating".into(), 5)]
        );

        assert!(store.queue_submission(c.case_id, 1, now, Some((36.9, 120.5))).await.expect("submit"));
        assert!(!store.queue_submission(c.case_id, 1, now, None).await.expect("twice"), "submitted once");
        assert!(
            !store.answer(c.case_id, 1, "adl.eating", 10, now).await.expect("locked"),
            "a submitted form is locked"
        );
        assert_eq!(store.pending_submissions().await.expect("pending").len(), 1);
        assert_eq!(store.status().await.expect("status").pending, 1);

        // A pull without the case keeps it while its submission waits.
        store.replace_cases(&[]).await.expect("pull");
        assert_eq!(store.assigned_cases().await.expect("cases").len(), 1);

        let refusal = Some(("in_the_future".to_owned(), "the visit cannot be in the future".to_owned()));
        store.settle_submission(c.case_id, Submission::Refused, refusal, None).await.expect("settle");
        let status = store.status().await.expect("status");
        assert_eq!((status.pending, status.failed.len()), (0, 1));
        assert_eq!(status.failed[0].code, "in_the_future");
        // Correcting a refused form makes it a draft again.
        assert!(store.answer(c.case_id, 1, "adl.eating", 10, now + Duration::seconds(1)).await.expect("correct"));
        let draft = store.draft(c.case_id).await.expect("draft").expect("kept");
        assert_eq!(draft.status, Submission::Draft);
        assert!(store.status().await.expect("status").failed.is_empty());
    }

    #[tokio::test]
    async fn a_returned_submission_reopens_and_a_case_no_longer_assigned_goes() {
        let store = Store::open_in_memory().await.expect("store");
        let mut c = case(CaseState::Assigned, 1);
        let other = case(CaseState::Assigned, 1);
        store.replace_cases(&[c.clone(), other.clone()]).await.expect("pull");
        let now = Utc::now();
        store.answer(c.case_id, 1, "adl.eating", 10, now).await.expect("answer");
        store.answer(other.case_id, 1, "adl.eating", 10, now).await.expect("answer");
        store.queue_submission(c.case_id, 1, now, None).await.expect("submit");
        store.settle_submission(c.case_id, Submission::Sent, None, Some(2)).await.expect("sent");
        assert!(store.status().await.expect("status").last_push.is_some());

        // Submitted: the server shows it awaiting confirmation; the draft stays sent.
        c.state = CaseState::AwaitingConfirmation;
        store.replace_cases(&[c.clone(), other.clone()]).await.expect("pull");
        assert_eq!(store.draft(c.case_id).await.expect("draft").map(|d| d.status), Some(Submission::Sent));
        // Returned by the other assessor (a new round): back to a draft. The other case is no longer
        // assigned.
        c.state = CaseState::Assigned;
        c.round_no = 2;
        c.returned_because = Some("请复核进食项".into());
        store.replace_cases(std::slice::from_ref(&c)).await.expect("pull");
        let draft = store.draft(c.case_id).await.expect("draft").expect("kept");
        assert_eq!((draft.status, draft.round_no, draft.level), (Submission::Draft, 2, None));
        assert_eq!(draft.answers.len(), 1, "the answers sent, to correct");
        assert_eq!(store.assigned_cases().await.expect("cases"), [c.clone()]);
        assert_eq!(store.draft(other.case_id).await.expect("draft"), None, "its draft went with it");
    }
}
