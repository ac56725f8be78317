//! Phase 3, targeting and campaign delivery (`docs/MODEL.md` §7.3): each campaign spends today's
//! share of its ad budget (its pacing) on impressions, split between cohorts by its cohort focus
//! (weight × eligible voters). `Broadcast` impressions reach a cohort's eligible voters at random;
//! `Micro` campaigns score every eligible voter from the broker's estimated profile (true value
//! plus noise shrinking with accuracy; psychometric and mood fields only where allowed) by their
//! goal mix, and buy, cohort by cohort, the impressions with the largest expected marginal effect
//! given each voter's recent ad exposure (`allocation`), up to the frequency cap. `MinAudience(n)`
//! replaces individual scores by the mean score of segments of at least n real voters. The day's
//! grassroots events (`grassroots`, §7.4) are planned and paid for here too. Each voter's inbox is
//! then filled and applied at once (`contact::CampaignEffects`), off season too, when only the
//! mobilisation housemates pass on remains.
//! Reads `Snapshot`, `Graph`, `VoterTable`, `BrokerMarket`, `TurnoutModel`, `Clock`, `RunParams`;
//! writes `TargetingPlan`, `CampaignLedger` and each voter's own `Exposure`, `CampaignContact`,
//! `Affect` and `Trust`.

use super::contact::{CampaignEffects, Inbox};
use super::data_collection::BrokerMarket;
use super::feed::poisson_with;
use super::turnout::{self, TurnoutInputs};
use super::{Phase, allocation, campaign_day, decay_factor, grassroots, map_voters, map_voters_into};
use crate::agents::*;
use crate::scenario::{Microtargeting, Pacing, Party, Scenario, Targeting};
use crate::sim::resources::{Clock, Graph, RunParams, Snapshot, TurnoutModel, VoterTable};
use crate::sim::rng::{self, tag};
use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::{Distribution as _, StandardNormal};

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    schedule.add_systems(plan_targeting.in_set(Phase::Targeting).run_if(campaign_day));
    schedule.add_systems(deliver_campaigns.in_set(Phase::Targeting).after(plan_targeting));
}

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
    /// Micro: impressions each voter receives today (indexed by `VoterId`).
    pub impressions: Vec<u8>,
    /// Micro: impressions bought today, in simulated voters' impressions.
    pub bought: u64,
    /// Micro: the message each voter gets.
    pub message: Vec<u8>,
    /// Broadcast: expected impressions per eligible voter, by cohort.
    pub rate_by_cohort: Vec<f64>,
    /// Broadcast: `exp(−rate)` by cohort, for Poisson draws without recomputing it per voter.
    pub exp_neg_rate_by_cohort: Vec<f64>,
    /// Most impressions one voter gets from this campaign today (its own and the legal frequency
    /// cap; 255 without either).
    pub cap: u32,
    /// Grassroots attendees today (sorted `VoterId`s).
    pub attendees: Vec<u32>,
}

impl CampaignPlan {
    /// Whether the campaign shows anybody anything today, or meets anybody.
    pub fn delivers(&self) -> bool {
        !self.attendees.is_empty()
            || if self.micro { self.bought > 0 } else { self.rate_by_cohort.iter().any(|&r| r > 0.0) }
    }
}

/// Every campaign's plan for today.
#[derive(Resource, Clone, Debug, Default)]
pub struct TargetingPlan {
    /// One per party, in scenario order.
    pub campaigns: Vec<CampaignPlan>,
    /// Standard-normal error of each voter's profile this campaign (indexed by `VoterId`; empty
    /// until a micro campaign needs it). Scaled by `profile_noise · (1 − accuracy)` when scored.
    pub profile_error: Vec<f32>,
    /// What is left today of the recent-exposure stocks of the last delivery (`Exposure::ad_stock`),
    /// `2^(−days since / attention_half_life_days)`.
    pub stock_decay: f32,
    /// Campaign day of the last delivery (when the stocks were last updated), if any this campaign.
    last_delivery: Option<u32>,
    /// Per-voter working buffers, kept from day to day.
    scratch: Scratch,
}

impl TargetingPlan {
    /// Whether any campaign delivers impressions or events today.
    pub fn delivers_today(&self) -> bool {
        self.campaigns.iter().any(CampaignPlan::delivers)
    }
}

/// Per-voter working buffers of the targeting phase (contents meaningless between days).
#[derive(Clone, Debug, Default)]
struct Scratch {
    eligible: Vec<bool>,
    /// Per voter and buyer (voter-major): the first impression's log value, or the raw score
    /// when segments replace scores (`MinAudience`).
    scores: Vec<f32>,
    /// Per voter and buyer (voter-major): the message.
    messages: Vec<u8>,
    /// `MinAudience` only: one buyer's raw scores, segmented.
    raw: Vec<f32>,
    /// `MinAudience` only: each voter's estimated-ideology bin.
    bins: Vec<u8>,
}

/// Money and reach of one party's current campaign, in real-world units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartyLedger {
    /// Money spent on ads and profiles.
    pub spent: f64,
    /// Ticket income of grassroots events (added to the budget).
    pub funds_raised: f64,
    /// Cost of holding the grassroots events (paid from the budget).
    pub event_costs: f64,
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

/// `exp(−margin / effects.persuadable_margin)` of the last margin asked for: with two parties
/// both see the same margin, so one exponential serves both.
struct Persuadability {
    scale: f64,
    margin: f64,
    value: f64,
}

impl Persuadability {
    fn new(scale: f64) -> Self {
        Persuadability { scale, margin: f64::NAN, value: 0.0 }
    }

    #[inline]
    fn of(&mut self, margin: f64) -> f64 {
        if margin != self.margin {
            self.margin = margin;
            self.value = (-margin / self.scale).exp();
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
    /// Impressions by cohort (simulated voters' impressions).
    budgets: Vec<f64>,
    cpm: f64,
}

/// Share of the money left that a campaign spends on day `day` of `days`: today's pacing weight
/// over the weights of the days left (all of it when no day left has weight).
pub fn pacing_share(pacing: &Pacing, day: u32, days: u32) -> f64 {
    let (day, days) = (f64::from(day), f64::from(days.max(1)));
    let left = days - day;
    match *pacing {
        Pacing::Even => 1.0 / left.max(1.0),
        Pacing::LateWeighted { days: late, share } => {
            let late = f64::from(late).min(days);
            let early = days - late;
            let late_weight = share / late;
            let early_weight = if early > 0.0 { (1.0 - share) / early } else { 0.0 };
            let late_left = late.min(left);
            let weights_left = late_left * late_weight + (left - late_left) * early_weight;
            let today = if left <= late { late_weight } else { early_weight };
            if weights_left > 0.0 { today / weights_left } else { 1.0 }
        }
    }
}

/// Each cohort's share of a campaign's impressions: its weight times its eligible voters,
/// normalised (zeros when no cohort has weight).
fn cohort_shares(weight: impl Fn(&str) -> f64, s: &Scenario, eligible_by_cohort: &[f64]) -> Vec<f64> {
    let mass: Vec<f64> =
        s.population.cohorts.iter().zip(eligible_by_cohort).map(|(c, n)| weight(&c.name) * n).collect();
    let total: f64 = mass.iter().sum();
    mass.iter().map(|m| if total > 0.0 { m / total } else { 0.0 }).collect()
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
    let scale = params.scale;
    let year = clock.year;
    let n = table.len();
    let parallel = params.parallel;
    let TargetingPlan { campaigns, profile_error, stock_decay, last_delivery, scratch } = &mut *plan;
    let Scratch { eligible, scores, messages, raw, bins } = scratch;
    map_voters_into(eligible, n, parallel, |i| turnout::eligible(s, table.born[i], table.dies[i], year));
    let eligible = &*eligible;
    let mut eligible_by_cohort = vec![0.0f64; s.population.cohorts.len()];
    for i in (0..n).filter(|&i| eligible[i]) {
        eligible_by_cohort[table.cohort[i] as usize] += 1.0;
    }
    if day == 0 {
        *ledger = CampaignLedger { parties: vec![PartyLedger::default(); s.parties.len()], broker_revenue: 0.0 };
        profile_error.clear();
        *last_delivery = None;
    }
    let e = &s.effects;
    // Recent exposure fades between deliveries (the stocks were zeroed when the campaign began).
    *stock_decay = last_delivery.map_or(1.0, |last| decay_factor(f64::from(day - last), e.attention_half_life_days));
    campaigns.resize_with(s.parties.len(), CampaignPlan::default);
    let positions: Vec<f64> = s.parties.iter().map(|q| q.position).collect();
    let voters = Electorate { s, eligible, table: &table, snapshot: &snapshot, model: &model, year };
    let mut micro_buys = Vec::new();
    for (p, party) in s.parties.iter().enumerate() {
        let wants_micro = micro_allowed(party, s) && market.broker.is_some();
        // Yesterday's per-voter buffers are refilled rather than reallocated.
        let CampaignPlan { mut message, mut impressions, .. } = std::mem::take(&mut campaigns[p]);
        message.clear();
        impressions.clear();
        let cap = [party.campaign.frequency_cap, s.regulation.frequency_cap]
            .into_iter()
            .flatten()
            .fold(u32::from(u8::MAX), u32::min);
        let mut cp = CampaignPlan { message, impressions, cap, ..CampaignPlan::default() };
        // Grassroots events today: attendees, tickets, costs and mobilisation.
        if let Some(g) = &party.campaign.grassroots {
            let today = grassroots::events_on(s, g, day);
            let propensity = |i: usize| voters.propensity(&positions, i);
            cp.attendees = grassroots::attendees(
                s,
                p,
                g,
                &today,
                &table,
                eligible,
                &propensity,
                params.replicate,
                clock.step as u64,
                scale,
            );
            let real = cp.attendees.len() as f64 / scale;
            let l = &mut ledger.parties[p];
            l.attendees += real;
            l.funds_raised += real * g.ticket;
            l.event_costs += today.len() as f64 * g.cost_per_event;
        }
        // Money the campaign may still spend: budget and ticket income (within any legal cap),
        // less what ads, profiles and events have cost.
        let left = |l: &PartyLedger| {
            let money = party.budget + l.funds_raised;
            s.regulation.spending_cap.map_or(money, |cap| money.min(cap)) - l.spent - l.event_costs
        };
        // Profiles are bought once per campaign, for every eligible voter the broker holds, if the
        // campaign can afford the file; otherwise it broadcasts this campaign.
        if wants_micro && day == 0 {
            let profiled = (0..n).filter(|&i| eligible[i] && snapshot.footprint[i] > 0.0).count() as f64 / scale;
            let cost = profiled * market.price_per_profile;
            let l = &mut ledger.parties[p];
            if cost <= left(l) {
                l.profiles += profiled;
                l.spent += cost;
                l.has_profiles = true;
                ledger.broker_revenue += cost;
            }
        }
        let micro = wants_micro && ledger.parties[p].has_profiles;
        cp.micro = micro;
        let budget_today =
            (left(&ledger.parties[p]) * pacing_share(&party.campaign.pacing, day, s.timeline.campaign_days)).max(0.0);
        let cpm = if micro { e.cpm_targeted } else { e.cpm_broadcast };
        let impressions = budget_today / cpm * 1000.0 * scale;
        // Broadcast reaches everyone alike; basic targeting (cohort and place) and micro-targeting
        // follow the campaign's cohort focus.
        let basic =
            party.campaign.targeting == Targeting::Micro && s.regulation.microtargeting == Microtargeting::BasicOnly;
        let shares = if micro || basic {
            cohort_shares(|c| focus(party, c), s, &eligible_by_cohort)
        } else {
            cohort_shares(|_| 1.0, s, &eligible_by_cohort)
        };
        cp.rate_by_cohort = vec![0.0; s.population.cohorts.len()];
        if impressions >= 1.0 {
            if micro {
                micro_buys.push(MicroBuy { party: p, budgets: shares.iter().map(|x| x * impressions).collect(), cpm });
            } else {
                cp.rate_by_cohort = shares
                    .iter()
                    .zip(&eligible_by_cohort)
                    .map(|(x, &n)| if n > 0.0 { x * impressions / n } else { 0.0 })
                    .collect();
                ledger.parties[p].spent += budget_today;
            }
        }
        cp.exp_neg_rate_by_cohort = cp.rate_by_cohort.iter().map(|r| (-r).exp()).collect();
        campaigns[p] = cp;
    }
    if !micro_buys.is_empty() {
        if profile_error.len() != n {
            let campaign = day_plan.campaign.unwrap_or(0) as u64;
            *profile_error = profile_errors(&params, campaign, n);
        }
        let buyers: Vec<usize> = micro_buys.iter().map(|b| b.party).collect();
        let min_audience = match s.regulation.microtargeting {
            Microtargeting::MinAudience(min) => Some(min as f64 * scale),
            _ => None,
        };
        let decay = *stock_decay;
        let value = |i: usize, score: f32| allocation::log_value(score, snapshot.ad_stock[i] * decay, e.saturation);
        // Log values at once, or raw scores to be segmented first.
        let raw_scores = min_audience.is_some();
        score_voters(scores, messages, &voters, &market, profile_error, &buyers, parallel, |i, score| {
            if raw_scores { score } else { value(i, score) }
        });
        if raw_scores {
            map_voters_into(bins, n, parallel, |i| estimated_bin(&voters, &market, profile_error, i));
        }
        let width = buyers.len();
        for (b, buy) in micro_buys.iter().enumerate() {
            let cp = &mut campaigns[buy.party];
            map_voters_into(&mut cp.message, n, parallel, |i| messages[i * width + b]);
            let (cohort, budgets, saturation, cap) = (&table.cohort, &buy.budgets, e.saturation, cp.cap);
            // Under a minimum audience the scores are segmented first, then valued.
            if let Some(min) = min_audience {
                map_voters_into(raw, n, parallel, |i| scores[i * width + b]);
                segment_scores(raw, &table, bins, min);
            }
            let segmented: &[f32] = raw;
            // Pay only for what is delivered.
            cp.bought = allocation::allocate(
                |i| if raw_scores { value(i, segmented[i]) } else { scores[i * width + b] },
                cohort,
                budgets,
                saturation,
                cap,
                parallel,
                &mut cp.impressions,
            );
            ledger.parties[buy.party].spent += cp.bought as f64 / (1000.0 * scale) * buy.cpm;
        }
    }
    let delivers = campaigns.iter().any(CampaignPlan::delivers);
    if delivers {
        *last_delivery = Some(day);
    } else {
        *stock_decay = 1.0;
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

/// A voter's profile as the campaign estimates it today (docs/MODEL.md §7.3).
fn profile(v: &Electorate, market: &BrokerMarket, errors: &[f32], positions: &[f64], i: usize) -> Profile {
    let accuracy = f64::from(market.accuracy(v.snapshot.footprint[i]));
    let p = v.propensity(positions, i);
    Profile {
        ideology: estimated_ideology(v, accuracy, errors, i),
        accuracy,
        undecided: 4.0 * p * (1.0 - p),
        reactivity: f64::from(v.table.reactivity[i]),
        arousal: f64::from(v.snapshot.posts[i].arousal()),
    }
}

/// The campaign's estimate of a voter's ideology: the truth plus noise shrinking with accuracy.
fn estimated_ideology(v: &Electorate, accuracy: f64, errors: &[f32], i: usize) -> f64 {
    let error = v.s.effects.profile_noise * (1.0 - accuracy) * f64::from(errors[i]);
    (f64::from(v.snapshot.ideology[i]) + error).clamp(-1.0, 1.0)
}

/// The `MinAudience` segment bin of a voter's estimated ideology.
fn estimated_bin(v: &Electorate, market: &BrokerMarket, errors: &[f32], i: usize) -> u8 {
    let accuracy = f64::from(market.accuracy(v.snapshot.footprint[i]));
    ((estimated_ideology(v, accuracy, errors, i) as f32 + 1.0) / SEGMENT_BIN) as u8
}

/// Score every eligible voter for each party in `buyers`: `scores` gets `keep(voter, score)` and
/// `messages` the message, voter-major (`buyers.len()` entries per voter). A voter's profile is
/// estimated once for all buyers; ineligible voters get `keep(voter, −1)` (below any score, and
/// outside every segment) and message 0.
#[allow(clippy::too_many_arguments)]
fn score_voters(
    scores: &mut Vec<f32>,
    messages: &mut Vec<u8>,
    v: &Electorate,
    market: &BrokerMarket,
    errors: &[f32],
    buyers: &[usize],
    parallel: bool,
    keep: impl Fn(usize, f32) -> f32 + Send + Sync,
) {
    let s = v.s;
    let positions: Vec<f64> = s.parties.iter().map(|q| q.position).collect();
    let width = buyers.len();
    scores.clear();
    scores.resize(v.eligible.len() * width, 0.0);
    messages.clear();
    messages.resize(v.eligible.len() * width, 0);
    super::fill_rows(scores, messages, width, parallel, |i, score_row, message_row| {
        if !v.eligible[i] {
            score_row.fill(keep(i, -1.0));
            return;
        }
        let profile = profile(v, market, errors, &positions, i);
        let mut persuadability = Persuadability::new(s.effects.persuadable_margin);
        for ((out, message), &p) in score_row.iter_mut().zip(message_row.iter_mut()).zip(buyers) {
            let (sc, m) = score(s, p, &profile, &mut persuadability, market);
            *out = keep(i, sc.max(0.0));
            *message = m as u8;
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

impl Electorate<'_> {
    /// Voter i's turnout propensity as the voter file predicts it: habit, trust, alienation and
    /// age, no campaign effects.
    fn propensity(&self, positions: &[f64], i: usize) -> f64 {
        let (table, snapshot, model) = (self.table, self.snapshot, self.model);
        let c = table.cohort[i] as usize;
        let age = self.year - f64::from(table.born[i]);
        let inputs = TurnoutInputs {
            habit: f64::from(snapshot.habit[i]),
            mobilisation: 0.0,
            trust: f64::from(snapshot.trust[i]),
            trust_mean: model.trust_mean[c],
            arousal: 0.0,
            distance: turnout::distance_to_nearest(f64::from(snapshot.ideology[i]), positions),
            age,
        };
        turnout::sigmoid(model.intercept_at(age) + turnout::logit_without_intercept(&self.s.turnout, &inputs))
    }
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
    let active = clock.in_campaign() && plan.delivers_today();
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
        if turnout::eligible(s, demo.born, demo.dies, year) {
            // Opened at the first draw: micro-targeted impressions with fixed messages need none.
            let mut stream = None;
            let mut uniform =
                || stream.get_or_insert_with(|| streams.open(u64::from(id.0), step * 64 + 63)).random::<f64>();
            let x = ideology.x + persuasion;
            for (party, cp) in s.parties.iter().zip(&plan.campaigns) {
                let (count, targeted, fixed_message) = if cp.micro {
                    match cp.impressions.get(i).copied().unwrap_or(0) {
                        0 => (0, false, None),
                        n => (u32::from(n), true, Some(cp.message[i])),
                    }
                } else {
                    let c = demo.cohort as usize;
                    let rate = cp.rate_by_cohort.get(c).copied().unwrap_or(0.0);
                    let n = poisson_with(rate, cp.exp_neg_rate_by_cohort.get(c).copied().unwrap_or(1.0), uniform());
                    (n.min(cp.cap), false, None)
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
                let direction = ((party.position as f32 - x) / e.pull_range as f32).clamp(-1.0, 1.0);
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
        let seen = exposure.bypass_change_detection();
        // Recent exposure as it stands before today's impressions.
        let stock = seen.ad_stock * plan.stock_decay;
        let inbox = if active {
            let inbox = inbox_of(id, demo, traits, ideology, campaign.persuasion, footprint);
            seen.ads += inbox.impressions;
            seen.targeted += inbox.targeted;
            seen.wasted += super::contact::wasted(stock, inbox.impressions, e.saturation as f32);
            seen.ad_stock = stock + inbox.impressions;
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
            stock,
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
            dies: vec![crate::agents::Demography::NEVER; 4],
            reactivity: vec![0.5; 4],
            cohort_sizes: vec![4],
            first_death: f64::INFINITY,
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
        assert!(exposure.iter().zip(&demography).filter(|(_, d)| d.cohort == 1).all(|(e, _)| e.targeted == 0.0));
    }
}
