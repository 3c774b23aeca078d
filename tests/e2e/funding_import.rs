//! Importing contributions from CSV: a good file posts every line, a file with bad lines is
//! refused whole with every line number and reason, and importing the same file again posts
//! nothing twice.

use ltci_e2e::world::{id_number, person};
use ltci_e2e::{TestApp, field_code, on_both_databases};
use ltci_shared::api::funding::EntryFilter;
use ltci_shared::client::ClientError;
use reqwest::StatusCode;
use rust_decimal::Decimal;

on_both_databases!(good_bad_and_repeated_files);

const HEADER: &str = "reference,id_number,period,scheme,source,amount";

fn details(err: &ClientError) -> Vec<String> {
    let ClientError::Api { body, .. } = err else { panic!("expected the envelope, got {err}") };
    body.error.details.iter().map(|(k, v)| format!("{k}={}", v.code)).collect()
}

async fn good_bad_and_repeated_files(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    let a = admin.create_insured_person(&person("导入甲", 831)).await.expect("person");
    let b = admin.create_insured_person(&person("导入乙", 833)).await.expect("person");
    let (id_a, id_b) = (person("x", 831).id_number, person("x", 833).id_number);
    assert_eq!((a.id_number_masked, b.id_number_masked), (false, false));
    let unknown = id_number(chrono::NaiveDate::from_ymd_opt(1950, 1, 1).expect("date"), 835);
    let mistyped = format!("{}{}", &id_a[..17], if id_a.ends_with('1') { '2' } else { '1' });

    // Bad lines: every one reported, nothing posted.
    let bad = format!(
        "{HEADER}\n\
         B-1,{id_a},2026-10,resident,individual,30.00\n\
         B-2,{mistyped},2026-10,resident,individual,30.00\n\
         B-3,{id_b},2026-13,resident,individual,30.00\n\
         B-4,{id_b},2026-10,retired,individual,30.00\n\
         B-5,{id_b},2026-10,resident,lottery,30.00\n\
         B-6,{id_b},2026-10,resident,individual,30.001\n\
         B-1,{id_b},2026-10,resident,individual,30.00\n\
         B-8,{unknown},2026-10,resident,individual,30.00\n\
         B-9,{id_b},2026-10\n"
    );
    let err = admin.import_contributions(bad).await.expect_err("bad file");
    assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    let mut found = details(&err);
    found.sort();
    let mut expected = vec![
        "lines[3].id_number=invalid_check_character",
        "lines[4].period=invalid_period",
        "lines[5].scheme=unknown_value",
        "lines[6].source=unknown_value",
        "lines[7].amount=too_precise",
        "lines[8].reference=duplicate_reference",
        "lines[9].id_number=unknown_person",
        "lines[10].line=wrong_column_count",
    ];
    expected.sort();
    assert_eq!(found, expected);
    assert!(
        admin
            .funding_accounts(ltci_e2e::all())
            .await
            .expect("accounts")
            .items
            .iter()
            .all(|a| a.balance == Decimal::ZERO)
    );
    assert_eq!(admin.journal_entries(&EntryFilter::default(), Default::default()).await.expect("entries").total, 0);

    // A good file, with a byte-order mark as spreadsheets write it.
    let good = format!(
        "\u{feff}{HEADER}\n\
         G-1,{id_a},2026-09,resident,individual,30.00\n\
         G-2,{id_a},2026-09,resident,fiscal_subsidy,60.00\n\
         G-3,{id_b},2026-09,employee,employer,0.10\n"
    );
    let outcome = admin.import_contributions(good.clone()).await.expect("import");
    assert_eq!((outcome.lines, outcome.posted, outcome.already_posted), (3, 3, 0));
    assert_eq!(outcome.posted_amount, "90.10".parse::<Decimal>().expect("decimal"));
    let accounts = admin.funding_accounts(ltci_e2e::all()).await.expect("accounts").items;
    let balance = |code: &str| accounts.iter().find(|a| a.code == code).map(|a| a.balance).unwrap_or_default();
    assert_eq!(balance("income:individual:resident"), "30.00".parse::<Decimal>().expect("d"));
    assert_eq!(balance("income:employer:employee"), "0.10".parse::<Decimal>().expect("d"));
    assert_eq!(balance("reserve") + balance("fund:resident") + balance("fund:employee"), outcome.posted_amount);
    assert!(ltci_server::funding::check::run(&app.db).await.expect("check").is_sound());

    // The same file again posts nothing; a line already posted through the API is skipped too.
    let again = admin.import_contributions(good).await.expect("again");
    assert_eq!((again.posted, again.already_posted), (0, 3));
    assert_eq!(admin.journal_entries(&EntryFilter::default(), Default::default()).await.expect("entries").total, 3);
    // The same reference with other content refuses the file.
    let changed =
        format!("{HEADER}\nG-1,{id_a},2026-09,resident,individual,31.00\nG-4,{id_b},2026-09,resident,donation,5.00\n");
    let err = admin.import_contributions(changed).await.expect_err("conflict");
    assert_eq!(field_code(&err, "lines[2].reference"), "reference_conflict");
    assert_eq!(admin.journal_entries(&EntryFilter::default(), Default::default()).await.expect("entries").total, 3);

    // A file larger than one multi-row insert (2,000 lines) posts every line exactly once.
    let mut large = format!("{HEADER}\n");
    for i in 0..4_500u32 {
        let id = if i % 2 == 0 { &id_a } else { &id_b };
        large.push_str(&format!(
            "L-{i:05},{id},2026-{:02},resident,individual,{}.{:02}\n",
            i % 12 + 1,
            i % 50 + 1,
            i % 100
        ));
    }
    let expected_total: Decimal = (0..4_500u32).map(|i| Decimal::new(i64::from((i % 50 + 1) * 100 + i % 100), 2)).sum();
    let outcome = admin.import_contributions(large.clone()).await.expect("large import");
    assert_eq!((outcome.lines, outcome.posted, outcome.posted_amount), (4_500, 4_500, expected_total));
    let again = admin.import_contributions(large).await.expect("large again");
    assert_eq!((again.posted, again.already_posted), (0, 4_500));
    assert_eq!(admin.journal_entries(&EntryFilter::default(), Default::default()).await.expect("entries").total, 4_503);
    assert!(ltci_server::funding::check::run(&app.db).await.expect("check").is_sound());

    let wrong_header = "ref,id,period\nX,1,2\n".to_string();
    assert_eq!(
        field_code(&admin.import_contributions(wrong_header).await.expect_err("header"), "lines[1].header"),
        "invalid_header"
    );
    assert_eq!(
        world.as_user("auditor_a").import_contributions(format!("{HEADER}\n")).await.expect_err("auditor").code(),
        Some("forbidden")
    );
}
