//! Paired comparison of scenarios (docs/MODEL.md §10 Output files, §4.5): every scenario runs the
//! same replicates with common random numbers, so replicate r of scenario B minus replicate r of
//! the reference is a paired difference that reflects the policy, not the dice. Pure: metrics in,
//! JSON (`comparison.json`, typed in [`super::files`]) and tables out.

use super::files::{ComparedMetric, ComparedScenario, ComparisonFile, Difference, MetricInfo, MetricTree, json_text};
use super::folder::ResultsFolder;
use super::summary::{self, Effect};
use super::table::columns;
use super::{RunSummary, VERSION, add_run_files};
use crate::metrics::catalogue::{self, Kind, MetricDef};
use crate::metrics::stats::Summary;
use crate::metrics::{MetricsLog, Record};
use crate::scenario::Loaded;
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

/// The voters a scenario's simulated electorate stands for: `population.represents`, or the
/// simulated population when the sample is the electorate.
pub fn represented(loaded: &Loaded) -> u64 {
    let p = &loaded.scenario.population;
    p.represents.unwrap_or(p.size)
}

/// `election 3 (2034)`: the last election of a scenario, as summaries name it.
pub fn last_election(loaded: &Loaded, elections: usize) -> String {
    let t = &loaded.scenario.timeline;
    let k = elections.max(1) - 1;
    format!("election {} ({})", k + 1, i64::from(t.start_year) + k as i64 * i64::from(t.years_between))
}

/// The paired differences of every headline metric at the last election (per-cohort ones for
/// each of the reference's cohorts, per-party ones for each party), with the name of that
/// election.
pub fn headline_effects(reference: &Loaded, diffs: &RunSummary) -> (String, Vec<Effect>) {
    let s = &reference.scenario;
    let cohorts: Vec<String> = s.population.cohorts.iter().map(|c| c.name.clone()).collect();
    let parties: Vec<String> = s.parties.iter().map(|p| p.name.clone()).collect();
    let last = diffs.elections.len().checked_sub(1);
    let mut effects = Vec::new();
    for def in catalogue::headlines() {
        for e in def.expand(&cohorts, &parties) {
            let found = match last {
                Some(k) => diffs.elections[k].get(&e.path),
                None => diffs.final_state.get(&e.path),
            };
            if let Some(d) = found {
                effects.push(Effect { def, key: e.key.clone(), mean: d.mean, ci95: d.ci95, n: d.n as u64 });
            }
        }
    }
    (last_election(reference, diffs.elections.len()), effects)
}

/// `comparison.json`: per scenario, election and metric, the value and its paired difference from
/// the reference (the first scenario). `None` without scenarios.
pub fn comparison_file(scenarios: &[Compared]) -> Option<ComparisonFile> {
    let reference = scenarios.first()?;
    let merge = |values: &BTreeMap<Vec<String>, Summary>, diffs: &BTreeMap<Vec<String>, Summary>| {
        MetricTree::from_paths(values.iter().map(|(path, s)| {
            let metric = ComparedMetric {
                ci95: s.ci95,
                diff_vs_reference: diffs
                    .get(path)
                    .map(|d| Difference::judged(d, catalogue::by_path(path).map(|m| m.0))),
                mean: s.mean,
                n: s.n,
                sd: s.sd,
            };
            (path.clone(), metric)
        }))
    };
    let entries = scenarios
        .iter()
        .map(|c| {
            let values = RunSummary::of(c.logs);
            let diffs = paired_differences(c.logs, reference.logs);
            let summary = if std::ptr::eq(c, reference) {
                Vec::new()
            } else {
                let (at, effects) = headline_effects(reference.loaded, &diffs);
                let s = &reference.loaded.scenario;
                summary::comparison_summary(
                    &s.name,
                    &c.loaded.scenario.name,
                    &at,
                    &effects,
                    represented(reference.loaded),
                    u64::from(s.replicates),
                )
            };
            ComparedScenario {
                description: c.loaded.scenario.description.clone(),
                elections: values.elections.iter().zip(&diffs.elections).map(|(v, d)| merge(v, d)).collect(),
                final_state: merge(&values.final_state, &diffs.final_state),
                name: c.loaded.scenario.name.clone(),
                overrides: super::overrides_of(c.loaded),
                ron: c.loaded.resolved_ron.clone(),
                summary,
            }
        })
        .collect();
    let s = &reference.loaded.scenario;
    Some(ComparisonFile {
        metrics: catalogue::CATALOGUE.iter().map(MetricInfo::from).collect(),
        population: s.population.size,
        reference: s.name.clone(),
        replicates: u64::from(s.replicates),
        represents: represented(reference.loaded),
        scenarios: entries,
        seed: s.seed,
        version: VERSION.to_string(),
    })
}

/// The text of `comparison.json` ([`comparison_file`]; `{}` without scenarios).
pub fn comparison_json(scenarios: &[Compared]) -> String {
    match comparison_file(scenarios) {
        Some(doc) => json_text(&doc),
        None => "{}\n".into(),
    }
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

/// A column of the headline table: a catalogue metric, the cohort it is about (if any), and the
/// election it is read at (`None`: the end of the run).
struct Headline {
    def: &'static MetricDef,
    key: Option<String>,
    election: Option<usize>,
}

impl Headline {
    /// Column heading: the short label, `E<k>` for a per-election column, `%` for shares.
    fn label(&self, every_election: bool) -> String {
        let mut label = self.def.short_for(self.key.as_deref());
        if let (true, Some(k)) = (every_election, self.election) {
            label.push_str(&format!(" E{}", k + 1));
        }
        if self.def.kind == Kind::Share {
            label.push_str(" %");
        }
        label
    }
}

/// The catalogue's headline metrics in order; those marked for every election once per
/// election, the others at the last; per-cohort metrics for the youngest cohort that votes at the
/// first election only (the terminal is narrow).
fn headlines(reference: &Loaded, elections: usize) -> Vec<(String, Headline)> {
    let youngest = reference.scenario.youngest_voting_cohort().map(|c| c.name.clone()).unwrap_or_default();
    let parties: Vec<String> = reference.scenario.parties.iter().map(|p| p.name.clone()).collect();
    let last = elections.checked_sub(1);
    let mut h = Vec::new();
    for def in catalogue::headlines() {
        let every = def.headline.is_some_and(|h| h.every_election);
        for e in def.expand(std::slice::from_ref(&youngest), &parties) {
            let at: Vec<Option<usize>> = if every { (0..elections).map(Some).collect() } else { vec![last] };
            for election in at {
                let column = Headline { def, key: e.key.clone(), election };
                h.push((column.label(every), column));
            }
        }
    }
    h
}

fn lookup<'a>(summary: &'a RunSummary, h: &Headline) -> Option<&'a Summary> {
    let path = h.def.path_for(h.key.as_deref());
    match h.election {
        Some(k) => summary.elections.get(k)?.get(&path),
        None => summary.final_state.get(&path),
    }
}

/// The headline table: the reference's values, then each scenario's paired difference from it,
/// marked `*` when detectable (the 95% interval excludes zero) and meaningful (at least the
/// catalogue's smallest meaningful difference) and `~` when detectable but negligible; a
/// detectable difference gets the decimals it needs not to read as zero. Columns, labels and
/// units from the catalogue.
pub fn headline_table(scenarios: &[Compared]) -> String {
    let Some(reference) = scenarios.first() else { return String::new() };
    let base = RunSummary::of(reference.logs);
    let metrics = headlines(reference.loaded, base.elections.len());
    let mut rows = vec![
        std::iter::once("scenario".to_string())
            .chain(metrics.iter().map(|(label, _)| label.clone()))
            .collect::<Vec<_>>(),
    ];
    let label = |c: &Compared| super::labelled(&c.loaded.scenario.name, &super::overrides_of(c.loaded));
    rows.push(
        std::iter::once(label(reference))
            .chain(metrics.iter().map(|(_, m)| match lookup(&base, m) {
                Some(s) => m.def.number(s.mean),
                None => "—".into(),
            }))
            .collect(),
    );
    for c in &scenarios[1..] {
        let d = paired_differences(c.logs, reference.logs);
        rows.push(
            std::iter::once(label(c))
                .chain(metrics.iter().map(|(_, m)| match lookup(&d, m) {
                    Some(s) => {
                        let (detectable, meaningful, _) =
                            m.def.judge(m.def.display(s.mean), m.def.display_pair(s.ci95), s.n as u64);
                        format!(
                            "{}{}",
                            m.def.signed_difference(s.mean, detectable),
                            catalogue::symbol(detectable, meaningful)
                        )
                    }
                    None => "—".into(),
                }))
                .collect(),
        );
    }
    columns(&rows)
}
