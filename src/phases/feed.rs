//! Phase 4, feed and exposure (`docs/MODEL.md` §7.5): each voter's political feed items for the step,
//! drawn from online neighbours' posts (engagement ranking favours like-minded and emotional
//! posters; a diverse-exposure mandate guarantees a share of cross-cutting items), bot posts,
//! and misinformation: stories from the unreliable sources a voter follows (in proportion to its
//! diet and its affinity for them) and stories passed on by neighbours (in proportion to their
//! belief and affinity), whose reach is cut by takedown on the actionable, detected share of
//! items (`2^(−τ/h)` of a removed post's engagement is prevented when it is removed τ hours after
//! posting). Then the effects of the feed: graded belief unless discerned, distrust, arousal, and
//! hostility from hateful, like-minded emotional and cross-cutting items, and bots' pull.
//! Each voter's feed is applied as soon as it is built, so it is never stored.
//! Reads `Snapshot`, `Graph`, `Clock`, `RunParams`, `InformationDiet`, `VoterTable` (who has
//! died); writes each voter's own `Exposure`, `Belief`, `Trust`, `Affect`, `Ideology`.

use super::{Phase, decay_factor};
use crate::agents::*;
use crate::scenario::{Ranking, Regulation, Scenario};
use crate::sim::resources::{Clock, Graph, InformationDiet, Post, RunParams, Snapshot, VoterTable, sharing_table};
use crate::sim::rng::{self, tag};
use bevy_ecs::prelude::*;
use rand::RngExt;

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    schedule.add_systems(run_feeds.in_set(Phase::Feed));
}

/// Share of the engagement with hateful and false items that still happens under a takedown
/// rule: the rule removes the actionable share of items, of which the detected share,
/// `detection_lag + takedown` hours after posting, and removal then prevents `2^(−τ/h)` of an
/// item's reach for an exponential reach curve with half-life `h` (Goldstein et al. 2023):
/// `1 − actionable · detection · 2^(−τ/h)`.
pub fn delivered_share(regulation: &Regulation, half_life_hours: f64) -> f64 {
    match regulation.takedown_hours {
        None => 1.0,
        Some(t) => {
            let removed = regulation.actionable_share * regulation.detection_probability;
            1.0 - removed * (-(regulation.detection_lag_hours + t) / half_life_hours).exp2()
        }
    }
}

/// Poisson draw by inversion from one uniform, so that the count is monotone in the rate: with
/// common random numbers, a lower rate never gives more items.
pub fn poisson_inverse(rate: f64, u: f64) -> u32 {
    // `P(0) = e^(−rate) ≥ 1 − rate`: most draws at small rates are 0 without an exponential.
    if rate <= 0.0 || u < 1.0 - rate {
        return 0;
    }
    poisson_with(rate, (-rate).exp(), u)
}

/// [`poisson_inverse`] with `exp(−rate)` computed by the caller (once for many draws).
pub fn poisson_with(rate: f64, exp_neg_rate: f64, u: f64) -> u32 {
    if rate <= 0.0 {
        return 0;
    }
    if rate > 30.0 {
        // Normal approximation for large rates, still monotone in the rate.
        let z = inverse_normal(u);
        return (rate + z * rate.sqrt()).round().max(0.0) as u32;
    }
    let (mut k, mut p) = (0u32, exp_neg_rate);
    let mut cumulative = p;
    while u > cumulative && k < 1000 {
        k += 1;
        p *= rate / f64::from(k);
        cumulative += p;
    }
    k
}

/// Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9).
#[allow(clippy::excessive_precision)] // the published coefficients
fn inverse_normal(p: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let a = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383577518672690e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    let b =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    let c = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    let d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let low = 0.02425;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
    } else {
        -inverse_normal(1.0 - p)
    }
}

/// Feed constants for a scenario, computed once per step.
struct FeedParams {
    like_minded: f64,
    emotional_boost: f64,
    false_boost: f64,
    diverse: Option<f64>,
    delivered: f64,
    bot_share_of_items: f64,
    bot_label_factor: f32,
    /// Side the bots push (right: stance ≥ 0).
    bot_right: bool,
    incongruent: f32,
    /// Share of posts passing misinformation on, by `Post` sharing level.
    sharing: [f32; 128],
}

impl FeedParams {
    fn new(s: &Scenario) -> FeedParams {
        let (like_minded, emotional_boost, false_boost) = match s.platform.ranking {
            Ranking::Chronological => (0.0, 1.0, 1.0),
            Ranking::Engagement { like_minded, emotional_boost } => {
                (like_minded, emotional_boost, s.misinformation.false_boost)
            }
        };
        let bot_share_of_items = s.bots.as_ref().map_or(0.0, |b| {
            let bots = b.share
                * b.posts_per_day
                * b.reach
                * (1.0 + (emotional_boost - 1.0) * (b.misinformation + b.hate).min(1.0));
            let humans = (1.0 - b.share) * s.platform.human_posts_per_day;
            if bots + humans > 0.0 { bots / (bots + humans) } else { 0.0 }
        });
        let label = s.regulation.bot_labelling.unwrap_or(0.0);
        FeedParams {
            like_minded,
            emotional_boost,
            false_boost,
            diverse: s.regulation.diverse_exposure,
            delivered: delivered_share(&s.regulation, s.misinformation.half_life_hours),
            bot_share_of_items,
            bot_label_factor: (1.0 - label * s.effects.label_discount) as f32,
            bot_right: s.bots.as_ref().is_some_and(|b| b.stance >= 0.0),
            incongruent: s.effects.incongruent_weight as f32,
            sharing: sharing_table(),
        }
    }
}

/// Share of a voter's neighbour items from like-minded posters, given the share of like-minded
/// online neighbours, the ranking and any diverse-exposure mandate.
pub fn like_minded_share(neighbours_alike: f64, like_minded_weight: f64, diverse: Option<f64>) -> f64 {
    let alike = neighbours_alike * (1.0 + like_minded_weight);
    let share = if alike > 0.0 { alike / (alike + (1.0 - neighbours_alike)) } else { 0.0 };
    match diverse {
        Some(d) if neighbours_alike < 1.0 => share.min(1.0 - d),
        _ => share,
    }
}

/// One voter's political feed for a step. It is applied as soon as it is built
/// ([`FeedEffects::apply`]), so it is never stored.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Feed {
    /// Political items seen.
    pub items: f32,
    /// Fear or hate items among them (neighbours', bots', stories).
    pub emotional: f32,
    /// Emotional items from like-minded neighbours among them.
    pub like_minded_emotional: f32,
    /// Items from cross-cutting neighbours among them.
    pub cross_cutting: f32,
    /// Hate items among them (labelled bot items weigh less).
    pub hate: f32,
    /// Misinformation items among them (labelled bot items weigh less).
    pub misinformation: f32,
    /// Belief weight of the misinformation, [0, 1]: 1 when all of it is congenial, the
    /// incongruent weight when none is.
    pub congruence: f32,
    /// Weight of bot items (labelled ones weigh less).
    pub bot_weight: f32,
}

/// How a feed acts on its reader, with the step's constants computed once.
struct FeedEffects<'a> {
    scenario: &'a Scenario,
    dt: f32,
    /// Belief left after the step without new misinformation.
    forget: f32,
    /// λ = ln 2 / half-life, per day.
    forgetting_rate: f32,
    /// Each undiscerned item removes a share `belief_per_item` of the doubt: a hazard of
    /// −ln(1 − belief_per_item) per item.
    hazard_per_item: f32,
    /// `exp(−λ dt)`: most feeds carry no undiscerned misinformation on a given day, and their
    /// belief only fades.
    quiet_decay: f32,
    /// Confidence bound and its narrowing by arousal, for bots' pull.
    epsilon: f32,
    narrowing: f32,
    /// Hostility per like-minded emotional item and per cross-cutting item.
    like_minded_per_item: f32,
    cross_cutting_per_item: f32,
}

impl<'a> FeedEffects<'a> {
    fn new(s: &'a Scenario, clock: &Clock) -> FeedEffects<'a> {
        let m = &s.misinformation;
        let dt = clock.dt() as f32;
        let forgetting_rate = std::f32::consts::LN_2 / m.belief_half_life_days as f32;
        let (epsilon, narrowing) = match s.influence.rule {
            crate::scenario::Rule::BoundedConfidence { epsilon, .. }
            | crate::scenario::Rule::HegselmannKrause { epsilon } => {
                (epsilon as f32, s.influence.emotion_narrowing as f32)
            }
            crate::scenario::Rule::Voter => (2.0, 0.0),
        };
        FeedEffects {
            scenario: s,
            dt,
            forget: decay_factor(clock.dt(), m.belief_half_life_days),
            forgetting_rate,
            hazard_per_item: -(-(m.belief_per_item as f32)).ln_1p(),
            quiet_decay: (-forgetting_rate * dt).exp(),
            epsilon,
            narrowing,
            like_minded_per_item: s.effects.hostility_per_like_minded_item as f32,
            cross_cutting_per_item: s.effects.hostility_per_cross_cutting_item as f32,
        }
    }

    /// Apply a voter's feed: belief unless discerned, distrust, arousal and hostility from
    /// emotional and hateful items, and bots' pull on ideology.
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        feed: &Feed,
        traits: &Traits,
        literacy: &Literacy,
        civics: &Civics,
        belief: &mut Belief,
        trust: &mut Trust,
        affect: &mut Affect,
        ideology: &mut Ideology,
    ) {
        let (e, m) = (&self.scenario.effects, &self.scenario.misinformation);
        if feed.items == 0.0 {
            belief.0 *= self.forget;
            return;
        }
        let lit = literacy.value();
        let cred = super::contact::credibility(e, lit);
        // Discernment: a literate voter recognises a false item with probability = literacy.
        let undiscerned = feed.misinformation * (1.0 - lit) * feed.congruence;
        // Belief solves db/dt = r (1 − b) − λ b exactly over the step (items arrive spread over
        // it), so coarse off-season steps give the same beliefs as daily ones.
        let r = self.hazard_per_item * undiscerned / self.dt.max(1e-6);
        let decay = if r == 0.0 { self.quiet_decay } else { (-(r + self.forgetting_rate) * self.dt).exp() };
        let equilibrium = r / (r + self.forgetting_rate);
        belief.0 = equilibrium + (belief.0 - equilibrium) * decay;
        if undiscerned > 0.0 {
            trust.value = (trust.value - m.trust_loss_per_item as f32 * undiscerned).max(0.0);
        }
        let reactive = traits.reactivity * cred;
        affect.arousal = (affect.arousal + e.arousal_per_emotional_item as f32 * reactive * feed.emotional).min(1.0);
        // Hostility: hate items and like-minded emotional items inflame; cross-cutting items
        // inflame the already hostile (backfire) and calm the rest (contact).
        let h = affect.hostility;
        let provocation = e.hostility_per_hate_item as f32 * feed.hate
            + self.like_minded_per_item * feed.like_minded_emotional
            + self.cross_cutting_per_item * feed.cross_cutting * (2.0 * h - 1.0);
        affect.hostility = (h + reactive * provocation).clamp(0.0, 1.0);
        if let Some(bot) = &self.scenario.bots
            && feed.bot_weight > 0.0
        {
            let x = ideology.x;
            let d = bot.stance as f32 - x;
            let eps = self.epsilon * civics.openness * (1.0 - self.narrowing * affect.arousal);
            if d.abs() < eps {
                let pull = 1.0 - (1.0 - bot.influence as f32 * cred).powf(feed.bot_weight);
                ideology.x = (x + pull * d).clamp(-1.0, 1.0);
            }
        }
    }
}

/// Build every voter's feed for the step and apply it.
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
pub fn run_feeds(
    params: Res<RunParams>,
    clock: Res<Clock>,
    snapshot: Res<Snapshot>,
    graph: Res<Graph>,
    diet: Res<InformationDiet>,
    table: Res<VoterTable>,
    mut voters: Query<(
        &VoterId,
        &Traits,
        &Literacy,
        &Civics,
        &mut Exposure,
        &mut Belief,
        &mut Trust,
        &mut Affect,
        &mut Ideology,
    )>,
) {
    let s = &*params.scenario;
    let f = FeedParams::new(s);
    let effects = FeedEffects::new(s, &clock);
    let dt = clock.dt();
    let campaign = clock.in_campaign();
    let (streams, step) = (rng::Streams::new(params.seed(), params.replicate, tag::FEED), clock.step as u64);
    let online = &graph.0.online;
    let snap = &*snapshot;
    let m = &s.misinformation;
    let items_of = |diet: f32| f64::from(diet) * s.platform.political_share * dt;
    // Stories from the unreliable sources a voter follows, per unit of diet times affinity: the
    // platform's story volume spread over voters in proportion to both.
    let seeded_per_unreliable = m.stories_per_day * m.reach * f.false_boost * dt / diet.mean_unreliable;
    // Bots' items and neighbours' false items reach voters in proportion to their affinity for
    // unreliable sources (what they follow and engage with), at the scenario's volumes on average.
    let per_affinity = diet.mean_diet / diet.mean_unreliable;
    // The feed of voter `id`, adding what it shows to the voter's exposure counters.
    let build = |id: u32, traits: &Traits, exposure: &mut Exposure| -> Feed {
        let items = items_of(traits.media_diet);
        if items <= 0.0 {
            return Feed::default();
        }
        let affinity = f64::from(traits.affinity());
        let x = snap.ideology[id as usize];
        let right = x >= 0.0;
        let ties = online.neighbours(id);
        let (mut alike, mut arousal) = (0u32, 0u32);
        let (mut shared_alike, mut shared_other) = (0.0f32, 0.0f32);
        for &j in ties {
            let post = snap.posts[j as usize];
            let same = post.right() == right;
            alike += u32::from(same);
            arousal += u32::from(post.arousal_level());
            let passed = f.sharing[post.sharing_level()];
            if same {
                shared_alike += passed;
            } else {
                shared_other += passed;
            }
        }
        let arousal = f64::from(arousal) / f64::from(Post::AROUSAL_LEVELS);
        let k = ties.len().max(1) as f64;
        let other = ties.len() as u32 - alike;
        let p_alike = like_minded_share(f64::from(alike) / k, f.like_minded, f.diverse);
        let weight = affinity * per_affinity;
        // A voter who follows many bot accounts sees their items in place of neighbours' posts
        // and, beyond a whole feed of them, in addition.
        let bot_share = f.bot_share_of_items * weight;
        let bot_rate = items * bot_share;
        let from_neighbours_rate = items * (1.0 - bot_share.min(1.0));
        // Neighbours' posts passing misinformation on fill the like-minded and cross-cutting
        // slots of the feed in proportion to how much each side's neighbours pass on, and to the
        // voter's affinity; at most all of the neighbours' items.
        let mean_passed = |sum: f32, n: u32| if n > 0 { f64::from(sum) / f64::from(n) } else { 0.0 };
        let congenial = p_alike * mean_passed(shared_alike, alike);
        let incongruent = (1.0 - p_alike) * mean_passed(shared_other, other);
        let passed_on = ((congenial + incongruent) * f.false_boost * weight).min(1.0);
        let scale = if congenial + incongruent > 0.0 {
            from_neighbours_rate * passed_on / (congenial + incongruent)
        } else {
            0.0
        };
        let (shared_congenial, shared_incongruent) = (congenial * scale, incongruent * scale);
        let seeded = seeded_per_unreliable * f64::from(traits.media_diet) * affinity;
        let story_rate = (seeded + shared_congenial + shared_incongruent) * f.delivered;
        // Zero rates draw nothing whatever the uniforms: no stream to open (no bots, no stories).
        let (u_bots, u_stories) = if bot_rate > 0.0 || story_rate > 0.0 {
            let mut rng = streams.open(u64::from(id), step);
            (rng.random::<f64>(), rng.random::<f64>())
        } else {
            (0.0, 0.0)
        };
        let bots = poisson_inverse(bot_rate, u_bots) as f32;
        let stories = poisson_inverse(story_rate, u_stories) as f32;
        let (bot_false, bot_hate) = s.bots.as_ref().map_or((0.0, 0.0), |b| {
            (bots * (b.misinformation * f.delivered) as f32, bots * (b.hate * f.delivered) as f32)
        });
        let misinformation = stories + bot_false;
        // Labelled bot items are seen (and counted) but persuade, arouse and convince less.
        let (bot_false_weight, bot_hate_weight) = (bot_false * f.bot_label_factor, bot_hate * f.bot_label_factor);
        let from_neighbours = (items as f32 - bots).max(0.0);
        let emotional_neighbours = from_neighbours * ((arousal / k) * f.emotional_boost).min(1.0) as f32;
        if campaign {
            exposure.misinformation += misinformation;
            exposure.bot += bots;
            exposure.like_minded += from_neighbours * p_alike as f32;
            exposure.cross_cutting += from_neighbours * (1.0 - p_alike) as f32;
        }
        exposure.misinformation_total += misinformation;
        // Belief weight: stories from the voter's own sources and like-minded neighbours are
        // congenial, those from the other side weigh `incongruent`; so do bots' false items
        // for voters on the other side from the bots.
        let story_total = seeded + shared_congenial + shared_incongruent;
        let story_congruence = if story_total > 0.0 {
            ((seeded + shared_congenial + f64::from(f.incongruent) * shared_incongruent) / story_total) as f32
        } else {
            1.0
        };
        let bot_congruence = if right == f.bot_right { 1.0 } else { f.incongruent };
        let weighted_false = stories + bot_false_weight;
        let congruence = if weighted_false > 0.0 {
            (stories * story_congruence + bot_false_weight * bot_congruence) / weighted_false
        } else {
            1.0
        };
        Feed {
            items: items as f32,
            emotional: emotional_neighbours + bot_hate_weight + stories + bot_false_weight,
            like_minded_emotional: emotional_neighbours * p_alike as f32,
            cross_cutting: from_neighbours * (1.0 - p_alike) as f32,
            hate: bot_hate_weight,
            misinformation: weighted_false,
            congruence,
            bot_weight: bots * f.bot_label_factor,
        }
    };
    let departed = table.departed(s.timeline.start_year, clock.year);
    super::for_each_voter!(voters, params.parallel, |(
        id,
        traits,
        literacy,
        civics,
        mut exposure,
        mut belief,
        mut trust,
        mut affect,
        mut ideology,
    )| {
        // The dead read nothing (docs/MODEL.md §7.11).
        if departed.contains(id.0) {
            return;
        }
        let feed = build(id.0, traits, exposure.bypass_change_detection());
        effects.apply(
            &feed,
            traits,
            literacy,
            civics,
            belief.bypass_change_detection(),
            trust.bypass_change_detection(),
            affect.bypass_change_detection(),
            ideology.bypass_change_detection(),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takedown_prevents_reach_along_the_curve() {
        let mut r = Regulation {
            detection_lag_hours: 0.0,
            actionable_share: 1.0,
            detection_probability: 1.0,
            ..Regulation::default()
        };
        assert_eq!(delivered_share(&r, 9.0), 1.0);
        for (hours, prevented) in [(1.0, 0.926), (24.0, 0.157)] {
            r.takedown_hours = Some(hours);
            assert!((1.0 - delivered_share(&r, 9.0) - prevented).abs() < 0.001);
        }
        // Only the actionable, detected share is removed.
        r.actionable_share = 0.2;
        r.detection_probability = 0.5;
        r.takedown_hours = Some(1.0);
        assert!((1.0 - delivered_share(&r, 9.0) - 0.1 * 0.926).abs() < 0.001);
    }

    #[test]
    fn inverse_poisson_is_monotone_in_the_rate_and_has_the_right_mean() {
        for u in [0.01, 0.3, 0.5, 0.9, 0.999] {
            assert!(poisson_inverse(0.5, u) <= poisson_inverse(2.0, u));
            assert!(poisson_inverse(20.0, u) <= poisson_inverse(40.0, u));
        }
        let n = 20_000;
        let mean = (0..n).map(|k| f64::from(poisson_inverse(3.0, (k as f64 + 0.5) / n as f64))).sum::<f64>() / n as f64;
        assert!((mean - 3.0).abs() < 0.01, "{mean}");
    }

    #[test]
    fn engagement_ranking_favours_the_like_minded_and_a_mandate_caps_it() {
        assert!((like_minded_share(0.5, 0.0, None) - 0.5).abs() < 1e-12);
        assert!(like_minded_share(0.5, 0.7, None) > 0.5);
        assert!((like_minded_share(0.8, 0.7, Some(0.3)) - 0.7).abs() < 1e-12);
    }
    #[test]
    fn bots_appear_in_feeds_only_when_there_are_bots() {
        use crate::sim::testing::{column, stepped_world};
        let mut with = stepped_world(
            "bots: Some(Bots(share: 0.2, stance: 0.5, posts_per_day: 40.0, misinformation: 0.5, hate: 0.2))",
        );
        let seen: Vec<Exposure> = column(&mut with);
        assert!(seen.iter().any(|e| e.bot > 0.0 && e.misinformation > 0.0));
        let mut without = stepped_world("");
        let seen: Vec<Exposure> = column(&mut without);
        assert!(seen.iter().all(|e| e.bot == 0.0 && e.misinformation == 0.0));
        assert!(seen.iter().any(|e| e.like_minded + e.cross_cutting > 0.0), "neighbours' posts are seen");
    }

    #[test]
    fn cross_cutting_items_calm_the_calm_and_inflame_the_hostile_and_like_minded_ones_inflame() {
        let s = crate::sim::testing::tiny_scenario("");
        let clock = Clock { plan: crate::sim::timeline::plan(&s.timeline).first().copied(), ..Clock::default() };
        let effects = FeedEffects::new(&s, &clock);
        let traits =
            Traits { reactivity: 1.0, media_diet: 10.0, consent: true, affinity: Traits::encode_affinity(1.0) };
        let (literacy, civics) = (Literacy { base: 0.0, boost: 0.0 }, Civics::default());
        let after = |hostility: f32, feed: Feed| {
            let (mut belief, mut trust) = (Belief(0.0), Trust { value: 0.5, rest: 0.5 });
            let mut affect = Affect { arousal: 0.0, hostility, hostility_rest: hostility };
            let mut ideology = Ideology { x: 0.1, anchor: 0.1 };
            effects.apply(&feed, &traits, &literacy, &civics, &mut belief, &mut trust, &mut affect, &mut ideology);
            affect.hostility
        };
        let cross = Feed { items: 10.0, cross_cutting: 10.0, congruence: 1.0, ..Feed::default() };
        assert!(after(0.2, cross) < 0.2, "contact calms");
        assert!(after(0.8, cross) > 0.8, "backfire inflames");
        assert_eq!(after(0.5, cross), 0.5);
        let alike = Feed { items: 10.0, like_minded_emotional: 5.0, congruence: 1.0, ..Feed::default() };
        assert!(after(0.2, alike) > 0.2, "like-minded emotional items inflame");
    }

    #[test]
    fn incongruent_misinformation_convinces_less() {
        let s = crate::sim::testing::tiny_scenario("");
        let clock = Clock { plan: crate::sim::timeline::plan(&s.timeline).first().copied(), ..Clock::default() };
        let effects = FeedEffects::new(&s, &clock);
        let traits =
            Traits { reactivity: 0.0, media_diet: 10.0, consent: true, affinity: Traits::encode_affinity(1.0) };
        let (literacy, civics) = (Literacy { base: 0.0, boost: 0.0 }, Civics::default());
        let belief_after = |congruence: f32| {
            let (mut belief, mut trust) = (Belief(0.0), Trust { value: 0.5, rest: 0.5 });
            let mut affect = Affect { arousal: 0.0, hostility: 0.5, hostility_rest: 0.5 };
            let mut ideology = Ideology { x: 0.1, anchor: 0.1 };
            let feed = Feed { items: 10.0, misinformation: 3.0, congruence, ..Feed::default() };
            effects.apply(&feed, &traits, &literacy, &civics, &mut belief, &mut trust, &mut affect, &mut ideology);
            belief.0
        };
        assert!(belief_after(0.3) < belief_after(1.0) && belief_after(0.3) > 0.0);
    }

    #[test]
    fn a_feed_without_misinformation_lets_belief_fade_and_emotional_items_arouse() {
        let s = crate::sim::testing::tiny_scenario("");
        let clock = Clock { plan: crate::sim::timeline::plan(&s.timeline).first().copied(), ..Clock::default() };
        let effects = FeedEffects::new(&s, &clock);
        let (traits, literacy) = (
            Traits { reactivity: 1.0, media_diet: 10.0, consent: true, affinity: Traits::encode_affinity(1.0) },
            Literacy { base: 0.0, boost: 0.0 },
        );
        let (mut belief, mut trust) = (Belief(0.8), Trust { value: 0.5, rest: 0.5 });
        let mut affect = Affect { arousal: 0.0, hostility: 0.2, hostility_rest: 0.2 };
        let mut ideology = Ideology { x: 0.1, anchor: 0.1 };
        let feed = Feed { items: 10.0, emotional: 3.0, congruence: 0.5, ..Feed::default() };
        let civics = Civics::default();
        effects.apply(&feed, &traits, &literacy, &civics, &mut belief, &mut trust, &mut affect, &mut ideology);
        assert!(belief.0 < 0.8 && belief.0 > 0.0, "{belief:?}");
        assert!(affect.arousal > 0.0 && affect.hostility == 0.2, "{affect:?}");
        assert_eq!((trust.value, ideology.x), (0.5, 0.1));
    }
}
