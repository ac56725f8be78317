//! The command line: bad input gives exit 2 with a located message and writes nothing; a good run
//! writes the results folder.

use super::common::*;
use std::fs;

fn bad_input(scenario_text: &str, extra: &[&str]) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.ron"), scenario_text).unwrap();
    let mut args = vec!["run", "bad.ron", "--quiet", "--out", "out"];
    args.extend_from_slice(extra);
    let o = votelab(dir.path(), &args);
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert!(!dir.path().join("out").exists(), "nothing may be written on bad input");
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "only the scenario file remains: {leftovers:?}");
    (stderr(&o), dir)
}

/// Runs `scenario_text` as [`bad_input`] does and checks that the message holds every one of
/// `needles`.
fn refused_saying(scenario_text: &str, extra: &[&str], needles: &[&str]) {
    let (err, _d) = bad_input(scenario_text, extra);
    for needle in needles {
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn a_typo_in_a_field_name_is_located_and_corrected() {
    refused_saying(
        "Scenario(\n    name: \"x\",\n    netwrok: Network(),\n)\n",
        &[],
        &["bad.ron:3:5", "did you mean `network`?"],
    );
}

#[test]
fn a_wrong_type_names_the_field_and_line() {
    refused_saying("Scenario(\n    name: \"x\",\n    seed: \"forty-two\",\n)\n", &[], &["bad.ron:3:", "`seed`"]);
}

#[test]
fn a_syntax_error_names_the_line() {
    let (err, _d) = bad_input("Scenario(\n    name: \"x\"\n    seed: 3,\n)\n", &[]);
    assert!(err.contains("bad.ron:"), "{err}");
    assert!(err.contains(":3:") || err.contains(":2:"), "{err}");
}

#[test]
fn shares_that_do_not_sum_to_one_are_refused() {
    let text = r#"Scenario(
    name: "x",
    population: Population(cohorts: [
        Cohort(name: "Old", born: (1940, 1980), share: 0.5),
        Cohort(name: "Young", born: (1981, 2005), share: 0.6),
    ]),
)"#;
    refused_saying(text, &[], &["population.cohorts", "sum to 1.1", "bad.ron:3:"]);
}

#[test]
fn an_unknown_cohort_name_gets_a_suggestion() {
    let text = r#"Scenario(
    name: "x",
    regulation: Regulation(
        media_literacy: [Programme(cohorts: ["GenZ"], boost: 0.1, years: (2026, 2030))],
    ),
)"#;
    refused_saying(text, &[], &["regulation.media_literacy[0].cohorts[0]", "did you mean \"Gen Z\"?", "bad.ron:4:"]);
}

#[test]
fn an_absurd_population_is_refused_before_simulating() {
    refused_saying(
        "Scenario(\n    name: \"x\",\n    population: Population(size: 900000000000),\n)\n",
        &[],
        &["population.size", "bad.ron:3:"],
    );
}

#[test]
fn several_problems_are_reported_at_once() {
    let text = "Scenario(\n    name: \"x\",\n    network: Network(homophily: 2.0),\n    influence: Influence(noise: -1.0),\n)\n";
    refused_saying(text, &[], &["network.homophily", "influence.noise", "2 problems found"]);
}

#[test]
fn a_bad_set_value_is_located_in_the_flag() {
    refused_saying(
        "Scenario(name: \"x\")",
        &["--set", "regulation.takedown_hour=Some(1.0)"],
        &["--set regulation.takedown_hour", "did you mean `takedown_hours`?"],
    );
}

#[test]
fn a_missing_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let o = votelab(dir.path(), &["run", "nowhere.ron", "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read scenario file"), "{}", stderr(&o));
}

#[test]
fn check_accepts_every_library_scenario_and_prints_the_resolved_one() {
    let dir = scenarios_dir();
    let o = votelab(&dir, &["check", "baseline.ron", "--print"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Scenario("), "{}", stdout(&o));
    // Units and ranges as comments, and the printed text is a scenario that checks.
    let printed = stdout(&o);
    let saturation = printed.lines().find(|l| l.trim_start().starts_with("saturation:")).unwrap_or_default();
    assert!(saturation.contains(" // ") && saturation.contains("range [1, 100]"), "{saturation}");
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("printed.ron"), &printed).unwrap();
    let o = votelab(tmp.path(), &["check", "printed.ron"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Split a command line as a POSIX shell would, refusing what the shell would not take as plain
/// words (unquoted parentheses, brackets, braces, `;`, `&`, `|`, `<`, `>`, `$`, backquotes).
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let (mut words, mut word, mut in_word) = (Vec::new(), String::new(), false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("unclosed '".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => word.extend(chars.next()),
                        Some('$' | '`') => return Err("$ or ` inside double quotes".into()),
                        Some(c) => word.push(c),
                        None => return Err("unclosed \"".into()),
                    }
                }
            }
            '(' | ')' | '[' | ']' | '{' | '}' | ';' | '&' | '|' | '<' | '>' | '$' | '`' | '\\' => {
                return Err(format!("unquoted {c}"));
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[test]
fn help_examples_paste_into_a_shell() {
    use clap::Parser;
    let mut examples = Vec::new();
    for command in
        ["run", "compare", "sweep", "robustness", "merge", "report", "check", "scenarios", "serve", "validate"]
    {
        let o = votelab(std::path::Path::new("."), &[command, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{command} --help: {}", stderr(&o));
        examples.extend(stdout(&o).lines().filter_map(|l| l.trim().strip_prefix("Example: ").map(str::to_string)));
    }
    assert!(examples.len() >= 10, "{examples:?}");
    for example in examples {
        let words = shell_words(&example).unwrap_or_else(|e| panic!("`{example}` does not paste into a shell: {e}"));
        assert_eq!(words[0], "votelab", "{example}");
        if let Err(e) = votelab::cli::Cli::try_parse_from(&words) {
            panic!("`{example}` does not parse: {e}");
        }
    }
    assert!(shell_words("votelab run --set regulation.takedown_hours=Some(24.0)").is_err());
    assert_eq!(shell_words("a 'b c' \"d\"").unwrap(), ["a", "b c", "d"]);
}

#[test]
fn scenarios_lists_the_builtins() {
    let o = votelab(std::path::Path::new("."), &["scenarios"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("baseline"));
}

#[test]
fn a_run_writes_the_results_folder_and_prints_turnout_by_cohort() {
    let dir = tempfile::tempdir().unwrap();
    let sets = ["population.size=2000", "timeline.elections=2"];
    let o = votelab(dir.path(), &command(&["run", "baseline"], "2", &sets, &["--quiet", "--out", "res"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Gen Z") && out.contains("election 2"), "{out}");
    for f in ["summary.json", "timeseries.csv", "elections.csv", "scenario.ron", ".votelab-results"] {
        assert!(dir.path().join("res").join(f).exists(), "{f} missing");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("res/summary.json")).unwrap()).unwrap();
    let turnout = &summary["elections"][0]["turnout"];
    assert_eq!(turnout["n"], 2);
    let mean = turnout["mean"].as_f64().unwrap();
    assert!((0.3..0.9).contains(&mean), "{mean}");
    assert!(summary["elections"][1]["turnout_by_cohort"]["Gen Z"]["ci95"].is_array());
}

#[test]
fn a_foreign_output_folder_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("mine")).unwrap();
    fs::write(dir.path().join("mine/thesis.txt"), "precious").unwrap();
    let o =
        votelab(dir.path(), &["run", "--set", "population.size=500", "--replicates", "1", "--quiet", "--out", "mine"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(dir.path().join("mine/thesis.txt")).unwrap(), "precious");
}

/// A tiny run's arguments with `tail` after them.
fn tiny_run<'a>(tail: &[&'a str]) -> Vec<&'a str> {
    let head = ["run", "--set", "population.size=500", "--set", "timeline.elections=1", "--replicates", "1", "--quiet"];
    head.iter().chain(tail).copied().collect()
}

#[test]
fn default_folders_never_replace_earlier_results() {
    let dir = tempfile::tempdir().unwrap();
    for expected in ["results/baseline", "results/baseline-2", "results/baseline-3"] {
        let o = votelab(dir.path(), &tiny_run(&[]));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains(&format!("Results written to {expected}")), "{}", stdout(&o));
        assert!(dir.path().join(expected).join("summary.json").exists(), "{expected}");
    }
    assert!(dir.path().join("results/baseline/summary.json").exists(), "the first results are kept");
}

#[test]
fn an_existing_results_folder_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let o = votelab(dir.path(), &tiny_run(&["--out", "r"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = fs::read(dir.path().join("r/summary.json")).unwrap();
    let o = votelab(dir.path(), &tiny_run(&["--out", "r", "--seed", "9"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("already holds votelab results") && stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(fs::read(dir.path().join("r/summary.json")).unwrap(), first, "untouched without --force");
    let o = votelab(dir.path(), &tiny_run(&["--out", "r", "--seed", "9", "--force"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(fs::read(dir.path().join("r/summary.json")).unwrap(), first, "replaced with --force");
}

#[test]
fn two_different_comparisons_keep_both_results() {
    let dir = tempfile::tempdir().unwrap();
    let small = ["--set", "population.size=500", "--set", "timeline.elections=1", "--replicates", "1", "--quiet"];
    for (others, folder) in [
        (["netzdg-24h", "takedown-1h"], "results/compare-baseline-vs-2-scenarios"),
        (["microtargeting-ban", "data-broker-ban"], "results/compare-baseline-vs-2-scenarios-2"),
    ] {
        let args: Vec<&str> = ["compare", "baseline"].iter().chain(&others).chain(&small).copied().collect();
        let o = votelab(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains(&format!("Results written to {folder}")), "{}", stdout(&o));
        for name in others {
            assert!(dir.path().join(folder).join(name).join("summary.json").exists(), "{folder}/{name}");
        }
    }
}

#[test]
fn json_output_is_the_summary_alone_and_stderr_says_where_the_results_are() {
    let dir = tempfile::tempdir().unwrap();
    let o = votelab(dir.path(), &tiny_run(&["--json", "--out", "r"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("stdout is JSON alone");
    assert!(summary["elections"][0]["turnout"]["mean"].is_number(), "{summary}");
    assert!(stderr(&o).contains("Results written to r"), "{}", stderr(&o));
    let o = votelab(dir.path(), &tiny_run(&["--json", "--voters", "700", "--out", "v"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["population"], 700, "--voters sets population.size");
}

#[test]
fn overrides_appear_in_the_table_headers_the_files_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "compare",
        "baseline",
        "microtargeting-ban",
        "--set",
        "population.size=500",
        "--set",
        "timeline.elections=1",
        "--set",
        "regulation.detection_lag_hours=2.0",
        "--set-scenario",
        "regulation.takedown_hours=Some(24.0)",
        "--replicates",
        "1",
        "--quiet",
        "--out",
        "c",
    ];
    let o = votelab(dir.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // --set applies to the reference too, --set-scenario only to the compared scenario.
    let reference = "baseline [timeline.elections=1, regulation.detection_lag_hours=2.0]";
    let compared = "microtargeting-ban [timeline.elections=1, regulation.detection_lag_hours=2.0, \
                    regulation.takedown_hours=Some(24.0)]";
    assert!(out.contains(&format!("Comparison against {reference} —")), "{out}");
    assert!(out.lines().any(|l| l.starts_with(reference)), "the reference's row is labelled: {out}");
    assert!(out.lines().any(|l| l.starts_with(compared)), "the compared row is labelled: {out}");
    let comparison: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("c/comparison.json")).unwrap()).unwrap();
    assert_eq!(
        comparison["scenarios"][0]["overrides"],
        serde_json::json!(["timeline.elections=1", "regulation.detection_lag_hours=2.0"])
    );
    assert_eq!(comparison["scenarios"][1]["overrides"][2], "regulation.takedown_hours=Some(24.0)");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("c/microtargeting-ban/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["overrides"].as_array().map(Vec::len), Some(3), "{summary}");
    let report = fs::read_to_string(dir.path().join("c/report.html")).unwrap();
    assert!(report.contains("regulation.takedown_hours=Some(24.0)"), "the report's header lists the overrides");

    let o = votelab(dir.path(), &tiny_run(&["--set", "regulation.takedown_hours=Some(1.0)", "--out", "r"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("baseline [timeline.elections=1, regulation.takedown_hours=Some(1.0)] — 500 voters"),
        "{}",
        stdout(&o)
    );
    let summary = fs::read_to_string(dir.path().join("r/summary.json")).unwrap();
    assert!(summary.contains("\"regulation.takedown_hours=Some(1.0)\""), "{summary}");
}
