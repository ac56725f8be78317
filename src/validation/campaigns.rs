//! Campaign targets (docs/VALIDATION.md): vote choice changed per ad impression and the targeting
//! premium on the first day of a one-party campaign in the quiet baseline electorate. Both are
//! mechanism checks: they measure the documented per-impression effects on the voters that
//! received them. Also the helpers the campaign integration tests use ([`first_campaign_day`]).
//! Reads the engine; writes nothing.

use super::labs::quiet_baseline;
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::phases::turnout;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use rayon::prelude::*;
use std::sync::Arc;

/// The family.
pub const FAMILY: Family = Family { name: "campaigns", targets, measure };

const PER_IMPRESSION: &str = "Persuasion: vote choice changed per ad impression";
const PREMIUM: &str = "Persuasion: targeting premium";

/// The declared targets.
pub fn targets() -> Vec<Target> {
    vec![
        Target::new(
            PER_IMPRESSION,
            Kind::MechanismCheck,
            "Coppock, Hill & Vavreck 2020 (+0.7 pp, SE 0.7)",
            Band::Between(0.0, 1.0),
        ),
        Target::new(
            PREMIUM,
            Kind::MechanismCheck,
            "Tappin et al. 2023 (≤ 1.7×); Matz et al. 2017 (≤ 1.4×)",
            Band::Between(1.0, 1.8),
        ),
    ]
}

/// Per eligible voter after the first day of a one-day campaign in which only the first party
/// advertises (persuade only, no fear or hate, free profiles): impressions, targeted impressions,
/// persuasion held at the end of the day, ideology and hostility.
pub struct FirstDay {
    /// Impressions received.
    pub impressions: Vec<f32>,
    /// Of which targeted.
    pub targeted: Vec<f32>,
    /// Ad persuasion held at the end of the day (after one day's decay).
    pub persuasion: Vec<f32>,
    /// Ideology.
    pub ideology: Vec<f32>,
    /// Hostility.
    pub hostility: Vec<f32>,
    /// The scenario.
    pub scenario: Arc<Scenario>,
}

/// Run [`FirstDay`] for a targeting mode (`Micro` or `Broadcast`) and a budget.
pub fn first_campaign_day(targeting: &str, budget: f64, voters: u64, replicate: u32) -> FirstDay {
    let s = quiet_baseline(
        voters,
        &[
            ("timeline.campaign_days", "1".into()),
            ("timeline.elections", "1".into()),
            ("brokers", "[Broker(name: \"DataCo\", coverage: 0.9, psychometric: true, price_per_profile: 0.0)]".into()),
            ("parties[0].budget", format!("{budget:.1}")),
            ("parties[0].campaign.targeting", targeting.into()),
            ("parties[0].campaign.goal", "Goal(persuade: 1.0, mobilise: 0.0, demobilise: 0.0)".into()),
            ("parties[0].campaign.tone", "Tone(fear: 0.0, hate: 0.0)".into()),
            ("parties[0].campaign.cohort_focus", "{}".into()),
            // One impression at most per voter: a budget of a little more than one impression
            // per voter reaches everybody the campaign scores above zero exactly once.
            ("parties[0].campaign.frequency_cap", "Some(1)".into()),
        ],
    );
    let mut sim = Simulation::new(s.clone(), replicate);
    sim.step();
    let year = sim.world.resource::<crate::sim::resources::Clock>().year;
    use crate::agents::*;
    // On the first campaign day the campaign's exposure counters hold that day's impressions.
    let mut q = sim.world.query::<(&VoterId, &Demography, &Exposure, &CampaignContact, &Ideology, &Affect)>();
    let mut rows: Vec<(u32, f32, f32, f32, f32, f32)> = q
        .iter(&sim.world)
        .filter(|(_, d, ..)| turnout::eligible(&s, d.born, d.dies, year))
        .map(|(id, _, seen, c, x, a)| (id.0, seen.ads, seen.targeted, c.persuasion, x.x, a.hostility))
        .collect();
    rows.sort_by_key(|r| r.0);
    FirstDay {
        impressions: rows.iter().map(|r| r.1).collect(),
        targeted: rows.iter().map(|r| r.2).collect(),
        persuasion: rows.iter().map(|r| r.3).collect(),
        ideology: rows.iter().map(|r| r.4).collect(),
        hostility: rows.iter().map(|r| r.5).collect(),
        scenario: s,
    }
}

/// Percentage points of vote choice changed per broadcast impression on the first campaign day:
/// the share of recipients whose nearest party differs with and without the day's ad shift.
pub fn vote_choice_per_impression(day: &FirstDay) -> f64 {
    let s = &day.scenario;
    let keep = (-1.0 / s.effects.persuasion_half_life_days).exp2() as f32;
    let (mut flips, mut impressions) = (0.0, 0.0);
    for i in 0..day.persuasion.len() {
        impressions += f64::from(day.impressions[i]);
        let x = f64::from(day.ideology[i]);
        let (h, push) = (f64::from(day.hostility[i]), s.turnout.hostility_push);
        let shifted = (x + f64::from(day.persuasion[i] / keep)).clamp(-1.0, 1.0);
        flips += f64::from(u8::from(
            turnout::choose_party(shifted, h, &s.parties, push) != turnout::choose_party(x, h, &s.parties, push),
        ));
    }
    if impressions > 0.0 { 100.0 * flips / impressions } else { 0.0 }
}

/// Persuasion of one targeted impression relative to one broadcast impression to the same voter.
pub fn targeting_premium(targeted: &FirstDay, broadcast: &FirstDay) -> f64 {
    let (mut t, mut b) = (0.0f64, 0.0f64);
    for i in 0..targeted.persuasion.len().min(broadcast.persuasion.len()) {
        if targeted.targeted[i] == 1.0 && targeted.impressions[i] == 1.0 && broadcast.impressions[i] == 1.0 {
            t += f64::from(targeted.persuasion[i].abs());
            b += f64::from(broadcast.persuasion[i].abs());
        }
    }
    if b > 0.0 { t / b } else { 0.0 }
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let voters = e.voters * 10;
    // About one impression per eligible voter: budgets in real money for the 60 M electorate.
    let per_impression: Vec<f64> = (0..e.runs)
        .into_par_iter()
        .map(|r| vote_choice_per_impression(&first_campaign_day("Broadcast", 600_000.0, voters, r)))
        .collect();
    let premium: Vec<f64> = (0..e.runs)
        .into_par_iter()
        .map(|r| {
            targeting_premium(
                &first_campaign_day("Micro", 1_600_000.0, voters, r),
                &first_campaign_day("Broadcast", 600_000.0, voters, r),
            )
        })
        .collect();
    vec![
        Measured::new(
            PER_IMPRESSION,
            format!("quiet baseline electorate, {voters} voters, one day of broadcast ads (≈ 1 per voter), {} runs", e.runs),
            per_impression,
        ),
        Measured::new(
            PREMIUM,
            format!("same voters, one targeted vs one broadcast impression, {voters} voters, {} runs", e.runs),
            premium,
        ),
    ]
}
