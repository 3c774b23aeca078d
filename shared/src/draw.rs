//! Seeded random draws anyone can repeat (双随机, 回访抽样): an item's ticket is the first eight
//! bytes (big-endian) of the SHA-256 of `"{seed}|{label}"`; with weights, the items with the
//! smallest `-ln((ticket + 0.5) / 2^64) / weight` are drawn (exponential clocks: the chance of
//! being drawn first is proportional to the weight), ties by label. The same seed, labels and
//! weights always draw the same, on any machine, with any SHA-256 tool.

use std::cmp::Ordering;

use sha2::{Digest, Sha256};

/// The longest seed, in characters.
pub const MAX_SEED: usize = 64;

/// Whether `seed` may seed a draw: 1 to 64 ASCII letters, digits, `-` or `_`.
pub fn is_seed(seed: &str) -> bool {
    !seed.is_empty()
        && seed.len() <= MAX_SEED
        && seed.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The ticket of `label` under `seed`.
pub fn ticket(seed: &str, label: &str) -> u64 {
    let digest = Sha256::digest(format!("{seed}|{label}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The clock of a ticket under a weight: smaller is drawn first.
pub fn clock(ticket: u64, weight: u32) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let u = (ticket as f64 + 0.5) / 18_446_744_073_709_551_616.0;
    -u.ln() / f64::from(weight.max(1))
}

/// The indices of `n` of `items` (label, weight) drawn under `seed`, in the order drawn.
pub fn sample(seed: &str, items: &[(String, u32)], n: usize) -> Vec<usize> {
    let mut order: Vec<(f64, &str, usize)> =
        items.iter().enumerate().map(|(i, (label, w))| (clock(ticket(seed, label), *w), label.as_str(), i)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    order.into_iter().take(n).map(|(_, _, i)| i).collect()
}

/// For each of `drawn` (labels, in draw order), `k` of `pool` (labels): those `excluded` for it
/// left out, the least busy so far first, then by the ticket of `"{drawn}:{pool}"`. `Err(i)`
/// when the `i`-th drawn has fewer than `k` left.
pub fn assign(
    seed: &str,
    drawn: &[String],
    pool: &[String],
    excluded: impl Fn(usize, usize) -> bool,
    k: usize,
) -> Result<Vec<Vec<usize>>, usize> {
    let mut load = vec![0usize; pool.len()];
    let mut out = Vec::with_capacity(drawn.len());
    for (i, d) in drawn.iter().enumerate() {
        let mut eligible: Vec<(usize, u64, usize)> = (0..pool.len())
            .filter(|&p| !excluded(i, p))
            .map(|p| (load[p], ticket(seed, &format!("{d}:{}", pool[p])), p))
            .collect();
        if eligible.len() < k {
            return Err(i);
        }
        eligible.sort_by(|a, b| match a.0.cmp(&b.0) {
            Ordering::Equal => a.1.cmp(&b.1).then(a.2.cmp(&b.2)),
            other => other,
        });
        let chosen: Vec<usize> = eligible.into_iter().take(k).map(|(_, _, p)| p).collect();
        for &p in &chosen {
            load[p] += 1;
        }
        out.push(chosen);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize, weight: impl Fn(usize) -> u32) -> Vec<(String, u32)> {
        (0..n).map(|i| (format!("institution:{i:04}"), weight(i))).collect()
    }

    #[test]
    fn the_same_seed_draws_the_same_and_another_draws_otherwise() {
        let all = items(50, |_| 1);
        assert_eq!(sample("2026Q4", &all, 5), sample("2026Q4", &all, 5));
        assert_ne!(sample("2026Q4", &all, 5), sample("2026Q4b", &all, 5));
        // The order of the list does not matter, only the labels.
        let mut reversed = all.clone();
        reversed.reverse();
        let by_label =
            |v: Vec<usize>, list: &[(String, u32)]| v.into_iter().map(|i| list[i].0.clone()).collect::<Vec<_>>();
        assert_eq!(by_label(sample("s", &all, 5), &all), by_label(sample("s", &reversed, 5), &reversed));
    }

    #[test]
    fn a_ticket_is_the_sha256_of_seed_and_label() {
        // Anyone may check one: `printf 'abc|x' | sha256sum`, its first 16 hex digits.
        let digest = Sha256::digest(b"abc|x");
        assert_eq!(ticket("abc", "x").to_be_bytes(), digest[..8]);
    }

    #[test]
    fn heavier_items_are_drawn_more_often() {
        // Ten heavy (weight 10) among 100 carry 100 of the 190 units of weight: over 400 seeds
        // drawing 10, they take nearly half the places (unweighted, a tenth).
        let all = items(100, |i| if i < 10 { 10 } else { 1 });
        let heavy: usize =
            (0..400).map(|s| sample(&format!("seed{s}"), &all, 10).iter().filter(|&&i| i < 10).count()).sum();
        assert!((1_600..2_200).contains(&heavy), "heavy drawn {heavy} times of 4000");
    }

    #[test]
    fn inspectors_are_shared_out_and_links_respected() {
        let drawn: Vec<String> = (0..4).map(|i| format!("i{i}")).collect();
        let pool: Vec<String> = (0..4).map(|p| format!("p{p}")).collect();
        // p0 may not go to i0 or i1.
        let excluded = |d: usize, p: usize| p == 0 && d < 2;
        let teams = assign("s", &drawn, &pool, excluded, 2).expect("enough");
        assert!(!teams[0].contains(&0) && !teams[1].contains(&0));
        let mut load = [0; 4];
        teams.iter().flatten().for_each(|&p| load[p] += 1);
        assert_eq!(load, [2, 2, 2, 2], "eight places shared out evenly");
        assert_eq!(assign("s", &drawn, &pool, |_, p| p > 0, 2), Err(0));
        assert!(!is_seed("") && !is_seed("a b") && is_seed("2026-Q4_draw"));
    }
}
