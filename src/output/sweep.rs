//! Parameter sweeps (docs/MODEL.md §10 Output files, sweep files): the raw per-replicate results
//! of every point (`runs.csv`), the grid of points (`points.csv`), the summary per point and
//! metric with the paired difference from the first point (`sweep.csv`), optionally every
//! replicate's steps (`timeseries.csv` with a `point` column), and `sweep.json` (what was varied,
//! the paired differences, warnings). Shards write the raw rows of their slice; merging sorts all
//! rows into the canonical order, so the merged folder is byte-identical to an unsharded run.
//! [`sweep_files`] gathers them, with `scenario.ron` (the base scenario), into a
//! [`ResultsFolder`]. The row and document types are in [`super::files`]. Pure: rows in, text
//! out.

use super::files::{
    Axis, IS_NONE_SUFFIX, PointDifference, PointRow, RunRow, SweepFile, SweepRow, columns_of, is_optional, json_text,
    plottable,
};
use super::folder::ResultsFolder;
use crate::metrics::MetricsLog;
use crate::metrics::stats::Summary;
use crate::scenario::Loaded;
use crate::scenario::tree::{self, Document};
use std::collections::BTreeMap;

/// `sweep.json` of a sweep as a shard writes it: the base scenario's name, seed, population and
/// overrides, the replicates per point, the number of points and each varied path with its
/// values (RON text); no differences or warnings yet (they need every shard).
pub fn sweep_file(base: &Loaded, axes: &[(String, Vec<String>)], replicates: u32, points: usize) -> SweepFile {
    SweepFile {
        differences: Vec::new(),
        // Without the varied paths' own (when the base is a point, its scenario being invalid
        // without a --vary).
        overrides: super::overrides_of(base)
            .into_iter()
            .filter(|o| !axes.iter().any(|(path, _)| o.strip_prefix(path.as_str()).is_some_and(|v| v.starts_with('='))))
            .collect(),
        points,
        population: Some(base.scenario.population.size),
        replicates: u64::from(replicates),
        scenario: base.scenario.name.clone(),
        seed: base.scenario.seed,
        vary: axes.iter().map(|(path, values)| Axis { path: path.clone(), values: values.clone() }).collect(),
        version: super::VERSION.to_string(),
        warnings: Vec::new(),
    }
}

/// The results of one sweep (or shard) to write.
pub struct SweepResults<'a> {
    /// `sweep.json` without differences and warnings ([`sweep_file`], or a shard's).
    pub meta: &'a SweepFile,
    /// Each point's values of the varied paths (RON text), in grid order.
    pub points: &'a [Vec<String>],
    /// The raw rows of every job (sorted into canonical order here).
    pub rows: &'a mut [RunRow],
    /// The base scenario's RON, when it is valid on its own.
    pub scenario_ron: Option<&'a str>,
    /// With `--timeseries`: the rows of every job's steps ([`point_timeseries_rows`]), in any
    /// order of jobs.
    pub timeseries: Option<&'a str>,
    /// `(i, n)` for shard i of n.
    pub shard: Option<(usize, usize)>,
}

/// The files of a sweep folder: `sweep.json`, `points.csv`, `runs.csv` (rows sorted into
/// canonical order), `scenario.ron` when given, `timeseries.csv` when given, and `sweep.csv`, or
/// `shard.txt` for one shard of a sweep (whose summary needs every shard). Also returns the
/// warnings written into `sweep.json` (none for a shard).
pub fn sweep_files(r: SweepResults) -> (ResultsFolder, Vec<String>) {
    let mut folder = ResultsFolder::new();
    let paths: Vec<String> = r.meta.vary.iter().map(|a| a.path.clone()).collect();
    folder.insert("points.csv", points_csv(&paths, r.points));
    folder.insert("runs.csv", runs_csv(r.rows));
    if let Some(ron) = r.scenario_ron {
        folder.insert("scenario.ron", ron);
    }
    if let Some(body) = r.timeseries {
        folder.insert("timeseries.csv", sweep_timeseries_csv(body));
    }
    let mut meta = r.meta.clone();
    match r.shard {
        Some((i, n)) => folder.insert("shard.txt", format!("{i}/{n}\n")),
        None => {
            let groups = groups(r.rows);
            let differences = differences(&groups);
            folder.insert("sweep.csv", sweep_csv(&paths, r.points, &groups, &differences));
            meta.differences = differences
                .iter()
                .filter(|((point, _, _), _)| *point > 0)
                .map(|(&(point, election, metric), d)| PointDifference {
                    ci95: d.ci95,
                    election,
                    mean: d.mean,
                    metric: metric.to_string(),
                    n: d.n,
                    point,
                })
                .collect();
            meta.warnings = no_effect_warnings(&meta, r.points, &groups, r.scenario_ron);
        }
    }
    folder.insert("sweep.json", json_text(&meta));
    (folder, meta.warnings)
}

/// Canonical order of rows: point, replicate, election, metric.
fn key(r: &RunRow) -> (usize, u32, usize, &str) {
    (r.point, r.replicate, r.election, r.metric.as_str())
}

/// The raw rows of one replicate's log: every metric at every election (numbered from 1; the end
/// of the run is the last election, so it has no rows of its own).
pub fn rows_of(point: usize, replicate: u32, log: &MetricsLog) -> Vec<RunRow> {
    log.elections
        .iter()
        .enumerate()
        .flat_map(|(k, r)| {
            r.0.iter().map(move |(path, &value)| RunRow {
                point,
                replicate,
                election: k + 1,
                metric: path.join("/"),
                value,
            })
        })
        .collect()
}

/// The rows of one replicate's steps for a sweep's `timeseries.csv`: `timeseries.csv`'s rows
/// ([`super::files::TimeseriesRow`]), each preceded by the point.
pub fn point_timeseries_rows(point: usize, log: &MetricsLog) -> String {
    let body = super::timeseries_rows(std::slice::from_ref(log));
    body.lines().map(|line| format!("{point},{line}\n")).collect()
}

/// A sweep's `timeseries.csv`: a `point` column, then the columns of a run's `timeseries.csv`;
/// rows by point and replicate, each replicate's steps in order.
pub fn sweep_timeseries_csv(body: &str) -> String {
    let job = |line: &str| -> (usize, u32) {
        let mut fields = line.split(',');
        let point = fields.next().and_then(|f| f.parse().ok()).unwrap_or(usize::MAX);
        let replicate = fields.next().and_then(|f| f.parse().ok()).unwrap_or(u32::MAX);
        (point, replicate)
    };
    let mut lines: Vec<&str> = body.lines().filter(|l| !l.is_empty()).collect();
    // Stable: each replicate's steps keep their order.
    lines.sort_by_key(|l| job(l));
    let mut text = format!("point,{}\n", super::timeseries_header().join(","));
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// The rows of a sweep's `timeseries.csv` without its header (to join shards).
pub fn timeseries_body(text: &str) -> &str {
    text.split_once('\n').map_or("", |(_, body)| body)
}

/// A CSV writer for rows whose header the caller writes (some columns are named after the varied
/// paths, so the header cannot come from the row type).
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new())
}

fn text_of(w: csv::Writer<Vec<u8>>) -> String {
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `runs.csv` ([`RunRow`]), rows sorted into canonical order.
pub fn runs_csv(rows: &mut [RunRow]) -> String {
    rows.sort_by(|a, b| key(a).cmp(&key(b)));
    let mut w = csv_writer();
    let _ = w.write_record(columns_of::<RunRow>());
    for r in rows.iter() {
        let _ = w.serialize(r);
    }
    text_of(w)
}

/// Parse `runs.csv` back into rows.
pub fn parse_runs(text: &str) -> Result<Vec<RunRow>, String> {
    parse_csv(text, "runs.csv")
}

/// Parse the rows of a CSV file with a header line; the error names the file and the line.
pub fn parse_csv<T: serde::de::DeserializeOwned>(text: &str, file: &str) -> Result<Vec<T>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .deserialize()
        .enumerate()
        .map(|(line, row)| row.map_err(|e| format!("{file} line {}: {e}", line + 2)))
        .collect()
}

/// `points.csv` ([`PointRow`]): one row per point with the value of each varied path.
pub fn points_csv(paths: &[String], points: &[Vec<String>]) -> String {
    let mut w = csv_writer();
    let _ = w.write_record(std::iter::once("point".to_string()).chain(paths.iter().cloned()));
    for (i, p) in points.iter().enumerate() {
        let _ = w.serialize(PointRow { point: i, values: p.clone() });
    }
    text_of(w)
}

/// Parse `points.csv`: the varied paths (the header after `point`) and each point's values, in
/// grid order. The error names the line.
pub fn parse_points(text: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(header) => header.map_err(|e| format!("line 1: {e}"))?,
        None => return Err("no header".to_string()),
    };
    if header.get(0) != Some("point") {
        return Err("line 1: the first column must be `point`".to_string());
    }
    let paths = header.iter().skip(1).map(String::from).collect();
    let mut points = Vec::new();
    for (i, record) in records.enumerate() {
        let line = i + 2;
        let row: PointRow = record.and_then(|r| r.deserialize(None)).map_err(|e| format!("line {line}: {e}"))?;
        if row.point != i {
            return Err(format!("line {line}: point {} is out of order (expected {i})", row.point));
        }
        points.push(row.values);
    }
    Ok((paths, points))
}

/// (point, election, metric) → each replicate's value, in replicate order.
type Groups<'a> = BTreeMap<(usize, usize, &'a str), Vec<(u32, f64)>>;

fn groups(rows: &[RunRow]) -> Groups<'_> {
    let mut groups: Groups = BTreeMap::new();
    for r in rows {
        groups.entry((r.point, r.election, r.metric.as_str())).or_default().push((r.replicate, r.value));
    }
    for values in groups.values_mut() {
        values.sort_by_key(|v| v.0);
    }
    groups
}

/// The paired difference of every (point, election, metric) from point 0 at the same election
/// and metric: replicate r minus replicate r of point 0 (common random numbers), summarised by
/// [`Summary::paired_difference`] as a comparison's are. Absent where point 0 lacks the metric.
fn differences<'a>(groups: &Groups<'a>) -> BTreeMap<(usize, usize, &'a str), Summary> {
    let mut out = BTreeMap::new();
    for (&(point, election, metric), values) in groups {
        let Some(first) = groups.get(&(0, election, metric)) else { continue };
        let (a, b): (Vec<f64>, Vec<f64>) = values
            .iter()
            .filter_map(|&(r, v)| first.binary_search_by_key(&r, |x| x.0).ok().map(|i| (v, first[i].1)))
            .unzip();
        out.insert((point, election, metric), Summary::paired_difference(&a, &b));
    }
    out
}

/// The header and each point's cells of the varied paths' columns in `sweep.csv`: per path its
/// value as a number (RON text when it is not one), and for a path with optional values the
/// number inside `Some` (empty for `None`) and a `<path>_is_none` flag.
fn value_columns(paths: &[String], points: &[Vec<String>]) -> (Vec<String>, Vec<Vec<String>>) {
    let optional: Vec<bool> =
        (0..paths.len()).map(|i| points.iter().any(|p| p.get(i).is_some_and(|v| is_optional(v)))).collect();
    let mut header = Vec::new();
    for (path, &opt) in paths.iter().zip(&optional) {
        header.push(path.clone());
        if opt {
            header.push(format!("{path}{IS_NONE_SUFFIX}"));
        }
    }
    let cells = points
        .iter()
        .map(|p| {
            let mut row = Vec::new();
            for (value, &opt) in p.iter().zip(&optional) {
                let text = value.trim();
                let inner = text.strip_prefix("Some(").and_then(|t| t.strip_suffix(')')).map(str::trim);
                row.push(match plottable(text) {
                    Some(None) => String::new(),
                    Some(Some(_)) => inner.unwrap_or(text).to_string(),
                    None => text.to_string(),
                });
                if opt {
                    row.push((text == "None").to_string());
                }
            }
            row
        })
        .collect();
    (header, cells)
}

/// `sweep.csv` ([`SweepRow`]): per point, election and metric, the summary over replicates and
/// the paired difference from point 0.
fn sweep_csv(
    paths: &[String],
    points: &[Vec<String>],
    groups: &Groups,
    differences: &BTreeMap<(usize, usize, &str), Summary>,
) -> String {
    let (value_header, cells) = value_columns(paths, points);
    let mut w = csv_writer();
    // `point`, the varied paths' columns (the row's `values`), then the summary's columns.
    let (point, summary) = columns_of::<SweepRow>().split_first().unwrap_or((&"point", &[]));
    let header = std::iter::once(*point).chain(value_header.iter().map(String::as_str)).chain(summary.iter().copied());
    let _ = w.write_record(header);
    for (&(point, election, metric), values) in groups {
        let samples: Vec<f64> = values.iter().map(|v| v.1).collect();
        let s = Summary::of(&samples);
        let d = differences.get(&(point, election, metric));
        let _ = w.serialize(SweepRow {
            point,
            values: cells.get(point).cloned().unwrap_or_default(),
            election,
            metric: metric.to_string(),
            mean: s.mean,
            sd: s.sd,
            ci95_lo: s.ci95[0],
            ci95_hi: s.ci95[1],
            n: s.n,
            diff_mean: d.map_or(f64::NAN, |d| d.mean),
            diff_ci95_lo: d.map_or(f64::NAN, |d| d.ci95[0]),
            diff_ci95_hi: d.map_or(f64::NAN, |d| d.ci95[1]),
        });
    }
    text_of(w)
}

/// Fields that act only through another: (the field, the field it needs, the value of that field
/// under which the first does nothing, why). From the model's equations (docs/MODEL.md §7).
const ACTS_ONLY_WITH: &[(&str, &str, &str, &str)] = &[(
    "regulation.detection_lag_hours",
    "regulation.takedown_hours",
    "None",
    "detection lag only matters with a takedown rule",
)];

/// The value (RON text) of `path` at a point: the point's own when `path` is varied, else the
/// base scenario's.
fn value_at(meta: &SweepFile, point: &[String], base: Option<&Document>, path: &str) -> Option<String> {
    if let Some(i) = meta.vary.iter().position(|a| a.path == path) {
        return point.get(i).map(|v| v.trim().to_string());
    }
    let node = tree::get(&base?.root, &tree::parse_path(path).ok()?)?;
    Some(tree::render(&Document { extensions: Vec::new(), root: node.clone() }).0.trim().to_string())
}

/// A warning for each varied path that changed nothing: every set of points that differ only in
/// that path gave identical results, replicate by replicate. It says why when a field the path
/// acts through has, at every point, the value under which it does nothing.
fn no_effect_warnings(meta: &SweepFile, points: &[Vec<String>], groups: &Groups, base: Option<&str>) -> Vec<String> {
    // Each point's results, to compare points whole.
    let mut results: Vec<Vec<(usize, &str, u32, u64)>> = vec![Vec::new(); points.len()];
    for (&(point, election, metric), values) in groups {
        if let Some(r) = results.get_mut(point) {
            r.extend(values.iter().map(|&(rep, v)| (election, metric, rep, v.to_bits())));
        }
    }
    let base = base.and_then(|text| tree::parse(text, "scenario.ron").ok());
    let mut warnings = Vec::new();
    for (i, axis) in meta.vary.iter().enumerate() {
        if axis.values.len() < 2 {
            continue;
        }
        // Each point against the point that differs only in taking this path's first value.
        let unchanged = points.iter().enumerate().all(|(p, values)| {
            let mut first = values.clone();
            first[i] = axis.values[0].clone();
            points.iter().position(|q| *q == first).is_some_and(|q| results[q] == results[p])
        });
        if !unchanged {
            continue;
        }
        let mut warning = format!(
            "--vary {}: all {} values gave identical results, so this sweep says nothing about it",
            axis.path,
            axis.values.len()
        );
        let reason = ACTS_ONLY_WITH.iter().find(|(field, needs, off, _)| {
            *field == axis.path
                && points.iter().all(|p| value_at(meta, p, base.as_ref(), needs).as_deref() == Some(*off))
        });
        match reason {
            Some((_, needs, off, why)) => warning.push_str(&format!(" ({why}, and {needs} is {off})")),
            None => warning.push_str(" (the scenario may not use it; see what it acts through in docs/MODEL.md §7)"),
        }
        warnings.push(warning);
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(point: usize, replicate: u32, value: f64) -> RunRow {
        RunRow { point, replicate, election: 1, metric: "turnout".into(), value }
    }

    fn meta(values: &[&str]) -> SweepFile {
        SweepFile {
            differences: Vec::new(),
            overrides: Vec::new(),
            points: values.len(),
            population: None,
            replicates: 2,
            scenario: "s".into(),
            seed: 1,
            vary: vec![Axis { path: "x".into(), values: values.iter().map(|v| v.to_string()).collect() }],
            version: "0".into(),
            warnings: Vec::new(),
        }
    }

    fn files(values: &[&str], rows: &mut [RunRow], ron: Option<&str>) -> (ResultsFolder, Vec<String>) {
        let points: Vec<Vec<String>> = values.iter().map(|v| vec![v.to_string()]).collect();
        let meta = meta(values);
        sweep_files(SweepResults {
            meta: &meta,
            points: &points,
            rows,
            scenario_ron: ron,
            timeseries: None,
            shard: None,
        })
    }

    #[test]
    fn runs_round_trip_exactly_and_sort_canonically() {
        let mut rows = vec![row(1, 0, 0.1 + 0.2), row(0, 1, 1.0 / 3.0), row(0, 0, 0.5)];
        let text = runs_csv(&mut rows);
        let parsed = parse_runs(&text).unwrap();
        assert_eq!(parsed, rows);
        assert_eq!(parsed.iter().map(|r| (r.point, r.replicate)).collect::<Vec<_>>(), vec![(0, 0), (0, 1), (1, 0)]);
    }

    #[test]
    fn the_summary_does_not_depend_on_row_order() {
        let a = files(&["0.1", "0.2"], &mut [row(0, 0, 1.0), row(0, 1, 2.0), row(1, 0, 3.0)], None).0;
        let b = files(&["0.1", "0.2"], &mut [row(1, 0, 3.0), row(0, 1, 2.0), row(0, 0, 1.0)], None).0;
        assert_eq!(a, b);
        let csv = a.get("sweep.csv").unwrap();
        assert!(csv.contains("0,0.1,1,turnout,1.5"), "{csv}");
    }

    #[test]
    fn differences_pair_replicates_with_the_first_point() {
        // Point 1 is point 0 plus 0.1 in each replicate, however noisy the replicates are.
        let mut rows = [row(0, 0, 0.2), row(0, 1, 0.6), row(1, 0, 0.3), row(1, 1, 0.7)];
        let (folder, _) = files(&["1.0", "2.0"], &mut rows, None);
        let csv = folder.get("sweep.csv").unwrap();
        let last = csv.lines().last().unwrap();
        let cells: Vec<&str> = last.split(',').collect();
        let diff: Vec<f64> = cells[cells.len() - 3..].iter().map(|c| c.parse().unwrap()).collect();
        assert!(diff.iter().all(|d| (d - 0.1).abs() < 1e-12), "{last}");
        assert!(csv.lines().nth(1).unwrap().ends_with(",0,0,0"), "point 0 against itself: {csv}");
        let json: SweepFile = crate::output::files::parse_json(folder.get("sweep.json").unwrap()).unwrap();
        assert_eq!(json.differences.len(), 1);
        assert_eq!((json.differences[0].point, json.differences[0].election), (1, 1));
        assert!((json.differences[0].mean - 0.1).abs() < 1e-12);
    }

    #[test]
    fn optional_values_get_a_number_and_a_none_flag() {
        let mut rows = [row(0, 0, 0.2), row(1, 0, 0.3), row(2, 0, 0.4)];
        let (folder, _) = files(&["None", "Some(24.0)", "Some(1.0)"], &mut rows, None);
        let csv = folder.get("sweep.csv").unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("point,x,x_is_none,election,metric,"), "{csv}");
        assert!(lines[1].starts_with("0,,true,1,"), "{csv}");
        assert!(lines[2].starts_with("1,24.0,false,1,"), "{csv}");
        assert!(folder.get("points.csv").unwrap().contains("1,Some(24.0)"), "points.csv keeps the RON");
    }

    #[test]
    fn a_path_that_changes_nothing_is_warned_about_with_the_reason_the_scenario_gives() {
        let same = || [row(0, 0, 0.2), row(1, 0, 0.2)];
        let warnings = files(&["1.0", "2.0"], &mut same(), None).1;
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("identical results"), "{warnings:?}");
        assert!(files(&["1.0", "2.0"], &mut [row(0, 0, 0.2), row(1, 0, 0.3)], None).1.is_empty());

        let mut m = meta(&["1.0", "2.0"]);
        m.vary[0].path = "regulation.detection_lag_hours".into();
        let points = vec![vec!["1.0".to_string()], vec!["2.0".to_string()]];
        let ron = "Scenario(regulation: Regulation(takedown_hours: None))";
        let (folder, warnings) = sweep_files(SweepResults {
            meta: &m,
            points: &points,
            rows: &mut same(),
            scenario_ron: Some(ron),
            timeseries: None,
            shard: None,
        });
        assert!(warnings[0].contains("detection lag only matters with a takedown rule"), "{warnings:?}");
        assert!(folder.get("sweep.json").unwrap().contains("detection lag only matters"));
    }

    #[test]
    fn points_round_trip() {
        let paths = vec!["x".to_string(), "y.z".to_string()];
        let points = vec![vec!["0.1".to_string(), "Some(\"a, b\")".to_string()], vec!["0.2".into(), "None".into()]];
        let text = points_csv(&paths, &points);
        assert_eq!(parse_points(&text).unwrap(), (paths, points));
        assert!(parse_points("x,y\n").is_err());
        assert!(parse_points("point,x\n1,0.1\n").is_err());
    }

    #[test]
    fn per_step_rows_are_ordered_by_point_and_replicate_keeping_step_order() {
        let text = sweep_timeseries_csv("1,0,0,a\n0,1,0,b\n0,1,1,c\n0,0,0,d\n");
        let body: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(body, ["0,0,0,d", "0,1,0,b", "0,1,1,c", "1,0,0,a"]);
        assert!(text.starts_with("point,replicate,step,"), "{text}");
        assert_eq!(timeseries_body(&text), "0,0,0,d\n0,1,0,b\n0,1,1,c\n1,0,0,a\n");
    }
}
