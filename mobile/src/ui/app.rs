//! The app itself: sign-in, then the caregiver's screens (today's visits, a visit, past visits,
//! sync) or the assessor's (assigned cases, a case's form, sync) over the local store, with a sync
//! after every action, every half minute and on the sync screen's button. Every action is written
//! to the store first, so the screens work without a network.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use dioxus::prelude::*;
use ltci_shared::api::care::NotDoneReason;
use ltci_shared::api::users::Role;
use ltci_shared::geo::Point;
use uuid::Uuid;

use super::assessment::AssessmentScreen;
use super::cases::{CaseList, case_rows};
use super::day::{DayList, day_rows};
use super::history::HistoryList;
use super::sync::SyncScreen;
use super::visit::{VisitScreen, visit_model};
use crate::MobileError;
use crate::assess::{self, sync_cases};
use crate::i18n::{Lang, Text, t, today_in_china};
use crate::session::Session;
use crate::store::Store;
use crate::sync::{BATCH, backoff, sync_once};
use crate::visit::{FixedLocation, VisitActions, home_of};

/// The app's stylesheet.
const STYLE: &str = include_str!("style.css");

/// How the app is set up on this device.
#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    /// The server, e.g. `http://127.0.0.1:8080`.
    pub server: String,
    /// The local store's file.
    pub store_path: PathBuf,
    /// Where the device says it is (desktop and browser builds have no GPS).
    pub location: (f64, f64),
    pub device_id: String,
}

impl AppConfig {
    /// The settings from the command line of a desktop or browser build: `--server URL`
    /// (default `http://127.0.0.1:8080`), `--store FILE` (default `phone.db`), `--at LAT,LON`
    /// (default: the demo beneficiary 张桂兰's door). `device` names this kind of build.
    pub fn from_args(args: &[String], device: &str) -> AppConfig {
        let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
        let location = arg("--at")
            .and_then(|s| s.split_once(',').and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?))))
            .unwrap_or((36.0662, 120.3826));
        AppConfig {
            server: arg("--server").unwrap_or_else(|| "http://127.0.0.1:8080".into()),
            store_path: PathBuf::from(arg("--store").unwrap_or_else(|| "phone.db".into())),
            location,
            device_id: format!("{device}-{}", std::process::id()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Screen {
    SignIn,
    Day,
    Visit(Uuid),
    History,
    Sync,
    Cases,
    Case(Uuid),
}

/// The first screen after sign-in: the caregiver's day, or the assessor's cases.
fn home(role: Role) -> Screen {
    if role == Role::Assessor { Screen::Cases } else { Screen::Day }
}

/// How a sync went, for the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Synced {
    Done,
    /// Not reached, or cut short: everything stays for the next try.
    Failed,
    /// The server refused the tokens: ask for the password (the outbox is kept).
    SignInAgain,
}

/// A caregiver's phone sends the outbox and pulls the changes; an assessor's sends the waiting
/// submissions and pulls the cases.
async fn sync_now(store: &Store, session: &Session, device: &str) -> Synced {
    let done = match session.role {
        Role::Assessor => sync_cases(store, session, session.user_id).await.map(|_| ()),
        _ => sync_once(store, session, device, BATCH).await.map(|_| ()),
    };
    match done {
        Ok(()) => Synced::Done,
        Err(MobileError::Server(e)) if e.code().is_some() && matches!(store.session().await, Ok(None)) => {
            Synced::SignInAgain
        }
        Err(_) => Synced::Failed,
    }
}

/// The app's root component.
#[allow(unused_qualifications, reason = "rsx! writes event handlers with full paths")]
#[component]
pub fn App(config: AppConfig) -> Element {
    let mut lang = use_signal(Lang::default);
    let mut screen = use_signal(|| Screen::SignIn);
    let mut revision = use_signal(|| 0u32);
    let mut problem = use_signal(|| None::<String>);
    let mut session = use_signal(|| None::<Arc<Session>>);
    let mut username = use_signal(String::new);
    let mut password = use_signal(String::new);
    let initial_server = config.server.clone();
    let mut server = use_signal(move || initial_server);
    let path = config.store_path.clone();
    let store = use_resource(move || {
        let path = path.clone();
        async move {
            let store = Store::open(&path).await?;
            if let Some(resumed) = Session::resume(&store).await? {
                screen.set(home(resumed.role));
                session.set(Some(Arc::new(resumed)));
            }
            Ok::<Store, MobileError>(store)
        }
    });
    // A sync every half minute while signed in; after failures, waiting longer (`backoff`).
    let periodic_device = config.device_id.clone();
    use_future(move || {
        let device = periodic_device.clone();
        async move {
            let mut failures = 0u32;
            loop {
                let wait = if failures == 0 { std::time::Duration::from_secs(30) } else { backoff(failures) };
                tokio::time::sleep(wait).await;
                let ready = store.read().as_ref().and_then(|r| r.as_ref().ok()).cloned();
                if let (Some(store), Some(s)) = (ready, session()) {
                    match sync_now(&store, &s, &device).await {
                        Synced::Done => failures = 0,
                        Synced::Failed => failures = failures.saturating_add(1),
                        Synced::SignInAgain => {
                            session.set(None);
                            screen.set(Screen::SignIn);
                        }
                    }
                    revision += 1;
                }
            }
        }
    });
    let ready = store.read().as_ref().and_then(|r| r.as_ref().ok()).cloned();
    let Some(store) = ready else {
        return rsx! { p { class: "loading", "…" } };
    };
    let lg = lang();
    let device = config.device_id.clone();
    // After an action or on demand: sync in the background, then show what came back.
    let background_sync = {
        let (store, device) = (store.clone(), device.clone());
        move || {
            let (store, device) = (store.clone(), device.clone());
            if let Some(s) = session() {
                spawn(async move {
                    if sync_now(&store, &s, &device).await == Synced::SignInAgain {
                        session.set(None);
                        screen.set(Screen::SignIn);
                    }
                    revision += 1;
                });
            }
        }
    };

    let body = match screen() {
        Screen::SignIn => {
            let (store, device) = (store.clone(), device.clone());
            rsx! {
                div { class: "sign-in",
                    h1 { {t(lg, Text::SignIn)} }
                    label { {t(lg, Text::Server)}
                        input { name: "server", value: "{server}", oninput: move |e| server.set(e.value()) }
                    }
                    label { {t(lg, Text::Username)}
                        input { name: "username", value: "{username}", oninput: move |e| username.set(e.value()) }
                    }
                    label { {t(lg, Text::Password)}
                        input { name: "password", r#type: "password", value: "{password}", oninput: move |e| password.set(e.value()) }
                    }
                    button {
                        r#type: "button",
                        class: "sign-in-button",
                        // A button, not a form: a browser would submit a form by reloading the page.
                        onclick: move |_| {
                            let (store, device) = (store.clone(), device.clone());
                            spawn(async move {
                                let address = server().trim().trim_end_matches('/').to_owned();
                                match Session::sign_in(&store, &address, &username(), &password()).await {
                                    Ok(s) => {
                                        let s = Arc::new(s);
                                        password.set(String::new());
                                        problem.set(None);
                                        sync_now(&store, &s, &device).await;
                                        screen.set(home(s.role));
                                        session.set(Some(s));
                                        revision += 1;
                                    }
                                    Err(MobileError::NotForThisApp(_)) => {
                                        problem.set(Some(t(lg, Text::NotForThisApp).to_owned()));
                                    }
                                    Err(MobileError::OtherUsersWork) => {
                                        problem.set(Some(t(lg, Text::OtherUsersWork).to_owned()));
                                    }
                                    Err(_) => problem.set(Some(t(lg, Text::SignInFailed).to_owned())),
                                }
                            });
                        },
                        {t(lg, Text::SignIn)}
                    }
                    if let Some(p) = problem() {
                        p { class: "problem", "{p}" }
                    }
                }
            }
        }
        Screen::Day => {
            rsx! { DayScreen { lang: lg, store: store.clone(), revision: revision(), on_open: move |id| screen.set(Screen::Visit(id)) } }
        }
        Screen::Visit(id) => {
            let (lat, lon) = config.location;
            let (s1, s2, s3, s4) = (store.clone(), store.clone(), store.clone(), store.clone());
            let (b1, b2, b3, b4) =
                (background_sync.clone(), background_sync.clone(), background_sync.clone(), background_sync.clone());
            rsx! {
                VisitLoader {
                    lang: lg,
                    store: store.clone(),
                    visit_id: id,
                    revision: revision(),
                    on_check_in: move |home: Option<Point>| {
                        let (store, sync) = (s1.clone(), b1.clone());
                        spawn(async move {
                            let actions = VisitActions { store: &store, visit_id: id };
                            let _ = actions.check_in(&FixedLocation::at(lat, lon, 10.0), home, Utc::now()).await;
                            revision += 1;
                            sync();
                        });
                    },
                    on_task: move |(code, reason): (String, Option<NotDoneReason>)| {
                        let (store, sync) = (s2.clone(), b2.clone());
                        spawn(async move {
                            let _ = VisitActions { store: &store, visit_id: id }.task(&code, reason, Utc::now()).await;
                            revision += 1;
                            sync();
                        });
                    },
                    on_note: move |text: String| {
                        let (store, sync) = (s4.clone(), b4.clone());
                        spawn(async move {
                            let _ = VisitActions { store: &store, visit_id: id }.note(&text, Utc::now()).await;
                            revision += 1;
                            sync();
                        });
                    },
                    on_check_out: move |()| {
                        let (store, sync) = (s3.clone(), b3.clone());
                        spawn(async move {
                            let here = FixedLocation::at(lat, lon, 10.0);
                            let _ = VisitActions { store: &store, visit_id: id }.check_out(&here, Utc::now()).await;
                            revision += 1;
                            sync();
                        });
                    },
                }
            }
        }
        Screen::Cases => {
            rsx! { CasesScreen { lang: lg, store: store.clone(), revision: revision(), on_open: move |id| screen.set(Screen::Case(id)) } }
        }
        Screen::Case(id) => {
            let (lat, lon) = config.location;
            let (s1, s2, sync) = (store.clone(), store.clone(), background_sync.clone());
            rsx! {
                CaseLoader {
                    lang: lg,
                    store: store.clone(),
                    case_id: id,
                    revision: revision(),
                    on_answer: move |(item, points): (String, u32)| {
                        let store = s1.clone();
                        spawn(async move {
                            if let Ok(Some(case)) = store.assigned_case(id).await {
                                let _ = assess::answer(&store, &case, &item, points).await;
                            }
                            revision += 1;
                        });
                    },
                    on_save: move |()| screen.set(Screen::Cases),
                    on_submit: move |()| {
                        let (store, sync) = (s2.clone(), sync.clone());
                        spawn(async move {
                            if let Ok(Some(case)) = store.assigned_case(id).await {
                                let here = FixedLocation::at(lat, lon, 10.0);
                                let _ = assess::submit(&store, &case, &here, Utc::now()).await;
                            }
                            revision += 1;
                            sync();
                        });
                    },
                }
            }
        }
        Screen::History => rsx! { HistoryScreen { lang: lg, store: store.clone(), revision: revision() } },
        Screen::Sync => {
            let sync = background_sync.clone();
            rsx! {
                SyncLoader {
                    lang: lg,
                    store: store.clone(),
                    revision: revision(),
                    on_retry: move |()| sync(),
                    on_sign_out: move |()| {
                        if let Some(s) = session() {
                            spawn(async move {
                                let _ = s.sign_out().await;
                                session.set(None);
                                screen.set(Screen::SignIn);
                            });
                        }
                    },
                }
            }
        }
    };
    let signed_in = screen() != Screen::SignIn;
    let assessor = session().is_some_and(|s| s.role == Role::Assessor);
    rsx! {
        style { {STYLE} }
        main { class: "app", lang: if lg == Lang::Zh { "zh-CN" } else { "en" },
            nav {
                if signed_in && assessor {
                    button { class: "nav-cases", onclick: move |_| screen.set(Screen::Cases), {t(lg, Text::Assessments)} }
                }
                if signed_in && !assessor {
                    button { class: "nav-day", onclick: move |_| screen.set(Screen::Day), {t(lg, Text::TodaysVisits)} }
                    button { class: "nav-history", onclick: move |_| screen.set(Screen::History), {t(lg, Text::History)} }
                }
                if signed_in {
                    button { class: "nav-sync", onclick: move |_| screen.set(Screen::Sync), {t(lg, Text::SyncTitle)} }
                }
                button {
                    class: "nav-lang",
                    onclick: move |_| lang.set(if lg == Lang::Zh { Lang::En } else { Lang::Zh }),
                    {t(lg, Text::Language)}
                }
            }
            {body}
        }
    }
}

/// Today's visits, read from the store again whenever `revision` changes.
#[component]
fn DayScreen(lang: Lang, store: Store, revision: u32, on_open: EventHandler<Uuid>) -> Element {
    let rows = use_resource(use_reactive!(|(store, revision)| async move {
        let _ = revision;
        day_rows(&store, today_in_china()).await
    }));
    match &*rows.read() {
        Some(Ok(rows)) => rsx! { DayList { lang, rows: rows.clone(), on_open } },
        Some(Err(e)) => rsx! { p { class: "problem", "{e}" } },
        None => rsx! { p { class: "loading", "…" } },
    }
}

/// One visit, read from the store again whenever `revision` changes.
#[component]
fn VisitLoader(
    lang: Lang,
    store: Store,
    visit_id: Uuid,
    revision: u32,
    on_check_in: EventHandler<Option<Point>>,
    on_task: EventHandler<(String, Option<NotDoneReason>)>,
    on_check_out: EventHandler<()>,
    on_note: EventHandler<String>,
) -> Element {
    let model = use_resource(use_reactive!(|(store, visit_id, revision)| async move {
        let _ = revision;
        let visit = store.visit(visit_id).await?;
        let people = store.beneficiaries().await?;
        let catalogue = store.catalogue().await?;
        let local = store.outbox_of(visit_id).await?;
        Ok::<_, MobileError>(visit.and_then(|v| {
            let person = people.into_iter().find(|p| p.id == v.insured_person_id)?;
            Some((visit_model(&v, &person, &catalogue, &local), home_of(&person)))
        }))
    }));
    match &*model.read() {
        Some(Ok(Some((model, home)))) => {
            let home = *home;
            rsx! {
                VisitScreen {
                    lang,
                    model: model.clone(),
                    on_check_in: move |()| on_check_in.call(home),
                    on_task: move |x| on_task.call(x),
                    on_check_out: move |()| on_check_out.call(()),
                    on_note: move |text| on_note.call(text),
                }
            }
        }
        Some(Ok(None)) => rsx! { p { class: "problem", "?" } },
        Some(Err(e)) => rsx! { p { class: "problem", "{e}" } },
        None => rsx! { p { class: "loading", "…" } },
    }
}

/// The assessor's cases, read from the store again whenever `revision` changes.
#[component]
fn CasesScreen(lang: Lang, store: Store, revision: u32, on_open: EventHandler<Uuid>) -> Element {
    let rows = use_resource(use_reactive!(|(store, revision)| async move {
        let _ = revision;
        case_rows(&store).await
    }));
    match &*rows.read() {
        Some(Ok(rows)) => rsx! { CaseList { lang, rows: rows.clone(), on_open } },
        Some(Err(e)) => rsx! { p { class: "problem", "{e}" } },
        None => rsx! { p { class: "loading", "…" } },
    }
}

/// One case's form with its draft, read from the store again whenever `revision` changes.
#[component]
fn CaseLoader(
    lang: Lang,
    store: Store,
    case_id: Uuid,
    revision: u32,
    on_answer: EventHandler<(String, u32)>,
    on_save: EventHandler<()>,
    on_submit: EventHandler<()>,
) -> Element {
    let loaded = use_resource(use_reactive!(|(store, case_id, revision)| async move {
        let _ = revision;
        let case = store.assigned_case(case_id).await?;
        let draft = store.draft(case_id).await?;
        Ok::<_, MobileError>(case.map(|c| (c, draft)))
    }));
    match &*loaded.read() {
        Some(Ok(Some((case, draft)))) => rsx! {
            AssessmentScreen { lang, case: case.clone(), draft: draft.clone(), on_answer, on_save, on_submit }
        },
        Some(Ok(None)) => rsx! { p { class: "problem", "?" } },
        Some(Err(e)) => rsx! { p { class: "problem", "{e}" } },
        None => rsx! { p { class: "loading", "…" } },
    }
}

/// Past visits with the beneficiaries' names.
#[component]
fn HistoryScreen(lang: Lang, store: Store, revision: u32) -> Element {
    let visits = use_resource(use_reactive!(|(store, revision)| async move {
        let _ = revision;
        let people = store.beneficiaries().await?;
        let past = store.visits_before(today_in_china(), 50).await?;
        Ok::<_, MobileError>(
            past.into_iter()
                .map(|v| {
                    let name =
                        people.iter().find(|p| p.id == v.insured_person_id).map(|p| p.name.clone()).unwrap_or_default();
                    (name, v)
                })
                .collect::<Vec<_>>(),
        )
    }));
    match &*visits.read() {
        Some(Ok(visits)) => rsx! { HistoryList { lang, visits: visits.clone() } },
        Some(Err(e)) => rsx! { p { class: "problem", "{e}" } },
        None => rsx! { p { class: "loading", "…" } },
    }
}

/// The sync screen with the store's current status.
#[component]
fn SyncLoader(
    lang: Lang,
    store: Store,
    revision: u32,
    on_retry: EventHandler<()>,
    on_sign_out: EventHandler<()>,
) -> Element {
    let status = use_resource(use_reactive!(|(store, revision)| async move {
        let _ = revision;
        store.status().await
    }));
    match &*status.read() {
        Some(Ok(status)) => rsx! { SyncScreen { lang, status: status.clone(), on_retry, on_sign_out } },
        Some(Err(e)) => rsx! { p { class: "problem", "{e}" } },
        None => rsx! { p { class: "loading", "…" } },
    }
}
