//! The validation suite (docs/VALIDATION.md): textbook configurations of the engine, written as scenarios
//! and run through the same loader and systems users run, checked against published results.
//! Pure: returns the results; the command line prints them.

use crate::metrics::MetricsLog;
use crate::metrics::polarisation::clusters_with;
use crate::metrics::stats::Summary;
use crate::phases::turnout::{self, TurnoutInputs};
use crate::scenario::{self, Limits, Override, Scenario, SourceRef};
use crate::sim::{self, Simulation};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

/// The result of one validation target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetResult {
    /// Short name.
    pub target: String,
    /// Where the expected value comes from.
    pub source: String,
    /// The configuration, in words.
    pub setup: String,
    /// What the literature expects, in words.
    pub expected: String,
    /// What the engine gave, over runs.
    pub measured: Summary,
    /// Whether the measurement meets the expectation.
    pub pass: bool,
}

/// How much to run: `quick` for CI (about a minute on two cores), full otherwise.
#[derive(Clone, Copy, Debug)]
pub struct Effort {
    /// Runs per configuration.
    pub runs: u32,
    /// Voters in the opinion-dynamics configurations.
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

/// A scenario from RON text through the normal loader (parsing, defaults, validation).
fn scenario(text: &str, sets: &[(&str, String)]) -> Arc<Scenario> {
    let read = |_: &std::path::Path| Ok(text.to_string());
    let overrides: Vec<Override> =
        sets.iter().map(|(p, v)| Override { path: p.to_string(), value: v.clone() }).collect();
    let loaded = scenario::load(&SourceRef::File("validation.ron".into()), &overrides, &read, &Limits::default())
        .unwrap_or_else(|e| panic!("validation scenario is invalid: {e}"));
    Arc::new(loaded.scenario)
}

/// An opinion-dynamics laboratory: one cohort, one place, no campaigns, no feed, no anchors.
fn opinion_lab(voters: u64, degree: f64, rule: &str, cohorts: &str, days: u32) -> String {
    format!(
        r#"Scenario(
    name: "validation",
    timeline: Timeline(elections: 1, campaign_days: {days}),
    population: Population(size: {voters}, places: 1, cohorts: [{cohorts}]),
    network: Network(mean_degree: {degree}, homophily: 0.0, locality: 1.0, offline_share: 0.0),
    influence: Influence(rule: {rule}, emotion_narrowing: 0.0, stubbornness: 0.0, noise: 0.0),
    platform: Platform(political_share: 0.0),
)"#
    )
}

fn uniform_cohort() -> &'static str {
    r#"Cohort(name: "all", born: (1950, 1960), share: 1.0, ideology: Uniform(min: -1.0, max: 1.0))"#
}

/// Final opinions of a run, mapped to the textbook's [0, 1] scale.
fn final_opinions(s: Arc<Scenario>, replicate: u32) -> Vec<f32> {
    let mut sim = Simulation::new(s, replicate);
    for _ in 0..sim.steps() {
        sim.step();
    }
    let mut q = sim.world.query::<(&crate::agents::VoterId, &crate::agents::Ideology)>();
    let mut rows: Vec<(u32, f32)> = q.iter(&sim.world).map(|(id, x)| (id.0, (x.x + 1.0) / 2.0)).collect();
    rows.sort_by_key(|r| r.0);
    rows.into_iter().map(|r| r.1).collect()
}

fn result(
    target: &str,
    source: &str,
    setup: String,
    expected: &str,
    samples: &[f64],
    pass: impl Fn(&Summary) -> bool,
) -> TargetResult {
    let measured = Summary::of(samples);
    TargetResult {
        target: target.into(),
        source: source.into(),
        setup,
        expected: expected.into(),
        pass: pass(&measured),
        measured,
    }
}

/// Deffuant et al.'s population.
const DEFFUANT_VOTERS: u64 = 1000;
/// Dense enough for the mean-field result (the paper mixes everyone).
const DEFFUANT_DEGREE: f64 = 100.0;

/// Deffuant–Weisbuch major clusters against the confidence bound.
fn deffuant(e: Effort) -> Vec<TargetResult> {
    let cases: [(f64, f64, f64, &str); 3] =
        [(0.1, 3.5, 5.5, "≈ 4.5 (⌊1/(2ε)⌋ rule: 4–5)"), (0.2, 1.7, 2.3, "2"), (0.3, 0.7, 1.3, "1")];
    cases
        .iter()
        .map(|&(eps, lo, hi, expected)| {
            let text = opinion_lab(
                DEFFUANT_VOTERS,
                DEFFUANT_DEGREE,
                &format!("BoundedConfidence(epsilon: {}, mu: 0.5)", 2.0 * eps),
                uniform_cohort(),
                300,
            );
            let s = scenario(&text, &[]);
            let counts: Vec<f64> = (0..e.runs)
                .into_par_iter()
                .map(|r| clusters_with(&final_opinions(s.clone(), r), 1e-3, 0.01) as f64)
                .collect();
            result(
                &format!("Deffuant–Weisbuch clusters, ε = {eps}"),
                "Deffuant et al. 2000",
                format!(
                    "{} voters, random graph of mean degree {}, μ = 0.5, 300 synchronous one-sided steps, {} runs",
                    e.voters,
                    (e.voters as f64 / 5.0).min(100.0),
                    e.runs
                ),
                expected,
                &counts,
                |m| (lo..=hi).contains(&m.mean),
            )
        })
        .collect()
}

/// Hegselmann–Krause: consensus is rare below ε ≈ 0.2 and the rule above it.
fn hegselmann_krause(e: Effort) -> Vec<TargetResult> {
    let n = e.voters.min(500);
    [(0.15, false), (0.3, true)]
        .iter()
        .map(|&(eps, consensus_expected)| {
            let text = opinion_lab(
                n,
                (n - 1) as f64,
                &format!("HegselmannKrause(epsilon: {})", 2.0 * eps),
                uniform_cohort(),
                60,
            );
            let s = scenario(&text, &[]);
            let consensus: Vec<f64> = (0..e.runs.max(10))
                .into_par_iter()
                .map(|r| f64::from(u8::from(clusters_with(&final_opinions(s.clone(), r), 1e-3, 0.0) == 1)))
                .collect();
            result(
                &format!("Hegselmann–Krause P(consensus), ε = {eps}"),
                "Fortunato 2005; Hegselmann & Krause 2002",
                format!("{n} voters, complete graph, synchronous, 60 steps, {} runs", consensus.len()),
                if consensus_expected { "above ½ (threshold ≈ 0.2)" } else { "below ½ (threshold ≈ 0.2)" },
                &consensus,
                move |m| if consensus_expected { m.mean > 0.5 } else { m.mean < 0.5 },
            )
        })
        .collect()
}

/// Voter model: exit probability equals the initial share.
fn voter_model(e: Effort) -> TargetResult {
    let n = 100u64;
    let rho = 0.3;
    let cohorts = format!(
        r#"Cohort(name: "plus", born: (1950, 1960), share: {rho}, ideology: Fixed(1.0)), Cohort(name: "minus", born: (1950, 1960), share: {}, ideology: Fixed(-1.0))"#,
        1.0 - rho
    );
    let text = opinion_lab(n, (n - 1) as f64, "Voter", &cohorts, 730);
    let s = scenario(&text, &[]);
    let runs = e.runs * 40;
    let wins: Vec<f64> = (0..runs)
        .into_par_iter()
        .filter_map(|r| {
            let x = final_opinions(s.clone(), r);
            let plus = x.iter().filter(|&&v| v > 0.5).count();
            (plus == 0 || plus == x.len()).then_some(f64::from(u8::from(plus == x.len())))
        })
        .collect();
    let tolerance = 3.0 * (rho * (1.0 - rho) / wins.len().max(1) as f64).sqrt();
    result(
        "Voter model exit probability",
        "Castellano, Fortunato & Loreto 2009",
        format!(
            "{n} voters, complete graph, initial share {rho}, synchronous copying, {} runs reaching consensus of {runs}",
            wins.len()
        ),
        "= initial share 0.3 (± 3 standard errors)",
        &wins,
        move |m| (m.mean - rho).abs() <= tolerance,
    )
}

/// Zealots in the voter model: the free voters' stationary share is Z₊/(Z₊+Z₋), whatever N.
fn zealots(e: Effort) -> Vec<TargetResult> {
    let (zp, zm) = (20u64, 10u64);
    [100u64, 400]
        .iter()
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
            let days = 600;
            let text = opinion_lab(n, (n - 1) as f64, "Voter", &cohorts, days);
            let s = scenario(&text, &[]);
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
            let expected = zp as f64 / (zp + zm) as f64;
            result(
                &format!("Voter model with zealots, N = {free}"),
                "Mobilia, Petersen & Redner 2007",
                format!("{free} free voters, Z₊ = {zp}, Z₋ = {zm} (stubbornness 1), complete graph, time average of steps {}–{days}, {} runs", days / 2, e.runs),
                "mean 2/3 = Z₊/(Z₊+Z₋), independent of N (± 0.05)",
                &shares,
                move |m| (m.mean - expected).abs() <= 0.05,
            )
        })
        .collect()
}

/// Baseline electorate without campaigns, bots or stories.
fn quiet_baseline(voters: u64, sets: &[(&str, String)]) -> Arc<Scenario> {
    let read = |_: &std::path::Path| Err(std::io::Error::other("built-ins only"));
    let mut overrides: Vec<Override> = [
        ("population.size", voters.to_string()),
        ("timeline.elections", "2".to_string()),
        ("parties[0].budget", "0.0".to_string()),
        ("parties[1].budget", "0.0".to_string()),
        ("bots", "None".to_string()),
        ("misinformation.stories_per_day", "0.0".to_string()),
        ("brokers", "[]".to_string()),
    ]
    .into_iter()
    .map(|(p, v)| Override { path: p.into(), value: v })
    .collect();
    overrides.extend(sets.iter().map(|(p, v)| Override { path: p.to_string(), value: v.clone() }));
    let loaded = scenario::load(&SourceRef::Builtin("baseline".into()), &overrides, &read, &Limits::default())
        .unwrap_or_else(|e| panic!("validation scenario is invalid: {e}"));
    Arc::new(loaded.scenario)
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
            age: year - f64::from(d.born),
        };
        let voted = TurnoutInputs { habit: base.habit + gain, ..base };
        let p = |i: &TurnoutInputs| turnout::sigmoid(model.intercept[c] + turnout::logit_without_intercept(t, i));
        sum += p(&voted) - p(&base);
        n += 1.0;
    }
    if n > 0.0 { sum / n } else { 0.0 }
}

fn habit(e: Effort) -> Vec<TargetResult> {
    let voters = e.voters * 10;
    let baseline = quiet_baseline(voters, &[]);
    let with: Vec<f64> = (0..e.runs).into_par_iter().map(|r| habit_effect(baseline.clone(), r)).collect();
    let none = quiet_baseline(
        voters,
        &[("turnout.habit.gain", "0.0".into()), ("turnout.habit.first_elections_gain", "0.0".into())],
    );
    let without: Vec<f64> = (0..e.runs).into_par_iter().map(|r| habit_effect(none.clone(), r)).collect();
    vec![
        result(
            "Turnout habit: effect of one vote on the next election",
            "Meredith 2009 (+5 pp); Gerber, Green & Shachar 2003 (+47 pp)",
            format!("baseline electorate, {voters} voters, habit parameters of baseline.ron, {} runs", e.runs),
            "between +0.05 and +0.47",
            &with,
            |m| (0.05..=0.47).contains(&m.mean),
        ),
        result(
            "Turnout habit: no-persistence setting",
            "Jessen, Kühnle & Wagner 2024",
            "as above with habit gains 0".into(),
            "≈ 0 (|effect| < 0.005)",
            &without,
            |m| m.mean.abs() < 0.005,
        ),
    ]
}

/// Prevented share of misinformation reach against takedown delay.
fn moderation(e: Effort) -> Vec<TargetResult> {
    let voters = e.voters * 10;
    let sets = |takedown: &str| {
        vec![
            ("misinformation.stories_per_day", "20.0".to_string()),
            ("misinformation.sharing", "0.0".to_string()),
            ("regulation.detection_lag_hours", "0.0".to_string()),
            ("regulation.takedown_hours", takedown.to_string()),
            ("timeline.elections", "1".to_string()),
        ]
    };
    let exposures = |s: Arc<Scenario>, r: u32| {
        sim::run_replicate_to_end(s, r).elections[0].get(&["misinformation", "exposures_per_capita"]).unwrap_or(0.0)
    };
    let none = quiet_baseline(voters, &sets("None"));
    let reference: Vec<f64> = (0..e.runs).into_par_iter().map(|r| exposures(none.clone(), r)).collect();
    [1.0, 4.0, 12.0, 24.0]
        .iter()
        .map(|&hours| {
            let s = quiet_baseline(voters, &sets(&format!("Some({hours:.1})")));
            let prevented: Vec<f64> = (0..e.runs)
                .into_par_iter()
                .map(|r| 1.0 - exposures(s.clone(), r) / reference[r as usize].max(1e-12))
                .collect();
            let expected = (-hours / s.misinformation.half_life_hours).exp2();
            result(
                &format!("Takedown after {hours} h: prevented share of reach"),
                "Goldstein et al. 2023 reach curve",
                format!(
                    "stories only, no resharing, detection lag 0, {voters} voters, {} runs with common random numbers",
                    e.runs
                ),
                &format!("2^(−τ/9 h) = {expected:.3} (± 0.02)"),
                &prevented,
                move |m| (m.mean - expected).abs() <= 0.02,
            )
        })
        .collect()
}

/// Per eligible voter after the first day of a one-day campaign in which only the first party
/// advertises (persuade only, no fear or hate, free profiles): impressions, targeted impressions,
/// persuasion held at the end of the day, ideology and hostility.
pub struct FirstDay {
    /// Impressions received.
    pub impressions: Vec<f32>,
    /// Of which targeted.
    pub targeted: Vec<f32>,
    /// Ad persuasion held at the end of the day (after one day's decay).
    pub persuasion: Vec<f32>,
    /// Ideology.
    pub ideology: Vec<f32>,
    /// Hostility.
    pub hostility: Vec<f32>,
    /// The scenario.
    pub scenario: Arc<Scenario>,
}

/// Run [`FirstDay`] for a targeting mode (`Micro` or `Broadcast`) and a budget.
pub fn first_campaign_day(targeting: &str, budget: f64, voters: u64, replicate: u32) -> FirstDay {
    let s = quiet_baseline(
        voters,
        &[
            ("timeline.campaign_days", "1".into()),
            ("timeline.elections", "1".into()),
            ("brokers", "[Broker(name: \"DataCo\", coverage: 0.9, psychometric: true, price_per_profile: 0.0)]".into()),
            ("parties[0].budget", format!("{budget:.1}")),
            ("parties[0].campaign.targeting", targeting.into()),
            ("parties[0].campaign.goal", "Goal(persuade: 1.0, mobilise: 0.0, demobilise: 0.0)".into()),
            ("parties[0].campaign.tone", "Tone(fear: 0.0, hate: 0.0)".into()),
            ("parties[0].campaign.cohort_focus", "{}".into()),
            // One impression at most per voter: a budget of a little more than one impression
            // per voter reaches everybody the campaign scores above zero exactly once.
            ("parties[0].campaign.frequency_cap", "Some(1)".into()),
        ],
    );
    let mut sim = Simulation::new(s.clone(), replicate);
    sim.step();
    let year = sim.world.resource::<crate::sim::resources::Clock>().year;
    use crate::agents::*;
    // On the first campaign day the campaign's exposure counters hold that day's impressions.
    let mut q = sim.world.query::<(&VoterId, &Demography, &Exposure, &CampaignContact, &Ideology, &Affect)>();
    let mut rows: Vec<(u32, f32, f32, f32, f32, f32)> = q
        .iter(&sim.world)
        .filter(|(_, d, ..)| turnout::eligible(&s, d.born, year))
        .map(|(id, _, seen, c, x, a)| (id.0, seen.ads, seen.targeted, c.persuasion, x.x, a.hostility))
        .collect();
    rows.sort_by_key(|r| r.0);
    FirstDay {
        impressions: rows.iter().map(|r| r.1).collect(),
        targeted: rows.iter().map(|r| r.2).collect(),
        persuasion: rows.iter().map(|r| r.3).collect(),
        ideology: rows.iter().map(|r| r.4).collect(),
        hostility: rows.iter().map(|r| r.5).collect(),
        scenario: s,
    }
}

/// Percentage points of vote choice changed per broadcast impression on the first campaign day:
/// the share of recipients whose nearest party differs with and without the day's ad shift.
pub fn vote_choice_per_impression(day: &FirstDay) -> f64 {
    let s = &day.scenario;
    let keep = (-1.0 / s.effects.persuasion_half_life_days).exp2() as f32;
    let (mut flips, mut impressions) = (0.0, 0.0);
    for i in 0..day.persuasion.len() {
        impressions += f64::from(day.impressions[i]);
        let x = f64::from(day.ideology[i]);
        let (h, push) = (f64::from(day.hostility[i]), s.turnout.hostility_push);
        let shifted = (x + f64::from(day.persuasion[i] / keep)).clamp(-1.0, 1.0);
        flips += f64::from(u8::from(
            turnout::choose_party(shifted, h, &s.parties, push) != turnout::choose_party(x, h, &s.parties, push),
        ));
    }
    if impressions > 0.0 { 100.0 * flips / impressions } else { 0.0 }
}

/// Persuasion of one targeted impression relative to one broadcast impression to the same voter.
pub fn targeting_premium(targeted: &FirstDay, broadcast: &FirstDay) -> f64 {
    let (mut t, mut b) = (0.0f64, 0.0f64);
    for i in 0..targeted.persuasion.len().min(broadcast.persuasion.len()) {
        if targeted.targeted[i] == 1.0 && targeted.impressions[i] == 1.0 && broadcast.impressions[i] == 1.0 {
            t += f64::from(targeted.persuasion[i].abs());
            b += f64::from(broadcast.persuasion[i].abs());
        }
    }
    if b > 0.0 { t / b } else { 0.0 }
}

fn persuasion(e: Effort) -> Vec<TargetResult> {
    let voters = e.voters * 10;
    // About one impression per eligible voter: budgets in real money for the 60 M electorate.
    let per_impression: Vec<f64> = (0..e.runs)
        .into_par_iter()
        .map(|r| vote_choice_per_impression(&first_campaign_day("Broadcast", 600_000.0, voters, r)))
        .collect();
    let premium: Vec<f64> = (0..e.runs)
        .into_par_iter()
        .map(|r| {
            targeting_premium(
                &first_campaign_day("Micro", 1_600_000.0, voters, r),
                &first_campaign_day("Broadcast", 600_000.0, voters, r),
            )
        })
        .collect();
    vec![
        result(
            "Persuasion: vote choice changed per ad impression",
            "Coppock, Hill & Vavreck 2020 (+0.7 pp)",
            format!("baseline electorate, {voters} voters, one day of broadcast ads (≈ 1 per voter), {} runs", e.runs),
            "< 1 pp",
            &per_impression,
            |m| m.mean < 1.0 && m.mean > 0.0,
        ),
        result(
            "Persuasion: targeting premium",
            "Tappin et al. 2023 (≤ 1.7×); Matz et al. 2017 (≤ 1.4×)",
            format!("same voters, one targeted vs one broadcast impression, {voters} voters, {} runs", e.runs),
            "between 1.0 and 1.8",
            &premium,
            |m| (1.0..=1.8).contains(&m.mean),
        ),
    ]
}

/// Calibration: first-election turnout by cohort, no campaigning.
fn calibration(e: Effort) -> Vec<TargetResult> {
    let s = quiet_baseline(e.voters * 25, &[("timeline.elections", "1".into())]);
    let logs: Vec<MetricsLog> =
        (0..e.runs.min(8)).into_par_iter().map(|r| sim::run_replicate_to_end(s.clone(), r)).collect();
    s.population
        .cohorts
        .iter()
        .map(|c| {
            let values: Vec<f64> =
                logs.iter().filter_map(|l| l.elections[0].get(&["turnout_by_cohort", &c.name])).collect();
            let target = c.baseline_turnout;
            result(
                &format!("Calibration: {} first-election turnout", c.name),
                "US Census CPS 2016 (baseline.ron)",
                format!("baseline electorate without campaigns, {} voters, {} runs", s.population.size, logs.len()),
                &format!("{target:.3} (± 0.02)"),
                &values,
                move |m| (m.mean - target).abs() <= 0.02,
            )
        })
        .collect()
}

/// Run every target.
pub fn run(effort: Effort) -> Vec<TargetResult> {
    let mut out = Vec::new();
    out.extend(deffuant(effort));
    out.extend(hegselmann_krause(effort));
    out.push(voter_model(effort));
    out.extend(zealots(effort));
    out.extend(habit(effort));
    out.extend(persuasion(effort));
    out.extend(moderation(effort));
    out.extend(calibration(effort));
    out
}

/// The results as a Markdown table (for docs/VALIDATION.md).
pub fn markdown(results: &[TargetResult]) -> String {
    let mut s = String::from(
        "| target | source | setup | expected | measured (mean [95% CI], n) | result |\n|---|---|---|---|---|---|\n",
    );
    for r in results {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {:.3} [{:.3}, {:.3}], n = {} | {} |\n",
            r.target,
            r.source,
            r.setup,
            r.expected,
            r.measured.mean,
            r.measured.ci95[0],
            r.measured.ci95[1],
            r.measured.n,
            if r.pass { "pass" } else { "**FAIL**" }
        ));
    }
    s
}
