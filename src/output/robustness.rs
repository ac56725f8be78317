//! Robustness across assumptions (docs/MODEL.md §10, "Robustness files"): the design of
//! parameter sets drawn over the plausible ranges (`crate::scenario::plausible`) by Latin
//! hypercube, deterministic from the seed ([`design`]); the raw per-replicate rows of both arms of
//! every draw (`runs.csv`); and, once every shard is in, per draw the paired difference of the
//! scenario from the reference (`effects.csv`), per headline metric and election the median
//! effect, its 5–95% range across draws and the shares of draws with the median's sign and with
//! a meaningful effect (`robustness.csv`), each assumption's influence on each effect
//! (standardised coefficients), and the plain-language summary, all in `robustness.json`.
//! Shards write the raw rows of their slice; merging sorts all rows into the canonical order, so
//! the merged folder is byte-identical to an unsharded run. Pure: rows in, text out.

use super::files::{json_text, parse_json};
use super::folder::ResultsFolder;
use super::summary::{Robust, Setting, robustness_summary};
use crate::metrics::MetricsLog;
use crate::metrics::catalogue::{self, MetricDef};
use crate::metrics::stats::Summary;
use crate::scenario::plausible::{PlausibleRange, ron_number};
use crate::sim::rng::mix64;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Salt of the Latin hypercube's hash ("robust-1"), so its draws share nothing with the
/// simulation's streams.
const HYPERCUBE_SALT: u64 = u64::from_be_bytes(*b"robust-1");

/// Most assumptions drawn in a tornado chart.
pub const TORNADO_ROWS: usize = 12;

/// `robustness.json`: what was run and, once every shard is in, the results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RobustnessFile {
    /// The election the summary speaks of (the last), e.g. `election 3 (2034)`.
    pub at: String,
    /// The assumptions drawn, each with its plausible range and source, in design order.
    pub assumptions: Vec<PlausibleRange>,
    /// Cohort names of the reference (per-cohort headline metrics).
    pub cohorts: Vec<String>,
    /// Parameter sets drawn.
    pub draws: usize,
    /// Per headline metric and election, the effect across draws (empty in a shard).
    #[serde(default)]
    pub effects: Vec<RobustnessRow>,
    /// Elections per run.
    pub elections: usize,
    /// Per headline metric, election and assumption, the assumption's influence (empty in a shard).
    #[serde(default)]
    pub influence: Vec<InfluenceRow>,
    /// Assumptions selected but not drawn, each with the reason (e.g. fixed by `--set`, or not a
    /// parameter of these scenarios).
    pub not_drawn: Vec<String>,
    /// Overrides both scenarios ran with (`--set`).
    pub overrides: Vec<String>,
    /// Party names of the reference (per-party headline metrics).
    pub parties: Vec<String>,
    /// The `--assumptions` patterns (empty: every assumption).
    pub patterns: Vec<String>,
    /// Simulated voters.
    pub population: u64,
    /// The reference scenario.
    pub reference: String,
    /// Replicates per arm and draw.
    pub replicates: u64,
    /// The voters the simulated electorate stands for.
    pub represents: u64,
    /// The scenario compared with the reference.
    pub scenario: String,
    /// Seed of every run and of the design.
    pub seed: u64,
    /// The plain-language summary (empty in a shard).
    #[serde(default)]
    pub summary: Vec<String>,
    /// The votelab version that wrote the file.
    pub version: String,
}

/// One headline metric at one election across the draws (`robustness.csv`, and in
/// `robustness.json`); effects in display units (percentage points for shares).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RobustnessRow {
    /// Metric path, `/`-separated (e.g. `turnout_by_cohort/Gen Z`).
    pub metric: String,
    /// Its label, e.g. `Turnout of Gen Z`.
    pub label: String,
    /// Election, from 1.
    pub election: usize,
    /// Unit of the effect (`pp` for shares).
    pub unit: String,
    /// Median over draws of the mean paired difference.
    pub median: f64,
    /// 5% quantile over draws.
    pub p05: f64,
    /// 95% quantile over draws.
    pub p95: f64,
    /// Share of draws whose effect has the median's sign.
    pub share_same_sign: f64,
    /// Share of draws whose effect is at least the smallest meaningful difference in size.
    pub share_meaningful: f64,
    /// The metric's smallest meaningful difference (display units).
    pub smallest_meaningful_difference: f64,
    /// Draws with a finite effect.
    pub draws: usize,
}

/// One assumption's influence on one effect: the standardised coefficient (the correlation
/// across draws between the assumption's value and the effect, which equals the standardised
/// regression coefficient when the assumptions are drawn independently, as a Latin hypercube
/// does); 0 when either does not vary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InfluenceRow {
    /// Metric path, `/`-separated.
    pub metric: String,
    /// Election, from 1.
    pub election: usize,
    /// The assumption's path.
    pub assumption: String,
    /// Standardised coefficient, in [-1, 1].
    pub coefficient: f64,
}

/// One raw value of `runs.csv`: a metric at an election of one replicate of one arm (0: the
/// reference, 1: the scenario) of one draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RobustRunRow {
    /// Parameter set, from 0.
    pub draw: usize,
    /// 0: the reference; 1: the scenario.
    pub arm: u8,
    /// Replicate.
    pub replicate: u32,
    /// Election, from 1.
    pub election: usize,
    /// Metric path, `/`-separated.
    pub metric: String,
    /// Value (units of `summary.json`).
    pub value: f64,
}

/// One draw's paired difference of a metric at an election (`effects.csv`; units of
/// `summary.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EffectRow {
    /// Parameter set, from 0.
    pub draw: usize,
    /// Election, from 1.
    pub election: usize,
    /// Metric path, `/`-separated.
    pub metric: String,
    /// Mean paired difference over replicates.
    pub mean: f64,
    /// 95% interval, low end.
    pub ci95_lo: f64,
    /// 95% interval, high end.
    pub ci95_hi: f64,
    /// Replicates paired.
    pub n: usize,
}

/// A 64-bit hash of a path (FNV-1a), so each assumption's column of the design depends on its
/// path, not on its position: adding an assumption leaves the others' values unchanged.
fn path_hash(path: &str) -> u64 {
    path.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A uniform number in [0, 1) from a hash.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The Latin-hypercube design: `draws` parameter sets, each assumption's range cut into `draws`
/// equal strata with one value in each, strata shuffled independently per assumption. Values are
/// rounded as written into the files ([`ron_number`]). Deterministic from the seed and each
/// assumption's path.
pub fn design(seed: u64, draws: usize, assumptions: &[PlausibleRange]) -> Vec<Vec<f64>> {
    let mut values = vec![Vec::with_capacity(assumptions.len()); draws];
    for a in assumptions {
        let key = mix64(seed ^ HYPERCUBE_SALT) ^ path_hash(&a.path);
        let mut strata: Vec<(u64, usize)> = (0..draws).map(|i| (mix64(key ^ mix64(i as u64 + 1)), i)).collect();
        strata.sort_unstable();
        for (draw, (_, stratum)) in strata.into_iter().enumerate() {
            let jitter = unit(mix64(key.rotate_left(17) ^ mix64(draw as u64 + 0x9e37)));
            let u = (stratum as f64 + jitter) / draws as f64;
            let v = a.low + u * (a.high - a.low);
            let v: f64 = ron_number(v).parse().unwrap_or(v);
            values[draw].push(v.clamp(a.low, a.high));
        }
    }
    values
}

/// The raw rows of one replicate's log: every metric at every election.
pub fn rows_of(draw: usize, arm: u8, replicate: u32, log: &MetricsLog) -> Vec<RobustRunRow> {
    log.elections
        .iter()
        .enumerate()
        .flat_map(|(k, r)| {
            r.0.iter().map(move |(path, &value)| RobustRunRow {
                draw,
                arm,
                replicate,
                election: k + 1,
                metric: path.join("/"),
                value,
            })
        })
        .collect()
}

fn key(r: &RobustRunRow) -> (usize, u8, u32, usize, &str) {
    (r.draw, r.arm, r.replicate, r.election, r.metric.as_str())
}

fn text_of(w: csv::Writer<Vec<u8>>) -> String {
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `runs.csv`, rows sorted into canonical order (draw, arm, replicate, election, metric).
pub fn runs_csv(rows: &mut [RobustRunRow]) -> String {
    rows.sort_by(|a, b| key(a).cmp(&key(b)));
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows.iter() {
        let _ = w.serialize(r);
    }
    text_of(w)
}

/// Parse `runs.csv` back into rows; the error names the line.
pub fn parse_runs(text: &str) -> Result<Vec<RobustRunRow>, String> {
    super::sweep::parse_csv(text, "runs.csv")
}

/// `draws.csv`: one row per parameter set with each assumption's value.
pub fn draws_csv(assumptions: &[PlausibleRange], design: &[Vec<f64>]) -> String {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let _ = w.write_record(std::iter::once("draw".to_string()).chain(assumptions.iter().map(|a| a.path.clone())));
    for (i, values) in design.iter().enumerate() {
        let _ = w.write_record(std::iter::once(i.to_string()).chain(values.iter().map(|v| ron_number(*v))));
    }
    text_of(w)
}

/// The headline metrics of the reference, as `/`-separated paths with their catalogue entries
/// and names, in catalogue order.
fn headline_paths(meta: &RobustnessFile) -> Vec<(String, &'static MetricDef, Option<String>)> {
    catalogue::headlines()
        .into_iter()
        .flat_map(|def| def.expand(&meta.cohorts, &meta.parties))
        .map(|e| (e.path.join("/"), e.def, e.key))
        .collect()
}

/// The `q` quantile of sorted values (linear between order statistics, as R's type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Pearson correlation; 0 when either side does not vary.
fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 2 {
        return 0.0;
    }
    let mean = |v: &[f64]| v[..n].iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 { 0.0 } else { (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0) }
}

/// (draw, election, metric) → each arm's value per replicate.
type Arms<'a> = BTreeMap<(usize, usize, &'a str), [BTreeMap<u32, f64>; 2]>;

/// Per (draw, election, metric) the paired difference of the scenario from the reference.
fn paired(rows: &[RobustRunRow]) -> BTreeMap<(usize, usize, &str), Summary> {
    let mut arms: Arms = BTreeMap::new();
    for r in rows {
        let entry = arms.entry((r.draw, r.election, r.metric.as_str())).or_default();
        entry[usize::from(r.arm.min(1))].insert(r.replicate, r.value);
    }
    arms.into_iter()
        .map(|(k, [reference, scenario])| {
            let (a, b): (Vec<f64>, Vec<f64>) =
                scenario.iter().filter_map(|(rep, v)| reference.get(rep).map(|w| (*v, *w))).unzip();
            (k, Summary::paired_difference(&a, &b))
        })
        .collect()
}

/// The files of a robustness folder: `robustness.json`, `draws.csv`, `runs.csv` (rows sorted
/// into canonical order), and either `shard.txt` (one shard) or `effects.csv` and
/// `robustness.csv` with the results in `robustness.json`.
pub fn robustness_files(
    meta: &RobustnessFile,
    design: &[Vec<f64>],
    rows: &mut [RobustRunRow],
    shard: Option<(usize, usize)>,
) -> ResultsFolder {
    let mut folder = ResultsFolder::new();
    folder.insert("draws.csv", draws_csv(&meta.assumptions, design));
    folder.insert("runs.csv", runs_csv(rows));
    let mut meta = meta.clone();
    if let Some((i, n)) = shard {
        folder.insert("shard.txt", format!("{i}/{n}\n"));
        folder.insert("robustness.json", json_text(&meta));
        return folder;
    }
    let effects = paired(rows);
    let mut w = csv::Writer::from_writer(Vec::new());
    for (&(draw, election, metric), s) in &effects {
        let _ = w.serialize(EffectRow {
            draw,
            election,
            metric: metric.to_string(),
            mean: s.mean,
            ci95_lo: s.ci95[0],
            ci95_hi: s.ci95[1],
            n: s.n,
        });
    }
    folder.insert("effects.csv", text_of(w));
    let mut robust = Vec::new();
    for election in 1..=meta.elections {
        for (path, def, key) in headline_paths(&meta) {
            let per_draw: Vec<(usize, f64)> = (0..meta.draws)
                .filter_map(|d| effects.get(&(d, election, path.as_str())).map(|s| (d, s)))
                .filter(|(_, s)| s.n > 0 && s.mean.is_finite())
                .map(|(d, s)| (d, def.display(s.mean)))
                .collect();
            if per_draw.is_empty() {
                continue;
            }
            let mut sorted: Vec<f64> = per_draw.iter().map(|x| x.1).collect();
            sorted.sort_by(f64::total_cmp);
            let median = quantile(&sorted, 0.5);
            let n = sorted.len() as f64;
            let same =
                sorted.iter().filter(|e| e.signum() == median.signum() && (**e != 0.0) == (median != 0.0)).count();
            let meaningful = sorted.iter().filter(|e| e.abs() >= def.smd).count();
            let row = RobustnessRow {
                metric: path.clone(),
                label: def.label_for(key.as_deref()),
                election,
                unit: def.difference_unit_short().to_string(),
                median,
                p05: quantile(&sorted, 0.05),
                p95: quantile(&sorted, 0.95),
                share_same_sign: same as f64 / n,
                share_meaningful: meaningful as f64 / n,
                smallest_meaningful_difference: def.smd,
                draws: sorted.len(),
            };
            let ys: Vec<f64> = per_draw.iter().map(|x| x.1).collect();
            for (k, a) in meta.assumptions.iter().enumerate() {
                let xs: Vec<f64> = per_draw
                    .iter()
                    .map(|(d, _)| design.get(*d).and_then(|v| v.get(k)).copied().unwrap_or(0.0))
                    .collect();
                meta.influence.push(InfluenceRow {
                    metric: path.clone(),
                    election,
                    assumption: a.path.clone(),
                    coefficient: correlation(&xs, &ys),
                });
            }
            if election == meta.elections {
                let stored = |x: f64| x / def.kind.scale();
                robust.push(Robust {
                    def,
                    key: key.clone(),
                    median: stored(median),
                    range: [stored(row.p05), stored(row.p95)],
                    same_sign: row.share_same_sign,
                    meaningful: row.share_meaningful,
                });
            }
            meta.effects.push(row);
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &meta.effects {
        let _ = w.serialize(r);
    }
    folder.insert("robustness.csv", text_of(w));
    let run = Setting {
        reference: &meta.reference,
        scenario: &meta.scenario,
        at: &meta.at,
        represents: meta.represents,
        replicates: meta.replicates,
    };
    meta.summary = robustness_summary(&run, &robust, meta.draws, meta.assumptions.len());
    folder.insert("robustness.json", json_text(&meta));
    folder
}

/// Parse `robustness.json`.
pub fn parse_meta(text: &str) -> Result<RobustnessFile, String> {
    parse_json(text)
}

/// Parse `draws.csv` into the design (values per draw, in the header's order) and check the
/// header names `assumptions`; the error names the line.
pub fn parse_draws(text: &str, assumptions: &[PlausibleRange]) -> Result<Vec<Vec<f64>>, String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = records.next().ok_or("no header")?.map_err(|e| format!("line 1: {e}"))?;
    let names: Vec<&str> = header.iter().skip(1).collect();
    if header.get(0) != Some("draw") || names != assumptions.iter().map(|a| a.path.as_str()).collect::<Vec<_>>() {
        return Err("line 1: the columns do not match the assumptions of robustness.json".into());
    }
    let mut design = Vec::new();
    for (i, record) in records.enumerate() {
        let record = record.map_err(|e| format!("line {}: {e}", i + 2))?;
        let values = record
            .iter()
            .skip(1)
            .map(|v| v.parse::<f64>().map_err(|_| format!("line {}: `{v}` is not a number", i + 2)))
            .collect::<Result<Vec<f64>, String>>()?;
        design.push(values);
    }
    Ok(design)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(path: &str, low: f64, high: f64) -> PlausibleRange {
        PlausibleRange { path: path.into(), low, high, source: "test".into() }
    }

    #[test]
    fn the_design_is_a_latin_hypercube_that_depends_on_the_seed_and_paths_only() {
        let a = [range("x.a", 0.0, 1.0), range("x.b", 10.0, 20.0)];
        let d = design(7, 16, &a);
        assert_eq!(d, design(7, 16, &a), "deterministic");
        assert_ne!(d, design(8, 16, &a), "depends on the seed");
        for (k, r) in a.iter().enumerate() {
            let mut strata: Vec<usize> =
                d.iter().map(|v| (((v[k] - r.low) / (r.high - r.low) * 16.0).floor() as usize).min(15)).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..16).collect::<Vec<_>>(), "one value per stratum");
        }
        // Adding an assumption leaves the others' columns unchanged.
        let more = design(7, 16, &[range("x.a", 0.0, 1.0), range("x.c", 0.0, 1.0), range("x.b", 10.0, 20.0)]);
        for (old, new) in d.iter().zip(&more) {
            assert_eq!((old[0], old[1]), (new[0], new[2]));
        }
    }

    #[test]
    fn quantiles_and_correlations() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.05) - 1.2).abs() < 1e-12);
        assert!((correlation(&v, &[2.0, 4.0, 6.0, 8.0, 10.0]) - 1.0).abs() < 1e-12);
        assert_eq!(correlation(&v, &[1.0; 5]), 0.0);
    }

    fn meta(draws: usize) -> RobustnessFile {
        RobustnessFile {
            at: "election 1 (2026)".into(),
            assumptions: vec![range("effects.saturation", 3.0, 8.0)],
            cohorts: vec!["Young".into()],
            draws,
            effects: Vec::new(),
            elections: 1,
            influence: Vec::new(),
            not_drawn: Vec::new(),
            overrides: Vec::new(),
            parties: Vec::new(),
            patterns: Vec::new(),
            population: 100,
            reference: "a".into(),
            replicates: 2,
            represents: 1000,
            scenario: "b".into(),
            seed: 1,
            summary: Vec::new(),
            version: "test".into(),
        }
    }

    #[test]
    fn effects_across_draws_follow_the_assumption() {
        let m = meta(4);
        let d = design(1, 4, &m.assumptions);
        let mut rows = Vec::new();
        for (draw, values) in d.iter().enumerate() {
            for replicate in 0..2 {
                // The scenario raises turnout by 0.5 pp per unit of saturation above 3.
                let effect = 0.005 * (values[0] - 3.0) + 0.0001 * f64::from(replicate);
                for (arm, turnout) in [(0u8, 0.6), (1, 0.6 + effect)] {
                    rows.push(RobustRunRow {
                        draw,
                        arm,
                        replicate,
                        election: 1,
                        metric: "turnout".into(),
                        value: turnout,
                    });
                }
            }
        }
        rows.reverse();
        let folder = robustness_files(&m, &d, &mut rows, None);
        let doc = parse_meta(folder.get("robustness.json").unwrap()).unwrap();
        let turnout = doc.effects.iter().find(|r| r.metric == "turnout").unwrap();
        assert_eq!((turnout.draws, turnout.share_same_sign), (4, 1.0));
        assert!(turnout.median > 0.0 && turnout.p05 <= turnout.median && turnout.median <= turnout.p95);
        let influence = doc.influence.iter().find(|i| i.metric == "turnout").unwrap();
        assert!(influence.coefficient > 0.99, "{influence:?}");
        assert!(!doc.summary.is_empty());
        assert!(folder.get("robustness.csv").unwrap().starts_with("metric,label,election,unit,median,p05,p95,"));
        assert_eq!(parse_draws(folder.get("draws.csv").unwrap(), &m.assumptions).unwrap(), d);
        // A shard has the raw rows and no results.
        let shard = robustness_files(&m, &d, &mut rows, Some((0, 2)));
        assert!(shard.get("robustness.csv").is_none() && shard.get("shard.txt") == Some("0/2\n"));
        let back = parse_runs(shard.get("runs.csv").unwrap()).unwrap();
        assert_eq!(back.len(), rows.len());
    }
}
