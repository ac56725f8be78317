//! `votelab validate`: run the validation suite and print its table (or JSON, or Markdown for
//! docs/VALIDATION.md); exit 1 if a target fails.

use super::Failure;
use crate::output::table::columns;
use crate::validation::{self, Effort};

/// `votelab validate [--quick] [--json] [--markdown]`.
pub fn validate(quick: bool, json: bool, markdown: bool, threads: Option<usize>) -> Result<(), Failure> {
    crate::sim::init_threads(threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)));
    let effort = if quick { Effort::quick() } else { Effort::full() };
    let results = validation::run(effort);
    if json {
        println!("{}", serde_json::to_string_pretty(&results).unwrap_or_default());
    } else if markdown {
        print!("{}", validation::markdown(&results));
    } else {
        let mut rows =
            vec![["target", "expected", "measured (mean [95% CI])", "n", "result"].map(String::from).to_vec()];
        for r in &results {
            rows.push(vec![
                r.target.clone(),
                r.expected.clone(),
                format!("{:.3} [{:.3}, {:.3}]", r.measured.mean, r.measured.ci95[0], r.measured.ci95[1]),
                r.measured.n.to_string(),
                if r.pass { "pass".into() } else { "FAIL".into() },
            ]);
        }
        print!("{}", columns(&rows));
        let failed = results.iter().filter(|r| !r.pass).count();
        println!(
            "\n{} of {} targets pass. Sources and setups: docs/VALIDATION.md (or --markdown).",
            results.len() - failed,
            results.len()
        );
    }
    if results.iter().all(|r| r.pass) { Ok(()) } else { Err(Failure::Failed) }
}
