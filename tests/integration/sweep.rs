//! `sweep` results ready to plot: paired differences from the first point that match the raw
//! replicates, optional values as numbers with a `None` flag, one election numbering, numeric
//! ranges, and a warning when a varied parameter changes nothing.

use super::common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Quick: three replicates of 1,500 voters, one election after a 20-day campaign.
const SMALL: [&str; 3] = ["population.size=1500", "timeline.elections=1", "timeline.campaign_days=20"];

/// Run `votelab sweep baseline --vary VARY ...` into `out` under `dir`; the command's output.
fn sweep(dir: &Path, vary: &str, out: &str) -> std::process::Output {
    votelab(dir, &command(&["sweep", "baseline", "--vary", vary], "3", &SMALL, &["--quiet", "--out", out]))
}

/// A CSV file as rows of named cells.
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect()).collect()
}

fn number(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap_or_else(|_| panic!("{column} = {:?}", row[column]))
}

#[test]
fn paired_differences_match_the_differences_of_the_raw_replicates() {
    let dir = tempfile::tempdir().unwrap();
    let o = sweep(dir.path(), "regulation.takedown_hours=[None, Some(1.0)]", "s");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let runs = csv_rows(&dir.path().join("s/runs.csv"));
    let value = |point: &str, replicate: u32, metric: &str| -> f64 {
        let r = runs
            .iter()
            .find(|r| r["point"] == point && r["replicate"] == replicate.to_string() && r["metric"] == metric)
            .unwrap_or_else(|| panic!("runs.csv has point {point} replicate {replicate} {metric}"));
        assert_eq!(r["election"], "1", "elections are numbered from 1 and there is no `final` row");
        number(r, "value")
    };
    assert!(runs.iter().all(|r| r["election"] == "1"), "one election, numbered 1");
    let sweep_rows = csv_rows(&dir.path().join("s/sweep.csv"));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("s/sweep.json")).unwrap()).unwrap();
    for metric in ["turnout", "turnout_by_cohort/Gen Z", "misinformation/believers"] {
        let diffs: Vec<f64> = (0..3).map(|r| value("1", r, metric) - value("0", r, metric)).collect();
        let mean = diffs.iter().sum::<f64>() / 3.0;
        let row = sweep_rows.iter().find(|r| r["point"] == "1" && r["metric"] == metric).unwrap();
        assert!((number(row, "diff_mean") - mean).abs() < 1e-12, "{metric}: {row:?} vs {mean}");
        let sd = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
        // t(0.975, 2) = 4.302653; the interval is mean ± t·sd/√3.
        let half = 4.302652729911275 * sd / 3f64.sqrt();
        assert!((number(row, "diff_ci95_hi") - (mean + half)).abs() < 1e-9, "{metric}: {row:?}");
        assert!((number(row, "diff_ci95_lo") - (mean - half)).abs() < 1e-9, "{metric}: {row:?}");
        let first = sweep_rows.iter().find(|r| r["point"] == "0" && r["metric"] == metric).unwrap();
        assert_eq!((number(first, "diff_mean"), number(first, "diff_ci95_lo")), (0.0, 0.0), "point 0 vs itself");
        let d = json["differences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["point"] == 1 && d["metric"] == metric && d["election"] == 1)
            .unwrap_or_else(|| panic!("sweep.json has the difference of {metric}"));
        assert!((d["mean"].as_f64().unwrap() - mean).abs() < 1e-12, "{d}");
    }
    // The optional value as a number and a flag.
    let row = &sweep_rows[0];
    assert_eq!(
        (row["regulation.takedown_hours"].as_str(), row["regulation.takedown_hours_is_none"].as_str()),
        ("", "true")
    );
    let row = sweep_rows.iter().find(|r| r["point"] == "1").unwrap();
    assert_eq!(number(row, "regulation.takedown_hours"), 1.0);
    assert_eq!(row["regulation.takedown_hours_is_none"], "false");
    let report = fs::read_to_string(dir.path().join("s/report.html")).unwrap();
    assert!(report.contains("Paired differences from the first point"), "the report shows them");
}

#[test]
fn a_parameter_that_changes_nothing_is_warned_about_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    // The baseline has no takedown rule, so the detection lag cannot matter.
    let o = sweep(dir.path(), "regulation.detection_lag_hours=[1.0, 12.0]", "s");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning: --vary regulation.detection_lag_hours"), "{err}");
    assert!(err.contains("detection lag only matters with a takedown rule"), "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("s/sweep.json")).unwrap()).unwrap();
    assert_eq!(json["warnings"].as_array().map(Vec::len), Some(1), "{json}");
    // With a takedown rule it does matter, and there is no warning.
    let o = votelab(
        dir.path(),
        &command(
            &["sweep", "baseline", "--vary", "regulation.detection_lag_hours=[1.0, 200.0]"],
            "3",
            &[&SMALL[..], &["regulation.takedown_hours=Some(1.0)"]].concat(),
            &["--quiet", "--out", "t"],
        ),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn numeric_ranges_give_exact_points_and_bad_ones_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = votelab(
        dir.path(),
        &command(
            &["sweep", "baseline", "--vary", "network.homophily=0.2..=0.6 step 0.2"],
            "1",
            &SMALL,
            &["--quiet", "--out", "r"],
        ),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let points = fs::read_to_string(dir.path().join("r/points.csv")).unwrap();
    assert_eq!(points, "point,network.homophily\n0,0.2\n1,0.4\n2,0.6\n");
    for bad in ["network.homophily=0.2..=0.8", "network.homophily=0.8..=0.2 step 0.2", "network.homophily=0..1 step -1"]
    {
        let o = sweep(dir.path(), bad, "bad");
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains("START..=END step STEP"), "{bad}: {}", stderr(&o));
        assert!(!dir.path().join("bad").exists(), "nothing is written");
    }
}
