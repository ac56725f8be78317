//! Test fixtures shared by the tree's unit tests: a small typed scenario that `ron` deserializes,
//! a sample file using most of the grammar, and helpers that parse or fail loudly. Test-only;
//! reads and writes nothing.

use super::{Document, Node, PathSeg, SyntaxError, parse, parse_path, render};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct Scenario {
    pub(super) name: String,
    pub(super) seed: u64,
    pub(super) population: Population,
    pub(super) regulation: Regulation,
    pub(super) bots: Option<Kind>,
    pub(super) tags: Vec<String>,
    pub(super) focus: BTreeMap<String, f64>,
    pub(super) years: (u32, u32),
    pub(super) ages: std::ops::RangeInclusive<u32>,
    pub(super) initial: char,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct Population {
    pub(super) size: u32,
    pub(super) cohorts: Vec<Cohort>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct Cohort {
    pub(super) name: String,
    pub(super) share: f64,
    pub(super) kind: Kind,
}

#[derive(Debug, Deserialize, PartialEq)]
pub(super) enum Kind {
    Voter,
    Bots { share: f64, stance: f64 },
    Fixed(f64),
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(super) struct Regulation {
    pub(super) takedown_hours: Option<f64>,
    pub(super) mode: Mode,
}

#[derive(Debug, Deserialize, PartialEq)]
pub(super) enum Mode {
    Allowed,
    Banned,
}

pub(super) const BASE: &str = r##"// A test scenario.
Scenario(
    name: "Test \"quoted\" \u{1F600}\t",
    seed: 1_000,
    population: Population(
        size: 0x10,
        cohorts: [
            (name: r#"Gen "Z""#, share: 0.35, kind: Voter),
            (
                name: "Boomers",
                share: 1e-1, /* inline /* nested */ comment */
                kind: Fixed(-0.5),
            ),
        ],
    ),
    regulation: (takedown_hours: Some(24.0), mode: Banned),
    bots: Some(Bots(share: 0.05, stance: 0.6)),
    tags: ["a", "b",],
    focus: {"Gen Z": 0.5, "x": -1.0e3},
    years: (1995, 2012),
    ages: 18..=29,
    initial: '\'',
)
"##;

pub(super) fn path(p: &str) -> Vec<PathSeg> {
    parse_path(p).expect("valid test path")
}

pub(super) fn doc(text: &str, source: &str) -> Document {
    match parse(text, source) {
        Ok(d) => d,
        Err(e) => panic!("test input should parse: {e}"),
    }
}

pub(super) fn value(text: &str, source: &str) -> Node {
    doc(text, source).root
}

pub(super) fn typed(d: &Document) -> Result<Scenario, ron::error::SpannedError> {
    ron::from_str::<Scenario>(&render(d).0)
}

pub(super) fn syntax_error(text: &str) -> SyntaxError {
    match parse(text, "bad.ron") {
        Ok(d) => panic!("expected a syntax error, got {d:?}"),
        Err(e) => e,
    }
}
