//! Every file in `scenarios/` loads and runs at a small size.

use super::common::*;

#[test]
fn every_scenario_file_runs() {
    let dir = scenarios_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "ron")) {
        let out = tempfile::tempdir().unwrap();
        let o = votelab(
            &dir,
            &[
                "run",
                file.to_str().unwrap(),
                "--replicates",
                "1",
                "--set",
                "population.size=1500",
                "--set",
                "timeline.elections=2",
                "--set",
                "timeline.campaign_days=20",
                "--quiet",
                "--out",
                out.path().join("r").to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}: {}", file.display(), stderr(&o));
    }
}
