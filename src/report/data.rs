//! Reads the files of a results folder into the numbers the charts draw: `summary.json`,
//! `timeseries.csv`, `elections.csv` and `scenario.ron` of a run (or of each scenario of a
//! comparison), `comparison.json`, and `sweep.json`, `points.csv`, `sweep.csv` of a sweep.
//! Malformed text gives a [`ReportError`] naming the file and what is wrong; nothing panics.

use super::{ReportError, ResultsFolder};
use crate::metrics::stats::Summary;
use serde_json::Value;
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

    /// `{"mean": m, "ci95": [lo, hi], ...}`; `None` unless all three are finite numbers.
    pub fn from_json(v: &Value) -> Option<Interval> {
        let i = Interval {
            mean: v.get("mean")?.as_f64()?,
            lo: v.get("ci95")?.get(0)?.as_f64()?,
            hi: v.get("ci95")?.get(1)?.as_f64()?,
        };
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

/// The node at `path` in a nested JSON object.
pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |node, key| node.get(key))
}

fn parse_json(folder: &ResultsFolder, file: &str) -> Result<Value, ReportError> {
    let value: Value = serde_json::from_str(folder.require(file)?)
        .map_err(|e| ReportError::bad(file, format!("not valid JSON: {e}")))?;
    if value.is_object() { Ok(value) } else { Err(ReportError::bad(file, "expected a JSON object")) }
}

fn string(v: &Value, key: &str, file: &str) -> Result<String, ReportError> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| ReportError::bad(file, format!("no text `{key}`")))
}

fn whole(v: &Value, key: &str, file: &str) -> Result<u64, ReportError> {
    v.get(key).and_then(Value::as_u64).ok_or_else(|| ReportError::bad(file, format!("no whole number `{key}`")))
}

fn objects(v: &Value, key: &str, file: &str) -> Result<Vec<Value>, ReportError> {
    let list =
        v.get(key).and_then(Value::as_array).ok_or_else(|| ReportError::bad(file, format!("no list `{key}`")))?;
    if list.iter().all(Value::is_object) {
        Ok(list.clone())
    } else {
        Err(ReportError::bad(file, format!("`{key}` must hold objects")))
    }
}

/// A CSV file with a header, read by column name.
struct Table<'a> {
    file: &'a str,
    columns: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl<'a> Table<'a> {
    fn read(folder: &ResultsFolder, file: &'a str) -> Result<Table<'a>, ReportError> {
        let mut reader = csv::Reader::from_reader(folder.require(file)?.as_bytes());
        let columns = reader
            .headers()
            .map_err(|e| ReportError::bad(file, format!("bad header: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ReportError::bad(file, format!("bad row: {e}")))?;
        Ok(Table { file, columns, rows })
    }

    fn column(&self, name: &str) -> Result<usize, ReportError> {
        self.columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| ReportError::bad(self.file, format!("no column `{name}`")))
    }

    /// The text in row `row` (0-based, after the header), column `col`.
    fn text(&self, row: usize, col: usize) -> Result<&str, ReportError> {
        self.rows[row].get(col).ok_or_else(|| ReportError::bad(self.file, format!("line {}: too few fields", row + 2)))
    }

    fn number<T: std::str::FromStr>(&self, row: usize, col: usize) -> Result<T, ReportError> {
        let text = self.text(row, col)?;
        text.parse().map_err(|_| {
            ReportError::bad(self.file, format!("line {}: `{}` is not a number: {text:?}", row + 2, self.columns[col]))
        })
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
    /// Cohort names in the scenario's order.
    pub cohorts: Vec<String>,
    /// Calendar year of each election.
    pub years: Vec<f64>,
    /// `summary.json`'s `elections`: one metric tree per election.
    pub elections: Vec<Value>,
    /// Every step, averaged over replicates.
    pub steps: Vec<Step>,
    /// Micro-targeted impressions per voter by (election, cohort), over replicates.
    pub targeted: BTreeMap<(usize, String), Interval>,
}

impl RunData {
    /// Read the run whose files start with `prefix` (`""`, or `"name/"` in a comparison).
    pub fn read(folder: &ResultsFolder, prefix: &str) -> Result<RunData, ReportError> {
        let file = format!("{prefix}summary.json");
        let summary = parse_json(folder, &file)?;
        let scenario = summary.get("scenario").ok_or_else(|| ReportError::bad(&file, "no `scenario`"))?;
        let ron_file = format!("{prefix}scenario.ron");
        let (cohorts, years, targeted) = read_elections(folder, &format!("{prefix}elections.csv"))?;
        Ok(RunData {
            name: string(scenario, "name", &file)?,
            description: scenario.get("description").and_then(Value::as_str).unwrap_or_default().to_string(),
            seed: whole(&summary, "seed", &file)?,
            replicates: whole(&summary, "replicates", &file)?,
            population: whole(&summary, "population", &file)?,
            version: string(&summary, "version", &file)?,
            ron: folder.require(&ron_file)?.to_string(),
            cohorts,
            years,
            elections: objects(&summary, "elections", &file)?,
            steps: read_steps(folder, &format!("{prefix}timeseries.csv"))?,
            targeted,
        })
    }

    /// A metric at election `k`.
    pub fn metric(&self, k: usize, path: &[&str]) -> Option<Interval> {
        Interval::from_json(at(self.elections.get(k)?, path)?)
    }
}

type ElectionsCsv = (Vec<String>, Vec<f64>, BTreeMap<(usize, String), Interval>);

/// Cohort order, election years, and targeted impressions per voter by election and cohort.
fn read_elections(folder: &ResultsFolder, file: &str) -> Result<ElectionsCsv, ReportError> {
    let t = Table::read(folder, file)?;
    let (election, year, cohort, targeted) =
        (t.column("election")?, t.column("year")?, t.column("cohort")?, t.column("targeted_per_capita")?);
    let mut cohorts: Vec<String> = Vec::new();
    let mut years: Vec<f64> = Vec::new();
    let mut samples: BTreeMap<(usize, String), Vec<f64>> = BTreeMap::new();
    for row in 0..t.rows.len() {
        let k: usize = t.number(row, election)?;
        let c = t.text(row, cohort)?.to_string();
        if !cohorts.contains(&c) {
            cohorts.push(c.clone());
        }
        if k >= years.len() {
            if k > 10_000 {
                return Err(ReportError::bad(file, format!("line {}: election {k} is implausible", row + 2)));
            }
            years.resize(k + 1, f64::NAN);
        }
        if years[k].is_nan() {
            years[k] = t.number(row, year)?;
        }
        samples.entry((k, c)).or_default().push(t.number(row, targeted)?);
    }
    let targeted = samples.into_iter().map(|(key, v)| (key, Interval::of(&Summary::of(&v)))).collect();
    Ok((cohorts, years, targeted))
}

/// Every step of `timeseries.csv`, averaged over replicates.
fn read_steps(folder: &ResultsFolder, file: &str) -> Result<Vec<Step>, ReportError> {
    let t = Table::read(folder, file)?;
    let (step, year, phase, affective, believers) =
        (t.column("step")?, t.column("year")?, t.column("phase")?, t.column("affective")?, t.column("believers")?);
    let bins: Vec<usize> =
        t.columns.iter().enumerate().filter(|(_, c)| c.starts_with("hist_")).map(|(i, _)| i).collect();
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
    for row in 0..t.rows.len() {
        let s: usize = t.number(row, step)?;
        let acc = match steps.entry(s) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => e.insert(Acc {
                year: t.number(row, year)?,
                election: t.text(row, phase)? == "election",
                affective: Vec::new(),
                believers: Vec::new(),
                histogram: vec![0.0; bins.len()],
            }),
        };
        acc.affective.push(t.number(row, affective)?);
        acc.believers.push(t.number(row, believers)?);
        for (sum, &col) in acc.histogram.iter_mut().zip(&bins) {
            *sum += t.number::<f64>(row, col)?;
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

/// The scenario names of `comparison.json`, each checked to be a plain folder name.
pub fn comparison_names(text: &str) -> Result<Vec<String>, ReportError> {
    let file = "comparison.json";
    let doc: Value = serde_json::from_str(text).map_err(|e| ReportError::bad(file, format!("not valid JSON: {e}")))?;
    let mut names = Vec::new();
    for s in objects(&doc, "scenarios", file)? {
        let name = string(&s, "name", file)?;
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
            return Err(ReportError::bad(file, format!("scenario name {name:?} is not a folder name")));
        }
        names.push(name);
    }
    if names.is_empty() {
        return Err(ReportError::bad(file, "no scenarios"));
    }
    Ok(names)
}

/// One scenario of `comparison.json`.
#[derive(Clone, Debug, PartialEq)]
pub struct Compared {
    /// Scenario name.
    pub name: String,
    /// Its metric trees per election, each metric with `diff_vs_reference`.
    pub elections: Vec<Value>,
}

impl Compared {
    /// The paired difference from the reference of a metric at election `k`.
    pub fn diff(&self, k: usize, path: &[&str]) -> Option<Interval> {
        Interval::from_json(at(self.elections.get(k)?, path)?.get("diff_vs_reference")?)
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
        let doc = parse_json(folder, file)?;
        let names = comparison_names(folder.require(file)?)?;
        let scenarios = objects(&doc, "scenarios", file)?
            .into_iter()
            .zip(&names)
            .map(|(s, name)| Ok(Compared { name: name.clone(), elections: objects(&s, "elections", file)? }))
            .collect::<Result<Vec<_>, ReportError>>()?;
        let runs = names.iter().map(|n| RunData::read(folder, &format!("{n}/"))).collect::<Result<Vec<_>, _>>()?;
        Ok(ComparisonData {
            reference: string(&doc, "reference", file)?,
            seed: whole(&doc, "seed", file)?,
            replicates: whole(&doc, "replicates", file)?,
            population: whole(&doc, "population", file)?,
            version: string(&doc, "version", file)?,
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
    /// The varied paths.
    pub paths: Vec<String>,
    /// Each point's values of the varied paths (RON text), in grid order.
    pub points: Vec<Vec<String>>,
    /// Summary by (point, election, metric), election as written (`0`, `1`, ..., `final`).
    pub values: BTreeMap<(usize, String, String), Interval>,
}

impl SweepData {
    /// Read the sweep's files.
    pub fn read(folder: &ResultsFolder) -> Result<SweepData, ReportError> {
        let file = "sweep.json";
        let meta = parse_json(folder, file)?;
        let paths: Vec<String> =
            objects(&meta, "vary", file)?.iter().map(|v| string(v, "path", file)).collect::<Result<_, _>>()?;
        if paths.is_empty() {
            return Err(ReportError::bad(file, "`vary` is empty"));
        }
        let p = Table::read(folder, "points.csv")?;
        let columns: Vec<usize> = paths.iter().map(|path| p.column(path)).collect::<Result<_, _>>()?;
        let mut points = Vec::new();
        for row in 0..p.rows.len() {
            points.push(columns.iter().map(|&c| p.text(row, c).map(str::to_string)).collect::<Result<Vec<_>, _>>()?);
        }
        let s = Table::read(folder, "sweep.csv")?;
        let (point, election, metric, mean, lo, hi) = (
            s.column("point")?,
            s.column("election")?,
            s.column("metric")?,
            s.column("mean")?,
            s.column("ci95_lo")?,
            s.column("ci95_hi")?,
        );
        let mut values = BTreeMap::new();
        for row in 0..s.rows.len() {
            let i: usize = s.number(row, point)?;
            if i >= points.len() {
                return Err(ReportError::bad("sweep.csv", format!("line {}: point {i} is not in points.csv", row + 2)));
            }
            let interval = Interval { mean: s.number(row, mean)?, lo: s.number(row, lo)?, hi: s.number(row, hi)? };
            values.insert((i, s.text(row, election)?.to_string(), s.text(row, metric)?.to_string()), interval);
        }
        Ok(SweepData {
            scenario: string(&meta, "scenario", file)?,
            seed: whole(&meta, "seed", file)?,
            replicates: whole(&meta, "replicates", file)?,
            population: meta.get("population").and_then(Value::as_u64),
            version: string(&meta, "version", file)?,
            ron: folder.get("scenario.ron").map(str::to_string),
            paths,
            points,
            values,
        })
    }

    /// Number of elections (the highest numbered election plus one).
    pub fn elections(&self) -> usize {
        self.values.keys().filter_map(|(_, e, _)| e.parse::<usize>().ok()).max().map_or(0, |k| k + 1)
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

    #[test]
    fn intervals_come_from_summary_json_and_reject_non_numbers() {
        let v: Value = serde_json::from_str(r#"{"mean": 0.5, "ci95": [0.4, 0.6], "n": 2}"#).unwrap();
        assert_eq!(Interval::from_json(&v), Some(Interval { mean: 0.5, lo: 0.4, hi: 0.6 }));
        let bad: Value = serde_json::from_str(r#"{"mean": null, "ci95": [0.4, 0.6]}"#).unwrap();
        assert_eq!(Interval::from_json(&bad), None);
    }

    #[test]
    fn steps_average_over_replicates() {
        let csv = "replicate,step,year,phase,affective,believers,hist_00,hist_01\n\
                   0,0,2025.5,campaign,0.4,0.1,0.5,0.5\n\
                   1,0,2025.5,campaign,0.6,0.3,1.0,0.0\n\
                   0,1,2026,election,0.5,0.2,0.0,1.0\n";
        let steps = read_steps(&folder(&[("t.csv", csv)]), "t.csv").unwrap();
        assert_eq!(steps.len(), 2);
        assert!((steps[0].affective.mean - 0.5).abs() < 1e-12);
        assert_eq!(steps[0].histogram, vec![0.75, 0.25]);
        assert!(steps[1].election && !steps[0].election);
    }

    #[test]
    fn malformed_csv_names_the_file_line_and_column() {
        let csv = "replicate,step,year,phase,affective,believers,hist_00\n0,0,2025,campaign,lots,0.1,1\n";
        let err = read_steps(&folder(&[("t.csv", csv)]), "t.csv").unwrap_err().to_string();
        assert!(err.contains("t.csv") && err.contains("line 2") && err.contains("affective"), "{err}");
        let err = read_steps(&folder(&[("t.csv", "step,year\n1,2\n")]), "t.csv").unwrap_err().to_string();
        assert!(err.contains("no column `phase`"), "{err}");
    }

    #[test]
    fn comparison_names_must_be_plain_folder_names() {
        assert_eq!(comparison_names(r#"{"scenarios": [{"name": "a"}, {"name": "b"}]}"#).unwrap(), vec!["a", "b"]);
        for bad in ["../x", "a/b", ".hidden", ""] {
            let text = format!(r#"{{"scenarios": [{{"name": {bad:?}}}]}}"#);
            assert!(comparison_names(&text).is_err(), "{bad}");
        }
        assert!(comparison_names("[1, 2").is_err());
    }
}
