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

/// Start a run that takes several seconds over an earlier results folder `out` (with `--force`, so
/// it would replace it on success), send `signal`
/// after 1.5 s and return (exit code, stderr, how long it took to stop, the folder).
fn interrupt_a_run(signal: &str) -> (Option<i32>, String, Duration, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let earlier = dir.path().join("out");
    fs::create_dir(&earlier).unwrap();
    fs::write(earlier.join(".votelab-results"), "earlier\n").unwrap();
    fs::write(earlier.join("summary.json"), "{\"earlier\": true}\n").unwrap();
    let before = contents(&earlier);

    let child = Command::new(env!("CARGO_BIN_EXE_votelab"))
        .current_dir(dir.path())
        .args([
            "run",
            "baseline",
            "--set",
            "population.size=60000",
            "--replicates",
            "4",
            "--quiet",
            "--out",
            "out",
            "--force",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Instant::now();
    let kill = Command::new("kill").args([signal, &child.id().to_string()]).status().expect("kill runs");
    assert!(kill.success());
    let output = child.wait_with_output().expect("the run ends");
    let took = sent.elapsed();

    assert_eq!(contents(&earlier), before, "the earlier results folder must be untouched");
    let names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["out".to_string()], "no temporary folder may remain");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned(), took, dir)
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
