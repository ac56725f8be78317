//! The page of a robustness run: the effect of the scenario on each headline metric across the
//! plausible parameter sets (median, 5–95% range, shares with the median's sign and with a
//! meaningful effect), a tornado chart per headline metric of the assumptions that move the
//! effect most, and the assumptions drawn with their ranges and sources. Reads `robustness.json`
//! only.

use super::{Cell, Ids, Page, Section, Table, figure, number, overrides_fact, signed, slug, smd_section, version_fact};
use crate::metrics::catalogue;
use crate::output::files::Mark;
use crate::output::robustness::{RobustnessFile, TORNADO_ROWS};
use crate::report::ReportError;
use crate::report::charts::Tornado;

/// A share as a whole percentage.
fn percent(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// The page of a robustness run.
pub fn robustness_page(doc: &RobustnessFile) -> Result<Page, ReportError> {
    let mut ids = Ids::default();
    let last = doc.elections;
    let mut rows = Vec::new();
    for r in doc.effects.iter().filter(|r| r.election == last) {
        let path: Vec<&str> = r.metric.split('/').collect();
        let decimals = catalogue::by_path(&path)
            .map(|(def, _)| def.difference_decimals(r.median).max(def.kind.decimals()))
            .unwrap_or(3);
        let mark = if r.share_meaningful >= 0.5 { Some(Mark::Meaningful) } else { Some(Mark::Negligible) };
        rows.push(vec![
            Cell { text: r.label.clone(), ..Cell::default() },
            Cell {
                text: format!(
                    "{}{}",
                    signed(r.median, decimals),
                    if mark == Some(Mark::Meaningful) { "*" } else { "~" }
                ),
                detail: r.unit.clone(),
                mark,
            },
            Cell { text: format!("{} to {}", signed(r.p05, decimals), signed(r.p95, decimals)), ..Cell::default() },
            Cell { text: percent(r.share_same_sign), ..Cell::default() },
            Cell { text: percent(r.share_meaningful), ..Cell::default() },
            Cell { text: format!("{} {}", r.smallest_meaningful_difference, r.unit), ..Cell::default() },
        ]);
    }
    let table = Table {
        head: vec![
            "metric".into(),
            "median effect".into(),
            "5–95% of parameter sets".into(),
            "same sign as the median".into(),
            "at least the smallest meaningful difference".into(),
            "smallest meaningful difference".into(),
        ],
        rows,
    };
    let mut figures = Vec::new();
    for r in doc.effects.iter().filter(|r| r.election == last) {
        let mut bars: Vec<(String, f64)> = doc
            .influence
            .iter()
            .filter(|i| i.metric == r.metric && i.election == last)
            .map(|i| (i.assumption.clone(), i.coefficient))
            .collect();
        bars.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
        bars.truncate(TORNADO_ROWS);
        let spec = Tornado {
            title: format!("{}: which assumptions move the effect", r.label),
            rows: bars,
            x_desc: "standardised coefficient (correlation across parameter sets)".into(),
            notes: vec![
                format!("Effect of {} on {} at election {last}.", doc.scenario, r.label),
                "Bars: how strongly a higher value of the assumption goes with a more positive (or more negative) \
                 effect."
                    .into(),
            ],
        };
        figures.push(figure(
            ids.take(format!("tornado-{}", slug(&r.metric))),
            &spec,
            &format!(
                "The {TORNADO_ROWS} assumptions whose values are most strongly related to the effect on {} across the \
                 {} parameter sets (correlation, equal to the standardised regression coefficient for independently \
                 drawn assumptions); with few draws, coefficients below about 2/√draws are noise.",
                r.label, doc.draws
            ),
        )?);
    }
    let assumption_rows = doc
        .assumptions
        .iter()
        .map(|a| {
            vec![
                Cell { text: a.path.clone(), ..Cell::default() },
                Cell { text: format!("{} to {}", a.low, a.high), ..Cell::default() },
                Cell { text: a.source.clone(), ..Cell::default() },
            ]
        })
        .collect();
    let mut not_drawn = String::new();
    if !doc.not_drawn.is_empty() {
        not_drawn = format!(" Not drawn: {}.", doc.not_drawn.join("; "));
    }
    let sections = vec![
        Section {
            id: ids.take("effects-across-assumptions".into()),
            title: "Effects across plausible assumptions".into(),
            intro: format!(
                "For each of {} parameter sets drawn by Latin hypercube over the plausible ranges, {} and {} ran with \
                 the same {} replicates (common random numbers); the effect is the mean paired difference at election \
                 {last}. The table gives the median effect over the sets, the range of the middle 90% of them, the \
                 share with the median's sign and the share whose effect is at least the smallest meaningful \
                 difference. * meaningful in at least half of the sets; ~ negligible in most of them.",
                doc.draws, doc.scenario, doc.reference, doc.replicates
            ),
            table: Some(table),
            figures: Vec::new(),
        },
        Section {
            id: ids.take("influence".into()),
            title: "Which assumptions matter".into(),
            intro: "Tornado charts: the assumptions whose values go most strongly with a larger or smaller effect, \
                    per headline metric."
                .into(),
            table: None,
            figures,
        },
        Section {
            id: ids.take("assumptions".into()),
            title: "Assumptions drawn".into(),
            intro: format!(
                "Each assumption was drawn across its plausible range, from src/scenario/plausible.ron.{not_drawn}"
            ),
            table: Some(Table {
                head: vec!["parameter".into(), "plausible range".into(), "source".into()],
                rows: assumption_rows,
            }),
            figures: Vec::new(),
        },
        smd_section(ids.take("smallest-meaningful-differences".into())),
    ];
    Ok(Page {
        title: format!("votelab robustness: {} against {}", doc.scenario, doc.reference),
        lead: format!(
            "{} compared with {} across {} plausible parameter sets of {} assumptions.",
            doc.scenario,
            doc.reference,
            doc.draws,
            doc.assumptions.len()
        ),
        facts: vec![
            ("scenario".into(), doc.scenario.clone()),
            ("reference".into(), doc.reference.clone()),
            ("overrides".into(), overrides_fact(&doc.overrides)),
            ("assumptions".into(), if doc.patterns.is_empty() { "all".into() } else { doc.patterns.join(", ") }),
            ("parameter sets".into(), doc.draws.to_string()),
            ("seed".into(), doc.seed.to_string()),
            ("replicates".into(), format!("{} per scenario and parameter set", doc.replicates)),
            ("population".into(), format!("{} simulated voters", number(doc.population))),
            ("represents".into(), format!("{} people", number(doc.represents))),
            version_fact(&doc.version),
        ],
        sections,
        scenarios: Vec::new(),
        summary: vec![(doc.scenario.clone(), doc.summary.clone())],
    })
}
