//! Past visits (服务记录查询): each with the server's verification result and its findings (code,
//! severity, message, whether a reviewer resolved it), so the caregiver learns what was flagged.

use dioxus::prelude::*;
use ltci_shared::api::care::{Severity, Visit, VisitState};

use crate::i18n::{Lang, Text, t};

fn result_text(state: VisitState) -> Option<Text> {
    match state {
        VisitState::Verified => Some(Text::Verified),
        VisitState::NeedsReview => Some(Text::InReview),
        VisitState::Rejected => Some(Text::Rejected),
        VisitState::Missed => Some(Text::NotDelivered),
        VisitState::Scheduled | VisitState::InProgress | VisitState::Completed => None,
    }
}

/// The past visits, latest first, each with its beneficiary's name, and their findings (the list is
/// built from the local store: `Store::visits_before`).
#[component]
pub fn HistoryList(lang: Lang, visits: Vec<(String, Visit)>) -> Element {
    rsx! {
        section { class: "history",
            h1 { {t(lang, Text::History)} }
            if visits.is_empty() {
                p { class: "empty", {t(lang, Text::NoHistory)} }
            }
            ul {
                for (name, v) in visits {
                    li { key: "{v.id}", class: "past", "data-state": "{v.state:?}",
                        span { class: "day", "{v.scheduled_on}" }
                        span { class: "name", "{name}" }
                        span { class: "result", {result_text(v.state).map(|x| t(lang, x)).unwrap_or_default()} }
                        ul { class: "findings",
                            for (n, x) in v.exceptions.iter().enumerate() {
                                li {
                                    key: "{n}",
                                    class: match x.severity { Severity::Block => "finding block", Severity::Review => "finding review", Severity::Info => "finding info" },
                                    "data-code": "{x.code:?}",
                                    "{x.message}"
                                    if x.resolution.is_some() { " · {t(lang, Text::Resolved)}" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use uuid::Uuid;

    use super::*;

    fn visit(day: &str, state: VisitState, exceptions: serde_json::Value) -> Visit {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::now_v7(), "kind": "scheduled", "plan_id": null,
            "institution_id": Uuid::now_v7(), "insured_person_id": Uuid::now_v7(), "caregiver_id": Uuid::now_v7(),
            "scheduled_on": day, "planned_items": [], "unscheduled_reason": null, "state": state,
            "checked_in_at": null, "checked_out_at": null, "tasks": [], "exceptions": exceptions, "events": 4,
            "updated_at": Utc::now(),
        }))
        .expect("a visit")
    }

    #[test]
    fn past_visits_show_the_servers_verdict_and_findings() {
        let geofence = serde_json::json!([{
            "code": "outside_geofence", "severity": "review", "message": "签到位置距登记地址 1,112 米（半径 300 米）",
            "item": null, "resolution": "confirmed_by_beneficiary"
        }]);
        let hospital = serde_json::json!([{
            "code": "hospitalised", "severity": "block", "message": "in hospital on 2026-11-26", "item": null, "resolution": null
        }]);
        let visits = vec![
            ("张桂兰".to_owned(), visit("2026-11-28", VisitState::Verified, geofence)),
            ("李守田".to_owned(), visit("2026-11-26", VisitState::Rejected, hospital)),
        ];
        let mut dom = VirtualDom::new_with_props(HistoryList, HistoryListProps { lang: Lang::Zh, visits });
        dom.rebuild_in_place();
        let html = dioxus_ssr::render(&dom);
        for expected in
            ["服务记录查询", "2026-11-28", "张桂兰", "审核通过", "1,112 米", "· 已处理", "审核未通过", "finding block"]
        {
            assert!(html.contains(expected), "{expected} in {html}");
        }
        let mut empty =
            VirtualDom::new_with_props(HistoryList, HistoryListProps { lang: Lang::En, visits: Vec::new() });
        empty.rebuild_in_place();
        assert!(dioxus_ssr::render(&empty).contains("No past visits"));
    }
}
