//! The web console over HTTP, as a browser without script uses it: signing in with the API's
//! check and lockout, a session that ends with its login, idles out and refuses forms without its
//! CSRF token; the language remembered per user; full ID numbers only with an audited reason; and
//! every page for every role — shown, or refused with nothing disclosed, another region's ids
//! answering exactly like ids that do not exist.

use chrono::{Duration, Utc};
use ltci_e2e::world::{TEST_PASSWORD, person};
use ltci_e2e::{TestApp, on_both_databases};
use ltci_server::entities::{audit_event, console_session};
use ltci_shared::api::assessment::{ApplyRequest, CareMode};
use ltci_shared::api::care::{CreateCarePlan, PlanItem, ScheduleRequest, VisitFilter};
use ltci_shared::api::settlement::{ComputeBill, MonthEndRequest};
use ltci_shared::api::stays::{AdmitRequest, ChargeReport, DailyCharge};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

on_both_databases!(
    signing_in_and_out_with_the_session_bound_to_the_login,
    an_idle_session_ends_and_forms_need_their_token,
    the_full_id_number_is_shown_only_with_a_reason_and_audited,
    every_page_for_every_role_is_shown_or_refused_without_disclosure,
);

/// A browser without script: one cookie jar (the console's cookies), no automatic redirects.
pub(crate) struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

pub(crate) struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Browser {
    pub(crate) fn new(app: &TestApp) -> Browser {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Browser { http, base: app.base_url.clone(), cookies: Vec::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn take(&mut self, resp: reqwest::Response) -> Answer {
        for v in resp.headers().get_all(SET_COOKIE) {
            let v = v.to_str().expect("cookie");
            let pair = v.split(';').next().unwrap_or_default();
            let (k, val) = pair.split_once('=').expect("name=value");
            self.cookies.retain(|(n, _)| n != k);
            if !v.contains("Max-Age=0") {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
        let status = resp.status();
        let headers = resp.headers().clone();
        let location = headers.get(LOCATION).and_then(|l| l.to_str().ok()).map(str::to_owned);
        Answer { status, location, body: resp.text().await.expect("body"), headers }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Answer {
        let resp = self.http.get(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header()).send().await;
        self.take(resp.expect("GET")).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded::to_string(form).expect("form");
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await;
        self.take(resp.expect("POST")).await
    }

    /// Posts a form of the page at `from`, with the CSRF token that page carries.
    pub(crate) async fn submit(&mut self, from: &str, action: &str, fields: &[(&str, &str)]) -> Answer {
        let page = self.get(from).await;
        let token = csrf_of(&page.body);
        let mut form = vec![("_csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.post(action, &form).await
    }

    /// Sends a file from the page at `from` as a browser does (`multipart/form-data`: the CSRF
    /// token first, then `fields`, then the file).
    pub(crate) async fn upload(
        &mut self,
        from: &str,
        action: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Answer {
        let page = self.get(from).await;
        let token = csrf_of(&page.body);
        let boundary = "----ltci-test-boundary-7f3a";
        let mut body = Vec::new();
        for (k, v) in std::iter::once(("_csrf", token.as_str())).chain(fields.iter().copied()) {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes());
        }
        let (name, content_type, bytes) = file;
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let resp = self
            .http
            .post(format!("{}{action}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await;
        self.take(resp.expect("POST")).await
    }

    pub(crate) async fn sign_in(&mut self, username: &str, password: &str) -> Answer {
        self.submit("/login", "/login", &[("username", username), ("password", password)]).await
    }
}

pub(crate) fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a form with a CSRF token") + 20;
    html[at..].split('"').next().unwrap_or_default().to_owned()
}

async fn signing_in_and_out_with_the_session_bound_to_the_login(app: TestApp) {
    let world = app.world().await;
    let mut b = Browser::new(&app);

    // Not signed in: the sign-in page, in Chinese, with the console's headers.
    let home = b.get("/").await;
    assert_eq!((home.status, home.location.as_deref()), (StatusCode::SEE_OTHER, Some("/login")));
    let login = b.get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains("<html lang=\"zh-CN\">") && login.body.contains("用户名"), "{}", login.body);
    let csp = login.headers.get(CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(login.headers.get(CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));

    // A wrong password is refused on the page, as the API refuses it.
    let wrong = b.sign_in("admin_a", "not-the-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("用户名或密码错误"), "{}", wrong.body);
    // A sign-in form sent from elsewhere (no token of ours) is refused before the password is checked.
    let forged = b.post("/login", &[("username", "admin_a"), ("password", TEST_PASSWORD)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let ok = b.sign_in("admin_a", TEST_PASSWORD).await;
    assert_eq!((ok.status, ok.location.as_deref()), (StatusCode::SEE_OTHER, Some("/")));
    let set = ok.headers.get(SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("工作台") && home.body.contains("测试市甲"), "{}", home.body);
    assert!(home.body.contains("href=\"/persons\"") && home.body.contains("href=\"/audit\""));

    // English, remembered for the user: a new sign-in elsewhere opens in English.
    let switched = b.submit("/", "/language", &[("lang", "en"), ("back", "/persons")]).await;
    assert_eq!((switched.status, switched.location.as_deref()), (StatusCode::SEE_OTHER, Some("/persons")));
    assert!(b.get("/").await.body.contains("Workbench"));
    let mut elsewhere = Browser::new(&app);
    elsewhere.sign_in("admin_a", TEST_PASSWORD).await;
    let there = elsewhere.get("/").await;
    assert!(there.body.contains("<html lang=\"en\">") && there.body.contains("Workbench"), "{}", there.body);

    // Signing out ends the login: the cookie opens nothing any more.
    let out = b.submit("/", "/logout", &[]).await;
    assert_eq!((out.status, out.location.as_deref()), (StatusCode::SEE_OTHER, Some("/login")));
    assert_eq!(b.get("/").await.location.as_deref(), Some("/login"));

    // Deactivating the account ends its console session at once.
    let mut staff = Browser::new(&app);
    staff.sign_in("inst_a2", TEST_PASSWORD).await;
    assert_eq!(staff.get("/").await.status, StatusCode::OK);
    world.as_user("admin_a").deactivate_user(world.user("inst_a2")).await.expect("deactivate");
    let after = staff.get("/persons").await;
    assert_eq!((after.status, after.location.as_deref()), (StatusCode::SEE_OTHER, Some("/login?why=ended")));
    let page = staff.get("/login?why=ended").await;
    assert!(page.body.contains("此次登录已结束"), "{}", page.body);
}

async fn an_idle_session_ends_and_forms_need_their_token(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("王桂英", 11)).await.expect("person");
    let mut b = Browser::new(&app);
    b.sign_in("admin_a", TEST_PASSWORD).await;
    let audited = || async {
        audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("insured_person.id_number_viewed"))
            .all(&app.db)
            .await
            .expect("audit")
            .len()
    };

    // A form without this session's token is refused, and nothing is done.
    let forged = b.post(&format!("/persons/{}/id-number", p.id), &[("reason", "核对身份"), ("_csrf", "guess")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("表单已失效"), "{}", forged.body);
    let bare = b.post(&format!("/persons/{}/id-number", p.id), &[("reason", "核对身份")]).await;
    assert_eq!(bare.status, StatusCode::FORBIDDEN);
    assert_eq!(audited().await, 0);

    // Half an hour without use (the default), the session ends and the sign-in page says why.
    let mut s: console_session::ActiveModel =
        console_session::Entity::find().one(&app.db).await.expect("load").expect("a session").into();
    s.last_seen_at = Set(Utc::now() - Duration::minutes(31));
    s.update(&app.db).await.expect("age the session");
    let idle = b.get("/persons").await;
    assert_eq!((idle.status, idle.location.as_deref()), (StatusCode::SEE_OTHER, Some("/login?why=idle")));
    assert!(b.get("/login?why=idle").await.body.contains("长时间未操作"));
    assert_eq!(b.get("/").await.location.as_deref(), Some("/login"), "the session is gone");
}

async fn the_full_id_number_is_shown_only_with_a_reason_and_audited(app: TestApp) {
    let world = app.world().await;
    let req = person("李淑珍", 12);
    let p = world.as_user("admin_a").create_insured_person(&req).await.expect("person");
    let masked = ltci_shared::id_number::mask(&req.id_number);
    let mut b = Browser::new(&app);
    b.sign_in("admin_a", TEST_PASSWORD).await;

    // Lists and the person's page show the masked number and the age, not the birth date.
    let list = b.get("/persons?name=%E6%9D%8E").await;
    assert!(list.body.contains(&masked) && !list.body.contains(&req.id_number), "{}", list.body);
    let page = b.get(&format!("/persons/{}", p.id)).await;
    assert!(page.body.contains(&masked) && !page.body.contains(&req.id_number));
    assert!(!page.body.contains(&p.birth_date.map(|d| d.to_string()).unwrap_or_default()));
    assert!(page.body.contains("查看完整号码"));

    // The exact number is posted, never put in an address, and opens the person's page.
    let found = b.submit("/persons", "/persons/find", &[("id_number", &req.id_number)]).await;
    assert_eq!(found.location, Some(format!("/persons/{}", p.id)));
    let none = b.submit("/persons", "/persons/find", &[("id_number", "110101199003070011")]).await;
    assert!(none.body.contains("本统筹区没有此身份证号码的参保人"), "{}", none.body);

    // Without a reason: refused next to the field. With one: shown, and the trail keeps the reason.
    let path = format!("/persons/{}", p.id);
    let action = format!("/persons/{}/id-number", p.id);
    let refused = b.submit(&path, &action, &[("reason", "  ")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("class=\"why\"") && !refused.body.contains(&req.id_number));
    let shown = b.submit(&path, &action, &[("reason", "办理失能评估申请，核对身份")]).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains(&req.id_number), "{}", shown.body);
    assert_eq!(shown.headers.get(CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("insured_person.id_number_viewed"))
        .all(&app.db)
        .await
        .expect("audit");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].reason.as_deref(), Some("办理失能评估申请，核对身份"));
    assert_eq!(events[0].actor_user_id, Some(world.user("admin_a")));
    // The auditor sees the viewing in the trail, with its reason.
    let mut auditor = Browser::new(&app);
    auditor.sign_in("auditor_a", TEST_PASSWORD).await;
    let trail = auditor.get("/audit?action=insured_person.id_number_viewed").await;
    assert!(trail.body.contains("办理失能评估申请，核对身份") && trail.body.contains("admin_a"), "{}", trail.body);

    // The auditor is not offered the action, and a crafted form is refused by the same check.
    let theirs = auditor.get(&path).await;
    assert!(!theirs.body.contains("/id-number") && theirs.body.contains(&masked));
    let crafted = auditor.submit(&path, &action, &[("reason", "想看看")]).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);
    assert!(!crafted.body.contains(&req.id_number));
}

async fn every_page_for_every_role_is_shown_or_refused_without_disclosure(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let p = admin.create_insured_person(&person("赵玉兰", 13)).await.expect("person");
    let apply = ApplyRequest {
        insured_person_id: p.id,
        care_mode: CareMode::HomeVisit,
        reason: "卧床两年，生活不能自理".into(),
        institution_id: None,
        change_of_condition: false,
    };
    let case = admin.apply_for_assessment(&apply).await.expect("apply");
    let other = world.as_user("admin_b").create_insured_person(&person("钱秀英", 14)).await.expect("region B person");
    let other_case = world
        .as_user("admin_b")
        .apply_for_assessment(&ApplyRequest { insured_person_id: other.id, ..apply.clone() })
        .await
        .expect("region B case");
    let person_page = format!("/persons/{}", p.id);
    let case_page = format!("/cases/{}", case.id);
    // A policy version, an institution's draft bill and a month-end run.
    crate::settlement::import_policy(&world).await;
    let policy = admin.policies(ltci_shared::PageQuery::default()).await.expect("policies").items[0].id;
    let (first, _, month) = crate::settlement::month_before_last();
    let (_, _, stay) = crate::settlement::resident(&app, &world, 902, first - Duration::days(5)).await;
    let a1 = world.as_user("inst_a1");
    let charge = DailyCharge { stay_id: stay, on: first, amount: crate::settlement::yuan("50.00") };
    a1.report_stay_charges(&ChargeReport { institution_id: None, month: month.clone(), charges: vec![charge] })
        .await
        .expect("a charged day");
    let compute = ComputeBill { institution_id: None, month: month.clone() };
    let bill = a1.compute_bill(&compute).await.expect("draft bill").id;
    let run = admin.start_month_end(&MonthEndRequest { month }).await.expect("run").id;
    let (policy_page, bill_page, run_page) =
        (format!("/policies/{policy}"), format!("/settlements/{bill}"), format!("/settlements/runs/{run}"));
    // The second institution's plan, visit and stay: another institution's objects.
    let theirs = ltci_e2e::world::home_care_beneficiary_of(&app, &world, "a2", "孙桂香", 903, 3).await;
    let a2 = world.as_user("inst_a2");
    let today = ltci_e2e::today();
    let plan = CreateCarePlan {
        institution_id: None,
        insured_person_id: theirs,
        care_mode: CareMode::HomeVisit,
        start_on: today,
        end_on: today + Duration::days(30),
        items: vec![PlanItem { code: "SF-01".into(), per_week: 3 }],
    };
    let plan = a2.create_care_plan(&plan).await.expect("a2's plan");
    let week = ScheduleRequest {
        plan_id: plan.id,
        caregiver_id: world.caregiver("carer_a2"),
        from: today,
        to: today + Duration::days(6),
    };
    a2.schedule_visits(&week).await.expect("a2's visits");
    let filter = VisitFilter { insured_person_id: Some(theirs), ..VisitFilter::default() };
    let visit = a2.visits(&filter, ltci_shared::PageQuery::default()).await.expect("visits").items[0].id;
    let (resident, _) = crate::stays::resident(&app, &world, 904, "a2").await;
    let admission = AdmitRequest {
        institution_id: None,
        insured_person_id: resident,
        care_mode: CareMode::Institutional,
        admitted_on: today - Duration::days(5),
    };
    let their_stay = a2.admit(&admission).await.expect("a2's stay").id;
    let (their_plan, their_visit) = (format!("/plans/{}", plan.id), format!("/visits/{visit}"));

    // Role → page → what it answers (200 shown, 403 refused).
    let institution_page = format!("/institutions/{}", world.institution("a1"));
    let carer_account = format!("/users/{}", world.user("carer_a1"));
    let (own_carer, their_carer) = (
        format!("/caregivers/{}", world.caregiver("carer_a1")),
        format!("/caregivers/{}", world.caregiver("carer_a2")),
    );
    let (own_statement, their_statement) = (
        format!("/institutions/{}/statement", world.institution("a1")),
        format!("/institutions/{}/statement", world.institution("a2")),
    );
    let pages: [&str; 35] = [
        "/",
        "/persons",
        &person_page,
        "/cases",
        &case_page,
        "/audit",
        "/audit/chain",
        "/sanctions",
        "/findings",
        "/settlements",
        "/users",
        "/institutions",
        "/funds",
        "/policies",
        "/imports",
        &institution_page,
        "/funds/entries",
        &carer_account,
        "/partner-events",
        &policy_page,
        &bill_page,
        &run_page,
        "/caregivers",
        &own_carer,
        &their_carer,
        "/beneficiaries",
        "/visits",
        "/visits/exceptions",
        "/stays",
        "/stays/charges",
        "/disputes",
        &own_statement,
        &their_statement,
        &their_plan,
        &their_visit,
    ];
    #[rustfmt::skip]
    let expected: [(&str, [u16; 35]); 5] = [
        ("admin_a", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        // Imports write, and the auditor writes nothing (accounts are read, with no form).
        ("auditor_a", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 200, 200, 200, 200, 200, 200,
            200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        // Institution staff see only people and cases in their institution's scope (and their
        // own bills); assessors find the region's people (to assess them) but only the cases
        // they are assigned. Partner events are health data of the agency's; month-end runs
        // are the agency's.
        // The benefit policy is public to every role. The institution's own entry opens its
        // page (303); another institution's caregiver, statement, plan and visit answer like
        // none (404).
        ("inst_a1", [200, 200, 404, 200, 404, 403, 403, 200, 200, 200, 200, 303, 403, 200, 403, 200, 403, 200, 403, 200, 200,
            403, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200, 404, 404, 404]),
        ("assessor_a", [200, 200, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 200, 403,
            403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        // A caregiver reads their own record, visits and queue (no form), nobody's people served.
        ("carer_a1", [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 200, 403,
            403, 200, 200, 404, 403, 200, 200, 200, 200, 403, 403, 403, 404, 404]),
    ];
    for (user, codes) in expected {
        let mut b = Browser::new(&app);
        assert_eq!(b.sign_in(user, TEST_PASSWORD).await.status, StatusCode::SEE_OTHER, "{user} signs in");
        for (page, code) in pages.iter().zip(codes) {
            let a = b.get(page).await;
            assert_eq!(a.status.as_u16(), code, "{user} {page}: {}", a.body);
            if code != 200 {
                assert!(!a.body.contains("赵玉兰"), "{user} {page} discloses the person");
            }
        }
        // Another region's person and case answer exactly like ids that do not exist.
        for (theirs, nobody) in [
            (format!("/persons/{}", other.id), format!("/persons/{}", Uuid::now_v7())),
            (format!("/cases/{}", other_case.id), format!("/cases/{}", Uuid::now_v7())),
            (format!("/institutions/{}", world.institution("b1")), format!("/institutions/{}", Uuid::now_v7())),
            (format!("/users/{}", world.user("admin_b")), format!("/users/{}", Uuid::now_v7())),
        ] {
            let (x, y) = (b.get(&theirs).await, b.get(&nobody).await);
            assert_eq!(x.status, y.status, "{user} {theirs}");
            assert!(matches!(x.status.as_u16(), 403 | 404), "{user} {theirs}: {}", x.status);
            assert!(!x.body.contains("钱秀英"));
        }
    }

    // No action on the other institution's objects: each crafted step answers like an id that
    // does not exist, and nothing of theirs changes.
    let mut staff = Browser::new(&app);
    staff.sign_in("inst_a1", TEST_PASSWORD).await;
    let day = today.to_string();
    let own_carer_id = world.caregiver("carer_a1").to_string();
    let crafted: [(String, Vec<(&str, &str)>); 4] = [
        (format!("{their_plan}/end"), vec![("end_on", day.as_str()), ("reason", "x")]),
        (
            format!("{their_plan}/schedule"),
            vec![("caregiver_id", own_carer_id.as_str()), ("from", day.as_str()), ("to", day.as_str())],
        ),
        (format!("{their_visit}/correct"), vec![("kind", "not_delivered"), ("reason", "x")]),
        (format!("/stays/{their_stay}/discharge"), vec![("discharged_on", day.as_str()), ("reason", "home")]),
    ];
    for (action, fields) in &crafted {
        let a = staff.submit("/", action, fields).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{action}: {}", a.body);
        assert!(!a.body.contains("孙桂香"), "{action} discloses the person");
    }
    let plan_now = a2.care_plan(plan.id).await.expect("a2's plan");
    assert_eq!(plan_now.end_on, today + Duration::days(30), "the plan is not ended");
    let stay_now = a2.stay(their_stay).await.expect("a2's stay");
    assert_eq!(stay_now.discharged_on, None, "the stay is not ended");

    // The officer's menu has every page; the auditor's forms are not there, and a crafted step
    // is refused by the same permission check as the API.
    let mut auditor = Browser::new(&app);
    auditor.sign_in("auditor_a", TEST_PASSWORD).await;
    let seen = auditor.get(&case_page).await;
    assert!(!seen.body.contains("/assign\""), "no assignment form for the auditor");
    let crafted = auditor.submit(&case_page, &format!("{case_page}/object"), &[("reason", "异议")]).await;
    assert_eq!(crafted.status, StatusCode::FORBIDDEN);

    // The officer is shown why an assignment is refused, next to the fields.
    let mut officer = Browser::new(&app);
    officer.sign_in("admin_a", TEST_PASSWORD).await;
    let none = officer.submit(&case_page, &format!("{case_page}/assign"), &[]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", none.body);
    assert!(none.body.contains("class=\"why\""), "{}", none.body);
}
