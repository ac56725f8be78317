//! The metric catalogue: one entry per metric that an election's [`Record`](super::Record) (and so
//! `summary.json`) carries — its path, stable id, labels, unit, kind, valid range, place among the
//! headline metrics and smallest meaningful difference. Every consumer reads it: the terminal
//! tables (`crate::output`), the report's figures (`crate::report`), the workshop page (through
//! `GET /api/metrics`) and the range tests. The definitions of the metrics are in `docs/MODEL.md`
//! §7.10, the files that carry them in §10.
//!
//! Reads nothing and writes nothing: constants, lookups and formatting.
//!
//! Adding a metric: compute it in `crate::phases::metrics` and add its entry here.
//!
//! The smallest meaningful differences (SMD) are first values, to be reviewed: each entry says
//! why it has its value (`smd_reason`). They are in display units (percentage points for
//! shares). A paired difference is *detectable* when its 95% interval excludes zero and
//! *meaningful* when it is also at least the SMD ([`MetricDef::judge`]); a detectable difference
//! smaller than that is *negligible*.

use serde::{Deserialize, Serialize};

/// What sort of quantity a metric is, which decides how it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A share in [0, 1], shown in percent; differences in percentage points.
    Share,
    /// A level on a bounded or open scale (a mean, an index, a correlation), shown as is.
    Level,
    /// A count or a count per voter, shown as is.
    Count,
    /// An amount of money in the scenario's currency units, shown rounded to whole units.
    Money,
}

impl Kind {
    /// Factor from the value stored in `summary.json` to the value shown (100 for shares).
    pub fn scale(self) -> f64 {
        match self {
            Kind::Share => 100.0,
            _ => 1.0,
        }
    }

    /// Decimals shown for a value of this kind (in display units).
    pub fn decimals(self) -> usize {
        match self {
            Kind::Share => 1,
            Kind::Level | Kind::Count => 3,
            Kind::Money => 0,
        }
    }
}

/// A metric's place among the headline metrics (the comparison's tables and the report's
/// paired-difference figures and sweep charts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Headline {
    /// Position among the headline metrics, from 1.
    pub order: u8,
    /// Shown at every election in the comparison's terminal table (otherwise at the last one).
    pub every_election: bool,
}

/// The part of a path that stands for a cohort or a party name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Placeholder {
    /// `{cohort}`: one metric per cohort of the scenario.
    Cohort,
    /// `{party}`: one metric per party of the scenario.
    Party,
}

impl Placeholder {
    /// The placeholder as written in a path.
    pub fn token(self) -> &'static str {
        match self {
            Placeholder::Cohort => "{cohort}",
            Placeholder::Party => "{party}",
        }
    }
}

/// One metric of `summary.json`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricDef {
    /// Stable id, lower case with dashes (chart ids and the workshop page use it).
    pub id: &'static str,
    /// Path in `summary.json`, dot-separated; `{cohort}` or `{party}` stands for a name.
    pub path: &'static str,
    /// What it is, capitalised (e.g. "Turnout by cohort").
    pub label: &'static str,
    /// Label of one member of a per-cohort or per-party metric (e.g. "Turnout of {cohort}");
    /// the same as `label` for a single metric.
    pub each: &'static str,
    /// Short column heading for the terminal's comparison table, without unit.
    pub short: &'static str,
    /// Unit of a value as shown ("%" for shares).
    pub unit: &'static str,
    /// Kind of quantity.
    pub kind: Kind,
    /// The range a value can take, in the units of `summary.json` (shares in [0, 1]).
    pub range: (f64, f64),
    /// Place among the headline metrics, if it is one.
    pub headline: Option<Headline>,
    /// A row of the table printed after `votelab run`.
    pub run_table: bool,
    /// Smallest meaningful difference, in display units (percentage points for shares):
    /// a smaller effect is treated as negligible. First values, to be reviewed.
    pub smd: f64,
    /// Why the smallest meaningful difference has its value (shown in reports and on the
    /// workshop page).
    pub smd_reason: &'static str,
    /// What a difference counts in the real electorate, for a metric that is a share of all
    /// voters or a count per voter (e.g. "voters" for turnout): the difference times the voters
    /// the simulation represents (`population.represents`). `None` for metrics of a subgroup or
    /// of money.
    pub counts: Option<&'static str>,
}

/// [0, 1]: shares, and means of quantities on a 0–1 scale.
pub const UNIT_RANGE: (f64, f64) = (0.0, 1.0);
/// [-1, 1]: a correlation.
pub const CORRELATION_RANGE: (f64, f64) = (-1.0, 1.0);
/// [0, ∞): counts, counts per voter, money.
pub const NON_NEGATIVE: (f64, f64) = (0.0, f64::INFINITY);

const fn headline(order: u8, every_election: bool) -> Option<Headline> {
    Some(Headline { order, every_election })
}

/// An entry of the belief histogram: the share of voters whose belief is in one tenth of the scale.
macro_rules! belief_bin {
    ($id:literal, $path:literal, $label:literal, $short:literal) => {
        MetricDef {
            id: $id,
            path: $path,
            label: $label,
            each: $label,
            short: $short,
            unit: "%",
            kind: Kind::Share,
            range: UNIT_RANGE,
            headline: None,
            run_table: false,
            smd: 1.0,
            smd_reason: "1 pp, as for the believer share: one voter in a hundred moving between tenths of the belief scale is below what surveys of belief in false claims can tell apart.",
            counts: None,
        }
    };
}

/// Every metric of an election record, in the order of the run table.
pub const CATALOGUE: &[MetricDef] = &[
    MetricDef {
        id: "turnout",
        path: "turnout",
        label: "Turnout",
        each: "Turnout",
        short: "turnout",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: headline(1, true),
        run_table: true,
        smd: 0.5,
        smd_reason: "0.5 pp: effects below about half a point are treated as negligible in the election-administration and field-experiment literature (impersonal get-out-the-vote contact moves turnout by a fraction of a point) and are below the precision of turnout surveys; the smallest effect treated as substantive, Bond et al.'s +0.39 pp from a message to 61 million users (`docs/MODEL.md` §9, row 9), sits just under it.",
        counts: Some("voters"),
    },
    MetricDef {
        id: "turnout-by-cohort",
        path: "turnout_by_cohort.{cohort}",
        label: "Turnout by cohort",
        each: "Turnout of {cohort}",
        short: "{cohort}",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: headline(2, true),
        run_table: true,
        smd: 1.0,
        smd_reason: "1 pp: a cohort is a quarter of the electorate or less, so the same absolute effect on the whole electorate is larger within a cohort; generational gaps are 10–30 pp, 1 pp is a few per cent of them.",
        counts: None,
    },
    MetricDef {
        id: "first-time-turnout",
        path: "first_time_turnout",
        label: "First-time voters' turnout",
        each: "First-time voters' turnout",
        short: "first-time",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: headline(3, false),
        run_table: true,
        smd: 1.0,
        smd_reason: "1 pp: first-time voters are a small group (a few per cent of the electorate), whose turnout is measured less precisely; the habit effects it feeds are about +5 pp (`docs/MODEL.md` §9, row 21), so 1 pp is a fifth of one.",
        counts: None,
    },
    MetricDef {
        id: "vote-share",
        path: "vote_share.{party}",
        label: "Vote share by party",
        each: "Vote share {party}",
        short: "vote {party}",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: true,
        smd: 0.5,
        smd_reason: "0.5 pp: one ad moves vote choice by +0.7 pp with a standard error of 0.7 (`docs/MODEL.md` §9, row 1), so half a point is below what one experiment can resolve; close races are decided by about that much.",
        counts: None,
    },
    MetricDef {
        id: "affective-polarisation",
        path: "polarisation.affective",
        label: "Affective polarisation",
        each: "Affective polarisation",
        short: "affective",
        unit: "mean hostility, 0–1",
        kind: Kind::Level,
        range: UNIT_RANGE,
        headline: headline(4, false),
        run_table: true,
        smd: 0.02,
        smd_reason: "0.02 on the 0–1 scale: about 2 points on a 100-point feeling thermometer, the low end of what depolarisation interventions achieve (2–10 points, `docs/MODEL.md` §9, row 17) and a tenth of the US rise over four decades (row 18).",
        counts: None,
    },
    MetricDef {
        id: "ideology-variance",
        path: "polarisation.variance",
        label: "Ideology variance",
        each: "Ideology variance",
        short: "variance",
        unit: "ideology², scale −1 to 1",
        kind: Kind::Level,
        range: UNIT_RANGE,
        headline: None,
        run_table: true,
        smd: 0.01,
        smd_reason: "0.01: ideology lies on [-1, 1], the baseline variance is about 0.17, so 0.01 is a shift of about 6% of it (a standard deviation moving by about 0.01).",
        counts: None,
    },
    MetricDef {
        id: "echo-chamber",
        path: "polarisation.echo_chamber",
        label: "Echo-chamber index",
        each: "Echo-chamber index",
        short: "echo chamber",
        unit: "correlation",
        kind: Kind::Level,
        range: CORRELATION_RANGE,
        headline: headline(5, false),
        run_table: true,
        smd: 0.02,
        smd_reason: "0.02, as for other correlations: below that, a change of the network's sorting is within the variation between networks drawn with the same parameters.",
        counts: None,
    },
    MetricDef {
        id: "opinion-clusters",
        path: "polarisation.clusters",
        label: "Major opinion clusters",
        each: "Major opinion clusters",
        short: "clusters",
        unit: "clusters",
        kind: Kind::Count,
        range: NON_NEGATIVE,
        headline: None,
        run_table: true,
        smd: 0.5,
        smd_reason: "0.5: clusters come in whole numbers; a mean over replicates moving by half a cluster means half the replicates gained or lost one.",
        counts: None,
    },
    MetricDef {
        id: "bimodality",
        path: "polarisation.bimodality",
        label: "Bimodality coefficient",
        each: "Bimodality coefficient",
        short: "bimodality",
        unit: "coefficient, 5/9 = uniform",
        kind: Kind::Level,
        range: NON_NEGATIVE,
        headline: None,
        run_table: false,
        smd: 0.02,
        smd_reason: "0.02: normal ≈ 0.33, uniform ≈ 0.56, two points 1; 0.02 is under a tenth of the step from a uniform to a clearly bimodal electorate. The small-sample corrections can take it just above 1, so its range is left open.",
        counts: None,
    },
    MetricDef {
        id: "esteban-ray",
        path: "polarisation.esteban_ray",
        label: "Esteban–Ray polarisation",
        each: "Esteban–Ray polarisation",
        short: "esteban-ray",
        unit: "index, 0–1",
        kind: Kind::Level,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 0.01,
        smd_reason: "0.01 on the normalised 0–1 index: about the change from moving 1% of the electorate from the centre to an extreme.",
        counts: None,
    },
    MetricDef {
        id: "trust",
        path: "trust",
        label: "Trust",
        each: "Trust",
        short: "trust",
        unit: "mean trust, 0–1",
        kind: Kind::Level,
        range: UNIT_RANGE,
        headline: None,
        run_table: true,
        smd: 0.02,
        smd_reason: "0.02 on the 0–1 scale: about 2 points on a 100-point trust scale; survey trust measures are not precise below that.",
        counts: None,
    },
    MetricDef {
        id: "misinformation-exposure",
        path: "misinformation.exposures_per_capita",
        label: "Misinformation seen",
        each: "Misinformation seen",
        short: "misinfo seen",
        unit: "items per voter",
        kind: Kind::Count,
        range: NON_NEGATIVE,
        headline: headline(6, false),
        run_table: true,
        smd: 0.1,
        smd_reason: "0.1 items per voter: one voter in ten seeing one more false story in a campaign; exposure is concentrated in few voters (`docs/MODEL.md` §9, row 12), so smaller means hardly move anyone's belief.",
        counts: Some("items of misinformation seen"),
    },
    MetricDef {
        id: "misinformation-exposure-by-cohort",
        path: "misinformation.exposures_per_capita_by_cohort.{cohort}",
        label: "Misinformation seen by cohort",
        each: "Misinformation seen by {cohort}",
        short: "misinfo {cohort}",
        unit: "items per voter",
        kind: Kind::Count,
        range: NON_NEGATIVE,
        headline: None,
        run_table: false,
        smd: 0.1,
        smd_reason: "As for the whole electorate: the same quantity within one cohort.",
        counts: None,
    },
    MetricDef {
        id: "misinformation-believers",
        path: "misinformation.believers",
        label: "Misinformation believers",
        each: "Misinformation believers",
        short: "believers",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: true,
        smd: 1.0,
        smd_reason: "1 pp: surveys of belief in false stories have margins of 1–3 pp, so below 1 pp no study could tell the difference; remedies studied (fact-check labels, −27.6% belief, `docs/MODEL.md` §9, row 15) move it by more.",
        counts: Some("believers of false stories"),
    },
    MetricDef {
        id: "misinformation-believers-by-cohort",
        path: "misinformation.believers_by_cohort.{cohort}",
        label: "Misinformation believers by cohort",
        each: "Misinformation believers among {cohort}",
        short: "believers {cohort}",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 1.0,
        smd_reason: "As for the whole electorate: the same quantity within one cohort.",
        counts: None,
    },
    MetricDef {
        id: "misinformation-mean-belief",
        path: "misinformation.mean_belief",
        label: "Mean belief in misinformation",
        each: "Mean belief in misinformation",
        short: "belief",
        unit: "0–1",
        kind: Kind::Level,
        range: UNIT_RANGE,
        headline: headline(7, false),
        run_table: true,
        smd: 0.01,
        smd_reason: "0.01 on the 0–1 belief scale: one point of a 100-point belief rating, below what surveys of belief in false claims can tell apart; fact-check labels (−27.6% belief, `docs/MODEL.md` §9, row 15) move it by more.",
        counts: None,
    },
    MetricDef {
        id: "misinformation-mean-belief-by-cohort",
        path: "misinformation.mean_belief_by_cohort.{cohort}",
        label: "Mean belief in misinformation by cohort",
        each: "Mean belief in misinformation among {cohort}",
        short: "belief {cohort}",
        unit: "0–1",
        kind: Kind::Level,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 0.01,
        smd_reason: "As for the whole electorate: the same quantity within one cohort.",
        counts: None,
    },
    MetricDef {
        id: "misinformation-belief-above-10",
        path: "misinformation.belief_above_10",
        label: "Share with belief above 0.1",
        each: "Share with belief above 0.1",
        short: "belief > 0.1",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 1.0,
        smd_reason: "1 pp, as for believers: the shares above the other thresholds are read the same way.",
        counts: Some("voters with belief above 0.1"),
    },
    MetricDef {
        id: "misinformation-belief-above-25",
        path: "misinformation.belief_above_25",
        label: "Share with belief above 0.25",
        each: "Share with belief above 0.25",
        short: "belief > 0.25",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 1.0,
        smd_reason: "1 pp, as for believers: the shares above the other thresholds are read the same way.",
        counts: Some("voters with belief above 0.25"),
    },
    MetricDef {
        id: "misinformation-belief-above-75",
        path: "misinformation.belief_above_75",
        label: "Share with belief above 0.75",
        each: "Share with belief above 0.75",
        short: "belief > 0.75",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 1.0,
        smd_reason: "1 pp, as for believers: the shares above the other thresholds are read the same way.",
        counts: Some("voters with belief above 0.75"),
    },
    belief_bin!("misinformation-belief-0-10", "misinformation.belief_distribution.0_10", "Belief 0–10%", "belief 0–10"),
    belief_bin!(
        "misinformation-belief-10-20",
        "misinformation.belief_distribution.10_20",
        "Belief 10–20%",
        "belief 10–20"
    ),
    belief_bin!(
        "misinformation-belief-20-30",
        "misinformation.belief_distribution.20_30",
        "Belief 20–30%",
        "belief 20–30"
    ),
    belief_bin!(
        "misinformation-belief-30-40",
        "misinformation.belief_distribution.30_40",
        "Belief 30–40%",
        "belief 30–40"
    ),
    belief_bin!(
        "misinformation-belief-40-50",
        "misinformation.belief_distribution.40_50",
        "Belief 40–50%",
        "belief 40–50"
    ),
    belief_bin!(
        "misinformation-belief-50-60",
        "misinformation.belief_distribution.50_60",
        "Belief 50–60%",
        "belief 50–60"
    ),
    belief_bin!(
        "misinformation-belief-60-70",
        "misinformation.belief_distribution.60_70",
        "Belief 60–70%",
        "belief 60–70"
    ),
    belief_bin!(
        "misinformation-belief-70-80",
        "misinformation.belief_distribution.70_80",
        "Belief 70–80%",
        "belief 70–80"
    ),
    belief_bin!(
        "misinformation-belief-80-90",
        "misinformation.belief_distribution.80_90",
        "Belief 80–90%",
        "belief 80–90"
    ),
    belief_bin!(
        "misinformation-belief-90-100",
        "misinformation.belief_distribution.90_100",
        "Belief 90–100%",
        "belief 90–100"
    ),
    MetricDef {
        id: "misinformation-sharing",
        path: "misinformation.sharing",
        label: "Share of political posts passing misinformation on",
        each: "Share of political posts passing misinformation on",
        short: "sharing",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 0.1,
        smd_reason: "0.1 pp of posts: one post in a thousand passing misinformation on; sharing of false news is rare (Guess, Nagler & Tucker 2019: 8.5% of users shared any in a campaign), so smaller differences are invisible in sharing data.",
        counts: None,
    },
    MetricDef {
        id: "misinformation-sharing-by-cohort",
        path: "misinformation.sharing_by_cohort.{cohort}",
        label: "Share of political posts passing misinformation on, by cohort",
        each: "Share of {cohort}'s political posts passing misinformation on",
        short: "sharing {cohort}",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 0.1,
        smd_reason: "As for the whole electorate: the same quantity within one cohort.",
        counts: None,
    },
    MetricDef {
        id: "misinformation-exposure-top1",
        path: "misinformation.exposure_top1_share",
        label: "Share of misinformation exposures received by the top 1% of voters",
        each: "Share of misinformation exposures received by the top 1% of voters",
        short: "top 1% exposure",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: true,
        smd: 5.0,
        smd_reason: "5 pp: Grinberg et al. 2019 report the concentration to the nearest ten points (1% of users, ≈ 80% of exposures); smaller changes are within the uncertainty of such panel estimates.",
        counts: None,
    },
    MetricDef {
        id: "misinformation-exposure-top10",
        path: "misinformation.exposure_top10_share",
        label: "Share of misinformation exposures received by the top 10% of voters",
        each: "Share of misinformation exposures received by the top 10% of voters",
        short: "top 10% exposure",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 5.0,
        smd_reason: "5 pp: Grinberg et al. 2019 report the concentration to the nearest ten points (1% of users, ≈ 80% of exposures); smaller changes are within the uncertainty of such panel estimates.",
        counts: None,
    },
    MetricDef {
        id: "ad-impressions",
        path: "ads.impressions_per_capita",
        label: "Ad impressions",
        each: "Ad impressions",
        short: "ads seen",
        unit: "impressions per voter",
        kind: Kind::Count,
        range: NON_NEGATIVE,
        headline: headline(8, false),
        run_table: true,
        smd: 1.0,
        smd_reason: "1 impression per voter per campaign: a single ad's effect is not distinguishable from zero (`docs/MODEL.md` §9, row 1) and repetition saturates after about five (row 3), so fewer than one more per voter is negligible.",
        counts: Some("ad impressions"),
    },
    MetricDef {
        id: "ad-impressions-by-cohort",
        path: "ads.impressions_per_capita_by_cohort.{cohort}",
        label: "Ad impressions by cohort",
        each: "Ad impressions of {cohort}",
        short: "ads {cohort}",
        unit: "impressions per voter",
        kind: Kind::Count,
        range: NON_NEGATIVE,
        headline: None,
        run_table: false,
        smd: 1.0,
        smd_reason: "As for the whole electorate: the same quantity within one cohort.",
        counts: None,
    },
    MetricDef {
        id: "ad-reach",
        path: "ads.reach",
        label: "Reach of ads",
        each: "Reach of ads",
        short: "reach",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: true,
        smd: 1.0,
        smd_reason: "1 pp of the electorate: media plans are set and reported in whole points of reach.",
        counts: None,
    },
    MetricDef {
        id: "ad-reach-by-cohort",
        path: "ads.reach_by_cohort.{cohort}",
        label: "Reach of ads by cohort",
        each: "Reach of ads among {cohort}",
        short: "reach {cohort}",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 1.0,
        smd_reason: "As for the whole electorate: the same quantity within one cohort.",
        counts: None,
    },
    MetricDef {
        id: "ad-frequency",
        path: "ads.frequency",
        label: "Frequency of ads",
        each: "Frequency of ads",
        short: "frequency",
        unit: "impressions per reached voter",
        kind: Kind::Count,
        range: NON_NEGATIVE,
        headline: None,
        run_table: true,
        smd: 1.0,
        smd_reason: "1 impression per reached voter, as for impressions per voter.",
        counts: None,
    },
    MetricDef {
        id: "ad-wasted-share",
        path: "ads.wasted_share",
        label: "Ads shown past saturation",
        each: "Ads shown past saturation",
        short: "wasted",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: true,
        smd: 5.0,
        smd_reason: "5 pp: media planners judge wasted frequency in coarse bands; a few points of a budget change no plan.",
        counts: None,
    },
    MetricDef {
        id: "targeted-share",
        path: "ads.targeted_share",
        label: "Micro-targeted share of ads",
        each: "Micro-targeted share of ads",
        short: "targeted",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: headline(9, false),
        run_table: true,
        smd: 1.0,
        smd_reason: "1 pp: the levers move this share by tens of points (a ban takes it to zero); a point is the least a regulator would notice in ad libraries.",
        counts: None,
    },
    MetricDef {
        id: "ad-spend",
        path: "ads.spend.{party}",
        label: "Ad spending by party",
        each: "Ad spending of {party}",
        short: "spend {party}",
        unit: "currency units",
        kind: Kind::Money,
        range: NON_NEGATIVE,
        headline: None,
        run_table: false,
        smd: 100_000.0,
        smd_reason: "100,000 currency units: about 0.5% of a party's baseline budget (20 million); smaller shifts are within the rounding of reported campaign spending. Absolute, so to be reviewed for scenarios with other budgets.",
        counts: None,
    },
    MetricDef {
        id: "like-minded-share",
        path: "feed.like_minded_share",
        label: "Like-minded share of neighbours' items",
        each: "Like-minded share of neighbours' items",
        short: "like-minded",
        unit: "%",
        kind: Kind::Share,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 1.0,
        smd_reason: "1 pp: the one field test of cutting like-minded exposure cut it by a third and found affective polarisation unmoved (`docs/MODEL.md` §9, row 16); 1 pp is far below that and below what feed audits resolve.",
        counts: None,
    },
    MetricDef {
        id: "bot-items",
        path: "feed.bot_items_per_capita",
        label: "Bot items seen",
        each: "Bot items seen",
        short: "bot items",
        unit: "items per voter",
        kind: Kind::Count,
        range: NON_NEGATIVE,
        headline: None,
        run_table: false,
        smd: 0.1,
        smd_reason: "0.1 items per voter, as for misinformation seen.",
        counts: None,
    },
    MetricDef {
        id: "broker-revenue",
        path: "brokers.revenue",
        label: "Data-broker revenue",
        each: "Data-broker revenue",
        short: "broker revenue",
        unit: "currency units",
        kind: Kind::Money,
        range: NON_NEGATIVE,
        headline: None,
        run_table: false,
        smd: 10_000.0,
        smd_reason: "10,000 currency units: about 0.5% of the brokers' baseline revenue (about 2 million). Absolute, so to be reviewed for other markets.",
        counts: None,
    },
    MetricDef {
        id: "profile-accuracy",
        path: "brokers.profile_accuracy",
        label: "Broker profile accuracy",
        each: "Broker profile accuracy",
        short: "profile accuracy",
        unit: "mean accuracy, 0–1",
        kind: Kind::Level,
        range: UNIT_RANGE,
        headline: None,
        run_table: false,
        smd: 0.02,
        smd_reason: "0.02 on the 0–1 scale: accuracies of commercial voter files differ by several points between vendors; 2 points is the least that changes who gets targeted.",
        counts: None,
    },
    MetricDef {
        id: "grassroots-funds",
        path: "grassroots.funds_raised",
        label: "Grassroots funds raised",
        each: "Grassroots funds raised",
        short: "funds raised",
        unit: "currency units",
        kind: Kind::Money,
        range: NON_NEGATIVE,
        headline: None,
        run_table: false,
        smd: 10_000.0,
        smd_reason: "10,000 currency units, as for broker revenue. Absolute, to be reviewed.",
        counts: None,
    },
    MetricDef {
        id: "grassroots-costs",
        path: "grassroots.event_costs",
        label: "Cost of grassroots events",
        each: "Cost of grassroots events",
        short: "event costs",
        unit: "currency units",
        kind: Kind::Money,
        range: NON_NEGATIVE,
        headline: None,
        run_table: false,
        smd: 10_000.0,
        smd_reason: "10,000 currency units, as for funds raised. Absolute, to be reviewed.",
        counts: None,
    },
    MetricDef {
        id: "grassroots-attendees",
        path: "grassroots.attendees",
        label: "Grassroots event attendees",
        each: "Grassroots event attendees",
        short: "attendees",
        unit: "attendees",
        kind: Kind::Count,
        range: NON_NEGATIVE,
        headline: None,
        run_table: false,
        smd: 10.0,
        smd_reason: "10 attendees: absolute, so it scales with the simulated population; a rate per voter would travel better. To be reviewed.",
        counts: None,
    },
];

/// The mark of a judged difference in tables: `*` detectable and meaningful, `~` detectable but
/// negligible (smaller than the smallest meaningful difference), a space otherwise.
pub fn symbol(detectable: bool, meaningful: bool) -> &'static str {
    match (detectable, meaningful) {
        (true, true) => "*",
        (true, false) => "~",
        _ => " ",
    }
}

/// A count rounded to two significant digits with thousands separators (`480,000`, `1,200,000`,
/// `37`).
pub fn rounded_count(n: f64) -> String {
    let n = n.abs();
    let rounded = if n < 100.0 {
        n.round()
    } else {
        let scale = 10f64.powi(n.log10().floor() as i32 - 1);
        (n / scale).round() * scale
    };
    thousands(&format!("{rounded:.0}"))
}

/// Digits with a comma between each group of three (`1234567` → `1,234,567`).
pub fn thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One concrete metric: a catalogue entry with its placeholder filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Expanded {
    /// The catalogue entry.
    pub def: &'static MetricDef,
    /// The cohort or party name, for a per-cohort or per-party metric.
    pub key: Option<String>,
    /// Path in `summary.json`, one segment per level.
    pub path: Vec<String>,
}

impl Expanded {
    /// The path as borrowed segments (what `Record::get` and the summaries take).
    pub fn segments(&self) -> Vec<&str> {
        self.path.iter().map(String::as_str).collect()
    }

    /// Its label, the placeholder filled in.
    pub fn label(&self) -> String {
        self.def.label_for(self.key.as_deref())
    }
}

/// The entry with this id.
pub fn by_id(id: &str) -> Option<&'static MetricDef> {
    CATALOGUE.iter().find(|m| m.id == id)
}

/// The entry whose path matches a concrete path (e.g. `["turnout_by_cohort", "Gen Z"]`), with
/// the name standing for its placeholder.
pub fn by_path<S: AsRef<str>>(path: &[S]) -> Option<(&'static MetricDef, Option<String>)> {
    CATALOGUE.iter().find_map(|m| m.matches(path).map(|key| (m, key)))
}

/// The headline metrics, in their order.
pub fn headlines() -> Vec<&'static MetricDef> {
    let mut h: Vec<&'static MetricDef> = CATALOGUE.iter().filter(|m| m.headline.is_some()).collect();
    h.sort_by_key(|m| m.headline.map(|h| h.order));
    h
}

/// Every concrete metric of a scenario with these cohorts and parties, in catalogue order.
pub fn expand_all(cohorts: &[String], parties: &[String]) -> Vec<Expanded> {
    CATALOGUE.iter().flat_map(|m| m.expand(cohorts, parties)).collect()
}

impl MetricDef {
    /// Path segments, placeholders as written.
    pub fn segments(&self) -> impl Iterator<Item = &'static str> {
        self.path.split('.')
    }

    /// The placeholder in its path, if any.
    pub fn placeholder(&self) -> Option<Placeholder> {
        [Placeholder::Cohort, Placeholder::Party].into_iter().find(|p| self.path.contains(p.token()))
    }

    /// The concrete metrics of this entry for a scenario with these cohorts and parties.
    pub fn expand(&'static self, cohorts: &[String], parties: &[String]) -> Vec<Expanded> {
        let keys: Vec<Option<&str>> = match self.placeholder() {
            None => vec![None],
            Some(Placeholder::Cohort) => cohorts.iter().map(|c| Some(c.as_str())).collect(),
            Some(Placeholder::Party) => parties.iter().map(|p| Some(p.as_str())).collect(),
        };
        keys.into_iter()
            .map(|key| Expanded { def: self, key: key.map(str::to_string), path: self.path_for(key) })
            .collect()
    }

    /// The concrete path for a cohort or party name (ignored without a placeholder).
    pub fn path_for(&self, key: Option<&str>) -> Vec<String> {
        self.segments()
            .map(|s| match (s.starts_with('{'), key) {
                (true, Some(k)) => k.to_string(),
                _ => s.to_string(),
            })
            .collect()
    }

    /// Whether a concrete path is this metric: `Some(name)` for the name in the placeholder's
    /// place, `Some(None)` for a metric without placeholder.
    pub fn matches<S: AsRef<str>>(&self, path: &[S]) -> Option<Option<String>> {
        let pattern: Vec<&str> = self.segments().collect();
        if pattern.len() != path.len() {
            return None;
        }
        let mut key = None;
        for (p, s) in pattern.iter().zip(path) {
            if p.starts_with('{') {
                key = Some(s.as_ref().to_string());
            } else if *p != s.as_ref() {
                return None;
            }
        }
        Some(key)
    }

    /// The label of one member (`each` with the name filled in), or `label` without a name.
    pub fn label_for(&self, key: Option<&str>) -> String {
        match (key, self.placeholder()) {
            (Some(k), Some(p)) => self.each.replace(p.token(), k),
            _ => self.label.to_string(),
        }
    }

    /// The short column heading, the name filled in.
    pub fn short_for(&self, key: Option<&str>) -> String {
        match (key, self.placeholder()) {
            (Some(k), Some(p)) => self.short.replace(p.token(), k),
            _ => self.short.to_string(),
        }
    }

    /// Whether a stored value lies in the metric's range.
    pub fn in_range(&self, value: f64) -> bool {
        value >= self.range.0 && value <= self.range.1
    }

    /// The range in display units (e.g. 0–100 for shares).
    pub fn display_range(&self) -> (f64, f64) {
        let k = self.kind.scale();
        (k * self.range.0, k * self.range.1)
    }

    /// A stored value in display units.
    pub fn display(&self, value: f64) -> f64 {
        self.kind.scale() * value
    }

    /// A stored interval `[lo, hi]` in display units.
    pub fn display_pair(&self, pair: [f64; 2]) -> [f64; 2] {
        [self.display(pair[0]), self.display(pair[1])]
    }

    /// Unit of a difference: "percentage points" for shares, the metric's unit otherwise.
    pub fn difference_unit(&self) -> &'static str {
        match self.kind {
            Kind::Share => "percentage points",
            _ => self.unit,
        }
    }

    /// Short unit of a difference: "pp" for shares, the metric's unit otherwise.
    pub fn difference_unit_short(&self) -> &'static str {
        match self.kind {
            Kind::Share => "pp",
            _ => self.unit,
        }
    }

    /// How a paired difference (display units: its mean, 95% interval and replicates) compares
    /// with this metric's smallest meaningful difference: `(detectable, meaningful, mark)`.
    /// *Detectable*: the interval excludes 0, with at least two replicates; *meaningful*:
    /// detectable and at least the smallest meaningful difference in size; the mark is
    /// `"meaningful"`, `"negligible"` (a mean smaller than that) or `"uncertain"` (large but not
    /// detectable).
    pub fn judge(&self, mean: f64, ci95: [f64; 2], replicates: u64) -> (bool, bool, &'static str) {
        let detectable = replicates >= 2 && (ci95[0] > 0.0 || ci95[1] < 0.0);
        let meaningful = detectable && mean.abs() >= self.smd;
        let mark = if meaningful {
            "meaningful"
        } else if mean.abs() < self.smd {
            "negligible"
        } else {
            "uncertain"
        };
        (detectable, meaningful, mark)
    }

    /// Decimals that show a difference (display units) with at least one significant digit: the
    /// kind's decimals, more for a small non-zero difference (at most ten more), so that a
    /// detectable difference is never printed as `0.0` or `-0.0`.
    pub fn difference_decimals(&self, difference: f64) -> usize {
        let base = self.kind.decimals();
        let d = difference.abs();
        if d == 0.0 || !d.is_finite() {
            return base;
        }
        // Rounded to `n` decimals, d stays non-zero when d ≥ ½·10⁻ⁿ.
        let needed = (-(2.0 * d).log10()).ceil().max(0.0) as usize;
        needed.clamp(base, base + 10)
    }

    /// A stored difference as shown, signed, number only; a `detectable` one with as many
    /// decimals as it takes not to read as zero ([`MetricDef::difference_decimals`]), others with
    /// the kind's decimals.
    pub fn signed_difference(&self, difference: f64, detectable: bool) -> String {
        let shown = self.display(difference);
        let decimals = if detectable { self.difference_decimals(shown) } else { self.kind.decimals() };
        format!("{shown:+.decimals$}")
    }

    /// What a difference amounts to in the real electorate: the difference times the voters the
    /// simulation represents, with the noun of [`MetricDef::counts`] (e.g. `about 480,000 more
    /// voters`). `None` for metrics that count nothing in the whole electorate.
    pub fn real_world(&self, difference: f64, represents: u64) -> Option<String> {
        let noun = self.counts?;
        let n = (difference.abs() * represents as f64).round();
        if !n.is_finite() {
            return None;
        }
        let more = if difference < 0.0 { "fewer" } else { "more" };
        Some(format!("about {} {more} {noun}", rounded_count(n)))
    }

    /// The smallest meaningful difference in the units of `summary.json` (a fraction for shares).
    pub fn smd_stored(&self) -> f64 {
        self.smd / self.kind.scale()
    }

    /// A stored value as shown, number only (e.g. `62.7` for a turnout of 0.627).
    pub fn number(&self, value: f64) -> String {
        format!("{:.*}", self.kind.decimals(), self.display(value))
    }

    /// A stored difference as shown, signed, number only (e.g. `+0.8`).
    pub fn signed_number(&self, difference: f64) -> String {
        format!("{:+.*}", self.kind.decimals(), self.display(difference))
    }

    /// A stored value in display units with its unit (e.g. `62.7 %`, `0.470 correlation`).
    pub fn format_value(&self, value: f64) -> String {
        format!("{} {}", self.number(value), self.unit)
    }

    /// A stored difference in display units, signed, with its unit (e.g. `+0.8 pp`).
    pub fn format_difference(&self, difference: f64) -> String {
        format!("{} {}", self.signed_number(difference), self.difference_unit_short())
    }

    /// A column heading: label and unit (e.g. `Turnout (%)`), the name filled in.
    pub fn heading(&self, key: Option<&str>) -> String {
        format!("{} ({})", self.label_for(key), self.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn differences_are_judged_against_the_smallest_meaningful_difference() {
        let turnout = by_id("turnout").expect("turnout is in the catalogue");
        let smd = turnout.smd;
        assert_eq!(turnout.judge(4.0 * smd, [2.0 * smd, 6.0 * smd], 4), (true, true, "meaningful"));
        assert_eq!(turnout.judge(0.4 * smd, [0.2 * smd, 0.6 * smd], 4), (true, false, "negligible"));
        assert_eq!(turnout.judge(4.0 * smd, [-2.0 * smd, 10.0 * smd], 4), (false, false, "uncertain"));
        assert_eq!(turnout.judge(4.0 * smd, [2.0 * smd, 6.0 * smd], 1), (false, false, "uncertain"), "one replicate");
    }

    #[test]
    fn a_detectable_difference_never_reads_as_zero() {
        let turnout = by_id("turnout").unwrap();
        assert_eq!(turnout.signed_difference(-0.0003, true), "-0.03");
        assert_eq!(turnout.signed_difference(-0.0003, false), "-0.0");
        assert_eq!(turnout.signed_difference(0.008, true), "+0.8");
        let echo = by_id("echo-chamber").unwrap();
        assert_eq!(echo.signed_difference(-0.00011, true), "-0.0001");
        assert_eq!(echo.signed_difference(0.004, true), "+0.004");
        for x in [1e-9, -3e-7, 0.00049, -0.04] {
            for m in CATALOGUE {
                let s = m.signed_difference(x / m.kind.scale(), true);
                assert!(
                    s.trim_start_matches(['+', '-']).chars().any(|c| ('1'..='9').contains(&c)),
                    "{}: {x} -> {s}",
                    m.id
                );
            }
        }
        assert_eq!((symbol(true, true), symbol(true, false), symbol(false, false)), ("*", "~", " "));
    }

    #[test]
    fn real_world_sizes_use_the_represented_electorate() {
        let turnout = by_id("turnout").unwrap();
        assert_eq!(turnout.real_world(0.008, 60_000_000).as_deref(), Some("about 480,000 more voters"));
        assert_eq!(turnout.real_world(-0.0123, 60_000_000).as_deref(), Some("about 740,000 fewer voters"));
        assert_eq!(by_id("echo-chamber").unwrap().real_world(0.1, 1000), None);
        assert_eq!(rounded_count(37.4), "37");
        assert_eq!(rounded_count(1_234_567.0), "1,200,000");
        for m in CATALOGUE {
            assert!(!m.smd_reason.trim().is_empty(), "{} has no reason for its smallest meaningful difference", m.id);
            if m.counts.is_some() {
                assert!(m.placeholder().is_none() && m.kind != Kind::Money, "{}", m.id);
            }
        }
    }

    #[test]
    fn ids_and_paths_are_unique_and_well_formed() {
        let ids: BTreeSet<&str> = CATALOGUE.iter().map(|m| m.id).collect();
        let paths: BTreeSet<&str> = CATALOGUE.iter().map(|m| m.path).collect();
        assert_eq!(ids.len(), CATALOGUE.len());
        assert_eq!(paths.len(), CATALOGUE.len());
        for m in CATALOGUE {
            assert!(m.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", m.id);
            assert!(m.range.0 < m.range.1, "{}", m.id);
            assert!(m.smd > 0.0 && m.smd.is_finite(), "{}", m.id);
            assert!(!m.label.is_empty() && !m.unit.is_empty() && !m.short.is_empty(), "{}", m.id);
            if let Some(p) = m.placeholder() {
                assert!(m.each.contains(p.token()) && m.short.contains(p.token()), "{}", m.id);
                assert_eq!(m.path.matches('{').count(), 1, "{}", m.id);
            } else {
                assert_eq!(m.each, m.label, "{}", m.id);
            }
            if m.kind == Kind::Share {
                assert_eq!((m.range, m.unit), (UNIT_RANGE, "%"), "{}", m.id);
            }
        }
    }

    #[test]
    fn headlines_are_numbered_one_to_n() {
        let orders: Vec<u8> = headlines().iter().map(|m| m.headline.unwrap().order).collect();
        assert_eq!(orders, (1..=orders.len() as u8).collect::<Vec<_>>());
        assert_eq!(headlines()[0].id, "turnout");
    }

    #[test]
    fn lookups_find_entries_by_id_and_by_concrete_path() {
        assert_eq!(by_id("echo-chamber").unwrap().path, "polarisation.echo_chamber");
        assert!(by_id("nothing").is_none());
        let (m, key) = by_path(&["turnout_by_cohort", "Gen Z"]).unwrap();
        assert_eq!((m.id, key.as_deref()), ("turnout-by-cohort", Some("Gen Z")));
        let (m, key) = by_path(&names(&["polarisation", "affective"])).unwrap();
        assert_eq!((m.id, key), ("affective-polarisation", None));
        assert!(by_path(&["turnout", "extra"]).is_none());
        assert!(by_path(&["ads", "spend"]).is_none());
        assert_eq!(by_path(&["ads", "spend", "Left"]).unwrap().0.id, "ad-spend");
    }

    #[test]
    fn placeholders_expand_for_a_scenario() {
        let all = expand_all(&names(&["Gen Z", "Boomers+"]), &names(&["Left", "Right"]));
        let turnout: Vec<_> = all.iter().filter(|e| e.def.id == "turnout-by-cohort").collect();
        assert_eq!(turnout.len(), 2);
        assert_eq!(turnout[0].segments(), ["turnout_by_cohort", "Gen Z"]);
        assert_eq!(turnout[1].label(), "Turnout of Boomers+");
        let spend: Vec<_> = all.iter().filter(|e| e.def.id == "ad-spend").map(|e| e.path.clone()).collect();
        assert_eq!(spend, [names(&["ads", "spend", "Left"]), names(&["ads", "spend", "Right"])]);
        let plain = by_id("trust").unwrap().expand(&[], &[]);
        assert_eq!((plain.len(), plain[0].key.clone(), plain[0].label()), (1, None, "Trust".to_string()));
        assert!(by_id("vote-share").unwrap().expand(&names(&["Gen Z"]), &[]).is_empty());
    }

    #[test]
    fn values_and_differences_are_shown_in_display_units() {
        let turnout = by_id("turnout").unwrap();
        assert_eq!(turnout.format_value(0.627), "62.7 %");
        assert_eq!(turnout.format_difference(0.008), "+0.8 pp");
        assert_eq!(turnout.difference_unit(), "percentage points");
        assert_eq!(turnout.display_range(), (0.0, 100.0));
        assert!((turnout.smd_stored() - 0.005).abs() < 1e-12);
        let echo = by_id("echo-chamber").unwrap();
        assert_eq!(echo.format_value(0.8954), "0.895 correlation");
        assert_eq!(echo.format_difference(-0.0123), "-0.012 correlation");
        assert_eq!(echo.heading(None), "Echo-chamber index (correlation)");
        assert!(echo.in_range(-1.0) && !echo.in_range(1.01));
        let spend = by_id("ad-spend").unwrap();
        assert_eq!(spend.number(19_999_560.4), "19999560");
        assert_eq!(spend.short_for(Some("Left")), "spend Left");
        assert!(spend.in_range(f64::MAX) && !spend.in_range(-0.5));
    }

    #[test]
    fn every_metric_a_run_records_is_catalogued_and_in_range() {
        let log = crate::sim::testing::tiny_world("").run_to_end();
        let record = &log.elections[0];
        for (path, value) in &record.0 {
            let (m, _) = by_path(path).unwrap_or_else(|| panic!("{path:?} is not in the catalogue"));
            assert!(m.in_range(*value), "{path:?} = {value}");
        }
        let found: BTreeSet<&str> = record.0.keys().filter_map(|p| by_path(p)).map(|(m, _)| m.id).collect();
        let missing: Vec<&str> = CATALOGUE.iter().map(|m| m.id).filter(|id| !found.contains(id)).collect();
        assert!(missing.is_empty(), "catalogued but not recorded: {missing:?}");
    }
}
