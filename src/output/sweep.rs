//! Parameter sweeps (DESIGN §5, §9): the raw per-replicate results of every point (`runs.csv`),
//! the grid of points (`points.csv`) and the summary per point and metric (`sweep.csv`). Shards
//! write the raw rows of their slice; merging sorts all rows into the canonical order, so the
//! merged folder is byte-identical to an unsharded run. [`sweep_files`] gathers them, with
//! `sweep.json` (what was varied) and `scenario.ron` (the base scenario), into a
//! [`ResultsFolder`]. Pure: rows in, text out.

use crate::metrics::MetricsLog;
use crate::metrics::stats::Summary;
use crate::report::ResultsFolder;
use crate::scenario::Loaded;
use serde_json::json;
use std::collections::BTreeMap;

/// `sweep.json`: the scenario, seed, replicates, population of the base scenario, the number of
/// points and each varied path with its values (RON text).
pub fn sweep_json(base: &Loaded, axes: &[(String, Vec<String>)], replicates: u32, points: usize) -> String {
    let doc = json!({
        "scenario": base.scenario.name,
        "seed": base.scenario.seed,
        "replicates": replicates,
        "population": base.scenario.population.size,
        "points": points,
        "vary": axes.iter().map(|(p, v)| json!({"path": p, "values": v})).collect::<Vec<_>>(),
        "version": super::VERSION,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
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

/// One raw result: a metric of one replicate at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRow {
    /// Point index in the grid.
    pub point: usize,
    /// Replicate.
    pub replicate: u32,
    /// Election index, or `None` for the end of the run.
    pub election: Option<usize>,
    /// Metric path joined with `/` (e.g. `turnout_by_cohort/Gen Z`).
    pub metric: String,
    /// Value.
    pub value: f64,
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

/// `runs.csv`, rows sorted into canonical order.
pub fn runs_csv(rows: &mut [RunRow]) -> String {
    rows.sort_by(|a, b| key(a).cmp(&key(b)));
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["point", "replicate", "election", "metric", "value"]);
    for r in rows.iter() {
        let election = r.election.map_or_else(|| "final".to_string(), |k| k.to_string());
        let _ = w.write_record([
            r.point.to_string(),
            r.replicate.to_string(),
            election,
            r.metric.clone(),
            format!("{}", r.value),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Parse `runs.csv` back into rows.
pub fn parse_runs(text: &str) -> Result<Vec<RunRow>, String> {
    let mut rows = Vec::new();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for (line, record) in reader.records().enumerate() {
        let r = record.map_err(|e| format!("runs.csv line {}: {e}", line + 2))?;
        let field = |i: usize| r.get(i).ok_or_else(|| format!("runs.csv line {}: missing column {}", line + 2, i + 1));
        let bad = |what: &str| format!("runs.csv line {}: bad {what}", line + 2);
        rows.push(RunRow {
            point: field(0)?.parse().map_err(|_| bad("point"))?,
            replicate: field(1)?.parse().map_err(|_| bad("replicate"))?,
            election: match field(2)? {
                "final" => None,
                k => Some(k.parse().map_err(|_| bad("election"))?),
            },
            metric: field(3)?.to_string(),
            value: field(4)?.parse().map_err(|_| bad("value"))?,
        });
    }
    Ok(rows)
}

/// `points.csv`: one row per point with the value of each varied path.
pub fn points_csv(paths: &[String], points: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(std::iter::once("point".to_string()).chain(paths.iter().cloned()));
    for (i, p) in points.iter().enumerate() {
        let _ = w.write_record(std::iter::once(i.to_string()).chain(p.iter().cloned()));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `sweep.csv`: per point, election and metric, the summary over replicates.
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
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = ["point"]
        .into_iter()
        .map(String::from)
        .chain(paths.iter().cloned())
        .chain(["election", "metric", "mean", "sd", "ci95_lo", "ci95_hi", "n"].into_iter().map(String::from));
    let _ = w.write_record(header);
    for ((point, election, metric), mut values) in groups {
        values.sort_by_key(|v| v.0);
        let samples: Vec<f64> = values.iter().map(|v| v.1).collect();
        let s = Summary::of(&samples);
        let election = if election == usize::MAX { "final".to_string() } else { election.to_string() };
        let record = std::iter::once(point.to_string())
            .chain(points.get(point).cloned().unwrap_or_default())
            .chain([election, metric.to_string()])
            .chain([s.mean, s.sd, s.ci95[0], s.ci95[1]].into_iter().map(|x| format!("{x}")))
            .chain(std::iter::once(s.n.to_string()));
        let _ = w.write_record(record);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
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
}
