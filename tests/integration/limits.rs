//! Resource limits and named errors: work that would run for days is refused up front with the
//! estimate and the limit; non-finite numbers are refused naming the field. Nothing is written.

use super::common::*;
use std::fs;

/// Run votelab in a fresh folder; assert exit 2 and that nothing was written; return stderr.
fn refused(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let o = votelab(dir.path(), args);
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "nothing may be written");
    stderr(&o)
}

#[test]
fn a_run_that_would_take_days_is_refused_with_the_estimate_and_the_limit() {
    let err = refused(&[
        "run",
        "baseline",
        "--set",
        "population.size=2000000",
        "--replicates",
        "5000",
        "--threads",
        "2",
        "--quiet",
    ]);
    assert!(err.contains("would take about") && err.contains("days"), "{err}");
    assert!(err.contains("voter-steps") && err.contains("2 thread(s)"), "{err}");
    assert!(err.contains("more than the limit of 24 h"), "{err}");
    assert!(err.contains("--force"), "{err}");
}

#[test]
fn a_comparison_and_a_sweep_that_would_take_days_are_refused() {
    let big = ["--set", "population.size=2000000", "--replicates", "2000", "--quiet"];
    let err = refused(&[&["compare", "baseline", "netzdg-24h"][..], &big].concat());
    assert!(err.contains("more than the limit of 24 h"), "{err}");
    let err = refused(&[&["sweep", "baseline", "--vary", "network.homophily=[0.2, 0.8]"][..], &big].concat());
    assert!(err.contains("more than the limit of 24 h"), "{err}");
}

#[test]
fn nan_and_infinity_are_named_errors() {
    let err = refused(&["run", "baseline", "--set", "network.homophily=NaN", "--quiet"]);
    assert!(err.contains("network.homophily"), "{err}");
    assert!(err.contains("NaN is not a finite number"), "{err}");
    let err = refused(&["run", "baseline", "--set", "effects.saturation=inf", "--quiet"]);
    assert!(err.contains("effects.saturation"), "{err}");
    assert!(err.contains("inf is not a finite number"), "{err}");
}

#[test]
fn out_of_range_values_are_named_errors() {
    let err = refused(&["run", "baseline", "--set", "network.homophily=1.5", "--quiet"]);
    assert!(err.contains("network.homophily") && err.contains("1.5 is out of range"), "{err}");
}
