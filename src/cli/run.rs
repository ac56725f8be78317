//! `votelab run`, `check` and `scenarios`: load and validate scenarios, simulate replicates in
//! parallel with a progress bar, write the results folder and print the table.

use super::files::{self, Output};
use super::interrupt::{self, Progress};
use super::{Failure, SimArgs, diagnostics};
use crate::metrics::MetricsLog;
use crate::output::{self, RunSummary, table};
use crate::scenario::{self, Limits, Loaded, Override, ScenarioError, SourceRef, builtin};
use crate::sim::{self, Cancelled};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Parse `--set` texts, printing problems.
fn overrides(sets: &[String]) -> Result<Vec<Override>, Failure> {
    let mut out = Vec::new();
    for s in sets {
        match Override::parse(s) {
            Ok(o) => out.push(o),
            Err(e) => {
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
    let mut sets = overrides(&args.sets)?;
    if let Some(r) = args.replicates {
        sets.push(Override { path: "replicates".into(), value: r.to_string() });
    }
    if let Some(s) = args.seed {
        sets.push(Override { path: "seed".into(), value: s.to_string() });
    }
    Ok(sets)
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
    let (mut build, mut phases) = (0.0, [0.0f64; 7]);
    for r in 0..loaded.scenario.replicates {
        if interrupt::received().is_some() {
            return Err(Cancelled);
        }
        let (log, b, times) = sim::run_replicate_profiled(scenario.clone(), r, || progress.step())?;
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
        for (name, t) in crate::phases::PHASE_NAMES.iter().zip(phases) {
            eprintln!("  {:<20} {:>8.2} s {:>5.1}%", name, t, 100.0 * t / total);
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
    let limits =
        Limits { memory_bytes: files::available_memory(), concurrent_worlds: (threads as u64).min(replicates_hint) };
    let loaded = load(reference, &sets, &limits)?;
    let s = &loaded.scenario;
    let target = args.out.clone().unwrap_or_else(|| PathBuf::from("results").join(&s.name));
    let out = Output::prepare(&target, args.force)?;

    let steps = sim::timeline::plan(&s.timeline).len() as u64;
    let progress =
        Progress::new(steps * u64::from(s.replicates), s.replicates as usize, "replicates", args.quiet, &s.name);
    let logs = if args.profile { simulate_profiled(&loaded, &progress) } else { simulate(&loaded, &progress) };
    let logs = logs.map_err(|Cancelled| progress.cancelled())?;
    progress.finish();

    let summary = RunSummary::of(&logs);
    let json = output::summary_json(&loaded, &summary);
    out.write("summary.json", &json)?;
    out.write("timeseries.csv", &output::timeseries_csv(&logs))?;
    out.write("elections.csv", &output::elections_csv(&logs))?;
    out.write("scenario.ron", &loaded.resolved_ron)?;
    progress.check()?;
    let folder = out.commit()?;
    if args.json {
        print!("{json}");
    } else {
        println!("{} — {} voters, {} replicates, seed {}\n", s.name, s.population.size, s.replicates, s.seed);
        print!("{}", table::run_table(s, &summary));
        println!("\nResults written to {}", folder.display());
    }
    Ok(())
}

/// `votelab check`.
pub fn check(references: &[String], print: bool, sets: &[String]) -> Result<(), Failure> {
    let sets = overrides(sets)?;
    let limits = Limits { memory_bytes: files::available_memory(), concurrent_worlds: 1 };
    let mut failed = false;
    for r in references {
        match load(r, &sets, &limits) {
            Ok(loaded) => {
                if print {
                    println!("{}", loaded.resolved_ron);
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
