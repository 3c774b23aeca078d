//! 定点机构 in the console: institutions by status and mode; one institution taken from its
//! application to an agreement by forms (document review, the inspection checklist with a bad row
//! refused beside it, the decision, the agreement), suspended and resumed; the year's 千分制 sheet
//! filled in (a score above its category's maximum refused); a violation; the auditor sees it all
//! without a form; another institution's or region's answers like one that does not exist.

use ltci_e2e::world::TEST_PASSWORD;
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::api::institutions::{InstitutionStatus, ServiceMode};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::console::Browser;
use crate::institutions::application;

on_both_databases!(an_institution_is_designated_evaluated_and_suspended_from_the_console);

fn refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
    b
}

async fn an_institution_is_designated_evaluated_and_suspended_from_the_console(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let applied = admin
        .apply_for_designation(&application("康宁居家护理站", 4401, vec![ServiceMode::HomeVisit]))
        .await
        .expect("application");
    let page = format!("/institutions/{}", applied.id);
    let mut officer = signed_in(&app, "admin_a").await;

    // The list by status and by mode.
    let submitted = officer.get("/institutions?status=submitted").await;
    assert!(submitted.body.contains(&format!("href=\"{page}\"")), "{}", submitted.body);
    let active = officer.get("/institutions?status=active").await;
    assert!(!active.body.contains("康宁居家护理站"));
    let home = officer.get("/institutions?mode=home_visit").await;
    assert!(home.body.contains("康宁居家护理站"));
    let beds = officer.get("/institutions?mode=institutional").await;
    assert!(!beds.body.contains("康宁居家护理站"));

    // From the application to the agreement, each step the form the status allows.
    let step = |s: &str| format!("{page}/{s}");
    let ok = |a: &crate::console::Answer| a.location.clone().unwrap_or_else(|| panic!("{}: {}", a.status, a.body));
    let done = format!("{page}?done=ui_done_step_recorded");
    assert_eq!(ok(&officer.submit(&page, &step("review"), &[("accepted", "true")]).await), done);
    let bad = officer
        .submit(&page, &step("inspect"), &[("item0", "服务场所与设施"), ("max0", "40"), ("points0", "45")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("class=\"why\""), "{}", bad.body);
    let inspected = officer
        .submit(
            &page,
            &step("inspect"),
            &[
                ("item0", "服务场所与设施"),
                ("max0", "40"),
                ("points0", "36"),
                ("item1", "人员资质"),
                ("max1", "60"),
                ("points1", "55"),
            ],
        )
        .await;
    assert_eq!(ok(&inspected), done);
    assert!(officer.get(&page).await.body.contains("91"), "the inspection score");
    let decided = officer
        .submit(&page, &step("decide"), &[("approved", "true"), ("mode", "home_visit"), ("bed_quota", "0")])
        .await;
    assert_eq!(ok(&decided), done);
    assert_eq!(ok(&officer.submit(&page, &step("agreement"), &[]).await), done);
    let shown = officer.get(&page).await;
    assert!(shown.body.contains("协议期内") && shown.body.contains("-XY-"), "{}", shown.body);

    // Suspended with a reason, then resumed; a suspension without a reason is refused.
    let blank = officer.submit(&page, &step("suspend"), &[("reason", "")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ok(&officer.submit(&page, &step("suspend"), &[("reason", "消防整改")]).await), done);
    assert!(officer.get(&page).await.body.contains("消防整改"));
    assert_eq!(ok(&officer.submit(&page, &step("resume"), &[("reason", "整改完成")]).await), done);
    let status = admin.institution(applied.id).await.expect("institution").status;
    assert_eq!(status, InstitutionStatus::Active);

    // A violation, then last year's evaluation on the sheet: a score above the category's maximum
    // is refused beside it; the violation is deducted once.
    let v = officer
        .submit(
            &page,
            &step("violation"),
            &[
                ("occurred_on", "2025-06-01"),
                ("description", "虚记服务时长"),
                ("points", "30"),
                ("source", "monitoring"),
            ],
        )
        .await;
    assert_eq!(v.location, Some(format!("{page}?done=ui_done_violation")));
    let form = officer.get(&page).await.body;
    let codes: Vec<String> =
        form.split("name=\"score_").skip(1).map(|rest| rest.split('"').next().unwrap_or_default().to_owned()).collect();
    assert!(codes.len() >= 3, "the sheet's categories: {form}");
    let year =
        form.split("name=\"year\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("the year").to_owned();
    let scores = |first: &str| {
        let mut f: Vec<(String, String)> = vec![("year".into(), year.clone())];
        for (n, c) in codes.iter().enumerate() {
            f.push((format!("score_{c}"), if n == 0 { first.to_owned() } else { "80".to_owned() }));
        }
        f
    };
    let too_many = scores("5000");
    let refused = officer.submit(&page, &step("evaluate"), &refs(&too_many)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("class=\"why\""), "{}", refused.body);
    let fine = scores("80");
    let evaluated = officer.submit(&page, &step("evaluate"), &refs(&fine)).await;
    assert_eq!(evaluated.location, Some(format!("{page}?done=ui_done_evaluated")), "{}", evaluated.body);
    let shown = officer.get(&page).await.body;
    assert!(shown.contains("已在考核中扣分") && shown.contains(&(80 * codes.len() as u32 - 30).to_string()), "{shown}");

    // The auditor sees it all, with no form; a crafted step is refused.
    let mut auditor = signed_in(&app, "auditor_a").await;
    let seen = auditor.get(&page).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("虚记服务时长") && !seen.body.contains("class=\"step\""), "{}", seen.body);
    let crafted = auditor.submit(&page, &step("suspend"), &[("reason", "x")]).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);

    // Institution staff see their own; another's and another region's answer like none.
    let own = format!("/institutions/{}", world.institution("a1"));
    let mut staff = signed_in(&app, "inst_a1").await;
    assert_eq!(staff.get(&own).await.status, StatusCode::OK);
    let theirs = format!("/institutions/{}", world.institution("a2"));
    let nobody = format!("/institutions/{}", Uuid::now_v7());
    let (x, y) = (staff.get(&theirs).await, staff.get(&nobody).await);
    assert_eq!((x.status, y.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    let mut other_region = signed_in(&app, "admin_b").await;
    let (x, y) = (other_region.get(&page).await, other_region.get(&nobody).await);
    assert_eq!((x.status, y.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert!(!x.body.contains("康宁居家护理站"));
    let crafted = other_region.submit("/institutions", &step("suspend"), &[("reason", "x")]).await;
    assert_eq!(crafted.status, StatusCode::NOT_FOUND);
}
