//! Result files as strings (docs/MODEL.md §10 Output files): `summary.json`, `timeseries.csv`,
//! `elections.csv`, and the tables printed after a run; [`run_files`] gathers a run's files into a
//! [`ResultsFolder`] (from which the report is drawn). The files' schema is in [`files`]; comparisons
//! are in [`compare`], sweeps in [`sweep`]. Pure: data in, text out; the command line writes them.

pub mod compare;
pub mod files;
pub mod folder;
pub mod robustness;
pub mod summary;
pub mod sweep;
pub mod table;

use crate::metrics::stats::Summary;
use crate::metrics::{HISTOGRAM_BINS, MetricsLog, Record};
use crate::scenario::Loaded;
use files::{
    HISTOGRAM_PREFIX, MetricSummary, MetricTree, ScenarioInfo, SummaryFile, TimeseriesRow, columns_of, json_text,
};
use folder::ResultsFolder;
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

/// Fields whose overrides are not listed among a scenario's overrides: the run settings that
/// every header and result file gives under their own names (seed, replicates, voters).
pub const RUN_SETTINGS: [&str; 3] = ["seed", "replicates", "population.size"];

/// The overrides a scenario ran with, as `PATH=VALUE` in the order given, without the
/// [`RUN_SETTINGS`].
pub fn overrides_of(loaded: &Loaded) -> Vec<String> {
    loaded.overrides.iter().filter(|o| !RUN_SETTINGS.contains(&o.path.as_str())).map(|o| o.to_string()).collect()
}

/// A scenario's name with the overrides it ran with, as table headers show it:
/// `baseline [regulation.takedown_hours=Some(24.0)]`, or the name alone without overrides.
pub fn labelled(name: &str, overrides: &[String]) -> String {
    if overrides.is_empty() { name.to_string() } else { format!("{name} [{}]", overrides.join(", ")) }
}

/// `summary.json` of a run: keys sorted, no timing, so identical runs give identical bytes.
pub fn summary_file(loaded: &Loaded, summary: &RunSummary) -> SummaryFile {
    let s = &loaded.scenario;
    let tree = |values: &BTreeMap<Vec<String>, Summary>| {
        MetricTree::from_paths(values.iter().map(|(path, v)| (path.clone(), MetricSummary::from(v))))
    };
    SummaryFile {
        elections: summary.elections.iter().map(tree).collect(),
        final_state: tree(&summary.final_state),
        overrides: overrides_of(loaded),
        population: s.population.size,
        replicates: u64::from(s.replicates),
        scenario: ScenarioInfo {
            description: s.description.clone(),
            name: s.name.clone(),
            ron: loaded.resolved_ron.clone(),
        },
        seed: s.seed,
        version: VERSION.to_string(),
    }
}

/// The text of `summary.json` ([`summary_file`]).
pub fn summary_json(loaded: &Loaded, summary: &RunSummary) -> String {
    json_text(&summary_file(loaded, summary))
}

/// The header of `timeseries.csv`: the columns of [`TimeseriesRow`], then `hist_00`, `hist_01`, ...
pub fn timeseries_header() -> Vec<String> {
    columns_of::<TimeseriesRow>()
        .iter()
        .map(|s| s.to_string())
        .chain((0..HISTOGRAM_BINS).map(|b| format!("{HISTOGRAM_PREFIX}{b:02}")))
        .collect()
}

/// The rows of `timeseries.csv` without its header.
pub fn timeseries_rows(logs: &[MetricsLog]) -> String {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for row in logs.iter().flat_map(|l| &l.timeseries) {
        let _ = w.serialize(TimeseriesRow::from(row));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `timeseries.csv`: one row per replicate and step ([`TimeseriesRow`]).
pub fn timeseries_csv(logs: &[MetricsLog]) -> String {
    format!("{}\n{}", timeseries_header().join(","), timeseries_rows(logs))
}

/// `elections.csv`: one row per replicate, election and cohort ([`crate::metrics::CohortRow`]),
/// elections numbered from 1 as in every file.
pub fn elections_csv(logs: &[MetricsLog]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in logs.iter().flat_map(|l| &l.cohorts) {
        let mut row = row.clone();
        row.election += 1;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::StepRow;

    fn step(replicate: u32, step: usize, x: f64) -> StepRow {
        StepRow {
            replicate,
            step,
            day: 7.0 * step as f64,
            year: 2025.5,
            phase: "campaign",
            eligible: 100,
            mean_ideology: x,
            variance: 0.1 + 0.2,
            affective: 0.5,
            arousal: 1e-7,
            trust: 1e21,
            believers: 0.0,
            misinformation_per_capita: 3.0,
            ads_per_capita: 12.25,
            histogram: [0.05; HISTOGRAM_BINS],
        }
    }

    #[test]
    fn timeseries_rows_follow_the_header_and_read_back() {
        let log = MetricsLog { timeseries: vec![step(0, 0, -0.0), step(1, 3, -0.25)], ..MetricsLog::default() };
        let text = timeseries_csv(&[log]);
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header.len(), 14 + HISTOGRAM_BINS);
        assert_eq!(
            (header[0], header[13], header[14], header[33]),
            ("replicate", "ads_per_capita", "hist_00", "hist_19")
        );
        assert!(lines.next().unwrap().starts_with("0,0,0,2025.5,campaign,100,0,0.30000000000000004,0.5,0.0000001,"));
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<TimeseriesRow> = reader.deserialize().collect::<Result<_, _>>().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[1].step, rows[1].mean_ideology, rows[1].trust), (3, -0.25, 1e21));
    }
}
