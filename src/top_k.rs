//! Radix top-k selection: which `k` of a large slice of scores are the highest, in O(N) time and
//! without a sort (the micro-targeting campaigns of `docs/MODEL.md` §7.3 buy their best-scoring
//! voters this way). A general algorithm, not part of any phase.
//!
//! Reads a slice of `f32` scores; writes only the selection it is given (or returns).

use rayon::prelude::*;

/// Scores per parallel task of the passes over the scores: large enough that splitting costs
/// little. The selection does not depend on it.
const CHUNK: usize = 16_384;

/// The `k` highest of `scores` (ties broken by lower index) as a mask over `scores`, in O(N)
/// time, and how many were selected (fewer than `k` when fewer scores are above zero: zero and
/// negative scores are never selected). `parallel` spreads the passes over the scores across
/// threads (the same selection either way).
pub fn select_top(scores: &[f32], k: usize, parallel: bool) -> (Vec<bool>, usize) {
    let mut selected = Vec::new();
    let count = select_top_into(scores, k, parallel, &mut selected, &mut Vec::new());
    (selected, count)
}

/// Bits of a positive `f32` score below its [`select_top_into`] bucket: 2¹¹ buckets of equal
/// width in the float's bit pattern (exponent and 3 bits of mantissa), so that the histogram
/// (16 KB) costs little next to a small slice of scores.
const BUCKET_SHIFT: u32 = 20;

/// [`select_top`] into `selected`, with `best` as working space (both reused from day to day);
/// returns how many were selected.
///
/// A radix selection: positive floats order like their bit patterns, so a histogram of the top
/// bits finds the bucket in which the k-th best score falls. Everyone above that bucket is in, and
/// only the scores inside it are ranked. Counts are exact and rank keys unique, so the selection
/// does not depend on how the passes are split across threads. Indices must fit in a `u32` (at
/// most 2³² scores).
pub fn select_top_into(
    scores: &[f32],
    k: usize,
    parallel: bool,
    selected: &mut Vec<bool>,
    best: &mut Vec<u64>,
) -> usize {
    let bucket = |s: f32| (s.to_bits() >> BUCKET_SHIFT) as usize;
    let buckets = (u32::MAX >> (BUCKET_SHIFT + 1)) as usize + 1;
    let count = |mut counts: Vec<usize>, part: &[f32]| {
        for &s in part.iter().filter(|&&s| s > 0.0) {
            counts[bucket(s)] += 1;
        }
        counts
    };
    let counts = if parallel {
        let merge = |mut a: Vec<usize>, b: Vec<usize>| {
            a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
            a
        };
        scores.par_chunks(CHUNK).fold(|| vec![0; buckets], count).reduce(|| vec![0; buckets], merge)
    } else {
        count(vec![0; buckets], scores)
    };
    // The threshold bucket: the highest one with at least k scores in it and above, and how many
    // are above it (bucket 0 when fewer than k scores are above zero: then all of them are in).
    let (mut threshold, mut above) = (0, 0);
    for b in (1..buckets).rev() {
        if above + counts[b] >= k {
            threshold = b;
            break;
        }
        above += counts[b];
    }
    // One pass marks everyone above the threshold bucket and gathers the rank keys of the scores
    // inside it (a larger key is a better score; the low half breaks ties by the lower index).
    let key = |i: usize, s: f32| u64::from(s.to_bits()) << 32 | u64::from(u32::MAX - i as u32);
    let mark = |(c, part): (usize, &mut [bool])| {
        let (start, mut inside) = (c * CHUNK, Vec::new());
        for (r, chosen) in part.iter_mut().enumerate() {
            let s = scores[start + r];
            if s > 0.0 {
                let b = bucket(s);
                *chosen = b > threshold;
                if b == threshold {
                    inside.push(key(start + r, s));
                }
            }
        }
        inside
    };
    selected.clear();
    selected.resize(scores.len(), false);
    best.clear();
    if parallel {
        let parts: Vec<Vec<u64>> = selected.par_chunks_mut(CHUNK).enumerate().map(mark).collect();
        best.extend(parts.into_iter().flatten());
    } else {
        best.extend(selected.chunks_mut(CHUNK).enumerate().flat_map(mark));
    }
    let wanted = k.saturating_sub(above).min(best.len());
    if wanted > 0 && wanted < best.len() {
        best.select_nth_unstable_by(wanted - 1, |a, b| b.cmp(a));
    }
    best.truncate(wanted);
    for &b in best.iter() {
        selected[(u32::MAX - b as u32) as usize] = true;
    }
    above + wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64's finaliser: well-mixed test data from a counter.
    fn mix64(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    #[test]
    fn select_top_picks_the_highest_scores_and_breaks_ties_by_id() {
        let (selected, k) = select_top(&[0.5, 0.9, 0.1, 0.9, 0.0], 2, false);
        assert_eq!((selected, k), (vec![false, true, false, true, false], 2));
        let (selected, _) = select_top(&[0.5, 0.5, 0.5], 2, true);
        assert_eq!(selected, vec![true, true, false]);
    }

    #[test]
    fn select_top_agrees_with_a_full_sort_for_small_and_large_k() {
        let scores: Vec<f32> = (0..500u32).map(|i| ((i * 7919) % 97) as f32 / 10.0).collect();
        let mut order: Vec<usize> = (0..scores.len()).filter(|&i| scores[i] > 0.0).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        for k in [1, 5, 31, 32, 200, 495, 600] {
            let mut expected = vec![false; scores.len()];
            order.iter().take(k).for_each(|&i| expected[i] = true);
            for parallel in [false, true] {
                assert_eq!(select_top(&scores, k, parallel), (expected.clone(), k.min(order.len())), "k = {k}");
            }
        }
    }

    #[test]
    fn select_top_agrees_with_a_full_sort_across_chunks_buckets_and_ties() {
        // More voters than one row chunk; scores from subnormal to large, with repeated values
        // that put ties inside the threshold bucket.
        let n = 2 * CHUNK + 1234;
        let scores: Vec<f32> = (0..n as u64)
            .map(|i| match mix64(i) % 8 {
                0 => 0.0,
                1 => 0.25,
                2 => f32::from_bits(1 + (mix64(i + 1) % 1000) as u32),
                _ => (mix64(i + 2) % 1_000_000) as f32 / 1000.0,
            })
            .collect();
        let mut order: Vec<usize> = (0..n).filter(|&i| scores[i] > 0.0).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        for k in [0, 1, 1000, n / 2, order.len() - 1, order.len(), n] {
            let mut expected = vec![false; n];
            order.iter().take(k).for_each(|&i| expected[i] = true);
            for parallel in [false, true] {
                assert_eq!(select_top(&scores, k, parallel), (expected.clone(), k.min(order.len())), "k = {k}");
            }
        }
    }

    #[test]
    fn select_top_never_picks_zero_scores() {
        assert_eq!(select_top(&[0.0, 0.0, 0.2], 3, false), (vec![false, false, true], 1));
    }
}
