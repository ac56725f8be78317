//! The bounded job pool of `votelab serve`: a fixed number of worker threads take jobs from a
//! small queue; a job that finds every worker busy and the queue full is refused (the API answers
//! 429). Finished jobs are kept in memory, up to a cap (the oldest go first); jobs that finished
//! before a restart can be put back ([`Pool::restore`]) and unfinished ones queued again under
//! their numbers ([`Pool::resume`]).
//!
//! Reads nothing and writes nothing: the work itself (simulation) is a [`Work`] value; the pool
//! only schedules it, counts its progress, cancels it and keeps its outcome. Simulation runs on
//! these threads (and rayon's), never on the async runtime that answers requests.

use std::collections::{BTreeMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Instant;

/// What a job does. `run` is called once, on a worker thread.
pub trait Work: Send + 'static {
    /// What a finished job keeps.
    type Output: Send + Sync + 'static;
    /// Steps the job will count through [`Ticket::step`] (for the progress fraction).
    fn total_steps(&self) -> u64;
    /// Do the work; return [`Stopped`] when the ticket says it was cancelled.
    fn run(self, ticket: &Ticket) -> Result<Self::Output, Stopped>;
}

/// The work stopped early because the job was cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopped;

/// A running job's link to the pool: count steps, ask whether to go on.
pub struct Ticket {
    id: u64,
    steps: AtomicU64,
    cancelled: AtomicBool,
}

impl Ticket {
    fn new(id: u64) -> Ticket {
        Ticket { id, steps: AtomicU64::new(0), cancelled: AtomicBool::new(false) }
    }

    /// The job's number.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Count one step; whether to go on (false once the job is cancelled).
    pub fn step(&self) -> bool {
        self.steps.fetch_add(1, Ordering::Relaxed);
        !self.cancelled()
    }

    /// Whether the job has been cancelled.
    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// Sizes of the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    /// Jobs run at the same time (worker threads), at least 1.
    pub workers: usize,
    /// Jobs waiting for a worker; beyond `workers + queue` active jobs, submissions are refused.
    pub queue: usize,
    /// Finished (done, failed or cancelled) jobs kept for their results.
    pub keep: usize,
}

/// Where a job is.
pub enum State<O> {
    /// Waiting for a worker; `position` jobs are ahead of it (0: next).
    Queued {
        /// Jobs ahead in the queue.
        position: usize,
    },
    /// Being worked on.
    Running,
    /// Finished, with its output.
    Done(Arc<O>),
    /// Failed (the message says why; a panic in the work lands here, not in a crash).
    Failed(String),
    /// Cancelled before it finished.
    Cancelled,
}

impl<O> Clone for State<O> {
    fn clone(&self) -> Self {
        match self {
            State::Queued { position } => State::Queued { position: *position },
            State::Running => State::Running,
            State::Done(o) => State::Done(o.clone()),
            State::Failed(m) => State::Failed(m.clone()),
            State::Cancelled => State::Cancelled,
        }
    }
}

impl<O> State<O> {
    /// The state's name as the API reports it.
    pub fn name(&self) -> &'static str {
        match self {
            State::Queued { .. } => "queued",
            State::Running => "running",
            State::Done(_) => "done",
            State::Failed(_) => "failed",
            State::Cancelled => "cancelled",
        }
    }

    /// Whether the job will not change any more.
    pub fn finished(&self) -> bool {
        matches!(self, State::Done(_) | State::Failed(_) | State::Cancelled)
    }
}

/// A job as seen from outside: its state, progress and the description given at submission.
pub struct View<O, I> {
    /// The job's id.
    pub id: u64,
    /// Where it is.
    pub state: State<O>,
    /// Fraction of its steps done, [0, 1].
    pub progress: f64,
    /// Seconds since it was submitted (until it finished).
    pub seconds: f64,
    /// What was submitted (a description for the API).
    pub info: Arc<I>,
}

impl<O, I> Clone for View<O, I> {
    fn clone(&self) -> Self {
        View {
            id: self.id,
            state: self.state.clone(),
            progress: self.progress,
            seconds: self.seconds,
            info: self.info.clone(),
        }
    }
}

/// Why a submission was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Every worker is busy and the queue is full; `capacity` jobs are active.
    Full {
        /// Jobs running plus waiting.
        capacity: usize,
    },
    /// The server is stopping.
    ShuttingDown,
}

/// Why a job could not be cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelError {
    /// No such job (never submitted, or evicted).
    Unknown,
    /// It had already finished.
    Finished,
}

struct Job<W: Work, I> {
    work: Option<W>,
    state: State<W::Output>,
    total_steps: u64,
    ticket: Arc<Ticket>,
    info: Arc<I>,
    submitted: Instant,
    ended: Option<Instant>,
}

struct Jobs<W: Work, I> {
    next_id: u64,
    queue: VecDeque<u64>,
    running: usize,
    jobs: BTreeMap<u64, Job<W, I>>,
    stopping: bool,
}

struct Shared<W: Work, I> {
    config: PoolConfig,
    jobs: Mutex<Jobs<W, I>>,
    wake: Condvar,
}

impl<W: Work, I> Shared<W, I> {
    /// The job table; a worker that panicked while holding the lock cannot leave it inconsistent
    /// (every update is a single assignment), so a poisoned lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Jobs<W, I>> {
        self.jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The pool: submit, look up, cancel; worker threads run the jobs.
pub struct Pool<W: Work, I> {
    shared: Arc<Shared<W, I>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl<W: Work, I: Send + Sync + 'static> Pool<W, I> {
    /// Start the worker threads.
    pub fn start(config: PoolConfig) -> Pool<W, I> {
        let config = PoolConfig { workers: config.workers.max(1), ..config };
        let shared = Arc::new(Shared {
            config,
            jobs: Mutex::new(Jobs {
                next_id: 1,
                queue: VecDeque::new(),
                running: 0,
                jobs: BTreeMap::new(),
                stopping: false,
            }),
            wake: Condvar::new(),
        });
        let workers = (0..config.workers)
            .map(|i| {
                let shared = shared.clone();
                std::thread::Builder::new()
                    .name(format!("votelab-job-{i}"))
                    .spawn(move || work_loop(&shared))
                    .expect("a worker thread can be started")
            })
            .collect();
        Pool { shared, workers: Mutex::new(workers) }
    }

    /// The pool's sizes.
    pub fn config(&self) -> PoolConfig {
        self.shared.config
    }

    /// Queue a job; its id, or why it was refused.
    pub fn submit(&self, work: W, info: I) -> Result<u64, Refused> {
        let mut jobs = self.shared.lock();
        if jobs.stopping {
            return Err(Refused::ShuttingDown);
        }
        let capacity = self.shared.config.workers + self.shared.config.queue;
        if jobs.running + jobs.queue.len() >= capacity {
            return Err(Refused::Full { capacity });
        }
        let id = jobs.next_id;
        self.enqueue(&mut jobs, id, work, info);
        drop(jobs);
        self.shared.wake.notify_one();
        Ok(id)
    }

    fn enqueue(&self, jobs: &mut Jobs<W, I>, id: u64, work: W, info: I) {
        jobs.next_id = jobs.next_id.max(id + 1);
        let job = Job {
            total_steps: work.total_steps(),
            work: Some(work),
            state: State::Queued { position: 0 },
            ticket: Arc::new(Ticket::new(id)),
            info: Arc::new(info),
            submitted: Instant::now(),
            ended: None,
        };
        jobs.jobs.insert(id, job);
        jobs.queue.push_back(id);
        evict(jobs, self.shared.config.keep);
    }

    /// Queue a job under a number it had before (a restart resumes it); the queue's size does
    /// not apply, as it was accepted already.
    pub fn resume(&self, id: u64, work: W, info: I) {
        let mut jobs = self.shared.lock();
        if jobs.stopping || jobs.jobs.contains_key(&id) {
            return;
        }
        self.enqueue(&mut jobs, id, work, info);
        drop(jobs);
        self.shared.wake.notify_one();
    }

    /// Put back a job that finished before a restart, with how long it took.
    pub fn restore(&self, id: u64, state: State<W::Output>, info: I, seconds: f64) {
        let mut jobs = self.shared.lock();
        jobs.next_id = jobs.next_id.max(id + 1);
        let now = Instant::now();
        let submitted = now.checked_sub(std::time::Duration::from_secs_f64(seconds.max(0.0))).unwrap_or(now);
        let ticket = Arc::new(Ticket::new(id));
        let job = Job { work: None, state, total_steps: 0, ticket, info: Arc::new(info), submitted, ended: Some(now) };
        jobs.jobs.insert(id, job);
        evict(&mut jobs, self.shared.config.keep);
    }

    /// A job's current view.
    pub fn view(&self, id: u64) -> Option<View<W::Output, I>> {
        let jobs = self.shared.lock();
        let job = jobs.jobs.get(&id)?;
        let mut state = job.state.clone();
        if let State::Queued { .. } = state {
            state = State::Queued { position: jobs.queue.iter().position(|&q| q == id).unwrap_or(0) };
        }
        let progress = match state {
            State::Done(_) => 1.0,
            _ if job.total_steps == 0 => 0.0,
            _ => (job.ticket.steps.load(Ordering::Relaxed) as f64 / job.total_steps as f64).min(1.0),
        };
        let seconds = job.ended.unwrap_or_else(Instant::now).duration_since(job.submitted).as_secs_f64();
        Some(View { id, state, progress, seconds, info: job.info.clone() })
    }

    /// Ids of the jobs held, oldest first.
    pub fn ids(&self) -> Vec<u64> {
        self.shared.lock().jobs.keys().copied().collect()
    }

    /// Cancel a job: a queued one at once, a running one after its current step.
    pub fn cancel(&self, id: u64) -> Result<(), CancelError> {
        let mut jobs = self.shared.lock();
        let jobs = &mut *jobs;
        let job = jobs.jobs.get_mut(&id).ok_or(CancelError::Unknown)?;
        match job.state {
            State::Queued { .. } => {
                job.state = State::Cancelled;
                job.work = None;
                job.ended = Some(Instant::now());
                jobs.queue.retain(|&q| q != id);
                Ok(())
            }
            State::Running => {
                job.ticket.cancel();
                Ok(())
            }
            _ => Err(CancelError::Finished),
        }
    }

    /// Whether [`Pool::stop`] has been called.
    pub fn stopping(&self) -> bool {
        self.shared.lock().stopping
    }

    /// Refuse new jobs, cancel the queued and running ones, and wait for the workers to finish
    /// their current step and exit.
    pub fn stop(&self) {
        {
            let mut jobs = self.shared.lock();
            jobs.stopping = true;
            let queued: Vec<u64> = jobs.queue.drain(..).collect();
            for job in jobs.jobs.values_mut() {
                job.ticket.cancel();
            }
            for id in queued {
                if let Some(job) = jobs.jobs.get_mut(&id) {
                    job.state = State::Cancelled;
                    job.work = None;
                }
            }
        }
        self.shared.wake.notify_all();
        let handles: Vec<JoinHandle<()>> = std::mem::take(&mut *self.workers.lock().unwrap_or_else(|p| p.into_inner()));
        for h in handles {
            let _ = h.join();
        }
    }
}

/// Drop the oldest finished jobs beyond `keep`.
fn evict<W: Work, I>(jobs: &mut Jobs<W, I>, keep: usize) {
    let finished: Vec<u64> = jobs.jobs.iter().filter(|(_, j)| j.state.finished()).map(|(&id, _)| id).collect();
    for id in finished.iter().take(finished.len().saturating_sub(keep)) {
        jobs.jobs.remove(id);
    }
}

/// A worker thread: take the next queued job, run it, record the outcome; until the pool stops.
fn work_loop<W: Work, I>(shared: &Shared<W, I>) {
    loop {
        let (id, work, ticket) = {
            let mut jobs = shared.lock();
            let id = loop {
                if jobs.stopping {
                    return;
                }
                if let Some(id) = jobs.queue.pop_front() {
                    break id;
                }
                jobs = shared.wake.wait(jobs).unwrap_or_else(|p| p.into_inner());
            };
            let Some(job) = jobs.jobs.get_mut(&id) else { continue };
            let Some(work) = job.work.take() else { continue };
            job.state = State::Running;
            let ticket = job.ticket.clone();
            jobs.running += 1;
            (id, work, ticket)
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| work.run(&ticket)));
        let state = match outcome {
            Ok(Ok(output)) => State::Done(Arc::new(output)),
            Ok(Err(Stopped)) => State::Cancelled,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown error".into());
                State::Failed(format!("internal error while simulating: {what}"))
            }
        };
        let mut jobs = shared.lock();
        jobs.running -= 1;
        if let Some(job) = jobs.jobs.get_mut(&id) {
            job.state = state;
            job.ended = Some(Instant::now());
        }
        evict(&mut jobs, shared.config.keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Work that counts `steps` steps, waiting for a go-ahead before finishing.
    struct Gate {
        steps: u64,
        go: Arc<Mutex<mpsc::Receiver<()>>>,
        panic: bool,
    }

    impl Work for Gate {
        type Output = u64;
        fn total_steps(&self) -> u64 {
            self.steps
        }
        fn run(self, ticket: &Ticket) -> Result<u64, Stopped> {
            for _ in 0..self.steps / 2 {
                ticket.step();
            }
            loop {
                if ticket.cancelled() {
                    return Err(Stopped);
                }
                if self.go.lock().unwrap().recv_timeout(Duration::from_millis(5)).is_ok() {
                    break;
                }
            }
            if self.panic {
                panic!("boom");
            }
            for _ in self.steps / 2..self.steps {
                ticket.step();
            }
            Ok(self.steps)
        }
    }

    fn wait_for(pool: &Pool<Gate, ()>, id: u64, state: &str) {
        for _ in 0..2000 {
            if pool.view(id).map(|v| v.state.name()) == Some(state) {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("job {id} never became {state}");
    }

    fn gate(go: &Arc<Mutex<mpsc::Receiver<()>>>, panic: bool) -> Gate {
        Gate { steps: 10, go: go.clone(), panic }
    }

    #[test]
    fn more_jobs_than_workers_and_queue_are_refused() {
        let (tx, rx) = mpsc::channel();
        let go = Arc::new(Mutex::new(rx));
        let pool: Pool<Gate, ()> = Pool::start(PoolConfig { workers: 1, queue: 1, keep: 4 });
        let a = pool.submit(gate(&go, false), ()).unwrap();
        let b = pool.submit(gate(&go, false), ()).unwrap();
        assert_eq!(pool.submit(gate(&go, false), ()), Err(Refused::Full { capacity: 2 }));
        wait_for(&pool, a, "running");
        assert!(matches!(pool.view(b).unwrap().state, State::Queued { position: 0 }));
        assert!((pool.view(a).unwrap().progress - 0.5).abs() < 1e-9);
        tx.send(()).unwrap();
        wait_for(&pool, a, "done");
        assert_eq!(pool.view(a).unwrap().progress, 1.0);
        // A slot is free again.
        let c = pool.submit(gate(&go, false), ()).unwrap();
        tx.send(()).unwrap();
        tx.send(()).unwrap();
        wait_for(&pool, b, "done");
        wait_for(&pool, c, "done");
        pool.stop();
    }

    #[test]
    fn cancelled_and_panicking_jobs_end_without_taking_the_pool_down() {
        let (tx, rx) = mpsc::channel();
        let go = Arc::new(Mutex::new(rx));
        let pool: Pool<Gate, ()> = Pool::start(PoolConfig { workers: 1, queue: 2, keep: 8 });
        let a = pool.submit(gate(&go, false), ()).unwrap();
        let b = pool.submit(gate(&go, false), ()).unwrap();
        wait_for(&pool, a, "running");
        pool.cancel(b).unwrap();
        assert_eq!(pool.view(b).unwrap().state.name(), "cancelled");
        pool.cancel(a).unwrap();
        wait_for(&pool, a, "cancelled");
        assert_eq!(pool.cancel(a), Err(CancelError::Finished));
        assert_eq!(pool.cancel(99), Err(CancelError::Unknown));
        let c = pool.submit(gate(&go, true), ()).unwrap();
        tx.send(()).unwrap();
        wait_for(&pool, c, "failed");
        match pool.view(c).unwrap().state {
            State::Failed(m) => assert!(m.contains("boom"), "{m}"),
            _ => unreachable!(),
        }
        let d = pool.submit(gate(&go, false), ()).unwrap();
        tx.send(()).unwrap();
        wait_for(&pool, d, "done");
        pool.stop();
    }

    #[test]
    fn only_the_newest_finished_jobs_are_kept() {
        let (tx, rx) = mpsc::channel();
        let go = Arc::new(Mutex::new(rx));
        let pool: Pool<Gate, ()> = Pool::start(PoolConfig { workers: 1, queue: 1, keep: 2 });
        let mut ids = Vec::new();
        for _ in 0..4 {
            let id = pool.submit(gate(&go, false), ()).unwrap();
            tx.send(()).unwrap();
            wait_for(&pool, id, "done");
            ids.push(id);
        }
        assert_eq!(pool.ids(), ids[2..].to_vec());
        assert!(pool.view(ids[0]).is_none());
        pool.stop();
    }

    #[test]
    fn restored_and_resumed_jobs_keep_their_numbers() {
        let (tx, rx) = mpsc::channel();
        let go = Arc::new(Mutex::new(rx));
        let pool: Pool<Gate, ()> = Pool::start(PoolConfig { workers: 1, queue: 1, keep: 8 });
        pool.restore(4, State::Done(Arc::new(10)), (), 2.0);
        pool.restore(5, State::Cancelled, (), 0.0);
        pool.resume(6, gate(&go, false), ());
        assert_eq!(pool.view(4).unwrap().state.name(), "done");
        assert!((pool.view(4).unwrap().seconds - 2.0).abs() < 0.5);
        tx.send(()).unwrap();
        wait_for(&pool, 6, "done");
        let next = pool.submit(gate(&go, false), ()).unwrap();
        assert_eq!(next, 7, "new jobs are numbered after the restored ones");
        tx.send(()).unwrap();
        wait_for(&pool, next, "done");
        pool.stop();
    }

    #[test]
    fn stopping_cancels_running_work_and_refuses_new_jobs() {
        let (_tx, rx) = mpsc::channel();
        let go = Arc::new(Mutex::new(rx));
        let pool: Pool<Gate, ()> = Pool::start(PoolConfig { workers: 1, queue: 1, keep: 2 });
        let a = pool.submit(gate(&go, false), ()).unwrap();
        wait_for(&pool, a, "running");
        pool.stop();
        assert_eq!(pool.view(a).unwrap().state.name(), "cancelled");
        assert_eq!(pool.submit(gate(&go, false), ()), Err(Refused::ShuttingDown));
    }
}
