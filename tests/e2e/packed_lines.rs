//! The migration to packed bill lines: every line stored before is carried over, read back
//! field for field with its marks and its written explanation, on both databases.

use chrono::NaiveDate;
use ltci_e2e::{Backend, on_both_backends};
use ltci_migrations::{Migrator, MigratorTrait};
use ltci_server::entities::bill_line_pack;
use ltci_server::settlement::packs::{self, Mark};
use ltci_server::settlement::rows::Explanation;
use sea_orm::sea_query::{Alias, Query, SimpleExpr};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait};
use uuid::Uuid;

on_both_backends!(lines_stored_before_packing_are_carried_over);

/// An empty database on `backend` (one connection, so a setting holds for the whole test) and
/// what removes it.
async fn empty(backend: Backend) -> Option<(DatabaseConnection, Box<dyn FnOnce()>)> {
    let (url, cleanup): (String, Box<dyn FnOnce()>) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("dir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("ltci.db").display());
            (url, Box::new(move || drop(dir)))
        }
        Backend::Postgres => {
            let (url, name) = ltci_e2e::pg::empty_database().await?;
            (url, Box::new(move || ltci_e2e::pg::drop_database(&name)))
        }
    };
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(1).sqlx_logging(false);
    Some((Database::connect(opts).await.expect("connect"), cleanup))
}

/// One old line: (line_no, person, source id, deducted, reason, sampled, adjusts).
type Old = (i32, Uuid, Uuid, i64, Option<&'static str>, bool, Option<(Uuid, i32)>);

async fn lines_stored_before_packing_are_carried_over(backend: Backend) {
    let Some((db, cleanup)) = empty(backend).await else { return };
    Migrator::up(&db, Some(30)).await.expect("migrated to the last schema with bill_lines");
    // The lines only: the bill, its institution and its region are not what is carried over.
    let off = match db.get_database_backend() {
        DbBackend::Postgres => "SET session_replication_role = replica",
        _ => "PRAGMA foreign_keys = OFF",
    };
    db.execute_unprepared(off).await.expect("constraints off");
    let bill = Uuid::now_v7();
    let (zhang, li) = (Uuid::now_v7(), Uuid::now_v7());
    let (stay, policy, earlier) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let old: [Old; 3] = [
        (1, zhang, stay, 0, None, false, None),
        (2, li, stay, 1_200, Some("护理记录不全"), true, None),
        (3, li, stay, 0, None, false, Some((earlier, 7))),
    ];
    for (line_no, person, source_id, deducted, reason, sampled, adjusts) in old {
        let values: Vec<(&str, SimpleExpr)> = vec![
            ("id", Uuid::now_v7().into()),
            ("bill_id", bill.into()),
            ("line_no", line_no.into()),
            ("insured_person_id", person.into()),
            ("care_mode", "institutional".into()),
            ("scheme", "resident".into()),
            ("level", Some(4).into()),
            ("service_on", NaiveDate::from_ymd_opt(2026, 9, 10 + line_no as u32).expect("day").into()),
            ("source", "stay".into()),
            ("source_id", source_id.into()),
            ("item", Option::<String>::None.into()),
            ("times", Option::<i32>::None.into()),
            ("policy_version_id", Some(policy).into()),
            ("rule", Some("capped_per_day").into()),
            ("claimed_fen", 9_500i64.into()),
            ("allowed_fen", 6_000i64.into()),
            ("fund_fen", 4_200i64.into()),
            ("rejection", Option::<String>::None.into()),
            ("deducted_fen", deducted.into()),
            ("deduction_reason", reason.into()),
            ("sampled", sampled.into()),
            ("adjusts_bill_id", adjusts.map(|(b, _)| b).into()),
            ("adjusts_line_no", adjusts.map(|(_, n)| n).into()),
            ("explanation", format!(r#"{{"steps":["第{line_no}行"]}}"#).into()),
        ];
        let mut insert = Query::insert();
        insert.into_table(Alias::new("bill_lines"));
        insert.columns(values.iter().map(|(c, _)| Alias::new(*c)));
        insert.values_panic(values.into_iter().map(|(_, v)| v));
        db.execute(&insert).await.expect("an old line");
    }

    Migrator::up(&db, None).await.expect("packed");
    let packs_stored = bill_line_pack::Entity::find().all(&db).await.expect("packs");
    assert_eq!(packs_stored.len(), 3, "one pack per line carried over");
    let lines = packs::of_bill(&db, bill).await.expect("readable");
    assert_eq!(lines.len(), 3);
    for (line, (line_no, person, source_id, deducted, reason, sampled, adjusts)) in lines.iter().zip(old) {
        let r = &line.row;
        assert_eq!(
            (line.line_no, r.person_id, r.source_id, r.policy_version_id),
            (line_no, person, source_id, Some(policy))
        );
        assert_eq!(
            (r.on, r.level, r.rule.as_deref()),
            (NaiveDate::from_ymd_opt(2026, 9, 10 + line_no as u32).expect("day"), Some(4), Some("capped_per_day"))
        );
        assert_eq!((r.claimed_fen, r.allowed_fen, r.fund_fen), (9_500, 6_000, 4_200));
        assert_eq!(line.mark, Mark { deducted_fen: deducted, deduction_reason: reason.map(Into::into), sampled });
        assert_eq!(r.adjusts_bill_id.zip(r.adjusts_line_no), adjusts);
        assert_eq!(r.explanation, Explanation::Written(format!(r#"{{"steps":["第{line_no}行"]}}"#)));
    }
    let explained = packs::explained(&db, lines).await.expect("explained");
    assert_eq!(explained[1].1["steps"][0], "第2行");
    assert!(db.execute_unprepared("SELECT count(*) FROM bill_lines").await.is_err(), "bill_lines is gone");
    db.close().await.ok();
    cleanup();
}
