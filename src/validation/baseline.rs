//! Reproductions on the full `baseline` dynamics (docs/VALIDATION.md): campaigns, data brokers,
//! engagement-ranked feeds, bots, false stories, anchors, noise and offline ties all on, as users
//! run it. Stylised facts of the age gradient of turnout and of the persistence of a first vote
//! (Meredith's eligibility discontinuity), read from simulated behaviour (the information
//! environment has its own family, `information`). Reads the engine; writes nothing.

use super::labs::load;
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::agents::{Demography, VoterId, VotingRecord};
use crate::metrics::MetricsLog;
use crate::scenario::Scenario;
use crate::sim::{self, Simulation};
use rayon::prelude::*;
use std::sync::Arc;

/// The family.
pub const FAMILY: Family = Family { name: "baseline", targets, measure };

const AGE_GAP: &str = "Full baseline: turnout gap oldest − youngest cohort at the third election";
const FIRST_VOTE: &str = "Full baseline: effect of a first vote on the next election (eligibility discontinuity)";

/// The declared targets.
pub fn targets() -> Vec<Target> {
    vec![
        Target::new(
            AGE_GAP,
            Kind::Reproduction,
            "US Census CPS: 65+ minus 18–29 turnout ≈ 27 pp (2012), 24.8 pp (2016)",
            Band::Between(0.2, 0.3),
        ),
        Target::new(
            FIRST_VOTE,
            Kind::Reproduction,
            "Meredith 2009 (turning 18 just before an election: ≈ +5 pp per first vote four years on)",
            Band::Between(0.03, 0.08),
        )
        .known_failure(
            "a first vote adds twice the later habit gain (turnout.habit.first_elections_gain 0.20 × habit_weight 4 \
             = 0.8 logit), so it raises turnout at the next election by about 20 points, four times Meredith's \
             estimate (docs/MODEL.md §9 row 21, §11)",
        ),
    ]
}

/// What one voter did at the first two elections.
#[derive(Clone, Copy, Default)]
struct Votes {
    /// Age at the first election, in years.
    age: f64,
    /// Voted at the first election.
    first: bool,
    /// Voted at the second election.
    second: bool,
}

/// One full run: the metrics log and every voter's age and votes at the first two elections.
fn run(s: Arc<Scenario>, replicate: u32) -> (MetricsLog, Vec<Votes>) {
    let plan = sim::timeline::plan(&s.timeline);
    let day = |k: usize| plan.iter().position(|p| p.election == Some(k));
    let (first, second) = (day(0), day(1));
    let year = sim::timeline::election_year(&s.timeline, 0);
    let mut sim = Simulation::new(s, replicate);
    let n = sim.world.query::<&VoterId>().iter(&sim.world).count();
    let mut votes = vec![Votes::default(); n];
    for step in 0..sim.steps() {
        sim.step();
        if Some(step) == first || Some(step) == second {
            let mut q = sim.world.query::<(&VoterId, &Demography, &VotingRecord)>();
            for (id, d, r) in q.iter(&sim.world) {
                let v = &mut votes[id.0 as usize];
                v.age = year - f64::from(d.born);
                if Some(step) == first {
                    v.first = r.last_election == 0 && r.voted;
                } else {
                    v.second = r.last_election == 1 && r.voted;
                }
            }
        }
    }
    (sim.world.remove_resource::<MetricsLog>().unwrap_or_default(), votes)
}

/// Meredith's regression discontinuity as a Wald estimate: voters who turned 18 in the year before
/// the first election against those who turned 18 in the year after it, compared at the second
/// election, divided by the first group's turnout at the first. (Neither group is young enough at
/// the second election for the at-home bonus, so their only difference is the first election.)
fn first_vote_effect(votes: &[Votes], voting_age: f64) -> Option<f64> {
    let group = |lo: f64| votes.iter().filter(move |v| v.age >= lo && v.age < lo + 1.0);
    let share = |it: Vec<bool>| it.iter().filter(|&&b| b).count() as f64 / it.len().max(1) as f64;
    let eligible: Vec<&Votes> = group(voting_age).collect();
    let too_young: Vec<&Votes> = group(voting_age - 1.0).collect();
    let complied = share(eligible.iter().map(|v| v.first).collect());
    let itt = share(eligible.iter().map(|v| v.second).collect()) - share(too_young.iter().map(|v| v.second).collect());
    (complied > 0.0 && !too_young.is_empty()).then(|| itt / complied)
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let voters = e.voters * 10;
    let s = load("builtin:baseline", &[("population.size", voters.to_string())]);
    let (young, old) = (s.population.cohorts[0].name.clone(), s.population.cohorts[s.population.cohorts.len() - 1].name.clone());
    let last = s.timeline.elections as usize - 1;
    let runs: Vec<(MetricsLog, Vec<Votes>)> = (0..e.runs).into_par_iter().map(|r| run(s.clone(), r)).collect();
    let voting_age = f64::from(s.population.voting_age);
    let first_vote: Vec<f64> = runs.iter().filter_map(|(_, v)| first_vote_effect(v, voting_age)).collect();
    let gap: Vec<f64> = runs
        .iter()
        .filter_map(|(log, ..)| {
            let e = log.elections.get(last)?;
            Some(e.get(&["turnout_by_cohort", &old])? - e.get(&["turnout_by_cohort", &young])?)
        })
        .collect();
    let setup = format!("built-in baseline, every mechanism on, {voters} voters, {} runs", e.runs);
    vec![
        Measured::new(
            AGE_GAP,
            format!("{setup}; turnout of {old} minus {young} at election {} (of {})", last + 1, last + 1),
            gap,
        ),
        Measured::new(
            FIRST_VOTE,
            format!(
                "{setup}; turnout at election 2 of voters aged {voting_age}–{} at election 1 minus that of voters \
                 a year younger, over the first group's turnout at election 1 (Wald estimate)",
                voting_age + 1.0
            ),
            first_vote,
        ),
    ]
}
