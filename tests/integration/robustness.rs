//! `votelab robustness` end to end: the files of a small run, shards merged into the same bytes
//! as an unsharded run, the assumptions listed, and bad input refused with exit 2 and nothing
//! written.

use super::common::*;
use std::fs;
use std::path::Path;

/// Quick: two replicates of 1,500 voters, one election after a 20-day campaign.
const SMALL: [&str; 3] = ["population.size=1500", "timeline.elections=1", "timeline.campaign_days=20"];

/// `votelab robustness netzdg-24h` with 4 draws of the effects and misinformation assumptions into
/// `out` under `dir`, plus `extra`; the command's output, which must succeed.
fn robustness(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let mut a = command(
        &["robustness", "netzdg-24h", "--draws", "4", "--assumptions", "effects.*,misinformation.*"],
        "2",
        &SMALL,
        &["--quiet", "--threads", "2", "--out", out],
    );
    a.extend_from_slice(extra);
    let o = votelab(dir, &a);
    assert_eq!(o.status.code(), Some(0), "{a:?}: {}", stderr(&o));
    o
}

#[test]
fn a_robustness_run_writes_its_files_and_merged_shards_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let o = robustness(dir.path(), "full", &[]);
    let out = stdout(&o);
    assert!(out.contains("Robustness of netzdg-24h against baseline"), "{out}");
    assert!(out.contains("Mean belief in misinformation") && out.contains("same sign"), "{out}");
    assert!(out.contains("Across 4 plausible parameter sets"), "the summary follows the table: {out}");
    let full = dir.path().join("full");
    for f in ["robustness.csv", "robustness.json", "report.html", "draws.csv", "effects.csv", "runs.csv"] {
        assert!(full.join(f).exists(), "{f} missing");
    }
    let csv = fs::read_to_string(full.join("robustness.csv")).unwrap();
    assert!(csv.starts_with("metric,label,election,unit,median,p05,p95,share_same_sign,share_meaningful,"), "{csv}");
    assert!(csv.contains("\nmisinformation/mean_belief,Mean belief in misinformation,1,0–1,"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(full.join("robustness.json")).unwrap()).unwrap();
    assert_eq!(json["draws"], 4);
    let assumptions = json["assumptions"].as_array().unwrap();
    assert!(assumptions.iter().all(|a| {
        let p = a["path"].as_str().unwrap();
        (p.starts_with("effects.") || p.starts_with("misinformation.")) && !a["source"].as_str().unwrap().is_empty()
    }));
    assert!(!json["influence"].as_array().unwrap().is_empty());
    assert!(json["summary"].as_array().is_some_and(|s| s.len() >= 2), "{}", json["summary"]);
    // The design: one row per draw, each value inside its range.
    let draws = fs::read_to_string(full.join("draws.csv")).unwrap();
    assert_eq!(draws.lines().count(), 5, "{draws}");
    let report = fs::read_to_string(full.join("report.html")).unwrap();
    assert!(report.contains("<section id=\"summary\" class=\"summary\">"), "the summary opens the report");
    assert!(report.contains("data-mark=\""), "meaningful/negligible marks in the report");
    assert!(report.contains("<figure id=\"tornado-misinformation-mean-belief\">"), "a tornado chart");
    assert!(!report.contains("http"), "self-contained");

    // Two shards merged: the same bytes as the unsharded run.
    robustness(dir.path(), "s0", &["--shard", "0/2"]);
    robustness(dir.path(), "s1", &["--shard", "1/2"]);
    assert!(dir.path().join("s0/shard.txt").exists() && !dir.path().join("s0/report.html").exists());
    let o = votelab(dir.path(), &["merge", "s0", "s1", "--out", "merged"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files(&full), files(&dir.path().join("merged")), "merged shards differ from the unsharded run");
    // A missing shard is refused and nothing is written.
    let o = votelab(dir.path(), &["merge", "s0", "--out", "partial"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("a shard is missing"), "{}", stderr(&o));
    assert!(!dir.path().join("partial").exists());
    // `votelab report` draws it again byte for byte.
    let before = fs::read(full.join("report.html")).unwrap();
    let o = votelab(dir.path(), &["report", "full"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(fs::read(full.join("report.html")).unwrap(), before);
}

#[test]
fn the_assumptions_are_listed_with_ranges_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let o = votelab(dir.path(), &["robustness", "--list", "--assumptions", "turnout.*"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("turnout.habit.gain") && out.contains("Meredith 2009"), "{out}");
    assert!(!out.contains("effects."), "{out}");
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["robustness", "netzdg-24h", "--assumptions", "nothing.*"], "matches no assumption"),
        (&["robustness", "netzdg-24h", "--draws", "0"], "--draws 0"),
        (&["robustness", "netzdg-24h", "--shard", "2/2"], "--shard 2/2"),
        (&["robustness", "no-such-scenario"], "no-such-scenario"),
        (&["robustness", "netzdg-24h", "--set", "effects.saturation=-1.0"], "effects.saturation"),
    ];
    for (args, expected) in cases {
        let o = votelab(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
    assert!(!dir.path().join("results").exists(), "nothing written");
}
