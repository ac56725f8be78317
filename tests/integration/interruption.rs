//! Interruption: Ctrl-C (SIGINT) or SIGTERM during a run stops it promptly, says how far it got,
//! exits with 128 + the signal, leaves an earlier results folder untouched and no temporary
//! folder behind.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file under `dir` with its contents, sorted by path.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.strip_prefix(dir).unwrap().display().to_string(), fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A run of the baseline that takes several seconds, with `extra` arguments.
const SLOW_RUN: [&str; 7] = ["run", "baseline", "--set", "population.size=60000", "--replicates", "4", "--quiet"];

/// Start a slow run in `dir` with `extra` arguments, send `signal` after 1.5 s and return its output
/// and how long it took to stop.
fn interrupt(dir: &Path, extra: &[&str], signal: &str) -> (std::process::Output, Duration) {
    let child = Command::new(env!("CARGO_BIN_EXE_votelab"))
        .current_dir(dir)
        .args(SLOW_RUN.iter().chain(extra))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Instant::now();
    let kill = Command::new("kill").args([signal, &child.id().to_string()]).status().expect("kill runs");
    assert!(kill.success());
    let output = child.wait_with_output().expect("the run ends");
    (output, sent.elapsed())
}

/// The names in `dir`.
fn names(dir: &Path) -> Vec<String> {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// Start a slow run over an earlier results folder `out` (with `--force`, so it would replace it on
/// success), send `signal` after 1.5 s and return (exit code, stderr, how long it took to stop,
/// the folder).
fn interrupt_a_run(signal: &str) -> (Option<i32>, String, Duration, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let earlier = dir.path().join("out");
    fs::create_dir(&earlier).unwrap();
    fs::write(earlier.join(".votelab-results"), "earlier\n").unwrap();
    fs::write(earlier.join("summary.json"), "{\"earlier\": true}\n").unwrap();
    let before = contents(&earlier);

    let (output, took) = interrupt(dir.path(), &["--out", "out", "--force"], signal);

    assert_eq!(contents(&earlier), before, "the earlier results folder must be untouched");
    assert_eq!(names(dir.path()), vec!["out".to_string()], "no temporary folder may remain");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned(), took, dir)
}

#[test]
fn an_interrupted_run_into_the_default_folder_leaves_no_empty_results_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (output, _) = interrupt(dir.path(), &[], "-INT");
    assert_eq!(output.status.code(), Some(130), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(names(dir.path()).is_empty(), "left behind: {:?}", names(dir.path()));
}

#[test]
fn ctrl_c_stops_a_run_and_writes_nothing() {
    let (code, err, took, _dir) = interrupt_a_run("-INT");
    assert_eq!(code, Some(130), "stderr: {err}");
    assert!(err.contains("interrupted by Ctrl-C (SIGINT) after "), "{err}");
    assert!(err.contains("% (") && err.contains("of 4 replicates finished); nothing was written"), "{err}");
    assert!(took < Duration::from_secs(10), "stopping took {took:?}");
}

#[test]
fn sigterm_stops_a_run_and_writes_nothing() {
    let (code, err, _took, _dir) = interrupt_a_run("-TERM");
    assert_eq!(code, Some(143), "stderr: {err}");
    assert!(err.contains("interrupted by SIGTERM after "), "{err}");
}
