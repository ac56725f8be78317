//! What one workshop job does: turn a request (a built-in name or scenario text, `--set`-style
//! overrides, size and seed) into a validated scenario and its reference, within the server's
//! limits; then simulate both with common random numbers on rayon's pool and build the results
//! folder exactly as `votelab compare` writes it.
//!
//! Reads only the request and the built-in scenarios (uploaded scenarios cannot make the server
//! read its files: `extends` may only name built-ins); writes the finished job's results into
//! the session's state folder (`super::store`). A reference run is shared by the jobs whose
//! resolved reference is the same ([`References`]).

use super::errors::ApiError;
use super::jobs::{Stopped, Ticket, Work};
use super::store::{SavedOutcome, Store};
use crate::cli::run::{SECONDS_PER_VOTER_STEP, voter_steps};
use crate::metrics::MetricsLog;
use crate::output::compare::{Compared, comparison_files};
use crate::output::folder::ResultsFolder;
use crate::report;
use crate::scenario::levers;
use crate::scenario::load::to_ron;
use crate::scenario::{self, Limits, Loaded, Override, Problem, Scenario, ScenarioError, SourceRef, builtin, tree};
use crate::sim;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The body of `POST /api/run` and `POST /api/check`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// A built-in scenario by name (give this or `ron`).
    pub scenario: Option<String>,
    /// Scenario text in RON (give this or `scenario`); `extends` may name built-ins.
    pub ron: Option<String>,
    /// The name to show for `ron` in error locations (default `scenario.ron`).
    pub filename: Option<String>,
    /// `PATH=RON` overrides of the scenario, as `--set` on the command line.
    #[serde(default)]
    pub set: Vec<String>,
    /// Replicates (default: the scenario's).
    pub replicates: Option<u32>,
    /// Simulated voters (default: the scenario's).
    pub population: Option<u64>,
    /// Seed (default: the scenario's).
    pub seed: Option<u64>,
    /// The built-in scenario to compare against (default `baseline`).
    pub reference: Option<String>,
    /// Who runs it, as the gallery shows it (required in room mode).
    pub participant: Option<String>,
    /// A title for the run in the gallery, e.g. "ban mood targeting" (optional).
    pub title: Option<String>,
}

/// What the server accepts.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerLimits {
    /// Largest `population.size` of a job.
    pub max_population: u64,
    /// Most replicates of a job.
    pub max_replicates: u32,
    /// Longest estimated job, in seconds on `threads` threads.
    pub max_seconds: f64,
    /// Simulation threads.
    pub threads: usize,
    /// Memory available for simulations in bytes, if known.
    pub memory_bytes: Option<u64>,
    /// Jobs that may run at the same time.
    pub concurrent_jobs: usize,
}

impl ServerLimits {
    /// The loader's resource limits: every thread of every concurrent job may hold a world.
    fn load_limits(&self) -> Limits {
        Limits {
            memory_bytes: self.memory_bytes,
            concurrent_worlds: (self.threads.max(1) * self.concurrent_jobs.max(1)) as u64,
        }
    }
}

/// Display name of uploaded scenario text when the request names none.
const DEFAULT_FILENAME: &str = "scenario.ron";

/// Most overrides one request may carry (each is applied and checked in turn).
const MAX_OVERRIDES: usize = 256;

/// The reference scenario when the request names none.
pub const DEFAULT_REFERENCE: &str = "baseline";

/// A scenario's source: a built-in, or uploaded text under a display name.
enum Source {
    Builtin(String),
    Text { name: String, text: String },
}

impl Source {
    fn of(request: &RunRequest) -> Result<Source, ApiError> {
        match (&request.scenario, &request.ron) {
            (Some(name), None) => Ok(Source::Builtin(name.clone())),
            (None, Some(text)) => {
                Ok(Source::Text { name: display_name(request.filename.as_deref()), text: text.clone() })
            }
            (Some(_), Some(_)) => Err(ApiError::unprocessable(
                "give either `scenario` (a built-in name) or `ron` (scenario text), not both",
            )),
            (None, None) => Err(ApiError::unprocessable(
                "give `scenario` (a built-in name, see GET /api/scenarios) or `ron` (scenario text)",
            )),
        }
    }

    fn load(&self, overrides: &[Override], limits: &Limits) -> Result<Loaded, ScenarioError> {
        match self {
            Source::Builtin(name) => {
                let no_files = |_: &Path| Err(std::io::Error::other("the server reads no files"));
                scenario::load(&SourceRef::Builtin(name.clone()), overrides, &no_files, limits)
            }
            Source::Text { name, text } => {
                let path = PathBuf::from(name);
                // Only the uploaded text can be read: `extends` falls back to the built-ins.
                let read = |p: &Path| {
                    if p == path {
                        Ok(text.clone())
                    } else {
                        Err(std::io::Error::new(std::io::ErrorKind::NotFound, "the server reads no files"))
                    }
                };
                scenario::load(&SourceRef::File(path.clone()), overrides, &read, limits)
            }
        }
    }

    /// The source's display name and text, to locate problems in it.
    fn text(&self) -> Option<(String, String)> {
        match self {
            Source::Builtin(name) => builtin::get(name).map(|t| (format!("<built-in {name}>"), t.to_string())),
            Source::Text { name, text } => Some((name.clone(), text.clone())),
        }
    }
}

/// A safe display name for uploaded text: the file name only, printable, at most 64 characters.
fn display_name(filename: Option<&str>) -> String {
    let base = filename.and_then(|f| f.rsplit(['/', '\\']).next()).unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(64).collect();
    if clean.trim().is_empty() || clean == "." || clean == ".." { DEFAULT_FILENAME.to_string() } else { clean }
}

/// Load the scenario a request names, with its overrides, within the server's limits.
pub fn load_request(request: &RunRequest, limits: &ServerLimits) -> Result<Loaded, ApiError> {
    let source = Source::of(request)?;
    if request.set.len() > MAX_OVERRIDES {
        return Err(ApiError::unprocessable(format!(
            "{} overrides in `set`, more than the {MAX_OVERRIDES} this server takes",
            request.set.len()
        )));
    }
    let mut overrides = Vec::new();
    let mut problems = Vec::new();
    for s in &request.set {
        match Override::parse(s) {
            Ok(o) => overrides.push(o),
            Err(e) => problems.extend(e.problems),
        }
    }
    if let Some(n) = request.population {
        if n > limits.max_population {
            problems.push(
                Problem::new("population", format!("{n} voters is more than this server simulates"))
                    .expected(format!("at most {}", limits.max_population))
                    .help("100 000 voters already give turnout to a fraction of a point; the limit is set with `votelab serve --max-population`"),
            );
        }
        overrides.push(Override { path: "population.size".into(), value: n.to_string() });
    }
    if let Some(r) = request.replicates {
        if r > limits.max_replicates {
            problems.push(
                Problem::new("replicates", format!("{r} replicates is more than this server runs"))
                    .expected(format!("at most {}", limits.max_replicates))
                    .help("the limit is set with `votelab serve --max-replicates`"),
            );
        }
        overrides.push(Override { path: "replicates".into(), value: r.to_string() });
    }
    if let Some(s) = request.seed {
        overrides.push(Override { path: "seed".into(), value: s.to_string() });
    }
    if !problems.is_empty() {
        return Err(ApiError::scenario(&ScenarioError { problems, sources: Vec::new() }));
    }
    let loaded = source.load(&overrides, &limits.load_limits()).map_err(|e| ApiError::scenario(&e))?;
    // The file (rather than the request) may ask for more than the server allows.
    let s = &loaded.scenario;
    let mut problems = Vec::new();
    if s.population.size > limits.max_population {
        problems.push(
            Problem::new("population.size", format!("{} voters is more than this server simulates", s.population.size))
                .expected(format!("at most {}", limits.max_population))
                .help("lower population.size or set `population` in the request"),
        );
    }
    if s.replicates > limits.max_replicates {
        problems.push(
            Problem::new("replicates", format!("{} replicates is more than this server runs", s.replicates))
                .expected(format!("at most {}", limits.max_replicates))
                .help("lower replicates or set `replicates` in the request"),
        );
    }
    if !problems.is_empty() {
        return Err(ApiError::scenario(&located(problems, source.text())));
    }
    Ok(loaded)
}

/// Problems found after loading, pointed at the place in the source that wrote the field.
fn located(problems: Vec<Problem>, source: Option<(String, String)>) -> ScenarioError {
    let Some((name, text)) = source else { return ScenarioError { problems, sources: Vec::new() } };
    let problems = match tree::parse(&text, &name) {
        Ok(doc) => problems
            .into_iter()
            .map(|p| {
                let path = tree::parse_path(&p.path).unwrap_or_default();
                let (node, _) = tree::nearest(&doc.root, &path);
                let origin = node.origin.clone();
                p.at(origin)
            })
            .collect(),
        Err(_) => problems,
    };
    ScenarioError { problems, sources: vec![(name.into(), text)] }
}

/// A job: the reference and the scenario, validated, ready to simulate.
#[derive(Debug)]
pub struct Experiment {
    /// Reference first, then the scenario explored; same seed, replicates, size and timeline.
    pub loaded: Vec<Loaded>,
    /// Where its results go and where references are shared (set before it is submitted).
    pub session: Option<Session>,
}

/// What the jobs of one server share: the state folder, and the reference runs already made.
#[derive(Clone, Debug)]
pub struct Session {
    /// The state folder.
    pub store: Arc<Store>,
    /// Reference runs by their resolved scenario.
    pub references: Arc<References>,
}

/// Most reference runs kept in memory for reuse (each is a few replicates' metrics).
const MAX_REFERENCES: usize = 64;

type ReferenceSlot = Arc<Mutex<Option<Arc<Vec<MetricsLog>>>>>;

/// Reference runs by their resolved scenario (which fixes seed, replicates, population and
/// timeline): with common random numbers the same resolved reference gives the same replicates,
/// so it is simulated once and reused. A job holds its slot while simulating it, so a second job
/// with the same reference waits for it rather than simulating it again.
#[derive(Debug, Default)]
pub struct References {
    slots: Mutex<(HashMap<String, ReferenceSlot>, VecDeque<String>)>,
}

impl References {
    fn slot(&self, key: &str) -> ReferenceSlot {
        let mut guard = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *guard;
        if let Some(slot) = map.get(key) {
            return slot.clone();
        }
        if order.len() >= MAX_REFERENCES
            && let Some(oldest) = order.pop_front()
        {
            map.remove(&oldest);
        }
        let slot = ReferenceSlot::default();
        map.insert(key.to_string(), slot.clone());
        order.push_back(key.to_string());
        slot
    }

    /// Whether the reference of this resolved scenario has been simulated already.
    pub fn has(&self, key: &str) -> bool {
        let guard = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.get(key).is_some_and(|s| s.try_lock().map(|g| g.is_some()).unwrap_or(false))
    }
}

/// A regulation lever the explored scenario sets otherwise than its reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeverChange {
    /// The lever's field path, e.g. `regulation.takedown_hours`.
    pub path: String,
    /// The lever in words, e.g. "takedown hours".
    pub label: String,
    /// The reference's value in words, e.g. "no takedown rule".
    pub from: String,
    /// The explored scenario's value in words, e.g. "1".
    pub to: String,
    /// The change as a command-line override, e.g. `regulation.takedown_hours=Some(1.0)`.
    pub set: String,
}

/// Longest participant name or run title kept, in characters.
const MAX_NAME: usize = 60;

/// A participant's name or a title, cleaned: printable, trimmed, at most [`MAX_NAME`] characters.
fn clean_name(text: Option<&str>) -> String {
    let text: String = text.unwrap_or("").chars().filter(|c| !c.is_control()).take(MAX_NAME).collect();
    text.trim().to_string()
}

/// The levers of `explored` that differ from `reference`, in words and as overrides.
pub fn lever_changes(reference: &Scenario, explored: &Scenario) -> Vec<LeverChange> {
    let before = levers::levers(reference);
    levers::levers(explored)
        .into_iter()
        .filter_map(|after| {
            let was = before.iter().find(|b| b.path == after.path)?;
            (was.ron != after.ron).then(|| LeverChange {
                set: format!("{}={}", after.path, after.ron),
                label: after.label,
                from: was.words.clone(),
                to: after.words,
                path: after.path,
            })
        })
        .collect()
}

/// What a job was asked to do, known as soon as it is accepted (kept as `job.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobInfo {
    /// The scenario explored.
    pub scenario: String,
    /// The reference it is compared with.
    pub reference: String,
    /// The seed of every random stream.
    pub seed: u64,
    /// Replicates of each scenario.
    pub replicates: u32,
    /// Simulated voters.
    pub population: u64,
    /// The overrides requested.
    pub set: Vec<String>,
    /// The resolved scenario explored, as RON: rerunning it gives the same results.
    pub scenario_ron: String,
    /// The secret of whoever submitted it (never shown): only they, or the facilitator, cancel it.
    pub owner: String,
    /// Who runs it (empty if not given).
    pub participant: String,
    /// The run's title (empty if not given).
    pub title: String,
    /// The levers set otherwise than in the reference.
    pub changes: Vec<LeverChange>,
    /// The estimated time the job takes on this server, in seconds.
    pub estimated_seconds: f64,
    /// The request as received (to run it again after a restart).
    pub request: RunRequest,
}

/// Prepare a job: load the scenario and its reference, run the reference with the scenario's
/// seed, replicates, population size and timeline (common random numbers, so the paired
/// differences reflect what the scenario changes), and refuse work above the server's limits.
pub fn prepare(request: &RunRequest, limits: &ServerLimits) -> Result<(Experiment, JobInfo), ApiError> {
    let mut explored = load_request(request, limits)?;
    let reference_name = request.reference.clone().unwrap_or_else(|| DEFAULT_REFERENCE.to_string());
    let s = &explored.scenario;
    let timeline = ron::ser::to_string(&s.timeline).map_err(|e| ApiError::internal(e.to_string()))?;
    let aligned = [
        Override { path: "seed".into(), value: s.seed.to_string() },
        Override { path: "replicates".into(), value: s.replicates.to_string() },
        Override { path: "population.size".into(), value: s.population.size.to_string() },
        Override { path: "timeline".into(), value: timeline },
    ];
    let reference = Source::Builtin(reference_name.clone()).load(&aligned, &limits.load_limits()).map_err(|e| {
        let mut err = ApiError::scenario(&e);
        err.error = format!("the reference `{reference_name}` cannot be used: {}", err.error);
        err
    })?;
    if explored.scenario.name == reference.scenario.name {
        // Two results folders of one name would collide.
        explored.scenario.name = format!("{}-modified", explored.scenario.name);
        explored.resolved_ron = to_ron(&explored.scenario);
    }
    let work = voter_steps(&explored.scenario) * 2.0 * f64::from(explored.scenario.replicates);
    let seconds = work * SECONDS_PER_VOTER_STEP / limits.threads.max(1) as f64;
    if seconds > limits.max_seconds {
        return Err(ApiError::unprocessable(format!(
            "this job would take about {:.0} minutes on this server ({work:.2e} voter-steps), more than its limit of {:.0}; \
             lower the population, the replicates or the number of elections",
            seconds / 60.0,
            limits.max_seconds / 60.0
        )));
    }
    let s = &explored.scenario;
    let info = JobInfo {
        scenario: s.name.clone(),
        reference: reference.scenario.name.clone(),
        seed: s.seed,
        replicates: s.replicates,
        population: s.population.size,
        set: request.set.clone(),
        scenario_ron: explored.resolved_ron.clone(),
        owner: String::new(),
        participant: clean_name(request.participant.as_deref()),
        title: clean_name(request.title.as_deref()),
        changes: lever_changes(&reference.scenario, &explored.scenario),
        estimated_seconds: seconds,
        request: request.clone(),
    };
    Ok((Experiment { loaded: vec![reference, explored], session: None }, info))
}

/// A finished job's results: what `outcome.json` keeps; the files are in the state folder.
pub type Outcome = SavedOutcome;

/// Simulate every replicate of one scenario on rayon's pool, counting steps on the ticket.
fn simulate(loaded: &Loaded, ticket: &Ticket) -> Result<Vec<MetricsLog>, Stopped> {
    let shared = Arc::new(loaded.scenario.clone());
    let replicates: Vec<u32> = (0..loaded.scenario.replicates).collect();
    // One replicate per thread when there are enough of them (bit-identical either way).
    let parallel_voters = replicates.len() < rayon::current_num_threads();
    replicates
        .par_iter()
        .map(|&r| sim::run_replicate(shared.clone(), r, parallel_voters, || ticket.step()))
        .collect::<Result<_, _>>()
        .map_err(|_| Stopped)
}

fn steps_of(loaded: &Loaded) -> u64 {
    sim::timeline::plan(&loaded.scenario.timeline).len() as u64 * u64::from(loaded.scenario.replicates)
}

impl Work for Experiment {
    type Output = Outcome;

    fn total_steps(&self) -> u64 {
        self.loaded.iter().map(steps_of).sum()
    }

    fn run(self, ticket: &Ticket) -> Result<Outcome, Stopped> {
        let started = std::time::Instant::now();
        let session = self.session.as_ref().expect("a workshop job runs within a session");
        let (reference, explored) = (&self.loaded[0], &self.loaded[1]);
        let slot = session.references.slot(&reference.resolved_ron);
        let (reference_logs, reference_reused) = {
            let mut held = slot.lock().unwrap_or_else(|p| p.into_inner());
            match held.as_ref() {
                Some(logs) => {
                    for _ in 0..steps_of(reference) {
                        ticket.step();
                    }
                    (logs.clone(), true)
                }
                None => {
                    let logs = Arc::new(simulate(reference, ticket)?);
                    *held = Some(logs.clone());
                    (logs, false)
                }
            }
        };
        let explored_logs = simulate(explored, ticket)?;
        let compared = [
            Compared { loaded: reference, logs: &reference_logs },
            Compared { loaded: explored, logs: &explored_logs },
        ];
        let folder = comparison_files(&compared);
        let parse = |name: &str| folder.get(name).and_then(|t| serde_json::from_str(t).ok()).unwrap_or(Value::Null);
        let summary = parse(&format!("{}/summary.json", explored.scenario.name));
        let comparison = parse("comparison.json");
        let (charts, report_error) = draw(&folder);
        let ResultsFolder { mut files } = folder;
        if let Some(html) = charts.as_ref().map(|r| r.html.clone()) {
            files.insert("report.html".into(), html);
        }
        let charts: Vec<Value> = charts
            .map(|r| r.charts.into_iter().map(|c| json!({"id": c.id, "title": c.title, "svg": c.svg})).collect())
            .unwrap_or_default();
        let outcome = SavedOutcome {
            summary,
            comparison,
            folder: format!("compare-{}-vs-{}", reference.scenario.name, explored.scenario.name),
            report_error,
            reference_reused,
            seconds: started.elapsed().as_secs_f64(),
        };
        if let Err(e) = session.store.save_results(ticket.id(), &files, &charts, &outcome) {
            panic!("the results could not be kept in the state folder: {e}");
        }
        Ok(outcome)
    }
}

/// The report of a results folder, as `votelab compare` draws it; the data matter more than the
/// pictures, so a failure is kept as a message rather than failing the job.
fn draw(folder: &ResultsFolder) -> (Option<report::Report>, Option<String>) {
    match report::render(folder) {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(format!("the charts could not be drawn: {e}"))),
    }
}

/// Limits for the unit tests of the workshop server: jobs up to 200,000 voters × 32 replicates and
/// an hour, two threads, one job at a time.
#[cfg(test)]
pub(crate) fn test_limits() -> ServerLimits {
    ServerLimits {
        max_population: 200_000,
        max_replicates: 32,
        max_seconds: 3600.0,
        threads: 2,
        memory_bytes: None,
        concurrent_jobs: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ServerLimits {
        test_limits()
    }

    fn request(scenario: &str, set: &[&str]) -> RunRequest {
        RunRequest {
            scenario: Some(scenario.into()),
            set: set.iter().map(|s| s.to_string()).collect(),
            ..RunRequest::default()
        }
    }

    #[test]
    fn the_reference_runs_with_the_scenarios_seed_size_and_timeline() {
        let mut r = request("netzdg-24h", &["timeline.elections=1", "regulation.takedown_hours=Some(2.0)"]);
        r.population = Some(3000);
        r.seed = Some(7);
        let (e, info) = prepare(&r, &limits()).unwrap();
        let (reference, explored) = (&e.loaded[0].scenario, &e.loaded[1].scenario);
        assert_eq!(reference.name, "baseline");
        assert_eq!((reference.seed, reference.population.size, reference.timeline.elections), (7, 3000, 1));
        assert_eq!(reference.regulation.takedown_hours, None);
        assert_eq!(explored.regulation.takedown_hours, Some(2.0));
        assert_eq!((info.seed, info.population), (7, 3000));
        assert!(info.scenario_ron.contains("takedown_hours: Some(2.0)"));
    }

    #[test]
    fn a_run_carries_its_name_title_and_lever_changes_in_words() {
        let mut r = request("netzdg-24h", &["regulation.takedown_hours=Some(1.0)", "regulation.ad_transparency=true"]);
        r.participant = Some("  Ada\u{7} Lovelace ".into());
        r.title = Some("x".repeat(100));
        let (_, info) = prepare(&r, &limits()).unwrap();
        assert_eq!(info.participant, "Ada Lovelace");
        assert_eq!(info.title.chars().count(), MAX_NAME);
        let takedown = info.changes.iter().find(|c| c.path == "regulation.takedown_hours").expect("takedown");
        assert_eq!((takedown.from.as_str(), takedown.to.as_str()), ("no takedown rule", "1"));
        assert_eq!(takedown.set, "regulation.takedown_hours=Some(1.0)");
        let transparency = info.changes.iter().find(|c| c.path == "regulation.ad_transparency").expect("transparency");
        assert_eq!((transparency.from.as_str(), transparency.to.as_str()), ("no", "yes"));
        assert!(info.estimated_seconds > 0.0);
    }

    #[test]
    fn the_baseline_against_itself_is_renamed() {
        let (e, info) = prepare(&request("baseline", &["regulation.ad_transparency=true"]), &limits()).unwrap();
        assert_eq!(info.scenario, "baseline-modified");
        assert!(e.loaded[1].resolved_ron.contains("baseline-modified"));
    }

    #[test]
    fn requests_above_the_limits_are_refused_with_the_field() {
        let mut r = request("baseline", &[]);
        r.population = Some(5_000_000);
        r.replicates = Some(500);
        let e = prepare(&r, &limits()).unwrap_err();
        assert_eq!(e.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        let paths: Vec<&str> = e.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["population", "replicates"]);

        let text = "Scenario(\n    name: \"big\",\n    population: Population(size: 900000),\n)";
        let r = RunRequest { ron: Some(text.into()), filename: Some("big.ron".into()), ..RunRequest::default() };
        let e = prepare(&r, &limits()).unwrap_err();
        let p = &e.problems[0];
        assert_eq!((p.path.as_str(), p.source.as_deref(), p.line), ("population.size", Some("big.ron"), Some(3)));
    }

    #[test]
    fn uploaded_text_cannot_read_server_files() {
        let text = "Scenario(name: \"x\", extends: Some(\"/etc/passwd\"))";
        let e = prepare(&RunRequest { ron: Some(text.into()), ..RunRequest::default() }, &limits()).unwrap_err();
        assert!(e.problems[0].message.contains("neither a readable file nor a built-in"), "{:?}", e.problems);
        let text = "Scenario(name: \"x\", extends: Some(\"baseline.ron\"), replicates: 2)";
        let (e, _) = prepare(&RunRequest { ron: Some(text.into()), ..RunRequest::default() }, &limits()).unwrap();
        assert_eq!(e.loaded[1].scenario.parties.len(), 2);
        assert!(e.loaded[1].scenario.population.represents.is_some(), "extends the built-in baseline");
    }

    #[test]
    fn display_names_are_file_names_only() {
        assert_eq!(display_name(Some("../../etc/x.ron")), "x.ron");
        assert_eq!(display_name(Some("a\\b.ron")), "b.ron");
        assert_eq!(display_name(Some("..")), DEFAULT_FILENAME);
        assert_eq!(display_name(None), DEFAULT_FILENAME);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever a participant sends, the answer is a scenario or a message, never a panic.
        #[test]
        fn any_text_gives_a_scenario_or_problems(
            ron in ".{0,300}",
            set in proptest::collection::vec(".{0,40}", 0..4),
            filename in proptest::option::of(".{0,20}"),
        ) {
            let r = RunRequest { ron: Some(ron), set, filename, ..RunRequest::default() };
            if let Err(e) = prepare(&r, &limits()) {
                proptest::prop_assert!(!e.error.is_empty());
                proptest::prop_assert!(e.status.is_client_error(), "{}: {}", e.status, e.error);
            }
        }
    }

    #[test]
    fn too_many_overrides_are_refused() {
        let sets: Vec<String> = (0..300).map(|i| format!("seed={i}")).collect();
        let r = RunRequest { scenario: Some("baseline".into()), set: sets, ..RunRequest::default() };
        assert!(load_request(&r, &limits()).unwrap_err().error.contains("300 overrides"));
    }

    #[test]
    fn too_long_jobs_are_refused() {
        let mut l = limits();
        l.max_seconds = 1.0;
        let e = prepare(&request("baseline", &[]), &l).unwrap_err();
        assert!(e.error.contains("minutes"), "{}", e.error);
    }
}
