//! `compare`, `sweep` and `merge` from the command line.

use super::common::*;
use std::fs;
use std::path::Path;

/// Small and quick: two replicates of 1,500 voters, one election after a 20-day campaign.
const SMALL: [&str; 3] = ["population.size=1500", "timeline.elections=1", "timeline.campaign_days=20"];

fn args<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    command(head, "2", &SMALL, tail)
}

/// Compares the baseline with `other` into `c/` under `dir`, which must succeed; the command's output.
fn compare_with(dir: &Path, other: &str) -> std::process::Output {
    let o = votelab(dir, &args(&["compare", "baseline", other], &["--quiet", "--out", "c"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

/// A JSON file of a results folder, parsed.
fn json_at(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// Every metric leaf (an object with a `mean`) under `node`, by its path.
fn metric_leaves<'a>(node: &'a serde_json::Value, path: String, out: &mut Vec<(String, &'a serde_json::Value)>) {
    let Some(fields) = node.as_object() else { return };
    if fields.contains_key("mean") {
        out.push((path, node));
        return;
    }
    for (key, child) in fields {
        metric_leaves(child, format!("{path}/{key}"), out);
    }
}

#[test]
fn comparing_a_scenario_with_itself_gives_differences_of_exactly_zero() {
    let dir = tempfile::tempdir().unwrap();
    let o = compare_with(dir.path(), "baseline");
    let json = json_at(&dir.path().join("c/comparison.json"));
    let summary = json_at(&dir.path().join("c/baseline/summary.json"));
    for moment in ["elections/0", "final"] {
        let pointer = format!("/{moment}");
        let (mut compared, mut summarised) = (Vec::new(), Vec::new());
        metric_leaves(json["scenarios"][1].pointer(&pointer).unwrap(), String::new(), &mut compared);
        metric_leaves(summary.pointer(&pointer).unwrap(), String::new(), &mut summarised);
        let paths = |leaves: &[(String, &serde_json::Value)]| leaves.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&compared), paths(&summarised), "{moment}: every metric of the summary is compared");
        for (path, leaf) in &compared {
            let d = &leaf["diff_vs_reference"];
            assert_eq!(d["mean"].as_f64(), Some(0.0), "{moment}{path}: {d}");
            assert_eq!(d["ci95"][0].as_f64(), Some(0.0), "{moment}{path}: {d}");
            assert_eq!(d["ci95"][1].as_f64(), Some(0.0), "{moment}{path}: {d}");
        }
    }
    assert!(stdout(&o).contains("+0.0"), "{}", stdout(&o));
    // The file describes its metrics from the catalogue: units and smallest meaningful differences.
    let metrics = json["metrics"].as_array().expect("comparison.json lists its metrics");
    let ids: Vec<&str> = metrics.iter().filter_map(|m| m["id"].as_str()).collect();
    let catalogue: Vec<&str> = votelab::metrics::catalogue::CATALOGUE.iter().map(|m| m.id).collect();
    assert_eq!(ids, catalogue);
    let turnout = metrics.iter().find(|m| m["path"] == "turnout").unwrap();
    assert_eq!((turnout["kind"].as_str(), turnout["unit"].as_str()), (Some("share"), Some("%")));
    assert!(turnout["smallest_meaningful_difference"].as_f64().is_some_and(|d| d > 0.0), "{turnout}");
}

#[test]
fn a_comparison_marks_a_policy_difference_whose_interval_excludes_zero() {
    let dir = tempfile::tempdir().unwrap();
    let o = compare_with(dir.path(), "microtargeting-ban");
    let json = json_at(&dir.path().join("c/comparison.json"));
    let d = &json["scenarios"][1]["elections"][0]["ads"]["targeted_share"]["diff_vs_reference"];
    assert_eq!(d["mean"].as_f64(), Some(-1.0), "{d}");
    assert!(stdout(&o).contains("-100.0*"), "{}", stdout(&o));
    assert!(dir.path().join("c/microtargeting-ban/summary.json").exists());
}

fn sweep(dir: &Path, out: &str, extra: &[&str]) {
    let head = [
        "sweep",
        "baseline",
        "--vary",
        "regulation.takedown_hours=[None, Some(1.0)]",
        "--vary",
        "network.homophily=[0.2, 0.6]",
    ];
    let mut a = args(&head, &["--quiet", "--out", out]);
    a.extend_from_slice(extra);
    let o = votelab(dir, &a);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn merged_shards_equal_the_unsharded_sweep_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), "full", &["--timeseries"]);
    sweep(dir.path(), "s0", &["--shard", "0/2", "--timeseries"]);
    sweep(dir.path(), "s1", &["--shard", "1/2", "--timeseries"]);
    let o = votelab(dir.path(), &["merge", "s0", "s1", "--out", "merged"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files(&dir.path().join("full")), files(&dir.path().join("merged")));
    let csv = fs::read_to_string(dir.path().join("full/sweep.csv")).unwrap();
    assert!(
        csv.starts_with(
            "point,regulation.takedown_hours,regulation.takedown_hours_is_none,network.homophily,election,metric,mean"
        ),
        "{csv}"
    );
    assert!(csv.contains("\n3,1.0,false,0.6,1,turnout,"), "4 points in grid order");
    assert!(csv.contains("\n0,,true,0.2,1,turnout,"), "None is an empty number and a flag");
    let steps = fs::read_to_string(dir.path().join("full/timeseries.csv")).unwrap();
    assert!(steps.starts_with("point,replicate,step,day,"), "{steps}");
    assert!(steps.lines().skip(1).all(|l| !l.is_empty()) && steps.contains("\n3,1,0,"), "every point and replicate");
    let o = votelab(dir.path(), &["merge", "s0", "--out", "partial"]);
    assert_eq!(o.status.code(), Some(2), "a missing shard is refused");
}

#[test]
fn vary_with_an_unknown_path_or_a_wrong_type_exits_2_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    for vary in ["regulation.takedown_hour=[None]", "population.size=[\"many\"]"] {
        let o = votelab(dir.path(), &["sweep", "baseline", "--vary", vary, "--quiet", "--out", "x"]);
        assert_eq!(o.status.code(), Some(2), "{vary}: {}", stderr(&o));
        let path = vary.split('=').next().unwrap();
        assert!(stderr(&o).contains(path), "{vary}: {}", stderr(&o));
        assert!(!dir.path().join("x").exists());
    }
}
