//! Ctrl-C (SIGINT) and SIGTERM during a simulation: the first signal asks the running replicates
//! to stop after their current step; the command then reports how far it got and returns
//! [`Failure::Interrupted`], so the results folder being prepared is dropped (nothing is written,
//! an earlier folder is untouched) and the process exits with 128 + the signal number. A second
//! signal terminates at once, in case stopping takes too long.

use super::Failure;
use crate::metrics::MetricsLog;
use crate::scenario::Scenario;
use crate::sim::{self, Cancelled};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// The signal received (0: none).
static SIGNAL: AtomicUsize = AtomicUsize::new(0);
/// Set by the first signal; a second one then runs the default action (terminate).
static ARMED: AtomicBool = AtomicBool::new(false);

/// Catch SIGINT and SIGTERM from now on. If the handlers cannot be installed the signals keep
/// their default action (terminate), which loses nothing already written.
pub fn install() {
    for signal in [SIGINT, SIGTERM] {
        // Order matters: the conditional default must see the flag from before this signal.
        let _ = flag::register_conditional_default(signal, &ARMED)
            .and_then(|_| flag::register_usize(signal, &SIGNAL, signal as usize))
            .and_then(|_| flag::register(signal, &ARMED));
    }
}

/// The signal that asked us to stop, if any.
pub fn received() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => i32::try_from(s).ok(),
    }
}

/// The progress of a command's simulations: a progress bar, plus counts of the steps and jobs
/// (replicates) done, to say how far it got when interrupted.
pub struct Progress {
    bar: ProgressBar,
    steps: AtomicU64,
    total_steps: u64,
    jobs_done: AtomicUsize,
    jobs: usize,
    /// What a job is, in the plural ("replicates", "jobs").
    unit: &'static str,
}

impl Progress {
    /// Progress over `total_steps` steps in `jobs` jobs; the bar (on stderr) is hidden when quiet.
    pub fn new(total_steps: u64, jobs: usize, unit: &'static str, quiet: bool, label: &str) -> Progress {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(Some(total_steps), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{prefix} [{elapsed_precise}] {wide_bar} {percent}% (eta {eta})")
            {
                bar.set_style(style);
            }
            bar.set_prefix(label.to_string());
            bar
        };
        Progress { bar, steps: AtomicU64::new(0), total_steps, jobs_done: AtomicUsize::new(0), jobs, unit }
    }

    /// Count a step; whether to go on.
    pub fn step(&self) -> bool {
        self.bar.inc(1);
        self.steps.fetch_add(1, Ordering::Relaxed);
        received().is_none()
    }

    /// Run one replicate, counting its steps, unless a signal has asked us to stop.
    pub fn run(&self, scenario: Arc<Scenario>, replicate: u32) -> Result<MetricsLog, Cancelled> {
        if received().is_some() {
            return Err(Cancelled);
        }
        // With at least one job per thread, each job keeps its own thread busy: splitting its
        // per-voter loops too would only add overhead.
        let parallel_voters = self.jobs < rayon::current_num_threads();
        let log = sim::run_replicate(scenario, replicate, parallel_voters, || self.step())?;
        self.job_done();
        Ok(log)
    }

    /// Count a finished job.
    pub fn job_done(&self) {
        self.jobs_done.fetch_add(1, Ordering::Relaxed);
    }

    /// The progress bar, e.g. to print around it.
    pub fn bar(&self) -> &ProgressBar {
        &self.bar
    }

    /// Clear the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// `Err(Failure::Interrupted)`, after saying how far the work got, if a signal has asked us
    /// to stop; call it before committing results.
    pub fn check(&self) -> Result<(), Failure> {
        match received() {
            None => Ok(()),
            Some(signal) => Err(self.interrupted(signal)),
        }
    }

    /// The outcome of a cancelled simulation: print how far it got.
    pub fn cancelled(&self) -> Failure {
        self.interrupted(received().unwrap_or(SIGINT))
    }

    fn interrupted(&self, signal: i32) -> Failure {
        self.bar.finish_and_clear();
        let steps = self.steps.load(Ordering::Relaxed);
        let percent = (steps.min(self.total_steps) * 100).checked_div(self.total_steps).unwrap_or(100);
        let name = if signal == SIGTERM { "SIGTERM" } else { "Ctrl-C (SIGINT)" };
        eprintln!(
            "interrupted by {name} after {percent}% ({} of {} {} finished); nothing was written",
            self.jobs_done.load(Ordering::Relaxed),
            self.jobs,
            self.unit
        );
        Failure::Interrupted(signal)
    }
}
