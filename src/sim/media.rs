//! Each voter's information diet (`docs/MODEL.md` §5.1): a heavy-tailed personal factor on its
//! cohort's media diet, and an affinity for unreliable sources that is heavy-tailed and rises with
//! age. Both come from the voter's own `MEDIA` stream, so no other draw shifts.
//! Reads the scenario; pure functions.

use super::rng::{self, tag};
use crate::agents::Traits;
use crate::scenario::{Cohort, Scenario};
use rand_distr::{Distribution, StandardNormal};

/// Age at which the age factor of the affinity is 1, and the span of age over which it grows by
/// `sharing_age_ratio` (from 25 to 70: the 18–29 and 65+ groups of Guess, Nagler & Tucker 2019).
const AGE_CENTRE: f64 = 45.0;
/// See [`AGE_CENTRE`].
const AGE_SPAN: f64 = 45.0;

/// A voter's information diet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Media {
    /// Feed items seen per day.
    pub diet: f32,
    /// Affinity for unreliable sources, encoded as in [`Traits::affinity`].
    pub affinity: u16,
}

/// The age factor of the affinity for unreliable sources: `ratio^((age − 45)/45)`.
pub fn age_factor(ratio: f64, age: f64) -> f64 {
    ratio.powf((age - AGE_CENTRE) / AGE_SPAN)
}

/// Draw the information diet of draw index `id`, born in `born`, of `cohort`.
pub fn draw_media(s: &Scenario, replicate: u32, id: u32, cohort: &Cohort, born: f64) -> Media {
    let e = &s.effects;
    let mut rng = rng::stream(s.seed, replicate, tag::MEDIA, u64::from(id), 0);
    let z_diet: f64 = StandardNormal.sample(&mut rng);
    let z_affinity: f64 = StandardNormal.sample(&mut rng);
    // Log-normal factors of mean 1.
    let lognormal = |sigma: f64, z: f64| (sigma * z - 0.5 * sigma * sigma).exp();
    let diet = cohort.media_diet * lognormal(e.diet_spread, z_diet);
    let age = f64::from(s.timeline.start_year) - born;
    let affinity = lognormal(e.affinity_spread, z_affinity) * age_factor(e.sharing_age_ratio, age);
    Media { diet: diet as f32, affinity: Traits::encode_affinity(affinity) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_age_factor_is_the_ratio_from_25_to_70() {
        assert!((age_factor(7.0, 70.0) / age_factor(7.0, 25.0) - 7.0).abs() < 1e-9);
        assert_eq!(age_factor(7.0, 45.0), 1.0);
    }

    #[test]
    fn affinity_survives_its_encoding() {
        for a in [1e-5, 0.03, 1.0, 7.5, 900.0] {
            let t = Traits { reactivity: 0.5, media_diet: 1.0, consent: true, affinity: Traits::encode_affinity(a) };
            assert!((f64::from(t.affinity()) / a - 1.0).abs() < 1e-3, "{a}");
        }
        assert_eq!(Traits::encode_affinity(0.0), 0);
        assert_eq!(std::mem::size_of::<Traits>(), 12);
    }

    #[test]
    fn diets_are_heavy_tailed_with_the_cohort_mean() {
        let s = crate::sim::testing::tiny_scenario("");
        let cohort = &s.population.cohorts[0];
        let diets: Vec<f64> = (0..20_000).map(|id| f64::from(draw_media(&s, 0, id, cohort, 1990.0).diet)).collect();
        let mean = diets.iter().sum::<f64>() / diets.len() as f64;
        assert!((mean / cohort.media_diet - 1.0).abs() < 0.1, "{mean}");
        let mut sorted = diets.clone();
        sorted.sort_by(f64::total_cmp);
        assert!(sorted[sorted.len() / 2] < mean, "the median is below the mean");
    }
}
