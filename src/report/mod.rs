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

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny run folder: two cohorts, two elections, three steps, two replicates.
    fn tiny_run() -> ResultsFolder {
        let metric = |m: f64| format!(r#"{{"mean": {m}, "sd": 0.01, "ci95": [{}, {}], "n": 2}}"#, m - 0.02, m + 0.02);
        let election = |t: f64| {
            format!(
                r#"{{"turnout": {t}, "first_time_turnout": {f}, "turnout_by_cohort": {{"Young": {y}, "Old": {o}}},
                "polarisation": {{"affective": {a}, "echo_chamber": {e}}},
                "misinformation": {{"exposures_per_capita_by_cohort": {{"Young": {x}, "Old": {x}}},
                                    "believers_by_cohort": {{"Young": {b}, "Old": {b}}}}},
                "ads": {{"impressions_per_capita_by_cohort": {{"Young": {x}, "Old": {x}}}}}}}"#,
                t = metric(t),
                f = metric(0.4),
                y = metric(0.45),
                o = metric(0.7),
                a = metric(0.5),
                e = metric(0.9),
                x = metric(12.0),
                b = metric(0.03),
            )
        };
        let summary = format!(
            r#"{{"elections": [{}, {}], "scenario": {{"name": "tiny", "description": "a <tiny> test"}},
               "seed": 7, "replicates": 2, "population": 100, "version": "0.1.0"}}"#,
            election(0.6),
            election(0.62)
        );
        let mut timeseries = String::from("replicate,step,day,year,phase,affective,believers,hist_00,hist_01\n");
        for r in 0..2 {
            for (step, (year, phase)) in
                [(2025.9, "campaign"), (2026.0, "election"), (2030.0, "election")].iter().enumerate()
            {
                timeseries.push_str(&format!("{r},{step},{step},{year},{phase},0.5,0.02,0.4,0.6\n"));
            }
        }
        let mut elections = String::from("replicate,election,year,cohort,targeted_per_capita\n");
        for r in 0..2 {
            for (k, year) in [(0, 2026.0), (1, 2030.0)] {
                elections.push_str(&format!("{r},{k},{year},Young,0\n{r},{k},{year},Old,3.5\n"));
            }
        }
        let mut folder = ResultsFolder::new();
        folder.insert("summary.json", summary);
        folder.insert("timeseries.csv", timeseries);
        folder.insert("elections.csv", elections);
        folder.insert("scenario.ron", "Scenario(name: \"tiny\", description: \"</pre>\")");
        folder
    }

    #[test]
    fn a_tiny_run_renders_deterministically_with_escaped_text() {
        let folder = tiny_run();
        let report = render(&folder).unwrap();
        assert_eq!(render(&folder).unwrap(), report, "same files, same bytes");
        assert_eq!(report.charts.len(), 10);
        assert!(report.charts.iter().all(|c| report.html.contains(&format!("<figure id=\"{}\">", c.id))));
        assert!(report.html.contains("a &lt;tiny&gt; test") && report.html.contains("&lt;/pre&gt;"));
        assert!(!report.html.contains("http"));
    }

    #[test]
    fn damaged_files_give_errors_naming_them_and_never_panic() {
        let garbage = ["", "x", "{}", "[]", "null", "a,b\n1,2\n", "step,year\nNaN,inf\n", "\u{0}\u{ffff}"];
        for file in ["summary.json", "timeseries.csv", "elections.csv"] {
            for g in garbage {
                let mut folder = tiny_run();
                folder.insert(file, g);
                let err = render(&folder).expect_err(&format!("{file} = {g:?}")).to_string();
                assert!(err.contains(file), "{file} = {g:?}: {err}");
            }
            let mut folder = tiny_run();
            folder.files.remove(file);
            let expected =
                if file == "summary.json" { ReportError::NotResults } else { ReportError::Missing(file.into()) };
            assert_eq!(render(&folder).unwrap_err(), expected);
        }
        // Odd but well-formed numbers still draw.
        let mut folder = tiny_run();
        let text = folder.get("timeseries.csv").unwrap().replace(",0.5,", ",1e300,").replace("2030", "1e15");
        folder.insert("timeseries.csv", text);
        render(&folder).unwrap();
    }

    #[test]
    fn the_kind_of_folder_follows_its_files() {
        let mut folder = ResultsFolder::new();
        assert_eq!(kind(&folder), Err(ReportError::NotResults));
        folder.insert("summary.json", "{}");
        assert_eq!(kind(&folder), Ok(Kind::Run));
        folder.insert("sweep.json", "{}");
        assert_eq!(kind(&folder), Ok(Kind::Sweep));
        folder.insert("shard.txt", "0/2\n");
        assert_eq!(kind(&folder), Err(ReportError::Shard));
        folder.insert("comparison.json", "{}");
        assert_eq!(kind(&folder), Ok(Kind::Comparison));
    }

    #[test]
    fn gather_reads_only_known_files_and_the_comparisons_subfolders() {
        let mut asked = Vec::new();
        let folder = ResultsFolder::gather(|path| {
            asked.push(path.to_string());
            Ok(match path {
                "comparison.json" => Some(r#"{"scenarios": [{"name": "a"}, {"name": "b"}]}"#.to_string()),
                "a/summary.json" => Some("{}".to_string()),
                _ => None,
            })
        })
        .unwrap();
        assert_eq!(folder.files.keys().collect::<Vec<_>>(), vec!["a/summary.json", "comparison.json"]);
        assert!(asked.contains(&"b/timeseries.csv".to_string()));
        assert!(asked.iter().all(|p| TOP_LEVEL.contains(&p.as_str()) || p.starts_with("a/") || p.starts_with("b/")));
        let traversal = ResultsFolder::gather(|path| {
            Ok((path == "comparison.json").then(|| r#"{"scenarios": [{"name": ".."}]}"#.to_string()))
        });
        assert!(matches!(traversal, Err(ReportError::Bad { .. })));
        let unreadable = ResultsFolder::gather(|_| Err("permission denied".into()));
        assert!(unreadable.unwrap_err().to_string().contains("permission denied"));
    }
}
