//! The assessor's form (失能等级评估): the national instrument's items with their Chinese option
//! labels, the answers chosen so far, and the level computed live on the device with the shared
//! grading function — the same the server runs again (and trusts over the phone's).

use std::collections::BTreeMap;

use dioxus::prelude::*;
use ltci_shared::assessment::{self, Answers, Grading, Instrument};

use crate::i18n::{Lang, Text, t};

/// How far the form is: items answered, of how many, and the grading once every item is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormState {
    pub answered: usize,
    pub total: usize,
    pub grading: Option<Grading>,
}

/// The form's state for `answers` (item code → points chosen).
pub fn form_state(instrument: &Instrument, answers: &BTreeMap<String, u32>) -> FormState {
    let total = instrument.dimensions.iter().map(|d| d.items.len()).sum();
    let as_json: Answers = answers.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(*v))).collect();
    FormState { answered: answers.len(), total, grading: instrument.grade(&as_json).ok() }
}

/// The form; `answers` are the points chosen per item, `on_answer` receives (item, points).
#[allow(unused_qualifications, reason = "rsx! writes event handlers with full paths")]
#[component]
pub fn AssessmentForm(lang: Lang, answers: BTreeMap<String, u32>, on_answer: EventHandler<(String, u32)>) -> Element {
    let instrument = assessment::current();
    let state = form_state(instrument, &answers);
    let zh = lang == Lang::Zh;
    let level = match &state.grading {
        Some(g) => {
            let def = instrument.levels.iter().find(|l| l.level == g.level);
            let name = def.map_or("", |l| if zh { l.name_zh.as_str() } else { l.name_en.as_str() });
            format!("{} {name}", g.level)
        }
        None => t(lang, Text::Incomplete).to_owned(),
    };
    rsx! {
        section { class: "assessment",
            h1 { {t(lang, Text::AssessmentForm)} }
            p { class: "progress", "{t(lang, Text::Answered)}: {state.answered}/{state.total}" }
            p { class: "level", "{t(lang, Text::Level)}: {level}" }
            for dim in instrument.dimensions.iter() {
                fieldset { key: "{dim.code}", class: "dimension",
                    legend { if zh { "{dim.name_zh}" } else { "{dim.name_en}" } }
                    for item in dim.items.iter() {
                        div { key: "{item.code}", class: "item", "data-item": "{item.code}",
                            h3 { if zh { "{item.name_zh}" } else { "{item.name_en}" } }
                            for choice in item.options.iter() {
                                {
                                    let chosen = answers.get(&item.code) == Some(&choice.points);
                                    let (code, points) = (item.code.clone(), choice.points);
                                    let label = if zh { choice.label_zh.clone() } else { choice.label_en.clone() };
                                    rsx! {
                                        button {
                                            key: "{points}",
                                            class: if chosen { "choice chosen" } else { "choice" },
                                            onclick: move |_| on_answer.call((code.clone(), points)),
                                            "{label}（{points}）"
                                        }
                                    }
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
    use super::*;

    #[component]
    fn Harness(lang: Lang, answers: BTreeMap<String, u32>) -> Element {
        rsx! { AssessmentForm { lang, answers, on_answer: move |_| {} } }
    }

    fn render(lang: Lang, answers: BTreeMap<String, u32>) -> String {
        let mut dom = VirtualDom::new_with_props(Harness, HarnessProps { lang, answers });
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    /// Every item answered with its `pick`-th option (0: best).
    fn all(pick: usize) -> BTreeMap<String, u32> {
        assessment::current()
            .dimensions
            .iter()
            .flat_map(|d| &d.items)
            .map(|i| (i.code.clone(), i.options[pick.min(i.options.len() - 1)].points))
            .collect()
    }

    #[test]
    fn the_level_appears_when_the_last_item_is_answered_and_matches_the_grading() {
        let instrument = assessment::current();
        let mut answers = all(usize::MAX);
        let last = answers.keys().next_back().cloned().expect("items");
        let worst = answers.remove(&last).expect("answer");
        let partial = form_state(instrument, &answers);
        assert_eq!((partial.answered, partial.total, partial.grading.is_none()), (16, 17, true));
        let html = render(Lang::Zh, answers.clone());
        assert!(html.contains("已答: 16/17") && html.contains("答完全部项目后显示"), "{html}");
        assert!(html.contains("可独立进食（10）"), "Chinese option labels");

        answers.insert(last, worst);
        let done = form_state(instrument, &answers);
        let grading = done.grading.expect("graded");
        assert_eq!(grading.level, 5, "every item at its worst: 重度失能Ⅲ级");
        let html = render(Lang::Zh, answers);
        assert!(html.contains("评估等级: 5 重度失能Ⅲ级"), "{html}");
        assert_eq!(form_state(instrument, &all(0)).grading.map(|g| g.level), Some(0));
        assert!(render(Lang::En, all(0)).contains("Level: 0"));
    }
}
