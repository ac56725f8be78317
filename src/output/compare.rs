//! Paired comparison of scenarios (DESIGN §3, §6): every scenario runs the same replicates with
//! common random numbers, so replicate r of scenario B minus replicate r of the reference is a
//! paired difference that reflects the policy, not the dice. Pure: metrics in, JSON and tables out.

use super::table::columns;
use super::{RunSummary, VERSION, add_run_files, nest, summary_value};
use crate::metrics::stats::Summary;
use crate::metrics::{MetricsLog, Record};
use crate::report::ResultsFolder;
use crate::scenario::Loaded;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One scenario's results in a comparison.
pub struct Compared<'a> {
    /// The scenario as loaded.
    pub loaded: &'a Loaded,
    /// One log per replicate, in replicate order.
    pub logs: &'a [MetricsLog],
}

/// Paired differences of every metric of `logs` against `reference`, per election and at the end.
pub fn paired_differences(logs: &[MetricsLog], reference: &[MetricsLog]) -> RunSummary {
    let elections = logs.iter().map(|l| l.elections.len()).max().unwrap_or(0);
    let diff = |pick: &dyn Fn(&MetricsLog) -> Option<&Record>| -> BTreeMap<Vec<String>, Summary> {
        let mut keys: Vec<&Vec<String>> = logs.iter().filter_map(pick).flat_map(|r| r.0.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|k| {
                let (a, b): (Vec<f64>, Vec<f64>) = logs
                    .iter()
                    .zip(reference)
                    .filter_map(|(l, r)| Some((*pick(l)?.0.get(k)?, *pick(r)?.0.get(k)?)))
                    .unzip();
                (k.clone(), Summary::paired_difference(&a, &b))
            })
            .collect()
    };
    RunSummary {
        elections: (0..elections).map(|k| diff(&|l: &MetricsLog| l.elections.get(k))).collect(),
        final_state: diff(&|l: &MetricsLog| Some(&l.final_record)),
    }
}

/// `comparison.json`: per scenario, election and metric, the value and its paired difference from
/// the reference (the first scenario).
pub fn comparison_json(scenarios: &[Compared]) -> String {
    let Some(reference) = scenarios.first() else { return "{}\n".into() };
    let entries: Vec<Value> = scenarios
        .iter()
        .map(|c| {
            let values = RunSummary::of(c.logs);
            let diffs = paired_differences(c.logs, reference.logs);
            let merge = |v: &BTreeMap<Vec<String>, Summary>, d: &BTreeMap<Vec<String>, Summary>| {
                let combined: BTreeMap<Vec<String>, (Summary, Option<Summary>)> =
                    v.iter().map(|(k, s)| (k.clone(), (*s, d.get(k).copied()))).collect();
                nest(&combined, |(s, d)| {
                    let mut value = summary_value(s);
                    if let (Some(d), Some(obj)) = (d, value.as_object_mut()) {
                        obj.insert("diff_vs_reference".into(), json!({"mean": d.mean, "ci95": [d.ci95[0], d.ci95[1]]}));
                    }
                    value
                })
            };
            json!({
                "name": c.loaded.scenario.name,
                "description": c.loaded.scenario.description,
                "elections": values.elections.iter().zip(&diffs.elections).map(|(v, d)| merge(v, d)).collect::<Vec<_>>(),
                "final": merge(&values.final_state, &diffs.final_state),
                "ron": c.loaded.resolved_ron,
            })
        })
        .collect();
    let s = &reference.loaded.scenario;
    let doc = json!({
        "reference": s.name,
        "seed": s.seed,
        "replicates": s.replicates,
        "population": s.population.size,
        "scenarios": entries,
        "version": VERSION,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Every file of a comparison's results folder: `comparison.json` and each scenario's run files
/// in a subfolder named after it.
pub fn comparison_files(scenarios: &[Compared]) -> ResultsFolder {
    let mut folder = ResultsFolder::new();
    folder.insert("comparison.json", comparison_json(scenarios));
    for c in scenarios {
        add_run_files(&mut folder, &format!("{}/", c.loaded.scenario.name), c.loaded, c.logs);
    }
    folder
}

/// A headline metric: label, where to read it, and whether it is a share shown in percent.
struct Headline {
    label: String,
    election: Option<usize>,
    path: Vec<String>,
    percent: bool,
}

fn headlines(reference: &Loaded, elections: usize) -> Vec<Headline> {
    let youngest = reference
        .scenario
        .population
        .cohorts
        .iter()
        .max_by_key(|c| c.born.1)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let mut h = Vec::new();
    for k in 0..elections {
        h.push(Headline {
            label: format!("turnout E{} %", k + 1),
            election: Some(k),
            path: vec!["turnout".into()],
            percent: true,
        });
    }
    for k in 0..elections {
        h.push(Headline {
            label: format!("{youngest} E{} %", k + 1),
            election: Some(k),
            path: vec!["turnout_by_cohort".into(), youngest.clone()],
            percent: true,
        });
    }
    let last = elections.checked_sub(1);
    let mut add = |label: &str, path: &[&str], percent: bool| {
        h.push(Headline {
            label: label.into(),
            election: last,
            path: path.iter().map(|s| s.to_string()).collect(),
            percent,
        })
    };
    add("affective", &["polarisation", "affective"], false);
    add("echo chamber", &["polarisation", "echo_chamber"], false);
    add("misinfo seen", &["misinformation", "exposures_per_capita"], false);
    add("believers %", &["misinformation", "believers"], true);
    add("targeted %", &["ads", "targeted_share"], true);
    h
}

fn lookup<'a>(summary: &'a RunSummary, h: &Headline) -> Option<&'a Summary> {
    match h.election {
        Some(k) => summary.elections.get(k)?.get(&h.path),
        None => summary.final_state.get(&h.path),
    }
}

/// The headline table: the reference's values, then each scenario's paired difference from it
/// (`*` where the 95% interval excludes zero).
pub fn headline_table(scenarios: &[Compared]) -> String {
    let Some(reference) = scenarios.first() else { return String::new() };
    let base = RunSummary::of(reference.logs);
    let metrics = headlines(reference.loaded, base.elections.len());
    let mut rows = vec![
        std::iter::once("scenario".to_string()).chain(metrics.iter().map(|m| m.label.clone())).collect::<Vec<_>>(),
    ];
    rows.push(
        std::iter::once(reference.loaded.scenario.name.clone())
            .chain(metrics.iter().map(|m| match lookup(&base, m) {
                Some(s) if m.percent => format!("{:.1}", 100.0 * s.mean),
                Some(s) => format!("{:.3}", s.mean),
                None => "—".into(),
            }))
            .collect(),
    );
    for c in &scenarios[1..] {
        let d = paired_differences(c.logs, reference.logs);
        rows.push(
            std::iter::once(c.loaded.scenario.name.clone())
                .chain(metrics.iter().map(|m| match lookup(&d, m) {
                    Some(s) => {
                        let star = if s.excludes_zero() { "*" } else { " " };
                        if m.percent {
                            format!("{:+.1}{star}", 100.0 * s.mean)
                        } else {
                            format!("{:+.3}{star}", s.mean)
                        }
                    }
                    None => "—".into(),
                }))
                .collect(),
        );
    }
    columns(&rows)
}
