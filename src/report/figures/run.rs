//! The page of a run, and the sections of one scenario's results that the comparison page
//! repeats per scenario: turnout, opinion and polarisation, misinformation, advertising.

use super::{Ids, Page, Section, election_label, figure, markers, number, overrides_fact, shown, version_fact, within};
use crate::metrics::catalogue::{MetricDef, NON_NEGATIVE, by_id};
use crate::output::labelled;
use crate::report::ReportError;
use crate::report::charts::{Bands, Bars, Heatmap, Series};
use crate::report::data::{Interval, RunData, Step};

// The catalogue's metrics this page draws.
const TURNOUT: &str = "turnout";
const TURNOUT_BY_COHORT: &str = "turnout-by-cohort";
const FIRST_TIME_TURNOUT: &str = "first-time-turnout";
const AFFECTIVE: &str = "affective-polarisation";
const ECHO_CHAMBER: &str = "echo-chamber";
const EXPOSURE_BY_COHORT: &str = "misinformation-exposure-by-cohort";
const BELIEVERS: &str = "misinformation-believers";
const BELIEVERS_BY_COHORT: &str = "misinformation-believers-by-cohort";
const ADS_BY_COHORT: &str = "ad-impressions-by-cohort";

/// The catalogue entry with this id.
fn def(id: &str) -> Option<&'static MetricDef> {
    by_id(id)
}

/// Metric `id` of the catalogue at election `k` (of `cohort` for a per-cohort metric), in the
/// units shown and within its range.
fn value(run: &RunData, id: &str, k: usize, cohort: Option<&str>) -> Option<Interval> {
    let def = def(id)?;
    let path = def.path_for(cohort);
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    shown(def, run.metric(k, &path))
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
pub(super) fn run_sections(
    run: &RunData,
    prefix: &str,
    suffix: &str,
    ids: &mut Ids,
) -> Result<Vec<Section>, ReportError> {
    let mut id = |name: &str| ids.take(format!("{prefix}{name}"));
    let n = run.elections.len();
    let groups: Vec<String> = (0..n).map(|k| election_label(k, &run.years)).collect();

    let mut turnout =
        cohort_bars(run, format!("Turnout by cohort{suffix}"), "turnout (% of eligible voters)", |k, c| {
            value(run, TURNOUT_BY_COHORT, k, Some(c))
        });
    turnout
        .series
        .push(Series { label: "all voters".into(), values: (0..n).map(|k| value(run, TURNOUT, k, None)).collect() });
    let first_time = Bars {
        title: format!("First-time voters' turnout{suffix}"),
        groups: groups.clone(),
        x_desc: "election".into(),
        y_desc: "turnout (% of eligible voters)".into(),
        series: vec![
            Series {
                label: "first-time voters".into(),
                values: (0..n).map(|k| value(run, FIRST_TIME_TURNOUT, k, None)).collect(),
            },
            Series { label: "all voters".into(), values: (0..n).map(|k| value(run, TURNOUT, k, None)).collect() },
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
            run.steps.iter().filter_map(|s| Some((s.year, shown(def(AFFECTIVE)?, Some(s.affective))?))).collect(),
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
            values: (0..n).map(|k| value(run, ECHO_CHAMBER, k, None)).collect(),
        }],
    };
    let exposure = cohort_bars(
        run,
        format!("Misinformation seen by cohort{suffix}"),
        "misinformation items seen per voter in the campaign",
        |k, c| value(run, EXPOSURE_BY_COHORT, k, Some(c)),
    );
    let believers = cohort_bars(
        run,
        format!("Misinformation believers by cohort{suffix}"),
        "voters believing misinformation (%)",
        |k, c| value(run, BELIEVERS_BY_COHORT, k, Some(c)),
    );
    let believers_time = Bands {
        title: format!("Misinformation believers over time{suffix}"),
        y_desc: "voters believing misinformation (%)".into(),
        series: vec![(
            "all voters".into(),
            run.steps.iter().filter_map(|s| Some((s.year, shown(def(BELIEVERS)?, Some(s.believers))?))).collect(),
        )],
        markers: markers(&run.years),
    };
    let ads = cohort_bars(
        run,
        format!("Ad impressions by cohort{suffix}"),
        "ad impressions per voter in the campaign",
        |k, c| value(run, ADS_BY_COHORT, k, Some(c)),
    );
    let targeted = cohort_bars(
        run,
        format!("Micro-targeted ads by cohort{suffix}"),
        "micro-targeted impressions per voter in the campaign",
        |k, c| within(run.targeted.get(&(k, c.to_string())).copied(), NON_NEGATIVE),
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
                    &turnout,
                    "Each bar is a cohort's turnout, averaged over replicates; whiskers show the 95% interval.",
                )?,
                figure(
                    id("first-time-turnout"),
                    &first_time,
                    "Turnout of voters eligible for the first time at that election, beside the turnout of all voters.",
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
                    &opinion,
                    "Each column is the distribution of ideology at that time (brighter: more voters). One bright \
                     band is a consensus; two bands moving apart are polarisation.",
                )?,
                figure(
                    id("affective-polarisation"),
                    &affective,
                    "Mean hostility toward the other side after every step; the band is the 95% interval over \
                     replicates.",
                )?,
                figure(
                    id("echo-chamber"),
                    &echo,
                    "Correlation between a voter's ideology and the mean of their online neighbours': 0 is a mixed \
                     network, 1 a perfect echo chamber.",
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
                    &exposure,
                    "Misinformation items seen per voter during the campaign before each election.",
                )?,
                figure(
                    id("misinformation-believers-by-cohort"),
                    &believers,
                    "Share of each cohort believing misinformation on election day.",
                )?,
                figure(
                    id("misinformation-believers-over-time"),
                    &believers_time,
                    "Share of the electorate believing misinformation after every step.",
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
                    &ads,
                    "All ad impressions per voter of each cohort during the campaign.",
                )?,
                figure(
                    id("targeted-ads-by-cohort"),
                    &targeted,
                    "Micro-targeted impressions per voter (from elections.csv); a cohort near zero is ignored by \
                     targeting.",
                )?,
            ],
        },
    ])
}

/// The page of a run.
pub fn run_page(run: &RunData) -> Result<Page, ReportError> {
    let mut ids = Ids::default();
    Ok(Page {
        title: format!("votelab report: {}", labelled(&run.name, &run.overrides)),
        lead: run.description.clone(),
        facts: vec![
            ("scenario".into(), run.name.clone()),
            ("overrides".into(), overrides_fact(&run.overrides)),
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
        summary: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(year: f64, histogram: Vec<f64>) -> Step {
        Step { year, election: false, affective: Interval::exact(0.5), believers: Interval::exact(0.0), histogram }
    }

    #[test]
    fn the_metrics_drawn_are_in_the_catalogue() {
        for id in [
            TURNOUT,
            TURNOUT_BY_COHORT,
            FIRST_TIME_TURNOUT,
            AFFECTIVE,
            ECHO_CHAMBER,
            EXPOSURE_BY_COHORT,
            BELIEVERS,
            BELIEVERS_BY_COHORT,
            ADS_BY_COHORT,
        ] {
            assert!(def(id).is_some(), "{id}");
        }
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
}
