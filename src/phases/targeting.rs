//! Phase 3, targeting and campaign delivery (`docs/MODEL.md` §7.3): each campaign spends its
//! daily budget on impressions. `Broadcast` impressions reach eligible voters at random (by cohort
//! weight under `BasicOnly`); `Micro` campaigns score every eligible voter from the broker's
//! estimated profile (true value plus noise shrinking with accuracy; psychometric and mood fields
//! only where allowed) by their goal mix and cohort focus, and buy the best-scoring voters, in
//! O(N) by selection rather than a sort (`crate::top_k`). `MinAudience(n)` replaces individual
//! scores by the mean score of segments of at least n real voters. The day's grassroots attendees
//! (`grassroots`, §7.4) are planned and paid for here too. Each voter's inbox is then filled and
//! applied at once (`contact::CampaignEffects`), off season too, when only the mobilisation
//! housemates pass on remains.
//! Reads `Snapshot`, `Graph`, `VoterTable`, `BrokerMarket`, `TurnoutModel`, `Clock`, `RunParams`;
//! writes `TargetingPlan`, `CampaignLedger` and each voter's own `Exposure`, `CampaignContact`,
//! `Affect` and `Trust`.

use super::contact::{CampaignEffects, Inbox};
use super::data_collection::BrokerMarket;
use super::feed::poisson_with;
use super::turnout::{self, TurnoutInputs};
use super::{Phase, campaign_day, grassroots, map_voters, map_voters_into};
use crate::agents::*;
use crate::scenario::{Microtargeting, Party, Scenario, Targeting};
use crate::sim::resources::{Clock, Graph, RunParams, Snapshot, TurnoutModel, VoterTable};
use crate::sim::rng::{self, tag};
use crate::top_k::select_top_into;
use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::{Distribution as _, StandardNormal};

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    schedule.add_systems(plan_targeting.in_set(Phase::Targeting).run_if(campaign_day));
    schedule.add_systems(deliver_campaigns.in_set(Phase::Targeting).after(plan_targeting));
}

/// Ideology distance over which a persuasive ad's pull reaches full strength.
const PULL_RANGE: f32 = 0.2;
/// Score margin scale for persuadable voters: voters within about this distance of switching.
const PERSUADABLE_MARGIN: f64 = 0.2;
/// Ideology bin width of `MinAudience` segments.
const SEGMENT_BIN: f32 = 0.2;

/// What a message asks of its recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// Move toward the sender.
    Persuade = 0,
    /// Turn out.
    Mobilise = 1,
    /// Stay home (aimed at opponents).
    Demobilise = 2,
}

/// One campaign's purchases for today.
#[derive(Clone, Debug, Default)]
pub struct CampaignPlan {
    /// Whether impressions are micro-targeted today.
    pub micro: bool,
    /// Micro: impressions each selected voter receives.
    pub per_voter: u32,
    /// Micro: who is selected (indexed by `VoterId`).
    pub selected: Vec<bool>,
    /// Micro: the message each selected voter gets.
    pub message: Vec<u8>,
    /// Broadcast: expected impressions per eligible voter, by cohort.
    pub rate_by_cohort: Vec<f64>,
    /// Broadcast: `exp(−rate)` by cohort, for Poisson draws without recomputing it per voter.
    pub exp_neg_rate_by_cohort: Vec<f64>,
    /// Grassroots attendees today (sorted `VoterId`s).
    pub attendees: Vec<u32>,
}

/// Every campaign's plan for today.
#[derive(Resource, Clone, Debug, Default)]
pub struct TargetingPlan {
    /// One per party, in scenario order.
    pub campaigns: Vec<CampaignPlan>,
    /// Standard-normal error of each voter's profile this campaign (indexed by `VoterId`; empty
    /// until a micro campaign needs it). Scaled by `profile_noise · (1 − accuracy)` when scored.
    pub profile_error: Vec<f32>,
    /// Per-voter working buffers, kept from day to day.
    scratch: Scratch,
}

/// Per-voter working buffers of the targeting phase (contents meaningless between days).
#[derive(Clone, Debug, Default)]
struct Scratch {
    eligible: Vec<bool>,
    scored: Vec<(f32, u8, u8)>,
    scores: Vec<f32>,
    raw: Vec<f32>,
    bins: Vec<u8>,
    candidates: Vec<u64>,
}

/// Money and reach of one party's current campaign, in real-world units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartyLedger {
    /// Money spent on ads and profiles.
    pub spent: f64,
    /// Money raised at grassroots events (added to the budget).
    pub funds_raised: f64,
    /// Grassroots attendees.
    pub attendees: f64,
    /// Profiles bought.
    pub profiles: f64,
    /// Whether the campaign could afford the broker's file this campaign (else it broadcasts).
    pub has_profiles: bool,
}

/// Campaign money for the current campaign.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct CampaignLedger {
    /// One per party.
    pub parties: Vec<PartyLedger>,
    /// Revenue of the broker from profile sales, real-world money.
    pub broker_revenue: f64,
}

/// What a campaign knows about a voter today.
struct Profile {
    /// Estimated ideology: the truth plus noise shrinking with accuracy.
    ideology: f64,
    /// Profile accuracy, [0, 1).
    accuracy: f64,
    /// `4p(1 − p)` of the voter's turnout propensity from the voter file (habit and trust): 1 for
    /// a voter who may or may not vote, 0 for one whose choice is settled.
    undecided: f64,
    /// True reactivity (seen only through psychometric profiles).
    reactivity: f64,
    /// Current arousal (seen only through mood targeting).
    arousal: f64,
}

/// `exp(−margin / PERSUADABLE_MARGIN)` of the last margin asked for: with two parties both see
/// the same margin, so one exponential serves both.
struct Persuadability {
    margin: f64,
    value: f64,
}

impl Persuadability {
    fn new() -> Self {
        Persuadability { margin: f64::NAN, value: 0.0 }
    }

    #[inline]
    fn of(&mut self, margin: f64) -> f64 {
        if margin != self.margin {
            self.margin = margin;
            self.value = (-margin / PERSUADABLE_MARGIN).exp();
        }
        self.value
    }
}

/// How attractive a voter is to party `p` (before cohort focus), and which message it would get.
fn score(
    s: &Scenario,
    p: usize,
    v: &Profile,
    persuadability: &mut Persuadability,
    market: &BrokerMarket,
) -> (f32, Message) {
    let party = &s.parties[p];
    let own = (v.ideology - party.position).abs();
    let nearest_other = s
        .parties
        .iter()
        .enumerate()
        .filter(|(q, _)| *q != p)
        .map(|(_, q)| (v.ideology - q.position).abs())
        .fold(f64::INFINITY, f64::min);
    let supporter = own <= nearest_other;
    let margin = if nearest_other.is_finite() { (nearest_other - own).abs() } else { 1.0 };
    let g = &party.campaign.goal;
    let parts = [
        g.persuade * persuadability.of(margin),
        if supporter { g.mobilise * v.undecided } else { 0.0 },
        if supporter { 0.0 } else { g.demobilise * v.undecided },
    ];
    let best = parts.iter().enumerate().fold((0, f64::MIN), |b, (k, &x)| if x > b.1 { (k, x) } else { b }).0;
    let mut total: f64 = parts.iter().sum::<f64>();
    if market.psychometric {
        // Estimated reactivity: the true trait as far as the profile is accurate.
        total *= 0.5 + v.accuracy * v.reactivity + (1.0 - v.accuracy) * 0.5;
    }
    if market.mood {
        total *= 1.0 + v.accuracy * v.arousal;
    }
    let message = match best {
        0 => Message::Persuade,
        1 => Message::Mobilise,
        _ => Message::Demobilise,
    };
    (total as f32, message)
}

/// Relative weight of a cohort for a party (default 1).
fn focus(party: &Party, cohort: &str) -> f64 {
    party.campaign.cohort_focus.get(cohort).copied().unwrap_or(1.0)
}

/// Whether a party micro-targets under the rules in force.
pub fn micro_allowed(party: &Party, s: &Scenario) -> bool {
    party.campaign.targeting == Targeting::Micro
        && matches!(s.regulation.microtargeting, Microtargeting::Allowed | Microtargeting::MinAudience(_))
}

/// Replace individual scores by the mean of their segment when segments must hold at least
/// `min_size` voters: finest segments are cohort × place × ideology bin, then cohort × place,
/// then cohort, then everyone.
fn segment_scores(scores: &mut [f32], table: &VoterTable, est_bin: &[u8], min_size: f64) {
    let places = table.place.iter().copied().max().map_or(1, |p| p as usize + 1);
    let cohorts = table.cohort_sizes.len();
    let bins = (2.0 / SEGMENT_BIN).ceil() as usize + 1;
    let keys: [Box<dyn Fn(usize) -> usize + Sync>; 3] = [
        Box::new(|i| (table.cohort[i] as usize * places + table.place[i] as usize) * bins + est_bin[i] as usize),
        Box::new(|i| table.cohort[i] as usize * places + table.place[i] as usize),
        Box::new(|i| table.cohort[i] as usize),
    ];
    let sizes = [cohorts * places * bins, cohorts * places, cohorts];
    let eligible = |i: usize| scores[i] >= 0.0;
    let mut assigned = vec![false; scores.len()];
    let mut result = vec![-1.0f32; scores.len()];
    for (key, &n) in keys.iter().zip(&sizes) {
        let mut sum = vec![0.0f64; n];
        let mut count = vec![0.0f64; n];
        let open: Vec<usize> = (0..scores.len()).filter(|&i| eligible(i) && !assigned[i]).collect();
        for &i in &open {
            sum[key(i)] += f64::from(scores[i]);
            count[key(i)] += 1.0;
        }
        for i in open {
            let k = key(i);
            if count[k] >= min_size {
                result[i] = (sum[k] / count[k]) as f32;
                assigned[i] = true;
            }
        }
    }
    // Whatever is left is one segment: everyone not yet assigned.
    let rest: Vec<usize> = (0..scores.len()).filter(|&i| eligible(i) && !assigned[i]).collect();
    let mean = rest.iter().map(|&i| f64::from(scores[i])).sum::<f64>() / rest.len().max(1) as f64;
    for i in rest {
        result[i] = mean as f32;
    }
    scores.copy_from_slice(&result);
}

/// A micro campaign's purchase for today, waiting for the voters' scores.
struct MicroBuy {
    party: usize,
    impressions: f64,
    cpm: f64,
}

/// Plan today's purchases and grassroots events for every party; pay for them.
#[allow(clippy::too_many_arguments)]
pub fn plan_targeting(
    params: Res<RunParams>,
    clock: Res<Clock>,
    table: Res<VoterTable>,
    snapshot: Res<Snapshot>,
    model: Res<TurnoutModel>,
    market: Res<BrokerMarket>,
    mut plan: ResMut<TargetingPlan>,
    mut ledger: ResMut<CampaignLedger>,
) {
    let s = &*params.scenario;
    let Some(day_plan) = clock.plan else { return };
    let day = day_plan.campaign_day;
    let days_left = f64::from(s.timeline.campaign_days - day);
    let scale = params.scale;
    let year = clock.year;
    let n = table.len();
    let parallel = params.parallel;
    let TargetingPlan { campaigns, profile_error, scratch } = &mut *plan;
    let Scratch { eligible, scored, scores, raw, bins, candidates } = scratch;
    map_voters_into(eligible, n, parallel, |i| turnout::eligible(s, table.born[i], year));
    let eligible = &*eligible;
    let eligible_count = eligible.iter().filter(|&&e| e).count();
    if day == 0 {
        *ledger = CampaignLedger { parties: vec![PartyLedger::default(); s.parties.len()], broker_revenue: 0.0 };
        profile_error.clear();
    }
    campaigns.resize_with(s.parties.len(), CampaignPlan::default);
    let e = &s.effects;
    let mut micro_buys = Vec::new();
    for (p, party) in s.parties.iter().enumerate() {
        let wants_micro = micro_allowed(party, s) && market.broker.is_some();
        // Yesterday's per-voter buffers are refilled rather than reallocated.
        let CampaignPlan { mut message, mut selected, .. } = std::mem::take(&mut campaigns[p]);
        message.clear();
        selected.clear();
        let mut cp = CampaignPlan { message, selected, ..CampaignPlan::default() };
        // Grassroots events today: attendees, tickets and mobilisation.
        if let Some(g) = &party.campaign.grassroots {
            cp.attendees =
                grassroots::attendees(s, p, g, &table, eligible, params.replicate, clock.step as u64, day, scale);
            let real = cp.attendees.len() as f64 / scale;
            ledger.parties[p].attendees += real;
            ledger.parties[p].funds_raised += real * g.ticket;
        }
        let available = |l: &PartyLedger| {
            let money = party.budget + l.funds_raised;
            s.regulation.spending_cap.map_or(money, |cap| money.min(cap))
        };
        // Profiles are bought once per campaign, for every eligible voter the broker holds, if the
        // campaign can afford the file; otherwise it broadcasts this campaign.
        if wants_micro && day == 0 {
            let profiled = (0..n).filter(|&i| eligible[i] && snapshot.footprint[i] > 0.0).count() as f64 / scale;
            let cost = profiled * market.price_per_profile;
            let l = &mut ledger.parties[p];
            if cost <= available(l) - l.spent {
                l.profiles += profiled;
                l.spent += cost;
                l.has_profiles = true;
                ledger.broker_revenue += cost;
            }
        }
        let micro = wants_micro && ledger.parties[p].has_profiles;
        cp.micro = micro;
        let l = &ledger.parties[p];
        let budget_today = ((available(l) - l.spent) / days_left).max(0.0);
        let cpm = if micro { e.cpm_targeted } else { e.cpm_broadcast };
        let impressions = budget_today / cpm * 1000.0 * scale;
        if eligible_count == 0 || impressions < 1.0 {
            cp.rate_by_cohort = vec![0.0; s.population.cohorts.len()];
        } else if micro {
            micro_buys.push(MicroBuy { party: p, impressions, cpm });
        } else {
            let cohorts = s.population.cohorts.len();
            let mut eligible_by_cohort = vec![0.0f64; cohorts];
            for i in (0..n).filter(|&i| eligible[i]) {
                eligible_by_cohort[table.cohort[i] as usize] += 1.0;
            }
            // Broadcast reaches everyone alike; basic targeting (cohort and place) follows the
            // campaign's cohort focus.
            let basic = party.campaign.targeting == Targeting::Micro
                && s.regulation.microtargeting == Microtargeting::BasicOnly;
            let weight: Vec<f64> =
                s.population.cohorts.iter().map(|c| if basic { focus(party, &c.name) } else { 1.0 }).collect();
            let mass: f64 = weight.iter().zip(&eligible_by_cohort).map(|(w, n)| w * n).sum();
            cp.rate_by_cohort = weight.iter().map(|w| if mass > 0.0 { impressions * w / mass } else { 0.0 }).collect();
            cp.exp_neg_rate_by_cohort = cp.rate_by_cohort.iter().map(|r| (-r).exp()).collect();
            ledger.parties[p].spent += budget_today;
        }
        campaigns[p] = cp;
    }
    if micro_buys.is_empty() {
        return;
    }
    if profile_error.len() != n {
        let campaign = day_plan.campaign.unwrap_or(0) as u64;
        *profile_error = profile_errors(&params, campaign, n);
    }
    let buyers: Vec<usize> = micro_buys.iter().map(|b| b.party).collect();
    let voters = Electorate { s, eligible, table: &table, snapshot: &snapshot, model: &model, year };
    score_voters(scored, &voters, &market, profile_error, &buyers, parallel);
    let min_audience = match s.regulation.microtargeting {
        Microtargeting::MinAudience(min) => Some(min as f64 * scale),
        _ => None,
    };
    for (b, buy) in micro_buys.iter().enumerate() {
        let (p, party) = (buy.party, &s.parties[buy.party]);
        let entry = |i: usize| scored[i * buyers.len() + b];
        let cp = &mut campaigns[p];
        map_voters_into(&mut cp.message, n, parallel, |i| entry(i).1);
        // Cohort focus applies after segmentation: a campaign can always leave a cohort out.
        let focus_by_cohort: Vec<f32> = s.population.cohorts.iter().map(|c| focus(party, &c.name) as f32).collect();
        let focused = |i: usize, score: f32| score * focus_by_cohort[table.cohort[i] as usize];
        match min_audience {
            None => map_voters_into(scores, n, parallel, |i| focused(i, entry(i).0)),
            Some(min) => {
                map_voters_into(raw, n, parallel, |i| entry(i).0);
                map_voters_into(bins, n, parallel, |i| entry(i).2);
                segment_scores(raw, &table, bins, min);
                map_voters_into(scores, n, parallel, |i| focused(i, raw[i]));
            }
        }
        // Buy whole impressions for the best voters; pay only for what is delivered.
        let wanted = buy.impressions.floor() as usize;
        let reachable = select_top_into(scores, wanted, parallel, &mut cp.selected, candidates);
        cp.per_voter = wanted.checked_div(reachable).map_or(0, |n| n.max(1) as u32);
        let delivered = reachable as f64 * f64::from(cp.per_voter);
        ledger.parties[p].spent += delivered / (1000.0 * scale) * buy.cpm;
    }
}

/// What targeting reads of the electorate today.
struct Electorate<'a> {
    s: &'a Scenario,
    eligible: &'a [bool],
    table: &'a VoterTable,
    snapshot: &'a Snapshot,
    model: &'a TurnoutModel,
    year: f64,
}

/// Score every voter for each party in `buyers` into `scored`: `(score, message, ideology bin)`
/// per voter and buyer, voter-major (`buyers.len()` entries per voter). A voter's profile is
/// estimated once for all buyers; ineligible voters score −1.
fn score_voters(
    scored: &mut Vec<(f32, u8, u8)>,
    v: &Electorate,
    market: &BrokerMarket,
    errors: &[f32],
    buyers: &[usize],
    parallel: bool,
) {
    let s = v.s;
    let positions: Vec<f64> = s.parties.iter().map(|q| q.position).collect();
    let noise = s.effects.profile_noise;
    scored.clear();
    scored.resize(v.eligible.len() * buyers.len(), (-1.0f32, 0u8, 0u8));
    super::fill_rows(scored, buyers.len(), parallel, |i, row| {
        if !v.eligible[i] {
            return;
        }
        let (accuracy, undecided) = voter_day(v, market, &positions, i);
        let (accuracy, undecided) = (f64::from(accuracy), f64::from(undecided));
        let error = noise * (1.0 - accuracy) * f64::from(errors[i]);
        let profile = Profile {
            ideology: (f64::from(v.snapshot.ideology[i]) + error).clamp(-1.0, 1.0),
            accuracy,
            undecided,
            reactivity: f64::from(v.table.reactivity[i]),
            arousal: f64::from(v.snapshot.posts[i].arousal()),
        };
        let bin = ((profile.ideology as f32 + 1.0) / SEGMENT_BIN) as u8;
        let mut persuadability = Persuadability::new();
        for (out, &p) in row.iter_mut().zip(buyers) {
            let (sc, m) = score(s, p, &profile, &mut persuadability, market);
            *out = (sc.max(0.0), m as u8, bin);
        }
    });
}

/// Standard-normal profile errors of `n` voters for one campaign: the broker's file is wrong about
/// the same voters, in the same direction, all campaign long.
fn profile_errors(params: &RunParams, campaign: u64, n: usize) -> Vec<f32> {
    let streams = rng::Streams::new(params.seed(), params.replicate, tag::PROFILES);
    map_voters(n, params.parallel, |i| {
        let z: f64 = StandardNormal.sample(&mut streams.open(i as u64, campaign));
        z as f32
    })
}

/// An eligible voter's profile accuracy and `4p(1 − p)` of the turnout propensity the voter file
/// predicts (habit and trust, no campaign effects).
fn voter_day(v: &Electorate, market: &BrokerMarket, positions: &[f64], i: usize) -> (f32, f32) {
    let (table, snapshot, model) = (v.table, v.snapshot, v.model);
    let c = table.cohort[i] as usize;
    let inputs = TurnoutInputs {
        habit: f64::from(snapshot.habit[i]),
        mobilisation: 0.0,
        trust: f64::from(snapshot.trust[i]),
        trust_mean: model.trust_mean[c],
        arousal: 0.0,
        distance: turnout::distance_to_nearest(f64::from(snapshot.ideology[i]), positions),
        age: v.year - f64::from(table.born[i]),
    };
    let p = turnout::sigmoid(model.intercept[c] + turnout::logit_without_intercept(&v.s.turnout, &inputs));
    (market.accuracy(snapshot.footprint[i]), (4.0 * p * (1.0 - p)) as f32)
}

/// Each voter's inbox for today, applied at once: the campaigns' impressions and events on a
/// campaign day, and every day the mobilisation housemates pass on.
#[allow(clippy::type_complexity)]
pub fn deliver_campaigns(
    params: Res<RunParams>,
    clock: Res<Clock>,
    plan: Res<TargetingPlan>,
    market: Res<BrokerMarket>,
    snapshot: Res<Snapshot>,
    graph: Res<Graph>,
    mut voters: Query<(
        &VoterId,
        &Demography,
        &Traits,
        &Literacy,
        &Ideology,
        &DataFootprint,
        &mut CampaignContact,
        &mut Affect,
        &mut Trust,
        &mut Exposure,
    )>,
) {
    // Nobody buys or meets anyone today (off season, or e.g. no budgets): no per-voter draws.
    let active = clock.in_campaign()
        && !plan.campaigns.iter().all(|c| {
            c.attendees.is_empty()
                && if c.micro { c.per_voter == 0 } else { c.rate_by_cohort.iter().all(|&r| r <= 0.0) }
        });
    let s = &*params.scenario;
    let e = &s.effects;
    let effects = CampaignEffects::new(e, &snapshot.contact, &graph.0.offline);
    if !active && effects.idle_without_messages() {
        // Every voter's `face_to_face` contact is already 0 (it was copied to the snapshot):
        // nothing to do.
        return;
    }
    let (streams, step) = (rng::Streams::new(params.seed(), params.replicate, tag::TARGETING), clock.step as u64);
    let year = clock.year;
    let plan = &*plan;
    let market = &*market;
    let inbox_of = |id: &VoterId,
                    demo: &Demography,
                    traits: &Traits,
                    ideology: &Ideology,
                    persuasion: f32,
                    footprint: &DataFootprint|
     -> Inbox {
        let i = id.0 as usize;
        let mut new = Inbox::default();
        if turnout::eligible(s, demo.born, year) {
            // Opened at the first draw: micro-targeted impressions with fixed messages need none.
            let mut stream = None;
            let mut uniform =
                || stream.get_or_insert_with(|| streams.open(u64::from(id.0), step * 64 + 63)).random::<f64>();
            let x = ideology.x + persuasion;
            for (party, cp) in s.parties.iter().zip(&plan.campaigns) {
                let (count, targeted, fixed_message) = if cp.micro {
                    if cp.selected.get(i).copied().unwrap_or(false) {
                        (cp.per_voter, true, Some(cp.message[i]))
                    } else {
                        (0, false, None)
                    }
                } else {
                    let c = demo.cohort as usize;
                    let rate = cp.rate_by_cohort.get(c).copied().unwrap_or(0.0);
                    let n = poisson_with(rate, cp.exp_neg_rate_by_cohort.get(c).copied().unwrap_or(1.0), uniform());
                    (n, false, None)
                };
                if cp.attendees.binary_search(&id.0).is_ok() {
                    new.contact += e.face_to_face_mobilisation as f32;
                }
                if count == 0 {
                    continue;
                }
                let matched = if targeted {
                    let accuracy = market.accuracy(footprint.0);
                    1.0 + e.targeting_premium as f32 * accuracy
                        + if market.psychometric {
                            e.psychometric_premium as f32 * accuracy * traits.reactivity
                        } else {
                            0.0
                        }
                } else {
                    1.0
                };
                let direction = ((party.position as f32 - x) / PULL_RANGE).clamp(-1.0, 1.0);
                let g = &party.campaign.goal;
                let total_goal = g.persuade + g.mobilise + g.demobilise;
                for _ in 0..count {
                    let message = match fixed_message {
                        Some(m) => m,
                        None => {
                            let u = uniform() * total_goal;
                            if u < g.persuade {
                                0
                            } else if u < g.persuade + g.mobilise {
                                1
                            } else {
                                2
                            }
                        }
                    };
                    let u = uniform();
                    let (fear, hate) = (
                        u < party.campaign.tone.fear,
                        u >= party.campaign.tone.fear && u < party.campaign.tone.fear + party.campaign.tone.hate,
                    );
                    // Disclosure makes targeted fear and hate ads less credible.
                    let credibility = if targeted && (fear || hate) && s.regulation.ad_transparency {
                        e.transparency_credibility as f32
                    } else {
                        1.0
                    };
                    match message {
                        0 => new.pull += matched * credibility * direction,
                        1 => new.mobilise += matched * credibility,
                        _ => {
                            new.mobilise -= matched * credibility;
                            new.negative += 1.0;
                        }
                    }
                    new.fear += credibility * f32::from(u8::from(fear));
                    new.hate += credibility * f32::from(u8::from(hate));
                }
                new.impressions += count as f32;
                if targeted {
                    new.targeted += count as f32;
                }
            }
        }
        new
    };
    super::for_each_voter!(voters, params.parallel, |(
        id,
        demo,
        traits,
        literacy,
        ideology,
        footprint,
        mut campaign,
        mut affect,
        mut trust,
        mut exposure,
    )| {
        let inbox = if active {
            let inbox = inbox_of(id, demo, traits, ideology, campaign.persuasion, footprint);
            let seen = exposure.bypass_change_detection();
            seen.ads += inbox.impressions;
            seen.targeted += inbox.targeted;
            inbox
        } else {
            Inbox::default()
        };
        let campaign = campaign.bypass_change_detection();
        effects.apply(
            id.0,
            &inbox,
            traits,
            literacy,
            exposure.ads,
            campaign,
            affect.bypass_change_detection(),
            trust.bypass_change_detection(),
        );
        campaign.face_to_face = inbox.contact;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_smaller_than_the_minimum_are_merged() {
        let table = VoterTable {
            cohort: vec![0, 0, 0, 0],
            place: vec![0, 0, 1, 1],
            born: vec![1980.0; 4],
            reactivity: vec![0.5; 4],
            cohort_sizes: vec![4],
        };
        let mut scores = vec![1.0, 0.0, 0.0, 0.0];
        segment_scores(&mut scores, &table, &[0, 0, 0, 0], 2.0);
        assert_eq!(scores, vec![0.5, 0.5, 0.0, 0.0], "each place holds two voters: segments are places");
        let mut scores = vec![1.0, 0.0, 0.0, 0.0];
        segment_scores(&mut scores, &table, &[0, 0, 0, 0], 4.0);
        assert_eq!(scores, vec![0.25; 4]);
    }
    #[test]
    fn a_broadcast_campaign_reaches_voters_and_counts_exposure() {
        use crate::sim::testing::{column, stepped_world};
        let mut sim = stepped_world(
            "parties: [Party(name: \"A\", position: -0.3, budget: 50.0), Party(name: \"B\", position: 0.3)]",
        );
        let exposure: Vec<Exposure> = column(&mut sim);
        let total: f32 = exposure.iter().map(|e| e.ads).sum();
        assert!(total > 0.0, "50 units at 10 per thousand buy about 5000 impressions");
        assert!(exposure.iter().all(|e| e.targeted == 0.0));
        let campaign: Vec<CampaignContact> = column(&mut sim);
        assert!(campaign.iter().any(|c| c.persuasion != 0.0), "the impressions were applied");
        let ledger = sim.world.resource::<CampaignLedger>();
        assert!(ledger.parties[0].spent > 0.0 && ledger.parties[0].spent <= 50.0 / 5.0 + 1e-9);
    }

    #[test]
    fn micro_targeting_never_reaches_a_cohort_with_zero_focus() {
        use crate::sim::testing::{column, stepped_world};
        let campaign = "Campaign(targeting: Micro, cohort_focus: {\"Gen Z\": 0.0})";
        let mut sim = stepped_world(&format!(
            "parties: [Party(name: \"A\", position: -0.3, budget: 50.0, campaign: {campaign}), Party(name: \"B\", position: 0.3)], brokers: [Broker(name: \"D\")]"
        ));
        let exposure: Vec<Exposure> = column(&mut sim);
        let demography: Vec<Demography> = column(&mut sim);
        assert!(exposure.iter().any(|e| e.targeted > 0.0));
        assert!(exposure.iter().zip(&demography).filter(|(_, d)| d.cohort == 0).all(|(e, _)| e.targeted == 0.0));
    }
}
