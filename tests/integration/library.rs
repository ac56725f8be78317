//! Every library scenario differs from the baseline in the direction its description claims,
//! measured with common random numbers at a small size.

use super::common::*;
use votelab::metrics::MetricsLog;

const SMALL: [&str; 5] = [
    "population.size=3000",
    "timeline.elections=2",
    "timeline.campaign_days=30",
    "replicates=2",
    "influence.noise=0.01",
];

fn run(name: &str) -> Vec<MetricsLog> {
    let loaded = builtin(name, &SMALL);
    let s = shared(&loaded);
    (0..loaded.scenario.replicates).map(|r| votelab::sim::run_replicate_to_end(s.clone(), r)).collect()
}

/// Mean over replicates of a metric at the last election.
fn last(logs: &[MetricsLog], path: &[&str]) -> f64 {
    logs.iter().map(|l| l.elections.last().and_then(|r| r.get(path)).expect("metric")).sum::<f64>() / logs.len() as f64
}

#[test]
fn every_library_scenario_moves_its_metric_in_the_claimed_direction() {
    let base = run("baseline");
    let b = |path: &[&str]| last(&base, path);
    let mut failures = Vec::new();
    let mut check = |name: &str, claim: &str, ok: bool| {
        if !ok {
            failures.push(format!("{name}: {claim}"));
        }
    };
    let misinfo = ["misinformation", "exposures_per_capita"];
    let netzdg = run("netzdg-24h");
    let one_hour = run("takedown-1h");
    check("netzdg-24h", "less misinformation seen", last(&netzdg, &misinfo) < b(&misinfo));
    check(
        "takedown-1h",
        "much less misinformation than netzdg-24h",
        last(&one_hour, &misinfo) < last(&netzdg, &misinfo),
    );
    let targeted = ["ads", "targeted_share"];
    check(
        "microtargeting-ban",
        "no targeted ads",
        last(&run("microtargeting-ban"), &targeted) == 0.0 && b(&targeted) > 0.0,
    );
    let accuracy = ["brokers", "profile_accuracy"];
    check("eu-political-ads", "less accurate profiles", last(&run("eu-political-ads"), &accuracy) < b(&accuracy));
    check("data-broker-consent", "less accurate profiles", last(&run("data-broker-consent"), &accuracy) < b(&accuracy));
    check("data-broker-ban", "no profiles at all", last(&run("data-broker-ban"), &accuracy) == 0.0);
    let genz_belief = ["misinformation", "mean_belief_by_cohort", "Gen Z"];
    check(
        "media-literacy-genz",
        "lower Gen Z mean belief",
        last(&run("media-literacy-genz"), &genz_belief) < b(&genz_belief),
    );
    let like_minded = ["feed", "like_minded_share"];
    check(
        "bubble-bursting",
        "fewer like-minded feed items",
        last(&run("bubble-bursting"), &like_minded) < b(&like_minded),
    );
    let affective = ["polarisation", "affective"];
    check(
        "online-offline-deliberation",
        "lower hostility",
        last(&run("online-offline-deliberation"), &affective) < b(&affective),
    );
    let genz_turnout = ["turnout_by_cohort", "Gen Z"];
    check("invest-in-genz", "higher Gen Z turnout", last(&run("invest-in-genz"), &genz_turnout) > b(&genz_turnout));
    let grassroots = run("grassroots-engagement");
    check("grassroots-engagement", "money raised", last(&grassroots, &["grassroots", "funds_raised"]) > 0.0);
    check("grassroots-engagement", "higher turnout", last(&grassroots, &["turnout"]) > b(&["turnout"]));
    check("fear-campaign", "more hostility", last(&run("fear-campaign"), &affective) > b(&affective));
    check(
        "bot-surge",
        "more bot items",
        last(&run("bot-surge"), &["feed", "bot_items_per_capita"]) > b(&["feed", "bot_items_per_capita"]),
    );
    let all = run("all-recommendations");
    check(
        "all-recommendations",
        "lower mean belief",
        last(&all, &["misinformation", "mean_belief"]) <= b(&["misinformation", "mean_belief"]),
    );
    check("all-recommendations", "higher Gen Z turnout", last(&all, &genz_turnout) > b(&genz_turnout));
    assert!(failures.is_empty(), "claims not met: {failures:#?}");
}
