//! The HTML report: reads the text of a results folder ([`ResultsFolder`]: `summary.json`,
//! `timeseries.csv`, `elections.csv`, `scenario.ron`; `comparison.json` and each scenario's
//! subfolder; `sweep.json`, `points.csv`, `sweep.csv`; their schema is `crate::output::files`,
//! docs/MODEL.md §10 Output files) and writes one self-contained page with inline SVG charts
//! ([`Report`]), plus each chart as PNG on request ([`chart_png`]). Pure: no filesystem, no
//! printing; the command line gathers the files and writes the results.

mod charts;
mod data;
mod figures;
mod html;
mod png;

pub use png::chart_png;

use crate::output::folder::{FolderError, Kind, ResultsFolder, kind};
use thiserror::Error;

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

/// Why a report could not be drawn. Every message names the file or chart concerned.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ReportError {
    /// The results folder, or a file in it, is missing or malformed.
    #[error(transparent)]
    Folder(#[from] FolderError),
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
        ReportError::Folder(FolderError::Bad { file: file.to_string(), message: message.into() })
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
        Kind::Robustness => {
            let file = "robustness.json";
            let doc = crate::output::robustness::parse_meta(folder.require(file)?)
                .map_err(|message| ReportError::bad(file, message))?;
            figures::robustness_page(&doc)?
        }
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
        let mut timeseries = String::from(
            "replicate,step,day,year,phase,eligible,mean_ideology,variance,affective,arousal,trust,believers,\
             misinformation_per_capita,ads_per_capita,hist_00,hist_01\n",
        );
        for r in 0..2 {
            for (step, (year, phase)) in
                [(2025.9, "campaign"), (2026.0, "election"), (2030.0, "election")].iter().enumerate()
            {
                timeseries
                    .push_str(&format!("{r},{step},{step},{year},{phase},100,0,0.1,0.5,0.2,0.5,0.02,1,2,0.4,0.6\n"));
            }
        }
        let mut elections = String::from(
            "replicate,election,year,cohort,eligible,voters,turnout,first_time_eligible,first_time_voters,\
             mean_ideology,hostility,trust,believers,misinformation_per_capita,ads_per_capita,targeted_per_capita\n",
        );
        for r in 0..2 {
            for (k, year) in [(1, 2026.0), (2, 2030.0)] {
                for (cohort, targeted) in [("Young", 0.0), ("Old", 3.5)] {
                    elections
                        .push_str(&format!("{r},{k},{year},{cohort},10,6,0.6,2,1,0,0.5,0.5,0.03,12,12,{targeted}\n"));
                }
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
                if file == "summary.json" { FolderError::NotResults } else { FolderError::Missing(file.into()) };
            assert_eq!(render(&folder).unwrap_err(), ReportError::Folder(expected));
        }
        // Odd but well-formed numbers still draw.
        let mut folder = tiny_run();
        let text = folder.get("timeseries.csv").unwrap().replace(",0.5,", ",1e300,").replace("2030", "1e15");
        folder.insert("timeseries.csv", text);
        render(&folder).unwrap();
    }
}
