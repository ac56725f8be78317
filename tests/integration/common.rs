//! Helpers shared by the integration tests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use votelab::scenario::{self, Limits, Loaded, Override, SourceRef};

/// Run the votelab binary with arguments in a working directory.
pub fn votelab(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_votelab")).current_dir(dir).args(args).output().expect("the binary runs")
}

/// Start `votelab serve` with `args`, `--state STATE` and `extra`, stderr going to `stderr`; its
/// stdout lines arrive on the receiver (read on a thread of their own).
pub fn spawn_serve(args: &[&str], state: &Path, extra: &[&str], stderr: Stdio) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_votelab"))
        .arg("serve")
        .args(args)
        .arg("--state")
        .arg(state)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

/// stderr as text.
/// The files of a results folder, by name, with their bytes (for byte-for-byte comparisons).
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The repository's `scenarios/` folder.
pub fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Load a built-in scenario with `--set`-style overrides.
pub fn builtin(name: &str, sets: &[&str]) -> Loaded {
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).expect("override")).collect();
    let read = |p: &Path| std::fs::read_to_string(p);
    scenario::load(&SourceRef::Builtin(name.into()), &overrides, &read, &Limits::default()).expect("valid scenario")
}

/// The scenario of a loaded file, shared.
pub fn shared(l: &Loaded) -> Arc<votelab::scenario::Scenario> {
    Arc::new(l.scenario.clone())
}

/// A small baseline: 4,000 voters, one election after a 25-day campaign.
pub const SMALL: &[&str] =
    &["population.size=4000", "timeline.elections=1", "timeline.campaign_days=25", "replicates=1"];

/// The built-in baseline at the small size with extra `--set` overrides.
pub fn small_baseline(extra: &[&str]) -> Arc<votelab::scenario::Scenario> {
    let sets: Vec<&str> = SMALL.iter().chain(extra).copied().collect();
    shared(&builtin("baseline", &sets))
}

/// Run replicate `r` of the small baseline with extra overrides.
pub fn run_small(extra: &[&str], r: u32) -> votelab::metrics::MetricsLog {
    votelab::sim::run_replicate_to_end(small_baseline(extra), r)
}

/// The words of a command line: `head`, then `--replicates` and a `--set` per override, then
/// `tail`, in that order.
pub fn command<'a>(head: &[&'a str], replicates: &'a str, sets: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    let mut words = head.to_vec();
    words.extend(["--replicates", replicates]);
    for set in sets {
        words.extend(["--set", set]);
    }
    words.extend_from_slice(tail);
    words
}

/// Flags for a headless Chromium on a machine with a closed network (no background fetches, no
/// GPU, no sandbox for root in CI).
pub const HEADLESS_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
];

/// The Chromium for a browser test, or `None` to skip it with a printed reason. Under CI (the
/// `CI` environment variable is set, as `.ci/run` runs) a missing Chromium fails the test instead,
/// so a browser test can never pass there without running.
pub fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but no Chromium was found: install chromium (.ci/run does) or set VOTELAB_CHROMIUM"
        );
        eprintln!(
            "skipped: no Chromium found (set VOTELAB_CHROMIUM or put chromium, chromium-browser or google-chrome on PATH)"
        );
    }
    found
}

/// A Chromium to test with: `VOTELAB_CHROMIUM`, else the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("VOTELAB_CHROMIUM") {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "VOTELAB_CHROMIUM={} is not a file", path.display());
        return Some(path);
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}
