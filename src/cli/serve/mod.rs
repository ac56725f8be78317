//! `votelab serve`: workshop mode. A web server with one page that lists the built-in scenarios,
//! shows the chosen scenario's regulation levers as controls, runs it against the baseline with
//! live progress, and shows the report's charts and the paired differences; a gallery of every
//! run of the session; in room mode (`--room`) a room code, participants' names and a
//! facilitator page; plus the JSON API the pages and scripts use (see the README's "Workshop
//! mode").
//!
//! Reads the command-line flags, the machine's memory, network interfaces and host name, and the
//! state folder (`--state`); writes the state folder (the room, every job and its results);
//! listens on the network (loopback by default, every address with `--room`) and prints the URL
//! (and in room mode the addresses, the room code, a QR code and the facilitator's link) to
//! stdout. Ctrl-C or SIGTERM stops it: running jobs stop after their current step, open requests
//! finish, and the process exits 0; a restart on the same state folder resumes the session.
//!
//! Modules: `api` (routes), `access` (host, origin, room code, who may cancel), `jobs` (the
//! bounded pool), `experiment` (what a job does, shared reference runs), `store` (the state
//! folder), `gallery` (headline differences and the facilitator's table), `wait` (expected
//! waits), `room` (code, addresses, QR codes), `page` (the embedded pages), `archive` (zips),
//! `errors` (JSON error answers).

mod access;
mod api;
mod archive;
mod errors;
mod experiment;
mod gallery;
mod jobs;
mod page;
mod room;
mod store;
mod wait;

use super::{Failure, files};
use crate::sim;
use api::AppState;
use clap::Args;
use experiment::ServerLimits;
use jobs::{Pool, PoolConfig};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Options of `votelab serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one (the URL printed says which).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. The default, loopback (0.0.0.0 with --room), admits only this
    /// machine; 0.0.0.0 admits the network (without --room, anyone who can reach it can run jobs).
    #[arg(long)]
    bind: Option<IpAddr>,
    /// Room mode, for a class on the room's network: listen on every address, print them with a
    /// QR code of the join link, and require the room code for the API.
    #[arg(long)]
    room: bool,
    /// The room code (default: the one saved in the state folder, else a new random one).
    #[arg(long, value_name = "CODE", requires = "room")]
    room_code: Option<String>,
    /// With --room, also answer requests addressed to this host name (besides this machine's
    /// addresses, its host name and names under it); may be repeated.
    #[arg(long = "host", value_name = "NAME", requires = "room")]
    hosts: Vec<String>,
    /// Folder keeping the session: the room code, every job and its results, across restarts.
    #[arg(long, value_name = "DIR", default_value = "results/workshop")]
    state: PathBuf,
    /// Largest population a job may simulate.
    #[arg(long, default_value_t = 200_000)]
    max_population: u64,
    /// Most replicates a job may run.
    #[arg(long, default_value_t = 32)]
    max_replicates: u32,
    /// Longest job accepted, in minutes (estimated as `votelab run` does).
    #[arg(long, default_value_t = 30.0)]
    max_minutes: f64,
    /// Jobs simulated at the same time.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Jobs that may wait for a free slot (a room's worth); beyond that, requests get 429 and
    /// the page tries again.
    #[arg(long, default_value_t = 40)]
    queue: usize,
    /// Simulation threads (default: all cores). Results are identical for any value.
    #[arg(long)]
    threads: Option<usize>,
}

/// Largest request body accepted, in bytes (a scenario file is a few kilobytes).
const MAX_BODY: usize = 256 * 1024;
/// Finished jobs kept in memory (their summaries and comparisons; the files stay in the state
/// folder): more than a session makes.
const KEEP_FINISHED: usize = 100_000;

/// `votelab serve`.
pub fn serve(args: &ServeArgs) -> Result<(), Failure> {
    if args.jobs == 0 || args.max_minutes.is_nan() || args.max_minutes <= 0.0 {
        eprintln!("error: --jobs must be at least 1 and --max-minutes positive");
        return Err(Failure::BadInput);
    }
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1);
    sim::init_threads(threads);
    let limits = ServerLimits {
        max_population: args.max_population,
        max_replicates: args.max_replicates,
        max_seconds: args.max_minutes * 60.0,
        threads,
        memory_bytes: files::available_memory(),
        concurrent_jobs: args.jobs,
    };
    if let Err(e) = std::fs::create_dir_all(&args.state) {
        eprintln!("error: cannot create the state folder {}: {e} (choose another with --state)", args.state.display());
        return Err(Failure::BadInput);
    }
    let room = if args.room {
        if let Some(code) = &args.room_code
            && room::normalise_code(code).len() < 4
        {
            eprintln!("error: --room-code needs at least 4 letters or digits, e.g. --room-code LAB42");
            return Err(Failure::BadInput);
        }
        let room = room::Room::open(&args.state, args.room_code.as_deref())
            .map_err(|e| Failure::Other(format!("cannot keep the room in {}: {e}", args.state.display())))?;
        Some(room)
    } else {
        None
    };
    let bind = args.bind.unwrap_or(if args.room {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    });
    let host_names = args.room.then(|| room::HostNames {
        machine: room::host_name(),
        extra: args.hosts.iter().map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase()).collect(),
    });
    let store = store::Store::open(&args.state)
        .map_err(|e| Failure::Other(format!("cannot keep jobs in {}: {e}", args.state.display())))?;
    let session = experiment::Session { store: Arc::new(store), references: Arc::default() };
    let pool = Pool::start(PoolConfig { workers: args.jobs, queue: args.queue, keep: KEEP_FINISHED });
    let resumed = resume(&pool, &session, &limits);
    if resumed > 0 {
        eprintln!("resumed {resumed} job(s) from {}", args.state.display());
    }
    let state = Arc::new(AppState {
        session,
        pool,
        limits,
        max_body: MAX_BODY,
        loopback_only: bind.is_loopback(),
        room,
        host_names,
        join_links: OnceLock::new(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(format!("cannot start the server: {e}")))?;
    let outcome = runtime.block_on(listen(SocketAddr::new(bind, args.port), state.clone()));
    // Stop the jobs whether the server ended by a signal or an error.
    state.pool.stop();
    outcome
}

async fn listen(address: SocketAddr, state: Arc<AppState>) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| Failure::Other(format!("cannot listen on {address}: {e} (try another --port)")))?;
    let bound = listener.local_addr().map_err(|e| Failure::Other(e.to_string()))?;
    let shown = if bound.ip().is_unspecified() { SocketAddr::new([127, 0, 0, 1].into(), bound.port()) } else { bound };
    // The first line of stdout is the URL, for people and for scripts that pass --port 0.
    println!("votelab workshop: http://{shown}/ (Ctrl-C stops it)");
    let links = announce(&state, bound);
    let _ = state.join_links.set(links);
    let _ = std::io::stdout().flush();
    let app = api::router(state.clone());
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown(state))
        .await
        .map_err(|e| Failure::Other(format!("the server failed: {e}")))?;
    eprintln!("votelab workshop stopped");
    Ok(())
}

/// Put back the jobs of the state folder: finished ones with their results, cancelled ones, and
/// unfinished ones queued again (a request that no longer fits this server's limits fails with
/// the reason). Returns how many jobs were found.
fn resume(
    pool: &Pool<experiment::Experiment, experiment::JobInfo>,
    session: &experiment::Session,
    limits: &ServerLimits,
) -> usize {
    let saved = session.store.load_all();
    let found = saved.len();
    for job in saved {
        match job.ended {
            Some(store::Ended::Done(outcome)) => {
                let seconds = outcome.seconds;
                pool.restore(job.id, jobs::State::Done(Arc::new(outcome)), job.info, seconds);
            }
            Some(store::Ended::Cancelled) => pool.restore(job.id, jobs::State::Cancelled, job.info, 0.0),
            None => match experiment::prepare(&job.info.request, limits) {
                Ok((mut work, _)) => {
                    work.session = Some(session.clone());
                    pool.resume(job.id, work, job.info);
                }
                Err(e) => pool.restore(
                    job.id,
                    jobs::State::Failed(format!("cannot resume after a restart: {}", e.error)),
                    job.info,
                    0.0,
                ),
            },
        }
    }
    found
}

/// Print how participants join: every address of this machine (when listening beyond the
/// loopback), and in room mode the code, the join link as a QR code and the facilitator's page.
/// Returns the join links.
fn announce(state: &AppState, bound: SocketAddr) -> Vec<String> {
    let port = bound.port();
    let mut hosts: Vec<String> = if bound.ip().is_unspecified() {
        room::addresses().into_iter().filter(|ip| bound.is_ipv6() || ip.is_ipv4()).map(|ip| ip.to_string()).collect()
    } else {
        vec![bound.ip().to_string()]
    };
    // Addresses of other machines' networks first; the loopback serves only this one.
    hosts.sort_by_key(|h| h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()));
    if let Some(name) = state.host_names.as_ref().and_then(|n| n.machine.clone()) {
        hosts.insert(hosts.iter().position(|h| h.starts_with("127.") || h == "::1").unwrap_or(hosts.len()), name);
    }
    let urls: Vec<String> = hosts.iter().map(|h| room::url_of(h, port)).collect();
    let Some(room) = &state.room else {
        if !state.loopback_only {
            println!("listening on {bound}: anyone who can reach this machine can run jobs; it answers at");
            for url in &urls {
                println!("  {url}");
            }
        }
        return urls;
    };
    let links: Vec<String> = urls.iter().map(|u| room::join_link(u, &room.code)).collect();
    println!("room code: {}", room.code);
    println!("participants join at any of these addresses (the room code is in the link):");
    for link in &links {
        println!("  {link}");
    }
    let loopback = room::url_of("127.0.0.1", port);
    println!("facilitator page (keep it to yourself): {loopback}facilitator?key={}", room.facilitator_key);
    if let Some(qr) = links.first().and_then(|l| room::qr_text(l)) {
        println!("scan to join ({}):\n{qr}", links[0]);
    }
    links
}

/// Wait for Ctrl-C or SIGTERM, then cancel the jobs so that open requests (long polls) end.
/// A second signal exits at once.
async fn shutdown(state: Arc<AppState>) {
    signal().await;
    eprintln!("stopping: cancelling running jobs after their current step");
    tokio::spawn(async {
        signal().await;
        std::process::exit(130);
    });
    // Stopping joins the worker threads, which may take a step: not on the async runtime.
    let _ = tokio::task::spawn_blocking(move || state.pool.stop()).await;
}

async fn signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(t) => t,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
