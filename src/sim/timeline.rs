//! The timetable of a run (`docs/MODEL.md` §2.7): daily steps through each campaign, coarse steps
//! between campaigns, and the election at the end of each campaign's last day. Pure: reads the
//! scenario's `timeline`, returns the plan.

use crate::scenario::Timeline;

/// Days per year used by the calendar.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// One step of the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepPlan {
    /// Day (since the run started) at which the step begins.
    pub start_day: f64,
    /// Length of the step in days.
    pub dt: f64,
    /// The election this step campaigns for, if it is a campaign day.
    pub campaign: Option<usize>,
    /// Day within the campaign, from 0.
    pub campaign_day: u32,
    /// The election held at the end of this step, if any.
    pub election: Option<usize>,
}

/// All steps of a run, in order.
pub fn plan(t: &Timeline) -> Vec<StepPlan> {
    let campaign_days = f64::from(t.campaign_days);
    let cycle = f64::from(t.years_between) * DAYS_PER_YEAR;
    let offseason_step = f64::from(t.offseason_step_days);
    let mut steps = Vec::new();
    for k in 0..t.elections as usize {
        let election_day = campaign_days + k as f64 * cycle;
        if k > 0 {
            // Off season: from the previous election to the start of this campaign.
            let mut day = election_day - cycle;
            let campaign_start = election_day - campaign_days;
            while day < campaign_start - 1e-9 {
                let dt = offseason_step.min(campaign_start - day);
                steps.push(StepPlan { start_day: day, dt, campaign: None, campaign_day: 0, election: None });
                day += dt;
            }
        }
        for d in 0..t.campaign_days {
            let last = d + 1 == t.campaign_days;
            steps.push(StepPlan {
                start_day: election_day - campaign_days + f64::from(d),
                dt: 1.0,
                campaign: Some(k),
                campaign_day: d,
                election: last.then_some(k),
            });
        }
    }
    steps
}

/// Calendar year (fractional) of a day since the run started; elections sit at the start of
/// their year, the first one `campaign_days` into the run.
pub fn year_of(t: &Timeline, day: f64) -> f64 {
    f64::from(t.start_year) + (day - f64::from(t.campaign_days)) / DAYS_PER_YEAR
}

/// Calendar year of election `k`.
pub fn election_year(t: &Timeline, k: usize) -> f64 {
    f64::from(t.start_year) + (k as u32 * t.years_between) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline() -> Timeline {
        Timeline { start_year: 2026, elections: 3, years_between: 4, campaign_days: 90, offseason_step_days: 30 }
    }

    #[test]
    fn each_election_ends_a_daily_campaign() {
        let steps = plan(&timeline());
        let elections: Vec<usize> = steps.iter().filter_map(|s| s.election).collect();
        assert_eq!(elections, vec![0, 1, 2]);
        assert_eq!(steps.iter().filter(|s| s.campaign.is_some()).count(), 270);
        assert!(steps.iter().filter(|s| s.campaign.is_some()).all(|s| s.dt == 1.0));
    }

    #[test]
    fn steps_tile_the_run_without_gaps() {
        let t = timeline();
        let steps = plan(&t);
        for pair in steps.windows(2) {
            assert!((pair[0].start_day + pair[0].dt - pair[1].start_day).abs() < 1e-9);
        }
        let last = steps.last().unwrap();
        let end = last.start_day + last.dt;
        assert!((year_of(&t, end) - election_year(&t, 2)).abs() < 1e-9);
    }

    #[test]
    fn offseason_steps_are_coarse() {
        let steps = plan(&timeline());
        let offseason: Vec<&StepPlan> = steps.iter().filter(|s| s.campaign.is_none()).collect();
        assert!(offseason.iter().all(|s| s.dt <= 30.0));
        let days: f64 = offseason.iter().map(|s| s.dt).sum();
        assert!((days - 2.0 * (4.0 * 365.0 - 90.0)).abs() < 1e-9);
    }
}
