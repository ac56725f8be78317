//! Household contagion (docs/VALIDATION.md; Nickerson 2008): the share of a face-to-face contact's
//! turnout effect that reaches the other member of the household, measured on simulated votes
//! through the engine's grassroots path (`households.ron`), each run against the same run without
//! face-to-face mobilisation (common random numbers: same electorate, attendees and turnout
//! draws). Reads the engine; writes nothing.

use super::labs::load;
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::agents::{CampaignContact, VoterId, VotingRecord};
use crate::phases::contact::housemate;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use crate::sim::resources::Graph;
use rayon::prelude::*;
use std::sync::Arc;

/// The family.
pub const FAMILY: Family = Family { name: "households", targets, measure };

const SHARE: &str = "Household contagion: housemate's turnout effect over the attendee's";

/// The declared targets.
pub fn targets() -> Vec<Target> {
    vec![Target::new(
        SHARE,
        Kind::Reproduction,
        "Nickerson 2008 (60% of the canvass effect passes to the other household member)",
        Band::Between(0.4, 0.8),
    )]
}

/// Per voter (by id): times contacted face to face, and whether it voted at the election.
struct Run {
    contacts: Vec<u32>,
    voted: Vec<bool>,
    housemates: Vec<Option<u32>>,
}

fn run(s: Arc<Scenario>, replicate: u32) -> Run {
    let mut sim = Simulation::new(s, replicate);
    let n = sim.world.query::<&VoterId>().iter(&sim.world).count();
    let mut contacts = vec![0u32; n];
    for _ in 0..sim.steps() {
        sim.step();
        let mut q = sim.world.query::<(&VoterId, &CampaignContact)>();
        for (id, c) in q.iter(&sim.world) {
            contacts[id.0 as usize] += u32::from(c.face_to_face > 0.0);
        }
    }
    let mut voted = vec![false; n];
    let mut q = sim.world.query::<(&VoterId, &VotingRecord)>();
    for (id, r) in q.iter(&sim.world) {
        voted[id.0 as usize] = r.last_election == 0 && r.voted;
    }
    let offline = &sim.world.resource::<Graph>().0.offline;
    let housemates = (0..n as u32).map(|v| housemate(offline, v)).collect();
    Run { contacts, voted, housemates }
}

/// Extra votes of the attendees and of their housemates, over clean pairs: the attendee was
/// contacted once and received nothing from anyone else; the housemate was not contacted and
/// received only from this attendee.
fn extra_votes(treated: &Run, control: &Run) -> (f64, f64) {
    let n = treated.contacts.len();
    let mut received = vec![0u32; n];
    for j in 0..n {
        if treated.contacts[j] > 0
            && let Some(h) = treated.housemates[j]
        {
            received[h as usize] += 1;
        }
    }
    let (mut direct, mut indirect) = (0.0, 0.0);
    let extra = |v: usize| f64::from(u8::from(treated.voted[v])) - f64::from(u8::from(control.voted[v]));
    for j in 0..n {
        let Some(h) = treated.housemates[j].map(|h| h as usize) else { continue };
        if treated.contacts[j] == 1 && received[j] == 0 && treated.contacts[h] == 0 && received[h] == 1 {
            direct += extra(j);
            indirect += extra(h);
        }
    }
    (direct, indirect)
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let treated = load("households", &[]);
    let control = load("households", &[("effects.face_to_face_mobilisation", "0.0".into())]);
    let pairs: Vec<(f64, f64)> = (0..e.runs)
        .into_par_iter()
        .map(|r| extra_votes(&run(treated.clone(), r), &run(control.clone(), r)))
        .collect();
    let (direct, indirect) = pairs.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
    let s = &treated;
    let events = s.parties.iter().filter_map(|p| p.campaign.grassroots.as_ref()).next();
    let (count, attendees) = events.map_or((0, 0), |g| (g.events, g.attendees));
    vec![Measured::new(
        SHARE,
        format!(
            "households.ron: {} voters in {} places, {count} free events with {attendees} attendees each, \
             {}-day campaign; votes with and without face-to-face mobilisation in the same runs; \
             attendee–housemate pairs where the attendee was contacted once and the housemate only through \
             them; {} runs, {direct:.0} extra votes of attendees and {indirect:.0} of housemates in all",
            s.population.size, s.population.places, s.timeline.campaign_days, e.runs
        ),
        pairs.iter().filter(|p| p.0 > 0.0).map(|p| p.1 / p.0).collect(),
    )]
}
