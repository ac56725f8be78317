//! Phase 1, calendar and policy: advance the clock, reset per-campaign counters when a campaign
//! starts, and copy last step's state into the `Snapshot` every other phase reads.
//! Reads `Timetable`, `VoterTable` (who has died), voter state; writes `Clock`, `Snapshot`,
//! `Exposure`.

use super::{Phase, TableRows};
use crate::agents::*;
use crate::sim::resources::{Clock, Post, RunParams, Snapshot, Timetable, VoterTable};
use crate::sim::timeline;
use bevy_ecs::prelude::*;

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    schedule.add_systems((advance_clock, start_campaign, take_snapshot).chain().in_set(Phase::Calendar));
}

/// Move the clock to the next step of the timetable.
pub fn advance_clock(mut clock: ResMut<Clock>, timetable: Res<Timetable>, params: Res<RunParams>) {
    let step = if clock.plan.is_some() { clock.step + 1 } else { 0 };
    let plan = timetable.0.get(step).copied();
    clock.step = step;
    clock.plan = plan;
    if let Some(p) = plan {
        clock.year = timeline::year_of(&params.scenario.timeline, p.start_day + p.dt);
    }
}

/// On the first day of a campaign, reset the campaign's exposure counters.
pub fn start_campaign(params: Res<RunParams>, clock: Res<Clock>, mut voters: Query<&mut Exposure>) {
    if clock.plan.is_some_and(|p| p.campaign.is_some() && p.campaign_day == 0) {
        super::for_each_voter!(voters, params.parallel, |mut e| {
            let total = e.misinformation_total;
            *e = Exposure { misinformation_total: total, ..Exposure::default() };
        });
    }
}

/// Copy last step's state into flat arrays indexed by `VoterId`, table column by column.
#[allow(clippy::type_complexity)]
pub fn take_snapshot(
    params: Res<RunParams>,
    clock: Res<Clock>,
    table: Res<VoterTable>,
    mut snapshot: ResMut<Snapshot>,
    voters: Query<(
        &VoterId,
        &Ideology,
        &Affect,
        &CampaignContact,
        &VotingRecord,
        &Trust,
        &DataFootprint,
        &Belief,
        &Exposure,
        &Traits,
    )>,
) {
    let sharing = params.scenario.misinformation.sharing as f32;
    let (s, parallel) = (&mut *snapshot, params.parallel);
    let departed = table.departed(params.scenario.timeline.start_year, clock.year);
    let tables = voters.contiguous_iter().expect("voter components are stored in tables");
    for (ids, ideology, affect, campaign, record, trust, footprint, belief, exposure, traits) in tables {
        let rows = TableRows::of(ids);
        rows.fill(&mut s.ideology, parallel, |k| ideology[k].x);
        // Graded sharing: a voter passes misinformation on in proportion to its belief and its
        // affinity for unreliable sources (docs/MODEL.md §7.5). The dead post nothing that carries
        // emotion or a false story (§7.11).
        rows.fill(&mut s.posts, parallel, |k| {
            if !departed.contains(ids[k].0) {
                Post::new(ideology[k].x, affect[k].arousal, sharing * belief[k].0 * traits[k].affinity())
            } else {
                Post::new(ideology[k].x, 0.0, 0.0)
            }
        });
        rows.fill(&mut s.contact, parallel, |k| campaign[k].face_to_face);
        rows.fill(&mut s.habit, parallel, |k| record[k].habit);
        rows.fill(&mut s.trust, parallel, |k| trust[k].value);
        rows.fill(&mut s.footprint, parallel, |k| footprint[k].0);
        rows.fill(&mut s.ad_stock, parallel, |k| exposure[k].ad_stock);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing::{column, stepped_world, tiny_world};

    #[test]
    fn the_first_step_is_the_first_campaign_day_and_the_snapshot_copies_the_voters() {
        let mut sim = stepped_world("");
        let clock = sim.world.resource::<Clock>().clone();
        assert_eq!(clock.step, 0);
        assert!(clock.in_campaign());
        let ideology: Vec<Ideology> = column(&mut sim);
        // The snapshot was taken before this step's opinion phase: it holds the starting anchors.
        let snapshot = sim.world.resource::<Snapshot>();
        assert!(ideology.iter().zip(&snapshot.ideology).all(|(i, &x)| i.anchor == x));
    }

    #[test]
    fn the_clock_walks_the_whole_timetable() {
        let mut sim = tiny_world("");
        for _ in 0..sim.steps() {
            sim.step();
        }
        assert_eq!(sim.world.resource::<Clock>().election(), Some(0));
        assert_eq!(sim.world.resource::<Clock>().step + 1, sim.steps());
    }
}
