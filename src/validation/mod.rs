//! The validation suite (docs/VALIDATION.md): configurations of the engine, written as scenario files
//! under `scenarios/validation/` and run through the same loader and systems users run, checked
//! against published results. Pure: returns the results; the command line prints them.
//!
//! Every target declares its [`Kind`]: a *mechanism check* shows that an input is applied as
//! documented; a *reproduction* shows that a published result emerges from the simulated dynamics.
//! A target the model cannot meet stays in the suite with `known_failure` set to the reason; the
//! command line then reports it without failing.
//!
//! # Adding a family of targets
//!
//! 1. A file `src/validation/<family>.rs` with
//!    - `pub fn targets() -> Vec<Target>`: the declared targets (name, kind, source, band, known
//!      failure). No simulation here: the documentation test reads it.
//!    - `pub fn measure(effort: Effort) -> Vec<Measured>`: one [`Measured`] per declared target,
//!      matched by name, each with the setup in words and the samples over runs.
//!    - `pub const FAMILY: Family = Family { name: "...", targets, measure };`
//! 2. Its name in the `families!` line below (that line declares the module and lists it).
//! 3. Scenario files, if any, under `scenarios/validation/` and one line each in [`SCENARIOS`]
//!    (`tests/integration/validation.rs` runs every file there and checks the list is complete).
//! 4. `votelab validate --markdown --doc docs/VALIDATION.md` regenerates the table; add the plain
//!    words on what the targets show and do not show to the prose around it.
//!
//! Reads the scenario files compiled in below and the engine; writes nothing.

mod band;
mod labs;
pub mod markdown;

pub use band::Band;
pub use campaigns::{FirstDay, first_campaign_day, targeting_premium, vote_choice_per_impression};
pub use labs::SCENARIOS;

use crate::metrics::stats::Summary;
use serde::Serialize;

/// Declares the family modules and the list the suite runs, in this order.
macro_rules! families {
    ($($family:ident),* $(,)?) => {
        $(mod $family;)*
        /// Every family of targets, in the order the suite runs and lists them.
        pub const FAMILIES: &[Family] = &[$($family::FAMILY),*];
    };
}

families!(
    opinion,
    voter,
    habit,
    households,
    campaigns,
    spending,
    moderation,
    combined,
    calibration,
    demography,
    baseline,
    information
);

/// What a target shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An input is applied as documented (the expected value follows from the parameters).
    MechanismCheck,
    /// A published result emerges from the simulated dynamics.
    Reproduction,
}

impl Kind {
    /// The kind in words, as printed and written to docs/VALIDATION.md.
    pub fn label(self) -> &'static str {
        match self {
            Kind::MechanismCheck => "mechanism check",
            Kind::Reproduction => "reproduction",
        }
    }
}

/// A declared target: what is checked, against what, and whether the model is known to miss it.
#[derive(Clone, Debug)]
pub struct Target {
    /// Short unique name.
    pub name: String,
    /// Mechanism check or reproduction.
    pub kind: Kind,
    /// Where the expected value comes from.
    pub source: String,
    /// The band the mean over runs must fall in.
    pub band: Band,
    /// Why the model cannot meet the target, when it is known not to (the measured value is
    /// still reported).
    pub known_failure: Option<&'static str>,
}

impl Target {
    /// A target the model is expected to meet.
    pub fn new(name: impl Into<String>, kind: Kind, source: impl Into<String>, band: Band) -> Target {
        Target { name: name.into(), kind, source: source.into(), band, known_failure: None }
    }

    /// The same target, marked as a known failure with its reason.
    pub fn known_failure(self, reason: &'static str) -> Target {
        Target { known_failure: Some(reason), ..self }
    }
}

/// What a family measured for one of its targets.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The target's name, as declared.
    pub target: String,
    /// The configuration, in words.
    pub setup: String,
    /// One number per run (or per estimate).
    pub samples: Vec<f64>,
}

impl Measured {
    /// A measurement of `target`.
    pub fn new(target: impl Into<String>, setup: impl Into<String>, samples: Vec<f64>) -> Measured {
        Measured { target: target.into(), setup: setup.into(), samples }
    }
}

/// A family of targets: one file of this module.
#[derive(Clone, Copy)]
pub struct Family {
    /// Short name (the file's).
    pub name: &'static str,
    /// The declared targets, without simulating.
    pub targets: fn() -> Vec<Target>,
    /// Run the family and measure every declared target.
    pub measure: fn(Effort) -> Vec<Measured>,
}

/// How a target came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The measurement meets the expectation.
    Pass,
    /// It does not, unexpectedly.
    Fail,
    /// It does not, as the target's known-failure reason says.
    KnownFailure,
    /// It meets the expectation although the target is marked as a known failure (the mark is
    /// stale and should be removed).
    UnexpectedPass,
}

impl Outcome {
    /// The outcome in words.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "FAIL",
            Outcome::KnownFailure => "known failure",
            Outcome::UnexpectedPass => "pass (marked known failure)",
        }
    }
}

/// The result of one validation target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetResult {
    /// Short name.
    pub target: String,
    /// Mechanism check or reproduction.
    pub kind: Kind,
    /// Where the expected value comes from.
    pub source: String,
    /// The configuration, in words.
    pub setup: String,
    /// What the literature expects, in words (the band).
    pub expected: String,
    /// What the engine gave, over runs.
    pub measured: Summary,
    /// Whether the measurement meets the expectation.
    pub pass: bool,
    /// Why the model is known not to meet this target, if it is.
    pub known_failure: Option<String>,
    /// Pass, fail, known failure, or a pass of a target marked as a known failure.
    pub outcome: Outcome,
}

/// How much to run: `quick` for CI (about a minute on two cores), full otherwise. The targets and
/// their bands are the same at both efforts; only the number of runs and voters changes.
#[derive(Clone, Copy, Debug)]
pub struct Effort {
    /// Runs per configuration (families scale it to their cost).
    pub runs: u32,
    /// Voters in the configurations whose size is not part of the target (scaled by families).
    pub voters: u64,
}

impl Effort {
    /// The CI setting.
    pub fn quick() -> Effort {
        Effort { runs: 6, voters: 400 }
    }
    /// The full setting.
    pub fn full() -> Effort {
        Effort { runs: 30, voters: 1000 }
    }
}

/// Every declared target, in suite order (no simulation).
pub fn targets() -> Vec<Target> {
    FAMILIES.iter().flat_map(|f| (f.targets)()).collect()
}

/// Judge one measurement against its declared target.
pub fn judge(target: &Target, measured: &Measured) -> TargetResult {
    let summary = Summary::of(&measured.samples);
    let pass = summary.n > 0 && target.band.contains(&summary);
    let outcome = match (pass, target.known_failure.is_some()) {
        (true, false) => Outcome::Pass,
        (false, false) => Outcome::Fail,
        (false, true) => Outcome::KnownFailure,
        (true, true) => Outcome::UnexpectedPass,
    };
    TargetResult {
        target: target.name.clone(),
        kind: target.kind,
        source: target.source.clone(),
        setup: measured.setup.clone(),
        expected: target.band.to_string(),
        measured: summary,
        pass,
        known_failure: target.known_failure.map(String::from),
        outcome,
    }
}

/// Run one family and judge its targets. A declared target the family did not measure fails with
/// no samples; a measurement of an undeclared target is a bug in the family and panics.
pub fn run_family(family: &Family, effort: Effort) -> Vec<TargetResult> {
    let measured = (family.measure)(effort);
    for m in &measured {
        assert!(
            (family.targets)().iter().any(|t| t.name == m.target),
            "validation family `{}` measured `{}`, which it does not declare",
            family.name,
            m.target
        );
    }
    (family.targets)()
        .iter()
        .map(|t| match measured.iter().find(|m| m.target == t.name) {
            Some(m) => judge(t, m),
            None => judge(t, &Measured::new(t.name.clone(), "not measured", Vec::new())),
        })
        .collect()
}

/// Run every target.
pub fn run(effort: Effort) -> Vec<TargetResult> {
    FAMILIES.iter().flat_map(|f| run_family(f, effort)).collect()
}

/// Run the named families only (all when `names` is empty), in suite order; an unknown name is
/// returned as the error.
pub fn run_families(effort: Effort, names: &[String]) -> Result<Vec<TargetResult>, String> {
    if let Some(unknown) = names.iter().find(|n| !FAMILIES.iter().any(|f| f.name == n.as_str())) {
        return Err(unknown.clone());
    }
    Ok(FAMILIES
        .iter()
        .filter(|f| names.is_empty() || names.iter().any(|n| n == f.name))
        .flat_map(|f| run_family(f, effort))
        .collect())
}

/// Whether the suite passed: no target failed unexpectedly.
pub fn passed(results: &[TargetResult]) -> bool {
    results.iter().all(|r| r.outcome != Outcome::Fail)
}
