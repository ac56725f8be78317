//! Polarisation metrics (`docs/MODEL.md` §7.10) over an ideology snapshot.
//!
//! Reads an `&[f32]` of ideologies indexed by voter id (nominally in
//! `[-1, 1]`; the cluster metrics also accept `[0, 1]` opinions) and, for
//! [`echo_chamber`], the social graph's CSR adjacency. Returns plain `f64`
//! scalars; writes nothing.
//!
//! Conventions shared by every function:
//! * Non-finite ideologies (NaN, ±inf) are **excluded**: a metric is computed
//!   over the finite entries only, as if the other voters did not exist.
//! * Degenerate inputs (empty, too few voters, zero variance) return `0.0`
//!   (or `0` clusters) rather than NaN, so reports never carry `null`.
//! * All reductions are done in `f64`, either serially or through
//!   [`ordered_sum_by`], so results are bit-identical for any thread count.

use rayon::prelude::*;

use crate::graph::Csr;
use crate::metrics::stats::ordered_sum_by;

/// Esteban–Ray sensitivity to polarisation (the upper end of the admissible
/// range `(0, 1.6]`, which weights group identification most strongly).
pub const ER_ALPHA: f64 = 1.6;
/// Number of equal-width bins on `[-1, 1]` used by [`esteban_ray`].
pub const ER_BINS: usize = 20;
/// Default gap separating two clusters in [`clusters`].
pub const CLUSTER_GAP: f64 = 0.02;
/// Default minimum share of voters for a group to count as a major cluster.
pub const CLUSTER_MIN_SHARE: f64 = 0.01;

/// Finite entries as `f64`, in voter order.
fn finite(x: &[f32]) -> impl Iterator<Item = f64> + '_ {
    x.iter().filter(|v| v.is_finite()).map(|&v| f64::from(v))
}

/// (count, mean) over the finite entries; mean is 0 when count is 0.
fn count_mean(x: &[f32]) -> (usize, f64) {
    let n = x.iter().filter(|v| v.is_finite()).count();
    if n == 0 {
        return (0, 0.0);
    }
    let s = ordered_sum_by(x, |&v| if v.is_finite() { f64::from(v) } else { 0.0 });
    (n, s / n as f64)
}

/// Mean ideology over finite entries; `0.0` for an empty (or all-NaN) input.
pub fn mean(x: &[f32]) -> f64 {
    count_mean(x).1
}

/// Population variance (divisor n) of the finite ideologies; `0.0` when there
/// are none.
pub fn variance(x: &[f32]) -> f64 {
    let (n, m) = count_mean(x);
    if n == 0 {
        return 0.0;
    }
    // Centred second pass: no cancellation for tightly clustered opinions.
    let ss = ordered_sum_by(x, |&v| {
        if v.is_finite() {
            let d = f64::from(v) - m;
            d * d
        } else {
            0.0
        }
    });
    ss / n as f64
}

/// Sarle's bimodality coefficient
/// `BC = (G1² + 1) / (G2 + 3(n−1)² / ((n−2)(n−3)))`.
///
/// `G1` is the bias-corrected sample skewness `g1·√(n(n−1))/(n−2)` and `G2`
/// the bias-corrected sample excess kurtosis
/// `((n+1)·g2 + 6)·(n−1)/((n−2)(n−3))`, with `g1 = m3/m2^{3/2}` and
/// `g2 = m4/m2² − 3` from central moments (the SAS / Pfister et al. 2013
/// definitions). Reference values: normal ≈ 1/3, uniform ≈ 5/9, symmetric
/// two-point → 1; values above 5/9 are conventionally read as bimodal.
///
/// Returns `0.0` when fewer than 4 finite values remain (G2 is undefined) or
/// their variance is zero (skewness and kurtosis are undefined).
pub fn bimodality(x: &[f32]) -> f64 {
    let (n, m) = count_mean(x);
    if n < 4 {
        return 0.0;
    }
    let mut m2 = 0.0;
    let mut m3 = 0.0;
    let mut m4 = 0.0;
    for v in finite(x) {
        let d = v - m;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    let nf = n as f64;
    let (m2, m3, m4) = (m2 / nf, m3 / nf, m4 / nf);
    if m2 <= 0.0 || !m2.is_finite() {
        return 0.0;
    }
    let g1 = m3 / m2.powf(1.5);
    let g2 = m4 / (m2 * m2) - 3.0;
    let big_g1 = g1 * (nf * (nf - 1.0)).sqrt() / (nf - 2.0);
    let big_g2 = ((nf + 1.0) * g2 + 6.0) * (nf - 1.0) / ((nf - 2.0) * (nf - 3.0));
    // The denominator equals (n−1)(n+1)·m4/m2² / ((n−2)(n−3)) > 0, so it
    // cannot vanish once m2 > 0.
    let denom = big_g2 + 3.0 * (nf - 1.0).powi(2) / ((nf - 2.0) * (nf - 3.0));
    let bc = (big_g1 * big_g1 + 1.0) / denom;
    if bc.is_finite() { bc } else { 0.0 }
}

/// Esteban–Ray polarisation with `α = ER_ALPHA` (1.6) over `ER_BINS` (20)
/// equal bins on `[-1, 1]`, normalised to `[0, 1]`.
///
/// With bin shares `π_i` and bin centres `y_i`,
/// `P = Σ_i Σ_j π_i^{1+α} π_j |y_i − y_j|`, divided by its maximum, which is
/// attained with half the mass in each extreme bin (centres ±0.95).
/// Finite values outside `[-1, 1]` are clamped into the edge bins; `1.0`
/// itself falls in the top bin. Empty input returns `0.0`.
pub fn esteban_ray(x: &[f32]) -> f64 {
    let mut counts = [0usize; ER_BINS];
    let mut n = 0usize;
    let width = 2.0 / ER_BINS as f64;
    for v in finite(x) {
        let b = ((v + 1.0) / width).floor();
        // `as usize` saturates negatives to 0; clamp the top edge.
        let b = (b.max(0.0) as usize).min(ER_BINS - 1);
        counts[b] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let centre = |i: usize| -1.0 + width * (i as f64 + 0.5);
    let er = |shares: &[f64]| {
        let mut p = 0.0;
        for (i, &pi) in shares.iter().enumerate() {
            if pi == 0.0 {
                continue;
            }
            let wi = pi.powf(1.0 + ER_ALPHA);
            for (j, &pj) in shares.iter().enumerate() {
                p += wi * pj * (centre(i) - centre(j)).abs();
            }
        }
        p
    };
    let shares: Vec<f64> = counts.iter().map(|&c| c as f64 / n as f64).collect();
    let mut extreme = vec![0.0; ER_BINS];
    extreme[0] = 0.5;
    extreme[ER_BINS - 1] = 0.5;
    // Clamp only guards rounding; the ratio is mathematically in [0, 1].
    (er(&shares) / er(&extreme)).clamp(0.0, 1.0)
}

/// Sizes of the gap-separated groups of the sorted finite values, plus the
/// number of finite values.
fn group_sizes(x: &[f32], gap: f64) -> (Vec<usize>, usize) {
    let mut sorted: Vec<f32> = x.iter().copied().filter(|v| v.is_finite()).collect();
    // `total_cmp` is a total order and equal floats are indistinguishable, so
    // an unstable parallel sort still yields one unique, thread-independent
    // result.
    sorted.par_sort_unstable_by(f32::total_cmp);
    let mut sizes = Vec::new();
    let Some(&first) = sorted.first() else {
        return (sizes, 0);
    };
    let mut prev = first;
    let mut size = 0usize;
    for &v in &sorted {
        if f64::from(v) - f64::from(prev) > gap {
            sizes.push(size);
            size = 0;
        }
        size += 1;
        prev = v;
    }
    sizes.push(size);
    (sizes, sorted.len())
}

/// Number of major opinion clusters with the default gap
/// [`CLUSTER_GAP`] (0.02) and minimum share [`CLUSTER_MIN_SHARE`] (1%).
/// See [`clusters_with`].
pub fn clusters(x: &[f32]) -> usize {
    clusters_with(x, CLUSTER_GAP, CLUSTER_MIN_SHARE)
}

/// Number of major opinion clusters: sort the finite values, start a new
/// group wherever consecutive values differ by more than `gap`, and count
/// the groups holding at least `min_share` of the finite voters.
///
/// Single-linkage, so a chain of voters each within `gap` of the next forms
/// one group however wide it is. Empty input returns 0.
pub fn clusters_with(x: &[f32], gap: f64, min_share: f64) -> usize {
    let (sizes, n) = group_sizes(x, gap);
    if n == 0 {
        return 0;
    }
    sizes.iter().filter(|&&s| s as f64 / n as f64 >= min_share).count()
}

/// Effective number of clusters `1 / Σ_k s_k²`, where `s_k` is the share of
/// finite voters in group `k` (groups as in [`clusters_with`], all groups
/// included however small). Equals the group count when groups are equal
/// sized. Empty input returns `0.0`.
pub fn effective_clusters(x: &[f32], gap: f64) -> f64 {
    let (sizes, n) = group_sizes(x, gap);
    if n == 0 {
        return 0.0;
    }
    let nf = n as f64;
    let hhi: f64 = sizes.iter().map(|&s| (s as f64 / nf).powi(2)).sum();
    1.0 / hhi
}

/// Echo-chamber index: Pearson correlation between each voter's ideology and
/// the mean ideology of its neighbours in `graph`.
///
/// Only voters with a finite ideology and at least one neighbour with a
/// finite ideology take part; non-finite neighbours are left out of the
/// neighbour mean. Voter ids beyond `x.len()` (graph and snapshot of
/// different sizes) are ignored rather than panicking. Returns `0.0` when the
/// correlation is undefined: fewer than 2 participating voters, or zero
/// variance on either side.
pub fn echo_chamber(x: &[f32], graph: &Csr) -> f64 {
    echo_chamber_by(x, graph.node_count(), |v| graph.neighbours(v))
}

/// [`echo_chamber`] over any adjacency given as a neighbour-slice function;
/// keeps the arithmetic independent of how the graph is stored.
fn echo_chamber_by<'g>(x: &[f32], node_count: usize, neighbours: impl Fn(u32) -> &'g [u32] + Sync) -> f64 {
    let n = node_count.min(x.len());
    // Per-voter pairs are computed independently and collected in voter
    // order, so the later ordered sums are thread-count independent. An
    // indexed collect writes each pair in place (a filtering one would build
    // per-thread lists and concatenate them, four times the memory); voters
    // left out are marked NaN and dropped afterwards, keeping the order.
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    (0..n)
        .into_par_iter()
        .map(|v| {
            let own = x[v];
            if !own.is_finite() {
                return (f64::NAN, f64::NAN);
            }
            let mut sum = 0.0f64;
            let mut k = 0usize;
            for &u in neighbours(v as u32) {
                if let Some(&xu) = x.get(u as usize)
                    && xu.is_finite()
                {
                    sum += f64::from(xu);
                    k += 1;
                }
            }
            if k > 0 { (f64::from(own), sum / k as f64) } else { (f64::NAN, f64::NAN) }
        })
        .collect_into_vec(&mut pairs);
    pairs.retain(|p| !p.0.is_nan());
    if pairs.len() < 2 {
        return 0.0;
    }
    let m = pairs.len() as f64;
    let mx = ordered_sum_by(&pairs, |p| p.0) / m;
    let my = ordered_sum_by(&pairs, |p| p.1) / m;
    let sxx = ordered_sum_by(&pairs, |p| (p.0 - mx) * (p.0 - mx));
    let syy = ordered_sum_by(&pairs, |p| (p.1 - my) * (p.1 - my));
    let sxy = ordered_sum_by(&pairs, |p| (p.0 - mx) * (p.1 - my));
    if sxx <= 0.0 || syy <= 0.0 {
        return 0.0;
    }
    let r = sxy / (sxx.sqrt() * syy.sqrt());
    // Clamp only guards rounding at perfect (anti-)correlation.
    if r.is_finite() { r.clamp(-1.0, 1.0) } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_distr::{Distribution, StandardNormal};
    use rand_pcg::Pcg64Mcg;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    fn normal_sample(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut rng);
                z as f32
            })
            .collect()
    }

    fn uniform_sample(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect()
    }

    #[test]
    fn mean_and_variance() {
        let x = [-1.0, 0.0, 0.5, 0.5];
        assert!(close(mean(&x), 0.0, 1e-12));
        // Population variance: (1 + 0 + 0.25 + 0.25) / 4.
        assert!(close(variance(&x), 0.375, 1e-12));
        assert_eq!(mean(&[]), 0.0);
        assert_eq!(variance(&[]), 0.0);
        assert_eq!(variance(&[0.3; 10]), 0.0);
        // NaN is excluded, not propagated.
        let with_nan = [-1.0, f32::NAN, 0.0, 0.5, f32::INFINITY, 0.5];
        assert_eq!(mean(&with_nan), mean(&x));
        assert_eq!(variance(&with_nan), variance(&x));
        assert_eq!(mean(&[f32::NAN]), 0.0);
    }

    #[test]
    fn bimodality_reference_distributions() {
        let bc_normal = bimodality(&normal_sample(200_000, 1));
        assert!(close(bc_normal, 1.0 / 3.0, 0.02), "normal {bc_normal}");
        let bc_uniform = bimodality(&uniform_sample(200_000, 2));
        assert!(close(bc_uniform, 5.0 / 9.0, 0.02), "uniform {bc_uniform}");
        let two_point: Vec<f32> = (0..10_000).map(|i| if i % 2 == 0 { -0.8 } else { 0.8 }).collect();
        let bc_two = bimodality(&two_point);
        // Exactly (n−2)(n−3)/(n²−1) for a symmetric two-point sample.
        assert!(close(bc_two, 1.0, 0.001), "two-point {bc_two}");
    }

    #[test]
    fn bimodality_degenerate() {
        assert_eq!(bimodality(&[]), 0.0);
        assert_eq!(bimodality(&[0.1, 0.2, 0.3]), 0.0);
        assert_eq!(bimodality(&[0.4; 100]), 0.0);
        assert_eq!(bimodality(&[f32::NAN; 100]), 0.0);
        assert!(bimodality(&[0.0, 1.0, 0.0, 1.0, f32::NAN]).is_finite());
    }

    #[test]
    fn esteban_ray_endpoints() {
        assert_eq!(esteban_ray(&[]), 0.0);
        assert_eq!(esteban_ray(&[0.3; 50]), 0.0);
        let split: Vec<f32> = (0..100).map(|i| if i < 50 { -1.0 } else { 1.0 }).collect();
        assert!(close(esteban_ray(&split), 1.0, 1e-12));
        // Out-of-range values clamp into the edge bins.
        let wide: Vec<f32> = (0..100).map(|i| if i < 50 { -3.0 } else { 7.0 }).collect();
        assert!(close(esteban_ray(&wide), 1.0, 1e-12));
        // A uniform spread is strictly in between but low: ER rewards
        // identification with large groups, and 20 small bins have little.
        let uni = esteban_ray(&uniform_sample(100_000, 3));
        assert!(uni > 0.0 && uni < 0.05, "uniform {uni}");
        // Unequal extreme masses are less polarised than the even split.
        let lopsided: Vec<f32> = (0..100).map(|i| if i < 20 { -1.0 } else { 1.0 }).collect();
        let l = esteban_ray(&lopsided);
        assert!(l > 0.0 && l < 1.0, "lopsided {l}");
    }

    #[test]
    fn esteban_ray_hand_value() {
        // Half the mass at each of the two central bins (centres ±0.05):
        // P = 2 · 0.5^{2.6} · 0.5 · 0.1, max = 2 · 0.5^{2.6} · 0.5 · 1.9.
        let x: Vec<f32> = (0..10).map(|i| if i < 5 { -0.01 } else { 0.01 }).collect();
        assert!(close(esteban_ray(&x), 0.1 / 1.9, 1e-12));
    }

    #[test]
    fn esteban_ray_one_voter_per_bin() {
        // π = 0.05 everywhere; Σ_ij |y_i − y_j| = 0.1 · 2 · Σ_d d(20 − d) = 266.
        let x: Vec<f32> = (0..20).map(|i| -0.95 + 0.1 * i as f32).collect();
        let expected = 266.0 * 0.05f64.powf(3.6) / (0.5f64.powf(2.6) * 1.9);
        let er = esteban_ray(&x);
        assert!(close(er, expected, 1e-12), "{er} vs {expected}");
        assert!(close(er, 0.017_59, 1e-4));
    }

    #[test]
    fn clusters_hand_made() {
        let mut x = Vec::new();
        for c in [-0.6f32, 0.0, 0.7] {
            for i in 0..100 {
                x.push(c + 0.0001 * i as f32);
            }
        }
        assert_eq!(clusters(&x), 3);
        assert!(close(effective_clusters(&x, 0.02), 3.0, 1e-12));
        // A stray group of 2 voters out of 302 (< 1%) is not a major cluster
        // but does count in the effective number.
        x.push(0.35);
        x.push(0.351);
        assert_eq!(clusters(&x), 3);
        let eff = effective_clusters(&x, 0.02);
        assert!(eff > 3.0 && eff < 3.1, "{eff}");
        // A group of exactly 1% counts.
        let mut y = vec![0.0f32; 99];
        y.push(0.9);
        assert_eq!(clusters(&y), 2);
        // Order and NaNs do not matter.
        x.reverse();
        x.push(f32::NAN);
        assert_eq!(clusters(&x), 3);
        assert_eq!(clusters(&[]), 0);
        assert_eq!(effective_clusters(&[], 0.02), 0.0);
        assert_eq!(clusters(&[f32::NAN]), 0);
    }

    #[test]
    fn clusters_with_validation_settings() {
        // Deffuant-style [0, 1] opinions: two consensus points plus noise.
        let mut x = vec![0.25f32; 500];
        x.extend(std::iter::repeat_n(0.75f32, 480));
        x.extend((0..20).map(|i| 0.4 + 0.01 * i as f32));
        assert_eq!(clusters_with(&x, 1e-3, 0.01), 2);
        // A chain of small steps is one single-linkage group.
        let chain: Vec<f32> = (0..1000).map(|i| i as f32 * 0.0005).collect();
        assert_eq!(clusters_with(&chain, 1e-3, 0.01), 1);
        assert_eq!(clusters_with(&chain, 1e-4, 0.0), 1000);
    }

    fn lists_fn<'a>(lists: &'a [Vec<u32>]) -> impl Fn(u32) -> &'a [u32] + Sync {
        move |v| lists[v as usize].as_slice()
    }

    #[test]
    fn echo_chamber_hand_computed() {
        // Path 0-1-2-3 and isolated node 4.
        let lists: Vec<Vec<u32>> = vec![vec![1], vec![0, 2], vec![1, 3], vec![2], vec![]];
        let x = [0.0f32, 1.0, 2.0, 4.0, 9.0];
        // Pairs (x, neighbour mean): (0,1), (1,1), (2,2.5), (4,2); node 4 excluded.
        // mx = 7/4, my = 13/8; sxy = 2.625, sxx = 8.75, syy = 1.6875.
        let expected = 2.625 / (8.75f64.sqrt() * 1.6875f64.sqrt());
        assert!(close(expected, 0.683_130_051, 1e-9));
        let r = echo_chamber_by(&x, lists.len(), lists_fn(&lists));
        assert!(close(r, expected, 1e-12), "{r} vs {expected}");
    }

    #[test]
    fn echo_chamber_perfect_when_components_agree() {
        // Two triangles; everyone in a component holds the same opinion.
        let lists: Vec<Vec<u32>> = vec![vec![1, 2], vec![0, 2], vec![0, 1], vec![4, 5], vec![3, 5], vec![3, 4]];
        let x = [-0.7f32, -0.7, -0.7, 0.4, 0.4, 0.4];
        let r = echo_chamber_by(&x, lists.len(), lists_fn(&lists));
        assert!(close(r, 1.0, 1e-12), "{r}");
        // Anti-assortative: a bipartite pair with opposite opinions.
        let lists: Vec<Vec<u32>> = vec![vec![1], vec![0], vec![3], vec![2]];
        let x = [-0.5f32, 0.5, -0.2, 0.2];
        let r = echo_chamber_by(&x, lists.len(), lists_fn(&lists));
        assert!(close(r, -1.0, 1e-12), "{r}");
    }

    #[test]
    fn echo_chamber_degenerate() {
        let lists: Vec<Vec<u32>> = vec![vec![1], vec![0], vec![], vec![]];
        // Zero variance.
        assert_eq!(echo_chamber_by(&[0.2; 4], 4, lists_fn(&lists)), 0.0);
        // Fewer than two voters with neighbours once NaN is excluded.
        assert_eq!(echo_chamber_by(&[0.1, f32::NAN, 0.3, 0.4], 4, lists_fn(&lists)), 0.0);
        // Snapshot shorter than the graph; neighbour ids beyond it are skipped.
        assert_eq!(echo_chamber_by(&[0.1], 4, lists_fn(&lists)), 0.0);
        assert_eq!(echo_chamber_by(&[], 0, lists_fn(&lists)), 0.0);
    }

    #[test]
    fn echo_chamber_thread_independent() {
        // Ring lattice with random opinions; compare pools of 1 and 2 threads.
        // (Tests go through `echo_chamber_by` so they do not depend on how
        // `Csr` is constructed.)
        let n = 50_000u32;
        let lists: Vec<Vec<u32>> = (0..n).map(|v| vec![(v + 1) % n, (v + n - 1) % n, (v + 2) % n]).collect();
        let x = uniform_sample(n as usize, 7);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| {
                [
                    echo_chamber_by(&x, lists.len(), lists_fn(&lists)).to_bits(),
                    variance(&x).to_bits(),
                    mean(&x).to_bits(),
                    clusters_with(&x, 1e-5, 0.0) as u64,
                ]
            })
        };
        assert_eq!(run(1), run(2));
    }
}
