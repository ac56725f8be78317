//! Reads the files of a results folder into the numbers the charts draw: `summary.json`,
//! `timeseries.csv`, `elections.csv` and `scenario.ron` of a run (or of each scenario of a
//! comparison), `comparison.json`, and `sweep.json`, `points.csv`, `sweep.csv` of a sweep, each
//! deserialised into its type in `crate::output::files` (docs/MODEL.md §10 Output files).
//! Malformed text gives a [`ReportError`] naming the file and what is wrong; nothing panics.

use super::ReportError;
use crate::metrics::CohortRow;
use crate::metrics::stats::Summary;
use crate::output::files::{
    ComparedMetric, ComparisonFile, HISTOGRAM_PREFIX, MetricSummary, MetricTree, SummaryFile, SweepFile, SweepRow,
    TimeseriesRow, columns_of, parse_json,
};
use crate::output::folder::{ResultsFolder, comparison_names};
use crate::output::sweep::parse_points;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// A mean over replicates and its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Mean.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub lo: f64,
    /// Upper end of the 95% interval.
    pub hi: f64,
}

impl Interval {
    /// A value known exactly.
    #[cfg(test)]
    pub fn exact(x: f64) -> Interval {
        Interval { mean: x, lo: x, hi: x }
    }

    /// The mean and interval of a summary.
    pub fn of(s: &Summary) -> Interval {
        Interval { mean: s.mean, lo: s.ci95[0], hi: s.ci95[1] }
    }

    /// A mean and its interval `[lo, hi]` as written in a result file; `None` unless all three
    /// are finite (a non-finite number is written as `null`).
    pub fn written(mean: f64, ci95: [f64; 2]) -> Option<Interval> {
        let i = Interval { mean, lo: ci95[0], hi: ci95[1] };
        i.is_finite().then_some(i)
    }

    /// Every field is finite.
    pub fn is_finite(&self) -> bool {
        self.mean.is_finite() && self.lo.is_finite() && self.hi.is_finite()
    }

    /// The interval excludes zero.
    pub fn excludes_zero(&self) -> bool {
        self.lo > 0.0 || self.hi < 0.0
    }
}

/// Deserialise the JSON file `file`.
fn read_json<T: DeserializeOwned>(folder: &ResultsFolder, file: &str) -> Result<T, ReportError> {
    parse_json(folder.require(file)?).map_err(|message| ReportError::bad(file, message))
}

/// A CSV file with a header: its column names, and each row deserialised by column name into
/// `T` along with its fields (for the columns `T` does not name).
struct Rows<T> {
    columns: csv::StringRecord,
    rows: Vec<(T, csv::StringRecord)>,
}

impl<T: DeserializeOwned> Rows<T> {
    /// Read `file`; every column `T` reads must be in the header.
    fn read(folder: &ResultsFolder, file: &str) -> Result<Rows<T>, ReportError> {
        let mut reader = csv::Reader::from_reader(folder.require(file)?.as_bytes());
        let columns = reader.headers().map_err(|e| ReportError::bad(file, format!("bad header: {e}")))?.clone();
        if let Some(missing) = columns_of::<T>().iter().find(|c| !columns.iter().any(|h| h == **c)) {
            return Err(ReportError::bad(file, format!("no column `{missing}`")));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| ReportError::bad(file, format!("bad row: {e}")))?;
            let row = record.deserialize(Some(&columns)).map_err(|e| {
                let line = record.position().map_or(0, |p| p.line());
                let message = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => {
                        match err.field().and_then(|i| columns.get(i as usize)) {
                            Some(column) => format!("line {line}: `{column}` is not valid: {}", err.kind()),
                            None => format!("line {line}: {}", err.kind()),
                        }
                    }
                    _ => format!("line {line}: {e}"),
                };
                ReportError::bad(file, message)
            })?;
            rows.push((row, record));
        }
        Ok(Rows { columns, rows })
    }
}

/// One step of a run: means over replicates at the end of the step.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Fractional calendar year at the end of the step.
    pub year: f64,
    /// The step is an election day.
    pub election: bool,
    /// Mean hostility (affective polarisation).
    pub affective: Interval,
    /// Share believing misinformation.
    pub believers: Interval,
    /// Mean share of the electorate in each ideology bin on [-1, 1].
    pub histogram: Vec<f64>,
}

/// The results of one scenario: `summary.json`, `timeseries.csv`, `elections.csv`, `scenario.ron`.
#[derive(Clone, Debug, PartialEq)]
pub struct RunData {
    /// Scenario name.
    pub name: String,
    /// Scenario description.
    pub description: String,
    /// Seed.
    pub seed: u64,
    /// Replicates.
    pub replicates: u64,
    /// Simulated voters.
    pub population: u64,
    /// votelab version that wrote the results.
    pub version: String,
    /// The resolved scenario.
    pub ron: String,
    /// The overrides it ran with (`PATH=VALUE`, from `summary.json`).
    pub overrides: Vec<String>,
    /// Cohort names in the scenario's order.
    pub cohorts: Vec<String>,
    /// Calendar year of each election.
    pub years: Vec<f64>,
    /// `summary.json`'s `elections`: one metric tree per election.
    pub elections: Vec<MetricTree<MetricSummary>>,
    /// Every step, averaged over replicates.
    pub steps: Vec<Step>,
    /// Micro-targeted impressions per voter by (election, cohort), over replicates.
    pub targeted: BTreeMap<(usize, String), Interval>,
}

impl RunData {
    /// Read the run whose files start with `prefix` (`""`, or `"name/"` in a comparison).
    pub fn read(folder: &ResultsFolder, prefix: &str) -> Result<RunData, ReportError> {
        let summary: SummaryFile = read_json(folder, &format!("{prefix}summary.json"))?;
        let ron_file = format!("{prefix}scenario.ron");
        let (cohorts, years, targeted) = read_elections(folder, &format!("{prefix}elections.csv"))?;
        Ok(RunData {
            name: summary.scenario.name,
            description: summary.scenario.description,
            seed: summary.seed,
            replicates: summary.replicates,
            population: summary.population,
            version: summary.version,
            ron: folder.require(&ron_file)?.to_string(),
            overrides: summary.overrides,
            cohorts,
            years,
            elections: summary.elections,
            steps: read_steps(folder, &format!("{prefix}timeseries.csv"))?,
            targeted,
        })
    }

    /// A metric at election `k`.
    pub fn metric(&self, k: usize, path: &[&str]) -> Option<Interval> {
        let m = self.elections.get(k)?.get(path)?;
        Interval::written(m.mean, m.ci95)
    }
}

type ElectionsCsv = (Vec<String>, Vec<f64>, BTreeMap<(usize, String), Interval>);

/// Cohort order, election years, and targeted impressions per voter by election and cohort.
fn read_elections(folder: &ResultsFolder, file: &str) -> Result<ElectionsCsv, ReportError> {
    let table: Rows<CohortRow> = Rows::read(folder, file)?;
    let mut cohorts: Vec<String> = Vec::new();
    let mut years: Vec<f64> = Vec::new();
    let mut samples: BTreeMap<(usize, String), Vec<f64>> = BTreeMap::new();
    for (row, record) in table.rows {
        // Elections are numbered from 1 in the file, indexed from 0 here.
        let Some(k) = row.election.checked_sub(1) else {
            let line = record.position().map_or(0, |p| p.line());
            return Err(ReportError::bad(file, format!("line {line}: election 0 (elections are numbered from 1)")));
        };
        if !cohorts.contains(&row.cohort) {
            cohorts.push(row.cohort.clone());
        }
        if k >= years.len() {
            if k > 10_000 {
                let line = record.position().map_or(0, |p| p.line());
                return Err(ReportError::bad(file, format!("line {line}: election {k} is implausible")));
            }
            years.resize(k + 1, f64::NAN);
        }
        if years[k].is_nan() {
            years[k] = row.year;
        }
        samples.entry((k, row.cohort)).or_default().push(row.targeted_per_capita);
    }
    let targeted = samples.into_iter().map(|(key, v)| (key, Interval::of(&Summary::of(&v)))).collect();
    Ok((cohorts, years, targeted))
}

/// Every step of `timeseries.csv`, averaged over replicates.
fn read_steps(folder: &ResultsFolder, file: &str) -> Result<Vec<Step>, ReportError> {
    let table: Rows<TimeseriesRow> = Rows::read(folder, file)?;
    let bins: Vec<usize> =
        table.columns.iter().enumerate().filter(|(_, c)| c.starts_with(HISTOGRAM_PREFIX)).map(|(i, _)| i).collect();
    if bins.is_empty() {
        return Err(ReportError::bad(file, "no opinion histogram columns (hist_00, hist_01, ...)"));
    }
    struct Acc {
        year: f64,
        election: bool,
        affective: Vec<f64>,
        believers: Vec<f64>,
        histogram: Vec<f64>,
    }
    let mut steps: BTreeMap<usize, Acc> = BTreeMap::new();
    for (row, record) in &table.rows {
        let acc = steps.entry(row.step).or_insert_with(|| Acc {
            year: row.year,
            election: row.phase == "election",
            affective: Vec::new(),
            believers: Vec::new(),
            histogram: vec![0.0; bins.len()],
        });
        acc.affective.push(row.affective);
        acc.believers.push(row.believers);
        for (sum, &col) in acc.histogram.iter_mut().zip(&bins) {
            let text = record.get(col).unwrap_or_default();
            *sum += text.parse::<f64>().map_err(|_| {
                let line = record.position().map_or(0, |p| p.line());
                ReportError::bad(file, format!("line {line}: `{}` is not a number: {text:?}", &table.columns[col]))
            })?;
        }
    }
    Ok(steps
        .into_values()
        .map(|a| {
            let n = a.affective.len().max(1) as f64;
            Step {
                year: a.year,
                election: a.election,
                affective: Interval::of(&Summary::of(&a.affective)),
                believers: Interval::of(&Summary::of(&a.believers)),
                histogram: a.histogram.into_iter().map(|h| h / n).collect(),
            }
        })
        .collect())
}

/// One scenario of `comparison.json`.
#[derive(Clone, Debug, PartialEq)]
pub struct Compared {
    /// Scenario name.
    pub name: String,
    /// The overrides it ran with (`PATH=VALUE`, from `comparison.json`).
    pub overrides: Vec<String>,
    /// Its metric trees per election, each metric with its difference from the reference.
    pub elections: Vec<MetricTree<ComparedMetric>>,
    /// The plain-language summary of its differences (empty for the reference).
    pub summary: Vec<String>,
}

impl Compared {
    /// The paired difference from the reference of a metric at election `k`.
    pub fn diff(&self, k: usize, path: &[&str]) -> Option<Interval> {
        let d = self.elections.get(k)?.get(path)?.diff_vs_reference?;
        Interval::written(d.mean, d.ci95)
    }
}

/// A comparison: `comparison.json` and each scenario's run.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonData {
    /// Name of the reference scenario (the first).
    pub reference: String,
    /// Seed.
    pub seed: u64,
    /// Replicates.
    pub replicates: u64,
    /// Simulated voters.
    pub population: u64,
    /// votelab version that wrote the results.
    pub version: String,
    /// Every scenario, the reference first.
    pub scenarios: Vec<Compared>,
    /// Each scenario's own results, in the same order.
    pub runs: Vec<RunData>,
}

impl ComparisonData {
    /// Read `comparison.json` and each scenario's subfolder.
    pub fn read(folder: &ResultsFolder) -> Result<ComparisonData, ReportError> {
        let file = "comparison.json";
        let names = comparison_names(folder.require(file)?)?;
        let doc: ComparisonFile = read_json(folder, file)?;
        let scenarios = doc
            .scenarios
            .into_iter()
            .map(|s| Compared { name: s.name, overrides: s.overrides, elections: s.elections, summary: s.summary })
            .collect::<Vec<_>>();
        let runs = names.iter().map(|n| RunData::read(folder, &format!("{n}/"))).collect::<Result<Vec<_>, _>>()?;
        Ok(ComparisonData {
            reference: doc.reference,
            seed: doc.seed,
            replicates: doc.replicates,
            population: doc.population,
            version: doc.version,
            scenarios,
            runs,
        })
    }
}

/// A sweep: `sweep.json`, `points.csv` and `sweep.csv` (and `scenario.ron` when present).
#[derive(Clone, Debug, PartialEq)]
pub struct SweepData {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Replicates per point.
    pub replicates: u64,
    /// Simulated voters of the base scenario, when recorded.
    pub population: Option<u64>,
    /// votelab version that wrote the results.
    pub version: String,
    /// The base scenario before `--vary`, when recorded.
    pub ron: Option<String>,
    /// The overrides every point ran with (`PATH=VALUE`, from `sweep.json`).
    pub overrides: Vec<String>,
    /// The varied paths.
    pub paths: Vec<String>,
    /// Each point's values of the varied paths (RON text), in grid order.
    pub points: Vec<Vec<String>>,
    /// Summary by (point, election, metric), elections numbered from 1.
    pub values: BTreeMap<(usize, usize, String), Interval>,
    /// Paired difference from point 0 by (point, election, metric), where finite.
    pub differences: BTreeMap<(usize, usize, String), Interval>,
    /// The sweep's warnings (e.g. a varied path that changed nothing).
    pub warnings: Vec<String>,
}

impl SweepData {
    /// Read the sweep's files.
    pub fn read(folder: &ResultsFolder) -> Result<SweepData, ReportError> {
        let meta: SweepFile = read_json(folder, "sweep.json")?;
        let paths: Vec<String> = meta.vary.into_iter().map(|axis| axis.path).collect();
        if paths.is_empty() {
            return Err(ReportError::bad("sweep.json", "`vary` is empty"));
        }
        let (columns, points) =
            parse_points(folder.require("points.csv")?).map_err(|message| ReportError::bad("points.csv", message))?;
        if columns != paths {
            return Err(ReportError::bad(
                "points.csv",
                format!("its columns {columns:?} are not the varied paths of sweep.json {paths:?}"),
            ));
        }
        let table: Rows<SweepRow> = Rows::read(folder, "sweep.csv")?;
        let mut values = BTreeMap::new();
        let mut differences = BTreeMap::new();
        for (row, record) in table.rows {
            if row.point >= points.len() {
                let line = record.position().map_or(0, |p| p.line());
                let message = format!("line {line}: point {} is not in points.csv", row.point);
                return Err(ReportError::bad("sweep.csv", message));
            }
            let interval = Interval { mean: row.mean, lo: row.ci95_lo, hi: row.ci95_hi };
            if let Some(d) = Interval::written(row.diff_mean, [row.diff_ci95_lo, row.diff_ci95_hi]) {
                differences.insert((row.point, row.election, row.metric.clone()), d);
            }
            values.insert((row.point, row.election, row.metric), interval);
        }
        Ok(SweepData {
            scenario: meta.scenario,
            seed: meta.seed,
            replicates: meta.replicates,
            population: meta.population,
            version: meta.version,
            ron: folder.get("scenario.ron").map(str::to_string),
            overrides: meta.overrides,
            paths,
            points,
            values,
            differences,
            warnings: meta.warnings,
        })
    }

    /// Number of elections (the highest election number).
    pub fn elections(&self) -> usize {
        self.values.keys().map(|(_, e, _)| *e).max().unwrap_or(0)
    }

    /// Metric names present, sorted.
    pub fn metrics(&self) -> Vec<&str> {
        let mut m: Vec<&str> = self.values.keys().map(|(_, _, m)| m.as_str()).collect();
        m.sort_unstable();
        m.dedup();
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> ResultsFolder {
        ResultsFolder { files: files.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    /// `timeseries.csv` with two histogram bins, from rows of
    /// `replicate,step,year,phase,affective,believers,hist_00,hist_01`.
    fn timeseries(rows: &[&str]) -> String {
        let mut text = String::from(
            "replicate,step,day,year,phase,eligible,mean_ideology,variance,affective,arousal,trust,believers,\
             misinformation_per_capita,ads_per_capita,hist_00,hist_01\n",
        );
        for row in rows {
            let f: Vec<&str> = row.split(',').collect();
            let [r, step, year, phase, affective, believers, h0, h1] = f[..] else { panic!("{row}") };
            text.push_str(&format!(
                "{r},{step},0,{year},{phase},100,0,0.1,{affective},0.2,0.5,{believers},1,2,{h0},{h1}\n"
            ));
        }
        text
    }

    #[test]
    fn intervals_come_from_written_numbers_and_reject_non_numbers() {
        assert_eq!(Interval::written(0.5, [0.4, 0.6]), Some(Interval { mean: 0.5, lo: 0.4, hi: 0.6 }));
        assert_eq!(Interval::written(f64::NAN, [0.4, 0.6]), None);
        let summary: MetricTree<MetricSummary> =
            parse_json(r#"{"turnout": {"mean": null, "sd": 0, "ci95": [0.4, 0.6], "n": 2}}"#).unwrap();
        let run = |elections| RunData {
            name: String::new(),
            description: String::new(),
            seed: 0,
            replicates: 0,
            population: 0,
            version: String::new(),
            ron: String::new(),
            overrides: Vec::new(),
            cohorts: Vec::new(),
            years: Vec::new(),
            elections,
            steps: Vec::new(),
            targeted: BTreeMap::new(),
        };
        assert_eq!(run(vec![summary]).metric(0, &["turnout"]), None);
        let summary = parse_json(r#"{"a": {"b": {"mean": 0.5, "sd": 0, "ci95": [0.4, 0.6], "n": 2}}}"#).unwrap();
        assert_eq!(run(vec![summary]).metric(0, &["a", "b"]), Some(Interval { mean: 0.5, lo: 0.4, hi: 0.6 }));
    }

    #[test]
    fn steps_average_over_replicates() {
        let csv = timeseries(&[
            "0,0,2025.5,campaign,0.4,0.1,0.5,0.5",
            "1,0,2025.5,campaign,0.6,0.3,1.0,0.0",
            "0,1,2026,election,0.5,0.2,0.0,1.0",
        ]);
        let steps = read_steps(&folder(&[("t.csv", &csv)]), "t.csv").unwrap();
        assert_eq!(steps.len(), 2);
        assert!((steps[0].affective.mean - 0.5).abs() < 1e-12);
        assert_eq!(steps[0].histogram, vec![0.75, 0.25]);
        assert!(steps[1].election && !steps[0].election);
    }

    #[test]
    fn malformed_csv_names_the_file_line_and_column() {
        let csv = timeseries(&["0,0,2025,campaign,lots,0.1,1,0"]);
        let err = read_steps(&folder(&[("t.csv", &csv)]), "t.csv").unwrap_err().to_string();
        assert!(err.contains("t.csv") && err.contains("line 2") && err.contains("affective"), "{err}");
        let csv = timeseries(&["0,0,2025,campaign,0.5,0.1,1,x"]);
        let err = read_steps(&folder(&[("t.csv", &csv)]), "t.csv").unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("hist_01"), "{err}");
        let err = read_steps(&folder(&[("t.csv", "replicate,step,year\n1,2,3\n")]), "t.csv").unwrap_err().to_string();
        assert!(err.contains("no column `day`"), "{err}");
    }

    #[test]
    fn written_files_read_back() {
        let text = crate::output::files::json_text(&ComparisonFile {
            metrics: crate::metrics::catalogue::CATALOGUE.iter().map(Into::into).collect(),
            population: 10,
            reference: "a".into(),
            replicates: 2,
            represents: 1000,
            scenarios: vec![crate::output::files::ComparedScenario {
                description: String::new(),
                elections: vec![MetricTree::from_paths([(
                    vec!["turnout".to_string()],
                    ComparedMetric {
                        ci95: [0.4, 0.6],
                        diff_vs_reference: Some(crate::output::files::Difference {
                            ci95: [-0.1, 0.3],
                            detectable: false,
                            mark: None,
                            meaningful: false,
                            mean: 0.1,
                        }),
                        mean: 0.5,
                        n: 2,
                        sd: 0.1,
                    },
                )])],
                final_state: MetricTree::default(),
                name: "a".into(),
                overrides: vec!["regulation.takedown_hours=Some(24.0)".into()],
                ron: String::new(),
                summary: vec!["A sentence.".into()],
            }],
            seed: 1,
            version: "0".into(),
        });
        let doc: ComparisonFile = parse_json(&text).unwrap();
        assert_eq!(doc.scenarios[0].overrides, ["regulation.takedown_hours=Some(24.0)"]);
        let compared = Compared {
            name: "a".into(),
            overrides: Vec::new(),
            elections: doc.scenarios[0].elections.clone(),
            summary: Vec::new(),
        };
        assert_eq!(compared.diff(0, &["turnout"]), Some(Interval { mean: 0.1, lo: -0.1, hi: 0.3 }));
        assert_eq!(compared.diff(1, &["turnout"]), None);
    }
}
