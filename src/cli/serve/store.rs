//! The session's state folder (`votelab serve --state DIR`): every job and its results on disk,
//! so a participant's links work for the whole session and survive a restart of the server.
//!
//! Layout, one folder per job: `jobs/<id>/job.json` (what was asked, written when the job is
//! accepted), `jobs/<id>/<results folder>/…` (the results folder as `votelab compare` writes it,
//! `report.html` included), `jobs/<id>/outcome.json` (summary, comparison and timing, written
//! last: a job is done when it exists), `jobs/<id>/charts.json` (the report's charts) and
//! `jobs/<id>/cancelled` (cancelled by a participant or the facilitator). Reads and writes only
//! below the state folder; each file is written to a temporary name and renamed into place, so
//! an interrupted write leaves no half file.

use super::experiment::JobInfo;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// What a finished job keeps in `outcome.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedOutcome {
    /// The explored scenario's `summary.json`.
    pub summary: Value,
    /// `comparison.json`.
    pub comparison: Value,
    /// The results folder's name, as `votelab compare` would name it.
    pub folder: String,
    /// Why the report could not be drawn, if it could not.
    pub report_error: Option<String>,
    /// Whether the reference's replicates were reused from an earlier job.
    pub reference_reused: bool,
    /// Seconds from submission to the end.
    pub seconds: f64,
}

/// A job found in the state folder.
pub struct SavedJob {
    /// Its number.
    pub id: u64,
    /// What it was asked to do.
    pub info: JobInfo,
    /// How it ended, if it did.
    pub ended: Option<Ended>,
}

/// How a saved job ended.
pub enum Ended {
    /// Done, with its outcome.
    Done(SavedOutcome),
    /// Cancelled.
    Cancelled,
}

/// The state folder.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store in `dir` (created if needed).
    pub fn open(dir: &Path) -> io::Result<Store> {
        std::fs::create_dir_all(dir.join("jobs"))?;
        Ok(Store { dir: dir.to_path_buf() })
    }

    /// The folder of job `id`.
    pub fn job_dir(&self, id: u64) -> PathBuf {
        self.dir.join("jobs").join(id.to_string())
    }

    /// Record an accepted job.
    pub fn save_job(&self, id: u64, info: &JobInfo) -> io::Result<()> {
        let dir = self.job_dir(id);
        std::fs::create_dir_all(&dir)?;
        write_atomic(&dir.join("job.json"), &to_json(info)?)
    }

    /// Record that job `id` was cancelled.
    pub fn mark_cancelled(&self, id: u64) -> io::Result<()> {
        write_atomic(&self.job_dir(id).join("cancelled"), "")
    }

    /// Write a finished job's results folder, charts and outcome (the outcome last).
    pub fn save_results(
        &self,
        id: u64,
        files: &BTreeMap<String, String>,
        charts: &[Value],
        outcome: &SavedOutcome,
    ) -> io::Result<()> {
        let dir = self.job_dir(id);
        let folder = dir.join(safe_name(&outcome.folder)?);
        for (path, text) in files {
            let target = safe_relative(&folder, path)?;
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            write_atomic(&target, text)?;
        }
        write_atomic(&dir.join("charts.json"), &to_json(&charts)?)?;
        write_atomic(&dir.join("outcome.json"), &to_json(outcome)?)
    }

    /// The files of job `id`'s results folder (relative path → text).
    pub fn read_results(&self, id: u64, folder: &str) -> io::Result<BTreeMap<String, String>> {
        let root = self.job_dir(id).join(safe_name(folder)?);
        let mut files = BTreeMap::new();
        let mut pending = vec![root.clone()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    pending.push(path);
                } else if let Ok(relative) = path.strip_prefix(&root) {
                    let key =
                        relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                    files.insert(key, std::fs::read_to_string(&path)?);
                }
            }
        }
        Ok(files)
    }

    /// One file of job `id`'s results folder.
    pub fn read_result_file(&self, id: u64, folder: &str, path: &str) -> io::Result<String> {
        std::fs::read_to_string(safe_relative(&self.job_dir(id).join(safe_name(folder)?), path)?)
    }

    /// The report's charts of job `id`.
    pub fn read_charts(&self, id: u64) -> io::Result<Vec<Value>> {
        let text = std::fs::read_to_string(self.job_dir(id).join("charts.json"))?;
        serde_json::from_str(&text).map_err(io::Error::other)
    }

    /// Every job in the folder, by number; folders that cannot be read are skipped.
    pub fn load_all(&self) -> Vec<SavedJob> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("jobs")) else { return Vec::new() };
        let mut jobs: Vec<SavedJob> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let id: u64 = e.file_name().to_str()?.parse().ok()?;
                let dir = e.path();
                let info: JobInfo = serde_json::from_str(&std::fs::read_to_string(dir.join("job.json")).ok()?).ok()?;
                let outcome = std::fs::read_to_string(dir.join("outcome.json"))
                    .ok()
                    .and_then(|t| serde_json::from_str::<SavedOutcome>(&t).ok());
                let ended = match outcome {
                    Some(o) => Some(Ended::Done(o)),
                    None if dir.join("cancelled").exists() => Some(Ended::Cancelled),
                    None => None,
                };
                Some(SavedJob { id, info, ended })
            })
            .collect();
        jobs.sort_by_key(|j| j.id);
        jobs
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    serde_json::to_string_pretty(value).map(|t| t + "\n").map_err(io::Error::other)
}

/// Write `text` to `path` through a temporary file renamed into place.
fn write_atomic(path: &Path, text: &str) -> io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".part");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}

/// A single folder name, refused if it could leave its parent.
fn safe_name(name: &str) -> io::Result<&str> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(io::Error::other(format!("`{name}` is not a folder name")));
    }
    Ok(name)
}

/// `root` joined with a `/`-separated relative path, refused if it could leave `root`.
fn safe_relative(root: &Path, path: &str) -> io::Result<PathBuf> {
    let mut out = root.to_path_buf();
    for part in path.split('/') {
        out.push(safe_name(part)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::serve::experiment::{self, RunRequest};

    fn info() -> JobInfo {
        let limits = experiment::test_limits();
        let request =
            RunRequest { scenario: Some("netzdg-24h".into()), participant: Some("Ada".into()), ..Default::default() };
        experiment::prepare(&request, &limits).unwrap().1
    }

    #[test]
    fn jobs_and_results_come_back_from_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let info = info();
        store.save_job(1, &info).unwrap();
        store.save_job(2, &info).unwrap();
        store.save_job(3, &info).unwrap();
        store.mark_cancelled(2).unwrap();
        let files: BTreeMap<String, String> =
            [("comparison.json".into(), "{}\n".into()), ("baseline/summary.json".into(), "{\"a\": 1}\n".into())].into();
        let outcome = SavedOutcome {
            summary: serde_json::json!({"seed": 1}),
            comparison: serde_json::json!({}),
            folder: "compare-baseline-vs-netzdg-24h".into(),
            report_error: None,
            reference_reused: false,
            seconds: 1.5,
        };
        store.save_results(1, &files, &[serde_json::json!({"id": "x"})], &outcome).unwrap();
        let jobs = store.load_all();
        assert_eq!(jobs.iter().map(|j| j.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(matches!(jobs[0].ended, Some(Ended::Done(_))));
        assert!(matches!(jobs[1].ended, Some(Ended::Cancelled)));
        assert!(jobs[2].ended.is_none());
        assert_eq!(jobs[0].info.participant, "Ada");
        assert_eq!(jobs[0].info.changes, info.changes);
        assert_eq!(store.read_results(1, &outcome.folder).unwrap(), files);
        assert_eq!(store.read_result_file(1, &outcome.folder, "baseline/summary.json").unwrap(), "{\"a\": 1}\n");
        assert_eq!(store.read_charts(1).unwrap()[0]["id"], "x");
        assert!(store.read_result_file(1, &outcome.folder, "../job.json").is_err(), "no way out of the folder");
    }
}
