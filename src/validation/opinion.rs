//! Bounded-confidence targets (docs/VALIDATION.md): Deffuant–Weisbuch cluster counts, the
//! convergence rate μ changing speed but not the number of clusters, and the Hegselmann–Krause
//! consensus threshold located at two population sizes. All run `opinion-lab.ron`: one cohort with
//! uniform opinions, no campaigns, feed, anchors or noise. Reads the engine; writes nothing.

use super::labs::{opinion_lab, opinions, uniform_cohort};
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::metrics::polarisation::clusters_with;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use rayon::prelude::*;
use std::sync::Arc;

/// The family.
pub const FAMILY: Family = Family { name: "opinion", targets, measure };

/// Deffuant et al.'s population.
const DEFFUANT_VOTERS: u64 = 1000;
/// Dense enough for the mean-field result (the paper mixes everyone).
const DEFFUANT_DEGREE: f64 = 100.0;
/// Deffuant et al.'s convergence rate.
const DEFFUANT_MU: f64 = 0.5;
/// Steps of the cluster-count runs.
const DEFFUANT_STEPS: u32 = 300;
/// Two opinions belong to different clusters when they are this far apart (on [0, 1]).
const CLUSTER_GAP: f64 = 1e-3;
/// Clusters holding at least this share of voters are counted ("major" clusters).
const MAJOR_SHARE: f64 = 0.01;
/// (ε on [0, 1], band of the mean number of major clusters, source's words).
const DEFFUANT_CASES: [(f64, f64, f64); 3] = [(0.1, 3.5, 5.5), (0.2, 1.7, 2.3), (0.3, 0.7, 1.3)];

/// The μ comparison: confidence bound and the two rates.
const MU_EPSILON: f64 = 0.2;
const MU_SLOW: f64 = 0.1;
/// Steps of the μ comparison: long enough for the slow rate to settle.
const MU_STEPS: u32 = 730;
/// A run has settled once no opinion moves more than this in a step (on [0, 1]).
const SETTLED: f32 = 1e-4;
/// Hegselmann–Krause: population sizes, grid of ε (on [0, 1]) and steps.
const HK_SIZES: [u64; 2] = [100, 1000];
const HK_GRID: (f64, f64, usize) = (0.16, 0.01, 14);
const HK_STEPS: u32 = 80;
/// (band of the crossing) at each size: the independent reference simulation's value ± 0.02.
const HK_BANDS: [(f64, f64); 2] = [(0.22, 0.26), (0.19, 0.23)];

fn deffuant_name(eps: f64) -> String {
    format!("Deffuant–Weisbuch clusters, ε = {eps}")
}
fn hk_name(n: u64) -> String {
    format!("Hegselmann–Krause consensus threshold, N = {n}")
}
const MU_CLUSTERS: &str = "Deffuant–Weisbuch: μ leaves the number of clusters unchanged";
const MU_SPEED: &str = "Deffuant–Weisbuch: smaller μ settles more slowly";
const HK_DRIFT: &str = "Hegselmann–Krause threshold falls as N grows";

/// The declared targets.
pub fn targets() -> Vec<Target> {
    let mut out: Vec<Target> = DEFFUANT_CASES
        .iter()
        .map(|&(eps, lo, hi)| {
            Target::new(
                deffuant_name(eps),
                Kind::Reproduction,
                "Deffuant et al. 2000 (⌊1/(2ε)⌋ major clusters)",
                Band::Between(lo, hi),
            )
        })
        .collect();
    out.push(Target::new(
        MU_CLUSTERS,
        Kind::Reproduction,
        "Deffuant et al. 2000; Lorenz 2007 (μ changes speed only)",
        Band::Between(-0.3, 0.3),
    ));
    out.push(Target::new(
        MU_SPEED,
        Kind::Reproduction,
        "Deffuant et al. 2000; Lorenz 2007 (μ changes speed only)",
        Band::Above(1.0),
    ));
    for (i, &n) in HK_SIZES.iter().enumerate() {
        out.push(Target::new(
            hk_name(n),
            Kind::Reproduction,
            "Fortunato 2005 (ε_c → 0.2 for large N); Lorenz 2007 (N dependence)",
            Band::Between(HK_BANDS[i].0, HK_BANDS[i].1),
        ));
    }
    out.push(Target::new(HK_DRIFT, Kind::Reproduction, "Fortunato 2005; Lorenz 2007", Band::Above(0.0)));
    out
}

/// Number of major clusters of a run's final opinions.
fn major_clusters(x: &[f32]) -> f64 {
    clusters_with(x, CLUSTER_GAP, MAJOR_SHARE) as f64
}

fn bounded_confidence(voters: u64, eps: f64, mu: f64, steps: u32) -> Arc<Scenario> {
    opinion_lab(
        voters,
        DEFFUANT_DEGREE,
        &format!("BoundedConfidence(epsilon: {:?}, mu: {mu:?})", 2.0 * eps),
        uniform_cohort(),
        steps,
    )
}

/// Final opinions and the step after which no opinion moved more than [`SETTLED`] (the run's
/// length if it never settled).
fn run_until_settled(s: Arc<Scenario>, replicate: u32) -> (Vec<f32>, f64) {
    let mut sim = Simulation::new(s, replicate);
    let mut current = opinions(&mut sim);
    for step in 1..=sim.steps() {
        sim.step();
        let next = opinions(&mut sim);
        let moved = current.iter().zip(&next).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        current = next;
        if moved < SETTLED {
            return (current, step as f64);
        }
    }
    let steps = sim.steps() as f64;
    (current, steps)
}

fn deffuant(e: Effort) -> Vec<Measured> {
    DEFFUANT_CASES
        .iter()
        .map(|&(eps, ..)| {
            let s = bounded_confidence(DEFFUANT_VOTERS, eps, DEFFUANT_MU, DEFFUANT_STEPS);
            let counts: Vec<f64> = (0..e.runs)
                .into_par_iter()
                .map(|r| major_clusters(&super::labs::final_opinions(s.clone(), r)))
                .collect();
            Measured::new(
                deffuant_name(eps),
                format!(
                    "{DEFFUANT_VOTERS} voters, random graph of mean degree {DEFFUANT_DEGREE}, μ = {DEFFUANT_MU}, \
                     {DEFFUANT_STEPS} synchronous one-sided steps, {} runs",
                    e.runs
                ),
                counts,
            )
        })
        .collect()
}

fn mu(e: Effort) -> Vec<Measured> {
    let runs = e.runs;
    let at = |mu: f64| {
        let s = bounded_confidence(DEFFUANT_VOTERS, MU_EPSILON, mu, MU_STEPS);
        (0..runs).into_par_iter().map(|r| run_until_settled(s.clone(), r)).collect::<Vec<_>>()
    };
    let (fast, slow) = (at(DEFFUANT_MU), at(MU_SLOW));
    let setup = format!(
        "ε = {MU_EPSILON}, μ = {MU_SLOW} against μ = {DEFFUANT_MU}, same {runs} replicates (same network and \
         start), {DEFFUANT_VOTERS} voters, mean degree {DEFFUANT_DEGREE}; settled once no opinion moves \
         more than {SETTLED} in a step (at most {MU_STEPS} steps)"
    );
    vec![
        Measured::new(
            MU_CLUSTERS,
            format!("{setup}; difference of major clusters, slow − fast"),
            fast.iter().zip(&slow).map(|(f, s)| major_clusters(&s.0) - major_clusters(&f.0)).collect(),
        ),
        Measured::new(
            MU_SPEED,
            format!("{setup}; ratio of settling steps, slow / fast"),
            fast.iter().zip(&slow).map(|(f, s)| s.1 / f.1.max(1.0)).collect(),
        ),
    ]
}

/// The ε (on [0, 1]) where P(consensus) first reaches ½ on the grid, interpolated linearly between
/// grid points; the grid's end when it never does.
pub fn crossing(grid: &[f64], p: &[f64]) -> f64 {
    for i in 0..p.len() {
        if p[i] >= 0.5 {
            if i == 0 {
                return grid[0];
            }
            let (a, b) = (p[i - 1], p[i]);
            return grid[i - 1] + (grid[i] - grid[i - 1]) * (0.5 - a) / (b - a);
        }
    }
    grid[grid.len() - 1]
}

fn hegselmann_krause(e: Effort) -> Vec<Measured> {
    let grid: Vec<f64> = (0..HK_GRID.2).map(|i| HK_GRID.0 + HK_GRID.1 * i as f64).collect();
    let mut out = Vec::new();
    let mut crossings = Vec::new();
    for &n in &HK_SIZES {
        // Small populations are cheap and noisy: more runs there.
        let runs = if n <= 100 { e.runs * 8 } else { e.runs * 2 };
        let p: Vec<f64> = grid
            .iter()
            .map(|&eps| {
                let s = opinion_lab(
                    n,
                    (n - 1) as f64,
                    &format!("HegselmannKrause(epsilon: {:?})", 2.0 * eps),
                    uniform_cohort(),
                    HK_STEPS,
                );
                let consensus: usize = (0..runs)
                    .into_par_iter()
                    .map(|r| usize::from(clusters_with(&super::labs::final_opinions(s.clone(), r), CLUSTER_GAP, 0.0) == 1))
                    .sum();
                consensus as f64 / f64::from(runs)
            })
            .collect();
        let c = crossing(&grid, &p);
        crossings.push(c);
        let curve: Vec<String> = grid.iter().zip(&p).map(|(g, p)| format!("{g:.2}: {p:.2}")).collect();
        out.push(Measured::new(
            hk_name(n),
            format!(
                "{n} voters, complete graph, synchronous, {HK_STEPS} steps; P(consensus) from {runs} runs at each ε \
                 of {}, crossing of ½ interpolated (P: {})",
                format_args!("{:.2}–{:.2}", grid[0], grid[grid.len() - 1]),
                curve.join(", ")
            ),
            vec![c],
        ));
    }
    out.push(Measured::new(
        HK_DRIFT,
        format!("crossing at N = {} minus crossing at N = {}", HK_SIZES[0], HK_SIZES[1]),
        vec![crossings[0] - crossings[1]],
    ));
    out
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let mut out = deffuant(e);
    out.extend(mu(e));
    out.extend(hegselmann_krause(e));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crossing_interpolates_between_grid_points() {
        assert!((crossing(&[0.1, 0.2, 0.3], &[0.0, 0.25, 0.75]) - 0.25).abs() < 1e-12);
        assert_eq!(crossing(&[0.1, 0.2], &[0.6, 1.0]), 0.1);
        assert_eq!(crossing(&[0.1, 0.2], &[0.0, 0.1]), 0.2);
    }
}
