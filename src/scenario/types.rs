//! The scenario file format (docs/MODEL.md §6; every parameter in §8): plain serde types, one per RON struct.
//!
//! Every field except `Scenario::name` has a default, every struct denies unknown fields, and every
//! parameter documents its meaning, unit, range, default and source. These types only describe what
//! a file may say; `validate` checks the ranges and cross-references, and the simulation reads the
//! validated `Scenario`. The regulation types also derive `JsonSchema`, from which the workshop
//! page's controls are generated (`levers`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A complete scenario: who votes, how they talk, who campaigns, and which rules apply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name; names the results folder. Required.
    pub name: String,
    /// One or two sentences: what the scenario models and the claim or study it comes from.
    #[serde(default)]
    pub description: String,
    /// Another scenario (a path relative to this file, or a built-in name) whose fields this one
    /// overrides, recursively by struct field; lists are replaced whole.
    #[serde(default)]
    pub extends: Option<String>,
    /// Seed of every random stream (docs/MODEL.md §4.5). Default 2026.
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// Independent replicates (different random streams, same parameters). Range 1–10 000. Default 8.
    #[serde(default = "defaults::replicates")]
    pub replicates: u32,
    /// Elections, campaigns and the calendar.
    #[serde(default)]
    pub timeline: Timeline,
    /// The electorate: size, places and generational cohorts.
    #[serde(default)]
    pub population: Population,
    /// The social network.
    #[serde(default)]
    pub network: Network,
    /// Social influence between voters.
    #[serde(default)]
    pub influence: Influence,
    /// Turnout and habit formation.
    #[serde(default)]
    pub turnout: Turnout,
    /// The platform's feed ranking.
    #[serde(default)]
    pub platform: Platform,
    /// Parties and their campaigns. Default: a left and a right party that do not campaign.
    #[serde(default = "defaults::parties")]
    pub parties: Vec<Party>,
    /// How strongly campaign contact works (magnitudes from the field-experiment literature).
    #[serde(default)]
    pub effects: Effects,
    /// Data brokers that profile voters and sell the profiles to campaigns. Default none.
    #[serde(default)]
    pub brokers: Vec<Broker>,
    /// Bot accounts posting into feeds. Default none.
    #[serde(default)]
    pub bots: Option<Bots>,
    /// Misinformation stories. Default none.
    #[serde(default)]
    pub misinformation: Misinformation,
    /// The rules in force.
    #[serde(default)]
    pub regulation: Regulation,
}

/// The calendar of the run (docs/MODEL.md §2.7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Timeline {
    /// Calendar year of the first election (elections are placed at the start of their year).
    /// Range 1900–2200. Default 2026.
    pub start_year: i32,
    /// Number of elections simulated. Range 1–20. Default 3.
    pub elections: u32,
    /// Years between elections. Range 1–10. Default 4 (the source: "every 4/5 years").
    pub years_between: u32,
    /// Campaign days before each election, simulated one day per step. Range 1–730. Default 90.
    pub campaign_days: u32,
    /// Step length in days between campaigns. Range 1–365. Default 30.
    pub offseason_step_days: u32,
}

/// The electorate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Population {
    /// Simulated people, including those who come of age during the run. Range 10–50 000 000.
    /// Default 100 000.
    pub size: u64,
    /// The real electorate the sample stands for; money, events and attendees written in the
    /// scenario are real-world figures scaled by the sample's electorate at the first election
    /// over `represents`. `None`: the sample is the
    /// electorate. Default `None`.
    pub represents: Option<u64>,
    /// Age at which people join the electorate, in years. Range 14–30. Default 18.
    pub voting_age: u32,
    /// Number of places (towns, districts); voters are spread evenly. Range 1–65 535. Default 10.
    pub places: u32,
    /// Generational cohorts; shares sum to 1. Default: the five cohorts of `baseline.ron`.
    pub cohorts: Vec<Cohort>,
    /// Deaths by age (docs/MODEL.md §7.11). `None`: nobody dies during the run. Default: the
    /// Gompertz–Makeham law of [`Mortality::default`].
    pub mortality: Option<Mortality>,
}

/// Annual death hazard by age, `μ(a) = background + at_65 · 2^((a − 65) / doubling_years)`
/// (a Gompertz–Makeham law, docs/MODEL.md §7.11). The defaults follow the US period life tables:
/// annual probabilities of death of about 0.001 at 25, 0.003 at 45, 0.015 at 65 and 0.075 at 84.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mortality {
    /// Age-independent hazard (accidents, the Makeham term), per year. Range 0–0.1. Default 0.0006.
    pub background: f64,
    /// Ageing hazard at age 65, per year. Range 0–1. Default 0.015.
    pub at_65: f64,
    /// Years over which the ageing hazard doubles. Range 1–30. Default 8.2.
    pub doubling_years: f64,
}

/// A generational cohort and the distributions its members are drawn from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cohort {
    /// Name used in outputs and referenced by programmes and campaigns (e.g. "Gen Z").
    pub name: String,
    /// First and last birth year, inclusive.
    pub born: (i32, i32),
    /// Share of the simulated population, [0, 1].
    pub share: f64,
    /// Left–right position, clamped to [-1, 1].
    #[serde(default = "defaults::ideology")]
    pub ideology: Distribution,
    /// Media literacy: ability to discern false items, [0, 1].
    #[serde(default = "defaults::literacy")]
    pub literacy: Distribution,
    /// Trust in institutions and news, [0, 1]. The source: 30% of millennials distrust governments.
    #[serde(default = "defaults::trust")]
    pub trust: Distribution,
    /// Emotional reactivity to fear and hate content, [0, 1].
    #[serde(default = "defaults::reactivity")]
    pub reactivity: Distribution,
    /// Affect toward the other side at the start, [0, 1] (0.46 ≈ the US 2016 thermometer gap of
    /// 45.9 points, Boxell, Gentzkow & Shapiro 2024). Default Beta(2.3, 2.7).
    #[serde(default = "defaults::hostility")]
    pub hostility: Distribution,
    /// Social-media feed items seen per day. Range 0–500. Default 10.
    #[serde(default = "defaults::media_diet")]
    pub media_diet: f64,
    /// Pull toward the personal anchor per day of political talk, overriding
    /// `influence.stubbornness` for this cohort (older cohorts are more anchored). [0, 1].
    #[serde(default)]
    pub stubbornness: Option<f64>,
}

/// A distribution of a voter trait (rand_distr).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Distribution {
    /// Everyone has the same value.
    Fixed(f64),
    /// Uniform on [min, max].
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound (≥ min).
        max: f64,
    },
    /// Normal, clamped to the trait's range.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (≥ 0).
        sd: f64,
    },
    /// Beta on [0, 1] (for ideology it is mapped to [-1, 1]).
    Beta {
        /// Shape a (> 0).
        a: f64,
        /// Shape b (> 0).
        b: f64,
    },
}

/// The social network (docs/MODEL.md §2.2; generated in O(N·k) as CSR, §5.2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// Mean number of ties per voter, online and offline together. Range 0–1000. Default 20.
    pub mean_degree: f64,
    /// Probability a tie goes to an ideologically close voter rather than a random one. [0, 1].
    /// Default 0.6.
    pub homophily: f64,
    /// Probability an online tie stays within the voter's place; offline ties are always local.
    /// [0, 1]. Default 0.8.
    pub locality: f64,
    /// Share of ties that are offline (household, neighbours, colleagues). [0, 1]. Default 0.3.
    pub offline_share: f64,
}

/// How voters influence each other (docs/MODEL.md §7.6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Influence {
    /// The social-influence rule.
    pub rule: Rule,
    /// How much arousal narrows the confidence bound: ε_i = ε (1 − emotion_narrowing · arousal_i).
    /// [0, 1]. Default 0.5.
    pub emotion_narrowing: f64,
    /// Optional backfire: hostile voters move away from neighbours farther than the threshold.
    pub repulsion: Option<Repulsion>,
    /// Friedkin–Johnsen pull toward the personal anchor per day of political talk, [0, 1].
    /// Default 0 (the textbook models); the baseline sets it.
    pub stubbornness: f64,
    /// Standard deviation of opinion noise per day of political talk (Pineda et al. 2009),
    /// [0, 0.5]. Default 0.
    pub noise: f64,
    /// Social-influence interactions per voter per campaign day. Range 0–50. Default 1.
    pub interactions_per_day: f64,
    /// Political talk between campaigns relative to campaign days (time runs slower for opinions
    /// off season). [0, 1]. Default 0.1.
    pub offseason_activity: f64,
    /// Probability that an interaction is with an offline rather than an online tie, when the
    /// voter has both. [0, 1]. Default 0.5.
    pub offline_weight: f64,
}

/// A social-influence rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Rule {
    /// Deffuant–Weisbuch: move toward a neighbour closer than ε by μ of the distance.
    BoundedConfidence {
        /// Confidence bound ε on the [-1, 1] scale, (0, 2].
        epsilon: f64,
        /// Convergence rate μ, (0, 0.5].
        mu: f64,
    },
    /// Voter model: copy a random neighbour's opinion.
    Voter,
    /// Hegselmann–Krause: move to the mean of all neighbours within ε (self included).
    HegselmannKrause {
        /// Confidence bound ε on the [-1, 1] scale, (0, 2].
        epsilon: f64,
    },
}

/// Backfire for hostile voters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repulsion {
    /// Distance beyond which a hostile voter is pushed away, (0, 2].
    pub threshold: f64,
    /// Fraction of the distance moved away per interaction, scaled by hostility, [0, 0.5].
    pub rate: f64,
}

/// Turnout and habit (docs/MODEL.md §7.8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Turnout {
    /// Turnout by age group without campaigning at the first election: the calibration targets
    /// and the life cycle (docs/MODEL.md §5.3). Groups start at the given ages, in increasing
    /// order; the first also holds any younger voters. Default: US Census CPS 2016 (18–29 0.461,
    /// 30–44 0.587, 45–64 0.666, 65+ 0.709).
    pub age_profile: Vec<AgeTurnout>,
    /// Concentration of the latent voting propensity that draws each voter's votes before the
    /// run: low values make most people habitual voters or habitual abstainers (Fowler 2006).
    /// Range 0.1–1000. Default 2.
    pub propensity_concentration: f64,
    /// Habit formation.
    pub habit: Habit,
    /// Logit weight of the habit stock H. Range 0–20. Default 4.0, so a vote (gain 0.05) adds
    /// ≈ +5 pp at p = ½ (Meredith 2009).
    pub habit_weight: f64,
    /// Logit weight of campaign mobilisation M ∈ [-1, 1]. Range 0–10. Default 0.6, so a fresh
    /// face-to-face contact (M ≈ 0.5) adds ≈ +7 pp at p = ½ (Green & Gerber: +3–8 pp).
    pub mobilisation_weight: f64,
    /// Logit weight of trust relative to the cohort mean. Range 0–10. Default 1.0.
    pub trust_weight: f64,
    /// Logit weight of arousal (anger and fear mobilise; Valentino et al. 2011). Range 0–10.
    /// Default 0.5.
    pub arousal_weight: f64,
    /// Logit penalty per unit distance to the nearest party (alienation). Range 0–10. Default 1.0.
    pub alienation_weight: f64,
    /// Logit bonus while living at home, up to `at_home_until` years of age (Bhatti & Hansen 2012:
    /// high turnout at first eligibility, a dip after leaving home). Range 0–3. Default 0.4.
    pub at_home_bonus: f64,
    /// Age up to which the at-home bonus applies, in years. Default 20.
    pub at_home_until: u32,
    /// How strongly hostility pushes vote choice away from the other side, in ideology units.
    /// Range 0–1. Default 0.1.
    pub hostility_push: f64,
}

/// One age group of the turnout profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeTurnout {
    /// First age of the group, in years; the group runs to the next group's first age.
    pub from: u32,
    /// Probability of voting at the first election without campaigning, (0, 1).
    pub turnout: f64,
}

/// Habit stock H ← decay · H + gain · voted, with its own gain in the first elections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Habit {
    /// Habit added by a vote after the first elections. [0, 1]. Default 0.05 (with
    /// `habit_weight` 4: ≈ +5 pp at the next election, Meredith 2009).
    pub gain: f64,
    /// Habit added by a vote in the first eligible elections. [0, 1]. Default 0.05 (Meredith
    /// 2009's first-election estimate; 0.87 is the Gerber, Green & Shachar 2003 upper end).
    pub first_elections_gain: f64,
    /// How many first eligible elections get the larger gain (the source: "the first two
    /// elections of their life"). Range 0–10. Default 2.
    pub first_elections: u32,
    /// Share of the habit stock kept from one election to the next; 0 is the low-persistence
    /// setting (Jessen, Kühnle & Wagner 2024). [0, 1]. Default 0.7.
    pub decay: f64,
}

/// The platform's feed ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Platform {
    /// Feed ranking.
    pub ranking: Ranking,
    /// Share of a voter's feed items that are political (posts, ads, stories), [0, 1]. Default 0.3.
    pub political_share: f64,
    /// Political posts per human account per day. Range 0–100. Default 1.
    pub human_posts_per_day: f64,
}

/// Feed ranking.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Ranking {
    /// Items sampled uniformly from the sources.
    #[default]
    Chronological,
    /// Engagement ranking favouring like-minded and emotional posters.
    Engagement {
        /// Weight of like-mindedness in ranking, [0, 1].
        like_minded: f64,
        /// Multiplier on emotional (fear, hate, false) items, ≥ 1 (false news ≈ 1.7×,
        /// Vosoughi et al. 2018; out-group terms ≈ 1.67×, Rathje et al. 2021).
        emotional_boost: f64,
    },
}

/// A party and its campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Party name.
    pub name: String,
    /// Left–right position, [-1, 1].
    pub position: f64,
    /// Campaign budget per election in real-world money (scaled by `population.represents`), ≥ 0.
    #[serde(default)]
    pub budget: f64,
    /// How it campaigns.
    #[serde(default)]
    pub campaign: Campaign,
}

/// A party's campaign strategy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Campaign {
    /// Broadcast or micro-targeted advertising.
    pub targeting: Targeting,
    /// The goal mix; weights are normalised.
    pub goal: Goal,
    /// Share of messages with fear and with hate tone; the rest is informational.
    pub tone: Tone,
    /// Relative ad spending per eligible voter of each cohort, ≥ 0 (default 1 for cohorts not
    /// named): each day's ad budget is split between cohorts in proportion to weight × eligible
    /// voters, so a cohort's impressions per voter are proportional to its weight (0 leaves it
    /// out; equal weights spend alike on every voter). `docs/MODEL.md` §7.3.
    pub cohort_focus: BTreeMap<String, f64>,
    /// Most impressions this campaign shows one voter in a day (a media buyer's frequency cap);
    /// `None`: no cap of its own. Range 1–255 (255 is also the technical ceiling).
    pub frequency_cap: Option<u32>,
    /// How the ad budget is spread over the campaign's days.
    pub pacing: Pacing,
    /// Grassroots fund-raising events (the source's "direct grassroots investment").
    pub grassroots: Option<Grassroots>,
}

/// How a campaign spreads its ad budget over the days of the campaign. Each day it spends the
/// money left times today's weight over the weights of the days left, so money a day could not
/// spend moves to the days after it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Pacing {
    /// The same amount every day.
    #[default]
    Even,
    /// A `share` of the budget in the campaign's last `days` days, the rest spread evenly over
    /// the days before (campaigns spend most in the final weeks).
    LateWeighted {
        /// Days at the end of the campaign that get `share` of the budget, ≥ 1.
        days: u32,
        /// Share of the budget spent in those days, [0, 1].
        share: f64,
    },
}

/// Advertising mode.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Targeting {
    /// Impressions to random voters (by cohort and place where only basic targeting is allowed).
    #[default]
    Broadcast,
    /// Impressions to the voters who score best on the estimated profile.
    Micro,
}

/// Goal mix of a campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Goal {
    /// Persuade reachable swing voters. ≥ 0. Default 0.4.
    pub persuade: f64,
    /// Mobilise likely supporters. ≥ 0. Default 0.5.
    pub mobilise: f64,
    /// Demobilise likely opponents. ≥ 0. Default 0.1.
    pub demobilise: f64,
}

/// Tone of messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tone {
    /// Share of fear messages, [0, 1]. Default 0.
    pub fear: f64,
    /// Share of hate (out-group hostility) messages, [0, 1]; fear + hate ≤ 1. Default 0.
    pub hate: f64,
}

/// Grassroots fund-raising events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grassroots {
    /// Events per campaign (the source: 20+ events). ≥ 0.
    pub events: u32,
    /// Places where events are held (the source: 10 cities). ≥ 1.
    pub places: u32,
    /// Real-world attendees per event. ≥ 0.
    pub attendees: u32,
    /// Ticket price in real-world money (≈ USD 270 000 / (20 × 300) ≈ 45 in the source). ≥ 0.
    /// Ticket income, net of the events' costs, adds to the ad budget.
    pub ticket: f64,
    /// Cost of holding one event in real-world money (venue, refreshments, staff), paid from the
    /// budget. ≥ 0. Default 3000 (an assumption: about 10 per attendee for a 300-person
    /// evening; the source gives no costs).
    #[serde(default = "defaults::cost_per_event")]
    pub cost_per_event: f64,
    /// Cohorts attendees are drawn from; empty means everyone.
    #[serde(default)]
    pub cohorts: Vec<String>,
}

/// Magnitudes of campaign effects (docs/MODEL.md §7.3; sources in §8, bands in §9). Defaults are calibrated to
/// field experiments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Effects {
    /// Ideology shift toward the sender per broadcast impression, in ideology units. Range 0–0.1.
    /// Default 0.004: about +0.5 pp vote choice per impression in a balanced race, under the
    /// +0.7 pp of Coppock, Hill & Vavreck 2020.
    pub persuasion_per_impression: f64,
    /// Wear-out scale S in impressions: an impression shown to a voter who recently saw a stock
    /// A of ads (all parties, decaying with `attention_half_life_days`) has `e^(−A/S)` of a
    /// fresh impression's effect, so n impressions in a row count `S (1 − e^(−n/S))` and gains
    /// stop after about S pieces (Green & Zelizer 2017: direct mail's gains stop after about
    /// five). Impressions shown at a stock of S or more count as wasted (`ads.wasted_share`).
    /// Range 1–100. Default 5.
    pub saturation: f64,
    /// Half-life in days of the stock of recent ad exposures that wear-out counts: attention to
    /// ads recovers over days. Range 0.1–365. Default 7 (an assumption inside the range of
    /// advertising carry-over half-lives, days to a few weeks: Broadbent's adstock; Hill, Lo,
    /// Vavreck & Zaller 2013 find TV ad effects largely gone within a week).
    pub attention_half_life_days: f64,
    /// How strongly already-engaged voters are over-represented at grassroots events: a voter's
    /// chance to attend is proportional to `p^k`, with p its turnout propensity (habit and
    /// trust, no campaign effects) and k this exponent; 0 makes attendance blind to engagement.
    /// Range 0–5. Default 1 (an assumption: participation concentrates among the already
    /// engaged, Verba, Schlozman & Brady 1995; recruiters ask likely participants, Rosenstone &
    /// Hansen 1993).
    pub attendance_engagement: f64,
    /// Half-life of ad persuasion in days (Kalla & Broockman 2018; Hill et al. 2013). Range
    /// 0.1–365. Default 5.
    pub persuasion_half_life_days: f64,
    /// Relative persuasion premium of a targeted ad with a perfect political profile: a
    /// targeted impression persuades `1 + targeting_premium · accuracy` times a broadcast one
    /// (Tappin et al. 2023: ≈ +70% at best, much less in their second study). Range 0–2.
    /// Default 0.5.
    pub targeting_premium: f64,
    /// Extra premium of psychometric matching for the most reactive voters, added to the match
    /// as `psychometric_premium · accuracy · reactivity` (Matz et al. 2017: up to 1.4× clicks).
    /// With the defaults a targeted impression persuades at most 1.8× a broadcast one. Range
    /// 0–1. Default 0.3.
    pub psychometric_premium: f64,
    /// Share of persuasion, arousal and belief blocked at full literacy (credibility falls with
    /// literacy: `1 − literacy_resistance · literacy`). [0, 1]. Default 0.3.
    pub literacy_resistance: f64,
    /// Trust lost per demobilising or hate item, [0, 0.1]. Default 0.002.
    pub trust_loss_per_negative_item: f64,
    /// Standard deviation of a campaign's estimate of a voter's ideology without any data; it
    /// shrinks as `(1 − accuracy)`. The error of each voter's profile is drawn once per campaign
    /// (a bought file is wrong about the same people all campaign long). Range 0–2. Default 0.5.
    pub profile_noise: f64,
    /// Mobilisation added per mobilising impression, [0, 1]; digital ads alone ≈ 0 (Green &
    /// Gerber). Default 0.01.
    pub mobilisation_per_impression: f64,
    /// Mobilisation of a face-to-face grassroots contact, [0, 1] (≈ +7 pp with the default
    /// turnout weight; Green & Gerber +3–8 pp). Default 0.5.
    pub face_to_face_mobilisation: f64,
    /// Share of a contact's mobilisation passed to each offline tie (Nickerson 2008: 60% to a
    /// housemate, spread here over the offline ties). [0, 1]. Default 0.6.
    pub contagion: f64,
    /// Half-life of mobilisation in days. Range 0.1–365. Default 14.
    pub mobilisation_half_life_days: f64,
    /// Arousal added by a fear or hate item before literacy damping, [0, 1]. Default 0.05.
    pub arousal_per_emotional_item: f64,
    /// Hostility added by a hate item before literacy damping, [0, 1]. Default 0.005, so the
    /// baseline's affective polarisation rises by a few hundredths over two terms (Boxell et al.
    /// 2024: US thermometer gap +0.19 of the scale in 38 years).
    pub hostility_per_hate_item: f64,
    /// Half-life of arousal in days. Range 0.1–365. Default 3.
    pub arousal_half_life_days: f64,
    /// Half-life in days of hostility's return to the voter's starting level. Range 1–100 000.
    /// Default 365.
    pub hostility_half_life_days: f64,
    /// Half-life in days of trust's return to the voter's starting level after misinformation or
    /// negative campaigning. Range 1–100 000. Default 365.
    pub trust_half_life_days: f64,
    /// Cost per thousand broadcast impressions in real-world money. > 0. Default 10.
    pub cpm_broadcast: f64,
    /// Cost per thousand targeted impressions in real-world money. > 0. Default 25.
    pub cpm_targeted: f64,
    /// Reduction of belief and persuasion from a labelled item (Martel & Rand 2024: fact-check
    /// labels cut belief in false headlines by 27.6%), [0, 1]. Default 0.276.
    pub label_discount: f64,
    /// Hostility removed by a deliberation session, as a share of the current level (Fishkin et
    /// al. 2021; Voelkel et al.: animosity −2 to −10 points of 100), [0, 1]. Default 0.2.
    pub deliberation_calming: f64,
    /// Widening of the confidence bound after deliberation, as a multiplier minus one, [0, 2].
    /// Default 0.5.
    pub deliberation_openness: f64,
    /// Credibility of targeted fear and hate ads under ad transparency ("why am I seeing this"
    /// and a public ad library), [0, 1]. Default 0.8 (assumption: disclosure lowers persuasion
    /// of manipulative ads by a fifth, in line with the −25% sharing of labelled items, Martel &
    /// Rand 2024).
    pub transparency_credibility: f64,
    /// Standard deviation of the natural logarithm of a voter's personal media-diet factor: a
    /// voter sees `media_diet · D` feed items a day, with `D` log-normal of mean 1 (a few heavy
    /// consumers, many light ones). Range 0–3. Default 1 (assumption: online news consumption is
    /// heavy-tailed, Grinberg et al. 2019; magnitude not established).
    pub diet_spread: f64,
    /// Standard deviation of the natural logarithm of a voter's affinity for unreliable sources
    /// (log-normal, mean 1 before the age factor): how much of its feed comes from misinformation
    /// and bot accounts and how readily it passes misinformation on. Range 0–5. Default 3
    /// (assumption between two published shapes of the tail: 0.1% of users made ≈ 80% of
    /// fake-news shares, Grinberg et al. 2019, which a log-normal meets at ≈ 3.9; 8.5% of users
    /// shared any, Guess, Nagler & Tucker 2019, a milder tail). The exposure concentration of
    /// `docs/VALIDATION.md` depends on it: below about 2.6 the top 1% receive less than 60%.
    pub affinity_spread: f64,
    /// Affinity for unreliable sources of a 70-year-old relative to a 25-year-old (the factor is
    /// `ratio^((age − 45)/45)` with the age at the start of the run). Range 1–50. Default 7
    /// (Guess, Nagler & Tucker 2019: over-65s shared ≈ 7× as many fake-news articles as 18–29s).
    pub sharing_age_ratio: f64,
    /// Belief weight of a false item against the voter's side relative to a congenial one,
    /// [0, 1]. Default 0.3 (assumption: people believe congenial false stories more, Allcott &
    /// Gentzkow 2017; the magnitude is not established).
    pub incongruent_weight: f64,
    /// Hostility added per like-minded emotional item (fear or anger from the voter's own side)
    /// before literacy damping, [0, 0.1]. Default 0.0003 (assumption bounded by two results:
    /// a month without Facebook changed affective polarisation by ≈ 0.06 SD, not significant,
    /// Allcott et al. 2020; and the baseline's feeds must stay within the slow trend of Boxell et
    /// al. 2024).
    pub hostility_per_like_minded_item: f64,
    /// Hostility change per cross-cutting item before literacy damping, scaled by
    /// `(2 · hostility − 1)`: an item from the other side inflames the already hostile (backfire,
    /// Bail et al. 2018) and calms the rest (intergroup contact), [0, 0.1]. Default 0.0002
    /// (Bail et al. 2018: a month of 24 opposing retweets a day moved Republicans by up to
    /// 0.6 SD, ≈ 0.001 SD per item, on a hostility scale of SD ≈ 0.2).
    pub hostility_per_cross_cutting_item: f64,
    /// Distance over which a persuasive ad's pull reaches full strength:
    /// `direction = clamp((P − x) / pull_range, −1, 1)` (`docs/MODEL.md` §7.3). Range 0.01–2.
    /// Default 0.2 (assumption).
    pub pull_range: f64,
    /// Scale of `exp(−margin / persuadable_margin)` in campaigns' persuasion scores: how fast a
    /// voter stops being worth persuading as its lead for one party grows (`docs/MODEL.md`
    /// §7.3). Range 0.01–2. Default 0.2 (assumption).
    pub persuadable_margin: f64,
}

/// A data broker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Broker {
    /// Broker name.
    pub name: String,
    /// Share of voters' data exhaust the broker collects, [0, 1].
    #[serde(default = "defaults::coverage")]
    pub coverage: f64,
    /// Whether it sells psychometric profiles (reactivity, current arousal).
    #[serde(default)]
    pub psychometric: bool,
    /// Price per profile sold to a campaign, in real-world money. ≥ 0.
    #[serde(default = "defaults::price_per_profile")]
    pub price_per_profile: f64,
    /// Data exhaust (feed items seen, times coverage) at which profile accuracy reaches
    /// 1 − 1/e. > 0. Default 3000 (about a year of a typical feed, so accuracy is ≈ 0.8 for heavy
    /// users and ≈ 0.5 for light ones; Kosinski et al. 2013: party guessed right 85% of the time).
    #[serde(default = "defaults::footprint_scale")]
    pub footprint_scale: f64,
    /// Half-life of collected data in days (profiles go stale). Range 1–100 000. Default 365.
    #[serde(default = "defaults::data_half_life")]
    pub data_half_life_days: f64,
}

/// Bot accounts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bots {
    /// Bots as a share of active accounts, [0, 0.9] (Varol et al. 2017: 9–15%).
    pub share: f64,
    /// Position bots push, [-1, 1].
    pub stance: f64,
    /// Posts per bot per day. Range 0–1000.
    pub posts_per_day: f64,
    /// Share of bot posts that are misinformation, [0, 1].
    pub misinformation: f64,
    /// Share of bot posts that are hateful, [0, 1].
    pub hate: f64,
    /// Visibility of a bot post relative to a human's (bots have few real followers), [0, 1].
    /// Default 0.02: with 5% bots posting 40 times a day, about 6% of political feed items are
    /// bots' (Grinberg et al. 2019: fake-news sources ≈ 6% of news consumption).
    #[serde(default = "defaults::bot_reach")]
    pub reach: f64,
    /// Pull of one bot item toward the bots' stance, as a share of the distance, when the stance
    /// is within the voter's confidence bound, [0, 0.5]. Default 0.01.
    #[serde(default = "defaults::bot_influence")]
    pub influence: f64,
}

/// Misinformation stories.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Misinformation {
    /// New false stories per day. Range 0–1000. Default 0.
    pub stories_per_day: f64,
    /// Engagement half-life of a post in hours (Goldstein et al. 2023: 90% within 30 h ⇒ ≈ 9 h).
    /// Range 0.1–1000. Default 9.
    pub half_life_hours: f64,
    /// Share of users a story reaches over its life when nothing is removed, [0, 1]. Default 0.01.
    pub reach: f64,
    /// Share of a believer's political posts that pass misinformation on, [0, 1]. Default 0.05.
    pub sharing: f64,
    /// Engagement multiplier of false items under engagement ranking (Vosoughi et al. 2018:
    /// false news 70% more likely to be shared). Range 1–10. Default 1.7.
    pub false_boost: f64,
    /// Belief gained from one undiscerned item, as a share of the doubt left, [0, 1]. Default 0.1.
    pub belief_per_item: f64,
    /// Half-life of belief in days (stories are forgotten). Range 0.1–10 000. Default 30.
    pub belief_half_life_days: f64,
    /// Trust lost per undiscerned item, [0, 0.1]. Default 0.001.
    pub trust_loss_per_item: f64,
}

/// The rules in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Regulation {
    /// Micro-targeting of political ads.
    pub microtargeting: Microtargeting,
    /// Psychometric profiling (reactivity) in targeting.
    pub psychometric_profiling: Permission,
    /// Mood targeting (current arousal, e.g. by facial recognition).
    pub mood_targeting: Permission,
    /// Data-broker rules.
    pub data_brokers: DataBrokers,
    /// Public ad library and "why am I seeing this" disclosure.
    pub ad_transparency: bool,
    /// Hours from detection to removal of hateful and false items; `None`: no takedown rule.
    pub takedown_hours: Option<f64>,
    /// Hours before an item is detected or reported (NetzDG's 24 h run from the complaint).
    /// Range 0–1000. Default 6.
    pub detection_lag_hours: f64,
    /// Share of false and hateful items a takedown rule applies to (illegal or reported content
    /// the platform must remove), [0, 1]. Default 0.2 (NetzDG transparency reports, first half
    /// of 2018: Twitter removed 11%, Facebook 21%, YouTube 27% of the items complained about;
    /// most false news is not illegal).
    pub actionable_share: f64,
    /// Probability that an actionable item is detected or reported at all, [0, 1]. Default 0.5
    /// (assumption; Facebook's internal estimate of 2021 that it removed 3–5% of hate speech is
    /// the low end of what platforms achieve).
    pub detection_probability: f64,
    /// Share of bot items labelled as automated, [0, 1]; `None`: no labels.
    pub bot_labelling: Option<f64>,
    /// Cap on each party's spending per election, real-world money; `None`: no cap.
    pub spending_cap: Option<f64>,
    /// Legal cap on the political ad impressions one advertiser shows one voter in a day;
    /// `None`: no cap. Range 1–255.
    pub frequency_cap: Option<u32>,
    /// Minimum share of cross-cutting items in feeds, [0, 1]; `None`: no mandate.
    pub diverse_exposure: Option<f64>,
    /// Media-literacy programmes.
    pub media_literacy: Vec<Programme>,
    /// Civic education before and at voting age.
    pub civic_education: Vec<CivicEducation>,
    /// Offline deliberation sessions.
    pub deliberation: Option<Deliberation>,
}

/// Rules on micro-targeting.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Microtargeting {
    /// No restriction.
    #[default]
    Allowed,
    /// Targeted segments must hold at least this many real-world voters.
    MinAudience(u64),
    /// Only cohort and place may be used.
    BasicOnly,
    /// Only broadcast.
    Banned,
}

/// A permission.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Permission {
    /// Allowed.
    #[default]
    Allowed,
    /// Banned.
    Banned,
}

/// Rules on data brokers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum DataBrokers {
    /// No rules.
    #[default]
    Unregulated,
    /// Collection only from voters who opted in.
    Consent {
        /// Share of voters who opt in, [0, 1].
        opt_in: f64,
    },
    /// No brokers.
    Banned,
}

/// A media-literacy programme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Cohorts reached.
    pub cohorts: Vec<String>,
    /// Literacy added to a reached voter by a session, [0, 1] (Guess et al. 2020: discernment
    /// +26.5%).
    pub boost: f64,
    /// First and last year the programme runs, inclusive.
    pub years: (i32, i32),
    /// Half-life in days of a session's boost. Default 30 (Roozenbeek et al. 2022, Maertens et
    /// al. 2025: text and video effects last about a month; Guess et al. 2020: still measurable
    /// weeks later).
    #[serde(default = "defaults::literacy_half_life")]
    pub half_life_days: f64,
    /// Share of the cohorts' members the programme reaches, [0, 1]. Default 1 (everyone); the
    /// built-in scenarios assume less.
    #[serde(default = "defaults::literacy_reach")]
    pub reach: f64,
    /// Sessions per year while the programme runs, 1–365: each tops a reached voter's boost up
    /// to `boost`, which then fades. Default 1.
    #[serde(default = "defaults::literacy_sessions")]
    pub sessions_per_year: u32,
}

/// Civic education (the Irish pupils in parliament; Denmark's youth campaign).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CivicEducation {
    /// Cohorts reached.
    pub cohorts: Vec<String>,
    /// Share of the cohorts' members reached, [0, 1].
    pub reach: f64,
    /// Habit stock added to those reached when they come of age (or at once if already), [0, 1].
    pub habit_boost: f64,
    /// First and last year the programme runs, inclusive.
    pub years: (i32, i32),
}

/// Offline deliberation (Fishkin et al. 2021).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deliberation {
    /// Share of voters brought into a session each campaign, [0, 1].
    pub share: f64,
    /// Cohorts invited; empty means everyone.
    #[serde(default)]
    pub cohorts: Vec<String>,
}

impl Scenario {
    /// The youngest cohort with voters at the first election: the one with the latest last birth
    /// year among those born early enough to vote then (cohorts that come of age later are not
    /// counted).
    pub fn youngest_voting_cohort(&self) -> Option<&Cohort> {
        let latest_voter = self.timeline.start_year - self.population.voting_age as i32;
        self.population.cohorts.iter().filter(|c| c.born.0 <= latest_voter).max_by_key(|c| c.born.1)
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline { start_year: 2026, elections: 3, years_between: 4, campaign_days: 90, offseason_step_days: 30 }
    }
}

impl Default for Population {
    fn default() -> Self {
        Population {
            size: 100_000,
            represents: None,
            voting_age: 18,
            places: 10,
            cohorts: defaults::cohorts(),
            mortality: Some(Mortality::default()),
        }
    }
}

impl Default for Mortality {
    fn default() -> Self {
        Mortality { background: 0.0006, at_65: 0.015, doubling_years: 8.2 }
    }
}

impl Default for Network {
    fn default() -> Self {
        Network { mean_degree: 20.0, homophily: 0.6, locality: 0.8, offline_share: 0.3 }
    }
}

impl Default for Influence {
    fn default() -> Self {
        Influence {
            rule: Rule::BoundedConfidence { epsilon: 0.4, mu: 0.2 },
            emotion_narrowing: 0.5,
            repulsion: None,
            stubbornness: 0.0,
            noise: 0.0,
            interactions_per_day: 1.0,
            offseason_activity: 0.1,
            offline_weight: 0.5,
        }
    }
}

impl Default for Rule {
    fn default() -> Self {
        Rule::BoundedConfidence { epsilon: 0.4, mu: 0.2 }
    }
}

impl Default for Turnout {
    fn default() -> Self {
        Turnout {
            age_profile: defaults::age_profile(),
            propensity_concentration: 2.0,
            habit: Habit::default(),
            habit_weight: 4.0,
            mobilisation_weight: 0.6,
            trust_weight: 1.0,
            arousal_weight: 0.5,
            alienation_weight: 1.0,
            at_home_bonus: 0.4,
            at_home_until: 20,
            hostility_push: 0.1,
        }
    }
}

impl Default for Habit {
    fn default() -> Self {
        Habit { gain: 0.05, first_elections_gain: 0.05, first_elections: 2, decay: 0.7 }
    }
}

impl Default for Platform {
    fn default() -> Self {
        Platform { ranking: Ranking::Chronological, political_share: 0.3, human_posts_per_day: 1.0 }
    }
}

impl Default for Campaign {
    fn default() -> Self {
        Campaign {
            targeting: Targeting::Broadcast,
            goal: Goal::default(),
            tone: Tone::default(),
            cohort_focus: BTreeMap::new(),
            frequency_cap: None,
            pacing: Pacing::Even,
            grassroots: None,
        }
    }
}

impl Default for Goal {
    fn default() -> Self {
        Goal { persuade: 0.4, mobilise: 0.5, demobilise: 0.1 }
    }
}

impl Default for Tone {
    fn default() -> Self {
        Tone { fear: 0.0, hate: 0.0 }
    }
}

impl Default for Effects {
    fn default() -> Self {
        Effects {
            persuasion_per_impression: 0.004,
            saturation: 5.0,
            attention_half_life_days: 7.0,
            attendance_engagement: 1.0,
            persuasion_half_life_days: 5.0,
            targeting_premium: 0.5,
            psychometric_premium: 0.3,
            literacy_resistance: 0.3,
            trust_loss_per_negative_item: 0.002,
            profile_noise: 0.5,
            mobilisation_per_impression: 0.01,
            face_to_face_mobilisation: 0.5,
            contagion: 0.6,
            mobilisation_half_life_days: 14.0,
            arousal_per_emotional_item: 0.05,
            hostility_per_hate_item: 0.005,
            arousal_half_life_days: 3.0,
            hostility_half_life_days: 365.0,
            trust_half_life_days: 365.0,
            cpm_broadcast: 10.0,
            cpm_targeted: 25.0,
            transparency_credibility: 0.8,
            label_discount: 0.276,
            deliberation_calming: 0.2,
            deliberation_openness: 0.5,
            diet_spread: 1.0,
            affinity_spread: 3.0,
            sharing_age_ratio: 7.0,
            incongruent_weight: 0.3,
            hostility_per_like_minded_item: 0.0003,
            hostility_per_cross_cutting_item: 0.0002,
            pull_range: 0.2,
            persuadable_margin: 0.2,
        }
    }
}

impl Default for Misinformation {
    fn default() -> Self {
        Misinformation {
            stories_per_day: 0.0,
            half_life_hours: 9.0,
            reach: 0.01,
            sharing: 0.05,
            false_boost: 1.7,
            belief_per_item: 0.1,
            belief_half_life_days: 30.0,
            trust_loss_per_item: 0.001,
        }
    }
}

impl Default for Regulation {
    fn default() -> Self {
        Regulation {
            microtargeting: Microtargeting::Allowed,
            psychometric_profiling: Permission::Allowed,
            mood_targeting: Permission::Allowed,
            data_brokers: DataBrokers::Unregulated,
            ad_transparency: false,
            takedown_hours: None,
            detection_lag_hours: 6.0,
            actionable_share: 0.2,
            detection_probability: 0.5,
            bot_labelling: None,
            spending_cap: None,
            frequency_cap: None,
            diverse_exposure: None,
            media_literacy: Vec::new(),
            civic_education: Vec::new(),
            deliberation: None,
        }
    }
}

/// Default values that serde needs as functions.
pub(crate) mod defaults {
    use super::*;

    pub fn seed() -> u64 {
        2026
    }
    pub fn replicates() -> u32 {
        8
    }
    pub fn ideology() -> Distribution {
        Distribution::Normal { mean: 0.0, sd: 0.4 }
    }
    pub fn literacy() -> Distribution {
        Distribution::Beta { a: 2.0, b: 2.0 }
    }
    pub fn trust() -> Distribution {
        Distribution::Beta { a: 2.0, b: 2.0 }
    }
    pub fn reactivity() -> Distribution {
        Distribution::Beta { a: 2.0, b: 2.0 }
    }
    pub fn hostility() -> Distribution {
        Distribution::Beta { a: 2.3, b: 2.7 }
    }
    pub fn media_diet() -> f64 {
        10.0
    }
    /// Turnout by age at the first election: US Census CPS, November 2016, citizens.
    pub fn age_profile() -> Vec<AgeTurnout> {
        [(18, 0.461), (30, 0.587), (45, 0.666), (65, 0.709)]
            .into_iter()
            .map(|(from, turnout)| AgeTurnout { from, turnout })
            .collect()
    }
    pub fn coverage() -> f64 {
        0.5
    }
    pub fn price_per_profile() -> f64 {
        0.02
    }
    pub fn footprint_scale() -> f64 {
        3000.0
    }
    pub fn bot_reach() -> f64 {
        0.02
    }
    pub fn bot_influence() -> f64 {
        0.01
    }
    pub fn data_half_life() -> f64 {
        365.0
    }
    pub fn cost_per_event() -> f64 {
        3000.0
    }
    pub fn literacy_half_life() -> f64 {
        30.0
    }
    pub fn literacy_reach() -> f64 {
        1.0
    }
    pub fn literacy_sessions() -> u32 {
        1
    }

    /// Two parties that do not campaign, so a three-line scenario has a vote to count.
    pub fn parties() -> Vec<Party> {
        vec![
            Party { name: "Left".into(), position: -0.4, budget: 0.0, campaign: Campaign::default() },
            Party { name: "Right".into(), position: 0.4, budget: 0.0, campaign: Campaign::default() },
        ]
    }

    /// The five generational cohorts of `baseline.ron` (see that file for the sources).
    pub fn cohorts() -> Vec<Cohort> {
        /// Name, birth years, share, mean ideology, literacy, trust and reactivity as Beta (a, b),
        /// media diet and stubbornness.
        type Row = (&'static str, (i32, i32), f64, f64, (f64, f64), (f64, f64), (f64, f64), f64, f64);
        const ROWS: [Row; 5] = [
            ("Gen Alpha", (2010, 2016), 0.10, -0.15, (2.0, 3.0), (2.0, 3.0), (3.0, 2.0), 14.0, 0.05),
            ("Gen Z", (1995, 2009), 0.21, -0.15, (2.0, 3.0), (2.0, 3.0), (3.0, 2.0), 14.0, 0.05),
            ("Millennials", (1980, 1994), 0.23, -0.08, (2.5, 2.5), (2.2, 3.0), (2.5, 2.5), 12.0, 0.1),
            ("Gen X", (1965, 1979), 0.21, 0.05, (2.5, 2.5), (2.5, 2.5), (2.0, 2.5), 9.0, 0.15),
            ("Boomers+", (1930, 1964), 0.25, 0.12, (2.0, 2.8), (2.8, 2.5), (2.0, 2.5), 5.0, 0.2),
        ];
        let beta = |(a, b): (f64, f64)| Distribution::Beta { a, b };
        ROWS.iter()
            .map(|&(name, born, share, mean, literacy, trust, reactivity, diet, stubborn)| Cohort {
                name: name.into(),
                born,
                share,
                ideology: Distribution::Normal { mean, sd: 0.45 },
                literacy: beta(literacy),
                trust: beta(trust),
                reactivity: beta(reactivity),
                hostility: hostility(),
                media_diet: diet,
                stubbornness: Some(stubborn),
            })
            .collect()
    }
}
