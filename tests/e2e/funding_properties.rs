//! A property of the ledger, checked over random sequences of operations (seeded, so a failure
//! can be replayed): whatever mix of contributions, receipts, repeated postings, reversals and
//! reserve draws, every entry balances and every account's balance is exactly the sum a simple
//! model of the same operations expects.

use std::collections::HashMap;

use ltci_e2e::world::{TEST_PASSWORD, person, seed_user};
use ltci_e2e::{TestApp, on_both_databases};
use ltci_shared::api::funding::{
    ContributionRequest, FundingSource, JournalEntry, ReceiptRequest, ReserveDrawRequest, ReversalRequest,
};
use ltci_shared::api::registry::Scheme;
use ltci_shared::api::users::Role;
use ltci_shared::money::{share_of, to_fen, to_yuan};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

on_both_databases!(random_sequences_keep_the_ledger_balanced);

const SOURCES: [FundingSource; 4] =
    [FundingSource::Individual, FundingSource::Employer, FundingSource::FiscalSubsidy, FundingSource::Donation];
const SCHEMES: [Scheme; 2] = [Scheme::Employee, Scheme::Resident];

/// Adds an entry's postings to the model (negated for a reversal).
fn apply(model: &mut HashMap<String, i64>, e: &JournalEntry, sign: i64) {
    for p in &e.postings {
        *model.entry(p.account_code.clone()).or_default() += sign * to_fen(p.amount).expect("fen");
    }
}

async fn random_sequences_keep_the_ledger_balanced(app: TestApp) {
    let world = app.world().await;
    let admin = world.as_user("admin_a");
    seed_user(&app, "admin_prop", Role::Admin, world.region_a, None).await;
    let (second, _) = app.client.signed_in("admin_prop", TEST_PASSWORD).await.expect("second officer");
    let payer = admin.create_insured_person(&person("随机缴费", 851)).await.expect("person");
    let scheme_name = |s: Scheme| if s == Scheme::Employee { "employee" } else { "resident" };

    // Sum of postings per account code (debits positive), as the model expects it; the seeds run
    // one after another on the same ledger.
    let mut model: HashMap<String, i64> = HashMap::new();
    for seed in 0..3u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut posted: Vec<(JournalEntry, bool)> = Vec::new();
        for step in 0..30 {
            let reference = format!("P{seed}-{step}");
            let fen: i64 = rng.random_range(1..=500_000_000); // up to 5,000,000.00 yuan
            let scheme = SCHEMES[rng.random_range(0..SCHEMES.len())];
            let source = SOURCES[rng.random_range(0..SOURCES.len())];
            match rng.random_range(0..5) {
                0 | 1 => {
                    // One person's month: at most 100,000.00 (the server refuses more).
                    let fen = 1 + fen % 10_000_000;
                    let req = ContributionRequest {
                        reference,
                        insured_person_id: payer.id,
                        period: format!("2026-{:02}", rng.random_range(1..=12)),
                        scheme,
                        source,
                        amount: to_yuan(fen),
                        received_on: None,
                    };
                    let p = admin.post_contribution(&req).await.expect("contribution");
                    assert_eq!(
                        to_fen(
                            p.entry
                                .postings
                                .iter()
                                .find(|l| l.account_code == "reserve")
                                .map_or(to_yuan(0), |l| l.amount)
                        )
                        .expect("fen"),
                        share_of(fen, 500)
                    );
                    apply(&mut model, &p.entry, 1);
                    // A retry changes nothing.
                    assert!(!admin.post_contribution(&req).await.expect("repeat").created);
                    posted.push((p.entry, false));
                }
                2 => {
                    let req = ReceiptRequest {
                        reference,
                        scheme,
                        source,
                        amount: to_yuan(fen),
                        description: format!("随机收入 {}", scheme_name(scheme)),
                        received_on: None,
                    };
                    let p = admin.post_receipt(&req).await.expect("receipt");
                    apply(&mut model, &p.entry, 1);
                    posted.push((p.entry, false));
                }
                3 if !posted.is_empty() => {
                    let i = rng.random_range(0..posted.len());
                    let (entry, reversed) = posted[i].clone();
                    let req = ReversalRequest { reference, reason: "随机冲销".into() };
                    let result = admin.reverse_entry(entry.id, &req).await;
                    if reversed || entry.reverses_entry_id.is_some() {
                        assert!(result.is_err(), "reversed twice: {}", entry.reference);
                    } else {
                        let r = result.expect("reversal");
                        apply(&mut model, &entry, -1);
                        posted[i].1 = true;
                        posted.push((r.entry, true));
                    }
                }
                _ => {
                    let reserve = model.get("reserve").copied().unwrap_or(0);
                    let ask =
                        ReserveDrawRequest { reference, scheme, amount: to_yuan(fen), reason: "随机调拨".into() };
                    let d = admin.request_reserve_draw(&ask).await.expect("request");
                    let result = second.approve_reserve_draw(d.id).await;
                    if fen <= reserve {
                        result.expect("approved");
                        *model.entry("reserve".into()).or_default() -= fen;
                        *model.entry(format!("fund:{}", scheme_name(scheme))).or_default() += fen;
                    } else {
                        assert_eq!(result.expect_err("too much").code(), Some("insufficient_reserve"));
                    }
                }
            }
        }
        let report = ltci_server::funding::check::run(&app.db).await.expect("check");
        assert!(report.is_sound(), "seed {seed}: {report:?}");
        let total: i128 = report.sums.values().sum();
        assert_eq!(total, 0, "seed {seed}: the whole ledger sums to zero");
        let sums: HashMap<String, i64> = report
            .sums
            .iter()
            .filter(|((region, _), _)| *region == world.region_a)
            .map(|((_, code), fen)| (code.clone(), i64::try_from(*fen).expect("fits")))
            .collect();
        let expected: HashMap<String, i64> =
            model.iter().filter(|(_, v)| **v != 0).map(|(k, v)| (k.clone(), *v)).collect();
        let actual: HashMap<String, i64> = sums.into_iter().filter(|(_, v)| *v != 0).collect();
        assert_eq!(actual, expected, "seed {seed}");
        // The API shows the same balances, signed by account kind.
        for a in admin.funding_accounts(ltci_e2e::all()).await.expect("accounts").items {
            let sum = expected.get(&a.code).copied().unwrap_or(0);
            let signed = if a.code.starts_with("income:") { -sum } else { sum };
            assert_eq!(to_fen(a.balance).expect("fen"), signed, "seed {seed}: {}", a.code);
        }
    }
}
