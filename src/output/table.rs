//! Plain-text tables for the terminal: turnout by cohort per election and the headline metrics,
//! each as mean ± half the 95% interval. Pure: summary in, text out.

use super::RunSummary;
use crate::metrics::stats::Summary;
use crate::scenario::Scenario;

/// `mean ± half-width` in percent.
pub fn pct(s: Option<&Summary>) -> String {
    match s {
        Some(s) => format!("{:5.1} ± {:.1}", 100.0 * s.mean, 50.0 * (s.ci95[1] - s.ci95[0])),
        None => "—".to_string(),
    }
}

/// `mean ± half-width` with three decimals.
pub fn num(s: Option<&Summary>) -> String {
    match s {
        Some(s) => format!("{:.3} ± {:.3}", s.mean, 0.5 * (s.ci95[1] - s.ci95[0])),
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

/// The table printed after `votelab run`: per election, turnout overall, by cohort and first-time,
/// vote shares, polarisation, misinformation and ads.
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
    let mut line = |label: String, cell: &dyn Fn(usize) -> String| {
        let mut r = vec![label];
        r.extend((0..summary.elections.len()).map(cell));
        rows.push(r);
    };
    line("turnout %".into(), &|k| pct(summary.get(Some(k), &["turnout"])));
    for c in &scenario.population.cohorts {
        line(format!("  {} %", c.name), &|k| pct(summary.get(Some(k), &["turnout_by_cohort", &c.name])));
    }
    line("  first-time voters %".into(), &|k| pct(summary.get(Some(k), &["first_time_turnout"])));
    for p in &scenario.parties {
        line(format!("vote share {} %", p.name), &|k| pct(summary.get(Some(k), &["vote_share", &p.name])));
    }
    line("affective polarisation".into(), &|k| num(summary.get(Some(k), &["polarisation", "affective"])));
    line("ideology variance".into(), &|k| num(summary.get(Some(k), &["polarisation", "variance"])));
    line("echo-chamber index".into(), &|k| num(summary.get(Some(k), &["polarisation", "echo_chamber"])));
    line("major opinion clusters".into(), &|k| num(summary.get(Some(k), &["polarisation", "clusters"])));
    line("trust".into(), &|k| num(summary.get(Some(k), &["trust"])));
    line("misinformation seen per voter".into(), &|k| {
        num(summary.get(Some(k), &["misinformation", "exposures_per_capita"]))
    });
    line("misinformation believers %".into(), &|k| pct(summary.get(Some(k), &["misinformation", "believers"])));
    line("ad impressions per voter".into(), &|k| num(summary.get(Some(k), &["ads", "impressions_per_capita"])));
    line("targeted share of ads %".into(), &|k| pct(summary.get(Some(k), &["ads", "targeted_share"])));
    columns(&rows)
}
