//! What a report shows: turns the data of a run, a comparison or a sweep (from `data`) into
//! the page's header facts, sections, tables and charts (drawn by `charts`), each chart with a
//! stable id. Writes no HTML itself (`html` does).

use super::charts::{self, Bands, Bars, Forest, Heatmap, Positions, Series, Sweep};
use super::data::{ComparisonData, Interval, RunData, Step, SweepData};
use super::{Chart, ReportError};
use crate::output::VERSION;
use std::collections::BTreeSet;

/// A chart and the sentence under it saying what it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The chart.
    pub chart: Chart,
    /// What the chart shows and how to read it.
    pub note: String,
}

/// A table cell: its text, a second line in small print, and whether to mark it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    /// Main text.
    pub text: String,
    /// Small print under it (e.g. the interval).
    pub detail: String,
    /// Marked (the interval excludes zero).
    pub marked: bool,
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

fn figure(id: String, title: String, note: &str, svg: Result<String, String>) -> Result<Figure, ReportError> {
    let svg = svg.map_err(|message| ReportError::Chart { id: id.clone(), message })?;
    Ok(Figure { chart: Chart { id, title, svg }, note: note.to_string() })
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

/// A share as a percentage, within 0–100.
fn pct(v: Option<Interval>) -> Option<Interval> {
    within(scaled(v, 100.0), PERCENT)
}

/// A count per voter, at least zero.
fn count(v: Option<Interval>) -> Option<Interval> {
    within(v, COUNT)
}

/// Ranges of the quantities, in the units shown.
const PERCENT: (f64, f64) = (0.0, 100.0);
const COUNT: (f64, f64) = (0.0, f64::INFINITY);
const UNIT: (f64, f64) = (0.0, 1.0);
const CORRELATION: (f64, f64) = (-1.0, 1.0);

fn election_label(k: usize, years: &[f64]) -> String {
    match years.get(k).filter(|y| y.is_finite()) {
        Some(y) => format!("election {} ({y:.0})", k + 1),
        None => format!("election {}", k + 1),
    }
}

fn markers(years: &[f64]) -> Vec<(f64, String)> {
    years.iter().enumerate().filter(|(_, y)| y.is_finite()).map(|(k, y)| (*y, format!("E{}", k + 1))).collect()
}

/// Bars per election with one series per cohort, from a per-cohort metric.
fn cohort_bars(run: &RunData, title: String, y_desc: &str, value: impl Fn(usize, &str) -> Option<Interval>) -> Bars {
    Bars {
        title,
        groups: (0..run.elections.len()).map(|k| election_label(k, &run.years)).collect(),
        x_desc: "election".into(),
        y_desc: y_desc.into(),
        series: run
            .cohorts
            .iter()
            .map(|c| Series { label: c.clone(), values: (0..run.elections.len()).map(|k| value(k, c)).collect() })
            .collect(),
    }
}

/// Columns of the opinion heatmap: steps merged into at most `max` columns of about equal
/// duration, each the duration-weighted mean of its steps' histograms (in percent).
fn opinion_columns(steps: &[Step], max: usize) -> Vec<(f64, f64, Vec<f64>)> {
    let Some(first) = steps.first() else { return Vec::new() };
    let start = match steps.get(1) {
        Some(second) if second.year > first.year => first.year - (second.year - first.year),
        _ => first.year - 1.0 / 365.25,
    };
    let end = steps.last().map_or(first.year, |s| s.year);
    let width = (end - start) / max.max(1) as f64;
    let bins = first.histogram.len();
    let mut columns = Vec::new();
    let (mut from, mut previous, mut sum, mut weight) = (start, start, vec![0.0; bins], 0.0);
    let mut close = |from: f64, to: f64, sum: &mut Vec<f64>, weight: &mut f64| {
        if *weight > 0.0 {
            columns.push((from, to, sum.iter().map(|v| 100.0 * v / *weight).collect()));
        }
        (*sum, *weight) = (vec![0.0; bins], 0.0);
    };
    for s in steps {
        // A long step after short ones starts a column of its own.
        if weight > 0.0 && s.year - from > width * 1.001 {
            close(from, previous, &mut sum, &mut weight);
            from = previous;
        }
        let dt = (s.year - previous).max(0.0);
        for (acc, h) in sum.iter_mut().zip(&s.histogram) {
            *acc += dt * h;
        }
        weight += dt;
        previous = s.year;
        if s.year - from >= width * 0.999 {
            close(from, s.year, &mut sum, &mut weight);
            from = s.year;
        }
    }
    close(from, previous, &mut sum, &mut weight);
    columns
}

/// The figures of one scenario's results, grouped in sections. Ids start with `prefix`; titles
/// end with `suffix`.
fn run_sections(run: &RunData, prefix: &str, suffix: &str, ids: &mut Ids) -> Result<Vec<Section>, ReportError> {
    let mut id = |name: &str| ids.take(format!("{prefix}{name}"));
    let n = run.elections.len();
    let groups: Vec<String> = (0..n).map(|k| election_label(k, &run.years)).collect();

    let mut turnout =
        cohort_bars(run, format!("Turnout by cohort{suffix}"), "turnout (% of eligible voters)", |k, c| {
            pct(run.metric(k, &["turnout_by_cohort", c]))
        });
    turnout.series.push(Series {
        label: "all voters".into(),
        values: (0..n).map(|k| pct(run.metric(k, &["turnout"]))).collect(),
    });
    let first_time = Bars {
        title: format!("First-time voters' turnout{suffix}"),
        groups: groups.clone(),
        x_desc: "election".into(),
        y_desc: "turnout (% of eligible voters)".into(),
        series: vec![
            Series {
                label: "first-time voters".into(),
                values: (0..n).map(|k| pct(run.metric(k, &["first_time_turnout"]))).collect(),
            },
            Series { label: "all voters".into(), values: (0..n).map(|k| pct(run.metric(k, &["turnout"]))).collect() },
        ],
    };
    let opinion = Heatmap {
        title: format!("Opinion distribution over time{suffix}"),
        y_desc: "ideology (−1 to +1)".into(),
        y_range: (-1.0, 1.0),
        columns: opinion_columns(&run.steps, 160),
        value_desc: "share of the electorate in each twentieth of the scale (%), mean over replicates".into(),
        markers: markers(&run.years),
    };
    let affective = Bands {
        title: format!("Affective polarisation over time{suffix}"),
        y_desc: "mean hostility to the other side (0–1)".into(),
        series: vec![(
            "all voters".into(),
            run.steps.iter().filter_map(|s| Some((s.year, within(Some(s.affective), UNIT)?))).collect(),
        )],
        markers: markers(&run.years),
    };
    let echo = Bars {
        title: format!("Echo-chamber index at each election{suffix}"),
        groups: groups.clone(),
        x_desc: "election".into(),
        y_desc: "correlation of ideology with online neighbours' (−1 to 1)".into(),
        series: vec![Series {
            label: "echo-chamber index".into(),
            values: (0..n).map(|k| within(run.metric(k, &["polarisation", "echo_chamber"]), CORRELATION)).collect(),
        }],
    };
    let exposure = cohort_bars(
        run,
        format!("Misinformation seen by cohort{suffix}"),
        "misinformation items seen per voter in the campaign",
        |k, c| count(run.metric(k, &["misinformation", "exposures_per_capita_by_cohort", c])),
    );
    let believers = cohort_bars(
        run,
        format!("Misinformation believers by cohort{suffix}"),
        "voters believing misinformation (%)",
        |k, c| pct(run.metric(k, &["misinformation", "believers_by_cohort", c])),
    );
    let believers_time = Bands {
        title: format!("Misinformation believers over time{suffix}"),
        y_desc: "voters believing misinformation (%)".into(),
        series: vec![(
            "all voters".into(),
            run.steps.iter().filter_map(|s| Some((s.year, pct(Some(s.believers))?))).collect(),
        )],
        markers: markers(&run.years),
    };
    let ads = cohort_bars(
        run,
        format!("Ad impressions by cohort{suffix}"),
        "ad impressions per voter in the campaign",
        |k, c| count(run.metric(k, &["ads", "impressions_per_capita_by_cohort", c])),
    );
    let targeted = cohort_bars(
        run,
        format!("Micro-targeted ads by cohort{suffix}"),
        "micro-targeted impressions per voter in the campaign",
        |k, c| count(run.targeted.get(&(k, c.to_string())).copied()),
    );

    Ok(vec![
        Section {
            id: id("turnout"),
            title: format!("Turnout{suffix}"),
            intro: "Share of eligible voters who voted at each election, by generation, and of those eligible for \
                    the first time. Habits form in a voter's first elections, so first-time turnout shapes the \
                    turnout of later years."
                .into(),
            table: None,
            figures: vec![
                figure(
                    id("turnout-by-cohort"),
                    turnout.title.clone(),
                    "Each bar is a cohort's turnout, averaged over replicates; whiskers show the 95% interval.",
                    charts::bars(&turnout),
                )?,
                figure(
                    id("first-time-turnout"),
                    first_time.title.clone(),
                    "Turnout of voters eligible for the first time at that election, beside the turnout of all voters.",
                    charts::bars(&first_time),
                )?,
            ],
        },
        Section {
            id: id("polarisation"),
            title: format!("Opinion and polarisation{suffix}"),
            intro: "How opinions spread along the left–right scale over the years, how hostile voters are to the \
                    other side, and how much their online neighbours think like them."
                .into(),
            table: None,
            figures: vec![
                figure(
                    id("opinion-distribution"),
                    opinion.title.clone(),
                    "Each column is the distribution of ideology at that time (brighter: more voters). One bright \
                     band is a consensus; two bands moving apart are polarisation.",
                    charts::heatmap(&opinion),
                )?,
                figure(
                    id("affective-polarisation"),
                    affective.title.clone(),
                    "Mean hostility toward the other side after every step; the band is the 95% interval over \
                     replicates.",
                    charts::bands(&affective),
                )?,
                figure(
                    id("echo-chamber"),
                    echo.title.clone(),
                    "Correlation between a voter's ideology and the mean of their online neighbours': 0 is a mixed \
                     network, 1 a perfect echo chamber.",
                    charts::bars(&echo),
                )?,
            ],
        },
        Section {
            id: id("misinformation"),
            title: format!("Misinformation{suffix}"),
            intro:
                "Who sees false stories during each campaign, and who comes to believe them (belief above one half)."
                    .into(),
            table: None,
            figures: vec![
                figure(
                    id("misinformation-exposure-by-cohort"),
                    exposure.title.clone(),
                    "Misinformation items seen per voter during the campaign before each election.",
                    charts::bars(&exposure),
                )?,
                figure(
                    id("misinformation-believers-by-cohort"),
                    believers.title.clone(),
                    "Share of each cohort believing misinformation on election day.",
                    charts::bars(&believers),
                )?,
                figure(
                    id("misinformation-believers-over-time"),
                    believers_time.title.clone(),
                    "Share of the electorate believing misinformation after every step.",
                    charts::bands(&believers_time),
                )?,
            ],
        },
        Section {
            id: id("advertising"),
            title: format!("Advertising{suffix}"),
            intro: "Who the campaigns reach and who they ignore: ad impressions per voter during each campaign, and \
                    the part bought by micro-targeting."
                .into(),
            table: None,
            figures: vec![
                figure(
                    id("ad-impressions-by-cohort"),
                    ads.title.clone(),
                    "All ad impressions per voter of each cohort during the campaign.",
                    charts::bars(&ads),
                )?,
                figure(
                    id("targeted-ads-by-cohort"),
                    targeted.title.clone(),
                    "Micro-targeted impressions per voter (from elections.csv); a cohort near zero is ignored by \
                     targeting.",
                    charts::bars(&targeted),
                )?,
            ],
        },
    ])
}

fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn version_fact(results: &str) -> (String, String) {
    let value = if results == VERSION { results.to_string() } else { format!("{results} (report drawn by {VERSION})") };
    ("votelab version".into(), value)
}

/// The page of a run.
pub fn run_page(run: &RunData) -> Result<Page, ReportError> {
    let mut ids = Ids::default();
    Ok(Page {
        title: format!("votelab report: {}", run.name),
        lead: run.description.clone(),
        facts: vec![
            ("scenario".into(), run.name.clone()),
            ("seed".into(), run.seed.to_string()),
            ("replicates".into(), run.replicates.to_string()),
            ("population".into(), format!("{} simulated voters", number(run.population))),
            (
                "elections".into(),
                (0..run.elections.len()).map(|k| election_label(k, &run.years)).collect::<Vec<_>>().join(", "),
            ),
            version_fact(&run.version),
        ],
        sections: run_sections(run, "", "", &mut ids)?,
        scenarios: vec![(format!("Resolved scenario {} (scenario.ron)", run.name), run.ron.clone())],
    })
}

/// A metric compared across scenarios or points.
struct Metric {
    id: &'static str,
    label: &'static str,
    path: &'static [&'static str],
    /// Values are shares, shown in percent (differences in percentage points).
    percent: bool,
    /// Unit of a level.
    unit: &'static str,
    /// The range a level can take, in the units shown.
    range: (f64, f64),
}

const METRICS: &[Metric] = &[
    Metric { id: "turnout", label: "Turnout", path: &["turnout"], percent: true, unit: "%", range: PERCENT },
    Metric {
        id: "first-time-turnout",
        label: "First-time voters' turnout",
        path: &["first_time_turnout"],
        percent: true,
        unit: "%",
        range: PERCENT,
    },
    Metric {
        id: "affective-polarisation",
        label: "Affective polarisation",
        path: &["polarisation", "affective"],
        percent: false,
        unit: "mean hostility, 0–1",
        range: UNIT,
    },
    Metric {
        id: "echo-chamber",
        label: "Echo-chamber index",
        path: &["polarisation", "echo_chamber"],
        percent: false,
        unit: "correlation",
        range: CORRELATION,
    },
    Metric {
        id: "misinformation-exposure",
        label: "Misinformation seen",
        path: &["misinformation", "exposures_per_capita"],
        percent: false,
        unit: "items per voter",
        range: COUNT,
    },
    Metric {
        id: "misinformation-believers",
        label: "Misinformation believers",
        path: &["misinformation", "believers"],
        percent: true,
        unit: "%",
        range: PERCENT,
    },
    Metric {
        id: "ad-impressions",
        label: "Ad impressions",
        path: &["ads", "impressions_per_capita"],
        percent: false,
        unit: "impressions per voter",
        range: COUNT,
    },
    Metric {
        id: "targeted-share",
        label: "Micro-targeted share of ads",
        path: &["ads", "targeted_share"],
        percent: true,
        unit: "%",
        range: PERCENT,
    },
];

impl Metric {
    fn scale(&self) -> f64 {
        if self.percent { 100.0 } else { 1.0 }
    }

    fn difference_unit(&self) -> &'static str {
        if self.percent { "percentage points" } else { self.unit }
    }
}

fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{x:+.decimals$}");
    if s.trim_start_matches(['+', '-']).chars().all(|c| c == '0' || c == '.') {
        format!("{:.decimals$}", 0.0)
    } else {
        s
    }
}

/// The comparison's headline table: the reference's values at the last election, then each
/// scenario's paired difference with its interval.
fn headline_table(data: &ComparisonData, cohorts: &[String], last: usize) -> Table {
    let mut columns: Vec<(String, Vec<String>, bool)> = METRICS
        .iter()
        .map(|m| (format!("{} ({})", m.label, m.unit), m.path.iter().map(|s| s.to_string()).collect(), m.percent))
        .collect();
    for (i, c) in cohorts.iter().enumerate() {
        columns.insert(1 + i, (format!("Turnout {c} (%)"), vec!["turnout_by_cohort".into(), c.clone()], true));
    }
    let decimals = |percent: bool| if percent { 1 } else { 3 };
    let mut rows = Vec::new();
    if let Some(reference) = data.runs.first() {
        let mut row = vec![Cell { text: format!("{} (reference)", reference.name), ..Cell::default() }];
        for (_, path, percent) in &columns {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let k = if *percent { 100.0 } else { 1.0 };
            row.push(match reference.metric(last, &path) {
                Some(v) => Cell {
                    text: format!("{:.*}", decimals(*percent), k * v.mean),
                    detail: format!("[{:.*}, {:.*}]", decimals(*percent), k * v.lo, decimals(*percent), k * v.hi),
                    marked: false,
                },
                None => Cell { text: "—".into(), ..Cell::default() },
            });
        }
        rows.push(row);
    }
    for s in data.scenarios.iter().skip(1) {
        let mut row = vec![Cell { text: s.name.clone(), ..Cell::default() }];
        for (_, path, percent) in &columns {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let k = if *percent { 100.0 } else { 1.0 };
            let d = decimals(*percent);
            row.push(match s.diff(last, &path) {
                Some(v) => Cell {
                    text: signed(k * v.mean, d),
                    detail: format!("[{}, {}]", signed(k * v.lo, d), signed(k * v.hi, d)),
                    marked: v.excludes_zero(),
                },
                None => Cell { text: "—".into(), ..Cell::default() },
            });
        }
        rows.push(row);
    }
    let mut head = vec!["scenario".to_string()];
    head.extend(columns.into_iter().map(|c| c.0));
    Table { head, rows }
}

/// The page of a comparison: paired differences first, then each scenario's own charts.
pub fn comparison_page(data: &ComparisonData) -> Result<Page, ReportError> {
    let mut ids = Ids::default();
    let reference = data.reference.as_str();
    let elections = data.scenarios.iter().map(|s| s.elections.len()).max().unwrap_or(0);
    let last = elections.saturating_sub(1);
    let years: Vec<f64> = data.runs.first().map(|r| r.years.clone()).unwrap_or_default();
    let cohorts: Vec<String> = data.runs.first().map(|r| r.cohorts.clone()).unwrap_or_default();
    let others: Vec<&super::data::Compared> = data.scenarios.iter().skip(1).collect();
    let rows: Vec<String> = others.iter().map(|s| s.name.clone()).collect();
    let per_election = |path: &[&str], k: f64| -> Vec<Series> {
        (0..elections)
            .map(|e| Series {
                label: election_label(e, &years),
                values: others.iter().map(|s| scaled(s.diff(e, path), k)).collect(),
            })
            .collect()
    };
    let mut figures = Vec::new();
    for (i, m) in METRICS.iter().enumerate() {
        let spec = Forest {
            title: format!("{}: difference from {reference}", m.label),
            rows: rows.clone(),
            x_desc: format!("paired difference from {reference} ({})", m.difference_unit()),
            series: per_election(m.path, m.scale()),
        };
        figures.push(figure(
            ids.take(format!("forest-{}", m.id)),
            spec.title.clone(),
            &format!(
                "{} of each scenario minus {reference}'s, replicate by replicate, at each election; whiskers: 95% interval.",
                m.label
            ),
            charts::forest(&spec),
        )?);
        if i == 0 {
            let spec = Forest {
                title: format!("Turnout by cohort: difference from {reference}"),
                rows: rows.clone(),
                x_desc: format!("paired difference from {reference} (percentage points)"),
                series: cohorts
                    .iter()
                    .map(|c| Series {
                        label: c.clone(),
                        values: others.iter().map(|s| scaled(s.diff(last, &["turnout_by_cohort", c]), 100.0)).collect(),
                    })
                    .collect(),
            };
            figures.push(figure(
                ids.take("forest-turnout-by-cohort".into()),
                spec.title.clone(),
                &format!(
                    "Each cohort's turnout at {} minus {reference}'s; whiskers: 95% interval.",
                    election_label(last, &years)
                ),
                charts::forest(&spec),
            )?);
        }
    }
    let mut sections = vec![Section {
        id: ids.take("paired-differences".into()),
        title: format!("Paired differences from {reference}"),
        intro: format!(
            "Every scenario ran with exactly the same voters, network and random draws as {reference} (common random \
             numbers); only the rules differ. The table gives {reference}'s values at {} and, for every other \
             scenario, the mean paired difference with its 95% interval; bold marks a difference whose interval \
             excludes zero. The intervals cover the simulation's randomness, not the model's assumptions.",
            election_label(last, &years)
        ),
        table: Some(headline_table(data, &cohorts, last)),
        figures,
    }];
    let mut scenarios = Vec::new();
    for run in &data.runs {
        let slug = ids.take(slug(&run.name));
        let mut parts = run_sections(run, &format!("{slug}-"), &format!(" — {}", run.name), &mut ids)?;
        // Folded into one section per scenario, so the page stays navigable with many scenarios.
        let figures = parts.iter_mut().flat_map(|s| std::mem::take(&mut s.figures)).collect();
        sections.push(Section {
            id: slug,
            title: format!("Scenario {}", run.name),
            intro: run.description.clone(),
            table: None,
            figures,
        });
        scenarios.push((format!("Resolved scenario {} ({}/scenario.ron)", run.name, run.name), run.ron.clone()));
    }
    let names: Vec<&str> = data.scenarios.iter().map(|s| s.name.as_str()).collect();
    Ok(Page {
        title: format!("votelab comparison: {}", names.join(", ")),
        lead: format!("{} scenarios compared with {reference} using common random numbers.", names.len()),
        facts: vec![
            ("reference".into(), reference.to_string()),
            ("scenarios".into(), names.join(", ")),
            ("seed".into(), data.seed.to_string()),
            ("replicates".into(), data.replicates.to_string()),
            ("population".into(), format!("{} simulated voters", number(data.population))),
            ("elections".into(), (0..elections).map(|k| election_label(k, &years)).collect::<Vec<_>>().join(", ")),
            version_fact(&data.version),
        ],
        sections,
        scenarios,
    })
}

/// The page of a sweep: each metric at the last election against the first varied parameter,
/// one line per combination of the others.
pub fn sweep_page(data: &SweepData) -> Result<Page, ReportError> {
    let mut ids = Ids::default();
    let elections = data.elections();
    let election = elections.saturating_sub(1).to_string();
    let first = data.paths.first().cloned().unwrap_or_default();
    // Distinct values of the first path in grid order, and the combinations of the others.
    let mut xs: Vec<String> = Vec::new();
    let mut combos: Vec<Vec<String>> = Vec::new();
    for p in &data.points {
        if let Some(x) = p.first().filter(|x| !xs.contains(x)) {
            xs.push(x.clone());
        }
        let rest = p.iter().skip(1).cloned().collect::<Vec<_>>();
        if !combos.contains(&rest) {
            combos.push(rest);
        }
    }
    let numeric: Option<Vec<f64>> = xs.iter().map(|x| x.trim().parse::<f64>().ok().filter(|v| v.is_finite())).collect();
    let positions = match numeric {
        Some(v) => Positions::Numeric(v),
        None => Positions::Categorical(xs.clone()),
    };
    let label = |combo: &[String]| -> String {
        if combo.is_empty() {
            data.scenario.clone()
        } else {
            data.paths
                .iter()
                .skip(1)
                .zip(combo)
                .map(|(p, v)| format!("{} = {v}", short(p)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let series_of = |metric: &str, k: f64, range: (f64, f64)| -> Vec<Series> {
        combos
            .iter()
            .map(|combo| Series {
                label: label(combo),
                values: xs
                    .iter()
                    .map(|x| {
                        let point =
                            data.points.iter().position(|p| p.first() == Some(x) && p.get(1..) == Some(&combo[..]))?;
                        within(
                            scaled(data.values.get(&(point, election.clone(), metric.to_string())).copied(), k),
                            range,
                        )
                    })
                    .collect(),
            })
            .collect()
    };
    let at = format!("election {}", elections.max(1));
    let mut metrics: Vec<Swept> = Vec::new();
    for m in METRICS {
        let label = format!("{} ({})", m.label, m.unit);
        metrics.push(Swept { id: m.id.into(), label, metric: m.path.join("/"), scale: m.scale(), range: m.range });
        if m.id == "turnout" {
            for name in data.metrics() {
                if let Some(cohort) = name.strip_prefix("turnout_by_cohort/") {
                    metrics.push(Swept {
                        id: format!("turnout-{}", slug(cohort)),
                        label: format!("Turnout of {cohort} (%)"),
                        metric: name.to_string(),
                        scale: 100.0,
                        range: PERCENT,
                    });
                }
            }
        }
    }
    let mut figures = Vec::new();
    for m in metrics {
        let label = &m.label;
        let spec = Sweep {
            title: format!("{} against {}", label.split(" (").next().unwrap_or(label), short(&first)),
            x: positions.clone(),
            x_desc: first.clone(),
            y_desc: format!("{label} at {at}"),
            series: series_of(&m.metric, m.scale, m.range),
        };
        figures.push(figure(
            ids.take(format!("sweep-{}", m.id)),
            spec.title.clone(),
            &format!("{label} at {at} for each value of {first}; whiskers: 95% interval over replicates."),
            charts::sweep(&spec),
        )?);
    }
    let population = match data.population {
        _ if data.paths.iter().any(|p| p == "population.size") => "varied".to_string(),
        Some(n) => format!("{} simulated voters", number(n)),
        None => "not recorded".to_string(),
    };
    let mut facts = vec![("scenario".to_string(), data.scenario.clone())];
    for p in &data.paths {
        let mut values: Vec<&str> = Vec::new();
        for point in &data.points {
            if let Some(v) = data
                .paths
                .iter()
                .position(|x| x == p)
                .and_then(|i| point.get(i))
                .filter(|v| !values.contains(&v.as_str()))
            {
                values.push(v);
            }
        }
        facts.push((format!("varied: {p}"), values.join(", ")));
    }
    facts.extend([
        ("points".to_string(), data.points.len().to_string()),
        ("seed".into(), data.seed.to_string()),
        ("replicates".into(), format!("{} per point", data.replicates)),
        ("population".into(), population),
        version_fact(&data.version),
    ]);
    Ok(Page {
        title: format!("votelab sweep: {} over {}", data.scenario, data.paths.join(" × ")),
        lead: format!("{} points of {}, each with {} replicates.", data.points.len(), data.scenario, data.replicates),
        facts,
        sections: vec![Section {
            id: ids.take("sweep".into()),
            title: format!("Metrics against {first}"),
            intro: format!(
                "Each chart shows a metric at {at} for each value of {first}{}. Points are means over replicates, \
                 whiskers their 95% interval.",
                if combos.len() > 1 { ", one line per combination of the other varied parameters" } else { "" }
            ),
            table: None,
            figures,
        }],
        scenarios: data
            .ron
            .iter()
            .map(|r| (format!("Base scenario {} before --vary (scenario.ron)", data.scenario), r.clone()))
            .collect(),
    })
}

/// A metric drawn against the varied parameter of a sweep.
struct Swept {
    /// Id fragment.
    id: String,
    /// Label with unit.
    label: String,
    /// Metric name in `sweep.csv`.
    metric: String,
    /// Factor to the units shown.
    scale: f64,
    /// Range of the quantity, in the units shown.
    range: (f64, f64),
}

/// The last part of a field path (`regulation.takedown_hours` → `takedown_hours`).
fn short(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(year: f64, histogram: Vec<f64>) -> Step {
        Step { year, election: false, affective: Interval::exact(0.5), believers: Interval::exact(0.0), histogram }
    }

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
    fn opinion_columns_merge_short_steps_weighted_by_duration() {
        // Two short steps then one long: with two columns, the short ones merge.
        let steps = vec![step(2025.0, vec![1.0, 0.0]), step(2025.1, vec![0.0, 1.0]), step(2026.0, vec![0.5, 0.5])];
        let cols = opinion_columns(&steps, 2);
        assert_eq!(cols.len(), 2, "{cols:?}");
        assert!((cols[0].0 - 2024.9).abs() < 1e-9);
        assert_eq!(cols[0].2, vec![50.0, 50.0]);
        assert_eq!(cols[1], (2025.1, 2026.0, vec![50.0, 50.0]));
        assert!(opinion_columns(&[], 10).is_empty());
    }

    #[test]
    fn numbers_and_differences_read_well() {
        assert_eq!(number(1234567), "1,234,567");
        assert_eq!(number(12), "12");
        assert_eq!(signed(0.6, 1), "+0.6");
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(signed(-1.25, 2), "-1.25");
    }
}
