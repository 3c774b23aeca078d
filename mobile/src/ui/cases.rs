//! The assessor's list (评估任务): the cases whose on-site assessment this assessor leads, each
//! with the applicant, the address, how far the form is, and a badge saying where it stands.

use std::collections::HashMap;

use dioxus::prelude::*;
use ltci_shared::api::assessment::CareMode;
use ltci_shared::assessment;
use uuid::Uuid;

use crate::MobileError;
use crate::assess::{CaseBadge, case_badge};
use crate::i18n::{Lang, Text, t};
use crate::store::Store;

/// One line of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    pub case_id: Uuid,
    pub name: String,
    pub address: String,
    pub care_mode: CareMode,
    /// Items answered on the phone, of how many.
    pub answered: usize,
    pub total: usize,
    pub badge: CaseBadge,
}

/// The words for a care mode.
pub fn care_mode_text(mode: CareMode) -> Text {
    match mode {
        CareMode::HospitalWard => Text::HospitalWard,
        CareMode::Institutional => Text::Institutional,
        CareMode::HomeVisit => Text::HomeVisit,
        CareMode::FamilyCare => Text::FamilyCare,
    }
}

/// The rows from the local store: the cases as last pulled with the phone's drafts.
pub async fn case_rows(store: &Store) -> Result<Vec<CaseRow>, MobileError> {
    let drafts: HashMap<Uuid, _> = store.drafts().await?.into_iter().map(|d| (d.case_id, d)).collect();
    let total = assessment::current().dimensions.iter().map(|d| d.items.len()).sum();
    Ok(store
        .assigned_cases()
        .await?
        .into_iter()
        .map(|c| {
            let draft = drafts.get(&c.case_id).filter(|d| d.round_no == c.round_no);
            CaseRow {
                case_id: c.case_id,
                badge: case_badge(&c, draft),
                answered: draft.map_or(0, |d| d.answers.len()),
                total,
                name: c.applicant.name,
                address: c.applicant.address,
                care_mode: c.care_mode,
            }
        })
        .collect())
}

/// The list of cases; `on_open` opens one.
#[allow(unused_qualifications, reason = "rsx! writes event handlers with full paths")]
#[component]
pub fn CaseList(lang: Lang, rows: Vec<CaseRow>, on_open: Option<EventHandler<Uuid>>) -> Element {
    rsx! {
        section { class: "cases",
            h1 { {t(lang, Text::Assessments)} }
            if rows.is_empty() {
                p { class: "empty", {t(lang, Text::NoCases)} }
            }
            ul {
                for row in rows {
                    li {
                        key: "{row.case_id}",
                        class: "case",
                        onclick: move |_| {
                            if let Some(open) = on_open {
                                open.call(row.case_id);
                            }
                        },
                        span { class: "name", "{row.name}" }
                        span { class: "address", "{row.address}" }
                        span { class: "items",
                            "{t(lang, Text::CareModeLabel)}: {t(lang, care_mode_text(row.care_mode))} · "
                            "{t(lang, Text::Answered)}: {row.answered}/{row.total}"
                        }
                        span { class: "badge", "data-badge": "{row.badge.class()}", {t(lang, row.badge.text())} }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::assess::sample_case;

    fn render(lang: Lang, rows: Vec<CaseRow>) -> String {
        let mut dom = VirtualDom::new_with_props(CaseList, CaseListProps { lang, rows, on_open: None });
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[tokio::test]
    async fn the_list_shows_each_case_with_its_progress_and_badge() {
        let store = Store::open_in_memory().await.expect("store");
        assert!(render(Lang::Zh, case_rows(&store).await.expect("rows")).contains("暂无评估任务"));
        let case = sample_case();
        store.replace_cases(std::slice::from_ref(&case)).await.expect("pull");
        let html = render(Lang::Zh, case_rows(&store).await.expect("rows"));
        assert!(html.contains("陈玉梅") && html.contains("后庄扶村"), "{html}");
        assert!(html.contains("居家上门") && html.contains("已答: 0/17") && html.contains("待评估"), "{html}");

        store.answer(case.case_id, 1, "adl.eating", 10, Utc::now()).await.expect("answer");
        let rows = case_rows(&store).await.expect("rows");
        assert_eq!((rows[0].answered, rows[0].badge), (1, CaseBadge::Draft));
        let html = render(Lang::En, rows);
        assert!(html.contains("Answered: 1/17") && html.contains("Draft") && html.contains("home visits"), "{html}");
    }
}
