//! Calibration targets (docs/VALIDATION.md): each cohort's first-election turnout without
//! campaigning equals its configured target. A mechanism check of the intercept solver (§5.3 of
//! docs/MODEL.md). Reads the engine; writes nothing.

use super::labs::quiet_baseline;
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::metrics::MetricsLog;
use crate::sim;
use rayon::prelude::*;

/// The family.
pub const FAMILY: Family = Family { name: "calibration", targets, measure };

fn name(cohort: &str) -> String {
    format!("Calibration: {cohort} first-election turnout")
}

/// The declared targets: one per cohort of the baseline, at its configured turnout.
pub fn targets() -> Vec<Target> {
    let s = quiet_baseline(1000, &[]);
    s.population
        .cohorts
        .iter()
        .map(|c| {
            Target::new(
                name(&c.name),
                Kind::MechanismCheck,
                "US Census CPS 2016 (baseline.ron)",
                Band::Near { value: c.baseline_turnout, tolerance: 0.02 },
            )
        })
        .collect()
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let s = quiet_baseline(e.voters * 25, &[("timeline.elections", "1".into())]);
    let logs: Vec<MetricsLog> =
        (0..e.runs.min(8)).into_par_iter().map(|r| sim::run_replicate_to_end(s.clone(), r)).collect();
    s.population
        .cohorts
        .iter()
        .map(|c| {
            let values: Vec<f64> =
                logs.iter().filter_map(|l| l.elections[0].get(&["turnout_by_cohort", &c.name])).collect();
            Measured::new(
                name(&c.name),
                format!("quiet baseline electorate, {} voters, {} runs", s.population.size, logs.len()),
                values,
            )
        })
        .collect()
}
