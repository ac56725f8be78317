//! What a report shows: turns the data of a run, a comparison or a sweep (from `data`) into
//! the page's header facts, sections, tables and charts (drawn by `charts`), each chart with a
//! stable id. Writes no HTML itself (`html` does). One file per page (`run`, `comparison`,
//! `sweep`); this module holds the page's types and the helpers they share. Metric labels, units,
//! ranges and which metrics are headlines come from the metric catalogue
//! (`crate::metrics::catalogue`).

mod comparison;
mod robustness;
mod run;
mod sweep;

pub use comparison::comparison_page;
pub use robustness::robustness_page;
pub use run::run_page;
pub use sweep::sweep_page;

use super::charts::ChartSpec;
use super::data::Interval;
use super::{Chart, ReportError};
use crate::metrics::catalogue::{self, MetricDef};
use crate::output::VERSION;
use crate::output::files::Mark;
use std::collections::BTreeSet;

/// A chart and the sentence under it saying what it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The chart.
    pub chart: Chart,
    /// What the chart shows and how to read it.
    pub note: String,
}

/// A table cell: its text, a second line in small print, and how a difference in it is judged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    /// Main text.
    pub text: String,
    /// Small print under it (e.g. the interval).
    pub detail: String,
    /// For a difference: detectable and meaningful, or detectable but negligible; `None` for
    /// anything else (not detectable, or not a difference).
    pub mark: Option<Mark>,
}

/// A table with a header row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Column headings.
    pub head: Vec<String>,
    /// Rows; the first cell is the row's label.
    pub rows: Vec<Vec<Cell>>,
}

/// A part of the page under one heading.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    /// Anchor id of the section.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Paragraph under the heading.
    pub intro: String,
    /// Optional table before the figures.
    pub table: Option<Table>,
    /// The figures.
    pub figures: Vec<Figure>,
}

/// Everything on the page, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// Title of the page.
    pub title: String,
    /// A sentence under the title.
    pub lead: String,
    /// Facts for the header: (label, value).
    pub facts: Vec<(String, String)>,
    /// Sections.
    pub sections: Vec<Section>,
    /// Resolved scenario texts to show collapsed: (label, RON).
    pub scenarios: Vec<(String, String)>,
    /// The plain-language summary at the top of the page: (scenario, sentences).
    pub summary: Vec<(String, Vec<String>)>,
}

/// A lower-case id fragment of letters, digits and single dashes.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "x".into() } else { out }
}

/// Hands out ids, making each unique by appending `-2`, `-3`, ...
#[derive(Default)]
struct Ids(BTreeSet<String>);

impl Ids {
    fn take(&mut self, id: String) -> String {
        let mut candidate = id.clone();
        let mut n = 2;
        while !self.0.insert(candidate.clone()) {
            candidate = format!("{id}-{n}");
            n += 1;
        }
        candidate
    }
}

/// A figure of `spec` drawn under its title, or the drawing's error for chart `id`.
fn figure(id: String, spec: &impl ChartSpec, note: &str) -> Result<Figure, ReportError> {
    let svg = spec.draw().map_err(|message| ReportError::Chart { id: id.clone(), message })?;
    Ok(Figure { chart: Chart { id, title: spec.title().to_string(), svg }, note: note.to_string() })
}

/// Scale an interval (e.g. ×100 for percent).
fn scaled(v: Option<Interval>, k: f64) -> Option<Interval> {
    v.map(|v| Interval { mean: k * v.mean, lo: k * v.lo, hi: k * v.hi })
}

/// Cut an interval to the range the quantity can take: with few replicates a t-interval can
/// reach below 0% or above 100%, which the charts should not suggest.
fn within(v: Option<Interval>, range: (f64, f64)) -> Option<Interval> {
    let cut = |x: f64| x.clamp(range.0, range.1);
    v.map(|v| Interval { mean: cut(v.mean), lo: cut(v.lo), hi: cut(v.hi) })
}

/// A metric's interval in the units shown (percent for shares), cut to the metric's range.
fn shown(def: &MetricDef, v: Option<Interval>) -> Option<Interval> {
    within(scaled(v, def.kind.scale()), def.display_range())
}

/// The part of a per-cohort metric's label before "by cohort" (`Turnout by cohort` → `Turnout`).
fn family_stem(def: &MetricDef) -> &'static str {
    def.label.trim_end_matches(" by cohort")
}

/// `election 1 (2026)`, or `election 1` without a year.
fn election_label(k: usize, years: &[f64]) -> String {
    match years.get(k).filter(|y| y.is_finite()) {
        Some(y) => format!("election {} ({y:.0})", k + 1),
        None => format!("election {}", k + 1),
    }
}

/// Vertical markers `E1`, `E2`, ... at the election years.
fn markers(years: &[f64]) -> Vec<(f64, String)> {
    years.iter().enumerate().filter(|(_, y)| y.is_finite()).map(|(k, y)| (*y, format!("E{}", k + 1))).collect()
}

/// A whole number with thousands separators (`1,234,567`).
fn number(n: u64) -> String {
    crate::metrics::catalogue::thousands(&n.to_string())
}

/// The version fact: the results' version, and the report's when they differ.
/// The overrides a scenario ran with, for a page's header: `PATH=VALUE, ...`, or `none`.
fn overrides_fact(overrides: &[String]) -> String {
    if overrides.is_empty() { "none".to_string() } else { overrides.join(", ") }
}

fn version_fact(results: &str) -> (String, String) {
    let value = if results == VERSION { results.to_string() } else { format!("{results} (report drawn by {VERSION})") };
    ("votelab version".into(), value)
}

/// A table cell of a paired difference (units of `summary.json`) of the metric at `path`
/// (`/`- or `.`-separated segments), judged by the catalogue: the number with the decimals it
/// needs not to read as zero when detectable, `*` when detectable and meaningful, `~` when
/// detectable but negligible, the 95% interval in small print. A metric outside the catalogue
/// is shown as is, with three decimals and no judgement.
fn difference_cell(path: &[&str], mean: f64, ci95: [f64; 2], replicates: u64) -> Cell {
    let Some((def, _)) = catalogue::by_path(path) else {
        return Cell {
            text: signed(mean, 3),
            detail: format!("[{}, {}]", signed(ci95[0], 3), signed(ci95[1], 3)),
            mark: None,
        };
    };
    let (detectable, meaningful, _) = def.judge(def.display(mean), def.display_pair(ci95), replicates);
    let decimals = if detectable { def.difference_decimals(def.display(mean)) } else { def.kind.decimals() };
    let text = if detectable { def.signed_difference(mean, true) } else { signed(def.display(mean), decimals) };
    let mark = match (detectable, meaningful) {
        (true, true) => Some(Mark::Meaningful),
        (true, false) => Some(Mark::Negligible),
        _ => None,
    };
    Cell {
        text: format!("{text}{}", catalogue::symbol(detectable, meaningful).trim()),
        detail: format!("[{}, {}]", signed(def.display(ci95[0]), decimals), signed(def.display(ci95[1]), decimals)),
        mark,
    }
}

/// The key under a table of judged differences.
const MARKS_KEY: &str = "* detectable and meaningful: the 95% interval excludes zero and the difference is at least \
    the metric's smallest meaningful difference; ~ detectable but negligible: the interval excludes zero but the \
    difference is smaller than that. A detectable difference is shown with as many decimals as it takes not to read \
    as zero.";

/// A section listing the smallest meaningful difference of each headline metric and why it has
/// its value (from the metric catalogue).
fn smd_section(id: String) -> Section {
    let rows = catalogue::headlines()
        .into_iter()
        .map(|m| {
            vec![
                Cell { text: m.label.to_string(), ..Cell::default() },
                Cell { text: format!("{} {}", m.smd, m.difference_unit_short()), ..Cell::default() },
                Cell { text: m.smd_reason.to_string(), ..Cell::default() },
            ]
        })
        .collect();
    Section {
        id,
        title: "Smallest meaningful differences".into(),
        intro: "A difference smaller than its metric's smallest meaningful difference is negligible, however \
                precisely it is estimated. The values come from the metric catalogue; each says why."
            .into(),
        table: Some(Table { head: vec!["metric".into(), "smallest meaningful difference".into(), "why".into()], rows }),
        figures: Vec::new(),
    }
}

/// A signed number with `decimals` decimals; `0.0` (no sign) when it rounds to zero.
fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{x:+.decimals$}");
    if s.trim_start_matches(['+', '-']).chars().all(|c| c == '0' || c == '.') {
        format!("{:.decimals$}", 0.0)
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::catalogue::by_id;

    #[test]
    fn slugs_are_plain_and_ids_unique() {
        assert_eq!(slug("Gen Z"), "gen-z");
        assert_eq!(slug("Boomers+"), "boomers");
        assert_eq!(slug("netzdg-24h"), "netzdg-24h");
        assert_eq!(slug("+++"), "x");
        let mut ids = Ids::default();
        assert_eq!(ids.take("a".into()), "a");
        assert_eq!(ids.take("a".into()), "a-2");
        assert_eq!(ids.take("a".into()), "a-3");
    }

    #[test]
    fn numbers_and_differences_read_well() {
        assert_eq!(number(1234567), "1,234,567");
        assert_eq!(number(12), "12");
        assert_eq!(signed(0.6, 1), "+0.6");
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(signed(-1.25, 2), "-1.25");
    }

    #[test]
    fn metrics_are_shown_in_their_units_within_their_range() {
        let turnout = by_id("turnout").unwrap();
        let v = shown(turnout, Some(Interval { mean: 0.5, lo: -0.1, hi: 1.2 })).unwrap();
        assert_eq!((v.mean, v.lo, v.hi), (50.0, 0.0, 100.0));
        let echo = by_id("echo-chamber").unwrap();
        let v = shown(echo, Some(Interval { mean: 0.9, lo: -1.5, hi: 1.5 })).unwrap();
        assert_eq!((v.mean, v.lo, v.hi), (0.9, -1.0, 1.0));
        assert_eq!(family_stem(by_id("turnout-by-cohort").unwrap()), "Turnout");
    }
}
