//! Result files as strings (DESIGN §6): `summary.json`, `timeseries.csv`, `elections.csv`, and
//! the tables printed after a run; [`run_files`] gathers a run's files into a [`ResultsFolder`]
//! (from which the report is drawn). Pure: data in, text out; the command line writes them.

pub mod compare;
pub mod sweep;
pub mod table;

use crate::metrics::stats::Summary;
use crate::metrics::{HISTOGRAM_BINS, MetricsLog, Record};
use crate::report::ResultsFolder;
use crate::scenario::Loaded;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The version written into every summary.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Metrics summarised over replicates: per election and at the end.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunSummary {
    /// One map per election, metric path → summary over replicates.
    pub elections: Vec<BTreeMap<Vec<String>, Summary>>,
    /// The same at the end of the run.
    pub final_state: BTreeMap<Vec<String>, Summary>,
}

impl RunSummary {
    /// Summarise the replicates of one scenario.
    pub fn of(logs: &[MetricsLog]) -> RunSummary {
        let elections = logs.iter().map(|l| l.elections.len()).max().unwrap_or(0);
        let summarise = |records: Vec<&Record>| {
            let mut samples: BTreeMap<Vec<String>, Vec<f64>> = BTreeMap::new();
            for r in records {
                for (k, v) in &r.0 {
                    samples.entry(k.clone()).or_default().push(*v);
                }
            }
            samples.into_iter().map(|(k, v)| (k, Summary::of(&v))).collect()
        };
        RunSummary {
            elections: (0..elections)
                .map(|k| summarise(logs.iter().filter_map(|l| l.elections.get(k)).collect()))
                .collect(),
            final_state: summarise(logs.iter().map(|l| &l.final_record).collect()),
        }
    }

    /// The summary of a metric at election `k` (`None`: the end of the run).
    pub fn get(&self, election: Option<usize>, path: &[&str]) -> Option<&Summary> {
        let key: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        match election {
            Some(k) => self.elections.get(k)?.get(&key),
            None => self.final_state.get(&key),
        }
    }
}

/// Nest `["a", "b"] → x` maps into JSON objects `{"a": {"b": x}}`.
pub fn nest<T>(values: &BTreeMap<Vec<String>, T>, to_json: impl Fn(&T) -> Value) -> Value {
    let mut root = Map::new();
    for (path, v) in values {
        let mut node = &mut root;
        for (i, key) in path.iter().enumerate() {
            if i + 1 == path.len() {
                node.insert(key.clone(), to_json(v));
            } else {
                let entry = node.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                node = entry.as_object_mut().expect("just made an object");
            }
        }
    }
    Value::Object(root)
}

/// JSON of one summary: `{"mean", "sd", "ci95": [lo, hi], "n"}`.
pub fn summary_value(s: &Summary) -> Value {
    json!({"mean": s.mean, "sd": s.sd, "ci95": [s.ci95[0], s.ci95[1]], "n": s.n})
}

/// `summary.json`: keys sorted, no timing, so identical runs give identical bytes.
pub fn summary_json(loaded: &Loaded, summary: &RunSummary) -> String {
    let s = &loaded.scenario;
    let doc = json!({
        "elections": summary.elections.iter().map(|e| nest(e, summary_value)).collect::<Vec<_>>(),
        "final": nest(&summary.final_state, summary_value),
        "scenario": {"name": s.name, "description": s.description, "ron": loaded.resolved_ron},
        "seed": s.seed,
        "replicates": s.replicates,
        "population": s.population.size,
        "version": VERSION,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// `timeseries.csv`: one row per replicate and step.
pub fn timeseries_csv(logs: &[MetricsLog]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "replicate",
        "step",
        "day",
        "year",
        "phase",
        "eligible",
        "mean_ideology",
        "variance",
        "affective",
        "arousal",
        "trust",
        "believers",
        "misinformation_per_capita",
        "ads_per_capita",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend((0..HISTOGRAM_BINS).map(|b| format!("hist_{b:02}")));
    let _ = w.write_record(&header);
    for row in logs.iter().flat_map(|l| &l.timeseries) {
        let mut fields = vec![
            row.replicate.to_string(),
            row.step.to_string(),
            fmt(row.day),
            fmt(row.year),
            row.phase.to_string(),
            row.eligible.to_string(),
            fmt(row.mean_ideology),
            fmt(row.variance),
            fmt(row.affective),
            fmt(row.arousal),
            fmt(row.trust),
            fmt(row.believers),
            fmt(row.misinformation_per_capita),
            fmt(row.ads_per_capita),
        ];
        fields.extend(row.histogram.iter().map(|h| fmt(*h)));
        let _ = w.write_record(&fields);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `elections.csv`: one row per replicate, election and cohort.
pub fn elections_csv(logs: &[MetricsLog]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in logs.iter().flat_map(|l| &l.cohorts) {
        let _ = w.serialize(row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Every file of a run's results folder: `summary.json`, `timeseries.csv`, `elections.csv` and
/// `scenario.ron`.
pub fn run_files(loaded: &Loaded, logs: &[MetricsLog]) -> ResultsFolder {
    let mut folder = ResultsFolder::new();
    add_run_files(&mut folder, "", loaded, logs);
    folder
}

/// Add a run's files to `folder`, each path starting with `prefix` (`""` or `"name/"`).
pub fn add_run_files(folder: &mut ResultsFolder, prefix: &str, loaded: &Loaded, logs: &[MetricsLog]) {
    folder.insert(format!("{prefix}summary.json"), summary_json(loaded, &RunSummary::of(logs)));
    folder.insert(format!("{prefix}timeseries.csv"), timeseries_csv(logs));
    folder.insert(format!("{prefix}elections.csv"), elections_csv(logs));
    folder.insert(format!("{prefix}scenario.ron"), loaded.resolved_ron.clone());
}

/// Shortest round-trip text of a float (deterministic).
fn fmt(x: f64) -> String {
    let s = format!("{x}");
    if s == "-0" { "0".into() } else { s }
}
