//! Counter-based random streams (`docs/MODEL.md` §4.5).
//!
//! Every random draw in votelab comes from a stream keyed by
//! `(seed, replicate, mechanism tag, id, step)`. The key is hashed with the SplitMix64 finaliser
//! and seeds a small PCG generator, so a stream costs a few nanoseconds to open and any voter's
//! draws for any step can be recomputed independently of iteration order or thread count.
//! Reads nothing, writes nothing: pure functions.

use rand_pcg::Pcg32;

/// The generator behind every stream: PCG-XSH-RR 64/32, small state, fast to seed.
pub type StreamRng = Pcg32;

/// SplitMix64 finaliser: a bijective 64-bit mixer with good avalanche.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Mechanism tags: one per kind of randomness, so that adding draws to one mechanism never shifts
/// the draws of another (and common random numbers survive model changes elsewhere).
pub mod tag {
    /// Sampling each voter's traits.
    pub const POPULATION: u64 = 0x01;
    /// Building the social network.
    pub const NETWORK: u64 = 0x02;
    /// Social influence (partner choice, noise).
    pub const OPINION: u64 = 0x03;
    /// Turnout and vote choice on election day.
    pub const TURNOUT: u64 = 0x04;
    /// Campaign targeting and broadcast reach.
    pub const TARGETING: u64 = 0x05;
    /// Feed composition and exposure.
    pub const FEED: u64 = 0x06;
    /// Data collection and consent.
    pub const BROKERS: u64 = 0x07;
    /// Misinformation stories and bots.
    pub const STORIES: u64 = 0x08;
    /// Grassroots events, deliberation and programmes.
    pub const EVENTS: u64 = 0x09;
    /// Calibration of turnout intercepts.
    pub const CALIBRATION: u64 = 0x0a;
    /// Errors of the brokers' voter profiles, drawn once per campaign.
    pub const PROFILES: u64 = 0x0b;
    /// Each voter's media diet and affinity for unreliable sources, drawn once at sampling, and
    /// whether it passes misinformation on in a step.
    pub const MEDIA: u64 = 0x0c;
    /// When each voter dies.
    pub const DEMOGRAPHY: u64 = 0x0d;
}

/// The streams of one mechanism in one replicate, with the `(seed, replicate, tag)` part of their
/// keys hashed once: hot loops open a stream per voter with two mixes instead of four.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Streams {
    prefix: u64,
    tag: u64,
}

impl Streams {
    /// The streams of mechanism `tag` in replicate `replicate` of seed `seed`.
    #[inline(always)]
    pub fn new(seed: u64, replicate: u32, tag: u64) -> Streams {
        let h = mix64(seed.wrapping_add(0x9E37_79B9_7F4A_7C15));
        Streams { prefix: mix64(h ^ (u64::from(replicate) << 32 | tag).wrapping_mul(0xA24B_AED4_963E_E407)), tag }
    }

    /// The key of stream `(id, step)`.
    #[inline(always)]
    pub fn key(&self, id: u64, step: u64) -> u64 {
        let h = mix64(self.prefix ^ id.wrapping_mul(0xD1B5_4A32_D192_ED03));
        mix64(h ^ step.wrapping_mul(0xABC9_8388_FB8F_AC03))
    }

    /// Open stream `(id, step)`.
    #[inline(always)]
    pub fn open(&self, id: u64, step: u64) -> StreamRng {
        Pcg32::new(self.key(id, step), self.tag)
    }
}

/// Hash a stream key from its coordinates.
#[inline(always)]
pub fn stream_key(seed: u64, replicate: u32, tag: u64, id: u64, step: u64) -> u64 {
    Streams::new(seed, replicate, tag).key(id, step)
}

/// Open the stream for `(seed, replicate, tag, id, step)`.
#[inline(always)]
pub fn stream(seed: u64, replicate: u32, tag: u64, id: u64, step: u64) -> StreamRng {
    Streams::new(seed, replicate, tag).open(id, step)
}

/// A probability as a 32-bit threshold, for coins tossed in hot loops: one `u32` draw against an
/// integer instead of a 64-bit float draw (resolution 2⁻³²).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chance(u64);

impl Chance {
    /// A coin that comes up with probability `p` (clamped to [0, 1]).
    pub fn new(p: f64) -> Chance {
        Chance((p.clamp(0.0, 1.0) * 4_294_967_296.0) as u64)
    }

    /// Toss the coin.
    #[inline(always)]
    pub fn toss(self, rng: &mut StreamRng) -> bool {
        u64::from(rand::Rng::next_u32(rng)) < self.0
    }
}

/// A uniform float in [0, 1) straight from a key, for hot loops that need one draw and no stream.
#[inline(always)]
pub fn unit_f64(key: u64) -> f64 {
    (mix64(key) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn same_coordinates_give_the_same_draws() {
        let a: Vec<u32> =
            (0..8).map(|_| 0).scan(stream(7, 1, tag::FEED, 42, 3), |r, _: u32| Some(r.random())).collect();
        let b: Vec<u32> =
            (0..8).map(|_| 0).scan(stream(7, 1, tag::FEED, 42, 3), |r, _: u32| Some(r.random())).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn a_mechanism_s_streams_are_the_keyed_streams() {
        let streams = Streams::new(7, 1, tag::FEED);
        assert_eq!(streams.key(42, 3), stream_key(7, 1, tag::FEED, 42, 3));
        assert_eq!(streams.open(42, 3), stream(7, 1, tag::FEED, 42, 3));
    }

    #[test]
    fn every_coordinate_changes_the_stream() {
        let base = stream_key(7, 1, tag::FEED, 42, 3);
        assert_ne!(base, stream_key(8, 1, tag::FEED, 42, 3));
        assert_ne!(base, stream_key(7, 2, tag::FEED, 42, 3));
        assert_ne!(base, stream_key(7, 1, tag::OPINION, 42, 3));
        assert_ne!(base, stream_key(7, 1, tag::FEED, 43, 3));
        assert_ne!(base, stream_key(7, 1, tag::FEED, 42, 4));
    }

    #[test]
    fn chances_come_up_at_their_probability() {
        let mut rng = stream(3, 0, tag::OPINION, 1, 0);
        assert!((0..1000).all(|_| Chance::new(1.0).toss(&mut rng) && !Chance::new(0.0).toss(&mut rng)));
        let hits = (0..100_000).filter(|_| Chance::new(0.3).toss(&mut rng)).count();
        assert!((hits as f64 / 100_000.0 - 0.3).abs() < 0.01, "{hits}");
    }

    #[test]
    fn unit_draws_are_in_range_and_roughly_uniform() {
        let n = 100_000u64;
        let mean = (0..n).map(unit_f64).inspect(|u| assert!((0.0..1.0).contains(u))).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
    }
}
