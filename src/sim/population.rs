//! Drawing the electorate (`docs/MODEL.md` §5.1, §5.3): cohorts by share, birth dates thinned by
//! mortality, traits from their distributions, places, consent, when each voter dies, and a voting
//! history before the run that seeds each voter's habit; then the turnout intercept of each age
//! group solved over the sampled voters.
//! Reads the scenario; returns the voters' starting components and the turnout model.

use super::demography::{self, BirthYears};
use super::resources::TurnoutModel;
use super::rng::{self, tag};
use crate::agents::*;
use crate::phases::turnout::{self, TurnoutInputs};
use crate::scenario::{Cohort, DataBrokers, Distribution, Scenario};
use rand::RngExt;
use rand_distr::{Beta, Distribution as _, Normal};
use rayon::slice::ParallelSliceMut;

/// Literacy's effect on opting in to data collection: the most literate voters opt in half as
/// often as the least (assumption: privacy-aware users refuse consent more; direction as in
/// surveys of cookie-banner behaviour, magnitude not established).
const CONSENT_LITERACY_SLOPE: f64 = 0.5;

/// Number of voters in each cohort: shares rounded by largest remainder so they sum to `size`.
pub fn cohort_sizes(cohorts: &[Cohort], size: u64) -> Vec<u64> {
    let exact: Vec<f64> = cohorts.iter().map(|c| c.share * size as f64).collect();
    let mut counts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut remaining = size.saturating_sub(counts.iter().sum());
    let mut order: Vec<usize> = (0..cohorts.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().cycle().take(cohorts.len() * 2) {
        if remaining == 0 {
            break;
        }
        counts[i] += 1;
        remaining -= 1;
    }
    counts
}

/// Draw from a trait distribution and clamp to [lo, hi]; `Beta` is mapped onto [lo, hi].
fn draw(d: &Distribution, lo: f64, hi: f64, rng: &mut rng::StreamRng) -> f32 {
    let v = match *d {
        Distribution::Fixed(v) => v,
        Distribution::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
        Distribution::Normal { mean, sd } => Normal::new(mean, sd).map_or(mean, |n| n.sample(rng)),
        Distribution::Beta { a, b } => lo + (hi - lo) * Beta::new(a, b).map_or(0.5, |n| n.sample(rng)),
    };
    v.clamp(lo, hi) as f32
}

/// The sampled electorate.
pub struct Electorate {
    /// One bundle per voter, in `VoterId` order.
    pub voters: Vec<VoterBundle>,
    /// Calibrated intercepts.
    pub turnout: TurnoutModel,
}

/// Sample every voter of replicate `replicate` and calibrate turnout.
pub fn sample(s: &Scenario, replicate: u32) -> Electorate {
    let sizes = cohort_sizes(&s.population.cohorts, s.population.size);
    let places = s.population.places.max(1);
    let first_year = f64::from(s.timeline.start_year);
    let voting_age = f64::from(s.population.voting_age);
    let habit = &s.turnout.habit;
    let mortality = s.population.mortality.as_ref();
    let birth_years: Vec<BirthYears> =
        s.population.cohorts.iter().map(|c| BirthYears::new(c, mortality, s.timeline.start_year)).collect();
    let demography = rng::Streams::new(s.seed, replicate, tag::DEMOGRAPHY);
    // Deaths matter up to the last election.
    let horizon = f64::from(s.timeline.elections.saturating_sub(1) * s.timeline.years_between);
    let profile = &s.turnout.age_profile;
    let target_at = |age: f64| profile[turnout::age_group(profile, age)].turnout;
    let opt_in = match s.regulation.data_brokers {
        DataBrokers::Consent { opt_in } => opt_in,
        _ => 1.0,
    };
    // Draw index → cohort: each cohort's voters take consecutive indices, in scenario order.
    let first_of_next: Vec<u64> = sizes
        .iter()
        .scan(0, |end, &n| {
            *end += n;
            Some(*end)
        })
        .collect();
    // Each voter draws from its own stream, so voters are drawn across threads in any order.
    let draw_voter = |id: u32| -> VoterBundle {
        let c = first_of_next.partition_point(|&end| end <= u64::from(id));
        let cohort = &s.population.cohorts[c];
        let mut rng = rng::stream(s.seed, replicate, tag::POPULATION, u64::from(id), 0);
        let born = birth_years[c].date(rng.random::<f64>());
        let place = rng.random_range(0..places) as u16;
        let x = draw(&cohort.ideology, -1.0, 1.0, &mut rng);
        let literacy = draw(&cohort.literacy, 0.0, 1.0, &mut rng);
        let trust = draw(&cohort.trust, 0.0, 1.0, &mut rng);
        let reactivity = draw(&cohort.reactivity, 0.0, 1.0, &mut rng);
        let hostility = draw(&cohort.hostility, 0.0, 1.0, &mut rng);
        let consent_p = opt_in * (1.0 - CONSENT_LITERACY_SLOPE * (f64::from(literacy) - 0.5));
        let consent = rng.random::<f64>() < consent_p.clamp(0.0, 1.0);
        // Voting history before the run: elections at first_year − k·years_between, k ≥ 1.
        let years_eligible = first_year - (born + voting_age);
        let past = if years_eligible > 0.0 {
            ((years_eligible / f64::from(s.timeline.years_between)).floor() as u32).min(15)
        } else {
            0
        };
        // A latent propensity around the turnout of the voter's age group now, scaled at each
        // past election by the profile's turnout at the age the voter had then.
        let age = first_year - born;
        let now = target_at(age);
        let concentration = s.turnout.propensity_concentration;
        let propensity =
            Beta::new(now * concentration, (1.0 - now) * concentration).map_or(now, |b| b.sample(&mut rng));
        let (mut h, mut votes) = (0.0f64, 0u8);
        for k in 0..past {
            let age_then = age - f64::from(s.timeline.years_between) * f64::from(past - k);
            let voted = rng.random::<f64>() < (propensity * target_at(age_then) / now).min(1.0);
            let gain = if k < habit.first_elections { habit.first_elections_gain } else { habit.gain };
            h = habit.decay * h + if voted { gain } else { 0.0 };
            votes += u8::from(voted);
        }
        // From a stream of its own, so that the mortality changes no other draw.
        let dies = mortality.map_or(Demography::NEVER, |m| {
            demography::dies(m, age, demography.open(u64::from(id), 0).random::<f64>(), horizon)
        });
        let media = super::media::draw_media(s, replicate, id, cohort, born);
        VoterBundle {
            id: VoterId(id),
            demography: Demography { cohort: c as u8, dies, place, born: born as f32 },
            traits: Traits { reactivity, media_diet: media.diet, consent, affinity: media.affinity },
            ideology: Ideology { x, anchor: x },
            campaign: CampaignContact::default(),
            affect: Affect { arousal: 0.0, hostility, hostility_rest: hostility },
            trust: Trust { value: trust, rest: trust },
            literacy: Literacy { base: literacy, boost: 0.0 },
            belief: Belief(0.0),
            footprint: DataFootprint(0.0),
            record: VotingRecord {
                habit: h as f32,
                eligible_elections: past as u8,
                votes,
                last_election: -1,
                ..Default::default()
            },
            exposure: Exposure::default(),
            civics: Civics::default(),
        }
    };
    let mut voters = crate::phases::map_voters(s.population.size as usize, true, |i| draw_voter(i as u32));
    // Number voters place by place, in ideology order within a place: neighbours (mostly local
    // and like-minded) then sit close together in memory, which speeds up every neighbour scan.
    // Traits were drawn with the draw order's index, so the order change costs no randomness.
    // The key ends with the unique draw index, so an unstable sort gives the one order without
    // a stable sort's buffer of half the electorate.
    voters.par_sort_unstable_by(|a, b| {
        a.demography.place.cmp(&b.demography.place).then(a.ideology.x.total_cmp(&b.ideology.x)).then(a.id.cmp(&b.id))
    });
    for (i, v) in voters.iter_mut().enumerate() {
        v.id = VoterId(i as u32);
    }
    let turnout = calibrate(s, &voters);
    Electorate { voters, turnout }
}

/// Solve each age group's intercept over the voters eligible at the first election in that group,
/// at rest (no campaign contact, no arousal), so expected turnout equals the group's target.
fn calibrate(s: &Scenario, voters: &[VoterBundle]) -> TurnoutModel {
    let cohorts = s.population.cohorts.len();
    let mut trust_sum = vec![0.0f64; cohorts];
    let mut count = vec![0usize; cohorts];
    for v in voters {
        trust_sum[v.demography.cohort as usize] += f64::from(v.trust.value);
        count[v.demography.cohort as usize] += 1;
    }
    let trust_mean: Vec<f64> =
        trust_sum.iter().zip(&count).map(|(s, &n)| if n > 0 { s / n as f64 } else { 0.5 }).collect();
    let election_year = f64::from(s.timeline.start_year);
    let positions: Vec<f64> = s.parties.iter().map(|p| p.position).collect();
    let profile = &s.turnout.age_profile;
    let mut rest: Vec<Vec<f64>> = vec![Vec::new(); profile.len()];
    for v in voters {
        let c = v.demography.cohort as usize;
        let age = election_year - f64::from(v.demography.born);
        if age < f64::from(s.population.voting_age) {
            continue;
        }
        let group = turnout::age_group(profile, age);
        let inputs = TurnoutInputs {
            habit: f64::from(v.record.habit),
            mobilisation: 0.0,
            trust: f64::from(v.trust.value),
            trust_mean: trust_mean[c],
            arousal: 0.0,
            distance: turnout::distance_to_nearest(f64::from(v.ideology.x), &positions),
            age,
        };
        rest[group].push(turnout::logit_without_intercept(&s.turnout, &inputs));
    }
    let intercept = profile.iter().zip(&rest).map(|(g, r)| turnout::solve_intercept(g.turnout, r)).collect();
    TurnoutModel { age_from: profile.iter().map(|g| g.from).collect(), intercept, trust_mean }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        ron::from_str("Scenario(name: \"t\", population: Population(size: 2000))").unwrap()
    }

    #[test]
    fn cohort_sizes_sum_to_the_population() {
        let s = scenario();
        let sizes = cohort_sizes(&s.population.cohorts, 1001);
        assert_eq!(sizes.iter().sum::<u64>(), 1001);
    }

    #[test]
    fn traits_stay_in_range_and_ids_are_dense() {
        let e = sample(&scenario(), 0);
        assert_eq!(e.voters.len(), 2000);
        for (i, v) in e.voters.iter().enumerate() {
            assert_eq!(v.id.0 as usize, i);
            assert!(i == 0 || e.voters[i - 1].demography.place <= v.demography.place, "numbered place by place");
            assert!((-1.0..=1.0).contains(&v.ideology.x));
            assert!((0.0..=1.0).contains(&v.trust.value) && (0.0..=1.0).contains(&v.literacy.base));
            assert!(v.demography.place < 10);
        }
    }

    #[test]
    fn sampling_is_reproducible_and_replicates_differ() {
        let s = scenario();
        let a = sample(&s, 0);
        let b = sample(&s, 0);
        let c = sample(&s, 1);
        assert_eq!(
            a.voters.iter().map(|v| v.ideology.x).collect::<Vec<_>>(),
            b.voters.iter().map(|v| v.ideology.x).collect::<Vec<_>>()
        );
        let ideology = |e: &Electorate| e.voters.iter().map(|v| v.ideology.x).collect::<Vec<_>>();
        assert_ne!(ideology(&a), ideology(&c));
    }

    #[test]
    fn deaths_shift_nobody_elses_draws() {
        // Cohorts of single birth years, so the mortality does not reweight birth dates: with and
        // without deaths, every voter draws the same traits, and only `dies` differs.
        let cohorts = "cohorts: [Cohort(name: \"old\", born: (1950, 1950), share: 0.5), \
                       Cohort(name: \"young\", born: (2000, 2000), share: 0.5)]";
        let with: Scenario =
            ron::from_str(&format!("Scenario(name: \"t\", population: Population(size: 2000, {cohorts}))")).unwrap();
        let without: Scenario = ron::from_str(&format!(
            "Scenario(name: \"t\", population: Population(size: 2000, {cohorts}, mortality: None))"
        ))
        .unwrap();
        let (a, b) = (sample(&with, 0), sample(&without, 0));
        assert!(a.voters.iter().any(|v| v.demography.dies != Demography::NEVER), "some die during the run");
        assert!(b.voters.iter().all(|v| v.demography.dies == Demography::NEVER));
        for (x, y) in a.voters.iter().zip(&b.voters) {
            let same = VoterBundle { demography: Demography { dies: y.demography.dies, ..x.demography }, ..*x };
            assert_eq!(format!("{same:?}"), format!("{y:?}"));
        }
    }

    #[test]
    fn older_voters_carry_more_habit() {
        let e = sample(&scenario(), 0);
        let mean_habit = |c: u8| {
            let hs: Vec<f32> = e.voters.iter().filter(|v| v.demography.cohort == c).map(|v| v.record.habit).collect();
            hs.iter().sum::<f32>() / hs.len() as f32
        };
        assert!(mean_habit(4) > mean_habit(1), "Boomers+ against Gen Z");
    }
}
