//! The effects of today's campaign contact (DESIGN §2, §2.5), applied at the end of the targeting
//! phase, before the feed (phase 5's campaign side, run early because nothing in between reads
//! or writes what it touches):
//! persuasion toward the sender as a transient shift that saturates with repetition, mobilisation
//! and demobilisation, face-to-face contact passed on to a housemate (Nickerson 2008), and the
//! arousal, hostility and distrust that fear, hate and negative messages cause, damped by literacy.
//! Reads `AdInbox`, `Exposure`, `Snapshot`, `Graph`; writes each voter's own `Persuasion`,
//! `Mobilisation`, `Affect`, `Trust`.

use super::Phase;
use crate::agents::*;
use crate::scenario::Effects;
use crate::sim::network::Csr;
use crate::sim::resources::{Graph, RunParams, Snapshot};
use crate::sim::rng::mix64;
use bevy_ecs::prelude::*;

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    use super::targeting::{clear_inboxes, fill_inboxes};
    schedule.add_systems(apply_campaign_contact.in_set(Phase::Targeting).after(fill_inboxes).after(clear_inboxes));
}

/// Cumulative effective impressions after `n` impressions: `S (1 − e^(−n/S))`, so gains stop after
/// about `S` pieces (Green & Zelizer 2017).
#[inline]
pub fn saturated(n: f32, saturation: f32) -> f32 {
    saturation * -(-n / saturation).exp_m1()
}

/// The offline tie a voter counts as their housemate (the first contact passes mobilisation to).
#[inline]
pub fn housemate(offline: &Csr, voter: u32) -> Option<u32> {
    let ties = offline.neighbours(voter);
    if ties.is_empty() { None } else { Some(ties[(mix64(u64::from(voter)) % ties.len() as u64) as usize]) }
}

/// Mobilisation passed on to `voter` by housemates who were contacted face to face last step.
pub fn contagion(offline: &Csr, contact: &[f32], voter: u32, share: f32) -> f32 {
    offline
        .neighbours(voter)
        .iter()
        .filter(|&&j| contact[j as usize] > 0.0 && housemate(offline, j) == Some(voter))
        .map(|&j| share * contact[j as usize])
        .sum()
}

/// Literacy-damped credibility `1 − literacy_resistance · literacy`.
#[inline]
pub fn credibility(e: &Effects, literacy: f32) -> f32 {
    1.0 - e.literacy_resistance as f32 * literacy
}

/// Apply today's ads and contacts to every voter, in parallel.
#[allow(clippy::type_complexity)]
pub fn apply_campaign_contact(
    params: Res<RunParams>,
    snapshot: Res<Snapshot>,
    graph: Res<Graph>,
    mut voters: Query<(
        &VoterId,
        &Traits,
        &Literacy,
        &AdInbox,
        &Exposure,
        &mut Persuasion,
        &mut Mobilisation,
        &mut Affect,
        &mut Trust,
    )>,
) {
    let e = &params.scenario.effects;
    let offline = &graph.0.offline;
    let contact = &snapshot.contact;
    let any_contact = contact.iter().any(|&c| c > 0.0);
    super::for_each_voter!(voters, params.parallel, |(
        id,
        traits,
        literacy,
        inbox,
        exposure,
        mut persuasion,
        mut mobilisation,
        mut affect,
        mut trust,
    )| {
        let spread = if any_contact { contagion(offline, contact, id.0, e.contagion as f32) } else { 0.0 };
        if inbox.impressions == 0.0 && inbox.contact == 0.0 && spread == 0.0 {
            return;
        }
        let cred = credibility(e, literacy.value());
        let s = e.saturation as f32;
        let before = exposure.ads - inbox.impressions;
        // Effective share of today's impressions once earlier ones have used up attention.
        let fresh = if inbox.impressions > 0.0 {
            (saturated(exposure.ads, s) - saturated(before, s)) / inbox.impressions
        } else {
            0.0
        };
        let p = persuasion.bypass_change_detection();
        p.0 = (p.0 + e.persuasion_per_impression as f32 * fresh * cred * inbox.pull).clamp(-2.0, 2.0);
        let m = mobilisation.bypass_change_detection();
        m.0 = (m.0 + e.mobilisation_per_impression as f32 * fresh * inbox.mobilise + inbox.contact + spread)
            .clamp(-1.0, 1.0);
        let reactive = traits.reactivity * cred;
        let a = affect.bypass_change_detection();
        a.arousal = (a.arousal + e.arousal_per_emotional_item as f32 * reactive * (inbox.fear + inbox.hate)).min(1.0);
        a.hostility = (a.hostility + e.hostility_per_hate_item as f32 * reactive * inbox.hate).min(1.0);
        let t = trust.bypass_change_detection();
        t.value = (t.value - e.trust_loss_per_negative_item as f32 * cred * (inbox.negative + inbox.hate)).max(0.0);
    },);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturation_flattens_after_about_s_impressions() {
        let s = 5.0;
        assert!((saturated(1.0, s) - 0.906).abs() < 0.01);
        assert!(saturated(50.0, s) < 5.0 && saturated(50.0, s) > 4.99);
        assert!(saturated(10.0, s) - saturated(5.0, s) < saturated(5.0, s) - saturated(0.0, s));
    }

    #[test]
    fn contact_passes_to_exactly_one_housemate() {
        let offline = Csr::from_undirected_edges(4, &[(0, 1), (0, 2), (0, 3)]);
        let contact = [1.0, 0.0, 0.0, 0.0];
        let received: Vec<f32> = (1..4).map(|v| contagion(&offline, &contact, v, 0.6)).collect();
        assert_eq!(received.iter().filter(|&&r| r > 0.0).count(), 1);
        assert!((received.iter().sum::<f32>() - 0.6).abs() < 1e-6);
    }

    #[test]
    fn literacy_lowers_credibility() {
        let e = Effects::default();
        assert!(credibility(&e, 1.0) < credibility(&e, 0.0));
    }
}
