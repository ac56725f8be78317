//! The band a target's mean over runs must fall in, written once: the suite judges with it and
//! prints it, and docs/VALIDATION.md lists it. Reads and writes nothing.

use crate::metrics::stats::Summary;
use std::fmt;

/// An expected range for the mean of a target's samples.
#[derive(Clone, Debug, PartialEq)]
pub enum Band {
    /// `lo ≤ mean ≤ hi`.
    Between(f64, f64),
    /// `mean < x`.
    Below(f64),
    /// `mean > x`.
    Above(f64),
    /// `|mean − value| ≤ tolerance`.
    Near {
        /// The expected value.
        value: f64,
        /// The allowed difference.
        tolerance: f64,
    },
    /// `|mean − value| ≤ k · SE`, with SE the standard error of the mean over runs: for expected
    /// values that are exact, so only sampling error separates the measurement from them.
    NearSe {
        /// The expected value.
        value: f64,
        /// Standard errors allowed.
        k: f64,
    },
}

impl Band {
    /// Whether the summary's mean lies in the band.
    pub fn contains(&self, m: &Summary) -> bool {
        let mean = m.mean;
        match *self {
            Band::Between(lo, hi) => (lo..=hi).contains(&mean),
            Band::Below(x) => mean < x,
            Band::Above(x) => mean > x,
            Band::Near { value, tolerance } => (mean - value).abs() <= tolerance,
            Band::NearSe { value, k } => {
                let se = if m.n > 1 { m.sd / (m.n as f64).sqrt() } else { 0.0 };
                (mean - value).abs() <= k * se
            }
        }
    }
}

/// Numbers as short as they can be written without losing the declared precision.
fn num(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Band::Between(lo, hi) => write!(f, "between {} and {}", num(lo), num(hi)),
            Band::Below(x) => write!(f, "below {}", num(x)),
            Band::Above(x) => write!(f, "above {}", num(x)),
            Band::Near { value, tolerance } => write!(f, "{} ± {}", num(value), num(tolerance)),
            Band::NearSe { value, k } => write!(f, "{} ± {} standard errors", num(value), num(k)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(samples: &[f64]) -> Summary {
        Summary::of(samples)
    }

    #[test]
    fn bands_judge_the_mean_and_print_their_limits() {
        let m = summary(&[0.9, 1.1]);
        assert!(Band::Between(0.5, 1.5).contains(&m));
        assert!(!Band::Below(1.0).contains(&m));
        assert!(Band::Above(0.99).contains(&m));
        assert!(Band::Near { value: 1.04, tolerance: 0.05 }.contains(&m));
        // SE = 0.1414 / √2 = 0.1.
        assert!(Band::NearSe { value: 1.25, k: 3.0 }.contains(&m));
        assert!(!Band::NearSe { value: 1.35, k: 3.0 }.contains(&m));
        assert_eq!(Band::Between(0.05, 0.47).to_string(), "between 0.05 and 0.47");
        assert_eq!(Band::Near { value: 0.926, tolerance: 0.02 }.to_string(), "0.926 ± 0.02");
        assert_eq!(Band::NearSe { value: 1.0, k: 3.0 }.to_string(), "1 ± 3 standard errors");
    }
}
