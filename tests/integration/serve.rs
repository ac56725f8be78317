//! Workshop mode (`votelab serve`) end to end: the binary on an ephemeral loopback port, its JSON
//! API (scenarios, a tiny job to completion, downloads, reproducibility), its answers to bad and
//! oversized requests (4xx with a message, never a crash), the bounded pool (429), a clean stop on
//! SIGTERM, and the page in headless Chromium (a lever changed, a run, the charts drawn).

use super::common::{HEADLESS_FLAGS, chromium_or_skip, spawn_serve};
use serde_json::{Value, json};
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `votelab serve` process on a free loopback port, killed when dropped.
struct Server {
    child: Child,
    url: String,
    agent: ureq::Agent,
    _state: tempfile::TempDir,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let state = tempfile::tempdir().expect("a state folder");
        let (child, rx) = spawn_serve(&["--port", "0", "--threads", "2"], state.path(), extra, Stdio::piped());
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("the server prints its URL");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Server { child, url, agent, _state: state }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut response = self.agent.get(format!("{}{path}", self.url)).call().expect("the server answers");
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap_or_default())
    }

    fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let mut response = self.agent.get(format!("{}{path}", self.url)).call().expect("the server answers");
        let status = response.status().as_u16();
        (status, response.body_mut().with_config().limit(50_000_000).read_to_vec().unwrap_or_default())
    }

    fn json(&self, path: &str) -> (u16, Value) {
        let (status, text) = self.get(path);
        (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}")))
    }

    fn post(&self, path: &str, body: &str) -> (u16, Value) {
        let mut response = self
            .agent
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .send(body)
            .expect("the server answers");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("POST {path}: not JSON ({e}): {text}")))
    }

    fn delete(&self, path: &str) -> (u16, Value) {
        let mut response = self.agent.delete(format!("{}{path}", self.url)).call().expect("the server answers");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Poll a job until it has finished (or `limit` passes) and return its last status.
    fn wait(&self, job: u64, limit: Duration) -> Value {
        let start = Instant::now();
        loop {
            let (status, doc) = self.json(&format!("/api/jobs/{job}?wait_ms=2000"));
            assert_eq!(status, 200, "{doc}");
            if matches!(doc["status"].as_str(), Some("done" | "failed" | "cancelled")) {
                return doc;
            }
            assert!(start.elapsed() < limit, "job {job} did not finish in {limit:?}: {doc}");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny job: one short election at a few thousand voters.
fn tiny(scenario: &str, set: &[&str], seed: u64) -> String {
    let mut sets: Vec<&str> = set.to_vec();
    sets.extend(["timeline.elections=1", "timeline.campaign_days=12"]);
    json!({"scenario": scenario, "set": sets, "population": 3000, "replicates": 2, "seed": seed}).to_string()
}

#[test]
fn the_api_lists_the_builtin_scenarios_and_their_levers() {
    let server = Server::start(&[]);
    let (status, doc) = server.json("/api/scenarios");
    assert_eq!(status, 200);
    let scenarios = doc["scenarios"].as_array().expect("a list");
    let names: Vec<&str> = scenarios.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names.len(), votelab::scenario::builtin::names().count());
    assert_eq!(names[0], "baseline");
    assert!(names.contains(&"netzdg-24h"));
    assert!(scenarios.iter().all(|s| s["description"].as_str().is_some_and(|d| d.len() > 20)), "{doc}");
    assert_eq!(doc["limits"]["max_population"], 200_000);

    let (status, detail) = server.json("/api/scenarios/netzdg-24h");
    assert_eq!(status, 200);
    let lever = detail["levers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["path"] == "regulation.takedown_hours")
        .expect("the takedown lever");
    assert_eq!(lever["ron"], "Some(24.0)");
    assert_eq!(lever["control"]["kind"], "optional");
    assert_eq!(lever["control"]["inner"]["max"], 100000.0);

    let (status, doc) = server.json("/api/scenarios/netzdg");
    assert_eq!(status, 404, "{doc}");
    assert!(doc["error"].as_str().unwrap().contains("no built-in scenario"), "{doc}");
}

#[test]
fn the_api_serves_the_metric_catalogue() {
    let server = Server::start(&[]);
    let (status, doc) = server.json("/api/metrics");
    assert_eq!(status, 200, "{doc}");
    let metrics = doc["metrics"].as_array().expect("a list");
    assert_eq!(metrics.len(), votelab::metrics::catalogue::CATALOGUE.len());
    let turnout = metrics.iter().find(|m| m["id"] == "turnout").expect("turnout");
    assert_eq!(turnout["path"], "turnout");
    assert_eq!(turnout["kind"], "share");
    assert_eq!(turnout["range"], serde_json::json!([0.0, 1.0]));
    assert_eq!(turnout["headline"]["order"], 1);
    let like_minded = metrics.iter().find(|m| m["path"] == "feed.like_minded_share").expect("like-minded share");
    assert_eq!(like_minded["kind"], "share");
    let cohort = metrics.iter().find(|m| m["path"] == "turnout_by_cohort.{cohort}").expect("turnout by cohort");
    assert_eq!(cohort["each"], "Turnout of {cohort}");
    let spend = metrics.iter().find(|m| m["id"] == "ad-spend").expect("spend");
    assert_eq!(spend["range"][1], Value::Null, "an open range ends in null");
}

#[test]
fn a_tiny_job_runs_to_completion_reproducibly_and_its_files_download() {
    let server = Server::start(&[]);
    let request = tiny("netzdg-24h", &["regulation.takedown_hours=Some(1.0)"], 11);
    let (status, accepted) = server.post("/api/run", &request);
    assert_eq!(status, 202, "{accepted}");
    let job = accepted["job"].as_u64().expect("a job id");

    // The exact scenario is known as soon as the job is accepted.
    let (status, ron) = server.get(&format!("/api/jobs/{job}/scenario.ron"));
    assert_eq!(status, 200);
    assert!(ron.contains("takedown_hours: Some(1.0)") && ron.contains("seed: 11"), "{ron}");
    let read = |_: &Path| Ok(ron.clone());
    let rerun = votelab::scenario::load(
        &votelab::scenario::SourceRef::File("netzdg-24h.ron".into()),
        &[],
        &read,
        &Default::default(),
    )
    .expect("the downloaded scenario loads");
    assert_eq!(rerun.scenario.population.size, 3000);

    let done = server.wait(job, Duration::from_secs(300));
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["progress"], 1.0);
    assert_eq!((done["seed"].as_u64(), done["replicates"].as_u64()), (Some(11), Some(2)));
    let summary = &done["summary"];
    assert_eq!((summary["seed"].as_u64(), summary["population"].as_u64()), (Some(11), Some(3000)));
    assert!(summary["elections"][0]["turnout"]["mean"].as_f64().is_some_and(|t| t > 0.3 && t < 0.9), "{summary}");
    let comparison = &done["comparison"];
    assert_eq!(comparison["reference"], "baseline");
    assert_eq!(comparison["scenarios"][1]["name"], "netzdg-24h");
    let exposure = &comparison["scenarios"][1]["elections"][0]["misinformation"]["exposures_per_capita"];
    assert!(exposure["diff_vs_reference"]["mean"].as_f64().unwrap() < 0.0, "a 1 h takedown cuts exposure: {exposure}");

    let (status, zip_bytes) = server.get_bytes(&format!("/api/jobs/{job}/results.zip"));
    assert_eq!(status, 200);
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes.clone())).expect("a zip file");
    let mut names: Vec<String> = archive.file_names().filter_map(|n| n.ok().map(|n| n.to_string())).collect();
    names.sort();
    let folder = "compare-baseline-vs-netzdg-24h";
    for expected in [
        "comparison.json",
        "report.html",
        "baseline/summary.json",
        "baseline/timeseries.csv",
        "baseline/elections.csv",
        "baseline/scenario.ron",
        "netzdg-24h/summary.json",
        "netzdg-24h/scenario.ron",
    ] {
        assert!(names.contains(&format!("{folder}/{expected}")), "{expected} missing from {names:?}");
    }
    let mut text = String::new();
    archive.by_name(&format!("{folder}/comparison.json")).unwrap().read_to_string(&mut text).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), *comparison, "the zip holds what the API showed");

    let (status, charts) = server.json(&format!("/api/jobs/{job}/charts"));
    assert_eq!(status, 200);
    let ids: Vec<&str> = charts["charts"].as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
    assert!(ids.contains(&"forest-turnout"), "{ids:?}");
    let (status, html) = server.get(&format!("/api/jobs/{job}/report.html"));
    assert_eq!(status, 200);
    assert!(html.contains("<svg"));

    // The same request gives the same numbers.
    let (_, again) = server.post("/api/run", &request);
    let again_id = again["job"].as_u64().unwrap();
    let again = server.wait(again_id, Duration::from_secs(300));
    assert_eq!(again["comparison"], *comparison);
    assert_eq!(again["summary"], *summary);
    let (_, zip_again) = server.get_bytes(&format!("/api/jobs/{again_id}/results.zip"));
    assert!(zip_again == zip_bytes, "the same request gives the same zip");

    // A finished job cannot be cancelled.
    assert_eq!(server.delete(&format!("/api/jobs/{job}")).0, 409);
}

/// Assert an error answer: the status and a message containing `needle`.
fn refused(answer: (u16, Value), status: u16, needle: &str) -> Value {
    let (got, doc) = answer;
    assert_eq!(got, status, "{doc}");
    let message = doc["error"].as_str().unwrap_or_else(|| panic!("no message: {doc}"));
    assert!(message.contains(needle), "{message:?} should mention {needle:?}");
    doc
}

#[test]
fn bad_requests_get_a_4xx_with_a_message_and_never_a_crash() {
    let server = Server::start(&["--max-population", "50000"]);
    refused(server.post("/api/run", "{\"scenario\": "), 400, "not valid JSON");
    refused(server.post("/api/run", ""), 400, "empty");
    refused(server.post("/api/run", "[1, 2]"), 422, "does not fit");
    refused(server.post("/api/run", r#"{"scenarion": "baseline"}"#), 422, "unknown field `scenarion`");
    refused(server.post("/api/run", r#"{"scenario": "baseline", "population": -5}"#), 422, "does not fit");
    refused(server.post("/api/run", r#"{"set": []}"#), 422, "give `scenario`");
    refused(server.post("/api/run", r#"{"scenario": "baseline", "ron": "Scenario(name: \"x\")"}"#), 422, "not both");

    // Bad RON: located like on the command line.
    let ron = "Scenario(\n    name: \"mine\",\n    netwrok: Network(),\n)\n";
    let body = json!({"ron": ron, "filename": "mine.ron"}).to_string();
    let doc = refused(server.post("/api/run", &body), 422, "netwrok");
    let p = &doc["problems"][0];
    assert_eq!((p["source"].as_str(), p["line"].as_u64(), p["column"].as_u64()), (Some("mine.ron"), Some(3), Some(5)));
    assert_eq!(p["path"], "netwrok");
    assert!(p["expected"].as_str().unwrap().contains("`network`"), "{p}");
    assert_eq!(p["help"], "did you mean `network`?");
    assert_eq!(p["snippet"], "    netwrok: Network(),");
    assert!(doc["text"].as_str().unwrap().contains("mine.ron:3:5"), "{doc}");

    let syntax = json!({"ron": "Scenario(\n    name: \"x\"\n    seed: 3,\n)"}).to_string();
    let doc = refused(server.post("/api/check", &syntax), 422, "scenario.ron");
    assert!(doc["problems"][0]["line"].as_u64().is_some(), "{doc}");

    let range = json!({"scenario": "baseline", "set": ["network.homophily=1.5", "regulation.takedown_hour=Some(1.0)"]});
    let doc = refused(server.post("/api/run", &range.to_string()), 422, "");
    let paths: Vec<&str> = doc["problems"].as_array().unwrap().iter().filter_map(|p| p["path"].as_str()).collect();
    assert!(paths.contains(&"network.homophily") || paths.contains(&"regulation.takedown_hour"), "{doc}");

    // Limits: body size, population (in the request and in the file), replicates.
    let big = json!({"ron": "x".repeat(300 * 1024)}).to_string();
    refused(server.post("/api/run", &big), 413, "larger than");
    let doc = refused(server.post("/api/run", r#"{"scenario": "baseline", "population": 60000}"#), 422, "60000 voters");
    assert_eq!(doc["problems"][0]["path"], "population");
    let file = json!({"ron": "Scenario(\n    name: \"big\",\n    population: Population(size: 90000),\n)"}).to_string();
    let doc = refused(server.post("/api/run", &file), 422, "90000 voters");
    assert_eq!(doc["problems"][0]["line"], 3);
    refused(server.post("/api/run", r#"{"scenario": "baseline", "replicates": 5000}"#), 422, "5000 replicates");

    // Unknown jobs and routes.
    refused(server.json("/api/jobs/999"), 404, "no job 999");
    refused(server.json("/api/jobs/abc/results.zip"), 404, "no job abc");
    refused(server.json("/api/jobs/1/scenario.ron"), 404, "no job 1");
    refused(server.json("/api/nothing"), 404, "no such page");
    refused(server.delete("/api/jobs/5"), 404, "no job 5");
    refused(server.post("/api/scenarios", "{}"), 405, "method");

    // Still alive and well.
    assert_eq!(server.json("/api/scenarios").0, 200);
}

#[test]
fn more_jobs_than_the_pool_holds_get_429_and_jobs_can_be_cancelled() {
    let server = Server::start(&["--jobs", "1", "--queue", "1"]);
    // Long enough to still be running when the third arrives; cancelled right after.
    let slow = json!({"scenario": "baseline", "population": 20000, "replicates": 2}).to_string();
    let (status, a) = server.post("/api/run", &slow);
    assert_eq!(status, 202, "{a}");
    let (status, b) = server.post("/api/run", &slow);
    assert_eq!(status, 202, "{b}");
    let doc = refused(server.post("/api/run", &slow), 429, "busy");
    assert!(doc["error"].as_str().unwrap().contains("2 jobs"), "{doc}");

    let (a, b) = (a["job"].as_u64().unwrap(), b["job"].as_u64().unwrap());
    let (_, queued) = server.json(&format!("/api/jobs/{b}"));
    assert_eq!(queued["status"], "queued", "{queued}");
    assert_eq!(queued["position"], 0);
    let (status, cancelled) = server.delete(&format!("/api/jobs/{b}"));
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")));
    assert_eq!(server.delete(&format!("/api/jobs/{a}")).0, 200);
    let ended = server.wait(a, Duration::from_secs(120));
    assert_eq!(ended["status"], "cancelled", "{ended}");
    refused(server.json(&format!("/api/jobs/{a}/results.zip")), 409, "cancelled");

    // Slots are free again.
    let (status, c) = server.post("/api/run", &tiny("baseline", &["regulation.ad_transparency=true"], 1));
    assert_eq!(status, 202, "{c}");
    assert_eq!(server.wait(c["job"].as_u64().unwrap(), Duration::from_secs(300))["status"], "done");
}

#[test]
fn sigterm_stops_the_server_and_its_running_job_cleanly() {
    let mut server = Server::start(&[]);
    let slow = json!({"scenario": "baseline", "population": 20000, "replicates": 2}).to_string();
    let (status, _) = server.post("/api/run", &slow);
    assert_eq!(status, 202);
    std::thread::sleep(Duration::from_millis(300));
    let kill = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().expect("kill runs");
    assert!(kill.success());
    let start = Instant::now();
    let code = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status.code();
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0));
    let mut stderr = String::new();
    server.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(stderr.contains("stopped"), "{stderr}");
}

// ---------------------------------------------------------------------------
// The page in headless Chromium
// ---------------------------------------------------------------------------

/// Run headless Chromium on `url` with extra arguments, killed after `limit`; its stdout.
pub(super) fn headless(browser: &Path, url: &str, extra: &[&str], limit: Duration) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args(HEADLESS_FLAGS)
        .args([
            // Virtual time runs while the page waits on timers, not while it waits on the server
            // (the job status is long-polled), so this is plenty.
            "--virtual-time-budget=120000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

/// Percent-encode a query value.
pub(super) fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Distinct colours in a PNG (0 if it cannot be decoded).
fn colours(png_bytes: &[u8]) -> usize {
    let decoder = png::Decoder::new(Cursor::new(png_bytes));
    let Ok(mut reader) = decoder.read_info() else { return 0 };
    let mut buffer = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let Ok(info) = reader.next_frame(&mut buffer) else { return 0 };
    let step = info.color_type.samples();
    let mut seen: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
    for pixel in buffer[..info.buffer_size()].chunks(step).step_by(7) {
        seen.insert(pixel);
    }
    seen.len()
}

#[test]
fn the_page_runs_a_changed_lever_and_shows_the_charts() {
    let Some(browser) = chromium_or_skip() else { return };
    let server = Server::start(&[]);
    // The test hook sets the takedown lever's controls as a person would, then clicks Run.
    let url = format!(
        "{}/?scenario=netzdg-24h&lever=regulation.takedown_hours=Some(1.0)&set=timeline.elections=1\
         &set=timeline.campaign_days=12&population=3000&replicates=2&seed=5&autorun=1",
        server.url
    );
    let dom = headless(&browser, &url, &["--dump-dom"], Duration::from_secs(180));
    assert!(dom.contains("data-state=\"done\""), "the run did not finish in the page: {}", &dom[..dom.len().min(3000)]);
    assert!(dom.contains("data-chart-id=\"forest-turnout\""), "no charts in the page");
    assert!(dom.contains("<svg"), "the charts are not drawn");
    assert!(dom.contains("data-metric=\"misinformation.exposures_per_capita\""), "no table of paired differences");
    // Labels and units come from the metric catalogue (GET /api/metrics).
    assert!(dom.contains("<td>Misinformation seen</td>"), "the metric labels are not the catalogue's");
    assert!(dom.contains("<td>Turnout of Gen Z</td>"), "per-cohort labels are not filled in");
    assert!(dom.contains(" pp</td>"), "share differences are not in percentage points");
    assert!(dom.contains("--set regulation.takedown_hours=Some(1.0)"), "the lever change is not shown");
    assert!(dom.contains("seed 5"), "the seed is not shown");
    // The plain-language summary opens the results, and differences are judged against the
    // smallest meaningful difference.
    assert!(dom.contains("<p data-summary=\"") && dom.contains("\">Compared with "), "no summary in the page");
    assert!(dom.contains("not uncertainty in the model's assumptions"), "the summary does not say what it covers");
    assert!(dom.contains("data-mark=\""), "no meaningful/negligible marks in the page");
    // The job the page ran used the lever.
    let (_, jobs) = server.json("/api/jobs");
    let job = &jobs["jobs"][0];
    assert_eq!(job["status"], "done", "{jobs}");
    assert_eq!(job["set"][0], "regulation.takedown_hours=Some(1.0)", "{jobs}");

    // A pasted scenario with a typo: the page shows where, like the command line.
    let ron = "Scenario(\n    name: \"mine\",\n    netwrok: Network(),\n)\n";
    let url_bad = format!("{}/?ron={}&filename=mine.ron", server.url, percent(ron));
    let dom = headless(&browser, &url_bad, &["--dump-dom"], Duration::from_secs(120));
    assert!(dom.contains("data-state=\"invalid\""), "{}", &dom[..dom.len().min(3000)]);
    assert!(dom.contains("data-line=\"3\"") && dom.contains("data-column=\"5\""), "the problem is not located");
    assert!(dom.contains("mine.ron:3:5") && dom.contains("did you mean `network`?"), "no location or suggestion");

    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("page.png");
    let screenshot = format!("--screenshot={}", shot.display());
    headless(&browser, &url, &[&screenshot, "--window-size=1280,1800"], Duration::from_secs(180));
    let bytes = std::fs::read(&shot).expect("a screenshot");
    let n = colours(&bytes);
    assert!(n > 50, "the screenshot looks blank ({n} colours)");
}
