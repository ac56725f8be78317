//! Calibration: with no campaigning, each age group's realised first-election turnout is within
//! 2 percentage points of its target in `turnout.age_profile`.

use super::common::*;
use votelab::agents::{Demography, VotingRecord};
use votelab::phases::turnout::{age_group, age_group_names};
use votelab::sim::Simulation;

#[test]
fn first_election_turnout_matches_each_age_groups_target_within_two_points() {
    let quiet = builtin(
        "baseline",
        &[
            "population.size=40000",
            "timeline.elections=1",
            "parties[0].budget=0.0",
            "parties[1].budget=0.0",
            "bots=None",
            "misinformation.stories_per_day=0.0",
            "brokers=[]",
        ],
    );
    let s = shared(&quiet);
    let profile = &s.turnout.age_profile;
    let year = f64::from(s.timeline.start_year);
    for replicate in 0..2 {
        let mut sim = Simulation::new(s.clone(), replicate);
        for _ in 0..sim.steps() {
            sim.step();
        }
        let (mut eligible, mut voted) = (vec![0u32; profile.len()], vec![0u32; profile.len()]);
        let mut q = sim.world.query::<(&Demography, &VotingRecord)>();
        for (d, r) in q.iter(&sim.world).filter(|(_, r)| r.last_election == 0) {
            let g = age_group(profile, year - f64::from(d.born));
            eligible[g] += 1;
            voted[g] += u32::from(r.voted);
        }
        for (g, name) in age_group_names(profile).iter().enumerate() {
            let realised = f64::from(voted[g]) / f64::from(eligible[g]);
            assert!(
                (realised - profile[g].turnout).abs() < 0.02,
                "{name}: realised {realised:.4}, target {}",
                profile[g].turnout
            );
        }
    }
}
