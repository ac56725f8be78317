//! Engine benchmarks: named configurations, small (100k voters) and large (1M voters),
//! in the spirit of Mesa's `benchmarks/configurations.py`. See `docs/PERFORMANCE.md`.
//!
//! - `bounded_confidence/<size>`: the pure bounded-confidence configuration — the built-in
//!   baseline with no campaign money, no bots, no stories, no brokers, mean degree 10 and no
//!   opinion noise — stepped through campaign days by the full engine.
//! - `plain_loop/100k`: the machine's limit — a plain single-thread loop doing the same
//!   bounded-confidence update (one random online neighbour read from a snapshot array, a move by
//!   μ when within ε, written into the voter's own array) over the same CSR graph, with one RNG.
//! - `plain_loop_streams/100k`: the same loop, but opening votelab's per-voter random stream
//!   for every voter as the engine does (isolates the cost of counter-based streams).
//! - `bounded_confidence_bare/100k`: the same with the feed, offline ties, ranking and anchors
//!   off too: the plain loop's update inside the engine.
//! - `baseline_campaign_day/<size>`: the full baseline (campaigns, brokers, bots, stories)
//!   stepped through campaign days.
//! - `phase/<name>/100k`: the time one phase of the full baseline takes per campaign day, read
//!   from the engine's own phase timer (`PhaseTimes`, as `votelab run --profile` does).
//!
//! Every benchmark's throughput is in voters per step (voter-days/s); on a campaign day each voter
//! has `influence.interactions_per_day` = 1 interaction, so interactions/s is the same figure.
//!
//! Environment: `VOTELAB_BENCH_LARGE=1` adds the 1M-voter configurations;
//! `VOTELAB_BENCH_THREADS=N` sizes the engine's thread pools (default: all cores).

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg32;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use votelab::graph::Csr;
use votelab::phases::{Phase, PhaseTimes};
use votelab::scenario::{self, Limits, Override, Rule, Scenario, SourceRef};
use votelab::sim::Simulation;
use votelab::sim::resources::{Graph, Snapshot};
use votelab::sim::rng::{self, tag};

/// 100k voters: the small configurations.
const SMALL: u64 = 100_000;
/// 1M voters: the large configurations (only with `VOTELAB_BENCH_LARGE=1`).
const LARGE: u64 = 1_000_000;

/// Overrides of the baseline that leave only bounded-confidence social influence doing work.
/// (Party budgets are zeroed for every party the baseline has, see [`bounded_confidence`].)
const BOUNDED_CONFIDENCE: &[&str] =
    &["bots=None", "misinformation.stories_per_day=0.0", "brokers=[]", "network.mean_degree=10", "influence.noise=0.0"];

/// Further overrides for `bounded_confidence_bare`: no feed items, no offline ties, chronological
/// ranking and no anchors, so the update is the plain loop's (one random online neighbour, a move
/// by μ within ε) and what remains is the engine's own cost (snapshot, streams, relaxation,
/// daily metrics). The cohorts' own stubbornness is cleared in [`bounded_confidence_bare`].
const BARE: &[&str] = &[
    "network.offline_share=0.0",
    "platform.political_share=0.0",
    "platform.ranking=Chronological",
    "influence.stubbornness=0.0",
];

/// Load the built-in baseline with `--set`-style overrides.
fn load(sets: &[String]) -> Arc<Scenario> {
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).expect("override")).collect();
    let read = |p: &Path| std::fs::read_to_string(p);
    let loaded = scenario::load(&SourceRef::Builtin("baseline".into()), &overrides, &read, &Limits::default())
        .expect("valid scenario");
    Arc::new(loaded.scenario)
}

/// The full baseline at `size` voters, one election (one 90-day campaign).
fn baseline(size: u64) -> Arc<Scenario> {
    load(&[format!("population.size={size}"), "timeline.elections=1".into()])
}

/// The pure bounded-confidence configuration at `size` voters, one election.
fn bounded_confidence(size: u64) -> Arc<Scenario> {
    load(&bounded_confidence_sets(size))
}

/// The overrides of [`bounded_confidence`]: every party's budget zeroed, then `BOUNDED_CONFIDENCE`.
fn bounded_confidence_sets(size: u64) -> Vec<String> {
    let parties = baseline(100).parties.len();
    let mut sets: Vec<String> = vec![format!("population.size={size}"), "timeline.elections=1".into()];
    sets.extend((0..parties).map(|p| format!("parties[{p}].budget=0.0")));
    sets.extend(BOUNDED_CONFIDENCE.iter().map(|s| s.to_string()));
    sets
}

/// [`bounded_confidence`] with the feed, offline ties, ranking and anchors switched off too.
fn bounded_confidence_bare(size: u64) -> Arc<Scenario> {
    let mut sets = bounded_confidence_sets(size);
    let cohorts = baseline(100).population.cohorts.len();
    sets.extend((0..cohorts).map(|c| format!("population.cohorts[{c}].stubbornness=None")));
    sets.extend(BARE.iter().map(|s| s.to_string()));
    load(&sets)
}

/// Time `sim.step()` in criterion group `name` at `size` voters.
fn bench_steps(c: &mut Criterion, name: &str, stepper: &mut Stepper, size: u64, measure: u64) {
    let mut group = c.benchmark_group(name);
    configure(&mut group, measure);
    group.throughput(Throughput::Elements(size));
    group.bench_function(BenchmarkId::from_parameter(label(size)), |b| b.iter_custom(|n| stepper.time_steps(n)));
    group.finish();
}

/// A simulation stepped through its timetable (one campaign), rebuilt — outside the timed
/// region — when the campaign is over, so every timed step is a campaign day.
struct Stepper {
    scenario: Arc<Scenario>,
    sim: Option<Simulation>,
    done: usize,
    profile: bool,
}

impl Stepper {
    fn new(scenario: Arc<Scenario>) -> Stepper {
        let mut s = Stepper { scenario, sim: None, done: 0, profile: false };
        s.ready();
        s
    }

    /// The simulation, rebuilt if its campaign is over.
    fn ready(&mut self) -> &mut Simulation {
        if self.sim.as_ref().is_none_or(|sim| self.done >= sim.steps()) {
            self.sim = None; // free the old world before building the next one
            let mut sim = Simulation::new(self.scenario.clone(), 0);
            sim.world.resource_mut::<PhaseTimes>().enabled = self.profile;
            self.sim = Some(sim);
            self.done = 0;
        }
        self.sim.as_mut().expect("built")
    }

    /// Time `iters` steps.
    fn time_steps(&mut self, iters: u64) -> Duration {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let sim = self.ready();
            let start = Instant::now();
            sim.step();
            total += start.elapsed();
            self.done += 1;
        }
        total
    }

    /// Run `iters` steps and return the time phase `phase` took in them (engine's phase timer).
    fn time_phase(&mut self, iters: u64, phase: usize) -> Duration {
        let mut total = 0.0;
        for _ in 0..iters {
            let sim = self.ready();
            let before = sim.world.resource::<PhaseTimes>().seconds[phase];
            sim.step();
            total += sim.world.resource::<PhaseTimes>().seconds[phase] - before;
            self.done += 1;
        }
        Duration::from_secs_f64(total)
    }
}

/// The reference loop: one day of bounded confidence over `graph`, reading `x`, writing `out`.
/// Each voter with a neighbour draws one uniformly and moves by μ toward it if within ε.
#[inline(never)]
fn plain_loop_day(graph: &Csr, x: &[f32], out: &mut [f32], rng: &mut Pcg32, epsilon: f32, mu: f32) {
    for (v, (&xi, y)) in x.iter().zip(out.iter_mut()).enumerate() {
        let neighbours = graph.neighbours(v as u32);
        *y = xi;
        if !neighbours.is_empty() {
            let j = neighbours[rng.random_range(0..neighbours.len())];
            let d = x[j as usize] - xi;
            if d.abs() < epsilon {
                *y = xi + mu * d;
            }
        }
    }
}

/// The same loop, opening votelab's counter-based stream for every voter as the engine does.
#[inline(never)]
fn plain_loop_streams_day(graph: &Csr, x: &[f32], out: &mut [f32], day: u64, epsilon: f32, mu: f32) {
    for (v, (&xi, y)) in x.iter().zip(out.iter_mut()).enumerate() {
        let neighbours = graph.neighbours(v as u32);
        *y = xi;
        if !neighbours.is_empty() {
            let mut rng = rng::stream(1, 0, tag::OPINION, v as u64, day);
            let j = neighbours[rng.random_range(0..neighbours.len())];
            let d = x[j as usize] - xi;
            if d.abs() < epsilon {
                *y = xi + mu * d;
            }
        }
    }
}

/// Engine thread pools, from `VOTELAB_BENCH_THREADS` (default: all cores). Call before any world
/// is built.
fn init_threads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let threads = std::env::var("VOTELAB_BENCH_THREADS").ok().and_then(|t| t.parse().ok());
        let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        votelab::sim::init_threads(threads);
        eprintln!("votelab engine bench: {threads} engine thread(s)");
    });
}

/// Short, flat-sampled measurements: steps take milliseconds to a second.
fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, measure_secs: u64) {
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(measure_secs));
}

/// Label of a population size.
fn label(size: u64) -> String {
    if size >= 1_000_000 { format!("{}M", size / 1_000_000) } else { format!("{}k", size / 1000) }
}

/// `bounded_confidence/<size>` and, at 100k, the plain loops over the same graph.
fn bench_bounded_confidence(c: &mut Criterion, size: u64, with_plain_loop: bool) {
    let scenario = bounded_confidence(size);
    let Rule::BoundedConfidence { epsilon, mu } = scenario.influence.rule else {
        panic!("the baseline's rule is bounded confidence")
    };
    let mut stepper = Stepper::new(scenario);
    let measure = if size >= LARGE { 10 } else { 4 };

    bench_steps(c, "bounded_confidence", &mut stepper, size, measure);

    if !with_plain_loop {
        return;
    }
    // The same online CSR graph the engine uses, and its voters' opinions after one step.
    let sim = stepper.ready();
    sim.step();
    stepper.done += 1;
    let sim = stepper.sim.as_ref().expect("built");
    let graph = sim.world.resource::<Graph>().0.online.clone();
    let start = sim.world.resource::<Snapshot>().ideology.clone();
    drop(stepper);
    let (epsilon, mu) = (epsilon as f32, mu as f32);

    let mut group = c.benchmark_group("plain_loop");
    configure(&mut group, 3);
    group.throughput(Throughput::Elements(size));
    let (mut x, mut out) = (start.clone(), vec![0.0f32; start.len()]);
    let mut rng = Pcg32::seed_from_u64(1);
    group.bench_function(BenchmarkId::from_parameter(label(size)), |b| {
        b.iter(|| {
            plain_loop_day(&graph, &x, &mut out, &mut rng, epsilon, mu);
            std::mem::swap(&mut x, &mut out);
            black_box(&x);
        })
    });
    group.finish();

    let mut group = c.benchmark_group("plain_loop_streams");
    configure(&mut group, 3);
    group.throughput(Throughput::Elements(size));
    let (mut x, mut out) = (start.clone(), vec![0.0f32; start.len()]);
    let mut day = 0u64;
    group.bench_function(BenchmarkId::from_parameter(label(size)), |b| {
        b.iter(|| {
            plain_loop_streams_day(&graph, &x, &mut out, day, epsilon, mu);
            std::mem::swap(&mut x, &mut out);
            day += 1;
            black_box(&x);
        })
    });
    group.finish();
}

/// `baseline_campaign_day/<size>` and, at 100k, `phase/<name>/100k`.
fn bench_baseline(c: &mut Criterion, size: u64, with_phases: bool) {
    let mut stepper = Stepper::new(baseline(size));
    let measure = if size >= LARGE { 20 } else { 5 };

    bench_steps(c, "baseline_campaign_day", &mut stepper, size, measure);

    if !with_phases {
        return;
    }
    stepper.profile = true;
    stepper.sim.as_mut().expect("built").world.resource_mut::<PhaseTimes>().enabled = true;
    let mut group = c.benchmark_group("phase");
    configure(&mut group, 2);
    group.throughput(Throughput::Elements(size));
    for (k, phase) in Phase::ALL.into_iter().enumerate() {
        let id: String = phase
            .name()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        group.bench_function(BenchmarkId::new(id, label(size)), |b| b.iter_custom(|n| stepper.time_phase(n, k)));
    }
    group.finish();
}

/// 100k voters: every configuration.
fn small(c: &mut Criterion) {
    init_threads();
    bench_bounded_confidence(c, SMALL, true);
    bench_steps(c, "bounded_confidence_bare", &mut Stepper::new(bounded_confidence_bare(SMALL)), SMALL, 4);
    bench_baseline(c, SMALL, true);
}

/// 1M voters: bounded confidence and the full baseline, only with `VOTELAB_BENCH_LARGE=1`.
fn large(c: &mut Criterion) {
    if std::env::var("VOTELAB_BENCH_LARGE").as_deref() != Ok("1") {
        return;
    }
    init_threads();
    bench_bounded_confidence(c, LARGE, false);
    bench_baseline(c, LARGE, false);
}

criterion_group!(benches, small, large);
criterion_main!(benches);
