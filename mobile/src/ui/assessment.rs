//! The assessor's form (失能等级评估): the applicant's card, the national instrument's items with
//! their Chinese option labels, the answers chosen so far, the level computed live on the device
//! with the shared grading function — the same the server runs again (and trusts over the
//! phone's) — and the draft's state: kept on the phone, waiting to send, sent, sent back, refused.

use std::collections::BTreeMap;

use dioxus::prelude::*;
use ltci_shared::api::assessment::CaseState;
use ltci_shared::assessment::{self, Answers, Grading, Instrument};

use super::cases::care_mode_text;
use crate::assess::{AssignedCase, Draft, Submission};
use crate::i18n::{Lang, Text, refusal, t};

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

/// The screen for one case: the applicant, where the draft stands, the form, and the buttons to
/// keep the draft (`on_save`, back to the list) and to submit it (`on_submit`, once every item is
/// answered). `on_answer` receives (item, points).
#[allow(unused_qualifications, reason = "rsx! writes event handlers with full paths")]
#[component]
pub fn AssessmentScreen(
    lang: Lang,
    case: AssignedCase,
    draft: Option<Draft>,
    on_answer: EventHandler<(String, u32)>,
    on_save: EventHandler<()>,
    on_submit: EventHandler<()>,
) -> Element {
    let draft = draft.filter(|d| d.round_no == case.round_no);
    let answers = draft.as_ref().map(|d| d.answers.clone()).unwrap_or_default();
    let editable = case.state == CaseState::Assigned && draft.as_ref().is_none_or(Draft::editable);
    let complete = form_state(assessment::current(), &answers).grading.is_some();
    let status = match draft.as_ref().map(|d| (d.status, d.error.clone())) {
        Some((Submission::Pending, _)) => Some(("waiting", t(lang, Text::WaitingToSend).to_owned())),
        Some((Submission::Refused, Some((code, message)))) => {
            Some(("refused", format!("{}: {}", t(lang, Text::RefusedBecause), refusal(lang, &code, &message))))
        }
        _ if case.state == CaseState::AwaitingConfirmation
            || draft.as_ref().is_some_and(|d| d.status == Submission::Sent) =>
        {
            let level = draft.as_ref().and_then(|d| d.level).map(|l| format!(" · {}: {l}", t(lang, Text::ServerLevel)));
            Some(("submitted", format!("{}{}", t(lang, Text::SubmittedAwaiting), level.unwrap_or_default())))
        }
        _ if case.returned_because.is_some() => Some((
            "returned",
            format!("{}: {}", t(lang, Text::ReturnedBecause), case.returned_because.clone().unwrap_or_default()),
        )),
        Some((Submission::Draft, _)) if !answers.is_empty() => Some(("draft", t(lang, Text::DraftSaved).to_owned())),
        _ => None,
    };
    let a = &case.applicant;
    let phone = a.phone.clone().unwrap_or_else(|| "—".into());
    rsx! {
        div { class: "card",
            h1 { "{t(lang, Text::Applicant)}: {a.name}" }
            p { "{t(lang, Text::IdNumber)}: {a.id_number}" }
            p { "{t(lang, Text::Age)}: {a.age}" }
            p { class: "address", "{t(lang, Text::Address)}: {a.address}" }
            p { "{t(lang, Text::Phone)}: {phone}" }
            p { "{t(lang, Text::CareModeLabel)}: {t(lang, care_mode_text(case.care_mode))}" }
            p { "{t(lang, Text::ApplicationReason)}: {case.reason}" }
        }
        if let Some((class, text)) = status {
            p { class: "status {class}", "{text}" }
        }
        AssessmentForm { lang, answers, editable, on_answer }
        if editable {
            div { class: "actions",
                button { class: "save-draft", onclick: move |_| on_save.call(()), {t(lang, Text::SaveDraft)} }
                button { class: "submit", disabled: !complete, onclick: move |_| on_submit.call(()), {t(lang, Text::Submit)} }
            }
            if !complete {
                p { class: "hint", {t(lang, Text::NotYetAnswered)} }
            }
        }
    }
}

/// The form; `answers` are the points chosen per item, `on_answer` receives (item, points). The
/// choices are disabled unless `editable`.
#[allow(unused_qualifications, reason = "rsx! writes event handlers with full paths")]
#[component]
pub fn AssessmentForm(
    lang: Lang,
    answers: BTreeMap<String, u32>,
    editable: bool,
    on_answer: EventHandler<(String, u32)>,
) -> Element {
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
                                            disabled: !editable,
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
        rsx! { AssessmentForm { lang, answers, editable: true, on_answer: move |_| {} } }
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

    #[component]
    fn ScreenHarness(lang: Lang, case: AssignedCase, draft: Option<Draft>) -> Element {
        rsx! {
            AssessmentScreen { lang, case, draft, on_answer: move |_| {}, on_save: move |()| {}, on_submit: move |()| {} }
        }
    }

    fn screen(lang: Lang, case: &AssignedCase, draft: Option<Draft>) -> String {
        let props = ScreenHarnessProps { lang, case: case.clone(), draft };
        let mut dom = VirtualDom::new_with_props(ScreenHarness, props);
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    #[test]
    fn the_screen_says_where_the_draft_stands_and_locks_a_submitted_form() {
        use chrono::Utc;

        use crate::assess::sample_case;

        let mut case = sample_case();
        let html = screen(Lang::Zh, &case, None);
        assert!(html.contains("申请人: 陈玉梅") && html.contains("370285********0062"), "{html}");
        assert!(html.contains("申请原因: 中风后行动不便") && html.contains("居家上门"), "{html}");
        assert!(html.contains("还有项目未作答"), "nothing answered: submit waits");
        assert!(html.contains(r#"class="submit" disabled"#) || html.contains(r#"disabled=true"#), "{html}");

        let mut draft = Draft {
            case_id: case.case_id,
            round_no: 1,
            answers: all(0),
            status: Submission::Draft,
            visited_at: None,
            position: None,
            error: None,
            level: None,
            updated_at: Utc::now(),
        };
        let html = screen(Lang::Zh, &case, Some(draft.clone()));
        assert!(html.contains("草稿已保存在手机上") && html.contains("评估等级: 0"), "{html}");
        assert!(!html.contains("还有项目未作答"), "complete: submit allowed");

        draft.status = Submission::Pending;
        let html = screen(Lang::Zh, &case, Some(draft.clone()));
        assert!(html.contains("已提交，等待网络上传") && !html.contains("保存草稿"), "locked while waiting: {html}");

        draft.status = Submission::Refused;
        draft.error = Some(("in_the_future".into(), "the visit cannot be in the future".into()));
        let html = screen(Lang::En, &case, Some(draft.clone()));
        assert!(
            html.contains(
                "Not accepted; correct it and submit again: the visit cannot be in the future (in_the_future)"
            )
        );
        assert!(html.contains("Save draft"), "a refused form can be corrected");

        draft.status = Submission::Sent;
        draft.error = None;
        draft.level = Some(0);
        case.state = CaseState::AwaitingConfirmation;
        let html = screen(Lang::Zh, &case, Some(draft.clone()));
        assert!(html.contains("已上传，等待另一位评估员复核确认 · 经办系统评定等级: 0"), "{html}");

        draft.status = Submission::Draft;
        case.state = CaseState::Assigned;
        case.returned_because = Some("进食项与现场不符，请复核".into());
        let html = screen(Lang::Zh, &case, Some(draft));
        assert!(html.contains("被退回，请修改后重新提交: 进食项与现场不符，请复核"), "{html}");
    }
}
