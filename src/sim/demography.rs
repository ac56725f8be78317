//! Births and deaths of the open electorate (`docs/MODEL.md` §5.1, §7.11): the age structure a
//! cohort is drawn with, and when each voter dies, from the scenario's Gompertz–Makeham mortality.
//! Reads the scenario; writes nothing: pure functions.

use crate::agents::Demography;
use crate::scenario::{Cohort, Mortality};

/// The oldest age anyone reaches, in years: the hazard is integrated up to here.
const OLDEST: f64 = 125.0;

/// Annual death hazard at `age`: `background + at_65 · 2^((age − 65) / doubling_years)`.
#[inline]
pub fn hazard(m: &Mortality, age: f64) -> f64 {
    m.background + m.at_65 * ((age - 65.0) / m.doubling_years).exp2()
}

/// The hazard integrated from birth to `age`.
#[inline]
pub fn cumulative_hazard(m: &Mortality, age: f64) -> f64 {
    let d = m.doubling_years;
    m.background * age + m.at_65 * d / std::f64::consts::LN_2 * (((age - 65.0) / d).exp2() - (-65.0 / d).exp2())
}

/// Probability of surviving from birth to `age`.
#[inline]
pub fn survival(m: &Mortality, age: f64) -> f64 {
    (-cumulative_hazard(m, age)).exp()
}

/// Probability of dying within a year at exact age `age` (the life table's `q_x`).
pub fn annual_death_probability(m: &Mortality, age: f64) -> f64 {
    1.0 - (cumulative_hazard(m, age) - cumulative_hazard(m, age + 1.0)).exp()
}

/// How a cohort's members are spread over its birth years at the first election: in proportion to
/// the share of each birth year still alive (a stationary population: equal births every year,
/// thinned by the mortality), or evenly when nobody dies.
#[derive(Clone, Debug, PartialEq)]
pub struct BirthYears {
    /// First birth year.
    first: i32,
    /// Cumulative share of the cohort born up to the end of each birth year; the last is 1.
    cumulative: Vec<f64>,
}

impl BirthYears {
    /// The birth-year spread of `cohort` at `start_year`.
    pub fn new(cohort: &Cohort, mortality: Option<&Mortality>, start_year: i32) -> BirthYears {
        let (first, last) = cohort.born;
        let weights: Vec<f64> = (first..=last)
            .map(|year| {
                mortality.map_or(1.0, |m| survival(m, f64::from(start_year - year) - 0.5).max(f64::MIN_POSITIVE))
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let mut sum = 0.0;
        let mut cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                sum += w / total;
                sum
            })
            .collect();
        if let Some(end) = cumulative.last_mut() {
            *end = 1.0;
        }
        BirthYears { first, cumulative }
    }

    /// The birth date (fractional calendar year) for a uniform `u` in [0, 1): the birth year by
    /// inverse cumulative share, the time within the year by where `u` falls within that year's
    /// share, so one uniform gives both.
    pub fn date(&self, u: f64) -> f64 {
        let i = self.cumulative.partition_point(|&c| c <= u).min(self.cumulative.len() - 1);
        let lo = if i == 0 { 0.0 } else { self.cumulative[i - 1] };
        let within = ((u - lo) / (self.cumulative[i] - lo)).clamp(0.0, 1.0 - f64::EPSILON);
        f64::from(self.first) + i as f64 + within
    }
}

/// When a voter aged `age` at the first election dies, as [`Demography::dies`], if within
/// `horizon` years of the first election ([`Demography::NEVER`] otherwise: a later death changes
/// nothing in the run). The age at death solves `Λ(age at death) − Λ(age) = −ln(1 − u)` (Λ the
/// cumulative hazard, `u` uniform in [0, 1)), rounded up to the next quarter year.
pub fn dies(m: &Mortality, age: f64, u: f64, horizon: f64) -> u8 {
    let target = cumulative_hazard(m, age) - (1.0 - u).ln();
    let end = (age + horizon.min(Demography::MAX_YEARS_OF_DEATHS)).min(OLDEST);
    if cumulative_hazard(m, end) < target {
        return if end < OLDEST { Demography::NEVER } else { quarters_after(OLDEST - age) };
    }
    // Λ is increasing: bisection on [age, end], to a few hours (finer than the quarter years kept).
    let (mut lo, mut hi) = (age, end);
    for _ in 0..BISECTIONS {
        let mid = 0.5 * (lo + hi);
        if cumulative_hazard(m, mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    quarters_after(hi - age)
}

/// Halvings of the bisection for the age at death: 64 years / 2^20 is about half an hour.
const BISECTIONS: usize = 20;

/// `years` after the first election in quarter years, rounded up, at least one;
/// [`Demography::NEVER`] beyond what can be recorded.
fn quarters_after(years: f64) -> u8 {
    let q = (years * 4.0).ceil().max(1.0);
    if q >= f64::from(Demography::NEVER) { Demography::NEVER } else { q as u8 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_law_matches_the_life_table_it_follows() {
        let m = Mortality::default();
        // US period life tables: q ≈ 0.001 at 25, 0.003 at 45, 0.015 at 65, 0.075 at 84.
        for (age, q) in [(25.0, 0.0011), (45.0, 0.0035), (65.0, 0.016), (84.0, 0.075)] {
            let got = annual_death_probability(&m, age);
            assert!((got / q - 1.0).abs() < 0.15, "q at {age}: {got} against {q}");
        }
        let expectancy: f64 = (0..125).map(|a| survival(&m, f64::from(a) + 0.5)).sum();
        assert!((75.0..81.0).contains(&expectancy), "life expectancy at birth {expectancy}");
    }

    #[test]
    fn deaths_follow_the_survival_curve() {
        let m = Mortality::default();
        let n = 20_000;
        // Voters aged 70: the share dying within ten years is 1 − S(80)/S(70).
        let dead =
            (0..n).filter(|&i| f64::from(dies(&m, 70.0, (f64::from(i) + 0.5) / f64::from(n), 60.0)) <= 40.0).count();
        let expected = 1.0 - survival(&m, 80.0) / survival(&m, 70.0);
        assert!((dead as f64 / f64::from(n) - expected).abs() < 0.01, "{dead} against {expected}");
        assert!(dies(&m, 20.0, 0.0, 60.0) >= 1, "nobody dies at the first election");
        assert_eq!(dies(&Mortality { at_65: 0.0, background: 0.0, ..m }, 20.0, 0.5, 60.0), Demography::NEVER);
        assert_eq!(dies(&m, 95.0, 0.999, 1.0), Demography::NEVER, "a death after the run is not recorded");
    }

    #[test]
    fn older_birth_years_are_thinned_by_mortality_and_dates_stay_in_the_range() {
        let mut cohort = crate::scenario::types::defaults::cohorts().remove(4);
        cohort.born = (1930, 1964);
        let years = BirthYears::new(&cohort, Some(&Mortality::default()), 2026);
        let share_born_before = |year: f64| {
            let n = 10_000;
            (0..n).filter(|&i| years.date((f64::from(i) + 0.5) / f64::from(n)) < year).count() as f64 / f64::from(n)
        };
        assert!(share_born_before(1947.0) < 0.35, "the oldest half of the birth years holds far less than half");
        assert!(years.date(0.0) >= 1930.0 && years.date(0.999_999) < 1965.0);
        let even = BirthYears::new(&cohort, None, 2026);
        assert!((even.date(0.5) - 1947.5).abs() < 1e-9);
    }
}
