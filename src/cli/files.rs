//! Filesystem and machine access for the command line: reading scenario files, the memory
//! available, and writing a results folder atomically (into a temporary folder, renamed when
//! complete) without ever replacing a folder votelab did not create.

use super::Failure;
use std::fs;
use std::path::{Path, PathBuf};

/// Marker file that identifies a results folder as votelab's own.
pub const MARKER: &str = ".votelab-results";

/// Read a scenario file.
pub fn read(path: &Path) -> std::io::Result<String> {
    fs::read_to_string(path)
}

/// Memory available to the run in bytes (Linux `MemAvailable`), if known.
pub fn available_memory() -> Option<u64> {
    let info = fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The results folder of a command: `--out` as given, or else `results/<name>`, numbered past
/// the folders that already hold something (`results/<name>-2`, `-3`, …), so a default folder
/// never replaces earlier results.
pub fn results_target(out: Option<&Path>, name: &str) -> PathBuf {
    if let Some(out) = out {
        return out.to_path_buf();
    }
    std::iter::once(name.to_string())
        .chain((2..).map(|n| format!("{name}-{n}")))
        .map(|candidate| Path::new("results").join(candidate))
        .find(|candidate| !holds_anything(candidate))
        .expect("the numbered names never run out")
}

/// Whether `path` exists and is anything but an empty folder.
fn holds_anything(path: &Path) -> bool {
    path.exists() && !(path.is_dir() && fs::read_dir(path).is_ok_and(|mut d| d.next().is_none()))
}

/// A results folder being prepared.
pub struct Output {
    target: PathBuf,
    temp: PathBuf,
    force: bool,
    /// The folder around `target` if this output created it (removed again, when empty, if
    /// the output is abandoned).
    created_parent: Option<PathBuf>,
}

impl Output {
    /// Check that `target` can be written (or replaced) before anything is simulated.
    pub fn prepare(target: &Path, force: bool) -> Result<Output, Failure> {
        if holds_anything(target) && !force {
            if !target.is_dir() {
                eprintln!(
                    "error: the output path {} exists and is not a folder; choose another with --out",
                    target.display()
                );
            } else if target.join(MARKER).exists() {
                eprintln!(
                    "error: {} already holds votelab results; refusing to replace them (use --force to replace them, or choose another folder with --out)",
                    target.display()
                );
            } else {
                eprintln!(
                    "error: {} exists and was not written by votelab; refusing to replace it (use --force, or choose another folder with --out)",
                    target.display()
                );
            }
            return Err(Failure::BadInput);
        }
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let created_parent = (!parent.exists()).then(|| parent.to_path_buf());
        if let Err(e) = fs::create_dir_all(parent) {
            eprintln!("error: cannot create the folder {}: {e}", parent.display());
            return Err(Failure::BadInput);
        }
        let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "results".into());
        let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        let _ = fs::remove_dir_all(&temp);
        if let Err(e) = fs::create_dir(&temp) {
            eprintln!("error: cannot write results under {}: {e}", parent.display());
            return Err(Failure::BadInput);
        }
        Ok(Output { target: target.to_path_buf(), temp, force, created_parent })
    }

    /// Write one text file into the folder being prepared.
    pub fn write(&self, name: &str, contents: &str) -> Result<(), Failure> {
        self.write_bytes(name, contents.as_bytes())
    }

    /// Write one file into the folder being prepared (subfolders are created).
    pub fn write_bytes(&self, name: &str, contents: &[u8]) -> Result<(), Failure> {
        let path = self.temp.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Failure::Other(format!("cannot create {}: {e}", parent.display())))?;
        }
        fs::write(path, contents).map_err(|e| Failure::Other(format!("cannot write {name}: {e}")))
    }

    /// Put the finished folder in place: into an empty or new folder, or over an existing one
    /// with `--force`.
    pub fn commit(self) -> Result<PathBuf, Failure> {
        self.write(MARKER, "This folder was written by votelab; `--force` lets a later run replace it.\n")?;
        if self.target.exists() {
            if holds_anything(&self.target) && !self.force {
                return Err(Failure::Other(format!(
                    "{} appeared while running; nothing was replaced (the results were not written)",
                    self.target.display()
                )));
            }
            fs::remove_dir_all(&self.target)
                .map_err(|e| Failure::Other(format!("cannot replace {}: {e}", self.target.display())))?;
        }
        fs::rename(&self.temp, &self.target)
            .map_err(|e| Failure::Other(format!("cannot move results into {}: {e}", self.target.display())))?;
        Ok(self.target.clone())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // An abandoned (failed or interrupted) output leaves nothing behind: not its temporary
        // folder, nor the folder it created around it (`remove_dir` only removes it if empty, so a
        // committed output keeps it).
        let _ = fs::remove_dir_all(&self.temp);
        if let Some(parent) = &self.created_parent {
            let _ = fs::remove_dir(parent);
        }
    }
}
