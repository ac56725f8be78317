//! `votelab robustness` (and its part of `votelab merge`): run a scenario against a reference as
//! a paired comparison with common random numbers for each of N parameter sets drawn by Latin
//! hypercube over the plausible ranges of the uncertain assumptions (`crate::scenario::plausible`),
//! optionally one deterministic shard of the (draw × arm × replicate) jobs; join shard folders
//! into a result byte-identical to the unsharded run.

use super::files::{Output, results_target};
use super::interrupt::Progress;
use super::report::write_results;
use super::run::{check_duration, limits, load, sim_overrides, threads, voter_steps};
use super::{Failure, SimArgs};
use crate::output::compare::{last_election, represented};
use crate::output::labelled;
use crate::output::robustness::{
    RobustRunRow, RobustnessFile, design, parse_draws, parse_meta, parse_runs, robustness_files, rows_of,
};
use crate::output::table::{columns, wrap};
use crate::output::{VERSION, overrides_of};
use crate::scenario::plausible::{self, PlausibleRange, UNCERTAIN_SECTIONS, ron_number};
use crate::scenario::{Loaded, Override, Scenario};
use crate::sim;
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Most parameter sets accepted.
const MAX_DRAWS: usize = 10_000;

/// Largest run accepted without `--force` (draws × 2 × replicates).
const MAX_JOBS: usize = 100_000;

/// The options of `votelab robustness`.
pub struct RobustnessArgs<'a> {
    /// Scenario file or built-in name.
    pub scenario: Option<&'a str>,
    /// The reference (default `baseline`).
    pub reference: Option<&'a str>,
    /// Parameter sets to draw.
    pub draws: usize,
    /// `--assumptions` patterns.
    pub patterns: &'a [String],
    /// `--shard I/N`.
    pub shard: Option<&'a str>,
    /// `--list`: print the assumptions and stop.
    pub list: bool,
}

/// Print the selected assumptions with their ranges and sources.
fn list(selected: &[&PlausibleRange]) {
    let mut rows = vec![vec!["parameter".to_string(), "low".into(), "high".into(), "source".into()]];
    for r in selected {
        rows.push(vec![r.path.clone(), ron_number(r.low), ron_number(r.high), r.source.clone()]);
    }
    print!("{}", columns(&rows));
    println!(
        "\n{} assumptions, from src/scenario/plausible.ron (sections counted as uncertain: {}).",
        selected.len(),
        UNCERTAIN_SECTIONS.join(", ")
    );
}

/// `votelab robustness`.
pub fn robustness(a: &RobustnessArgs, args: &SimArgs) -> Result<(), Failure> {
    let selected = plausible::selected(a.patterns);
    if selected.is_empty() {
        eprintln!(
            "error: `--assumptions {}` matches no assumption; `votelab robustness --list` lists them \
             (patterns: a path, a section such as `effects`, or `*` for any text, e.g. `effects.*`)",
            a.patterns.join(",")
        );
        return Err(Failure::BadInput);
    }
    if a.list {
        list(&selected);
        return Ok(());
    }
    let Some(scenario_ref) = a.scenario else {
        eprintln!("error: name the scenario: votelab robustness SCENARIO [REFERENCE] --draws N");
        return Err(Failure::BadInput);
    };
    let reference_ref = a.reference.unwrap_or("baseline");
    if a.draws == 0 || a.draws > MAX_DRAWS {
        eprintln!("error: `--draws {}` must be between 1 and {MAX_DRAWS}", a.draws);
        return Err(Failure::BadInput);
    }
    let shard = super::sweep::shard_flag(a.shard)?;
    let threads = threads(args);
    sim::init_threads(threads);
    let sets = sim_overrides(args)?;
    let limits = limits(args.force, threads as u64);
    let reference = load(reference_ref, &sets, &limits)?;
    let mut scenario = load(scenario_ref, &sets, &limits)?;
    // Common random numbers: the scenario runs the reference's seed and replicates.
    scenario.scenario.seed = reference.scenario.seed;
    scenario.scenario.replicates = reference.scenario.replicates;

    // The assumptions drawn: those both scenarios have as numbers and `--set` does not fix.
    let present = |l: &Loaded| plausible::numeric_parameters(&l.resolved_ron, UNCERTAIN_SECTIONS);
    let (in_reference, in_scenario) = (present(&reference), present(&scenario));
    let mut assumptions: Vec<PlausibleRange> = Vec::new();
    let mut not_drawn = Vec::new();
    for r in selected {
        let has = |p: &[(String, f64)]| p.iter().any(|(path, _)| *path == r.path);
        if sets.iter().any(|o| o.path == r.path) {
            not_drawn.push(format!("{} (fixed by --set)", r.path));
        } else if !has(&in_reference) || !has(&in_scenario) {
            not_drawn.push(format!("{} (not a parameter of these scenarios as written)", r.path));
        } else {
            assumptions.push(r.clone());
        }
    }
    if assumptions.is_empty() {
        eprintln!("error: none of the selected assumptions can be drawn: {}", not_drawn.join("; "));
        return Err(Failure::BadInput);
    }
    let seed = reference.scenario.seed;
    let replicates = reference.scenario.replicates;
    let values = design(seed, a.draws, &assumptions);
    let jobs_total = a.draws * 2 * replicates as usize;
    if jobs_total > MAX_JOBS && !args.force {
        eprintln!(
            "error: the run has {jobs_total} jobs (draws × 2 × replicates), more than {MAX_JOBS}; use --force to run it anyway"
        );
        return Err(Failure::BadInput);
    }
    // Every parameter set of both arms is loaded and validated before anything runs.
    let mut arms: Vec<[Arc<Scenario>; 2]> = Vec::with_capacity(a.draws);
    for v in &values {
        let mut o = sets.clone();
        o.extend(assumptions.iter().zip(v).map(|(r, x)| Override { path: r.path.clone(), value: ron_number(*x) }));
        let r = load(reference_ref, &o, &limits)?;
        let mut s = load(scenario_ref, &o, &limits)?;
        s.scenario.seed = seed;
        s.scenario.replicates = replicates;
        arms.push([Arc::new(r.scenario), Arc::new(s.scenario)]);
    }
    let jobs: Vec<(usize, u8, u32)> =
        (0..a.draws).flat_map(|d| (0..2u8).flat_map(move |arm| (0..replicates).map(move |r| (d, arm, r)))).collect();
    let mine: Vec<(usize, u8, u32)> =
        jobs.iter().enumerate().filter(|(j, _)| shard.is_none_or(|(i, n)| j % n == i)).map(|(_, &job)| job).collect();
    check_duration(mine.iter().map(|&(d, arm, _)| voter_steps(&arms[d][usize::from(arm)])).sum(), threads, args.force)?;
    let (name, reference_name) = (scenario.scenario.name.clone(), reference.scenario.name.clone());
    let default = match shard {
        Some((i, n)) => format!("robustness-{name}-vs-{reference_name}-shard-{i}-of-{n}"),
        None => format!("robustness-{name}-vs-{reference_name}"),
    };
    let target = results_target(args.out.as_deref(), &default);
    let out = Output::prepare(&target, args.force)?;

    let steps: u64 =
        mine.iter().map(|&(d, arm, _)| sim::timeline::plan(&arms[d][usize::from(arm)].timeline).len() as u64).sum();
    let progress = Progress::new(steps, mine.len(), "jobs", args.quiet, "robustness");
    let per_job: Vec<Vec<RobustRunRow>> = mine
        .par_iter()
        .map(|&(d, arm, r)| progress.run(arms[d][usize::from(arm)].clone(), r).map(|log| rows_of(d, arm, r, &log)))
        .collect::<Result<_, _>>()
        .map_err(|_| progress.cancelled())?;
    let mut rows: Vec<RobustRunRow> = per_job.into_iter().flatten().collect();
    progress.finish();

    let s = &reference.scenario;
    let elections = s.timeline.elections as usize;
    let meta = RobustnessFile {
        at: last_election(&reference, elections),
        assumptions,
        cohorts: s.population.cohorts.iter().map(|c| c.name.clone()).collect(),
        draws: a.draws,
        effects: Vec::new(),
        elections,
        influence: Vec::new(),
        not_drawn,
        overrides: overrides_of(&reference),
        parties: s.parties.iter().map(|p| p.name.clone()).collect(),
        patterns: a.patterns.to_vec(),
        population: s.population.size,
        reference: reference_name.clone(),
        replicates: u64::from(replicates),
        represents: represented(&reference),
        scenario: name.clone(),
        seed,
        summary: Vec::new(),
        version: VERSION.to_string(),
    };
    let files = robustness_files(&meta, &values, &mut rows, shard);
    write_results(&out, &files, shard.is_none(), args.png)?;
    progress.check()?;
    let folder = out.commit()?;
    if args.json && shard.is_none() {
        print!("{}", files.get("robustness.json").unwrap_or_default());
        // stdout is the JSON alone; where the files are goes to stderr.
        eprintln!("Results written to {}", folder.display());
        return Ok(());
    }
    if shard.is_none() {
        print_results(&files);
    } else {
        println!(
            "Robustness of {name} against {}: shard {}/{} ({} of {jobs_total} jobs)",
            labelled(&reference_name, &meta.overrides),
            shard.map_or(0, |s| s.0),
            shard.map_or(1, |s| s.1),
            mine.len()
        );
        println!("Join the shard folders with: votelab merge DIR... --out DIR");
    }
    println!("Results written to {}", folder.display());
    Ok(())
}

/// The terminal table of a finished run and its summary.
fn print_results(files: &crate::output::folder::ResultsFolder) {
    let Some(doc) = files.get("robustness.json").and_then(|t| parse_meta(t).ok()) else { return };
    println!(
        "Robustness of {} against {} — {} parameter sets of {} assumptions, {} replicates each with common random \
         numbers, {} voters, seed {}\n",
        doc.scenario,
        labelled(&doc.reference, &doc.overrides),
        doc.draws,
        doc.assumptions.len(),
        doc.replicates,
        doc.population,
        doc.seed
    );
    let mut rows = vec![vec![
        "metric (election ".to_string() + &doc.elections.to_string() + ")",
        "median".into(),
        "5%".into(),
        "95%".into(),
        "same sign".into(),
        "meaningful".into(),
        "smd".into(),
    ]];
    for r in doc.effects.iter().filter(|r| r.election == doc.elections) {
        let path: Vec<&str> = r.metric.split('/').collect();
        let decimals = crate::metrics::catalogue::by_path(&path)
            .map(|(def, _)| def.difference_decimals(r.median).max(def.kind.decimals()))
            .unwrap_or(3);
        let mark = if r.share_meaningful >= 0.5 { "*" } else { "~" };
        rows.push(vec![
            format!("{} ({})", r.label, r.unit),
            format!("{:+.*}{mark}", decimals, r.median),
            format!("{:+.*}", decimals, r.p05),
            format!("{:+.*}", decimals, r.p95),
            format!("{:.0}%", 100.0 * r.share_same_sign),
            format!("{:.0}%", 100.0 * r.share_meaningful),
            format!("{}", r.smallest_meaningful_difference),
        ]);
    }
    print!("{}", columns(&rows));
    println!(
        "\nmedian: of the mean paired differences over the parameter sets; 5%, 95%: the range of the middle 90% of \
         them;\nsame sign: share of sets with the median's sign; meaningful: share with an effect of at least the \
         smallest\nmeaningful difference (smd). * meaningful in at least half of the sets; ~ negligible in most.\n"
    );
    print!("{}", wrap(&doc.summary.join(" "), 100));
}

fn read(dir: &Path, name: &str) -> Result<String, Failure> {
    fs::read_to_string(dir.join(name)).map_err(|e| {
        eprintln!("error: {} is not a robustness folder: cannot read {name}: {e}", dir.display());
        Failure::BadInput
    })
}

/// `votelab merge DIR... --out DIR` for the shards of a robustness run.
pub fn merge(dirs: &[PathBuf], out_dir: &Path, force: bool, png: bool) -> Result<(), Failure> {
    let meta_text = read(&dirs[0], "robustness.json")?;
    let draws_text = read(&dirs[0], "draws.csv")?;
    let mut rows = Vec::new();
    for d in dirs {
        if read(d, "robustness.json")? != meta_text || read(d, "draws.csv")? != draws_text {
            eprintln!("error: {} belongs to a different robustness run than {}", d.display(), dirs[0].display());
            return Err(Failure::BadInput);
        }
        if !d.join("shard.txt").exists() {
            eprintln!("error: {} is not a shard (it has no shard.txt)", d.display());
            return Err(Failure::BadInput);
        }
        rows.extend(parse_runs(&read(d, "runs.csv")?).map_err(|e| {
            eprintln!("error: {}: {e}", d.display());
            Failure::BadInput
        })?);
    }
    let meta = parse_meta(&meta_text).map_err(|e| {
        eprintln!("error: {}: robustness.json: {e}", dirs[0].display());
        Failure::BadInput
    })?;
    let values = parse_draws(&draws_text, &meta.assumptions).map_err(|e| {
        eprintln!("error: {}: draws.csv {e}", dirs[0].display());
        Failure::BadInput
    })?;
    let mut jobs: Vec<(usize, u8, u32)> = rows.iter().map(|r| (r.draw, r.arm, r.replicate)).collect();
    jobs.sort_unstable();
    jobs.dedup();
    let expected = meta.draws * 2 * meta.replicates as usize;
    if jobs.len() != expected
        || rows.len()
            != rows
                .iter()
                .map(|r| (r.draw, r.arm, r.replicate, r.election, r.metric.as_str()))
                .collect::<std::collections::BTreeSet<_>>()
                .len()
    {
        eprintln!(
            "error: the folders hold {} of the run's {expected} jobs; a shard is missing or was given twice",
            jobs.len()
        );
        return Err(Failure::BadInput);
    }
    let out = Output::prepare(out_dir, force)?;
    let files = robustness_files(&meta, &values, &mut rows, None);
    write_results(&out, &files, true, png)?;
    let folder = out.commit()?;
    println!("Merged {} folders ({} jobs)", dirs.len(), jobs.len());
    print_results(&files);
    println!("Results written to {}", folder.display());
    Ok(())
}
