//! Golden results: two small scenarios (the baseline, and `tests/golden/everything.ron` with every
//! mechanism and lever on), each with two seeds, must give exactly the committed results:
//! `summary.json` byte for byte, and a digest of `timeseries.csv` and `elections.csv`.
//!
//! A change that alters results re-blesses them on purpose, in the same commit, saying why in the
//! commit message: `VOTELAB_BLESS=1 cargo test --test integration golden` rewrites the files under
//! `tests/golden/`. On a mismatch the results actually produced are written beside the committed
//! ones under `target/golden-actual/` for `diff`. See docs/ARCHITECTURE.md ("Golden results").

use super::common::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use votelab::scenario::{self, Limits, Override, SourceRef};

/// The committed results.
fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// FNV-1a, 64 bits: a stable digest with no dependency (collisions do not matter here: a change
/// that keeps every digest by accident is astronomically unlikely).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The digest file's text: for each CSV its line count and FNV-1a digest.
fn digests(files: &votelab::output::folder::ResultsFolder) -> String {
    let mut text = String::new();
    for name in ["timeseries.csv", "elections.csv"] {
        let body = files.get(name).unwrap_or_else(|| panic!("a run writes {name}"));
        let _ = writeln!(text, "{name} lines={} fnv1a64={:016x}", body.lines().count(), fnv1a(body.as_bytes()));
    }
    text
}

/// Run one golden case and compare (or, with `VOTELAB_BLESS=1`, rewrite) its files.
fn check(case: &str, source: SourceRef, sets: &[&str]) {
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).expect("override")).collect();
    let read = |p: &Path| std::fs::read_to_string(p);
    let loaded = scenario::load(&source, &overrides, &read, &Limits::default()).expect("valid scenario");
    let scenario = shared(&loaded);
    let logs: Vec<_> =
        (0..scenario.replicates).map(|r| votelab::sim::run_replicate_to_end(scenario.clone(), r)).collect();
    let files = votelab::output::run_files(&loaded, &logs);
    let summary = files.get("summary.json").expect("a run writes summary.json").to_string();
    let digest = digests(&files);

    let dir = golden_dir().join(case);
    if std::env::var_os("VOTELAB_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("summary.json"), &summary).unwrap();
        std::fs::write(dir.join("digests.txt"), &digest).unwrap();
        return;
    }
    let expected_summary = std::fs::read_to_string(dir.join("summary.json"))
        .unwrap_or_else(|e| panic!("{case}: no golden summary ({e}); bless with VOTELAB_BLESS=1"));
    let expected_digest = std::fs::read_to_string(dir.join("digests.txt"))
        .unwrap_or_else(|e| panic!("{case}: no golden digests ({e}); bless with VOTELAB_BLESS=1"));
    if summary != expected_summary || digest != expected_digest {
        let actual = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/golden-actual").join(case);
        std::fs::create_dir_all(&actual).unwrap();
        for (name, body) in &files.files {
            std::fs::write(actual.join(name), body).unwrap();
        }
        std::fs::write(actual.join("digests.txt"), &digest).unwrap();
        panic!(
            "{case}: results differ from tests/golden/{case} (summary.json {}, digests {}).\n\
             The results produced are in {}; compare with `diff -r`.\n\
             If the change of results is intended, bless them with \
             `VOTELAB_BLESS=1 cargo test --test integration golden` and say why in the commit message.",
            if summary == expected_summary { "same" } else { "differ" },
            if digest == expected_digest { "same" } else { "differ" },
            actual.display()
        );
    }
}

/// The small baseline of the golden cases: 2,500 voters, two elections after 30-day campaigns.
const SMALL_BASELINE: &[&str] =
    &["population.size=2500", "timeline.elections=2", "timeline.campaign_days=30", "replicates=2"];

#[test]
fn baseline_seed_2026() {
    check("baseline-seed-2026", SourceRef::Builtin("baseline".into()), SMALL_BASELINE);
}

#[test]
fn baseline_seed_7() {
    let sets: Vec<&str> = SMALL_BASELINE.iter().copied().chain(["seed=7"]).collect();
    check("baseline-seed-7", SourceRef::Builtin("baseline".into()), &sets);
}

#[test]
fn everything_seed_11() {
    check("everything-seed-11", SourceRef::File(golden_dir().join("everything.ron")), &[]);
}

#[test]
fn everything_seed_12() {
    check("everything-seed-12", SourceRef::File(golden_dir().join("everything.ron")), &["seed=12"]);
}
