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
        let sets = ["population.size=1500", "timeline.elections=2", "timeline.campaign_days=20"];
        let results = out.path().join("r");
        let tail = ["--quiet", "--out", results.to_str().unwrap()];
        let o = votelab(&dir, &command(&["run", file.to_str().unwrap()], "1", &sets, &tail));
        assert_eq!(o.status.code(), Some(0), "{}: {}", file.display(), stderr(&o));
    }
}
