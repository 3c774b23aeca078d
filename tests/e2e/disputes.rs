//! Disputes of bill lines (申诉): a comment on a draft line that stays on its care when the draft is
//! computed again; disputes of deductions and of a rejection once the bill is submitted, refused
//! where there is nothing to dispute, twice at once, or by another institution; a dispute sent
//! again answered by the first; an accepted deduction lifted in the payable, a rejected one left;
//! after approval, an accepted deduction paid back and an accepted rejection paid on the next bill
//! — each once, however often the next bill is computed, and not again on the bill after it.

use chrono::Duration;
use ltci_e2e::{TestApp, field_code, on_both_databases};
use ltci_shared::PageQuery;
use ltci_shared::api::partners::{PartnerBatch, PartnerEvent, PartnerEventKind, PartnerSource};
use ltci_shared::api::settlement::{
    AnswerDispute, BillLine, ComputeBill, Deduction, DisputeDecision, DisputeFilter, DisputeKind, DisputeOutcome,
    DisputeStatus, PayBill, RaiseDispute,
};
use ltci_shared::api::stays::{ChargeReport, DailyCharge};
use ltci_shared::client::ClientError;
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::settlement::{fiscal_transfer, import_policy, last_month, month_before_last, resident, yuan};

on_both_databases!(disputes_change_the_money_once);

fn status(e: &ClientError) -> u16 {
    match e {
        ClientError::Api { status, .. } => status.as_u16(),
        other => panic!("expected an API error, got {other}"),
    }
}

fn raise(reason: &str) -> RaiseDispute {
    RaiseDispute { id: Uuid::now_v7(), reason: reason.into(), attachment_ids: vec![] }
}

fn answer(decision: DisputeDecision, reason: &str, amount: Option<&str>) -> AnswerDispute {
    AnswerDispute { decision, reason: reason.into(), amount: amount.map(yuan) }
}

async fn disputes_change_the_money_once(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    let (admin, checker, a1, a2) =
        (world.as_user("admin_a"), world.as_user("admin_a2"), world.as_user("inst_a1"), world.as_user("inst_a2"));
    fiscal_transfer(admin, "CZ-DISPUTE").await;
    let (first, last, month) = month_before_last();
    let (next_first, next_last, next_month) = last_month();
    let (_, id_number, stay) = resident(&app, &world, 471, first).await;
    // 95.00 a day both months (the fund pays 45.00 of each, the cap being 60.00 at 75 %); in
    // hospital from the 10th to the 11th of the first month, so two of its days are rejected.
    for (from, to, m) in [(first, last, &month), (next_first, next_last, &next_month)] {
        let charges = from.iter_days().take_while(|d| *d <= to).map(|on| DailyCharge {
            stay_id: stay,
            on,
            amount: yuan("95.00"),
        });
        let report = ChargeReport { institution_id: None, month: m.clone(), charges: charges.collect() };
        a1.report_stay_charges(&report).await.expect("charges");
    }
    let event = |r: &str, kind, on| PartnerEvent {
        source: PartnerSource::MedicalInsurance,
        external_ref: r.into(),
        kind,
        id_number: id_number.clone(),
        on,
        episode_ref: Some("ZY-9".into()),
        hospital: Some("市人民医院".into()),
    };
    let events = vec![
        event("YB-91", PartnerEventKind::HospitalAdmission, first + Duration::days(9)),
        event("YB-92", PartnerEventKind::HospitalDischarge, first + Duration::days(11)),
    ];
    admin.record_partner_events(&PartnerBatch { events }).await.expect("hospital stay");

    // A comment on a draft line, kept on its care when the draft is computed again.
    let compute = ComputeBill { institution_id: None, month: month.clone() };
    let draft = a1.compute_bill(&compute).await.expect("draft");
    let comment = a1.raise_dispute(draft.id, 1, &raise("首日入住，费用含床位押金以外的护理费")).await.expect("comment");
    assert_eq!((comment.kind, comment.status), (DisputeKind::Comment, DisputeStatus::Noted));
    a1.compute_bill(&compute).await.expect("computed again");
    let mine = DisputeFilter { bill_id: Some(draft.id), ..DisputeFilter::default() };
    let listed = a1.disputes(&mine, PageQuery::default()).await.expect("disputes").items;
    assert_eq!((listed.len(), listed[0].line_no, listed[0].service_on), (1, 1, first));
    let bill = a1.submit_bill(draft.id).await.expect("submitted");

    // The agency deducts from two lines; the institution disputes both and a rejected line.
    for (line_no, amount) in [(3, "10.00"), (4, "5.00")] {
        admin
            .deduct(bill.id, line_no, &Deduction { amount: yuan(amount), reason: Some("护理记录不全".into()) })
            .await
            .expect("deducted");
    }
    let lines: Vec<BillLine> = a1
        .bill_lines(bill.id, &Default::default(), PageQuery { limit: Some(200), offset: None })
        .await
        .expect("lines")
        .items;
    let rejected = lines.iter().find(|l| l.rejection.is_some()).expect("a rejected line").line_no;
    let plain = lines.iter().find(|l| l.rejection.is_none() && l.line_no > 4).expect("a plain line").line_no;
    let first_dispute = raise("护理记录已补齐，见附件说明");
    let d3 = a1.raise_dispute(bill.id, 3, &first_dispute).await.expect("disputed");
    assert_eq!((d3.kind, d3.status), (DisputeKind::Deduction, DisputeStatus::Open));
    // Sent again: the same dispute; its id with another reason: a conflict.
    assert_eq!(a1.raise_dispute(bill.id, 3, &first_dispute).await.expect("again").id, d3.id);
    let mut other = first_dispute.clone();
    other.reason = "另一理由".into();
    assert_eq!(status(&a1.raise_dispute(bill.id, 3, &other).await.expect_err("id reused")), 409);
    // A second open dispute of the line, a line with nothing to dispute, another institution.
    assert_eq!(
        field_code(&a1.raise_dispute(bill.id, 3, &raise("再次")).await.expect_err("open"), "line_no"),
        "conflict"
    );
    let nothing = a1.raise_dispute(bill.id, plain, &raise("无")).await.expect_err("nothing");
    assert_eq!(field_code(&nothing, "line_no"), "nothing_to_dispute");
    assert_eq!(status(&a2.raise_dispute(bill.id, 4, &raise("越权")).await.expect_err("not a2's")), 404);
    assert_eq!(status(&admin.raise_dispute(bill.id, 4, &raise("经办")).await.expect_err("officers answer")), 403);
    let d4 = a1.raise_dispute(bill.id, 4, &raise("护理记录已补齐")).await.expect("disputed");
    let dr = a1.raise_dispute(bill.id, rejected, &raise("当日上午出院前已在院服务")).await.expect("disputed");
    assert_eq!(dr.kind, DisputeKind::Rejection);
    let open = DisputeFilter { status: Some(DisputeStatus::Open), ..DisputeFilter::default() };
    assert_eq!(admin.disputes(&open, PageQuery::default()).await.expect("queue").total, 3);
    assert_eq!(a2.disputes(&open, PageQuery::default()).await.expect("theirs").total, 0);

    // Accepted: the deduction is lifted in the payable. Rejected: it stays. An answer sent again
    // changes nothing; another answer is refused.
    let before = admin.bill(bill.id).await.expect("bill");
    assert_eq!(before.deducted, yuan("15.00"));
    let accepted =
        admin.answer_dispute(d3.id, &answer(DisputeDecision::Accept, "材料属实", None)).await.expect("accepted");
    assert_eq!(
        (accepted.status, accepted.outcome, accepted.amount),
        (DisputeStatus::Accepted, Some(DisputeOutcome::Lifted), Some(yuan("10.00")))
    );
    let refusal = answer(DisputeDecision::Reject, "记录仍不完整", None);
    assert_eq!(admin.answer_dispute(d4.id, &refusal).await.expect("rejected").status, DisputeStatus::Rejected);
    assert_eq!(admin.answer_dispute(d4.id, &refusal).await.expect("same answer").status, DisputeStatus::Rejected);
    let changed =
        admin.answer_dispute(d4.id, &answer(DisputeDecision::Accept, "改判", None)).await.expect_err("answered");
    assert_eq!(status(&changed), 409);
    // Both sides read the thread on the line in the CSV.
    let csv = a1.bill_lines_csv(bill.id).await.expect("csv");
    let header = csv.lines().next().expect("header");
    assert!(header.ends_with("申诉与答复"), "{header}");
    let line3 = csv.lines().find(|l| l.starts_with("3,")).expect("line 3");
    assert!(line3.contains("扣款申诉（已受理）：护理记录已补齐，见附件说明 → 答复：材料属实"), "{line3}");
    let after = admin.bill(bill.id).await.expect("bill");
    assert_eq!((after.deducted, after.payable), (yuan("5.00"), before.payable + yuan("10.00")));

    // Approved and paid with the rejection's dispute still open: it is answered afterwards and
    // paid on the next bill. The rejected deduction disputed again, accepted now: paid back there.
    checker.approve_bill(bill.id).await.expect("approved");
    admin.pay_bill(bill.id, &PayBill { bank_reference: "YH-DISPUTE-1".into(), paid_on: None }).await.expect("paid");
    let no_amount = admin.answer_dispute(dr.id, &answer(DisputeDecision::Accept, "核实在院", None)).await;
    assert_eq!(field_code(&no_amount.expect_err("amount"), "amount"), "required");
    let too_much = admin.answer_dispute(dr.id, &answer(DisputeDecision::Accept, "核实在院", Some("95.01"))).await;
    assert_eq!(field_code(&too_much.expect_err("above the claim"), "amount"), "out_of_range");
    let paid_rejection =
        admin.answer_dispute(dr.id, &answer(DisputeDecision::Accept, "核实在院", Some("45.00"))).await.expect("ok");
    assert_eq!((paid_rejection.outcome, paid_rejection.amount), (Some(DisputeOutcome::NextBill), Some(yuan("45.00"))));
    let again = a1.raise_dispute(bill.id, 4, &raise("补充了护理员签字")).await.expect("disputed again");
    let refund = admin.answer_dispute(again.id, &answer(DisputeDecision::Accept, "签字齐全", None)).await.expect("ok");
    assert_eq!((refund.outcome, refund.amount), (Some(DisputeOutcome::NextBill), Some(yuan("5.00"))));

    // The next month's bill: its own days, plus 5.00 paid back and 45.00 for the rejected day —
    // the same however often it is computed.
    let next = ComputeBill { institution_id: None, month: next_month.clone() };
    let days = i64::try_from(next_first.iter_days().take_while(|d| *d <= next_last).count()).expect("days");
    let own = yuan("45.00") * rust_decimal::Decimal::from(days);
    let draft = a1.compute_bill(&next).await.expect("next draft");
    assert_eq!(draft.fund_amount, own + yuan("50.00"), "{draft:?}");
    assert_eq!(a1.compute_bill(&next).await.expect("again").fund_amount, own + yuan("50.00"));
    let lines = a1
        .bill_lines(draft.id, &Default::default(), PageQuery { limit: Some(200), offset: None })
        .await
        .expect("lines")
        .items;
    let carried: Vec<(&str, rust_decimal::Decimal, Option<u32>)> = lines
        .iter()
        .filter(|l| l.adjusts_bill_id == Some(bill.id))
        .map(|l| (l.source.as_str(), l.fund_amount, l.adjusts_line_no))
        .collect();
    assert_eq!(carried.len(), 2, "{carried:?}");
    assert!(carried.contains(&("dispute_refund", yuan("5.00"), Some(4))), "{carried:?}");
    assert!(carried.contains(&("stay", yuan("45.00"), Some(rejected))), "{carried:?}");
    a1.submit_bill(draft.id).await.expect("submitted");
    checker.approve_bill(draft.id).await.expect("approved");

    // The bill after it carries neither again.
    let model = ltci_server::entities::institution::Entity::find_by_id(world.institution("a1"))
        .one(&app.db)
        .await
        .expect("institution")
        .expect("a1");
    let this_month = (next_last + Duration::days(1), next_last + Duration::days(28));
    let rows = ltci_server::settlement::compute::draft_rows(
        &app.db,
        &model,
        this_month,
        None,
        app.state.config.late_fact_margin(),
    )
    .await
    .expect("rows");
    assert!(rows.iter().all(|r| r.adjusts_bill_id != Some(bill.id)), "nothing of the disputed bill again");
}
