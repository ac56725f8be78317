//! Demography and habit targets on simulated behaviour (docs/VALIDATION.md): Meredith's
//! eligibility discontinuity at the next election and its fading in the low-persistence setting
//! (Jessen, Kühnle & Wagner 2024), and the open electorate's stability without campaigns:
//! first-time voters' turnout, the electorate's size and its age structure over the run.
//! Reads the engine; writes nothing.

use super::labs::{load, quiet_baseline};
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::agents::{Demography, VoterId, VotingRecord};
use crate::scenario::Scenario;
use crate::sim::{self, Simulation};
use rayon::prelude::*;
use std::sync::Arc;

/// The family.
pub const FAMILY: Family = Family { name: "demography", targets, measure };

const FIRST_VOTE: &str = "First vote's effect on the next election (eligibility discontinuity)";
const FADING: &str = "Low-persistence setting: first vote's effect two elections on";
const FIRST_TIME: &str = "Open electorate, no campaigns: first-time voters' turnout across elections";
const SIZE: &str = "Open electorate, no campaigns: yearly change in the number of eligible voters";
const OLDEST: &str = "Open electorate, no campaigns: change in the share aged 65+ over the run";

/// The `--set` value of the low-persistence setting (docs/MODEL.md §7.8).
pub const LOW_PERSISTENCE: (&str, &str) = ("turnout.habit.decay", "0.0");

/// The declared targets.
pub fn targets() -> Vec<Target> {
    vec![
        Target::new(
            FIRST_VOTE,
            Kind::Reproduction,
            "Meredith 2009 (turning 18 just before an election: ≈ +5 pp per first vote four years on; 3–8 pp)",
            Band::Between(0.03, 0.08),
        ),
        Target::new(
            FADING,
            Kind::Reproduction,
            "Jessen, Kühnle & Wagner 2024 (earlier eligibility: no lasting turnout effect)",
            Band::Near { value: 0.0, tolerance: 0.02 },
        ),
        Target::new(
            FIRST_TIME,
            Kind::MechanismCheck,
            "stable entry into the electorate: largest minus smallest, within a few points",
            Band::Between(0.0, 0.04),
        ),
        Target::new(
            SIZE,
            Kind::MechanismCheck,
            "stationary population under the life table: entries about balance deaths (−1% to +1.5% a year)",
            Band::Between(-0.01, 0.015),
        ),
        Target::new(
            OLDEST,
            Kind::MechanismCheck,
            "stationary population under the life table: age structure kept within 3 points",
            Band::Near { value: 0.0, tolerance: 0.03 },
        ),
    ]
}

/// What one voter did at one election.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cast {
    /// Eligible (of voting age and alive).
    pub eligible: bool,
    /// Voted.
    pub voted: bool,
    /// It was the voter's first eligible election.
    pub first: bool,
}

/// A run's electorate election by election, by `VoterId`.
#[derive(Clone, Debug, Default)]
pub struct Rolls {
    /// Each voter's age at the first election, in years.
    pub age: Vec<f64>,
    /// Each election's casts, by voter.
    pub elections: Vec<Vec<Cast>>,
    /// Years between elections.
    pub years_between: f64,
}

impl Rolls {
    /// Record election `k` of a world that has just held it.
    pub fn record(&mut self, sim: &mut Simulation, k: usize) {
        let s = sim.world.resource::<sim::resources::RunParams>().scenario.clone();
        self.years_between = f64::from(s.timeline.years_between);
        let first_year = f64::from(s.timeline.start_year);
        let mut q = sim.world.query::<(&VoterId, &Demography, &VotingRecord)>();
        let n = q.iter(&sim.world).len();
        self.age.resize(n, 0.0);
        let mut casts = vec![Cast::default(); n];
        for (id, d, r) in q.iter(&sim.world) {
            let i = id.0 as usize;
            self.age[i] = first_year - f64::from(d.born);
            if r.last_election == k as i8 {
                casts[i] = Cast { eligible: true, voted: r.voted, first: r.first_time };
            }
        }
        self.elections.truncate(k);
        self.elections.push(casts);
    }

    /// Age of voter `i` at election `k`.
    fn age_at(&self, i: usize, k: usize) -> f64 {
        self.age[i] + self.years_between * k as f64
    }

    /// Turnout at election `k` of the eligible voters aged `[lo, hi)` then; `None` if nobody.
    pub fn turnout(&self, k: usize, lo: f64, hi: f64) -> Option<f64> {
        let casts = self.elections.get(k)?;
        let (mut n, mut v) = (0usize, 0usize);
        for (i, c) in casts.iter().enumerate().filter(|(_, c)| c.eligible) {
            if (lo..hi).contains(&self.age_at(i, k)) {
                n += 1;
                v += usize::from(c.voted);
            }
        }
        (n > 0).then(|| v as f64 / n as f64)
    }

    /// Meredith's regression discontinuity as a Wald estimate: voters who turned `voting_age` in
    /// the year before the first election against those a year younger, compared at election
    /// `k`, divided by the first group's turnout at the first election.
    pub fn first_vote_effect(&self, voting_age: f64, k: usize) -> Option<f64> {
        let later = self.elections.get(k)?;
        let first = self.elections.first()?;
        let group = |lo: f64| (0..self.age.len()).filter(move |&i| self.age[i] >= lo && self.age[i] < lo + 1.0);
        let share = |ids: Vec<usize>, casts: &[Cast]| {
            let eligible: Vec<&Cast> = ids.iter().map(|&i| &casts[i]).filter(|c| c.eligible).collect();
            (!eligible.is_empty()).then(|| eligible.iter().filter(|c| c.voted).count() as f64 / eligible.len() as f64)
        };
        let complied = share(group(voting_age).collect(), first)?;
        let itt = share(group(voting_age).collect(), later)? - share(group(voting_age - 1.0).collect(), later)?;
        (complied > 0.0).then(|| itt / complied)
    }

    /// First-time voters' turnout at election `k`.
    pub fn first_time_turnout(&self, k: usize) -> Option<f64> {
        let first: Vec<&Cast> = self.elections.get(k)?.iter().filter(|c| c.eligible && c.first).collect();
        (!first.is_empty()).then(|| first.iter().filter(|c| c.voted).count() as f64 / first.len() as f64)
    }

    /// Eligible voters at election `k`, and the share of them aged at least `age`.
    pub fn electorate(&self, k: usize, age: f64) -> (usize, f64) {
        let Some(casts) = self.elections.get(k) else { return (0, 0.0) };
        let eligible: Vec<usize> = (0..casts.len()).filter(|&i| casts[i].eligible).collect();
        let old = eligible.iter().filter(|&&i| self.age_at(i, k) >= age).count();
        (eligible.len(), old as f64 / eligible.len().max(1) as f64)
    }
}

/// Run a scenario to the end and record every election.
pub fn rolls(s: Arc<Scenario>, replicate: u32) -> Rolls {
    let plan = sim::timeline::plan(&s.timeline);
    let mut sim = Simulation::new(s, replicate);
    let mut rolls = Rolls::default();
    for p in &plan {
        sim.step();
        if let Some(k) = p.election {
            rolls.record(&mut sim, k);
        }
    }
    rolls
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    // The discontinuity compares two birth years: the first-vote electorate puts half of its
    // voters there, so that a run of a few thousand voters measures it to a point or two.
    let voters = e.voters * 25;
    let first_vote = load("first-vote", &[("population.size", voters.to_string())]);
    let voting_age = f64::from(first_vote.population.voting_age);
    let fading = load(
        "first-vote",
        &[("population.size", voters.to_string()), (LOW_PERSISTENCE.0, LOW_PERSISTENCE.1.to_string())],
    );
    let runs: Vec<Rolls> = (0..e.runs).into_par_iter().map(|r| rolls(first_vote.clone(), r)).collect();
    let effect: Vec<f64> = runs.iter().filter_map(|r| r.first_vote_effect(voting_age, 1)).collect();
    let runs: Vec<Rolls> = (0..e.runs).into_par_iter().map(|r| rolls(fading.clone(), r)).collect();
    let faded: Vec<f64> = runs.iter().filter_map(|r| r.first_vote_effect(voting_age, 2)).collect();

    let quiet = quiet_baseline(e.voters * 25, &[("timeline.elections", "3".into())]);
    let runs: Vec<Rolls> = (0..e.runs.min(8)).into_par_iter().map(|r| rolls(quiet.clone(), r)).collect();
    let last = quiet.timeline.elections as usize - 1;
    let years = f64::from(quiet.timeline.years_between) * last as f64;
    let first_time: Vec<f64> = runs
        .iter()
        .filter_map(|r| {
            let t: Vec<f64> = (0..=last).filter_map(|k| r.first_time_turnout(k)).collect();
            let (lo, hi) = t.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
            (t.len() == last + 1).then_some(hi - lo)
        })
        .collect();
    let size: Vec<f64> = runs
        .iter()
        .map(|r| ((r.electorate(last, 65.0).0 as f64 / r.electorate(0, 65.0).0.max(1) as f64).powf(1.0 / years)) - 1.0)
        .collect();
    let oldest: Vec<f64> = runs.iter().map(|r| r.electorate(last, 65.0).1 - r.electorate(0, 65.0).1).collect();
    let discontinuity = format!(
        "first-vote electorate (baseline with half of the {voters} voters born in the two years around the cut-off), \
         {} runs; turnout of voters aged {voting_age}–{} at election 1 minus that of voters a year younger",
        e.runs,
        voting_age + 1.0
    );
    let quiet_setup = format!("quiet baseline electorate, {} voters, 3 elections, {} runs", quiet.population.size, runs.len());
    vec![
        Measured::new(
            FIRST_VOTE,
            format!("{discontinuity}, at election 2, over the first group's turnout at election 1 (Wald estimate)"),
            effect,
        ),
        Measured::new(
            FADING,
            format!("{discontinuity}, at election 3, with turnout.habit.decay 0 (Wald estimate)"),
            faded,
        ),
        Measured::new(FIRST_TIME, format!("{quiet_setup}; largest minus smallest first-time turnout"), first_time),
        Measured::new(SIZE, format!("{quiet_setup}; eligible voters at the last election against the first, per year"), size),
        Measured::new(OLDEST, format!("{quiet_setup}; share aged 65+ at the last election minus the first"), oldest),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_discontinuity_is_the_turnout_gap_over_compliance() {
        // Ages 18.5 (eligible at the first election) and 17.5; each group of two.
        let cast = |voted| Cast { eligible: true, voted, first: false };
        let rolls = Rolls {
            age: vec![18.5, 18.5, 17.5, 17.5],
            elections: vec![
                vec![cast(true), cast(false), Cast::default(), Cast::default()],
                vec![cast(true), cast(true), cast(true), cast(false)],
            ],
            years_between: 4.0,
        };
        // Gap at the second election 1 − ½ = ½, over compliance ½.
        assert_eq!(rolls.first_vote_effect(18.0, 1), Some(1.0));
        assert_eq!(rolls.turnout(1, 21.0, 23.0), Some(0.75));
        assert_eq!(rolls.electorate(1, 22.0), (4, 0.5));
    }
}
