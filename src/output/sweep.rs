//! Parameter sweeps (docs/MODEL.md §10 Output files, sweep files): the raw per-replicate results
//! of every point (`runs.csv`), the grid of points (`points.csv`) and the summary per point and
//! metric (`sweep.csv`). Shards write the raw rows of their slice; merging sorts all rows into the
//! canonical order, so the merged folder is byte-identical to an unsharded run. [`sweep_files`]
//! gathers them, with `sweep.json` (what was varied) and `scenario.ron` (the base scenario), into
//! a [`ResultsFolder`]. The row and document types are in [`super::files`]. Pure: rows in, text
//! out.

use super::files::{Axis, FINAL, PointRow, RunRow, SweepFile, SweepRow, columns_of, json_text};
use super::folder::ResultsFolder;
use crate::metrics::MetricsLog;
use crate::metrics::stats::Summary;
use crate::scenario::Loaded;
use std::collections::BTreeMap;

/// `sweep.json` of a sweep: the base scenario's name, seed and population, the replicates per
/// point, the number of points and each varied path with its values (RON text).
pub fn sweep_file(base: &Loaded, axes: &[(String, Vec<String>)], replicates: u32, points: usize) -> SweepFile {
    SweepFile {
        overrides: super::overrides_of(base),
        points,
        population: Some(base.scenario.population.size),
        replicates: u64::from(replicates),
        scenario: base.scenario.name.clone(),
        seed: base.scenario.seed,
        vary: axes.iter().map(|(path, values)| Axis { path: path.clone(), values: values.clone() }).collect(),
        version: super::VERSION.to_string(),
    }
}

/// The text of `sweep.json` ([`sweep_file`]).
pub fn sweep_json(base: &Loaded, axes: &[(String, Vec<String>)], replicates: u32, points: usize) -> String {
    json_text(&sweep_file(base, axes, replicates, points))
}

/// The files of a sweep folder: `sweep.json` (`meta`), `points.csv`, `runs.csv` (rows sorted into
/// canonical order), `scenario.ron` when given, and `sweep.csv`, or `shard.txt` for one shard of
/// a sweep (whose summary needs every shard).
pub fn sweep_files(
    meta: &str,
    paths: &[String],
    points: &[Vec<String>],
    rows: &mut [RunRow],
    scenario_ron: Option<&str>,
    shard: Option<(usize, usize)>,
) -> ResultsFolder {
    let mut folder = ResultsFolder::new();
    folder.insert("sweep.json", meta);
    folder.insert("points.csv", points_csv(paths, points));
    folder.insert("runs.csv", runs_csv(rows));
    if let Some(ron) = scenario_ron {
        folder.insert("scenario.ron", ron);
    }
    match shard {
        Some((i, n)) => folder.insert("shard.txt", format!("{i}/{n}\n")),
        None => folder.insert("sweep.csv", sweep_csv(paths, points, rows)),
    }
    folder
}

/// Canonical order of rows: point, replicate, elections in order then the end, metric.
fn key(r: &RunRow) -> (usize, u32, usize, &str) {
    (r.point, r.replicate, r.election.unwrap_or(usize::MAX), r.metric.as_str())
}

/// The raw rows of one replicate's log.
pub fn rows_of(point: usize, replicate: u32, log: &MetricsLog) -> Vec<RunRow> {
    let records =
        log.elections.iter().enumerate().map(|(k, r)| (Some(k), r)).chain(std::iter::once((None, &log.final_record)));
    records
        .flat_map(|(election, r)| {
            r.0.iter().map(move |(path, &value)| RunRow { point, replicate, election, metric: path.join("/"), value })
        })
        .collect()
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
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .deserialize()
        .enumerate()
        .map(|(line, row)| row.map_err(|e| format!("runs.csv line {}: {e}", line + 2)))
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

/// `sweep.csv` ([`SweepRow`]): per point, election and metric, the summary over replicates.
pub fn sweep_csv(paths: &[String], points: &[Vec<String>], rows: &[RunRow]) -> String {
    // (point, election, metric) → (replicate, value) pairs.
    type Groups<'a> = BTreeMap<(usize, usize, &'a str), Vec<(u32, f64)>>;
    let mut groups: Groups = BTreeMap::new();
    for r in rows {
        groups
            .entry((r.point, r.election.unwrap_or(usize::MAX), r.metric.as_str()))
            .or_default()
            .push((r.replicate, r.value));
    }
    let mut w = csv_writer();
    // `point`, the varied paths (the row's `values`), then the summary's columns.
    let (point, summary) = columns_of::<SweepRow>().split_first().unwrap_or((&"point", &[]));
    let header = std::iter::once(*point).chain(paths.iter().map(String::as_str)).chain(summary.iter().copied());
    let _ = w.write_record(header);
    for ((point, election, metric), mut values) in groups {
        values.sort_by_key(|v| v.0);
        let samples: Vec<f64> = values.iter().map(|v| v.1).collect();
        let s = Summary::of(&samples);
        let _ = w.serialize(SweepRow {
            point,
            values: points.get(point).cloned().unwrap_or_default(),
            election: if election == usize::MAX { FINAL.to_string() } else { election.to_string() },
            metric: metric.to_string(),
            mean: s.mean,
            sd: s.sd,
            ci95_lo: s.ci95[0],
            ci95_hi: s.ci95[1],
            n: s.n,
        });
    }
    text_of(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(point: usize, replicate: u32, value: f64) -> RunRow {
        RunRow { point, replicate, election: Some(0), metric: "turnout".into(), value }
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
        let points = vec![vec!["0.1".to_string()], vec!["0.2".to_string()]];
        let paths = vec!["x".to_string()];
        let a = sweep_csv(&paths, &points, &[row(0, 0, 1.0), row(0, 1, 2.0), row(1, 0, 3.0)]);
        let b = sweep_csv(&paths, &points, &[row(1, 0, 3.0), row(0, 1, 2.0), row(0, 0, 1.0)]);
        assert_eq!(a, b);
        assert!(a.contains("0,0.1,0,turnout,1.5"), "{a}");
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
}
