//! Voter-model targets (docs/VALIDATION.md): the exit probability, the mean time to consensus
//! against the absorption time of the engine's synchronous copying on its network, and zealots.
//! All run `opinion-lab.ron` with the `Voter` rule on a complete graph. Reads the engine; writes
//! nothing.

use super::labs::{opinion_lab, opinions};
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::sim::resources::Graph;
use crate::sim::{self, Simulation};
use rayon::prelude::*;

/// The family.
pub const FAMILY: Family = Family { name: "voter", targets, measure };

/// Voters in the exit and consensus-time runs.
const VOTERS: u64 = 100;
/// Initial share of the + opinion.
const RHO: f64 = 0.3;
/// Longest run the timeline allows (730 days): about six mean consensus times.
const MAX_STEPS: u32 = 730;
/// Zealots for + and − and the free voters' population sizes.
const ZEALOTS: (u64, u64) = (20, 10);
const FREE: [u64; 2] = [100, 400];
const ZEALOT_STEPS: u32 = 600;

const EXIT: &str = "Voter model exit probability";
const TIME: &str = "Voter model consensus time (synchronous copying)";
fn zealot_name(free: u64) -> String {
    format!("Voter model with zealots, N = {free}")
}

/// The declared targets.
pub fn targets() -> Vec<Target> {
    let mut out = vec![
        Target::new(
            EXIT,
            Kind::Reproduction,
            "Castellano, Fortunato & Loreto 2009 (= initial share 0.3)",
            Band::NearSe { value: RHO, k: 3.0 },
        ),
        Target::new(
            TIME,
            Kind::Reproduction,
            "Wright–Fisher absorption time (Kimura & Ohta 1969); Sood & Redner 2005 (Nₑ = N μ₁²/μ₂)",
            Band::NearSe { value: 1.0, k: 3.0 },
        ),
    ];
    out.extend(FREE.iter().map(|&free| {
        Target::new(
            zealot_name(free),
            Kind::Reproduction,
            "Mobilia, Petersen & Redner 2007 (Z₊/(Z₊+Z₋) = 2/3, independent of N)",
            Band::Near { value: ZEALOTS.0 as f64 / (ZEALOTS.0 + ZEALOTS.1) as f64, tolerance: 0.05 },
        )
    }));
    out
}

/// The mean absorption time, in steps, of synchronous copying started at degree-weighted density
/// `w` on a network of effective size `ne`: `−2 Nₑ [w ln w + (1 − w) ln(1 − w)]` (docs/VALIDATION.md
/// derives it).
pub fn absorption_time(ne: f64, w: f64) -> f64 {
    let h = |p: f64| if p > 0.0 { p * p.ln() } else { 0.0 };
    -2.0 * ne * (h(w) + h(1.0 - w))
}

/// One run to consensus: whether + won, the steps it took, and the predicted mean steps for its
/// network and start. `None` if it did not reach consensus within the run.
fn to_consensus(s: std::sync::Arc<crate::scenario::Scenario>, replicate: u32) -> Option<(bool, f64, f64)> {
    let mut sim = Simulation::new(s, replicate);
    let start = opinions(&mut sim);
    let graph = &sim.world.resource::<Graph>().0;
    let degree: Vec<f64> =
        (0..start.len() as u32).map(|v| (graph.online.degree(v) + graph.offline.degree(v)) as f64).collect();
    let (m1, m2) = (degree.iter().sum::<f64>(), degree.iter().map(|d| d * d).sum::<f64>());
    let ne = m1 * m1 / m2;
    let w = start.iter().zip(&degree).filter(|(x, _)| **x > 0.5).map(|(_, d)| d).sum::<f64>() / m1;
    let predicted = absorption_time(ne, w);
    for step in 1..=sim.steps() {
        sim.step();
        let x = opinions(&mut sim);
        let plus = x.iter().filter(|&&v| v > 0.5).count();
        if plus == 0 || plus == x.len() {
            return Some((plus == x.len(), step as f64, predicted));
        }
    }
    None
}

fn exit_and_time(e: Effort) -> Vec<Measured> {
    let cohorts = format!(
        r#"Cohort(name: "plus", born: (1950, 1960), share: {RHO}, ideology: Fixed(1.0)), Cohort(name: "minus", born: (1950, 1960), share: {}, ideology: Fixed(-1.0))"#,
        1.0 - RHO
    );
    let s = opinion_lab(VOTERS, (VOTERS - 1) as f64, "Voter", &cohorts, MAX_STEPS);
    let runs = e.runs * 40;
    let done: Vec<(bool, f64, f64)> = (0..runs).into_par_iter().filter_map(|r| to_consensus(s.clone(), r)).collect();
    let setup = format!(
        "{VOTERS} voters, complete graph, initial share {RHO}, synchronous copying, {} of {runs} runs reaching \
         consensus within {MAX_STEPS} steps",
        done.len()
    );
    let mean_predicted = done.iter().map(|d| d.2).sum::<f64>() / done.len().max(1) as f64;
    vec![
        Measured::new(EXIT, setup.clone(), done.iter().map(|d| f64::from(u8::from(d.0))).collect()),
        Measured::new(
            TIME,
            format!(
                "{setup}; steps to consensus over the prediction for the run's network and start \
                 (mean prediction {mean_predicted:.1} steps)"
            ),
            done.iter().map(|d| d.1 / d.2).collect(),
        ),
    ]
}

/// Zealots in the voter model: the free voters' stationary share is Z₊/(Z₊+Z₋), whatever N.
fn zealots(e: Effort) -> Vec<Measured> {
    let (zp, zm) = ZEALOTS;
    FREE.iter()
        .map(|&free| {
            let n = free + zp + zm;
            let share = |k: u64| k as f64 / n as f64;
            let cohorts = format!(
                r#"Cohort(name: "free", born: (1950, 1960), share: {}, ideology: Uniform(min: -1.0, max: 1.0)),
                   Cohort(name: "zealot+", born: (1950, 1960), share: {}, ideology: Fixed(1.0), stubbornness: Some(1.0)),
                   Cohort(name: "zealot-", born: (1950, 1960), share: {}, ideology: Fixed(-1.0), stubbornness: Some(1.0))"#,
                1.0 - share(zp) - share(zm),
                share(zp),
                share(zm)
            );
            let s = opinion_lab(n, (n - 1) as f64, "Voter", &cohorts, ZEALOT_STEPS);
            let shares: Vec<f64> = (0..e.runs)
                .into_par_iter()
                .map(|r| {
                    let log = sim::run_replicate_to_end(s.clone(), r);
                    // Mean ideology of everyone = (2·plus − N)/N with zealots fixed: recover the
                    // free voters' + share, averaged over the second half of the run.
                    let rows = &log.timeseries[log.timeseries.len() / 2..];
                    rows.iter()
                        .map(|row| {
                            let plus_total = (row.mean_ideology + 1.0) / 2.0 * n as f64;
                            (plus_total - zp as f64) / free as f64
                        })
                        .sum::<f64>()
                        / rows.len() as f64
                })
                .collect();
            Measured::new(
                zealot_name(free),
                format!(
                    "{free} free voters, Z₊ = {zp}, Z₋ = {zm} (stubbornness 1), complete graph, time average of \
                     steps {}–{ZEALOT_STEPS}, {} runs",
                    ZEALOT_STEPS / 2,
                    e.runs
                ),
                shares,
            )
        })
        .collect()
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let mut out = exit_and_time(e);
    out.extend(zealots(e));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absorption_time_is_two_n_ln_two_from_the_middle() {
        assert!((absorption_time(100.0, 0.5) - 200.0 * 2f64.ln()).abs() < 1e-9);
        assert_eq!(absorption_time(100.0, 1.0), 0.0);
    }
}
