//! The room's gallery: every run with its participant, title, lever changes and the headline
//! paired differences from its reference, each judged against the metric catalogue's smallest
//! meaningful difference; and the facilitator's table of them all (`headline-differences.csv`).
//!
//! Reads a run's `comparison.json` (as JSON) and the catalogue; writes JSON values and CSV text.
//! Each difference is judged by the catalogue (`MetricDef::judge`: detectable, meaningful,
//! negligible or uncertain; see the README's Workshop section).

use super::experiment::RunRequest;
use crate::metrics::catalogue::{self, MetricDef, Placeholder};
use serde::Serialize;
use serde_json::Value;

/// One headline metric's paired difference in one run, in display units.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HeadlineDifference {
    /// Column key: the catalogue id, with the cohort or party after a colon (`turnout-by-cohort:Gen Z`).
    pub key: String,
    /// The metric's catalogue id.
    pub id: String,
    /// The metric in words, the name filled in ("Turnout of Gen Z").
    pub label: String,
    /// Unit of the difference ("pp" for shares).
    pub unit: String,
    /// Mean paired difference (display units).
    pub mean: f64,
    /// 95% interval of the difference (display units).
    pub ci95: [f64; 2],
    /// Smallest meaningful difference (display units).
    pub smd: f64,
    /// The interval excludes zero.
    pub detectable: bool,
    /// Detectable and at least `smd` in size.
    pub meaningful: bool,
    /// "meaningful", "negligible" or "uncertain".
    pub mark: &'static str,
}

/// The headline differences of a run's `comparison.json` at its last election (at the end of
/// the run if it has none), in the catalogue's headline order; per-cohort and per-party metrics
/// for every name the run has.
pub fn headline_differences(comparison: &Value) -> Vec<HeadlineDifference> {
    let explored = &comparison["scenarios"][1];
    let tree = explored["elections"].as_array().and_then(|e| e.last()).unwrap_or(&explored["final"]);
    let mut out = Vec::new();
    for def in catalogue::headlines() {
        match def.placeholder() {
            None => out.extend(difference(def, None, &leaf(tree, def, None))),
            Some(Placeholder::Cohort | Placeholder::Party) => {
                let parent = def.path.split(".{").next().unwrap_or(def.path);
                let names: Vec<String> = parent
                    .split('.')
                    .try_fold(tree, |node, segment| node.get(segment))
                    .and_then(Value::as_object)
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default();
                for name in names {
                    out.extend(difference(def, Some(&name), &leaf(tree, def, Some(&name))));
                }
            }
        }
    }
    out
}

fn leaf(tree: &Value, def: &MetricDef, key: Option<&str>) -> Value {
    let node = def.path_for(key).iter().try_fold(tree, |node, segment| node.get(segment.as_str()));
    node.cloned().unwrap_or(Value::Null)
}

fn difference(def: &'static MetricDef, key: Option<&str>, node: &Value) -> Option<HeadlineDifference> {
    let d = node.get("diff_vs_reference")?;
    let mean = def.display(d["mean"].as_f64()?);
    let ci95 = [
        def.display(d["ci95"][0].as_f64().unwrap_or(f64::NAN)),
        def.display(d["ci95"][1].as_f64().unwrap_or(f64::NAN)),
    ];
    let n = node["n"].as_u64().unwrap_or(0);
    let (detectable, meaningful, mark) = def.judge(mean, ci95, n);
    Some(HeadlineDifference {
        key: match key {
            Some(k) => format!("{}:{k}", def.id),
            None => def.id.to_string(),
        },
        id: def.id.to_string(),
        label: def.label_for(key),
        unit: def.difference_unit_short().to_string(),
        mean,
        ci95,
        smd: def.smd,
        detectable,
        meaningful,
        mark,
    })
}

/// One run of the facilitator's table.
pub struct CsvRun<'a> {
    /// Job number.
    pub job: u64,
    /// Participant name.
    pub participant: &'a str,
    /// Run title.
    pub title: &'a str,
    /// Scenario explored.
    pub scenario: &'a str,
    /// Reference.
    pub reference: &'a str,
    /// Voters, replicates, seed.
    pub size: (u64, u32, u64),
    /// The lever changes as overrides, space-separated.
    pub set: String,
    /// The lever changes in words.
    pub changes: String,
    /// Its headline differences.
    pub differences: Vec<HeadlineDifference>,
}

/// `headline-differences.csv`: one row per run and headline metric.
pub fn csv(runs: &[CsvRun]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "job",
        "participant",
        "title",
        "scenario",
        "reference",
        "population",
        "replicates",
        "seed",
        "set",
        "changes",
        "metric",
        "label",
        "unit",
        "difference",
        "ci95_low",
        "ci95_high",
        "smallest_meaningful_difference",
        "detectable",
        "meaningful",
        "mark",
    ])?;
    for run in runs {
        for d in &run.differences {
            writer.write_record([
                run.job.to_string(),
                run.participant.to_string(),
                run.title.to_string(),
                run.scenario.to_string(),
                run.reference.to_string(),
                run.size.0.to_string(),
                run.size.1.to_string(),
                run.size.2.to_string(),
                run.set.clone(),
                run.changes.clone(),
                d.key.clone(),
                d.label.clone(),
                d.unit.clone(),
                d.mean.to_string(),
                d.ci95[0].to_string(),
                d.ci95[1].to_string(),
                d.smd.to_string(),
                d.detectable.to_string(),
                d.meaningful.to_string(),
                d.mark.to_string(),
            ])?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The workshop page's link that sets up the same run (a built-in scenario, its overrides, size
/// and seed; the participant presses Run), relative to the server; `None` for uploaded text.
pub fn setup_link(request: &RunRequest, population: u64, replicates: u32, seed: u64) -> Option<String> {
    let scenario = request.scenario.as_deref()?;
    let mut query = vec![format!("scenario={}", percent(scenario))];
    query.extend(request.set.iter().map(|s| format!("set={}", percent(s))));
    if let Some(reference) = &request.reference {
        query.push(format!("reference={}", percent(reference)));
    }
    query.push(format!("population={population}&replicates={replicates}&seed={seed}"));
    Some(format!("/?{}", query.join("&")))
}

/// Percent-encode a query value (everything but unreserved characters).
fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A folder name for a participant's run: `run-7-ada-lovelace`.
pub fn run_folder(job: u64, participant: &str) -> String {
    let slug: String = participant
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() { format!("run-{job}") } else { format!("run-{job}-{slug}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metric(mean: f64, lo: f64, hi: f64, n: u64) -> Value {
        json!({"mean": 0.5, "n": n, "diff_vs_reference": {"mean": mean, "ci95": [lo, hi]}})
    }

    #[test]
    fn headline_differences_are_read_from_the_last_election() {
        let comparison = json!({"scenarios": [{}, {"elections": [
            {"turnout": metric(0.5, 0.4, 0.6, 4)},
            {"turnout": metric(0.02, 0.01, 0.03, 4),
             "turnout_by_cohort": {"Gen Z": metric(-0.004, -0.006, -0.002, 4)},
             "polarisation": {"affective": metric(0.001, -0.01, 0.012, 4)}},
        ]}]});
        let d = headline_differences(&comparison);
        let turnout = d.iter().find(|x| x.key == "turnout").unwrap();
        assert!((turnout.mean - 2.0).abs() < 1e-9 && turnout.meaningful && turnout.unit == "pp");
        let genz = d.iter().find(|x| x.key == "turnout-by-cohort:Gen Z").unwrap();
        assert_eq!((genz.label.as_str(), genz.mark, genz.detectable), ("Turnout of Gen Z", "negligible", true));
        let affective = d.iter().find(|x| x.id == "affective-polarisation").unwrap();
        assert_eq!((affective.detectable, affective.mark), (false, "negligible"));
        assert_eq!(d[0].key, "turnout", "in headline order");
    }

    #[test]
    fn the_table_has_a_row_per_run_and_metric() {
        let differences = vec![HeadlineDifference {
            key: "turnout".into(),
            id: "turnout".into(),
            label: "Turnout".into(),
            unit: "pp".into(),
            mean: 1.5,
            ci95: [1.0, 2.0],
            smd: 0.5,
            detectable: true,
            meaningful: true,
            mark: "meaningful",
        }];
        let run = CsvRun {
            job: 3,
            participant: "Ada, \"the\" first",
            title: "",
            scenario: "netzdg-24h",
            reference: "baseline",
            size: (10_000, 4, 2026),
            set: "regulation.takedown_hours=Some(1.0)".into(),
            changes: "takedown hours: no takedown rule → 1".into(),
            differences,
        };
        let text = csv(&[run]).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][1], "Ada, \"the\" first");
        assert_eq!(&rows[0][19], "meaningful");
        assert_eq!(run_folder(3, "Ada Lovelace!"), "run-3-ada-lovelace");
        assert_eq!(run_folder(4, "  "), "run-4");
        let request = RunRequest {
            scenario: Some("netzdg-24h".into()),
            set: vec!["regulation.takedown_hours=Some(1.0)".into()],
            ..RunRequest::default()
        };
        assert_eq!(
            setup_link(&request, 3000, 2, 7).unwrap(),
            "/?scenario=netzdg-24h&set=regulation.takedown_hours%3DSome%281.0%29&population=3000&replicates=2&seed=7"
        );
        assert_eq!(setup_link(&RunRequest::default(), 1, 1, 1), None);
    }
}
