//! Reproductions on the full `baseline` dynamics (docs/VALIDATION.md): campaigns, data brokers,
//! engagement-ranked feeds, bots, false stories, anchors, noise, offline ties, entries and deaths
//! all on, as users run it. The age gradient of turnout, read from simulated behaviour (the
//! information environment and demography have their own families). Reads the engine; writes
//! nothing.

use super::demography::{Rolls, rolls};
use super::labs::load;
use super::{Band, Effort, Family, Kind, Measured, Target};
use rayon::prelude::*;

/// The family.
pub const FAMILY: Family = Family { name: "baseline", targets, measure };

const AGE_GAP: &str = "Full baseline: turnout gap 65+ − 18–29 at the third election";

/// The declared targets.
pub fn targets() -> Vec<Target> {
    vec![Target::new(
        AGE_GAP,
        Kind::Reproduction,
        "US Census CPS: 65+ minus 18–29 turnout ≈ 27 pp (2012), 24.8 pp (2016)",
        Band::Between(0.2, 0.3),
    )]
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let voters = e.voters * 10;
    let s = load("builtin:baseline", &[("population.size", voters.to_string())]);
    let last = s.timeline.elections as usize - 1;
    let runs: Vec<Rolls> = (0..e.runs).into_par_iter().map(|r| rolls(s.clone(), r)).collect();
    let gap: Vec<f64> =
        runs.iter().filter_map(|r| Some(r.turnout(last, 65.0, 200.0)? - r.turnout(last, 18.0, 30.0)?)).collect();
    vec![Measured::new(
        AGE_GAP,
        format!(
            "built-in baseline, every mechanism on, {voters} voters, {} runs; turnout of voters aged 65+ minus \
             voters aged 18–29 at election {} (of {})",
            e.runs,
            last + 1,
            last + 1
        ),
        gap,
    )]
}
