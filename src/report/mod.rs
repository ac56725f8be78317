//! The HTML report (issue 7, DESIGN §6): reads the text of a results folder ([`ResultsFolder`]:
//! `summary.json`, `timeseries.csv`, `elections.csv`, `scenario.ron`; `comparison.json` and each
//! scenario's subfolder; `sweep.json`, `points.csv`, `sweep.csv`) and writes one self-contained
//! page with inline SVG charts ([`Report`]), plus each chart as PNG on request ([`chart_png`]).
//! Pure: no filesystem, no printing; the command line gathers the files and writes the results.

mod charts;
mod data;
mod figures;
mod html;
mod png;

pub use png::chart_png;

use std::collections::BTreeMap;
use thiserror::Error;

/// A results folder in memory: relative path (e.g. `"summary.json"`, `"baseline/timeseries.csv"`,
/// `"comparison.json"`) → file text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultsFolder {
    /// The files, by path relative to the folder, `/`-separated.
    pub files: BTreeMap<String, String>,
}

/// One chart of a report: a stable id (also the `id` of its `<figure>` and the name of its PNG),
/// a title, and a standalone SVG document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// Stable id, e.g. `turnout-by-cohort`; unique within a report.
    pub id: String,
    /// Title, as drawn at the top of the chart.
    pub title: String,
    /// The chart as an SVG document (with its namespace, so it stands alone).
    pub svg: String,
}

/// A rendered report: the page and the charts in it, in page order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// `report.html`: one self-contained page (inline SVG and CSS, no scripts, no external URLs).
    pub html: String,
    /// The charts in the page, in order.
    pub charts: Vec<Chart>,
}

/// Why a report could not be drawn. Every message names the file concerned.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ReportError {
    /// None of the files that identify a results folder is there.
    #[error(
        "not a votelab results folder: it has no summary.json (run), comparison.json (compare) or sweep.json (sweep)"
    )]
    NotResults,
    /// The folder is one shard of a sweep, which has no summary yet.
    #[error("this is one shard of a sweep (shard.txt); join the shards with `votelab merge` and report on the result")]
    Shard,
    /// A file the report needs is missing.
    #[error("{0} is missing")]
    Missing(String),
    /// A file could not be read.
    #[error("cannot read {file}: {message}")]
    Read {
        /// The file, relative to the folder.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A file is malformed.
    #[error("{file}: {message}")]
    Bad {
        /// The file, relative to the folder.
        file: String,
        /// What is wrong with it.
        message: String,
    },
    /// A chart could not be drawn or rasterised.
    #[error("chart {id}: {message}")]
    Chart {
        /// The chart's id.
        id: String,
        /// What went wrong.
        message: String,
    },
}

impl ReportError {
    /// A malformed file.
    pub(crate) fn bad(file: &str, message: impl Into<String>) -> ReportError {
        ReportError::Bad { file: file.to_string(), message: message.into() }
    }
}

/// The three kinds of results folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `votelab run`: `summary.json` and its companions.
    Run,
    /// `votelab compare`: `comparison.json` and one subfolder per scenario.
    Comparison,
    /// `votelab sweep` or `merge`: `sweep.json`, `points.csv`, `sweep.csv`.
    Sweep,
}

/// Files at the top of a results folder that a report may read.
const TOP_LEVEL: &[&str] = &[
    "comparison.json",
    "sweep.json",
    "points.csv",
    "sweep.csv",
    "shard.txt",
    "summary.json",
    "timeseries.csv",
    "elections.csv",
    "scenario.ron",
];

/// Files of each scenario's subfolder in a comparison that a report reads.
const PER_SCENARIO: &[&str] = &["summary.json", "timeseries.csv", "elections.csv", "scenario.ron"];

impl ResultsFolder {
    /// An empty folder.
    pub fn new() -> ResultsFolder {
        ResultsFolder::default()
    }

    /// Add (or replace) a file.
    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }

    /// The text of a file, if present.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// The text of a file the report needs.
    pub(crate) fn require(&self, path: &str) -> Result<&str, ReportError> {
        self.get(path).ok_or_else(|| ReportError::Missing(path.to_string()))
    }

    /// Collect exactly the files a report reads, asking `read` for each relative path (`Ok(None)`:
    /// the file is absent). For a comparison, the scenario subfolders are named by
    /// `comparison.json`; a name that is not a plain folder name is refused.
    pub fn gather(mut read: impl FnMut(&str) -> Result<Option<String>, String>) -> Result<ResultsFolder, ReportError> {
        let mut folder = ResultsFolder::new();
        let mut fetch = |folder: &mut ResultsFolder, path: &str| -> Result<(), ReportError> {
            match read(path) {
                Ok(Some(text)) => folder.insert(path, text),
                Ok(None) => {}
                Err(message) => return Err(ReportError::Read { file: path.to_string(), message }),
            }
            Ok(())
        };
        for path in TOP_LEVEL {
            fetch(&mut folder, path)?;
        }
        if kind(&folder)? == Kind::Comparison {
            for name in data::comparison_names(folder.require("comparison.json")?)? {
                for file in PER_SCENARIO {
                    fetch(&mut folder, &format!("{name}/{file}"))?;
                }
            }
        }
        Ok(folder)
    }
}

/// What kind of results folder this is, from the files present.
pub fn kind(folder: &ResultsFolder) -> Result<Kind, ReportError> {
    if folder.get("comparison.json").is_some() {
        Ok(Kind::Comparison)
    } else if folder.get("shard.txt").is_some() {
        Err(ReportError::Shard)
    } else if folder.get("sweep.json").is_some() {
        Ok(Kind::Sweep)
    } else if folder.get("summary.json").is_some() {
        Ok(Kind::Run)
    } else {
        Err(ReportError::NotResults)
    }
}

/// Draw the report of a results folder: detects a run, comparison or sweep folder from the files
/// present and reads only the files [`ResultsFolder::gather`] collects, so a report rebuilt from
/// the files on disk is byte-identical to the one written with them.
pub fn render(folder: &ResultsFolder) -> Result<Report, ReportError> {
    let page = match kind(folder)? {
        Kind::Run => figures::run_page(&data::RunData::read(folder, "")?)?,
        Kind::Comparison => figures::comparison_page(&data::ComparisonData::read(folder)?)?,
        Kind::Sweep => figures::sweep_page(&data::SweepData::read(folder)?)?,
    };
    let html = html::page(&page);
    let charts = page.sections.into_iter().flat_map(|s| s.figures).map(|f| f.chart).collect();
    Ok(Report { html, charts })
}
