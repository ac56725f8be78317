//! Phase 6, election day (`docs/MODEL.md` §7.8): each eligible voter votes with probability
//! `σ(β0_c + β_h·H + β_m·M + β_t·(T − T̄_c) + β_a·A − β_alien·d + at-home bonus)`, chooses the
//! nearest party (hostility pushes away from the other side), and updates the habit stock
//! `H ← decay·H + gain·voted`, with the larger gain in the first eligible elections.
//! Reads `TurnoutModel`, `Clock`, `RunParams`; writes each voter's own `VotingRecord` (habit included).

use super::{Phase, election_day};
use crate::agents::*;
use crate::scenario::{AgeTurnout, Party, Scenario, Turnout};
use crate::sim::resources::{Clock, RunParams, TurnoutModel};
use crate::sim::rng::{self, tag};
use crate::sim::timeline;
use bevy_ecs::prelude::*;
use rand::RngExt;

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    schedule.add_systems(hold_election.in_set(Phase::Turnout).run_if(election_day));
}

/// A voter's state as the turnout equation sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TurnoutInputs {
    /// Habit stock H.
    pub habit: f64,
    /// Campaign mobilisation M, [-1, 1].
    pub mobilisation: f64,
    /// Trust T.
    pub trust: f64,
    /// The cohort's mean starting trust T̄_c.
    pub trust_mean: f64,
    /// Arousal A.
    pub arousal: f64,
    /// Distance to the nearest party.
    pub distance: f64,
    /// Age in years on election day.
    pub age: f64,
}

/// The logit of the vote probability without the cohort intercept.
#[inline]
pub fn logit_without_intercept(t: &Turnout, v: &TurnoutInputs) -> f64 {
    let at_home = if v.age < f64::from(t.at_home_until) + 1.0 { t.at_home_bonus } else { 0.0 };
    t.habit_weight * v.habit
        + t.mobilisation_weight * v.mobilisation
        + t.trust_weight * (v.trust - v.trust_mean)
        + t.arousal_weight * v.arousal
        - t.alienation_weight * v.distance
        + at_home
}

/// The age group of `profile` that holds `age`; the first group also holds the ages below it.
#[inline]
pub fn age_group(profile: &[AgeTurnout], age: f64) -> usize {
    profile.partition_point(|g| f64::from(g.from) <= age).saturating_sub(1)
}

/// Names of the age groups of `profile`: "18–29", …, "65+".
pub fn age_group_names(profile: &[AgeTurnout]) -> Vec<String> {
    profile
        .iter()
        .enumerate()
        .map(|(i, g)| match profile.get(i + 1) {
            Some(next) => format!("{}–{}", g.from, next.from - 1),
            None => format!("{}+", g.from),
        })
        .collect()
}

/// The logistic function.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The intercept β0 such that the mean of `σ(β0 + r)` over `rest` equals `target`, by bisection
/// (the mean is increasing in β0). Empty `rest`: the logit of the target.
pub fn solve_intercept(target: f64, rest: &[f64]) -> f64 {
    if rest.is_empty() {
        return (target / (1.0 - target)).ln();
    }
    let mean_at = |b: f64| rest.iter().map(|r| sigmoid(b + r)).sum::<f64>() / rest.len() as f64;
    let (mut lo, mut hi) = (-30.0f64, 30.0f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if mean_at(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Distance from `x` to the nearest party position.
#[inline]
pub fn distance_to_nearest(x: f64, positions: &[f64]) -> f64 {
    positions.iter().map(|p| (x - p).abs()).fold(f64::INFINITY, f64::min).min(2.0)
}

/// The party a voter at effective position `x` chooses: the nearest, where parties on the other
/// side of the centre look farther by `push · hostility`.
pub fn choose_party(x: f64, hostility: f64, parties: &[Party], push: f64) -> usize {
    let mut best = (0, f64::INFINITY);
    for (i, p) in parties.iter().enumerate() {
        let other_side = p.position * x < 0.0;
        let d = (x - p.position).abs() + if other_side { push * hostility } else { 0.0 };
        if d < best.1 {
            best = (i, d);
        }
    }
    best.0
}

/// Whether a voter born at `born` who dies at `dies` (see [`Demography`]) may vote at calendar
/// time `year`: of voting age and alive.
#[inline]
pub fn eligible(s: &Scenario, born: f32, dies: u8, year: f64) -> bool {
    year - f64::from(born) >= f64::from(s.population.voting_age)
        && Demography::alive_at(dies, s.timeline.start_year, year)
}

/// Election day for every eligible voter, in parallel.
#[allow(clippy::type_complexity)]
pub fn hold_election(
    params: Res<RunParams>,
    clock: Res<Clock>,
    model: Res<TurnoutModel>,
    mut voters: Query<(
        &VoterId,
        &Demography,
        &Ideology,
        &CampaignContact,
        &Affect,
        &Trust,
        &Civics,
        &mut VotingRecord,
    )>,
) {
    let Some(k) = clock.election() else { return };
    let s = &*params.scenario;
    let year = timeline::election_year(&s.timeline, k);
    let positions: Vec<f64> = s.parties.iter().map(|p| p.position).collect();
    let (seed, replicate) = (params.seed(), params.replicate);
    super::for_each_voter!(voters, params.parallel, |(
        id,
        demo,
        ideology,
        campaign,
        affect,
        trust,
        civics,
        mut record,
    )| {
        if !eligible(s, demo.born, demo.dies, year) {
            return;
        }
        if record.eligible_elections == 0 {
            // Civic education reached them at school: they start with that much habit.
            record.habit += civics.habit_boost;
        }
        let c = demo.cohort as usize;
        let age = year - f64::from(demo.born);
        let x = (f64::from(ideology.x) + f64::from(campaign.persuasion)).clamp(-1.0, 1.0);
        let inputs = TurnoutInputs {
            habit: f64::from(record.habit),
            mobilisation: f64::from(campaign.mobilisation),
            trust: f64::from(trust.value),
            trust_mean: model.trust_mean[c],
            arousal: f64::from(affect.arousal),
            distance: distance_to_nearest(x, &positions),
            age,
        };
        let p = sigmoid(model.intercept_at(age) + logit_without_intercept(&s.turnout, &inputs));
        let mut rng = rng::stream(seed, replicate, tag::TURNOUT, u64::from(id.0), k as u64);
        let voted = rng.random::<f64>() < p;
        let h = &s.turnout.habit;
        let first = u32::from(record.eligible_elections) < h.first_elections;
        let gain = if first { h.first_elections_gain } else { h.gain };
        let habit = (h.decay * f64::from(record.habit) + if voted { gain } else { 0.0 }) as f32;
        let choice = choose_party(x, f64::from(affect.hostility), &s.parties, s.turnout.hostility_push);
        *record = VotingRecord {
            habit,
            eligible_elections: record.eligible_elections.saturating_add(1),
            votes: record.votes.saturating_add(u8::from(voted)),
            last_election: k as i8,
            voted,
            first_time: record.eligible_elections == 0,
            choice: choice as u8,
        };
    },);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solved_intercepts_hit_the_target_mean() {
        let rest: Vec<f64> = (0..1000).map(|i| (i as f64 / 1000.0 - 0.5) * 4.0).collect();
        let b = solve_intercept(0.46, &rest);
        let mean = rest.iter().map(|r| sigmoid(b + r)).sum::<f64>() / rest.len() as f64;
        assert!((mean - 0.46).abs() < 1e-9);
    }

    #[test]
    fn voters_choose_the_nearest_party() {
        let parties: Vec<Party> = crate::scenario::types::defaults::parties();
        assert_eq!(choose_party(-0.5, 0.0, &parties, 0.1), 0);
        assert_eq!(choose_party(0.3, 0.0, &parties, 0.1), 1);
    }

    #[test]
    fn hostility_pushes_away_from_the_other_side() {
        let mut parties = crate::scenario::types::defaults::parties();
        parties[0].position = -0.1;
        parties[1].position = 0.6;
        // At 0.24 the left party is nearer (0.34 against 0.36); hostility makes it look farther.
        assert_eq!(choose_party(0.24, 0.0, &parties, 0.2), 0);
        assert_eq!(choose_party(0.24, 1.0, &parties, 0.2), 1);
    }

    #[test]
    fn habit_raises_the_vote_logit() {
        let t = Turnout::default();
        let base = TurnoutInputs {
            habit: 0.0,
            mobilisation: 0.0,
            trust: 0.5,
            trust_mean: 0.5,
            arousal: 0.0,
            distance: 0.1,
            age: 40.0,
        };
        let habitual = TurnoutInputs { habit: 0.3, ..base };
        assert!(logit_without_intercept(&t, &habitual) > logit_without_intercept(&t, &base));
    }
    #[test]
    fn on_election_day_only_eligible_voters_vote_and_habits_update() {
        use crate::sim::testing::{column, tiny_world};
        let mut sim = tiny_world("");
        let before: Vec<VotingRecord> = column(&mut sim);
        for _ in 0..sim.steps() {
            sim.step();
        }
        let records: Vec<VotingRecord> = column(&mut sim);
        let demography: Vec<Demography> = column(&mut sim);
        let s = crate::sim::testing::tiny_scenario("");
        for ((r, d), b) in records.iter().zip(&demography).zip(&before) {
            let eligible = eligible(&s, d.born, d.dies, 2026.0);
            assert_eq!(r.last_election == 0, eligible);
            if !eligible {
                assert!(!r.voted && r == b, "an ineligible voter's record and habit stay as they were");
            } else if r.voted {
                assert!(r.habit > 0.7 * b.habit, "a vote adds to the decayed habit");
            }
        }
        assert!(records.iter().any(|r| r.voted));
    }
}
