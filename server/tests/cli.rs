//! The `ltci-server assess` command, run as a user runs it.

use std::io::Write;
use std::process::{Command, Stdio};

fn assess(args: &[&str], stdin: &str) -> (i32, String, String) {
    assess_in("zh", args, stdin)
}

/// `ltci-server assess` printing in `lang` (`LTCI_LANG`).
fn assess_in(lang: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ltci-server"))
        .env("LTCI_LANG", lang)
        .arg("assess")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ltci-server");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

/// ADL 40 (severe), cognition 16 and sensory 12 (intact): level 3.
const SEVERE_ADL: &str = r#"{"adl.eating":5,"adl.dressing":5,"adl.grooming":0,"adl.bowel":5,"adl.bladder":5,
  "adl.toileting":5,"adl.walking":5,"adl.transfer":5,"adl.stairs":5,"adl.bathing":0,
  "cog.time":4,"cog.person":4,"cog.place":4,"cog.memory":4,"sen.vision":4,"sen.hearing":4,"sen.communication":4}"#;

#[test]
fn grades_answers_from_standard_input() {
    let (code, stdout, stderr) = assess(&[], SEVERE_ADL);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        r#"{"instrument":"CN-NHSA-2021","level":3,"level_name":"重度失能Ⅰ级","adl":{"score":40,"grade":"severe"},"cognition":{"score":16,"grade":"intact"},"sensory":{"score":12,"grade":"intact"}}"#
    );
    assert!(stderr.is_empty());
}

#[test]
fn grades_answers_from_a_file() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("answers.json");
    std::fs::write(
        &path,
        SEVERE_ADL.replace("\"cog.memory\":4", "\"cog.memory\":0").replace("\"cog.time\":4", "\"cog.time\":0"),
    )
    .expect("write");
    let (code, stdout, _) = assess(&[path.to_str().expect("path")], "");
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    // Cognition 8 is mild; severe ADL with mild cognition is still level 3.
    assert_eq!(v["cognition"], serde_json::json!({"score": 8, "grade": "mild"}));
    assert_eq!(v["level"], 3);
}

#[test]
fn bad_answers_exit_2_naming_each_item() {
    let bad =
        SEVERE_ADL.replace("\"adl.eating\":5", "\"adl.eating\":7").replace("\"sen.vision\":4", "\"sen.vision\":\"4\"");
    let (code, stdout, stderr) = assess(&[], &bad);
    assert_eq!(code, 2);
    assert!(stdout.is_empty(), "no level is printed: {stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    // Chinese unless the command line is asked for English.
    assert!(lines[0].starts_with("adl.eating: 7 不是允许的答案"), "{stderr}");
    let (_, _, english) = assess_in("en", &[], &bad);
    assert!(english.starts_with("adl.eating: 7 is not an allowed answer"), "{english}");
    assert!(lines[1].starts_with("sen.vision: "), "{stderr}");

    let (code, _, stderr) = assess(&[], r#"{"adl.eating": 10}"#);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 16, "every missing item is named: {stderr}");

    for not_answers in ["[1, 2]", "{not json", ""] {
        let (code, stdout, stderr) = assess(&[], not_answers);
        assert_eq!(code, 2, "{not_answers}");
        assert!(stdout.is_empty() && !stderr.is_empty(), "{not_answers}");
    }
    let (code, _, stderr) = assess(&["--instrument", "NO-SUCH-1"], SEVERE_ADL);
    assert_eq!((code, stderr.trim()), (2, "没有版本为 NO-SUCH-1 的评估量表"));
}
