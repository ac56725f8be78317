//! Scenarios compiled into the binary, so `votelab run netzdg-24h` works without the files.
//! Reads the texts of `scenarios/*.ron` at compile time; writes nothing.

/// (name, RON text) of every built-in scenario, the baseline first.
pub const BUILTINS: &[(&str, &str)] = &[
    ("baseline", include_str!("../../scenarios/baseline.ron")),
    ("netzdg-24h", include_str!("../../scenarios/netzdg-24h.ron")),
    ("takedown-1h", include_str!("../../scenarios/takedown-1h.ron")),
    ("microtargeting-ban", include_str!("../../scenarios/microtargeting-ban.ron")),
    ("eu-political-ads", include_str!("../../scenarios/eu-political-ads.ron")),
    ("data-broker-consent", include_str!("../../scenarios/data-broker-consent.ron")),
    ("data-broker-ban", include_str!("../../scenarios/data-broker-ban.ron")),
    ("media-literacy-genz", include_str!("../../scenarios/media-literacy-genz.ron")),
    ("bubble-bursting", include_str!("../../scenarios/bubble-bursting.ron")),
    ("online-offline-deliberation", include_str!("../../scenarios/online-offline-deliberation.ron")),
    ("invest-in-genz", include_str!("../../scenarios/invest-in-genz.ron")),
    ("grassroots-engagement", include_str!("../../scenarios/grassroots-engagement.ron")),
    ("fear-campaign", include_str!("../../scenarios/fear-campaign.ron")),
    ("bot-surge", include_str!("../../scenarios/bot-surge.ron")),
    ("all-recommendations", include_str!("../../scenarios/all-recommendations.ron")),
];

/// The text of a built-in scenario.
pub fn get(name: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Names of the built-in scenarios.
pub fn names() -> impl Iterator<Item = &'static str> + Clone {
    BUILTINS.iter().map(|(n, _)| *n)
}
