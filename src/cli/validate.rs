//! `votelab validate`: run the validation suite and print its table with each target's kind (or
//! JSON, or the Markdown block of docs/VALIDATION.md, printed or written into the page between its
//! markers); exit 1 if a target fails that is not marked as a known failure.

use super::Failure;
use crate::output::table::columns;
use crate::validation::{self, Effort, Outcome, markdown};
use std::path::Path;

/// `votelab validate [--quick] [--json] [--markdown [--doc FILE]] [--only FAMILY,...]`.
pub fn validate(
    quick: bool,
    json: bool,
    markdown: bool,
    doc: Option<&Path>,
    only: &[String],
    threads: Option<usize>,
) -> Result<(), Failure> {
    // Check the page before spending minutes on the suite.
    let page = match doc {
        Some(path) => {
            let text = super::files::read(path).map_err(|e| bad_doc(path, &e.to_string()))?;
            markdown::replace(&text, "").map_err(|e| bad_doc(path, &e))?;
            Some((path, text))
        }
        None => None,
    };
    crate::sim::init_threads(threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)));
    let effort = if quick { Effort::quick() } else { Effort::full() };
    let results = validation::run_families(effort, only).map_err(|unknown| {
        let names: Vec<&str> = validation::FAMILIES.iter().map(|f| f.name).collect();
        eprintln!(
            "error: --only: no family of targets named `{unknown}`\n  help: the families are {}",
            names.join(", ")
        );
        Failure::BadInput
    })?;
    if let Some((path, text)) = page {
        let updated = markdown::replace(&text, &markdown::table(&results)).map_err(|e| bad_doc(path, &e))?;
        write_atomically(path, &updated)?;
        eprintln!("Wrote the results table of {}.", path.display());
    } else if json {
        println!("{}", serde_json::to_string_pretty(&results).unwrap_or_default());
    } else if markdown {
        print!("{}", markdown::table(&results));
    } else {
        print_table(&results);
    }
    if validation::passed(&results) { Ok(()) } else { Err(Failure::Failed) }
}

fn bad_doc(path: &Path, why: &str) -> Failure {
    eprintln!(
        "error: {}: {why}\n  help: the page needs the lines `{}` and `{}` around the generated table",
        path.display(),
        markdown::BEGIN,
        markdown::END
    );
    Failure::BadInput
}

/// Replace a file through a temporary file beside it, so a failure leaves the old page whole.
fn write_atomically(path: &Path, text: &str) -> Result<(), Failure> {
    let tmp = path.with_extension("md.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn print_table(results: &[validation::TargetResult]) {
    let mut rows =
        vec![["target", "kind", "expected", "measured (mean [95% CI])", "n", "result"].map(String::from).to_vec()];
    for r in results {
        rows.push(vec![
            r.target.clone(),
            r.kind.label().into(),
            r.expected.clone(),
            format!("{:.3} [{:.3}, {:.3}]", r.measured.mean, r.measured.ci95[0], r.measured.ci95[1]),
            r.measured.n.to_string(),
            r.outcome.label().into(),
        ]);
    }
    print!("{}", columns(&rows));
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
    let reproductions = results.iter().filter(|r| r.kind == validation::Kind::Reproduction).count();
    println!(
        "\n{} targets ({} reproductions, {} mechanism checks): {} pass, {} known failures, {} unexpected failures.",
        results.len(),
        reproductions,
        results.len() - reproductions,
        count(Outcome::Pass) + count(Outcome::UnexpectedPass),
        count(Outcome::KnownFailure),
        count(Outcome::Fail),
    );
    for r in results.iter().filter(|r| r.outcome == Outcome::KnownFailure) {
        println!("Known failure, {}: {}", r.target, r.known_failure.as_deref().unwrap_or_default());
    }
    for r in results.iter().filter(|r| r.outcome == Outcome::UnexpectedPass) {
        println!("Passes although marked as a known failure (remove the mark): {}", r.target);
    }
    if count(Outcome::Fail) > 0 {
        println!("The suite FAILS: a target failed that is not marked as a known failure.");
    } else {
        println!("The suite passes: every failure is a known one.");
    }
    println!("Sources, setups and what each target shows: docs/VALIDATION.md (or --markdown).");
}
