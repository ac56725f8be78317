//! The generator of the social network: two layers of ties (online and offline) between voters,
//! homophilous and local, as in `docs/MODEL.md` §5.2. The graph is stored as compressed sparse
//! rows by `crate::graph`.
//!
//! Reads each voter's place and ideology ([`NodeAttrs`]), the scenario's `network:` section
//! ([`NetworkParams`]) and the run's seed and replicate; writes nothing but the returned
//! [`SocialGraph`]. All randomness comes from `stream(seed, replicate, tag::NETWORK, voter, step)`,
//! one stream per voter and (layer, pool) — step 0 offline, 2 online into the own place, 3 online
//! into the whole population — so the graph is bit-identical for any thread count.
//!
//! Generation is O(N·k) in time and memory: every voter proposes about `k_layer / 2` ties per
//! layer, each to a partner drawn either near the voter in an ideology-sorted pool (homophily) or
//! uniformly from the pool; the proposals are then symmetrised and deduplicated by a counting
//! sort into [`Csr`] ([`Csr::from_edge_chunks`]). There is no O(N²) step and no hash set of
//! edges. Offline ties always stay within the voter's place; online ties do so with probability
//! `locality`.

use crate::graph::{Csr, SocialGraph};
use crate::sim::rng::{StreamRng, stream, tag};
use rand::RngExt;
use rayon::prelude::*;
use std::ops::Range;

/// Stream step for the offline layer's proposals (its own place only).
const OFFLINE_STEP: u64 = 0;
/// Stream step for the online layer's proposals into the own place; the next step is for its
/// proposals into the whole population.
const ONLINE_STEP: u64 = 2;
/// Voters per generation task: large enough to amortise task overhead, small enough to balance.
const GEN_CHUNK: usize = 8192;
/// Upper bound on proposal oversampling, so tiny or saturated pools cannot blow up the edge list.
const MAX_OVERSAMPLE: f64 = 3.0;

/// What shapes the network (the scenario's `network:` section). All f64. Out-of-range values are
/// clamped into range and NaN is treated as 0 by [`generate`].
#[derive(Clone, Copy, Debug)]
pub struct NetworkParams {
    /// Target mean number of ties per voter, online and offline together (ties per voter, ≥ 0).
    /// Capped at N − 1. The realised mean is within a few percent of the target when places are
    /// large compared with the degree; offline ties cannot exceed a voter's place size − 1.
    pub mean_degree: f64,
    /// Probability in [0, 1] that a proposed tie goes to an ideologically similar voter (drawn
    /// from a window of ranks around the voter in the pool's ideology order) rather than to a
    /// uniformly random member of the pool.
    pub homophily: f64,
    /// Probability in [0, 1] that an *online* tie is drawn from the voter's own place rather than
    /// from the whole population. Offline ties are always local (same place) regardless of this
    /// value. Global draws can land in the own place too, so the expected within-place share of
    /// online ties is `locality + (1 − locality) · place_size / N`.
    pub locality: f64,
    /// Share in [0, 1] of the mean degree that is offline (family, housemates, neighbours,
    /// colleagues); the rest is online.
    pub offline_share: f64,
}

/// Voter attributes the generator reads, indexed by VoterId (0..n).
pub struct NodeAttrs<'a> {
    /// Each voter's place id (e.g. constituency or town), in `0..places`.
    pub place: &'a [u16],
    /// Each voter's ideology; only its order matters (compared with `f32::total_cmp`).
    pub ideology: &'a [f32],
    /// Number of places. Places without voters are fine; ids at or above this are tolerated too.
    pub places: usize,
}

/// Generate the two-layer social network.
///
/// Each voter proposes ties per layer (offline: k·offline_share/2 on average; online:
/// k·(1−offline_share)/2), stochastically rounded and oversampled per pool to make up for the
/// duplicates that symmetrisation removes. Each proposal picks a pool (offline: own place;
/// online: own place with probability `locality`, else everybody), then with probability
/// `homophily` a partner uniformly from the voter's window — the 2w pool members nearest in the
/// pool's ideology order, w on each side, shifted inwards at the ends of the order — else a
/// uniform member of the pool; never the voter itself. The half-width is
/// w = max(⌈k⌉, ⌈pool/100⌉, 1), the degree or 1 % of the pool, whichever is wider: wide enough
/// that repeated proposals rarely collide, narrow enough that homophilous partners are
/// ideological near-neighbours (within about ±1 % in rank of a large pool).
///
/// The realised mean degree is within about 1–2 % of the target (noise aside) whenever the
/// places can hold the local ties; it falls short where a place is too small for them (a voter
/// in a place of m voters has at most m − 1 offline ties).
///
/// Panics if `place` and `ideology` differ in length or N ≥ `u32::MAX`.
pub fn generate(params: &NetworkParams, attrs: &NodeAttrs, seed: u64, replicate: u32) -> SocialGraph {
    let n = attrs.place.len();
    assert_eq!(attrs.ideology.len(), n, "place and ideology must have one entry per voter");
    assert!(n < u32::MAX as usize, "too many voters: {n}");

    let unit = |x: f64| if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
    let max_degree = n.saturating_sub(1) as f64;
    let k = if params.mean_degree > 0.0 { params.mean_degree.min(max_degree) } else { 0.0 };
    let homophily = unit(params.homophily);
    let locality = unit(params.locality);
    let offline_share = unit(params.offline_share);

    let index = PoolIndex::new(attrs);
    let half_width = |m: usize| (k.ceil() as usize).max(m.div_ceil(100)).max(1);
    let k_off = k * offline_share;
    let k_on = k - k_off;
    let global = Pool::solve_global(n, (1.0 - locality) * k_on / 2.0, homophily, half_width(n));
    let local = |p: f64, global: &Pool| -> Vec<Pool> {
        (0..index.place_count())
            .into_par_iter()
            .map(|pl| {
                let m = index.place_members(pl).len();
                let overlap = index.window_overlap(pl, half_width(m), global);
                Pool::solve_local(m, p, homophily, half_width(m), global, overlap)
            })
            .collect()
    };
    let layer =
        |step: u64, local: Vec<Pool>, global: Pool| LayerPlan { step, local, global, homophily, seed, replicate };
    let offline = layer(OFFLINE_STEP, local(k_off / 2.0, &Pool::NONE), Pool::NONE);
    let online = layer(ONLINE_STEP, local(locality * k_on / 2.0, &global), global);

    let proposals = |plan: &LayerPlan| -> Vec<Vec<(u32, u32)>> {
        let blocks = n.div_ceil(GEN_CHUNK);
        let global_blocks = if plan.global.proposals > 0.0 { blocks } else { 0 };
        let block = |b: usize| b * GEN_CHUNK..((b + 1) * GEN_CHUNK).min(n);
        // Local blocks, then global ones: a fixed order (though the graph would not depend on it).
        (0..blocks + global_blocks)
            .into_par_iter()
            .map(|c| {
                if c < blocks {
                    plan.propose_local(&index, block(c))
                } else {
                    plan.propose_global(&index, block(c - blocks))
                }
            })
            .collect()
    };
    // One layer at a time, so only one layer's edge list is alive at once; the index goes
    // before the last build.
    let offline = Csr::from_edge_chunks(n, proposals(&offline));
    let online = proposals(&online);
    drop(index);
    let online = Csr::from_edge_chunks(n, online);
    SocialGraph { online, offline }
}

/// Voters grouped by place and sorted by ideology, globally and within each place.
struct PoolIndex {
    /// All voters sorted by (ideology, id).
    order: Vec<u32>,
    /// Voters grouped by place, each group sorted by (ideology, id).
    members: Vec<u32>,
    /// Global rank (position in `order`) of each entry of `members`.
    members_rank: Vec<u32>,
    /// Start of each place's group in `members` (`place_count + 1` entries).
    place_start: Vec<u32>,
}

impl PoolIndex {
    fn new(attrs: &NodeAttrs) -> Self {
        let n = attrs.place.len();
        // Sort packed (ideology key, id) integers: the same strict total order as
        // `f32::total_cmp` then id, but with no indirection in the comparisons. A strict total
        // order makes the unstable parallel sort deterministic.
        let mut keys: Vec<u64> =
            attrs.ideology.iter().enumerate().map(|(v, &x)| u64::from(total_order_key(x)) << 32 | v as u64).collect();
        keys.par_sort_unstable();
        let order: Vec<u32> = keys.iter().map(|&key| key as u32).collect();
        drop(keys);

        // Stable counting sort of `order` by place keeps each place's group ideology-sorted.
        let places = attrs.place.iter().map(|&p| p as usize + 1).max().unwrap_or(0).max(attrs.places);
        let mut place_start = vec![0u32; places + 1];
        for &p in attrs.place {
            place_start[p as usize + 1] += 1;
        }
        for p in 0..places {
            place_start[p + 1] += place_start[p];
        }
        let mut cursor = place_start[..places].to_vec();
        let mut members = vec![0u32; n];
        let mut members_rank = vec![0u32; n];
        for (rank, &v) in order.iter().enumerate() {
            let p = attrs.place[v as usize] as usize;
            members[cursor[p] as usize] = v;
            members_rank[cursor[p] as usize] = rank as u32;
            cursor[p] += 1;
        }
        PoolIndex { order, members, members_rank, place_start }
    }

    /// Mean over the members of `place` of (place-mates inside both the member's local window of
    /// half-width `w_l` and its window in `global`, place-mates inside its global window). Exact,
    /// by one sweep: along the place's ideology order both windows only move forwards. Zero when
    /// the global pool draws no homophilous ties (its window would not matter).
    fn window_overlap(&self, place: usize, w_l: usize, global: &Pool) -> (f64, f64) {
        let members = self.place_members(place);
        let (m, n, w_g) = (members.len(), self.order.len(), global.half_width);
        if m < 2 || global.proposals <= 0.0 || global.p_near <= global.p_far {
            return (0.0, 0.0);
        }
        // Global ranks increase along the place's members: both orders sort by (ideology, id).
        let ranks = &self.members_rank[self.place_start[place] as usize..][..m];
        let grank = |i: usize| ranks[i] as usize;
        let (mut i0, mut i1, mut both, mut in_global) = (0, 0, 0, 0);
        for r in 0..m {
            // Same windows as `pick`; the global one is active, so 2·w_g < n − 1.
            let lo_g = window_start(grank(r), n, w_g);
            while grank(i0) < lo_g {
                i0 += 1;
            }
            while i1 < m && grank(i1) <= lo_g + 2 * w_g {
                i1 += 1;
            }
            let (lo_l, hi_l) = if 2 * w_l < m - 1 {
                let lo = window_start(r, m, w_l);
                (lo, lo + 2 * w_l)
            } else {
                (0, m - 1)
            };
            // Both ranges contain r itself, which is not a partner.
            in_global += i1 - i0 - 1;
            both += i1.min(hi_l + 1) - i0.max(lo_l) - 1;
        }
        (both as f64 / m as f64, in_global as f64 / m as f64)
    }

    fn place_count(&self) -> usize {
        self.place_start.len() - 1
    }

    fn place_members(&self, place: usize) -> &[u32] {
        &self.members[self.place_start[place] as usize..self.place_start[place + 1] as usize]
    }
}

/// How many ties each member of one pool proposes, and how they choose among the pool.
#[derive(Clone, Copy)]
struct Pool {
    /// Mean proposals per voter (already oversampled); 0 when the pool has fewer than 2 voters.
    proposals: f64,
    /// Half-width w of the homophily window, in ranks.
    half_width: usize,
    /// Candidates in a window, c = min(2w, m − 1).
    window: f64,
    /// Share of window memberships that are mutual (u in v's window and v in u's): the windows
    /// shifted inwards at the ends of the order make some one-way.
    mutual: f64,
    /// Probability that one proposal goes to a given member inside the proposer's window.
    p_near: f64,
    /// Probability that one proposal goes to a given member outside the proposer's window.
    p_far: f64,
}

impl Pool {
    const NONE: Pool = Pool { proposals: 0.0, half_width: 1, window: 0.0, mutual: 1.0, p_near: 0.0, p_far: 0.0 };

    /// A pool of `m` voters with homophily `h` and window half-width `w`, proposals not yet set.
    fn new(m: usize, h: f64, w: usize) -> Pool {
        if m < 2 {
            return Pool::NONE;
        }
        let m1 = (m - 1) as f64;
        // A window spanning the pool makes homophilous and uniform picks the same (see `pick`).
        let (c, h, mutual) = if 2 * w < m - 1 { ((2 * w) as f64, h, mutual_share(m, w)) } else { (m1, 0.0, 1.0) };
        Pool { proposals: 0.0, half_width: w, window: c, mutual, p_near: h / c + (1.0 - h) / m1, p_far: (1.0 - h) / m1 }
    }

    /// Probability that a voter's proposals into this pool miss a given member it picks with
    /// per-proposal probability `pi`: (1 − π)^⌊q⌋ · (1 − frac(q)·π) under stochastic rounding.
    fn miss(&self, pi: f64) -> f64 {
        let whole = self.proposals.floor();
        (1.0 - pi).powi(whole as i32) * (1.0 - (self.proposals - whole) * pi)
    }

    /// Probability that neither member of a pair proposes to the other, for pairs that are
    /// [mutual, one-way, neither] in each other's windows.
    fn pair_miss(&self) -> [f64; 3] {
        let (near, far) = (self.miss(self.p_near), self.miss(self.p_far));
        [near * near, near * far, far * far]
    }

    /// Pairs of an `m`-voter pool by window relation: [mutual, one-way, neither].
    fn pair_counts(&self, m: usize) -> [f64; 3] {
        let memberships = m as f64 * self.window;
        let mutual = self.mutual * memberships / 2.0;
        let one_way = (1.0 - self.mutual) * memberships;
        let all = m as f64 * m.saturating_sub(1) as f64 / 2.0;
        [mutual, one_way, (all - mutual - one_way).max(0.0)]
    }

    /// The whole population as a pool, with proposals set so that it alone yields `n·p` distinct
    /// edges in expectation.
    fn solve_global(n: usize, p: f64, h: f64, w: usize) -> Pool {
        let mut pool = Pool::new(n, h, w);
        let pairs = pool.pair_counts(n);
        pool.proposals = solve_proposals(n, p, |q| {
            let missed = Pool { proposals: q, ..pool }.pair_miss();
            (0..3).map(|i| pairs[i] * (1.0 - missed[i])).sum()
        });
        pool
    }

    /// One place of `m` voters as a pool, with proposals set so that it adds `m·p` distinct
    /// edges in expectation to those the layer's `global` pool already makes inside the place.
    /// `overlap` is the mean number of a member's place-mates in both its windows and in its
    /// global window (see [`PoolIndex::window_overlap`]); the global pool's own end effects
    /// are ignored here.
    fn solve_local(m: usize, p: f64, h: f64, w: usize, global: &Pool, overlap: (f64, f64)) -> Pool {
        let mut pool = Pool::new(m, h, w);
        if m < 2 {
            return pool;
        }
        let (c_l, outside) = (pool.window, (m - 1) as f64 - pool.window);
        let (both, c_g) = overlap;
        // Share of the local window, and of the rest of the place, inside the global window.
        let in_global = [
            if c_l > 0.0 { both / c_l } else { 0.0 },
            if outside > 0.0 { ((c_g - both) / outside).clamp(0.0, 1.0) } else { 0.0 },
        ];
        let global_miss = [global.pair_miss()[0], global.pair_miss()[2]];
        // Probability that the global pool made no edge, per local relation.
        let not_global = [0, 0, 1].map(|j| in_global[j] * global_miss[0] + (1.0 - in_global[j]) * global_miss[1]);
        let pairs = pool.pair_counts(m);
        pool.proposals = solve_proposals(m, p, |q| {
            let missed = Pool { proposals: q, ..pool }.pair_miss();
            (0..3).map(|i| pairs[i] * not_global[i] * (1.0 - missed[i])).sum()
        });
        pool
    }
}

/// First rank of the homophily window of the voter at `rank` in a pool of `m` voters with an
/// active window (2w < m − 1): 2w + 1 ranks centred on `rank`, shifted inwards at the ends.
#[inline]
fn window_start(rank: usize, m: usize, w: usize) -> usize {
    rank.saturating_sub(w).min(m - 1 - 2 * w)
}

/// Share of window memberships in an `m`-voter pool with an active window of half-width `w`
/// that are mutual. One O(m) sweep: the set of voters whose window contains v is an interval
/// that only moves forwards with v.
fn mutual_share(m: usize, w: usize) -> f64 {
    let (mut a, mut b, mut mutual) = (0, 0, 0usize);
    for v in 0..m {
        while window_start(a, m, w) + 2 * w < v {
            a += 1;
        }
        while b < m && window_start(b, m, w) <= v {
            b += 1;
        }
        let lo = window_start(v, m, w);
        // Both ranges contain v itself, which is not a partner.
        mutual += b.min(lo + 2 * w + 1) - a.max(lo) - 1;
    }
    mutual as f64 / (m as f64 * (2 * w) as f64)
}

/// Mean proposals per voter q ≥ p such that `edges(q)`, the expected distinct edges the pool's
/// `m` voters make, reaches `m·p`; capped at `MAX_OVERSAMPLE·p` when the pool is too small to
/// get there. Bisection on the monotone `edges`.
fn solve_proposals(m: usize, p: f64, edges: impl Fn(f64) -> f64) -> f64 {
    if m < 2 || p <= 0.0 {
        return 0.0;
    }
    let target = m as f64 * p;
    // Each proposal makes at most one edge, so `edges(p) ≤ target`: p is a lower bound.
    let (mut lo, mut hi) = (p, MAX_OVERSAMPLE * p);
    if edges(hi) <= target {
        return hi;
    }
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        if edges(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// One layer's proposal plan: a pool per place plus the global pool, and what every draw needs.
struct LayerPlan {
    /// Stream step of the local proposals; `step + 1` is that of the global ones.
    step: u64,
    /// Pool of each place.
    local: Vec<Pool>,
    /// The whole population as a pool ([`Pool::NONE`] for the offline layer).
    global: Pool,
    /// Chance that a partner is drawn from the voter's homophily window.
    homophily: f64,
    /// The run's seed.
    seed: u64,
    /// The replicate drawn.
    replicate: u32,
}

impl LayerPlan {
    /// Proposals into their own place by the voters at `positions` in `index.members`, as
    /// (proposer, partner) pairs. Walking voters in place-then-ideology order (rather than by
    /// id) keeps each pool and window in cache; the graph does not depend on the order.
    fn propose_local(&self, index: &PoolIndex, positions: Range<usize>) -> Vec<(u32, u32)> {
        let (homophily, seed, replicate) = (self.homophily, self.seed, self.replicate);
        let starts = &index.place_start;
        // Place of the first position (skipping empty places); advanced as positions grow.
        let first = starts.partition_point(|&s| s as usize <= positions.start) - 1;
        let mut place = first;
        // Upper bound on the count, so the vector never regrows (untouched tail pages of a large
        // allocation are never made resident).
        let mut bound = 0;
        for i in positions.clone() {
            while starts[place + 1] as usize <= i {
                place += 1;
            }
            bound += self.local[place].proposals as usize + 1;
        }
        let mut out = Vec::with_capacity(bound);
        place = first;
        for i in positions {
            while starts[place + 1] as usize <= i {
                place += 1;
            }
            let (v, pool, local) = (index.members[i], index.place_members(place), self.local[place]);
            let rank = i - starts[place] as usize;
            let mut rng = stream(seed, replicate, tag::NETWORK, u64::from(v), self.step);
            for _ in 0..stochastic_round(local.proposals, &mut rng) {
                out.push((v, pick(pool, rank, local.half_width, homophily, &mut rng)));
            }
        }
        out
    }

    /// Proposals into the whole population by the voters at `positions` in `index.order`,
    /// walked in ideology order so that consecutive homophily windows overlap in cache.
    fn propose_global(&self, index: &PoolIndex, positions: Range<usize>) -> Vec<(u32, u32)> {
        let (homophily, seed, replicate) = (self.homophily, self.seed, self.replicate);
        let global = self.global;
        let mut out = Vec::with_capacity(positions.len() * (global.proposals as usize + 1));
        for rank in positions {
            let v = index.order[rank];
            let mut rng = stream(seed, replicate, tag::NETWORK, u64::from(v), self.step + 1);
            for _ in 0..stochastic_round(global.proposals, &mut rng) {
                out.push((v, pick(&index.order, rank, global.half_width, homophily, &mut rng)));
            }
        }
        out
    }
}

/// A u32 whose unsigned order is `f32::total_cmp`'s order: flip all bits of negatives (so larger
/// magnitudes sort lower) and only the sign bit of non-negatives.
#[inline]
fn total_order_key(x: f32) -> u32 {
    let bits = x.to_bits();
    if bits >> 31 == 1 { !bits } else { bits | 1 << 31 }
}

/// ⌊x⌋ plus one with probability frac(x): unbiased integer count for a real mean.
#[inline]
fn stochastic_round(x: f64, rng: &mut StreamRng) -> usize {
    if x <= 0.0 {
        return 0;
    }
    let whole = x.floor();
    whole as usize + usize::from(rng.random::<f64>() < x - whole)
}

/// A partner for the voter at `rank` in the ideology-sorted `pool` (length ≥ 2), never itself.
#[inline]
fn pick(pool: &[u32], rank: usize, w: usize, homophily: f64, rng: &mut StreamRng) -> u32 {
    let m = pool.len();
    // When the window spans the pool, homophilous and uniform choice coincide: skip the draw.
    let idx = if 2 * w < m - 1 && homophily > 0.0 && rng.random::<f64>() < homophily {
        // Window of 2w + 1 ranks containing `rank`, centred where possible.
        let lo = window_start(rank, m, w);
        let j = lo + rng.random_range(0..2 * w);
        j + usize::from(j >= rank)
    } else {
        let j = rng.random_range(0..m - 1);
        j + usize::from(j >= rank)
    };
    pool[idx]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A population with uniformly random places and bell-shaped ideologies.
    fn population(n: usize, places: usize, seed: u64) -> (Vec<u16>, Vec<f32>) {
        let mut rng = stream(seed, 0, tag::POPULATION, 0, 0);
        let place = (0..n).map(|_| rng.random_range(0..places as u16)).collect();
        // Sum of four uniforms on [-0.5, 0.5).
        let ideology = (0..n).map(|_| (0..4).map(|_| rng.random::<f32>() - 0.5).sum()).collect();
        (place, ideology)
    }

    fn params(mean_degree: f64, homophily: f64, locality: f64, offline_share: f64) -> NetworkParams {
        NetworkParams { mean_degree, homophily, locality, offline_share }
    }

    fn graph(p: &NetworkParams, place: &[u16], ideology: &[f32], places: usize, rep: u32) -> SocialGraph {
        generate(p, &NodeAttrs { place, ideology, places }, 42, rep)
    }

    #[test]
    fn ideology_keys_follow_total_cmp() {
        let xs = [
            f32::NEG_INFINITY,
            -1e30,
            -1.5,
            -f32::MIN_POSITIVE,
            -0.0,
            0.0,
            1e-40,
            0.25,
            3.0,
            f32::INFINITY,
            f32::NAN,
            -f32::NAN,
        ];
        for a in xs {
            for b in xs {
                assert_eq!(total_order_key(a).cmp(&total_order_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn mutual_window_share_matches_brute_force() {
        for (m, w) in [(5, 1), (10, 2), (50, 3), (200, 40), (1000, 10)] {
            let window = |v: usize| window_start(v, m, w)..=window_start(v, m, w) + 2 * w;
            let (mut mutual, mut all) = (0, 0);
            for v in 0..m {
                for u in window(v).filter(|&u| u != v) {
                    all += 1;
                    mutual += usize::from(window(u).contains(&v));
                }
            }
            let share = mutual_share(m, w);
            assert!((share - mutual as f64 / all as f64).abs() < 1e-12, "m {m} w {w}: {share}");
        }
    }

    #[test]
    fn generated_layers_are_valid_csr() {
        let (place, ideology) = population(3000, 7, 1);
        let g = graph(&params(12.0, 0.6, 0.5, 0.4), &place, &ideology, 7, 0);
        g.online.assert_valid(3000);
        g.offline.assert_valid(3000);
        assert!(g.bytes() >= (g.online.entry_count() + g.offline.entry_count()) * 4);
    }

    #[test]
    fn mean_degree_is_within_five_percent() {
        let n = 5000;
        let (place, ideology) = population(n, 10, 2);
        for k in [10.0, 20.0] {
            for (h, loc, off) in
                [(0.0, 0.0, 0.0), (0.5, 0.5, 0.5), (0.9, 0.8, 0.3), (1.0, 1.0, 1.0), (1.0, 0.0, 0.0), (1.0, 0.5, 0.0)]
            {
                let g = graph(&params(k, h, loc, off), &place, &ideology, 10, 0);
                let realised = g.online.mean_degree() + g.offline.mean_degree();
                assert!((realised / k - 1.0).abs() < 0.05, "k {k} h {h} loc {loc} off {off}: realised {realised}");
            }
        }
    }

    #[test]
    fn mean_degree_holds_with_few_or_ideologically_sorted_places() {
        // One place (local and global pools coincide), and places that each hold one slice of
        // the ideology range (global homophilous picks land in the own place): the overlap of
        // the local and global pools must be compensated for. Also N = 1000 with k = 50.
        let n = 1000;
        let (_, ideology) = population(n, 1, 8);
        let one_place = vec![0u16; n];
        let mut by_ideology: Vec<usize> = (0..n).collect();
        by_ideology.sort_by(|&a, &b| ideology[a].total_cmp(&ideology[b]));
        let mut sorted_places = vec![0u16; n];
        for (rank, &v) in by_ideology.iter().enumerate() {
            sorted_places[v] = (rank * 4 / n) as u16;
        }
        for (place, places) in [(&one_place, 1), (&sorted_places, 4)] {
            for (k, h, loc, off) in [(10.0, 1.0, 0.5, 0.0), (20.0, 0.8, 0.5, 0.3), (50.0, 0.9, 0.3, 0.5)] {
                let g = graph(&params(k, h, loc, off), place, &ideology, places, 0);
                let realised = g.online.mean_degree() + g.offline.mean_degree();
                assert!(
                    (realised / k - 1.0).abs() < 0.05,
                    "{places} places, k {k} h {h} loc {loc} off {off}: realised {realised}"
                );
            }
        }
    }

    #[test]
    fn offline_share_and_offline_ties_are_local() {
        let n = 5000;
        let (place, ideology) = population(n, 10, 3);
        for off in [0.0, 0.3, 0.7, 1.0] {
            let g = graph(&params(10.0, 0.5, 0.3, off), &place, &ideology, 10, 0);
            let (a, b) = (g.offline.entry_count() as f64, g.online.entry_count() as f64);
            assert!((a / (a + b) - off).abs() < 0.03, "offline share {off}: {}", a / (a + b));
            for v in 0..n as u32 {
                for &u in g.offline.neighbours(v) {
                    assert_eq!(place[v as usize], place[u as usize]);
                }
            }
        }
    }

    #[test]
    fn online_locality() {
        let n = 5000;
        let places = 10;
        let place: Vec<u16> = (0..n).map(|v| (v % places) as u16).collect();
        let (_, ideology) = population(n, places, 4);
        let mut last = -1.0;
        for loc in [0.0, 0.3, 0.7, 1.0] {
            let g = graph(&params(10.0, 0.5, loc, 0.2), &place, &ideology, places, 0);
            let mut local = 0usize;
            for v in 0..n as u32 {
                local += g.online.neighbours(v).iter().filter(|&&u| place[u as usize] == place[v as usize]).count();
            }
            let share = local as f64 / g.online.entry_count() as f64;
            let expected = loc + (1.0 - loc) / places as f64;
            assert!((share - expected).abs() < 0.03, "locality {loc}: {share} vs {expected}");
            assert!(share > last);
            last = share;
        }
    }

    /// Pearson correlation between each voter's ideology and its neighbours' mean ideology.
    fn neighbour_correlation(g: &SocialGraph, ideology: &[f32]) -> f64 {
        let mut pairs = Vec::new();
        for v in 0..ideology.len() as u32 {
            let nb: Vec<u32> = g.online.neighbours(v).iter().chain(g.offline.neighbours(v)).copied().collect();
            if !nb.is_empty() {
                let mean = nb.iter().map(|&u| ideology[u as usize] as f64).sum::<f64>() / nb.len() as f64;
                pairs.push((ideology[v as usize] as f64, mean));
            }
        }
        let len = pairs.len() as f64;
        let (mx, my) = pairs.iter().fold((0.0, 0.0), |(a, b), &(x, y)| (a + x / len, b + y / len));
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for &(x, y) in &pairs {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
        }
        sxy / (sxx * syy).sqrt()
    }

    #[test]
    fn homophily_raises_neighbour_ideology_correlation() {
        let n = 5000;
        let (place, ideology) = population(n, 10, 5);
        let corr = |h| neighbour_correlation(&graph(&params(10.0, h, 0.5, 0.4), &place, &ideology, 10, 0), &ideology);
        let (c0, c5, c9) = (corr(0.0), corr(0.5), corr(0.9));
        assert!(c0.abs() < 0.1, "h 0: {c0}");
        assert!(c5 > c0 && c9 > c5, "{c0} {c5} {c9}");
        assert!(c9 > 0.5, "h 0.9: {c9}");
    }

    #[test]
    fn deterministic_per_seed_and_replicate() {
        let (place, ideology) = population(2000, 5, 6);
        let p = params(8.0, 0.7, 0.4, 0.5);
        let a = graph(&p, &place, &ideology, 5, 0);
        assert_eq!(a, graph(&p, &place, &ideology, 5, 0));
        let b = graph(&p, &place, &ideology, 5, 1);
        assert_ne!(a.online, b.online);
        assert_ne!(a.offline, b.offline);
    }

    #[test]
    fn thread_count_does_not_change_the_graph() {
        // More than one generation chunk and sort block, so the parallel split is exercised.
        let n = 3 * GEN_CHUNK + 17;
        let (place, ideology) = population(n, 20, 7);
        let p = params(6.0, 0.6, 0.5, 0.5);
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| graph(&p, &place, &ideology, 20, 3))
        };
        assert_eq!(run(1), run(2));
    }

    #[test]
    fn edge_cases_do_not_panic() {
        let p = params(10.0, 0.8, 0.5, 0.5);
        // N = 0 and N = 1.
        let g = graph(&p, &[], &[], 3, 0);
        g.online.assert_valid(0);
        let g = graph(&p, &[0], &[0.0], 1, 0);
        g.online.assert_valid(1);
        assert_eq!(g.online.entry_count() + g.offline.entry_count(), 0);
        // A place with one voter, places with no voters, an id beyond `places`, NaN ideology.
        let place = [0, 0, 0, 2, 0, 0, 7, 0];
        let ideology = [0.1, f32::NAN, -0.3, 0.0, 0.5, -0.0, 1.0, 0.2];
        let g = graph(&p, &place, &ideology, 5, 0);
        g.online.assert_valid(8);
        g.offline.assert_valid(8);
        assert_eq!(g.offline.degree(3), 0);
        // Mean degree 0, and far beyond N − 1.
        let g = graph(&params(0.0, 0.5, 0.5, 0.5), &place, &ideology, 5, 0);
        assert_eq!(g.online.entry_count() + g.offline.entry_count(), 0);
        let g = graph(&params(1000.0, 0.5, 0.0, 0.0), &place, &ideology, 5, 0);
        g.online.assert_valid(8);
        assert!(g.online.mean_degree() <= 7.0);
        // Nonsense parameters are clamped.
        let g = graph(&params(f64::NAN, -1.0, 2.0, f64::NAN), &place, &ideology, 5, 0);
        assert_eq!(g.online.entry_count(), 0);
        let g = graph(&params(f64::INFINITY, 2.0, -1.0, 0.5), &place, &ideology, 5, 0);
        g.online.assert_valid(8);
    }
}
