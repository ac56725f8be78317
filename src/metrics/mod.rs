//! Metrics (`docs/MODEL.md` §7.10, files in §10): the typed rows a replicate produces and the
//! functions that compute them. `catalogue` describes every metric of an election record (labels,
//! units, ranges) for all that show them, `stats` summarises over replicates, `polarisation`
//! holds the opinion metrics; the systems that fill these rows are in `crate::phases::metrics`.

pub mod catalogue;
pub mod polarisation;
pub mod stats;

use bevy_ecs::prelude::*;
use std::collections::BTreeMap;

/// Named metric values of one replicate at one moment, keyed by their path in `summary.json`
/// (e.g. `["turnout_by_cohort", "Gen Z"]`). Sorted, so output order is stable.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record(pub BTreeMap<Vec<String>, f64>);

impl Record {
    /// Set the value at `path`.
    pub fn set(&mut self, path: &[&str], value: f64) {
        self.0.insert(path.iter().map(|s| s.to_string()).collect(), value);
    }

    /// The value at `path`.
    pub fn get(&self, path: &[&str]) -> Option<f64> {
        let key: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        self.0.get(&key).copied()
    }
}

/// Bins of the opinion histogram kept per step (for the opinion-distribution chart).
pub const HISTOGRAM_BINS: usize = 20;

/// Path names of the belief histogram's bins, equal on [0, 1] (`docs/MODEL.md` §7.10).
pub const BELIEF_BIN_NAMES: [&str; 10] =
    ["0_10", "10_20", "20_30", "30_40", "40_50", "50_60", "60_70", "70_80", "80_90", "90_100"];

/// The share of the total held by the largest `share` of the values (at least one value); 0 when
/// the total is not positive. Reorders the values.
pub fn top_share(values: &mut [f32], share: f64) -> f64 {
    let total: f64 = values.iter().map(|&v| f64::from(v)).sum();
    if total <= 0.0 || values.is_empty() {
        return 0.0;
    }
    let k = ((values.len() as f64 * share).ceil() as usize).clamp(1, values.len());
    if k < values.len() {
        values.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    }
    values[..k].iter().map(|&v| f64::from(v)).sum::<f64>() / total
}

/// One row of `timeseries.csv`: the state at the end of a step.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StepRow {
    /// Replicate index.
    pub replicate: u32,
    /// Step index.
    pub step: usize,
    /// Day since the run started, at the end of the step.
    pub day: f64,
    /// Fractional calendar year at the end of the step.
    pub year: f64,
    /// `campaign`, `election` or `offseason`.
    pub phase: &'static str,
    /// Voters eligible to vote.
    pub eligible: u64,
    /// Mean ideology of the electorate.
    pub mean_ideology: f64,
    /// Variance of ideology of the electorate.
    pub variance: f64,
    /// Mean hostility (affective polarisation).
    pub affective: f64,
    /// Mean arousal.
    pub arousal: f64,
    /// Mean trust.
    pub trust: f64,
    /// Share of the electorate believing misinformation (belief > 0.5).
    pub believers: f64,
    /// Misinformation items seen per voter this campaign.
    pub misinformation_per_capita: f64,
    /// Ad impressions per voter this campaign.
    pub ads_per_capita: f64,
    /// Share of the electorate in each of 20 equal ideology bins on [-1, 1].
    #[serde(skip)]
    pub histogram: [f64; HISTOGRAM_BINS],
}

/// One row of `elections.csv`: one cohort at one election.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CohortRow {
    /// Replicate index.
    pub replicate: u32,
    /// Election index, from 0.
    pub election: usize,
    /// Calendar year of the election.
    pub year: f64,
    /// Cohort name.
    pub cohort: String,
    /// Eligible voters in the cohort.
    pub eligible: u64,
    /// Of whom voted.
    pub voters: u64,
    /// voters / eligible.
    pub turnout: f64,
    /// Eligible for the first time.
    pub first_time_eligible: u64,
    /// Of whom voted.
    pub first_time_voters: u64,
    /// Mean ideology of the cohort's eligible voters.
    pub mean_ideology: f64,
    /// Mean hostility.
    pub hostility: f64,
    /// Mean trust.
    pub trust: f64,
    /// Share believing misinformation (belief > 0.5).
    pub believers: f64,
    /// Misinformation items seen per voter this campaign.
    pub misinformation_per_capita: f64,
    /// Ad impressions per voter this campaign.
    pub ads_per_capita: f64,
    /// Micro-targeted impressions per voter this campaign.
    pub targeted_per_capita: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_share_sums_the_largest_values() {
        let mut v: Vec<f32> = (1..=100).map(|i| i as f32).collect();
        assert!((top_share(&mut v, 0.01) - 100.0 / 5050.0).abs() < 1e-9);
        assert!((top_share(&mut v, 0.1) - (91..=100).sum::<i32>() as f64 / 5050.0).abs() < 1e-9);
        assert_eq!(top_share(&mut [0.0, 0.0], 0.01), 0.0);
    }
}

/// Everything a replicate measured.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct MetricsLog {
    /// One record per election, in order.
    pub elections: Vec<Record>,
    /// The record at the end of the run.
    pub final_record: Record,
    /// One row per step.
    pub timeseries: Vec<StepRow>,
    /// One row per election and cohort.
    pub cohorts: Vec<CohortRow>,
}
