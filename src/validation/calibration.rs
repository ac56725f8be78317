//! Calibration and life-cycle targets (docs/VALIDATION.md): each age group's turnout without
//! campaigning equals its configured target at the first election, where the intercepts are solved
//! (§5.3 of docs/MODEL.md), and stays near it at every later election as cohorts age, enter and
//! die. Reads the engine; writes nothing.

use super::demography::{Rolls, rolls};
use super::labs::quiet_baseline;
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::phases::turnout::age_group_names;
use rayon::prelude::*;

/// The family.
pub const FAMILY: Family = Family { name: "calibration", targets, measure };

fn name(group: &str) -> String {
    format!("Calibration: turnout aged {group}, farthest from its target over three elections")
}

/// The declared targets: one per age group of the baseline.
pub fn targets() -> Vec<Target> {
    let s = quiet_baseline(1000, &[]);
    age_group_names(&s.turnout.age_profile)
        .iter()
        .zip(&s.turnout.age_profile)
        .map(|(group, g)| {
            Target::new(
                name(group),
                Kind::MechanismCheck,
                format!("US Census CPS 2016 (baseline.ron): {:.1}% ± 3 points at every election", g.turnout * 100.0),
                Band::Between(0.0, 0.03),
            )
        })
        .collect()
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let s = quiet_baseline(e.voters * 25, &[("timeline.elections", "3".into())]);
    let runs: Vec<Rolls> = (0..e.runs.min(8)).into_par_iter().map(|r| rolls(s.clone(), r)).collect();
    let profile = &s.turnout.age_profile;
    let elections = s.timeline.elections as usize;
    age_group_names(profile)
        .iter()
        .enumerate()
        .map(|(i, group)| {
            let (lo, hi) = (f64::from(profile[i].from), profile.get(i + 1).map_or(200.0, |g| f64::from(g.from)));
            let values: Vec<f64> = runs
                .iter()
                .map(|r| {
                    (0..elections)
                        .filter_map(|k| r.turnout(k, lo, hi))
                        .map(|t| (t - profile[i].turnout).abs())
                        .fold(0.0, f64::max)
                })
                .collect();
            Measured::new(
                name(group),
                format!("quiet baseline electorate, {} voters, {elections} elections, {} runs", s.population.size, runs.len()),
                values,
            )
        })
        .collect()
}
