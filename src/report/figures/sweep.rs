//! The page of a sweep: each headline metric at the last election against the first varied
//! parameter, one line per combination of the others.

use super::{
    Cell, Ids, Page, Section, Table, difference_cell, figure, number, overrides_fact, scaled, slug, version_fact,
    within,
};
use crate::metrics::catalogue;
use crate::report::ReportError;
use crate::report::charts::{Positions, Series, Sweep};
use crate::report::data::SweepData;

/// The page of a sweep: each metric at the last election against the first varied parameter,
/// one line per combination of the others.
pub fn sweep_page(data: &SweepData) -> Result<Page, ReportError> {
    let mut ids = Ids::default();
    let elections = data.elections();
    let election = elections;
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
                        within(scaled(data.values.get(&(point, election, metric.to_string())).copied(), k), range)
                    })
                    .collect(),
            })
            .collect()
    };
    let at = format!("election {}", elections.max(1));
    let mut metrics: Vec<Swept> = Vec::new();
    for m in catalogue::headlines() {
        if m.placeholder().is_none() {
            let label = m.heading(None);
            let metric = m.path_for(None).join("/");
            metrics.push(Swept {
                id: m.id.into(),
                label,
                metric,
                scale: m.kind.scale(),
                unit: m.difference_unit_short(),
                range: m.display_range(),
            });
            continue;
        }
        // One chart per cohort (or party) the sweep recorded, e.g. `turnout-gen-z`.
        for name in data.metrics() {
            let segments: Vec<&str> = name.split('/').collect();
            if let Some(Some(key)) = m.matches(&segments) {
                metrics.push(Swept {
                    id: format!("{}-{}", m.id.trim_end_matches("-by-cohort"), slug(&key)),
                    label: m.heading(Some(&key)),
                    metric: name.to_string(),
                    scale: m.kind.scale(),
                    unit: m.difference_unit_short(),
                    range: m.display_range(),
                });
            }
        }
    }
    let differences = differences_table(data, &metrics, election);
    let mut figures = Vec::new();
    for m in &metrics {
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
            &spec,
            &format!("{label} at {at} for each value of {first}; whiskers: 95% interval over replicates."),
        )?);
    }
    let population = match data.population {
        _ if data.paths.iter().any(|p| p == "population.size") => "varied".to_string(),
        Some(n) => format!("{} simulated voters", number(n)),
        None => "not recorded".to_string(),
    };
    let mut facts = vec![
        ("scenario".to_string(), data.scenario.clone()),
        ("overrides".to_string(), overrides_fact(&data.overrides)),
    ];
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
        lead: std::iter::once(format!(
            "{} points of {}, each with {} replicates.",
            data.points.len(),
            data.scenario,
            data.replicates
        ))
        .chain(data.warnings.iter().map(|w| format!("Warning: {w}.")))
        .collect::<Vec<_>>()
        .join(" "),
        facts,
        sections: vec![
            Section {
                id: ids.take("paired-differences".into()),
                title: "Paired differences from the first point".into(),
                intro: format!(
                    "Each point's metrics at {at} minus the first point's, replicate by replicate: every point ran \
                     with the same voters, network and random draws (common random numbers), so these intervals \
                     show what the parameter does, and are much narrower than the per-point whiskers of the charts \
                     below. Shares in percentage points; bold marks a difference whose 95% interval excludes zero."
                ),
                table: Some(differences),
                figures: Vec::new(),
            },
            Section {
                id: ids.take("sweep".into()),
                title: format!("Metrics against {first}"),
                intro: format!(
                    "Each chart shows a metric at {at} for each value of {first}{}. Points are means over replicates, \
                 whiskers their 95% interval.",
                    if combos.len() > 1 { ", one line per combination of the other varied parameters" } else { "" }
                ),
                table: None,
                figures,
            },
        ],
        scenarios: data
            .ron
            .iter()
            .map(|r| (format!("Base scenario {} before --vary (scenario.ron)", data.scenario), r.clone()))
            .collect(),
        summary: Vec::new(),
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
    /// Unit of a difference as shown (`pp` for shares).
    unit: &'static str,
    /// Range of the quantity, in the units shown.
    range: (f64, f64),
}

/// The paired differences of each point from the first at `election`: one row per point, one
/// column per metric, each cell the mean difference with its 95% interval.
fn differences_table(data: &SweepData, metrics: &[Swept], election: usize) -> Table {
    let mut head = vec!["point".to_string()];
    head.extend(metrics.iter().map(|m| format!("{} ({})", m.label.split(" (").next().unwrap_or(&m.label), m.unit)));
    let rows = data
        .points
        .iter()
        .enumerate()
        .map(|(p, values)| {
            let label = data.paths.iter().zip(values).map(|(path, v)| format!("{} = {v}", short(path)));
            let label = format!("{p}: {}", label.collect::<Vec<_>>().join(", "));
            let mut row = vec![Cell { text: label, ..Cell::default() }];
            row.extend(metrics.iter().map(|m| {
                if p == 0 {
                    return Cell { text: "reference".into(), ..Cell::default() };
                }
                match data.differences.get(&(p, election, m.metric.clone())) {
                    Some(d) => {
                        let path: Vec<&str> = m.metric.split('/').collect();
                        difference_cell(&path, d.mean, [d.lo, d.hi], data.replicates)
                    }
                    None => Cell { text: "—".into(), ..Cell::default() },
                }
            }));
            row
        })
        .collect();
    Table { head, rows }
}

/// The last part of a field path (`regulation.takedown_hours` → `takedown_hours`).
fn short(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}
