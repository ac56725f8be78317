//! The effects of today's campaign contact on its recipient (`docs/MODEL.md` §7.3, §7.7): persuasion toward
//! the sender as a transient shift that wears out with recent exposure, mobilisation and
//! demobilisation, face-to-face contact passed on to a housemate (Nickerson 2008), and the
//! arousal, hostility and distrust that fear, hate and negative messages cause, damped by literacy.
//! The targeting phase applies them to each voter as soon as its inbox is filled
//! ([`CampaignEffects::apply`]). Reads an `Inbox`, the voter's recent-exposure stock, last step's contacts
//! (`Snapshot`) and the offline ties; writes the voter's own `CampaignContact`, `Affect`,
//! `Trust`.

use crate::agents::*;
use crate::graph::Csr;
use crate::scenario::Effects;
use crate::sim::rng::mix64;

/// Cumulative effective impressions after `n` impressions in a row: `S (1 − e^(−n/S))`, so gains
/// stop after about `S` pieces (Green & Zelizer 2017).
#[inline]
pub fn saturated(n: f32, saturation: f32) -> f32 {
    saturation * -(-n / saturation).exp_m1()
}

/// Of `n` impressions shown to a voter whose recent-exposure stock is `stock`, how many come at a
/// stock of `saturation` or more (the k-th at `stock + k`): impressions past saturation.
#[inline]
pub fn wasted(stock: f32, n: f32, saturation: f32) -> f32 {
    (n - (saturation - stock).max(0.0).ceil()).max(0.0)
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

/// Today's campaign messages to one voter: built by the targeting phase and applied at once, so
/// never stored (only `contact` is kept, in the voter's `CampaignContact::face_to_face`, for
/// housemates next step).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Inbox {
    /// Impressions received today.
    pub impressions: f32,
    /// Of which micro-targeted.
    pub targeted: f32,
    /// Signed ideology pull summed over today's persuasive impressions (before saturation).
    pub pull: f32,
    /// Mobilisation summed over today's impressions (negative for demobilising ones).
    pub mobilise: f32,
    /// Fear items today.
    pub fear: f32,
    /// Hate items today.
    pub hate: f32,
    /// Demobilising items today (negative messages aimed at opponents).
    pub negative: f32,
    /// Face-to-face mobilisation received today (grassroots events).
    pub contact: f32,
}

/// What today's campaign contact does to its recipients, for one step.
pub struct CampaignEffects<'a> {
    effects: &'a Effects,
    /// Face-to-face mobilisation each voter received last step (`Snapshot.contact`).
    contacts: &'a [f32],
    offline: &'a Csr,
    /// Whether anybody was contacted face to face last step (else no contagion to look for).
    any_contact: bool,
}

impl<'a> CampaignEffects<'a> {
    /// The effects for a step, given last step's contacts and the offline ties.
    pub fn new(effects: &'a Effects, contacts: &'a [f32], offline: &'a Csr) -> CampaignEffects<'a> {
        CampaignEffects { effects, contacts, offline, any_contact: contacts.iter().any(|&c| c > 0.0) }
    }

    /// Whether empty inboxes do nothing today (nobody was contacted face to face last step, so
    /// nobody passes mobilisation on).
    pub fn idle_without_messages(&self) -> bool {
        !self.any_contact
    }

    /// Apply voter `id`'s inbox and the mobilisation its housemates pass on. `stock` is the
    /// voter's recent-exposure stock before today's impressions (`Exposure::ad_stock`, decayed).
    #[allow(clippy::too_many_arguments)]
    pub fn apply(
        &self,
        id: u32,
        inbox: &Inbox,
        traits: &Traits,
        literacy: &Literacy,
        stock: f32,
        campaign: &mut CampaignContact,
        affect: &mut Affect,
        trust: &mut Trust,
    ) {
        let e = self.effects;
        let spread =
            if self.any_contact { contagion(self.offline, self.contacts, id, e.contagion as f32) } else { 0.0 };
        if inbox.impressions == 0.0 && inbox.contact == 0.0 && spread == 0.0 {
            return;
        }
        let cred = credibility(e, literacy.value());
        let s = e.saturation as f32;
        // Effective share of today's impressions once recent ones have used up attention.
        let fresh = if inbox.impressions > 0.0 {
            (saturated(stock + inbox.impressions, s) - saturated(stock, s)) / inbox.impressions
        } else {
            0.0
        };
        campaign.persuasion =
            (campaign.persuasion + e.persuasion_per_impression as f32 * fresh * cred * inbox.pull).clamp(-2.0, 2.0);
        campaign.mobilisation = (campaign.mobilisation
            + e.mobilisation_per_impression as f32 * fresh * inbox.mobilise
            + inbox.contact
            + spread)
            .clamp(-1.0, 1.0);
        let reactive = traits.reactivity * cred;
        let emotional = inbox.fear + inbox.hate;
        affect.arousal = (affect.arousal + e.arousal_per_emotional_item as f32 * reactive * emotional).min(1.0);
        affect.hostility = (affect.hostility + e.hostility_per_hate_item as f32 * reactive * inbox.hate).min(1.0);
        trust.value =
            (trust.value - e.trust_loss_per_negative_item as f32 * cred * (inbox.negative + inbox.hate)).max(0.0);
    }
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
    fn impressions_past_saturation_are_counted_as_wasted() {
        assert_eq!(wasted(0.0, 3.0, 5.0), 0.0);
        assert_eq!(wasted(0.0, 7.0, 5.0), 2.0, "the 6th and 7th come at stocks 5 and 6");
        assert_eq!(wasted(4.5, 2.0, 5.0), 1.0, "the second comes at 5.5");
        assert_eq!(wasted(9.0, 2.0, 5.0), 2.0);
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

    #[test]
    fn an_inbox_moves_its_reader_and_an_empty_one_changes_nothing() {
        let e = Effects::default();
        let offline = Csr::from_undirected_edges(2, &[(0, 1)]);
        let effects = CampaignEffects::new(&e, &[0.0, 0.0], &offline);
        let (traits, literacy) = (
            Traits { reactivity: 1.0, media_diet: 1.0, consent: true, affinity: 0 },
            Literacy { base: 0.2, boost: 0.0 },
        );
        let start = (
            CampaignContact::default(),
            Affect { arousal: 0.0, hostility: 0.3, hostility_rest: 0.3 },
            Trust { value: 0.5, rest: 0.5 },
        );
        let (mut c, mut a, mut t) = start;
        effects.apply(0, &Inbox::default(), &traits, &literacy, 0.0, &mut c, &mut a, &mut t);
        assert_eq!((c, a, t), start);
        let inbox = Inbox { impressions: 2.0, pull: 1.0, mobilise: 1.0, fear: 1.0, ..Inbox::default() };
        effects.apply(0, &inbox, &traits, &literacy, 0.0, &mut c, &mut a, &mut t);
        assert!(c.persuasion > 0.0 && c.mobilisation > 0.0 && a.arousal > 0.0, "{c:?} {a:?}");
        assert_eq!(t, start.2, "no negative or hateful item");
    }
}
