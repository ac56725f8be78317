//! The schema of every result file (docs/MODEL.md §10 Output files), shared by the writers in
//! `crate::output` and the reader in `crate::report`: `summary.json` ([`SummaryFile`]),
//! `comparison.json` ([`ComparisonFile`]), `sweep.json` ([`SweepFile`]), and the rows of
//! `timeseries.csv` ([`TimeseriesRow`]; a sweep's with a `point` column first),
//! `elections.csv` ([`crate::metrics::CohortRow`], its `election` numbered from 1 as everywhere),
//! `runs.csv` ([`RunRow`]), `points.csv` ([`PointRow`]) and `sweep.csv` ([`SweepRow`]).
//!
//! Elections are numbered 1, 2, … n in every file and page (`election` columns; `elections[0]` of a
//! JSON file is election 1). Shares (turnout, vote shares, …) are fractions in [0, 1] in every
//! file; terminal tables and reports show them in %.
//!
//! The doc comments here are the code-side truth of the formats. JSON objects keep their keys in
//! alphabetical order at every level (struct fields are declared alphabetically, metric trees are
//! sorted maps), so identical results give identical bytes. Floats in JSON are written by
//! serde_json in their shortest round-trip form, a non-finite float as `null`; floats in the
//! CSV files are written as Rust's `Display` prints them (no exponent), except in
//! `elections.csv`, which the csv crate writes in its own shortest form (`1.0`). Pure: types and
//! (de)serialisation only.

use crate::metrics::StepRow;
use crate::metrics::catalogue::{Kind, MetricDef};
use crate::metrics::stats::Summary;
use serde::de::{DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// A JSON document as written: pretty-printed, with a final newline.
pub fn json_text<T: Serialize>(doc: &T) -> String {
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Parse a JSON document of type `T`; the error says what is wrong and where (line and column),
/// without the file's name.
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => format!("not valid JSON: {e}"),
        _ => e.to_string(),
    })
}

/// The field names a row type reads, in declaration order: the columns a reader requires (fields
/// marked `skip_deserializing` are not among them). Empty for a type that is not a struct.
pub fn columns_of<T: DeserializeOwned>() -> &'static [&'static str] {
    /// A deserializer that only notes the fields the struct asks for.
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(serde::de::Error::custom("fields noted"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// Metrics nested by their path: `["turnout_by_cohort", "Gen Z"] → x` is written
/// `{"turnout_by_cohort": {"Gen Z": x}}`. The paths depend on the scenario (cohort and party
/// names; docs/MODEL.md §7.10), so the tree is a sorted map, not a struct.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MetricTree<T>(pub BTreeMap<String, MetricNode<T>>);

impl<T> Default for MetricTree<T> {
    fn default() -> Self {
        MetricTree(BTreeMap::new())
    }
}

/// One entry of a [`MetricTree`]: a metric's value, or a group of metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MetricNode<T> {
    /// The value of the metric whose path ends here.
    Leaf(T),
    /// The metrics whose paths continue below this key.
    Branch(MetricTree<T>),
}

impl<T> MetricTree<T> {
    /// Nest `path → value` pairs into a tree.
    pub fn from_paths(values: impl IntoIterator<Item = (Vec<String>, T)>) -> MetricTree<T> {
        let mut root = MetricTree::default();
        for (path, value) in values {
            root.insert(&path, value);
        }
        root
    }

    /// Put `value` at `path` (a leaf in the way of a longer path becomes a group).
    fn insert(&mut self, path: &[String], value: T) {
        match path {
            [] => {}
            [last] => {
                self.0.insert(last.clone(), MetricNode::Leaf(value));
            }
            [first, rest @ ..] => {
                let entry = self.0.entry(first.clone()).or_insert_with(|| MetricNode::Branch(MetricTree::default()));
                if let MetricNode::Leaf(_) = entry {
                    *entry = MetricNode::Branch(MetricTree::default());
                }
                if let MetricNode::Branch(child) = entry {
                    child.insert(rest, value);
                }
            }
        }
    }

    /// The value of the metric at `path`, if there is one.
    pub fn get(&self, path: &[&str]) -> Option<&T> {
        let (last, parents) = path.split_last()?;
        let mut node = self;
        for key in parents {
            match node.0.get(*key)? {
                MetricNode::Branch(child) => node = child,
                MetricNode::Leaf(_) => return None,
            }
        }
        match node.0.get(*last)? {
            MetricNode::Leaf(value) => Some(value),
            MetricNode::Branch(_) => None,
        }
    }
}

/// One metric summarised over replicates: `{"ci95": [lo, hi], "mean", "n", "sd"}` (see
/// [`Summary`]). A non-finite number is written as `null` and read back as NaN.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// 95% Student-t interval for the mean, `[lo, hi]`.
    #[serde(deserialize_with = "nullable_pair")]
    pub ci95: [f64; 2],
    /// Mean of the finite replicate values.
    #[serde(deserialize_with = "nullable")]
    pub mean: f64,
    /// Number of finite replicate values.
    pub n: usize,
    /// Sample standard deviation (divisor n − 1).
    #[serde(deserialize_with = "nullable")]
    pub sd: f64,
}

impl From<&Summary> for MetricSummary {
    fn from(s: &Summary) -> MetricSummary {
        MetricSummary { ci95: s.ci95, mean: s.mean, n: s.n, sd: s.sd }
    }
}

/// A paired difference from the reference scenario over replicates: `{"ci95": [lo, hi],
/// "detectable", "mark", "meaningful", "mean"}`, judged against the metric's smallest meaningful
/// difference ([`MetricDef::judge`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// 95% Student-t interval for the mean difference, `[lo, hi]`.
    #[serde(deserialize_with = "nullable_pair")]
    pub ci95: [f64; 2],
    /// The interval excludes zero (with at least two replicates; read as false when absent).
    #[serde(default)]
    pub detectable: bool,
    /// How the difference compares with the smallest meaningful difference; absent for a metric
    /// outside the catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<Mark>,
    /// Detectable and at least the smallest meaningful difference (read as false when absent).
    #[serde(default)]
    pub meaningful: bool,
    /// Mean paired difference.
    #[serde(deserialize_with = "nullable")]
    pub mean: f64,
}

/// How a paired difference compares with its metric's smallest meaningful difference
/// ([`MetricDef::judge`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// Detectable (the 95% interval excludes zero) and at least the smallest meaningful
    /// difference.
    Meaningful,
    /// Smaller than the smallest meaningful difference (detectable or not).
    Negligible,
    /// At least the smallest meaningful difference, but not detectable.
    Uncertain,
}

impl Mark {
    /// The mark of [`MetricDef::judge`]'s word.
    pub fn of(word: &str) -> Mark {
        match word {
            "meaningful" => Mark::Meaningful,
            "negligible" => Mark::Negligible,
            _ => Mark::Uncertain,
        }
    }
}

impl Difference {
    /// The difference summarised in `s`, judged by `def` when the metric is catalogued.
    pub fn judged(s: &Summary, def: Option<&MetricDef>) -> Difference {
        let (detectable, meaningful, mark) = match def {
            Some(d) => {
                let (detectable, meaningful, mark) = d.judge(d.display(s.mean), d.display_pair(s.ci95), s.n as u64);
                (detectable, meaningful, Some(Mark::of(mark)))
            }
            None => (s.n >= 2 && (s.ci95[0] > 0.0 || s.ci95[1] < 0.0), false, None),
        };
        Difference { ci95: s.ci95, detectable, mark, meaningful, mean: s.mean }
    }
}

/// One metric of one scenario in `comparison.json`: its summary over replicates and, when the
/// reference has the metric too, the paired difference from the reference.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparedMetric {
    /// 95% Student-t interval for the mean, `[lo, hi]`.
    #[serde(deserialize_with = "nullable_pair")]
    pub ci95: [f64; 2],
    /// The paired difference from the reference (exactly 0 for the reference itself); absent
    /// when the reference lacks the metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_vs_reference: Option<Difference>,
    /// Mean of the finite replicate values.
    #[serde(deserialize_with = "nullable")]
    pub mean: f64,
    /// Number of finite replicate values.
    pub n: usize,
    /// Sample standard deviation (divisor n − 1).
    #[serde(deserialize_with = "nullable")]
    pub sd: f64,
}

/// The scenario of a run, in `summary.json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// The scenario's description (read as empty when absent).
    #[serde(default)]
    pub description: String,
    /// The scenario's name.
    pub name: String,
    /// The resolved scenario as RON text, as in `scenario.ron` (read as empty when absent).
    #[serde(default)]
    pub ron: String,
}

/// `summary.json`: a run's metrics summarised over replicates, per election and at the end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryFile {
    /// One metric tree per election, in order.
    pub elections: Vec<MetricTree<MetricSummary>>,
    /// The metrics at the end of the run (read as empty when absent).
    #[serde(rename = "final", default)]
    pub final_state: MetricTree<MetricSummary>,
    /// The overrides of the scenario's fields the run applied on top of its file, as `PATH=VALUE`
    /// in the order given (`--set`, `--set-scenario`, `--voters`, a sweep point's `--vary`), except
    /// those of `seed`, `replicates` and `population.size`, which the file gives under their own
    /// keys (read as empty when absent).
    #[serde(default)]
    pub overrides: Vec<String>,
    /// Simulated voters.
    pub population: u64,
    /// Replicates.
    pub replicates: u64,
    /// The scenario run.
    pub scenario: ScenarioInfo,
    /// Seed of replicate 0.
    pub seed: u64,
    /// The votelab version that wrote the file.
    pub version: String,
}

/// One scenario in `comparison.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparedScenario {
    /// The scenario's description (read as empty when absent).
    #[serde(default)]
    pub description: String,
    /// One metric tree per election, in order.
    pub elections: Vec<MetricTree<ComparedMetric>>,
    /// The metrics at the end of the run (read as empty when absent).
    #[serde(rename = "final", default)]
    pub final_state: MetricTree<ComparedMetric>,
    /// The scenario's name, which is also its subfolder's name.
    pub name: String,
    /// The overrides the scenario ran with, as in `summary.json` (`--set` applies to every
    /// scenario, `--set-scenario` to all but the reference; read as empty when absent).
    #[serde(default)]
    pub overrides: Vec<String>,
    /// The resolved scenario as RON text (read as empty when absent).
    #[serde(default)]
    pub ron: String,
    /// The plain-language summary of its differences from the reference, two to four sentences
    /// (`crate::output::summary`); empty for the reference (read as empty when absent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summary: Vec<String>,
}

/// `comparison.json`: every scenario's metrics and their paired differences from the reference
/// (the first scenario), all run with the reference's seed, replicates and population size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonFile {
    /// What each metric of the file is, from the metric catalogue, in catalogue order (read as
    /// empty when absent).
    #[serde(default)]
    pub metrics: Vec<MetricInfo>,
    /// Simulated voters of the reference.
    pub population: u64,
    /// Name of the reference scenario.
    pub reference: String,
    /// Replicates.
    pub replicates: u64,
    /// The voters the simulated electorate stands for (`population.represents`, or the
    /// simulated population when it is `None`; read as 0 when absent).
    #[serde(default)]
    pub represents: u64,
    /// Every scenario, the reference first.
    pub scenarios: Vec<ComparedScenario>,
    /// Seed of replicate 0.
    pub seed: u64,
    /// The votelab version that wrote the file.
    pub version: String,
}

/// A metric as `comparison.json` describes it, from the metric catalogue
/// (`crate::metrics::catalogue`), so that a reader of the file knows each metric's unit and how
/// large a difference has to be to matter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricInfo {
    /// Stable id, e.g. `turnout-by-cohort`.
    pub id: String,
    /// Share, level, count or money.
    pub kind: Kind,
    /// What it is, e.g. "Turnout by cohort".
    pub label: String,
    /// Path in the metric trees, dot-separated; `{cohort}` or `{party}` stands for a name.
    pub path: String,
    /// Smallest meaningful difference, in display units (percentage points for shares): a smaller
    /// paired difference is treated as negligible.
    pub smallest_meaningful_difference: f64,
    /// Why the smallest meaningful difference has its value (read as empty when absent).
    #[serde(default)]
    pub smallest_meaningful_difference_reason: String,
    /// Unit of a value as shown ("%" for shares, whose differences are in percentage points).
    pub unit: String,
}

impl From<&MetricDef> for MetricInfo {
    fn from(m: &MetricDef) -> MetricInfo {
        MetricInfo {
            id: m.id.to_string(),
            kind: m.kind,
            label: m.label.to_string(),
            path: m.path.to_string(),
            smallest_meaningful_difference: m.smd,
            smallest_meaningful_difference_reason: m.smd_reason.to_string(),
            unit: m.unit.to_string(),
        }
    }
}

/// One varied path of a sweep, in `sweep.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The scenario path varied, e.g. `regulation.microtargeting_ban`.
    pub path: String,
    /// Its values as RON text, in grid order (read as empty when absent).
    #[serde(default)]
    pub values: Vec<String>,
}

/// The paired difference of a metric at one point of a sweep from the first point, in
/// `sweep.json`: replicate r of the point minus replicate r of point 0 (common random numbers),
/// summarised over replicates as `comparison.json`'s `diff_vs_reference` is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointDifference {
    /// 95% Student-t interval for the mean difference, `[lo, hi]`.
    #[serde(deserialize_with = "nullable_pair")]
    pub ci95: [f64; 2],
    /// Election number, from 1.
    pub election: usize,
    /// Mean paired difference (shares as fractions, so 0.01 is one percentage point).
    #[serde(deserialize_with = "nullable")]
    pub mean: f64,
    /// Metric path joined with `/`.
    pub metric: String,
    /// Pairs with a finite difference.
    pub n: usize,
    /// Point index (point 0 is the one every other is compared with).
    pub point: usize,
}

/// `sweep.json`: what a sweep varied, around which base scenario; in a complete sweep (not a
/// shard) also the paired differences from the first point and the warnings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepFile {
    /// Per point (from 1), election and metric, the paired difference from point 0 (empty in a
    /// shard, whose differences need every shard; read as empty when absent).
    #[serde(default)]
    pub differences: Vec<PointDifference>,
    /// The overrides of the base scenario (`--set`, `--voters`) that every point ran with, as in
    /// `summary.json` (read as empty when absent).
    #[serde(default)]
    pub overrides: Vec<String>,
    /// Number of grid points (read as 0 when absent).
    #[serde(default)]
    pub points: usize,
    /// Simulated voters of the base scenario (always written; older files may lack it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// Replicates per point.
    pub replicates: u64,
    /// Name of the base scenario.
    pub scenario: String,
    /// Seed of replicate 0.
    pub seed: u64,
    /// The varied paths; several make a grid whose first path changes slowest.
    pub vary: Vec<Axis>,
    /// The votelab version that wrote the file.
    pub version: String,
    /// What the sweep noticed about its own results, e.g. a varied path that changed nothing,
    /// with the reason when the scenario shows it (empty in a shard; read as empty when absent).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Prefix of the histogram columns of `timeseries.csv`: `hist_00`, `hist_01`, ...
pub const HISTOGRAM_PREFIX: &str = "hist_";

/// One row of `timeseries.csv`: one replicate at the end of one step (the file form of
/// [`StepRow`]). Floats are written by `Display`, `-0` as `0`. Columns: the fields below, named
/// after them, in order, then `hist_00`, `hist_01`, ... one per histogram bin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeseriesRow {
    /// Replicate index.
    pub replicate: u32,
    /// Step index, from 0.
    pub step: usize,
    /// Day since the run started, at the end of the step.
    #[serde(serialize_with = "unsigned_zero")]
    pub day: f64,
    /// Fractional calendar year at the end of the step.
    #[serde(serialize_with = "unsigned_zero")]
    pub year: f64,
    /// `campaign`, `election` (the last step of a campaign) or `offseason`.
    pub phase: String,
    /// Voters eligible to vote.
    pub eligible: u64,
    /// Mean ideology of the electorate.
    #[serde(serialize_with = "unsigned_zero")]
    pub mean_ideology: f64,
    /// Population variance of ideology.
    #[serde(serialize_with = "unsigned_zero")]
    pub variance: f64,
    /// Mean hostility (affective polarisation).
    #[serde(serialize_with = "unsigned_zero")]
    pub affective: f64,
    /// Mean arousal.
    #[serde(serialize_with = "unsigned_zero")]
    pub arousal: f64,
    /// Mean trust.
    #[serde(serialize_with = "unsigned_zero")]
    pub trust: f64,
    /// Share of the electorate believing misinformation (belief > 0.5).
    #[serde(serialize_with = "unsigned_zero")]
    pub believers: f64,
    /// Misinformation items seen per voter this campaign.
    #[serde(serialize_with = "unsigned_zero")]
    pub misinformation_per_capita: f64,
    /// Ad impressions per voter this campaign.
    #[serde(serialize_with = "unsigned_zero")]
    pub ads_per_capita: f64,
    /// Share of the electorate in each equal ideology bin on [-1, 1] (`hist_00` is the leftmost).
    /// Written as the last columns; not deserialised by column name: the reader collects the
    /// `hist_` columns itself.
    #[serde(serialize_with = "unsigned_zeros", skip_deserializing)]
    pub histogram: Vec<f64>,
}

impl From<&StepRow> for TimeseriesRow {
    fn from(r: &StepRow) -> TimeseriesRow {
        TimeseriesRow {
            replicate: r.replicate,
            step: r.step,
            day: r.day,
            year: r.year,
            phase: r.phase.to_string(),
            eligible: r.eligible,
            mean_ideology: r.mean_ideology,
            variance: r.variance,
            affective: r.affective,
            arousal: r.arousal,
            trust: r.trust,
            believers: r.believers,
            misinformation_per_capita: r.misinformation_per_capita,
            ads_per_capita: r.ads_per_capita,
            histogram: r.histogram.to_vec(),
        }
    }
}

/// One row of `runs.csv`: a metric of one replicate at one point of a sweep. Columns: the fields,
/// named after them, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    /// Point index in the grid.
    pub point: usize,
    /// Replicate.
    pub replicate: u32,
    /// Election number, from 1. (The end of the run is the last election: there is no separate
    /// `final` row.)
    pub election: usize,
    /// Metric path joined with `/` (e.g. `turnout_by_cohort/Gen Z`).
    pub metric: String,
    /// Value, written by `Display` (shares as fractions in [0, 1]).
    #[serde(serialize_with = "display")]
    pub value: f64,
}

/// One row of `points.csv`: a point of the grid. Columns `point`, then one per varied path
/// (named after it) holding its value as RON text, exactly as `--vary` or `--set` take it (so a
/// point can be rerun; `sweep.csv` has the same values in plottable form).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointRow {
    /// Point index, from 0.
    pub point: usize,
    /// The value of each varied path, in the order of `sweep.json`'s `vary`.
    pub values: Vec<String>,
}

/// One row of `sweep.csv`: one metric at one point and election, summarised over the point's
/// replicates, and its paired difference from point 0. Columns `point`, the varied paths'
/// columns ([`PointRow`]'s values in plottable form: per path a column named after it holding the
/// number, or the RON text of a value that is not a number; for a path with optional values
/// (`None`, `Some(24.0)`) the number inside `Some`, empty for `None`, and a column
/// `<path>_is_none` saying `true` or `false`), then `election`, `metric`, `mean`, `sd`, `ci95_lo`,
/// `ci95_hi`, `n`, `diff_mean`, `diff_ci95_lo`, `diff_ci95_hi` (the fields, in order); floats
/// written by `Display`, shares as fractions in [0, 1].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    /// Point index, from 0.
    pub point: usize,
    /// The cells of the varied paths' columns. Not deserialised by column name: `points.csv` is
    /// where a reader finds the values.
    #[serde(skip_deserializing)]
    pub values: Vec<String>,
    /// Election number, from 1.
    pub election: usize,
    /// Metric path joined with `/`.
    pub metric: String,
    /// Mean over replicates.
    #[serde(serialize_with = "display")]
    pub mean: f64,
    /// Sample standard deviation.
    #[serde(serialize_with = "display")]
    pub sd: f64,
    /// Lower end of the 95% interval.
    #[serde(serialize_with = "display")]
    pub ci95_lo: f64,
    /// Upper end of the 95% interval.
    #[serde(serialize_with = "display")]
    pub ci95_hi: f64,
    /// Finite replicate values summarised.
    pub n: usize,
    /// Mean paired difference from point 0 (replicate by replicate; exactly 0 at point 0).
    #[serde(serialize_with = "display")]
    pub diff_mean: f64,
    /// Lower end of the difference's 95% interval.
    #[serde(serialize_with = "display")]
    pub diff_ci95_lo: f64,
    /// Upper end of the difference's 95% interval.
    #[serde(serialize_with = "display")]
    pub diff_ci95_hi: f64,
}

/// Suffix of the flag column `sweep.csv` adds for a varied path with optional values.
pub const IS_NONE_SUFFIX: &str = "_is_none";

/// A value of a varied path (RON text) for a plot: `Some(Some(x))` for a number or `Some(x)` of
/// a number, `Some(None)` for `None`, `None` for anything else.
pub fn plottable(ron: &str) -> Option<Option<f64>> {
    let text = ron.trim();
    if text == "None" {
        return Some(None);
    }
    let inner = text.strip_prefix("Some(").and_then(|t| t.strip_suffix(')')).unwrap_or(text).trim();
    inner.parse::<f64>().ok().filter(|x| x.is_finite()).map(Some)
}

/// Whether a RON value is optional (`None` or `Some(...)`).
pub fn is_optional(ron: &str) -> bool {
    let text = ron.trim();
    text == "None" || text.starts_with("Some(")
}

/// A float as `Display` writes it.
fn display<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(x)
}

/// A float as `Display` writes it, but `-0` as `0`.
fn unsigned_zero<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if *x == 0.0 { s.serialize_str("0") } else { s.collect_str(x) }
}

/// Floats as [`unsigned_zero`] writes them.
fn unsigned_zeros<S: Serializer>(xs: &[f64], s: S) -> Result<S::Ok, S::Error> {
    struct Each(f64);
    impl Serialize for Each {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            unsigned_zero(&self.0, s)
        }
    }
    s.collect_seq(xs.iter().map(|&x| Each(x)))
}

/// A float that may be written as `null` (non-finite): read as NaN.
fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// A pair of floats, either of which may be `null`.
fn nullable_pair<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 2], D::Error> {
    let [lo, hi] = <[Option<f64>; 2]>::deserialize(d)?;
    Ok([lo.unwrap_or(f64::NAN), hi.unwrap_or(f64::NAN)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::CohortRow;

    #[test]
    fn the_columns_of_a_row_are_its_deserialised_fields() {
        assert_eq!(columns_of::<RunRow>(), ["point", "replicate", "election", "metric", "value"]);
        assert_eq!(
            columns_of::<SweepRow>(),
            [
                "point",
                "election",
                "metric",
                "mean",
                "sd",
                "ci95_lo",
                "ci95_hi",
                "n",
                "diff_mean",
                "diff_ci95_lo",
                "diff_ci95_hi"
            ]
        );
        assert_eq!(columns_of::<TimeseriesRow>().len(), 14);
        assert_eq!(columns_of::<TimeseriesRow>()[13], "ads_per_capita");
        assert_eq!(columns_of::<CohortRow>().len(), 16);
        assert!(columns_of::<f64>().is_empty());
    }

    fn summary(mean: f64) -> MetricSummary {
        MetricSummary { ci95: [mean - 0.1, mean + 0.1], mean, n: 2, sd: 0.05 }
    }

    #[test]
    fn optional_values_are_plottable_numbers_and_a_flag() {
        assert_eq!(plottable("None"), Some(None));
        assert_eq!(plottable("Some(24.0)"), Some(Some(24.0)));
        assert_eq!(plottable(" 0.25 "), Some(Some(0.25)));
        assert_eq!(plottable("BasicOnly"), None);
        assert_eq!(plottable("Some(Deliberation(share: 0.1))"), None);
        assert!(is_optional("None") && is_optional("Some(1.0)") && !is_optional("1.0"));
    }

    #[test]
    fn metric_trees_nest_paths_and_write_sorted_keys() {
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let tree = MetricTree::from_paths([
            (path(&["turnout_by_cohort", "Old"]), summary(0.7)),
            (path(&["turnout"]), summary(0.6)),
            (path(&["turnout_by_cohort", "Gen Z"]), summary(0.4)),
        ]);
        assert_eq!(tree.get(&["turnout_by_cohort", "Gen Z"]), Some(&summary(0.4)));
        assert_eq!(tree.get(&["turnout_by_cohort"]), None);
        assert_eq!(tree.get(&["turnout", "x"]), None);
        let text = serde_json::to_string(&tree).unwrap();
        assert!(
            text.starts_with(
                r#"{"turnout":{"ci95":[0.5,0.7],"mean":0.6,"n":2,"sd":0.05},"turnout_by_cohort":{"Gen Z""#
            )
        );
        let back: MetricTree<MetricSummary> = parse_json(&text).unwrap();
        assert_eq!(back, tree);
    }

    #[test]
    fn non_finite_numbers_are_written_as_null_and_read_as_nan() {
        let s = MetricSummary { ci95: [f64::NAN, 1.0], mean: f64::INFINITY, n: 0, sd: 0.0 };
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(text, r#"{"ci95":[null,1.0],"mean":null,"n":0,"sd":0.0}"#);
        let back: MetricSummary = parse_json(&text).unwrap();
        assert!(back.mean.is_nan() && back.ci95[0].is_nan() && back.ci95[1] == 1.0);
    }

    #[test]
    fn the_difference_is_written_only_when_known() {
        let m = ComparedMetric { ci95: [0.0, 1.0], diff_vs_reference: None, mean: 0.5, n: 2, sd: 0.1 };
        assert!(!serde_json::to_string(&m).unwrap().contains("diff"));
        let d = ComparedMetric {
            diff_vs_reference: Some(Difference {
                ci95: [-0.1, 0.1],
                detectable: false,
                mark: Some(Mark::Negligible),
                meaningful: false,
                mean: 0.0,
            }),
            ..m
        };
        let text = serde_json::to_string(&d).unwrap();
        assert!(
            text.contains(
                r#""diff_vs_reference":{"ci95":[-0.1,0.1],"detectable":false,"mark":"negligible","meaningful":false,"mean":0.0},"mean""#
            ),
            "{text}"
        );
    }

    #[test]
    fn csv_rows_write_floats_by_display_and_read_back() {
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
        w.serialize(RunRow { point: 1, replicate: 0, election: 1, metric: "a/b".into(), value: 1e20 }).unwrap();
        w.serialize(RunRow { point: 1, replicate: 0, election: 2, metric: "a".into(), value: -0.0 }).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text, "1,0,1,a/b,100000000000000000000\n1,0,2,a,-0\n");
        let rows: Vec<RunRow> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .deserialize()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows[0].election, 1);
        assert_eq!(rows[1].election, 2);
        assert_eq!(rows[0].value, 1e20);
    }
}
