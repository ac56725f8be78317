//! How long a queued job is expected to wait, for the page to tell its participant: the time
//! left of the running jobs and of the jobs ahead in the queue, shared among the workers. Each
//! job's estimate (from `votelab run`'s cost model) is scaled by how this server has actually
//! done on the jobs finished so far.
//!
//! Reads job views; writes numbers. Nothing here shapes a result: it is only shown.

use super::experiment::{JobInfo, Outcome};
use super::jobs::{State, View};

/// A job as the pool shows it.
type JobView = View<Outcome, JobInfo>;

/// Measured over estimated time of the finished jobs (1 before any has finished).
pub fn calibration(views: &[JobView]) -> f64 {
    let (measured, estimated) = views.iter().fold((0.0, 0.0), |(m, e), v| match &v.state {
        State::Done(o) if v.info.estimated_seconds > 0.0 && o.seconds > 0.0 => {
            (m + o.seconds, e + v.info.estimated_seconds)
        }
        _ => (m, e),
    });
    if estimated > 0.0 { measured / estimated } else { 1.0 }
}

/// Seconds of work left in a job, by the calibrated estimate.
fn left(view: &JobView, calibration: f64) -> f64 {
    match view.state {
        State::Running => (view.info.estimated_seconds * calibration * (1.0 - view.progress)).max(0.0),
        State::Queued { .. } => view.info.estimated_seconds * calibration,
        _ => 0.0,
    }
}

/// Expected seconds until job `id` starts: the work left in the running jobs and in the queued
/// jobs ahead of it, shared among `workers`. `None` unless it is queued.
pub fn until_start(views: &[JobView], id: u64, workers: usize) -> Option<f64> {
    let calibration = calibration(views);
    let me = views.iter().find(|v| v.id == id)?;
    let State::Queued { position } = me.state else { return None };
    let ahead: f64 = views
        .iter()
        .filter(|v| match v.state {
            State::Running => true,
            State::Queued { position: p } => p < position,
            _ => false,
        })
        .map(|v| left(v, calibration))
        .sum();
    Some(ahead / workers.max(1) as f64)
}

/// Seconds until a worker is expected to be free (for `Retry-After` when the queue is full):
/// the work left in the running jobs and the whole queue, shared among `workers`.
pub fn until_free(views: &[JobView], workers: usize) -> f64 {
    let calibration = calibration(views);
    let total: f64 = views.iter().map(|v| left(v, calibration)).sum();
    total / workers.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::serve::experiment::{self, RunRequest};
    use crate::cli::serve::store::SavedOutcome;
    use std::sync::Arc;

    fn view(id: u64, state: State<Outcome>, estimated: f64, progress: f64) -> JobView {
        let limits = experiment::test_limits();
        let request = RunRequest { scenario: Some("baseline".into()), ..Default::default() };
        let mut info = experiment::prepare(&request, &limits).unwrap().1;
        info.estimated_seconds = estimated;
        View { id, state, progress, seconds: 0.0, info: Arc::new(info) }
    }

    fn done(seconds: f64) -> State<Outcome> {
        State::Done(Arc::new(SavedOutcome {
            summary: serde_json::Value::Null,
            comparison: serde_json::Value::Null,
            folder: "x".into(),
            report_error: None,
            reference_reused: false,
            seconds,
        }))
    }

    #[test]
    fn the_wait_adds_the_work_ahead_scaled_by_what_was_measured() {
        let views = vec![
            view(1, done(20.0), 10.0, 1.0),
            view(2, State::Running, 10.0, 0.5),
            view(3, State::Queued { position: 0 }, 10.0, 0.0),
            view(4, State::Queued { position: 1 }, 10.0, 0.0),
        ];
        assert!((calibration(&views) - 2.0).abs() < 1e-9);
        // Job 2 has 10 s left (half of 20 calibrated), job 3 20 s.
        assert!((until_start(&views, 3, 1).unwrap() - 10.0).abs() < 1e-9);
        assert!((until_start(&views, 4, 1).unwrap() - 30.0).abs() < 1e-9);
        assert!((until_start(&views, 4, 2).unwrap() - 15.0).abs() < 1e-9);
        assert_eq!(until_start(&views, 2, 1), None);
        assert!((until_free(&views, 1) - 50.0).abs() < 1e-9);
    }
}
