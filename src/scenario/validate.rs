//! Semantic validation of a parsed scenario: ranges, sums, cross-references and resource limits.
//! Reads a [`Scenario`]; returns every problem found (never stops at the first), each naming its
//! field path. Locating them in the text is the loader's job.

use super::error::{Problem, Range, nearest_name};
use super::types::*;

/// Resources the run may use, supplied by the caller (the library does not probe the machine).
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Memory the run may use, in bytes; `None` skips the check.
    pub memory_bytes: Option<u64>,
    /// Worlds simulated at the same time (parallel replicates).
    pub concurrent_worlds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { memory_bytes: None, concurrent_worlds: 1 }
    }
}

/// Estimated peak bytes per simulated voter: components with their change ticks, snapshot,
/// inboxes and per-step buffers, plus the CSR graph (4 bytes per tie end, plus the edge list
/// while it is built). Measured: ≈ 517–543 bytes per voter at mean degree 20, 1M–10M voters
/// (docs/PERFORMANCE.md).
pub fn bytes_per_voter(network: &Network) -> u64 {
    const STATE: f64 = 380.0;
    (STATE + 8.0 * network.mean_degree.max(0.0)) as u64
}

/// Largest population accepted.
pub const MAX_POPULATION: u64 = 50_000_000;

/// Check a scenario; an empty list means it is valid.
pub fn validate(s: &Scenario, limits: &Limits) -> Vec<Problem> {
    let mut c = Checker::default();
    if s.name.trim().is_empty() {
        c.push(Problem::new("name", "the scenario name is empty").expected("a short name such as \"baseline\""));
    } else if s.name.chars().any(|ch| matches!(ch, '/' | '\\' | '\0') || ch.is_control()) {
        c.push(
            Problem::new("name", format!("the name {:?} cannot name a results folder", s.name))
                .expected("letters, digits, '-', '_' or spaces"),
        );
    }
    c.int("replicates", u64::from(s.replicates), 1, 10_000);
    timeline(&mut c, &s.timeline);
    let cohort_names: Vec<&str> = s.population.cohorts.iter().map(|k| k.name.as_str()).collect();
    population(&mut c, s, limits);
    network(&mut c, &s.network, s.population.size);
    influence(&mut c, &s.influence);
    turnout(&mut c, &s.turnout);
    platform(&mut c, &s.platform);
    parties(&mut c, &s.parties, &cohort_names);
    effects(&mut c, &s.effects);
    for (i, b) in s.brokers.iter().enumerate() {
        let p = format!("brokers[{i}]");
        c.unit(&format!("{p}.coverage"), b.coverage);
        c.range(&format!("{p}.price_per_profile"), b.price_per_profile, 0.0, 1e6);
        c.range(&format!("{p}.footprint_scale"), b.footprint_scale, 1e-6, 1e9);
        c.range(&format!("{p}.data_half_life_days"), b.data_half_life_days, 1.0, 100_000.0);
    }
    c.unique("brokers", s.brokers.iter().map(|b| b.name.as_str()));
    if let Some(b) = &s.bots {
        c.range("bots.share", b.share, 0.0, 0.9);
        c.range("bots.stance", b.stance, -1.0, 1.0);
        c.range("bots.posts_per_day", b.posts_per_day, 0.0, 1000.0);
        c.unit("bots.misinformation", b.misinformation);
        c.unit("bots.hate", b.hate);
        c.unit("bots.reach", b.reach);
        c.range("bots.influence", b.influence, 0.0, 0.5);
    }
    c.range("misinformation.stories_per_day", s.misinformation.stories_per_day, 0.0, 1000.0);
    let m = &s.misinformation;
    c.range("misinformation.half_life_hours", m.half_life_hours, 0.1, 1000.0);
    c.unit("misinformation.reach", m.reach);
    c.unit("misinformation.sharing", m.sharing);
    c.range("misinformation.false_boost", m.false_boost, 1.0, 10.0);
    c.unit("misinformation.belief_per_item", m.belief_per_item);
    c.range("misinformation.belief_half_life_days", m.belief_half_life_days, 0.1, 10_000.0);
    c.range("misinformation.trust_loss_per_item", m.trust_loss_per_item, 0.0, 0.1);
    regulation(&mut c, &s.regulation, &cohort_names);
    c.problems
}

fn timeline(c: &mut Checker, t: &Timeline) {
    c.int("timeline.start_year", i64::from(t.start_year), 1900, 2200);
    c.int("timeline.elections", u64::from(t.elections), 1, 20);
    c.int("timeline.years_between", u64::from(t.years_between), 1, 10);
    c.int("timeline.campaign_days", u64::from(t.campaign_days), 1, 730);
    c.int("timeline.offseason_step_days", u64::from(t.offseason_step_days), 1, 365);
    if u64::from(t.campaign_days) > u64::from(t.years_between) * 365 {
        c.push(
            Problem::new("timeline.campaign_days", "campaigns are longer than the time between elections")
                .expected(format!("at most {} days", t.years_between * 365)),
        );
    }
}

fn population(c: &mut Checker, s: &Scenario, limits: &Limits) {
    let p = &s.population;
    c.int("population.size", p.size, 10, MAX_POPULATION);
    if let Some(r) = p.represents
        && r < p.size
    {
        c.push(
            Problem::new(
                "population.represents",
                format!("the sample ({}) is larger than the electorate it represents ({r})", p.size),
            )
            .expected("None or a number ≥ population.size"),
        );
    }
    c.int("population.voting_age", u64::from(p.voting_age), 14, 30);
    c.int("population.places", u64::from(p.places), 1, 65_535);
    if p.cohorts.is_empty() {
        c.push(Problem::new("population.cohorts", "there are no cohorts").expected("at least one Cohort(...)"));
    }
    if p.cohorts.len() > 255 {
        c.push(Problem::new("population.cohorts", "more than 255 cohorts"));
    }
    c.unique("population.cohorts", p.cohorts.iter().map(|k| k.name.as_str()));
    let total: f64 = p.cohorts.iter().map(|k| k.share).sum();
    if !p.cohorts.is_empty() && (total - 1.0).abs() > 1e-6 {
        c.push(
            Problem::new("population.cohorts", format!("cohort shares sum to {total:.6}, not 1"))
                .expected("shares that add up to 1 (±1e-6)"),
        );
    }
    let latest_voter = s.timeline.start_year - p.voting_age as i32;
    if !p.cohorts.is_empty() && p.cohorts.iter().all(|k| k.born.0 > latest_voter) {
        c.push(
            Problem::new(
                "population.cohorts",
                format!("nobody is of voting age at the first election: everyone is born after {latest_voter}"),
            )
            .expected("a cohort born before the first election year minus the voting age"),
        );
    }
    for (i, k) in p.cohorts.iter().enumerate() {
        let path = format!("population.cohorts[{i}]");
        if k.name.trim().is_empty() {
            c.push(Problem::new(format!("{path}.name"), "a cohort has an empty name"));
        }
        if k.born.0 > k.born.1 {
            c.push(
                Problem::new(
                    format!("{path}.born"),
                    format!("first birth year {} is after the last {}", k.born.0, k.born.1),
                )
                .expected("(first, last) with first ≤ last"),
            );
        }
        c.int(&format!("{path}.born"), i64::from(k.born.0), 1880, i64::from(s.timeline.start_year));
        c.unit(&format!("{path}.share"), k.share);
        c.distribution(&format!("{path}.ideology"), &k.ideology, -1.0, 1.0);
        c.distribution(&format!("{path}.literacy"), &k.literacy, 0.0, 1.0);
        c.distribution(&format!("{path}.trust"), &k.trust, 0.0, 1.0);
        c.distribution(&format!("{path}.reactivity"), &k.reactivity, 0.0, 1.0);
        c.distribution(&format!("{path}.hostility"), &k.hostility, 0.0, 1.0);
        c.range(&format!("{path}.media_diet"), k.media_diet, 0.0, 500.0);
        if let Some(st) = k.stubbornness {
            c.unit(&format!("{path}.stubbornness"), st);
        }
    }
    if let Some(m) = &p.mortality {
        c.range("population.mortality.background", m.background, 0.0, 0.1);
        c.range("population.mortality.at_65", m.at_65, 0.0, 1.0);
        c.range("population.mortality.doubling_years", m.doubling_years, 1.0, 30.0);
        let span = s.timeline.elections.saturating_sub(1).saturating_mul(s.timeline.years_between);
        if f64::from(span) > crate::agents::Demography::MAX_YEARS_OF_DEATHS {
            c.push(
                Problem::new(
                    "population.mortality",
                    format!(
                        "the run spans {span} years, and deaths are recorded up to {} years after the first election",
                        crate::agents::Demography::MAX_YEARS_OF_DEATHS
                    ),
                )
                .help("simulate fewer elections, or set `mortality: None` (nobody dies)"),
            );
        }
    }
    if let Some(available) = limits.memory_bytes {
        let need = bytes_per_voter(&s.network).saturating_mul(p.size).saturating_mul(limits.concurrent_worlds.max(1));
        if need > available {
            c.push(
                Problem::new("population.size", format!(
                    "{} voters need about {:.1} GB ({} bytes per voter × {} world(s) at once), more than the {:.1} GB available",
                    p.size, need as f64 / 1e9, bytes_per_voter(&s.network), limits.concurrent_worlds.max(1), available as f64 / 1e9
                ))
                .help("lower population.size (results scale: 100 000 voters give turnout to a fraction of a point) or use --threads 1 (--force skips this check)"),
            );
        }
    }
}

fn network(c: &mut Checker, n: &Network, size: u64) {
    c.range("network.mean_degree", n.mean_degree, 0.0, 1000.0);
    if n.mean_degree.is_finite() && n.mean_degree >= size as f64 && size >= 10 {
        c.push(
            Problem::new("network.mean_degree", format!("mean degree {} needs more than {size} voters", n.mean_degree))
                .expected(format!("less than {size}")),
        );
    }
    c.unit("network.homophily", n.homophily);
    c.unit("network.locality", n.locality);
    c.unit("network.offline_share", n.offline_share);
}

fn influence(c: &mut Checker, i: &Influence) {
    match &i.rule {
        Rule::BoundedConfidence { epsilon, mu } => {
            c.range("influence.rule.epsilon", *epsilon, 1e-9, 2.0);
            c.range("influence.rule.mu", *mu, 1e-9, 0.5);
        }
        Rule::HegselmannKrause { epsilon } => c.range("influence.rule.epsilon", *epsilon, 1e-9, 2.0),
        Rule::Voter => {}
    }
    c.unit("influence.emotion_narrowing", i.emotion_narrowing);
    if let Some(r) = &i.repulsion {
        c.range("influence.repulsion.threshold", r.threshold, 1e-9, 2.0);
        c.range("influence.repulsion.rate", r.rate, 0.0, 0.5);
    }
    c.unit("influence.stubbornness", i.stubbornness);
    c.range("influence.noise", i.noise, 0.0, 0.5);
    c.range("influence.interactions_per_day", i.interactions_per_day, 0.0, 50.0);
    c.unit("influence.offseason_activity", i.offseason_activity);
    c.unit("influence.offline_weight", i.offline_weight);
}

fn turnout(c: &mut Checker, t: &Turnout) {
    if t.age_profile.is_empty() || t.age_profile.len() > 20 {
        c.push(
            Problem::new("turnout.age_profile", format!("{} age groups", t.age_profile.len()))
                .expected("1 to 20 AgeTurnout(from: ..., turnout: ...) groups"),
        );
    }
    for (i, g) in t.age_profile.iter().enumerate() {
        c.range(&format!("turnout.age_profile[{i}].turnout"), g.turnout, 0.001, 0.999);
        c.int(&format!("turnout.age_profile[{i}].from"), u64::from(g.from), 0, 120);
        if i > 0 && g.from <= t.age_profile[i - 1].from {
            c.push(
                Problem::new(
                    format!("turnout.age_profile[{i}].from"),
                    format!(
                        "age group starts at {}, not after the previous group's {}",
                        g.from,
                        t.age_profile[i - 1].from
                    ),
                )
                .expected("groups in increasing order of their first age"),
            );
        }
    }
    c.range("turnout.propensity_concentration", t.propensity_concentration, 0.1, 1000.0);
    c.unit("turnout.habit.gain", t.habit.gain);
    c.unit("turnout.habit.first_elections_gain", t.habit.first_elections_gain);
    c.int("turnout.habit.first_elections", u64::from(t.habit.first_elections), 0, 10);
    c.unit("turnout.habit.decay", t.habit.decay);
    c.range("turnout.habit_weight", t.habit_weight, 0.0, 20.0);
    c.range("turnout.mobilisation_weight", t.mobilisation_weight, 0.0, 10.0);
    c.range("turnout.trust_weight", t.trust_weight, 0.0, 10.0);
    c.range("turnout.arousal_weight", t.arousal_weight, 0.0, 10.0);
    c.range("turnout.alienation_weight", t.alienation_weight, 0.0, 10.0);
    c.range("turnout.at_home_bonus", t.at_home_bonus, 0.0, 3.0);
    c.int("turnout.at_home_until", u64::from(t.at_home_until), 0, 40);
    c.unit("turnout.hostility_push", t.hostility_push);
}

fn platform(c: &mut Checker, p: &Platform) {
    if let Ranking::Engagement { like_minded, emotional_boost } = p.ranking {
        c.unit("platform.ranking.like_minded", like_minded);
        c.range("platform.ranking.emotional_boost", emotional_boost, 1.0, 10.0);
    }
    c.unit("platform.political_share", p.political_share);
    c.range("platform.human_posts_per_day", p.human_posts_per_day, 0.0, 100.0);
}

fn parties(c: &mut Checker, parties: &[Party], cohorts: &[&str]) {
    if parties.is_empty() {
        c.push(Problem::new("parties", "there are no parties to vote for").expected("at least one Party(...)"));
    }
    if parties.len() > 64 {
        c.push(Problem::new("parties", "more than 64 parties"));
    }
    c.unique("parties", parties.iter().map(|p| p.name.as_str()));
    for (i, party) in parties.iter().enumerate() {
        let p = format!("parties[{i}]");
        c.range(&format!("{p}.position"), party.position, -1.0, 1.0);
        c.range(&format!("{p}.budget"), party.budget, 0.0, 1e13);
        let g = &party.campaign.goal;
        c.range(&format!("{p}.campaign.goal.persuade"), g.persuade, 0.0, 1e6);
        c.range(&format!("{p}.campaign.goal.mobilise"), g.mobilise, 0.0, 1e6);
        c.range(&format!("{p}.campaign.goal.demobilise"), g.demobilise, 0.0, 1e6);
        if g.persuade + g.mobilise + g.demobilise <= 0.0 {
            c.push(
                Problem::new(format!("{p}.campaign.goal"), "the goal weights are all zero")
                    .expected("at least one positive weight"),
            );
        }
        let t = &party.campaign.tone;
        c.unit(&format!("{p}.campaign.tone.fear"), t.fear);
        c.unit(&format!("{p}.campaign.tone.hate"), t.hate);
        if t.fear + t.hate > 1.0 + 1e-9 {
            c.push(
                Problem::new(format!("{p}.campaign.tone"), format!("fear + hate = {} exceeds 1", t.fear + t.hate))
                    .expected("shares of messages adding up to at most 1"),
            );
        }
        for (name, w) in &party.campaign.cohort_focus {
            let path = format!("{p}.campaign.cohort_focus[\"{name}\"]");
            c.cohort_ref(&path, name, cohorts);
            c.range(&path, *w, 0.0, 1e6);
        }
        if let Some(cap) = party.campaign.frequency_cap {
            c.int(&format!("{p}.campaign.frequency_cap"), u64::from(cap), 1, 255);
        }
        if let Pacing::LateWeighted { days, share } = party.campaign.pacing {
            c.int(&format!("{p}.campaign.pacing.days"), u64::from(days), 1, 100_000);
            c.unit(&format!("{p}.campaign.pacing.share"), share);
        }
        if let Some(g) = &party.campaign.grassroots {
            let gp = format!("{p}.campaign.grassroots");
            c.int(&format!("{gp}.events"), u64::from(g.events), 0, 100_000);
            c.int(&format!("{gp}.places"), u64::from(g.places), 1, 65_535);
            c.int(&format!("{gp}.attendees"), u64::from(g.attendees), 0, 10_000_000);
            c.range(&format!("{gp}.ticket"), g.ticket, 0.0, 1e6);
            c.range(&format!("{gp}.cost_per_event"), g.cost_per_event, 0.0, 1e9);
            for (j, name) in g.cohorts.iter().enumerate() {
                c.cohort_ref(&format!("{gp}.cohorts[{j}]"), name, cohorts);
            }
        }
    }
}

fn effects(c: &mut Checker, e: &Effects) {
    c.range("effects.persuasion_per_impression", e.persuasion_per_impression, 0.0, 0.1);
    c.range("effects.saturation", e.saturation, 1.0, 100.0);
    c.range("effects.attention_half_life_days", e.attention_half_life_days, 0.1, 365.0);
    c.range("effects.attendance_engagement", e.attendance_engagement, 0.0, 5.0);
    c.range("effects.persuasion_half_life_days", e.persuasion_half_life_days, 0.1, 365.0);
    c.range("effects.targeting_premium", e.targeting_premium, 0.0, 2.0);
    c.unit("effects.psychometric_premium", e.psychometric_premium);
    c.unit("effects.literacy_resistance", e.literacy_resistance);
    c.range("effects.trust_loss_per_negative_item", e.trust_loss_per_negative_item, 0.0, 0.1);
    c.range("effects.profile_noise", e.profile_noise, 0.0, 2.0);
    c.unit("effects.mobilisation_per_impression", e.mobilisation_per_impression);
    c.unit("effects.face_to_face_mobilisation", e.face_to_face_mobilisation);
    c.unit("effects.contagion", e.contagion);
    c.range("effects.mobilisation_half_life_days", e.mobilisation_half_life_days, 0.1, 365.0);
    c.unit("effects.arousal_per_emotional_item", e.arousal_per_emotional_item);
    c.unit("effects.hostility_per_hate_item", e.hostility_per_hate_item);
    c.range("effects.arousal_half_life_days", e.arousal_half_life_days, 0.1, 365.0);
    c.range("effects.hostility_half_life_days", e.hostility_half_life_days, 1.0, 100_000.0);
    c.range("effects.trust_half_life_days", e.trust_half_life_days, 1.0, 100_000.0);
    c.range("effects.cpm_broadcast", e.cpm_broadcast, 1e-6, 1e6);
    c.range("effects.cpm_targeted", e.cpm_targeted, 1e-6, 1e6);
    c.unit("effects.transparency_credibility", e.transparency_credibility);
    c.unit("effects.label_discount", e.label_discount);
    c.unit("effects.deliberation_calming", e.deliberation_calming);
    c.range("effects.deliberation_openness", e.deliberation_openness, 0.0, 2.0);
    c.range("effects.diet_spread", e.diet_spread, 0.0, 3.0);
    c.range("effects.affinity_spread", e.affinity_spread, 0.0, 5.0);
    c.range("effects.sharing_age_ratio", e.sharing_age_ratio, 1.0, 50.0);
    c.unit("effects.incongruent_weight", e.incongruent_weight);
    c.range("effects.hostility_per_like_minded_item", e.hostility_per_like_minded_item, 0.0, 0.1);
    c.range("effects.hostility_per_cross_cutting_item", e.hostility_per_cross_cutting_item, 0.0, 0.1);
    c.range("effects.pull_range", e.pull_range, 0.01, 2.0);
    c.range("effects.persuadable_margin", e.persuadable_margin, 0.01, 2.0);
}

fn regulation(c: &mut Checker, r: &Regulation, cohorts: &[&str]) {
    if let Microtargeting::MinAudience(n) = r.microtargeting {
        c.int("regulation.microtargeting", n, 1, u64::MAX);
    }
    if let DataBrokers::Consent { opt_in } = r.data_brokers {
        c.unit("regulation.data_brokers.opt_in", opt_in);
    }
    if let Some(h) = r.takedown_hours {
        c.range("regulation.takedown_hours", h, 0.0, 100_000.0);
    }
    c.range("regulation.detection_lag_hours", r.detection_lag_hours, 0.0, 1000.0);
    c.unit("regulation.actionable_share", r.actionable_share);
    c.unit("regulation.detection_probability", r.detection_probability);
    if let Some(l) = r.bot_labelling {
        c.unit("regulation.bot_labelling", l);
    }
    if let Some(cap) = r.spending_cap {
        c.range("regulation.spending_cap", cap, 0.0, 1e13);
    }
    if let Some(cap) = r.frequency_cap {
        c.int("regulation.frequency_cap", u64::from(cap), 1, 255);
    }
    if let Some(d) = r.diverse_exposure {
        c.unit("regulation.diverse_exposure", d);
    }
    for (i, m) in r.media_literacy.iter().enumerate() {
        let p = format!("regulation.media_literacy[{i}]");
        c.unit(&format!("{p}.boost"), m.boost);
        c.years(&format!("{p}.years"), m.years);
        c.range(&format!("{p}.half_life_days"), m.half_life_days, 0.1, 100_000.0);
        c.unit(&format!("{p}.reach"), m.reach);
        c.int(&format!("{p}.sessions_per_year"), u64::from(m.sessions_per_year), 1, 365);
        for (j, name) in m.cohorts.iter().enumerate() {
            c.cohort_ref(&format!("{p}.cohorts[{j}]"), name, cohorts);
        }
    }
    for (i, e) in r.civic_education.iter().enumerate() {
        let p = format!("regulation.civic_education[{i}]");
        c.unit(&format!("{p}.reach"), e.reach);
        c.unit(&format!("{p}.habit_boost"), e.habit_boost);
        c.years(&format!("{p}.years"), e.years);
        for (j, name) in e.cohorts.iter().enumerate() {
            c.cohort_ref(&format!("{p}.cohorts[{j}]"), name, cohorts);
        }
    }
    if let Some(d) = &r.deliberation {
        c.unit("regulation.deliberation.share", d.share);
        for (j, name) in d.cohorts.iter().enumerate() {
            c.cohort_ref(&format!("regulation.deliberation.cohorts[{j}]"), name, cohorts);
        }
    }
}

/// Collects problems with uniform wording.
#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// A finite number in [lo, hi]; NaN and infinities are named.
    fn range(&mut self, path: &str, v: f64, lo: f64, hi: f64) {
        let message = if !v.is_finite() {
            format!("{v} is not a finite number")
        } else if v < lo || v > hi {
            format!("{v} is out of range")
        } else {
            return;
        };
        self.push(Problem::new(path, message).expected(format!("a number in [{lo}, {hi}]")).range(Range {
            min: lo,
            max: hi,
            integer: false,
        }));
    }

    fn unit(&mut self, path: &str, v: f64) {
        self.range(path, v, 0.0, 1.0);
    }

    fn int<T: Into<i128> + Copy + std::fmt::Display>(&mut self, path: &str, v: T, lo: T, hi: T) {
        let (x, l, h) = (v.into(), lo.into(), hi.into());
        if x < l || x > h {
            self.push(
                Problem::new(path, format!("{v} is out of range"))
                    .expected(format!("a whole number from {lo} to {hi}"))
                    .range(Range { min: l as f64, max: h as f64, integer: true }),
            );
        }
    }

    fn years(&mut self, path: &str, (first, last): (i32, i32)) {
        if first > last {
            self.push(
                Problem::new(path, format!("first year {first} is after last year {last}"))
                    .expected("(first, last) with first ≤ last"),
            );
        }
    }

    fn unique<'a>(&mut self, path: &str, names: impl Iterator<Item = &'a str>) {
        let mut seen: Vec<&str> = Vec::new();
        for (i, n) in names.enumerate() {
            if seen.contains(&n) {
                self.push(
                    Problem::new(format!("{path}[{i}].name"), format!("the name {n:?} is used twice"))
                        .expected("unique names"),
                );
            }
            seen.push(n);
        }
    }

    fn cohort_ref(&mut self, path: &str, name: &str, cohorts: &[&str]) {
        if !cohorts.contains(&name) {
            let mut p = Problem::new(path, format!("there is no cohort named {name:?}")).expected(format!(
                "one of {}",
                cohorts.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
            ));
            if let Some(n) = nearest_name(name, cohorts.iter().copied()) {
                p = p.help(format!("did you mean {n:?}?"));
            }
            self.push(p);
        }
    }

    fn distribution(&mut self, path: &str, d: &Distribution, lo: f64, hi: f64) {
        match *d {
            Distribution::Fixed(v) => self.range(path, v, lo, hi),
            Distribution::Uniform { min, max } => {
                self.range(&format!("{path}.min"), min, lo, hi);
                self.range(&format!("{path}.max"), max, lo, hi);
                if min > max {
                    self.push(Problem::new(path, format!("min {min} is above max {max}")));
                }
            }
            Distribution::Normal { mean, sd } => {
                self.range(&format!("{path}.mean"), mean, lo, hi);
                self.range(&format!("{path}.sd"), sd, 0.0, hi - lo);
            }
            Distribution::Beta { a, b } => {
                self.range(&format!("{path}.a"), a, 1e-3, 1e4);
                self.range(&format!("{path}.b"), b, 1e-3, 1e4);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        ron::from_str("Scenario(name: \"t\")").unwrap()
    }

    #[test]
    fn range_problems_carry_the_range_they_word() {
        let mut s = base();
        s.network.homophily = 2.0;
        s.timeline.elections = 0;
        s.effects.saturation = f64::NAN;
        s.population.cohorts[0].share = 0.5;
        let problems = validate(&s, &Limits::default());
        let ranges: Vec<_> =
            problems.iter().map(|p| (p.path.as_str(), p.expected.as_deref().unwrap_or(""), p.range)).collect();
        let range = |min, max, integer| Some(Range { min, max, integer });
        assert_eq!(
            ranges,
            [
                ("timeline.elections", "a whole number from 1 to 20", range(1.0, 20.0, true)),
                ("population.cohorts", "shares that add up to 1 (±1e-6)", None),
                ("network.homophily", "a number in [0, 1]", range(0.0, 1.0, false)),
                ("effects.saturation", "a number in [1, 100]", range(1.0, 100.0, false)),
            ]
        );
    }

    #[test]
    fn the_defaults_are_valid() {
        assert_eq!(validate(&base(), &Limits::default()), vec![]);
    }

    #[test]
    fn shares_must_sum_to_one() {
        let mut s = base();
        s.population.cohorts[0].share = 0.5;
        let problems = validate(&s, &Limits::default());
        assert!(problems.iter().any(|p| p.path == "population.cohorts" && p.message.contains("sum")), "{problems:?}");
    }

    #[test]
    fn unknown_cohort_names_get_a_suggestion() {
        let mut s = base();
        s.regulation.media_literacy.push(Programme {
            cohorts: vec!["Gen Y".into()],
            boost: 0.1,
            years: (2026, 2030),
            half_life_days: 42.0,
            reach: 1.0,
            sessions_per_year: 1,
        });
        let problems = validate(&s, &Limits::default());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "regulation.media_literacy[0].cohorts[0]");
        assert_eq!(problems[0].help.as_deref(), Some("did you mean \"Gen Z\"?"));
    }

    #[test]
    fn non_finite_numbers_are_named() {
        let mut s = base();
        s.network.homophily = f64::NAN;
        s.effects.saturation = f64::INFINITY;
        let problems = validate(&s, &Limits::default());
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.contains("NaN"));
    }

    #[test]
    fn populations_that_do_not_fit_in_memory_are_refused_with_the_estimate() {
        let mut s = base();
        s.population.size = 40_000_000;
        let problems = validate(&s, &Limits { memory_bytes: Some(1_000_000_000), concurrent_worlds: 1 });
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("GB"), "{}", problems[0].message);
    }
}
