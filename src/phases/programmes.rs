//! Phase 1 (policy side), the remedies the source recommends (`docs/MODEL.md` §7.9): media-literacy
//! programmes whose sessions raise the literacy of the share of named cohorts they reach, a boost
//! that fades within weeks (Guess et al. 2020; Roozenbeek et al. 2022), civic education that reaches young people before and at voting age and adds to the
//! habit they start with (the Irish pupils in parliament; Denmark's youth campaign), and offline
//! deliberation sessions mid-campaign that calm hostility and widen confidence bounds (Fishkin et
//! al. 2021).
//! Reads `Clock`, `RunParams`; writes each voter's own `Literacy`, `Civics`, `Affect`.

use super::{Phase, decay_factor};
use crate::agents::*;
use crate::scenario::Scenario;
use crate::sim::resources::{Clock, RunParams};
use crate::sim::rng::{stream_key, tag, unit_f64};
use bevy_ecs::prelude::*;

/// Add this phase's systems.
pub fn register(schedule: &mut Schedule) {
    // Between the clock and the campaign reset, explicitly: the order of a step's systems is
    // total, so it never rests on how the scheduler breaks ties.
    schedule.add_systems(
        run_programmes
            .in_set(Phase::Calendar)
            .after(super::calendar::advance_clock)
            .before(super::calendar::start_campaign),
    );
}

/// Youngest age at which civic education reaches pupils (the Irish example: 14–18).
const CIVIC_MIN_AGE: f64 = 14.0;

/// Indices of the cohorts a programme names (all when empty).
fn covers(s: &Scenario, names: &[String], cohort: u8) -> bool {
    names.is_empty() || names.iter().any(|n| s.population.cohorts.get(cohort as usize).is_some_and(|c| &c.name == n))
}

/// Apply the programmes in force to every voter.
#[allow(clippy::type_complexity)]
pub fn run_programmes(
    params: Res<RunParams>,
    clock: Res<Clock>,
    mut voters: Query<(&VoterId, &Demography, &VotingRecord, &mut Literacy, &mut Civics, &mut Affect)>,
) {
    let s = &*params.scenario;
    let r = &s.regulation;
    let Some(plan) = clock.plan else { return };
    let year = clock.year;
    let calendar_year = year.floor() as i32;
    let dt = clock.dt();
    let e = &s.effects;
    let deliberation_day = plan.campaign.is_some() && plan.campaign_day == s.timeline.campaign_days / 2;
    if r.media_literacy.is_empty() && r.civic_education.is_empty() && r.deliberation.is_none() {
        return;
    }
    let (seed, replicate, step) = (params.seed(), params.replicate, clock.step as u64);
    // A programme with n sessions a year holds one whenever the step crosses a multiple of 1/n
    // year, and one on the run's first step.
    let start_year = year - dt / crate::sim::timeline::DAYS_PER_YEAR;
    let session = |per_year: u32| {
        let n = f64::from(per_year.max(1));
        clock.step == 0 || (year * n).floor() > (start_year * n).floor()
    };
    let calm = decay_factor(dt, e.hostility_half_life_days);
    super::for_each_voter!(voters, params.parallel, |(id, demo, record, mut literacy, mut civics, mut affect)| {
        // Media literacy: a session of a running programme tops a reached voter's boost up to
        // the programme's level; the boost fades with a half-life of weeks, during the programme
        // and after it.
        let mut dose = 0.0f32;
        let mut half_life = f64::INFINITY;
        for (k, p) in r.media_literacy.iter().enumerate().filter(|(_, p)| covers(s, &p.cohorts, demo.cohort)) {
            half_life = half_life.min(p.half_life_days);
            if (p.years.0..=p.years.1).contains(&calendar_year) && session(p.sessions_per_year) {
                let u = unit_f64(stream_key(seed, replicate, tag::EVENTS, u64::from(id.0), 1 << 41 | k as u64));
                if u < p.reach {
                    dose = dose.max(p.boost as f32);
                }
            }
        }
        if half_life.is_finite() {
            let l = literacy.bypass_change_detection();
            l.boost = (l.boost * decay_factor(dt, half_life)).max(dose).min(1.0 - l.base);
        }
        // Civic education: pupils of the named cohorts, not yet voters, aged 14 to voting age.
        let age = year - f64::from(demo.born);
        for (k, c) in r.civic_education.iter().enumerate() {
            let in_years = (c.years.0..=c.years.1).contains(&calendar_year);
            let pupil = (CIVIC_MIN_AGE..=f64::from(s.population.voting_age) + 1.0).contains(&age)
                && record.eligible_elections == 0;
            if in_years && pupil && civics.habit_boost == 0.0 && covers(s, &c.cohorts, demo.cohort) {
                let u = unit_f64(stream_key(seed, replicate, tag::EVENTS, u64::from(id.0), 1 << 40 | k as u64));
                if u < c.reach {
                    civics.habit_boost = c.habit_boost as f32;
                }
            }
        }
        // Deliberation: a share of the named cohorts' voters meets mid-campaign.
        if let Some(d) = &r.deliberation {
            let c = civics.bypass_change_detection();
            c.openness = 1.0 + (c.openness - 1.0) * calm;
            let adult = age >= f64::from(s.population.voting_age);
            if deliberation_day && adult && covers(s, &d.cohorts, demo.cohort) {
                let u = unit_f64(stream_key(seed, replicate, tag::EVENTS, u64::from(id.0), step << 8 | 0xde));
                if u < d.share {
                    let a = affect.bypass_change_detection();
                    a.hostility *= 1.0 - e.deliberation_calming as f32;
                    a.hostility_rest *= 1.0 - 0.5 * e.deliberation_calming as f32;
                    c.openness = 1.0 + e.deliberation_openness as f32;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing::{column, stepped_world};

    #[test]
    fn a_literacy_programme_reaches_its_share_and_its_boost_fades() {
        let mut sim = stepped_world(
            "regulation: Regulation(media_literacy: [Programme(cohorts: [], boost: 0.1, years: (2025, 2040), \
             half_life_days: 5.0, reach: 0.5)])",
        );
        let literacy: Vec<Literacy> = column(&mut sim);
        let reached = literacy.iter().filter(|l| l.boost > 0.0).count() as f64 / literacy.len() as f64;
        assert!((reached - 0.5).abs() < 0.15, "{reached}");
        // Three daily steps later, without a session (the next falls on the election day, when
        // the calendar year turns), the boost has faded by 2^(−3/5).
        for _ in 0..3 {
            sim.step();
        }
        let later: Vec<Literacy> = column(&mut sim);
        for (l0, l1) in literacy.iter().zip(&later) {
            assert!((l1.boost - l0.boost * (-3.0f32 / 5.0).exp2()).abs() < 1e-5, "{l0:?} -> {l1:?}");
        }
    }

    #[test]
    fn civic_education_reaches_pupils_and_literacy_programmes_raise_literacy() {
        let mut sim = stepped_world(
            "regulation: Regulation(civic_education: [CivicEducation(cohorts: [\"Gen Z\"], reach: 1.0, habit_boost: 0.2, years: (2025, 2026))], \
             media_literacy: [Programme(cohorts: [\"Gen Z\"], boost: 0.1, years: (2025, 2026))])",
        );
        let civics: Vec<Civics> = column(&mut sim);
        let literacy: Vec<Literacy> = column(&mut sim);
        let demography: Vec<Demography> = column(&mut sim);
        let year = sim.world.resource::<Clock>().year;
        for ((c, l), d) in civics.iter().zip(&literacy).zip(&demography) {
            let age = year - f64::from(d.born);
            let pupil = d.cohort == 1 && (14.0..=19.0).contains(&age);
            assert_eq!(c.habit_boost > 0.0, pupil, "age {age}, cohort {}", d.cohort);
            assert_eq!(l.boost > 0.0, d.cohort == 1 && l.base < 0.9);
        }
    }
}
