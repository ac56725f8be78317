//! The validation suite's files and page: every scenario file of `scenarios/validation/` runs and
//! is compiled into the suite, docs/VALIDATION.md lists exactly the suite's targets (names, kinds,
//! bands), and `validate --doc` refuses a page without its markers.

use super::common::*;
use std::path::Path;
use votelab::validation::{self, Kind, markdown};

fn validation_dir() -> std::path::PathBuf {
    scenarios_dir().join("validation")
}

#[test]
fn every_validation_scenario_file_runs_and_is_compiled_into_the_suite() {
    let dir = validation_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|f| f.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    let mut stems: Vec<String> = files.iter().map(|f| f.file_stem().unwrap().to_string_lossy().into_owned()).collect();
    stems.sort();
    let mut compiled: Vec<String> = validation::SCENARIOS.iter().map(|(n, _)| n.to_string()).collect();
    compiled.sort();
    assert_eq!(stems, compiled, "scenarios/validation/*.ron and validation::SCENARIOS differ");
    for file in &files {
        let out = tempfile::tempdir().unwrap();
        let sets = ["population.size=1500", "timeline.campaign_days=20"];
        let results = out.path().join("r");
        let tail = ["--quiet", "--out", results.to_str().unwrap()];
        let o = votelab(&dir, &command(&["run", file.to_str().unwrap()], "1", &sets, &tail));
        assert_eq!(o.status.code(), Some(0), "{}: {}", file.display(), stderr(&o));
    }
    for (name, text) in validation::SCENARIOS {
        let on_disk = std::fs::read_to_string(dir.join(format!("{name}.ron"))).unwrap();
        assert_eq!(&on_disk, text, "{name}.ron");
    }
}

#[test]
fn the_validation_page_lists_exactly_the_suites_targets() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/VALIDATION.md");
    let doc = std::fs::read_to_string(&page).unwrap();
    let listed = markdown::doc_listing(&doc).expect("docs/VALIDATION.md has its generated block");
    let declared = markdown::listing(&validation::targets());
    assert_eq!(
        listed, declared,
        "docs/VALIDATION.md is stale: regenerate it with `votelab validate --markdown --doc docs/VALIDATION.md`"
    );
}

#[test]
fn the_suite_has_at_least_as_many_reproductions_as_mechanism_checks_and_unique_names() {
    let targets = validation::targets();
    let reproductions = targets.iter().filter(|t| t.kind == Kind::Reproduction).count();
    assert!(reproductions * 2 >= targets.len(), "{reproductions} reproductions of {}", targets.len());
    let mut names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "target names are unique");
}

#[test]
fn validate_refuses_a_page_without_markers_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.md");
    std::fs::write(&page, "no markers here\n").unwrap();
    let o = votelab(dir.path(), &["validate", "--quick", "--markdown", "--doc", page.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("BEGIN votelab validate"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "no markers here\n");
    let o = votelab(dir.path(), &["validate", "--quick", "--only", "nonesuch"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("opinion"), "lists the families: {}", stderr(&o));
}
