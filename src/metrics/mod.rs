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
    /// Share believing misinformation.
    pub believers: f64,
    /// Misinformation items seen per voter this campaign.
    pub misinformation_per_capita: f64,
    /// Ad impressions per voter this campaign.
    pub ads_per_capita: f64,
    /// Micro-targeted impressions per voter this campaign.
    pub targeted_per_capita: f64,
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
