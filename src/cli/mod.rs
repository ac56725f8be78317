//! The command line: argument parsing, dispatch and exit codes. The only module that
//! prints, reads files or writes results.

mod compare;
mod diagnostics;
mod files;
mod interrupt;
mod report;
mod robustness;
mod run;
mod serve;
mod sweep;
mod validate;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// A failure with its exit code: 2 for bad input, 1 for anything else.
#[derive(Debug)]
pub enum Failure {
    /// Bad input (scenario or flags); the message has been printed already.
    BadInput,
    /// Anything else, with a message to print.
    Other(String),
    /// A check failed (validation); its report has been printed.
    Failed,
    /// Stopped by a signal (its number); how far it got has been printed.
    Interrupted(i32),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.to_string())
    }
}

/// votelab: a simulation laboratory for election campaigns in the age of big data.
///
/// With no command, compares the baseline with every built-in regulation scenario (quick size)
/// and prints the headline table.
#[derive(Parser, Debug)]
#[command(name = "votelab", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario and write its results folder.
    ///
    /// Example: votelab run scenarios/baseline.ron --replicates 4 --set 'regulation.takedown_hours=Some(24.0)'
    Run(RunArgs),
    /// Run scenarios with common random numbers and show paired differences from the first.
    ///
    /// Example: votelab compare baseline netzdg-24h takedown-1h --replicates 8
    ///
    /// Example: votelab compare baseline microtargeting-ban --set-scenario 'regulation.takedown_hours=Some(24.0)'
    Compare {
        /// Scenario files or built-in names; the first is the reference.
        #[arg(required = true, num_args = 2..)]
        scenarios: Vec<String>,
        /// Override a field of the compared scenarios only, not the reference: PATH=RON, e.g.
        /// --set-scenario 'regulation.takedown_hours=Some(24.0)' (repeatable; applied after --set).
        #[arg(long = "set-scenario", value_name = "PATH=RON")]
        set_scenario: Vec<String>,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Run a scenario over a grid of parameter values; writes sweep.csv (one row per point, election
    /// and metric, with the paired difference from the first point).
    ///
    /// Example: votelab sweep baseline --vary 'regulation.takedown_hours=[None, Some(24.0), Some(1.0)]' --replicates 8
    ///
    /// Example: votelab sweep baseline --vary 'network.homophily=0.2..=0.8 step 0.2'
    Sweep {
        /// Scenario file or built-in name.
        scenario: String,
        /// A field and the values it takes (repeat for a grid): PATH=[V1, V2, ...], or a numeric
        /// range PATH=START..=END step STEP (END included) or PATH=START..END step STEP (excluded).
        #[arg(long = "vary", value_name = "PATH=[V1, V2, ...]|PATH=A..=B step S", required = true)]
        vary: Vec<String>,
        /// Run only shard I of N (0-based) of the points × replicates; join shards with `merge`.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Also keep every replicate's per-step rows: timeseries.csv with a `point` column first.
        #[arg(long)]
        timeseries: bool,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Run a scenario against a reference for many plausible settings of the model's uncertain
    /// assumptions (Latin hypercube over the ranges of src/scenario/plausible.ron), each a paired
    /// comparison with common random numbers; writes robustness.csv, robustness.json and
    /// report.html (median effect, 5–95% range across parameter sets, how often it keeps its sign
    /// and is meaningful, and which assumptions move it).
    ///
    /// Example: votelab robustness netzdg-24h --draws 16 --set population.size=5000
    ///
    /// Example: votelab robustness takedown-1h netzdg-24h --draws 64 --assumptions 'misinformation.*,effects.*'
    Robustness {
        /// Scenario file or built-in name.
        #[arg(required_unless_present = "list")]
        scenario: Option<String>,
        /// The reference it is compared with (default: the built-in baseline).
        reference: Option<String>,
        /// Parameter sets to draw.
        #[arg(long, default_value_t = 16)]
        draws: usize,
        /// Only these assumptions (comma-separated or repeated): a path, a section (`effects`), or
        /// a pattern with `*` (`effects.*`, `*half_life*`). Default: all.
        #[arg(long, value_delimiter = ',', value_name = "PATTERN")]
        assumptions: Vec<String>,
        /// Run only shard I of N (0-based) of the draws × scenarios × replicates; join shards with
        /// `merge`.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Print the assumptions (with --assumptions, the selected ones) with their plausible
        /// ranges and sources, and stop.
        #[arg(long)]
        list: bool,
        #[command(flatten)]
        sim: SimArgs,
    },
    /// Join sweep or robustness shard folders into one result, identical to an unsharded run.
    ///
    /// Example: votelab merge results/sweep-baseline-shard-0-of-2 results/sweep-baseline-shard-1-of-2 --out results/sweep
    Merge {
        /// Shard folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write the merged sweep.
        #[arg(long)]
        out: PathBuf,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
        /// Also write each chart of the report as charts/<id>.png (for slides).
        #[arg(long)]
        png: bool,
    },
    /// Draw report.html again from the files of a results folder (run, compare or sweep).
    ///
    /// Example: votelab report results/baseline --png
    Report {
        /// The results folder.
        dir: PathBuf,
        /// Also write each chart as charts/<id>.png (for slides).
        #[arg(long)]
        png: bool,
    },
    /// Validate scenario files without simulating.
    ///
    /// Example: votelab check scenarios/*.ron
    ///
    /// Example: votelab check baseline --print --set population.size=5000
    Check {
        /// Scenario files or built-in names.
        #[arg(required = true)]
        scenarios: Vec<String>,
        /// Print each resolved scenario (defaults filled in, `extends` applied) as RON, each number
        /// followed by a comment saying what it is, in which unit, and the range it may take.
        #[arg(long)]
        print: bool,
        /// Override a field: PATH=RON, e.g. --set population.size=5000 (repeatable).
        #[arg(long = "set", value_name = "PATH=RON")]
        sets: Vec<String>,
    },
    /// List the built-in scenarios.
    Scenarios,
    /// Workshop mode: a local web page to pick a scenario, move its regulation levers, run it
    /// against the baseline and see the charts; plus a JSON API for scripts.
    ///
    /// Example: votelab serve --port 8080
    ///
    /// Then open http://127.0.0.1:8080.
    Serve(serve::ServeArgs),
    /// Run the validation suite: textbook configurations against published results.
    ///
    /// Example: votelab validate --quick
    Validate {
        /// The quick version for CI (about a minute on two cores).
        #[arg(long)]
        quick: bool,
        /// Print the results as JSON.
        #[arg(long)]
        json: bool,
        /// Print the results as Markdown tables (the generated block of docs/VALIDATION.md).
        #[arg(long)]
        markdown: bool,
        /// With --markdown: write the tables into this page between its marker lines instead of
        /// printing them (e.g. --doc docs/VALIDATION.md).
        #[arg(long, requires = "markdown")]
        doc: Option<PathBuf>,
        /// Run only these families of targets (comma-separated, e.g. --only opinion,voter).
        #[arg(long, value_delimiter = ',', conflicts_with = "doc")]
        only: Vec<String>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
}

/// Options shared by commands that simulate.
#[derive(Args, Debug, Clone)]
pub struct SimArgs {
    /// Replicates to run (overrides the scenario's `replicates`).
    #[arg(long)]
    replicates: Option<u32>,
    /// Seed (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Simulated voters (overrides `population.size`; the workshop API's `population`).
    #[arg(long)]
    voters: Option<u64>,
    /// Worker threads (default: all cores). Results are identical for any value.
    #[arg(long)]
    threads: Option<usize>,
    /// Override a field of every scenario run (with compare, the reference too; with sweep, every
    /// point): PATH=RON, e.g. --set 'regulation.takedown_hours=Some(24.0)' (repeatable). Tables,
    /// result files and reports list each scenario's overrides.
    #[arg(long = "set", value_name = "PATH=RON")]
    sets: Vec<String>,
    /// Results folder; it must be new or empty unless --force (default: results/<scenario name>,
    /// numbered -2, -3, ... past folders that already hold results, so nothing is replaced).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Replace an existing output folder, and skip the memory and 24-hour run-time limits.
    #[arg(long)]
    force: bool,
    /// Print the time spent in each phase of the simulation (replicates run one at a time).
    #[arg(long)]
    profile: bool,
    /// Also write each chart of report.html as charts/<id>.png (for slides).
    #[arg(long)]
    png: bool,
}

#[derive(Args, Debug, Clone)]
struct RunArgs {
    /// Scenario file or built-in name (default: the built-in baseline).
    scenario: Option<String>,
    #[command(flatten)]
    sim: SimArgs,
}

/// Parse the arguments, run the command and map the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => ExitCode::SUCCESS,
                _ => ExitCode::from(2),
            };
        }
    };
    if matches!(
        cli.command,
        None | Some(Command::Run(_) | Command::Compare { .. } | Command::Sweep { .. } | Command::Robustness { .. })
    ) {
        interrupt::install();
    }
    let outcome = match cli.command {
        None => compare::default_comparison(&default_sim_args()),
        Some(Command::Compare { scenarios, set_scenario, sim }) => compare::compare(&scenarios, &set_scenario, &sim),
        Some(Command::Run(a)) => run::run(a.scenario.as_deref(), &a.sim),
        Some(Command::Sweep { scenario, vary, shard, timeseries, sim }) => {
            sweep::sweep(&scenario, &vary, shard.as_deref(), timeseries, &sim)
        }
        Some(Command::Robustness { scenario, reference, draws, assumptions, shard, list, sim }) => {
            let a = robustness::RobustnessArgs {
                scenario: scenario.as_deref(),
                reference: reference.as_deref(),
                draws,
                patterns: &assumptions,
                shard: shard.as_deref(),
                list,
            };
            robustness::robustness(&a, &sim)
        }
        Some(Command::Merge { dirs, out, force, png }) => {
            if dirs[0].join("robustness.json").exists() {
                robustness::merge(&dirs, &out, force, png)
            } else {
                sweep::merge(&dirs, &out, force, png)
            }
        }
        Some(Command::Report { dir, png }) => report::report(&dir, png),
        Some(Command::Check { scenarios, print, sets }) => run::check(&scenarios, print, &sets),
        Some(Command::Scenarios) => run::list_scenarios(),
        Some(Command::Serve(args)) => serve::serve(&args),
        Some(Command::Validate { quick, json, markdown, doc, only, threads }) => {
            validate::validate(quick, json, markdown, doc.as_deref(), &only, threads)
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput) => ExitCode::from(2),
        Err(Failure::Failed) => ExitCode::from(1),
        Err(Failure::Interrupted(signal)) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(130)),
        Err(Failure::Other(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn default_sim_args() -> SimArgs {
    SimArgs {
        replicates: None,
        seed: None,
        voters: None,
        threads: None,
        sets: Vec::new(),
        out: None,
        json: false,
        quiet: false,
        force: false,
        profile: false,
        png: false,
    }
}
