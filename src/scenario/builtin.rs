//! Scenarios compiled into the binary, so `votelab run netzdg-24h` works without the files.
//! Reads the texts of `scenarios/*.ron` at compile time; writes nothing.

/// (name, RON text) of every built-in scenario, the baseline first.
pub const BUILTINS: &[(&str, &str)] = &[("baseline", include_str!("../../scenarios/baseline.ron"))];

/// The text of a built-in scenario.
pub fn get(name: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Names of the built-in scenarios.
pub fn names() -> impl Iterator<Item = &'static str> + Clone {
    BUILTINS.iter().map(|(n, _)| *n)
}
