//! How campaigns spend (docs/VALIDATION.md): a cohort's targeted impressions against its focus
//! weight, the election-day vote-share effect of a one-sided micro-targeted campaign in the full
//! baseline (`one-sided.ron`), and the turnout that free grassroots events add per attendance
//! (`free-events.ron`). Each run is paired with the same run without the campaign (common random
//! numbers: same electorate, network and draws). Reads the engine; writes nothing.

use super::labs::load;
use super::{Band, Effort, Family, Kind, Measured, Target};
use crate::metrics::MetricsLog;
use crate::sim;
use rayon::prelude::*;

/// The family.
pub const FAMILY: Family = Family { name: "spending", targets, measure };

const FOCUS: &str = "Spending: targeted impressions follow the cohort focus";
const ONE_SIDED: &str = "Spending: one-sided campaign's election-day vote-share effect (pp)";
const EVENTS: &str = "Spending: free grassroots events' turnout per attendance (pp)";

/// Gen Z focus weights the focus target runs, the others keeping 1.
const WEIGHTS: [f64; 6] = [0.0, 0.05, 0.2, 0.5, 1.0, 2.0];

/// The declared targets.
pub fn targets() -> Vec<Target> {
    vec![
        Target::new(
            FOCUS,
            Kind::MechanismCheck,
            "docs/MODEL.md §7.3 (budget split by weight × eligible voters): Gen Z's impressions per voter = weight × \
             the others', rising monotonically; measured as the largest deviation, relative to max(weight, 0.1)",
            Band::Below(0.1),
        ),
        Target::new(
            ONE_SIDED,
            Kind::Reproduction,
            "Kalla & Broockman 2018 (≈ 0 for persuasion at election day in general elections) to Sides, Vavreck & \
             Warshaw 2022 (1–2 points for a large, sustained advertising advantage)",
            Band::Between(0.0, 2.0),
        ),
        Target::new(
            EVENTS,
            Kind::Reproduction,
            "Green & Gerber (face-to-face contact +3–8 pp among those contacted), at most halved by the decay of \
             mobilisation over a four-week campaign, plus spillover to housemates of the cohort (Nickerson 2008)",
            Band::Between(1.5, 8.0),
        ),
    ]
}

/// The (only) election's value of a metric.
fn metric(log: &MetricsLog, path: &[&str]) -> f64 {
    log.elections[0].get(path).unwrap_or_else(|| panic!("no metric {path:?}"))
}

/// Largest deviation of Gen Z's targeted impressions per voter from weight × the other cohorts',
/// relative to max(weight, 0.1), over the weights of one run; 1 when they do not rise with the
/// weight.
fn focus_deviation(voters: u64, replicate: u32) -> f64 {
    let (mut worst, mut previous) = (0.0f64, -1.0);
    for weight in WEIGHTS {
        let focus = format!("{{\"Gen Z\": {weight:?}}}");
        let s = load(
            "builtin:baseline",
            &[
                ("population.size", voters.to_string()),
                ("timeline.elections", "1".into()),
                ("timeline.campaign_days", "30".into()),
                ("parties[0].campaign.cohort_focus", focus.clone()),
                ("parties[1].campaign.cohort_focus", focus),
            ],
        );
        let log = sim::run_replicate_to_end(s, replicate);
        // Gen Z against the other cohorts that vote at this election (not those yet to come of age).
        let (gen_z, others): (Vec<_>, Vec<_>) =
            log.cohorts.iter().filter(|row| row.eligible > 0).partition(|row| row.cohort == "Gen Z");
        let Some(gen_z) = gen_z.first().map(|row| row.targeted_per_capita) else { return 1.0 };
        let others = others.iter().map(|row| row.targeted_per_capita).sum::<f64>() / others.len().max(1) as f64;
        if gen_z <= previous {
            return 1.0;
        }
        previous = gen_z;
        worst = worst.max((gen_z / others - weight).abs() / weight.max(0.1));
    }
    worst
}

/// Left's election-day vote share with its campaign minus without, in points.
fn one_sided_effect(voters: u64, replicate: u32) -> f64 {
    let size = ("population.size", voters.to_string());
    let with = load("one-sided", std::slice::from_ref(&size));
    let without = load("one-sided", &[size, ("parties[0].budget", "0.0".into())]);
    let share = |log: &MetricsLog| metric(log, &["vote_share", "Left"]);
    100.0
        * (share(&sim::run_replicate_to_end(with, replicate))
            - share(&sim::run_replicate_to_end(without, replicate)))
}

/// Extra Gen Z votes per attendance of free events, in points.
fn events_effect(replicate: u32) -> f64 {
    let with = sim::run_replicate_to_end(load("free-events", &[]), replicate);
    let without =
        sim::run_replicate_to_end(load("free-events", &[("parties[0].campaign.grassroots", "None".into())]), replicate);
    let gen_z = |log: &MetricsLog| log.cohorts.iter().find(|row| row.cohort == "Gen Z").map_or(0.0, |row| row.voters as f64);
    let attendances = metric(&with, &["grassroots", "attendees"]);
    if attendances > 0.0 { 100.0 * (gen_z(&with) - gen_z(&without)) / attendances } else { 0.0 }
}

/// Run the family.
pub fn measure(e: Effort) -> Vec<Measured> {
    let voters = e.voters * 10;
    let focus: Vec<f64> = (0..e.runs).into_par_iter().map(|r| focus_deviation(voters / 2, r)).collect();
    let one_sided: Vec<f64> = (0..e.runs).into_par_iter().map(|r| one_sided_effect(voters, r)).collect();
    let events: Vec<f64> = (0..e.runs).into_par_iter().map(events_effect).collect();
    vec![
        Measured::new(
            FOCUS,
            format!(
                "baseline at {} voters, one election after a 30-day campaign; Gen Z focus {WEIGHTS:?} in both \
                 parties, the other cohorts 1; {} runs",
                voters / 2,
                e.runs
            ),
            focus,
        ),
        Measured::new(
            ONE_SIDED,
            format!(
                "one-sided.ron: the full baseline dynamics at {voters} voters, one election; Left spends 20 million \
                 on micro-targeted ads with the baseline's goals, Right nothing; against the same runs with Left's \
                 budget 0; {} runs",
                e.runs
            ),
            one_sided,
        ),
        Measured::new(
            EVENTS,
            format!(
                "free-events.ron: the quiet baseline at 20,000 voters (each simulated voter a real one), no ads, one \
                 party holding free events for Gen Z over a 28-day campaign, about a fifth of Gen Z attending; extra \
                 Gen Z votes per attendance against the same runs without events; {} runs",
                e.runs
            ),
            events,
        ),
    ]
}
