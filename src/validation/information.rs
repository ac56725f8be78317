//! Information-environment targets (docs/VALIDATION.md): who sees and passes on misinformation,
//! and what feeds, bots and deliberation do to hostility and belief, read from simulated behaviour
//! of `information.ron` (the built-in baseline over one 90-day campaign). Reproductions: the
//! concentration of exposure (Grinberg et al. 2019), the age gradient of sharing and belief (Guess,
//! Nagler & Tucker 2019), the null of bubble-bursting over three months (Nyhan et al. 2023; Guess
//! et al. 2023), the calming of deliberation (Voelkel et al.; Fishkin et al. 2021) and the near
//! null of foreign-influence bots (Eady et al. 2023). Reads the engine; writes nothing.

use super::labs::load;
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::agents::{Affect, Belief, Civics, Exposure, VotingRecord};
use crate::metrics::{MetricsLog, top_share};
use crate::scenario::Scenario;
use crate::sim::{self, Simulation};
use rayon::prelude::*;
use std::sync::Arc;

/// The family.
pub const FAMILY: Family = Family { name: "information", targets, measure };

const CONCENTRATION: &str = "Information: share of misinformation exposures received by the top 1% of voters";
const SHARING_AGE: &str = "Information: sharing of misinformation, oldest cohort / Gen Z";
const BELIEF_AGE: &str = "Information: mean belief in misinformation, oldest cohort / Gen Z";
const BUBBLE_HOSTILITY: &str = "Information: bubble-bursting for 3 months, change in affective polarisation (SD)";
const BUBBLE_BELIEF: &str = "Information: bubble-bursting for 3 months, change in mean belief (SD)";
const DELIBERATION: &str = "Information: deliberation, hostility drop of participants (points of 100)";
const BOT_HOSTILITY: &str = "Information: bots at 15% of accounts, change in affective polarisation (SD)";
const BOT_TURNOUT: &str = "Information: bots at 15% of accounts, change in turnout";
const BOT_CONCENTRATION: &str = "Information: share of bot exposures received by the top 1% of voters";

/// The diverse-exposure mandate of `bubble-bursting.ron`.
const MANDATE: &str = "Some(0.4)";
/// The bot share of `bot-surge.ron` (Varol et al. 2017: 9–15%).
const SURGE: &str = "0.15";

/// The declared targets.
pub fn targets() -> Vec<Target> {
    vec![
        Target::new(
            CONCENTRATION,
            Kind::Reproduction,
            "Grinberg et al. 2019 (1% of users received 80% of fake-news exposures)",
            Band::Between(0.6, 0.9),
        ),
        Target::new(
            SHARING_AGE,
            Kind::Reproduction,
            "Guess, Nagler & Tucker 2019 (over-65s shared ≈ 7× as many fake-news articles as 18–29s)",
            Band::Above(1.0),
        ),
        Target::new(
            BELIEF_AGE,
            Kind::Reproduction,
            "Guess, Nagler & Tucker 2019; Grinberg et al. 2019 (older users engage most with fake news)",
            Band::Above(1.0),
        ),
        Target::new(
            BUBBLE_HOSTILITY,
            Kind::Reproduction,
            "Nyhan et al. 2023; Guess et al. 2023 (like-minded exposure cut by ≈ 1/3 for 3 months: no measurable \
             change, |Δ| < 0.05 SD)",
            Band::Between(-0.05, 0.05),
        ),
        Target::new(
            BUBBLE_BELIEF,
            Kind::Reproduction,
            "Nyhan et al. 2023 (no measurable change in belief in false claims)",
            Band::Between(-0.05, 0.05),
        ),
        Target::new(
            DELIBERATION,
            Kind::Reproduction,
            "Voelkel et al. (animosity −2 to −10 points of 100); Fishkin et al. 2021",
            Band::Between(2.0, 10.0),
        ),
        Target::new(
            BOT_HOSTILITY,
            Kind::Reproduction,
            "Eady et al. 2023; Bail et al. 2020 (no measurable effect of foreign-influence accounts on polarisation)",
            Band::Between(-0.05, 0.05),
        ),
        Target::new(
            BOT_TURNOUT,
            Kind::Reproduction,
            "Eady et al. 2023 (no measurable effect on voting; ±0.5 pp, the turnout metric's smallest meaningful \
             difference)",
            Band::Between(-0.005, 0.005),
        ),
        Target::new(
            BOT_CONCENTRATION,
            Kind::Reproduction,
            "Eady et al. 2023 (1% of users accounted for 70% of exposures to Russian foreign-influence accounts)",
            Band::Between(0.6, 0.9),
        ),
    ]
}

/// What a run of `information.ron` leaves: its metrics, the standard deviations of hostility and
/// belief over eligible voters on election day, and each eligible voter's bot items this campaign.
struct Run {
    log: MetricsLog,
    hostility_sd: f64,
    belief_sd: f64,
    bots: Vec<f64>,
    /// Mean hostility drop of the deliberation day's participants and of everyone else, in points
    /// of 100 (0 without deliberation).
    calming: (f64, f64),
}

/// Population standard deviation.
fn sd(values: &[f64]) -> f64 {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt()
}

/// Mean, 0 for none.
fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}

fn run(s: Arc<Scenario>, replicate: u32) -> Run {
    let plan = sim::timeline::plan(&s.timeline);
    let election = plan.iter().position(|p| p.election == Some(0));
    let deliberation = s.regulation.deliberation.as_ref().map(|_| {
        plan.iter()
            .position(|p| p.campaign.is_some() && p.campaign_day == s.timeline.campaign_days / 2)
            .unwrap_or(0)
    });
    let openness = 1.0 + s.effects.deliberation_openness as f32;
    let mut sim = Simulation::new(s, replicate);
    let (mut hostility_sd, mut belief_sd, mut bots, mut calming) = (0.0, 0.0, Vec::new(), (0.0, 0.0));
    let mut before = Vec::new();
    for step in 0..sim.steps() {
        if Some(step) == deliberation {
            let mut q = sim.world.query::<&Affect>();
            before = q.iter(&sim.world).map(|a| f64::from(a.hostility)).collect();
        }
        sim.step();
        if Some(step) == deliberation {
            let mut q = sim.world.query::<(&Affect, &Civics)>();
            let (mut joined, mut others) = (Vec::new(), Vec::new());
            for ((a, c), h) in q.iter(&sim.world).zip(&before) {
                let drop = 100.0 * (h - f64::from(a.hostility));
                if c.openness >= openness { joined.push(drop) } else { others.push(drop) }
            }
            calming = (mean(&joined), mean(&others));
        }
        if Some(step) == election {
            let mut q = sim.world.query::<(&Affect, &Belief, &Exposure, &VotingRecord)>();
            let eligible: Vec<_> = q.iter(&sim.world).filter(|(.., r)| r.last_election == 0).collect();
            hostility_sd = sd(&eligible.iter().map(|(a, ..)| f64::from(a.hostility)).collect::<Vec<_>>());
            belief_sd = sd(&eligible.iter().map(|(_, b, ..)| f64::from(b.0)).collect::<Vec<_>>());
            bots = eligible.iter().map(|(_, _, e, _)| f64::from(e.bot)).collect();
        }
    }
    let log = sim.world.remove_resource::<MetricsLog>().unwrap_or_default();
    Run { log, hostility_sd, belief_sd, bots, calming }
}

/// A metric of a run's first (only) election.
fn metric(r: &Run, path: &[&str]) -> f64 {
    r.log.elections.first().and_then(|e| e.get(path)).unwrap_or(0.0)
}

/// The paired difference of a metric between runs, over the reference's standard deviation.
fn paired(with: &[Run], without: &[Run], path: &[&str], sd: fn(&Run) -> f64) -> Vec<f64> {
    with.iter().zip(without).map(|(w, o)| (metric(w, path) - metric(o, path)) / sd(o).max(1e-9)).collect()
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let voters = e.voters * 10;
    let runs = |sets: &[(&str, String)]| -> Vec<Run> {
        let mut all = vec![("population.size", voters.to_string())];
        all.extend(sets.iter().cloned());
        let s = load("information", &all);
        (0..e.runs).into_par_iter().map(|r| run(s.clone(), r)).collect()
    };
    let base = runs(&[]);
    let bubble = runs(&[("regulation.diverse_exposure", MANDATE.to_string())]);
    let surge = runs(&[("bots.share", SURGE.to_string())]);
    let deliberation = runs(&[("regulation.deliberation", "Some(Deliberation(share: 0.02, cohorts: []))".to_string())]);
    let s = load("information", &[]);
    let cohorts = &s.population.cohorts;
    let young = s.youngest_voting_cohort().map_or("", |c| c.name.as_str());
    let old = cohorts[cohorts.len() - 1].name.as_str();
    let ratio = |path: &str| -> Vec<f64> {
        base.iter()
            .map(|r| metric(r, &["misinformation", path, old]) / metric(r, &["misinformation", path, young]).max(1e-12))
            .collect()
    };
    let like_minded = |runs: &[Run]| mean(&runs.iter().map(|r| metric(r, &["feed", "like_minded_share"])).collect::<Vec<_>>());
    let cut = 1.0 - like_minded(&bubble) / like_minded(&base).max(1e-12);
    let setup = format!("information.ron (built-in baseline, one 90-day campaign), {voters} voters, {} runs", e.runs);
    let paired_setup = |what: &str| format!("{setup}; {what}, paired with the same runs without it (common random numbers)");
    vec![
        Measured::new(
            CONCENTRATION,
            format!("{setup}; misinformation seen during the campaign by each eligible voter"),
            base.iter().map(|r| metric(r, &["misinformation", "exposure_top1_share"])).collect(),
        ),
        Measured::new(
            SHARING_AGE,
            format!("{setup}; share of political posts passing misinformation on, {old} over {young}"),
            ratio("sharing_by_cohort"),
        ),
        Measured::new(BELIEF_AGE, format!("{setup}; mean belief on election day, {old} over {young}"), ratio("mean_belief_by_cohort")),
        Measured::new(
            BUBBLE_HOSTILITY,
            paired_setup(&format!(
                "diverse-exposure mandate {MANDATE} (like-minded share of neighbour items cut by {:.0}%); mean hostility on \
                 election day over its standard deviation",
                100.0 * cut
            )),
            paired(&bubble, &base, &["polarisation", "affective"], |r| r.hostility_sd),
        ),
        Measured::new(
            BUBBLE_BELIEF,
            paired_setup(&format!("diverse-exposure mandate {MANDATE}; mean belief on election day over its standard deviation")),
            paired(&bubble, &base, &["misinformation", "mean_belief"], |r| r.belief_sd),
        ),
        Measured::new(
            DELIBERATION,
            format!(
                "{setup}; 2% of adults deliberate mid-campaign; hostility drop over the session day of participants minus \
                 that of everyone else"
            ),
            deliberation.iter().map(|r| r.calming.0 - r.calming.1).collect(),
        ),
        Measured::new(
            BOT_HOSTILITY,
            paired_setup(&format!("bots at {SURGE} of accounts instead of 0.05; mean hostility over its standard deviation")),
            paired(&surge, &base, &["polarisation", "affective"], |r| r.hostility_sd),
        ),
        Measured::new(
            BOT_TURNOUT,
            paired_setup(&format!("bots at {SURGE} of accounts instead of 0.05; turnout")),
            surge.iter().zip(&base).map(|(w, o)| metric(w, &["turnout"]) - metric(o, &["turnout"])).collect(),
        ),
        Measured::new(
            BOT_CONCENTRATION,
            format!("{setup}; bot items seen during the campaign by each eligible voter"),
            base.iter()
                .map(|r| {
                    let mut seen: Vec<f32> = r.bots.iter().map(|&b| b as f32).collect();
                    top_share(&mut seen, 0.01)
                })
                .collect(),
        ),
    ]
}
