//! Summaries over replicate runs and deterministic parallel reductions.
//!
//! Reads plain `f64` samples (one per replicate, or per-voter values for the
//! sums) and produces [`Summary`] records, which serialise to the shape
//! `{"mean", "sd", "ci95": [lo, hi], "n"}` of the result files (docs/MODEL.md §10). Nothing here touches
//! simulation state; every function is pure.
//!
//! Two guarantees matter to callers:
//! * A `Summary` never holds NaN or ±inf when its samples are finite and
//!   well inside the `f64` range (|x| ≲ 1e150, so squares cannot overflow).
//!   serde_json would write NaN as `null`, silently breaking reports.
//! * [`ordered_sum`] / [`ordered_sum_by`] give bit-identical results for any
//!   rayon thread count, so reports reproduce exactly across machines.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Chunk length used by [`ordered_sum`] and [`ordered_sum_by`].
///
/// Fixed (not derived from the thread count) because the chunking determines
/// the floating-point association order and therefore the exact result.
pub const SUM_CHUNK: usize = 16_384;

/// Mean, spread and 95% confidence interval of one metric over replicates.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Arithmetic mean of the finite samples.
    pub mean: f64,
    /// Sample standard deviation (divisor n − 1).
    pub sd: f64,
    /// 95% Student-t interval for the mean, `[lo, hi]`.
    pub ci95: [f64; 2],
    /// Number of finite samples that went into the summary.
    pub n: usize,
}

impl Summary {
    /// Summarise `samples`: mean, sample sd (n − 1) and the 95% Student-t
    /// interval `mean ± t_{0.975, n−1} · sd / √n`.
    ///
    /// Non-finite samples (NaN, ±inf) are ignored and not counted in `n`; a
    /// replicate that produced no number must not poison the JSON report.
    /// Edge cases: with `n = 1` the sd is 0 and `ci95 = [mean, mean]`; with
    /// `n = 0` every field is zero (`mean 0, sd 0, ci95 [0, 0], n 0`), so check
    /// `n` before interpreting the numbers.
    pub fn of(samples: &[f64]) -> Summary {
        let mut n = 0usize;
        let mut sum = 0.0f64;
        for &s in samples.iter().filter(|s| s.is_finite()) {
            n += 1;
            sum += s;
        }
        if n == 0 {
            return Summary { mean: 0.0, sd: 0.0, ci95: [0.0, 0.0], n: 0 };
        }
        let mean = sum / n as f64;
        if n == 1 {
            return Summary { mean, sd: 0.0, ci95: [mean, mean], n };
        }
        // Two-pass variance: replicate counts are small, and the centred
        // pass avoids the cancellation of the sum-of-squares formula.
        let ss: f64 = samples.iter().filter(|s| s.is_finite()).map(|&s| (s - mean) * (s - mean)).sum();
        let sd = (ss / (n - 1) as f64).sqrt();
        let half = t_critical_95(n - 1) * sd / (n as f64).sqrt();
        Summary { mean, sd, ci95: [mean - half, mean + half], n }
    }

    /// Summarise the paired differences `a[i] − b[i]`, as used for
    /// common-random-number comparisons of two scenarios run on the same seeds.
    ///
    /// Does not panic on unequal lengths: only the first `min(a.len(), b.len())`
    /// pairs are used. A pair whose difference is not finite (either side
    /// non-finite) is dropped, exactly as in [`Summary::of`]. Identical inputs
    /// give exactly `mean 0, sd 0, ci95 [0, 0]`.
    pub fn paired_difference(a: &[f64], b: &[f64]) -> Summary {
        let diffs: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        Summary::of(&diffs)
    }

    /// True when the 95% interval lies strictly on one side of zero.
    ///
    /// Always false for `n < 2`: a single replicate gives a degenerate
    /// interval that carries no evidence.
    pub fn excludes_zero(&self) -> bool {
        self.n >= 2 && (self.ci95[0] > 0.0 || self.ci95[1] < 0.0)
    }
}

/// Two-sided 95% Student-t critical value `t_{0.975, df}`.
///
/// For `df ≤ 1000` this is statrs `StudentsT::inverse_cdf(0.975)`. Above
/// that, statrs' incomplete-beta inversion loses accuracy (≈1e-5 off at
/// df = 1e5, badly wrong at 1e7, non-terminating near 1e9), so the
/// Cornish–Fisher expansion of t around the normal quantile is used instead;
/// at df = 1000 the two agree to ~1e-12 and the expansion error is O(df⁻⁵).
///
/// `df = 0` has no t distribution; it returns 0.0 so that any interval built
/// from it collapses to the point estimate, matching the `n = 1` convention of
/// [`Summary::of`]. Always finite.
pub fn t_critical_95(df: usize) -> f64 {
    /// Φ⁻¹(0.975).
    const Z: f64 = 1.959_963_984_540_054;
    if df == 0 {
        return 0.0;
    }
    if df <= 1000
        && let Ok(t) = StudentsT::new(0.0, 1.0, df as f64)
    {
        let q = t.inverse_cdf(0.975);
        if q.is_finite() {
            return q;
        }
    }
    // Abramowitz & Stegun 26.7.5, four correction terms.
    let v = df as f64;
    let z2 = Z * Z;
    let z3 = Z * z2;
    let z5 = z3 * z2;
    let z7 = z5 * z2;
    let z9 = z7 * z2;
    Z + (z3 + Z) / (4.0 * v)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * Z) / (96.0 * v * v)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * Z) / (384.0 * v.powi(3))
        + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * Z) / (92_160.0 * v.powi(4))
}

/// Deterministic parallel sum of `values`.
///
/// The slice is cut into fixed chunks of [`SUM_CHUNK`] elements, each chunk is
/// summed serially in index order, and the chunk sums are then added serially
/// in chunk order. The association order is thus independent of scheduling,
/// so the result is bit-identical for any rayon thread count (but may differ
/// in the last bits from a plain left-to-right sum).
pub fn ordered_sum(values: &[f64]) -> f64 {
    ordered_sum_by(values, |&v| v)
}

/// Deterministic parallel sum of `f(v)` over `values` (e.g. an `f32` slice
/// widened to `f64`), with the same chunking and guarantee as [`ordered_sum`].
pub fn ordered_sum_by<T: Sync>(values: &[T], f: impl Fn(&T) -> f64 + Sync) -> f64 {
    if values.len() <= SUM_CHUNK {
        // One chunk: identical association order to the parallel path.
        return values.iter().map(&f).fold(0.0, |acc, v| acc + v);
    }
    let partials: Vec<f64> =
        values.par_chunks(SUM_CHUNK).map(|chunk| chunk.iter().map(&f).fold(0.0, |acc, v| acc + v)).collect();
    partials.iter().fold(0.0, |acc, v| acc + v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn summary_known_values() {
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.n, 4);
        assert!(close(s.mean, 2.5, 1e-12));
        assert!(close(s.sd, 1.290_994_448_735_805_6, 1e-12));
        // t(3) = 3.182446305, se = sd / 2 = 0.645497224, half = 2.054260...
        assert!(close(s.ci95[0], 0.445_739_6, 1e-4), "{:?}", s);
        assert!(close(s.ci95[1], 4.554_260_4, 1e-4), "{:?}", s);
        assert!(s.excludes_zero());
    }

    #[test]
    fn summary_edge_cases() {
        let empty = Summary::of(&[]);
        assert_eq!(empty, Summary { mean: 0.0, sd: 0.0, ci95: [0.0, 0.0], n: 0 });
        assert!(!empty.excludes_zero());

        let one = Summary::of(&[3.5]);
        assert_eq!(one.n, 1);
        assert_eq!(one.sd, 0.0);
        assert_eq!(one.ci95, [3.5, 3.5]);
        assert!(!one.excludes_zero());

        // Non-finite samples are skipped, not propagated.
        let mixed = Summary::of(&[1.0, f64::NAN, 2.0, f64::INFINITY, 3.0, f64::NEG_INFINITY, 4.0]);
        assert_eq!(mixed, Summary::of(&[1.0, 2.0, 3.0, 4.0]));
        let only_nan = Summary::of(&[f64::NAN, f64::NAN]);
        assert_eq!(only_nan.n, 0);
        assert_eq!(only_nan.mean, 0.0);
    }

    #[test]
    fn summary_json_shape_and_no_nan() {
        let s = Summary::of(&[f64::NAN]);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"{"mean":0.0,"sd":0.0,"ci95":[0.0,0.0],"n":0}"#);
        let s = Summary::of(&[1.0, 2.0]);
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("null"), "{json}");
        let back: Summary = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn t_critical_known_values() {
        assert!(close(t_critical_95(1), 12.706_204_736, 1e-3));
        assert!(close(t_critical_95(2), 4.302_652_730, 1e-4));
        assert!(close(t_critical_95(10), 2.228_138_852, 1e-4));
        assert!(close(t_critical_95(30), 2.042_272_456, 1e-4));
        assert!(close(t_critical_95(1000), 1.962_339_081, 1e-4));
        assert!(close(t_critical_95(1001), 1.962_336_705, 1e-8));
        assert!(close(t_critical_95(100_000), 1.959_987_708, 1e-8));
        assert!(close(t_critical_95(1_000_000), 1.959_966_357, 1e-8));
        assert!(close(t_critical_95(usize::MAX), 1.959_963_985, 1e-8));
        assert_eq!(t_critical_95(0), 0.0);
        // Monotone decreasing and finite everywhere, including across the
        // statrs / expansion switch at df = 1000.
        for df in 1..1100 {
            assert!(t_critical_95(df).is_finite());
            assert!(t_critical_95(df) > t_critical_95(df + 1), "df {df}");
        }
        assert!((t_critical_95(1000) - t_critical_95(1001)) < 2e-5);
    }

    #[test]
    fn paired_difference_identical_is_exactly_zero() {
        let a = [0.3, 1.7, -2.25, 1e-9, 42.0];
        let s = Summary::paired_difference(&a, &a);
        assert_eq!(s.n, 5);
        assert_eq!(s.mean, 0.0);
        assert_eq!(s.sd, 0.0);
        assert_eq!(s.ci95, [0.0, 0.0]);
        assert!(!s.excludes_zero());
    }

    #[test]
    fn paired_difference_uses_min_length_and_skips_non_finite() {
        let a = [2.0, 3.0, f64::NAN, 5.0, 100.0];
        let b = [1.0, 1.0, 1.0, 1.0];
        let s = Summary::paired_difference(&a, &b);
        assert_eq!(s, Summary::of(&[1.0, 2.0, 4.0]));
        // A constant non-zero shift: zero-width interval away from zero.
        let s = Summary::paired_difference(&[3.0, 4.0, 5.0], &[1.0, 2.0, 3.0]);
        assert_eq!(s.ci95, [2.0, 2.0]);
        assert!(s.excludes_zero());
    }

    fn test_values(n: usize) -> Vec<f64> {
        // Deterministic, wide-dynamic-range values so association order matters.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        (0..n)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                (u - 0.3) * 10f64.powi((i % 7) as i32 - 3)
            })
            .collect()
    }

    #[test]
    fn ordered_sum_matches_serial_sum() {
        for n in [0, 1, 5, SUM_CHUNK, SUM_CHUNK + 1, 3 * SUM_CHUNK + 17, 200_000] {
            let v = test_values(n);
            let serial: f64 = v.iter().sum();
            let ours = ordered_sum(&v);
            let scale = v.iter().map(|x| x.abs()).sum::<f64>().max(1.0);
            assert!((ours - serial).abs() <= 1e-9 * scale, "n={n}: {ours} vs {serial}");
        }
        assert_eq!(ordered_sum(&[]), 0.0);
    }

    #[test]
    fn ordered_sum_bit_identical_across_thread_counts() {
        let v = test_values(300_001);
        let f32s: Vec<f32> = v.iter().map(|&x| x as f32).collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                (
                    ordered_sum(&v).to_bits(),
                    ordered_sum_by(&f32s, |&x| f64::from(x)).to_bits(),
                    ordered_sum_by(&v, |&x| x * x).to_bits(),
                )
            })
        };
        let one = run(1);
        assert_eq!(one, run(2));
        assert_eq!(one, run(3));
        assert_eq!(one, run(8));
    }
}
