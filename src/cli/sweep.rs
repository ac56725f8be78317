//! `votelab sweep` and `votelab merge`: run a scenario over a grid of parameter values (several
//! `--vary` make a grid; a value list `[v1, v2]` or a numeric range `0.2..=0.8 step 0.2`),
//! optionally one deterministic shard of the (point × replicate) jobs, and join shard folders into
//! a result byte-identical to the unsharded run.

use super::files::{self, Output, results_target};
use super::interrupt::Progress;
use super::report::write_results;
use super::run::{check_duration, limits, load, sim_overrides, threads, voter_steps};
use super::{Failure, SimArgs, diagnostics};
use crate::output::files::{RunRow, SweepFile, parse_json};
use crate::output::sweep::{
    SweepResults, parse_points, parse_runs, point_timeseries_rows, rows_of, sweep_file, sweep_files, timeseries_body,
};
use crate::output::{labelled, overrides_of};
use crate::scenario::tree::{self, Document, NodeKind};
use crate::scenario::{self, Loaded, Override, Problem, ScenarioError, SourceRef};
use crate::sim;
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest grid accepted (points × replicates).
const MAX_JOBS: usize = 100_000;

/// Most points one `--vary` range may make.
const MAX_RANGE_POINTS: usize = 10_000;

/// How a range is written, for error messages.
const RANGE_SYNTAX: &str =
    "START..=END step STEP (END included) or START..END step STEP (END excluded), e.g. 0.2..=0.8 step 0.2";

/// Decimals written after the point in a number's text (0 for `3`, 2 for `0.25`).
fn decimals(text: &str) -> usize {
    text.split_once('.').map_or(0, |(_, fraction)| fraction.trim().len())
}

/// The values of a numeric range `START..=END step STEP` (END included) or `START..END step STEP`
/// (END excluded) as RON text. Each value is START + k·STEP rounded to the decimals of START and
/// STEP (no accumulated float error); whole numbers stay whole (`1..=5 step 2` gives `1, 3, 5`),
/// and decimals stay decimals (`0.2..=0.8 step 0.2` gives `0.2, 0.4, 0.6, 0.8`).
fn range_values(text: &str) -> Result<Vec<String>, String> {
    let (range, step) = match text.split_once(" step ") {
        Some((range, step)) => (range.trim(), step.trim()),
        None => return Err(format!("the range `{}` has no step", text.trim())),
    };
    let (start, end, inclusive) = match (range.split_once("..="), range.split_once("..")) {
        (Some((a, b)), _) => (a.trim(), b.trim(), true),
        (None, Some((a, b))) => (a.trim(), b.trim(), false),
        (None, None) => return Err(format!("`{range}` is not a range")),
    };
    let number = |t: &str, what: &str| -> Result<f64, String> {
        t.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| format!("the {what} `{t}` is not a number"))
    };
    let (a, b, d) = (number(start, "start")?, number(end, "end")?, number(step, "step")?);
    if d <= 0.0 {
        return Err(format!("the step {step} must be above 0"));
    }
    if b < a || (!inclusive && b == a) {
        return Err(format!(
            "the range {start}..{}{end} holds no value: the end is not above the start",
            if inclusive { "=" } else { "" }
        ));
    }
    let whole = [start, end, step].iter().all(|t| !t.contains(['.', 'e', 'E']));
    let places = decimals(start).max(decimals(step)).max(usize::from(!whole));
    let scale = 10f64.powi(places as i32);
    // Half a step of slack decides whether a value is the end, whatever rounding did.
    let slack = 1e-9 * d.max(b.abs());
    let mut values = Vec::new();
    for k in 0.. {
        let v = ((a + k as f64 * d) * scale).round() / scale;
        if v > b + slack || (!inclusive && v >= b - slack) {
            break;
        }
        if values.len() == MAX_RANGE_POINTS {
            return Err(format!("the range makes more than {MAX_RANGE_POINTS} values; use a larger step"));
        }
        values.push(if whole { format!("{v:.0}") } else { format!("{v:.places$}") });
    }
    Ok(values)
}

/// A `--vary PATH=[v1, v2, ...]` or `--vary PATH=START..=END step STEP`: the path and the RON text
/// of each value.
fn parse_vary(text: &str) -> Result<(String, Vec<String>), ScenarioError> {
    let bad = |message: String| {
        ScenarioError::single(Problem::new("", message).expected(
            "--vary PATH=[v1, v2, ...] or --vary PATH=START..=END step STEP, e.g. --vary \
             'regulation.takedown_hours=[None, Some(24.0), Some(1.0)]' or --vary 'network.homophily=0.2..=0.8 step 0.2'",
        ))
    };
    let Some((path, list)) = tree::split_assignment(text) else {
        return Err(bad(format!("`--vary {text}` has no `=`")));
    };
    if !list.trim_start().starts_with('[') && (list.contains("..") || list.contains(" step ")) {
        return match range_values(list) {
            Ok(values) => Ok((path.trim().to_string(), values)),
            Err(message) => Err(ScenarioError::single(
                Problem::new(path.trim(), format!("`--vary {}`: {message}", text.trim()))
                    .expected(format!("a range {RANGE_SYNTAX}")),
            )),
        };
    }
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

/// The `--shard I/N` flag of `sweep` and `robustness`: `None` when absent; bad input when not `I/N`
/// with 0 ≤ I < N (said on stderr).
pub fn shard_flag(shard: Option<&str>) -> Result<Option<(usize, usize)>, Failure> {
    match shard {
        None => Ok(None),
        Some(s) => parse_shard(s).map(Some).ok_or_else(|| {
            eprintln!("error: `--shard {s}` must be I/N with 0 ≤ I < N, e.g. --shard 0/4");
            Failure::BadInput
        }),
    }
}

/// `votelab sweep`.
pub fn sweep(
    reference: &str,
    varies: &[String],
    shard: Option<&str>,
    timeseries: bool,
    args: &SimArgs,
) -> Result<(), Failure> {
    let threads = threads(args);
    sim::init_threads(threads);
    let shard = shard_flag(shard)?;
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
    let per_job: Vec<(Vec<RunRow>, String)> = mine
        .par_iter()
        .map(|&(p, r)| {
            progress.run(shared[p].clone(), r).map(|log| {
                let steps = if timeseries { point_timeseries_rows(p, &log) } else { String::new() };
                (rows_of(p, r, &log), steps)
            })
        })
        .collect::<Result<_, _>>()
        .map_err(|_| progress.cancelled())?;
    let steps: String = per_job.iter().map(|(_, s)| s.as_str()).collect();
    let mut rows: Vec<RunRow> = per_job.into_iter().flat_map(|(rows, _)| rows).collect();
    progress.finish();

    let base_loaded = base.as_ref().unwrap_or(&loaded[0]);
    let meta = sweep_file(base_loaded, &axes, replicates, points.len());
    let (files, warnings) = sweep_files(SweepResults {
        meta: &meta,
        points: &points,
        rows: &mut rows,
        scenario_ron: base.as_ref().map(|b| b.resolved_ron.as_str()),
        timeseries: timeseries.then_some(steps.as_str()),
        shard,
    });
    // A shard has no summary to draw; the merged folder gets the report.
    write_results(&out, &files, shard.is_none(), args.png)?;
    progress.check()?;
    let folder = out.commit()?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "Sweep of {}: {} points × {replicates} replicates{}; paired differences from point 0 in sweep.csv",
        labelled(name, &overrides_of(base_loaded)),
        points.len(),
        shard.map_or(String::new(), |(i, n)| format!(", shard {i}/{n} ({} jobs)", mine.len())),
    );
    println!("Results written to {}", folder.display());
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
    let (_, points) = parse_points(&points_text).map_err(|e| {
        eprintln!("error: {}: points.csv {e}", dirs[0].display());
        Failure::BadInput
    })?;
    // Every shard has the per-step rows (`--timeseries`), or none has.
    let steps: Vec<Option<String>> = dirs.iter().map(|d| fs::read_to_string(d.join("timeseries.csv")).ok()).collect();
    if steps.iter().any(Option::is_some) && steps.iter().any(Option::is_none) {
        eprintln!(
            "error: only some of the shard folders have timeseries.csv; run every shard with --timeseries or none"
        );
        return Err(Failure::BadInput);
    }
    let steps: Option<String> =
        steps.iter().all(Option::is_some).then(|| steps.iter().flatten().map(|t| timeseries_body(t)).collect());
    let out = Output::prepare(out_dir, force)?;
    let (mut files, warnings) = sweep_files(SweepResults {
        meta: &meta_doc,
        points: &points,
        rows: &mut rows,
        scenario_ron: scenario.as_deref(),
        timeseries: steps.as_deref(),
        shard: None,
    });
    // Keep the shards' points.csv byte for byte.
    files.insert("points.csv", points_text);
    write_results(&out, &files, true, png)?;
    let folder = out.commit()?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    println!("Merged {} folders ({} jobs)", dirs.len(), jobs.len());
    println!("Results written to {}", folder.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{parse_vary, range_values};

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

    #[test]
    fn ranges_give_exact_values_with_an_inclusive_or_exclusive_end() {
        let (path, values) = parse_vary("network.homophily=0.2..=0.8 step 0.2").unwrap();
        assert_eq!(path, "network.homophily");
        assert_eq!(values, ["0.2", "0.4", "0.6", "0.8"], "no 0.6000000000000001, and the end is kept");
        assert_eq!(range_values("0.2..0.8 step 0.2").unwrap(), ["0.2", "0.4", "0.6"]);
        assert_eq!(range_values("0..=1 step 0.1").unwrap().len(), 11);
        assert_eq!(range_values("1000..=5000 step 2000").unwrap(), ["1000", "3000", "5000"]);
        assert_eq!(range_values("-0.5..=0.5 step 0.25").unwrap(), ["-0.50", "-0.25", "0.00", "0.25", "0.50"]);
        assert_eq!(range_values("0.05..=0.2 step 0.05").unwrap(), ["0.05", "0.10", "0.15", "0.20"]);
    }

    #[test]
    fn bad_ranges_are_refused_with_the_syntax() {
        for bad in ["x=0.2..=0.8", "x=0.8..=0.2 step 0.2", "x=0.2..=0.8 step 0", "x=a..=1 step 0.1", "x=0..0 step 1"] {
            let e = parse_vary(bad).unwrap_err().to_string();
            assert!(e.contains("START..=END step STEP"), "{bad}: {e}");
        }
    }
}
