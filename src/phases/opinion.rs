//! Phase 5, opinion and affect (`docs/MODEL.md` §7.6, §7.7): social influence by the configured rule, read from
//! the `Snapshot` so the result does not depend on iteration order, then the personal anchor
//! (Friedkin–Johnsen), opinion noise (Pineda et al. 2009), and the decay of arousal, hostility,
//! mobilisation and ad persuasion.
//! Reads `Snapshot`, `Graph`, `VoterTable` (who has died), `Clock`, `RunParams`; writes each voter's
//! own `Ideology`, `Affect`,
//! `CampaignContact` (mobilisation and persuasion).

use super::{Phase, decay_factor, stochastic_round};
use crate::agents::*;
use crate::graph::SocialGraph;
use crate::scenario::{Influence, Rule};
use crate::sim::resources::{Clock, Departed, Graph, RunParams, Snapshot, VoterTable};
use crate::sim::rng::{self, Chance, tag};
use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::{Distribution as _, StandardNormal};

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    schedule.add_systems((social_influence, relax).chain().in_set(Phase::Opinion));
}

/// Days of political talk in a step: campaign days count fully, off-season days at the scenario's
/// `offseason_activity`.
#[inline]
pub fn talk_days(influence: &Influence, clock: &Clock) -> f64 {
    if clock.in_campaign() { clock.dt() } else { clock.dt() * influence.offseason_activity }
}

/// What one voter's social-influence update needs besides its own state.
pub struct InfluenceContext<'a> {
    /// The influence parameters.
    pub influence: &'a Influence,
    /// Every voter's ideology last step.
    pub ideology: &'a [f32],
    /// The network.
    pub graph: &'a SocialGraph,
    /// Days of political talk this step.
    pub talk_days: f64,
    /// Who has died by this step: they talk to nobody.
    pub departed: Departed<'a>,
    /// How online partners are drawn.
    coins: PartnerCoins,
}

/// The coins [`pick_neighbour`] tosses.
#[derive(Clone, Copy, Debug)]
struct PartnerCoins {
    /// An offline partner rather than an online one (`offline_weight`).
    offline: Chance,
    /// A cross-cutting online partner is required (diverse-exposure mandate).
    cross: Option<Chance>,
    /// A drawn cross-cutting online partner is kept: `1 / (1 + like_minded)`.
    keep_unlike: Chance,
}

impl<'a> InfluenceContext<'a> {
    /// The context for a scenario at a step.
    pub fn new(
        s: &'a crate::scenario::Scenario,
        ideology: &'a [f32],
        graph: &'a SocialGraph,
        talk_days: f64,
        departed: Departed<'a>,
    ) -> Self {
        let like_minded = match s.platform.ranking {
            crate::scenario::Ranking::Engagement { like_minded, .. } => like_minded,
            crate::scenario::Ranking::Chronological => 0.0,
        };
        let ctx = Self::with_feed(&s.influence, ideology, graph, talk_days, like_minded, s.regulation.diverse_exposure);
        InfluenceContext { departed, ..ctx }
    }

    /// The context for given influence parameters and feed: `like_minded` is the engagement
    /// ranking's extra weight on like-minded online partners (0: chronological), `diverse` the
    /// guaranteed share of cross-cutting ones (a diverse-exposure mandate).
    pub fn with_feed(
        influence: &'a Influence,
        ideology: &'a [f32],
        graph: &'a SocialGraph,
        talk_days: f64,
        like_minded: f64,
        diverse: Option<f64>,
    ) -> Self {
        let coins = PartnerCoins {
            offline: Chance::new(influence.offline_weight),
            cross: diverse.map(Chance::new),
            keep_unlike: Chance::new(1.0 / (1.0 + like_minded)),
        };
        InfluenceContext { influence, ideology, graph, talk_days, departed: Departed::nobody(), coins }
    }
}

/// New ideology of voter `id` after this step's social influence, the pull back to its anchor
/// (`anchor_pull`, the share of the distance closed this step) and noise.
#[allow(clippy::too_many_arguments)]
pub fn influenced_position(
    ctx: &InfluenceContext,
    id: u32,
    own: Ideology,
    arousal: f32,
    hostility: f32,
    anchor_pull: f32,
    openness: f32,
    rng: &mut rng::StreamRng,
) -> f32 {
    let inf = ctx.influence;
    let offline = ctx.graph.offline.neighbours(id);
    let online = ctx.graph.online.neighbours(id);
    let mut x = own.x;
    let interactions = stochastic_round(inf.interactions_per_day * ctx.talk_days, rng.random::<f64>());
    if interactions > 0 && !(offline.is_empty() && online.is_empty()) {
        match inf.rule {
            Rule::HegselmannKrause { epsilon } => {
                // Synchronous HK: the mean of every neighbour within ε, self included.
                let eps = openness * narrowed(epsilon, inf.emotion_narrowing, arousal);
                let (mut sum, mut count) = (f64::from(x), 1.0f64);
                for &j in offline.iter().chain(online).filter(|&&j| !ctx.departed.contains(j)) {
                    let xj = ctx.ideology[j as usize];
                    if (xj - x).abs() <= eps {
                        sum += f64::from(xj);
                        count += 1.0;
                    }
                }
                x = (sum / count) as f32;
            }
            Rule::Voter => {
                let j = pick_neighbour(ctx, offline, online, x, rng);
                if !ctx.departed.contains(j) {
                    x = ctx.ideology[j as usize];
                }
            }
            Rule::BoundedConfidence { epsilon, mu } => {
                let eps = openness * narrowed(epsilon, inf.emotion_narrowing, arousal);
                for _ in 0..interactions {
                    let j = pick_neighbour(ctx, offline, online, x, rng);
                    if ctx.departed.contains(j) {
                        continue;
                    }
                    let d = ctx.ideology[j as usize] - x;
                    if d.abs() < eps {
                        x += mu as f32 * d;
                    } else if let Some(r) = &inf.repulsion
                        && d.abs() > r.threshold as f32
                    {
                        x -= (r.rate as f32) * hostility * d;
                    }
                }
            }
        }
    }
    x += anchor_pull * (own.anchor - x);
    if inf.noise > 0.0 && ctx.talk_days > 0.0 {
        let z: f64 = StandardNormal.sample(rng);
        x += (inf.noise * ctx.talk_days.sqrt() * z) as f32;
    }
    x.clamp(-1.0, 1.0)
}

/// ε_i = ε (1 − narrowing · arousal): aroused voters listen to fewer people.
#[inline]
fn narrowed(epsilon: f64, narrowing: f64, arousal: f32) -> f32 {
    (epsilon * (1.0 - narrowing * f64::from(arousal))) as f32
}

/// Attempts at drawing a partner of the wanted kind before settling for the last one drawn.
const PARTNER_TRIES: usize = 4;

/// A random neighbour: an offline tie with probability `offline_weight` when the voter has both.
/// Online partners follow the feed: engagement ranking favours like-minded ones (each weighs
/// `1 + like_minded` against 1, by rejection), and a diverse-exposure mandate makes a share of
/// online partners cross-cutting.
#[inline]
fn pick_neighbour(ctx: &InfluenceContext, offline: &[u32], online: &[u32], x: f32, rng: &mut rng::StreamRng) -> u32 {
    let coins = &ctx.coins;
    let use_offline = if offline.is_empty() {
        false
    } else if online.is_empty() {
        true
    } else {
        coins.offline.toss(rng)
    };
    if use_offline {
        return offline[rng.random_range(0..offline.len())];
    }
    let alike = |j: u32| (ctx.ideology[j as usize] >= 0.0) == (x >= 0.0);
    let want_cross = coins.cross.is_some_and(|c| c.toss(rng));
    let mut j = online[rng.random_range(0..online.len())];
    for _ in 1..PARTNER_TRIES {
        let accept = if want_cross { !alike(j) } else { alike(j) || coins.keep_unlike.toss(rng) };
        if accept {
            break;
        }
        j = online[rng.random_range(0..online.len())];
    }
    j
}

/// Social influence for every voter, in parallel; each writes only its own ideology.
pub fn social_influence(
    params: Res<RunParams>,
    clock: Res<Clock>,
    snapshot: Res<Snapshot>,
    graph: Res<Graph>,
    table: Res<VoterTable>,
    mut voters: Query<(&VoterId, &Demography, &Affect, &Civics, &mut Ideology)>,
) {
    let s = &*params.scenario;
    let departed = table.departed(s.timeline.start_year, clock.year);
    let ctx = InfluenceContext::new(s, &snapshot.ideology, &graph.0, talk_days(&s.influence, &clock), departed);
    // Friedkin–Johnsen pull per cohort for this step: 1 − (1 − s)^(days of talk).
    let anchor_pull: Vec<f32> = s
        .population
        .cohorts
        .iter()
        .map(|c| {
            let stubbornness = c.stubbornness.unwrap_or(s.influence.stubbornness);
            (1.0 - (1.0 - stubbornness).powf(ctx.talk_days)) as f32
        })
        .collect();
    if ctx.talk_days <= 0.0 {
        return;
    }
    let (streams, step) = (rng::Streams::new(params.seed(), params.replicate, tag::OPINION), clock.step as u64);
    super::for_each_voter!(voters, params.parallel, |(id, demo, affect, civics, mut ideology)| {
        if departed.contains(id.0) {
            return;
        }
        let mut rng = streams.open(u64::from(id.0), step);
        let (arousal, hostility, pull) = (affect.arousal, affect.hostility, anchor_pull[demo.cohort as usize]);
        let x = influenced_position(&ctx, id.0, *ideology, arousal, hostility, pull, civics.openness, &mut rng);
        ideology.bypass_change_detection().x = x;
    });
}

/// Decay of arousal, of hostility and trust toward their resting levels, of mobilisation and of
/// ad persuasion.
pub fn relax(
    params: Res<RunParams>,
    clock: Res<Clock>,
    mut voters: Query<(&mut Affect, &mut Trust, &mut CampaignContact)>,
) {
    let e = &params.scenario.effects;
    let dt = clock.dt();
    let arousal = decay_factor(dt, e.arousal_half_life_days);
    let hostility = decay_factor(dt, e.hostility_half_life_days);
    let mobilisation = decay_factor(dt, e.mobilisation_half_life_days);
    let persuasion = decay_factor(dt, e.persuasion_half_life_days);
    let trust = decay_factor(dt, e.trust_half_life_days);
    super::for_each_voter!(voters, params.parallel, |(mut affect, mut t, mut campaign)| {
        let t = t.bypass_change_detection();
        t.value = t.rest + (t.value - t.rest) * trust;
        let a = affect.bypass_change_detection();
        a.arousal *= arousal;
        a.hostility = a.hostility_rest + (a.hostility - a.hostility_rest) * hostility;
        let c = campaign.bypass_change_detection();
        c.mobilisation *= mobilisation;
        c.persuasion *= persuasion;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Csr;

    fn graph(n: usize, edges: &[(u32, u32)]) -> SocialGraph {
        SocialGraph { online: Csr::from_undirected_edges(n, edges), offline: Csr::from_undirected_edges(n, &[]) }
    }

    fn influence(rule: Rule) -> Influence {
        Influence { rule, ..Influence::default() }
    }

    fn step(inf: &Influence, graph: &SocialGraph, ideology: &[f32], id: u32, arousal: f32) -> f32 {
        let ctx = InfluenceContext::with_feed(inf, ideology, graph, 1.0, 0.0, None);
        let own = Ideology { x: ideology[id as usize], anchor: ideology[id as usize] };
        influenced_position(
            &ctx,
            id,
            own,
            arousal,
            0.0,
            0.0,
            1.0,
            &mut rng::stream(1, 0, tag::OPINION, u64::from(id), 0),
        )
    }

    #[test]
    fn bounded_confidence_moves_toward_a_close_neighbour_by_mu() {
        let g = graph(2, &[(0, 1)]);
        let x = step(&influence(Rule::BoundedConfidence { epsilon: 0.5, mu: 0.25 }), &g, &[0.0, 0.4], 0, 0.0);
        assert!((x - 0.1).abs() < 1e-6, "{x}");
    }

    #[test]
    fn bounded_confidence_ignores_a_far_neighbour() {
        let g = graph(2, &[(0, 1)]);
        let x = step(&influence(Rule::BoundedConfidence { epsilon: 0.3, mu: 0.25 }), &g, &[0.0, 0.4], 0, 0.0);
        assert_eq!(x, 0.0);
    }

    #[test]
    fn arousal_narrows_the_confidence_bound() {
        let g = graph(2, &[(0, 1)]);
        let inf = Influence { emotion_narrowing: 0.5, ..influence(Rule::BoundedConfidence { epsilon: 0.5, mu: 0.25 }) };
        assert_ne!(step(&inf, &g, &[0.0, 0.4], 0, 0.0), 0.0);
        assert_eq!(step(&inf, &g, &[0.0, 0.4], 0, 1.0), 0.0, "ε shrinks to 0.25 < 0.4");
    }

    #[test]
    fn voter_rule_copies_a_neighbour() {
        let g = graph(2, &[(0, 1)]);
        assert_eq!(step(&influence(Rule::Voter), &g, &[-0.7, 0.3], 0, 0.0), 0.3);
    }

    #[test]
    fn hegselmann_krause_averages_neighbours_within_epsilon() {
        let g = graph(4, &[(0, 1), (0, 2), (0, 3)]);
        let x = step(&influence(Rule::HegselmannKrause { epsilon: 0.3 }), &g, &[0.0, 0.2, -0.2, 0.9], 0, 0.0);
        assert!(x.abs() < 1e-6, "mean of 0, 0.2, -0.2 ignoring 0.9: {x}");
    }

    #[test]
    fn stubbornness_pulls_back_to_the_anchor() {
        let g = graph(2, &[]);
        let inf = influence(Rule::Voter);
        let ctx = InfluenceContext::with_feed(&inf, &[0.5, 0.0], &g, 1.0, 0.0, None);
        let own = Ideology { x: 0.5, anchor: 0.0 };
        let x = influenced_position(&ctx, 0, own, 0.0, 0.0, 0.5, 1.0, &mut rng::stream(1, 0, tag::OPINION, 0, 0));
        assert!((x - 0.25).abs() < 1e-6);
    }

    #[test]
    fn isolated_voters_keep_their_opinion() {
        let g = graph(2, &[]);
        assert_eq!(step(&influence(Rule::BoundedConfidence { epsilon: 2.0, mu: 0.5 }), &g, &[0.3, -0.3], 0, 0.0), 0.3);
    }
    #[test]
    fn a_step_of_wide_bounded_confidence_pulls_opinions_together_and_keeps_them_in_range() {
        use crate::sim::testing::{column, tiny_world};
        let mut sim = tiny_world(
            "influence: Influence(rule: BoundedConfidence(epsilon: 2.0, mu: 0.5), interactions_per_day: 3.0)",
        );
        let variance = |v: &[Ideology]| {
            let m = v.iter().map(|i| f64::from(i.x)).sum::<f64>() / v.len() as f64;
            v.iter().map(|i| (f64::from(i.x) - m).powi(2)).sum::<f64>() / v.len() as f64
        };
        let before = variance(&column::<Ideology>(&mut sim));
        for _ in 0..3 {
            sim.step();
        }
        let after: Vec<Ideology> = column(&mut sim);
        assert!(variance(&after) < before);
        assert!(after.iter().all(|i| (-1.0..=1.0).contains(&i.x)));
    }
}
