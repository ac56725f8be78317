//! The suite's scenario files (`scenarios/validation/*.ron`, compiled in) and the helpers the
//! families share to load them with `--set`-style overrides and to read a run's final opinions.
//! Reads the compiled-in texts and the built-in library (for `extends`); writes nothing.

use crate::agents::{Ideology, VoterId};
use crate::scenario::{self, Limits, Override, Scenario, SourceRef};
use crate::sim::Simulation;
use std::path::Path;
use std::sync::Arc;

/// Folder of the suite's scenario files, relative to the repository.
pub const FOLDER: &str = "scenarios/validation";

/// (file stem, RON text) of every scenario file of the suite. Files extend each other by their
/// file name and the built-in library by name, as on disk.
pub const SCENARIOS: &[(&str, &str)] = &[
    ("opinion-lab", include_str!("../../scenarios/validation/opinion-lab.ron")),
    ("quiet-baseline", include_str!("../../scenarios/validation/quiet-baseline.ron")),
    ("households", include_str!("../../scenarios/validation/households.ron")),
    ("misinformation", include_str!("../../scenarios/validation/misinformation.ron")),
    ("one-sided", include_str!("../../scenarios/validation/one-sided.ron")),
    ("free-events", include_str!("../../scenarios/validation/free-events.ron")),
    ("first-vote", include_str!("../../scenarios/validation/first-vote.ron")),
    ("information", include_str!("../../scenarios/validation/information.ron")),
];

/// Load a suite scenario (or, with `builtin:` before the name, a library scenario) through the
/// normal loader, with `--set`-style overrides. The files are part of the binary, so a problem is
/// a bug in the suite and panics with the loader's message.
pub fn load(name: &str, sets: &[(&str, String)]) -> Arc<Scenario> {
    let read = |path: &Path| {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        match SCENARIOS.iter().find(|(n, _)| *n == stem) {
            Some((_, text)) if path.starts_with(FOLDER) => Ok(text.to_string()),
            _ => Err(std::io::Error::other("not a validation scenario")),
        }
    };
    let overrides: Vec<Override> =
        sets.iter().map(|(p, v)| Override { path: p.to_string(), value: v.clone() }).collect();
    let source = match name.strip_prefix("builtin:") {
        Some(builtin) => SourceRef::Builtin(builtin.into()),
        None => SourceRef::File(Path::new(FOLDER).join(format!("{name}.ron"))),
    };
    let loaded = scenario::load(&source, &overrides, &read, &Limits::default())
        .unwrap_or_else(|e| panic!("validation scenario {name} is invalid: {e}"));
    Arc::new(loaded.scenario)
}

/// The opinion laboratory (`opinion-lab.ron`) with a rule, size, mean degree, cohorts and length.
pub fn opinion_lab(voters: u64, degree: f64, rule: &str, cohorts: &str, days: u32) -> Arc<Scenario> {
    load(
        "opinion-lab",
        &[
            ("population.size", voters.to_string()),
            ("network.mean_degree", format!("{degree:?}")),
            ("influence.rule", rule.to_string()),
            ("population.cohorts", format!("[{cohorts}]")),
            ("timeline.campaign_days", days.to_string()),
        ],
    )
}

/// One cohort with opinions uniform on [−1, 1] (the textbooks' uniform start on [0, 1]).
pub fn uniform_cohort() -> &'static str {
    r#"Cohort(name: "all", born: (1950, 1960), share: 1.0, ideology: Uniform(min: -1.0, max: 1.0))"#
}

/// The baseline electorate without campaigns, bots, stories or brokers (`quiet-baseline.ron`).
pub fn quiet_baseline(voters: u64, sets: &[(&str, String)]) -> Arc<Scenario> {
    let mut all = vec![("population.size", voters.to_string())];
    all.extend(sets.iter().cloned());
    load("quiet-baseline", &all)
}

/// Opinions of a world, by voter id, mapped to the textbooks' [0, 1] scale.
pub fn opinions(sim: &mut Simulation) -> Vec<f32> {
    let mut q = sim.world.query::<(&VoterId, &Ideology)>();
    let mut rows: Vec<(u32, f32)> = q.iter(&sim.world).map(|(id, x)| (id.0, (x.x + 1.0) / 2.0)).collect();
    rows.sort_by_key(|r| r.0);
    rows.into_iter().map(|r| r.1).collect()
}

/// Final opinions of a run, mapped to [0, 1].
pub fn final_opinions(s: Arc<Scenario>, replicate: u32) -> Vec<f32> {
    let mut sim = Simulation::new(s, replicate);
    for _ in 0..sim.steps() {
        sim.step();
    }
    opinions(&mut sim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quiet_baseline_is_the_baseline_without_money_bots_stories_or_brokers() {
        let quiet = quiet_baseline(2000, &[]);
        let sets: Vec<(&str, String)> = [
            ("population.size", "2000"),
            ("timeline.elections", "2"),
            ("parties[0].budget", "0.0"),
            ("parties[1].budget", "0.0"),
            ("bots", "None"),
            ("misinformation.stories_per_day", "0.0"),
            ("brokers", "[]"),
        ]
        .into_iter()
        .map(|(p, v)| (p, v.to_string()))
        .collect();
        let mut baseline = (*load("builtin:baseline", &sets)).clone();
        baseline.name = quiet.name.clone();
        baseline.description = quiet.description.clone();
        assert_eq!(*quiet, baseline);
    }
}
