//! Plausible ranges of the model's uncertain parameters (docs/MODEL.md §8, "Plausible ranges"):
//! read from `plausible.ron`, compiled into the binary, the one place they are written. Which
//! scenario sections count as uncertain ([`UNCERTAIN_SECTIONS`]) and which of their parameters
//! do not ([`NOT_UNCERTAIN`], each with its reason) are listed here; `votelab robustness` draws
//! parameter sets from the ranges.
//!
//! Reads nothing at run time but the compiled-in file; writes nothing.

use super::tree::{self, Node, NodeKind};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The text of the ranges file, compiled in.
pub const RANGES_RON: &str = include_str!("plausible.ron");

/// Scenario sections whose numeric parameters are assumptions about behaviour or the
/// information environment, so each needs a plausible range (or a reason in [`NOT_UNCERTAIN`]).
/// Sections not listed describe what is simulated (timeline, population, parties, brokers,
/// regulation), not how people respond to it.
pub const UNCERTAIN_SECTIONS: &[&str] =
    &["network", "influence", "turnout", "platform", "effects", "bots", "misinformation"];

/// Numeric parameters of the uncertain sections that get no plausible range, and why.
pub const NOT_UNCERTAIN: &[(&str, &str)] = &[
    ("effects.cpm_broadcast", "a price the scenario sets (money per thousand impressions), not a response to it"),
    ("effects.cpm_targeted", "a price the scenario sets (money per thousand impressions), not a response to it"),
    ("bots.share", "describes the scenario's bot population (what is simulated); vary it with a scenario or `sweep`"),
    ("bots.stance", "describes the scenario's bot population (what is simulated)"),
    ("bots.posts_per_day", "describes the scenario's bot population (what is simulated)"),
    ("bots.misinformation", "describes the scenario's bot population (what is simulated)"),
    ("bots.hate", "describes the scenario's bot population (what is simulated)"),
    (
        "turnout.habit_weight",
        "the scale of the habit stock: the habit's effect is gain × weight, and its uncertainty is drawn through the gains",
    ),
];

/// One parameter's plausible range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlausibleRange {
    /// The parameter's path, as for `--set` (e.g. `effects.persuasion_per_impression`).
    pub path: String,
    /// Lowest plausible value, in the parameter's unit.
    pub low: f64,
    /// Highest plausible value.
    pub high: f64,
    /// Where the range comes from.
    pub source: String,
}

/// Every plausible range, in the file's order. The file is checked by the tests, so a broken
/// file cannot be released; should it not parse anyway, the list is empty.
pub fn ranges() -> &'static [PlausibleRange] {
    static RANGES: OnceLock<Vec<PlausibleRange>> = OnceLock::new();
    RANGES.get_or_init(|| parse(RANGES_RON).unwrap_or_default())
}

/// Parse a ranges file.
pub fn parse(text: &str) -> Result<Vec<PlausibleRange>, String> {
    ron::from_str(text).map_err(|e| e.to_string())
}

/// Whether `path` matches a pattern: `*` stands for any run of characters (`effects.*`,
/// `*half_life*`); without `*` the pattern must equal the path, or be a section it lies in
/// (`turnout` matches `turnout.habit.gain`).
pub fn matches(pattern: &str, path: &str) -> bool {
    if !pattern.contains('*') {
        return path == pattern || path.strip_prefix(pattern).is_some_and(|rest| rest.starts_with('.'));
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !path.starts_with(first) || path.len() < first.len() + last.len() || !path.ends_with(last) {
        return false;
    }
    let mut rest = &path[first.len()..path.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The ranges whose paths match any of the patterns (all of them without patterns).
pub fn selected(patterns: &[String]) -> Vec<&'static PlausibleRange> {
    ranges().iter().filter(|r| patterns.is_empty() || patterns.iter().any(|p| matches(p.trim(), &r.path))).collect()
}

/// A value as RON text for an override: a plain decimal with a point (`0.004`, `20.0`), rounded
/// to 6 significant digits so the files stay readable.
pub fn ron_number(value: f64) -> String {
    let rounded = if value == 0.0 || !value.is_finite() {
        value
    } else {
        let digits = 5 - value.abs().log10().floor() as i32;
        let scale = 10f64.powi(digits);
        (value * scale).round() / scale
    };
    let text = format!("{rounded}");
    if text.contains(['.', 'e', 'E']) || !rounded.is_finite() { text } else { format!("{text}.0") }
}

/// The path and value of every floating-point number in the sections of a resolved scenario
/// (its RON text), looking through `Some(...)` and enum variants with fields, as `--set` paths
/// do: `influence.rule.epsilon`, `bots.reach`. Integers are left out (they are counts or
/// calendar settings, not drawn).
pub fn numeric_parameters(resolved_ron: &str, sections: &[&str]) -> Vec<(String, f64)> {
    let Ok(doc) = tree::parse(resolved_ron, "scenario") else { return Vec::new() };
    let mut out = Vec::new();
    if let NodeKind::Struct { fields, .. } = &doc.root.kind {
        for f in fields.iter().filter(|f| sections.contains(&f.key.as_str())) {
            walk(&f.value, &f.key, &mut out);
        }
    }
    out
}

fn walk(node: &Node, path: &str, out: &mut Vec<(String, f64)>) {
    match &node.kind {
        NodeKind::Atom(text) => {
            let t = text.trim();
            if t.contains(['.', 'e', 'E'])
                && let Ok(v) = t.parse::<f64>()
            {
                out.push((path.to_string(), v));
            }
        }
        NodeKind::Struct { fields, .. } => {
            for f in fields {
                walk(&f.value, &format!("{path}.{}", f.key), out);
            }
        }
        // `Some(x)`: the path looks through it.
        NodeKind::Tuple { items, .. } if items.len() == 1 => walk(&items[0], path, out),
        NodeKind::Tuple { .. } | NodeKind::List(_) | NodeKind::Map(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{self, Limits, Override, SourceRef};
    use std::collections::BTreeSet;

    fn no_files(_: &std::path::Path) -> std::io::Result<String> {
        Err(std::io::Error::other("no files in this test"))
    }

    #[test]
    fn the_ranges_file_parses_with_unique_paths_and_a_source_each() {
        let all = parse(RANGES_RON).expect("plausible.ron parses");
        assert_eq!(all.len(), ranges().len());
        let paths: BTreeSet<&str> = all.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths.len(), all.len(), "a path is listed twice");
        for r in &all {
            assert!(r.low < r.high && r.low.is_finite() && r.high.is_finite(), "{}: {} .. {}", r.path, r.low, r.high);
            assert!(!r.source.trim().is_empty(), "{} has no source", r.path);
            let section = r.path.split('.').next().unwrap_or("");
            assert!(UNCERTAIN_SECTIONS.contains(&section), "{} is not in an uncertain section", r.path);
        }
    }

    /// Every numeric parameter of the uncertain sections of the baseline has a range or a reason
    /// not to; every range lies inside what validation accepts and contains the baseline's value.
    #[test]
    fn every_uncertain_parameter_has_a_range_inside_its_accepted_range() {
        let load = |overrides: &[Override]| {
            scenario::load(&SourceRef::Builtin("baseline".into()), overrides, &no_files, &Limits::default())
        };
        let baseline = load(&[]).expect("the baseline loads");
        let parameters = numeric_parameters(&baseline.resolved_ron, UNCERTAIN_SECTIONS);
        assert!(parameters.len() > 40, "{parameters:?}");
        let excluded: BTreeSet<&str> = NOT_UNCERTAIN.iter().map(|e| e.0).collect();
        let missing: Vec<&str> = parameters
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| !excluded.contains(p) && !ranges().iter().any(|r| r.path == *p))
            .collect();
        assert!(
            missing.is_empty(),
            "uncertain parameters without a plausible range (add an entry to src/scenario/plausible.ron, \
             or a reason to NOT_UNCERTAIN): {missing:?}"
        );
        for r in ranges() {
            let (_, value) = parameters
                .iter()
                .find(|(p, _)| *p == r.path)
                .unwrap_or_else(|| panic!("{} is not a numeric parameter of the baseline", r.path));
            assert!(r.low <= *value && *value <= r.high, "{}: the baseline's {value} is outside the range", r.path);
            for v in [r.low, r.high] {
                let o = Override { path: r.path.clone(), value: ron_number(v) };
                if let Err(e) = load(&[o]) {
                    panic!("{} = {v} is refused by validation: {e}", r.path);
                }
            }
        }
        for (path, reason) in NOT_UNCERTAIN {
            assert!(parameters.iter().any(|(p, _)| p == path), "{path} is not a parameter");
            assert!(!reason.is_empty());
        }
    }

    #[test]
    fn patterns_select_paths() {
        assert!(matches("effects.*", "effects.saturation"));
        assert!(!matches("effects.*", "misinformation.reach"));
        assert!(matches("*half_life*", "effects.arousal_half_life_days"));
        assert!(matches("turnout", "turnout.habit.gain"));
        assert!(!matches("turnout", "turnout_x.gain"));
        assert!(matches("network.homophily", "network.homophily"));
        assert!(matches("*.reach", "bots.reach") && matches("*.reach", "misinformation.reach"));
        assert!(!matches("a*b*c", "ac"));
        assert_eq!(selected(&["effects.*".into()]).iter().filter(|r| !r.path.starts_with("effects.")).count(), 0);
        assert_eq!(selected(&[]).len(), ranges().len());
    }

    #[test]
    fn numbers_are_written_as_ron_floats() {
        assert_eq!(ron_number(20.0), "20.0");
        assert_eq!(ron_number(0.004), "0.004");
        assert_eq!(ron_number(0.0012345678), "0.00123457");
        assert_eq!(ron_number(0.0), "0.0");
        assert_eq!(ron_number(365.123456789), "365.123");
    }
}
