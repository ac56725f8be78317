//! Fuzzing the scenario loader: arbitrary bytes and text, truncations and random mutations (byte
//! flips, deleted and duplicated spans) of every scenario in `scenarios/` (the corpus seeds), and
//! random `--set` / `--vary` texts. Loading must never panic, and every rejection must carry at
//! least one problem with a message. Bounded to 256 cases per property so it runs in seconds;
//! `VOTELAB_FUZZ_CASES=20000 cargo test --test integration fuzz` fuzzes longer.

use super::common::scenarios_dir;
use proptest::prelude::*;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use votelab::scenario::tree;
use votelab::scenario::{self, Limits, Loaded, Override, ScenarioError, SourceRef};

/// The corpus: every scenario file, by its path relative to the repository.
fn corpus() -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = fs::read_dir(scenarios_dir())
        .expect("scenarios/ exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            let text = fs::read_to_string(&p).expect("readable");
            (Path::new("scenarios").join(p.file_name().expect("name")), text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the corpus holds the scenario library");
    files
}

/// Cases per property: 256, or `VOTELAB_FUZZ_CASES` for a longer fuzz run.
fn cases() -> u32 {
    std::env::var("VOTELAB_FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)
}

/// Limits that exercise the memory estimate with whatever sizes the mutations produce.
fn limits() -> Limits {
    Limits { memory_bytes: Some(8_000_000_000), concurrent_worlds: 2 }
}

/// Every rejection names at least one problem, each with a message, and renders as text.
fn check(result: Result<Loaded, ScenarioError>) {
    if let Err(e) = result {
        assert!(!e.problems.is_empty(), "an error without problems");
        for p in &e.problems {
            assert!(!p.message.trim().is_empty(), "a problem without a message: {p:?}");
        }
        assert!(!e.to_string().is_empty());
    }
}

/// Load `path` from the corpus with `text` in place of its contents.
fn load_with(files: &HashMap<PathBuf, String>, path: &Path, text: &str, overrides: &[Override]) {
    let read = |p: &Path| {
        if p == path {
            Ok(text.to_string())
        } else {
            files.get(p).cloned().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
        }
    };
    check(scenario::load(&SourceRef::File(path.to_path_buf()), overrides, &read, &limits()));
}

#[derive(Clone, Debug)]
enum Mutation {
    /// XOR the byte at a position with a mask.
    Flip(f64, u8),
    /// Delete a span.
    Delete(f64, usize),
    /// Duplicate a span in place.
    Duplicate(f64, usize),
    /// Cut the text here.
    Truncate(f64),
    /// Insert a fragment of scenario syntax.
    Insert(f64, &'static str),
}

/// Fragments that push the parser and validator into interesting corners.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "//",
    "/*",
    "*/",
    "#![enable(implicit_some)]",
    "Some(",
    "None",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "-1",
    "0",
    "18446744073709551616",
    "4294967296",
    "0x1F",
    "r#\"",
    "'a'",
    "b\"x\"",
    "extends: Some(\"baseline.ron\"),",
    "extends: Some(\"netzdg-24h.ron\"),",
    "extends: Some(\"missing.ron\"),",
    "population: Population(size: 100000000000),",
    "name: \"\",",
    "share: 0.7,",
    "Cohort(name: \"X\"),",
    "\u{feff}",
    "é",
    "\0",
    "\r\n",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), 1..=255u8).prop_map(|(a, m)| Mutation::Flip(a, m)),
        (at.clone(), 1..64usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (at.clone(), 1..64usize).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        at.clone().prop_map(Mutation::Truncate),
        (at, prop::sample::select(FRAGMENTS)).prop_map(|(a, f)| Mutation::Insert(a, f)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let pos = |a: f64, len: usize| ((a * len as f64) as usize).min(len);
    match *m {
        Mutation::Flip(a, mask) => {
            if !bytes.is_empty() {
                let i = pos(a, bytes.len() - 1);
                bytes[i] ^= mask;
            }
        }
        Mutation::Delete(a, n) => {
            let i = pos(a, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Duplicate(a, n) => {
            let i = pos(a, bytes.len());
            let end = (i + n).min(bytes.len());
            let span = bytes[i..end].to_vec();
            bytes.splice(end..end, span);
        }
        Mutation::Truncate(a) => bytes.truncate(pos(a, bytes.len())),
        Mutation::Insert(a, f) => {
            let i = pos(a, bytes.len());
            bytes.splice(i..i, f.bytes());
        }
    }
}

/// Field paths to aim `--set` and `--vary` at: real ones, near misses and malformed ones.
const PATHS: &[&str] = &[
    "population.size",
    "population.cohorts[0].share",
    "population.cohorts[9].share",
    "population.cohorts",
    "parties[0].campaign.cohort_focus[\"Gen Z\"]",
    "parties[1].budget",
    "network.homophily",
    "network.mean_degree",
    "effects.saturation",
    "regulation.takedown_hours",
    "regulation.microtargeting",
    "timeline.campaign_days",
    "timeline.elections",
    "bots.share",
    "influence.rule",
    "replicates",
    "seed",
    "name",
    "extends",
    "netwrok",
    "population..size",
    "population.cohorts[",
    "population.cohorts[-1]",
    "[0]",
    ".",
    "a.b.c.d.e.f",
    "parties[\"x\"]",
    "r#type",
];

/// Values: the fragments, numbers, and short random text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        any::<f64>().prop_map(|x| x.to_string()),
        any::<i64>().prop_map(|x| x.to_string()),
        "[ -~]{0,40}",
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..8).prop_map(|v| v.concat()),
    ]
}

/// A `--set` / `--vary` argument: mostly PATH=VALUE, sometimes anything.
fn assignment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop::sample::select(PATHS), value()).prop_map(|(p, v)| format!("{p}={v}")),
        1 => "[ -~]{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let files: HashMap<PathBuf, String> = corpus().into_iter().collect();
        load_with(&files, Path::new("fuzz.ron"), &String::from_utf8_lossy(&bytes), &[]);
    }

    #[test]
    fn fragments_of_scenario_syntax_never_panic(parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40)) {
        let files: HashMap<PathBuf, String> = corpus().into_iter().collect();
        let text = format!("Scenario(name: \"f\", {})", parts.concat());
        load_with(&files, Path::new("fuzz.ron"), &text, &[]);
        load_with(&files, Path::new("fuzz.ron"), &parts.concat(), &[]);
    }

    #[test]
    fn mutated_scenarios_never_panic(file in any::<prop::sample::Index>(), mutations in prop::collection::vec(mutation(), 1..6)) {
        let corpus = corpus();
        let (path, text) = &corpus[file.index(corpus.len())];
        let mut bytes = text.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let files: HashMap<PathBuf, String> = corpus.iter().cloned().collect();
        load_with(&files, path, &String::from_utf8_lossy(&bytes), &[]);
    }

    #[test]
    fn set_and_vary_texts_never_panic(sets in prop::collection::vec(assignment(), 1..4), vary in assignment()) {
        let files: HashMap<PathBuf, String> = corpus().into_iter().collect();
        let mut overrides = Vec::new();
        for s in &sets {
            match Override::parse(s) {
                Ok(o) => overrides.push(o),
                Err(e) => check(Err(e)),
            }
        }
        load_with(&files, Path::new("scenarios/netzdg-24h.ron"), &files[Path::new("scenarios/netzdg-24h.ron")].clone(), &overrides);
        // `--vary PATH=[v1, ...]`: the list is parsed as a RON tree, then each value is a `--set`.
        if let Some((path, list)) = tree::split_assignment(&vary) {
            let _ = tree::parse_path(path.trim());
            if let Ok(doc) = tree::parse(list.trim(), "--vary") {
                let items = match doc.root.kind {
                    tree::NodeKind::List(items) => items,
                    other => vec![tree::Node::new(other, doc.root.origin)],
                };
                for item in items.into_iter().take(3) {
                    let value = tree::render(&tree::Document { extensions: Vec::new(), root: item }).0.trim().to_string();
                    let o = Override { path: path.trim().to_string(), value };
                    let read = |p: &Path| files.get(p).cloned().ok_or_else(|| std::io::Error::other("no such file"));
                    check(scenario::load(&SourceRef::Builtin("baseline".into()), &[o], &read, &limits()));
                }
            }
        }
    }
}

/// Every file of the corpus loads as it is (the seeds are valid).
#[test]
fn the_corpus_seeds_load() {
    let corpus = corpus();
    let files: HashMap<PathBuf, String> = corpus.iter().cloned().collect();
    for (path, _) in &corpus {
        let read = |p: &Path| files.get(p).cloned().ok_or_else(|| std::io::Error::other("no such file"));
        if let Err(e) = scenario::load(&SourceRef::File(path.clone()), &[], &read, &limits()) {
            panic!("{}: {e}", path.display());
        }
    }
}
