//! Room mode of `votelab serve` end to end: the room code (401/403 without it), participants'
//! names and their own jobs, the gallery and the facilitator's download, runs that survive a
//! restart, a reused reference that gives the same bytes as a fresh one, two participants'
//! pages in headless Chromium and the gallery showing both; and (ignored, run by hand) a room
//! of 20 participants submitting within a minute, measured.

use super::common::{chromium_or_skip, spawn_serve};
use super::serve::{headless, percent};
use serde_json::{Value, json};
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The room code the tests give.
const CODE: &str = "LAB42";

/// A `votelab serve --room` process on a free loopback port, killed when dropped.
struct Room {
    child: Child,
    url: String,
    key: String,
    agent: ureq::Agent,
}

/// A participant: a name and the secret their page keeps.
#[derive(Clone, Copy)]
struct Participant {
    name: &'static str,
    secret: &'static str,
}

const ALICE: Participant = Participant { name: "Alice", secret: "alice-secret-0123456789" };
const BOB: Participant = Participant { name: "Bob", secret: "bob-secret-9876543210" };

impl Room {
    fn start(state: &Path, extra: &[&str]) -> Room {
        let (child, rx) = spawn_serve(
            &["--room", "--room-code", CODE, "--bind", "127.0.0.1", "--port", "0", "--threads", "2"],
            state,
            extra,
            Stdio::null(),
        );
        let mut url = None;
        let mut key = None;
        while key.is_none() {
            let line =
                rx.recv_timeout(Duration::from_secs(60)).expect("the server prints its URL and the facilitator's");
            if url.is_none() {
                url = line
                    .split_whitespace()
                    .find(|w| w.starts_with("http://127.0.0.1:"))
                    .map(|u| u.trim_end_matches('/').to_string());
            }
            if line.starts_with("room code:") {
                assert!(line.ends_with(CODE), "{line}");
            }
            if let Some(at) = line.find("facilitator?key=") {
                key = Some(line[at + "facilitator?key=".len()..].trim().to_string());
            }
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Room { child, url: url.expect("a URL"), key: key.expect("a key"), agent }
    }

    /// A request with headers; status and body.
    fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> (u16, Vec<u8>) {
        let url = format!("{}{path}", self.url);
        let mut response = match (method, body) {
            ("GET", _) => {
                let mut r = self.agent.get(&url);
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                r.call()
            }
            ("DELETE", _) => {
                let mut r = self.agent.delete(&url);
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                r.call()
            }
            (_, body) => {
                let mut r = self.agent.post(&url).header("content-type", "application/json");
                for (k, v) in headers {
                    r = r.header(*k, *v);
                }
                r.send(body.unwrap_or(""))
            }
        }
        .expect("the server answers");
        let status = response.status().as_u16();
        (status, response.body_mut().with_config().limit(100_000_000).read_to_vec().unwrap_or_default())
    }

    fn json(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> (u16, Value) {
        let (status, bytes) = self.call(method, path, headers, body);
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// As a participant of the room.
    fn as_(&self, who: Participant, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        self.json(method, path, &[("X-Votelab-Room", CODE), ("X-Votelab-Participant", who.secret)], body)
    }

    fn bytes(&self, path: &str) -> Vec<u8> {
        let (status, bytes) = self.call("GET", path, &[("X-Votelab-Room", CODE)], None);
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
        bytes
    }

    /// Poll a job until it has finished; its last status.
    fn wait(&self, job: u64) -> Value {
        let start = Instant::now();
        loop {
            let (status, doc) = self.as_(ALICE, "GET", &format!("/api/jobs/{job}?wait_ms=2000"), None);
            assert_eq!(status, 200, "{doc}");
            if matches!(doc["status"].as_str(), Some("done" | "failed" | "cancelled")) {
                return doc;
            }
            assert!(start.elapsed() < Duration::from_secs(300), "job {job} did not finish: {doc}");
        }
    }

    /// Submit a tiny run as `who`; its job number.
    fn submit(&self, who: Participant, lever: &str) -> u64 {
        let (status, doc) = self.as_(who, "POST", "/api/run", Some(&tiny(who.name, lever)));
        assert_eq!(status, 202, "{doc}");
        doc["job"].as_u64().expect("a job number")
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny run of the baseline with one lever changed: one short election, a few thousand voters.
fn tiny(name: &str, lever: &str) -> String {
    json!({
        "scenario": "baseline",
        "set": [lever, "timeline.elections=1", "timeline.campaign_days=12"],
        "population": 3000,
        "replicates": 2,
        "seed": 11,
        "participant": name,
        "title": format!("{name}'s rule"),
    })
    .to_string()
}

const TAKEDOWN: &str = "regulation.takedown_hours=Some(1.0)";
const TRANSPARENCY: &str = "regulation.ad_transparency=true";

fn zip_names(bytes: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip file");
    let mut names: Vec<String> = archive.file_names().filter_map(|n| n.ok().map(|n| n.to_string())).collect();
    names.sort();
    names
}

#[test]
fn a_room_needs_its_code_and_shows_every_run_in_its_gallery() {
    let state = tempfile::tempdir().unwrap();
    let room = Room::start(state.path(), &[]);
    let (status, doc) = room.json("GET", "/api/room", &[], None);
    assert_eq!((status, &doc["room"], &doc["admitted"]), (200, &json!(true), &json!(false)), "{doc}");

    // Without the code the API shows, runs and cancels nothing.
    let (status, doc) = room.json("GET", "/api/scenarios", &[], None);
    assert_eq!(status, 401, "{doc}");
    assert!(doc["error"].as_str().unwrap().contains("room code"), "{doc}");
    assert_eq!(room.json("POST", "/api/run", &[], Some(&tiny("Eve", TAKEDOWN))).0, 401);
    assert_eq!(room.json("DELETE", "/api/jobs/1", &[], None).0, 401);
    let (status, doc) = room.json("GET", "/api/scenarios", &[("X-Votelab-Room", "LAB43")], None);
    assert_eq!(status, 403, "{doc}");
    assert!(doc["error"].as_str().unwrap().contains("not this room's code"), "{doc}");
    assert_eq!(room.json("GET", "/api/scenarios", &[("X-Votelab-Room", "lab-42")], None).0, 200, "typed loosely");
    assert_eq!(room.json("GET", &format!("/api/scenarios?room={CODE}"), &[], None).0, 200, "links carry it");
    let (status, _) = room.call("GET", "/api/room", &[("Host", "evil.example")], None);
    assert_eq!(status, 403, "a DNS-rebinding host is refused");

    // A run needs a name in a room.
    let nameless = json!({"scenario": "baseline", "population": 3000}).to_string();
    let (status, doc) = room.as_(ALICE, "POST", "/api/run", Some(&nameless));
    assert_eq!(status, 422, "{doc}");
    assert!(doc["error"].as_str().unwrap().contains("participant"), "{doc}");

    let alice = room.submit(ALICE, TAKEDOWN);
    let bob = room.submit(BOB, TRANSPARENCY);
    // Bob cannot cancel Alice's job, nor can a request without a participant secret.
    let (status, doc) = room.as_(BOB, "DELETE", &format!("/api/jobs/{alice}"), None);
    assert_eq!(status, 403, "{doc}");
    assert!(doc["error"].as_str().unwrap().contains("someone else's"), "{doc}");
    assert_eq!(room.json("DELETE", &format!("/api/jobs/{alice}"), &[("X-Votelab-Room", CODE)], None).0, 403);

    let alice_done = room.wait(alice);
    let bob_done = room.wait(bob);
    assert_eq!((alice_done["status"].as_str(), bob_done["status"].as_str()), (Some("done"), Some("done")));
    assert_eq!(alice_done["participant"], "Alice");
    assert_eq!(alice_done["title"], "Alice's rule");
    assert_eq!(alice_done["reference_reused"], false);
    assert_eq!(bob_done["reference_reused"], true, "the same baseline run serves Bob's job: {bob_done}");
    let change = &alice_done["changes"][0];
    assert_eq!((change["label"].as_str(), change["from"].as_str()), (Some("takedown hours"), Some("no takedown rule")));
    assert_eq!(change["set"], TAKEDOWN);

    // The gallery: both runs, their changes, their headline differences with marks.
    let (status, gallery) = room.as_(ALICE, "GET", "/api/gallery", None);
    assert_eq!(status, 200, "{gallery}");
    let runs = gallery["runs"].as_array().unwrap();
    let names: Vec<&str> = runs.iter().filter_map(|r| r["participant"].as_str()).collect();
    assert_eq!(names, ["Alice", "Bob"]);
    assert_eq!((runs[0]["mine"].as_bool(), runs[1]["mine"].as_bool()), (Some(true), Some(false)));
    let differences = runs[0]["differences"].as_array().expect("headline differences");
    assert_eq!(differences[0]["key"], "turnout");
    assert!(
        differences.iter().all(|d| ["meaningful", "negligible", "uncertain"].contains(&d["mark"].as_str().unwrap()))
    );
    assert!(differences.iter().any(|d| d["label"] == "Turnout of Gen Z"), "{differences:?}");
    let columns: Vec<&str> = gallery["metrics"].as_array().unwrap().iter().filter_map(|m| m["key"].as_str()).collect();
    assert!(columns.contains(&"misinformation-exposure"), "{columns:?}");
    assert!(runs[0]["setup"].as_str().unwrap().starts_with("/?scenario=baseline&set=regulation.takedown_hours"));

    // The facilitator's page and download; participants get neither.
    assert_eq!(room.as_(ALICE, "GET", "/api/room/archive.zip", None).0, 403);
    let (status, page) = room.call("GET", "/facilitator", &[], None);
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&page));
    let page = String::from_utf8(room.bytes(&format!("/facilitator?key={}", room.key))).unwrap();
    assert!(page.contains(&format!("<strong id=\"room-code\">{CODE}</strong>")) && page.contains("<svg"), "{page}");
    let archive = room.bytes(&format!("/api/room/archive.zip?key={}", room.key));
    let names = zip_names(&archive);
    for expected in ["headline-differences.csv", "run-1-alice/comparison.json", "run-2-bob/report.html"] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(archive)).unwrap();
    let mut table = String::new();
    zip.by_name("headline-differences.csv").unwrap().read_to_string(&mut table).unwrap();
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().any(|r| &r[1] == "Alice") && rows.iter().any(|r| &r[1] == "Bob"));
    assert_eq!(rows.len(), differences.len() * 2, "a row per run and headline metric");

    // Alice cancels her own queued job.
    let slow =
        json!({"scenario": "baseline", "population": 50000, "replicates": 4, "participant": "Alice"}).to_string();
    let running = room.as_(ALICE, "POST", "/api/run", Some(&slow)).1["job"].as_u64().unwrap();
    let queued = room.as_(ALICE, "POST", "/api/run", Some(&slow)).1["job"].as_u64().unwrap();
    let (status, doc) = room.as_(ALICE, "GET", &format!("/api/jobs/{queued}"), None);
    assert_eq!((status, doc["status"].as_str()), (200, Some("queued")), "{doc}");
    assert!(doc["expected_wait_seconds"].as_f64().is_some_and(|s| s > 0.0), "the page can say how long: {doc}");
    assert_eq!(room.as_(ALICE, "DELETE", &format!("/api/jobs/{queued}"), None).0, 200);
    assert_eq!(room.as_(ALICE, "DELETE", &format!("/api/jobs/{running}"), None).0, 200);
}

#[test]
fn runs_survive_a_restart_and_a_reused_reference_gives_the_same_bytes_as_a_fresh_one() {
    let state = tempfile::tempdir().unwrap();
    let (bob_zip, bob_doc) = {
        let room = Room::start(state.path(), &[]);
        let alice = room.submit(ALICE, TAKEDOWN);
        let bob = room.submit(BOB, TRANSPARENCY);
        room.wait(alice);
        let doc = room.wait(bob);
        assert_eq!(doc["reference_reused"], true, "{doc}");
        (room.bytes(&format!("/api/jobs/{bob}/results.zip")), doc)
    };

    // A second server on the same state folder: the same runs, links, results and code.
    let room = Room::start(state.path(), &[]);
    let (status, doc) = room.as_(ALICE, "GET", "/api/jobs/2", None);
    assert_eq!(
        (status, doc["status"].as_str(), doc["participant"].as_str()),
        (200, Some("done"), Some("Bob")),
        "{doc}"
    );
    assert_eq!(doc["comparison"], bob_doc["comparison"]);
    assert!(room.bytes("/api/jobs/2/results.zip") == bob_zip, "the same zip after a restart");
    assert!(String::from_utf8(room.bytes("/api/jobs/1/report.html")).unwrap().contains("<svg"));
    let (_, charts) = room.as_(ALICE, "GET", "/api/jobs/1/charts", None);
    assert!(!charts["charts"].as_array().unwrap().is_empty(), "{charts}");
    let (_, gallery) = room.as_(ALICE, "GET", "/api/gallery", None);
    assert_eq!(gallery["runs"].as_array().unwrap().len(), 2);
    assert_eq!(room.submit(ALICE, TRANSPARENCY), 3, "new jobs are numbered after the kept ones");
    // Still the owner after the restart.
    assert_eq!(room.as_(BOB, "DELETE", "/api/jobs/3", None).0, 403);
    drop(room);

    // A fresh server runs Bob's request with a freshly simulated reference: the same bytes.
    let fresh_state = tempfile::tempdir().unwrap();
    let fresh = Room::start(fresh_state.path(), &[]);
    let job = fresh.submit(BOB, TRANSPARENCY);
    let doc = fresh.wait(job);
    assert_eq!(doc["reference_reused"], false, "{doc}");
    assert!(fresh.bytes(&format!("/api/jobs/{job}/results.zip")) == bob_zip, "a reused reference gives the same bytes");
}

#[test]
fn two_participants_pages_run_jobs_and_the_gallery_shows_both() {
    let Some(browser) = chromium_or_skip() else { return };
    let state = tempfile::tempdir().unwrap();
    let room = Room::start(state.path(), &[]);
    let page = |name: &str, lever: &str| {
        format!(
            "{}/?name={name}&title={}&scenario=baseline&lever={lever}&set=timeline.elections=1\
             &set=timeline.campaign_days=12&population=3000&replicates=2&seed=5&autorun=1#room={CODE}",
            room.url,
            percent(&format!("{name}'s rule")),
        )
    };
    for (name, lever) in [("Alice", TAKEDOWN), ("Bob", TRANSPARENCY)] {
        // Each page runs in its own browser profile, as on its own laptop.
        let dom = headless(&browser, &page(name, lever), &["--dump-dom"], Duration::from_secs(240));
        assert!(dom.contains("data-state=\"done\""), "{name}'s run did not finish: {}", &dom[..dom.len().min(3000)]);
        assert!(dom.contains(&format!("you are {name}")), "the room bar does not name {name}");
        assert!(dom.contains("id=\"copy-link\""), "no copy-link button");
        // Words for people: no RON notation in the levers' help, no exponents.
        assert!(
            !dom.contains("`None`") && !dom.contains("e+14") && !dom.contains("100000000000000"),
            "RON or 1e14 shown"
        );
        assert!(dom.contains("off: no takedown rule") || name == "Alice", "the off state is not in words");
    }
    let dom =
        headless(&browser, &format!("{}/gallery#room={CODE}", room.url), &["--dump-dom"], Duration::from_secs(120));
    assert!(dom.contains("data-state=\"ready\""), "the gallery did not load: {}", &dom[..dom.len().min(3000)]);
    for name in ["Alice", "Bob"] {
        assert!(dom.contains(&format!("data-participant=\"{name}\"")), "{name}'s run is not in the gallery");
    }
    assert!(dom.contains("takedown hours: no takedown rule → "), "the change is not in words");
    assert!(dom.contains("--set regulation.ad_transparency=true"), "the change is not shown as an override");
    assert!(dom.contains("data-mark=\""), "no meaningful/negligible marks");
    assert!(dom.contains("class=\"copy-link\""), "no copy-link buttons in the gallery");
}

/// A room of 20 participants submitting within one minute at the page's defaults (netzdg-24h,
/// 10 000 voters × 4 replicates, its seed, one lever each), against a server with the default
/// pool on two simulation threads: bounded loopback clients that retry on 429 as the page does,
/// then wait for their results. Submissions are spread evenly over the minute, or with
/// `VOTELAB_ROOM_SPACING_MS=0` all sent at once (the worst case). Prints how long the last
/// participant waited; asserts only that everyone was answered. Run it with `cargo test --release
/// --test integration a_room_of_twenty -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement of several minutes, run by hand"]
fn a_room_of_twenty_participants_is_answered() {
    let state = tempfile::tempdir().unwrap();
    let room = std::sync::Arc::new(Room::start(state.path(), &[]));
    let participants = 20;
    let spacing: u64 = std::env::var("VOTELAB_ROOM_SPACING_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    let start = Instant::now();
    let clients: Vec<_> = (0..participants)
        .map(|i| {
            let room = room.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(i as u64 * spacing));
                let secret = format!("participant-{i}-secret");
                let body = json!({
                    "scenario": "netzdg-24h",
                    "set": [format!("regulation.takedown_hours=Some({}.0)", i + 1)],
                    "population": 10000,
                    "replicates": 4,
                    "participant": format!("P{i}"),
                })
                .to_string();
                let headers = [("X-Votelab-Room", CODE), ("X-Votelab-Participant", secret.as_str())];
                let submitted = Instant::now();
                let mut refusals = 0;
                let job = loop {
                    let (status, doc) = room.json("POST", "/api/run", &headers, Some(&body));
                    match status {
                        202 => break doc["job"].as_u64().unwrap(),
                        429 => {
                            refusals += 1;
                            std::thread::sleep(Duration::from_secs(5));
                        }
                        _ => panic!("{status}: {doc}"),
                    }
                };
                loop {
                    let (_, doc) = room.json("GET", &format!("/api/jobs/{job}?wait_ms=5000"), &headers, None);
                    if doc["status"] == "done" {
                        return (i, submitted.elapsed().as_secs_f64(), refusals, doc["reference_reused"] == true);
                    }
                    assert!(doc["status"] == "queued" || doc["status"] == "running", "{doc}");
                }
            })
        })
        .collect();
    let mut answers: Vec<(usize, f64, u32, bool)> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    answers.sort_by_key(|a| a.0);
    for (i, seconds, refusals, reused) in &answers {
        println!("participant {i:2}: answered after {seconds:6.1} s ({refusals} refusals, reference reused: {reused})");
    }
    let longest = answers.iter().map(|a| a.1).fold(0.0, f64::max);
    println!(
        "{participants} participants within a minute: all answered {:.1} min after the first submitted; the longest wait was {:.1} min",
        start.elapsed().as_secs_f64() / 60.0,
        longest / 60.0
    );
    assert_eq!(answers.len(), participants);
}
