//! Voter components (`docs/MODEL.md` §2.1). Plain data, no behaviour: the phase systems in
//! `crate::phases` read and write them. Fields that always change together share a component so
//! the hot loops touch few columns.

use bevy_ecs::prelude::*;

/// Dense, stable voter index assigned in scenario order; the key of every per-voter array and
/// random stream (never use `Entity` as a key).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VoterId(pub u32);

/// Who the voter is: fixed for the whole run.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Demography {
    /// Index of the cohort in the scenario's `population.cohorts`.
    pub cohort: u8,
    /// When the voter dies, in quarter years after the first election
    /// ([`Demography::NEVER`]: not within the run); docs/MODEL.md §7.11.
    pub dies: u8,
    /// Place (town, district) the voter lives in, `0..places`.
    pub place: u16,
    /// Birth date as a fractional calendar year (e.g. 2004.37).
    pub born: f32,
}

impl Demography {
    /// `dies` of a voter who outlives the run.
    pub const NEVER: u8 = u8::MAX;
    /// The longest time after the first election at which a death can be recorded, in years.
    pub const MAX_YEARS_OF_DEATHS: f64 = (Self::NEVER - 1) as f64 / 4.0;

    /// Whether a voter who dies at `dies` is alive at calendar time `year`, for a run whose first
    /// election is in `start_year`.
    #[inline]
    pub fn alive_at(dies: u8, start_year: i32, year: f64) -> bool {
        dies == Self::NEVER || year < f64::from(start_year) + f64::from(dies) / 4.0
    }

    /// Whether this voter is alive at calendar time `year`.
    #[inline]
    pub fn alive(&self, start_year: i32, year: f64) -> bool {
        Self::alive_at(self.dies, start_year, year)
    }
}

/// Stable personal traits drawn at the start.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Traits {
    /// Emotional reactivity to fear and hate content, [0, 1].
    pub reactivity: f32,
    /// Feed items seen per day: the cohort's `media_diet` times a heavy-tailed personal factor
    /// (`docs/MODEL.md` §5.1).
    pub media_diet: f32,
    /// Whether the voter consented to data collection (used under `Consent` rules).
    pub consent: bool,
    /// Affinity for unreliable sources, log-quantised (read it with [`Traits::affinity`]): how
    /// much of the voter's feed comes from misinformation and bot accounts, and how readily it
    /// passes misinformation on, relative to the average voter (`docs/MODEL.md` §5.1, §7.5).
    /// Kept in 16 bits so that `Traits` stays 12 bytes.
    pub affinity: u16,
}

impl Traits {
    /// Levels of [`Traits::affinity`] per unit of its natural logarithm.
    const AFFINITY_LEVELS_PER_LOG: f64 = 2048.0;
    /// Offset of the natural logarithm: level 0 is `e^−16`, the largest `e^16`.
    const AFFINITY_LOG_OFFSET: f64 = 16.0;

    /// Encode an affinity (≥ 0) in 16 bits: relative error below 0.03%, range `e^±16`.
    pub fn encode_affinity(a: f64) -> u16 {
        if a <= 0.0 {
            return 0;
        }
        ((a.ln() + Self::AFFINITY_LOG_OFFSET) * Self::AFFINITY_LEVELS_PER_LOG).round().clamp(0.0, 65535.0) as u16
    }

    /// The affinity for unreliable sources (≥ 0; 1 for the average voter).
    #[inline]
    pub fn affinity(&self) -> f32 {
        (f32::from(self.affinity) * (1.0 / Self::AFFINITY_LEVELS_PER_LOG as f32) - Self::AFFINITY_LOG_OFFSET as f32)
            .exp()
    }
}

/// Socially formed left–right position and the personal anchor it is pulled back to.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Ideology {
    /// Current position, [-1, 1].
    pub x: f32,
    /// Personal anchor (the starting position), [-1, 1].
    pub anchor: f32,
}

/// What this campaign's contact has done to the voter, all of it transient: written by campaign
/// delivery, with persuasion and mobilisation decaying in relaxation. One component rather than
/// three, because bevy keeps 8 B of change ticks per component per voter.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct CampaignContact {
    /// Transient shift of vote intention from campaign ads, kept apart from ideology because it
    /// decays within days (Kalla & Broockman 2018). Signed, in ideology units.
    pub persuasion: f32,
    /// Campaign mobilisation, [-1, 1]: positive from mobilising contact, negative from
    /// demobilising ads; decays with a half-life of days.
    pub mobilisation: f32,
    /// Face-to-face mobilisation received today from grassroots events, kept for one step so
    /// that the voter passes part of it on to a housemate (Nickerson 2008).
    pub face_to_face: f32,
}

/// Emotional state.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Affect {
    /// Fear and anger, [0, 1]; decays with a half-life of days.
    pub arousal: f32,
    /// Hostility toward the other side, [0, 1].
    pub hostility: f32,
    /// The level hostility returns to without provocation.
    pub hostility_rest: f32,
}

/// Trust in institutions and news, [0, 1].
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Trust {
    /// Current trust.
    pub value: f32,
    /// The level trust recovers to without misinformation and negative campaigning.
    pub rest: f32,
}

/// Media literacy: a stable base and a programme boost that fades.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Literacy {
    /// Literacy without programmes, [0, 1].
    pub base: f32,
    /// Extra literacy from programmes, [0, 1 − base].
    pub boost: f32,
}

impl Literacy {
    /// Effective literacy, [0, 1].
    #[inline]
    pub fn value(&self) -> f32 {
        (self.base + self.boost).min(1.0)
    }
}

/// Belief in current misinformation, [0, 1].
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct Belief(pub f32);

/// Data exhaust accumulated by brokers: feed items seen while collection ran.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct DataFootprint(pub f32);

/// Election history and the turnout habit it formed: one component, as both change only on
/// election day, and bevy keeps 8 B of change ticks per component per voter.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct VotingRecord {
    /// Turnout habit stock H (`docs/MODEL.md` §7.8).
    pub habit: f32,
    /// Elections the voter was eligible for, before and during the run.
    pub eligible_elections: u8,
    /// Elections the voter voted in.
    pub votes: u8,
    /// Index (in the run) of the last election the voter was eligible for; -1 if none yet.
    pub last_election: i8,
    /// Whether the voter voted at `last_election`.
    pub voted: bool,
    /// Whether `last_election` was the voter's first eligible election.
    pub first_time: bool,
    /// Party chosen at `last_election` (if voted), index into the scenario's parties.
    pub choice: u8,
}

/// Exposure counters: cumulative over the current campaign and over the run.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct Exposure {
    /// Misinformation items seen this campaign.
    pub misinformation: f32,
    /// Misinformation items seen over the run.
    pub misinformation_total: f32,
    /// Bot items seen this campaign.
    pub bot: f32,
    /// Ad impressions this campaign.
    pub ads: f32,
    /// Micro-targeted ad impressions this campaign.
    pub targeted: f32,
    /// Ad impressions shown at a recent-exposure stock of at least the wear-out scale this
    /// campaign (`docs/MODEL.md` §7.3): impressions past saturation.
    pub wasted: f32,
    /// Stock of recent ad exposures (all parties) after the last delivery: impressions, each
    /// decaying with the attention half-life. Wear-out reads it.
    pub ad_stock: f32,
    /// Items from like-minded sources this campaign.
    pub like_minded: f32,
    /// Items from cross-cutting sources this campaign.
    pub cross_cutting: f32,
}

/// What civic programmes did for a voter.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Civics {
    /// Habit stock civic education adds at the voter's first election (0 if not reached).
    pub habit_boost: f32,
    /// Multiplier of the confidence bound, raised by deliberation (1 = none).
    pub openness: f32,
}

impl Default for Civics {
    fn default() -> Self {
        Civics { habit_boost: 0.0, openness: 1.0 }
    }
}

/// Everything a voter is spawned with.
#[derive(Bundle, Clone, Copy, Debug)]
pub struct VoterBundle {
    /// Stable index.
    pub id: VoterId,
    /// Cohort, place, birth.
    pub demography: Demography,
    /// Stable traits.
    pub traits: Traits,
    /// Left–right position.
    pub ideology: Ideology,
    /// Ad persuasion, mobilisation and today's face-to-face contact.
    pub campaign: CampaignContact,
    /// Arousal and hostility.
    pub affect: Affect,
    /// Trust.
    pub trust: Trust,
    /// Literacy.
    pub literacy: Literacy,
    /// Belief in misinformation.
    pub belief: Belief,
    /// Broker data.
    pub footprint: DataFootprint,
    /// Election history and turnout habit.
    pub record: VotingRecord,
    /// Exposure counters.
    pub exposure: Exposure,
    /// Civic education and deliberation.
    pub civics: Civics,
}
