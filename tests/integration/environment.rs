//! The online information environment and the remedies (`docs/MODEL.md` §7.5, §7.9): moderation, bots and their
//! labels, misinformation, media literacy and civic education, and a property test that every
//! value stays in range over random scenarios.

use super::common::*;
use proptest::prelude::*;
use std::sync::Arc;
use votelab::agents::{
    Affect, Belief, CampaignContact, Civics, DataFootprint, Demography, Exposure, Ideology, Literacy, Trust, VoterId,
    VotingRecord,
};
use votelab::metrics::{MetricsLog, catalogue};
use votelab::phases::turnout::eligible;
use votelab::scenario::{
    Bots, Campaign, CivicEducation, DataBrokers, Deliberation, Distribution, Goal, Grassroots, Limits, Microtargeting,
    Misinformation, Network, Pacing, Party, Programme, Ranking, Repulsion, Rule, Scenario, Targeting, Timeline, Tone,
};
use votelab::sim::Simulation;
use votelab::sim::resources::Clock;

/// A metric of election `k`.
fn metric_at(log: &MetricsLog, k: usize, path: &[&str]) -> f64 {
    log.elections[k].get(path).unwrap_or_else(|| panic!("no metric {path:?}"))
}

/// A metric of the first election.
fn metric(log: &MetricsLog, path: &[&str]) -> f64 {
    metric_at(log, 0, path)
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

#[test]
fn misinformation_exposure_strictly_decreases_as_takedown_gets_faster() {
    // No rule, then removal 72, 24 and 1 hours after detection (detection lag 6 h): the same
    // replicates under each rule (common random numbers).
    let rules = ["None", "Some(72.0)", "Some(24.0)", "Some(1.0)"];
    let mut means = Vec::new();
    for rule in rules {
        let set = format!("regulation.takedown_hours={rule}");
        let per: Vec<f64> =
            (0..3).map(|r| metric(&run_small(&[&set], r), &["misinformation", "exposures_per_capita"])).collect();
        eprintln!("takedown {rule}: exposures per capita {per:.3?}, mean {:.3}", mean(&per));
        means.push(mean(&per));
    }
    for (pair, rule) in means.windows(2).zip(&rules[1..]) {
        assert!(pair[1] < pair[0], "{rule}: {} is not below {}", pair[1], pair[0]);
    }
}

/// Run replicate 0 to the end; the bot items seen over the campaign (summed `Exposure.bot`).
fn bot_exposure(sets: &[&str]) -> f64 {
    let mut sim = Simulation::new(small_baseline(sets), 0);
    for _ in 0..sim.steps() {
        sim.step();
    }
    let mut q = sim.world.query::<&Exposure>();
    q.iter(&sim.world).map(|e| f64::from(e.bot)).sum()
}

#[test]
fn a_bot_share_of_zero_gives_zero_bot_exposures_and_the_run_without_bots() {
    let seen = bot_exposure(&[]);
    let seen_none = bot_exposure(&["bots.share=0.0"]);
    eprintln!("bot items seen: share 0.05 {seen:.0}; share 0 {seen_none}");
    assert!(seen > 0.0, "control: the baseline's bots are seen");
    assert_eq!(seen_none, 0.0);
    // No bot item reaches a feed, so nothing else differs from a run without bots.
    assert_eq!(run_small(&["bots.share=0.0"], 0), run_small(&["bots=None"], 0));
}

/// Mean ideology and mean arousal over the campaign of replicate `r`.
fn ideology_and_arousal(sets: &[&str], r: u32) -> (f64, f64) {
    let log = run_small(sets, r);
    let last = log.timeseries.last().expect("steps");
    let arousal = log.timeseries.iter().map(|row| row.arousal).sum::<f64>() / log.timeseries.len() as f64;
    (last.mean_ideology, arousal)
}

/// Bots ten times as persuasive as the baseline's (whose pull on mean ideology in a short campaign
/// is a few ten-thousandths, the size of the opinion dynamics' own noise between runs).
const STRONG_BOTS: &str = "bots.influence=0.1";

#[test]
fn labelling_bots_lowers_their_pull_toward_their_stance() {
    // The bots' effect is measured against the same replicate without bots: the shift of mean
    // ideology toward the bots' stance (0.6, right of most voters) at election day, and the rise
    // in mean arousal over the campaign. Labelling every bot item should shrink the pull.
    let (mut pull, mut pull_labelled) = (0.0, 0.0);
    for r in 0..3 {
        let (x0, a0) = ideology_and_arousal(&["bots=None"], r);
        let (x1, a1) = ideology_and_arousal(&[STRONG_BOTS], r);
        let (x2, a2) = ideology_and_arousal(&[STRONG_BOTS, "regulation.bot_labelling=Some(1.0)"], r);
        eprintln!(
            "replicate {r}: ideology shift unlabelled {:+.6}, labelled {:+.6}; arousal rise unlabelled {:+.6}, labelled {:+.6}",
            x1 - x0,
            x2 - x0,
            a1 - a0,
            a2 - a0
        );
        pull += x1 - x0;
        pull_labelled += x2 - x0;
    }
    eprintln!("mean shift toward the bots: unlabelled {:.6}, labelled {:.6}", pull / 3.0, pull_labelled / 3.0);
    assert!(pull > 0.0, "control: bots pull toward their stance");
    assert!(pull_labelled < pull, "labels weaken the pull: {pull_labelled} vs {pull}");
}

/// Eight times the baseline's false stories, so that every cohort holds some believers within a
/// short campaign.
const STORIES: &str = "misinformation.stories_per_day=40.0";

#[test]
fn a_media_literacy_programme_lowers_believers_in_its_cohort_and_not_directly_in_others() {
    let programme = "regulation.media_literacy=[Programme(cohorts: [\"Gen Z\"], boost: 0.2, years: (2025, 2026))]";
    let cohorts = ["Gen Z", "Millennials", "Gen X", "Boomers+"];
    let mut without = [0.0f64; 4];
    let mut with = [0.0f64; 4];
    for r in 0..3 {
        let control = run_small(&[STORIES], r);
        let mut sim = Simulation::new(small_baseline(&[STORIES, programme]), r);
        for _ in 0..sim.steps() {
            sim.step();
        }
        // Directly, the programme raises the literacy of Gen Z only.
        let mut q = sim.world.query::<(&Demography, &Literacy)>();
        for (demo, literacy) in q.iter(&sim.world) {
            if demo.cohort == 1 {
                assert!(literacy.boost > 0.0 || literacy.base == 1.0);
            } else {
                assert_eq!(literacy.boost, 0.0, "cohort {}", demo.cohort);
            }
        }
        let treated = sim.world.remove_resource::<MetricsLog>().unwrap();
        for (k, c) in cohorts.iter().enumerate() {
            without[k] += metric(&control, &["misinformation", "believers_by_cohort", c]) / 3.0;
            with[k] += metric(&treated, &["misinformation", "believers_by_cohort", c]) / 3.0;
        }
    }
    let relative: Vec<f64> = without.iter().zip(&with).map(|(a, b)| (b - a) / a).collect();
    eprintln!("believers without {without:.4?}, with {with:.4?}; relative change {relative:.3?}");
    assert!(without[0] > 0.0, "control: Gen Z has believers");
    assert!(with[0] < without[0], "the programme lowers Gen Z's believers");
    for k in 1..cohorts.len() {
        assert!(
            relative[k].abs() < 0.5 * relative[0].abs(),
            "{}: changes by {:.3} against Gen Z's {:.3}",
            cohorts[k],
            relative[k],
            relative[0]
        );
    }
}

/// Per voter (by id), whether they voted at elections 0 and 1, whether civic education reached
/// them, and the election at which they were first eligible (if during the run).
struct CivicRun {
    voted: [Vec<bool>; 2],
    reached: Vec<bool>,
    first_election: Vec<Option<usize>>,
    log: MetricsLog,
}

fn civic_run(sets: &[&str], r: u32) -> CivicRun {
    let base = [
        "timeline.elections=2",
        "timeline.campaign_days=20",
        "timeline.offseason_step_days=90",
        "population.size=20000",
        "parties[0].budget=0.0",
        "parties[1].budget=0.0",
    ];
    let all: Vec<&str> = base.iter().chain(sets).copied().collect();
    let mut sim = Simulation::new(small_baseline(&all), r);
    let n = sim.world.query::<&VoterId>().iter(&sim.world).count();
    let mut run = CivicRun {
        voted: [vec![false; n], vec![false; n]],
        reached: vec![false; n],
        first_election: vec![None; n],
        log: MetricsLog::default(),
    };
    for _ in 0..sim.steps() {
        sim.step();
        let Some(k) = sim.world.resource::<Clock>().election() else { continue };
        let mut q = sim.world.query::<(&VoterId, &VotingRecord, &Civics)>();
        for (id, record, civics) in q.iter(&sim.world) {
            let i = id.0 as usize;
            run.reached[i] |= civics.habit_boost > 0.0;
            if record.last_election == k as i8 {
                run.voted[k][i] = record.voted;
                if record.first_time {
                    run.first_election[i] = Some(k);
                }
            }
        }
    }
    run.log = sim.world.remove_resource::<MetricsLog>().unwrap();
    run
}

/// Turnout gain in points at election `k` of the voters in `group`, treated against control.
fn gain(treated: &CivicRun, control: &CivicRun, group: &[usize], k: usize) -> f64 {
    let extra: i64 = group.iter().map(|&i| i64::from(treated.voted[k][i]) - i64::from(control.voted[k][i])).sum();
    100.0 * extra as f64 / group.len() as f64
}

#[test]
fn civic_education_raises_first_election_turnout_and_the_effect_partly_persists_through_habit() {
    // Civic education reaches every Gen Z pupil aged 14 to 19 who has not yet voted and adds 0.2
    // to the habit they start with (one first-election vote's worth). No ads, so turnout feeds
    // back into nothing else; the same replicates without the programme are the counterfactual.
    let civics = "regulation.civic_education=[CivicEducation(cohorts: [\"Gen Z\"], reach: 1.0, habit_boost: 0.2, years: (2020, 2035))]";
    let no_habit = "turnout.habit=Habit(gain: 0.0, first_elections_gain: 0.0, first_elections: 2, decay: 0.0)";
    let (mut first0, mut later0, mut first1, mut cohort) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut later_without_habit = Vec::new();
    for r in 0..2 {
        let control = civic_run(&[], r);
        let treated = civic_run(&[civics], r);
        // Reached and first eligible at election 0 (born late 2006 to 2008), or at election 1.
        let group = |k: usize| -> Vec<usize> {
            (0..treated.reached.len()).filter(|&i| treated.reached[i] && treated.first_election[i] == Some(k)).collect()
        };
        let (g0, g1) = (group(0), group(1));
        assert!(g0.len() > 30 && g1.len() > 30, "enough pupils reached: {} and {}", g0.len(), g1.len());
        first0.push(gain(&treated, &control, &g0, 0));
        later0.push(gain(&treated, &control, &g0, 1));
        first1.push(gain(&treated, &control, &g1, 1));
        for k in 0..2 {
            let t = |l: &MetricsLog| metric_at(l, k, &["turnout_by_cohort", "Gen Z"]);
            cohort.push(100.0 * (t(&treated.log) - t(&control.log)));
        }
        // The same comparison without habit formation: nothing can carry the effect forward.
        let control = civic_run(&[no_habit], r);
        let treated = civic_run(&[no_habit, civics], r);
        later_without_habit.push(gain(&treated, &control, &g0, 1));
        eprintln!(
            "replicate {r}: {} and {} pupils reached; first-election gain {:+.1} pp (election 0) and {:+.1} pp \
             (election 1); election-0 pupils at election 1 {:+.1} pp, without habit formation {:+.1} pp",
            g0.len(),
            g1.len(),
            first0[r as usize],
            first1[r as usize],
            later0[r as usize],
            later_without_habit[r as usize]
        );
    }
    eprintln!("Gen Z turnout gain at elections 0, 1 by replicate: {cohort:.2?} pp");
    assert!(mean(&first0) > 0.0 && mean(&first1) > 0.0, "first elections: {first0:?}, {first1:?}");
    assert!(cohort.iter().all(|&g| g > 0.0), "the cohort's turnout rises: {cohort:?}");
    assert!(mean(&later0) > 0.0, "the effect persists an election later: {later0:?}");
    assert!(mean(&later0) < mean(&first0), "but only partly: {later0:?} against {first0:?}");
    assert!(later_without_habit.iter().all(|&g| g == 0.0), "persistence runs through habit: {later_without_habit:?}");
}

/// Remedies: media literacy boost, civic education (reach, habit boost), deliberation share and a
/// legal frequency cap.
type Remedies = (Option<f64>, Option<(f64, f64)>, Option<f64>, Option<u32>);

/// A party: position, budget, micro-targeting, goal (persuade, mobilise, demobilise), tone (fear,
/// hate), Gen Z focus, grassroots events (events, attendees, cost per event), and frequency cap
/// and late-weighted pacing (days, share).
type PartyKnobs =
    (f64, f64, bool, (f64, f64, f64), (f64, f64), f64, Option<(u32, u32, f64)>, (Option<u32>, Option<(u32, f64)>));

/// Rules: micro-targeting, data brokers, takedown hours, bot labelling, spending cap, diverse
/// exposure, ad transparency.
type RuleKnobs = (Microtargeting, DataBrokers, Option<f64>, Option<f64>, Option<f64>, Option<f64>, bool);

/// Random knobs for the property test: the parameters most likely to push a value out of range.
#[derive(Clone, Debug)]
struct Knobs {
    size: u64,
    timeline: (u32, u32, u32, u32),
    places: u32,
    voting_age: u32,
    cohorts: Vec<(f64, f64, f64, f64)>,
    network: (f64, f64, f64, f64),
    rule: Rule,
    influence: (f64, Option<(f64, f64)>, f64, f64, f64),
    habit: (f64, f64, u32, f64),
    weights: (f64, f64, f64, f64, f64),
    ranking: Ranking,
    political_share: f64,
    parties: Vec<PartyKnobs>,
    bots: Option<(f64, f64, f64, f64, f64, f64, f64)>,
    misinformation: (f64, f64, f64, f64, f64, f64),
    effects: (f64, f64, f64, f64, f64, f64, f64, f64),
    rules: RuleKnobs,
    remedies: Remedies,
}

fn unit() -> impl Strategy<Value = f64> {
    0.0..=1.0f64
}

fn knobs() -> impl Strategy<Value = Knobs> {
    let shape = (
        1000u64..2000,
        (1u32..=2, 1u32..=4, 20u32..=30, 60u32..=365),
        1u32..=20,
        16u32..=21,
        prop::collection::vec((0.0..=1.0f64, 0.0..=60.0f64, 0.02..=0.98f64, unit()), 4),
        (0.0..=30.0f64, unit(), unit(), unit()),
    );
    let rule = prop_oneof![
        (0.01..=2.0f64, 0.01..=0.5f64).prop_map(|(epsilon, mu)| Rule::BoundedConfidence { epsilon, mu }),
        Just(Rule::Voter),
        (0.01..=2.0f64).prop_map(|epsilon| Rule::HegselmannKrause { epsilon }),
    ];
    let influence = (unit(), prop::option::of((0.01..=2.0f64, 0.0..=0.5f64)), unit(), 0.0..=0.5f64, 0.0..=5.0f64);
    let turnout = (
        (unit(), unit(), 0u32..=3, unit()),
        (0.0..=20.0f64, 0.0..=10.0f64, 0.0..=10.0f64, 0.0..=10.0f64, 0.0..=3.0f64),
    );
    let ranking = prop_oneof![
        Just(Ranking::Chronological),
        (unit(), 1.0..=10.0f64)
            .prop_map(|(like_minded, emotional_boost)| Ranking::Engagement { like_minded, emotional_boost }),
    ];
    let party = (
        -1.0..=1.0f64,
        0.0..=1e8f64,
        any::<bool>(),
        (0.01..=1.0f64, unit(), unit()),
        (unit(), unit()),
        0.0..=2.0f64,
        prop::option::of((1u32..=30, 1u32..=200_000, 0.0..=1e5f64)),
        (prop::option::of(1u32..=255), prop::option::of((1u32..=200, unit()))),
    );
    let world = (
        ranking,
        unit(),
        prop::collection::vec(party, 2..=3),
        prop::option::of((0.0..=0.9f64, -1.0..=1.0f64, 0.0..=200.0f64, unit(), unit(), unit(), 0.0..=0.5f64)),
        (0.0..=100.0f64, 0.1..=100.0f64, unit(), unit(), unit(), 0.0..=0.1f64),
        (0.0..=0.1f64, unit(), unit(), unit(), unit(), unit(), 0.0..=2.0f64, 1.0..=100.0f64),
    );
    let rules = (
        prop_oneof![
            Just(Microtargeting::Allowed),
            (1u64..=100_000_000).prop_map(Microtargeting::MinAudience),
            Just(Microtargeting::BasicOnly),
            Just(Microtargeting::Banned),
        ],
        prop_oneof![
            Just(DataBrokers::Unregulated),
            unit().prop_map(|opt_in| DataBrokers::Consent { opt_in }),
            Just(DataBrokers::Banned),
        ],
        prop::option::of(0.0..=100.0f64),
        prop::option::of(unit()),
        prop::option::of(0.0..=1e8f64),
        prop::option::of(unit()),
        any::<bool>(),
    );
    let remedies = (
        prop::option::of(unit()),
        prop::option::of((unit(), unit())),
        prop::option::of(unit()),
        prop::option::of(1u32..=255),
    );
    (shape, rule, influence, turnout, world, (rules, remedies)).prop_map(
        |(shape, rule, influence, turnout, world, (rules, remedies))| Knobs {
            size: shape.0,
            timeline: shape.1,
            places: shape.2,
            voting_age: shape.3,
            cohorts: shape.4,
            network: shape.5,
            rule,
            influence,
            habit: turnout.0,
            weights: turnout.1,
            ranking: world.0,
            political_share: world.1,
            parties: world.2,
            bots: world.3,
            misinformation: world.4,
            effects: world.5,
            rules,
            remedies,
        },
    )
}

/// The baseline with the knobs applied; panics if the result is not a valid scenario.
fn random_scenario(k: &Knobs) -> Scenario {
    let mut s = builtin("baseline", &[]).scenario;
    s.population.size = k.size;
    let (elections, years_between, campaign_days, offseason) = k.timeline;
    s.timeline = Timeline { start_year: 2026, elections, years_between, campaign_days, offseason_step_days: offseason };
    s.population.places = k.places;
    s.population.voting_age = k.voting_age;
    for (c, &(sd, diet, _, stubborn)) in s.population.cohorts.iter_mut().zip(&k.cohorts) {
        if let Distribution::Normal { mean, .. } = c.ideology {
            c.ideology = Distribution::Normal { mean, sd };
        }
        c.media_diet = diet;
        c.stubbornness = Some(stubborn);
    }
    for (group, &(_, _, turnout, _)) in s.turnout.age_profile.iter_mut().zip(&k.cohorts) {
        group.turnout = turnout;
    }
    let (mean_degree, homophily, locality, offline_share) = k.network;
    s.network = Network { mean_degree, homophily, locality, offline_share };
    let (narrowing, repulsion, stubbornness, noise, interactions) = k.influence;
    s.influence.rule = k.rule.clone();
    s.influence.emotion_narrowing = narrowing;
    s.influence.repulsion = repulsion.map(|(threshold, rate)| Repulsion { threshold, rate });
    s.influence.stubbornness = stubbornness;
    s.influence.noise = noise;
    s.influence.interactions_per_day = interactions;
    let (gain, first_elections_gain, first_elections, decay) = k.habit;
    s.turnout.habit = votelab::scenario::Habit { gain, first_elections_gain, first_elections, decay };
    let (habit, mobilisation, trust, arousal, alienation) = k.weights;
    s.turnout.habit_weight = habit;
    s.turnout.mobilisation_weight = mobilisation;
    s.turnout.trust_weight = trust;
    s.turnout.arousal_weight = arousal;
    s.turnout.alienation_weight = alienation;
    s.platform.ranking = k.ranking.clone();
    s.platform.political_share = k.political_share;
    s.parties = k
        .parties
        .iter()
        .enumerate()
        .map(|(i, &(position, budget, micro, goal, (fear, hate), focus, events, (frequency_cap, pacing)))| Party {
            name: format!("P{i}"),
            position,
            budget,
            campaign: Campaign {
                targeting: if micro { Targeting::Micro } else { Targeting::Broadcast },
                goal: Goal { persuade: goal.0, mobilise: goal.1, demobilise: goal.2 },
                tone: Tone { fear: fear * (1.0 - hate), hate },
                cohort_focus: [("Gen Z".to_string(), focus)].into_iter().collect(),
                frequency_cap,
                pacing: pacing.map_or(Pacing::Even, |(days, share)| Pacing::LateWeighted { days, share }),
                grassroots: events.map(|(events, attendees, cost_per_event)| Grassroots {
                    events,
                    places: 5,
                    attendees,
                    ticket: 45.0,
                    cost_per_event,
                    cohorts: Vec::new(),
                }),
            },
        })
        .collect();
    s.bots = k.bots.map(|(share, stance, posts_per_day, misinformation, hate, reach, influence)| Bots {
        share,
        stance,
        posts_per_day,
        misinformation,
        hate,
        reach,
        influence,
    });
    let m = k.misinformation;
    s.misinformation = Misinformation {
        stories_per_day: m.0,
        half_life_hours: m.1,
        reach: m.2,
        sharing: m.3,
        belief_per_item: m.4,
        trust_loss_per_item: m.5,
        ..Misinformation::default()
    };
    let e = k.effects;
    s.effects.persuasion_per_impression = e.0;
    s.effects.mobilisation_per_impression = e.1;
    s.effects.face_to_face_mobilisation = e.2;
    s.effects.contagion = e.3;
    s.effects.arousal_per_emotional_item = e.4;
    s.effects.hostility_per_hate_item = e.5;
    s.effects.targeting_premium = e.6;
    s.effects.saturation = e.7;
    let (microtargeting, brokers, takedown, labelling, cap, diverse, transparency) = k.rules.clone();
    let r = &mut s.regulation;
    r.microtargeting = microtargeting;
    r.data_brokers = brokers;
    r.takedown_hours = takedown;
    r.bot_labelling = labelling;
    r.spending_cap = cap;
    r.diverse_exposure = diverse;
    r.ad_transparency = transparency;
    let (literacy, civics, deliberation, frequency_cap) = k.remedies;
    r.frequency_cap = frequency_cap;
    r.media_literacy = literacy
        .map(|boost| Programme {
            cohorts: vec!["Gen Z".into()],
            boost,
            years: (2025, 2030),
            half_life_days: 42.0,
            reach: 1.0,
            sessions_per_year: 1,
        })
        .into_iter()
        .collect();
    r.civic_education = civics
        .map(|(reach, habit_boost)| CivicEducation {
            cohorts: vec!["Gen Z".into()],
            reach,
            habit_boost,
            years: (2025, 2030),
        })
        .into_iter()
        .collect();
    r.deliberation = deliberation.map(|share| Deliberation { share, cohorts: Vec::new() });
    let problems = votelab::scenario::validate::validate(&s, &Limits::default());
    assert!(problems.is_empty(), "the generator made an invalid scenario: {problems:?}");
    s
}

fn in_unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

/// Every voter's state is finite and in its range.
fn check_voters(sim: &mut Simulation) -> Result<(), TestCaseError> {
    let mut q = sim.world.query::<(
        (&Ideology, &CampaignContact, &Affect, &Trust, &Literacy, &Belief),
        (&DataFootprint, &VotingRecord, &Exposure, &Civics),
    )>();
    for ((x, c, a, t, l, b), (d, rec, exp, civ)) in q.iter(&sim.world) {
        prop_assert!((-1.0..=1.0).contains(&x.x) && (-1.0..=1.0).contains(&x.anchor), "ideology {x:?}");
        prop_assert!(c.persuasion.is_finite() && c.persuasion.abs() <= 2.0, "persuasion {c:?}");
        prop_assert!((-1.0..=1.0).contains(&(x.x + c.persuasion).clamp(-1.0, 1.0)));
        let affect = [a.arousal, a.hostility, a.hostility_rest];
        prop_assert!(affect.iter().all(|&v| in_unit(f64::from(v))), "affect {a:?}");
        prop_assert!(in_unit(f64::from(t.value)) && in_unit(f64::from(t.rest)), "trust {t:?}");
        prop_assert!(in_unit(f64::from(l.value())) && l.boost >= 0.0 && in_unit(f64::from(l.base)), "literacy {l:?}");
        prop_assert!(in_unit(f64::from(b.0)), "belief {b:?}");
        prop_assert!(rec.habit.is_finite() && rec.habit >= 0.0, "habit {rec:?}");
        prop_assert!((-1.0..=1.0).contains(&c.mobilisation), "mobilisation {c:?}");
        prop_assert!(d.0.is_finite() && d.0 >= 0.0, "footprint {d:?}");
        prop_assert!(rec.votes <= rec.eligible_elections, "record {rec:?}");
        prop_assert!(c.face_to_face.is_finite() && c.face_to_face >= 0.0, "face-to-face contact {c:?}");
        let seen = [exp.misinformation, exp.misinformation_total, exp.bot, exp.ads, exp.targeted];
        prop_assert!(seen.iter().all(|&c| c.is_finite() && c >= 0.0), "exposure {exp:?}");
        prop_assert!(exp.targeted <= exp.ads && exp.like_minded >= 0.0 && exp.cross_cutting >= 0.0);
        prop_assert!(civ.habit_boost >= 0.0 && civ.openness >= 1.0 && civ.openness.is_finite(), "civics {civ:?}");
    }
    Ok(())
}

/// Election `k`'s metrics are in range and turnout agrees with who was eligible and who voted.
fn check_election(sim: &mut Simulation, s: &Scenario, k: usize) -> Result<(), TestCaseError> {
    let year = votelab::sim::timeline::election_year(&s.timeline, k);
    let (mut eligible_count, mut took_part, mut voted) = (0u64, 0u64, 0u64);
    let mut q = sim.world.query::<(&Demography, &VotingRecord)>();
    for (demo, rec) in q.iter(&sim.world) {
        let may_vote = eligible(s, demo.born, demo.dies, year);
        eligible_count += u64::from(may_vote);
        if rec.last_election == k as i8 {
            prop_assert!(may_vote, "a voter too young for election {k} took part: {demo:?}");
            took_part += 1;
            voted += u64::from(rec.voted);
        }
    }
    prop_assert_eq!(took_part, eligible_count, "every eligible voter has a record of election {}", k);
    let log = sim.world.resource::<MetricsLog>();
    let r = log.elections.last().expect("the election was recorded");
    let rows: Vec<_> = log.cohorts.iter().filter(|row| row.election == k).collect();
    prop_assert_eq!(rows.len(), s.population.cohorts.len());
    prop_assert_eq!(rows.iter().map(|row| row.eligible).sum::<u64>(), eligible_count);
    prop_assert_eq!(rows.iter().map(|row| row.voters).sum::<u64>(), voted);
    for row in &rows {
        prop_assert!(row.voters <= row.eligible && row.first_time_voters <= row.first_time_eligible, "{row:?}");
        prop_assert!(row.first_time_eligible <= row.eligible && row.first_time_voters <= row.voters, "{row:?}");
        let expected = if row.eligible > 0 { row.voters as f64 / row.eligible as f64 } else { 0.0 };
        prop_assert!((row.turnout - expected).abs() < 1e-12, "{row:?}");
        prop_assert!(in_unit(row.believers) && in_unit(row.trust) && in_unit(row.hostility), "{row:?}");
        prop_assert!((-1.0..=1.0).contains(&row.mean_ideology), "{row:?}");
    }
    let turnout = r.get(&["turnout"]).unwrap();
    prop_assert!((turnout - voted as f64 / eligible_count.max(1) as f64).abs() < 1e-12);
    // Every metric of the record is in the catalogue and within its range, and every catalogue
    // metric of this scenario is recorded (a cohort's rates only while it has eligible voters).
    for (key, &value) in &r.0 {
        prop_assert!(value.is_finite(), "{key:?} = {value}");
        let Some((def, _)) = catalogue::by_path(key) else {
            return Err(TestCaseError::fail(format!("{key:?} is not in the metric catalogue")));
        };
        prop_assert!(def.in_range(value), "{key:?} = {value} is outside {:?}", def.range);
    }
    let cohorts: Vec<String> = rows.iter().filter(|row| row.eligible > 0).map(|row| row.cohort.clone()).collect();
    let parties: Vec<String> = s.parties.iter().map(|p| p.name.clone()).collect();
    for m in catalogue::expand_all(&cohorts, &parties) {
        prop_assert!(r.0.contains_key(&m.path), "{:?} is catalogued but not recorded", m.path);
    }
    if voted > 0 {
        let shares: f64 = s.parties.iter().map(|p| r.get(&["vote_share", &p.name]).unwrap()).sum();
        prop_assert!((shares - 1.0).abs() < 1e-9, "vote shares sum to {shares}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_value_stays_in_range_over_random_scenarios(k in knobs()) {
        let s = Arc::new(random_scenario(&k));
        let mut sim = Simulation::new(s.clone(), 0);
        for _ in 0..sim.steps() {
            sim.step();
            check_voters(&mut sim)?;
            let election = sim.world.resource::<Clock>().election();
            if let Some(k) = election {
                check_election(&mut sim, &s, k)?;
            }
            let log = sim.world.resource::<MetricsLog>();
            let row = log.timeseries.last().expect("a row per step");
            for v in [row.affective, row.arousal, row.trust, row.believers] {
                prop_assert!(in_unit(v), "{row:?}");
            }
            prop_assert!((-1.0..=1.0).contains(&row.mean_ideology) && in_unit(row.variance), "{row:?}");
            prop_assert!(row.misinformation_per_capita >= 0.0 && row.ads_per_capita >= 0.0, "{row:?}");
            let mass: f64 = row.histogram.iter().sum();
            prop_assert!(row.eligible == 0 || (mass - 1.0).abs() < 1e-9, "histogram sums to {mass}");
        }
    }
}
