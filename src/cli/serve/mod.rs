//! `votelab serve`: workshop mode. A local web server with one page that lists the built-in
//! scenarios, shows the chosen scenario's regulation levers as controls, runs it against the
//! baseline with live progress, and shows the report's charts and the paired differences; plus
//! the JSON API the page and scripts use (see the README's "Workshop mode").
//!
//! Reads the command-line flags and the machine's memory; listens on the network (loopback by
//! default) and prints the URL to stdout. Ctrl-C or SIGTERM stops it: running jobs stop after
//! their current step, open requests finish, and the process exits 0.
//!
//! Modules: `api` (routes), `jobs` (the bounded pool), `experiment` (what a job does), `page`
//! (the embedded page), `archive` (the zip), `errors` (JSON error answers).

mod api;
mod archive;
mod errors;
mod experiment;
mod jobs;
mod page;

use super::{Failure, files};
use crate::sim;
use api::AppState;
use clap::Args;
use experiment::ServerLimits;
use jobs::{Pool, PoolConfig};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Options of `votelab serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one (the URL printed says which).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. The default, loopback, admits only this machine; 0.0.0.0 admits the
    /// network (anyone who can reach it can run jobs).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
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
    /// Jobs that may wait for a free slot; beyond that, requests get 429.
    #[arg(long, default_value_t = 4)]
    queue: usize,
    /// Simulation threads (default: all cores). Results are identical for any value.
    #[arg(long)]
    threads: Option<usize>,
}

/// Largest request body accepted, in bytes (a scenario file is a few kilobytes).
const MAX_BODY: usize = 256 * 1024;
/// Finished jobs kept in memory for their downloads.
const KEEP_FINISHED: usize = 16;

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
    let pool = Pool::start(PoolConfig { workers: args.jobs, queue: args.queue, keep: KEEP_FINISHED });
    let state = Arc::new(AppState { pool, limits, max_body: MAX_BODY, loopback_only: args.bind.is_loopback() });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(format!("cannot start the server: {e}")))?;
    let outcome = runtime.block_on(listen(SocketAddr::new(args.bind, args.port), state.clone()));
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
    if !state.loopback_only {
        println!("listening on {bound}: anyone who can reach this machine can run jobs");
    }
    let _ = std::io::stdout().flush();
    let app = api::router(state.clone());
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown(state))
        .await
        .map_err(|e| Failure::Other(format!("the server failed: {e}")))?;
    eprintln!("votelab workshop stopped");
    Ok(())
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
