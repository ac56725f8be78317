//! The media buyer of a micro-targeted campaign (`docs/MODEL.md` §7.3): given each voter's value
//! to the campaign and its recent ad exposure, decide how many impressions each voter gets today
//! so that a cohort's impression budget goes to the impressions with the largest expected marginal
//! effect. The k-th impression (k = 0, 1, …) shown today to voter i is worth
//! `s_i · e^(−(A_i + k)/S)`: its score s_i times what wear-out leaves of an impression at a recent
//! exposure stock A_i (`saturation` S), so diminishing returns spread impressions over voters
//! instead of buying the same best-scored voters every day.
//!
//! The buyer takes, in each cohort, every impression worth at least a threshold, the lowest one
//! the cohort's budget pays for. The threshold is found exactly on a grid of
//! [`BINS_PER_IMPRESSION`] steps per impression's worth of wear-out, from a histogram of the
//! voters' log values: in O(voters) and without sorting, and with the same result for any thread
//! count (the histogram holds integer counts).
//!
//! Reads each voter's log value and cohort (by `VoterId`); writes impressions per voter.

use rayon::prelude::*;

/// Threshold steps per impression's worth of wear-out (`1/S` in log value). A finer grid wastes
/// less of a day's budget at the margin (at most about one step's worth of marginal voters, and
/// money a day leaves unspent moves to the next day); coarser is faster. A technical constant
/// (`docs/MODEL.md` §8, internal constants).
pub const BINS_PER_IMPRESSION: u32 = 64;

/// Depth in log value below a cohort's best first impression beyond which voters are pooled in
/// the lowest bin (their value is below `e^(−20)` ≈ 2·10⁻⁹ of the best): they are bought, if
/// ever, in voter order. A technical constant (`docs/MODEL.md` §8, internal constants).
pub const POOLED_DEPTH: f64 = 20.0;

/// Voters per histogram task.
const CHUNK: usize = 16_384;

/// Log value of a voter's first impression today, `ln s − A/S`; `−∞` for a voter the campaign
/// cannot or would not buy (score ≤ 0 or not a number). One `f32` a voter, as the buffer is kept
/// for every voter.
#[inline]
pub fn log_value(score: f32, stock: f32, saturation: f64) -> f32 {
    if score > 0.0 { (f64::from(score).ln() - f64::from(stock) / saturation) as f32 } else { f32::NEG_INFINITY }
}

/// One cohort's grid: the log value of bin 0's lower edge and the number of bins.
#[derive(Clone, Copy, Debug)]
struct Grid {
    floor: f64,
    bins: usize,
    per_unit: f64,
}

impl Grid {
    fn new(best: f32, saturation: f64, cap: u32) -> Grid {
        let per_unit = saturation * f64::from(BINS_PER_IMPRESSION);
        let depth = f64::from(cap) / saturation + POOLED_DEPTH;
        Grid { floor: f64::from(best) - depth, bins: (depth * per_unit).ceil() as usize + 1, per_unit }
    }

    /// Bin of a log value: `⌊(L − floor) · S · K⌋`, voters below the floor pooled in bin 0.
    #[inline]
    fn bin(&self, value: f32) -> usize {
        // The cast truncates, which is the floor for the non-negative; it saturates negatives at 0.
        (((f64::from(value) - self.floor) * self.per_unit) as usize).min(self.bins - 1)
    }
}

/// Impressions for a voter in bin `b` at threshold step `m`: how many of its impressions are
/// worth at least the threshold, `#{k < cap : b ≥ m + kK}`.
#[inline]
fn count(b: usize, m: i64, cap: u32) -> u32 {
    let over = b as i64 - m;
    if over < 0 { 0 } else { (over / i64::from(BINS_PER_IMPRESSION) + 1).min(i64::from(cap)) as u32 }
}

/// Voters per bin and above: `at_least[x]` voters in bins ≥ x.
struct Tail {
    at_least: Vec<u64>,
}

impl Tail {
    fn of(histogram: &[u64]) -> Tail {
        let mut at_least = vec![0u64; histogram.len() + 1];
        for x in (0..histogram.len()).rev() {
            at_least[x] = at_least[x + 1] + histogram[x];
        }
        Tail { at_least }
    }

    fn voters_from(&self, x: i64) -> u64 {
        let x = x.max(0) as usize;
        self.at_least.get(x).copied().unwrap_or(0)
    }

    /// Impressions bought at threshold step `m`: the impressions `k < cap` of each voter with
    /// `b ≥ m + kK`.
    fn impressions(&self, m: i64, cap: u32) -> u64 {
        (0..i64::from(cap)).map(|k| self.voters_from(m + k * i64::from(BINS_PER_IMPRESSION))).sum()
    }

    /// The lowest threshold step whose impressions fit in `budget`.
    fn threshold(&self, budget: f64, cap: u32) -> i64 {
        let k = i64::from(BINS_PER_IMPRESSION);
        // Every voter at the cap, and nobody: the answer lies between.
        let (mut lo, mut hi) = (-(i64::from(cap) - 1) * k, self.at_least.len() as i64);
        if self.impressions(lo, cap) as f64 <= budget {
            return lo;
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.impressions(mid, cap) as f64 <= budget { hi = mid } else { lo = mid }
        }
        hi
    }
}

/// Impressions per voter (into `out`, one per voter of `cohort`) so that each cohort's buys are the
/// best-valued impressions its budget pays for: `value(i)` is voter i's first-impression log value
/// ([`log_value`], `−∞` for voters not bought), `cohort[i]` its cohort, `budgets[c]` cohort c's
/// impressions, at most `cap` (≤ 255) impressions per voter. Returns the impressions bought, at
/// most the sum of the budgets.
#[allow(clippy::too_many_arguments)]
pub fn allocate(
    value: impl Fn(usize) -> f32 + Sync,
    cohort: &[u8],
    budgets: &[f64],
    saturation: f64,
    cap: u32,
    parallel: bool,
    out: &mut Vec<u8>,
) -> u64 {
    let cap = cap.clamp(1, u32::from(u8::MAX));
    let (n, cohorts) = (cohort.len(), budgets.len());
    let mut best = vec![f32::NEG_INFINITY; cohorts];
    for (i, &c) in cohort.iter().enumerate() {
        let v = value(i);
        if v.is_finite() {
            best[c as usize] = best[c as usize].max(v);
        }
    }
    let grids: Vec<Option<Grid>> = best.iter().map(|&b| b.is_finite().then(|| Grid::new(b, saturation, cap))).collect();
    let offsets: Vec<usize> = grids
        .iter()
        .scan(0, |at, g| {
            let start = *at;
            *at += g.map_or(0, |g| g.bins);
            Some(start)
        })
        .collect();
    let total_bins: usize = grids.iter().map(|g| g.map_or(0, |g| g.bins)).sum();
    let fill = |mut hist: Vec<u64>, chunk: usize| {
        let start = chunk * CHUNK;
        for (i, &c) in cohort.iter().enumerate().take((start + CHUNK).min(n)).skip(start) {
            let v = value(i);
            if v.is_finite() {
                let c = c as usize;
                if let Some(g) = grids[c] {
                    hist[offsets[c] + g.bin(v)] += 1;
                }
            }
        }
        hist
    };
    // Integer counts: any split and order of the sums gives the same histogram.
    let chunks = n.div_ceil(CHUNK);
    let histogram = if parallel {
        (0..chunks)
            .into_par_iter()
            .fold(|| vec![0u64; total_bins], fill)
            .reduce(|| vec![0u64; total_bins], |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect())
    } else {
        (0..chunks).fold(vec![0u64; total_bins], fill)
    };
    let mut steps = vec![0i64; cohorts];
    let mut bought = 0;
    for c in 0..cohorts {
        let Some(g) = grids[c] else { continue };
        let tail = Tail::of(&histogram[offsets[c]..offsets[c] + g.bins]);
        steps[c] = tail.threshold(budgets[c].max(0.0), cap);
        bought += tail.impressions(steps[c], cap);
    }
    super::map_voters_into(out, n, parallel, |i| {
        let c = cohort[i] as usize;
        let v = value(i);
        match grids[c] {
            Some(g) if v.is_finite() => count(g.bin(v), steps[c], cap) as u8,
            _ => 0,
        }
    });
    bought
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buy(values: &[f32], cohort: &[u8], budgets: &[f64], cap: u32) -> (Vec<u8>, u64) {
        let mut out = Vec::new();
        let bought = allocate(|i| values[i], cohort, budgets, 5.0, cap, false, &mut out);
        let mut again = Vec::new();
        assert_eq!(allocate(|i| values[i], cohort, budgets, 5.0, cap, true, &mut again), bought, "thread count");
        assert_eq!(out, again);
        (out, bought)
    }

    #[test]
    fn the_budget_is_spent_on_the_best_valued_impressions_and_counted_exactly() {
        // Equal voters share a budget evenly: 10 voters, 30 impressions → 3 each.
        let values = vec![log_value(1.0, 0.0, 5.0); 10];
        let (out, bought) = buy(&values, &[0; 10], &[30.0], 255);
        assert_eq!(out, vec![3; 10]);
        assert_eq!(bought, 30);
        // A voter worth e times more gets about S = 5 more impressions before the others start.
        let mut values = vec![log_value(1.0, 0.0, 5.0); 10];
        values[0] = log_value(std::f32::consts::E, 0.0, 5.0);
        let (out, bought) = buy(&values, &[0; 10], &[15.0], 255);
        assert_eq!(bought, out.iter().map(|&n| u64::from(n)).sum::<u64>());
        assert!((14..=15).contains(&bought), "{bought}");
        assert!((5..=6).contains(&out[0]) && out[1..].iter().all(|&n| n == 1), "{out:?}");
    }

    #[test]
    fn recent_exposure_lowers_a_voters_share() {
        // Two equal voters, one with a stock of 5 recent impressions: the fresh one is bought
        // first, about S = 5 impressions ahead.
        let values = vec![log_value(1.0, 5.0, 5.0), log_value(1.0, 0.0, 5.0)];
        let (out, _) = buy(&values, &[0, 0], &[7.0], 255);
        assert!(out[1] >= 5 && out[0] <= 2 && out[0] + out[1] <= 7, "{out:?}");
    }

    #[test]
    fn cohorts_spend_their_own_budgets_and_the_cap_holds() {
        let values = vec![log_value(1.0, 0.0, 5.0); 6];
        let cohort = [0, 0, 0, 1, 1, 1];
        let (out, bought) = buy(&values, &cohort, &[6.0, 0.0], 255);
        assert_eq!(out, vec![2, 2, 2, 0, 0, 0]);
        assert_eq!(bought, 6);
        let (out, bought) = buy(&values, &cohort, &[100.0, 3.0], 4);
        assert_eq!(out, vec![4, 4, 4, 1, 1, 1], "capped at 4; the rest of the budget stays unspent");
        assert_eq!(bought, 15);
    }

    #[test]
    fn voters_not_bought_get_nothing() {
        let values = vec![f32::NEG_INFINITY, log_value(0.0, 0.0, 5.0), log_value(0.5, 0.0, 5.0)];
        let (out, bought) = buy(&values, &[0, 0, 0], &[2.0], 255);
        assert_eq!(out, vec![0, 0, 2]);
        assert_eq!(bought, 2);
        let (out, bought) = buy(&[f32::NEG_INFINITY; 2], &[0, 1], &[5.0, 5.0], 255);
        assert_eq!((out, bought), (vec![0, 0], 0));
    }
}
