//! `votelab run`, `check` and `scenarios`: load and validate scenarios, simulate replicates in
//! parallel with a progress bar, write the results folder and print the table.

use super::files::{self, Output, results_target};
use super::interrupt::{self, Progress};
use super::report::write_results;
use super::{Failure, SimArgs, diagnostics};
use crate::metrics::MetricsLog;
use crate::output::{self, RunSummary, table};
use crate::phases::Phase;
use crate::scenario::{self, Limits, Loaded, Override, Scenario, ScenarioError, SourceRef, builtin};
use crate::sim::{self, Cancelled};
use rayon::prelude::*;
use std::sync::Arc;

/// Parse `--set` (or `flag`) texts, printing problems.
pub fn overrides(sets: &[String], flag: &str) -> Result<Vec<Override>, Failure> {
    let mut out = Vec::new();
    for s in sets {
        match Override::parse(s) {
            Ok(o) => out.push(o),
            Err(mut e) => {
                for p in &mut e.problems {
                    p.message = p.message.replace("`--set ", &format!("`{flag} "));
                }
                diagnostics::print(&e);
                return Err(Failure::BadInput);
            }
        }
    }
    Ok(out)
}

/// Load a scenario as the user named it, printing problems.
pub fn load(reference: &str, overrides: &[Override], limits: &Limits) -> Result<Loaded, Failure> {
    scenario::load(&SourceRef::from_user(reference), overrides, &files::read, limits).map_err(|e: ScenarioError| {
        diagnostics::print(&e);
        Failure::BadInput
    })
}

pub fn threads(args: &SimArgs) -> usize {
    args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// The `--replicates`, `--seed` and `--set` flags as overrides.
pub fn sim_overrides(args: &SimArgs) -> Result<Vec<Override>, Failure> {
    let mut sets = overrides(&args.sets, "--set")?;
    if let Some(r) = args.replicates {
        sets.push(Override { path: "replicates".into(), value: r.to_string() });
    }
    if let Some(s) = args.seed {
        sets.push(Override { path: "seed".into(), value: s.to_string() });
    }
    if let Some(n) = args.voters {
        sets.push(Override { path: "population.size".into(), value: n.to_string() });
    }
    Ok(sets)
}

/// Time one voter-step takes on one core (about 600 ns for the baseline in a release build).
pub(crate) const SECONDS_PER_VOTER_STEP: f64 = 600e-9;
/// Longest run accepted without `--force`.
const MAX_RUN_SECONDS: f64 = 24.0 * 3600.0;

/// Voter-steps of one replicate of a scenario.
pub fn voter_steps(s: &Scenario) -> f64 {
    s.population.size as f64 * sim::timeline::plan(&s.timeline).len() as f64
}

/// The resource limits for loading scenarios: the memory available, unless `--force`.
pub fn limits(force: bool, concurrent_worlds: u64) -> Limits {
    Limits { memory_bytes: if force { None } else { files::available_memory() }, concurrent_worlds }
}

/// Refuse, before anything is simulated, work of `voter_steps` in total that would take longer
/// than [`MAX_RUN_SECONDS`] on `threads` threads, unless forced.
pub fn check_duration(voter_steps: f64, threads: usize, force: bool) -> Result<(), Failure> {
    let threads = threads.max(1);
    let seconds = voter_steps * SECONDS_PER_VOTER_STEP / threads as f64;
    if force || seconds <= MAX_RUN_SECONDS {
        return Ok(());
    }
    eprintln!(
        "error: this would take about {} ({voter_steps:.2e} voter-steps × ~{:.0} ns ÷ {threads} thread(s)), more than the limit of {}; \
         lower population.size, the replicates or the grid, or use --force to run it anyway",
        duration(seconds),
        SECONDS_PER_VOTER_STEP * 1e9,
        duration(MAX_RUN_SECONDS),
    );
    Err(Failure::BadInput)
}

/// A duration in words: hours up to two days, then days, then years.
fn duration(seconds: f64) -> String {
    let hours = seconds / 3600.0;
    if hours <= 48.0 {
        format!("{hours:.0} h")
    } else if hours <= 2.0 * 8766.0 {
        format!("{:.1} days", hours / 24.0)
    } else {
        format!("{:.1} years", hours / 8766.0)
    }
}

/// Simulate every replicate of a scenario in parallel.
pub fn simulate(loaded: &Loaded, progress: &Progress) -> Result<Vec<MetricsLog>, Cancelled> {
    let scenario = Arc::new(loaded.scenario.clone());
    (0..loaded.scenario.replicates).into_par_iter().map(|r| progress.run(scenario.clone(), r)).collect()
}

/// Simulate replicates one after another, timing each phase, and print the times to stderr.
fn simulate_profiled(loaded: &Loaded, progress: &Progress) -> Result<Vec<MetricsLog>, Cancelled> {
    let scenario = Arc::new(loaded.scenario.clone());
    let mut logs = Vec::new();
    let (mut build, mut phases) = (0.0, [0.0f64; Phase::COUNT]);
    for r in 0..loaded.scenario.replicates {
        if interrupt::received().is_some() {
            return Err(Cancelled);
        }
        // One replicate at a time: its per-voter loops use every thread there is.
        let parallel_voters = rayon::current_num_threads() > 1;
        let (log, b, times) = sim::run_replicate_profiled(scenario.clone(), r, parallel_voters, || progress.step())?;
        progress.job_done();
        logs.push(log);
        build += b;
        for (total, t) in phases.iter_mut().zip(times) {
            *total += t;
        }
    }
    let total: f64 = build + phases.iter().sum::<f64>();
    let voter_steps = loaded.scenario.population.size as f64
        * sim::timeline::plan(&loaded.scenario.timeline).len() as f64
        * f64::from(loaded.scenario.replicates);
    progress.bar().suspend(|| {
        eprintln!("time per phase over {} replicate(s):", loaded.scenario.replicates);
        eprintln!("  {:<20} {:>8.2} s {:>5.1}%", "build world", build, 100.0 * build / total);
        for (phase, t) in Phase::ALL.into_iter().zip(phases) {
            eprintln!("  {:<20} {:>8.2} s {:>5.1}%", phase.name(), t, 100.0 * t / total);
        }
        eprintln!("  {:<20} {:>8.2} s   ({:.0} ns per voter-step)", "total", total, 1e9 * total / voter_steps);
    });
    Ok(logs)
}

/// `votelab run`.
pub fn run(reference: Option<&str>, args: &SimArgs) -> Result<(), Failure> {
    let threads = threads(args);
    sim::init_threads(threads);
    let sets = sim_overrides(args)?;
    let reference = reference.unwrap_or("baseline");
    let replicates_hint = u64::from(args.replicates.unwrap_or(8));
    let loaded = load(reference, &sets, &limits(args.force, (threads as u64).min(replicates_hint)))?;
    let s = &loaded.scenario;
    check_duration(voter_steps(s) * f64::from(s.replicates), threads, args.force)?;
    let target = results_target(args.out.as_deref(), &s.name);
    let out = Output::prepare(&target, args.force)?;

    let steps = sim::timeline::plan(&s.timeline).len() as u64;
    let progress =
        Progress::new(steps * u64::from(s.replicates), s.replicates as usize, "replicates", args.quiet, &s.name);
    let logs = if args.profile { simulate_profiled(&loaded, &progress) } else { simulate(&loaded, &progress) };
    let logs = logs.map_err(|Cancelled| progress.cancelled())?;
    progress.finish();

    let files = output::run_files(&loaded, &logs);
    write_results(&out, &files, true, args.png)?;
    progress.check()?;
    let folder = out.commit()?;
    if args.json {
        print!("{}", files.get("summary.json").unwrap_or_default());
        // stdout is the JSON alone; where the files are goes to stderr.
        eprintln!("Results written to {}", folder.display());
    } else {
        let name = output::labelled(&s.name, &output::overrides_of(&loaded));
        println!("{name} — {} voters, {} replicates, seed {}\n", s.population.size, s.replicates, s.seed);
        print!("{}", table::run_table(s, &RunSummary::of(&logs)));
        println!("\nResults written to {}", folder.display());
    }
    Ok(())
}

/// `votelab check`.
pub fn check(references: &[String], print: bool, sets: &[String]) -> Result<(), Failure> {
    let sets = overrides(sets, "--set")?;
    let limits = Limits { memory_bytes: files::available_memory(), concurrent_worlds: 1 };
    let mut failed = false;
    for r in references {
        match load(r, &sets, &limits) {
            Ok(loaded) => {
                if print {
                    println!("{}", scenario::load::annotated_ron(&loaded.resolved_ron));
                } else {
                    println!("ok: {r} ({})", loaded.scenario.name);
                }
            }
            Err(_) => failed = true,
        }
    }
    if failed { Err(Failure::BadInput) } else { Ok(()) }
}

/// `votelab scenarios`.
pub fn list_scenarios() -> Result<(), Failure> {
    let read = |_: &std::path::Path| Err(std::io::Error::other("built-ins only"));
    let mut rows = vec![vec!["name".to_string(), "description".to_string()]];
    for name in builtin::names() {
        let description = scenario::load(&SourceRef::Builtin(name.into()), &[], &read, &Limits::default())
            .map(|l| l.scenario.description)
            .unwrap_or_else(|e| format!("(invalid: {e})"));
        rows.push(vec![name.to_string(), description]);
    }
    for row in rows {
        println!("{:<28} {}", row[0], row[1]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_longer_than_a_day_are_refused_unless_forced() {
        // 1.5e11 voter-steps × 600 ns = 25 h on one thread.
        assert!(matches!(check_duration(1.5e11, 1, false), Err(Failure::BadInput)));
        assert!(check_duration(1.5e11, 1, true).is_ok());
        assert!(check_duration(1.5e11, 2, false).is_ok());
    }

    #[test]
    fn durations_read_in_sensible_units() {
        assert_eq!(duration(3600.0 * 30.0), "30 h");
        assert_eq!(duration(3600.0 * 24.0 * 7.5), "7.5 days");
        assert_eq!(duration(3600.0 * 8766.0 * 3.0), "3.0 years");
    }
}
