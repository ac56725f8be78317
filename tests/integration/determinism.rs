//! Same seed ⇒ byte-identical `summary.json`, across repeated runs and thread counts (docs/MODEL.md §4.5).

use super::common::*;
use std::fs;

fn summary_with_threads(threads: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let head = ["run", "baseline", "--threads", threads];
    let sets = ["population.size=3000", "timeline.elections=2"];
    let o = votelab(dir.path(), &command(&head, "3", &sets, &["--quiet", "--out", "r"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    fs::read_to_string(dir.path().join("r/summary.json")).unwrap()
}

#[test]
fn summaries_are_identical_for_one_and_two_threads() {
    let one = summary_with_threads("1");
    let two = summary_with_threads("2");
    assert_eq!(one, two);
    assert_eq!(two, summary_with_threads("2"), "repeated runs are identical");
}

#[test]
fn different_seeds_give_different_results() {
    let a = builtin("baseline", &["population.size=1500", "timeline.elections=1", "replicates=1"]);
    let b = builtin("baseline", &["population.size=1500", "timeline.elections=1", "replicates=1", "seed=7"]);
    let ra = votelab::sim::run_replicate_to_end(shared(&a), 0);
    let rb = votelab::sim::run_replicate_to_end(shared(&b), 0);
    assert_ne!(ra.elections[0], rb.elections[0]);
}
