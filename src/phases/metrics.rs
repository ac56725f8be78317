//! Phase 7, metrics (`docs/MODEL.md` §7.10, §10): read-only systems that append a `timeseries.csv` row every
//! step and, on election day, the election record and its per-cohort rows.
//! Reads voter state, `Graph`, `Clock`, `RunParams`, `CampaignLedger`; writes `MetricsLog`.

use super::data_collection::BrokerMarket;
use super::targeting::CampaignLedger;
use super::turnout::eligible;
use super::{Phase, TableRows};
use crate::agents::*;
use crate::metrics::{BELIEF_BIN_NAMES, CohortRow, HISTOGRAM_BINS, MetricsLog, Record, StepRow, polarisation};
use crate::sim::resources::{Clock, Graph, RunParams, Timetable};
use crate::sim::timeline;
use bevy_ecs::prelude::*;

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    schedule.add_systems(record.in_set(Phase::Metrics));
}

/// Belief above which a voter counts as a believer (`docs/MODEL.md` §7.10).
pub const BELIEVER_THRESHOLD: f32 = 0.5;

/// Belief thresholds of the `misinformation.belief_above_*` shares, with their path names.
pub const BELIEF_THRESHOLDS: [(f32, &str); 3] =
    [(0.1, "belief_above_10"), (0.25, "belief_above_25"), (0.75, "belief_above_75")];

/// Bins of the belief histogram (`misinformation.belief_distribution`), equal on [0, 1].
pub const BELIEF_BINS: usize = BELIEF_BIN_NAMES.len();

/// Shares of voters whose misinformation exposures are summed for the concentration metrics,
/// with their path names.
pub const TOP_SHARES: [(f64, &str); 2] = [(0.01, "exposure_top1_share"), (0.1, "exposure_top10_share")];

/// Per-cohort sums over one pass.
#[derive(Clone, Default)]
struct CohortSums {
    eligible: u64,
    voters: u64,
    first_eligible: u64,
    first_voters: u64,
    ideology: f64,
    hostility: f64,
    trust: f64,
    believers: u64,
    belief: f64,
    sharing: f64,
    misinformation: f64,
    ads: f64,
    targeted: f64,
    reached: u64,
    wasted: f64,
    like_minded: f64,
    cross_cutting: f64,
    bots: f64,
}

impl CohortSums {
    fn add(&mut self, o: &CohortSums) {
        self.eligible += o.eligible;
        self.voters += o.voters;
        self.first_eligible += o.first_eligible;
        self.first_voters += o.first_voters;
        self.ideology += o.ideology;
        self.hostility += o.hostility;
        self.trust += o.trust;
        self.believers += o.believers;
        self.belief += o.belief;
        self.sharing += o.sharing;
        self.misinformation += o.misinformation;
        self.ads += o.ads;
        self.targeted += o.targeted;
        self.reached += o.reached;
        self.wasted += o.wasted;
        self.like_minded += o.like_minded;
        self.cross_cutting += o.cross_cutting;
        self.bots += o.bots;
    }
}

/// Sums over a run of voters: per cohort, and over every eligible voter.
#[derive(Clone)]
struct StepSums {
    cohorts: Vec<CohortSums>,
    histogram: [f64; HISTOGRAM_BINS],
    belief_bins: [u64; BELIEF_BINS],
    above: [u64; BELIEF_THRESHOLDS.len()],
    arousal: f64,
    votes: Vec<u64>,
    accuracy: f64,
}

impl StepSums {
    fn new(cohorts: usize, parties: usize) -> StepSums {
        StepSums {
            cohorts: vec![CohortSums::default(); cohorts],
            histogram: [0.0; HISTOGRAM_BINS],
            belief_bins: [0; BELIEF_BINS],
            above: [0; BELIEF_THRESHOLDS.len()],
            arousal: 0.0,
            votes: vec![0; parties],
            accuracy: 0.0,
        }
    }

    fn add(&mut self, o: &StepSums) {
        for (c, oc) in self.cohorts.iter_mut().zip(&o.cohorts) {
            c.add(oc);
        }
        for (h, oh) in self.histogram.iter_mut().zip(&o.histogram) {
            *h += oh;
        }
        for (b, ob) in self.belief_bins.iter_mut().zip(&o.belief_bins) {
            *b += ob;
        }
        for (a, oa) in self.above.iter_mut().zip(&o.above) {
            *a += oa;
        }
        self.arousal += o.arousal;
        for (v, ov) in self.votes.iter_mut().zip(&o.votes) {
            *v += ov;
        }
        self.accuracy += o.accuracy;
    }
}

type VoterView<'a> = (
    &'a VoterId,
    &'a Demography,
    &'a Ideology,
    &'a Affect,
    &'a Trust,
    &'a Belief,
    &'a VotingRecord,
    &'a Exposure,
    &'a DataFootprint,
    &'a Traits,
);

/// Append this step's row, and the election record on election day.
#[allow(clippy::too_many_arguments)]
pub fn record(
    params: Res<RunParams>,
    ledger: Res<CampaignLedger>,
    market: Res<BrokerMarket>,
    clock: Res<Clock>,
    timetable: Res<Timetable>,
    graph: Res<Graph>,
    mut log: ResMut<MetricsLog>,
    voters: Query<VoterView>,
    mut electorate_x: Local<Vec<f32>>,
) {
    let s = &*params.scenario;
    let Some(plan) = clock.plan else { return };
    let election = clock.election();
    let year = match election {
        Some(k) => timeline::election_year(&s.timeline, k),
        None => clock.year,
    };
    let n = s.population.size as usize;
    // Every voter's position, for the echo-chamber index: only on election day.
    let mut all_x = if election.is_some() { vec![0.0f32; n] } else { Vec::new() };
    // Eligible voters' positions by VoterId, NaN for the others (which the polarisation
    // measures skip); the buffer is kept from step to step.
    electorate_x.resize(n, f32::NAN);
    let mut sums = StepSums::new(s.population.cohorts.len(), s.parties.len());
    let tables = voters.contiguous_iter().expect("voter components are stored in tables");
    let sharing = s.misinformation.sharing;
    for (ids, demo, ideology, affect, trust, belief, rec, exposure, footprint, traits) in tables {
        let (rows, len) = (TableRows::of(ids), ids.len());
        let eligible = |k: usize| eligible(s, demo[k].born, demo[k].dies, year);
        if election.is_some() {
            rows.fill(&mut all_x, params.parallel, |k| ideology[k].x);
        }
        rows.fill(&mut electorate_x, params.parallel, |k| if eligible(k) { ideology[k].x } else { f32::NAN });
        // Sums in f64 of f32 values over fixed chunks of rows, combined in chunk order: the same
        // bits for any thread count.
        let partials = super::reduce_rows(len, params.parallel, |range| {
            let mut p = StepSums::new(sums.cohorts.len(), sums.votes.len());
            for k in range.filter(|&k| eligible(k)) {
                let x = ideology[k].x;
                let c = &mut p.cohorts[demo[k].cohort as usize];
                c.eligible += 1;
                c.ideology += f64::from(x);
                c.hostility += f64::from(affect[k].hostility);
                c.trust += f64::from(trust[k].value);
                let b = belief[k].0;
                c.believers += u64::from(b > BELIEVER_THRESHOLD);
                c.belief += f64::from(b);
                c.sharing += (sharing * f64::from(b) * f64::from(traits[k].affinity())).min(1.0);
                p.belief_bins[((b * BELIEF_BINS as f32) as usize).min(BELIEF_BINS - 1)] += 1;
                for (a, &(threshold, _)) in p.above.iter_mut().zip(&BELIEF_THRESHOLDS) {
                    *a += u64::from(b > threshold);
                }
                let e = &exposure[k];
                c.misinformation += f64::from(e.misinformation);
                c.ads += f64::from(e.ads);
                c.targeted += f64::from(e.targeted);
                c.reached += u64::from(e.ads > 0.0);
                c.wasted += f64::from(e.wasted);
                c.like_minded += f64::from(e.like_minded);
                c.cross_cutting += f64::from(e.cross_cutting);
                c.bots += f64::from(e.bot);
                p.arousal += f64::from(affect[k].arousal);
                let bin = (((x + 1.0) * 0.5 * HISTOGRAM_BINS as f32) as usize).min(HISTOGRAM_BINS - 1);
                p.histogram[bin] += 1.0;
                let r = &rec[k];
                if let Some(e) = election
                    && r.last_election == e as i8
                {
                    c.voters += u64::from(r.voted);
                    c.first_eligible += u64::from(r.first_time);
                    c.first_voters += u64::from(r.first_time && r.voted);
                    if r.voted {
                        p.votes[r.choice as usize] += 1;
                    }
                }
                if election.is_some() {
                    p.accuracy += f64::from(market.accuracy(footprint[k].0));
                }
            }
            p
        });
        for p in &partials {
            sums.add(p);
        }
    }
    let StepSums { cohorts: sums, mut histogram, belief_bins, above, arousal, votes, accuracy } = sums;
    let total = |f: fn(&CohortSums) -> f64| sums.iter().map(f).sum::<f64>();
    let eligible_total = total(|c| c.eligible as f64);
    let per = |x: f64, n: f64| if n > 0.0 { x / n } else { 0.0 };
    for h in &mut histogram {
        *h = per(*h, eligible_total);
    }
    log.timeseries.push(StepRow {
        replicate: params.replicate,
        step: clock.step,
        day: plan.start_day + plan.dt,
        year: clock.year,
        phase: if election.is_some() {
            "election"
        } else if plan.campaign.is_some() {
            "campaign"
        } else {
            "offseason"
        },
        eligible: eligible_total as u64,
        mean_ideology: per(total(|c| c.ideology), eligible_total),
        variance: polarisation::variance(&electorate_x),
        affective: per(total(|c| c.hostility), eligible_total),
        arousal: per(arousal, eligible_total),
        trust: per(total(|c| c.trust), eligible_total),
        believers: per(total(|c| c.believers as f64), eligible_total),
        misinformation_per_capita: per(total(|c| c.misinformation), eligible_total),
        ads_per_capita: per(total(|c| c.ads), eligible_total),
        histogram,
    });
    let Some(k) = election else { return };

    let mut r = Record::default();
    let voters_total = total(|c| c.voters as f64);
    r.set(&["turnout"], per(voters_total, eligible_total));
    r.set(&["first_time_turnout"], per(total(|c| c.first_voters as f64), total(|c| c.first_eligible as f64)));
    for (party, &v) in s.parties.iter().zip(&votes) {
        r.set(&["vote_share", &party.name], per(v as f64, voters_total));
    }
    r.set(&["polarisation", "variance"], polarisation::variance(&electorate_x));
    r.set(&["polarisation", "bimodality"], polarisation::bimodality(&electorate_x));
    r.set(&["polarisation", "esteban_ray"], polarisation::esteban_ray(&electorate_x));
    r.set(&["polarisation", "clusters"], polarisation::clusters(&electorate_x) as f64);
    r.set(&["polarisation", "affective"], per(total(|c| c.hostility), eligible_total));
    r.set(&["polarisation", "echo_chamber"], polarisation::echo_chamber(&all_x, &graph.0.online));
    r.set(&["trust"], per(total(|c| c.trust), eligible_total));
    r.set(&["misinformation", "exposures_per_capita"], per(total(|c| c.misinformation), eligible_total));
    r.set(&["misinformation", "believers"], per(total(|c| c.believers as f64), eligible_total));
    r.set(&["misinformation", "mean_belief"], per(total(|c| c.belief), eligible_total));
    r.set(&["misinformation", "sharing"], per(total(|c| c.sharing), eligible_total));
    for (&count, &(_, name)) in above.iter().zip(&BELIEF_THRESHOLDS) {
        r.set(&["misinformation", name], per(count as f64, eligible_total));
    }
    for (bin, &count) in belief_bins.iter().enumerate() {
        r.set(&["misinformation", "belief_distribution", BELIEF_BIN_NAMES[bin]], per(count as f64, eligible_total));
    }
    // Concentration of this campaign's misinformation exposure among eligible voters, in the
    // buffer the echo-chamber index no longer needs.
    let mut seen = all_x;
    seen.clear();
    for (_, demo, .., exposure, _, _) in voters.contiguous_iter().expect("voter components are stored in tables") {
        seen.extend(
            demo.iter().zip(exposure).filter(|(d, _)| eligible(s, d.born, d.dies, year)).map(|(_, e)| e.misinformation),
        );
    }
    for &(share, name) in &TOP_SHARES {
        r.set(&["misinformation", name], crate::metrics::top_share(&mut seen, share));
    }
    r.set(&["ads", "impressions_per_capita"], per(total(|c| c.ads), eligible_total));
    let neighbour_items = total(|c| c.like_minded) + total(|c| c.cross_cutting);
    r.set(&["feed", "like_minded_share"], per(total(|c| c.like_minded), neighbour_items));
    r.set(&["feed", "bot_items_per_capita"], per(total(|c| c.bots), eligible_total));
    r.set(&["ads", "targeted_share"], per(total(|c| c.targeted), total(|c| c.ads)));
    let reached = total(|c| c.reached as f64);
    r.set(&["ads", "reach"], per(reached, eligible_total));
    r.set(&["ads", "frequency"], per(total(|c| c.ads), reached));
    r.set(&["ads", "wasted_share"], per(total(|c| c.wasted), total(|c| c.ads)));
    let (mut funds, mut costs, mut attendees) = (0.0, 0.0, 0.0);
    for (party, l) in s.parties.iter().zip(&ledger.parties) {
        r.set(&["ads", "spend", &party.name], l.spent);
        funds += l.funds_raised;
        costs += l.event_costs;
        attendees += l.attendees;
    }
    r.set(&["brokers", "revenue"], ledger.broker_revenue);
    r.set(&["brokers", "profile_accuracy"], per(accuracy, eligible_total));
    r.set(&["grassroots", "funds_raised"], funds);
    r.set(&["grassroots", "event_costs"], costs);
    r.set(&["grassroots", "attendees"], attendees);
    for (cohort, c) in s.population.cohorts.iter().zip(&sums) {
        let name = cohort.name.as_str();
        let n = c.eligible as f64;
        // A cohort with nobody eligible yet (or any more) has no rates: its rows say so with
        // `eligible` 0, and the record leaves them out rather than print a turnout of 0%.
        if c.eligible > 0 {
            cohort_rates(&mut r, name, c);
        }
        log.cohorts.push(CohortRow {
            replicate: params.replicate,
            election: k,
            year,
            cohort: cohort.name.clone(),
            eligible: c.eligible,
            voters: c.voters,
            turnout: per(c.voters as f64, n),
            first_time_eligible: c.first_eligible,
            first_time_voters: c.first_voters,
            mean_ideology: per(c.ideology, n),
            hostility: per(c.hostility, n),
            trust: per(c.trust, n),
            believers: per(c.believers as f64, n),
            misinformation_per_capita: per(c.misinformation, n),
            ads_per_capita: per(c.ads, n),
            targeted_per_capita: per(c.targeted, n),
        });
    }
    if clock.step + 1 == timetable.0.len() {
        log.final_record = r.clone();
    }
    log.elections.push(r);
}

/// The per-cohort rates of an election record for one cohort with eligible voters.
fn cohort_rates(r: &mut Record, name: &str, c: &CohortSums) {
    let n = c.eligible as f64;
    r.set(&["turnout_by_cohort", name], c.voters as f64 / n);
    r.set(&["misinformation", "exposures_per_capita_by_cohort", name], c.misinformation / n);
    r.set(&["misinformation", "believers_by_cohort", name], c.believers as f64 / n);
    r.set(&["misinformation", "mean_belief_by_cohort", name], c.belief / n);
    r.set(&["misinformation", "sharing_by_cohort", name], c.sharing / n);
    r.set(&["ads", "impressions_per_capita_by_cohort", name], c.ads / n);
    r.set(&["ads", "reach_by_cohort", name], c.reached as f64 / n);
}

#[cfg(test)]
mod tests {
    use crate::sim::testing::tiny_world;

    #[test]
    fn a_run_logs_a_row_per_step_and_a_record_per_election() {
        let sim = tiny_world("");
        let steps = sim.steps();
        let log = sim.run_to_end();
        assert_eq!(log.timeseries.len(), steps);
        assert_eq!(log.elections.len(), 1);
        assert_eq!(log.final_record, log.elections[0]);
        let turnout = log.elections[0].get(&["turnout"]).unwrap();
        assert!((0.0..=1.0).contains(&turnout));
        assert_eq!(log.cohorts.len(), 5);
        assert!(log.timeseries.iter().all(|r| (r.histogram.iter().sum::<f64>() - 1.0).abs() < 1e-9));
    }
}
