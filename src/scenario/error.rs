//! Errors in scenario input: every problem found, each with where it was written, the field path,
//! what was expected and a suggestion. Reads nothing, writes nothing; the command line renders them.

use super::tree::Origin;
use std::fmt;
use std::sync::Arc;

/// One problem in a scenario, located as precisely as the input allows.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Where it was written: file (or `--set ...`), line and column. `None` when the problem is
    /// about a default value that no file wrote.
    pub origin: Option<Origin>,
    /// Field path such as `population.cohorts[1].share`; empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What a valid value looks like.
    pub expected: Option<String>,
    /// The range a number must lie in, when the problem is a number out of its range: the same
    /// range `expected` words for people, for programs to read (the workshop's sliders do).
    pub range: Option<Range>,
    /// How to fix it, e.g. the nearest valid name.
    pub help: Option<String>,
}

impl Problem {
    /// A problem at `path` with a message.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { origin: None, path: path.into(), message: message.into(), expected: None, range: None, help: None }
    }

    /// Add what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Problem {
        self.expected = Some(expected.into());
        self
    }

    /// Add the range a number must lie in.
    pub fn range(mut self, range: Range) -> Problem {
        self.range = Some(range);
        self
    }

    /// Add a suggestion.
    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    /// Locate the problem.
    pub fn at(mut self, origin: Origin) -> Problem {
        self.origin = Some(origin);
        self
    }
}

/// The closed interval of values a numeric field accepts, as the validator checks it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Smallest value accepted.
    pub min: f64,
    /// Largest value accepted.
    pub max: f64,
    /// Whether only whole numbers are accepted.
    pub integer: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(o) = &self.origin {
            write!(f, "{}:{}:{}: ", o.source, o.line, o.col)?;
        }
        if !self.path.is_empty() {
            write!(f, "`{}`: ", self.path)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(e) = &self.expected {
            write!(f, " (expected {e})")?;
        }
        if let Some(h) = &self.help {
            write!(f, "; {h}")?;
        }
        Ok(())
    }
}

/// A scenario that cannot be used, with every problem found and the texts they point into.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", self.summary())]
pub struct ScenarioError {
    /// The problems, in the order found.
    pub problems: Vec<Problem>,
    /// The text of each source the problems point into (file display name, text), for rendering.
    pub sources: Vec<(Arc<str>, String)>,
}

impl ScenarioError {
    /// An error with a single problem.
    pub fn single(problem: Problem) -> ScenarioError {
        ScenarioError { problems: vec![problem], sources: Vec::new() }
    }

    /// The text of a source by its display name.
    pub fn source_text(&self, name: &str) -> Option<&str> {
        self.sources.iter().find(|(n, _)| &**n == name).map(|(_, t)| t.as_str())
    }

    fn summary(&self) -> String {
        let lines: Vec<String> = self.problems.iter().map(|p| p.to_string()).collect();
        lines.join("\n")
    }
}

/// The nearest of `candidates` to `word` by edit distance, if it is close enough to be a typo.
pub fn nearest_name<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("netwrok", "network"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("share", "share"), 0);
    }

    #[test]
    fn nearest_name_suggests_close_names_only() {
        let names = ["network", "population", "influence"];
        assert_eq!(nearest_name("netwrok", names), Some("network"));
        assert_eq!(nearest_name("Populaton", names), Some("population"));
        assert_eq!(nearest_name("zzzzzz", names), None);
    }
}
