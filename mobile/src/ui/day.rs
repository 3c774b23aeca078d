//! The caregiver's day (今日服务): today's visits with the beneficiary, address, planned items and
//! a badge saying where each visit stands.

use std::collections::HashMap;

use chrono::NaiveDate;
use dioxus::prelude::*;
use uuid::Uuid;

use crate::MobileError;
use crate::i18n::{Lang, Text, t};
use crate::store::Store;
use crate::visit::{Badge, badge};

/// One line of the day's list.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitRow {
    pub visit_id: Uuid,
    pub name: String,
    pub address: String,
    /// The planned items by name (the code when the catalogue does not know it), repeats shown.
    pub items: Vec<String>,
    pub badge: Badge,
}

/// The rows for `day` from the local store: the visits as last pulled, the people they are for,
/// and the phone's own events for the badge.
pub async fn day_rows(store: &Store, day: NaiveDate) -> Result<Vec<VisitRow>, MobileError> {
    let people: HashMap<Uuid, _> = store.beneficiaries().await?.into_iter().map(|b| (b.id, b)).collect();
    let names: HashMap<String, String> = store.catalogue().await?.into_iter().map(|c| (c.code, c.name)).collect();
    let mut rows = Vec::new();
    for v in store.visits_on(day).await? {
        let local = store.outbox_of(v.id).await?;
        let person = people.get(&v.insured_person_id);
        let items = v
            .planned_items
            .iter()
            .map(|p| {
                let name = names.get(&p.code).cloned().unwrap_or_else(|| p.code.clone());
                if p.times > 1 { format!("{name}×{}", p.times) } else { name }
            })
            .collect();
        rows.push(VisitRow {
            visit_id: v.id,
            name: person.map(|p| p.name.clone()).unwrap_or_default(),
            address: person.map(|p| p.address.clone()).unwrap_or_default(),
            items,
            badge: badge(&v, &local),
        });
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

/// The list of the day's visits; `on_open` opens one.
#[allow(unused_qualifications, reason = "rsx! writes event handlers with full paths")]
#[component]
pub fn DayList(lang: Lang, rows: Vec<VisitRow>, on_open: Option<EventHandler<Uuid>>) -> Element {
    let planned = t(lang, Text::Planned);
    rsx! {
        section { class: "day",
            h1 { {t(lang, Text::TodaysVisits)} }
            if rows.is_empty() {
                p { class: "empty", {t(lang, Text::NoVisits)} }
            }
            ul {
                for row in rows {
                    li {
                        key: "{row.visit_id}",
                        class: "visit",
                        onclick: move |_| {
                            if let Some(open) = on_open {
                                open.call(row.visit_id);
                            }
                        },
                        span { class: "name", "{row.name}" }
                        span { class: "address", "{row.address}" }
                        span { class: "items", "{planned}: {row.items.join(\"、\")}" }
                        span { class: "badge", "data-badge": "{row.badge:?}", {t(lang, row.badge.text())} }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lang: Lang, rows: Vec<VisitRow>) -> String {
        let mut dom = VirtualDom::new_with_props(DayList, DayListProps { lang, rows, on_open: None });
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    fn row(name: &str, badge: Badge) -> VisitRow {
        VisitRow {
            visit_id: Uuid::now_v7(),
            name: name.into(),
            address: "示范市胶州市李哥庄镇 西王村 7号".into(),
            items: vec!["头面部清洁护理".into(), "协助进食×2".into()],
            badge,
        }
    }

    #[test]
    fn the_day_shows_each_visit_with_its_badge_in_chinese_or_english() {
        let rows = vec![row("王秀英", Badge::WaitingToSend), row("张桂兰", Badge::Done)];
        let zh = render(Lang::Zh, rows.clone());
        for expected in ["今日服务", "王秀英", "西王村 7号", "服务项目: 头面部清洁护理、协助进食×2", "待上传", "已完成"]
        {
            assert!(zh.contains(expected), "{expected} in {zh}");
        }
        assert!(!zh.contains("今天没有安排服务"));
        let en = render(Lang::En, rows);
        for expected in ["Today&#39;s visits", "Planned: ", "Waiting to send", "Done"] {
            assert!(en.contains(expected), "{expected} in {en}");
        }
        assert!(render(Lang::Zh, Vec::new()).contains("今天没有安排服务"));
    }
}
