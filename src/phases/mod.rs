//! The phases of one step (DESIGN §2), as a chained `SystemSet`: each module registers its
//! systems in its phase, and the schedule runs the phases in this order every step.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};

pub mod calendar;
pub mod contact;
pub mod data_collection;
pub mod feed;
pub mod metrics;
pub mod opinion;
pub mod programmes;
pub mod targeting;
pub mod turnout;

/// The phases of a step, in order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Advance the date, age voters, switch programmes, reset campaigns, snapshot the state.
    Calendar,
    /// Brokers accumulate data footprints.
    DataCollection,
    /// Campaigns spend and fill ad inboxes.
    Targeting,
    /// Feeds, bots, stories, events.
    Feed,
    /// Social influence, persuasion and affect.
    Opinion,
    /// Election day: turnout, vote choice, habit.
    Turnout,
    /// Read-only metrics.
    Metrics,
}

/// Label of the simulation step schedule.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimStep;

/// The schedule of one step with every phase registered. Systems run one after another
/// (parallelism is inside the per-voter systems), which keeps ordering explicit.
pub fn build_schedule() -> Schedule {
    let mut schedule = Schedule::new(SimStep);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.configure_sets(
        (
            Phase::Calendar,
            Phase::DataCollection,
            Phase::Targeting,
            Phase::Feed,
            Phase::Opinion,
            Phase::Turnout,
            Phase::Metrics,
        )
            .chain(),
    );
    calendar::register(&mut schedule);
    programmes::register(&mut schedule);
    data_collection::register(&mut schedule);
    targeting::register(&mut schedule);
    feed::register(&mut schedule);
    contact::register(&mut schedule);
    opinion::register(&mut schedule);
    turnout::register(&mut schedule);
    metrics::register(&mut schedule);
    schedule
}

/// Run condition: the current step ends with an election.
pub fn election_day(clock: Res<crate::sim::resources::Clock>) -> bool {
    clock.election().is_some()
}

/// Run condition: the current step is a campaign day.
pub fn campaign_day(clock: Res<crate::sim::resources::Clock>) -> bool {
    clock.in_campaign()
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
