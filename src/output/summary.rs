//! The plain-language summary that opens a comparison's or a robustness run's report and the
//! workshop's results (docs/MODEL.md §10, "Plain-language summary"): per scenario two to four
//! sentences — the largest meaningful effects with their intervals and what they amount to in
//! the electorate the simulation represents, what was negligible, the robustness verdict where
//! one was computed, and what the intervals do and do not cover. Whether an effect is meaningful
//! comes from the metric catalogue ([`MetricDef::judge`]). Pure: numbers in, sentences out.

use crate::metrics::catalogue::{MetricDef, rounded_count};

/// Most effects named in the first sentence.
const LARGEST: usize = 2;
/// Most negligible effects named.
const NEGLIGIBLE: usize = 4;

/// One headline metric's paired difference (stored units) from the reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// The metric.
    pub def: &'static MetricDef,
    /// The cohort or party of a per-cohort or per-party metric.
    pub key: Option<String>,
    /// Mean paired difference.
    pub mean: f64,
    /// Its 95% interval.
    pub ci95: [f64; 2],
    /// Replicates.
    pub n: u64,
}

/// One headline metric's effect across the parameter sets of a robustness run (stored units).
#[derive(Clone, Debug, PartialEq)]
pub struct Robust {
    /// The metric.
    pub def: &'static MetricDef,
    /// The cohort or party of a per-cohort or per-party metric.
    pub key: Option<String>,
    /// Median effect over the parameter sets.
    pub median: f64,
    /// 5% and 95% quantiles over the parameter sets.
    pub range: [f64; 2],
    /// Share of the sets whose effect has the median's sign.
    pub same_sign: f64,
    /// Share of the sets whose effect is at least the smallest meaningful difference in size.
    pub meaningful: f64,
}

/// What was compared, for a summary.
#[derive(Clone, Copy, Debug)]
pub struct Setting<'a> {
    /// The reference scenario.
    pub reference: &'a str,
    /// The scenario compared with it.
    pub scenario: &'a str,
    /// The election the effects are read at, e.g. `election 3 (2034)`.
    pub at: &'a str,
    /// The voters the simulated electorate stands for.
    pub represents: u64,
    /// Replicates per run.
    pub replicates: u64,
}

/// The label of a metric in running text: the catalogue's label with its first letter in lower
/// case ("Misinformation believers" → "misinformation believers").
fn label(def: &MetricDef, key: Option<&str>) -> String {
    let l = def.label_for(key);
    let mut chars = l.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => l,
    }
}

/// `raises turnout by 0.8 pp` / `lowers ...`.
fn change(def: &MetricDef, key: Option<&str>, d: f64) -> String {
    let verb = if d < 0.0 { "lowers" } else { "raises" };
    let size = def.signed_difference(d.abs(), true);
    format!("{verb} {} by {} {}", label(def, key), size.trim_start_matches('+'), def.difference_unit_short())
}

/// An interval as `lo to hi`, signed, with the decimals the mean needs.
fn interval(def: &MetricDef, mean: f64, [lo, hi]: [f64; 2]) -> String {
    let decimals = def.difference_decimals(def.display(mean)).max(def.kind.decimals());
    format!("{:+.*} to {:+.*}", decimals, def.display(lo), decimals, def.display(hi))
}

/// `; about 480,000 more voters among the 60,000,000 people the simulation represents`, or
/// nothing.
fn real(def: &MetricDef, d: f64, represents: u64) -> String {
    match def.real_world(d, represents) {
        Some(text) => {
            format!("; {text} among the {} people the simulation represents", rounded_count(represents as f64))
        }
        None => String::new(),
    }
}

/// A list in prose: `a`, `a and b`, `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The summary of one scenario compared with its reference: two or three sentences about the
/// effects at `at` (e.g. "election 3 (2034)"), then one on what the intervals cover.
/// `represents`: the voters the simulated electorate stands for.
pub fn comparison_summary(
    reference: &str,
    scenario: &str,
    at: &str,
    effects: &[Effect],
    represents: u64,
    replicates: u64,
) -> Vec<String> {
    let judged: Vec<(&Effect, (bool, bool, &str))> =
        effects.iter().map(|e| (e, e.def.judge(e.def.display(e.mean), e.def.display_pair(e.ci95), e.n))).collect();
    let mut meaningful: Vec<&Effect> = judged.iter().filter(|(_, j)| j.1).map(|(e, _)| *e).collect();
    meaningful.sort_by(|a, b| {
        let size = |e: &Effect| e.def.display(e.mean).abs() / e.def.smd;
        size(b).total_cmp(&size(a))
    });
    let mut sentences = Vec::new();
    if meaningful.is_empty() {
        sentences.push(format!(
            "Compared with {reference}, {scenario} changes none of the headline metrics by a meaningful amount at {at}."
        ));
    } else {
        let parts: Vec<String> = meaningful
            .iter()
            .take(LARGEST)
            .map(|e| {
                format!(
                    "{} (95% interval {} {}{})",
                    change(e.def, e.key.as_deref(), e.mean),
                    interval(e.def, e.mean, e.ci95),
                    e.def.difference_unit_short(),
                    real(e.def, e.mean, represents)
                )
            })
            .collect();
        sentences.push(format!("Compared with {reference}, {scenario} {} at {at}.", list(&parts)));
    }
    let negligible: Vec<String> = judged
        .iter()
        .filter(|(_, j)| j.0 && !j.1)
        .take(NEGLIGIBLE)
        .map(|(e, _)| {
            format!(
                "{} ({} {})",
                label(e.def, e.key.as_deref()),
                e.def.signed_difference(e.mean, true),
                e.def.difference_unit_short()
            )
        })
        .collect();
    let undetected = judged.iter().filter(|(_, j)| !j.0).count();
    let mut second = Vec::new();
    if !negligible.is_empty() {
        second.push(format!(
            "Detectable but negligible, below the smallest meaningful difference: {}",
            list(&negligible)
        ));
    }
    if undetected > 0 {
        let what = if undetected == 1 { "headline metric was" } else { "headline metrics were" };
        second.push(format!("{undetected} other {what} not distinguishable from zero"));
    }
    if !second.is_empty() {
        sentences.push(format!("{}.", second.join("; ")));
    }
    sentences.push(format!(
        "The intervals cover only the simulation's own randomness ({replicates} replicates with common random \
         numbers), not uncertainty in the model's assumptions or structure; `votelab robustness` varies the \
         assumptions within their plausible ranges."
    ));
    sentences
}

/// The summary of a robustness run: the largest effects across the plausible parameter sets with
/// their 5–95% ranges and how often they keep their sign and matter, what was negligible in
/// most sets, and what the ranges cover.
pub fn robustness_summary(run: &Setting, effects: &[Robust], draws: usize, assumptions: usize) -> Vec<String> {
    let Setting { reference, scenario, at, represents, replicates } = *run;
    let percent = |x: f64| format!("{:.0}%", 100.0 * x);
    let mut ranked: Vec<&Robust> = effects.iter().collect();
    ranked.sort_by(|a, b| {
        let size = |e: &Robust| e.def.display(e.median).abs() / e.def.smd;
        size(b).total_cmp(&size(a))
    });
    let mostly: Vec<&Robust> = ranked.iter().copied().filter(|e| e.meaningful >= 0.5).collect();
    let describe = |e: &Robust| {
        let direction = if e.median < 0.0 { "negative" } else { "positive" };
        let real = e.def.real_world(e.median, represents).map(|t| format!("; {t}")).unwrap_or_default();
        format!(
            "{} (median over the sets; middle 90% of them {} {}{real}): {direction} in {} of the sets and at least \
             the smallest meaningful difference in {}",
            change(e.def, e.key.as_deref(), e.median),
            interval(e.def, e.median, e.range),
            e.def.difference_unit_short(),
            percent(e.same_sign),
            percent(e.meaningful)
        )
    };
    let mut sentences = Vec::new();
    if mostly.is_empty() {
        let largest = ranked.first().map(|e| format!(" The largest: {}.", describe(e))).unwrap_or_default();
        sentences.push(format!(
            "Across {draws} plausible parameter sets, {scenario} changes no headline metric by a meaningful amount \
             compared with {reference} at {at} in most of the sets.{largest}"
        ));
    } else {
        let parts: Vec<String> = mostly.iter().take(LARGEST).map(|e| describe(e)).collect();
        sentences.push(format!(
            "Across {draws} plausible parameter sets, compared with {reference} at {at}, {scenario} {}.",
            parts.join("; it also ")
        ));
        if represents > 0 && mostly.iter().take(LARGEST).any(|e| e.def.counts.is_some()) {
            sentences.push(format!(
                "Real-world sizes are for the {} people the simulated electorate represents.",
                rounded_count(represents as f64)
            ));
        }
    }
    let negligible: Vec<String> = ranked
        .iter()
        .filter(|e| e.meaningful < 0.5)
        .filter(|e| !mostly.is_empty() || !std::ptr::eq(**e, ranked[0]))
        .take(NEGLIGIBLE)
        .map(|e| label(e.def, e.key.as_deref()))
        .collect();
    if !negligible.is_empty() {
        sentences.push(format!(
            "Negligible in most parameter sets (below the smallest meaningful difference): {}.",
            list(&negligible)
        ));
    }
    sentences.push(format!(
        "The ranges cover {assumptions} assumptions drawn across their plausible ranges (src/scenario/plausible.ron) \
         and the simulation's randomness ({replicates} replicates per set, common random numbers); they do not cover \
         assumptions held at their values, the model's structure, or mechanisms it leaves out."
    ));
    sentences
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::catalogue::by_id;

    fn effect(id: &str, mean: f64, half: f64) -> Effect {
        Effect { def: by_id(id).unwrap(), key: None, mean, ci95: [mean - half, mean + half], n: 8 }
    }

    #[test]
    fn the_largest_meaningful_effects_come_first_with_their_real_size() {
        let effects = [
            effect("turnout", 0.008, 0.002),
            effect("misinformation-believers", -0.03, 0.005),
            effect("affective-polarisation", 0.004, 0.001),
            effect("echo-chamber", -0.00011, 0.00002),
            effect("ad-impressions", 0.5, 2.0),
        ];
        let s = comparison_summary("baseline", "netzdg-24h", "election 3 (2034)", &effects, 60_000_000, 8);
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(
            s[0].starts_with("Compared with baseline, netzdg-24h lowers misinformation believers by 3.0 pp"),
            "{}",
            s[0]
        );
        assert!(
            s[0].contains("about 1,800,000 fewer believers of false stories among the 60,000,000 people"),
            "{}",
            s[0]
        );
        assert!(
            s[0].contains("and raises turnout by 0.8 pp (95% interval +0.6 to +1.0 pp; about 480,000 more voters"),
            "{}",
            s[0]
        );
        assert!(s[1].contains("affective polarisation (+0.004 mean hostility, 0–1)"), "{}", s[1]);
        assert!(s[1].contains("echo-chamber index (-0.0001 correlation)"), "never 0.0: {}", s[1]);
        assert!(s[1].contains("1 other headline metric was not distinguishable from zero"), "{}", s[1]);
        assert!(s[2].contains("not uncertainty in the model's assumptions"), "{}", s[2]);
        let none = comparison_summary("a", "b", "election 1", &[effect("turnout", 0.0001, 0.00001)], 100, 4);
        assert!(none[0].contains("changes none of the headline metrics by a meaningful amount"), "{none:?}");
    }

    #[test]
    fn the_robustness_verdict_gives_sign_and_meaningful_shares() {
        let def = by_id("misinformation-believers").unwrap();
        let effects = [
            Robust { def, key: None, median: -0.02, range: [-0.035, -0.004], same_sign: 0.94, meaningful: 0.81 },
            Robust {
                def: by_id("turnout").unwrap(),
                key: None,
                median: 0.0002,
                range: [-0.001, 0.002],
                same_sign: 0.6,
                meaningful: 0.0,
            },
        ];
        let run = Setting {
            reference: "baseline",
            scenario: "netzdg-24h",
            at: "election 3",
            represents: 60_000_000,
            replicates: 4,
        };
        let s = robustness_summary(&run, &effects, 64, 58);
        assert!(
            s[0].contains("negative in 94% of the sets and at least the smallest meaningful difference in 81%"),
            "{}",
            s[0]
        );
        assert!(s[0].contains("middle 90% of them -3.5 to -0.4 pp; about 1,200,000 fewer believers"), "{}", s[0]);
        assert!(s[1].contains("60,000,000 people"), "{}", s[1]);
        assert!(s[2].contains("turnout"), "{}", s[2]);
        assert!(s[3].contains("58 assumptions"), "{}", s[3]);
    }
}
