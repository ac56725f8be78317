//! Calibration: with no campaigning, each cohort's realised first-election turnout is within
//! 2 percentage points of its `baseline_turnout`.

use super::common::*;

#[test]
fn first_election_turnout_matches_each_cohorts_baseline_within_two_points() {
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
    for replicate in 0..2 {
        let log = votelab::sim::run_replicate_to_end(s.clone(), replicate);
        for cohort in &s.population.cohorts {
            let realised = log.elections[0].get(&["turnout_by_cohort", &cohort.name]).unwrap();
            assert!(
                (realised - cohort.baseline_turnout).abs() < 0.02,
                "{}: realised {realised:.4}, target {}",
                cohort.name,
                cohort.baseline_turnout
            );
        }
    }
}
