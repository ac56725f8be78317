//! The page of a comparison: the headline table and forest plots of paired differences from the
//! reference, then each scenario's own charts.

use super::run::run_sections;
use super::{
    Cell, Ids, MARKS_KEY, Page, Section, Table, difference_cell, election_label, family_stem, figure, number,
    overrides_fact, scaled, slug, smd_section, version_fact,
};
use crate::metrics::catalogue::{self, MetricDef, Placeholder};
use crate::output::labelled;
use crate::report::ReportError;
use crate::report::charts::{Forest, Series};
use crate::report::data::ComparisonData;

/// The headline table's columns: (heading, path, metric) for each of the catalogue's headline
/// metrics, per-cohort ones once per cohort. A per-cohort column keeps its established heading
/// (`Turnout Gen Z (%)`).
fn headline_columns(cohorts: &[String]) -> Vec<(String, Vec<String>, &'static MetricDef)> {
    let mut columns = Vec::new();
    for def in catalogue::headlines() {
        match def.placeholder() {
            None => columns.push((def.heading(None), def.path_for(None), def)),
            Some(Placeholder::Cohort) => columns.extend(
                cohorts
                    .iter()
                    .map(|c| (format!("{} {c} ({})", family_stem(def), def.unit), def.path_for(Some(c)), def)),
            ),
            // The report's data has no party names.
            Some(Placeholder::Party) => {}
        }
    }
    columns
}

/// The comparison's headline table: the reference's values at the last election, then each
/// scenario's paired difference with its interval.
fn headline_table(data: &ComparisonData, cohorts: &[String], last: usize) -> Table {
    let columns = headline_columns(cohorts);
    let mut rows = Vec::new();
    if let Some(reference) = data.runs.first() {
        let mut row = vec![Cell {
            text: format!("{} (reference)", labelled(&reference.name, &reference.overrides)),
            ..Cell::default()
        }];
        for (_, path, def) in &columns {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let (k, d) = (def.kind.scale(), def.kind.decimals());
            row.push(match reference.metric(last, &path) {
                Some(v) => Cell {
                    text: format!("{:.*}", d, k * v.mean),
                    detail: format!("[{:.*}, {:.*}]", d, k * v.lo, d, k * v.hi),
                    mark: None,
                },
                None => Cell { text: "—".into(), ..Cell::default() },
            });
        }
        rows.push(row);
    }
    for s in data.scenarios.iter().skip(1) {
        let mut row = vec![Cell { text: labelled(&s.name, &s.overrides), ..Cell::default() }];
        for (_, path, _) in &columns {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            row.push(match s.diff(last, &path) {
                Some(v) => difference_cell(&path, v.mean, [v.lo, v.hi], data.replicates),
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
    let others: Vec<&crate::report::data::Compared> = data.scenarios.iter().skip(1).collect();
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
    for m in catalogue::headlines() {
        match m.placeholder() {
            None => {
                let path = m.path_for(None);
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                let spec = Forest {
                    title: format!("{}: difference from {reference}", m.label),
                    rows: rows.clone(),
                    x_desc: format!("paired difference from {reference} ({})", m.difference_unit()),
                    series: per_election(&path, m.kind.scale()),
                };
                figures.push(figure(
                    ids.take(format!("forest-{}", m.id)),
                    &spec,
                    &format!(
                        "{} of each scenario minus {reference}'s, replicate by replicate, at each election; whiskers: 95% interval.",
                        m.label
                    ),
                )?);
            }
            // One row per scenario, one series per cohort, at the last election.
            Some(Placeholder::Cohort) => {
                let spec = Forest {
                    title: format!("{}: difference from {reference}", m.label),
                    rows: rows.clone(),
                    x_desc: format!("paired difference from {reference} ({})", m.difference_unit()),
                    series: cohorts
                        .iter()
                        .map(|c| {
                            let path = m.path_for(Some(c));
                            let path: Vec<&str> = path.iter().map(String::as_str).collect();
                            Series {
                                label: c.clone(),
                                values: others.iter().map(|s| scaled(s.diff(last, &path), m.kind.scale())).collect(),
                            }
                        })
                        .collect(),
                };
                figures.push(figure(
                    ids.take(format!("forest-{}", m.id)),
                    &spec,
                    &format!(
                        "Each cohort's {} at {} minus {reference}'s; whiskers: 95% interval.",
                        family_stem(m).to_lowercase(),
                        election_label(last, &years)
                    ),
                )?);
            }
            // The report's data has no party names.
            Some(Placeholder::Party) => {}
        }
    }
    let mut sections = vec![Section {
        id: ids.take("paired-differences".into()),
        title: format!("Paired differences from {reference}"),
        intro: format!(
            "Every scenario ran with exactly the same voters, network and random draws as {reference} (common random \
             numbers); only the rules differ. The table gives {reference}'s values at {} and, for every other \
             scenario, the mean paired difference with its 95% interval. {MARKS_KEY} The intervals cover the \
             simulation's randomness, not the model's assumptions.",
            election_label(last, &years)
        ),
        table: Some(headline_table(data, &cohorts, last)),
        figures,
    }];
    sections.push(smd_section(ids.take("smallest-meaningful-differences".into())));
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
            (
                "overrides".into(),
                data.scenarios
                    .iter()
                    .map(|s| format!("{}: {}", s.name, overrides_fact(&s.overrides)))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ("seed".into(), data.seed.to_string()),
            ("replicates".into(), data.replicates.to_string()),
            ("population".into(), format!("{} simulated voters", number(data.population))),
            ("elections".into(), (0..elections).map(|k| election_label(k, &years)).collect::<Vec<_>>().join(", ")),
            version_fact(&data.version),
        ],
        sections,
        scenarios,
        summary: data
            .scenarios
            .iter()
            .filter(|s| !s.summary.is_empty())
            .map(|s| (s.name.clone(), s.summary.clone()))
            .collect(),
    })
}
