//! World resources shared by the phase systems: the run's parameters, the clock, the social
//! graph, the previous step's snapshot and the calibrated turnout model.

use super::timeline::StepPlan;
use crate::graph::SocialGraph;
use crate::scenario::Scenario;
use bevy_ecs::prelude::*;
use std::sync::Arc;

/// The scenario being simulated and which replicate this world is.
#[derive(Resource, Clone, Debug)]
pub struct RunParams {
    /// The validated scenario.
    pub scenario: Arc<Scenario>,
    /// Replicate index: the second coordinate of every random stream.
    pub replicate: u32,
    /// Simulated voters per real-world voter: the sample's electorate at the first election over
    /// `represents`, or 1.
    pub scale: f64,
    /// Whether per-voter loops spread over the thread pool. Off when replicates already occupy
    /// every thread; results are bit-identical either way.
    pub parallel: bool,
}

impl RunParams {
    /// The seed of every stream.
    #[inline]
    pub fn seed(&self) -> u64 {
        self.scenario.seed
    }
}

/// Where the run is in time.
#[derive(Resource, Clone, Debug, Default)]
pub struct Clock {
    /// Index of the current step in the timetable (the step being simulated).
    pub step: usize,
    /// The current step's plan.
    pub plan: Option<StepPlan>,
    /// Fractional calendar year at the end of the current step.
    pub year: f64,
    /// Elections held so far.
    pub elections_held: usize,
}

impl Clock {
    /// Length of the current step in days.
    #[inline]
    pub fn dt(&self) -> f64 {
        self.plan.map_or(0.0, |p| p.dt)
    }

    /// Whether the current step is a campaign day.
    #[inline]
    pub fn in_campaign(&self) -> bool {
        self.plan.is_some_and(|p| p.campaign.is_some())
    }

    /// The election held at the end of this step, if any.
    #[inline]
    pub fn election(&self) -> Option<usize> {
        self.plan.and_then(|p| p.election)
    }
}

/// Means of the electorate's information diet at the start of the run, which the feed divides by
/// so that the scenario's story and bot volumes are spread over voters in proportion to their diet
/// and affinity for unreliable sources without changing their totals (`docs/MODEL.md` §7.5).
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct InformationDiet {
    /// Mean feed items per day.
    pub mean_diet: f64,
    /// Mean of feed items per day times affinity for unreliable sources.
    pub mean_unreliable: f64,
}

impl Default for InformationDiet {
    fn default() -> Self {
        InformationDiet { mean_diet: 1.0, mean_unreliable: 1.0 }
    }
}

impl InformationDiet {
    /// The means over these voters' traits (in order, so the sums are the same on every run);
    /// floored at 10⁻⁹ so that an electorate that sees nothing divides safely.
    pub fn of<'a>(traits: impl Iterator<Item = &'a crate::agents::Traits>) -> InformationDiet {
        let (mut n, mut diet, mut unreliable) = (0.0f64, 0.0f64, 0.0f64);
        for t in traits {
            n += 1.0;
            diet += f64::from(t.media_diet);
            unreliable += f64::from(t.media_diet) * f64::from(t.affinity());
        }
        let n = n.max(1.0);
        InformationDiet { mean_diet: (diet / n).max(1e-9), mean_unreliable: (unreliable / n).max(1e-9) }
    }
}

/// The whole timetable.
#[derive(Resource, Clone, Debug, Default)]
pub struct Timetable(pub Vec<StepPlan>);

/// The social network.
#[derive(Resource, Clone, Debug, Default)]
pub struct Graph(pub SocialGraph);

/// What a voter's feed shows of one online neighbour from last step, packed into 16 bits so that
/// the feed's scan of every online tie reads one small array (2 bytes a voter: it stays in cache
/// up to millions of voters). Bit 15: the neighbour leans right (ideology ≥ 0); bits 8–14: the
/// share of its political posts that pass misinformation on, on a log scale (level `L ≥ 1` is
/// `2^((L − 127)/8)`, 0 is none: relative steps of 9%, smallest share 1.8·10⁻⁵); bits 0–7: its
/// arousal in [0, 1] as a multiple of 1/255 (neighbours only read it summed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Post(u16);

impl Post {
    /// Largest arousal level: arousal 1.
    pub const AROUSAL_LEVELS: u16 = 0xff;
    /// Largest sharing level: every post passes misinformation on.
    pub const SHARING_LEVELS: u16 = 0x7f;
    /// Sharing levels per doubling of the share.
    const SHARING_LEVELS_PER_DOUBLING: f32 = 8.0;

    /// What neighbours see of a voter with this ideology, arousal and share of political posts
    /// that pass misinformation on.
    #[inline]
    pub fn new(ideology: f32, arousal: f32, sharing: f32) -> Post {
        let level = (arousal.clamp(0.0, 1.0) * f32::from(Self::AROUSAL_LEVELS)).round() as u16;
        let shares = if sharing > 0.0 {
            (f32::from(Self::SHARING_LEVELS) + Self::SHARING_LEVELS_PER_DOUBLING * sharing.min(1.0).log2())
                .round()
                .max(0.0) as u16
        } else {
            0
        };
        Post(u16::from(ideology >= 0.0) << 15 | shares << 8 | level)
    }

    /// Whether the poster leans right (ideology ≥ 0).
    #[inline]
    pub fn right(self) -> bool {
        self.0 >> 15 != 0
    }

    /// The sharing level, `0..=SHARING_LEVELS` (decode with [`sharing_table`]).
    #[inline]
    pub fn sharing_level(self) -> usize {
        usize::from(self.0 >> 8 & Self::SHARING_LEVELS)
    }

    /// Share of the poster's political posts that pass misinformation on, [0, 1].
    #[inline]
    pub fn sharing(self) -> f32 {
        sharing_share(self.sharing_level())
    }

    /// Arousal as a level in `0..=AROUSAL_LEVELS` (sum levels, then divide once).
    #[inline]
    pub fn arousal_level(self) -> u16 {
        self.0 & Self::AROUSAL_LEVELS
    }

    /// Arousal, [0, 1].
    #[inline]
    pub fn arousal(self) -> f32 {
        f32::from(self.arousal_level()) / f32::from(Self::AROUSAL_LEVELS)
    }
}

/// The share of posts passing misinformation on at a sharing level.
fn sharing_share(level: usize) -> f32 {
    if level == 0 {
        0.0
    } else {
        ((level as f32 - f32::from(Post::SHARING_LEVELS)) / Post::SHARING_LEVELS_PER_DOUBLING).exp2()
    }
}

/// Every sharing level's share, for the feed's scan of neighbours.
pub fn sharing_table() -> [f32; 128] {
    std::array::from_fn(sharing_share)
}

/// Last step's per-voter state that neighbours and campaigns read, as flat arrays indexed by
/// `VoterId` (double buffering: systems read this and write only their own voter's components).
#[derive(Resource, Clone, Debug, Default)]
pub struct Snapshot {
    /// Ideology x: what social influence reads of a partner.
    pub ideology: Vec<f32>,
    /// What the feed shows neighbours.
    pub posts: Vec<Post>,
    /// Mobilisation received directly from face-to-face contact last step (for contagion).
    pub contact: Vec<f32>,
    /// Turnout habit stock.
    pub habit: Vec<f32>,
    /// Trust.
    pub trust: Vec<f32>,
    /// Data footprint held by brokers.
    pub footprint: Vec<f32>,
    /// Stock of recent ad exposures after the last delivery (`Exposure::ad_stock`).
    pub ad_stock: Vec<f32>,
}

impl Snapshot {
    /// A snapshot for `n` voters, all zeros.
    pub fn new(n: usize) -> Snapshot {
        Snapshot {
            ideology: vec![0.0; n],
            posts: vec![Post::default(); n],
            contact: vec![0.0; n],
            habit: vec![0.0; n],
            trust: vec![0.0; n],
            footprint: vec![0.0; n],
            ad_stock: vec![0.0; n],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Post;

    #[test]
    fn a_post_keeps_side_sharing_and_arousal() {
        let p = Post::new(-0.3, 0.25, 0.01);
        assert!(!p.right());
        assert!((p.sharing() / 0.01 - 1.0).abs() < 0.05, "{}", p.sharing());
        assert!((p.arousal() - 0.25).abs() < 1.0 / 255.0);
        let q = Post::new(0.0, 1.7, 0.0);
        assert!(q.right() && q.sharing() == 0.0);
        assert_eq!(q.arousal_level(), Post::AROUSAL_LEVELS);
        assert_eq!(Post::new(0.4, 0.0, 3.0).sharing(), 1.0);
        assert_eq!(Post::new(0.4, 0.0, 1e-9).sharing(), 0.0);
        assert_eq!(
            super::sharing_table()[Post::new(0.4, 0.0, 0.2).sharing_level()],
            Post::new(0.4, 0.0, 0.2).sharing()
        );
        assert_eq!(Post::new(0.4, 0.0, 0.0).arousal(), 0.0);
    }
}

/// Per-voter facts that never change during a run, as flat arrays indexed by `VoterId`, for
/// the phases that scan the whole electorate (targeting, events).
#[derive(Resource, Clone, Debug, Default)]
pub struct VoterTable {
    /// Cohort index.
    pub cohort: Vec<u8>,
    /// Place.
    pub place: Vec<u16>,
    /// Birth date, fractional year.
    pub born: Vec<f32>,
    /// Death, as [`crate::agents::Demography::dies`].
    pub dies: Vec<u8>,
    /// Reactivity.
    pub reactivity: Vec<f32>,
    /// Voters per cohort.
    pub cohort_sizes: Vec<u64>,
    /// Calendar time of the first death of the run (infinite when nobody dies in it).
    pub first_death: f64,
}

impl VoterTable {
    /// Number of voters.
    pub fn len(&self) -> usize {
        self.cohort.len()
    }

    /// Whether there are no voters.
    pub fn is_empty(&self) -> bool {
        self.cohort.is_empty()
    }

    /// The voters who have died by calendar time `year`, in a run whose first election is in
    /// `start_year`: nobody, checked at no cost, before the first death.
    pub fn departed(&self, start_year: i32, year: f64) -> Departed<'_> {
        if year < self.first_death { Departed::nobody() } else { Departed { dies: &self.dies, start_year, year } }
    }
}

/// The voters who have died by a given time (docs/MODEL.md §7.11).
#[derive(Clone, Copy, Debug)]
pub struct Departed<'a> {
    /// Every voter's death, as [`crate::agents::Demography::dies`]; empty when nobody dies.
    dies: &'a [u8],
    /// Calendar year of the first election.
    start_year: i32,
    /// The time asked about, fractional calendar year.
    year: f64,
}

impl Departed<'_> {
    /// Nobody.
    pub fn nobody() -> Self {
        Departed { dies: &[], start_year: 0, year: 0.0 }
    }

    /// Whether voter `j` has died.
    #[inline]
    pub fn contains(&self, j: u32) -> bool {
        self.dies.get(j as usize).is_some_and(|&d| !crate::agents::Demography::alive_at(d, self.start_year, self.year))
    }
}

/// Calibrated turnout intercepts: the life cycle (docs/MODEL.md §5.3).
#[derive(Resource, Clone, Debug, Default)]
pub struct TurnoutModel {
    /// First age of each age group of `turnout.age_profile`.
    pub age_from: Vec<u32>,
    /// Logit intercept β0 per age group, solved so that expected first-election turnout without
    /// campaigning equals the group's target.
    pub intercept: Vec<f64>,
    /// Mean starting trust per cohort (trust enters turnout relative to it).
    pub trust_mean: Vec<f64>,
}

impl TurnoutModel {
    /// The intercept at `age`: that of the age group holding it (the first group below its
    /// first age).
    #[inline]
    pub fn intercept_at(&self, age: f64) -> f64 {
        let g = self.age_from.partition_point(|&from| f64::from(from) <= age).saturating_sub(1);
        self.intercept.get(g).copied().unwrap_or(0.0)
    }
}
