//! Turnout-habit targets (docs/VALIDATION.md): the effect of one vote on the next election's
//! turnout probability, evaluated with the engine's turnout equation and calibrated intercepts on
//! the quiet baseline electorate at its first election, with and without habit. Both are mechanism
//! checks: they evaluate the equation, not simulated behaviour. Reads the engine; writes nothing.

use super::labs::quiet_baseline;
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::phases::turnout::{self, TurnoutInputs};
use crate::scenario::Scenario;
use crate::sim::{self, Simulation};
use rayon::prelude::*;
use std::sync::Arc;

/// The family.
pub const FAMILY: Family = Family { name: "habit", targets, measure };

const EFFECT: &str = "Turnout habit: effect of one vote on the next election";
const UPPER: &str = "Turnout habit: Gerber–Green–Shachar sensitivity setting";
const NONE: &str = "Turnout habit: no-habit setting";

/// The `--set` values of the Gerber–Green–Shachar sensitivity setting (docs/MODEL.md §7.8).
pub const UPPER_SETTING: [(&str, &str); 2] =
    [("turnout.habit.gain", "0.87"), ("turnout.habit.first_elections_gain", "0.87")];

/// The declared targets.
pub fn targets() -> Vec<Target> {
    vec![
        Target::new(
            EFFECT,
            Kind::MechanismCheck,
            "Meredith 2009 (≈ +5 pp; per-vote persistence 3–8 pp)",
            Band::Between(0.03, 0.08),
        ),
        Target::new(
            UPPER,
            Kind::MechanismCheck,
            "Gerber, Green & Shachar 2003 (+46.7 pp, wide interval)",
            Band::Near { value: 0.467, tolerance: 0.2 },
        ),
        Target::new(
            NONE,
            Kind::MechanismCheck,
            "no habit: both gains 0",
            Band::Near { value: 0.0, tolerance: 0.005 },
        ),
    ]
}

/// The effect of voting once on the next election's turnout probability, averaged over the
/// electorate at the first election: σ(… + β_h(δH + g)) − σ(… + β_h δH).
fn habit_effect(s: Arc<Scenario>, replicate: u32) -> f64 {
    let mut sim = Simulation::new(s.clone(), replicate);
    let first_election = sim::timeline::plan(&s.timeline).iter().position(|p| p.election == Some(0)).unwrap_or(0);
    for _ in 0..=first_election {
        sim.step();
    }
    let model = sim.world.resource::<crate::sim::resources::TurnoutModel>().clone();
    let positions: Vec<f64> = s.parties.iter().map(|p| p.position).collect();
    let t = &s.turnout;
    let mut q = sim.world.query::<(
        &crate::agents::Demography,
        &crate::agents::Trust,
        &crate::agents::Ideology,
        &crate::agents::VotingRecord,
    )>();
    let year = sim::timeline::election_year(&s.timeline, 1);
    let (mut sum, mut n) = (0.0, 0.0);
    for (d, trust, x, record) in q.iter(&sim.world) {
        if record.last_election != 0 {
            continue;
        }
        let c = d.cohort as usize;
        let age = year - f64::from(d.born);
        // The habit stock the next election sees, without and with this election's vote.
        let gain = if u32::from(record.eligible_elections) <= t.habit.first_elections {
            t.habit.first_elections_gain
        } else {
            t.habit.gain
        };
        let base = TurnoutInputs {
            habit: f64::from(record.habit) - if record.voted { gain } else { 0.0 },
            mobilisation: 0.0,
            trust: f64::from(trust.value),
            trust_mean: model.trust_mean[c],
            arousal: 0.0,
            distance: turnout::distance_to_nearest(f64::from(x.x), &positions),
            age,
        };
        let voted = TurnoutInputs { habit: base.habit + gain, ..base };
        let p = |i: &TurnoutInputs| turnout::sigmoid(model.intercept_at(age) + turnout::logit_without_intercept(t, i));
        sum += p(&voted) - p(&base);
        n += 1.0;
    }
    if n > 0.0 { sum / n } else { 0.0 }
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let voters = e.voters * 10;
    let baseline = quiet_baseline(voters, &[]);
    let with: Vec<f64> = (0..e.runs).into_par_iter().map(|r| habit_effect(baseline.clone(), r)).collect();
    let none = quiet_baseline(
        voters,
        &[("turnout.habit.gain", "0.0".into()), ("turnout.habit.first_elections_gain", "0.0".into())],
    );
    let without: Vec<f64> = (0..e.runs).into_par_iter().map(|r| habit_effect(none.clone(), r)).collect();
    let upper_sets: Vec<(&str, String)> = UPPER_SETTING.iter().map(|&(k, v)| (k, v.to_string())).collect();
    let upper = quiet_baseline(voters, &upper_sets);
    let upper: Vec<f64> = (0..e.runs).into_par_iter().map(|r| habit_effect(upper.clone(), r)).collect();
    vec![
        Measured::new(
            EFFECT,
            format!(
                "quiet baseline electorate, {voters} voters, habit parameters of baseline.ron, turnout equation \
                 evaluated with and without the vote, {} runs",
                e.runs
            ),
            with,
        ),
        Measured::new(UPPER, "as above with both habit gains 0.87", upper),
        Measured::new(NONE, "as above with habit gains 0", without),
    ]
}
