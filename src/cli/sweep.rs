//! `votelab sweep` and `votelab merge`: run a scenario over a grid of parameter values (several
//! `--vary` make a grid), optionally one deterministic shard of the (point × replicate) jobs, and
//! join shard folders into a result byte-identical to the unsharded run.

use super::files::{self, Output, results_target};
use super::interrupt::Progress;
use super::report::write_results;
use super::run::{check_duration, limits, load, sim_overrides, threads, voter_steps};
use super::{Failure, SimArgs, diagnostics};
use crate::output::files::{RunRow, SweepFile, parse_json};
use crate::output::sweep::{parse_points, parse_runs, rows_of, sweep_files, sweep_json};
use crate::scenario::tree::{self, Document, NodeKind};
use crate::scenario::{self, Loaded, Override, Problem, ScenarioError, SourceRef};
use crate::sim;
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest grid accepted (points × replicates).
const MAX_JOBS: usize = 100_000;

/// A `--vary PATH=[v1, v2, ...]`: the path and the RON text of each value.
fn parse_vary(text: &str) -> Result<(String, Vec<String>), ScenarioError> {
    let bad =
        |message: String| {
            ScenarioError::single(Problem::new("", message).expected(
                "--vary PATH=[v1, v2, ...], e.g. --vary regulation.takedown_hours=[None, Some(24.0), Some(1.0)]",
            ))
        };
    let Some((path, list)) = tree::split_assignment(text) else {
        return Err(bad(format!("`--vary {text}` has no `=`")));
    };
    let doc = tree::parse(list.trim(), &format!("--vary {}", path.trim())).map_err(|e| {
        let mut p = Problem::new(path.trim(), e.message).at(e.origin);
        p.help = e.help;
        ScenarioError {
            problems: vec![p],
            sources: vec![(format!("--vary {}", path.trim()).into(), list.trim().to_string())],
        }
    })?;
    let NodeKind::List(items) = doc.root.kind else {
        return Err(bad(format!("the values of `--vary {}` must be a list in [ ]", path.trim())));
    };
    if items.is_empty() {
        return Err(bad(format!("`--vary {}` lists no values", path.trim())));
    }
    let values = items
        .into_iter()
        .map(|item| tree::render(&Document { extensions: Vec::new(), root: item }).0.trim().to_string())
        .collect();
    Ok((path.trim().to_string(), values))
}

/// `I/N`.
fn parse_shard(text: &str) -> Option<(usize, usize)> {
    let (i, n) = text.split_once('/')?;
    let (i, n) = (i.trim().parse().ok()?, n.trim().parse().ok()?);
    (n > 0 && i < n).then_some((i, n))
}

/// `votelab sweep`.
pub fn sweep(reference: &str, varies: &[String], shard: Option<&str>, args: &SimArgs) -> Result<(), Failure> {
    let threads = threads(args);
    sim::init_threads(threads);
    let shard = match shard {
        None => None,
        Some(s) => match parse_shard(s) {
            Some(x) => Some(x),
            None => {
                eprintln!("error: `--shard {s}` must be I/N with 0 ≤ I < N, e.g. --shard 0/4");
                return Err(Failure::BadInput);
            }
        },
    };
    let mut axes = Vec::new();
    for v in varies {
        match parse_vary(v) {
            Ok(a) => axes.push(a),
            Err(e) => {
                diagnostics::print(&e);
                return Err(Failure::BadInput);
            }
        }
    }
    // The grid: the first --vary changes slowest.
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for (_, values) in &axes {
        points =
            points.iter().flat_map(|p| values.iter().map(move |v| [p.clone(), vec![v.clone()]].concat())).collect();
    }
    let sets = sim_overrides(args)?;
    let limits = limits(args.force, threads as u64);
    // The base scenario (with --set, without --vary), written as scenario.ron for rerunning. It
    // may be invalid on its own when a --vary completes it; then the folder has no scenario.ron.
    let base = scenario::load(&SourceRef::from_user(reference), &sets, &files::read, &limits).ok();
    let mut loaded: Vec<Loaded> = Vec::new();
    for point in &points {
        let mut o = sets.clone();
        o.extend(
            axes.iter().zip(point).map(|((path, _), value)| Override { path: path.clone(), value: value.clone() }),
        );
        loaded.push(load(reference, &o, &limits)?);
    }
    let replicates = loaded[0].scenario.replicates;
    let jobs: Vec<(usize, u32)> = (0..points.len()).flat_map(|p| (0..replicates).map(move |r| (p, r))).collect();
    if jobs.len() > MAX_JOBS && !args.force {
        eprintln!(
            "error: the sweep has {} jobs (points × replicates), more than {MAX_JOBS}; use --force to run it anyway",
            jobs.len()
        );
        return Err(Failure::BadInput);
    }
    let mine: Vec<(usize, u32)> =
        jobs.iter().enumerate().filter(|(j, _)| shard.is_none_or(|(i, n)| j % n == i)).map(|(_, &job)| job).collect();
    check_duration(mine.iter().map(|&(p, _)| voter_steps(&loaded[p].scenario)).sum(), threads, args.force)?;
    let paths: Vec<String> = axes.iter().map(|(p, _)| p.clone()).collect();
    let name = &loaded[0].scenario.name;
    let default = match shard {
        Some((i, n)) => format!("sweep-{name}-shard-{i}-of-{n}"),
        None => format!("sweep-{name}"),
    };
    let target = results_target(args.out.as_deref(), &default);
    let out = Output::prepare(&target, args.force)?;

    let steps: u64 = mine.iter().map(|&(p, _)| sim::timeline::plan(&loaded[p].scenario.timeline).len() as u64).sum();
    let progress = Progress::new(steps, mine.len(), "jobs", args.quiet, "sweep");
    let shared: Vec<Arc<crate::scenario::Scenario>> = loaded.iter().map(|l| Arc::new(l.scenario.clone())).collect();
    let per_job: Vec<Vec<RunRow>> = mine
        .par_iter()
        .map(|&(p, r)| progress.run(shared[p].clone(), r).map(|log| rows_of(p, r, &log)))
        .collect::<Result<_, _>>()
        .map_err(|_| progress.cancelled())?;
    let mut rows: Vec<RunRow> = per_job.into_iter().flatten().collect();
    progress.finish();

    let meta = sweep_json(base.as_ref().unwrap_or(&loaded[0]), &axes, replicates, points.len());
    let ron = base.as_ref().map(|b| b.resolved_ron.as_str());
    let files = sweep_files(&meta, &paths, &points, &mut rows, ron, shard);
    // A shard has no summary to draw; the merged folder gets the report.
    write_results(&out, &files, shard.is_none(), args.png)?;
    progress.check()?;
    let folder = out.commit()?;
    println!(
        "Sweep of {name}: {} points × {replicates} replicates{}; results in {}",
        points.len(),
        shard.map_or(String::new(), |(i, n)| format!(", shard {i}/{n} ({} jobs)", mine.len())),
        folder.display()
    );
    if shard.is_some() {
        println!("Join the shard folders with: votelab merge DIR... --out DIR");
    }
    Ok(())
}

fn read(dir: &Path, name: &str) -> Result<String, Failure> {
    fs::read_to_string(dir.join(name)).map_err(|e| {
        eprintln!("error: {} is not a sweep folder: cannot read {name}: {e}", dir.display());
        Failure::BadInput
    })
}

/// `scenario.ron` of a shard folder, if it has one.
fn read_scenario(dir: &Path) -> Option<String> {
    fs::read_to_string(dir.join("scenario.ron")).ok()
}

/// `votelab merge DIR... --out DIR`.
pub fn merge(dirs: &[PathBuf], out_dir: &Path, force: bool, png: bool) -> Result<(), Failure> {
    let meta = read(&dirs[0], "sweep.json")?;
    let points_text = read(&dirs[0], "points.csv")?;
    let scenario = read_scenario(&dirs[0]);
    let mut rows = Vec::new();
    for d in dirs {
        if read(d, "sweep.json")? != meta || read(d, "points.csv")? != points_text || read_scenario(d) != scenario {
            eprintln!("error: {} belongs to a different sweep than {}", d.display(), dirs[0].display());
            return Err(Failure::BadInput);
        }
        rows.extend(parse_runs(&read(d, "runs.csv")?).map_err(|e| {
            eprintln!("error: {}: {e}", d.display());
            Failure::BadInput
        })?);
    }
    let meta_doc: SweepFile = parse_json(&meta).map_err(|e| Failure::Other(format!("sweep.json: {e}")))?;
    let replicates = meta_doc.replicates as usize;
    let npoints = meta_doc.points;
    let mut jobs: Vec<(usize, u32)> = rows.iter().map(|r| (r.point, r.replicate)).collect();
    jobs.sort_unstable();
    jobs.dedup();
    if jobs.len() != replicates * npoints {
        eprintln!(
            "error: the folders hold {} of the sweep's {} jobs; a shard is missing or was given twice",
            jobs.len(),
            replicates * npoints
        );
        return Err(Failure::BadInput);
    }
    let (paths, points) = parse_points(&points_text).map_err(|e| {
        eprintln!("error: {}: points.csv {e}", dirs[0].display());
        Failure::BadInput
    })?;
    let out = Output::prepare(out_dir, force)?;
    let mut files = sweep_files(&meta, &paths, &points, &mut rows, scenario.as_deref(), None);
    // Keep the shards' points.csv byte for byte.
    files.insert("points.csv", points_text);
    write_results(&out, &files, true, png)?;
    let folder = out.commit()?;
    println!("Merged {} folders ({} jobs) into {}", dirs.len(), jobs.len(), folder.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_vary;

    #[test]
    fn vary_splits_where_the_path_ends_so_quoted_keys_may_hold_an_equals_sign() {
        let (path, values) = parse_vary(r#"parties[0].campaign.cohort_focus["a=b"]=[1.0, 2.0]"#).unwrap();
        assert_eq!(path, r#"parties[0].campaign.cohort_focus["a=b"]"#);
        assert_eq!(values, ["1.0", "2.0"]);
        let (path, values) = parse_vary("regulation.takedown_hours = [None, Some(24.0)]").unwrap();
        assert_eq!(path, "regulation.takedown_hours");
        assert_eq!(values, ["None", "Some(24.0)"]);
        assert!(parse_vary("regulation.takedown_hours").is_err(), "no `=`");
    }
}
