//! The simulation: building a replicate's world (voters, network, resources) and running its
//! schedule through the timetable. Reads a validated scenario; returns the replicate's metrics.

pub mod demography;
pub mod media;
pub mod network;
pub mod population;
pub mod resources;
pub mod rng;
pub mod timeline;

use crate::metrics::MetricsLog;
use crate::phases;
use crate::phases::data_collection::BrokerMarket;
use crate::phases::targeting::{CampaignLedger, TargetingPlan};
use crate::scenario::Scenario;
use bevy_ecs::prelude::*;
use bevy_tasks::{ComputeTaskPool, TaskPoolBuilder};
use network::{NetworkParams, NodeAttrs};
use resources::*;
use std::sync::Arc;

/// Size the process-wide thread pools (bevy's compute pool and rayon's global pool). The first
/// call wins; later calls keep the existing pools. Results do not depend on the thread count.
pub fn init_threads(threads: usize) {
    let threads = threads.max(1);
    ComputeTaskPool::get_or_init(|| TaskPoolBuilder::new().num_threads(threads).build());
    // An error means rayon's pool already exists, which is fine.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
}

/// A replicate's world and schedule, ready to step.
pub struct Simulation {
    /// The ECS world.
    pub world: World,
    schedule: Schedule,
    steps: usize,
}

impl Simulation {
    /// Build replicate `replicate` of a scenario: sample and calibrate the electorate, insert the
    /// resources and initialise the schedule, spawn the voters, then generate the network.
    pub fn new(scenario: Arc<Scenario>, replicate: u32) -> Simulation {
        // Tests and library users may not have sized the pools; default to all cores.
        ComputeTaskPool::get_or_init(|| TaskPoolBuilder::default().build());
        let s = &*scenario;
        let mut electorate = population::sample(s, replicate);
        let market = BrokerMarket::new(s);
        for v in &mut electorate.voters {
            v.footprint.0 = market.steady_footprint(v.traits.media_diet, v.traits.consent);
        }
        let mut table = VoterTable {
            cohort: electorate.voters.iter().map(|v| v.demography.cohort).collect(),
            place: electorate.voters.iter().map(|v| v.demography.place).collect(),
            born: electorate.voters.iter().map(|v| v.demography.born).collect(),
            dies: electorate.voters.iter().map(|v| v.demography.dies).collect(),
            reactivity: electorate.voters.iter().map(|v| v.traits.reactivity).collect(),
            cohort_sizes: vec![0; s.population.cohorts.len()],
            first_death: electorate
                .voters
                .iter()
                .map(|v| v.demography.dies)
                .filter(|&d| d != crate::agents::Demography::NEVER)
                .min()
                .map_or(f64::INFINITY, |d| f64::from(s.timeline.start_year) + f64::from(d) / 4.0),
        };
        for &c in &table.cohort {
            table.cohort_sizes[c as usize] += 1;
        }
        let diet = InformationDiet::of(electorate.voters.iter().map(|v| &v.traits));
        let n = electorate.voters.len();
        // Resources first: bevy 0.20 keeps each resource as a sparse-set component on an entity
        // of its own, whose sparse array is as long as that entity's index. Inserted after a
        // million voters, each resource would cost 4 B per voter.
        let mut world = World::new();
        // The sample's electorate at the first election stands for `represents` real voters.
        let first_year = f64::from(s.timeline.start_year);
        let eligible = table
            .born
            .iter()
            .zip(&table.dies)
            .filter(|&(&b, &d)| phases::turnout::eligible(s, b, d, first_year))
            .count();
        let scale = s.population.represents.map_or(1.0, |r| eligible as f64 / r as f64);
        let timetable = timeline::plan(&s.timeline);
        let steps = timetable.len();
        world.insert_resource(RunParams { scenario: scenario.clone(), replicate, scale, parallel: true });
        world.insert_resource(Clock::default());
        world.insert_resource(Timetable(timetable));
        world.insert_resource(Graph::default());
        world.insert_resource(Snapshot::new(n));
        world.insert_resource(electorate.turnout);
        world.insert_resource(table);
        world.insert_resource(diet);
        world.insert_resource(market);
        world.insert_resource(TargetingPlan::default());
        world.insert_resource(CampaignLedger::default());
        world.insert_resource(MetricsLog::default());
        world.insert_resource(phases::PhaseTimes::default());
        let mut schedule = phases::build_schedule();
        // Initialising the systems inserts the resources they declare (before the voters too).
        schedule.initialize(&mut world).expect("the step schedule is valid");
        // Voters before the network: the graph's edge lists are built after the sampled
        // electorate has been released, so the two never take memory at the same time.
        let ideology: Vec<f32> = electorate.voters.iter().map(|v| v.ideology.x).collect();
        // One batch of known length: the tables are sized once, row k is voter k.
        world.spawn_batch(electorate.voters);
        let net = &s.network;
        let graph = network::generate(
            &NetworkParams {
                mean_degree: net.mean_degree,
                homophily: net.homophily,
                locality: net.locality,
                offline_share: net.offline_share,
            },
            &NodeAttrs {
                place: &world.resource::<VoterTable>().place,
                ideology: &ideology,
                places: s.population.places as usize,
            },
            s.seed,
            replicate,
        );
        world.resource_mut::<Graph>().0 = graph;
        Simulation { world, schedule, steps }
    }

    /// Whether per-voter loops spread over the thread pool (on by default). Turn it off when
    /// other replicates already keep every thread busy: the results are bit-identical either way,
    /// and one thread per replicate avoids the cost of splitting every loop.
    pub fn set_parallel_voters(&mut self, on: bool) {
        self.world.resource_mut::<RunParams>().parallel = on;
    }

    /// Number of steps in the run.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Simulate one step.
    pub fn step(&mut self) {
        self.schedule.run(&mut self.world);
    }

    /// Simulate every step and return the metrics. `keep_going` is called after each step (to
    /// report progress and to ask whether to go on); when it returns `false` the run stops there
    /// and returns [`Cancelled`].
    pub fn run(mut self, keep_going: impl FnMut() -> bool) -> Result<MetricsLog, Cancelled> {
        if self.run_steps(keep_going) { Ok(self.into_log()) } else { Err(Cancelled) }
    }

    /// Simulate every step and return the metrics, with no way to stop early.
    pub fn run_to_end(mut self) -> MetricsLog {
        self.run_steps(|| true);
        self.into_log()
    }

    /// Step to the end unless `keep_going` returns `false`; whether the end was reached.
    fn run_steps(&mut self, mut keep_going: impl FnMut() -> bool) -> bool {
        for _ in 0..self.steps {
            self.step();
            if !keep_going() {
                return false;
            }
        }
        true
    }

    fn into_log(mut self) -> MetricsLog {
        self.world.remove_resource::<MetricsLog>().unwrap_or_default()
    }
}

/// A run stopped early because its caller's `keep_going` callback returned `false`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the run was cancelled before it finished")]
pub struct Cancelled;

/// Run one replicate to the end, calling `keep_going` after each step (see [`Simulation::run`]);
/// pass `|| true` to run to the end unconditionally.
/// `parallel_voters` as in [`Simulation::set_parallel_voters`].
pub fn run_replicate(
    scenario: Arc<Scenario>,
    replicate: u32,
    parallel_voters: bool,
    keep_going: impl FnMut() -> bool,
) -> Result<MetricsLog, Cancelled> {
    let mut sim = Simulation::new(scenario, replicate);
    sim.set_parallel_voters(parallel_voters);
    sim.run(keep_going)
}

/// Run one replicate to the end, with no way to stop early.
pub fn run_replicate_to_end(scenario: Arc<Scenario>, replicate: u32) -> MetricsLog {
    Simulation::new(scenario, replicate).run_to_end()
}

/// Run one replicate and measure the wall-clock time of each phase (in [`phases::Phase::ALL`]
/// order), plus the time to build the world. `parallel_voters` as in
/// [`Simulation::set_parallel_voters`], `keep_going` as in [`Simulation::run`].
pub fn run_replicate_profiled(
    scenario: Arc<Scenario>,
    replicate: u32,
    parallel_voters: bool,
    keep_going: impl FnMut() -> bool,
) -> Result<(MetricsLog, f64, [f64; phases::Phase::COUNT]), Cancelled> {
    let start = std::time::Instant::now();
    let mut sim = Simulation::new(scenario, replicate);
    sim.set_parallel_voters(parallel_voters);
    let build = start.elapsed().as_secs_f64();
    sim.world.resource_mut::<phases::PhaseTimes>().enabled = true;
    if !sim.run_steps(keep_going) {
        return Err(Cancelled);
    }
    let times = sim.world.resource::<phases::PhaseTimes>().seconds;
    Ok((sim.into_log(), build, times))
}

/// Tiny worlds for the phases' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A 60-voter scenario with one short campaign, plus extra top-level fields in RON.
    pub fn tiny_scenario(extra: &str) -> Scenario {
        let text = format!(
            "Scenario(name: \"tiny\", population: Population(size: 60, places: 2), network: Network(mean_degree: 6.0), \
             timeline: Timeline(elections: 1, campaign_days: 5), {extra})"
        );
        ron::from_str(&text).expect("a valid tiny scenario")
    }

    /// A world for [`tiny_scenario`].
    pub fn tiny_world(extra: &str) -> Simulation {
        Simulation::new(Arc::new(tiny_scenario(extra)), 0)
    }

    /// A world for [`tiny_scenario`] after its first step.
    pub fn stepped_world(extra: &str) -> Simulation {
        let mut sim = tiny_world(extra);
        sim.step();
        sim
    }

    /// Every voter's value of a component, in `VoterId` order.
    pub fn column<T: Component + Copy>(sim: &mut Simulation) -> Vec<T> {
        let mut q = sim.world.query::<(&crate::agents::VoterId, &T)>();
        let mut rows: Vec<(u32, T)> = q.iter(&sim.world).map(|(id, t)| (id.0, *t)).collect();
        rows.sort_by_key(|r| r.0);
        rows.into_iter().map(|r| r.1).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::tiny_world;
    use super::*;

    #[test]
    fn a_run_stops_after_the_step_at_which_keep_going_says_no() {
        let sim = tiny_world("");
        assert!(sim.steps() > 3);
        let mut calls = 0;
        let outcome = sim.run(|| {
            calls += 1;
            calls < 3
        });
        assert_eq!(outcome, Err(Cancelled));
        assert_eq!(calls, 3);
    }

    #[test]
    fn a_run_that_is_never_stopped_equals_a_run_to_the_end() {
        let steps = tiny_world("").steps();
        let mut calls = 0;
        let log = tiny_world("").run(|| {
            calls += 1;
            true
        });
        assert_eq!(calls, steps);
        assert_eq!(log.ok(), Some(tiny_world("").run_to_end()));
    }

    #[test]
    fn voters_sit_in_the_tables_in_voter_id_order() {
        // `phases::TableRows` relies on it to line table columns up with per-voter arrays.
        let mut sim = tiny_world("");
        let n = sim.world.resource::<VoterTable>().cohort.len();
        let ids: Vec<u32> = sim.world.query::<&crate::agents::VoterId>().iter(&sim.world).map(|id| id.0).collect();
        assert_eq!(ids, (0..n as u32).collect::<Vec<_>>());
    }

    #[test]
    fn sequential_and_parallel_voter_loops_give_the_same_run() {
        // Every mechanism on, so that every phase's loop is exercised.
        let extra = "parties: [Party(name: \"A\", position: -0.3, budget: 50.0, campaign: Campaign(targeting: Micro)), \
                     Party(name: \"B\", position: 0.3, budget: 50.0)], brokers: [Broker(name: \"D\")], \
                     bots: Some(Bots(share: 0.05, stance: 0.5, posts_per_day: 20.0, misinformation: 0.3, hate: 0.2))";
        let parallel = tiny_world(extra).run_to_end();
        let mut sim = tiny_world(extra);
        sim.set_parallel_voters(false);
        assert_eq!(sim.run_to_end(), parallel);
    }
}
