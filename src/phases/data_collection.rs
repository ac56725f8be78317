//! Phase 2, data collection (`docs/MODEL.md` §7.2): brokers accumulate each voter's data footprint from
//! the feed items they see, `d ← d·2^(−dt/h) + diet·dt` while collection is allowed (only from
//! voters who opted in under `Consent`, from nobody when brokers are `Banned`). A broker's profile
//! accuracy is `a = 1 − exp(−coverage · d / footprint_scale)`; campaigns buy from the most
//! accurate broker.
//! Reads `BrokerMarket`, `Clock`; writes each voter's own `DataFootprint`.

use super::{Phase, decay_factor};
use crate::agents::*;
use crate::scenario::{DataBrokers, Permission, Scenario};
use crate::sim::resources::{Clock, RunParams};
use bevy_ecs::prelude::*;

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    schedule.add_systems(collect_data.in_set(Phase::DataCollection));
}

/// The data market as campaigns see it: the broker they buy from and what its profiles hold.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct BrokerMarket {
    /// Index of the broker campaigns buy from (highest coverage per footprint scale), if any
    /// broker may operate.
    pub broker: Option<usize>,
    /// coverage / footprint_scale of that broker: accuracy = 1 − exp(−rate · d).
    pub accuracy_rate: f64,
    /// Half-life of collected data in days.
    pub half_life_days: f64,
    /// Whether only voters who consented are profiled.
    pub consent_only: bool,
    /// Whether profiles include psychometric traits (reactivity).
    pub psychometric: bool,
    /// Whether profiles include the voter's current mood (arousal).
    pub mood: bool,
    /// Price per profile, real-world money.
    pub price_per_profile: f64,
}

impl BrokerMarket {
    /// The market a scenario sets up.
    pub fn new(s: &Scenario) -> BrokerMarket {
        let consent_only = matches!(s.regulation.data_brokers, DataBrokers::Consent { .. });
        if matches!(s.regulation.data_brokers, DataBrokers::Banned) {
            return BrokerMarket::default();
        }
        let best = s.brokers.iter().enumerate().filter(|(_, b)| b.coverage > 0.0).max_by(|(i, a), (j, b)| {
            (a.coverage / a.footprint_scale).total_cmp(&(b.coverage / b.footprint_scale)).then(j.cmp(i))
        });
        match best {
            None => BrokerMarket::default(),
            Some((i, b)) => BrokerMarket {
                broker: Some(i),
                accuracy_rate: b.coverage / b.footprint_scale,
                half_life_days: b.data_half_life_days,
                consent_only,
                psychometric: b.psychometric && s.regulation.psychometric_profiling == Permission::Allowed,
                mood: b.psychometric && s.regulation.mood_targeting == Permission::Allowed,
                price_per_profile: b.price_per_profile,
            },
        }
    }

    /// Whether a voter's data is collected.
    #[inline]
    pub fn collects(&self, consent: bool) -> bool {
        self.broker.is_some() && (consent || !self.consent_only)
    }

    /// Profile accuracy for a footprint, [0, 1).
    #[inline]
    pub fn accuracy(&self, footprint: f32) -> f32 {
        // `1 − exp` rather than `exp_m1`: the result is rounded to f32, where the two agree, and
        // `exp` costs a fraction of `exp_m1` in the targeting loop.
        if self.broker.is_none() { 0.0 } else { (1.0 - (-self.accuracy_rate * f64::from(footprint)).exp()) as f32 }
    }

    /// The steady-state footprint of a voter with a given feed diet, used at the start of the run
    /// (the data market exists before the first campaign).
    pub fn steady_footprint(&self, media_diet: f32, consent: bool) -> f32 {
        if self.collects(consent) {
            (f64::from(media_diet) * self.half_life_days / std::f64::consts::LN_2) as f32
        } else {
            0.0
        }
    }
}

/// Accumulate footprints for every voter.
pub fn collect_data(
    params: Res<RunParams>,
    market: Res<BrokerMarket>,
    clock: Res<Clock>,
    mut voters: Query<(&Traits, &mut DataFootprint)>,
) {
    if market.broker.is_none() {
        return;
    }
    let dt = clock.dt();
    let keep = decay_factor(dt, market.half_life_days);
    let market = &*market;
    super::for_each_voter!(voters, params.parallel, |(traits, mut footprint)| {
        let f = footprint.bypass_change_detection();
        let gathered = if market.collects(traits.consent) { traits.media_diet * dt as f32 } else { 0.0 };
        f.0 = f.0 * keep + gathered;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        ron::from_str(&format!(
            "Scenario(name: \"t\", brokers: [Broker(name: \"A\", coverage: 0.9, psychometric: true)], {extra})"
        ))
        .unwrap()
    }

    #[test]
    fn accuracy_grows_with_the_footprint() {
        let m = BrokerMarket::new(&scenario(""));
        assert_eq!(m.accuracy(0.0), 0.0);
        assert!(m.accuracy(1000.0) < m.accuracy(5000.0));
        assert!(m.accuracy(1e9) <= 1.0);
    }

    #[test]
    fn banned_brokers_give_no_accuracy() {
        let m = BrokerMarket::new(&scenario("regulation: Regulation(data_brokers: Banned)"));
        assert_eq!(m.broker, None);
        assert_eq!(m.accuracy(5000.0), 0.0);
        assert!(!m.collects(true));
    }

    #[test]
    fn consent_limits_collection_to_those_who_opted_in() {
        let m = BrokerMarket::new(&scenario("regulation: Regulation(data_brokers: Consent(opt_in: 0.25))"));
        assert!(m.collects(true) && !m.collects(false));
        assert_eq!(m.steady_footprint(10.0, false), 0.0);
    }

    #[test]
    fn psychometric_profiles_need_permission() {
        assert!(BrokerMarket::new(&scenario("")).psychometric);
        assert!(!BrokerMarket::new(&scenario("regulation: Regulation(psychometric_profiling: Banned)")).psychometric);
        assert!(!BrokerMarket::new(&scenario("regulation: Regulation(mood_targeting: Banned)")).mood);
    }
    #[test]
    fn a_step_grows_footprints_only_where_collection_is_allowed() {
        use crate::sim::testing::{column, stepped_world, tiny_world};
        let broker = "brokers: [Broker(name: \"A\", coverage: 0.9)]";
        let mut open = tiny_world(broker);
        let before: Vec<DataFootprint> = column(&mut open);
        open.step();
        let after: Vec<DataFootprint> = column(&mut open);
        assert!(before.iter().zip(&after).any(|(b, a)| a.0 != b.0));
        let mut banned = stepped_world(&format!("{broker}, regulation: Regulation(data_brokers: Banned)"));
        assert!(column::<DataFootprint>(&mut banned).iter().all(|f| f.0 == 0.0));
    }
}
