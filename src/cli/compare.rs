//! `votelab compare` and the default comparison: run several scenarios with common random numbers
//! (same seed and replicates), write `comparison.json`, each scenario's files and the report, and
//! print the headline table of paired differences from the first scenario.

use super::files::{Output, results_target};
use super::interrupt::Progress;
use super::report::write_results;
use super::run::{check_duration, limits, load, overrides, sim_overrides, threads, voter_steps};
use super::{Failure, SimArgs};
use crate::metrics::MetricsLog;
use crate::output::compare::{Compared, comparison_file, comparison_files, headline_table};
use crate::output::table::wrap;
use crate::output::{labelled, overrides_of};
use crate::scenario::{Loaded, Override, builtin, load::to_ron};
use crate::sim;
use rayon::prelude::*;
use std::sync::Arc;

/// Size of the default comparison: small enough to finish in about a minute on two cores.
pub const QUICK_POPULATION: u64 = 8_000;
/// Replicates of the default comparison.
pub const QUICK_REPLICATES: u32 = 4;

/// `votelab` with no arguments: the baseline against every library scenario, at a quick size.
pub fn default_comparison(args: &SimArgs) -> Result<(), Failure> {
    let mut args = args.clone();
    args.voters = args.voters.or(Some(QUICK_POPULATION));
    args.replicates = args.replicates.or(Some(QUICK_REPLICATES));
    let names: Vec<String> = builtin::names().map(str::to_string).collect();
    let (voters, replicates) = (args.voters.unwrap_or(QUICK_POPULATION), args.replicates.unwrap_or(QUICK_REPLICATES));
    if !args.quiet {
        eprintln!(
            "Comparing the baseline with the {} regulation scenarios of the library ({voters} voters × {replicates} \
             replicates each, common random numbers); at this size it usually takes under a minute on two cores.\n\
             `votelab scenarios` lists them; `votelab compare baseline NAME` runs one.",
            names.len().saturating_sub(1)
        );
    }
    compare(&names, &[], &args)?;
    println!(
        "\nThis was the quick comparison ({voters} voters × {replicates} replicates). For tighter intervals run e.g.\n  votelab compare baseline netzdg-24h --replicates 16"
    );
    Ok(())
}

/// `votelab compare A B ...`: `--set` (in `args`) applies to every scenario, the reference
/// included; `scenario_sets` (`--set-scenario`) only to the scenarios compared with it.
pub fn compare(references: &[String], scenario_sets: &[String], args: &SimArgs) -> Result<(), Failure> {
    let threads = threads(args);
    sim::init_threads(threads);
    let sets: Vec<Override> = sim_overrides(args)?;
    let compared_sets: Vec<Override> = [sets.clone(), overrides(scenario_sets, "--set-scenario")?].concat();
    let limits = limits(args.force, threads as u64);
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut failed = false;
    for (i, r) in references.iter().enumerate() {
        match load(r, if i == 0 { &sets } else { &compared_sets }, &limits) {
            Ok(l) => loaded.push(l),
            Err(_) => failed = true,
        }
    }
    if failed {
        return Err(Failure::BadInput);
    }
    // Common random numbers: every scenario runs the reference's seed and replicates.
    let (seed, replicates) = (loaded[0].scenario.seed, loaded[0].scenario.replicates);
    for l in &mut loaded[1..] {
        if l.scenario.seed != seed || l.scenario.replicates != replicates {
            l.scenario.seed = seed;
            l.scenario.replicates = replicates;
            l.resolved_ron = to_ron(&l.scenario);
        }
    }
    let work: f64 = loaded.iter().map(|l| voter_steps(&l.scenario)).sum::<f64>() * f64::from(replicates);
    check_duration(work, threads, args.force)?;
    let names: Vec<&str> = loaded.iter().map(|l| l.scenario.name.as_str()).collect();
    let default_name = match names.as_slice() {
        [a, b] => format!("compare-{a}-vs-{b}"),
        [a, rest @ ..] => format!("compare-{a}-vs-{}-scenarios", rest.len()),
        [] => "compare".into(),
    };
    let target = results_target(args.out.as_deref(), &default_name);
    let out = Output::prepare(&target, args.force)?;

    let steps: u64 = loaded.iter().map(|l| sim::timeline::plan(&l.scenario.timeline).len() as u64).sum();
    let jobs: Vec<(usize, u32)> = (0..loaded.len()).flat_map(|s| (0..replicates).map(move |r| (s, r))).collect();
    let progress = Progress::new(steps * u64::from(replicates), jobs.len(), "replicates", args.quiet, "compare");
    let shared: Vec<Arc<crate::scenario::Scenario>> = loaded.iter().map(|l| Arc::new(l.scenario.clone())).collect();
    let mut logs: Vec<MetricsLog> = jobs
        .par_iter()
        .map(|&(s, r)| progress.run(shared[s].clone(), r))
        .collect::<Result<_, _>>()
        .map_err(|_| progress.cancelled())?;
    progress.finish();

    let mut per_scenario: Vec<Vec<MetricsLog>> = Vec::new();
    for _ in &loaded {
        let rest = logs.split_off(replicates as usize);
        per_scenario.push(std::mem::replace(&mut logs, rest));
    }
    let compared: Vec<Compared> =
        loaded.iter().zip(&per_scenario).map(|(l, logs)| Compared { loaded: l, logs }).collect();
    let files = comparison_files(&compared);
    write_results(&out, &files, true, args.png)?;
    progress.check()?;
    let folder = out.commit()?;
    if args.json {
        print!("{}", files.get("comparison.json").unwrap_or_default());
        // stdout is the JSON alone; where the files are goes to stderr.
        eprintln!("Results written to {}", folder.display());
        return Ok(());
    }
    let s = &loaded[0].scenario;
    println!(
        "Comparison against {} — {} voters, {} replicates with common random numbers, seed {}\n",
        labelled(&s.name, &overrides_of(&loaded[0])),
        s.population.size,
        replicates,
        s.seed
    );
    print!("{}", headline_table(&compared));
    println!(
        "\nFirst row: the reference's values (means over replicates; turnout and youngest-cohort turnout per election,\n\
         the rest at the last election). Other rows: the paired difference from the reference, replicate by replicate;\n\
         * detectable and meaningful: the 95% interval excludes zero and the difference is at least the metric's\n\
         smallest meaningful difference; ~ detectable but negligible: smaller than that (docs/MODEL.md §7.10)."
    );
    if let Some(doc) = comparison_file(&compared) {
        for s in doc.scenarios.iter().filter(|s| !s.summary.is_empty()) {
            println!("\n{}:\n{}", s.name, wrap(&s.summary.join(" "), 100));
        }
    }
    println!("\nResults written to {}", folder.display());
    Ok(())
}
