//! The sync screen (数据同步): how many records wait to be sent, when the phone last synced, each
//! record the server did not accept with its reason, a retry button, and signing out.

use chrono::{DateTime, Utc};
use dioxus::prelude::*;

use crate::i18n::{Lang, Text, china_time, refusal, t};
use crate::store::SyncStatus;

/// The sync screen; `on_retry` runs a sync now, `on_sign_out` signs out (warning first, on the
/// screen, that unsent records stay on the phone).
#[allow(unused_qualifications, reason = "rsx! writes event handlers with full paths")]
#[component]
pub fn SyncScreen(
    lang: Lang,
    status: SyncStatus,
    on_retry: EventHandler<()>,
    on_sign_out: EventHandler<()>,
) -> Element {
    let when = |at: Option<DateTime<Utc>>| {
        at.map_or_else(|| t(lang, Text::Never).to_owned(), |at| china_time(at, "%Y-%m-%d %H:%M"))
    };
    let (pending, last_pull, last_push) = (status.pending, when(status.last_pull), when(status.last_push));
    rsx! {
        section { class: "sync",
            h1 { {t(lang, Text::SyncTitle)} }
            p { class: "pending", "{t(lang, Text::Pending)}: {pending}" }
            p { class: "last-pull", "{t(lang, Text::LastSync)}: {last_pull}" }
            p { class: "last-push", "{t(lang, Text::LastSent)}: {last_push}" }
            button { class: "retry", onclick: move |_| on_retry.call(()), {t(lang, Text::Retry)} }
            h2 { {t(lang, Text::Failed)} }
            if status.failed.is_empty() {
                p { class: "none-failed", {t(lang, Text::NothingFailed)} }
            }
            ul {
                for f in status.failed {
                    li { key: "{f.id}", class: "failed", "data-code": "{f.code}", {refusal(lang, &f.code, &f.message)} }
                }
            }
            if pending > 0 {
                p { class: "hint unsent", {t(lang, Text::UnsentOnSignOut)} }
            }
            button { class: "sign-out", onclick: move |_| on_sign_out.call(()), {t(lang, Text::SignOut)} }
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::store::{Delivery, Failed};

    /// The screen inside a component, where its retry handler can be made.
    #[component]
    fn Harness(lang: Lang, status: SyncStatus) -> Element {
        rsx! { SyncScreen { lang, status, on_retry: move |()| {}, on_sign_out: move |()| {} } }
    }

    fn render(lang: Lang, status: SyncStatus) -> String {
        let mut dom = VirtualDom::new_with_props(Harness, HarnessProps { lang, status });
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[test]
    fn the_sync_screen_tells_what_is_waiting_and_what_was_refused() {
        let at = DateTime::parse_from_rfc3339("2026-11-29T01:30:00Z").expect("time").to_utc();
        let status = SyncStatus {
            pending: 3,
            sent: 40,
            failed: vec![Failed {
                id: Uuid::now_v7(),
                subject: Uuid::now_v7(),
                status: Delivery::Rejected,
                code: "unknown_item".into(),
                message: "`SF-99` is not in the catalogue of the policy in force".into(),
            }],
            last_pull: Some(at),
            last_push: None,
        };
        let zh = render(Lang::Zh, status.clone());
        for expected in [
            "数据同步",
            "待上传记录: 3",
            "上次同步: 2026-11-29 09:30",
            "上次全部上传: 从未",
            "重试",
            "该项目不在现行服务项目目录中 (unknown_item)",
        ] {
            assert!(zh.contains(expected), "{expected} in {zh}");
        }
        assert!(!zh.contains("所有记录均已接收"));
        assert!(zh.contains("退出登录") && zh.contains("还有记录未上传"), "signing out warns of unsent records");
        // A code the app does not know: the server's own message.
        let mut odd = status.clone();
        odd.failed[0].code = "something_new".into();
        assert!(render(Lang::Zh, odd).contains("is not in the catalogue of the policy in force (something_new)"));
        let clear = SyncStatus { failed: Vec::new(), pending: 0, ..status };
        let en = render(Lang::En, clear);
        for expected in ["Waiting to send: 0", "Everything sent was accepted", "Retry", "Sign out"] {
            assert!(en.contains(expected), "{expected} in {en}");
        }
        assert!(!en.contains("not sent yet"), "nothing unsent, no warning");
    }
}
