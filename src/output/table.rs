//! Plain-text tables for the terminal: the run's metrics per election, each as mean ± half the
//! 95% interval, rows, labels and units from the metric catalogue (`crate::metrics::catalogue`).
//! Pure: summary in, text out.

use super::RunSummary;
use crate::metrics::catalogue::{Kind, MetricDef, expand_all};
use crate::metrics::stats::Summary;
use crate::scenario::Scenario;

/// `mean ± half-width` in percent.
pub fn pct(s: Option<&Summary>) -> String {
    match s {
        Some(s) => format!("{:5.1} ± {:.1}", 100.0 * s.mean, 50.0 * (s.ci95[1] - s.ci95[0])),
        None => "—".to_string(),
    }
}

/// Render rows as aligned columns (first column left-aligned, the rest right-aligned).
pub fn columns(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows.iter().map(Vec::len).max().unwrap_or(0))
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, s)| if c == 0 { format!("{s:<w$}", w = widths[c]) } else { format!("{s:>w$}", w = widths[c]) })
            .collect();
        out.push_str(cells.join("   ").trim_end());
        out.push('\n');
    }
    out
}

/// Text broken into lines of at most `width` characters at spaces (a longer word keeps its own
/// line), each line indented by two spaces.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&format!("  {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// `mean ± half-width` of a metric in its display units (percent for shares).
pub fn interval(def: &MetricDef, s: Option<&Summary>) -> String {
    match s {
        Some(s) if def.kind == Kind::Share => pct(Some(s)),
        Some(s) => {
            let d = def.kind.decimals();
            format!("{:.d$} ± {:.d$}", def.display(s.mean), 0.5 * def.display(s.ci95[1] - s.ci95[0]))
        }
        None => "—".to_string(),
    }
}

/// The table printed after `votelab run`: per election, every metric the catalogue marks for the
/// run table (turnout overall, by cohort and first-time, vote shares, polarisation,
/// misinformation and ads), labelled with its catalogue heading.
pub fn run_table(scenario: &Scenario, summary: &RunSummary) -> String {
    let mut rows = vec![{
        let mut h = vec!["metric (mean ± 95% CI half-width)".to_string()];
        h.extend((0..summary.elections.len()).map(|k| {
            format!(
                "election {} ({})",
                k + 1,
                scenario.timeline.start_year + (k as u32 * scenario.timeline.years_between) as i32
            )
        }));
        h
    }];
    let cohorts: Vec<String> = scenario.population.cohorts.iter().map(|c| c.name.clone()).collect();
    let parties: Vec<String> = scenario.parties.iter().map(|p| p.name.clone()).collect();
    for m in expand_all(&cohorts, &parties).iter().filter(|m| m.def.run_table) {
        let path = m.segments();
        let mut r = vec![m.def.heading(m.key.as_deref())];
        r.extend((0..summary.elections.len()).map(|k| interval(m.def, summary.get(Some(k), &path))));
        rows.push(r);
    }
    columns(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::catalogue::by_id;

    fn summary(mean: f64, lo: f64, hi: f64) -> Summary {
        Summary { mean, sd: 0.0, ci95: [lo, hi], n: 2 }
    }

    #[test]
    fn intervals_are_shown_in_the_metrics_units() {
        let s = summary(0.627, 0.622, 0.632);
        assert_eq!(interval(by_id("turnout").unwrap(), Some(&s)), " 62.7 ± 0.5");
        assert_eq!(interval(by_id("echo-chamber").unwrap(), Some(&summary(0.8954, 0.8584, 0.9324))), "0.895 ± 0.037");
        assert_eq!(interval(by_id("ad-spend").unwrap(), Some(&summary(2.0e7, 1.9e7, 2.1e7))), "20000000 ± 1000000");
        assert_eq!(interval(by_id("trust").unwrap(), None), "—");
    }

    #[test]
    fn columns_align_the_first_left_and_the_rest_right() {
        let rows = vec![vec!["a".to_string(), "1".into()], vec!["long".into(), "100".into()]];
        assert_eq!(columns(&rows), "a        1\nlong   100\n");
    }
}
