//! The visit screen (上门服务): the beneficiary's card, check-in with the distance to the
//! registered address, the checklist of planned items (done, or not done with a reason from the
//! list), the notes, and check-out with a summary — all from the phone's own events, so it shows
//! what was done even before anything is sent.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dioxus::prelude::*;
use ltci_shared::api::care::{NotDoneReason, OfflineBeneficiary, Visit, VisitEvent, VisitEventBody};
use ltci_shared::policy::CatalogueItem;
use ltci_shared::visit as fold;

use crate::i18n::{Lang, Text, china_time, t};
use crate::store::Delivery;
use crate::visit::{Badge, badge, distance_from_home, home_of};

/// One planned item and its result so far.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemLine {
    pub code: String,
    pub name: String,
    pub times: u32,
    /// `None` until recorded; `Some(None)` done; `Some(Some(reason))` not done.
    pub result: Option<Option<NotDoneReason>>,
}

/// Everything the visit screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitModel {
    pub name: String,
    pub id_number_masked: String,
    pub address: String,
    pub phone: Option<String>,
    /// 家属: name (relation) and phone.
    pub emergency: Option<String>,
    pub level: Option<u8>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Metres from the registered address at check-in (`None`: no fix or no registered place).
    pub distance_m: Option<f64>,
    pub items: Vec<ItemLine>,
    pub notes: Vec<String>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub badge: Badge,
}

/// The screen's model from the visit as pulled, its beneficiary, the catalogue and the phone's
/// own events for it.
pub fn visit_model(
    visit: &Visit,
    person: &OfflineBeneficiary,
    catalogue: &[CatalogueItem],
    local: &[(VisitEvent, Delivery)],
) -> VisitModel {
    let bodies: Vec<VisitEventBody> = local.iter().map(|(e, _)| e.body.clone()).collect();
    let mine = fold::fold(&bodies);
    let names: HashMap<&str, &str> = catalogue.iter().map(|c| (c.code.as_str(), c.name.as_str())).collect();
    let results = if mine.tasks.is_empty() { &visit.tasks } else { &mine.tasks };
    let distance_m = mine.check_in.and_then(|(_, p)| p).and_then(|p| distance_from_home(p, home_of(person)));
    let notes = bodies
        .iter()
        .filter_map(|b| match b {
            VisitEventBody::Note { at, text } => Some((*at, text.clone())),
            _ => None,
        })
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    VisitModel {
        name: person.name.clone(),
        id_number_masked: person.id_number_masked.clone(),
        address: person.address.clone(),
        phone: person.phone.clone(),
        emergency: person.emergency_contact.as_ref().map(|c| match &c.relation {
            Some(r) => format!("{}（{r}）{}", c.name, c.phone),
            None => format!("{} {}", c.name, c.phone),
        }),
        level: person.level,
        checked_in_at: mine.check_in.map(|c| c.0).or(visit.checked_in_at),
        distance_m,
        items: visit
            .planned_items
            .iter()
            .map(|p| ItemLine {
                code: p.code.clone(),
                name: names.get(p.code.as_str()).map_or_else(|| p.code.clone(), |n| (*n).to_owned()),
                times: p.times,
                result: results.iter().find(|r| r.item == p.code).map(|r| if r.done { None } else { r.reason }),
            })
            .collect(),
        notes,
        checked_out_at: mine.check_out.map(|c| c.0).or(visit.checked_out_at),
        badge: badge(visit, local),
    }
}

fn reason_text(reason: NotDoneReason) -> Text {
    match reason {
        NotDoneReason::Refused => Text::ReasonRefused,
        NotDoneReason::DoneByFamily => Text::ReasonDoneByFamily,
        NotDoneReason::NotNeeded => Text::ReasonNotNeeded,
        NotDoneReason::Other => Text::ReasonOther,
    }
}

/// The reasons an item may be left undone, as the list offers them.
pub const REASONS: [NotDoneReason; 4] =
    [NotDoneReason::Refused, NotDoneReason::DoneByFamily, NotDoneReason::NotNeeded, NotDoneReason::Other];

fn clock(at: DateTime<Utc>) -> String {
    china_time(at, "%H:%M")
}

/// The visit screen. The handlers receive the caregiver's actions: check-in, an item's result
/// (code, `None` done or the reason it was not), check-out.
#[allow(unused_qualifications, reason = "rsx! writes event handlers with full paths")]
#[component]
pub fn VisitScreen(
    lang: Lang,
    model: VisitModel,
    on_check_in: EventHandler<()>,
    on_task: EventHandler<(String, Option<NotDoneReason>)>,
    on_check_out: EventHandler<()>,
    on_note: EventHandler<String>,
) -> Element {
    let mut draft = use_signal(String::new);
    let level = model.level.map(|l| l.to_string()).unwrap_or_default();
    let phone = model.phone.clone().unwrap_or_default();
    let distance = match model.distance_m {
        Some(m) => format!("{} {:.0} m", t(lang, Text::FromHome), m),
        None => format!("{}: {}", t(lang, Text::FromHome), t(lang, Text::NoFix)),
    };
    let minutes = model.checked_in_at.zip(model.checked_out_at).map(|(a, b)| (b - a).num_minutes());
    rsx! {
        section { class: "visit-screen", "data-badge": "{model.badge:?}",
            div { class: "card",
                h1 { "{model.name}" }
                p { "{t(lang, Text::IdNumber)}: {model.id_number_masked}" }
                p { class: "address", "{model.address}" }
                p { "{t(lang, Text::Level)}: {level}" }
                p { "{t(lang, Text::Phone)}: {phone}" }
                if let Some(contact) = &model.emergency {
                    p { class: "emergency", "{t(lang, Text::Emergency)}: {contact}" }
                }
                p { class: "badge", {t(lang, model.badge.text())} }
            }
            match model.checked_in_at {
                None => rsx! {
                    button { class: "check-in", onclick: move |_| on_check_in.call(()), {t(lang, Text::CheckIn)} }
                },
                Some(at) => rsx! {
                    p { class: "checked-in", "{t(lang, Text::CheckedInAt)} {clock(at)} · {distance}" }
                },
            }
            if model.checked_in_at.is_some() {
                h2 { {t(lang, Text::Checklist)} }
                ul { class: "checklist",
                    for item in model.items.iter() {
                        li { key: "{item.code}", class: "item", "data-item": "{item.code}",
                            span { class: "name", if item.times > 1 { "{item.name}×{item.times}" } else { "{item.name}" } }
                            match item.result {
                                Some(None) => rsx! { span { class: "result done", {t(lang, Text::Done)} } },
                                Some(Some(reason)) => rsx! {
                                    span { class: "result not-done", "{t(lang, Text::NotDone)}: {t(lang, reason_text(reason))}" }
                                },
                                None => {
                                    let code = item.code.clone();
                                    rsx! {
                                        button { class: "done", onclick: move |_| on_task.call((code.clone(), None)), {t(lang, Text::Done)} }
                                        for reason in REASONS {
                                            {
                                                let code = item.code.clone();
                                                rsx! {
                                                    button {
                                                        key: "{reason:?}",
                                                        class: "not-done",
                                                        onclick: move |_| on_task.call((code.clone(), Some(reason))),
                                                        {t(lang, reason_text(reason))}
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
                h2 { {t(lang, Text::Notes)} }
                ul { class: "notes",
                    for (n, note) in model.notes.iter().enumerate() {
                        li { key: "{n}", "{note}" }
                    }
                }
                if model.checked_out_at.is_none() {
                    div { class: "note-input",
                        textarea { name: "note", maxlength: "500", value: "{draft}", oninput: move |e| draft.set(e.value()) }
                        button {
                            class: "add-note",
                            onclick: move |_| {
                                let text = draft().trim().to_owned();
                                if !text.is_empty() {
                                    on_note.call(text);
                                    draft.set(String::new());
                                }
                            },
                            {t(lang, Text::AddNote)}
                        }
                    }
                }
                match (model.checked_out_at, minutes) {
                    (Some(at), Some(m)) => rsx! {
                        div { class: "summary",
                            h2 { {t(lang, Text::Summary)} }
                            p { "{t(lang, Text::CheckedOutAt)} {clock(at)} · {m} {t(lang, Text::Minutes)}" }
                        }
                    },
                    _ => rsx! {
                        button { class: "check-out", onclick: move |_| on_check_out.call(()), {t(lang, Text::CheckOut)} }
                    },
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use ltci_shared::api::care::{PlannedItem, Position, VisitKind, VisitState};
    use uuid::Uuid;

    use super::*;

    #[component]
    fn Harness(lang: Lang, model: VisitModel) -> Element {
        rsx! {
            VisitScreen { lang, model, on_check_in: move |()| {}, on_task: move |_| {}, on_check_out: move |()| {}, on_note: move |_| {} }
        }
    }

    fn render(lang: Lang, model: VisitModel) -> String {
        let mut dom = VirtualDom::new_with_props(Harness, HarnessProps { lang, model });
        dom.rebuild_in_place();
        dioxus_ssr::render(&dom)
    }

    fn fixtures() -> (Visit, OfflineBeneficiary, Vec<CatalogueItem>) {
        let visit: Visit = serde_json::from_value(serde_json::json!({
            "id": Uuid::now_v7(), "kind": VisitKind::Scheduled, "plan_id": null,
            "institution_id": Uuid::now_v7(), "insured_person_id": Uuid::now_v7(), "caregiver_id": Uuid::now_v7(),
            "scheduled_on": "2026-11-30",
            "planned_items": [PlannedItem { code: "SF-01".into(), times: 1 }, PlannedItem { code: "SF-03".into(), times: 2 }],
            "unscheduled_reason": null, "state": VisitState::Scheduled, "checked_in_at": null, "checked_out_at": null,
            "tasks": [], "exceptions": [], "events": 0, "updated_at": Utc::now(),
        }))
        .expect("a visit");
        let person = OfflineBeneficiary {
            id: visit.insured_person_id,
            name: "王秀英".into(),
            id_number_masked: "370281********0041".into(),
            address: "示范市胶州市李哥庄镇 西王村 7号".into(),
            latitude: Some(36.3457),
            longitude: Some(120.1623),
            phone: Some("13800138000".into()),
            emergency_contact: Some(ltci_shared::api::registry::EmergencyContact {
                name: "王丽".into(),
                phone: "13900139000".into(),
                relation: Some("女儿".into()),
            }),
            level: Some(4),
            plan_id: None,
            plan_items: Vec::new(),
        };
        let catalogue = serde_json::from_value(serde_json::json!([
            {"code": "SF-01", "name": "头面部清洁护理", "unit_price": "15.00", "unit": "次", "min_minutes": 20,
             "qualification": "caregiver_certified", "max_per_week": 7},
            {"code": "SF-03", "name": "协助沐浴", "unit_price": "40.00", "unit": "次", "min_minutes": 45,
             "qualification": "caregiver_certified", "max_per_week": 2}
        ]))
        .expect("catalogue");
        (visit, person, catalogue)
    }

    fn mine(visit: &Visit, body: VisitEventBody) -> (VisitEvent, Delivery) {
        (VisitEvent { id: Uuid::now_v7(), visit_id: visit.id, unscheduled: None, body }, Delivery::Pending)
    }

    #[test]
    fn the_visit_screen_follows_the_visit_from_arrival_to_summary() {
        let (visit, person, catalogue) = fixtures();
        let before = render(Lang::Zh, visit_model(&visit, &person, &catalogue, &[]));
        for expected in
            ["王秀英", "370281********0041", "评估等级: 4", "紧急联系人: 王丽（女儿）13900139000", ">签到<", "未开始"]
        {
            assert!(before.contains(expected), "{expected} in {before}");
        }
        assert!(!before.contains("服务项目"), "the checklist comes after check-in");

        // 09:00 Beijing time, about 56 m north of the registered address.
        let t0 = DateTime::parse_from_rfc3339("2026-11-30T01:00:00Z").expect("time").to_utc();
        let gps = Position::gps(36.3462, 120.1623, 10.0);
        let mut local = vec![mine(&visit, VisitEventBody::CheckIn { at: t0, position: gps })];
        let model = visit_model(&visit, &person, &catalogue, &local);
        assert!((model.distance_m.expect("distance") - 55.6).abs() < 1.0, "{:?}", model.distance_m);
        let during = render(Lang::Zh, model);
        for expected in
            ["签到时间 09:00 · 距登记地址 56 m", "头面部清洁护理", "协助沐浴×2", "老人拒绝", ">签退<", "服务中"]
        {
            assert!(during.contains(expected), "{expected} in {during}");
        }

        local.push(mine(
            &visit,
            VisitEventBody::Task { at: t0 + TimeDelta::minutes(5), item: "SF-01".into(), done: true, reason: None },
        ));
        let refused = VisitEventBody::Task {
            at: t0 + TimeDelta::minutes(9),
            item: "SF-03".into(),
            done: false,
            reason: Some(NotDoneReason::Refused),
        };
        local.push(mine(&visit, refused));
        local.push(mine(
            &visit,
            VisitEventBody::Note { at: t0 + TimeDelta::minutes(20), text: "老人今天不想洗澡".into() },
        ));
        let no_fix = Position::Unavailable { reason: ltci_shared::api::care::NoGpsReason::NoSignal };
        local.push(mine(&visit, VisitEventBody::CheckOut { at: t0 + TimeDelta::minutes(47), position: no_fix }));
        let model = visit_model(&visit, &person, &catalogue, &local);
        assert_eq!(
            model.items.iter().map(|i| i.result).collect::<Vec<_>>(),
            [Some(None), Some(Some(NotDoneReason::Refused))]
        );
        let after = render(Lang::Zh, model);
        for expected in ["未完成: 老人拒绝", "老人今天不想洗澡", "服务小结", "签退时间 09:47 · 47 分钟", "待上传"]
        {
            assert!(after.contains(expected), "{expected} in {after}");
        }
        assert!(!after.contains(">签退<"), "checked out once");
        assert!(!after.contains("添加记录"), "no notes after check-out");
        let en = render(Lang::En, visit_model(&visit, &person, &catalogue, &local));
        assert!(en.contains("Not done: refused") && en.contains("47 min") && en.contains("Waiting to send"), "{en}");
    }
}
