//! Campaigns, data brokers, micro-targeting and grassroots events (docs/MODEL.md §7.3–§7.4): the behaviour the
//! model must show, measured on small electorates through short campaigns.

use super::common::*;
use votelab::agents::{CampaignContact, VoterId, VotingRecord};
use votelab::metrics::MetricsLog;
use votelab::sim::Simulation;
use votelab::validation::{FirstDay, first_campaign_day, vote_choice_per_impression};

/// A metric of the (only) election.
fn metric(log: &MetricsLog, path: &[&str]) -> f64 {
    log.elections[0].get(path).unwrap_or_else(|| panic!("no metric {path:?}"))
}

/// Micro-targeted impressions per capita of a cohort at the (only) election.
fn targeted_per_capita(log: &MetricsLog, cohort: &str) -> f64 {
    log.cohorts.iter().find(|row| row.election == 0 && row.cohort == cohort).expect("cohort row").targeted_per_capita
}

#[test]
fn banning_microtargeting_makes_the_targeted_share_zero() {
    let allowed = run_small(&[], 0);
    let banned = run_small(&["regulation.microtargeting=Banned"], 0);
    let (share_allowed, share_banned) =
        (metric(&allowed, &["ads", "targeted_share"]), metric(&banned, &["ads", "targeted_share"]));
    let impressions_banned = metric(&banned, &["ads", "impressions_per_capita"]);
    eprintln!(
        "targeted share: allowed {share_allowed:.4}, banned {share_banned:.4}; impressions per capita under the ban {impressions_banned:.2}"
    );
    assert!(share_allowed > 0.0, "control: micro-targeting campaigns target when allowed");
    assert!(impressions_banned > 0.0, "the campaigns still advertise under the ban");
    assert_eq!(share_banned, 0.0);
    for row in banned.cohorts.iter() {
        assert_eq!(row.targeted_per_capita, 0.0, "{}", row.cohort);
    }
}

#[test]
fn a_cohort_with_zero_focus_gets_no_targeted_impressions() {
    let focus = "{\"Gen Z\": 0.0, \"Boomers+\": 0.5}";
    let left = format!("parties[0].campaign.cohort_focus={focus}");
    let right = format!("parties[1].campaign.cohort_focus={focus}");
    for regime in ["Allowed", "MinAudience(1000000)"] {
        let rule = format!("regulation.microtargeting={regime}");
        let log = run_small(&[&left, &right, &rule], 0);
        let per: Vec<(String, f64)> =
            log.cohorts.iter().map(|row| (row.cohort.clone(), row.targeted_per_capita)).collect();
        eprintln!("{regime}: targeted impressions per capita {per:?}");
        assert_eq!(targeted_per_capita(&log, "Gen Z"), 0.0, "{regime}");
        for other in ["Millennials", "Gen X", "Boomers+"] {
            assert!(targeted_per_capita(&log, other) > 0.0, "{regime}: {other} is targeted");
        }
    }
}

/// Spend per party and the grassroots funds of a run.
fn money(log: &MetricsLog) -> (f64, f64, f64) {
    (
        metric(log, &["ads", "spend", "Left"]),
        metric(log, &["ads", "spend", "Right"]),
        metric(log, &["grassroots", "funds_raised"]),
    )
}

#[test]
fn spending_never_exceeds_the_budget_plus_grassroots_funds_nor_the_cap() {
    // Left holds grassroots events (the source's 20 events of 300 in 10 cities at about 45 a
    // ticket); the sample stands for 400,000 voters so that events have simulated attendees.
    let events = "parties[0].campaign.grassroots=Some(Grassroots(events: 20, places: 10, attendees: 300, ticket: 45.0, cohorts: []))";
    let small_electorate = "population.represents=Some(400000)";
    let budget = 200_000.0;
    let budgets = ["parties[0].budget=200000.0", "parties[1].budget=200000.0"];
    let sets = [events, small_electorate, budgets[0], budgets[1]];
    let free = run_small(&sets, 0);
    let (left, right, funds) = money(&free);
    eprintln!("no cap: spend Left {left:.0} Right {right:.0}, funds raised {funds:.0}");
    assert!(funds > 0.0, "events raise money");
    assert!(left <= (budget + funds) * (1.0 + 1e-9), "Left spent {left} of {budget} + {funds}");
    assert!(right <= budget * (1.0 + 1e-9), "Right spent {right} of {budget}");
    assert!(left > budget, "Left spends some of its ticket revenue too");
    for cap in [150_000.0, 20_000.0] {
        let cap_set = format!("regulation.spending_cap=Some({cap:.1})");
        let mut capped_sets = sets.to_vec();
        capped_sets.push(&cap_set);
        let capped = run_small(&capped_sets, 0);
        let (left, right, funds) = money(&capped);
        eprintln!("cap {cap}: spend Left {left:.0} Right {right:.0}, funds raised {funds:.0}");
        assert!(left <= cap * (1.0 + 1e-9) && right <= cap * (1.0 + 1e-9), "cap {cap}: {left}, {right}");
        assert!(left > 0.0 && right > 0.0);
    }
}

#[test]
fn buying_profiles_never_takes_spending_over_the_budget_or_the_cap() {
    // The national baseline: a 60-million electorate, where a micro-targeting campaign's profiles
    // of every eligible voter cost about 1.1 million at 0.02 each. A party with a smaller budget,
    // or a cap below that, must still not spend more than it has or may.
    let limit = 500_000.0;
    for sets in [["parties[1].budget=500000.0"], ["regulation.spending_cap=Some(500000.0)"]] {
        let log = run_small(&sets, 0);
        let (left, right, _) = money(&log);
        let revenue = metric(&log, &["brokers", "revenue"]);
        eprintln!("{sets:?}: spend Left {left:.0} Right {right:.0}, broker revenue {revenue:.0}");
        assert!(right <= limit * (1.0 + 1e-9), "{sets:?}: Right spent {right:.0} of at most {limit}");
        if sets[0].starts_with("regulation") {
            assert!(left <= limit * (1.0 + 1e-9), "{sets:?}: Left spent {left:.0} of at most {limit}");
        }
    }
}

/// The first day of a one-day campaign in which only Left advertises (the validation suite's
/// controlled setting: persuade only, no fear or hate, free profiles), at 5,000 voters.
fn first_day(targeting: &str, budget: f64, replicate: u32) -> FirstDay {
    first_campaign_day(targeting, budget, 5000, replicate)
}

#[test]
fn the_targeting_premium_measured_on_the_same_audience_lies_between_one_and_one_point_eight() {
    // Controlled comparison: the same electorate (same replicate, so the same voters, profiles
    // and opinions) on the same first campaign day, once receiving micro-targeted impressions and
    // once broadcast ones. The targeted budget buys a little more than one impression per
    // eligible voter, so every eligible voter is selected and gets exactly one; the broadcast
    // budget buys about one per voter at random. Over the voters who received exactly one
    // impression in both runs, the premium is the ratio of the persuasion they hold at the end of
    // the day (same message, same recipient, same saturation and decay): what one targeted
    // impression does relative to one broadcast impression to the same person.
    let mut ratios = Vec::new();
    let (mut sum_t, mut sum_b) = (0.0f64, 0.0f64);
    for replicate in 0..2 {
        let targeted = first_day("Micro", 1_600_000.0, replicate);
        let broadcast = first_day("Broadcast", 600_000.0, replicate);
        assert!(
            targeted.targeted.iter().zip(&targeted.impressions).all(|(&t, &n)| t == 1.0 && n == 1.0),
            "precondition: every eligible voter got exactly one targeted impression"
        );
        assert!(broadcast.targeted.iter().all(|&t| t == 0.0));
        for i in 0..targeted.persuasion.len() {
            if broadcast.impressions[i] == 1.0 && broadcast.persuasion[i] != 0.0 {
                sum_t += f64::from(targeted.persuasion[i].abs());
                sum_b += f64::from(broadcast.persuasion[i].abs());
                ratios.push(f64::from(targeted.persuasion[i] / broadcast.persuasion[i]));
            }
        }
    }
    let premium = sum_t / sum_b;
    let max = ratios.iter().copied().fold(f64::MIN, f64::max);
    let min = ratios.iter().copied().fold(f64::MAX, f64::min);
    eprintln!("targeting premium {premium:.3} over {} voters; per voter from {min:.3} to {max:.3}", ratios.len());
    assert!(ratios.len() > 500, "enough voters got one impression in both runs");
    assert!((1.0..=1.8).contains(&premium), "premium {premium}");
}

#[test]
fn average_persuasion_per_broadcast_impression_is_under_one_point_of_vote_choice() {
    // One campaign day of broadcast persuasion (about one impression per voter, at random): the
    // share of recipients whose vote choice (nearest party, hostility included, as on election day)
    // differs with and without the day's ad shift, per impression.
    for replicate in 0..2 {
        let day = first_day("Broadcast", 600_000.0, replicate);
        let impressions: f32 = day.impressions.iter().sum();
        let pp = vote_choice_per_impression(&day);
        eprintln!("replicate {replicate}: {pp:.3} pp of vote choice per impression over {impressions} impressions");
        assert!(impressions > 2000.0, "the campaign ran");
        assert!(pp > 0.0, "ads persuade at all");
        assert!(pp < 1.0, "{pp} pp per impression");
    }
}

/// Left's vote share with and without its campaign, same replicate (common random numbers).
fn one_sided_shift(budget: &str, replicate: u32) -> (f64, f64) {
    let silent = run_small(&["parties[0].budget=0.0", "parties[1].budget=0.0"], replicate);
    let campaign = run_small(&[budget, "parties[1].budget=0.0"], replicate);
    (metric(&silent, &["vote_share", "Left"]), metric(&campaign, &["vote_share", "Left"]))
}

#[test]
fn a_one_sided_campaign_moves_its_partys_vote_share_by_less_than_five_points() {
    // Left campaigns with the baseline's budget (and with ten times that), Right does not; the
    // same replicate without any campaign is the counterfactual.
    for budget in ["parties[0].budget=20000000.0", "parties[0].budget=200000000.0"] {
        for replicate in 0..3 {
            let (without, with) = one_sided_shift(budget, replicate);
            let shift = 100.0 * (with - without);
            eprintln!(
                "{budget}, replicate {replicate}: Left {:.2}% -> {:.2}% ({shift:+.2} pp)",
                100.0 * without,
                100.0 * with
            );
            assert!(shift.abs() < 5.0, "{budget}: {shift} pp");
        }
    }
}

/// Run replicate `r` to the end, noting who attended a grassroots event; returns the metrics, the
/// attendees and whether each voter (by id) voted at the (only) election.
fn run_noting_attendees(sets: &[&str], r: u32) -> (MetricsLog, Vec<u32>, Vec<bool>) {
    let mut sim = Simulation::new(small_baseline(sets), r);
    let mut attendees = Vec::new();
    for _ in 0..sim.steps() {
        sim.step();
        let mut q = sim.world.query::<(&VoterId, &CampaignContact)>();
        attendees.extend(q.iter(&sim.world).filter(|(_, c)| c.face_to_face > 0.0).map(|(id, _)| id.0));
    }
    attendees.sort_unstable();
    attendees.dedup();
    let mut q = sim.world.query::<(&VoterId, &VotingRecord)>();
    let mut voted = vec![false; q.iter(&sim.world).count()];
    for (id, record) in q.iter(&sim.world) {
        voted[id.0 as usize] = record.last_election == 0 && record.voted;
    }
    let log = sim.world.remove_resource::<MetricsLog>().expect("metrics");
    (log, attendees, voted)
}

#[test]
fn grassroots_events_raise_the_turnout_of_the_attendees_cohort() {
    // Twenty events in ten places drawing Gen Z attendees, no ads (no budget, free tickets); the
    // sample is the electorate so that attendees are simulated one for one. The same replicates
    // without events are the counterfactual (common random numbers: same voters, same draws).
    let quiet = ["population.represents=None", "parties[0].budget=0.0", "parties[1].budget=0.0"];
    let events = "parties[0].campaign.grassroots=Some(Grassroots(events: 20, places: 10, attendees: 10, ticket: 0.0, cohorts: [\"Gen Z\"]))";
    let cohorts = ["Gen Z", "Millennials", "Gen X", "Boomers+"];
    let replicates = 3;
    let mut gains = [0.0f64; 4];
    let (mut attended, mut extra_votes) = (0usize, 0i64);
    for replicate in 0..replicates {
        let (without, _, voted_without) = run_noting_attendees(&quiet, replicate);
        let mut sets = quiet.to_vec();
        sets.push(events);
        let (with, attendees, voted_with) = run_noting_attendees(&sets, replicate);
        let mut line = format!("replicate {replicate}: {} attendees;", attendees.len());
        for (k, c) in cohorts.iter().enumerate() {
            let d = metric(&with, &["turnout_by_cohort", c]) - metric(&without, &["turnout_by_cohort", c]);
            gains[k] += 100.0 * d / f64::from(replicates);
            line += &format!(" {c} {:+.2} pp", 100.0 * d);
        }
        eprintln!("{line}");
        assert!(metric(&with, &["turnout_by_cohort", "Gen Z"]) > metric(&without, &["turnout_by_cohort", "Gen Z"]));
        attended += attendees.len();
        extra_votes += attendees
            .iter()
            .map(|&i| i64::from(voted_with[i as usize]) - i64::from(voted_without[i as usize]))
            .sum::<i64>();
    }
    let attendee_gain = 100.0 * extra_votes as f64 / attended as f64;
    eprintln!("mean turnout gain by cohort (pp) {gains:.2?}; attendees' own turnout {attendee_gain:+.2} pp");
    assert!(attended > 0, "events were held");
    for k in 1..cohorts.len() {
        assert!(gains[0] > gains[k], "the attendees' cohort gains most: {gains:?}");
    }
    assert!((3.0..=8.0).contains(&attendee_gain), "face to face: +3 to +8 points (Green & Gerber): {attendee_gain}");
}

#[test]
fn with_data_brokers_banned_profile_accuracy_is_zero() {
    let market = run_small(&[], 0);
    let banned = run_small(&["regulation.data_brokers=Banned"], 0);
    let accuracy = |l: &MetricsLog| metric(l, &["brokers", "profile_accuracy"]);
    let revenue = |l: &MetricsLog| metric(l, &["brokers", "revenue"]);
    eprintln!(
        "profile accuracy: unregulated {:.3}, banned {:.3}; revenue {:.0} / {:.0}; targeted share banned {:.3}",
        accuracy(&market),
        accuracy(&banned),
        revenue(&market),
        revenue(&banned),
        metric(&banned, &["ads", "targeted_share"])
    );
    assert!(accuracy(&market) > 0.0, "control: brokers profile voters when allowed");
    assert_eq!(accuracy(&banned), 0.0);
    assert_eq!(revenue(&banned), 0.0, "no broker, no sales");
}

/// Micro-targeted impressions per capita of each cohort, in cohort order, at the (only) election.
fn targeted_by_cohort(log: &MetricsLog) -> Vec<f64> {
    log.cohorts.iter().filter(|row| row.election == 0).map(|row| row.targeted_per_capita).collect()
}

#[test]
fn a_cohorts_targeted_impressions_per_capita_follow_its_focus_weight() {
    // Gen Z's focus from 0 to 2 while the other cohorts keep 1: its impressions per voter are
    // about weight × the others', rising continuously (the budget is split by weight × voters).
    let mut previous = -1.0;
    for weight in [0.0, 0.05, 0.2, 0.5, 1.0, 2.0] {
        let focus = format!("{{\"Gen Z\": {weight:.2}}}");
        let (left, right) =
            (format!("parties[0].campaign.cohort_focus={focus}"), format!("parties[1].campaign.cohort_focus={focus}"));
        let log = run_small(&[&left, &right], 0);
        // Cohorts in the baseline's order: Gen Alpha (not yet voting), Gen Z, then the three older.
        let per = targeted_by_cohort(&log);
        let others = per[2..].iter().sum::<f64>() / 3.0;
        let ratio = per[1] / others;
        eprintln!("Gen Z focus {weight}: targeted per capita {per:.2?}, ratio to the others {ratio:.3}");
        assert!(per[1] > previous, "monotone: {} after {previous}", per[1]);
        assert!((ratio - weight).abs() <= 0.05 + 0.05 * weight, "ratio {ratio} for weight {weight}");
        previous = per[1];
    }
}

#[test]
fn in_the_baseline_wear_out_spreads_impressions_and_few_are_wasted() {
    // The baseline's own 90-day campaign (the small runs compress the budget into 25 days).
    let log = run_small(&["timeline.campaign_days=90"], 0);
    let (reach, frequency, wasted) =
        (metric(&log, &["ads", "reach"]), metric(&log, &["ads", "frequency"]), metric(&log, &["ads", "wasted_share"]));
    let per_capita = metric(&log, &["ads", "impressions_per_capita"]);
    eprintln!("reach {reach:.3}, frequency {frequency:.1}, wasted {wasted:.3}, per capita {per_capita:.1}");
    assert!(reach > 0.5, "most voters are reached");
    assert!((frequency * reach - per_capita).abs() < 1e-9 * per_capita.max(1.0), "frequency × reach = per capita");
    assert!(wasted < 0.25, "wasted share {wasted}");
    // Without recovery of attention (a half-life far longer than the campaign) more of the
    // same budget comes past saturation.
    let no_recovery = run_small(&["timeline.campaign_days=90", "effects.attention_half_life_days=365.0"], 0);
    let wasted_no_recovery = metric(&no_recovery, &["ads", "wasted_share"]);
    eprintln!("without recovery: wasted {wasted_no_recovery:.3}");
    assert!(wasted_no_recovery > wasted);
}

#[test]
fn a_frequency_cap_bounds_the_impressions_a_voter_gets_in_a_day() {
    // A one-day campaign with a budget of many impressions per voter: the legal cap of 2 holds
    // for each of the two parties, so nobody sees more than 4.
    let sets = [
        "timeline.campaign_days=1",
        "parties[0].budget=20000000.0",
        "parties[1].budget=20000000.0",
        "regulation.frequency_cap=Some(2)",
    ];
    let mut sim = Simulation::new(small_baseline(&sets), 0);
    sim.step();
    let mut q = sim.world.query::<&votelab::agents::Exposure>();
    let most = q.iter(&sim.world).map(|e| e.ads).fold(0.0f32, f32::max);
    assert!(most > 0.0 && most <= 4.0, "most impressions in a day: {most}");
}

#[test]
fn late_weighted_pacing_spends_the_budget_toward_election_day() {
    // Half the budget in the last 5 of 25 days: impressions per day at the end are about four
    // times those of the start (0.5 / 5 against 0.5 / 20 of the budget a day).
    let even = run_small(&["parties[0].campaign.pacing=Even", "parties[1].campaign.pacing=Even"], 0);
    let late = run_small(
        &[
            "parties[0].campaign.pacing=LateWeighted(days: 5, share: 0.5)",
            "parties[1].campaign.pacing=LateWeighted(days: 5, share: 0.5)",
        ],
        0,
    );
    let daily = |log: &MetricsLog| -> Vec<f64> {
        let mut seen: Vec<f64> = log.timeseries.iter().map(|row| row.ads_per_capita).collect();
        for d in (1..seen.len()).rev() {
            seen[d] -= seen[d - 1];
        }
        seen
    };
    let (even, late) = (daily(&even), daily(&late));
    let ratio = |d: &[f64]| d[22] / d[2];
    eprintln!("day 23 over day 3: even {:.2}, late-weighted {:.2}", ratio(&even), ratio(&late));
    assert!((ratio(&even) - 1.0).abs() < 0.1);
    assert!((ratio(&late) - 4.0).abs() < 0.6);
}

#[test]
fn grassroots_events_cost_money_and_free_events_still_mobilise() {
    // Free events for Gen Z with no ads: the costs come out of the budget, and turnout still rises.
    let quiet = ["population.represents=Some(400000)", "parties[0].budget=1000000.0", "parties[1].budget=0.0"];
    let events = "parties[0].campaign.grassroots=Some(Grassroots(events: 25, places: 10, attendees: 300, ticket: 0.0, cost_per_event: 2000.0, cohorts: [\"Gen Z\"]))";
    let mut sets = quiet.to_vec();
    sets.push(events);
    let with = run_small(&sets, 0);
    assert_eq!(metric(&with, &["grassroots", "funds_raised"]), 0.0);
    assert!((metric(&with, &["grassroots", "event_costs"]) - 50_000.0).abs() < 1e-6);
    assert!(metric(&with, &["ads", "spend", "Left"]) <= 1_000_000.0 - 50_000.0 + 1e-6, "events are paid first");
    let quiet_free: Vec<&str> = vec![quiet[0], "parties[0].budget=0.0", quiet[2]];
    let mut free_sets = quiet_free.clone();
    free_sets.push(events);
    let (without, with) = (run_small(&quiet_free, 0), run_small(&free_sets, 0));
    let gain = metric(&with, &["turnout_by_cohort", "Gen Z"]) - metric(&without, &["turnout_by_cohort", "Gen Z"]);
    eprintln!("free events with no budget at all: Gen Z turnout {:+.2} pp", 100.0 * gain);
    assert!(gain > 0.0, "meeting people mobilises without any ad money");
}
