//! Takedown targets (docs/VALIDATION.md): the prevented share of misinformation reach against the
//! takedown delay, with resharing and detection lag switched off and every item actionable and
//! detected, so that the engine's reach curve `2^(−τ/h)` is all that is measured. Mechanism checks. Reads the engine; writes nothing.

use super::labs::quiet_baseline;
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::scenario::Scenario;
use crate::sim;
use rayon::prelude::*;
use std::sync::Arc;

/// The family.
pub const FAMILY: Family = Family { name: "moderation", targets, measure };

/// Takedown delays in hours.
const DELAYS: [f64; 4] = [1.0, 4.0, 12.0, 24.0];

fn name(hours: f64) -> String {
    format!("Takedown after {hours} h: prevented share of reach")
}

/// The declared targets: `2^(−τ/h)` with the baseline's engagement half-life `h`.
pub fn targets() -> Vec<Target> {
    let half_life = quiet_baseline(1000, &[]).misinformation.half_life_hours;
    DELAYS
        .iter()
        .map(|&hours| {
            let expected = (-hours / half_life).exp2();
            Target::new(
                name(hours),
                Kind::MechanismCheck,
                format!("Goldstein et al. 2023 reach curve, 2^(−τ/{half_life} h)"),
                Band::Near { value: expected, tolerance: 0.02 },
            )
        })
        .collect()
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let voters = e.voters * 10;
    let sets = |takedown: &str| {
        vec![
            ("misinformation.stories_per_day", "20.0".to_string()),
            ("misinformation.sharing", "0.0".to_string()),
            ("regulation.detection_lag_hours", "0.0".to_string()),
            ("regulation.actionable_share", "1.0".to_string()),
            ("regulation.detection_probability", "1.0".to_string()),
            ("regulation.takedown_hours", takedown.to_string()),
            ("timeline.elections", "1".to_string()),
        ]
    };
    let exposures = |s: Arc<Scenario>, r: u32| {
        sim::run_replicate_to_end(s, r).elections[0].get(&["misinformation", "exposures_per_capita"]).unwrap_or(0.0)
    };
    let none = quiet_baseline(voters, &sets("None"));
    let reference: Vec<f64> = (0..e.runs).into_par_iter().map(|r| exposures(none.clone(), r)).collect();
    DELAYS
        .iter()
        .map(|&hours| {
            let s = quiet_baseline(voters, &sets(&format!("Some({hours:.1})")));
            let prevented: Vec<f64> = (0..e.runs)
                .into_par_iter()
                .map(|r| 1.0 - exposures(s.clone(), r) / reference[r as usize].max(1e-12))
                .collect();
            Measured::new(
                name(hours),
                format!(
                    "stories only, no resharing, detection lag 0, every item actionable and detected, {voters} voters, {} runs \
                     with common random numbers",
                    e.runs
                ),
                prevented,
            )
        })
        .collect()
}
