//! The phases of one step (`docs/MODEL.md` §3), as a chained `SystemSet`: each module registers
//! its systems in its phase, and the schedule runs the phases in [`Phase::ALL`] order every step.
//! Also the phase timer behind `votelab run --profile` and the helpers the per-voter systems share.

use crate::agents::VoterId;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{InternedSystemSet, ScheduleConfigs, ScheduleLabel, SingleThreadedExecutor};

pub mod allocation;
pub mod calendar;
pub mod contact;
pub mod data_collection;
pub mod feed;
pub mod grassroots;
pub mod metrics;
pub mod opinion;
pub mod programmes;
pub mod targeting;
pub mod turnout;

/// The phases of a step, in order (`docs/MODEL.md` §3). [`Phase::ALL`] lists them for everything
/// that walks the phases (the schedule, the phase timer, `--profile` and the benchmarks), so a new
/// phase is added here, to [`Phase::ALL`] and to [`Phase::name`].
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Advance the date, age voters, switch programmes, reset campaigns, snapshot the state.
    Calendar,
    /// Brokers accumulate data footprints.
    DataCollection,
    /// Campaigns spend; each voter's inbox is filled and applied (persuasion, mobilisation,
    /// affect and trust from ads and face-to-face contact).
    Targeting,
    /// Feeds, bots, stories: built and applied (belief, trust, affect, bots' pull).
    Feed,
    /// Social influence, then the decay of affect, trust, mobilisation and persuasion.
    Opinion,
    /// Election day: turnout, vote choice, habit.
    Turnout,
    /// Read-only metrics.
    Metrics,
}

impl Phase {
    /// Every phase, in the order a step runs them.
    pub const ALL: [Phase; 7] = [
        Phase::Calendar,
        Phase::DataCollection,
        Phase::Targeting,
        Phase::Feed,
        Phase::Opinion,
        Phase::Turnout,
        Phase::Metrics,
    ];

    /// Number of phases.
    pub const COUNT: usize = Phase::ALL.len();

    /// The phase's name as `votelab run --profile` prints it (the benchmarks' `phase/<id>` is
    /// made of its words joined by `_`).
    pub fn name(self) -> &'static str {
        match self {
            Phase::Calendar => "calendar & policy",
            Phase::DataCollection => "data collection",
            Phase::Targeting => "targeting",
            Phase::Feed => "feed & exposure",
            Phase::Opinion => "opinion & affect",
            Phase::Turnout => "turnout",
            Phase::Metrics => "metrics",
        }
    }
}

/// Label of the simulation step schedule.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimStep;

/// The schedule of one step with every phase registered. Systems run one after another
/// (parallelism is inside the per-voter systems), which keeps ordering explicit.
pub fn build_schedule() -> Schedule {
    let mut schedule = Schedule::new(SimStep);
    schedule.set_executor(SingleThreadedExecutor::new());
    // The phases, chained in `Phase::ALL` order: the configuration a tuple of them would make.
    let phases: ScheduleConfigs<InternedSystemSet> = ScheduleConfigs::Configs {
        configs: Phase::ALL.iter().map(|phase| phase.into_configs()).collect(),
        collective_conditions: Vec::new(),
        metadata: Default::default(),
    };
    schedule.configure_sets(phases.chain());
    // The phase timer: started before the first phase, read after each.
    schedule.add_systems(start_timer.before(Phase::ALL[0]));
    for (k, &phase) in Phase::ALL.iter().enumerate() {
        let mark = move |mut times: ResMut<PhaseTimes>| times.mark(k);
        match Phase::ALL.get(k + 1) {
            Some(&next) => schedule.add_systems(mark.after(phase).before(next)),
            None => schedule.add_systems(mark.after(phase)),
        };
    }
    calendar::register(&mut schedule);
    programmes::register(&mut schedule);
    data_collection::register(&mut schedule);
    targeting::register(&mut schedule);
    feed::register(&mut schedule);
    opinion::register(&mut schedule);
    turnout::register(&mut schedule);
    metrics::register(&mut schedule);
    schedule
}

/// Wall-clock seconds spent in each phase, measured only when `enabled` (for `votelab run
/// --profile`); never part of any result.
#[derive(Resource, Clone, Debug, Default)]
pub struct PhaseTimes {
    /// Whether to measure.
    pub enabled: bool,
    /// Seconds per phase, in [`Phase::ALL`] order.
    pub seconds: [f64; Phase::COUNT],
    last: Option<std::time::Instant>,
}

impl PhaseTimes {
    /// Add the time since the last mark to phase number `phase` (in [`Phase::ALL`] order).
    fn mark(&mut self, phase: usize) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            self.seconds[phase] += (now - last).as_secs_f64();
            self.last = Some(now);
        }
    }
}

fn start_timer(mut t: ResMut<PhaseTimes>) {
    if t.enabled {
        t.last = Some(std::time::Instant::now());
    }
}

/// Run condition: the current step ends with an election.
pub fn election_day(clock: Res<crate::sim::resources::Clock>) -> bool {
    clock.election().is_some()
}

/// Run condition: the current step is a campaign day.
pub fn campaign_day(clock: Res<crate::sim::resources::Clock>) -> bool {
    clock.in_campaign()
}

/// Run a closure on every item of a per-voter query: across threads when `parallel`, in order
/// otherwise. Each item touches only its own voter (and reads the snapshot), so both give
/// bit-identical results; sequential is faster when replicates already occupy every thread.
macro_rules! for_each_voter {
    // The closure is expanded twice so that each copy infers its item type from its own loop.
    ($query:expr, $parallel:expr, $f:expr $(,)?) => {
        if $parallel {
            $query.par_iter_mut().batching_strategy($crate::phases::VOTER_BATCHES).for_each($f)
        } else {
            $query.iter_mut().for_each($f)
        }
    };
}

/// How bevy cuts a per-voter query across threads: eight batches per thread rather than its
/// default of one, so that a thread held up by the OS (two cores, with bevy's and rayon's
/// workers both awake) leaves batches for the others to take instead of finishing alone.
/// Measured 2–3% faster at 1M voters on two threads; any batching gives the same results.
pub const VOTER_BATCHES: bevy_ecs::batching::BatchingStrategy =
    bevy_ecs::batching::BatchingStrategy { batch_size_limits: 1..usize::MAX, batches_per_thread: 8 };
pub(crate) use for_each_voter;

/// `(0..n).map(f).collect()`, across threads when `parallel` (the same result either way).
pub fn map_voters<T: Send>(n: usize, parallel: bool, f: impl Fn(usize) -> T + Send + Sync) -> Vec<T> {
    let mut out = Vec::new();
    map_voters_into(&mut out, n, parallel, f);
    out
}

/// [`map_voters`] into `out`, reusing its allocation: buffers kept from one day to the next
/// spare the page faults of a fresh allocation (large ones are mapped anew every time).
pub fn map_voters_into<T: Send>(out: &mut Vec<T>, n: usize, parallel: bool, f: impl Fn(usize) -> T + Send + Sync) {
    use rayon::prelude::*;
    out.clear();
    if parallel {
        out.par_extend((0..n).into_par_iter().map(f));
    } else {
        out.extend((0..n).map(f));
    }
}

/// Fill two arrays of `width` entries per voter, by `f(voter, row_a, row_b)`: across threads when
/// `parallel` (the same result either way, as each call writes only its own rows).
pub fn fill_rows<A: Send, B: Send>(
    a: &mut [A],
    b: &mut [B],
    width: usize,
    parallel: bool,
    f: impl Fn(usize, &mut [A], &mut [B]) + Send + Sync,
) {
    use rayon::prelude::*;
    /// Voters per parallel task: large enough that splitting costs little.
    const CHUNK: usize = 4096;
    let width = width.max(1);
    let chunk = |(c, (rows_a, rows_b)): (usize, (&mut [A], &mut [B]))| {
        for (k, (row_a, row_b)) in rows_a.chunks_mut(width).zip(rows_b.chunks_mut(width)).enumerate() {
            f(c * CHUNK + k, row_a, row_b);
        }
    };
    if parallel {
        a.par_chunks_mut(CHUNK * width).zip(b.par_chunks_mut(CHUNK * width)).enumerate().for_each(chunk);
    } else {
        a.chunks_mut(CHUNK * width).zip(b.chunks_mut(CHUNK * width)).enumerate().for_each(chunk);
    }
}

/// Voters per task of the table passes ([`TableRows::fill`], [`reduce_rows`]): fixed, so that
/// the chunks, and the order in which their partial results are combined, do not depend on the
/// thread count.
pub const ROW_CHUNK: usize = 16_384;

/// Where the rows of one ECS table sit in the arrays indexed by `VoterId` (read with the
/// query's `contiguous_iter`, which hands out a table's columns as plain slices).
#[derive(Clone, Copy, Debug)]
pub enum TableRows<'a> {
    /// Row `k` is voter `start + k` for the table's `len` rows, as spawning in `VoterId` order
    /// makes them: columns and arrays line up, and both can be cut into the same chunks.
    Consecutive {
        /// The voter in row 0.
        start: usize,
        /// Rows in the table.
        len: usize,
    },
    /// Any other order: row `k` is voter `ids[k]`.
    Scattered(&'a [VoterId]),
}

impl<'a> TableRows<'a> {
    /// The layout of a table whose rows hold these voters.
    pub fn of(ids: &'a [VoterId]) -> TableRows<'a> {
        let start = ids.first().map_or(0, |id| id.0 as usize);
        if ids.iter().enumerate().all(|(k, id)| id.0 as usize == start + k) {
            TableRows::Consecutive { start, len: ids.len() }
        } else {
            TableRows::Scattered(ids)
        }
    }

    /// Write `f(k)` at the array entry of each of the table's rows `k`: across threads in fixed
    /// chunks when `parallel` and the rows are consecutive, in row order otherwise (each entry is
    /// written once, so the result is the same either way).
    pub fn fill<T: Send>(self, out: &mut [T], parallel: bool, f: impl Fn(usize) -> T + Send + Sync) {
        match self {
            TableRows::Consecutive { start, len } => {
                use rayon::prelude::*;
                let chunk = |(c, part): (usize, &mut [T])| {
                    for (k, entry) in part.iter_mut().enumerate() {
                        *entry = f(c * ROW_CHUNK + k);
                    }
                };
                let rows = &mut out[start..start + len];
                if parallel { rows.par_chunks_mut(ROW_CHUNK).enumerate().for_each(chunk) } else { chunk((0, rows)) }
            }
            TableRows::Scattered(ids) => {
                for (k, id) in ids.iter().enumerate() {
                    out[id.0 as usize] = f(k);
                }
            }
        }
    }
}

/// `f` over consecutive chunks of [`ROW_CHUNK`] of `0..len`, across threads when `parallel`,
/// with the results in chunk order: a reduction that combines them in that order gives the same
/// bits for any thread count.
pub fn reduce_rows<P: Send>(
    len: usize,
    parallel: bool,
    f: impl Fn(std::ops::Range<usize>) -> P + Send + Sync,
) -> Vec<P> {
    use rayon::prelude::*;
    let chunk = |c: usize| f(c * ROW_CHUNK..((c + 1) * ROW_CHUNK).min(len));
    let chunks = len.div_ceil(ROW_CHUNK);
    if parallel { (0..chunks).into_par_iter().map(chunk).collect() } else { (0..chunks).map(chunk).collect() }
}

/// `2^(−dt/half_life)`: the share of something left after `dt` days.
#[inline]
pub fn decay_factor(dt: f64, half_life_days: f64) -> f32 {
    (-dt / half_life_days).exp2() as f32
}

/// Round `x ≥ 0` up or down at random so the expectation is `x`.
#[inline]
pub fn stochastic_round(x: f64, u: f64) -> u32 {
    let floor = x.floor();
    floor as u32 + u32::from(u < x - floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phase_is_listed_once_with_its_profile_name() {
        let names: Vec<&str> = Phase::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(
            names,
            [
                "calendar & policy",
                "data collection",
                "targeting",
                "feed & exposure",
                "opinion & affect",
                "turnout",
                "metrics"
            ]
        );
        for (k, phase) in Phase::ALL.iter().enumerate() {
            assert!(!Phase::ALL[..k].contains(phase), "{phase:?} listed twice");
        }
    }

    #[test]
    fn the_phase_timer_times_every_phase() {
        let scenario = std::sync::Arc::new(crate::sim::testing::tiny_scenario(""));
        let (_, build, seconds) =
            crate::sim::run_replicate_profiled(scenario, 0, false, || true).expect("not cancelled");
        assert!(build > 0.0);
        for (phase, t) in Phase::ALL.iter().zip(seconds) {
            assert!(t > 0.0, "{phase:?} not timed");
        }
    }

    #[test]
    fn table_rows_fill_the_entries_of_their_voters_in_either_layout() {
        let ids: Vec<VoterId> = (3..8).map(VoterId).collect();
        let rows = TableRows::of(&ids);
        assert!(matches!(rows, TableRows::Consecutive { start: 3, len: 5 }));
        for parallel in [false, true] {
            let mut out = vec![0u32; 9];
            rows.fill(&mut out, parallel, |k| 10 + k as u32);
            assert_eq!(out, [0, 0, 0, 10, 11, 12, 13, 14, 0]);
        }
        let shuffled = [VoterId(2), VoterId(0), VoterId(1)];
        let rows = TableRows::of(&shuffled);
        assert!(matches!(rows, TableRows::Scattered(_)));
        let mut out = vec![0u32; 3];
        rows.fill(&mut out, true, |k| 10 + k as u32);
        assert_eq!(out, [11, 12, 10]);
    }

    #[test]
    fn reduce_rows_cuts_fixed_chunks_in_order_for_any_thread_count() {
        let len = 2 * ROW_CHUNK + 5;
        let sequential = reduce_rows(len, false, |r| (r.start, r.end));
        assert_eq!(sequential, [(0, ROW_CHUNK), (ROW_CHUNK, 2 * ROW_CHUNK), (2 * ROW_CHUNK, len)]);
        assert_eq!(reduce_rows(len, true, |r| (r.start, r.end)), sequential);
        assert!(reduce_rows(0, true, |r| r.len()).is_empty());
    }
}
