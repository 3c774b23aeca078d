//! The institution's monthly bill in the console, as a browser without script uses it: the draft
//! computed from the bills page (a bad month said beside the form), a line commented and the bill
//! submitted; after the agency's deduction, the line disputed with a document (a file of the wrong
//! type refused on the page), another institution refused like a bill that does not exist; the
//! officer's queue of disputes on the home page and its own page, a refused answer and an
//! accepted one lifting the deduction; the auditor reads the thread without a form; the statement
//! (对账单) after payment, with the deposit by year, printed and as CSV.

use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::api::settlement::BillStatus;
use ltci_shared::api::stays::{ChargeReport, DailyCharge};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::console::Browser;
use crate::settlement::{fiscal_transfer, import_policy, month_before_last, resident, yuan};

on_both_databases!(an_institution_disputes_a_deduction_and_the_officer_answers_in_the_console);

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

async fn an_institution_disputes_a_deduction_and_the_officer_answers_in_the_console(app: TestApp) {
    let world = app.world().await;
    import_policy(&world).await;
    fiscal_transfer(world.as_user("admin_a"), "CZ-CONSOLE-DISPUTE").await;
    let (first, last, month) = month_before_last();
    let (_, _, stay) = resident(&app, &world, 921, first).await;
    let charges =
        first.iter_days().take_while(|d| *d <= last).map(|on| DailyCharge { stay_id: stay, on, amount: yuan("50.00") });
    let report = ChargeReport { institution_id: None, month: month.clone(), charges: charges.collect() };
    world.as_user("inst_a1").report_stay_charges(&report).await.expect("charges");

    // The draft computed from the month's bills: a month not over is said beside the form.
    let mut staff = signed_in(&app, "inst_a1").await;
    let list = format!("/settlements?month={month}");
    let listed = staff.get(&list).await;
    assert!(listed.body.contains("计算结算单草稿") && !listed.body.contains("month-end"), "{}", listed.body);
    let early = staff.submit(&list, "/settlements", &[("month", "2999-01")]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("class=\"why\""), "{}", early.body);
    let computed = staff.submit(&list, "/settlements", &[("month", &month)]).await;
    let at = computed.location.expect("the draft's page");
    let page = at.split('?').next().unwrap_or_default().to_owned();
    assert_eq!(at, format!("{page}?done=ui_done_computed"));
    let bill: Uuid = page.trim_start_matches("/settlements/").parse().expect("the bill's id");

    // A comment on the draft's first line, sent twice (the form's id): recorded once.
    let draft = staff.get(&page).await;
    assert!(draft.body.contains(&format!("action=\"{page}/submit\"")), "{}", draft.body);
    let form_id = {
        let at = draft.body.find("name=\"dispute_id\" value=\"").expect("a dispute form") + 25;
        draft.body[at..at + 36].to_owned()
    };
    let comment = [("dispute_id", form_id.as_str()), ("reason", "首日入住，已与家属核对")];
    let action = format!("{page}/lines/1/dispute");
    for _ in 0..2 {
        let sent = staff.upload(&page, &action, &comment, ("", "application/octet-stream", b"")).await;
        assert_eq!(sent.location.as_deref(), Some(format!("{page}?done=ui_done_commented").as_str()));
    }
    let shown = staff.get(&page).await;
    assert_eq!(shown.body.matches("首日入住，已与家属核对").count(), 1, "{}", shown.body);
    assert!(shown.body.contains("申诉与答复") && shown.body.contains("备注"), "{}", shown.body);
    let submitted = staff.submit(&page, &format!("{page}/submit"), &[]).await;
    assert_eq!(submitted.location.as_deref(), Some(format!("{page}?done=ui_done_submitted").as_str()));

    // The agency deducts from line 3; the institution disputes it with a document. A file that
    // is not a PDF, JPEG or PNG is refused on the page; a line with nothing to dispute has no form
    // (and a crafted dispute of it is refused before its document is stored).
    let mut officer = signed_in(&app, "admin_a").await;
    let cut = [("line_no", "3"), ("amount", "10.00"), ("reason", "护理记录缺签名")];
    assert!(officer.submit(&page, &format!("{page}/deduct"), &cut).await.location.is_some());
    let audited = staff.get(&page).await;
    assert!(audited.body.contains(&format!("{page}/lines/3/dispute")), "{}", audited.body);
    assert!(!audited.body.contains(&format!("{page}/lines/4/dispute")), "nothing to dispute on line 4");
    let action = format!("{page}/lines/3/dispute");
    let why = [("reason", "签字页已补，见附件")];
    let wrong = staff.upload(&page, &action, &why, ("note.txt", "text/plain", b"not a document")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("class=\"notice refused\""), "{}", wrong.body);
    // A dispute refused (no reason; a line with nothing to dispute) stores no document.
    let documents = || async {
        world
            .as_user("inst_a1")
            .list_attachments(world.institution("a1"), ltci_e2e::all())
            .await
            .expect("documents")
            .total
    };
    let before = documents().await;
    let blank = staff.upload(&page, &action, &[("reason", "")], ("signature.png", "image/png", PNG)).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", blank.body);
    let line4 = format!("{page}/lines/4/dispute");
    let nothing = staff.upload(&page, &line4, &why, ("signature.png", "image/png", PNG)).await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", nothing.body);
    assert_eq!(documents().await, before, "no document left behind");
    let disputed = staff.upload(&page, &action, &why, ("signature.png", "image/png", PNG)).await;
    assert_eq!(disputed.location.as_deref(), Some(format!("{page}?done=ui_done_disputed").as_str()));
    let thread = staff.get(&page).await;
    assert!(thread.body.contains("扣款申诉") && thread.body.contains("待答复"), "{}", thread.body);
    assert!(thread.body.contains("/documents/"), "the document is linked: {}", thread.body);
    let mut other = signed_in(&app, "inst_a2").await;
    assert_eq!(other.get(&page).await.status, StatusCode::NOT_FOUND);
    let crafted = other.upload("/settlements", &action, &[("reason", "越权")], ("", "text/plain", b"")).await;
    assert_eq!(crafted.status, StatusCode::NOT_FOUND);

    // The officer's queue: a card on the home page, the list, the answer on the bill's page.
    let home = officer.get("/").await;
    assert!(home.body.contains("待答复的申诉"), "{}", home.body);
    let queue = officer.get("/disputes").await;
    assert!(
        queue.body.contains("签字页已补，见附件") && queue.body.contains(&format!("{page}?day=")),
        "{}",
        queue.body
    );
    let dispute = world
        .as_user("admin_a")
        .disputes(&Default::default(), Default::default())
        .await
        .expect("disputes")
        .items
        .into_iter()
        .find(|d| d.line_no == 3)
        .expect("the dispute");
    let answer = format!("/disputes/{}/answer", dispute.id);
    let blank = officer.submit(&page, &answer, &[("decision", "accept"), ("reason", "")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Said beside this dispute's answer only, not beside the bill's other forms' reasons.
    assert_eq!(blank.body.matches("class=\"why\"").count(), 1, "{}", blank.body);
    let (form_at, why_at) =
        (blank.body.find(&format!("id=\"answer-{}\"", dispute.id)), blank.body.find("class=\"why\""));
    assert!(form_at.zip(why_at).is_some_and(|(f, w)| w > f), "{}", blank.body);
    let accepted = officer.submit(&page, &answer, &[("decision", "accept"), ("reason", "签字页属实")]).await;
    assert_eq!(accepted.location.as_deref(), Some(format!("{page}?done=ui_done_dispute_answered").as_str()));
    let lifted = staff.get(&page).await;
    assert!(lifted.body.contains("签字页属实") && lifted.body.contains("扣款已在本单撤销"), "{}", lifted.body);
    let after = world.as_user("admin_a").bill(bill).await.expect("bill");
    assert_eq!(after.deducted, yuan("0.00"));

    // The auditor reads the thread and has no form.
    let mut auditor = signed_in(&app, "auditor_a").await;
    let seen = auditor.get(&page).await;
    assert!(seen.body.contains("签字页属实") && !seen.body.contains("/answer\""), "{}", seen.body);

    // Approved by another officer and paid: the statement, with the deposit by year.
    let mut second = signed_in(&app, "admin_a2").await;
    assert!(second.submit(&page, &format!("{page}/approve"), &[]).await.location.is_some());
    assert!(
        officer.submit(&page, &format!("{page}/pay"), &[("bank_reference", "YH-DISPUTE-C")]).await.location.is_some()
    );
    assert_eq!(world.as_user("admin_a").bill(bill).await.expect("bill").status, BillStatus::Paid);
    let institution = world.institution("a1");
    let statement = format!("/institutions/{institution}/statement");
    let st = staff.get(&statement).await;
    assert_eq!(st.status, StatusCode::OK);
    assert!(st.body.contains("对账单") && st.body.contains("YH-DISPUTE-C"), "{}", st.body);
    assert!(st.body.contains("质量保证金（按年度）") && st.body.contains("经办人"), "printed signed: {}", st.body);
    let csv = staff.get(&format!("{statement}.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.starts_with("记账日期,业务编号,摘要,应付金额,保证金变动,应付未付,质量保证金（留存）"),
        "{}",
        csv.body
    );
    assert!(csv.body.lines().count() >= 3, "the payable and the payment: {}", csv.body);
    for path in [statement.clone(), format!("{statement}.csv")] {
        assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}
