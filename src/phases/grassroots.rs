//! Grassroots events (`docs/MODEL.md` §7.4): which voters attend a party's events today. Called by
//! the targeting phase's planning system, which books the attendance and ticket money in the
//! party's ledger; the face-to-face mobilisation of attendees is applied with the rest of each
//! voter's campaign contact (`contact::CampaignEffects`).
//!
//! Reads the scenario, the voters' places and cohorts (`VoterTable`) and who is eligible today;
//! writes nothing but the attendee list it returns.

use super::stochastic_round;
use crate::scenario::{Grassroots, Scenario};
use crate::sim::resources::VoterTable;
use crate::sim::rng::{self, tag};
use rand::RngExt;

/// Attendees of the party's events held today: eligible voters of the event's place (and the
/// named cohorts), each attending with probability attendees / pool, as sorted, distinct
/// `VoterId`s (a voter attending several of the party's events counts once). Event `e` is held on
/// campaign day ⌊(2e + 1) · campaign_days / (2 · events)⌋ in place `e mod places`; its attendees
/// come from the stream (`EVENTS`, e, 64 · `step` + `p`) by a partial Fisher–Yates sample.
#[allow(clippy::too_many_arguments)]
pub fn attendees(
    s: &Scenario,
    p: usize,
    g: &Grassroots,
    table: &VoterTable,
    eligible: &[bool],
    replicate: u32,
    step: u64,
    day: u32,
    scale: f64,
) -> Vec<u32> {
    let days = s.timeline.campaign_days;
    let places = g.places.min(s.population.places).max(1);
    // Events are spread evenly over the campaign; event e is held in place e mod places.
    let events_today: Vec<u32> = (0..g.events)
        .filter(|&e| (u64::from(e) * 2 + 1) * u64::from(days) / (2 * u64::from(g.events)) == u64::from(day))
        .collect();
    if events_today.is_empty() {
        return Vec::new();
    }
    let cohorts: Vec<usize> = if g.cohorts.is_empty() {
        (0..s.population.cohorts.len()).collect()
    } else {
        g.cohorts.iter().filter_map(|name| s.population.cohorts.iter().position(|c| &c.name == name)).collect()
    };
    let mut attendees = Vec::new();
    for e in events_today {
        let place = (e % places) as u16;
        let pool: Vec<u32> = (0..table.len())
            .filter(|&i| eligible[i] && table.place[i] == place && cohorts.contains(&(table.cohort[i] as usize)))
            .map(|i| i as u32)
            .collect();
        if pool.is_empty() {
            continue;
        }
        let mut rng = rng::stream(s.seed, replicate, tag::EVENTS, u64::from(e), step * 64 + p as u64);
        let wanted = stochastic_round(f64::from(g.attendees) * scale, rng.random::<f64>()).min(pool.len() as u32);
        // A deterministic sample without replacement: partial Fisher–Yates over the pool.
        let mut pool = pool;
        for k in 0..wanted as usize {
            let j = rng.random_range(k..pool.len());
            pool.swap(k, j);
        }
        attendees.extend_from_slice(&pool[..wanted as usize]);
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
            reactivity: vec![0.5; n],
            cohort_sizes: vec![n as u64],
        }
    }

    #[test]
    fn attendees_are_distinct_eligible_voters_of_the_event_place_on_its_day() {
        // Five campaign days, five events in one place: one event a day, in place 0.
        let s = tiny_scenario("");
        let g = Grassroots { events: 5, places: 1, attendees: 4, ticket: 10.0, cohorts: Vec::new() };
        let table = table((0..60).map(|v| (v % 2) as u16).collect());
        let eligible: Vec<bool> = (0..60).map(|v| v % 3 != 0).collect();
        for day in 0..5 {
            let a = attendees(&s, 0, &g, &table, &eligible, 0, u64::from(day), day, 1.0);
            assert_eq!(a.len(), 4, "day {day}");
            assert!(a.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
            assert!(a.iter().all(|&v| eligible[v as usize] && table.place[v as usize] == 0));
            assert_eq!(a, attendees(&s, 0, &g, &table, &eligible, 0, u64::from(day), day, 1.0), "deterministic");
        }
    }

    #[test]
    fn no_events_no_pool_no_attendees() {
        let s = tiny_scenario("");
        let table = table(vec![0; 60]);
        let none = Grassroots { events: 0, places: 1, attendees: 4, ticket: 10.0, cohorts: Vec::new() };
        assert!(attendees(&s, 0, &none, &table, &[true; 60], 0, 0, 0, 1.0).is_empty());
        let g = Grassroots { events: 5, places: 1, attendees: 4, ticket: 10.0, cohorts: Vec::new() };
        assert!(attendees(&s, 0, &g, &table, &[false; 60], 0, 0, 0, 1.0).is_empty(), "nobody eligible");
    }
}
