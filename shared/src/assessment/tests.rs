//! The grading function against the standard as the issue states it: every item, every band
//! edge, all 64 grade combinations, and every kind of bad answer.

use serde_json::json;

use super::*;

/// The items and allowed points of 医保办发〔2021〕37号, written out independently of the data file.
const ITEMS: [(&str, &str, &[u32]); 17] = [
    ("adl.eating", "进食", &[0, 5, 10]),
    ("adl.dressing", "穿衣", &[0, 5, 10]),
    ("adl.grooming", "面部与口腔清洁", &[0, 5]),
    ("adl.bowel", "大便控制", &[0, 5, 10]),
    ("adl.bladder", "小便控制", &[0, 5, 10]),
    ("adl.toileting", "用厕", &[0, 5, 10]),
    ("adl.walking", "平地行走", &[0, 5, 10, 15]),
    ("adl.transfer", "床椅转移", &[0, 5, 10, 15]),
    ("adl.stairs", "上下楼", &[0, 5, 10]),
    ("adl.bathing", "洗澡", &[0, 5]),
    ("cog.time", "时间定向", &[0, 1, 2, 3, 4]),
    ("cog.person", "人物定向", &[0, 1, 2, 3, 4]),
    ("cog.place", "空间定向", &[0, 1, 2, 3, 4]),
    ("cog.memory", "记忆力", &[0, 1, 2, 3, 4]),
    ("sen.vision", "视力", &[0, 1, 2, 3, 4]),
    ("sen.hearing", "听力", &[0, 1, 2, 3, 4]),
    ("sen.communication", "沟通能力", &[0, 1, 2, 3, 4]),
];

/// The combination table of the standard: ADL grade (row) × worse of cognition and sensory.
const TABLE: [[u8; 4]; 4] = [[0, 0, 1, 1], [1, 1, 1, 2], [2, 2, 2, 3], [3, 3, 4, 5]];
const GRADES: [&str; 4] = ["intact", "mild", "moderate", "severe"];
const LEVEL_NAMES: [&str; 6] = ["基本正常", "轻度失能", "中度失能", "重度失能Ⅰ级", "重度失能Ⅱ级", "重度失能Ⅲ级"];

fn prefix(dim: &str) -> &str {
    match dim {
        "adl" => "adl.",
        "cognition" => "cog.",
        _ => "sen.",
    }
}

/// Answers giving each dimension exactly the wanted score (greedy: largest allowed points first).
fn answers_for(adl: u32, cognition: u32, sensory: u32) -> Answers {
    let mut answers = Answers::new();
    for (dim, mut remaining) in [("adl", adl), ("cognition", cognition), ("sensory", sensory)] {
        for (code, _, allowed) in ITEMS.iter().filter(|(c, _, _)| c.starts_with(prefix(dim))) {
            let pick = allowed.iter().copied().filter(|p| *p <= remaining).max().unwrap_or(0);
            remaining -= pick;
            answers.insert((*code).to_string(), json!(pick));
        }
        assert_eq!(remaining, 0, "score not reachable for {dim}");
    }
    answers
}

fn grade(adl: u32, cognition: u32, sensory: u32) -> Grading {
    current().grade(&answers_for(adl, cognition, sensory)).expect("valid answers")
}

#[test]
fn embedded_instruments_are_consistent() {
    assert!(!instruments().is_empty());
    for inst in instruments() {
        assert_eq!(inst.check(), Ok(()), "{}", inst.version);
    }
    assert_eq!(current().version, CN_NHSA_2021);
}

#[test]
fn every_item_has_exactly_the_standard_points_and_name() {
    let items: Vec<&Item> = current().dimensions.iter().flat_map(|d| &d.items).collect();
    assert_eq!(items.len(), 17);
    for (code, name, allowed) in ITEMS {
        let item = items.iter().find(|i| i.code == code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(item.name_zh, name, "{code}");
        let mut points: Vec<u32> = item.options.iter().map(|o| o.points).collect();
        points.sort_unstable();
        assert_eq!(points, allowed, "{code}");
        assert!(item.options.iter().all(|o| !o.label_zh.is_empty() && !o.label_en.is_empty()), "{code}");
        // Each allowed value is accepted on its own (all other items at full marks).
        for p in allowed {
            let mut answers = answers_for(100, 16, 12);
            answers.insert(code.to_string(), json!(p));
            assert!(current().grade(&answers).is_ok(), "{code}={p}");
        }
    }
}

#[test]
fn band_edges() {
    let cases: [(&str, &[(u32, &str)]); 3] = [
        (
            "adl",
            &[
                (100, "intact"),
                (95, "mild"),
                (65, "mild"),
                (60, "moderate"),
                (45, "moderate"),
                (40, "severe"),
                (0, "severe"),
            ],
        ),
        (
            "cognition",
            &[
                (16, "intact"),
                (15, "mild"),
                (4, "mild"),
                (3, "moderate"),
                (2, "moderate"),
                (1, "severe"),
                (0, "severe"),
            ],
        ),
        (
            "sensory",
            &[
                (12, "intact"),
                (11, "mild"),
                (4, "mild"),
                (3, "moderate"),
                (2, "moderate"),
                (1, "severe"),
                (0, "severe"),
            ],
        ),
    ];
    for (dim, edges) in cases {
        for (score, expected) in edges {
            let g = match dim {
                "adl" => grade(*score, 16, 12),
                "cognition" => grade(100, *score, 12),
                _ => grade(100, 16, *score),
            };
            assert_eq!(g.dimensions[dim].score, *score);
            assert_eq!(g.dimensions[dim].grade, *expected, "{dim} score {score}");
        }
    }
}

#[test]
fn all_64_grade_combinations() {
    // A score inside each grade's band, per dimension, in the order intact, mild, moderate, severe.
    let adl = [100, 80, 50, 20];
    let cog = [16, 10, 2, 0];
    let sen = [12, 7, 3, 1];
    let mut seen = 0;
    for (a, adl_score) in adl.iter().enumerate() {
        for (c, cog_score) in cog.iter().enumerate() {
            for (s, sen_score) in sen.iter().enumerate() {
                let g = grade(*adl_score, *cog_score, *sen_score);
                assert_eq!(g.dimensions["adl"].grade, GRADES[a]);
                assert_eq!(g.dimensions["cognition"].grade, GRADES[c]);
                assert_eq!(g.dimensions["sensory"].grade, GRADES[s]);
                let expected = TABLE[a][c.max(s)];
                assert_eq!(g.level, expected, "adl {} cognition {} sensory {}", GRADES[a], GRADES[c], GRADES[s]);
                assert_eq!(g.level_name, LEVEL_NAMES[expected as usize]);
                assert_eq!(g.instrument, CN_NHSA_2021);
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 64);
}

#[test]
fn the_result_serialises_as_documented() {
    let g = grade(40, 16, 12);
    assert_eq!(
        serde_json::to_string(&g).expect("json"),
        r#"{"instrument":"CN-NHSA-2021","level":3,"level_name":"重度失能Ⅰ级","adl":{"score":40,"grade":"severe"},"cognition":{"score":16,"grade":"intact"},"sensory":{"score":12,"grade":"intact"}}"#
    );
}

#[test]
fn bad_answers_name_the_item_and_give_no_level() {
    let cases = [
        ("adl.eating", json!(7), "not_allowed"),
        ("adl.eating", json!(-5), "not_allowed"),
        ("adl.eating", json!(5.5), "not_allowed"),
        ("adl.eating", json!(10.0), "not_allowed"),
        ("cog.time", json!(5), "not_allowed"),
        ("sen.vision", json!("4"), "not_a_number"),
        ("adl.bathing", json!(null), "not_a_number"),
        ("adl.walking", json!([15]), "not_a_number"),
    ];
    for (item, value, code) in cases {
        let mut answers = answers_for(100, 16, 12);
        answers.insert(item.to_string(), value.clone());
        let errors = current().grade(&answers).expect_err("invalid");
        assert_eq!(errors.len(), 1, "{item}={value}");
        assert_eq!((errors[0].item.as_str(), errors[0].code.as_str()), (item, code), "{item}={value}");
    }

    let mut incomplete = answers_for(100, 16, 12);
    incomplete.remove("cog.memory");
    incomplete.remove("adl.stairs");
    incomplete.insert("adl.flying".into(), json!(5));
    let errors = current().grade(&incomplete).expect_err("invalid");
    let named: Vec<(&str, &str)> = errors.iter().map(|e| (e.item.as_str(), e.code.as_str())).collect();
    assert_eq!(named, [("adl.flying", "unknown_item"), ("adl.stairs", "missing"), ("cog.memory", "missing")]);
    assert!(current().grade(&Answers::new()).expect_err("empty").len() == 17);
}

#[test]
fn a_local_variant_is_data_not_code() {
    // A city that grades mild ADL with intact cognition as level 0 only changes the table.
    let mut local = current().clone();
    local.version = "LOCAL-TEST-1".into();
    local.combination.table[1][0] = 0;
    assert_eq!(local.check(), Ok(()));
    let answers = answers_for(80, 16, 12);
    assert_eq!(current().grade(&answers).expect("valid").level, 1);
    let g = local.grade(&answers).expect("valid");
    assert_eq!((g.level, g.instrument.as_str()), (0, "LOCAL-TEST-1"));

    // An inconsistent document is refused before use.
    let mut broken = current().clone();
    broken.dimensions[0].bands.retain(|b| b.grade != "moderate");
    assert!(broken.check().expect_err("gap").contains("score 45"));
}
