//! Grassroots events (`docs/MODEL.md` §7.4): which of a party's events are held today and which
//! voters attend them. Called by the targeting phase's planning system, which books the
//! attendance, ticket income and event costs in the party's ledger; the face-to-face mobilisation
//! of attendees is applied with the rest of each voter's campaign contact
//! (`contact::CampaignEffects`), whether or not tickets are sold.
//!
//! Reads the scenario, the voters' places and cohorts (`VoterTable`), who is eligible today and
//! each candidate's turnout propensity; writes nothing but the lists it returns.

use super::stochastic_round;
use crate::scenario::{Grassroots, Scenario};
use crate::sim::resources::VoterTable;
use crate::sim::rng::{self, tag};
use rand::RngExt;

/// The party's events held on campaign day `day`: event e is held on day
/// ⌊(2e + 1) · campaign_days / (2 · events)⌋, so events are spread evenly over the campaign.
pub fn events_on(s: &Scenario, g: &Grassroots, day: u32) -> Vec<u32> {
    let days = u64::from(s.timeline.campaign_days);
    (0..g.events).filter(|&e| (u64::from(e) * 2 + 1) * days / (2 * u64::from(g.events)) == u64::from(day)).collect()
}

/// Attendees of the party's `events` (held today), as sorted, distinct `VoterId`s (a voter
/// attending several of the party's events counts once). Event e is held in place `e mod places`
/// and draws `attendees` real-world attendees (scaled and rounded at random) from the eligible
/// voters of that place and of the named cohorts, without replacement, each with weight `p^k`:
/// its turnout propensity `p` (`propensity(voter)`) to the power `effects.attendance_engagement`,
/// so the already engaged come more often. The sample takes the largest keys `ln(u) / p^k`
/// (Efraimidis & Spirakis 2006), u from the stream (`EVENTS`, e, 64 · `step` + `p`) in voter
/// order.
#[allow(clippy::too_many_arguments)]
pub fn attendees(
    s: &Scenario,
    p: usize,
    g: &Grassroots,
    events: &[u32],
    table: &VoterTable,
    eligible: &[bool],
    propensity: &dyn Fn(usize) -> f64,
    replicate: u32,
    step: u64,
    scale: f64,
) -> Vec<u32> {
    if events.is_empty() {
        return Vec::new();
    }
    let places = g.places.min(s.population.places).max(1);
    let cohorts: Vec<usize> = if g.cohorts.is_empty() {
        (0..s.population.cohorts.len()).collect()
    } else {
        g.cohorts.iter().filter_map(|name| s.population.cohorts.iter().position(|c| &c.name == name)).collect()
    };
    let engagement = s.effects.attendance_engagement;
    let mut attendees = Vec::new();
    for &e in events {
        let place = (e % places) as u16;
        let mut rng = rng::stream(s.seed, replicate, tag::EVENTS, u64::from(e), step * 64 + p as u64);
        let wanted = stochastic_round(f64::from(g.attendees) * scale, rng.random::<f64>()) as usize;
        let mut keyed: Vec<(f64, u32)> = (0..table.len())
            .filter(|&i| eligible[i] && table.place[i] == place && cohorts.contains(&(table.cohort[i] as usize)))
            .map(|i| {
                let weight = propensity(i).powf(engagement).max(f64::MIN_POSITIVE);
                (rng.random::<f64>().ln() / weight, i as u32)
            })
            .collect();
        let wanted = wanted.min(keyed.len());
        if wanted == 0 {
            continue;
        }
        // The largest keys (ties, vanishingly rare, broken by voter order).
        let by_key = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        keyed.select_nth_unstable_by(wanted - 1, by_key);
        attendees.extend(keyed[..wanted].iter().map(|&(_, i)| i));
    }
    attendees.sort_unstable();
    attendees.dedup();
    attendees
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing::tiny_scenario;

    fn table(place: Vec<u16>) -> VoterTable {
        let n = place.len();
        VoterTable {
            cohort: vec![0; n],
            place,
            born: vec![1980.0; n],
            dies: vec![crate::agents::Demography::NEVER; n],
            reactivity: vec![0.5; n],
            cohort_sizes: vec![n as u64],
            first_death: f64::INFINITY,
        }
    }

    #[test]
    fn attendees_are_distinct_eligible_voters_of_the_event_place_on_its_day() {
        // Five campaign days, five events in one place: one event a day, in place 0.
        let s = tiny_scenario("");
        let g = grassroots(5, 4);
        let table = table((0..60).map(|v| (v % 2) as u16).collect());
        let eligible: Vec<bool> = (0..60).map(|v| v % 3 != 0).collect();
        let even = |_: usize| 0.5;
        for day in 0..5 {
            let today = events_on(&s, &g, day);
            assert_eq!(today, vec![day], "one event a day");
            let a = attendees(&s, 0, &g, &today, &table, &eligible, &even, 0, u64::from(day), 1.0);
            assert_eq!(a.len(), 4, "day {day}");
            assert!(a.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
            assert!(a.iter().all(|&v| eligible[v as usize] && table.place[v as usize] == 0));
            assert_eq!(
                a,
                attendees(&s, 0, &g, &today, &table, &eligible, &even, 0, u64::from(day), 1.0),
                "deterministic"
            );
        }
    }

    fn grassroots(events: u32, attendees: u32) -> Grassroots {
        Grassroots { events, places: 1, attendees, ticket: 10.0, cost_per_event: 100.0, cohorts: Vec::new() }
    }

    #[test]
    fn the_engaged_attend_more_often() {
        let s = tiny_scenario("");
        let g = grassroots(1, 10);
        let table = table(vec![0; 200]);
        // Voters 0–99 vote with probability 0.8, voters 100–199 with 0.2: with the default
        // exponent 1 the first half is four times as likely to come.
        let propensity = |i: usize| if i < 100 { 0.8 } else { 0.2 };
        let (mut engaged, mut total) = (0, 0);
        for step in 0..200 {
            let a = attendees(&s, 0, &g, &[0], &table, &[true; 200], &propensity, 0, step, 1.0);
            engaged += a.iter().filter(|&&v| v < 100).count();
            total += a.len();
        }
        let share = engaged as f64 / total as f64;
        assert!((0.75..0.85).contains(&share), "engaged share {share}, expected about 0.8");
    }

    #[test]
    fn no_events_no_pool_no_attendees() {
        let s = tiny_scenario("");
        let table = table(vec![0; 60]);
        let even = |_: usize| 0.5;
        assert!(events_on(&s, &grassroots(0, 4), 0).is_empty());
        assert!(attendees(&s, 0, &grassroots(0, 4), &[], &table, &[true; 60], &even, 0, 0, 1.0).is_empty());
        let g = grassroots(5, 4);
        assert!(attendees(&s, 0, &g, &[0], &table, &[false; 60], &even, 0, 0, 1.0).is_empty(), "nobody eligible");
    }
}
