//! The HTTP routes of `votelab serve`: the page, and the JSON API it and scripts use.
//!
//! Reads requests (bodies up to the server's limit, parsed by hand so every rejection is a JSON
//! message) and the job pool; writes JSON, RON, zip and HTML responses. Loading a scenario runs
//! on tokio's blocking threads and simulation on the pool's workers, never on the async runtime.

use super::access::{self, Access};
use super::archive;
use super::errors::ApiError;
use super::experiment::{self, Experiment, JobInfo, RunRequest, ServerLimits};
use super::gallery;
use super::jobs::{CancelError, Pool, Refused, State, View};
use super::page;
use super::room::{self, HostNames, Room};
use super::wait;
use crate::metrics::catalogue;
use crate::scenario::levers::{self, Lever};
use crate::scenario::{self, Limits, Loaded, SourceRef, builtin};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Extension, Path, Query, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Everything the handlers share.
pub struct AppState {
    /// The state folder and the shared reference runs.
    pub session: experiment::Session,
    /// The jobs.
    pub pool: Pool<Experiment, JobInfo>,
    /// What a job may ask for.
    pub limits: ServerLimits,
    /// Largest request body in bytes.
    pub max_body: usize,
    /// Only requests naming a loopback host are answered (the server is bound to loopback).
    pub loopback_only: bool,
    /// Room mode: the room code and the facilitator's key.
    pub room: Option<Room>,
    /// Room mode: the `Host` names answered (besides addresses and `localhost`).
    pub host_names: Option<HostNames>,
    /// The links participants join by, known once the server listens.
    pub join_links: OnceLock<Vec<String>>,
}

type Shared = Arc<AppState>;

/// Shortest and longest `Retry-After` of a 429, in seconds: about the time until the next job
/// is expected to finish, within these bounds.
const MIN_RETRY: f64 = 3.0;
const MAX_RETRY: f64 = 30.0;

/// Longest a `GET /api/jobs/{id}?wait_ms=` waits for a change.
const MAX_WAIT: Duration = Duration::from_secs(10);

/// The router with every route, the body limit and the same-origin guard.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/room.js", get(page::room_script))
        .route("/gallery", get(page::gallery))
        .route("/gallery.js", get(page::gallery_script))
        .route("/api/gallery", get(gallery_list))
        .route("/api/room/archive.zip", get(room_archive))
        .route("/facilitator", get(facilitator_page))
        .route("/api/room", get(room_status))
        .route("/api/metrics", get(list_metrics))
        .route("/api/scenarios", get(list_scenarios))
        .route("/api/scenarios/{name}", get(scenario_detail))
        .route("/api/check", post(check))
        .route("/api/run", post(run))
        .route("/api/jobs", get(list_jobs))
        .route("/api/jobs/{id}", get(job_status).delete(cancel_job))
        .route("/api/jobs/{id}/scenario.ron", get(scenario_file))
        .route("/api/jobs/{id}/results.zip", get(results_zip))
        .route("/api/jobs/{id}/charts", get(charts))
        .route("/api/jobs/{id}/report.html", get(report_page))
        .fallback(|| async { ApiError::not_found("no such page or API route; the API is described in the README") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "this route does not take that method")
        })
        .layer(DefaultBodyLimit::max(state.max_body))
        .layer(middleware::from_fn_with_state(state.clone(), access::guard))
        .with_state(state)
}

/// Read a JSON body: 413 when too large, 400 when malformed, 422 when it does not fit the request.
fn parse_body(body: Result<Bytes, BytesRejection>) -> Result<RunRequest, ApiError> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request is larger than this server accepts (see `limits` in GET /api/scenarios)",
            )
        } else {
            ApiError::new(e.status(), format!("cannot read the request: {}", e.body_text()))
        }
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the request body is empty; send JSON such as {\"scenario\": \"netzdg-24h\", \"set\": [\"population.size=5000\"]}",
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        use serde_json::error::Category;
        let at = format!("line {} column {}", e.line(), e.column());
        match e.classify() {
            Category::Data => ApiError::unprocessable(format!("the request does not fit the API ({at}): {e}")),
            _ => ApiError::bad_request(format!("the request is not valid JSON ({at}): {e}")),
        }
    })
}

/// Run blocking work (scenario loading) off the async runtime; a panic becomes a 500.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| Err(ApiError::internal(format!("internal error: {e}"))))
}

/// A built-in or checked scenario, with its levers.
#[derive(Serialize)]
struct ScenarioDetail {
    name: String,
    description: String,
    seed: u64,
    replicates: u32,
    population: u64,
    elections: u32,
    cohorts: Vec<String>,
    ron: String,
    levers: Vec<Lever>,
}

impl ScenarioDetail {
    fn of(loaded: &Loaded) -> ScenarioDetail {
        let s = &loaded.scenario;
        ScenarioDetail {
            name: s.name.clone(),
            description: s.description.clone(),
            seed: s.seed,
            replicates: s.replicates,
            population: s.population.size,
            elections: s.timeline.elections,
            cohorts: s.population.cohorts.iter().map(|c| c.name.clone()).collect(),
            ron: loaded.resolved_ron.clone(),
            levers: levers::levers(s),
        }
    }
}

fn load_builtin(name: &str) -> Result<Loaded, ApiError> {
    let no_files = |_: &std::path::Path| Err(std::io::Error::other("the server reads no files"));
    scenario::load(&SourceRef::Builtin(name.into()), &[], &no_files, &Limits::default()).map_err(|e| {
        if builtin::get(name).is_none() {
            let mut err = ApiError::scenario(&e);
            err.status = StatusCode::NOT_FOUND;
            err
        } else {
            ApiError::scenario(&e)
        }
    })
}

/// The built-in scenarios' names and descriptions (the same for the server's life).
fn scenario_list() -> &'static Vec<Value> {
    static LIST: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        builtin::names()
            .map(|name| {
                let description = load_builtin(name).map(|l| l.scenario.description).unwrap_or_default();
                json!({"name": name, "description": description})
            })
            .collect()
    })
}

/// `GET /api/scenarios`: the built-in scenarios with their descriptions, and the server's limits.
async fn list_scenarios(AxumState(state): AxumState<Shared>) -> Result<Response, ApiError> {
    let scenarios = blocking(|| Ok(scenario_list())).await?;
    let l = &state.limits;
    let pool = state.pool.config();
    Ok(axum::Json(json!({
        "scenarios": scenarios,
        "reference": experiment::DEFAULT_REFERENCE,
        "limits": {
            "max_population": l.max_population,
            "max_replicates": l.max_replicates,
            "max_job_minutes": l.max_seconds / 60.0,
            "max_body_bytes": state.max_body,
            "concurrent_jobs": pool.workers,
            "queue": pool.queue,
        },
        "version": crate::output::VERSION,
    }))
    .into_response())
}

/// `GET /api/metrics`: the metric catalogue (`crate::metrics::catalogue`), so the page labels and
/// formats values as the terminal tables and the report do. Ranges are `[lo, hi]`, `null` for ∞.
async fn list_metrics() -> Response {
    axum::Json(json!({ "metrics": catalogue::CATALOGUE })).into_response()
}

/// `GET /api/scenarios/{name}`: a built-in scenario with its levers.
async fn scenario_detail(Path(name): Path<String>) -> Result<Response, ApiError> {
    let detail = blocking(move || load_builtin(&name).map(|l| ScenarioDetail::of(&l))).await?;
    Ok(axum::Json(detail).into_response())
}

/// `POST /api/check`: load a scenario (built-in or text, with overrides) as a run would, and
/// return it with its levers, or its problems.
async fn check(AxumState(state): AxumState<Shared>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let request = parse_body(body)?;
    let limits = state.limits.clone();
    let detail = blocking(move || experiment::load_request(&request, &limits).map(|l| ScenarioDetail::of(&l))).await?;
    Ok(axum::Json(detail).into_response())
}

/// `POST /api/run`: queue a job; 202 with its id and the secret that lets its sender cancel it
/// (the participant's own, sent in a header, or a new one).
async fn run(
    AxumState(state): AxumState<Shared>,
    Extension(access): Extension<Access>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request = parse_body(body)?;
    let limits = state.limits.clone();
    let (mut work, mut info) = blocking(move || experiment::prepare(&request, &limits)).await?;
    work.session = Some(state.session.clone());
    if state.session.references.has(&work.loaded[0].resolved_ron) {
        // The reference is reused: only the explored scenario is simulated.
        info.estimated_seconds /= 2.0;
    }
    if state.room.is_some() && info.participant.is_empty() {
        return Err(ApiError::unprocessable(
            "give your name as `participant`, so the room's gallery can show whose run this is",
        ));
    }
    info.owner = access.participant.clone().unwrap_or_else(room::new_secret);
    let owner = info.owner.clone();
    let record = info.clone();
    let id = state.pool.submit(work, info).map_err(|refused| match refused {
        Refused::Full { capacity } => {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "the server is busy: {capacity} jobs are running or waiting, the most it holds; try again when one has finished"
                ),
            );
            let views = all_views(&state);
            let free = wait::until_free(&views, state.pool.config().workers) / capacity.max(1) as f64;
            e.retry_after = Some(free.clamp(MIN_RETRY, MAX_RETRY).round() as u32);
            e
        }
        Refused::ShuttingDown => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"),
    })?;
    let store = state.session.store.clone();
    blocking(move || {
        store
            .save_job(id, &record)
            .map_err(|e| ApiError::internal(format!("cannot keep the job in the state folder: {e}")))
    })
    .await?;
    let mut response = (
        StatusCode::ACCEPTED,
        axum::Json(json!({"job": id, "status": "queued", "links": links(id), "owner_token": owner})),
    )
        .into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/jobs/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

fn links(id: u64) -> Value {
    json!({
        "status": format!("/api/jobs/{id}"),
        "scenario": format!("/api/jobs/{id}/scenario.ron"),
        "results": format!("/api/jobs/{id}/results.zip"),
        "charts": format!("/api/jobs/{id}/charts"),
        "report": format!("/api/jobs/{id}/report.html"),
    })
}

type JobView = View<experiment::Outcome, JobInfo>;

fn all_views(state: &AppState) -> Vec<JobView> {
    state.pool.ids().into_iter().filter_map(|id| state.pool.view(id)).collect()
}

fn find_job(state: &AppState, id: &str) -> Result<JobView, ApiError> {
    id.parse::<u64>()
        .ok()
        .and_then(|n| state.pool.view(n))
        .ok_or_else(|| ApiError::not_found(format!("there is no job {id} (finished jobs are kept for a while only)")))
}

/// A job as JSON; with `results`, the summary and comparison of a finished job. Its `set` is the
/// request's: overrides of the scenario only, not of the reference, as `--set-scenario` on the
/// command line (`votelab compare REFERENCE SCENARIO --set-scenario ...`); the comparison lists
/// each scenario's overrides.
fn job_json(view: &JobView, results: bool) -> Value {
    let info = &view.info;
    let mut doc = json!({
        "job": view.id,
        "status": view.state.name(),
        "progress": view.progress,
        "seconds": view.seconds,
        "scenario": info.scenario,
        "reference": info.reference,
        "seed": info.seed,
        "replicates": info.replicates,
        "population": info.population,
        "set": info.set,
        "participant": info.participant,
        "title": info.title,
        "changes": info.changes,
        "expected_seconds": info.estimated_seconds,
        "setup": gallery::setup_link(&info.request, info.population, info.replicates, info.seed),
        "links": links(view.id),
    });
    match &view.state {
        State::Queued { position } => doc["position"] = json!(position),
        State::Failed(message) => doc["error"] = json!(message),
        State::Done(outcome) => {
            doc["reference_reused"] = json!(outcome.reference_reused);
            if results {
                doc["summary"] = outcome.summary.clone();
                doc["comparison"] = outcome.comparison.clone();
            }
        }
        _ => {}
    }
    doc
}

/// `GET /api/jobs`: every job held, newest last, without results.
async fn list_jobs(AxumState(state): AxumState<Shared>) -> Response {
    let jobs: Vec<Value> =
        state.pool.ids().into_iter().filter_map(|id| state.pool.view(id)).map(|v| job_json(&v, false)).collect();
    axum::Json(json!({"jobs": jobs})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaitQuery {
    /// Wait up to this many milliseconds for the job to change state or finish.
    wait_ms: Option<u64>,
}

/// `GET /api/jobs/{id}[?wait_ms=N]`: status and progress, then the results. With `wait_ms` the
/// answer waits (up to 10 s) until the job changes state, so a page polls without a busy loop.
async fn job_status(
    AxumState(state): AxumState<Shared>,
    Path(id): Path<String>,
    query: Result<Query<WaitQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request(format!("bad query: {}", e.body_text())))?;
    let wait = Duration::from_millis(query.wait_ms.unwrap_or(0)).min(MAX_WAIT);
    let start = Instant::now();
    let first = find_job(&state, &id)?;
    let mut view = first.clone();
    while !view.state.finished()
        && view.state.name() == first.state.name()
        && start.elapsed() < wait
        && !state.pool.stopping()
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
        view = find_job(&state, &id)?;
    }
    let mut doc = job_json(&view, true);
    if let Some(seconds) = wait::until_start(&all_views(&state), view.id, state.pool.config().workers) {
        doc["expected_wait_seconds"] = json!(seconds.round());
    }
    Ok(axum::Json(doc).into_response())
}

/// `DELETE /api/jobs/{id}`: cancel a queued or running job; only its sender (the same
/// participant secret) or the facilitator may.
async fn cancel_job(
    AxumState(state): AxumState<Shared>,
    Extension(access): Extension<Access>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = find_job(&state, &id)?;
    if !access.may_cancel(&view.info.owner) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "job {id} is someone else's: only the participant who started it (or the facilitator) can cancel it"
            ),
        ));
    }
    match state.pool.cancel(view.id) {
        Ok(()) => {
            let store = state.session.store.clone();
            let id = view.id;
            blocking(move || store.mark_cancelled(id).map_err(|e| ApiError::internal(e.to_string()))).await?;
        }
        Err(CancelError::Unknown) => {}
        Err(CancelError::Finished) => return Err(ApiError::conflict(format!("job {id} has already finished"))),
    }
    let view = find_job(&state, &id)?;
    Ok(axum::Json(job_json(&view, false)).into_response())
}

/// `GET /api/room`: whether this server is a room (and so needs the code), and whether the code
/// or key sent, if any, is right; the page asks for the code when it is needed.
async fn room_status(
    AxumState(state): AxumState<Shared>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
) -> Response {
    let sent = headers.get(access::ROOM_HEADER).and_then(|v| v.to_str().ok());
    let admitted = match &state.room {
        None => true,
        Some(room) => access.facilitator || sent.is_some_and(|c| room.admits(c)),
    };
    axum::Json(json!({"room": state.room.is_some(), "admitted": admitted, "facilitator": access.facilitator}))
        .into_response()
}

/// `GET /facilitator[?key=KEY]`: the facilitator's page: the room code, the join links with a
/// QR code, and links to the gallery and the download of every run.
async fn facilitator_page(AxumState(state): AxumState<Shared>, Extension(access): Extension<Access>) -> Response {
    if !access.facilitator {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "the facilitator page needs the facilitator's link, printed in the terminal that started the server",
        )
        .into_response();
    }
    let links = state.join_links.get().cloned().unwrap_or_default();
    let key = state.room.as_ref().map(|r| r.facilitator_key.as_str());
    page::facilitator(state.room.as_ref().map(|r| r.code.as_str()), key, &links)
}

/// `GET /api/gallery`: every run of the room, oldest first, with its participant, title, lever
/// changes and (once done) its headline differences judged against the catalogue's smallest
/// meaningful differences; `mine` marks the asking participant's runs; `metrics` lists the
/// headline columns in order.
async fn gallery_list(AxumState(state): AxumState<Shared>, Extension(access): Extension<Access>) -> Response {
    let mut columns: Vec<Value> = Vec::new();
    let runs: Vec<Value> = state
        .pool
        .ids()
        .into_iter()
        .filter_map(|id| state.pool.view(id))
        .map(|view| {
            let mut doc = job_json(&view, false);
            doc["mine"] = json!(access.participant.as_deref().is_some_and(|p| p == view.info.owner));
            if let State::Done(outcome) = &view.state {
                let differences = gallery::headline_differences(&outcome.comparison);
                for d in &differences {
                    if !columns.iter().any(|c| c["key"] == d.key) {
                        columns.push(json!({"key": d.key, "label": d.label, "unit": d.unit, "smd": d.smd}));
                    }
                }
                doc["differences"] = json!(differences);
            }
            doc
        })
        .collect();
    axum::Json(json!({"runs": runs, "metrics": columns})).into_response()
}

/// `GET /api/room/archive.zip`: every finished run's results folder (`run-<job>-<name>/`) and
/// `headline-differences.csv`; the facilitator's only.
async fn room_archive(
    AxumState(state): AxumState<Shared>,
    Extension(access): Extension<Access>,
) -> Result<Response, ApiError> {
    if !access.facilitator {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "only the facilitator downloads every run (from the facilitator page)",
        ));
    }
    let views: Vec<JobView> = state.pool.ids().into_iter().filter_map(|id| state.pool.view(id)).collect();
    let store = state.session.store.clone();
    let bytes = blocking(move || {
        let mut folders = Vec::new();
        let mut rows = Vec::new();
        for view in &views {
            let State::Done(outcome) = &view.state else { continue };
            let info = &view.info;
            let files = store
                .read_results(view.id, &outcome.folder)
                .map_err(|e| ApiError::internal(format!("cannot read job {}'s results: {e}", view.id)))?;
            folders.push((gallery::run_folder(view.id, &info.participant), files));
            rows.push(gallery::CsvRun {
                job: view.id,
                participant: &info.participant,
                title: &info.title,
                scenario: &info.scenario,
                reference: &info.reference,
                size: (info.population, info.replicates, info.seed),
                set: info.changes.iter().map(|c| c.set.as_str()).collect::<Vec<_>>().join(" "),
                changes: info
                    .changes
                    .iter()
                    .map(|c| format!("{}: {} → {}", c.label, c.from, c.to))
                    .collect::<Vec<_>>()
                    .join("; "),
                differences: gallery::headline_differences(&outcome.comparison),
            });
        }
        let table = gallery::csv(&rows).map_err(|e| ApiError::internal(format!("cannot write the table: {e}")))?;
        archive::zip_folders(&folders, &[("headline-differences.csv".to_string(), table)])
            .map_err(|e| ApiError::internal(format!("cannot build the zip: {e}")))
    })
    .await?;
    Ok(attachment("application/zip", "votelab-room.zip", bytes))
}

fn attachment(content_type: &'static str, filename: &str, body: impl IntoResponse) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let safe: String = filename.chars().filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    (headers, body).into_response()
}

/// `GET /api/jobs/{id}/scenario.ron`: the exact scenario the job runs (known once it is queued).
async fn scenario_file(AxumState(state): AxumState<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let view = find_job(&state, &id)?;
    let name = format!("{}.ron", view.info.scenario);
    Ok(attachment("text/plain; charset=utf-8", &name, view.info.scenario_ron.clone()))
}

fn outcome(view: &JobView) -> Result<Arc<experiment::Outcome>, ApiError> {
    match &view.state {
        State::Done(o) => Ok(o.clone()),
        other => {
            Err(ApiError::conflict(format!("job {} is {}; its results exist once it is done", view.id, other.name())))
        }
    }
}

/// `GET /api/jobs/{id}/results.zip`: the results folder, as `votelab compare` writes it.
async fn results_zip(AxumState(state): AxumState<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let view = find_job(&state, &id)?;
    let outcome = outcome(&view)?;
    let store = state.session.store.clone();
    let bytes = blocking(move || {
        let files = store
            .read_results(view.id, &outcome.folder)
            .map_err(|e| ApiError::internal(format!("cannot read the results: {e}")))?;
        archive::zip_folder(&outcome.folder, &files)
            .map(|b| (outcome.folder.clone(), b))
            .map_err(|e| ApiError::internal(format!("cannot build the zip: {e}")))
    })
    .await?;
    Ok(attachment("application/zip", &format!("{}.zip", bytes.0), bytes.1))
}

/// `GET /api/jobs/{id}/charts`: the report's charts of a finished job, as SVG.
async fn charts(AxumState(state): AxumState<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let view = find_job(&state, &id)?;
    let outcome = outcome(&view)?;
    let store = state.session.store.clone();
    let charts = blocking(move || {
        store.read_charts(view.id).map_err(|e| ApiError::internal(format!("cannot read the charts: {e}")))
    })
    .await?;
    Ok(axum::Json(json!({"charts": charts, "error": outcome.report_error})).into_response())
}

/// `GET /api/jobs/{id}/report.html`: the job's HTML report, as `votelab compare` writes it.
async fn report_page(AxumState(state): AxumState<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let view = find_job(&state, &id)?;
    let outcome = outcome(&view)?;
    let store = state.session.store.clone();
    let html = blocking(move || {
        store.read_result_file(view.id, &outcome.folder, "report.html").map_err(|_| {
            ApiError::internal(outcome.report_error.clone().unwrap_or_else(|| "the report was not drawn".into()))
        })
    })
    .await?;
    let mut response = html.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // The report has no scripts and fetches nothing.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_read_with_clear_errors() {
        let parse = |s: &str| parse_body(Ok(Bytes::from(s.to_string())));
        assert_eq!(parse("{\"scenario\": \"baseline\"}").unwrap().scenario.as_deref(), Some("baseline"));
        assert_eq!(parse("{\"scenario\": ").unwrap_err().status, StatusCode::BAD_REQUEST);
        assert_eq!(parse("  ").unwrap_err().status, StatusCode::BAD_REQUEST);
        let e = parse("{\"scenarion\": \"baseline\"}").unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.error.contains("unknown field `scenarion`"), "{}", e.error);
        assert_eq!(parse("{\"population\": -3}").unwrap_err().status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
